// SPDX-License-Identifier: MIT
/*
 * The syscall-level refusals of the simulated kernel, as Linux returns
 * them: vfs_read/vfs_write/vfs_fsync_range/vfs_fallocate
 * (sim/kernel/fs/read_write.c: a file without the method, loff_t overflow,
 * a read-only file, the superblock's s_maxbytes), do_mmap
 * (sim/kernel/mm/mmap.c: offset overflow, no ->mmap, a writable shared
 * mapping of a read-only file, MAP_SYNC without MAP_SHARED, a length over
 * TASK_SIZE), the pmem driver's and memory_failure()'s range checks, and
 * xfs_create()/xfs_mkfs() refusals.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "dax.h"
#include "fs.h"
#include "memory_failure.h"
#include "mm.h"
#include "pmem.h"
#include "sim.h"
#include "xfs_mount.h"
#include "unit_check.h"
#include "unit_suites.h"
#include "unit_world.h"

#define SZ_4K	0x1000ULL
#define LOFF_MAX ((uint64_t)INT64_MAX)

static struct xfs_inode *ip;
static struct file *rw, *ro;
static char buf[256];

static void setup(void)
{
	ut_world_setup();
	ip = ut_create_file("f", 0);
	rw = alloc_file(VFS_I(ip), "f", false);
	ro = alloc_file(VFS_I(ip), "f", true);
}

static void teardown(void)
{
	fput(rw);
	fput(ro);
	ut_world_teardown();
}

/* A file whose file_operations have none of the methods (a special file). */
START_TEST(test_no_methods)
{
	static const struct file_operations none;
	const struct file_operations *saved = rw->f_op;
	int err = 0;

	rw->f_op = &none;
	ck_assert_int_eq(vfs_read(rw, buf, 1, 0), -EINVAL);
	ck_assert_int_eq(vfs_write(rw, buf, 1, 0), -EINVAL);
	ck_assert_int_eq(vfs_fsync_range(rw, 0, LOFF_MAX, 0), -EINVAL);
	ck_assert_int_eq(vfs_fallocate(rw, 0, 0, SZ_4K), -EOPNOTSUPP);
	ck_assert_ptr_null(do_mmap(ut_tsk[0], rw, 0, SZ_4K, VM_READ | VM_SHARED, 0, &err));
	ck_assert_int_eq(err, -ENODEV);
	rw->f_op = saved;
}
END_TEST

/* rw_verify_area(): pos and pos + count must be loff_t values. */
START_TEST(test_loff_overflow)
{
	ck_assert_int_eq(vfs_read(rw, buf, 1, LOFF_MAX + 1), -EINVAL);
	ck_assert_int_eq(vfs_read(rw, buf, LOFF_MAX + 1, 0), -EINVAL);
	ck_assert_int_eq(vfs_read(rw, buf, 2, LOFF_MAX - 1), -EINVAL);
	ck_assert_int_eq(vfs_write(rw, buf, 2, LOFF_MAX - 1), -EINVAL);
	ck_assert_int_eq(vfs_read(rw, buf, 1, LOFF_MAX - 1), 0);	/* valid: EOF */
	/* fallocate: offset and len are loff_t; their sum past it is EFBIG */
	ck_assert_int_eq(vfs_fallocate(rw, 0, LOFF_MAX + 1, SZ_4K), -EINVAL);
	ck_assert_int_eq(vfs_fallocate(rw, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(vfs_fallocate(rw, 0, 0, LOFF_MAX + 1), -EINVAL);
	ck_assert_int_eq(vfs_fallocate(rw, 0, LOFF_MAX - SZ_4K, 2 * SZ_4K), -EFBIG);
}
END_TEST

START_TEST(test_read_only_file)
{
	int err = 0;

	ck_assert_int_eq(vfs_write(ro, buf, 1, 0), -EBADF);
	ck_assert_int_eq(vfs_fallocate(ro, 0, 0, SZ_4K), -EBADF);
	ck_assert_ptr_null(do_mmap(ut_tsk[0], ro, 0, SZ_4K, VM_READ | VM_WRITE | VM_SHARED, 0, &err));
	ck_assert_int_eq(err, -EACCES);
	/* a private writable mapping of a read-only file is fine: the writes are the task's */
	ck_assert_ptr_nonnull(do_mmap(ut_tsk[0], ro, 0, SZ_4K, VM_READ | VM_WRITE, 0, &err));
}
END_TEST

/* A superblock with a smaller s_maxbytes: writes stop there, beyond it EFBIG. */
START_TEST(test_s_maxbytes)
{
	struct super_block *sb = VFS_I(ip)->i_sb;
	uint64_t max = sb->s_maxbytes;

	memset(buf, 'x', sizeof(buf));
	sb->s_maxbytes = 1 << 20;
	ck_assert_int_eq(vfs_write(rw, buf, 100, 1 << 20), -EFBIG);
	ck_assert_int_eq(vfs_write(rw, buf, 0, 1 << 20), 0);
	ck_assert_int_eq(vfs_write(rw, buf, 100, (1 << 20) - 10), 10);	/* short */
	ck_assert_uint_eq(VFS_I(ip)->i_size, 1 << 20);
	ck_assert_int_eq(vfs_fallocate(rw, 0, (1 << 20) - SZ_4K, 2 * SZ_4K), -EFBIG);
	sb->s_maxbytes = max;
}
END_TEST

START_TEST(test_mmap_refusals)
{
	int err = 0;

	ck_assert_ptr_null(do_mmap(ut_tsk[0], rw, LOFF_MAX + 1, SZ_4K, VM_READ | VM_SHARED, 0, &err));
	ck_assert_int_eq(err, -EOVERFLOW);
	ck_assert_ptr_null(do_mmap(ut_tsk[0], rw, LOFF_MAX + 1 - SZ_4K, 2 * SZ_4K, VM_READ | VM_SHARED, 0, &err));
	ck_assert_int_eq(err, -EOVERFLOW);
	ck_assert_ptr_null(do_mmap(ut_tsk[0], rw, 0, TASK_SIZE + 1, VM_READ | VM_SHARED, 0, &err));
	ck_assert_int_eq(err, -ENOMEM);
	/* MAP_SYNC is for MAP_SHARED_VALIDATE only */
	ck_assert_ptr_null(do_mmap(ut_tsk[0], rw, 0, SZ_4K, VM_READ | VM_WRITE, MAP_SYNC_, &err));
	ck_assert_int_eq(err, -EOPNOTSUPP);
	ck_assert_ptr_nonnull(do_mmap(ut_tsk[0], rw, 0, SZ_4K, VM_READ | VM_WRITE | VM_SHARED, MAP_SYNC_, &err));
	ck_assert_int_eq(g_tree_nnodes(VFS_I(ip)->i_mapping->i_mmap), 1);
}
END_TEST

/* dax_direct_access() past the device, memory_failure() of a pfn that is not pmem. */
START_TEST(test_pfn_ranges)
{
	uint64_t n = ut_world.pmem.nr_pages;
	pfn_t pfn = 0;

	ck_assert_int_eq(dax_direct_access(n - 1, 2, &pfn), -ERANGE);
	ck_assert_int_eq(dax_direct_access(n - 2, 2, &pfn), 0);
	ck_assert_uint_eq(pfn, PMEM_PFN_BASE + n - 2);
	ck_assert_int_eq(memory_failure(PMEM_PFN_BASE - 1, 0, NULL), -ENXIO);
	ck_assert_int_eq(memory_failure(PMEM_PFN_BASE + n, 0, NULL), -ENXIO);
}
END_TEST


/* xfs_create() of a name that exists: EEXIST, the file is untouched. */
START_TEST(test_create_existing_name)
{
	struct xfs_inode *again = NULL;

	ck_assert_int_eq(xfs_create(XFS_M(ut_world.sb), "f", &again), -EEXIST);
	ck_assert_ptr_null(again);
	ck_assert_ptr_eq(xfs_lookup(XFS_M(ut_world.sb), "f"), ip);
}
END_TEST

/* xfs_mkfs()'s refusals come before anything is made (the device is not touched). */
START_TEST(test_mkfs_refusals)
{
	struct pmem_device pd = { .size = 64ULL << 20, .nr_pages = (64ULL << 20) >> 12 };
	struct xfs_mkfs_opts o = { 4096, true, true, XFS_DAX_ALWAYS, 0 };
	struct xfs_mount *mp = NULL;
	char err[300];

	ck_assert_int_eq(xfs_mkfs(&pd, &o, &mp, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "mkfs: agcount=0 out of range (1..64)");
	o.agcount = 65;
	ck_assert_int_eq(xfs_mkfs(&pd, &o, &mp, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "mkfs: agcount=65 out of range (1..64)");
	o.agcount = 1;
	pd.size = 1ULL << 20;	/* 256 blocks: no filesystem fits */
	ck_assert_int_eq(xfs_mkfs(&pd, &o, &mp, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "mkfs: device of 256 blocks is too small for a filesystem (at least 512 blocks, 2 MiB)");
	ck_assert_ptr_null(mp);
}
END_TEST

Suite *vfs_edges_suite(void)
{
	Suite *s = suite_create("vfs_edges");
	TCase *tc = tcase_create("refusals");
	TCase *mk = tcase_create("mkfs");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_no_methods);
	tcase_add_test(tc, test_loff_overflow);
	tcase_add_test(tc, test_read_only_file);
	tcase_add_test(tc, test_s_maxbytes);
	tcase_add_test(tc, test_mmap_refusals);
	tcase_add_test(tc, test_pfn_ranges);
	tcase_add_test(tc, test_create_existing_name);
	suite_add_tcase(s, tc);
	tcase_add_test(mk, test_mkfs_refusals);
	suite_add_tcase(s, mk);
	return s;
}
