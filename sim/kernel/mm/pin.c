// SPDX-License-Identifier: MIT
/*
 * Page pins, after mm/gup.c's FOLL_PIN: a DMA-style pin keeps a page busy
 * until it is unpinned, and the filesystem must not free its block
 * meanwhile -- truncate and hole punching wait for such pages
 * (dax_break_layout(), xfs_break_dax_layouts()).  A pin is a count on the
 * page (the kernel's GUP_PIN_COUNTING_BIAS refcount); waiters sleep on a
 * queue hashed from the pfn, as wait_var_event() does, and are woken when
 * the last pin goes.
 */
#include "dax.h"
#include "memmap.h"
#include "mm.h"
#include "page_ref.h"
#include "sim.h"
#include "trace.h"
#include "wait.h"

#define PIN_WAIT_BITS	8

static struct wait_queue_head pin_wait_table[1U << PIN_WAIT_BITS];

static struct wait_queue_head *page_waitqueue(const struct page *page, pfn_t pfn)
{
	return &pin_wait_table[(pfn * 0x61C8864680B583EBull) >> (64 - PIN_WAIT_BITS)];
}

bool page_is_pinned(const struct page *page)
{
	return page && page_pincount_read(page);
}

int pin_user_pages(struct task_struct *t, uint64_t addr, uint64_t len)
{
	if (!t->pins)
		t->pins = g_array_new(FALSE, FALSE, sizeof(pfn_t));
	for (uint64_t a = addr & ~(uint64_t)(PAGE_SIZE - 1); a < addr + len; a += PAGE_SIZE) {
		pfn_t pfn;
		int err = get_user_pfn(t, a, false, &pfn);
		struct page *page;

		if (err)
			return err;
		/*
		 * Only pmem pages are tracked: a page-cache folio, an anonymous
		 * copy or the zero page stays alive by its reference when its
		 * file lets go of it, so nothing waits for it.
		 */
		if (!is_pmem_pfn(&sim->memmap, pfn))
			continue;
		page = pfn_to_page(&sim->memmap, pfn);
		if (page->_pincount == UINT16_MAX)
			return -ENOMEM;		/* the pin count would overflow */
		page_pincount_inc(page);
		g_array_append_val(t->pins, pfn);
		trace("%s pins pfn 0x%llx", t->name, (unsigned long long)pfn);
	}
	return 0;
}

void unpin_user_pages(struct task_struct *t)
{
	for (guint i = 0; t->pins && i < t->pins->len; i++) {
		pfn_t pfn = g_array_index(t->pins, pfn_t, i);
		struct page *page = pfn_to_page(&sim->memmap, pfn);
		struct wait_queue_head *wq = page_waitqueue(page, pfn);

		if (page_pincount_dec(page) == 0 && waitqueue_active(wq))
			__wake_up(wq, 0, NULL);		/* wake_up_var(): every waiter looks */
		trace("%s unpins pfn 0x%llx", t->name, (unsigned long long)pfn);
	}
	if (t->pins)
		g_array_set_size(t->pins, 0);
}

void wait_page_unpinned(struct page *page, void (*cmd)(void *arg), void *arg)
{
	pfn_t pfn = page_to_pfn(&sim->memmap, page);
	struct wait_queue_head *wq = page_waitqueue(page, pfn);
	struct wait_queue_entry wait;

	init_wait(&wait);
	for (;;) {
		prepare_to_wait(wq, &wait);
		if (!page_is_pinned(page))
			break;
		wait_set_current(&wait, "pinned page", pfn);
		cmd(arg);
	}
	finish_wait(wq, &wait);
}
