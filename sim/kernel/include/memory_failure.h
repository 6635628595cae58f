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

#include "dax_device.h"

/*
 * A hardware error on @pfn.  @current is the injecting task (action
 * required) or NULL (a patrol-scrub report: action optional).  Returns 0
 * when the page was handled ("Recovered"), else a negative errno.
 */
int memory_failure(pfn_t pfn, unsigned int flags, struct task_struct *current);

/* Unmap (mapping, index..index+count) everywhere and signal per kill policy. */
void mf_dax_kill_procs(struct address_space *mapping, pgoff_t index, uint64_t count,
		       unsigned int flags);

/*
 * For the H1 check (sim/check): the pfns handled since the last call to
 * mf_drain_handled(), and whether (ino, index) was handed to
 * mf_dax_kill_procs() meanwhile.  Draining forgets both.
 */
const pfn_t *mf_handled(unsigned int *nr);
bool mf_was_reached(uint64_t ino, pgoff_t index);
void mf_drain_handled(void);
/* Forget pending H1 checks (world teardown). */
void mf_reset(void);

#endif
