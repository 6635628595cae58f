// SPDX-License-Identifier: MIT
/*
 * Unit tests for sim/kernel/sched/wait.c: queue order (non-exclusive
 * waiters at the head, exclusive ones at the tail in arrival order), the
 * nr_exclusive count of __wake_up() (1: the next exclusive waiter plus
 * every non-exclusive one before it; 0: all), entry functions that decline
 * a key (not woken, not counted), and finish_wait() of a woken and of a
 * still-queued entry.  No sleeping: the scheduler is off, so the entries
 * belong to no task and only their WOKEN flags are looked at.
 */
#include <check.h>

#include "wait.h"
#include "unit_suites.h"

struct keyed {
	struct wait_queue_entry	wait;	/* first: the entry function casts back */
	int			key;
};

static int keyed_wake(struct wait_queue_entry *w, void *key)
{
	if (((struct keyed *)w)->key != *(int *)key)
		return 0;
	return autoremove_wake_function(w, NULL);
}

static void setup_entries(struct wait_queue_head *wq, struct keyed *e, int n, const int *keys,
			  const bool *exclusive)
{
	init_waitqueue_head(wq);
	for (int i = 0; i < n; i++) {
		init_wait(&e[i].wait);
		e[i].wait.func = keyed_wake;
		e[i].key = keys[i];
		if (exclusive[i])
			prepare_to_wait_exclusive(wq, &e[i].wait);
		else
			prepare_to_wait(wq, &e[i].wait);
	}
}

static bool woken(const struct keyed *e)
{
	return e->wait.flags & WQ_FLAG_WOKEN;
}

START_TEST(wake_next_wakes_first_exclusive_only)
{
	struct wait_queue_head wq;
	struct keyed e[3];
	int key = 7;

	setup_entries(&wq, e, 3, (const int[]){ 7, 7, 7 }, (const bool[]){ true, true, true });
	ck_assert(waitqueue_active(&wq));
	ck_assert_int_eq(__wake_up(&wq, 1, &key), 1);
	ck_assert(woken(&e[0]) && !woken(&e[1]) && !woken(&e[2]));
	/* the woken one left the queue: the next wakeup goes to the second */
	ck_assert_int_eq(__wake_up(&wq, 1, &key), 1);
	ck_assert(woken(&e[1]) && !woken(&e[2]));
	finish_wait(&wq, &e[0].wait);
	finish_wait(&wq, &e[1].wait);
	finish_wait(&wq, &e[2].wait);	/* still queued: removed */
	ck_assert(!waitqueue_active(&wq));
}
END_TEST

START_TEST(wake_all_wakes_every_matching_entry)
{
	struct wait_queue_head wq;
	struct keyed e[4];
	int key = 1;

	setup_entries(&wq, e, 4, (const int[]){ 1, 2, 1, 1 },
		      (const bool[]){ true, true, true, false });
	ck_assert_int_eq(__wake_up(&wq, 0, &key), 3);
	ck_assert(woken(&e[0]) && !woken(&e[1]) && woken(&e[2]) && woken(&e[3]));
	ck_assert(waitqueue_active(&wq));	/* the other key's waiter stays */
	key = 2;
	ck_assert_int_eq(__wake_up(&wq, 0, &key), 1);
	ck_assert(!waitqueue_active(&wq));
}
END_TEST

START_TEST(declined_entries_are_not_counted)
{
	struct wait_queue_head wq;
	struct keyed e[3];
	int key = 5;

	/* a colliding key first: skipped, and the one wakeup still reaches key 5 */
	setup_entries(&wq, e, 3, (const int[]){ 4, 5, 5 }, (const bool[]){ true, true, true });
	ck_assert_int_eq(__wake_up(&wq, 1, &key), 1);
	ck_assert(!woken(&e[0]) && woken(&e[1]) && !woken(&e[2]));
}
END_TEST

START_TEST(non_exclusive_waiters_go_first_and_always_wake)
{
	struct wait_queue_head wq;
	struct keyed e[3];
	int key = 3;

	/* exclusive, then two non-exclusive: these are queued at the head */
	setup_entries(&wq, e, 3, (const int[]){ 3, 3, 3 }, (const bool[]){ true, false, false });
	ck_assert_int_eq(__wake_up(&wq, 1, &key), 3);
	ck_assert(woken(&e[0]) && woken(&e[1]) && woken(&e[2]));
}
END_TEST

START_TEST(wake_on_empty_queue)
{
	struct wait_queue_head wq;
	int key = 0;

	init_waitqueue_head(&wq);
	ck_assert(!waitqueue_active(&wq));
	ck_assert_int_eq(__wake_up(&wq, 1, &key), 0);
}
END_TEST

Suite *wait_suite(void)
{
	Suite *s = suite_create("wait");
	TCase *tc = tcase_create("wake");

	tcase_add_test(tc, wake_next_wakes_first_exclusive_only);
	tcase_add_test(tc, wake_all_wakes_every_matching_entry);
	tcase_add_test(tc, declined_entries_are_not_counted);
	tcase_add_test(tc, non_exclusive_waiters_go_first_and_always_wake);
	tcase_add_test(tc, wake_on_empty_queue);
	suite_add_tcase(s, tc);
	return s;
}
