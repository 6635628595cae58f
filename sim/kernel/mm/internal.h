/* SPDX-License-Identifier: MIT */
/* What the mm files share among themselves (mm/internal.h). */
#ifndef DAXSIM_MM_INTERNAL_H
#define DAXSIM_MM_INTERNAL_H

#include "mm.h"

/* Drop one leaf's page references (the zap side of vmf_insert_pfn). */
void put_leaf(uint64_t entry, bool is_pmd);
void zap_vma_range(struct vm_area_struct *vma, uint64_t start, uint64_t end, bool even_cows);
/* Every vma of @mapping over [start, start + nr) (nr 0: to EOF), as user ranges. */
void for_each_mapping_vma(struct address_space *mapping, pgoff_t start, pgoff_t nr,
			  void (*fn)(struct vm_area_struct *, uint64_t, uint64_t, void *),
			  void *arg);
/* The fault entry: the vma's vm_ops decide. */
vm_fault_t handle_mm_fault(struct vm_area_struct *vma, uint64_t addr, bool write);

#endif
