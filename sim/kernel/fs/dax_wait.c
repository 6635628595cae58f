// SPDX-License-Identifier: MIT
/*
 * Waiting for DAX entry locks, after fs/dax.c: the entry lock is a bit in
 * the entry, so a task that finds it set sleeps on one of 4096 wait queues
 * hashed from (mapping, index) -- the index aligned down to the PMD when
 * the entry is a PMD entry, so every offset the entry covers waits on one
 * key.  Each waiter carries its key and the wake function ignores wakeups
 * for other keys that hash to the same queue.  Unlocking wakes the next
 * exclusive waiter (WAKE_NEXT); deleting or replacing an entry wakes all
 * of them (WAKE_ALL), because a waiter that finds nothing there passes no
 * wakeup on.  A wakeup sent for the wrong key, or to one waiter where all
 * needed it, leaves tasks asleep for good: the scheduler reports it as
 * L-deadlock with "held by no task, a lost wakeup".
 */
#include "dax.h"
#include "lock.h"
#include "scheduler.h"
#include "wait.h"

#define DAX_WAIT_TABLE_BITS	12
#define DAX_WAIT_TABLE_ENTRIES	(1U << DAX_WAIT_TABLE_BITS)

/* Zero-initialised GQueues are empty queues. */
static struct wait_queue_head wait_table[DAX_WAIT_TABLE_ENTRIES];

struct exceptional_entry_key {
	const struct address_space	*xa;
	pgoff_t				entry_start;
};

struct wait_exceptional_entry_queue {
	struct wait_queue_entry		wait;
	struct exceptional_entry_key	key;
};

/* hash_64(): the kernel's multiplicative hash, on the inode number (not an address). */
static unsigned int dax_hash(uint64_t val)
{
	return (unsigned int)((val * 0x61C8864680B583EBull) >> (64 - DAX_WAIT_TABLE_BITS));
}

static struct wait_queue_head *dax_entry_waitqueue(const struct address_space *mapping,
						   pgoff_t index, unsigned long entry,
						   struct exceptional_entry_key *key)
{
	if (dax_is_pmd_entry(entry))
		index &= ~PG_PMD_COLOUR;
	key->xa = mapping;
	key->entry_start = index;
	return &wait_table[dax_hash(mapping->id ^ index)];
}

static int wake_exceptional_entry_func(struct wait_queue_entry *wait, void *keyp)
{
	const struct exceptional_entry_key *key = keyp;
	const struct wait_exceptional_entry_queue *ewait =
		(const struct wait_exceptional_entry_queue *)wait;

	if (key->xa != ewait->key.xa || key->entry_start != ewait->key.entry_start)
		return 0;
	return autoremove_wake_function(wait, NULL);
}

void dax_wake_entry(struct address_space *mapping, pgoff_t index, unsigned long entry,
		    enum dax_wake_mode mode)
{
	struct exceptional_entry_key key;
	struct wait_queue_head *wq = dax_entry_waitqueue(mapping, index, entry, &key);

	if (waitqueue_active(wq))
		__wake_up(wq, mode == WAKE_ALL ? 0 : 1, &key);
}

void dax_wait_entry(struct address_space *mapping, pgoff_t index, unsigned long entry,
		    bool exclusive, const char *func)
{
	struct wait_exceptional_entry_queue ewait;
	struct wait_queue_head *wq;

	init_wait(&ewait.wait);
	ewait.wait.func = wake_exceptional_entry_func;
	wq = dax_entry_waitqueue(mapping, index, entry, &ewait.key);
	if (exclusive)
		prepare_to_wait_exclusive(wq, &ewait.wait);
	else
		prepare_to_wait(wq, &ewait.wait);
	wait_schedule(&ewait.wait, &lc_dax_entry,
		      dax_entry_lock_inst(mapping->id, ewait.key.entry_start),
		      exclusive ? LOCK_EXCL : LOCK_SHARED, func);
	finish_wait(wq, &ewait.wait);
}
