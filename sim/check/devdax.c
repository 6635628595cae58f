// SPDX-License-Identifier: MIT
/*
 * The mapping invariants for device DAX (docs/devdax.md), where there is
 * no filesystem to compare with: the device itself is the truth.
 *   M1  every leaf of a /dev/dax0.0 mapping maps the device block at its
 *       offset (pfn = device offset: one range, 1:1), and that page's
 *       mapping/index name the device's address_space and that offset;
 *   M2  no writable leaf in a mapping without PROT_WRITE;
 *   M5  every leaf is the device's alignment, aligned to it virtually
 *       and physically: PTEs on a 4 KiB device, PMD leaves on a 2 MiB
 *       one, PUD leaves on a 1 GiB one.
 * An observer: it changes nothing.
 */
#include <stdio.h>

#include "checker.h"
#include "dev_dax.h"
#include "memmap.h"
#include "mm.h"
#include "sim.h"

struct devdax_walk {
	struct vm_area_struct	*vma;
	struct dev_dax		*dev_dax;
	void			(*report)(const char *id, const char *msg, void *arg);
	void			*arg;
	int			reported;
};

static void devdax_report(struct devdax_walk *w, const char *id, const char *msg)
{
	if (w->reported++ < 4)
		w->report(id, msg, w->arg);
}

static void devdax_leaf(uint64_t addr, uint64_t *entry, bool is_pmd, void *arg)
{
	struct devdax_walk *w = arg;
	struct vm_area_struct *vma = w->vma;
	pgoff_t index = linear_page_index(vma, addr);
	pfn_t pfn = PTE_PFN(*entry);
	const char *who = vma->vm_mm->owner->name;
	const char *leaf = (*entry & _PAGE_PUD) ? "PUD" : is_pmd ? "PMD" : "PTE";
	struct page *page;
	char msg[256];

	if (pfn != PMEM_PFN_BASE + index) {
		snprintf(msg, sizeof(msg), "%s: %s at 0x%llx maps pfn 0x%llx, but device offset %llu is pfn 0x%llx",
			 who, leaf, (unsigned long long)addr, (unsigned long long)pfn,
			 (unsigned long long)(index << PAGE_SHIFT), (unsigned long long)(PMEM_PFN_BASE + index));
		devdax_report(w, "M1", msg);
		return;
	}
	page = pfn_to_page_noalloc(&sim->memmap, pfn);
	if (!page || page->mapping != &w->dev_dax->inode.i_data || page->index != index) {
		snprintf(msg, sizeof(msg), "%s: pfn 0x%llx is mapped but its page does not name %s offset %llu",
			 who, (unsigned long long)pfn, DEV_DAX_PATH, (unsigned long long)(index << PAGE_SHIFT));
		devdax_report(w, "M1", msg);
	}
	if ((*entry & _PAGE_RW) && !(vma->vm_flags & VM_WRITE)) {
		snprintf(msg, sizeof(msg), "%s: writable %s at 0x%llx in a mapping without PROT_WRITE",
			 who, leaf, (unsigned long long)addr);
		devdax_report(w, "M2", msg);
	}
	if ((pgtable_leaf_pages(*entry, is_pmd) << PAGE_SHIFT) != w->dev_dax->align ||
	    (addr & (w->dev_dax->align - 1)) || ((pfn - PMEM_PFN_BASE) << PAGE_SHIFT) & (w->dev_dax->align - 1)) {
		snprintf(msg, sizeof(msg), "%s: %s at 0x%llx on a device aligned to %llu bytes",
			 who, leaf, (unsigned long long)addr, (unsigned long long)w->dev_dax->align);
		devdax_report(w, "M5", msg);
	}
}

static gboolean devdax_vma(gpointer k, gpointer v, gpointer data)
{
	struct devdax_walk *w = data;
	struct vm_area_struct *vma = v;

	if (!inode_is_dev_dax(file_inode(vma->vm_file)))
		return FALSE;
	w->vma = vma;
	pgtable_walk(vma->vm_mm, vma->vm_start, vma->vm_end, devdax_leaf, w);
	return FALSE;
}

static gboolean devdax_task(gpointer k, gpointer v, gpointer data)
{
	struct task_struct *t = v;

	if (!t->dead && t->mm && t->mm->owner == t)	/* a thread group's mm once */
		g_tree_foreach(t->mm->vmas, devdax_vma, data);
	return FALSE;
}

void check_devdax(void (*report)(const char *id, const char *msg, void *arg), void *arg)
{
	struct devdax_walk w = { NULL, sim->dev_dax, report, arg, 0 };

	if (!sim->dev_dax)
		return;
	g_tree_foreach(sim->tasks, devdax_task, &w);
}
