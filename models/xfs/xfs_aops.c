// SPDX-License-Identifier: MIT
/*
 * The address_space operations (xfs_aops.c): reading a page-cache folio
 * in (xfs_vm_read_folio), writeback (xfs_vm_writepages with
 * xfs_map_blocks: a CoW fork block first, else the data fork, and
 * xfs_end_ioend: the CoW remap), the observers' block map (xfs_vm_bmap),
 * and xfs_flush_unmap_range, which XFS runs before it changes the blocks
 * under a range of a page-cache file.
 */
#include <errno.h>

#include "inject.h"
#include "lock.h"
#include "pagemap.h"
#include "sim.h"
#include "trace.h"
#include "xfs_mount.h"

static int xfs_vm_read_folio(struct folio *folio, struct address_space *mapping, pgoff_t index)
{
	return iomap_read_folio(folio, mapping, index, &xfs_read_iomap_ops);
}

/*
 * xfs_map_blocks(): where file block @index goes.  A CoW fork block (the
 * reservation a write into a shared block made: a delayed allocation is
 * allocated now, xfs_bmapi_convert_delalloc) wins over the data fork; a
 * dirty folio over a hole (zeroed in the cache only) gets its block now,
 * as delalloc conversion would.
 */
static int xfs_map_blocks(struct inode *inode, pgoff_t index, uint64_t *bno, bool *cow)
{
	struct xfs_inode *ip = XFS_I(inode);
	struct xfs_bmbt_irec got;
	int error = 0;

	if (ip->i_mount->m_shutdown)
		return -EIO;
	xfs_ilock(ip, XFS_ILOCK_EXCL);
	*cow = xfs_iext_lookup_extent(ip->i_cowfp, index, &got) && got.br_startoff <= index;
	if (*cow && xfs_bmap_is_delalloc(&got)) {
		/* xfs_bmapi_convert_delalloc(): the reservation gets its blocks */
		error = xfs_bmapi_convert_delalloc(ip, index, &got);
		ip->i_meta_dirty = true;
		if (error) {
			xfs_iunlock(ip, XFS_ILOCK_EXCL);
			return error;
		}
	}
	if (*cow && got.br_state == XFS_EXT_UNWRITTEN) {
		/* xfs_prepare_ioend -> xfs_reflink_convert_cow: written before the I/O */
		xfs_bmap_convert_cow(ip, index, 1);
		ip->i_meta_dirty = true;
	}
	if (!*cow && (!xfs_iext_lookup_extent(ip->i_df, index, &got) || xfs_bmap_is_hole(&got) ||
		      got.br_startoff > index)) {
		error = xfs_bmap_alloc(ip, XFS_DATA_FORK, index, 1, XFS_EXT_NORM, false, &got);
		ip->i_meta_dirty = true;
	} else if (!*cow && got.br_state == XFS_EXT_UNWRITTEN) {
		xfs_bmap_convert_written(ip, index, 1);
		ip->i_meta_dirty = true;
	}
	if (!error)
		*bno = got.br_startblock + (index - got.br_startoff);
	xfs_iunlock(ip, XFS_ILOCK_EXCL);
	return error;
}

/* xfs_end_ioend(): a CoW fork block now holds the data: remap it. */
static int xfs_end_ioend(struct inode *inode, pgoff_t index, bool cow)
{
	if (!cow)
		return 0;
	return xfs_reflink_end_cow(XFS_I(inode), (uint64_t)index << PAGE_SHIFT, PAGE_SIZE);
}

const struct iomap_writeback_ops xfs_writeback_ops = {
	.map_blocks	= xfs_map_blocks,
	.end_io		= xfs_end_ioend,
};

static int xfs_vm_writepages(struct address_space *mapping, pgoff_t start, pgoff_t end)
{
	return iomap_writepages(mapping, start, end, &xfs_writeback_ops);
}

/* xfs_vm_bmap(): an observer's block map (no locks, as the ioctl's FIBMAP). */
static bool xfs_vm_bmap(struct address_space *mapping, pgoff_t index, uint64_t *bno)
{
	struct xfs_inode *ip = XFS_I(mapping->host);
	struct xfs_bmbt_irec irec;

	if (!xfs_iext_lookup_extent(ip->i_df, index, &irec) || xfs_bmap_is_hole(&irec) ||
	    index < irec.br_startoff)
		return false;
	*bno = irec.br_startblock + (index - irec.br_startoff);
	return true;
}

const struct address_space_operations xfs_address_space_operations = {
	.bmap		= xfs_vm_bmap,
	.read_folio	= xfs_vm_read_folio,
	.writepages	= xfs_vm_writepages,
};

/*
 * xfs_flush_unmap_range(): called with IOLOCK and MMAPLOCK exclusive
 * before blocks under [offset, offset + len) change (reflink and dedupe
 * destinations, punch, zero): the range, widened to whole pages, is
 * written back, unmapped from every process and dropped from the cache.
 * A DAX inode has no page cache: nothing to do.
 */
int xfs_flush_unmap_range(struct xfs_inode *ip, uint64_t offset, uint64_t len)
{
	struct inode *inode = VFS_I(ip);
	uint64_t start = ALIGN_DOWN(offset, PAGE_SIZE), end = ALIGN_UP(offset + len, PAGE_SIZE) - 1;
	int error;

	if (IS_DAX(inode) || !len)
		return 0;
	lock_assert_held(&lc_invalidate_lock, ip->i_ino, LOCK_EXCL, __func__);
	error = filemap_write_and_wait_range(inode->i_mapping, start, end);
	if (error)
		return error;
	if (!INJECT(FLUSH_NO_INVALIDATE))
		truncate_pagecache_range(inode, start, end);
	return 0;
}
