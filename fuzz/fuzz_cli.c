// SPDX-License-Identifier: MIT
/*
 * The fuzzing subcommands of the daxsim CLI:
 *   daxsim fuzz-decode [--sched] INPUT
 *                                     a fuzz_ops (fuzz_sched) input as the scenario it runs
 *                                     (and the schedule it took)
 *   daxsim fuzz-encode [--design N] [--dax always|never|inode] [--sched] SCENARIO OUT
 *                                     the inverse (seed corpora): OUT must not exist;
 *                                     the DAX mode is the scenario's mkfs dax= without --dax
 *   daxsim fuzz-dict fuzz_ops|fuzz_scenario|fuzz_lex
 *                                     the libFuzzer dictionary, from the tables
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/wait.h>

#include "exit_now.h"
#include "fuzz_cli.h"
#include "fuzz_decode.h"
#include "interp.h"
#include "scn.h"
#include "sched_decode.h"

/*
 * The schedule @text takes with @in's choices: run it in a child (a
 * deadlock ends the run inside) that writes the schedule to a pipe.
 */
static char *sched_of(const char *text, const struct fuzz_sched_input *in)
{
	GString *sched = g_string_new(NULL);
	int fds[2], status;
	char buf[4096];
	pid_t pid;

	if (pipe(fds))
		return g_string_free(sched, FALSE);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct scn_error err = { 0 };
		struct run_opts opts;
		FILE *null = fopen("/dev/null", "w");
		struct scn *s;

		fuzz_sched_opts(&opts, in);
		opts.sched_fd = fds[1];
		close(fds[0]);
		if (!null || !freopen("/dev/null", "w", stderr) ||
		    scn_parse("fuzz_sched", text, &s, &err))
			_exit(2);
		exit_now(scn_run(s, &opts, null));	/* coverage builds keep what it ran */
	}
	close(fds[1]);
	for (ssize_t k; (k = read(fds[0], buf, sizeof(buf))) > 0;)
		g_string_append_len(sched, buf, k);
	close(fds[0]);
	waitpid(pid, &status, 0);
	return g_string_free(sched, FALSE);
}

int daxsim_fuzz_decode(int argc, char **argv)
{
	bool sched = argc == 4 && !strcmp(argv[2], "--sched");
	const char *path = argv[sched ? 3 : 2];
	gchar *buf;
	gsize len;
	char *text;
	struct fuzz_decoded dec;

	if (argc != (sched ? 4 : 3)) {
		fprintf(stderr, "usage: daxsim fuzz-decode [--sched] INPUT\n");
		return 2;
	}
	if (!g_file_get_contents(path, &buf, &len, NULL)) {
		fprintf(stderr, "daxsim: cannot read '%s'\n", path);
		return 2;
	}
	if (sched) {
		struct fuzz_sched_input in;
		char *body = fuzz_sched_decode((const uint8_t *)buf, len, &in);
		/* the schedule of the text as printed: four header lines, then the body */
		char *full = g_strconcat("#\n#\n#\n#\n", body, NULL);
		char *sch = sched_of(full, &in);

		printf("# %s: a fuzz_sched input of %zu bytes, %d background lines, %zu choices\n"
		       "# (printed by `daxsim fuzz-decode --sched`; replay with the line below)\n"
		       "# schedule: %s\n"
		       "# replay: daxsim run --schedule='%s' FILE\n%s",
		       path, (size_t)len, in.nbg, in.nchoices, *sch ? sch : "(default)", sch, body);
		g_free(sch);
		g_free(full);
		g_free(body);
		g_free(buf);
		return 0;
	}
	text = fuzz_decode((const uint8_t *)buf, len, &dec);
	printf("# %s: a fuzz_ops input of %zu bytes, %d commands, design %s, dax=%s\n"
	       "# (printed by `daxsim fuzz-decode`; replay with `daxsim run`)\n%s",
	       path, (size_t)len, dec.nops, dec.design, dec.dax, text);
	g_free(text);
	g_free(buf);
	return 0;
}

int daxsim_fuzz_encode(int argc, char **argv)
{
	unsigned int design = 0;
	int dax = -1;
	struct scn_error err = { 0 };
	struct scn *s;
	GByteArray *bytes;
	const char *why;
	gchar *text;
	size_t len;
	int fd, a = 2;
	bool sched = false;

	if (argc >= 6 && !strcmp(argv[2], "--design")) {
		design = (unsigned int)strtoul(argv[3], NULL, 0);
		a = 4;
	}
	if (argc >= a + 4 && !strcmp(argv[a], "--dax")) {
		static const char *const modes[] = { "always", "never", "inode" };

		for (int m = 0; m < 3; m++)
			if (!strcmp(argv[a + 1], modes[m]))
				dax = m;
		if (dax < 0) {
			fprintf(stderr, "daxsim: fuzz-encode: --dax always|never|inode, not '%s'\n",
				argv[a + 1]);
			return 2;
		}
		a += 2;
	}
	if (argc > a && !strcmp(argv[a], "--sched")) {
		sched = true;
		a++;
	}
	if (argc != a + 2) {
		fprintf(stderr, "usage: daxsim fuzz-encode [--design N] [--dax MODE] [--sched] SCENARIO OUT\n");
		return 2;
	}
	/* bounded and NUL-checked like `daxsim run` */
	text = scn_read_file(argv[a], &len, &why);
	if (!text) {
		fprintf(stderr, "daxsim: cannot read '%s': %s\n", argv[a], why);
		return 2;
	}
	if (scn_parse_len(argv[a], text, len, &s, &err)) {
		fprintf(stderr, "%s:%d:%d: %s\n", argv[a], err.line, err.col, err.msg);
		g_free(text);
		return 2;
	}
	g_free(text);
	bytes = fuzz_encode(s, design, dax);
	scn_free(s);
	if (!bytes) {
		fprintf(stderr, "daxsim: %s: no line the fuzz_ops table can express\n", argv[a]);
		return 1;
	}
	if (sched) {
		/*
		 * fuzz_sched's layout (sched_decode.c): byte 0 = 128 puts the ops
		 * in the first half; the second half, as long, gives background
		 * flags and then scheduler choices (a fixed pattern: seeds are
		 * starting points, the fuzzer mutates them).
		 */
		guint n = bytes->len;
		guint8 b = 128;

		g_byte_array_prepend(bytes, &b, 1);
		for (guint i = 0; i < n; i++) {
			b = (guint8)(i * 37 + 1);
			g_byte_array_append(bytes, &b, 1);
		}
	}
	fd = open(argv[a + 1], O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0 || write(fd, bytes->data, bytes->len) != (ssize_t)bytes->len) {
		fprintf(stderr, "daxsim: cannot create '%s': %s\n", argv[a + 1],
			errno == EEXIST ? "it exists (not overwritten)" : strerror(errno));
		if (fd >= 0)
			close(fd);
		g_byte_array_free(bytes, TRUE);
		return 2;
	}
	close(fd);
	g_byte_array_free(bytes, TRUE);
	return 0;
}

static void dict_bytes(const char *name, const unsigned char *b, size_t n)
{
	printf("%s=\"", name);
	for (size_t i = 0; i < n; i++)
		printf("\\x%02x", b[i]);
	printf("\"\n");
}

/* a text entry, escaped for the dictionary format */
static void dict_text(const char *prefix, size_t i, const char *w)
{
	printf("%s%zu=\"", prefix, i);
	for (const char *c = w; *c; c++)
		printf(*c == '"' || *c == '\\' ? "\\%c" : g_ascii_isprint(*c) ? "%c" : "\\x%02x", *c);
	printf("\"\n");
}

/*
 * fuzz_ops: one entry per opcode row, and the argument bytes of the
 * interesting sizes (offset/length categories, fuzz_decode.c) as they sit
 * in the tail.  fuzz_scenario: command names, their flags, keywords and
 * sizes as text.
 */
int daxsim_fuzz_dict(int argc, char **argv)
{
	static const char *const words[] = {
		"4k", "2m", "4095", "4097", "2093056", "2101248", "1", "0", "64k", "1g", "0x61",
		"size=", "backing=memfd", "reflink=1", "rmapbt=1", "dax=always", "dax=inode",
		"agcount=", "mce_kill", "early", "late", "@p1 ", "$((", "))", "${", "set X=",
		"SIGBUS", "BUS_ADRERR", "EINVAL", "ENOSPC", "yes", "no", "violation", "shared",
		"data", "md5", "killed", "alive", "error", "ok", "\\\n", "\"", "'", "#",
		/* large numbers: sparse offsets, the loff_t and TASK_SIZE edges (issue 15) */
		"0x7fffffffffffffff", "0x7ffffffffffff000", "0x8000000000000000", "9223372036854775807",
		"-0x7fffffffffffffff-1", "4e", "7e", "8e", "1e", "64t", "128t", "256t", "1p", "0x800000000000",
		"EFBIG", "ENOMEM", "EOVERFLOW", "EINVAL",
	};
	/* the lexer's arithmetic and nesting forms (fuzz_scenario and fuzz_lex) */
	static const char *const arith[] = {
		"$((", "$(( (", "))", ")", "(", "+", "-", "*", "/", "%", "- -", "/ -1", "% -1", "/0", "%0",
		"$(($((", "$((1+$((", "((((((((", "))))))))", "$((-", "$((0x", "$((010", "$((4k", "$((2m*",
		"${", "}", "$X", "${X}", "set X=", "set X=$X$X", "\"$((", "'$((", "\\$", "$", "@T ",
	};
	int n;
	const struct cmdinfo *t;

	/* fuzz_sched's input starts with fuzz_ops' encoding: the same entries */
	if (argc == 3 && (!strcmp(argv[2], "fuzz_ops") || !strcmp(argv[2], "fuzz_sched"))) {
		static const struct { const char *name; unsigned char b[3]; size_t n; } args[] = {
			{ "off_0", { 0 }, 1 }, { "off_4k", { 1 }, 1 }, { "off_2m_minus_4k", { 2 }, 1 },
			{ "off_2m", { 3 }, 1 }, { "off_2m_plus_4k", { 4 }, 1 }, { "off_4m", { 5 }, 1 },
			{ "off_eof", { 6 }, 1 }, { "off_eof_minus_1", { 7 }, 1 },
			{ "off_eof_plus_1", { 8 }, 1 },
			{ "len_1", { 0 }, 1 }, { "len_4k", { 1 }, 1 }, { "len_2m", { 2 }, 1 },
			{ "len_4k_minus_1", { 3 }, 1 }, { "len_4k_plus_1", { 4 }, 1 },
			{ "len_to_eof", { 6 }, 1 }, { "len_2m_plus_4k", { 8 }, 1 },
			/* random block offset 512 (2m) and 1024 (4m), tail order */
			{ "off_block_512", { 0x00, 0x02, 10 }, 3 }, { "off_block_1024", { 0x00, 0x04, 10 }, 3 },
			/* byte 0's DAX mode bits (fuzz_decode.h), design 0 */
			{ "byte0_dax_never", { 0x42 }, 1 }, { "byte0_dax_inode", { 0x81 }, 1 },
		};

		for (size_t i = 0; i < fuzz_op_count; i++) {
			unsigned char b = (unsigned char)i;
			gchar *name = g_strdup_printf("op_%s_%zu", fuzz_op_table[i].cmd, i);

			dict_bytes(name, &b, 1);
			g_free(name);
		}
		for (size_t i = 0; i < G_N_ELEMENTS(args); i++)
			dict_bytes(args[i].name, args[i].b, args[i].n);
		return 0;
	}
	if (argc == 3 && (!strcmp(argv[2], "fuzz_scenario") || !strcmp(argv[2], "fuzz_lex"))) {
		t = cmd_table(&n);
		for (int i = 0; i < n; i++) {
			printf("cmd_%s=\"%s \"\n", t[i].name, t[i].name);
			for (const char *o = t[i].opts; o && *o; o++)
				if (*o != ':')
					printf("opt_%s_%c=\"-%c\"\n", t[i].name, *o, *o);
		}
		for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
			dict_text("w", i, words[i]);
		for (size_t i = 0; i < G_N_ELEMENTS(arith); i++)
			dict_text("arith", i, arith[i]);
		return 0;
	}
	fprintf(stderr, "usage: daxsim fuzz-dict fuzz_ops|fuzz_scenario|fuzz_lex\n");
	return 2;
}
