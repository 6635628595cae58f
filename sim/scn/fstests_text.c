// SPDX-License-Identifier: MIT
/*
 * The text utilities fstests tests pipe through: grep, cut, head, tail, wc,
 * sed and od, for the options tests use, printing what GNU coreutils, grep
 * and sed print in the C locale (harness/pytest/test_fstests.py runs them
 * side by side with the real ones).  An option outside those makes the
 * test unsupported instead of guessing.
 */
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "fstests.h"

/* Each line of @text to @fn; true from fn keeps the line. */
static void each_line(const char *text, void (*fn)(const char *line, size_t len, void *arg), void *arg)
{
	const char *s = text;

	while (*s) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);

		fn(s, len, arg);
		s += len + (e ? 1 : 0);
	}
}

struct grep {
	regex_t		re;
	bool		invert, quiet, count_only, fixed, ignore_case, whole_line, no_messages;
	const char	*pattern;
	const char	*name;		/* several files: each line's prefix */
	long		matched;
	struct sh_io	*io;
};

static void grep_line(const char *line, size_t len, void *arg)
{
	struct grep *g = arg;
	gchar *l = g_strndup(line, len);
	bool m;

	if (g->fixed)
		m = g->whole_line ? !strcmp(l, g->pattern) : strstr(l, g->pattern) != NULL;
	else
		m = !regexec(&g->re, l, 0, NULL, 0);
	if (m != g->invert) {
		g->matched++;
		if (!g->quiet && !g->count_only)
			sh_out(g->io, "%s%s%s\n", g->name ? g->name : "", g->name ? ":" : "", l);
	}
	g_free(l);
}

static int b_grep(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	struct grep g = { .io = io };
	int flags = REG_NOSUB, i = 1, ret;
	GString *t;
	gchar *pat;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "-e") && i + 1 < argc) {
			if (g.pattern)
				return sh_unsupported(st, "grep with several patterns");
			g.pattern = argv[++i];
			continue;
		}
		for (const char *o = argv[i] + 1; *o; o++) {
			switch (*o) {
			case 'v': g.invert = true; break;
			case 'q': g.quiet = true; break;
			case 'c': g.count_only = true; break;
			case 'E': flags |= REG_EXTENDED; break;
			case 'F': g.fixed = true; break;
			case 'i': flags |= REG_ICASE; g.ignore_case = true; break;
			case 'x': g.whole_line = true; break;
			case 's': g.no_messages = true; break;
			default:
				return sh_unsupported(st, "grep option");
			}
		}
	}
	if (!g.pattern) {
		if (i >= argc)
			return sh_unsupported(st, "grep without a pattern");
		g.pattern = argv[i++];
	}
	if (g.fixed && g.ignore_case)
		return sh_unsupported(st, "grep -F -i");
	pat = g.whole_line && !g.fixed ? g_strdup_printf("^(%s)$", g.pattern) : g_strdup(g.pattern);
	if (g.whole_line && !g.fixed && !(flags & REG_EXTENDED)) {
		g_free(pat);	/* grouped, so that -x 'a\|b' is a whole line too */
		pat = g_strdup_printf("^\\(%s\\)$", g.pattern);
	}
	if (!g.fixed && (ret = regcomp(&g.re, pat, flags))) {
		char msg[128];

		regerror(ret, &g.re, msg, sizeof(msg));
		g_free(pat);
		sh_err(io, "grep: %s\n", msg);
		return 2;
	}
	g_free(pat);
	t = g_string_new(NULL);
	ret = 0;
	/* stdin or one file; several files: each line (each count) after "FILE:" */
	for (int k = i; k == i || k < argc; k++) {
		/* -s: no message about a file that cannot be read */
		struct sh_io fio = { io->fd1, g.no_messages ? NULL : io->fd2, io->in };
		long before = g.matched;
		int r = fst_input_text(st, k < argc ? 1 : 0, argv + k, &fio, "grep", t);

		if (r < 0) {
			ret = r;
			break;
		}
		ret |= r;
		g.name = argc - i > 1 ? argv[k] : NULL;
		if (!r) {
			each_line(t->str, grep_line, &g);
			if (g.count_only && !g.quiet)
				sh_out(io, "%s%s%ld\n", g.name ? g.name : "", g.name ? ":" : "",
				       g.matched - before);
		}
		g_string_truncate(t, 0);
	}
	if (!g.fixed)
		regfree(&g.re);
	g_string_free(t, TRUE);
	if (ret)
		return ret < 0 ? -1 : 2;
	return g.matched ? 0 : 1;
}

struct cut {
	char		delim;
	bool		chars;
	bool		want[1024];	/* field / char numbers, 1-based */
	long		from;		/* N-: every field from N (0: none) */
	struct sh_io	*io;
};

static bool cut_want(struct cut *c, long k)
{
	return (k < 1024 && c->want[k]) || (c->from && k >= c->from);
}

static void cut_line(const char *line, size_t len, void *arg)
{
	struct cut *c = arg;
	GString *o = g_string_new(NULL);
	bool first = true;

	if (c->chars) {
		for (size_t i = 0; i < len; i++)
			if (cut_want(c, (long)i + 1))
				g_string_append_c(o, line[i]);
	} else if (!memchr(line, c->delim, len)) {
		g_string_append_len(o, line, (gssize)len);	/* no delimiter: whole line */
	} else {
		long k = 1;
		size_t s = 0;

		for (size_t i = 0; i <= len; i++) {
			if (i == len || line[i] == c->delim) {
				if (cut_want(c, k)) {
					if (!first)
						g_string_append_c(o, c->delim);
					g_string_append_len(o, line + s, (gssize)(i - s));
					first = false;
				}
				k++;
				s = i + 1;
			}
		}
	}
	sh_out(c->io, "%s\n", o->str);
	g_string_free(o, TRUE);
}

static int b_cut(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	struct cut c = { .delim = '\t', .io = io };
	const char *list = NULL;
	int i = 1, ret;
	GString *t;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *v = argv[i][2] ? argv[i] + 2 : (i + 1 < argc ? argv[++i] : NULL);

		if (!v)
			return sh_unsupported(st, "cut option without a value");
		if (argv[i][1] == 'd' || (argv[i - 1][1] == 'd' && !argv[i - 1][2] && v == argv[i])) {
			c.delim = v[0];
		} else if (argv[i][1] == 'f' || argv[i][1] == 'c' ||
			   ((argv[i - 1][1] == 'f' || argv[i - 1][1] == 'c') && v == argv[i])) {
			c.chars = (v == argv[i] ? argv[i - 1][1] : argv[i][1]) == 'c';
			list = v;
		} else {
			return sh_unsupported(st, "cut option");
		}
	}
	if (!list)
		return sh_unsupported(st, "cut without -f or -c");
	for (gchar **r = g_strsplit(list, ",", -1), **p = r; *p || (g_strfreev(r), 0); p++) {
		char *dash = strchr(*p, '-');
		long a = atol(*p), b;

		if (!dash) {
			b = a;
		} else {
			a = dash == *p ? 1 : a;
			b = dash[1] ? atol(dash + 1) : -1;
		}
		if (b < 0)
			c.from = c.from ? MIN(c.from, a) : a;
		for (long k = a; b >= 0 && k <= b && k < 1024; k++)
			if (k >= 1)
				c.want[k] = true;
	}
	t = g_string_new(NULL);
	ret = fst_input_text(st, argc - i, argv + i, io, "cut", t);
	if (ret >= 0)
		each_line(t->str, cut_line, &c);
	g_string_free(t, TRUE);
	return ret;
}

static int b_head_tail(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	long n = 10;
	int i = 1, ret;
	bool from_end = false;	/* head -n -N: all but the last N; tail -n +N: from line N */
	GString *t;
	gchar **lines;
	guint count;
	bool head = !strcmp(argv[0], "head");

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *v;

		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			v = argv[++i];
		else if (argv[i][1] == 'n')
			v = argv[i] + 2;
		else if (isdigit((unsigned char)argv[i][1]))
			v = argv[i] + 1;
		else
			return sh_unsupported(st, "head/tail option");
		n = labs(atol(v));
		from_end = *v == (head ? '-' : '+');
	}
	t = g_string_new(NULL);
	ret = fst_input_text(st, argc - i, argv + i, io, argv[0], t);
	if (ret >= 0) {
		/* lines as coreutils counts them: a last line without its newline stays without */
		bool nl_end = t->len && t->str[t->len - 1] == '\n';

		if (nl_end)
			g_string_truncate(t, t->len - 1);
		if (t->len) {
			lines = g_strsplit(t->str, "\n", -1);
		} else {	/* g_strsplit("") is no line; "\n" is one empty line */
			lines = g_new0(gchar *, 2);
			if (nl_end)
				lines[0] = g_strdup("");
		}
		count = g_strv_length(lines);
		for (guint k = 0; k < count; k++)
			if (head ? (from_end ? (long)k < (long)count - n : (long)k < n) :
			    (from_end ? (long)k + 1 >= n : (long)(count - k) <= n))
				sh_out(io, "%s%s", lines[k], k + 1 < count || nl_end ? "\n" : "");
		g_strfreev(lines);
	}
	g_string_free(t, TRUE);
	return ret;
}

static int b_wc(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *t = g_string_new(NULL);
	int ret;
	long lines = 0;

	if (argc < 2 || (strcmp(argv[1], "-l") && strcmp(argv[1], "-c"))) {
		g_string_free(t, TRUE);
		return sh_unsupported(st, "wc without -l or -c");
	}
	if (argc > 3 || (argc == 3 && argv[2][0] == '-' && argv[2][1])) {
		g_string_free(t, TRUE);	/* GNU: a line per file and a total; two counts a line */
		return sh_unsupported(st, "wc of several files or with several options");
	}
	ret = fst_input_text(st, argc - 2, argv + 2, io, "wc", t);
	for (gsize k = 0; k < t->len; k++)
		lines += t->str[k] == '\n';
	if (ret == 0) {	/* a file that cannot be read has no count line */
		if (argc > 2)
			sh_out(io, "%ld %s\n", argv[1][1] == 'l' ? lines : (long)t->len, argv[2]);
		else
			sh_out(io, "%ld\n", argv[1][1] == 'l' ? lines : (long)t->len);
	}
	g_string_free(t, TRUE);
	return ret;
}

/* sort [-u] [-n] [-r] [-t C] [-k N[,M]] [FILE...]: the C locale's byte order -- */
struct sort_opts {
	bool	numeric, reverse, uniq;
	char	sep;		/* 0: blanks */
	int	k1, k2;		/* fields, 1-based; 0: the whole line */
};

/* Past one field (and the separator after it when @eat_sep) from @p. */
static const char *skip_field(const struct sort_opts *o, const char *p, const char *end, bool eat_sep)
{
	if (o->sep) {
		const char *q = strchr(p, o->sep);

		return q ? (eat_sep ? q + 1 : q) : end;
	}
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	return p;
}

/* The key of @line: fields k1..k2 (GNU: from the field's leading blanks on). */
static void sort_key(const struct sort_opts *o, const char *line, const char **kb, const char **ke)
{
	const char *p = line, *end = line + strlen(line);
	int f = 1;

	if (!o->k1) {
		*kb = line;
		*ke = end;
		return;
	}
	for (; f < o->k1 && p < end; f++)	/* to the start of field k1 */
		p = skip_field(o, p, end, true);
	*kb = p;
	if (!o->k2) {
		*ke = end;
		return;
	}
	for (; f <= o->k2 && p < end; f++)
		p = skip_field(o, p, end, f != o->k2);
	*ke = p;
}

static int sort_cmp_key(const struct sort_opts *o, const char *a, const char *b)
{
	const char *ab, *ae, *bb, *be;
	int c;

	sort_key(o, a, &ab, &ae);
	sort_key(o, b, &bb, &be);
	if (o->numeric) {
		gchar *x = g_strndup(ab, (gsize)(ae - ab)), *y = g_strndup(bb, (gsize)(be - bb));
		double dx = g_ascii_strtod(x, NULL), dy = g_ascii_strtod(y, NULL);

		g_free(x);
		g_free(y);
		c = dx < dy ? -1 : dx > dy;
	} else {
		size_t la = (size_t)(ae - ab), lb = (size_t)(be - bb);

		c = memcmp(ab, bb, MIN(la, lb));
		if (!c)
			c = la < lb ? -1 : la > lb;
	}
	return c;
}

static gint sort_cmp(gconstpointer pa, gconstpointer pb, gpointer data)
{
	const struct sort_opts *o = data;
	const char *a = *(char *const *)pa, *b = *(char *const *)pb;
	int c = sort_cmp_key(o, a, b);

	/* GNU's last resort, the whole line, except under -u */
	if (!c && !o->uniq && (o->numeric || o->k1))
		c = strcmp(a, b);
	if (o->reverse)
		c = -c;
	/* equal: input order (the lines lie in the text in that order), so -u
	 * keeps the first of an equal run */
	return c ? c : (a > b) - (a < b);
}

static int b_sort(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	struct sort_opts o = { 0 };
	GString *t = g_string_new(NULL);
	GPtrArray *lines = g_ptr_array_new();
	int i = 1, ret;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];

		if (!strncmp(a, "-t", 2) && (a[2] ? strlen(a) == 3 : i + 1 < argc && strlen(argv[i + 1]) == 1)) {
			o.sep = a[2] ? a[2] : argv[++i][0];	/* -t C, -tC */
		} else if (!strncmp(a, "-k", 2) && (a[2] || i + 1 < argc)) {
			char *e;

			o.k1 = (int)strtol(a[2] ? a + 2 : argv[++i], &e, 10);	/* -k N, -kN */
			if (*e == ',')
				o.k2 = (int)strtol(e + 1, &e, 10);
			if (*e || o.k1 < 1 || (o.k2 && o.k2 < o.k1)) {
				g_string_free(t, TRUE);
				g_ptr_array_free(lines, TRUE);
				return sh_unsupported(st, "sort -k other than N or N,M");
			}
		} else {
			for (const char *p = a + 1; *p; p++) {
				if (*p == 'u')
					o.uniq = true;
				else if (*p == 'n')
					o.numeric = true;
				else if (*p == 'r')
					o.reverse = true;
				else {
					g_string_free(t, TRUE);
					g_ptr_array_free(lines, TRUE);
					return sh_unsupported(st, "a sort option other than -u -n -r -t -k");
				}
			}
		}
	}
	ret = fst_input_text(st, argc - i, argv + i, io, "sort", t);
	if (ret) {	/* GNU sort stops at a file it cannot read: no output, 2 */
		g_string_free(t, TRUE);
		g_ptr_array_free(lines, TRUE);
		return ret < 0 ? ret : 2;
	}
	for (char *p = t->str; *p;) {
		char *e = strchr(p, '\n');

		if (e)
			*e = 0;
		g_ptr_array_add(lines, p);
		if (!e)
			break;
		p = e + 1;
	}
	g_ptr_array_sort_with_data(lines, sort_cmp, &o);
	for (guint k = 0; k < lines->len; k++) {
		const char *l = g_ptr_array_index(lines, k);

		if (o.uniq && k && !sort_cmp_key(&o, g_ptr_array_index(lines, k - 1), l))
			continue;
		sh_out(io, "%s\n", l);
	}
	g_ptr_array_free(lines, TRUE);
	g_string_free(t, TRUE);
	return ret;
}

/* tr [-d] SET1 [SET2]: ranges a-z, \n \t \\ \NNN, [:upper:] [:lower:] [:digit:] [:space:] [:alpha:] [:alnum:] */
static bool tr_set(const char *spec, GString *out)
{
	static const struct {
		const char	*name;
		int		(*is)(int);
	} classes[] = {
		{ "[:upper:]", isupper }, { "[:lower:]", islower }, { "[:digit:]", isdigit },
		{ "[:space:]", isspace }, { "[:alpha:]", isalpha }, { "[:alnum:]", isalnum },
	};

	for (const char *p = spec; *p;) {
		unsigned char c;
		bool cls = false;

		for (size_t i = 0; i < G_N_ELEMENTS(classes); i++)
			if (!strncmp(p, classes[i].name, strlen(classes[i].name))) {
				for (int k = 0; k < 256; k++)
					if (classes[i].is(k))
						g_string_append_c(out, (char)k);
				p += strlen(classes[i].name);
				cls = true;
				break;
			}
		if (cls)
			continue;
		if (*p == '[')
			return false;	/* [c*n], [=c=]: not in the subset */
		if (*p == '\\' && p[1] >= '0' && p[1] <= '7') {
			int v = 0;

			p++;
			for (int n = 0; n < 3 && *p >= '0' && *p <= '7'; n++)
				v = v * 8 + (*p++ - '0');
			c = (unsigned char)v;
		} else if (*p == '\\' && p[1]) {
			p++;
			c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p == 'r' ? '\r' : (unsigned char)*p;
			p++;
		} else {
			c = (unsigned char)*p++;
		}
		if (*p == '-' && p[1]) {
			unsigned char hi = (unsigned char)p[1];

			if (hi < c)
				return false;
			for (int k = c; k <= hi; k++)
				g_string_append_c(out, (char)k);
			p += 2;
			continue;
		}
		g_string_append_c(out, (char)c);
	}
	return true;
}

static int b_tr(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	bool del = argc > 1 && !strcmp(argv[1], "-d");
	int first = del ? 2 : 1;
	GString *s1 = g_string_new(NULL), *s2 = g_string_new(NULL), *t = g_string_new(NULL);
	unsigned char map[256];
	bool drop[256] = { false };
	int ret = 0;

	if (argc - first != (del ? 1 : 2) || (argc > 1 && argv[1][0] == '-' && !del) ||
	    !tr_set(argv[first], s1) || (!del && !tr_set(argv[first + 1], s2)) ||
	    (!del && !s2->len)) {
		ret = sh_unsupported(st, "tr other than tr SET1 SET2 or tr -d SET");
		goto out;
	}
	for (int k = 0; k < 256; k++)
		map[k] = (unsigned char)k;
	for (gsize k = 0; k < s1->len; k++) {
		unsigned char c = (unsigned char)s1->str[k];

		if (del)
			drop[c] = true;
		else	/* SET2 shorter: its last character repeats (GNU) */
			map[c] = (unsigned char)s2->str[MIN(k, s2->len - 1)];
	}
	ret = fst_input_text(st, 0, NULL, io, "tr", t);
	if (ret < 0)
		goto out;
	{
		GString *o = g_string_sized_new(t->len);

		for (gsize k = 0; k < t->len; k++) {
			unsigned char c = (unsigned char)t->str[k];

			if (!drop[c])
				g_string_append_c(o, (char)map[c]);
		}
		if (io->fd1)
			g_string_append_len(io->fd1, o->str, (gssize)o->len);
		g_string_free(o, TRUE);
	}
out:
	g_string_free(s1, TRUE);
	g_string_free(s2, TRUE);
	g_string_free(t, TRUE);
	return ret;
}

/* od: -A x|d|o|n, -t x1|o1|u1|d1|c (z), -c, -v ---------------------------------- */
enum od_type { OD_X1, OD_O1, OD_U1, OD_D1, OD_C };

struct od_opts {
	char		radix;
	enum od_type	types[8];
	bool		z[8];
	int		ntypes;
	bool		verbose;
};

static int od_width(enum od_type t)
{
	switch (t) {
	case OD_X1: return 2;
	case OD_O1: case OD_U1: case OD_C: return 3;
	default: return 4;
	}
}

static void od_addr(struct sh_io *io, char radix, unsigned long long off)
{
	if (radix == 'x')
		sh_out(io, "%06llx", off);
	else if (radix == 'd')
		sh_out(io, "%07llu", off);
	else if (radix == 'o')
		sh_out(io, "%07llo", off);
}

static void od_field(struct sh_io *io, enum od_type t, unsigned char c, int w)
{
	char f[8];

	switch (t) {
	case OD_X1: snprintf(f, sizeof(f), "%02x", c); break;
	case OD_O1: snprintf(f, sizeof(f), "%03o", c); break;
	case OD_U1: snprintf(f, sizeof(f), "%u", c); break;
	case OD_D1: snprintf(f, sizeof(f), "%d", (signed char)c); break;
	case OD_C:
		switch (c) {
		case 0: strcpy(f, "\\0"); break;
		case '\a': strcpy(f, "\\a"); break;
		case '\b': strcpy(f, "\\b"); break;
		case '\f': strcpy(f, "\\f"); break;
		case '\n': strcpy(f, "\\n"); break;
		case '\r': strcpy(f, "\\r"); break;
		case '\t': strcpy(f, "\\t"); break;
		case '\v': strcpy(f, "\\v"); break;
		default:
			if (c >= 0x20 && c < 0x7f)
				snprintf(f, sizeof(f), "%c", c);
			else
				snprintf(f, sizeof(f), "%03o", c);
		}
		break;
	}
	sh_out(io, " %*s", w, f);
}

static void od_dump(struct sh_io *io, const struct od_opts *o, const unsigned char *d, size_t len)
{
	int w = 0, awidth = o->radix == 'x' ? 6 : o->radix == 'n' ? 0 : 7;
	bool star = false;

	for (int t = 0; t < o->ntypes; t++)
		w = MAX(w, od_width(o->types[t]));
	for (size_t off = 0; off < len; off += 16) {
		size_t n = MIN(16, len - off);

		if (!o->verbose && off && n == 16 && !memcmp(d + off, d + off - 16, 16)) {
			if (!star)
				sh_out(io, "*\n");
			star = true;
			continue;
		}
		star = false;
		for (int t = 0; t < o->ntypes; t++) {
			if (!t)
				od_addr(io, o->radix, off);
			else
				sh_out(io, "%*s", awidth, "");
			for (size_t k = 0; k < n; k++)
				od_field(io, o->types[t], d[off + k], w);
			if (o->z[t]) {
				sh_out(io, "%*s  >", (int)((16 - n) * (size_t)(w + 1)), "");
				for (size_t k = 0; k < n; k++)
					sh_out(io, "%c", d[off + k] >= 0x20 && d[off + k] < 0x7f ? d[off + k] : '.');
				sh_out(io, "<");
			}
			sh_out(io, "\n");
		}
	}
	if (o->radix != 'n') {
		od_addr(io, o->radix, len);
		sh_out(io, "\n");
	}
}

static bool od_type_arg(struct od_opts *o, const char *t)
{
	while (*t) {
		enum od_type ty;

		if (o->ntypes >= 8)
			return false;
		if (*t == 'c') {
			ty = OD_C;
			t++;
		} else if (strchr("xoud", *t) && (t[1] == '1' || t[1] == 'C')) {
			ty = *t == 'x' ? OD_X1 : *t == 'o' ? OD_O1 : *t == 'u' ? OD_U1 : OD_D1;
			t += 2;
		} else {
			return false;
		}
		o->types[o->ntypes] = ty;
		o->z[o->ntypes] = *t == 'z';
		if (*t == 'z')
			t++;
		o->ntypes++;
	}
	return true;
}

static int b_od(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	struct od_opts o = { .radix = 'o' };
	int i = 1, ret;
	GString *t;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];

		if (a[1] == 'A') {
			const char *r = a[2] ? a + 2 : i + 1 < argc ? argv[++i] : "";

			if (strlen(r) != 1 || !strchr("xdon", r[0]))
				return sh_unsupported(st, "od address radix");
			o.radix = r[0];
		} else if (a[1] == 't') {
			if (!od_type_arg(&o, a[2] ? a + 2 : i + 1 < argc ? argv[++i] : ""))
				return sh_unsupported(st, "od type");
		} else if (!strcmp(a, "-c")) {
			od_type_arg(&o, "c");
		} else if (!strcmp(a, "-v")) {
			o.verbose = true;
		} else {
			return sh_unsupported(st, "od option");
		}
	}
	if (!o.ntypes)
		return sh_unsupported(st, "od without -t or -c");
	t = g_string_new(NULL);
	ret = fst_input_text(st, argc - i, argv + i, io, "od", t);
	if (!ret)
		od_dump(io, &o, (const unsigned char *)t->str, t->len);
	g_string_free(t, TRUE);
	return ret;
}

/* _hexdump: od -Ax -t x1z through the simulator's own od (the read path). */
int fst_hexdump(struct sh_state *st, int argc, char **argv, struct sh_io *io);
int fst_hexdump(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	char *av[] = { "od", "-Ax", "-t", "x1z", argc > 1 ? argv[1] : NULL, NULL };

	return b_od(st, argc > 1 ? 5 : 4, av, io);
}

/*
 * sed [-E|-r] [-e] SCRIPT... over stdin or files: each script one command,
 * `s/RE/REPL/[g]` (any delimiter; & and \1..\9 in REPL) or `/RE/d`,
 * with POSIX (GNU) regular expressions.  Anything else is unsupported.
 */
struct sed_cmd {
	regex_t	re;
	char	op;		/* 's' or 'd' */
	char	*repl;
	bool	global;
};

/* Split @p at the unescaped @delim; the part, or NULL. */
static char *sed_part(const char **p, char delim)
{
	GString *g = g_string_new(NULL);
	const char *s = *p;

	for (; *s && *s != delim; s++) {
		if (*s == '\\' && s[1] == delim) {
			g_string_append_c(g, delim);
			s++;
		} else if (*s == '\\' && s[1] == 'n' && delim != 'n') {
			g_string_append_c(g, '\n');
			s++;
		} else {
			g_string_append_c(g, *s);
			if (*s == '\\' && s[1])
				g_string_append_c(g, *++s);
		}
	}
	if (*s != delim) {
		g_string_free(g, TRUE);
		return NULL;
	}
	*p = s + 1;
	return g_string_free(g, FALSE);
}

static bool sed_parse(const char *script, int cflags, struct sed_cmd *c)
{
	const char *p = script;
	char *re;
	bool ok;

	memset(c, 0, sizeof(*c));
	while (*p == ' ')
		p++;
	if (*p == 's' && p[1] && p[1] != '\\' && p[1] != '\n') {
		char d = p[1];

		p += 2;
		re = sed_part(&p, d);
		if (!re)
			return false;
		c->repl = sed_part(&p, d);
		if (!c->repl) {
			g_free(re);
			return false;
		}
		c->op = 's';
		for (; *p; p++) {
			if (*p == 'g')
				c->global = true;
			else if (*p != ' ' && *p != ';') {
				g_free(re);
				g_free(c->repl);
				return false;
			}
		}
	} else if (*p == '/') {
		p++;
		re = sed_part(&p, '/');
		if (!re)
			return false;
		while (*p == ' ')
			p++;
		if (strcmp(p, "d") && strcmp(p, "d;")) {
			g_free(re);
			return false;
		}
		c->op = 'd';
	} else {
		return false;
	}
	ok = !regcomp(&c->re, re, cflags);
	g_free(re);
	if (!ok)
		g_free(c->repl);
	return ok;
}

static void sed_subst(const struct sed_cmd *c, GString *line)
{
	GString *o = g_string_new(NULL);
	regmatch_t m[10];
	size_t pos = 0;
	bool done = false, after_match = false;

	while (!done && pos <= line->len &&
	       !regexec(&c->re, line->str + pos, 10, m, pos ? REG_NOTBOL : 0)) {
		if (after_match && m[0].rm_so == 0 && m[0].rm_eo == 0) {
			/* no empty match right after a match (GNU sed) */
			if (pos < line->len)
				g_string_append_c(o, line->str[pos]);
			pos++;
			after_match = false;
			continue;
		}
		after_match = m[0].rm_eo > m[0].rm_so;
		g_string_append_len(o, line->str + pos, m[0].rm_so);
		for (const char *r = c->repl; *r; r++) {
			if (*r == '&') {
				g_string_append_len(o, line->str + pos + m[0].rm_so, m[0].rm_eo - m[0].rm_so);
			} else if (*r == '\\' && r[1] >= '1' && r[1] <= '9') {
				int k = r[1] - '0';

				if (m[k].rm_so >= 0)
					g_string_append_len(o, line->str + pos + m[k].rm_so, m[k].rm_eo - m[k].rm_so);
				r++;
			} else if (*r == '\\' && r[1]) {
				g_string_append_c(o, r[1] == 'n' ? '\n' : r[1] == 't' ? '\t' : r[1]);
				r++;
			} else {
				g_string_append_c(o, *r);
			}
		}
		if (m[0].rm_eo == m[0].rm_so) {
			/* an empty match: keep one character and go on */
			if (pos + m[0].rm_eo < line->len)
				g_string_append_c(o, line->str[pos + m[0].rm_eo]);
			pos += m[0].rm_eo + 1;
		} else {
			pos += m[0].rm_eo;
		}
		done = !c->global;
	}
	if (pos < line->len)
		g_string_append(o, line->str + pos);
	g_string_assign(line, o->str);
	g_string_free(o, TRUE);
}

/* Run the commands over each line of @text, to @io's stdout. */
static void sed_lines(GArray *cmds, struct sh_io *io, const char *text)
{
	GString *line = g_string_new(NULL);

	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		bool del = false;

		g_string_assign(line, "");
		g_string_append_len(line, p, (gssize)n);
		for (guint k = 0; k < cmds->len && !del; k++) {
			struct sed_cmd *c = &g_array_index(cmds, struct sed_cmd, k);

			if (c->op == 'd')
				del = !regexec(&c->re, line->str, 0, NULL, 0);
			else
				sed_subst(c, line);
		}
		if (!del)
			sh_out(io, "%s%s", line->str, e ? "\n" : "");
		p += n + (e ? 1 : 0);
	}
	g_string_free(line, TRUE);
}

static int b_sed(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GPtrArray *scripts = g_ptr_array_new();
	GArray *cmds = g_array_new(FALSE, TRUE, sizeof(struct sed_cmd));
	int cflags = 0, i = 1, ret = 0;
	GString *t = NULL;
	bool in_place = false;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "-e") && i + 1 < argc)
			g_ptr_array_add(scripts, argv[++i]);
		else if (!strcmp(argv[i], "-E") || !strcmp(argv[i], "-r"))
			cflags |= REG_EXTENDED;
		else if (!strcmp(argv[i], "-i"))
			in_place = true;
		else {
			ret = sh_unsupported(st, "sed option");
			goto out;
		}
	}
	if (!scripts->len) {
		if (i >= argc) {
			ret = sh_unsupported(st, "sed without a script");
			goto out;
		}
		g_ptr_array_add(scripts, argv[i++]);
	}
	for (guint k = 0; k < scripts->len; k++) {
		struct sed_cmd c;

		if (!sed_parse(g_ptr_array_index(scripts, k), cflags, &c)) {
			ret = sh_unsupported(st, "this sed script");
			goto out;
		}
		g_array_append_val(cmds, c);
	}
	if (in_place) {
		/* -i FILE...: files the shell wrote, each rewritten */
		for (int k = i; k < argc; k++) {
			GString *g = g_tree_lookup(st->files, argv[k]);
			struct sh_io fio = { NULL, io->fd2, NULL };
			struct sh_input in;
			GString *o;

			if (!g) {
				ret = sh_unsupported(st, "sed -i of a file the test did not write with the shell");
				goto out;
			}
			o = g_string_new(NULL);
			in = (struct sh_input){ g->str, g->len, 0 };
			fio.fd1 = o;
			fio.in = &in;
			sed_lines(cmds, &fio, g->str);
			g_string_assign(g, o->str);
			g_string_free(o, TRUE);
		}
		if (i == argc)
			ret = sh_unsupported(st, "sed -i without a file");
		goto out;
	}
	t = g_string_new(NULL);
	ret = fst_input_text(st, argc - i, argv + i, io, "sed", t);
	if (ret < 0)
		goto out;
	sed_lines(cmds, io, t->str);	/* what could be read, as GNU sed does; then 2 */
	ret = ret ? 2 : 0;
out:
	for (guint k = 0; k < cmds->len; k++) {
		struct sed_cmd *c = &g_array_index(cmds, struct sed_cmd, k);

		regfree(&c->re);
		g_free(c->repl);
	}
	g_array_free(cmds, TRUE);
	g_ptr_array_free(scripts, TRUE);
	if (t)
		g_string_free(t, TRUE);
	return ret;
}

/* awk '{ print $N[, $M]... }': the fields, split at blanks, joined by a space */
struct awk {
	GArray		*fields;	/* int: the field numbers */
	struct sh_io	*io;
};

static void awk_line(const char *line, size_t len, void *arg)
{
	struct awk *a = arg;
	GPtrArray *f = g_ptr_array_new_with_free_func(g_free);
	GString *o = g_string_new(NULL);

	for (size_t k = 0; k < len;) {
		size_t start;

		while (k < len && (line[k] == ' ' || line[k] == '\t'))
			k++;
		if (k == len)
			break;
		start = k;
		while (k < len && line[k] != ' ' && line[k] != '\t')
			k++;
		g_ptr_array_add(f, g_strndup(line + start, k - start));
	}
	for (guint i = 0; i < a->fields->len; i++) {
		int n = g_array_index(a->fields, int, i);

		if (i)
			g_string_append_c(o, ' ');
		if (!n)
			g_string_append_len(o, line, (gssize)len);
		else if ((guint)n <= f->len)
			g_string_append(o, g_ptr_array_index(f, n - 1));
	}
	sh_out(a->io, "%s\n", o->str);
	g_string_free(o, TRUE);
	g_ptr_array_free(f, TRUE);
}

/* The program '{ print $N, $M }' (blanks anywhere between the tokens), or false. */
static bool awk_program(const char *p, GArray *fields)
{
#define AWK_BLANKS(p)	while (*(p) == ' ' || *(p) == '\t') (p)++
	AWK_BLANKS(p);
	if (*p++ != '{')
		return false;
	AWK_BLANKS(p);
	if (strncmp(p, "print", 5))
		return false;
	p += 5;
	for (;;) {
		char *end;
		long n;

		AWK_BLANKS(p);
		if (*p != '$' || !isdigit((unsigned char)p[1]))
			return false;
		n = strtol(p + 1, &end, 10);
		if (n > 1000)
			return false;
		g_array_append_val(fields, (int){ (int)n });
		p = end;
		AWK_BLANKS(p);
		if (*p != ',')
			break;
		p++;
	}
	if (*p == ';')
		p++;
	AWK_BLANKS(p);
	if (*p++ != '}')
		return false;
	AWK_BLANKS(p);
	return !*p;
#undef AWK_BLANKS
}

static int b_awk(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	struct awk a = { g_array_new(FALSE, FALSE, sizeof(int)), io };
	GString *t;
	int ret;

	if (argc != 2 || argv[1][0] == '-' || !awk_program(argv[1], a.fields)) {
		g_array_free(a.fields, TRUE);
		return sh_unsupported(st, "awk other than awk '{ print $N, ... }' on its input");
	}
	t = g_string_new(NULL);
	ret = fst_input_text(st, 0, NULL, io, "awk", t);
	if (ret >= 0)
		each_line(t->str, awk_line, &a);
	g_string_free(t, TRUE);
	g_array_free(a.fields, TRUE);
	return ret;
}

static const struct {
	const char	*name;
	sh_cmd_fn	fn;
} text_tools[] = {
	{ "sed", b_sed },
	{ "grep", b_grep },
	{ "cut", b_cut },
	{ "head", b_head_tail },
	{ "tail", b_head_tail },
	{ "wc", b_wc },
	{ "sort", b_sort },
	{ "tr", b_tr },
	{ "od", b_od },
	{ "awk", b_awk },
};

sh_cmd_fn fst_text_lookup(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(text_tools); i++)
		if (!strcmp(text_tools[i].name, name))
			return text_tools[i].fn;
	return NULL;
}
