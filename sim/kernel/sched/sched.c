// SPDX-License-Identifier: MIT
/*
 * The deterministic scheduler (see sched.h).  Every switch goes through
 * the main context: a fiber that yields names the fiber to run next and
 * switches to main, which resumes it.  A sleeping fiber is runnable again
 * when its condition holds: for a lock, nobody else holds it incompatibly
 * (the scheduler re-checks such sleepers at every decision, as the kernel's
 * lock slow paths hand over on release); for a wait queue (wait.h: the DAX
 * entry waits), an entry function woke it -- a wakeup that is never sent
 * leaves the task asleep, and the deadlock report says the object it waits
 * for is held by nobody.
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bug.h"
#include "dax.h"
#include "fiber.h"
#include "lockdep.h"
#include "scheduler.h"
#include "trace.h"

/* Vector clocks for R-race: slot 0 is the main context, fiber i is slot i + 1. */
#define VC_N	256

struct fiber {
	char			*name;
	int			index;		/* creation order */
	uint32_t		vc[VC_N];	/* what it has seen happen before it */
	struct fiber_stack	*stack;
	struct lock_ctx		*lctx;
	void			(*fn)(void *arg);
	void			*arg;
	bool			done;
	/* asleep: runnable again when ready(ready_arg) */
	bool			asleep;
	bool			(*ready)(void *arg);
	void			*ready_arg;
	struct sched_wait	wait;
	int			prio;		/* PCT */
	/* the globals it runs with, while it is switched out */
	struct lock_ctx		*saved_lctx;
	int			saved_line;
	struct lockdep_here	saved_here;
};

/* A holder of a lock instance (the lock registry, for sleeping on locks). */
struct holder {
	const struct lock_ctx	*ctx;
	enum lock_mode		mode;
	int			count;
};

struct replay_item {
	char	*name;
	char	*point;
	int	decision;
};

static struct {
	bool			on;
	struct sched_opts	opts;
	GRand			*rand;
	GPtrArray		*fibers;	/* alive, creation order */
	int			next_index;
	struct fiber		*current;	/* running, or NULL (main) */
	struct fiber		*next;		/* chosen by a yielding fiber */
	struct fiber_stack	*main;
	int			decisions;
	GString			*schedule;
	GString			*report;
	GArray			*replay;	/* struct replay_item */
	guint			ri;
	GHashTable		*holders;	/* lookups only: key -> GArray of holder */
	int			pct_changes[8];
	int			npct;
	int			result;
	uint32_t		main_vc[VC_N];
	GHashTable		*lock_vc;	/* lookups only: holder key -> uint32_t[VC_N] */
	GHashTable		*accesses;	/* lookups only: (pfn, field) -> struct access */
} S;

/*
 * @to = max(@to, @from).  Only the slots of the fibers made so far can be
 * non-zero (slot 0 and fiber i's slot i + 1), so only they are visited: a
 * join was a tenth of a schedule when it walked all VC_N.
 */
static void vc_join(uint32_t *to, const uint32_t *from)
{
	int n = MIN(S.next_index + 1, VC_N);

	for (int k = 0; k < n; k++)
		to[k] = MAX(to[k], from[k]);
}

/* The last accesses of one tracked field (FastTrack's epochs, a few readers). */
struct access {
	int		wslot;			/* -1: never written */
	uint32_t	wclk;
	const char	*wfunc;
	int		wline;
	char		wname[24];
	int		nread;
	int		rslot[4];
	uint32_t	rclk[4];
	const char	*rfunc[4];
	int		rline[4];
	char		rname[4][24];
	bool		reported;
};

bool sched_active(void)
{
	return S.on;
}

static void free_holders(gpointer p)
{
	g_array_free(p, TRUE);
}

static int parse_replay(const char *str)
{
	gchar **items;

	while (*str == ' ' || *str == '\t')
		str++;
	/* what an L-deadlock report prints for a schedule with no switch */
	if (!strncmp(str, "(default)", 9) && !str[9 + strspn(str + 9, " \t")])
		return 0;
	items = g_strsplit_set(str, " \t", -1);

	for (int i = 0; items[i]; i++) {
		struct replay_item it;
		char *colon, *slash;

		if (!*items[i])
			continue;
		colon = strchr(items[i], ':');
		slash = strrchr(items[i], '/');
		if (!colon || !slash || slash < colon) {
			g_strfreev(items);
			return -1;
		}
		it.name = g_strndup(items[i], (gsize)(colon - items[i]));
		it.point = g_strndup(colon + 1, (gsize)(slash - colon - 1));
		it.decision = atoi(slash + 1);
		g_array_append_val(S.replay, it);
	}
	g_strfreev(items);
	return 0;
}

void sched_start(const struct sched_opts *opts)
{
	memset(&S, 0, sizeof(S));
	S.on = true;
	S.opts = *opts;
	S.rand = g_rand_new_with_seed((guint32)(opts->seed ^ (opts->seed >> 32)));
	S.fibers = g_ptr_array_new();
	S.main = fiber_stack_main();
	S.schedule = g_string_new(NULL);
	S.report = g_string_new(NULL);
	S.replay = g_array_new(FALSE, FALSE, sizeof(struct replay_item));
	S.holders = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, free_holders);
	S.lock_vc = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
	S.accesses = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
	S.main_vc[0] = 1;
	if (opts->replay && parse_replay(opts->replay))
		g_string_printf(S.report, "schedule: cannot parse '%s' (want NAME:POINT/K ...)",
				opts->replay);
	S.npct = 0;
	if (opts->policy == SCHED_PCT)
		for (int i = 0; i < opts->pct_depth - 1 && i < (int)G_N_ELEMENTS(S.pct_changes); i++)
			S.pct_changes[S.npct++] = g_rand_int_range(S.rand, 1, 64);
}

void sched_stop(void)
{
	if (!S.on)
		return;
	for (guint i = 0; i < S.fibers->len; i++) {
		struct fiber *f = g_ptr_array_index(S.fibers, i);

		fiber_stack_free(f->stack);
		g_free(f->name);
		g_free(f);
	}
	g_ptr_array_free(S.fibers, TRUE);
	fiber_stack_free(S.main);
	g_rand_free(S.rand);
	g_string_free(S.schedule, TRUE);
	g_string_free(S.report, TRUE);
	for (guint i = 0; i < S.replay->len; i++) {
		g_free(g_array_index(S.replay, struct replay_item, i).name);
		g_free(g_array_index(S.replay, struct replay_item, i).point);
	}
	g_array_free(S.replay, TRUE);
	g_hash_table_destroy(S.holders);
	g_hash_table_destroy(S.lock_vc);
	g_hash_table_destroy(S.accesses);
	memset(&S, 0, sizeof(S));
}

int sched_replay_done(void)
{
	const struct replay_item *it;

	if (!S.on || S.ri >= S.replay->len)
		return SCHED_OK;
	it = &g_array_index(S.replay, struct replay_item, S.ri);
	g_string_printf(S.report, "schedule diverged at step %d: expected %s at %s, found the end of the run",
			it->decision, it->name, it->point);
	S.result = SCHED_DIVERGED;
	return SCHED_DIVERGED;
}

const char *sched_report(void)
{
	return S.report ? S.report->str : "";
}

const char *sched_schedule(void)
{
	return S.schedule ? S.schedule->str : "";
}

const char *fiber_name(const struct fiber *f)
{
	return f->name;
}

bool fiber_done(const struct fiber *f)
{
	return f->done;
}

static void fiber_entry(void)
{
	struct fiber *f = S.current;

	f->fn(f->arg);
	f->done = true;
	S.next = NULL;
	fiber_switch(f->stack, S.main, true);
}

struct fiber *sched_spawn(const char *name, struct lock_ctx *ctx, int line,
			  void (*fn)(void *arg), void *arg)
{
	struct fiber *f = g_new0(struct fiber, 1);

	f->name = g_strdup(name);
	f->index = S.next_index++;
	f->stack = fiber_stack_new(fiber_entry);
	f->lctx = ctx;
	f->fn = fn;
	f->arg = arg;
	f->prio = g_rand_int_range(S.rand, 1000, 2000);
	f->saved_lctx = ctx;
	f->saved_line = line;
	f->saved_here = lockdep_here;
	/* what main did before it started the command happens before it */
	memcpy(f->vc, S.main_vc, sizeof(f->vc));
	if (f->index + 1 < VC_N)
		f->vc[f->index + 1] = 1;
	S.main_vc[0]++;
	g_ptr_array_add(S.fibers, f);
	return f;
}

void fiber_free(struct fiber *f)
{
	if (!f)
		return;
	BUG_ON(!f->done);
	g_ptr_array_remove(S.fibers, f);
	fiber_stack_free(f->stack);
	g_free(f->name);
	g_free(f);
}

static bool runnable(struct fiber *f)
{
	if (f->done)
		return false;
	if (f->asleep && f->ready && f->ready(f->ready_arg))
		f->asleep = false;
	return !f->asleep;
}

/* The default: the current fiber while it can run, else the oldest runnable. */
static struct fiber *default_choice(struct fiber *cur, struct fiber **run, int n)
{
	if (cur && runnable(cur))
		return cur;
	return n ? run[0] : NULL;
}

static struct fiber *by_name(struct fiber **run, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(run[i]->name, name))
			return run[i];
	return NULL;
}

static void diverged(const char *what, const char *point, struct fiber **run, int n)
{
	const struct replay_item *it = &g_array_index(S.replay, struct replay_item, S.ri);

	g_string_printf(S.report, "schedule diverged at step %d: expected %s at %s, found %s (runnable:",
			it->decision, it->name, it->point, what ? what : point);
	for (int i = 0; i < n; i++)
		g_string_append_printf(S.report, " %s", run[i]->name);
	g_string_append(S.report, ")");
	S.result = SCHED_DIVERGED;
}

/*
 * A scheduling point's name: "WHAT@FUNC", or WHAT alone when @func is NULL
 * (main's "schedule").  Made only when a schedule or a report needs it: a
 * snprintf per lock acquisition was a twentieth of an explored schedule.
 */
static const char *point_name(char *buf, size_t len, const char *what, const char *func)
{
	if (!func)
		return what;
	snprintf(buf, len, "%s@%s", what, func);
	return buf;
}

/*
 * Choose the fiber to run at a point of @cur (NULL: from main, after a
 * fiber ended or fell asleep).  NULL when nothing can run.
 */
static struct fiber *choose(struct fiber *cur, const char *what, const char *func)
{
	struct fiber *run[64], *pick, *def;
	int n = 0, idx[64], running;
	char buf[96];
	const char *point;

	for (guint i = 0; i < S.fibers->len && n < (int)G_N_ELEMENTS(run); i++) {
		struct fiber *f = g_ptr_array_index(S.fibers, i);

		if (runnable(f)) {
			idx[n] = f->index;
			run[n++] = f;
		}
	}
	def = default_choice(cur, run, n);
	if (n < 2)
		return def;
	pick = def;
	if (S.ri < S.replay->len) {
		const struct replay_item *it = &g_array_index(S.replay, struct replay_item, S.ri);

		if (it->decision == S.decisions) {
			point = point_name(buf, sizeof(buf), what, func);
			pick = by_name(run, n, it->name);
			if (!pick || strcmp(it->point, point)) {
				diverged(pick ? point : NULL, point, run, n);
				pick = def;
			}
			S.ri++;
		}
	} else if (S.decisions < S.opts.nprefix) {
		pick = NULL;
		for (int i = 0; i < n; i++)
			if (run[i]->index == S.opts.prefix[S.decisions])
				pick = run[i];
		if (!pick) {
			g_string_printf(S.report, "explore: prefix diverged at decision %d", S.decisions);
			S.result = SCHED_DIVERGED;
			pick = def;
		}
	} else if ((size_t)S.decisions < S.opts.nchoices) {
		pick = run[S.opts.choices[S.decisions] % n];
	} else if (S.opts.policy == SCHED_RANDOM) {
		pick = run[g_rand_int_range(S.rand, 0, n)];
	} else if (S.opts.policy == SCHED_PCT) {
		for (int i = 0; i < S.npct; i++)
			if (S.pct_changes[i] == S.decisions && cur)
				cur->prio = i;	/* below every initial priority */
		pick = run[0];
		for (int i = 1; i < n; i++)
			if (run[i]->prio > pick->prio)
				pick = run[i];
	}
	running = cur && runnable(cur) ? cur->index : -1;
	if (S.opts.log)
		S.opts.log(S.decisions, pick->index, running, n, idx, S.opts.log_arg);
	if (pick != def)
		g_string_append_printf(S.schedule, "%s%s:%s/%d", S.schedule->len ? " " : "", pick->name,
				       point_name(buf, sizeof(buf), what, func), S.decisions);
	S.decisions++;
	return pick;
}

/* Resume @f from main until it yields, sleeps or ends. */
static void resume(struct fiber *f)
{
	struct lock_ctx *m_lctx = lock_current;
	int m_line = sim_cur_line;
	struct lockdep_here m_here = lockdep_here;

	lock_current = f->saved_lctx;
	sim_cur_line = f->saved_line;
	lockdep_here = f->saved_here;
	S.current = f;
	fiber_switch(S.main, f->stack, false);
	S.current = NULL;
	f->saved_lctx = lock_current;
	f->saved_line = sim_cur_line;
	f->saved_here = lockdep_here;
	lock_current = m_lctx;
	sim_cur_line = m_line;
	lockdep_here = m_here;
}

/* In a fiber: give the CPU to S.next (or whoever main picks) and come back later. */
static void yield_to_main(void)
{
	struct fiber *f = S.current;

	fiber_switch(f->stack, S.main, false);
}

/* "agf/0", or "dax_entry ino 131 index 0" for an entry lock. */
static void append_lock(GString *s, const struct lock_class *cls, uint64_t inst)
{
	if (cls == &lc_dax_entry) {
		uint64_t ino;
		pgoff_t base;

		dax_entry_lock_decode(inst, &ino, &base);
		g_string_append_printf(s, "dax_entry ino %llu index %llu", (unsigned long long)ino,
				       (unsigned long long)base);
	} else {
		g_string_append_printf(s, "%s/%llu", cls ? cls->name : "?", (unsigned long long)inst);
	}
}

static int64_t holder_key(const struct lock_class *cls, uint64_t inst);

static bool held_by_anyone(const struct lock_class *cls, uint64_t inst)
{
	int64_t key;
	GArray *h;

	if (!cls)
		return false;
	key = holder_key(cls, inst);
	h = g_hash_table_lookup(S.holders, &key);
	return h && h->len;
}

static void report_deadlock(void)
{
	g_string_printf(S.report, "every unfinished command is asleep\n");
	for (guint i = 0; i < S.fibers->len; i++) {
		struct fiber *f = g_ptr_array_index(S.fibers, i);

		if (f->done)
			continue;
		if (!f->wait.cls) {
			/* a wait for an object, not a lock (schedule(): a pinned page) */
			g_string_append_printf(S.report, "  task %s (scenario line %d) waits for the %s 0x%llx\n",
					       f->name, f->saved_line, f->wait.func ? f->wait.func : "?",
					       (unsigned long long)f->wait.inst);
		} else {
			g_string_append_printf(S.report, "  task %s (scenario line %d) blocked in %s on ",
					       f->name, f->saved_line, f->wait.func ? f->wait.func : "?");
			append_lock(S.report, f->wait.cls, f->wait.inst);
			g_string_append_printf(S.report, " (%s)%s\n",
					       !f->wait.queued ? (f->wait.mode == LOCK_SHARED ? "shared" : "exclusive") :
					       f->wait.mode == LOCK_SHARED ? "non-exclusive wait" : "exclusive wait",
					       f->wait.queued && !held_by_anyone(f->wait.cls, f->wait.inst) ?
					       ": held by no task, a lost wakeup" : "");
		}
		/*
		 * what it runs as while switched out: its own task's, or the
		 * transient task an `xfs_io ... &` line made inside the fiber
		 */
		const struct lock_ctx *lc = f->saved_lctx ? f->saved_lctx : f->lctx;

		for (int k = 0; k < lc->depth; k++) {
			const struct held_lock *hl = &lc->held[k];

			g_string_append(S.report, "    holds ");
			append_lock(S.report, hl->cls, hl->inst);
			g_string_append_printf(S.report, " (%s), taken in %s at line %d\n",
					       hl->mode == LOCK_SHARED ? "shared" : "exclusive",
					       hl->func, hl->line);
		}
	}
	g_string_append_printf(S.report, "  schedule: %s", S.schedule->len ? S.schedule->str : "(default)");
	S.result = SCHED_DEADLOCK;
}

int sched_run_until(struct fiber *target)
{
	BUG_ON(S.current);
	while (S.result == SCHED_OK) {
		struct fiber *f = S.next;
		bool pending = false;

		S.next = NULL;
		if (target && target->done)
			break;
		for (guint i = 0; i < S.fibers->len; i++)
			if (!((struct fiber *)g_ptr_array_index(S.fibers, i))->done)
				pending = true;
		if (!pending)
			break;
		if (!f || !runnable(f))
			f = choose(NULL, "schedule", NULL);
		if (S.result != SCHED_OK)
			break;
		if (!f) {
			report_deadlock();
			break;
		}
		resume(f);
		if (f->done)	/* main learns of it: what it did happens before what main starts next */
			vc_join(S.main_vc, f->vc);
	}
	return S.result;
}

void sched_point(const char *what, const char *func)
{
	struct fiber *cur = S.current, *pick;

	if (!S.on || !cur || S.result != SCHED_OK)
		return;
	pick = choose(cur, what, func);
	if (pick && pick != cur) {
		S.next = pick;
		yield_to_main();
	}
}

static void sleep_until(bool (*ready)(void *arg), void *arg, const struct sched_wait *w)
{
	struct fiber *cur = S.current;

	if (!S.on || !cur)
		panic("%s: would sleep forever on %s/%llu (no other task can run)", w->func,
		      w->cls ? w->cls->name : "?", (unsigned long long)w->inst);
	while (!ready(arg)) {
		cur->asleep = true;
		cur->ready = ready;
		cur->ready_arg = arg;
		cur->wait = *w;
		trace("%s sleeps on %s/%llu", cur->name, w->cls ? w->cls->name : "?",
		      (unsigned long long)w->inst);
		S.next = NULL;
		yield_to_main();
		if (S.result != SCHED_OK)
			yield_to_main();	/* the run is over: never resumed */
	}
	cur->asleep = false;
	cur->ready = NULL;
}

void sched_sleep_until(bool (*ready)(void *arg), void *arg,
		       const struct lock_class *cls, uint64_t inst, const char *func)
{
	sleep_until(ready, arg, &(struct sched_wait){ cls, inst, LOCK_EXCL, func, false });
}

void sched_sleep_queued(bool (*ready)(void *arg), void *arg, const struct sched_wait *w)
{
	struct sched_wait q = *w;

	q.queued = true;
	sleep_until(ready, arg, &q);
}

struct fiber *sched_current(void)
{
	return S.on ? S.current : NULL;
}

void sched_wakeup(struct fiber *f)
{
	uint32_t *from = S.current ? S.current->vc : S.main_vc;

	if (!S.on || !f)
		return;
	/* the waker's past happens before what the woken task does next */
	vc_join(f->vc, from);
	if (S.current && S.current->index + 1 < VC_N)
		S.current->vc[S.current->index + 1]++;
	else if (!S.current)
		S.main_vc[0]++;
}

/* The lock registry -------------------------------------------------------- */
static int64_t holder_key(const struct lock_class *cls, uint64_t inst)
{
	return ((int64_t)cls->id << 56) ^ (int64_t)inst;
}

struct lock_want {
	const struct lock_class	*cls;
	uint64_t		inst;
	enum lock_mode		mode;
	const struct lock_ctx	*ctx;
};

static bool lock_free_for(void *arg)
{
	const struct lock_want *w = arg;
	int64_t key = holder_key(w->cls, w->inst);
	GArray *h = g_hash_table_lookup(S.holders, &key);

	for (guint i = 0; h && i < h->len; i++) {
		const struct holder *ho = &g_array_index(h, struct holder, i);

		if (ho->ctx != w->ctx && (w->mode == LOCK_EXCL || ho->mode == LOCK_EXCL))
			return false;
	}
	return true;
}

void sched_lock_acquire(const struct lock_class *cls, uint64_t inst,
			enum lock_mode mode, const char *func)
{
	struct lock_want w = { cls, inst, mode, lock_current };
	int64_t key;
	GArray *h;
	struct holder ho = { lock_current, mode, 1 };

	if (!S.on || !S.current || cls->kind == LK_PSEUDO)
		return;
	sched_point(cls->name, func);
	if (!lock_free_for(&w)) {
		sched_sleep_until(lock_free_for, &w, cls, inst, func);
		S.current->wait.mode = mode;
	}
	key = holder_key(cls, inst);
	{
		uint32_t *lvc = g_hash_table_lookup(S.lock_vc, &key);

		if (lvc)	/* release -> acquire */
			vc_join(S.current->vc, lvc);
	}
	h = g_hash_table_lookup(S.holders, &key);
	if (!h) {
		int64_t *k = g_new(int64_t, 1);

		*k = key;
		h = g_array_new(FALSE, FALSE, sizeof(struct holder));
		g_hash_table_insert(S.holders, k, h);
	}
	for (guint i = 0; i < h->len; i++) {
		struct holder *x = &g_array_index(h, struct holder, i);

		if (x->ctx == lock_current) {
			x->count++;
			return;
		}
	}
	g_array_append_val(h, ho);
}

/* A release's happens-before edge: the lock's clock joins the holder's. */
static void lock_vc_release(int64_t key)
{
	uint32_t *lvc = g_hash_table_lookup(S.lock_vc, &key);
	struct fiber *cur = S.current;

	if (!lvc) {
		int64_t *k = g_new(int64_t, 1);

		*k = key;
		lvc = g_new0(uint32_t, VC_N);
		g_hash_table_insert(S.lock_vc, k, lvc);
	}
	vc_join(lvc, cur->vc);
	if (cur->index + 1 < VC_N)
		cur->vc[cur->index + 1]++;
}

static struct holder *current_holder(int64_t key, guint *pos)
{
	GArray *h = g_hash_table_lookup(S.holders, &key);

	for (guint i = 0; h && i < h->len; i++) {
		struct holder *x = &g_array_index(h, struct holder, i);

		if (x->ctx == lock_current) {
			*pos = i;
			return x;
		}
	}
	return NULL;
}

/*
 * A release, or a downgrade (for readers, what the writer did is ordered
 * before them): the happens-before edge, and the current task's holder
 * record (NULL outside the scheduler or if it holds none).
 */
static struct holder *holder_release(const struct lock_class *cls, uint64_t inst, int64_t *key,
				     guint *pos)
{
	if (!S.on || cls->kind == LK_PSEUDO)
		return NULL;
	*key = holder_key(cls, inst);
	if (S.current)
		lock_vc_release(*key);
	return current_holder(*key, pos);
}

void sched_lock_release(const struct lock_class *cls, uint64_t inst)
{
	int64_t key;
	guint pos;
	struct holder *x = holder_release(cls, inst, &key, &pos);

	if (x && --x->count == 0)
		g_array_remove_index(g_hash_table_lookup(S.holders, &key), pos);
}

void sched_lock_downgrade(const struct lock_class *cls, uint64_t inst)
{
	int64_t key;
	guint pos;
	struct holder *x = holder_release(cls, inst, &key, &pos);

	if (x)
		x->mode = LOCK_SHARED;
}

/* R-race (data races on tracked page state) --------------------------------- */
static GPtrArray *races;	/* summary, block, summary, block, ... until drained */

static const char *const tracked_fields[] = { "mapping", "index", "share", "private" };

static int field_id(const char *field)
{
	for (int i = 0; i < (int)G_N_ELEMENTS(tracked_fields); i++)
		if (!strcmp(tracked_fields[i], field))
			return i;
	return -1;
}

static void race_report(uint64_t pfn, const char *field, const char *kind1, const char *name1,
			const char *func1, int line1, const char *kind2, const char *func2)
{
	struct fiber *cur = S.current;
	GString *block = g_string_new(NULL);

	g_string_append_printf(block, "  %s by task %s in %s at scenario line %d\n",
			       kind1, name1, func1, line1);
	g_string_append_printf(block, "  %s by task %s in %s at scenario line %d\n",
			       kind2, cur->name, func2, sim_cur_line);
	g_string_append(block, "  no lock release or wakeup orders the two\n");
	if (!races)
		races = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(races, g_strdup_printf("data race on folio->%s of pfn 0x%llx: %s by %s and %s by %s",
					       field, (unsigned long long)pfn, kind1, name1, kind2,
					       cur->name));
	g_ptr_array_add(races, g_string_free(block, FALSE));
}

int sched_drain_races(void (*fn)(const char *summary, const char *block, void *arg), void *arg)
{
	int n = 0;

	for (guint i = 0; races && i + 1 < races->len; i += 2, n++)
		fn(g_ptr_array_index(races, i), g_ptr_array_index(races, i + 1), arg);
	if (races)
		g_ptr_array_set_size(races, 0);
	return n;
}

void sched_access(uint64_t pfn, const char *field, bool write, const char *func)
{
	struct fiber *cur = S.current;
	int fid = field_id(field), t;
	int64_t key;
	struct access *a;

	if (!S.on || !cur || fid < 0 || S.result != SCHED_OK)
		return;
	sched_point(field, func);
	t = cur->index + 1;
	if (t >= VC_N)
		return;
	key = (int64_t)((pfn << 3) | (uint64_t)fid);
	a = g_hash_table_lookup(S.accesses, &key);
	if (!a) {
		int64_t *k = g_new(int64_t, 1);

		*k = key;
		a = g_new0(struct access, 1);
		a->wslot = -1;
		g_hash_table_insert(S.accesses, k, a);
	}
	if (!a->reported && a->wslot >= 0 && a->wslot != t && a->wclk > cur->vc[a->wslot]) {
		a->reported = true;
		race_report(pfn, field, "write", a->wname, a->wfunc, a->wline,
			    write ? "write" : "read", func);
	}
	if (write) {
		for (int i = 0; i < a->nread && !a->reported; i++)
			if (a->rslot[i] != t && a->rclk[i] > cur->vc[a->rslot[i]]) {
				a->reported = true;
				race_report(pfn, field, "read", a->rname[i], a->rfunc[i], a->rline[i],
					    "write", func);
			}
		a->wslot = t;
		a->wclk = cur->vc[t];
		a->wfunc = func;
		a->wline = sim_cur_line;
		snprintf(a->wname, sizeof(a->wname), "%s", cur->name);
		a->nread = 0;
		return;
	}
	for (int i = 0; i < a->nread; i++)
		if (a->rslot[i] == t) {
			a->rclk[i] = cur->vc[t];
			return;
		}
	if (a->nread < 4) {
		int i = a->nread++;

		a->rslot[i] = t;
		a->rclk[i] = cur->vc[t];
		a->rfunc[i] = func;
		a->rline[i] = sim_cur_line;
		snprintf(a->rname[i], sizeof(a->rname[i]), "%s", cur->name);
	}
}
