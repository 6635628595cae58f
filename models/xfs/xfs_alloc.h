/* SPDX-License-Identifier: MIT */
/*
 * Free-space allocator over allocation groups (the bnobt), deterministic.
 *
 * Policy of xfs_alloc_vextent(): start at @goal's AG (goal NULLFSBLOCK = AG 0),
 * take the first free extent at or after @goal inside that AG that can hold
 * minlen blocks (with @align > 1: prefer the first one that holds an
 * @align-aligned run of @maxlen blocks, then fall back to unaligned), then
 * wrap to the start of that AG, then try the following AGs in ascending order
 * (wrapping).  An allocation never crosses an AG boundary.  Returns the
 * longest run up to maxlen available in the chosen free extent.
 */
#ifndef DAXSIM_XFS_ALLOC_H
#define DAXSIM_XFS_ALLOC_H

#include "xfs_types.h"

struct xfs_alloc;

/*
 * All of [0, dblocks) starts free.  agblocks = ceil(dblocks / agcount); if
 * that rounding leaves trailing AGs empty (dblocks 9, agcount 4 -> 3, 3, 3)
 * they are not created, so xfs_alloc_agcount() may be less than @agcount.
 * @align in xfs_alloc_vextent() aligns the linear block number (what a DAX
 * PMD needs); the aligned search runs over all AGs before the unaligned one.
 */
struct xfs_alloc *xfs_alloc_create(uint64_t dblocks, xfs_agnumber_t agcount);
/* The mount's AGF buffer lock, taken around each AG the allocator searches. */
void xfs_alloc_set_agf_lock(struct xfs_alloc *a, void (*fn)(xfs_agnumber_t agno, bool lock));
void xfs_alloc_destroy(struct xfs_alloc *a);

xfs_agnumber_t xfs_alloc_agcount(const struct xfs_alloc *a);
uint64_t xfs_alloc_agblocks(const struct xfs_alloc *a);	/* last AG may be shorter */
static inline xfs_agnumber_t xfs_alloc_agno(const struct xfs_alloc *a, xfs_fsblock_t bno);

/* Take [bno, bno + len) out of free space (mkfs metadata); must be free. */
void xfs_alloc_mark_used(struct xfs_alloc *a, xfs_fsblock_t bno,
			 xfs_filblks_t len);

/* See the header comment.  0 on success, -ENOSPC if nothing fits minlen. */
int xfs_alloc_vextent(struct xfs_alloc *a, xfs_fsblock_t goal,
		      xfs_filblks_t minlen, xfs_filblks_t maxlen,
		      xfs_filblks_t align, xfs_fsblock_t *bno,
		      xfs_filblks_t *len);

/*
 * Blocks that stay free but are never handed out (poisoned media): @fn
 * returns true and the first such block of [bno, bno + len), if any.
 */
typedef bool (*xfs_alloc_bad_fn)(void *arg, xfs_fsblock_t bno, xfs_filblks_t len,
				 xfs_fsblock_t *first_bad);
void xfs_alloc_set_bad(struct xfs_alloc *a, xfs_alloc_bad_fn fn, void *arg);

/* Return [bno, bno + len) to free space, merging; it must be fully used. */
void xfs_alloc_free(struct xfs_alloc *a, xfs_fsblock_t bno, xfs_filblks_t len);

/* True iff every block of the range is free / every block is used. */
bool xfs_alloc_is_free(const struct xfs_alloc *a, xfs_fsblock_t bno,
		       xfs_filblks_t len);
bool xfs_alloc_is_used(const struct xfs_alloc *a, xfs_fsblock_t bno,
		       xfs_filblks_t len);

uint64_t xfs_alloc_freeblks(const struct xfs_alloc *a);

/*
 * Delayed allocation's reservations (xfs_mod_fdblocks): free blocks set
 * aside for extents not allocated yet.  They stay free, but an allocation
 * may only take what is free beyond them, and a conversion gives its
 * reservation back first.  xfs_alloc_reserve() fails with -ENOSPC when
 * the free blocks beyond the reservations are fewer than @len.
 */
int xfs_alloc_reserve(struct xfs_alloc *a, xfs_filblks_t len);
void xfs_alloc_unreserve(struct xfs_alloc *a, xfs_filblks_t len);
/* Reserved blocks, and the free blocks statfs reports (free minus reserved). */
uint64_t xfs_alloc_resblks(const struct xfs_alloc *a);
uint64_t xfs_alloc_availblks(const struct xfs_alloc *a);
uint64_t xfs_alloc_dblocks(const struct xfs_alloc *a);

/* Every free extent in ascending order (never crossing an AG boundary). */
typedef bool (*xfs_alloc_walk_fn)(xfs_fsblock_t bno, xfs_filblks_t len,
				  void *arg);
void xfs_alloc_walk_free(const struct xfs_alloc *a, xfs_alloc_walk_fn fn,
			 void *arg);

static inline xfs_agnumber_t xfs_alloc_agno(const struct xfs_alloc *a,
					    xfs_fsblock_t bno)
{
	return (xfs_agnumber_t)(bno / xfs_alloc_agblocks(a));
}

#endif
