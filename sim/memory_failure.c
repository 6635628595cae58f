// SPDX-License-Identifier: MIT
/*
 * Memory failure for pmem pages (see memory_failure.h).  Kill policy, as
 * collect_procs_fsdax() / kill_proc() decide it:
 *   - the injecting task (MADV_HWPOISON, action required) that maps the
 *     page: SIGBUS BUS_MCEERR_AR now;
 *   - a task with `prctl mce_kill early`: SIGBUS BUS_MCEERR_AO now;
 *   - any other mapper (late kill, the default): nothing now; its PTE is
 *     gone, and its next access faults on a poisoned block and gets
 *     SIGBUS BUS_MCEERR_AR from the fault path (VM_FAULT_HWPOISON).
 * Every poisoned block goes on the pmem badblocks list (it survives
 * remount); reads of it fail with EIO until a write covering whole blocks
 * clears it.
 */
#include <errno.h>
#include <stdio.h>

#include "lock.h"
#include "memory_failure.h"
#include "memmap.h"
#include "share.h"
#include "sim.h"
#include "trace.h"
#include "xfs_mount.h"

static struct task_struct *mf_current;	/* the injector, or NULL */
static GArray *mf_pending;		/* pfns handled since the last H1 check */

struct mf_pending_pfn {
	pfn_t	pfn;
	int	result;
};

void mf_reset(void)
{
	if (mf_pending)
		g_array_free(mf_pending, TRUE);
	mf_pending = NULL;
	mf_current = NULL;
}

static bool task_early_kill(struct task_struct *t, unsigned int flags)
{
	if ((flags & MF_ACTION_REQUIRED) && t == mf_current)
		return true;
	return t->mce_kill == MCE_KILL_EARLY;
}

static void kill_proc(struct task_struct *t, pfn_t pfn, unsigned int flags)
{
	enum sim_sicode code = (flags & MF_ACTION_REQUIRED) && t == mf_current ?
			       SIM_BUS_MCEERR_AR : SIM_BUS_MCEERR_AO;

	printk("Memory failure: 0x%llx: Sending SIGBUS to %s:%d due to hardware memory corruption\n",
	       (unsigned long long)pfn, t->name, t->pid);
	task_signal(t, SIG_BUS, code);
}

struct collect {
	pgoff_t		index;
	GPtrArray	*tasks;
};

static gboolean collect_one(gpointer k, gpointer v, gpointer data)
{
	struct vm_area_struct *vma = v;
	struct collect *c = data;
	pgoff_t start = vma->vm_pgoff, end = start + ((vma->vm_end - vma->vm_start) >> PAGE_SHIFT);
	struct task_struct *t = vma->vm_mm->owner;

	if (c->index >= start && c->index < end && !t->dead) {
		for (guint i = 0; i < c->tasks->len; i++)
			if (g_ptr_array_index(c->tasks, i) == t)
				return FALSE;
		g_ptr_array_add(c->tasks, t);
	}
	return FALSE;
}

void mf_dax_kill_procs(struct address_space *mapping, pgoff_t index, uint64_t count,
		       unsigned int flags)
{
	/* mf_dax_kill_procs() adds MF_ACTION_REQUIRED | MF_MUST_KILL */
	flags |= MF_ACTION_REQUIRED;
	for (pgoff_t i = index; i < index + count; i++) {
		struct collect c = { i, g_ptr_array_new() };
		unsigned long entry;
		pgoff_t base;
		pfn_t pfn;

		if (!dax_lock_mapping_entry(mapping, i, &base, &entry)) {
			g_ptr_array_free(c.tasks, TRUE);
			continue;	/* absent, zero or empty: nothing to kill */
		}
		pfn = dax_to_pfn(entry) + (i - base);
		pfn_to_page(&sim->memmap, pfn)->flags |= PG_hwpoison;	/* SetPageHWPoison */
		/* collect_procs_fsdax(): i_mmap under i_mmap_rwsem, in vma order */
		lock_acquire(&lc_i_mmap_rwsem, mapping->id, LOCK_SHARED, 0, "collect_procs_fsdax");
		g_tree_foreach(mapping->i_mmap, collect_one, &c);
		lock_release(&lc_i_mmap_rwsem, mapping->id, "collect_procs_fsdax");
		trace("ino %llu index %llu pfn 0x%llx: %u mapping tasks", (unsigned long long)mapping->id,
		      (unsigned long long)i, (unsigned long long)pfn, c.tasks->len);
		/* unmap_and_kill(): the translations go in every task */
		unmap_mapping_pages(mapping, i, 1, false);
		for (guint k = 0; k < c.tasks->len; k++) {
			struct task_struct *t = g_ptr_array_index(c.tasks, k);

			if (task_early_kill(t, flags))
				kill_proc(t, pfn, flags);
		}
		dax_unlock_entry(mapping, base);
		g_ptr_array_free(c.tasks, TRUE);
	}
}

/* mf_generic_kill_procs(): only what page->mapping names; shared -> -EBUSY. */
static int mf_generic_kill_procs(pfn_t pfn, unsigned int flags)
{
	pfn_t folio = dax_folio_pfn(pfn);
	struct page *page = pfn_to_page(&sim->memmap, folio);
	struct share_owner o;

	if (!share_page_owner(page, &o, 1)) {
		printk("Memory failure: 0x%llx: dax_lock_folio failed (no page->mapping: shared or unmapped)\n",
		       (unsigned long long)pfn);
		return -EBUSY;
	}
	mf_dax_kill_procs(o.mapping, o.index + (pfn - folio), 1, flags);
	return 0;
}

/* The design's own owner discovery; the fs is asked only about metadata. */
static int mf_design_kill_procs(pfn_t pfn, unsigned int flags)
{
	pfn_t folio = dax_folio_pfn(pfn);
	struct share_owner owners[256];
	int n = share_ops->lookup_owners(folio, owners, (int)G_N_ELEMENTS(owners));

	if (n > (int)G_N_ELEMENTS(owners)) {
		printk("Memory failure: 0x%llx: %d owners, only %zu reached\n",
		       (unsigned long long)pfn, n, G_N_ELEMENTS(owners));
		n = (int)G_N_ELEMENTS(owners);
	}
	for (int i = 0; i < n; i++)
		mf_dax_kill_procs(owners[i].mapping, owners[i].index + (pfn - folio), 1, flags);
	return xfs_dax_notify_failure(sim->mp, pfn - PMEM_PFN_BASE, 1, flags, true);
}

static int memory_failure_dev_pagemap(pfn_t pfn, unsigned int flags)
{
	int ret;

	switch (share_ops->mf_path) {
	case MF_PATH_FS_RMAP:
		/* pmem_pagemap_memory_failure -> dax_holder_notify_failure */
		ret = xfs_dax_notify_failure(sim->mp, pfn - PMEM_PFN_BASE, 1, flags, false);
		if (ret == -EOPNOTSUPP)
			ret = mf_generic_kill_procs(pfn, flags);	/* no rmapbt */
		return ret;
	case MF_PATH_DESIGN:
		return mf_design_kill_procs(pfn, flags);
	case MF_PATH_GENERIC:
	default:
		return mf_generic_kill_procs(pfn, flags);
	}
}

int memory_failure(pfn_t pfn, unsigned int flags, struct task_struct *current)
{
	struct page *page;
	struct mf_pending_pfn pp = { pfn, 0 };
	int ret;

	if (pfn < PMEM_PFN_BASE || pfn - PMEM_PFN_BASE >= sim->pmem.nr_pages || !sim->mp)
		return -ENXIO;
	lock_acquire(&lc_mf_mutex, 0, LOCK_EXCL, 0, __func__);
	page = pfn_to_page(&sim->memmap, pfn);
	if (page->flags & PG_hwpoison) {
		printk("Memory failure: 0x%llx: already hardware poisoned\n", (unsigned long long)pfn);
		if ((flags & MF_ACTION_REQUIRED) && current)
			task_signal(current, SIG_BUS, SIM_BUS_MCEERR_AR);	/* kill_accessing_process */
		lock_release(&lc_mf_mutex, 0, __func__);
		return -EHWPOISON;
	}
	mf_current = current;
	badblocks_set(sim->pmem.bb, pfn - PMEM_PFN_BASE, 1);
	ret = memory_failure_dev_pagemap(pfn, flags);
	/* action_result(MF_MSG_DAX, ...) */
	printk("Memory failure: 0x%llx: recovery action for dax page: %s\n",
	       (unsigned long long)pfn, ret ? "Failed" : "Recovered");
	mf_current = NULL;
	if (!mf_pending)
		mf_pending = g_array_new(FALSE, FALSE, sizeof(struct mf_pending_pfn));
	pp.result = ret;
	g_array_append_val(mf_pending, pp);
	lock_release(&lc_mf_mutex, 0, __func__);
	return ret;
}

/* H1: no task maps the poisoned page any more. */
struct h1_walk {
	pfn_t		pfn;
	const char	*task;
	uint64_t	va;
	bool		found;
};

static void h1_leaf(uint64_t addr, uint64_t *entry, bool is_pmd, void *arg)
{
	struct h1_walk *w = arg;
	pfn_t p = PTE_PFN(*entry);
	uint64_t n = is_pmd ? PG_PMD_NR : 1;

	if (!w->found && (*entry & _PAGE_PRESENT) && !(*entry & _PAGE_ANON) &&
	    w->pfn >= p && w->pfn < p + n) {
		w->found = true;
		w->va = addr + ((w->pfn - p) << PAGE_SHIFT);
	}
}

static gboolean h1_task(gpointer k, gpointer v, gpointer data)
{
	struct task_struct *t = v;
	struct h1_walk *w = data;

	if (t->dead || !t->mm)
		return FALSE;
	pgtable_walk(t->mm, 0, ~0ULL, h1_leaf, w);
	if (w->found)
		w->task = t->name;
	return w->found;
}

void mf_check_h1(void (*report)(const char *id, const char *msg, void *arg), void *arg)
{
	char msg[200];

	for (guint i = 0; mf_pending && i < mf_pending->len; i++) {
		struct mf_pending_pfn *pp = &g_array_index(mf_pending, struct mf_pending_pfn, i);
		struct h1_walk w = { pp->pfn, NULL, 0, false };

		g_tree_foreach(sim->tasks, h1_task, &w);
		if (w.found) {
			snprintf(msg, sizeof(msg),
				 "poisoned pfn 0x%llx is still mapped by task %s at 0x%llx (an owner the failure handling did not reach)",
				 (unsigned long long)pp->pfn, w.task, (unsigned long long)w.va);
			report("H1", msg, arg);
		}
	}
	if (mf_pending)
		g_array_set_size(mf_pending, 0);
}
