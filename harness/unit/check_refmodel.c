// SPDX-License-Identifier: MIT
/*
 * The reference byte model (sim/check/refmodel.c): a clone has value
 * semantics even though whole chunks are shared between the files, so a
 * store into either file after the clone must not show in the other.
 */
#include <check.h>
#include <glib.h>
#include <string.h>

#include "refmodel.h"
#include "unit_suites.h"

#define CH	4096

static unsigned char buf[4 * CH];

static void fill(struct refmodel *rm, uint64_t ino, int c, uint64_t off, uint64_t len)
{
	memset(buf, c, len);
	ref_write(rm, ino, off, buf, len);
}

/* Every byte of [off, off + len) of @ino is @c. */
static bool all(struct refmodel *rm, uint64_t ino, int c, uint64_t off, uint64_t len)
{
	ref_read(rm, ino, off, buf, len);
	for (uint64_t i = 0; i < len; i++)
		if (buf[i] != c)
			return false;
	return true;
}

START_TEST(test_store_after_clone_stays_in_its_file)
{
	struct refmodel *rm = refmodel_create();

	fill(rm, 1, 'a', 0, 4 * CH);
	ref_copy(rm, 1, 0, 2, 0, 4 * CH);	/* whole chunks: shared */
	ref_set_size(rm, 2, 4 * CH);
	fill(rm, 1, 'b', CH + 10, 100);		/* into the source */
	fill(rm, 2, 'c', 2 * CH, CH);		/* into the clone */
	ck_assert(all(rm, 1, 'a', 0, CH + 10));
	ck_assert(all(rm, 1, 'b', CH + 10, 100));
	ck_assert(all(rm, 1, 'a', 2 * CH, 2 * CH));
	ck_assert(all(rm, 2, 'a', 0, 2 * CH));
	ck_assert(all(rm, 2, 'c', 2 * CH, CH));
	ck_assert(all(rm, 2, 'a', 3 * CH, CH));
	refmodel_destroy(rm);
}
END_TEST

START_TEST(test_zero_and_truncate_after_clone)
{
	struct refmodel *rm = refmodel_create();

	fill(rm, 1, 'a', 0, 2 * CH);
	ref_copy(rm, 1, 0, 2, 0, 2 * CH);
	ref_set_size(rm, 2, 2 * CH);
	ref_zero(rm, 2, 100, 200);		/* inside a shared chunk */
	ref_truncate(rm, 1, CH + 5);		/* the source's tail page */
	ck_assert(all(rm, 1, 'a', 0, CH + 5));
	ck_assert(all(rm, 2, 'a', 0, 100));
	ck_assert(all(rm, 2, 0, 100, 200));
	ck_assert(all(rm, 2, 'a', 300, 2 * CH - 300));
	refmodel_destroy(rm);
}
END_TEST

START_TEST(test_unaligned_clone_and_self_clone)
{
	struct refmodel *rm = refmodel_create();

	fill(rm, 1, 'a', 0, 2 * CH);
	fill(rm, 1, 'b', 2 * CH, 2 * CH);
	ref_copy(rm, 1, 100, 2, 0, CH);		/* not aligned: copied */
	ref_set_size(rm, 2, CH);
	ref_copy(rm, 1, 2 * CH, 1, 0, CH);	/* the file into itself */
	fill(rm, 1, 'z', 2 * CH, CH);		/* the clone's source changes */
	ck_assert(all(rm, 2, 'a', 0, CH));
	ck_assert(all(rm, 1, 'b', 0, CH));
	ck_assert(all(rm, 1, 'a', CH, CH));
	ck_assert(all(rm, 1, 'z', 2 * CH, CH));
	ref_delete(rm, 1);			/* the clone keeps its chunks */
	ck_assert(all(rm, 2, 'a', 0, CH));
	refmodel_destroy(rm);
}
END_TEST

#define SEG	(512 * CH)			/* a segment of chunk references */

/* @ino's bytes [off, off + len) are @c, read a chunk at a time */
static bool all_big(struct refmodel *rm, uint64_t ino, int c, uint64_t off, uint64_t len)
{
	for (uint64_t o = off; o < off + len; o += CH)
		if (!all(rm, ino, c, o, MIN(CH, off + len - o)))
			return false;
	return true;
}

/*
 * Snapshots share segments: a hundred clones of an 8 MiB file add no chunk
 * and no segment; a store into one clone copies one segment's references
 * and one chunk, and shows in that clone only.  (The model kept a
 * reference per chunk per file: generic/333's 7,922 snapshots of a 64 MiB
 * file took 13 GB.)
 */
START_TEST(test_snapshots_share_segments)
{
	struct refmodel *rm = refmodel_create();
	struct ref_stats before, after;

	for (uint64_t o = 0; o < 4 * SEG; o += 4 * CH)
		fill(rm, 1, 'a', o, 4 * CH);
	ref_get_stats(&before);
	for (uint64_t ino = 2; ino < 102; ino++) {
		ref_copy(rm, 1, 0, ino, 0, 4 * SEG);
		ref_set_size(rm, ino, 4 * SEG);
	}
	ref_get_stats(&after);
	ck_assert_uint_eq(after.segs, before.segs);
	ck_assert_uint_eq(after.chunks, before.chunks);
	fill(rm, 50, 'q', SEG + 10, 1);
	ref_get_stats(&after);
	ck_assert_uint_eq(after.segs, before.segs + 1);
	ck_assert_uint_eq(after.chunks, before.chunks + 1);
	ck_assert(all(rm, 50, 'q', SEG + 10, 1));
	ck_assert(all_big(rm, 50, 'a', 0, SEG + 10));
	ck_assert(all_big(rm, 50, 'a', SEG + 11, 3 * SEG - 11));
	ck_assert(all_big(rm, 1, 'a', 0, 4 * SEG));
	ck_assert(all_big(rm, 49, 'a', 0, 4 * SEG));
	/* a clone at an offset that is not a segment boundary shares chunks */
	ref_copy(rm, 50, SEG, 200, CH, SEG);
	ref_set_size(rm, 200, SEG + CH);
	ck_assert(all(rm, 200, 0, 0, CH));
	ck_assert(all(rm, 200, 'q', CH + 10, 1));
	ck_assert(all_big(rm, 200, 'a', CH + 11, SEG - 11));
	/* truncate, collapse and insert across shared segments */
	ref_truncate(rm, 2, SEG + CH + 7);
	ref_shift(rm, 3, SEG - CH, 2 * CH, false);
	fill(rm, 3, 'r', 0, 1);
	ref_shift(rm, 4, CH, SEG, true);
	ck_assert(all_big(rm, 2, 'a', 0, SEG + CH + 7));
	ck_assert_uint_eq(ref_size(rm, 3), 4 * SEG - 2 * CH);
	ck_assert(all_big(rm, 3, 'a', 1, 4 * SEG - 2 * CH - 1));
	ck_assert(all(rm, 4, 'a', 0, CH));
	ck_assert(all_big(rm, 4, 0, CH, SEG));
	ck_assert(all_big(rm, 4, 'a', SEG + CH, 4 * SEG - CH));
	ck_assert(all_big(rm, 1, 'a', 0, 4 * SEG));
	for (uint64_t ino = 1; ino < 201; ino++)
		ref_delete(rm, ino);
	ref_get_stats(&after);
	ck_assert_uint_eq(after.segs, 0);
	ck_assert_uint_eq(after.chunks, 0);
	refmodel_destroy(rm);
}
END_TEST

Suite *refmodel_suite(void)
{
	Suite *s = suite_create("refmodel");
	TCase *tc = tcase_create("clone");

	tcase_add_test(tc, test_store_after_clone_stays_in_its_file);
	tcase_add_test(tc, test_zero_and_truncate_after_clone);
	tcase_add_test(tc, test_unaligned_clone_and_self_clone);
	tcase_add_test(tc, test_snapshots_share_segments);
	suite_add_tcase(s, tc);
	return s;
}
