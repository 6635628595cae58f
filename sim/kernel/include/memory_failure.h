/* SPDX-License-Identifier: MIT */
/*
 * Memory failure on pmem (mm/memory-failure.c for DAX pages; kernel-notes
 * §2): memory_failure() -> memory_failure_dev_pagemap() -> the sharing
 * design's owner discovery (the fs rmap through dax_holder_notify_failure,
 * the design's own structures, or the generic page->mapping path) ->
 * mf_dax_kill_procs() per (mapping, index) owner.
 */
#ifndef DAXSIM_MEMORY_FAILURE_H
#define DAXSIM_MEMORY_FAILURE_H

#include "dax.h"
#include "mm.h"

struct xfs_mount;

#define MF_ACTION_REQUIRED	(1U << 0)	/* madvise(MADV_HWPOISON) by a task */

/*
 * A hardware error on @pfn.  @current is the injecting task (action
 * required) or NULL (a patrol-scrub report: action optional).  Returns 0
 * when the page was handled ("Recovered"), else a negative errno.
 */
int memory_failure(pfn_t pfn, unsigned int flags, struct task_struct *current);

/* Unmap (mapping, index..index+count) everywhere and signal per kill policy. */
void mf_dax_kill_procs(struct address_space *mapping, pgoff_t index, uint64_t count,
		       unsigned int flags);

/* H1 for every page handled since the last call: report through @report. */
void mf_check_h1(void (*report)(const char *id, const char *msg, void *arg), void *arg);
/* Forget pending H1 checks (world teardown). */
void mf_reset(void);

/* The filesystem side: xfs_dax_notify_failure() (models/xfs). */
int xfs_dax_notify_failure(struct xfs_mount *mp, uint64_t bno, uint64_t len,
			   unsigned int flags, bool metadata_only);

#endif
