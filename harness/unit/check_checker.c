// SPDX-License-Identifier: MIT
/*
 * The invariant checker's teeth on the filesystem invariants
 * (docs/invariants.md F1-F3): a consistent world passes a full check; each
 * test then breaks one structure by hand, the way a model bug would, and
 * the full check must name the right invariant.  Scenarios cannot do this:
 * no input breaks these structures (the mutants break the paths above them).
 */
#include <check.h>
#include <glib.h>
#include <string.h>

#include "checker.h"
#include "xfs_alloc.h"
#include "xfs_mount.h"
#include "xfs_refcount.h"
#include "xfs_rmap.h"
#include "unit_check.h"
#include "unit_suites.h"
#include "unit_world.h"

static GString *ids;
static char *text;
static size_t textlen;
static FILE *sink;
static struct xfs_inode *ip;
static struct xfs_bmbt_irec ext;	/* the file's first extent */

static void note(const char *id)
{
	g_string_append_printf(ids, "%s ", id);
}

static void setup(void)
{
	ut_world_setup();
	ids = g_string_new(NULL);
	sink = open_memstream(&text, &textlen);
	checker_set_sink(sink, note);
	ip = ut_create_file("f", 0);
	ck_assert_int_eq(xfs_alloc_file_space(ip, 0, 8 * 4096), 0);
	ck_assert(xfs_iext_lookup_extent(ip->i_df, 0, &ext));
	ck_assert_int_eq(checker_run(true, NULL, NULL), 0);	/* consistent before */
}

static void teardown(void)
{
	checker_set_sink(NULL, NULL);
	fclose(sink);
	free(text);
	g_string_free(ids, TRUE);
	ut_world_teardown();
}

/* A full check; the IDs it noted, in order. */
static const char *full_check(void)
{
	g_string_truncate(ids, 0);
	checker_run(true, NULL, NULL);
	fflush(sink);
	return ids->str;
}

START_TEST(test_allocated_but_unreferenced)
{
	xfs_fsblock_t far = XFS_M(ut_world.sb)->m_dblocks - 1;

	ck_assert(xfs_alloc_is_free(XFS_M(ut_world.sb)->m_alloc, far, 1));
	xfs_alloc_mark_used(XFS_M(ut_world.sb)->m_alloc, far, 1);
	ck_assert_str_eq(full_check(), "F3 ");
	ck_assert_ptr_nonnull(strstr(text, "INVARIANT F3 violated at end of scenario: blocks ["));
	ck_assert_ptr_nonnull(strstr(text, "are allocated but nothing references them"));
}
END_TEST

START_TEST(test_referenced_but_free)
{
	xfs_alloc_free(XFS_M(ut_world.sb)->m_alloc, ext.br_startblock, 1);
	ck_assert_str_eq(full_check(), "F3 ");
	ck_assert_ptr_nonnull(strstr(text, "are referenced but free"));
}
END_TEST

START_TEST(test_refcount_without_a_second_reference)
{
	xfs_refcount_increase(XFS_M(ut_world.sb)->m_refc, ext.br_startblock + 1, 1);
	ck_assert_str_eq(full_check(), "F1 ");
	ck_assert_ptr_nonnull(strstr(text, ": refcount 2 but 1 references"));
}
END_TEST

START_TEST(test_rmap_lacks_a_mapping)
{
	ck_assert_int_eq(xfs_rmap_unmap(XFS_M(ut_world.sb)->m_rmap, ext.br_startblock, 1, ip->i_ino, 0,
					XFS_RMAP_UNWRITTEN), 0);
	ck_assert_str_eq(full_check(), "F2 ");
}
END_TEST

START_TEST(test_rmap_records_a_mapping_no_fork_has)
{
	xfs_fsblock_t far = XFS_M(ut_world.sb)->m_dblocks - 8;

	xfs_rmap_map(XFS_M(ut_world.sb)->m_rmap, far, 2, ip->i_ino, 100, 0);
	ck_assert_str_eq(full_check(), "F2 ");
	ck_assert_ptr_nonnull(strstr(text, "but no fork maps it"));
}
END_TEST

START_TEST(test_an_incremental_check_does_not_sweep)
{
	xfs_alloc_mark_used(XFS_M(ut_world.sb)->m_alloc, XFS_M(ut_world.sb)->m_dblocks - 1, 1);
	g_string_truncate(ids, 0);
	ck_assert_int_eq(checker_run(false, NULL, NULL), 0);	/* F1-F3 are full-sweep invariants */
	ck_assert_str_eq(full_check(), "F3 ");
}
END_TEST

Suite *checker_suite(void)
{
	Suite *s = suite_create("checker");
	TCase *tc = tcase_create("filesystem");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_allocated_but_unreferenced);
	tcase_add_test(tc, test_referenced_but_free);
	tcase_add_test(tc, test_refcount_without_a_second_reference);
	tcase_add_test(tc, test_rmap_lacks_a_mapping);
	tcase_add_test(tc, test_rmap_records_a_mapping_no_fork_has);
	tcase_add_test(tc, test_an_incremental_check_does_not_sweep);
	suite_add_tcase(s, tc);
	return s;
}
