// SPDX-License-Identifier: MIT
/*
 * Syscall-side DAX: dax_iomap_rw() for read(2)/write(2), zeroing, unshare,
 * the dedupe compare, and breaking layouts (kernel-notes §1.3, §3.5).
 */
#include <string.h>

#include "dax.h"
#include "fs.h"
#include "lock.h"
#include "mm.h"
#include "pagemap.h"
#include "pmem.h"
#include "sim.h"
#include "trace.h"
#include "wait.h"

static uint64_t iomap_block(const struct iomap *iomap, uint64_t pos)
{
	return (iomap->addr + (pos - iomap->offset)) >> PAGE_SHIFT;
}

static uint64_t iomap_end_pos(const struct iomap *iomap)
{
	return iomap->offset + iomap->length;
}

/*
 * The poison check before a write: pmem_recovery_write() clears poison
 * only for whole pages written; anything else fails with EIO.
 */
static int dax_recovery_write(uint64_t pos, uint64_t len, uint64_t bno, uint64_t nr)
{
	uint64_t bad, first = pos >> PAGE_SHIFT;

	while (badblocks_check(sim->pmem.bb, bno, nr, &bad)) {
		uint64_t page_pos = (first + (bad - bno)) << PAGE_SHIFT;

		if (page_pos < pos || page_pos + PAGE_SIZE > pos + len)
			return -EIO;
		badblocks_clear(sim->pmem.bb, bad, 1);
		printk("pmem0: recovery write cleared poison at block %llu\n",
		       (unsigned long long)bad);
	}
	return 0;
}

static int64_t dax_iomap_iter(struct inode *inode, const struct iomap *iomap,
			      const struct iomap *srcmap, uint64_t pos,
			      uint64_t length, unsigned char *buf, bool write)
{
	struct address_space *mapping = inode->i_mapping;
	bool cow = write && (iomap->flags & IOMAP_F_SHARED);
	uint64_t start = ALIGN_DOWN(pos, PAGE_SIZE), end = ALIGN_UP(pos + length, PAGE_SIZE);
	uint64_t bno, nr = (end - start) >> PAGE_SHIFT;
	unsigned char *kaddr;
	pfn_t pfn;
	int err;

	if (!write) {
		if (iomap->type == IOMAP_HOLE || iomap->type == IOMAP_UNWRITTEN) {
			memset(buf, 0, length);
			return (int64_t)length;
		}
		bno = iomap_block(iomap, start);
		/*
		 * pmem refuses a direct access whose range holds any poisoned
		 * block (-EHWPOISON), so the whole iteration fails with EIO:
		 * no partial copy up to the bad page.
		 */
		if (dax_direct_access(bno, nr, &pfn) < 0)
			return -EIO;
		memcpy(buf, pfn_to_kaddr(pfn) + (pos - start), length);
		return (int64_t)length;
	}

	if (iomap->type != IOMAP_MAPPED && !(iomap->flags & IOMAP_F_SHARED))
		return -EIO;
	if ((iomap->flags & IOMAP_F_NEW) || cow) {
		if (cow)
			dax_clear_dirty_range(mapping, start >> PAGE_SHIFT, (end >> PAGE_SHIFT) - 1);
		invalidate_inode_pages2_range(mapping, start >> PAGE_SHIFT, (end >> PAGE_SHIFT) - 1);
	}
	bno = iomap_block(iomap, start);
	if (dax_direct_access(bno, nr, &pfn) < 0) {
		err = dax_recovery_write(pos, length, bno, nr);
		if (err)
			return err;
		pfn = PMEM_PFN_BASE + bno;
	}
	kaddr = pfn_to_kaddr(pfn);
	if (cow) {
		err = dax_iomap_copy_around(pos, length, PAGE_SIZE, iomap, srcmap, kaddr);
		if (err)
			return err;
	}
	if (buf)
		memcpy(kaddr + (pos - start), buf, length);
	else
		memset(kaddr + (pos - start), 0, length);
	return (int64_t)length;
}

int64_t dax_iomap_rw(struct inode *inode, uint64_t pos, uint64_t len,
		     void *buf, bool write, const struct iomap_ops *ops)
{
	unsigned int flags = IOMAP_DAX | (write ? IOMAP_WRITE : 0);
	uint64_t done = 0;

	/* lockdep_assert_held{,_write}(&inode->i_rwsem) */
	lock_assert_held(&lc_i_rwsem, inode->i_ino, write ? LOCK_EXCL : LOCK_SHARED, __func__);
	while (done < len) {
		struct iomap iomap, srcmap;
		uint64_t p = pos + done, length;
		int64_t n;
		int err;

		err = ops->iomap_begin(inode, p, len - done, flags, &iomap, &srcmap);
		if (err)
			return done ? (int64_t)done : err;
		length = MIN(iomap_end_pos(&iomap), pos + len) - p;
		n = dax_iomap_iter(inode, &iomap, &srcmap, p, length,
				   buf ? (unsigned char *)buf + done : NULL, write);
		if (ops->iomap_end)
			ops->iomap_end(inode, p, length, n > 0 ? (uint64_t)n : 0, flags, &iomap);
		if (n < 0)
			return done ? (int64_t)done : n;
		done += (uint64_t)n;
		if ((uint64_t)n < length)
			break;
	}
	return (int64_t)done;
}

static bool zero_range_poisoned(const struct iomap *iomap, uint64_t pos, uint64_t length)
{
	uint64_t start = ALIGN_DOWN(pos, PAGE_SIZE), end = ALIGN_UP(pos + length, PAGE_SIZE);
	uint64_t bad;

	return badblocks_check(sim->pmem.bb, iomap_block(iomap, start), (end - start) >> PAGE_SHIFT,
			       &bad);
}

/*
 * dax_zero_iter() over an extent with poison in it: a page at a time, as
 * the kernel always zeroes.  A whole page is written through the driver,
 * which clears its poison (pmem_recovery_write()); a part of a poisoned page
 * cannot be reached (dax_memzero(): dax_direct_access() fails) and the
 * zeroing stops there with EIO, the pages before it zeroed.
 */
static int64_t dax_zero_pages(struct inode *inode, const struct iomap *iomap,
			      const struct iomap *srcmap, uint64_t pos, uint64_t length)
{
	uint64_t done = 0;

	while (done < length) {
		uint64_t p = pos + done, size = MIN(PAGE_SIZE - (p & (PAGE_SIZE - 1)), length - done);
		int64_t n = dax_iomap_iter(inode, iomap, srcmap, p, size, NULL, true);

		if (n < 0)
			return n;
		done += size;
	}
	return (int64_t)done;
}

/* iomap_zero_range() on DAX: holes and unwritten extents are skipped. */
int dax_zero_range(struct inode *inode, uint64_t pos, uint64_t len,
		   const struct iomap_ops *ops)
{
	unsigned int flags = IOMAP_DAX | IOMAP_WRITE | IOMAP_ZERO;
	uint64_t done = 0;

	while (done < len) {
		struct iomap iomap, srcmap;
		uint64_t p = pos + done, length;
		int64_t n = 0;
		int err;

		err = ops->iomap_begin(inode, p, len - done, flags, &iomap, &srcmap);
		if (err)
			return err;
		length = MIN(iomap_end_pos(&iomap), pos + len) - p;
		if (iomap.type == IOMAP_HOLE || iomap.type == IOMAP_UNWRITTEN)
			n = (int64_t)length;
		else if (!zero_range_poisoned(&iomap, p, length))
			n = dax_iomap_iter(inode, &iomap, &srcmap, p, length, NULL, true);
		else
			n = dax_zero_pages(inode, &iomap, &srcmap, p, length);
		if (ops->iomap_end)
			ops->iomap_end(inode, p, length, n > 0 ? (uint64_t)n : 0, flags, &iomap);
		if (n < 0)
			return (int)n;
		done += length;
	}
	return 0;
}

/* dax_file_unshare(): copy every shared page of the range to a new block. */
int dax_file_unshare(struct inode *inode, uint64_t pos, uint64_t len,
		     const struct iomap_ops *ops)
{
	unsigned int flags = IOMAP_DAX | IOMAP_WRITE | IOMAP_UNSHARE;
	uint64_t start = ALIGN_DOWN(pos, PAGE_SIZE), end = ALIGN_UP(pos + len, PAGE_SIZE);
	uint64_t done = 0;

	while (start + done < end) {
		struct iomap iomap, srcmap;
		uint64_t p = start + done, length;
		int64_t n = 0;
		int err;

		err = ops->iomap_begin(inode, p, end - p, flags, &iomap, &srcmap);
		if (err)
			return err;
		length = MIN(iomap_end_pos(&iomap), end) - p;
		if (iomap.flags & IOMAP_F_SHARED) {
			struct address_space *mapping = inode->i_mapping;
			pfn_t pfn, spfn;

			/* dax_unshare_iter(): copy the source blocks whole */
			length = MIN(length, iomap_end_pos(&srcmap) - p);
			invalidate_inode_pages2_range(mapping, p >> PAGE_SHIFT,
						      ((p + length) >> PAGE_SHIFT) - 1);
			if (dax_direct_access(iomap_block(&iomap, p), length >> PAGE_SHIFT, &pfn) < 0 ||
			    dax_direct_access(iomap_block(&srcmap, p), length >> PAGE_SHIFT, &spfn) < 0) {
				n = -EIO;
			} else {
				memcpy(pfn_to_kaddr(pfn), pfn_to_kaddr(spfn), length);
				sim->stats.cow_copies++;
				n = (int64_t)length;
			}
		} else {
			n = (int64_t)length;
		}
		if (ops->iomap_end)
			ops->iomap_end(inode, p, length, n > 0 ? (uint64_t)n : 0, flags, &iomap);
		if (n < 0)
			return (int)n;
		done += length;
	}
	return 0;
}

/*
 * dax_dedupe_file_range_compare(): walk both files' read mappings in
 * lockstep; two holes are the same, one hole differs, else memcmp.
 */
static bool reads_zero(const struct iomap *iomap)
{
	return iomap->type == IOMAP_HOLE || iomap->type == IOMAP_UNWRITTEN;
}

int dax_dedupe_file_range_compare(struct inode *src, uint64_t srcoff,
				  struct inode *dst, uint64_t dstoff,
				  uint64_t len, bool *same,
				  const struct iomap_ops *ops)
{
	uint64_t done = 0;

	*same = true;
	while (done < len) {
		struct iomap sm, ss, dm, ds;
		uint64_t length;
		int err;

		err = ops->iomap_begin(src, srcoff + done, len - done, IOMAP_DAX, &sm, &ss);
		if (!err)
			err = ops->iomap_begin(dst, dstoff + done, len - done, IOMAP_DAX, &dm, &ds);
		if (err)
			return err;
		length = MIN(iomap_end_pos(&sm) - (srcoff + done),
			     iomap_end_pos(&dm) - (dstoff + done));
		length = MIN(length, len - done);
		/*
		 * A hole and an unwritten extent both read as zeros and have no
		 * data to compare: the raw block under an unwritten extent is
		 * stale (fallocate does not zero it), never file data.
		 */
		if (reads_zero(&sm) && reads_zero(&dm)) {
			/* same */
		} else if (reads_zero(&sm) || reads_zero(&dm)) {
			*same = false;
			return 0;
		} else {
			uint64_t sp = srcoff + done, dp = dstoff + done;
			uint64_t sb = iomap_block(&sm, ALIGN_DOWN(sp, PAGE_SIZE));
			uint64_t db = iomap_block(&dm, ALIGN_DOWN(dp, PAGE_SIZE));
			uint64_t snr = (ALIGN_UP(sp + length, PAGE_SIZE) - ALIGN_DOWN(sp, PAGE_SIZE)) >> PAGE_SHIFT;
			uint64_t dnr = (ALIGN_UP(dp + length, PAGE_SIZE) - ALIGN_DOWN(dp, PAGE_SIZE)) >> PAGE_SHIFT;
			pfn_t spfn, dpfn;

			if (dax_direct_access(sb, snr, &spfn) < 0 ||
			    dax_direct_access(db, dnr, &dpfn) < 0)
				return -EIO;
			if (memcmp(pfn_to_kaddr(spfn) + (sp & (PAGE_SIZE - 1)),
				   pfn_to_kaddr(dpfn) + (dp & (PAGE_SIZE - 1)), length)) {
				*same = false;
				return 0;
			}
		}
		done += length;
	}
	return 0;
}

/*
 * dax_break_layout() (6.15+): unmap the range from every task; while a
 * page behind an entry is pinned (a DMA, `@T pin`), wait for it to go idle
 * with the filesystem's callback around the sleep and look again; then
 * delete the entries.
 */
struct break_wait {
	struct inode	*inode;
	void		(*cb)(struct inode *);
};

static void break_wait_cmd(void *arg)
{
	struct break_wait *w = arg;

	if (w->cb)
		w->cb(w->inode);	/* xfs_wait_dax_page(): MMAPLOCK dropped around schedule() */
	else
		schedule();
}

int dax_break_layout(struct inode *inode, pgoff_t start, pgoff_t end, void (*cb)(struct inode *))
{
	struct address_space *mapping = inode->i_mapping;
	struct break_wait w = { inode, cb };

	for (;;) {
		struct page *page;

		unmap_mapping_pages(mapping, start, end - start + 1, true);
		page = dax_layout_busy_page_range(mapping, start, end);
		if (!page)
			break;
		trace("ino %llu: pfn 0x%llx is pinned, waiting", (unsigned long long)inode->i_ino,
		      (unsigned long long)page_to_pfn(&sim->memmap, page));
		wait_page_unpinned(page, break_wait_cmd, &w);
	}
	dax_delete_mapping_range(mapping, start, end);
	trace("ino %llu [%llu, %llu]", (unsigned long long)inode->i_ino,
	      (unsigned long long)start, (unsigned long long)end);
	return 0;
}
