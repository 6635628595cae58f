/* SPDX-License-Identifier: MIT */
/*
 * The refcount btree: like XFS it records only *shared* ranges (refcount >= 2).
 * An allocated block with no record has refcount 1; a free block has none and
 * the allocator is the authority on free vs used.  Records are split and
 * merged exactly as xfs_refcount_adjust() does: adjacent records with equal
 * refcounts merge, so the record set is canonical.
 */
#ifndef DAXSIM_XFS_REFCOUNT_H
#define DAXSIM_XFS_REFCOUNT_H

#include "xfs_types.h"

struct xfs_refcount_tree;

struct xfs_refcount_irec {
	xfs_fsblock_t	rc_startblock;
	xfs_filblks_t	rc_blockcount;
	uint32_t	rc_refcount;	/* always >= 2 */
};

struct xfs_refcount_tree *xfs_refcount_tree_alloc(void);
void xfs_refcount_tree_free(struct xfs_refcount_tree *tree);

/* Refcount of block @bno as recorded: the record's count, or 1 if none. */
uint32_t xfs_refcount_lookup(const struct xfs_refcount_tree *tree,
			     xfs_fsblock_t bno);

/* Add one reference to every block of [bno, bno + len) (all allocated). */
void xfs_refcount_increase(struct xfs_refcount_tree *tree, xfs_fsblock_t bno,
			   xfs_filblks_t len);

/*
 * Drop one reference from every block of [bno, bno + len).  Each maximal
 * sub-range whose count reaches zero (it had no record) is passed to
 * @free_fn in ascending order, after the tree is updated, so the caller can
 * return it to the allocator and remove its rmap.
 */
typedef void (*xfs_refcount_free_fn)(xfs_fsblock_t bno, xfs_filblks_t len,
				     void *arg);
void xfs_refcount_decrease(struct xfs_refcount_tree *tree, xfs_fsblock_t bno,
			   xfs_filblks_t len, xfs_refcount_free_fn free_fn,
			   void *arg);

/*
 * Find the first shared block in [bno, bno + len).  If there is one, return
 * true with *fbno at it and *flen the length of the run of shared blocks
 * starting there, clipped to the range.  Otherwise return false and set
 * *fbno = bno + len, *flen = 0 (like xfs_refcount_find_shared()).
 */
bool xfs_refcount_find_shared(const struct xfs_refcount_tree *tree,
			      xfs_fsblock_t bno, xfs_filblks_t len,
			      xfs_fsblock_t *fbno, xfs_filblks_t *flen);

/* Every record in ascending order; @fn returns false to stop. */
typedef bool (*xfs_refcount_walk_fn)(const struct xfs_refcount_irec *rec,
				     void *arg);
void xfs_refcount_walk(const struct xfs_refcount_tree *tree,
		       xfs_refcount_walk_fn fn, void *arg);
uint64_t xfs_refcount_nrecords(const struct xfs_refcount_tree *tree);

#endif
