// SPDX-License-Identifier: MIT
/* An internal simulator error (bug.h): the message, where, the trace ring; exit 3. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "bug.h"
#include "trace.h"

void (*sim_bug_notify)(void);

void sim_bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (sim_bug_notify) {
		void (*notify)(void) = sim_bug_notify;

		sim_bug_notify = NULL;	/* once, even if it fails itself */
		notify();
	}
	fprintf(stderr, "daxsim: internal error at %s:%d (scenario line %d): ", file, line,
		sim_cur_line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	trace_dump_ring(stderr, "  trace: ");
	exit(3);
}
