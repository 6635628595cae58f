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

#include "trace.h"
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
	X(fs_reclaim,		6,  LK_PSEUDO,   true)		\
	X(ilock,		7,  LK_RWSEM,    true)		\
	X(agf,			8,  LK_MUTEX,    true)		\
	X(i_mmap_rwsem,		9,  LK_RWSEM,    true)		\
	X(tasklist,		10, LK_PSEUDO,   false)		\
	X(ptl,			11, LK_SPINLOCK, false)		\
	X(xa_lock,		12, LK_SPINLOCK, false)		\
	X(folio_lock,		6,  LK_BITLOCK,  true)

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
	/* a lock dropped by lock_release_for_wait(), and its stack slot */
	struct held_lock	waiting;
	int			waiting_pos;	/* its slot + 1; 0: none */
};

/* Validator hook (installed by the lock validator; NULL when off). */
struct lock_hooks {
	void (*acquire)(struct lock_ctx *ctx, const struct held_lock *hl);
	void (*release)(struct lock_ctx *ctx, const struct held_lock *hl);
	/* lockdep_assert_held() failed: report it (else a simulator bug) */
	void (*assert_failed)(struct lock_ctx *ctx, const struct lock_class *cls,
			      uint64_t inst, enum lock_mode mode, const char *func);
	/* might_alloc(): an allocation that may sleep (and may reclaim) */
	void (*alloc)(struct lock_ctx *ctx, unsigned int gfp, const char *func);
};
extern const struct lock_hooks *lock_hooks;

extern struct lock_ctx *lock_current;	/* set by the scheduler/interpreter */

void lock_acquire(const struct lock_class *cls, uint64_t inst,
		  enum lock_mode mode, int subclass, const char *func);
void lock_release(const struct lock_class *cls, uint64_t inst, const char *func);
/*
 * downgrade_write() / xfs_ilock_demote(): an exclusive hold becomes shared
 * where it stands in the held stack; readers waiting for it may go on.
 */
void lock_downgrade(const struct lock_class *cls, uint64_t inst, const char *func);
/* lockdep_assert_held: a simulator bug if the current context lacks it. */
void lock_assert_held(const struct lock_class *cls, uint64_t inst,
		      enum lock_mode mode, const char *func);
bool lock_is_held(const struct lock_class *cls, uint64_t inst);
/* Number of locks held by any context (M4). */
int lock_total_held(void);
const struct lock_class *lock_class_by_id(int id);
int lock_nr_classes(void);

/*
 * Allocation context (the gfp bits that matter to lock validation).
 * GFP_KERNEL may sleep and enter filesystem reclaim (the fs_reclaim
 * pseudo-lock: "allocate under X" becomes the edge X -> fs_reclaim);
 * GFP_NOFS may sleep but never recurses into the filesystem (XFS
 * transactions and XFS mappings' gfp mask); GFP_NOWAIT never sleeps.
 */
#define __GFP_DIRECT_RECLAIM	0x1u
#define __GFP_FS		0x2u
#define GFP_NOWAIT		0x0u
#define GFP_NOFS		__GFP_DIRECT_RECLAIM
#define GFP_KERNEL		(__GFP_DIRECT_RECLAIM | __GFP_FS)
void might_alloc_(unsigned int gfp, const char *func);
#define might_alloc(gfp)	might_alloc_(gfp, __func__)

/*
 * Release-and-reacquire while waiting (xfs_wait_dax_page drops MMAPLOCK
 * around schedule()): the lock leaves the held stack and comes back at
 * its old place, with its old mode and subclass.  The validator checks the
 * reacquisition against the locks held below it, as the kernel's order is.
 */
void lock_release_for_wait(const struct lock_class *cls, uint64_t inst, const char *func);
void lock_reacquire_after_wait(const struct lock_class *cls, uint64_t inst, const char *func);

#define sim_lock(cls, inst, mode)	lock_acquire(&lc_##cls, inst, mode, 0, __func__)
#define sim_lock_nested(cls, inst, mode, sub) lock_acquire(&lc_##cls, inst, mode, sub, __func__)
#define sim_unlock(cls, inst)		lock_release(&lc_##cls, inst, __func__)

#endif
