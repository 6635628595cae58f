// SPDX-License-Identifier: MIT
/*
 * Unit tests for models/xfs/xfs_iext.c: the per-fork extent list.
 *
 * Pictures use one character per file block:  '.' hole, letters are
 * mappings (same letter = one extent), lower case = unwritten.
 */
#include <check.h>
#include <glib.h>
#include <string.h>

#include "xfs_iext.h"
#include "unit_check.h"
#include "unit_suites.h"

#define NORM	XFS_EXT_NORM
#define UNWR	XFS_EXT_UNWRITTEN

#define RECS_MAX	256

struct recs {
	struct xfs_bmbt_irec	r[RECS_MAX];
	int			n;
	const struct xfs_ifork	*ifp;		/* for "after update" checks */
	bool			mapped_at_cb[RECS_MAX];	/* lookup in cb */
	xfs_exntst_t		state_at_cb[RECS_MAX];
	uint64_t		count_at_cb[RECS_MAX];
	int			stop_after;	/* walk: stop after n, 0 = never */
};

static void ins(struct xfs_ifork *ifp, xfs_fileoff_t off, xfs_fsblock_t blk,
		xfs_filblks_t cnt, xfs_exntst_t st)
{
	struct xfs_bmbt_irec irec = {
		.br_startoff = off,
		.br_startblock = blk,
		.br_blockcount = cnt,
		.br_state = st,
	};

	xfs_iext_insert(ifp, &irec);
}

static bool collect_walk(const struct xfs_bmbt_irec *irec, void *arg)
{
	struct recs *rs = arg;

	ut_assert_int_lt(rs->n, RECS_MAX);
	rs->r[rs->n++] = *irec;
	return !(rs->stop_after && rs->n >= rs->stop_after);
}

static void collect_piece(const struct xfs_bmbt_irec *piece, void *arg)
{
	struct recs *rs = arg;
	struct xfs_bmbt_irec got;

	ut_assert_int_lt(rs->n, RECS_MAX);
	rs->mapped_at_cb[rs->n] = xfs_iext_lookup_extent(rs->ifp,
						piece->br_startoff, &got);
	rs->state_at_cb[rs->n] = got.br_state;
	rs->count_at_cb[rs->n] = xfs_iext_count(rs->ifp);
	rs->r[rs->n++] = *piece;
}

static void dump(const struct xfs_ifork *ifp, struct recs *rs)
{
	memset(rs, 0, sizeof(*rs));
	xfs_iext_walk(ifp, 0, XFS_MAX_FILEOFF, collect_walk, rs);
	ut_assert_uint_eq(rs->n, xfs_iext_count(ifp));
}

#define ut_assert_rec(rec, off, blk, cnt, st)				\
	do {								\
		const struct xfs_bmbt_irec *_r = (rec);			\
		ut_assert_uint_eq(_r->br_startoff, (off));		\
		ut_assert_uint_eq(_r->br_startblock, (blk));		\
		ut_assert_uint_eq(_r->br_blockcount, (cnt));		\
		ut_assert_int_eq(_r->br_state, (st));			\
	} while (0)

START_TEST(test_empty_fork)
{
	struct xfs_ifork *ifp = xfs_ifork_alloc();
	struct xfs_bmbt_irec got;

	ut_assert_uint_eq(xfs_iext_count(ifp), 0);
	ut_assert(!xfs_iext_lookup_extent(ifp, 0, &got));
	ut_assert_rec(&got, 0, HOLESTARTBLOCK, XFS_MAX_FILEOFF, NORM);
	ut_assert(xfs_bmap_is_hole(&got));
	ut_assert(!xfs_iext_lookup_extent(ifp, 12345, &got));
	ut_assert_rec(&got, 12345, HOLESTARTBLOCK, XFS_MAX_FILEOFF - 12345,
		      NORM);
	/* Removing or converting nothing is harmless. */
	xfs_iext_remove_range(ifp, 0, 100, NULL, NULL);
	xfs_iext_set_state(ifp, 0, 100, UNWR, NULL, NULL);
	ut_assert_uint_eq(xfs_iext_count(ifp), 0);
	xfs_ifork_free(ifp);
	xfs_ifork_free(NULL);
}
END_TEST

/*
 *   0    5    10   15   20   25
 *   .....AAAAA.....BBBBB........   lookups before / in / between / after
 */
START_TEST(test_lookup_holes)
{
	struct xfs_ifork *ifp = xfs_ifork_alloc();
	struct xfs_bmbt_irec got;

	ins(ifp, 5, 100, 5, NORM);
	ins(ifp, 15, 300, 5, UNWR);

	ut_assert(!xfs_iext_lookup_extent(ifp, 0, &got));	/* before */
	ut_assert_rec(&got, 0, HOLESTARTBLOCK, 5, NORM);
	ut_assert(!xfs_iext_lookup_extent(ifp, 4, &got));
	ut_assert_rec(&got, 4, HOLESTARTBLOCK, 1, NORM);
	ut_assert(xfs_iext_lookup_extent(ifp, 5, &got));	/* first block */
	ut_assert_rec(&got, 5, 100, 5, NORM);
	ut_assert(xfs_iext_lookup_extent(ifp, 9, &got));	/* unclipped */
	ut_assert_rec(&got, 5, 100, 5, NORM);
	ut_assert(!xfs_iext_lookup_extent(ifp, 10, &got));	/* between */
	ut_assert_rec(&got, 10, HOLESTARTBLOCK, 5, NORM);
	ut_assert(!xfs_iext_lookup_extent(ifp, 12, &got));
	ut_assert_rec(&got, 12, HOLESTARTBLOCK, 3, NORM);
	ut_assert(xfs_iext_lookup_extent(ifp, 19, &got));
	ut_assert_rec(&got, 15, 300, 5, UNWR);
	ut_assert(!xfs_iext_lookup_extent(ifp, 20, &got));	/* after */
	ut_assert_rec(&got, 20, HOLESTARTBLOCK, XFS_MAX_FILEOFF - 20, NORM);
	ut_assert(!xfs_iext_lookup_extent(ifp, 1000, &got));
	ut_assert_rec(&got, 1000, HOLESTARTBLOCK, XFS_MAX_FILEOFF - 1000,
		      NORM);
	xfs_ifork_free(ifp);
}
END_TEST

START_TEST(test_insert_merge)
{
	struct xfs_ifork *ifp = xfs_ifork_alloc();
	struct recs rs;

	/* A.....  then  AA...., merge with left (file + disk contiguous) */
	ins(ifp, 0, 100, 1, NORM);
	ins(ifp, 1, 101, 1, NORM);
	dump(ifp, &rs);
	ut_assert_int_eq(rs.n, 1);
	ut_assert_rec(&rs.r[0], 0, 100, 2, NORM);

	/* merge with right:  AA..BB -> AA.BBB */
	ins(ifp, 4, 104, 2, NORM);
	ins(ifp, 3, 103, 1, NORM);
	dump(ifp, &rs);
	ut_assert_int_eq(rs.n, 2);
	ut_assert_rec(&rs.r[0], 0, 100, 2, NORM);
	ut_assert_rec(&rs.r[1], 3, 103, 3, NORM);

	/* fill the gap: merges both sides into one extent */
	ins(ifp, 2, 102, 1, NORM);
	dump(ifp, &rs);
	ut_assert_int_eq(rs.n, 1);
	ut_assert_rec(&rs.r[0], 0, 100, 6, NORM);

	/* file-contiguous but not disk-contiguous: no merge */
	ins(ifp, 6, 200, 2, NORM);
	/* disk-contiguous with the new one but different state: no merge */
	ins(ifp, 8, 202, 2, UNWR);
	/* disk-contiguous but a file gap: no merge */
	ins(ifp, 11, 204, 1, UNWR);
	dump(ifp, &rs);
	ut_assert_int_eq(rs.n, 4);
	ut_assert_rec(&rs.r[0], 0, 100, 6, NORM);
	ut_assert_rec(&rs.r[1], 6, 200, 2, NORM);
	ut_assert_rec(&rs.r[2], 8, 202, 2, UNWR);
	ut_assert_rec(&rs.r[3], 11, 204, 1, UNWR);

	/* right neighbour only merges when the state matches too */
	ins(ifp, 10, 203, 1, NORM);
	dump(ifp, &rs);
	ut_assert_int_eq(rs.n, 5);
	ins(ifp, 12, 205, 3, UNWR);	/* left merge with unwritten */
	dump(ifp, &rs);
	ut_assert_int_eq(rs.n, 5);
	ut_assert_rec(&rs.r[4], 11, 204, 4, UNWR);
	xfs_ifork_free(ifp);
}
END_TEST

/*
 *   0    5    10   15   20   25   30
 *   ..AAAAAA..BBBBBccccc..DDDDDD.....     remove [4, 25)
 *   ..AA.....................DDD.....
 */
START_TEST(test_remove_range_pieces)
{
	struct xfs_ifork *ifp = xfs_ifork_alloc();
	struct recs rs, pieces;
	int i;

	ins(ifp, 2, 100, 6, NORM);
	ins(ifp, 10, 200, 5, NORM);
	ins(ifp, 15, 205, 5, UNWR);
	ins(ifp, 22, 400, 6, NORM);
	ut_assert_uint_eq(xfs_iext_count(ifp), 4);

	memset(&pieces, 0, sizeof(pieces));
	pieces.ifp = ifp;
	xfs_iext_remove_range(ifp, 4, 21, collect_piece, &pieces);
	ut_assert_int_eq(pieces.n, 4);
	ut_assert_rec(&pieces.r[0], 4, 102, 4, NORM);
	ut_assert_rec(&pieces.r[1], 10, 200, 5, NORM);
	ut_assert_rec(&pieces.r[2], 15, 205, 5, UNWR);
	ut_assert_rec(&pieces.r[3], 22, 400, 3, NORM);
	/* callbacks ran after the fork was updated */
	for (i = 0; i < pieces.n; i++) {
		ut_assert(!pieces.mapped_at_cb[i]);
		ut_assert_uint_eq(pieces.count_at_cb[i], 2);
	}

	dump(ifp, &rs);
	ut_assert_int_eq(rs.n, 2);
	ut_assert_rec(&rs.r[0], 2, 100, 2, NORM);
	ut_assert_rec(&rs.r[1], 25, 403, 3, NORM);

	/* a range entirely in a hole removes nothing */
	memset(&pieces, 0, sizeof(pieces));
	pieces.ifp = ifp;
	xfs_iext_remove_range(ifp, 4, 21, collect_piece, &pieces);
	ut_assert_int_eq(pieces.n, 0);
	ut_assert_uint_eq(xfs_iext_count(ifp), 2);

	/* everything, without a callback */
	xfs_iext_remove_range(ifp, 0, XFS_MAX_FILEOFF, NULL, NULL);
	ut_assert_uint_eq(xfs_iext_count(ifp), 0);
	xfs_ifork_free(ifp);
}
END_TEST

/* AAAAAAAAAA -> remove [3, 6) -> AAA...AAAA, disk offsets kept */
START_TEST(test_remove_middle_splits)
{
	struct xfs_ifork *ifp = xfs_ifork_alloc();
	struct recs rs, pieces;
	struct xfs_bmbt_irec got;

	ins(ifp, 0, 50, 10, UNWR);
	memset(&pieces, 0, sizeof(pieces));
	pieces.ifp = ifp;
	xfs_iext_remove_range(ifp, 3, 3, collect_piece, &pieces);
	ut_assert_int_eq(pieces.n, 1);
	ut_assert_rec(&pieces.r[0], 3, 53, 3, UNWR);
	ut_assert_uint_eq(pieces.count_at_cb[0], 2);

	dump(ifp, &rs);
	ut_assert_int_eq(rs.n, 2);
	ut_assert_rec(&rs.r[0], 0, 50, 3, UNWR);
	ut_assert_rec(&rs.r[1], 6, 56, 4, UNWR);
	ut_assert(!xfs_iext_lookup_extent(ifp, 3, &got));
	ut_assert_rec(&got, 3, HOLESTARTBLOCK, 3, NORM);

	/* exactly one whole extent, edges aligned */
	xfs_iext_remove_range(ifp, 6, 4, NULL, NULL);
	dump(ifp, &rs);
	ut_assert_int_eq(rs.n, 1);
	ut_assert_rec(&rs.r[0], 0, 50, 3, UNWR);

	/* re-inserting the removed blocks merges back to one extent */
	ins(ifp, 3, 53, 7, UNWR);
	dump(ifp, &rs);
	ut_assert_int_eq(rs.n, 1);
	ut_assert_rec(&rs.r[0], 0, 50, 10, UNWR);
	xfs_ifork_free(ifp);
}
END_TEST

/*
 *   0    5    10   15
 *   aaaaaaaaaa.....      set [3, 6) NORM
 *   aaaAAAaaaa           3 extents; old state in the piece
 *   AAAAAAAAAA           set [0,10) NORM: pieces [0,3) and [6,10); 1 extent
 */
START_TEST(test_set_state_split_merge)
{
	struct xfs_ifork *ifp = xfs_ifork_alloc();
	struct recs rs, pieces;

	ins(ifp, 0, 100, 10, UNWR);
	memset(&pieces, 0, sizeof(pieces));
	pieces.ifp = ifp;
	xfs_iext_set_state(ifp, 3, 3, NORM, collect_piece, &pieces);
	ut_assert_int_eq(pieces.n, 1);
	ut_assert_rec(&pieces.r[0], 3, 103, 3, UNWR);	/* old state */
	ut_assert(pieces.mapped_at_cb[0]);
	ut_assert_int_eq(pieces.state_at_cb[0], NORM);	/* already updated */
	ut_assert_uint_eq(pieces.count_at_cb[0], 3);

	dump(ifp, &rs);
	ut_assert_int_eq(rs.n, 3);
	ut_assert_rec(&rs.r[0], 0, 100, 3, UNWR);
	ut_assert_rec(&rs.r[1], 3, 103, 3, NORM);
	ut_assert_rec(&rs.r[2], 6, 106, 4, UNWR);

	/* the already-NORM middle produces no piece */
	memset(&pieces, 0, sizeof(pieces));
	pieces.ifp = ifp;
	xfs_iext_set_state(ifp, 0, 15, NORM, collect_piece, &pieces);
	ut_assert_int_eq(pieces.n, 2);
	ut_assert_rec(&pieces.r[0], 0, 100, 3, UNWR);
	ut_assert_rec(&pieces.r[1], 6, 106, 4, UNWR);
	ut_assert_uint_eq(pieces.count_at_cb[0], 1);
	dump(ifp, &rs);
	ut_assert_int_eq(rs.n, 1);
	ut_assert_rec(&rs.r[0], 0, 100, 10, NORM);

	/* setting the state it already has changes nothing */
	memset(&pieces, 0, sizeof(pieces));
	pieces.ifp = ifp;
	xfs_iext_set_state(ifp, 0, 10, NORM, collect_piece, &pieces);
	ut_assert_int_eq(pieces.n, 0);
	ut_assert_uint_eq(xfs_iext_count(ifp), 1);
	xfs_ifork_free(ifp);
}
END_TEST

/*
 *   0    5    10   15   20
 *   AAAA..BBBB..CCCC.......      set [2, 14) UNWR, holes left alone
 *   AAaa..bbbb..ccCC
 */
START_TEST(test_set_state_holes_and_neighbours)
{
	struct xfs_ifork *ifp = xfs_ifork_alloc();
	struct recs rs, pieces;

	ins(ifp, 0, 10, 4, NORM);
	ins(ifp, 6, 20, 4, NORM);
	ins(ifp, 12, 30, 4, NORM);
	memset(&pieces, 0, sizeof(pieces));
	pieces.ifp = ifp;
	xfs_iext_set_state(ifp, 2, 12, UNWR, collect_piece, &pieces);
	ut_assert_int_eq(pieces.n, 3);
	ut_assert_rec(&pieces.r[0], 2, 12, 2, NORM);
	ut_assert_rec(&pieces.r[1], 6, 20, 4, NORM);
	ut_assert_rec(&pieces.r[2], 12, 30, 2, NORM);

	dump(ifp, &rs);
	ut_assert_int_eq(rs.n, 5);
	ut_assert_rec(&rs.r[0], 0, 10, 2, NORM);
	ut_assert_rec(&rs.r[1], 2, 12, 2, UNWR);
	ut_assert_rec(&rs.r[2], 6, 20, 4, UNWR);
	ut_assert_rec(&rs.r[3], 12, 30, 2, UNWR);
	ut_assert_rec(&rs.r[4], 14, 32, 2, NORM);

	/* converting a piece next to a same-state neighbour merges them */
	xfs_iext_set_state(ifp, 14, 1, UNWR, NULL, NULL);
	dump(ifp, &rs);
	ut_assert_int_eq(rs.n, 5);
	ut_assert_rec(&rs.r[3], 12, 30, 3, UNWR);
	ut_assert_rec(&rs.r[4], 15, 33, 1, NORM);
	xfs_iext_set_state(ifp, 0, 2, UNWR, NULL, NULL);
	dump(ifp, &rs);
	ut_assert_int_eq(rs.n, 4);
	ut_assert_rec(&rs.r[0], 0, 10, 4, UNWR);
	xfs_ifork_free(ifp);
}
END_TEST

START_TEST(test_walk)
{
	struct xfs_ifork *ifp = xfs_ifork_alloc();
	struct recs rs;

	ins(ifp, 0, 10, 4, NORM);
	ins(ifp, 6, 20, 4, NORM);
	ins(ifp, 12, 30, 4, NORM);

	/* overlapping extents, unclipped */
	memset(&rs, 0, sizeof(rs));
	xfs_iext_walk(ifp, 3, 4, collect_walk, &rs);
	ut_assert_int_eq(rs.n, 2);
	ut_assert_rec(&rs.r[0], 0, 10, 4, NORM);
	ut_assert_rec(&rs.r[1], 6, 20, 4, NORM);

	/* the range ends exactly where an extent starts: excluded */
	memset(&rs, 0, sizeof(rs));
	xfs_iext_walk(ifp, 4, 8, collect_walk, &rs);
	ut_assert_int_eq(rs.n, 1);
	ut_assert_rec(&rs.r[0], 6, 20, 4, NORM);

	/* a range in a hole */
	memset(&rs, 0, sizeof(rs));
	xfs_iext_walk(ifp, 10, 2, collect_walk, &rs);
	ut_assert_int_eq(rs.n, 0);

	/* stop early */
	memset(&rs, 0, sizeof(rs));
	rs.stop_after = 2;
	xfs_iext_walk(ifp, 0, XFS_MAX_FILEOFF, collect_walk, &rs);
	ut_assert_int_eq(rs.n, 2);
	xfs_ifork_free(ifp);
}
END_TEST

/*
 * Randomised comparison with a per-block model.  Because the fork is kept
 * canonical, its extents must be exactly the maximal runs of the model
 * that are contiguous in file and disk space with one state.
 */
#define MODEL_BLOCKS	300

struct iext_model {
	xfs_fsblock_t	blk[MODEL_BLOCKS];	/* HOLESTARTBLOCK = hole */
	xfs_exntst_t	st[MODEL_BLOCKS];
};

/* Maximal runs in [from, to); with @skip_state >= 0, runs of that state
 * are left out (the set_state pieces). */
static int model_runs(const struct iext_model *m, int from, int to,
		      int skip_state, struct xfs_bmbt_irec *out, int max)
{
	int n = 0, i = from;

	while (i < to) {
		int j = i + 1;

		if (m->blk[i] == HOLESTARTBLOCK ||
		    (int)m->st[i] == skip_state) {
			i++;
			continue;
		}
		while (j < to && m->blk[j] != HOLESTARTBLOCK &&
		       m->blk[j] == m->blk[j - 1] + 1 && m->st[j] == m->st[i])
			j++;
		ut_assert_int_lt(n, max);
		out[n].br_startoff = i;
		out[n].br_startblock = m->blk[i];
		out[n].br_blockcount = j - i;
		out[n].br_state = m->st[i];
		n++;
		i = j;
	}
	return n;
}

static void model_check(const struct xfs_ifork *ifp,
			const struct iext_model *m, GRand *rand)
{
	struct xfs_bmbt_irec want[MODEL_BLOCKS];
	struct recs rs;
	int n, i;

	n = model_runs(m, 0, MODEL_BLOCKS, -1, want, MODEL_BLOCKS);
	ut_assert_int_le(n, RECS_MAX);
	dump(ifp, &rs);
	ut_assert_int_eq(rs.n, n);
	for (i = 0; i < n; i++)
		ut_assert_rec(&rs.r[i], want[i].br_startoff,
			      want[i].br_startblock, want[i].br_blockcount,
			      want[i].br_state);

	for (i = 0; i < 20; i++) {
		int off = g_rand_int_range(rand, 0, MODEL_BLOCKS);
		struct xfs_bmbt_irec got;
		bool mapped = xfs_iext_lookup_extent(ifp, off, &got);

		ut_assert_int_eq(mapped, m->blk[off] != HOLESTARTBLOCK);
		if (mapped) {
			ut_assert_uint_le(got.br_startoff, off);
			ut_assert_uint_gt(got.br_startoff + got.br_blockcount,
					  off);
			ut_assert_uint_eq(got.br_startblock +
					  (off - got.br_startoff), m->blk[off]);
			ut_assert_int_eq(got.br_state, m->st[off]);
		} else {
			int j = off;

			while (j < MODEL_BLOCKS &&
			       m->blk[j] == HOLESTARTBLOCK)
				j++;
			ut_assert_uint_eq(got.br_startoff, off);
			ut_assert_uint_eq(got.br_blockcount,
					  j == MODEL_BLOCKS ?
					  XFS_MAX_FILEOFF - off :
					  (xfs_filblks_t)(j - off));
		}
	}
}

START_TEST(test_random_vs_model)
{
	struct xfs_ifork *ifp = xfs_ifork_alloc();
	GRand *rand = g_rand_new_with_seed(0x1e47);
	struct iext_model *m = g_new(struct iext_model, 1);
	xfs_fsblock_t next_blk = 1000;
	int iter, i;

	for (i = 0; i < MODEL_BLOCKS; i++) {
		m->blk[i] = HOLESTARTBLOCK;
		m->st[i] = NORM;
	}

	for (iter = 0; iter < 3000; iter++) {
		int op = g_rand_int_range(rand, 0, 10);
		int off = g_rand_int_range(rand, 0, MODEL_BLOCKS);
		int len = g_rand_int_range(rand, 1, 40);
		struct xfs_bmbt_irec want[MODEL_BLOCKS];
		struct recs pieces;
		int n;

		if (off + len > MODEL_BLOCKS)
			len = MODEL_BLOCKS - off;
		memset(&pieces, 0, sizeof(pieces));
		pieces.ifp = ifp;

		if (op < 5) {
			/* insert into the hole at off, up to len blocks */
			xfs_exntst_t st = g_rand_boolean(rand) ? NORM : UNWR;
			xfs_fsblock_t blk;

			if (m->blk[off] != HOLESTARTBLOCK)
				continue;
			for (n = 1; n < len && off + n < MODEL_BLOCKS &&
				    m->blk[off + n] == HOLESTARTBLOCK; n++)
				;
			/* often disk-contiguous with the left neighbour */
			if (off > 0 && m->blk[off - 1] != HOLESTARTBLOCK &&
			    g_rand_boolean(rand)) {
				blk = m->blk[off - 1] + 1;
				st = g_rand_int_range(rand, 0, 4) ?
					m->st[off - 1] : st;
			} else {
				blk = next_blk;
			}
			next_blk += 1000;
			ins(ifp, off, blk, n, st);
			for (i = 0; i < n; i++) {
				m->blk[off + i] = blk + i;
				m->st[off + i] = st;
			}
		} else if (op < 7) {
			n = model_runs(m, off, off + len, -1, want,
				       MODEL_BLOCKS);
			xfs_iext_remove_range(ifp, off, len, collect_piece,
					      &pieces);
			ut_assert_int_eq(pieces.n, n);
			for (i = 0; i < n; i++) {
				ut_assert_rec(&pieces.r[i],
					      want[i].br_startoff,
					      want[i].br_startblock,
					      want[i].br_blockcount,
					      want[i].br_state);
				ut_assert(!pieces.mapped_at_cb[i]);
			}
			for (i = off; i < off + len; i++)
				m->blk[i] = HOLESTARTBLOCK;
		} else {
			xfs_exntst_t st = g_rand_boolean(rand) ? NORM : UNWR;

			n = model_runs(m, off, off + len, st, want,
				       MODEL_BLOCKS);
			xfs_iext_set_state(ifp, off, len, st, collect_piece,
					   &pieces);
			ut_assert_int_eq(pieces.n, n);
			for (i = 0; i < n; i++) {
				ut_assert_rec(&pieces.r[i],
					      want[i].br_startoff,
					      want[i].br_startblock,
					      want[i].br_blockcount,
					      want[i].br_state);
				ut_assert(pieces.mapped_at_cb[i]);
				ut_assert_int_eq(pieces.state_at_cb[i], st);
			}
			for (i = off; i < off + len; i++)
				m->st[i] = st;
		}
		model_check(ifp, m, rand);
	}
	g_free(m);
	g_rand_free(rand);
	xfs_ifork_free(ifp);
}
END_TEST

Suite *xfs_iext_suite(void)
{
	Suite *s = suite_create("xfs_iext");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_empty_fork);
	tcase_add_test(tc, test_lookup_holes);
	tcase_add_test(tc, test_insert_merge);
	tcase_add_test(tc, test_remove_range_pieces);
	tcase_add_test(tc, test_remove_middle_splits);
	tcase_add_test(tc, test_set_state_split_merge);
	tcase_add_test(tc, test_set_state_holes_and_neighbours);
	tcase_add_test(tc, test_walk);
	suite_add_tcase(s, tc);

	tc = tcase_create("random");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_random_vs_model);
	suite_add_tcase(s, tc);
	return s;
}
