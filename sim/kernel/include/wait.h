/* SPDX-License-Identifier: MIT */
/*
 * Wait queues, in the shape of include/linux/wait.h: a head with a list of
 * entries; prepare_to_wait() puts a non-exclusive waiter at the head,
 * prepare_to_wait_exclusive() an exclusive one at the tail; __wake_up()
 * walks the list calling each entry's function with the waker's key, and
 * stops after @nr_exclusive exclusive entries were woken (0: all).  An
 * entry whose function declines (a key of another object hashed to the
 * same head) is skipped and not counted.  A waiter sleeps in
 * wait_schedule() until an entry function wakes it: nothing else does, so
 * a wakeup that is never sent is a task that never runs again -- the
 * scheduler's L-deadlock names it.
 */
#ifndef DAXSIM_WAIT_H
#define DAXSIM_WAIT_H

#include <glib.h>
#include <stdbool.h>

#include "lock.h"

struct fiber;
struct wait_queue_entry;

#define WQ_FLAG_EXCLUSIVE	0x01
#define WQ_FLAG_WOKEN		0x02

/* 1 when the entry was woken (and counts toward nr_exclusive), 0 when not. */
typedef int (*wait_queue_func_t)(struct wait_queue_entry *wq_entry, void *key);

struct wait_queue_entry {
	unsigned int		flags;
	struct fiber		*private;	/* the sleeping task */
	wait_queue_func_t	func;
	GList			*link;		/* in its head's list; NULL when not queued */
};

struct wait_queue_head {
	GQueue			head;
};

void init_waitqueue_head(struct wait_queue_head *wq_head);
/* init_wait(): the current task, autoremove_wake_function. */
void init_wait(struct wait_queue_entry *wq_entry);
bool waitqueue_active(const struct wait_queue_head *wq_head);
void prepare_to_wait(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry);
void prepare_to_wait_exclusive(struct wait_queue_head *wq_head,
			       struct wait_queue_entry *wq_entry);
void finish_wait(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry);
/* Wake the entry's task and take it off its queue (the default function). */
int autoremove_wake_function(struct wait_queue_entry *wq_entry, void *key);
/* How many entries were woken. */
int __wake_up(struct wait_queue_head *wq_head, int nr_exclusive, void *key);

/*
 * schedule() after prepare_to_wait*(): sleep until the entry is woken.  The
 * wait is named for reports (the lock or object slept on, the function).
 */
void wait_schedule(struct wait_queue_entry *wq_entry, const struct lock_class *cls,
		   uint64_t inst, enum lock_mode mode, const char *func);

/*
 * The set_current_state() + schedule() idiom, for waits whose sleep is in
 * a callback (___wait_var_event's cmd): wait_set_current() names the entry
 * the running task prepared and what it waits for (@what, @inst: "pinned
 * page", pfn); schedule() sleeps on it until woken.
 */
void wait_set_current(struct wait_queue_entry *wq_entry, const char *what, uint64_t inst);
void schedule(void);

#endif
