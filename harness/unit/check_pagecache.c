// SPDX-License-Identifier: MIT
/*
 * Unit tests for the page cache (sim/kernel/mm/folio.c, filemap.c,
 * page-writeback.c, truncate.c, sim/kernel/fs/buffered_io.c) on the
 * simulated world with its XFS made dax=never, and the shadow design's
 * page-cache life cycle (models/share/share_shadow_pagecache.c).
 *
 * Pictures give one column per page index of a file:
 *	.  no slot     c  clean folio     d  dirty folio     s  shadow
 */
#include <check.h>
#include <string.h>

#include "lock.h"
#include "pagemap.h"
#include "pmem.h"
#include "share.h"
#include "share_registry.h"
#include "sim.h"
#include "xfs_mount.h"
#include "unit_check.h"
#include "unit_world.h"
#include "unit_suites.h"

static void pc_setup(void)
{
	ut_world_setup();
	XFS_M(ut_world.sb)->m_opts.dax = XFS_DAX_NEVER;	/* new inodes: no S_DAX */
}

static struct xfs_inode *pc_file(const char *name)
{
	struct xfs_inode *ip = ut_create_file(name, 0);

	ck_assert(!IS_DAX(VFS_I(ip)));
	return ip;
}

static int64_t pc_write(struct xfs_inode *ip, uint64_t pos, uint64_t len, int c)
{
	struct file *f = alloc_file(VFS_I(ip), "w", false);
	unsigned char *buf = g_malloc(len);
	int64_t n;

	memset(buf, c, len);
	n = vfs_write(f, buf, len, pos);
	fput(f);
	g_free(buf);
	return n;
}

static int pc_fsync(struct xfs_inode *ip)
{
	struct file *f = alloc_file(VFS_I(ip), "s", false);
	int err = vfs_fsync_range(f, 0, UINT64_MAX >> 1, 0);

	fput(f);
	return err;
}

static unsigned char pc_byte(struct xfs_inode *ip, uint64_t pos)
{
	struct file *f = alloc_file(VFS_I(ip), "r", true);
	unsigned char b = 0xee;

	ut_assert_int_eq(vfs_read(f, &b, 1, pos), 1);
	fput(f);
	return b;
}

static struct folio *slot(struct xfs_inode *ip, pgoff_t index)
{
	return filemap_get_entry(VFS_I(ip)->i_mapping, index);
}

static uint64_t data_block(struct xfs_inode *ip, pgoff_t index)
{
	uint64_t bno = 0;

	ck_assert(VFS_I(ip)->i_mapping->a_ops->bmap(VFS_I(ip)->i_mapping, index, &bno));
	return bno;
}

START_TEST(test_folio_pfns_and_bytes)
{
	struct pagecache_stats st;
	struct folio *a = folio_alloc(), *b = folio_alloc(), *c;

	ut_assert_uint_eq(a->pfn, FOLIO_PFN_BASE);
	ut_assert_uint_eq(b->pfn, FOLIO_PFN_BASE + 1);
	ck_assert(pfn_folio(b->pfn) == b && pfn_to_kaddr(b->pfn) == folio_address(b));
	pagecache_get_stats(&st);
	ut_assert_uint_eq(st.folios, 2);
	ut_assert_uint_eq(st.bytes, 2 * (sizeof(struct folio) + PAGE_SIZE));
	folio_put(a);
	c = folio_alloc();	/* the lowest free frame again: deterministic pfns */
	ut_assert_uint_eq(c->pfn, FOLIO_PFN_BASE);
	pagecache_get_stats(&st);
	ut_assert_uint_eq(st.peak_bytes, 2 * (sizeof(struct folio) + PAGE_SIZE));
	folio_put(b);
	folio_put(c);
	pagecache_get_stats(&st);
	ut_assert_uint_eq(st.folios, 0);
	ut_assert_uint_eq(st.bytes, 0);
}
END_TEST

/*
 *	write 100 bytes at 5000 into an empty file:  . d    (the gap is a hole)
 *	fsync:                                       . c    (the block has them)
 */
START_TEST(test_buffered_write_then_writeback)
{
	struct xfs_inode *ip = pc_file("f");
	uint64_t bno;

	ut_assert_int_eq(pc_write(ip, 5000, 100, 0x61), 100);
	ck_assert(slot(ip, 0) == NULL);
	ck_assert(slot(ip, 1) && (slot(ip, 1)->flags & PG_FOLIO_DIRTY));
	bno = data_block(ip, 1);
	/* the block was reserved (allocated, zeroed); the bytes are only cached */
	ut_assert_uint_eq(pmem_block_kaddr(&ut_world.pmem, bno)[5000 - 4096], 0);
	ut_assert_uint_eq(pc_byte(ip, 5000), 0x61);
	ut_assert_uint_eq(pc_byte(ip, 100), 0);
	ck_assert(slot(ip, 0) == NULL);		/* a hole read caches nothing */
	ut_assert_int_eq(pc_fsync(ip), 0);
	ck_assert(!(slot(ip, 1)->flags & (PG_FOLIO_DIRTY | PG_FOLIO_WRITEBACK)));
	ut_assert_uint_eq(pmem_block_kaddr(&ut_world.pmem, bno)[5000 - 4096], 0x61);
	ut_assert_uint_eq(pmem_block_kaddr(&ut_world.pmem, bno)[5100 - 4096], 0);
	ut_assert_int_eq(lock_total_held(), ut_held0);
}
END_TEST

/*
 *	8 KiB + 1 of 0x61:      d d d
 *	truncate to 5000:       d d .    the EOF page's bytes past 5000 zeroed
 */
START_TEST(test_truncate_drops_and_zeroes)
{
	struct xfs_inode *ip = pc_file("t");
	unsigned char *p;

	ut_assert_int_eq(pc_write(ip, 0, 8193, 0x61), 8193);
	ck_assert(slot(ip, 2) != NULL);
	ut_assert_int_eq(xfs_setattr_size(ip, 5000), 0);
	ck_assert(slot(ip, 2) == NULL);
	p = folio_address(slot(ip, 1));
	ut_assert_uint_eq(p[5000 - 4096 - 1], 0x61);
	ut_assert_uint_eq(p[5000 - 4096], 0);
	ut_assert_uint_eq(p[PAGE_SIZE - 1], 0);
	ut_assert_uint_eq(filemap_nr_slots(VFS_I(ip)->i_mapping), 2);
}
END_TEST

/*
 * shadow: a and b share two blocks; after a remount both read them:
 *	a: s s    b: s s    (two masters, each with two shadows)
 *	write b's page 0:        b: d s   (a private copy; a's shadow stays)
 *	fsync b (CoW, the block is a's alone):  a: c s  (master promoted)
 */
START_TEST(test_shadow_life_cycle)
{
	struct xfs_inode *a, *b;
	struct folio *m0;
	uint64_t len = 0;
	bool same;

	share_ops = share_find("shadow");
	a = pc_file("a");
	b = pc_file("b");
	ut_assert_int_eq(pc_write(a, 0, 8192, 0x61), 8192);
	ut_assert_int_eq(pc_fsync(a), 0);
	ut_assert_int_eq(xfs_reflink_remap_range(a, 0, b, 0, &len, false, &same), 0);
	lock_current = &ut_world.kthread->lockctx;
	xfs_remount(XFS_M(ut_world.sb));
	lock_current = &ut_tsk[0]->lockctx;
	ck_assert(slot(a, 0) == NULL && slot(b, 0) == NULL);
	ut_assert_uint_eq(pc_byte(a, 0), 0x61);
	ut_assert_uint_eq(pc_byte(b, 0), 0x61);
	ut_assert_uint_eq(pc_byte(a, 4096), 0x61);
	ut_assert_uint_eq(pc_byte(b, 4096), 0x61);
	ck_assert(slot(a, 0)->flags & PG_FOLIO_SHADOW);
	ck_assert(slot(b, 0)->flags & PG_FOLIO_SHADOW);
	m0 = slot(a, 0)->master;
	ck_assert(slot(b, 0)->master == m0 && (m0->flags & PG_FOLIO_SHARED));
	ck_assert(slot(a, 1)->master != m0);

	ut_assert_int_eq(pc_write(b, 0, 10, 0x62), 10);
	ck_assert(!(slot(b, 0)->flags & PG_FOLIO_SHADOW) && (slot(b, 0)->flags & PG_FOLIO_DIRTY));
	ck_assert(slot(a, 0)->master == m0);
	ut_assert_uint_eq(pc_byte(a, 0), 0x61);
	ut_assert_uint_eq(pc_byte(b, 0), 0x62);

	ut_assert_int_eq(pc_fsync(b), 0);
	ck_assert(slot(a, 0) == m0);	/* the master is a's own folio now */
	ck_assert(!(m0->flags & PG_FOLIO_SHARED) && m0->mapping == VFS_I(a)->i_mapping);
	ck_assert(slot(a, 1)->flags & PG_FOLIO_SHADOW);
	ut_assert_uint_eq(pc_byte(a, 0), 0x61);
	ut_assert_int_eq(lock_total_held(), ut_held0);
}
END_TEST

Suite *pagecache_suite(void)
{
	Suite *s = suite_create("pagecache");
	TCase *tc = tcase_create("pagecache");

	tcase_add_checked_fixture(tc, pc_setup, ut_world_teardown);
	tcase_add_test(tc, test_folio_pfns_and_bytes);
	tcase_add_test(tc, test_buffered_write_then_writeback);
	tcase_add_test(tc, test_truncate_drops_and_zeroes);
	tcase_add_test(tc, test_shadow_life_cycle);
	suite_add_tcase(s, tc);
	return s;
}
