/* SPDX-License-Identifier: MIT */
/*
 * An ftrace-like deterministic event stream: "<line> <task> <function>: args".
 * Events name kernel functions and simulated objects (ino, index, pfn,
 * block) — never host addresses or times.  The last TRACE_RING events are
 * kept for invariant-violation reports even when --trace is off.
 */
#ifndef DAXSIM_TRACE_H
#define DAXSIM_TRACE_H

#include <stdio.h>

#define TRACE_RING 16

void trace_open(FILE *out);	/* NULL: ring only */
void trace_close(void);
void trace_event(const char *func, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print the ring (oldest first) with a prefix on each line. */
void trace_dump_ring(FILE *out, const char *prefix);
/*
 * The ring's events about the objects @msg names (its "ino N" and "pfn 0xN"
 * words); every event when it names none.
 */
void trace_dump_ring_about(FILE *out, const char *prefix, const char *msg);
void trace_reset(void);

/* The scenario line being executed (0: none), for traces, lock and bug reports. */
extern int sim_cur_line;

#define trace(...) trace_event(__func__, __VA_ARGS__)

#endif
