// SPDX-License-Identifier: MIT
/*
 * daxsim shrink [--model M] SCENARIO: the smallest scenario that still
 * fails the same way, op-level (like Hypothesis or syzkaller's minimizer):
 * drop chunks of lines, halving the chunk down to single lines; then lower
 * every number (0, 1, 4k, half, ...); then drop option words; repeat until
 * nothing changes.  "The same way" is the failure signature: the first
 * invariant violated, a failed expectation, BUG_ON/panic (exit 3) or a crash
 * signal.  Each candidate runs in a forked child, so BUG_ON/panic and sanitizer
 * aborts cannot take the shrinker down.  The result goes to stdout.
 *
 * A scenario with background lines (`&`) runs under the scheduler, and
 * `--schedule=S` gives the failing schedule (explore's replay line).  Then
 * the schedule is shrunk first: its switches (preemptions) are dropped, the
 * last first, while the replay still fails the same way.  A candidate
 * scenario with fewer lines renumbers the decisions, so it is kept when the
 * schedule still replays to the failure or when `daxsim explore` of the
 * candidate finds it again, whose schedule is then taken
 * (shrink_schedule.c); the switches are dropped again at the end.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz_cli.h"
#include "fuzz_decode.h"
#include "exit_now.h"
#include "interp.h"
#include "scn.h"
#include "shrink_schedule.h"

#define SHRINK_CHILD_SECONDS	20

struct sline {
	char		*task;
	GPtrArray	*words;		/* char * */
	bool		bg;		/* ended in `&` */
	int		lineno;		/* in the original scenario */
};

static const char *shrink_model;
static int shrink_runs;
static bool shrink_conc;		/* run under the scheduler */
static char *shrink_sched;		/* the failing schedule, or NULL */

static void sline_free(gpointer p)
{
	struct sline *l = p;

	g_free(l->task);
	g_ptr_array_free(l->words, TRUE);
	g_free(l);
}

static struct sline *sline_dup(const struct sline *l)
{
	struct sline *n = g_new0(struct sline, 1);

	n->task = g_strdup(l->task);
	n->bg = l->bg;
	n->lineno = l->lineno;
	n->words = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < l->words->len; i++)
		g_ptr_array_add(n->words, g_strdup(l->words->pdata[i]));
	return n;
}

/*
 * The scenario text of @lines.  Under a schedule the lines keep their
 * original numbers (blank lines in between), because a schedule names a
 * simulator command's worker by its line (`k17`).
 */
static char *render_lines(GPtrArray *lines, bool keep_numbers)
{
	GString *o = g_string_new(NULL);
	int at = 1;

	for (guint i = 0; i < lines->len; i++) {
		struct sline *l = lines->pdata[i];

		for (; keep_numbers && at < l->lineno; at++)
			g_string_append_c(o, '\n');
		at++;
		if (l->task)
			g_string_append_printf(o, "@%s ", l->task);
		for (guint w = 0; w < l->words->len; w++) {
			if (w)
				g_string_append_c(o, ' ');
			fuzz_quote_word(o, l->words->pdata[w]);
		}
		if (l->bg)
			g_string_append(o, " &");
		g_string_append_c(o, '\n');
	}
	return g_string_free(o, FALSE);
}

static char *render(GPtrArray *lines)
{
	return render_lines(lines, shrink_sched != NULL);
}

/*
 * The child: run @text (under @schedule when the scheduler runs), its
 * output to @out_fd and its signature to @sig_fd.  A run the scheduler ends
 * (L-deadlock) exits inside the run: the parent reads its output then.
 */
static void child_run(const char *text, const char *schedule, int out_fd, int sig_fd)
{
	struct scn_error err = { 0 };
	struct run_result r = { 0 };
	struct run_opts opts = { .model = shrink_model, .check = CHECK_INCREMENTAL, .result = &r,
				 .no_scheduler = !shrink_conc, .schedule = schedule };
	struct scn *s;
	FILE *out = fdopen(out_fd, "w");
	char sig[128];
	int rc;

	alarm(SHRINK_CHILD_SECONDS);
	if (!out || scn_parse("shrink", text, &s, &err))
		_exit(2);
	/* the child's stderr would repeat every candidate's errors */
	if (!freopen("/dev/null", "w", stderr))
		_exit(2);
	rc = scn_run(s, &opts, out);
	fflush(out);
	if (rc == 1)
		snprintf(sig, sizeof(sig), r.first_id[0] ? "invariant %s" : "failed expectation",
			 r.first_id);
	else
		snprintf(sig, sizeof(sig), "exit %d", rc);
	if (write(sig_fd, sig, strlen(sig)) < 0)
		_exit(2);
	exit_now(0);
}

static void slurp_fd(int fd, GString *into)
{
	char buf[4096];

	for (ssize_t k; (k = read(fd, buf, sizeof(buf))) > 0;)
		g_string_append_len(into, buf, k);
	close(fd);
}

/* The failure signature of @text under @schedule ("" when it passes or is malformed). */
static char *signature_of(const char *text, const char *schedule)
{
	GString *out = g_string_new(NULL), *sig = g_string_new(NULL);
	int ofd[2], sfd[2], status = 0;
	char *ret;
	pid_t pid;

	shrink_runs++;
	if (pipe(ofd) || pipe(sfd))
		abort();
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(ofd[0]);
		close(sfd[0]);
		child_run(text, schedule, ofd[1], sfd[1]);
	}
	close(ofd[1]);
	close(sfd[1]);
	slurp_fd(ofd[0], out);		/* first: the child may fill the pipe */
	slurp_fd(sfd[0], sig);
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		ret = g_strdup_printf("signal %d", WTERMSIG(status));
	else if (sig->len)
		ret = !strcmp(sig->str, "exit 0") || !strcmp(sig->str, "exit 2") ? g_strdup("") :
		      g_strdup(sig->str);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
		ret = shrink_output_signature(out->str);	/* ended by the scheduler */
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 2)
		ret = g_strdup_printf("exit %d", WEXITSTATUS(status));
	else
		ret = g_strdup("");
	g_string_free(out, TRUE);
	g_string_free(sig, TRUE);
	return ret;
}

static char *signature(GPtrArray *lines)
{
	char *text = render(lines);
	char *sig = signature_of(text, shrink_sched);

	g_free(text);
	return sig;
}

/*
 * Does @cand fail as @want?  Under a schedule: as replayed, or else as
 * `daxsim explore` finds it, whose schedule then becomes the one kept.
 */
static bool same(GPtrArray *cand, const char *want)
{
	char *sig = signature(cand);
	bool eq = !strcmp(sig, want);

	g_free(sig);
	if (!eq && shrink_sched) {
		char *text = render(cand);
		char *found = shrink_explore(text, shrink_model, want);

		shrink_runs++;
		if (found) {
			g_free(shrink_sched);
			shrink_sched = found;
			eq = true;
		}
		g_free(text);
	}
	return eq;
}

/* Drop the schedule's switches, the last first, while @lines still fails as @want. */
static void drop_switches(GPtrArray *lines, const char *want)
{
	char *text = render(lines);
	bool changed = true;

	while (changed && shrink_sched && *shrink_sched) {
		gchar **sw = g_strsplit(shrink_sched, " ", -1);
		guint n = g_strv_length(sw);

		changed = false;
		for (guint k = n; k-- > 0 && !changed;) {
			GString *cand = g_string_new(NULL);
			char *sig;

			for (guint i = 0; i < n; i++)
				if (i != k)
					g_string_append_printf(cand, "%s%s", cand->len ? " " : "", sw[i]);
			sig = signature_of(text, cand->str);
			if (!strcmp(sig, want)) {
				g_free(shrink_sched);
				shrink_sched = g_string_free(cand, FALSE);
				changed = true;
			} else {
				g_string_free(cand, TRUE);
			}
			g_free(sig);
		}
		g_strfreev(sw);
	}
	g_free(text);
}

static GPtrArray *copy_lines(GPtrArray *lines, guint skip_from, guint skip_n)
{
	GPtrArray *c = g_ptr_array_new_with_free_func(sline_free);

	for (guint i = 0; i < lines->len; i++)
		if (i < skip_from || i >= skip_from + skip_n)
			g_ptr_array_add(c, sline_dup(lines->pdata[i]));
	return c;
}

static bool drop_lines(GPtrArray **lines, const char *want)
{
	bool changed = false;

	for (guint chunk = MAX((*lines)->len / 2, 1);; chunk /= 2) {
		for (guint i = 0; i < (*lines)->len;) {
			GPtrArray *c = copy_lines(*lines, i, chunk);

			if (c->len < (*lines)->len && same(c, want)) {
				g_ptr_array_free(*lines, TRUE);
				*lines = c;
				changed = true;
			} else {
				g_ptr_array_free(c, TRUE);
				i += chunk;
			}
		}
		if (chunk == 1)
			break;
	}
	return changed;
}

static char *fmt_num(long long v)
{
	if (v && !(v % (1LL << 20)))
		return g_strdup_printf("%lldm", v >> 20);
	if (v && !(v % 1024))
		return g_strdup_printf("%lldk", v >> 10);
	return g_strdup_printf("%lld", v);
}

static bool lower_numbers(GPtrArray *lines, const char *want)
{
	bool changed = false;

	for (guint i = 0; i < lines->len; i++) {
		struct sline *l = lines->pdata[i];

		for (guint w = 1; w < l->words->len; w++) {
			long long v, cands[7];
			const char *word = l->words->pdata[w];

			if (word[0] == '-' || cvtnum(word, &v) || v <= 0)
				continue;
			cands[0] = 0;
			cands[1] = 1;
			cands[2] = 4096;
			cands[3] = (v / 2) & ~4095LL;
			cands[4] = v / 2;
			cands[5] = v - 4096;
			cands[6] = v - 1;
			for (int k = 0; k < 7; k++) {
				char *old;

				if (cands[k] < 0 || cands[k] >= v)
					continue;
				old = l->words->pdata[w];
				l->words->pdata[w] = fmt_num(cands[k]);
				if (same(lines, want)) {
					g_free(old);
					changed = true;
					break;
				}
				g_free(l->words->pdata[w]);
				l->words->pdata[w] = old;
			}
		}
	}
	return changed;
}

static bool drop_options(GPtrArray *lines, const char *want)
{
	bool changed = false;

	for (guint i = 0; i < lines->len; i++) {
		struct sline *l = lines->pdata[i];

		for (guint w = 1; w < l->words->len;) {
			const char *word = l->words->pdata[w];
			guint n = 1;
			long long v;
			struct sline *save;

			if (word[0] != '-' || !cvtnum(word, &v)) {
				if (word[0] != '-') {
					w++;
					continue;
				}
			}
			/* "-S 0x41": the option and its argument go together */
			if (w + 1 < l->words->len && strlen(word) == 2 &&
			    !cvtnum(l->words->pdata[w + 1], &v) && w + 2 < l->words->len)
				n = 2;
			save = sline_dup(l);
			g_ptr_array_remove_range(l->words, w, n);
			if (same(lines, want)) {
				sline_free(save);
				changed = true;
				continue;
			}
			lines->pdata[i] = save;
			sline_free(l);
			l = save;
			w++;
		}
	}
	return changed;
}

/* NAME:POINT/K ...: the shape sched.c's replay parser takes (empty: the default schedule). */
static bool schedule_well_formed(const char *schedule)
{
	gchar **sw = g_strsplit(schedule, " ", -1);
	bool ok = true;

	for (gchar **w = sw; *w && ok; w++) {
		const char *colon = strchr(*w, ':'), *slash = strrchr(*w, '/');

		ok = colon && colon > *w && slash && slash > colon + 1 && slash[1] &&
		     strspn(slash + 1, "0123456789") == strlen(slash + 1);
	}
	g_strfreev(sw);
	return ok;
}

int daxsim_shrink(int argc, char **argv)
{
	struct scn_error err = { 0 };
	struct scn *s;
	GPtrArray *lines;
	gchar *text, *model = NULL, *schedule = NULL, **rest = NULL;
	char *want, *outtext;
	const char *path, *why;
	guint before;
	size_t len;
	GOptionEntry entries[] = {
		{ "model", 0, 0, G_OPTION_ARG_STRING, &model, "the sharing design", "M" },
		{ "schedule", 0, 0, G_OPTION_ARG_STRING, &schedule,
		  "the failing schedule (explore's replay line)", "S" },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, "SCENARIO" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new("SCENARIO");
	GError *gerr = NULL;
	int pargc = argc - 1, rc = 2;
	char **pargv = argv + 1;

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_help_enabled(ctx, FALSE);
	if (!g_option_context_parse(ctx, &pargc, &pargv, &gerr) || !rest || g_strv_length(rest) != 1) {
		if (gerr)
			fprintf(stderr, "daxsim shrink: %s\n", gerr->message);
		fprintf(stderr, "usage: daxsim shrink [--model M] [--schedule=S] SCENARIO\n");
		g_clear_error(&gerr);
		g_option_context_free(ctx);
		goto usage;
	}
	g_option_context_free(ctx);
	if (schedule && !schedule_well_formed(schedule)) {
		fprintf(stderr, "daxsim shrink: --schedule='%s' is not a schedule "
			"(switches NAME:POINT/K separated by spaces, as explore's replay line gives)\n", schedule);
		goto usage;
	}
	shrink_model = model;
	path = rest[0];
	/* bounded and NUL-checked like `daxsim run` */
	text = scn_read_file(path, &len, &why);
	if (!text) {
		fprintf(stderr, "daxsim: cannot read '%s': %s\n", path, why);
		goto usage;
	}
	if (scn_parse_len(path, text, len, &s, &err)) {
		fprintf(stderr, "%s:%d:%d: %s\n", path, err.line, err.col, err.msg);
		g_free(text);
		goto usage;
	}
	g_free(text);
	lines = g_ptr_array_new_with_free_func(sline_free);
	for (guint i = 0; i < s->lines->len; i++) {
		struct scn_line *ln = g_ptr_array_index(s->lines, i);
		struct sline *l = g_new0(struct sline, 1);

		l->task = g_strdup(ln->task);
		l->bg = ln->background;
		l->lineno = ln->lineno;
		shrink_conc |= ln->background || !strcmp(ln->argv[0], "pin");
		l->words = g_ptr_array_new_with_free_func(g_free);
		for (int w = 0; w < ln->argc; w++)
			g_ptr_array_add(l->words, g_strdup(ln->argv[w]));
		g_ptr_array_add(lines, l);
	}
	scn_free(s);
	if (schedule) {
		shrink_conc = true;
		shrink_sched = g_strdup(schedule);
	}
	before = lines->len;
	want = signature(lines);
	if (!*want) {
		fprintf(stderr, "daxsim: shrink: %s does not fail%s (nothing to shrink)\n", path,
			schedule ? " under that schedule" : "");
		g_free(want);
		g_ptr_array_free(lines, TRUE);
		goto usage;
	}
	drop_switches(lines, want);
	for (int round = 0; round < 8; round++) {
		bool changed = drop_lines(&lines, want);

		changed |= lower_numbers(lines, want);
		changed |= drop_options(lines, want);
		if (!changed)
			break;
	}
	drop_switches(lines, want);
	outtext = render_lines(lines, false);
	if (shrink_sched) {
		/*
		 * Renumbered: the schedule of the text as printed, below the
		 * four header lines, as replay or else explore finds it.
		 */
		char *probe = g_strconcat("#\n#\n#\n#\n", outtext, NULL);
		char *sig = signature_of(probe, shrink_sched);

		if (strcmp(sig, want)) {
			char *found = shrink_explore(probe, shrink_model, want);

			g_free(shrink_sched);
			shrink_sched = found;
		}
		g_free(sig);
		g_free(probe);
	}
	printf("# shrunk by `daxsim shrink%s%s%s%s%s %s`: %u -> %u lines, %d runs\n"
	       "# still fails with: %s\n",
	       shrink_model ? " --model " : "", shrink_model ? shrink_model : "",
	       schedule ? " --schedule='" : "", schedule ? schedule : "", schedule ? "'" : "",
	       path, before, lines->len, shrink_runs, want);
	if (shrink_sched)
		printf("# schedule: %s\n# replay: daxsim run --schedule='%s'%s%s FILE\n",
		       *shrink_sched ? shrink_sched : "(default)", shrink_sched,
		       shrink_model ? " --model " : "", shrink_model ? shrink_model : "");
	else if (schedule)
		printf("# schedule: not found again for the shortened text\n# replay: explore it\n");
	printf("%s", outtext);
	g_free(outtext);
	g_free(want);
	g_ptr_array_free(lines, TRUE);
	rc = 0;
usage:
	g_free(shrink_sched);
	shrink_sched = NULL;
	g_strfreev(rest);
	g_free(model);
	g_free(schedule);
	return rc;
}
