/* SPDX-License-Identifier: MIT */
/*
 * The scenario language: lexing (POSIX-shell words, variables, $(( )),
 * xfs_io's cvtnum numbers), the command table, and the interpreter.
 */
#ifndef DAXSIM_SCN_H
#define DAXSIM_SCN_H

#include <glib.h>
#include <stdarg.h>
#include <stdio.h>

#include "mm.h"

struct scn_line {
	int		lineno;
	char		*task;		/* @NAME, or NULL for main */
	int		task_col;
	int		argc;
	char		**argv;
	int		*cols;		/* 1-based column of each word */
	bool		background;	/* ended in `&` */
	int		bg_col;		/* the `&`'s column */
};

struct scn {
	char		*file;		/* name for messages */
	GPtrArray	*lines;		/* struct scn_line * */
	GHashTable	*vars;		/* lookups only, never iterated */
};

/* A usage error: "FILE:LINE:COL: message" then exit 2. */
struct scn_error {
	int	line, col;
	char	msg[256];
};

int scn_parse(const char *name, const char *text, struct scn **out, struct scn_error *err);
void scn_free(struct scn *s);

/*
 * Hostile input (docs/testing.md, "hostile input"): what one scenario may
 * be.  Each cap is a usage error naming FILE:LINE:COL, checked before the
 * memory is spent.
 */
#define SCN_MAX_BYTES		(16U << 20)	/* scenario text */
#define SCN_MAX_LINE		(64U << 10)	/* one logical line (continuations joined) */
#define SCN_MAX_WORDS		1024		/* words on one line */
#define SCN_MAX_VAR		(64U << 10)	/* one variable's value */
#define SCN_MAX_EXPANDED	(1U << 20)	/* one line's words after expansion */
#define SCN_MAX_TOTAL		(64U << 20)	/* the parsed scenario: words + 48 B each, 160 B a line */
#define SCN_MAX_NEST		256		/* $(( )) and parentheses inside it */

/*
 * scn_parse for text of known length: a NUL byte is an error naming its
 * line and column (scn_parse stops at the first NUL by construction).
 */
int scn_parse_len(const char *name, const char *text, size_t len, struct scn **out,
		  struct scn_error *err);

/*
 * Read scenario @path ('-' is stdin) reading at most SCN_MAX_BYTES + 1
 * bytes (so /dev/zero ends); *len is what was read.  NULL with @why set
 * (an errno string) when it cannot be read.
 */
gchar *scn_read_file(const char *path, size_t *len, const char **why);

/*
 * @s[0..len) made safe for a terminal or a log: C0 controls other than the
 * bytes in @keep, DEL, C1 controls and bytes that are not UTF-8 become
 * \xNN; everything else (printable ASCII, valid UTF-8) is copied.
 */
void scn_escape_append(GString *g, const char *s, size_t len, const char *keep);
/* The same for a NUL-terminated name; g_free the result. */
gchar *scn_escape(const char *s);
/* vsnprintf into @dst[@n], escaped, truncated at a character with "..." */
void scn_format_msg(char *dst, size_t n, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* xfs_io's cvtnum: 0 on success. */
int cvtnum(const char *s, long long *val);

/* The command table ---------------------------------------------------- */
struct cmdctx;
typedef int (*cmdfunc_t)(struct cmdctx *c);

#define CMD_FILE	(1U << 0)	/* needs an open file */
#define CMD_MAP		(1U << 1)	/* needs a current mapping */
#define CMD_FS		(1U << 2)	/* needs the filesystem */
#define CMD_SIM		(1U << 3)	/* a simulator command */
#define CMD_NOTASK	(1U << 4)	/* does not run in a task */
#define CMD_RAWARGS	(1U << 5)	/* no options: words may start with '-' (chattr -x) */
#define CMD_TABLES	(1U << 6)	/* takes from the task's file table or maptable */

struct cmdinfo {
	const char	*name;
	const char	*altname;
	cmdfunc_t	cfunc;
	int		argmin, argmax;	/* positional arguments */
	const char	*opts;		/* getopt string */
	const char	*numopts;	/* options whose argument is a number */
	const char	*argkinds;	/* per positional: n number, s string */
	unsigned int	flags;
	const char	*args;
	const char	*oneline;
};

/* positional words per command; md5sum/echo/rm take up to this many */
#define MAX_POS 256

struct cmdctx {
	struct scn		*scn;
	struct scn_line		*ln;
	const struct cmdinfo	*ci;
	struct task_struct	*t;		/* the task it runs in, or NULL */
	struct io_task		*io;		/* that task's xfs_io state */
	struct lock_ctx		*kctx;		/* no task: its kernel context (NULL: kworker) */
	int			word0;		/* index of the command word */
	bool			opt[128];
	const char		*optarg[128];
	long long		optnum[128];
	int			optcol[128];	/* column of each option's argument */
	int			npos;
	const char		*pos[MAX_POS];
	long long		posnum[MAX_POS];
	int			poscol[MAX_POS];
	struct scn_error	*err;
};

const struct cmdinfo *cmd_lookup(const char *name);
const struct cmdinfo *cmd_table(int *n);
/* Parse options and positionals of words [first, argc) for @ci. */
int cmd_parse_args(struct cmdctx *c, const struct cmdinfo *ci, struct scn_line *ln,
		   int first);
int cmd_usage_error(struct cmdctx *c, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Interpreter options and entry */
enum check_mode { CHECK_INCREMENTAL, CHECK_FULL, CHECK_OFF };

struct run_opts {
	const char	*model;		/* NULL: scenario's or default */
	uint64_t	seed;
	enum check_mode	check;
	bool		keep_going;
	bool		stop_on_failure;
	/*
	 * daxsim run: runtime trouble (an errno a command reported, a task
	 * killed) no `expect` on the next line accounts for is also reported on
	 * stderr as FILE:LINE: ...; strict: and the run exits 1.
	 */
	bool		report_trouble;
	bool		strict;
	FILE		*trace;
	struct run_result *result;	/* optional: filled for `compare` */
	int		inject;	/* test-only: enum inject_tag (0: DAXSIM_INJECT's) */
	uint64_t	io_limit;	/* bytes one command may move; 0: IO_LIMIT_DEFAULT */
	/* the scheduler (Concurrency v2): a schedule to replay, explore's hooks */
	const char	*schedule;
	int		sched_policy;		/* enum sched_policy */
	int		pct_depth;
	const int	*sched_prefix;
	int		sched_nprefix;
	void		(*sched_log)(int decision, int chosen, int current, int nrunnable,
				     const int *runnable, void *arg);
	void		*sched_log_arg;
	bool		force_scheduler;	/* explore: even without `&` */
	/*
	 * In-process fuzzing: no scheduler (`LINE &` runs in the foreground,
	 * `wait` has nothing to wait for), since a deadlocked run ends the
	 * process.  The concurrency is explored by `daxsim explore` and by
	 * fuzz_sched, for which a deadlock is a crash (sched_abort).
	 */
	bool		no_scheduler;
	int		sched_fd;		/* > 0: the run's schedule is written here */
	/* fuzz_sched: the scheduler's choices as bytes, and abort() where a run would end */
	const uint8_t	*sched_choices;
	size_t		sched_nchoices;
	bool		sched_abort;
	int		files_after;		/* daxsim run FILE...: files still to run after this one */
	bool		validated;		/* scn_validate() passed already: explore's runs */
	uint64_t	io_total_limit;	/* bytes the whole run may move; 0: no limit (fuzzers set it) */
	/*
	 * The caller throws the output away (fuzz_ops): md5sum reads its file
	 * and checks every byte against the reference model (D1) as always,
	 * but computes no digest, which nothing would compare.
	 */
	bool		discard_output;
};

/*
 * The device a scenario gets when no `pmem` line comes before its first
 * filesystem command: large enough for the fstests workloads (generic/162,
 * 164, 165 write hundreds of MiB), sparse, so it costs nothing until touched.
 */
#define PMEM_DEFAULT_SIZE	(8ULL << 30)

/* What one command may read, write or checksum (a sparse file can claim
 * exabytes); more is a usage error naming the word, not an endless loop. */
#define IO_LIMIT_DEFAULT	(1ULL << 30)

/* Runs one scenario; returns the exit status (0, 1, 2, 3). */
int scn_run(struct scn *s, const struct run_opts *opts, FILE *out);

#endif
