// SPDX-License-Identifier: MIT
/*
 * One simulated machine for one fstests test, driven a command at a time.
 *
 * `daxsim run` validates and runs a whole scenario (scn_run); an fstests
 * script decides what to run next from what the last command printed, so
 * this keeps the same world alive between lines and runs each line through
 * the same command table (run_command), followed by the same incremental
 * invariant check scn_run does.  The pmem device is implicit: FST_PMEM_SIZE,
 * sparse, and the filesystem the default mkfs.
 */
#include <errno.h>
#include <string.h>

#include "fstests.h"
#include "interp.h"
#include "io_task.h"
#include "inject.h"
#include "lock.h"
#include "lockdep.h"
#include "refmodel.h"
#include "share.h"
#include "trace.h"
#include "xfs_alloc.h"


struct fst_session {
	struct sim_world	world;
	struct interp		in;
	struct run_opts		opts;
	struct scn		scn;
	FILE			*mem;		/* the world's stdout */
	char			*buf;
	size_t			len, taken;
	bool			failed;
	bool			batch;		/* fst_session_batch(): checks deferred */
	bool			batch_force_full;
};

static gint key_cmp(gconstpointer a, gconstpointer b, gpointer u)
{
	return strcmp(a, b);
}

static gint u64_cmp(gconstpointer a, gconstpointer b, gpointer u)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* What the world printed since the last call, onto @out. */
static void take_output(struct fst_session *s, GString *out)
{
	fflush(s->mem);
	if (s->len > s->taken && out)
		g_string_append_len(out, s->buf + s->taken, (gssize)(s->len - s->taken));
	s->taken = s->len;
}

struct fst_session *fst_session_new(const char *file, const char *model, uint64_t seed,
				    char *err, size_t errlen)
{
	return fst_session_new_sized(file, model, seed, 0, err, errlen);
}

struct fst_session *fst_session_new_sized(const char *file, const char *model, uint64_t seed,
					  uint64_t bytes, char *err, size_t errlen)
{
	struct fst_session *s = g_new0(struct fst_session, 1);
	gchar *size = bytes ? g_strdup_printf("size=%llu", (unsigned long long)bytes)
			    : g_strdup("size=" FST_PMEM_SIZE);
	char *argv[] = { "pmem", size };
	char *mkfs[] = { "mkfs" };
	GString *junk = g_string_new(NULL);

	s->mem = open_memstream(&s->buf, &s->len);
	s->scn.file = g_strdup(file);
	s->scn.lines = g_ptr_array_new();
	s->opts.model = model;
	s->opts.seed = seed;
	s->opts.check = CHECK_INCREMENTAL;
	s->in.scn = &s->scn;
	s->in.opts = &s->opts;
	s->in.out = s->mem;
	s->in.mkfs = (struct xfs_mkfs_opts){ 4096, true, true, XFS_DAX_ALWAYS, 4 };
	snprintf(s->in.model, sizeof(s->in.model), "%s", model ? model : SHARE_DEFAULT);
	I = &s->in;
	sim_world_init(&s->world);
	s->in.ref = refmodel_create();
	s->in.io_tasks = g_tree_new_full((GCompareDataFunc)key_cmp, NULL, g_free,
					 (GDestroyNotify)io_task_free);
	s->opts.no_scheduler = true;
	checker_set_sink(s->mem, interp_note_violation);
	interp_note_task(NULL);
	share_ops = share_find(s->in.model);
	if (!share_ops)
		share_ops = share_find(SHARE_DEFAULT);
	share_designs_init();
	trace_open(NULL);
	inject_active = INJECT_NONE;
	lockdep_where(file, NULL, share_ops->name);
	s->in.touched = g_tree_new_full(u64_cmp, NULL, g_free, NULL);
	mm_fault_hook = interp_fault_hook;
	/* the machine has its filesystems made and mounted before a test starts */
	if (fst_session_exec(s, 0, NULL, 2, argv, junk, err, errlen) ||
	    fst_session_exec(s, 0, NULL, 1, mkfs, junk, err, errlen)) {
		g_string_free(junk, TRUE);
		g_free(size);
		fst_session_free(s, NULL);
		return NULL;
	}
	g_string_free(junk, TRUE);
	g_free(size);
	return s;
}

int fst_session_exec(struct fst_session *s, int lineno, struct io_task *task,
		     int argc, char **argv, GString *out, char *err, size_t errlen)
{
	struct scn_error e = { 0 };
	struct cmdctx c = { .scn = &s->scn, .err = &e };
	struct scn_line ln = { .lineno = lineno, .argc = argc, .argv = argv };
	int cols[MAX_POS + 8], ret;

	if (argc > (int)G_N_ELEMENTS(cols)) {
		snprintf(err, errlen, "%s: too many arguments", argv[0]);
		return -2;
	}
	for (int i = 0; i < argc; i++)
		cols[i] = 1;
	ln.cols = cols;
	sim_cur_line = lineno;
	ret = run_command(&c, &ln, 0, task);
	if (task)
		interp_note_task(task);
	if (ret == -2) {
		snprintf(err, errlen, "%s", e.msg);
		take_output(s, out);
		return -2;
	}
	if (s->batch) {	/* checked when the batch ends: keep what was touched */
		s->batch_force_full |= s->in.force_full;
		s->in.force_full = false;
	} else {
		if (ret == 0 && XFS_M(s->world.sb)) {
			struct check_where where = { s->scn.file, lineno, argv[0] };

			if (checker_run(s->in.force_full, &where, s->in.touched))
				s->failed = true;
		}
		s->in.force_full = false;
		g_tree_destroy(s->in.touched);
		s->in.touched = g_tree_new_full(u64_cmp, NULL, g_free, NULL);
	}
	if (s->in.status)
		s->failed = true;
	take_output(s, out);
	return s->failed ? 1 : 0;
}

/*
 * A batch of many small commands (a src/ program's inner loop): the
 * invariant checks of the inodes they touch run once, when the batch ends,
 * rather than after each command (each check walks the whole inode: a
 * per-command check of a 65,536-page file is quadratic).  Reads are still
 * checked against the reference model as they happen (D1).
 */
void fst_session_batch(struct fst_session *s, bool on, int lineno, const char *what)
{
	if (on) {
		s->batch = true;
		return;
	}
	s->batch = false;
	if (XFS_M(s->world.sb)) {
		struct check_where where = { s->scn.file, lineno, what };

		if (checker_run(s->batch_force_full, &where, s->in.touched))
			s->failed = true;
	}
	s->batch_force_full = false;
	g_tree_destroy(s->in.touched);
	s->in.touched = g_tree_new_full(u64_cmp, NULL, g_free, NULL);
}

/*
 * A process of a src/ program: a task in the world's task table (memory
 * failure signals it and the checker sees its mappings) under a key of its
 * own, so that two processes may share a name (a fork keeps its comm).
 */
static gchar *task_key(struct task_struct *t)
{
	return g_strdup_printf("%s#%d", t->name, t->pid);
}

struct io_task *fst_session_task(struct fst_session *s, const char *name)
{
	struct task_struct *t = task_create(name, s->world.next_pid++);
	struct io_task *io = io_task_create(t);

	g_tree_insert(s->world.tasks, task_key(t), t);
	g_tree_insert(s->in.io_tasks, task_key(t), io);
	return io;
}

void fst_session_task_end(struct fst_session *s, struct io_task *io)
{
	struct task_struct *t = io->task;
	gchar *key = task_key(t);

	if (!t->dead)
		io_task_exit(io);
	lock_current = &s->world.kthread->lockctx;
	g_tree_remove(s->in.io_tasks, key);	/* frees io */
	g_tree_remove(s->world.tasks, key);
	g_free(key);
	task_free(t);
}

uint64_t fst_session_file_ino(struct fst_session *s, const char *path)
{
	struct xfs_inode *ip = XFS_M(s->world.sb) ? xfs_find_inode(XFS_M(s->world.sb), path) : NULL;

	return ip ? ip->i_ino : 0;
}

int64_t fst_session_file_size(struct fst_session *s, const char *path)
{
	struct xfs_inode *ip = XFS_M(s->world.sb) ? xfs_find_inode(XFS_M(s->world.sb), path) : NULL;

	return ip ? (int64_t)i_size_read(VFS_I(ip)) : -1;
}

struct xfs_inode *fst_session_dir(struct fst_session *s, const char *path)
{
	struct xfs_mount *mp = XFS_M(s->world.sb);

	return mp ? xfs_dir_get(mp, path, true) : NULL;
}

struct xfs_inode *fst_session_inode(struct fst_session *s, const char *path)
{
	struct xfs_mount *mp = XFS_M(s->world.sb);

	return mp ? xfs_find_inode(mp, path) : NULL;
}

bool fst_session_file_uniform(struct fst_session *s, const char *path, uint64_t off,
			       uint64_t len, unsigned char *byte)
{
	uint64_t ino = fst_session_file_ino(s, path), size;
	unsigned char *buf;
	bool same = true;

	if (!ino)
		return false;
	size = ref_size(s->in.ref, ino);
	if (off >= size || len > size - off)
		return false;	/* past EOF: no bytes to copy there */
	buf = g_malloc(1U << 20);
	for (uint64_t done = 0; same && done < len;) {
		uint64_t n = MIN(len - done, (uint64_t)1 << 20);

		ref_read(s->in.ref, ino, off + done, buf, n);
		if (!done)
			*byte = buf[0];
		for (uint64_t i = 0; same && i < n; i++)
			same = buf[i] == *byte;
		done += n;
	}
	g_free(buf);
	return same;
}

int fst_session_rename(struct fst_session *s, const char *from, const char *to)
{
	struct xfs_mount *mp = XFS_M(s->world.sb);

	return mp ? xfs_rename(mp, from, to) : -ENOENT;
}

void fst_session_mkdir(struct fst_session *s, const char *path)
{
	struct xfs_mount *mp = XFS_M(s->world.sb);

	if (mp)
		xfs_mkdir(mp, path);
}

void fst_session_rmdir(struct fst_session *s, const char *path)
{
	struct xfs_mount *mp = XFS_M(s->world.sb);

	if (mp)
		xfs_dir_forget(mp, path, false);
}

const char *fst_session_dax_mode(struct fst_session *s)
{
	struct xfs_mount *mp = XFS_M(s->world.sb);

	if (!mp)
		return "";
	return mp->m_opts.dax == XFS_DAX_ALWAYS ? "dax=always" :
	       mp->m_opts.dax == XFS_DAX_NEVER ? "dax=never" : "dax=inode";
}

void fst_session_advance_clock(struct fst_session *s, uint64_t us)
{
	s->world.realtime_ns += us * 1000;
}

bool fst_session_statfs(struct fst_session *s, uint64_t *blocks, uint64_t *bfree)
{
	struct xfs_mount *mp = XFS_M(s->world.sb);

	if (!mp)
		return false;
	*blocks = mp->m_dblocks;
	*bfree = xfs_alloc_freeblks(mp->m_alloc);
	return true;
}

struct under {
	const char	*dir;
	size_t		dlen;
	GPtrArray	*names;
};

static gboolean name_under(gpointer k, gpointer v, gpointer d)
{
	struct under *u = d;
	const char *name = k;

	if (!strncmp(name, u->dir, u->dlen) && name[u->dlen] == '/')
		g_ptr_array_add(u->names, g_strdup(name));
	return FALSE;
}

GPtrArray *fst_session_files_under(struct fst_session *s, const char *dir)
{
	struct under u = { dir, strlen(dir), g_ptr_array_new_with_free_func(g_free) };

	/* m_names is a GTree: sorted, so the order is deterministic */
	if (XFS_M(s->world.sb))
		g_tree_foreach(XFS_M(s->world.sb)->m_names, name_under, &u);
	return u.names;
}

void fst_session_log(struct fst_session *s, const char *text)
{
	if (!s->world.dmesg)
		s->world.dmesg = g_string_new(NULL);
	g_string_prepend(s->world.dmesg, text);
}

const char *fst_session_dmesg(struct fst_session *s)
{
	return s->world.dmesg ? s->world.dmesg->str : "";
}

bool fst_session_failed(struct fst_session *s)
{
	return s->failed;
}

int fst_session_free(struct fst_session *s, GString *out)
{
	struct scn_error e = { 0 };
	int status;

	(void)e;
	if (XFS_M(s->world.sb) && !s->failed) {
		struct check_where end = { NULL, 0, NULL };

		sim_cur_line = 0;
		if (checker_run(true, &end, NULL))
			s->failed = true;
	}
	trace_close();
	mm_fault_hook = NULL;
	g_tree_destroy(s->in.touched);
	lockdep_where(s->scn.file, NULL, NULL);
	sim_cur_line = 0;
	g_tree_destroy(s->in.io_tasks);		/* the kernel tasks go with the machine */
	sim_world_destroy(&s->world);
	share_designs_destroy();
	refmodel_destroy(s->in.ref);
	if (checker_drain_locks())
		s->failed = true;
	if (s->in.status)
		s->failed = true;
	take_output(s, out);
	I = NULL;
	status = s->failed ? 1 : 0;
	fclose(s->mem);
	free(s->buf);
	g_free(s->scn.file);
	g_ptr_array_free(s->scn.lines, TRUE);
	g_free(s);
	return status;
}
