// SPDX-License-Identifier: MIT
/*
 * The scenario interpreter: the run loop, tasks (@NAME), option parsing
 * from the command table, xfs_io-style reports and errors.
 */
#include <ctype.h>
#include <stdarg.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dev_dax.h"
#include "inject.h"
#include "share_registry.h"
#include "interp.h"
#include "lock.h"
#include "lockdep.h"
#include "pagemap.h"
#include "share.h"
#include "trace.h"

struct interp *I;

/*
 * Everything a scenario prints goes through here: names and words reach
 * stdout with control bytes (other than newline and tab), C1 controls and
 * invalid UTF-8 escaped as \xNN (scn_escape_append), never raw.
 */
static void out_bytes(const char *s, size_t n)
{
	bool plain = true;
	GString *g;

	for (size_t i = 0; i < n && plain; i++) {
		unsigned char ch = (unsigned char)s[i];

		plain = (ch >= 0x20 || ch == '\n' || ch == '\t') && ch != 0x7f;
	}
	if (plain && !g_utf8_validate(s, (gssize)n, NULL))
		plain = false;
	for (size_t i = 0; i + 1 < n && plain; i++)	/* C1 controls: U+0080..U+009F */
		plain = !((unsigned char)s[i] == 0xc2 && (unsigned char)s[i + 1] < 0xa0);
	if (plain) {
		fwrite(s, 1, n, I->out);
		return;
	}
	g = g_string_new(NULL);
	scn_escape_append(g, s, n, "\n\t");
	fwrite(g->str, 1, g->len, I->out);
	g_string_free(g, TRUE);
}

void out(const char *fmt, ...)
{
	char buf[512];
	gchar *big = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf)) {
		va_start(ap, fmt);
		big = g_strdup_vprintf(fmt, ap);
		va_end(ap);
	}
	out_bytes(big ? big : buf, (size_t)n);
	g_free(big);
}

static const struct { int err; const char *name; } errnames[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EIO, "EIO" }, { EBADF, "EBADF" },
	{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" }, { EXDEV, "EXDEV" }, { EINVAL, "EINVAL" },
	{ EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" }, { EROFS, "EROFS" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { ENODATA, "ENODATA" }, { EFSCORRUPTED_, "EFSCORRUPTED" }, { EFSCORRUPTED_, "EUCLEAN" },
	{ EHWPOISON, "EHWPOISON" }, { ENXIO, "ENXIO" }, { EFAULT, "EFAULT" },
	{ EOVERFLOW, "EOVERFLOW" },
	/* the rest of errno(3)'s names a file operation can return, and the aliases after */
	{ ESRCH, "ESRCH" }, { EINTR, "EINTR" }, { E2BIG, "E2BIG" }, { ENOEXEC, "ENOEXEC" },
	{ ECHILD, "ECHILD" }, { EAGAIN, "EAGAIN" }, { ENOTBLK, "ENOTBLK" }, { ENODEV, "ENODEV" },
	{ ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" }, { ENFILE, "ENFILE" }, { EMFILE, "EMFILE" },
	{ ENOTTY, "ENOTTY" }, { ETXTBSY, "ETXTBSY" }, { ESPIPE, "ESPIPE" }, { EMLINK, "EMLINK" },
	{ EPIPE, "EPIPE" }, { ERANGE, "ERANGE" }, { EDEADLK, "EDEADLK" },
	{ ENAMETOOLONG, "ENAMETOOLONG" }, { ENOLCK, "ENOLCK" }, { ENOSYS, "ENOSYS" },
	{ ENOTEMPTY, "ENOTEMPTY" }, { ELOOP, "ELOOP" }, { EBADE, "EBADE" }, { EDQUOT, "EDQUOT" },
	{ ESTALE, "ESTALE" }, { ETIMEDOUT, "ETIMEDOUT" }, { ECANCELED, "ECANCELED" },
	{ EMSGSIZE, "EMSGSIZE" }, { ENOMSG, "ENOMSG" },
	{ EOPNOTSUPP, "ENOTSUP" }, { EAGAIN, "EWOULDBLOCK" }, { EDEADLK, "EDEADLOCK" },
};

const char *errno_name(int err)
{
	for (size_t i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	return "E?";
}

int errno_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(errnames); i++)
		if (!strcmp(errnames[i].name, name))
			return errnames[i].err;
	return 0;
}

void interp_trouble(const char *fmt, ...)
{
	va_list ap;
	gchar *msg;

	if (!I || !I->trouble)
		return;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_ptr_array_add(I->trouble, g_strdup_printf("%d\t%s", sim_cur_line, msg));
	g_free(msg);
}

/* The line after line @i checks an outcome: `expect ...`. */
static bool outcome_expected(const struct scn *s, guint i)
{
	const struct scn_line *next = i + 1 < s->lines->len ? g_ptr_array_index(s->lines, i + 1) : NULL;

	return next && !strcmp(next->argv[0], "expect");
}

/* The index of the line numbered @lineno (lines are in lineno order). */
static guint line_index(const struct scn *s, int lineno)
{
	guint lo = 0, hi = s->lines->len;

	while (lo < hi) {
		guint mid = (lo + hi) / 2;

		if (((const struct scn_line *)g_ptr_array_index(s->lines, mid))->lineno < lineno)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Report the trouble of line @lineno (every line when 0). */
static void report_trouble(int lineno)
{
	for (guint k = 0; I->trouble && k < I->trouble->len;) {
		const char *e = g_ptr_array_index(I->trouble, k);
		int at = atoi(e);

		if (lineno && at != lineno) {
			k++;
			continue;
		}
		if (!outcome_expected(I->scn, line_index(I->scn, at))) {
			fflush(I->out);
			fprintf(stderr, "%s:%d: %s\n", I->scn->file, at, strchr(e, '\t') + 1);
			if (I->opts->strict)
				I->status = 1;
		}
		g_ptr_array_remove_index(I->trouble, k);
	}
}

int errno_report(struct cmdctx *c, const char *what, int err)
{
	if (err < 0)
		err = -err;
	out("%s: %s\n", what, strerror(err));
	interp_trouble("%s: %s", what, strerror(err));
	if (c->t)
		c->io->last_errno = err;
	return 0;
}

int io_error(struct cmdctx *c, int err)
{
	return errno_report(c, c->ci->name, err);
}

/* mm_fault_hook: a fault changed that inode's mapping state. */
static void touch_ino(uint64_t ino)
{
	uint64_t *k;

	if (!I->touched || g_tree_lookup(I->touched, &ino))
		return;
	k = g_new(uint64_t, 1);
	*k = ino;
	g_tree_insert(I->touched, k, k);
}

void interp_fault_hook(struct inode *inode)
{
	/* the device's inode is no XFS inode: the checker knows its number */
	if (inode_is_dev_dax(inode))
		touch_ino(inode->i_ino);
	else
		touch_inode(XFS_I(inode));
}

void touch_inode(struct xfs_inode *ip)
{
	touch_ino(ip->i_ino);
}

int cmd_usage_error(struct cmdctx *c, int col, const char *fmt, ...)
{
	va_list ap;

	c->err->line = c->ln->lineno;
	c->err->col = col;
	va_start(ap, fmt);
	scn_format_msg(c->err->msg, sizeof(c->err->msg), fmt, ap);
	va_end(ap);
	return -2;
}

int io_budget(struct cmdctx *c, int col, uint64_t bytes)
{
	uint64_t limit = I->opts->io_limit ? I->opts->io_limit : IO_LIMIT_DEFAULT;

	if (bytes > limit)
		return cmd_usage_error(c, col, "%s: %llu bytes in one command is over the simulator's limit of %llu (split the range)",
				       c->ci->name, (unsigned long long)bytes, (unsigned long long)limit);
	I->io_moved += bytes;
	if (I->opts->io_total_limit && I->io_moved > I->opts->io_total_limit) {
		if (I->opts->result)
			I->opts->result->over_total_limit = true;
		return cmd_usage_error(c, col, "%s: the run has moved %llu bytes, over its limit of %llu",
				       c->ci->name, (unsigned long long)I->io_moved,
				       (unsigned long long)I->opts->io_total_limit);
	}
	return 0;
}

int dump_budget(struct cmdctx *c, int col, uint64_t bytes)
{
	if (bytes > DUMP_LIMIT)
		return cmd_usage_error(c, col, "%s: dumping %llu bytes prints about %llu MiB of text, over the simulator's limit of %llu bytes per command (dump less, or use md5sum / expect data)",
				       c->ci->name, (unsigned long long)bytes,
				       (unsigned long long)((bytes * 5) >> 20), (unsigned long long)DUMP_LIMIT);
	return 0;
}

int range_args(struct cmdctx *c, int oi, long long *off, long long *len)
{
	const char *name = c->ci->name;

	if (oi + 1 >= c->npos)
		return cmd_usage_error(c, c->ln->cols[c->ln->argc - 1], "%s: missing OFF LEN (usage: %s %s)",
				       name, name, c->ci->args);
	if (cvtnum(c->pos[oi], off) || *off < 0)
		return cmd_usage_error(c, c->poscol[oi], "%s: bad offset '%s' (a number, 0 .. 2^63-1)",
				       name, c->pos[oi]);
	if (cvtnum(c->pos[oi + 1], len) || *len < 0)
		return cmd_usage_error(c, c->poscol[oi + 1], "%s: bad length '%s' (a number, 0 .. 2^63-1)",
				       name, c->pos[oi + 1]);
	if (*len > LLONG_MAX - *off)
		return cmd_usage_error(c, c->poscol[oi + 1],
				       "%s: range %s + %s ends past the largest file offset (2^63-1)",
				       name, c->pos[oi], c->pos[oi + 1]);
	return 0;
}

/*
 * Device DAX (pmem mode=devdax) has no filesystem: these are the commands
 * that need none (the device's file, its mappings, device poison, checks);
 * every other filesystem command is a usage error naming it, and no
 * implicit mkfs happens.
 */
static const char *const devdax_cmds[] = {
	"open", "file", "close", "pread", "pwrite", "fsync", "fdatasync", "mmap", "mread",
	"mwrite", "msync", "munmap", "madvise", "exit", "spawn", "poison", "check", "xfs_io",
};

int devdax_refuses(struct cmdctx *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(devdax_cmds); i++)
		if (!strcmp(c->ci->name, devdax_cmds[i]))
			return 0;
	if (!strcmp(c->ci->name, "md5sum") || !strcmp(c->ci->name, "od"))
		return cmd_usage_error(c, c->ln->cols[c->word0],
				       "%s: there is no filesystem in devdax mode, and %s has no read(2) (the real %s gets EINVAL): read the device with mmap + mread",
				       c->ci->name, DEV_DAX_PATH, c->ci->name);
	return cmd_usage_error(c, c->ln->cols[c->word0],
			       "%s: there is no filesystem: the pmem device is in devdax mode (only %s exists)",
			       c->ci->name, DEV_DAX_PATH);
}

int devdax_path(struct cmdctx *c, const char *path, int col)
{
	if (!strcmp(path, DEV_DAX_PATH))
		return 0;
	return cmd_usage_error(c, col, "%s: '%s': there is no filesystem: the pmem device is in devdax mode (only %s exists)",
			       c->ci->name, path, DEV_DAX_PATH);
}

int need_fs(struct cmdctx *c)
{
	struct xfs_mount *mp;
	char err[256];

	if (XFS_M(sim->sb))
		return 0;
	if (sim->dev_dax)
		return devdax_refuses(c);
	if (!sim->have_pmem && pmem_default(c))
		return -2;
	if (xfs_mkfs(&sim->pmem, &I->mkfs, &mp, err, sizeof(err)))
		return cmd_usage_error(c, c->ln->cols[c->word0], "%s", err);
	sim->sb = &mp->m_super;		/* mounted */
	I->have_mkfs = true;
	return 0;
}

struct file *cur_file(struct cmdctx *c)
{
	struct io_task *io = c->io;

	/* another thread of the group may have closed files: an index past the end is none */
	return io && io->curfile >= 0 && io->curfile < (int)io->task->files->len ?
	       g_ptr_array_index(io->task->files, io->curfile) : NULL;
}

struct vm_area_struct *cur_map(struct cmdctx *c)
{
	struct io_task *io = c->io;

	return io && io->curmap >= 0 && io->curmap < (int)io->maps->len ?
	       g_ptr_array_index(io->maps, io->curmap) : NULL;
}

const char *sicode_name(enum sim_sicode code)
{
	switch (code) {
	case SIM_BUS_ADRERR:	return "BUS_ADRERR";
	case SIM_BUS_MCEERR_AR:	return "BUS_MCEERR_AR";
	case SIM_BUS_MCEERR_AO:	return "BUS_MCEERR_AO";
	case SIM_SEGV_ACCERR:	return "SEGV_ACCERR";
	case SIM_SEGV_MAPERR:	return "SEGV_MAPERR";
	default:		return "SI_USER";
	}
}

void task_kill(struct io_task *io, const char *cmd)
{
	struct task_struct *t = io->task;

	out("@%s: killed by %s (%s) at %s\n", t->name, t->sig == SIG_SEGV ? "SIGSEGV" : "SIGBUS",
	    sicode_name(t->sicode), cmd);
	interp_trouble("task %s killed by %s (%s) at %s", t->name,
		       t->sig == SIG_SEGV ? "SIGSEGV" : "SIGBUS", sicode_name(t->sicode), cmd);
	printk("%s[%d]: killed by %s (%s)\n", t->name, t->pid,
	       t->sig == SIG_SEGV ? "SIGSEGV" : "SIGBUS", sicode_name(t->sicode));
	io_task_exit(io);
	t->dead = true;
}

/* xfs_io's dump: "%08llx:  " + "%02x " per byte + " " + the bytes (alnum, else '.'); one write a line */
void dump_buffer(uint64_t offset, const unsigned char *buf, uint64_t len)
{
	static const char hex[] = "0123456789abcdef";
	char line[128];

	for (uint64_t i = 0; i < len; i += 16) {
		int n = snprintf(line, sizeof(line), "%08llx:  ", (unsigned long long)offset);

		for (uint64_t j = 0; j < 16 && i + j < len; j++) {
			line[n++] = hex[buf[i + j] >> 4];
			line[n++] = hex[buf[i + j] & 15];
			line[n++] = ' ';
		}
		line[n++] = ' ';
		for (uint64_t j = 0; j < 16 && i + j < len; j++)
			line[n++] = isalnum(buf[i + j]) ? (char)buf[i + j] : '.';
		line[n++] = '\n';
		out_bytes(line, (size_t)n);
		offset += 16;
	}
}

/* getopt-style parsing driven by the command table ---------------------- */
int cmd_parse_args(struct cmdctx *c, const struct cmdinfo *ci, struct scn_line *ln, int first)
{
	bool opts_done = ci->flags & CMD_RAWARGS, permute = cmd_uses_getopt(ci);

	memset(c->opt, 0, sizeof(c->opt));
	c->npos = 0;
	/*
	 * GNU getopt, as xfs_io's commands use it: options may follow the
	 * positionals ("pwrite -S 0xa 0 -b 4k 4k"); "--" ends them.  A word
	 * like "-5" is a (negative) number, not an option.  The simulator's
	 * own commands (echo's text, expect's words) take options first only.
	 */
	for (int i = first; i < ln->argc; i++) {
		const char *w = ln->argv[i];
		int k;

		if (!permute && c->npos)
			opts_done = true;	/* the simulator's commands: options first */
		if (!opts_done && w[0] == '-' && w[1] && !isdigit((unsigned char)w[1])) {
			if (!strcmp(w, "--")) {
				opts_done = true;
				continue;
			}
			for (int j = 1; w[j]; j++) {
				unsigned char o = (unsigned char)w[j];
				const char *spec = ci->opts ? strchr(ci->opts, o) : NULL;

				if (!spec || o == ':')
					return cmd_usage_error(c, ln->cols[i],
							       "%s: unknown option '-%c' (see `daxsim help %s`)",
							       ci->name, o, ci->name);
				c->opt[o] = true;
				if (spec[1] == ':') {
					const char *arg;
					int col;

					if (w[j + 1]) {
						arg = w + j + 1;
						col = ln->cols[i] + j + 1;
					} else if (i + 1 < ln->argc) {
						arg = ln->argv[++i];
						col = ln->cols[i];
					} else {
						return cmd_usage_error(c, ln->cols[i] + j,
								       "%s: option '-%c' needs an argument",
								       ci->name, o);
					}
					c->optarg[o] = arg;
					c->optcol[o] = col;
					if (ci->numopts && strchr(ci->numopts, o) &&
					    cvtnum(arg, &c->optnum[o]))
						return cmd_usage_error(c, col,
								       "%s: non-numeric argument '%s' to -%c",
								       ci->name, arg, o);
					break;
				}
			}
			continue;
		}
		k = c->npos;
		if (k >= MAX_POS || k >= ci->argmax)
			return cmd_usage_error(c, ln->cols[i], "%s: too many arguments at '%s' (usage: %s %s)",
					       ci->name, ln->argv[i], ci->name, ci->args);
		c->pos[k] = ln->argv[i];
		c->poscol[k] = ln->cols[i];
		c->posnum[k] = 0;
		if (ci->argkinds && (int)strlen(ci->argkinds) > k && ci->argkinds[k] == 'n' &&
		    cvtnum(ln->argv[i], &c->posnum[k]))
			return cmd_usage_error(c, ln->cols[i], "%s: non-numeric or out-of-range argument '%s'",
					       ci->name, ln->argv[i]);
		if (ci->argkinds && (int)strlen(ci->argkinds) > k && ci->argkinds[k] == 'n' &&
		    c->posnum[k] < 0)
			return cmd_usage_error(c, ln->cols[i], "%s: negative argument '%s'",
					       ci->name, ln->argv[i]);
		c->npos++;
	}
	if (c->npos < ci->argmin)
		return cmd_usage_error(c, ln->cols[ln->argc - 1],
				       "%s: missing arguments (usage: %s %s)", ci->name,
				       ci->name, ci->args);
	return 0;
}

/* The run loop ----------------------------------------------------------- */
static gint strcmp_data(gconstpointer a, gconstpointer b, gpointer unused)
{
	return strcmp(a, b);
}

struct io_task *io_task_find(const char *name)
{
	return g_tree_lookup(I->io_tasks, name);
}

struct io_task *get_task(const char *name, bool create)
{
	struct io_task *io = io_task_find(name);
	struct task_struct *t;

	if (!io && create) {
		t = task_create(name, sim->next_pid++);
		g_tree_insert(sim->tasks, g_strdup(name), t);
		io = io_task_create(t);
		g_tree_insert(I->io_tasks, g_strdup(name), io);
	}
	return io;
}

/* `@T expect ok|error ERRNO`: task T's last completed command. */
bool interp_is_task_expect(const struct scn_line *ln)
{
	return ln->task && !strcmp(ln->argv[0], "expect") && ln->argc >= 2 &&
	       (!strcmp(ln->argv[1], "ok") || !strcmp(ln->argv[1], "error"));
}

/* A validation message, escaped like every usage message. */
static void validate_err(struct scn_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void validate_err(struct scn_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	scn_format_msg(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

/* Validate every line's command and arguments before running anything. */
static int validate(struct scn *s, struct scn_error *err);

int scn_validate(struct scn *s, struct scn_error *err)
{
	return validate(s, err);
}

static int validate(struct scn *s, struct scn_error *err)
{
	for (guint i = 0; i < s->lines->len; i++) {
		struct scn_line *ln = g_ptr_array_index(s->lines, i);
		const struct cmdinfo *ci = cmd_lookup(ln->argv[0]);
		struct cmdctx c = { .scn = s, .ln = ln, .err = err };

		if (!ci) {
			err->line = ln->lineno;
			err->col = ln->cols[0];
			validate_err(err, "unknown command '%s' (see `daxsim help`)", ln->argv[0]);
			return -2;
		}
		c.ci = ci;
		if (ln->task && (ci->flags & CMD_NOTASK) && strcmp(ln->argv[0], "prctl") &&
		    !interp_is_task_expect(ln)) {
			err->line = ln->lineno;
			err->col = ln->task_col;
			validate_err(err, "'%s' is a simulator command and does not run in a task", ci->name);
			return -2;
		}
		if (cmd_parse_args(&c, ci, ln, 1))
			return -2;
		/* and the commands xfs_io -c will run */
		if (!strcmp(ci->name, "xfs_io") && xfs_io_validate(&c, ln))
			return -2;
		if (!strcmp(ci->name, "expect") && expect_validate(&c, s, i))
			return -2;
	}
	return 0;
}

static gboolean kill_signalled(gpointer k, gpointer v, gpointer cmd)
{
	struct io_task *io = v;

	/* a task with a command in flight is killed when that command ends */
	if (io->task->sig != SIG_NONE && !io->task->dead && !io->busy)
		task_kill(io, cmd);
	return FALSE;
}

/*
 * A thread takes from its process's file table or maptable (CMD_TABLES:
 * munmap, close, exit, spawn) only while the other threads are idle: a
 * command in flight holds the files and mappings it works on.  NULL, or
 * the busy thread.
 */
static const struct io_task *group_busy(const struct io_task *io, const struct cmdinfo *ci)
{
	GPtrArray *users = io ? io->task->mm->users : NULL;

	if (!users || users->len < 2 || !(ci->flags & CMD_TABLES))
		return NULL;
	for (guint i = 0; i < users->len; i++) {
		const struct task_struct *u = g_ptr_array_index(users, i);
		const struct io_task *other = io_task_find(u->name);

		if (u != io->task && other && other->busy)
			return other;
	}
	return NULL;
}

int run_command(struct cmdctx *c, struct scn_line *ln, int first, struct io_task *io)
{
	const struct io_task *busy;
	struct file *held = NULL;
	struct task_struct *t = io ? io->task : NULL;
	const struct cmdinfo *ci = cmd_lookup(ln->argv[first]);
	int ret;

	if (!ci) {
		c->ln = ln;	/* for the message: `xfs_io -c` lines are not validated */
		return cmd_usage_error(c, ln->cols[first], "unknown command '%s'", ln->argv[first]);
	}
	c->ci = ci;
	c->ln = ln;
	c->t = t;
	c->io = io;
	c->word0 = first;
	ret = cmd_parse_args(c, ci, ln, first + 1);
	if (ret)
		return ret;
	if ((ci->flags & (CMD_FS | CMD_FILE | CMD_MAP)) && (ret = need_fs(c)))
		return ret;
	if ((ci->flags & CMD_FILE) && !cur_file(c)) {
		out("%s: no open file\n", ci->name);
		interp_trouble("%s: no open file", ci->name);
		if (io)
			io->last_errno = EBADF;
		return 0;
	}
	if ((ci->flags & CMD_MAP) && !cur_map(c)) {
		out("%s: no mapped regions, try 'help mmap'\n", ci->name);
		interp_trouble("%s: no mapped regions", ci->name);
		if (io)
			io->last_errno = EINVAL;
		return 0;
	}
	if ((busy = group_busy(io, ci)))
		return cmd_usage_error(c, ln->cols[first],
				       "%s: thread '%s' of the same process has a command in flight (`wait @%s` first)",
				       ci->name, busy->task->name, busy->task->name);
	/* fdget() of a shared file table takes a reference: another thread may close it */
	if (io && task_in_group(t) && (held = cur_file(c)))
		get_file(held);
	lockdep_where(c->scn->file, ci->name, share_ops ? share_ops->name : NULL);
	if (io) {
		if (strcmp(ci->name, "expect"))
			io->last_errno = 0;
		lock_current = &t->lockctx;
	} else {
		lock_current = c->kctx ? c->kctx : &sim->kthread->lockctx;
	}
	ret = ci->cfunc(c);
	if (held)
		fput(held);
	lock_current = &sim->kthread->lockctx;
	if (t && t->sig != SIG_NONE && !t->dead) {
		task_kill(io, ci->name);
	}
	/* signals this command sent to other tasks (memory failure: AO) */
	/* O(1) per command unless a signal was sent (linear in tasks overall) */
	if (sim->signals_sent != I->signals_seen) {
		I->signals_seen = sim->signals_sent;
		g_tree_foreach(I->io_tasks, kill_signalled, (gpointer)ci->name);
	}
	return ret;
}

static gint u64_cmp(gconstpointer a, gconstpointer b, gpointer u)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void interp_note_violation(const char *id)
{
	struct run_result *r = I && I->opts ? I->opts->result : NULL;

	if (!r)
		return;
	if (!r->violations++) {
		snprintf(r->first_id, sizeof(r->first_id), "%s", id);
		r->first_line = sim_cur_line;
	}
	if (!strcmp(id, "D1"))
		r->d1_errors++;
	{
		/* the distinct IDs, in the order first seen */
		gchar **seen = g_strsplit(r->ids, ", ", -1);
		bool dup = false;

		for (int i = 0; seen[i]; i++)
			dup |= !strcmp(seen[i], id);
		g_strfreev(seen);
		if (!dup && strlen(r->ids) + strlen(id) + 3 < sizeof(r->ids)) {
			if (r->ids[0])
				g_strlcat(r->ids, ", ", sizeof(r->ids));
			g_strlcat(r->ids, id, sizeof(r->ids));
		}
	}
}

/* The design's holdings now; the run's peaks. */
static void note_share_stats(const struct run_opts *opts)
{
	struct share_stats st;
	struct pagecache_stats pc;
	struct run_result *r = opts->result;

	if (!r || !share_ops->stats)
		return;
	share_ops->stats(&st);
	r->peak.masters = MAX(r->peak.masters, st.masters);
	r->peak.shadows = MAX(r->peak.shadows, st.shadows);
	r->peak.list_nodes = MAX(r->peak.list_nodes, st.list_nodes);
	r->peak.shared_pages = MAX(r->peak.shared_pages, st.shared_pages);
	r->peak.share_refs = MAX(r->peak.share_refs, st.share_refs);
	r->peak.bytes = MAX(r->peak.bytes, st.bytes);
	r->end = st;
	pagecache_get_stats(&pc);
	r->pagecache_peak = pc.peak_bytes;
	r->pagecache_end = pc.bytes;
}

/* The task a line runs in (created on first use), or NULL; -2 after a usage error. */
int line_task(struct scn *s, struct scn_line *ln, struct io_task **iop)
{
	const struct cmdinfo *ci = cmd_lookup(ln->argv[0]);
	struct io_task *io;
	const char *tname;

	*iop = NULL;
	if ((ci->flags & CMD_NOTASK) && !ln->task)
		return 0;
	tname = ln->task ? ln->task : "main";
	io = get_task(tname, !interp_is_task_expect(ln));
	if (!io) {
		fprintf(stderr, "%s:%d:%d: task '%s' has run no command to expect anything of\n",
			s->file, ln->lineno, ln->task_col, tname);
		return -2;
	}
	if (io->task->dead && strcmp(ln->argv[0], "spawn") && !interp_is_task_expect(ln)) {
		fprintf(stderr, "%s:%d:%d: task '%s' was killed; re-create it with `@%s spawn`\n",
			s->file, ln->lineno, ln->task ? ln->task_col : ln->cols[0],
			tname, tname);
		return -2;
	}
	*iop = io;
	return 0;
}

/*
 * After line @i ran (@ret from run_command): its task's outcome, a usage
 * error's message, the checker.  Returns the run's new state: 0 go on,
 * -1 stop (an invariant violation), -2 usage error, -3 stop-on-failure.
 */
int interp_after_line(guint i, struct scn_line *ln, struct io_task *io, int ret,
		      struct scn_error *err)
{
	struct scn *s = I->scn;
	const struct run_opts *opts = I->opts;

	if (io && strcmp(ln->argv[0], "expect"))
		interp_note_task(io);
	report_trouble(ln->lineno);
	if (ret == -2) {
		fprintf(stderr, "%s:%d:%d: %s\n", s->file, err->line, err->col, err->msg);
		return -2;
	}
	/*
	 * A line that ran on the main context (`@T expect`, `wait @T`) while
	 * other commands are in flight: the invariants that need quiescence are
	 * checked when they end, with what this line touched kept for then.
	 */
	if (ret == 0 && I->inflight)
		return 0;
	if (ret == 0 && opts->check != CHECK_OFF && (XFS_M(sim->sb) || sim->dev_dax)) {
		guint ni = I->claim_next >= 0 ? (guint)I->claim_next : i + 1;
		struct scn_line *next = ni < s->lines->len ? g_ptr_array_index(s->lines, ni) : NULL;
		bool expected = next && next->argc >= 2 && !strcmp(next->argv[0], "expect") &&
				!strcmp(next->argv[1], "violation");
		bool full = opts->check == CHECK_FULL || I->force_full;
		struct check_where where = { s->file, ln->lineno, ln->argv[0] };

		I->force_full = false;
		if (checker_run(full, &where, I->touched) && !expected) {
			I->status = 1;
			ret = opts->keep_going || I->keep_going ? 0 : -1;
		}
	}
	g_tree_destroy(I->touched);
	I->touched = g_tree_new_full(u64_cmp, NULL, g_free, NULL);
	note_share_stats(opts);
	if (ret == -1)
		return -1;	/* an invariant violation stops the run */
	if (I->status && opts->stop_on_failure)
		return -3;
	return ret;
}

int scn_run(struct scn *s, const struct run_opts *opts, FILE *outf)
{
	struct sim_world world;
	struct interp in = { .scn = s, .opts = opts, .out = outf, .claim_next = -1 };
	struct scn_error err = { 0 };
	int ret = 0;

	in.mkfs = (struct xfs_mkfs_opts){ 4096, true, true, XFS_DAX_ALWAYS, 4 };
	in.conc = scn_needs_scheduler(s, opts);
	if (opts->report_trouble)
		in.trouble = g_ptr_array_new_with_free_func(g_free);
	snprintf(in.model, sizeof(in.model), "%s", opts->model ? opts->model : SHARE_DEFAULT);
	I = &in;
	if (!opts->validated && validate(s, &err)) {
		fprintf(stderr, "%s:%d:%d: %s\n", s->file, err.line, err.col, err.msg);
		I = NULL;
		return 2;
	}
	sim_world_init(&world);
	in.ref = refmodel_create();
	in.io_tasks = g_tree_new_full((GCompareDataFunc)strcmp_data, NULL, g_free,
				      (GDestroyNotify)io_task_free);
	checker_set_sink(outf, interp_note_violation);
	interp_note_task(NULL);		/* no previous command yet */
	share_ops = share_find(in.model);
	if (!share_ops)
		share_ops = share_find(SHARE_DEFAULT);
	share_designs_init();
	trace_open(opts->trace);
	inject_active = opts->inject ? (enum inject_tag)opts->inject : inject_from_env();
	lockdep_where(s->file, NULL, share_ops->name);
	in.touched = g_tree_new_full(u64_cmp, NULL, g_free, NULL);
	mm_fault_hook = interp_fault_hook;
	if (in.conc)
		ret = scn_run_concurrent(s, &err);
	for (guint i = 0; !in.conc && i < s->lines->len && ret >= 0; i++) {
		struct scn_line *ln = g_ptr_array_index(s->lines, i);
		struct cmdctx c = { .scn = s, .err = &err };
		struct io_task *io = NULL;

		sim_cur_line = ln->lineno;
		ret = line_task(s, ln, &io);
		if (ret == -2)
			break;
		ret = run_command(&c, ln, 0, io);
		ret = interp_after_line(i, ln, io, ret, &err);
		if (ret == -3) {
			ret = 0;	/* --stop-on-failure: the end check still runs */
			break;
		}
	}
	if (ret >= 0 && (XFS_M(sim->sb) || sim->dev_dax) && opts->check != CHECK_OFF) {
		struct check_where end = { NULL, 0, NULL };

		sim_cur_line = 0;
		if (checker_run(true, &end, NULL))
			in.status = 1;
	}
	if (in.trouble) {
		report_trouble(0);	/* lines that ended while others ran */
		g_ptr_array_free(in.trouble, TRUE);
		in.trouble = NULL;
	}
	trace_close();
	mm_fault_hook = NULL;
	g_tree_destroy(in.touched);
	if (opts->result) {
		note_share_stats(opts);
		opts->result->stats = sim->stats;
		opts->result->status = ret == -2 ? 2 : in.status ? 1 : 0;
	}
	lockdep_where(s->file, NULL, NULL);
	sim_cur_line = 0;
	g_tree_destroy(in.io_tasks);	/* the kernel tasks go with the machine */
	sim_world_destroy(&world);
	share_designs_destroy();
	refmodel_destroy(in.ref);
	/* what unmount (or a run without checks) reported */
	if (ret != -2 && checker_drain_locks())
		in.status = 1;
	I = NULL;
	if (ret == -2)
		return 2;
	return in.status ? 1 : 0;
}
