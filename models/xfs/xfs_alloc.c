// SPDX-License-Identifier: MIT
/*
 * Free-space allocator over allocation groups.
 *
 * Each AG keeps its free extents twice, like XFS's bnobt and cntbt:
 *   ag_bno: GTree keyed by start block (owns the records), used for the
 *           address-ordered first-fit search, merging and range queries;
 *   ag_cnt: GTree keyed by (length, start), whose last node is the AG's
 *           longest free extent, so AGs that cannot satisfy a request are
 *           skipped in O(log n) (XFS's pagf_longest check).
 * Free extents never cross an AG boundary because each AG has its own trees.
 *
 * The search order and alignment preference are documented in xfs_alloc.h.
 * Alignment is of the linear (device) block number, which is what a DAX PMD
 * mapping needs; with agblocks a multiple of @align this equals XFS's
 * AG-relative alignment.
 */
#include <errno.h>
#include <glib.h>

#include "bug.h"
#include "xfs_alloc.h"

struct xfs_free_ext {
	xfs_fsblock_t	fe_start;
	xfs_filblks_t	fe_len;
};

struct xfs_agfree {
	GTree		*ag_bno;	/* &fe->fe_start -> fe (owner) */
	GTree		*ag_cnt;	/* fe -> fe, by (len, start) */
	xfs_fsblock_t	ag_start;
	xfs_fsblock_t	ag_end;		/* exclusive */
};

struct xfs_alloc {
	uint64_t		a_dblocks;
	uint64_t		a_agblocks;
	xfs_agnumber_t		a_agcount;
	uint64_t		a_freeblks;
	uint64_t		a_resblks;	/* delalloc reservations */
	struct xfs_agfree	*a_ags;
	xfs_alloc_bad_fn	a_bad;		/* blocks never to hand out */
	void			*a_bad_arg;
	/* the AGF buffer lock (xfs_alloc_read_agf), if the mount installed one */
	void			(*a_agf_lock)(xfs_agnumber_t agno, bool lock);
};

void xfs_alloc_set_bad(struct xfs_alloc *a, xfs_alloc_bad_fn fn, void *arg)
{
	a->a_bad = fn;
	a->a_bad_arg = arg;
}

void xfs_alloc_set_agf_lock(struct xfs_alloc *a, void (*fn)(xfs_agnumber_t agno, bool lock))
{
	a->a_agf_lock = fn;
}

static inline int cmp_u64(uint64_t x, uint64_t y)
{
	return x < y ? -1 : x > y ? 1 : 0;
}

static gint xfs_bno_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
	return cmp_u64(*(const xfs_fsblock_t *)a, *(const xfs_fsblock_t *)b);
}

static gint xfs_cnt_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
	const struct xfs_free_ext *x = a, *y = b;
	int c = cmp_u64(x->fe_len, y->fe_len);

	return c ? c : cmp_u64(x->fe_start, y->fe_start);
}

static inline xfs_fsblock_t fe_end(const struct xfs_free_ext *fe)
{
	return fe->fe_start + fe->fe_len;
}

static inline struct xfs_free_ext *node_fe(GTreeNode *node)
{
	return node ? g_tree_node_value(node) : NULL;
}

struct xfs_alloc *xfs_alloc_create(uint64_t dblocks, xfs_agnumber_t agcount)
{
	struct xfs_alloc *a;
	xfs_agnumber_t agno;

	BUG_ON(dblocks == 0 || agcount == 0);
	a = g_new0(struct xfs_alloc, 1);
	a->a_dblocks = dblocks;
	a->a_agblocks = (dblocks + agcount - 1) / agcount;
	/* Rounding up can leave trailing AGs empty: drop them. */
	a->a_agcount = (xfs_agnumber_t)((dblocks + a->a_agblocks - 1) /
					a->a_agblocks);
	a->a_ags = g_new0(struct xfs_agfree, a->a_agcount);
	for (agno = 0; agno < a->a_agcount; agno++) {
		struct xfs_agfree *ag = &a->a_ags[agno];
		struct xfs_free_ext *fe = g_new(struct xfs_free_ext, 1);

		ag->ag_bno = g_tree_new_full(xfs_bno_cmp, NULL, NULL, g_free);
		ag->ag_cnt = g_tree_new_full(xfs_cnt_cmp, NULL, NULL, NULL);
		ag->ag_start = (uint64_t)agno * a->a_agblocks;
		ag->ag_end = MIN(ag->ag_start + a->a_agblocks, dblocks);
		fe->fe_start = ag->ag_start;
		fe->fe_len = ag->ag_end - ag->ag_start;
		g_tree_insert(ag->ag_bno, &fe->fe_start, fe);
		g_tree_insert(ag->ag_cnt, fe, fe);
	}
	a->a_freeblks = dblocks;
	return a;
}

void xfs_alloc_destroy(struct xfs_alloc *a)
{
	xfs_agnumber_t agno;

	if (!a)
		return;
	for (agno = 0; agno < a->a_agcount; agno++) {
		g_tree_destroy(a->a_ags[agno].ag_cnt);
		g_tree_destroy(a->a_ags[agno].ag_bno);
	}
	g_free(a->a_ags);
	g_free(a);
}

xfs_agnumber_t xfs_alloc_agcount(const struct xfs_alloc *a)
{
	return a->a_agcount;
}

uint64_t xfs_alloc_agblocks(const struct xfs_alloc *a)
{
	return a->a_agblocks;
}

uint64_t xfs_alloc_freeblks(const struct xfs_alloc *a)
{
	return a->a_freeblks;
}

int xfs_alloc_reserve(struct xfs_alloc *a, xfs_filblks_t len)
{
	if (xfs_alloc_availblks(a) < len)
		return -ENOSPC;
	a->a_resblks += len;
	return 0;
}

void xfs_alloc_unreserve(struct xfs_alloc *a, xfs_filblks_t len)
{
	BUG_ON(len > a->a_resblks);
	a->a_resblks -= len;
}

uint64_t xfs_alloc_resblks(const struct xfs_alloc *a)
{
	return a->a_resblks;
}

uint64_t xfs_alloc_availblks(const struct xfs_alloc *a)
{
	return a->a_freeblks > a->a_resblks ? a->a_freeblks - a->a_resblks : 0;
}

uint64_t xfs_alloc_dblocks(const struct xfs_alloc *a)
{
	return a->a_dblocks;
}

static struct xfs_agfree *xfs_alloc_ag(const struct xfs_alloc *a,
				       xfs_fsblock_t bno)
{
	xfs_agnumber_t agno = xfs_alloc_agno(a, bno);

	BUG_ON(agno >= a->a_agcount);
	return &a->a_ags[agno];
}

/* --- per-AG record helpers (keep bno and cnt trees in step) --- */

static void xfs_ag_ext_insert(struct xfs_agfree *ag, xfs_fsblock_t start,
			      xfs_filblks_t len)
{
	struct xfs_free_ext *fe = g_new(struct xfs_free_ext, 1);

	fe->fe_start = start;
	fe->fe_len = len;
	g_tree_insert(ag->ag_bno, &fe->fe_start, fe);
	g_tree_insert(ag->ag_cnt, fe, fe);
}

static void xfs_ag_ext_delete(struct xfs_agfree *ag, struct xfs_free_ext *fe)
{
	xfs_fsblock_t start = fe->fe_start;

	g_tree_remove(ag->ag_cnt, fe);
	g_tree_remove(ag->ag_bno, &start);	/* frees fe */
}

/*
 * Change a record's extent.  The caller guarantees the bno order is
 * unchanged (the new start lies in the gap the old record bounded), so the
 * bno key is updated in place.  The cnt key (length, start) is too when it
 * stays between its neighbours' (an allocation from the longest extent:
 * it usually stays the longest); otherwise the cnt tree needs a reinsert.
 */
static void xfs_ag_ext_update(struct xfs_agfree *ag, struct xfs_free_ext *fe,
			      xfs_fsblock_t start, xfs_filblks_t len)
{
	struct xfs_free_ext key = { .fe_start = start, .fe_len = len };
	GTreeNode *node = g_tree_lookup_node(ag->ag_cnt, fe);
	GTreeNode *prev = g_tree_node_previous(node), *next = g_tree_node_next(node);

	if ((!prev || xfs_cnt_cmp(node_fe(prev), &key, NULL) < 0) &&
	    (!next || xfs_cnt_cmp(&key, node_fe(next), NULL) < 0)) {
		fe->fe_start = start;
		fe->fe_len = len;
		return;
	}
	g_tree_remove(ag->ag_cnt, fe);
	fe->fe_start = start;
	fe->fe_len = len;
	g_tree_insert(ag->ag_cnt, fe, fe);
}

/* The last free extent starting at or before @bno, or NULL. */
static GTreeNode *xfs_ag_at_or_before(const struct xfs_agfree *ag,
				      xfs_fsblock_t bno)
{
	GTreeNode *next = g_tree_upper_bound(ag->ag_bno, &bno);

	return next ? g_tree_node_previous(next) : g_tree_node_last(ag->ag_bno);
}

/* The free extent containing @bno, or NULL. */
static struct xfs_free_ext *xfs_ag_containing(const struct xfs_agfree *ag,
					     xfs_fsblock_t bno)
{
	struct xfs_free_ext *fe = node_fe(xfs_ag_at_or_before(ag, bno));

	return fe && fe_end(fe) > bno ? fe : NULL;
}

/* The first free extent that ends after @bno. */
static GTreeNode *xfs_ag_first_overlap(const struct xfs_agfree *ag,
				       xfs_fsblock_t bno)
{
	GTreeNode *node = xfs_ag_at_or_before(ag, bno);

	if (node && fe_end(node_fe(node)) > bno)
		return node;
	return g_tree_upper_bound(ag->ag_bno, &bno);
}

static xfs_filblks_t xfs_ag_longest(const struct xfs_agfree *ag)
{
	struct xfs_free_ext *fe = node_fe(g_tree_node_last(ag->ag_cnt));

	return fe ? fe->fe_len : 0;
}

/* Remove [bno, bno + len) from @fe, which contains it. */
static void xfs_ag_carve(struct xfs_agfree *ag, struct xfs_free_ext *fe,
			 xfs_fsblock_t bno, xfs_filblks_t len)
{
	xfs_fsblock_t start = fe->fe_start, end = fe_end(fe);
	xfs_fsblock_t cend = bno + len;

	BUG_ON(bno < start || cend > end || len == 0);
	if (bno == start && cend == end) {
		xfs_ag_ext_delete(ag, fe);
	} else if (bno == start) {
		xfs_ag_ext_update(ag, fe, cend, end - cend);
	} else {
		xfs_ag_ext_update(ag, fe, start, bno - start);
		if (cend < end)
			xfs_ag_ext_insert(ag, cend, end - cend);
	}
}

void xfs_alloc_mark_used(struct xfs_alloc *a, xfs_fsblock_t bno,
			 xfs_filblks_t len)
{
	xfs_fsblock_t end = bno + len;
	xfs_fsblock_t cur = bno;

	BUG_ON(len == 0 || end <= bno || end > a->a_dblocks);
	while (cur < end) {
		struct xfs_agfree *ag = xfs_alloc_ag(a, cur);
		struct xfs_free_ext *fe = xfs_ag_containing(ag, cur);
		xfs_fsblock_t pend;

		BUG_ON(!fe);	/* the range must be free */
		pend = MIN(end, fe_end(fe));
		xfs_ag_carve(ag, fe, cur, pend - cur);
		a->a_freeblks -= pend - cur;
		cur = pend;
	}
}

/* --- allocation --- */

struct xfs_alloc_req {
	xfs_filblks_t	minlen;
	xfs_filblks_t	maxlen;
	xfs_filblks_t	align;		/* > 1 for the aligned pass, else 1 */
	xfs_fsblock_t	rbno;		/* result */
	xfs_filblks_t	rlen;
	struct xfs_free_ext *rfe;	/* extent the result is carved from */
	xfs_alloc_bad_fn bad;		/* trims candidates, like busy extents */
	void		*bad_arg;
};

/* The first block of [bno, bno + len) that must not be handed out, or false. */
static bool xfs_alloc_first_bad(const struct xfs_alloc_req *req, xfs_fsblock_t bno,
				xfs_filblks_t len, xfs_fsblock_t *bad)
{
	return req->bad && len && req->bad(req->bad_arg, bno, len, bad);
}

/*
 * Can @fe, from block @from on, satisfy @req?  Fills in the result.  Bad
 * blocks are trimmed around the way xfs_extent_busy_trim() trims busy
 * extents: the candidate moves past them, or ends before them.
 */
static bool xfs_alloc_try_ext(struct xfs_alloc_req *req,
			      struct xfs_free_ext *fe, xfs_fsblock_t from)
{
	xfs_fsblock_t s = MAX(fe->fe_start, from);
	xfs_fsblock_t e = fe_end(fe), bad;

	while (s < e) {
		if (req->align > 1) {
			xfs_fsblock_t as = (s + req->align - 1) / req->align *
					   req->align;

			if (as < s || as >= e || e - as < req->maxlen)
				return false;
			if (xfs_alloc_first_bad(req, as, req->maxlen, &bad)) {
				s = bad + 1;
				continue;
			}
			req->rbno = as;
			req->rlen = req->maxlen;
		} else {
			if (e - s < req->minlen)
				return false;
			req->rbno = s;
			req->rlen = MIN(e - s, req->maxlen);
			if (xfs_alloc_first_bad(req, s, req->rlen, &bad)) {
				if (bad - s < req->minlen) {
					s = bad + 1;
					continue;
				}
				req->rlen = bad - s;
			}
		}
		req->rfe = fe;
		return true;
	}
	return false;
}

/*
 * Search one AG: extents from @from onwards (the one containing @from
 * clipped to start there), then, if @wrap, the extents starting before
 * @from, unclipped.
 */
static bool xfs_alloc_search_ag(struct xfs_agfree *ag,
				struct xfs_alloc_req *req, xfs_fsblock_t from,
				bool wrap)
{
	xfs_filblks_t need = req->align > 1 ? req->maxlen : req->minlen;
	GTreeNode *node;

	if (xfs_ag_longest(ag) < need)
		return false;
	for (node = xfs_ag_first_overlap(ag, from); node;
	     node = g_tree_node_next(node)) {
		if (xfs_alloc_try_ext(req, node_fe(node), from))
			return true;
	}
	if (!wrap)
		return false;
	for (node = g_tree_node_first(ag->ag_bno);
	     node && node_fe(node)->fe_start < from;
	     node = g_tree_node_next(node)) {
		if (xfs_alloc_try_ext(req, node_fe(node), 0))
			return true;
	}
	return false;
}

static bool xfs_alloc_search(struct xfs_alloc *a, struct xfs_alloc_req *req,
			     xfs_fsblock_t goal)
{
	xfs_agnumber_t start_agno = xfs_alloc_agno(a, goal);
	xfs_agnumber_t i;

	for (i = 0; i < a->a_agcount; i++) {
		xfs_agnumber_t agno = (start_agno + i) % a->a_agcount;
		struct xfs_agfree *ag = &a->a_ags[agno];

		bool found;

		/*
		 * xfs_alloc_fix_freelist(): pagf_longest is checked without
		 * the AGF; an AG that may satisfy the request is searched with
		 * its AGF buffer locked (xfs_alloc_read_agf), released again
		 * if it could not.  The transaction keeps the winner's AGF
		 * until commit; the simulator releases it here and the fork
		 * update (xfs_bmap_map_extent) takes it again, which records
		 * the same lock order.
		 */
		if (xfs_ag_longest(ag) < (req->align > 1 ? req->maxlen : req->minlen))
			continue;
		if (a->a_agf_lock)
			a->a_agf_lock(agno, true);
		found = i == 0 ? xfs_alloc_search_ag(ag, req, goal, true) :
				 xfs_alloc_search_ag(ag, req, ag->ag_start, false);
		if (a->a_agf_lock)
			a->a_agf_lock(agno, false);
		if (found)
			return true;
	}
	return false;
}

int xfs_alloc_vextent(struct xfs_alloc *a, xfs_fsblock_t goal,
		      xfs_filblks_t minlen, xfs_filblks_t maxlen,
		      xfs_filblks_t align, xfs_fsblock_t *bno,
		      xfs_filblks_t *len)
{
	struct xfs_alloc_req req = {
		.minlen	= minlen,
		.maxlen	= maxlen,
		.align	= align,
		.bad	= a->a_bad,
		.bad_arg = a->a_bad_arg,
	};
	bool found = false;

	BUG_ON(minlen == 0 || maxlen < minlen);
	BUG_ON(goal != NULLFSBLOCK && goal >= a->a_dblocks);
	if (goal == NULLFSBLOCK)
		goal = 0;
	/* the blocks reserved for delayed allocations are not for the taking */
	if (xfs_alloc_availblks(a) < minlen) {
		*bno = NULLFSBLOCK;
		*len = 0;
		return -ENOSPC;
	}
	req.maxlen = MIN(maxlen, xfs_alloc_availblks(a));

	if (align > 1)
		found = xfs_alloc_search(a, &req, goal);
	if (!found) {
		req.align = 1;
		found = xfs_alloc_search(a, &req, goal);
	}
	if (!found) {
		*bno = NULLFSBLOCK;
		*len = 0;
		return -ENOSPC;
	}
	xfs_ag_carve(xfs_alloc_ag(a, req.rbno), req.rfe, req.rbno, req.rlen);
	a->a_freeblks -= req.rlen;
	*bno = req.rbno;
	*len = req.rlen;
	return 0;
}

/* --- freeing --- */

/* Free [bno, end), which lies inside one AG and is entirely used. */
static void xfs_ag_free(struct xfs_agfree *ag, xfs_fsblock_t bno,
			xfs_fsblock_t end)
{
	GTreeNode *lnode = xfs_ag_at_or_before(ag, bno);
	GTreeNode *rnode = lnode ? g_tree_node_next(lnode) :
				   g_tree_node_first(ag->ag_bno);
	struct xfs_free_ext *left = node_fe(lnode), *right = node_fe(rnode);

	BUG_ON(left && fe_end(left) > bno);	/* not already free */
	BUG_ON(right && right->fe_start < end);
	if (left && fe_end(left) != bno)
		left = NULL;
	if (right && right->fe_start != end)
		right = NULL;

	if (left && right) {
		xfs_fsblock_t rend = fe_end(right);

		xfs_ag_ext_delete(ag, right);
		xfs_ag_ext_update(ag, left, left->fe_start,
				  rend - left->fe_start);
	} else if (left) {
		xfs_ag_ext_update(ag, left, left->fe_start,
				  end - left->fe_start);
	} else if (right) {
		xfs_ag_ext_update(ag, right, bno, fe_end(right) - bno);
	} else {
		xfs_ag_ext_insert(ag, bno, end - bno);
	}
}

void xfs_alloc_free(struct xfs_alloc *a, xfs_fsblock_t bno, xfs_filblks_t len)
{
	xfs_fsblock_t end = bno + len;
	xfs_fsblock_t cur = bno;

	BUG_ON(len == 0 || end <= bno || end > a->a_dblocks);
	while (cur < end) {
		struct xfs_agfree *ag = xfs_alloc_ag(a, cur);
		xfs_fsblock_t pend = MIN(end, ag->ag_end);

		xfs_ag_free(ag, cur, pend);
		a->a_freeblks += pend - cur;
		cur = pend;
	}
}

/* --- queries --- */

bool xfs_alloc_is_free(const struct xfs_alloc *a, xfs_fsblock_t bno,
		       xfs_filblks_t len)
{
	xfs_fsblock_t end = bno + len;
	xfs_fsblock_t cur = bno;

	if (len == 0)
		return true;
	if (end < bno || end > a->a_dblocks)
		return false;
	while (cur < end) {
		struct xfs_free_ext *fe =
			xfs_ag_containing(xfs_alloc_ag(a, cur), cur);

		if (!fe)
			return false;
		cur = fe_end(fe);
	}
	return true;
}

bool xfs_alloc_is_used(const struct xfs_alloc *a, xfs_fsblock_t bno,
		       xfs_filblks_t len)
{
	xfs_fsblock_t end = bno + len;
	xfs_fsblock_t cur = bno;

	if (len == 0)
		return true;
	if (end < bno || end > a->a_dblocks)
		return false;
	while (cur < end) {
		struct xfs_agfree *ag = xfs_alloc_ag(a, cur);
		xfs_fsblock_t pend = MIN(end, ag->ag_end);
		struct xfs_free_ext *fe = node_fe(xfs_ag_first_overlap(ag, cur));

		if (fe && fe->fe_start < pend)
			return false;
		cur = pend;
	}
	return true;
}

void xfs_alloc_walk_free(const struct xfs_alloc *a, xfs_alloc_walk_fn fn,
			 void *arg)
{
	xfs_agnumber_t agno;
	GTreeNode *node;

	for (agno = 0; agno < a->a_agcount; agno++) {
		for (node = g_tree_node_first(a->a_ags[agno].ag_bno); node;
		     node = g_tree_node_next(node)) {
			struct xfs_free_ext *fe = node_fe(node);

			if (!fn(fe->fe_start, fe->fe_len, arg))
				return;
		}
	}
}
