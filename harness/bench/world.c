// SPDX-License-Identifier: MIT
/*
 * A simulated world built the way `daxsim run` builds one for
 * `pmem size=... ; mkfs` (sim/scn/cmds_sim.c do_pmem/do_mkfs) and driven
 * through the same public functions the xfs_io commands call
 * (sim/scn/cmds_io.c): xfs_create, vfs_write, do_mmap, mm_access,
 * do_munmap, xfs_remove.  No checker runs and no reference model is kept:
 * the figures are the simulated kernel paths alone.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "share_registry.h"
#include "bench.h"
#include "lock.h"
#include "share.h"

static struct bench_world *cur;

void world_create(struct bench_world *bw, uint64_t pmem_bytes)
{
	world_create_dax(bw, pmem_bytes, XFS_DAX_ALWAYS);	/* the CLI default */
}

void world_create_dax(struct bench_world *bw, uint64_t pmem_bytes, enum xfs_dax_mode dax)
{
	struct xfs_mkfs_opts o = { 4096, true, true, dax, 4 };
	struct xfs_mount *mp;
	char err[600];

	memset(bw, 0, sizeof(*bw));
	sim_world_init(&bw->world);
	share_ops = share_find(SHARE_DEFAULT);
	share_designs_init();
	if (pmem_create(&sim->pmem, pmem_bytes, PMEM_BACKING_AUTO, NULL, err, sizeof(err)))
		die("%s", err);
	memmap_init(&sim->memmap, sim->pmem.nr_pages);
	sim->have_pmem = true;
	if (xfs_mkfs(&sim->pmem, &o, &mp, err, sizeof(err)))
		die("%s", err);
	sim->sb = &mp->m_super;
	bw->task = task_create("bench", sim->next_pid++);
	lock_current = &bw->task->lockctx;	/* every call below runs as the task */
	cur = bw;
}

void world_destroy(struct bench_world *bw)
{
	lock_current = &sim->kthread->lockctx;
	task_free(bw->task);
	sim_world_destroy(&bw->world);
	share_designs_destroy();
	cur = NULL;
}

const char *world_backing(void)
{
	return pmem_backing_name(sim->pmem.backing);
}

void world_fill(struct xfs_inode *ip, uint64_t bytes, uint64_t chunk, unsigned char fill)
{
	unsigned char *buf = g_malloc(chunk);
	struct file *f = alloc_file(VFS_I(ip), "fill", false);

	memset(buf, fill, chunk);
	for (uint64_t off = 0; off < bytes; off += chunk) {
		int64_t w = vfs_write(f, buf, MIN(chunk, bytes - off), off);

		if (w != (int64_t)MIN(chunk, bytes - off))
			die("vfs_write at %llu: %lld", (unsigned long long)off, (long long)w);
	}
	fput(f);
	g_free(buf);
}

struct xfs_inode *world_file(const char *name, uint64_t bytes, uint64_t chunk,
			     unsigned char fill)
{
	struct xfs_inode *ip;
	int err = xfs_create(XFS_M(sim->sb), name, &ip);

	if (err)
		die("xfs_create %s: %d", name, err);
	world_fill(ip, bytes, chunk, fill);
	return ip;
}

struct file *world_open(struct xfs_inode *ip)
{
	return alloc_file(VFS_I(ip), ip->i_name ? ip->i_name : "?", false);
}

void world_close(struct file *f)
{
	if (f->f_count != 1)
		die("world_close: file still mapped");
	fput(f);
}

void world_unlink(const char *name)
{
	int err = xfs_remove(XFS_M(sim->sb), name);

	if (err)
		die("xfs_remove %s: %d", name, err);
}

struct vm_area_struct *world_mmap(struct file *f, uint64_t len, bool huge)
{
	int err = 0;
	struct vm_area_struct *vma = do_mmap(cur->task, f, 0, len,
					     VM_READ | VM_WRITE | VM_SHARED, 0, &err);

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
