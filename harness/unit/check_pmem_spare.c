// SPDX-License-Identifier: MIT
/*
 * Unit tests for the kept memfd backing of sim/kernel/drivers/pmem.c: a
 * `backing=memfd` device (or a default one on a memfd) made after one of the
 * same size, asked for the same way, was destroyed reuses its mapping, and
 * reads as zeros everywhere, as a new memfd does.  The kept backing is the
 * process's: these tests assume each starts in a process of its own
 * (CK_FORK=yes, as `make unit` runs them); under CK_FORK=no the devices of
 * the suites before them are still kept.
 */
#include <check.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pmem.h"
#include "unit_suites.h"

#define SZ	(4ULL << 20)

static bool all_zero(const struct pmem_device *pd)
{
	for (uint64_t i = 0; i < pd->size; i++)
		if (pd->kaddr[i])
			return false;
	return true;
}

static void make(struct pmem_device *pd, uint64_t size)
{
	char err[600];

	ck_assert_msg(pmem_create(pd, size, PMEM_BACKING_MEMFD, NULL, err, sizeof(err)) == 0, "%s", err);
}

START_TEST(test_reuse_reads_zero)
{
	struct pmem_device pd;
	unsigned char *first;

	make(&pd, SZ);
	ck_assert(pd.written != NULL);
	ck_assert(all_zero(&pd));
	first = pd.kaddr;
	pmem_mark_written(&pd, 3, 2);
	memset(pmem_block_kaddr(&pd, 3), 0xab, 2 * 4096);
	pmem_mark_written(&pd, 10, 11);			/* allocated; only 15 written */
	memset(pmem_block_kaddr(&pd, 15), 0x5a, 4096);
	pmem_mark_written(&pd, 1023, 1);		/* the last block */
	memset(pmem_block_kaddr(&pd, 1023), 0xcd, 4096);
	pmem_destroy(&pd);

	make(&pd, SZ);
	ck_assert_ptr_eq(pd.kaddr, first);		/* the kept backing */
	ck_assert(all_zero(&pd));
	pmem_destroy(&pd);

	make(&pd, 2 * SZ);				/* another size: a new backing */
	ck_assert(all_zero(&pd));
	pmem_destroy(&pd);
}
END_TEST

/* A file: backing is the user's device: never kept. */
START_TEST(test_file_backing_not_kept)
{
	struct pmem_device pd;
	char dir[] = "/tmp/daxsim-spare-XXXXXX", err[600];
	gchar *path;

	ck_assert(mkdtemp(dir) != NULL);
	path = g_build_filename(dir, "dev", NULL);
	ck_assert_msg(pmem_create(&pd, SZ, PMEM_BACKING_FILE, path, err, sizeof(err)) == 0, "%s", err);
	ck_assert(!pd.reusable);
	ck_assert(pd.written == NULL);			/* never reused: nothing to mark */
	pmem_mark_written(&pd, 0, 1);			/* a no-op */
	pmem_destroy(&pd);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	g_free(path);
}
END_TEST

/*
 * The default backing, when it is a memfd (no hugetlbfs with room), is kept
 * too (explore's worker makes a device per schedule), but only for a device
 * asked for the same way: a backing=memfd device does not take it.
 */
START_TEST(test_default_backing_kept_for_its_kind)
{
	struct pmem_device pd, hold;
	unsigned char *first;
	char err[600];

	make(&hold, SZ);	/* takes a kept backing=memfd one, if any (CK_FORK=no): the slot is free */
	ck_assert_msg(pmem_create(&pd, SZ, PMEM_BACKING_AUTO, NULL, err, sizeof(err)) == 0, "%s", err);
	if (pd.backing == PMEM_BACKING_HUGETLBFS) {
		ck_assert(pd.written == NULL);		/* a hugetlbfs file is not kept */
		pmem_destroy(&pd);
		pmem_destroy(&hold);
		return;
	}
	ck_assert(pd.written != NULL);
	first = pd.kaddr;
	pmem_mark_written(&pd, 7, 1);
	memset(pmem_block_kaddr(&pd, 7), 0x77, 4096);
	pmem_destroy(&pd);

	make(&pd, SZ);					/* backing=memfd: not the default's */
	ck_assert_ptr_ne(pd.kaddr, first);
	ck_assert(all_zero(&pd));
	pmem_destroy(&pd);

	ck_assert_msg(pmem_create(&pd, SZ, PMEM_BACKING_AUTO, NULL, err, sizeof(err)) == 0, "%s", err);
	ck_assert_ptr_eq(pd.kaddr, first);		/* its own kept backing */
	ck_assert(all_zero(&pd));
	pmem_destroy(&pd);
	pmem_destroy(&hold);
}
END_TEST

/* A forked child does not take its parent's kept backing (its pages are shared). */
START_TEST(test_child_does_not_take)
{
	struct pmem_device pd;
	unsigned char *kept;
	pid_t pid;
	int st;

	make(&pd, SZ);
	kept = pd.kaddr;
	pmem_destroy(&pd);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		make(&pd, SZ);
		if (pd.kaddr == kept)
			_exit(1);
		pmem_mark_written(&pd, 0, 1);
		memset(pd.kaddr, 0xee, 4096);
		_exit(0);		/* no destroy: as a child that dies */
	}
	ck_assert(waitpid(pid, &st, 0) == pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	make(&pd, SZ);
	ck_assert_ptr_eq(pd.kaddr, kept);
	ck_assert(all_zero(&pd));
	pmem_destroy(&pd);
}
END_TEST

Suite *pmem_spare_suite(void)
{
	Suite *s = suite_create("pmem_spare");
	TCase *tc = tcase_create("spare");

	tcase_add_test(tc, test_reuse_reads_zero);
	tcase_add_test(tc, test_file_backing_not_kept);
	tcase_add_test(tc, test_child_does_not_take);
	tcase_add_test(tc, test_default_backing_kept_for_its_kind);	/* last: it leaves a default one kept */
	suite_add_tcase(s, tc);
	return s;
}
