// SPDX-License-Identifier: MIT
/*
 * The programs of fstests' src/ (and filefrag) the modelled tests run, as
 * built-ins with the same arguments and output: each process is a task of
 * the simulated world and each system call a scenario command.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fstests.h"
#include "io_task.h"
#include "mm.h"
#include "mm.h"

/* Programs ---------------------------------------------------------------- */

/* filefrag -v, from the simulator's fiemap */
int fst_filefrag(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	int i = 1;

	if (argc < 2 || strcmp(argv[1], "-v"))
		return sh_unsupported(st, "filefrag without -v");
	for (i = 2; i < argc; i++) {
		GString *o = g_string_new(NULL);
		struct sh_io cap = { o, io->fd2, NULL };
		char *av[] = { "xfs_io", "-r", "-c", "fiemap -v", argv[i], NULL };
		int64_t size = fst_session_file_size(st->sim, argv[i]);
		int n = 0, ret;

		if (size < 0) {
			sh_err(io, "filefrag: %s: No such file or directory\n", argv[i]);
			g_string_free(o, TRUE);
			continue;
		}
		ret = fst_sim(st, &cap, NULL, 5, av);
		if (ret) {
			g_string_free(o, TRUE);
			return -1;
		}
		sh_out(io, "Filesystem type is: 58465342\n");
		sh_out(io, "File size of %s is %lld (%lld blocks of 4096 bytes)\n", argv[i],
		       (long long)size, (long long)((size + 4095) / 4096));
		sh_out(io, " ext:     logical_offset:        physical_offset: length:   expected: flags:\n");
		for (gchar **l = g_strsplit(o->str, "\n", -1), **p = l; *p || (g_strfreev(l), 0); p++) {
			unsigned long long lo, hi, plo, phi, total;
			unsigned int flags;
			int ext;

			if (sscanf(*p, " %d: [%llu..%llu]: %llu..%llu %llu 0x%x", &ext, &lo, &hi, &plo, &phi,
				   &total, &flags) != 7)
				continue;
			{
				GString *f = g_string_new(NULL);

				if (flags & 0x1)
					g_string_append(f, "last,");
				if (flags & 0x800)
					g_string_append(f, "unwritten,");
				if (flags & 0x2000)
					g_string_append(f, "shared,");
				if (flags & 0x1)
					g_string_append(f, "eof,");
				if (f->len)
					g_string_truncate(f, f->len - 1);
				sh_out(io, "%4d: %10llu..%10llu: %10llu..%10llu: %6llu:             %s\n", n++,
				       lo / 8, hi / 8, plo / 8, phi / 8, (total + 7) / 8, f->str);
				g_string_free(f, TRUE);
			}
		}
		sh_out(io, "%s: %d extent%s found\n", argv[i], n, n == 1 ? "" : "s");
		g_string_free(o, TRUE);
	}
	return 0;
}

/*
 * src/mmap-write-concurrent LEN OFF FILE [OFF FILE]...: map every file
 * whole (read/write, shared), fault in [OFF, OFF+LEN) of each, then store
 * 0x62+i over the range of file i, msync each, unmap and close.  One
 * process: one simulated task.
 */
static int p_mmap_write_concurrent(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	struct io_task *t;
	struct sh_io quiet = { 0 };
	int nr = (argc - 2) / 2, ret = 0;
	unsigned long long ulen;
	long long len;
	char *end;

	if (argc < 4) {
		sh_out(io, "Usage: %s len offset file [offset file]...\n", argv[0]);
		return 1;
	}
	/* strtoul: "-5" is a huge length, which no file is long enough for */
	errno = 0;
	ulen = strtoull(argv[1], &end, 0);
	if (errno) {
		sh_err(io, "%s: %s\n", argv[1], g_strerror(errno));
		return 1;
	}
	if (*end) {
		sh_err(io, "%s: not a proper file length?\n", argv[2]);
		return 1;
	}
	for (int i = 0; i < nr; i++) {
		const char *f = argv[2 + 2 * i + 1];
		long long off = strtoll(argv[2 + 2 * i], NULL, 0);
		int64_t size = fst_path_in_sim(st, f) ? fst_session_file_size(st->sim, f) : -1;

		if (size < 0) {
			sh_err(io, "%s: No such file or directory\n", f);
			return 1;
		}
		if ((unsigned long long)off + ulen > (unsigned long long)size) {
			sh_err(io, "%s: file must be %llu bytes\n", f, (unsigned long long)off + ulen);
			return 1;
		}
	}
	len = (long long)ulen;
	quiet.fd2 = io->fd2;
	t = fst_session_task(st->sim, "mmap-write-concurrent");
	/* selecting a mapping lists the table (addresses): not the program's output */
#define RUN_IO(where, ...) do {						\
		char *av_[] = { __VA_ARGS__, NULL };			\
		ret = fst_sim(st, where, t, (int)G_N_ELEMENTS(av_) - 1, av_);	\
	} while (0)
#define RUN(...) RUN_IO(io, __VA_ARGS__)
	for (int i = 0; i < nr && !ret && !t->task->dead; i++) {
		const char *f = argv[2 + 2 * i + 1];
		gchar *size = g_strdup_printf("%lld", (long long)fst_session_file_size(st->sim, f));
		gchar *off = g_strdup_printf("%lld", strtoll(argv[2 + 2 * i], NULL, 0));
		gchar *l = g_strdup_printf("%lld", len);

		RUN("open", (char *)f);
		if (!ret && !t->task->dead)
			RUN("mmap", "-rw", "0", size);
		if (!ret && !t->task->dead && len)
			RUN("mread", off, l);
		g_free(size);
		g_free(off);
		g_free(l);
	}
	for (int i = 0; i < nr && !ret && !t->task->dead && len; i++) {
		gchar *idx = g_strdup_printf("%d", i);
		gchar *seed = g_strdup_printf("0x%x", (0x62 + i) & 0xff);
		gchar *off = g_strdup_printf("%lld", strtoll(argv[2 + 2 * i], NULL, 0));
		gchar *l = g_strdup_printf("%lld", len);

		RUN_IO(&quiet, "mmap", idx);
		if (!ret && !t->task->dead)
			RUN("mwrite", "-S", seed, off, l);
		g_free(idx);
		g_free(seed);
		g_free(off);
		g_free(l);
	}
	for (int i = 0; i < nr && !ret && !t->task->dead; i++) {
		gchar *idx = g_strdup_printf("%d", i);
		gchar *l = g_strdup_printf("%lld", strtoll(argv[2 + 2 * i], NULL, 0) + len);

		RUN_IO(&quiet, "mmap", idx);
		if (!ret && !t->task->dead)
			RUN("msync", "-s", "0", l);
		g_free(idx);
		g_free(l);
	}
#undef RUN
#undef RUN_IO
	fst_session_task_end(st->sim, t);
	return ret;
}

/* Run @argv in task @t unless it is gone; 0 or the stop. */
static int task_run(struct sh_state *st, struct sh_io *io, struct io_task *t, int argc, char **argv)
{
	return t->task->dead ? 0 : fst_sim(st, io, t, argc, argv);
}

/* optional-argument getopt ("-s1"): the number of pages, or -1 */
static long pages_arg(const char *a)
{
	char *end;
	long v = strtol(a, &end, 10);

	return *end || v < 0 ? -1 : v;
}

/*
 * src/t_mmap_cow_memory_failure [-oN] [-sN] [-ON] [-SN] -R READFILE -P POISONFILE
 * (N in pages).  Two processes of one program (comm "t_mmap_cow_memo"):
 * the reader maps [o, o+s) of READFILE read-only and faults it in; then the
 * poisoner maps the same range of POISONFILE, faults it in, prints "Inject
 * poison..." and injects MADV_HWPOISON over [O, O+S) of its mapping.  Its
 * SIGBUS handler prints "Process is killed by signal: 7" and it goes on to
 * unmap; the reader unmaps when it is told.  The poisoner's printf output
 * comes out at its exit, as buffered stdio does.
 */
static int p_mmap_cow_memory_failure(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	long moff = 0, msize = 1, poff = 0, psize = 1;
	const char *rfile = NULL, *pfile = NULL;
	struct io_task *r, *p;
	struct sh_io quiet = { NULL, io->fd2, NULL };
	GString *pout, *cap;
	struct sh_io pio;
	gchar *off, *len, *poffs, *plens;
	int ret = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		long v;

		if (a[0] != '-' || !a[1] || !strchr("osOSRP", a[1]))
			return sh_unsupported(st, "t_mmap_cow_memory_failure option");
		if (a[1] == 'R' || a[1] == 'P') {
			const char *f = a[2] ? a + 2 : i + 1 < argc ? argv[++i] : NULL;

			if (!f)
				return sh_unsupported(st, "t_mmap_cow_memory_failure option");
			*(a[1] == 'R' ? &rfile : &pfile) = f;
			continue;
		}
		v = pages_arg(a + 2);
		if (v < 0)
			return sh_unsupported(st, "t_mmap_cow_memory_failure option");
		switch (a[1]) {
		case 'o': moff = v; break;
		case 's': msize = v; break;
		case 'O': poff = v; break;
		default: psize = v; break;
		}
	}
	if (!rfile || !pfile) {
		sh_out(io, "Usage: \n  t_mmap_cow_memory_failure [-o mmapOffset] [-s mmapSize] [-O mmapOffset] [-S mmapSize] -R readFile -P poisonFile\n  (offset and size are both in unit of System Page Size: 4096)\n");
		return 0;
	}
	if (!fst_path_in_sim(st, rfile) || !fst_path_in_sim(st, pfile))
		return sh_unsupported(st, "t_mmap_cow_memory_failure outside $TEST_DIR and $SCRATCH_MNT");
	if (psize < msize)
		msize = psize;
	pout = g_string_new(NULL);
	cap = g_string_new(NULL);
	pio = (struct sh_io){ cap, cap, NULL };
	off = g_strdup_printf("%ld", moff * 4096);
	len = g_strdup_printf("%ld", msize * 4096);
	poffs = g_strdup_printf("%ld", (moff + poff) * 4096);
	plens = g_strdup_printf("%ld", psize * 4096);
	/* the kernel's comm: the name cut to 15 characters */
	r = fst_session_task(st->sim, "t_mmap_cow_memo");
	p = fst_session_task(st->sim, "t_mmap_cow_memo");
#define R(...) do { char *av_[] = { __VA_ARGS__, NULL };		\
		if (!ret) ret = task_run(st, io, r, (int)G_N_ELEMENTS(av_) - 1, av_); } while (0)
#define P(where, ...) do { char *av_[] = { __VA_ARGS__, NULL };	\
		if (!ret) ret = task_run(st, where, p, (int)G_N_ELEMENTS(av_) - 1, av_); } while (0)
	R("open", (char *)rfile);
	R("mmap", "-r", off, len);
	R("mread", off, len);
	P(io, "open", (char *)pfile);
	P(io, "mmap", "-r", off, len);
	P(io, "mread", off, len);
	if (!ret && !p->task->dead) {
		/*
		 * madvise(map + O, S): the pages past the mapping have nothing
		 * mapped, so get_user_pages_fast fails there with EFAULT after
		 * the pages inside are poisoned (the signal comes as it returns)
		 */
		long inside = poff < msize ? MIN(psize, msize - poff) : 0;

		g_string_append(pout, "Inject poison...\n");
		p->last_errno = 0;
		if (inside) {
			g_free(plens);
			plens = g_strdup_printf("%ld", inside * 4096);
			P(&pio, "madvise", "-P", poffs, plens);
		}
		if (p->task->dead && p->task->sig == SIG_BUS)
			g_string_append(pout, "Process is killed by signal: 7\n");
		if (p->last_errno)
			g_string_append_printf(pout, "madvise() has fault: -1, errno: %d\n", p->last_errno);
		else if (inside < psize)
			g_string_append_printf(pout, "madvise() has fault: -1, errno: %d\n", EFAULT);
		else if (cap->len && !(p->task->dead && p->task->sig == SIG_BUS))
			sh_err(io, "%s", cap->str);
	}
	P(&quiet, "munmap");
	R("munmap");
#undef R
#undef P
	fst_session_task_end(st->sim, p);
	fst_session_task_end(st->sim, r);
	if (io->fd1)
		g_string_append(io->fd1, pout->str);
	g_string_free(pout, TRUE);
	g_string_free(cap, TRUE);
	g_free(off);
	g_free(len);
	g_free(poffs);
	g_free(plens);
	return ret;
}

/*
 * src/punch-alternating [-o OFFSET] [-i INTERVAL] [-s SIZE] FILE: punch SIZE
 * blocks every INTERVAL blocks from block OFFSET to EOF (default: every
 * other block), then fsync.  One process, one simulated task.
 */
static void punch_usage(struct sh_io *io, const char *cmd)
{
	sh_out(io, "Usage: %s [-o offset] [-i interval] [-s size] file\n"
	       "Punches every other block in the file by default,\n"
	       "or 'size' blocks every 'interval' blocks starting at\n"
	       "'offset'.  Units are in fstatfs blocks.\n", cmd);
}

static int p_punch_alternating(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	long long start = 0, interval = 2, size = 1, fsize;
	const char *file = NULL;
	struct io_task *t;
	GString *o = g_string_new(NULL);
	struct sh_io cap = { o, o, NULL };
	int ret = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] == '-' && a[1] && strchr("ios", a[1])) {
			const char *v = a[2] ? a + 2 : i + 1 < argc ? argv[++i] : NULL;

			if (!v) {
				punch_usage(io, argv[0]);
				g_string_free(o, TRUE);
				return 1;
			}
			if (a[1] == 'i')
				interval = atoi(v);
			else if (a[1] == 's')
				size = atoi(v);
			else
				start = strtoll(v, NULL, 0);
		} else if (a[0] == '-' || file) {
			punch_usage(io, argv[0]);
			g_string_free(o, TRUE);
			return 1;
		} else {
			file = a;
		}
	}
	if (interval <= 0 || size <= 0 || size >= interval || !file) {
		sh_out(io, "%s", interval <= 0 ? "interval must be > 0\n" : size <= 0 ? "size must be > 0\n" :
		       size >= interval ? "Interval must be > size\n" : "");
		punch_usage(io, argv[0]);
		g_string_free(o, TRUE);
		return 1;
	}
	if (!fst_path_in_sim(st, file)) {
		g_string_free(o, TRUE);
		return sh_unsupported(st, "punch-alternating outside $TEST_DIR and $SCRATCH_MNT");
	}
	fsize = fst_session_file_size(st->sim, file);
	if (fsize < 0) {
		sh_err(io, "%s: No such file or directory\n", file);
		g_string_free(o, TRUE);
		return 2;
	}
	t = fst_session_task(st->sim, "punch-alternating");
	{
		char *av[] = { "open", (char *)file, NULL };

		ret = fst_sim(st, &cap, t, 2, av);
	}
	for (long long off = start * 4096; !ret && !t->task->dead && !t->last_errno && off < fsize;
	     off += 4096 * interval) {
		char offs[32], lens[32];
		char *av[] = { "fpunch", offs, lens, NULL };

		snprintf(offs, sizeof(offs), "%lld", off);
		snprintf(lens, sizeof(lens), "%lld", 4096 * size);
		ret = fst_sim(st, &cap, t, 3, av);
	}
	if (!ret && !t->task->dead && !t->last_errno) {
		char *av[] = { "fsync", NULL };

		ret = fst_sim(st, &cap, t, 1, av);
	}
	if (!ret && (t->task->dead || t->last_errno)) {
		sh_err(io, "%s: %s\n", file, t->task->dead ? "Bus error" : g_strerror(t->last_errno));
		ret = 2;
	}
	fst_session_task_end(st->sim, t);
	g_string_free(o, TRUE);
	return ret;
}

/*
 * src/holetest [-f] [-w] [-r] [-F] [-p] FILE SIZE_MB: a file of SIZE_MB
 * MiB, made three ways (zero-filled through a shared mapping, fallocated,
 * truncated up: holes), is mapped (MAP_PRIVATE with -p) and two threads
 * (processes with -F) each store an 8-byte marker at their own offset in
 * every page (the first one with pwrite under -w; -r reads every page
 * first); then every page must hold both markers, and with -p the file
 * none.  The threads share one simulated task (one mm); processes are a
 * task each, mapping the file as fork would have shared it.  They run one
 * after the other (the scenario scheduler interleaves kernel paths; this
 * shell runs one program at a time), which is one of the interleavings
 * the real program may see.  Output as holetest's; the markers are byte
 * patterns (the thread ids only show in an ERROR line).
 */
struct holetest {
	struct sh_state	*st;
	struct sh_io	*io;
	const char	*path;
	long long	sz;
	bool		wr, prefault, fork, priv;
};

#define HT_THREADS	2
#define HT_PAGE		4096LL

static long long ht_off(int i)	/* page_offs[]: step / 2, then + step */
{
	return HT_PAGE / HT_THREADS / 2 + i * (HT_PAGE / HT_THREADS);
}

static uint64_t ht_tid(int i)
{
	return 0x0101010101010101ULL * (uint64_t)(0x11 * (i + 1));
}

/* Run one scenario line in @t, its output to @o (NULL: the program's stdout). */
static int ht_run(struct holetest *h, struct io_task *t, GString *o, int argc, char **argv)
{
	struct sh_io cap = { o, h->io->fd2, NULL };

	return task_run(h->st, o ? &cap : h->io, t, argc, argv);
}

/* The 8 bytes at @off of @t's current mapping, through a load. */
static int ht_load(struct holetest *h, struct io_task *t, long long off, size_t n, uint64_t *v)
{
	GString *o = g_string_new(NULL);
	gchar *a = g_strdup_printf("%lld", off), *l = g_strdup_printf("%zu", n);
	char *av[] = { "mread", "-v", a, l, NULL };
	int ret = ht_run(h, t, o, 4, av);
	const char *p = strstr(o->str, ":  ");

	*v = 0;
	for (size_t k = 0; !ret && p && k < n; k++) {
		unsigned long b = strtoul(p + 3 + 3 * k, NULL, 16);

		*v |= (uint64_t)b << (8 * k);
	}
	if (!ret && !p)
		ret = -1;
	g_free(a);
	g_free(l);
	g_string_free(o, TRUE);
	return ret;
}

/* verify_mapping(): the ERROR lines and their count */
static int ht_verify(struct holetest *h, struct io_task *t, const uint64_t *expect, int *errs)
{
	for (long long pg = 0; pg < h->sz / HT_PAGE; pg++)
		for (int i = 0; i < HT_THREADS; i++) {
			uint64_t v;
			int ret = ht_load(h, t, pg * HT_PAGE + ht_off(i), 8, &v);

			if (ret)
				return ret;
			if (v != expect[i]) {
				sh_out(h->io, "ERROR: thread %d, offset %08llx, %08llx != %08llx\n", i,
				       (unsigned long long)(pg * HT_PAGE + ht_off(i)),
				       (unsigned long long)v, (unsigned long long)expect[i]);
				(*errs)++;
			}
		}
	return 0;
}

static int ht_prefault(struct holetest *h, struct io_task *t)
{
	for (long long pg = 0; pg < h->sz / HT_PAGE; pg++) {
		uint64_t v;
		int ret = ht_load(h, t, pg * HT_PAGE, 1, &v);

		if (ret)
			return ret;
		if (v)
			sh_err(h->io, "Prefaulting found non-zero value in page %lld: %d\n", pg, (int)v);
	}
	return 0;
}

static int ht_map(struct holetest *h, struct io_task *t, bool writable, bool priv)
{
	gchar *len = g_strdup_printf("%lld", h->sz);
	char *av[] = { "mmap", writable ? (priv ? "-rwp" : "-rw") : (priv ? "-rp" : "-r"), "0", len, NULL };
	int ret = ht_run(h, t, NULL, 4, av);

	g_free(len);
	return ret;
}

/* test_this(): one file, mapped, marked by both threads, checked */
static int ht_test(struct holetest *h, struct io_task *t, int *errcnt)
{
	uint64_t expect[HT_THREADS];
	char *unmap[] = { "munmap", NULL };
	int ret;

	sh_out(h->io, "INFO: sz = %llu\n", (unsigned long long)h->sz);
	ret = ht_map(h, t, true, h->priv);
	if (!ret && h->prefault && !h->fork)
		ret = ht_prefault(h, t);
	for (int i = 0; i < HT_THREADS && !ret; i++)
		sh_out(h->io, "INFO: %s %d created\n", h->fork ? "process" : "thread", i);
	for (int i = 0; i < HT_THREADS && !ret; i++) {
		struct io_task *w = t;
		gchar *seed = g_strdup_printf("0x%x", (unsigned)(ht_tid(i) & 0xff));

		if (h->fork) {	/* the child: the file and the mapping as fork shares them */
			char *op[] = { "open", (char *)h->path, NULL };

			w = fst_session_task(h->st->sim, "holetest");
			ret = ht_run(h, w, NULL, 2, op);
			if (!ret)
				ret = ht_map(h, w, true, h->priv);
			if (!ret && h->prefault)
				ret = ht_prefault(h, w);
		}
		for (long long pg = 0; !ret && pg < h->sz / HT_PAGE; pg++) {
			gchar *off = g_strdup_printf("%lld", pg * HT_PAGE + ht_off(i));
			char *mw[] = { "mwrite", "-S", seed, off, "8", NULL };
			char *pw[] = { "pwrite", "-q", "-S", seed, off, "8", NULL };

			ret = i == 0 && h->wr ? ht_run(h, w, NULL, 6, pw) : ht_run(h, w, NULL, 5, mw);
			g_free(off);
		}
		if (!ret && h->fork && h->priv) {	/* the child checks its own copy */
			uint64_t mine[HT_THREADS] = { 0 };
			int errs = 0;

			mine[i] = ht_tid(i);
			ret = ht_verify(h, w, mine, &errs);
		}
		if (w != t)
			fst_session_task_end(h->st->sim, w);
		g_free(seed);
	}
	/* the threads' own error counts are overwritten here, as in holetest */
	for (int i = 0; i < HT_THREADS; i++)
		expect[i] = h->priv && h->fork ? 0 : ht_tid(i);
	*errcnt = 0;
	if (!ret)
		ret = ht_verify(h, t, expect, errcnt);
	if (!ret)
		ret = ht_run(h, t, NULL, 1, unmap);
	if (!ret && h->priv) {	/* nothing reached the file */
		expect[0] = expect[1] = 0;
		ret = ht_map(h, t, false, true);
		if (!ret)
			ret = ht_verify(h, t, expect, errcnt);
		if (!ret)
			ret = ht_run(h, t, NULL, 1, unmap);
	}
	if (!ret)
		sh_out(h->io, "INFO: %d error(s) detected\n", *errcnt);
	return ret;
}

static int p_holetest(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	static const struct { const char *name; int open_fail, err_exit; } part[] = {
		{ "zero-filled", 2, 5 }, { "posix_fallocate", 7, 9 }, { "ftruncate", 15, 17 },
	};
	struct holetest h = { st, io, NULL, 0, false, false, false, false };
	bool stop_on_error = true;
	int argi = 1, toterr = 0, ret = 0;
	char *end;

	for (; argi < argc && argv[argi][0] == '-' && argv[argi][1]; argi++)
		for (const char *o = argv[argi] + 1; *o; o++) {
			switch (*o) {
			case 'f': stop_on_error = false; break;
			case 'w': h.wr = true; break;
			case 'r': h.prefault = true; break;
			case 'F': h.fork = true; break;
			case 'p': h.priv = true; break;
			default:
				sh_err(io, "%s: invalid option -- '%c'\n", argv[0], *o);
				sh_err(io, "ERROR: Unknown option character.\n");
				return 1;
			}
		}
	if (argi != argc - 2) {
		sh_err(io, "ERROR: usage: holetest [-fwrFp] FILENAME FILESIZEinMB\n");
		return 1;
	}
	if (h.priv && h.wr) {
		sh_err(io, "ERROR: Combinations of writes and privatemappings not supported.\n");
		return 1;
	}
	h.path = argv[argi];
	h.sz = strtol(argv[argi + 1], &end, 10);
	if (*end || h.sz < 1) {
		sh_err(io, "ERROR: bad FILESIZEinMB\n");
		return 1;
	}
	if (h.sz > 1024)
		return sh_unsupported(st, "holetest over 1 GiB");
	h.sz <<= 20;
	if (!fst_path_in_sim(st, h.path))
		return sh_unsupported(st, "holetest on a file outside $TEST_DIR and $SCRATCH_MNT");
	for (size_t k = 0; k < G_N_ELEMENTS(part) && !ret; k++) {
		struct io_task *t;
		gchar *len = g_strdup_printf("%lld", h.sz);
		char *op[] = { "open", "-f", (char *)h.path, NULL };
		char *tr[] = { "truncate", len, NULL };
		char *fa[] = { "falloc", "0", len, NULL };
		char *mm[] = { "mmap", "-rw", "0", len, NULL };
		char *zero[] = { "mwrite", "-S", "0", "0", len, NULL };
		char *un[] = { "munmap", NULL };
		char *cl[] = { "close", NULL };
		char *rm[] = { "rm", (char *)h.path, NULL };
		int errcnt = 0;

		sh_out(io, "\nINFO: %s test...\n", part[k].name);
		if (fst_session_file_size(st->sim, h.path) >= 0) {	/* O_EXCL */
			sh_err(io, "%s: File exists\n", h.path);
			g_free(len);
			return part[k].open_fail;
		}
		t = fst_session_task(st->sim, "holetest");
		ret = ht_run(&h, t, NULL, 3, op);
		if (!ret)
			ret = k == 1 ? ht_run(&h, t, NULL, 3, fa) : ht_run(&h, t, NULL, 2, tr);
		if (!ret && k == 0) {	/* explicitly zero-filled through a mapping */
			ret = ht_run(&h, t, NULL, 4, mm);
			if (!ret)
				ret = ht_run(&h, t, NULL, 5, zero);
			if (!ret)
				ret = ht_run(&h, t, NULL, 1, un);
		}
		if (!ret) {
			fst_session_batch(st->sim, true, st->cmd_line, "holetest");
			ret = ht_test(&h, t, &errcnt);
			fst_session_batch(st->sim, false, st->cmd_line, "holetest");
		}
		if (!ret)
			ret = ht_run(&h, t, NULL, 1, cl);
		fst_session_task_end(st->sim, t);
		g_free(len);
		if (ret)
			break;
		toterr += errcnt;
		if (stop_on_error && errcnt)
			return part[k].err_exit;
		ret = fst_sim(st, io, NULL, 2, rm);
	}
	if (ret)
		return ret;
	return toterr ? 19 : 0;
}

sh_cmd_fn fst_src_lookup(const char *name)
{
	if (!strcmp(name, "holetest"))
		return p_holetest;
	if (!strcmp(name, "mmap-write-concurrent"))
		return p_mmap_write_concurrent;
	if (!strcmp(name, "t_mmap_cow_memory_failure"))
		return p_mmap_cow_memory_failure;
	if (!strcmp(name, "punch-alternating"))
		return p_punch_alternating;
	return fst_src_dax_lookup(name);
}
