/* SPDX-License-Identifier: MIT */
/*
 * The DAX device under a filesystem (drivers/dax/super.c) and the
 * ZONE_DEVICE page map of the pmem driver (include/linux/memremap.h).
 *
 * A filesystem claims the device at mount with fs_dax_get(), naming itself
 * the holder with its dax_holder_operations; memory failure on the device's
 * pages then reaches the filesystem only through
 * pgmap->ops->memory_failure -> dax_holder_notify_failure() -> the holder's
 * ->notify_failure, never by name (the XFS function is static).
 */
#ifndef DAXSIM_DAX_DEVICE_H
#define DAXSIM_DAX_DEVICE_H

#include "types.h"

struct dax_device;

/* mf_flags (include/linux/mm.h) */
#define MF_ACTION_REQUIRED	(1U << 0)	/* a task touched it (MCE) or injected it */
/*
 * madvise(MADV_HWPOISON): a software injection.  The page is marked
 * HWPoison and its mappers handled, but the media is fine: nothing goes on
 * the pmem badblocks list, so a later fault maps the block again
 * (dax_direct_access() consults badblocks, not the page flag).
 */
#define MF_SW_SIMULATED		(1U << 1)
/*
 * daxsim: the sharing design already found and handled the data owners;
 * the holder is asked only whether the range holds its metadata.
 */
#define MF_META_ONLY		(1U << 16)

struct dax_holder_operations {
	/*
	 * @offset/@len in bytes on the device.  0 when handled, -EOPNOTSUPP
	 * when the holder cannot find owners (the caller falls back to the
	 * generic page->mapping path), another negative errno on failure.
	 */
	int (*notify_failure)(struct dax_device *dax_dev, uint64_t offset,
			      uint64_t len, unsigned int mf_flags);
};

struct dax_device {
	void					*holder_data;
	const struct dax_holder_operations	*holder_ops;
	/*
	 * The fsdax namespace's pfn alignment (ndctl create-namespace
	 * --align; 2 MiB by default).  Under PMD_SIZE the data's pfns are not
	 * PMD-aligned and dax_iomap_direct_access() refuses a PMD: the fault
	 * falls back to PTEs.
	 */
	unsigned long				align;
};

struct dax_device *alloc_dax(void);
void put_dax(struct dax_device *dax_dev);
/* fs_dax_get_by_bdev(): claim the device; -EBUSY if another holder has it. */
int fs_dax_get(struct dax_device *dax_dev, void *holder,
	       const struct dax_holder_operations *ops);
void fs_put_dax(struct dax_device *dax_dev, void *holder);
void *dax_holder(struct dax_device *dax_dev);
int dax_holder_notify_failure(struct dax_device *dax_dev, uint64_t offset,
			      uint64_t len, unsigned int mf_flags);

/* The pmem driver's page map: memory_failure_dev_pagemap() asks it first. */
struct dev_pagemap;
struct dev_pagemap_ops {
	int (*memory_failure)(struct dev_pagemap *pgmap, pfn_t pfn,
			      uint64_t nr_pages, unsigned int mf_flags);
};
/*
 * What the ZONE_DEVICE pages are (include/linux/memremap.h): the pmem
 * driver's pages under a filesystem, or device DAX's (dev_dax_probe sets
 * MEMORY_DEVICE_GENERIC, with no ->memory_failure: memory failure takes
 * the generic page->mapping path).
 */
enum memory_type {
	MEMORY_DEVICE_FS_DAX,
	MEMORY_DEVICE_GENERIC,
};

struct dev_pagemap {
	const struct dev_pagemap_ops	*ops;
	void				*owner;		/* the driver's device */
	enum memory_type		type;
};

#endif
