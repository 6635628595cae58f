// SPDX-License-Identifier: MIT
/* The lock API: held-lock stacks and instance bookkeeping. */
#include <glib.h>
#include <stdio.h>

#include "lock.h"
#include "scheduler.h"

#define X(n, r, k, s) struct lock_class lc_##n = { #n, r, k, s, 0 };
LOCK_CLASSES(X)
#undef X

static struct lock_class *const all_classes[] = {
#define X(n, r, k, s) &lc_##n,
	LOCK_CLASSES(X)
#undef X
};

const struct lock_hooks *lock_hooks;
struct lock_ctx *lock_current;
static int total_held;

static void ensure_ids(void)
{
	static bool done;

	if (done)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(all_classes); i++)
		all_classes[i]->id = (int)i;
	done = true;
}

const struct lock_class *lock_class_by_id(int id)
{
	ensure_ids();
	return id >= 0 && id < (int)ARRAY_SIZE(all_classes) ? all_classes[id] : NULL;
}

int lock_nr_classes(void)
{
	return (int)ARRAY_SIZE(all_classes);
}

static struct lock_ctx *ctx_or_bug(void)
{
	if (!lock_current)
		panic("lock taken with no current context");
	return lock_current;
}

void lock_acquire(const struct lock_class *cls, uint64_t inst,
		  enum lock_mode mode, int subclass, const char *func)
{
	struct lock_ctx *ctx = ctx_or_bug();
	struct held_lock *hl;

	ensure_ids();
	for (int i = 0; i < ctx->depth; i++) {
		hl = &ctx->held[i];
		/* Recursive acquisition of one instance would self-deadlock. */
		if (hl->cls == cls && hl->inst == inst &&
		    (mode == LOCK_EXCL || hl->mode == LOCK_EXCL))
			panic("%s: recursive acquisition of %s/%llu (held from %s)",
				func, cls->name, (unsigned long long)inst, hl->func);
	}
	if (ctx->depth >= MAX_HELD_LOCKS)
		panic("%s: held-lock stack overflow", func);
	if (sched_active())	/* a scheduling point; sleep while another task holds it */
		sched_lock_acquire(cls, inst, mode, func);
	hl = &ctx->held[ctx->depth++];
	*hl = (struct held_lock){ cls, inst, mode, subclass, func, sim_cur_line };
	total_held++;
	if (lock_hooks && lock_hooks->acquire)
		lock_hooks->acquire(ctx, hl);
}

void lock_release(const struct lock_class *cls, uint64_t inst, const char *func)
{
	struct lock_ctx *ctx = ctx_or_bug();

	for (int i = ctx->depth - 1; i >= 0; i--) {
		struct held_lock hl = ctx->held[i];

		if (hl.cls != cls || hl.inst != inst)
			continue;
		for (int j = i; j < ctx->depth - 1; j++)
			ctx->held[j] = ctx->held[j + 1];
		ctx->depth--;
		total_held--;
		if (sched_active())
			sched_lock_release(cls, inst);
		if (lock_hooks && lock_hooks->release)
			lock_hooks->release(ctx, &hl);
		return;
	}
	panic("%s: releasing %s/%llu which is not held", func, cls->name,
		(unsigned long long)inst);
}

void lock_downgrade(const struct lock_class *cls, uint64_t inst, const char *func)
{
	struct lock_ctx *ctx = ctx_or_bug();

	for (int i = ctx->depth - 1; i >= 0; i--) {
		struct held_lock *hl = &ctx->held[i];

		if (hl->cls != cls || hl->inst != inst)
			continue;
		if (hl->mode != LOCK_EXCL)
			panic("%s: downgrading %s/%llu, which is held shared", func, cls->name,
			      (unsigned long long)inst);
		hl->mode = LOCK_SHARED;
		if (sched_active())
			sched_lock_downgrade(cls, inst);
		return;
	}
	panic("%s: downgrading %s/%llu which is not held", func, cls->name,
	      (unsigned long long)inst);
}

bool lock_is_held(const struct lock_class *cls, uint64_t inst)
{
	struct lock_ctx *ctx = lock_current;

	for (int i = 0; ctx && i < ctx->depth; i++)
		if (ctx->held[i].cls == cls && ctx->held[i].inst == inst)
			return true;
	return false;
}

void lock_assert_held(const struct lock_class *cls, uint64_t inst,
		      enum lock_mode mode, const char *func)
{
	struct lock_ctx *ctx = lock_current;

	for (int i = 0; ctx && i < ctx->depth; i++)
		if (ctx->held[i].cls == cls && ctx->held[i].inst == inst &&
		    (mode == LOCK_SHARED || ctx->held[i].mode == LOCK_EXCL))
			return;
	if (lock_hooks && lock_hooks->assert_failed) {
		lock_hooks->assert_failed(ctx_or_bug(), cls, inst, mode, func);
		return;
	}
	panic("%s: lockdep_assert_held(%s/%llu) failed", func, cls->name,
		(unsigned long long)inst);
}

void might_alloc_(unsigned int gfp, const char *func)
{
	struct lock_ctx *ctx = ctx_or_bug();

	if (lock_hooks && lock_hooks->alloc)
		lock_hooks->alloc(ctx, gfp, func);
}

void lock_release_for_wait(const struct lock_class *cls, uint64_t inst, const char *func)
{
	struct lock_ctx *ctx = ctx_or_bug();
	int pos = -1;

	if (ctx->waiting_pos)
		panic("%s: already waiting with %s dropped", func, ctx->waiting.cls->name);
	for (int i = ctx->depth - 1; i >= 0 && pos < 0; i--)
		if (ctx->held[i].cls == cls && ctx->held[i].inst == inst)
			pos = i;
	if (pos < 0)
		panic("%s: dropping %s/%llu for a wait, but it is not held", func,
			cls->name, (unsigned long long)inst);
	ctx->waiting = ctx->held[pos];
	ctx->waiting_pos = pos + 1;
	lock_release(cls, inst, func);
}

void lock_reacquire_after_wait(const struct lock_class *cls, uint64_t inst, const char *func)
{
	struct lock_ctx *ctx = ctx_or_bug();
	struct held_lock hl = ctx->waiting;
	int pos = ctx->waiting_pos - 1;

	if (!ctx->waiting_pos || hl.cls != cls || hl.inst != inst)
		panic("%s: retaking %s/%llu that was not dropped for a wait", func,
			cls->name, (unsigned long long)inst);
	if (ctx->depth >= MAX_HELD_LOCKS)
		panic("%s: held-lock stack overflow", func);
	if (pos > ctx->depth)
		pos = ctx->depth;
	if (sched_active())	/* schedule(): others run; then take it again */
		sched_lock_acquire(cls, inst, hl.mode, func);
	/* back at its old place: the locks below it are the ones it nests in */
	for (int j = ctx->depth; j > pos; j--)
		ctx->held[j] = ctx->held[j - 1];
	hl.func = func;
	hl.line = sim_cur_line;
	ctx->held[pos] = hl;
	ctx->depth++;
	total_held++;
	ctx->waiting_pos = 0;
	if (lock_hooks && lock_hooks->acquire)
		lock_hooks->acquire(ctx, &ctx->held[pos]);
}

int lock_total_held(void)
{
	return total_held;
}
