// SPDX-License-Identifier: MIT
/*
 * The `mainline` design (Linux 6.2+, encoding of 6.15+; kernel-notes §1.2):
 * an unshared DAX folio names its one owner in mapping/index; once a second
 * (mapping, index) associates through a shared extent, mapping is cleared and
 * folio->share counts the associations.  Owners of a shared page are found
 * through the filesystem rmap (notify_failure), so the design itself cannot
 * answer "who maps this page".  Zero bytes beyond struct page.
 */
#include <glib.h>

#include "dax.h"
#include "memmap.h"
#include "share.h"
#include "sim.h"

static bool dax_folio_is_shared(const struct page *folio)
{
	return !folio->mapping && folio->share;
}

static struct share_stats ml;	/* kept as associations come and go */
static int order_warned;	/* the WARN_ON_ONCE of the order check */

static void mainline_init(void)
{
	ml = (struct share_stats){ 0 };
	order_warned = 0;
}

static void mainline_associate(struct page *folio, pfn_t pfn, unsigned int order,
			       struct address_space *mapping, pgoff_t index, bool shared)
{
	uint64_t share;

	folio_access(pfn, "mapping", false, "dax_associate_entry");
	folio_access(pfn, "share", false, "dax_associate_entry");
	if (shared && (folio->mapping || dax_folio_is_shared(folio))) {
		if (folio->mapping) {
			/* dax_folio_make_shared() */
			folio_access(pfn, "mapping", true, "dax_folio_make_shared");
			folio->mapping = NULL;
			folio_access(pfn, "share", true, "dax_folio_make_shared");
			folio->share = 1;
			ml.shared_pages++;
			ml.share_refs++;
		}
		if (folio->order != order && !order_warned++)	/* WARN_ON_ONCE */
			share_warn("P-mainline",
				   "dax_associate_entry: pfn 0x%llx: entry order %u != folio order %u (ino %llu index %llu)",
				   (unsigned long long)pfn, order, folio->order,
				   (unsigned long long)mapping->id, (unsigned long long)index);
		/* folio->share++: a plain read-modify-write */
		folio_access(pfn, "share", false, "dax_associate_entry");
		share = folio->share;
		folio_access(pfn, "share", true, "dax_associate_entry");
		folio->share = share + 1;
		ml.share_refs++;
		return;
	}
	if (folio->mapping)
		share_warn("P-mainline",
			   "dax_associate_entry: pfn 0x%llx: WARN_ON_ONCE(folio->mapping) (owner ino %llu, new ino %llu index %llu)",
			   (unsigned long long)pfn, (unsigned long long)folio->mapping->id,
			   (unsigned long long)mapping->id, (unsigned long long)index);
	/* dax_folio_init() */
	folio_access(pfn, "mapping", true, "dax_associate_entry");
	folio->order = (uint8_t)order;
	folio->flags = order ? (folio->flags | PG_head) : (folio->flags & ~PG_head);
	folio->mapping = mapping;
	folio->index = index;
}

static void mainline_disassociate(struct page *folio, pfn_t pfn, unsigned int order,
				  struct address_space *mapping, pgoff_t index, bool trunc)
{
	/* dax_folio_put() */
	folio_access(pfn, "share", false, "dax_folio_put");
	if (dax_folio_is_shared(folio)) {
		uint64_t share = folio->share;

		ml.share_refs--;
		folio_access(pfn, "share", true, "dax_folio_put");
		folio->share = share - 1;
		if (folio->share)
			return;
		ml.shared_pages--;
	}
	folio_access(pfn, "mapping", true, "dax_disassociate_entry");
	folio->mapping = NULL;
	folio->share = 0;
	folio->order = 0;
	folio->flags &= ~PG_head;
}

static int mainline_lookup_owners(pfn_t pfn, struct share_owner *owners, int max)
{
	struct page *folio = pfn_to_page_noalloc(&sim->memmap, pfn);

	if (folio && folio->mapping)
		return share_page_owner(folio, owners, max);
	/* shared pages are answered by the filesystem rmap */
	return folio && dax_folio_is_shared(folio) ? -EOPNOTSUPP : 0;
}

struct pfn_owners {
	pfn_t	pfn;
	GArray	*owners;
};

static gboolean list_ref(gpointer key, gpointer value, gpointer arg)
{
	struct pfn_owners r = { *(pfn_t *)key, value };

	g_array_append_val((GArray *)arg, r);
	return FALSE;
}

/*
 * P-mainline: share equals the entries referencing the page.  The pages
 * are walked in pfn order beside the referenced pfns (the tree's order),
 * so a page costs a compare, not a tree lookup.
 */
static void mainline_check(share_report_fn report, void *arg)
{
	GTree *refs = share_collect_entries();
	GArray *list = g_array_new(FALSE, FALSE, sizeof(struct pfn_owners));
	struct memmap *mm = &sim->memmap;
	guint next = 0;
	char msg[200];

	g_tree_foreach(refs, list_ref, list);
	for (uint64_t s = 0; s < mm->nr_sections; s++) {
		if (!mm->sections[s])
			continue;
		for (uint64_t i = 0; i < PAGES_PER_SECTION && s * PAGES_PER_SECTION + i < mm->nr_pages; i++) {
			struct page *pg = &mm->sections[s][i];
			pfn_t pfn = PMEM_PFN_BASE + s * PAGES_PER_SECTION + i;
			GArray *owners = NULL;
			struct share_owner *o;

			while (next < list->len && g_array_index(list, struct pfn_owners, next).pfn < pfn)
				next++;
			if (next < list->len && g_array_index(list, struct pfn_owners, next).pfn == pfn)
				owners = g_array_index(list, struct pfn_owners, next).owners;
			if (!owners) {
				if (pg->mapping || pg->share) {
					snprintf(msg, sizeof(msg),
						 "pfn 0x%llx has no entry but mapping=%s share=%llu",
						 (unsigned long long)pfn, pg->mapping ? "set" : "NULL",
						 (unsigned long long)(pg->mapping ? 0 : pg->share));
					report("P-mainline", msg, arg);
				}
				continue;
			}
			o = &g_array_index(owners, struct share_owner, owners->len - 1);
			if (dax_folio_is_shared(pg) ? pg->share != owners->len :
			    (owners->len != 1 || pg->mapping != o->mapping || pg->index != o->index)) {
				snprintf(msg, sizeof(msg),
					 "pfn 0x%llx: %u entries reference it but %s",
					 (unsigned long long)pfn, owners->len,
					 dax_folio_is_shared(pg) ? "share count differs" :
					 pg->mapping ? "it names a different single owner" :
					 "it is unowned");
				report("P-mainline", msg, arg);
			}
		}
	}
	g_array_free(list, TRUE);
	g_tree_destroy(refs);
}

static void mainline_stats(struct share_stats *st)
{
	*st = ml;
	st->bytes = 0;	/* everything lives in struct page */
}

const struct dax_share_ops share_mainline_ops = {
	.name = "mainline",
	.origin = "Linux 6.2+ page->share with fs-rmap memory failure (Ruan, fsdax,xfs v2.1, Dec 2022)",
	.mf_path = MF_PATH_FS_RMAP,
	.init = mainline_init,
	.associate = mainline_associate,
	.disassociate = mainline_disassociate,
	.lookup_owners = mainline_lookup_owners,
	.check = mainline_check,
	.stats = mainline_stats,
	.pagecache_note = "each reflinked file caches its own copy (Linux today)",
};
