/* SPDX-License-Identifier: MIT */
/*
 * Tasks, their address spaces (VMAs), 4-level page tables with PTE and PMD
 * leaves, and the load/store path that walks them and enters the fault
 * handler.  Virtual addresses are deterministic: every mm lays mappings out
 * upward from MMAP_BASE, PMD-coloured to the file offset.
 */
#ifndef DAXSIM_MM_H
#define DAXSIM_MM_H

#include <glib.h>

#include "dax.h"
#include "fs.h"
#include "lock.h"
#include "types.h"

struct inode;

#define MMAP_BASE	0x7f0000000000ULL
/* x86-64, 4-level tables: 47 bits of user space less the guard page */
#define TASK_SIZE	((1ULL << 47) - PAGE_SIZE)
#define MMAP_MIN_ADDR	0x10000ULL	/* vm.mmap_min_addr */

/* vm_flags */
#define VM_READ		(1UL << 0)
#define VM_WRITE	(1UL << 1)
#define VM_EXEC		(1UL << 2)
#define VM_SHARED	(1UL << 3)
#define VM_SYNC		(1UL << 4)
#define VM_HUGEPAGE	(1UL << 5)

/* page-table entry bits (x86-like) */
#define _PAGE_PRESENT	(1ULL << 0)
#define _PAGE_RW	(1ULL << 1)
#define _PAGE_DIRTY	(1ULL << 6)
#define _PAGE_PSE	(1ULL << 7)	/* a PMD leaf */
#define _PAGE_SPECIAL	(1ULL << 9)	/* zero page */
#define _PAGE_ANON	(1ULL << 10)	/* anonymous DRAM page (private CoW) */
/*
 * daxsim: a PUD leaf (1 GiB, device DAX).  The kernel knows a leaf's size
 * from the level it found it at; the leaf walk reports PUD leaves as huge
 * (is_pmd) with this bit set, so callbacks can tell: pgtable_leaf_pages().
 */
#define _PAGE_PUD	(1ULL << 11)
#define PTE_PFN(p)	((p) >> PAGE_SHIFT)

struct mm_struct;
struct file;

/*
 * What a file's ->mmap installs (include/linux/mm.h).  handle_mm_fault()
 * calls ->huge_fault for a PMD-sized fault of a VM_HUGEPAGE vma, ->fault
 * for a page, and ->pfn_mkwrite (else ->fault) for a write to a present,
 * read-only PTE of a shared mapping.
 */
struct vm_operations_struct {
	vm_fault_t (*fault)(struct vm_fault *vmf);
	vm_fault_t (*huge_fault)(struct vm_fault *vmf, unsigned int order);
	vm_fault_t (*pfn_mkwrite)(struct vm_fault *vmf);
	/*
	 * A page-cache file: the folio at vmf->pgoff is about to be written
	 * through a shared mapping; returns it locked and dirty in vmf->folio.
	 */
	vm_fault_t (*page_mkwrite)(struct vm_fault *vmf);
};

struct vm_area_struct {
	uint64_t		vm_start, vm_end;
	pgoff_t			vm_pgoff;
	unsigned long		vm_flags;
	const struct vm_operations_struct *vm_ops;
	struct file		*vm_file;
	struct mm_struct	*vm_mm;
	uint64_t		seq;		/* global creation order */
};

struct pte_table { uint64_t pte[PTRS_PER_PTE]; };
struct pmd_table {
	uint64_t		pmd[PTRS_PER_PTE];	/* leaf if _PAGE_PSE */
	struct pte_table	*pt[PTRS_PER_PTE];
};
struct pud_table {
	uint64_t		pud[PTRS_PER_PTE];	/* leaf if _PAGE_PSE */
	struct pmd_table	*pm[PTRS_PER_PTE];
};
struct pgd_table { struct pud_table *pu[PTRS_PER_PTE]; };

struct task_struct;

struct mm_struct {
	/*
	 * The task that made it, or, once that one left, another task of the
	 * thread group (mm_update_next_owner()): memory failure signals it.
	 */
	struct task_struct	*owner;
	uint64_t		id;		/* the maker's pid: the mmap_lock and ptl instance */
	GPtrArray		*users;		/* the tasks using it (mm_users): a thread group */
	GTree			*vmas;		/* vm_start -> vma */
	struct pgd_table	*pgd;
	uint64_t		next_va;
	uint64_t		pgtable_bytes;
};

enum mce_kill_policy { MCE_KILL_DEFAULT, MCE_KILL_EARLY, MCE_KILL_LATE };

/* Signals, as the scenario reports them. */
enum sim_signal { SIG_NONE, SIG_BUS, SIG_SEGV };
enum sim_sicode { SI_NONE, SIM_BUS_ADRERR, SIM_BUS_MCEERR_AR, SIM_BUS_MCEERR_AO, SIM_SEGV_ACCERR, SIM_SEGV_MAPERR };

struct task_struct {
	char			*name;
	int			pid;
	struct mm_struct	*mm;
	struct lock_ctx		lockctx;
	enum mce_kill_policy	mce_kill;
	bool			dead;
	GPtrArray		*files;		/* struct file *: the open files */
	/* a pending signal raised during the command */
	enum sim_signal		sig;
	enum sim_sicode		sicode;
	GArray			*pins;		/* pfn_t: pages it pinned (pin_user_pages) */
};

struct task_struct *task_create(const char *name, int pid);
/* Post a signal to @t and the other threads of its process (the first one pending wins); the interpreter kills. */
void task_signal(struct task_struct *t, enum sim_signal sig, enum sim_sicode code);
/*
 * The task leaves its process: unpin, and, if it was the last task using
 * the mm (not a thread of a group that goes on), unmap everything and
 * close the files.  Either way it ends with an empty mm and file table of
 * its own.
 */
void task_exit(struct task_struct *t);
/*
 * clone(CLONE_VM | CLONE_FILES | CLONE_THREAD): @t, which must have no
 * mappings, files or pins, joins @leader's thread group and uses its mm and
 * file table.
 */
void task_join_group(struct task_struct *t, struct task_struct *leader);
/* Another task uses @t's mm: @t is in a thread group. */
static inline bool task_in_group(const struct task_struct *t)
{
	return t->mm->users->len > 1;
}

/*
 * Page pins (mm/pin.c), as pin_user_pages(FOLL_PIN | FOLL_LONGTERM) for a
 * DMA: fault in and pin every page of [addr, addr + len); 0 or -errno.
 * unpin_user_pages() drops every pin @t holds and wakes who waits for the
 * pages to go idle.
 */
int pin_user_pages(struct task_struct *t, uint64_t addr, uint64_t len);
void unpin_user_pages(struct task_struct *t);
/* dax_page_is_idle(): no pin holds the page. */
bool page_is_pinned(const struct page *page);
/*
 * ___wait_var_event(page, !pinned, cmd): while @page is pinned, prepare to
 * wait on its queue and run @cmd(@arg), which must call schedule() (the
 * filesystem's callback drops its lock around it).
 */
void wait_page_unpinned(struct page *page, void (*cmd)(void *arg), void *arg);
void task_free(struct task_struct *t);

/* Memory management */
/* mmap(2): @map_flags are MAP_SYNC_ ...; the file's ->mmap sets vm_ops. */
struct vm_area_struct *do_mmap(struct task_struct *t, struct file *f,
			       uint64_t off, uint64_t len, unsigned long vm_flags,
			       unsigned long map_flags, int *err);
void do_munmap(struct task_struct *t, struct vm_area_struct *vma);
struct vm_area_struct *find_vma(struct mm_struct *mm, uint64_t addr);

/*
 * A user load/store of @len bytes at @addr through the page tables, faulting
 * as needed.  Returns 0, or raises a signal on the task (returns -1).
 */
int mm_access(struct task_struct *t, uint64_t addr, void *buf, uint64_t len,
	      bool write);
/*
 * Called after every fault a task takes (the interpreter's incremental
 * checker looks at that inode after the command); NULL when unused.
 */
extern void (*mm_fault_hook)(struct inode *inode);
/*
 * get_user_pages() for one page: fault it in and give its pfn; 0, or
 * -EFAULT / -EACCES / -EHWPOISON (no signal is sent).
 */
int get_user_pfn(struct task_struct *t, uint64_t addr, bool write, pfn_t *pfnp);
/* MADV_POPULATE_READ/WRITE: fault every page without copying. */
int mm_populate(struct task_struct *t, uint64_t addr, uint64_t len, bool write);
/* MADV_DONTNEED: zap the range's PTEs. */
void mm_zap_range(struct vm_area_struct *vma, uint64_t start, uint64_t end);

/* Page tables */
uint64_t *pte_lookup(struct mm_struct *mm, uint64_t addr, bool alloc);
/* The PUD slot of @addr (a 1 GiB leaf if _PAGE_PSE), or NULL. */
uint64_t *pud_lookup(struct mm_struct *mm, uint64_t addr, bool alloc);
bool pud_has_pmd_table(struct mm_struct *mm, uint64_t addr);
/* NULL under a PUD leaf: the PMD level does not exist there. */
uint64_t *pmd_lookup(struct mm_struct *mm, uint64_t addr, bool alloc);
bool pmd_has_pte_table(struct mm_struct *mm, uint64_t addr);
void pgtable_free(struct mm_struct *mm);
/* Every present leaf in [start, end): fn(addr, entry, is_pmd). */
/*
 * A PUD leaf is reported with @is_pmd true and _PAGE_PUD in *entry; its
 * size in pages is pgtable_leaf_pages().
 */
typedef void (*pgtable_leaf_fn)(uint64_t addr, uint64_t *entry, bool is_pmd,
				void *arg);

static inline uint64_t pgtable_leaf_pages(uint64_t entry, bool is_pmd)
{
	return (entry & _PAGE_PUD) ? 1ULL << PUD_ORDER : is_pmd ? 1ULL << PMD_ORDER : 1;
}
void pgtable_walk(struct mm_struct *mm, uint64_t start, uint64_t end,
		  pgtable_leaf_fn fn, void *arg);

/* rmap side: unmap_mapping_range over every vma of the mapping. */
void unmap_mapping_pages(struct address_space *mapping, pgoff_t start,
			 pgoff_t nr, bool even_cows);
/* Write-protect and clean PTEs mapping [start, start+nr) (pfn_mkclean_range). */
void mapping_mkclean(struct address_space *mapping, pgoff_t start, pgoff_t nr);
/* Insert a leaf for the fault (vmf_insert_page_mkwrite / _folio_pmd). */
void vmf_insert_pfn(struct vm_fault *vmf, pfn_t pfn, bool write, bool pmd);
/* vmf_insert_folio_pud(): a 1 GiB leaf at the PUD-aligned fault address. */
void vmf_insert_pfn_pud(struct vm_fault *vmf, pfn_t pfn, bool write);

static inline pgoff_t linear_page_index(const struct vm_area_struct *vma,
					uint64_t addr)
{
	return ((addr - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
}

/* Anonymous DRAM pages (private CoW copies). */
pfn_t anon_page_alloc(void);
void anon_page_free(pfn_t pfn);
unsigned char *anon_page_kaddr(pfn_t pfn);
uint64_t anon_pages_in_use(void);
/* Power-off: every anonymous page goes. */
void anon_pages_reset(void);

#endif
