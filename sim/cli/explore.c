// SPDX-License-Identifier: MIT
/*
 * `daxsim explore`: many schedules of one scenario (docs/concurrency.md).
 *   dfs     every schedule within a preemption bound (CHESS's iterative
 *           context bounding), stateless: each schedule is a forced prefix
 *           of choices, then the default; the decisions it met tell which
 *           alternatives are left.
 *   random  --runs seeds from --seed, each choice uniform among the runnable.
 *   pct     Burckhardt et al.'s probabilistic concurrency testing: random
 *           priorities, --depth - 1 priority change points.
 * The schedules run one after another in a worker process, which also
 * decides the next one; a run that cannot be unwound (a deadlock) ends the
 * worker, explore finishes that run's accounting and starts a new worker.
 * The first failing schedule's reports are printed with `replay: daxsim run
 * --schedule='...' FILE`; the last line is `explored N schedules
 * (complete|bounded|sampled): F failed`.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compare.h"
#include "exit_now.h"
#include "interp.h"
#include "lockdep.h"
#include "scheduler.h"
#include "scn.h"
#include "share_registry.h"

/* One decision of a run, as the scheduler reports it. */
#define RUN_MAX	8

struct decision {
	int	chosen;
	int	current;	/* the fiber that was running and could go on, or -1 */
	int	nrun;		/* how many were runnable: more than RUN_MAX bounds the run */
	int	run[RUN_MAX];	/* the first RUN_MAX creation indexes, in creation order */
};

/*
 * What explore and its worker share (MAP_SHARED, made before the first
 * fork): the exploration's progress, the next schedule's prefix, and the
 * decisions of the run in flight.  A worker that ends in the middle of a
 * run leaves all of it behind for explore to finish the run's accounting.
 * A run's decisions past LOG_MAX are not kept: DFS does not branch there
 * and calls the exploration bounded.
 */
#define LOG_MAX	16384

enum strategy { DFS, RANDOM, PCT };

struct explore_state {
	/* the exploration asked for */
	enum strategy	strat;
	int		preempt, depth, runs;
	uint64_t	seed;
	bool		keep_going, isolate;
	const char	*path, *model;	/* for the replay line (the worker's copy is the same) */
	/* progress */
	int		explored, failed, status;
	bool		pruned, complete, done;
	int		nprefix;
	int		prefix[LOG_MAX];	/* DFS: the next schedule's forced choices */
	/* the run in flight */
	bool		in_run;
	off_t		out_start;	/* where its output starts in the output file */
	off_t		sched_start;	/* and its schedule in the schedule file */
	unsigned int	n;		/* decisions in d[] */
	bool		spilled;	/* more than LOG_MAX decisions */
	struct decision	d[LOG_MAX];
};

static struct explore_state *es;

static void log_decision(int decision, int chosen, int current, int nrunnable,
			 const int *runnable, void *arg)
{
	struct decision *d;

	if (es->n >= LOG_MAX) {
		es->spilled = true;
		return;
	}
	d = &es->d[es->n++];
	d->chosen = chosen;
	d->current = current;
	d->nrun = nrunnable;
	for (int i = 0; i < RUN_MAX; i++)
		d->run[i] = i < nrunnable ? runnable[i] : 0;
}

/* @fd from @pos to its end (pread: the worker's file offset stays). */
static GString *slurp(int fd, off_t pos)
{
	GString *to = g_string_new(NULL);
	char buf[4096];
	ssize_t n;

	while ((n = pread(fd, buf, sizeof(buf), pos)) > 0) {
		g_string_append_len(to, buf, n);
		pos += n;
	}
	return to;
}

static int scratch_fd(void)
{
	FILE *f = tmpfile();
	int fd;

	if (!f)
		return -1;
	fd = dup(fileno(f));
	fclose(f);
	return fd;
}

/* Where the next run writes to @fd: on from the last one, back to 0 now and then. */
static off_t run_start(int fd)
{
	off_t pos = lseek(fd, 0, SEEK_CUR);

	if (pos < 0)
		exit_now(3);
	if (pos > (4 << 20)) {
		if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET) < 0)
			exit_now(3);
		pos = 0;
	}
	return pos;
}

/* The options at a decision in DFS order: the default first, then the rest by index. */
static int option_order(const struct decision *d, int *opt)
{
	int n = 0, def = d->current >= 0 ? d->current : d->run[0];

	opt[n++] = def;
	for (int i = 0; i < MIN(d->nrun, RUN_MAX); i++)
		if (d->run[i] != def)
			opt[n++] = d->run[i];
	return n;
}

/* Choosing @pick at @d is a preemption: the running fiber could have gone on. */
static int preempts(const struct decision *d, int pick)
{
	return d->current >= 0 && pick != d->current;
}

/* DFS: the deepest decision of the last run with an option left within the bound. */
static bool next_prefix(void)
{
	int *pre = g_new0(int, es->n + 1);
	bool found = false;

	if (es->spilled)
		es->pruned = true;	/* options past LOG_MAX were never tried */
	for (unsigned int i = 0; i < es->n; i++) {
		const struct decision *x = &es->d[i];

		pre[i + 1] = pre[i] + preempts(x, x->chosen);
		if (x->nrun > RUN_MAX)
			es->pruned = true;	/* options past RUN_MAX were never tried */
	}
	for (int k = (int)es->n - 1; k >= 0 && !found; k--) {
		const struct decision *x = &es->d[k];
		int opt[RUN_MAX + 1], n = option_order(x, opt), at = -1;

		for (int m = 0; m < n; m++)
			if (opt[m] == x->chosen)
				at = m;
		for (int m = at + 1; m < n && !found; m++) {
			if (pre[k] + preempts(x, opt[m]) > es->preempt) {
				es->pruned = true;
				continue;
			}
			for (int q = 0; q < k; q++)
				es->prefix[q] = es->d[q].chosen;
			es->prefix[k] = opt[m];
			es->nprefix = k + 1;
			found = true;
		}
	}
	g_free(pre);
	return found;
}

struct files {
	int	out_fd, sched_fd;
};

/* The line that runs @sched again, its file name quoted for a shell when it must be. */
static void print_replay(FILE *res, const char *sched)
{
	const char *p = es->path;
	gchar *q = p[strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./+-=,:%@")] ?
		   g_shell_quote(p) : g_strdup(p);

	fprintf(res, "replay: daxsim run --schedule='%s'%s%s %s\n", sched,
		es->model ? " --model " : "", es->model ? es->model : "", q);
	g_free(q);
}

/*
 * The accounting of one finished run with status @st, by the worker or (a
 * run that ended its worker) by explore: its reports on @res when it
 * failed, and the next schedule, or the end.
 */
static void after_run(int st, const struct files *fx, FILE *res)
{
	GString *out = NULL, *sched = NULL;

	es->explored++;
	if (st) {	/* a passing run's output and schedule are never printed */
		out = slurp(fx->out_fd, es->out_start);
		sched = slurp(fx->sched_fd, es->sched_start);
	}
	if (st >= 2) {
		fwrite(out->str, 1, out->len, res);
		print_replay(res, sched->str);
		fflush(res);
		fprintf(stderr, "daxsim explore: the run under schedule '%s' ended with status %d\n",
			sched->str, st);
		es->status = st == 2 ? 2 : 3;
		es->done = true;
		goto out;
	}
	if (st == 1) {
		es->failed++;
		if (es->failed == 1 || es->keep_going) {
			fwrite(out->str, 1, out->len, res);
			print_replay(res, sched->str);
		}
		if (!es->keep_going) {
			es->done = true;
			goto out;
		}
	}
	if (es->strat == DFS && !next_prefix()) {
		es->complete = !es->pruned;
		es->done = true;
	}
	if (es->explored >= es->runs)
		es->done = true;
out:
	fflush(res);
	if (out)
		g_string_free(out, TRUE);
	if (sched)
		g_string_free(sched, TRUE);
}

/* The worker: runs schedules until the exploration is done (--isolate: one). */
static void __attribute__((noreturn)) worker_main(struct scn *s, const struct run_opts *base,
						  const struct files *fx)
{
	FILE *out = fdopen(fx->out_fd, "w");
	int res_fd = dup(STDOUT_FILENO);
	FILE *res = res_fd >= 0 ? fdopen(res_fd, "w") : NULL;

	/*
	 * One run's heap is the next run's: no trimming, no mmap and munmap of
	 * the memmap's 1.3 MB sections, and no refaulting between runs.
	 */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	/* what a run prints on stdout is its output too */
	if (!out || !res || dup2(fx->out_fd, STDOUT_FILENO) < 0)
		exit_now(3);
	while (!es->done) {
		struct run_opts opts = *base;
		int st;

		es->out_start = run_start(fx->out_fd);
		es->sched_start = run_start(fx->sched_fd);
		es->n = 0;
		es->spilled = false;
		if (es->strat == DFS) {
			opts.sched_prefix = es->prefix;
			opts.sched_nprefix = es->nprefix;
		} else {
			opts.seed = es->seed + (uint64_t)es->explored;
			opts.sched_policy = es->strat == RANDOM ? SCHED_RANDOM : SCHED_PCT;
			opts.pct_depth = es->depth;
		}
		opts.sched_fd = fx->sched_fd;
		opts.sched_log = log_decision;
		lockdep_reset_graph();		/* each schedule's reports are its own */
		lockdep_reports_reset();
		es->in_run = true;
		st = scn_run(s, &opts, out);
		fflush(out);
		fflush(stdout);
		es->in_run = false;
		after_run(st, fx, res);
		if (es->isolate)
			break;
	}
	exit_now(0);
}

/* Workers until the exploration is done: 0, or -1 when one could not run. */
static int explore(struct scn *s, const struct run_opts *base, const struct files *fx)
{
	while (!es->done) {
		pid_t pid;
		int wst, st;

		fflush(stdout);		/* a worker's stdout buffer must start empty */
		fflush(stderr);
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, "daxsim explore: fork: %s\n", strerror(errno));
			return -1;
		}
		if (pid == 0)
			worker_main(s, base, fx);
		while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
			;
		st = WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst);
		if (es->in_run) {
			/* the run could not be unwound: its status is the worker's */
			es->in_run = false;
			after_run(st, fx, stdout);
		} else if (st) {
			fprintf(stderr, "daxsim explore: the worker ended with status %d between runs\n", st);
			return -1;
		}
	}
	return 0;
}

int daxsim_explore(int argc, char **argv)
{
	gchar *strategy = NULL, *model = NULL;
	gint preempt = 2, depth = 3, runs = 0;
	gint64 seed = 1;
	gboolean keep_going = FALSE, isolate = FALSE;
	GOptionEntry entries[] = {
		{ "strategy", 0, 0, G_OPTION_ARG_STRING, &strategy, "dfs (default), pct or random", "S" },
		{ "preempt", 0, 0, G_OPTION_ARG_INT, &preempt, "dfs: at most N preemptions (default 2)", "N" },
		{ "depth", 0, 0, G_OPTION_ARG_INT, &depth, "pct: the bug depth d (default 3)", "D" },
		{ "runs", 0, 0, G_OPTION_ARG_INT, &runs, "schedules at most (dfs: 10000; random, pct: 100)", "N" },
		{ "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "random, pct: the first seed (default 1)", "N" },
		{ "model", 0, 0, G_OPTION_ARG_STRING, &model, "page-sharing design", "M" },
		{ "keep-going", 0, 0, G_OPTION_ARG_NONE, &keep_going, "explore on after a failing schedule", NULL },
		{ "isolate", 0, 0, G_OPTION_ARG_NONE, &isolate,
		  "run every schedule in a new process (slower; by default one worker runs them)", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new("FILE");
	GError *gerr = NULL;
	struct scn *s = NULL;
	struct scn_error perr = { 0 };
	gchar *text = NULL;
	const char *why;
	size_t len;
	enum strategy strat = DFS;
	int status = 0;
	struct files fx = { -1, -1 };
	struct run_opts base = { .check = CHECK_INCREMENTAL, .force_scheduler = true };
	char err[512];

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
		fprintf(stderr, "daxsim explore: %s\n", gerr->message);
		g_error_free(gerr);
		status = 2;
		goto out;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: daxsim explore [--strategy=dfs|pct|random] [--preempt=N] [--depth=D] [--runs=N] [--seed=N] [--model M] [--keep-going] [--isolate] FILE\n");
		status = 2;
		goto out;
	}
	if (strategy && !strcmp(strategy, "random"))
		strat = RANDOM;
	else if (strategy && !strcmp(strategy, "pct"))
		strat = PCT;
	else if (strategy && strcmp(strategy, "dfs")) {
		fprintf(stderr, "daxsim explore: --strategy must be dfs, pct or random, not '%s'\n", strategy);
		status = 2;
		goto out;
	}
	if (preempt < 0 || depth < 1 || runs < 0) {
		fprintf(stderr, "daxsim explore: --preempt >= 0, --depth >= 1, --runs >= 0\n");
		status = 2;
		goto out;
	}
	if (!runs)
		runs = strat == DFS ? 10000 : 100;
	if (model && !share_find(model)) {
		fprintf(stderr, "daxsim explore: unknown model '%s' (see `daxsim help models`)\n", model);
		status = 2;
		goto out;
	}
	text = scn_read_file(argv[2], &len, &why);
	if (!text) {
		fprintf(stderr, "daxsim: cannot read scenario '%s': %s\n", argv[2], why);
		status = 2;
		goto out;
	}
	if (scn_parse_len(argv[2], text, len, &s, &perr)) {
		fprintf(stderr, "%s:%d:%d: %s\n", argv[2], perr.line, perr.col, perr.msg);
		status = 2;
		goto out;
	}
	if (lockdep_enable(NULL, err, sizeof(err))) {
		fprintf(stderr, "daxsim: %s\n", err);
		status = 2;
		goto out;
	}
	base.model = model;
	{
		struct scn_error verr = { 0 };

		/* once, not per schedule (a usage error still ends the first run, as in `daxsim run`) */
		base.validated = !scn_validate(s, &verr);
	}
	fx.out_fd = scratch_fd();
	fx.sched_fd = scratch_fd();
	if (fx.out_fd < 0 || fx.sched_fd < 0) {
		fprintf(stderr, "daxsim explore: no temporary file: %s\n", strerror(errno));
		status = 3;
		goto out;
	}
	es = mmap(NULL, sizeof(*es), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (es == MAP_FAILED) {
		es = NULL;
		fprintf(stderr, "daxsim explore: mmap: %s\n", strerror(errno));
		status = 3;
		goto out;
	}
	es->strat = strat;
	es->preempt = preempt;
	es->depth = depth;
	es->runs = runs;
	es->seed = (uint64_t)seed;
	es->keep_going = keep_going;
	es->isolate = isolate;
	es->path = argv[2];
	es->model = model;
	es->done = runs == 0;
	if (explore(s, &base, &fx)) {
		status = 3;
		goto out;
	}
	if (es->status) {	/* a run that could not go on (its reports are printed) */
		status = es->status;
		goto out;
	}
	/* the contract's words, "schedules" for one too: a line scripts match */
	printf("explored %d schedules (%s): %d failed\n", es->explored,
	       strat != DFS ? "sampled" : es->complete ? "complete" : "bounded", es->failed);
	status = es->failed ? 1 : 0;
out:
	if (es)
		munmap(es, sizeof(*es));
	es = NULL;
	if (fx.out_fd >= 0)
		close(fx.out_fd);
	if (fx.sched_fd >= 0)
		close(fx.sched_fd);
	g_option_context_free(ctx);
	if (s)
		scn_free(s);
	g_free(text);
	g_free(strategy);
	g_free(model);
	return status;
}
