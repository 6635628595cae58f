/* SPDX-License-Identifier: MIT */
/*
 * Cheap assertions for the unit tests.
 *
 * libcheck's ck_assert_*() report the location of every *passing* assertion
 * to the runner with a write() (so that a crash can name the last good
 * check).  The randomised model tests make millions of checks, and those
 * syscalls took ~95% of their run time.  The ut_assert_*() family below
 * has the same names and messages but only calls into libcheck
 * (ck_abort_msg, which records __FILE__:__LINE__ of the expansion site)
 * when the assertion fails.  Use it in loops; ck_assert_*() is fine
 * elsewhere.
 */
#ifndef DAXSIM_UNIT_CHECK_H
#define DAXSIM_UNIT_CHECK_H

#include <check.h>
#include <inttypes.h>
#include <stdint.h>

#define ut_assert(cond)							\
	do {								\
		if (__builtin_expect(!(cond), 0))			\
			ck_abort_msg("Assertion '%s' failed", #cond);	\
	} while (0)

#define UT_ASSERT_OP(type, fmt, a, op, b)				\
	do {								\
		type ut_a_ = (a), ut_b_ = (b);				\
		if (__builtin_expect(!(ut_a_ op ut_b_), 0))		\
			ck_abort_msg("Assertion '%s' failed: %s == %" fmt \
				     ", %s == %" fmt, #a " " #op " " #b,	\
				     #a, ut_a_, #b, ut_b_);		\
	} while (0)

#define ut_assert_uint_eq(a, b)	UT_ASSERT_OP(uint64_t, PRIu64, a, ==, b)
#define ut_assert_uint_ne(a, b)	UT_ASSERT_OP(uint64_t, PRIu64, a, !=, b)
#define ut_assert_uint_lt(a, b)	UT_ASSERT_OP(uint64_t, PRIu64, a, <, b)
#define ut_assert_uint_le(a, b)	UT_ASSERT_OP(uint64_t, PRIu64, a, <=, b)
#define ut_assert_uint_gt(a, b)	UT_ASSERT_OP(uint64_t, PRIu64, a, >, b)
#define ut_assert_uint_ge(a, b)	UT_ASSERT_OP(uint64_t, PRIu64, a, >=, b)
#define ut_assert_int_eq(a, b)	UT_ASSERT_OP(int64_t, PRId64, a, ==, b)
#define ut_assert_int_ne(a, b)	UT_ASSERT_OP(int64_t, PRId64, a, !=, b)
#define ut_assert_int_lt(a, b)	UT_ASSERT_OP(int64_t, PRId64, a, <, b)
#define ut_assert_int_le(a, b)	UT_ASSERT_OP(int64_t, PRId64, a, <=, b)
#define ut_assert_int_gt(a, b)	UT_ASSERT_OP(int64_t, PRId64, a, >, b)
#define ut_assert_int_ge(a, b)	UT_ASSERT_OP(int64_t, PRId64, a, >=, b)

#endif
