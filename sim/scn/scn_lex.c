// SPDX-License-Identifier: MIT
/*
 * Scenario lexing: lines, comments, continuations, shell-like words with
 * quotes and escapes, $NAME / ${NAME} / $((EXPR)), and `set NAME=VALUE`.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "scn.h"

static int set_err(struct scn_error *e, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int set_err(struct scn_error *e, int line, int col, const char *fmt, ...)
{
	va_list ap;

	e->line = line;
	e->col = col;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int cvtnum(const char *s, long long *val)
{
	char *end;
	long long v, mul = 1;

	if (!*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || end == s)
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
	if (__builtin_mul_overflow(v, mul, val))
		return -1;	/* 9e and the like do not fit in 64 bits */
	return 0;
}

/*
 * $(( )) arithmetic: + - * / % and parentheses over cvtnum operands.  As
 * in the shell, a bare NAME inside the expression is that variable's value.
 */
struct arith {
	const char *p;
	GHashTable *vars;
	int err;
};

static long long arith_expr(struct arith *a);

static void arith_ws(struct arith *a)
{
	while (isspace((unsigned char)*a->p))
		a->p++;
}

static long long arith_atom(struct arith *a)
{
	char tok[64];
	int n = 0;
	long long v;

	arith_ws(a);
	if (*a->p == '(') {
		a->p++;
		v = arith_expr(a);
		arith_ws(a);
		if (*a->p != ')')
			a->err = 1;
		else
			a->p++;
		return v;
	}
	if (*a->p == '-') {
		a->p++;
		return -arith_atom(a);
	}
	while ((isalnum((unsigned char)*a->p) || *a->p == '_') && n < 63)
		tok[n++] = *a->p++;
	tok[n] = 0;
	if (n && (isalpha((unsigned char)tok[0]) || tok[0] == '_')) {
		const char *val = g_hash_table_lookup(a->vars, tok);

		if (!val || cvtnum(val, &v)) {
			a->err = 1;
			return 0;
		}
		return v;
	}
	if (!n || cvtnum(tok, &v)) {
		a->err = 1;
		return 0;
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
		if (op != '*' && op != '/' && op != '%')
			return v;
		a->p++;
		r = arith_atom(a);
		if (op == '*')
			v *= r;
		else if (!r)
			a->err = 1;
		else
			v = op == '/' ? v / r : v % r;
	}
}

static long long arith_expr(struct arith *a)
{
	long long v = arith_term(a);

	for (;;) {
		char op;

		arith_ws(a);
		op = *a->p;
		if (op != '+' && op != '-')
			return v;
		a->p++;
		v = op == '+' ? v + arith_term(a) : v - arith_term(a);
	}
}

struct lexer {
	struct scn *s;
	const char *line;	/* the joined logical line */
	int lineno;
	struct scn_error *err;
};

/* Expand a variable reference at *pp (after '$'); appends to @out. */
static int expand_dollar(struct lexer *lx, const char **pp, GString *out)
{
	const char *p = *pp;
	int col = (int)(p - lx->line);	/* column of '$' (1-based = idx) */
	char name[128];
	int n = 0;
	const char *val;

	if (p[0] == '(' && p[1] == '(') {
		const char *start = p + 2, *q = start;
		int depth = 0;
		struct arith a;
		char *expr, *expanded;
		GString *tmp;

		while (*q && !(depth == 0 && q[0] == ')' && q[1] == ')')) {
			if (*q == '(')
				depth++;
			else if (*q == ')')
				depth--;
			q++;
		}
		if (!*q)
			return set_err(lx->err, lx->lineno, col, "unterminated $((");
		expr = g_strndup(start, (gsize)(q - start));
		/* variables inside the expression */
		tmp = g_string_new(NULL);
		for (const char *e = expr; *e; e++) {
			if (*e == '$') {
				const char *e2 = e + 1;

				if (expand_dollar(lx, &e2, tmp)) {
					g_free(expr);
					g_string_free(tmp, TRUE);
					return -1;
				}
				e = e2 - 1;
			} else {
				g_string_append_c(tmp, *e);
			}
		}
		g_free(expr);
		expanded = g_string_free(tmp, FALSE);
		a.p = expanded;
		a.vars = lx->s->vars;
		a.err = 0;
		{
			long long v = arith_expr(&a);

			arith_ws(&a);
			if (a.err || *a.p) {
				set_err(lx->err, lx->lineno, col, "bad arithmetic expression '%s'",
					expanded);
				g_free(expanded);
				return -1;
			}
			g_string_append_printf(out, "%lld", v);
		}
		g_free(expanded);
		*pp = q + 2;
		return 0;
	}
	if (*p == '{') {
		p++;
		while (*p && *p != '}' && n < 127)
			name[n++] = *p++;
		if (*p != '}')
			return set_err(lx->err, lx->lineno, col, "unterminated ${");
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
	g_string_append(out, val);
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
		bool any = false;

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
				any = true;
			} else if (*p == '"') {
				p++;
				while (*p && *p != '"') {
					if (*p == '\\' && p[1] && strchr("$`\"\\", p[1])) {
						g_string_append_c(w, p[1]);
						p += 2;
					} else if (*p == '$') {
						p++;
						if (expand_dollar(lx, &p, w)) {
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
				any = true;
			} else if (*p == '\\' && p[1]) {
				g_string_append_c(w, p[1]);
				p += 2;
			} else if (*p == '$') {
				p++;
				if (expand_dollar(lx, &p, w)) {
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

int scn_parse(const char *name, const char *text, struct scn **out, struct scn_error *err)
{
	struct scn *s = g_new0(struct scn, 1);
	gchar **raw = g_strsplit(text, "\n", -1);
	int i = 0;

	s->file = g_strdup(name);
	s->lines = g_ptr_array_new_with_free_func(line_free);
	s->vars = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	while (raw[i]) {
		int lineno = i + 1;
		GString *logical = g_string_new(raw[i]);
		struct lexer lx = { s, NULL, lineno, err };
		GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
		GArray *cols = g_array_new(FALSE, FALSE, sizeof(int));
		struct scn_line *ln;
		int first = 0;

		i++;
		if (logical->len && logical->str[logical->len - 1] == '\r')
			g_string_truncate(logical, logical->len - 1);
		while (logical->len && logical->str[logical->len - 1] == '\\' && raw[i]) {
			g_string_truncate(logical, logical->len - 1);
			g_string_append(logical, raw[i++]);
		}
		lx.line = logical->str;
		if (split_words(&lx, words, cols)) {
			g_ptr_array_free(words, TRUE);
			g_array_free(cols, TRUE);
			g_string_free(logical, TRUE);
			g_strfreev(raw);
			scn_free(s);
			return -1;
		}
		g_string_free(logical, TRUE);
		if (!words->len) {
			g_ptr_array_free(words, TRUE);
			g_array_free(cols, TRUE);
			continue;
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
			const char *kv = words->pdata[first + 1 < (int)words->len ? first + 1 : first];
			const char *eq = strchr(kv, '=');

			if ((int)words->len != first + 2 || !eq ||
			    !valid_name(kv, (size_t)(eq - kv))) {
				set_err(err, lineno, g_array_index(cols, int, first),
					"usage: set NAME=VALUE");
				goto fail;
			}
			g_hash_table_replace(s->vars, g_strndup(kv, (gsize)(eq - kv)),
					     g_strdup(eq + 1));
			line_free(ln);
			g_ptr_array_free(words, TRUE);
			g_array_free(cols, TRUE);
			continue;
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
		g_strfreev(raw);
		scn_free(s);
		return -1;
	}
	g_strfreev(raw);
	*out = s;
	return 0;
}
