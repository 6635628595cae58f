// SPDX-License-Identifier: MIT
/*
 * Unit tests for models/xfs/xfs_refcount.c: the shared-range refcount tree.
 *
 * Pictures give the refcount per block, one digit per block, '1' meaning
 * "allocated, no record".
 */
#include <check.h>
#include <glib.h>
#include <string.h>

#include "xfs_refcount.h"
#include "unit_check.h"
#include "unit_suites.h"

#define RECS_MAX	512

struct rc_recs {
	struct xfs_refcount_irec r[RECS_MAX];
	int	n;
};

struct freed {
	xfs_fsblock_t	bno[RECS_MAX];
	xfs_filblks_t	len[RECS_MAX];
	int		n;
	const struct xfs_refcount_tree *tree;
	uint64_t	nrec_at_cb[RECS_MAX];
};

static bool collect_rec(const struct xfs_refcount_irec *rec, void *arg)
{
	struct rc_recs *rs = arg;

	ut_assert_int_lt(rs->n, RECS_MAX);
	rs->r[rs->n++] = *rec;
	return true;
}

static void collect_free(xfs_fsblock_t bno, xfs_filblks_t len, void *arg)
{
	struct freed *f = arg;

	ut_assert_int_lt(f->n, RECS_MAX);
	f->nrec_at_cb[f->n] = f->tree ? xfs_refcount_nrecords(f->tree) : 0;
	f->bno[f->n] = bno;
	f->len[f->n] = len;
	f->n++;
}

static void dump(const struct xfs_refcount_tree *tree, struct rc_recs *rs)
{
	memset(rs, 0, sizeof(*rs));
	xfs_refcount_walk(tree, collect_rec, rs);
	ut_assert_uint_eq(rs->n, xfs_refcount_nrecords(tree));
}

static void freed_init(struct freed *f, const struct xfs_refcount_tree *tree)
{
	memset(f, 0, sizeof(*f));
	f->tree = tree;
}

#define ut_assert_rc(rec, bno, len, cnt)				\
	do {								\
		const struct xfs_refcount_irec *_r = (rec);		\
		ut_assert_uint_eq(_r->rc_startblock, (bno));		\
		ut_assert_uint_eq(_r->rc_blockcount, (len));		\
		ut_assert_uint_eq(_r->rc_refcount, (cnt));		\
	} while (0)

#define ut_assert_freed(f, i, b, l)					\
	do {								\
		ut_assert_uint_eq((f)->bno[i], (b));			\
		ut_assert_uint_eq((f)->len[i], (l));			\
	} while (0)

START_TEST(test_empty)
{
	struct xfs_refcount_tree *tree = xfs_refcount_tree_alloc();
	xfs_fsblock_t fbno;
	xfs_filblks_t flen;

	ut_assert_uint_eq(xfs_refcount_nrecords(tree), 0);
	ut_assert_uint_eq(xfs_refcount_lookup(tree, 0), 1);
	ut_assert_uint_eq(xfs_refcount_lookup(tree, 999), 1);
	ut_assert(!xfs_refcount_find_shared(tree, 10, 5, &fbno, &flen));
	ut_assert_uint_eq(fbno, 15);
	ut_assert_uint_eq(flen, 0);
	xfs_refcount_tree_free(tree);
	xfs_refcount_tree_free(NULL);
}
END_TEST

/*
 *   blocks 0    5    10   15   20   25   30
 *   start  111111111111111111111111111111
 *   +[10,20)          2222222222
 *   +[15,25)          2222233333222221111
 *   -[0,30)   frees [0,10) and [25,30); leaves only [15,20) = 2
 *   -[15,20)  leaves nothing; -[10,25) frees [10,25)
 */
START_TEST(test_partial_overlap_and_back)
{
	struct xfs_refcount_tree *tree = xfs_refcount_tree_alloc();
	struct rc_recs rs;
	struct freed f;

	xfs_refcount_increase(tree, 10, 10);
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 1);
	ut_assert_rc(&rs.r[0], 10, 10, 2);

	xfs_refcount_increase(tree, 15, 10);
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 3);
	ut_assert_rc(&rs.r[0], 10, 5, 2);
	ut_assert_rc(&rs.r[1], 15, 5, 3);
	ut_assert_rc(&rs.r[2], 20, 5, 2);
	ut_assert_uint_eq(xfs_refcount_lookup(tree, 9), 1);
	ut_assert_uint_eq(xfs_refcount_lookup(tree, 10), 2);
	ut_assert_uint_eq(xfs_refcount_lookup(tree, 14), 2);
	ut_assert_uint_eq(xfs_refcount_lookup(tree, 15), 3);
	ut_assert_uint_eq(xfs_refcount_lookup(tree, 19), 3);
	ut_assert_uint_eq(xfs_refcount_lookup(tree, 24), 2);
	ut_assert_uint_eq(xfs_refcount_lookup(tree, 25), 1);

	freed_init(&f, tree);
	xfs_refcount_decrease(tree, 0, 30, collect_free, &f);
	ut_assert_int_eq(f.n, 2);
	ut_assert_freed(&f, 0, 0, 10);
	ut_assert_freed(&f, 1, 25, 5);
	/* called after the tree was updated */
	ut_assert_uint_eq(f.nrec_at_cb[0], 1);
	ut_assert_uint_eq(f.nrec_at_cb[1], 1);
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 1);
	ut_assert_rc(&rs.r[0], 15, 5, 2);

	freed_init(&f, tree);
	xfs_refcount_decrease(tree, 15, 5, collect_free, &f);
	ut_assert_int_eq(f.n, 0);
	ut_assert_uint_eq(xfs_refcount_nrecords(tree), 0);

	freed_init(&f, tree);
	xfs_refcount_decrease(tree, 10, 15, collect_free, &f);
	ut_assert_int_eq(f.n, 1);
	ut_assert_freed(&f, 0, 10, 15);
	ut_assert_uint_eq(xfs_refcount_nrecords(tree), 0);
	xfs_refcount_tree_free(tree);
}
END_TEST

/*
 * The same overlap, then decreases that exactly undo the increases: the
 * tree must return to empty (canonical) with no frees, and a final drop of
 * the owner's reference frees exactly the original range.
 */
START_TEST(test_undo_to_canonical_empty)
{
	struct xfs_refcount_tree *tree = xfs_refcount_tree_alloc();
	struct rc_recs rs;
	struct freed f;

	xfs_refcount_increase(tree, 10, 10);	/* 2 on [10,20) */
	xfs_refcount_increase(tree, 15, 10);	/* 3 on [15,20), 2 on [20,25) */
	xfs_refcount_increase(tree, 12, 2);	/* 3 on [12,14) */
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 5);
	ut_assert_rc(&rs.r[0], 10, 2, 2);
	ut_assert_rc(&rs.r[1], 12, 2, 3);
	ut_assert_rc(&rs.r[2], 14, 1, 2);
	ut_assert_rc(&rs.r[3], 15, 5, 3);
	ut_assert_rc(&rs.r[4], 20, 5, 2);

	freed_init(&f, tree);
	xfs_refcount_decrease(tree, 15, 10, collect_free, &f);
	ut_assert_int_eq(f.n, 0);
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 3);
	ut_assert_rc(&rs.r[0], 10, 2, 2);
	ut_assert_rc(&rs.r[1], 12, 2, 3);
	ut_assert_rc(&rs.r[2], 14, 6, 2);

	xfs_refcount_decrease(tree, 12, 2, collect_free, &f);
	ut_assert_int_eq(f.n, 0);
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 1);
	ut_assert_rc(&rs.r[0], 10, 10, 2);

	xfs_refcount_decrease(tree, 10, 10, collect_free, &f);
	ut_assert_int_eq(f.n, 0);
	ut_assert_uint_eq(xfs_refcount_nrecords(tree), 0);

	/* the last reference: [10,25) freed as one maximal range */
	xfs_refcount_decrease(tree, 10, 15, collect_free, &f);
	ut_assert_int_eq(f.n, 1);
	ut_assert_freed(&f, 0, 10, 15);
	ut_assert_uint_eq(xfs_refcount_nrecords(tree), 0);
	xfs_refcount_tree_free(tree);
}
END_TEST

/* Adjacent increases merge at the edges; interior counts stay distinct. */
START_TEST(test_edge_merge)
{
	struct xfs_refcount_tree *tree = xfs_refcount_tree_alloc();
	struct rc_recs rs;
	struct freed f;

	xfs_refcount_increase(tree, 0, 5);
	xfs_refcount_increase(tree, 10, 5);
	xfs_refcount_increase(tree, 5, 5);	/* fills the gap: one record */
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 1);
	ut_assert_rc(&rs.r[0], 0, 15, 2);

	xfs_refcount_increase(tree, 0, 15);
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 1);
	ut_assert_rc(&rs.r[0], 0, 15, 3);

	/* 333332222233333 then +[5,10) -> 333333333333333 */
	freed_init(&f, tree);
	xfs_refcount_decrease(tree, 5, 5, collect_free, &f);
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 3);
	ut_assert_rc(&rs.r[1], 5, 5, 2);
	xfs_refcount_increase(tree, 5, 5);
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 1);
	ut_assert_rc(&rs.r[0], 0, 15, 3);

	/* a decrease whose result equals the left neighbour merges too */
	xfs_refcount_increase(tree, 15, 5);	/* 2 on [15,20) */
	xfs_refcount_increase(tree, 15, 5);	/* 3: merges with [0,15) */
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 1);
	ut_assert_rc(&rs.r[0], 0, 20, 3);
	xfs_refcount_increase(tree, 20, 5);	/* 2 on [20,25) */
	xfs_refcount_decrease(tree, 15, 5, collect_free, &f);
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 2);
	ut_assert_rc(&rs.r[0], 0, 15, 3);
	ut_assert_rc(&rs.r[1], 15, 10, 2);	/* [15,20) 2 merged with [20,25) */
	ut_assert_int_eq(f.n, 0);
	xfs_refcount_tree_free(tree);
}
END_TEST

/*
 *   blocks 0    5    10   15   20   25   30
 *          1111111111222223333312222211111
 */
START_TEST(test_find_shared)
{
	struct xfs_refcount_tree *tree = xfs_refcount_tree_alloc();
	xfs_fsblock_t fbno;
	xfs_filblks_t flen;

	xfs_refcount_increase(tree, 10, 10);
	xfs_refcount_increase(tree, 15, 5);
	xfs_refcount_increase(tree, 21, 5);
	ut_assert_uint_eq(xfs_refcount_nrecords(tree), 3);

	/* bno, len -> found, fbno, flen */
	static const struct {
		xfs_fsblock_t bno;
		xfs_filblks_t len;
		bool found;
		xfs_fsblock_t fbno;
		xfs_filblks_t flen;
	} cases[] = {
		{ 0, 10, false, 10, 0 },	/* before any record */
		{ 0, 100, true, 10, 10 },	/* hole first; run crosses two records */
		{ 12, 100, true, 12, 8 },	/* starts inside: clipped at the front */
		{ 5, 12, true, 10, 7 },		/* clipped at the end of the range */
		{ 16, 2, true, 16, 2 },
		{ 20, 10, true, 21, 5 },	/* the gap at 20 stops the run */
		{ 20, 1, false, 21, 0 },
		{ 26, 50, false, 76, 0 },	/* after all records */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ut_assert(xfs_refcount_find_shared(tree, cases[i].bno, cases[i].len,
						   &fbno, &flen) == cases[i].found);
		ut_assert_uint_eq(fbno, cases[i].fbno);
		ut_assert_uint_eq(flen, cases[i].flen);
	}
	xfs_refcount_tree_free(tree);
}
END_TEST

static bool stop_after_one(const struct xfs_refcount_irec *rec, void *arg)
{
	(*(int *)arg)++;
	return false;
}

START_TEST(test_walk_stop)
{
	struct xfs_refcount_tree *tree = xfs_refcount_tree_alloc();
	int calls = 0;

	xfs_refcount_increase(tree, 0, 1);
	xfs_refcount_increase(tree, 5, 1);
	xfs_refcount_walk(tree, stop_after_one, &calls);
	ut_assert_int_eq(calls, 1);
	xfs_refcount_decrease(tree, 0, 1, NULL, NULL);
	xfs_refcount_decrease(tree, 5, 1, NULL, NULL);
	ut_assert_uint_eq(xfs_refcount_nrecords(tree), 0);
	xfs_refcount_tree_free(tree);
}
END_TEST

/*
 * Random increases/decreases against a per-block count array (0 = free).
 * The tree must equal the canonical record set of the array after every
 * step, and the freed ranges must be the maximal runs that reached zero.
 */
#define NBLK	400

static void check_canonical(const struct xfs_refcount_tree *tree,
			    const uint32_t *cnt)
{
	struct rc_recs rs;
	int i = 0, n = 0;

	dump(tree, &rs);
	while (i < NBLK) {
		int j = i + 1;

		if (cnt[i] < 2) {
			i++;
			continue;
		}
		while (j < NBLK && cnt[j] == cnt[i])
			j++;
		ut_assert_int_lt(n, rs.n);
		ut_assert_rc(&rs.r[n], i, j - i, cnt[i]);
		n++;
		i = j;
	}
	ut_assert_int_eq(n, rs.n);
}

START_TEST(test_random_vs_counts)
{
	struct xfs_refcount_tree *tree = xfs_refcount_tree_alloc();
	GRand *rand = g_rand_new_with_seed(0xc0ffee);
	uint32_t cnt[NBLK];
	int iter, i;

	for (i = 0; i < NBLK; i++)
		cnt[i] = 1;

	for (iter = 0; iter < 4000; iter++) {
		int bno = g_rand_int_range(rand, 0, NBLK);
		int len = g_rand_int_range(rand, 1, 30);
		bool ok = true;
		struct freed f;
		int nf;

		if (bno + len > NBLK)
			len = NBLK - bno;
		for (i = bno; i < bno + len; i++)
			ok &= cnt[i] > 0;
		if (!ok) {
			/* "allocate" the free blocks of the range again */
			for (i = bno; i < bno + len; i++)
				if (!cnt[i])
					cnt[i] = 1;
			continue;
		}

		if (g_rand_int_range(rand, 0, 100) < 55) {
			xfs_refcount_increase(tree, bno, len);
			for (i = bno; i < bno + len; i++)
				cnt[i]++;
		} else {
			freed_init(&f, tree);
			xfs_refcount_decrease(tree, bno, len, collect_free,
					      &f);
			nf = 0;
			for (i = bno; i < bno + len; i++)
				cnt[i]--;
			i = bno;
			while (i < bno + len) {
				int j = i + 1;

				if (cnt[i]) {
					i++;
					continue;
				}
				while (j < bno + len && !cnt[j])
					j++;
				ut_assert_int_lt(nf, f.n);
				ut_assert_freed(&f, nf, i, j - i);
				nf++;
				i = j;
			}
			ut_assert_int_eq(nf, f.n);
		}
		check_canonical(tree, cnt);

		for (i = 0; i < 10; i++) {
			int b = g_rand_int_range(rand, 0, NBLK);
			int l = g_rand_int_range(rand, 1, 50);
			xfs_fsblock_t fbno, want_bno;
			xfs_filblks_t flen, want_len = 0;
			int end = MIN(b + l, NBLK), k;

			ut_assert_uint_eq(xfs_refcount_lookup(tree, b),
					  MAX(cnt[b], 1));
			for (k = b; k < end && cnt[k] < 2; k++)
				;
			want_bno = k < end ? (xfs_fsblock_t)k :
					     (xfs_fsblock_t)(b + l);
			for (; k < end && cnt[k] >= 2; k++)
				want_len++;
			ut_assert_int_eq(xfs_refcount_find_shared(tree, b, l,
						&fbno, &flen), want_len > 0);
			ut_assert_uint_eq(fbno, want_bno);
			ut_assert_uint_eq(flen, want_len);
		}
	}
	g_rand_free(rand);
	xfs_refcount_tree_free(tree);
}
END_TEST

Suite *xfs_refcount_suite(void)
{
	Suite *s = suite_create("xfs_refcount");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_partial_overlap_and_back);
	tcase_add_test(tc, test_undo_to_canonical_empty);
	tcase_add_test(tc, test_edge_merge);
	tcase_add_test(tc, test_find_shared);
	tcase_add_test(tc, test_walk_stop);
	suite_add_tcase(s, tc);

	tc = tcase_create("random");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_random_vs_counts);
	suite_add_tcase(s, tc);
	return s;
}
