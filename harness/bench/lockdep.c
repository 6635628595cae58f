// SPDX-License-Identifier: MIT
/*
 * The lock validator's cost: every bundled scenario run in-process with the
 * validator off and on, interleaved in the same run (so machine drift hits
 * both), and the cost of one lock_acquire/lock_release pair under a
 * 4-deep held stack whose dependencies are already known (the fast path:
 * one byte test per held lock).
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "lock.h"
#include "lockdep.h"
#include "interp.h"
#include "scn.h"

static void collect(GPtrArray *files, const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	if (!d)
		return;
	while ((name = g_dir_read_name(d))) {
		gchar *p = g_build_filename(dir, name, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_DIR))
			collect(files, p);
		else if (g_str_has_suffix(name, ".scn"))
			g_ptr_array_add(files, g_strdup(p));
		g_free(p);
	}
	g_dir_close(d);
}

static gint str_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint64_t run_all(GPtrArray *scns, FILE *devnull, bool on)
{
	struct run_opts opts = { .check = CHECK_INCREMENTAL };
	char err[256];
	uint64_t t0;

	if (on && lockdep_enable(NULL, err, sizeof(err)))
		die("lockdep: %s", err);
	t0 = bench_now_ns();
	for (guint i = 0; i < scns->len; i++)
		scn_run(g_ptr_array_index(scns, i), &opts, devnull);
	t0 = bench_now_ns() - t0;
	lockdep_disable();
	lockdep_reports_reset();
	return t0;
}

static double acquire_ns(bool on, int n)
{
	struct lock_ctx ctx = { .name = "bench" };
	char err[256];
	uint64_t t0;

	if (on && lockdep_enable(NULL, err, sizeof(err)))
		die("lockdep: %s", err);
	lock_current = &ctx;
	lock_acquire(&lc_sb_writers, 0, LOCK_SHARED, 0, "bench");
	lock_acquire(&lc_i_rwsem, 1, LOCK_EXCL, 0, "bench");
	lock_acquire(&lc_invalidate_lock, 1, LOCK_EXCL, 0, "bench");
	lock_acquire(&lc_dax_entry, 1, LOCK_EXCL, 0, "bench");
	t0 = bench_now_ns();
	for (int i = 0; i < n; i++) {
		lock_acquire(&lc_ilock, 1, LOCK_EXCL, 0, "bench");
		lock_release(&lc_ilock, 1, "bench");
	}
	t0 = bench_now_ns() - t0;
	lock_release(&lc_dax_entry, 1, "bench");
	lock_release(&lc_invalidate_lock, 1, "bench");
	lock_release(&lc_i_rwsem, 1, "bench");
	lock_release(&lc_sb_writers, 0, "bench");
	lock_current = NULL;
	lockdep_disable();
	lockdep_reports_reset();
	return (double)t0 / n;
}

void sim_lockdep_measure(struct sim_lockdep *sl, int reps)
{
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *scns = g_ptr_array_new();
	FILE *devnull = fopen("/dev/null", "w");
	double off[64], on[64], aoff[64], aon[64];

	if (!devnull)
		die("cannot open /dev/null");
	reps = MIN(reps, 64);
	collect(files, "scenarios");
	g_ptr_array_sort(files, str_cmp);
	for (guint i = 0; i < files->len; i++) {
		struct scn *s;
		struct scn_error e = { 0 };
		const char *why;
		gchar *text;
		size_t len;

		/* bounded and NUL-checked like `daxsim run` */
		text = scn_read_file(g_ptr_array_index(files, i), &len, &why);
		if (!text)
			continue;
		/*
		 * the validator's own test scenarios break paths on purpose; the
		 * ones under the scheduler may end the process (a deadlock cannot
		 * be unwound: exit_now), which ended this whole bench silently
		 */
		if (!strstr(text, "lockdep inject") &&
		    !scn_parse_len(g_ptr_array_index(files, i), text, len, &s, &e)) {
			struct run_opts probe = { .check = CHECK_INCREMENTAL };

			if (scn_needs_scheduler(s, &probe))
				scn_free(s);
			else
				g_ptr_array_add(scns, s);
		}
		g_free(text);
	}
	fprintf(stderr, "bench: lock validator over %u scenarios...\n", scns->len);
	run_all(scns, devnull, true);	/* warm-up */
	for (int r = 0; r < reps; r++) {
		off[r] = (double)run_all(scns, devnull, false);
		on[r] = (double)run_all(scns, devnull, true);
		aoff[r] = acquire_ns(false, 1 << 20);
		aon[r] = acquire_ns(true, 1 << 20);
	}
	sl->nscenarios = scns->len;
	sl->reps = reps;
	sl->run_off_ms = median_of(off, reps) / 1e6;
	sl->run_on_ms = median_of(on, reps) / 1e6;
	sl->acquire_off_ns = median_of(aoff, reps);
	sl->acquire_on_ns = median_of(aon, reps);
	for (guint i = 0; i < scns->len; i++)
		scn_free(g_ptr_array_index(scns, i));
	g_ptr_array_free(scns, TRUE);
	g_ptr_array_free(files, TRUE);
	fclose(devnull);
}
