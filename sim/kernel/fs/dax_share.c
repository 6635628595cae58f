// SPDX-License-Identifier: MIT
/*
 * What every design's checks need from the core: the real DAX entries
 * grouped by pfn, whether a block is shared in the refcount tree, and the
 * optional-hook dispatch.  Nothing design-specific lives here.
 */
#include <glib.h>

#include "dax.h"
#include "share.h"
#include "sim.h"
#include "xfs_mount.h"
#include "xfs_refcount.h"

void share_mkwrite(pfn_t pfn, struct address_space *mapping, pgoff_t index)
{
	if (share_ops->mkwrite && pfn >= PMEM_PFN_BASE)
		share_ops->mkwrite(pfn_to_page(&sim->memmap, pfn), pfn, mapping, index);
}

void share_cow(pfn_t old_pfn, struct address_space *mapping, pgoff_t index)
{
	if (share_ops->cow)
		share_ops->cow(old_pfn, mapping, index);
}

void share_unshared(pfn_t pfn, uint64_t nr)
{
	if (share_ops->unshared)
		share_ops->unshared(pfn, nr);
}

bool share_block_is_shared(pfn_t pfn)
{
	return sim->mp && pfn >= PMEM_PFN_BASE &&
	       xfs_refcount_lookup(sim->mp->m_refc, pfn - PMEM_PFN_BASE) > 1;
}

static gint pfn_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
	pfn_t x = *(const pfn_t *)a, y = *(const pfn_t *)b;

	return x < y ? -1 : x > y;
}

static void owners_free(gpointer p)
{
	g_array_free(p, TRUE);
}

static bool collect_entry(struct address_space *mapping, pgoff_t index,
			  struct dax_slot *slot, void *arg)
{
	GTree *t = arg;
	struct share_owner o = { mapping, index };
	pfn_t pfn;
	GArray *owners;

	if (!dax_is_real_entry(slot->entry))
		return true;
	pfn = dax_folio_pfn(dax_to_pfn(slot->entry));
	owners = g_tree_lookup(t, &pfn);
	if (!owners) {
		pfn_t *k = g_new(pfn_t, 1);

		*k = pfn;
		owners = g_array_new(FALSE, FALSE, sizeof(struct share_owner));
		g_tree_insert(t, k, owners);
	}
	g_array_append_val(owners, o);
	return true;
}

static bool collect_inode(struct xfs_inode *ip, void *arg)
{
	dax_walk_entries(&ip->i_mapping, 0, XFS_MAX_FILEOFF, collect_entry, arg);
	return true;
}

GTree *share_collect_entries(void)
{
	GTree *t = g_tree_new_full(pfn_cmp, NULL, g_free, owners_free);

	if (sim->mp)
		xfs_inode_walk(sim->mp, collect_inode, t);
	return t;
}

int share_page_owner(const struct page *page, struct share_owner *owners, int max)
{
	if (!page || !page->mapping)
		return 0;
	if (max > 0) {
		owners[0].mapping = page->mapping;
		owners[0].index = page->index;
	}
	return 1;
}
