// SPDX-License-Identifier: MIT
/*
 * Unit tests of the lock API itself (sim/kernel/locking/lock.c) with no
 * validator attached: the held-lock stack (release out of order, the
 * drop-for-a-wait slot), lockdep_assert_held's modes, and the simulator
 * bugs it refuses with exit 3 (recursive acquisition, releasing what is not
 * held, overflowing the stack, retaking what was not dropped).  The exit
 * tests need libcheck's fork mode (CK_FORK=yes, as `make unit` runs them).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "lock.h"
#include "lockdep.h"
#include "unit_suites.h"

static struct lock_ctx ctx;

static void setup(void)
{
	lockdep_disable();
	memset(&ctx, 0, sizeof(ctx));
	ctx.name = "T";
	lock_current = &ctx;
}

static void teardown(void)
{
	while (ctx.depth)
		lock_release(ctx.held[ctx.depth - 1].cls, ctx.held[ctx.depth - 1].inst, "teardown");
	lock_current = NULL;
}

START_TEST(test_release_out_of_order)
{
	int base = lock_total_held();

	sim_lock(i_rwsem, 1, LOCK_EXCL);
	sim_lock(invalidate_lock, 1, LOCK_SHARED);
	sim_lock(ilock, 1, LOCK_EXCL);
	ck_assert_int_eq(lock_total_held(), base + 3);
	sim_unlock(invalidate_lock, 1);		/* not the top of the stack */
	ck_assert_int_eq(ctx.depth, 2);
	ck_assert_ptr_eq(ctx.held[0].cls, &lc_i_rwsem);
	ck_assert_ptr_eq(ctx.held[1].cls, &lc_ilock);
	ck_assert(lock_is_held(&lc_i_rwsem, 1));
	ck_assert(!lock_is_held(&lc_invalidate_lock, 1));
	ck_assert(!lock_is_held(&lc_ilock, 2));	/* another instance */
	ck_assert_int_eq(lock_total_held(), base + 2);
}
END_TEST

START_TEST(test_shared_holders_of_one_instance)
{
	sim_lock(mmap_lock, 7, LOCK_SHARED);
	sim_lock(ilock, 7, LOCK_SHARED);
	sim_lock(i_mmap_rwsem, 7, LOCK_SHARED);
	sim_lock(i_mmap_rwsem, 8, LOCK_EXCL);	/* another instance of the class */
	ck_assert_int_eq(ctx.depth, 4);
	ck_assert_int_eq(ctx.held[3].mode, LOCK_EXCL);
}
END_TEST

START_TEST(test_assert_held_modes)
{
	sim_lock(ilock, 3, LOCK_EXCL);
	sim_lock(mmap_lock, 3, LOCK_SHARED);
	lock_assert_held(&lc_ilock, 3, LOCK_EXCL, __func__);
	lock_assert_held(&lc_ilock, 3, LOCK_SHARED, __func__);	/* exclusive satisfies shared */
	lock_assert_held(&lc_mmap_lock, 3, LOCK_SHARED, __func__);
}
END_TEST

START_TEST(test_release_for_wait_returns_to_its_slot)
{
	sim_lock(i_rwsem, 1, LOCK_EXCL);
	sim_lock_nested(invalidate_lock, 1, LOCK_SHARED, 1);
	sim_lock(ilock, 1, LOCK_EXCL);
	lock_release_for_wait(&lc_invalidate_lock, 1, "wait");
	ck_assert_int_eq(ctx.depth, 2);
	ck_assert_int_eq(ctx.waiting_pos, 2);
	lock_reacquire_after_wait(&lc_invalidate_lock, 1, "woken");
	ck_assert_int_eq(ctx.depth, 3);
	ck_assert_int_eq(ctx.waiting_pos, 0);
	ck_assert_ptr_eq(ctx.held[1].cls, &lc_invalidate_lock);
	ck_assert_int_eq(ctx.held[1].mode, LOCK_SHARED);
	ck_assert_int_eq(ctx.held[1].subclass, 1);
	ck_assert_str_eq(ctx.held[1].func, "woken");
	ck_assert_ptr_eq(ctx.held[2].cls, &lc_ilock);
}
END_TEST

START_TEST(test_reacquire_after_the_stack_shrank)
{
	/* the locks above it went while it waited: it comes back on top */
	sim_lock(i_rwsem, 1, LOCK_EXCL);
	sim_lock(invalidate_lock, 1, LOCK_EXCL);
	sim_lock(ilock, 1, LOCK_EXCL);
	lock_release_for_wait(&lc_ilock, 1, "wait");
	sim_unlock(invalidate_lock, 1);
	lock_reacquire_after_wait(&lc_ilock, 1, "woken");
	ck_assert_int_eq(ctx.depth, 2);
	ck_assert_ptr_eq(ctx.held[1].cls, &lc_ilock);
}
END_TEST

START_TEST(test_classes_by_id)
{
	ck_assert_int_eq(lock_nr_classes(), 15);	/* 14, and the page cache's folio_lock */
	ck_assert_ptr_eq(lock_class_by_id(0), &lc_mf_mutex);	/* the ids are dense, in rank order */
	ck_assert_ptr_eq(lock_class_by_id(lc_folio_lock.id), &lc_folio_lock);
	ck_assert_ptr_eq(lock_class_by_id(lc_agf.id), &lc_agf);
	ck_assert_ptr_null(lock_class_by_id(-1));
	ck_assert_ptr_null(lock_class_by_id(lock_nr_classes()));
	might_alloc(GFP_KERNEL);	/* no validator: nothing to record */
}
END_TEST

/* Simulator bugs: exit 3 with the message (sim_bug) */
START_TEST(bug_recursive_exclusive)
{
	sim_lock(ilock, 1, LOCK_SHARED);
	sim_lock(ilock, 1, LOCK_EXCL);
}
END_TEST

START_TEST(bug_recursive_after_exclusive)
{
	sim_lock(agf, 0, LOCK_EXCL);
	sim_lock(agf, 0, LOCK_SHARED);
}
END_TEST

START_TEST(bug_release_not_held)
{
	sim_lock(agf, 0, LOCK_EXCL);
	sim_unlock(agf, 1);
}
END_TEST

START_TEST(bug_stack_overflow)
{
	for (int i = 0; i <= MAX_HELD_LOCKS; i++)
		sim_lock(dax_entry, (uint64_t)i, LOCK_EXCL);
}
END_TEST

START_TEST(bug_no_context)
{
	lock_current = NULL;
	sim_lock(agf, 0, LOCK_EXCL);
}
END_TEST

START_TEST(bug_assert_not_held)
{
	sim_lock(ilock, 1, LOCK_SHARED);
	lock_assert_held(&lc_ilock, 1, LOCK_EXCL, __func__);	/* held, but shared */
}
END_TEST

START_TEST(bug_wait_drop_not_held)
{
	lock_release_for_wait(&lc_ilock, 1, "wait");
}
END_TEST

START_TEST(bug_wait_twice)
{
	sim_lock(ilock, 1, LOCK_EXCL);
	sim_lock(agf, 0, LOCK_EXCL);
	lock_release_for_wait(&lc_ilock, 1, "wait");
	lock_release_for_wait(&lc_agf, 0, "wait");
}
END_TEST

START_TEST(bug_retake_not_dropped)
{
	sim_lock(ilock, 1, LOCK_EXCL);
	lock_release_for_wait(&lc_ilock, 1, "wait");
	lock_reacquire_after_wait(&lc_ilock, 2, "woken");
}
END_TEST

Suite *lock_suite(void)
{
	Suite *s = suite_create("lock");
	TCase *tc = tcase_create("api");
	const char *fork = getenv("CK_FORK");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_release_out_of_order);
	tcase_add_test(tc, test_shared_holders_of_one_instance);
	tcase_add_test(tc, test_assert_held_modes);
	tcase_add_test(tc, test_release_for_wait_returns_to_its_slot);
	tcase_add_test(tc, test_reacquire_after_the_stack_shrank);
	tcase_add_test(tc, test_classes_by_id);
	if (!fork || strcmp(fork, "no")) {	/* an exit test needs its own process */
		tcase_add_exit_test(tc, bug_recursive_exclusive, 3);
		tcase_add_exit_test(tc, bug_recursive_after_exclusive, 3);
		tcase_add_exit_test(tc, bug_release_not_held, 3);
		tcase_add_exit_test(tc, bug_stack_overflow, 3);
		tcase_add_exit_test(tc, bug_no_context, 3);
		tcase_add_exit_test(tc, bug_assert_not_held, 3);
		tcase_add_exit_test(tc, bug_wait_drop_not_held, 3);
		tcase_add_exit_test(tc, bug_wait_twice, 3);
		tcase_add_exit_test(tc, bug_retake_not_dropped, 3);
	}
	suite_add_tcase(s, tc);
	return s;
}
