// SPDX-License-Identifier: MIT
/*
 * mmap(2) and munmap(2) (mm/mmap.c): deterministic layout upward from
 * MMAP_BASE, PMD-coloured to the file offset; the file's ->mmap installs
 * the vm_ops and may refuse.  The user address space ends at TASK_SIZE
 * (47 bits, x86-64 with 4-level tables): a mapping that fits nowhere below
 * it is ENOMEM, as get_unmapped_area() makes it.
 */
#include <string.h>

#include "bug.h"
#include "fs.h"
#include "internal.h"
#include "lock.h"
#include "mm.h"
#include "sim.h"
#include "trace.h"

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

/* Does any VMA intersect [a, b)?  (VMAs do not overlap: only the last
 * one starting below b can.) */
static bool vma_intersects(struct mm_struct *mm, uint64_t a, uint64_t b)
{
	uint64_t last = b - 1;
	GTreeNode *n = g_tree_upper_bound(mm->vmas, &last);
	struct vm_area_struct *vma;

	n = n ? g_tree_node_previous(n) : g_tree_node_last(mm->vmas);
	if (!n)
		return false;
	vma = g_tree_node_value(n);
	return vma->vm_end > a;
}

/* thp_get_unmapped_area: the PMD colour of the address is that of the offset */
static uint64_t colour(uint64_t lo, uint64_t off)
{
	return ALIGN_UP(lo, PMD_SIZE) + (off & (PMD_SIZE - 1));
}

/* [va, va + size) with a PMD_SIZE guard gap on both sides, below TASK_SIZE */
static bool area_fits(struct mm_struct *mm, uint64_t va, uint64_t size)
{
	if (va < MMAP_MIN_ADDR || va > TASK_SIZE || size > TASK_SIZE - va)
		return false;
	return !vma_intersects(mm, va - MIN(va, PMD_SIZE), MIN(va + size + PMD_SIZE, TASK_SIZE));
}

/*
 * get_unmapped_area(): the next address upward (the deterministic layout
 * every scenario sees), else the lowest gap that fits (unmapped_area()'s
 * search); 0 when none does.  @size is page aligned, at most TASK_SIZE.
 */
static uint64_t get_unmapped_area(struct mm_struct *mm, uint64_t off, uint64_t size)
{
	GTreeNode *n;
	uint64_t va = mm->next_va < TASK_SIZE ? colour(mm->next_va, off) : 0;

	if (va && area_fits(mm, va, size))
		return va;
	va = colour(MMAP_MIN_ADDR, off);
	if (area_fits(mm, va, size))
		return va;
	for (n = g_tree_node_first(mm->vmas); n; n = g_tree_node_next(n)) {
		struct vm_area_struct *vma = g_tree_node_value(n);

		if (vma->vm_end > TASK_SIZE - PMD_SIZE)
			break;
		va = colour(vma->vm_end + PMD_SIZE, off);
		if (area_fits(mm, va, size))
			return va;
	}
	return 0;
}

struct vm_area_struct *do_mmap(struct task_struct *t, struct file *f,
			       uint64_t off, uint64_t len, unsigned long vm_flags,
			       unsigned long map_flags, int *err)
{
	struct mm_struct *mm = t->mm;
	struct inode *inode = file_inode(f);
	struct vm_area_struct *vma;
	uint64_t va, *key, size;
	int error;

	if (!len || off % PAGE_SIZE) {
		*err = -EINVAL;
		return NULL;
	}
	/* do_mmap(): PAGE_ALIGN(len) that wraps to 0, or more than TASK_SIZE */
	if (len > TASK_SIZE) {
		*err = -ENOMEM;
		return NULL;
	}
	size = ALIGN_UP(len, PAGE_SIZE);
	/* file_mmap_ok(): the range must fit in a loff_t (MAX_LFS_FILESIZE) */
	if (off > (uint64_t)INT64_MAX || size > (uint64_t)INT64_MAX - off) {
		*err = -EOVERFLOW;
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
	sim_lock(mmap_lock, t->mm->id, LOCK_EXCL);
	might_alloc(GFP_KERNEL);	/* vm_area_alloc */
	if (f->f_op->get_unmapped_area) {
		/* the driver's alignment (dax_get_unmapped_area), from the next address up */
		va = f->f_op->get_unmapped_area(f, mm->next_va, len, off >> PAGE_SHIFT);
		if (va && !area_fits(mm, va, size))
			va = 0;
	} else {
		va = get_unmapped_area(mm, off, size);
	}
	if (!va) {
		sim_unlock(mmap_lock, t->mm->id);
		*err = -ENOMEM;
		return NULL;
	}
	BUG_ON(vma_intersects(mm, va, va + size));	/* no shared vm_start, no overlap */
	vma = g_new0(struct vm_area_struct, 1);
	vma->vm_start = va;
	vma->vm_end = va + size;
	vma->vm_pgoff = off >> PAGE_SHIFT;
	vma->vm_flags = vm_flags;
	vma->vm_file = f;
	vma->vm_mm = mm;
	/* call_mmap(): the file sets vm_ops and may refuse (VM_SYNC on !DAX) */
	error = f->f_op->mmap(f, vma);
	if (error) {
		sim_unlock(mmap_lock, t->mm->id);
		g_free(vma);
		*err = error;
		return NULL;
	}
	vma->seq = sim->next_vma_seq++;
	mm->next_va = MAX(mm->next_va, vma->vm_end + PMD_SIZE);	/* a guard gap */
	get_file(f);
	g_tree_insert(mm->vmas, &vma->vm_start, vma);
	sim_lock(i_mmap_rwsem, inode->i_ino, LOCK_EXCL);
	key = g_new(uint64_t, 1);
	*key = vma->seq;
	g_tree_insert(f->f_mapping->i_mmap, key, vma);
	sim_unlock(i_mmap_rwsem, inode->i_ino);
	sim_unlock(mmap_lock, t->mm->id);
	trace("%s ino %llu off %llu len %llu", t->name, (unsigned long long)inode->i_ino,
	      (unsigned long long)off, (unsigned long long)len);
	return vma;
}

void do_munmap(struct task_struct *t, struct vm_area_struct *vma)
{
	struct file *f = vma->vm_file;

	sim_lock(mmap_lock, t->mm->id, LOCK_EXCL);
	zap_vma_range(vma, vma->vm_start, vma->vm_end, true);
	sim_lock(i_mmap_rwsem, file_inode(f)->i_ino, LOCK_EXCL);
	g_tree_remove(f->f_mapping->i_mmap, &vma->seq);
	sim_unlock(i_mmap_rwsem, file_inode(f)->i_ino);
	g_tree_remove(t->mm->vmas, &vma->vm_start);
	sim_unlock(mmap_lock, t->mm->id);
	fput(f);
	g_free(vma);
}
