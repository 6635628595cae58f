// SPDX-License-Identifier: MIT
/*
 * daxsim export [--model M] [--name generic/NNN] [--dir DIR] SCENARIO
 *
 * Writes SCENARIO as an fstests test, DIR/tests/generic/NNN, with its
 * golden output NNN.out from the simulated run, so that a finding can be
 * run on a real kernel with pmem (./check generic/NNN with a DAX-capable
 * SCRATCH_DEV).  The test is the scenario's commands as xfs_io and the
 * common/ helpers write them:
 *   - the lines of one task on its current file, up to the next line of
 *     another kind, become one `$XFS_IO_PROG -c ... -c ... FILE` (a process);
 *   - mkfs -> _scratch_mkfs + _scratch_mount -o dax=always, remount ->
 *     _scratch_cycle_mount, cp_reflink -> _cp_reflink, rm -> rm -f,
 *     md5sum -> md5sum | _filter_scratch, xfs_io -> $XFS_IO_PROG, echo;
 *   - expect lines and the simulator's own commands (check, daxstat, model,
 *     lockdep, ...) become comments: the golden output does the checking.
 * What has no fstests form (background commands, a mapping still used
 * after another process ran, poison, device DAX, mkfs options other than
 * the defaults) is refused with FILE:LINE:COL and exit 2.  The .out comes
 * from running the test through `daxsim fstests`, and the test must then
 * pass against it: nothing is left behind otherwise, and existing files are
 * never overwritten.
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fstests.h"
#include "interp.h"
#include "scn.h"
#include "share_registry.h"

struct task_state {
	char		*path;		/* the current file, or NULL */
	char		flags[8];	/* -r -d for every process on it */
	bool		map_live;	/* a mapping made by its current process */
	bool		map_lost;	/* ... made by a process that has exited */
	int		map_line;
	GString		*cmds;		/* the -c words of its process so far */
	char		first_flags[8];	/* -f -t for the first process only */
};

struct exporter {
	const struct scn	*s;
	GString			*body;
	GHashTable		*tasks;		/* name -> struct task_state (lookups only) */
	GPtrArray		*order;		/* task names with a process pending, in order */
	GTree			*dirs;		/* directories made */
	int			line, col;
	char			msg[512];
};

static void task_state_free(gpointer p)
{
	struct task_state *t = p;

	g_free(t->path);
	g_string_free(t->cmds, TRUE);
	g_free(t);
}

static int refuse(struct exporter *x, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(struct exporter *x, int col, const char *fmt, ...)
{
	va_list ap;

	x->col = col;
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof(x->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* A scenario path as the test names it, with its directory made once. */
static void add_path(struct exporter *x, GString *out, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash) {
		gchar *dir = g_strndup(path, (gsize)(slash - path));

		if (!g_tree_lookup(x->dirs, dir)) {
			g_string_append_printf(x->body, "mkdir -p $SCRATCH_MNT/%s\n", dir);
			g_tree_insert(x->dirs, dir, dir);
		} else {
			g_free(dir);
		}
	}
	g_string_append_printf(out, "$SCRATCH_MNT/%s", path);
}

/* Words a shell and xfs_io's -c take as they are. */
static bool plain_word(const char *w)
{
	for (const char *p = w; *p; p++)
		if (!g_ascii_isalnum(*p) && !strchr("-_.,:/=+@%^", *p))
			return false;
	return *w != 0;
}

static gint str_cmp(gconstpointer a, gconstpointer b, gpointer u)
{
	(void)u;
	return strcmp(a, b);
}

static struct task_state *task_of(struct exporter *x, const char *name)
{
	struct task_state *t = g_hash_table_lookup(x->tasks, name);

	if (!t) {
		t = g_new0(struct task_state, 1);
		t->cmds = g_string_new(NULL);
		g_hash_table_insert(x->tasks, g_strdup(name), t);
	}
	return t;
}

/* The task's process so far as one $XFS_IO_PROG line; its mapping goes. */
static void flush_task(struct exporter *x, struct task_state *t)
{
	GString *l;

	if (!t->cmds->len)
		return;
	l = g_string_new("$XFS_IO_PROG");
	if (t->first_flags[0])
		g_string_append_printf(l, " -%s", t->first_flags);
	if (t->flags[0])
		g_string_append_printf(l, " -%s", t->flags);
	g_string_append_len(l, t->cmds->str, (gssize)t->cmds->len);
	g_string_append_c(l, ' ');
	add_path(x, l, t->path);
	g_string_append(l, " 2>&1 | _filter_xfs_io | _filter_scratch\n");
	g_string_append(x->body, l->str);
	g_string_free(l, TRUE);
	g_string_truncate(t->cmds, 0);
	t->first_flags[0] = 0;
	if (t->map_live)
		t->map_lost = true;
	t->map_live = false;
}

static void flush_all(struct exporter *x)
{
	for (guint i = 0; i < x->order->len; i++)
		flush_task(x, task_of(x, g_ptr_array_index(x->order, i)));
	g_ptr_array_set_size(x->order, 0);
}

static void comment(struct exporter *x, const struct scn_line *ln, const char *why)
{
	g_string_append(x->body, "# ");
	if (ln->task)
		g_string_append_printf(x->body, "@%s ", ln->task);
	for (int k = 0; k < ln->argc; k++)
		g_string_append_printf(x->body, "%s%s", k ? " " : "", ln->argv[k]);
	if (why)
		g_string_append_printf(x->body, "  (%s)", why);
	g_string_append_c(x->body, '\n');
}

/* One task's line on its file: a -c word of its process. */
static int task_line(struct exporter *x, const struct scn_line *ln)
{
	const char *name = ln->task ? ln->task : "";
	struct task_state *t = task_of(x, name);
	const struct cmdinfo *ci = cmd_lookup(ln->argv[0]);
	const char *cmd = ci ? ci->name : ln->argv[0];	/* `mr` is mread */
	static const char *const map_cmds[] = { "mread", "mwrite", "msync", "munmap", "madvise" };
	bool is_map_cmd = ci && (ci->flags & CMD_MAP);

	for (size_t i = 0; ci && i < G_N_ELEMENTS(map_cmds); i++)
		is_map_cmd |= !strcmp(ci->name, map_cmds[i]);

	/* another task's process ends first: scenario order is kept */
	for (guint i = 0; i < x->order->len; i++)
		if (strcmp(g_ptr_array_index(x->order, i), name)) {
			flush_all(x);
			break;
		}
	if (!strcmp(cmd, "open")) {
		const char *path = ln->argv[ln->argc - 1];

		flush_task(x, t);
		if (t->map_lost || t->map_live)
			t->map_lost = t->map_live = false;
		g_free(t->path);
		t->path = g_strdup(path);
		t->flags[0] = t->first_flags[0] = 0;
		for (int k = 1; k < ln->argc - 1; k++)
			for (const char *p = ln->argv[k] + 1; *p; p++)
				strncat(strchr("rd", *p) ? t->flags : t->first_flags, p, 1);
		if (!plain_word(path))
			return refuse(x, ln->cols[ln->argc - 1], "export: the path '%s' needs quoting", path);
		return 0;
	}
	if (!t->path && !strcmp(cmd, "exit"))
		return 0;
	if (!t->path)
		return refuse(x, ln->cols[0], "export: '%s' with no open file", cmd);
	if (!strcmp(cmd, "exit")) {
		/* the task ends: its process, files and mappings with it */
		flush_task(x, t);
		g_free(t->path);
		t->path = NULL;
		t->map_lost = false;
		return 0;
	}
	if (!strcmp(cmd, "close")) {
		flush_task(x, t);
		g_free(t->path);
		t->path = NULL;
		t->map_lost = false;
		return 0;
	}
	if (!strcmp(cmd, "mmap"))
		t->map_live = true, t->map_lost = false, t->map_line = ln->lineno;
	else if (is_map_cmd && !t->map_live && t->map_lost)
		return refuse(x, ln->cols[0],
			      "export: '%s' uses the mapping of line %d, made by an xfs_io process that has exited (a line of another kind ran in between; fstests runs each xfs_io as its own process)",
			      cmd, t->map_line);
	if (!strcmp(cmd, "munmap"))
		t->map_live = false;
	if (!t->cmds->len)
		g_ptr_array_add(x->order, (gpointer)name);
	g_string_append(t->cmds, " -c \"");
	for (int k = 0; k < ln->argc; k++) {
		const char *w = ln->argv[k];

		if (!plain_word(w))
			return refuse(x, ln->cols[k], "export: the word '%s' needs quoting", w);
		if (k)
			g_string_append_c(t->cmds, ' ');
		/* reflink/dedupe SRC: a path of the test's filesystem */
		if (k && w[0] != '-' && (!strcmp(cmd, "reflink") || !strcmp(cmd, "dedupe")) &&
		    (k == 1 || ln->argv[k - 1][0] == '-')) {
			GString *p = g_string_new(NULL);

			add_path(x, p, w);
			g_string_append(t->cmds, p->str);
			g_string_free(p, TRUE);
			continue;
		}
		g_string_append(t->cmds, w);
	}
	g_string_append_c(t->cmds, '"');
	return 0;
}

static int sim_line(struct exporter *x, const struct scn_line *ln)
{
	const char *cmd = ln->argv[0];
	GString *l;

	flush_all(x);
	if (!strcmp(cmd, "pmem")) {
		for (int k = 1; k < ln->argc; k++)
			if (!strncmp(ln->argv[k], "mode=", 5) && strcmp(ln->argv[k], "mode=fsdax"))
				return refuse(x, ln->cols[k], "export: device DAX has no fstests form");
		comment(x, ln, "the scratch device: a pmem namespace of the machine");
		return 0;
	}
	if (!strcmp(cmd, "mkfs")) {
		static const char *const ok[] = { "blocksize=4096", "reflink=1", "rmapbt=1", "dax=always" };

		for (int k = 1; k < ln->argc; k++) {
			bool fine = false;

			for (size_t i = 0; i < G_N_ELEMENTS(ok); i++)
				fine |= !strcmp(ok[i], ln->argv[k]);
			if (!fine)
				return refuse(x, ln->cols[k], "export: mkfs %s has no fstests form (the scratch filesystem is made with the defaults and mounted -o dax=always)",
					      ln->argv[k]);
		}
		g_string_append(x->body, "_scratch_mkfs > $seqres.full 2>&1\n"
				 "_scratch_mount -o dax=always >> $seqres.full 2>&1\n");
		return 0;
	}
	if (!strcmp(cmd, "remount")) {
		g_string_append(x->body, "_scratch_cycle_mount\n");
		return 0;
	}
	l = g_string_new(NULL);
	if (!strcmp(cmd, "md5sum") || !strcmp(cmd, "rm") || !strcmp(cmd, "cp_reflink")) {
		g_string_append(l, !strcmp(cmd, "md5sum") ? "md5sum" : !strcmp(cmd, "rm") ? "rm -f" : "_cp_reflink");
		for (int k = 1; k < ln->argc; k++) {
			if (!plain_word(ln->argv[k])) {
				g_string_free(l, TRUE);
				return refuse(x, ln->cols[k], "export: the path '%s' needs quoting", ln->argv[k]);
			}
			g_string_append_c(l, ' ');
			add_path(x, l, ln->argv[k]);
		}
		if (!strcmp(cmd, "md5sum"))
			g_string_append(l, " | _filter_scratch");
	} else if (!strcmp(cmd, "echo")) {
		g_string_append(l, "echo '");
		for (int k = 1; k < ln->argc; k++) {
			if (strchr(ln->argv[k], '\'')) {
				g_string_free(l, TRUE);
				return refuse(x, ln->cols[k], "export: echo of a quote");
			}
			g_string_append_printf(l, "%s%s", k > 1 ? " " : "", ln->argv[k]);
		}
		g_string_append_c(l, '\'');
	} else if (!strcmp(cmd, "xfs_io")) {
		g_string_append(l, "$XFS_IO_PROG");
		for (int k = 1; k < ln->argc - 1; k++) {
			const char *w = ln->argv[k], *c = NULL, *cp;
			int ccol = ln->cols[k];

			cp = w[0] == '-' ? strchr(w, 'c') : NULL;
			if (cp) {
				/* the flags before c: -f -t -r -d */
				for (const char *f = w + 1; f < cp; f++)
					if (!strchr("ftrdxF", *f))
						cp = NULL;
			}
			if (!cp) {
				if (w[0] == '-' && plain_word(w)) {
					g_string_append_printf(l, " %s", w);
					continue;
				}
				g_string_free(l, TRUE);
				return refuse(x, ccol, "export: xfs_io word '%s'", w);
			}
			/* -c CMD, -fc CMD, -cCMD */
			if (cp[1]) {
				c = cp + 1;
			} else if (k + 1 < ln->argc - 1) {
				c = ln->argv[++k];
				ccol = ln->cols[k];
			}
			if (cp > w + 1)
				g_string_append_printf(l, " %.*s", (int)(cp - w), w);
			if (!c) {
				g_string_free(l, TRUE);
				return refuse(x, ccol, "export: xfs_io -c without a command");
			}
			{
				gchar **words = NULL;
				int nw = 0;

				if (!g_shell_parse_argv(c, &nw, &words, NULL)) {
					g_string_free(l, TRUE);
					return refuse(x, ccol, "export: the command '%s' needs quoting", c);
				}
				g_string_append(l, " -c \"");
				for (int i = 0; i < nw; i++) {
					if (!plain_word(words[i])) {
						g_string_free(l, TRUE);
						g_strfreev(words);
						return refuse(x, ccol, "export: the command '%s' needs quoting", c);
					}
					g_string_append(l, i ? " " : "");
					if (i && words[i][0] != '-' && (!strcmp(words[0], "reflink") || !strcmp(words[0], "dedupe")) &&
					    (i == 1 || words[i - 1][0] == '-')) {
						GString *p = g_string_new(NULL);

						add_path(x, p, words[i]);
						g_string_append(l, p->str);
						g_string_free(p, TRUE);
						continue;
					}
					g_string_append(l, words[i]);
				}
				g_string_append_c(l, '"');
				g_strfreev(words);
			}
		}
		if (!plain_word(ln->argv[ln->argc - 1])) {
			g_string_free(l, TRUE);
			return refuse(x, ln->cols[ln->argc - 1], "export: the path '%s' needs quoting",
				      ln->argv[ln->argc - 1]);
		}
		g_string_append_c(l, ' ');
		add_path(x, l, ln->argv[ln->argc - 1]);
		g_string_append(l, " 2>&1 | _filter_xfs_io | _filter_scratch");
	} else if (!strcmp(cmd, "check") || !strcmp(cmd, "daxstat") || !strcmp(cmd, "model") ||
		   !strcmp(cmd, "lockdep") || !strcmp(cmd, "keep-going") || !strcmp(cmd, "dmesg") ||
		   !strcmp(cmd, "help")) {
		g_string_free(l, TRUE);
		comment(x, ln, "the simulator's own: nothing to run on a real machine");
		return 0;
	} else {
		g_string_free(l, TRUE);
		return refuse(x, ln->cols[0], "export: '%s' has no fstests form", cmd);
	}
	g_string_append_c(l, '\n');
	g_string_append(x->body, l->str);
	g_string_free(l, TRUE);
	return 0;
}

static int export_lines(struct exporter *x)
{
	for (guint i = 0; i < x->s->lines->len; i++) {
		const struct scn_line *ln = g_ptr_array_index(x->s->lines, i);
		const struct cmdinfo *ci = cmd_lookup(ln->argv[0]);
		int ret;

		x->line = ln->lineno;
		if (ln->background)
			return refuse(x, ln->bg_col, "export: background commands have no fstests form here (fstests' jobs run whole processes: the interleaving would be lost)");
		if (!strcmp(ln->argv[0], "expect")) {
			comment(x, ln, NULL);
			continue;
		}
		if (!ci)
			return refuse(x, ln->cols[0], "export: unknown command '%s'", ln->argv[0]);
		if (!strcmp(ln->argv[0], "poison") || !strcmp(ln->argv[0], "repair") ||
		    !strcmp(ln->argv[0], "wait") || !strcmp(ln->argv[0], "prctl") ||
		    !strcmp(ln->argv[0], "spawn") || !strcmp(ln->argv[0], "thread") ||
		    !strcmp(ln->argv[0], "pin") || !strcmp(ln->argv[0], "unpin") ||
		    !strcmp(ln->argv[0], "od") || !strcmp(ln->argv[0], "madvise"))
			return refuse(x, ln->cols[0], "export: '%s' has no fstests form", ln->argv[0]);
		ret = (ci->flags & CMD_SIM) ? sim_line(x, ln) : task_line(x, ln);
		if (ret)
			return ret;
	}
	flush_all(x);
	return 0;
}

static bool write_new(const char *path, const char *text, gsize len, char *why, size_t n)
{
	gchar *tmp = g_strconcat(path, ".daxsim-tmp", NULL);
	GError *e = NULL;
	bool ok = g_file_set_contents(tmp, text, (gssize)len, &e);

	if (!ok) {
		snprintf(why, n, "cannot write %s: %s", tmp, e->message);
		g_error_free(e);
	} else if (link(tmp, path)) {	/* never over an existing file */
		snprintf(why, n, "cannot create %s: %s", path, g_strerror(errno));
		ok = false;
	}
	g_remove(tmp);
	g_free(tmp);
	return ok;
}

static int export_run(const char *file, const char *model, const char *name, const char *dir)
{
	gchar *text = NULL, *seq = g_path_get_basename(name), *testdir, *test, *out, *results = NULL;
	gsize len = 0;
	struct scn *s = NULL;
	struct scn_error err = { 0 };
	struct exporter x = { 0 };
	GString *script, *output = NULL;
	char why[1200];
	int ret = 2, v;

	testdir = g_build_filename(dir, "tests", name, NULL);
	{
		gchar *t = testdir;

		testdir = g_path_get_dirname(t);
		test = t;
	}
	out = g_strconcat(test, ".out", NULL);
	if (!g_file_get_contents(file, &text, &len, NULL)) {
		fprintf(stderr, "daxsim: export: cannot read scenario '%s'\n", file);
		goto out;
	}
	if (scn_parse_len(file, text, len, &s, &err) || scn_validate(s, &err)) {
		fprintf(stderr, "%s:%d:%d: %s\n", file, err.line, err.col, err.msg);
		goto out;
	}
	if (g_file_test(test, G_FILE_TEST_EXISTS) || g_file_test(out, G_FILE_TEST_EXISTS)) {
		fprintf(stderr, "daxsim: export: %s or its .out exists (not overwritten)\n", test);
		goto out;
	}
	x.s = s;
	x.body = g_string_new(NULL);
	x.tasks = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, task_state_free);
	x.order = g_ptr_array_new();
	x.dirs = g_tree_new_full(str_cmp, NULL, g_free, NULL);
	if (export_lines(&x)) {
		fprintf(stderr, "%s:%d:%d: %s\n", file, x.line, x.col, x.msg);
		goto out;
	}
	script = g_string_new(NULL);
	g_string_append_printf(script,
		"#! /bin/bash\n"
		"# FS QA Test No. %s\n"
		"#\n"
		"# Exported by `daxsim export` from %s (design %s).  Run it on a\n"
		"# machine whose SCRATCH_DEV is a pmem namespace in fsdax mode.\n"
		"#\n"
		". ./common/preamble\n"
		"_begin_fstest auto quick clone dax\n"
		"\n"
		". ./common/filter\n"
		". ./common/reflink\n"
		"\n"
		"_require_scratch_reflink\n"
		"_require_scratch_dax_mountopt \"dax=always\"\n"
		"_require_cp_reflink\n"
		"\n"
		"%s"
		"\n"
		"# success, all done\n"
		"status=0\n"
		"exit\n", seq, file, model ? model : SHARE_DEFAULT, x.body->str);
	if (g_mkdir_with_parents(testdir, 0777)) {
		fprintf(stderr, "daxsim: export: cannot create %s: %s\n", testdir, g_strerror(errno));
		g_string_free(script, TRUE);
		goto out;
	}
	/* the golden output: the test's own run, then the round trip */
	results = g_dir_make_tmp("daxsim-export-XXXXXX", NULL);
	if (!write_new(test, script->str, script->len, why, sizeof(why)) ||
	    !write_new(out, "", 0, why, sizeof(why))) {
		fprintf(stderr, "daxsim: export: %s\n", why);
		g_string_free(script, TRUE);
		g_remove(test);
		g_free(results);
		goto out;
	}
	g_string_free(script, TRUE);
	output = g_string_new(NULL);
	v = fst_run_test(test, model, results ? results : ".", output, why, sizeof(why));
	if (v == 0 || v == 1) {
		g_remove(out);
		if (write_new(out, output->str, output->len, why, sizeof(why))) {
			g_string_truncate(output, 0);
			v = fst_run_test(test, model, results ? results : ".", output, why, sizeof(why));
		} else {
			v = 2;
		}
	}
	if (results && !v) {
		gchar *cmd[] = { "rm", "-rf", results, NULL };

		g_spawn_sync(NULL, cmd, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
			     G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL, NULL);
		g_free(results);
		results = NULL;
	}
	if (v) {
		fprintf(stderr, "daxsim: export: the exported test does not pass `daxsim fstests` against its own output (not written):%s%s\n",
			why[0] == ' ' ? "" : " ", why);
		g_remove(test);
		g_remove(out);
		g_free(results);
		goto out;
	}
	printf("%s\n%s\n", test, out);
	ret = 0;
out:
	if (output)
		g_string_free(output, TRUE);
	if (x.body)
		g_string_free(x.body, TRUE);
	if (x.tasks)
		g_hash_table_destroy(x.tasks);
	if (x.order)
		g_ptr_array_free(x.order, TRUE);
	if (x.dirs)
		g_tree_destroy(x.dirs);
	if (s)
		scn_free(s);
	g_free(text);
	g_free(seq);
	g_free(testdir);
	g_free(test);
	g_free(out);
	return ret;
}

int daxsim_export(int argc, char **argv)
{
	gchar *model = NULL, *name = NULL, *dir = NULL;
	GOptionEntry entries[] = {
		{ "model", 0, 0, G_OPTION_ARG_STRING, &model, "page-sharing design of the golden run", "M" },
		{ "name", 0, 0, G_OPTION_ARG_STRING, &name, "the test's name (default generic/999)", "generic/NNN" },
		{ "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "the fstests tree to write into (default .)", "DIR" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new("SCENARIO");
	GError *gerr = NULL;
	int ret = 2;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
		fprintf(stderr, "daxsim: export: %s\n", gerr->message);
		g_error_free(gerr);
		goto out;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: daxsim export [--model M] [--name generic/NNN] [--dir DIR] SCENARIO\n");
		goto out;
	}
	if (model && !share_find(model)) {
		fprintf(stderr, "daxsim: unknown model '%s' (see `daxsim help models`)\n", model);
		goto out;
	}
	if (name && (!g_regex_match_simple("^(generic|xfs)/[0-9]{3,4}$", name, 0, 0))) {
		fprintf(stderr, "daxsim: export: --name must be generic/NNN or xfs/NNN, not '%s'\n", name);
		goto out;
	}
	ret = export_run(argv[2], model, name ? name : "generic/999", dir ? dir : ".");
out:
	g_option_context_free(ctx);
	g_free(model);
	g_free(name);
	g_free(dir);
	return ret;
}
