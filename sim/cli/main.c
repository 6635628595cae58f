// SPDX-License-Identifier: MIT
/*
 * The daxsim CLI: run, info, help.
 *   daxsim run [--model M] [--seed N] [--trace[=F]] [--check=MODE] [--keep-going] FILE...
 */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "inject.h"
#include "share_registry.h"
#include "compare.h"
#include "fstests.h"
#include "lockdep.h"
#include "fuzz/fuzz_cli.h"
#include "memmap.h"
#include "pmem.h"
#include "scn.h"
#include "share.h"

static void print_usage(FILE *to)
{
	fprintf(to,
		"usage: daxsim run [--model M] [--seed N] [--schedule=STRING] [--trace[=FILE]] [--check=full|incremental|off]\n"
		"                  [--keep-going] [--stop-on-failure] [--strict] [--lockdep=on|off] [--lockdep-rules=FILE]\n"
		"                  [--lockdep-graph=FILE.dot] [--lockdep-edges=FILE] FILE...   (FILE '-' reads stdin)\n"
		"       daxsim explore [--strategy=dfs|pct|random] [--preempt=N] [--depth=D] [--runs=N]\n"
		"                      [--seed=N] [--model M] [--keep-going] [--isolate] FILE   (many schedules)\n"
		"       daxsim compare [--format=text|csv|json] [--plot=FILE.svg] SCENARIO...\n"
		"       daxsim fstests [--model M] [--seed N] [--keep-going] [--results DIR] TEST...   (fstests scripts vs TEST.out)\n"
		"       daxsim export [--model M] [--name generic/NNN] [--dir DIR] SCENARIO   (as an fstests test and its .out)\n"
		"       daxsim expand FILE     (the lines after lexing, one per line, tab-separated)\n"
		"       daxsim info\n"
		"       daxsim fuzz-decode [--sched] INPUT   (a fuzz_ops or fuzz_sched input as the scenario it runs)\n"
		"       daxsim shrink [--model M] [--schedule=S] SCENARIO   (the smallest scenario, and schedule, failing the same way)\n"
		"       daxsim help [COMMAND|models]\n");
}

/* A usage error: the synopsis on stderr, exit 2. */
static int usage(void)
{
	print_usage(stderr);
	return 2;
}

static int cmd_help(int argc, char **argv)
{
	int n;
	const struct cmdinfo *t = cmd_table(&n);

	if (argc > 2 && !strcmp(argv[2], "models")) {
		for (const struct dax_share_ops *const *d = share_designs(); *d; d++)
			printf("%-10s %s; page cache: %s\n", (*d)->name, (*d)->origin,
			       (*d)->pagecache_note);
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
	printf("\nscenario lines (docs/language.md):\n"
	       "  @TASK CMD ...     CMD in task TASK (made on first use; `main` without @)\n"
	       "  CMD ... &         in the background: the next lines go on (`wait [@TASK...]`)\n"
	       "  @TASK expect ok|error ERRNO   task TASK's last command\n"
	       "  set NAME=VALUE    $NAME, ${NAME}; $((EXPR)) integer arithmetic (+ - * / %% and parentheses)\n"
	       "  # a comment; a trailing \\ joins the next line; numbers take xfs_io's suffixes (4k, 2m, 1b)\n"
	       "\ndaxsim commands: run, explore, compare, fstests, export, expand, info, shrink, fuzz-decode, help\n"
	       "(`daxsim --help` for their options; `daxsim help COMMAND`, `daxsim help models`)\n");
	return 0;
}

/*
 * The backing a device would get (probed with a 64 MiB device, or one as
 * large as the cap allows), the size cap and why: the cap is said even when
 * no device can be made under it.
 */
static int cmd_info(void)
{
	struct pmem_device pd;
	char err[512], why[256];
	uint64_t cap = pmem_size_cap(why, sizeof(why));
	uint64_t probe = MIN(64ULL << 20, cap);
	int ret;

	if (probe < PMD_SIZE) {
		snprintf(err, sizeof(err), "the device size cap is below 2 MiB, the smallest device");
		ret = -E2BIG;
	} else {
		ret = pmem_create(&pd, probe, PMEM_BACKING_AUTO, NULL, err, sizeof(err));
	}
	if (ret) {
		printf("pmem backing: none (%s)\n", err);
	} else {
		printf("pmem backing: %s\n", pmem_backing_name(pd.backing));
		printf("not chosen: %s\n", pd.why[0] ? pd.why : "-");
		pmem_destroy(&pd);
	}
	printf("struct page: %zu bytes per pmem page\n", sizeof(struct page));
	if (cap == UINT64_MAX)
		printf("device size cap: none (%s)\n", why);
	else
		printf("device size cap: %llu bytes (%s)\n", (unsigned long long)cap, why);
	printf("default device: %llu GiB, sparse (a scenario without a `pmem` line)\n",
	       (unsigned long long)(PMEM_DEFAULT_SIZE >> 30));
	printf("designs:");
	for (const struct dax_share_ops *const *d = share_designs(); *d; d++)
		printf(" %s", (*d)->name);
	printf(" (default %s)\n", SHARE_DEFAULT);
	return ret ? 1 : 0;
}

/* The text of scenario @path ('-' is stdin), at most SCN_MAX_BYTES + 1
 * bytes of it (scn_parse_len reports more), or NULL with a message. */
static gchar *read_scenario(const char *path, size_t *len)
{
	const char *why;
	gchar *text = scn_read_file(path, len, &why);

	if (!text) {
		gchar *e = scn_escape(path);

		fprintf(stderr, "daxsim: cannot read scenario '%s': %s\n", e, why);
		g_free(e);
	}
	return text;
}

static const char *scenario_name(const char *path)
{
	return strcmp(path, "-") ? path : "<stdin>";
}

/* FILE:LINE:COL: message, the file name escaped like the message */
static void print_parse_error(const char *file, const struct scn_error *err)
{
	gchar *e = scn_escape(file);

	fprintf(stderr, "%s:%d:%d: %s\n", e, err->line, err->col, err->msg);
	g_free(e);
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
	size_t len;

	if (argc != 3)
		return usage();
	text = read_scenario(argv[2], &len);
	if (!text)
		return 2;
	if (scn_parse_len(scenario_name(argv[2]), text, len, &s, &err)) {
		print_parse_error(scenario_name(argv[2]), &err);
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

	if (!f) {
		gchar *e = scn_escape(path);

		fprintf(stderr, "daxsim: cannot create %s %s: %s\n", what, e,
			g_file_test(path, G_FILE_TEST_EXISTS) ? "it exists (not overwritten)" :
			g_strerror(errno));
		g_free(e);
	}
	return f;
}

/*
 * --lockdep-graph / --lockdep-edges: created before the run (so an
 * existing file is refused before anything runs), written after it; on a
 * usage error the files this run created are removed again.
 */
static int open_lockdep_outputs(const char *graph, const char *edges, FILE **gf, FILE **ef)
{
	if (graph && !(*gf = create_output(graph, "lock graph")))
		return 2;
	if (edges && !(*ef = create_output(edges, "lock edge list"))) {
		if (*gf) {
			fclose(*gf);
			*gf = NULL;
			unlink(graph);
		}
		return 2;
	}
	return 0;
}

static void close_lockdep_outputs(const char *graph, const char *edges, FILE *gf, FILE *ef,
				  bool write)
{
	if (gf) {
		if (write)
			lockdep_write_dot(gf);
		fclose(gf);
		if (!write)
			unlink(graph);
	}
	if (ef) {
		if (write)
			lockdep_write_edges(ef);
		fclose(ef);
		if (!write)
			unlink(edges);
	}
}

/* --inject / --lockdep-inject NAME: the point of @kind into @opts; -1 with a message. */
static int parse_inject(const char *option, const char *what, const char *name,
			enum inject_kind kind, struct run_opts *opts)
{
	int tag = inject_lookup(name, kind);

	if (tag < 0) {
		fprintf(stderr, "daxsim: %s: unknown %s '%s' (%s)\n", option, what, name,
			inject_names(kind));
		return -1;
	}
	opts->inject = tag;
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	gchar *model = NULL, *check = NULL;
	gchar *lockdep = NULL, *lock_rules = NULL, *lock_graph = NULL, *lock_edges = NULL;
	gchar *lock_inject = NULL, *inject = NULL, *schedule = NULL;
	gint64 seed = 0;
	gboolean keep_going = FALSE, stop = FALSE, strict = FALSE;
	GOptionEntry entries[] = {
		{ "model", 0, 0, G_OPTION_ARG_STRING, &model, "page-sharing design", "M" },
		{ "strict", 0, 0, G_OPTION_ARG_NONE, &strict, "exit 1 on runtime trouble no expect accounts for", NULL },
		{ "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "the seed of every random choice (0: the default schedule)", "N" },
		{ "schedule", 0, 0, G_OPTION_ARG_STRING, &schedule, "replay a schedule (as explore prints it)", "STRING" },
		{ "check", 0, 0, G_OPTION_ARG_STRING, &check, "full|incremental|off", "MODE" },
		{ "trace", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, (gpointer)trace_cb, "trace events (stderr or FILE)", "FILE" },
		{ "keep-going", 0, 0, G_OPTION_ARG_NONE, &keep_going, "do not stop at an invariant violation", NULL },
		{ "stop-on-failure", 0, 0, G_OPTION_ARG_NONE, &stop, "stop at the first failed expectation", NULL },
		{ "lockdep", 0, 0, G_OPTION_ARG_STRING, &lockdep, "the lock validator: on (default) or off", "on|off" },
		{ "lockdep-rules", 0, 0, G_OPTION_ARG_FILENAME, &lock_rules, "declared locking rules (default: the built-in docs/locking.rules)", "FILE" },
		{ "lockdep-graph", 0, 0, G_OPTION_ARG_FILENAME, &lock_graph, "write the observed lock graph (Graphviz dot)", "FILE.dot" },
		{ "lockdep-edges", 0, 0, G_OPTION_ARG_FILENAME, &lock_edges, "write the observed lock edges (make lockcheck)", "FILE" },
		{ "lockdep-inject", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &lock_inject, "test only: a path with a broken lock order", "NAME" },
		{ "inject", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &inject, "test only: a mutant (make mutants)", "NAME" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new("FILE...");
	GError *gerr = NULL;
	struct run_opts opts = { 0 };
	int status = 0;
	FILE *tf = NULL, *graph_f = NULL, *edges_f = NULL;

	/* `--trace FILE.scn` would take the scenario as the trace file: a bare
	 * --trace is --trace= (stderr); a file is given as --trace=FILE */
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--trace"))
			argv[i] = (char *)"--trace=";
		else if (!strcmp(argv[i], "--"))
			break;
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
	opts.schedule = schedule;
	opts.keep_going = keep_going;
	opts.stop_on_failure = stop;
	opts.report_trouble = true;
	opts.strict = strict;
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
	if (lock_inject && inject) {
		fprintf(stderr, "daxsim: --inject and --lockdep-inject: one injected bug at a time\n");
		status = 2;
		goto out;
	}
	if ((lock_inject && parse_inject("--lockdep-inject", "path", lock_inject, INJECT_KIND_LOCK, &opts)) ||
	    (inject && parse_inject("--inject", "mutant", inject, INJECT_KIND_MUTANT, &opts))) {
		status = 2;
		goto out;
	}
	if (!lockdep || !strcmp(lockdep, "on")) {
		char err[512];

		if (lockdep_enable(lock_rules, err, sizeof(err))) {
			fprintf(stderr, "daxsim: %s\n", err);
			status = 2;
			goto out;
		}
	}
	if (open_lockdep_outputs(lock_graph, lock_edges, &graph_f, &edges_f)) {
		status = 2;
		goto out;
	}
	if (trace_arg) {
		/* "x": never overwrite a file daxsim did not create */
		tf = (!strcmp(trace_arg, "") || !strcmp(trace_arg, "-")) ? stderr :
		     create_output(trace_arg, "trace file");
		if (!tf) {
			status = 2;
			goto out;
		}
		opts.trace = tf;
	}
	for (int i = 2; i < argc; i++) {
		struct scn *s;
		struct scn_error err = { 0 };
		size_t len;
		gchar *text = read_scenario(argv[i], &len);
		int rc;

		if (!text) {
			status = 2;
			break;
		}
		if (scn_parse_len(scenario_name(argv[i]), text, len, &s, &err)) {
			print_parse_error(scenario_name(argv[i]), &err);
			g_free(text);
			status = 2;
			break;
		}
		g_free(text);
		if (!s->lines->len) {
			fprintf(stderr, "%s: the scenario has no commands (see `daxsim help`)\n",
				scenario_name(argv[i]));
			scn_free(s);
			status = 2;
			break;
		}
		opts.files_after = argc - 1 - i;
		rc = scn_run(s, &opts, stdout);
		scn_free(s);
		fflush(stdout);
		if (rc > status)
			status = rc;
		if (rc == 2)
			break;
	}
out:
	close_lockdep_outputs(lock_graph, lock_edges, graph_f, edges_f,
			      status != 2 && lockdep_enabled());
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
	g_free(inject);
	g_free(schedule);
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
	{ "explore",		daxsim_explore },
	{ "expand",		cmd_expand },
	{ "fstests",		daxsim_fstests },
	{ "export",		daxsim_export },
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
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_usage(stdout);	/* asked for: stdout, success */
		return 0;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(subcommands); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc, argv);
	return usage();
}
