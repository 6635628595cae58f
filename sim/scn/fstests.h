/* SPDX-License-Identifier: MIT */
/*
 * `daxsim fstests`: run fstests test scripts (tests/generic/578 and the
 * like) unmodified against the simulator and compare what they print with
 * their golden .out, as fstests' ./check does.
 *
 *   fstests_run.c      the subcommand: options, per-test verdicts, summary
 *   fstests_session.c  one simulated machine per test, driven line by line
 *                      through the scenario command table
 *   fstests_parse.c    the POSIX-shell subset fstests tests are written in
 *   fstests_exec.c     its interpreter: expansion, globs, pipes, redirects, flow
 *   fstests_jobs.c     background jobs (`&`, wait, kill) on a virtual clock
 *   fstests_arith.c    $(( )) arithmetic
 *   fstests_builtins.c the shell utilities the tests call (echo, test, seq,
 *                      cmp, od, grep, cut, tee, mkdir, rm, ...)
 *   fstests_text.c     the text utilities (grep, cut, head, tail, wc, sed, od)
 *   fstests_sim.c      the bridge to the simulator: a scenario line, xfs_io
 *   fstests_helpers.c  the fstests common/ helpers, mapped to scenario lines
 *   fstests_filters.c  fstests' output filters
 *   fstests_weave.c    common/reflink's weave helpers, as plans of those
 *   fstests_programs.c fstests' src/ programs (and filefrag)
 *   fstests_diff.c     the unified diff of a mismatch
 */
#ifndef DAXSIM_FSTESTS_H
#define DAXSIM_FSTESTS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

int daxsim_fstests(int argc, char **argv);
/* daxsim export: a scenario as an fstests test and its .out (export.c). */
int daxsim_export(int argc, char **argv);
/*
 * Run the test script @path against @path.out (results under @results):
 * what it printed is appended to @output; 0 passed, 1 failed, 3 not run,
 * 2 a usage error; @why says why not passed.
 */
int fst_run_test(const char *path, const char *model, const char *results, GString *output,
		 char *why, size_t whylen);

/* The simulated machine of one test (fstests_session.c) ------------------ */

/* Bytes of the implicit pmem device: sparse, free until touched. */
#define FST_PMEM_SIZE	"16g"

struct fst_session;

struct fst_session *fst_session_new(const char *file, const char *model, uint64_t seed,
				    char *err, size_t errlen);
/* The same on a pmem device of @bytes (0: FST_PMEM_SIZE): _scratch_mkfs_sized. */
struct fst_session *fst_session_new_sized(const char *file, const char *model, uint64_t seed,
					  uint64_t bytes, char *err, size_t errlen);
/* Put @text before the kernel log (what an earlier machine of the test logged). */
void fst_session_log(struct fst_session *s, const char *text);
/*
 * Run one scenario command (argv[0] is its name) as script line @lineno.
 * Its report goes to @out.  @task: a transient process (NULL: none, or
 * the `xfs_io` command's own).  Returns 0; 1 after an invariant report;
 * -2 when the simulator refuses the line (message in @err).
 */
struct io_task;
int fst_session_exec(struct fst_session *s, int lineno, struct io_task *task,
		     int argc, char **argv, GString *out, char *err, size_t errlen);
struct io_task *fst_session_task(struct fst_session *s, const char *name);
void fst_session_task_end(struct fst_session *s, struct io_task *t);
/* The inode number of a simulated file, or 0. */
uint64_t fst_session_file_ino(struct fst_session *s, const char *path);
/* The size of a simulated file, or -1 when it does not exist. */
int64_t fst_session_file_size(struct fst_session *s, const char *path);
/* The filesystem's data blocks and free blocks (statfs); false before mkfs. */
/* The simulated directory at @path, made on demand (it carries inheritable hints). */
struct xfs_inode *fst_session_dir(struct fst_session *s, const char *path);
void fst_session_rmdir(struct fst_session *s, const char *path);
/* mkdir: a new directory inherits its parent's inheritable hints */
/*
 * Are the @len bytes at @off of simulated file @path all one value (in
 * the reference model: what the file holds)?  *@byte is that value.
 */
bool fst_session_file_uniform(struct fst_session *s, const char *path, uint64_t off,
			       uint64_t len, unsigned char *byte);
/* rename(2) of a simulated file: 0 or -errno */
int fst_session_rename(struct fst_session *s, const char *from, const char *to);
void fst_session_mkdir(struct fst_session *s, const char *path);
struct xfs_inode *fst_session_inode(struct fst_session *s, const char *path);
/* Defer the invariant checks of many small commands to the batch's end. */
void fst_session_batch(struct fst_session *s, bool on, int lineno, const char *what);
/* The mount's dax option: "dax=always", "dax=inode" or "dax=never". */
const char *fst_session_dax_mode(struct fst_session *s);
/* The simulated wall clock moves on by @us microseconds. */
void fst_session_advance_clock(struct fst_session *s, uint64_t us);
bool fst_session_statfs(struct fst_session *s, uint64_t *blocks, uint64_t *bfree);
/* Names of the simulated files under @dir ("dir/..."), sorted. */
GPtrArray *fst_session_files_under(struct fst_session *s, const char *dir);
/* The kernel log. */
const char *fst_session_dmesg(struct fst_session *s);
/* Ends the run (final sweep, unmount); 0 or 1 when an invariant failed. */
int fst_session_free(struct fst_session *s, GString *out);
/* Whether an invariant or expectation failed so far. */
bool fst_session_failed(struct fst_session *s);

/* The shell (fstests_parse.c, fstests_exec.c) ----------------------------- */

enum sh_kind {
	SH_SIMPLE, SH_PIPE, SH_AND, SH_OR, SH_NOT, SH_LIST, SH_BG,
	SH_IF, SH_FOR, SH_WHILE, SH_UNTIL, SH_GROUP, SH_SUBSHELL, SH_FUNC,
	SH_ARITH,	/* (( EXPR )): name is EXPR */
	SH_COND,	/* [[ EXPR ]]: words are its words and operators */
	SH_CFOR,	/* for (( INIT; COND; STEP )): words are the three */
	SH_CASE,	/* case WORD in ...: words[0] WORD, kids the items */
	SH_CASE_ITEM,	/* PATTERN|...) LIST ;;: words the patterns, a the list */
};

struct sh_word {
	char	*text;		/* raw, quotes and all */
	int	line, col;
};

/* R_HERE: a here-document, target.text its body (the lines up to the delimiter). */
enum sh_redir_kind { R_OUT, R_APPEND, R_IN, R_DUP, R_HERE };

struct sh_redir {
	int			fd;
	enum sh_redir_kind	kind;
	struct sh_word		target;	/* R_DUP: the fd number as text */
	bool			here_quoted;	/* <<'EOF', <<"EOF", <<\EOF: no expansion */
};

struct sh_node {
	enum sh_kind	kind;
	int		line, col;
	GPtrArray	*words;		/* SH_SIMPLE: struct sh_word *; SH_FOR: the list */
	GPtrArray	*redirs;	/* struct sh_redir * */
	GPtrArray	*kids;		/* SH_LIST, SH_PIPE: struct sh_node * */
	struct sh_node	*a, *b, *c;	/* and/or/not/if/while/for/func/group parts */
	char		*name;		/* SH_FOR variable, SH_FUNC name */
	bool		has_in;		/* SH_FOR: "in WORDS" given */
	bool		root;		/* a script's (or $( )'s) outermost list */
};

/* A script's parse: a usage error (exit 2) or an unsupported construct. */
struct sh_error {
	bool	unsupported;
	int	line, col;
	char	msg[512];
};

struct sh_node *sh_parse(const char *text, int first_line, struct sh_error *err);
void sh_node_free(struct sh_node *n);
/* The text of line @line of @src (for "unsupported: FILE:LINE: TEXT"). */
char *sh_source_line(const char *src, int line);

/* $(( )): 0 or -1 with a message in @err. */
struct sh_state;
int sh_arith(struct sh_state *st, const char *expr, long long *val, char *err, size_t errlen);

/* $$ of every test: a fixed pid, so output stays reproducible. */
#define SH_PID		4242
#define SH_PID_STR	"4242"

/* One test's interpreter state. */
/*
 * Why the interpreter is unwinding.  STOP_ABORT is bash's reaction to an
 * expansion error ($(( 1 / 0 ))): the message, then the rest of the
 * top-level command is skipped and the script goes on with $? = 1.
 */
enum sh_stop { STOP_NONE, STOP_EXIT, STOP_RETURN, STOP_BREAK, STOP_CONTINUE, STOP_ABORT,
	       STOP_NOTRUN, STOP_UNSUPPORTED, STOP_USAGE, STOP_FAIL };

/* A command's stdin: a pipe's text or a file's, read from pos on. */
struct sh_input {
	const char	*data;
	gsize		len, pos;
};

struct sh_io {
	GString		*fd1, *fd2;	/* NULL: /dev/null */
	struct sh_input	*in;		/* NULL: empty */
};

/* What is left of stdin (all of it is consumed). */
const char *sh_stdin_take(struct sh_io *io, gsize *len);
/* The next line of stdin without its newline; false at the end. */
bool sh_stdin_line(struct sh_io *io, GString *line);

struct sh_frame {
	GPtrArray	*args;		/* $1... (char *) */
	GPtrArray	*saved;		/* locals: "name" then old value or NULL */
};

struct sh_state {
	const char		*file;		/* the test script, for messages */
	const char		*src;		/* its text */
	struct fst_session	*sim;
	GHashTable		*vars;		/* lookups only, never iterated */
	GHashTable		*funcs;		/* name -> struct sh_node * (lookups only) */
	GTree			*files;		/* path -> GString: files the shell wrote */
	GTree			*dirs;		/* directories made by mkdir */
	GPtrArray		*frames;	/* struct sh_frame * */
	GPtrArray		*parsed;	/* $( ) parses kept until the end */
	int			status;		/* $? */
	enum sh_stop		stop;
	int			exit_status;
	int			loop_depth, break_n;
	int			line;		/* the line running now */
	int			bg_line;
	char			reason[600];	/* notrun / unsupported / usage text */
	bool			begun;		/* _begin_fstest ran */
	bool			sim_failed;	/* an invariant report came */
	int			cmd_line;	/* line of the command being run */
	int			cmd_col;
	GString			*err_now;	/* stderr of the command being expanded */
	GString			*out_top;	/* the test's output: invariant reports */
	bool			keep_going;
	int			subst_depth;	/* $( ) inside $( ) */
	bool			subst_ran;	/* a $( ) ran while expanding this command */
	int			subst_status;	/* ... and its exit status */
	uint64_t		seed;		/* --seed: the jobs' cost jitter */
	const char		*model;		/* --model, for a machine made anew */
	struct sh_jobs		*jobs;		/* background jobs (NULL: no `&` yet) */
	struct sh_job		*job;		/* the job this state runs */
	char			*linked_out;	/* _link_out_file's golden output, or NULL */
};

int sh_exec(struct sh_state *st, struct sh_node *n, struct sh_io *io);
const char *sh_getvar(struct sh_state *st, const char *name);
void sh_setvar(struct sh_state *st, const char *name, const char *val);
/* A subshell's copy of the variables. */
GHashTable *sh_vars_copy(GHashTable *from);
/* Stop the test: not run (STOP_NOTRUN) / unsupported / usage error. */
int sh_stop(struct sh_state *st, enum sh_stop how, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* unsupported: FILE:LINE: TEXT of the running command's line. */
int sh_unsupported(struct sh_state *st, const char *why);
/* bash's expansion error: the message on stderr, then STOP_ABORT. */
int sh_abort(struct sh_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Run a parsed script text (a function body, $( )) capturing stdout. */
int sh_run_capture(struct sh_state *st, const char *text, int line, GString *out, GString *err);

/* Write to stdout / stderr of a command. */
void sh_out(struct sh_io *io, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sh_err(struct sh_io *io, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Background jobs (fstests_jobs.c) ---------------------------------------- */
struct sh_jobs;
struct sh_job;
/* `N &`: start @n as a job (a subshell) and go on; $! is its pid. */
int sh_jobs_spawn(struct sh_state *st, struct sh_node *n, struct sh_io *io);
/* After a command: its cost on the job's clock, then the earliest job runs. */
void sh_jobs_tick(struct sh_state *st, int argc, char **argv, uint64_t text_bytes);
/* The builtins `wait` and `kill`. */
int sh_jobs_wait(struct sh_state *st, int argc, char **argv, struct sh_io *io);
int sh_jobs_kill(struct sh_state *st, int argc, char **argv, struct sh_io *io);
/* The end of the test: the jobs left are killed, and all are freed. */
void sh_jobs_end(struct sh_state *st);

/* Commands ---------------------------------------------------------------- */
typedef int (*sh_cmd_fn)(struct sh_state *st, int argc, char **argv, struct sh_io *io);

/* Shell utilities (fstests_builtins.c) and fstests helpers (fstests_helpers.c). */
sh_cmd_fn sh_builtin_lookup(const char *name);
sh_cmd_fn fst_helper_lookup(const char *name);
/* common/reflink's _weave_* and _sweave_* helpers (fstests_weave.c). */
sh_cmd_fn fst_weave_lookup(const char *name);
/* A program of fstests' src/ this simulator provides ("mmap-write-concurrent"). */
sh_cmd_fn fst_src_lookup(const char *name);
/* The dax group's mmap programs (fstests_programs_dax.c), or NULL. */
sh_cmd_fn fst_src_dax_lookup(const char *name);

/* The keys of @t (a GTree of paths) that start with @prefix, copied onto @out. */
void fst_keys_with_prefix(GTree *t, const char *prefix, GPtrArray *out);

/* The simulated file system's view for the utilities. */
bool fst_path_in_sim(struct sh_state *st, const char *path);
bool fst_is_dir(struct sh_state *st, const char *path);
/* The directory @path would be in exists (always, outside the simulated filesystems). */
bool fst_parent_exists(struct sh_state *st, const char *path);
/* A file's bytes (simulated, or written by the shell): 0 or an errno. */
int fst_read_file(struct sh_state *st, const char *path, GByteArray *buf);
/* Run a scenario command line (argv) in the simulator; output to @io's
 * stdout, xfs_io's error lines to its stderr.  Returns 0 or an stop. */
int fst_sim(struct sh_state *st, struct sh_io *io, struct io_task *task, int argc, char **argv);
/* `xfs_io ARGS...` as the real one prints it (with the timing line). */
int fst_xfs_io(struct sh_state *st, int argc, char **argv, struct sh_io *io);
/* `xfs_io [ARGS (split at blanks)] -f -c CMD FILE` */
int fst_xfs_io_cmd(struct sh_state *st, struct sh_io *io, const char *args, const char *cmd,
		   const char *file);
/* Stdin or the named files' text (fstests_builtins.c): 0, 1 (reported) or -1. */
int fst_input_text(struct sh_state *st, int argc, char **argv, struct sh_io *io,
		   const char *cmd, GString *text);
/* The filters (fstests_filters.c), the text utilities (fstests_text.c). */
sh_cmd_fn fst_filter_lookup(const char *name);
sh_cmd_fn fst_text_lookup(const char *name);
/* filefrag -v, from the simulator's fiemap (fstests_programs.c). */
int fst_filefrag(struct sh_state *st, int argc, char **argv, struct sh_io *io);

/* The unified diff of two texts (fstests_diff.c), "" when equal. */
GString *fst_unified_diff(const char *a, const char *b, const char *aname, const char *bname);

#endif
