// SPDX-License-Identifier: MIT
/*
 * The sharing design's hooks, timed: design_timer_install() puts a copy of
 * the selected design's ops in its place whose fault-path hooks (associate,
 * disassociate, cow, mkwrite, unshared) call the design's own between two
 * clock reads; design_timer_remove() puts the design back and returns the
 * nanoseconds spent in them.  For the CoW-fault breakdown (faults.c).
 */
#include "bench.h"
#include "share.h"

static const struct dax_share_ops *real;
static struct dax_share_ops timed;
static uint64_t spent;

static void t_associate(struct page *head, pfn_t pfn, unsigned int order,
			struct address_space *mapping, pgoff_t index, bool shared)
{
	uint64_t t0 = bench_now_ns();

	real->associate(head, pfn, order, mapping, index, shared);
	spent += bench_now_ns() - t0;
}

static void t_disassociate(struct page *head, pfn_t pfn, unsigned int order,
			   struct address_space *mapping, pgoff_t index, bool trunc)
{
	uint64_t t0 = bench_now_ns();

	real->disassociate(head, pfn, order, mapping, index, trunc);
	spent += bench_now_ns() - t0;
}

static void t_cow(pfn_t old_pfn, struct address_space *mapping, pgoff_t index)
{
	uint64_t t0 = bench_now_ns();

	real->cow(old_pfn, mapping, index);
	spent += bench_now_ns() - t0;
}

static void t_mkwrite(struct page *head, pfn_t pfn, struct address_space *mapping,
		      pgoff_t index)
{
	uint64_t t0 = bench_now_ns();

	real->mkwrite(head, pfn, mapping, index);
	spent += bench_now_ns() - t0;
}

static void t_unshared(pfn_t pfn, uint64_t nr)
{
	uint64_t t0 = bench_now_ns();

	real->unshared(pfn, nr);
	spent += bench_now_ns() - t0;
}

void design_timer_install(void)
{
	real = share_ops;
	timed = *real;
	timed.associate = t_associate;
	timed.disassociate = t_disassociate;
	timed.cow = real->cow ? t_cow : NULL;
	timed.mkwrite = real->mkwrite ? t_mkwrite : NULL;
	timed.unshared = real->unshared ? t_unshared : NULL;
	spent = 0;
	share_ops = &timed;
}

uint64_t design_timer_remove(void)
{
	share_ops = real;
	return spent;
}
