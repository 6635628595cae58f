// SPDX-License-Identifier: MIT
/*
 * Shell arithmetic, $(( EXPR )), as bash evaluates it on 64-bit integers:
 * names and $NAME read variables (empty or unset is 0), numbers are
 * decimal, 0x hex or 0 octal; operators , = += -= *= /= %= <<= >>= &= |= ^=
 * ?: || && | ^ & == != < <= > >=
 * << >> + - * / % ** and unary + - ! ~ ++ --, with parentheses.  The
 * branch && || ?: do not take is parsed without its assignments.  Results wrap like
 * bash's (computed unsigned, so never undefined behaviour); division by
 * zero and the one overflowing division are errors.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fstests.h"

struct ar {
	struct sh_state	*st;
	const char	*s;
	const char	*start;		/* the whole expression */
	char		*err;
	size_t		errlen;
	bool		failed;
	int		depth;
	int		noeval;		/* inside a branch not taken */
};

static void set_num(struct ar *a, const char *name, long long v)
{
	char num[32];

	if (a->noeval)
		return;
	snprintf(num, sizeof(num), "%lld", v);
	sh_setvar(a->st, name, num);
}

static long long ar_fail(struct ar *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static long long ar_fail(struct ar *a, const char *fmt, ...)
{
	va_list ap;

	if (!a->failed) {
		va_start(ap, fmt);
		vsnprintf(a->err, a->errlen, fmt, ap);
		va_end(ap);
	}
	a->failed = true;
	return 0;
}

static void ws(struct ar *a)
{
	while (isspace((unsigned char)*a->s))
		a->s++;
}

static long long wrap(unsigned long long v)
{
	long long r;

	memcpy(&r, &v, sizeof(r));
	return r;
}

static long long expr_comma(struct ar *a);

static long long number_text(struct ar *a, const char *t)
{
	char *end;
	long long v;

	if (!*t)
		return 0;
	v = (long long)strtoull(t, &end, 0);
	if (*end) {
		/* a variable holding an expression: bash evaluates it */
		struct ar sub;

		if (++a->depth > 16)
			return ar_fail(a, "expression recursion level exceeded");
		sub = *a;	/* with the depth counted, so that x=y y=x ends */
		sub.s = t;
		v = expr_comma(&sub);
		a->depth--;
		if (sub.failed) {
			/* bash names the variable's expression, not the outer one (\001: named) */
			if (a->err[0] != '\001') {
				gchar *m = g_strdup_printf("\001%.40s: %s", t, a->err);

				g_strlcpy(a->err, m, a->errlen);
				g_free(m);
			}
			a->failed = true;
			return 0;
		}
		ws(&sub);
		if (*sub.s)
			return ar_fail(a, "\001%.40s: syntax error in expression (error token is \"%.40s\")",
				       t, sub.s);
	}
	return v;
}

static long long primary(struct ar *a)
{
	ws(a);
	if (*a->s == '(') {
		long long v;

		if (++a->depth > 200)
			return ar_fail(a, "expression nested too deep");
		a->s++;
		v = expr_comma(a);
		a->depth--;
		ws(a);
		if (*a->s != ')')
			return ar_fail(a, "missing ')'");
		a->s++;
		return v;
	}
	if (isdigit((unsigned char)*a->s)) {
		char *end;
		unsigned long long v = strtoull(a->s, &end, 0);

		if (isalnum((unsigned char)*end) || *end == '_') {
			size_t n = 0;

			while (isalnum((unsigned char)a->s[n]) || a->s[n] == '_')
				n++;
			return ar_fail(a, "value too great for base (error token is \"%.*s\")",
				       (int)MIN(40, n), a->s);
		}
		a->s = end;
		return wrap(v);
	}
	if (*a->s == '$' || isalpha((unsigned char)*a->s) || *a->s == '_') {
		char name[128];
		size_t n = 0;
		bool brace = false;

		if (*a->s == '$') {
			a->s++;
			if (*a->s == '{') {
				brace = true;
				a->s++;
			}
		}
		while ((isalnum((unsigned char)*a->s) || *a->s == '_') && n < sizeof(name) - 1)
			name[n++] = *a->s++;
		name[n] = 0;
		if (brace) {
			if (*a->s != '}')
				return ar_fail(a, "bad substitution");
			a->s++;
		}
		if (!n)
			return ar_fail(a, "syntax error: operand expected");
		{
			const char *v = sh_getvar(a->st, name);
			long long x = number_text(a, v ? v : "");

			ws(a);
			if (!brace && (a->s[0] == '+' || a->s[0] == '-') && a->s[1] == a->s[0]) {
				set_num(a, name, wrap((unsigned long long)x + (a->s[0] == '+' ? 1ULL : ~0ULL)));
				a->s += 2;
			}
			return x;
		}
	}
	if (!*a->s && a->start) {
		/*
		 * At the end, bash names the last token it read: the operator
		 * that wanted an operand, with what follows it ("1 + " -> "+ ").
		 */
		const char *t = a->s;

		while (t > a->start && isspace((unsigned char)t[-1]))
			t--;
		while (t > a->start && strchr("+-*/%<>=!&|^~?:,", t[-1]))
			t--;
		return ar_fail(a, "syntax error: operand expected (error token is \"%.40s\")", t);
	}
	return ar_fail(a, "syntax error: operand expected (error token is \"%.40s\")", a->s);
}

static long long unary(struct ar *a)
{
	ws(a);
	if (a->depth > 200)
		return ar_fail(a, "expression nested too deep");
	if (*a->s == '-' && a->s[1] != '-') {
		long long v;

		a->s++;
		a->depth++;
		v = unary(a);
		a->depth--;
		return wrap(0ULL - (unsigned long long)v);
	}
	if (*a->s == '+' && a->s[1] != '+') {
		a->s++;
		return unary(a);
	}
	if (*a->s == '!' && a->s[1] != '=') {
		a->s++;
		return !unary(a);
	}
	if (*a->s == '~') {
		a->s++;
		return ~unary(a);
	}
	if ((*a->s == '-' || *a->s == '+') && a->s[1] == *a->s) {
		/* ++NAME, --NAME */
		bool inc = *a->s == '+';
		char name[128];
		size_t n = 0;
		const char *v, *sign = a->s;
		long long x;

		a->s += 2;
		ws(a);
		while ((isalnum((unsigned char)*a->s) || *a->s == '_') && n < sizeof(name) - 1)
			name[n++] = *a->s++;
		name[n] = 0;
		if (!n || isdigit((unsigned char)name[0])) {
			/* not a name: two signs, as bash reads ++3 and --(1) */
			a->s = sign + 1;
			a->depth++;
			x = unary(a);
			a->depth--;
			return inc ? x : wrap(0ULL - (unsigned long long)x);
		}
		v = sh_getvar(a->st, name);
		x = wrap((unsigned long long)number_text(a, v ? v : "") + (inc ? 1ULL : ~0ULL));
		set_num(a, name, x);
		return x;
	}
	return primary(a);
}

/* ** binds tighter than * and right to left, looser than unary minus */
static long long power(struct ar *a)
{
	long long base = unary(a), e;
	unsigned long long r = 1, b;

	ws(a);
	if (a->s[0] != '*' || a->s[1] != '*')
		return base;
	a->s += 2;
	e = power(a);
	if (a->failed)
		return 0;
	if (e < 0)
		return ar_fail(a, "exponent less than 0");
	b = (unsigned long long)base;
	for (; e; e >>= 1) {
		if (e & 1)
			r *= b;
		b *= b;
	}
	return wrap(r);
}

static long long mul(struct ar *a)
{
	long long v = power(a);

	for (;;) {
		char op;
		long long r;
		const char *tok;

		ws(a);
		op = *a->s;
		if ((op != '*' && op != '/' && op != '%') || a->s[1] == '=')
			return v;
		a->s++;
		ws(a);
		tok = a->s;
		r = power(a);
		if (a->failed)
			return 0;
		if (op == '*') {
			v = wrap((unsigned long long)v * (unsigned long long)r);
		} else {
			if (!r && a->noeval)
				continue;
			if (!r)
				return ar_fail(a, "division by 0 (error token is \"%.40s\")", tok);
			if (r == -1)	/* LLONG_MIN / -1 overflows: bash wraps */
				v = op == '/' ? wrap(0ULL - (unsigned long long)v) : 0;
			else
				v = op == '/' ? v / r : v % r;
		}
	}
}

static long long add(struct ar *a)
{
	long long v = mul(a);

	for (;;) {
		char op;

		ws(a);
		op = *a->s;
		if ((op != '+' && op != '-') || a->s[1] == '=')
			return v;
		a->s++;
		if (op == '+')
			v = wrap((unsigned long long)v + (unsigned long long)mul(a));
		else
			v = wrap((unsigned long long)v - (unsigned long long)mul(a));
	}
}

static long long shift(struct ar *a)
{
	long long v = add(a);

	for (;;) {
		long long r;
		bool left;

		ws(a);
		if (!((a->s[0] == '<' && a->s[1] == '<') || (a->s[0] == '>' && a->s[1] == '>')) ||
		    a->s[2] == '=')	/* <<= >>= are assignments */
			return v;
		left = a->s[0] == '<';
		a->s += 2;
		r = add(a) & 63;
		v = left ? wrap((unsigned long long)v << r) : v >> r;
	}
}

static long long rel(struct ar *a)
{
	long long v = shift(a);

	for (;;) {
		ws(a);
		if (a->s[0] == '<' && a->s[1] == '=') {
			a->s += 2;
			v = v <= shift(a);
		} else if (a->s[0] == '>' && a->s[1] == '=') {
			a->s += 2;
			v = v >= shift(a);
		} else if (a->s[0] == '<' && a->s[1] != '<') {
			a->s++;
			v = v < shift(a);
		} else if (a->s[0] == '>' && a->s[1] != '>') {
			a->s++;
			v = v > shift(a);
		} else {
			return v;
		}
	}
}

static long long eq(struct ar *a)
{
	long long v = rel(a);

	for (;;) {
		ws(a);
		if (a->s[0] == '=' && a->s[1] == '=') {
			a->s += 2;
			v = v == rel(a);
		} else if (a->s[0] == '!' && a->s[1] == '=') {
			a->s += 2;
			v = v != rel(a);
		} else {
			return v;
		}
	}
}

static long long bitand(struct ar *a)
{
	long long v = eq(a);

	for (ws(a); a->s[0] == '&' && a->s[1] != '&' && a->s[1] != '='; ws(a)) {
		a->s++;
		v &= eq(a);
	}
	return v;
}

static long long bitxor(struct ar *a)
{
	long long v = bitand(a);

	for (ws(a); a->s[0] == '^' && a->s[1] != '='; ws(a)) {
		a->s++;
		v ^= bitand(a);
	}
	return v;
}

static long long bitor(struct ar *a)
{
	long long v = bitxor(a);

	for (ws(a); a->s[0] == '|' && a->s[1] != '|' && a->s[1] != '='; ws(a)) {
		a->s++;
		v |= bitxor(a);
	}
	return v;
}

static long long land(struct ar *a)
{
	long long v = bitor(a);

	for (ws(a); a->s[0] == '&' && a->s[1] == '&'; ws(a)) {
		long long r;
		bool skip = !v;

		a->s += 2;
		a->noeval += skip;
		r = bitor(a);
		a->noeval -= skip;
		v = v && r;
	}
	return v;
}

static long long lor(struct ar *a)
{
	long long v = land(a);

	for (ws(a); a->s[0] == '|' && a->s[1] == '|'; ws(a)) {
		long long r;
		bool skip = v != 0;

		a->s += 2;
		a->noeval += skip;
		r = land(a);
		a->noeval -= skip;
		v = v || r;
	}
	return v;
}

static long long cond(struct ar *a)
{
	long long v = lor(a), x, y;

	ws(a);
	if (*a->s != '?')
		return v;
	a->s++;
	a->noeval += !v;
	x = expr_comma(a);
	a->noeval -= !v;
	ws(a);
	if (*a->s != ':')
		return ar_fail(a, "':' expected for conditional expression");
	a->s++;
	a->noeval += v != 0;
	y = cond(a);
	a->noeval -= v != 0;
	return v ? x : y;
}

/* NAME = EXPR, NAME op= EXPR (right to left), else a conditional */
static long long assign(struct ar *a)
{
	static const char *const ops[] = { "<<=", ">>=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "=" };
	const char *save, *p, *rhs;
	char name[128];
	size_t n = 0;

	ws(a);
	save = a->s;
	while ((isalnum((unsigned char)*a->s) || *a->s == '_') && n < sizeof(name) - 1)
		name[n++] = *a->s++;
	name[n] = 0;
	p = a->s;
	while (*p == ' ' || *p == '\t')
		p++;
	if (n && !isdigit((unsigned char)name[0])) {
		for (size_t i = 0; i < G_N_ELEMENTS(ops); i++) {
			size_t l = strlen(ops[i]);
			long long r, x;
			const char *v;

			if (strncmp(p, ops[i], l) || (l == 1 && p[1] == '='))
				continue;
			a->s = p + l;
			ws(a);
			rhs = a->s;
			r = assign(a);
			if (a->failed)
				return 0;
			if (l == 1) {
				x = r;
			} else {
				v = sh_getvar(a->st, name);
				x = number_text(a, v ? v : "");
				switch (ops[i][0]) {
				case '+': x = wrap((unsigned long long)x + (unsigned long long)r); break;
				case '-': x = wrap((unsigned long long)x - (unsigned long long)r); break;
				case '*': x = wrap((unsigned long long)x * (unsigned long long)r); break;
				case '&': x &= r; break;
				case '|': x |= r; break;
				case '^': x ^= r; break;
				case '<': x = wrap((unsigned long long)x << (r & 63)); break;
				case '>': x >>= (r & 63); break;
				default:
					if (!r && !a->noeval)
						return ar_fail(a, "division by 0 (error token is \"%.40s\")", rhs);
					if (!r)
						x = 0;
					else if (r == -1)
						x = ops[i][0] == '/' ? wrap(0ULL - (unsigned long long)x) : 0;
					else
						x = ops[i][0] == '/' ? x / r : x % r;
				}
			}
			set_num(a, name, x);
			return x;
		}
	}
	a->s = save;
	return cond(a);
}

/* = += -= *= /= %= &= |= ^= <<= >>= at @s (not == <= >= !=) */
static bool assign_op(const char *s)
{
	if (s[0] == '=')
		return s[1] != '=';
	if (strchr("+-*/%&|^", s[0]) && s[0] && s[1] == '=')
		return true;
	return (s[0] == '<' || s[0] == '>') && s[1] == s[0] && s[2] == '=';
}

static long long expr_comma(struct ar *a)
{
	long long v = assign(a);

	for (ws(a); *a->s == ','; ws(a)) {
		a->s++;
		v = assign(a);
	}
	if (!a->failed && assign_op(a->s))
		return ar_fail(a, "attempted assignment to non-variable (error token is \"%.40s\")", a->s);
	return v;
}

int sh_arith(struct sh_state *st, const char *expr, long long *val, char *err, size_t errlen)
{
	struct ar a = { .st = st, .s = expr, .start = expr, .err = err, .errlen = errlen };
	long long v;

	ws(&a);
	if (!*a.s) {
		*val = 0;
		return 0;
	}
	v = expr_comma(&a);
	ws(&a);
	if (!a.failed && *a.s)
		ar_fail(&a, "syntax error in expression (error token is \"%.40s\")", a.s);
	if (a.failed)
		return -1;
	*val = v;
	return 0;
}
