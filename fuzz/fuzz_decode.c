// SPDX-License-Identifier: MIT
/*
 * fuzz_ops bytes <-> scenario text (format in fuzz_decode.h).  The decoder
 * is the only producer of what fuzz_ops runs: the fuzzer, `daxsim
 * fuzz-decode` and the regression replay all print or run its text, so a
 * crash always comes back as the scenario that ran.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_decode.h"
#include "scn.h"
#include "share.h"

static const char *const fuzz_paths[FUZZ_PATHS] = { "a", "b", "c", "d" };
static const char *const fuzz_tasks[FUZZ_TASKS] = { "main", "p1", "p2" };

/* Offset and length categories: "interesting sizes" first, then random. */
enum { OFF_RAND_BLOCK = 10, OFF_RAND_BYTE = 11, OFF_KINDS = 12 };
enum { LEN_RAND_BLOCK = 10, LEN_RAND_BYTE = 11, LEN_KINDS = 12 };
#define K4	4096ULL
#define M2	(2ULL << 20)

struct provider {
	const uint8_t	*data;
	size_t		head, tail;
};

static unsigned int take_u8(struct provider *p)
{
	if (p->tail <= p->head)
		return 0;
	return p->data[--p->tail];
}

static unsigned int take_u16(struct provider *p)
{
	unsigned int hi = take_u8(p);

	return hi << 8 | take_u8(p);
}

struct dtask {
	int	cur;		/* current file's path index, -1 none */
	int	files[8];	/* path index per file-table slot */
	int	nfiles;
	bool	used, maybe_dead;
};

struct decoder {
	struct provider	p;
	GString		*out;
	uint64_t	eof[FUZZ_PATHS];
	struct dtask	t[FUZZ_TASKS];
};

static void put_num(GString *o, uint64_t v)
{
	if (v && !(v % (1ULL << 20)))
		g_string_append_printf(o, " %llum", (unsigned long long)(v >> 20));
	else if (v && !(v % 1024))
		g_string_append_printf(o, " %lluk", (unsigned long long)(v >> 10));
	else
		g_string_append_printf(o, " %llu", (unsigned long long)v);
}

static uint64_t decode_off(struct provider *p, uint64_t eof)
{
	unsigned int k = take_u8(p) % OFF_KINDS;
	uint64_t v;

	switch (k) {
	case 0: return 0;
	case 1: return K4;
	case 2: return M2 - K4;
	case 3: return M2;
	case 4: return M2 + K4;
	case 5: return 2 * M2;
	case 6: return eof;
	case 7: return eof ? eof - 1 : 0;
	case 8: return eof + 1;
	case 9: return 1;
	case OFF_RAND_BLOCK: return (take_u16(p) % 4096) * K4;
	default:
		v = take_u16(p);
		return ((v << 8) | take_u8(p)) % (2 * FUZZ_DEV_BYTES);
	}
}

static uint64_t decode_len(struct provider *p, uint64_t off, uint64_t eof)
{
	unsigned int k = take_u8(p) % LEN_KINDS;

	switch (k) {
	case 0: return 1;
	case 1: return K4;
	case 2: return M2;
	case 3: return K4 - 1;
	case 4: return K4 + 1;
	case 5: return 64 * 1024;
	case 6: return eof > off ? eof - off : K4;
	case 7: return 0;
	case 8: return M2 + K4;
	case 9: return 512;
	case LEN_RAND_BLOCK: return (take_u16(p) % 128) * K4;
	default: return take_u16(p);
	}
}

void fuzz_quote_word(GString *out, const char *w)
{
	bool plain = *w != 0;

	for (const char *c = w; *c; c++)
		if (!g_ascii_isalnum(*c) && !strchr("+-_./=,:%", *c))
			plain = false;
	if (plain && *w != '@' && *w != '#') {
		g_string_append(out, w);
		return;
	}
	g_string_append_c(out, '\'');
	for (const char *c = w; *c; c++) {
		if (*c == '\'')
			g_string_append(out, "'\\''");
		else
			g_string_append_c(out, *c);
	}
	g_string_append_c(out, '\'');
}

/* Every row must name a real command and only flags that command takes. */
static void check_table(void)
{
	static bool done;

	if (done)
		return;
	if (fuzz_op_count_v1 > fuzz_op_count) {
		fprintf(stderr, "fuzz_op_table: the first table has %zu rows of %zu\n",
			fuzz_op_count_v1, fuzz_op_count);
		abort();
	}
	for (size_t i = 0; i < fuzz_op_count; i++) {
		const struct fuzz_op *op = &fuzz_op_table[i];
		const struct cmdinfo *ci = cmd_lookup(op->cmd);
		const char *f;

		if (!ci) {
			fprintf(stderr, "fuzz_op_table: unknown command '%s'\n", op->cmd);
			abort();
		}
		for (f = op->bool_opts; *f; f++)
			if (!ci->opts || !strchr(ci->opts, *f)) {
				fprintf(stderr, "fuzz_op_table: %s has no -%c\n", op->cmd, *f);
				abort();
			}
		for (f = op->byte_opts; *f; f++)
			if (!ci->opts || !strchr(ci->opts, *f) || strchr(ci->opts, *f)[1] != ':') {
				fprintf(stderr, "fuzz_op_table: %s has no -%c VALUE\n", op->cmd, *f);
				abort();
			}
		if ((int)strlen(op->pos) > ci->argmax) {
			fprintf(stderr, "fuzz_op_table: %s takes at most %d arguments\n", op->cmd,
				ci->argmax);
			abort();
		}
	}
	done = true;
}

static bool runs_in_task(const struct fuzz_op *op)
{
	return !(cmd_lookup(op->cmd)->flags & CMD_NOTASK);
}

static void task_reset(struct dtask *t)
{
	t->cur = -1;
	t->nfiles = 0;
	t->maybe_dead = false;
}

static void line_start(struct decoder *d, int task)
{
	if (task > 0)
		g_string_append_printf(d->out, "@%s ", fuzz_tasks[task]);
}

/* Every task exits (as `spawn`: it may have been killed) before a remount. */
static void emit_remount_prologue(struct decoder *d)
{
	for (int i = 0; i < FUZZ_TASKS; i++) {
		if (!d->t[i].used)
			continue;
		line_start(d, i);
		g_string_append(d->out, "spawn\n");
		task_reset(&d->t[i]);
	}
}

static void track_eof(struct decoder *d, const struct fuzz_op *op, struct dtask *t,
		      const bool *flag, const int *paths, const uint64_t *num)
{
	uint64_t *e = t && t->cur >= 0 ? &d->eof[t->cur] : NULL;
	const char *c = op->cmd;

	if (!strcmp(c, "cp_reflink")) {
		d->eof[paths[1]] = d->eof[paths[0]];
	} else if (!strcmp(c, "rm")) {
		d->eof[paths[0]] = 0;
	} else if (!e) {
		return;
	} else if (!strcmp(c, "pwrite")) {
		*e = MAX(*e, num[0] + num[1]);
	} else if (!strcmp(c, "truncate")) {
		*e = num[0];
	} else if ((!strcmp(c, "falloc") || !strcmp(c, "fzero")) && !flag['k']) {
		*e = MAX(*e, num[0] + num[1]);
	} else if (!strcmp(c, "reflink") && !strcmp(op->pos, "P")) {
		*e = d->eof[paths[0]];
	} else if (!strcmp(c, "reflink")) {
		uint64_t len = num[2] ? num[2] :
			       d->eof[paths[0]] > num[0] ? d->eof[paths[0]] - num[0] : 0;

		*e = MAX(*e, num[1] + len);
	}
}

static void decode_one(struct decoder *d, const struct fuzz_op *op)
{
	int task = runs_in_task(op) ? (int)(take_u8(&d->p) % FUZZ_TASKS) : -1;
	struct dtask *t = task >= 0 ? &d->t[task] : NULL;
	bool flag[128] = { 0 };
	int paths[4] = { 0 }, np = 0, nn = 0;
	uint64_t num[4] = { 0 };
	unsigned int mask = *op->bool_opts ? take_u8(&d->p) : 0;
	const char *f;
	size_t k;

	if (op->flags & FOP_REMOUNT)
		emit_remount_prologue(d);
	if (t && t->maybe_dead) {
		/* it may have died of SIGBUS: re-create it only if it did */
		line_start(d, task);
		g_string_append(d->out, "spawn -i\n");
		t->maybe_dead = false;
	}
	if (t)
		t->used = true;
	line_start(d, task);
	g_string_append(d->out, op->cmd);
	if (mask) {
		bool any = false;

		for (k = 0, f = op->bool_opts; *f; f++, k++) {
			if (!(mask & (1U << k)))
				continue;
			g_string_append(d->out, any ? "" : " -");
			g_string_append_c(d->out, *f);
			flag[(unsigned char)*f] = any = true;
		}
	}
	for (f = op->byte_opts; *f; f++) {
		unsigned int v = take_u8(&d->p);

		if (v)
			g_string_append_printf(d->out, " -%c 0x%02x", *f, v);
	}
	for (f = op->pos; *f; f++) {
		uint64_t eof = t && t->cur >= 0 ? d->eof[t->cur] : 0;

		switch (*f) {
		case 'P':
			paths[np] = (int)(take_u8(&d->p) % FUZZ_PATHS);
			g_string_append_printf(d->out, " %s", fuzz_paths[paths[np++]]);
			break;
		case 'O':
			num[nn] = decode_off(&d->p, eof);
			put_num(d->out, num[nn++]);
			break;
		case 'L':
			num[nn] = decode_len(&d->p, nn ? num[nn - 1] : 0, eof);
			put_num(d->out, num[nn++]);
			break;
		case 'N':
			num[nn] = take_u8(&d->p) % 4;
			put_num(d->out, num[nn++]);
			break;
		case 'X':
			g_string_append(d->out, take_u8(&d->p) & 1 ? " +x" : " -x");
			break;
		default:
			abort();
		}
	}
	g_string_append_c(d->out, '\n');

	if (t && (op->flags & FOP_KILLS_SELF))
		t->maybe_dead = true;
	if (op->flags & FOP_KILLS_ANY)
		for (int i = 0; i < FUZZ_TASKS; i++)
			d->t[i].maybe_dead = d->t[i].used;
	if (!t)
		;
	else if (!strcmp(op->cmd, "open")) {
		t->cur = paths[0];
		if (t->nfiles < (int)G_N_ELEMENTS(t->files))
			t->files[t->nfiles++] = paths[0];
	} else if (!strcmp(op->cmd, "close")) {
		t->cur = -1;
	} else if (!strcmp(op->cmd, "file") && (int)num[0] < t->nfiles) {
		t->cur = t->files[num[0]];
	} else if (!strcmp(op->cmd, "exit")) {
		task_reset(t);
	}
	track_eof(d, op, t, flag, paths, num);
}

/* The designs fuzz_ops runs: every registered one but FUZZ_SKIP_DESIGNS. */
static unsigned int fuzz_designs(const char **pick, unsigned int max)
{
	const struct dax_share_ops *const *all = share_designs();
	unsigned int n = 0;

	for (; *all && n < max; all++) {
		gchar *key = g_strdup_printf(",%s,", (*all)->name);

		if (!strstr("," FUZZ_SKIP_DESIGNS ",", key))
			pick[n++] = (*all)->name;
		g_free(key);
	}
	return n;
}

static const char *design_name(unsigned int b)
{
	const char *pick[16];
	unsigned int n = fuzz_designs(pick, G_N_ELEMENTS(pick));

	return pick[b % n];
}

/* byte 0 >> FUZZ_DAX_SHIFT: the filesystem's DAX mode (fuzz_decode.h) */
static const char *const fuzz_dax_modes[4] = { "always", "never", "inode", "inode" };

const char *fuzz_dax_mode(unsigned int b)
{
	return fuzz_dax_modes[(b >> FUZZ_DAX_SHIFT) & 3];
}

char *fuzz_decode(const uint8_t *data, size_t size,
		  struct fuzz_decoded *res)
{
	struct decoder d = { .p = { data, 1, size } };
	unsigned int b0 = size ? data[0] : 0;
	const char *model = design_name(b0);
	const char *dax = fuzz_dax_mode(b0);
	int n = 0;

	check_table();
	d.out = g_string_sized_new(1024);
	for (int i = 0; i < FUZZ_TASKS; i++)
		task_reset(&d.t[i]);
	g_string_append_printf(d.out, "pmem size=%s backing=memfd\nmodel %s\n"
			       "mkfs reflink=1 rmapbt=1 dax=%s\n", FUZZ_PMEM, model, dax);
	while (d.p.head < d.p.tail && n < FUZZ_MAX_OPS) {
		size_t rows = b0 & FUZZ_TABLE2 ? fuzz_op_count : fuzz_op_count_v1;
		const struct fuzz_op *op = &fuzz_op_table[data[d.p.head++] % rows];

		decode_one(&d, op);
		n++;
	}
	if (res) {
		res->nops = n;
		res->design = model;
		res->dax = dax;
	}
	return g_string_free(d.out, FALSE);
}

/* Encoding (seed corpora) ------------------------------------------------ */

struct encoder {
	GByteArray	*ops;
	GByteArray	*args;		/* in consumption order */
	GPtrArray	*paths, *tasks;	/* names seen, in order */
};

static void put_u8(struct encoder *e, unsigned int v)
{
	guint8 b = (guint8)v;

	g_byte_array_append(e->args, &b, 1);
}

static void put_u16(struct encoder *e, unsigned int v)
{
	put_u8(e, v >> 8);
	put_u8(e, v & 0xff);
}

static int name_index(GPtrArray *names, const char *name, int mod)
{
	for (guint i = 0; i < names->len; i++)
		if (!strcmp(names->pdata[i], name))
			return (int)i % mod;
	g_ptr_array_add(names, g_strdup(name));
	return (int)(names->len - 1) % mod;
}

static void encode_off(struct encoder *e, uint64_t v)
{
	static const uint64_t fixed[] = { 0, K4, M2 - K4, M2, M2 + K4, 2 * M2 };

	for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++)
		if (v == fixed[i]) {
			put_u8(e, (unsigned int)i);
			return;
		}
	if (v == 1) {
		put_u8(e, 9);
	} else if (!(v % K4) && v / K4 < 4096) {
		put_u8(e, OFF_RAND_BLOCK);
		put_u16(e, (unsigned int)(v / K4));
	} else {
		v %= 2 * FUZZ_DEV_BYTES;
		put_u8(e, OFF_RAND_BYTE);
		put_u16(e, (unsigned int)(v >> 8));
		put_u8(e, (unsigned int)(v & 0xff));
	}
}

static void encode_len(struct encoder *e, uint64_t v)
{
	static const uint64_t fixed[] = { 1, K4, M2, K4 - 1, K4 + 1, 65536, ~0ULL, 0, M2 + K4, 512 };

	for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++)
		if (v == fixed[i]) {
			put_u8(e, (unsigned int)i);
			return;
		}
	if (!(v % K4) && v / K4 < 128) {
		put_u8(e, LEN_RAND_BLOCK);
		put_u16(e, (unsigned int)(v / K4));
	} else {
		put_u8(e, LEN_RAND_BYTE);
		put_u16(e, (unsigned int)MIN(v, 0xffff));
	}
}

/* Does row @op express the parsed command @c?  Then append its bytes. */
static bool encode_row(struct encoder *e, size_t row, const struct cmdctx *c, const char *task)
{
	const struct fuzz_op *op = &fuzz_op_table[row];
	unsigned int mask = 0;
	size_t k;
	const char *f;
	int nn = 0;

	if (strcmp(op->cmd, c->ci->name) || (int)strlen(op->pos) != c->npos)
		return false;
	for (int o = 0; o < 128; o++)
		if (c->opt[o] && !strchr(op->bool_opts, o) && !strchr(op->byte_opts, o))
			return false;
	for (f = op->pos; *f; f++, nn++)
		if ((*f == 'O' || *f == 'L' || *f == 'N') && c->posnum[nn] < 0)
			return false;
	g_byte_array_append(e->ops, (guint8[]){ (guint8)row }, 1);
	if (runs_in_task(op))
		put_u8(e, (unsigned int)name_index(e->tasks, task ? task : "main", FUZZ_TASKS));
	if (*op->bool_opts) {
		for (k = 0, f = op->bool_opts; *f; f++, k++)
			if (c->opt[(unsigned char)*f])
				mask |= 1U << k;
		put_u8(e, mask);
	}
	for (f = op->byte_opts; *f; f++)
		put_u8(e, c->opt[(unsigned char)*f] ? (unsigned int)(c->optnum[(unsigned char)*f] & 0xff) : 0);
	for (nn = 0, f = op->pos; *f; f++, nn++) {
		switch (*f) {
		case 'P': put_u8(e, (unsigned int)name_index(e->paths, c->pos[nn], FUZZ_PATHS)); break;
		case 'O': encode_off(e, (uint64_t)c->posnum[nn]); break;
		case 'L': encode_len(e, (uint64_t)c->posnum[nn]); break;
		case 'N': put_u8(e, (unsigned int)c->posnum[nn]); break;
		case 'X': put_u8(e, c->pos[nn][0] == '+'); break;
		}
	}
	return true;
}

static void encode_lines(struct encoder *e, const struct scn *s);

/* xfs_io [-f] [-t] [-r] -c CMD... PATH: open, the commands, close (task main). */
static void encode_xfs_io(struct encoder *e, const struct scn_line *ln)
{
	GString *t = g_string_new("open");
	struct scn_error err;
	struct scn *sub;

	for (int w = 1; w < ln->argc - 1; w++)
		if (!strcmp(ln->argv[w], "-f") || !strcmp(ln->argv[w], "-t") ||
		    !strcmp(ln->argv[w], "-r"))
			g_string_append_printf(t, " %s", ln->argv[w]);
	g_string_append_c(t, ' ');
	fuzz_quote_word(t, ln->argv[ln->argc - 1]);
	g_string_append_c(t, '\n');
	for (int w = 1; w < ln->argc - 1; w++)
		if (!strcmp(ln->argv[w], "-c"))
			g_string_append_printf(t, "%s\n", ln->argv[++w]);
	g_string_append(t, "close\n");
	if (!scn_parse("xfs_io", t->str, &sub, &err)) {
		encode_lines(e, sub);
		scn_free(sub);
	}
	g_string_free(t, TRUE);
}

static void encode_lines(struct encoder *e, const struct scn *s)
{
	for (guint i = 0; i < s->lines->len && e->ops->len < FUZZ_MAX_OPS; i++) {
		struct scn_line *ln = g_ptr_array_index(s->lines, i);
		const struct cmdinfo *ci = cmd_lookup(ln->argv[0]);
		struct scn_error err;
		struct cmdctx c = { .ln = ln, .err = &err };

		if (ci && !strcmp(ci->name, "xfs_io") && ln->argc >= 3) {
			encode_xfs_io(e, ln);
			continue;
		}
		if (!ci || cmd_parse_args(&c, ci, ln, 1))
			continue;
		c.ci = ci;
		for (size_t row = 0; row < fuzz_op_count; row++)
			if (encode_row(e, row, &c, ln->task))
				break;
	}
}

/*
 * The DAX mode of @s's `mkfs dax=` (the last one; "always" without one), as
 * the index fuzz_decode() reads from byte 0's top bits.
 */
static unsigned int encode_dax(const struct scn *s)
{
	unsigned int mode = 0;

	for (guint i = 0; i < s->lines->len; i++) {
		struct scn_line *ln = g_ptr_array_index(s->lines, i);

		if (strcmp(ln->argv[0], "mkfs"))
			continue;
		for (int w = 1; w < ln->argc; w++)
			for (unsigned int m = 0; m < 3; m++)
				if (!strncmp(ln->argv[w], "dax=", 4) &&
				    !strcmp(ln->argv[w] + 4, fuzz_dax_modes[m]))
					mode = m;
	}
	return mode;
}

/*
 * Byte 0: the byte of @dax's quarter (its top bits) whose residue picks
 * design @design (byte 0 % the number of designs, as before the mode bits).
 */
static guint8 encode_byte0(unsigned int design, unsigned int dax, bool table2)
{
	const char *pick[16];
	unsigned int n = fuzz_designs(pick, G_N_ELEMENTS(pick));
	unsigned int lo = (dax & 3) << FUZZ_DAX_SHIFT | (table2 ? FUZZ_TABLE2 : 0);

	return (guint8)(lo + (design % n + n - lo % n) % n);
}

GByteArray *fuzz_encode(const struct scn *s, unsigned int design, int dax)
{
	struct encoder e = { g_byte_array_new(), g_byte_array_new(),
			     g_ptr_array_new_with_free_func(g_free),
			     g_ptr_array_new_with_free_func(g_free) };
	GByteArray *res = g_byte_array_new();
	bool table2 = false;
	guint8 b;

	check_table();
	g_ptr_array_add(e.tasks, g_strdup("main"));
	encode_lines(&e, s);
	for (guint i = 0; i < e.ops->len; i++)
		table2 |= e.ops->data[i] >= fuzz_op_count_v1;
	b = encode_byte0(design, dax < 0 ? encode_dax(s) : (unsigned int)dax, table2);
	if (e.ops->len) {
		g_byte_array_append(res, &b, 1);
		g_byte_array_append(res, e.ops->data, e.ops->len);
		for (guint i = e.args->len; i-- > 0;)
			g_byte_array_append(res, &e.args->data[i], 1);
	}
	g_byte_array_free(e.ops, TRUE);
	g_byte_array_free(e.args, TRUE);
	g_ptr_array_free(e.paths, TRUE);
	g_ptr_array_free(e.tasks, TRUE);
	if (!res->len) {
		g_byte_array_free(res, TRUE);
		return NULL;
	}
	return res;
}
