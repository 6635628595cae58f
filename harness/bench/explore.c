// SPDX-License-Identifier: MIT
/*
 * Schedule exploration (issue 13's speed targets), side by side in one run:
 *   - `daxsim explore` of a two-task, ten-command scenario
 *     (harness/bench/explore-two-tasks.scn): schedules per second, with its
 *     worker (the default) and with --isolate (a process per schedule, the
 *     way explore ran before), each timed from the outside;
 *   - the same scenario run sequentially in this process, once per pass
 *     (`daxsim run`'s work: its default schedule, the lock validator on
 *     with a fresh graph per run), runs per second;
 *   - the same lines without `&` (no scheduler) against the same lines
 *     under the scheduler (force_scheduler): what the scheduler's machinery
 *     costs a scenario that does not need it.
 */
#include <glib.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "lockdep.h"
#include "scn.h"

/* Seconds of wall clock for `DAXSIM explore [--isolate] --runs N FILE`; *n: schedules. */
static double explore_once(const char *daxsim, const char *file, int runs, bool isolate, int *n)
{
	char nruns[32], line[256] = "";
	int fds[2];
	uint64_t t0 = bench_now_ns();
	pid_t pid;
	FILE *f;
	int st;

	snprintf(nruns, sizeof(nruns), "--runs=%d", runs);
	if (pipe(fds))
		die("explore bench: pipe");
	pid = fork();
	if (pid < 0)
		die("explore bench: fork");
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		if (isolate)
			execl(daxsim, daxsim, "explore", "--isolate", nruns, file, (char *)NULL);
		else
			execl(daxsim, daxsim, "explore", nruns, file, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "explored ", 9))
			*n = atoi(line + 9);
	if (f)
		fclose(f);
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die("explore bench: `%s explore %s` exited with status %d", daxsim, file,
		    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return (double)(bench_now_ns() - t0) / 1e9;
}

static struct scn *parse(const char *name, const char *text)
{
	struct scn_error err = { 0 };
	struct scn *s;

	if (scn_parse(name, text, &s, &err))
		die("explore bench: %s:%d:%d: %s", name, err.line, err.col, err.msg);
	return s;
}

/* Microseconds per in-process run of @s, median of @reps passes of @n runs. */
static double runs_us(struct scn *s, const struct run_opts *opts, int n, int reps)
{
	double *v = g_new(double, reps);
	FILE *null = fopen("/dev/null", "w");
	double med;

	for (int r = -1; r < reps; r++) {	/* r == -1: the warm-up pass */
		uint64_t t0 = bench_now_ns();

		for (int i = 0; i < n; i++) {
			lockdep_reset_graph();	/* a fresh validator, as a new `daxsim run` has */
			lockdep_reports_reset();
			if (scn_run(s, opts, null) != 0)
				die("explore bench: the scenario failed in-process");
		}
		if (r >= 0)
			v[r] = (double)(bench_now_ns() - t0) / 1e3 / n;
	}
	fclose(null);
	med = median_of(v, reps);
	g_free(v);
	return med;
}

void sim_explore_measure(struct sim_explore *se, const char *daxsim, const char *file, int reps)
{
	gchar *text = NULL, *plain, **lines;
	GString *strip = g_string_new(NULL);
	struct scn *s, *p;
	struct run_opts opts = { .check = CHECK_INCREMENTAL };
	double w[16], iso[16];
	int nw = MIN(reps, 16);
	char err[512];

	if (!g_file_get_contents(file, &text, NULL, NULL))
		die("explore bench: cannot read %s", file);
	/* the same lines without ` &` */
	lines = g_strsplit(text, "\n", -1);
	for (gchar **q = lines; *q; q++) {
		gchar *t = g_strchomp(*q);

		if (g_str_has_suffix(t, " &"))
			t[strlen(t) - 2] = 0;
		g_string_append_printf(strip, "%s\n", t);
	}
	g_strfreev(lines);
	plain = g_string_free(strip, FALSE);
	s = parse(file, text);
	p = parse("explore-two-tasks-sequential.scn", plain);
	fprintf(stderr, "bench: explore...\n");
	if (lockdep_enable(NULL, err, sizeof(err)))	/* on, as in `daxsim run` and explore */
		die("explore bench: %s", err);
	/* as explore's worker runs: the heap kept from one run to the next */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	se->file = file;
	se->run_us = runs_us(s, &opts, 200, reps < 7 ? reps : 7);
	se->plain_us = runs_us(p, &opts, 200, reps < 7 ? reps : 7);
	opts.force_scheduler = true;
	se->forced_us = runs_us(p, &opts, 200, reps < 7 ? reps : 7);
	for (int i = 0; i < nw; i++) {
		w[i] = explore_once(daxsim, file, 100000, false, &se->schedules) / se->schedules * 1e6;
		if (i < 3)
			iso[i] = explore_once(daxsim, file, 500, true, &se->iso_schedules) /
				 se->iso_schedules * 1e6;
	}
	se->explore_us = median_of(w, nw);
	se->isolate_us = median_of(iso, MIN(nw, 3));
	se->passes = nw;
	lockdep_disable();
	scn_free(s);
	scn_free(p);
	g_free(text);
	g_free(plain);
}
