// SPDX-License-Identifier: MIT
/*
 * The bridge from the shell to the simulator: a scenario command line run
 * in the test's simulated world (fst_sim), its report split into stdout
 * and stderr as the real tools split theirs, and `xfs_io` as fstests runs
 * it, with xfs_io's timing line after each report.
 */
#include <errno.h>
#include <string.h>

#include "fstests.h"
#include "interp.h"
#include "scn.h"
#include "xfs_mount.h"

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !memcmp(s + len - n, suffix, n);
}

/* Lines xfs_io and the tools print on stderr (perror and the like). */
static bool stderr_line(const char *s, size_t len)
{
	static const int errs[] = { EPERM, ENOENT, EIO, EBADF, ENOMEM, EACCES, EBUSY, EEXIST,
				    EXDEV, EINVAL, EFBIG, ENOSPC, EROFS, EOPNOTSUPP, ENODATA,
				    EUCLEAN, EHWPOISON, ENXIO, EFAULT, ENOTTY, EISDIR };
	static char suffix[G_N_ELEMENTS(errs)][128];	/* ": strerror", made once */

	if (len && s[0] == '@')
		return true;	/* a task killed by a signal */
	if (g_strstr_len(s, (gssize)len, "_IOC_FSSETXATTR "))
		return false;	/* set_extsize / set_cowextsize print theirs with printf */
	for (size_t i = 0; i < G_N_ELEMENTS(errs); i++) {
		if (!suffix[i][0])
			snprintf(suffix[i], sizeof(suffix[i]), ": %s", g_strerror(errs[i]));
		if (ends_with(s, len, suffix[i]))
			return true;
	}
	return ends_with(s, len, "Extents did not match.") || ends_with(s, len, ": no open file") ||
	       ends_with(s, len, "no mapped regions, try 'help mmap'") ||
	       (g_strstr_len(s, (gssize)len, "is before start of mapping") != NULL) ||
	       (g_strstr_len(s, (gssize)len, "is beyond mapping") != NULL);
}

int fst_sim(struct sh_state *st, struct sh_io *io, struct io_task *task, int argc, char **argv)
{
	GString *o = g_string_new(NULL);
	char err[512];
	int r = fst_session_exec(st->sim, st->cmd_line, task, argc, argv, o, err, sizeof(err));

	if (r == 1 && !st->sim_failed) {
		/* an invariant report: never hidden by a redirect */
		st->sim_failed = true;
		g_string_append_len(st->out_top, o->str, (gssize)o->len);
	} else {
		for (const char *s = o->str; *s;) {
			const char *e = strchr(s, '\n');
			size_t len = e ? (size_t)(e - s) : strlen(s);
			GString *dst = stderr_line(s, len) ? io->fd2 : io->fd1;

			if (dst) {
				g_string_append_len(dst, s, (gssize)len);
				g_string_append_c(dst, '\n');
			}
			s += len + (e ? 1 : 0);
		}
	}
	g_string_free(o, TRUE);
	if (r == -2) {
		char why[600];

		snprintf(why, sizeof(why), "daxsim: %s", err);
		return sh_unsupported(st, why);
	}
	if (r == 1 && !st->keep_going)
		return sh_stop(st, STOP_FAIL, "simulator invariant violated");
	return 0;
}

/* xfs_io's timing line after each report ("wrote 4096/4096 bytes at offset 0"). */
#define XFS_IO_SIM_BW	(2ULL << 30)	/* bytes per simulated second */

static void human(char *buf, size_t n, double v)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (v == (double)(long long)v)
		snprintf(buf, n, "%lld %s", (long long)v, units[u]);
	else
		snprintf(buf, n, "%.3f %s", v, units[u]);
}

static void add_timing(GString *dst, const char *text)
{
	for (const char *s = text; *s;) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		unsigned long long done, want, off;
		char verb[16], tail;
		gchar *line;

		g_string_append_len(dst, s, (gssize)len);
		g_string_append_c(dst, '\n');
		if (!(len && strchr("wrld", s[0]))) {
			/* not a "wrote/read/linked/deduped N/M bytes" line (a dump) */
			s += len + (e ? 1 : 0);
			continue;
		}
		line = g_strndup(s, len);
		if (sscanf(line, "%15s %llu/%llu bytes at offset %llu%c", verb, &done, &want, &off, &tail) == 4 &&
		    (!strcmp(verb, "wrote") || !strcmp(verb, "read") || !strcmp(verb, "linked") ||
		     !strcmp(verb, "deduped"))) {
			char size[32], rate[32], when[32];
			unsigned long long ops = done ? (done + 4095) / 4096 : 1;
			/*
			 * A time from the size, not the host's clock, so the output
			 * stays reproducible: pmem at XFS_IO_SIM_BW, at least 100 us.
			 * Printed as xfs_io's timestr() prints it: "0.NNNN sec" under
			 * a second, else H:MM:SS.ss (what _filter_xfs_io expects of
			 * a long run, "XX:XX:XX.X").
			 */
			uint64_t us = MAX(100, done * 1000000 / XFS_IO_SIM_BW);
			double t = (double)us / 1e6;

			if (us < 1000000)
				snprintf(when, sizeof(when), "0.%04u sec", (unsigned int)(us / 100));
			else
				snprintf(when, sizeof(when), "%u:%02u:%05.2f", (unsigned int)(us / 3600000000ULL),
					 (unsigned int)(us / 60000000 % 60), (double)(us % 60000000) / 1e6);
			human(size, sizeof(size), (double)done);
			human(rate, sizeof(rate), (double)done / t);
			g_string_append_printf(dst, "%s, %llu ops; %s (%s/sec and %.4f ops/sec)\n",
					       size, ops, when, rate, (double)ops / t);
		}
		g_free(line);
		s += len + (e ? 1 : 0);
	}
}

/*
 * xfs_io on a directory (opened read-only, as xfs_io retries on EISDIR):
 * the extent size hints its new files inherit.  Other commands are
 * outside what the simulator models there.
 */
static int xfs_io_dir(struct sh_state *st, GPtrArray *av, const char *path, const char *flags,
		      struct sh_io *io)
{
	struct xfs_inode *dp = fst_session_dir(st->sim, path);
	GString *o = g_string_new(NULL);
	int ret = 0;

	if (strchr(flags, 't') || !dp) {
		g_string_free(o, TRUE);
		return sh_unsupported(st, "xfs_io on a directory");
	}
	for (guint i = 1; i + 1 < av->len && !ret; i += 2) {
		gchar **w = g_strsplit_set(g_ptr_array_index(av, i + 1), " \t", -1);
		GPtrArray *words = g_ptr_array_new();
		long long v = 0;

		for (int k = 0; w[k]; k++)
			if (*w[k])
				g_ptr_array_add(words, w[k]);
		const char *w0 = words->len ? g_ptr_array_index(words, 0) : "";
		const char *w1 = words->len > 1 ? g_ptr_array_index(words, 1) : "";

		if (!strcmp(w0, "lsattr") && (words->len == 1 || (words->len == 2 && !strcmp(w1, "-v")))) {
			io_lsattr(o, dp, path, words->len == 2);
		} else if (!strcmp(w0, "chattr") && words->len == 2 &&
			   (!strcmp(w1, "+x") || !strcmp(w1, "-x"))) {
			int err = -xfs_fileattr_set_dax(dp, w1[0] == '+');

			if (err) {
				g_string_append_printf(o, "xfs_io: cannot set flags on %s: %s\n", path,
						       strerror(err));
				ret = 1;
			}
		} else if (!words->len || words->len > 2 ||
		    (strcmp(w0, "extsize") && strcmp(w0, "cowextsize")) ||
		    (words->len == 2 && (cvtnum(w1, &v) || v < 0 || v > UINT32_MAX))) {
			ret = sh_unsupported(st, "xfs_io on a directory, other than extsize, cowextsize, "
					     "lsattr and chattr +x|-x");
		} else if (io_hint_cmd(o, dp, path, !strcmp(w0, "cowextsize"), words->len == 2,
				       (uint32_t)v)) {
			ret = 1;	/* xfs_io's exitcode */
		}
		g_ptr_array_free(words, TRUE);
		g_strfreev(w);
	}
	if (ret >= 0)
		sh_out(io, "%s", o->str);
	g_string_free(o, TRUE);
	return ret;
}

/*
 * xfs_io with several files: it opens them all in order (a failure ends
 * it with status 1, nothing run), then runs each -c command on every file
 * in turn (libxcmd's args_command loop).  Each (command, file) runs here as
 * its own one-file xfs_io, which is the same while no command keeps state
 * in the process between them: commands on mappings or the file table,
 * and -t (which would truncate again), are `unsupported`.
 */
static int xfs_io_files(struct sh_state *st, GPtrArray *av, GPtrArray *files, const char *flags,
			struct sh_io *io)
{
	/* copy_range: a failure ends xfs_io's command loop for every file */
	static const char *const stateful[] = { "mmap", "mm", "mread", "mr", "mwrite", "mw",
						"msync", "ms", "munmap", "mu", "madvise", "ma",
						"open", "o", "close", "c", "file", "f", "copy_range" };
	int ret = 0, status = 0;

	if (strchr(flags, 't'))
		return sh_unsupported(st, "xfs_io -t on several files");
	for (guint i = 2; i < av->len; i += 2) {
		gchar **w = g_strsplit_set(g_ptr_array_index(av, i), " \t", 2);
		bool bad = false;

		for (size_t k = 0; k < G_N_ELEMENTS(stateful) && !bad; k++)
			bad = !strcmp(w[0], stateful[k]);
		g_strfreev(w);
		if (bad)
			return sh_unsupported(st, "xfs_io on several files with a command that keeps state");
	}
	for (guint j = 0; j < files->len; j++) {
		const char *path = g_ptr_array_index(files, j);

		if (!fst_path_in_sim(st, path))
			return sh_unsupported(st, "xfs_io on a file outside $TEST_DIR and $SCRATCH_MNT");
	}
	/* openfile() of each, in order: -f creates; the first failure ends xfs_io */
	for (guint j = 0; j < files->len; j++) {
		const char *path = g_ptr_array_index(files, j);
		char *one[] = { "xfs_io", (char *)flags, (char *)path, NULL };

		if (fst_is_dir(st, path) || fst_session_file_size(st->sim, path) >= 0)
			continue;
		if (!strchr(flags, 'f')) {
			sh_err(io, "%s: No such file or directory\n", path);
			return 1;
		}
		ret = fst_xfs_io(st, 3, one, io);
		if (ret)
			return ret;
	}
	for (guint i = 2; i < av->len && ret >= 0; i += 2)
		for (guint j = 0; j < files->len && ret >= 0; j++) {
			char *one[6] = { "xfs_io" };
			int n = 1;

			if (flags[1])
				one[n++] = (char *)flags;
			one[n++] = "-c";
			one[n++] = g_ptr_array_index(av, i);
			one[n++] = g_ptr_array_index(files, j);
			ret = fst_xfs_io(st, n, one, io);
			if (ret > 0)
				status = ret;
		}
	return ret < 0 ? ret : status;
}

int fst_xfs_io(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GPtrArray *av = g_ptr_array_new();
	GPtrArray *files = g_ptr_array_new();
	GString *o = g_string_new(NULL);
	char flags[8] = "-";	/* -f -t -r -d, as the scenario's xfs_io takes them */
	int ret = 0;

	g_ptr_array_add(av, "xfs_io");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || !a[1]) {
			g_ptr_array_add(files, (char *)a);
			continue;
		}
		for (const char *p = a + 1; *p; p++) {
			if (*p == 'f' || *p == 't' || *p == 'r' || *p == 'd') {
				if (!strchr(flags, *p))
					strncat(flags, p, 1);
			} else if (*p == 'x' || *p == 'F') {
				/* expert mode; foreign files: nothing to model */
			} else if (*p == 'c' || *p == 'C') {
				const char *cmd = p[1] ? p + 1 : i + 1 < argc ? argv[++i] : NULL;

				if (!cmd) {
					ret = sh_unsupported(st, "xfs_io -c needs a command");
					goto out;
				}
				g_ptr_array_add(av, "-c");
				g_ptr_array_add(av, (char *)cmd);
				break;
			} else {
				char why[64];

				snprintf(why, sizeof(why), "xfs_io -%c is not modelled", *p);
				ret = sh_unsupported(st, why);
				goto out;
			}
		}
	}
	/* a command reading another file the shell wrote (not simulated): nothing to copy */
	for (guint i = 2; i < av->len; i += 2) {
		gchar **w = g_strsplit_set(g_ptr_array_index(av, i), " \t", -1);
		bool shell_file = false;

		if (!strcmp(w[0], "copy_range") || !strcmp(w[0], "reflink") || !strcmp(w[0], "dedupe"))
			for (int k = 1; w[k] && !shell_file; k++)
				shell_file = g_tree_lookup(st->files, w[k]) != NULL;
		g_strfreev(w);
		if (shell_file) {
			ret = sh_unsupported(st, "xfs_io copy_range, reflink or dedupe from a file a redirect wrote");
			goto out;
		}
	}
	if (files->len > 1) {
		ret = xfs_io_files(st, av, files, flags, io);
		goto out;
	}
	if (files->len != 1) {
		ret = sh_unsupported(st, "xfs_io without a file");
		goto out;
	}
	{
		const char *path = g_ptr_array_index(files, 0);
		gchar *dir = g_path_get_dirname(path);

		if (!fst_path_in_sim(st, path)) {
			g_free(dir);
			ret = sh_unsupported(st, "xfs_io on a file outside $TEST_DIR and $SCRATCH_MNT");
			goto out;
		}
		if (fst_is_dir(st, path)) {
			g_free(dir);
			ret = xfs_io_dir(st, av, path, flags, io);
			goto out;
		}
		if (!fst_is_dir(st, dir)) {
			sh_err(io, "%s: No such file or directory\n", path);
			g_free(dir);
			ret = 1;
			goto out;
		}
		g_free(dir);
		if (flags[1])
			g_ptr_array_insert(av, 1, flags);
		g_ptr_array_add(av, (char *)path);
	}
	{
		struct sh_io cap = { o, io->fd2, NULL };

		g_ptr_array_add(av, NULL);
		xfs_io_exitcode = 0;
		ret = fst_sim(st, &cap, NULL, (int)av->len - 1, (char **)av->pdata);
		if (io->fd1)
			add_timing(io->fd1, o->str);
		if (!ret)
			ret = xfs_io_exitcode;	/* xfs_io's exit status */
	}
out:
	g_ptr_array_free(av, TRUE);
	g_ptr_array_free(files, TRUE);
	g_string_free(o, TRUE);
	return ret;
}

/* Run `xfs_io [ARGS (split)] -f -c CMD FILE`. */
int fst_xfs_io_cmd(struct sh_state *st, struct sh_io *io, const char *args, const char *cmd,
		      const char *file)
{
	gchar **extra = g_strsplit_set(args ? args : "", " \t", -1);
	GPtrArray *av = g_ptr_array_new();
	int ret;

	g_ptr_array_add(av, "xfs_io");
	for (int i = 0; extra[i]; i++)
		if (*extra[i])
			g_ptr_array_add(av, extra[i]);
	g_ptr_array_add(av, "-f");
	g_ptr_array_add(av, "-c");
	g_ptr_array_add(av, (char *)cmd);
	g_ptr_array_add(av, (char *)file);
	g_ptr_array_add(av, NULL);
	ret = fst_xfs_io(st, (int)av->len - 1, (char **)av->pdata, io);
	g_ptr_array_free(av, TRUE);
	g_strfreev(extra);
	return ret;
}
