// SPDX-License-Identifier: MIT
/* The CoW-fault cost probes (costprobe.h): off unless the bench sets them. */
#include <time.h>

#include "costprobe.h"

bool cost_probe_on;
uint64_t cost_probe_ns[COST_NR];

uint64_t cost_probe_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
