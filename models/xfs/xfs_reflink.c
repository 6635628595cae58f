// SPDX-License-Identifier: MIT
/*
 * Reflink: sharing checks, CoW fork allocation and remap (end_cow), the
 * remap_range / dedupe entry point with the VFS checks, and unshare.
 */
#include "dax.h"
#include "lockdep.h"
#include "sim.h"
#include "trace.h"
#include "xfs_mount.h"
#include "inject.h"

/*
 * Trim @irec at the shared/unshared boundary; true if its first block is
 * shared.  Holes and unwritten extents are never shared.
 */
bool xfs_reflink_trim_around_shared(struct xfs_inode *ip, struct xfs_bmbt_irec *irec)
{
	xfs_fsblock_t fbno;
	xfs_filblks_t flen;

	if (!xfs_is_reflink_inode(ip) || xfs_bmap_is_hole(irec) ||
	    irec->br_state != XFS_EXT_NORM)
		return false;
	if (!xfs_refcount_find_shared(ip->i_mount->m_refc, irec->br_startblock,
				      irec->br_blockcount, &fbno, &flen))
		return false;
	if (fbno == irec->br_startblock) {
		irec->br_blockcount = flen;
		return true;
	}
	irec->br_blockcount = fbno - irec->br_startblock;
	return false;
}

/*
 * xfs_reflink_fill_cow_hole(): CoW fork blocks for the shared run @imap,
 * rounded out to the CoW extent size hint (xfs_get_cowextsz_hint: 32
 * blocks unless the inode says otherwise) within the CoW fork hole around
 * it, which ends at @hole_end.  A buffered write (!@convert_now) reserves
 * them as a delayed allocation (xfs_buffered_write_iomap_begin ->
 * xfs_bmapi_reserve_delalloc): writeback allocates them.  DAX and direct
 * I/O (@convert_now) allocate them now: the whole allocation is unwritten
 * (XFS_BMAPI_PREALLOC) and the part under this write is converted, which
 * is what end_cow remaps.  The rest stays in the CoW fork for later writes
 * nearby, until the inode is evicted or its range truncated or punched.
 */
static int xfs_reflink_fill_cow_hole(struct xfs_inode *ip, struct xfs_bmbt_irec *imap,
				     xfs_fileoff_t hole_end, struct xfs_bmbt_irec *cmap,
				     bool convert_now)
{
	xfs_fileoff_t off = imap->br_startoff, aoff, aend;
	xfs_filblks_t len = imap->br_blockcount;
	xfs_extlen_t ext = xfs_get_cowextsz_hint(ip);
	struct xfs_bmbt_irec got;
	int error;

	xfs_bmap_extsize_align(ip, XFS_COW_FORK, off, len, ext, &aoff, &aend);
	aend = MIN(aend, hole_end);
	if (!convert_now) {
		error = xfs_bmapi_reserve_delalloc(ip, aoff, aend);
		if (error == -ENOSPC && (aoff < off || aend > off + len))	/* retry without the preallocation */
			error = xfs_bmapi_reserve_delalloc(ip, off, off + len);
		if (error)
			return error;
		*cmap = (struct xfs_bmbt_irec){ off, DELAYSTARTBLOCK + off, len, XFS_EXT_NORM };
		ip->i_meta_dirty = true;
		return 0;
	}
	error = xfs_bmap_alloc_hint(ip, XFS_COW_FORK, off, len, aoff, aend - aoff,
				    XFS_EXT_UNWRITTEN, false, &got);
	if (error)
		return error;
	len = MIN(len, got.br_startoff + got.br_blockcount - off);
	xfs_bmap_convert_cow(ip, off, len);
	*cmap = (struct xfs_bmbt_irec){ off, got.br_startblock + (off - got.br_startoff), len,
					XFS_EXT_NORM };
	imap->br_blockcount = len;
	ip->i_meta_dirty = true;
	return 0;
}

/*
 * xfs_reflink_allocate_cow(): a block the CoW fork already holds is written
 * there whatever the data fork maps (xfs_find_trim_cow_extent); otherwise,
 * if @imap's first block is shared, trim it to the shared run and fill the
 * CoW fork hole for it.  @imap may be a hole or unwritten: only a CoW fork
 * block makes those CoW.
 */
int xfs_reflink_allocate_cow(struct xfs_inode *ip, struct xfs_bmbt_irec *imap,
			     struct xfs_bmbt_irec *cmap, bool *shared, bool convert_now)
{
	xfs_fileoff_t off = imap->br_startoff;
	struct xfs_bmbt_irec got;
	xfs_filblks_t len;

	if (xfs_iext_lookup_extent(ip->i_cowfp, off, &got)) {
		if (xfs_bmap_is_delalloc(&got) && convert_now) {
			int error = xfs_bmapi_convert_delalloc(ip, off, &got);

			if (error)
				return error;
			ip->i_meta_dirty = true;
		}
		len = MIN(imap->br_blockcount, got.br_startoff + got.br_blockcount - off);
		if (xfs_bmap_is_delalloc(&got)) {	/* reserved already: writeback allocates */
			*cmap = (struct xfs_bmbt_irec){ off, got.br_startblock + (off - got.br_startoff),
							len, XFS_EXT_NORM };
			imap->br_blockcount = len;
			*shared = true;
			return 0;
		}
		if (got.br_state == XFS_EXT_UNWRITTEN) {
			ip->i_meta_dirty = true;
			xfs_bmap_convert_cow(ip, off, len);
		}
		*cmap = (struct xfs_bmbt_irec){ off, got.br_startblock + (off - got.br_startoff),
						len, XFS_EXT_NORM };
		imap->br_blockcount = len;
		*shared = true;
		return 0;
	}
	/* got is the CoW fork hole from off: stop the data mapping at its end */
	imap->br_blockcount = MIN(imap->br_blockcount, got.br_blockcount);
	*shared = xfs_reflink_trim_around_shared(ip, imap);
	if (!*shared)
		return 0;
	return xfs_reflink_fill_cow_hole(ip, imap, off + got.br_blockcount, cmap, convert_now);
}

/*
 * One CoW fork piece of a chunk, called once the fork is updated: its
 * staging rmap goes, the data fork's blocks there are unmapped, the piece
 * is mapped in their place.  Locks, scheduling points and trace events
 * name xfs_reflink_end_cow, whose work this is.
 */
#define END_COW	"xfs_reflink_end_cow"

static void end_cow_piece(const struct xfs_bmbt_irec *piece, void *arg)
{
	struct xfs_inode *ip = arg;
	struct xfs_mount *mp = ip->i_mount;
	struct xfs_bmbt_irec p = *piece;

	xfs_trans_agf_lock(mp, p.br_startblock, END_COW);
	if (xfs_rmap_unmap(mp->m_rmap, p.br_startblock, p.br_blockcount,
			   XFS_RMAP_OWN_COW, 0, 0))
		panic("end_cow: CoW staging rmap missing");
	mp->m_cow_blocks -= p.br_blockcount;
	xfs_trans_agf_unlock(mp, p.br_startblock, END_COW);
	xfs_bmap_unmap_range(ip, XFS_DATA_FORK, p.br_startoff, p.br_blockcount);
	p.br_state = XFS_EXT_NORM;
	xfs_bmap_map_extent(ip, XFS_DATA_FORK, &p);
	trace_event(END_COW, "ino %llu [%llu, +%llu) remapped to block %llu",
		    (unsigned long long)ip->i_ino, (unsigned long long)p.br_startoff,
		    (unsigned long long)p.br_blockcount,
		    (unsigned long long)p.br_startblock);
}

/* Remap CoW fork blocks over the data fork for [offset, offset + count). */
int xfs_reflink_end_cow(struct xfs_inode *ip, uint64_t offset, uint64_t count)
{
	xfs_fileoff_t off = XFS_B_TO_FSBT(offset), end = XFS_B_TO_FSB(offset + count);

	xfs_ilock(ip, XFS_ILOCK_EXCL);
	while (off < end) {
		xfs_filblks_t chunk = MIN(end - off, 1ULL << 20);
		struct xfs_bmbt_irec got;

		/* only written CoW blocks: the preallocated or reserved rest stays */
		if (!xfs_iext_lookup_extent(ip->i_cowfp, off, &got) ||
		    got.br_state != XFS_EXT_NORM || xfs_bmap_is_delalloc(&got)) {
			off = MIN(end, got.br_startoff + got.br_blockcount);
			continue;
		}
		chunk = MIN(chunk, got.br_startoff + got.br_blockcount - off);
		xfs_iext_remove_range(ip->i_cowfp, off, chunk, end_cow_piece, ip);
		off += chunk;
	}
	ip->i_meta_dirty = true;
	xfs_iunlock(ip, XFS_ILOCK_EXCL);
	return 0;
}

void xfs_reflink_cancel_cow_range(struct xfs_inode *ip, uint64_t offset, uint64_t count)
{
	xfs_ilock(ip, XFS_ILOCK_EXCL);
	xfs_bmap_unmap_range(ip, XFS_COW_FORK, XFS_B_TO_FSBT(offset),
			     XFS_B_TO_FSB(offset + count) - XFS_B_TO_FSBT(offset));
	xfs_iunlock(ip, XFS_ILOCK_EXCL);
}

/*
 * The VFS checks of generic_remap_checks() / __generic_remap_file_range_prep():
 * 0 with *len and *bcount set, 1 when there is nothing to do, or -errno.
 */
static int xfs_remap_checks(struct xfs_inode *src, uint64_t pos_in,
			    struct xfs_inode *dest, uint64_t pos_out,
			    uint64_t *len, unsigned int remap_flags, uint64_t *bcount)
{
	uint64_t size_in = VFS_I(src)->i_size, size_out = VFS_I(dest)->i_size, count = *len;
	bool dedupe = remap_flags & REMAP_FILE_DEDUP;
	bool can_shorten = remap_flags & REMAP_FILE_CAN_SHORTEN;

	if (count == 0) {
		if (dedupe || pos_in == size_in)
			return 1;	/* nothing to do */
		if (pos_in > size_in)
			return -EINVAL;
		count = size_in - pos_in;
	}
	if (pos_in % PAGE_SIZE || pos_out % PAGE_SIZE)
		return -EINVAL;
	/* the offsets must not wrap a loff_t (check_add_overflow on loff_t) */
	if (count > (uint64_t)INT64_MAX || pos_in > (uint64_t)INT64_MAX - count ||
	    pos_out > (uint64_t)INT64_MAX - count)
		return -EINVAL;
	if (dedupe && (pos_in >= size_in || pos_in + count > size_in ||
		       pos_out >= size_out || pos_out + count > size_out))
		return -EINVAL;
	if (pos_in >= size_in)
		return -EINVAL;
	count = MIN(count, size_in - pos_in);
	if (pos_in + count == size_in && (!dedupe || pos_out + count == size_out))
		*bcount = ALIGN_UP(size_in, PAGE_SIZE) - pos_in;
	else {
		count = ALIGN_DOWN(count, PAGE_SIZE);
		*bcount = count;
	}
	if (src == dest && pos_out + *bcount > pos_in && pos_out < pos_in + *bcount)
		return -EINVAL;
	/*
	 * generic_remap_check_len(): a partial EOF block may only land at or
	 * past the destination's EOF: cloned into the middle of the file, the
	 * zeroes after the source's EOF would replace the destination's data
	 * (checked on a loop-mounted XFS: EINVAL).  copy_file_range
	 * (REMAP_FILE_CAN_SHORTEN) shares the whole blocks before it instead.
	 */
	if (!dedupe && *bcount != count && pos_out + count < size_out) {
		if (!can_shorten)
			return -EINVAL;
		count = ALIGN_DOWN(count, PAGE_SIZE);
		*bcount = count;
	}
	/* a request shortened (to whole blocks) that the caller cannot take */
	if (*len && count != *len && !dedupe && !can_shorten)
		return -EINVAL;
	*len = count;
	return count ? 0 : 1;	/* shortened to nothing: nothing to do */
}

/*
 * Both inodes' IOLOCK and MMAPLOCK exclusive, the source's too: writers
 * that hold them shared (a write fault, a direct write to a page-cache
 * file) must not run beside the remap.  Returns the source's mode.
 */
static unsigned int xfs_ilock2_io_mmap(struct xfs_inode *src, struct xfs_inode *dest)
{
	/* test only (lockdep inject remap-inode-order): the higher inode first */
	bool reverse = INJECT(REMAP_INODE_ORDER);
	struct xfs_inode *first = (src->i_ino <= dest->i_ino) != reverse ? src : dest;
	struct xfs_inode *second = first == src ? dest : src;
	/* test only (race 5d888b481e6a put back): the source locked shared */
	bool src_shared = INJECT(REFLINK_SRC_SHARED) && src != dest;
	unsigned int io1 = src_shared && first == src ? XFS_IOLOCK_SHARED : XFS_IOLOCK_EXCL;
	unsigned int io2 = src_shared && second == src ? XFS_IOLOCK_SHARED : XFS_IOLOCK_EXCL;
	unsigned int mm1 = src_shared && first == src ? XFS_MMAPLOCK_SHARED : XFS_MMAPLOCK_EXCL;
	unsigned int mm2 = src_shared && second == src ? XFS_MMAPLOCK_SHARED : XFS_MMAPLOCK_EXCL;

	/* i_rwsem by "address" (creation order here), MMAPLOCK by inode number */
	xfs_ilock(first, io1);
	if (second != first)
		xfs_ilock_nested(second, io2, 1);
	xfs_ilock(first, mm1);
	if (!INJECT(REFLINK_NO_WRPROTECT))
		dax_break_layout(VFS_I(first), 0, XFS_MAX_FILEOFF, xfs_break_layouts_wait);
	if (second != first) {
		xfs_ilock_nested(second, mm2, 1);
		if (!INJECT(REFLINK_NO_WRPROTECT))
			dax_break_layout(VFS_I(second), 0, XFS_MAX_FILEOFF, xfs_break_layouts_wait);
	}
	return src_shared ? XFS_IOLOCK_SHARED | XFS_MMAPLOCK_SHARED
			  : XFS_IOLOCK_EXCL | XFS_MMAPLOCK_EXCL;
}

static void xfs_iunlock2_io_mmap(struct xfs_inode *src, unsigned int src_mode,
				 struct xfs_inode *dest)
{
	xfs_iunlock(src, src_mode);
	if (dest != src)
		xfs_iunlock(dest, XFS_MMAPLOCK_EXCL | XFS_IOLOCK_EXCL);
}

/* Remap the blocks of src [soff, +nblocks) over dest at doff. */
static void xfs_reflink_remap_blocks(struct xfs_inode *src, xfs_fileoff_t soff,
				     struct xfs_inode *dest, xfs_fileoff_t doff,
				     xfs_filblks_t nblocks)
{
	struct xfs_mount *mp = src->i_mount;
	xfs_filblks_t done = 0;

	while (done < nblocks) {
		struct xfs_bmbt_irec got, map;
		xfs_filblks_t n;
		bool mapped = xfs_iext_lookup_extent(src->i_df, soff + done, &got);

		n = MIN(got.br_startoff + got.br_blockcount - (soff + done), nblocks - done);
		xfs_ilock(dest, XFS_ILOCK_EXCL);
		xfs_bmap_unmap_range(dest, XFS_DATA_FORK, doff + done, n);
		/* Only written extents are shared; holes and unwritten become holes. */
		if (mapped && got.br_state == XFS_EXT_NORM) {
			map = (struct xfs_bmbt_irec){ doff + done,
				got.br_startblock + (soff + done - got.br_startoff), n,
				XFS_EXT_NORM };
			xfs_trans_agf_lock(mp, map.br_startblock, __func__);
			if (!INJECT(REFLINK_NO_REFCOUNT))
				xfs_refcount_increase(mp->m_refc, map.br_startblock, n);
			xfs_trans_agf_unlock(mp, map.br_startblock, __func__);
			xfs_bmap_map_extent(dest, XFS_DATA_FORK, &map);
		}
		xfs_iunlock(dest, XFS_ILOCK_EXCL);
		done += n;
	}
}

int xfs_reflink_remap_range(struct xfs_inode *src, uint64_t pos_in,
			    struct xfs_inode *dest, uint64_t pos_out,
			    uint64_t *len, unsigned int remap_flags, bool *same)
{
	bool dedupe = remap_flags & REMAP_FILE_DEDUP;
	struct xfs_mount *mp = src->i_mount;
	uint64_t bcount = 0;
	unsigned int src_mode;
	int ret;

	*same = true;
	if (mp->m_shutdown)
		return -EIO;
	if (!mp->m_opts.reflink)
		return -EOPNOTSUPP;
	src_mode = xfs_ilock2_io_mmap(src, dest);
	ret = -EINVAL;
	if (IS_DAX(VFS_I(src)) != IS_DAX(VFS_I(dest)))	/* "Don't share DAX file data with non-DAX file" */
		goto out;
	ret = xfs_remap_checks(src, pos_in, dest, pos_out, len, remap_flags, &bcount);
	if (ret)
		goto out;
	if (!IS_DAX(VFS_I(src))) {
		/* generic_remap_file_range_prep(): both ranges reach the disk first */
		ret = filemap_write_and_wait_range(VFS_I(src)->i_mapping, pos_in, pos_in + *len - 1);
		if (!ret)
			ret = filemap_write_and_wait_range(VFS_I(dest)->i_mapping, pos_out,
							   pos_out + *len - 1);
		if (ret)
			goto out;
	}
	if (dedupe) {
		if (IS_DAX(VFS_I(src)))
			ret = dax_dedupe_file_range_compare(VFS_I(src), pos_in, VFS_I(dest), pos_out,
							    *len, same, &xfs_read_iomap_ops);
		else
			ret = vfs_dedupe_file_range_compare(VFS_I(src), pos_in, VFS_I(dest), pos_out,
							    *len, same);
		if (ret || !*same)
			goto out;
	}
	/* xfs_reflink_zero_posteof */
	if (pos_out > VFS_I(dest)->i_size) {
		if (IS_DAX(VFS_I(dest)))
			ret = dax_zero_range(VFS_I(dest), VFS_I(dest)->i_size,
					     pos_out - VFS_I(dest)->i_size, &xfs_dax_write_iomap_ops);
		else
			ret = iomap_zero_range(VFS_I(dest), VFS_I(dest)->i_size,
					       pos_out - VFS_I(dest)->i_size, &xfs_read_iomap_ops,
					       &xfs_buffered_write_iomap_ops);
		if (ret)
			goto out;
	}
	/* the destination's cached pages over the range are stale now */
	ret = xfs_flush_unmap_range(dest, pos_out, *len);
	if (ret)
		goto out;
	src->i_diflags |= XFS_DIFLAG2_REFLINK;
	dest->i_diflags |= XFS_DIFLAG2_REFLINK;
	/*
	 * xfs_file_remap_range() (6.10+): with XFS_IREMAPPING set, the source
	 * is demoted to shared for the remap, so reads and read faults of it
	 * go on meanwhile; its writers see the flag and take the locks
	 * exclusive (a write fault its MMAPLOCK, a direct write its IOLOCK),
	 * so they wait.  Before 5d888b481e6a the source was only ever locked
	 * shared, with no flag (the race put back: reflink-src-shared).
	 */
	if (src != dest && !INJECT(REFLINK_SRC_SHARED)) {
		src->i_remapping = true;
		xfs_ilock_demote(src, XFS_IOLOCK_EXCL | XFS_MMAPLOCK_EXCL);
		src_mode = XFS_IOLOCK_SHARED | XFS_MMAPLOCK_SHARED;
	}
	xfs_reflink_remap_blocks(src, pos_in >> PAGE_SHIFT, dest, pos_out >> PAGE_SHIFT,
				 bcount >> PAGE_SHIFT);
	src->i_remapping = false;
	/*
	 * xfs_file_remap_range(): sharing all of the source over all of the
	 * destination carries the source's CoW extent size hint to a
	 * destination without one.
	 */
	if (pos_in == 0 && *len == VFS_I(src)->i_size && pos_out == 0 &&
	    *len >= VFS_I(dest)->i_size && (src->i_diflags & XFS_DIFLAG2_COWEXTSIZE) &&
	    !(dest->i_diflags & XFS_DIFLAG2_COWEXTSIZE)) {
		dest->i_diflags |= XFS_DIFLAG2_COWEXTSIZE;
		dest->i_cowextsize = src->i_cowextsize;
	}
	if (pos_out + *len > VFS_I(dest)->i_size)
		VFS_I(dest)->i_size = pos_out + *len;
	dest->i_meta_dirty = true;
	if (!dedupe)	/* generic_remap_file_range_prep(): file_modified(file_out) */
		inode_set_mtime_ctime_now(VFS_I(dest));
	trace("ino %llu @%llu -> ino %llu @%llu: %llu bytes%s",
	      (unsigned long long)src->i_ino, (unsigned long long)pos_in,
	      (unsigned long long)dest->i_ino, (unsigned long long)pos_out,
	      (unsigned long long)*len, dedupe ? " (dedupe)" : "");
	ret = 0;
out:
	xfs_iunlock2_io_mmap(src, src_mode, dest);
	return ret > 0 ? 0 : ret;
}

int xfs_reflink_unshare(struct xfs_inode *ip, uint64_t offset, uint64_t len)
{
	if (!xfs_is_reflink_inode(ip) || offset >= VFS_I(ip)->i_size)
		return 0;
	len = MIN(len, VFS_I(ip)->i_size - offset);
	if (!IS_DAX(VFS_I(ip))) {
		/* iomap_file_unshare dirties the shared pages; writeback CoWs them */
		int error = iomap_file_unshare(VFS_I(ip), offset, len, &xfs_read_iomap_ops,
					       &xfs_buffered_write_iomap_ops);

		return error ? error : filemap_write_and_wait_range(VFS_I(ip)->i_mapping, offset,
								    offset + len - 1);
	}
	return dax_file_unshare(VFS_I(ip), offset, len, &xfs_dax_write_iomap_ops);
}
