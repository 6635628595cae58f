// SPDX-License-Identifier: MIT
/*
 * The xfs_io commands: files (open, pwrite, pread, reflink, dedupe,
 * truncate, fallocate family, fsync, fiemap, chattr, statx) and mappings
 * (mmap, mread, mwrite, msync, munmap, madvise).  Reports as xfs_io prints
 * its first line; the reference model is updated and every read checked.
 */
#include <string.h>

#include "fileattr.h"
#include "interp.h"
#include "pagemap.h"
#include "pmem.h"
#include "xfs_iext.h"
#include "checker.h"
#include "memory_failure.h"
#include "scheduler.h"
#include "lock.h"
#include "trace.h"

/* D1: compare what the kernel returned with the reference model. */
static void check_read(struct cmdctx *c, const char *what, uint64_t ino, uint64_t off,
		       const unsigned char *got, uint64_t len)
{
	unsigned char *want;

	if (!interp_d1_applies())
		return;
	want = g_malloc(len ? len : 1);
	ref_read(I->ref, ino, off, want, len);
	for (uint64_t i = memcmp(got, want, len) ? 0 : len; i < len; i++) {
		if (got[i] != want[i]) {
			interp_note_violation("D1");
			out("INVARIANT D1 violated at %s:%d (%s): ino %llu offset %llu: read 0x%02x, reference model has 0x%02x\n",
			    c->scn->file, c->ln->lineno, what, (unsigned long long)ino,
			    (unsigned long long)(off + i), got[i], want[i]);
			I->status = 1;
			break;
		}
	}
	g_free(want);
}

static int open_file(struct io_task *io, const char *path, bool creat, bool trunc,
		     bool rdonly, struct file **fp)
{
	struct task_struct *t = io->task;
	struct xfs_inode *ip;
	struct file *f;
	int err;

	if (sim->dev_dax) {
		/* chrdev_open -> dax_open (the path was checked: devdax_path) */
		f = dax_open(sim->dev_dax, path, rdonly);
		goto opened;
	}
	ip = xfs_lookup(XFS_M(sim->sb), path);
	if (!ip) {
		if (!creat)
			return -ENOENT;
		err = xfs_create(XFS_M(sim->sb), path, &ip);
		if (err)
			return err;
		ref_set_size(I->ref, ip->i_ino, 0);
	}
	if (XFS_M(sim->sb)->m_shutdown)
		return -EIO;
	f = alloc_file(VFS_I(ip), path, rdonly);
	/* O_TRUNC truncates an O_RDONLY open too (build_open_flags: MAY_WRITE) */
	if (trunc) {
		err = xfs_setattr_size(ip, 0);
		if (err) {
			fput(f);
			return err;
		}
		ref_truncate(I->ref, ip->i_ino, 0);
		touch_inode(ip);
	}
opened:
	g_ptr_array_add(t->files, f);
	io->curfile = (int)t->files->len - 1;
	*fp = f;
	return 0;
}

/*
 * xfs_io's init_check_command(): a command that needs an open file or a
 * current mapping says so without naming itself.
 */
static int no_file(struct cmdctx *c)
{
	out("no files are open, try 'help open'\n");
	interp_trouble("%s: no files are open", c->ci->name);
	if (c->t)
		c->io->last_errno = EBADF;
	return 0;
}

static int no_map(struct cmdctx *c)
{
	out("no mapped regions, try 'help mmap'\n");
	if (c->t)
		c->io->last_errno = EINVAL;
	return 0;
}

static int do_open(struct cmdctx *c)
{
	struct file *f;
	int err;

	if (sim->dev_dax && devdax_path(c, c->pos[0], c->poscol[0]))
		return -2;
	err = open_file(c->io, c->pos[0], c->opt['f'], c->opt['t'], c->opt['r'], &f);
	if (err)
		return errno_report(c, c->pos[0], err);
	if (c->opt['d']) {
		/*
		 * O_DIRECT: a DAX file's reads and writes go to pmem whatever the
		 * flag (XFS's DAX address_space_operations have a no-op
		 * direct_IO), so it changes nothing there; a page-cache file's
		 * I/O goes around the cache (xfs_file_dio_read/write).
		 */
		f->f_direct = true;
	}
	return 0;
}

/* xfs_io's filelist_f(): "[NNN]" marks the current file. */
static void filelist(struct io_task *io)
{
	struct task_struct *t = io->task;

	for (guint i = 0; i < t->files->len; i++) {
		struct file *f = g_ptr_array_index(t->files, i);
		bool cur = (int)i == io->curfile;

		out("%c%03d%c %-14s (%s,%s,%s,%s)\n", cur ? '[' : ' ', i, cur ? ']' : ' ',
		    f->f_path, inode_is_dev_dax(file_inode(f)) ? "foreign" : "xfs", "non-sync",
		    f->f_direct ? "direct" : "non-direct",
		    f->f_readonly ? "read-only" : "read-write");
	}
}

static int do_file(struct cmdctx *c)
{
	struct task_struct *t = c->t;
	struct io_task *io = c->io;

	if (!cur_file(c))
		return no_file(c);
	if (!c->npos) {
		filelist(c->io);
		return 0;
	}
	if (c->posnum[0] >= t->files->len) {
		out("value %lld is out of range (0-%u)\n", c->posnum[0], t->files->len - 1);
		io->last_errno = EINVAL;
		return 0;
	}
	io->curfile = (int)c->posnum[0];
	filelist(c->io);
	return 0;
}

/*
 * xfs_io's close_f(): the entries above slide down over the closed one,
 * the same slot stays current (the previous one if the last was closed),
 * and the remaining table is printed.
 */
static int do_close(struct cmdctx *c)
{
	struct task_struct *t = c->t;
	struct io_task *io = c->io;
	struct file *f = cur_file(c);
	int slot = io->curfile;

	if (!f)
		return no_file(c);
	g_ptr_array_remove_index(t->files, (guint)slot);
	fput(f);
	if (t->files->len) {
		if (slot == (int)t->files->len)
			slot--;
		io->curfile = slot;
	} else {
		io->curfile = -1;
	}
	filelist(c->io);
	return 0;
}

/* -b BSIZE: 1 .. the per-command io limit (the buffer is allocated) */
static int bsize_check(struct cmdctx *c)
{
	uint64_t limit = I->opts->io_limit ? I->opts->io_limit : IO_LIMIT_DEFAULT;

	if (c->opt['b'] && (c->optnum['b'] < 1 || (uint64_t)c->optnum['b'] > limit))
		return cmd_usage_error(c, c->optcol['b'], "%s: -b %s is out of range (1..%llu)",
				       c->ci->name, c->optarg['b'], (unsigned long long)limit);
	return 0;
}

/*
 * xfs_io's write_random(): COUNT / BSIZE writes of BSIZE bytes, each at a
 * block-aligned offset drawn from random() seeded with -Z N (srandom).
 * xfs_io seeds it with the time without -Z; here the seed is then 1, so a
 * scenario prints the same bytes every run.  Offsets repeat, so some blocks
 * of the range may stay unwritten, as with xfs_io.
 */
static int pwrite_random(struct cmdctx *c, struct file *f, const unsigned char *buf,
			 uint64_t bsize, uint64_t *total)
{
	int64_t off0 = c->posnum[0], count = c->posnum[1], range;
	struct random_data rd = { 0 };
	char state[128] = { 0 };
	unsigned int zeed = c->opt['Z'] && c->optnum['Z'] ? (unsigned int)c->optnum['Z'] : 1;

	initstate_r(zeed, state, sizeof(state), &rd);
	off0 -= off0 % (int64_t)bsize;
	if (count % (int64_t)bsize)
		count += count % (int64_t)bsize;
	count = MAX((int64_t)bsize, count);
	range = count - (int64_t)bsize;
	*total = 0;
	while (count > 0) {
		int32_t r = 0;
		int64_t off = off0, w;

		random_r(&rd, &r);
		if (range)
			off = (off0 + r % range) / (int64_t)bsize * (int64_t)bsize;
		w = vfs_write(f, buf, bsize, (uint64_t)off);
		if (!inode_is_dev_dax(file_inode(f)))
			touch_inode(XFS_I(file_inode(f)));
		if (w < 0)
			return io_error(c, (int)-w);
		ref_write(I->ref, file_inode(f)->i_ino, (uint64_t)off, buf, (uint64_t)w);
		*total += (uint64_t)w;
		if (w < (int64_t)bsize)
			break;
		count -= w;
	}
	return 0;
}

static int do_pwrite(struct cmdctx *c)
{
	struct file *f = cur_file(c);
	uint64_t off = (uint64_t)c->posnum[0], len = (uint64_t)c->posnum[1];
	uint64_t bsize = c->opt['b'] ? (uint64_t)c->optnum['b'] : 4096, done = 0;
	/* xfs_io reads -S with strtoul(optarg, &sp, 0): "1k" is 1, not 1024 */
	unsigned char seed = c->opt['S'] ? (unsigned char)strtoul(c->optarg['S'], NULL, 0) : 0xcd;
	unsigned char *buf;

	if (bsize_check(c))
		return -2;
	if (f->f_readonly)
		return io_error(c, EBADF);
	if (io_budget(c, c->poscol[1], len))
		return -2;
	if (c->opt['R']) {
		int err;

		if (io_budget(c, c->poscol[1], len + bsize))
			return -2;
		buf = g_malloc(bsize);
		memset(buf, seed, bsize);
		err = pwrite_random(c, f, buf, bsize, &done);
		g_free(buf);
		if (err)
			return err;
		goto report;
	}
	buf = g_malloc(MIN(bsize, MAX(len, 1)));
	memset(buf, seed, MIN(bsize, MAX(len, 1)));
	while (done < len) {
		uint64_t n = MIN(bsize, len - done);
		int64_t w = vfs_write(f, buf, n, off + done);

		if (!inode_is_dev_dax(file_inode(f)))
			touch_inode(XFS_I(file_inode(f)));
		if (w > 0)
			ref_write(I->ref, file_inode(f)->i_ino, off + done, buf, (uint64_t)w);
		if (w < 0) {
			g_free(buf);
			return io_error(c, (int)-w);
		}
		if (w == 0)
			break;
		done += (uint64_t)w;
	}
	g_free(buf);
report:
	if (c->opt['w'] || c->opt['W'])
		vfs_fsync_range(f, 0, UINT64_MAX, 0);
	if (!c->opt['q'])
		out("wrote %llu/%llu bytes at offset %llu\n", (unsigned long long)done,
		    (unsigned long long)len, (unsigned long long)off);
	return 0;
}

static int do_pread(struct cmdctx *c)
{
	struct file *f = cur_file(c);
	uint64_t off = (uint64_t)c->posnum[0], len = (uint64_t)c->posnum[1];
	uint64_t bsize = c->opt['b'] ? (uint64_t)c->optnum['b'] : 4096, done = 0;
	unsigned char *buf;

	if (bsize_check(c))
		return -2;
	if (io_budget(c, c->poscol[1], MIN(len, i_size_read(file_inode(f)) > off ? i_size_read(file_inode(f)) - off : 0)))
		return -2;
	if (c->opt['v'] && dump_budget(c, c->poscol[1], MIN(len, i_size_read(file_inode(f)) > off ? i_size_read(file_inode(f)) - off : 0)))
		return -2;
	bsize = MIN(bsize, MAX(len, 1));
	buf = g_malloc(bsize);
	while (done < len) {
		uint64_t n = MIN(bsize, len - done);
		int64_t r = vfs_read(f, buf, n, off + done);

		if (r < 0) {
			g_free(buf);
			return io_error(c, (int)-r);
		}
		if (r == 0)
			break;
		check_read(c, "pread", file_inode(f)->i_ino, off + done, buf, (uint64_t)r);
		if (c->opt['v'])
			dump_buffer(off + done, buf, (uint64_t)r);
		done += (uint64_t)r;
	}
	g_free(buf);
	if (!c->opt['q'])
		out("read %llu/%llu bytes at offset %llu\n", (unsigned long long)done,
		    (unsigned long long)len, (unsigned long long)off);
	return 0;
}

/*
 * The reference model after a clone or a copy into @dst at @doff: a gap
 * past its EOF reads as zeroes, @count bytes of @src at @soff land there,
 * and the size grows to cover @len of them.
 */
static void ref_copy_into(uint64_t src, uint64_t soff, uint64_t dst, uint64_t doff,
			  uint64_t count, uint64_t len)
{
	uint64_t dsize = ref_size(I->ref, dst);

	if (doff > dsize)
		ref_zero(I->ref, dst, dsize, doff - dsize);
	ref_copy(I->ref, src, soff, dst, doff, count);
	if (doff + len > dsize)
		ref_set_size(I->ref, dst, doff + len);
}

/* reflink / dedupe: the shared remap entry */
static int remap(struct cmdctx *c, bool dedupe)
{
	struct file *f = cur_file(c);
	struct xfs_inode *src = xfs_lookup(XFS_M(sim->sb), c->pos[0]);
	uint64_t soff = 0, doff = 0, len = 0, bcount;
	const char *ioc;
	bool same = true;
	int err;

	if (!src)
		return errno_report(c, c->pos[0], ENOENT);
	if (c->npos == 4) {
		soff = (uint64_t)c->posnum[1];
		doff = (uint64_t)c->posnum[2];
		len = (uint64_t)c->posnum[3];
	} else if (c->npos != 1 || dedupe) {
		return cmd_usage_error(c, c->poscol[c->npos - 1], "%s: usage: %s %s",
				       c->ci->name, c->ci->name, c->ci->args);
	}
	/* xfs_io names the ioctl: FICLONE / FICLONERANGE / FIDEDUPERANGE */
	ioc = dedupe ? "XFS_IOC_FILE_EXTENT_SAME" :
	      c->npos == 4 && (soff || doff || len) ? "XFS_IOC_CLONE_RANGE" : "XFS_IOC_CLONE";	/* 0 0 0: FICLONE */
	/*
	 * A read-only destination is EBADF for a clone; dedupe only needs
	 * allow_file_dedupe(), which CAP_SYS_ADMIN (the simulated user,
	 * like the root-run real-XFS replay) always passes.
	 */
	if (f->f_readonly && !dedupe)
		return errno_report(c, ioc, EBADF);
	/*
	 * Dedupe reads both ranges to compare them, but never past either
	 * file's EOF: a range past the destination's is EINVAL before any
	 * byte is read (generic_remap_checks), whatever its length.
	 */
	if (dedupe) {
		uint64_t ssize = VFS_I(src)->i_size, dsize = i_size_read(file_inode(f));
		uint64_t cmp = MIN(len, ssize > soff ? ssize - soff : 0);

		if (io_budget(c, c->poscol[3], 2 * MIN(cmp, dsize > doff ? dsize - doff : 0)))
			return -2;
	}
	{
		uint64_t req = len;

		err = xfs_reflink_remap_range(src, soff, XFS_I(file_inode(f)), doff, &len,
					      dedupe ? REMAP_FILE_DEDUP : 0, &same);
		touch_inode(src);
		touch_inode(XFS_I(file_inode(f)));
		if (err)
			return errno_report(c, ioc, err);
		if (dedupe && !same) {
			out("dedupe: Extents did not match.\n");
			c->io->last_errno = 0;
			return 0;
		}
		if (len) {
			/* value semantics: copy the bytes, whole blocks at the source EOF */
			bcount = soff + len == ref_size(I->ref, src->i_ino) ?
				 ALIGN_UP(len, PAGE_SIZE) : len;
			if (!dedupe)
				ref_copy_into(src->i_ino, soff, file_inode(f)->i_ino, doff, bcount, len);
		}
		if (!c->opt['q']) {
			/*
			 * FIDEDUPERANGE's bytes_deduped is the requested length even
			 * when remap_checks rounded an unaligned tail down to whole
			 * blocks (real XFS: "deduped 5000/5000").
			 */
			if (dedupe)
				out("deduped %llu/%llu bytes at offset %llu\n", (unsigned long long)req,
				    (unsigned long long)req, (unsigned long long)doff);
			else
				out("linked %llu/%llu bytes at offset %llu\n", (unsigned long long)req,
				    (unsigned long long)req, (unsigned long long)doff);
		}
	}
	return 0;
}

/*
 * copy_range [-s SRC_OFF] [-d DST_OFF] [-l LEN] SRC | -f N: copy_file_range(2)
 * from SRC (opened read-only) or the task's file N into the current file,
 * called again, as xfs_io does, until LEN bytes moved or a call moved none;
 * without -l, LEN is the source's size.  XFS shares whole blocks where it
 * can and the VFS copies the rest.  Prints nothing unless it fails.
 */
static int do_copy_range(struct cmdctx *c)
{
	struct file *f = cur_file(c), *in;
	struct inode *dst = file_inode(f);
	uint64_t soff = c->opt['s'] ? (uint64_t)c->optnum['s'] : 0;
	uint64_t doff = c->opt['d'] ? (uint64_t)c->optnum['d'] : 0, len;

	if (c->opt['f'] == !!c->npos)
		return cmd_usage_error(c, c->ln->cols[c->word0], "copy_range: usage: copy_range %s",
				       c->ci->args);
	if (c->opt['f']) {
		if ((uint64_t)c->optnum['f'] >= c->t->files->len)
			return errno_report(c, "copy_range", EBADF);
		in = get_file(g_ptr_array_index(c->t->files, (guint)c->optnum['f']));
	} else {
		struct xfs_inode *ip = xfs_lookup(XFS_M(sim->sb), c->pos[0]);

		if (!ip)
			return errno_report(c, c->pos[0], ENOENT);
		in = alloc_file(VFS_I(ip), c->pos[0], true);
	}
	len = c->opt['l'] ? (uint64_t)c->optnum['l'] : i_size_read(file_inode(in));
	if (io_budget(c, c->ln->cols[c->word0], MIN(len, i_size_read(file_inode(in)) > soff ?
						       i_size_read(file_inode(in)) - soff : 0))) {
		fput(in);
		return -2;
	}
	while (len) {
		int64_t n = vfs_copy_file_range(in, soff, f, doff, len);

		touch_inode(XFS_I(file_inode(in)));
		touch_inode(XFS_I(dst));
		if (n < 0) {
			errno_report(c, "copy_range", (int)-n);
			break;
		}
		if (!n)
			break;
		ref_copy_into(file_inode(in)->i_ino, soff, dst->i_ino, doff, (uint64_t)n, (uint64_t)n);
		soff += (uint64_t)n;
		doff += (uint64_t)n;
		len -= (uint64_t)n;
	}
	fput(in);
	return 0;
}

static int do_reflink(struct cmdctx *c) { return remap(c, false); }
static int do_dedupe(struct cmdctx *c) { return remap(c, true); }

static int do_truncate(struct cmdctx *c)
{
	struct file *f = cur_file(c);
	int err;

	if (f->f_readonly)
		return errno_report(c, "ftruncate", EINVAL);
	err = xfs_setattr_size(XFS_I(file_inode(f)), (uint64_t)c->posnum[0]);
	touch_inode(XFS_I(file_inode(f)));
	if (err)
		return errno_report(c, "ftruncate", err);
	ref_truncate(I->ref, XFS_I(file_inode(f))->i_ino, (uint64_t)c->posnum[0]);
	return 0;
}

/* Is the block under file offset @pos on the pmem badblocks list? */
static bool file_block_poisoned(struct xfs_inode *ip, uint64_t pos)
{
	struct xfs_bmbt_irec irec;
	xfs_fileoff_t b = pos >> PAGE_SHIFT;
	uint64_t bad;

	return xfs_iext_lookup_extent(ip->i_df, b, &irec) &&
	       badblocks_check(sim->pmem.bb, irec.br_startblock + (b - irec.br_startoff), 1, &bad);
}

struct flush_bad_args {
	struct xfs_inode	*ip;
	bool			bad;
};

static bool flush_bad_one(struct address_space *mapping, pgoff_t index, struct folio *slot,
			  void *arg)
{
	struct flush_bad_args *a = arg;
	struct xfs_bmbt_irec irec;
	uint64_t bad;

	if (folio_slot_shared(slot) || !(slot->flags & PG_FOLIO_DIRTY))
		return true;
	/* where writeback puts it (xfs_map_blocks): the CoW fork first */
	if (xfs_iext_lookup_extent(a->ip->i_cowfp, index, &irec) && irec.br_startoff <= index) {
		if (xfs_bmap_is_delalloc(&irec))
			return true;	/* a delayed allocation: its blocks are not chosen yet */
	} else if (!(xfs_iext_lookup_extent(a->ip->i_df, index, &irec) && irec.br_startoff <= index &&
		     !xfs_bmap_is_hole(&irec))) {
		return true;
	}
	a->bad = badblocks_check(sim->pmem.bb, irec.br_startblock + (index - irec.br_startoff),
				 1, &bad);
	return !a->bad;
}

/*
 * On a page-cache file, xfs_free_file_space starts with
 * xfs_flush_unmap_range: the dirty folios of the range (whole pages) are
 * written back, and one whose block is bad fails the call with EIO before
 * anything changed (pmem_submit_bio refuses I/O to a bad block).
 */
static bool flush_hits_bad_block(struct xfs_inode *ip, uint64_t off, uint64_t len)
{
	struct flush_bad_args a = { ip, false };

	if (IS_DAX(VFS_I(ip)) || !len)
		return false;
	filemap_walk(VFS_I(ip)->i_mapping, off >> PAGE_SHIFT,
		     (ALIGN_UP(off + len, PAGE_SIZE) >> PAGE_SHIFT) - 1, flush_bad_one, &a);
	return a.bad;
}

/*
 * A punch or zero range that failed with EIO still did its first part:
 * xfs_free_file_space unmaps the whole blocks, then zeroes the partial
 * edges, head first; a poisoned edge block fails the zeroing (no recovery
 * write for a partial page) and stops it.  The model follows that order;
 * which edge block is bad is media state, read from the badblocks list
 * before the call.
 */
static void ref_zero_partial(struct xfs_inode *ip, uint64_t off, uint64_t len,
			     bool head_bad, bool tail_bad)
{
	uint64_t end = off + len, bs = ALIGN_UP(off, PAGE_SIZE), be = ALIGN_DOWN(end, PAGE_SIZE);

	if (!len)
		return;
	if (off >> PAGE_SHIFT == (end - 1) >> PAGE_SHIFT) {	/* one block: one edge */
		if (!head_bad && !tail_bad)
			ref_zero(I->ref, ip->i_ino, off, len);
		return;
	}
	ref_zero(I->ref, ip->i_ino, bs, be - bs);
	if (head_bad)
		return;
	ref_zero(I->ref, ip->i_ino, off, bs - off);
	if (!tail_bad)
		ref_zero(I->ref, ip->i_ino, be, end - be);
}

static int fallocate_cmd(struct cmdctx *c, int mode)
{
	struct file *f = cur_file(c);
	struct xfs_inode *ip = XFS_I(file_inode(f));
	uint64_t off = (uint64_t)c->posnum[0], len = (uint64_t)c->posnum[1];
	uint64_t size;
	int err;
	bool head_bad, tail_bad, flush_bad;

	if (f->f_readonly)
		return errno_report(c, "fallocate", EBADF);
	head_bad = (off & (PAGE_SIZE - 1)) && file_block_poisoned(ip, off);
	tail_bad = ((off + len) & (PAGE_SIZE - 1)) && file_block_poisoned(ip, off + len);
	flush_bad = len && off + len > off && flush_hits_bad_block(ip, off, len);
	err = vfs_fallocate(f, mode, off, len);
	touch_inode(ip);
	/*
	 * The model's size when the call ends, not when it began: it may have
	 * slept on the IOLOCK while a write in flight extended the file
	 * (fuzz_sched found a falloc that cut off such a write's byte).
	 */
	size = ref_size(I->ref, ip->i_ino);
	if (err == -EIO && (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) &&
	    (head_bad || tail_bad) && !flush_bad && !XFS_M(sim->sb)->m_shutdown)
		ref_zero_partial(ip, off, MIN(len, size > off ? size - off : 0), head_bad, tail_bad);
	/*
	 * A zero range is xfs_free_file_space, then xfs_alloc_file_space: when
	 * the allocation runs out of space the range is already punched (and
	 * its edges zeroed), so it reads as zeroes although the call failed.
	 */
	if (err == -ENOSPC && (mode & FALLOC_FL_ZERO_RANGE) && off < size)
		ref_zero(I->ref, ip->i_ino, off, MIN(len, size - off));
	if (err)
		return errno_report(c, "fallocate", err);
	if (mode & (FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_INSERT_RANGE)) {
		ref_shift(I->ref, ip->i_ino, off, len, mode & FALLOC_FL_INSERT_RANGE);
		return 0;
	}
	if (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
		ref_zero(I->ref, ip->i_ino, off, len);
	if (!(mode & (FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE)) && off + len > size)
		ref_truncate(I->ref, ip->i_ino, off + len);
	return 0;
}

static int do_falloc(struct cmdctx *c)
{
	int mode = 0;

	if (c->opt['k'])
		mode = FALLOC_FL_KEEP_SIZE;
	if (c->opt['p'])
		mode = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
	if (c->opt['u'])
		mode = FALLOC_FL_UNSHARE_RANGE;
	return fallocate_cmd(c, mode);
}
static int do_fpunch(struct cmdctx *c) { return fallocate_cmd(c, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE); }
static int do_fzero(struct cmdctx *c) { return fallocate_cmd(c, FALLOC_FL_ZERO_RANGE | (c->opt['k'] ? FALLOC_FL_KEEP_SIZE : 0)); }
static int do_funshare(struct cmdctx *c) { return fallocate_cmd(c, FALLOC_FL_UNSHARE_RANGE); }
static int do_fcollapse(struct cmdctx *c) { return fallocate_cmd(c, FALLOC_FL_COLLAPSE_RANGE); }
static int do_finsert(struct cmdctx *c) { return fallocate_cmd(c, FALLOC_FL_INSERT_RANGE); }

static int do_fsync(struct cmdctx *c)
{
	int err = vfs_fsync_range(cur_file(c), 0, UINT64_MAX, 0);

	return err ? io_error(c, err) : 0;
}

/* fiemap: xfs_io 6.1's fiemap_f() over FS_IOC_FIEMAP, 512-byte units */
struct fiemap_ext { uint64_t logical, physical, len; unsigned int flags; };

#define FIEMAP_BATCH	32	/* xfs_io's EXTENT_BATCH */

static bool last_extent_end(const struct xfs_bmbt_irec *irec, void *arg)
{
	uint64_t *end = arg;

	*end = MAX(*end, XFS_FSB_TO_B(irec->br_startoff + irec->br_blockcount));
	return true;
}

/* xfsprogs' numlen(): digits of @val in @base, at least 1 */
static int numlen(uint64_t val, unsigned int base)
{
	int len = 0;

	for (; val; val /= base)
		len++;
	return len ? len : 1;
}

static void fiemap_hole(bool verbose, int foff_w, int boff_w, int tot_w, int n,
			uint64_t llast, uint64_t lstart)
{
	char lbuf[48];

	if (!verbose) {
		out("\t%d: [%llu..%llu]: hole\n", n, (unsigned long long)llast,
		    (unsigned long long)(lstart - 1));
		return;
	}
	snprintf(lbuf, sizeof(lbuf), "[%llu..%llu]:", (unsigned long long)llast,
		 (unsigned long long)(lstart - 1));
	out("%4d: %-*s %-*s %*llu\n", n, foff_w, lbuf, boff_w, "hole", tot_w,
	    (unsigned long long)(lstart - llast));
}

static int do_fiemap(struct cmdctx *c)
{
	struct file *f = cur_file(c);
	struct xfs_inode *ip = XFS_I(file_inode(f));
	bool verbose = c->opt['v'];
	uint64_t start = c->npos > 0 ? (uint64_t)c->posnum[0] : 0;
	uint64_t range_end = c->npos > 1 ? start + (uint64_t)c->posnum[1] : UINT64_MAX;
	uint64_t pos = ALIGN_DOWN(start, PAGE_SIZE), last_logical = start, limit = 0;
	GArray *ex = g_array_new(FALSE, FALSE, sizeof(struct fiemap_ext));
	int foff_w = 16, boff_w = 16, tot_w = 5, flg_w = 5, n = 0;

	out("%s:\n", f->f_path);
	if (c->npos > 1 && !c->posnum[1]) {
		/* fiemap_prep(): a zero-length request is EINVAL */
		out("xfs_io: ioctl(FS_IOC_FIEMAP) [\"%s\"]: %s\n", f->f_path, strerror(EINVAL));
		c->io->last_errno = EINVAL;
		g_array_free(ex, TRUE);
		return 0;
	}
	/*
	 * iomap_fiemap() over xfs_read_iomap_ops: every mapping that overlaps
	 * the range, past EOF too (falloc -k), holes skipped; the last one
	 * reported carries FIEMAP_EXTENT_LAST.
	 */
	xfs_iext_walk(ip->i_df, 0, XFS_MAX_FILEOFF, last_extent_end, &limit);
	limit = MIN(limit, range_end);
	while (pos < limit) {
		struct iomap iomap, srcmap;
		int err = xfs_read_iomap_ops.iomap_begin(VFS_I(ip), pos, limit - pos, IOMAP_REPORT,
							 &iomap, &srcmap);

		if (err) {	/* the ioctl fails (EIO on a shut-down filesystem) */
			out("xfs_io: ioctl(FS_IOC_FIEMAP) [\"%s\"]: %s\n", f->f_path, strerror(-err));
			c->io->last_errno = -err;
			g_array_free(ex, TRUE);
			return 0;
		}
		if (iomap.type != IOMAP_HOLE) {
			struct fiemap_ext e = { iomap.offset, iomap.addr, iomap.length,
				(iomap.type == IOMAP_UNWRITTEN ? 0x800 : 0) |
				(iomap.flags & IOMAP_F_SHARED ? 0x2000 : 0) };
			struct fiemap_ext *prev = ex->len ? &g_array_index(ex, struct fiemap_ext, ex->len - 1) : NULL;

			if (prev && prev->logical + prev->len == e.logical &&
			    prev->physical + prev->len == e.physical && prev->flags == e.flags)
				prev->len += e.len;
			else
				g_array_append_val(ex, e);
		}
		if (!iomap.length)
			break;
		pos = iomap.offset + iomap.length;
	}
	if (ex->len)
		g_array_index(ex, struct fiemap_ext, ex->len - 1).flags |= 0x1;
	/* calc_print_format(): column widths from the first batch only */
	for (guint i = 0; verbose && i < ex->len && i < FIEMAP_BATCH; i++) {
		struct fiemap_ext *e = &g_array_index(ex, struct fiemap_ext, i);
		char a[64];
		int w;

		w = snprintf(a, sizeof(a), "[%llu..%llu]", (unsigned long long)(e->logical >> 9),
			     (unsigned long long)((e->logical >> 9) + (e->len >> 9) - 1));
		foff_w = MAX(foff_w, w);
		w = snprintf(a, sizeof(a), "%llu..%llu", (unsigned long long)(e->physical >> 9),
			     (unsigned long long)((e->physical >> 9) + (e->len >> 9) - 1));
		boff_w = MAX(boff_w, w);
		tot_w = MAX(tot_w, numlen(e->len >> 9, 10));
		flg_w = MAX(flg_w, numlen(e->flags, 16));
	}
	for (guint i = 0; i < ex->len; i++) {
		struct fiemap_ext *e = &g_array_index(ex, struct fiemap_ext, i);
		uint64_t llast = last_logical >> 9, lstart = e->logical >> 9, len = e->len >> 9;
		uint64_t block = e->physical >> 9;
		char a[48], b[48], fl[16];

		if (verbose && n == 0)
			out("%4s: %-*s %-*s %*s %*s\n", "EXT", foff_w, "FILE-OFFSET", boff_w,
			    "BLOCK-RANGE", tot_w, "TOTAL", flg_w, "FLAGS");
		if (lstart > llast)
			fiemap_hole(verbose, foff_w, boff_w, tot_w, n++, llast, lstart);
		if (verbose) {
			snprintf(a, sizeof(a), "[%llu..%llu]:", (unsigned long long)lstart,
				 (unsigned long long)(lstart + len - 1));
			snprintf(b, sizeof(b), "%llu..%llu", (unsigned long long)block,
				 (unsigned long long)(block + len - 1));
			snprintf(fl, sizeof(fl), "0x%x", e->flags);
			out("%4d: %-*s %-*s %*llu %*s\n", n++, foff_w, a, boff_w, b, tot_w,
			    (unsigned long long)len, flg_w, fl);
		} else {
			out("\t%d: [%llu..%llu]: %llu..%llu\n", n++, (unsigned long long)lstart,
			    (unsigned long long)(lstart + len - 1), (unsigned long long)block,
			    (unsigned long long)(block + len - 1));
		}
		last_logical = e->logical + e->len;
	}
	/* the last hole, to EOF or to the end of the requested range */
	range_end = MIN(range_end, VFS_I(ip)->i_size);
	if (n && last_logical < range_end)
		fiemap_hole(verbose, foff_w, boff_w, tot_w, n, last_logical >> 9, range_end >> 9);
	g_array_free(ex, TRUE);
	return 0;
}

static int do_chattr(struct cmdctx *c)
{
	const char *a = c->pos[0];
	int err;

	if (strcmp(a, "+x") && strcmp(a, "-x"))
		return cmd_usage_error(c, c->poscol[0], "chattr: only +x / -x (FS_XFLAG_DAX) are simulated, not '%s'", a);
	err = xfs_fileattr_set_dax(XFS_I(file_inode(cur_file(c))), a[0] == '+');
	if (err) {
		/* chattr_f: "%s: cannot set flags on %s: %s", progname, name */
		out("xfs_io: cannot set flags on %s: %s\n", cur_file(c)->f_path, strerror(err < 0 ? -err : err));
		c->io->last_errno = err < 0 ? -err : err;
	}
	return 0;
}

/*
 * xfs_io's extsize / cowextsize on @ip (a file or a directory), named @path:
 * without a value print the hint ("[BYTES] PATH"); with one set it as
 * xfs_io does (FS_XFLAG_EXTSIZE on a file, FS_XFLAG_EXTSZINHERIT on a
 * directory; FS_XFLAG_COWEXTSIZE on either) and print the ioctl's failure.
 * The output goes to @o; the errno of a failure is returned.
 */
int io_hint_cmd(GString *o, struct xfs_inode *ip, const char *path, bool cow, bool set,
		uint32_t val)
{
	struct fileattr fa;
	int err;

	xfs_fileattr_get(ip, &fa);
	if (!set) {
		g_string_append_printf(o, "[%u] %s\n", cow ? fa.fsx_cowextsize : fa.fsx_extsize, path);
		return 0;
	}
	if (cow) {
		fa.fsx_xflags |= FS_XFLAG_COWEXTSIZE;
		fa.fsx_cowextsize = val;
	} else {
		fa.fsx_xflags |= ip->i_isdir ? FS_XFLAG_EXTSZINHERIT : FS_XFLAG_EXTSIZE;
		fa.fsx_extsize = val;
	}
	err = -xfs_fileattr_set(ip, &fa);
	if (err)	/* set_extsize: FS_IOC_FSSETXATTR; set_cowextsize: XFS_IOC_FSSETXATTR */
		g_string_append_printf(o, "xfs_io: %s %s: %s\n",
				       cow ? "XFS_IOC_FSSETXATTR" : "FS_IOC_FSSETXATTR", path, strerror(err));
	return err;
}

/*
 * xfs_io's lsattr: the FS_XFLAG_* letters in xfs_io's table order
 * ("-" where clear), or with -v their names, then the path.
 */
void io_lsattr(GString *o, struct xfs_inode *ip, const char *path, bool verbose)
{
	static const struct { uint32_t flag; char letter; const char *name; } x[] = {
		{ 0x1, 'r', "realtime" }, { FS_XFLAG_PREALLOC, 'p', "prealloc" },
		{ 0x8, 'i', "immutable" }, { 0x10, 'a', "append-only" }, { 0x20, 's', "sync" },
		{ 0x40, 'A', "no-atime" }, { 0x80, 'd', "no-dump" }, { 0x100, 't', "rt-inherit" },
		{ 0x200, 'P', "proj-inherit" }, { 0x400, 'n', "nosymlinks" },
		{ FS_XFLAG_EXTSIZE, 'e', "extsize" }, { FS_XFLAG_EXTSZINHERIT, 'E', "extsz-inherit" },
		{ 0x2000, 'f', "no-defrag" }, { 0x4000, 'S', "filestream" }, { FS_XFLAG_DAX, 'x', "dax" },
		{ FS_XFLAG_COWEXTSIZE, 'C', "cowextsize" }, { 0x80000000, 'X', "has-xattr" },
	};
	struct fileattr fa;
	bool first = true;

	xfs_fileattr_get(ip, &fa);
	if (verbose)
		g_string_append_c(o, '[');
	for (size_t i = 0; i < G_N_ELEMENTS(x); i++) {
		bool set = fa.fsx_xflags & x[i].flag;

		if (!verbose)
			g_string_append_c(o, set ? x[i].letter : '-');
		else if (set) {
			g_string_append_printf(o, "%s%s", first ? "" : ", ", x[i].name);
			first = false;
		}
	}
	g_string_append_printf(o, "%s %s \n", verbose ? "]" : "", path);
}

static int do_lsattr(struct cmdctx *c)
{
	GString *o = g_string_new(NULL);

	io_lsattr(o, XFS_I(file_inode(cur_file(c))), cur_file(c)->f_path, c->opt['v']);
	out("%s", o->str);
	g_string_free(o, TRUE);
	return 0;
}

static int do_hint(struct cmdctx *c, bool cow)
{
	GString *o = g_string_new(NULL);
	int err;

	if (c->npos && c->posnum[0] > UINT32_MAX) {
		g_string_free(o, TRUE);
		return cmd_usage_error(c, c->poscol[0], "%s: %s does not fit an fsxattr hint (32 bits)",
				       cow ? "cowextsize" : "extsize", c->pos[0]);
	}
	err = io_hint_cmd(o, XFS_I(file_inode(cur_file(c))), cur_file(c)->f_path, cow, c->npos,
			  c->npos ? (uint32_t)c->posnum[0] : 0);
	out("%s", o->str);
	g_string_free(o, TRUE);
	if (err)
		c->io->last_errno = err;
	return 0;
}

static int do_extsize(struct cmdctx *c)
{
	return do_hint(c, false);
}

static int do_cowextsize(struct cmdctx *c)
{
	return do_hint(c, true);
}

/*
 * bmap [-a] [-c] [-e] [-l] [-p] [-v] [-n nx]: xfs_io's bmap_f() over
 * XFS_IOC_GETBMAPX (xfs_getbmap).  Data fork extents, each split where its
 * sharing changes, with the holes between them and, unless the inode is
 * preallocated or has an extent size hint (then everything mapped past EOF
 * is shown), a hole up to the EOF block.  A file with no extents has none
 * to show.  There is no attribute fork and no delayed allocation; the CoW
 * fork (-c) is refused with EINVAL, as a kernel built without DEBUG does.
 * In 512-byte units; -v adds the AG columns and the flags (100000 shared,
 * 010000 unwritten, with -p).
 */
struct bmap_ent { uint64_t off, len, block; bool hole, shared, unwritten; };

static void bmap_add(GArray *ents, uint64_t off, uint64_t len, uint64_t block, bool hole,
		     bool shared, bool unwritten)
{
	struct bmap_ent e = { off, len, block, hole, shared, unwritten };

	g_array_append_val(ents, e);
}

static int do_bmap(struct cmdctx *c)
{
	struct file *f = cur_file(c);
	struct xfs_inode *ip = XFS_I(file_inode(f));
	struct xfs_mount *mp = ip->i_mount;
	uint64_t size = i_size_read(VFS_I(ip)), end, pos = 0, last = 0;
	bool prealloc = (ip->i_diflags & XFS_DIFLAG_PREALLOC) || xfs_get_extsz_hint(ip);
	bool pflag = c->opt['p'] && !c->opt['c'] && !c->opt['a'], any = false;
	GArray *ents;
	guint count;

	if (c->opt['c']) {
		if (!size && !xfs_iext_count(ip->i_df)) {
			out("%s: no extents\n", f->f_path);
			return 0;
		}
		out("xfs_io: xfsctl(XFS_IOC_GETBMAPX) iflags=0x28 [\"%s\"]: %s\n", f->f_path,
		    strerror(EINVAL));
		c->io->last_errno = EINVAL;
		return 0;
	}
	if (c->opt['a']) {
		out("%s: no extents\n", f->f_path);
		return 0;
	}
	ents = g_array_new(FALSE, FALSE, sizeof(struct bmap_ent));
	end = ALIGN_UP(size, PAGE_SIZE);
	if (prealloc) {	/* to the end of the last extent, EOF or not */
		end = 0;
		xfs_iext_walk(ip->i_df, 0, XFS_MAX_FILEOFF, last_extent_end, &end);
	}
	while (pos < end) {
		struct iomap iomap, srcmap;
		int err = xfs_read_iomap_ops.iomap_begin(VFS_I(ip), pos, end - pos, IOMAP_REPORT,
							 &iomap, &srcmap);

		if (err) {
			out("xfs_io: xfsctl(XFS_IOC_GETBMAPX) iflags=0x%x [\"%s\"]: %s\n",
			    pflag ? 0x4 : 0, f->f_path, strerror(-err));
			c->io->last_errno = -err;
			g_array_free(ents, TRUE);
			return 0;
		}
		if (iomap.type != IOMAP_HOLE) {
			if (iomap.offset > last)
				bmap_add(ents, last >> 9, (iomap.offset - last) >> 9, 0, true, false, false);
			bmap_add(ents, iomap.offset >> 9, iomap.length >> 9, iomap.addr >> 9, false,
				 iomap.flags & IOMAP_F_SHARED, iomap.type == IOMAP_UNWRITTEN);
			last = iomap.offset + iomap.length;
			any = true;
		}
		if (!iomap.length)
			break;
		pos = iomap.offset + iomap.length;
	}
	if (any && last < end)
		bmap_add(ents, last >> 9, (end - last) >> 9, 0, true, false, false);
	count = c->opt['n'] ? MIN((guint)c->optnum['n'], ents->len) : ents->len;
	if (!ents->len && !c->opt['n']) {
		out("%s: no extents\n", f->f_path);
		g_array_free(ents, TRUE);
		return 0;
	}
	out("%s:\n", f->f_path);
	if (!c->opt['v']) {
		for (guint i = 0; i < count; i++) {
			struct bmap_ent *e = &g_array_index(ents, struct bmap_ent, i);

			out("\t%u: [%llu..%llu]: ", i, (unsigned long long)e->off,
			    (unsigned long long)(e->off + e->len - 1));
			if (e->hole)
				out("hole");
			else
				out("%llu..%llu", (unsigned long long)e->block,
				    (unsigned long long)(e->block + e->len - 1));
			if (c->opt['l'])
				out(" %llu blocks\n", (unsigned long long)e->len);
			else
				out("\n");
		}
	} else {
		uint64_t bbperag = xfs_alloc_agblocks(mp->m_alloc) << (PAGE_SHIFT - 9);
		int foff_w = 16, boff_w = 16, aoff_w = 16, tot_w = 5;
		int agno_w = MAX(2, numlen(xfs_alloc_agcount(mp->m_alloc), 10));
		bool flg = pflag;
		char r[64], b[64], a[64];

		for (guint i = 0; i < count; i++) {
			struct bmap_ent *e = &g_array_index(ents, struct bmap_ent, i);

			foff_w = MAX(foff_w, snprintf(r, sizeof(r), "[%llu..%llu]:",
					(unsigned long long)e->off, (unsigned long long)(e->off + e->len - 1)));
			tot_w = MAX(tot_w, numlen(e->len, 10));
			if (e->hole)
				continue;
			flg |= pflag && e->unwritten;
			boff_w = MAX(boff_w, snprintf(b, sizeof(b), "%llu..%llu",
					(unsigned long long)e->block, (unsigned long long)(e->block + e->len - 1)));
			aoff_w = MAX(aoff_w, snprintf(a, sizeof(a), "(%llu..%llu)",
					(unsigned long long)(e->block % bbperag),
					(unsigned long long)(e->block % bbperag + e->len - 1)));
		}
		out("%4s: %-*s %-*s %*s %-*s %*s%s\n", "EXT", foff_w, "FILE-OFFSET", boff_w, "BLOCK-RANGE",
		    agno_w, "AG", aoff_w, "AG-OFFSET", tot_w, "TOTAL", flg ? " FLAGS" : "");
		for (guint i = 0; i < count; i++) {
			struct bmap_ent *e = &g_array_index(ents, struct bmap_ent, i);
			unsigned int fl = (e->shared ? 0100000 : 0) | (pflag && e->unwritten ? 010000 : 0);

			snprintf(r, sizeof(r), "[%llu..%llu]:", (unsigned long long)e->off,
				 (unsigned long long)(e->off + e->len - 1));
			if (e->hole) {
				out("%4u: %-*s %-*s %*s %-*s %*llu\n", i, foff_w, r, boff_w, "hole", agno_w, "",
				    aoff_w, "", tot_w, (unsigned long long)e->len);
				continue;
			}
			snprintf(b, sizeof(b), "%llu..%llu", (unsigned long long)e->block,
				 (unsigned long long)(e->block + e->len - 1));
			snprintf(a, sizeof(a), "(%llu..%llu)", (unsigned long long)(e->block % bbperag),
				 (unsigned long long)(e->block % bbperag + e->len - 1));
			out("%4u: %-*s %-*s %*llu %-*s %*llu", i, foff_w, r, boff_w, b, agno_w,
			    (unsigned long long)(e->block / bbperag), aoff_w, a, tot_w,
			    (unsigned long long)e->len);
			if (fl || pflag)
				out(" %-6.6o\n", fl);
			else
				out("\n");
		}
	}
	g_array_free(ents, TRUE);
	return 0;
}

/*
 * seek -a|-d|-h [-r] [-s] off: xfs_io's seek_f() over lseek(SEEK_DATA /
 * SEEK_HOLE).  The first lookup decides whether @off starts in data or in
 * a hole; from there data and hole alternate, each printed if asked for,
 * until each asked-for kind was printed once (or, with -r, until EOF).
 */
static void seek_line(struct cmdctx *c, const char *type, int64_t start, int64_t res)
{
	if (res == -ENXIO) {
		if (c->opt['s'])
			out("%s\t%lld\tEOF\n", type, (long long)start);
		else
			out("%s\tEOF\n", type);
	} else if (res < 0) {
		out("ERR\t%lld\t%s\n", (long long)start, strerror((int)-res));
	} else if (c->opt['s']) {
		out("%s\t%lld\t%lld\n", type, (long long)start, (long long)res);
	} else {
		out("%s\t%lld\n", type, (long long)res);
	}
}

static int do_seek(struct cmdctx *c)
{
	static const char *const name[2] = { "DATA", "HOLE" };
	static const int whence[2] = { SEEK_DATA, SEEK_HOLE };
	struct file *f = cur_file(c);
	bool want[2] = { c->opt['a'] || c->opt['d'], c->opt['a'] || c->opt['h'] };
	int64_t start = c->posnum[0], res;
	int cur;

	if (!want[0] && !want[1])
		return cmd_usage_error(c, c->ln->cols[c->word0], "seek: -a, -d or -h is required");
	cur = 1;
	res = want[1] ? vfs_llseek(f, (uint64_t)start, SEEK_HOLE) : 0;
	if (!want[1] || (res != start && want[0])) {
		cur = 0;
		res = vfs_llseek(f, (uint64_t)start, SEEK_DATA);
	}
	if (res >= 0 && res < start)
		goto bad;
	out(c->opt['s'] ? "Whence\tStart\tResult\n" : "Whence\tResult\n");
	for (int n = 0; want[0] || want[1]; n++) {
		if (res < 0) {
			if (res != -ENXIO || n == 0)
				seek_line(c, name[cur], start, res);
			if (res != -ENXIO)
				c->io->last_errno = (int)-res;
			return 0;
		}
		if (want[cur])
			seek_line(c, name[cur], start, res);
		if (!c->opt['r'])
			want[cur] = false;
		cur ^= 1;
		start = res;
		res = vfs_llseek(f, (uint64_t)start, whence[cur]);
		if (res >= 0 && res <= start)
			goto bad;
	}
	return 0;
bad:
	out("Invalid seek result: lseek(<fd>, %lld, SEEK_%s) = %lld\n", (long long)start,
	    name[cur], (long long)res);
	return 0;
}

static int do_statx(struct cmdctx *c)
{
	struct xfs_inode *ip = XFS_I(file_inode(cur_file(c)));

	if (c->opt['r'])
		out("stat.attributes = 0x%x\n", IS_DAX(VFS_I(ip)) ? 0x00200000 : 0);
	else
		out("stat.size = %llu\n", (unsigned long long)VFS_I(ip)->i_size);
	return 0;
}

/* Mappings ---------------------------------------------------------------- */
/* xfs_io's mapping table: "[NNN]" marks the current mapping. */
static void maplist(struct io_task *io)
{
	for (guint i = 0; i < io->maps->len; i++) {
		struct vm_area_struct *v = g_ptr_array_index(io->maps, i);

		out("%c%03d%c 0x%llx - 0x%llx %c%c%c  %14s (%llu : %llu)\n",
		    (int)i == io->curmap ? '[' : ' ', i, (int)i == io->curmap ? ']' : ' ',
		    (unsigned long long)v->vm_start,
		    (unsigned long long)(v->vm_start + g_array_index(io->map_lens, uint64_t, i)),
		    v->vm_flags & VM_READ ? 'r' : '-', v->vm_flags & VM_WRITE ? 'w' : '-',
		    v->vm_flags & VM_EXEC ? 'x' : '-', v->vm_file->f_path,
		    (unsigned long long)(v->vm_pgoff << PAGE_SHIFT),
		    (unsigned long long)g_array_index(io->map_lens, uint64_t, i));
	}
}

static int cmd_mmap(struct cmdctx *c)
{
	struct task_struct *t = c->t;
	struct io_task *io = c->io;
	struct file *f;
	struct vm_area_struct *vma;
	unsigned long flags = 0;
	int err = 0;

	if (c->npos < 2 && !cur_map(c))
		return cur_file(c) ? no_map(c) : no_file(c);
	if (c->npos == 0) {
		maplist(c->io);
		return 0;
	}
	if (c->npos == 1) {
		/* mapset_f(): the bound printed is mapcount itself */
		if (c->posnum[0] >= io->maps->len) {
			out("value %lld is out of range (0-%u)\n", c->posnum[0], io->maps->len);
			io->last_errno = EINVAL;
			return 0;
		}
		/* xfs_io: selecting a mapping prints the table with it marked */
		io->curmap = (int)c->posnum[0];
		maplist(c->io);
		return 0;
	}
	if (need_fs(c))
		return -2;
	f = cur_file(c);
	if (!f)
		return no_file(c);
	if (c->opt['r'])
		flags |= VM_READ;
	if (c->opt['w'])
		flags |= VM_WRITE;
	if (c->opt['x'])
		flags |= VM_EXEC;
	if (!flags)
		flags = VM_READ | VM_WRITE | VM_EXEC;
	if (!c->opt['p'])
		flags |= VM_SHARED;
	vma = do_mmap(t, f, (uint64_t)c->posnum[0], (uint64_t)c->posnum[1], flags,
		      c->opt['S'] ? MAP_SYNC_ : 0, &err);
	if (!vma)
		return io_error(c, err);
	io_task_add_map(io, vma, (uint64_t)c->posnum[1]);
	return 0;
}

/*
 * Resolve [off, off+len) (file offsets) inside the current mapping, with
 * xfs_io's check_mapping_range() messages.  xfs_io's own range test adds
 * the mapping's file offset to its length (so it lets some ranges run off
 * the end of the mapping into whatever lies next); the simulator refuses
 * every range that leaves the mapping, with the same message.  @pagealign:
 * msync and madvise need a page-aligned start, reported with the simulated
 * address.
 */
static int map_range(struct cmdctx *c, struct vm_area_struct *vma, uint64_t *off, uint64_t *len,
		     bool pagealign)
{
	/* xfs_io keeps the length it was asked for, not the page-rounded VMA */
	uint64_t mstart = vma->vm_pgoff << PAGE_SHIFT, mlen = io_task_map_len(c->io, vma), rel;

	if (c->npos < 2) {
		*off = mstart;
		*len = mlen;
		return 0;
	}
	*off = (uint64_t)c->posnum[0];
	*len = (uint64_t)c->posnum[1];
	if (*off < mstart) {
		out("offset (%llu) is before start of mapping (%llu)\n", (unsigned long long)*off,
		    (unsigned long long)mstart);
		c->io->last_errno = EINVAL;
		return -1;
	}
	rel = *off - mstart;
	if (rel > mlen) {
		out("offset (%llu) is beyond end of mapping (%llu)\n", (unsigned long long)rel,
		    (unsigned long long)mstart);
		c->io->last_errno = EINVAL;
		return -1;
	}
	if (rel + *len > mlen) {
		out("range (%llu:%llu) is beyond mapping (%llu:%llu)\n", (unsigned long long)*off,
		    (unsigned long long)rel, (unsigned long long)mstart, (unsigned long long)mlen);
		c->io->last_errno = EINVAL;
		return -1;
	}
	if (pagealign && (vma->vm_start + rel) % PAGE_SIZE) {
		out("offset address (0x%llx) is not page aligned\n",
		    (unsigned long long)(vma->vm_start + rel));
		c->io->last_errno = EINVAL;
		return -1;
	}
	return 0;
}

/* The bytes a read through this mapping must return (reference side). */
static void expected_map_bytes(struct vm_area_struct *vma, uint64_t off, unsigned char *buf,
			       uint64_t len)
{
	ref_read(I->ref, file_inode(vma->vm_file)->i_ino, off, buf, len);
	if (vma->vm_flags & VM_SHARED)
		return;
	/* private: pages this vma copied hold their own bytes */
	for (uint64_t p = ALIGN_DOWN(off, PAGE_SIZE); p < off + len; p += PAGE_SIZE) {
		uint64_t *pte = pte_lookup(vma->vm_mm, vma->vm_start + p - (vma->vm_pgoff << PAGE_SHIFT), false);

		if (pte && (*pte & _PAGE_ANON)) {
			unsigned char *k = pfn_to_kaddr(PTE_PFN(*pte));
			uint64_t s = MAX(p, off), e = MIN(p + PAGE_SIZE, off + len);

			/* anon pages are private state, taken as their own truth */
			memcpy(buf + (s - off), k + (s - p), e - s);
		}
	}
}

/* Check @len bytes read through @vma at file offset @off (D1). */
static void check_map_read(struct cmdctx *c, struct vm_area_struct *vma, uint64_t off,
			   const unsigned char *buf, uint64_t len)
{
	unsigned char *want;

	if (!interp_d1_applies())
		return;
	want = g_malloc(MAX(len, 1));
	expected_map_bytes(vma, off, want, len);
	for (uint64_t i = memcmp(buf, want, len) ? 0 : len; i < len; i++) {
		if (buf[i] != want[i]) {
			interp_note_violation("D1");
			out("INVARIANT D1 violated at %s:%d (mread): ino %llu offset %llu: read 0x%02x, reference model has 0x%02x\n",
			    c->scn->file, c->ln->lineno, (unsigned long long)file_inode(vma->vm_file)->i_ino,
			    (unsigned long long)(off + i), buf[i], want[i]);
			I->status = 1;
			break;
		}
	}
	g_free(want);
}

/*
 * mread -r: xfs_io's mread_f() loads the range from its last byte down
 * into its buffer, so the buffer holds the bytes reversed; it dumps the
 * buffer each time a chunk fills (the first chunk is len % pagesize
 * bytes, then whole pages), at dump offsets counting up from the start.
 * A fault kills the task before the chunk it hit is dumped.
 */
static int mread_reverse(struct cmdctx *c, struct vm_area_struct *vma, uint64_t off,
			 uint64_t len, unsigned char *buf)
{
	uint64_t mstart = vma->vm_pgoff << PAGE_SHIFT, va = vma->vm_start + (off - mstart);
	uint64_t printoff = c->opt['f'] ? off : off - mstart, hi = len, chunk;
	unsigned char *rev = g_malloc(PAGE_SIZE);

	chunk = len % PAGE_SIZE ? len % PAGE_SIZE : PAGE_SIZE;
	while (hi > 0) {
		uint64_t lo = hi > chunk ? hi - chunk : 0, end = hi;

		/* the loads go downwards: fault the pages in that order */
		while (end > lo) {
			uint64_t page = (va + end - 1) & PAGE_MASK;
			uint64_t start = page > va + lo ? page - va : lo;

			if (mm_access(c->t, va + start, buf + start, end - start, false)) {
				g_free(rev);
				g_free(buf);
				return 0;	/* the signal is reported by the caller */
			}
			end = start;
		}
		check_map_read(c, vma, off + lo, buf + lo, hi - lo);
		for (uint64_t i = 0; i < hi - lo; i++)
			rev[i] = buf[hi - 1 - i];
		if (c->opt['v'] || c->opt['f']) {
			dump_buffer(printoff, rev, hi - lo);
			printoff += hi - lo;
		}
		hi = lo;
		chunk = PAGE_SIZE;
	}
	g_free(rev);
	g_free(buf);
	return 0;
}

static int do_mread(struct cmdctx *c)
{
	struct vm_area_struct *vma = cur_map(c);
	uint64_t off, len, va, mstart = vma->vm_pgoff << PAGE_SHIFT;
	unsigned char *buf;

	if (map_range(c, vma, &off, &len, false))
		return 0;
	if (io_budget(c, c->npos > 1 ? c->poscol[1] : c->ln->cols[c->word0], len))
		return -2;
	if ((c->opt['v'] || c->opt['f']) &&
	    dump_budget(c, c->npos > 1 ? c->poscol[1] : c->ln->cols[c->word0], len))
		return -2;
	va = vma->vm_start + (off - mstart);
	buf = g_malloc(MAX(len, 1));
	if (c->opt['r'])
		return mread_reverse(c, vma, off, len, buf);
	if (mm_access(c->t, va, buf, len, false)) {
		g_free(buf);
		return 0;	/* the signal is reported by the caller */
	}
	check_map_read(c, vma, off, buf, len);
	if (c->opt['v'] || c->opt['f']) {
		uint64_t base = c->opt['f'] ? off : off - mstart, done = 0;
		uint64_t first = len % PAGE_SIZE ? len % PAGE_SIZE : MIN(len, PAGE_SIZE);

		while (done < len) {
			uint64_t n = done ? MIN(PAGE_SIZE, len - done) : first;

			dump_buffer(base + done, buf + done, n);
			done += n;
		}
	}
	g_free(buf);
	return 0;
}

static int do_mwrite(struct cmdctx *c)
{
	struct vm_area_struct *vma = cur_map(c);
	struct inode *inode = file_inode(vma->vm_file);
	uint64_t off, len, va, mstart = vma->vm_pgoff << PAGE_SHIFT;
	unsigned char seed = c->opt['S'] ? (unsigned char)strtoul(c->optarg['S'], NULL, 0) : 'X';
	uint64_t done = 0;

	if (map_range(c, vma, &off, &len, false))
		return 0;
	if (io_budget(c, c->npos > 1 ? c->poscol[1] : c->ln->cols[c->word0], len))
		return -2;
	va = vma->vm_start + (off - mstart);
	/*
	 * page by page, so the reference follows exactly what landed; -r
	 * stores from the end of the range backwards (xfs_io's rflag), so a
	 * range ending past the EOF page faults on its first store.
	 */
	while (done < len) {
		uint64_t o, n, eof_page_end = ALIGN_UP(inode->i_size, PAGE_SIZE);
		unsigned char buf[PAGE_SIZE];

		if (c->opt['r']) {
			uint64_t e = off + len - done;

			o = MAX(ALIGN_DOWN(e - 1, PAGE_SIZE), off);
			n = e - o;
		} else {
			o = off + done;
			n = MIN(len - done, PAGE_SIZE - (o & (PAGE_SIZE - 1)));
		}
		memset(buf, seed, n);
		if (mm_access(c->t, va + (o - off), buf, n, true))
			break;	/* a fault touches the inode for the checker */
		if ((vma->vm_flags & VM_SHARED) && o < eof_page_end)
			ref_store(I->ref, inode->i_ino, o, buf, MIN(n, eof_page_end - o));
		done += n;
	}
	return 0;
}

static int do_msync(struct cmdctx *c)
{
	struct vm_area_struct *vma = cur_map(c);
	uint64_t off, len;

	if (map_range(c, vma, &off, &len, true))
		return 0;
	if (c->opt['a'] && c->opt['s'])
		return io_error(c, EINVAL);	/* msync(2): MS_ASYNC with MS_SYNC */
	/* msync(MS_SYNC): vfs_fsync_range; device DAX has no ->fsync (EINVAL) */
	if (!c->opt['a']) {
		int err = vfs_fsync_range(vma->vm_file, off, off + len - 1, 0);

		if (err)
			return io_error(c, -err);
	}
	return 0;
}

static int cmd_munmap(struct cmdctx *c)
{
	struct task_struct *t = c->t;
	struct io_task *io = c->io;
	struct vm_area_struct *vma = cur_map(c);
	int slot = io->curmap;

	/* munmap_f(): the same slot stays current, or the previous one if the last went */
	io_task_forget_map(io, vma);
	do_munmap(t, vma);
	if (io->maps->len)
		io->curmap = slot < (int)io->maps->len ? slot : (int)io->maps->len - 1;
	else
		io->curmap = -1;
	return 0;
}

/*
 * madvise_inject_error(): per page, get_user_pages_fast (fault it in) for
 * its pfn, then memory_failure(pfn, MF_ACTION_REQUIRED) as this task.  A
 * page that cannot be pinned (already poisoned: VM_FAULT_HWPOISON without
 * FOLL_HWPOISON) fails the call with EFAULT; no signal comes from GUP.
 */
static int madvise_inject_error(struct task_struct *t, uint64_t va, uint64_t len)
{
	for (uint64_t a = va; a < va + len && !t->dead && t->sig == SIG_NONE; a += PAGE_SIZE) {
		pfn_t pfn;
		int err = get_user_pfn(t, a, false, &pfn);

		if (err)
			return -EFAULT;
		if (pfn < PMEM_PFN_BASE)
			continue;	/* a zero page or an anonymous copy: not pmem */
		printk("Injecting memory failure for pfn 0x%llx at process virtual address 0x%llx\n",
		       (unsigned long long)pfn, (unsigned long long)a);
		err = memory_failure(pfn, MF_ACTION_REQUIRED | MF_SW_SIMULATED, t);
		if (sched_active())
			checker_h1_now();	/* with commands in flight: H1 as it ends */
		if (err && err != -EOPNOTSUPP)
			return err;	/* e.g. EBUSY: the generic path cannot handle it */
	}
	return 0;
}

static int do_madvise(struct cmdctx *c)
{
	struct vm_area_struct *vma = cur_map(c);
	uint64_t off, len, va, mstart = vma->vm_pgoff << PAGE_SHIFT;
	int err = 0;

	if (map_range(c, vma, &off, &len, true))
		return 0;
	if (!c->opt['d'] && io_budget(c, c->npos > 1 ? c->poscol[1] : c->ln->cols[c->word0], len))
		return -2;	/* populate and inject fault in every page */
	va = vma->vm_start + (off - mstart);
	if (c->opt['d'])
		mm_zap_range(vma, va, va + ALIGN_UP(len, PAGE_SIZE));
	else if (c->opt['R'] || c->opt['W']) {
		err = mm_populate(c->t, va, len, c->opt['W']);
		if (err == -EACCES)
			err = -EINVAL;	/* incompatible mapping / permissions */
	} else if (c->opt['P'])
		err = madvise_inject_error(c->t, va, ALIGN_UP(len, PAGE_SIZE));
	return err ? io_error(c, -err) : 0;
}

/* `@T pin [off len]`: pin_user_pages() of the current mapping, as a DMA would hold them. */
static int do_pin(struct cmdctx *c)
{
	struct vm_area_struct *vma = cur_map(c);
	uint64_t off, len, va, mstart = vma->vm_pgoff << PAGE_SHIFT;
	int err;

	if (!sched_active())	/* the in-process fuzzers run without it */
		return cmd_usage_error(c, c->ln->cols[c->word0],
				       "pin: needs the scheduler (a pinned page can make truncate sleep), and this run has none");
	if (map_range(c, vma, &off, &len, true))
		return 0;
	if (io_budget(c, c->npos > 1 ? c->poscol[1] : c->ln->cols[c->word0], len))
		return -2;	/* every page is faulted in and pinned */
	va = vma->vm_start + (off - mstart);
	err = pin_user_pages(c->t, va, len);
	return err ? io_error(c, -err) : 0;
}

/* `@T unpin`: the DMA is over: every pin of the task goes. */
static int do_unpin(struct cmdctx *c)
{
	unpin_user_pages(c->t);
	return 0;
}

/*
 * @T thread U: T becomes a thread of U's process (clone with CLONE_VM,
 * CLONE_FILES and CLONE_THREAD), so two faults of one address space can
 * be in flight at once.  T must be new or idle with nothing open.
 */
static int do_thread(struct cmdctx *c)
{
	const char *name = c->pos[0][0] == '@' ? c->pos[0] + 1 : c->pos[0];
	struct io_task *leader = io_task_find(name);
	int col = c->poscol[0];

	if (!leader)
		return cmd_usage_error(c, col, "thread: no task '%s' (it must have run a line before)", name);
	if (leader == c->io)
		return cmd_usage_error(c, col, "thread: task '%s' cannot be a thread of itself", name);
	if (leader->task->dead)
		return cmd_usage_error(c, col, "thread: task '%s' was killed", name);
	if (task_in_group(c->t))
		return cmd_usage_error(c, c->ln->cols[c->word0],
				       "thread: task '%s' is a thread of a group already (`@%s exit` leaves it)",
				       c->t->name, c->t->name);
	if (c->t->files->len || c->io->maps->len || (c->t->pins && c->t->pins->len))
		return cmd_usage_error(c, c->ln->cols[c->word0],
				       "thread: task '%s' has files, mappings or pins of its own (`@%s exit` first)",
				       c->t->name, c->t->name);
	io_task_join(c->io, leader);
	return 0;
}

static int do_exit(struct cmdctx *c)
{
	io_task_exit(c->io);
	return 0;
}

static int do_spawn(struct cmdctx *c)
{
	if (c->opt['i'] && !c->t->dead)
		return 0;	/* -i: only if it was killed (fuzz_ops writes this) */
	io_task_exit(c->io);
	c->t->dead = false;
	c->t->sig = SIG_NONE;
	c->t->mce_kill = MCE_KILL_DEFAULT;
	return 0;
}

/*
 * xfs_io checks for an open file / a current mapping before a command runs
 * and prints its own message (see no_file()); the simulator does the same
 * here rather than through CMD_FILE / CMD_MAP.
 */
#define NEEDS_FILE(fn) \
	static int fn##_chk(struct cmdctx *c) { return cur_file(c) ? fn(c) : no_file(c); }
#define NEEDS_MAP(fn) \
	static int fn##_chk(struct cmdctx *c) { return cur_map(c) ? fn(c) : no_map(c); }
NEEDS_FILE(do_pwrite)
NEEDS_FILE(do_pread)
NEEDS_FILE(do_reflink)
NEEDS_FILE(do_copy_range)
NEEDS_FILE(do_dedupe)
NEEDS_FILE(do_truncate)
NEEDS_FILE(do_falloc)
NEEDS_FILE(do_fpunch)
NEEDS_FILE(do_fzero)
NEEDS_FILE(do_funshare)
NEEDS_FILE(do_fcollapse)
NEEDS_FILE(do_finsert)
NEEDS_FILE(do_fsync)
NEEDS_FILE(do_fiemap)
NEEDS_FILE(do_chattr)
NEEDS_FILE(do_statx)
NEEDS_FILE(do_seek)
NEEDS_FILE(do_lsattr)
NEEDS_FILE(do_bmap)
NEEDS_FILE(do_extsize)
NEEDS_FILE(do_cowextsize)
NEEDS_MAP(do_mread)
NEEDS_MAP(do_mwrite)
NEEDS_MAP(do_msync)
NEEDS_MAP(cmd_munmap)
NEEDS_MAP(do_madvise)
NEEDS_MAP(do_pin)

const struct cmdinfo io_cmds[] = {
	{ "open", "o", do_open, 1, 1, "frtd", NULL, "s", CMD_FS, "[-f] [-t] [-r] [-d] PATH", "open a file; it becomes the current file (-d: O_DIRECT; on a DAX file the same I/O)" },
	{ "file", "f", do_file, 0, 1, NULL, NULL, "n", 0, "[N]", "list open files, or select file N" },
	{ "close", "c", do_close, 0, 0, NULL, NULL, "", CMD_FS | CMD_TABLES, "", "close the current file" },
	{ "pwrite", "w", do_pwrite_chk, 2, 2, "qS:b:wWRZ:", "SbZ", "nn", CMD_FS, "[-q] [-S seed] [-b bsize] [-R [-Z zeed]] off len", "write a byte pattern (the low byte of seed, default 0xcd); -R: at random block offsets (srandom(zeed), 1 without -Z)" },
	{ "pread", "r", do_pread_chk, 2, 2, "qvb:", "b", "nn", CMD_FS, "[-q] [-v] [-b bsize] off len", "read and check a range; -v dumps it" },
	{ "reflink", NULL, do_reflink_chk, 1, 4, "q", NULL, "snnn", CMD_FS, "[-q] SRC [soff doff len]", "share SRC's blocks into the current file (FICLONE/FICLONERANGE)" },
	{ "dedupe", NULL, do_dedupe_chk, 4, 4, "q", NULL, "snnn", CMD_FS, "[-q] SRC soff doff len", "share identical ranges (FIDEDUPERANGE)" },
	{ "copy_range", NULL, do_copy_range_chk, 0, 1, "s:d:l:f:", "sdlf", "s", CMD_FS, "[-s src_off] [-d dst_off] [-l len] src_file | -f N", "copy_file_range(2) into the current file: whole blocks shared where XFS can remap them, the rest copied" },
	{ "truncate", "t", do_truncate_chk, 1, 1, NULL, NULL, "n", CMD_FS, "off", "ftruncate the current file" },
	{ "falloc", NULL, do_falloc_chk, 2, 2, "kpu", NULL, "nn", CMD_FS, "[-k|-p|-u] off len", "fallocate: preallocate unwritten extents" },
	{ "fpunch", NULL, do_fpunch_chk, 2, 2, NULL, NULL, "nn", CMD_FS, "off len", "punch a hole (PUNCH_HOLE|KEEP_SIZE)" },
	{ "fzero", NULL, do_fzero_chk, 2, 2, "k", NULL, "nn", CMD_FS, "[-k] off len", "zero a range (ZERO_RANGE)" },
	{ "funshare", NULL, do_funshare_chk, 2, 2, NULL, NULL, "nn", CMD_FS, "off len", "unshare shared blocks (UNSHARE_RANGE)" },
	{ "fcollapse", NULL, do_fcollapse_chk, 2, 2, NULL, NULL, "nn", CMD_FS, "off len", "remove a range, moving the rest of the file down (COLLAPSE_RANGE)" },
	{ "finsert", NULL, do_finsert_chk, 2, 2, NULL, NULL, "nn", CMD_FS, "off len", "insert a hole, moving the rest of the file up (INSERT_RANGE)" },
	{ "fsync", "s", do_fsync_chk, 0, 0, NULL, NULL, "", CMD_FS, "", "fsync: write back dirty DAX entries" },
	{ "fdatasync", "ds", do_fsync_chk, 0, 0, NULL, NULL, "", CMD_FS, "", "fdatasync" },
	{ "fiemap", NULL, do_fiemap_chk, 0, 2, "v", NULL, "nn", CMD_FS, "[-v] [off [len]]", "print the file's extents (SHARED 0x2000, UNWRITTEN 0x800, LAST 0x1)" },
	{ "chattr", NULL, do_chattr_chk, 1, 1, NULL, NULL, "s", CMD_FS | CMD_RAWARGS, "+x|-x", "set or clear FS_XFLAG_DAX" },
	{ "extsize", NULL, do_extsize_chk, 0, 1, NULL, NULL, "n", CMD_FS, "[BYTES]", "print or set the extent size hint (FS_XFLAG_EXTSIZE); a file with data refuses a new one" },
	{ "cowextsize", NULL, do_cowextsize_chk, 0, 1, NULL, NULL, "n", CMD_FS, "[BYTES]", "print or set the CoW extent size hint (FS_XFLAG_COWEXTSIZE): CoW allocations cover the aligned range" },
	{ "bmap", NULL, do_bmap_chk, 0, 0, "acelpvn:", "n", "", CMD_FS, "[-acelpv] [-n nx]", "print the data fork's block map (XFS_IOC_GETBMAPX), 512-byte units" },
	{ "seek", NULL, do_seek_chk, 1, 1, "adhrs", NULL, "n", CMD_FS, "-a|-d|-h [-r] [-s] off", "the next data and/or hole at or after off (lseek SEEK_DATA / SEEK_HOLE)" },
	{ "lsattr", NULL, do_lsattr_chk, 0, 0, "v", NULL, "", CMD_FS, "[-v]", "print the FS_XFLAG_* flags (-v: by name): prealloc, extsize, extsz-inherit, dax, cowextsize" },
	{ "statx", NULL, do_statx_chk, 0, 0, "r", NULL, "", CMD_FS, "[-r]", "-r: stat.attributes (STATX_ATTR_DAX 0x00200000)" },
	{ "mmap", "mm", cmd_mmap, 0, 2, "rwxSps:", "s", "nn", 0, "[-r] [-w] [-x] [-S] [-p] off len | N", "map the current file (MAP_SHARED; -S MAP_SYNC; -p MAP_PRIVATE)" },
	{ "mread", "mr", do_mread_chk, 0, 2, "vfr", NULL, "nn", CMD_FS, "[-v] [-f] [-r] [off len]", "read through the current mapping" },
	{ "mwrite", "mw", do_mwrite_chk, 0, 2, "rS:", "S", "nn", CMD_FS, "[-r] [-S seed] [off len]", "store through the current mapping (default 'X')" },
	{ "msync", "ms", do_msync_chk, 0, 2, "asi", NULL, "nn", CMD_FS, "[-a|-s] [-i] [off len]", "msync the current mapping" },
	{ "munmap", "mu", cmd_munmap_chk, 0, 0, NULL, NULL, "", CMD_FS | CMD_TABLES, "", "unmap the current mapping" },
	{ "madvise", "ma", do_madvise_chk, 0, 2, "dRWP", NULL, "nn", CMD_FS, "[-d|-R|-W|-P] [off len]", "DONTNEED, POPULATE_READ, POPULATE_WRITE, HWPOISON (inject memory failure as this task)" },
	{ "pin", NULL, do_pin_chk, 0, 2, NULL, NULL, "nn", CMD_FS | CMD_SIM, "[off len]", "pin the mapping's pages as a DMA does (pin_user_pages FOLL_LONGTERM): truncate and punch wait until unpin or exit" },
	{ "unpin", NULL, do_unpin, 0, 0, NULL, NULL, "", CMD_SIM, "", "drop every page pin the task holds, waking who waits for them" },
	{ "thread", NULL, do_thread, 1, 1, NULL, NULL, "s", CMD_SIM, "TASK", "become a thread of TASK's process: share its address space, open files and mappings (clone CLONE_VM | CLONE_FILES | CLONE_THREAD)" },
	{ "exit", "quit", do_exit, 0, 0, NULL, NULL, "", CMD_TABLES, "", "end the task: unmap everything, close every file (a thread leaves its process)" },
	{ "spawn", NULL, do_spawn, 0, 0, "i", NULL, "", CMD_TABLES, "[-i]", "re-create a killed task as a fresh process (-i: only if it was killed)" },
	{ NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, NULL, NULL },
};

bool cmd_uses_getopt(const struct cmdinfo *ci)
{
	static const struct cmdinfo *end;

	if (!end)
		for (end = io_cmds; end->name; end++)
			;
	return ci >= io_cmds && ci < end && !(ci->flags & CMD_SIM);
}
