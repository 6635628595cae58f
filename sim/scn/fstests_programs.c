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

sh_cmd_fn fst_src_lookup(const char *name)
{
	if (!strcmp(name, "mmap-write-concurrent"))
		return p_mmap_write_concurrent;
	if (!strcmp(name, "t_mmap_cow_memory_failure"))
		return p_mmap_cow_memory_failure;
	if (!strcmp(name, "punch-alternating"))
		return p_punch_alternating;
	return NULL;
}
