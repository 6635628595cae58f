// SPDX-License-Identifier: MIT
/*
 * In-core extent list of one inode fork.
 *
 * The records live in a GTree keyed by br_startoff; the key pointer points
 * into the record itself, so the tree owns only the values.  The record set
 * is kept canonical: no two records overlap and no two adjacent records are
 * mergeable (contiguous in file and disk space with the same state).  Every
 * operation is O(log n) plus O(log n) per extent it touches.
 */
#include <glib.h>
#include <string.h>

#include "bug.h"
#include "xfs_iext.h"

struct xfs_ifork {
	GTree	*if_tree;	/* &irec->br_startoff -> struct xfs_bmbt_irec */
};

static gint xfs_iext_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
	xfs_fileoff_t x = *(const xfs_fileoff_t *)a;
	xfs_fileoff_t y = *(const xfs_fileoff_t *)b;

	return x < y ? -1 : x > y ? 1 : 0;
}

static inline xfs_fileoff_t irec_end(const struct xfs_bmbt_irec *irec)
{
	return irec->br_startoff + irec->br_blockcount;
}

/* off + len, saturating so that huge lengths mean "to the end". */
static inline xfs_fileoff_t range_end(xfs_fileoff_t off, xfs_filblks_t len)
{
	return len > UINT64_MAX - off ? UINT64_MAX : off + len;
}

static inline struct xfs_bmbt_irec *node_rec(GTreeNode *node)
{
	return node ? g_tree_node_value(node) : NULL;
}

struct xfs_ifork *xfs_ifork_alloc(void)
{
	struct xfs_ifork *ifp = g_new0(struct xfs_ifork, 1);

	ifp->if_tree = g_tree_new_full(xfs_iext_cmp, NULL, NULL, g_free);
	return ifp;
}

void xfs_ifork_free(struct xfs_ifork *ifp)
{
	if (!ifp)
		return;
	g_tree_destroy(ifp->if_tree);
	g_free(ifp);
}

uint64_t xfs_iext_count(const struct xfs_ifork *ifp)
{
	return (uint64_t)g_tree_nnodes(ifp->if_tree);
}

/* The last extent starting at or before @off, or NULL. */
static GTreeNode *xfs_iext_node_at_or_before(const struct xfs_ifork *ifp,
					     xfs_fileoff_t off)
{
	GTreeNode *next = g_tree_upper_bound(ifp->if_tree, &off);

	return next ? g_tree_node_previous(next) : g_tree_node_last(ifp->if_tree);
}

/* The first extent that ends after @off (contains it or starts after it). */
static GTreeNode *xfs_iext_first_overlap(const struct xfs_ifork *ifp,
					 xfs_fileoff_t off)
{
	GTreeNode *node = xfs_iext_node_at_or_before(ifp, off);

	if (node && irec_end(node_rec(node)) > off)
		return node;
	return g_tree_upper_bound(ifp->if_tree, &off);
}

bool xfs_iext_lookup_extent(const struct xfs_ifork *ifp, xfs_fileoff_t off,
			    struct xfs_bmbt_irec *got)
{
	GTreeNode *node = xfs_iext_node_at_or_before(ifp, off);
	GTreeNode *next;
	xfs_fileoff_t hole_end;

	if (node && irec_end(node_rec(node)) > off) {
		*got = *node_rec(node);
		return true;
	}
	next = node ? g_tree_node_next(node) : g_tree_node_first(ifp->if_tree);
	hole_end = next ? node_rec(next)->br_startoff : XFS_MAX_FILEOFF;
	got->br_startoff = off;
	got->br_startblock = HOLESTARTBLOCK;
	got->br_blockcount = hole_end > off ? hole_end - off : 0;
	got->br_state = XFS_EXT_NORM;
	return false;
}

static bool xfs_iext_mergeable(const struct xfs_bmbt_irec *left,
			       const struct xfs_bmbt_irec *right)
{
	return irec_end(left) == right->br_startoff &&
	       left->br_startblock + left->br_blockcount ==
			right->br_startblock &&
	       left->br_state == right->br_state;
}

/* Insert a record verbatim; the caller guarantees it overlaps nothing. */
static void xfs_iext_insert_raw(struct xfs_ifork *ifp,
				const struct xfs_bmbt_irec *irec)
{
	struct xfs_bmbt_irec *new = g_new(struct xfs_bmbt_irec, 1);

	*new = *irec;
	g_tree_insert(ifp->if_tree, &new->br_startoff, new);
}

void xfs_iext_insert(struct xfs_ifork *ifp, const struct xfs_bmbt_irec *irec)
{
	GTreeNode *lnode, *rnode;
	struct xfs_bmbt_irec *left = NULL, *right = NULL;
	xfs_fileoff_t start = irec->br_startoff;

	BUG_ON(irec->br_blockcount == 0);
	BUG_ON(xfs_bmap_is_hole(irec));
	BUG_ON(irec->br_startblock == NULLFSBLOCK);
	BUG_ON(irec_end(irec) <= start);

	lnode = xfs_iext_node_at_or_before(ifp, start);
	rnode = lnode ? g_tree_node_next(lnode) :
			g_tree_node_first(ifp->if_tree);
	left = node_rec(lnode);
	right = node_rec(rnode);
	/* Must be a hole: no overlap with either neighbour. */
	BUG_ON(left && irec_end(left) > start);
	BUG_ON(right && right->br_startoff < irec_end(irec));

	if (left && !xfs_iext_mergeable(left, irec))
		left = NULL;
	if (right && !xfs_iext_mergeable(irec, right))
		right = NULL;

	if (left && right) {
		left->br_blockcount += irec->br_blockcount +
				       right->br_blockcount;
		g_tree_remove(ifp->if_tree, &right->br_startoff);
	} else if (left) {
		left->br_blockcount += irec->br_blockcount;
	} else if (right) {
		/*
		 * Moving the key down to irec's start keeps the tree order:
		 * nothing lies between the left neighbour and irec.
		 */
		right->br_startoff = irec->br_startoff;
		right->br_startblock = irec->br_startblock;
		right->br_blockcount += irec->br_blockcount;
	} else {
		xfs_iext_insert_raw(ifp, irec);
	}
}

/*
 * Records copied out of the tree: the first few in place (a fault touches
 * one or two), more on the heap.
 */
struct xfs_iext_recs {
	struct xfs_bmbt_irec	*v;
	guint			len;
	guint			cap;
	struct xfs_bmbt_irec	inline_v[4];
};

static void xfs_iext_recs_init(struct xfs_iext_recs *recs)
{
	recs->v = recs->inline_v;
	recs->len = 0;
	recs->cap = G_N_ELEMENTS(recs->inline_v);
}

static void xfs_iext_recs_push(struct xfs_iext_recs *recs,
			       const struct xfs_bmbt_irec *irec)
{
	if (recs->len == recs->cap) {
		struct xfs_bmbt_irec *v = g_new(struct xfs_bmbt_irec, recs->cap * 2);

		memcpy(v, recs->v, recs->len * sizeof(*v));
		if (recs->v != recs->inline_v)
			g_free(recs->v);
		recs->v = v;
		recs->cap *= 2;
	}
	recs->v[recs->len++] = *irec;
}

static void xfs_iext_recs_free(struct xfs_iext_recs *recs)
{
	if (recs->v != recs->inline_v)
		g_free(recs->v);
}

/* Copy every record overlapping [off, end) into @recs, ascending. */
static void xfs_iext_collect(const struct xfs_ifork *ifp, xfs_fileoff_t off,
			     xfs_fileoff_t end, struct xfs_iext_recs *recs)
{
	GTreeNode *node;

	xfs_iext_recs_init(recs);
	for (node = xfs_iext_first_overlap(ifp, off);
	     node && node_rec(node)->br_startoff < end;
	     node = g_tree_node_next(node))
		xfs_iext_recs_push(recs, node_rec(node));
}

/* Clip @irec to [off, end). */
static struct xfs_bmbt_irec xfs_iext_clip(const struct xfs_bmbt_irec *irec,
					  xfs_fileoff_t off, xfs_fileoff_t end)
{
	struct xfs_bmbt_irec piece = *irec;
	xfs_fileoff_t pstart = MAX(irec->br_startoff, off);
	xfs_fileoff_t pend = MIN(irec_end(irec), end);

	piece.br_startoff = pstart;
	piece.br_startblock = irec->br_startblock +
			      (pstart - irec->br_startoff);
	piece.br_blockcount = pend - pstart;
	return piece;
}

/*
 * Take [off, end) out of @irec (a copy of an existing record): the parts
 * outside it stay, verbatim.  Those parts cannot merge with anything: the
 * record set was canonical and their outer neighbours are unchanged.  The
 * record itself becomes the left part, or else the right part (its key moves
 * up, past nothing); only a cut in the middle inserts a record, and only a
 * cut of all of it removes one.
 */
static void xfs_iext_cut(struct xfs_ifork *ifp,
			 const struct xfs_bmbt_irec *irec,
			 xfs_fileoff_t off, xfs_fileoff_t end)
{
	struct xfs_bmbt_irec *rec = g_tree_lookup(ifp->if_tree, &irec->br_startoff);
	struct xfs_bmbt_irec right = *irec;
	bool has_left = irec->br_startoff < off;
	bool has_right = irec_end(irec) > end;

	BUG_ON(!rec);
	right.br_startoff = end;
	right.br_startblock = irec->br_startblock + (end - irec->br_startoff);
	right.br_blockcount = irec_end(irec) - end;
	if (has_left) {
		rec->br_blockcount = off - irec->br_startoff;
		if (has_right)
			xfs_iext_insert_raw(ifp, &right);
	} else if (has_right) {
		*rec = right;
	} else {
		g_tree_remove(ifp->if_tree, &irec->br_startoff);
	}
}

void xfs_iext_remove_range(struct xfs_ifork *ifp, xfs_fileoff_t off,
			   xfs_filblks_t len, xfs_iext_piece_fn fn, void *arg)
{
	xfs_fileoff_t end = range_end(off, len);
	struct xfs_iext_recs recs;
	guint i;

	if (len == 0)
		return;
	xfs_iext_collect(ifp, off, end, &recs);
	for (i = 0; i < recs.len; i++) {
		struct xfs_bmbt_irec *irec = &recs.v[i];

		xfs_iext_cut(ifp, irec, off, end);
		*irec = xfs_iext_clip(irec, off, end);
	}
	if (fn) {
		for (i = 0; i < recs.len; i++)
			fn(&recs.v[i], arg);
	}
	xfs_iext_recs_free(&recs);
}

void xfs_iext_set_state(struct xfs_ifork *ifp, xfs_fileoff_t off,
			xfs_filblks_t len, xfs_exntst_t state,
			xfs_iext_piece_fn fn, void *arg)
{
	xfs_fileoff_t end = range_end(off, len);
	struct xfs_iext_recs recs;
	GArray *pieces;
	guint i;

	if (len == 0)
		return;
	xfs_iext_collect(ifp, off, end, &recs);
	pieces = g_array_new(FALSE, FALSE, sizeof(struct xfs_bmbt_irec));
	for (i = 0; i < recs.len; i++) {
		const struct xfs_bmbt_irec *irec = &recs.v[i];
		struct xfs_bmbt_irec piece;

		if (irec->br_state == state)
			continue;
		piece = xfs_iext_clip(irec, off, end);
		g_array_append_val(pieces, piece);
		xfs_iext_cut(ifp, irec, off, end);
		piece.br_state = state;
		/* Merges with the previous converted piece or a neighbour. */
		xfs_iext_insert(ifp, &piece);
	}
	xfs_iext_recs_free(&recs);
	if (fn) {
		for (i = 0; i < pieces->len; i++)
			fn(&g_array_index(pieces, struct xfs_bmbt_irec, i), arg);
	}
	g_array_free(pieces, TRUE);
}

void xfs_iext_walk(const struct xfs_ifork *ifp, xfs_fileoff_t off,
		   xfs_filblks_t len, xfs_iext_walk_fn fn, void *arg)
{
	xfs_fileoff_t end = range_end(off, len);
	GTreeNode *node, *next;

	if (len == 0)
		return;
	for (node = xfs_iext_first_overlap(ifp, off);
	     node && node_rec(node)->br_startoff < end; node = next) {
		next = g_tree_node_next(node);
		if (!fn(node_rec(node), arg))
			break;
	}
}
