// SPDX-License-Identifier: MIT
/*
 * The DAX page fault: dax_iomap_pte_fault(), dax_iomap_pmd_fault() and
 * dax_fault_iter() with the hole, CoW-copy, private-CoW and insert steps of
 * fs/dax.c (kernel-notes §1.3, §3.4).
 */
#include <string.h>

#include "costprobe.h"
#include "dax.h"
#include "fs.h"
#include "share.h"
#include "lock.h"
#include "mm.h"
#include "pmem.h"
#include "sim.h"
#include "trace.h"
#include "inject.h"

static uint64_t iomap_sector_block(const struct iomap *iomap, uint64_t pos)
{
	return (iomap->addr + (pos - iomap->offset)) >> PAGE_SHIFT;
}

/*
 * dax_iomap_copy_around(): fill the new block(s) at @dst from srcmap around
 * [pos, pos+len) inside [align_start, align_end); a whole-page fault copies
 * everything.  Zero instead when the source is unwritten or a hole.
 */
int dax_iomap_copy_around(uint64_t pos, uint64_t length, uint64_t align,
			  const struct iomap *iomap, const struct iomap *srcmap,
			  unsigned char *daddr)
{
	uint64_t start = ALIGN_DOWN(pos, align), end = ALIGN_UP(pos + length, align);
	const struct iomap *src = iomap_srcmap(iomap, srcmap);
	bool zero = src->type == IOMAP_UNWRITTEN || (src->flags & IOMAP_F_SHARED);
	uint64_t head = pos - start, tail = end - (pos + length);
	unsigned char *saddr;
	pfn_t spfn;
	bool whole = pos == start && pos + length == end;

	if (zero) {
		if (whole)
			memset(daddr, 0, length);
		else {
			memset(daddr, 0, head);
			memset(daddr + head + length, 0, tail);
		}
		return 0;
	}
	if (dax_direct_access(iomap_sector_block(src, start),
			      (end - start) >> PAGE_SHIFT, &spfn) < 0)
		return -EIO;
	saddr = pfn_to_kaddr(spfn);
	sim->stats.cow_copies++;
	if (whole)
		memcpy(daddr, saddr, length);
	else {
		memcpy(daddr, saddr, head);
		memcpy(daddr + head + length, saddr + head + length, tail);
	}
	return 0;
}

/*
 * dax_insert_entry(): replace a zero/empty entry, or any entry when the
 * extent is shared, with the real one; mark dirty/towrite.
 */
static unsigned long dax_insert_entry(struct vm_fault *vmf,
				      struct address_space *mapping,
				      const struct iomap *iomap, pgoff_t *base,
				      unsigned long entry, pfn_t pfn,
				      unsigned long flags, bool write)
{
	bool shared = iomap->flags & IOMAP_F_SHARED;
	bool dirty = write && !((vmf->vma->vm_flags & VM_SYNC) &&
				(iomap->flags & IOMAP_F_DIRTY));
	unsigned long new_entry = dax_make_entry(pfn, flags);
	struct dax_slot *slot;
	pgoff_t slot_base;

	if (shared || (dax_is_zero_entry(entry) && !(flags & DAX_ZERO_PAGE))) {
		/* Only this file's page tables: other reflinks keep theirs. */
		if (dax_is_pmd_entry(entry))
			unmap_mapping_pages(mapping, *base, PG_PMD_NR, false);
		else
			unmap_mapping_pages(mapping, vmf->pgoff, 1, false);
	}
	if (shared || dax_is_zero_entry(entry) || dax_is_empty_entry(entry)) {
		if (shared && write && dax_is_real_entry(entry) && dax_to_pfn(entry) != pfn)
			share_cow(dax_folio_pfn(dax_to_pfn(entry)), mapping, *base);
		if (dax_is_pmd_entry(entry) && !(flags & DAX_PMD)) {
			/*
			 * A PTE fault replacing a PMD entry (a shared extent
			 * mapped huge elsewhere, kernel-notes H3): the whole
			 * PMD's translations go, the PTE entry takes its place.
			 */
			unmap_mapping_pages(mapping, *base, PG_PMD_NR, false);
			dax_split_pmd_entry(mapping, base, vmf->pgoff, new_entry, shared);
			entry = new_entry;
			goto marks;
		}
		dax_replace_entry(mapping, *base, new_entry, shared);
		entry = new_entry;
	} else if (write) {
		/* the entry stays: a write-protect fault on an unshared block */
		share_mkwrite(dax_to_pfn(entry), mapping, *base);
	}
marks:
	slot = dax_lookup_slot(mapping, *base, &slot_base);	/* the entry at *base */
	if (dirty)
		slot->marks |= PAGECACHE_TAG_DIRTY;
	if (write && shared)
		slot->marks |= PAGECACHE_TAG_TOWRITE;
	return entry;
}

/* A private-mapping write fault: copy into an anonymous page. */
static vm_fault_t dax_fault_cow_page(struct vm_fault *vmf, const struct iomap *iomap)
{
	pfn_t anon = anon_page_alloc(), src;
	unsigned char *dst = pfn_to_kaddr(anon);

	if (iomap->type == IOMAP_HOLE || iomap->type == IOMAP_UNWRITTEN) {
		memset(dst, 0, PAGE_SIZE);
	} else {
		if (dax_direct_access(iomap_sector_block(iomap, vmf->pgoff << PAGE_SHIFT),
				      1, &src) < 0) {
			/* copy_cow_page_dax(): dax_mem2blk_err() makes it EIO: SIGBUS */
			anon_page_free(anon);
			return VM_FAULT_SIGBUS;
		}
		memcpy(dst, pfn_to_kaddr(src), PAGE_SIZE);
	}
	trace("ino %llu index %llu: private CoW into anon pfn 0x%llx",
	      (unsigned long long)file_inode(vmf->vma->vm_file)->i_ino,
	      (unsigned long long)vmf->pgoff, (unsigned long long)anon);
	vmf_insert_pfn(vmf, anon, true, false);
	return VM_FAULT_NOPAGE;
}

static vm_fault_t dax_fault_iter(struct vm_fault *vmf, struct address_space *mapping,
				 const struct iomap *iomap, const struct iomap *srcmap,
				 pgoff_t *basep, unsigned long *entry, bool pmd,
				 bool write, pfn_t *pfnp)
{
	uint64_t size = pmd ? PMD_SIZE : PAGE_SIZE;
	uint64_t pos = (pmd ? *basep : vmf->pgoff) << PAGE_SHIFT;
	unsigned long flags = pmd ? DAX_PMD : 0;
	unsigned long e;
	pfn_t pfn;
	int err;

	if (!pmd && vmf->cow)
		return dax_fault_cow_page(vmf, iomap);

	if (!write && (iomap->type == IOMAP_UNWRITTEN || iomap->type == IOMAP_HOLE)) {
		/* dax_load_hole / dax_pmd_load_hole: the (huge) zero page */
		e = dax_insert_entry(vmf, mapping, iomap, basep, *entry, ZERO_PFN,
				     flags | DAX_ZERO_PAGE, false);
		*entry = e;
		sim->stats.zero_faults++;
		trace("ino %llu index %llu: %s zero page", (unsigned long long)mapping->id,
		      (unsigned long long)vmf->pgoff, pmd ? "PMD" : "PTE");
		vmf_insert_pfn(vmf, ZERO_PFN, false, pmd);
		return VM_FAULT_NOPAGE;
	}
	if (iomap->type != IOMAP_MAPPED && !(iomap->flags & IOMAP_F_SHARED))
		return VM_FAULT_SIGBUS;

	/*
	 * A poisoned page anywhere in the range fails the direct access: a
	 * PMD fault falls back to PTEs (the good pages map one by one), a
	 * PTE fault on the bad page is VM_FAULT_HWPOISON.
	 */
	err = dax_direct_access(iomap_sector_block(iomap, pos), size >> PAGE_SHIFT, &pfn);
	if (err < 0 && pmd)
		return VM_FAULT_FALLBACK;
	if (err == -EIO)
		return VM_FAULT_HWPOISON;
	if (err < 0)
		return VM_FAULT_SIGBUS;
	if (pmd && ((pfn - PMEM_PFN_BASE) & PG_PMD_COLOUR))
		return VM_FAULT_FALLBACK;

	if (write && (iomap->flags & IOMAP_F_SHARED)) {
		COST_BEGIN(t);

		err = INJECT(COW_NO_COPY) ? 0 :
		      dax_iomap_copy_around(pos, size, size, iomap, srcmap, pfn_to_kaddr(pfn));
		COST_END(COST_COW_COPY, t);
		if (err)
			return VM_FAULT_SIGBUS;
		sim->stats.cow_faults++;
		trace("ino %llu index %llu: CoW %s copy to block %llu",
		      (unsigned long long)mapping->id, (unsigned long long)(pos >> PAGE_SHIFT),
		      pmd ? "PMD" : "PTE", (unsigned long long)(pfn - PMEM_PFN_BASE));
	}

	e = dax_insert_entry(vmf, mapping, iomap, basep, *entry, pfn, flags, write);
	*entry = e;

	if (write && (vmf->vma->vm_flags & VM_SYNC) && (iomap->flags & IOMAP_F_DIRTY)) {
		*pfnp = pfn;
		return VM_FAULT_NEEDDSYNC;
	}
	/* a PTE inside a PMD entry maps its own page: pfn is already exact */
	vmf_insert_pfn(vmf, pfn, write, pmd);
	return VM_FAULT_NOPAGE;
}

static vm_fault_t dax_fault_return(int err)
{
	if (err == 0)
		return VM_FAULT_NOPAGE;
	if (err == -ENOMEM)
		return VM_FAULT_OOM;
	return VM_FAULT_SIGBUS;
}

/*
 * Two threads' faults of one private mapping, a read (a PMD) and a write
 * (PTEs: the CoW page is anonymous), may wait for one entry: when the
 * second gets it, the first may have mapped a PMD over the range of this
 * PTE fault, or a page table under this PMD fault.  Mapping on top would
 * leave both in the page table (a "bad pmd"), so the fault returns and is
 * retried ("dax: Fix race between colliding PMD & PTE entries", then "mm:
 * avoid spurious 'bad pmd' warning messages"; generic/437).
 */
static bool dax_fault_collides(struct vm_fault *vmf, bool pmd)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	uint64_t *leaf;

	if (pmd)
		return pmd_has_pte_table(mm, vmf->address);
	leaf = pmd_lookup(mm, vmf->address, false);
	return leaf && (*leaf & _PAGE_PRESENT);
}

static vm_fault_t dax_iomap_fault_one(struct vm_fault *vmf, bool pmd, pfn_t *pfnp,
				      const struct iomap_ops *ops)
{
	struct inode *inode = file_inode(vmf->vma->vm_file);
	struct address_space *mapping = inode->i_mapping;
	bool write = (vmf->flags & FAULT_FLAG_WRITE) && !vmf->cow;
	unsigned int iflags = IOMAP_FAULT | IOMAP_DAX | (write ? IOMAP_WRITE : 0);
	uint64_t size = pmd ? PMD_SIZE : PAGE_SIZE;
	pgoff_t index = pmd ? (vmf->pgoff & ~PG_PMD_COLOUR) : vmf->pgoff;
	uint64_t pos = index << PAGE_SHIFT;
	struct iomap iomap, srcmap;
	unsigned long entry;
	pgoff_t base;
	vm_fault_t ret;
	int err;

	if (pmd) {
		uint64_t max_pgoff = (i_size_read(inode) + PAGE_SIZE - 1) >> PAGE_SHIFT;
		uint64_t pmd_addr = vmf->address & PMD_MASK;

		if (index >= max_pgoff)
			return VM_FAULT_SIGBUS;
		if ((vmf->pgoff & PG_PMD_COLOUR) !=
			    ((vmf->address >> PAGE_SHIFT) & PG_PMD_COLOUR) ||
		    ((vmf->flags & FAULT_FLAG_WRITE) && !(vmf->vma->vm_flags & VM_SHARED)) ||
		    pmd_addr < vmf->vma->vm_start ||
		    pmd_addr + PMD_SIZE > vmf->vma->vm_end ||
		    (index | PG_PMD_COLOUR) >= max_pgoff ||
		    pmd_has_pte_table(vmf->vma->vm_mm, vmf->address))
			return VM_FAULT_FALLBACK;
		/* dax_iomap_direct_access(): a pfn not PMD-aligned is -EINVAL, a fallback */
		if (inode->i_sb->s_daxdev && inode->i_sb->s_daxdev->align < PMD_SIZE)
			return VM_FAULT_FALLBACK;
	} else if (pos >= i_size_read(inode)) {
		return VM_FAULT_SIGBUS;
	}

	/* injected race: the order before 13e451fdc1af, the extent looked up unlocked */
	if (INJECT(FAULT_IOMAP_BEFORE_ENTRY)) {
		err = ops->iomap_begin(inode, pos, size, iflags, &iomap, &srcmap);
		if (err)
			return dax_fault_return(err);
	}
	ret = grab_mapping_entry(mapping, index, pmd ? PMD_ORDER : 0, &base, &entry);
	if (ret) {
		if (INJECT(FAULT_IOMAP_BEFORE_ENTRY) && ops->iomap_end)
			ops->iomap_end(inode, pos, size, 0, iflags, &iomap);
		return ret;
	}
	if (!INJECT(PMD_PTE_COLLISION) && dax_fault_collides(vmf, pmd)) {
		if (INJECT(FAULT_IOMAP_BEFORE_ENTRY) && ops->iomap_end)
			ops->iomap_end(inode, pos, size, 0, iflags, &iomap);
		dax_unlock_entry(mapping, base);
		return VM_FAULT_NOPAGE;		/* retried */
	}
	if (INJECT(FAULT_MMAPLOCK_INNER))	/* filemap_invalidate_lock_shared() */
		lock_acquire(&lc_invalidate_lock, inode->i_ino, LOCK_SHARED, 0, __func__);

	if (!INJECT(FAULT_IOMAP_BEFORE_ENTRY))
		err = ops->iomap_begin(inode, pos, size, iflags, &iomap, &srcmap);
	if (err) {
		ret = dax_fault_return(err);
		goto unlock;
	}
	if (pmd && (iomap.offset > pos || iomap.offset + iomap.length < pos + size)) {
		ret = VM_FAULT_FALLBACK;
	} else {
		ret = dax_fault_iter(vmf, mapping, &iomap, &srcmap, &base, &entry,
				     pmd, write, pfnp);
	}
	if (ops->iomap_end)
		ops->iomap_end(inode, pos, size,
			       (ret & (VM_FAULT_ERROR | VM_FAULT_FALLBACK)) ? 0 : size,
			       iflags, &iomap);
unlock:
	if (INJECT(FAULT_MMAPLOCK_INNER))
		lock_release(&lc_invalidate_lock, inode->i_ino, __func__);
	dax_unlock_entry(mapping, base);
	return ret;
}

vm_fault_t dax_iomap_fault(struct vm_fault *vmf, unsigned int order,
			   pfn_t *pfnp, const struct iomap_ops *ops)
{
	vm_fault_t ret;

	if (order > PMD_ORDER)
		return VM_FAULT_FALLBACK;	/* fsdax has no PUD-sized entries */
	if (order == PMD_ORDER) {
		ret = dax_iomap_fault_one(vmf, true, pfnp, ops);
		if (ret & VM_FAULT_FALLBACK)
			sim->stats.fallbacks++;
		else
			sim->stats.pmd_faults++;
		return ret;
	}
	return dax_iomap_fault_one(vmf, false, pfnp, ops);
}

/* MAP_SYNC: make the metadata durable, then map the pfn writable. */
vm_fault_t dax_finish_sync_fault(struct vm_fault *vmf, unsigned int order, pfn_t pfn)
{
	struct file *file = vmf->vma->vm_file;
	struct address_space *mapping = file->f_mapping;
	unsigned long entry;
	pgoff_t base;
	uint64_t start = vmf->pgoff << PAGE_SHIFT;

	vfs_fsync_range(file, start, start + (PAGE_SIZE << order) - 1, 1);
	if (grab_mapping_entry(mapping, vmf->pgoff, order, &base, &entry))
		return VM_FAULT_NOPAGE;
	{
		pgoff_t slot_base;
		struct dax_slot *slot = dax_lookup_slot(mapping, base, &slot_base);

		slot->marks |= PAGECACHE_TAG_DIRTY;
	}
	if (order == 0 && dax_is_pmd_entry(entry))
		pfn = dax_to_pfn(entry) + (vmf->pgoff - base);
	vmf_insert_pfn(vmf, pfn, true, order == PMD_ORDER);
	dax_unlock_entry(mapping, base);
	trace("ino %llu index %llu: MAP_SYNC fault finished after fsync",
	      (unsigned long long)file_inode(file)->i_ino, (unsigned long long)vmf->pgoff);
	return VM_FAULT_NOPAGE;
}
