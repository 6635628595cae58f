// SPDX-License-Identifier: MIT
/*
 * Background jobs of the fstests shell: `CMD &`, `$!`, `wait [PID...]`,
 * `kill [-SIG] PID...`, and `sleep` as the time it takes.
 *
 * A job is a subshell: its own copy of the variables, functions and
 * positional parameters, the same files and the same simulated machine.
 * Each job runs the interpreter on its own stack (fiber.h).  Exactly one
 * runs at a time, and the jobs interleave at command boundaries: after each
 * simple command the running job's virtual clock advances by what that
 * command would cost on a real machine, and the job with the earliest clock
 * runs next (ties: the oldest job).  So a reader that dumps 32 MiB of hex
 * while another job reflinks 64 KiB at a time gets a few passes over the
 * file, as on a real machine, rather than none or thousands.  The cost
 * model (docs/fstests.md):
 *   - a bash builtin (echo, test, read, ...):          1 us
 *   - a program (xfs_io, cp, grep, the fstests helpers): 1 ms
 *   - text it writes to stdout or stderr:              10 ns per byte
 *   - `sleep N`:                                       N seconds
 * `--seed N` (N > 0) scales each cost by a factor in [0.5, 1.5) drawn from
 * a generator seeded with N, so other interleavings can be tried; seed 0
 * keeps the costs exact.  Every choice depends on the script alone: the
 * same seed prints the same bytes.
 *
 * One simulator command (one xfs_io process, one helper) runs whole before
 * another job's: the interleaving of kernel paths inside commands is the
 * scenario scheduler's (`&` in scenarios, `daxsim explore`), not this one's.
 */
#include <stdlib.h>
#include <string.h>

#include "fiber.h"
#include "fstests.h"

#define JOB_STACK_SIZE	(4UL << 20)	/* malloc'd, touched lazily */
#define FIRST_PID	4300		/* $$ is SH_PID */

enum job_state { JOB_RUNNABLE, JOB_WAITING, JOB_DONE };

struct sh_job {
	int			id;		/* creation order; 0 is the script */
	int			pid;
	struct sh_state		*st;		/* job 0: the script's own */
	struct sh_node		*node;		/* what it runs */
	struct sh_io		io;
	struct fiber_stack	*stack;
	uint64_t		clock;		/* virtual microseconds */
	enum job_state		state;
	struct sh_job		*parent;
	int			wait_pid;	/* WAITING: 0 = every child */
	int			status;		/* DONE: exit status */
	int			sig;		/* killed by this signal (0: not) */
	bool			reaped;		/* `wait` collected it */
	bool			started;	/* its stack was entered */
};

struct sh_jobs {
	GPtrArray		*all;		/* struct sh_job *, creation order */
	struct sh_job		*cur;
	GRand			*jitter;	/* NULL: exact costs */
	bool			ending;		/* tearing every job down */
	bool			zombies;	/* finished or reaped jobs to free */
	int			next_id;	/* ids (and pids) are never reused */
	GHashTable		*reaped;	/* pid -> struct reaped of freed jobs */
};

/* bash remembers the status of a child it has waited for: `wait PID` again */
struct reaped {
	int			parent;		/* the id of the job that waited */
	int			status;
};

static struct sh_job *starting;	/* the job a new stack runs */

/* Who runs next: the runnable job with the earliest clock, oldest first. */
static struct sh_job *pick(struct sh_jobs *js)
{
	struct sh_job *best = NULL;

	for (guint i = 0; i < js->all->len; i++) {
		struct sh_job *j = g_ptr_array_index(js->all, i);

		if (j->state == JOB_RUNNABLE && (!best || j->clock < best->clock))
			best = j;
	}
	if (!best)
		g_error("fstests jobs: no job can run (every job waits)");
	return best;
}

/* The stacks of finished jobs (not the one running), and reaped jobs, go. */
static void release(struct sh_jobs *js)
{
	for (guint i = 1; i < js->all->len;) {
		struct sh_job *j = g_ptr_array_index(js->all, i);

		if (j->state != JOB_DONE || j == js->cur) {
			i++;
			continue;
		}
		fiber_stack_free(j->stack);
		j->stack = NULL;
		if (!j->reaped) {
			i++;
			continue;
		}
		for (guint k = 1; k < js->all->len; k++) {
			struct sh_job *c = g_ptr_array_index(js->all, k);

			if (c->parent == j)	/* orphans: the script adopts them */
				c->parent = g_ptr_array_index(js->all, 0);
		}
		{
			struct reaped *r = g_new(struct reaped, 1);

			r->parent = j->parent->id;
			r->status = j->status;
			g_hash_table_insert(js->reaped, GINT_TO_POINTER(j->pid), r);
		}
		g_free(j->st);
		g_free(j);
		g_ptr_array_remove_index(js->all, i);	/* keeps the creation order */
	}
}

static void switch_to(struct sh_jobs *js, struct sh_job *from, struct sh_job *to, bool from_ends)
{
	if (to == from)
		return;
	if (!to->started) {
		to->started = true;
		starting = to;
	}
	js->cur = to;
	fiber_switch(from->stack, to->stack, from_ends);
	if (js->zombies) {
		js->zombies = false;
		release(js);
	}
}

/* Back from a switch: a kill or the teardown unwinds the job. */
static void resumed(struct sh_job *j)
{
	struct sh_state *st = j->st;

	if ((j->sig || st->jobs->ending) && st->stop == STOP_NONE && j->id) {
		st->stop = STOP_EXIT;
		st->exit_status = 128 + (j->sig ? j->sig : 9);
	}
}

static bool children_done(struct sh_jobs *js, struct sh_job *p, int pid)
{
	for (guint i = 0; i < js->all->len; i++) {
		struct sh_job *j = g_ptr_array_index(js->all, i);

		if (j->parent == p && j->state != JOB_DONE && (!pid || j->pid == pid))
			return false;
	}
	return true;
}

static bool test_wide(enum sh_stop s)
{
	return s == STOP_NOTRUN || s == STOP_UNSUPPORTED || s == STOP_USAGE || s == STOP_FAIL;
}

static void job_entry(void);

static void job_entry(void)
{
	struct sh_job *j = starting;
	struct sh_state *st = j->st;
	struct sh_jobs *js = st->jobs;
	struct sh_job *main_job = g_ptr_array_index(js->all, 0);
	struct sh_job *p;

	starting = NULL;
	resumed(j);
	sh_exec(st, j->node, &j->io);
	if (test_wide(st->stop)) {
		/* not run, unsupported, a usage error: the whole test stops */
		struct sh_state *m = main_job->st;

		if (!test_wide(m->stop)) {
			m->stop = st->stop;
			memcpy(m->reason, st->reason, sizeof(m->reason));
		}
		j->status = 1;
	} else if (st->stop == STOP_EXIT) {
		j->status = st->exit_status;
	} else {
		j->status = st->status;
	}
	j->state = JOB_DONE;
	js->zombies = true;
	/* the subshell's own state goes; the shared parts stay */
	g_hash_table_destroy(st->vars);
	g_hash_table_destroy(st->funcs);
	for (guint i = 0; i < st->frames->len; i++) {
		struct sh_frame *f = g_ptr_array_index(st->frames, i);

		g_ptr_array_free(f->args, TRUE);
		g_ptr_array_free(f->saved, TRUE);
		g_free(f);
	}
	g_ptr_array_free(st->frames, TRUE);
	st->vars = NULL;
	st->funcs = NULL;
	st->frames = NULL;
	/* read now: a parent reaped while this job ran has left it to the script */
	p = j->parent;
	if (p->state == JOB_WAITING && (p->wait_pid == j->pid || (!p->wait_pid && children_done(js, p, 0)))) {
		p->state = JOB_RUNNABLE;
		if (p->clock < j->clock)
			p->clock = j->clock;
	}
	switch_to(js, j, pick(js), true);
	g_error("fstests jobs: a finished job was resumed");
}

static struct sh_jobs *jobs_of(struct sh_state *st)
{
	struct sh_jobs *js;
	struct sh_job *m;

	if (st->jobs)
		return st->jobs;
	js = g_new0(struct sh_jobs, 1);
	js->all = g_ptr_array_new();
	js->reaped = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	if (st->seed)
		js->jitter = g_rand_new_with_seed((guint32)(st->seed ^ (st->seed >> 32)));
	m = g_new0(struct sh_job, 1);
	m->st = st;
	m->pid = SH_PID;
	m->stack = fiber_stack_main();
	g_ptr_array_add(js->all, m);
	js->cur = m;
	st->jobs = js;
	st->job = m;
	return js;
}

/* The GString @g is the test's output or a file the shell keeps. */
static gboolean find_value(gpointer k, gpointer v, gpointer data)
{
	GString **g = data;

	(void)k;
	if (v == *g) {
		*g = NULL;
		return TRUE;
	}
	return FALSE;
}

static bool durable(struct sh_state *st, GString *g)
{
	if (!g || g == st->out_top)
		return true;
	g_tree_foreach(st->files, find_value, &g);
	return g == NULL;
}

int sh_jobs_spawn(struct sh_state *st, struct sh_node *n, struct sh_io *io)
{
	struct sh_jobs *js;
	struct sh_job *j, *self;
	struct sh_state *c;
	GHashTableIter it;
	gpointer k, v;
	char pid[16];

	if (!durable(st, io->fd1) || !durable(st, io->fd2))
		return sh_unsupported(st, "a background job inside a pipe or $( )");
	js = jobs_of(st);
	self = st->job;
	j = g_new0(struct sh_job, 1);
	j->id = ++js->next_id;
	j->pid = FIRST_PID + j->id;
	j->node = n;
	/* a background job of a non-interactive shell reads /dev/null */
	j->io = (struct sh_io){ io->fd1, io->fd2, NULL };
	j->parent = self;
	j->clock = self->clock + 1000;	/* the fork */
	j->state = JOB_RUNNABLE;
	c = g_new0(struct sh_state, 1);
	*c = *st;
	c->vars = sh_vars_copy(st->vars);
	c->funcs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_hash_table_iter_init(&it, st->funcs);
	while (g_hash_table_iter_next(&it, &k, &v))
		g_hash_table_insert(c->funcs, g_strdup(k), v);
	c->frames = g_ptr_array_new();
	for (guint i = 0; i < st->frames->len; i++) {
		struct sh_frame *f = g_ptr_array_index(st->frames, i), *g = g_new0(struct sh_frame, 1);

		g->args = g_ptr_array_new_with_free_func(g_free);
		g->saved = g_ptr_array_new_with_free_func(g_free);
		for (guint a = 0; a < f->args->len; a++)
			g_ptr_array_add(g->args, g_strdup(g_ptr_array_index(f->args, a)));
		g_ptr_array_add(c->frames, g);
	}
	c->stop = STOP_NONE;
	c->loop_depth = 0;
	c->break_n = 0;
	c->job = j;
	j->st = c;
	j->stack = fiber_stack_new_sized(job_entry, JOB_STACK_SIZE);
	g_ptr_array_add(js->all, j);
	snprintf(pid, sizeof(pid), "%d", j->pid);
	sh_setvar(st, "!", pid);
	st->status = 0;
	return 0;
}

/* The bash builtins: no process to start. */
static bool shell_builtin(const char *name)
{
	static const char *const names[] = {
		":", "true", "false", "echo", "printf", "test", "[", "read", "local", "export",
		"shift", "set", "unset", "return", "exit", "break", "continue", "cd", "wait",
		"kill", "eval", ".", "source", "trap", "type", "command", "let", "declare", "pwd",
		"umask", "ulimit",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* `sleep N[smhd]...` in microseconds (0 when it does not parse: sleep fails). */
static uint64_t sleep_us(int argc, char **argv)
{
	double total = 0;

	for (int i = 1; i < argc; i++) {
		char *end;
		double v = g_ascii_strtod(argv[i], &end);

		if (end == argv[i] || v < 0)
			return 0;
		if (*end == 'm')
			v *= 60;
		else if (*end == 'h')
			v *= 3600;
		else if (*end == 'd')
			v *= 86400;
		total += v;
	}
	return total > 1e9 ? (uint64_t)1e15 : (uint64_t)(total * 1e6);
}

void sh_jobs_tick(struct sh_state *st, int argc, char **argv, uint64_t text_bytes)
{
	struct sh_jobs *js = st->jobs;
	struct sh_job *j;
	uint64_t cost;

	if (!argc || g_hash_table_contains(st->funcs, argv[0]))
		cost = 0;	/* a function: its commands cost */
	else if (shell_builtin(argv[0]))
		cost = 1;
	else
		cost = 1000;
	cost += text_bytes / 100;
	if (argc && !strcmp(argv[0], "sleep"))
		cost += sleep_us(argc, argv);
	/* the simulated wall clock (file timestamps) moves by the exact cost */
	fst_session_advance_clock(st->sim, cost);
	if (!js)
		return;		/* no `&` yet: nothing to interleave */
	j = st->job;
	if (js->jitter && cost)
		cost = (uint64_t)((double)cost * g_rand_double_range(js->jitter, 0.5, 1.5));
	j->clock += cost;
	switch_to(js, j, pick(js), false);
	resumed(j);
}

static struct sh_job *job_by_pid(struct sh_jobs *js, int pid)
{
	for (guint i = 1; js && i < js->all->len; i++) {
		struct sh_job *j = g_ptr_array_index(js->all, i);

		if (j->pid == pid)
			return j;
	}
	return NULL;
}

/* Sleep in `wait` until the children (or the one with @pid) are done. */
static void wait_for(struct sh_state *st, int pid)
{
	struct sh_jobs *js = st->jobs;
	struct sh_job *j = st->job;

	while (!children_done(js, j, pid) && st->stop == STOP_NONE) {
		j->state = JOB_WAITING;
		j->wait_pid = pid;
		switch_to(js, j, pick(js), false);
		j->state = JOB_RUNNABLE;
		resumed(j);
	}
}

/* `wait [PID...]` */
int sh_jobs_wait(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	struct sh_jobs *js = st->jobs;
	int ret = 0;

	if (argc > 1 && argv[1][0] == '-')
		return sh_unsupported(st, "wait with options");
	if (argc == 1) {
		if (js)
			wait_for(st, 0);
		for (guint i = 1; js && i < js->all->len; i++) {
			struct sh_job *c = g_ptr_array_index(js->all, i);

			if (c->parent == st->job && c->state == JOB_DONE) {
				c->reaped = true;
				js->zombies = true;
			}
		}
		if (js && js->zombies) {
			js->zombies = false;
			release(js);
		}
		return st->stop == STOP_NONE ? 0 : -1;
	}
	for (int i = 1; i < argc && st->stop == STOP_NONE; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);
		struct sh_job *c = *end || end == argv[i] ? NULL : job_by_pid(js, (int)pid);
		struct reaped *r = NULL;

		if (*end || end == argv[i]) {
			sh_err(io, "%s: line %d: wait: `%s': not a pid or valid job spec\n", st->file,
			       st->cmd_line, argv[i]);
			ret = 1;
			continue;
		}
		if (c ? c->parent == st->job && c->reaped : js && (r = g_hash_table_lookup(js->reaped,
									       GINT_TO_POINTER((int)pid))) &&
							   r->parent == st->job->id) {
			ret = c ? c->status : r->status;	/* waited for before */
			continue;
		}
		if (!c || c->parent != st->job) {
			sh_err(io, "%s: line %d: wait: pid %ld is not a child of this shell\n", st->file,
			       st->cmd_line, pid);
			ret = 127;
			continue;
		}
		wait_for(st, c->pid);
		c->reaped = true;
		ret = c->status;
		js->zombies = true;
	}
	return st->stop == STOP_NONE ? ret : -1;
}

static int signal_number(const char *name)
{
	static const struct {
		const char	*name;
		int		nr;
	} sigs[] = {
		{ "HUP", 1 }, { "INT", 2 }, { "QUIT", 3 }, { "KILL", 9 }, { "USR1", 10 },
		{ "USR2", 12 }, { "PIPE", 13 }, { "ALRM", 14 }, { "TERM", 15 },
	};
	char *end;
	long nr = strtol(name, &end, 10);

	if (!*end && end != name)
		return nr >= 0 && nr <= 64 ? (int)nr : -1;
	if (!strncmp(name, "SIG", 3))
		name += 3;
	for (size_t i = 0; i < G_N_ELEMENTS(sigs); i++)
		if (!strcmp(sigs[i].name, name))
			return sigs[i].nr;
	return -1;
}

/* `kill [-s SIG | -SIG | -n NR] PID...` */
int sh_jobs_kill(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	int sig = 15, i = 1, ret = 0;
	const char *spec = NULL;	/* the signal as given, for the error */

	if (i < argc && (!strcmp(argv[i], "-s") || !strcmp(argv[i], "-n"))) {
		if (i + 1 == argc) {
			sh_err(io, "%s: line %d: kill: %s: option requires an argument\n", st->file, st->cmd_line,
			       argv[i]);
			return 1;
		}
		spec = argv[i + 1];
		sig = signal_number(spec);
		i += 2;
	} else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--")) {
		if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "-L"))
			return sh_unsupported(st, "kill -l");
		spec = argv[i] + 1;
		sig = signal_number(spec);
		i++;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (sig < 0) {
		sh_err(io, "%s: line %d: kill: %s: invalid signal specification\n", st->file,
		       st->cmd_line, spec);
		return 1;
	}
	if (i == argc) {
		sh_err(io, "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n");
		return 2;
	}
	for (; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);
		struct sh_job *c = *end || end == argv[i] ? NULL : job_by_pid(st->jobs, (int)pid);

		if (!*argv[i]) {
			sh_err(io, "%s: line %d: kill: `': not a pid or valid job spec\n", st->file, st->cmd_line);
			ret = 1;
			continue;
		}
		if (*end || end == argv[i]) {
			sh_err(io, "%s: line %d: kill: %s: arguments must be process or job IDs\n",
			       st->file, st->cmd_line, argv[i]);
			ret = 1;
			continue;
		}
		if (pid == SH_PID || (c && c == st->job))
			return sh_unsupported(st, "a signal to the test's own shell");
		if (!c || c->state == JOB_DONE) {
			sh_err(io, "%s: line %d: kill: (%ld) - No such process\n", st->file, st->cmd_line, pid);
			ret = 1;
			continue;
		}
		if (!sig)
			continue;	/* it exists */
		/* it dies at its next command boundary, or in its wait */
		if (!c->sig)
			c->sig = sig;
		if (c->state == JOB_WAITING)
			c->state = JOB_RUNNABLE;
		c->clock = st->job->clock;	/* a sleep it is in ends now */
	}
	return ret;
}

/* The script has ended: every job still running is killed, and all are freed. */
void sh_jobs_end(struct sh_state *st)
{
	struct sh_jobs *js = st->jobs;
	struct sh_job *m;

	if (!js)
		return;
	m = g_ptr_array_index(js->all, 0);
	js->ending = true;
	/* the dying run first (they only unwind); the script is last */
	m->clock = UINT64_MAX;
	for (guint i = 1; i < js->all->len; i++) {
		struct sh_job *j = g_ptr_array_index(js->all, i);

		if (j->state == JOB_WAITING)
			j->state = JOB_RUNNABLE;
	}
	for (;;) {
		struct sh_job *live = NULL;

		for (guint i = 1; i < js->all->len && !live; i++) {
			struct sh_job *j = g_ptr_array_index(js->all, i);

			if (j->state != JOB_DONE)
				live = j;
		}
		if (!live)
			break;
		switch_to(js, m, live, false);
	}
	m->state = JOB_RUNNABLE;
	for (guint i = 0; i < js->all->len; i++) {
		struct sh_job *j = g_ptr_array_index(js->all, i);

		fiber_stack_free(j->stack);
		if (j->id)
			g_free(j->st);
		g_free(j);
	}
	g_ptr_array_free(js->all, TRUE);
	g_hash_table_destroy(js->reaped);
	if (js->jitter)
		g_rand_free(js->jitter);
	g_free(js);
	st->jobs = NULL;
	st->job = NULL;
}
