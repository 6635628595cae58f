// SPDX-License-Identifier: MIT
/*
 * The lock validator as a fuzzing oracle: on with the built-in rules, and
 * a fresh class graph per input, so that every report comes from the input
 * that is replayed (a cycle built from two inputs could not be reproduced
 * by `daxsim fuzz-decode`).
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_decode.h"
#include "lockdep.h"

void fuzz_lockdep_fresh(void)
{
	char err[512];

	if (!lockdep_enabled() && lockdep_enable(NULL, err, sizeof(err))) {
		fprintf(stderr, "fuzz: the built-in lock rules do not load: %s\n", err);
		abort();
	}
	lockdep_reset_graph();
	lockdep_reports_reset();
}
