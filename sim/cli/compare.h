/* SPDX-License-Identifier: MIT */
/* `daxsim compare`: every scenario under every sharing design. */
#ifndef DAXSIM_COMPARE_H
#define DAXSIM_COMPARE_H

int daxsim_compare(int argc, char **argv);
/* `daxsim explore` (explore.c) */
int daxsim_explore(int argc, char **argv);

#endif
