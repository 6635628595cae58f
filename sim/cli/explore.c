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
 * Every schedule runs in a child process (a deadlocked run cannot be
 * unwound), its output captured.  The first failing schedule's reports are
 * printed with `replay: daxsim run --schedule='...' FILE`; the last line is
 * `explored N schedules (complete|bounded|sampled): F failed`.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compare.h"
#include "exit_now.h"
#include "lockdep.h"
#include "scheduler.h"
#include "scn.h"
#include "share_registry.h"

/* One decision of a run, as the child reports it. */
#define RUN_MAX	8

struct decision {
	int	chosen;
	int	current;	/* the fiber that was running and could go on, or -1 */
	int	nrun;		/* how many were runnable: more than RUN_MAX bounds the run */
	int	run[RUN_MAX];	/* the first RUN_MAX creation indexes, in creation order */
};

static int log_fd = -1;

static void log_decision(int decision, int chosen, int current, int nrunnable,
			 const int *runnable, void *arg)
{
	struct decision d = { chosen, current, nrunnable, { 0 } };

	for (int i = 0; i < MIN(nrunnable, RUN_MAX); i++)
		d.run[i] = runnable[i];
	if (write(log_fd, &d, sizeof(d)) != (ssize_t)sizeof(d))
		_exit(3);
}

struct outcome {
	int		status;		/* the child's exit status, or 128+signal */
	GString		*out;		/* its stdout */
	GString		*schedule;
	GArray		*decisions;	/* struct decision */
};

static void slurp(int fd, GString *to)
{
	char buf[4096];
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		g_string_append_len(to, buf, n);
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

static int run_one(struct scn *s, struct run_opts *opts, struct outcome *o)
{
	int out_fd = scratch_fd(), sched_fd = scratch_fd(), dec_fd = scratch_fd();
	pid_t pid;
	int st;

	if (out_fd < 0 || sched_fd < 0 || dec_fd < 0) {
		fprintf(stderr, "daxsim explore: no temporary file: %s\n", strerror(errno));
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "daxsim explore: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		FILE *out = fdopen(out_fd, "w");

		log_fd = dec_fd;
		opts->sched_fd = sched_fd;
		opts->sched_log = log_decision;
		if (dup2(out_fd, STDOUT_FILENO) < 0)
			_exit(3);
		fflush(stdout);
		st = scn_run(s, opts, out);
		fflush(out);
		exit_now(st);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	o->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	o->out = g_string_new(NULL);
	o->schedule = g_string_new(NULL);
	o->decisions = g_array_new(FALSE, FALSE, sizeof(struct decision));
	slurp(out_fd, o->out);
	slurp(sched_fd, o->schedule);
	{
		GString *raw = g_string_new(NULL);

		slurp(dec_fd, raw);
		g_array_append_vals(o->decisions, raw->str, (guint)(raw->len / sizeof(struct decision)));
		g_string_free(raw, TRUE);
	}
	close(out_fd);
	close(sched_fd);
	close(dec_fd);
	return 0;
}

static void outcome_free(struct outcome *o)
{
	g_string_free(o->out, TRUE);
	g_string_free(o->schedule, TRUE);
	g_array_free(o->decisions, TRUE);
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

int daxsim_explore(int argc, char **argv)
{
	gchar *strategy = NULL, *model = NULL;
	gint preempt = 2, depth = 3, runs = 0;
	gint64 seed = 1;
	gboolean keep_going = FALSE;
	GOptionEntry entries[] = {
		{ "strategy", 0, 0, G_OPTION_ARG_STRING, &strategy, "dfs (default), pct or random", "S" },
		{ "preempt", 0, 0, G_OPTION_ARG_INT, &preempt, "dfs: at most N preemptions (default 2)", "N" },
		{ "depth", 0, 0, G_OPTION_ARG_INT, &depth, "pct: the bug depth d (default 3)", "D" },
		{ "runs", 0, 0, G_OPTION_ARG_INT, &runs, "schedules at most (dfs: 10000; random, pct: 100)", "N" },
		{ "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "random, pct: the first seed (default 1)", "N" },
		{ "model", 0, 0, G_OPTION_ARG_STRING, &model, "page-sharing design", "M" },
		{ "keep-going", 0, 0, G_OPTION_ARG_NONE, &keep_going, "explore on after a failing schedule", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new("FILE");
	GError *gerr = NULL;
	struct scn *s = NULL;
	struct scn_error perr = { 0 };
	gchar *text = NULL;
	const char *why;
	size_t len;
	enum { DFS, RANDOM, PCT } strat = DFS;
	int explored = 0, failed = 0, status = 0;
	bool pruned = false, complete = false;
	GArray *prefix = g_array_new(FALSE, FALSE, sizeof(int));
	char err[512];

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
		fprintf(stderr, "daxsim explore: %s\n", gerr->message);
		g_error_free(gerr);
		status = 2;
		goto out;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: daxsim explore [--strategy=dfs|pct|random] [--preempt=N] [--depth=D] [--runs=N] [--seed=N] [--model M] [--keep-going] FILE\n");
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
	for (;;) {
		struct run_opts opts = { .model = model, .check = CHECK_INCREMENTAL,
					 .force_scheduler = true };
		struct outcome o;

		if (explored >= runs)
			break;
		if (strat == DFS) {
			opts.sched_prefix = (const int *)(void *)prefix->data;
			opts.sched_nprefix = (int)prefix->len;
		} else {
			opts.seed = (uint64_t)seed + (uint64_t)explored;
			opts.sched_policy = strat == RANDOM ? SCHED_RANDOM : SCHED_PCT;
			opts.pct_depth = depth;
		}
		if (run_one(s, &opts, &o)) {
			status = 3;
			break;
		}
		explored++;
		if (o.status >= 2) {
			fwrite(o.out->str, 1, o.out->len, stdout);
			fprintf(stderr, "daxsim explore: the run under schedule '%s' ended with status %d\n",
				o.schedule->str, o.status);
			outcome_free(&o);
			status = o.status == 2 ? 2 : 3;
			goto out;
		}
		if (o.status == 1) {
			failed++;
			if (failed == 1 || keep_going) {
				fwrite(o.out->str, 1, o.out->len, stdout);
				printf("replay: daxsim run --schedule='%s'%s%s %s\n", o.schedule->str,
				       model ? " --model " : "", model ? model : "", argv[2]);
			}
			if (!keep_going) {
				outcome_free(&o);
				break;
			}
		}
		if (strat == DFS) {
			/* the deepest decision with an option left within the bound */
			GArray *d = o.decisions;
			int k, npre = 0, *pre = g_new0(int, d->len + 1);
			bool found = false;

			for (guint i = 0; i < d->len; i++) {
				const struct decision *x = &g_array_index(d, struct decision, i);

				pre[i + 1] = pre[i] + preempts(x, x->chosen);
				if (x->nrun > RUN_MAX)
					pruned = true;	/* options past RUN_MAX were never tried */
			}
			for (k = (int)d->len - 1; k >= 0 && !found; k--) {
				const struct decision *x = &g_array_index(d, struct decision, k);
				int opt[RUN_MAX + 1], n = option_order(x, opt), at = -1;

				for (int m = 0; m < n; m++)
					if (opt[m] == x->chosen)
						at = m;
				for (int m = at + 1; m < n && !found; m++) {
					npre = pre[k] + preempts(x, opt[m]);
					if (npre > preempt) {
						pruned = true;
						continue;
					}
					g_array_set_size(prefix, 0);
					for (int q = 0; q < k; q++)
						g_array_append_val(prefix, g_array_index(d, struct decision, q).chosen);
					g_array_append_val(prefix, opt[m]);
					found = true;
				}
			}
			g_free(pre);
			if (!found) {
				complete = !pruned;
				outcome_free(&o);
				break;
			}
		}
		outcome_free(&o);
	}
	printf("explored %d schedule%s (%s): %d failed\n", explored, explored == 1 ? "" : "s",
	       strat != DFS ? "sampled" : complete ? "complete" : "bounded", failed);
	if (!status)
		status = failed ? 1 : 0;
out:
	g_option_context_free(ctx);
	g_array_free(prefix, TRUE);
	if (s)
		scn_free(s);
	g_free(text);
	g_free(strategy);
	g_free(model);
	return status;
}
