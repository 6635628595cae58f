// SPDX-License-Identifier: MIT
/*
 * The `rfc` design: the July 2019 RFC as posted ("[RFC] xfs: Add support
 * for DAX reflink", CoW on write for the read/write and fault paths), with
 * the association fs/dax.c had then: page->mapping and page->index name
 * exactly one (mapping, index).  dax_associate_entry() did
 * WARN_ON_ONCE(page->mapping) and overwrote it; dax_disassociate_entry()
 * cleared it.  Christoph Hellwig's objection to the series: a page of a
 * shared extent mapped through a second file cannot be described.  This
 * design is kept broken on purpose: mapping one block from two files fires
 * the WARN (reported as P-rfc), and memory failure through page->mapping
 * reaches one owner only.
 */
#include <glib.h>

#include "dax.h"
#include "memmap.h"
#include "share.h"
#include "sim.h"

static void rfc_associate(struct page *page, pfn_t pfn, unsigned int order,
			  struct address_space *mapping, pgoff_t index, bool shared)
{
	if (page->mapping)
		share_warn("P-rfc",
			   "dax_associate_entry: pfn 0x%llx: WARN_ON_ONCE(page->mapping): owned by ino %llu index %llu, now also ino %llu index %llu",
			   (unsigned long long)pfn, (unsigned long long)page->mapping->id,
			   (unsigned long long)page->index, (unsigned long long)mapping->id,
			   (unsigned long long)index);
	page->order = (uint8_t)order;
	folio_access(pfn, "mapping", true, "dax_associate_entry");
	page->mapping = mapping;	/* the last association wins */
	page->index = index;
}

static void rfc_disassociate(struct page *page, pfn_t pfn, unsigned int order,
			     struct address_space *mapping, pgoff_t index, bool trunc)
{
	/* the other file's association, if it was this one, is lost too */
	folio_access(pfn, "mapping", true, "dax_disassociate_entry");
	page->mapping = NULL;
	page->index = 0;
	page->order = 0;
}

static int rfc_lookup_owners(pfn_t pfn, struct share_owner *owners, int max)
{
	return share_page_owner(pfn_to_page_noalloc(&sim->memmap, pfn), owners, max);
}

struct check_ctx {
	share_report_fn	report;
	void		*arg;
};

/* P-rfc: each page is referenced by one entry, and page->mapping names it. */
static gboolean rfc_check_pfn(gpointer key, gpointer value, gpointer data)
{
	struct check_ctx *a = data;
	pfn_t pfn = *(pfn_t *)key;
	GArray *owners = value;
	struct page *page = pfn_to_page(&sim->memmap, pfn);
	struct share_owner *o = &g_array_index(owners, struct share_owner, 0);
	char msg[200];

	if (owners->len > 1) {
		struct share_owner *o2 = &g_array_index(owners, struct share_owner, 1);

		snprintf(msg, sizeof(msg),
			 "pfn 0x%llx is referenced by %u entries (ino %llu index %llu, ino %llu index %llu%s) but page->mapping can name one: ino %llu",
			 (unsigned long long)pfn, owners->len, (unsigned long long)o->mapping->id,
			 (unsigned long long)o->index, (unsigned long long)o2->mapping->id,
			 (unsigned long long)o2->index, owners->len > 2 ? ", ..." : "",
			 page->mapping ? (unsigned long long)page->mapping->id : 0ULL);
		a->report("P-rfc", msg, a->arg);
	} else if (page->mapping != o->mapping || page->index != o->index) {
		snprintf(msg, sizeof(msg),
			 "pfn 0x%llx: the entry of ino %llu index %llu references it but page->mapping %s",
			 (unsigned long long)pfn, (unsigned long long)o->mapping->id,
			 (unsigned long long)o->index,
			 page->mapping ? "names another owner" : "is NULL (cleared by another file's disassociate)");
		a->report("P-rfc", msg, a->arg);
	}
	return FALSE;
}

static void rfc_check(share_report_fn report, void *arg)
{
	GTree *refs = share_collect_entries();
	struct check_ctx a = { report, arg };

	g_tree_foreach(refs, rfc_check_pfn, &a);
	g_tree_destroy(refs);
}

static void rfc_stats(struct share_stats *st)
{
	*st = (struct share_stats){ 0 };	/* nothing beyond struct page */
}

const struct dax_share_ops share_rfc_ops = {
	.name = "rfc",
	.origin = "the July 2019 RFC as posted: CoW on write, 1:1 page->mapping/index (breaks on shared mappings)",
	.mf_path = MF_PATH_GENERIC,
	.associate = rfc_associate,
	.disassociate = rfc_disassociate,
	.lookup_owners = rfc_lookup_owners,
	.check = rfc_check,
	.stats = rfc_stats,
	.pagecache_note = "DAX-only design: behaves as mainline, each reflinked file caches its own copy",
};
