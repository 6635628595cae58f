/* SPDX-License-Identifier: MIT */
/*
 * Basic XFS types for the daxsim filesystem model.
 *
 * Block numbers: daxsim uses a *linear* filesystem block number that equals
 * the device block (disk address / blocksize).  Real XFS encodes the AG in
 * the high bits of an xfs_fsblock_t; the linear form keeps the pmem pfn, the
 * disk address and the fs block one-to-one, which is what the DAX paths
 * care about.  AG n owns blocks [n * agblocks, (n + 1) * agblocks).
 */
#ifndef DAXSIM_XFS_TYPES_H
#define DAXSIM_XFS_TYPES_H

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t xfs_fileoff_t;	/* file offset, in blocks */
typedef uint64_t xfs_fsblock_t;	/* linear filesystem block == device block */
typedef uint64_t xfs_filblks_t;	/* a length in blocks */
typedef uint32_t xfs_extlen_t;	/* an extent size hint, in blocks */
#define XFS_MAX_BMBT_EXTLEN ((xfs_extlen_t)((1U << 21) - 1))	/* MAXEXTLEN */
typedef uint32_t xfs_agnumber_t;
typedef uint64_t xfs_ino_t;

#define HOLESTARTBLOCK	((xfs_fsblock_t)-2)
#define NULLFSBLOCK	((xfs_fsblock_t)-1)
#define XFS_MAX_FILEOFF	((xfs_fileoff_t)1 << 52)

typedef enum {
	XFS_EXT_NORM = 0,
	XFS_EXT_UNWRITTEN = 1,
} xfs_exntst_t;

/* One mapping of a fork: file blocks [startoff, +count) -> [startblock, +count). */
struct xfs_bmbt_irec {
	xfs_fileoff_t	br_startoff;
	xfs_fsblock_t	br_startblock;	/* HOLESTARTBLOCK for a hole */
	xfs_filblks_t	br_blockcount;
	xfs_exntst_t	br_state;
};

static inline bool xfs_bmap_is_hole(const struct xfs_bmbt_irec *irec)
{
	return irec->br_startblock == HOLESTARTBLOCK;
}

/*
 * A delayed allocation (isnullstartblock): a reservation with no block
 * yet.  Its startblock is virtual, DELAYSTARTBLOCK + its file offset, in a
 * range no device reaches, so that clipping a record keeps it one and two
 * adjacent ones merge, as XFS merges delalloc extents.
 */
#define DELAYSTARTBLOCK	((xfs_fsblock_t)1 << 62)

static inline bool xfs_bmap_is_delalloc(const struct xfs_bmbt_irec *irec)
{
	return irec->br_startblock >= DELAYSTARTBLOCK && irec->br_startblock < HOLESTARTBLOCK;
}

#endif
