// SPDX-License-Identifier: MIT
/* The unit tests' simulated world fixture (see unit_world.h). */
#include <check.h>

#include "share_registry.h"
#include "lock.h"
#include "memmap.h"
#include "pmem.h"
#include "share.h"
#include "unit_check.h"
#include "unit_world.h"
#include "xfs_mount.h"

struct sim_world ut_world;
struct task_struct *ut_tsk[2];
int ut_held0;

void ut_world_setup(void)
{
	struct xfs_mkfs_opts o = { 4096, true, true, XFS_DAX_ALWAYS, 4 };
	struct xfs_mount *mp;
	char err[600];

	sim_world_init(&ut_world);
	share_designs_init();
	ck_assert_msg(pmem_create(&ut_world.pmem, 64ULL << 20, PMEM_BACKING_MEMFD, NULL,
				  err, sizeof(err)) == 0, "%s", err);
	memmap_init(&ut_world.memmap, ut_world.pmem.nr_pages);
	ut_world.have_pmem = true;
	ck_assert_msg(xfs_mkfs(&ut_world.pmem, &o, &mp, err, sizeof(err)) == 0, "%s", err);
	ut_world.sb = &mp->m_super;
	share_ops = share_find("mainline");	/* the tests assert its folio encoding */
	ut_tsk[0] = task_create("p1", 101);
	ut_tsk[1] = task_create("p2", 102);
	lock_current = &ut_tsk[0]->lockctx;
	ut_held0 = lock_total_held();
}

void ut_world_teardown(void)
{
	lock_current = &ut_world.kthread->lockctx;
	for (size_t i = 0; i < ARRAY_SIZE(ut_tsk); i++) {
		task_free(ut_tsk[i]);
		ut_tsk[i] = NULL;
	}
	sim_world_destroy(&ut_world);
	share_designs_destroy();
}

struct xfs_inode *ut_create_file(const char *name, uint64_t size)
{
	struct xfs_inode *ip;

	ut_assert_int_eq(xfs_create(XFS_M(ut_world.sb), name, &ip), 0);
	if (size)
		ut_assert_int_eq(xfs_setattr_size(ip, size), 0);
	return ip;
}
