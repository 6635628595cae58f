/* SPDX-License-Identifier: MIT */
/*
 * Device DAX (drivers/dax/device.c, drivers/dax/pmem.c): a pmem namespace
 * in devdax mode is no block device and holds no filesystem; it is the
 * character device /dev/dax0.0, whose mmap maps the namespace's pages 1:1
 * (file offset = device offset) at the device's alignment.  The driver is
 * the kernel's second provider of f_op/vm_ops beside a DAX filesystem:
 *
 *   dax_fops:   ->mmap = dax_mmap (check_vma: MAP_SHARED only, start and
 *               end aligned to the device alignment), ->get_unmapped_area
 *               = dax_get_unmapped_area (address colour = offset colour at
 *               the alignment), MAP_SYNC accepted (there is nothing to
 *               sync); no ->read, ->write, ->fsync or ->fallocate, so
 *               read(2)/write(2)/fsync(2) fail with EINVAL and
 *               fallocate(2) is refused.
 *   dax_vm_ops: ->fault = dev_dax_fault, ->huge_fault = dev_dax_huge_fault:
 *               a fault the size of the alignment maps it; a smaller fault
 *               is SIGBUS; a larger one falls back; an offset beyond the
 *               device is SIGBUS.
 *
 * There are no DAX entries (no address_space xarray): the pages' mapping
 * and index are set at the first fault (dax_set_mapping) to the device's
 * own address_space, which is the whole association device DAX needs --
 * one device, no reflink, so a page has exactly one (mapping, index).
 * The pages' dev_pagemap is MEMORY_DEVICE_GENERIC with no
 * ->memory_failure, so memory failure takes mf_generic_kill_procs().
 *
 * 1 GiB alignment: handle_mm_fault() asks ->huge_fault at PUD order first
 * where a GiB fits the vma, and the driver installs a PUD leaf.
 */
#ifndef DAXSIM_DEV_DAX_H
#define DAXSIM_DEV_DAX_H

#include "fs.h"
#include "pmem.h"
#include "types.h"

#define DEV_DAX_NAME	"dax0.0"
#define DEV_DAX_PATH	"/dev/dax0.0"
#define DEV_DAX_INO	1	/* the dax pseudo-fs inode's number */

struct dev_dax_stats {
	uint64_t	pte_faults, pmd_faults, pud_faults, fallbacks, sigbus;
};

struct dev_dax {
	struct pmem_device	*region;	/* the namespace's media */
	uint64_t		align;		/* PAGE_SIZE, PMD_SIZE or PUD_SIZE */
	uint64_t		size;		/* bytes */
	struct inode		inode;		/* S_IFCHR | S_DAX; its i_data is the mapping */
	struct dev_dax_stats	stats;
};

extern const struct file_operations dax_fops;

/*
 * dax_pmem probe + dev_dax_probe: claim the namespace @pd as device DAX
 * with alignment @align (bytes).  -EINVAL if the alignment is not 4 KiB,
 * 2 MiB or 1 GiB, or the size is not a multiple of it.
 */
int dev_dax_probe(struct pmem_device *pd, uint64_t align, struct dev_dax **out);
/* Unbind (power-off): every file and mapping must be gone. */
void dev_dax_remove(struct dev_dax *dev_dax);
/* open("/dev/dax0.0") -> dax_open(): the file, with the device as private_data. */
struct file *dax_open(struct dev_dax *dev_dax, const char *path, bool readonly);

static inline bool inode_is_dev_dax(const struct inode *inode)
{
	return S_ISCHR(inode->i_mode);
}

#endif
