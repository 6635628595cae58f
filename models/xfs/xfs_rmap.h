/* SPDX-License-Identifier: MIT */
/*
 * The reverse-mapping btree: physical range -> (owner, file offset, flags).
 * Shared blocks have one record per owner, so records may overlap
 * physically; ordering is (startblock, owner, offset, flags) as in XFS.
 * Non-inode owners (metadata) use the XFS_RMAP_OWN_* constants.
 */
#ifndef DAXSIM_XFS_RMAP_H
#define DAXSIM_XFS_RMAP_H

#include "xfs_types.h"

#define XFS_RMAP_OWN_NULL	((uint64_t)-1)	/* no owner, for queries */
#define XFS_RMAP_OWN_UNKNOWN	((uint64_t)-2)
#define XFS_RMAP_OWN_FS		((uint64_t)-3)	/* static fs metadata (AG headers) */
#define XFS_RMAP_OWN_LOG	((uint64_t)-4)	/* the internal log */
#define XFS_RMAP_OWN_AG		((uint64_t)-5)	/* AG free-space btrees */
#define XFS_RMAP_OWN_INOBT	((uint64_t)-6)	/* inode btrees */
#define XFS_RMAP_OWN_INODES	((uint64_t)-7)	/* inode chunks */
#define XFS_RMAP_OWN_REFC	((uint64_t)-8)	/* refcount btree */
#define XFS_RMAP_OWN_COW	((uint64_t)-9)	/* CoW staging extents */
#define XFS_RMAP_NON_INODE_OWNER(owner)	(!!((owner) & (1ULL << 63)))

#define XFS_RMAP_ATTR_FORK	(1U << 0)
#define XFS_RMAP_BMBT_BLOCK	(1U << 1)
#define XFS_RMAP_UNWRITTEN	(1U << 2)

struct xfs_rmap_irec {
	xfs_fsblock_t	rm_startblock;
	xfs_filblks_t	rm_blockcount;
	uint64_t	rm_owner;
	xfs_fileoff_t	rm_offset;	/* 0 for non-inode owners */
	unsigned int	rm_flags;
};

struct xfs_rmap_tree;

struct xfs_rmap_tree *xfs_rmap_tree_alloc(void);
void xfs_rmap_tree_free(struct xfs_rmap_tree *tree);

/*
 * Record that @owner maps [bno, bno + len) at file offset @offset.  Merges
 * with a record of the same owner and flags that is contiguous both
 * physically and logically (non-inode owners: physically).
 */
void xfs_rmap_map(struct xfs_rmap_tree *tree, xfs_fsblock_t bno,
		  xfs_filblks_t len, uint64_t owner, xfs_fileoff_t offset,
		  unsigned int flags);

/*
 * Remove exactly that mapping, splitting a record if it is in the middle.
 * Returns 0, or -ENOENT (tree unchanged) if no record covers it exactly
 * (same owner, flags, and offset correspondence).
 */
int xfs_rmap_unmap(struct xfs_rmap_tree *tree, xfs_fsblock_t bno,
		   xfs_filblks_t len, uint64_t owner, xfs_fileoff_t offset,
		   unsigned int flags);

/*
 * Call @fn for each record overlapping [bno, bno + len), unclipped, in tree
 * order.  @fn returns false to stop.  Cost O(log n + matches) whatever the
 * records' lengths: each node keeps the largest record end of its subtree.
 */
typedef bool (*xfs_rmap_walk_fn)(const struct xfs_rmap_irec *rec, void *arg);
void xfs_rmap_query_range(const struct xfs_rmap_tree *tree, xfs_fsblock_t bno,
			  xfs_filblks_t len, xfs_rmap_walk_fn fn, void *arg);
void xfs_rmap_walk(const struct xfs_rmap_tree *tree, xfs_rmap_walk_fn fn,
		   void *arg);
uint64_t xfs_rmap_nrecords(const struct xfs_rmap_tree *tree);

#endif
