// SPDX-License-Identifier: MIT
/*
 * mmap(2) and munmap(2) (mm/mmap.c): deterministic layout upward from
 * MMAP_BASE, PMD-coloured to the file offset; the file's ->mmap installs
 * the vm_ops and may refuse.
 */
#include <string.h>

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
	if (f->f_op->get_unmapped_area)
		va = f->f_op->get_unmapped_area(f, mm->next_va, len, off >> PAGE_SHIFT);
	else
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
