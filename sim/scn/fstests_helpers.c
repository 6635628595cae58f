// SPDX-License-Identifier: MIT
/*
 * The fstests common/ helpers as simulator built-ins.  Each does what
 * fstests documents it to do, expressed as scenario command lines run
 * through the command table (xfs_io, cp_reflink, rm, md5sum, od, remount):
 * _pwrite_byte is `xfs_io -f -c "pwrite -S P O L" F`, _test_cycle_mount is
 * `remount`, and so on.  _require_* checks pass when the simulated machine
 * has the feature and make the test "not run" with fstests' reason when
 * it does not.  The filters are in fstests_filters.c, the src/ programs in
 * fstests_programs.c, the weave helpers in fstests_weave.c.
 */
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "fstests.h"
#include "mm.h"
#include "interp.h"
#include "scn.h"
#include "xfs_mount.h"

/* Helpers ----------------------------------------------------------------- */

static int h_xfs_io(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	return fst_xfs_io(st, argc, argv, io);
}

static const char *arg(int argc, char **argv, int i)
{
	return i < argc ? argv[i] : "";
}

static int h_pwrite_byte(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	gchar *cmd = g_strdup_printf("pwrite -S %s %s %s", arg(argc, argv, 1), arg(argc, argv, 2),
				     arg(argc, argv, 3));
	int ret = fst_xfs_io_cmd(st, io, arg(argc, argv, 5), cmd, arg(argc, argv, 4));

	g_free(cmd);
	return ret;
}

static int h_mwrite_byte(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	gchar *map = g_strdup_printf("mmap -rw 0 %s", arg(argc, argv, 4));
	gchar *w = g_strdup_printf("mwrite -S %s %s %s", arg(argc, argv, 1), arg(argc, argv, 2),
				   arg(argc, argv, 3));
	char *av[] = { "xfs_io", "-f", "-c", map, "-c", w, (char *)arg(argc, argv, 5), NULL };
	int ret = fst_xfs_io(st, 7, av, io);

	g_free(map);
	g_free(w);
	return ret;
}

/*
 * _mread FILE OFF LEN [MAPLEN]: common/rc's `bash -c "trap '' SIGBUS; ulimit -c 0;
 * xfs_io -r FILE -c 'mmap -r 0 MAPLEN' -c 'mread -v OFF LEN'; true"` (MAPLEN: the
 * file size rounded up to a page); its status is true's.  A SIGBUS would have
 * bash print its "Bus error" line, which is not modelled: unsupported.
 */
static int h_mread(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	gchar *map, *rd;
	int ret;

	if (argc < 4 || argc > 5)
		return sh_unsupported(st, "_mread takes FILE OFF LEN [MAPLEN]");
	if (argc == 5) {
		map = g_strdup_printf("mmap -r 0 %s", argv[4]);
	} else {
		int64_t size = fst_session_file_size(st->sim, argv[1]);

		if (size < 0)
			return sh_unsupported(st, "_mread of a file that is not simulated");
		map = g_strdup_printf("mmap -r 0 %lld", (long long)((size + 4095) & ~4095LL));
	}
	rd = g_strdup_printf("mread -v %s %s", argv[2], argv[3]);
	{
		char *av[] = { "xfs_io", "-r", "-c", map, "-c", rd, argv[1], NULL };

		ret = fst_xfs_io(st, 7, av, io);
	}
	g_free(map);
	g_free(rd);
	if (ret < 0)
		return -1;
	if (ret >= 128)
		return sh_unsupported(st, "_mread killed by a signal (bash's message is not modelled)");
	return 0;
}

static int h_reflink(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	gchar *cmd = g_strdup_printf("reflink %s", arg(argc, argv, 1));
	int ret = fst_xfs_io_cmd(st, io, "", cmd, arg(argc, argv, 2));

	g_free(cmd);
	return ret;
}

static int h_reflink_range(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	gchar *cmd = g_strdup_printf("%s %s %s %s %s", !strcmp(argv[0], "_dedupe_range") ? "dedupe" : "reflink",
				     arg(argc, argv, 1), arg(argc, argv, 2), arg(argc, argv, 4),
				     arg(argc, argv, 5));
	int ret = fst_xfs_io_cmd(st, io, arg(argc, argv, 6), cmd, arg(argc, argv, 3));

	g_free(cmd);
	return ret;
}

static int h_cp_reflink(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	char *av[] = { "cp_reflink", (char *)arg(argc, argv, 1), (char *)arg(argc, argv, 2), NULL };

	gchar *dir;
	bool have_dir;

	if (argc != 3)
		return sh_unsupported(st, "_cp_reflink takes two files");
	if (!fst_path_in_sim(st, argv[1]) || !fst_path_in_sim(st, argv[2]))
		return sh_unsupported(st, "_cp_reflink outside $TEST_DIR and $SCRATCH_MNT");
	dir = g_path_get_dirname(argv[2]);
	have_dir = fst_is_dir(st, dir);
	g_free(dir);
	if (fst_session_file_size(st->sim, argv[1]) >= 0 && !have_dir) {
		/* cp opens DST: in a directory that is not there, ENOENT */
		sh_err(io, "cp: cannot create regular file '%s': No such file or directory\n", argv[2]);
		return 1;
	}
	interp_note_task(NULL);		/* forget what ran before: cp_reflink notes its own */
	if (fst_sim(st, io, NULL, 3, av))
		return -1;
	/* cp --reflink=always -p -f: 1 when it could not stat, clone or create */
	if (interp_last_errno())
		return 1;
	{
		/* -p: the copy keeps the source's modification time (utimensat) */
		struct xfs_inode *from = fst_session_inode(st->sim, argv[1]);
		struct xfs_inode *to = fst_session_inode(st->sim, argv[2]);

		if (from && to)
			VFS_I(to)->i_mtime_ns = VFS_I(from)->i_mtime_ns;
	}
	return 0;
}

/*
 * Mount options: $MOUNT_OPTIONS, then the helper's own.  Only the dax ones
 * are modelled: dax and dax=always, dax=inode, dax=never (the last one
 * given wins; none at all is XFS's default, dax=inode).  "" when the words
 * hold nothing else, else NULL after a [not run].
 */
static const char *mount_dax(struct sh_state *st, const char *words, const char *mode)
{
	gchar **w = g_strsplit_set(words ? words : "", " \t", -1);

	for (int i = 0; w[i] && mode; i++) {
		gchar **opts = g_strsplit(w[i], ",", -1);

		if (!strcmp(w[i], "-o") || !*w[i]) {
			g_strfreev(opts);
			continue;
		}
		for (int k = 0; opts[k] && mode; k++) {
			const char *o = opts[k];

			if (!strncmp(o, "-o", 2))
				o += 2;
			if (!strcmp(o, "dax") || !strcmp(o, "dax=always"))
				mode = "dax=always";
			else if (!strcmp(o, "dax=inode") || !strcmp(o, "dax=never"))
				mode = !strcmp(o, "dax=inode") ? "dax=inode" : "dax=never";
			else if (*o) {
				sh_stop(st, STOP_NOTRUN, "mount options other than dax are not modelled by daxsim (%s)",
					w[i]);
				mode = NULL;
			}
		}
		g_strfreev(opts);
	}
	g_strfreev(w);
	return mode;
}

static int mount_opts_mode(struct sh_state *st, int argc, char **argv, const char **mode)
{
	*mode = mount_dax(st, sh_getvar(st, "MOUNT_OPTIONS"), "dax=inode");
	for (int i = 1; i < argc && *mode; i++)
		*mode = mount_dax(st, argv[i], *mode);
	return *mode ? 0 : -1;
}

/* A mount with its dax option: a cycle mount when the mode changes. */
static int mount_with(struct sh_state *st, struct sh_io *io, const char *mode, bool always_cycle)
{
	char *av[] = { "remount", (char *)mode, NULL };

	if (!always_cycle && !strcmp(mode, fst_session_dax_mode(st->sim)))
		return 0;
	return fst_sim(st, io, NULL, 2, av) ? -1 : 0;
}

static int h_cycle_mount(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	const char *mode;

	if (mount_opts_mode(st, argc, argv, &mode))
		return -1;
	return mount_with(st, io, mode, true);
}

static int h_mount(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	const char *mode;

	if (mount_opts_mode(st, argc, argv, &mode))
		return -1;
	return mount_with(st, io, mode, false);
}

static int h_ok(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	return 0;
}

/*
 * umount MNT|DEV of the scratch or test filesystem: what _scratch_unmount
 * and _test_unmount do (the simulated filesystem stays, and the next mount
 * finds it as it was; a mount in another dax mode cycles it).  Any other
 * unmount is outside the subset.
 */
static int h_umount(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	static const char *const vars[] = { "SCRATCH_MNT", "SCRATCH_DEV", "TEST_DIR", "TEST_DEV" };

	if (argc == 2)
		for (size_t i = 0; i < G_N_ELEMENTS(vars); i++) {
			const char *v = sh_getvar(st, vars[i]);

			if (v && !strcmp(v, argv[1]))
				return 0;
		}
	return sh_unsupported(st, "umount of something other than the scratch or test filesystem");
}

/* _get_hugepagesize: /proc/meminfo's Hugepagesize in bytes, the PMD size */
static int h_hugepagesize(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	sh_out(io, "%llu\n", (unsigned long long)PMD_SIZE);
	return 0;
}

static int h_scratch_mkfs(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	const char *mnt = sh_getvar(st, "SCRATCH_MNT");
	char *av[] = { "rm", "-rf", NULL, NULL };
	sh_cmd_fn rm = sh_builtin_lookup("rm");
	gchar *all;
	int ret;

	if (argc > 1)
		return sh_unsupported(st, "mkfs options are not modelled");
	all = g_strconcat(mnt, "/*", NULL);
	av[2] = all;
	ret = rm(st, 3, av, io);
	fst_session_rmdir(st->sim, mnt);	/* a new root directory: no hints */
	g_free(all);
	return ret < 0 ? -1 : 0;
}

static bool plain_number(const char *s, long long *v);

/*
 * _scratch_mkfs_geom SUNIT_BYTES SWIDTH_MULT [4096]: mkfs.xfs -d su=,sw=.
 * daxsim's allocator has no stripe geometry: this is the default mkfs,
 * and only where blocks land differs (so whether a large extent starts
 * 2 MiB-aligned for a PMD fault; every fault falls back as the kernel's).
 */
static int h_scratch_mkfs_geom(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	long long su, sw;
	char *av[] = { "_scratch_mkfs", NULL };

	if (argc < 3 || argc > 4 || !plain_number(argv[1], &su) || !plain_number(argv[2], &sw) ||
	    su <= 0 || su % 4096 || sw <= 0 || (argc == 4 && strcmp(argv[3], "4096")))
		return sh_unsupported(st, "_scratch_mkfs_geom other than SUNIT_BYTES SWIDTH_MULT [4096]");
	return h_scratch_mkfs(st, 1, av, io);
}

/*
 * _check_scratch_fs / _check_test_fs: xfs_repair -n of the filesystem is
 * the simulator's full invariant check (`check`), which fails the test with
 * its report when the metadata is inconsistent and prints nothing if not.
 */
static int h_check_fs(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	char *av[] = { "check", NULL };

	if (argc > 1)
		return sh_unsupported(st, "a filesystem check of another device");
	return fst_sim(st, io, NULL, 1, av) < 0 ? -1 : 0;
}

/* [[ $S =~ ^[0-9]+$ ]] */
static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!g_ascii_isdigit(*s))
			return false;
	return true;
}

/* Drop the shell's directories under @mnt (a new filesystem has none). */
static void forget_dirs(struct sh_state *st, const char *mnt)
{
	GPtrArray *gone = g_ptr_array_new_with_free_func(g_free);
	gchar *under;

	if (!mnt)
		return;
	under = g_strconcat(mnt, "/", NULL);
	fst_keys_with_prefix(st->dirs, under, gone);
	g_free(under);
	for (guint i = 0; i < gone->len; i++)
		g_tree_remove(st->dirs, g_ptr_array_index(gone, i));
	g_ptr_array_free(gone, TRUE);
}

/*
 * _scratch_mkfs_sized BYTES [BLKSZ]: mkfs.xfs -d size=BYTES.  The machine is
 * made anew with a pmem device of BYTES (one filesystem serves TEST_DIR and
 * SCRATCH_MNT, so both start empty); what the old one logged stays in dmesg,
 * and an invariant it broke still fails the test.
 */
static int h_scratch_mkfs_sized(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	const char *size = arg(argc, argv, 1);
	char *end, err[512];
	unsigned long long bytes;
	struct fst_session *fresh;
	GString *tail;
	gchar *log;

	if (!all_digits(size))
		return sh_stop(st, STOP_NOTRUN, "error: _scratch_mkfs_sized: fs size \"%s\" not an integer.", size);
	if (argc > 2 && !all_digits(argv[2]))
		return sh_stop(st, STOP_NOTRUN, "error: _scratch_mkfs_sized: block size \"%s\" not an integer.",
			       argv[2]);
	if (argc > 2 && strcmp(argv[2], "4096"))
		return sh_stop(st, STOP_NOTRUN, "block size %s is not modelled by daxsim (4096 only)", argv[2]);
	errno = 0;
	bytes = strtoull(size, &end, 10);
	if (errno)
		return sh_stop(st, STOP_NOTRUN, "_scratch_mkfs_sized failed with (%s%s%s) (daxsim: %s)", size,
			       argc > 2 ? " " : "", argc > 2 ? argv[2] : "", g_strerror(errno));
	if (st->jobs)
		return sh_unsupported(st, "_scratch_mkfs_sized after background jobs started");
	bytes &= ~4095ULL;
	/* the old machine's last sweep and its log; one machine exists at a time */
	tail = g_string_new(NULL);
	if (fst_session_failed(st->sim))
		st->sim_failed = true;
	log = g_strdup(fst_session_dmesg(st->sim));
	if (fst_session_free(st->sim, tail))
		st->sim_failed = true;
	g_string_append(st->out_top, tail->str);
	g_string_free(tail, TRUE);
	fresh = fst_session_new_sized(st->file, st->model, st->seed, bytes, err, sizeof(err));
	if (!fresh) {
		char why[600];

		snprintf(why, sizeof(why), "%s", err);
		/* the test goes no further, but its end needs a machine */
		st->sim = fst_session_new(st->file, st->model, st->seed, err, sizeof(err));
		g_free(log);
		return sh_stop(st, STOP_NOTRUN, "_scratch_mkfs_sized failed with (%s%s%s) (daxsim: %s)", size,
			       argc > 2 ? " " : "", argc > 2 ? argv[2] : "", why);
	}
	st->sim = fresh;
	fst_session_log(fresh, log);
	g_free(log);
	forget_dirs(st, sh_getvar(st, "SCRATCH_MNT"));
	forget_dirs(st, sh_getvar(st, "TEST_DIR"));
	return 0;
}

/*
 * _fill_fs SIZE DIR BLKSZ SWITCH_USER (common/populate): files of SIZE
 * bytes in DIR, fallocated, the size halved whenever one does not fit,
 * until not even BLKSZ fits.
 */
static int h_fill_fs(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	long long size, bs;
	const char *dir = arg(argc, argv, 2);
	char *mk[] = { "mkdir", "-p", (char *)dir, NULL };
	int ret;

	if (argc != 5) {
		sh_out(io, "Usage: _fill_fs filesize dir blocksize switch_user\n");
		st->exit_status = 1;
		st->stop = STOP_EXIT;
		return 1;
	}
	if (strcmp(argv[4], "0"))
		return sh_stop(st, STOP_NOTRUN, "users are not modelled by daxsim");
	if (!plain_number(argv[1], &size) || !plain_number(argv[3], &bs) || bs <= 0)
		return sh_unsupported(st, "_fill_fs with sizes that are not numbers");
	ret = sh_builtin_lookup("mkdir")(st, 3, mk, io);
	if (ret < 0)
		return ret;
	{
		gchar *probe = g_strdup_printf("%s/%d.xfs_io", dir, SH_PID), *cmd = g_strdup_printf("falloc 0 %lld", bs);
		GString *junk = g_string_new(NULL);
		struct sh_io cap = { junk, junk, NULL };

		ret = fst_xfs_io_cmd(st, &cap, NULL, cmd, probe);
		g_string_free(junk, TRUE);
		g_free(probe);
		g_free(cmd);
		if (ret < 0)
			return ret;
	}
	if (size < bs)
		size = bs;
	for (long long n = 1; size >= bs; n++) {
		gchar *file = g_strdup_printf("%s/%lld", dir, n), *cmd = g_strdup_printf("falloc 0 %lld", size);
		int64_t got;

		ret = fst_xfs_io_cmd(st, io, NULL, cmd, file);
		got = fst_session_file_size(st->sim, file);
		g_free(file);
		g_free(cmd);
		if (ret < 0)
			return ret;
		if (got < size)
			size /= 2;
		if (n > 100000)
			return sh_unsupported(st, "_fill_fs making more than 100000 files");
	}
	return 0;
}

/* _scratch_mkfs_blocksized N: the simulated filesystem has 4096-byte blocks */
static int h_scratch_mkfs_blocksized(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	char *av[] = { "_scratch_mkfs", NULL };

	if (!all_digits(arg(argc, argv, 1)))
		return sh_stop(st, STOP_NOTRUN, "error: _scratch_mkfs_sized: block size \"%s\" not an integer.",
			       arg(argc, argv, 1));
	if (strcmp(argv[1], "4096"))
		return sh_stop(st, STOP_NOTRUN, "block size %s is not modelled by daxsim (4096 only)", argv[1]);
	return h_scratch_mkfs(st, 1, av, io);
}

static int h_block_size(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	if (argc < 2 || !fst_is_dir(st, argv[1])) {
		sh_out(io, "Missing mount point argument for %s\n", argv[0]);
		st->exit_status = 1;
		st->status = 1;
		sh_setvar(st, "status", "1");
		st->stop = STOP_EXIT;
		return 1;
	}
	sh_out(io, "4096\n");
	return 0;
}

/*
 * _link_out_file_named FILE FEATURES: the golden output is FILE.SUFFIX, where
 * SUFFIX is that of the first line "OPT[,OPT...]: SUFFIX" of the test's
 * .cfg whose every OPT is among the comma-separated FEATURES ("default"
 * when none is), as fstests' helper picks it.
 */
static int link_out(struct sh_state *st, const char *file, const char *features, struct sh_io *io)
{
	gchar *cfg = g_strconcat(st->file, ".cfg", NULL), *text = NULL;
	gchar **feats = g_strsplit(features, ",", -1), **lines;
	const char *suffix = "default";
	gchar *pick = NULL;

	if (!g_file_get_contents(cfg, &text, NULL, NULL)) {
		sh_err(io, "need %s\n", cfg);	/* fstests' _fail */
		g_free(cfg);
		g_strfreev(feats);
		return sh_stop(st, STOP_FAIL, "need %s", cfg);
	}
	lines = g_strsplit(text, "\n", -1);
	for (int i = 0; lines[i] && !pick; i++) {
		gchar **kv = g_regex_split_simple(" *: *", lines[i], 0, 0);
		gchar **opts;
		bool found = true;

		if (!kv[0] || !kv[1]) {
			g_strfreev(kv);
			continue;
		}
		opts = g_strsplit(kv[0], ",", -1);
		for (int o = 0; opts[o] && found; o++)
			found = g_strv_contains((const gchar *const *)feats, opts[o]);
		if (found)
			pick = g_strdup(kv[1]);
		g_strfreev(opts);
		g_strfreev(kv);
	}
	g_free(st->linked_out);
	st->linked_out = g_strdup_printf("%s.%s", file, pick ? pick : suffix);
	g_free(pick);
	g_strfreev(lines);
	g_free(text);
	g_free(cfg);
	g_strfreev(feats);
	return 0;
}

static int h_link_out_file_named(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	if (argc != 3)
		return sh_unsupported(st, "_link_out_file_named takes FILE FEATURES");
	return link_out(st, argv[1], argv[2], io);
}

/* _link_out_file [FEATURES]: FEATURES, or the OS, $FSTYP and the mount options */
static int h_link_out_file(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	gchar *file = g_strconcat(st->file, ".out", NULL), *features;
	const char *mo = sh_getvar(st, "MOUNT_OPTIONS");
	int r;

	if (argc > 1)
		features = g_strdup(argv[1]);
	else if (mo && *mo)
		features = g_strdup_printf("Linux,xfs,%s", g_str_has_prefix(mo, "-o ") ? mo + 3 : mo);
	else
		features = g_strdup("Linux,xfs");
	r = link_out(st, file, features, io);
	g_free(features);
	g_free(file);
	return r;
}

static int h_page_size(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	sh_out(io, "4096\n");
	return 0;
}

/* _round_up_to_page_boundary N: N (an arithmetic expression) up to 4096 */
static int h_round_up_page(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	long long n = 0;
	char err[256];

	if (sh_arith(st, argc > 1 ? argv[1] : "0", &n, err, sizeof(err)))
		return sh_abort(st, "%s", err);
	sh_out(io, "%lld\n", (long long)(((unsigned long long)n + 4095) & ~4095ULL));
	return 0;
}

static int h_filesize(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	int64_t size = argc > 1 ? fst_session_file_size(st->sim, argv[1]) : -1;
	GString *g = argc > 1 ? g_tree_lookup(st->files, argv[1]) : NULL;

	if (g)
		size = (int64_t)g->len;
	if (size < 0) {
		sh_err(io, "stat: cannot statx '%s': No such file or directory\n", arg(argc, argv, 1));
		return 1;
	}
	sh_out(io, "%lld\n", (long long)size);
	return 0;
}

static int h_md5_checksum(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *o = g_string_new(NULL);
	struct sh_io cap = { o, io->fd2, NULL };
	char *av[] = { "md5sum", (char *)arg(argc, argv, 1), NULL };
	int ret = sh_builtin_lookup("md5sum")(st, 2, av, &cap);

	if (ret >= 0 && o->len >= 32) {
		g_string_truncate(o, strcspn(o->str, " "));
		sh_out(io, "%s\n", o->str);
	}
	g_string_free(o, TRUE);
	return ret < 0 ? -1 : 0;
}

/*
 * xfs_io ARGS -f [-c "mmap -rw 0 OFF+LEN"] -c "pread -q -v|mread -v OFF LEN" FILE
 * | cut -d ' ' -f 3-18: the hex bytes only.
 */
static int dump_cut(struct sh_state *st, struct sh_io *io, const char *file, const char *off,
		    const char *len, const char *args, bool mmap, GString *hex)
{
	GString *o = g_string_new(NULL);
	struct sh_io cap = { o, io->fd2, NULL };
	gchar **extra = g_strsplit_set(args ? args : "", " \t", -1);
	GPtrArray *av = g_ptr_array_new_with_free_func(g_free);
	int ret;

	g_ptr_array_add(av, g_strdup("xfs_io"));
	for (int i = 0; extra[i]; i++)
		if (*extra[i])
			g_ptr_array_add(av, g_strdup(extra[i]));
	g_ptr_array_add(av, g_strdup("-f"));
	if (mmap) {
		g_ptr_array_add(av, g_strdup("-c"));
		g_ptr_array_add(av, g_strdup_printf("mmap -rw 0 %lld", atoll(off) + atoll(len)));
	}
	g_ptr_array_add(av, g_strdup("-c"));
	g_ptr_array_add(av, g_strdup_printf("%s %s %s", mmap ? "mread -v" : "pread -q -v", off, len));
	g_ptr_array_add(av, g_strdup(file));
	g_ptr_array_add(av, NULL);
	ret = fst_xfs_io(st, (int)av->len - 1, (char **)av->pdata, &cap);
	g_ptr_array_free(av, TRUE);
	g_strfreev(extra);
	for (const char *s = o->str; ret >= 0 && *s;) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		int field = 1;

		for (size_t k = 0, start = 0; k <= n; k++) {
			if (k == n || s[k] == ' ') {
				if (field >= 3 && field <= 18) {
					if (field > 3)
						g_string_append_c(hex, ' ');
					g_string_append_len(hex, s + start, (gssize)(k - start));
				}
				field++;
				start = k + 1;
			}
		}
		g_string_append_c(hex, '\n');
		s += n + (e ? 1 : 0);
	}
	g_string_free(o, TRUE);
	return ret;
}

/* A plain decimal number (what fstests passes after its $(( ))). */
static bool plain_number(const char *s, long long *v)
{
	char *end;

	if (!*s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return !*end && !errno;
}

/*
 * The dump of OFF LEN, in pieces the simulator's dump limit allows: xfs_io
 * reads in buffers of its own too, so the file may change between pieces
 * on a real machine as well; only the hex bytes are kept, so the text is
 * the same as one dump's.
 */
static int dump_range(struct sh_state *st, struct sh_io *io, const char *file, const char *off,
		      const char *len, const char *args, bool mmap, GString *hex)
{
	long long o, l;
	int ret = 0;

	if (!strcmp(file, "/dev/zero")) {
		/* xfs_io's pread -v of zeros: 16 bytes a line, every line printed */
		if (!plain_number(off, &o) || !plain_number(len, &l) || l % 16 || l > (64LL << 20) ||
		    mmap || (args && *args))
			return sh_unsupported(st, "a range of /dev/zero other than whole lines of 16 bytes");
		for (long long k = 0; k < l; k += 16)
			g_string_append(hex, "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n");
		return 0;
	}
	if (!plain_number(off, &o) || !plain_number(len, &l) || l <= (long long)DUMP_LIMIT ||
	    (mmap && l > (1LL << 30)))
		return dump_cut(st, io, file, off, len, args, mmap, hex);
	for (long long done = 0; done < l && ret >= 0; done += (long long)DUMP_LIMIT) {
		char po[32], pl[32];
		long long n = MIN((long long)DUMP_LIMIT, l - done);

		snprintf(po, sizeof(po), "%lld", o + done);
		snprintf(pl, sizeof(pl), "%lld", n);
		ret = dump_cut(st, io, file, po, pl, args, mmap, hex);
	}
	return ret;
}

static int read_range(struct sh_state *st, struct sh_io *io, const char *file, const char *off,
		      const char *len, const char *args, GString *hex)
{
	return dump_range(st, io, file, off, len, args, false, hex);
}

/* _read_range / _mread_range FILE OFF LEN [XFS_IO_ARGS]: the hex bytes,
 * read by pread or through a shared mapping */
static int h_read_range(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *hex = g_string_new(NULL);
	int ret = dump_range(st, io, arg(argc, argv, 1), arg(argc, argv, 2), arg(argc, argv, 3),
			     arg(argc, argv, 4), !strcmp(argv[0], "_mread_range"), hex);

	if (ret >= 0)
		sh_out(io, "%s", hex->str);
	g_string_free(hex, TRUE);
	return ret < 0 ? -1 : 0;
}

static int h_compare_range(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *a = g_string_new(NULL), *b = g_string_new(NULL);
	int ret = read_range(st, io, arg(argc, argv, 1), arg(argc, argv, 2), arg(argc, argv, 5), "", a);

	if (ret >= 0)
		ret = read_range(st, io, arg(argc, argv, 3), arg(argc, argv, 4), arg(argc, argv, 5), "", b);
	if (ret >= 0)
		ret = strcmp(a->str, b->str) ? 1 : 0;
	g_string_free(a, TRUE);
	g_string_free(b, TRUE);
	return ret;
}

/*
 * _within_tolerance's arithmetic is bc's with scale=5: exact decimals, sums
 * at the larger scale, a product at min(its exact scale, max(5, the
 * operands' scales)), truncated; printed without a leading 0 (".02").
 */
struct bcnum {
	__int128	m;	/* the value is m / 10^s */
	int		s;
};

static __int128 pow10i(int n)
{
	__int128 p = 1;

	while (n-- > 0)
		p *= 10;
	return p;
}

static bool bc_parse(const char *t, struct bcnum *v)
{
	bool neg = *t == '-', digits = false;

	v->m = 0;
	v->s = 0;
	t += neg;
	for (; g_ascii_isdigit(*t); t++, digits = true)
		v->m = v->m * 10 + (*t - '0');
	if (*t == '.')
		for (t++; g_ascii_isdigit(*t); t++, digits = true, v->s++)
			v->m = v->m * 10 + (*t - '0');
	if (neg)
		v->m = -v->m;
	return digits && !*t && v->s <= 18 && v->m < pow10i(30) && v->m > -pow10i(30);
}

static struct bcnum bc_scaled(struct bcnum a, int s)
{
	a.m *= pow10i(s - a.s);
	a.s = s;
	return a;
}

static struct bcnum bc_add(struct bcnum a, struct bcnum b, int sign)
{
	int s = MAX(a.s, b.s);

	a = bc_scaled(a, s);
	b = bc_scaled(b, s);
	a.m += sign * b.m;
	return a;
}

static struct bcnum bc_mul(struct bcnum a, struct bcnum b)
{
	struct bcnum r = { a.m * b.m, a.s + b.s };
	int s = MIN(r.s, MAX(5, MAX(a.s, b.s)));

	r.m /= pow10i(r.s - s);		/* C division truncates toward zero, as bc does */
	r.s = s;
	return r;
}

static int bc_cmp(struct bcnum a, struct bcnum b)
{
	int s = MAX(a.s, b.s);

	a = bc_scaled(a, s);
	b = bc_scaled(b, s);
	return a.m < b.m ? -1 : a.m > b.m;
}

/* As bc prints it, then with the trailing zeros of a fraction dropped (the helper's sed). */
static void bc_print(char *buf, size_t n, struct bcnum v)
{
	__int128 a = v.m < 0 ? -v.m : v.m, ip = a / pow10i(v.s), fp = a % pow10i(v.s);
	char digits[48], frac[24];
	int k = 0, fs = v.s;

	if (!a) {
		snprintf(buf, n, "0");
		return;
	}
	do
		digits[k++] = (char)('0' + (int)(ip % 10));
	while ((ip /= 10));
	while (fs > 0 && fp % 10 == 0) {	/* sed -e '/\./s/0*$//' */
		fp /= 10;
		fs--;
	}
	for (int i = fs - 1; i >= 0; i--, fp /= 10)
		frac[i] = (char)('0' + (int)(fp % 10));
	frac[fs] = 0;
	{
		GString *g = g_string_new(v.m < 0 ? "-" : "");

		if (a >= pow10i(v.s))		/* bc drops a 0 integer part */
			while (k)
				g_string_append_c(g, digits[--k]);
		if (fs)
			g_string_append_printf(g, ".%s", frac);
		snprintf(buf, n, "%s", g->str);
		g_string_free(g, TRUE);
	}
}

/* CORRECT -/+ TOL, or -/+ TOL% of CORRECT (TOL*0.01*CORRECT, left to right) */
static bool tol_bound(const char *tol, struct bcnum correct, int sign, struct bcnum *out)
{
	gchar *t = g_strdup(tol);
	size_t l = strlen(t);
	bool pct = l && t[l - 1] == '%', ok;
	struct bcnum v, hundredth = { 1, 2 };

	if (pct)
		t[l - 1] = 0;
	ok = bc_parse(t, &v);
	g_free(t);
	if (!ok)
		return false;
	if (pct)
		v = bc_mul(bc_mul(v, hundredth), correct);
	*out = bc_add(correct, v, sign);
	return true;
}

/* _within_tolerance NAME GIVEN CORRECT MINTOL [MAXTOL] [-v] */
static int h_within_tolerance(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	const char *maxtol;
	bool verbose = false;
	struct bcnum given, correct, min, max;
	char smin[64], smax[64];

	if (argc < 5 || argc > 7)
		return sh_unsupported(st, "_within_tolerance arguments");
	maxtol = argv[4];
	if (argc >= 6) {
		if (!strcmp(argv[5], "-v"))
			verbose = true;
		else
			maxtol = argv[5];
	}
	if (argc == 7 && !strcmp(argv[6], "-v"))
		verbose = true;
	if (!bc_parse(argv[2], &given) || !bc_parse(argv[3], &correct) ||
	    !tol_bound(argv[4], correct, -1, &min) || !tol_bound(maxtol, correct, 1, &max))
		return sh_unsupported(st, "_within_tolerance with values bc would not take");
	if (bc_cmp(min, given) <= 0 && bc_cmp(given, max) <= 0) {
		if (verbose)
			sh_out(io, "%s is in range\n", argv[1]);
		return 0;
	}
	bc_print(smin, sizeof(smin), min);
	bc_print(smax, sizeof(smax), max);
	if (verbose)
		sh_out(io, "%s has value of %s\n%s is NOT in range %s .. %s\n", argv[1], argv[2], argv[1],
		       smin, smax);
	return 1;
}

static int h_available_space(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	uint64_t blocks, bfree;

	if (argc < 2 || !fst_is_dir(st, argv[1]) || !fst_session_statfs(st->sim, &blocks, &bfree))
		return sh_unsupported(st, "_get_available_space of this path");
	sh_out(io, "%llu\n", (unsigned long long)bfree * 4096);
	return 0;
}

/* Control --------------------------------------------------------------- */

static int h_begin_fstest(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	gchar *seqres, *full;

	if (st->begun) {
		sh_out(io, "_begin_fstest can only be called once!\n");
		st->exit_status = st->status = 1;
		st->stop = STOP_EXIT;
		return 1;
	}
	st->begun = true;
	seqres = g_strdup_printf("%s/%s", sh_getvar(st, "RESULT_DIR"), sh_getvar(st, "seq"));
	sh_setvar(st, "seqres", seqres);
	sh_out(io, "QA output created by %s\n", sh_getvar(st, "seq"));
	sh_setvar(st, "tmp", "/tmp/" SH_PID_STR);
	sh_setvar(st, "status", "1");		/* failure is the default */
	sh_setvar(st, "@cleanup", "_cleanup");
	full = g_strconcat(seqres, ".full", NULL);
	g_tree_remove(st->files, full);
	g_free(full);
	g_free(seqres);
	return 0;
}

static int h_register_cleanup(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	sh_setvar(st, "@cleanup", arg(argc, argv, 1));
	return 0;
}

static int h_notrun(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	gchar *msg = g_strjoinv(" ", argv + 1);

	sh_stop(st, STOP_NOTRUN, "%s", msg);
	g_free(msg);
	return -1;
}

static int h_fail(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	gchar *msg = g_strjoinv(" ", argv + 1);

	sh_out(io, "%s\n(see %s.full for details)\n", msg, sh_getvar(st, "seqres"));
	g_free(msg);
	sh_setvar(st, "status", "1");
	st->exit_status = st->status = 1;
	st->stop = STOP_EXIT;
	return 1;
}

static int h_exit(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	sh_setvar(st, "status", arg(argc, argv, 1));
	st->exit_status = st->status = atoi(arg(argc, argv, 1));
	st->stop = STOP_EXIT;
	return st->status;
}

/* dmesg lines fstests' _check_dmesg treats as a failure. */
bool fst_dmesg_bad(const char *log);
bool fst_dmesg_bad(const char *log)
{
	static const char *const bad[] = {
		"WARNING:", "BUG:", "Oops", "kernel BUG at", "possible recursive locking",
		"possible circular locking", "INFO: task", "UBSAN:", "general protection fault",
		"Internal error", "XFS: Assertion failed", "INFO: possible irq lock inversion",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
		if (strstr(log, bad[i]))
			return true;
	return false;
}

static int h_check_dmesg(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	if (fst_dmesg_bad(fst_session_dmesg(st->sim))) {
		sh_out(io, "_check_dmesg: something found in dmesg (see %s.dmesg)\n", sh_getvar(st, "seqres"));
		return 1;
	}
	return 0;
}

static int h_dmesg(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	sh_out(io, "%s", fst_session_dmesg(st->sim));
	return 0;
}

/* _require_* ------------------------------------------------------------- */

static int h_require_xfs_io_command(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	const struct cmdinfo *ci = argc > 1 ? cmd_lookup(argv[1]) : NULL;

	if (!*arg(argc, argv, 1)) {
		sh_err(io, "Usage: _require_xfs_io_command command [switch]\n");
		st->exit_status = st->status = 1;
		sh_setvar(st, "status", "1");
		st->stop = STOP_EXIT;
		return 1;
	}
	if (!ci || (ci->flags & CMD_SIM) ||
	    (argc > 2 && (argv[2][0] != '-' || !ci->opts || !strchr(ci->opts, argv[2][1]))))
		return sh_stop(st, STOP_NOTRUN, "xfs_io %s%s%s support is missing", arg(argc, argv, 1),
			       argc > 2 ? " " : "", arg(argc, argv, 2));
	return 0;
}

static int h_require_command(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	const char *prog = arg(argc, argv, 1);
	const char *name = argc > 2 ? argv[2] : prog;

	if (!*prog || !fst_helper_lookup(prog))
		return sh_stop(st, STOP_NOTRUN, "%s utility required, skipped this test", name);
	return 0;
}

static int h_require_test_program(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	if (!fst_src_lookup(arg(argc, argv, 1)))
		return sh_stop(st, STOP_NOTRUN, "%s/src/%s not built", sh_getvar(st, "here"),
			       arg(argc, argv, 1));
	return 0;
}

static int h_require_congruent(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	long long len = atoll(arg(argc, argv, 2));

	if (len < 4096)
		return sh_stop(st, STOP_NOTRUN, "%s: file alloc unit 4096 larger than op length %lld",
			       arg(argc, argv, 1), len);
	if (len % 4096)
		return sh_stop(st, STOP_NOTRUN, "%s: file alloc unit 4096 not congruent with op length %lld",
			       arg(argc, argv, 1), len);
	return 0;
}

static int h_exclude_fs(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	if (!strcmp(arg(argc, argv, 1), "xfs"))
		return sh_stop(st, STOP_NOTRUN, "not suitable for this filesystem type: xfs");
	return 0;
}

/* The mounts are dax=always: excluding dax (or dax=always) skips the test. */
static int h_exclude_mount_option(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "dax") || !strcmp(argv[i], "dax=always"))
			return sh_stop(st, STOP_NOTRUN, "mount option \"%s\" not allowed in this test", argv[i]);
	return 0;
}

static int h_require_chattr(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	if (strcmp(arg(argc, argv, 1), "x"))
		return sh_stop(st, STOP_NOTRUN, "file system doesn't support chattr +%s", arg(argc, argv, 1));
	return 0;
}

/* The _require_* checks the simulated machine meets, or why not. */
static const struct {
	const char	*name;
	const char	*notrun;	/* NULL: satisfied */
} requires[] = {
	{ "_require_test", NULL },
	{ "_require_scratch", NULL },
	{ "_require_scratch_nocheck", NULL },
	{ "_require_test_reflink", NULL },
	{ "_require_scratch_reflink", NULL },
	{ "_require_cp_reflink", NULL },
	{ "_require_test_dedupe", NULL },
	{ "_require_scratch_dedupe", NULL },
	{ "_require_scratch_explicit_shared_extents", NULL },
	{ "_require_check_dmesg", NULL },
	{ "_require_dax_iflag", NULL },
	{ "_require_scratch_dax_mountopt", NULL },
	{ "_require_xfs_scratch_rmapbt", NULL },
	{ "_require_scratch_rmapbt", NULL },
	{ "_require_metadata_journaling", NULL },
	{ "_require_fs_space", NULL },
	{ "_require_no_large_scratch_dev", NULL },
	{ "_require_no_logdev", NULL },
	{ "_require_no_compress", NULL },
	/* /sys/fs/xfs/debug/always_cow does not exist: a non-debug XFS */
	{ "_require_no_xfs_always_cow", NULL },
	{ "_require_scratch_xfs_crc", NULL },
	{ "_require_log_writes_dax_mountopt", "dm-log-writes is not modelled by daxsim" },
	{ "_require_log_writes", "dm-log-writes is not modelled by daxsim" },
	{ "_require_arbitrary_fileset_reflink", NULL },
	{ "_require_xfs_io_shutdown", "shutdown ioctls are not modelled by daxsim" },
	{ "_require_test_lsattr", "lsattr is not modelled by daxsim" },
	{ "_require_xfs_nocrc", "V4 (non-CRC) filesystems are not modelled by daxsim" },
	{ "_require_duplicate_fsid", "filesystem UUIDs are not modelled by daxsim" },
	/* DAX writes go straight to the media: never delayed allocation */
	{ "_require_scratch_delalloc", "test requires delayed allocation buffered writes" },
	/* the simulated x86-64 has 2 MiB huge pages (PMD leaves) */
	{ "_require_hugepages", NULL },
	/* XFS: SEEK_DATA/SEEK_HOLE (iomap_seek_data/hole), and sparse files */
	{ "_require_seek_data_hole", NULL },
	{ "_require_sparse_files", NULL },
	{ "_require_hardlinks", "hard links are not modelled by daxsim" },
	{ "_require_symlinks", "symbolic links are not modelled by daxsim" },
	{ "_require_mknod", "device nodes are not modelled by daxsim" },
	{ "_require_scratch_swapfile", "swap files are not modelled by daxsim" },
	{ "_require_error_injection", "error injection is not modelled by daxsim" },
	/* O_DIRECT: the same I/O on a DAX file, around the cache on the page cache */
	{ "_require_odirect", NULL },
	{ "_require_aiodio", "AIO is not modelled by daxsim" },
	{ "_require_scratch_shutdown", "shutdown ioctls are not modelled by daxsim" },
	{ "_require_xfs_io_error_injection", "error injection is not modelled by daxsim" },
	{ "_require_freeze", "freeze is not modelled by daxsim" },
	{ "_require_scratch_richacl", "ACLs are not modelled by daxsim" },
	{ "_require_acls", "ACLs are not modelled by daxsim" },
	{ "_require_attrs", "extended attributes are not modelled by daxsim" },
	{ "_require_quota", "quotas are not modelled by daxsim" },
	{ "_require_user", "users are not modelled by daxsim" },
	{ "_require_realtime", "the realtime device is not modelled by daxsim" },
	{ "_require_loop", "loop devices are not modelled by daxsim" },
	{ "_require_dm_target", "device mapper is not modelled by daxsim" },
	{ "_require_xfs_debug", "XFS debug knobs are not modelled by daxsim" },
	{ "_require_cgroup2", "cgroups are not modelled by daxsim" },
};

/*
 * _xfs_force_bdev data|realtime PATH: `chattr -t` / `chattr +t`.  There is
 * no realtime device, so every file is on the data device already.
 */
static int h_xfs_force_bdev(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	if (argc == 3 && !strcmp(argv[1], "data") && fst_path_in_sim(st, argv[2]) &&
	    (fst_is_dir(st, argv[2]) || fst_session_file_size(st->sim, argv[2]) >= 0))
		return 0;
	return sh_unsupported(st, "_xfs_force_bdev other than data on a file or directory");
}

/*
 * _test_fsxattr_xflag PATH FLAG: is FLAG among the names `xfs_io -c "stat -v"`
 * prints in fsxattr.xflags?  They are lsattr -v's names (io_lsattr).
 */
static int h_test_fsxattr_xflag(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	struct xfs_inode *ip = NULL;
	GString *o;
	bool hit;

	if (argc != 3 || !fst_path_in_sim(st, argv[1]))
		return sh_unsupported(st, "_test_fsxattr_xflag takes a simulated PATH and a FLAG");
	if (fst_is_dir(st, argv[1]))
		ip = fst_session_dir(st->sim, argv[1]);
	else if (fst_session_file_size(st->sim, argv[1]) >= 0)
		ip = fst_session_inode(st->sim, argv[1]);
	if (!ip)
		return 1;	/* xfs_io cannot open it: nothing to grep */
	o = g_string_new(NULL);
	io_lsattr(o, ip, "", true);	/* "[name, name] " */
	*strchr(o->str, ']') = 0;
	hit = strstr(o->str, argv[2]) != NULL;	/* grep "\[.*FLAG.*\]" */
	g_string_free(o, TRUE);
	return hit ? 0 : 1;
}

static int h_require(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	for (size_t i = 0; i < G_N_ELEMENTS(requires); i++)
		if (!strcmp(requires[i].name, argv[0]))
			return requires[i].notrun ? sh_stop(st, STOP_NOTRUN, "%s", requires[i].notrun) : 0;
	return sh_unsupported(st, "a _require_ check daxsim does not know");
}

static int h_check_dmesg_for(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	regex_t re;
	int ret = 1;
	gchar **lines;

	if (argc != 2 || regcomp(&re, argv[1], REG_EXTENDED | REG_NOSUB))
		return sh_unsupported(st, "_check_dmesg_for takes one extended regular expression");
	lines = g_strsplit(fst_session_dmesg(st->sim), "\n", -1);
	for (int i = 0; lines[i] && ret; i++)
		if (!regexec(&re, lines[i], 0, NULL, 0))
			ret = 0;
	g_strfreev(lines);
	regfree(&re);
	return ret;
}

/* xfs_io -r -c fiemap FILE into @o; 0 or -1 */
static int fiemap_text(struct sh_state *st, struct sh_io *io, const char *file, GString *o)
{
	struct sh_io cap = { o, io->fd2, NULL };
	char *av[] = { "xfs_io", "-r", "-c", "fiemap", (char *)file, NULL };

	return fst_xfs_io(st, 5, av, &cap) < 0 ? -1 : 0;
}

/* _verify_reflink F1 F2: two inodes with the same extents */
static int h_verify_reflink(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *m[2] = { g_string_new(NULL), g_string_new(NULL) };
	const char *f[2] = { arg(argc, argv, 1), arg(argc, argv, 2) };
	uint64_t ino[2];
	int ret = 0;

	/* cmp -s <(stat -c '%i' F1) <(stat -c '%i' F2): a missing file's is empty */
	for (int k = 0; k < 2; k++) {
		ino[k] = fst_session_file_ino(st->sim, f[k]);
		if (!ino[k])
			sh_err(io, "stat: cannot statx '%s': No such file or directory\n", f[k]);
	}
	if (ino[0] == ino[1])
		sh_out(io, "%s and %s are not reflinks: same inode number\n", f[0], f[1]);
	for (int k = 0; k < 2 && !ret; k++) {
		GString *o = g_string_new(NULL);

		ret = fiemap_text(st, io, f[k], o);
		/* grep -v FILE: the name line goes */
		for (gchar **l = g_strsplit(o->str, "\n", -1), **p = l; *p || (g_strfreev(l), 0); p++)
			if (**p && !strstr(*p, f[k]))
				g_string_append_printf(m[k], "%s\n", *p);
		g_string_free(o, TRUE);
	}
	if (!ret) {
		if (strcmp(m[0]->str, m[1]->str)) {
			GString *d = fst_unified_diff(m[0]->str, m[1]->str, "/dev/fd/63", "/dev/fd/62");

			sh_out(io, "%s%s and %s are not reflinks: different extents\n", d->str, f[0], f[1]);
			g_string_free(d, TRUE);
		}
	}
	g_string_free(m[0], TRUE);
	g_string_free(m[1], TRUE);
	return ret;
}

/* _count_extents FILE: fiemap rows that are not holes; _count_holes: that are */
static int h_count_extents(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	bool holes = !strcmp(argv[0], "_count_holes");
	GString *o = g_string_new(NULL);
	struct sh_io cap = { o, io->fd2, NULL };
	char *av[] = { "xfs_io", "-r", "-c", "fiemap", (char *)arg(argc, argv, 1), NULL };
	int ret = fst_xfs_io(st, 5, av, &cap), n = 0;
	gchar **lines = g_strsplit(o->str, "\n", -1);

	for (int i = 1; ret >= 0 && lines[i]; i++)
		if ((*lines[i] || lines[i + 1]) && !strstr(lines[i], "hole") != holes)
			n++;
	if (ret >= 0)
		sh_out(io, "%d\n", n);
	g_strfreev(lines);
	g_string_free(o, TRUE);
	return ret < 0 ? -1 : 0;
}

/* _md5_range_checksum FILE OFF LEN: the md5 of _read_range's text */
static int h_md5_range_checksum(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *hex = g_string_new(NULL);
	int ret = read_range(st, io, arg(argc, argv, 1), arg(argc, argv, 2), arg(argc, argv, 3), "", hex);

	if (ret >= 0) {
		gchar *sum = g_compute_checksum_for_string(G_CHECKSUM_MD5, hex->str, (gssize)hex->len);

		sh_out(io, "%s\n", sum);
		g_free(sum);
	}
	g_string_free(hex, TRUE);
	return ret < 0 ? -1 : 0;
}

/* _check_s_dax FILE 0|1: statx's STATX_ATTR_DAX against the expectation */
static int h_check_s_dax(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	GString *o = g_string_new(NULL);
	struct sh_io cap = { o, io->fd2, NULL };
	char *av[] = { "xfs_io", "-c", "statx -r", (char *)arg(argc, argv, 1), NULL };
	const char *a;
	unsigned long long attrs = 0;
	int ret = fst_xfs_io(st, 4, av, &cap);

	if (ret < 0) {
		g_string_free(o, TRUE);
		return -1;
	}
	a = strstr(o->str, "stat.attributes = ");
	if (a)
		attrs = strtoull(a + strlen("stat.attributes = "), NULL, 0);
	g_string_free(o, TRUE);
	ret = 0;
	if (attrs & 0x2000)
		sh_out(io, "%s has an unexpected STATX_ATTR_MOUNT_ROOT flag set\nwhich used to be STATX_ATTR_DAX\n"
		       "     This test should not be running on the root inode...\n"
		       "     Does the kernel have the following patch?\n"
		       "     72d1249e2ffd uapi: fix statx attribute value overlap for DAX & MOUNT_ROOT\n",
		       arg(argc, argv, 1));
	if (!atoi(arg(argc, argv, 2)) && (attrs & 0x00200000)) {
		sh_out(io, "%s has unexpected S_DAX flag\n", arg(argc, argv, 1));
		ret = 1;
	} else if (atoi(arg(argc, argv, 2)) && !(attrs & 0x00200000)) {
		sh_out(io, "%s doesn't have expected S_DAX flag\n", arg(argc, argv, 1));
		ret = 2;
	}
	return ret;
}

/* _xfs_has_feature MNT FEATURE [-v]: the simulated mkfs's features */
static int h_xfs_has_feature(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	static const char *const yes[] = { "crc", "reflink", "rmapbt", "finobt", "sparse", "ftype" };
	static const char *const no[] = { "realtime", "rtgroups", "quota", "uquota", "gquota", "pquota" };
	const char *feat = arg(argc, argv, 2);
	bool verbose = argc > 3 && !strcmp(argv[3], "-v");
	int has = -1;

	for (size_t i = 0; i < G_N_ELEMENTS(yes); i++)
		if (!strcmp(feat, yes[i]))
			has = 1;
	for (size_t i = 0; i < G_N_ELEMENTS(no); i++)
		if (!strcmp(feat, no[i]))
			has = 0;
	if (has < 0)
		return sh_unsupported(st, "an XFS feature daxsim does not know");
	if (verbose)
		sh_out(io, "%d\n", has);
	return has ? 0 : 1;
}

/* The table ----------------------------------------------------------------- */

static const struct {
	const char	*name;
	sh_cmd_fn	fn;
} helpers[] = {
	{ "xfs_io", h_xfs_io },
	{ "filefrag", fst_filefrag },
	{ "_begin_fstest", h_begin_fstest },
	{ "_register_cleanup", h_register_cleanup },
	{ "_notrun", h_notrun },
	{ "_fail", h_fail },
	{ "_exit", h_exit },
	{ "_pwrite_byte", h_pwrite_byte },
	{ "_mwrite_byte", h_mwrite_byte }, { "_mread", h_mread },
	{ "_reflink", h_reflink },
	{ "_reflink_range", h_reflink_range },
	{ "_dedupe_range", h_reflink_range },
	{ "_cp_reflink", h_cp_reflink },
	{ "_test_cycle_mount", h_cycle_mount },
	{ "_scratch_cycle_mount", h_cycle_mount },
	{ "_scratch_mkfs", h_scratch_mkfs },
	{ "_scratch_mkfs_xfs", h_scratch_mkfs },	/* the same mkfs.xfs without options */
	{ "_scratch_mkfs_geom", h_scratch_mkfs_geom },
	{ "_get_hugepagesize", h_hugepagesize },
	{ "_check_scratch_fs", h_check_fs },
	{ "_check_test_fs", h_check_fs },
	{ "_scratch_mkfs_blocksized", h_scratch_mkfs_blocksized },
	{ "_scratch_mkfs_sized", h_scratch_mkfs_sized },
	{ "_fill_fs", h_fill_fs },
	{ "_scratch_mount", h_mount },
	{ "_fixed_by_kernel_commit", h_ok },
	/* common/reflink: true but on ocfs2 (FSTYP is xfs) */
	{ "_supports_arbitrary_fileset_reflink", h_ok },
	{ "_xfs_force_bdev", h_xfs_force_bdev },
	{ "_test_fsxattr_xflag", h_test_fsxattr_xflag },
	{ "_fixed_by_git_commit", h_ok },
	{ "_test_sync", h_ok },
	{ "_scratch_sync", h_ok },
	{ "_exclude_fs", h_exclude_fs },
	{ "_exclude_scratch_mount_option", h_exclude_mount_option },
	{ "_exclude_test_mount_option", h_exclude_mount_option },
	{ "_require_chattr", h_require_chattr },
	{ "_scratch_unmount", h_ok },
	{ "umount", h_umount },
	{ "_test_mount", h_mount },
	{ "_test_unmount", h_ok },
	{ "_get_file_block_size", h_block_size },
	{ "_get_block_size", h_block_size },
	{ "_get_page_size", h_page_size },
	{ "_link_out_file", h_link_out_file },
	{ "_link_out_file_named", h_link_out_file_named },
	{ "_round_up_to_page_boundary", h_round_up_page },
	{ "_get_filesize", h_filesize },
	{ "_md5_checksum", h_md5_checksum },
	{ "_read_range", h_read_range },
	{ "_mread_range", h_read_range },
	{ "_compare_range", h_compare_range },
	{ "_check_dmesg", h_check_dmesg },
	{ "_dmesg_since_test_start", h_dmesg },
	{ "_check_dmesg_for", h_check_dmesg_for },
	{ "_within_tolerance", h_within_tolerance },
	{ "_count_extents", h_count_extents },
	{ "_count_holes", h_count_extents },
	{ "_verify_reflink", h_verify_reflink },
	{ "_md5_range_checksum", h_md5_range_checksum },
	{ "_check_s_dax", h_check_s_dax },
	{ "_xfs_has_feature", h_xfs_has_feature },
	{ "_get_available_space", h_available_space },
	{ "_require_xfs_io_command", h_require_xfs_io_command },
	{ "_require_command", h_require_command },
	{ "_require_test_program", h_require_test_program },
	{ "_require_congruent_file_oplen", h_require_congruent },
};

int fst_hexdump(struct sh_state *st, int argc, char **argv, struct sh_io *io);

sh_cmd_fn fst_helper_lookup(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(helpers); i++)
		if (!strcmp(helpers[i].name, name))
			return helpers[i].fn;
	if (!strcmp(name, "_hexdump"))
		return fst_hexdump;
	if (fst_weave_lookup(name))
		return fst_weave_lookup(name);
	if (fst_filter_lookup(name))
		return fst_filter_lookup(name);
	if (!strncmp(name, "_require_", 9))
		return h_require;
	return NULL;
}
