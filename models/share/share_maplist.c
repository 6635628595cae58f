// SPDX-License-Identifier: MIT
/*
 * The `maplist` design (LSFMM 2018, "XFS reflink and DAX" discussion): a
 * list of (mapping, index) owners hanging off the page, so "who maps this
 * page" is answered by the page itself.  page->private heads a singly
 * linked list; page->mapping/index still name the owner of an unshared
 * page so the generic paths keep working.  Cost: one node per sharer.
 */
#include <glib.h>

#include "dax.h"
#include "memmap.h"
#include "share.h"
#include "sim.h"

struct maplist_node {
	struct maplist_node	*next;
	struct address_space	*mapping;
	pgoff_t			index;
};

static struct share_stats ml;

static void maplist_init(void)
{
	ml = (struct share_stats){ 0 };
}

static void maplist_associate(struct page *page, pfn_t pfn, unsigned int order,
			      struct address_space *mapping, pgoff_t index, bool shared)
{
	struct maplist_node *n;

	folio_access(pfn, "private", false, "dax_associate_entry");
	for (n = page->private; n; n = n->next)
		if (n->mapping == mapping && n->index == index) {
			share_warn("P-maplist",
				   "associate: pfn 0x%llx: ino %llu index %llu is already on the list",
				   (unsigned long long)pfn, (unsigned long long)mapping->id,
				   (unsigned long long)index);
			return;
		}
	n = g_new(struct maplist_node, 1);
	n->mapping = mapping;
	n->index = index;
	folio_access(pfn, "private", true, "dax_associate_entry");
	n->next = page->private;
	if (n->next && !n->next->next)
		ml.shared_pages++;
	page->private = n;
	page->order = (uint8_t)order;
	/* the first owner also goes in mapping/index, as for an unshared page */
	if (!n->next) {
		page->mapping = mapping;
		page->index = index;
	} else {
		page->mapping = NULL;
	}
	ml.list_nodes++;
}

static void maplist_disassociate(struct page *page, pfn_t pfn, unsigned int order,
				 struct address_space *mapping, pgoff_t index, bool trunc)
{
	struct maplist_node **pp, *n;

	folio_access(pfn, "private", true, "dax_disassociate_entry");
	for (pp = (struct maplist_node **)&page->private; (n = *pp); pp = &n->next)
		if (n->mapping == mapping && n->index == index)
			break;
	if (!n) {
		share_warn("P-maplist",
			   "disassociate: pfn 0x%llx: ino %llu index %llu is not on the list",
			   (unsigned long long)pfn, (unsigned long long)mapping->id,
			   (unsigned long long)index);
		return;
	}
	*pp = n->next;
	g_free(n);
	ml.list_nodes--;
	n = page->private;
	if (n && !n->next) {
		ml.shared_pages--;
		page->mapping = n->mapping;	/* one owner left */
		page->index = n->index;
	} else if (!n) {
		page->mapping = NULL;
		page->index = 0;
		page->order = 0;
	}
}

static int maplist_lookup_owners(pfn_t pfn, struct share_owner *owners, int max)
{
	struct page *page = pfn_to_page_noalloc(&sim->memmap, pfn);
	int nr = 0;

	for (struct maplist_node *n = page ? page->private : NULL; n; n = n->next, nr++)
		if (nr < max) {
			owners[nr].mapping = n->mapping;
			owners[nr].index = n->index;
		}
	return nr;
}

/* P-maplist: the list equals the set of entries referencing the page. */
struct check_ctx {
	share_report_fn	report;
	void		*arg;
	GTree		*refs;
};

static gboolean maplist_check_pfn(gpointer key, gpointer value, gpointer data)
{
	struct check_ctx *c = data;
	pfn_t pfn = *(pfn_t *)key;
	GArray *owners = value;
	struct page *page = pfn_to_page(&sim->memmap, pfn);
	guint listed = 0;
	char msg[200];

	for (struct maplist_node *n = page->private; n; n = n->next)
		listed++;
	for (guint i = 0; i < owners->len; i++) {
		struct share_owner *o = &g_array_index(owners, struct share_owner, i);
		struct maplist_node *n;

		for (n = page->private; n; n = n->next)
			if (n->mapping == o->mapping && n->index == o->index)
				break;
		if (!n) {
			snprintf(msg, sizeof(msg),
				 "pfn 0x%llx: the entry of ino %llu index %llu is not on the page's owner list",
				 (unsigned long long)pfn, (unsigned long long)o->mapping->id,
				 (unsigned long long)o->index);
			c->report("P-maplist", msg, c->arg);
			return FALSE;
		}
	}
	if (listed != owners->len) {
		snprintf(msg, sizeof(msg), "pfn 0x%llx: %u entries reference it but the list has %u owners",
			 (unsigned long long)pfn, owners->len, listed);
		c->report("P-maplist", msg, c->arg);
	}
	return FALSE;
}

static void maplist_check(share_report_fn report, void *arg)
{
	struct check_ctx c = { report, arg, share_collect_entries() };
	struct memmap *mm = &sim->memmap;
	char msg[160];

	g_tree_foreach(c.refs, maplist_check_pfn, &c);
	/* and no list on a page nothing references */
	for (uint64_t s = 0; s < mm->nr_sections; s++) {
		if (!mm->sections[s])
			continue;
		for (uint64_t i = 0; i < PAGES_PER_SECTION && s * PAGES_PER_SECTION + i < mm->nr_pages; i++) {
			pfn_t pfn = PMEM_PFN_BASE + s * PAGES_PER_SECTION + i;

			if (mm->sections[s][i].private && !g_tree_lookup(c.refs, &pfn)) {
				snprintf(msg, sizeof(msg), "pfn 0x%llx has an owner list but no entry references it",
					 (unsigned long long)pfn);
				report("P-maplist", msg, arg);
			}
		}
	}
	g_tree_destroy(c.refs);
}

static void maplist_stats(struct share_stats *st)
{
	*st = ml;
	st->bytes = ml.list_nodes * sizeof(struct maplist_node);
}

extern const struct filemap_share_ops maplist_pagecache_ops;

const struct dax_share_ops share_maplist_ops = {
	.name = "maplist",
	.origin = "LSFMM 2018: a list of (mapping, index) owners hanging off the page",
	.mf_path = MF_PATH_DESIGN,
	.init = maplist_init,
	.associate = maplist_associate,
	.disassociate = maplist_disassociate,
	.lookup_owners = maplist_lookup_owners,
	.check = maplist_check,
	.stats = maplist_stats,
	.pagecache = &maplist_pagecache_ops,	/* share_maplist_pagecache.c */
	.pagecache_note = "one folio per shared block in every owner's slot, with its owner list",
};
