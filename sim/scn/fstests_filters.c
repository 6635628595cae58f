// SPDX-License-Identifier: MIT
/*
 * fstests' output filters (common/filter, common/punch, common/reflink),
 * written from what they do: _filter_test_dir and _filter_scratch put the
 * variable names back for the paths, _filter_xfs_io hides xfs_io's timing,
 * _filter_fiemap_flags names fiemap's flags and coalesces the rows, ...
 * Each reads its stdin and writes its stdout.
 */
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "fstests.h"

static gchar **awk_fields(const char *line, int *n);

static int stopped_ret(struct sh_state *st)
{
	return st->stop == STOP_NONE ? 0 : -1;
}

/* Filters ------------------------------------------------------------------- */

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/*
 * s,\BFROM,TO,g: replace @from by @to where sed's \B matches before it, not
 * at a word boundary: after a word character when @from starts with one,
 * after a non-word character (or at a line's start) when it does not.
 */
static void replace_path(GString *t, const char *from, const char *to)
{
	size_t n, end;
	bool word_first;
	GString *o;

	from = from ? from : "";	/* an unset variable expands to nothing */
	n = strlen(from);
	word_first = word_char(from[0]);
	/* an empty @from matches at the end of a last line without '\n' too */
	end = t->len + (!n && t->len && t->str[t->len - 1] != '\n');
	o = g_string_new(NULL);
	for (size_t i = 0; i < end;) {
		bool word_before = i && word_char(t->str[i - 1]);

		if (!n) {
			/* s,\B,TO,g: TO wherever the characters on both sides are alike */
			if (word_before == (i < t->len && word_char(t->str[i])))
				g_string_append(o, to);
			if (i < t->len)
				g_string_append_c(o, t->str[i]);
			i++;
		} else if (!strncmp(t->str + i, from, n) && word_before == word_first) {
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
		if (!(**p && strstr(*p + 1, "use_space"))) {	/* sed's /.use_space/d: any char before */
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

/*
 * The timing line: "N KiB, N ops; T sec (R KiB/sec and R ops/sec)", where
 * _filter_xfs_io's sed finds it (the leftmost match of its expression):
 * the number and unit before the comma are made of the characters it
 * allows, "inf" and "nan" rates too.
 */
static bool timing_line(const char *l, const char **start, const char **end)
{
	static regex_t re;
	static bool made;
	regmatch_t m;

	if (!made) {
		if (regcomp(&re, "[0-9/.]* [GMKiBbytes]*, [0-9]* ops; [0-9/:. sec]* "
			    "\\([infa0-9/.-]* [EPGMKiBbytes]*/sec and [infa0-9/.-]* ops/sec\\)", REG_EXTENDED))
			return false;
		made = true;
	}
	if (regexec(&re, l, 1, &m, 0))
		return false;
	*start = l + m.rm_so;
	*end = l + m.rm_eo;
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

/*
 * _filter_xfs_io_unique: common_line_filter (a run of lines whose text
 * after the last ':' repeats prints as its first line and one "*"), then
 * _filter_xfs_io.
 */
static int h_filter_xfs_io_unique(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *t = stdin_text(io), *o = g_string_new(NULL);
	gchar *last = g_strdup("");
	bool first_match = false;
	const char *p = t->str;

	while (*p) {
		const char *nl = strchr(p, '\n'), *e = nl ? nl : p + strlen(p);
		const char *colon = NULL;

		for (const char *q = p; q < e; q++)
			if (*q == ':')
				colon = q;
		if (colon) {
			gchar *tail = g_strndup(colon + 1, (gsize)(e - colon - 1));

			if (strcmp(last, tail)) {
				g_string_append_len(o, p, (gssize)(e - p + (nl ? 1 : 0)));
				first_match = true;
			} else if (first_match) {
				g_string_append(o, "*\n");
				first_match = false;
			}
			g_free(last);
			last = tail;
		} else {
			g_string_append_len(o, p, (gssize)(e - p + (nl ? 1 : 0)));
			g_free(last);
			last = g_strndup(p, (gsize)(e - p + (nl ? 1 : 0)));	/* with its newline */
		}
		p = nl ? nl + 1 : e;
	}
	g_free(last);
	g_string_free(t, TRUE);
	filter_xfs_io(o, false);
	return filter_done(io, o);
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

/* _filter_od: od's offsets (octal, as gawk's strtonum reads them) in blocks of 4096, "*" lines kept */
static int h_filter_od(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *t = stdin_text(io);
	gchar **lines = g_strsplit(t->str, "\n", -1);

	for (int i = 0; lines[i]; i++) {
		if (isdigit((unsigned char)lines[i][0])) {
			int n;
			gchar **f = awk_fields(lines[i], &n);

			/* gawk's strtonum("0"$1): octal, but decimal once an 8 or a 9 is in it */
			int base = strpbrk(f[0], "89") ? 10 : 8;

			sh_out(io, "%llo", strtoull(f[0], NULL, base) / 4096);
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
	gchar *prev = g_strdup("");	/* awk's prev_type: unset is "" */
	unsigned long long low = 0, high = 0, count = 0;

	for (int i = 0; lines[i]; i++) {
		gchar **f;
		const char *type;

		if (!lines[i + 1] && !*lines[i])
			break;		/* after the last newline: no record */
		/* awk -F: : $2 the range, $3 the type (each may be empty) */
		f = g_strsplit(lines[i], ":", -1);
		type = f[0] && f[1] && f[2] ? f[2] : "";
		if (!f[0] || !f[1] || sscanf(f[1], " [%llu..%llu]", &low, &high) != 2)
			low = high = 0;
		if (strcmp(type, prev)) {
			if (*prev)
				sh_out(io, "%llu]:%s\n", low * 512 / bs - 1, prev);
			sh_out(io, "%llu: [%llu..", count++, low * 512 / bs);
			g_free(prev);
			prev = g_strdup(type);
		}
		g_strfreev(f);
	}
	if (*prev)
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

static const struct {
	const char	*name;
	sh_cmd_fn	fn;
} filters[] = {
	{ "_filter_test_dir", h_filter_test_dir },
	{ "_filter_scratch", h_filter_scratch },
	{ "_filter_testdir_and_scratch", h_filter_testdir_and_scratch },
	{ "_filter_xfs_io", h_filter_xfs_io },
	{ "_filter_xfs_io_unique", h_filter_xfs_io_unique },
	{ "_filter_xfs_io_numbers", h_filter_xfs_io },
	{ "_filter_dedupe_error", h_filter_dedupe_error },
	{ "_filter_xfs_io_error", h_filter_xfs_io_error },
	{ "_filter_xfs_io_offset", h_filter_xfs_io_offset },
	{ "_filter_spaces", h_filter_spaces },
	{ "_filter_od", h_filter_od },
	{ "_filter_fiemap_flags", h_filter_fiemap_flags },
	{ "_coalesce_extents", h_coalesce_extents },
};

sh_cmd_fn fst_filter_lookup(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(filters); i++)
		if (!strcmp(filters[i].name, name))
			return filters[i].fn;
	return NULL;
}
