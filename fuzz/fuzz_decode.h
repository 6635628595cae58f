/* SPDX-License-Identifier: MIT */
/*
 * fuzz_ops input format: bytes -> scenario text.
 *
 *   byte 0          the sharing design: byte 0 % the number of designs fuzzed
 *                   (share_designs() but FUZZ_SKIP_DESIGNS); its top two bits
 *                   (byte 0 >> FUZZ_DAX_SHIFT) the filesystem's DAX mode:
 *                   0 dax=always, 1 dax=never, 2 and 3 dax=inode
 *   head, forwards  one byte per command: an index into fuzz_op_table[]
 *   tail, backwards the arguments (task, flags, paths, offsets, lengths),
 *                   FuzzedDataProvider-style; missing bytes read as 0
 *
 * Each op names a command of the interpreter's own table (cmd_table());
 * the decoder only writes lines that command accepts, so a decoded input
 * never ends in exit 2.  Adding a command to the fuzzer is one row of
 * fuzz_op_table[] (fuzz/fuzz_ops_table.c).
 */
#ifndef DAXSIM_FUZZ_DECODE_H
#define DAXSIM_FUZZ_DECODE_H

#include <glib.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "share_registry.h"
#include "scn.h"

#define FUZZ_MAX_OPS	256
#define FUZZ_PATHS	4	/* files a b c d */
#define FUZZ_TASKS	3	/* main p1 p2 */
#define FUZZ_PMEM	"16m"	/* small: ENOSPC and PMD boundaries are near */
#define FUZZ_DEV_BYTES	(16ULL << 20)
/*
 * Designs byte 0 never picks: rfc is the 2019 RFC, broken on purpose
 * (docs/models.md); every mapping of a shared block violates its P-* and
 * M1 checks, which is its point and not a finding.  A new design is fuzzed
 * without touching this file.
 */
#define FUZZ_SKIP_DESIGNS "rfc"

/*
 * byte 0 >> FUZZ_DAX_SHIFT picks `mkfs dax=`: always, never (the page cache
 * for every file), inode, inode (the page cache until `chattr +x` and a
 * remount).  Inputs whose byte 0 is below 64 (every seed of a DAX scenario,
 * the corpus of before the page cache was fuzzed, mostly) keep their meaning.
 */
#define FUZZ_DAX_SHIFT	6
/*
 * byte 0 & FUZZ_TABLE2: ops are rows of the whole table (fuzz_op_count);
 * without it, of the first fuzz_op_count_v1 rows, as every input saved
 * before the table grew was decoded.  The design stays byte 0 % designs.
 */
#define FUZZ_TABLE2	(1U << 5)

/* fuzz_op.flags */
#define FOP_KILLS_SELF	(1U << 0)	/* may kill the calling task (SIGBUS) */
#define FOP_KILLS_ANY	(1U << 1)	/* may kill any task (memory failure) */
#define FOP_REMOUNT	(1U << 2)	/* every task exits first */
#define FOP_CREATES	(1U << 3)	/* first path argument becomes a file */

/*
 * One row: a command of cmd_table(), the boolean flags the fuzzer may set
 * (a subset of the command's getopt string), the flags with a byte value
 * (-S seed), and the positionals, one letter each:
 *   P path   O offset   L length   N small index (0-3)   X chattr +x/-x
 *   D device address (block-aligned, inside the device)
 */
struct fuzz_op {
	const char	*cmd;
	const char	*bool_opts;
	const char	*byte_opts;
	const char	*pos;
	unsigned int	flags;
};

extern const struct fuzz_op fuzz_op_table[];
extern const size_t fuzz_op_count;
extern const size_t fuzz_op_count_v1;

/* What fuzz_decode() decoded besides the text. */
struct fuzz_decoded {
	int		nops;		/* ops decoded */
	const char	*design;	/* the design's name */
	const char	*dax;		/* the mkfs dax= mode: always, never or inode */
};

/* The DAX mode byte 0 @b picks. */
const char *fuzz_dax_mode(unsigned int b);

/*
 * Decode @data into scenario text (g_free it); @res (may be NULL) receives
 * the number of ops, the design and the DAX mode.
 */
char *fuzz_decode(const uint8_t *data, size_t size, struct fuzz_decoded *res);

/*
 * The inverse for seed corpora: encode a parsed scenario's lines that the
 * op table can express (others are skipped) into bytes, byte 0 for design
 * @design and DAX mode @dax (0 always, 1 never, 2 inode; -1: the mode of
 * the scenario's `mkfs dax=`, always without one).  Returns a
 * GByteArray (g_byte_array_free it), or NULL if no line was expressible.
 */
struct scn;
GByteArray *fuzz_encode(const struct scn *s, unsigned int design, int dax);

/*
 * fuzz_ops.c: decode and run one input with checker @mode; with @crash, a
 * failure reports and aborts.  Returns the run's exit status.
 */
int fuzz_ops_one(const uint8_t *data, size_t size, enum check_mode mode, bool crash);

/* fuzz_lockdep.c: the lock validator on, its graph empty (call per input). */
void fuzz_lockdep_fresh(void);

/* Append @w to @out quoted so the lexer reads it back as the same word. */
void fuzz_quote_word(GString *out, const char *w);

#endif
