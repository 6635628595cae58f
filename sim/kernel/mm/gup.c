// SPDX-License-Identifier: MIT
/*
 * User access (mm/gup.c and the x86 fault path): a load or store through
 * the page tables, faulting through handle_mm_fault() as needed; a poisoned
 * page is a machine check; get_user_pages() for one page; populate.
 */
#include <string.h>

#include "internal.h"
#include "scheduler.h"
#include "memmap.h"
#include "memory_failure.h"
#include "mm.h"
#include "pmem.h"
#include "sim.h"
#include "trace.h"

void (*mm_fault_hook)(struct inode *inode);

/*
 * Resolve one page like get_user_pages(): fault it in and return its
 * kernel address, or NULL with *err set (no signal is raised):
 * -EFAULT no VMA or VM_FAULT_SIGBUS, -EACCES wrong protection,
 * -EHWPOISON VM_FAULT_HWPOISON.
 */
static unsigned char *gup_page(struct task_struct *t, uint64_t addr, bool write, int *err,
			       const char *who, pfn_t *pfnp)
{
	struct mm_struct *mm = t->mm;
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (!vma) {
		*err = -EFAULT;
		return NULL;
	}
	/* x86: PROT_WRITE implies PROT_READ */
	if ((write && !(vma->vm_flags & VM_WRITE)) ||
	    (!write && !(vma->vm_flags & (VM_READ | VM_WRITE)))) {
		*err = -EACCES;
		return NULL;
	}
	/* a fault that collided with another thread's returns and is retried */
	for (int tries = 0; tries < 16; tries++) {
		uint64_t *pud = pud_lookup(mm, addr, false);
		uint64_t *pmd = pmd_lookup(mm, addr, false), *pte;
		vm_fault_t ret;

		if (pud && (*pud & _PAGE_PRESENT)) {
			if (!write || (*pud & _PAGE_RW)) {
				*pfnp = PTE_PFN(*pud) + ((addr & ~PUD_MASK) >> PAGE_SHIFT);
				return pfn_to_kaddr(*pfnp);
			}
		} else if (pmd && (*pmd & _PAGE_PRESENT)) {
			if (!write || (*pmd & _PAGE_RW)) {
				*pfnp = PTE_PFN(*pmd) + (*pmd & _PAGE_SPECIAL ? 0 :
							 ((addr & ~PMD_MASK) >> PAGE_SHIFT));
				return pfn_to_kaddr(*pfnp);
			}
		} else {
			pte = pte_lookup(mm, addr, false);
			if (pte && (*pte & _PAGE_PRESENT) && (!write || (*pte & _PAGE_RW))) {
				*pfnp = PTE_PFN(*pte);
				return pfn_to_kaddr(*pfnp);
			}
		}
		/* the user fault handler or GUP takes mmap_lock for the fault */
		sched_point("fault", who);
		lock_acquire(&lc_mmap_lock, t->mm->id, LOCK_SHARED, 0, who);
		ret = handle_mm_fault(vma, addr, write);
		lock_release(&lc_mmap_lock, t->mm->id, who);
		if (mm_fault_hook)
			mm_fault_hook(file_inode(vma->vm_file));	/* the inode's mapping state changed */
		if (ret & VM_FAULT_HWPOISON) {
			*err = -EHWPOISON;
			return NULL;
		}
		if (ret & (VM_FAULT_SIGBUS | VM_FAULT_OOM)) {
			sim->stats.sigbus++;
			*err = -EFAULT;
			return NULL;
		}
	}
	panic("fault at 0x%llx made no progress", (unsigned long long)addr);
}

/*
 * A load or store through a PTE that still maps a poisoned pmem page (an
 * owner the failure handling never reached) consumes the poison: the CPU
 * raises a machine check, and kill_me_maybe() runs memory_failure(pfn,
 * MF_ACTION_REQUIRED) as this task.  If that did not signal the task (its
 * mapping was not found), the load would fault again forever; the kernel
 * ends it with SIGBUS, and so does the simulator.
 */
static bool consumes_poison(struct task_struct *t, uint64_t addr, pfn_t pfn)
{
	uint64_t bad;

	if (pfn < PMEM_PFN_BASE || pfn - PMEM_PFN_BASE >= sim->pmem.nr_pages ||
	    !badblocks_check(sim->pmem.bb, pfn - PMEM_PFN_BASE, 1, &bad))
		return false;
	printk("mce: [Hardware Error]: %s:%d consumed poison at pfn 0x%llx (virtual address 0x%llx)\n",
	       t->name, t->pid, (unsigned long long)pfn, (unsigned long long)addr);
	memory_failure(pfn, MF_ACTION_REQUIRED, t);
	task_signal(t, SIG_BUS, SIM_BUS_MCEERR_AR);
	return true;
}

/* A user access: as gup_page(), but a failure is a signal to the task. */
static unsigned char *access_page(struct task_struct *t, uint64_t addr, bool write)
{
	int err = 0;
	pfn_t pfn;
	unsigned char *k = gup_page(t, addr, write, &err, "do_user_addr_fault", &pfn);

	if (k)
		return consumes_poison(t, addr, pfn) ? NULL : k;
	if (err == -EHWPOISON)
		task_signal(t, SIG_BUS, SIM_BUS_MCEERR_AR);
	else if (err == -EACCES)
		task_signal(t, SIG_SEGV, SIM_SEGV_ACCERR);
	else if (find_vma(t->mm, addr))
		task_signal(t, SIG_BUS, SIM_BUS_ADRERR);
	else
		task_signal(t, SIG_SEGV, SIM_SEGV_MAPERR);
	return NULL;
}

int mm_access(struct task_struct *t, uint64_t addr, void *buf, uint64_t len, bool write)
{
	uint64_t done = 0;

	while (done < len) {
		uint64_t a = addr + done, off = a & (PAGE_SIZE - 1);
		uint64_t n = MIN(len - done, PAGE_SIZE - off);
		unsigned char *k = access_page(t, a, write);

		if (!k)
			return -1;
		if (write)
			memcpy(k + off, (unsigned char *)buf + done, n);
		else
			memcpy((unsigned char *)buf + done, k + off, n);
		done += n;
	}
	return 0;
}

int get_user_pfn(struct task_struct *t, uint64_t addr, bool write, pfn_t *pfnp)
{
	int err = 0;

	return gup_page(t, addr, write, &err, "get_user_pages", pfnp) ? 0 : err;
}

int mm_populate(struct task_struct *t, uint64_t addr, uint64_t len, bool write)
{
	pfn_t pfn;
	int err;

	for (uint64_t a = addr & PAGE_MASK; a < addr + len; a += PAGE_SIZE) {
		err = get_user_pfn(t, a, write, &pfn);
		if (err)
			return err;
	}
	return 0;
}
