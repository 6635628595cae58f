/* SPDX-License-Identifier: MIT */
/*
 * Atomic page state (include/linux/page_ref.h, page-flags.h): the
 * reference, map and pin counts of a pmem page or a page-cache folio, and
 * their flags.  In the kernel these are atomics (atomic_t, set_bit), so two
 * CPUs' operations on one never tear and are not data races: they are not
 * R-race tracked.  Each is still a point where another CPU can run, so
 * under the scheduler every operation is a scheduling point named after
 * the field and the function (`_pincount@unpin_user_pages`): a task that
 * tests a count or a flag and acts on it interleaves with the task that
 * changes it, as on two CPUs (docs/concurrency.md).  Outside the scheduler
 * each is a plain access after one test.
 */
#ifndef DAXSIM_PAGE_REF_H
#define DAXSIM_PAGE_REF_H

#include <stdint.h>

#include "scheduler.h"

static inline void atomic_point(const char *field, const char *func)
{
	if (sched_active())
		sched_point(field, func);
}

/* atomic_add_return() on a 32-bit count: the new value */
static inline int32_t atomic_add_point(int32_t *v, int32_t d, const char *field, const char *func)
{
	atomic_point(field, func);
	return *v += d;
}

/* The page or folio reference count (page_ref_inc, folio_get, folio_put_testzero) */
#define page_ref_inc(p)			((void)atomic_add_point(&(p)->_refcount, 1, "_refcount", __func__))
#define page_ref_dec(p)			((void)atomic_add_point(&(p)->_refcount, -1, "_refcount", __func__))
#define page_ref_dec_and_test(p)	(atomic_add_point(&(p)->_refcount, -1, "_refcount", __func__) == 0)
/* The map count (folio_add_file_rmap_pte, folio_remove_rmap_pte) */
#define page_mapcount_inc(p)		((void)atomic_add_point(&(p)->_mapcount, 1, "_mapcount", __func__))
#define page_mapcount_dec(p)		((void)atomic_add_point(&(p)->_mapcount, -1, "_mapcount", __func__))

/* The pin count (FOLL_PIN's GUP_PIN_COUNTING_BIAS share of the refcount) */
static inline uint16_t pincount_add_point(uint16_t *v, int d, const char *func)
{
	atomic_point("_pincount", func);
	return *v = (uint16_t)(*v + d);
}
static inline uint16_t pincount_read_point(const uint16_t *v, const char *func)
{
	atomic_point("_pincount", func);
	return *v;
}
#define page_pincount_read(p)		pincount_read_point(&(p)->_pincount, __func__)
#define page_pincount_inc(p)		pincount_add_point(&(p)->_pincount, 1, __func__)
#define page_pincount_dec(p)		pincount_add_point(&(p)->_pincount, -1, __func__)

/*
 * Flags: set and clear bits, return the old word (test_and_set_bit and
 * friends).
 */
static inline uint32_t flags_point(uint32_t *flags, uint32_t set, uint32_t clear, const char *func)
{
	uint32_t old;

	atomic_point("flags", func);
	old = *flags;
	*flags = (old & ~clear) | set;
	return old;
}
static inline uint32_t flags_read_point(const uint32_t *flags, const char *func)
{
	atomic_point("flags", func);
	return *flags;
}
#define page_test_flag(p, bit)		((flags_read_point(&(p)->flags, __func__) & (bit)) != 0)
#define page_set_flag(p, bit)		((void)flags_point(&(p)->flags, (bit), 0, __func__))
#define page_clear_flag(p, bit)		((void)flags_point(&(p)->flags, 0, (bit), __func__))

#endif
