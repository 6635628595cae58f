// SPDX-License-Identifier: MIT
/*
 * Unit tests of the lock validator (sim/lockdep*.c) with synthetic lock
 * sequences: two or three "tasks" (lock contexts) take locks of the real
 * classes in chosen orders, and each test checks which reports come out.
 *
 *	T0: A -> B,  T1: B -> A			L-cycle (AB/BA)
 *	A -> B, B -> C, C -> A			L-cycle with the chain of three
 *	R(read) -> X, X -> R(read)		nothing: two recursive readers
 *	subclass / instance order / single	L-rule or nothing
 *	spinlock -> sleeping lock, allocation	L-context
 *	drop MMAPLOCK for a wait, retake	nothing (xfs_wait_dax_page)
 *	H1: entry -> ilock -> agf, agf -> entry	the known issue K-H1, no failure
 */
#include <check.h>
#include <glib.h>
#include <string.h>

#include "lock.h"
#include "lockdep.h"
#include "xfs_mount.h"
#include "unit_suites.h"

static struct lock_ctx t0 = { .name = "T0" }, t1 = { .name = "T1" };
static GPtrArray *got;		/* "ID" or "ID known", in order */
static GString *blocks;

static void collect(const struct lockdep_report *r, void *arg)
{
	g_ptr_array_add(got, g_strdup_printf("%s%s", r->id, r->known ? " known" : ""));
	g_string_append(blocks, r->block);
}

/* The reports so far, ", "-joined; the number of failures in *nfail. */
static const char *reports(int *nfail)
{
	static char buf[256];
	int n = lockdep_drain(collect, NULL);

	if (nfail)
		*nfail = n;
	buf[0] = 0;
	for (guint i = 0; i < got->len; i++) {
		if (i)
			g_strlcat(buf, ", ", sizeof(buf));
		g_strlcat(buf, g_ptr_array_index(got, i), sizeof(buf));
	}
	return buf;
}

static void setup_rules(const char *extra)
{
	char err[512];
	gchar *text = g_strconcat(lockdep_builtin_rules, extra ? extra : "", NULL);

	memset(&t0, 0, sizeof(t0));
	memset(&t1, 0, sizeof(t1));
	t0.name = "T0";
	t1.name = "T1";
	ck_assert_msg(!lockdep_enable_text("test.rules", text, err, sizeof(err)), "%s", err);
	g_free(text);
	if (got) {
		g_ptr_array_free(got, TRUE);
		g_string_free(blocks, TRUE);
	}
	got = g_ptr_array_new_with_free_func(g_free);
	blocks = g_string_new(NULL);
	lockdep_where("unit.scn", "test", "mainline");
	lock_current = &t0;
}

static void setup(void)
{
	setup_rules(NULL);
}

static void teardown(void)
{
	lockdep_drain(collect, NULL);
	lockdep_disable();
	lockdep_reports_reset();
	g_ptr_array_free(got, TRUE);
	g_string_free(blocks, TRUE);
	got = NULL;
	blocks = NULL;
	lock_current = NULL;
}

#define TAKE(ctx, cls, inst, mode)	do { lock_current = &(ctx); \
	lock_acquire(&lc_##cls, inst, mode, 0, "f_" #cls); } while (0)
#define TAKE_NESTED(ctx, cls, inst, sub) do { lock_current = &(ctx); \
	lock_acquire(&lc_##cls, inst, LOCK_EXCL, sub, "f_" #cls); } while (0)
#define DROP(ctx, cls, inst)		do { lock_current = &(ctx); \
	lock_release(&lc_##cls, inst, "f_" #cls); } while (0)

START_TEST(test_ab_ba)
{
	int nfail;

	TAKE(t0, ilock, 1, LOCK_EXCL);
	TAKE(t0, agf, 0, LOCK_EXCL);
	DROP(t0, agf, 0);
	DROP(t0, ilock, 1);
	ck_assert_str_eq(reports(NULL), "");
	TAKE(t1, agf, 0, LOCK_EXCL);
	TAKE(t1, ilock, 2, LOCK_EXCL);
	ck_assert_str_eq(reports(&nfail), "L-cycle");
	ck_assert_int_eq(nfail, 1);
	ck_assert_ptr_nonnull(strstr(blocks->str, "possible circular locking dependency detected"));
	ck_assert_ptr_nonnull(strstr(blocks->str, "which lock already depends on the new lock"));
	ck_assert_ptr_nonnull(strstr(blocks->str, "first seen at unit.scn:0 (test), task T0"));
	ck_assert_ptr_nonnull(strstr(blocks->str, "Possible unsafe locking scenario"));
	ck_assert_ptr_nonnull(strstr(blocks->str, "reproduce: daxsim run --model mainline unit.scn"));
	DROP(t1, ilock, 2);
	DROP(t1, agf, 0);
	/* the same order again: known edges, no second report */
	TAKE(t1, agf, 0, LOCK_EXCL);
	TAKE(t1, ilock, 2, LOCK_EXCL);
	DROP(t1, ilock, 2);
	DROP(t1, agf, 0);
	ck_assert_str_eq(reports(NULL), "L-cycle");
}
END_TEST

START_TEST(test_abc_ca)
{
	TAKE(t0, i_rwsem, 1, LOCK_EXCL);
	TAKE(t0, invalidate_lock, 1, LOCK_EXCL);
	DROP(t0, invalidate_lock, 1);
	DROP(t0, i_rwsem, 1);
	TAKE(t0, invalidate_lock, 1, LOCK_SHARED);
	TAKE(t0, ilock, 1, LOCK_EXCL);
	DROP(t0, ilock, 1);
	DROP(t0, invalidate_lock, 1);
	ck_assert_str_eq(reports(NULL), "");
	TAKE(t1, ilock, 2, LOCK_EXCL);
	TAKE(t1, i_rwsem, 2, LOCK_EXCL);
	ck_assert_str_eq(reports(NULL), "L-cycle");
	ck_assert_ptr_nonnull(strstr(blocks->str,
		"Chain exists of:\n  i_rwsem --> invalidate_lock --> ilock --> i_rwsem"));
	ck_assert_ptr_nonnull(strstr(blocks->str, "-> #2 (ilock)"));
	DROP(t1, i_rwsem, 2);
	DROP(t1, ilock, 2);
}
END_TEST

/* tasklist (RCU/tasklist_lock read side) is a recursive reader */
static const char allow_both[] =
	"rule RT1 allow xa_lock -> tasklist \"test\"\n"
	"rule RT2 allow ptl -> i_mmap_rwsem \"test\"\n";

START_TEST(test_readers_no_false_cycle)
{
	setup_rules(allow_both);
	TAKE(t0, tasklist, 0, LOCK_SHARED);
	TAKE(t0, xa_lock, 1, LOCK_EXCL);
	DROP(t0, xa_lock, 1);
	DROP(t0, tasklist, 0);
	TAKE(t1, xa_lock, 1, LOCK_EXCL);
	TAKE(t1, tasklist, 0, LOCK_SHARED);	/* two readers: no deadlock */
	DROP(t1, tasklist, 0);
	DROP(t1, xa_lock, 1);
	ck_assert_str_eq(reports(NULL), "");
	/* a writer of the same class does close the cycle */
	TAKE(t1, xa_lock, 1, LOCK_EXCL);
	TAKE(t1, tasklist, 0, LOCK_EXCL);
	ck_assert_str_eq(reports(NULL), "L-cycle");
	DROP(t1, tasklist, 0);
	DROP(t1, xa_lock, 1);
}
END_TEST

START_TEST(test_rwsem_readers_are_not_recursive)
{
	/* i_mmap_rwsem is fair: reader/reader across another lock can deadlock */
	setup_rules(allow_both);
	TAKE(t0, i_mmap_rwsem, 1, LOCK_SHARED);
	TAKE(t0, ptl, 1, LOCK_EXCL);
	DROP(t0, ptl, 1);
	DROP(t0, i_mmap_rwsem, 1);
	TAKE(t1, ptl, 1, LOCK_EXCL);
	TAKE(t1, i_mmap_rwsem, 1, LOCK_SHARED);
	/* the sleeping rwsem under a spinlock is reported first; the cycle too */
	ck_assert_str_eq(reports(NULL), "L-cycle, L-context");
	DROP(t1, i_mmap_rwsem, 1);
	DROP(t1, ptl, 1);
}
END_TEST

START_TEST(test_subclass_nesting)
{
	/* no instance-order rule for i_mmap_rwsem: only a subclass may nest */
	TAKE(t0, i_mmap_rwsem, 1, LOCK_EXCL);
	TAKE_NESTED(t0, i_mmap_rwsem, 2, 1);
	DROP(t0, i_mmap_rwsem, 2);
	ck_assert_str_eq(reports(NULL), "");
	TAKE(t0, i_mmap_rwsem, 3, LOCK_EXCL);
	ck_assert_str_eq(reports(NULL), "L-rule");
	ck_assert_ptr_nonnull(strstr(blocks->str, "possible recursive locking"));
	ck_assert_ptr_nonnull(strstr(blocks->str, "rule R2"));
	DROP(t0, i_mmap_rwsem, 3);
	DROP(t0, i_mmap_rwsem, 1);
}
END_TEST

START_TEST(test_instance_order_both_ways)
{
	/* ILOCK: two inodes by inode number (R5) */
	TAKE(t0, ilock, 131, LOCK_EXCL);
	TAKE_NESTED(t0, ilock, 132, 1);
	DROP(t0, ilock, 132);
	DROP(t0, ilock, 131);
	ck_assert_str_eq(reports(NULL), "");
	TAKE(t0, ilock, 140, LOCK_EXCL);
	TAKE_NESTED(t0, ilock, 135, 1);
	ck_assert_str_eq(reports(NULL), "L-rule");
	ck_assert_ptr_nonnull(strstr(blocks->str, "rule R5"));
	ck_assert_ptr_nonnull(strstr(blocks->str, "ilock 135 taken while holding ilock 140"));
	DROP(t0, ilock, 135);
	DROP(t0, ilock, 140);
}
END_TEST

START_TEST(test_single_entry_lock)
{
	TAKE(t0, dax_entry, 1, LOCK_EXCL);
	TAKE_NESTED(t0, dax_entry, 2, 1);
	ck_assert_str_eq(reports(NULL), "L-rule");
	ck_assert_ptr_nonnull(strstr(blocks->str, "rule R7"));
	DROP(t0, dax_entry, 2);
	DROP(t0, dax_entry, 1);
}
END_TEST

START_TEST(test_sleep_under_spinlock)
{
	TAKE(t0, xa_lock, 1, LOCK_EXCL);
	might_alloc(GFP_NOWAIT);		/* fine: never sleeps */
	ck_assert_str_eq(reports(NULL), "");
	might_alloc(GFP_NOFS);
	ck_assert_str_eq(reports(NULL), "L-context");
	TAKE(t0, ilock, 1, LOCK_SHARED);
	ck_assert_str_eq(reports(NULL), "L-context, L-context");
	ck_assert_ptr_nonnull(strstr(blocks->str, "sleeping function called from invalid context"));
	DROP(t0, ilock, 1);
	DROP(t0, xa_lock, 1);
}
END_TEST

START_TEST(test_fs_reclaim)
{
	/* an allocation under the DAX entry lock: reclaim never takes it */
	TAKE(t0, dax_entry, 1, LOCK_EXCL);
	might_alloc(GFP_KERNEL);
	DROP(t0, dax_entry, 1);
	ck_assert_str_eq(reports(NULL), "");
	/* GFP_NOFS under ILOCK: no fs_reclaim */
	TAKE(t0, ilock, 1, LOCK_EXCL);
	might_alloc(GFP_NOFS);
	ck_assert_str_eq(reports(NULL), "");
	/* GFP_KERNEL under ILOCK: reclaim takes ILOCK (R10) -> a cycle */
	might_alloc(GFP_KERNEL);
	ck_assert_str_eq(reports(NULL), "L-cycle");
	ck_assert_ptr_nonnull(strstr(blocks->str, "declared at test.rules:"));
	DROP(t0, ilock, 1);
}
END_TEST

START_TEST(test_release_and_reacquire)
{
	struct xfs_inode ip = { .i_ino = 131 };

	/* truncate: IOLOCK_EXCL, MMAPLOCK_EXCL, break layouts, wait on a page */
	TAKE(t0, i_rwsem, 131, LOCK_EXCL);
	TAKE(t0, invalidate_lock, 131, LOCK_EXCL);
	lock_current = &t0;
	lock_release_for_wait(&lc_invalidate_lock, 131, "xfs_wait_dax_page");
	/* while it sleeps, a fault on the file maps a page */
	TAKE(t1, invalidate_lock, 131, LOCK_SHARED);
	TAKE(t1, dax_entry, 7, LOCK_EXCL);
	DROP(t1, dax_entry, 7);
	DROP(t1, invalidate_lock, 131);
	lock_current = &t0;
	lock_reacquire_after_wait(&lc_invalidate_lock, 131, "xfs_wait_dax_page");
	lock_assert_held(&lc_invalidate_lock, 131, LOCK_EXCL, "xfs_break_dax_layouts");
	ck_assert_int_eq(t0.depth, 2);
	ck_assert_ptr_eq(t0.held[1].cls, &lc_invalidate_lock);
	/* the XFS callback itself */
	xfs_wait_dax_page(&ip);
	lock_assert_held(&lc_invalidate_lock, 131, LOCK_EXCL, "xfs_break_dax_layouts");
	ck_assert_str_eq(reports(NULL), "");
	DROP(t0, invalidate_lock, 131);
	DROP(t0, i_rwsem, 131);
}
END_TEST

START_TEST(test_assert)
{
	TAKE(t0, i_rwsem, 5, LOCK_SHARED);
	lock_assert_held(&lc_i_rwsem, 5, LOCK_SHARED, "dax_iomap_rw");
	ck_assert_str_eq(reports(NULL), "");
	lock_assert_held(&lc_i_rwsem, 5, LOCK_EXCL, "dax_iomap_rw");
	ck_assert_str_eq(reports(NULL), "L-assert");
	DROP(t0, i_rwsem, 5);
}
END_TEST

/* kernel-notes H1: memory failure vs CoW write fault */
START_TEST(test_h1_known_issue)
{
	int nfail;

	/* CoW write fault: entry lock across iomap_begin (ILOCK) and the AGF */
	TAKE(t0, invalidate_lock, 131, LOCK_SHARED);
	TAKE(t0, dax_entry, 1, LOCK_EXCL);
	TAKE(t0, ilock, 131, LOCK_EXCL);
	TAKE(t0, agf, 0, LOCK_EXCL);
	DROP(t0, agf, 0);
	DROP(t0, ilock, 131);
	DROP(t0, dax_entry, 1);
	DROP(t0, invalidate_lock, 131);
	/* xfs_dax_notify_failure: AGF, rmap query, mf_dax_kill_procs: entry */
	TAKE(t1, mf_mutex, 0, LOCK_EXCL);
	TAKE(t1, agf, 0, LOCK_EXCL);
	TAKE(t1, dax_entry, 1, LOCK_EXCL);
	ck_assert_str_eq(reports(&nfail), "K-H1 known");
	ck_assert_int_eq(nfail, 0);
	ck_assert_ptr_nonnull(strstr(blocks->str, "known issue K-H1 (rule R1"));
	ck_assert_ptr_nonnull(strstr(blocks->str, "-> #1 (agf)"));
	DROP(t1, dax_entry, 1);
	DROP(t1, agf, 0);
	DROP(t1, mf_mutex, 0);
}
END_TEST

START_TEST(test_rules_file_errors)
{
	struct lockdep_rules r;
	char err[512];

	ck_assert_int_eq(lockdep_rules_parse("x.rules", "class bogus rank 1 kind mutex sleep yes\n",
					     &r, err, sizeof(err)), 2);
	ck_assert_str_eq(err, "x.rules:1: 'bogus': unknown lock class (sim/kernel/include/lock.h LOCK_CLASSES)");
	ck_assert_int_eq(lockdep_rules_parse("x.rules", "# c\n\nclass ptl rank 1 kind mutex sleep no\n",
					     &r, err, sizeof(err)), 2);
	ck_assert_str_eq(err, "x.rules:3: 'mutex': sim/kernel/include/lock.h declares ptl a spinlock");
	ck_assert_int_eq(lockdep_rules_parse("x.rules", "frobnicate\n", &r, err, sizeof(err)), 2);
	ck_assert_str_eq(err, "x.rules:1: 'frobnicate': unknown statement (class, rule, known)");
	ck_assert_int_eq(lockdep_rules_parse("x.rules", "", &r, err, sizeof(err)), 2);
	ck_assert_str_eq(err, "x.rules: 'mf_mutex': class not declared (every class of sim/kernel/include/lock.h needs a rank)");
}
END_TEST

START_TEST(test_one_reader_instance_twice)
{
	/* a non-recursive reader twice: a writer waiting between them deadlocks it */
	TAKE(t0, i_mmap_rwsem, 5, LOCK_SHARED);
	TAKE(t0, i_mmap_rwsem, 5, LOCK_SHARED);
	ck_assert_str_eq(reports(NULL), "L-rule");
	ck_assert_ptr_nonnull(strstr(blocks->str, "taken shared twice"));
	DROP(t0, i_mmap_rwsem, 5);
	DROP(t0, i_mmap_rwsem, 5);
	/* a recursive reader (tasklist, RCU) may: nothing */
	TAKE(t0, tasklist, 0, LOCK_SHARED);
	TAKE(t0, tasklist, 0, LOCK_SHARED);
	ck_assert_str_eq(reports(NULL), "L-rule");	/* only the earlier one */
	DROP(t0, tasklist, 0);
	DROP(t0, tasklist, 0);
}
END_TEST

START_TEST(test_instances_in_descending_order)
{
	/* R5: two inodes' ILOCKs in ascending inode order; descending is reported once */
	TAKE(t0, ilock, 9, LOCK_EXCL);
	TAKE_NESTED(t0, ilock, 3, 1);
	ck_assert_str_eq(reports(NULL), "L-rule");
	ck_assert_ptr_nonnull(strstr(blocks->str, "instances nest in ascending order (by inode)"));
	DROP(t0, ilock, 3);
	TAKE_NESTED(t0, ilock, 3, 1);
	ck_assert_str_eq(reports(NULL), "L-rule");	/* not twice */
	DROP(t0, ilock, 3);
	DROP(t0, ilock, 9);
}
END_TEST

Suite *lockdep_suite(void)
{
	Suite *s = suite_create("lockdep");
	TCase *tc = tcase_create("validator");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ab_ba);
	tcase_add_test(tc, test_abc_ca);
	tcase_add_test(tc, test_readers_no_false_cycle);
	tcase_add_test(tc, test_rwsem_readers_are_not_recursive);
	tcase_add_test(tc, test_subclass_nesting);
	tcase_add_test(tc, test_instance_order_both_ways);
	tcase_add_test(tc, test_single_entry_lock);
	tcase_add_test(tc, test_sleep_under_spinlock);
	tcase_add_test(tc, test_fs_reclaim);
	tcase_add_test(tc, test_release_and_reacquire);
	tcase_add_test(tc, test_assert);
	tcase_add_test(tc, test_h1_known_issue);
	tcase_add_test(tc, test_rules_file_errors);
	tcase_add_test(tc, test_one_reader_instance_twice);
	tcase_add_test(tc, test_instances_in_descending_order);
	suite_add_tcase(s, tc);
	return s;
}
