// SPDX-License-Identifier: MIT
/*
 * A simulated world built the way `daxsim run` builds one for
 * `pmem size=... ; mkfs` (sim/cmds_sim.c do_pmem/do_mkfs) and driven
 * through the same public functions the xfs_io commands call
 * (sim/cmds_io.c): xfs_create, xfs_file_write, do_mmap, mm_access,
 * do_munmap, xfs_remove.  No checker runs and no reference model is kept:
 * the figures are the simulated kernel paths alone.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "bench.h"
#include "lock.h"
#include "share.h"

static struct bench_world *cur;

void world_create(struct bench_world *bw, uint64_t pmem_bytes)
{
	struct xfs_mkfs_opts o = { 4096, true, true, XFS_DAX_ALWAYS, 4 };	/* the CLI default */
	char err[600];

	memset(bw, 0, sizeof(*bw));
	sim_world_init(&bw->world, stdout);
	share_ops = share_find(SHARE_DEFAULT);
	if (pmem_create(&sim->pmem, pmem_bytes, PMEM_BACKING_AUTO, NULL, err, sizeof(err)))
		die("%s", err);
	memmap_init(&sim->memmap, sim->pmem.nr_pages);
	sim->have_pmem = true;
	if (xfs_mkfs(&sim->pmem, &o, &sim->mp, err, sizeof(err)))
		die("%s", err);
	bw->task = task_create("bench", sim->next_pid++);
	lock_current = &bw->task->lockctx;	/* every call below runs as the task */
	cur = bw;
}

void world_destroy(struct bench_world *bw)
{
	lock_current = &sim->kthread->lockctx;
	task_free(bw->task);
	sim_world_destroy(&bw->world);
	cur = NULL;
}

const char *world_backing(void)
{
	return pmem_backing_name(sim->pmem.backing);
}

void world_fill(struct xfs_inode *ip, uint64_t bytes, uint64_t chunk, unsigned char fill)
{
	unsigned char *buf = g_malloc(chunk);

	memset(buf, fill, chunk);
	for (uint64_t off = 0; off < bytes; off += chunk) {
		int64_t w = xfs_file_write(ip, off, MIN(chunk, bytes - off), buf);

		if (w != (int64_t)MIN(chunk, bytes - off))
			die("xfs_file_write at %llu: %lld", (unsigned long long)off, (long long)w);
	}
	g_free(buf);
}

struct xfs_inode *world_file(const char *name, uint64_t bytes, uint64_t chunk,
			     unsigned char fill)
{
	struct xfs_inode *ip;
	int err = xfs_create(sim->mp, name, &ip);

	if (err)
		die("xfs_create %s: %d", name, err);
	world_fill(ip, bytes, chunk, fill);
	return ip;
}

struct sim_file *world_open(struct xfs_inode *ip)
{
	struct sim_file *f = g_new0(struct sim_file, 1);

	xfs_ihold(ip);
	f->ip = ip;
	f->name = g_strdup(ip->i_name ? ip->i_name : "?");
	f->refs = 1;
	return f;
}

void world_close(struct sim_file *f)
{
	if (--f->refs)
		die("world_close: file still mapped");
	xfs_irele(f->ip);
	g_free(f->name);
	g_free(f);
}

void world_unlink(const char *name)
{
	int err = xfs_remove(sim->mp, name);

	if (err)
		die("xfs_remove %s: %d", name, err);
}

struct vm_area_struct *world_mmap(struct sim_file *f, uint64_t len, bool huge)
{
	int err = 0;
	struct vm_area_struct *vma = do_mmap(cur->task, f, 0, len,
					     VM_READ | VM_WRITE | VM_SHARED, &err);

	if (!vma)
		die("do_mmap: %d", err);
	if (!huge)
		vma->vm_flags &= ~VM_HUGEPAGE;	/* madvise(MADV_NOHUGEPAGE) */
	return vma;
}

void world_munmap(struct vm_area_struct *vma)
{
	do_munmap(cur->task, vma);
}

void world_touch(uint64_t addr, bool write)
{
	unsigned char b = 0x77;

	if (mm_access(cur->task, addr, &b, 1, write))
		die("mm_access at 0x%llx raised a signal", (unsigned long long)addr);
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

void world_populate_backing(void)
{
	struct pmem_device *pd = &sim->pmem;

	if (madvise(pd->kaddr, pd->size, MADV_POPULATE_WRITE) == 0)
		return;
	/* older kernels: touch one byte per host page, keeping the data */
	for (uint64_t off = 0; off < pd->size; off += PAGE_SIZE)
		((volatile unsigned char *)pd->kaddr)[off] = pd->kaddr[off];
}
