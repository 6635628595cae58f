// SPDX-License-Identifier: MIT
/*
 * Unit tests for models/xfs/xfs_alloc.c: the free-space allocator.
 *
 * Pictures: one character per block, '.' free, '#' used, '|' AG boundary.
 */
#include <check.h>
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "xfs_alloc.h"
#include "unit_check.h"
#include "unit_suites.h"

#define EXT_MAX	512

struct free_exts {
	xfs_fsblock_t	bno[EXT_MAX];
	xfs_filblks_t	len[EXT_MAX];
	int		n;
	int		stop_after;
};

static bool collect_free(xfs_fsblock_t bno, xfs_filblks_t len, void *arg)
{
	struct free_exts *fe = arg;

	ut_assert_int_lt(fe->n, EXT_MAX);
	fe->bno[fe->n] = bno;
	fe->len[fe->n] = len;
	fe->n++;
	return !(fe->stop_after && fe->n >= fe->stop_after);
}

static void dump(const struct xfs_alloc *a, struct free_exts *fe)
{
	memset(fe, 0, sizeof(*fe));
	xfs_alloc_walk_free(a, collect_free, fe);
}

#define ut_assert_ext(fe, i, b, l)					\
	do {								\
		ut_assert_uint_eq((fe)->bno[i], (b));			\
		ut_assert_uint_eq((fe)->len[i], (l));			\
	} while (0)

/* Allocate and check the result in one line. */
#define ck_alloc(a, goal, minlen, maxlen, align, want_bno, want_len)	\
	do {								\
		xfs_fsblock_t _b;					\
		xfs_filblks_t _l;					\
		ut_assert_int_eq(xfs_alloc_vextent((a), (goal), (minlen), \
				(maxlen), (align), &_b, &_l), 0);	\
		ut_assert_uint_eq(_b, (want_bno));			\
		ut_assert_uint_eq(_l, (want_len));			\
	} while (0)

#define ck_alloc_enospc(a, goal, minlen, maxlen, align)			\
	do {								\
		xfs_fsblock_t _b;					\
		xfs_filblks_t _l;					\
		ut_assert_int_eq(xfs_alloc_vextent((a), (goal), (minlen), \
				(maxlen), (align), &_b, &_l), -ENOSPC);	\
		ut_assert_uint_eq(_b, NULLFSBLOCK);			\
		ut_assert_uint_eq(_l, 0);				\
	} while (0)

START_TEST(test_geometry)
{
	struct xfs_alloc *a = xfs_alloc_create(1000, 4);
	struct free_exts fe;

	ut_assert_uint_eq(xfs_alloc_dblocks(a), 1000);
	ut_assert_uint_eq(xfs_alloc_agcount(a), 4);
	ut_assert_uint_eq(xfs_alloc_agblocks(a), 250);
	ut_assert_uint_eq(xfs_alloc_freeblks(a), 1000);
	ut_assert_uint_eq(xfs_alloc_agno(a, 249), 0);
	ut_assert_uint_eq(xfs_alloc_agno(a, 250), 1);
	ut_assert_uint_eq(xfs_alloc_agno(a, 999), 3);
	dump(a, &fe);
	ut_assert_int_eq(fe.n, 4);
	ut_assert_ext(&fe, 0, 0, 250);
	ut_assert_ext(&fe, 1, 250, 250);
	ut_assert_ext(&fe, 2, 500, 250);
	ut_assert_ext(&fe, 3, 750, 250);
	memset(&fe, 0, sizeof(fe));
	fe.stop_after = 2;
	xfs_alloc_walk_free(a, collect_free, &fe);
	ut_assert_int_eq(fe.n, 2);
	xfs_alloc_destroy(a);

	/* agblocks rounds up; the last AG is shorter */
	a = xfs_alloc_create(1001, 4);
	ut_assert_uint_eq(xfs_alloc_agblocks(a), 251);
	ut_assert_uint_eq(xfs_alloc_agcount(a), 4);
	dump(a, &fe);
	ut_assert_int_eq(fe.n, 4);
	ut_assert_ext(&fe, 3, 753, 248);
	xfs_alloc_destroy(a);

	/* rounding up would leave AG 3 empty: only 3 AGs exist */
	a = xfs_alloc_create(9, 4);
	ut_assert_uint_eq(xfs_alloc_agblocks(a), 3);
	ut_assert_uint_eq(xfs_alloc_agcount(a), 3);
	dump(a, &fe);
	ut_assert_int_eq(fe.n, 3);
	ut_assert_ext(&fe, 2, 6, 3);
	xfs_alloc_destroy(a);

	a = xfs_alloc_create(10, 1);
	ut_assert_uint_eq(xfs_alloc_agblocks(a), 10);
	xfs_alloc_destroy(a);
	xfs_alloc_destroy(NULL);
}
END_TEST

START_TEST(test_first_fit_from_goal)
{
	struct xfs_alloc *a = xfs_alloc_create(1000, 4);

	ck_alloc(a, NULLFSBLOCK, 1, 10, 1, 0, 10);
	ck_alloc(a, NULLFSBLOCK, 1, 10, 1, 10, 10);
	ck_alloc(a, 100, 1, 10, 1, 100, 10);	/* at the goal */
	ck_alloc(a, 105, 1, 10, 1, 110, 10);	/* first free after it */
	ck_alloc(a, 0, 1, 5, 1, 20, 5);
	ut_assert_uint_eq(xfs_alloc_freeblks(a), 1000 - 45);
	/* never crosses the AG end: the rest of AG 1 from the goal */
	ck_alloc(a, 300, 1, 1000, 1, 300, 200);
	/* the longest run up to maxlen: [250, 300) holds 50 */
	ck_alloc(a, 250, 20, 80, 1, 250, 50);
	ut_assert(xfs_alloc_is_used(a, 250, 250));
	xfs_alloc_destroy(a);
}
END_TEST

/*
 *   0         50        100
 *   ..........#####.....|        AG 0 of 2, goal 45
 */
START_TEST(test_goal_extent_too_small)
{
	struct xfs_alloc *a = xfs_alloc_create(200, 2);

	xfs_alloc_mark_used(a, 50, 30);		/* free: [0,50) [80,100) */
	/* [45,50) holds 3 */
	ck_alloc(a, 45, 3, 10, 1, 45, 5);
	xfs_alloc_free(a, 45, 5);
	/* [45,50) too small for 10: the next extent in the AG */
	ck_alloc(a, 45, 10, 10, 1, 80, 10);
	/* [90,100) too small for 15: wrap to the AG start, unclipped */
	ck_alloc(a, 95, 15, 15, 1, 0, 15);
	/* minlen 7 fits, maxlen 12 does not: the whole of [90, 100) */
	ck_alloc(a, 85, 7, 12, 1, 90, 10);
	xfs_alloc_destroy(a);
}
END_TEST

/*
 *   AG:  0          1          2          3
 *        ##########|..........|..........|####.#####
 *   goal in AG 3 (full but one block): AG 3 -> AG 0 -> AG 1, wrapping
 */
START_TEST(test_ag_wrap)
{
	struct xfs_alloc *a = xfs_alloc_create(400, 4);

	xfs_alloc_mark_used(a, 300, 100);	/* AG 3 full */
	xfs_alloc_mark_used(a, 0, 100);		/* AG 0 full */
	xfs_alloc_free(a, 20, 10);		/* AG 0: [20,30) free */
	ck_alloc(a, 350, 5, 5, 1, 20, 5);	/* AG 3 -> wraps to AG 0 */
	ck_alloc(a, 399, 6, 6, 1, 100, 6);	/* AG 0 too small -> AG 1 */
	ck_alloc(a, 250, 1, 100, 1, 250, 50);	/* goal in AG 2, rest of AG */
	ck_alloc(a, 250, 1, 100, 1, 200, 50);	/* wraps inside AG 2 */
	/* AG 2 full -> AG 3 full -> AG 0's 5 blocks -> then AG 1 */
	ck_alloc(a, 250, 1, 100, 1, 25, 5);
	ck_alloc(a, 250, 1, 100, 1, 106, 94);
	ck_alloc_enospc(a, 250, 1, 100, 1);
	xfs_alloc_destroy(a);
}
END_TEST

/*
 * Alignment: prefer the first free extent holding an align-aligned run of
 * maxlen blocks; fall back to first fit.
 *
 *   0       8       16      24      32      40
 *   ###..........#######................#####...
 */
START_TEST(test_alignment)
{
	struct xfs_alloc *a = xfs_alloc_create(1024, 1);

	xfs_alloc_mark_used(a, 0, 1024);
	xfs_alloc_free(a, 3, 10);	/* [3,13): no aligned 8-run */
	xfs_alloc_free(a, 20, 20);	/* [20,40): 8-aligned run at 24 */
	ck_alloc(a, NULLFSBLOCK, 1, 8, 8, 24, 8);
	/* free: [3,13) [20,24) [32,40); 16-aligned run of 8 at 32 */
	ck_alloc(a, NULLFSBLOCK, 1, 8, 16, 32, 8);
	/* free: [3,13) [20,24); nothing aligned: first fit */
	ck_alloc(a, NULLFSBLOCK, 1, 8, 16, 3, 8);
	/* free: [11,13) [20,24) */
	ck_alloc(a, NULLFSBLOCK, 4, 8, 8, 20, 4);
	ck_alloc(a, NULLFSBLOCK, 1, 8, 8, 11, 2);
	ck_alloc_enospc(a, NULLFSBLOCK, 1, 8, 8);
	ut_assert_uint_eq(xfs_alloc_freeblks(a), 0);

	/* with a goal, the aligned run is searched from the goal */
	xfs_alloc_free(a, 512, 512);
	ck_alloc(a, 515, 1, 8, 8, 520, 8);
	ck_alloc(a, 515, 1, 4, 1, 515, 4);
	/* nothing aligned after goal 1020: the aligned pass wraps to the AG
	 * start and skips [512,515) and [519,520) for [528,1024) */
	ck_alloc(a, 1020, 1, 8, 8, 528, 8);
	xfs_alloc_destroy(a);
}
END_TEST

/* The aligned preference is global: it beats an unaligned fit in the
 * goal's AG. */
START_TEST(test_alignment_prefers_other_ag)
{
	struct xfs_alloc *a = xfs_alloc_create(1024, 4);

	xfs_alloc_mark_used(a, 0, 256);
	xfs_alloc_free(a, 1, 8);	/* AG 0: [1,9), unaligned */
	ck_alloc(a, NULLFSBLOCK, 1, 8, 8, 256, 8);
	/* without alignment the goal's AG wins */
	ck_alloc(a, NULLFSBLOCK, 1, 8, 1, 1, 8);
	xfs_alloc_destroy(a);
}
END_TEST

START_TEST(test_enospc)
{
	struct xfs_alloc *a = xfs_alloc_create(100, 2);

	ck_alloc(a, NULLFSBLOCK, 1, 100, 1, 0, 50);
	ck_alloc(a, NULLFSBLOCK, 1, 100, 1, 50, 50);
	ut_assert_uint_eq(xfs_alloc_freeblks(a), 0);
	ck_alloc_enospc(a, NULLFSBLOCK, 1, 1, 1);
	ck_alloc_enospc(a, 70, 1, 1, 4);

	/* 10 blocks free in total, but no single 6-block extent */
	xfs_alloc_free(a, 10, 5);
	xfs_alloc_free(a, 60, 5);
	ut_assert_uint_eq(xfs_alloc_freeblks(a), 10);
	ck_alloc_enospc(a, NULLFSBLOCK, 6, 10, 1);
	ut_assert_uint_eq(xfs_alloc_freeblks(a), 10);
	ck_alloc(a, 50, 5, 10, 1, 60, 5);
	ck_alloc(a, 50, 5, 10, 1, 10, 5);
	xfs_alloc_destroy(a);
}
END_TEST

START_TEST(test_free_merge)
{
	struct xfs_alloc *a = xfs_alloc_create(100, 1);
	struct free_exts fe;

	xfs_alloc_mark_used(a, 0, 100);
	ut_assert_uint_eq(xfs_alloc_freeblks(a), 0);
	dump(a, &fe);
	ut_assert_int_eq(fe.n, 0);

	xfs_alloc_free(a, 10, 10);
	xfs_alloc_free(a, 30, 10);
	dump(a, &fe);
	ut_assert_int_eq(fe.n, 2);
	xfs_alloc_free(a, 20, 10);		/* merges both sides */
	dump(a, &fe);
	ut_assert_int_eq(fe.n, 1);
	ut_assert_ext(&fe, 0, 10, 30);
	xfs_alloc_free(a, 9, 1);		/* merges left edge */
	xfs_alloc_free(a, 40, 1);		/* merges right edge */
	xfs_alloc_free(a, 99, 1);		/* no neighbour */
	dump(a, &fe);
	ut_assert_int_eq(fe.n, 2);
	ut_assert_ext(&fe, 0, 9, 32);
	ut_assert_ext(&fe, 1, 99, 1);
	ut_assert_uint_eq(xfs_alloc_freeblks(a), 33);
	xfs_alloc_destroy(a);
}
END_TEST

/*
 *   0        40   50   60       100
 *   ........#####|#####.........       then free [40,60): no merge at 50
 */
START_TEST(test_ag_boundary)
{
	struct xfs_alloc *a = xfs_alloc_create(100, 2);
	struct free_exts fe;

	xfs_alloc_mark_used(a, 40, 20);		/* crosses the AG boundary */
	dump(a, &fe);
	ut_assert_int_eq(fe.n, 2);
	ut_assert_ext(&fe, 0, 0, 40);
	ut_assert_ext(&fe, 1, 60, 40);
	ut_assert(xfs_alloc_is_used(a, 40, 20));
	ut_assert_uint_eq(xfs_alloc_freeblks(a), 80);

	xfs_alloc_free(a, 40, 20);
	dump(a, &fe);
	ut_assert_int_eq(fe.n, 2);
	ut_assert_ext(&fe, 0, 0, 50);
	ut_assert_ext(&fe, 1, 50, 50);
	ut_assert(xfs_alloc_is_free(a, 0, 100));
	ut_assert_uint_eq(xfs_alloc_freeblks(a), 100);
	xfs_alloc_destroy(a);
}
END_TEST

START_TEST(test_is_free_is_used)
{
	struct xfs_alloc *a = xfs_alloc_create(100, 2);

	xfs_alloc_mark_used(a, 10, 10);
	ut_assert(xfs_alloc_is_used(a, 10, 10));
	ut_assert(xfs_alloc_is_used(a, 12, 3));
	ut_assert(!xfs_alloc_is_used(a, 9, 2));
	ut_assert(!xfs_alloc_is_used(a, 19, 2));
	ut_assert(!xfs_alloc_is_free(a, 9, 2));
	ut_assert(!xfs_alloc_is_free(a, 19, 2));
	ut_assert(!xfs_alloc_is_free(a, 0, 100));
	ut_assert(xfs_alloc_is_free(a, 0, 10));
	ut_assert(xfs_alloc_is_free(a, 20, 80));	/* two AGs */
	ut_assert(!xfs_alloc_is_used(a, 5, 20));
	/* out of range: neither */
	ut_assert(!xfs_alloc_is_free(a, 95, 10));
	ut_assert(!xfs_alloc_is_used(a, 95, 10));
	ut_assert(!xfs_alloc_is_free(a, 100, 1));
	/* empty ranges are vacuously both */
	ut_assert(xfs_alloc_is_free(a, 15, 0));
	ut_assert(xfs_alloc_is_used(a, 5, 0));
	xfs_alloc_destroy(a);
}
END_TEST

/*
 * Random allocations and frees against a bitmap, with the documented
 * policy re-implemented on extents computed from the bitmap.
 */
#define NBLK	500
#define NAG	3

struct bitmap_fs {
	bool		used[NBLK];
	uint64_t	agblocks;
	unsigned int	agcount;
};

struct ref_req {
	uint64_t	minlen, maxlen, align;
	uint64_t	rbno, rlen;
};

static bool ref_try(struct ref_req *r, uint64_t s, uint64_t e, bool aligned)
{
	if (aligned) {
		uint64_t as = (s + r->align - 1) / r->align * r->align;

		if (as >= e || e - as < r->maxlen)
			return false;
		r->rbno = as;
		r->rlen = r->maxlen;
		return true;
	}
	if (e - s < r->minlen)
		return false;
	r->rbno = s;
	r->rlen = MIN(e - s, r->maxlen);
	return true;
}

/* Free extents of AG @ag from the bitmap. */
static int ref_extents(const struct bitmap_fs *fs, unsigned int ag,
		       uint64_t *s, uint64_t *e)
{
	uint64_t b = ag * fs->agblocks;
	uint64_t end = MIN(b + fs->agblocks, (uint64_t)NBLK);
	int n = 0;

	while (b < end) {
		uint64_t c = b;

		if (fs->used[b]) {
			b++;
			continue;
		}
		while (c < end && !fs->used[c])
			c++;
		s[n] = b;
		e[n] = c;
		n++;
		b = c;
	}
	return n;
}

static bool ref_pass(const struct bitmap_fs *fs, struct ref_req *r,
		     uint64_t goal, bool aligned)
{
	uint64_t s[NBLK], e[NBLK];
	unsigned int start = goal / fs->agblocks, i;
	int n, j;

	for (i = 0; i < fs->agcount; i++) {
		unsigned int ag = (start + i) % fs->agcount;

		n = ref_extents(fs, ag, s, e);
		if (i == 0) {
			for (j = 0; j < n; j++)
				if (e[j] > goal &&
				    ref_try(r, MAX(s[j], goal), e[j], aligned))
					return true;
			for (j = 0; j < n; j++)
				if (s[j] < goal &&
				    ref_try(r, s[j], e[j], aligned))
					return true;
		} else {
			for (j = 0; j < n; j++)
				if (ref_try(r, s[j], e[j], aligned))
					return true;
		}
	}
	return false;
}

static int ref_alloc(const struct bitmap_fs *fs, uint64_t goal,
		     struct ref_req *r)
{
	if (goal == NULLFSBLOCK)
		goal = 0;
	if (r->align > 1 && ref_pass(fs, r, goal, true))
		return 0;
	if (ref_pass(fs, r, goal, false))
		return 0;
	return -ENOSPC;
}

static void check_against_bitmap(const struct xfs_alloc *a,
				 const struct bitmap_fs *fs, GRand *rand)
{
	struct free_exts *fe = g_new(struct free_exts, 1);
	uint64_t s[NBLK], e[NBLK], nfree = 0;
	unsigned int ag;
	int i = 0, n, j, k;

	dump(a, fe);
	for (ag = 0; ag < fs->agcount; ag++) {
		n = ref_extents(fs, ag, s, e);
		for (j = 0; j < n; j++, i++) {
			ut_assert_int_lt(i, fe->n);
			ut_assert_ext(fe, i, s[j], e[j] - s[j]);
			nfree += e[j] - s[j];
		}
	}
	ut_assert_int_eq(i, fe->n);
	ut_assert_uint_eq(xfs_alloc_freeblks(a), nfree);
	g_free(fe);

	for (k = 0; k < 10; k++) {
		int b = g_rand_int_range(rand, 0, NBLK);
		int l = g_rand_int_range(rand, 1, 20);
		bool all_free = b + l <= NBLK, all_used = b + l <= NBLK;

		for (j = b; j < MIN(b + l, NBLK); j++) {
			all_free &= !fs->used[j];
			all_used &= fs->used[j];
		}
		ut_assert_int_eq(xfs_alloc_is_free(a, b, l), all_free);
		ut_assert_int_eq(xfs_alloc_is_used(a, b, l), all_used);
	}
}

START_TEST(test_random_vs_bitmap)
{
	static const uint64_t aligns[] = { 1, 1, 2, 4, 8, 16 };
	struct xfs_alloc *a = xfs_alloc_create(NBLK, NAG);
	struct bitmap_fs *fs = g_new0(struct bitmap_fs, 1);
	GRand *rand = g_rand_new_with_seed(0xa110c);
	int iter, i, nalloc = 0, nenospc = 0, naligned = 0;

	fs->agblocks = xfs_alloc_agblocks(a);
	fs->agcount = xfs_alloc_agcount(a);
	ut_assert_uint_eq(fs->agblocks, 167);
	ut_assert_uint_eq(fs->agcount, 3);

	for (iter = 0; iter < 5000; iter++) {
		int op = g_rand_int_range(rand, 0, 100);

		if (op < 50) {
			struct ref_req r = { 0 };
			uint64_t goal = g_rand_int_range(rand, 0, 4) ?
				(uint64_t)g_rand_int_range(rand, 0, NBLK) :
				NULLFSBLOCK;
			xfs_fsblock_t bno;
			xfs_filblks_t len;
			int ret, want;

			r.minlen = g_rand_int_range(rand, 1, 9);
			r.maxlen = r.minlen + g_rand_int_range(rand, 0, 30);
			r.align = aligns[g_rand_int_range(rand, 0, 6)];
			want = ref_alloc(fs, goal, &r);
			ret = xfs_alloc_vextent(a, goal, r.minlen, r.maxlen,
						r.align, &bno, &len);
			ut_assert_int_eq(ret, want);
			if (ret) {
				nenospc++;
				continue;
			}
			ut_assert_uint_eq(bno, r.rbno);
			ut_assert_uint_eq(len, r.rlen);
			ut_assert_uint_ge(len, r.minlen);
			ut_assert_uint_le(len, r.maxlen);
			ut_assert_uint_eq(xfs_alloc_agno(a, bno),
					  xfs_alloc_agno(a, bno + len - 1));
			if (r.align > 1 && bno % r.align == 0 &&
			    len == r.maxlen)
				naligned++;
			for (i = 0; i < (int)len; i++) {
				ut_assert(!fs->used[bno + i]);
				fs->used[bno + i] = true;
			}
			nalloc++;
		} else if (op < 90) {
			/* free part of a used run, possibly across AGs */
			int b = g_rand_int_range(rand, 0, NBLK);
			int l = g_rand_int_range(rand, 1, 40);

			if (!fs->used[b])
				continue;
			for (i = 1; i < l && b + i < NBLK && fs->used[b + i];
			     i++)
				;
			xfs_alloc_free(a, b, i);
			while (i--)
				fs->used[b + i] = false;
		} else {
			/* mark a free run used, possibly across AGs */
			int b = g_rand_int_range(rand, 0, NBLK);
			int l = g_rand_int_range(rand, 1, 40);

			if (fs->used[b])
				continue;
			for (i = 1; i < l && b + i < NBLK && !fs->used[b + i];
			     i++)
				;
			xfs_alloc_mark_used(a, b, i);
			while (i--)
				fs->used[b + i] = true;
		}
		check_against_bitmap(a, fs, rand);
	}
	ut_assert_int_gt(nalloc, 1000);
	ut_assert_int_gt(nenospc, 10);
	ut_assert_int_gt(naligned, 50);
	g_rand_free(rand);
	g_free(fs);
	xfs_alloc_destroy(a);
}
END_TEST

Suite *xfs_alloc_suite(void)
{
	Suite *s = suite_create("xfs_alloc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_geometry);
	tcase_add_test(tc, test_first_fit_from_goal);
	tcase_add_test(tc, test_goal_extent_too_small);
	tcase_add_test(tc, test_ag_wrap);
	tcase_add_test(tc, test_alignment);
	tcase_add_test(tc, test_alignment_prefers_other_ag);
	tcase_add_test(tc, test_enospc);
	tcase_add_test(tc, test_free_merge);
	tcase_add_test(tc, test_ag_boundary);
	tcase_add_test(tc, test_is_free_is_used);
	suite_add_tcase(s, tc);

	tc = tcase_create("random");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_random_vs_bitmap);
	suite_add_tcase(s, tc);
	return s;
}
