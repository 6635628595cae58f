// SPDX-License-Identifier: MIT
/*
 * The fuzz_ops opcode space: one row per command variant the fuzzer may
 * write.  Each row names a command of the interpreter's table (cmd_table());
 * fuzz_decode() checks at first use that the command exists and that every
 * flag here is one the command accepts, so the table cannot drift from the
 * interpreter.  To fuzz a new command, add a row (see fuzz_decode.h for the
 * argument letters).  Memory failure: `madvise -P` (the injector and any
 * early-kill task may die) and `poison PATH off len` (a scrub report).
 * Order matters only for the meaning of saved corpora: append new rows.
 * An input picks a row as byte % the row count, so new rows would change
 * what every saved input means: byte 0's FUZZ_TABLE2 bit says which count
 * (the first table's 40 rows, or all of them) an input decodes with.
 */
#include "fuzz_decode.h"

const struct fuzz_op fuzz_op_table[] = {
	{ "open",	"frt",	"",	"P",	FOP_CREATES },
	{ "open",	"f",	"",	"P",	FOP_CREATES },
	{ "close",	"",	"",	"",	0 },
	{ "file",	"",	"",	"N",	0 },
	{ "pwrite",	"q",	"S",	"OL",	0 },
	{ "pread",	"q",	"",	"OL",	0 },
	{ "reflink",	"q",	"",	"POOL",	0 },
	{ "reflink",	"q",	"",	"P",	0 },
	{ "dedupe",	"q",	"",	"POOL",	0 },
	{ "truncate",	"",	"",	"O",	0 },
	{ "falloc",	"kpu",	"",	"OL",	0 },
	{ "fpunch",	"",	"",	"OL",	0 },
	{ "fzero",	"k",	"",	"OL",	0 },
	{ "funshare",	"",	"",	"OL",	0 },
	{ "fsync",	"",	"",	"",	0 },
	{ "fdatasync",	"",	"",	"",	0 },
	{ "fiemap",	"v",	"",	"",	0 },
	{ "chattr",	"",	"",	"X",	0 },
	{ "statx",	"r",	"",	"",	0 },
	{ "mmap",	"rwxSp", "",	"OL",	0 },
	{ "mmap",	"rw",	"",	"OL",	0 },
	{ "mmap",	"",	"",	"N",	0 },
	{ "mread",	"fr",	"",	"OL",	FOP_KILLS_SELF },
	{ "mread",	"",	"",	"",	FOP_KILLS_SELF },
	{ "mwrite",	"r",	"S",	"OL",	FOP_KILLS_SELF },
	{ "mwrite",	"",	"S",	"",	FOP_KILLS_SELF },
	{ "msync",	"asi",	"",	"OL",	0 },
	{ "munmap",	"",	"",	"",	0 },
	{ "madvise",	"dRW",	"",	"OL",	FOP_KILLS_SELF },
	{ "exit",	"",	"",	"",	0 },
	{ "md5sum",	"",	"",	"P",	0 },
	{ "cp_reflink",	"",	"",	"PP",	FOP_CREATES },
	{ "rm",		"",	"",	"P",	0 },
	{ "remount",	"",	"",	"",	FOP_REMOUNT },
	{ "check",	"",	"",	"",	0 },
	{ "pwrite",	"",	"S",	"OL",	0 },
	{ "mwrite",	"",	"S",	"OL",	FOP_KILLS_SELF },
	{ "mread",	"",	"",	"OL",	FOP_KILLS_SELF },
	{ "madvise",	"P",	"",	"OL",	FOP_KILLS_SELF | FOP_KILLS_ANY },
	{ "poison",	"",	"",	"POL",	FOP_KILLS_ANY },
	/* table 2 (byte 0 & FUZZ_TABLE2): the rows after here too */
	{ "extsize",	"",	"",	"L",	0 },
	{ "cowextsize",	"",	"",	"L",	0 },
	{ "fcollapse",	"",	"",	"OL",	0 },
	{ "finsert",	"",	"",	"OL",	0 },
	{ "bmap",	"elpv",	"",	"",	0 },
	{ "lsattr",	"v",	"",	"",	0 },
};

const size_t fuzz_op_count = sizeof(fuzz_op_table) / sizeof(fuzz_op_table[0]);
/* the rows of the first table, which inputs without FUZZ_TABLE2 choose from */
const size_t fuzz_op_count_v1 = 40;
