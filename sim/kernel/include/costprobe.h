/* SPDX-License-Identifier: MIT */
/*
 * Where a CoW fault's time goes, for `make bench` only: the bench switches
 * the probes on for one pass and reads the nanoseconds spent in each part.
 * Off (every scenario, test and fuzz run), a probe site costs one load and
 * a branch, like INJECT().  The figures are host times: they never reach a
 * scenario's output or a decision.
 */
#ifndef DAXSIM_COSTPROBE_H
#define DAXSIM_COSTPROBE_H

#include <stdbool.h>
#include <stdint.h>

enum cost_part {
	COST_COW_ALLOC,		/* xfs_reflink_allocate_cow: the CoW fork's new block */
	COST_COW_END,		/* xfs_reflink_end_cow: refcount, rmap and extent updates */
	COST_COW_COPY,		/* dax_iomap_copy_around: the 4 KiB copy */
	COST_NR
};

extern bool cost_probe_on;
extern uint64_t cost_probe_ns[COST_NR];

uint64_t cost_probe_clock(void);	/* CLOCK_MONOTONIC, ns */

#define COST_BEGIN(t)		uint64_t t = cost_probe_on ? cost_probe_clock() : 0
#define COST_END(part, t)	do {						\
		if (cost_probe_on)						\
			cost_probe_ns[part] += cost_probe_clock() - (t);	\
	} while (0)

#endif
