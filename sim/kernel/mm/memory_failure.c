// SPDX-License-Identifier: MIT
/*
 * Memory failure for pmem pages (see memory_failure.h).  Kill policy, as
 * collect_procs_fsdax() / kill_proc() decide it:
 *   - the injecting task (MADV_HWPOISON, action required) that maps the
 *     page: SIGBUS BUS_MCEERR_AR now;
 *   - a task with `prctl mce_kill early`: SIGBUS BUS_MCEERR_AO now;
 *   - any other mapper (late kill, the default): nothing now; its PTE is
 *     gone.  Its next access faults: on a media error (the block is on the
 *     pmem badblocks list, which survives remount) the fault path gives
 *     SIGBUS BUS_MCEERR_AR (VM_FAULT_HWPOISON) and reads fail with EIO
 *     until a write covering whole blocks clears it; after a software
 *     injection (MF_SW_SIMULATED, madvise(MADV_HWPOISON)) the media is
 *     fine, so the fault maps the block again and the data reads back.
 * The caller reports media errors to the badblocks list first (the NVDIMM
 * driver's job); memory_failure() itself only handles the page.
 */
#include <errno.h>
#include <stdio.h>

#include "fs.h"
#include "lock.h"
#include "memory_failure.h"
#include "inject.h"
#include "memmap.h"
#include "page_ref.h"
#include "share.h"
#include "sim.h"
#include "trace.h"
#include "pmem.h"

static struct task_struct *mf_current;	/* the injector, or NULL */
static int mf_owner_calls;		/* mf_dax_kill_procs calls in this failure */
static GArray *mf_pending;		/* pfn_t: handled since the last H1 check */
static GArray *mf_reached;		/* struct mf_owner: handed to mf_dax_kill_procs */

struct mf_owner {
	uint64_t	ino;
	pgoff_t		index;
};

void mf_reset(void)
{
	if (mf_pending)
		g_array_free(mf_pending, TRUE);
	if (mf_reached)
		g_array_free(mf_reached, TRUE);
	mf_pending = mf_reached = NULL;
	mf_current = NULL;
}

static void mf_note_reached(struct address_space *mapping, pgoff_t index)
{
	struct mf_owner o = { mapping->id, index };

	if (!mf_reached)
		mf_reached = g_array_new(FALSE, FALSE, sizeof(struct mf_owner));
	g_array_append_val(mf_reached, o);
}

/* A handful of owners per failure: a linear search is enough. */
bool mf_was_reached(uint64_t ino, pgoff_t index)
{
	for (guint i = 0; mf_reached && i < mf_reached->len; i++) {
		const struct mf_owner *o = &g_array_index(mf_reached, struct mf_owner, i);

		if (o->ino == ino && o->index == index)
			return true;
	}
	return false;
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

static void SetPageHWPoison_(struct page *page)
{
	page_set_flag(page, PG_hwpoison);
}

/*
 * dev_pagemap_mapping_shift(): the size of the leaf that maps (mapping,
 * index) in @t, or 0 when @t has it unmapped; and in how many of @t's
 * vmas it is mapped (__add_to_kill() makes one to_kill per such vma and
 * skips a vma without a mapping of the page: size_shift == 0).
 */
struct mf_size {
	struct address_space	*mapping;
	pgoff_t			index;
	uint64_t		size;
	unsigned int		nr;
};

static gboolean mf_size_one(gpointer k, gpointer v, gpointer data)
{
	struct vm_area_struct *vma = v;
	struct mf_size *m = data;
	pgoff_t start = vma->vm_pgoff, end = start + ((vma->vm_end - vma->vm_start) >> PAGE_SHIFT);
	uint64_t addr, *pud, *pmd, *pte;

	if (vma->vm_file->f_mapping != m->mapping || m->index < start || m->index >= end)
		return FALSE;
	addr = vma->vm_start + ((m->index - start) << PAGE_SHIFT);
	pud = pud_lookup(vma->vm_mm, addr, false);
	if (pud && (*pud & _PAGE_PRESENT)) {
		m->size = MAX(m->size, PUD_SIZE);
		m->nr++;
		return FALSE;
	}
	pmd = pmd_lookup(vma->vm_mm, addr, false);
	if (pmd && (*pmd & _PAGE_PRESENT)) {
		m->size = MAX(m->size, PMD_SIZE);
		m->nr++;
		return FALSE;
	}
	pte = pte_lookup(vma->vm_mm, addr, false);
	/* pte_devmap(): a private copy (anonymous page) is not the device page */
	if (pte && (*pte & _PAGE_PRESENT) && !(*pte & _PAGE_ANON)) {
		m->size = MAX(m->size, PAGE_SIZE);
		m->nr++;
	}
	return FALSE;
}

static struct mf_size mf_mapping_size(struct task_struct *t, struct address_space *mapping,
				      pgoff_t index)
{
	struct mf_size m = { mapping, index, 0, 0 };

	g_tree_foreach(t->mm->vmas, mf_size_one, &m);
	return m;
}

void mf_dax_kill_procs(struct address_space *mapping, pgoff_t index, uint64_t count,
		       unsigned int flags)
{
	/* mf_dax_kill_procs() adds MF_ACTION_REQUIRED | MF_MUST_KILL */
	flags |= MF_ACTION_REQUIRED;
	if (++mf_owner_calls == 2 && INJECT(MF_SKIP_SECOND_OWNER))
		return;
	for (pgoff_t i = index; i < index + count; i++) {
		struct collect c = { i, g_ptr_array_new() };
		GArray *nr_vmas;
		unsigned long entry;
		pgoff_t base;
		pfn_t pfn;

		mf_note_reached(mapping, i);

		if (!dax_lock_mapping_entry(mapping, i, &base, &entry)) {
			g_ptr_array_free(c.tasks, TRUE);
			continue;	/* absent, zero or empty: nothing to kill */
		}
		pfn = dax_to_pfn(entry) + (i - base);
		nr_vmas = g_array_new(FALSE, FALSE, sizeof(unsigned int));
		SetPageHWPoison_(pfn_to_page(&sim->memmap, pfn));
		/* collect_procs_fsdax(): i_mmap under i_mmap_rwsem, in vma order */
		lock_acquire(&lc_i_mmap_rwsem, mapping->id, LOCK_SHARED, 0, "collect_procs_fsdax");
		g_tree_foreach(mapping->i_mmap, collect_one, &c);
		lock_release(&lc_i_mmap_rwsem, mapping->id, "collect_procs_fsdax");
		trace("ino %llu index %llu pfn 0x%llx: %u mapping tasks", (unsigned long long)mapping->id,
		      (unsigned long long)i, (unsigned long long)pfn, c.tasks->len);
		/* add_to_kill_fsdax(): a to_kill per vma that maps the page, before the unmap */
		for (guint k = 0; k < c.tasks->len; k++) {
			struct task_struct *t = g_ptr_array_index(c.tasks, k);
			unsigned int nr = task_early_kill(t, flags) ? mf_mapping_size(t, mapping, i).nr : 0;

			g_array_append_val(nr_vmas, nr);
		}
		/* unmap_and_kill(): the translations go in every task */
		unmap_mapping_pages(mapping, i, 1, false);
		for (guint k = 0; k < c.tasks->len; k++)
			for (unsigned int n = 0; n < g_array_index(nr_vmas, unsigned int, k); n++)
				kill_proc(g_ptr_array_index(c.tasks, k), pfn, flags);
		g_array_free(nr_vmas, TRUE);
		dax_unlock_entry(mapping, base);
		g_ptr_array_free(c.tasks, TRUE);
	}
}

/*
 * The owners a design's page structure names for @pfn, as (mapping,
 * index of @pfn itself).  A design may keep a PMD entry's owner on the
 * head page only, so a tail page with no owner of its own asks its
 * 2 MiB-aligned head.  Every candidate is checked against the mapping's
 * DAX entry (it must map this very pfn), so a head page that happens to
 * be mapped on its own never lends its owners to a neighbour.
 */
static int mf_page_owners(pfn_t pfn, int (*lookup)(pfn_t, struct share_owner *, int),
			  struct share_owner *owners, int max)
{
	pfn_t head = PMEM_PFN_BASE + ((pfn - PMEM_PFN_BASE) & ~(pfn_t)PG_PMD_COLOUR);
	pfn_t from = dax_folio_pfn(pfn);
	int n = lookup(from, owners, max), kept = 0;

	if (n <= 0 && from != head) {
		from = head;
		n = lookup(from, owners, max);
	}
	n = MIN(n, max);
	for (int i = 0; i < n; i++) {
		struct share_owner o = { owners[i].mapping, owners[i].index + (pfn - from) };
		struct dax_slot *slot;
		pgoff_t base;

		slot = dax_lookup_slot(o.mapping, o.index, &base);
		if (!slot || !dax_is_real_entry(slot->entry) ||
		    dax_to_pfn(slot->entry) + (o.index - base) != pfn)
			continue;
		owners[kept++] = o;
	}
	return kept;
}

static int page_mapping_owner(pfn_t pfn, struct share_owner *owners, int max)
{
	return share_page_owner(pfn_to_page_noalloc(&sim->memmap, pfn), owners, max);
}

static int mf_generic_kill_procs_chr(pfn_t pfn, struct page *page, unsigned int flags);

/* mf_generic_kill_procs(): only what page->mapping names; shared -> -EBUSY. */
static int mf_generic_kill_procs(pfn_t pfn, unsigned int flags)
{
	struct share_owner o;

	struct page *page = pfn_to_page_noalloc(&sim->memmap, pfn);

	/* dax_lock_folio(): a character device's pages need no entry lock */
	if (page && page->mapping && S_ISCHR(page->mapping->host->i_mode))
		return mf_generic_kill_procs_chr(pfn, page, flags);
	if (sim->pmem.pgmap.type != MEMORY_DEVICE_FS_DAX) {
		printk("Memory failure: 0x%llx: dax_lock_folio failed (no page->mapping: never mapped)\n",
		       (unsigned long long)pfn);
		return -EBUSY;
	}
	if (mf_page_owners(pfn, page_mapping_owner, &o, 1) != 1) {
		printk("Memory failure: 0x%llx: dax_lock_folio failed (no page->mapping: shared or unmapped)\n",
		       (unsigned long long)pfn);
		return -EBUSY;
	}
	mf_dax_kill_procs(o.mapping, o.index, 1, flags);
	return 0;
}

/* The driver's page map first (pmem: to the dax_device's holder), as the kernel does. */
static int pgmap_memory_failure(pfn_t pfn, unsigned int flags)
{
	struct dev_pagemap *pgmap = &sim->pmem.pgmap;

	if (!pgmap->ops || !pgmap->ops->memory_failure)
		return -EOPNOTSUPP;
	return pgmap->ops->memory_failure(pgmap, pfn, 1, flags);
}

/*
 * mf_generic_kill_procs() for a page whose page->mapping its driver set
 * directly: device DAX (dax_set_mapping at the first fault; a character
 * device has no DAX entries, so dax_lock_folio() takes no lock for it).
 * The kernel collects the tasks that map (mapping, index) -- the current
 * task when action is required, others only with early kill
 * (collect_procs(..., force_early)) -- and unmap_and_kill() unmaps the
 * largest mapping size among the collected tasks, from every vma of the
 * mapping.  Nobody collected: nothing is unmapped, and a late-kill task
 * keeps its translation until it touches the page (a media error then
 * comes back as a machine check: SIGBUS BUS_MCEERR_AR).
 */
static int mf_generic_kill_procs_chr(pfn_t pfn, struct page *page, unsigned int flags)
{
	struct address_space *mapping = page->mapping;
	struct collect c = { page->index, g_ptr_array_new() };
	GArray *nr_vmas = g_array_new(FALSE, FALSE, sizeof(unsigned int));
	uint64_t size = 0;

	SetPageHWPoison_(page);
	/* Unlike System-RAM, ZONE_DEVICE pages cannot be swapped out from under a mapper */
	flags |= MF_ACTION_REQUIRED;
	lock_acquire(&lc_i_mmap_rwsem, mapping->id, LOCK_SHARED, 0, "collect_procs_file");
	g_tree_foreach(mapping->i_mmap, collect_one, &c);	/* as collect_procs_fsdax() */
	lock_release(&lc_i_mmap_rwsem, mapping->id, "collect_procs_file");
	for (guint k = 0; k < c.tasks->len; k++) {
		struct task_struct *t = g_ptr_array_index(c.tasks, k);
		struct mf_size m = mf_mapping_size(t, mapping, page->index);

		/* a task whose vmas cover the page but do not map it gets no to_kill */
		if (!task_early_kill(t, flags) || !m.nr) {
			g_ptr_array_remove_index(c.tasks, k--);
			continue;
		}
		size = MAX(size, m.size);
		g_array_append_val(nr_vmas, m.nr);
	}
	trace("ino %llu index %llu pfn 0x%llx: %u tasks collected, unmap %llu bytes",
	      (unsigned long long)mapping->id, (unsigned long long)page->index,
	      (unsigned long long)pfn, c.tasks->len, (unsigned long long)size);
	if (size) {
		pgoff_t nr = size >> PAGE_SHIFT;

		unmap_mapping_pages(mapping, page->index & ~(nr - 1), nr, false);
		mf_note_reached(mapping, page->index);
	}
	/* kill_procs(): a signal per to_kill, one for each vma that maps the page */
	for (guint k = 0; k < c.tasks->len; k++)
		for (unsigned int i = 0; i < g_array_index(nr_vmas, unsigned int, k); i++)
			kill_proc(g_ptr_array_index(c.tasks, k), pfn, flags);
	g_array_free(nr_vmas, TRUE);
	g_ptr_array_free(c.tasks, TRUE);
	return 0;
}

/* The design's own owner discovery; the fs is asked only about metadata. */
static int mf_design_kill_procs(pfn_t pfn, unsigned int flags)
{
	struct share_owner owners[256];
	int n = mf_page_owners(pfn, share_ops->lookup_owners, owners, (int)G_N_ELEMENTS(owners));
	int ret;

	for (int i = 0; i < n; i++)
		mf_dax_kill_procs(owners[i].mapping, owners[i].index, 1, flags);
	ret = pgmap_memory_failure(pfn, flags | MF_META_ONLY);
	return ret == -EOPNOTSUPP ? 0 : ret;	/* no rmapbt: metadata cannot be told apart */
}

static int memory_failure_dev_pagemap(pfn_t pfn, unsigned int flags)
{
	struct dev_pagemap *pgmap = &sim->pmem.pgmap;	/* get_dev_pagemap(pfn) */
	int ret;

	/*
	 * Device DAX: no ->memory_failure, and no filesystem or sharing
	 * design ever saw these pages; page->mapping names their one owner.
	 */
	if (pgmap->type != MEMORY_DEVICE_FS_DAX)
		return mf_generic_kill_procs(pfn, flags);

	switch (share_ops->mf_path) {
	case MF_PATH_FS_RMAP:
		/* pgmap->ops->memory_failure: pmem -> dax_holder_notify_failure */
		ret = pgmap_memory_failure(pfn, flags);
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
	int ret;

	if (pfn < PMEM_PFN_BASE || pfn - PMEM_PFN_BASE >= sim->pmem.nr_pages ||
	    (!sim->sb && sim->pmem.pgmap.type == MEMORY_DEVICE_FS_DAX))
		return -ENXIO;
	lock_acquire(&lc_mf_mutex, 0, LOCK_EXCL, 0, __func__);
	/*
	 * A ZONE_DEVICE page skips the TestSetPageHWPoison() shortcut: every
	 * report goes down memory_failure_dev_pagemap() again.
	 */
	mf_current = current;
	mf_owner_calls = 0;
	ret = memory_failure_dev_pagemap(pfn, flags);
	/* action_result(MF_MSG_DAX, ...) */
	printk("Memory failure: 0x%llx: recovery action for dax page: %s\n",
	       (unsigned long long)pfn, ret ? "Failed" : "Recovered");
	mf_current = NULL;
	if (!mf_pending)
		mf_pending = g_array_new(FALSE, FALSE, sizeof(pfn_t));
	g_array_append_val(mf_pending, pfn);
	lock_release(&lc_mf_mutex, 0, __func__);
	return ret;
}

const pfn_t *mf_handled(unsigned int *nr)
{
	*nr = mf_pending ? mf_pending->len : 0;
	return mf_pending ? (const pfn_t *)(void *)mf_pending->data : NULL;
}

void mf_drain_handled(void)
{
	if (mf_pending)
		g_array_set_size(mf_pending, 0);
	if (mf_reached)
		g_array_set_size(mf_reached, 0);
}
