// SPDX-License-Identifier: MIT
/*
 * fuzz_bench: fuzz_ops exec/s on a fixed set of pseudo-random inputs of up
 * to MAXOPS commands (default 64), incremental checker vs a full sweep per
 * command, in one run.  Deterministic inputs (g_rand seed 1); the time is
 * wall-clock, so compare figures from one run, not across machines.
 *   fuzz_bench [N [MAXOPS]]
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_decode.h"
#include "scn.h"

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2000;
	int maxops = argc > 2 ? atoi(argv[2]) : 64;
	GRand *r = g_rand_new_with_seed(1);
	GPtrArray *inputs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	static const enum check_mode modes[] = { CHECK_INCREMENTAL, CHECK_FULL };
	static const char *const names[] = { "incremental", "full" };

	for (int i = 0; i < n; i++) {
		int ops = g_rand_int_range(r, 1, maxops + 1);
		size_t len = 1 + (size_t)ops + (size_t)ops * 4;
		guint8 *b = g_malloc(len);

		for (size_t k = 0; k < len; k++)
			b[k] = (guint8)g_rand_int(r);
		g_ptr_array_add(inputs, g_bytes_new_take(b, len));
	}
	for (size_t m = 0; m < G_N_ELEMENTS(modes); m++) {
		gint64 t0 = g_get_monotonic_time();
		int fails = 0;

		for (guint i = 0; i < inputs->len; i++) {
			gsize len;
			const guint8 *d = g_bytes_get_data(inputs->pdata[i], &len);

			fails += fuzz_ops_one(d, len, modes[m], false) != 0;
		}
		double secs = (double)(g_get_monotonic_time() - t0) / 1e6;

		printf("fuzz_ops %-11s %6d inputs (<= %d ops): %8.0f exec/s  %7.3f ms/input  (%d failed)\n",
		       names[m], n, maxops, n / secs, secs * 1e3 / n, fails);
	}
	g_ptr_array_free(inputs, TRUE);
	g_rand_free(r);
	return 0;
}
