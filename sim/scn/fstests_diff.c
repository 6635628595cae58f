// SPDX-License-Identifier: MIT
/*
 * A unified diff (diff -u, three lines of context) of the golden output
 * and what a test printed, for `- output mismatch`.  Lines are matched by a
 * longest-common-subsequence table over the part between the common head
 * and tail; a middle too large for the table is shown as one replaced
 * block.  No timestamps in the headers: the text is reproducible.
 */
#include <string.h>

#include "fstests.h"

#define CONTEXT		3
#define MAX_CELLS	(16u << 20)

static GPtrArray *split_lines(const char *s)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);

	while (*s) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		g_ptr_array_add(a, g_strndup(s, n));
		s += n + (e ? 1 : 0);
	}
	return a;
}

enum { SAME, DEL, ADD };

struct edit {
	int	op;
	guint	a, b;	/* line indexes in each side */
};

static void script(GArray *ed, GPtrArray *A, GPtrArray *B)
{
	guint n = A->len, m = B->len, lo = 0, ha, hb;

	while (lo < n && lo < m && !strcmp(A->pdata[lo], B->pdata[lo]))
		lo++;
	ha = n;
	hb = m;
	while (ha > lo && hb > lo && !strcmp(A->pdata[ha - 1], B->pdata[hb - 1])) {
		ha--;
		hb--;
	}
	for (guint i = 0; i < lo; i++)
		g_array_append_val(ed, ((struct edit){ SAME, i, i }));
	{
		guint rn = ha - lo, rm = hb - lo;

		if ((guint64)(rn + 1) * (rm + 1) > MAX_CELLS) {
			for (guint i = lo; i < ha; i++)
				g_array_append_val(ed, ((struct edit){ DEL, i, lo }));
			for (guint j = lo; j < hb; j++)
				g_array_append_val(ed, ((struct edit){ ADD, ha, j }));
		} else {
			/* L[i][j]: LCS length of A[lo+i..ha) and B[lo+j..hb) */
			guint *L = g_new0(guint, (gsize)(rn + 1) * (rm + 1));
			guint i = 0, j = 0;

#define AT(i, j) L[(gsize)(i) * (rm + 1) + (j)]
			for (guint x = rn; x-- > 0;)
				for (guint y = rm; y-- > 0;)
					AT(x, y) = !strcmp(A->pdata[lo + x], B->pdata[lo + y]) ? AT(x + 1, y + 1) + 1 :
						   MAX(AT(x + 1, y), AT(x, y + 1));
			while (i < rn || j < rm) {
				if (i < rn && j < rm && !strcmp(A->pdata[lo + i], B->pdata[lo + j])) {
					g_array_append_val(ed, ((struct edit){ SAME, lo + i, lo + j }));
					i++;
					j++;
				} else if (j < rm && (i == rn || AT(i, j + 1) > AT(i + 1, j))) {
					g_array_append_val(ed, ((struct edit){ ADD, lo + i, lo + j }));
					j++;
				} else {
					g_array_append_val(ed, ((struct edit){ DEL, lo + i, lo + j }));
					i++;
				}
			}
#undef AT
			g_free(L);
		}
	}
	for (guint i = ha, j = hb; i < n; i++, j++)
		g_array_append_val(ed, ((struct edit){ SAME, i, j }));
}

GString *fst_unified_diff(const char *a, const char *b, const char *aname, const char *bname)
{
	GPtrArray *A = split_lines(a), *B = split_lines(b);
	GArray *ed = g_array_new(FALSE, FALSE, sizeof(struct edit));
	GString *out = g_string_new(NULL);
	guint k = 0;

	script(ed, A, B);
	while (k < ed->len) {
		guint start, end, s, e;
		guint acount = 0, bcount = 0;
		struct edit *first;

		while (k < ed->len && g_array_index(ed, struct edit, k).op == SAME)
			k++;
		if (k == ed->len)
			break;
		if (!out->len)
			g_string_append_printf(out, "--- %s\n+++ %s\n", aname, bname);
		/* the hunk: changes closer than 2*CONTEXT lines join */
		start = k > CONTEXT ? k - CONTEXT : 0;
		end = k;
		for (guint same = 0; end < ed->len; end++) {
			if (g_array_index(ed, struct edit, end).op == SAME) {
				if (++same > 2 * CONTEXT)
					break;
			} else {
				same = 0;
			}
		}
		/* trim trailing context to CONTEXT lines */
		e = end;
		while (e > k && g_array_index(ed, struct edit, e - 1).op == SAME)
			e--;
		e = MIN(ed->len, e + CONTEXT);
		s = start;
		for (guint i = s; i < e; i++) {
			int op = g_array_index(ed, struct edit, i).op;

			acount += op != ADD;
			bcount += op != DEL;
		}
		first = &g_array_index(ed, struct edit, s);
		g_string_append_printf(out, "@@ -%u", acount ? first->a + 1 : first->a);
		if (acount != 1)
			g_string_append_printf(out, ",%u", acount);
		g_string_append_printf(out, " +%u", bcount ? first->b + 1 : first->b);
		if (bcount != 1)
			g_string_append_printf(out, ",%u", bcount);
		g_string_append(out, " @@\n");
		for (guint i = s; i < e; i++) {
			struct edit *x = &g_array_index(ed, struct edit, i);

			if (x->op == SAME)
				g_string_append_printf(out, " %s\n", (char *)A->pdata[x->a]);
			else if (x->op == DEL)
				g_string_append_printf(out, "-%s\n", (char *)A->pdata[x->a]);
			else
				g_string_append_printf(out, "+%s\n", (char *)B->pdata[x->b]);
		}
		k = e;
	}
	g_array_free(ed, TRUE);
	g_ptr_array_free(A, TRUE);
	g_ptr_array_free(B, TRUE);
	return out;
}
