/* SPDX-License-Identifier: MIT */
/*
 * The libcheck unit-test suites of daxsim, in one place.
 *
 * Each harness/unit/check_*.c file exports one `Suite *NAME(void)`
 * constructor.  To add a suite, write the file and add one X(NAME) line
 * below: unit_main.c runs every suite listed here, in this order.
 */
#ifndef DAXSIM_UNIT_SUITES_H
#define DAXSIM_UNIT_SUITES_H

#include <check.h>

#define UNIT_SUITES(X)			\
	X(xfs_iext_suite)		\
	X(xfs_refcount_suite)		\
	X(xfs_rmap_suite)		\
	X(xfs_alloc_suite)		\
	X(pgtable_suite)		\
	X(dax_entry_suite)		\
	X(lockdep_suite)		\
	X(wait_suite)			\
	X(pagecache_suite)		\
	X(pmem_spare_suite)		\
	X(lock_suite)			\
	X(xfs_bugs_suite)		\
	X(checker_suite)		\
	X(refmodel_suite)		\
	X(lockdep_rules_suite)		\
	X(checker_mm_suite)		\
	X(pmem_backing_suite)		\
	X(lockdep_report_suite)		\
	X(vfs_edges_suite)		\
	X(devdax_checker_suite)

#define UNIT_SUITE_DECLARE(name) Suite *name(void);
UNIT_SUITES(UNIT_SUITE_DECLARE)
#undef UNIT_SUITE_DECLARE

#endif
