// SPDX-License-Identifier: MIT
/*
 * fuzz_ops: bytes -> a scenario (fuzz_decode; byte 0 picks the design and
 * the filesystem's DAX mode: always, never or inode, so the page cache is
 * fuzzed too) -> the real parser and interpreter, in-process, with the
 * incremental checker and the reference model after every command.  Any failed invariant, D1 mismatch, BUG_ON/panic
 * (exit 3) or sanitizer report is a crash; exit 2 is a decoder bug and a
 * crash too.  The crash report prints the scenario that ran.
 *
 * DAXSIM_FUZZ_CHECK=full runs the full sweep instead (make fuzz-bench).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_decode.h"
#include "interp.h"
#include "scn.h"

static char *current;		/* the scenario being run, for exit(3) */
static char *outbuf;
static size_t outlen;

static void report(const char *why)
{
	fprintf(stderr, "==daxsim fuzz_ops: %s; the scenario that ran "
		"(`daxsim fuzz-decode CRASH` prints it again):\n%s", why, current);
	if (outbuf)
		fprintf(stderr, "==its output:\n%.*s\n", (int)MIN(outlen, 65536), outbuf);
}

static void at_exit(void)
{
	if (current)
		report("the simulator exited (BUG_ON/panic, exit 3)");
}

int fuzz_ops_one(const uint8_t *data, size_t size, enum check_mode mode, bool crash)
{
	struct scn_error err = { 0 };
	struct scn *s;
	struct fuzz_decoded dec;
	struct run_opts opts = { .no_scheduler = true, .discard_output = true };
	FILE *out;
	int rc;

	if (!size)
		return 0;
	current = fuzz_decode(data, size, &dec);
	if (scn_parse("fuzz_ops", current, &s, &err)) {
		fprintf(stderr, "fuzz_ops:%d:%d: %s\n", err.line, err.col, err.msg);
		report("decoder bug: the decoded text does not parse");
		abort();
	}
	out = open_memstream(&outbuf, &outlen);
	opts.model = dec.design;
	opts.check = mode;
	fuzz_lockdep_fresh();
	rc = scn_run(s, &opts, out);
	fclose(out);
	scn_free(s);
	if (rc && crash) {
		report(rc == 2 ? "decoder bug: exit 2 (usage error in generated text)" :
		       "invariant violation or failed check (exit 1)");
		abort();
	}
	free(outbuf);
	outbuf = NULL;
	g_free(current);
	current = NULL;
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	static enum check_mode mode = CHECK_INCREMENTAL;

	if (!init) {
		const char *m = getenv("DAXSIM_FUZZ_CHECK");

		if (m && !strcmp(m, "full"))
			mode = CHECK_FULL;
		atexit(at_exit);
		init = true;
	}
	fuzz_ops_one(data, size, mode, true);
	return 0;
}
