// SPDX-License-Identifier: MIT
/*
 * The fstests src/ programs of the `dax` group's mmap tests, as built-ins
 * with the same arguments and output (written from what each program does,
 * see docs/fstests.md): t_mmap_stale_pmd (generic/428), t_mmap_cow_race
 * (generic/437), t_mmap_collision (generic/503), t_mmap_dio (generic/413,
 * 605), and feature -s.  A process is one task
 * of the simulated world and each system call a scenario command; the
 * threads of one process share its task (one address space), and take
 * turns a round at a time, so the races these programs try for at random
 * are not explored here: their kernel paths interleave under `daxsim
 * explore` (docs/concurrency.md).  What each program checks, the
 * simulator checks on every command as well (D1, M1, the invariants).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fstests.h"
#include "io_task.h"
#include "mm.h"

#define MIB(n)	((n) * 1024 * 1024)

struct prog {
	struct sh_state	*st;
	struct sh_io	*io;
	struct io_task	*t;
	struct sh_io	quiet;		/* output that is not the program's (mapping lists) */
	int		ret;		/* the first stop (-1) of a command, else 0 */
};

/* One system call: a scenario command in the program's task; false once it stopped. */
static bool call(struct prog *p, GString *out, int argc, char **argv)
{
	struct sh_io cap = { out, p->io->fd2, NULL };

	if (p->ret || p->t->task->dead)
		return false;
	p->t->last_errno = 0;
	p->ret = fst_sim(p->st, out ? &cap : &p->quiet, p->t, argc, argv);
	return !p->ret && !p->t->task->dead;
}

/* call() with the command's words as arguments, NULL-terminated */
static bool callv(struct prog *p, const char *cmd, ...)
{
	char *av[8] = { (char *)cmd };
	int argc = 1;
	va_list ap;

	va_start(ap, cmd);
	while (argc < (int)G_N_ELEMENTS(av) - 1 && (av[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	av[argc] = NULL;
	return call(p, NULL, argc, av);
}

#define CALL(p, ...)	callv(p, __VA_ARGS__, (char *)NULL)

/* err_exit(op): "OP: strerror" on stderr, exit status 1 */
static int err_exit(struct prog *p, const char *op)
{
	sh_err(p->io, "%s: %s\n", op, g_strerror(p->t->last_errno ? p->t->last_errno : EIO));
	return 1;
}

/*
 * open(@path, O_RDWR|O_CREAT [|O_DIRECT]) as file @fd of the task; false
 * with last_errno set when it fails (a missing directory: ENOENT).
 */
static bool prog_open(struct prog *p, const char *path, bool direct)
{
	if (!fst_parent_exists(p->st, path)) {
		p->t->last_errno = ENOENT;
		return false;
	}
	return direct ? CALL(p, "open", "-f", "-d", path) && !p->t->last_errno :
			CALL(p, "open", "-f", path) && !p->t->last_errno;
}

/* The last command failed with an errno (xfs_io prints it; the program would not). */
static bool failed(struct prog *p)
{
	return p->t->last_errno != 0;
}

static void prog_start(struct prog *p, struct sh_state *st, struct sh_io *io, const char *comm)
{
	*p = (struct prog){ st, io, fst_session_task(st->sim, comm), { NULL, NULL, NULL }, 0 };
}

static int prog_end(struct prog *p, int status)
{
	fst_session_task_end(p->st->sim, p->t);
	return p->ret ? p->ret : status;
}

/*
 * The start of the one-file programs: their usage without a file, then
 * open(O_RDWR|O_CREAT) (err_exit("fd")), ftruncate(0) and ftruncate(@size).
 * 1: go on; 0: return *@status.
 */
static int prog_open_sized(struct prog *p, struct sh_state *st, int argc, char **argv,
			   struct sh_io *io, const char *usage, const char *comm, const char *size,
			   int *status)
{
	*status = 0;
	if (argc < 2) {
		sh_out(io, "Usage: %s\n", usage);
		return 0;
	}
	if (!fst_path_in_sim(st, argv[1])) {
		*status = sh_unsupported(st, "this program outside $TEST_DIR and $SCRATCH_MNT");
		return 0;
	}
	prog_start(p, st, io, comm);
	if (!prog_open(p, argv[1], false)) {
		*status = prog_end(p, p->ret ? 0 : err_exit(p, "fd"));
		return 0;
	}
	CALL(p, "truncate", "0");
	CALL(p, "truncate", size);
	return 1;
}

/* The bytes at @off of the current mapping, through loads (mread -v). */
static bool load(struct prog *p, uint64_t off, size_t n, unsigned char *buf)
{
	GString *o = g_string_new(NULL);
	gchar *a = g_strdup_printf("%llu", (unsigned long long)off), *l = g_strdup_printf("%zu", n);
	char *av[] = { "mread", "-v", a, l, NULL };
	bool ok = call(p, o, 4, av);
	const char *line = o->str;

	/* the dump: "OFFSET:  XX XX ...  TEXT", 16 bytes a line */
	for (size_t k = 0; ok && k < n; k++) {
		const char *hex = strstr(line, ":  ");

		if (!hex) {
			ok = false;
			break;
		}
		buf[k] = (unsigned char)strtoul(hex + 3 + 3 * (k % 16), NULL, 16);
		if (k % 16 == 15 && (line = strchr(hex, '\n')))
			line++;
	}
	g_free(a);
	g_free(l);
	g_string_free(o, TRUE);
	return ok;
}

/*
 * t_mmap_stale_pmd FILE: a 4 MiB sparse file, its second 2 MiB mapped
 * read-only and read (a huge zero page where the filesystem gives a PMD),
 * then pwrite() of "HELLO WORLD!" there must replace what the mapping
 * shows.  daxsim's pwrite writes a one-byte pattern, so the twelve bytes
 * are 'H's; a mismatch prints what the mapping held.
 */
static int p_t_mmap_stale_pmd(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	static const char hello[] = "HELLO WORLD!";
	unsigned char got[sizeof(hello) - 1];
	struct prog p;
	int status;

	if (!prog_open_sized(&p, st, argc, argv, io, "t_mmap_stale_pmd <pmem file>",
			     "t_mmap_stale_pm", "4m", &status))
		return status;
	if (!CALL(&p, "mmap", "-r", "2m", "2m") || failed(&p)) {
		status = p.ret ? 0 : err_exit(&p, "mmap");
		goto out;
	}
	if (!load(&p, MIB(2), 1, got) || !CALL(&p, "pwrite", "-q", "-S", "0x48", "2m", "12") ||
	    !load(&p, MIB(2), sizeof(got), got))
		goto out;
	if (memcmp(got, "HHHHHHHHHHHH", sizeof(got))) {
		sh_err(io, "strncmp mismatch: '%s' vs '%.*s'\n", hello, (int)strnlen((char *)got, sizeof(got)),
		       (char *)got);
		status = 1;
	}
	CALL(&p, "munmap");
	CALL(&p, "close");
out:
	return prog_end(&p, status);
}

/*
 * t_mmap_cow_race FILE: a 2 MiB file written through a shared mapping
 * (one store: a PMD where the filesystem gives one), then 500 times a
 * private mapping of it that two threads each read and write at byte 0
 * and drop (MADV_DONTNEED) ten times: the CoW fault of a private PMD
 * mapping against the zap, the PMD/PTE collision fixed before generic/437.
 */
static int p_t_mmap_cow_race(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	struct prog p;
	int status;

	if (!prog_open_sized(&p, st, argc, argv, io, "t_mmap_cow_race <file>", "t_mmap_cow_race",
			     "2m", &status))
		return status;
	if (!CALL(&p, "mmap", "-rw", "0", "2m") || failed(&p)) {
		status = p.ret ? 0 : err_exit(&p, "shared mmap");
		goto out;
	}
	CALL(&p, "mwrite", "-S", "1", "0", "1");
	CALL(&p, "munmap");
	for (int i = 0; i < 500 && !p.ret && !p.t->task->dead; i++) {
		if (!CALL(&p, "mmap", "-rwp", "0", "2m") || failed(&p)) {
			status = p.ret ? 0 : err_exit(&p, "private mmap");
			break;
		}
		/* two threads, ten rounds each, taking turns */
		for (int r = 0; r < 2 * 10; r++) {
			unsigned char a;
			gchar *seed;

			if (!load(&p, 0, 1, &a))
				break;
			seed = g_strdup_printf("0x%02x", a);
			CALL(&p, "mwrite", "-S", seed, "0", "1");
			g_free(seed);
			if (!CALL(&p, "madvise", "-d", "0", "2m"))
				break;
			if (failed(&p)) {
				status = err_exit(&p, "madvise");
				break;
			}
		}
		if (status || !CALL(&p, "munmap"))
			break;
	}
	if (!status)
		CALL(&p, "close");
out:
	return prog_end(&p, status);
}

/*
 * t_mmap_collision DAXFILE NODAXFILE: four pages of each, fallocated; the
 * DAX file mapped shared; then for each of punch hole, zero range,
 * truncate down and collapse range, two threads each read the other file
 * with O_DIRECT into the mapping (the read, then the stores through it)
 * and change the DAX file's blocks, for the program's one second: here a
 * fixed 100 rounds of each thread.  pread errors are ignored where the
 * program ignores them (truncate down, collapse range).
 */
static int p_t_mmap_collision(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	enum { PUNCH, ZERO, TRUNCATE, COLLAPSE };
	static const char *const fn[] = { "punch_hole_fn", "zero_range_fn", "truncate_down_fn",
					  "collapse_range_fn" };
	const char *size = "16384";
	struct prog p;
	int status = 0;

	if (argc != 3) {
		sh_out(io, "Usage: t_mmap_collision <dax file> <non-dax file>\n");
		return 0;
	}
	if (!fst_path_in_sim(st, argv[1]) || !fst_path_in_sim(st, argv[2]))
		return sh_unsupported(st, "t_mmap_collision outside $TEST_DIR and $SCRATCH_MNT");
	prog_start(&p, st, io, "t_mmap_collisio");
	/* file 0: the DAX file; file 1: the other, O_DIRECT */
	if (!prog_open(&p, argv[1], false)) {
		status = p.ret ? 0 : err_exit(&p, "main dax_fd open");
		goto out;
	}
	if (!prog_open(&p, argv[2], true)) {
		status = p.ret ? 0 : err_exit(&p, "main nodax_fd open");
		goto out;
	}
	CALL(&p, "file", "0");
	CALL(&p, "truncate", "0");
	CALL(&p, "falloc", "0", (char *)size);
	CALL(&p, "file", "1");
	CALL(&p, "truncate", "0");
	CALL(&p, "falloc", "0", (char *)size);
	CALL(&p, "file", "0");
	if (!CALL(&p, "mmap", "-rw", "0", (char *)size) || failed(&p)) {
		status = p.ret ? 0 : err_exit(&p, "main mmap");
		goto out;
	}
	for (int test = PUNCH; test <= COLLAPSE && !status; test++) {
		for (int round = 0; round < 2 * 100 && !status && !p.ret; round++) {
			bool ignore = test == TRUNCATE || test == COLLAPSE;

			CALL(&p, "file", "0");
			if (test == TRUNCATE) {
				CALL(&p, "truncate", "0");
				CALL(&p, "falloc", "0", (char *)size);
			} else if (test == COLLAPSE) {
				CALL(&p, "falloc", "0", (char *)size);
				CALL(&p, "fcollapse", "0", "4096");
				CALL(&p, "falloc", "0", (char *)size);
			}
			/* pread(nodax_fd, dax_data, ...): the read, then the copy through the mapping */
			CALL(&p, "file", "1");
			CALL(&p, "pread", "-q", "0", (char *)size);
			if (failed(&p) && !ignore) {
				sh_err(io, "%s pread: %s\n", fn[test], g_strerror(p.t->last_errno));
				status = 1;
				break;
			}
			CALL(&p, "mwrite", "-S", "0", "0", (char *)size);
			CALL(&p, "file", "0");
			if (test == PUNCH)
				CALL(&p, "fpunch", "0", (char *)size);
			else if (test == ZERO)
				CALL(&p, "fzero", "-k", "0", (char *)size);
			if ((test == PUNCH || test == ZERO) && failed(&p)) {
				sh_err(io, "%s fallocate: %s\n", fn[test], g_strerror(p.t->last_errno));
				status = 1;
			}
		}
	}
	CALL(&p, "munmap");
	CALL(&p, "close");
	CALL(&p, "close");
out:
	return prog_end(&p, status);
}

/* t_mmap_dio's err_exit(op, len, msg): "OP(strerror) len LEN MSG", exit status 1 */
static int dio_err(struct prog *p, const char *op, unsigned long len, const char *msg, int err)
{
	sh_err(p->io, "%s(%s) len %lu %s\n", op, g_strerror(err ? err : p->t->last_errno), len,
	       msg ? msg : "(null)");
	return 1;
}

/*
 * t_mmap_dio [-b] SRC DST SIZE MSG (generic/413, 605): SRC mapped shared
 * for SIZE bytes; write(2) of the mapping to DST (opened O_DIRECT unless
 * -b), fsync; then read(2) of DST back into the mapping, msync.  The user
 * buffer is the mapping: the copy goes through it (the loads of the
 * write, the stores of the read).  The I/O's page pins (get_user_pages)
 * are not taken: `pin` needs the scheduler, which fstests runs do not
 * use.  daxsim's pwrite writes a one-byte pattern, so the copy is made
 * when the bytes are all one value (the tests map freshly fallocated
 * files: zeroes); other contents are `unsupported`.
 */
static int p_t_mmap_dio(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	const char *sfile, *dfile, *msg;
	bool dio = true;
	unsigned long len;
	unsigned char b;
	gchar *l = NULL, *seed = NULL;
	struct prog p;
	int status = 0, i = 1;

	if (argc < 5) {
		sh_err(io, "usage: t_mmap_dio <src file> <dest file> <size> <msg>\n");
		return 1;
	}
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {	/* getopt "b": any option */
		if (strcmp(argv[i], "-b"))
			return sh_unsupported(st, "t_mmap_dio option other than -b");
		dio = false;
	}
	if (argc - i < 4)
		return sh_unsupported(st, "t_mmap_dio without its four arguments");
	sfile = argv[i];
	dfile = argv[i + 1];
	len = strtoul(argv[i + 2], NULL, 10);
	msg = argv[i + 3];
	if (!fst_path_in_sim(st, sfile) || !fst_path_in_sim(st, dfile))
		return sh_unsupported(st, "t_mmap_dio outside $TEST_DIR and $SCRATCH_MNT");
	prog_start(&p, st, io, "t_mmap_dio");
	l = g_strdup_printf("%lu", len);
	if (fst_session_file_size(st->sim, sfile) < 0) {
		status = dio_err(&p, "open src", len, msg, ENOENT);
		goto out;
	}
	if (!CALL(&p, "open", sfile) || failed(&p)) {
		status = p.ret ? 0 : dio_err(&p, "open src", len, msg, 0);
		goto out;
	}
	if (!len || !CALL(&p, "mmap", "-rw", "0", l) || failed(&p)) {
		status = p.ret ? 0 : dio_err(&p, "mmap", len, msg, len ? 0 : EINVAL);
		goto out;
	}
	if (fst_session_file_size(st->sim, dfile) < 0) {
		status = dio_err(&p, "open dest", len, msg, ENOENT);
		goto out;
	}
	if (!(dio ? CALL(&p, "open", "-d", dfile) : CALL(&p, "open", dfile)) || failed(&p)) {
		status = p.ret ? 0 : dio_err(&p, "open dest", len, msg, 0);
		goto out;
	}
	/* write(fd2, map, len): the mapping loaded from, DST written */
	if (!fst_session_file_uniform(st->sim, sfile, 0, len, &b)) {
		status = sh_unsupported(st, "t_mmap_dio of a source whose bytes are not all one value");
		goto out;
	}
	seed = g_strdup_printf("0x%02x", b);
	CALL(&p, "mread", "0", l);
	CALL(&p, "file", "1");
	if (CALL(&p, "pwrite", "-q", "-S", seed, "0", l) && failed(&p)) {
		status = dio_err(&p, "write", len, msg, 0);
		goto out;
	}
	if (CALL(&p, "fsync") && failed(&p)) {
		status = dio_err(&p, "fsync", len, msg, 0);
		goto out;
	}
	/* read(fd2, map, len): DST read, then stored through the mapping */
	if (CALL(&p, "pread", "-q", "0", l) && failed(&p)) {
		status = dio_err(&p, "read", len, msg, 0);
		goto out;
	}
	if (!fst_session_file_uniform(st->sim, dfile, 0, len, &b)) {
		status = sh_unsupported(st, "t_mmap_dio of a destination whose bytes are not all one value");
		goto out;
	}
	g_free(seed);
	seed = g_strdup_printf("0x%02x", b);
	CALL(&p, "mwrite", "-S", seed, "0", l);
	if (CALL(&p, "msync", "-s", "0", l) && failed(&p)) {
		status = dio_err(&p, "msync", len, msg, 0);
		goto out;
	}
	CALL(&p, "munmap");
	CALL(&p, "close");
	CALL(&p, "close");
out:
	g_free(l);
	g_free(seed);
	return prog_end(&p, status);
}

/* src/feature -s: the page size; its other questions are not modelled */
static int p_feature(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	if (argc != 2 || strcmp(argv[1], "-s"))
		return sh_unsupported(st, "feature other than feature -s");
	sh_out(io, "4096\n");
	return 0;
}

sh_cmd_fn fst_src_dax_lookup(const char *name)
{
	if (!strcmp(name, "t_mmap_dio"))
		return p_t_mmap_dio;
	if (!strcmp(name, "feature"))
		return p_feature;
	if (!strcmp(name, "t_mmap_stale_pmd"))
		return p_t_mmap_stale_pmd;
	if (!strcmp(name, "t_mmap_cow_race"))
		return p_t_mmap_cow_race;
	if (!strcmp(name, "t_mmap_collision"))
		return p_t_mmap_collision;
	return NULL;
}
