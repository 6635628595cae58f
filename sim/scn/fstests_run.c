// SPDX-License-Identifier: MIT
/*
 * daxsim fstests [--model M] [--seed N] [--keep-going] [--results DIR] PATH...
 *
 * Each PATH is an fstests test script; its golden output is PATH.out.  The
 * script runs in the shell subset (fstests_exec.c) on a fresh simulated
 * machine, and the verdict is ./check's: what it printed (stdout and
 * stderr together) must equal the golden file, its exit status must be 0
 * (fstests' `status=0; exit`), and nothing may be left in dmesg that
 * _check_dmesg rejects; the simulator's own invariant reports fail it too.
 * RESULTS/DIR/SEQ.full, .out.bad, .out.diff and .notrun are written under
 * the results directory (default ./results), never beside the test.
 *
 * Output: one line per test, `generic/578 0s` / `generic/578 - output
 * mismatch (see ...)` / `generic/578 [not run] REASON`, then ./check's
 * `Ran:`, `Not run:`, `Failures:` lines and `N passed, M failed, K notrun`.
 * Exit 0 when nothing failed, 1 when a test failed, 2 on usage errors.
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "share_registry.h"
#include "fstests.h"
#include "lockdep.h"
#include "share.h"

bool fst_dmesg_bad(const char *log);

#define DIFF_LENGTH	10	/* lines of the diff shown, as ./check */

struct fst_opts {
	const char	*model;
	uint64_t	seed;
	bool		keep_going;
	const char	*results;
};

enum verdict { V_PASS, V_FAIL, V_NOTRUN, V_USAGE };

static gint str_cmp(gconstpointer a, gconstpointer b, gpointer u)
{
	return strcmp(a, b);
}

static void gstring_free(gpointer g)
{
	g_string_free(g, TRUE);
}

static bool write_file(const char *path, const char *text, gsize len)
{
	GError *e = NULL;

	if (!g_file_set_contents(path, text, (gssize)len, &e)) {
		fprintf(stderr, "daxsim: fstests: cannot write %s: %s\n", path, e->message);
		g_error_free(e);
		return false;
	}
	return true;
}

/* "tests/generic/578" -> "generic/578" */
static gchar *test_name(const char *path)
{
	gchar *base = g_path_get_basename(path), *dir = g_path_get_dirname(path);
	gchar *group = g_path_get_basename(dir), *name;

	name = strcmp(group, ".") && strcmp(group, "/") ? g_strdup_printf("%s/%s", group, base) :
							 g_strdup(base);
	g_free(base);
	g_free(dir);
	g_free(group);
	return name;
}

struct test_result {
	enum verdict	v;
	char		line[1024];	/* the text after the name */
	GString		*extra;		/* diff lines under it */
	GString		*output;	/* when set: what the test printed */
};

static void run_cleanup(struct sh_state *st, struct sh_io *io)
{
	const char *name = sh_getvar(st, "@cleanup");
	struct sh_node *fn = name ? g_hash_table_lookup(st->funcs, name) : NULL;
	int saved = st->exit_status;

	if (!fn || (st->stop != STOP_NONE && st->stop != STOP_EXIT))
		return;
	st->stop = STOP_NONE;
	{
		struct sh_frame *f = g_new0(struct sh_frame, 1);

		f->args = g_ptr_array_new_with_free_func(g_free);
		f->saved = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(st->frames, f);
		sh_exec(st, fn, io);
		g_ptr_array_remove_index(st->frames, st->frames->len - 1);
		g_ptr_array_free(f->args, TRUE);
		g_ptr_array_free(f->saved, TRUE);
		g_free(f);
	}
	if (st->stop == STOP_EXIT) {
		/* `exit N` in the trap: the shell exits with N, not $status */
		char n[16];

		snprintf(n, sizeof(n), "%d", st->exit_status);
		sh_setvar(st, "status", n);
		saved = st->exit_status;
	}
	if (st->stop == STOP_EXIT || st->stop == STOP_RETURN)
		st->stop = STOP_NONE;
	st->exit_status = saved;
}

static void run_one(const struct fst_opts *o, const char *path, struct test_result *r)
{
	gchar *text = NULL, *golden = NULL, *golden_path = g_strconcat(path, ".out", NULL);
	gsize golden_len = 0;
	gchar *name = test_name(path), *seq = g_path_get_basename(path);
	gchar *group = g_path_get_dirname(name);
	gchar *resdir = strcmp(group, ".") ? g_build_filename(o->results, group, NULL) : g_strdup(o->results);
	gchar *base = g_build_filename(resdir, seq, NULL);
	struct sh_error perr = { 0 };
	struct sh_node *tree = NULL;
	struct sh_state st = { 0 };
	GString *output = g_string_new(NULL);
	char err[512];
	int exit_status;
	bool failed = false;

	r->extra = g_string_new(NULL);
	if (!g_file_get_contents(path, &text, NULL, NULL)) {
		snprintf(r->line, sizeof(r->line), "%s: cannot read the test script", path);
		r->v = V_USAGE;
		goto out;
	}
	/* a test that calls _link_out_file picks its golden output when it runs */
	if (!g_file_get_contents(golden_path, &golden, &golden_len, NULL) &&
	    !strstr(text, "_link_out_file")) {
		snprintf(r->line, sizeof(r->line), "%s: cannot read the golden output (%s)", golden_path,
			 g_strerror(errno));
		r->v = V_USAGE;
		goto out;
	}
	if (g_mkdir_with_parents(resdir, 0777)) {
		snprintf(r->line, sizeof(r->line), "cannot create the results directory %s: %s", resdir,
			 g_strerror(errno));
		r->v = V_USAGE;
		goto out;
	}
	{
		static const char *const stale[] = { ".notrun", ".out.bad", ".out.diff", ".full", ".dmesg" };

		for (size_t k = 0; k < G_N_ELEMENTS(stale); k++) {
			gchar *f = g_strconcat(base, stale[k], NULL);

			g_remove(f);
			g_free(f);
		}
	}
	tree = sh_parse(text, 1, &perr);
	if (!tree && !perr.unsupported) {
		snprintf(r->line, sizeof(r->line), "%s:%d:%d: %s", path, perr.line, perr.col, perr.msg);
		r->v = V_USAGE;
		goto out;
	}
	if (!tree) {
		gchar *src = sh_source_line(text, perr.line);

		snprintf(r->line, sizeof(r->line), "unsupported: %s:%d: %s (%s)", path, perr.line, src, perr.msg);
		g_free(src);
		r->v = V_NOTRUN;
		goto notrun;
	}
	st.file = path;
	st.src = text;
	st.keep_going = o->keep_going;
	st.seed = o->seed;
	st.model = o->model;
	st.out_top = output;
	st.vars = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	st.funcs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	st.files = g_tree_new_full(str_cmp, NULL, g_free, gstring_free);
	st.dirs = g_tree_new_full(str_cmp, NULL, g_free, NULL);
	st.frames = g_ptr_array_new();
	st.parsed = g_ptr_array_new_with_free_func((GDestroyNotify)sh_node_free);
	st.sim = fst_session_new(path, o->model, o->seed, err, sizeof(err));
	if (!st.sim) {
		snprintf(r->line, sizeof(r->line), "daxsim: %s", err);
		r->v = V_USAGE;
		goto out;
	}
	sh_setvar(&st, "TEST_DIR", "/mnt/test");
	sh_setvar(&st, "TEST_DEV", "/dev/pmem0");
	sh_setvar(&st, "SCRATCH_MNT", "/mnt/scratch");
	sh_setvar(&st, "SCRATCH_DEV", "/dev/pmem1");
	sh_setvar(&st, "FSTYP", "xfs");
	sh_setvar(&st, "LOAD_FACTOR", "1");
	sh_setvar(&st, "TIME_FACTOR", "1");
	sh_setvar(&st, "MOUNT_OPTIONS", "-o dax=always");
	sh_setvar(&st, "TEST_FS_MOUNT_OPTS", "-o dax=always");
	sh_setvar(&st, "XFS_IO_PROG", "xfs_io");
	sh_setvar(&st, "FILEFRAG_PROG", "filefrag");
	sh_setvar(&st, "here", "/var/lib/xfstests");
	sh_setvar(&st, "RESULT_DIR", resdir);
	sh_setvar(&st, "seq", seq);
	sh_setvar(&st, "seqfull", path);
	{
		struct sh_io io = { output, output, NULL };
		gchar *full;
		GString *fullg;

		sh_exec(&st, tree, &io);
		if (st.stop == STOP_NONE || st.stop == STOP_EXIT || st.stop == STOP_RETURN) {
			if (st.stop == STOP_NONE)
				st.exit_status = st.status;
			run_cleanup(&st, &io);
		}
		/* the script has exited: its orphaned jobs are killed */
		sh_jobs_end(&st);
		/* the trap: exit $status */
		exit_status = st.begun ? atoi(sh_getvar(&st, "status") ? sh_getvar(&st, "status") : "1")
				       : st.exit_status;
		full = g_strconcat(sh_getvar(&st, "seqres") ? sh_getvar(&st, "seqres") : base, ".full", NULL);
		fullg = g_tree_lookup(st.files, full);
		if (fullg) {
			gchar *dst = g_strconcat(base, ".full", NULL);

			write_file(dst, fullg->str, fullg->len);
			g_free(dst);
		}
		g_free(full);
	}
	if (st.stop == STOP_USAGE) {
		snprintf(r->line, sizeof(r->line), "%s", st.reason);
		r->v = V_USAGE;
		goto out;
	}
	if (st.stop == STOP_NOTRUN || st.stop == STOP_UNSUPPORTED) {
		snprintf(r->line, sizeof(r->line), "%s", st.reason);
		r->v = V_NOTRUN;
		goto notrun;
	}
	/* the verdict */
	r->v = V_PASS;
	r->line[0] = 0;
	if (st.stop == STOP_FAIL || st.stop == STOP_ABORT) {
		/* the test could not go on (the reason is in its output) */
		if (st.stop == STOP_FAIL && strcmp(st.reason, "simulator invariant violated"))
			g_string_append_printf(output, "%s\n", st.reason);
		failed = true;
	}
	if (exit_status) {
		snprintf(r->line + strlen(r->line), sizeof(r->line) - strlen(r->line),
			 " [failed, exit status %d]", exit_status);
		failed = true;
	}
	if (st.sim_failed || (st.sim && fst_session_failed(st.sim))) {
		snprintf(r->line + strlen(r->line), sizeof(r->line) - strlen(r->line),
			 " [failed, simulator invariant violated]");
		failed = true;
	}
	if (fst_dmesg_bad(fst_session_dmesg(st.sim))) {
		gchar *dm = g_strconcat(base, ".dmesg", NULL);

		write_file(dm, fst_session_dmesg(st.sim), strlen(fst_session_dmesg(st.sim)));
		snprintf(r->line + strlen(r->line), sizeof(r->line) - strlen(r->line),
			 " _check_dmesg: something found in dmesg (see %s)", dm);
		g_free(dm);
		failed = true;
	}
	{
		GString *tail = g_string_new(NULL);

		/* the final sweep and unmount may still report */
		if (fst_session_free(st.sim, tail))
			failed = true;
		st.sim = NULL;
		g_string_append(output, tail->str);
		g_string_free(tail, TRUE);
	}
	if (!golden) {
		const char *want = st.linked_out ? st.linked_out : golden_path;

		if (!g_file_get_contents(want, &golden, &golden_len, NULL)) {
			snprintf(r->line, sizeof(r->line), "%s: cannot read the golden output (%s)%s", want,
				 g_strerror(errno), st.linked_out ? "" : " (the test did not call _link_out_file)");
			r->v = V_USAGE;
			goto out;
		}
		g_free(golden_path);
		golden_path = g_strdup(want);
	}
	/* byte for byte: a NUL in the output does not end the comparison */
	if (output->len != golden_len || memcmp(output->str, golden, golden_len)) {
		gchar *bad = g_strconcat(base, ".out.bad", NULL), *dpath = g_strconcat(base, ".out.diff", NULL);
		GString *diff = fst_unified_diff(golden, output->str, golden_path, bad);
		guint shown = 0;

		write_file(bad, output->str, output->len);
		write_file(dpath, diff->str, diff->len);
		snprintf(r->line + strlen(r->line), sizeof(r->line) - strlen(r->line),
			 " - output mismatch (see %s)", bad);
		for (const char *s = diff->str; *s; shown++) {
			const char *e = strchr(s, '\n');
			size_t n = e ? (size_t)(e - s) : strlen(s);

			if (shown == DIFF_LENGTH) {
				g_string_append_printf(r->extra, "    ...\n    (Run 'diff -u %s %s'  to see the entire diff)\n",
						       golden_path, bad);
				break;
			}
			g_string_append_printf(r->extra, "    %.*s\n", (int)n, s);
			s += n + (e ? 1 : 0);
		}
		g_string_free(diff, TRUE);
		g_free(bad);
		g_free(dpath);
		failed = true;
	}
	if (failed)
		r->v = V_FAIL;
	goto out;
notrun:
	{
		gchar *n = g_strconcat(base, ".notrun", NULL);
		gchar *t = g_strconcat(r->line, "\n", NULL);

		write_file(n, t, strlen(t));
		g_free(n);
		g_free(t);
	}
out:
	if (st.sim)
		fst_session_free(st.sim, NULL);
	if (st.vars) {
		g_hash_table_destroy(st.vars);
		g_hash_table_destroy(st.funcs);
		g_tree_destroy(st.files);
		g_tree_destroy(st.dirs);
		g_ptr_array_free(st.frames, TRUE);
		g_ptr_array_free(st.parsed, TRUE);
	}
	g_free(st.linked_out);
	sh_node_free(tree);
	if (r->output)
		g_string_append_len(r->output, output->str, (gssize)output->len);
	g_string_free(output, TRUE);
	g_free(text);
	g_free(golden);
	g_free(golden_path);
	g_free(name);
	g_free(seq);
	g_free(group);
	g_free(resdir);
	g_free(base);
}

static gint path_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The tests the arguments name: a directory stands for its scripts (files
 * with a NAME.out beside them), sorted; a golden file given beside its
 * script (a shell glob such as tests/generic/\*) is not a test.
 */
static GPtrArray *expand_args(int argc, char **argv)
{
	GPtrArray *tests = g_ptr_array_new_with_free_func(g_free);

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (g_file_test(a, G_FILE_TEST_IS_DIR)) {
			GDir *d = g_dir_open(a, 0, NULL);
			GPtrArray *in = g_ptr_array_new_with_free_func(g_free);
			const char *n;

			while (d && (n = g_dir_read_name(d))) {
				gchar *p = g_build_filename(a, n, NULL);
				gchar *out = g_strconcat(p, ".out", NULL);

				if (g_file_test(p, G_FILE_TEST_IS_REGULAR) && g_file_test(out, G_FILE_TEST_EXISTS))
					g_ptr_array_add(in, p);
				else
					g_free(p);
				g_free(out);
			}
			if (d)
				g_dir_close(d);
			g_ptr_array_sort(in, path_cmp);
			for (guint k = 0; k < in->len; k++)
				g_ptr_array_add(tests, g_strdup(g_ptr_array_index(in, k)));
			g_ptr_array_free(in, TRUE);
			continue;
		}
		if (g_str_has_suffix(a, ".out")) {
			gchar *script = g_strndup(a, strlen(a) - 4);
			bool beside = g_file_test(script, G_FILE_TEST_IS_REGULAR);

			g_free(script);
			if (beside)
				continue;
		}
		g_ptr_array_add(tests, g_strdup(a));
	}
	return tests;
}

static void list_line(const char *what, GPtrArray *names)
{
	if (!names->len)
		return;
	printf("%s:", what);
	for (guint i = 0; i < names->len; i++)
		printf(" %s", (char *)g_ptr_array_index(names, i));
	printf("\n");
}

int fst_run_test(const char *path, const char *model, const char *results, GString *output,
		 char *why, size_t whylen)
{
	struct fst_opts o = { model, 0, false, results };
	struct test_result r = { 0 };
	char lderr[512];
	int ret;

	if (lockdep_enable(NULL, lderr, sizeof(lderr))) {
		snprintf(why, whylen, "%s", lderr);
		return 2;
	}
	r.output = output;
	run_one(&o, path, &r);
	lockdep_disable();
	lockdep_reports_reset();
	snprintf(why, whylen, "%s", r.line);
	g_string_free(r.extra, TRUE);
	ret = r.v == V_PASS ? 0 : r.v == V_FAIL ? 1 : r.v == V_NOTRUN ? 3 : 2;
	return ret;
}

int daxsim_fstests(int argc, char **argv)
{
	gchar *model = NULL, *results = NULL;
	gint64 seed = 0;
	gboolean keep_going = FALSE;
	GOptionEntry entries[] = {
		{ "model", 0, 0, G_OPTION_ARG_STRING, &model, "page-sharing design", "M" },
		{ "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "the seed of every random choice", "N" },
		{ "keep-going", 0, 0, G_OPTION_ARG_NONE, &keep_going, "an invariant violation does not stop a test", NULL },
		{ "results", 0, 0, G_OPTION_ARG_FILENAME, &results, "results directory (default ./results)", "DIR" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new("TEST...");
	GError *gerr = NULL;
	struct fst_opts o = { 0 };
	GPtrArray *ran = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *notrun = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *bad = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *tests = NULL;
	int status = 0, passed = 0;
	bool usage = false;
	char lderr[512];

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
		fprintf(stderr, "daxsim: fstests: %s\n", gerr->message);
		g_error_free(gerr);
		g_option_context_free(ctx);
		status = 2;
		goto out;
	}
	g_option_context_free(ctx);
	if (argc < 3) {
		fprintf(stderr, "usage: daxsim fstests [--model M] [--seed N] [--keep-going] [--results DIR] TEST...\n"
				"       (TEST is an fstests test script, e.g. tests/generic/578; its golden output is TEST.out)\n");
		status = 2;
		goto out;
	}
	if (model && !share_find(model)) {
		fprintf(stderr, "daxsim: unknown model '%s' (see `daxsim help models`)\n", model);
		status = 2;
		goto out;
	}
	o.model = model;
	o.seed = (uint64_t)seed;
	o.keep_going = keep_going;
	o.results = results ? results : "results";
	if (lockdep_enable(NULL, lderr, sizeof(lderr))) {
		fprintf(stderr, "daxsim: %s\n", lderr);
		status = 2;
		goto out;
	}
	tests = expand_args(argc, argv);
	for (guint i = 0; i < tests->len; i++) {
		const char *path = g_ptr_array_index(tests, i);
		struct test_result r = { 0 };
		gchar *name = test_name(path);
		gint64 start = g_get_monotonic_time();

		run_one(&o, path, &r);
		if (r.v == V_USAGE) {
			/* reported, and the other tests still run; exit 2 at the end */
			fflush(stdout);
			fprintf(stderr, "%s\n", r.line);
			g_string_free(r.extra, TRUE);
			g_free(name);
			usage = true;
			continue;
		}
		g_ptr_array_add(ran, g_strdup(name));
		if (r.v == V_NOTRUN) {
			printf("%s [not run] %s\n", name, r.line);
			g_ptr_array_add(notrun, g_strdup(name));
		} else if (r.v == V_FAIL) {
			printf("%s%s\n%s", name, r.line, r.extra->str);
			g_ptr_array_add(bad, g_strdup(name));
			status = 1;
		} else {
			printf("%s %llds\n", name, (long long)((g_get_monotonic_time() - start) / G_USEC_PER_SEC));
			passed++;
		}
		fflush(stdout);
		g_string_free(r.extra, TRUE);
		g_free(name);
	}
	if (usage)
		status = 2;
	if (ran->len || !usage) {
		list_line("Ran", ran);
		list_line("Not run", notrun);
		list_line("Failures", bad);
		if (bad->len)
			printf("Failed %u of %u tests\n", bad->len, ran->len);
		else
			printf("Passed all %u tests\n", ran->len);
		printf("%d passed, %u failed, %u notrun\n", passed, bad->len, notrun->len);
	}
out:
	lockdep_disable();
	lockdep_reports_reset();
	g_ptr_array_free(ran, TRUE);
	g_ptr_array_free(notrun, TRUE);
	g_ptr_array_free(bad, TRUE);
	if (tests)
		g_ptr_array_free(tests, TRUE);
	g_free(model);
	g_free(results);
	return status;
}
