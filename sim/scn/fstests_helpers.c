// SPDX-License-Identifier: MIT
/*
 * The fstests common/ helpers as simulator built-ins.  Each does what
 * fstests documents it to do, expressed as scenario command lines run
 * through the command table (xfs_io, cp_reflink, rm, md5sum, od, remount):
 * _pwrite_byte is `xfs_io -f -c "pwrite -S P O L" F`, _test_cycle_mount is
 * `remount`, and so on.  _require_* checks pass when the simulated machine
 * has the feature and make the test "not run" with fstests' reason when
 * it does not.  The filters rewrite text as fstests' sed scripts do.
 * Also here: the src/ programs the modelled tests run.
 */
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "fstests.h"
#include "mm.h"
#include "scn.h"

static gchar **awk_fields(const char *line, int *n);

static int stopped_ret(struct sh_state *st)
{
	return st->stop == STOP_NONE ? 0 : -1;
}

/* The simulator ------------------------------------------------------------ */

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !memcmp(s + len - n, suffix, n);
}

/* Lines xfs_io and the tools print on stderr (perror and the like). */
static bool stderr_line(const char *s, size_t len)
{
	static const int errs[] = { EPERM, ENOENT, EIO, EBADF, ENOMEM, EACCES, EBUSY, EEXIST,
				    EXDEV, EINVAL, EFBIG, ENOSPC, EROFS, EOPNOTSUPP, ENODATA,
				    EUCLEAN, EHWPOISON, ENXIO, EFAULT, ENOTTY, EISDIR };

	if (len && s[0] == '@')
		return true;	/* a task killed by a signal */
	for (size_t i = 0; i < G_N_ELEMENTS(errs); i++) {
		char buf[128];

		snprintf(buf, sizeof(buf), ": %s", g_strerror(errs[i]));
		if (ends_with(s, len, buf))
			return true;
	}
	return ends_with(s, len, "Extents did not match.") || ends_with(s, len, ": no open file") ||
	       ends_with(s, len, "no mapped regions, try 'help mmap'") ||
	       (g_strstr_len(s, (gssize)len, "is before start of mapping") != NULL) ||
	       (g_strstr_len(s, (gssize)len, "is beyond mapping") != NULL);
}

int fst_sim(struct sh_state *st, struct sh_io *io, struct task_struct *task, int argc, char **argv)
{
	GString *o = g_string_new(NULL);
	char err[512];
	int r = fst_session_exec(st->sim, st->cmd_line, task, argc, argv, o, err, sizeof(err));

	if (r == 1 && !st->sim_failed) {
		/* an invariant report: never hidden by a redirect */
		st->sim_failed = true;
		g_string_append_len(st->out_top, o->str, (gssize)o->len);
	} else {
		for (const char *s = o->str; *s;) {
			const char *e = strchr(s, '\n');
			size_t len = e ? (size_t)(e - s) : strlen(s);
			GString *dst = stderr_line(s, len) ? io->fd2 : io->fd1;

			if (dst) {
				g_string_append_len(dst, s, (gssize)len);
				g_string_append_c(dst, '\n');
			}
			s += len + (e ? 1 : 0);
		}
	}
	g_string_free(o, TRUE);
	if (r == -2) {
		char why[600];

		snprintf(why, sizeof(why), "daxsim: %s", err);
		return sh_unsupported(st, why);
	}
	if (r == 1 && !st->keep_going)
		return sh_stop(st, STOP_FAIL, "simulator invariant violated");
	return 0;
}

/* xfs_io's timing line after each report ("wrote 4096/4096 bytes at offset 0"). */
static void human(char *buf, size_t n, double v)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (v == (double)(long long)v)
		snprintf(buf, n, "%lld %s", (long long)v, units[u]);
	else
		snprintf(buf, n, "%.3f %s", v, units[u]);
}

static void add_timing(GString *dst, const char *text)
{
	for (const char *s = text; *s;) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		unsigned long long done, want, off;
		char verb[16], tail;
		gchar *line = g_strndup(s, len);

		g_string_append_len(dst, s, (gssize)len);
		g_string_append_c(dst, '\n');
		if (sscanf(line, "%15s %llu/%llu bytes at offset %llu%c", verb, &done, &want, &off, &tail) == 4 &&
		    (!strcmp(verb, "wrote") || !strcmp(verb, "read") || !strcmp(verb, "linked") ||
		     !strcmp(verb, "deduped"))) {
			char size[32], rate[32];
			unsigned long long ops = done ? (done + 4095) / 4096 : 1;

			/* a fixed time: the output stays reproducible */
			human(size, sizeof(size), (double)done);
			human(rate, sizeof(rate), (double)done * 10000.0);
			g_string_append_printf(dst, "%s, %llu ops; 0.0001 sec (%s/sec and %.4f ops/sec)\n",
					       size, ops, rate, (double)ops * 10000.0);
		}
		g_free(line);
		s += len + (e ? 1 : 0);
	}
}

int fst_xfs_io(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GPtrArray *av = g_ptr_array_new();
	GPtrArray *files = g_ptr_array_new();
	GString *o = g_string_new(NULL);
	char flags[8] = "-";
	int ret = 0;

	g_ptr_array_add(av, "xfs_io");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || !a[1]) {
			g_ptr_array_add(files, (char *)a);
			continue;
		}
		for (const char *p = a + 1; *p; p++) {
			if (*p == 'f' || *p == 't' || *p == 'r') {
				if (!strchr(flags, *p))
					strncat(flags, p, 1);
			} else if (*p == 'x' || *p == 'F') {
				/* expert mode; foreign files: nothing to model */
			} else if (*p == 'c' || *p == 'C') {
				const char *cmd = p[1] ? p + 1 : i + 1 < argc ? argv[++i] : NULL;

				if (!cmd) {
					ret = sh_unsupported(st, "xfs_io -c needs a command");
					goto out;
				}
				g_ptr_array_add(av, "-c");
				g_ptr_array_add(av, (char *)cmd);
				break;
			} else {
				char why[64];

				snprintf(why, sizeof(why), "xfs_io -%c is not modelled", *p);
				ret = sh_unsupported(st, why);
				goto out;
			}
		}
	}
	if (files->len != 1) {
		ret = sh_unsupported(st, files->len ? "xfs_io on several files" : "xfs_io without a file");
		goto out;
	}
	{
		const char *path = g_ptr_array_index(files, 0);
		gchar *dir = g_path_get_dirname(path);

		if (!fst_path_in_sim(st, path)) {
			g_free(dir);
			ret = sh_unsupported(st, "xfs_io on a file outside $TEST_DIR and $SCRATCH_MNT");
			goto out;
		}
		if (fst_is_dir(st, path)) {
			g_free(dir);
			ret = sh_unsupported(st, "xfs_io on a directory");
			goto out;
		}
		if (!fst_is_dir(st, dir)) {
			sh_err(io, "%s: No such file or directory\n", path);
			g_free(dir);
			ret = 1;
			goto out;
		}
		g_free(dir);
		if (flags[1])
			g_ptr_array_insert(av, 1, flags);
		g_ptr_array_add(av, (char *)path);
	}
	{
		struct sh_io cap = { o, io->fd2, NULL };

		g_ptr_array_add(av, NULL);
		ret = fst_sim(st, &cap, NULL, (int)av->len - 1, (char **)av->pdata);
		if (io->fd1)
			add_timing(io->fd1, o->str);
	}
out:
	g_ptr_array_free(av, TRUE);
	g_ptr_array_free(files, TRUE);
	g_string_free(o, TRUE);
	return ret;
}

/* Helpers ----------------------------------------------------------------- */

static int h_xfs_io(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	return fst_xfs_io(st, argc, argv, io);
}

/* Run `xfs_io [ARGS (split)] -f -c CMD FILE`. */
static int xfs_io_cmd(struct sh_state *st, struct sh_io *io, const char *args, const char *cmd,
		      const char *file)
{
	gchar **extra = g_strsplit_set(args ? args : "", " \t", -1);
	GPtrArray *av = g_ptr_array_new();
	int ret;

	g_ptr_array_add(av, "xfs_io");
	for (int i = 0; extra[i]; i++)
		if (*extra[i])
			g_ptr_array_add(av, extra[i]);
	g_ptr_array_add(av, "-f");
	g_ptr_array_add(av, "-c");
	g_ptr_array_add(av, (char *)cmd);
	g_ptr_array_add(av, (char *)file);
	g_ptr_array_add(av, NULL);
	ret = fst_xfs_io(st, (int)av->len - 1, (char **)av->pdata, io);
	g_ptr_array_free(av, TRUE);
	g_strfreev(extra);
	return ret;
}

static const char *arg(int argc, char **argv, int i)
{
	return i < argc ? argv[i] : "";
}

static int h_pwrite_byte(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	gchar *cmd = g_strdup_printf("pwrite -S %s %s %s", arg(argc, argv, 1), arg(argc, argv, 2),
				     arg(argc, argv, 3));
	int ret = xfs_io_cmd(st, io, arg(argc, argv, 5), cmd, arg(argc, argv, 4));

	g_free(cmd);
	return ret;
}

static int h_mwrite_byte(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	gchar *map = g_strdup_printf("mmap -rw 0 %s", arg(argc, argv, 4));
	gchar *w = g_strdup_printf("mwrite -S %s %s %s", arg(argc, argv, 1), arg(argc, argv, 2),
				   arg(argc, argv, 3));
	char *av[] = { "xfs_io", "-f", "-c", map, "-c", w, (char *)arg(argc, argv, 5), NULL };
	int ret = fst_xfs_io(st, 7, av, io);

	g_free(map);
	g_free(w);
	return ret;
}

static int h_reflink(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	gchar *cmd = g_strdup_printf("reflink %s", arg(argc, argv, 1));
	int ret = xfs_io_cmd(st, io, "", cmd, arg(argc, argv, 2));

	g_free(cmd);
	return ret;
}

static int h_reflink_range(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	gchar *cmd = g_strdup_printf("%s %s %s %s %s", !strcmp(argv[0], "_dedupe_range") ? "dedupe" : "reflink",
				     arg(argc, argv, 1), arg(argc, argv, 2), arg(argc, argv, 4),
				     arg(argc, argv, 5));
	int ret = xfs_io_cmd(st, io, arg(argc, argv, 6), cmd, arg(argc, argv, 3));

	g_free(cmd);
	return ret;
}

static int h_cp_reflink(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	char *av[] = { "cp_reflink", (char *)arg(argc, argv, 1), (char *)arg(argc, argv, 2), NULL };

	if (argc != 3)
		return sh_unsupported(st, "_cp_reflink takes two files");
	if (!fst_path_in_sim(st, argv[1]) || !fst_path_in_sim(st, argv[2]))
		return sh_unsupported(st, "_cp_reflink outside $TEST_DIR and $SCRATCH_MNT");
	return fst_sim(st, io, NULL, 3, av) ? -1 : 0;
}

static int cycle_mount(struct sh_state *st, struct sh_io *io)
{
	char *av[] = { "remount", NULL };

	return fst_sim(st, io, NULL, 1, av) ? -1 : 0;
}

/* Mount options: the simulated mounts are dax=always, nothing else. */
static int mount_opts(struct sh_state *st, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];

		if (!strncmp(o, "-o", 2))
			o += 2;
		while (*o == ' ')
			o++;
		if (*o && strcmp(o, "dax") && strcmp(o, "dax=always"))
			return sh_stop(st, STOP_NOTRUN, "mount options other than dax=always are not modelled by daxsim (%s)",
				       argv[i]);
	}
	return 0;
}

static int h_cycle_mount(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	if (mount_opts(st, argc, argv))
		return -1;
	return cycle_mount(st, io);
}

static int h_mount(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	return mount_opts(st, argc, argv);
}

static int h_ok(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	return 0;
}

static int h_scratch_mkfs(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	const char *mnt = sh_getvar(st, "SCRATCH_MNT");
	char *av[] = { "rm", "-rf", NULL, NULL };
	sh_cmd_fn rm = sh_builtin_lookup("rm");
	gchar *all;
	int ret;

	if (argc > 1)
		return sh_unsupported(st, "mkfs options are not modelled");
	all = g_strconcat(mnt, "/*", NULL);
	av[2] = all;
	ret = rm(st, 3, av, io);
	g_free(all);
	return ret < 0 ? -1 : 0;
}

/* _scratch_mkfs_blocksized N: the simulated filesystem has 4096-byte blocks */
static int h_scratch_mkfs_blocksized(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	char *av[] = { "_scratch_mkfs", NULL };

	if (argc != 2 || strcmp(argv[1], "4096"))
		return sh_stop(st, STOP_NOTRUN, "block size %s is not modelled by daxsim (4096 only)",
			       arg(argc, argv, 1));
	return h_scratch_mkfs(st, 1, av, io);
}

static int h_block_size(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	if (argc < 2 || !fst_is_dir(st, argv[1])) {
		sh_out(io, "Missing mount point argument for %s\n", argv[0]);
		st->exit_status = 1;
		st->status = 1;
		sh_setvar(st, "status", "1");
		st->stop = STOP_EXIT;
		return 1;
	}
	sh_out(io, "4096\n");
	return 0;
}

static int h_page_size(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	sh_out(io, "4096\n");
	return 0;
}

static int h_filesize(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	int64_t size = argc > 1 ? fst_session_file_size(st->sim, argv[1]) : -1;
	GString *g = argc > 1 ? g_tree_lookup(st->files, argv[1]) : NULL;

	if (g)
		size = (int64_t)g->len;
	if (size < 0) {
		sh_err(io, "stat: cannot statx '%s': No such file or directory\n", arg(argc, argv, 1));
		return 1;
	}
	sh_out(io, "%lld\n", (long long)size);
	return 0;
}

static int h_md5_checksum(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *o = g_string_new(NULL);
	struct sh_io cap = { o, io->fd2, NULL };
	char *av[] = { "md5sum", (char *)arg(argc, argv, 1), NULL };
	int ret = sh_builtin_lookup("md5sum")(st, 2, av, &cap);

	if (ret >= 0 && o->len >= 32) {
		g_string_truncate(o, strcspn(o->str, " "));
		sh_out(io, "%s\n", o->str);
	}
	g_string_free(o, TRUE);
	return ret < 0 ? -1 : 0;
}

/* pread -q -v OFF LEN | cut -d ' ' -f 3-18: the hex bytes only */
static int read_range(struct sh_state *st, struct sh_io *io, const char *file, const char *off,
		      const char *len, const char *args, GString *hex)
{
	GString *o = g_string_new(NULL);
	struct sh_io cap = { o, io->fd2, NULL };
	gchar *cmd = g_strdup_printf("pread -q -v %s %s", off, len);
	int ret = xfs_io_cmd(st, &cap, args, cmd, file);

	g_free(cmd);
	for (const char *s = o->str; ret >= 0 && *s;) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		int field = 1;

		for (size_t k = 0, start = 0; k <= n; k++) {
			if (k == n || s[k] == ' ') {
				if (field >= 3 && field <= 18) {
					if (field > 3)
						g_string_append_c(hex, ' ');
					g_string_append_len(hex, s + start, (gssize)(k - start));
				}
				field++;
				start = k + 1;
			}
		}
		g_string_append_c(hex, '\n');
		s += n + (e ? 1 : 0);
	}
	g_string_free(o, TRUE);
	return ret;
}

static int h_read_range(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *hex = g_string_new(NULL);
	int ret = read_range(st, io, arg(argc, argv, 1), arg(argc, argv, 2), arg(argc, argv, 3),
			     arg(argc, argv, 4), hex);

	if (ret >= 0)
		sh_out(io, "%s", hex->str);
	g_string_free(hex, TRUE);
	return ret < 0 ? -1 : 0;
}

static int h_compare_range(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *a = g_string_new(NULL), *b = g_string_new(NULL);
	int ret = read_range(st, io, arg(argc, argv, 1), arg(argc, argv, 2), arg(argc, argv, 5), "", a);

	if (ret >= 0)
		ret = read_range(st, io, arg(argc, argv, 3), arg(argc, argv, 4), arg(argc, argv, 5), "", b);
	if (ret >= 0)
		ret = strcmp(a->str, b->str) ? 1 : 0;
	g_string_free(a, TRUE);
	g_string_free(b, TRUE);
	return ret;
}

/* Filters ------------------------------------------------------------------- */

/* Replace @from by @to where it does not follow a word character (sed \B). */
static void replace_path(GString *t, const char *from, const char *to)
{
	size_t n = strlen(from);
	GString *o;

	if (!n)
		return;
	o = g_string_new(NULL);
	for (size_t i = 0; i < t->len;) {
		bool word_before = i && (isalnum((unsigned char)t->str[i - 1]) || t->str[i - 1] == '_');

		if (!strncmp(t->str + i, from, n) &&
		    (isalnum((unsigned char)from[0]) || from[0] == '_' ? !word_before : !word_before)) {
			g_string_append(o, to);
			i += n;
		} else {
			g_string_append_c(o, t->str[i++]);
		}
	}
	g_string_assign(t, o->str);
	g_string_free(o, TRUE);
}

static GString *stdin_text(struct sh_io *io)
{
	GString *t = g_string_new(NULL);
	gsize n;
	const char *in = sh_stdin_take(io, &n);

	g_string_append_len(t, in, (gssize)n);
	return t;
}

static int filter_done(struct sh_io *io, GString *t)
{
	if (io->fd1)
		g_string_append_len(io->fd1, t->str, (gssize)t->len);
	g_string_free(t, TRUE);
	return 0;
}

static int h_filter_test_dir(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *t = stdin_text(io);

	replace_path(t, sh_getvar(st, "TEST_DIR"), "TEST_DIR");
	replace_path(t, sh_getvar(st, "TEST_DEV"), "TEST_DEV");
	return filter_done(io, t);
}

static int h_filter_scratch(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *t = stdin_text(io), *o = g_string_new(NULL);

	replace_path(t, sh_getvar(st, "SCRATCH_MNT"), "SCRATCH_MNT");
	replace_path(t, sh_getvar(st, "SCRATCH_DEV"), "SCRATCH_DEV");
	for (gchar **l = g_strsplit(t->str, "\n", -1), **p = l; *p || (g_strfreev(l), 0); p++)
		if (!strstr(*p, ".use_space")) {
			g_string_append(o, *p);
			if (p[1])
				g_string_append_c(o, '\n');
		}
	g_string_free(t, TRUE);
	return filter_done(io, o);
}

static int h_filter_testdir_and_scratch(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *t = stdin_text(io);
	const char *td = sh_getvar(st, "TEST_DIR"), *sm = sh_getvar(st, "SCRATCH_MNT");

	if (td && sm && strstr(td, sm)) {
		replace_path(t, td, "TEST_DIR");
		replace_path(t, sm, "SCRATCH_MNT");
	} else {
		replace_path(t, sm, "SCRATCH_MNT");
		replace_path(t, td, "TEST_DIR");
	}
	return filter_done(io, t);
}

/* The timing line: "N KiB, N ops; T sec (R KiB/sec and R ops/sec)". */
static bool timing_line(const char *l, const char **start, const char **end)
{
	const char *ops = strstr(l, " ops; ");
	const char *tail = ops ? strstr(ops, " ops/sec)") : NULL;
	const char *s;

	if (!ops || !tail || !strstr(ops, "/sec and "))
		return false;
	s = ops;
	while (s > l && s[-1] != ',')
		s--;
	if (s == l || s - 1 == l)
		return false;
	s--;	/* the ',' */
	while (s > l && s[-1] != ' ')
		s--;	/* the unit */
	if (s > l)
		s--;
	while (s > l && (isdigit((unsigned char)s[-1]) || s[-1] == '.' || s[-1] == '/'))
		s--;
	*start = s;
	*end = tail + strlen(" ops/sec)");
	return true;
}

static void filter_xfs_io(GString *t, bool numbers)
{
	GString *o = g_string_new(NULL);

	for (const char *s = t->str; *s;) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		gchar *l = g_strndup(s, len);
		const char *a, *b;
		GString *line = g_string_new(NULL);

		if (timing_line(l, &a, &b)) {
			g_string_append_len(line, l, (gssize)(a - l));
			g_string_append(line, "XXX Bytes, X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)");
			g_string_append(line, b);
		} else {
			g_string_append(line, l);
		}
		if (numbers) {
			for (const char *c = line->str; *c;) {
				if (isdigit((unsigned char)*c)) {
					g_string_append(o, "XXXX");
					while (isdigit((unsigned char)*c))
						c++;
				} else {
					g_string_append_c(o, *c++);
				}
			}
		} else {
			g_string_append(o, line->str);
		}
		if (e)
			g_string_append_c(o, '\n');
		g_string_free(line, TRUE);
		g_free(l);
		s += len + (e ? 1 : 0);
	}
	g_string_assign(t, o->str);
	g_string_free(o, TRUE);
}

static int h_filter_xfs_io(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *t = stdin_text(io);

	filter_xfs_io(t, !strcmp(argv[0], "_filter_xfs_io_numbers"));
	return filter_done(io, t);
}

/* A filter that is one sed run (the builtin sed) over stdin. */
static int sed_filter(struct sh_state *st, struct sh_io *io, const char *e1, const char *e2)
{
	char *av[] = { "sed", "-e", (char *)e1, "-e", (char *)e2, NULL };

	return sh_builtin_lookup("sed")(st, e2 ? 5 : 3, av, io);
}

/* pwrite64: -> pwrite: (the last "64: " of a line) */
static int h_filter_xfs_io_error(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	return sed_filter(st, io, "s/^\\(.*\\)64\\(: .*$\\)/\\1\\2/", NULL);
}

static int h_filter_spaces(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	return sed_filter(st, io, "s/[[:space:]]\\+/ /g", NULL);
}

/* _filter_xfs_io, then no " at offset N" and no pread -v offsets */
static int h_filter_xfs_io_offset(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *t = stdin_text(io);
	struct sh_input in;
	struct sh_io sio = *io;

	filter_xfs_io(t, false);
	in = (struct sh_input){ t->str, t->len, 0 };
	sio.in = &in;
	sed_filter(st, &sio, "s/ at offset [0-9]*$//", "s/^[0-9a-f]\\+:/XXXXXXXX:/");
	g_string_free(t, TRUE);
	return stopped_ret(st);
}

/* _filter_od: od's offsets (octal) in blocks of 4096, "*" lines kept */
static int h_filter_od(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *t = stdin_text(io);
	gchar **lines = g_strsplit(t->str, "\n", -1);

	for (int i = 0; lines[i]; i++) {
		if (isdigit((unsigned char)lines[i][0])) {
			int n;
			gchar **f = awk_fields(lines[i], &n);

			sh_out(io, "%llo", strtoull(f[0], NULL, 8) / 4096);
			for (int k = 1; k < n; k++)
				sh_out(io, " %s", f[k]);
			sh_out(io, "\n");
			g_strfreev(f);
		}
		if (strchr(lines[i], '*'))
			sh_out(io, "%s\n", lines[i]);
	}
	g_strfreev(lines);
	g_string_free(t, TRUE);
	return 0;
}

static int h_filter_dedupe_error(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *t = stdin_text(io), *o = g_string_new(NULL);

	for (gchar **l = g_strsplit(t->str, "\n", -1), **p = l; *p || (g_strfreev(l), 0); p++) {
		if (!strncmp(*p, "dedupe:", 7))
			g_string_append_printf(o, "XFS_IOC_FILE_EXTENT_SAME:%s", *p + 7);
		else
			g_string_append(o, *p);
		if (p[1])
			g_string_append_c(o, '\n');
	}
	g_string_free(t, TRUE);
	return filter_done(io, o);
}

/* bc's "scale=5" number, trailing zeros of a fraction dropped */
static void tol_print(char *buf, size_t n, long double v)
{
	char *dot;

	snprintf(buf, n, "%.5Lf", v);
	dot = strchr(buf, '.');
	if (dot) {
		char *e = buf + strlen(buf);

		while (e > dot + 1 && e[-1] == '0')
			*--e = 0;
		if (e == dot + 1)
			*dot = 0;
	}
}

static bool tol_bound(const char *tol, long double correct, int sign, long double *out)
{
	char *end;
	long double t = strtold(tol, &end);

	if (end == tol || (*end && strcmp(end, "%")))
		return false;
	*out = correct + sign * (*end ? t * 0.01L * correct : t);
	return true;
}

/* _within_tolerance NAME GIVEN CORRECT MINTOL [MAXTOL] [-v] */
static int h_within_tolerance(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	const char *maxtol;
	bool verbose = false;
	long double given, correct, min, max;
	char *e1, *e2, smin[64], smax[64];

	if (argc < 5 || argc > 7)
		return sh_unsupported(st, "_within_tolerance arguments");
	maxtol = argv[4];
	if (argc >= 6) {
		if (!strcmp(argv[5], "-v"))
			verbose = true;
		else
			maxtol = argv[5];
	}
	if (argc == 7 && !strcmp(argv[6], "-v"))
		verbose = true;
	given = strtold(argv[2], &e1);
	correct = strtold(argv[3], &e2);
	if (*e1 || *e2 || !*argv[2] || !*argv[3] || !tol_bound(argv[4], correct, -1, &min) ||
	    !tol_bound(maxtol, correct, 1, &max))
		return sh_unsupported(st, "_within_tolerance with non-numeric values");
	if (min <= given && given <= max) {
		if (verbose)
			sh_out(io, "%s is in range\n", argv[1]);
		return 0;
	}
	tol_print(smin, sizeof(smin), min);
	tol_print(smax, sizeof(smax), max);
	if (verbose)
		sh_out(io, "%s has value of %s\n%s is NOT in range %s .. %s\n", argv[1], argv[2], argv[1],
		       smin, smax);
	return 1;
}

static int h_available_space(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	uint64_t blocks, bfree;

	if (argc < 2 || !fst_is_dir(st, argv[1]) || !fst_session_statfs(st->sim, &blocks, &bfree))
		return sh_unsupported(st, "_get_available_space of this path");
	sh_out(io, "%llu\n", (unsigned long long)bfree * 4096);
	return 0;
}

/* Control --------------------------------------------------------------- */

static int h_begin_fstest(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	gchar *seqres, *full;

	if (st->begun) {
		sh_out(io, "_begin_fstest can only be called once!\n");
		st->exit_status = st->status = 1;
		st->stop = STOP_EXIT;
		return 1;
	}
	st->begun = true;
	seqres = g_strdup_printf("%s/%s", sh_getvar(st, "RESULT_DIR"), sh_getvar(st, "seq"));
	sh_setvar(st, "seqres", seqres);
	sh_out(io, "QA output created by %s\n", sh_getvar(st, "seq"));
	sh_setvar(st, "tmp", "/tmp/4242");
	sh_setvar(st, "status", "1");		/* failure is the default */
	sh_setvar(st, "@cleanup", "_cleanup");
	full = g_strconcat(seqres, ".full", NULL);
	g_tree_remove(st->files, full);
	g_free(full);
	g_free(seqres);
	return 0;
}

static int h_register_cleanup(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	sh_setvar(st, "@cleanup", arg(argc, argv, 1));
	return 0;
}

static int h_notrun(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	gchar *msg = g_strjoinv(" ", argv + 1);

	sh_stop(st, STOP_NOTRUN, "%s", msg);
	g_free(msg);
	return -1;
}

static int h_fail(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	gchar *msg = g_strjoinv(" ", argv + 1);

	sh_out(io, "%s\n(see %s.full for details)\n", msg, sh_getvar(st, "seqres"));
	g_free(msg);
	sh_setvar(st, "status", "1");
	st->exit_status = st->status = 1;
	st->stop = STOP_EXIT;
	return 1;
}

static int h_exit(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	sh_setvar(st, "status", arg(argc, argv, 1));
	st->exit_status = st->status = atoi(arg(argc, argv, 1));
	st->stop = STOP_EXIT;
	return st->status;
}

/* dmesg lines fstests' _check_dmesg treats as a failure. */
bool fst_dmesg_bad(const char *log);
bool fst_dmesg_bad(const char *log)
{
	static const char *const bad[] = {
		"WARNING:", "BUG:", "Oops", "kernel BUG at", "possible recursive locking",
		"possible circular locking", "INFO: task", "UBSAN:", "general protection fault",
		"Internal error", "XFS: Assertion failed", "INFO: possible irq lock inversion",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
		if (strstr(log, bad[i]))
			return true;
	return false;
}

static int h_check_dmesg(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	if (fst_dmesg_bad(fst_session_dmesg(st->sim))) {
		sh_out(io, "_check_dmesg: something found (see %s.dmesg)\n", sh_getvar(st, "seqres"));
		return 1;
	}
	return 0;
}

static int h_dmesg(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	sh_out(io, "%s", fst_session_dmesg(st->sim));
	return 0;
}

/* _require_* ------------------------------------------------------------- */

static int h_require_xfs_io_command(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	const struct cmdinfo *ci = argc > 1 ? cmd_lookup(argv[1]) : NULL;

	if (!ci || (ci->flags & CMD_SIM) ||
	    (argc > 2 && (argv[2][0] != '-' || !ci->opts || !strchr(ci->opts, argv[2][1]))))
		return sh_stop(st, STOP_NOTRUN, "xfs_io %s%s%s support is missing", arg(argc, argv, 1),
			       argc > 2 ? " " : "", arg(argc, argv, 2));
	return 0;
}

static int h_require_command(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	const char *prog = arg(argc, argv, 1);
	const char *name = argc > 2 ? argv[2] : prog;

	if (!*prog || !fst_helper_lookup(prog))
		return sh_stop(st, STOP_NOTRUN, "%s utility required, skipped this test", name);
	return 0;
}

static int h_require_test_program(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	if (!fst_src_lookup(arg(argc, argv, 1)))
		return sh_stop(st, STOP_NOTRUN, "%s/src/%s not built", sh_getvar(st, "here"),
			       arg(argc, argv, 1));
	return 0;
}

static int h_require_congruent(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	long long len = atoll(arg(argc, argv, 2));

	if (len < 4096)
		return sh_stop(st, STOP_NOTRUN, "%s: file alloc unit 4096 larger than op length %lld",
			       arg(argc, argv, 1), len);
	if (len % 4096)
		return sh_stop(st, STOP_NOTRUN, "%s: file alloc unit 4096 not congruent with op length %lld",
			       arg(argc, argv, 1), len);
	return 0;
}

static int h_exclude_fs(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	if (!strcmp(arg(argc, argv, 1), "xfs"))
		return sh_stop(st, STOP_NOTRUN, "not suitable for this filesystem type: xfs");
	return 0;
}

/* The mounts are dax=always: excluding dax (or dax=always) skips the test. */
static int h_exclude_mount_option(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "dax") || !strcmp(argv[i], "dax=always"))
			return sh_stop(st, STOP_NOTRUN, "mount option \"%s\" not allowed in this test", argv[i]);
	return 0;
}

static int h_require_chattr(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	if (strcmp(arg(argc, argv, 1), "x"))
		return sh_stop(st, STOP_NOTRUN, "file system doesn't support chattr +%s", arg(argc, argv, 1));
	return 0;
}

/* The _require_* checks the simulated machine meets, or why not. */
static const struct {
	const char	*name;
	const char	*notrun;	/* NULL: satisfied */
} requires[] = {
	{ "_require_test", NULL },
	{ "_require_scratch", NULL },
	{ "_require_scratch_nocheck", NULL },
	{ "_require_test_reflink", NULL },
	{ "_require_scratch_reflink", NULL },
	{ "_require_cp_reflink", NULL },
	{ "_require_test_dedupe", NULL },
	{ "_require_scratch_dedupe", NULL },
	{ "_require_scratch_explicit_shared_extents", NULL },
	{ "_require_check_dmesg", NULL },
	{ "_require_dax_iflag", NULL },
	{ "_require_scratch_dax_mountopt", NULL },
	{ "_require_xfs_scratch_rmapbt", NULL },
	{ "_require_scratch_rmapbt", NULL },
	{ "_require_metadata_journaling", NULL },
	{ "_require_fs_space", NULL },
	{ "_require_no_large_scratch_dev", NULL },
	{ "_require_no_logdev", NULL },
	{ "_require_no_compress", NULL },
	{ "_require_scratch_xfs_crc", NULL },
	{ "_require_log_writes_dax_mountopt", "dm-log-writes is not modelled by daxsim" },
	{ "_require_log_writes", "dm-log-writes is not modelled by daxsim" },
	{ "_require_arbitrary_fileset_reflink", NULL },
	{ "_require_xfs_io_shutdown", "shutdown ioctls are not modelled by daxsim" },
	{ "_require_test_lsattr", "lsattr is not modelled by daxsim" },
	{ "_require_xfs_nocrc", "V4 (non-CRC) filesystems are not modelled by daxsim" },
	{ "_require_duplicate_fsid", "filesystem UUIDs are not modelled by daxsim" },
	/* DAX writes go straight to the media: never delayed allocation */
	{ "_require_scratch_delalloc", "test requires delayed allocation buffered writes" },
	{ "_require_hugepages", "huge pages are not modelled by daxsim" },
	{ "_require_mknod", "device nodes are not modelled by daxsim" },
	{ "_require_scratch_swapfile", "swap files are not modelled by daxsim" },
	{ "_require_error_injection", "error injection is not modelled by daxsim" },
	{ "_require_odirect", "O_DIRECT is not modelled by daxsim" },
	{ "_require_aiodio", "AIO is not modelled by daxsim" },
	{ "_require_scratch_shutdown", "shutdown ioctls are not modelled by daxsim" },
	{ "_require_xfs_io_error_injection", "error injection is not modelled by daxsim" },
	{ "_require_freeze", "freeze is not modelled by daxsim" },
	{ "_require_scratch_richacl", "ACLs are not modelled by daxsim" },
	{ "_require_acls", "ACLs are not modelled by daxsim" },
	{ "_require_attrs", "extended attributes are not modelled by daxsim" },
	{ "_require_quota", "quotas are not modelled by daxsim" },
	{ "_require_user", "users are not modelled by daxsim" },
	{ "_require_realtime", "the realtime device is not modelled by daxsim" },
	{ "_require_loop", "loop devices are not modelled by daxsim" },
	{ "_require_dm_target", "device mapper is not modelled by daxsim" },
	{ "_require_xfs_debug", "XFS debug knobs are not modelled by daxsim" },
	{ "_require_cgroup2", "cgroups are not modelled by daxsim" },
};

static int h_require(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	for (size_t i = 0; i < G_N_ELEMENTS(requires); i++)
		if (!strcmp(requires[i].name, argv[0]))
			return requires[i].notrun ? sh_stop(st, STOP_NOTRUN, "%s", requires[i].notrun) : 0;
	return sh_unsupported(st, "a _require_ check daxsim does not know");
}

/* Programs ---------------------------------------------------------------- */

/* filefrag -v, from the simulator's fiemap */
static int h_filefrag(struct sh_state *st, int argc, char **argv, struct sh_io *io)
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
	struct task_struct *t;
	struct sh_io quiet = { 0 };
	int nr = (argc - 2) / 2, ret = 0;
	long long len;
	char *end;

	if (argc < 4) {
		sh_out(io, "Usage: %s len offset file [offset file]...\n", argv[0]);
		return 1;
	}
	len = strtoll(argv[1], &end, 0);
	if (*end || len < 0) {
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
		if (off + len > size) {
			sh_err(io, "%s: file must be %llu bytes\n", f, (unsigned long long)(off + len));
			return 1;
		}
	}
	quiet.fd2 = io->fd2;
	t = fst_session_task(st->sim, "mmap-write-concurrent");
	/* selecting a mapping lists the table (addresses): not the program's output */
#define RUN_IO(where, ...) do {						\
		char *av_[] = { __VA_ARGS__, NULL };			\
		ret = fst_sim(st, where, t, (int)G_N_ELEMENTS(av_) - 1, av_);	\
	} while (0)
#define RUN(...) RUN_IO(io, __VA_ARGS__)
	for (int i = 0; i < nr && !ret && !t->dead; i++) {
		const char *f = argv[2 + 2 * i + 1];
		gchar *size = g_strdup_printf("%lld", (long long)fst_session_file_size(st->sim, f));
		gchar *off = g_strdup_printf("%lld", strtoll(argv[2 + 2 * i], NULL, 0));
		gchar *l = g_strdup_printf("%lld", len);

		RUN("open", (char *)f);
		if (!ret && !t->dead)
			RUN("mmap", "-rw", "0", size);
		if (!ret && !t->dead && len)
			RUN("mread", off, l);
		g_free(size);
		g_free(off);
		g_free(l);
	}
	for (int i = 0; i < nr && !ret && !t->dead && len; i++) {
		gchar *idx = g_strdup_printf("%d", i);
		gchar *seed = g_strdup_printf("0x%x", (0x62 + i) & 0xff);
		gchar *off = g_strdup_printf("%lld", strtoll(argv[2 + 2 * i], NULL, 0));
		gchar *l = g_strdup_printf("%lld", len);

		RUN_IO(&quiet, "mmap", idx);
		if (!ret && !t->dead)
			RUN("mwrite", "-S", seed, off, l);
		g_free(idx);
		g_free(seed);
		g_free(off);
		g_free(l);
	}
	for (int i = 0; i < nr && !ret && !t->dead; i++) {
		gchar *idx = g_strdup_printf("%d", i);
		gchar *l = g_strdup_printf("%lld", strtoll(argv[2 + 2 * i], NULL, 0) + len);

		RUN_IO(&quiet, "mmap", idx);
		if (!ret && !t->dead)
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
static int task_run(struct sh_state *st, struct sh_io *io, struct task_struct *t, int argc, char **argv)
{
	return t->dead ? 0 : fst_sim(st, io, t, argc, argv);
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
	struct task_struct *r, *p;
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
	if (!ret && !p->dead) {
		g_string_append(pout, "Inject poison...\n");
		P(&pio, "madvise", "-P", poffs, plens);
		if (p->dead && p->sig == SIG_BUS) {
			g_string_append(pout, "Process is killed by signal: 7\n");
		} else if (p->last_errno) {
			g_string_append_printf(pout, "madvise() has fault: -1, errno: %d\n", p->last_errno);
		} else if (cap->len) {
			sh_err(io, "%s", cap->str);
		}
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
	struct task_struct *t;
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
	for (long long off = start * 4096; !ret && !t->dead && !t->last_errno && off < fsize;
	     off += 4096 * interval) {
		char offs[32], lens[32];
		char *av[] = { "fpunch", offs, lens, NULL };

		snprintf(offs, sizeof(offs), "%lld", off);
		snprintf(lens, sizeof(lens), "%lld", 4096 * size);
		ret = fst_sim(st, &cap, t, 3, av);
	}
	if (!ret && !t->dead && !t->last_errno) {
		char *av[] = { "fsync", NULL };

		ret = fst_sim(st, &cap, t, 1, av);
	}
	if (!ret && (t->dead || t->last_errno)) {
		sh_err(io, "%s: %s\n", file, t->dead ? "Bus error" : g_strerror(t->last_errno));
		ret = 2;
	}
	fst_session_task_end(st->sim, t);
	g_string_free(o, TRUE);
	return ret;
}

static int h_check_dmesg_for(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	regex_t re;
	int ret = 1;
	gchar **lines;

	if (argc != 2 || regcomp(&re, argv[1], REG_EXTENDED | REG_NOSUB))
		return sh_unsupported(st, "_check_dmesg_for takes one extended regular expression");
	lines = g_strsplit(fst_session_dmesg(st->sim), "\n", -1);
	for (int i = 0; lines[i] && ret; i++)
		if (!regexec(&re, lines[i], 0, NULL, 0))
			ret = 0;
	g_strfreev(lines);
	regfree(&re);
	return ret;
}

/* Whitespace-separated fields of @line, as awk splits them. */
static gchar **awk_fields(const char *line, int *n)
{
	gchar **f = g_strsplit_set(line, " \t", -1);
	int k = 0;

	for (int i = 0; f[i]; i++) {
		if (*f[i])
			f[k++] = f[i];
		else
			g_free(f[i]);
	}
	f[k] = NULL;
	*n = k;
	return f;
}

/*
 * _coalesce_extents [BLOCKSIZE]: lines "N: [LOW..HIGH]: TYPE" (512-byte
 * units) merged into runs of one TYPE, renumbered, in BLOCKSIZE units.
 */
static void coalesce(const char *text, long bs, struct sh_io *io)
{
	gchar **lines = g_strsplit(text, "\n", -1);
	gchar *prev = NULL;
	unsigned long long low = 0, high = 0, count = 0;

	for (int i = 0; lines[i]; i++) {
		gchar **parts = g_strsplit(lines[i], ":", 3);
		const char *type;

		if (!*lines[i] || g_strv_length(parts) < 2) {
			g_strfreev(parts);
			continue;
		}
		type = parts[2] ? parts[2] : "";
		if (sscanf(parts[1], " [%llu..%llu]", &low, &high) != 2)
			low = high = 0;
		if (!prev || strcmp(type, prev)) {
			if (prev)
				sh_out(io, "%llu]:%s\n", low * 512 / bs - 1, prev);
			sh_out(io, "%llu: [%llu..", count++, low * 512 / bs);
			g_free(prev);
			prev = g_strdup(type);
		}
		g_strfreev(parts);
	}
	if (prev)
		sh_out(io, "%llu]:%s\n", (high + 1) * 512 / bs - 1, prev);
	g_free(prev);
	g_strfreev(lines);
}

static int h_coalesce_extents(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *t = stdin_text(io);
	long bs = argc > 1 ? atol(argv[1]) : 512;

	if (bs <= 0)
		bs = 512;
	coalesce(t->str, bs, io);
	g_string_free(t, TRUE);
	return 0;
}

/*
 * _filter_fiemap_flags [1]: fiemap -v rows as "N: [RANGE]: hole|unwritten|
 * none|shared|last|shared|last" (with 1, "encoded" too), then coalesced.
 */
static int h_filter_fiemap_flags(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *t = stdin_text(io), *o = g_string_new(NULL);
	bool encoded = argc > 1 && !strcmp(argv[1], "1");
	gchar **lines = g_strsplit(t->str, "\n", -1);

	for (int i = 0; lines[i]; i++) {
		int n;
		gchar **f = awk_fields(lines[i], &n);

		if (n >= 3 && strstr(f[2], "hole")) {
			g_string_append_printf(o, "%s %s %s\n", f[0], f[1], f[2]);
		} else if (n >= 5 && !strncmp(f[4], "0x", 2) && isxdigit((unsigned char)f[4][2])) {
			unsigned long flags = strtoul(f[4], NULL, 16);
			const char *x = strchr(f[4] + 2, '8');
			GString *fl = g_string_new(NULL);

			/* awk: /0x[[:xdigit:]]*8[[:xdigit:]][[:xdigit:]]/ */
			while (x && !(isxdigit((unsigned char)x[1]) && isxdigit((unsigned char)x[2])))
				x = strchr(x + 1, '8');
			if (x) {
				g_string_append_printf(o, "%s %s unwritten\n", f[0], f[1]);
			} else {
				if (flags & 0x2000)
					g_string_append(fl, "shared");
				if (encoded && (flags & 0x8))
					g_string_append(fl, fl->len ? "|encoded" : "encoded");
				if (flags & 0x1)
					g_string_append(fl, fl->len ? "|last" : "last");
				g_string_append_printf(o, "%s %s %s\n", f[0], f[1], fl->len ? fl->str : "none");
			}
			g_string_free(fl, TRUE);
		}
		g_strfreev(f);
	}
	g_strfreev(lines);
	coalesce(o->str, 512, io);
	g_string_free(o, TRUE);
	g_string_free(t, TRUE);
	return 0;
}

/* xfs_io -r -c fiemap FILE into @o; 0 or -1 */
static int fiemap_text(struct sh_state *st, struct sh_io *io, const char *file, GString *o)
{
	struct sh_io cap = { o, io->fd2, NULL };
	char *av[] = { "xfs_io", "-r", "-c", "fiemap", (char *)file, NULL };

	return fst_xfs_io(st, 5, av, &cap) < 0 ? -1 : 0;
}

/* _verify_reflink F1 F2: two inodes with the same extents */
static int h_verify_reflink(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *m[2] = { g_string_new(NULL), g_string_new(NULL) };
	const char *f[2] = { arg(argc, argv, 1), arg(argc, argv, 2) };
	uint64_t ino[2];
	int ret = 0;

	for (int k = 0; k < 2 && !ret; k++) {
		GString *o = g_string_new(NULL);

		ino[k] = fst_session_file_ino(st->sim, f[k]);
		ret = fiemap_text(st, io, f[k], o);
		/* grep -v FILE: the name line goes */
		for (gchar **l = g_strsplit(o->str, "\n", -1), **p = l; *p || (g_strfreev(l), 0); p++)
			if (**p && !strstr(*p, f[k]))
				g_string_append_printf(m[k], "%s\n", *p);
		g_string_free(o, TRUE);
	}
	if (!ret) {
		if (ino[0] && ino[0] == ino[1])
			sh_out(io, "%s and %s are not reflinks: same inode number\n", f[0], f[1]);
		if (strcmp(m[0]->str, m[1]->str)) {
			GString *d = fst_unified_diff(m[0]->str, m[1]->str, "/dev/fd/63", "/dev/fd/62");

			sh_out(io, "%s%s and %s are not reflinks: different extents\n", d->str, f[0], f[1]);
			g_string_free(d, TRUE);
		}
	}
	g_string_free(m[0], TRUE);
	g_string_free(m[1], TRUE);
	return ret;
}

/* _count_extents FILE: fiemap rows that are not holes; _count_holes: that are */
static int h_count_extents(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	bool holes = !strcmp(argv[0], "_count_holes");
	GString *o = g_string_new(NULL);
	struct sh_io cap = { o, io->fd2, NULL };
	char *av[] = { "xfs_io", "-r", "-c", "fiemap", (char *)arg(argc, argv, 1), NULL };
	int ret = fst_xfs_io(st, 5, av, &cap), n = 0;
	gchar **lines = g_strsplit(o->str, "\n", -1);

	for (int i = 1; ret >= 0 && lines[i]; i++)
		if ((*lines[i] || lines[i + 1]) && !strstr(lines[i], "hole") != holes)
			n++;
	if (ret >= 0)
		sh_out(io, "%d\n", n);
	g_strfreev(lines);
	g_string_free(o, TRUE);
	return ret < 0 ? -1 : 0;
}

/* _md5_range_checksum FILE OFF LEN: the md5 of _read_range's text */
static int h_md5_range_checksum(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *hex = g_string_new(NULL);
	int ret = read_range(st, io, arg(argc, argv, 1), arg(argc, argv, 2), arg(argc, argv, 3), "", hex);

	if (ret >= 0) {
		gchar *sum = g_compute_checksum_for_string(G_CHECKSUM_MD5, hex->str, (gssize)hex->len);

		sh_out(io, "%s\n", sum);
		g_free(sum);
	}
	g_string_free(hex, TRUE);
	return ret < 0 ? -1 : 0;
}

/* _check_s_dax FILE 0|1: statx's STATX_ATTR_DAX against the expectation */
static int h_check_s_dax(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *o = g_string_new(NULL);
	struct sh_io cap = { o, io->fd2, NULL };
	char *av[] = { "xfs_io", "-c", "statx -r", (char *)arg(argc, argv, 1), NULL };
	const char *a;
	unsigned long long attrs = 0;
	int ret = fst_xfs_io(st, 4, av, &cap);

	if (ret < 0) {
		g_string_free(o, TRUE);
		return -1;
	}
	a = strstr(o->str, "stat.attributes = ");
	if (a)
		attrs = strtoull(a + strlen("stat.attributes = "), NULL, 0);
	g_string_free(o, TRUE);
	ret = 0;
	if (attrs & 0x2000)
		sh_out(io, "%s has an unexpected STATX_ATTR_MOUNT_ROOT flag set\nwhich used to be STATX_ATTR_DAX\n"
		       "     This test should not be running on the root inode...\n"
		       "     Does the kernel have the following patch?\n"
		       "     72d1249e2ffd uapi: fix statx attribute value overlap for DAX & MOUNT_ROOT\n",
		       arg(argc, argv, 1));
	if (!atoi(arg(argc, argv, 2)) && (attrs & 0x00200000)) {
		sh_out(io, "%s has unexpected S_DAX flag\n", arg(argc, argv, 1));
		ret = 1;
	} else if (atoi(arg(argc, argv, 2)) && !(attrs & 0x00200000)) {
		sh_out(io, "%s doesn't have expected S_DAX flag\n", arg(argc, argv, 1));
		ret = 2;
	}
	return ret;
}

/* _xfs_has_feature MNT FEATURE [-v]: the simulated mkfs's features */
static int h_xfs_has_feature(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	static const char *const yes[] = { "crc", "reflink", "rmapbt", "finobt", "sparse", "ftype" };
	static const char *const no[] = { "realtime", "rtgroups", "quota", "uquota", "gquota", "pquota" };
	const char *feat = arg(argc, argv, 2);
	bool verbose = argc > 3 && !strcmp(argv[3], "-v");
	int has = -1;

	for (size_t i = 0; i < G_N_ELEMENTS(yes); i++)
		if (!strcmp(feat, yes[i]))
			has = 1;
	for (size_t i = 0; i < G_N_ELEMENTS(no); i++)
		if (!strcmp(feat, no[i]))
			has = 0;
	if (has < 0)
		return sh_unsupported(st, "an XFS feature daxsim does not know");
	if (verbose)
		sh_out(io, "%d\n", has);
	return has ? 0 : 1;
}

/* The table ----------------------------------------------------------------- */

static const struct {
	const char	*name;
	sh_cmd_fn	fn;
} helpers[] = {
	{ "xfs_io", h_xfs_io },
	{ "filefrag", h_filefrag },
	{ "_begin_fstest", h_begin_fstest },
	{ "_register_cleanup", h_register_cleanup },
	{ "_notrun", h_notrun },
	{ "_fail", h_fail },
	{ "_exit", h_exit },
	{ "_pwrite_byte", h_pwrite_byte },
	{ "_mwrite_byte", h_mwrite_byte },
	{ "_reflink", h_reflink },
	{ "_reflink_range", h_reflink_range },
	{ "_dedupe_range", h_reflink_range },
	{ "_cp_reflink", h_cp_reflink },
	{ "_test_cycle_mount", h_cycle_mount },
	{ "_scratch_cycle_mount", h_cycle_mount },
	{ "_scratch_mkfs", h_scratch_mkfs },
	{ "_scratch_mkfs_blocksized", h_scratch_mkfs_blocksized },
	{ "_scratch_mount", h_mount },
	{ "_fixed_by_kernel_commit", h_ok },
	{ "_fixed_by_git_commit", h_ok },
	{ "_test_sync", h_ok },
	{ "_scratch_sync", h_ok },
	{ "_exclude_fs", h_exclude_fs },
	{ "_exclude_scratch_mount_option", h_exclude_mount_option },
	{ "_exclude_test_mount_option", h_exclude_mount_option },
	{ "_require_chattr", h_require_chattr },
	{ "_scratch_unmount", h_ok },
	{ "_test_mount", h_mount },
	{ "_test_unmount", h_ok },
	{ "_get_file_block_size", h_block_size },
	{ "_get_block_size", h_block_size },
	{ "_get_page_size", h_page_size },
	{ "_get_filesize", h_filesize },
	{ "_md5_checksum", h_md5_checksum },
	{ "_read_range", h_read_range },
	{ "_compare_range", h_compare_range },
	{ "_filter_test_dir", h_filter_test_dir },
	{ "_filter_scratch", h_filter_scratch },
	{ "_filter_testdir_and_scratch", h_filter_testdir_and_scratch },
	{ "_filter_xfs_io", h_filter_xfs_io },
	{ "_filter_xfs_io_numbers", h_filter_xfs_io },
	{ "_filter_dedupe_error", h_filter_dedupe_error },
	{ "_filter_xfs_io_error", h_filter_xfs_io_error },
	{ "_filter_xfs_io_offset", h_filter_xfs_io_offset },
	{ "_filter_spaces", h_filter_spaces },
	{ "_filter_od", h_filter_od },
	{ "_check_dmesg", h_check_dmesg },
	{ "_dmesg_since_test_start", h_dmesg },
	{ "_check_dmesg_for", h_check_dmesg_for },
	{ "_within_tolerance", h_within_tolerance },
	{ "_filter_fiemap_flags", h_filter_fiemap_flags },
	{ "_coalesce_extents", h_coalesce_extents },
	{ "_count_extents", h_count_extents },
	{ "_count_holes", h_count_extents },
	{ "_verify_reflink", h_verify_reflink },
	{ "_md5_range_checksum", h_md5_range_checksum },
	{ "_check_s_dax", h_check_s_dax },
	{ "_xfs_has_feature", h_xfs_has_feature },
	{ "_get_available_space", h_available_space },
	{ "_require_xfs_io_command", h_require_xfs_io_command },
	{ "_require_command", h_require_command },
	{ "_require_test_program", h_require_test_program },
	{ "_require_congruent_file_oplen", h_require_congruent },
};

int fst_hexdump(struct sh_state *st, int argc, char **argv, struct sh_io *io);

sh_cmd_fn fst_helper_lookup(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(helpers); i++)
		if (!strcmp(helpers[i].name, name))
			return helpers[i].fn;
	if (!strcmp(name, "_hexdump"))
		return fst_hexdump;
	if (fst_weave_lookup(name))
		return fst_weave_lookup(name);
	if (!strncmp(name, "_require_", 9))
		return h_require;
	return NULL;
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
