// SPDX-License-Identifier: MIT
/*
 * Shell arithmetic, $(( EXPR )), as bash evaluates it on 64-bit integers:
 * names and $NAME read variables (empty or unset is 0), numbers are
 * decimal, 0x hex or 0 octal; operators , ?: || && | ^ & == != < <= > >=
 * << >> + - * / % ** and unary + - ! ~, with parentheses.  Results wrap like
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
	char		*err;
	size_t		errlen;
	bool		failed;
	int		depth;
};

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
		struct ar sub = *a;

		if (++a->depth > 16)
			return ar_fail(a, "expression recursion level exceeded");
		sub.s = t;
		v = expr_comma(&sub);
		a->depth--;
		if (sub.failed) {
			a->failed = true;
			return 0;
		}
		ws(&sub);
		if (*sub.s)
			return ar_fail(a, "%.40s: syntax error in expression", t);
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

		if (isalnum((unsigned char)*end) || *end == '_')
			return ar_fail(a, "%.40s: value too great for base", a->s);
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

			return number_text(a, v ? v : "");
		}
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
	if ((*a->s == '-' || *a->s == '+') && a->s[1] == *a->s)
		return ar_fail(a, "++ and -- are not supported");
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
			if (!r)
				return ar_fail(a, "division by 0 (error token is \"%.*s\")",
					       (int)MIN(40, strcspn(tok, " \t)")), tok);
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
		if (!((a->s[0] == '<' && a->s[1] == '<') || (a->s[0] == '>' && a->s[1] == '>')))
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

	for (ws(a); a->s[0] == '&' && a->s[1] != '&'; ws(a)) {
		a->s++;
		v &= eq(a);
	}
	return v;
}

static long long bitxor(struct ar *a)
{
	long long v = bitand(a);

	for (ws(a); a->s[0] == '^'; ws(a)) {
		a->s++;
		v ^= bitand(a);
	}
	return v;
}

static long long bitor(struct ar *a)
{
	long long v = bitxor(a);

	for (ws(a); a->s[0] == '|' && a->s[1] != '|'; ws(a)) {
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

		a->s += 2;
		r = bitor(a);
		v = v && r;
	}
	return v;
}

static long long lor(struct ar *a)
{
	long long v = land(a);

	for (ws(a); a->s[0] == '|' && a->s[1] == '|'; ws(a)) {
		long long r;

		a->s += 2;
		r = land(a);
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
	x = expr_comma(a);
	ws(a);
	if (*a->s != ':')
		return ar_fail(a, "':' expected for conditional expression");
	a->s++;
	y = cond(a);
	return v ? x : y;
}

static long long expr_comma(struct ar *a)
{
	long long v = cond(a);

	for (ws(a); *a->s == ','; ws(a)) {
		a->s++;
		v = cond(a);
	}
	if (!a->failed && *a->s == '=' )
		return ar_fail(a, "assignment in $(( )) is not supported");
	return v;
}

int sh_arith(struct sh_state *st, const char *expr, long long *val, char *err, size_t errlen)
{
	struct ar a = { .st = st, .s = expr, .err = err, .errlen = errlen };
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
