// SPDX-License-Identifier: MIT
/*
 * Page-table leaves by mapping (mm/memory.c): inserting a fault's leaf,
 * zapping ranges, unmap_mapping_pages() over the i_mmap tree, and the fault
 * entry, handle_mm_fault(), which calls the vma's vm_ops.
 */
#include <string.h>

#include "internal.h"
#include "memmap.h"
#include "memory_failure.h"
#include "mm.h"
#include "page_ref.h"
#include "pagemap.h"
#include "pmem.h"
#include "share.h"
#include "sim.h"
#include "trace.h"

void put_leaf(uint64_t entry, bool is_pmd)
{
	pfn_t pfn = PTE_PFN(entry);

	if (entry & _PAGE_ANON) {
		anon_page_free(pfn);
	} else if (is_folio_pfn(pfn)) {
		struct folio *folio = pfn_folio(pfn);

		page_mapcount_dec(folio);
		folio_put(folio);
	} else if (!(entry & _PAGE_SPECIAL) && is_pmem_pfn(&sim->memmap, pfn)) {
		struct page *page = pfn_to_page(&sim->memmap, pfn);

		page_mapcount_dec(page);
		page_ref_dec(page);
	}
}

struct zap_args {
	bool even_cows;		/* anonymous CoW copies go too */
};

static void zap_leaf(uint64_t addr, uint64_t *entry, bool is_pmd, void *arg)
{
	struct zap_args *za = arg;

	if ((*entry & _PAGE_ANON) && !za->even_cows)
		return;
	put_leaf(*entry, is_pmd);
	*entry = 0;
}

void zap_vma_range(struct vm_area_struct *vma, uint64_t start, uint64_t end,
			  bool even_cows)
{
	struct zap_args za = { even_cows };

	sim_lock(ptl, vma->vm_mm->id, LOCK_EXCL);
	pgtable_walk(vma->vm_mm, start, end, zap_leaf, &za);
	sim_unlock(ptl, vma->vm_mm->id);
}

void mm_zap_range(struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	zap_vma_range(vma, start, end, true);
}

/* The rmap side: every vma of @mapping overlapping [start, start+nr). */
struct vma_range_args {
	pgoff_t start, last;
	void (*fn)(struct vm_area_struct *vma, uint64_t s, uint64_t e, void *arg);
	void *arg;
};

static gboolean vma_range_one(gpointer key, gpointer value, gpointer data)
{
	struct vma_range_args *a = data;
	struct vm_area_struct *vma = value;
	pgoff_t vlast = vma->vm_pgoff + ((vma->vm_end - vma->vm_start) >> PAGE_SHIFT) - 1;
	pgoff_t s, e;

	if (a->last < vma->vm_pgoff || a->start > vlast)
		return FALSE;
	s = MAX(a->start, vma->vm_pgoff);
	e = MIN(a->last, vlast);
	a->fn(vma, vma->vm_start + ((s - vma->vm_pgoff) << PAGE_SHIFT),
	      vma->vm_start + ((e - vma->vm_pgoff + 1) << PAGE_SHIFT), a->arg);
	return FALSE;
}

void for_each_mapping_vma(struct address_space *mapping, pgoff_t start,
				 pgoff_t nr, void (*fn)(struct vm_area_struct *, uint64_t,
							uint64_t, void *), void *arg)
{
	struct vma_range_args a = { start, nr ? start + nr - 1 : start, fn, arg };

	/* unmap_mapping_pages(): nr 0 means "to the end of the file" */
	if (!nr || a.last < start)
		a.last = (pgoff_t)-1;
	g_tree_foreach(mapping->i_mmap, vma_range_one, &a);
}

static void unmap_one(struct vm_area_struct *vma, uint64_t s, uint64_t e, void *arg)
{
	bool even_cows = *(bool *)arg;

	/* A PMD or PUD leaf straddling the range is zapped whole (DAX split). */
	{
		uint64_t *pud = pud_lookup(vma->vm_mm, s, false);
		uint64_t *pmd;

		if (pud && (*pud & _PAGE_PRESENT)) {
			put_leaf(*pud, true);
			*pud = 0;
		}
		pud = pud_lookup(vma->vm_mm, e - 1, false);
		if (pud && (*pud & _PAGE_PRESENT)) {
			put_leaf(*pud, true);
			*pud = 0;
		}
		pmd = pmd_lookup(vma->vm_mm, s, false);

		if (pmd && (*pmd & _PAGE_PRESENT)) {
			put_leaf(*pmd, true);
			*pmd = 0;
		}
		pmd = pmd_lookup(vma->vm_mm, e - 1, false);
		if (pmd && (*pmd & _PAGE_PRESENT)) {
			put_leaf(*pmd, true);
			*pmd = 0;
		}
	}
	zap_vma_range(vma, s, e, even_cows);
}

void unmap_mapping_pages(struct address_space *mapping, pgoff_t start,
			 pgoff_t nr, bool even_cows)
{
	sim_lock(i_mmap_rwsem, mapping->id, LOCK_SHARED);
	for_each_mapping_vma(mapping, start, nr, unmap_one, &even_cows);
	sim_unlock(i_mmap_rwsem, mapping->id);
}

void vmf_insert_pfn(struct vm_fault *vmf, pfn_t pfn, bool write, bool pmd)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	uint64_t *slot, val = (pfn << PAGE_SHIFT) | _PAGE_PRESENT;

	if (write)
		val |= _PAGE_RW | _PAGE_DIRTY;
	if (pfn == ZERO_PFN)
		val |= _PAGE_SPECIAL;
	else if (pfn < PMEM_PFN_BASE)
		val |= _PAGE_ANON;
	sim_lock(ptl, mm->id, LOCK_EXCL);
	if (pmd) {
		/* insert_pfn_pmd(): the PMD is not none (a page table): nothing is mapped */
		if (pmd_has_pte_table(mm, vmf->address)) {
			sim_unlock(ptl, mm->id);
			return;
		}
		slot = pmd_lookup(mm, vmf->address, true);
		val |= _PAGE_PSE;
	} else {
		uint64_t *leaf = pmd_lookup(mm, vmf->address, false);

		/*
		 * A PTE under a PMD leaf: pte_offset_map_lock() finds a bad pmd,
		 * pmd_clear_bad() logs it and clears the PMD (what generic/437
		 * looks for in dmesg).  The fault goes on with a page table.
		 */
		if (leaf && (*leaf & _PAGE_PRESENT)) {
			share_warn("M5", "%s: bad pmd at 0x%llx: a PTE fault maps under a PMD leaf",
				   mm->owner->name, (unsigned long long)(vmf->address & PMD_MASK));
			put_leaf(*leaf, true);
			*leaf = 0;
		}
		slot = pte_lookup(mm, vmf->address, true);
	}
	if (*slot & _PAGE_PRESENT) {
		if (PTE_PFN(*slot) == pfn) {
			/* wp fault on the same page: just upgrade */
			*slot |= val & (_PAGE_RW | _PAGE_DIRTY);
			sim_unlock(ptl, mm->id);
			return;
		}
		put_leaf(*slot, pmd);
	}
	if (is_folio_pfn(pfn)) {
		folio_get(pfn_folio(pfn));
		page_mapcount_inc(pfn_folio(pfn));
	} else if (!(val & (_PAGE_SPECIAL | _PAGE_ANON))) {
		struct page *page = pfn_to_page(&sim->memmap, pfn);

		page_mapcount_inc(page);
		page_ref_inc(page);
	}
	*slot = val;
	sim_unlock(ptl, mm->id);
}

void vmf_insert_pfn_pud(struct vm_fault *vmf, pfn_t pfn, bool write)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	uint64_t *slot, val = (pfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_PSE | _PAGE_PUD;
	struct page *page = pfn_to_page(&sim->memmap, pfn);

	if (write)
		val |= _PAGE_RW | _PAGE_DIRTY;
	sim_lock(ptl, mm->id, LOCK_EXCL);
	slot = pud_lookup(mm, vmf->address, true);
	if (*slot & _PAGE_PRESENT) {
		if (PTE_PFN(*slot) == pfn) {
			*slot |= val & (_PAGE_RW | _PAGE_DIRTY);
			sim_unlock(ptl, mm->id);
			return;
		}
		put_leaf(*slot, true);
	}
	page_mapcount_inc(page);
	page_ref_inc(page);
	*slot = val;
	sim_unlock(ptl, mm->id);
}

/*
 * thp_vma_suitable_order() for a PUD: the aligned GiB around @addr lies
 * inside the vma and has the offset's colour.  The kernel leaves this
 * check to the huge_fault handlers (a DAX filesystem falls back at PUD
 * order); the simulator asks only where a PUD leaf could fit, so a
 * filesystem's small mappings see no PUD-order call.
 */
static bool pud_suitable(struct vm_area_struct *vma, uint64_t addr)
{
	uint64_t haddr = addr & PUD_MASK;

	if (((vma->vm_start >> PAGE_SHIFT) - vma->vm_pgoff) & ((1ULL << PUD_ORDER) - 1))
		return false;
	return haddr >= vma->vm_start && haddr + PUD_SIZE <= vma->vm_end;
}

/* The fault entry ------------------------------------------------------- */
vm_fault_t handle_mm_fault(struct vm_area_struct *vma, uint64_t addr, bool write)
{
	struct vm_fault vmf = {
		.vma = vma, .address = addr,
		.pgoff = linear_page_index(vma, addr),
		.flags = write ? FAULT_FLAG_WRITE : 0,
		.cow = write && !(vma->vm_flags & VM_SHARED),
	};
	struct mm_struct *mm = vma->vm_mm;
	uint64_t *pmd = pmd_lookup(mm, addr, false);
	vm_fault_t ret;

	sim->stats.faults++;
	might_alloc(GFP_KERNEL);	/* pmd_alloc/pte_alloc; do_cow_fault's cow_page */
	/* create_huge_pud(): an empty PUD slot first, as __handle_mm_fault */
	if ((vma->vm_flags & VM_HUGEPAGE) && vma->vm_ops->huge_fault && pud_suitable(vma, addr) &&
	    !pud_has_pmd_table(mm, addr)) {
		uint64_t *pud = pud_lookup(mm, addr, false);

		if (!pud || !(*pud & _PAGE_PRESENT)) {
			ret = vma->vm_ops->huge_fault(&vmf, PUD_ORDER);
			if (!(ret & VM_FAULT_FALLBACK))
				return ret;
		}
		pmd = pmd_lookup(mm, addr, false);
	}
	if ((vma->vm_flags & VM_HUGEPAGE) && vma->vm_ops->huge_fault &&
	    !pmd_has_pte_table(mm, addr)) {
		ret = vma->vm_ops->huge_fault(&vmf, PMD_ORDER);
		if (!(ret & VM_FAULT_FALLBACK))
			return ret;
		/* split_huge_pmd(): for DAX the huge leaf is simply zapped */
		pmd = pmd_lookup(mm, addr, false);
		if (pmd && (*pmd & _PAGE_PRESENT)) {
			sim_lock(ptl, mm->id, LOCK_EXCL);
			put_leaf(*pmd, true);
			*pmd = 0;
			sim_unlock(ptl, mm->id);
		}
		trace("%s: PMD fault fell back to PTE at pgoff %llu", mm->owner->name,
		      (unsigned long long)vmf.pgoff);
	}
	/* do_wp_page -> wp_pfn_shared: a write to a present read-only PTE */
	if (write && (vma->vm_flags & VM_SHARED) && vma->vm_ops->pfn_mkwrite) {
		uint64_t *pte = pte_lookup(mm, addr, false);

		if (pte && (*pte & _PAGE_PRESENT))
			return vma->vm_ops->pfn_mkwrite(&vmf);
	}
	return vma->vm_ops->fault(&vmf);
}
