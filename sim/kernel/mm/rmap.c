// SPDX-License-Identifier: MIT
/*
 * Write-protect and clean by mapping (mm/rmap.c: pfn_mkclean_range): the
 * writeback side of DAX, so the next store faults and re-dirties.
 */
#include <string.h>

#include "internal.h"
#include "lock.h"
#include "mm.h"

static void mkclean_leaf(uint64_t addr, uint64_t *entry, bool is_pmd, void *arg)
{
	if (!(*entry & _PAGE_ANON))
		*entry &= ~(_PAGE_RW | _PAGE_DIRTY);
}

static void mkclean_one(struct vm_area_struct *vma, uint64_t s, uint64_t e, void *arg)
{
	sim_lock(ptl, vma->vm_mm->id, LOCK_EXCL);
	pgtable_walk(vma->vm_mm, s, e, mkclean_leaf, NULL);
	sim_unlock(ptl, vma->vm_mm->id);
}

void mapping_mkclean(struct address_space *mapping, pgoff_t start, pgoff_t nr)
{
	sim_lock(i_mmap_rwsem, mapping->id, LOCK_SHARED);
	for_each_mapping_vma(mapping, start, nr, mkclean_one, NULL);
	sim_unlock(i_mmap_rwsem, mapping->id);
}
