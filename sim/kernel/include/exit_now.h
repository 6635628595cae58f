/* SPDX-License-Identifier: MIT */
/*
 * exit_now(status): _exit() where the process cannot unwind: explore's and
 * shrink's forked children, a run that deadlocked or diverged from its
 * schedule (its sleeping commands hold locks for ever).  In the coverage build
 * (-DDAXSIM_COVERAGE, harness/coverage.sh) it first writes the child's gcov
 * counters, which _exit() would drop, so the code such a process ran is
 * measured; otherwise it is _exit().
 */
#ifndef DAXSIM_EXIT_NOW_H
#define DAXSIM_EXIT_NOW_H

void exit_now(int status) __attribute__((noreturn));

#endif
