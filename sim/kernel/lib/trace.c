// SPDX-License-Identifier: MIT
/* The deterministic trace stream and its ring of recent events. */
#include <glib.h>
#include <stdarg.h>

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
	unsigned int start = (ring_head + TRACE_RING - ring_len) % TRACE_RING;

	for (unsigned int i = 0; i < ring_len; i++)
		fprintf(out, "%s%s\n", prefix, ring[(start + i) % TRACE_RING]);
}
