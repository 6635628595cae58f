// SPDX-License-Identifier: MIT
/*
 * Unit tests for the kept memfd backing of sim/kernel/drivers/pmem.c: a
 * `backing=memfd` device made after one of the same size was destroyed
 * reuses its mapping, and reads as zeros everywhere, as a new memfd does.
 */
#include <check.h>
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

START_TEST(test_other_backings_not_kept)
{
	struct pmem_device pd;
	char err[600];

	ck_assert_msg(pmem_create(&pd, SZ, PMEM_BACKING_AUTO, NULL, err, sizeof(err)) == 0, "%s", err);
	ck_assert(pd.written == NULL);			/* never reused: nothing to mark */
	pmem_mark_written(&pd, 0, 1);			/* a no-op */
	pmem_destroy(&pd);
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
	tcase_add_test(tc, test_other_backings_not_kept);
	tcase_add_test(tc, test_child_does_not_take);
	suite_add_tcase(s, tc);
	return s;
}
