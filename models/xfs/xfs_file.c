// SPDX-License-Identifier: MIT
/*
 * File operations: read/write through DAX or, for an inode without S_DAX,
 * the page cache; truncate (xfs_setattr_size), fallocate modes, fsync, the
 * DAX flag, and the page-fault handlers (the DAX fault, or filemap_fault
 * and xfs_filemap_page_mkwrite), and the tables the kernel reaches them
 * by: xfs_file_operations (->mmap installs xfs_file_vm_ops).
 */
#include "dax.h"
#include "lock.h"
#include "lockdep.h"
#include "mm.h"
#include "sim.h"
#include "trace.h"
#include "wait.h"
#include "xfs_mount.h"
#include "inject.h"

/* lockdep names a fault's locks by the ->fault entry point */
#define FAULT_FN	"xfs_filemap_fault"

static int xfs_zero_range(struct xfs_inode *ip, uint64_t pos, uint64_t len)
{
	if (!len)
		return 0;
	if (!IS_DAX(VFS_I(ip)))
		return iomap_zero_range(VFS_I(ip), pos, len, &xfs_read_iomap_ops,
					&xfs_buffered_write_iomap_ops);
	return dax_zero_range(VFS_I(ip), pos, len, &xfs_dax_write_iomap_ops);
}

static int64_t xfs_file_read(struct file *file, void *buf, uint64_t len, uint64_t pos)
{
	struct xfs_inode *ip = XFS_I(file_inode(file));
	int64_t ret;

	if (ip->i_mount->m_shutdown)
		return -EIO;
	xfs_ilock(ip, XFS_IOLOCK_SHARED);
	if (INJECT(READ_EXTRA_EDGE)) {
		/* test only: an RCU/tasklist section under IOLOCK, a new edge */
		sim_lock(tasklist, 0, LOCK_SHARED);
		sim_unlock(tasklist, 0);
	}
	if (pos >= VFS_I(ip)->i_size)
		ret = 0;
	else if (!IS_DAX(VFS_I(ip)) && file->f_direct) {	/* xfs_file_dio_read */
		/*
		 * The I/O covers whole sectors past EOF (nothing beyond the last
		 * one is read), and the result stops at EOF; alignment is the
		 * bio's to check (iomap_dio_rw).
		 */
		uint64_t size = VFS_I(ip)->i_size;

		ret = iomap_dio_rw(VFS_I(ip), pos, MIN(len, ALIGN_UP(size, BBSIZE) - pos), buf, false,
				   &xfs_read_iomap_ops, NULL);
		if (ret > 0 && (uint64_t)ret > size - pos)
			ret = (int64_t)(size - pos);
	}
	else if (!IS_DAX(VFS_I(ip)))	/* xfs_file_buffered_read */
		ret = iomap_file_buffered_read(VFS_I(ip), pos, MIN(len, VFS_I(ip)->i_size - pos),
					       buf, &xfs_read_iomap_ops);
	else
		ret = dax_iomap_rw(VFS_I(ip), pos, MIN(len, VFS_I(ip)->i_size - pos), buf, false,
				   &xfs_read_iomap_ops);
	xfs_iunlock(ip, XFS_IOLOCK_SHARED);
	return ret;
}

/*
 * xfs_dio_write_end_io(): the data is on its blocks.  CoW fork blocks are
 * remapped over the data fork (or cancelled on error), unwritten extents
 * it wrote into are converted, and the size grows to the I/O's end.
 */
static int xfs_dio_write_end_io(struct inode *inode, uint64_t pos, uint64_t size, int error,
				unsigned int flags)
{
	struct xfs_inode *ip = XFS_I(inode);

	if (ip->i_mount->m_shutdown)
		return -EIO;
	if (error || !size) {
		if ((flags & IOMAP_DIO_COW) && size)
			xfs_reflink_cancel_cow_range(ip, pos, size);
		return error;
	}
	if (flags & IOMAP_DIO_COW) {
		error = xfs_reflink_end_cow(ip, pos, size);
		if (error)
			return error;
	}
	xfs_ilock(ip, XFS_ILOCK_EXCL);
	if (flags & IOMAP_DIO_UNWRITTEN) {	/* xfs_iomap_write_unwritten */
		xfs_bmap_convert_written(ip, XFS_B_TO_FSBT(pos), XFS_B_TO_FSB(pos + size) -
					 XFS_B_TO_FSBT(pos));
		ip->i_meta_dirty = true;
	}
	if (pos + size > inode->i_size) {	/* i_size_write + xfs_setfilesize */
		inode->i_size = pos + size;
		ip->i_meta_dirty = true;
	}
	xfs_iunlock(ip, XFS_ILOCK_EXCL);
	return 0;
}

static const struct iomap_dio_ops xfs_dio_write_ops = {
	.end_io = xfs_dio_write_end_io,
};

/*
 * xfs_file_dio_write(): an O_DIRECT write to a page-cache file.  Aligned
 * to the block, it runs under IOLOCK shared (xfs_file_dio_write_aligned),
 * so direct writes of one file run side by side -- unless a reflink is
 * remapping the file (XFS_IREMAPPING: xfs_ilock_iocb_for_write takes it
 * exclusive), or the write starts past EOF (the gap is zeroed under IOLOCK
 * exclusive, then demoted).  A sub-block write takes IOLOCK exclusive
 * (xfs_file_dio_write_unaligned); to a reflinked file it cannot unshare a
 * partial block and falls back to buffered I/O (-ENOTBLK), as does a write
 * whose cached pages could not be dropped.  Returns bytes, or -errno.
 */
static int64_t xfs_file_dio_write(struct file *file, const void *buf, uint64_t len,
				  uint64_t pos)
{
	struct xfs_inode *ip = XFS_I(file_inode(file));
	struct inode *inode = VFS_I(ip);
	bool unaligned = (pos | len) & (PAGE_SIZE - 1);
	unsigned int iolock = unaligned ? XFS_IOLOCK_EXCL : XFS_IOLOCK_SHARED;
	int64_t ret = 0;

	if ((pos | len) & (BBSIZE - 1))
		return -EINVAL;
	xfs_ilock(ip, iolock);
	if (iolock == XFS_IOLOCK_SHARED && ip->i_remapping) {
		xfs_iunlock(ip, iolock);
		iolock = XFS_IOLOCK_EXCL;
		xfs_ilock(ip, iolock);
	}
	if (pos > inode->i_size && iolock == XFS_IOLOCK_SHARED) {
		/* xfs_file_write_zero_eof(): zeroing needs IOLOCK exclusive */
		xfs_iunlock(ip, iolock);
		iolock = XFS_IOLOCK_EXCL;
		xfs_ilock(ip, iolock);
	}
	if (unaligned && xfs_is_reflink_inode(ip)) {
		ret = -ENOTBLK;		/* trace_xfs_reflink_bounce_dio_write */
		goto out;
	}
	file_update_time(file);
	if (pos > inode->i_size)
		ret = xfs_zero_range(ip, inode->i_size, pos - inode->i_size);
	if (ret)
		goto out;
	if (iolock == XFS_IOLOCK_EXCL && !unaligned) {
		xfs_ilock_demote(ip, XFS_IOLOCK_EXCL);
		iolock = XFS_IOLOCK_SHARED;
	}
	ret = iomap_dio_rw(inode, pos, len, (void *)buf, true, &xfs_direct_write_iomap_ops,
			   &xfs_dio_write_ops);
out:
	xfs_iunlock(ip, iolock);
	return ret;
}

static int64_t xfs_file_write(struct file *file, const void *buf, uint64_t len, uint64_t pos)
{
	struct xfs_inode *ip = XFS_I(file_inode(file));
	int64_t ret;

	if (ip->i_mount->m_shutdown)
		return -EIO;
	if (file->f_direct && !IS_DAX(VFS_I(ip))) {
		/* xfs_file_write_iter(): only -ENOTBLK falls back to buffered */
		sim_lock(sb_writers, 0, LOCK_SHARED);
		ret = xfs_file_dio_write(file, buf, len, pos);
		sim_unlock(sb_writers, 0);
		if (ret != -ENOTBLK)
			return ret;
	}
	sim_lock(sb_writers, 0, LOCK_SHARED);
	xfs_ilock(ip, XFS_IOLOCK_EXCL);
	file_update_time(file);	/* xfs_file_write_checks -> kiocb_modified */
	/* xfs_file_write_zero_eof(): zero the gap after the old EOF */
	ret = pos > VFS_I(ip)->i_size ? xfs_zero_range(ip, VFS_I(ip)->i_size, pos - VFS_I(ip)->i_size) : 0;
	if (ret == 0 && !IS_DAX(VFS_I(ip)))	/* xfs_file_buffered_write */
		ret = iomap_file_buffered_write(VFS_I(ip), pos, len, buf,
						&xfs_buffered_write_iomap_ops);
	else if (ret == 0)
		ret = dax_iomap_rw(VFS_I(ip), pos, len, (void *)buf, true, &xfs_dax_write_iomap_ops);
	if (ret > 0 && pos + (uint64_t)ret > VFS_I(ip)->i_size) {
		VFS_I(ip)->i_size = pos + (uint64_t)ret;
		ip->i_meta_dirty = true;
	}
	xfs_iunlock(ip, XFS_IOLOCK_EXCL);
	sim_unlock(sb_writers, 0);
	return ret;
}

/* Called with IOLOCK_EXCL and MMAPLOCK_EXCL held, layouts broken. */
static int xfs_setattr_size_locked(struct xfs_inode *ip, uint64_t newsize)
{
	uint64_t oldsize = VFS_I(ip)->i_size;
	int error = 0;

	lock_assert_held(&lc_invalidate_lock, ip->i_ino, LOCK_EXCL, __func__);
	if (newsize > oldsize)
		error = xfs_zero_range(ip, oldsize, newsize - oldsize);
	else if (newsize < oldsize && newsize % PAGE_SIZE)
		/* xfs_truncate_page(): zero to the end of the new EOF block */
		error = xfs_zero_range(ip, newsize, ALIGN_UP(newsize, PAGE_SIZE) - newsize);
	if (error)
		return error;
	VFS_I(ip)->i_size = newsize;
	ip->i_meta_dirty = true;
	/* truncate_pagecache(): nothing may map beyond the new EOF page */
	if (!IS_DAX(VFS_I(ip))) {
		if (!INJECT(TRUNCATE_NO_UNMAP))
			truncate_pagecache(VFS_I(ip), newsize);
		else	/* test only: drop the cache, leave the PTEs */
			truncate_inode_pages_range(VFS_I(ip)->i_mapping, newsize, UINT64_MAX);
	} else {
		if (!INJECT(TRUNCATE_NO_UNMAP))
			unmap_mapping_pages(VFS_I(ip)->i_mapping, XFS_B_TO_FSB(newsize),
					    XFS_MAX_FILEOFF, true);
		dax_delete_mapping_range(VFS_I(ip)->i_mapping, XFS_B_TO_FSB(newsize),
					 XFS_MAX_FILEOFF);
	}
	if (newsize < oldsize) {
		xfs_ilock(ip, XFS_ILOCK_EXCL);
		xfs_bmap_unmap_range(ip, XFS_COW_FORK, XFS_B_TO_FSB(newsize), XFS_MAX_FILEOFF);
		xfs_bmap_unmap_range(ip, XFS_DATA_FORK, XFS_B_TO_FSB(newsize), XFS_MAX_FILEOFF);
		xfs_iunlock(ip, XFS_ILOCK_EXCL);
	}
	trace("ino %llu size %llu -> %llu", (unsigned long long)ip->i_ino,
	      (unsigned long long)oldsize, (unsigned long long)newsize);
	return 0;
}

/*
 * xfs_wait_dax_page(): the wait callback of xfs_break_dax_layouts drops
 * MMAPLOCK_EXCL around schedule() and takes it again (kernel-notes §4.2 S3):
 * dax_break_layout() calls it while a page of the file is pinned (`@T pin`).
 * The lock validator sees a release and a reacquire, not a violation.
 */
void xfs_wait_dax_page(struct xfs_inode *ip)
{
	lock_release_for_wait(&lc_invalidate_lock, ip->i_ino, __func__);
	schedule();	/* faults on the file may run and take MMAPLOCK meanwhile */
	lock_reacquire_after_wait(&lc_invalidate_lock, ip->i_ino, __func__);
}

void xfs_break_layouts_wait(struct inode *inode)
{
	xfs_wait_dax_page(XFS_I(inode));
}

static void xfs_break_layouts(struct xfs_inode *ip)
{
	/* xfs_break_dax_layouts: ASSERT(xfs_isilocked(ip, XFS_MMAPLOCK_EXCL)) */
	lock_assert_held(&lc_invalidate_lock, ip->i_ino, LOCK_EXCL, __func__);
	if (IS_DAX(VFS_I(ip)))	/* a page-cache file has no DAX layouts */
		dax_break_layout(VFS_I(ip), 0, XFS_MAX_FILEOFF, xfs_break_layouts_wait);
}

int xfs_setattr_size(struct xfs_inode *ip, uint64_t newsize)
{
	int error;

	if (ip->i_mount->m_shutdown)
		return -EIO;
	bool no_mmaplock = INJECT(TRUNCATE_NO_MMAPLOCK);	/* test only */

	sim_lock(sb_writers, 0, LOCK_SHARED);
	xfs_ilock(ip, XFS_IOLOCK_EXCL);
	if (!no_mmaplock)
		xfs_ilock(ip, XFS_MMAPLOCK_EXCL);
	if (!INJECT(TRUNCATE_NO_UNMAP))
		xfs_break_layouts(ip);
	error = xfs_setattr_size_locked(ip, newsize);
	if (!error)	/* do_truncate(): ATTR_MTIME | ATTR_CTIME */
		inode_set_mtime_ctime_now(VFS_I(ip));
	xfs_iunlock(ip, (no_mmaplock ? 0 : XFS_MMAPLOCK_EXCL) | XFS_IOLOCK_EXCL);
	sim_unlock(sb_writers, 0);
	return error;
}

/* xfs_free_file_space(): unmap whole blocks, zero the partial edges. */
static int xfs_free_file_space(struct xfs_inode *ip, uint64_t offset, uint64_t len)
{
	xfs_fileoff_t start = XFS_B_TO_FSB(offset), end = XFS_B_TO_FSBT(offset + len);
	int error = xfs_flush_unmap_range(ip, offset, len);

	if (error)
		return error;
	if (end > start) {
		xfs_ilock(ip, XFS_ILOCK_EXCL);
		xfs_bmap_unmap_range(ip, XFS_COW_FORK, start, end - start);
		xfs_bmap_unmap_range(ip, XFS_DATA_FORK, start, end - start);
		xfs_iunlock(ip, XFS_ILOCK_EXCL);
	}
	if (offset >= VFS_I(ip)->i_size)
		return 0;
	if (offset + len > VFS_I(ip)->i_size)
		len = VFS_I(ip)->i_size - offset;
	return xfs_zero_range(ip, offset, len);
}

/*
 * xfs_prepare_shift(): everything from @offset to EOF moves, so it is
 * written back and dropped from the cache, and the CoW fork is emptied
 * (its staging would sit at the wrong offsets afterwards).
 */
static int xfs_prepare_shift(struct xfs_inode *ip, uint64_t offset)
{
	uint64_t size = VFS_I(ip)->i_size;
	int error = offset < size ? xfs_flush_unmap_range(ip, offset, size - offset) : 0;

	if (!error) {
		xfs_ilock(ip, XFS_ILOCK_EXCL);
		xfs_bmap_unmap_range(ip, XFS_COW_FORK, 0, XFS_MAX_FILEOFF);
		xfs_iunlock(ip, XFS_ILOCK_EXCL);
	}
	return error;
}

/* xfs_falloc_collapse_range() -> xfs_collapse_file_space() */
static int xfs_collapse_range(struct xfs_inode *ip, uint64_t offset, uint64_t len)
{
	uint64_t size = VFS_I(ip)->i_size;
	int error;

	if ((offset | len) & (PAGE_SIZE - 1))	/* xfs_is_falloc_aligned */
		return -EINVAL;
	if (offset + len >= size)	/* that would be a truncate */
		return -EINVAL;
	error = xfs_free_file_space(ip, offset, len);
	if (!error)
		error = xfs_prepare_shift(ip, offset);
	if (error)
		return error;
	xfs_ilock(ip, XFS_ILOCK_EXCL);
	xfs_bmap_shift_extents(ip, XFS_B_TO_FSBT(offset + len), -(int64_t)(len >> PAGE_SHIFT));
	ip->i_meta_dirty = true;
	xfs_iunlock(ip, XFS_ILOCK_EXCL);
	return xfs_setattr_size_locked(ip, size - len);
}

/* xfs_falloc_insert_range() -> xfs_insert_file_space(): the size grows first */
static int xfs_insert_range(struct xfs_inode *ip, uint64_t offset, uint64_t len)
{
	uint64_t size = VFS_I(ip)->i_size;
	int error;

	if ((offset | len) & (PAGE_SIZE - 1))
		return -EINVAL;
	if (VFS_I(ip)->i_sb->s_maxbytes - size < len)
		return -EFBIG;
	if (offset >= size)
		return -EINVAL;
	error = xfs_setattr_size_locked(ip, size + len);
	if (!error)
		error = xfs_prepare_shift(ip, offset);
	if (error)
		return error;
	xfs_ilock(ip, XFS_ILOCK_EXCL);
	xfs_bmap_shift_extents(ip, XFS_B_TO_FSBT(offset), (int64_t)(len >> PAGE_SHIFT));
	ip->i_meta_dirty = true;
	xfs_iunlock(ip, XFS_ILOCK_EXCL);
	return 0;
}

static int xfs_file_fallocate(struct file *file, int mode, uint64_t offset, uint64_t len)
{
	struct xfs_inode *ip = XFS_I(file_inode(file));
	uint64_t new_size = 0;
	int error = 0;

	if (ip->i_mount->m_shutdown)
		return -EIO;
	if (!len || offset + len < offset)
		return -EINVAL;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	sim_lock(sb_writers, 0, LOCK_SHARED);
	xfs_ilock(ip, XFS_IOLOCK_EXCL);
	xfs_ilock(ip, XFS_MMAPLOCK_EXCL);
	xfs_break_layouts(ip);
	file_update_time(file);	/* file_modified() */
	if (!(mode & (FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE |
		      FALLOC_FL_INSERT_RANGE)) &&
	    offset + len > VFS_I(ip)->i_size)
		new_size = offset + len;

	if (mode & FALLOC_FL_COLLAPSE_RANGE) {
		error = xfs_collapse_range(ip, offset, len);
	} else if (mode & FALLOC_FL_INSERT_RANGE) {
		error = xfs_insert_range(ip, offset, len);
	} else if (mode & FALLOC_FL_PUNCH_HOLE) {
		error = xfs_free_file_space(ip, offset, len);
	} else if (mode & FALLOC_FL_ZERO_RANGE) {
		error = xfs_free_file_space(ip, offset, len);
		if (!error)
			error = xfs_alloc_file_space(ip, ALIGN_DOWN(offset, PAGE_SIZE),
						     ALIGN_UP(offset + len, PAGE_SIZE) -
						     ALIGN_DOWN(offset, PAGE_SIZE));
	} else if (mode & FALLOC_FL_UNSHARE_RANGE) {
		error = xfs_reflink_unshare(ip, offset, len);
		if (!error)
			error = xfs_alloc_file_space(ip, offset, len);
	} else {
		error = xfs_alloc_file_space(ip, offset, len);
	}
	if (!error && new_size)
		error = xfs_setattr_size_locked(ip, new_size);
	/* the allocating modes mark the inode preallocated (XFS_PREALLOC_SET) */
	if (!error && !(mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_INSERT_RANGE)))
		ip->i_diflags |= XFS_DIFLAG_PREALLOC;
	xfs_iunlock(ip, XFS_MMAPLOCK_EXCL | XFS_IOLOCK_EXCL);
	sim_unlock(sb_writers, 0);
	return error;
}

/* xfs_file_llseek(): SEEK_DATA and SEEK_HOLE through the seek iomap */
static int64_t xfs_file_llseek(struct file *file, uint64_t offset, int whence)
{
	struct inode *inode = file_inode(file);

	if (XFS_I(inode)->i_mount->m_shutdown)
		return -EIO;
	if (whence == SEEK_HOLE)
		return iomap_seek_hole(inode, offset, &xfs_seek_iomap_ops);
	if (whence == SEEK_DATA)
		return iomap_seek_data(inode, offset, &xfs_seek_iomap_ops);
	return -EINVAL;
}

static int xfs_file_fsync(struct file *file, uint64_t start, uint64_t end, int datasync)
{
	struct xfs_inode *ip = XFS_I(file_inode(file));

	int error = 0;

	if (ip->i_mount->m_shutdown)
		return -EIO;
	if (IS_DAX(VFS_I(ip)))
		dax_writeback_mapping_range(VFS_I(ip)->i_mapping, start >> PAGE_SHIFT,
					    end >> PAGE_SHIFT);
	else	/* file_write_and_wait_range() */
		error = filemap_write_and_wait_range(VFS_I(ip)->i_mapping, start, end);
	if (!error)
		ip->i_meta_dirty = false;
	return error;
}

int xfs_fileattr_set_dax(struct xfs_inode *ip, bool on)
{
	if (ip->i_mount->m_shutdown)
		return -EIO;
	/*
	 * xfs_ioctl_setattr_prepare_dax(): under dax=inode a file whose flag
	 * changes leaves the cache at its last reference (d_mark_dontcache),
	 * so the next open has the new S_DAX.
	 */
	if (!ip->i_isdir && ip->i_mount->m_opts.dax == XFS_DAX_INODE &&
	    on != !!(ip->i_diflags & XFS_DIFLAG2_DAX))
		VFS_I(ip)->i_state |= I_DONTCACHE;
	if (on)
		ip->i_diflags |= XFS_DIFLAG2_DAX;
	else
		ip->i_diflags &= ~XFS_DIFLAG2_DAX;
	/* S_DAX changes when the inode is next read in (after eviction). */
	return 0;
}

/*
 * xfs_ilock_for_write_fault(): MMAPLOCK shared, unless a reflink is
 * remapping the file's blocks (XFS_IREMAPPING: it holds the source
 * demoted to shared, which lets the shared lock through): then wait for
 * it with the lock exclusive.  The flag is read under the lock.
 */
static unsigned int xfs_ilock_for_write_fault(struct xfs_inode *ip, const char *func)
{
	xfs_ilock_(ip, XFS_MMAPLOCK_SHARED, 0, func);
	if (!ip->i_remapping)
		return XFS_MMAPLOCK_SHARED;
	xfs_iunlock_(ip, XFS_MMAPLOCK_SHARED, func);
	xfs_ilock_(ip, XFS_MMAPLOCK_EXCL, 0, func);
	return XFS_MMAPLOCK_EXCL;
}

/*
 * __xfs_filemap_fault(): the fault for every entry of xfs_file_vm_ops.  Its
 * locks are named for the ->fault entry point, xfs_filemap_fault, as lock
 * reports have always named them.
 */
static vm_fault_t __xfs_filemap_fault(struct vm_fault *vmf, unsigned int order)
{
	struct xfs_inode *ip = XFS_I(file_inode(vmf->vma->vm_file));
	bool write = (vmf->flags & FAULT_FLAG_WRITE) && (vmf->vma->vm_flags & VM_SHARED);
	unsigned int lock = XFS_MMAPLOCK_SHARED;
	vm_fault_t ret;
	pfn_t pfn = 0;

	if (ip->i_mount->m_shutdown)
		return VM_FAULT_SIGBUS;
	if (!IS_DAX(VFS_I(ip)))
		return filemap_fault(vmf);	/* no MMAPLOCK: filemap_fault takes it to read in */
	bool ilock_outer = INJECT(FAULT_ILOCK_OUTER);	/* test only */

	if (write) {
		lock_acquire(&lc_sb_pagefaults, 0, LOCK_SHARED, 0, FAULT_FN);
		file_update_time(vmf->vma->vm_file);
	}
	if (ilock_outer)
		xfs_ilock_(ip, XFS_ILOCK_SHARED, 0, FAULT_FN);
	if (INJECT(FAULT_MMAPLOCK_INNER))	/* dax_iomap_fault takes it */
		;
	else if (write)
		lock = xfs_ilock_for_write_fault(ip, FAULT_FN);
	else
		xfs_ilock_(ip, lock, 0, FAULT_FN);
	if (ilock_outer)
		xfs_iunlock_(ip, XFS_ILOCK_SHARED, FAULT_FN);
	ret = dax_iomap_fault(vmf, order, &pfn,
			      write ? &xfs_dax_write_iomap_ops : &xfs_read_iomap_ops);
	if (ret & VM_FAULT_NEEDDSYNC)
		ret = dax_finish_sync_fault(vmf, order, pfn);
	if (!INJECT(FAULT_MMAPLOCK_INNER))
		xfs_iunlock_(ip, lock, FAULT_FN);
	if (write)
		lock_release(&lc_sb_pagefaults, 0, FAULT_FN);
	return ret;
}

static vm_fault_t xfs_filemap_fault(struct vm_fault *vmf)
{
	return __xfs_filemap_fault(vmf, 0);
}

static vm_fault_t xfs_filemap_huge_fault(struct vm_fault *vmf, unsigned int order)
{
	return __xfs_filemap_fault(vmf, order);
}

/*
 * xfs_filemap_page_mkwrite(): a page-cache page is about to be written
 * through a shared mapping: blocks reserved (CoW fork for a shared block),
 * the folio private to this file and dirty; returned locked in vmf->folio.
 */
static vm_fault_t xfs_filemap_page_mkwrite(struct vm_fault *vmf)
{
	struct xfs_inode *ip = XFS_I(file_inode(vmf->vma->vm_file));
	unsigned int lock;
	vm_fault_t ret;

	if (ip->i_mount->m_shutdown)
		return VM_FAULT_SIGBUS;
	lock_acquire(&lc_sb_pagefaults, 0, LOCK_SHARED, 0, __func__);
	file_update_time(vmf->vma->vm_file);
	lock = xfs_ilock_for_write_fault(ip, __func__);
	ret = iomap_page_mkwrite(vmf, NULL, &xfs_buffered_write_iomap_ops);
	xfs_iunlock_(ip, lock, __func__);
	lock_release(&lc_sb_pagefaults, 0, __func__);
	return ret;
}

/* A write to a present, read-only PTE: the write fault of a page. */
static vm_fault_t xfs_filemap_pfn_mkwrite(struct vm_fault *vmf)
{
	if (!IS_DAX(file_inode(vmf->vma->vm_file)))
		return filemap_page_mkwrite_fault(vmf);	/* do_wp_page -> wp_page_shared */
	return __xfs_filemap_fault(vmf, 0);
}

static const struct vm_operations_struct xfs_file_vm_ops = {
	.fault		= xfs_filemap_fault,
	.huge_fault	= xfs_filemap_huge_fault,
	.pfn_mkwrite	= xfs_filemap_pfn_mkwrite,
	.page_mkwrite	= xfs_filemap_page_mkwrite,
};

/* xfs_file_mmap(): MAP_SYNC needs DAX; DAX mappings may use PMD leaves. */
static int xfs_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct inode *inode = file_inode(file);

	if ((vma->vm_flags & VM_SYNC) && !IS_DAX(inode))
		return -EOPNOTSUPP;	/* daxdev_mapping_supported() */
	vma->vm_ops = &xfs_file_vm_ops;
	if (IS_DAX(inode))
		vma->vm_flags |= VM_HUGEPAGE;
	return 0;
}

/*
 * xfs_file_remap_range(): the ->remap_file_range of copy_file_range (the
 * reflink and dedupe ioctls reach xfs_reflink_remap_range directly): the
 * bytes remapped, perhaps fewer than asked with REMAP_FILE_CAN_SHORTEN.
 */
static int64_t xfs_file_remap_range(struct file *in, uint64_t pos_in, struct file *out,
				    uint64_t pos_out, uint64_t len, unsigned int remap_flags)
{
	bool same;
	int err = xfs_reflink_remap_range(XFS_I(file_inode(in)), pos_in, XFS_I(file_inode(out)),
					  pos_out, &len, remap_flags, &same);

	return err ? err : (int64_t)len;
}

const struct file_operations xfs_file_operations = {
	.mmap			= xfs_file_mmap,
	.mmap_supported_flags	= MAP_SYNC_,
	.read			= xfs_file_read,
	.write			= xfs_file_write,
	.fsync			= xfs_file_fsync,
	.fallocate		= xfs_file_fallocate,
	.llseek			= xfs_file_llseek,
	.remap_file_range	= xfs_file_remap_range,
};
