// SPDX-License-Identifier: MIT
/* The bug-injection table (see inject.h). */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bug.h"
#include "inject.h"

enum inject_tag inject_active;

static const struct inject_point table[INJECT_NR] = {
	[INJECT_NONE]			= { "off", INJECT_KIND_NONE, "nothing injected" },
	[INJECT_REFLINK_NO_WRPROTECT]	= { "reflink-no-wrprotect", INJECT_KIND_MUTANT,
					    "reflink leaves the files' PTEs writable" },
	[INJECT_REFLINK_NO_REFCOUNT]	= { "reflink-no-refcount", INJECT_KIND_MUTANT,
					    "reflink does not bump the refcount" },
	[INJECT_TRUNCATE_NO_UNMAP]	= { "truncate-no-unmap", INJECT_KIND_MUTANT,
					    "truncate leaves PTEs beyond EOF" },
	[INJECT_SHADOW_REUSE]		= { "shadow-reuse", INJECT_KIND_MUTANT,
					    "shadow: the shadow survives its CoW" },
	[INJECT_COW_NO_COPY]		= { "cow-no-copy", INJECT_KIND_MUTANT,
					    "a CoW fault does not copy the old data" },
	[INJECT_MF_SKIP_SECOND_OWNER]	= { "mf-skip-second-owner", INJECT_KIND_MUTANT,
					    "memory failure never reaches a 2nd owner" },
	[INJECT_FAULT_MMAPLOCK_INNER]	= { "fault-mmaplock-inner", INJECT_KIND_MUTANT,
					    "the fault takes MMAPLOCK after the entry lock" },
	[INJECT_FLUSH_NO_INVALIDATE]	= { "flush-no-invalidate", INJECT_KIND_MUTANT,
					    "xfs_flush_unmap_range writes back but keeps the stale page cache" },
	[INJECT_SHADOW_PC_NO_PROMOTE]	= { "shadow-pc-no-promote", INJECT_KIND_MUTANT,
					    "shadow page cache: a block no longer shared keeps its master" },
	[INJECT_FAULT_IOMAP_BEFORE_ENTRY] = { "fault-iomap-before-entry", INJECT_KIND_RACE,
					    "13e451fdc1af: the fault maps the extent before it locks the entry" },
	[INJECT_DOWNGRADE_WAKE_ONE]	= { "downgrade-wake-one", INJECT_KIND_RACE,
					    "965d004af540: replacing a PMD entry by PTEs wakes one waiter, not all" },
	[INJECT_PMD_WAIT_WRONG_INDEX]	= { "pmd-wait-wrong-index", INJECT_KIND_RACE,
					    "23c84eb78375: a PMD fault sleeps on a locked PTE entry hashed on the PMD index" },
	[INJECT_INVALIDATE_WAKE_ONE]	= { "invalidate-wake-one", INJECT_KIND_RACE,
					    "237388320def: an invalidated entry wakes one waiter, not all" },
	[INJECT_MF_SLEEP_UNDER_XA_LOCK]	= { "mf-sleep-under-xa-lock", INJECT_KIND_RACE,
					    "f52afc93cd01: dax_lock_mapping_entry sleeps without unlocking i_pages" },
	[INJECT_LAYOUT_SKIP_LOCKED]	= { "layout-skip-locked", INJECT_KIND_RACE,
					    "6be3e21d25ca: dax_layout_busy_page skips locked entries, and the pinned page behind one" },
	[INJECT_REFLINK_SRC_SHARED]	= { "reflink-src-shared", INJECT_KIND_RACE,
					    "5d888b481e6a: reflink takes the source's IOLOCK and MMAPLOCK shared" },
	[INJECT_PMD_PTE_COLLISION]	= { "pmd-pte-collision", INJECT_KIND_RACE,
					    "\"dax: Fix race between colliding PMD & PTE entries\": a fault does not look at the page table again once it holds the entry" },
	[INJECT_FAULT_NO_ENTRY_LOCK]	= { "fault-no-entry-lock", INJECT_KIND_RACE,
					    "ac401cc78242: a fault goes on with an entry another fault has locked" },
	[INJECT_FAULT_ILOCK_OUTER]	= { "fault-ilock-outer", INJECT_KIND_LOCK,
					    "xfs_filemap_fault: ILOCK before MMAPLOCK" },
	[INJECT_ALLOC_UNDER_XA_LOCK]	= { "alloc-under-xa-lock", INJECT_KIND_LOCK,
					    "dax_replace_entry: GFP_KERNEL under xa_lock" },
	[INJECT_TRUNCATE_NO_MMAPLOCK]	= { "truncate-no-mmaplock", INJECT_KIND_LOCK,
					    "xfs_setattr_size without MMAPLOCK" },
	[INJECT_READ_EXTRA_EDGE]	= { "read-extra-edge", INJECT_KIND_LOCK,
					    "xfs_file_read: a new (rank-correct) edge" },
	[INJECT_REMAP_INODE_ORDER]	= { "remap-inode-order", INJECT_KIND_LOCK,
					    "xfs_ilock2_io_mmap: higher inode first" },
};

const struct inject_point *inject_table(void)
{
	return table;
}

int inject_lookup(const char *name, enum inject_kind kind)
{
	for (int i = 0; i < INJECT_NR; i++)
		if (!strcmp(name, table[i].name) && (i == INJECT_NONE || table[i].kind == kind))
			return i;
	return -1;
}

const char *inject_names(enum inject_kind kind)
{
	static GString *names[4];

	BUG_ON(kind > INJECT_KIND_RACE);
	if (!names[kind]) {
		names[kind] = g_string_new("off");
		for (int i = 1; i < INJECT_NR; i++)
			if (table[i].kind == kind)
				g_string_append_printf(names[kind], ", %s", table[i].name);
	}
	return names[kind]->str;
}

enum inject_tag inject_from_env(void)
{
	static int tag = -1;

	if (tag < 0) {
		const char *name = getenv("DAXSIM_INJECT");

		tag = INJECT_NONE;
		if (name && *name) {
			tag = inject_lookup(name, INJECT_KIND_MUTANT);
			if (tag < 0)
				tag = inject_lookup(name, INJECT_KIND_RACE);
			if (tag < 0) {
				fprintf(stderr, "daxsim: DAXSIM_INJECT=%s: unknown mutant or race (%s; %s)\n",
					name, inject_names(INJECT_KIND_MUTANT), inject_names(INJECT_KIND_RACE));
				exit(2);
			}
		}
	}
	return (enum inject_tag)tag;
}
