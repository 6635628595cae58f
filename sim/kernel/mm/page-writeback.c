// SPDX-License-Identifier: MIT
/*
 * Dirty tracking and writeback (mm/page-writeback.c, mm/filemap.c's
 * filemap_write_and_wait_range): a folio is dirtied by a buffered write or
 * page_mkwrite and cleaned by the filesystem's ->writepages, called by
 * fsync, msync, remount, unmount (the end of a scenario) and before the
 * filesystem invalidates a range.  A design's shared folio is never dirty.
 */
#include "bug.h"
#include "fs.h"
#include "pagemap.h"
#include "page_ref.h"

void folio_mark_dirty(struct folio *folio)
{
	BUG_ON(!(folio->flags & PG_FOLIO_LOCKED) || folio_slot_shared(folio));
	page_set_flag(folio, PG_FOLIO_DIRTY | PG_FOLIO_UPTODATE);
}

int filemap_write_and_wait_range(struct address_space *mapping, uint64_t start, uint64_t end)
{
	if (!mapping->i_folios || !mapping->a_ops->writepages || end < start)
		return 0;
	return mapping->a_ops->writepages(mapping, start >> PAGE_SHIFT, end >> PAGE_SHIFT);
}
