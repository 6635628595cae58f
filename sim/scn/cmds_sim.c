// SPDX-License-Identifier: MIT
/*
 * Simulator commands (pmem, mkfs, model, md5sum, od, cp_reflink, rm,
 * remount, dmesg, check, echo, prctl), expectations, the one-line
 * `xfs_io -c` form, and the command-table lookup.
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "share_registry.h"
#include "interp.h"
#include "share.h"
#include "trace.h"


static int kv_split(struct cmdctx *c, int i, const char **key, char *val, size_t vlen)
{
	const char *eq = strchr(c->pos[i], '=');

	if (!eq)
		return cmd_usage_error(c, c->poscol[i], "%s: expected KEY=VALUE, got '%s'",
				       c->ci->name, c->pos[i]);
	*key = c->pos[i];
	if (strlen(eq + 1) >= vlen)	/* never cut silently: a shorter value means something else */
		return cmd_usage_error(c, c->poscol[i] + (int)(eq - c->pos[i]) + 1,
				       "%s: value of '%.*s' too long (%zu bytes, at most %zu)",
				       c->ci->name, (int)MIN(eq - c->pos[i], 32), c->pos[i],
				       strlen(eq + 1), vlen - 1);
	g_strlcpy(val, eq + 1, vlen);
	return (int)(eq - c->pos[i]);
}

/* Create the device and its memmap; takes @path.  0, or -2 after a usage error. */
static int pmem_setup(struct cmdctx *c, uint64_t size, enum pmem_backing b, char *path, int col)
{
	char err[600];
	int ret = pmem_create(&sim->pmem, size, b, path, err, sizeof(err));

	g_free(path);
	if (ret)
		return cmd_usage_error(c, col, "%s", err);
	memmap_init(&sim->memmap, sim->pmem.nr_pages);
	sim->have_pmem = true;
	return 0;
}

static int do_pmem(struct cmdctx *c)
{
	long long size = -1;
	enum pmem_backing b = PMEM_BACKING_AUTO;
	char *path = NULL;
	bool devdax = false;
	uint64_t align = 0;
	int sizecol = c->ln->cols[c->word0], ret;

	if (sim->have_pmem)
		return cmd_usage_error(c, c->ln->cols[c->word0], "pmem: the device already exists");
	for (int i = 0; i < c->npos; i++) {
		const char *key;
		char val[512];
		int klen = kv_split(c, i, &key, val, sizeof(val));

		if (klen < 0)
			return klen;
		if (klen == 4 && !strncmp(key, "size", 4)) {
			if (cvtnum(val, &size) || size <= 0)
				return cmd_usage_error(c, c->poscol[i] + 5, "pmem: bad size '%s'", val);
			sizecol = c->poscol[i] + 5;
		} else if (klen == 4 && !strncmp(key, "mode", 4)) {
			if (strcmp(val, "fsdax") && strcmp(val, "devdax"))
				return cmd_usage_error(c, c->poscol[i] + 5,
						       "pmem: mode must be fsdax or devdax, not '%s'", val);
			devdax = !strcmp(val, "devdax");
		} else if (klen == 5 && !strncmp(key, "align", 5)) {
			if (!strcmp(val, "4k"))
				align = PAGE_SIZE;
			else if (!strcmp(val, "2m"))
				align = PMD_SIZE;
			else if (!strcmp(val, "1g"))
				align = PUD_SIZE;
			else
				return cmd_usage_error(c, c->poscol[i] + 6,
						       "pmem: align must be 4k, 2m or 1g, not '%s'", val);
		} else if (klen == 7 && !strncmp(key, "backing", 7)) {
			g_free(path);
			if (pmem_parse_backing(val, &b, &path))
				return cmd_usage_error(c, c->poscol[i] + 8,
						       "pmem: backing must be auto, hugetlbfs, memfd or file:PATH, not '%s'", val);
		} else {
			return cmd_usage_error(c, c->poscol[i], "pmem: unknown key '%.*s'", klen, key);
		}
	}
	if (size < 0) {
		g_free(path);
		return cmd_usage_error(c, c->ln->cols[c->word0], "pmem: size=SIZE is required");
	}
	if (!align)
		align = PMD_SIZE;	/* ndctl's default, devdax and fsdax */
	if (devdax && (uint64_t)size % align) {
		g_free(path);
		return cmd_usage_error(c, sizecol, "pmem: a devdax size must be a multiple of align (%llu bytes)",
				       (unsigned long long)align);
	}
	ret = pmem_setup(c, (uint64_t)size, b, path, c->ln->cols[c->word0]);
	if (!ret && !devdax && sim->pmem.dax_dev)
		sim->pmem.dax_dev->align = (unsigned long)align;	/* fsdax: the pfns' alignment */
	if (ret || !devdax)
		return ret;
	/* dax_pmem claims the namespace: no block device, no filesystem */
	if (dev_dax_probe(&sim->pmem, align, &sim->dev_dax))
		return cmd_usage_error(c, sizecol, "pmem: cannot create the devdax device");
	return 0;
}

/* The device of a scenario without a `pmem` line (PMEM_DEFAULT_SIZE, sparse). */
int pmem_default(struct cmdctx *c)
{
	return pmem_setup(c, PMEM_DEFAULT_SIZE, PMEM_BACKING_AUTO, NULL, c->ln->cols[c->word0]);
}

static int do_mkfs(struct cmdctx *c)
{
	struct xfs_mkfs_opts o = I->mkfs;
	struct xfs_mount *mp;
	char err[256];

	if (XFS_M(sim->sb))
		return cmd_usage_error(c, c->ln->cols[c->word0], "mkfs: the filesystem already exists");
	if (sim->dev_dax)
		return devdax_refuses(c);
	if (!sim->have_pmem && pmem_default(c))
		return -2;
	for (int i = 0; i < c->npos; i++) {
		const char *key;
		char val[64];
		long long n = 0;
		int klen = kv_split(c, i, &key, val, sizeof(val));
		bool num;

		if (klen < 0)
			return klen;
		num = !cvtnum(val, &n);
		/* numbers are range-checked before they are narrowed */
		if (num && ((klen == 9 && !strncmp(key, "blocksize", 9) && (n < 1 || n > 1 << 30)) ||
			    (klen == 7 && !strncmp(key, "agcount", 7) && (n < 1 || n > UINT32_MAX)) ||
			    (klen == 7 && !strncmp(key, "reflink", 7) && (n < 0 || n > 1)) ||
			    (klen == 6 && !strncmp(key, "rmapbt", 6) && (n < 0 || n > 1))))
			return cmd_usage_error(c, c->poscol[i] + klen + 1, "mkfs: %.*s=%s is out of range%s",
					       klen, key, val, key[0] == 'r' ? " (0 or 1)" : "");
		if (klen == 9 && !strncmp(key, "blocksize", 9) && num)
			o.blocksize = (unsigned int)n;
		else if (klen == 7 && !strncmp(key, "reflink", 7) && num)
			o.reflink = n;
		else if (klen == 6 && !strncmp(key, "rmapbt", 6) && num)
			o.rmapbt = n;
		else if (klen == 7 && !strncmp(key, "agcount", 7) && num)
			o.agcount = (xfs_agnumber_t)n;
		else if (klen == 3 && !strncmp(key, "dax", 3) && !strcmp(val, "always"))
			o.dax = XFS_DAX_ALWAYS;
		else if (klen == 3 && !strncmp(key, "dax", 3) && !strcmp(val, "inode"))
			o.dax = XFS_DAX_INODE;
		else if (klen == 3 && !strncmp(key, "dax", 3) && !strcmp(val, "never"))
			o.dax = XFS_DAX_NEVER;
		else
			return cmd_usage_error(c, c->poscol[i], "mkfs: bad option '%s'", c->pos[i]);
	}
	if (xfs_mkfs(&sim->pmem, &o, &mp, err, sizeof(err)))
		return cmd_usage_error(c, c->ln->cols[c->word0], "%s", err);
	sim->sb = &mp->m_super;		/* mounted */
	I->mkfs = o;
	I->have_mkfs = true;
	return 0;
}

static int do_model(struct cmdctx *c)
{
	const struct dax_share_ops *ops = share_find(c->pos[0]);

	if (!ops)
		return cmd_usage_error(c, c->poscol[0], "model: unknown design '%s' (see `daxsim help models`)",
				       c->pos[0]);
	if (I->opts->model)
		return 0;	/* the CLI flag overrides the line, wherever it is */
	if (XFS_M(sim->sb))
		return cmd_usage_error(c, c->poscol[0], "model: must come before the filesystem is used");
	share_ops = ops;
	return 0;
}

/* Read a whole file through the read path, checked against the reference. */
/*
 * Read a file through the read path in 1 MiB pieces, each checked against
 * the reference model (D1), handing each piece to @fn.  Nothing is
 * allocated in proportion to the file size.  Returns 0 or an errno.
 */
#define READ_PIECE	(1UL << 20)

/* The column of the word @path (one of the positionals), for errors. */
static int path_col(struct cmdctx *c, const char *path)
{
	for (int i = 0; i < c->npos; i++)
		if (c->pos[i] == path)
			return c->poscol[i];
	return c->ln->cols[c->word0];
}

static int read_file_range(struct cmdctx *c, const char *path, uint64_t start, uint64_t len,
			   struct xfs_inode **ipp,
			   void (*fn)(const unsigned char *buf, uint64_t off, uint64_t len, void *arg),
			   void *arg)
{
	struct xfs_inode *ip = xfs_lookup(XFS_M(sim->sb), path);
	unsigned char *buf, *want;
	struct file *file;
	bool reported = false;
	uint64_t size;
	int err = 0;

	if (!ip)
		return ENOENT;
	size = MIN(VFS_I(ip)->i_size, start + MIN(len, UINT64_MAX - start));
	if (size > start && io_budget(c, path_col(c, path), size - start))
		return -2;
	/* no bigger than the range: a 1 MiB malloc is an mmap and page faults */
	buf = g_malloc(size > start ? MIN(READ_PIECE, size - start) : 1);
	want = g_malloc(size > start ? MIN(READ_PIECE, size - start) : 1);
	lock_current = &sim->kthread->lockctx;
	file = alloc_file(VFS_I(ip), path, true);	/* md5sum/od open it read-only */
	for (uint64_t off = start; off < size; off += READ_PIECE) {
		uint64_t n = MIN(READ_PIECE, size - off);
		int64_t r = vfs_read(file, buf, n, off);

		if (r < 0 || (uint64_t)r != n) {
			err = r < 0 ? (int)-r : EIO;
			break;
		}
		ref_read(I->ref, ip->i_ino, off, want, n);
		for (uint64_t i = memcmp(buf, want, n) ? 0 : n; i < n && !reported; i++)
			if (buf[i] != want[i]) {
				interp_note_violation("D1");
				out("INVARIANT D1 violated at %s:%d (%s): %s offset %llu: read 0x%02x, reference model has 0x%02x\n",
				    c->scn->file, c->ln->lineno, c->ci->name, path,
				    (unsigned long long)(off + i), buf[i], want[i]);
				I->status = 1;
				reported = true;
			}
		fn(buf, off, n, arg);
	}
	fput(file);
	g_free(buf);
	g_free(want);
	*ipp = ip;
	return err;
}

static int read_file_pieces(struct cmdctx *c, const char *path, struct xfs_inode **ipp,
			    void (*fn)(const unsigned char *buf, uint64_t off, uint64_t len, void *arg),
			    void *arg)
{
	return read_file_range(c, path, 0, UINT64_MAX, ipp, fn, arg);
}

/* expect data: the first offset whose byte differs, or that is missing */
struct data_check {
	unsigned char	byte;
	unsigned char	found;		/* the byte at bad */
	uint64_t	bad;		/* UINT64_MAX: all equal */
	uint64_t	seen_end;
};

static void data_piece(const unsigned char *buf, uint64_t off, uint64_t len, void *arg)
{
	struct data_check *d = arg;

	for (uint64_t i = 0; i < len && d->bad == UINT64_MAX; i++)
		if (buf[i] != d->byte) {
			d->bad = off + i;
			d->found = buf[i];
		}
	d->seen_end = off + len;
}

static void md5_piece(const unsigned char *buf, uint64_t off, uint64_t len, void *arg)
{
	if (arg)
		g_checksum_update(arg, buf, (gssize)len);
}

/*
 * The md5 of @path through the read path, or NULL with *errp set.  For
 * output only (@printed) and the output discarded, the file is read and
 * checked but no digest is computed.
 */
static gchar *file_md5(struct cmdctx *c, const char *path, int *errp, bool printed)
{
	GChecksum *ck = printed && I->opts->discard_output ? NULL : g_checksum_new(G_CHECKSUM_MD5);
	struct xfs_inode *ip;
	gchar *sum = NULL;

	*errp = read_file_pieces(c, path, &ip, md5_piece, ck);
	if (!*errp)
		sum = g_strdup(ck ? g_checksum_get_string(ck) : "(digest not computed: output discarded)");
	if (ck)
		g_checksum_free(ck);
	return sum;
}

static int do_md5sum(struct cmdctx *c)
{
	for (int i = 0; i < c->npos; i++) {
		int err;
		gchar *sum = file_md5(c, c->pos[i], &err, true);

		if (err == -2)
			return -2;	/* over the io limit: a usage error */
		if (!sum)
			out("md5sum: %s: %s\n", c->pos[i], strerror(err));
		else
			out("%s  %s\n", sum, c->pos[i]);
		g_free(sum);
	}
	return 0;
}

/* od -Ax -t x1z: lines of 16 bytes, "*" for repeats of the previous line. */
struct od_state {
	unsigned char	prev[16], line[16];
	unsigned int	fill;
	uint64_t	off;		/* offset of line[0] */
	bool		star, any;
};

static void od_line(struct od_state *st)
{
	unsigned int n = st->fill;

	if (st->any && n == 16 && !memcmp(st->line, st->prev, 16)) {
		if (!st->star)
			out("*\n");
		st->star = true;
	} else {
		st->star = false;
		out("%06llx", (unsigned long long)st->off);
		for (unsigned int j = 0; j < n; j++)
			out(" %02x", st->line[j]);
		for (unsigned int j = n; j < 16; j++)
			out("   ");
		out("  >");
		for (unsigned int j = 0; j < n; j++)
			out("%c", st->line[j] >= 0x20 && st->line[j] < 0x7f ? st->line[j] : '.');
		out("<\n");
	}
	memcpy(st->prev, st->line, 16);
	st->any = true;
	st->off += n;
	st->fill = 0;
}

static void od_piece(const unsigned char *buf, uint64_t off, uint64_t len, void *arg)
{
	struct od_state *st = arg;

	for (uint64_t i = 0; i < len; i++) {
		st->line[st->fill++] = buf[i];
		if (st->fill == 16)
			od_line(st);
	}
}

static int do_od(struct cmdctx *c)
{
	struct od_state st = { .fill = 0 };
	struct xfs_inode *ip;
	int err = read_file_pieces(c, c->pos[0], &ip, od_piece, &st);

	if (err == -2)
		return -2;
	if (err) {
		out("od: %s: %s\n", c->pos[0], strerror(err));
		return 0;
	}
	if (st.fill)
		od_line(&st);
	out("%06llx\n", (unsigned long long)st.off);
	return 0;
}

static int do_cp_reflink(struct cmdctx *c)
{
	struct xfs_inode *src = xfs_lookup(XFS_M(sim->sb), c->pos[0]), *dst;
	uint64_t len = 0;
	bool same;
	int err;

	if (!src) {
		out("cp: cannot stat '%s': No such file or directory\n", c->pos[0]);
		interp_note_errno(ENOENT);
		return 0;
	}
	dst = xfs_lookup(XFS_M(sim->sb), c->pos[1]);
	if (dst == src) {
		/* cp compares the inodes before it opens (and truncates) DST */
		out("cp: '%s' and '%s' are the same file\n", c->pos[0], c->pos[1]);
		interp_note_errno(EINVAL);
		return 0;
	}
	if (!dst) {
		err = xfs_create(XFS_M(sim->sb), c->pos[1], &dst);
		if (err) {
			interp_note_errno(-err);
			return io_error(c, err);
		}
	}
	ihold(VFS_I(dst));
	err = xfs_setattr_size(dst, 0);
	ref_truncate(I->ref, dst->i_ino, 0);
	if (!err && VFS_I(src)->i_size)
		err = xfs_reflink_remap_range(src, 0, dst, 0, &len, 0, &same);
	if (!err) {
		ref_copy(I->ref, src->i_ino, 0, dst->i_ino, 0, ALIGN_UP(VFS_I(src)->i_size, PAGE_SIZE));
		ref_set_size(I->ref, dst->i_ino, VFS_I(src)->i_size);
	}
	touch_inode(src);
	touch_inode(dst);
	iput(VFS_I(dst));
	if (err)
		out("cp: failed to clone '%s' from '%s': %s\n", c->pos[1], c->pos[0], strerror(-err));
	interp_note_errno(-err);	/* a file operation: `expect ok|error` judges it */
	return 0;
}

static int do_rm(struct cmdctx *c)
{
	int last = 0;

	for (int i = 0; i < c->npos; i++) {
		struct xfs_inode *ip = xfs_lookup(XFS_M(sim->sb), c->pos[i]);
		uint64_t ino = ip ? ip->i_ino : 0;
		int err = xfs_remove(XFS_M(sim->sb), c->pos[i]);

		if (err) {
			last = -err;
			out("rm: cannot remove '%s': %s\n", c->pos[i], strerror(-err));
		} else if (!xfs_iget_incore(XFS_M(sim->sb), ino) && !g_tree_lookup(XFS_M(sim->sb)->m_inodes, &ino))
			ref_delete(I->ref, ino);
	}
	interp_note_errno(last);	/* unlink: the last failure, as rm's status */
	return 0;
}

static gboolean busy_task(gpointer k, gpointer v, gpointer d)
{
	struct io_task *io = v;

	/* page pins too: the DMA would outlive the mount (`@T exit` unpins) */
	if (io->task->files->len || io->maps->len || (io->task->pins && io->task->pins->len)) {
		*(struct io_task **)d = io;
		return TRUE;
	}
	return FALSE;
}

struct io_task *task_holding_files(void)
{
	struct io_task *busy = NULL;

	g_tree_foreach(I->io_tasks, busy_task, &busy);
	return busy;
}

/*
 * A shut-down filesystem mounts again only if its metadata reads back: with
 * a poisoned metadata block the mount fails (EFSCORRUPTED) until `repair`.
 */
static int do_remount(struct cmdctx *c)
{
	struct io_task *busy = task_holding_files();
	enum xfs_dax_mode dax = XFS_M(sim->sb)->m_opts.dax;
	uint64_t bad;

	if (c->npos) {	/* the new mount's -o dax=MODE */
		if (!strcmp(c->pos[0], "dax=always") || !strcmp(c->pos[0], "dax"))
			dax = XFS_DAX_ALWAYS;
		else if (!strcmp(c->pos[0], "dax=inode"))
			dax = XFS_DAX_INODE;
		else if (!strcmp(c->pos[0], "dax=never"))
			dax = XFS_DAX_NEVER;
		else
			return cmd_usage_error(c, c->poscol[0],
					       "remount: '%s' is not dax, dax=always, dax=inode or dax=never",
					       c->pos[0]);
	}

	if (busy)
		return cmd_usage_error(c, c->ln->cols[c->word0],
				       "remount: task '%s' still holds open files, mappings or page pins (run `@%s exit` first)",
				       busy->task->name, busy->task->name);
	if (xfs_metadata_poisoned(XFS_M(sim->sb), &bad)) {
		out("remount: mount failed: metadata block %llu is poisoned: Structure needs cleaning (run `repair`)\n",
		    (unsigned long long)bad);
		interp_note_errno(EFSCORRUPTED_);
		return 0;
	}
	XFS_M(sim->sb)->m_opts.dax = dax;	/* S_DAX follows as each inode is read in */
	xfs_remount(XFS_M(sim->sb));
	interp_note_errno(0);
	return 0;
}

static int do_dmesg(struct cmdctx *c)
{
	out("%s", sim->dmesg->str);
	if (c->opt['c'])
		g_string_truncate(sim->dmesg, 0);
	return 0;
}

static int do_keep_going(struct cmdctx *c)
{
	I->keep_going = true;
	return 0;
}

static int do_check(struct cmdctx *c)
{
	/* the run loop follows every command with a check; make this one full */
	I->force_full = true;
	return 0;
}

/* `wait [@T...]`: the waiting itself is the run loop's (conc.c). */
static int do_wait(struct cmdctx *c)
{
	for (int i = 0; i < c->npos; i++)
		if (c->pos[i][0] != '@' || !c->pos[i][1])
			return cmd_usage_error(c, c->poscol[i], "wait: '%s' is not @TASK", c->pos[i]);
		else if (!io_task_find(c->pos[i] + 1))
			return cmd_usage_error(c, c->poscol[i], "wait: no task '%s' (no line has used it yet)",
					       c->pos[i]);
	return 0;
}

static int do_echo(struct cmdctx *c)
{
	for (int i = 0; i < c->npos; i++)
		out("%s%s", i ? " " : "", c->pos[i]);
	out("\n");
	return 0;
}

static int do_prctl(struct cmdctx *c)
{
	if (c->npos == 2 && !strcmp(c->pos[0], "mce_kill") && strcmp(c->pos[1], "early") &&
	    strcmp(c->pos[1], "late"))
		return cmd_usage_error(c, c->poscol[1], "prctl: mce_kill '%s' is not early or late",
				       c->pos[1]);
	if (!c->t || strcmp(c->pos[0], "mce_kill") || c->npos != 2)
		return cmd_usage_error(c, c->poscol[0], "usage: [@TASK] prctl mce_kill early|late");
	c->t->mce_kill = !strcmp(c->pos[1], "early") ? MCE_KILL_EARLY : MCE_KILL_LATE;
	return 0;
}

static void expect_failed(struct cmdctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void expect_failed(struct cmdctx *c, const char *fmt, ...)
{
	va_list ap;
	gchar *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	out("EXPECT FAILED %s:%d: %s\n", c->scn->file, c->ln->lineno, msg);	/* out() escapes */
	g_free(msg);
	I->status = 1;
}

/*
 * Is any block of file blocks [b, end) shared?  Extent by extent through
 * the data fork, each mapped piece asked of the refcount tree as a range:
 * the cost is in extents, never in blocks (a range may be 2^51 blocks).
 */
struct shared_walk {
	xfs_fileoff_t	b, end;
	bool		any;
};

static bool shared_extent(const struct xfs_bmbt_irec *irec, void *arg)
{
	struct shared_walk *w = arg;
	xfs_fileoff_t s = MAX(w->b, irec->br_startoff);
	xfs_fileoff_t e = MIN(w->end, irec->br_startoff + irec->br_blockcount);
	xfs_fsblock_t fbno;
	xfs_filblks_t flen;

	if (s < e && xfs_refcount_find_shared(XFS_M(sim->sb)->m_refc,
					      irec->br_startblock + (s - irec->br_startoff),
					      e - s, &fbno, &flen))
		w->any = true;
	return !w->any;
}

static bool range_shared(struct xfs_inode *ip, xfs_fileoff_t b, xfs_fileoff_t end)
{
	struct shared_walk w = { b, MIN(end, XFS_MAX_FILEOFF), false };

	if (w.b < w.end)
		xfs_iext_walk(ip->i_df, w.b, w.end - w.b, shared_extent, &w);
	return w.any;
}

/*
 * What `expect` names, checked before the run: an invariant ID the checker
 * knows, a task some earlier line created, a signal and si_code a kill can
 * have, an errno name.
 */
int expect_validate(struct cmdctx *c, const struct scn *s, guint idx)
{
	static const char *const ids[] = {
		"D1", "F1", "F2", "F3", "H1", "M1", "M2", "M3", "M4", "M5", "M6", "M7",
		"L-assert", "L-context", "L-cycle", "L-rule", "L-deadlock", "R-race",
		"P-mainline", "P-maplist", "P-rfc", "P-shadow", "P-*",
	};
	static const char *const codes[] = {
		"BUS_ADRERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO", "SEGV_ACCERR", "SEGV_MAPERR", "SI_USER",
	};
	const char *what = c->npos ? c->pos[0] : "";

	if (!strcmp(what, "violation") && c->npos == 2) {
		for (size_t i = 0; i < G_N_ELEMENTS(ids); i++)
			if (!strcmp(ids[i], c->pos[1]))
				return 0;
		return cmd_usage_error(c, c->poscol[1], "expect violation: unknown invariant '%s' (see docs/invariants.md)",
				       c->pos[1]);
	}
	if (!strcmp(what, "error") && c->npos == 2 && !errno_from_name(c->pos[1]))
		return cmd_usage_error(c, c->poscol[1], "expect error: unknown errno name '%s'", c->pos[1]);
	if ((!strcmp(what, "killed") || !strcmp(what, "alive")) && c->npos >= 2) {
		bool seen = !strcmp(c->pos[1], "main");	/* the lines without @TASK */

		for (guint i = 0; i < idx && !seen; i++) {
			const struct scn_line *ln = g_ptr_array_index(s->lines, i);

			seen = ln->task && !strcmp(ln->task, c->pos[1]);
		}
		if (!seen)
			return cmd_usage_error(c, c->poscol[1], "expect %s: no line before this one runs in a task '%s'",
					       what, c->pos[1]);
		if (!strcmp(what, "killed") && c->npos >= 3 && strcmp(c->pos[2], "SIGBUS") &&
		    strcmp(c->pos[2], "SIGSEGV"))
			return cmd_usage_error(c, c->poscol[2], "expect killed: unknown signal '%s' (SIGBUS or SIGSEGV)",
					       c->pos[2]);
		if (!strcmp(what, "killed") && c->npos >= 4) {
			bool known = false;

			for (size_t i = 0; i < G_N_ELEMENTS(codes); i++)
				known |= !strcmp(codes[i], c->pos[3]);
			if (!known)
				return cmd_usage_error(c, c->poscol[3], "expect killed: unknown si_code '%s'", c->pos[3]);
		}
	}
	return 0;
}

/*
 * The previous command's outcome (its task may be gone: xfs_io -c).  Under
 * the scheduler commands end out of line order: the latest line's outcome
 * stays, so a plain `expect ok|error` (which waits for everything first)
 * is about the command of the line before it, whichever ended last.
 */
static struct {
	bool	valid;
	int	last_errno;
	int	line;		/* its scenario line */
} last_cmd;

/* May the command of the current line replace the noted outcome? */
static bool note_replaces(void)
{
	if (I && I->conc && sim_cur_line < last_cmd.line)
		return false;
	last_cmd.line = sim_cur_line;
	return true;
}

static int do_expect(struct cmdctx *c)
{
	const char *what = c->pos[0];
	if (!strcmp(what, "ok") || !strcmp(what, "error")) {
		/* `@T expect`: T's last completed command (one may be in flight) */
		bool have = c->t ? c->io->done_any : last_cmd.valid;
		int got = c->t ? c->io->done_errno : last_cmd.last_errno;
		int want = 0;

		/* a stray word is an error, not silently ignored */
		if (c->npos > (strcmp(what, "error") ? 1 : 2))
			return cmd_usage_error(c, c->poscol[c->npos - 1], "expect %s: unexpected word '%s' (usage: expect %s)",
					       what, c->pos[c->npos - 1], strcmp(what, "error") ? "ok" : "error ERRNO");
		if (c->npos != (strcmp(what, "error") ? 1 : 2))
			return cmd_usage_error(c, c->poscol[0], "usage: expect %s", strcmp(what, "error") ?
					       "ok" : "error ERRNO");
		if (!strcmp(what, "error") && !(want = errno_from_name(c->pos[1])))
			return cmd_usage_error(c, c->poscol[1], "expect error: unknown errno name '%s'",
					       c->pos[1]);
		if (!have && c->t)
			expect_failed(c, "expected %s, but task %s has completed no command",
				      want ? c->pos[1] : "success", c->io->task->name);
		else if (!have)
			expect_failed(c, "expected %s, but no command ran in a task before it",
				      want ? c->pos[1] : "success");
		else if (got != want)
			expect_failed(c, "expected %s, the previous command %s%s", want ? c->pos[1] : "success",
				      got ? "failed with " : "succeeded", got ? errno_name(got) : "");
		return 0;
	}
	if (!strcmp(what, "killed") || !strcmp(what, "alive")) {
		struct task_struct *k;

		if (c->npos < 2)
			return cmd_usage_error(c, c->poscol[0], "expect %s TASK ...", what);
		if (c->npos > (strcmp(what, "alive") ? 4 : 2))
			return cmd_usage_error(c, c->poscol[0], "usage: expect %s", strcmp(what, "alive") ?
					       "killed TASK [SIGBUS|SIGSEGV [CODE]]" : "alive TASK");
		k = g_tree_lookup(sim->tasks, c->pos[1]);
		if (!strcmp(what, "alive")) {
			if (!k || k->dead)
				expect_failed(c, "task %s is not alive", c->pos[1]);
		} else if (!k || !k->dead) {
			expect_failed(c, "task %s was not killed", c->pos[1]);
		} else {
			const char *sig = k->sig == SIG_SEGV ? "SIGSEGV" : "SIGBUS";

			if (c->npos >= 3 && strcmp(c->pos[2], sig))
				expect_failed(c, "task %s was killed by %s, not %s", c->pos[1], sig, c->pos[2]);
			else if (c->npos >= 4 && strcmp(c->pos[3], sicode_name(k->sicode)))
				expect_failed(c, "task %s was killed by %s (%s), not %s", c->pos[1], sig,
					      sicode_name(k->sicode), c->pos[3]);
		}
		return 0;
	}
	if (!strcmp(what, "md5") || !strcmp(what, "data") || !strcmp(what, "shared")) {
		struct xfs_inode *ip;
		int err;

		if (need_fs(c))
			return -2;
		if (!strcmp(what, "shared")) {
			long long off, len;
			bool any = false;

			if (c->npos == 5 && strcmp(c->pos[4], "yes") && strcmp(c->pos[4], "no"))
				return cmd_usage_error(c, c->poscol[4], "expect shared: '%s' is not yes or no",
						       c->pos[4]);
			if (c->npos != 5)
				return cmd_usage_error(c, c->poscol[0], "usage: expect shared PATH off len yes|no");
			if (range_args(c, 2, &off, &len))
				return -2;
			ip = xfs_find_inode(XFS_M(sim->sb), c->pos[1]);	/* an observer: not read in */
			if (ip && len)
				any = range_shared(ip, (uint64_t)off >> PAGE_SHIFT,
						   ALIGN_UP((uint64_t)(off + len), PAGE_SIZE) >> PAGE_SHIFT);
			if (any != !strcmp(c->pos[4], "yes"))
				expect_failed(c, "%s [%lld, +%lld) is %sshared", c->pos[1], off, len, any ? "" : "not ");
			return 0;
		}
		if (!strcmp(what, "md5")) {
			gchar *sum;

			if (c->npos != 3)
				return cmd_usage_error(c, c->poscol[0], "usage: expect md5 PATH HEX");
			sum = file_md5(c, c->pos[1], &err, false);
			if (err == -2)
				return -2;
			if (!sum || g_ascii_strcasecmp(sum, c->pos[2]))	/* hex in either case */
				expect_failed(c, "md5 of %s is %s, expected %s", c->pos[1],
					      sum ? sum : "(unreadable)", c->pos[2]);
			g_free(sum);
		} else {
			long long off, len, byte;
			struct data_check d = { .bad = UINT64_MAX };

			if (c->npos != 5)
				return cmd_usage_error(c, c->poscol[0], "usage: expect data PATH off len BYTE");
			if (range_args(c, 2, &off, &len))
				return -2;
			if (cvtnum(c->pos[4], &byte) || byte < 0 || byte > 255)
				return cmd_usage_error(c, c->poscol[4], "expect: bad byte '%s' (0 .. 255)", c->pos[4]);
			d.byte = (unsigned char)byte;
			d.seen_end = (uint64_t)off;
			err = read_file_range(c, c->pos[1], (uint64_t)off, (uint64_t)len, &ip, data_piece, &d);
			if (err == -2)
				return -2;
			if (err)
				expect_failed(c, "%s offset %lld: unreadable (%s), expected 0x%02llx", c->pos[1],
					      off, strerror(err), byte & 0xff);
			else if (d.bad != UINT64_MAX)
				expect_failed(c, "%s offset %llu: found 0x%02x, expected 0x%02llx", c->pos[1],
					      (unsigned long long)d.bad, d.found, byte & 0xff);
			else if (d.seen_end < (uint64_t)(off + len))
				expect_failed(c, "%s offset %llu: beyond EOF, expected 0x%02llx", c->pos[1],
					      (unsigned long long)d.seen_end, byte & 0xff);
		}
		return 0;
	}
	if (!strcmp(what, "violation")) {
		bool found = false;

		if (c->npos != 2)
			return cmd_usage_error(c, c->poscol[0], "usage: expect violation ID");
		/* "P-*": the selected design's own invariant, whatever its name */
		for (guint i = 0; checker_pending && i < checker_pending->len; i++) {
			const char *id = g_ptr_array_index(checker_pending, i);

			if (!strcmp(id, c->pos[1]) ||
			    (!strcmp(c->pos[1], "P-*") && !strncmp(id, "P-", 2))) {
				found = true;
				checker_claim_pending(i, c->ln->lineno);
			}
		}
		if (!found)
			expect_failed(c, "the last check did not find %s violated", c->pos[1]);
		checker_pending_clear();
		return 0;
	}
	return cmd_usage_error(c, c->poscol[0], "expect: unknown expectation '%s'", what);
}

/*
 * The -c command at word *@i of an xfs_io line, or NULL (getopt "ftrc:":
 * -c CMD, -cCMD, -fc CMD, -fcCMD); *@i moves past CMD, *@col is its column.
 */
static const char *xfs_io_next_cmd(const struct scn_line *ln, int *i, int *col)
{
	const char *w = ln->argv[*i];

	*col = ln->cols[*i];
	if (w[0] != '-' || w[1] == '-')
		return NULL;
	for (const char *p = w + 1; *p; p++) {
		if (*p != 'c')
			continue;
		if (p[1])
			return p + 1;
		if (*i + 1 < ln->argc) {
			++*i;
			*col = ln->cols[*i];
			return ln->argv[*i];
		}
		return NULL;
	}
	return NULL;
}

int xfs_io_validate(struct cmdctx *c, struct scn_line *ln)
{
	for (int i = 1; i < ln->argc; i++) {
		int col, nw, ret = 0;
		const char *cmd = xfs_io_next_cmd(ln, &i, &col);
		const struct cmdinfo *ci;
		gchar **words;

		if (!cmd)
			continue;
		c->ln = ln;
		if (!g_shell_parse_argv(cmd, &nw, &words, NULL))
			return cmd_usage_error(c, col, "xfs_io: cannot parse -c '%s'", cmd);
		ci = cmd_lookup(words[0]);
		if (!ci || (ci->flags & CMD_SIM)) {
			ret = ci ? cmd_usage_error(c, col, "xfs_io: command \"%s\" not found (a simulator command: write it as its own line)", words[0])
				 : cmd_usage_error(c, col, "unknown command '%s'", words[0]);
		} else {
			struct scn_line sub = *ln;
			int *cols = g_new(int, nw);
			struct cmdctx sc = { .scn = c->scn, .err = c->err, .ln = &sub, .ci = ci };

			for (int k = 0; k < nw; k++)
				cols[k] = col;
			sub.argc = nw;
			sub.argv = words;
			sub.cols = cols;
			ret = cmd_parse_args(&sc, ci, &sub, 1);
			g_free(cols);
		}
		g_strfreev(words);
		if (ret)
			return ret;
	}
	return 0;
}

int xfs_io_exitcode;

/* xfs_io [-f] [-t] [-r] -c CMD [-c CMD]... PATH: a transient task. */
static int do_xfs_io(struct cmdctx *c)
{
	struct task_struct *t;
	struct io_task *io;
	struct file *f = NULL;
	struct scn_line *orig = c->ln;
	const struct cmdinfo *self = c->ci;
	const char *path;
	int ret = 0, err, word0 = c->word0, pathcol = c->poscol[c->npos - 1];

	xfs_io_exitcode = 1;	/* xfs_io's exitcode: 1 once a command failed */
	if (need_fs(c))
		return -2;
	if (!c->npos)
		return cmd_usage_error(c, c->ln->cols[c->word0], "xfs_io: a file is required");
	path = c->pos[c->npos - 1];
	t = task_create("xfs_io", sim->next_pid++);
	io = io_task_create(t);
	io->transient = true;
	lock_current = &t->lockctx;
	if (sim->dev_dax && devdax_path(c, path, pathcol)) {
		io_task_free(io);
		task_free(t);
		lock_current = &sim->kthread->lockctx;
		return -2;
	}
	if (!sim->dev_dax) {
		struct xfs_inode *ip = xfs_lookup(XFS_M(sim->sb), path);

		if (!ip && !c->opt['f']) {
			out("%s: No such file or directory\n", path);
			io->last_errno = ENOENT;		/* for `expect error ENOENT` */
			interp_note_task(io);
			io_task_free(io);
			task_free(t);
			return 0;
		}
	}
	/* open like the `open` command */
	{
		struct scn_line open_ln = *c->ln;
		char *argv[4] = { "open", NULL, NULL, NULL };
		int cols[4] = { c->ln->cols[c->word0], 0, 0, 0 };
		char flags[8] = "-";
		int n = 1;

		if (c->opt['f']) strcat(flags, "f");
		if (c->opt['t']) strcat(flags, "t");
		if (c->opt['r']) strcat(flags, "r");
		if (c->opt['d']) strcat(flags, "d");
		if (flags[1]) {
			argv[n] = flags;
			cols[n++] = c->ln->cols[c->word0];
		}
		argv[n] = (char *)path;
		cols[n++] = pathcol;
		open_ln.argc = n;
		open_ln.argv = argv;
		open_ln.cols = cols;
		ret = run_command(c, &open_ln, 0, io);
		f = t->files->len ? cur_file(c) : NULL;
		c->ln = orig;
		c->ci = self;
		c->word0 = word0;
		interp_note_task(io);
	}
	/* xfs_io exits when it cannot open its file: no -c command runs */
	if (!f)
		goto done;
	xfs_io_exitcode = 0;
	for (int i = 1; ret == 0 && i < orig->argc && !t->dead; i++) {
		gchar **words;
		struct scn_line sub = *orig;
		int *cols, nw, col;
		const char *cmd = xfs_io_next_cmd(orig, &i, &col);

		if (!cmd)
			continue;
		if (!g_shell_parse_argv(cmd, &nw, &words, NULL)) {
			c->ln = orig;
			io_task_exit(io);
			io_task_free(io);
			task_free(t);
			lock_current = &sim->kthread->lockctx;
			return cmd_usage_error(c, col, "xfs_io: cannot parse -c '%s'", cmd);
		}
		if (nw && cmd_lookup(words[0]) && (cmd_lookup(words[0])->flags & CMD_SIM)) {
			/* xfs_io has no such command: `remount` here skipped its busy check */
			c->ln = orig;
			io_task_exit(io);
			io_task_free(io);
			task_free(t);
			lock_current = &sim->kthread->lockctx;
			ret = cmd_usage_error(c, col, "xfs_io: command \"%s\" not found "
					      "(a simulator command: write it as its own line)", words[0]);
			g_strfreev(words);
			return ret;
		}
		cols = g_new(int, nw);
		for (int k = 0; k < nw; k++)
			cols[k] = col;
		sub.argc = nw;
		sub.argv = words;
		sub.cols = cols;
		{
			struct cmdctx sc = { .scn = c->scn, .err = c->err };

			ret = run_command(&sc, &sub, 0, io);
			interp_note_task(io);
			/*
			 * xfsprogs' reflink_f and dedupe_f report a failed ioctl but leave
			 * exitcode; only a source they cannot open (ENOENT) sets it
			 */
			if (io->last_errno && ((strcmp(words[0], "reflink") && strcmp(words[0], "dedupe") &&
						strcmp(words[0], "copy_range")) || io->last_errno == ENOENT))
				xfs_io_exitcode = 1;
			/*
			 * copy_range_f returns the syscall's errno, and a command
			 * that returns non-zero ends xfs_io's command loop: the
			 * commands after a failed copy are not run (exit status 0).
			 */
			if (!strcmp(words[0], "copy_range") && io->last_errno && io->last_errno != ENOENT) {
				g_strfreev(words);
				g_free(cols);
				break;
			}
		}
		g_strfreev(words);
		g_free(cols);
	}
done:
	err = ret;
	if (t->dead)	/* the shell's status of a process killed by SIGNAL */
		xfs_io_exitcode = 128 + (t->sig == SIG_SEGV ? 11 : 7);
	lock_current = &sim->kthread->lockctx;
	io_task_exit(io);
	io_task_free(io);
	task_free(t);
	return err;
}

static int do_help_stub(struct cmdctx *c)
{
	return 0;
}



static const struct cmdinfo sim_cmds[] = {
	{ "pmem", NULL, do_pmem, 1, 4, NULL, NULL, "ssss", CMD_NOTASK | CMD_SIM, "size=SIZE [mode=fsdax|devdax] [align=4k|2m|1g] [backing=auto|hugetlbfs|memfd|file:PATH]", "create the simulated pmem device (devdax: the character device /dev/dax0.0, no filesystem)" },
	{ "mkfs", NULL, do_mkfs, 0, 5, NULL, NULL, "sssss", CMD_NOTASK | CMD_SIM, "[blocksize=4096] [reflink=1] [rmapbt=1] [dax=always|inode|never] [agcount=N]", "make the filesystem" },
	{ "model", NULL, do_model, 1, 1, NULL, NULL, "s", CMD_NOTASK | CMD_SIM, "NAME", "select the page-sharing design (the --model flag wins)" },
	{ "md5sum", NULL, do_md5sum, 1, MAX_POS, NULL, NULL, "s", CMD_NOTASK | CMD_SIM | CMD_FS, "PATH...", "md5 of each file through the read path" },
	{ "od", NULL, do_od, 1, 1, NULL, NULL, "s", CMD_NOTASK | CMD_SIM | CMD_FS, "PATH", "the file as od -Ax -t x1z prints it" },
	{ "cp_reflink", NULL, do_cp_reflink, 2, 2, NULL, NULL, "ss", CMD_NOTASK | CMD_SIM | CMD_FS, "SRC DST", "cp --reflink=always" },
	{ "rm", NULL, do_rm, 1, MAX_POS, NULL, NULL, "s", CMD_NOTASK | CMD_SIM | CMD_FS, "PATH...", "unlink; blocks are freed with the last reference" },
	{ "remount", NULL, do_remount, 0, 1, NULL, NULL, "s", CMD_NOTASK | CMD_SIM | CMD_FS, "[dax=always|inode|never]", "cycle mount, optionally with another dax mount option (refused while any task holds files or mappings)" },
	{ "poison", NULL, do_poison, 2, 3, "d", NULL, "sss", CMD_NOTASK | CMD_SIM | CMD_FS, "PATH off len | -d DADDR len", "a media error under a file range / at device bytes (no current task: action optional)" },
	{ "repair", NULL, do_repair, 0, 0, NULL, NULL, "", CMD_NOTASK | CMD_SIM | CMD_FS, "", "xfs_repair: rewrite poisoned metadata (clears its poison) and mount again" },
	{ "dmesg", NULL, do_dmesg, 0, 0, "c", NULL, "", CMD_NOTASK | CMD_SIM, "[-c]", "print the simulated kernel log" },
	{ "daxstat", NULL, do_daxstat, 0, 0, "r", NULL, "", CMD_NOTASK | CMD_SIM, "[-r]", "fault counters and the sharing design's holdings (-r: reset the counters)" },
	{ "keep-going", NULL, do_keep_going, 0, 0, NULL, NULL, "", CMD_NOTASK | CMD_SIM, "", "from here on an invariant violation is reported and the run goes on (exit 1 at the end)" },
	{ "check", NULL, do_check, 0, 0, NULL, NULL, "", CMD_NOTASK | CMD_SIM | CMD_FS, "", "a full invariant sweep now" },
	{ "wait", NULL, do_wait, 0, MAX_POS, NULL, NULL, "s", CMD_NOTASK | CMD_SIM, "[@TASK...]", "wait for the background commands (of those tasks)" },
	{ "echo", NULL, do_echo, 0, MAX_POS, NULL, NULL, "s", CMD_NOTASK | CMD_SIM, "TEXT", "print TEXT" },
	{ "prctl", NULL, do_prctl, 2, 2, NULL, NULL, "ss", CMD_SIM, "mce_kill early|late", "the task's memory-failure kill policy ([@TASK] prctl ...; main without one)" },
	{ "expect", NULL, do_expect, 1, 5, NULL, NULL, "sssss", CMD_NOTASK | CMD_SIM, "ok | error ERRNO | killed TASK SIGBUS [CODE] | alive TASK | md5 PATH HEX | data PATH off len BYTE | shared PATH off len yes|no | violation ID", "check an expectation" },
	{ "xfs_io", NULL, do_xfs_io, 1, 1, "ftrdc:", NULL, "s", CMD_NOTASK | CMD_SIM | CMD_FS, "[-f] [-t] [-r] [-d] -c CMD [-c CMD]... PATH", "run commands in a transient task on PATH" },
	{ "lockdep", NULL, do_lockdep, 2, 2, NULL, NULL, "ss", CMD_NOTASK | CMD_SIM, "inject NAME|off", "test only: a kernel path takes its locks in a broken order" },
	{ "help", NULL, do_help_stub, 0, 1, NULL, NULL, "s", CMD_NOTASK | CMD_SIM, "[COMMAND]", "use `daxsim help` on the command line" },
	{ NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, NULL, NULL },
};

/* name (and xfs_io altname) -> command; the first row of a name wins, io_cmds first */
static void cmd_index_add(GHashTable *h, const char *name, const struct cmdinfo *ci)
{
	if (!g_hash_table_contains(h, name))
		g_hash_table_insert(h, (gpointer)name, (gpointer)ci);
}

const struct cmdinfo *cmd_lookup(const char *name)
{
	static GHashTable *index;	/* built once; a lookup, never iterated */

	if (!index) {
		index = g_hash_table_new(g_str_hash, g_str_equal);
		for (int i = 0; io_cmds[i].name; i++) {
			cmd_index_add(index, io_cmds[i].name, &io_cmds[i]);
			if (io_cmds[i].altname)
				cmd_index_add(index, io_cmds[i].altname, &io_cmds[i]);
		}
		for (int i = 0; sim_cmds[i].name; i++)
			cmd_index_add(index, sim_cmds[i].name, &sim_cmds[i]);
	}
	return g_hash_table_lookup(index, name);
}

const struct cmdinfo *cmd_table(int *n)
{
	static struct cmdinfo *all;
	static int count;

	if (!all) {
		int a = 0, b = 0;

		while (io_cmds[a].name)
			a++;
		while (sim_cmds[b].name)
			b++;
		all = g_new0(struct cmdinfo, a + b + 1);
		memcpy(all, io_cmds, sizeof(*all) * a);
		memcpy(all + a, sim_cmds, sizeof(*all) * b);
		count = a + b;
	}
	*n = count;
	return all;
}

int interp_last_errno(void)
{
	return last_cmd.valid ? last_cmd.last_errno : 0;
}

void interp_note_errno(int err)
{
	if (!note_replaces())
		return;
	last_cmd.valid = true;
	last_cmd.last_errno = err;
}

void interp_note_task(struct io_task *io)
{
	if (!io) {
		last_cmd.valid = false;		/* a new run: no command yet */
		last_cmd.line = 0;
		return;
	}
	io->done_errno = io->last_errno;	/* its command completed: what `@T expect` sees */
	io->done_any = true;
	if (!note_replaces())
		return;
	last_cmd.valid = true;
	last_cmd.last_errno = io->last_errno;
}
