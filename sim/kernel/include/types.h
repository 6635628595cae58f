/* SPDX-License-Identifier: MIT */
/* Kernel-ish base types and constants shared by every daxsim layer. */
#ifndef DAXSIM_TYPES_H
#define DAXSIM_TYPES_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EFSCORRUPTED_	EUCLEAN		/* xfs: Structure needs cleaning */

typedef uint64_t pgoff_t;
typedef uint64_t pfn_t;
typedef int64_t loff_t_;	/* loff_t without glibc's feature-macro dance */

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PMD_SHIFT	21
#define PMD_SIZE	(1UL << PMD_SHIFT)
#define PMD_MASK	(~(PMD_SIZE - 1))
#define PMD_ORDER	(PMD_SHIFT - PAGE_SHIFT)
/* PUD leaves: device DAX with align=1g */
#define PUD_SHIFT	30
#define PUD_SIZE	(1UL << PUD_SHIFT)
#define PUD_MASK	(~(PUD_SIZE - 1))
#define PUD_ORDER	(PUD_SHIFT - PAGE_SHIFT)
#define PTRS_PER_PTE	512

#define ALIGN_UP(x, a)		((((x) + (a) - 1) / (a)) * (a))
#define ALIGN_DOWN(x, a)	(((x) / (a)) * (a))
#define IS_ALIGNED_(x, a)	(((x) % (a)) == 0)
#ifndef MIN
#define MIN(a, b)		((a) < (b) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b)		((a) > (b) ? (a) : (b))
#endif
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* Physical frame numbers: pmem sits at PMEM_PFN_BASE; DRAM below it. */
#define ZERO_PFN	((pfn_t)0x1000)		/* the shared zero page */
#define ANON_PFN_BASE	((pfn_t)0x2000)		/* anonymous DRAM pages */
#define PMEM_PFN_BASE	((pfn_t)0x100000)	/* pmem block 0 (4 GiB) */

/* VM fault results (include/linux/mm_types.h) */
typedef unsigned int vm_fault_t;
#define VM_FAULT_OOM		0x0001
#define VM_FAULT_SIGBUS		0x0002
#define VM_FAULT_HWPOISON	0x0010
#define VM_FAULT_NOPAGE		0x0100
#define VM_FAULT_FALLBACK	0x0800
#define VM_FAULT_NEEDDSYNC	0x2000
#define VM_FAULT_ERROR (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_HWPOISON)

#include "bug.h"

#endif
