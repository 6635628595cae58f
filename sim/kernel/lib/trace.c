// SPDX-License-Identifier: MIT
/* The deterministic trace stream and its ring of recent events. */
#include <glib.h>
#include <stdarg.h>
#include <string.h>

#include "lock.h"
#include "trace.h"

int sim_cur_line;

static FILE *trace_out;
#define TRACE_BODY_MAX	160	/* an event's body, with its NUL */

#define TRACE_LINE_MAX	192	/* a formatted event, with its NUL */
#define TRACE_ARGS	8
#define TRACE_STRS	160	/* the bytes of an event's %s arguments */

/*
 * An event in the ring, kept unformatted as ftrace keeps its records: the
 * format, its arguments by value (%s ones copied) and the prefix's parts.
 * It is formatted only when the ring is printed (an invariant report), so
 * an event costs a scan of its format instead of a vsnprintf().  A format
 * the scan does not know (a '*' width, more than TRACE_ARGS conversions,
 * longer strings) is formatted at once into @text instead.
 */
struct trace_rec {
	int		line;
	const char	*func;		/* __func__: static */
	const char	*fmt;		/* a literal: static; NULL: @text holds the event */
	char		task[24];
	uint64_t	arg[TRACE_ARGS];
	char		strs[TRACE_STRS];
	char		text[TRACE_LINE_MAX];
};

static struct trace_rec ring[TRACE_RING];
static unsigned int ring_head, ring_len;

void trace_open(FILE *out)
{
	trace_out = out;
}

void trace_close(void)
{
	if (trace_out)
		fflush(trace_out);
	trace_out = NULL;
}

void trace_reset(void)
{
	ring_head = ring_len = 0;
}

/*
 * The conversion at @p (just after a '%'): its length modifier count in
 * *@longs and its conversion character, or 0 for one the scan does not take.
 */
static char conv_at(const char **p, int *longs)
{
	const char *q = *p;

	while (*q && strchr("-+ #0123456789.", *q))
		q++;
	*longs = 0;
	while (*q == 'l') {
		(*longs)++;
		q++;
	}
	*p = q + (*q != 0);
	return *q && strchr("diuxXcs", *q) && *longs <= 2 ? *q : 0;
}

/* Take @fmt's arguments into @r; false when @fmt is not one conv_at() takes. */
static bool rec_take(struct trace_rec *r, const char *fmt, va_list ap)
{
	size_t used = 0;
	int n = 0;

	for (const char *p = fmt; (p = strchr(p, '%'));) {
		int longs;
		char c;

		if (p[1] == '%') {
			p += 2;
			continue;
		}
		p++;
		c = conv_at(&p, &longs);
		if (!c || n == TRACE_ARGS)
			return false;
		if (c == 's') {
			const char *str = va_arg(ap, const char *);
			size_t len;

			if (!str)
				str = "(null)";
			len = strlen(str) + 1;
			if (used + len > sizeof(r->strs))
				return false;
			memcpy(r->strs + used, str, len);
			r->arg[n++] = used;
			used += len;
		} else if (longs == 2) {
			r->arg[n++] = va_arg(ap, unsigned long long);
		} else if (longs == 1) {
			r->arg[n++] = va_arg(ap, unsigned long);
		} else {
			r->arg[n++] = va_arg(ap, unsigned int);
		}
	}
	return true;
}

/* Format @r's body as vsnprintf() would have, into @buf of @size bytes. */
static void rec_body(const struct trace_rec *r, char *buf, size_t size)
{
	GString *b = g_string_sized_new(TRACE_LINE_MAX);
	const char *p = r->fmt;
	int n = 0;

	while (*p) {
		const char *pct = strchr(p, '%'), *spec;
		char one[32];
		int longs;
		char c;

		if (!pct) {
			g_string_append(b, p);
			break;
		}
		g_string_append_len(b, p, pct - p);
		if (pct[1] == '%') {
			g_string_append_c(b, '%');
			p = pct + 2;
			continue;
		}
		spec = pct;
		p = pct + 1;
		c = conv_at(&p, &longs);
		snprintf(one, sizeof(one), "%.*s", (int)(p - spec), spec);
		if (c == 's')
			g_string_append_printf(b, one, r->strs + r->arg[n]);
		else if (c == 'c')
			g_string_append_printf(b, one, (int)r->arg[n]);
		else if ((c == 'd' || c == 'i') && longs == 2)
			g_string_append_printf(b, one, (long long)r->arg[n]);
		else if (c == 'd' || c == 'i')
			g_string_append_printf(b, one, longs ? (long)r->arg[n] : (long)(int)r->arg[n]);
		else if (longs == 2)
			g_string_append_printf(b, one, (unsigned long long)r->arg[n]);
		else if (longs == 1)
			g_string_append_printf(b, one, (unsigned long)r->arg[n]);
		else
			g_string_append_printf(b, one, (unsigned int)r->arg[n]);
		n++;
	}
	g_strlcpy(buf, b->str, size);
	g_string_free(b, TRUE);
}

/*
 * The line of @r: the prefix, then the body (at most TRACE_BODY_MAX - 1
 * bytes of it), within TRACE_LINE_MAX.
 */
static const char *rec_line(struct trace_rec *r)
{
	int n;

	if (!r->fmt)
		return r->text;
	n = snprintf(r->text, sizeof(r->text), "%5d %-8s %s: ", r->line, r->task, r->func);
	if (n >= 0 && (size_t)n < sizeof(r->text) - 1)
		rec_body(r, r->text + n, MIN(sizeof(r->text) - (size_t)n, TRACE_BODY_MAX));
	r->fmt = NULL;
	return r->text;
}

void trace_event(const char *func, const char *fmt, ...)
{
	struct trace_rec *r = &ring[ring_head];
	va_list ap;
	bool taken;

	r->line = sim_cur_line;
	r->func = func;
	g_strlcpy(r->task, lock_current ? lock_current->name : "-", sizeof(r->task));
	va_start(ap, fmt);
	taken = strlen(r->task) < sizeof(r->task) - 1 && rec_take(r, fmt, ap);
	va_end(ap);
	if (taken) {
		r->fmt = fmt;
	} else {
		int n = snprintf(r->text, sizeof(r->text), "%5d %-8s %s: ", sim_cur_line,
				 lock_current ? lock_current->name : "-", func);

		if (n >= 0 && (size_t)n < sizeof(r->text) - 1) {
			va_start(ap, fmt);
			vsnprintf(r->text + n, MIN(sizeof(r->text) - (size_t)n, TRACE_BODY_MAX), fmt, ap);
			va_end(ap);
		}
		r->fmt = NULL;
	}
	ring_head = (ring_head + 1) % TRACE_RING;
	if (ring_len < TRACE_RING)
		ring_len++;
	if (trace_out)
		fprintf(trace_out, "%s\n", rec_line(r));
}

void trace_dump_ring(FILE *out, const char *prefix)
{
	trace_dump_ring_about(out, prefix, NULL);
}

/* @key ("ino 131", "pfn 0x100110") in @s as a whole word: "ino 13" is not in "ino 131". */
static bool has_key(const char *s, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = s; (p = strstr(p, key)); p++)
		if ((p == s || !g_ascii_isalnum(p[-1])) && !g_ascii_isxdigit(p[n]) && p[n] != 'x')
			return true;
	return false;
}

/*
 * The objects an invariant report names: its "ino N" and "pfn 0xN" words.
 * Returned as a NULL-terminated vector (g_strfreev), or NULL when it names none.
 */
static gchar **report_keys(const char *msg)
{
	GPtrArray *keys = g_ptr_array_new();
	static const char *const kinds[] = { "ino ", "pfn 0x" };

	for (guint k = 0; k < G_N_ELEMENTS(kinds); k++)
		for (const char *p = msg; (p = strstr(p, kinds[k])); p++) {
			const char *q = p + strlen(kinds[k]);
			gchar *key;

			if (p != msg && g_ascii_isalnum(p[-1]))
				continue;
			while (k ? g_ascii_isxdigit(*q) : g_ascii_isdigit(*q))
				q++;
			if (q == p + strlen(kinds[k]))
				continue;
			key = g_strndup(p, (gsize)(q - p));
			if (!g_ptr_array_find_with_equal_func(keys, key, g_str_equal, NULL))
				g_ptr_array_add(keys, key);
			else
				g_free(key);
		}
	if (!keys->len) {
		g_ptr_array_free(keys, TRUE);
		return NULL;
	}
	g_ptr_array_add(keys, NULL);
	return (gchar **)g_ptr_array_free(keys, FALSE);
}

void trace_dump_ring_about(FILE *out, const char *prefix, const char *msg)
{
	unsigned int start = (ring_head + TRACE_RING - ring_len) % TRACE_RING;
	gchar **keys = msg ? report_keys(msg) : NULL;

	for (unsigned int i = 0; i < ring_len; i++) {
		const char *ev = rec_line(&ring[(start + i) % TRACE_RING]);
		bool about = !keys;

		for (gchar **k = keys; k && *k && !about; k++)
			about = has_key(ev, *k);
		if (about)
			fprintf(out, "%s%s\n", prefix, ev);
	}
	g_strfreev(keys);
}
