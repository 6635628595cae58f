// SPDX-License-Identifier: MIT
/*
 * fuzz_sched: bytes -> background and foreground commands plus the
 * scheduler's choices (sched_decode.c) -> the interpreter under the
 * scheduler, in-process.  A crash is: an invariant violated other than
 * R-race, an L-deadlock (the run aborts where it would end), BUG_ON/panic
 * (exit 3), a usage error in generated text (exit 2: a decoder bug), or a
 * sanitizer report.  R-race is not a crash: every design races on its
 * per-page state (H4, docs/concurrency.md), so every input with two faults
 * of one block would report it again; explore and the race library cover
 * it.  Nor is a design invariant on a page the race names (its lost update).  Memory failure is left out of the inputs (sched_decode.c) for the
 * same reason: K-H1 deadlocks mainline, and shadow and maplist miss an
 * owner whose fault is in flight (H1, races/mf-vs-fault.scn).  The design
 * comes from the input, as in fuzz_ops.  `daxsim fuzz-decode --sched CRASH`
 * prints the scenario and the schedule it ran.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_decode.h"
#include "interp.h"
#include "scn.h"
#include "sched_decode.h"

static char *current;

/* Does an R-race line of @out name the page @pfn ("pfn 0x...", up to the next non-hex)? */
static bool raced_page(const char *out, const char *pfn, size_t len)
{
	for (const char *p = out; (p = strstr(p, "INVARIANT R-race ")); p++) {
		const char *e = strchr(p, '\n'), *q = strstr(p, pfn);

		if (q && (!e || q < e) && !g_ascii_isxdigit(q[len]))
			return true;
	}
	return false;
}

/*
 * The first INVARIANT line of @out that is not R-race, or NULL.  A design
 * invariant (P-*) on a page an R-race report names is the race's own
 * consequence (H4: the unordered share++ loses an update), the same known
 * finding, not a new one.
 */
static const char *violation(const char *out)
{
	for (const char *p = out; (p = strstr(p, "INVARIANT ")); p++) {
		const char *pfn, *e;
		size_t len;

		if ((p != out && p[-1] != '\n') || !strncmp(p, "INVARIANT R-race ", 17))
			continue;
		e = strchr(p, '\n');
		pfn = strstr(p, "pfn 0x");
		if (!strncmp(p, "INVARIANT P-", 12) && pfn && (!e || pfn < e)) {
			for (len = 6; g_ascii_isxdigit(pfn[len]); len++)
				;
			{
				gchar *key = g_strndup(pfn, len);
				bool known = raced_page(out, key, len);

				g_free(key);
				if (known)
					continue;
			}
		}
		return p;
	}
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_sched_input in;
	struct scn_error err = { 0 };
	struct run_opts opts;
	struct run_result res = { 0 };
	struct scn *s;
	char *outbuf = NULL;
	size_t outlen = 0;
	const char *bad;
	FILE *out;
	int rc;

	if (size < 2 || size > 4096)
		return 0;
	current = fuzz_sched_decode(data, size, &in);
	if (scn_parse("fuzz_sched", current, &s, &err)) {
		fprintf(stderr, "fuzz_sched:%d:%d: %s\n==decoder bug; the text:\n%s", err.line, err.col,
			err.msg, current);
		abort();
	}
	fuzz_sched_opts(&opts, &in);
	opts.sched_abort = true;
	opts.result = &res;
	out = open_memstream(&outbuf, &outlen);
	fuzz_lockdep_fresh();
	rc = scn_run(s, &opts, out);
	fclose(out);
	scn_free(s);
	bad = violation(outbuf);
	/* an input whose commands move more than 256 MiB in all is too big, not a decoder bug */
	if (rc == 2 && res.over_total_limit)
		rc = 0;
	if (rc == 2 || rc == 3 || bad) {
		fprintf(stderr, "==daxsim fuzz_sched: %s; the scenario (`daxsim fuzz-decode --sched CRASH`"
			" prints it with its schedule):\n%s==its output:\n%.*s\n",
			rc == 2 ? "decoder bug: exit 2" : rc == 3 ? "exit 3" : "invariant violation",
			current, (int)MIN(outlen, 65536), outbuf);
		abort();
	}
	free(outbuf);
	g_free(current);
	current = NULL;
	return 0;
}
