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
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/*
 * A CSV field (RFC 4180): the name escaped for display first (no control
 * byte or invalid UTF-8 reaches stdout), then quoted when it holds a
 * comma, a quote or a space at either end (or when @always), with each
 * quote doubled.
 */
static void csv_field(GString *g, const char *s, bool always)
{
	GString *e = g_string_new(NULL);

	scn_escape_append(e, s, strlen(s), NULL);
	if (always || strpbrk(e->str, ",\"\r\n") || (e->len && (e->str[0] == ' ' ||
							      e->str[e->len - 1] == ' '))) {
		g_string_append_c(g, '"');
		for (const char *p = e->str; *p; p++) {
			if (*p == '"')
				g_string_append_c(g, '"');
			g_string_append_c(g, *p);
		}
		g_string_append_c(g, '"');
	} else {
		g_string_append(g, e->str);
	}
	g_string_free(e, TRUE);
}

/*
 * A JSON string (RFC 8259) for any bytes: quote, backslash and every
 * control character (C0, DEL, C1) escaped as JSON escapes; valid UTF-8
 * copied; a byte that is not UTF-8 appears as the text \xNN, as in every
 * other daxsim output.
 */
static void json_string(GString *g, const char *s)
{
	const char *p = s, *end = s + strlen(s);

	g_string_append_c(g, '"');
	while (p < end) {
		unsigned char ch = (unsigned char)*p;
		gunichar u;

		if (ch == '"' || ch == '\\') {
			g_string_append_c(g, '\\');
			g_string_append_c(g, (char)ch);
			p++;
		} else if (ch < 0x20 || ch == 0x7f) {
			g_string_append_printf(g, "\\u%04x", ch);
			p++;
		} else if (ch < 0x80) {
			g_string_append_c(g, (char)ch);
			p++;
		} else if ((u = g_utf8_get_char_validated(p, (gssize)(end - p))) == (gunichar)-1 ||
			   u == (gunichar)-2) {
			g_string_append_printf(g, "\\\\x%02x", ch);
			p++;
		} else {
			if (u < 0xa0)
				g_string_append_printf(g, "\\u%04x", (unsigned)u);
			else
				g_string_append_len(g, p, g_utf8_skip[ch]);
			p += g_utf8_skip[ch];
		}
	}
	g_string_append_c(g, '"');
}

static void print_row(enum cmp_format fmt, const char *scn, const char *design,
		      const struct run_result *r, bool first)
{
	char v[160];
	unsigned long long q[] = {
		r->d1_errors, r->stats.faults, r->stats.cow_copies, r->peak.masters,
		r->peak.shadows, r->peak.list_nodes, r->peak.shared_pages, r->peak.bytes,
		r->end.bytes, r->pagecache_peak, r->pagecache_end,
	};

	verdict(r, v, sizeof(v));
	switch (fmt) {
	case FMT_TEXT:	/* the scenario is in the header, escaped */
		printf("%-9s %-44s %5llu %7llu %5llu %7llu %7llu %6llu %6llu %9llu %9llu %10llu %10llu\n",
		       design, v, q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8], q[9], q[10]);
		break;
	case FMT_CSV: {
		GString *g = g_string_new(NULL);

		csv_field(g, scn, false);
		g_string_append_c(g, ',');
		csv_field(g, design, false);
		g_string_append_c(g, ',');
		csv_field(g, v, true);
		printf("%s,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu\n",
		       g->str, q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8], q[9], q[10]);
		g_string_free(g, TRUE);
		break;
	}
	case FMT_JSON: {
		GString *es = g_string_new(NULL), *ed = g_string_new(NULL), *ev = g_string_new(NULL);

		json_string(es, scn);
		json_string(ed, design);
		json_string(ev, v);
		printf("%s    {\"scenario\": %s, \"design\": %s, \"verdict\": %s, "
		       "\"held\": %s, \"data_errors\": %llu, \"faults\": %llu, \"cow_copies\": %llu, "
		       "\"peak_masters\": %llu, \"peak_shadows\": %llu, \"peak_list_nodes\": %llu, "
		       "\"peak_shared_pages\": %llu, \"peak_bytes\": %llu, \"end_bytes\": %llu, "
		       "\"pagecache_peak_bytes\": %llu, \"pagecache_end_bytes\": %llu}",
		       first ? "" : ",\n", es->str, ed->str, ev->str, r->status == 0 ? "true" : "false",
		       q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8], q[9], q[10]);
		g_string_free(es, TRUE);
		g_string_free(ed, TRUE);
		g_string_free(ev, TRUE);
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

/*
 * --plot: no shell and no user bytes in anything gnuplot interprets.  The
 * data go into the script as a datablock, the SVG comes back on gnuplot's
 * stdout, and daxsim writes both files itself: each to a temporary file in
 * the target directory, renamed into place only when complete and never
 * over an existing file (RENAME_NOREPLACE).  Both names are checked, and
 * the temporary files created, before anything runs.
 */
struct plot_out {
	gchar	*path;		/* the user's name */
	gchar	*tmp;		/* ours, in the same directory */
	int	fd;
};

static void plot_out_drop(struct plot_out *o)
{
	if (o->fd >= 0)
		close(o->fd);
	if (o->tmp)
		unlink(o->tmp);
	g_free(o->tmp);
	g_free(o->path);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
}

/* 0, or 2 with a message: @path must not exist; its temporary file is made. */
static int plot_out_open(struct plot_out *o, const char *path)
{
	struct stat st;
	gchar *dir = g_path_get_dirname(path), *e = scn_escape(path);
	int err;

	o->fd = -1;
	o->path = g_strdup(path);
	errno = 0;
	if (!*path || lstat(path, &st) == 0 || errno != ENOENT) {
		fprintf(stderr, "daxsim: compare: cannot create %s (it must not exist yet): %s\n", e,
			!*path ? "empty name" : errno == ENOENT || !errno ? "it exists (not overwritten)" :
			g_strerror(errno));
		goto fail;
	}
	o->tmp = g_build_filename(dir, ".daxsim-plot-XXXXXX", NULL);
	o->fd = g_mkstemp_full(o->tmp, O_RDWR | O_CLOEXEC, 0644);
	if (o->fd < 0) {
		err = errno;
		g_free(o->tmp);
		o->tmp = NULL;
		fprintf(stderr, "daxsim: compare: cannot create %s: %s\n", e, g_strerror(err));
		goto fail;
	}
	g_free(dir);
	g_free(e);
	return 0;
fail:
	g_free(dir);
	g_free(e);
	plot_out_drop(o);
	return 2;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write @len bytes and rename the file into place, never over another. */
static int plot_out_publish(struct plot_out *o, const char *buf, size_t len)
{
	gchar *e = scn_escape(o->path);
	int rc = 0;

	if (write_all(o->fd, buf, len) || fsync(o->fd) || close(o->fd)) {
		o->fd = -1;
		fprintf(stderr, "daxsim: compare: cannot write %s: %s\n", e, g_strerror(errno));
		rc = 2;
		goto out;
	}
	o->fd = -1;
	if (renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->path, RENAME_NOREPLACE)) {
		int err = errno;

		/* a filesystem without RENAME_NOREPLACE: link() never replaces either */
		if ((err == EINVAL || err == ENOSYS) && !link(o->tmp, o->path))
			err = 0;
		else if (err == EINVAL || err == ENOSYS)
			err = errno;
		if (err) {
			fprintf(stderr, "daxsim: compare: cannot create %s: %s\n", e,
				err == EEXIST ? "it exists now (not overwritten)" : g_strerror(err));
			rc = 2;
			goto out;
		}
		unlink(o->tmp);
	}
	g_free(o->tmp);
	o->tmp = NULL;
out:
	g_free(e);
	return rc;
}

/* The growth table: files sharing one extent, then bytes per design. */
static int growth_data(GString *dat)
{
	g_string_append(dat, "# files");
	for (const struct dax_share_ops *const *d = share_designs(); *d; d++)
		g_string_append_printf(dat, " %s", (*d)->name);
	g_string_append(dat, "   (peak sharing metadata bytes, 64 KiB extent, every file mapped)\n");
	for (int n = 1; n <= 1024; n *= 2) {
		gchar *text = growth_scenario(n);
		struct scn *s;
		struct scn_error err = { 0 };

		if (scn_parse("<growth>", text, &s, &err)) {
			g_free(text);
			return 3;
		}
		g_string_append_printf(dat, "%d", n);
		for (const struct dax_share_ops *const *d = share_designs(); *d; d++) {
			struct run_result r;

			run_one(s, (*d)->name, &r);
			g_string_append_printf(dat, " %llu", (unsigned long long)r.peak.bytes);
		}
		g_string_append(dat, "\n");
		scn_free(s);
		g_free(text);
	}
	return 0;
}

/* gnuplot from PATH, the script in a private temporary file, the SVG on stdout. */
static int run_gnuplot(const char *dat, gchar **svg, gsize *svg_len)
{
	GString *g = g_string_new(NULL);
	GError *gerr = NULL;
	gchar *script = NULL, *abs, *err_out = NULL;
	gint fd = g_file_open_tmp("daxsim-plot-XXXXXX.gp", &script, &gerr);
	gint wait_status = 0;
	int col = 2, rc = 0;

	if (fd < 0) {
		fprintf(stderr, "daxsim: compare: cannot create the gnuplot script: %s\n", gerr->message);
		g_error_free(gerr);
		g_string_free(g, TRUE);
		return 2;
	}
	g_string_append(g, "set terminal svg size 800,500\n"
			   "set title 'sharing metadata vs files sharing one 64 KiB extent'\n"
			   "set xlabel 'files sharing the extent (all mapped)'\n"
			   "set ylabel 'bytes'\nset logscale x 2\nset key left top\n"
			   "$growth << EOD\n");
	g_string_append(g, dat);
	g_string_append(g, "EOD\nplot ");
	for (const struct dax_share_ops *const *d = share_designs(); *d; d++, col++)
		g_string_append_printf(g, "%s$growth using 1:%d with linespoints title '%s'",
				       col > 2 ? ", " : "", col, (*d)->name);
	g_string_append(g, "\n");
	if (write_all(fd, g->str, g->len) || close(fd)) {
		fprintf(stderr, "daxsim: compare: cannot write the gnuplot script: %s\n",
			g_strerror(errno));
		unlink(script);
		g_free(script);
		g_string_free(g, TRUE);
		return 2;
	}
	g_string_free(g, TRUE);
	/* an absolute name: gnuplot never reads it as '<command' */
	abs = g_canonicalize_filename(script, NULL);
	{
		gchar *argv[] = { "gnuplot", abs, NULL };

		if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, svg, &err_out,
				  &wait_status, &gerr)) {
			fprintf(stderr, "daxsim: compare: cannot run gnuplot (is gnuplot-nox installed? `make deps`): %s\n",
				gerr->message);
			g_error_free(gerr);
			rc = 2;
		} else if (!g_spawn_check_wait_status(wait_status, NULL) || !*svg ||
			   strncmp(*svg, "<?xml", 5)) {
			gchar *e = scn_escape(err_out ? err_out : "");

			fprintf(stderr, "daxsim: compare: gnuplot failed: %s\n", e);
			g_free(e);
			rc = 2;
		} else {
			*svg_len = strlen(*svg);
		}
	}
	if (rc) {
		g_free(*svg);
		*svg = NULL;
	}
	g_free(err_out);
	unlink(script);
	g_free(script);
	g_free(abs);
	return rc;
}

static int plot(struct plot_out *svg_o, struct plot_out *dat_o)
{
	GString *dat = g_string_new(NULL);
	gchar *svg = NULL, *es, *ed;
	gsize svg_len = 0;
	int rc = growth_data(dat);

	if (rc || (rc = plot_out_publish(dat_o, dat->str, dat->len))) {
		g_string_free(dat, TRUE);
		return rc;
	}
	ed = scn_escape(dat_o->path);
	rc = run_gnuplot(dat->str, &svg, &svg_len);
	g_string_free(dat, TRUE);
	if (rc) {
		fprintf(stderr, "daxsim: compare: no plot; the data are in %s\n", ed);
		g_free(ed);
		return rc;
	}
	rc = plot_out_publish(svg_o, svg, svg_len);
	g_free(svg);
	if (!rc) {
		es = scn_escape(svg_o->path);
		printf("plot: %s (data: %s)\n", es, ed);
		g_free(es);
	}
	g_free(ed);
	return rc;
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
	struct plot_out svg_o = { .fd = -1 }, dat_o = { .fd = -1 };
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
	if (svg) {
		/* every output name is checked before anything runs */
		gchar *datname = g_strdup_printf("%s.dat", svg);

		status = plot_out_open(&svg_o, svg) || plot_out_open(&dat_o, datname) ? 2 : 0;
		g_free(datname);
		if (status)
			goto out;
	}
	if (fmt == FMT_CSV)
		printf("scenario,design,verdict,data_errors,faults,cow_copies,peak_masters,peak_shadows,"
		       "peak_list_nodes,peak_shared_pages,peak_bytes,end_bytes,pagecache_peak_bytes,"
		       "pagecache_end_bytes\n");
	if (fmt == FMT_JSON)
		printf("[\n");
	for (int i = 2; i < argc; i++) {
		gchar *text = NULL, *name = scn_escape(argv[i]);
		struct scn *s;
		struct scn_error err = { 0 };
		const char *why;
		size_t len;

		/* '-' is a file name here: compare runs each scenario four times */
		text = strcmp(argv[i], "-") ? scn_read_file(argv[i], &len, &why) : NULL;
		if (!text) {
			fprintf(stderr, "daxsim: cannot read scenario '%s': %s\n", name,
				strcmp(argv[i], "-") ? why : "stdin is not supported by compare");
			g_free(name);
			status = 2;
			break;
		}
		if (scn_parse_len(argv[i], text, len, &s, &err)) {
			fprintf(stderr, "%s:%d:%d: %s\n", name, err.line, err.col, err.msg);
			g_free(text);
			g_free(name);
			status = 2;
			break;
		}
		g_free(text);
		if (fmt == FMT_TEXT)
			printf("%s%s\n%-9s %-44s %5s %7s %5s %7s %7s %6s %6s %9s %9s %10s %10s\n",
			       i > 2 ? "\n" : "", name, "design", "verdict", "d1err", "faults", "cow",
			       "masters", "shadows", "nodes", "shares", "peak_B", "end_B", "pc_peak_B",
			       "pc_end_B");
		g_free(name);
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
		status = plot(&svg_o, &dat_o);
out:
	plot_out_drop(&svg_o);
	plot_out_drop(&dat_o);
	g_free(format);
	g_free(svg);
	return status;
}
