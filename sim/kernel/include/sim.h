/* SPDX-License-Identifier: MIT */
/*
 * The simulated world: one pmem device, its memmap, one mounted XFS, the
 * tasks, and the run's options.  A single instance at a time (`sim`), set up
 * and torn down per scenario run so the fuzzer can loop.
 */
#ifndef DAXSIM_SIM_H
#define DAXSIM_SIM_H

#include <glib.h>
#include <stdio.h>

#include "memmap.h"
#include "mm.h"
#include "pmem.h"

struct xfs_mount;
struct refmodel;

struct sim_stats {
	uint64_t faults, pmd_faults, cow_faults, cow_copies, zero_faults,
		 fallbacks, sigbus;
};

struct sim_world {
	bool			have_pmem;
	struct pmem_device	pmem;
	struct memmap		memmap;
	struct xfs_mount	*mp;
	struct refmodel		*ref;
	GTree			*tasks;		/* name -> task_struct */
	int			next_pid;
	uint64_t		next_vma_seq;
	struct task_struct	*kthread;	/* context for async work */
	struct sim_stats	stats;
	GString			*dmesg;
	FILE			*out;		/* the scenario's stdout */
};

extern struct sim_world *sim;

void sim_world_init(struct sim_world *w, FILE *out);
void sim_world_destroy(struct sim_world *w);

/* The kernel log (deterministic). */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
