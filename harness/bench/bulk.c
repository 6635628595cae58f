// SPDX-License-Identifier: MIT
/*
 * Whole-file operations on 1 GiB: reflink (FICLONE of the whole file into a
 * new file: xfs_reflink_remap_range) and truncate to 0 of a file that is
 * mmapped and fully faulted in (xfs_setattr_size: break layouts, unmap,
 * delete the DAX entries, free the extents).  One call is one operation;
 * the wall time of that call is reported.  A fragmented file (one extent
 * per block) shows the per-extent cost of reflink.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define GIB	(1ULL << 30)

struct reflink_arg {
	struct xfs_inode	*src;
	struct xfs_inode	*dst;
};

static void reflink_setup(void *arg)
{
	struct reflink_arg *a = arg;
	int err = xfs_create(XFS_M(sim->sb), "clone", &a->dst);

	if (err)
		die("xfs_create clone: %d", err);
}

static uint64_t reflink_pass(void *arg)
{
	struct reflink_arg *a = arg;
	uint64_t len = 0;	/* 0: to the source EOF, as FICLONE */
	bool same;
	int err = xfs_reflink_remap_range(a->src, 0, a->dst, 0, &len, false, &same);

	if (err)
		die("reflink: %d", err);
	return 1;
}

static void reflink_teardown(void *arg)
{
	struct reflink_arg *a = arg;

	if (VFS_I(a->dst)->i_size != VFS_I(a->src)->i_size)
		die("reflink copied %llu of %llu bytes", (unsigned long long)VFS_I(a->dst)->i_size,
		    (unsigned long long)VFS_I(a->src)->i_size);
	world_unlink("clone");
}

static const struct bench_case reflink_case = { reflink_setup, reflink_pass, reflink_teardown };

struct trunc_arg {
	struct xfs_inode	*ip;
	bool			huge;
	struct file		*f;
	struct vm_area_struct	*vma;
	uint64_t		entries;
};

static void trunc_setup(void *arg)
{
	struct trunc_arg *a = arg;
	uint64_t step = a->huge ? PMD_SIZE : PAGE_SIZE;

	if (VFS_I(a->ip)->i_size != GIB)
		world_fill(a->ip, GIB, PMD_SIZE, 0xab);
	a->f = world_open(a->ip);
	a->vma = world_mmap(a->f, GIB, a->huge);
	for (uint64_t off = 0; off < GIB; off += step)
		world_touch(a->vma->vm_start + off, false);
	a->entries = VFS_I(a->ip)->i_mapping->nrentries;
}

static uint64_t trunc_pass(void *arg)
{
	struct trunc_arg *a = arg;
	int err = xfs_setattr_size(a->ip, 0);

	if (err)
		die("truncate: %d", err);
	return 1;
}

static void trunc_teardown(void *arg)
{
	struct trunc_arg *a = arg;

	if (VFS_I(a->ip)->i_mapping->nrentries)
		die("truncate left %llu entries", (unsigned long long)VFS_I(a->ip)->i_mapping->nrentries);
	world_munmap(a->vma);
	world_close(a->f);
}

static const struct bench_case trunc_case = { trunc_setup, trunc_pass, trunc_teardown };

/*
 * One extent per written block: a sparse file with a block written at every
 * other block offset (file offsets are not contiguous, so neither the
 * extents nor their rmap records can merge).  Made while the 1 GiB file
 * exists.
 */
static struct xfs_inode *fragmented_file(uint64_t extents)
{
	struct xfs_inode *ip;
	unsigned char buf[PAGE_SIZE];
	struct file *f;
	char name[32];

	snprintf(name, sizeof(name), "frag.%llu", (unsigned long long)extents);
	if (xfs_create(XFS_M(sim->sb), name, &ip))
		die("xfs_create %s", name);
	memset(buf, 0x3c, sizeof(buf));
	f = world_open(ip);
	for (uint64_t i = 0; i < extents; i++)
		if (vfs_write(f, buf, PAGE_SIZE, 2 * i * PAGE_SIZE) != PAGE_SIZE)
			die("fragmented write");
	world_close(f);
	if (xfs_iext_count(ip->i_df) != extents)
		die("%s has %llu extents, wanted %llu", name,
		    (unsigned long long)xfs_iext_count(ip->i_df), (unsigned long long)extents);
	return ip;
}

void sim_bulk_measure(struct sim_bulk *sb, int reps)
{
	struct reflink_arg ra;
	struct trunc_arg ta = { 0 };

	fprintf(stderr, "bench: reflink 1 GiB...\n");
	ra.src = world_file("big", GIB, PMD_SIZE, 0xab);
	sb->reflink_1g_extents = xfs_iext_count(ra.src->i_df);
	sb->reflink_1g = bench_run(&reflink_case, &ra, reps);

	for (int i = 0; i < FRAG_SIZES; i++) {
		ra.src = fragmented_file(1024ULL << (2 * i));
		sb->reflink_frag_extents[i] = xfs_iext_count(ra.src->i_df);
		sb->reflink_frag_bytes[i] = VFS_I(ra.src)->i_size;
		sb->reflink_frag[i] = bench_run(&reflink_case, &ra, reps);
	}

	fprintf(stderr, "bench: truncate 1 GiB mapped...\n");
	ta.ip = xfs_lookup(XFS_M(sim->sb), "big");
	ta.huge = true;
	sb->truncate_pmd = bench_run(&trunc_case, &ta, reps);
	sb->truncate_pmd_entries = ta.entries;
	ta.huge = false;
	sb->truncate_pte = bench_run(&trunc_case, &ta, reps);
	sb->truncate_pte_entries = ta.entries;
}
