/* SPDX-License-Identifier: MIT */
/*
 * Bug injection, after XFS's error tags (fs/xfs/libxfs/xfs_errortag.h,
 * XFS_TEST_ERROR): one table of named points, each a known bug put back on
 * purpose so a test can show that some check catches it.  Two kinds:
 *   - lock:   a path takes its locks in a broken order, for the lock
 *             validator's scenarios (`lockdep inject NAME`, --lockdep-inject);
 *   - mutant: a data or mapping bug for `make mutants` and the fuzzers
 *             (--inject=NAME, or DAXSIM_INJECT=NAME in the environment);
 *   - race:   an upstream race fixed in the kernel, put back for the
 *             scheduler to find (`DAXSIM_INJECT=NAME daxsim explore`).
 * At most one point is active; a normal run has none, and every test of a
 * point is one load and compare.  The table (names, kinds, what each
 * re-creates) is in sim/kernel/lib/inject.c; docs/testing.md lists which
 * check catches each.  A new injected bug -- e.g. a race for the scheduler
 * -- is one enum value, one table row, and an INJECT() at its site.
 */
#ifndef DAXSIM_INJECT_H
#define DAXSIM_INJECT_H

#include <stdbool.h>

enum inject_tag {
	INJECT_NONE,
	/* mutants */
	INJECT_REFLINK_NO_WRPROTECT,	/* reflink leaves the files' PTEs writable */
	INJECT_REFLINK_NO_REFCOUNT,	/* reflink does not bump the refcount */
	INJECT_TRUNCATE_NO_UNMAP,	/* truncate leaves PTEs beyond EOF */
	INJECT_SHADOW_REUSE,		/* shadow: the shadow survives its CoW */
	INJECT_COW_NO_COPY,		/* a CoW fault does not copy the old data */
	INJECT_MF_SKIP_SECOND_OWNER,	/* memory failure never reaches a 2nd owner */
	INJECT_FAULT_MMAPLOCK_INNER,	/* the fault takes MMAPLOCK after the entry lock */
	INJECT_FLUSH_NO_INVALIDATE,	/* xfs_flush_unmap_range writes back but keeps the cache */
	INJECT_SHADOW_PC_NO_PROMOTE,	/* shadow page cache: an unshared block keeps its master */
	/* races, for the scheduler (daxsim explore) */
	INJECT_FAULT_IOMAP_BEFORE_ENTRY,	/* 13e451fdc1af: iomap_begin before the entry lock */
	INJECT_DOWNGRADE_WAKE_ONE,	/* 965d004af540: a replaced entry wakes one waiter */
	INJECT_PMD_WAIT_WRONG_INDEX,	/* 23c84eb78375: a PMD fault waits on a PTE entry, wrong key */
	INJECT_INVALIDATE_WAKE_ONE,	/* 237388320def: an invalidated entry wakes one waiter */
	INJECT_MF_SLEEP_UNDER_XA_LOCK,	/* f52afc93cd01: dax_lock_mapping_entry sleeps with i_pages locked */
	INJECT_FAULT_NO_ENTRY_LOCK,	/* ac401cc78242: faults do not serialise on the entry */
	INJECT_LAYOUT_SKIP_LOCKED,	/* 6be3e21d25ca: the busy-page scan skips locked entries */
	INJECT_REFLINK_SRC_SHARED,	/* 5d888b481e6a: reflink locks the source shared */
	INJECT_PMD_PTE_COLLISION,	/* generic/437's fixes: no page-table look after the entry lock */
	/* lock orders */
	INJECT_FAULT_ILOCK_OUTER,	/* xfs_filemap_fault: ILOCK before MMAPLOCK */
	INJECT_ALLOC_UNDER_XA_LOCK,	/* dax_replace_entry: GFP_KERNEL under xa_lock */
	INJECT_TRUNCATE_NO_MMAPLOCK,	/* xfs_setattr_size without MMAPLOCK */
	INJECT_READ_EXTRA_EDGE,		/* xfs_file_read: a new (rank-correct) edge */
	INJECT_REMAP_INODE_ORDER,	/* xfs_ilock2_io_mmap: higher inode first */
	INJECT_NR
};

enum inject_kind { INJECT_KIND_NONE, INJECT_KIND_MUTANT, INJECT_KIND_LOCK, INJECT_KIND_RACE };

struct inject_point {
	const char		*name;		/* as the CLI and scenarios spell it */
	enum inject_kind	kind;
	const char		*what;		/* the bug, one line */
};

extern enum inject_tag inject_active;

/* XFS_TEST_ERROR's shape: is the injected bug at this site switched on? */
#define INJECT(tag)	(inject_active == INJECT_##tag)

/* The table, INJECT_NR rows indexed by enum inject_tag ("off" at 0). */
const struct inject_point *inject_table(void);
/* The point named @name of @kind ("off": INJECT_NONE); -1 if there is none. */
int inject_lookup(const char *name, enum inject_kind kind);
/* ", "-joined names of @kind, "off" first, for messages. */
const char *inject_names(enum inject_kind kind);
/* What DAXSIM_INJECT names (a mutant or a race), read once; INJECT_NONE if unset. */
enum inject_tag inject_from_env(void);

#endif
