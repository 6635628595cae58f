// SPDX-License-Identifier: MIT
/* The deterministic trace stream and its ring of recent events. */
#include <glib.h>
#include <stdarg.h>
#include <string.h>

#include "lock.h"
#include "trace.h"

int sim_cur_line;

static FILE *trace_out;
#define TRACE_BODY_MAX	160	/* an event's text, with its NUL */

static char ring[TRACE_RING][192];
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

void trace_event(const char *func, const char *fmt, ...)
{
	char *slot = ring[ring_head];
	int n;
	va_list ap;

	/* the prefix, then the body (at most 159 bytes of it) after it, in place */
	n = snprintf(slot, sizeof(ring[0]), "%5d %-8s %s: ", sim_cur_line,
		     lock_current ? lock_current->name : "-", func);
	if (n >= 0 && (size_t)n < sizeof(ring[0]) - 1) {
		va_start(ap, fmt);
		vsnprintf(slot + n, MIN(sizeof(ring[0]) - (size_t)n, TRACE_BODY_MAX), fmt, ap);
		va_end(ap);
	}
	ring_head = (ring_head + 1) % TRACE_RING;
	if (ring_len < TRACE_RING)
		ring_len++;
	if (trace_out)
		fprintf(trace_out, "%s\n", slot);
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
		const char *ev = ring[(start + i) % TRACE_RING];
		bool about = !keys;

		for (gchar **k = keys; k && *k && !about; k++)
			about = has_key(ev, *k);
		if (about)
			fprintf(out, "%s%s\n", prefix, ev);
	}
	g_strfreev(keys);
}
