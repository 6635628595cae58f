// SPDX-License-Identifier: MIT
/*
 * Anonymous DRAM pages: the private CoW copies of MAP_PRIVATE write
 * faults, allocated lowest-free-index first so pfns are deterministic.
 */
#include <string.h>

#include <glib.h>

#include "mm.h"
#include "sim.h"

/* Anonymous DRAM pages ---------------------------------------------------- */
static GPtrArray *anon_pages;	/* index -> 4 KiB buffer, NULL when free */
static GArray *anon_free;	/* free indexes, reused lowest-last */
static uint64_t anon_used;

pfn_t anon_page_alloc(void)
{
	guint idx;

	if (!anon_pages) {
		anon_pages = g_ptr_array_new();
		anon_free = g_array_new(FALSE, FALSE, sizeof(guint));
	}
	if (anon_free->len) {
		idx = g_array_index(anon_free, guint, anon_free->len - 1);
		g_array_set_size(anon_free, anon_free->len - 1);
		anon_pages->pdata[idx] = g_malloc0(PAGE_SIZE);
	} else {
		idx = anon_pages->len;
		g_ptr_array_add(anon_pages, g_malloc0(PAGE_SIZE));
	}
	anon_used++;
	return ANON_PFN_BASE + idx;
}

void anon_page_free(pfn_t pfn)
{
	guint idx = (guint)(pfn - ANON_PFN_BASE);

	g_free(anon_pages->pdata[idx]);
	anon_pages->pdata[idx] = NULL;
	g_array_append_val(anon_free, idx);
	anon_used--;
}

unsigned char *anon_page_kaddr(pfn_t pfn)
{
	guint idx = (guint)(pfn - ANON_PFN_BASE);

	BUG_ON(!anon_pages || idx >= anon_pages->len || !anon_pages->pdata[idx]);
	return anon_pages->pdata[idx];
}

uint64_t anon_pages_in_use(void)
{
	return anon_used;
}

void anon_pages_reset(void)
{
	if (anon_pages) {
		for (guint i = 0; i < anon_pages->len; i++)
			g_free(anon_pages->pdata[i]);
		g_ptr_array_free(anon_pages, TRUE);
		g_array_free(anon_free, TRUE);
	}
	anon_pages = NULL;
	anon_free = NULL;
	anon_used = 0;
}
