// SPDX-License-Identifier: MIT
/*
 * The interpreter of the fstests shell subset: word expansion ($NAME,
 * ${NAME}, ${NAME:-W}, $(( )), $( ), `...`, quotes, field splitting),
 * pipelines (each stage runs to completion, its stdout the next one's
 * stdin), redirects onto the shell's own files (the results' NAME.full,
 * /dev/null, files the test writes), functions with `local`, and the
 * control flow.  Commands resolve to: a function of the test, a shell
 * utility (fstests_builtins.c), an fstests helper (fstests_helpers.c) or
 * a src/ program; anything else stops the test as unsupported.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fstests.h"

void sh_out(struct sh_io *io, const char *fmt, ...)
{
	va_list ap;

	if (!io->fd1)
		return;
	va_start(ap, fmt);
	g_string_append_vprintf(io->fd1, fmt, ap);
	va_end(ap);
}

void sh_err(struct sh_io *io, const char *fmt, ...)
{
	va_list ap;

	if (!io->fd2)
		return;
	va_start(ap, fmt);
	g_string_append_vprintf(io->fd2, fmt, ap);
	va_end(ap);
}

const char *sh_stdin_take(struct sh_io *io, gsize *len)
{
	const char *s;

	if (!io->in) {
		*len = 0;
		return "";
	}
	s = io->in->data + io->in->pos;
	*len = io->in->len - io->in->pos;
	io->in->pos = io->in->len;
	return s;
}

bool sh_stdin_line(struct sh_io *io, GString *line)
{
	const char *s, *e;
	gsize left;

	g_string_truncate(line, 0);
	if (!io->in || io->in->pos >= io->in->len)
		return false;
	s = io->in->data + io->in->pos;
	left = io->in->len - io->in->pos;
	e = memchr(s, '\n', left);
	g_string_append_len(line, s, e ? e - s : (gssize)left);
	io->in->pos += e ? (gsize)(e - s) + 1 : left;
	return true;
}

int sh_stop(struct sh_state *st, enum sh_stop how, const char *fmt, ...)
{
	va_list ap;

	if (st->stop == STOP_NOTRUN || st->stop == STOP_UNSUPPORTED || st->stop == STOP_USAGE ||
	    st->stop == STOP_FAIL)
		return -1;	/* the first reason wins */
	st->stop = how;
	va_start(ap, fmt);
	vsnprintf(st->reason, sizeof(st->reason), fmt, ap);
	va_end(ap);
	return -1;
}

int sh_abort(struct sh_state *st, const char *fmt, ...)
{
	va_list ap;

	if (st->stop != STOP_NONE)
		return -1;
	if (st->err_now) {
		g_string_append_printf(st->err_now, "%s: line %d: ", st->file, st->cmd_line);
		va_start(ap, fmt);
		g_string_append_vprintf(st->err_now, fmt, ap);
		va_end(ap);
		g_string_append_c(st->err_now, '\n');
	}
	st->stop = STOP_ABORT;
	return -1;
}

int sh_unsupported(struct sh_state *st, const char *why)
{
	char *text = sh_source_line(st->src, st->cmd_line);
	int ret;

	if (why)
		ret = sh_stop(st, STOP_UNSUPPORTED, "unsupported: %s:%d: %s (%s)", st->file, st->cmd_line,
			      text, why);
	else
		ret = sh_stop(st, STOP_UNSUPPORTED, "unsupported: %s:%d: %s", st->file, st->cmd_line, text);
	g_free(text);
	return ret;
}

static struct sh_frame *frame(struct sh_state *st)
{
	return st->frames->len ? g_ptr_array_index(st->frames, st->frames->len - 1) : NULL;
}

static char numbuf[32];

const char *sh_getvar(struct sh_state *st, const char *name)
{
	struct sh_frame *f = frame(st);

	if (!strcmp(name, "?")) {
		snprintf(numbuf, sizeof(numbuf), "%d", st->status);
		return numbuf;
	}
	if (!strcmp(name, "#")) {
		snprintf(numbuf, sizeof(numbuf), "%u", f ? f->args->len : 0);
		return numbuf;
	}
	if (!strcmp(name, "$"))
		return SH_PID_STR;
	if (!strcmp(name, "0"))
		return st->file;
	if (isdigit((unsigned char)name[0])) {
		guint k = (guint)atoi(name);

		return f && k >= 1 && k <= f->args->len ? g_ptr_array_index(f->args, k - 1) : NULL;
	}
	return g_hash_table_lookup(st->vars, name);
}

GHashTable *sh_vars_copy(GHashTable *from)
{
	GHashTable *to = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, from);	/* a copy: the order does not matter */
	while (g_hash_table_iter_next(&it, &k, &v))
		g_hash_table_insert(to, g_strdup(k), g_strdup(v));
	return to;
}

void sh_setvar(struct sh_state *st, const char *name, const char *val)
{
	g_hash_table_replace(st->vars, g_strdup(name), g_strdup(val));
}

/* Expansion ---------------------------------------------------------------- */

struct fields {
	GPtrArray	*out;		/* char * */
	GString		*cur;
	bool		have;		/* a quoted part started the field */
	bool		split;
	bool		glob;		/* an unquoted * ? [ is in the field */
	struct sh_state	*st;
};

static void add_entry(GTree *names, const char *path, size_t dlen)
{
	const char *rest = path + dlen + 1, *slash = strchr(rest, '/');
	gchar *name = slash ? g_strndup(rest, (gsize)(slash - rest)) : g_strdup(rest);

	if (*name && !g_tree_lookup(names, name))
		g_tree_insert(names, name, name);
	else
		g_free(name);
}

static gint strcmp3(gconstpointer a, gconstpointer b, gpointer u)
{
	(void)u;
	return strcmp(a, b);
}

static gboolean add_match(gpointer k, gpointer v, gpointer d)
{
	void **ctx = d;
	struct fields *f = ctx[0];
	const char *dir = ctx[1], *pat = ctx[2];

	(void)v;
	if (!fnmatch(pat, k, FNM_PERIOD))
		g_ptr_array_add(f->out, g_strdup_printf("%s/%s", dir, (const char *)k));
	return FALSE;
}

/*
 * Pathname expansion of a field: a pattern in its last component, over the
 * simulated files and the shell's own, in the C locale's order.  No match
 * leaves the word as it is (bash without nullglob).  Returns whether it
 * expanded.
 */
static bool glob_field(struct fields *f)
{
	const char *w = f->cur->str, *slash = strrchr(w, '/');
	gchar *dir;
	GTree *names;
	GPtrArray *paths;
	guint before = f->out->len;

	if (!slash || slash == w || !strpbrk(slash + 1, "*?[") || strpbrk(w, "*?[") < slash + 1)
		return false;
	dir = g_strndup(w, (gsize)(slash - w));
	names = g_tree_new_full(strcmp3, NULL, g_free, NULL);
	paths = fst_session_files_under(f->st->sim, dir);
	{
		gchar *under = g_strconcat(dir, "/", NULL);

		fst_keys_with_prefix(f->st->files, under, paths);
		fst_keys_with_prefix(f->st->dirs, under, paths);
		g_free(under);
	}
	for (guint i = 0; i < paths->len; i++)
		add_entry(names, g_ptr_array_index(paths, i), strlen(dir));
	{
		void *ctx[3] = { f, dir, (void *)(slash + 1) };

		g_tree_foreach(names, add_match, ctx);
	}
	g_tree_destroy(names);
	g_ptr_array_free(paths, TRUE);
	g_free(dir);
	return f->out->len > before;
}

static void field_end(struct fields *f)
{
	if (f->cur->len || f->have) {
		if (!(f->glob && f->st && glob_field(f)))
			g_ptr_array_add(f->out, g_strdup(f->cur->str));
		g_string_truncate(f->cur, 0);
	}
	f->have = false;
	f->glob = false;
}

static void add_text(struct fields *f, const char *s, bool quoted)
{
	if (quoted || !f->split) {
		g_string_append(f->cur, s);
		if (quoted)
			f->have = true;
		return;
	}
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n') {
			field_end(f);
		} else {
			if (*s == '*' || *s == '?' || *s == '[')
				f->glob = true;
			g_string_append_c(f->cur, *s);
		}
	}
}

/* End of a $( or ${ region starting at s (after the opening char). */
static const char *match_close(const char *s, char open, char close)
{
	int depth = 1;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
		} else if (*s == '\'' && open != '`') {
			s = strchr(s + 1, '\'');
			if (!s)
				return NULL;
		} else if (*s == '"' && open != '`') {
			for (s++; *s && *s != '"'; s++)
				if (*s == '\\' && s[1])
					s++;
			if (!*s)
				return NULL;
		} else if (*s == close && (open == close || !--depth)) {
			return s;
		} else if (*s == open && open != close) {
			depth++;
		}
	}
	return NULL;
}

static int expand_text(struct sh_state *st, const char *s, struct fields *f, bool in_dq);

/*
 * $(( )), (( )), for (( )), [[ ]]: expand ($NAME, $( ), quotes), then
 * evaluate.  An error in $(( )) aborts the command (-1); in the commands
 * @who names ("((", "[[") it is bash's message and 1, the command's status.
 */
static int arith_eval(struct sh_state *st, const char *expr, long long *v, const char *who)
{
	struct fields g = { g_ptr_array_new_with_free_func(g_free), g_string_new(NULL), false, false, false, NULL };
	char err[256];
	int ret = expand_text(st, expr, &g, true);

	if (!ret && sh_arith(st, g.cur->str, v, err, sizeof(err))) {
		const char *e = g.cur->str + strspn(g.cur->str, " \t\n"), *msg = err;
		gchar *text = NULL;

		if (*err == '\001')	/* the message names a variable's expression */
			msg = err + 1;
		else
			msg = text = g_strdup_printf("%.80s%s: %.200s", e, strlen(e) > 80 ? "..." : "", err);
		if (!who) {
			ret = sh_abort(st, "%s", msg);
		} else {
			if (st->err_now)
				g_string_append_printf(st->err_now, "%s: line %d: %s: %s\n", st->file,
						       st->cmd_line, who, msg);
			ret = 1;
		}
		g_free(text);
	}
	g_ptr_array_free(g.out, TRUE);
	g_string_free(g.cur, TRUE);
	return ret;
}

static int cmd_subst(struct sh_state *st, const char *text, struct fields *f, bool quoted)
{
	GString *out = g_string_new(NULL);
	int ret = sh_run_capture(st, text, st->cmd_line, out, NULL);

	st->subst_ran = true;
	st->subst_status = st->status;

	while (out->len && out->str[out->len - 1] == '\n')
		g_string_truncate(out, out->len - 1);
	if (!ret)
		add_text(f, out->str, quoted);
	g_string_free(out, TRUE);
	return ret;
}

/* $@ and $* (and ${@}, ${*}): "$@" is one field per argument, none without arguments */
static void positional_args(struct sh_state *st, struct fields *f, bool quoted, char which)
{
	struct sh_frame *fr = frame(st);

	for (guint i = 0; fr && i < fr->args->len; i++) {
		if (i) {
			if (quoted && which == '@')
				field_end(f), f->have = true;
			else
				add_text(f, " ", quoted);
		}
		add_text(f, g_ptr_array_index(fr->args, i), quoted);
	}
}

/*
 * ${NAME#PAT} ${NAME##PAT} ${NAME%PAT} ${NAME%%PAT}: the shortest / longest
 * prefix / suffix PAT matches removed.  PAT expands ($NAME, $( )) and is a
 * glob; a quote or backslash in it (which would make parts of it literal)
 * is unsupported.
 */
static int param_trim(struct sh_state *st, const char *v, const char *op, struct fields *f, bool quoted)
{
	bool suffix = *op == '%', longest = op[1] == op[0];
	const char *word = op + (longest ? 2 : 1);
	struct fields g = { g_ptr_array_new_with_free_func(g_free), g_string_new(NULL), false, false, false, NULL };
	size_t len = strlen(v);
	gchar *res = NULL;
	int ret;

	if (strpbrk(word, "'\"\\"))
		ret = sh_unsupported(st, "a quoted pattern in ${NAME#PAT} or ${NAME%PAT}");
	else
		ret = expand_text(st, word, &g, false);
	for (size_t k = 0; !ret && !res && k <= len; k++) {
		/* prefixes: shortest first for #, longest first for ##; suffixes the other way */
		size_t i = (suffix != longest) ? len - k : k;

		if (!suffix) {
			gchar *pre = g_strndup(v, i);

			if (!fnmatch(g.cur->str, pre, 0))
				res = g_strdup(v + i);
			g_free(pre);
		} else if (!fnmatch(g.cur->str, v + i, 0)) {
			res = g_strndup(v, i);
		}
	}
	if (!ret)
		add_text(f, res ? res : v, quoted);
	g_free(res);
	g_ptr_array_free(g.out, TRUE);
	g_string_free(g.cur, TRUE);
	return ret;
}

/* ${...}: NAME, #NAME, NAME:-W, NAME-W, NAME:=W, NAME=W, NAME:+W */
static int param_brace(struct sh_state *st, const char *in, struct fields *f, bool quoted)
{
	size_t n = 0;
	const char *v, *op;
	char name[128];

	if (in[0] == '#' && in[1]) {
		v = sh_getvar(st, in + 1);
		snprintf(name, sizeof(name), "%zu", v ? strlen(v) : 0);
		add_text(f, name, quoted);
		return 0;
	}
	while ((isalnum((unsigned char)in[n]) || in[n] == '_' || (n == 0 && strchr("?#$@*", in[n]))) &&
	       n < sizeof(name) - 1) {
		name[n] = in[n];
		n++;
		if (!isalnum((unsigned char)name[0]) && name[0] != '_')
			break;
	}
	name[n] = 0;
	if (!n)
		return sh_unsupported(st, "bad substitution");
	v = sh_getvar(st, name);
	op = in + n;
	if (!*op && (name[0] == '@' || name[0] == '*')) {	/* they expanded to nothing */
		positional_args(st, f, quoted, name[0]);
		return 0;
	}
	if (!*op) {
		add_text(f, v ? v : "", quoted);
		return 0;
	}
	{
		bool colon = *op == ':';
		char kind = colon ? op[1] : op[0];
		const char *word = op + (colon ? 2 : 1);
		bool unset = !v || (colon && !*v);

		if (kind == '-' || kind == '=') {
			if (!unset) {
				add_text(f, v, quoted);
				return 0;
			}
			if (kind == '=') {
				struct fields g = { g_ptr_array_new_with_free_func(g_free), g_string_new(NULL), false, false, false, NULL };
				int ret = expand_text(st, word, &g, false);

				if (!ret) {
					sh_setvar(st, name, g.cur->str);
					add_text(f, g.cur->str, quoted);
				}
				g_ptr_array_free(g.out, TRUE);
				g_string_free(g.cur, TRUE);
				return ret;
			}
			return expand_text(st, word, f, quoted);
		}
		if (kind == '+') {
			if (unset)
				return 0;
			return expand_text(st, word, f, quoted);
		}
	}
	if ((*op == '#' || *op == '%') && name[0] != '@' && name[0] != '*')
		return param_trim(st, v ? v : "", op, f, quoted);
	return sh_unsupported(st, "this ${...} form");
}

static int expand_dollar(struct sh_state *st, const char **sp, struct fields *f, bool quoted)
{
	const char *s = *sp + 1;	/* after '$' */
	int ret = 0;

	if (s[0] == '(' && s[1] == '(') {
		const char *e = match_close(s + 2, '(', ')');
		long long v;
		char num[32];
		gchar *expr;

		if (!e || e[1] != ')')
			return sh_unsupported(st, "unbalanced $((");
		expr = g_strndup(s + 2, (gsize)(e - (s + 2)));
		ret = arith_eval(st, expr, &v, NULL);
		g_free(expr);
		if (ret)
			return ret;
		snprintf(num, sizeof(num), "%lld", v);
		add_text(f, num, quoted);
		*sp = e + 2;
		return 0;
	}
	if (s[0] == '(') {
		const char *e = match_close(s + 1, '(', ')');
		gchar *text;

		if (!e)
			return sh_unsupported(st, "unbalanced $(");
		text = g_strndup(s + 1, (gsize)(e - s - 1));
		ret = cmd_subst(st, text, f, quoted);
		g_free(text);
		*sp = e + 1;
		return ret;
	}
	if (s[0] == '{') {
		const char *e = match_close(s + 1, '{', '}');
		gchar *in;

		if (!e)
			return sh_unsupported(st, "unbalanced ${");
		in = g_strndup(s + 1, (gsize)(e - s - 1));
		ret = param_brace(st, in, f, quoted);
		g_free(in);
		*sp = e + 1;
		return ret;
	}
	if (s[0] == '@' || s[0] == '*') {
		positional_args(st, f, quoted, s[0]);
		*sp = s + 1;
		return 0;
	}
	if (s[0] == '?' || s[0] == '#' || s[0] == '$' || s[0] == '!' || isdigit((unsigned char)s[0])) {
		char name[2] = { s[0], 0 };
		const char *v = sh_getvar(st, name);

		add_text(f, v ? v : "", quoted);
		*sp = s + 1;
		return 0;
	}
	if (isalpha((unsigned char)s[0]) || s[0] == '_') {
		size_t n = 0;
		gchar *name;
		const char *v;

		while (isalnum((unsigned char)s[n]) || s[n] == '_')
			n++;
		name = g_strndup(s, n);
		v = sh_getvar(st, name);
		g_free(name);
		add_text(f, v ? v : "", quoted);
		*sp = s + n;
		return 0;
	}
	if (s[0] == '\'')
		return sh_unsupported(st, "$'...' quoting");
	add_text(f, "$", true);
	*sp = s;
	return 0;
}

static int expand_text(struct sh_state *st, const char *s, struct fields *f, bool in_dq)
{
	while (*s) {
		int ret;

		if (*s == '\\' && s[1]) {
			if (!in_dq || strchr("$`\"\\\n", s[1])) {
				char c[2] = { s[1], 0 };

				if (s[1] != '\n')
					add_text(f, c, true);
				s += 2;
			} else {
				add_text(f, "\\", true);
				s++;
			}
			continue;
		}
		if (*s == '"' && in_dq) {
			/* "${x:-"W"}", $(( "1" )): quotes inside a quoted word go, as in bash */
			s++;
			continue;
		}
		if (*s == '\'' && !in_dq) {
			const char *e = strchr(s + 1, '\'');
			gchar *lit;

			if (!e)
				return sh_unsupported(st, "unterminated quote");
			lit = g_strndup(s + 1, (gsize)(e - s - 1));
			add_text(f, lit, true);
			g_free(lit);
			s = e + 1;
			continue;
		}
		if (*s == '"' && !in_dq) {
			const char *e = s + 1;
			gchar *inner;

			for (; *e && *e != '"'; e++) {
				if (*e == '\\' && e[1]) {
					e++;
				} else if (*e == '$' && (e[1] == '(' || e[1] == '{')) {
					const char *m = match_close(e + 2, e[1], e[1] == '(' ? ')' : '}');

					if (!m)
						return sh_unsupported(st, "unbalanced $(");
					e = m;
				} else if (*e == '`') {
					const char *m = strchr(e + 1, '`');

					if (!m)
						return sh_unsupported(st, "unbalanced `");
					e = m;
				}
			}
			inner = g_strndup(s + 1, (gsize)(e - s - 1));
			/* "$@" without positional parameters is no word at all, as in bash */
			if (strcmp(inner, "$@") && strcmp(inner, "${@}"))
				f->have = true;
			ret = expand_text(st, inner, f, true);
			g_free(inner);
			if (ret)
				return ret;
			s = *e ? e + 1 : e;
			continue;
		}
		if (*s == '$') {
			ret = expand_dollar(st, &s, f, in_dq);
			if (ret)
				return ret;
			continue;
		}
		if (*s == '`') {
			const char *e = strchr(s + 1, '`');
			gchar *text;

			if (!e)
				return sh_unsupported(st, "unbalanced `");
			text = g_strndup(s + 1, (gsize)(e - s - 1));
			ret = cmd_subst(st, text, f, in_dq);
			g_free(text);
			if (ret)
				return ret;
			s = e + 1;
			continue;
		}
		if (!in_dq && (*s == '*' || *s == '?' || *s == '[') && f->split) {
			/* a glob, matched when the field ends */
			g_string_append_c(f->cur, *s);
			f->glob = true;
			s++;
			continue;
		}
		{
			char c[2] = { *s, 0 };

			add_text(f, c, in_dq);
		}
		s++;
	}
	return 0;
}

/* Past the quoted text or $( ) / ${ } that starts at @s; NULL if unbalanced. */
static const char *skip_quoted(const char *s)
{
	if (*s == '\\')
		return s[1] ? s + 2 : NULL;
	if (*s == '\'') {
		const char *e = strchr(s + 1, '\'');

		return e ? e + 1 : NULL;
	}
	if (*s == '"') {
		for (s++; *s && *s != '"'; s++)
			if (*s == '\\' && s[1])
				s++;
		return *s ? s + 1 : NULL;
	}
	/* $( ... ) or ${ ... } */
	{
		const char *e = match_close(s + 2, s[1], s[1] == '(' ? ')' : '}');

		return e ? e + 1 : NULL;
	}
}

/*
 * bash's brace expansion, before every other: PRE{A,B,...}POST becomes one
 * word per alternative (nested and later braces expand when each word is
 * expanded in turn).  A brace without a comma at its top level stays as
 * it is, except a sequence {X..Y}, which is not modelled.  0: nothing to
 * expand; 1: the words are in @alts; -1: a sequence or unbalanced quoting.
 */
static int brace_split(const char *w, GPtrArray *alts)
{
	for (const char *s = w; *s;) {
		const char *e, *start;
		GPtrArray *commas;
		int depth = 0;

		if (*s == '\\' || *s == '\'' || *s == '"' || (*s == '$' && (s[1] == '(' || s[1] == '{'))) {
			if (!(s = skip_quoted(s)))
				return -1;
			continue;
		}
		if (*s != '{') {
			s++;
			continue;
		}
		start = s;
		commas = g_ptr_array_new();
		for (e = s + 1; *e; ) {
			if (*e == '\\' || *e == '\'' || *e == '"' || (*e == '$' && (e[1] == '(' || e[1] == '{'))) {
				if (!(e = skip_quoted(e)))
					break;
				continue;
			}
			if (*e == '{')
				depth++;
			else if (*e == '}' && !depth--)
				break;
			else if (*e == ',' && !depth)
				g_ptr_array_add(commas, (gpointer)e);
			e++;
		}
		if (!e || *e != '}') {		/* no closing brace: literal */
			g_ptr_array_free(commas, TRUE);
			return e ? 0 : -1;
		}
		if (!commas->len) {
			bool seq = g_strstr_len(start, e - start, "..") != NULL;

			g_ptr_array_free(commas, TRUE);
			if (seq)
				return -1;
			s = e + 1;
			continue;
		}
		g_ptr_array_add(commas, (gpointer)e);
		for (guint k = 0; k < commas->len; k++) {
			const char *a = k ? (const char *)g_ptr_array_index(commas, k - 1) + 1 : start + 1;
			const char *b = g_ptr_array_index(commas, k);

			g_ptr_array_add(alts, g_strdup_printf("%.*s%.*s%s", (int)(start - w), w,
							      (int)(b - a), a, e + 1));
		}
		g_ptr_array_free(commas, TRUE);
		return 1;
	}
	return 0;
}

/* Expand @w into fields appended to @out (split) or one string. */
static int expand_word(struct sh_state *st, const char *w, GPtrArray *out, bool split)
{
	struct fields f = { out, g_string_new(NULL), false, split, false, st };
	int ret;

	if (split && strchr(w, '{')) {
		GPtrArray *alts = g_ptr_array_new_with_free_func(g_free);
		int b = brace_split(w, alts);

		ret = 0;
		if (b < 0)
			ret = sh_unsupported(st, "this brace expansion ({X..Y}, or unbalanced quoting)");
		for (guint k = 0; b > 0 && k < alts->len && !ret; k++)
			ret = expand_word(st, g_ptr_array_index(alts, k), out, split);
		g_ptr_array_free(alts, TRUE);
		if (b) {
			g_string_free(f.cur, TRUE);
			return ret;
		}
	}
	ret = expand_text(st, w, &f, false);

	if (split)
		field_end(&f);
	else
		g_ptr_array_add(out, g_strdup(f.cur->str));
	g_string_free(f.cur, TRUE);
	return ret;
}

static char *expand_one(struct sh_state *st, const char *w)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	char *s = NULL;

	if (!expand_word(st, w, a, false))
		s = g_strdup(g_ptr_array_index(a, 0));
	g_ptr_array_free(a, TRUE);
	return s;
}

/*
 * The body of an unquoted here-document: $NAME, ${...}, $( ), $(( )) and
 * `...` expand; a backslash quotes only $ ` and \ (a backslash-newline was
 * joined when the body was read); quotes are plain characters.
 */
static int expand_here(struct sh_state *st, const char *s, GString *out)
{
	struct fields f = { g_ptr_array_new_with_free_func(g_free), out, false, false, false, NULL };
	int ret = 0;

	while (*s && !ret) {
		if (*s == '\\' && s[1] && strchr("$`\\", s[1])) {
			g_string_append_c(out, s[1]);
			s += 2;
		} else if (*s == '$' && s[1] != '\'' && s[1] != '"') {
			ret = expand_dollar(st, &s, &f, true);
		} else if (*s == '`') {
			const char *e = strchr(s + 1, '`');
			gchar *text;

			if (!e) {
				ret = sh_unsupported(st, "unbalanced `");
				break;
			}
			text = g_strndup(s + 1, (gsize)(e - s - 1));
			ret = cmd_subst(st, text, &f, true);
			g_free(text);
			s = e + 1;
		} else {
			g_string_append_c(out, *s++);
		}
	}
	g_ptr_array_free(f.out, TRUE);
	return ret;
}

/* Redirects ----------------------------------------------------------------- */

static GString *shell_file(struct sh_state *st, const char *path, bool append)
{
	GString *g = g_tree_lookup(st->files, path);

	if (!g) {
		g = g_string_new(NULL);
		g_tree_insert(st->files, g_strdup(path), g);
	} else if (!append) {
		g_string_truncate(g, 0);
	}
	return g;
}

/* A command's stdin becomes @b (a here-document's body, a `< FILE`), which *@inbuf then owns. */
static void set_input(struct sh_io *io, struct sh_input *input, GByteArray **inbuf, GByteArray *b)
{
	if (*inbuf)
		g_byte_array_free(*inbuf, TRUE);
	*inbuf = b;
	input->data = (const char *)b->data;
	input->len = b->len;
	input->pos = 0;
	io->in = input;
}

static int apply_redirs(struct sh_state *st, GPtrArray *redirs, struct sh_io *io, GByteArray **inbuf,
			struct sh_input *input)
{
	for (guint i = 0; redirs && i < redirs->len; i++) {
		struct sh_redir *r = g_ptr_array_index(redirs, i);
		char *target;
		GString *dest;

		if (r->kind == R_HERE) {
			GByteArray *b;
			GString *body;

			if (r->fd != 0)
				return sh_unsupported(st, "a here-document on this file descriptor");
			body = g_string_new(NULL);
			if (r->here_quoted)
				g_string_append(body, r->target.text);
			else if (expand_here(st, r->target.text, body)) {
				g_string_free(body, TRUE);
				return -1;
			}
			b = g_byte_array_new();
			g_byte_array_append(b, (const guint8 *)body->str, (guint)body->len);
			g_string_free(body, TRUE);
			set_input(io, input, inbuf, b);
			continue;
		}
		target = expand_one(st, r->target.text);
		if (!target)
			return -1;
		if (r->kind == R_DUP) {
			if (!strcmp(target, "1") && r->fd == 2)
				io->fd2 = io->fd1;
			else if (!strcmp(target, "2") && r->fd == 1)
				io->fd1 = io->fd2;
			else if (strcmp(target, "1") || r->fd != 1) {
				g_free(target);
				return sh_unsupported(st, "this redirection");
			}
			g_free(target);
			continue;
		}
		if (r->kind == R_IN) {
			GByteArray *b = g_byte_array_new();

			if (fst_read_file(st, target, b)) {
				sh_err(io, "%s: line %d: %s: No such file or directory\n", st->file,
				       st->cmd_line, target);
				g_byte_array_free(b, TRUE);
				g_free(target);
				st->status = 1;
				return 1;
			}
			set_input(io, input, inbuf, b);
			g_free(target);
			continue;
		}
		if (r->fd > 2 || r->fd == 0) {
			g_free(target);
			return sh_unsupported(st, "redirection of this file descriptor");
		}
		dest = !strcmp(target, "/dev/null") ? NULL : shell_file(st, target, r->kind == R_APPEND);
		if (r->fd == 1 || r->fd == -2)
			io->fd1 = dest;
		if (r->fd == 2 || r->fd == -2)
			io->fd2 = dest;
		g_free(target);
	}
	return 0;
}

/* Commands -------------------------------------------------------------------- */

static bool is_assignment(const char *w)
{
	const char *eq = strchr(w, '=');

	if (!eq || eq == w || !(isalpha((unsigned char)*w) || *w == '_'))
		return false;
	for (const char *p = w; p < eq; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	return true;
}

static void frame_free(struct sh_state *st, struct sh_frame *f)
{
	/* restore the locals, last first */
	for (guint i = f->saved->len; i >= 2; i -= 2) {
		const char *name = g_ptr_array_index(f->saved, i - 2);
		const char *old = g_ptr_array_index(f->saved, i - 1);

		if (old)
			sh_setvar(st, name, old);
		else
			g_hash_table_remove(st->vars, name);
	}
	g_ptr_array_free(f->saved, TRUE);
	g_ptr_array_free(f->args, TRUE);
	g_free(f);
}

/* `local NAME[=VALUE]...` */
static int do_local(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	struct sh_frame *f = frame(st);

	if (!f) {
		sh_err(io, "%s: line %d: local: can only be used in a function\n", st->file, st->cmd_line);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		gchar *name = eq ? g_strndup(argv[i], (gsize)(eq - argv[i])) : g_strdup(argv[i]);
		const char *old = g_hash_table_lookup(st->vars, name);

		if (argv[i][0] == '-') {
			g_free(name);
			return sh_unsupported(st, "local with options");
		}
		g_ptr_array_add(f->saved, g_strdup(name));
		g_ptr_array_add(f->saved, old ? g_strdup(old) : NULL);
		sh_setvar(st, name, eq ? eq + 1 : "");
		g_free(name);
	}
	return 0;
}

static int call_function(struct sh_state *st, struct sh_node *body, int argc, char **argv,
			 struct sh_io *io)
{
	struct sh_frame *f = g_new0(struct sh_frame, 1);
	int ret;

	if (st->frames->len > 100)
		return sh_abort(st, "%s: maximum function nesting level exceeded (100)", argv[0]);
	f->args = g_ptr_array_new_with_free_func(g_free);
	f->saved = g_ptr_array_new_with_free_func(g_free);
	for (int i = 1; i < argc; i++)
		g_ptr_array_add(f->args, g_strdup(argv[i]));
	g_ptr_array_add(st->frames, f);
	ret = sh_exec(st, body, io);
	g_ptr_array_remove_index(st->frames, st->frames->len - 1);
	frame_free(st, f);
	if (st->stop == STOP_RETURN) {
		st->stop = STOP_NONE;
		ret = st->status;
	} else if (!ret) {
		ret = st->status;	/* the status of the body's last command */
	}
	return ret;
}

static int run_argv(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	struct sh_node *fn = g_hash_table_lookup(st->funcs, argv[0]);
	sh_cmd_fn cmd;
	const char *here = sh_getvar(st, "here");

	if (fn)
		return call_function(st, fn, argc, argv, io);
	if (!strcmp(argv[0], "local"))
		return do_local(st, argc, argv, io);
	if ((cmd = sh_builtin_lookup(argv[0])) || (cmd = fst_helper_lookup(argv[0])))
		return cmd(st, argc, argv, io);
	/* $here/src/PROG */
	if (here && !strncmp(argv[0], here, strlen(here)) &&
	    !strncmp(argv[0] + strlen(here), "/src/", 5) &&
	    (cmd = fst_src_lookup(argv[0] + strlen(here) + 5)))
		return cmd(st, argc, argv, io);
	return sh_unsupported(st, NULL);
}

static int exec_simple(struct sh_state *st, struct sh_node *n, struct sh_io *io)
{
	GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *assigns = g_ptr_array_new_with_free_func(g_free);
	struct sh_io rio = *io;
	GByteArray *inbuf = NULL;
	struct sh_input input = { 0 };
	int ret = 0;
	guint i = 0;

	st->cmd_line = n->line;
	st->cmd_col = n->col;
	st->line = n->line;
	st->err_now = io->fd2;
	st->subst_ran = false;
	/* NAME=VALUE words before the command */
	for (; i < n->words->len; i++) {
		struct sh_word *w = g_ptr_array_index(n->words, i);
		char *eq, *val;

		if (!is_assignment(w->text))
			break;
		eq = strchr(w->text, '=');
		val = expand_one(st, eq + 1);
		if (!val) {
			ret = -1;
			goto out;
		}
		g_ptr_array_add(assigns, g_strdup_printf("%.*s=%s", (int)(eq - w->text), w->text, val));
		g_free(val);
	}
	for (; i < n->words->len; i++) {
		struct sh_word *w = g_ptr_array_index(n->words, i);
		const char *cmd = argv->len ? g_ptr_array_index(argv, 0) : NULL;

		st->cmd_line = w->line;
		/*
		 * The declaration builtins take NAME=VALUE words as assignments:
		 * the value is not split into fields (`local opt=$1` keeps
		 * "-o dax=always" whole), as bash does.
		 */
		if (cmd && argv->len > 0 && is_assignment(w->text) &&
		    (!strcmp(cmd, "local") || !strcmp(cmd, "export") || !strcmp(cmd, "declare") ||
		     !strcmp(cmd, "readonly") || !strcmp(cmd, "typeset"))) {
			char *eq = strchr(w->text, '='), *val = expand_one(st, eq + 1);

			if (!val) {
				ret = -1;
				goto out;
			}
			g_ptr_array_add(argv, g_strdup_printf("%.*s=%s", (int)(eq - w->text), w->text, val));
			g_free(val);
			continue;
		}
		if (expand_word(st, w->text, argv, true)) {
			ret = -1;
			goto out;
		}
	}
	st->cmd_line = n->line;
	for (guint k = 0; k < assigns->len; k++) {
		char *a = g_ptr_array_index(assigns, k);
		char *eq = strchr(a, '=');

		*eq = 0;
		sh_setvar(st, a, eq + 1);
	}
	ret = apply_redirs(st, n->redirs, &rio, &inbuf, &input);
	if (ret) {
		ret = ret < 0 ? -1 : 0;
		goto out;
	}
	if (!argv->len) {
		/* x=$(cmd): the status of the last command substitution */
		st->status = st->subst_ran ? st->subst_status : 0;
		goto out;
	}
	g_ptr_array_add(argv, NULL);
	{
		gsize out0 = rio.fd1 ? rio.fd1->len : 0, err0 = rio.fd2 ? rio.fd2->len : 0;

		ret = run_argv(st, (int)argv->len - 1, (char **)argv->pdata, &rio);
		if (st->stop == STOP_NONE) {	/* the clocks move even without jobs */
			uint64_t text = 0;

			if (rio.fd1 && rio.fd1->len > out0)
				text += rio.fd1->len - out0;
			if (rio.fd2 && rio.fd2 != rio.fd1 && rio.fd2->len > err0)
				text += rio.fd2->len - err0;
			sh_jobs_tick(st, (int)argv->len - 1, (char **)argv->pdata, text);
			if (st->stop != STOP_NONE)
				ret = -1;	/* killed meanwhile, or the test stopped */
		}
	}
	if (ret >= 0 && st->stop == STOP_NONE) {
		st->status = ret;
		ret = 0;
	} else if (st->stop == STOP_EXIT || st->stop == STOP_RETURN || st->stop == STOP_BREAK ||
		   st->stop == STOP_CONTINUE) {
		ret = 0;
	} else {
		ret = -1;
	}
out:
	if (inbuf)
		g_byte_array_free(inbuf, TRUE);
	g_ptr_array_free(argv, TRUE);
	g_ptr_array_free(assigns, TRUE);
	return ret;
}

static bool stopped(struct sh_state *st)
{
	return st->stop != STOP_NONE;
}

static int exec_pipe(struct sh_state *st, struct sh_node *n, struct sh_io *io)
{
	GString *prev = NULL;

	for (guint i = 0; i < n->kids->len; i++) {
		struct sh_io sio = *io;
		GString *next = i + 1 < n->kids->len ? g_string_new(NULL) : NULL;
		struct sh_input pipe_in = { 0 };

		if (i) {
			pipe_in.data = prev->str;
			pipe_in.len = prev->len;
			sio.in = &pipe_in;
		}
		if (next)
			sio.fd1 = next;
		/* every stage of a pipeline is a subshell: exit ends only it, and
		 * what it assigns (`seq 1 $nr | while read nr`) stays in it */
		{
			GHashTable *saved = st->vars;

			st->vars = sh_vars_copy(saved);
			sh_exec(st, g_ptr_array_index(n->kids, i), &sio);
			g_hash_table_destroy(st->vars);
			st->vars = saved;
		}
		if (st->stop == STOP_EXIT || st->stop == STOP_RETURN) {
			st->stop = STOP_NONE;
			st->status = st->exit_status;
		} else if (st->stop == STOP_ABORT) {
			st->stop = STOP_NONE;
			st->status = 1;
		}
		if (prev)
			g_string_free(prev, TRUE);
		prev = next;
		if (stopped(st)) {
			if (prev)
				g_string_free(prev, TRUE);
			return -1;
		}
	}
	return 0;
}

static int exec_loop_body(struct sh_state *st, struct sh_node *body, struct sh_io *io, bool *leave)
{
	st->loop_depth++;
	sh_exec(st, body, io);
	st->loop_depth--;
	*leave = false;
	if (st->stop == STOP_BREAK || st->stop == STOP_CONTINUE) {
		bool brk = st->stop == STOP_BREAK;

		if (--st->break_n > 0)
			return -1;	/* an outer loop's */
		st->stop = STOP_NONE;
		*leave = brk;
		return 0;
	}
	return stopped(st) ? -1 : 0;
}

/* [[ EXPR ]] ------------------------------------------------------------------ */
struct cond {
	struct sh_state	*st;
	struct sh_io	*io;
	GPtrArray	*w;		/* struct sh_word * */
	guint		i;
	bool		bad;
	bool		failed;		/* an arithmetic error: status 1 */
};

static const char *cond_peek(struct cond *c, guint k)
{
	return c->i + k < c->w->len ? ((struct sh_word *)g_ptr_array_index(c->w, c->i + k))->text : NULL;
}

static bool cond_is(struct cond *c, guint k, const char *what)
{
	const char *t = cond_peek(c, k);

	return t && !strcmp(t, what);
}

static bool cond_or(struct cond *c);

static bool cond_unary(const char *op)
{
	static const char *const ops[] = { "-z", "-n", "-e", "-f", "-d", "-s", "-r", "-w", "-x", "-a" };

	for (size_t i = 0; i < G_N_ELEMENTS(ops); i++)
		if (!strcmp(ops[i], op))
			return true;
	return false;
}

static bool cond_binary(const char *op)
{
	static const char *const ops[] = { "==", "=", "!=", "<", ">", "=~", "-eq", "-ne", "-lt", "-le",
					   "-gt", "-ge" };

	for (size_t i = 0; op && i < G_N_ELEMENTS(ops); i++)
		if (!strcmp(ops[i], op))
			return true;
	return false;
}

static char *cond_word(struct cond *c)
{
	char *v = expand_one(c->st, cond_peek(c, 0));

	c->i++;
	if (!v)
		c->bad = true;
	return v ? v : g_strdup("");
}

static long long cond_arith(struct cond *c, const char *text)
{
	long long v = 0;

	if (arith_eval(c->st, *text ? text : "0", &v, "[[")) {
		c->bad = true;
		c->failed = true;
	}
	return v;
}

static bool cond_primary(struct cond *c)
{
	const char *t = cond_peek(c, 0);

	if (!t || c->bad) {
		c->bad = true;
		return false;
	}
	if (!strcmp(t, "(")) {
		bool v;

		c->i++;
		v = cond_or(c);
		if (!cond_is(c, 0, ")"))
			c->bad = true;
		c->i++;
		return v;
	}
	if (cond_unary(t) && (!cond_peek(c, 1) || cond_is(c, 1, "&&") || cond_is(c, 1, "||") ||
			      cond_is(c, 1, ")"))) {
		c->bad = true;	/* bash: a syntax error, "unexpected argument" */
		return false;
	}
	if (cond_unary(t) && !cond_binary(cond_peek(c, 1))) {
		char *arg, *av[4];
		int r;

		c->i++;
		arg = cond_word(c);
		av[0] = "test";
		av[1] = (char *)t;
		av[2] = arg;
		av[3] = NULL;
		/* `-a FILE` in [[ ]] is -e */
		if (!strcmp(t, "-a"))
			av[1] = "-e";
		r = sh_builtin_lookup("test")(c->st, 3, av, c->io);
		g_free(arg);
		return r == 0;
	}
	if (cond_binary(cond_peek(c, 1))) {
		const char *op = cond_peek(c, 1), *rhs_raw = cond_peek(c, 2);
		char *lhs = cond_word(c), *rhs;
		bool v = false;

		c->i++;		/* the operator */
		if (!rhs_raw) {
			c->bad = true;
			g_free(lhs);
			return false;
		}
		rhs = cond_word(c);
		if (!strcmp(op, "==") || !strcmp(op, "=") || !strcmp(op, "!=")) {
			/* an unquoted right side is a pattern */
			bool quoted = strpbrk(rhs_raw, "'\"\\") != NULL;
			bool eq = quoted ? !strcmp(lhs, rhs) : !fnmatch(rhs, lhs, 0);

			v = op[0] == '!' ? !eq : eq;
		} else if (!strcmp(op, "<")) {
			v = strcmp(lhs, rhs) < 0;
		} else if (!strcmp(op, ">")) {
			v = strcmp(lhs, rhs) > 0;
		} else if (!strcmp(op, "=~")) {
			regex_t re;

			/* bash matches a quoted part literally: not in the subset */
			if (strpbrk(rhs_raw, "'\"")) {
				c->bad = true;
			} else if (regcomp(&re, rhs, REG_EXTENDED | REG_NOSUB)) {
				c->bad = true;
			} else {
				v = !regexec(&re, lhs, 0, NULL, 0);
				regfree(&re);
			}
		} else {
			long long a = cond_arith(c, lhs), b = cond_arith(c, rhs);

			v = !strcmp(op, "-eq") ? a == b : !strcmp(op, "-ne") ? a != b :
			    !strcmp(op, "-lt") ? a < b : !strcmp(op, "-le") ? a <= b :
			    !strcmp(op, "-gt") ? a > b : a >= b;
		}
		g_free(lhs);
		g_free(rhs);
		return v;
	}
	{
		char *w = cond_word(c);
		bool v = *w != 0;

		g_free(w);
		return v;
	}
}

static bool cond_not(struct cond *c)
{
	if (cond_is(c, 0, "!")) {
		c->i++;
		return !cond_not(c);
	}
	return cond_primary(c);
}

/*
 * Skip the operand after && or || without expanding it (bash's short
 * circuit): up to the next || (or && when @and_too) outside parentheses.
 */
static void cond_skip(struct cond *c, bool and_too)
{
	guint save = c->i;
	int depth = 0;

	for (; c->i < c->w->len; c->i++) {
		const char *t = cond_peek(c, 0);

		if (!strcmp(t, "("))
			depth++;
		else if (!strcmp(t, ")") && depth-- == 0)
			break;
		else if (!depth && (!strcmp(t, "||") || (and_too && !strcmp(t, "&&"))))
			break;
	}
	if (c->i == save)
		c->bad = true;
}

static bool cond_and(struct cond *c)
{
	bool v = cond_not(c);

	while (!c->bad && cond_is(c, 0, "&&")) {
		c->i++;
		if (!v)
			cond_skip(c, true);
		else
			v = cond_not(c);
	}
	return v;
}

static bool cond_or(struct cond *c)
{
	bool v = cond_and(c);

	while (!c->bad && cond_is(c, 0, "||")) {
		c->i++;
		if (v)
			cond_skip(c, false);
		else
			v = cond_and(c);
	}
	return v;
}

static int exec_cond(struct sh_state *st, struct sh_node *n, struct sh_io *io)
{
	struct cond c = { st, io, n->words, 0, false, false };
	bool v;

	st->cmd_line = n->line;
	st->line = n->line;
	v = cond_or(&c);
	if (st->stop != STOP_NONE)
		return -1;
	if (c.failed) {
		st->status = 1;
		return 0;
	}
	if (c.bad || c.i != c.w->len)	/* -nt, -v, a form outside the subset */
		return sh_unsupported(st, "this [[ ]] form");
	st->status = v ? 0 : 1;
	return 0;
}

int sh_exec(struct sh_state *st, struct sh_node *n, struct sh_io *io)
{
	struct sh_io rio = *io;
	GByteArray *inbuf = NULL;
	struct sh_input input = { 0 };
	int ret = 0;

	if (!n || stopped(st))
		return stopped(st) ? -1 : 0;
	if (n->kind != SH_SIMPLE && n->redirs) {
		st->cmd_line = n->line;
		if (apply_redirs(st, n->redirs, &rio, &inbuf, &input)) {
			if (inbuf)
				g_byte_array_free(inbuf, TRUE);
			return stopped(st) ? -1 : 0;
		}
	}
	if (n->kind != SH_SIMPLE)
		st->err_now = rio.fd2;	/* this node's own messages: not a command's before it */
	switch (n->kind) {
	case SH_SIMPLE:
		ret = exec_simple(st, n, &rio);
		break;
	case SH_LIST:
		for (guint i = 0; i < n->kids->len && !stopped(st); i++) {
			sh_exec(st, g_ptr_array_index(n->kids, i), &rio);
			if (n->root && st->stop == STOP_ABORT) {
				/* on with the next line: bash reads and runs a script a line at a time */
				st->stop = STOP_NONE;
				st->status = 1;
				while (i + 1 < n->kids->len &&
				       ((struct sh_node *)g_ptr_array_index(n->kids, i + 1))->line == st->cmd_line)
					i++;
			}
		}
		break;
	case SH_PIPE:
		ret = exec_pipe(st, n, &rio);
		break;
	case SH_AND:
	case SH_OR:
		sh_exec(st, n->a, &rio);
		if (!stopped(st) && ((st->status == 0) == (n->kind == SH_AND)))
			sh_exec(st, n->b, &rio);
		break;
	case SH_NOT:
		sh_exec(st, n->a, &rio);
		if (!stopped(st))
			st->status = !st->status;
		break;
	case SH_BG:
		st->cmd_line = n->line;
		ret = sh_jobs_spawn(st, n->a, &rio);
		break;
	case SH_IF:
		sh_exec(st, n->a, &rio);
		if (stopped(st))
			break;
		if (!st->status)
			sh_exec(st, n->b, &rio);
		else if (n->c)
			sh_exec(st, n->c, &rio);
		else
			st->status = 0;
		break;
	case SH_WHILE:
	case SH_UNTIL: {
		bool leave = false;
		int last = 0;

		for (unsigned long iter = 0; !stopped(st); iter++) {
			if (iter > 10000000) {
				st->cmd_line = n->line;
				ret = sh_unsupported(st, "a loop of more than 10000000 iterations");
				break;
			}
			sh_exec(st, n->a, &rio);
			if (stopped(st) || ((st->status == 0) != (n->kind == SH_WHILE)))
				break;
			if (exec_loop_body(st, n->b, &rio, &leave) || leave)
				break;
			last = st->status;
		}
		if (!stopped(st))
			st->status = last;
		break;
	}
	case SH_FOR: {
		GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
		bool leave = false;

		st->cmd_line = n->line;
		if (!n->has_in) {
			struct sh_frame *f = frame(st);

			for (guint i = 0; f && i < f->args->len; i++)
				g_ptr_array_add(items, g_strdup(g_ptr_array_index(f->args, i)));
		}
		for (guint i = 0; n->has_in && i < n->words->len && !stopped(st); i++) {
			struct sh_word *w = g_ptr_array_index(n->words, i);

			expand_word(st, w->text, items, true);
		}
		st->status = 0;
		for (guint i = 0; i < items->len && !stopped(st); i++) {
			sh_setvar(st, n->name, g_ptr_array_index(items, i));
			if (exec_loop_body(st, n->b, &rio, &leave) || leave)
				break;
		}
		g_ptr_array_free(items, TRUE);
		break;
	}
	case SH_GROUP:
		sh_exec(st, n->a, &rio);
		break;
	case SH_CASE: {
		char *subject;
		bool matched = false;

		st->cmd_line = n->line;
		subject = expand_one(st, ((struct sh_word *)g_ptr_array_index(n->words, 0))->text);
		if (!subject)
			break;
		st->status = 0;
		for (guint i = 0; i < n->kids->len && !matched && !stopped(st); i++) {
			struct sh_node *item = g_ptr_array_index(n->kids, i);

			for (guint k = 0; k < item->words->len && !matched; k++) {
				char *pat = expand_one(st, ((struct sh_word *)g_ptr_array_index(item->words, k))->text);

				if (!pat)
					break;
				matched = !fnmatch(pat, subject, 0);
				g_free(pat);
			}
			if (matched)
				sh_exec(st, item->a, &rio);
		}
		g_free(subject);
		break;
	}
	case SH_CASE_ITEM:
		break;
	case SH_COND:
		ret = exec_cond(st, n, &rio);
		break;
	case SH_ARITH: {
		long long v = 0;

		st->cmd_line = n->line;
		if (!arith_eval(st, n->name, &v, "(("))
			st->status = v ? 0 : 1;
		else if (!stopped(st))
			st->status = 1;
		break;
	}
	case SH_CFOR: {
		bool leave = false;
		long long v = 0;
		const char *init = ((struct sh_word *)g_ptr_array_index(n->words, 0))->text;
		const char *test = ((struct sh_word *)g_ptr_array_index(n->words, 1))->text;
		const char *step = ((struct sh_word *)g_ptr_array_index(n->words, 2))->text;

		st->cmd_line = n->line;
		if (arith_eval(st, init, &v, "((")) {
			st->status = 1;
			break;
		}
		st->status = 0;
		for (unsigned long iter = 0; !stopped(st); iter++) {
			const char *t = test;

			while (*t == ' ' || *t == '\t')
				t++;
			if (iter > 10000000) {
				ret = sh_unsupported(st, "a loop of more than 10000000 iterations");
				break;
			}
			st->cmd_line = n->line;
			if (*t && arith_eval(st, test, &v, "((")) {
				st->status = 1;
				break;
			}
			if (*t && !v)
				break;
			if (exec_loop_body(st, n->b, &rio, &leave) || leave)
				break;
			st->cmd_line = n->line;
			if (arith_eval(st, step, &v, "((")) {
				st->status = 1;
				break;
			}
		}
		break;
	}
	case SH_SUBSHELL: {
		/* variables set inside do not leak out */
		GHashTable *saved = st->vars;

		st->vars = sh_vars_copy(saved);
		sh_exec(st, n->a, &rio);
		g_hash_table_destroy(st->vars);
		st->vars = saved;
		if (st->stop == STOP_EXIT) {
			st->stop = STOP_NONE;
			st->status = st->exit_status;
		} else if (st->stop == STOP_ABORT) {
			st->stop = STOP_NONE;
			st->status = 1;
		}
		break;
	}
	case SH_FUNC:
		g_hash_table_replace(st->funcs, g_strdup(n->name), n->a);
		st->status = 0;
		break;
	}
	if (inbuf)
		g_byte_array_free(inbuf, TRUE);
	return stopped(st) ? -1 : ret;
}

int sh_run_capture(struct sh_state *st, const char *text, int line, GString *out, GString *err)
{
	struct sh_error e = { 0 };
	struct sh_node *n;

	if (st->frames->len > 100 || st->subst_depth > 50)
		return sh_stop(st, STOP_FAIL, "%s: line %d: command substitutions nested too deep",
			       st->file, st->cmd_line);
	n = sh_parse(text, line, &e);
	struct sh_io io = { out, err ? err : st->err_now, NULL };
	int saved_line = st->cmd_line;

	if (!n) {
		if (e.unsupported)
			return sh_unsupported(st, e.msg);
		return sh_stop(st, STOP_USAGE, "%s:%d:%d: %s", st->file, st->cmd_line, e.col, e.msg);
	}
	g_ptr_array_add(st->parsed, n);
	st->subst_depth++;
	sh_exec(st, n, &io);
	st->subst_depth--;
	st->cmd_line = saved_line;
	if (st->stop == STOP_EXIT) {	/* a subshell: exit ends only it */
		st->stop = STOP_NONE;
		st->status = st->exit_status;
	}
	return stopped(st) ? -1 : 0;
}
