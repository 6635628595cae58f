// SPDX-License-Identifier: MIT
/*
 * The shell builtins and the file utilities an fstests test calls, written
 * for the simulator: files under $TEST_DIR and $SCRATCH_MNT are the
 * simulated filesystem's (read through its read path, `od`), files the test
 * writes with a redirect are kept by the shell, directories are the
 * shell's.  Each prints what bash or the GNU tool prints for the forms
 * tests use; an option outside those makes the test unsupported instead of
 * guessing.  The text utilities are in fstests_text.c.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fstests.h"
#include "xfs_mount.h"
#include "scn.h"

/* Files ------------------------------------------------------------------- */

static bool under(const char *path, const char *dir)
{
	size_t n = dir ? strlen(dir) : 0;

	return n && !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

bool fst_path_in_sim(struct sh_state *st, const char *path)
{
	return under(path, sh_getvar(st, "TEST_DIR")) || under(path, sh_getvar(st, "SCRATCH_MNT"));
}

bool fst_is_dir(struct sh_state *st, const char *path)
{
	const char *td = sh_getvar(st, "TEST_DIR"), *sm = sh_getvar(st, "SCRATCH_MNT");

	if ((td && !strcmp(path, td)) || (sm && !strcmp(path, sm)) || !strcmp(path, "/") ||
	    !strcmp(path, "/tmp") || !strcmp(path, "/dev"))
		return true;
	return g_tree_lookup(st->dirs, path) != NULL;
}

bool fst_parent_exists(struct sh_state *st, const char *path)
{
	gchar *dir = g_path_get_dirname(path);
	bool yes = !fst_path_in_sim(st, path) || fst_is_dir(st, dir);

	g_free(dir);
	return yes;
}

/* od -Ax -t x1z back into bytes ("*" repeats the line before). */
static int parse_od(const char *text, GByteArray *buf)
{
	unsigned char line[16];
	size_t linelen = 0;
	bool star = false;

	for (const char *s = text; *s;) {
		const char *e = strchr(s, '\n');
		char *end;
		unsigned long long addr;

		if (!e)
			e = s + strlen(s);
		if (*s == '*') {
			star = true;
		} else {
			addr = strtoull(s, &end, 16);
			if (star) {
				while (buf->len + linelen <= addr)
					g_byte_array_append(buf, line, (guint)linelen);
				star = false;
			}
			if (buf->len != addr)
				return EIO;
			linelen = 0;
			while (end < e && end[0] == ' ' && isxdigit((unsigned char)end[1]) && linelen < 16) {
				line[linelen++] = (unsigned char)strtoul(end + 1, &end, 16);
			}
			g_byte_array_append(buf, line, (guint)linelen);
		}
		s = *e ? e + 1 : e;
	}
	return 0;
}

int fst_read_file(struct sh_state *st, const char *path, GByteArray *buf)
{
	GString *g = g_tree_lookup(st->files, path);

	if (g) {
		g_byte_array_append(buf, (const guint8 *)g->str, (guint)g->len);
		return 0;
	}
	if (fst_path_in_sim(st, path) && fst_session_file_size(st->sim, path) >= 0) {
		GString *out = g_string_new(NULL);
		struct sh_io io = { out, NULL, NULL };
		char *argv[] = { "od", (char *)path, NULL };
		int err;

		if (fst_sim(st, &io, NULL, 2, argv)) {
			g_string_free(out, TRUE);
			return -1;
		}
		err = parse_od(out->str, buf);
		g_string_free(out, TRUE);
		return err;
	}
	return ENOENT;
}

/* Text of stdin or of the files named. */
int fst_input_text(struct sh_state *st, int argc, char **argv, struct sh_io *io,
		      const char *cmd, GString *text)
{
	int ret = 0;

	if (!argc) {
		gsize n;
		const char *in = sh_stdin_take(io, &n);

		g_string_append_len(text, in, (gssize)n);
		return 0;
	}
	for (int i = 0; i < argc; i++) {
		GByteArray *b;
		int err;

		if (!strcmp(argv[i], "-")) {	/* POSIX: "-" is standard input */
			gsize n;
			const char *in = sh_stdin_take(io, &n);

			g_string_append_len(text, in, (gssize)n);
			continue;
		}
		b = g_byte_array_new();
		err = fst_read_file(st, argv[i], b);

		if (err < 0) {
			g_byte_array_free(b, TRUE);
			return -1;
		}
		if (err) {	/* reported; the other files are still read, as coreutils does */
			if (!strcmp(cmd, "sed"))
				sh_err(io, "sed: can't read %s: %s\n", argv[i], g_strerror(err));
			else if (!strcmp(cmd, "sort"))
				sh_err(io, "sort: cannot read: %s: %s\n", argv[i], g_strerror(err));
			else
				sh_err(io, "%s: %s: %s\n", cmd, argv[i], g_strerror(err));
			ret = 1;
		} else {
			g_string_append_len(text, (const char *)b->data, (gssize)b->len);
		}
		g_byte_array_free(b, TRUE);
	}
	return ret;
}

/* Shell builtins ------------------------------------------------------------ */

static int b_true(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	return 0;
}

static int b_false(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	return 1;
}

/* echo -e's escapes: \0NNN octal, \xHH, \a \b \c (stop) \e \E \f \n \r \t \v \\;
 * any other backslash is kept (bash); returns false after \c */
static bool echo_escapes(const char *s, struct sh_io *io)
{
	static const char from[] = "abeEfnrtv\\", to[] = "\a\b\033\033\f\n\r\t\v\\";

	for (; *s; s++) {
		const char *p;
		unsigned int v = 0;
		int n;

		if (*s != '\\' || !s[1]) {
			sh_out(io, "%c", *s);
			continue;
		}
		s++;
		if (*s == 'c')
			return false;
		if (*s == '0') {
			for (n = 1; n < 4 && s[n] >= '0' && s[n] <= '7'; n++)
				v = v * 8 + (unsigned int)(s[n] - '0');
			s += n - 1;
		} else if (*s == 'x' && isxdigit((unsigned char)s[1])) {
			for (n = 1; n < 3 && isxdigit((unsigned char)s[n]); n++)
				v = v * 16 + (unsigned int)g_ascii_xdigit_value(s[n]);
			s += n - 1;
		} else if ((p = strchr(from, *s))) {
			v = (unsigned char)to[p - from];
		} else {
			sh_out(io, "\\%c", *s);
			continue;
		}
		if (io->fd1)
			g_string_append_c(io->fd1, (char)v);
	}
	return true;
}

static int b_echo(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	bool nl = true, esc = false;
	int i = 1;

	/* bash: the option letters in order, the last of -e and -E wins */
	for (; i < argc && argv[i][0] == '-' && argv[i][1] && strspn(argv[i] + 1, "neE") == strlen(argv[i] + 1); i++)
		for (const char *o = argv[i] + 1; *o; o++) {
			if (*o == 'n')
				nl = false;
			else
				esc = *o == 'e';
		}
	for (int k = i; k < argc; k++) {
		if (k > i)
			sh_out(io, " ");
		if (!esc)
			sh_out(io, "%s", argv[k]);
		else if (!echo_escapes(argv[k], io))
			return 0;
	}
	if (nl)
		sh_out(io, "\n");
	return 0;
}

/* printf's escapes after a backslash: \NNN octal, \xHH, \a \b \e \E \f \n \r \t \v
 * \\ \" \'; any other backslash is kept, as bash does; returns the end */
static const char *printf_escape(struct sh_state *st, const char *f, struct sh_io *io)
{
	static const char from[] = "abeEfnrtv\\\"'", to[] = "\a\b\033\033\f\n\r\t\v\\\"'";
	const char *p = strchr(from, *f);
	unsigned int v = 0;
	int n = 0;

	if (*f >= '0' && *f <= '7') {
		for (; n < 3 && f[n] >= '0' && f[n] <= '7'; n++)
			v = v * 8 + (unsigned int)(f[n] - '0');
	} else if (*f == 'x' && isxdigit((unsigned char)f[1])) {
		for (n = 1; n < 3 && isxdigit((unsigned char)f[n]); n++)
			v = v * 16 + (unsigned int)g_ascii_xdigit_value(f[n]);
	} else if (p) {
		v = (unsigned char)to[p - from];
		n = 1;
	} else {
		if (*f == 'x')
			sh_err(io, "%s: line %d: printf: missing hex digit for \\x\n", st->file, st->cmd_line);
		sh_out(io, "\\");
		return f;
	}
	if (io->fd1)
		g_string_append_c(io->fd1, (char)v);
	return f + n;
}

static int b_printf(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	int a = 2;

	if (argc > 1 && !strcmp(argv[1], "--")) {	/* the end of printf's options */
		argv++;
		argc--;
	}
	if (argc < 2)
		return sh_unsupported(st, "printf without a format");
	do {
		for (const char *f = argv[1]; *f; f++) {
			if (*f == '\\' && f[1]) {
				f = printf_escape(st, f + 1, io) - 1;
			} else if (*f == '%' && f[1] == '%') {
				sh_out(io, "%%");
				f++;
			} else if (*f == '%') {
				char spec[32];
				size_t n = 0;
				const char *arg = a < argc ? argv[a++] : "";

				spec[n++] = *f++;
				while (*f && strchr("-0123456789. ", *f) && n < 20)
					spec[n++] = *f++;
				if (*f == 's') {
					spec[n++] = 's';
					spec[n] = 0;
					sh_out(io, spec, arg);
				} else if (*f && strchr("dixXuo", *f)) {
					spec[n++] = 'l';
					spec[n++] = 'l';
					spec[n++] = *f;
					spec[n] = 0;
					sh_out(io, spec, strtoll(arg, NULL, 0));
				} else {
					return sh_unsupported(st, "this printf format");
				}
			} else {
				sh_out(io, "%c", *f);
			}
		}
	} while (a < argc && a > 2);
	return 0;
}

/* `. ./common/NAME`: fstests' helpers are built in */
static int b_source(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	const char *f = argc > 1 ? argv[1] : "";

	if (!strncmp(f, "./", 2))
		f += 2;
	if (strncmp(f, "common/", 7) || strchr(f + 7, '/'))
		return sh_unsupported(st, "sourcing a file other than common/NAME");
	return 0;
}

static int b_cd(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	if (argc > 1 && strcmp(argv[1], "/") && !fst_is_dir(st, argv[1]))
		return sh_unsupported(st, "cd into a directory of the test");
	return 0;
}

static int b_exit(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	st->exit_status = argc > 1 ? atoi(argv[1]) & 255 : st->status;
	st->status = st->exit_status;
	st->stop = STOP_EXIT;
	return st->exit_status;
}

static int b_return(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	if (!st->frames->len) {	/* bash: an error, and the script goes on */
		sh_err(io, "%s: line %d: return: can only `return' from a function or sourced script\n",
		       st->file, st->cmd_line);
		return 2;
	}
	st->exit_status = argc > 1 ? atoi(argv[1]) & 255 : st->status;
	st->status = st->exit_status;
	st->stop = STOP_RETURN;
	return st->status;
}

static int b_break(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	if (!st->loop_depth) {
		sh_err(io, "%s: line %d: %s: only meaningful in a `for', `while', or `until' loop\n",
		       st->file, st->cmd_line, argv[0]);
		return 0;
	}
	st->break_n = argc > 1 ? MAX(1, atoi(argv[1])) : 1;
	st->stop = !strcmp(argv[0], "break") ? STOP_BREAK : STOP_CONTINUE;
	return 0;
}

static int b_export(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (eq) {
			gchar *name = g_strndup(argv[i], (gsize)(eq - argv[i]));

			sh_setvar(st, name, eq + 1);
			g_free(name);
		}
	}
	return 0;
}

static int b_unset(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-v") && strcmp(argv[i], "-f"))
			g_hash_table_remove(st->vars, argv[i]);
	return 0;
}

static int b_shift(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	struct sh_frame *f = st->frames->len ? g_ptr_array_index(st->frames, st->frames->len - 1) : NULL;
	guint n = argc > 1 ? (guint)atoi(argv[1]) : 1;

	if (!f || n > f->args->len)
		return 1;
	g_ptr_array_remove_range(f->args, 0, n);
	return 0;
}

static int b_noop(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	return 0;
}

/* read [-r] NAME...: one line of stdin, split over the names */
static int b_read(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *line = g_string_new(NULL);
	int i = 1;
	bool got;
	const char *p;

	bool raw = false;

	if (i < argc && !strcmp(argv[i], "-r")) {
		raw = true;
		i++;
	}
	for (int k = i; k < argc; k++)
		if (argv[k][0] == '-') {
			g_string_free(line, TRUE);
			return sh_unsupported(st, "read option");
		}
	/* a last line without its newline is read, but read fails (bash) */
	got = sh_stdin_line(io, line) && io->in->data[io->in->pos - 1] == '\n';
	if (!raw) {	/* without -r a backslash quotes the next character and goes */
		gsize k = 0;

		for (gsize j = 0; j < line->len; j++) {
			if (line->str[j] == '\\' && j + 1 < line->len)
				j++;
			else if (line->str[j] == '\\')
				continue;
			line->str[k++] = line->str[j];
		}
		g_string_truncate(line, k);
	}
	p = line->str;
	if (i == argc)
		sh_setvar(st, "REPLY", p);
	for (; i < argc; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (i == argc - 1) {
			gchar *v = g_strchomp(g_strdup(p));

			sh_setvar(st, argv[i], v);
			g_free(v);
		} else {
			size_t n = strcspn(p, " \t");
			gchar *v = g_strndup(p, n);

			sh_setvar(st, argv[i], v);
			g_free(v);
			p += n;
		}
	}
	g_string_free(line, TRUE);
	return got ? 0 : 1;
}

static int b_getconf(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	if (argc == 2 && (!strcmp(argv[1], "PAGE_SIZE") || !strcmp(argv[1], "PAGESIZE"))) {
		sh_out(io, "4096\n");
		return 0;
	}
	return sh_unsupported(st, "getconf of this variable");
}

/* stat -f -c FMT DIR: %S and %s the block size, %b data blocks, %f and %a free */
static int stat_fs(struct sh_state *st, const char *fmt, const char *dir, struct sh_io *io)
{
	uint64_t blocks = 0, bfree = 0;

	if (!fst_is_dir(st, dir)) {
		sh_err(io, "stat: cannot read file system information for '%s': No such file or directory\n", dir);
		return 1;
	}
	fst_session_statfs(st->sim, &blocks, &bfree);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%' || !f[1]) {
			sh_out(io, "%c", *f);
			continue;
		}
		switch (*++f) {
		case 'S': case 's': sh_out(io, "4096"); break;
		case 'b': sh_out(io, "%llu", (unsigned long long)blocks); break;
		case 'f': case 'a': sh_out(io, "%llu", (unsigned long long)bfree); break;
		case '%': sh_out(io, "%%"); break;
		default:
			return sh_unsupported(st, "this stat -f format");
		}
	}
	sh_out(io, "\n");
	return 0;
}

/* stat -c %s|%i FILE, stat -f -c FMT DIR (either order) */
static int b_stat(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	if (argc == 5 && !strcmp(argv[1], "-f") && !strcmp(argv[2], "-c"))
		return stat_fs(st, argv[3], argv[4], io);
	if (argc == 5 && !strcmp(argv[1], "-f") && !strcmp(argv[3], "-c"))
		return stat_fs(st, argv[4], argv[2], io);
	if (argc == 4 && !strcmp(argv[1], "-c") && !strcmp(argv[2], "%i")) {
		uint64_t ino = fst_path_in_sim(st, argv[3]) ? fst_session_file_ino(st->sim, argv[3]) : 0;

		if (!ino)
			return sh_unsupported(st, "stat -c %i of a file that is not simulated");
		sh_out(io, "%llu\n", (unsigned long long)ino);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "-c") && !strcmp(argv[2], "%s")) {
		int64_t size = fst_path_in_sim(st, argv[3]) ? fst_session_file_size(st->sim, argv[3]) : -1;
		GString *g = g_tree_lookup(st->files, argv[3]);

		if (g)
			size = (int64_t)g->len;
		if (size < 0) {
			sh_err(io, "stat: cannot statx '%s': No such file or directory\n", argv[3]);
			return 1;
		}
		sh_out(io, "%lld\n", (long long)size);
		return 0;
	}
	/* %Y / %Z: the simulated file's mtime / ctime, seconds since the epoch */
	if (argc == 4 && !strcmp(argv[1], "-c") && (!strcmp(argv[2], "%Y") || !strcmp(argv[2], "%Z"))) {
		struct xfs_inode *ip = fst_path_in_sim(st, argv[3]) ? fst_session_inode(st->sim, argv[3]) : NULL;
		int64_t ns;

		if (!ip) {
			if (g_tree_lookup(st->files, argv[3]) || fst_is_dir(st, argv[3]))
				return sh_unsupported(st, "stat -c %Y or %Z of a file that is not simulated");
			sh_err(io, "stat: cannot statx '%s': No such file or directory\n", argv[3]);
			return 1;
		}
		ns = argv[2][1] == 'Y' ? VFS_I(ip)->i_mtime_ns : VFS_I(ip)->i_ctime_ns;
		sh_out(io, "%lld\n", (long long)(ns / 1000000000));
		return 0;
	}
	return sh_unsupported(st, "stat other than -c %s, -c %i, -c %Y, -c %Z or -f -c FMT");
}

/* test / [ ------------------------------------------------------------------- */

/* "test" or "[", for the messages (one test runs whole: no job switch inside) */
static const char *test_name = "test";

static bool int_arg(struct sh_state *st, struct sh_io *io, const char *s, long long *v)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	*v = strtoll(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (!*s || *end) {
		sh_err(io, "%s: line %d: %s: %s: integer expression expected\n", st->file,
		       st->cmd_line, test_name, s);
		return false;
	}
	return true;
}

static int test_unary(struct sh_state *st, const char *op, const char *arg)
{
	bool sim = fst_path_in_sim(st, arg);
	int64_t size = sim ? fst_session_file_size(st->sim, arg) : -1;
	GString *shf = g_tree_lookup(st->files, arg);
	bool exists = size >= 0 || shf || fst_is_dir(st, arg);

	switch (op[1]) {
	case 'z': return *arg ? 1 : 0;
	case 'n': return *arg ? 0 : 1;
	case 'e': return exists ? 0 : 1;
	case 'f': return size >= 0 || shf ? 0 : 1;
	case 'd': return fst_is_dir(st, arg) ? 0 : 1;
	case 's': return size > 0 || (shf && shf->len) ? 0 : 1;
	case 'r': case 'w': return exists ? 0 : 1;
	case 'x': {
		const char *here = sh_getvar(st, "here");
		size_t n = here ? strlen(here) : 0;

		if (here && !strncmp(arg, here, n) && !strncmp(arg + n, "/src/", 5))
			return fst_src_lookup(arg + n + 5) ? 0 : 1;
		return fst_helper_lookup(arg) || fst_is_dir(st, arg) ? 0 : 1;
	}
	}
	return -1;
}

static int test_binary(struct sh_state *st, struct sh_io *io, const char *a, const char *op, const char *b)
{
	long long x, y;

	if (!strcmp(op, "=") || !strcmp(op, "=="))
		return strcmp(a, b) ? 1 : 0;
	if (!strcmp(op, "!="))
		return strcmp(a, b) ? 0 : 1;
	if (op[0] != '-' || strlen(op) != 3)
		return -1;
	if (!int_arg(st, io, a, &x) || !int_arg(st, io, b, &y))
		return 2;
	if (!strcmp(op, "-eq")) return x == y ? 0 : 1;
	if (!strcmp(op, "-ne")) return x != y ? 0 : 1;
	if (!strcmp(op, "-lt")) return x < y ? 0 : 1;
	if (!strcmp(op, "-le")) return x <= y ? 0 : 1;
	if (!strcmp(op, "-gt")) return x > y ? 0 : 1;
	if (!strcmp(op, "-ge")) return x >= y ? 0 : 1;
	return -1;
}

static int test_expr(struct sh_state *st, struct sh_io *io, int n, char **a)
{
	int r;

	switch (n) {
	case 0:
		return 1;
	case 1:
		return *a[0] ? 0 : 1;
	case 2:
		if (!strcmp(a[0], "!"))
			return (r = test_expr(st, io, 1, a + 1)) < 0 || r > 1 ? r : !r;
		if (a[0][0] == '-' && a[0][1] && !a[0][2] && strchr("znefdsrwx", a[0][1]))
			return test_unary(st, a[0], a[1]);
		return -1;
	case 3:
		if ((r = test_binary(st, io, a[0], a[1], a[2])) >= 0)
			return r;
		if (!strcmp(a[0], "!"))
			return (r = test_expr(st, io, 2, a + 1)) < 0 || r > 1 ? r : !r;
		return -1;
	case 4:
		if (!strcmp(a[0], "!"))
			return (r = test_expr(st, io, 3, a + 1)) < 0 || r > 1 ? r : !r;
		return -1;
	}
	for (int i = 1; i < n - 1; i++)
		if (!strcmp(a[i], "-a") || !strcmp(a[i], "-o")) {
			int l = test_expr(st, io, i, a), rr = test_expr(st, io, n - i - 1, a + i + 1);

			if (l < 0 || rr < 0)
				return -1;
			return a[i][1] == 'a' ? (l || rr) : (l && rr);
		}
	return -1;
}

static int b_test(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	int n = argc - 1, r;

	test_name = strcmp(argv[0], "[") ? "test" : "[";
	if (!strcmp(argv[0], "[")) {
		if (!n || strcmp(argv[argc - 1], "]")) {
			sh_err(io, "%s: line %d: [: missing `]'\n", st->file, st->cmd_line);
			return 2;
		}
		n--;
	}
	r = test_expr(st, io, n, argv + 1);
	if (r < 0)
		return sh_unsupported(st, "this test expression");
	return r;
}

/* seq, cat, tee, basename ------------------------------------------------------ */

static int b_seq(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	long long first = 1, incr = 1, last;
	char *end;
	long long v[3];

	if (argc < 2 || argc > 4)
		return sh_unsupported(st, "seq takes 1 to 3 numbers here");
	for (int i = 1; i < argc; i++) {
		v[i - 1] = strtoll(argv[i], &end, 10);
		if (*end || !*argv[i]) {
			sh_err(io, "seq: invalid floating point argument: '%s'\n"
			       "Try 'seq --help' for more information.\n", argv[i]);
			return 1;
		}
	}
	if (argc == 2) {
		last = v[0];
	} else if (argc == 3) {
		first = v[0];
		last = v[1];
	} else {
		first = v[0];
		incr = v[1];
		last = v[2];
	}
	if (!incr)
		return sh_unsupported(st, "seq with a zero increment");
	if ((incr > 0 ? last - first : first - last) / (incr > 0 ? incr : -incr) > 10000000)
		return sh_unsupported(st, "seq of more than 10000000 numbers");
	for (long long x = first; incr > 0 ? x <= last : x >= last; x += incr)
		sh_out(io, "%lld\n", x);
	return 0;
}

static int b_cat(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *t = g_string_new(NULL);
	int ret;

	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1]) {
			g_string_free(t, TRUE);
			return sh_unsupported(st, "cat with options");
		}
	/* file by file, so that an error comes between their texts as cat's does */
	ret = argc > 1 ? 0 : fst_input_text(st, 0, NULL, io, "cat", t);
	for (int i = 1; i < argc && ret >= 0; i++) {
		int r = fst_input_text(st, 1, argv + i, io, "cat", t);

		ret = r < 0 ? r : ret | r;
		if (r >= 0 && io->fd1)
			g_string_append_len(io->fd1, t->str, (gssize)t->len);
		g_string_truncate(t, 0);
	}
	if (argc == 1 && ret >= 0 && io->fd1)
		g_string_append_len(io->fd1, t->str, (gssize)t->len);
	g_string_free(t, TRUE);
	return ret;
}

static int b_tee(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	bool append = false;
	int i = 1;
	const char *in;
	gsize inlen;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "-a"))
			return sh_unsupported(st, "tee option");
		append = true;
	}
	in = sh_stdin_take(io, &inlen);
	if (io->fd1)
		g_string_append_len(io->fd1, in, (gssize)inlen);
	for (; i < argc; i++) {
		GString *g;

		if (!strcmp(argv[i], "/dev/null"))
			continue;
		g = g_tree_lookup(st->files, argv[i]);
		if (!g) {
			g = g_string_new(NULL);
			g_tree_insert(st->files, g_strdup(argv[i]), g);
		} else if (!append) {
			g_string_truncate(g, 0);
		}
		g_string_append_len(g, in, (gssize)inlen);
	}
	return 0;
}

static int b_basename(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	gchar *b;

	if (argc != 2)
		return sh_unsupported(st, "basename with a suffix");
	if (!strcmp(argv[0], "basename")) {
		b = g_path_get_basename(argv[1]);
	} else {	/* POSIX dirname: trailing slashes are not a last component (a/b/ -> a) */
		gchar *t = g_strdup(argv[1]);
		size_t n = strlen(t);

		while (n > 1 && t[n - 1] == '/')
			t[--n] = 0;
		b = g_path_get_dirname(t);
		g_free(t);
	}
	sh_out(io, "%s\n", b);
	g_free(b);
	return 0;
}

/* Files ---------------------------------------------------------------------- */

static int b_md5sum(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	int ret = 0;

	if (argc == 1) {
		gsize n;
		const char *in = sh_stdin_take(io, &n);
		gchar *sum = g_compute_checksum_for_data(G_CHECKSUM_MD5, (const guchar *)in, n);

		sh_out(io, "%s  -\n", sum);
		g_free(sum);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		GString *g = g_tree_lookup(st->files, argv[i]);

		if (argv[i][0] == '-')
			return sh_unsupported(st, "md5sum option");
		if (g) {
			gchar *sum = g_compute_checksum_for_data(G_CHECKSUM_MD5, (const guchar *)g->str, g->len);

			sh_out(io, "%s  %s\n", sum, argv[i]);
			g_free(sum);
		} else if (fst_path_in_sim(st, argv[i]) && fst_session_file_size(st->sim, argv[i]) >= 0) {
			char *av[] = { "md5sum", argv[i], NULL };

			if (fst_sim(st, io, NULL, 2, av))
				return -1;
		} else {
			sh_err(io, "md5sum: %s: %s\n", argv[i],
			       fst_is_dir(st, argv[i]) ? "Is a directory" : "No such file or directory");
			ret = 1;
		}
	}
	return ret;
}

/* A cmp operand's bytes: a file, or stdin for "-"; 0, or the error (reported). */
static int cmp_read(struct sh_state *st, const char *path, GByteArray *buf, struct sh_io *io,
		    bool quiet)
{
	int err;

	if (!strcmp(path, "-")) {
		gsize n;
		const char *in = sh_stdin_take(io, &n);

		g_byte_array_append(buf, (const guint8 *)in, (guint)n);
		return 0;
	}
	err = fst_read_file(st, path, buf);
	if (err > 0 && !quiet)
		sh_err(io, "cmp: %s: %s\n", path, g_strerror(err));
	return err;
}

/* A skip or limit: a plain decimal number (cmp's suffixes are not modelled). */
static bool cmp_number(const char *s, guint64 *v)
{
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return false;
	*v = g_ascii_strtoull(s, &end, 10);
	return !*end;
}

/*
 * cmp [-s] [-n LIMIT] FILE1 [FILE2 [SKIP1 [SKIP2]]]: FILE2 "-" or absent is
 * stdin; the comparison starts SKIP bytes into each and stops after LIMIT.
 * GNU cmp's words (C locale) for a difference and an early EOF.
 */
static int b_cmp(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	const char *name[2] = { NULL, "-" };
	guint64 skip[2] = { 0, 0 }, limit = G_MAXUINT64;
	bool quiet = false;
	int i = 1, ret = 0, nop;
	GByteArray *buf[2];

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "-s") || !strcmp(argv[i], "--silent") || !strcmp(argv[i], "--quiet"))
			quiet = true;
		else if (!strncmp(argv[i], "-n", 2) && (argv[i][2] || i + 1 < argc) &&
			 cmp_number(argv[i][2] ? argv[i] + 2 : argv[++i], &limit))
			continue;
		else
			return sh_unsupported(st, "cmp option");
	}
	nop = argc - i;
	if (nop < 1 || nop > 4)
		return sh_unsupported(st, "cmp with these operands");
	for (int k = 0; k < nop; k++) {
		if (k < 2)
			name[k] = argv[i + k];
		else if (!cmp_number(argv[i + k], &skip[k - 2]))
			return sh_unsupported(st, "cmp skip other than a decimal number");
	}
	buf[0] = g_byte_array_new();
	buf[1] = g_byte_array_new();
	for (int k = 0; k < 2; k++) {
		int err = cmp_read(st, name[k], buf[k], io, quiet);

		if (err < 0) {
			ret = -1;
			goto out;
		}
		if (err) {
			ret = 2;
			goto out;
		}
	}
	{
		const guint8 *a = buf[0]->data + MIN(skip[0], buf[0]->len);
		const guint8 *b = buf[1]->data + MIN(skip[1], buf[1]->len);
		guint64 alen = buf[0]->len - MIN(skip[0], buf[0]->len);
		guint64 blen = buf[1]->len - MIN(skip[1], buf[1]->len);
		guint64 n = MIN(MIN(alen, blen), limit), k = 0;
		long line = 1;

		while (k < n && a[k] == b[k])
			line += a[k++] == '\n';
		if (k < n) {
			if (!quiet)
				sh_out(io, "%s %s differ: char %llu, line %ld\n", name[0], name[1],
				       (unsigned long long)k + 1, line);
			ret = 1;
		} else if (alen != blen && n < limit) {	/* one ended before the other and the limit */
			const char *shorter = name[alen < blen ? 0 : 1];

			if (!quiet && !n)
				sh_err(io, "cmp: EOF on %s which is empty\n", shorter);
			else if (!quiet && a[n - 1] == '\n')	/* after a whole line */
				sh_err(io, "cmp: EOF on %s after byte %llu, line %ld\n", shorter,
				       (unsigned long long)n, line - 1);
			else if (!quiet)
				sh_err(io, "cmp: EOF on %s after byte %llu, in line %ld\n", shorter,
				       (unsigned long long)n, line);
			ret = 1;
		}
	}
out:
	g_byte_array_free(buf[0], TRUE);
	g_byte_array_free(buf[1], TRUE);
	return ret;
}

static int b_mkdir(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GPtrArray *made = g_ptr_array_new_with_free_func(g_free);
	bool parents = false;
	int ret = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-p")) {
			parents = true;
			continue;
		}
		if (argv[i][0] == '-' || !fst_path_in_sim(st, argv[i])) {
			g_ptr_array_free(made, TRUE);
			return sh_unsupported(st, argv[i][0] == '-' ? "mkdir option" :
					      "mkdir outside $TEST_DIR and $SCRATCH_MNT");
		}
		if (fst_is_dir(st, argv[i]) || fst_session_file_size(st->sim, argv[i]) >= 0 ||
		    g_tree_lookup(st->files, argv[i])) {
			if (!parents || !fst_is_dir(st, argv[i])) {
				sh_err(io, "mkdir: cannot create directory '%s': File exists\n", argv[i]);
				ret = 1;
			}
			continue;
		}
		if (!fst_parent_exists(st, argv[i])) {
			if (!parents) {
				sh_err(io, "mkdir: cannot create directory '%s': No such file or directory\n", argv[i]);
				ret = 1;
				continue;
			}
			for (gchar *d = g_path_get_dirname(argv[i]); ; ) {
				if (fst_is_dir(st, d)) {
					g_free(d);
					break;
				}
				g_ptr_array_add(made, d);
				d = g_path_get_dirname(d);
			}
		}
		for (guint k = made->len; k-- > 0; ) {	/* outermost first: each inherits */
			g_tree_insert(st->dirs, g_strdup(g_ptr_array_index(made, k)), GINT_TO_POINTER(1));
			fst_session_mkdir(st->sim, g_ptr_array_index(made, k));
		}
		g_ptr_array_set_size(made, 0);
		g_tree_insert(st->dirs, g_strdup(argv[i]), GINT_TO_POINTER(1));
		fst_session_mkdir(st->sim, argv[i]);
	}
	g_ptr_array_free(made, TRUE);
	return ret;
}

/* A GTree keyed by strcmp: the keys with a prefix are one run from its lower bound. */
void fst_keys_with_prefix(GTree *t, const char *prefix, GPtrArray *out)
{
	size_t n = strlen(prefix);

	for (GTreeNode *k = g_tree_lower_bound(t, prefix); k; k = g_tree_node_next(k)) {
		const char *key = g_tree_node_key(k);

		if (strncmp(key, prefix, n))
			break;
		g_ptr_array_add(out, g_strdup(key));
	}
}

/* Remove one path (a trailing '*' is a prefix); 0, or 1 when missing. */
static int rm_one(struct sh_state *st, const char *path, bool recursive, bool force, struct sh_io *io)
{
	size_t len = strlen(path);
	bool glob = len && path[len - 1] == '*';
	gchar *base = g_strndup(path, glob ? len - 1 : len);
	gchar *slash;
	GPtrArray *hits;
	bool found = false;
	int ret = 0;

	for (size_t n = strlen(base); !glob && n > 1 && base[n - 1] == '/'; n--)
		base[n - 1] = 0;	/* DIR/ is DIR */
	slash = g_strconcat(base, "/", NULL);
	hits = g_ptr_array_new_with_free_func(g_free);

	if (strpbrk(base, "*?[")) {
		g_free(base);
		g_free(slash);
		g_ptr_array_free(hits, TRUE);
		return sh_unsupported(st, "rm with this pattern");
	}
	/* shell files and directories */
	if (!glob && g_tree_lookup(st->files, base)) {
		g_tree_remove(st->files, base);
		found = true;
	}
	if (glob || recursive) {
		fst_keys_with_prefix(st->files, glob ? base : slash, hits);
		fst_keys_with_prefix(st->dirs, glob ? base : slash, hits);
		for (guint i = 0; i < hits->len; i++) {
			g_tree_remove(st->files, g_ptr_array_index(hits, i));
			if (g_tree_remove(st->dirs, g_ptr_array_index(hits, i)))
				fst_session_rmdir(st->sim, g_ptr_array_index(hits, i));
		}
		found |= hits->len > 0;
	}
	if (!glob && fst_is_dir(st, base) && (!recursive || g_tree_lookup(st->dirs, base))) {
		if (!recursive) {
			sh_err(io, "rm: cannot remove '%s': Is a directory\n", path);
			ret = 1;
			goto out;
		}
		g_tree_remove(st->dirs, base);
		fst_session_rmdir(st->sim, base);
		found = true;
	}
	/* the simulated files */
	if (fst_path_in_sim(st, base)) {
		GPtrArray *names = g_ptr_array_new_with_free_func(g_free);

		if (!glob && fst_session_file_size(st->sim, base) >= 0)
			g_ptr_array_add(names, g_strdup(base));
		if (glob || recursive) {
			gchar *dir = glob ? g_path_get_dirname(base) : g_strdup(base);
			GPtrArray *all = fst_session_files_under(st->sim, dir);

			for (guint i = 0; i < all->len; i++) {
				const char *n = g_ptr_array_index(all, i);

				if (g_str_has_prefix(n, glob ? base : slash))
					g_ptr_array_add(names, g_strdup(n));
			}
			g_ptr_array_free(all, TRUE);
			g_free(dir);
		}
		/* one scenario `rm` takes at most MAX_POS paths: a big tree takes several */
		for (guint k = 0; k < names->len && !ret; k += MAX_POS) {
			guint n = MIN(names->len - k, MAX_POS);
			char **av = g_new(char *, n + 2);

			found = true;
			av[0] = "rm";
			for (guint m = 0; m < n; m++)
				av[m + 1] = g_ptr_array_index(names, k + m);
			av[n + 1] = NULL;
			ret = fst_sim(st, io, NULL, (int)n + 1, av);
			g_free(av);
		}
		g_ptr_array_free(names, TRUE);
		if (ret)
			goto out;
	}
	if (!found && !force) {	/* a pattern that matched nothing is a name that is not there */
		sh_err(io, "rm: cannot remove '%s': No such file or directory\n", path);
		ret = 1;
	}
out:
	g_free(base);
	g_free(slash);
	g_ptr_array_free(hits, TRUE);
	return ret;
}

static int b_rm(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	bool recursive = false, force = false;
	int i = 1, ret = 0;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
		for (const char *o = argv[i] + 1; *o; o++) {
			if (*o == 'r' || *o == 'R')
				recursive = true;
			else if (*o == 'f')
				force = true;
			else
				return sh_unsupported(st, "rm option");
		}
	for (; i < argc; i++) {
		int r = rm_one(st, argv[i], recursive, force, io);

		if (r < 0)
			return -1;
		ret |= r;
	}
	return ret;
}

static int b_touch(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	for (int i = 1; i < argc; i++) {
		char *av[] = { "xfs_io", "-f", argv[i], NULL };

		if (argv[i][0] == '-')
			return sh_unsupported(st, "touch option");
		if (!fst_path_in_sim(st, argv[i])) {
			if (!g_tree_lookup(st->files, argv[i]))
				g_tree_insert(st->files, g_strdup(argv[i]), g_string_new(NULL));
			continue;
		}
		if (!fst_parent_exists(st, argv[i])) {
			sh_err(io, "touch: cannot touch '%s': No such file or directory\n", argv[i]);
			return 1;
		}
		if (fst_session_file_size(st->sim, argv[i]) < 0 && fst_sim(st, io, NULL, 3, av))
			return -1;
	}
	return 0;
}

/* Where `cp`/`mv SRC DST` puts SRC: DST, or DST/basename(SRC) when DST is a directory. */
static gchar *dest_path(struct sh_state *st, const char *src, const char *dst)
{
	gchar *base, *to;

	if (!fst_is_dir(st, dst))
		return g_strdup(dst);
	base = g_path_get_basename(src);
	to = g_strdup_printf("%s/%s", dst, base);
	g_free(base);
	return to;
}

/*
 * cp -r --reflink DIR DST: DST (or DST/basename(DIR) when DST is a
 * directory) made anew, the directories under DIR made there and each
 * simulated file reflinked, in the C locale's order of their paths.
 */
static int cp_tree(struct sh_state *st, const char *src, const char *dst, struct sh_io *io)
{
	gchar *to, *under = g_strconcat(src, "/", NULL);
	GPtrArray *dirs = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *files, *kept = g_ptr_array_new_with_free_func(g_free);
	int ret = 0;

	to = dest_path(st, src, dst);
	files = fst_session_files_under(st->sim, src);
	fst_keys_with_prefix(st->dirs, under, dirs);
	fst_keys_with_prefix(st->files, under, kept);
	if (!g_tree_lookup(st->dirs, src) || !fst_path_in_sim(st, to)) {
		ret = sh_unsupported(st, "cp -r of a directory outside $TEST_DIR and $SCRATCH_MNT");
	} else if (fst_is_dir(st, to) || fst_session_file_size(st->sim, to) >= 0 || g_tree_lookup(st->files, to) ||
		   !fst_parent_exists(st, to) || g_str_has_prefix(to, under)) {
		ret = sh_unsupported(st, "cp -r onto a path that is there, under a missing directory or in its source");
	} else if (kept->len) {
		ret = sh_unsupported(st, "cp --reflink of a file a redirect wrote");
	} else {
		g_tree_insert(st->dirs, g_strdup(to), GINT_TO_POINTER(1));
		for (guint i = 0; i < dirs->len; i++) {
			const char *d = g_ptr_array_index(dirs, i);

			g_tree_insert(st->dirs, g_strdup_printf("%s/%s", to, d + strlen(under)), GINT_TO_POINTER(1));
		}
		for (guint i = 0; i < files->len && !ret; i++) {
			const char *f = g_ptr_array_index(files, i);
			gchar *t = g_strdup_printf("%s/%s", to, f + strlen(under));
			char *av[] = { "_cp_reflink", (char *)f, t, NULL };

			ret = fst_helper_lookup("_cp_reflink")(st, 3, av, io);
			g_free(t);
		}
	}
	g_ptr_array_free(files, TRUE);
	g_ptr_array_free(dirs, TRUE);
	g_ptr_array_free(kept, TRUE);
	g_free(under);
	g_free(to);
	return ret;
}

/* cp [-r] --reflink[=always] [-p] [-f] SRC DST: the simulator's cp_reflink */
static int b_cp(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	bool reflink = false, recursive = false;
	const char *files[2];
	int nf = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--reflink") || !strcmp(argv[i], "--reflink=always"))
			reflink = true;
		else if (!strcmp(argv[i], "-r") || !strcmp(argv[i], "-R") || !strcmp(argv[i], "--recursive"))
			recursive = true;
		else if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "-f") || !strcmp(argv[i], "-pf") ||
			 !strcmp(argv[i], "-fp"))
			continue;
		else if (argv[i][0] == '-' || nf == 2)
			return sh_unsupported(st, "cp other than cp --reflink SRC DST");
		else
			files[nf++] = argv[i];
	}
	if (!reflink || nf != 2)
		return sh_unsupported(st, "cp other than cp --reflink SRC DST");
	if (recursive && fst_is_dir(st, files[0]))
		return cp_tree(st, files[0], files[1], io);
	/* a file the shell wrote (a redirect, tee) is not a simulated file: nothing to clone */
	if (g_tree_lookup(st->files, files[0]) || g_tree_lookup(st->files, files[1]))
		return sh_unsupported(st, "cp --reflink of a file a redirect wrote");
	{
		char *av[] = { "_cp_reflink", (char *)files[0], (char *)files[1], NULL };

		return fst_helper_lookup("_cp_reflink")(st, 3, av, io);
	}
}

/* truncate -s SIZE FILE...: xfs_io -f -c "truncate SIZE" */
static int b_truncate(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	gchar *cmd;
	int ret = 0;

	if (argc < 4 || strcmp(argv[1], "-s") || strpbrk(argv[2], "+-<>/%"))
		return sh_unsupported(st, "truncate other than truncate -s SIZE FILE");
	cmd = g_strdup_printf("truncate %s", argv[2]);
	for (int i = 3; i < argc && ret >= 0; i++) {
		char *av[] = { "xfs_io", "-f", "-c", cmd, argv[i], NULL };
		GString *kept = g_tree_lookup(st->files, argv[i]);

		if (kept) {	/* a file a redirect wrote is the shell's: cut or pad it there */
			long long size;

			gsize was = kept->len;

			if (cvtnum(argv[2], &size) || size < 0 || size > (64LL << 20)) {
				ret = sh_unsupported(st, "truncate of a file a redirect wrote past 64 MiB");
				break;
			}
			g_string_set_size(kept, (gsize)size);
			if ((gsize)size > was)
				memset(kept->str + was, 0, (gsize)size - was);
			continue;
		}
		ret = fst_xfs_io(st, 5, av, io);
	}
	g_free(cmd);
	return ret < 0 ? -1 : ret;
}

/* Has directory @dir a file or directory in it (the shell's or the simulator's)? */
static bool dir_has_entries(struct sh_state *st, const char *dir)
{
	gchar *prefix = g_strconcat(dir, "/", NULL);
	GTreeNode *n;
	bool any = false;

	for (GTree *t = st->dirs; t && !any; t = t == st->dirs ? st->files : NULL) {
		n = g_tree_lower_bound(t, prefix);
		any = n && g_str_has_prefix(g_tree_node_key(n), prefix);
	}
	if (!any && fst_path_in_sim(st, dir)) {
		GPtrArray *all = fst_session_files_under(st->sim, dir);

		any = all->len > 0;
		g_ptr_array_free(all, TRUE);
	}
	g_free(prefix);
	return any;
}

/*
 * mv of a simulated file: rename(2) in the simulator, onto a simulated
 * file (which loses that name) or a new name in an existing directory.
 */
static int mv_sim_file(struct sh_state *st, const char *src, const char *dst, struct sh_io *io)
{
	gchar *to = dest_path(st, src, dst);
	int err, ret = 0;

	if (g_tree_lookup(st->files, to) || fst_is_dir(st, to) || !fst_path_in_sim(st, to)) {
		ret = sh_unsupported(st, g_tree_lookup(st->files, to) ? "mv onto a file a redirect wrote" :
				     fst_is_dir(st, to) ? "mv onto a directory" :
				     "mv of a simulated file out of the simulated filesystems");
	} else if (!fst_parent_exists(st, to)) {
		sh_err(io, "mv: cannot move '%s' to '%s': No such file or directory\n", src, to);
		ret = 1;
	} else if (!strcmp(to, src)) {
		sh_err(io, "mv: '%s' and '%s' are the same file\n", src, to);
		ret = 1;
	} else if ((err = fst_session_rename(st->sim, src, to))) {
		sh_err(io, "mv: cannot move '%s' to '%s': %s\n", src, to, g_strerror(-err));
		ret = 1;
	}
	g_free(to);
	return ret;
}

/* mv [-f] SRC DST: a file the shell wrote, or a simulated file (rename) */
static int b_mv(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	const char *src, *dst;
	gchar *to, *key;
	GString *g;
	gpointer oldkey, val;
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
		if (strcmp(argv[i], "-f"))
			return sh_unsupported(st, "mv option");
	if (argc - i != 2)
		return sh_unsupported(st, "mv other than mv SRC DST");
	src = argv[i];
	dst = argv[i + 1];
	if (fst_path_in_sim(st, src) && fst_session_file_size(st->sim, src) >= 0)
		return mv_sim_file(st, src, dst, io);
	{
		/* `mv a/ b/` is `mv a b` for directories; mv prints the words as given */
		gchar *sd = g_strdup(src), *dd = g_strdup(dst), *to_dir = NULL;
		bool is_dir;
		int ret = 0;

		for (gchar *w = sd; w; w = w == sd ? dd : NULL)
			for (size_t l = strlen(w); l > 1 && w[l - 1] == '/';)
				w[--l] = 0;
		is_dir = g_tree_lookup(st->dirs, sd) || fst_is_dir(st, sd);
		if (is_dir) {
			to_dir = dest_path(st, sd, dd);
			/* rename(2) onto a directory with entries: ENOTEMPTY, nothing moves (coreutils 9's words) */
			if (fst_is_dir(st, to_dir) && dir_has_entries(st, to_dir)) {
				sh_err(io, "mv: cannot move '%s' to '%s': Directory not empty\n", src, to_dir);
				ret = 1;
			} else {
				ret = sh_unsupported(st, "mv of a directory");
			}
		}
		g_free(to_dir);
		g_free(sd);
		g_free(dd);
		if (is_dir)
			return ret;
	}
	if (!g_tree_lookup_extended(st->files, src, &oldkey, &val)) {
		sh_err(io, "mv: cannot stat '%s': No such file or directory\n", src);
		return 1;
	}
	to = dest_path(st, src, dst);
	if (fst_path_in_sim(st, to) && fst_session_file_size(st->sim, to) >= 0) {
		g_free(to);
		return sh_unsupported(st, "mv onto a simulated file");
	}
	if (fst_is_dir(st, to)) {
		g_free(to);
		return sh_unsupported(st, "mv onto a directory");
	}
	if (!fst_parent_exists(st, to)) {
		sh_err(io, "mv: cannot move '%s' to '%s': No such file or directory\n", src, to);
		g_free(to);
		return 1;
	}
	if (!strcmp(to, src)) {
		sh_err(io, "mv: '%s' and '%s' are the same file\n", src, to);
		g_free(to);
		return 1;
	}
	g_tree_steal(st->files, src);
	g_free(oldkey);
	g = val;
	key = to;
	g_tree_replace(st->files, key, g);
	return 0;
}

/* ulimit -c [N|unlimited]: the core size limit, kept by the shell (nothing dumps core here) */
static int b_ulimit(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	const char *v = sh_getvar(st, "\001ulimit_c");

	if (argc < 2 || strcmp(argv[1], "-c") || argc > 3)
		return sh_unsupported(st, "ulimit other than ulimit -c [N]");
	if (argc == 2) {
		sh_out(io, "%s\n", v ? v : "0");
		return 0;
	}
	if (strcmp(argv[2], "unlimited") && strspn(argv[2], "0123456789") != strlen(argv[2]))
		return sh_unsupported(st, "ulimit other than ulimit -c [N]");
	sh_setvar(st, "\001ulimit_c", argv[2]);
	return 0;
}

/* An expr integer: optional sign and decimal digits. */
static bool expr_int(const char *s, long long *v)
{
	char *end;

	if (!*s || (!isdigit((unsigned char)*s) && !((*s == '-' || *s == '+') && isdigit((unsigned char)s[1]))))
		return false;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return !*end && !errno;
}

/* expr N | expr A OP B over integers (+ - * / % and comparisons): coreutils' status */
/*
 * let EXPR...: each argument an arithmetic expression (already expanded
 * as words); the status is 1 when the last one is 0.  An error is bash's
 * "FILE: line N: let: EXPR: MESSAGE" and status 1.
 */
static int b_let(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	long long v = 0;

	if (argc < 2) {
		sh_err(io, "%s: line %d: let: expression expected\n", st->file, st->cmd_line);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		char err[256];

		if (sh_arith(st, argv[i], &v, err, sizeof(err))) {
			sh_err(io, "%s: line %d: let: %s: %s\n", st->file, st->cmd_line, argv[i],
			       *err == '\001' ? err + 1 : err);
			return 1;
		}
	}
	return v ? 0 : 1;
}

static int b_expr(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	static const char *const ops[] = { "+", "-", "*", "/", "%", "<", "<=", "=", "==", "!=", ">=", ">" };
	long long a, b, r = 0;
	int op = -1;

	if (argc == 2 && expr_int(argv[1], &a)) {
		sh_out(io, "%s\n", argv[1]);
		return a == 0;
	}
	for (int i = 0; argc == 4 && i < (int)G_N_ELEMENTS(ops); i++)
		if (!strcmp(argv[2], ops[i]))
			op = i;
	if (op < 0 || !expr_int(argv[1], &a) || !expr_int(argv[3], &b))
		return sh_unsupported(st, "expr other than expr N or expr N OP N on integers");
	switch (op) {
	case 0: case 1: case 2:
		if (op == 0 ? __builtin_add_overflow(a, b, &r) :
		    op == 1 ? __builtin_sub_overflow(a, b, &r) : __builtin_mul_overflow(a, b, &r))
			return sh_unsupported(st, "expr overflow");
		break;
	case 3: case 4:
		if (!b) {
			sh_err(io, "expr: division by zero\n");
			return 2;
		}
		if (a == LLONG_MIN && b == -1)
			return sh_unsupported(st, "expr overflow");
		r = op == 3 ? a / b : a % b;
		break;
	case 5: r = a < b; break;
	case 6: r = a <= b; break;
	case 7: case 8: r = a == b; break;
	case 9: r = a != b; break;
	case 10: r = a >= b; break;
	case 11: r = a > b; break;
	}
	sh_out(io, "%lld\n", r);
	return r == 0;
}

/* uname [-asnrvmo]: a fixed, documented machine */
static int b_uname(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	static const char *const field[] = {	/* uname -a's order */
		"Linux", "daxsim", "6.12.0-daxsim", "#1 SMP PREEMPT_DYNAMIC", "x86_64", "GNU/Linux",
	};
	static const char letters[] = "snrvmo";
	bool want[6] = { false };
	bool any = false;
	GString *o = g_string_new(NULL);

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] != '-' || !argv[i][1]) {
			g_string_free(o, TRUE);
			return sh_unsupported(st, "uname option");
		}
		for (const char *c = argv[i] + 1; *c; c++) {
			const char *k = strchr(letters, *c);

			if (*c == 'a') {
				for (int f = 0; f < 6; f++)
					want[f] = true;
			} else if (k) {
				want[k - letters] = true;
			} else {
				g_string_free(o, TRUE);
				return sh_unsupported(st, "uname option");
			}
			any = true;
		}
	}
	if (!any)
		want[0] = true;
	for (int f = 0; f < 6; f++)
		if (want[f])
			g_string_append_printf(o, "%s%s", o->len ? " " : "", field[f]);
	sh_out(io, "%s\n", o->str);
	g_string_free(o, TRUE);
	return 0;
}

/* dd ------------------------------------------------------------------------- */

/* GNU dd's BYTES: a decimal number and an optional multiplier suffix. */
static int dd_number(const char *s, unsigned long long *v)
{
	static const struct {
		const char		*sfx;
		unsigned long long	mul;
	} sfx[] = {
		{ "", 1 }, { "c", 1 }, { "w", 2 }, { "b", 512 },
		{ "kB", 1000 }, { "K", 1024 }, { "k", 1024 }, { "KiB", 1024 }, { "kiB", 1024 },
		{ "MB", 1000000 }, { "M", 1 << 20 }, { "MiB", 1 << 20 },
		{ "GB", 1000000000 }, { "G", 1 << 30 }, { "GiB", 1 << 30 },
		{ "TB", 1000000000000ULL }, { "T", 1ULL << 40 }, { "TiB", 1ULL << 40 },
	};
	char *end;
	unsigned long long n;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return -1;
	for (size_t i = 0; i < G_N_ELEMENTS(sfx); i++)
		if (!strcmp(end, sfx[i].sfx))
			return __builtin_mul_overflow(n, sfx[i].mul, v) ? -1 : 0;
	return -1;
}

#define DD_MAX_TEXT	(64ULL << 20)	/* bytes dd may put in the shell's files or a pipe */

/*
 * fstests' dd (common/rc's wrapper: `dd status=noxfer ARGS`): if=/dev/zero or
 * a file, of=a file (simulated: xfs_io's truncate and pwrite -S 0 -b BS, the
 * writes dd makes), stdout or /dev/null; bs= count= skip= seek=,
 * conv=notrunc,fsync,fdatasync, oflag=direct, iflag=direct, status=none|noxfer.
 * The records lines go to stderr as GNU dd prints them.
 */
static int b_dd(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	const char *in = NULL, *out = NULL;
	unsigned long long bs = 512, count = 0, skip = 0, seek = 0, full = 0, part = 0;
	bool have_count = false, notrunc = false, sync = false, direct = false, quiet = false;
	GByteArray *data = NULL;
	bool zero;
	int ret = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		gchar *key;
		const char *val;
		int bad = 0;

		if (!eq)
			return sh_unsupported(st, "dd operand");
		key = g_strndup(a, (gsize)(eq - a));
		val = eq + 1;
		if (!strcmp(key, "if")) {
			in = val;
		} else if (!strcmp(key, "of")) {
			out = val;
		} else if (!strcmp(key, "bs")) {
			bad = dd_number(val, &bs) || !bs;
		} else if (!strcmp(key, "count")) {
			bad = dd_number(val, &count);
			have_count = true;
		} else if (!strcmp(key, "skip")) {
			bad = dd_number(val, &skip);
		} else if (!strcmp(key, "seek")) {
			bad = dd_number(val, &seek);
		} else if (!strcmp(key, "status")) {
			if (!strcmp(val, "none"))
				quiet = true;
			else if (!strcmp(val, "noxfer"))
				quiet = false;
			else
				bad = 1;
		} else if (!strcmp(key, "conv") || !strcmp(key, "oflag") || !strcmp(key, "iflag")) {
			gchar **v = g_strsplit(val, ",", -1);

			for (int k = 0; v[k]; k++) {
				if (!strcmp(key, "conv") && !strcmp(v[k], "notrunc"))
					notrunc = true;
				else if (!strcmp(key, "conv") && (!strcmp(v[k], "fsync") || !strcmp(v[k], "fdatasync")))
					sync = true;
				else if (!strcmp(key, "oflag") && !strcmp(v[k], "direct"))
					direct = true;
				else if (!strcmp(key, "iflag") && !strcmp(v[k], "direct"))
					continue;
				else
					bad = 1;
			}
			g_strfreev(v);
		} else {
			bad = 1;
		}
		g_free(key);
		if (bad)
			return sh_unsupported(st, "dd operand");
	}
	zero = in && !strcmp(in, "/dev/zero");
	if (zero && !have_count)
		return sh_unsupported(st, "dd from /dev/zero without count= (until the filesystem is full)");
	if (!out && seek)
		return sh_unsupported(st, "dd seek= on standard output");
	/* the input: what dd reads, from skip on, count records at most */
	if (zero) {
		if (count > ULLONG_MAX / bs)
			return sh_unsupported(st, "dd operand");
		full = count;
	} else {
		GByteArray *b = g_byte_array_new();
		unsigned long long len, from;

		if (!in) {
			gsize n;
			const char *s = sh_stdin_take(io, &n);

			g_byte_array_append(b, (const guint8 *)s, (guint)n);
		} else if (!strcmp(in, "/dev/null")) {
			/* nothing to read */
		} else if (fst_is_dir(st, in)) {
			g_byte_array_free(b, TRUE);
			return sh_unsupported(st, "dd from a directory");
		} else {
			int err = fst_read_file(st, in, b);

			if (err < 0) {
				g_byte_array_free(b, TRUE);
				return -1;
			}
			if (err) {
				g_byte_array_free(b, TRUE);
				sh_err(io, "dd: failed to open '%s': %s\n", in, g_strerror(err));
				return 1;
			}
		}
		if (skip && (skip > ULLONG_MAX / bs || skip * bs > b->len)) {
			g_byte_array_free(b, TRUE);
			return sh_unsupported(st, "dd skip= past the end of its input");
		}
		from = skip * bs;
		len = b->len - from;
		full = len / bs;
		part = len % bs ? 1 : 0;
		if (have_count && full >= count) {
			full = count;
			part = 0;
		}
		len = MIN(len, full * bs + (part ? len % bs : 0));
		data = g_byte_array_new();
		if (len)
			g_byte_array_append(data, b->data + from, (guint)len);
		g_byte_array_free(b, TRUE);
	}
	{
		unsigned long long len = zero ? full * bs : data->len, at;

		if (seek > ULLONG_MAX / bs || (out && seek * bs > ULLONG_MAX - len))
			ret = sh_unsupported(st, "dd operand");
		at = seek * bs;
		if (ret) {
			/* refused */
		} else if (out && fst_path_in_sim(st, out) && !g_tree_lookup(st->files, out)) {
			/* a simulated file: the calls dd makes, through xfs_io */
			GPtrArray *av = g_ptr_array_new_with_free_func(g_free);
			gchar *dir = g_path_get_dirname(out);
			GString *o = g_string_new(NULL), *e = g_string_new(NULL);
			struct sh_io cap = { o, e, NULL };

			if (!zero && len) {
				ret = sh_unsupported(st, "dd of bytes other than /dev/zero's into a simulated file");
			} else if (fst_is_dir(st, out)) {
				ret = sh_unsupported(st, "dd onto a directory");
			} else if (!fst_is_dir(st, dir)) {
				sh_err(io, "dd: failed to open '%s': No such file or directory\n", out);
				ret = 1;
			} else {
				g_ptr_array_add(av, g_strdup("xfs_io"));
				g_ptr_array_add(av, g_strdup(direct ? "-fd" : "-f"));
				if (!notrunc) {	/* O_TRUNC, or ftruncate to seek= */
					g_ptr_array_add(av, g_strdup("-c"));
					g_ptr_array_add(av, g_strdup_printf("truncate %llu", at));
				}
				if (len) {
					g_ptr_array_add(av, g_strdup("-c"));
					g_ptr_array_add(av, g_strdup_printf("pwrite -S 0 -b %llu %llu %llu", bs, at, len));
				}
				if (sync) {
					g_ptr_array_add(av, g_strdup("-c"));
					g_ptr_array_add(av, g_strdup("fsync"));
				}
				g_ptr_array_add(av, g_strdup(out));
				g_ptr_array_add(av, NULL);
				ret = fst_xfs_io(st, (int)av->len - 1, (char **)av->pdata, &cap);
				if (ret > 0 || e->len)	/* ENOSPC and the like: dd's own words are not modelled */
					ret = sh_unsupported(st, "dd that fails writing a simulated file");
			}
			g_string_free(o, TRUE);
			g_string_free(e, TRUE);
			g_free(dir);
			g_ptr_array_free(av, TRUE);
		} else if (out && strcmp(out, "/dev/null")) {
			/* a file of the shell's */
			GString *g = g_tree_lookup(st->files, out);

			if (at + len > DD_MAX_TEXT) {
				ret = sh_unsupported(st, "dd of more than 64 MiB into a file of the shell's");
			} else if (fst_is_dir(st, out)) {
				ret = sh_unsupported(st, "dd onto a directory");
			} else if (!fst_parent_exists(st, out)) {
				sh_err(io, "dd: failed to open '%s': No such file or directory\n", out);
				ret = 1;
			} else {
				gsize was;

				if (!g) {
					g = g_string_new(NULL);
					g_tree_insert(st->files, g_strdup(out), g);
				}
				if (!notrunc && g->len > at)	/* O_TRUNC, or ftruncate to seek= */
					g_string_truncate(g, (gsize)at);
				was = g->len;
				if (!notrunc || g->len < at + len)	/* the part not written is zeros */
					g_string_set_size(g, MAX(g->len, (gsize)(at + len)));
				if (g->len > was)
					memset(g->str + was, 0, g->len - was);
				if (!zero && len)
					memcpy(g->str + at, data->data, (size_t)len);
				else if (len)
					memset(g->str + at, 0, (size_t)len);
			}
		} else if (!out && io->fd1) {
			if (len > DD_MAX_TEXT) {
				ret = sh_unsupported(st, "dd of more than 64 MiB to standard output");
			} else if (zero) {
				gsize was = io->fd1->len;

				g_string_set_size(io->fd1, was + (gsize)len);
				memset(io->fd1->str + was, 0, (size_t)len);
			} else {
				g_string_append_len(io->fd1, (const char *)data->data, (gssize)len);
			}
		}
	}
	if (data)
		g_byte_array_free(data, TRUE);
	if (ret)
		return ret;
	if (!quiet)
		sh_err(io, "%llu+%llu records in\n%llu+%llu records out\n", full, part, full, part);
	return 0;
}

static const struct {
	const char	*name;
	sh_cmd_fn	fn;
} builtins[] = {
	{ "cp", b_cp }, { "truncate", b_truncate }, { "mv", b_mv }, { "dd", b_dd },
	{ "uname", b_uname }, { "ulimit", b_ulimit },
	{ "expr", b_expr }, { "let", b_let },
	{ ".", b_source }, { "source", b_source },
	{ "true", b_true }, { ":", b_true }, { "false", b_false },
	{ "echo", b_echo }, { "printf", b_printf }, { "cd", b_cd },
	{ "exit", b_exit }, { "return", b_return }, { "break", b_break },
	{ "continue", b_break }, { "export", b_export }, { "unset", b_unset },
	{ "shift", b_shift }, { "sync", b_noop }, { "sleep", b_noop },
	{ "test", b_test }, { "[", b_test }, { "read", b_read },
	{ "getconf", b_getconf }, { "stat", b_stat },
	{ "seq", b_seq }, { "cat", b_cat }, { "tee", b_tee },
	{ "basename", b_basename }, { "dirname", b_basename },
	{ "md5sum", b_md5sum }, { "cmp", b_cmp },
	{ "mkdir", b_mkdir }, { "rm", b_rm }, { "touch", b_touch },
	{ "wait", sh_jobs_wait }, { "kill", sh_jobs_kill },
};

sh_cmd_fn sh_builtin_lookup(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(builtins); i++)
		if (!strcmp(builtins[i].name, name))
			return builtins[i].fn;
	return fst_text_lookup(name);
}
