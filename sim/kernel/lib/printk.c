// SPDX-License-Identifier: MIT
/* The kernel log (kernel/printk): deterministic text, read by `dmesg`. */
#include <stdarg.h>

#include "sim.h"

void printk(const char *fmt, ...)
{
	va_list ap;

	if (!sim)
		return;
	va_start(ap, fmt);
	g_string_append_vprintf(sim->dmesg, fmt, ap);
	va_end(ap);
}
