// SPDX-License-Identifier: MIT
/*
 * The pmem driver's user-facing edges (sim/kernel/drivers/pmem.c): backing
 * names and their parser, the size cap (DAXSIM_MAX_PMEM with its k/m/g/t/p
 * suffixes) and the refusal that names both sizes in binary units, and a
 * file: device whose header is a daxsim header of another format version
 * or whose path cannot be looked up.  Each refusal leaves nothing behind.
 */
#include <check.h>
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmem.h"
#include "unit_suites.h"

START_TEST(test_backing_names)
{
	static const struct { enum pmem_backing b; const char *name; } t[] = {
		{ PMEM_BACKING_AUTO, "auto" },
		{ PMEM_BACKING_HUGETLBFS, "hugetlbfs" },
		{ PMEM_BACKING_MEMFD_HUGETLB, "memfd-hugetlb" },
		{ PMEM_BACKING_MEMFD_THP, "memfd-thp" },
		{ PMEM_BACKING_MEMFD, "memfd" },
		{ PMEM_BACKING_FILE, "file" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++)
		ck_assert_str_eq(pmem_backing_name(t[i].b), t[i].name);
	ck_assert_str_eq(pmem_backing_name((enum pmem_backing)99), "?");
}
END_TEST

START_TEST(test_parse_backing)
{
	enum pmem_backing b = PMEM_BACKING_FILE;
	char *path = (char *)"x";

	ck_assert_int_eq(pmem_parse_backing("auto", &b, &path), 0);
	ck_assert_int_eq(b, PMEM_BACKING_AUTO);
	ck_assert_ptr_null(path);
	ck_assert_int_eq(pmem_parse_backing("hugetlbfs", &b, &path), 0);
	ck_assert_int_eq(b, PMEM_BACKING_HUGETLBFS);
	ck_assert_int_eq(pmem_parse_backing("memfd", &b, &path), 0);
	ck_assert_int_eq(b, PMEM_BACKING_MEMFD);
	ck_assert_int_eq(pmem_parse_backing("file:/tmp/d", &b, &path), 0);
	ck_assert_int_eq(b, PMEM_BACKING_FILE);
	ck_assert_str_eq(path, "/tmp/d");
	g_free(path);
	/* the obtained-only names are not choices, and file: needs a path */
	ck_assert_int_eq(pmem_parse_backing("memfd-thp", &b, &path), -EINVAL);
	ck_assert_int_eq(pmem_parse_backing("file:", &b, &path), -EINVAL);
	ck_assert_ptr_null(path);
}
END_TEST

/* DAXSIM_MAX_PMEM=SIZE: the cap, rounded down to 2 MiB; a malformed value is ignored. */
START_TEST(test_size_cap_from_environment)
{
	static const struct { const char *env; uint64_t cap; } t[] = {
		{ "4096k", 4ULL << 20 },
		{ "5000K", 4ULL << 20 },	/* rounded down to 2 MiB */
		{ "64m", 64ULL << 20 },
		{ "3g", 3ULL << 30 },
		{ "2t", 2ULL << 40 },
		{ "1p", 1ULL << 50 },
		{ "0x400000", 4ULL << 20 },
		{ "6291456", 6ULL << 20 },
	};
	char why[256], want[64];

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		setenv("DAXSIM_MAX_PMEM", t[i].env, 1);
		ck_assert_uint_eq(pmem_size_cap(why, sizeof(why)), t[i].cap);
		snprintf(want, sizeof(want), "set by DAXSIM_MAX_PMEM=%s", t[i].env);
		ck_assert_str_eq(why, want);
	}
	/* not sizes: the host's memory decides */
	static const char *const bad[] = { "", "m", "64x", "64mb", "99999p", "0" };
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		setenv("DAXSIM_MAX_PMEM", bad[i], 1);
		pmem_size_cap(why, sizeof(why));
		ck_assert_msg(g_str_has_prefix(why, "64 x the host's memory (RAM "), "%s: %s", bad[i], why);
	}
	unsetenv("DAXSIM_MAX_PMEM");
}
END_TEST

START_TEST(test_create_refusals)
{
	struct pmem_device pd;
	char err[600];

	ck_assert_int_eq(pmem_create(&pd, 0, PMEM_BACKING_MEMFD, NULL, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "pmem: size must be a non-zero multiple of 2 MiB");
	ck_assert_int_eq(pmem_create(&pd, (2ULL << 20) + 4096, PMEM_BACKING_MEMFD, NULL, err, sizeof(err)),
			 -EINVAL);
	ck_assert_str_eq(err, "pmem: size must be a non-zero multiple of 2 MiB");
	setenv("DAXSIM_MAX_PMEM", "64m", 1);
	ck_assert_int_eq(pmem_create(&pd, 66ULL << 20, PMEM_BACKING_MEMFD, NULL, err, sizeof(err)), -E2BIG);
	ck_assert_str_eq(err, "pmem: size 66.0 MiB is over this host's limit of 64.0 MiB "
			 "(set by DAXSIM_MAX_PMEM=64m)");
	ck_assert_int_eq(pmem_create(&pd, 3ULL << 39, PMEM_BACKING_MEMFD, NULL, err, sizeof(err)), -E2BIG);
	ck_assert_str_eq(err, "pmem: size 1.5 TiB is over this host's limit of 64.0 MiB "
			 "(set by DAXSIM_MAX_PMEM=64m)");
	ck_assert_int_eq(pmem_create(&pd, 1ULL << 62, PMEM_BACKING_MEMFD, NULL, err, sizeof(err)), -E2BIG);
	ck_assert_str_eq(err, "pmem: size 4.0 EiB is over this host's limit of 64.0 MiB "
			 "(set by DAXSIM_MAX_PMEM=64m)");
	unsetenv("DAXSIM_MAX_PMEM");
}
END_TEST

/* The on-disk header of a file: device (pmem.c's struct pmem_file_hdr). */
struct hdr {
	char		magic[16];
	unsigned char	version[4], hdr_size[4], size[8], data_off[8];
	char		sum[65];
};

static void put_le(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* A file that is a daxsim device of @size, with these header fields (2, 48, 4096 are this version's). */
static gchar *device_file(uint64_t size, uint32_t version, uint32_t hdr_size, uint64_t data_off)
{
	gchar *dir = g_dir_make_tmp("daxsim-pmem-XXXXXX", NULL);
	gchar *path = g_build_filename(dir, "dev", NULL);
	struct hdr h;
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	FILE *f;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, "DAXSIMPMEM\n\0\0\0\0\0", 16);
	put_le(h.version, version, 4);
	put_le(h.hdr_size, hdr_size, 4);
	put_le(h.size, size, 8);
	put_le(h.data_off, data_off, 8);
	g_checksum_update(ck, (const guchar *)&h, offsetof(struct hdr, sum));
	g_strlcpy(h.sum, g_checksum_get_string(ck), sizeof(h.sum));
	g_checksum_free(ck);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fwrite(&h, sizeof(h), 1, f), 1);
	ck_assert_int_eq(ftruncate(fileno(f), (off_t)(4096 + size)), 0);
	fclose(f);
	g_free(dir);
	return path;
}

static void remove_device_file(gchar *path)
{
	gchar *dir = g_path_get_dirname(path);

	ck_assert_int_eq(g_unlink(path), 0);
	ck_assert_int_eq(g_rmdir(dir), 0);	/* nothing else was left in it */
	g_free(dir);
	g_free(path);
}

#define HDR_SUMMED	offsetof(struct hdr, sum)

/* A valid header (its checksum matches) of another layout: version, summed size or data offset. */
START_TEST(test_file_of_another_version)
{
	static const struct { uint32_t version, hdr_size; uint64_t data_off; } t[] = {
		{ 1, HDR_SUMMED, 4096 },
		{ 2, HDR_SUMMED - 8, 4096 },
		{ 2, HDR_SUMMED, 8192 },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		struct pmem_device pd;
		gchar *path = device_file(4ULL << 20, t[i].version, t[i].hdr_size, t[i].data_off);
		char err[600], want[700];

		ck_assert_int_eq(pmem_create(&pd, 4ULL << 20, PMEM_BACKING_FILE, path, err, sizeof(err)),
				 -EEXIST);
		snprintf(want, sizeof(want), "pmem: %s exists and it is a daxsim device of another format "
			 "version; refusing to touch it", path);
		ck_assert_str_eq(err, want);
		remove_device_file(path);
	}
}
END_TEST

/* The control: the same header at version 2 is a device, reused. */
START_TEST(test_file_of_this_version)
{
	struct pmem_device pd;
	gchar *path = device_file(4ULL << 20, 2, HDR_SUMMED, 4096);
	char err[600];

	ck_assert_msg(pmem_create(&pd, 4ULL << 20, PMEM_BACKING_FILE, path, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(pd.backing, PMEM_BACKING_FILE);
	pmem_destroy(&pd);
	remove_device_file(path);
}
END_TEST

/* A path that cannot exist (under a regular file): the lookup's error, nothing created. */
START_TEST(test_file_path_not_a_directory)
{
	struct pmem_device pd;
	gchar *path = device_file(4ULL << 20, 2, HDR_SUMMED, 4096);
	gchar *under = g_build_filename(path, "dev", NULL);
	char err[600], want[700];

	ck_assert_int_eq(pmem_create(&pd, 4ULL << 20, PMEM_BACKING_FILE, under, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "pmem: %s: %s", under, g_strerror(ENOTDIR));
	ck_assert_str_eq(err, want);
	g_free(under);
	remove_device_file(path);
}
END_TEST

Suite *pmem_backing_suite(void)
{
	Suite *s = suite_create("pmem_backing");
	TCase *tc = tcase_create("backing");

	tcase_add_test(tc, test_backing_names);
	tcase_add_test(tc, test_parse_backing);
	tcase_add_test(tc, test_size_cap_from_environment);
	tcase_add_test(tc, test_create_refusals);
	tcase_add_test(tc, test_file_of_another_version);
	tcase_add_test(tc, test_file_of_this_version);
	tcase_add_test(tc, test_file_path_not_a_directory);
	suite_add_tcase(s, tc);
	return s;
}
