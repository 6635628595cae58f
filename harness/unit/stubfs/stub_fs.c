// SPDX-License-Identifier: MIT
/*
 * stubfs: a filesystem just big enough for the DAX core's unit tests, in the
 * way tools/testing/vma compiles mm/vma.c against shims.  The kernel side is
 * the real one (sim/kernel, built against sim/kernel/include); only the
 * filesystem behind its ops tables is a stub:
 *
 *   sim/kernel (real)                         stubfs (this file)
 *   ---------------------------------------   ------------------------------------
 *   do_mmap -> f_op->mmap                  -> stub_file_mmap: vm_ops, VM_HUGEPAGE
 *   handle_mm_fault -> vm_ops->huge_fault,
 *     ->fault, ->pfn_mkwrite               -> __stub_filemap_fault:
 *                                               sb_pagefaults (write), invalidate_lock
 *                                               shared, then dax_iomap_fault()
 *   dax_iomap_fault, dax_iomap_rw,
 *     dax_zero_range -> ->iomap_begin      -> stub_iomap_begin: ilock, the block map;
 *                                               a write allocates over a hole and
 *                                               converts an unwritten block
 *   vfs_read / vfs_write                   -> i_rwsem, dax_iomap_rw()
 *   vfs_fsync_range -> f_op->fsync         -> dax_writeback_mapping_range()
 *   observers -> a_ops->bmap               -> the block map
 *   sim_world_destroy -> s_op->put_super   -> drop every entry, free every inode
 *   (truncate has no VFS entry here)          stub_setattr_size()
 *
 * The block map is one GTree node per mapped file block (file block ->
 * device block, written or unwritten); a file block without a node is a
 * hole.  iomap_begin reports the longest run from the asked block of
 * contiguous device blocks in one state, or the hole up to the next mapped
 * block.  Allocation is a bump pointer above every block mapped so far; a
 * PMD-sized request gets a PMD-aligned extent, as XFS does for DAX files
 * with a 2 MiB extent size hint.
 *
 * Left out, on purpose: reflink and CoW (no IOMAP_F_SHARED, srcmap always
 * a hole), refcounts and rmap, freeing and reusing blocks, the dax_device
 * holder (memory failure never reaches stubfs), MAP_SYNC (no
 * mmap_supported_flags, no IOMAP_F_DIRTY), unlink and eviction (inodes
 * live until unmount), fallocate, shutdown, and s_share_ops (a design that
 * asks the filesystem whether a block is shared hears "no").
 */
#include <errno.h>
#include <string.h>

#include "dax.h"
#include "fs.h"
#include "iomap.h"
#include "lock.h"
#include "mm.h"
#include "trace.h"
#include "stub_fs.h"

struct stub_fs {
	struct super_block	sb;
	uint64_t		nr_blocks;	/* the device's */
	uint64_t		next_bno;	/* the bump allocator */
	uint64_t		next_ino;
};

static struct stub_fs *STUB_FS(struct super_block *sb)
{
	return sb->s_fs_info;
}

/* The block map ---------------------------------------------------------- */

static gint pgoff_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
	pgoff_t x = *(const pgoff_t *)a, y = *(const pgoff_t *)b;

	return x < y ? -1 : x > y;
}

void stub_map(struct inode *inode, pgoff_t index, uint64_t bno, uint64_t nr,
	      bool unwritten)
{
	struct stub_fs *fs = STUB_FS(inode->i_sb);

	BUG_ON(bno + nr > fs->nr_blocks);
	for (uint64_t i = 0; i < nr; i++) {
		pgoff_t *key = g_new(pgoff_t, 1);
		struct stub_block *b = g_new(struct stub_block, 1);

		*key = index + i;
		b->bno = bno + i;
		b->unwritten = unwritten;
		g_tree_replace(STUB_I(inode)->blocks, key, b);
	}
	fs->next_bno = MAX(fs->next_bno, bno + nr);
}

const struct stub_block *stub_lookup(struct inode *inode, pgoff_t index)
{
	return g_tree_lookup(STUB_I(inode)->blocks, &index);
}

/* Forget file blocks from @index on (their device blocks are not reused). */
static void stub_unmap_from(struct inode *inode, pgoff_t index)
{
	GTree *blocks = STUB_I(inode)->blocks;
	GTreeNode *n;

	while ((n = g_tree_lower_bound(blocks, &index))) {
		pgoff_t key = *(const pgoff_t *)g_tree_node_key(n);

		g_tree_remove(blocks, &key);
	}
}

/*
 * The run of file blocks [index, index + return) below @end that one iomap
 * describes: *first is the block at @index, or NULL for a hole that lasts
 * until the next mapped block.
 */
static uint64_t stub_extent(struct inode *inode, pgoff_t index, pgoff_t end,
			    const struct stub_block **first)
{
	GTreeNode *n = g_tree_lower_bound(STUB_I(inode)->blocks, &index);
	const struct stub_block *b;
	uint64_t nr = 1;

	if (!n || *(const pgoff_t *)g_tree_node_key(n) != index) {
		*first = NULL;
		return (n ? MIN(*(const pgoff_t *)g_tree_node_key(n), end) : end) - index;
	}
	*first = b = g_tree_node_value(n);
	for (n = g_tree_node_next(n); n && index + nr < end; n = g_tree_node_next(n), nr++) {
		const struct stub_block *c = g_tree_node_value(n);

		if (*(const pgoff_t *)g_tree_node_key(n) != index + nr ||
		    c->bno != b->bno + nr || c->unwritten != b->unwritten)
			break;
	}
	return nr;
}

static int stub_alloc(struct stub_fs *fs, uint64_t nr, uint64_t *bno)
{
	uint64_t start = fs->next_bno;

	if (nr >= PG_PMD_NR)
		start = ALIGN_UP(start, PG_PMD_NR);
	if (start + nr > fs->nr_blocks)
		return -ENOSPC;
	*bno = start;
	return 0;
}

/* iomap ------------------------------------------------------------------ */

static int stub_iomap_begin(struct inode *inode, uint64_t pos, uint64_t length,
			    unsigned int flags, struct iomap *iomap, struct iomap *srcmap)
{
	/* zeroing and unsharing never allocate */
	bool alloc = (flags & IOMAP_WRITE) && !(flags & (IOMAP_ZERO | IOMAP_UNSHARE));
	pgoff_t index = pos >> PAGE_SHIFT;
	pgoff_t end = ALIGN_UP(pos + length, PAGE_SIZE) >> PAGE_SHIFT;
	const struct stub_block *b;
	unsigned int iomap_flags = 0;
	uint64_t nr, bno = 0;
	int err = 0;

	srcmap->type = IOMAP_HOLE;
	srcmap->flags = 0;
	sim_lock(ilock, inode->i_ino, alloc ? LOCK_EXCL : LOCK_SHARED);
	nr = stub_extent(inode, index, end, &b);
	if (alloc && (!b || b->unwritten)) {
		if (!b)
			err = stub_alloc(STUB_FS(inode->i_sb), nr, &bno);
		else
			bno = b->bno;
		if (err)
			goto out;
		/* new blocks are zeroed before anyone maps them (XFS_BMAPI_ZERO) */
		memset(pfn_to_kaddr(PMEM_PFN_BASE + bno), 0, nr << PAGE_SHIFT);
		stub_map(inode, index, bno, nr, false);
		b = stub_lookup(inode, index);
		iomap_flags = IOMAP_F_NEW;
		trace("ino %llu blocks [%llu, %llu) -> %llu", (unsigned long long)inode->i_ino,
		      (unsigned long long)index, (unsigned long long)(index + nr),
		      (unsigned long long)bno);
	}
	iomap->offset = (uint64_t)index << PAGE_SHIFT;
	iomap->length = nr << PAGE_SHIFT;
	iomap->flags = iomap_flags;
	if (!b) {
		iomap->type = IOMAP_HOLE;
		iomap->addr = IOMAP_NULL_ADDR;
	} else {
		iomap->type = b->unwritten ? IOMAP_UNWRITTEN : IOMAP_MAPPED;
		iomap->addr = b->bno << PAGE_SHIFT;
	}
out:
	sim_unlock(ilock, inode->i_ino);
	return err;
}

const struct iomap_ops stub_iomap_ops = {
	.iomap_begin	= stub_iomap_begin,
};

/* Faults ----------------------------------------------------------------- */

static vm_fault_t __stub_filemap_fault(struct vm_fault *vmf, unsigned int order)
{
	struct inode *inode = file_inode(vmf->vma->vm_file);
	bool write = (vmf->flags & FAULT_FLAG_WRITE) && (vmf->vma->vm_flags & VM_SHARED);
	vm_fault_t ret;
	pfn_t pfn = 0;

	if (write)
		sim_lock(sb_pagefaults, 0, LOCK_SHARED);	/* sb_start_pagefault() */
	sim_lock(invalidate_lock, inode->i_ino, LOCK_SHARED);
	ret = dax_iomap_fault(vmf, order, &pfn, &stub_iomap_ops);
	BUG_ON(ret & VM_FAULT_NEEDDSYNC);	/* stubfs refuses MAP_SYNC */
	sim_unlock(invalidate_lock, inode->i_ino);
	if (write)
		sim_unlock(sb_pagefaults, 0);
	return ret;
}

static vm_fault_t stub_filemap_fault(struct vm_fault *vmf)
{
	return __stub_filemap_fault(vmf, 0);
}

static vm_fault_t stub_filemap_huge_fault(struct vm_fault *vmf, unsigned int order)
{
	return __stub_filemap_fault(vmf, order);
}

static const struct vm_operations_struct stub_file_vm_ops = {
	.fault		= stub_filemap_fault,
	.huge_fault	= stub_filemap_huge_fault,
	.pfn_mkwrite	= stub_filemap_fault,
};

/* File operations -------------------------------------------------------- */

/* Every stubfs file is S_DAX: its mappings may take PMD leaves. */
static int stub_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	vma->vm_ops = &stub_file_vm_ops;
	vma->vm_flags |= VM_HUGEPAGE;
	return 0;
}

static int64_t stub_file_read(struct file *file, void *buf, uint64_t len, uint64_t pos)
{
	struct inode *inode = file_inode(file);
	uint64_t size;
	int64_t ret = 0;

	sim_lock(i_rwsem, inode->i_ino, LOCK_SHARED);
	size = i_size_read(inode);
	if (pos < size)
		ret = dax_iomap_rw(inode, pos, MIN(len, size - pos), buf, false,
				   &stub_iomap_ops);
	sim_unlock(i_rwsem, inode->i_ino);
	return ret;
}

static int64_t stub_file_write(struct file *file, const void *buf, uint64_t len,
			       uint64_t pos)
{
	struct inode *inode = file_inode(file);
	int64_t ret;

	sim_lock(sb_writers, 0, LOCK_SHARED);
	sim_lock(i_rwsem, inode->i_ino, LOCK_EXCL);
	ret = dax_iomap_rw(inode, pos, len, (void *)buf, true, &stub_iomap_ops);
	if (ret > 0 && pos + (uint64_t)ret > i_size_read(inode))
		i_size_write(inode, pos + (uint64_t)ret);
	sim_unlock(i_rwsem, inode->i_ino);
	sim_unlock(sb_writers, 0);
	return ret;
}

static int stub_file_fsync(struct file *file, uint64_t start, uint64_t end, int datasync)
{
	return dax_writeback_mapping_range(file->f_mapping, start >> PAGE_SHIFT,
					   end >> PAGE_SHIFT);
}

const struct file_operations stub_file_operations = {
	.mmap	= stub_file_mmap,
	.read	= stub_file_read,
	.write	= stub_file_write,
	.fsync	= stub_file_fsync,
};

/* An observer's block map: no locks; unwritten blocks count as mapped. */
static bool stub_bmap(struct address_space *mapping, pgoff_t index, uint64_t *bno)
{
	const struct stub_block *b = stub_lookup(mapping->host, index);

	if (b)
		*bno = b->bno;
	return b != NULL;
}

static const struct address_space_operations stub_aops = {
	.bmap	= stub_bmap,
};

/*
 * What truncate(2) does on a DAX filesystem: under i_rwsem and
 * invalidate_lock (exclusive), break the layout of the whole file (every
 * PTE and entry goes, below the new EOF too, as xfs_break_dax_layouts()
 * does), zero the tail of a partial EOF block, set i_size, make sure
 * nothing maps beyond the EOF page (truncate_pagecache()) and drop the
 * blocks beyond it.  Growing the file leaves the new range a hole.
 */
int stub_setattr_size(struct inode *inode, uint64_t newsize)
{
	pgoff_t eof = ALIGN_UP(newsize, PAGE_SIZE) >> PAGE_SHIFT;
	int err = 0;

	sim_lock(sb_writers, 0, LOCK_SHARED);
	sim_lock(i_rwsem, inode->i_ino, LOCK_EXCL);
	sim_lock(invalidate_lock, inode->i_ino, LOCK_EXCL);
	dax_break_layout(inode, 0, STUB_MAX_FILEOFF, NULL);
	if (newsize < i_size_read(inode) && newsize % PAGE_SIZE)
		err = dax_zero_range(inode, newsize, (eof << PAGE_SHIFT) - newsize,
				     &stub_iomap_ops);
	if (!err) {
		i_size_write(inode, newsize);
		unmap_mapping_pages(inode->i_mapping, eof, STUB_MAX_FILEOFF, true);
		dax_delete_mapping_range(inode->i_mapping, eof, STUB_MAX_FILEOFF);
		sim_lock(ilock, inode->i_ino, LOCK_EXCL);
		stub_unmap_from(inode, eof);
		sim_unlock(ilock, inode->i_ino);
	}
	sim_unlock(invalidate_lock, inode->i_ino);
	sim_unlock(i_rwsem, inode->i_ino);
	sim_unlock(sb_writers, 0);
	return err;
}

/* Inodes and the superblock ---------------------------------------------- */

struct inode *stub_create(struct super_block *sb, const char *name, uint64_t size)
{
	struct stub_inode *si = g_new0(struct stub_inode, 1);
	struct inode *inode = &si->vfs_inode;

	si->name = g_strdup(name);
	si->blocks = g_tree_new_full(pgoff_cmp, NULL, g_free, g_free);
	inode_init_always(sb, inode, STUB_FS(sb)->next_ino++, &stub_file_operations,
			  &stub_aops);
	inode->i_flags = S_DAX;
	inode->i_nlink = 1;
	i_size_write(inode, size);
	return inode;
}

static bool collect_inode(struct inode *inode, void *arg)
{
	g_ptr_array_add(arg, inode);
	return true;
}

/* Unmount: first every entry of every file (the pages lose their owners), then the inodes. */
static void stub_put_super(struct super_block *sb)
{
	GPtrArray *inodes = g_ptr_array_new();

	sb_for_each_inode(sb, collect_inode, inodes);
	for (guint i = 0; i < inodes->len; i++) {
		struct inode *inode = g_ptr_array_index(inodes, i);

		dax_delete_mapping_range(inode->i_mapping, 0, STUB_MAX_FILEOFF);
	}
	for (guint i = 0; i < inodes->len; i++) {
		struct stub_inode *si = STUB_I(g_ptr_array_index(inodes, i));

		inode_sb_list_del(&si->vfs_inode);
		mapping_destroy(si->vfs_inode.i_mapping);
		g_tree_destroy(si->blocks);
		g_free(si->name);
		g_free(si);
	}
	g_ptr_array_free(inodes, TRUE);
	generic_shutdown_super(sb);
	g_free(STUB_FS(sb));
}

static const struct super_operations stub_super_operations = {
	.put_super	= stub_put_super,
};

struct super_block *stub_fs_mount(uint64_t nr_blocks)
{
	struct stub_fs *fs = g_new0(struct stub_fs, 1);

	init_super(&fs->sb, &stub_super_operations, fs);
	fs->nr_blocks = nr_blocks;
	fs->next_ino = 1;
	return &fs->sb;
}
