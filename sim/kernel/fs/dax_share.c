// SPDX-License-Identifier: MIT
/*
 * The kernel's side of the page-sharing designs: the selected design
 * (share_ops), the optional-hook dispatch, what every design's checks need
 * (the real DAX entries grouped by pfn, whether a block is shared, asked
 * of the filesystem through sb->s_share_ops), and the WARN queue a design
 * reports through.  Nothing design- or filesystem-specific lives here.
 */
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>

#include "dax.h"
#include "fs.h"
#include "pagemap.h"
#include "share.h"
#include "sim.h"

const struct dax_share_ops *share_ops;

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
	if (share_ops->pagecache && share_ops->pagecache->unshared)
		share_ops->pagecache->unshared(pfn - PMEM_PFN_BASE, nr);
}

bool share_block_is_shared(pfn_t pfn)
{
	struct super_block *sb = sim->sb;

	return sb && sb->s_share_ops && pfn >= PMEM_PFN_BASE &&
	       sb->s_share_ops->block_shared(sb, pfn - PMEM_PFN_BASE);
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

static bool collect_inode(struct inode *inode, void *arg)
{
	dax_walk_entries(inode->i_mapping, 0, MAX_LFS_FILESIZE >> PAGE_SHIFT, collect_entry, arg);
	return true;
}

GTree *share_collect_entries(void)
{
	GTree *t = g_tree_new_full(pfn_cmp, NULL, g_free, owners_free);

	if (sim->sb)
		sb_for_each_inode(sim->sb, collect_inode, t);
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

struct pending_warning {
	char id[24];
	char msg[200];
};
static struct pending_warning pending[32];
static int npending;

void share_warn(const char *id, const char *fmt, ...)
{
	struct pending_warning *w;
	va_list ap;

	if (npending >= (int)ARRAY_SIZE(pending))
		return;
	w = &pending[npending++];
	snprintf(w->id, sizeof(w->id), "%s", id);
	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
	printk("WARNING: %s\n", w->msg);
}

int share_drain_warnings(share_report_fn report, void *arg)
{
	int n = npending;

	for (int i = 0; i < npending; i++)
		report(pending[i].id, pending[i].msg, arg);
	npending = 0;
	return n;
}
