// SPDX-License-Identifier: MIT
/*
 * Scenario lexing: lines, comments, continuations, shell-like words with
 * quotes and escapes, $NAME / ${NAME} / $((EXPR)), and `set NAME=VALUE`.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scn.h"

static bool valid_name(const char *n, size_t len);

void scn_escape_append(GString *g, const char *s, size_t len, const char *keep)
{
	const char *p = s, *end = s + len;

	while (p < end) {
		unsigned char ch = (unsigned char)*p;
		gunichar u;
		int n;

		if (ch < 0x80) {
			if ((ch < 0x20 || ch == 0x7f) && !(ch && keep && strchr(keep, ch)))
				g_string_append_printf(g, "\\x%02x", ch);
			else
				g_string_append_c(g, (char)ch);
			p++;
			continue;
		}
		u = g_utf8_get_char_validated(p, (gssize)(end - p));
		if (u == (gunichar)-1 || u == (gunichar)-2) {
			g_string_append_printf(g, "\\x%02x", ch);	/* not UTF-8 */
			p++;
			continue;
		}
		n = g_utf8_skip[ch];
		if (u < 0xa0) {				/* a C1 control */
			for (int i = 0; i < n; i++)
				g_string_append_printf(g, "\\x%02x", (unsigned char)p[i]);
		} else {
			g_string_append_len(g, p, n);
		}
		p += n;
	}
}

gchar *scn_escape(const char *s)
{
	GString *g = g_string_new(NULL);

	scn_escape_append(g, s, strlen(s), NULL);
	return g_string_free(g, FALSE);
}

void scn_format_msg(char *dst, size_t n, const char *fmt, va_list ap)
{
	gchar *raw = g_strdup_vprintf(fmt, ap);
	GString *g = g_string_new(NULL);

	scn_escape_append(g, raw, strlen(raw), NULL);
	if (g->len >= n && n > 4) {
		/* cut at a character boundary, never inside a \xNN escape */
		size_t cut = n - 4;

		while (cut && (((unsigned char)g->str[cut] & 0xc0) == 0x80))
			cut--;
		for (size_t k = cut >= 3 ? cut - 3 : 0; k < cut; k++)
			if (g->str[k] == '\\' && k + 4 > cut)
				cut = k;
		g_string_truncate(g, cut);
		g_string_append(g, "...");
	}
	g_strlcpy(dst, g->str, n);
	g_string_free(g, TRUE);
	g_free(raw);
}

static int set_err(struct scn_error *e, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int set_err(struct scn_error *e, int line, int col, const char *fmt, ...)
{
	va_list ap;

	e->line = line;
	e->col = col;
	va_start(ap, fmt);
	scn_format_msg(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* cvtnum: 0, or -1 not a number, -2 a number out of the 64-bit range */
static int cvtnum_range(const char *s, long long *val)
{
	char *end;
	long long v, mul = 1;

	if (!*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 0);
	if (end == s || (errno && errno != ERANGE))
		return -1;
	if (*end) {
		if (end[1])
			return -1;
		switch (tolower((unsigned char)*end)) {
		case 'b': mul = 4096; break;
		case 's': mul = 512; break;
		case 'k': mul = 1LL << 10; break;
		case 'm': mul = 1LL << 20; break;
		case 'g': mul = 1LL << 30; break;
		case 't': mul = 1LL << 40; break;
		case 'p': mul = 1LL << 50; break;
		case 'e': mul = 1LL << 60; break;
		default: return -1;
		}
	}
	if (errno == ERANGE)
		return -2;
	if (__builtin_mul_overflow(v, mul, val))
		return -2;	/* 9e and the like do not fit in 64 bits */
	return 0;
}

int cvtnum(const char *s, long long *val)
{
	return cvtnum_range(s, val) ? -1 : 0;
}

/*
 * $(( )) arithmetic: + - * / % and parentheses over cvtnum operands.  As
 * in the shell, a bare NAME inside the expression is that variable's value.
 * Every operation is checked: overflow and division by zero are errors, as
 * is nesting deeper than SCN_MAX_NEST (the parser recurses per level).
 */
struct arith {
	const char *p;
	GHashTable *vars;
	int depth;
	const char *err;	/* the first error, a static message */
	char what[80];		/* the operand it names, if any */
};

static long long arith_expr(struct arith *a);

static long long arith_fail(struct arith *a, const char *msg, const char *what, size_t n)
{
	if (!a->err) {
		a->err = msg;
		g_strlcpy(a->what, what ? what : "", MIN(sizeof(a->what), n + 1));
	}
	return 0;
}

static void arith_ws(struct arith *a)
{
	while (isspace((unsigned char)*a->p))
		a->p++;
}

static long long arith_atom(struct arith *a)
{
	const char *tok;
	char buf[72];
	size_t n;
	long long v;
	int neg = 0, r;

	/* unary minus, iteratively: "- - - 1" costs no stack */
	for (arith_ws(a); *a->p == '-'; arith_ws(a)) {
		a->p++;
		neg ^= 1;
	}
	if (*a->p == '(') {
		if (++a->depth > SCN_MAX_NEST)
			return arith_fail(a, "nest", NULL, 0);
		a->p++;
		v = arith_expr(a);
		arith_ws(a);
		if (*a->p != ')')
			return arith_fail(a, "syntax", NULL, 0);
		a->p++;
		a->depth--;
	} else {
		tok = a->p;
		while (isalnum((unsigned char)*a->p) || *a->p == '_')
			a->p++;
		n = (size_t)(a->p - tok);
		if (!n)
			return arith_fail(a, "syntax", NULL, 0);
		if (n >= sizeof(buf))
			return arith_fail(a, "number", tok, n);
		memcpy(buf, tok, n);
		buf[n] = 0;
		if (isalpha((unsigned char)buf[0]) || buf[0] == '_') {
			const char *val = g_hash_table_lookup(a->vars, buf);

			if (!val)
				return arith_fail(a, "unknown", buf, n);
			r = cvtnum_range(val, &v);
			if (r)
				return arith_fail(a, r == -2 ? "range" : "number", buf, n);
		} else {
			r = cvtnum_range(buf, &v);
			if (r)
				return arith_fail(a, r == -2 ? "range" : "number", buf, n);
		}
	}
	if (neg) {
		if (v == LLONG_MIN)
			return arith_fail(a, "overflow", NULL, 0);
		v = -v;
	}
	return v;
}

static long long arith_term(struct arith *a)
{
	long long v = arith_atom(a);

	for (;;) {
		char op;
		long long r;

		arith_ws(a);
		op = *a->p;
		if (a->err || (op != '*' && op != '/' && op != '%'))
			return v;
		a->p++;
		r = arith_atom(a);
		if (a->err)
			return 0;
		if (op == '*') {
			if (__builtin_mul_overflow(v, r, &v))
				return arith_fail(a, "overflow", NULL, 0);
		} else if (!r) {
			return arith_fail(a, "zero", NULL, 0);
		} else if (r == -1) {
			/* LLONG_MIN / -1 traps (SIGFPE); x % -1 is 0 */
			if (op == '/' && v == LLONG_MIN)
				return arith_fail(a, "overflow", NULL, 0);
			v = op == '/' ? -v : 0;
		} else {
			v = op == '/' ? v / r : v % r;
		}
	}
}

static long long arith_expr(struct arith *a)
{
	long long v = arith_term(a);

	for (;;) {
		char op;
		long long r;

		arith_ws(a);
		op = *a->p;
		if (a->err || (op != '+' && op != '-'))
			return v;
		a->p++;
		r = arith_term(a);
		if (a->err)
			return 0;
		if (op == '+' ? __builtin_add_overflow(v, r, &v) : __builtin_sub_overflow(v, r, &v))
			return arith_fail(a, "overflow", NULL, 0);
	}
}

struct lexer {
	struct scn *s;
	const char *line;	/* the joined logical line */
	int lineno;
	struct scn_error *err;
	size_t expanded;	/* bytes of this line's finished words */
	bool quoted[SCN_MAX_WORDS];	/* the word had quotes, escapes or $: never an operator */
};

static int expand_dollar(struct lexer *lx, const char **pp, GString *out, int depth);

/* Room for @more bytes in the word @out of this line? */
static int expand_room(struct lexer *lx, int col, const GString *out, size_t more,
		       const char *what)
{
	if (lx->expanded + out->len + more <= SCN_MAX_EXPANDED)
		return 0;
	return set_err(lx->err, lx->lineno, col,
		       "expanding %s makes the line longer than the limit of %u bytes after expansion",
		       what, SCN_MAX_EXPANDED);
}

/*
 * $((EXPR)) with *pp just after "$((": the expression's text is gathered
 * once, left to right, with $NAME and inner $(( )) replaced by their
 * values (an inner $(( )) consumes its own text, so nesting is linear),
 * then evaluated; the decimal value is appended to @out.
 */
static int expand_arith(struct lexer *lx, const char **pp, GString *out, int col, int depth)
{
	const char *q = *pp;
	GString *e;
	struct arith a = { 0 };
	long long v;
	int paren = 0;
	gchar *src;

	if (depth > SCN_MAX_NEST)
		return set_err(lx->err, lx->lineno, col,
			       "$(( )) nested deeper than %d levels", SCN_MAX_NEST);
	e = g_string_new(NULL);
	for (;;) {
		if (!*q) {
			g_string_free(e, TRUE);
			return set_err(lx->err, lx->lineno, col, "unterminated $((");
		}
		if (!paren && q[0] == ')' && q[1] == ')')
			break;
		if (*q == '$') {
			q++;
			if (expand_dollar(lx, &q, e, depth + 1)) {
				g_string_free(e, TRUE);
				return -1;
			}
			continue;
		}
		if (*q == '(')
			paren++;
		else if (*q == ')')
			paren--;
		g_string_append_c(e, *q++);
	}
	a.p = e->str;
	a.vars = lx->s->vars;
	v = arith_expr(&a);
	arith_ws(&a);
	if (!a.err && *a.p)
		a.err = "syntax";
	if (a.err) {
		/* name the expansion as written: $((...)) */
		src = g_strndup(*pp - 3, (gsize)(q + 2 - (*pp - 3)));
		if (!strcmp(a.err, "zero"))
			set_err(lx->err, lx->lineno, col, "division by zero in %s", src);
		else if (!strcmp(a.err, "overflow"))
			set_err(lx->err, lx->lineno, col,
				"arithmetic overflow in %s (the range is 64-bit signed)", src);
		else if (!strcmp(a.err, "range"))
			set_err(lx->err, lx->lineno, col,
				"number '%s' out of the 64-bit range in %s", a.what, src);
		else if (!strcmp(a.err, "number"))
			set_err(lx->err, lx->lineno, col, "bad number '%s' in %s", a.what, src);
		else if (!strcmp(a.err, "unknown"))
			set_err(lx->err, lx->lineno, col, "unknown variable '%s' in %s", a.what, src);
		else if (!strcmp(a.err, "nest"))
			set_err(lx->err, lx->lineno, col,
				"parentheses nested deeper than %d levels in $(( ))", SCN_MAX_NEST);
		else
			set_err(lx->err, lx->lineno, col, "bad arithmetic expression '%s' in %s",
				e->str, src);
		g_free(src);
		g_string_free(e, TRUE);
		return -1;
	}
	g_string_free(e, TRUE);
	g_string_append_printf(out, "%lld", v);
	*pp = q + 2;
	return 0;
}

/* Expand a variable reference at *pp (after '$'); appends to @out. */
static int expand_dollar(struct lexer *lx, const char **pp, GString *out, int depth)
{
	const char *p = *pp;
	int col = (int)(p - lx->line);	/* column of '$' (1-based = idx) */
	char name[128];
	int n = 0;
	const char *val;
	size_t vlen;

	if (p[0] == '(' && p[1] == '(') {
		*pp = p + 2;
		if (expand_arith(lx, pp, out, col, depth)) {
			*pp = p;
			return -1;
		}
		return 0;
	}
	if (*p == '{') {
		p++;
		while (*p && *p != '}' && n < 127)
			name[n++] = *p++;
		if (*p != '}')
			return set_err(lx->err, lx->lineno, col, "unterminated ${");
		name[n] = 0;
		if (!valid_name(name, (size_t)n))	/* ${} lost its braces, ${a b} looked up "a b" */
			return set_err(lx->err, lx->lineno, col, "bad substitution '${%s}' (a NAME of letters, digits, _)",
				       name);
		p++;
	} else {
		while ((isalnum((unsigned char)*p) || *p == '_') && n < 127)
			name[n++] = *p++;
	}
	name[n] = 0;
	if (!n) {
		g_string_append_c(out, '$');
		*pp = p;
		return 0;
	}
	val = g_hash_table_lookup(lx->s->vars, name);
	if (!val)
		return set_err(lx->err, lx->lineno, col, "unknown variable '%s'", name);
	vlen = strlen(val);
	{
		gchar *what = g_strdup_printf("'$%s' (%zu bytes)", name, vlen);
		int r = expand_room(lx, col, out, vlen, what);

		g_free(what);
		if (r)
			return -1;
	}
	g_string_append_len(out, val, (gssize)vlen);
	*pp = p;
	return 0;
}

/* Split one logical line into words. */
static int split_words(struct lexer *lx, GPtrArray *words, GArray *cols)
{
	const char *p = lx->line;

	for (;;) {
		GString *w;
		int col;
		bool any = false, quoted = false;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			return 0;
		col = (int)(p - lx->line) + 1;
		w = g_string_new(NULL);
		while (*p && *p != ' ' && *p != '\t') {
			if (*p == '\'') {
				const char *q = strchr(p + 1, '\'');

				if (!q) {
					g_string_free(w, TRUE);
					return set_err(lx->err, lx->lineno, (int)(p - lx->line) + 1,
						       "unterminated single quote");
				}
				g_string_append_len(w, p + 1, q - p - 1);
				p = q + 1;
				any = quoted = true;
			} else if (*p == '"') {
				p++;
				while (*p && *p != '"') {
					if (*p == '\\' && p[1] && strchr("$`\"\\", p[1])) {
						g_string_append_c(w, p[1]);
						p += 2;
					} else if (*p == '$') {
						p++;
						if (expand_dollar(lx, &p, w, 0)) {
							g_string_free(w, TRUE);
							return -1;
						}
					} else {
						g_string_append_c(w, *p++);
					}
				}
				if (*p != '"') {
					g_string_free(w, TRUE);
					return set_err(lx->err, lx->lineno, col, "unterminated double quote");
				}
				p++;
				any = quoted = true;
			} else if (*p == '\\' && p[1]) {
				g_string_append_c(w, p[1]);
				p += 2;
				quoted = true;
			} else if (*p == '$') {
				p++;
				quoted = true;
				if (expand_dollar(lx, &p, w, 0)) {
					g_string_free(w, TRUE);
					return -1;
				}
			} else if (*p == '#' && !w->len && !any) {
				break;
			} else {
				g_string_append_c(w, *p++);
			}
		}
		if (w->len || any) {
			if (words->len >= SCN_MAX_WORDS) {
				g_string_free(w, TRUE);
				return set_err(lx->err, lx->lineno, col,
					       "more than %d words on one line", SCN_MAX_WORDS);
			}
			lx->expanded += w->len;
			lx->quoted[words->len] = quoted;
			g_ptr_array_add(words, g_string_free(w, FALSE));
			g_array_append_val(cols, col);
		} else {
			g_string_free(w, TRUE);
		}
	}
}

static void line_free(gpointer p)
{
	struct scn_line *ln = p;

	if (!ln)
		return;
	g_strfreev(ln->argv);
	g_free(ln->cols);
	g_free(ln->task);
	g_free(ln);
}

void scn_free(struct scn *s)
{
	if (!s)
		return;
	g_ptr_array_free(s->lines, TRUE);
	g_hash_table_destroy(s->vars);
	g_free(s->file);
	g_free(s);
}

static bool valid_name(const char *n, size_t len)
{
	if (!len || !(isalpha((unsigned char)n[0]) || n[0] == '_'))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!(isalnum((unsigned char)n[i]) || n[i] == '_'))
			return false;
	return true;
}

/* Line and column of byte @off of @text (for errors before the lines are split). */
static void text_pos(const char *text, size_t off, int *line, int *col)
{
	const char *nl = text;
	int l = 1;

	for (const char *p = text; (p = memchr(p, '\n', off - (size_t)(p - text))); p++) {
		l++;
		nl = p + 1;
	}
	*line = l;
	*col = (int)(text + off - nl) + 1;
}

gchar *scn_read_file(const char *path, size_t *len, const char **why)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	GString *buf;

	*why = NULL;
	if (fd < 0) {
		*why = g_strerror(errno);
		return NULL;
	}
	buf = g_string_sized_new(4096);
	while (buf->len <= SCN_MAX_BYTES) {
		size_t want = MIN(SCN_MAX_BYTES + 1 - buf->len, (size_t)1 << 20);
		ssize_t n;

		g_string_set_size(buf, buf->len + want);
		n = read(fd, buf->str + buf->len - want, want);
		g_string_set_size(buf, buf->len - want + (n > 0 ? (size_t)n : 0));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*why = g_strerror(errno);
			break;
		}
		if (!n)
			break;
	}
	if (fd)
		close(fd);
	if (*why) {
		g_string_free(buf, TRUE);
		return NULL;
	}
	*len = buf->len;
	return g_string_free(buf, FALSE);
}

int scn_parse(const char *name, const char *text, struct scn **out, struct scn_error *err)
{
	return scn_parse_len(name, text, strlen(text), out, err);
}

int scn_parse_len(const char *name, const char *text, size_t len, struct scn **out,
		  struct scn_error *err)
{
	struct scn *s;
	const char *p = text, *end = text + len, *nul;
	size_t total = 0;
	int next_line = 1;

	if (len > SCN_MAX_BYTES) {
		int l, c;

		text_pos(text, SCN_MAX_BYTES, &l, &c);
		return set_err(err, l, c, "the scenario is larger than the limit of %u bytes",
			       SCN_MAX_BYTES);
	}
	nul = memchr(text, 0, len);
	if (nul) {
		int l, c;

		text_pos(text, (size_t)(nul - text), &l, &c);
		return set_err(err, l, c, "NUL byte in the scenario (it must be text)");
	}
	s = g_new0(struct scn, 1);
	s->file = scn_escape(name);
	s->lines = g_ptr_array_new_with_free_func(line_free);
	s->vars = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	while (p < end) {
		int lineno = next_line;
		GString *logical = g_string_new(NULL);
		struct lexer lx = { .s = s, .lineno = lineno, .err = err };
		GPtrArray *words;
		GArray *cols;
		struct scn_line *ln;
		int first = 0;
		bool more;

		/* the physical lines of one logical line: a trailing '\\' joins */
		do {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = (size_t)((nl ? nl : end) - p);

			if (n && p[n - 1] == '\r')	/* CRLF: every physical line's CR goes */
				n--;
			next_line++;
			if (logical->len + n > SCN_MAX_LINE) {
				g_string_free(logical, TRUE);
				scn_free(s);
				return set_err(err, lineno, SCN_MAX_LINE + 1,
					       "line longer than the limit of %u bytes", SCN_MAX_LINE);
			}
			g_string_append_len(logical, p, (gssize)n);
			p = nl ? nl + 1 : end;
			more = logical->len && logical->str[logical->len - 1] == '\\' && nl;
			if (more)
				g_string_truncate(logical, logical->len - 1);
		} while (more);
		words = g_ptr_array_new_with_free_func(g_free);
		cols = g_array_new(FALSE, FALSE, sizeof(int));
		lx.line = logical->str;
		if (split_words(&lx, words, cols)) {
			g_ptr_array_free(words, TRUE);
			g_array_free(cols, TRUE);
			g_string_free(logical, TRUE);
			scn_free(s);
			return -1;
		}
		g_string_free(logical, TRUE);
		if (!words->len) {
			g_ptr_array_free(words, TRUE);
			g_array_free(cols, TRUE);
			continue;
		}
		total += lx.expanded + 48 * words->len + 160;
		if (total > SCN_MAX_TOTAL) {
			set_err(err, lineno, 1,
				"the scenario is larger than the limit of %u bytes after expansion",
				SCN_MAX_TOTAL);
			ln = NULL;
			goto fail;
		}
		ln = g_new0(struct scn_line, 1);
		ln->lineno = lineno;
		if (((char *)words->pdata[0])[0] == '@') {
			ln->task = g_strdup((char *)words->pdata[0] + 1);
			ln->task_col = g_array_index(cols, int, 0);
			if (!valid_name(ln->task, strlen(ln->task))) {
				set_err(err, lineno, ln->task_col, "bad task name '%s'",
					(char *)words->pdata[0]);
				goto fail;
			}
			first = 1;
			if (words->len < 2) {
				set_err(err, lineno, ln->task_col, "a task prefix needs a command");
				goto fail;
			}
		}
		/* set NAME=VALUE is handled here, at parse time */
		if (!strcmp(words->pdata[first], "set")) {
			int kcol = g_array_index(cols, int, first + 1 < (int)words->len ? first + 1 : first);
			const char *kv = words->pdata[first + 1 < (int)words->len ? first + 1 : first];
			const char *eq = strchr(kv, '=');

			if ((int)words->len == first + 2 && eq && !valid_name(kv, (size_t)(eq - kv))) {
				set_err(err, lineno, kcol, "set: '%.*s' is not a variable name (usage: set NAME=VALUE)",
					(int)MIN(eq - kv, 64), kv);
				goto fail;
			}
			if ((int)words->len != first + 2 || !eq) {
				set_err(err, lineno, g_array_index(cols, int, first),
					"usage: set NAME=VALUE");
				goto fail;
			}
			if (strlen(eq + 1) > SCN_MAX_VAR) {
				set_err(err, lineno, kcol,
					"set: the value of %.*s is %zu bytes, over the limit of %u",
					(int)MIN(eq - kv, 64), kv, strlen(eq + 1), SCN_MAX_VAR);
				goto fail;
			}
			g_hash_table_replace(s->vars, g_strndup(kv, (gsize)(eq - kv)),
					     g_strdup(eq + 1));
			line_free(ln);
			g_ptr_array_free(words, TRUE);
			g_array_free(cols, TRUE);
			continue;
		}
		/* a shell's pipes, redirects and lists are not part of the language */
		for (guint k = (guint)first; k < words->len; k++) {
			const char *w = words->pdata[k];

			if (lx.quoted[k])
				continue;	/* '|' or "&": a word, not an operator */
			if (!strcmp(w, "|") || !strcmp(w, "||") || !strcmp(w, "|&") || !strcmp(w, "&&") ||
			    !strcmp(w, ";") || !strcmp(w, "2>&1") || !strcmp(w, ">&2") ||
			    !strcmp(w, "1>&2") || w[0] == '>' || w[0] == '<' ||
			    (w[0] == '&' && w[1] == '>') ||
			    ((w[0] == '1' || w[0] == '2') && w[1] == '>')) {
				set_err(err, lineno, g_array_index(cols, int, k),
					"'%s': pipes, redirects and command lists are not part of the scenario language (one command per line; see docs/language.md)",
					w);
				goto fail;
			}
		}
		/* `LINE &`: the command runs in the background (Concurrency v2) */
		if ((int)words->len - first >= 2 && !lx.quoted[words->len - 1] &&
		    !strcmp(words->pdata[words->len - 1], "&")) {
			ln->background = true;
			ln->bg_col = g_array_index(cols, int, (int)words->len - 1);
			g_free(words->pdata[words->len - 1]);
			words->pdata[words->len - 1] = NULL;
			g_ptr_array_set_size(words, words->len - 1);
			g_array_set_size(cols, cols->len - 1);
		}
		ln->argc = (int)words->len - first;
		ln->argv = g_new0(char *, ln->argc + 1);
		ln->cols = g_new0(int, ln->argc + 1);
		for (int k = 0; k < ln->argc; k++) {
			/* the word moves to ln->argv; the array frees the rest */
			ln->argv[k] = words->pdata[first + k];
			words->pdata[first + k] = NULL;
			ln->cols[k] = g_array_index(cols, int, first + k);
		}
		g_ptr_array_free(words, TRUE);
		g_array_free(cols, TRUE);
		g_ptr_array_add(s->lines, ln);
		continue;
fail:
		line_free(ln);
		g_ptr_array_free(words, TRUE);
		g_array_free(cols, TRUE);
		scn_free(s);
		return -1;
	}
	*out = s;
	return 0;
}
