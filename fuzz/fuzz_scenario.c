// SPDX-License-Identifier: MIT
/*
 * fuzz_scenario: arbitrary text into the parser and interpreter.  Exit 0,
 * 1 (an expectation or invariant failed) and 2 (usage error) are all fine;
 * a crash, a hang, unbounded allocation, BUG_ON/panic (exit 3) or a sanitizer
 * report is not.
 *
 * Budget: the harness refuses devices above FUZZ_SCN_MAX_PMEM (the
 * simulator would happily spend seconds filling a 1 TiB device with a
 * single pwrite, which is work, not a bug), and writes stdout to
 * /dev/null so `pread -v` of megabytes costs no memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_decode.h"
#include "interp.h"
#include "scn.h"

#define FUZZ_SCN_MAX_PMEM	(64LL << 20)
#define FUZZ_SCN_MAX_BYTES	(64LL << 20)	/* any number argument */

static bool over_budget(const struct scn *s)
{
	for (guint i = 0; i < s->lines->len; i++) {
		struct scn_line *ln = g_ptr_array_index(s->lines, i);

		for (int w = 1; w < ln->argc; w++) {
			const char *v = ln->argv[w];
			long long n;

			if (!strncmp(v, "size=", 5))
				v += 5;
			if (!cvtnum(v, &n) && (n > FUZZ_SCN_MAX_BYTES || n < -FUZZ_SCN_MAX_BYTES))
				return true;
		}
		/* xfs_io -c "CMD ..." hides its numbers inside one word */
		if (!strcmp(ln->argv[0], "xfs_io"))
			for (int w = 1; w < ln->argc; w++)
				if (strlen(ln->argv[w]) > 256)
					return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct scn_error err = { 0 };
	/* 64 MiB per command: a sparse file at an exabyte offset is one line */
	struct run_opts opts = { .check = CHECK_INCREMENTAL, .io_limit = 64ULL << 20,
				 .no_scheduler = true };
	struct scn *s;
	char *text;

	if (size > 16384)
		return 0;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	text = g_strndup((const char *)data, size);
	if (scn_parse("fuzz", text, &s, &err)) {
		g_free(text);
		return 0;
	}
	g_free(text);
	if (!over_budget(s)) {
		fuzz_lockdep_fresh();
		scn_run(s, &opts, devnull);
	}
	scn_free(s);
	return 0;
}
