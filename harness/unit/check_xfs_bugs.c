// SPDX-License-Identifier: MIT
/*
 * The XFS model's own consistency checks (BUG_ON in models/xfs, listed in
 * docs/testing.md "Hostile input"): no input reaches them, so a caller that
 * breaks a structure's contract is a simulator bug, and the check must stop
 * the run with exit 3 instead of corrupting the structure.  Each test breaks
 * one contract of the allocator, the extent fork, the refcount tree or the
 * rmap directly.  Exit tests: libcheck's fork mode (CK_FORK=yes).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xfs_alloc.h"
#include "xfs_iext.h"
#include "xfs_refcount.h"
#include "xfs_rmap.h"
#include "unit_suites.h"

/* Kept reachable from globals, so LeakSanitizer (the ASan build) does not
 * count the structures the exit leaves behind (volatile: the stores stay). */
static struct xfs_alloc *volatile A;
static struct xfs_ifork *volatile F;
static struct xfs_refcount_tree *volatile RT;
static struct xfs_rmap_tree *volatile RM;

static struct xfs_alloc *new_alloc(uint64_t dblocks, xfs_agnumber_t agcount)
{
	return A = xfs_alloc_create(dblocks, agcount);
}

static struct xfs_ifork *new_fork(void)
{
	return F = xfs_ifork_alloc();
}

/* --- the free-space allocator --- */
START_TEST(alloc_no_blocks) { new_alloc(0, 1); } END_TEST
START_TEST(alloc_no_ags) { new_alloc(1000, 0); } END_TEST

START_TEST(alloc_mark_used_empty)
{
	xfs_alloc_mark_used(new_alloc(1000, 4), 10, 0);
}
END_TEST

START_TEST(alloc_mark_used_past_the_end)
{
	xfs_alloc_mark_used(new_alloc(1000, 4), 990, 20);
}
END_TEST

START_TEST(alloc_mark_used_twice)
{
	struct xfs_alloc *a = new_alloc(1000, 4);

	xfs_alloc_mark_used(a, 10, 5);
	xfs_alloc_mark_used(a, 12, 5);	/* 12..14 are used already */
}
END_TEST

START_TEST(alloc_minlen_zero)
{
	xfs_fsblock_t b;
	xfs_filblks_t l;

	xfs_alloc_vextent(new_alloc(1000, 4), NULLFSBLOCK, 0, 4, 1, &b, &l);
}
END_TEST

START_TEST(alloc_maxlen_below_minlen)
{
	xfs_fsblock_t b;
	xfs_filblks_t l;

	xfs_alloc_vextent(new_alloc(1000, 4), NULLFSBLOCK, 8, 4, 1, &b, &l);
}
END_TEST

START_TEST(alloc_goal_off_the_device)
{
	xfs_fsblock_t b;
	xfs_filblks_t l;

	xfs_alloc_vextent(new_alloc(1000, 4), 1000, 1, 4, 1, &b, &l);
}
END_TEST

START_TEST(alloc_free_overlapping_left)
{
	struct xfs_alloc *a = new_alloc(1000, 1);

	xfs_alloc_mark_used(a, 100, 10);
	xfs_alloc_free(a, 95, 10);	/* 95..99 are free */
}
END_TEST

START_TEST(alloc_free_overlapping_right)
{
	struct xfs_alloc *a = new_alloc(1000, 1);

	xfs_alloc_mark_used(a, 100, 10);
	xfs_alloc_free(a, 105, 10);	/* 110..114 are free */
}
END_TEST

START_TEST(alloc_free_empty) { xfs_alloc_free(new_alloc(1000, 4), 10, 0); } END_TEST

START_TEST(alloc_free_past_the_end)
{
	xfs_alloc_free(new_alloc(1000, 4), 999, 2);
}
END_TEST

/* --- the extent fork --- */
static void insert(struct xfs_ifork *ifp, xfs_fileoff_t off, xfs_fsblock_t bno, xfs_filblks_t len)
{
	struct xfs_bmbt_irec r = { off, bno, len, XFS_EXT_NORM };

	xfs_iext_insert(ifp, &r);
}

START_TEST(iext_empty) { insert(new_fork(), 0, 100, 0); } END_TEST
START_TEST(iext_hole) { insert(new_fork(), 0, HOLESTARTBLOCK, 4); } END_TEST
START_TEST(iext_null_block) { insert(new_fork(), 0, NULLFSBLOCK, 4); } END_TEST
START_TEST(iext_wraps) { insert(new_fork(), UINT64_MAX - 1, 100, 4); } END_TEST

START_TEST(iext_overlaps_left)
{
	struct xfs_ifork *ifp = new_fork();

	insert(ifp, 0, 100, 8);
	insert(ifp, 4, 200, 8);
}
END_TEST

START_TEST(iext_overlaps_right)
{
	struct xfs_ifork *ifp = new_fork();

	insert(ifp, 8, 100, 8);
	insert(ifp, 4, 200, 8);
}
END_TEST

/* --- the refcount tree --- */
START_TEST(refcount_increase_empty)
{
	xfs_refcount_increase(RT = xfs_refcount_tree_alloc(), 10, 0);
}
END_TEST

START_TEST(refcount_decrease_wraps)
{
	xfs_refcount_decrease(RT = xfs_refcount_tree_alloc(), UINT64_MAX - 1, 4, NULL, NULL);
}
END_TEST

/* --- the reverse map --- */
START_TEST(rmap_map_empty) { xfs_rmap_map(RM = xfs_rmap_tree_alloc(), 10, 0, 131, 0, 0); } END_TEST

START_TEST(rmap_map_no_owner)
{
	xfs_rmap_map(RM = xfs_rmap_tree_alloc(), 10, 4, XFS_RMAP_OWN_NULL, 0, 0);
}
END_TEST

START_TEST(rmap_unmap_empty) { xfs_rmap_unmap(RM = xfs_rmap_tree_alloc(), 10, 0, 131, 0, 0); } END_TEST

/* A contract kept: the same structures take the valid calls (the control). */
START_TEST(valid_calls_pass)
{
	struct xfs_alloc *a = new_alloc(1000, 4);
	struct xfs_ifork *ifp = new_fork();
	struct xfs_refcount_tree *rt = xfs_refcount_tree_alloc();
	struct xfs_rmap_tree *rm = xfs_rmap_tree_alloc();

	xfs_alloc_mark_used(a, 100, 10);
	xfs_alloc_free(a, 100, 10);
	ck_assert(xfs_alloc_is_free(a, 0, 1000));
	insert(ifp, 0, 100, 8);
	insert(ifp, 8, 300, 8);
	ck_assert_uint_eq(xfs_iext_count(ifp), 2);
	xfs_refcount_increase(rt, 100, 4);
	ck_assert_uint_eq(xfs_refcount_lookup(rt, 101), 2);
	xfs_rmap_map(rm, 100, 4, 131, 0, 0);
	ck_assert_int_eq(xfs_rmap_unmap(rm, 100, 4, 131, 0, 0), 0);
	ck_assert_int_eq(xfs_rmap_unmap(rm, 100, 4, 131, 0, 0), -ENOENT);
	xfs_alloc_destroy(a);
	xfs_ifork_free(ifp);
	xfs_refcount_tree_free(rt);
	xfs_rmap_tree_free(rm);
}
END_TEST

Suite *xfs_bugs_suite(void)
{
	Suite *s = suite_create("xfs_bugs");
	TCase *tc = tcase_create("contracts");
	const char *fork = getenv("CK_FORK");

	tcase_add_test(tc, valid_calls_pass);
	if (!fork || strcmp(fork, "no")) {	/* an exit test needs its own process */
		tcase_add_exit_test(tc, alloc_no_blocks, 3);
		tcase_add_exit_test(tc, alloc_no_ags, 3);
		tcase_add_exit_test(tc, alloc_mark_used_empty, 3);
		tcase_add_exit_test(tc, alloc_mark_used_past_the_end, 3);
		tcase_add_exit_test(tc, alloc_mark_used_twice, 3);
		tcase_add_exit_test(tc, alloc_minlen_zero, 3);
		tcase_add_exit_test(tc, alloc_maxlen_below_minlen, 3);
		tcase_add_exit_test(tc, alloc_goal_off_the_device, 3);
		tcase_add_exit_test(tc, alloc_free_overlapping_left, 3);
		tcase_add_exit_test(tc, alloc_free_overlapping_right, 3);
		tcase_add_exit_test(tc, alloc_free_empty, 3);
		tcase_add_exit_test(tc, alloc_free_past_the_end, 3);
		tcase_add_exit_test(tc, iext_empty, 3);
		tcase_add_exit_test(tc, iext_hole, 3);
		tcase_add_exit_test(tc, iext_null_block, 3);
		tcase_add_exit_test(tc, iext_wraps, 3);
		tcase_add_exit_test(tc, iext_overlaps_left, 3);
		tcase_add_exit_test(tc, iext_overlaps_right, 3);
		tcase_add_exit_test(tc, refcount_increase_empty, 3);
		tcase_add_exit_test(tc, refcount_decrease_wraps, 3);
		tcase_add_exit_test(tc, rmap_map_empty, 3);
		tcase_add_exit_test(tc, rmap_map_no_owner, 3);
		tcase_add_exit_test(tc, rmap_unmap_empty, 3);
	}
	suite_add_tcase(s, tc);
	return s;
}
