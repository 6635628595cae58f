// SPDX-License-Identifier: MIT
/*
 * ->iomap_begin / ->iomap_end for DAX, direct and buffered writes: xfs_read_iomap_begin (with
 * xfs_reflink_trim_around_shared for S_DAX inodes) and
 * xfs_direct_write_iomap_begin / xfs_dax_write_iomap_end.
 */
#include <string.h>

#include "sim.h"
#include "costprobe.h"
#include "pmem.h"
#include "xfs_mount.h"

static void xfs_bmbt_to_iomap(const struct xfs_bmbt_irec *imap, struct iomap *iomap,
			      unsigned int flags)
{
	iomap->offset = XFS_FSB_TO_B(imap->br_startoff);
	iomap->length = XFS_FSB_TO_B(imap->br_blockcount);
	iomap->flags = flags;
	if (xfs_bmap_is_hole(imap) || xfs_bmap_is_delalloc(imap)) {
		iomap->type = xfs_bmap_is_hole(imap) ? IOMAP_HOLE : IOMAP_DELALLOC;
		iomap->addr = IOMAP_NULL_ADDR;
	} else {
		iomap->type = imap->br_state == XFS_EXT_UNWRITTEN ? IOMAP_UNWRITTEN : IOMAP_MAPPED;
		iomap->addr = XFS_FSB_TO_B(imap->br_startblock);
	}
}

/* The data fork mapping at @pos, trimmed to [pos, pos + length). */
static void xfs_lookup_trimmed(struct xfs_inode *ip, uint64_t pos, uint64_t length,
			       struct xfs_bmbt_irec *imap)
{
	xfs_fileoff_t off = XFS_B_TO_FSBT(pos), end = XFS_B_TO_FSB(pos + length);

	xfs_iext_lookup_extent(ip->i_df, off, imap);
	if (!xfs_bmap_is_hole(imap))
		imap->br_startblock += off - imap->br_startoff;
	imap->br_blockcount -= off - imap->br_startoff;
	imap->br_startoff = off;
	if (imap->br_startoff + imap->br_blockcount > end)
		imap->br_blockcount = end - imap->br_startoff;
}

static int xfs_read_iomap_begin(struct inode *inode, uint64_t pos, uint64_t length,
				unsigned int flags, struct iomap *iomap,
				struct iomap *srcmap)
{
	struct xfs_inode *ip = XFS_I(inode);
	struct xfs_bmbt_irec imap;
	bool shared = false;

	if (ip->i_mount->m_shutdown)
		return -EIO;
	xfs_ilock(ip, XFS_ILOCK_SHARED);
	xfs_lookup_trimmed(ip, pos, length, &imap);
	if (IS_DAX(VFS_I(ip)) || (flags & IOMAP_REPORT))
		shared = xfs_reflink_trim_around_shared(ip, &imap);
	xfs_iunlock(ip, XFS_ILOCK_SHARED);
	xfs_bmbt_to_iomap(&imap, iomap, shared ? IOMAP_F_SHARED : 0);
	srcmap->type = IOMAP_HOLE;
	srcmap->flags = 0;
	return 0;
}

static int xfs_direct_write_iomap_begin(struct inode *inode, uint64_t pos,
					uint64_t length, unsigned int flags,
					struct iomap *iomap, struct iomap *srcmap)
{
	struct xfs_inode *ip = XFS_I(inode);
	struct xfs_bmbt_irec imap, cmap;
	unsigned int iomap_flags = 0;
	/* a direct write to a page-cache file (a DAX file's is its DAX I/O) */
	bool direct = (flags & IOMAP_DIRECT) && !IS_DAX(inode);
	bool shared = false;
	int error = 0;

	if (ip->i_mount->m_shutdown)
		return -EIO;
	srcmap->type = IOMAP_HOLE;
	srcmap->flags = 0;
	xfs_ilock(ip, XFS_ILOCK_EXCL);
	xfs_lookup_trimmed(ip, pos, length, &imap);

	/* imap_needs_cow(): zeroing and unsharing never CoW holes/unwritten */
	if (xfs_is_reflink_inode(ip) &&
	    (!(flags & (IOMAP_ZERO | IOMAP_UNSHARE)) ||
	     (!xfs_bmap_is_hole(&imap) && imap.br_state == XFS_EXT_NORM))) {
		COST_BEGIN(t);

		error = xfs_reflink_allocate_cow(ip, &imap, &cmap, &shared,
						 IS_DAX(inode) || (flags & IOMAP_DIRECT));
		COST_END(COST_COW_ALLOC, t);
		if (error)
			goto out;
		if (shared) {
			xfs_bmbt_to_iomap(&imap, srcmap, 0);
			xfs_bmbt_to_iomap(&cmap, iomap, IOMAP_F_SHARED |
					  (ip->i_meta_dirty ? IOMAP_F_DIRTY : 0));
			goto out;
		}
	}
	/*
	 * imap_needs_alloc(): not when zeroing or unsharing; a direct write
	 * to a page-cache file writes into an unwritten extent as it is
	 * (its completion converts what it wrote).
	 */
	if ((flags & (IOMAP_ZERO | IOMAP_UNSHARE)) ||
	    (!xfs_bmap_is_hole(&imap) && (imap.br_state == XFS_EXT_NORM || direct))) {
		xfs_bmbt_to_iomap(&imap, iomap, ip->i_meta_dirty ? IOMAP_F_DIRTY : 0);
		goto out;
	}
	/*
	 * xfs_iomap_write_direct(): the allocation is rounded out to the
	 * extent size hint (xfs_bmap_extsize_align).  For DAX (and the
	 * buffered write's reservation) with XFS_BMAPI_ZERO: all of it is
	 * zeroed and written.  For a direct write to a page-cache file it is
	 * unwritten (XFS_BMAPI_PREALLOC), converted by the I/O's completion.
	 * The mapping is the part asked for.
	 */
	if (xfs_bmap_is_hole(&imap)) {
		xfs_fileoff_t off = imap.br_startoff, aoff = off, aend = off + imap.br_blockcount;
		xfs_extlen_t ext = xfs_get_extsz_hint(ip);
		struct xfs_bmbt_irec got;

		if (ext > 1)
			xfs_bmap_extsize_align(ip, XFS_DATA_FORK, off, imap.br_blockcount, ext,
					       &aoff, &aend);
		error = xfs_bmap_alloc_hint(ip, XFS_DATA_FORK, off, imap.br_blockcount, aoff,
					    aend - aoff, direct ? XFS_EXT_UNWRITTEN : XFS_EXT_NORM,
					    !direct, &got);
		if (error)
			goto out;
		imap.br_startblock = got.br_startblock + (off - got.br_startoff);
		imap.br_blockcount = MIN(imap.br_blockcount, got.br_startoff + got.br_blockcount - off);
		imap.br_state = direct ? XFS_EXT_UNWRITTEN : XFS_EXT_NORM;
	} else {
		memset(pfn_to_kaddr(PMEM_PFN_BASE + imap.br_startblock), 0,
		       imap.br_blockcount << PAGE_SHIFT);
		xfs_bmap_convert_written(ip, imap.br_startoff, imap.br_blockcount);
		imap.br_state = XFS_EXT_NORM;	/* what the iomap now describes */
	}
	ip->i_meta_dirty = true;
	iomap_flags = IOMAP_F_NEW | IOMAP_F_DIRTY;
	xfs_bmbt_to_iomap(&imap, iomap, iomap_flags);
out:
	xfs_iunlock(ip, XFS_ILOCK_EXCL);
	return error;
}

static int xfs_dax_write_iomap_end(struct inode *inode, uint64_t pos, uint64_t length,
				   uint64_t written, unsigned int flags,
				   struct iomap *iomap)
{
	struct xfs_inode *ip = XFS_I(inode);
	int error;

	if (!(iomap->flags & IOMAP_F_SHARED))
		return 0;
	if (!written) {
		xfs_reflink_cancel_cow_range(ip, pos, length);
		return 0;
	}
	COST_BEGIN(t);
	error = xfs_reflink_end_cow(ip, pos, written);
	COST_END(COST_COW_END, t);
	return error;
}

/*
 * xfs_seek_iomap_begin(): the data fork's mapping at @pos; over a data fork
 * hole, a CoW fork extent there is reported as unwritten (its data, if any,
 * is still in the cache) up to the next data fork extent.
 */
static int xfs_seek_iomap_begin(struct inode *inode, uint64_t pos, uint64_t length,
				unsigned int flags, struct iomap *iomap, struct iomap *srcmap)
{
	struct xfs_inode *ip = XFS_I(inode);
	xfs_fileoff_t off = XFS_B_TO_FSBT(pos);
	struct xfs_bmbt_irec imap, cmap;

	if (ip->i_mount->m_shutdown)
		return -EIO;
	srcmap->type = IOMAP_HOLE;
	srcmap->flags = 0;
	xfs_ilock(ip, XFS_ILOCK_SHARED);
	xfs_lookup_trimmed(ip, pos, length, &imap);
	if (xfs_bmap_is_hole(&imap)) {
		xfs_fileoff_t hole_end = imap.br_startoff + imap.br_blockcount;

		if (xfs_iext_lookup_extent(ip->i_cowfp, off, &cmap)) {
			xfs_filblks_t n = MIN(cmap.br_startoff + cmap.br_blockcount, hole_end) - off;

			/* reported unwritten, delalloc or not: the cache may hold its data */
			imap = (struct xfs_bmbt_irec){ off, xfs_bmap_is_delalloc(&cmap) ? 0 :
						       cmap.br_startblock + (off - cmap.br_startoff),
						       n, XFS_EXT_UNWRITTEN };
		} else {	/* the hole ends where either fork's next extent starts */
			imap.br_blockcount = MIN(hole_end, off + cmap.br_blockcount) - off;
		}
	}
	xfs_iunlock(ip, XFS_ILOCK_SHARED);
	xfs_bmbt_to_iomap(&imap, iomap, 0);
	return 0;
}

const struct iomap_ops xfs_seek_iomap_ops = {
	.iomap_begin = xfs_seek_iomap_begin,
};

const struct iomap_ops xfs_read_iomap_ops = {
	.iomap_begin = xfs_read_iomap_begin,
};

/*
 * xfs_buffered_write_iomap_begin: a shared block gets a delayed allocation
 * in the CoW fork (xfs_reflink_allocate_cow without convert_now), which
 * writeback allocates, fills and remaps (xfs_map_blocks,
 * xfs_end_ioend -> xfs_reflink_end_cow).  The data fork has no delayed
 * allocation in daxsim: a hole is allocated (zeroed) and an unwritten
 * extent converted, as for a DAX write.
 */
const struct iomap_ops xfs_buffered_write_iomap_ops = {
	.iomap_begin = xfs_direct_write_iomap_begin,
};

/* O_DIRECT writes to page-cache files: the completion is xfs_dio_write_ops' */
const struct iomap_ops xfs_direct_write_iomap_ops = {
	.iomap_begin = xfs_direct_write_iomap_begin,
};

const struct iomap_ops xfs_dax_write_iomap_ops = {
	.iomap_begin = xfs_direct_write_iomap_begin,
	.iomap_end = xfs_dax_write_iomap_end,
};
