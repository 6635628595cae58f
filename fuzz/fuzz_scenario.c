// SPDX-License-Identifier: MIT
/*
 * fuzz_scenario: arbitrary text into the parser and interpreter.  Exit 0,
 * 1 (an expectation or invariant failed) and 2 (usage error) are all fine;
 * a crash, a hang, unbounded allocation, BUG_ON/panic (exit 3) or a sanitizer
 * report is not.
 *
 * Budget: large numbers are welcome (issue 15 item 11): a sparse file at
 * an exabyte offset, a mapping past TASK_SIZE, a range to 2^63 - 1 all
 * cost a few extent lookups, and every command that moves data is held
 * to the per-command io limit (64 MiB here; a usage error past it) and
 * the whole input to 256 MiB (run_opts.io_total_limit).  Only
 * the device itself is bounded: `pmem size=` above FUZZ_SCN_MAX_PMEM is
 * skipped (filling a 1 TiB device is work, not a bug).  stdout goes to
 * /dev/null so `pread -v` of megabytes costs no memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_decode.h"
#include "interp.h"
#include "scn.h"

#define FUZZ_SCN_MAX_PMEM	(64LL << 20)

static bool over_budget(const struct scn *s)
{
	for (guint i = 0; i < s->lines->len; i++) {
		struct scn_line *ln = g_ptr_array_index(s->lines, i);

		if (strcmp(ln->argv[0], "pmem"))
			continue;
		for (int w = 1; w < ln->argc; w++) {
			long long n;

			if (!strncmp(ln->argv[w], "size=", 5) && !cvtnum(ln->argv[w] + 5, &n) &&
			    n > FUZZ_SCN_MAX_PMEM)
				return true;
			/* no files on the host: backing=file: is the pytest suite's */
			if (!strncmp(ln->argv[w], "backing=", 8) && strcmp(ln->argv[w], "backing=memfd"))
				return true;
		}
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct scn_error err = { 0 };
	/* 64 MiB per command, 256 MiB per input: numbers may be large, data moved is not */
	struct run_opts opts = { .check = CHECK_INCREMENTAL, .io_limit = 64ULL << 20,
				 .io_total_limit = 256ULL << 20, .no_scheduler = true };
	struct scn *s;

	if (size > 16384)
		return 0;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (scn_parse_len("fuzz", (const char *)data, size, &s, &err))
		return 0;
	if (!over_budget(s)) {
		fuzz_lockdep_fresh();
		scn_run(s, &opts, devnull);
	}
	scn_free(s);
	return 0;
}
