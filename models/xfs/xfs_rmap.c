// SPDX-License-Identifier: MIT
/*
 * The reverse-mapping btree on a GTree ordered by
 * (startblock, owner, offset, flags).
 *
 * Records may overlap physically (one per owner of a shared block), so a
 * plain "find the record containing bno" does not exist.  Instead the tree
 * tracks the length of its longest record (a multiset of lengths in a second
 * GTree): any record overlapping block bno must start in
 * (bno - maxlen, bno], so a range query starts its in-order walk there.
 */
#include <assert.h>
#include <errno.h>
#include <glib.h>

#include "xfs_rmap.h"

struct xfs_rmap_len {
	xfs_filblks_t	len;
	uint64_t	count;
};

struct xfs_rmap_tree {
	GTree	*rt_tree;	/* xfs_rmap_irec (key == value) */
	GTree	*rt_lens;	/* &len->len -> xfs_rmap_len, a multiset */
};

static inline int cmp_u64(uint64_t x, uint64_t y)
{
	return x < y ? -1 : x > y ? 1 : 0;
}

static gint xfs_rmap_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
	const struct xfs_rmap_irec *x = a, *y = b;
	int c;

	c = cmp_u64(x->rm_startblock, y->rm_startblock);
	if (!c)
		c = cmp_u64(x->rm_owner, y->rm_owner);
	if (!c)
		c = cmp_u64(x->rm_offset, y->rm_offset);
	if (!c)
		c = cmp_u64(x->rm_flags, y->rm_flags);
	return c;
}

static gint xfs_rmap_len_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
	return cmp_u64(*(const xfs_filblks_t *)a, *(const xfs_filblks_t *)b);
}

static inline xfs_fsblock_t rec_end(const struct xfs_rmap_irec *rec)
{
	return rec->rm_startblock + rec->rm_blockcount;
}

static inline struct xfs_rmap_irec *node_rec(GTreeNode *node)
{
	return node ? g_tree_node_value(node) : NULL;
}

struct xfs_rmap_tree *xfs_rmap_tree_alloc(void)
{
	struct xfs_rmap_tree *tree = g_new0(struct xfs_rmap_tree, 1);

	tree->rt_tree = g_tree_new_full(xfs_rmap_cmp, NULL, NULL, g_free);
	tree->rt_lens = g_tree_new_full(xfs_rmap_len_cmp, NULL, NULL, g_free);
	return tree;
}

void xfs_rmap_tree_free(struct xfs_rmap_tree *tree)
{
	if (!tree)
		return;
	g_tree_destroy(tree->rt_tree);
	g_tree_destroy(tree->rt_lens);
	g_free(tree);
}

uint64_t xfs_rmap_nrecords(const struct xfs_rmap_tree *tree)
{
	return (uint64_t)g_tree_nnodes(tree->rt_tree);
}

static void xfs_rmap_len_add(struct xfs_rmap_tree *tree, xfs_filblks_t len)
{
	struct xfs_rmap_len *l = g_tree_lookup(tree->rt_lens, &len);

	if (!l) {
		l = g_new(struct xfs_rmap_len, 1);
		l->len = len;
		l->count = 0;
		g_tree_insert(tree->rt_lens, &l->len, l);
	}
	l->count++;
}

static void xfs_rmap_len_del(struct xfs_rmap_tree *tree, xfs_filblks_t len)
{
	struct xfs_rmap_len *l = g_tree_lookup(tree->rt_lens, &len);

	assert(l && l->count > 0);
	if (--l->count == 0)
		g_tree_remove(tree->rt_lens, &len);
}

static xfs_filblks_t xfs_rmap_maxlen(const struct xfs_rmap_tree *tree)
{
	GTreeNode *last = g_tree_node_last(tree->rt_lens);

	return last ? ((struct xfs_rmap_len *)g_tree_node_value(last))->len : 0;
}

static void xfs_rmap_insert_rec(struct xfs_rmap_tree *tree,
				const struct xfs_rmap_irec *irec)
{
	struct xfs_rmap_irec *rec = g_new(struct xfs_rmap_irec, 1);

	assert(irec->rm_blockcount > 0);
	*rec = *irec;
	/* A duplicate key would be the same mapping recorded twice. */
	assert(!g_tree_lookup(tree->rt_tree, rec));
	g_tree_insert(tree->rt_tree, rec, rec);
	xfs_rmap_len_add(tree, rec->rm_blockcount);
}

static void xfs_rmap_delete_rec(struct xfs_rmap_tree *tree,
				struct xfs_rmap_irec *rec)
{
	xfs_filblks_t len = rec->rm_blockcount;
	bool removed;

	removed = g_tree_remove(tree->rt_tree, rec);	/* frees rec */
	assert(removed);
	(void)removed;
	xfs_rmap_len_del(tree, len);
}

/* Change the length of a record in place (the key does not use it). */
static void xfs_rmap_set_len(struct xfs_rmap_tree *tree,
			     struct xfs_rmap_irec *rec, xfs_filblks_t len)
{
	xfs_rmap_len_del(tree, rec->rm_blockcount);
	rec->rm_blockcount = len;
	xfs_rmap_len_add(tree, len);
}

/*
 * First node whose record could overlap block @bno: records are at most
 * maxlen long, so one overlapping @bno starts after bno - maxlen.
 */
static GTreeNode *xfs_rmap_first_candidate(const struct xfs_rmap_tree *tree,
					   xfs_fsblock_t bno)
{
	xfs_filblks_t maxlen = xfs_rmap_maxlen(tree);
	struct xfs_rmap_irec key = { 0 };

	key.rm_startblock = bno >= maxlen ? bno - maxlen + 1 : 0;
	return g_tree_lower_bound(tree->rt_tree, &key);
}

static bool xfs_rmap_same_mapping(const struct xfs_rmap_irec *rec,
				  uint64_t owner, unsigned int flags)
{
	return rec->rm_owner == owner && rec->rm_flags == flags;
}

/* Does @rec's block @bno correspond to file offset @offset? */
static bool xfs_rmap_offset_matches(const struct xfs_rmap_irec *rec,
				    xfs_fsblock_t bno, xfs_fileoff_t offset)
{
	if (XFS_RMAP_NON_INODE_OWNER(rec->rm_owner))
		return true;
	return rec->rm_offset + (bno - rec->rm_startblock) == offset;
}

/*
 * The record of (@owner, @flags) that covers [bno, end) with block @bno at
 * file offset @offset, or NULL.
 */
static struct xfs_rmap_irec *xfs_rmap_find_cover(struct xfs_rmap_tree *tree,
						 xfs_fsblock_t bno,
						 xfs_fsblock_t end,
						 uint64_t owner,
						 xfs_fileoff_t offset,
						 unsigned int flags)
{
	GTreeNode *node;

	for (node = xfs_rmap_first_candidate(tree, bno);
	     node && node_rec(node)->rm_startblock <= bno;
	     node = g_tree_node_next(node)) {
		struct xfs_rmap_irec *rec = node_rec(node);

		if (rec_end(rec) >= end &&
		    xfs_rmap_same_mapping(rec, owner, flags) &&
		    xfs_rmap_offset_matches(rec, bno, offset))
			return rec;
	}
	return NULL;
}

void xfs_rmap_map(struct xfs_rmap_tree *tree, xfs_fsblock_t bno,
		  xfs_filblks_t len, uint64_t owner, xfs_fileoff_t offset,
		  unsigned int flags)
{
	bool inode = !XFS_RMAP_NON_INODE_OWNER(owner);
	struct xfs_rmap_irec new = {
		.rm_startblock	= bno,
		.rm_blockcount	= len,
		.rm_owner	= owner,
		.rm_offset	= inode ? offset : 0,
		.rm_flags	= flags,
	};
	struct xfs_rmap_irec *left = NULL, *right;
	struct xfs_rmap_irec rkey;

	assert(len > 0 && bno + len > bno);
	assert(owner != XFS_RMAP_OWN_NULL);

	/* Left neighbour: same owner/flags, ending at bno, offset-contiguous. */
	if (bno > 0 && (!inode || offset > 0)) {
		left = xfs_rmap_find_cover(tree, bno - 1, bno, owner,
					   inode ? offset - 1 : 0, flags);
		if (left && rec_end(left) != bno)
			left = NULL;	/* overlaps the new range: no merge */
	}

	/* Right neighbour: exactly keyed at bno + len. */
	rkey = new;
	rkey.rm_startblock = bno + len;
	rkey.rm_offset = inode ? offset + len : 0;
	right = g_tree_lookup(tree->rt_tree, &rkey);

	if (left && right) {
		xfs_filblks_t rlen = right->rm_blockcount;

		xfs_rmap_delete_rec(tree, right);
		xfs_rmap_set_len(tree, left, left->rm_blockcount + len + rlen);
	} else if (left) {
		xfs_rmap_set_len(tree, left, left->rm_blockcount + len);
	} else if (right) {
		/* The key moves down past other owners' records: reinsert. */
		new.rm_blockcount += right->rm_blockcount;
		xfs_rmap_delete_rec(tree, right);
		xfs_rmap_insert_rec(tree, &new);
	} else {
		xfs_rmap_insert_rec(tree, &new);
	}
}

int xfs_rmap_unmap(struct xfs_rmap_tree *tree, xfs_fsblock_t bno,
		   xfs_filblks_t len, uint64_t owner, xfs_fileoff_t offset,
		   unsigned int flags)
{
	bool inode = !XFS_RMAP_NON_INODE_OWNER(owner);
	xfs_fsblock_t end = bno + len;
	struct xfs_rmap_irec *rec, old, part;

	assert(len > 0 && end > bno);
	rec = xfs_rmap_find_cover(tree, bno, end, owner, inode ? offset : 0,
				  flags);
	if (!rec)
		return -ENOENT;

	old = *rec;
	if (old.rm_startblock < bno) {
		/* Keep the left part in place: its key does not change. */
		xfs_rmap_set_len(tree, rec, bno - old.rm_startblock);
	} else {
		xfs_rmap_delete_rec(tree, rec);
	}
	if (rec_end(&old) > end) {
		part = old;
		part.rm_startblock = end;
		part.rm_blockcount = rec_end(&old) - end;
		if (inode)
			part.rm_offset = old.rm_offset +
					 (end - old.rm_startblock);
		xfs_rmap_insert_rec(tree, &part);
	}
	return 0;
}

void xfs_rmap_query_range(const struct xfs_rmap_tree *tree, xfs_fsblock_t bno,
			  xfs_filblks_t len, xfs_rmap_walk_fn fn, void *arg)
{
	xfs_fsblock_t end = len > UINT64_MAX - bno ? UINT64_MAX : bno + len;
	GTreeNode *node;

	if (len == 0)
		return;
	for (node = xfs_rmap_first_candidate(tree, bno);
	     node && node_rec(node)->rm_startblock < end;
	     node = g_tree_node_next(node)) {
		const struct xfs_rmap_irec *rec = node_rec(node);

		if (rec_end(rec) <= bno)
			continue;
		if (!fn(rec, arg))
			break;
	}
}

void xfs_rmap_walk(const struct xfs_rmap_tree *tree, xfs_rmap_walk_fn fn,
		   void *arg)
{
	GTreeNode *node;

	for (node = g_tree_node_first(tree->rt_tree); node;
	     node = g_tree_node_next(node)) {
		if (!fn(node_rec(node), arg))
			break;
	}
}
