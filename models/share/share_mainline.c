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

static void mainline_associate(struct page *folio, pfn_t pfn, unsigned int order,
			       struct address_space *mapping, pgoff_t index, bool shared)
{
	if (shared && (folio->mapping || dax_folio_is_shared(folio))) {
		if (folio->mapping) {
			/* dax_folio_make_shared() */
			folio->mapping = NULL;
			folio->share = 1;
		}
		if (folio->order != order)
			share_warn("P-mainline",
				   "dax_associate_entry: pfn 0x%llx: entry order %u != folio order %u (ino %llu index %llu)",
				   (unsigned long long)pfn, order, folio->order,
				   (unsigned long long)mapping->id, (unsigned long long)index);
		folio->share++;
		return;
	}
	if (folio->mapping)
		share_warn("P-mainline",
			   "dax_associate_entry: pfn 0x%llx: WARN_ON_ONCE(folio->mapping) (owner ino %llu, new ino %llu index %llu)",
			   (unsigned long long)pfn, (unsigned long long)folio->mapping->id,
			   (unsigned long long)mapping->id, (unsigned long long)index);
	/* dax_folio_init() */
	folio->order = (uint8_t)order;
	folio->flags = order ? (folio->flags | PG_head) : (folio->flags & ~PG_head);
	folio->mapping = mapping;
	folio->index = index;
}

static void mainline_disassociate(struct page *folio, pfn_t pfn, unsigned int order,
				  struct address_space *mapping, pgoff_t index, bool trunc)
{
	/* dax_folio_put() */
	if (dax_folio_is_shared(folio) && --folio->share)
		return;
	folio->mapping = NULL;
	folio->share = 0;
	folio->order = 0;
	folio->flags &= ~PG_head;
}

static int mainline_lookup_owners(pfn_t pfn, struct share_owner *owners, int max)
{
	struct page *folio = pfn_to_page_noalloc(&sim->memmap, pfn);

	if (folio && folio->mapping) {
		if (max > 0) {
			owners[0].mapping = folio->mapping;
			owners[0].index = folio->index;
		}
		return 1;
	}
	/* shared pages are answered by the filesystem rmap */
	return folio && dax_folio_is_shared(folio) ? -EOPNOTSUPP : 0;
}

/* P-mainline: share equals the entries referencing the page. */
struct ref_count {
	uint32_t n;
	struct address_space *mapping;
	pgoff_t index;
};

static gint pfn_cmp(gconstpointer a, gconstpointer b, gpointer u)
{
	pfn_t x = *(const pfn_t *)a, y = *(const pfn_t *)b;

	return x < y ? -1 : x > y;
}

static bool count_entry(struct address_space *mapping, pgoff_t index,
			struct dax_slot *slot, void *arg)
{
	GTree *t = arg;
	pfn_t pfn;
	struct ref_count *rc;

	if (!dax_is_real_entry(slot->entry))
		return true;
	pfn = dax_to_pfn(slot->entry);
	rc = g_tree_lookup(t, &pfn);
	if (!rc) {
		pfn_t *k = g_new(pfn_t, 1);

		*k = pfn;
		rc = g_new0(struct ref_count, 1);
		g_tree_insert(t, k, rc);
	}
	rc->n++;
	rc->mapping = mapping;
	rc->index = index;
	return true;
}

struct check_args {
	GTree *refs;
	share_report_fn report;
	void *arg;
};

#include "xfs_mount.h"

static bool collect_inode(struct xfs_inode *ip, void *arg)
{
	dax_walk_entries(&ip->i_mapping, 0, XFS_MAX_FILEOFF, count_entry, arg);
	return true;
}

static void mainline_check(share_report_fn report, void *arg)
{
	GTree *refs = g_tree_new_full(pfn_cmp, NULL, g_free, g_free);
	struct memmap *mm = &sim->memmap;
	char msg[200];

	if (sim->mp)
		xfs_inode_walk(sim->mp, collect_inode, refs);
	for (uint64_t s = 0; s < mm->nr_sections; s++) {
		if (!mm->sections[s])
			continue;
		for (uint64_t i = 0; i < PAGES_PER_SECTION; i++) {
			struct page *pg = &mm->sections[s][i];
			pfn_t pfn = PMEM_PFN_BASE + s * PAGES_PER_SECTION + i;

			struct ref_count *rc = g_tree_lookup(refs, &pfn);

			if (!rc) {
				if (pg->mapping || pg->share) {
					snprintf(msg, sizeof(msg),
						 "pfn 0x%llx has no entry but mapping=%s share=%llu",
						 (unsigned long long)pfn, pg->mapping ? "set" : "NULL",
						 (unsigned long long)(pg->mapping ? 0 : pg->share));
					report("P-mainline", msg, arg);
				}
				continue;
			}
			if (dax_folio_is_shared(pg) ? pg->share != rc->n :
			    (rc->n != 1 || pg->mapping != rc->mapping || pg->index != rc->index)) {
				snprintf(msg, sizeof(msg),
					 "pfn 0x%llx: %u entries reference it but %s",
					 (unsigned long long)pfn, rc->n,
					 dax_folio_is_shared(pg) ? "share count differs" :
					 pg->mapping ? "it names a different single owner" :
					 "it is unowned");
				report("P-mainline", msg, arg);
			}
		}
	}
	g_tree_destroy(refs);
}

static uint64_t mainline_mem_bytes(void)
{
	return 0;	/* everything lives in struct page */
}

const struct dax_share_ops share_mainline_ops = {
	.name = "mainline",
	.origin = "Linux 6.2+ page->share with fs-rmap memory failure (Ruan, fsdax,xfs v2.1, Dec 2022)",
	.associate = mainline_associate,
	.disassociate = mainline_disassociate,
	.lookup_owners = mainline_lookup_owners,
	.check = mainline_check,
	.mem_bytes = mainline_mem_bytes,
};
