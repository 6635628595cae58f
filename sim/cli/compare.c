// SPDX-License-Identifier: MIT
/*
 * daxsim compare [--format=text|csv|json] [--plot=FILE.svg] SCENARIO...
 *
 * Runs every scenario under every sharing design and prints, per design:
 * the verdict (held, or the invariants that failed and the first failing
 * line), reads that differed from the reference model, faults, CoW copies,
 * the design's peak holdings (masters, shadows, list nodes, shared pages)
 * and the metadata bytes attributable to sharing (peak and at the end).
 * The output is deterministic, so it can be a golden file.
 *
 * --plot draws sharing metadata bytes against the number of files sharing
 * one extent (1..1024) for every design, with gnuplot.
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "share_registry.h"
#include "compare.h"
#include "interp.h"
#include "scn.h"
#include "share.h"

enum cmp_format { FMT_TEXT, FMT_CSV, FMT_JSON };

static void verdict(const struct run_result *r, char *buf, size_t n)
{
	if (r->status == 2)
		snprintf(buf, n, "usage error");
	else if (!r->status && r->violations)
		snprintf(buf, n, "held; %s as expected (line %d)", r->ids, r->first_line);
	else if (r->violations && r->first_line)
		snprintf(buf, n, "failed %s (first at line %d)", r->ids, r->first_line);
	else if (r->violations)
		snprintf(buf, n, "failed %s (at the end)", r->ids);
	else if (r->status)
		snprintf(buf, n, "expectation failed");
	else
		snprintf(buf, n, "held");
}

/* Run @s under @design, output discarded. */
static int run_one(struct scn *s, const char *design, struct run_result *r)
{
	FILE *null = fopen("/dev/null", "w");
	struct run_opts o = { .model = design, .check = CHECK_INCREMENTAL, .result = r };
	int rc;

	memset(r, 0, sizeof(*r));
	rc = scn_run(s, &o, null ? null : stdout);
	if (null)
		fclose(null);
	return rc;
}

static void print_row(enum cmp_format fmt, const char *scn, const char *design,
		      const struct run_result *r, bool first)
{
	char v[160];
	unsigned long long q[] = {
		r->d1_errors, r->stats.faults, r->stats.cow_copies, r->peak.masters,
		r->peak.shadows, r->peak.list_nodes, r->peak.shared_pages, r->peak.bytes,
		r->end.bytes,
	};

	verdict(r, v, sizeof(v));
	switch (fmt) {
	case FMT_TEXT:
		printf("%-9s %-44s %5llu %7llu %5llu %7llu %7llu %6llu %6llu %9llu %9llu\n",
		       design, v, q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8]);
		break;
	case FMT_CSV:
		printf("%s,%s,\"%s\",%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu\n",
		       scn, design, v, q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8]);
		break;
	case FMT_JSON: {
		gchar *es = g_strescape(scn, NULL), *ev = g_strescape(v, NULL);

		printf("%s    {\"scenario\": \"%s\", \"design\": \"%s\", \"verdict\": \"%s\", "
		       "\"held\": %s, \"data_errors\": %llu, \"faults\": %llu, \"cow_copies\": %llu, "
		       "\"peak_masters\": %llu, \"peak_shadows\": %llu, \"peak_list_nodes\": %llu, "
		       "\"peak_shared_pages\": %llu, \"peak_bytes\": %llu, \"end_bytes\": %llu}",
		       first ? "" : ",\n", es, design, ev, r->status == 0 ? "true" : "false",
		       q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8]);
		g_free(es);
		g_free(ev);
		break;
	}
	}
}

/* One scenario text: @n files share one 64 KiB extent, each mapped and read. */
static gchar *growth_scenario(int n)
{
	GString *g = g_string_new("pmem size=256m\nmkfs\nxfs_io -f -c \"pwrite -q 0 64k\" f0\n");

	for (int i = 1; i < n; i++)
		g_string_append_printf(g, "cp_reflink f0 f%d\n", i);
	for (int i = 0; i < n; i++)
		g_string_append_printf(g, "@t open f%d\n@t mmap -r 0 64k\n@t mread 0 64k\n", i);
	return g_string_free(g, FALSE);
}

static int plot(const char *svg)
{
	gchar *datname = g_strdup_printf("%s.dat", svg);
	/* "x": never overwrite a file daxsim did not create */
	FILE *dat = g_file_test(svg, G_FILE_TEST_EXISTS) ? NULL : fopen(datname, "wx");
	gchar *cmd;
	int rc, col = 2;

	if (!dat) {
		fprintf(stderr, "daxsim: compare: cannot create %s and %s (they must not exist yet)\n",
			svg, datname);
		g_free(datname);
		return 2;
	}
	fprintf(dat, "# files");
	for (const struct dax_share_ops *const *d = share_designs(); *d; d++)
		fprintf(dat, " %s", (*d)->name);
	fprintf(dat, "   (peak sharing metadata bytes, 64 KiB extent, every file mapped)\n");
	for (int n = 1; n <= 1024; n *= 2) {
		gchar *text = growth_scenario(n);
		struct scn *s;
		struct scn_error err = { 0 };

		if (scn_parse("<growth>", text, &s, &err)) {
			g_free(text);
			fclose(dat);
			g_free(datname);
			return 3;
		}
		fprintf(dat, "%d", n);
		for (const struct dax_share_ops *const *d = share_designs(); *d; d++) {
			struct run_result r;

			run_one(s, (*d)->name, &r);
			fprintf(dat, " %llu", (unsigned long long)r.peak.bytes);
		}
		fprintf(dat, "\n");
		scn_free(s);
		g_free(text);
	}
	fclose(dat);
	{
		GString *g = g_string_new(NULL);

		g_string_append_printf(g, "set terminal svg size 800,500; set output '%s'; "
				       "set title 'sharing metadata vs files sharing one 64 KiB extent'; "
				       "set xlabel 'files sharing the extent (all mapped)'; "
				       "set ylabel 'bytes'; set logscale x 2; set key left top; plot ", svg);
		for (const struct dax_share_ops *const *d = share_designs(); *d; d++, col++)
			g_string_append_printf(g, "%s'%s' using 1:%d with linespoints title '%s'",
					       col > 2 ? ", " : "", datname, col, (*d)->name);
		cmd = g_strdup_printf("gnuplot -e \"%s\"", g->str);
		g_string_free(g, TRUE);
	}
	rc = system(cmd);
	g_free(cmd);
	if (rc) {
		fprintf(stderr, "daxsim: compare: gnuplot failed (is gnuplot-nox installed? `make deps`); data in %s\n",
			datname);
		g_free(datname);
		return 2;
	}
	printf("plot: %s (data: %s)\n", svg, datname);
	g_free(datname);
	return 0;
}

int daxsim_compare(int argc, char **argv)
{
	gchar *format = NULL, *svg = NULL;
	GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "text (default), csv or json", "F" },
		{ "plot", 0, 0, G_OPTION_ARG_FILENAME, &svg, "draw metadata growth per design to FILE.svg", "FILE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new("SCENARIO...");
	GError *gerr = NULL;
	enum cmp_format fmt = FMT_TEXT;
	int status = 0;
	bool first = true;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
		fprintf(stderr, "daxsim: compare: %s\n", gerr->message);
		g_error_free(gerr);
		g_option_context_free(ctx);
		status = 2;
		goto out;
	}
	g_option_context_free(ctx);
	if (format && !strcmp(format, "csv"))
		fmt = FMT_CSV;
	else if (format && !strcmp(format, "json"))
		fmt = FMT_JSON;
	else if (format && strcmp(format, "text")) {
		fprintf(stderr, "daxsim: compare: --format must be text, csv or json\n");
		status = 2;
		goto out;
	}
	if (argc < 3 && !svg) {
		fprintf(stderr, "usage: daxsim compare [--format=text|csv|json] [--plot=FILE.svg] SCENARIO...\n");
		status = 2;
		goto out;
	}
	if (fmt == FMT_CSV)
		printf("scenario,design,verdict,data_errors,faults,cow_copies,peak_masters,peak_shadows,"
		       "peak_list_nodes,peak_shared_pages,peak_bytes,end_bytes\n");
	if (fmt == FMT_JSON)
		printf("[\n");
	for (int i = 2; i < argc; i++) {
		gchar *text = NULL;
		struct scn *s;
		struct scn_error err = { 0 };

		if (!g_file_get_contents(argv[i], &text, NULL, NULL)) {
			fprintf(stderr, "daxsim: cannot read scenario '%s'\n", argv[i]);
			status = 2;
			break;
		}
		if (scn_parse(argv[i], text, &s, &err)) {
			fprintf(stderr, "%s:%d:%d: %s\n", argv[i], err.line, err.col, err.msg);
			g_free(text);
			status = 2;
			break;
		}
		g_free(text);
		if (fmt == FMT_TEXT)
			printf("%s%s\n%-9s %-44s %5s %7s %5s %7s %7s %6s %6s %9s %9s\n", i > 2 ? "\n" : "",
			       argv[i], "design", "verdict", "d1err", "faults", "cow", "masters",
			       "shadows", "nodes", "shares", "peak_B", "end_B");
		for (const struct dax_share_ops *const *d = share_designs(); *d; d++) {
			struct run_result r;

			if (run_one(s, (*d)->name, &r) == 2) {
				status = 2;
				break;
			}
			print_row(fmt, argv[i], (*d)->name, &r, first);
			first = false;
		}
		scn_free(s);
		if (status)
			break;
	}
	if (fmt == FMT_JSON)
		printf("\n]\n");
	if (!status && svg)
		status = plot(svg);
out:
	g_free(format);
	g_free(svg);
	return status;
}
