// SPDX-License-Identifier: MIT
/*
 * Buffered I/O through the page cache (fs/iomap/buffered-io.c): reading a
 * folio in, buffered write, zeroing and unsharing through folios,
 * page_mkwrite, and writeback.  The filesystem answers through its
 * iomap_ops (where a page lives; for a write, blocks are reserved: a
 * shared block gets its CoW fork blocks) and its iomap_writeback_ops
 * (where a dirty page goes, and the CoW remap at I/O completion).
 */
#include <errno.h>
#include <string.h>

#include "bug.h"
#include "fs.h"
#include "iomap.h"
#include "lock.h"
#include "mm.h"
#include "pagemap.h"
#include "page_ref.h"
#include "pmem.h"
#include "scheduler.h"
#include "sim.h"
#include "trace.h"

/* One page's mapping (iomap_iter for a page): 0 or -errno. */
static int iomap_page_begin(struct inode *inode, pgoff_t index, unsigned int flags,
			    const struct iomap_ops *ops, struct iomap *iomap)
{
	struct iomap srcmap;

	return ops->iomap_begin(inode, (uint64_t)index << PAGE_SHIFT, PAGE_SIZE, flags,
				iomap, &srcmap);
}

static void iomap_page_end(struct inode *inode, pgoff_t index, uint64_t written,
			   unsigned int flags, const struct iomap_ops *ops, struct iomap *iomap)
{
	if (ops->iomap_end)
		ops->iomap_end(inode, (uint64_t)index << PAGE_SHIFT, PAGE_SIZE, written, flags,
			       iomap);
}

static uint64_t iomap_page_bno(const struct iomap *iomap, pgoff_t index)
{
	return (iomap->addr + (((uint64_t)index << PAGE_SHIFT) - iomap->offset)) >> PAGE_SHIFT;
}

/*
 * How far from @pos the range up to @end reads as zeroes with nothing
 * cached: 0 if a folio is cached at @pos or the block is written.
 */
static int64_t iomap_uncached_zeroes(struct inode *inode, uint64_t pos, uint64_t end,
				     const struct iomap_ops *ops)
{
	struct address_space *mapping = inode->i_mapping;
	pgoff_t index = pos >> PAGE_SHIFT, next;
	uint64_t start = (uint64_t)index << PAGE_SHIFT, stop;
	struct iomap iomap, srcmap;
	int err;

	if (filemap_get_entry(mapping, index))
		return 0;
	err = ops->iomap_begin(inode, start, ALIGN_UP(end, PAGE_SIZE) - start, 0, &iomap, &srcmap);
	if (err)
		return err;
	if (iomap.type != IOMAP_HOLE && iomap.type != IOMAP_UNWRITTEN)
		return 0;
	stop = MIN(end, iomap.offset + iomap.length);
	if (filemap_next_index(mapping, index, &next) && ((uint64_t)next << PAGE_SHIFT) < stop)
		stop = (uint64_t)next << PAGE_SHIFT;
	return stop > pos ? (int64_t)(stop - pos) : 0;
}

int64_t iomap_file_buffered_read(struct inode *inode, uint64_t pos, uint64_t len, void *buf,
				 const struct iomap_ops *ops)
{
	uint64_t done = 0;

	while (done < len) {
		uint64_t p = pos + done;
		int64_t n = iomap_uncached_zeroes(inode, p, pos + len, ops);

		if (n < 0)
			return done ? (int64_t)done : n;
		if (n > 0) {
			memset((char *)buf + done, 0, (size_t)n);
		} else {
			n = filemap_read(inode, p, MIN(PAGE_SIZE - (p & (PAGE_SIZE - 1)), len - done),
					 (char *)buf + done);
			if (n <= 0)
				return done ? (int64_t)done : n;
		}
		done += (uint64_t)n;
	}
	return (int64_t)done;
}

int iomap_read_folio(struct folio *folio, struct address_space *mapping, pgoff_t index,
		     const struct iomap_ops *ops)
{
	struct iomap iomap;
	int err;

	BUG_ON(!(folio->flags & PG_FOLIO_LOCKED));
	sched_point("read_folio", __func__);
	err = iomap_page_begin(mapping->host, index, 0, ops, &iomap);
	if (err)
		return err;
	if (iomap.type == IOMAP_HOLE || iomap.type == IOMAP_UNWRITTEN)
		memset(folio_address(folio), 0, PAGE_SIZE);
	else if ((err = pmem_submit_bio(iomap_page_bno(&iomap, index), folio_address(folio), false)))
		return err;
	page_set_flag(folio, PG_FOLIO_UPTODATE);
	return 0;
}

/*
 * iomap_write_begin/copy/end for one page: reserve the block (the write
 * iomap_begin: a hole is allocated, a shared block gets its CoW fork
 * block), then a private, uptodate, locked folio for the bytes.
 */
static int iomap_write_page(struct inode *inode, uint64_t pos, uint64_t n, const void *src,
			    unsigned int flags, const struct iomap_ops *ops)
{
	struct address_space *mapping = inode->i_mapping;
	pgoff_t index = pos >> PAGE_SHIFT;
	struct iomap iomap;
	struct folio *slot;
	int err;

	err = iomap_page_begin(inode, index, IOMAP_WRITE | flags, ops, &iomap);
	if (err)
		return err;
	err = filemap_grab_folio(mapping, index, true, &slot);
	if (err) {
		iomap_page_end(inode, index, 0, IOMAP_WRITE | flags, ops, &iomap);
		return err;
	}
	if (src)
		memcpy(folio_address(slot) + (pos & (PAGE_SIZE - 1)), src, n);
	else if (flags & IOMAP_ZERO)
		memset(folio_address(slot) + (pos & (PAGE_SIZE - 1)), 0, n);
	folio_mark_dirty(slot);
	filemap_put_folio(slot, mapping, index);
	iomap_page_end(inode, index, n, IOMAP_WRITE | flags, ops, &iomap);
	return 0;
}

int64_t iomap_file_buffered_write(struct inode *inode, uint64_t pos, uint64_t len,
				  const void *buf, const struct iomap_ops *ops)
{
	uint64_t done = 0;

	lock_assert_held(&lc_i_rwsem, inode->i_ino, LOCK_EXCL, __func__);
	while (done < len) {
		uint64_t p = pos + done, n = MIN(PAGE_SIZE - (p & (PAGE_SIZE - 1)), len - done);
		int err = iomap_write_page(inode, p, n, (const char *)buf + done, 0, ops);

		if (err)
			return done ? (int64_t)done : err;
		done += n;
	}
	return (int64_t)done;
}

/*
 * iomap_zero_range(): a page with neither a cached folio nor written
 * blocks under it already reads as zeroes and is skipped (holes and
 * unwritten extents are never allocated by zeroing).
 */
int iomap_zero_range(struct inode *inode, uint64_t pos, uint64_t len,
		     const struct iomap_ops *read_ops, const struct iomap_ops *write_ops)
{
	uint64_t end = pos + len;

	while (pos < end) {
		uint64_t n = MIN(PAGE_SIZE - (pos & (PAGE_SIZE - 1)), end - pos);
		int64_t skip = iomap_uncached_zeroes(inode, pos, end, read_ops);
		int err;

		if (skip < 0)
			return (int)skip;
		if (skip > 0) {
			pos += (uint64_t)skip;
			continue;
		}
		err = iomap_write_page(inode, pos, n, NULL, IOMAP_ZERO, write_ops);
		if (err)
			return err;
		pos += n;
	}
	return 0;
}

/*
 * iomap_file_unshare(): every page over a shared block is read in and
 * dirtied with its CoW fork block reserved; writeback does the copy.
 */
int iomap_file_unshare(struct inode *inode, uint64_t pos, uint64_t len,
		       const struct iomap_ops *read_ops, const struct iomap_ops *write_ops)
{
	uint64_t p = ALIGN_DOWN(pos, PAGE_SIZE), end = ALIGN_UP(pos + len, PAGE_SIZE);

	while (p < end) {
		struct iomap iomap, srcmap;
		int err = read_ops->iomap_begin(inode, p, end - p, IOMAP_REPORT, &iomap, &srcmap);

		if (err)
			return err;
		if (!(iomap.flags & IOMAP_F_SHARED)) {	/* the whole unshared extent */
			p = MAX(p + PAGE_SIZE, MIN(end, iomap.offset + iomap.length));
			continue;
		}
		err = iomap_write_page(inode, p, 0, NULL, IOMAP_UNSHARE, write_ops);
		if (err)
			return err;
		p += PAGE_SIZE;
	}
	return 0;
}

unsigned int iomap_page_mkwrite(struct vm_fault *vmf, struct folio *unused,
				const struct iomap_ops *ops)
{
	struct address_space *mapping = vmf->vma->vm_file->f_mapping;
	struct inode *inode = mapping->host;
	pgoff_t index = vmf->pgoff;
	struct iomap iomap;
	struct folio *slot;

	if (filemap_grab_folio(mapping, index, true, &slot))
		return VM_FAULT_SIGBUS;
	if (((uint64_t)index << PAGE_SHIFT) >= i_size_read(inode))
		goto sigbus;
	if (iomap_page_begin(inode, index, IOMAP_WRITE | IOMAP_FAULT, ops, &iomap))
		goto sigbus;
	iomap_page_end(inode, index, PAGE_SIZE, IOMAP_WRITE | IOMAP_FAULT, ops, &iomap);
	folio_mark_dirty(slot);
	vmf->folio = slot;
	return 0;
sigbus:
	filemap_put_folio(slot, mapping, index);
	return VM_FAULT_SIGBUS;
}

/* Writeback ------------------------------------------------------------ */
struct wb_args {
	const struct iomap_writeback_ops *ops;
	int error;
};

static bool writepage_one(struct address_space *mapping, pgoff_t index, struct folio *slot,
			  void *arg)
{
	struct wb_args *wb = arg;
	struct inode *inode = mapping->host;
	uint64_t bno;
	bool cow;
	int err;

	if (folio_slot_shared(slot) || !page_test_flag(slot, PG_FOLIO_DIRTY))
		return true;
	folio_get(slot);
	folio_lock(slot, mapping, index);
	if (filemap_get_entry(mapping, index) != slot || !page_test_flag(slot, PG_FOLIO_DIRTY))
		goto unlock;
	/* folio_clear_dirty_for_io(): write-protect, so the next store faults */
	mapping_mkclean(mapping, index, 1);
	page_clear_flag(slot, PG_FOLIO_DIRTY);
	page_set_flag(slot, PG_FOLIO_WRITEBACK);	/* folio_start_writeback() */
	err = wb->ops->map_blocks(inode, index, &bno, &cow);
	if (!err)
		err = pmem_submit_bio(bno, folio_address(slot), true);
	if (!err) {
		trace("ino %llu index %llu written back to block %llu%s",
		      (unsigned long long)inode->i_ino, (unsigned long long)index,
		      (unsigned long long)bno, cow ? " (CoW)" : "");
		err = wb->ops->end_io(inode, index, cow);
	}
	page_clear_flag(slot, PG_FOLIO_WRITEBACK);	/* folio_end_writeback() */
	if (err) {
		page_set_flag(slot, PG_FOLIO_DIRTY);	/* the data stays cached; the error is reported */
		wb->error = wb->error ? wb->error : err;
	}
unlock:
	folio_unlock(slot, mapping, index);
	folio_put(slot);
	return true;
}

int iomap_writepages(struct address_space *mapping, pgoff_t start, pgoff_t end,
		     const struct iomap_writeback_ops *ops)
{
	struct wb_args wb = { ops, 0 };

	filemap_walk(mapping, start, end, writepage_one, &wb);
	return wb.error;
}
