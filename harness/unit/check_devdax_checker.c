// SPDX-License-Identifier: MIT
/*
 * Device DAX (docs/devdax.md): dev_dax_probe()'s refusals, and the
 * checker's device-DAX invariants (sim/check/devdax.c, M1/M2/M5) on a 4 KiB
 * device whose mappings were made by real faults and then broken by hand:
 * a leaf on the wrong pfn, a page that does not name the device, a
 * writable leaf in a read-only mapping, leaves of the wrong size (at most
 * four reports per check).  Dead tasks and a machine without the device
 * are not looked at.
 */
#include <check.h>
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "checker.h"
#include "dev_dax.h"
#include "memmap.h"
#include "mm.h"
#include "pmem.h"
#include "sim.h"
#include "unit_check.h"
#include "unit_suites.h"

#define SZ_4K	0x1000ULL

static struct sim_world w;
static struct task_struct *t;
static struct vm_area_struct *vma;
static GString *got;

static void report(const char *id, const char *msg, void *arg)
{
	g_string_append_printf(got, "%s %s\n", id, msg);
}

static const char *check(void)
{
	g_string_truncate(got, 0);
	check_devdax(report, NULL);
	return got->str;
}

static void setup(void)
{
	char err[600];
	struct file *f;
	unsigned char b;
	int e = 0;

	sim_world_init(&w);
	ck_assert_msg(pmem_create(&w.pmem, 64ULL << 20, PMEM_BACKING_MEMFD, NULL, err, sizeof(err)) == 0,
		      "%s", err);
	memmap_init(&w.memmap, w.pmem.nr_pages);
	w.have_pmem = true;
	ck_assert_int_eq(dev_dax_probe(&w.pmem, SZ_4K, &w.dev_dax), 0);
	t = task_create("p1", 101);
	g_tree_insert(w.tasks, g_strdup("p1"), t);
	lock_current = &t->lockctx;
	f = dax_open(w.dev_dax, DEV_DAX_PATH, false);
	g_ptr_array_add(t->files, f);
	vma = do_mmap(t, f, 0, 8 * SZ_4K, VM_READ | VM_SHARED, 0, &e);
	ck_assert_msg(vma != NULL, "do_mmap: %d", e);
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(mm_access(t, vma->vm_start + i * SZ_4K, &b, 1, false), 0);
	got = g_string_new(NULL);
	ck_assert_str_eq(check(), "");
}

static void teardown(void)
{
	ck_assert_str_eq(check(), "");	/* put back */
	g_string_free(got, TRUE);
	sim_world_destroy(&w);
}

static uint64_t *pte(int i)
{
	return pte_lookup(t->mm, vma->vm_start + i * SZ_4K, false);
}

START_TEST(test_probe_refusals)
{
	struct pmem_device pd = { .size = 64ULL << 20 };
	struct dev_dax *d = NULL;

	ck_assert_int_eq(dev_dax_probe(&pd, 8192, &d), -EINVAL);	/* 4k, 2m or 1g only */
	ck_assert_int_eq(dev_dax_probe(&pd, 1ULL << 30, &d), -EINVAL);	/* 64m is no multiple of 1g */
	pd.size = 0;
	ck_assert_int_eq(dev_dax_probe(&pd, SZ_4K, &d), -EINVAL);
	ck_assert_ptr_null(d);
}
END_TEST

START_TEST(test_leaf_on_the_wrong_pfn)
{
	uint64_t save = *pte(1);
	char want[256];

	*pte(1) = *pte(2);
	snprintf(want, sizeof(want), "M1 p1: PTE at 0x%llx maps pfn 0x%llx, but device offset 4096 is pfn 0x%llx\n",
		 (unsigned long long)vma->vm_start + SZ_4K, (unsigned long long)PMEM_PFN_BASE + 2,
		 (unsigned long long)PMEM_PFN_BASE + 1);
	ck_assert_str_eq(check(), want);
	*pte(1) = save;
}
END_TEST

START_TEST(test_page_does_not_name_the_device)
{
	struct page *page = pfn_to_page(&w.memmap, PMEM_PFN_BASE + 3);

	page->index = 7;
	ck_assert_str_eq(check(), "M1 p1: pfn 0x100003 is mapped but its page does not name /dev/dax0.0 offset 12288\n");
	page->index = 3;
	page->mapping = NULL;
	ck_assert_str_eq(check(), "M1 p1: pfn 0x100003 is mapped but its page does not name /dev/dax0.0 offset 12288\n");
	page->mapping = &w.dev_dax->inode.i_data;
}
END_TEST

START_TEST(test_writable_leaf_in_read_only_mapping)
{
	char want[256];

	*pte(0) |= _PAGE_RW;
	snprintf(want, sizeof(want), "M2 p1: writable PTE at 0x%llx in a mapping without PROT_WRITE\n",
		 (unsigned long long)vma->vm_start);
	ck_assert_str_eq(check(), want);
	/* a dead task's tables are not looked at (exit is tearing them down) */
	t->dead = true;
	ck_assert_str_eq(check(), "");
	t->dead = false;
	*pte(0) &= ~_PAGE_RW;
}
END_TEST

/* Eight PTEs where a 2 MiB device needs PMD leaves: four reports, no more. */
START_TEST(test_wrong_leaf_size_four_reports)
{
	GString *want = g_string_new(NULL);

	w.dev_dax->align = 2ULL << 20;
	for (int i = 0; i < 4; i++)
		g_string_append_printf(want, "M5 p1: PTE at 0x%llx on a device aligned to 2097152 bytes\n",
				       (unsigned long long)vma->vm_start + i * SZ_4K);
	ck_assert_str_eq(check(), want->str);
	w.dev_dax->align = SZ_4K;
	g_string_free(want, TRUE);
}
END_TEST

START_TEST(test_no_device_nothing_to_check)
{
	struct dev_dax *d = w.dev_dax;

	*pte(0) |= _PAGE_RW;
	w.dev_dax = NULL;
	ck_assert_str_eq(check(), "");
	w.dev_dax = d;
	*pte(0) &= ~_PAGE_RW;
}
END_TEST

Suite *devdax_checker_suite(void)
{
	Suite *s = suite_create("devdax_checker");
	TCase *tc = tcase_create("devdax");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_probe_refusals);
	tcase_add_test(tc, test_leaf_on_the_wrong_pfn);
	tcase_add_test(tc, test_page_does_not_name_the_device);
	tcase_add_test(tc, test_writable_leaf_in_read_only_mapping);
	tcase_add_test(tc, test_wrong_leaf_size_four_reports);
	tcase_add_test(tc, test_no_device_nothing_to_check);
	suite_add_tcase(s, tc);
	return s;
}
