/* SPDX-License-Identifier: MIT */
/* daxsim shrink under the scheduler: signatures from output, and explore as an oracle. */
#ifndef DAXSIM_SHRINK_SCHEDULE_H
#define DAXSIM_SHRINK_SCHEDULE_H

/*
 * The failure signature a run's output shows: "invariant ID" for the first
 * `INVARIANT ID violated`, "failed expectation" for `EXPECT FAILED`, else "".
 */
char *shrink_output_signature(const char *out);
/*
 * Explore @text (dfs, 2 preemptions, a bounded number of schedules); the
 * schedule of the first failure if it fails as @want, else NULL.
 */
char *shrink_explore(const char *text, const char *model, const char *want);

#endif
