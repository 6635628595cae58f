/* SPDX-License-Identifier: MIT */
/*
 * In-core extent list of one inode fork (data or CoW), keyed by file offset.
 * Mirrors fs/xfs/libxfs/xfs_iext_tree.c + the bmap insert/remove helpers, on a
 * GTree so every operation is O(log n) in the number of extents.
 */
#ifndef DAXSIM_XFS_IEXT_H
#define DAXSIM_XFS_IEXT_H

#include "xfs_types.h"

struct xfs_ifork;

struct xfs_ifork *xfs_ifork_alloc(void);
void xfs_ifork_free(struct xfs_ifork *ifp);

/* Number of extent records (after merging). */
uint64_t xfs_iext_count(const struct xfs_ifork *ifp);

/*
 * Look up file block @off.  If an extent contains it, *got is that whole
 * extent (unclipped) and true is returned.  Otherwise *got describes the hole
 * from @off up to the start of the next extent (or XFS_MAX_FILEOFF), with
 * br_startblock == HOLESTARTBLOCK, and false is returned.
 */
bool xfs_iext_lookup_extent(const struct xfs_ifork *ifp, xfs_fileoff_t off,
			    struct xfs_bmbt_irec *got);

/*
 * Map a range that is currently a hole in the fork (it is a bug to overlap an
 * existing extent).  Merges with a neighbour when both file and disk ranges
 * are contiguous and the state matches.
 */
void xfs_iext_insert(struct xfs_ifork *ifp, const struct xfs_bmbt_irec *irec);

typedef void (*xfs_iext_piece_fn)(const struct xfs_bmbt_irec *piece, void *arg);

/*
 * Remove every mapping inside [off, off + len), splitting extents that
 * straddle the edges.  @fn (may be NULL) is called once per removed piece,
 * clipped to the range, in ascending file offset, after the fork is updated.
 */
void xfs_iext_remove_range(struct xfs_ifork *ifp, xfs_fileoff_t off,
			   xfs_filblks_t len, xfs_iext_piece_fn fn, void *arg);

/*
 * Set the state of every mapped block in [off, off + len) to @state,
 * splitting at the edges and merging afterwards.  Holes are left alone.
 * @fn (may be NULL) is called per piece whose state changed, clipped, with
 * the *old* state in the piece.
 */
void xfs_iext_set_state(struct xfs_ifork *ifp, xfs_fileoff_t off,
			xfs_filblks_t len, xfs_exntst_t state,
			xfs_iext_piece_fn fn, void *arg);

/*
 * Call @fn for every extent overlapping [off, off + len) in ascending order,
 * unclipped.  @fn returns false to stop.  Pass len = XFS_MAX_FILEOFF for all.
 */
typedef bool (*xfs_iext_walk_fn)(const struct xfs_bmbt_irec *irec, void *arg);
void xfs_iext_walk(const struct xfs_ifork *ifp, xfs_fileoff_t off,
		   xfs_filblks_t len, xfs_iext_walk_fn fn, void *arg);

#endif
