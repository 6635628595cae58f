// SPDX-License-Identifier: MIT
/*
 * The refcount btree on a GTree keyed by rc_startblock.
 *
 * Only shared ranges (refcount >= 2) have records.  Records never overlap
 * and two physically adjacent records never carry the same count, so the
 * record set for a given per-block refcount function is unique.
 *
 * increase/decrease work like xfs_refcount_adjust(): split the records that
 * straddle the range edges, adjust every record inside (creating or dropping
 * records as counts cross 1 <-> 2), then merge at the two edges.  Interior
 * pairs cannot become mergeable: both sides of an interior boundary change by
 * the same amount, or one side was a gap (count 1) next to a record (>= 2).
 */
#include <glib.h>

#include "bug.h"
#include "xfs_refcount.h"

struct xfs_refcount_tree {
	GTree	*rt_tree;	/* &rec->rc_startblock -> xfs_refcount_irec */
};

static gint xfs_refcount_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
	xfs_fsblock_t x = *(const xfs_fsblock_t *)a;
	xfs_fsblock_t y = *(const xfs_fsblock_t *)b;

	return x < y ? -1 : x > y ? 1 : 0;
}

static inline xfs_fsblock_t rec_end(const struct xfs_refcount_irec *rec)
{
	return rec->rc_startblock + rec->rc_blockcount;
}

static inline struct xfs_refcount_irec *node_rec(GTreeNode *node)
{
	return node ? g_tree_node_value(node) : NULL;
}

struct xfs_refcount_tree *xfs_refcount_tree_alloc(void)
{
	struct xfs_refcount_tree *tree = g_new0(struct xfs_refcount_tree, 1);

	tree->rt_tree = g_tree_new_full(xfs_refcount_cmp, NULL, NULL, g_free);
	return tree;
}

void xfs_refcount_tree_free(struct xfs_refcount_tree *tree)
{
	if (!tree)
		return;
	g_tree_destroy(tree->rt_tree);
	g_free(tree);
}

uint64_t xfs_refcount_nrecords(const struct xfs_refcount_tree *tree)
{
	return (uint64_t)g_tree_nnodes(tree->rt_tree);
}

/* The last record starting at or before @bno, or NULL. */
static GTreeNode *xfs_refcount_at_or_before(const struct xfs_refcount_tree *tree,
					    xfs_fsblock_t bno)
{
	GTreeNode *next = g_tree_upper_bound(tree->rt_tree, &bno);

	return next ? g_tree_node_previous(next) :
		      g_tree_node_last(tree->rt_tree);
}

/* The first record that ends after @bno (contains it or starts after it). */
static GTreeNode *xfs_refcount_first_overlap(const struct xfs_refcount_tree *tree,
					     xfs_fsblock_t bno)
{
	GTreeNode *node = xfs_refcount_at_or_before(tree, bno);

	if (node && rec_end(node_rec(node)) > bno)
		return node;
	return g_tree_upper_bound(tree->rt_tree, &bno);
}

static struct xfs_refcount_irec *
xfs_refcount_insert_rec(struct xfs_refcount_tree *tree, xfs_fsblock_t bno,
			xfs_filblks_t len, uint32_t refcount)
{
	struct xfs_refcount_irec *rec = g_new(struct xfs_refcount_irec, 1);

	BUG_ON(refcount < 2 || len == 0);
	rec->rc_startblock = bno;
	rec->rc_blockcount = len;
	rec->rc_refcount = refcount;
	g_tree_insert(tree->rt_tree, &rec->rc_startblock, rec);
	return rec;
}

uint32_t xfs_refcount_lookup(const struct xfs_refcount_tree *tree,
			     xfs_fsblock_t bno)
{
	GTreeNode *node = xfs_refcount_at_or_before(tree, bno);

	if (node && rec_end(node_rec(node)) > bno)
		return node_rec(node)->rc_refcount;
	return 1;
}

/* If a record straddles @bno (starts before it, ends after), cut it there. */
static void xfs_refcount_split_at(struct xfs_refcount_tree *tree,
				  xfs_fsblock_t bno)
{
	GTreeNode *node = xfs_refcount_at_or_before(tree, bno);
	struct xfs_refcount_irec *rec = node_rec(node);
	xfs_fsblock_t end;

	if (!rec || rec->rc_startblock == bno || rec_end(rec) <= bno)
		return;
	end = rec_end(rec);
	rec->rc_blockcount = bno - rec->rc_startblock;
	xfs_refcount_insert_rec(tree, bno, end - bno, rec->rc_refcount);
}

/*
 * If the record ending at @bno and the one starting at @bno exist and carry
 * the same count, merge them.
 */
static void xfs_refcount_merge_at(struct xfs_refcount_tree *tree,
				  xfs_fsblock_t bno)
{
	GTreeNode *rnode = g_tree_lookup_node(tree->rt_tree, &bno);
	GTreeNode *lnode;
	struct xfs_refcount_irec *left, *right;

	if (!rnode)
		return;
	lnode = g_tree_node_previous(rnode);
	if (!lnode)
		return;
	left = node_rec(lnode);
	right = node_rec(rnode);
	if (rec_end(left) != bno || left->rc_refcount != right->rc_refcount)
		return;
	left->rc_blockcount += right->rc_blockcount;
	g_tree_remove(tree->rt_tree, &right->rc_startblock);
}

void xfs_refcount_increase(struct xfs_refcount_tree *tree, xfs_fsblock_t bno,
			   xfs_filblks_t len)
{
	xfs_fsblock_t end = bno + len;
	xfs_fsblock_t cur = bno;
	GTreeNode *node;

	BUG_ON(len == 0 || end <= bno);
	xfs_refcount_split_at(tree, bno);
	xfs_refcount_split_at(tree, end);

	node = g_tree_lower_bound(tree->rt_tree, &bno);
	while (cur < end) {
		struct xfs_refcount_irec *rec = node_rec(node);

		if (!rec || rec->rc_startblock >= end) {
			/* Trailing gap: count 1 -> 2. */
			xfs_refcount_insert_rec(tree, cur, end - cur, 2);
			break;
		}
		if (rec->rc_startblock > cur) {
			/*
			 * Gap before this record.  Inserting it does not
			 * disturb @node, which remains the next record.
			 */
			xfs_refcount_insert_rec(tree, cur,
					rec->rc_startblock - cur, 2);
		}
		BUG_ON(rec->rc_refcount == UINT32_MAX);
		rec->rc_refcount++;
		cur = rec_end(rec);
		node = g_tree_node_next(node);
	}

	xfs_refcount_merge_at(tree, bno);
	xfs_refcount_merge_at(tree, end);
}

struct xfs_refcount_range {
	xfs_fsblock_t	bno;
	xfs_filblks_t	len;
};

/*
 * The commonest decrease, a CoW of blocks two files share: [bno, end) lies
 * inside one record of count 2.  Those blocks drop to 1, so they leave the
 * tree and none is freed; what is left of the record keeps count 2 and, with
 * a gap (count 1) on its cut side, merges with nothing.  The general path
 * below would make the same records (the record set of a refcount function
 * is unique), through a split, a removal and two merge lookups; here the
 * record is cut in place.  False (nothing done) for any other range.
 */
static bool xfs_refcount_decrease_in_pair(struct xfs_refcount_tree *tree,
					  xfs_fsblock_t bno, xfs_fsblock_t end)
{
	struct xfs_refcount_irec *rec = node_rec(xfs_refcount_at_or_before(tree, bno));
	xfs_fsblock_t rend;

	if (!rec || rec->rc_refcount != 2 || rec_end(rec) < end)
		return false;
	rend = rec_end(rec);
	if (rec->rc_startblock < bno) {
		/* the record keeps its left part (and its key) */
		rec->rc_blockcount = bno - rec->rc_startblock;
		if (rend > end)
			xfs_refcount_insert_rec(tree, end, rend - end, 2);
	} else if (rend > end) {
		/* the right part takes the record: its key moves up, past nothing */
		rec->rc_startblock = end;
		rec->rc_blockcount = rend - end;
	} else {
		g_tree_remove(tree->rt_tree, &rec->rc_startblock);
	}
	return true;
}

void xfs_refcount_decrease(struct xfs_refcount_tree *tree, xfs_fsblock_t bno,
			   xfs_filblks_t len, xfs_refcount_free_fn free_fn,
			   void *arg)
{
	xfs_fsblock_t end = bno + len;
	xfs_fsblock_t cur = bno;
	GArray *freed;
	GTreeNode *node, *next;
	guint i;

	BUG_ON(len == 0 || end <= bno);
	if (xfs_refcount_decrease_in_pair(tree, bno, end))
		return;
	freed = g_array_new(FALSE, FALSE, sizeof(struct xfs_refcount_range));
	xfs_refcount_split_at(tree, bno);
	xfs_refcount_split_at(tree, end);

	node = g_tree_lower_bound(tree->rt_tree, &bno);
	while (cur < end) {
		struct xfs_refcount_irec *rec = node_rec(node);
		struct xfs_refcount_range r;

		if (!rec || rec->rc_startblock >= end) {
			r.bno = cur;
			r.len = end - cur;
			g_array_append_val(freed, r);
			break;
		}
		if (rec->rc_startblock > cur) {
			r.bno = cur;
			r.len = rec->rc_startblock - cur;
			g_array_append_val(freed, r);
		}
		cur = rec_end(rec);
		next = g_tree_node_next(node);
		if (--rec->rc_refcount < 2)
			g_tree_remove(tree->rt_tree, &rec->rc_startblock);
		node = next;
	}

	xfs_refcount_merge_at(tree, bno);
	xfs_refcount_merge_at(tree, end);

	if (free_fn) {
		for (i = 0; i < freed->len; i++) {
			struct xfs_refcount_range *r = &g_array_index(freed,
					struct xfs_refcount_range, i);

			free_fn(r->bno, r->len, arg);
		}
	}
	g_array_free(freed, TRUE);
}

bool xfs_refcount_find_shared(const struct xfs_refcount_tree *tree,
			      xfs_fsblock_t bno, xfs_filblks_t len,
			      xfs_fsblock_t *fbno, xfs_filblks_t *flen)
{
	xfs_fsblock_t end = bno + len;
	GTreeNode *node = xfs_refcount_first_overlap(tree, bno);
	struct xfs_refcount_irec *rec = node_rec(node);
	xfs_fsblock_t start, run_end;

	if (len == 0 || !rec || rec->rc_startblock >= end) {
		*fbno = end;
		*flen = 0;
		return false;
	}
	start = MAX(rec->rc_startblock, bno);
	run_end = rec_end(rec);
	/* Extend through physically contiguous records, whatever the count. */
	while (run_end < end) {
		node = g_tree_node_next(node);
		rec = node_rec(node);
		if (!rec || rec->rc_startblock != run_end)
			break;
		run_end = rec_end(rec);
	}
	*fbno = start;
	*flen = MIN(run_end, end) - start;
	return true;
}

void xfs_refcount_walk(const struct xfs_refcount_tree *tree,
		       xfs_refcount_walk_fn fn, void *arg)
{
	GTreeNode *node;

	for (node = g_tree_node_first(tree->rt_tree); node;
	     node = g_tree_node_next(node)) {
		if (!fn(node_rec(node), arg))
			break;
	}
}
