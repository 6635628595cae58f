// SPDX-License-Identifier: MIT
/*
 * The daxsim CLI: run, info, help.
 *   daxsim run [--model M] [--seed N] [--trace[=F]] [--check=MODE] [--keep-going] FILE...
 */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "compare.h"
#include "fstests.h"
#include "lockdep.h"
#include "fuzz/fuzz_cli.h"
#include "memmap.h"
#include "pmem.h"
#include "scn.h"
#include "share.h"

static int usage(void)
{
	fprintf(stderr,
		"usage: daxsim run [--model M] [--seed N] [--trace[=FILE]] [--check=full|incremental|off]\n"
		"                  [--keep-going] [--stop-on-failure] [--lockdep=on|off] [--lockdep-rules=FILE]\n"
		"                  [--lockdep-graph=FILE.dot] [--lockdep-edges=FILE] FILE...   (FILE '-' reads stdin)\n"
		"       daxsim compare [--format=text|csv|json] [--plot=FILE.svg] SCENARIO...\n"
		"       daxsim fstests [--model M] [--seed N] [--keep-going] [--results DIR] TEST...   (fstests scripts vs TEST.out)\n"
		"       daxsim expand FILE     (the lines after lexing, one per line, tab-separated)\n"
		"       daxsim info\n"
		"       daxsim fuzz-decode INPUT   (a fuzz_ops input as the scenario it runs)\n"
		"       daxsim shrink [--model M] SCENARIO   (the smallest scenario failing the same way)\n"
		"       daxsim help [COMMAND|models]\n");
	return 2;
}

static int cmd_help(int argc, char **argv)
{
	int n;
	const struct cmdinfo *t = cmd_table(&n);

	if (argc > 2 && !strcmp(argv[2], "models")) {
		for (const struct dax_share_ops *const *d = share_designs(); *d; d++)
			printf("%-10s %s\n", (*d)->name, (*d)->origin);
		return 0;
	}
	if (argc > 2) {
		const struct cmdinfo *ci = cmd_lookup(argv[2]);

		if (!ci) {
			fprintf(stderr, "daxsim: help: unknown command '%s'\n", argv[2]);
			return 2;
		}
		printf("%s %s\n  %s\n", ci->name, ci->args, ci->oneline);
		if (ci->altname)
			printf("  alias: %s\n", ci->altname);
		return 0;
	}
	for (int i = 0; i < n; i++)
		printf("%-11s %s\n", t[i].name, t[i].oneline);
	return 0;
}

static int cmd_info(void)
{
	struct pmem_device pd;
	char err[512];
	int ret = pmem_create(&pd, 64UL << 20, PMEM_BACKING_AUTO, NULL, err, sizeof(err));

	if (ret) {
		printf("pmem backing: none (%s)\n", err);
		return 1;
	}
	printf("pmem backing: %s\n", pmem_backing_name(pd.backing));
	printf("not chosen: %s\n", pd.why[0] ? pd.why : "-");
	printf("struct page: %zu bytes per pmem page\n", sizeof(struct page));
	printf("designs:");
	for (const struct dax_share_ops *const *d = share_designs(); *d; d++)
		printf(" %s", (*d)->name);
	printf(" (default %s)\n", SHARE_DEFAULT);
	pmem_destroy(&pd);
	return 0;
}

/* The text of scenario @path ('-' is stdin), or NULL with a message. */
static gchar *read_scenario(const char *path)
{
	gchar *text = NULL;
	gsize len;

	if (!strcmp(path, "-")) {
		GString *buf = g_string_new(NULL);
		char chunk[4096];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			g_string_append_len(buf, chunk, (gssize)n);
		return g_string_free(buf, FALSE);
	}
	if (!g_file_get_contents(path, &text, &len, NULL)) {
		fprintf(stderr, "daxsim: cannot read scenario '%s'\n", path);
		return NULL;
	}
	return text;
}

static const char *scenario_name(const char *path)
{
	return strcmp(path, "-") ? path : "<stdin>";
}

/*
 * daxsim expand FILE: every command line after lexing and variable
 * expansion, as "LINE<TAB>TASK<TAB>WORD<TAB>WORD..." with each field
 * C-escaped (g_strescape) and TASK "-" for the main task.  Tools that
 * replay a scenario elsewhere (the real-XFS comparison) read this
 * instead of re-implementing the lexer.
 */
static int cmd_expand(int argc, char **argv)
{
	struct scn_error err = { 0 };
	struct scn *s;
	gchar *text;

	if (argc != 3)
		return usage();
	text = read_scenario(argv[2]);
	if (!text)
		return 2;
	if (scn_parse(scenario_name(argv[2]), text, &s, &err)) {
		fprintf(stderr, "%s:%d:%d: %s\n", scenario_name(argv[2]), err.line, err.col, err.msg);
		g_free(text);
		return 2;
	}
	g_free(text);
	for (guint i = 0; i < s->lines->len; i++) {
		struct scn_line *ln = g_ptr_array_index(s->lines, i);

		printf("%d\t%s", ln->lineno, ln->task ? ln->task : "-");
		for (int w = 0; w < ln->argc; w++) {
			gchar *e = g_strescape(ln->argv[w], NULL);

			printf("\t%s", e);
			g_free(e);
		}
		putchar('\n');
	}
	scn_free(s);
	return 0;
}

static gchar *trace_arg;

static gboolean trace_cb(const gchar *name, const gchar *value, gpointer data, GError **err)
{
	g_free(trace_arg);
	trace_arg = g_strdup(value ? value : "-");
	return TRUE;
}

/* A file daxsim creates: never one that exists ("x"), like --trace. */
static FILE *create_output(const char *path, const char *what)
{
	FILE *f = fopen(path, "wx");

	if (!f)
		fprintf(stderr, "daxsim: cannot create %s %s: %s\n", what, path,
			g_file_test(path, G_FILE_TEST_EXISTS) ? "it exists (not overwritten)" :
			g_strerror(errno));
	return f;
}

/* --lockdep-graph / --lockdep-edges after the run; 0 or 2. */
static int write_lockdep_outputs(const char *graph, const char *edges)
{
	FILE *f;

	if (graph) {
		if (!(f = create_output(graph, "lock graph")))
			return 2;
		lockdep_write_dot(f);
		fclose(f);
	}
	if (edges) {
		if (!(f = create_output(edges, "lock edge list")))
			return 2;
		lockdep_write_edges(f);
		fclose(f);
	}
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	gchar *model = NULL, *check = NULL;
	gchar *lockdep = NULL, *lock_rules = NULL, *lock_graph = NULL, *lock_edges = NULL;
	gchar *lock_inject = NULL;
	gint64 seed = 0;
	gboolean keep_going = FALSE, stop = FALSE;
	GOptionEntry entries[] = {
		{ "model", 0, 0, G_OPTION_ARG_STRING, &model, "page-sharing design", "M" },
		{ "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "the seed of every random choice", "N" },
		{ "check", 0, 0, G_OPTION_ARG_STRING, &check, "full|incremental|off", "MODE" },
		{ "trace", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, (gpointer)trace_cb, "trace events (stderr or FILE)", "FILE" },
		{ "keep-going", 0, 0, G_OPTION_ARG_NONE, &keep_going, "do not stop at an invariant violation", NULL },
		{ "stop-on-failure", 0, 0, G_OPTION_ARG_NONE, &stop, "stop at the first failed expectation", NULL },
		{ "lockdep", 0, 0, G_OPTION_ARG_STRING, &lockdep, "the lock validator: on (default) or off", "on|off" },
		{ "lockdep-rules", 0, 0, G_OPTION_ARG_FILENAME, &lock_rules, "declared locking rules (default: the built-in docs/locking.rules)", "FILE" },
		{ "lockdep-graph", 0, 0, G_OPTION_ARG_FILENAME, &lock_graph, "write the observed lock graph (Graphviz dot)", "FILE.dot" },
		{ "lockdep-edges", 0, 0, G_OPTION_ARG_FILENAME, &lock_edges, "write the observed lock edges (make lockcheck)", "FILE" },
		{ "lockdep-inject", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &lock_inject, "test only: a path with a broken lock order", "NAME" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new("FILE...");
	GError *gerr = NULL;
	struct run_opts opts = { 0 };
	int status = 0;
	FILE *tf = NULL;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
		fprintf(stderr, "daxsim: %s\n", gerr->message);
		g_error_free(gerr);
		g_option_context_free(ctx);
		status = 2;
		goto out;
	}
	g_option_context_free(ctx);
	if (argc < 3) {
		status = usage();
		goto out;
	}
	if (model && !share_find(model)) {
		fprintf(stderr, "daxsim: unknown model '%s' (see `daxsim help models`)\n", model);
		status = 2;
		goto out;
	}
	opts.model = model;
	opts.seed = (uint64_t)seed;
	opts.keep_going = keep_going;
	opts.stop_on_failure = stop;
	opts.check = CHECK_INCREMENTAL;
	if (check && !strcmp(check, "full"))
		opts.check = CHECK_FULL;
	else if (check && !strcmp(check, "off"))
		opts.check = CHECK_OFF;
	else if (check && strcmp(check, "incremental")) {
		fprintf(stderr, "daxsim: --check must be full, incremental or off\n");
		status = 2;
		goto out;
	}
	if (lockdep && strcmp(lockdep, "on") && strcmp(lockdep, "off")) {
		fprintf(stderr, "daxsim: --lockdep must be on or off\n");
		status = 2;
		goto out;
	}
	if ((lock_graph || lock_edges) && lockdep && !strcmp(lockdep, "off")) {
		fprintf(stderr, "daxsim: --lockdep-graph and --lockdep-edges need --lockdep=on\n");
		status = 2;
		goto out;
	}
	if (lock_inject) {
		if (lockdep_inject_parse(lock_inject)) {
			fprintf(stderr, "daxsim: --lockdep-inject: unknown path '%s' (%s)\n",
				lock_inject, lockdep_inject_names());
			status = 2;
			goto out;
		}
		opts.lock_inject = lockdep_inject;
	}
	if (!lockdep || !strcmp(lockdep, "on")) {
		char err[512];

		if (lockdep_enable(lock_rules, err, sizeof(err))) {
			fprintf(stderr, "daxsim: %s\n", err);
			status = 2;
			goto out;
		}
	}
	if (trace_arg) {
		/* "x": never overwrite a file daxsim did not create */
		tf = (!strcmp(trace_arg, "") || !strcmp(trace_arg, "-")) ? stderr : fopen(trace_arg, "wx");
		if (!tf) {
			fprintf(stderr, "daxsim: cannot create trace file %s: %s\n", trace_arg,
				g_file_test(trace_arg, G_FILE_TEST_EXISTS) ? "it exists (not overwritten)" :
				g_strerror(errno));
			status = 2;
			goto out;
		}
		opts.trace = tf;
	}
	for (int i = 2; i < argc; i++) {
		struct scn *s;
		struct scn_error err = { 0 };
		gchar *text = read_scenario(argv[i]);
		int rc;

		if (!text) {
			status = 2;
			break;
		}
		if (scn_parse(scenario_name(argv[i]), text, &s, &err)) {
			fprintf(stderr, "%s:%d:%d: %s\n", scenario_name(argv[i]),
				err.line, err.col, err.msg);
			g_free(text);
			status = 2;
			break;
		}
		g_free(text);
		rc = scn_run(s, &opts, stdout);
		scn_free(s);
		fflush(stdout);
		if (rc > status)
			status = rc;
		if (rc == 2)
			break;
	}
	if (status != 2 && lockdep_enabled() && write_lockdep_outputs(lock_graph, lock_edges))
		status = 2;
out:
	lockdep_disable();
	lockdep_reports_reset();
	if (tf && tf != stderr)
		fclose(tf);
	g_free(model);
	g_free(check);
	g_free(lockdep);
	g_free(lock_rules);
	g_free(lock_graph);
	g_free(lock_edges);
	g_free(lock_inject);
	g_free(trace_arg);
	trace_arg = NULL;
	return status;
}

static int cmd_info_args(int argc, char **argv)
{
	return cmd_info();
}

/* The subcommands: `daxsim NAME ...`. */
static const struct {
	const char	*name;
	int		(*fn)(int argc, char **argv);
} subcommands[] = {
	{ "run",		cmd_run },
	{ "compare",		daxsim_compare },
	{ "expand",		cmd_expand },
	{ "fstests",		daxsim_fstests },
	{ "fuzz-decode",	daxsim_fuzz_decode },
	{ "fuzz-encode",	daxsim_fuzz_encode },
	{ "fuzz-dict",		daxsim_fuzz_dict },
	{ "shrink",		daxsim_shrink },
	{ "info",		cmd_info_args },
	{ "help",		cmd_help },
};

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	for (size_t i = 0; i < G_N_ELEMENTS(subcommands); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc, argv);
	return usage();
}
