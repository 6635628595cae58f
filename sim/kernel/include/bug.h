/* SPDX-License-Identifier: MIT */
/*
 * The one assertion vocabulary of daxsim, the kernel's (include/asm-generic/bug.h):
 *   BUG_ON(cond)      a proven invariant of the simulator's own code;
 *   panic(fmt, ...)   the same with a message.
 * Either is an internal simulator error: the message with the source line,
 * the scenario line and the trace ring on stderr, exit status 3 -- never a
 * scenario's fault (user input is checked before it can reach one of these;
 * docs/testing.md).  There is no release-build escape: both always check.
 */
#ifndef DAXSIM_BUG_H
#define DAXSIM_BUG_H

void sim_bug(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

/*
 * Called, when set, before an internal error ends the process: explore's
 * run under the scheduler tells the schedule that got there, so the
 * replay line reproduces the error.
 */
extern void (*sim_bug_notify)(void);

#define panic(...)	sim_bug(__FILE__, __LINE__, __VA_ARGS__)
#define BUG_ON(cond)	do { if (__builtin_expect(!!(cond), 0)) \
				sim_bug(__FILE__, __LINE__, "BUG_ON(%s)", #cond); } while (0)

#endif
