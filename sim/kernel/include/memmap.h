/* SPDX-License-Identifier: MIT */
/*
 * The memmap: one struct page per pmem pfn, allocated lazily per section so
 * a 1 TiB sparse device costs only the section table until touched.
 *
 * Ownership encoding follows fs/dax.c after the 6.15 refcount series:
 *   unowned: mapping == NULL, share == 0
 *   owned:   mapping != NULL, index == pgoff
 *   shared:  mapping == NULL, share > 0  (mainline design)
 * Sharing designs may use ->private for their own records.
 */
#ifndef DAXSIM_MEMMAP_H
#define DAXSIM_MEMMAP_H

#include "types.h"

struct address_space;

enum pageflags {
	PG_locked	= 1U << 0,
	PG_dirty	= 1U << 1,
	PG_head		= 1U << 2,	/* compound head (PMD folio) */
	PG_hwpoison	= 1U << 3,
	PG_reserved	= 1U << 4,
};

struct page {
	uint32_t		flags;
	uint8_t			order;		/* folio order at the head */
	uint8_t			pad;
	uint16_t		_pincount;	/* FOLL_PIN pins (DMA-style), mm/pin.c */
	int32_t			_refcount;	/* 0 = idle (post-6.15) */
	int32_t			_mapcount;	/* PTE/PMD mappings, 0-based */
	struct address_space	*mapping;
	union {
		pgoff_t		index;
		uint64_t	share;
	};
	void			*private;	/* sharing design's data */
};

#define PAGES_PER_SECTION_SHIFT	15	/* 128 MiB sections */
#define PAGES_PER_SECTION	(1UL << PAGES_PER_SECTION_SHIFT)

struct memmap {
	uint64_t	nr_pages;
	struct page	**sections;
	uint64_t	nr_sections;
	uint64_t	sections_populated;
};

void memmap_init(struct memmap *mm, uint64_t nr_pages);
void memmap_destroy(struct memmap *mm);
/* Allocates the section on first use.  pfn must be a pmem pfn. */
struct page *pfn_to_page(struct memmap *mm, pfn_t pfn);
/* NULL if the section was never touched. */
struct page *pfn_to_page_noalloc(const struct memmap *mm, pfn_t pfn);
pfn_t page_to_pfn(const struct memmap *mm, const struct page *page);
uint64_t memmap_bytes(const struct memmap *mm);

static inline bool is_pmem_pfn(const struct memmap *mm, pfn_t pfn)
{
	return pfn >= PMEM_PFN_BASE && pfn < PMEM_PFN_BASE + mm->nr_pages;
}

#endif
