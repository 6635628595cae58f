// SPDX-License-Identifier: MIT
/* The report: sim figure, its baseline, the ratio, the budget verdict. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define MAX_BUDGETS 16

/* a ratio budget (unit "x") or an absolute target (e.g. "ns") */
static struct { char what[64]; double ratio, budget; char unit[8]; } budgets[MAX_BUDGETS];
static int nbudgets;

void report_header(const char *title)
{
	printf("\n== %s\n", title);
}

void report_note(const char *fmt, ...)
{
	va_list ap;

	printf("   ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void fmt_num(char *buf, size_t len, double v)
{
	if (v >= 100 || v == 0)
		snprintf(buf, len, "%.0f", v);
	else if (v >= 10)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.2f", v);
}

void report_row(const char *what, double value, const char *unit,
		const char *base_what, double base, double budget)
{
	char a[32], b[32];
	double ratio = base > 0 ? value / base : 0;

	fmt_num(a, sizeof(a), value);
	fmt_num(b, sizeof(b), base);
	printf("   %-40s %9s %-4s vs %-38s %9s %-4s = %6.2fx", what, a, unit, base_what,
	       b, unit, ratio);
	if (budget > 0) {
		printf("  budget <= %.2fx: %s", budget, ratio <= budget ? "met" : "MISSED");
		if (nbudgets < MAX_BUDGETS) {
			snprintf(budgets[nbudgets].what, sizeof(budgets[0].what), "%s", what);
			budgets[nbudgets].ratio = ratio;
			budgets[nbudgets].budget = budget;
			snprintf(budgets[nbudgets].unit, sizeof(budgets[0].unit), "x");
			nbudgets++;
		}
	}
	printf("\n");
}

void report_value(const char *what, double v, const char *unit, const char *detail)
{
	char a[32];

	fmt_num(a, sizeof(a), v);
	printf("   %-40s %9s %-4s %s\n", what, a, unit, detail ? detail : "");
}

void report_target(const char *what, double v, const char *unit, double target,
		   const char *detail)
{
	char a[32], b[32];
	bool ok = v <= target;

	fmt_num(a, sizeof(a), v);
	fmt_num(b, sizeof(b), target);
	printf("   %-40s %9s %-4s target <= %s %s: %s%s%s\n", what, a, unit, b, unit,
	       ok ? "met" : "MISSED", detail ? "  " : "", detail ? detail : "");
	if (nbudgets < MAX_BUDGETS) {
		snprintf(budgets[nbudgets].what, sizeof(budgets[0].what), "%s", what);
		budgets[nbudgets].ratio = v;
		budgets[nbudgets].budget = target;
		snprintf(budgets[nbudgets].unit, sizeof(budgets[0].unit), "%s", unit);
		nbudgets++;
	}
}

void report_budgets_summary(void)
{
	int missed = 0;

	report_header("budgets (design.md \"Performance budgets\"; reported, never gating)");
	for (int i = 0; i < nbudgets; i++) {
		bool ok = budgets[i].ratio <= budgets[i].budget;

		missed += !ok;
		if (!strcmp(budgets[i].unit, "x"))
			printf("   %-7s %-40s %6.2fx of baseline (budget %.2fx)\n", ok ? "met" : "MISSED",
			       budgets[i].what, budgets[i].ratio, budgets[i].budget);
		else
			printf("   %-7s %-40s %6.0f %s (target <= %.0f %s)\n", ok ? "met" : "MISSED",
			       budgets[i].what, budgets[i].ratio, budgets[i].unit, budgets[i].budget,
			       budgets[i].unit);
	}
	printf("   %d of %d budgets met\n", nbudgets - missed, nbudgets);
}
