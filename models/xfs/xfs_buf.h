/* SPDX-License-Identifier: MIT */
/*
 * The buffer cache: xfs_buf objects indexed by disk address (daddr, in
 * 512-byte sectors) in a hash table per AG, as XFS indexes them
 * (xfs_buf_cache: an rhashtable per xfs_perag; xfs_buf.c has the details).
 * Under DAX a buffer does not copy the block: b_pfn names the pmem
 * page under it, so a design that keeps a "master page" per disk block (the
 * shadow design) finds it here by LBA.
 *
 * A lookup with a length different from a cached, overlapping buffer is
 * what XFS treats as corruption (_xfs_buf_obj_cmp() only matches the same
 * daddr and length; an overlap is -EFSCORRUPTED): xfs_buf_get() returns
 * -EUCLEAN and leaves the cache unchanged.
 */
#ifndef DAXSIM_XFS_BUF_H
#define DAXSIM_XFS_BUF_H

#include "share.h"
#include "types.h"
#include "xfs_types.h"

typedef int64_t xfs_daddr_t;

struct xfs_mount;

/*
 * b_share: the disk address (first sector), length (sectors), the pmem page
 * at b_daddr and the user's private data -- all that a sharing design sees
 * of the buffer (xfs_share.c).
 */
struct xfs_buf {
	struct share_buf b_share;
	int		b_hold;		/* references; freed at 0 */
};

#define XFS_FSB_TO_DADDR(fsb)	((xfs_daddr_t)(fsb) << (PAGE_SHIFT - 9))
#define XFS_DADDR_TO_FSB(d)	((xfs_fsblock_t)(d) >> (PAGE_SHIFT - 9))

void xfs_buf_cache_init(struct xfs_mount *mp);
void xfs_buf_cache_destroy(struct xfs_mount *mp);

/* The buffer at exactly (daddr, length), or NULL.  No reference taken. */
struct xfs_buf *xfs_buf_incore(struct xfs_mount *mp, xfs_daddr_t daddr, uint32_t length);
/* Find or insert, taking a reference.  -EUCLEAN on an overlapping mismatch. */
int xfs_buf_get(struct xfs_mount *mp, xfs_daddr_t daddr, uint32_t length,
		struct xfs_buf **bpp);
void xfs_buf_rele(struct xfs_mount *mp, struct xfs_buf *bp);
/* Every cached buffer overlapping [daddr, daddr + length), in daddr order. */
void xfs_buf_walk_range(struct xfs_mount *mp, xfs_daddr_t daddr, uint64_t length,
			bool (*fn)(struct xfs_buf *bp, void *arg), void *arg);
uint64_t xfs_buf_count(struct xfs_mount *mp);

#endif
