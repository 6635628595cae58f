// SPDX-License-Identifier: MIT
/*
 * fstests' weave helpers (common/reflink): files of interleaved reflinked,
 * regular, unwritten and hole blocks, each written alongside a .chk file
 * holding the bytes the woven file must read back.  Each helper is a plan:
 * whole-file steps, then loops over block numbers START, START+STEP, ...
 * below NR, each iteration running its steps in order, as the shell
 * helpers' `seq START STEP $((nr - 1)) | while read i` loops do (the order
 * matters: it is the order blocks are allocated in).
 *
 * Files in a plan: 'a' is the third argument, 'b' the fourth; upper case
 * is that file's ".chk".  Steps: 'w' _pwrite_byte BYTE, 'f' falloc,
 * 't' truncate (whole file only), 'r' _reflink_range a -> b of the block.
 */
#include <stdlib.h>
#include <string.h>

#include "fstests.h"

struct weave_step {
	char	op;
	char	file;
	int	byte;
};

struct weave_loop {
	int			start, step;	/* start < 0: the whole file */
	struct weave_step	steps[2];
};

struct weave {
	const char		*name;
	int			nargs;		/* 3 or 4 */
	const char		*names;		/* the shell helper's parameter names ("" if local) */
	struct weave_loop	loops[8];
};

#define W(b, f)		{ 'w', f, b }
#define F(f)		{ 'f', f, 0 }
#define T(f)		{ 't', f, 0 }
#define RL		{ 'r', 'a', 0 }
#define WHOLE(s)	{ -1, 0, { s } }

static const struct weave weaves[] = {
	{ "_weave_reflink_unwritten", 4, "blksz nr sfile dfile", {
		WHOLE(W(0x61, 'a')), WHOLE(F('b')), WHOLE(W(0x00, 'B')),
		{ 0, 2, { RL, W(0x61, 'B') } } } },
	{ "_weave_reflink_holes", 4, "blksz nr sfile dfile", {
		WHOLE(W(0x61, 'a')), WHOLE(T('b')), WHOLE(W(0x00, 'B')),
		{ 0, 2, { RL, W(0x61, 'B') } } } },
	{ "_weave_reflink_holes_delalloc", 3, "blksz nr dfile", {
		{ 1, 2, { W(0x62, 'a'), W(0x62, 'A') } } } },
	{ "_weave_reflink_regular", 4, "blksz nr sfile dfile", {
		WHOLE(W(0x61, 'a')), WHOLE(W(0x62, 'b')), WHOLE(W(0x62, 'B')),
		{ 0, 2, { RL, W(0x61, 'B') } } } },
	{ "_weave_file_rainbow", 3, "blksz nr dfile", {
		WHOLE(T('a')), WHOLE(W(0x00, 'A')),
		{ 1, 5, { F('a'), W(0x00, 'A') } },
		{ 2, 5, { W(0x00, 'A') } },
		{ 3, 5, { W(0x71, 'a'), W(0x71, 'A') } },
		{ 2, 5, { W(0x00, 'A') } },
		{ 4, 5, { W(0x62, 'a'), W(0x62, 'A') } } } },
	{ "_weave_reflink_rainbow", 4, "blksz nr sfile dfile", {
		WHOLE(W(0x61, 'a')), WHOLE(T('b')), WHOLE(W(0x00, 'B')),
		{ 0, 5, { RL, W(0x61, 'B') } },
		{ 1, 5, { F('b'), W(0x00, 'B') } },
		{ 2, 5, { W(0x00, 'B') } },
		{ 3, 5, { W(0x71, 'b'), W(0x71, 'B') } } } },
	{ "_weave_reflink_rainbow_delalloc", 3, "blksz nr dfile", {
		{ 4, 5, { W(0x62, 'a'), W(0x62, 'A') } } } },
	{ "_sweave_reflink_regular", 4, "blksz nr sfile dfile", {
		WHOLE(W(0x61, 'a')), WHOLE(W(0x62, 'b')), WHOLE(W(0x61, 'A')),
		{ 1, 2, { RL } } } },
	{ "_sweave_reflink_unwritten", 4, "blksz nr sfile dfile", {
		WHOLE(F('a')), WHOLE(W(0x00, 'A')), WHOLE(W(0x62, 'b')),
		{ 1, 2, { W(0x61, 'a'), W(0x61, 'A') } },
		{ 1, 2, { RL } } } },
	{ "_sweave_reflink_holes", 4, "blksz nr sfile dfile", {
		WHOLE(T('a')), WHOLE(W(0x00, 'A')), WHOLE(W(0x62, 'b')),
		{ 1, 2, { W(0x61, 'a'), W(0x61, 'A') } },
		{ 1, 2, { RL } } } },
	{ "_sweave_reflink_holes_delalloc", 3, "blksz nr sfile", {
		{ 0, 2, { W(0x64, 'a'), W(0x64, 'A') } } } },
	{ "_sweave_reflink_rainbow", 4, "", {
		WHOLE(T('a')), WHOLE(W(0x00, 'A')), WHOLE(W(0x61, 'b')),
		{ 0, 5, { W(0x61, 'a'), W(0x61, 'A') } },
		{ 0, 5, { RL, W(0x61, 'A') } },
		{ 1, 5, { F('a'), W(0x00, 'A') } },
		{ 2, 5, { W(0x00, 'A') } },
		{ 3, 5, { W(0x71, 'a'), W(0x71, 'A') } } } },
	{ "_sweave_reflink_rainbow_delalloc", 3, "", {
		{ 4, 5, { W(0x62, 'a'), W(0x62, 'A') } } } },
};

static int call(struct sh_state *st, struct sh_io *io, const char *name, int argc, char **argv)
{
	sh_cmd_fn fn = fst_helper_lookup(name);

	argv[0] = (char *)name;
	return fn(st, argc, argv, io);
}

static int run_step(struct sh_state *st, struct sh_io *io, const struct weave_step *s, char **files,
		    long long blksz, long long nr, long long blk)
{
	char off[32], len[32], byte[16];
	gchar *chk = NULL;
	const char *file = files[(s->file | 0x20) - 'a'];
	int ret;

	if (s->file >= 'A' && s->file <= 'Z')
		file = chk = g_strconcat(file, ".chk", NULL);
	snprintf(off, sizeof(off), "%lld", blk < 0 ? 0 : blksz * blk);
	snprintf(len, sizeof(len), "%lld", blk < 0 ? blksz * nr : blksz);
	snprintf(byte, sizeof(byte), "0x%02x", s->byte);
	switch (s->op) {
	case 'w': {
		char *av[] = { NULL, byte, off, len, (char *)file, NULL };

		ret = call(st, io, "_pwrite_byte", 5, av);
		break;
	}
	case 'f':
	case 't': {
		gchar *cmd = s->op == 'f' ? g_strdup_printf("falloc %s %s", off, len) :
					    g_strdup_printf("truncate %s", len);
		char *av[] = { NULL, "-f", "-c", cmd, (char *)file, NULL };

		ret = call(st, io, "xfs_io", 5, av);
		g_free(cmd);
		break;
	}
	default: {
		char *av[] = { NULL, files[0], off, files[1], off, len, NULL };

		ret = call(st, io, "_reflink_range", 6, av);
		break;
	}
	}
	g_free(chk);
	return ret < 0 ? -1 : 0;
}

static int h_weave(struct sh_state *st, int argc, char **argv, struct sh_io *io)
{
	const struct weave *w = NULL;
	long long blksz, nr;
	char *files[2];
	char *end1, *end2;

	for (size_t i = 0; i < G_N_ELEMENTS(weaves) && !w; i++)
		if (!strcmp(weaves[i].name, argv[0]))
			w = &weaves[i];
	if (!w || argc != w->nargs + 1)
		return sh_unsupported(st, "this weave helper's arguments");
	blksz = strtoll(argv[1], &end1, 10);
	nr = strtoll(argv[2], &end2, 10);
	if (*end1 || *end2 || blksz <= 0 || nr < 0)
		return sh_unsupported(st, "a weave helper's size arguments");
	files[0] = argv[3];
	files[1] = w->nargs == 4 ? argv[4] : argv[3];
	/* the shell helpers assign their parameters as globals (unless local) */
	if (*w->names) {
		gchar **names = g_strsplit(w->names, " ", -1);

		for (int i = 0; names[i] && i < argc - 1; i++)
			sh_setvar(st, names[i], argv[i + 1]);
		g_strfreev(names);
	}
	for (size_t l = 0; l < G_N_ELEMENTS(w->loops); l++) {
		const struct weave_loop *lp = &w->loops[l];

		if (!lp->steps[0].op)
			break;
		if (lp->start < 0) {
			if (run_step(st, io, &lp->steps[0], files, blksz, nr, -1))
				return -1;
			continue;
		}
		for (long long blk = lp->start; blk <= nr - 1; blk += lp->step)
			for (int s = 0; s < 2 && lp->steps[s].op; s++)
				if (run_step(st, io, &lp->steps[s], files, blksz, nr, blk))
					return -1;
	}
	return 0;
}

sh_cmd_fn fst_weave_lookup(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(weaves); i++)
		if (!strcmp(weaves[i].name, name))
			return h_weave;
	return NULL;
}
