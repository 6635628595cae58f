// SPDX-License-Identifier: MIT
/* Lazily allocated memmap sections. */
#include <errno.h>
#include <glib.h>
#include <sys/mman.h>

#include "memmap.h"
#include "mm.h"
#include "pagemap.h"
#include "pmem.h"
#include "sim.h"

_Static_assert(sizeof(struct page) <= 64, "struct page budget is 64 bytes");

void memmap_init(struct memmap *mm, uint64_t nr_pages)
{
	mm->nr_pages = nr_pages;
	mm->nr_sections = (nr_pages + PAGES_PER_SECTION - 1) / PAGES_PER_SECTION;
	mm->sections = g_new0(struct page *, mm->nr_sections);
	mm->sections_populated = 0;
}

/*
 * A section straight from mmap: its pages are zero until touched, and a
 * sparse device touches few of them.  (calloc would hand back a heap block
 * it must clear whole, 1.3 MB, once glibc's mmap threshold has risen.)
 */
#define SECTION_BYTES	(PAGES_PER_SECTION * sizeof(struct page))

static struct page *section_alloc(void)
{
	void *p = mmap(NULL, SECTION_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		g_error("memmap: cannot map a section: %s", g_strerror(errno));
	return p;
}

void memmap_destroy(struct memmap *mm)
{
	for (uint64_t i = 0; i < mm->nr_sections; i++)
		if (mm->sections[i])
			munmap(mm->sections[i], SECTION_BYTES);
	g_free(mm->sections);
	mm->sections = NULL;
}

struct page *pfn_to_page(struct memmap *mm, pfn_t pfn)
{
	uint64_t off = pfn - PMEM_PFN_BASE, sec;

	BUG_ON(!is_pmem_pfn(mm, pfn));
	sec = off >> PAGES_PER_SECTION_SHIFT;
	if (!mm->sections[sec]) {
		mm->sections[sec] = section_alloc();
		mm->sections_populated++;
	}
	return &mm->sections[sec][off & (PAGES_PER_SECTION - 1)];
}

struct page *pfn_to_page_noalloc(const struct memmap *mm, pfn_t pfn)
{
	uint64_t off = pfn - PMEM_PFN_BASE, sec;

	if (!is_pmem_pfn(mm, pfn))
		return NULL;
	sec = off >> PAGES_PER_SECTION_SHIFT;
	if (!mm->sections[sec])
		return NULL;
	return &mm->sections[sec][off & (PAGES_PER_SECTION - 1)];
}

pfn_t page_to_pfn(const struct memmap *mm, const struct page *page)
{
	for (uint64_t s = 0; s < mm->nr_sections; s++) {
		const struct page *base = mm->sections[s];

		if (base && page >= base && page < base + PAGES_PER_SECTION)
			return PMEM_PFN_BASE + s * PAGES_PER_SECTION +
			       (uint64_t)(page - base);
	}
	panic("page_to_pfn: page not in memmap");
}

uint64_t memmap_bytes(const struct memmap *mm)
{
	return mm->nr_sections * sizeof(struct page *) +
	       mm->sections_populated * PAGES_PER_SECTION * sizeof(struct page);
}

/* The kernel address of a pfn: the zero page, a pmem block, or an anon page. */
static unsigned char zero_page[PAGE_SIZE];

unsigned char *pfn_to_kaddr(pfn_t pfn)
{
	if (pfn == ZERO_PFN)
		return zero_page;
	if (is_folio_pfn(pfn))
		return folio_address(pfn_folio(pfn));
	if (pfn >= PMEM_PFN_BASE)
		return pmem_block_kaddr(&sim->pmem, pfn - PMEM_PFN_BASE);
	return anon_page_kaddr(pfn);
}
