// SPDX-License-Identifier: MIT
/* The stubfs machine fixture (see stub_world.h). */
#include <check.h>

#include "lock.h"
#include "lockdep.h"
#include "memmap.h"
#include "pmem.h"
#include "share.h"
#include "share_registry.h"
#include "stub_world.h"

struct sim_world stub_world;
struct task_struct *stub_tsk[2];
int stub_held0;

void stub_world_setup(void)
{
	char err[600];

	sim_world_init(&stub_world);
	share_designs_init();
	ck_assert_msg(pmem_create(&stub_world.pmem, STUB_WORLD_BLOCKS * PAGE_SIZE,
				  PMEM_BACKING_MEMFD, NULL, err, sizeof(err)) == 0, "%s", err);
	memmap_init(&stub_world.memmap, stub_world.pmem.nr_pages);
	stub_world.have_pmem = true;
	stub_world.sb = stub_fs_mount(stub_world.pmem.nr_pages);
	share_ops = share_find("mainline");	/* the tests assert its folio encoding */
	ck_assert_msg(lockdep_enable(NULL, err, sizeof(err)) == 0, "%s", err);
	lockdep_where("stub_world", "unit", share_ops->name);
	stub_tsk[0] = task_create("p1", 101);
	stub_tsk[1] = task_create("p2", 102);
	lock_current = &stub_tsk[0]->lockctx;
	stub_held0 = lock_total_held();
}

static void collect_report(const struct lockdep_report *rep, void *arg)
{
	g_string_append(arg, rep->block);
}

void stub_world_teardown(void)
{
	GString *reports = g_string_new(NULL);
	int failed;

	lock_current = &stub_world.kthread->lockctx;
	for (size_t i = 0; i < ARRAY_SIZE(stub_tsk); i++) {
		task_free(stub_tsk[i]);
		stub_tsk[i] = NULL;
	}
	sim_world_destroy(&stub_world);	/* unmounts stubfs */
	share_designs_destroy();
	failed = lockdep_drain(collect_report, reports);
	lockdep_disable();
	ck_assert_msg(failed == 0, "lock validator:\n%s", reports->str);
	g_string_free(reports, TRUE);
}

static int64_t file_io(struct inode *inode, void *buf, uint64_t len, uint64_t pos,
		       bool write)
{
	struct file *f = alloc_file(inode, STUB_I(inode)->name, !write);
	int64_t ret = write ? vfs_write(f, buf, len, pos) : vfs_read(f, buf, len, pos);

	fput(f);
	return ret;
}

int64_t stub_pwrite(struct inode *inode, const void *buf, uint64_t len, uint64_t pos)
{
	return file_io(inode, (void *)buf, len, pos, true);
}

int64_t stub_pread(struct inode *inode, void *buf, uint64_t len, uint64_t pos)
{
	return file_io(inode, buf, len, pos, false);
}

int stub_fsync(struct inode *inode, uint64_t start, uint64_t end)
{
	struct file *f = alloc_file(inode, STUB_I(inode)->name, false);
	int ret = vfs_fsync_range(f, start, end, 0);

	fput(f);
	return ret;
}
