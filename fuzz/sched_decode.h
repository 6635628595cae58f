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

#endif
