/* SPDX-License-Identifier: MIT */
/* Interpreter internals shared by the command files. */
#ifndef DAXSIM_INTERP_H
#define DAXSIM_INTERP_H

#include "checker.h"
#include "dev_dax.h"
#include "io_task.h"
#include "refmodel.h"
#include "scn.h"
#include "share.h"
#include "share_registry.h"
#include "sim.h"
#include "xfs_mount.h"

struct interp {
	struct scn		*scn;
	GPtrArray		*trouble;	/* "LINENO\tmessage" not yet reported */
	struct refmodel		*ref;		/* what every read must return (D1) */
	const struct run_opts	*opts;
	FILE			*out;
	int			status;		/* 0, or 1 after a failed expectation */
	uint64_t		signals_seen;	/* sim->signals_sent at the last kill scan */
	uint64_t		io_moved;	/* what io_budget() granted so far */
	char			model[32];
	struct xfs_mkfs_opts	mkfs;
	bool			have_mkfs;
	const char		*last_violation;	/* for `expect violation` */
	char			last_violation_buf[32];
	bool			violation_expected_pending;
	bool			force_full;	/* `check`: the next check is full */
	GTree			*touched;	/* inodes a command touched (ino set) */
	GTree			*io_tasks;	/* task name -> struct io_task */
	bool			conc;		/* the scheduler runs this scenario (conc.c) */
	int			inflight;	/* commands started and not finished */
	bool			keep_going;	/* `keep-going`: violations do not stop the run */
	/*
	 * conc.c: the line whose `expect violation` claims what the next check
	 * finds (the one after the latest line started), or -1: the line after
	 * the one checked.
	 */
	int			claim_next;
};

extern struct interp *I;

/* What one run did, for `daxsim compare` (run_opts.result). */
struct run_result {
	int			status;		/* the exit status */
	char			first_id[24];	/* first invariant violated, or "" */
	char			ids[96];	/* every invariant violated, ", "-joined */
	int			first_line;	/* its scenario line (0: at the end) */
	uint64_t		violations;
	uint64_t		d1_errors;	/* reads that differed from the reference */
	struct sim_stats	stats;
	struct share_stats	peak, end;	/* the design's holdings */
	/* the page cache: folios, shadows and the design's page-cache metadata (bytes) */
	uint64_t		pagecache_peak, pagecache_end;
	/* the usage error was run_opts.io_total_limit's: the input is too big, not wrong */
	bool			over_total_limit;
};

/* BUS_ADRERR, BUS_MCEERR_AR, ... as `expect killed` and the kill line spell them. */
const char *sicode_name(enum sim_sicode code);

/* Every invariant report goes through here (counts for `compare`). */
void interp_note_violation(const char *id);

/*
 * A command about to move @bytes through the data path: 0, or -2 after a
 * usage error at column @col when that is over the run's io limit.
 */
int io_budget(struct cmdctx *c, int col, uint64_t bytes);
/*
 * -v / -f dumps: at most DUMP_LIMIT bytes per command (each byte prints
 * about five characters: `mread -v 0 1g` would print 5 GB); else a usage
 * error naming the word.
 */
#define DUMP_LIMIT	(16ULL << 20)
int dump_budget(struct cmdctx *c, int col, uint64_t bytes);
/*
 * The range check every simulator command with OFF LEN words shares:
 * positionals @oi and @oi + 1 are cvtnum numbers >= 0 whose end OFF + LEN
 * is a file offset (at most 2^63 - 1, a loff_t).  0, or -2 after a usage
 * error naming the word.  (xfs_io commands get Linux's errnos instead.)
 */
int range_args(struct cmdctx *c, int oi, long long *off, long long *len);

/* Print to the scenario's stdout. */
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * xfs_io-style runtime error: "WHAT: strerror" (perror), sets the task's
 * errno.  io_error names the command; xfs_io names the failing call or
 * path where it does (`ftruncate:`, `PATH:`).
 */
int errno_report(struct cmdctx *c, const char *what, int err);
int io_error(struct cmdctx *c, int err);
void touch_inode(struct xfs_inode *ip);
/* xfs_io's lsattr [-v] of a file or a directory */
void io_lsattr(GString *o, struct xfs_inode *ip, const char *path, bool verbose);
/* xfs_io's extsize / cowextsize on a file or a directory: output to @o, the errno */
int io_hint_cmd(GString *o, struct xfs_inode *ip, const char *path, bool cow, bool set,
		uint32_t val);
/* mm_fault_hook while a scenario runs: the faulted inode is checked after the command. */
void interp_fault_hook(struct inode *inode);
/* Ensure pmem + fs exist (the implicit device and mkfs); usage error otherwise. */
int need_fs(struct cmdctx *c);
/*
 * Device DAX mode: 0 if the command needs no filesystem, else -2 after a
 * usage error naming it; devdax_path() refuses any path but /dev/dax0.0.
 */
int devdax_refuses(struct cmdctx *c);
int devdax_path(struct cmdctx *c, const char *path, int col);
/* The implicit device (PMEM_DEFAULT_SIZE): 0, or -2 after a usage error. */
int pmem_default(struct cmdctx *c);
struct file *cur_file(struct cmdctx *c);
struct vm_area_struct *cur_map(struct cmdctx *c);
const char *errno_name(int err);
int errno_from_name(const char *name);
/* Kill a task (signal already recorded on it): report, unmap, close. */
void task_kill(struct io_task *io, const char *cmd);
/* Every line's command, options and arguments, before a run: 0 or -2. */
int scn_validate(struct scn *s, struct scn_error *err);
/* Runtime trouble of the line running now (an errno, a kill): see run_opts. */
void interp_trouble(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Check what an expect line names (IDs, tasks, signals) before the run. */
int expect_validate(struct cmdctx *c, const struct scn *s, guint idx);
/* The exit status of the last `xfs_io` line's process: 0, 1 (a command
 * or the open failed, as xfs_io's exitcode), 128 + SIGNAL when killed. */
extern int xfs_io_exitcode;
/* Check the -c commands of an xfs_io line before the run: 0 or -2. */
int xfs_io_validate(struct cmdctx *c, struct scn_line *ln);
/* The xfs_io state of task @name, or NULL. */
struct io_task *io_task_find(const char *name);
/* @io's command completed (NULL: a new run): `expect ok|error` and `@T expect` judge it. */
void interp_note_task(struct io_task *io);
/* The outcome of a simulator command (no task) for `expect ok|error`. */
void interp_note_errno(int err);
/* What `expect ok|error` would judge now: the previous command's errno (0: none or success). */
int interp_last_errno(void);
/* A task with open files or mappings (remount/repair refuse), or NULL. */
struct io_task *task_holding_files(void);
void dump_buffer(uint64_t offset, const unsigned char *buf, uint64_t len);

/* The command table's rows, per file (cmds_*.c) */
extern const struct cmdinfo io_cmds[];
/* An xfs_io command (io_cmds, not a simulator one): GNU getopt argument order. */
bool cmd_uses_getopt(const struct cmdinfo *ci);
int do_daxstat(struct cmdctx *c);	/* cmds_stat.c */
int do_poison(struct cmdctx *c);	/* cmds_poison.c */
int do_repair(struct cmdctx *c);	/* cmds_poison.c */
int do_lockdep(struct cmdctx *c);	/* cmds_lockdep.c */
/* The run loop's steps (interp.c), shared with the concurrent loop (conc.c). */
struct io_task *get_task(const char *name, bool create);
bool interp_is_task_expect(const struct scn_line *ln);
int line_task(struct scn *s, struct scn_line *ln, struct io_task **iop);
int interp_after_line(guint i, struct scn_line *ln, struct io_task *io, int ret,
		      struct scn_error *err);
/* Concurrency v2 (conc.c): whether the scenario needs the scheduler, and its loop. */
bool scn_needs_scheduler(const struct scn *s, const struct run_opts *opts);
int scn_run_concurrent(struct scn *s, struct scn_error *err);
/* D1 applies to a read only when no other command is in flight (POSIX). */
bool interp_d1_applies(void);

/* Run the command of @ln from word @first in @io's task (NULL: no task). */
int run_command(struct cmdctx *c, struct scn_line *ln, int first, struct io_task *io);

#endif
