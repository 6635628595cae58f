/* SPDX-License-Identifier: MIT */
/*
 * The deterministic scheduler (docs/concurrency.md).  Each command in
 * flight runs on its own stack (a fiber); exactly one runs at a time, and
 * the scheduler decides at scheduling points: before every lock
 * acquisition, at fault entry, and whenever a fiber must sleep (a lock held
 * by another fiber, a locked DAX entry).  The decision is the policy's:
 *   - default (seed 0): keep running the current fiber while it can run;
 *   - random (a seed): any runnable fiber, uniformly;
 *   - forced: the schedule being replayed, or an explored prefix.
 * A schedule is the list of switches, `NAME:POINT/K` (at decision K, point
 * POINT, run NAME instead of the default), replayed strictly.
 *
 * The scheduler is off unless a run asks for it (a scenario with `&` or
 * `wait`, --schedule, --seed, explore): a sequential run takes none of
 * these paths.
 */
#ifndef DAXSIM_SCHEDULER_H
#define DAXSIM_SCHEDULER_H

#include <stdbool.h>
#include <stdint.h>

#include "lock.h"

struct fiber;

enum sched_policy { SCHED_DEFAULT, SCHED_RANDOM, SCHED_PCT };

struct sched_opts {
	enum sched_policy	policy;
	uint64_t		seed;
	int			pct_depth;	/* PCT: priority change points + 1 */
	const char		*replay;	/* a schedule string, or NULL */
	/* explore (dfs): forced choices by decision index, then the default */
	const int		*prefix;	/* fiber creation index per decision */
	int			nprefix;
	/* fuzz_sched: decision K runs runnable[choices[K] % n], then the default */
	const uint8_t		*choices;
	size_t			nchoices;
	/*
	 * Every decision, for explore: the fiber chosen, the one that was
	 * running and could go on (-1: none), the runnable ones (creation
	 * indexes, in creation order).
	 */
	void			(*log)(int decision, int chosen, int current, int nrunnable,
				       const int *runnable, void *arg);
	void			*log_arg;
};

/* A fiber's state, for the scheduler's reports. */
struct sched_wait {
	const struct lock_class	*cls;		/* the lock slept on */
	uint64_t		inst;
	enum lock_mode		mode;
	const char		*func;
	bool			queued;		/* on a wait queue (wait.h), not a lock;
						 * mode LOCK_SHARED: a non-exclusive wait */
};

void sched_start(const struct sched_opts *opts);
void sched_stop(void);
bool sched_active(void);

/*
 * A new fiber that will run fn(arg) with @ctx as its lock context; @name
 * names it in schedules (unique among fibers alive).  Not started yet.
 */
struct fiber *sched_spawn(const char *name, struct lock_ctx *ctx, int line,
			  void (*fn)(void *arg), void *arg);
/* Run fibers (the policy decides) until @f has finished, or every fiber if NULL. */
int sched_run_until(struct fiber *f);
bool fiber_done(const struct fiber *f);
void fiber_free(struct fiber *f);
const char *fiber_name(const struct fiber *f);

/* A scheduling point in the current fiber (no-op outside the scheduler). */
void sched_point(const char *what, const char *func);
/* Before a lock acquisition: a scheduling point, then sleep while others hold it. */
void sched_lock_acquire(const struct lock_class *cls, uint64_t inst,
			enum lock_mode mode, const char *func);
void sched_lock_release(const struct lock_class *cls, uint64_t inst);
/* downgrade_write(): the holder keeps it shared; for readers it is a release. */
void sched_lock_downgrade(const struct lock_class *cls, uint64_t inst);
/* Sleep until ready(arg) (woken by the scheduler's re-check), naming the wait. */
void sched_sleep_until(bool (*ready)(void *arg), void *arg,
		       const struct lock_class *cls, uint64_t inst, const char *func);

/* Sleep on a wait queue entry until ready(arg) (its entry function woke it). */
void sched_sleep_queued(bool (*ready)(void *arg), void *arg, const struct sched_wait *w);
/* The running task (NULL outside the scheduler or in main). */
struct fiber *sched_current(void);
/* @f was woken by the running task: the waker's past happens before it. */
void sched_wakeup(struct fiber *f);

/*
 * An access of a tracked field of the page at @pfn (folio->mapping, index,
 * share, private): a scheduling point, then R-race if another task's access
 * of it, one of them a write, is not ordered before this one by a lock
 * release -> acquire (vector clocks).  No-op outside the scheduler.
 */
void sched_access(uint64_t pfn, const char *field, bool write, const char *func);
/* Hand the R-race reports found so far to @fn (the checker prints them); how many. */
int sched_drain_races(void (*fn)(const char *summary, const char *block, void *arg), void *arg);

/* What sched_run_until() ended with */
#define SCHED_OK		0
#define SCHED_DEADLOCK		1	/* every unfinished fiber is asleep */
#define SCHED_DIVERGED		2	/* the replayed schedule does not fit */

/* At the end of a run: SCHED_DIVERGED if the replayed schedule has switches left. */
int sched_replay_done(void);
/* The report of the last SCHED_DEADLOCK / SCHED_DIVERGED, and the schedule so far. */
const char *sched_report(void);
const char *sched_schedule(void);

#endif
