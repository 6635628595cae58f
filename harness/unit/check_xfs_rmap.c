// SPDX-License-Identifier: MIT
/*
 * Unit tests for models/xfs/xfs_rmap.c: the reverse-mapping tree.
 */
#include <check.h>
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "xfs_rmap.h"
#include "unit_check.h"
#include "unit_suites.h"

#define RECS_MAX	1024

struct rm_recs {
	struct xfs_rmap_irec r[RECS_MAX];
	int	n;
	int	stop_after;
};

static bool collect_rec(const struct xfs_rmap_irec *rec, void *arg)
{
	struct rm_recs *rs = arg;

	ut_assert_int_lt(rs->n, RECS_MAX);
	rs->r[rs->n++] = *rec;
	return !(rs->stop_after && rs->n >= rs->stop_after);
}

static void dump(const struct xfs_rmap_tree *tree, struct rm_recs *rs)
{
	memset(rs, 0, sizeof(*rs));
	xfs_rmap_walk(tree, collect_rec, rs);
	ut_assert_uint_eq(rs->n, xfs_rmap_nrecords(tree));
}

static void query(const struct xfs_rmap_tree *tree, xfs_fsblock_t bno,
		  xfs_filblks_t len, struct rm_recs *rs)
{
	memset(rs, 0, sizeof(*rs));
	xfs_rmap_query_range(tree, bno, len, collect_rec, rs);
}

#define ut_assert_rm(rec, bno, len, own, off, fl)			\
	do {								\
		const struct xfs_rmap_irec *_r = (rec);			\
		ut_assert_uint_eq(_r->rm_startblock, (bno));		\
		ut_assert_uint_eq(_r->rm_blockcount, (len));		\
		ut_assert_uint_eq(_r->rm_owner, (own));			\
		ut_assert_uint_eq(_r->rm_offset, (off));		\
		ut_assert_uint_eq(_r->rm_flags, (fl));			\
	} while (0)

START_TEST(test_empty)
{
	struct xfs_rmap_tree *tree = xfs_rmap_tree_alloc();
	struct rm_recs rs;

	ut_assert_uint_eq(xfs_rmap_nrecords(tree), 0);
	query(tree, 0, 100, &rs);
	ut_assert_int_eq(rs.n, 0);
	ut_assert_int_eq(xfs_rmap_unmap(tree, 0, 1, 5, 0, 0), -ENOENT);
	xfs_rmap_tree_free(tree);
	xfs_rmap_tree_free(NULL);
}
END_TEST

START_TEST(test_map_merge)
{
	struct xfs_rmap_tree *tree = xfs_rmap_tree_alloc();
	struct rm_recs rs;

	/* inode 7: file [0,4) at 100, then [4,8) at 104 -> one record */
	xfs_rmap_map(tree, 100, 4, 7, 0, 0);
	xfs_rmap_map(tree, 104, 4, 7, 4, 0);
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 1);
	ut_assert_rm(&rs.r[0], 100, 8, 7, 0, 0);

	ut_assert_int_eq(xfs_rmap_unmap(tree, 100, 8, 7, 0, 0), 0);
	ut_assert_uint_eq(xfs_rmap_nrecords(tree), 0);

	/* merge on the right: the key moves down past another owner */
	xfs_rmap_map(tree, 104, 4, 7, 14, 0);
	xfs_rmap_map(tree, 102, 4, 3, 0, 0);	/* another owner in between */
	xfs_rmap_map(tree, 100, 4, 7, 10, 0);	/* merges right */
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 2);
	ut_assert_rm(&rs.r[0], 100, 8, 7, 10, 0);
	ut_assert_rm(&rs.r[1], 102, 4, 3, 0, 0);

	/* physically contiguous, logically not: no merge */
	xfs_rmap_map(tree, 108, 2, 7, 50, 0);
	/* different flags: no merge */
	xfs_rmap_map(tree, 110, 2, 7, 52, XFS_RMAP_UNWRITTEN);
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 4);
	ut_assert_rm(&rs.r[2], 108, 2, 7, 50, 0);
	ut_assert_rm(&rs.r[3], 110, 2, 7, 52, XFS_RMAP_UNWRITTEN);

	/* filling a gap merges both sides */
	xfs_rmap_map(tree, 200, 2, 8, 0, 0);
	xfs_rmap_map(tree, 204, 2, 8, 4, 0);
	xfs_rmap_map(tree, 202, 2, 8, 2, 0);
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 5);
	ut_assert_rm(&rs.r[4], 200, 6, 8, 0, 0);
	xfs_rmap_tree_free(tree);
}
END_TEST

START_TEST(test_non_inode_owner)
{
	struct xfs_rmap_tree *tree = xfs_rmap_tree_alloc();
	struct rm_recs rs;

	ut_assert(XFS_RMAP_NON_INODE_OWNER(XFS_RMAP_OWN_AG));
	ut_assert(!XFS_RMAP_NON_INODE_OWNER(1234));
	/* non-inode owners merge physically; offsets are ignored (0) */
	xfs_rmap_map(tree, 0, 4, XFS_RMAP_OWN_FS, 0, 0);
	xfs_rmap_map(tree, 4, 4, XFS_RMAP_OWN_FS, 77, 0);
	xfs_rmap_map(tree, 8, 8, XFS_RMAP_OWN_LOG, 0, 0);
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 2);
	ut_assert_rm(&rs.r[0], 0, 8, XFS_RMAP_OWN_FS, 0, 0);
	ut_assert_rm(&rs.r[1], 8, 8, XFS_RMAP_OWN_LOG, 0, 0);

	/* unmap the middle of the log: two parts, offsets stay 0 */
	ut_assert_int_eq(xfs_rmap_unmap(tree, 10, 2, XFS_RMAP_OWN_LOG, 0, 0),
			 0);
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 3);
	ut_assert_rm(&rs.r[1], 8, 2, XFS_RMAP_OWN_LOG, 0, 0);
	ut_assert_rm(&rs.r[2], 12, 4, XFS_RMAP_OWN_LOG, 0, 0);
	ut_assert_int_eq(xfs_rmap_unmap(tree, 10, 2, XFS_RMAP_OWN_LOG, 0, 0),
			 -ENOENT);
	xfs_rmap_tree_free(tree);
}
END_TEST

/*
 *   blocks 100       110
 *          AAAAAAAAAA          inode 5, file [20, 30)
 *   unmap     XXX              [103, 106) -> AAA...AAAA, right part at 26
 */
START_TEST(test_unmap_split_and_enoent)
{
	struct xfs_rmap_tree *tree = xfs_rmap_tree_alloc();
	struct rm_recs rs;

	xfs_rmap_map(tree, 100, 10, 5, 20, 0);
	/* wrong owner, flags, offset, not covered: tree unchanged */
	ut_assert_int_eq(xfs_rmap_unmap(tree, 103, 3, 6, 23, 0), -ENOENT);
	ut_assert_int_eq(xfs_rmap_unmap(tree, 103, 3, 5, 23,
					XFS_RMAP_UNWRITTEN), -ENOENT);
	ut_assert_int_eq(xfs_rmap_unmap(tree, 103, 3, 5, 20, 0), -ENOENT);
	ut_assert_int_eq(xfs_rmap_unmap(tree, 108, 3, 5, 28, 0), -ENOENT);
	ut_assert_int_eq(xfs_rmap_unmap(tree, 98, 3, 5, 18, 0), -ENOENT);
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 1);
	ut_assert_rm(&rs.r[0], 100, 10, 5, 20, 0);

	ut_assert_int_eq(xfs_rmap_unmap(tree, 103, 3, 5, 23, 0), 0);
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 2);
	ut_assert_rm(&rs.r[0], 100, 3, 5, 20, 0);
	ut_assert_rm(&rs.r[1], 106, 4, 5, 26, 0);

	/* a range spanning both parts is not covered by one record */
	ut_assert_int_eq(xfs_rmap_unmap(tree, 102, 5, 5, 22, 0), -ENOENT);
	ut_assert_uint_eq(xfs_rmap_nrecords(tree), 2);

	/* trim the edges, then the rest */
	ut_assert_int_eq(xfs_rmap_unmap(tree, 100, 1, 5, 20, 0), 0);
	ut_assert_int_eq(xfs_rmap_unmap(tree, 109, 1, 5, 29, 0), 0);
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 2);
	ut_assert_rm(&rs.r[0], 101, 2, 5, 21, 0);
	ut_assert_rm(&rs.r[1], 106, 3, 5, 26, 0);
	ut_assert_int_eq(xfs_rmap_unmap(tree, 101, 2, 5, 21, 0), 0);
	ut_assert_int_eq(xfs_rmap_unmap(tree, 106, 3, 5, 26, 0), 0);
	ut_assert_uint_eq(xfs_rmap_nrecords(tree), 0);

	/* remapping the hole merges back into one record */
	xfs_rmap_map(tree, 100, 3, 5, 20, 0);
	xfs_rmap_map(tree, 106, 4, 5, 26, 0);
	xfs_rmap_map(tree, 103, 3, 5, 23, 0);
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 1);
	ut_assert_rm(&rs.r[0], 100, 10, 5, 20, 0);
	xfs_rmap_tree_free(tree);
}
END_TEST

/* Shared blocks: one record per owner, ordered by (bno, owner, offset). */
START_TEST(test_overlapping_owners)
{
	struct xfs_rmap_tree *tree = xfs_rmap_tree_alloc();
	struct rm_recs rs;

	xfs_rmap_map(tree, 100, 10, 30, 0, 0);
	xfs_rmap_map(tree, 100, 10, 10, 40, 0);
	xfs_rmap_map(tree, 105, 5, 20, 0, 0);
	/* the same inode maps block 100.. twice (reflink within a file) */
	xfs_rmap_map(tree, 100, 10, 10, 0, 0);

	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 4);
	ut_assert_rm(&rs.r[0], 100, 10, 10, 0, 0);
	ut_assert_rm(&rs.r[1], 100, 10, 10, 40, 0);
	ut_assert_rm(&rs.r[2], 100, 10, 30, 0, 0);
	ut_assert_rm(&rs.r[3], 105, 5, 20, 0, 0);

	query(tree, 103, 1, &rs);
	ut_assert_int_eq(rs.n, 3);
	ut_assert_uint_eq(rs.r[0].rm_owner, 10);
	ut_assert_uint_eq(rs.r[1].rm_owner, 10);
	ut_assert_uint_eq(rs.r[2].rm_owner, 30);
	query(tree, 109, 50, &rs);
	ut_assert_int_eq(rs.n, 4);
	query(tree, 110, 50, &rs);
	ut_assert_int_eq(rs.n, 0);
	query(tree, 0, 100, &rs);
	ut_assert_int_eq(rs.n, 0);
	/* stop early */
	memset(&rs, 0, sizeof(rs));
	rs.stop_after = 2;
	xfs_rmap_query_range(tree, 0, 1000, collect_rec, &rs);
	ut_assert_int_eq(rs.n, 2);

	/* unmap picks the record by offset correspondence */
	ut_assert_int_eq(xfs_rmap_unmap(tree, 102, 2, 10, 42, 0), 0);
	dump(tree, &rs);
	ut_assert_int_eq(rs.n, 5);
	ut_assert_rm(&rs.r[0], 100, 10, 10, 0, 0);
	ut_assert_rm(&rs.r[1], 100, 2, 10, 40, 0);
	ut_assert_rm(&rs.r[2], 100, 10, 30, 0, 0);
	ut_assert_rm(&rs.r[3], 104, 6, 10, 44, 0);
	ut_assert_rm(&rs.r[4], 105, 5, 20, 0, 0);
	xfs_rmap_tree_free(tree);
}
END_TEST

/* A long record far to the left must still be found; after it goes, the
 * tracked maximum shrinks and queries stay correct. */
START_TEST(test_long_record_query)
{
	struct xfs_rmap_tree *tree = xfs_rmap_tree_alloc();
	struct rm_recs rs;
	int i;

	xfs_rmap_map(tree, 0, 1000, 1, 0, 0);
	for (i = 0; i < 100; i++)
		xfs_rmap_map(tree, 10 * i, 1, 100 + i, 0, 0);
	query(tree, 995, 2, &rs);
	ut_assert_int_eq(rs.n, 1);
	ut_assert_rm(&rs.r[0], 0, 1000, 1, 0, 0);
	query(tree, 500, 11, &rs);
	ut_assert_int_eq(rs.n, 3);
	ut_assert_rm(&rs.r[0], 0, 1000, 1, 0, 0);
	ut_assert_rm(&rs.r[1], 500, 1, 150, 0, 0);
	ut_assert_rm(&rs.r[2], 510, 1, 151, 0, 0);

	/* split the long record; the halves are found from either side */
	ut_assert_int_eq(xfs_rmap_unmap(tree, 400, 200, 1, 400, 0), 0);
	query(tree, 399, 202, &rs);
	ut_assert_int_eq(rs.n, 23);	/* two halves + 400, 410, ... 600 */
	ut_assert_rm(&rs.r[0], 0, 400, 1, 0, 0);
	ut_assert_rm(&rs.r[1], 400, 1, 140, 0, 0);
	ut_assert_rm(&rs.r[21], 600, 400, 1, 600, 0);	/* owner 1 < 160 */
	ut_assert_rm(&rs.r[22], 600, 1, 160, 0, 0);
	query(tree, 450, 10, &rs);
	ut_assert_int_eq(rs.n, 1);
	ut_assert_rm(&rs.r[0], 450, 1, 145, 0, 0);
	ut_assert_int_eq(xfs_rmap_unmap(tree, 0, 400, 1, 0, 0), 0);
	ut_assert_int_eq(xfs_rmap_unmap(tree, 600, 400, 1, 600, 0), 0);
	query(tree, 0, 1000, &rs);
	ut_assert_int_eq(rs.n, 100);
	xfs_rmap_tree_free(tree);
}
END_TEST

/*
 * Randomised workload against a per-block model.  Owners 1..6 (inodes) and
 * two metadata owners, flags 0 or UNWRITTEN.  The model holds, per
 * (owner, flags) key and block, the file offset mapped there (-1 = none).
 * After every step the tree expanded block by block must equal the model,
 * be canonical, and query_range must agree with a brute-force scan.
 */
#define NBLK		256
#define NOWN		8
#define NKEY		(NOWN * 2)

static const uint64_t owners[NOWN] = {
	1, 2, 3, 4, 5, 6, XFS_RMAP_OWN_AG, XFS_RMAP_OWN_INODES,
};

struct rmap_model {
	int64_t	off[NKEY][NBLK];
};

static int key_of(uint64_t owner, unsigned int flags)
{
	int i;

	for (i = 0; i < NOWN; i++)
		if (owners[i] == owner)
			return i * 2 + (flags ? 1 : 0);
	ck_abort_msg("unknown owner");
	return -1;
}

static int rec_cmp(const struct xfs_rmap_irec *a,
		   const struct xfs_rmap_irec *b)
{
#define CMP_FIELD(f) \
	do { if (a->f != b->f) return a->f < b->f ? -1 : 1; } while (0)
	CMP_FIELD(rm_startblock);
	CMP_FIELD(rm_owner);
	CMP_FIELD(rm_offset);
	CMP_FIELD(rm_flags);
#undef CMP_FIELD
	return 0;
}

struct rmap_seen {
	int64_t	off[NKEY][NBLK];
	bool	start[NKEY][NBLK];	/* a record of this key starts here */
};

static void check_model(const struct xfs_rmap_tree *tree,
			const struct rmap_model *m, struct rm_recs *all)
{
	struct rmap_seen *seen = g_new(struct rmap_seen, 1);
	int i, k, b;

	memset(seen->off, 0xff, sizeof(seen->off));
	memset(seen->start, 0, sizeof(seen->start));
	dump(tree, all);
	for (i = 0; i < all->n; i++) {
		const struct xfs_rmap_irec *r = &all->r[i];
		bool inode = !XFS_RMAP_NON_INODE_OWNER(r->rm_owner);

		k = key_of(r->rm_owner, r->rm_flags);
		ut_assert_uint_gt(r->rm_blockcount, 0);
		if (!inode)
			ut_assert_uint_eq(r->rm_offset, 0);
		/* walk order is (startblock, owner, offset, flags) */
		if (i > 0)
			ut_assert_int_lt(rec_cmp(&all->r[i - 1], r), 0);
		seen->start[k][r->rm_startblock] = true;
		for (b = 0; b < (int)r->rm_blockcount; b++) {
			int blk = r->rm_startblock + b;

			ut_assert_int_eq(seen->off[k][blk], -1);
			seen->off[k][blk] = inode ?
					    (int64_t)(r->rm_offset + b) : 0;
		}
	}
	for (k = 0; k < NKEY; k++)
		for (b = 0; b < NBLK; b++)
			ut_assert_int_eq(seen->off[k][b], m->off[k][b]);

	/* canonical: no record is mergeable with one starting at its end */
	for (i = 0; i < all->n; i++) {
		const struct xfs_rmap_irec *r = &all->r[i];
		xfs_fsblock_t end = r->rm_startblock + r->rm_blockcount;

		k = key_of(r->rm_owner, r->rm_flags);
		if (end >= NBLK || !seen->start[k][end])
			continue;
		ut_assert(!XFS_RMAP_NON_INODE_OWNER(r->rm_owner));
		ut_assert_int_ne(seen->off[k][end],
				 (int64_t)(r->rm_offset + r->rm_blockcount));
	}
	g_free(seen);
}

START_TEST(test_random_vs_bruteforce)
{
	struct xfs_rmap_tree *tree = xfs_rmap_tree_alloc();
	GRand *rand = g_rand_new_with_seed(20190730);
	struct rmap_model *m = g_new(struct rmap_model, 1);
	struct rm_recs *all = g_new0(struct rm_recs, 1);
	struct rm_recs *got = g_new0(struct rm_recs, 1);
	int iter, i, nmaps = 0, nunmaps = 0, nenoent = 0;

	memset(m, 0xff, sizeof(*m));
	for (iter = 0; iter < 3000; iter++) {
		int oi = g_rand_int_range(rand, 0, NOWN);
		uint64_t owner = owners[oi];
		bool inode = !XFS_RMAP_NON_INODE_OWNER(owner);
		unsigned int flags = g_rand_int_range(rand, 0, 4) ? 0 :
				     XFS_RMAP_UNWRITTEN;
		int k = key_of(owner, flags);
		int op = g_rand_int_range(rand, 0, 10);

		if (op < 6) {
			int bno = g_rand_int_range(rand, 0, NBLK);
			int len = g_rand_int_range(rand, 1, 24);
			int64_t off;

			if (bno + len > NBLK)
				len = NBLK - bno;
			/* the same key never maps a block twice */
			for (i = bno; i < bno + len; i++)
				if (m->off[k][i] >= 0)
					break;
			len = i - bno;
			if (!len)
				continue;
			/* often logically contiguous with the left record */
			if (inode && bno > 0 && m->off[k][bno - 1] >= 0 &&
			    g_rand_boolean(rand))
				off = m->off[k][bno - 1] + 1;
			else if (inode && bno + len < NBLK &&
				 m->off[k][bno + len] >= len &&
				 g_rand_boolean(rand))
				off = m->off[k][bno + len] - len;
			else
				off = inode ? g_rand_int_range(rand, 0, 1000) :
					      0;
			xfs_rmap_map(tree, bno, len, owner, off, flags);
			for (i = 0; i < len; i++)
				m->off[k][bno + i] = inode ? off + i : 0;
			nmaps++;
		} else if (op < 9 && xfs_rmap_nrecords(tree)) {
			/* unmap part of an existing record */
			const struct xfs_rmap_irec *r;
			int a, l;

			dump(tree, all);
			r = &all->r[g_rand_int_range(rand, 0, all->n)];
			a = g_rand_int_range(rand, 0, r->rm_blockcount);
			l = g_rand_int_range(rand, 1,
					     r->rm_blockcount - a + 1);
			k = key_of(r->rm_owner, r->rm_flags);
			ut_assert_int_eq(xfs_rmap_unmap(tree,
					r->rm_startblock + a, l, r->rm_owner,
					r->rm_offset + a, r->rm_flags), 0);
			for (i = 0; i < l; i++)
				m->off[k][r->rm_startblock + a + i] = -1;
			nunmaps++;
		} else {
			/* a random unmap: succeeds iff one record covers it */
			int bno = g_rand_int_range(rand, 0, NBLK - 4);
			int len = g_rand_int_range(rand, 1, 4);
			int64_t off = inode ? m->off[k][bno] : 0;
			bool covered = m->off[k][bno] >= 0;
			uint64_t before = xfs_rmap_nrecords(tree);
			int ret;

			if (inode && g_rand_boolean(rand))
				off += 1;	/* wrong offset */
			for (i = 0; i < len && covered; i++)
				covered = m->off[k][bno + i] >= 0 &&
					  (!inode ||
					   m->off[k][bno + i] == off + i);
			/* a covered range could still span two records that
			 * are not mergeable; those do not exist for one key
			 * when logically contiguous, so "covered" is exact. */
			ret = xfs_rmap_unmap(tree, bno, len, owner, off,
					     flags);
			ut_assert_int_eq(ret, covered ? 0 : -ENOENT);
			if (covered) {
				for (i = 0; i < len; i++)
					m->off[k][bno + i] = -1;
			} else {
				ut_assert_uint_eq(xfs_rmap_nrecords(tree),
						  before);
				nenoent++;
			}
		}

		check_model(tree, m, all);

		/* query_range against a brute-force scan of every record */
		for (i = 0; i < 8; i++) {
			int bno = g_rand_int_range(rand, 0, NBLK);
			int len = g_rand_int_range(rand, 1, 40);
			int j, n = 0;

			query(tree, bno, len, got);
			for (j = 0; j < all->n; j++) {
				const struct xfs_rmap_irec *r = &all->r[j];

				if (r->rm_startblock >= (uint64_t)(bno + len) ||
				    r->rm_startblock + r->rm_blockcount <=
				    (uint64_t)bno)
					continue;
				ut_assert_int_lt(n, got->n);
				ut_assert_rm(&got->r[n], r->rm_startblock,
					     r->rm_blockcount, r->rm_owner,
					     r->rm_offset, r->rm_flags);
				n++;
			}
			ut_assert_int_eq(n, got->n);
		}
	}
	/* the workload exercised every path */
	ut_assert_int_gt(nmaps, 500);
	ut_assert_int_gt(nunmaps, 300);
	ut_assert_int_gt(nenoent, 10);
	g_free(got);
	g_free(all);
	g_free(m);
	g_rand_free(rand);
	xfs_rmap_tree_free(tree);
}
END_TEST

Suite *xfs_rmap_suite(void)
{
	Suite *s = suite_create("xfs_rmap");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_map_merge);
	tcase_add_test(tc, test_non_inode_owner);
	tcase_add_test(tc, test_unmap_split_and_enoent);
	tcase_add_test(tc, test_overlapping_owners);
	tcase_add_test(tc, test_long_record_query);
	suite_add_tcase(s, tc);

	tc = tcase_create("random");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_random_vs_bruteforce);
	suite_add_tcase(s, tc);
	return s;
}
