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

#define SHRINK_CHILD_SECONDS	20

struct sline {
	char		*task;
	GPtrArray	*words;		/* char * */
};

static const char *shrink_model;
static int shrink_runs;

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
	n->words = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < l->words->len; i++)
		g_ptr_array_add(n->words, g_strdup(l->words->pdata[i]));
	return n;
}

static char *render(GPtrArray *lines)
{
	GString *o = g_string_new(NULL);

	for (guint i = 0; i < lines->len; i++) {
		struct sline *l = lines->pdata[i];

		if (l->task)
			g_string_append_printf(o, "@%s ", l->task);
		for (guint w = 0; w < l->words->len; w++) {
			if (w)
				g_string_append_c(o, ' ');
			fuzz_quote_word(o, l->words->pdata[w]);
		}
		g_string_append_c(o, '\n');
	}
	return g_string_free(o, FALSE);
}

/* The child: run @text, write its signature to @fd. */
static void child_run(const char *text, int fd)
{
	struct scn_error err = { 0 };
	struct run_result r = { 0 };
	struct run_opts opts = { .model = shrink_model, .check = CHECK_INCREMENTAL, .result = &r,
				 .no_scheduler = true };
	struct scn *s;
	FILE *null = fopen("/dev/null", "w");
	char sig[128];
	int rc;

	alarm(SHRINK_CHILD_SECONDS);
	if (!null || scn_parse("shrink", text, &s, &err))
		_exit(2);
	/* the child's stderr would repeat every candidate's errors */
	if (!freopen("/dev/null", "w", stderr))
		_exit(2);
	rc = scn_run(s, &opts, null);
	if (rc == 1)
		snprintf(sig, sizeof(sig), r.first_id[0] ? "invariant %s" : "failed expectation",
			 r.first_id);
	else
		snprintf(sig, sizeof(sig), "exit %d", rc);
	if (write(fd, sig, strlen(sig)) < 0)
		_exit(2);
	exit_now(0);
}

/* The failure signature of @lines ("" when it passes or is malformed). */
static char *signature(GPtrArray *lines)
{
	char *text = render(lines);
	char buf[128] = "";
	int fds[2], status = 0;
	ssize_t n = 0;
	pid_t pid;

	shrink_runs++;
	if (pipe(fds))
		abort();
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		child_run(text, fds[1]);
	}
	close(fds[1]);
	for (ssize_t k; (k = read(fds[0], buf + n, sizeof(buf) - 1 - (size_t)n)) > 0;)
		n += k;
	buf[n] = 0;
	close(fds[0]);
	waitpid(pid, &status, 0);
	g_free(text);
	if (WIFSIGNALED(status))
		return g_strdup_printf("signal %d", WTERMSIG(status));
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && !n)
		return WEXITSTATUS(status) == 2 ? g_strdup("") :
		       g_strdup_printf("exit %d", WEXITSTATUS(status));
	if (!strcmp(buf, "exit 0") || !strcmp(buf, "exit 2"))
		return g_strdup("");
	return g_strdup(buf);
}

static bool same(GPtrArray *cand, const char *want)
{
	char *sig = signature(cand);
	bool eq = !strcmp(sig, want);

	g_free(sig);
	return eq;
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

int daxsim_shrink(int argc, char **argv)
{
	struct scn_error err = { 0 };
	struct scn *s;
	GPtrArray *lines;
	gchar *text;
	char *want, *outtext;
	const char *path, *why;
	guint before;
	size_t len;
	int a = 2;

	if (argc == 5 && !strncmp(argv[2], "--model", 7)) {
		shrink_model = argv[3];
		a = 4;
	} else if (argc == 4 && !strncmp(argv[2], "--model=", 8)) {
		shrink_model = argv[2] + 8;
		a = 3;
	}
	if (argc != a + 1) {
		fprintf(stderr, "usage: daxsim shrink [--model M] SCENARIO\n");
		return 2;
	}
	path = argv[a];
	/* bounded and NUL-checked like `daxsim run` */
	text = scn_read_file(path, &len, &why);
	if (!text) {
		fprintf(stderr, "daxsim: cannot read '%s': %s\n", path, why);
		return 2;
	}
	if (scn_parse_len(path, text, len, &s, &err)) {
		fprintf(stderr, "%s:%d:%d: %s\n", path, err.line, err.col, err.msg);
		g_free(text);
		return 2;
	}
	g_free(text);
	lines = g_ptr_array_new_with_free_func(sline_free);
	for (guint i = 0; i < s->lines->len; i++) {
		struct scn_line *ln = g_ptr_array_index(s->lines, i);
		struct sline *l = g_new0(struct sline, 1);

		l->task = g_strdup(ln->task);
		l->words = g_ptr_array_new_with_free_func(g_free);
		for (int w = 0; w < ln->argc; w++)
			g_ptr_array_add(l->words, g_strdup(ln->argv[w]));
		g_ptr_array_add(lines, l);
	}
	scn_free(s);
	before = lines->len;
	want = signature(lines);
	if (!*want) {
		fprintf(stderr, "daxsim: shrink: %s does not fail (nothing to shrink)\n", path);
		g_free(want);
		g_ptr_array_free(lines, TRUE);
		return 2;
	}
	for (int round = 0; round < 8; round++) {
		bool changed = drop_lines(&lines, want);

		changed |= lower_numbers(lines, want);
		changed |= drop_options(lines, want);
		if (!changed)
			break;
	}
	outtext = render(lines);
	printf("# shrunk by `daxsim shrink%s%s %s`: %u -> %u lines, %d runs\n"
	       "# still fails with: %s\n%s",
	       shrink_model ? " --model " : "", shrink_model ? shrink_model : "", path,
	       before, lines->len, shrink_runs, want, outtext);
	g_free(outtext);
	g_free(want);
	g_ptr_array_free(lines, TRUE);
	return 0;
}
