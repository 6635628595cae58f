/* SPDX-License-Identifier: MIT */
/*
 * The one lock API every simulated kernel path goes through.  Locks are
 * identified by a class (kernel-notes §4.2 ranks) and an instance key (an
 * inode number, a mapping id, an entry index...).  The API records every
 * acquisition on the current context's held-lock stack with the kernel
 * function and the scenario line, and calls an optional validator hook, so a
 * lockdep-like checker (and later a scheduler) can be attached.
 */
#ifndef DAXSIM_LOCK_H
#define DAXSIM_LOCK_H

#include "types.h"

enum lock_kind { LK_MUTEX, LK_RWSEM, LK_SPINLOCK, LK_BITLOCK, LK_PSEUDO };
enum lock_mode { LOCK_EXCL, LOCK_SHARED };

struct lock_class {
	const char	*name;
	int		rank;		/* kernel-notes §4.2 */
	enum lock_kind	kind;
	bool		may_sleep;	/* holders may sleep */
	int		id;		/* dense index, set at registration */
};

#define LOCK_CLASSES(X)						\
	X(mf_mutex,		0,  LK_MUTEX,    true)		\
	X(sb_writers,		1,  LK_PSEUDO,   true)		\
	X(i_rwsem,		2,  LK_RWSEM,    true)		\
	X(mmap_lock,		3,  LK_RWSEM,    true)		\
	X(sb_pagefaults,	4,  LK_PSEUDO,   true)		\
	X(invalidate_lock,	5,  LK_RWSEM,    true)		\
	X(dax_entry,		6,  LK_BITLOCK,  true)		\
	X(ilock,		7,  LK_RWSEM,    true)		\
	X(agf,			8,  LK_MUTEX,    true)		\
	X(i_mmap_rwsem,		9,  LK_RWSEM,    true)		\
	X(tasklist,		10, LK_PSEUDO,   false)		\
	X(ptl,			11, LK_SPINLOCK, false)		\
	X(xa_lock,		12, LK_SPINLOCK, false)

#define X(n, r, k, s) extern struct lock_class lc_##n;
LOCK_CLASSES(X)
#undef X

struct held_lock {
	const struct lock_class	*cls;
	uint64_t		inst;
	enum lock_mode		mode;
	int			subclass;
	const char		*func;	/* kernel function that took it */
	int			line;	/* scenario line */
};

#define MAX_HELD_LOCKS 48

/* A context that can hold locks: a simulated task, or a kernel worker. */
struct lock_ctx {
	const char		*name;
	int			depth;
	struct held_lock	held[MAX_HELD_LOCKS];
};

/* Validator hook (installed by the lock validator; NULL when off). */
struct lock_hooks {
	void (*acquire)(struct lock_ctx *ctx, const struct held_lock *hl);
	void (*release)(struct lock_ctx *ctx, const struct held_lock *hl);
};
extern const struct lock_hooks *lock_hooks;

extern struct lock_ctx *lock_current;	/* set by the scheduler/interpreter */
extern int sim_cur_line;		/* scenario line being executed */

void lock_acquire(const struct lock_class *cls, uint64_t inst,
		  enum lock_mode mode, int subclass, const char *func);
void lock_release(const struct lock_class *cls, uint64_t inst, const char *func);
/* lockdep_assert_held: a simulator bug if the current context lacks it. */
void lock_assert_held(const struct lock_class *cls, uint64_t inst,
		      enum lock_mode mode, const char *func);
bool lock_is_held(const struct lock_class *cls, uint64_t inst);
/* Number of locks held by any context (M4). */
int lock_total_held(void);
const struct lock_class *lock_class_by_id(int id);
int lock_nr_classes(void);

#define sim_lock(cls, inst, mode)	lock_acquire(&lc_##cls, inst, mode, 0, __func__)
#define sim_lock_nested(cls, inst, mode, sub) lock_acquire(&lc_##cls, inst, mode, sub, __func__)
#define sim_unlock(cls, inst)		lock_release(&lc_##cls, inst, __func__)

#endif
