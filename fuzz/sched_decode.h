/* SPDX-License-Identifier: MIT */
/* fuzz_sched's input: a scenario with background commands, and scheduler choices. */
#ifndef DAXSIM_SCHED_DECODE_H
#define DAXSIM_SCHED_DECODE_H

#include <glib.h>
#include <stdint.h>

struct fuzz_sched_input {
	const uint8_t	*choices;	/* into the input: one byte per decision */
	size_t		nchoices;
	int		nbg;		/* lines put in the background */
};

/* The scenario text (g_free it); *in gets the choices and counts. */
char *fuzz_sched_decode(const uint8_t *data, size_t size, struct fuzz_sched_input *in);

/*
 * The run fuzz_sched gives an input (the target and `fuzz-decode --sched`
 * alike): the scheduler on with @in's choices, the fuzzers' io limits,
 * incremental checks, going on past a violation.
 */
struct run_opts;
void fuzz_sched_opts(struct run_opts *opts, const struct fuzz_sched_input *in);

#endif
