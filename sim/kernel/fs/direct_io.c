// SPDX-License-Identifier: MIT
/*
 * Direct I/O for files in the page cache (fs/iomap/direct-io.c): data goes
 * between the caller's buffer and the blocks the filesystem maps, around
 * the cache.  Before the I/O, dirty cached pages over the range are
 * written back (a read) and, for a write, dropped (kiocb_invalidate_pages);
 * after a write they are dropped again, since a buffered read or a fault
 * may have cached the old blocks meanwhile
 * (kiocb_invalidate_post_direct_write).  Each mapping's bio is submitted
 * and waited for: a scheduling point, where other tasks run while the
 * data is in flight.  The filesystem's ->end_io converts unwritten extents
 * and remaps CoW fork blocks once the data is there.
 *
 * The I/O is synchronous (no AIO in daxsim); a DAX file never comes here
 * (its direct I/O is its DAX I/O).
 */
#include <errno.h>
#include <string.h>

#include "fs.h"
#include "iomap.h"
#include "pagemap.h"
#include "pmem.h"
#include "scheduler.h"
#include "sim.h"
#include "trace.h"

#define SECTOR_SIZE	512U	/* the block device's logical sector (pmem's) */

/*
 * @n bytes at @off in block @bno.  A partial write of a block that is new
 * or unwritten zeroes the rest of it (iomap_dio_zero); of a written block,
 * it changes only its bytes.
 */
static int dio_block(uint64_t bno, uint64_t off, uint64_t n, unsigned char *buf, bool write,
		     bool zero_around)
{
	unsigned char page[PAGE_SIZE];
	int err;

	if (off == 0 && n == PAGE_SIZE)
		return pmem_submit_bio(bno, buf, write);
	if (write && zero_around)
		memset(page, 0, PAGE_SIZE);
	else if ((err = pmem_submit_bio(bno, page, false)))
		return err;
	if (!write) {
		memcpy(buf, page + off, n);
		return 0;
	}
	memcpy(page + off, buf, n);
	return pmem_submit_bio(bno, page, true);
}

/* One mapping's part of the I/O: [pos, pos + n) within @iomap. */
static int dio_iter(const struct iomap *iomap, uint64_t pos, uint64_t n, unsigned char *buf,
		    bool write)
{
	bool zero_around = iomap->type == IOMAP_UNWRITTEN || (iomap->flags & IOMAP_F_NEW);

	if (!write && (iomap->type == IOMAP_HOLE || iomap->type == IOMAP_UNWRITTEN)) {
		memset(buf, 0, n);	/* iomap_dio_hole_iter */
		return 0;
	}
	if (iomap->type != IOMAP_MAPPED && iomap->type != IOMAP_UNWRITTEN)
		return -EIO;	/* WARN_ON_ONCE(1) in iomap_dio_iter: a write over a hole */
	while (n) {
		uint64_t addr = iomap->addr + (pos - iomap->offset);
		uint64_t off = addr & (PAGE_SIZE - 1), len = MIN(n, PAGE_SIZE - off);
		int err = dio_block(addr >> PAGE_SHIFT, off, len, buf, write, zero_around);

		if (err)
			return err;
		pos += len;
		buf += len;
		n -= len;
	}
	return 0;
}

/* kiocb_invalidate_pages() / kiocb_invalidate_post_direct_write() */
static int dio_invalidate(struct inode *inode, uint64_t pos, uint64_t end)
{
	return invalidate_inode_pages2_range(inode->i_mapping, pos >> PAGE_SHIFT,
					     (end - 1) >> PAGE_SHIFT);
}

int64_t iomap_dio_rw(struct inode *inode, uint64_t pos, uint64_t len, void *buf, bool write,
		     const struct iomap_ops *ops, const struct iomap_dio_ops *dops)
{
	unsigned int flags = IOMAP_DIRECT | (write ? IOMAP_WRITE : 0), dio_flags = 0;
	uint64_t done = 0, end = pos + len;
	int err;

	if (!len)
		return 0;
	err = filemap_write_and_wait_range(inode->i_mapping, pos, end - 1);
	if (!err && write && dio_invalidate(inode, pos, end)) {
		trace("ino %llu: cached pages stay dirty over [%llu, %llu): buffered I/O instead",
		      (unsigned long long)inode->i_ino, (unsigned long long)pos,
		      (unsigned long long)end);
		return -ENOTBLK;
	}
	if (err)
		return err;
	while (done < len) {
		struct iomap iomap, srcmap;
		uint64_t p = pos + done, n;

		err = ops->iomap_begin(inode, p, len - done, flags, &iomap, &srcmap);
		if (err)
			break;
		n = MIN(iomap.offset + iomap.length, end) - p;
		/*
		 * iomap_dio_bio_iter(): a bio needs whole 512-byte sectors; a
		 * read of a hole or an unwritten extent is zeroes without one
		 * (iomap_dio_hole_iter: no such check).  The filesystem checks
		 * a write's alignment before it allocates anything.
		 */
		if (!write && iomap.type == IOMAP_MAPPED && ((p | n) & (SECTOR_SIZE - 1))) {
			err = -EINVAL;
			break;
		}
		if (iomap.flags & IOMAP_F_SHARED)
			dio_flags |= IOMAP_DIO_COW;
		if (iomap.type == IOMAP_UNWRITTEN)
			dio_flags |= IOMAP_DIO_UNWRITTEN;
		/* submit_bio_wait(): the task sleeps while the data is in flight */
		sched_point("submit_bio", __func__);
		err = dio_iter(&iomap, p, n, (unsigned char *)buf + done, write);
		if (ops->iomap_end)
			ops->iomap_end(inode, p, n, err ? 0 : n, flags, &iomap);
		if (err)
			break;
		done += n;
	}
	if (write && dops && dops->end_io) {
		int e = dops->end_io(inode, pos, done, err, dio_flags);

		err = err ? err : e;
	}
	/* a racing buffered read or fault may have cached the old blocks */
	if (write && done && dio_invalidate(inode, pos, pos + done))	/* dio_warn_stale_pagecache */
		printk("Page cache invalidation failure on direct I/O.  Possible data corruption due to collision with buffered I/O!\n");
	return err ? err : (int64_t)done;
}
