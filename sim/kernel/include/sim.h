/* SPDX-License-Identifier: MIT */
/*
 * The simulated machine: one pmem device, its memmap, the mounted
 * filesystem's superblock, the tasks, the kernel log and the fault
 * counters.  A single instance at a time (`sim`), booted and powered off per
 * scenario run so the fuzzer can loop.  The scenario front end keeps its own
 * state (the reference model, the output stream) outside it.
 */
#ifndef DAXSIM_SIM_H
#define DAXSIM_SIM_H

#include <glib.h>
#include <stdio.h>

#include "memmap.h"
#include "mm.h"
#include "pmem.h"

struct super_block;
struct dev_dax;

struct sim_stats {
	uint64_t faults, pmd_faults, cow_faults, cow_copies, zero_faults,
		 fallbacks, sigbus;
	uint64_t pagecache_faults;	/* faults served by filemap_fault */
};

struct sim_world {
	bool			have_pmem;
	struct pmem_device	pmem;
	struct memmap		memmap;
	struct super_block	*sb;		/* the mounted filesystem, or NULL */
	struct dev_dax		*dev_dax;	/* the namespace in devdax mode, or NULL */
	GTree			*tasks;		/* name -> task_struct */
	int			next_pid;
	uint64_t		next_vma_seq;
	uint64_t		signals_sent;	/* task_signal() count: lets the run loop skip its scan */
	struct task_struct	*kthread;	/* context for async work */
	struct sim_stats	stats;
	GString			*dmesg;
	uint64_t		realtime_ns;	/* the wall clock: advanced by whoever drives the run */
};

extern struct sim_world *sim;

/* The wall clock at the start of every run: 2025-12-05 00:00:00 UTC. */
#define SIM_EPOCH_NS	(1764892800ULL * 1000000000ULL)

void sim_world_init(struct sim_world *w);
void sim_world_destroy(struct sim_world *w);

/* The kernel log (deterministic). */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
