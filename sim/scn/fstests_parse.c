// SPDX-License-Identifier: MIT
/*
 * The POSIX-shell subset fstests tests are written in, parsed into a tree:
 * lists (; newline &), && and ||, pipelines with !, simple commands with
 * assignments and redirects (> >> < N>&M &>), if/elif/else, for, while,
 * until, { } groups, ( ) subshells and NAME() { } functions.  Words stay raw
 * (quotes and $ forms) and are expanded when they run (fstests_exec.c).
 *
 * A malformed script (an unterminated quote, `fi` without `if`) is a usage
 * error at its column; a bash form outside the subset (case, here
 * documents, [[ ]], (( )), process substitution, arrays) is reported as
 * unsupported so the test is "not run", never run wrongly.
 */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>

#include "fstests.h"

struct parser {
	const char	*s;
	size_t		pos;
	int		line, col;
	struct sh_error	*err;
	bool		failed;
	int		depth;		/* nesting of lists: bounded, not the C stack */
	int		in_case;	/* inside case ... esac: ";;" ends a list */
	GPtrArray	*here;		/* struct here_pending *: bodies read at the next newline */
};

/* A here-document whose body starts after the newline that ends its command. */
struct here_pending {
	struct sh_redir	*r;
	char		*delim;		/* the delimiter word, quotes removed */
	bool		strip;		/* <<-: leading tabs go */
	int		line, col;
};

#define MAX_NESTING	200

static void *fail(struct parser *p, bool unsupported, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void *fail(struct parser *p, bool unsupported, int line, int col, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return NULL;
	p->failed = true;
	p->err->unsupported = unsupported;
	p->err->line = line;
	p->err->col = col;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return NULL;
}

static char cur(struct parser *p)
{
	return p->s[p->pos];
}

static char at(struct parser *p, size_t k)
{
	for (size_t i = 0; i < k; i++)
		if (!p->s[p->pos + i])
			return 0;
	return p->s[p->pos + k];
}

static void adv(struct parser *p)
{
	if (!p->s[p->pos])
		return;
	if (p->s[p->pos] == '\n') {
		p->line++;
		p->col = 1;
	} else {
		p->col++;
	}
	p->pos++;
}

/* Blanks, backslash-newline and comments; not newlines. */
static void skip_blank(struct parser *p)
{
	for (;;) {
		char c = cur(p);

		if (c == ' ' || c == '\t' || c == '\r') {
			adv(p);
		} else if (c == '\\' && at(p, 1) == '\n') {
			adv(p);
			adv(p);
		} else if (c == '#') {
			while (cur(p) && cur(p) != '\n')
				adv(p);
		} else {
			return;
		}
	}
}

static void read_here_bodies(struct parser *p);

static void skip_newlines(struct parser *p)
{
	for (;;) {
		skip_blank(p);
		if (cur(p) != '\n')
			return;
		adv(p);
		if (p->here && p->here->len)
			read_here_bodies(p);
	}
}

static bool is_meta(char c)
{
	return !c || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';' || c == '&' ||
	       c == '|' || c == '<' || c == '>' || c == '(' || c == ')';
}

/* Copy a balanced $( ... ) / $(( ... )) / ${ ... } / `...` region. */
static bool scan_nested(struct parser *p, GString *w, char open, char close, int line, int col)
{
	int depth = 1;

	while (depth) {
		char c = cur(p);

		if (!c) {
			fail(p, false, line, col, "unterminated '%c'", open);
			return false;
		}
		if (c == '\\' && at(p, 1)) {
			g_string_append_c(w, c);
			adv(p);
			g_string_append_c(w, cur(p));
			adv(p);
			continue;
		}
		if (c == '\'' && open != '`') {
			g_string_append_c(w, c);
			adv(p);
			while (cur(p) && cur(p) != '\'') {
				g_string_append_c(w, cur(p));
				adv(p);
			}
			if (!cur(p)) {
				fail(p, false, line, col, "unterminated quote");
				return false;
			}
		} else if (c == '"' && open != '`') {
			g_string_append_c(w, c);
			adv(p);
			while (cur(p) && cur(p) != '"') {
				if (cur(p) == '\\' && at(p, 1)) {
					g_string_append_c(w, cur(p));
					adv(p);
				}
				g_string_append_c(w, cur(p));
				adv(p);
			}
			if (!cur(p)) {
				fail(p, false, line, col, "unterminated quote");
				return false;
			}
		} else if (c == open && open != close) {
			depth++;
		} else if (c == close) {
			depth--;
		}
		g_string_append_c(w, cur(p));
		adv(p);
	}
	return true;
}

/* One word, raw; NULL at a metacharacter. */
static char *read_word(struct parser *p)
{
	GString *w = g_string_new(NULL);
	int line = p->line, col = p->col;

	for (;;) {
		char c = cur(p);

		if (is_meta(c))
			break;
		if (c == '\\') {
			if (at(p, 1) == '\n') {
				adv(p);
				adv(p);
				continue;
			}
			g_string_append_c(w, c);
			adv(p);
			if (cur(p)) {
				g_string_append_c(w, cur(p));
				adv(p);
			}
			continue;
		}
		if (c == '\'') {
			g_string_append_c(w, c);
			adv(p);
			while (cur(p) && cur(p) != '\'') {
				g_string_append_c(w, cur(p));
				adv(p);
			}
			if (!cur(p)) {
				g_string_free(w, TRUE);
				return fail(p, false, line, col, "unterminated single quote");
			}
			g_string_append_c(w, '\'');
			adv(p);
			continue;
		}
		if (c == '"') {
			g_string_append_c(w, c);
			adv(p);
			while (cur(p) && cur(p) != '"') {
				if (cur(p) == '\\' && at(p, 1)) {
					g_string_append_c(w, cur(p));
					adv(p);
					g_string_append_c(w, cur(p));
					adv(p);
				} else if (cur(p) == '$' && (at(p, 1) == '(' || at(p, 1) == '{')) {
					char open = at(p, 1);

					g_string_append_c(w, '$');
					adv(p);
					g_string_append_c(w, open);
					adv(p);
					if (!scan_nested(p, w, open, open == '(' ? ')' : '}', line, col)) {
						g_string_free(w, TRUE);
						return NULL;
					}
				} else if (cur(p) == '`') {
					g_string_append_c(w, '`');
					adv(p);
					if (!scan_nested(p, w, '`', '`', line, col)) {
						g_string_free(w, TRUE);
						return NULL;
					}
				} else {
					g_string_append_c(w, cur(p));
					adv(p);
				}
			}
			if (!cur(p)) {
				g_string_free(w, TRUE);
				return fail(p, false, line, col, "unterminated double quote");
			}
			g_string_append_c(w, '"');
			adv(p);
			continue;
		}
		if (c == '$' && (at(p, 1) == '(' || at(p, 1) == '{')) {
			char open = at(p, 1);

			g_string_append_c(w, '$');
			adv(p);
			g_string_append_c(w, open);
			adv(p);
			if (!scan_nested(p, w, open, open == '(' ? ')' : '}', line, col)) {
				g_string_free(w, TRUE);
				return NULL;
			}
			continue;
		}
		if (c == '$' && at(p, 1) == '[') {
			g_string_free(w, TRUE);
			return fail(p, true, line, col, "$[ ] arithmetic");
		}
		if (c == '`') {
			g_string_append_c(w, c);
			adv(p);
			if (!scan_nested(p, w, '`', '`', line, col)) {
				g_string_free(w, TRUE);
				return NULL;
			}
			continue;
		}
		g_string_append_c(w, c);
		adv(p);
	}
	if (!w->len) {
		g_string_free(w, TRUE);
		return NULL;
	}
	return g_string_free(w, FALSE);
}

/* Peek the next word without consuming it (for reserved words). */
static char *peek_word(struct parser *p)
{
	struct parser save = *p;
	struct sh_error e;
	char *w;

	p->err = &e;
	w = read_word(p);
	*p = save;
	return w;
}

static bool peek_is(struct parser *p, const char *word)
{
	char *w = peek_word(p);
	bool yes = w && !strcmp(w, word);

	g_free(w);
	return yes;
}

static void eat_word(struct parser *p)
{
	g_free(read_word(p));
}

static struct sh_node *node_new(enum sh_kind kind, int line, int col)
{
	struct sh_node *n = g_new0(struct sh_node, 1);

	n->kind = kind;
	n->line = line;
	n->col = col;
	return n;
}

static void word_free(gpointer data)
{
	struct sh_word *w = data;

	g_free(w->text);
	g_free(w);
}

static void redir_free(gpointer data)
{
	struct sh_redir *r = data;

	g_free(r->target.text);
	g_free(r);
}

void sh_node_free(struct sh_node *n)
{
	if (!n)
		return;
	if (n->words)
		g_ptr_array_free(n->words, TRUE);
	if (n->redirs)
		g_ptr_array_free(n->redirs, TRUE);
	if (n->kids) {
		for (guint i = 0; i < n->kids->len; i++)
			sh_node_free(g_ptr_array_index(n->kids, i));
		g_ptr_array_free(n->kids, TRUE);
	}
	sh_node_free(n->a);
	sh_node_free(n->b);
	sh_node_free(n->c);
	g_free(n->name);
	g_free(n);
}

static const char *const terminators[] = {
	"then", "else", "elif", "fi", "do", "done", "}", "esac", NULL,
};

static bool at_terminator(struct parser *p)
{
	char *w;
	bool yes = false;

	skip_blank(p);
	if (!cur(p) || cur(p) == ')')
		return true;
	w = peek_word(p);
	for (int i = 0; w && terminators[i]; i++)
		if (!strcmp(w, terminators[i]))
			yes = true;
	g_free(w);
	return yes;
}

static struct sh_node *parse_list(struct parser *p);
static char *read_dparen(struct parser *p, int line, int col);

static void add_redir(struct sh_node *n, struct sh_redir *r)
{
	if (!n->redirs)
		n->redirs = g_ptr_array_new_with_free_func(redir_free);
	g_ptr_array_add(n->redirs, r);
}

/* The delimiter of a here-document: quotes removed; *@quoted when it had any. */
static char *here_delim(const char *w, bool *quoted)
{
	GString *d = g_string_new(NULL);

	*quoted = false;
	for (; *w; w++) {
		if (*w == '\'') {
			*quoted = true;
			for (w++; *w && *w != '\''; w++)
				g_string_append_c(d, *w);
			if (!*w)
				break;
		} else if (*w == '"') {
			*quoted = true;
			for (w++; *w && *w != '"'; w++) {
				if (*w == '\\' && w[1] && strchr("$`\"\\", w[1]))
					w++;
				g_string_append_c(d, *w);
			}
			if (!*w)
				break;
		} else if (*w == '\\' && w[1]) {
			*quoted = true;
			g_string_append_c(d, *++w);
		} else {
			g_string_append_c(d, *w);
		}
	}
	return g_string_free(d, FALSE);
}

/*
 * After "<<": [-]WORD, a here-document.  Its body is read when the newline
 * that ends the command is (skip_newlines), as bash reads it.
 */
static bool parse_here(struct parser *p, struct sh_node *n, struct sh_redir *r, int fd, int line,
		       int col)
{
	struct here_pending *h;
	char *word;

	adv(p);
	if (cur(p) == '<') {
		g_free(r);
		fail(p, true, line, col, "here strings");
		return true;
	}
	h = g_new0(struct here_pending, 1);
	if (cur(p) == '-') {
		adv(p);
		h->strip = true;
	}
	skip_blank(p);
	r->fd = fd < 0 ? 0 : fd;
	r->kind = R_HERE;
	r->target.line = p->line;
	r->target.col = p->col;
	word = read_word(p);
	if (!word) {
		g_free(r);
		g_free(h);
		if (!p->failed)
			fail(p, false, line, col, "a redirection needs a target");
		return true;
	}
	h->delim = here_delim(word, &r->here_quoted);
	g_free(word);
	h->r = r;
	h->line = line;
	h->col = col;
	if (!p->here)
		p->here = g_ptr_array_new();
	g_ptr_array_add(p->here, h);
	add_redir(n, r);
	return true;
}

static void here_pending_free(struct here_pending *h)
{
	g_free(h->delim);
	g_free(h);
}

/*
 * The bodies of the here-documents of the line just ended, in their order:
 * the lines up to one that is the delimiter (after <<-'s tabs go).  In an
 * unquoted one a backslash-newline joins two lines first, so "a\" then
 * "EOF" is the line "aEOF", as bash reads it.
 */
static void read_here_bodies(struct parser *p)
{
	for (guint i = 0; i < p->here->len; i++) {
		struct here_pending *h = g_ptr_array_index(p->here, i);
		GString *body, *ln;
		bool found = false;

		if (p->failed) {	/* its node may be gone */
			here_pending_free(h);
			continue;
		}
		body = g_string_new(NULL);
		ln = g_string_new(NULL);

		while (!p->failed && cur(p)) {
			const char *text;

			g_string_truncate(ln, 0);
			for (;;) {
				size_t k = 0;

				while (cur(p) && cur(p) != '\n') {
					g_string_append_c(ln, cur(p));
					adv(p);
				}
				while (k < ln->len && ln->str[ln->len - 1 - k] == '\\')
					k++;
				if (!h->r->here_quoted && cur(p) == '\n' && k % 2) {
					g_string_truncate(ln, ln->len - 1);
					adv(p);
					continue;
				}
				if (cur(p) == '\n')
					adv(p);
				break;
			}
			text = ln->str;
			while (h->strip && *text == '\t')
				text++;
			if (!strcmp(text, h->delim)) {
				found = true;
				break;
			}
			g_string_append(body, text);
			g_string_append_c(body, '\n');
		}
		g_string_free(ln, TRUE);
		if (!found)
			fail(p, true, h->line, h->col, "here-document delimited by end-of-file");
		h->r->target.text = g_string_free(body, FALSE);
		here_pending_free(h);
	}
	g_ptr_array_set_size(p->here, 0);
}

/* Redirect at the cursor (after an optional fd digit); true if one was read. */
static bool parse_redir(struct parser *p, struct sh_node *n)
{
	int line = p->line, col = p->col, fd = -1;
	size_t k = 0;
	struct sh_redir *r;

	while (isdigit((unsigned char)at(p, k)))
		k++;
	if (k && at(p, k) != '<' && at(p, k) != '>')
		return false;
	if (!k && cur(p) != '<' && cur(p) != '>' && !(cur(p) == '&' && at(p, 1) == '>'))
		return false;
	if (k) {
		fd = 0;
		for (size_t i = 0; i < k; i++) {
			fd = fd * 10 + (cur(p) - '0');
			adv(p);
		}
	}
	r = g_new0(struct sh_redir, 1);
	if (cur(p) == '&') {		/* &>FILE: both */
		adv(p);
		adv(p);
		r->fd = -2;
		r->kind = R_OUT;
		if (cur(p) == '>') {
			adv(p);
			r->kind = R_APPEND;
		}
	} else if (cur(p) == '<') {
		adv(p);
		if (cur(p) == '<')
			return parse_here(p, n, r, fd, line, col);
		if (cur(p) == '(') {
			g_free(r);
			fail(p, true, line, col, "process substitution");
			return true;
		}
		if (cur(p) == '>') {
			g_free(r);
			fail(p, true, line, col, "read-write redirections (<>)");
			return true;
		}
		r->fd = fd < 0 ? 0 : fd;
		r->kind = R_IN;
		if (cur(p) == '&') {
			adv(p);
			r->kind = R_DUP;
		}
	} else {
		adv(p);
		r->fd = fd < 0 ? 1 : fd;
		r->kind = R_OUT;
		if (cur(p) == '>') {
			adv(p);
			r->kind = R_APPEND;
		} else if (cur(p) == '|') {
			adv(p);
		} else if (cur(p) == '&') {
			adv(p);
			r->kind = R_DUP;
		} else if (cur(p) == '(') {
			g_free(r);
			fail(p, true, line, col, "process substitution");
			return true;
		}
	}
	skip_blank(p);
	if ((cur(p) == '<' || cur(p) == '>') && at(p, 1) == '(') {
		g_free(r);
		fail(p, true, line, col, "process substitution");	/* < <(cmd) */
		return true;
	}
	r->target.line = p->line;
	r->target.col = p->col;
	r->target.text = read_word(p);
	if (!r->target.text) {
		g_free(r);
		if (!p->failed)
			fail(p, false, line, col, "a redirection needs a target");
		return true;
	}
	add_redir(n, r);
	return true;
}

static void parse_trailing_redirs(struct parser *p, struct sh_node *n)
{
	for (;;) {
		skip_blank(p);
		if (p->failed || !parse_redir(p, n))
			return;
	}
}

static bool expect_word(struct parser *p, const char *word, const char *what, int line, int col)
{
	skip_newlines(p);
	if (p->failed)
		return false;
	if (!peek_is(p, word)) {
		fail(p, false, p->line, p->col, "expected '%s' for the %s at line %d:%d", word, what,
		     line, col);
		return false;
	}
	eat_word(p);
	return true;
}

static struct sh_node *parse_if(struct parser *p, int line, int col)
{
	struct sh_node *n = node_new(SH_IF, line, col);

	n->a = parse_list(p);
	if (p->failed || !expect_word(p, "then", "if", line, col))
		goto bad;
	n->b = parse_list(p);
	if (p->failed)
		goto bad;
	skip_newlines(p);
	if (peek_is(p, "elif")) {
		int l = p->line, c = p->col;

		eat_word(p);
		n->c = parse_if(p, l, c);	/* consumes the fi */
		if (!n->c)
			goto bad;
		return n;
	}
	if (peek_is(p, "else")) {
		eat_word(p);
		n->c = parse_list(p);
		if (p->failed)
			goto bad;
	}
	if (!expect_word(p, "fi", "if", line, col))
		goto bad;
	return n;
bad:
	sh_node_free(n);
	return NULL;
}

static struct sh_node *parse_loop_body(struct parser *p, struct sh_node *n, int line, int col)
{
	if (!expect_word(p, "do", n->kind == SH_WHILE || n->kind == SH_UNTIL ? "loop" : "for", line, col))
		goto bad;
	n->b = parse_list(p);
	if (p->failed || !expect_word(p, "done", "do", line, col))
		goto bad;
	return n;
bad:
	sh_node_free(n);
	return NULL;
}

static bool valid_name(const char *w)
{
	if (!w || !(isalpha((unsigned char)*w) || *w == '_'))
		return false;
	for (; *w; w++)
		if (!isalnum((unsigned char)*w) && *w != '_')
			return false;
	return true;
}

static struct sh_node *parse_for(struct parser *p, int line, int col)
{
	struct sh_node *n = node_new(SH_FOR, line, col);

	skip_blank(p);
	if (cur(p) == '(' && at(p, 1) == '(') {
		/* for (( INIT; COND; STEP )) */
		char *text = read_dparen(p, line, col);
		gchar **parts;

		if (!text)
			goto bad;
		parts = g_strsplit(text, ";", -1);
		g_free(text);
		if (g_strv_length(parts) != 3) {
			g_strfreev(parts);
			fail(p, false, line, col, "for (( )) needs INIT; COND; STEP");
			goto bad;
		}
		n->kind = SH_CFOR;
		n->words = g_ptr_array_new_with_free_func(word_free);
		for (int i = 0; i < 3; i++) {
			struct sh_word *w = g_new0(struct sh_word, 1);

			w->text = g_strdup(parts[i]);
			w->line = line;
			w->col = col;
			g_ptr_array_add(n->words, w);
		}
		g_strfreev(parts);
		skip_blank(p);
		if (cur(p) == ';')
			adv(p);
		return parse_loop_body(p, n, line, col);
	}
	n->name = read_word(p);
	if (!valid_name(n->name)) {
		fail(p, false, line, col, "for: a variable name is needed");
		goto bad;
	}
	skip_newlines(p);
	n->words = g_ptr_array_new_with_free_func(word_free);
	if (peek_is(p, "in")) {
		eat_word(p);
		n->has_in = true;
		for (;;) {
			struct sh_word *w;

			skip_blank(p);
			if (p->failed || cur(p) == ';' || cur(p) == '\n' || !cur(p))
				break;
			w = g_new0(struct sh_word, 1);
			w->line = p->line;
			w->col = p->col;
			w->text = read_word(p);
			if (!w->text) {
				g_free(w);
				if (!p->failed)
					fail(p, false, p->line, p->col, "for: unexpected '%c'", cur(p));
				goto bad;
			}
			g_ptr_array_add(n->words, w);
		}
		if (cur(p) == ';')
			adv(p);
	} else if (cur(p) == ';') {
		adv(p);
	}
	if (p->failed)
		goto bad;
	return parse_loop_body(p, n, line, col);
bad:
	sh_node_free(n);
	return NULL;
}

static struct sh_node *parse_command(struct parser *p);

/* case WORD in [(]PAT[|PAT]...) LIST ;; ... esac */
static struct sh_node *parse_case(struct parser *p, int line, int col)
{
	struct sh_node *n = node_new(SH_CASE, line, col);
	struct sh_word *w = g_new0(struct sh_word, 1);

	n->words = g_ptr_array_new_with_free_func(word_free);
	n->kids = g_ptr_array_new();
	skip_blank(p);
	w->line = p->line;
	w->col = p->col;
	w->text = read_word(p);
	if (!w->text) {
		g_free(w);
		fail(p, false, line, col, "case: a word is needed");
		goto bad;
	}
	g_ptr_array_add(n->words, w);
	skip_newlines(p);
	if (!peek_is(p, "in")) {
		fail(p, false, p->line, p->col, "expected 'in' for the case at line %d:%d", line, col);
		goto bad;
	}
	eat_word(p);
	for (;;) {
		struct sh_node *item;

		skip_newlines(p);
		if (p->failed)
			goto bad;
		if (peek_is(p, "esac")) {
			eat_word(p);
			return n;
		}
		if (!cur(p)) {
			fail(p, false, line, col, "expected 'esac' for the case at line %d:%d", line, col);
			goto bad;
		}
		item = node_new(SH_CASE_ITEM, p->line, p->col);
		item->words = g_ptr_array_new_with_free_func(word_free);
		g_ptr_array_add(n->kids, item);
		if (cur(p) == '(')
			adv(p);
		for (;;) {
			struct sh_word *pw = g_new0(struct sh_word, 1);

			skip_blank(p);
			pw->line = p->line;
			pw->col = p->col;
			pw->text = read_word(p);
			if (!pw->text) {
				g_free(pw);
				fail(p, false, p->line, p->col, "case: a pattern is needed");
				goto bad;
			}
			g_ptr_array_add(item->words, pw);
			skip_blank(p);
			if (cur(p) == '|') {
				adv(p);
				continue;
			}
			if (cur(p) != ')') {
				fail(p, false, p->line, p->col, "case: expected ')' after the pattern");
				goto bad;
			}
			adv(p);
			break;
		}
		p->in_case++;
		item->a = parse_list(p);
		p->in_case--;
		if (p->failed)
			goto bad;
		skip_newlines(p);
		if (cur(p) == ';' && at(p, 1) == ';') {
			adv(p);
			adv(p);
			if (cur(p) == '&') {
				fail(p, true, p->line, p->col, "case fall-through ;;&");
				goto bad;
			}
		} else if (cur(p) == ';' && at(p, 1) == '&') {
			fail(p, true, p->line, p->col, "case fall-through ;&");
			goto bad;
		} else if (!peek_is(p, "esac")) {
			fail(p, false, p->line, p->col, "case: expected ';;' or 'esac'");
			goto bad;
		}
	}
bad:
	sh_node_free(n);
	return NULL;
}

/* What bash takes as a function body. */
static bool compound(const struct sh_node *n)
{
	return n->kind == SH_GROUP || n->kind == SH_SUBSHELL || n->kind == SH_IF ||
	       n->kind == SH_FOR || n->kind == SH_CFOR || n->kind == SH_WHILE ||
	       n->kind == SH_UNTIL || n->kind == SH_ARITH || n->kind == SH_CASE || n->kind == SH_COND;
}

/* At "((": the text up to the matching "))", consumed; NULL on failure. */
static char *read_dparen(struct parser *p, int line, int col)
{
	GString *t = g_string_new(NULL);
	int depth = 0;

	adv(p);
	adv(p);
	for (;;) {
		char c = cur(p);

		if (!c) {
			g_string_free(t, TRUE);
			return fail(p, false, line, col, "unterminated '(('");
		}
		if (c == ')' && !depth && at(p, 1) == ')') {
			adv(p);
			adv(p);
			return g_string_free(t, FALSE);
		}
		if (c == '(')
			depth++;
		else if (c == ')')
			depth--;
		if (c == '\\' && at(p, 1) == '\n') {
			adv(p);
			adv(p);
			continue;
		}
		g_string_append_c(t, c);
		adv(p);
	}
}

static struct sh_node *parse_simple(struct parser *p)
{
	struct sh_node *n = node_new(SH_SIMPLE, p->line, p->col);

	n->words = g_ptr_array_new_with_free_func(word_free);
	for (;;) {
		struct sh_word *w;

		skip_blank(p);
		if (p->failed)
			break;
		if (parse_redir(p, n))
			continue;
		if (is_meta(cur(p)))
			break;
		w = g_new0(struct sh_word, 1);
		w->line = p->line;
		w->col = p->col;
		w->text = read_word(p);
		if (!w->text) {
			g_free(w);
			break;
		}
		/* arrays: a=( ... ) */
		if (cur(p) == '(' && w->text[strlen(w->text) - 1] == '=') {
			word_free(w);
			fail(p, true, p->line, p->col, "arrays");
			break;
		}
		g_ptr_array_add(n->words, w);
	}
	if (p->failed) {
		sh_node_free(n);
		return NULL;
	}
	/* NAME() { ... } */
	if (n->words->len == 1 && !n->redirs && cur(p) == '(' && at(p, 1) == ')') {
		struct sh_word *w = g_ptr_array_index(n->words, 0);
		struct sh_node *f = node_new(SH_FUNC, n->line, n->col);

		adv(p);
		adv(p);
		f->name = g_strdup(w->text);
		sh_node_free(n);
		if (!valid_name(f->name) && f->name[0] != '_') {
			fail(p, false, f->line, f->col, "bad function name '%s'", f->name);
			sh_node_free(f);
			return NULL;
		}
		skip_newlines(p);
		f->a = parse_command(p);
		if (!f->a || !compound(f->a)) {
			if (!p->failed)
				fail(p, false, f->line, f->col, "a function body is a compound command ({ ... })");
			sh_node_free(f);
			return NULL;
		}
		return f;
	}
	if (!n->words->len && !n->redirs) {
		int line = p->line, col = p->col;

		sh_node_free(n);
		if (cur(p) == '(')
			return fail(p, false, line, col, "unexpected '('");
		return fail(p, false, line, col, "syntax error near '%c'", cur(p) ? cur(p) : ' ');
	}
	return n;
}

/*
 * The regular expression after =~: one word in which ( ) | < > are the
 * pattern's (balanced parentheses), up to a blank outside them, as bash reads it.
 */
static char *read_regex_word(struct parser *p)
{
	GString *w = g_string_new(NULL);
	int depth = 0;

	for (;;) {
		char c = cur(p), *part;

		if (!c || c == '\n' || ((c == ' ' || c == '\t') && !depth) || (c == ')' && !depth))
			break;
		if (strchr("()|<>&;", c)) {
			depth += c == '(' ? 1 : c == ')' ? -1 : 0;
			g_string_append_c(w, c);
			adv(p);
			continue;
		}
		if (c == ' ' || c == '\t') {	/* inside parentheses */
			g_string_append_c(w, c);
			adv(p);
			continue;
		}
		part = read_word(p);
		if (!part) {
			g_string_free(w, TRUE);
			return NULL;
		}
		g_string_append(w, part);
		g_free(part);
	}
	if (!w->len) {
		g_string_free(w, TRUE);
		return NULL;
	}
	return g_string_free(w, FALSE);
}

/*
 * [[ EXPR ]]: the words and the operators && || ! ( ) < > of EXPR, one
 * sh_word each, up to ]] (SH_COND; fstests_exec.c evaluates them).
 */
static struct sh_node *parse_cond(struct parser *p, int line, int col)
{
	struct sh_node *n = node_new(SH_COND, line, col);

	n->words = g_ptr_array_new_with_free_func(word_free);
	for (;;) {
		struct sh_word *w;

		skip_blank(p);
		if (p->failed)
			break;
		if (!cur(p) || cur(p) == '\n' || cur(p) == ';') {
			sh_node_free(n);
			return fail(p, false, line, col, "unterminated '[['");
		}
		w = g_new0(struct sh_word, 1);
		w->line = p->line;
		w->col = p->col;
		if (n->words->len &&
		    !strcmp(((struct sh_word *)g_ptr_array_index(n->words, n->words->len - 1))->text, "=~")) {
			w->text = read_regex_word(p);
			if (!w->text) {
				g_free(w);
				if (p->failed)
					break;
				sh_node_free(n);
				return fail(p, false, line, col, "=~ needs a regular expression");
			}
		} else if ((cur(p) == '&' && at(p, 1) == '&') || (cur(p) == '|' && at(p, 1) == '|')) {
			w->text = g_strndup(&p->s[p->pos], 2);
			adv(p);
			adv(p);
		} else if (cur(p) == '(' || cur(p) == ')' || cur(p) == '<' || cur(p) == '>') {
			w->text = g_strndup(&p->s[p->pos], 1);
			adv(p);
		} else if (cur(p) == '&' || cur(p) == '|') {
			g_free(w);
			sh_node_free(n);
			return fail(p, false, p->line, p->col, "syntax error in conditional expression near '%c'", cur(p));
		} else {
			w->text = read_word(p);
			if (!w->text) {
				g_free(w);
				break;
			}
			if (!strcmp(w->text, "]]")) {
				word_free(w);
				if (!n->words->len) {
					sh_node_free(n);
					return fail(p, false, line, col, "an empty [[ ]]");
				}
				return n;
			}
		}
		g_ptr_array_add(n->words, w);
	}
	sh_node_free(n);
	return NULL;
}

static struct sh_node *parse_command(struct parser *p)
{
	struct sh_node *n = NULL;
	int line, col;
	char *w;

	skip_blank(p);
	line = p->line;
	col = p->col;
	if (cur(p) == '(') {
		if (at(p, 1) == '(') {
			n = node_new(SH_ARITH, line, col);
			n->name = read_dparen(p, line, col);
			if (!n->name) {
				sh_node_free(n);
				return NULL;
			}
			parse_trailing_redirs(p, n);
			return n;
		}
		adv(p);
		n = node_new(SH_SUBSHELL, line, col);
		n->a = parse_list(p);
		skip_newlines(p);
		if (p->failed || cur(p) != ')') {
			sh_node_free(n);
			return p->failed ? NULL : fail(p, false, line, col, "unterminated '('");
		}
		adv(p);
		parse_trailing_redirs(p, n);
		return n;
	}
	w = peek_word(p);
	if (!w)
		return parse_simple(p);
	if (!strcmp(w, "if")) {
		eat_word(p);
		n = parse_if(p, line, col);
	} else if (!strcmp(w, "for")) {
		eat_word(p);
		n = parse_for(p, line, col);
	} else if (!strcmp(w, "while") || !strcmp(w, "until")) {
		eat_word(p);
		n = node_new(!strcmp(w, "while") ? SH_WHILE : SH_UNTIL, line, col);
		n->a = parse_list(p);
		n = p->failed ? (sh_node_free(n), NULL) : parse_loop_body(p, n, line, col);
	} else if (!strcmp(w, "{")) {
		eat_word(p);
		n = node_new(SH_GROUP, line, col);
		n->a = parse_list(p);
		if (p->failed || !expect_word(p, "}", "{", line, col)) {
			sh_node_free(n);
			n = NULL;
		}
	} else if (!strcmp(w, "case")) {
		eat_word(p);
		n = parse_case(p, line, col);
	} else if (!strcmp(w, "[[")) {
		eat_word(p);
		n = parse_cond(p, line, col);
		if (n)
			parse_trailing_redirs(p, n);
	} else if (!strcmp(w, "select") || !strcmp(w, "coproc")) {
		fail(p, true, line, col, "%s", w);
	} else if (!strcmp(w, "function")) {
		/* function NAME [()] BODY */
		eat_word(p);
		skip_blank(p);
		n = node_new(SH_FUNC, line, col);
		n->name = read_word(p);
		if (!n->name || (!valid_name(n->name) && n->name[0] != '_')) {
			sh_node_free(n);
			n = fail(p, false, line, col, "function: a name is needed");
		} else {
			skip_blank(p);
			if (cur(p) == '(' && at(p, 1) == ')') {
				adv(p);
				adv(p);
			}
			skip_newlines(p);
			n->a = parse_command(p);
			if (!n->a || !compound(n->a)) {
				sh_node_free(n);
				n = p->failed ? NULL : fail(p, false, line, col,
							 "a function body is a compound command ({ ... })");
			}
		}
	} else if (!strcmp(w, "then") || !strcmp(w, "else") || !strcmp(w, "elif") ||
		   !strcmp(w, "fi") || !strcmp(w, "do") || !strcmp(w, "done") ||
		   !strcmp(w, "}") || !strcmp(w, "esac") || !strcmp(w, "in")) {
		fail(p, false, line, col, "unexpected '%s'", w);
	} else {
		g_free(w);
		return parse_simple(p);
	}
	g_free(w);
	if (n && n->kind != SH_FUNC && n->kind != SH_SIMPLE)
		parse_trailing_redirs(p, n);
	if (p->failed) {
		sh_node_free(n);
		return NULL;
	}
	return n;
}

static struct sh_node *parse_pipeline(struct parser *p)
{
	struct sh_node *first, *pipe = NULL;
	bool neg = false;
	int line, col;

	skip_blank(p);
	line = p->line;
	col = p->col;
	if (cur(p) == '!' && is_meta(at(p, 1))) {
		adv(p);
		neg = true;
	}
	first = parse_command(p);
	if (!first)
		return NULL;
	for (;;) {
		struct sh_node *next;

		skip_blank(p);
		if (cur(p) != '|' || at(p, 1) == '|')
			break;
		if (at(p, 1) == '&') {
			/* |& is 2>&1 | */
			struct sh_node *last = pipe ? g_ptr_array_index(pipe->kids, pipe->kids->len - 1) : first;
			struct sh_redir *r = g_new0(struct sh_redir, 1);

			r->fd = 2;
			r->kind = R_DUP;
			r->target.text = g_strdup("1");
			r->target.line = p->line;
			r->target.col = p->col;
			if (!last->redirs)
				last->redirs = g_ptr_array_new_with_free_func(redir_free);
			g_ptr_array_add(last->redirs, r);
			adv(p);
		}
		adv(p);
		skip_newlines(p);
		next = parse_command(p);
		if (!next) {
			sh_node_free(pipe ? pipe : first);
			return p->failed ? NULL : fail(p, false, line, col, "a pipe needs a command");
		}
		if (!pipe) {
			pipe = node_new(SH_PIPE, line, col);
			pipe->kids = g_ptr_array_new();
			g_ptr_array_add(pipe->kids, first);
		}
		g_ptr_array_add(pipe->kids, next);
	}
	if (pipe)
		first = pipe;
	if (neg) {
		struct sh_node *n = node_new(SH_NOT, line, col);

		n->a = first;
		return n;
	}
	return first;
}

static struct sh_node *parse_and_or(struct parser *p)
{
	struct sh_node *left = parse_pipeline(p);

	while (left) {
		struct sh_node *n, *right;
		enum sh_kind k;

		skip_blank(p);
		if (cur(p) == '&' && at(p, 1) == '&')
			k = SH_AND;
		else if (cur(p) == '|' && at(p, 1) == '|')
			k = SH_OR;
		else
			break;
		n = node_new(k, p->line, p->col);
		adv(p);
		adv(p);
		skip_newlines(p);
		right = parse_pipeline(p);
		if (!right) {
			sh_node_free(n);
			sh_node_free(left);
			return p->failed ? NULL : fail(p, false, p->line, p->col, "'&&'/'||' need a command");
		}
		n->a = left;
		n->b = right;
		left = n;
	}
	return left;
}

static struct sh_node *parse_list(struct parser *p)
{
	struct sh_node *list;

	if (p->depth >= MAX_NESTING)
		return fail(p, false, p->line, p->col, "nested more than %d deep", MAX_NESTING);
	p->depth++;
	list = node_new(SH_LIST, p->line, p->col);
	list->kids = g_ptr_array_new();
	for (;;) {
		struct sh_node *n;

		skip_newlines(p);
		if (p->failed || at_terminator(p))
			break;
		if (p->in_case && cur(p) == ';' && at(p, 1) == ';')
			break;
		if (cur(p) == ';' || cur(p) == '&' || cur(p) == '|') {
			fail(p, false, p->line, p->col, "syntax error near '%c'", cur(p));
			break;
		}
		n = parse_and_or(p);
		if (!n)
			break;
		skip_blank(p);
		if (cur(p) == '&' && at(p, 1) != '&' && at(p, 1) != '>') {
			struct sh_node *bg = node_new(SH_BG, n->line, n->col);

			adv(p);
			bg->a = n;
			n = bg;
		} else if (cur(p) == ';') {
			if (at(p, 1) == ';') {
				if (p->in_case) {
					g_ptr_array_add(list->kids, n);
					break;
				}
				sh_node_free(n);
				fail(p, false, p->line, p->col, "syntax error near ';;'");
				break;
			}
			adv(p);
		} else if (cur(p) && cur(p) != '\n' && cur(p) != ')' && !at_terminator(p)) {
			g_ptr_array_add(list->kids, n);
			fail(p, false, p->line, p->col, "syntax error near '%c'", cur(p));
			break;
		}
		g_ptr_array_add(list->kids, n);
	}
	p->depth--;
	if (p->failed) {
		sh_node_free(list);
		return NULL;
	}
	return list;
}

struct sh_node *sh_parse(const char *text, int first_line, struct sh_error *err)
{
	struct parser p = { .s = text, .line = first_line, .col = 1, .err = err };
	struct sh_node *n = parse_list(&p);

	if (n)
		skip_newlines(&p);
	if (p.here) {
		/* a here-document on the last line, with no newline after it */
		for (guint i = 0; i < p.here->len; i++) {
			struct here_pending *h = g_ptr_array_index(p.here, i);

			if (n)
				fail(&p, true, h->line, h->col, "here-document delimited by end-of-file");
			here_pending_free(h);
		}
		g_ptr_array_free(p.here, TRUE);
		if (p.failed) {
			sh_node_free(n);
			return NULL;
		}
	}
	if (!n)
		return NULL;
	n->root = true;
	if (cur(&p)) {
		char *w = peek_word(&p);

		fail(&p, false, p.line, p.col, "unexpected '%s'", w ? w : (char[]){ cur(&p), 0 });
		g_free(w);
		sh_node_free(n);
		return NULL;
	}
	return n;
}

char *sh_source_line(const char *src, int line)
{
	const char *s = src, *e;

	for (int l = 1; l < line && s; l++) {
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	if (!s)
		return g_strdup("");
	e = strchr(s, '\n');
	return g_strstrip(g_strndup(s, e ? (gsize)(e - s) : strlen(s)));
}
