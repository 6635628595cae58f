// SPDX-License-Identifier: MIT
/*
 * The run loop under the scheduler (Concurrency v2, scenario-language.md):
 * every command runs as a fiber of the scheduler (kernel/sched); `LINE &`
 * starts it and goes on, a foreground line runs the scheduler until its own
 * command ends, and commands in flight interleave with it at the scheduling
 * points.  A task runs one command at a time: a later line for a busy task
 * first waits for it.  `wait [@T...]`, and check, remount, repair, mkfs,
 * model, pmem, od, md5sum and expect (but `@T expect ok|error`) first wait
 * for everything; the end of the scenario waits for everything.
 *
 * The checker runs when nothing is in flight (the invariants that need
 * quiescence); D1 checks a read only when no other command is in flight
 * (a read overlapping a write may see either state, as POSIX allows).
 * When every unfinished command is asleep the run reports L-deadlock with
 * each task's held locks and the lock it waits for, and the schedule.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exit_now.h"
#include "interp.h"
#include "lockdep.h"
#include "scheduler.h"

struct job {
	struct cmdctx		c;
	struct scn_line		*ln;
	guint			index;		/* the line's index */
	struct io_task		*io;
	struct lock_ctx		kctx;		/* a simulator command's own context */
	char			name[32];
	struct fiber		*fiber;
	int			ret;
	bool			finished;	/* after-line handling done */
};

static GPtrArray *jobs;		/* in flight or not yet finished, start order */
static struct scn_error *run_err;
static guint cur_line;		/* the index of the line the main context is at */

/* Commands that first wait for everything in flight. */
static bool waits_for_all(const struct scn_line *ln)
{
	static const char *const names[] = {
		"check", "remount", "repair", "mkfs", "model", "pmem", "od", "md5sum",
	};

	if (!strcmp(ln->argv[0], "expect"))
		return !interp_is_task_expect(ln);
	if (!strcmp(ln->argv[0], "wait"))
		return ln->argc == 1;
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (!strcmp(ln->argv[0], names[i]))
			return true;
	return false;
}

bool scn_needs_scheduler(const struct scn *s, const struct run_opts *opts)
{
	if (opts->no_scheduler)
		return false;
	if (opts->force_scheduler || opts->schedule || opts->seed)
		return true;
	for (guint i = 0; i < s->lines->len; i++) {
		const struct scn_line *ln = g_ptr_array_index(s->lines, i);

		/* a pin can make truncate sleep: only the scheduler can report it */
		if (ln->background || !strcmp(ln->argv[0], "wait") || !strcmp(ln->argv[0], "pin"))
			return true;
	}
	return false;
}

bool interp_d1_applies(void)
{
	return !I || !I->conc || I->inflight <= 1;
}

static void job_main(void *arg)
{
	struct job *j = arg;

	j->ret = run_command(&j->c, j->ln, 0, j->io);
	I->inflight--;
}

static struct job *job_start(struct scn *s, guint i, struct scn_line *ln, struct io_task *io)
{
	struct job *j = g_new0(struct job, 1);

	j->c = (struct cmdctx){ .scn = s, .err = run_err };
	j->ln = ln;
	j->index = i;
	j->io = io;
	if (io) {
		snprintf(j->name, sizeof(j->name), "%s", io->task->name);
		io->busy = true;
	} else {
		/*
		 * xfs_io's transient task is a user process: COMM-LINE, as ftrace
		 * prints COMM-PID; a simulator command is a kernel worker, kLINE.
		 */
		if (!strcmp(ln->argv[0], "xfs_io"))
			snprintf(j->name, sizeof(j->name), "xfs_io-%d", ln->lineno);
		else
			snprintf(j->name, sizeof(j->name), "k%d", ln->lineno);
		j->kctx.name = "kworker";
		j->c.kctx = &j->kctx;
	}
	j->fiber = sched_spawn(j->name, io ? &io->task->lockctx : &j->kctx, ln->lineno,
			       job_main, j);
	I->inflight++;
	g_ptr_array_add(jobs, j);
	return j;
}

/*
 * The line whose `expect violation` claims what is found while the main
 * context is at line @i (running it, or waiting for what is in flight
 * before or as part of it): @i itself when it is that `expect` (it waits
 * for everything first), else the line after it.  Whichever background
 * command ends last, the expectation written after the racing lines holds.
 */
static guint claim_line(guint i)
{
	const struct scn_line *ln = i < I->scn->lines->len ? g_ptr_array_index(I->scn->lines, i) : NULL;

	if (ln && ln->argc >= 2 && !strcmp(ln->argv[0], "expect") && !strcmp(ln->argv[1], "violation"))
		return i;
	return i + 1;
}

/*
 * The after-line handling of every finished job, in start order.  At
 * quiescence the checker runs once, for the latest line among them (so an
 * `expect violation` after it holds what the interleaving produced).
 */
static int finish_jobs(void)
{
	struct job *last = NULL;
	int ret = 0;

	for (guint k = 0; k < jobs->len; k++) {
		struct job *j = g_ptr_array_index(jobs, k);

		if (fiber_done(j->fiber) && (!last || j->index > last->index))
			last = j;
	}
	for (guint k = 0; k < jobs->len;) {
		struct job *j = g_ptr_array_index(jobs, k);

		if (!fiber_done(j->fiber)) {
			k++;
			continue;
		}
		if (j->io)
			j->io->busy = false;
		sim_cur_line = j->ln->lineno;
		if (j->io && j->io->task->sig != SIG_NONE && !j->io->task->dead)
			task_kill(j->io, j->ln->argv[0]);	/* signalled while in flight */
		if (j->ret == -2 || (!I->inflight && j == last)) {
			int r;

			/* the line whose `expect violation` claims what the check finds */
			I->claim_next = (int)claim_line(cur_line);
			r = interp_after_line(j->index, j->ln, j->io, j->ret, run_err);
			I->claim_next = -1;

			if (r && !ret)
				ret = r;
		} else if (j->io && strcmp(j->ln->argv[0], "expect")) {
			interp_note_task(j->io);
		}
		fiber_free(j->fiber);
		g_ptr_array_remove_index(jobs, k);
		g_free(j);
	}
	return ret;
}

/* explore: the schedule this run took, on its channel. */
static void tell_schedule(void)
{
	int fd = I->opts->sched_fd;
	const char *str = sched_schedule();

	if (fd > 0 && write(fd, str, strlen(str)) < 0)
		perror("daxsim: schedule");
}

/* A run that cannot be unwound ends the process: say so when files were still to run. */
static void note_files_left(const struct scn *s)
{
	if (I->opts->files_after > 0) {
		fprintf(stderr, "daxsim: %s ended the run (its commands cannot be unwound): "
			"the %d file%s after it did not run\n", s->file, I->opts->files_after,
			I->opts->files_after == 1 ? "" : "s");
		fflush(stderr);
	}
}

/* L-deadlock / a diverged replay: the run cannot go on. */
static void sched_failed(struct scn *s, guint i, int rc)
{
	fflush(I->out);
	tell_schedule();
	note_files_left(s);
	if (rc == SCHED_DIVERGED) {
		fprintf(stderr, "%s: %s\n", s->file, sched_report());
		fflush(stderr);
		exit_now(2);
	}
	{
		struct scn_line *ln = g_ptr_array_index(s->lines, i);
		guint c = claim_line(i);
		struct scn_line *next = c < s->lines->len ? g_ptr_array_index(s->lines, c) : NULL;
		bool expected = next && next->argc >= 3 && !strcmp(next->argv[0], "expect") &&
				!strcmp(next->argv[1], "violation") && !strcmp(next->argv[2], "L-deadlock");

		interp_note_violation("L-deadlock");
		fprintf(I->out, "INVARIANT L-deadlock violated at %s:%d (%s): %s\n", s->file,
			ln->lineno, ln->argv[0], sched_report());
		fflush(I->out);
		if (I->opts->sched_abort && !expected) {
			/* fuzz_sched: a crash the fuzzer saves, with the report on stderr */
			fprintf(stderr, "INVARIANT L-deadlock: %s\n", sched_report());
			abort();
		}
		/* the sleeping commands hold locks for ever: the run ends here */
		/* files left unrun are not a pass */
		exit_now(expected && !I->status && !I->opts->files_after ? 0 : 1);
	}
}

static int run_until(struct scn *s, guint i, struct fiber *f)
{
	int rc;

	cur_line = i;
	rc = sched_run_until(f);

	if (rc != SCHED_OK)
		sched_failed(s, i, rc);
	return finish_jobs();
}

static struct job *job_of(const struct io_task *io)
{
	for (guint k = 0; k < jobs->len; k++) {
		struct job *j = g_ptr_array_index(jobs, k);

		if (j->io == io)
			return j;
	}
	return NULL;
}

/* `wait @T [@U...]`: those tasks' commands. */
static int wait_tasks(struct scn *s, guint i, struct scn_line *ln)
{
	int ret = 0;

	for (int a = 1; a < ln->argc && !ret; a++) {
		struct io_task *io = io_task_find(ln->argv[a] + 1);
		struct job *j = io ? job_of(io) : NULL;

		if (j)
			ret = run_until(s, i, j->fiber);
	}
	return ret;
}

int scn_run_concurrent(struct scn *s, struct scn_error *err)
{
	const struct run_opts *opts = I->opts;
	struct sched_opts so = {
		.policy = opts->sched_policy ? (enum sched_policy)opts->sched_policy :
			  opts->seed ? SCHED_RANDOM : SCHED_DEFAULT,
		.seed = opts->seed,
		.pct_depth = opts->pct_depth,
		.replay = opts->schedule,
		.prefix = opts->sched_prefix,
		.nprefix = opts->sched_nprefix,
		.log = opts->sched_log,
		.log_arg = opts->sched_log_arg,
		.choices = opts->sched_choices,
		.nchoices = opts->sched_nchoices,
	};
	int ret = 0;

	run_err = err;
	cur_line = 0;
	jobs = g_ptr_array_new();
	sched_start(&so);
	sim_bug_notify = tell_schedule;
	if (sched_report()[0]) {
		fprintf(stderr, "%s: %s\n", s->file, sched_report());
		ret = -2;
	}
	for (guint i = 0; i < s->lines->len && ret >= 0; i++) {
		struct scn_line *ln = g_ptr_array_index(s->lines, i);
		struct io_task *io = NULL;
		struct job *j;

		sim_cur_line = ln->lineno;
		if (waits_for_all(ln))
			ret = run_until(s, i, NULL);
		else if (!strcmp(ln->argv[0], "wait"))
			ret = wait_tasks(s, i, ln);
		if (ret < 0)
			break;
		if (line_task(s, ln, &io)) {
			ret = -2;
			break;
		}
		if (io && io->busy && !interp_is_task_expect(ln)) {
			j = job_of(io);
			if (j && (ret = run_until(s, i, j->fiber)) < 0)
				break;
			if (io->task->dead && strcmp(ln->argv[0], "spawn")) {
				fprintf(stderr, "%s:%d:%d: task '%s' was killed; re-create it with `@%s spawn`\n",
					s->file, ln->lineno, ln->task ? ln->task_col : ln->cols[0],
					io->task->name, io->task->name);
				ret = -2;
				break;
			}
		}
		if (interp_is_task_expect(ln) || (waits_for_all(ln) && !I->inflight) ||
		    !strcmp(ln->argv[0], "wait")) {
			/* nothing can interleave with it: on the main context */
			struct cmdctx c = { .scn = s, .err = err };

			ret = run_command(&c, ln, 0, io);
			ret = interp_after_line(i, ln, io, ret, err);
		} else {
			j = job_start(s, i, ln, io);
			if (!ln->background)
				ret = run_until(s, i, j->fiber);
		}
		if (ret == -3) {
			ret = 0;
			break;
		}
	}
	if (ret >= 0)
		ret = run_until(s, s->lines->len ? s->lines->len - 1 : 0, NULL);
	if (ret >= 0 && sched_replay_done() != SCHED_OK)
		sched_failed(s, 0, SCHED_DIVERGED);
	if (ret == -3)
		ret = 0;
	if (ret < 0 && jobs->len) {
		/* a usage error or a stop with commands in flight: they cannot be unwound */
		fflush(I->out);
		tell_schedule();	/* explore's replay line needs the schedule that got here */
		note_files_left(s);
		if (I->opts->sched_abort)
			abort();	/* fuzz_sched: a crash the fuzzer saves */
		exit_now(ret == -2 ? 2 : I->status || I->opts->files_after ? 1 : 0);
	}
	tell_schedule();
	sim_bug_notify = NULL;
	sched_stop();
	g_ptr_array_free(jobs, TRUE);
	jobs = NULL;
	return ret;
}
