// SPDX-License-Identifier: MIT
/*
 * fuzz_sched's decoder: bytes -> a scenario with background commands and
 * the scheduler's choices.  Layout:
 *
 *   byte 0        where the ops end: 1 + (size - 1) * byte0 / 256
 *   ops           fuzz_ops' encoding (fuzz_decode), so fuzz_ops' corpus and
 *                 dictionary carry over, design byte included with its
 *                 DAX mode bits (dax=always, never or inode: the page
 *                 cache's paths run under the scheduler too); memory
 *                 failure lines (poison, madvise -P) are left out (see
 *                 fuzz_sched.c)
 *   one byte per  task data command or poison line: bit 0 puts it in the
 *   such line     background (`&`)
 *   the rest      one byte per scheduling decision: run runnable[b % n]
 *
 * Only commands that move data or fault pages go to the background; file
 * set-up (open, close, mmap, spawn) and the simulator's own commands stay
 * in the foreground.
 */
#include <string.h>

#include "fuzz_decode.h"
#include "scn.h"
#include "sched_decode.h"

/* Memory failure: explore and the race library cover it (fuzz_sched.c). */
static bool memory_failure_line(const char *line)
{
	const char *cmd = line[0] == '@' ? strchr(line, ' ') : NULL;

	if (!strncmp(line, "poison ", 7))
		return true;
	return cmd && !strncmp(cmd, " madvise ", 9) && strstr(cmd, " -P");
}

static const char *const bg_cmds[] = {
	"pread", "pwrite", "mread", "mwrite", "msync", "fsync", "fdatasync", "truncate",
	"falloc", "fpunch", "fzero", "funshare", "reflink", "dedupe", "madvise", "munmap",
};

static bool may_background(const char *line)
{
	const char *cmd;
	size_t n;

	if (line[0] != '@' || !(cmd = strchr(line, ' ')))
		return false;
	cmd++;
	n = strcspn(cmd, " ");
	for (size_t i = 0; i < G_N_ELEMENTS(bg_cmds); i++)
		if (strlen(bg_cmds[i]) == n && !strncmp(cmd, bg_cmds[i], n))
			return true;
	return false;
}

char *fuzz_sched_decode(const uint8_t *data, size_t size, struct fuzz_sched_input *in)
{
	size_t ops_end, k;
	char *ops;
	gchar **lines;
	GString *o = g_string_new(NULL);

	memset(in, 0, sizeof(*in));
	if (!size)
		return g_string_free(o, FALSE);
	ops_end = 1 + (size - 1) * data[0] / 256;
	ops = fuzz_decode(data + 1, ops_end - 1, NULL);
	k = ops_end;
	lines = g_strsplit(ops, "\n", -1);
	for (gchar **l = lines; *l; l++) {
		if (!**l || memory_failure_line(*l))
			continue;
		g_string_append(o, *l);
		if (may_background(*l) && k < size && (data[k++] & 1)) {
			g_string_append(o, " &");
			in->nbg++;
		}
		g_string_append_c(o, '\n');
	}
	g_strfreev(lines);
	g_free(ops);
	in->choices = data + k;
	in->nchoices = size - k;
	return g_string_free(o, FALSE);
}

void fuzz_sched_opts(struct run_opts *opts, const struct fuzz_sched_input *in)
{
	*opts = (struct run_opts){ .check = CHECK_INCREMENTAL, .keep_going = true,
				   .io_limit = 64ULL << 20, .io_total_limit = 256ULL << 20,
				   .force_scheduler = true, .sched_choices = in->choices,
				   .sched_nchoices = in->nchoices };
}
