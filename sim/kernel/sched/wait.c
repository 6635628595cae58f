// SPDX-License-Identifier: MIT
/*
 * Wait queues (wait.h), after kernel/sched/wait.c: the list, the exclusive
 * count of __wake_up_common(), and autoremove_wake_function().  The sleep
 * itself is the scheduler's: a queued task is runnable again only once an
 * entry function set WQ_FLAG_WOKEN on its entry.
 */
#include "bug.h"
#include "scheduler.h"
#include "wait.h"

void init_waitqueue_head(struct wait_queue_head *wq_head)
{
	g_queue_init(&wq_head->head);
}

void init_wait(struct wait_queue_entry *wq_entry)
{
	wq_entry->flags = 0;
	wq_entry->private = sched_current();
	wq_entry->func = autoremove_wake_function;
	wq_entry->link = NULL;
}

bool waitqueue_active(const struct wait_queue_head *wq_head)
{
	return wq_head->head.head != NULL;
}

/* Non-exclusive waiters go first: every wakeup reaches them. */
void prepare_to_wait(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry)
{
	wq_entry->flags &= ~(WQ_FLAG_EXCLUSIVE | WQ_FLAG_WOKEN);
	if (!wq_entry->link) {
		g_queue_push_head(&wq_head->head, wq_entry);
		wq_entry->link = wq_head->head.head;
	}
}

/* Exclusive waiters queue at the tail, in the order they came. */
void prepare_to_wait_exclusive(struct wait_queue_head *wq_head,
			       struct wait_queue_entry *wq_entry)
{
	wq_entry->flags = (wq_entry->flags | WQ_FLAG_EXCLUSIVE) & ~WQ_FLAG_WOKEN;
	if (!wq_entry->link) {
		g_queue_push_tail(&wq_head->head, wq_entry);
		wq_entry->link = wq_head->head.tail;
	}
}

void finish_wait(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry)
{
	if (wq_entry->link) {
		g_queue_delete_link(&wq_head->head, wq_entry->link);
		wq_entry->link = NULL;
	}
}

/*
 * The default wake function: mark the entry woken.  __wake_up() then takes
 * it off the queue (list_del_init_careful() in the kernel), so a second
 * wakeup cannot pick it again.
 */
int autoremove_wake_function(struct wait_queue_entry *wq_entry, void *key)
{
	wq_entry->flags |= WQ_FLAG_WOKEN;
	sched_wakeup(wq_entry->private);
	return 1;
}

int __wake_up(struct wait_queue_head *wq_head, int nr_exclusive, void *key)
{
	GList *l = wq_head->head.head;
	int woken = 0;

	while (l) {
		struct wait_queue_entry *e = l->data;
		GList *next = l->next;
		int ret = e->func(e, key);

		if (ret && (e->flags & WQ_FLAG_WOKEN) && e->link) {
			g_queue_delete_link(&wq_head->head, e->link);
			e->link = NULL;
		}
		if (ret) {
			woken++;
			if ((e->flags & WQ_FLAG_EXCLUSIVE) && !--nr_exclusive)
				break;
		}
		l = next;
	}
	return woken;
}

static struct {
	struct fiber		*task;
	struct wait_queue_entry	*entry;
	const char		*what;
	uint64_t		inst;
} prepared;

void wait_set_current(struct wait_queue_entry *wq_entry, const char *what, uint64_t inst)
{
	prepared.task = sched_current();
	prepared.entry = wq_entry;
	prepared.what = what;
	prepared.inst = inst;
}

static bool woken(void *arg)
{
	const struct wait_queue_entry *e = arg;

	return e->flags & WQ_FLAG_WOKEN;
}

void wait_schedule(struct wait_queue_entry *wq_entry, const struct lock_class *cls,
		   uint64_t inst, enum lock_mode mode, const char *func)
{
	BUG_ON(!wq_entry->link && !(wq_entry->flags & WQ_FLAG_WOKEN));
	sched_sleep_queued(woken, wq_entry,
			   &(struct sched_wait){ cls, inst, mode, func, true });
}

void schedule(void)
{
	struct wait_queue_entry *e = prepared.entry;

	if (!e) {
		/* still TASK_RUNNING: schedule() only lets others run */
		sched_point("schedule", "schedule");
		return;
	}
	BUG_ON(prepared.task != sched_current());
	prepared.entry = NULL;
	sched_sleep_queued(woken, e, &(struct sched_wait){ NULL, prepared.inst, LOCK_SHARED,
							   prepared.what, true });
}
