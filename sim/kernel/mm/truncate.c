// SPDX-License-Identifier: MIT
/*
 * Taking folios out of the page cache (mm/truncate.c): by range for
 * truncate, hole punch and the filesystem's invalidation before it
 * remaps blocks (truncate_inode_pages_range, truncate_pagecache_range),
 * beyond EOF (truncate_pagecache), all of them when an inode leaves
 * memory (truncate_inode_pages_final), and the clean ones around direct
 * I/O (invalidate_inode_pages2_range).  Page tables are unmapped first;
 * a folio a PTE still holds lives until that PTE goes.
 */
#include <errno.h>
#include <string.h>

#include "bug.h"
#include "dax.h"
#include "fs.h"
#include "lock.h"
#include "mm.h"
#include "pagemap.h"
#include "page_ref.h"
#include "trace.h"

struct trunc_args {
	uint64_t lstart, lend;	/* bytes, inclusive */
	bool only_clean;	/* invalidate: a dirty folio stays (and is counted) */
	int busy;
};

static bool truncate_one(struct address_space *mapping, pgoff_t index, struct folio *slot,
			 void *arg)
{
	struct trunc_args *t = arg;
	uint64_t fstart = (uint64_t)index << PAGE_SHIFT, fend = fstart + PAGE_SIZE - 1;
	bool gone, busy;

	folio_get(slot);
	folio_lock(slot, mapping, index);
	gone = filemap_get_entry(mapping, index) != slot;
	/* invalidate_complete_folio2() fails on a dirty folio: it stays */
	busy = !gone && t->only_clean && page_test_flag(slot, PG_FOLIO_DIRTY);
	t->busy += busy;
	if (gone || busy) {
		folio_unlock(slot, mapping, index);
		folio_put(slot);
		return true;
	}
	if (fstart < t->lstart || fend > t->lend) {
		/* truncate_inode_partial_folio(): zero the part in range, keep it */
		uint64_t s = MAX(fstart, t->lstart), e = MIN(fend, t->lend);

		if (!folio_slot_shared(slot))
			memset(folio_address(slot) + (s - fstart), 0, e - s + 1);
		folio_unlock(slot, mapping, index);
		folio_put(slot);
		return true;
	}
	folio_unlock(slot, mapping, index);
	filemap_remove_folio(mapping, index);
	folio_put(slot);
	return true;
}

void truncate_inode_pages_range(struct address_space *mapping, uint64_t lstart, uint64_t lend)
{
	struct trunc_args t = { lstart, lend, false, 0 };

	if (!mapping->i_folios || lend < lstart)
		return;
	filemap_walk(mapping, lstart >> PAGE_SHIFT, lend >> PAGE_SHIFT, truncate_one, &t);
}

void truncate_inode_pages_final(struct address_space *mapping)
{
	truncate_inode_pages_range(mapping, 0, UINT64_MAX);
	if (mapping->i_folios) {
		BUG_ON(g_tree_nnodes(mapping->i_folios));
		g_tree_destroy(mapping->i_folios);
		mapping->i_folios = NULL;
	}
}

void truncate_pagecache(struct inode *inode, uint64_t newsize)
{
	struct address_space *mapping = inode->i_mapping;
	pgoff_t holebegin = (newsize + PAGE_SIZE - 1) >> PAGE_SHIFT;

	unmap_mapping_pages(mapping, holebegin, 0, true);
	truncate_inode_pages_range(mapping, newsize, UINT64_MAX);
	unmap_mapping_pages(mapping, holebegin, 0, true);
}

void truncate_pagecache_range(struct inode *inode, uint64_t lstart, uint64_t lend)
{
	struct address_space *mapping = inode->i_mapping;
	pgoff_t first = (lstart + PAGE_SIZE - 1) >> PAGE_SHIFT, last = (lend + 1) >> PAGE_SHIFT;

	if (last > first)
		unmap_mapping_pages(mapping, first, last - first, false);
	truncate_inode_pages_range(mapping, lstart, lend);
}

int invalidate_inode_pages2_range(struct address_space *mapping, pgoff_t start, pgoff_t end)
{
	/* whole pages: truncate_one never keeps a partial folio here */
	struct trunc_args t = { (uint64_t)start << PAGE_SHIFT,
				end >= (UINT64_MAX >> PAGE_SHIFT) ? UINT64_MAX :
				((uint64_t)end << PAGE_SHIFT) + PAGE_SIZE - 1, true, 0 };

	if (IS_DAX(mapping->host))	/* DAX entries, not folios */
		return dax_invalidate_mapping_range(mapping, start, end);
	if (!mapping->i_folios || end < start)
		return 0;
	unmap_mapping_pages(mapping, start, end - start + 1, false);
	filemap_walk(mapping, start, end, truncate_one, &t);
	return t.busy ? -EBUSY : 0;
}
