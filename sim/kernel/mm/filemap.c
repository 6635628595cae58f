// SPDX-License-Identifier: MIT
/*
 * The page cache (mm/filemap.c): the per-mapping tree of folio slots
 * (i_folios, under xa_lock), __filemap_get_folio for reads (a folio is
 * created under invalidate_lock and read in by a_ops->read_folio, unless
 * the sharing design already holds the block: share_ops->pagecache;
 * a read for a write never asks it),
 * filemap_unshare_folio (a write gives a shared slot a private copy),
 * filemap_read, and filemap_fault with the tail of do_read_fault /
 * do_shared_fault / do_cow_fault (the simulator's handle_mm_fault calls
 * ->fault only, so the folio is mapped here: finish_fault).
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "bug.h"
#include "fs.h"
#include "lock.h"
#include "mm.h"
#include "pagemap.h"
#include "share.h"
#include "sim.h"
#include "trace.h"

static gint index_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
	pgoff_t x = GPOINTER_TO_SIZE(a), y = GPOINTER_TO_SIZE(b);

	return x < y ? -1 : x > y;
}

static const struct filemap_share_ops *pc_ops(void)
{
	return share_ops ? share_ops->pagecache : NULL;
}

struct folio *filemap_get_entry(struct address_space *mapping, pgoff_t index)
{
	if (!mapping->i_folios)
		return NULL;
	return g_tree_lookup(mapping->i_folios, GSIZE_TO_POINTER(index));
}

void filemap_add_folio(struct address_space *mapping, struct folio *folio, pgoff_t index)
{
	sim_lock(xa_lock, mapping->id, LOCK_EXCL);
	if (!mapping->i_folios)
		mapping->i_folios = g_tree_new_full(index_cmp, NULL, NULL, NULL);
	BUG_ON(filemap_get_entry(mapping, index));
	if (!(folio->flags & PG_FOLIO_SHARED)) {
		folio->mapping = mapping;
		folio->index = index;
	}
	g_tree_insert(mapping->i_folios, GSIZE_TO_POINTER(index), folio);
	mapping->nrpages++;
	sim_unlock(xa_lock, mapping->id);
}

void filemap_remove_folio(struct address_space *mapping, pgoff_t index)
{
	struct folio *slot;

	sim_lock(xa_lock, mapping->id, LOCK_EXCL);
	slot = filemap_get_entry(mapping, index);
	BUG_ON(!slot);
	g_tree_remove(mapping->i_folios, GSIZE_TO_POINTER(index));
	mapping->nrpages--;
	sim_unlock(xa_lock, mapping->id);
	if (folio_slot_shared(slot) && pc_ops())
		pc_ops()->release(mapping, index, slot);
	folio_put(slot);
}

struct walk_args {
	pgoff_t end;
	filemap_slot_fn fn;
	void *arg;
	GArray *idx;
};

static gboolean collect_index(gpointer k, gpointer v, gpointer d)
{
	struct walk_args *w = d;
	pgoff_t index = GPOINTER_TO_SIZE(k);

	if (index > w->end)
		return TRUE;
	g_array_append_val(w->idx, index);
	return FALSE;
}

/*
 * The indexes are collected first, so @fn may remove slots; a slot @fn's
 * earlier calls removed is skipped.
 */
void filemap_walk(struct address_space *mapping, pgoff_t start, pgoff_t end,
		  filemap_slot_fn fn, void *arg)
{
	struct walk_args w = { end, fn, arg, g_array_new(FALSE, FALSE, sizeof(pgoff_t)) };

	if (mapping->i_folios) {
		GTreeNode *n = g_tree_lower_bound(mapping->i_folios, GSIZE_TO_POINTER(start));

		for (; n; n = g_tree_node_next(n))
			if (collect_index(g_tree_node_key(n), g_tree_node_value(n), &w))
				break;
	}
	for (guint i = 0; i < w.idx->len; i++) {
		pgoff_t index = g_array_index(w.idx, pgoff_t, i);
		struct folio *slot = filemap_get_entry(mapping, index);

		if (slot && !fn(mapping, index, slot, arg))
			break;
	}
	g_array_free(w.idx, TRUE);
}

bool filemap_next_index(struct address_space *mapping, pgoff_t index, pgoff_t *next)
{
	GTreeNode *n;

	if (!mapping->i_folios)
		return false;
	n = g_tree_lower_bound(mapping->i_folios, GSIZE_TO_POINTER(index));
	if (!n)
		return false;
	*next = GPOINTER_TO_SIZE(g_tree_node_key(n));
	return true;
}

uint64_t filemap_nr_slots(struct address_space *mapping)
{
	return mapping->i_folios ? (uint64_t)g_tree_nnodes(mapping->i_folios) : 0;
}

/* filemap_invalidate_lock_shared(), unless the caller holds it already. */
static bool invalidate_lock_shared(struct address_space *mapping)
{
	if (lock_is_held(&lc_invalidate_lock, mapping->host->i_ino))
		return false;
	lock_acquire(&lc_invalidate_lock, mapping->host->i_ino, LOCK_SHARED, 0, __func__);
	return true;
}

/*
 * filemap_create_folio(): a read found no slot.  The design may already
 * hold the block for another reflink (a shadow of its master, or its
 * shared folio); otherwise a new folio is read in through a_ops.
 */
static int filemap_create_folio(struct address_space *mapping, pgoff_t index, bool private)
{
	bool took = invalidate_lock_shared(mapping);
	struct folio *slot = NULL;
	int err = 0;

	if (filemap_get_entry(mapping, index))
		goto out;	/* another task read it in meanwhile */
	if (!private && pc_ops() && pc_ops()->read_shared) {
		err = pc_ops()->read_shared(mapping, index, &slot);
		if (err)
			goto out;
	}
	if (slot) {
		filemap_add_folio(mapping, slot, index);
		goto out;
	}
	slot = folio_alloc();
	filemap_add_folio(mapping, slot, index);
	folio_lock(slot, mapping, index);
	err = mapping->a_ops->read_folio(slot, mapping, index);
	folio_unlock(slot, mapping, index);
	if (err)
		filemap_remove_folio(mapping, index);
	else
		trace("ino %llu index %llu read into folio 0x%llx", (unsigned long long)mapping->id,
		      (unsigned long long)index, (unsigned long long)slot->pfn);
out:
	if (took)
		lock_release(&lc_invalidate_lock, mapping->host->i_ino, __func__);
	return err;
}

void filemap_put_folio(struct folio *slot, struct address_space *mapping, pgoff_t index)
{
	folio_unlock(slot, mapping, index);
	/* a design may have waited for this lock to change the slot */
	if (folio_slot_shared(slot) && pc_ops() && pc_ops()->unlocked)
		pc_ops()->unlocked(mapping, index, slot);
	folio_put(slot);
}

void filemap_replace_folio(struct address_space *mapping, pgoff_t index, struct folio *old,
			   struct folio *folio)
{
	sim_lock(xa_lock, mapping->id, LOCK_EXCL);
	BUG_ON(filemap_get_entry(mapping, index) != old);
	g_tree_replace(mapping->i_folios, GSIZE_TO_POINTER(index), folio);
	folio->mapping = mapping;
	folio->index = index;
	sim_unlock(xa_lock, mapping->id);
}

struct folio *filemap_unshare_folio(struct address_space *mapping, pgoff_t index,
				    struct folio *slot)
{
	struct folio *folio = folio_alloc();

	BUG_ON(!(slot->flags & PG_FOLIO_LOCKED) || filemap_get_entry(mapping, index) != slot);
	memcpy(folio_address(folio), folio_address(slot), PAGE_SIZE);
	folio->flags |= PG_FOLIO_UPTODATE;
	/* the shared page leaves this file's page tables first */
	unmap_mapping_pages(mapping, index, 1, false);
	lock_acquire(&lc_folio_lock, folio->pfn, LOCK_EXCL, 1, __func__);
	folio->flags |= PG_FOLIO_LOCKED;
	sim_lock(xa_lock, mapping->id, LOCK_EXCL);
	g_tree_replace(mapping->i_folios, GSIZE_TO_POINTER(index), folio);
	folio->mapping = mapping;
	folio->index = index;
	sim_unlock(xa_lock, mapping->id);
	trace("ino %llu index %llu: private folio 0x%llx replaces the shared page 0x%llx",
	      (unsigned long long)mapping->id, (unsigned long long)index,
	      (unsigned long long)folio->pfn, (unsigned long long)folio_resolve(slot)->pfn);
	folio_get(folio);	/* the caller's, with the lock */
	folio_unlock(slot, mapping, index);
	if (pc_ops())
		pc_ops()->release(mapping, index, slot);
	folio_put(slot);	/* the slot's */
	folio_put(slot);	/* the caller's */
	return folio;
}

int filemap_grab_folio(struct address_space *mapping, pgoff_t index, bool private,
		       struct folio **slotp)
{
	struct folio *slot;
	int err;

	for (;;) {
		slot = filemap_get_entry(mapping, index);
		if (!slot) {
			err = filemap_create_folio(mapping, index, private);
			if (err)
				return err;
			continue;
		}
		folio_get(slot);
		folio_lock(slot, mapping, index);
		if (filemap_get_entry(mapping, index) == slot)
			break;
		/* truncated or replaced while we slept on the lock */
		folio_unlock(slot, mapping, index);
		folio_put(slot);
	}
	if (private && folio_slot_shared(slot))
		slot = filemap_unshare_folio(mapping, index, slot);
	*slotp = slot;
	return 0;
}

int64_t filemap_read(struct inode *inode, uint64_t pos, uint64_t len, void *buf)
{
	struct address_space *mapping = inode->i_mapping;
	uint64_t done = 0;

	lock_assert_held(&lc_i_rwsem, inode->i_ino, LOCK_SHARED, __func__);
	while (done < len) {
		uint64_t p = pos + done, off = p & (PAGE_SIZE - 1);
		uint64_t n = MIN(PAGE_SIZE - off, len - done);
		struct folio *slot;
		int err = filemap_grab_folio(mapping, p >> PAGE_SHIFT, false, &slot);

		if (err)
			return done ? (int64_t)done : err;
		memcpy((char *)buf + done, folio_address(slot) + off, n);
		filemap_put_folio(slot, mapping, p >> PAGE_SHIFT);
		done += n;
	}
	return (int64_t)done;
}

/* finish_fault(): map the slot's page; a shared page only read-only. */
static void finish_fault(struct vm_fault *vmf, struct folio *slot, bool write)
{
	BUG_ON(write && folio_slot_shared(slot));
	vmf_insert_pfn(vmf, folio_resolve(slot)->pfn, write, false);
}

unsigned int filemap_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct address_space *mapping = vma->vm_file->f_mapping;
	struct inode *inode = mapping->host;
	bool write_shared = (vmf->flags & FAULT_FLAG_WRITE) && (vma->vm_flags & VM_SHARED);
	pgoff_t index = vmf->pgoff;
	struct folio *slot;
	unsigned int ret;

	if (((uint64_t)index << PAGE_SHIFT) >= i_size_read(inode))
		return VM_FAULT_SIGBUS;
	sim->stats.pagecache_faults++;
	if (write_shared && vma->vm_ops->page_mkwrite) {
		/* do_shared_fault(): ->page_mkwrite returns the slot locked */
		ret = vma->vm_ops->page_mkwrite(vmf);
		if (ret & VM_FAULT_ERROR)
			return ret;
		slot = vmf->folio;
	} else {
		if (filemap_grab_folio(mapping, index, false, &slot))
			return VM_FAULT_SIGBUS;
		if (((uint64_t)index << PAGE_SHIFT) >= i_size_read(inode)) {
			filemap_put_folio(slot, mapping, index);
			return VM_FAULT_SIGBUS;
		}
	}
	if (vmf->cow) {
		/* do_cow_fault(): a private anonymous copy; the file is untouched */
		pfn_t anon = anon_page_alloc();

		memcpy(anon_page_kaddr(anon), folio_address(slot), PAGE_SIZE);
		filemap_put_folio(slot, mapping, index);
		vmf_insert_pfn(vmf, anon, true, false);
		return 0;
	}
	finish_fault(vmf, slot, write_shared);
	filemap_put_folio(slot, mapping, index);
	return 0;
}

unsigned int filemap_page_mkwrite_fault(struct vm_fault *vmf)
{
	struct address_space *mapping = vmf->vma->vm_file->f_mapping;
	unsigned int ret;

	/* wp_page_shared() -> do_page_mkwrite() */
	ret = vmf->vma->vm_ops->page_mkwrite(vmf);
	if (ret & VM_FAULT_ERROR)
		return ret;
	finish_fault(vmf, vmf->folio, true);
	filemap_put_folio(vmf->folio, mapping, vmf->pgoff);
	return 0;
}
