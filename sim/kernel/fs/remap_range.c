// SPDX-License-Identifier: MIT
/*
 * fs/remap_range.c's vfs_dedupe_file_range_compare() for page-cache
 * files: both ranges are read through the page cache, page by page, and
 * compared.  The kernel holds both folios locked (vfs_lock_two_folios);
 * daxsim copies the source page out first and holds one folio lock at a
 * time, which compares the same bytes under IOLOCK of both inodes.
 */
#include <string.h>

#include "fs.h"
#include "lock.h"
#include "pagemap.h"

int vfs_dedupe_file_range_compare(struct inode *src, uint64_t srcoff, struct inode *dst,
				  uint64_t dstoff, uint64_t len, bool *same)
{
	*same = true;
	while (len && *same) {
		uint64_t so = srcoff & (PAGE_SIZE - 1), doff = dstoff & (PAGE_SIZE - 1);
		uint64_t n = MIN(len, MIN(PAGE_SIZE - so, PAGE_SIZE - doff));
		struct folio *sf, *df;
		int err = filemap_grab_folio(src->i_mapping, srcoff >> PAGE_SHIFT, false, &sf);

		if (err)
			return err;
		/* one folio at a time: the source's bytes are copied out first */
		unsigned char buf[PAGE_SIZE];

		memcpy(buf, folio_address(sf) + so, n);
		filemap_put_folio(sf, src->i_mapping, srcoff >> PAGE_SHIFT);
		err = filemap_grab_folio(dst->i_mapping, dstoff >> PAGE_SHIFT, false, &df);
		if (err)
			return err;
		*same = memcmp(buf, folio_address(df) + doff, n) == 0;
		filemap_put_folio(df, dst->i_mapping, dstoff >> PAGE_SHIFT);
		srcoff += n;
		dstoff += n;
		len -= n;
	}
	return 0;
}
