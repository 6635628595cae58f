/* SPDX-License-Identifier: MIT */
/*
 * The simulated pmem device: a file mapped into the simulator that holds the
 * real data.  Sparse: pages cost nothing until written.  Also the device's
 * badblocks list (poisoned ranges, in blocks), which survives remount.
 */
#ifndef DAXSIM_PMEM_H
#define DAXSIM_PMEM_H

#include "dax_device.h"
#include "types.h"

enum pmem_backing {
	PMEM_BACKING_AUTO,
	PMEM_BACKING_HUGETLBFS,
	PMEM_BACKING_MEMFD_HUGETLB,
	PMEM_BACKING_MEMFD_THP,
	PMEM_BACKING_MEMFD,
	PMEM_BACKING_FILE,
};

struct pmem_device {
	uint64_t	size;		/* bytes, multiple of PMD_SIZE */
	uint64_t	nr_pages;
	unsigned char	*kaddr;		/* the mapping of the backing */
	int		fd;
	enum pmem_backing backing;	/* what was obtained */
	enum pmem_backing want;		/* what was asked for */
	bool		reusable;	/* a memfd (asked for, or the default's): kept for the next such device */
	uint64_t	*written;	/* reusable: a bit per block the filesystem allocated */
	char		why[512];	/* why the better backings were not */
	char		*path;		/* file: backing, else NULL */
	struct badblocks *bb;
	struct dax_device *dax_dev;	/* what a filesystem claims at mount */
	struct dev_pagemap pgmap;	/* ops->memory_failure: pmem_pagemap_memory_failure */
};

/* Parse "auto", "hugetlbfs", "memfd", "file:PATH".  Returns 0 or -EINVAL. */
int pmem_parse_backing(const char *s, enum pmem_backing *b, char **path);

/*
 * Create the device.  On failure returns a negative errno and puts a
 * user-facing message in @err (never a partial file left behind).
 */
int pmem_create(struct pmem_device *pd, uint64_t size, enum pmem_backing want,
		const char *path, char *err, size_t errlen);
void pmem_destroy(struct pmem_device *pd);
/* The largest device pmem_create() accepts on this host, and why (for `daxsim info`). */
uint64_t pmem_size_cap(char *why, size_t whylen);
const char *pmem_backing_name(enum pmem_backing b);

/*
 * The filesystem allocated [bno, bno + nr) and may write it (xfs_bmap_alloc):
 * a reused backing zeroes exactly these blocks (pmem.c, "spare").
 */
static inline void pmem_mark_written(struct pmem_device *pd, uint64_t bno, uint64_t nr)
{
	if (!pd->written)
		return;
	for (uint64_t b = bno; b < bno + nr && b < pd->nr_pages; b++)
		pd->written[b / 64] |= 1ULL << (b % 64);
}

/*
 * The filesystem allocated [bno, bno + nr) asking for zeroed blocks
 * (XFS_BMAPI_ZERO): zero them and mark them written.  On a reusable
 * backing a block not marked since the device was made or the backing
 * reset reads as zeros already (pmem.c, "spare"), so only marked blocks
 * are cleared; other backings clear every block.
 */
void pmem_zero_new_blocks(struct pmem_device *pd, uint64_t bno, uint64_t nr);

static inline unsigned char *pmem_block_kaddr(struct pmem_device *pd, uint64_t bno)
{
	return pd->kaddr + (bno << PAGE_SHIFT);
}

/* Badblocks (block units): add/clear/query, ordered. */
struct badblocks *badblocks_create(void);
/* One page of block I/O at @bno (the page cache's reads and writeback): 0 or -EIO. */
int pmem_submit_bio(uint64_t bno, void *buf, bool write);
void badblocks_destroy(struct badblocks *bb);
void badblocks_set(struct badblocks *bb, uint64_t bno, uint64_t len);
void badblocks_clear(struct badblocks *bb, uint64_t bno, uint64_t len);
/* First bad block in [bno, bno+len), or false. */
bool badblocks_check(const struct badblocks *bb, uint64_t bno, uint64_t len,
		     uint64_t *first_bad);
uint64_t badblocks_count(const struct badblocks *bb);

#endif
