// SPDX-License-Identifier: MIT
/*
 * SEEK_HOLE / SEEK_DATA over a filesystem's iomap (fs/iomap/seek.c), and
 * the probe of the cache that unwritten ranges need (mapping_seek_hole_data
 * in mm/filemap.c): an unwritten extent holds data where the cache has an
 * uptodate folio, or, on a DAX file, any DAX entry (a value entry in the
 * kernel's xarray, which the probe counts as data).
 */
#include <errno.h>

#include "dax.h"
#include "fs.h"
#include "iomap.h"
#include "pagemap.h"
#include "page_ref.h"

static bool index_has_data(struct address_space *mapping, pgoff_t index)
{
	struct folio *folio;
	pgoff_t base;

	if (dax_lookup_slot(mapping, index, &base))
		return true;
	folio = filemap_get_entry(mapping, index);
	return folio && page_test_flag(folio, PG_FOLIO_UPTODATE);
}

/*
 * The first byte in [start, end) that is data (@seek_data) or not: start
 * itself or a page boundary; end if none (-ENXIO for data, as the kernel).
 */
int64_t mapping_seek_hole_data(struct address_space *mapping, uint64_t start, uint64_t end,
			       bool seek_data)
{
	for (uint64_t pos = start; pos < end; pos = (pos & ~(uint64_t)(PAGE_SIZE - 1)) + PAGE_SIZE)
		if (index_has_data(mapping, pos >> PAGE_SHIFT) == seek_data)
			return (int64_t)pos;
	return seek_data ? -ENXIO : (int64_t)end;
}

static int64_t iomap_seek(struct inode *inode, uint64_t pos, const struct iomap_ops *ops,
			  bool seek_data)
{
	uint64_t size = i_size_read(inode);

	if (pos >= size)
		return -ENXIO;
	while (pos < size) {
		struct iomap iomap, srcmap;
		uint64_t end;
		int64_t found;
		int err = ops->iomap_begin(inode, pos, size - pos, IOMAP_REPORT, &iomap, &srcmap);

		if (err)
			return err;
		end = MIN(iomap.offset + iomap.length, size);
		switch (iomap.type) {
		case IOMAP_UNWRITTEN:
			found = mapping_seek_hole_data(inode->i_mapping, pos, end, seek_data);
			if (found >= 0 && (uint64_t)found < end)
				return found;
			break;
		case IOMAP_HOLE:
			if (!seek_data)
				return (int64_t)pos;
			break;
		default:
			if (seek_data)
				return (int64_t)pos;
			break;
		}
		pos = end;
	}
	/* an implied hole at EOF; no data past it */
	return seek_data ? -ENXIO : (int64_t)size;
}

int64_t iomap_seek_hole(struct inode *inode, uint64_t pos, const struct iomap_ops *ops)
{
	return iomap_seek(inode, pos, ops, false);
}

int64_t iomap_seek_data(struct inode *inode, uint64_t pos, const struct iomap_ops *ops)
{
	return iomap_seek(inode, pos, ops, true);
}
