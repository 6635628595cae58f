// SPDX-License-Identifier: MIT
/*
 * fuzz_lex: arbitrary bytes into the lexer alone (scn_parse_len): words,
 * quotes, continuations, `set` and $NAME expansion, $(( )) arithmetic with
 * its overflow and nesting checks, NUL bytes and the input caps.  Nothing
 * runs, so millions of inputs a minute reach the branches of scn_lex.c
 * that fuzz_scenario's interpreter time hides.  Any parse result is fine
 * (a scenario, or a usage error with a line and column inside the input);
 * a crash, a hang, a sanitizer report or an error pointing outside the
 * text is not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scn_error err = { 0 };
	struct scn *s = NULL;
	size_t lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (scn_parse_len("fuzz", (const char *)data, size, &s, &err)) {
		/* a usage error names a place in the text and says something */
		if (err.line < 1 || (size_t)err.line > lines + 1 || err.col < 1 || !err.msg[0])
			abort();
		return 0;
	}
	/* every word of every line is a C string the interpreter can print */
	for (guint i = 0; i < s->lines->len; i++) {
		struct scn_line *ln = g_ptr_array_index(s->lines, i);

		if (ln->lineno < 1 || (size_t)ln->lineno > lines)
			abort();
		for (int w = 0; w < ln->argc; w++) {
			gchar *e = scn_escape(ln->argv[w]);
			long long n;

			if (ln->cols[w] < 1)
				abort();
			(void)cvtnum(ln->argv[w], &n);	/* the number parser on every word */
			g_free(e);
		}
	}
	scn_free(s);
	return 0;
}
