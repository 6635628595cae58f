// SPDX-License-Identifier: MIT
/*
 * Tasks and their mm: mmap/munmap, the user load/store path, the page
 * fault entry (handle_mm_fault), zapping and write-protecting by mapping.
 */
#include <string.h>

#include "memmap.h"
#include "memory_failure.h"
#include "mm.h"
#include "pmem.h"
#include "sim.h"
#include "trace.h"

/* Anonymous DRAM pages ---------------------------------------------------- */
static GPtrArray *anon_pages;	/* index -> 4 KiB buffer, NULL when free */
static GArray *anon_free;	/* free indexes, reused lowest-last */
static uint64_t anon_used;

pfn_t anon_page_alloc(void)
{
	guint idx;

	if (!anon_pages) {
		anon_pages = g_ptr_array_new();
		anon_free = g_array_new(FALSE, FALSE, sizeof(guint));
	}
	if (anon_free->len) {
		idx = g_array_index(anon_free, guint, anon_free->len - 1);
		g_array_set_size(anon_free, anon_free->len - 1);
		anon_pages->pdata[idx] = g_malloc0(PAGE_SIZE);
	} else {
		idx = anon_pages->len;
		g_ptr_array_add(anon_pages, g_malloc0(PAGE_SIZE));
	}
	anon_used++;
	return ANON_PFN_BASE + idx;
}

void anon_page_free(pfn_t pfn)
{
	guint idx = (guint)(pfn - ANON_PFN_BASE);

	g_free(anon_pages->pdata[idx]);
	anon_pages->pdata[idx] = NULL;
	g_array_append_val(anon_free, idx);
	anon_used--;
}

unsigned char *anon_page_kaddr(pfn_t pfn)
{
	guint idx = (guint)(pfn - ANON_PFN_BASE);

	BUG_ON(!anon_pages || idx >= anon_pages->len || !anon_pages->pdata[idx]);
	return anon_pages->pdata[idx];
}

uint64_t anon_pages_in_use(void)
{
	return anon_used;
}

void anon_pages_reset(void)
{
	if (anon_pages) {
		for (guint i = 0; i < anon_pages->len; i++)
			g_free(anon_pages->pdata[i]);
		g_ptr_array_free(anon_pages, TRUE);
		g_array_free(anon_free, TRUE);
	}
	anon_pages = NULL;
	anon_free = NULL;
	anon_used = 0;
}

/* Tasks -------------------------------------------------------------------- */
static gint u64_cmp(gconstpointer a, gconstpointer b, gpointer u)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct task_struct *task_create(const char *name, int pid)
{
	struct task_struct *t = g_new0(struct task_struct, 1);

	t->name = g_strdup(name);
	t->pid = pid;
	t->lockctx.name = t->name;
	t->mm = g_new0(struct mm_struct, 1);
	t->mm->owner = t;
	t->mm->vmas = g_tree_new_full(u64_cmp, NULL, NULL, NULL);
	t->mm->next_va = MMAP_BASE;
	t->files = g_ptr_array_new();
	return t;
}

void task_exit(struct task_struct *t)
{
	struct lock_ctx *saved = lock_current;

	lock_current = &t->lockctx;
	/* exit_mmap(): the newest mapping first */
	while (g_tree_nnodes(t->mm->vmas))
		do_munmap(t, g_tree_node_value(g_tree_node_last(t->mm->vmas)));
	/* exit_files() */
	for (guint i = 0; i < t->files->len; i++)
		fput(g_ptr_array_index(t->files, i));
	g_ptr_array_set_size(t->files, 0);
	lock_current = saved;
}

void task_free(struct task_struct *t)
{
	task_exit(t);
	pgtable_free(t->mm);
	g_tree_destroy(t->mm->vmas);
	g_free(t->mm);
	g_ptr_array_free(t->files, TRUE);
	g_free(t->name);
	g_free(t);
}

/* Mappings ----------------------------------------------------------------- */
struct vm_area_struct *find_vma(struct mm_struct *mm, uint64_t addr)
{
	GTreeNode *n = g_tree_upper_bound(mm->vmas, &addr);
	struct vm_area_struct *vma;

	n = n ? g_tree_node_previous(n) : g_tree_node_last(mm->vmas);
	if (!n)
		return NULL;
	vma = g_tree_node_value(n);
	return addr >= vma->vm_start && addr < vma->vm_end ? vma : NULL;
}

struct vm_area_struct *do_mmap(struct task_struct *t, struct file *f,
			       uint64_t off, uint64_t len, unsigned long vm_flags,
			       unsigned long map_flags, int *err)
{
	struct mm_struct *mm = t->mm;
	struct inode *inode = file_inode(f);
	struct vm_area_struct *vma;
	uint64_t va, *key;
	int error;

	if (!len || off % PAGE_SIZE || off + len < off) {
		*err = -EINVAL;
		return NULL;
	}
	if (!f->f_op->mmap) {
		*err = -ENODEV;
		return NULL;
	}
	if (f->f_readonly && (vm_flags & VM_SHARED) && (vm_flags & VM_WRITE)) {
		*err = -EACCES;
		return NULL;
	}
	/* MAP_SHARED_VALIDATE: flags the file does not support are refused */
	if ((map_flags & MAP_SYNC_) &&
	    (!(vm_flags & VM_SHARED) || !(f->f_op->mmap_supported_flags & MAP_SYNC_))) {
		*err = -EOPNOTSUPP;
		return NULL;
	}
	if (map_flags & MAP_SYNC_)
		vm_flags |= VM_SYNC;
	sim_lock(mmap_lock, (uint64_t)t->pid, LOCK_EXCL);
	might_alloc(GFP_KERNEL);	/* vm_area_alloc */
	/* thp_get_unmapped_area: PMD colour of the address = that of the offset */
	va = ALIGN_UP(mm->next_va, PMD_SIZE) + (off & (PMD_SIZE - 1));
	vma = g_new0(struct vm_area_struct, 1);
	vma->vm_start = va;
	vma->vm_end = va + ALIGN_UP(len, PAGE_SIZE);
	vma->vm_pgoff = off >> PAGE_SHIFT;
	vma->vm_flags = vm_flags;
	vma->vm_file = f;
	vma->vm_mm = mm;
	/* call_mmap(): the file sets vm_ops and may refuse (VM_SYNC on !DAX) */
	error = f->f_op->mmap(f, vma);
	if (error) {
		sim_unlock(mmap_lock, (uint64_t)t->pid);
		g_free(vma);
		*err = error;
		return NULL;
	}
	vma->seq = sim->next_vma_seq++;
	mm->next_va = vma->vm_end + PMD_SIZE;	/* a guard gap */
	get_file(f);
	g_tree_insert(mm->vmas, &vma->vm_start, vma);
	sim_lock(i_mmap_rwsem, inode->i_ino, LOCK_EXCL);
	key = g_new(uint64_t, 1);
	*key = vma->seq;
	g_tree_insert(f->f_mapping->i_mmap, key, vma);
	sim_unlock(i_mmap_rwsem, inode->i_ino);
	sim_unlock(mmap_lock, (uint64_t)t->pid);
	trace("%s ino %llu off %llu len %llu", t->name, (unsigned long long)inode->i_ino,
	      (unsigned long long)off, (unsigned long long)len);
	return vma;
}

static void put_leaf(uint64_t entry, bool is_pmd)
{
	pfn_t pfn = PTE_PFN(entry);

	if (entry & _PAGE_ANON) {
		anon_page_free(pfn);
	} else if (!(entry & _PAGE_SPECIAL) && is_pmem_pfn(&sim->memmap, pfn)) {
		struct page *page = pfn_to_page(&sim->memmap, pfn);

		page->_mapcount--;
		page->_refcount--;
	}
}

struct zap_args {
	bool even_cows;
	uint64_t start, end;
};

static void zap_leaf(uint64_t addr, uint64_t *entry, bool is_pmd, void *arg)
{
	struct zap_args *za = arg;

	if ((*entry & _PAGE_ANON) && !za->even_cows)
		return;
	put_leaf(*entry, is_pmd);
	*entry = 0;
}

static void zap_vma_range(struct vm_area_struct *vma, uint64_t start, uint64_t end,
			  bool even_cows)
{
	struct zap_args za = { even_cows, start, end };

	sim_lock(ptl, vma->vm_mm->owner->pid, LOCK_EXCL);
	pgtable_walk(vma->vm_mm, start, end, zap_leaf, &za);
	sim_unlock(ptl, vma->vm_mm->owner->pid);
}

void mm_zap_range(struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	zap_vma_range(vma, start, end, true);
}

void do_munmap(struct task_struct *t, struct vm_area_struct *vma)
{
	struct file *f = vma->vm_file;

	sim_lock(mmap_lock, (uint64_t)t->pid, LOCK_EXCL);
	zap_vma_range(vma, vma->vm_start, vma->vm_end, true);
	sim_lock(i_mmap_rwsem, file_inode(f)->i_ino, LOCK_EXCL);
	g_tree_remove(f->f_mapping->i_mmap, &vma->seq);
	sim_unlock(i_mmap_rwsem, file_inode(f)->i_ino);
	g_tree_remove(t->mm->vmas, &vma->vm_start);
	sim_unlock(mmap_lock, (uint64_t)t->pid);
	fput(f);
	g_free(vma);
}

/* The rmap side: every vma of @mapping overlapping [start, start+nr). */
struct vma_range_args {
	pgoff_t start, last;
	void (*fn)(struct vm_area_struct *vma, uint64_t s, uint64_t e, void *arg);
	void *arg;
};

static gboolean vma_range_one(gpointer key, gpointer value, gpointer data)
{
	struct vma_range_args *a = data;
	struct vm_area_struct *vma = value;
	pgoff_t vlast = vma->vm_pgoff + ((vma->vm_end - vma->vm_start) >> PAGE_SHIFT) - 1;
	pgoff_t s, e;

	if (a->last < vma->vm_pgoff || a->start > vlast)
		return FALSE;
	s = MAX(a->start, vma->vm_pgoff);
	e = MIN(a->last, vlast);
	a->fn(vma, vma->vm_start + ((s - vma->vm_pgoff) << PAGE_SHIFT),
	      vma->vm_start + ((e - vma->vm_pgoff + 1) << PAGE_SHIFT), a->arg);
	return FALSE;
}

static void for_each_mapping_vma(struct address_space *mapping, pgoff_t start,
				 pgoff_t nr, void (*fn)(struct vm_area_struct *, uint64_t,
							uint64_t, void *), void *arg)
{
	struct vma_range_args a = { start, nr ? start + nr - 1 : start, fn, arg };

	/* unmap_mapping_pages(): nr 0 means "to the end of the file" */
	if (!nr || a.last < start)
		a.last = (pgoff_t)-1;
	g_tree_foreach(mapping->i_mmap, vma_range_one, &a);
}

static void unmap_one(struct vm_area_struct *vma, uint64_t s, uint64_t e, void *arg)
{
	bool even_cows = *(bool *)arg;

	/* A PMD leaf straddling the range is zapped whole (DAX split). */
	{
		uint64_t *pmd = pmd_lookup(vma->vm_mm, s, false);

		if (pmd && (*pmd & _PAGE_PRESENT)) {
			put_leaf(*pmd, true);
			*pmd = 0;
		}
		pmd = pmd_lookup(vma->vm_mm, e - 1, false);
		if (pmd && (*pmd & _PAGE_PRESENT)) {
			put_leaf(*pmd, true);
			*pmd = 0;
		}
	}
	zap_vma_range(vma, s, e, even_cows);
}

void unmap_mapping_pages(struct address_space *mapping, pgoff_t start,
			 pgoff_t nr, bool even_cows)
{
	sim_lock(i_mmap_rwsem, mapping->id, LOCK_SHARED);
	for_each_mapping_vma(mapping, start, nr, unmap_one, &even_cows);
	sim_unlock(i_mmap_rwsem, mapping->id);
}

static void mkclean_leaf(uint64_t addr, uint64_t *entry, bool is_pmd, void *arg)
{
	if (!(*entry & _PAGE_ANON))
		*entry &= ~(_PAGE_RW | _PAGE_DIRTY);
}

static void mkclean_one(struct vm_area_struct *vma, uint64_t s, uint64_t e, void *arg)
{
	sim_lock(ptl, vma->vm_mm->owner->pid, LOCK_EXCL);
	pgtable_walk(vma->vm_mm, s, e, mkclean_leaf, NULL);
	sim_unlock(ptl, vma->vm_mm->owner->pid);
}

void mapping_mkclean(struct address_space *mapping, pgoff_t start, pgoff_t nr)
{
	sim_lock(i_mmap_rwsem, mapping->id, LOCK_SHARED);
	for_each_mapping_vma(mapping, start, nr, mkclean_one, NULL);
	sim_unlock(i_mmap_rwsem, mapping->id);
}

void vmf_insert_pfn(struct vm_fault *vmf, pfn_t pfn, bool write, bool pmd)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	uint64_t *slot, val = (pfn << PAGE_SHIFT) | _PAGE_PRESENT;

	if (write)
		val |= _PAGE_RW | _PAGE_DIRTY;
	if (pfn == ZERO_PFN)
		val |= _PAGE_SPECIAL;
	else if (pfn < PMEM_PFN_BASE)
		val |= _PAGE_ANON;
	sim_lock(ptl, mm->owner->pid, LOCK_EXCL);
	if (pmd) {
		slot = pmd_lookup(mm, vmf->address, true);
		val |= _PAGE_PSE;
	} else {
		slot = pte_lookup(mm, vmf->address, true);
	}
	if (*slot & _PAGE_PRESENT) {
		if (PTE_PFN(*slot) == pfn) {
			/* wp fault on the same page: just upgrade */
			*slot |= val & (_PAGE_RW | _PAGE_DIRTY);
			sim_unlock(ptl, mm->owner->pid);
			return;
		}
		put_leaf(*slot, pmd);
	}
	if (!(val & (_PAGE_SPECIAL | _PAGE_ANON))) {
		struct page *page = pfn_to_page(&sim->memmap, pfn);

		page->_mapcount++;
		page->_refcount++;
	}
	*slot = val;
	sim_unlock(ptl, mm->owner->pid);
}

/* The fault entry ------------------------------------------------------- */
static vm_fault_t handle_mm_fault(struct vm_area_struct *vma, uint64_t addr, bool write)
{
	struct vm_fault vmf = {
		.vma = vma, .address = addr,
		.pgoff = linear_page_index(vma, addr),
		.flags = write ? FAULT_FLAG_WRITE : 0,
		.cow = write && !(vma->vm_flags & VM_SHARED),
	};
	struct mm_struct *mm = vma->vm_mm;
	uint64_t *pmd = pmd_lookup(mm, addr, false);
	vm_fault_t ret;

	sim->stats.faults++;
	might_alloc(GFP_KERNEL);	/* pmd_alloc/pte_alloc; do_cow_fault's cow_page */
	if ((vma->vm_flags & VM_HUGEPAGE) && vma->vm_ops->huge_fault &&
	    !pmd_has_pte_table(mm, addr)) {
		ret = vma->vm_ops->huge_fault(&vmf, PMD_ORDER);
		if (!(ret & VM_FAULT_FALLBACK))
			return ret;
		/* split_huge_pmd(): for DAX the huge leaf is simply zapped */
		pmd = pmd_lookup(mm, addr, false);
		if (pmd && (*pmd & _PAGE_PRESENT)) {
			sim_lock(ptl, mm->owner->pid, LOCK_EXCL);
			put_leaf(*pmd, true);
			*pmd = 0;
			sim_unlock(ptl, mm->owner->pid);
		}
		trace("%s: PMD fault fell back to PTE at pgoff %llu", mm->owner->name,
		      (unsigned long long)vmf.pgoff);
	}
	/* do_wp_page -> wp_pfn_shared: a write to a present read-only PTE */
	if (write && (vma->vm_flags & VM_SHARED) && vma->vm_ops->pfn_mkwrite) {
		uint64_t *pte = pte_lookup(mm, addr, false);

		if (pte && (*pte & _PAGE_PRESENT))
			return vma->vm_ops->pfn_mkwrite(&vmf);
	}
	return vma->vm_ops->fault(&vmf);
}

static void raise_signal(struct task_struct *t, enum sim_signal sig, enum sim_sicode code);

void task_signal(struct task_struct *t, enum sim_signal sig, enum sim_sicode code)
{
	raise_signal(t, sig, code);
}

static void raise_signal(struct task_struct *t, enum sim_signal sig, enum sim_sicode code)
{
	if (t->sig == SIG_NONE) {
		t->sig = sig;
		t->sicode = code;
	}
}

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
	for (int tries = 0; tries < 4; tries++) {
		uint64_t *pmd = pmd_lookup(mm, addr, false), *pte;
		vm_fault_t ret;

		if (pmd && (*pmd & _PAGE_PRESENT)) {
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
		lock_acquire(&lc_mmap_lock, (uint64_t)t->pid, LOCK_SHARED, 0, who);
		ret = handle_mm_fault(vma, addr, write);
		lock_release(&lc_mmap_lock, (uint64_t)t->pid, who);
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
	raise_signal(t, SIG_BUS, SIM_BUS_MCEERR_AR);
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
		raise_signal(t, SIG_BUS, SIM_BUS_MCEERR_AR);
	else if (err == -EACCES)
		raise_signal(t, SIG_SEGV, SIM_SEGV_ACCERR);
	else if (find_vma(t->mm, addr))
		raise_signal(t, SIG_BUS, SIM_BUS_ADRERR);
	else
		raise_signal(t, SIG_SEGV, SIM_SEGV_MAPERR);
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
