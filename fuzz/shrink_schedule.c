// SPDX-License-Identifier: MIT
/*
 * The scheduler side of `daxsim shrink` (shrink.c): a candidate scenario
 * with fewer lines renumbers the scheduling decisions, so its old schedule
 * no longer replays; `daxsim explore` of the candidate (this binary, in a
 * child process, on a temporary copy) answers whether it can still fail the
 * same way, and with which schedule.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shrink_schedule.h"

/* Schedules explore may try per candidate: enough for two preemptions of a small scenario. */
#define SHRINK_EXPLORE_RUNS	"--runs=300"

char *shrink_output_signature(const char *out)
{
	const char *inv = strstr(out, "INVARIANT ");
	const char *exp = strstr(out, "EXPECT FAILED");

	if (inv && (!exp || inv < exp)) {
		const char *id = inv + strlen("INVARIANT ");
		size_t n = strcspn(id, " \n");

		return g_strdup_printf("invariant %.*s", (int)n, id);
	}
	return g_strdup(exp ? "failed expectation" : "");
}

char *shrink_explore(const char *text, const char *model, const char *want)
{
	gchar *tmp = NULL, *out = NULL, *sig, *found = NULL;
	const char *argv[9];
	GError *err = NULL;
	int fd, n = 0, status = 0;

	fd = g_file_open_tmp("daxsim-shrink-XXXXXX.scn", &tmp, &err);
	if (fd < 0) {
		g_clear_error(&err);
		return NULL;
	}
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		g_unlink(tmp);
		g_free(tmp);
		return NULL;
	}
	close(fd);
	argv[n++] = "/proc/self/exe";
	argv[n++] = "explore";
	argv[n++] = "--preempt=2";
	argv[n++] = SHRINK_EXPLORE_RUNS;
	if (model) {
		argv[n++] = "--model";
		argv[n++] = model;
	}
	argv[n++] = tmp;
	argv[n] = NULL;
	if (g_spawn_sync(NULL, (gchar **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
			 NULL, &status, &err) && g_spawn_check_wait_status(status, NULL) == FALSE) {
		/* exit 1: a failing schedule, printed before its replay line */
		const char *replay = strstr(out, "\nreplay: daxsim run --schedule='");

		sig = shrink_output_signature(out);
		if (replay && !strcmp(sig, want)) {
			const char *sch = replay + strlen("\nreplay: daxsim run --schedule='");
			const char *end = strchr(sch, '\'');

			if (end)
				found = g_strndup(sch, (gsize)(end - sch));
		}
		g_free(sig);
	}
	g_clear_error(&err);
	g_free(out);
	g_unlink(tmp);
	g_free(tmp);
	return found;
}
