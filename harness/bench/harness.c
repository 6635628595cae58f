// SPDX-License-Identifier: MIT
/*
 * The one harness every figure goes through: CLOCK_MONOTONIC around the
 * timed pass only, one untimed warm-up repetition, then the median of
 * @reps repetitions, per operation.  Kernel baselines and simulated paths
 * use exactly this code.
 */
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double median_of(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), dbl_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long minflt_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

struct bench_stat bench_run(const struct bench_case *bc, void *arg, int reps)
{
	struct bench_stat st = { 0 };
	double *per = calloc((size_t)reps, sizeof(double));
	long flt = 0;

	if (!per)
		die("out of memory");
	for (int r = -1; r < reps; r++) {	/* r == -1: warm-up, not counted */
		uint64_t t0, t1, ops;
		long f0, f1;

		if (bc->setup)
			bc->setup(arg);
		f0 = minflt_now();
		t0 = bench_now_ns();
		ops = bc->pass(arg);
		t1 = bench_now_ns();
		f1 = minflt_now();
		if (bc->teardown)
			bc->teardown(arg);
		if (!ops)
			die("a benchmark pass did no work");
		if (r < 0)
			continue;
		per[r] = (double)(t1 - t0) / (double)ops;
		st.ops = ops;
		flt += f1 - f0;
	}
	st.reps = reps;
	st.minflt_per_op = (double)flt / ((double)st.ops * reps);
	st.median_ns = median_of(per, reps);	/* sorted from here on */
	st.min_ns = per[0];
	st.max_ns = per[reps - 1];
	free(per);
	return st;
}

uint64_t rss_bytes(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

uint64_t malloc_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}
