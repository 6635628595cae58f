// SPDX-License-Identifier: MIT
/*
 * H1 (docs/invariants.md), after every memory failure the kernel handled
 * since the last check: every owner of the block by the XFS rmap (the
 * simulator's ground truth, whatever the design consulted) that could have
 * it mapped was reached and its page is HWPoison, and no task maps the pfn.
 * An observer: it reads the kernel's and the filesystem's state and
 * changes nothing but the kernel's list of failures awaiting this check.
 */
#include <stdio.h>

#include "checker.h"
#include "fs.h"
#include "memmap.h"
#include "memory_failure.h"
#include "sim.h"
#include "xfs_mount.h"
#include "xfs_rmap.h"

/* H1: no task maps the poisoned page any more. */
struct h1_walk {
	pfn_t		pfn;
	uint64_t	va;
	bool		found;		/* in the task being walked */
	GString		*tasks;		/* "t0 at 0x..., t1 at 0x..." */
};

static void h1_leaf(uint64_t addr, uint64_t *entry, bool is_pmd, void *arg)
{
	struct h1_walk *w = arg;
	pfn_t p = PTE_PFN(*entry);
	uint64_t n = pgtable_leaf_pages(*entry, is_pmd);

	if (!w->found && (*entry & _PAGE_PRESENT) && !(*entry & _PAGE_ANON) &&
	    w->pfn >= p && w->pfn < p + n) {
		w->found = true;
		w->va = addr + ((w->pfn - p) << PAGE_SHIFT);
	}
}

static gboolean h1_vma(gpointer k, gpointer v, gpointer data)
{
	struct vm_area_struct *vma = v;

	pgtable_walk(vma->vm_mm, vma->vm_start, vma->vm_end, h1_leaf, data);
	return ((struct h1_walk *)data)->found;
}

static gboolean h1_task(gpointer k, gpointer v, gpointer data)
{
	struct task_struct *t = v;
	struct h1_walk *w = data;

	/* a thread group's mm once, under its owner's name */
	if (t->dead || !t->mm || t->mm->owner != t)
		return FALSE;
	w->found = false;
	g_tree_foreach(t->mm->vmas, h1_vma, w);
	if (w->found)
		g_string_append_printf(w->tasks, "%s%s at 0x%llx", w->tasks->len ? ", " : "", t->name,
				       (unsigned long long)w->va);
	return FALSE;
}

/*
 * H1, owners: every (file, offset) owner of the block, by the rmap (the
 * simulator's ground truth, whatever the design consults), that could have
 * it mapped -- in core, with a real DAX entry at that offset -- was
 * handed to mf_dax_kill_procs(), and its page is marked HWPoison.
 */
struct h1_owners {
	struct xfs_mount *mp;
	pfn_t		pfn;
	uint64_t	bno;
	GString		*missed;	/* owners never reached */
	bool		not_poisoned;	/* reached, but no PG_hwpoison */
};

static bool h1_owner(const struct xfs_rmap_irec *rec, void *arg)
{
	struct h1_owners *h = arg;
	struct xfs_inode *ip;
	struct dax_slot *slot;
	pgoff_t index, base;

	if (XFS_RMAP_NON_INODE_OWNER(rec->rm_owner))
		return true;
	ip = xfs_iget_incore(h->mp, rec->rm_owner);
	if (!ip)
		return true;	/* not in core: nothing can map it (skipped) */
	index = rec->rm_offset + (h->bno - rec->rm_startblock);
	/*
	 * Only a real DAX entry can be mapped: a VMA over the offset with no
	 * entry has no PTE to revoke, and its first fault meets the poison.
	 */
	slot = dax_lookup_slot(VFS_I(ip)->i_mapping, index, &base);
	if (!(slot && dax_is_real_entry(slot->entry)))
		return true;
	if (!mf_was_reached(ip->i_ino, index))
		g_string_append_printf(h->missed, "%sino %llu offset %llu (%s)", h->missed->len ? ", " : "",
				       (unsigned long long)ip->i_ino, (unsigned long long)(index << PAGE_SHIFT),
				       ip->i_name ? ip->i_name : "unlinked");
	else if (!(pfn_to_page(&sim->memmap, h->pfn)->flags & PG_hwpoison))
		h->not_poisoned = true;
	return true;
}

/*
 * Device DAX (mf_generic_kill_procs through page->mapping): the page is
 * HWPoison once handled; when the failure collected no task (no injector,
 * no early-kill mapper), the kernel's unmap_and_kill() unmaps nothing and
 * late-kill mappers keep their translation until they touch the page.
 * True when the "no task maps it" part does not apply.
 */
static bool h1_devdax_late_only(pfn_t pfn, void (*report)(const char *id, const char *msg, void *arg),
				void *arg)
{
	struct page *page = pfn_to_page_noalloc(&sim->memmap, pfn);
	char msg[160];

	if (!page || !page->mapping || !S_ISCHR(page->mapping->host->i_mode))
		return false;
	if (!(page->flags & PG_hwpoison)) {
		snprintf(msg, sizeof(msg), "poisoned device-DAX pfn 0x%llx was handled but the page is not HWPoison",
			 (unsigned long long)pfn);
		report("H1", msg, arg);
	}
	return !mf_was_reached(page->mapping->id, page->index);
}

void check_h1(void (*report)(const char *id, const char *msg, void *arg), void *arg, bool drain)
{
	struct xfs_mount *mp = XFS_M(sim->sb);
	unsigned int nr;
	const pfn_t *handled = mf_handled(&nr);
	char msg[512];

	for (unsigned int i = 0; i < nr; i++) {
		pfn_t pfn = handled[i];
		struct h1_walk w = { pfn, 0, false, g_string_new(NULL) };
		struct h1_owners h = { mp, pfn, pfn - PMEM_PFN_BASE, g_string_new(NULL), false };

		if (mp) {
			xfs_rmap_query_range(mp->m_rmap, h.bno, 1, h1_owner, &h);
			if (h.missed->len) {
				snprintf(msg, sizeof(msg), "poisoned pfn 0x%llx: owners the failure handling never reached: %s",
					 (unsigned long long)pfn, h.missed->str);
				report("H1", msg, arg);
			}
			if (h.not_poisoned) {
				snprintf(msg, sizeof(msg), "poisoned pfn 0x%llx was handled but the page is not HWPoison",
					 (unsigned long long)pfn);
				report("H1", msg, arg);
			}
		}
		g_string_free(h.missed, TRUE);
		if (h1_devdax_late_only(pfn, report, arg)) {
			g_string_free(w.tasks, TRUE);
			continue;
		}
		g_tree_foreach(sim->tasks, h1_task, &w);
		if (w.tasks->len) {
			snprintf(msg, sizeof(msg), "poisoned pfn 0x%llx is still mapped by %s",
				 (unsigned long long)pfn, w.tasks->str);
			report("H1", msg, arg);
		}
		g_string_free(w.tasks, TRUE);
	}
	if (drain)
		mf_drain_handled();
}
