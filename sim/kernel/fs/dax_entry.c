// SPDX-License-Identifier: MIT
/*
 * DAX mapping entries: the i_pages tree, entry locking, association with the
 * page through the sharing design, grab_mapping_entry() and deletion.
 */
#include <string.h>

#include "inject.h"
#include "dax.h"
#include "lock.h"
#include "lockdep.h"
#include "memmap.h"
#include "mm.h"
#include "scheduler.h"
#include "share.h"
#include "sim.h"
#include "trace.h"

static gint pgoff_cmp(gconstpointer a, gconstpointer b, gpointer u)
{
	pgoff_t x = *(const pgoff_t *)a, y = *(const pgoff_t *)b;

	return x < y ? -1 : x > y;
}

static gint u64_cmp(gconstpointer a, gconstpointer b, gpointer u)
{
	return pgoff_cmp(a, b, u);
}

/*
 * The last few lookups of i_pages, in front of the tree: one fault looks its
 * entry up several times (grab, replace, marks, unlock), and first looks for
 * an entry that is not there yet.  A NULL slot remembers an absent index.
 * Every store or delete, in any mapping, empties the cache (a new
 * generation), and so does a mapping's init and destroy: a hit is always
 * what the tree would answer.
 */
static struct slot_cache_ent {
	const struct address_space	*mapping;
	pgoff_t				index;
	struct dax_slot			*slot;
	uint64_t			gen;
} slot_cache[2];
static uint64_t slot_gen = 1;	/* an entry of another generation is empty */
static unsigned int slot_cache_next;

static void slot_cache_fill(const struct address_space *mapping, pgoff_t index,
			    struct dax_slot *slot)
{
	slot_cache[slot_cache_next] = (struct slot_cache_ent){ mapping, index, slot, slot_gen };
	slot_cache_next = (slot_cache_next + 1) % G_N_ELEMENTS(slot_cache);
}

static void slot_cache_invalidate(void)
{
	slot_gen++;
}

/* g_tree_lookup(mapping->i_pages, &index), through the cache. */
static struct dax_slot *slot_find(struct address_space *mapping, pgoff_t index)
{
	struct dax_slot *slot;

	for (size_t i = 0; i < G_N_ELEMENTS(slot_cache); i++) {
		const struct slot_cache_ent *e = &slot_cache[i];

		if (e->gen == slot_gen && e->mapping == mapping && e->index == index)
			return e->slot;
	}
	slot = g_tree_lookup(mapping->i_pages, &index);
	slot_cache_fill(mapping, index, slot);
	return slot;
}

/* An i_pages entry: the key and the slot in one allocation. */
struct dax_slot_node {
	pgoff_t		index;	/* the tree's key points here */
	struct dax_slot	slot;	/* ... and its value here */
};

static void slot_node_free(gpointer slot)
{
	g_free(container_of((struct dax_slot *)slot, struct dax_slot_node, slot));
}

void mapping_init(struct address_space *mapping, struct inode *host, uint64_t id)
{
	slot_cache_invalidate();
	memset(mapping, 0, sizeof(*mapping));
	mapping->host = host;
	mapping->id = id;
	mapping->i_pages = g_tree_new_full(pgoff_cmp, NULL, NULL, slot_node_free);
	mapping->i_mmap = g_tree_new_full(u64_cmp, NULL, g_free, NULL);
}

void mapping_destroy(struct address_space *mapping)
{
	slot_cache_invalidate();
	if (mapping->i_pages)
		g_tree_destroy(mapping->i_pages);
	if (mapping->i_mmap)
		g_tree_destroy(mapping->i_mmap);
	mapping->i_pages = mapping->i_mmap = NULL;
}

static uint64_t entry_lock_inst(struct address_space *mapping, pgoff_t base)
{
	return dax_entry_lock_inst(mapping->id, base);
}

struct dax_slot *dax_lookup_slot(struct address_space *mapping, pgoff_t index,
				 pgoff_t *base)
{
	struct dax_slot *slot = slot_find(mapping, index);
	pgoff_t pmd_base = index & ~PG_PMD_COLOUR;

	if (slot) {
		*base = index;
		return slot;
	}
	slot = slot_find(mapping, pmd_base);
	if (slot && dax_is_pmd_entry(slot->entry)) {
		*base = pmd_base;
		return slot;
	}
	return NULL;
}

void dax_walk_entries(struct address_space *mapping, pgoff_t start, pgoff_t end,
		      dax_entry_fn fn, void *arg)
{
	pgoff_t key = start >= PG_PMD_NR ? (start & ~PG_PMD_COLOUR) : 0;
	GTreeNode *n = g_tree_lower_bound(mapping->i_pages, &key);

	while (n) {
		pgoff_t idx = *(pgoff_t *)g_tree_node_key(n);
		struct dax_slot *slot = g_tree_node_value(n);
		GTreeNode *next;
		pgoff_t last;

		if (idx > end)
			break;
		last = idx + (1UL << dax_entry_order(slot->entry)) - 1;
		next = g_tree_node_next(n);
		if (last >= start) {
			pgoff_t nidx = next ? *(pgoff_t *)g_tree_node_key(next) : 0;
			bool had_next = next != NULL;

			if (!fn(mapping, idx, slot, arg))
				return;
			/* fn may delete the slot: re-find the successor. */
			if (had_next) {
				next = g_tree_lower_bound(mapping->i_pages, &nidx);
			} else {
				pgoff_t after = idx + 1;

				next = g_tree_lower_bound(mapping->i_pages, &after);
			}
		}
		n = next;
	}
}

/*
 * dax_to_folio(): the folio a real entry's pfn belongs to.  A PTE entry on
 * a tail page of a 2 MiB folio that a PMD entry set up (kernel-notes H3)
 * resolves to the head, as page_folio() does; daxsim keeps no
 * compound_head, so it looks at the PMD-aligned page.
 */
pfn_t dax_folio_pfn(pfn_t pfn)
{
	pfn_t head = PMEM_PFN_BASE + ((pfn - PMEM_PFN_BASE) & ~(pfn_t)PG_PMD_COLOUR);
	struct page *hp;

	if (head == pfn)
		return pfn;
	hp = pfn_to_page_noalloc(&sim->memmap, head);
	return hp && (hp->flags & PG_head) && hp->order == PMD_ORDER ? head : pfn;
}

/* dax_associate_entry / dax_disassociate_entry: hand over to the design. */
void dax_associate_entry(unsigned long entry, struct address_space *mapping,
			 pgoff_t index, bool shared)
{
	pfn_t pfn;

	if (!dax_is_real_entry(entry))
		return;
	pfn = dax_folio_pfn(dax_to_pfn(entry));
	share_ops->associate(pfn_to_page(&sim->memmap, pfn), pfn,
			     dax_entry_order(entry), mapping, index, shared);
}

/* Is a page behind @entry pinned?  The first such page, or NULL. */
static struct page *entry_pinned_page(unsigned long entry)
{
	pfn_t pfn = dax_to_pfn(entry);

	for (pfn_t p = pfn; p < pfn + (1UL << dax_entry_order(entry)); p++) {
		struct page *page = pfn_to_page_noalloc(&sim->memmap, p);

		if (page_is_pinned(page))
			return page;
	}
	return NULL;
}

void dax_disassociate_entry(unsigned long entry, struct address_space *mapping,
			    pgoff_t index, bool trunc)
{
	pfn_t pfn;

	/* "fs/dax: don't disassociate zero page entries" */
	if (!dax_is_real_entry(entry))
		return;
	/* WARN_ON_ONCE(trunc && !dax_page_is_idle(page)): freeing a block under DMA */
	if (trunc && entry_pinned_page(entry))
		share_warn("M7", "ino %llu index %llu: pfn 0x%llx is pinned but its entry is deleted for truncation (WARN_ON_ONCE(trunc && !dax_page_is_idle(page)))",
			   (unsigned long long)mapping->id, (unsigned long long)index,
			   (unsigned long long)page_to_pfn(&sim->memmap, entry_pinned_page(entry)));
	pfn = dax_folio_pfn(dax_to_pfn(entry));
	share_ops->disassociate(pfn_to_page(&sim->memmap, pfn), pfn,
				dax_entry_order(entry), mapping, index, trunc);
}

static void slot_store(struct address_space *mapping, pgoff_t index,
		       unsigned long entry)
{
	struct dax_slot_node *node = g_new0(struct dax_slot_node, 1);

	node->index = index;
	node->slot.entry = entry;
	slot_cache_invalidate();
	/* replace, not insert: the key lives in the node, so it goes with it */
	g_tree_replace(mapping->i_pages, &node->index, &node->slot);
	slot_cache_fill(mapping, index, &node->slot);
	mapping->nrpages += 1UL << dax_entry_order(entry);
	mapping->nrentries++;
}

static void slot_delete(struct address_space *mapping, pgoff_t index)
{
	struct dax_slot *slot = slot_find(mapping, index);

	BUG_ON(!slot);
	mapping->nrpages -= 1UL << dax_entry_order(slot->entry);
	mapping->nrentries--;
	slot_cache_invalidate();
	g_tree_remove(mapping->i_pages, &index);
}

/*
 * Take the entry lock (a bit in the value, under xa_lock).  A locked entry
 * means another task holds it: sleep on the entry's wait queue until a
 * wakeup for its key (get_unlocked_entry(): an exclusive waiter; without
 * the scheduler nobody could unlock it) and return false -- the entry may
 * be another one by then, so the caller looks it up again.  @index is the
 * index looked up (the wait key is aligned down for a PMD entry).
 */
/*
 * ac401cc78242 put back (DAXSIM_INJECT=fault-no-entry-lock): before "dax:
 * New fault locking" two faults of one offset did not serialise.  The
 * fault then goes on with an entry another task holds, "borrowed": it
 * takes no lock and its unlock leaves the holder's bit alone.
 */
static struct borrowed_entry {
	const struct lock_ctx	*ctx;
	uint64_t		ino;
	pgoff_t			base;
} borrowed[8];

static bool borrow_entry(struct address_space *mapping, pgoff_t base, const char *func)
{
	if (!INJECT(FAULT_NO_ENTRY_LOCK) || strcmp(func, "grab_mapping_entry"))
		return false;
	for (size_t i = 0; i < G_N_ELEMENTS(borrowed); i++)
		if (!borrowed[i].ctx) {
			borrowed[i] = (struct borrowed_entry){ lock_current, mapping->id, base };
			return true;
		}
	return false;
}

static bool entry_borrowed(const struct address_space *mapping, pgoff_t base)
{
	if (!INJECT(FAULT_NO_ENTRY_LOCK))
		return false;	/* the fault path pays one compare, not a scan */
	for (size_t i = 0; i < G_N_ELEMENTS(borrowed); i++)
		if (borrowed[i].ctx && borrowed[i].ctx == lock_current &&
		    borrowed[i].ino == mapping->id && borrowed[i].base == base)
			return true;
	return false;
}

static bool give_back_entry(struct address_space *mapping, pgoff_t base)
{
	if (!INJECT(FAULT_NO_ENTRY_LOCK))
		return false;
	for (size_t i = 0; i < G_N_ELEMENTS(borrowed); i++)
		if (borrowed[i].ctx == lock_current && borrowed[i].ino == mapping->id &&
		    borrowed[i].base == base) {
			borrowed[i].ctx = NULL;
			return true;
		}
	return false;
}

static bool dax_lock_slot(struct address_space *mapping, pgoff_t index, pgoff_t base,
			  struct dax_slot *slot, const char *func)
{
	if (dax_is_locked(slot->entry) && borrow_entry(mapping, base, func))
		return true;
	if (dax_is_locked(slot->entry)) {
		dax_wait_entry(mapping, index, slot->entry, true, func);
		return false;
	}
	/*
	 * The bit is the lock, taken atomically with the check (under xa_lock
	 * in the kernel); the lock API records it after, so a scheduling point
	 * there finds the entry already ours.  The point before the acquisition
	 * is the caller's, before it looks the entry up (dax_entry_point()).
	 */
	slot->entry |= DAX_LOCKED;
	lock_acquire(&lc_dax_entry, entry_lock_inst(mapping, base), LOCK_EXCL, 0, func);
	return true;
}

/* Unlock the entry at @base: clear the bit, release, wake as @mode says. */
static void dax_unlock_slot(struct address_space *mapping, pgoff_t base, enum dax_wake_mode mode,
			    const char *func)
{
	struct dax_slot *slot;
	unsigned long entry = 0;

	sim_lock(xa_lock, mapping->id, LOCK_EXCL);
	slot = slot_find(mapping, base);
	if (slot) {
		slot->entry &= ~DAX_LOCKED;
		entry = slot->entry;
	}
	sim_unlock(xa_lock, mapping->id);
	lock_release(&lc_dax_entry, entry_lock_inst(mapping, base), func);
	if (slot)
		dax_wake_entry(mapping, base, entry, mode);
}

/* The scheduling point before an entry lock, taken before the lookup. */
static void dax_entry_point(const char *func)
{
	if (sched_active())
		sched_point("dax_entry", func);
}

/* Lock the entry stored at @base, waiting for it; NULL once it is gone. */
static struct dax_slot *dax_lock_index(struct address_space *mapping, pgoff_t base,
				       const char *func)
{
	for (;;) {
		struct dax_slot *slot;

		dax_entry_point(func);
		slot = slot_find(mapping, base);
		if (!slot)
			return NULL;
		if (dax_lock_slot(mapping, base, base, slot, func))
			return slot;
	}
}

/* dax_unlock_entry(): store the entry unlocked and wake the next waiter. */
void dax_unlock_entry(struct address_space *mapping, pgoff_t base)
{
	if (give_back_entry(mapping, base))
		return;
	dax_unlock_slot(mapping, base, WAKE_NEXT, __func__);
}

/*
 * dax_lock_mapping_entry(): lock the real entry covering @index for memory
 * failure; false (nothing locked) for an absent, zero or empty entry.  A
 * locked entry is waited for as wait_entry_unlocked() does: a non-exclusive
 * wait (this path may never take the entry, so it must not swallow a
 * wakeup meant for another waiter), after dropping i_pages' lock.
 */
bool dax_lock_mapping_entry(struct address_space *mapping, pgoff_t index,
			    pgoff_t *base, unsigned long *entry)
{
	struct dax_slot *slot;

retry:
	dax_entry_point(__func__);
	sim_lock(xa_lock, mapping->id, LOCK_EXCL);
	slot = dax_lookup_slot(mapping, index, base);
	if (!slot || !dax_is_real_entry(slot->entry)) {
		sim_unlock(xa_lock, mapping->id);
		return false;
	}
	if (dax_is_locked(slot->entry)) {
		unsigned long locked = slot->entry;

		/* f52afc93cd01 put back: the sleep keeps i_pages locked */
		if (!INJECT(MF_SLEEP_UNDER_XA_LOCK))
			sim_unlock(xa_lock, mapping->id);
		dax_wait_entry(mapping, index, locked, false, __func__);
		goto retry;
	}
	slot->entry |= DAX_LOCKED;
	*entry = slot->entry;
	sim_unlock(xa_lock, mapping->id);
	lock_acquire(&lc_dax_entry, entry_lock_inst(mapping, *base), LOCK_EXCL, 0, __func__);
	return true;
}

/*
 * grab_mapping_entry(): return the locked entry for @index at @order,
 * creating a locked empty one if absent.  *base gets the entry's index.
 * Returns 0 or VM_FAULT_FALLBACK (PMD request conflicting with PTE entries).
 */
vm_fault_t grab_mapping_entry(struct address_space *mapping, pgoff_t index,
			      unsigned int order, pgoff_t *base,
			      unsigned long *entryp)
{
	struct dax_slot *slot;
	pgoff_t b;

retry:
	dax_entry_point(__func__);
	if (order == PMD_ORDER) {
		pgoff_t start = index & ~PG_PMD_COLOUR, end = start + PG_PMD_COLOUR;
		GTreeNode *n = g_tree_lower_bound(mapping->i_pages, &start);

		if (n && *(pgoff_t *)g_tree_node_key(n) <= end) {
			slot = g_tree_node_value(n);
			if (*(pgoff_t *)g_tree_node_key(n) != start ||
			    !dax_is_pmd_entry(slot->entry)) {
				/*
				 * 23c84eb78375 put back: the XArray conversion
				 * slept on a locked PTE entry found by a PMD
				 * fault, hashed on the PMD index, which the PTE
				 * entry's unlock never wakes.
				 */
				if (INJECT(PMD_WAIT_WRONG_INDEX) && dax_is_locked(slot->entry)) {
					dax_wait_entry(mapping, start, slot->entry, true, __func__);
					goto retry;
				}
				trace("ino %llu index %llu: PTE entries in range, fallback",
				      (unsigned long long)mapping->id,
				      (unsigned long long)index);
				return VM_FAULT_FALLBACK;
			}
			if (!dax_lock_slot(mapping, start, start, slot, __func__))
				goto retry;
			*base = start;
			*entryp = slot->entry;
			return 0;
		}
		b = start;
	} else {
		slot = dax_lookup_slot(mapping, index, &b);
		if (slot && dax_is_pmd_entry(slot->entry) &&
		    !dax_is_real_entry(slot->entry)) {
			/* Downgrade a zero/empty PMD entry to PTEs. */
			unsigned long old;

			if (!dax_lock_slot(mapping, index, b, slot, __func__))
				goto retry;
			old = slot->entry;
			if (dax_is_zero_entry(old))
				unmap_mapping_pages(mapping, b, PG_PMD_NR, false);
			sim_lock(xa_lock, mapping->id, LOCK_EXCL);
			dax_disassociate_entry(old, mapping, b, false);
			slot_delete(mapping, b);
			sim_unlock(xa_lock, mapping->id);
			lock_release(&lc_dax_entry, entry_lock_inst(mapping, b), __func__);
			/*
			 * Every waiter of the PMD entry looks again: each will
			 * lock a PTE entry of its own index, so a wakeup passed
			 * on at their unlock never reaches the PMD key
			 * (965d004af540 put back: wake one).
			 */
			dax_wake_entry(mapping, b, old, INJECT(DOWNGRADE_WAKE_ONE) ? WAKE_NEXT : WAKE_ALL);
			trace("ino %llu index %llu: downgrade PMD %s entry",
			      (unsigned long long)mapping->id, (unsigned long long)b,
			      dax_is_zero_entry(old) ? "zero" : "empty");
			slot = NULL;
		}
		if (slot) {
			if (!dax_lock_slot(mapping, index, b, slot, __func__))
				goto retry;
			*base = b;
			*entryp = slot->entry;
			return 0;
		}
		b = index;
	}
	/* xas_nomem() with the mapping's gfp: XFS clears __GFP_FS (xfs_setup_inode) */
	might_alloc(GFP_NOFS);
	sim_lock(xa_lock, mapping->id, LOCK_EXCL);
	/*
	 * The lookup above ran before xa_lock: another fault may have stored
	 * an entry in the range meanwhile (the kernel looks up and stores
	 * under one xa_lock section).  Look again rather than overwrite it.
	 */
	if (order == PMD_ORDER) {
		pgoff_t end = b + PG_PMD_COLOUR;
		GTreeNode *n = g_tree_lower_bound(mapping->i_pages, &b);

		if (n && *(pgoff_t *)g_tree_node_key(n) <= end) {
			sim_unlock(xa_lock, mapping->id);
			goto retry;
		}
	} else if (dax_lookup_slot(mapping, index, &b)) {
		sim_unlock(xa_lock, mapping->id);
		goto retry;
	}
	slot_store(mapping, b, DAX_EMPTY | (order ? DAX_PMD : 0));
	sim_unlock(xa_lock, mapping->id);
	slot = slot_find(mapping, b);
	if (!dax_lock_slot(mapping, b, b, slot, __func__))
		goto retry;	/* not reached: the empty entry was just stored */
	*base = b;
	*entryp = slot->entry;
	return 0;
}

/*
 * Store @new_entry (locked) at @base, replacing the locked old entry; the
 * association moves with it.  Called with the entry lock held.
 */
void dax_replace_entry(struct address_space *mapping, pgoff_t base,
		       unsigned long new_entry, bool shared)
{
	struct dax_slot *slot = slot_find(mapping, base);
	bool borrowed_entry = entry_borrowed(mapping, base);	/* fault-no-entry-lock */

	BUG_ON(!slot || (!dax_is_locked(slot->entry) && !borrowed_entry));
	/*
	 * What a sharing design allocates at association (a shadow page, a
	 * master buffer, an owner-list node) is preloaded here, outside the
	 * xa_lock, as radix_tree_preload()/xas_nomem() do: dax_associate_entry
	 * runs under the faulting file's xa_lock, where nothing may sleep.
	 */
	might_alloc(GFP_NOFS);
	sim_lock(xa_lock, mapping->id, LOCK_EXCL);
	if (INJECT(ALLOC_UNDER_XA_LOCK))
		might_alloc(GFP_KERNEL);	/* test only: a sleeping allocation here */
	dax_disassociate_entry(slot->entry, mapping, base, false);
	dax_associate_entry(new_entry, mapping, base, shared);
	mapping->nrpages -= 1UL << dax_entry_order(slot->entry);
	mapping->nrpages += 1UL << dax_entry_order(new_entry);
	/* a borrowed entry's lock bit is its holder's, set or not */
	slot->entry = new_entry | (borrowed_entry ? slot->entry & DAX_LOCKED : DAX_LOCKED);
	sim_unlock(xa_lock, mapping->id);
}

/* Delete one entry: disassociate, store NULL.  Must not be locked. */
struct delete_args {
	bool	only_clean;	/* invalidate: keep DIRTY/TOWRITE entries */
	bool	busy;		/* ... and one was kept */
};

/*
 * __dax_invalidate_entry(): wait until the entry is unlocked, then look at
 * it and delete it in one xa_lock section -- it never takes the entry bit,
 * so no other task can find it locked by us.  The slot goes before the
 * design is told (a lookup of this file finds nothing from then on); the
 * design's work may interleave with other files' accesses of the page.
 */
static bool delete_one(struct address_space *mapping, pgoff_t index,
		       struct dax_slot *slot, void *arg)
{
	struct delete_args *d = arg;
	unsigned long entry;

	for (;;) {
		dax_entry_point("__dax_invalidate_entry");
		sim_lock(xa_lock, mapping->id, LOCK_EXCL);
		slot = slot_find(mapping, index);
		if (!slot) {
			/* it went while we slept: no wakeup to pass on */
			sim_unlock(xa_lock, mapping->id);
			return true;
		}
		if (!dax_is_locked(slot->entry))
			break;
		if (!sched_active()) {
			/*
			 * No task runs to unlock it: a lock leaked by a bug
			 * (M4 reported it after its command); the world is
			 * being torn down, so the entry goes anyway.
			 */
			slot->entry &= ~DAX_LOCKED;
			break;
		}
		entry = slot->entry;
		sim_unlock(xa_lock, mapping->id);
		dax_wait_entry(mapping, index, entry, true, "__dax_invalidate_entry");
	}
	entry = slot->entry;
	/* the marks are read with the entry in hand, after any wait */
	if (d->only_clean && (slot->marks & (PAGECACHE_TAG_DIRTY | PAGECACHE_TAG_TOWRITE))) {
		d->busy = true;
	} else {
		slot_delete(mapping, index);
		dax_disassociate_entry(entry, mapping, index, !d->only_clean);
	}
	sim_unlock(xa_lock, mapping->id);
	/*
	 * put_unlocked_entry(WAKE_ALL): every waiter looks again; one that
	 * finds nothing passes no wakeup on (237388320def put back: wake one).
	 */
	dax_wake_entry(mapping, index, entry, INJECT(INVALIDATE_WAKE_ONE) ? WAKE_NEXT : WAKE_ALL);
	return true;
}

void dax_delete_mapping_range(struct address_space *mapping, pgoff_t start,
			      pgoff_t end)
{
	struct delete_args d = { .only_clean = false };

	dax_walk_entries(mapping, start, end, delete_one, &d);
}

int dax_invalidate_mapping_range(struct address_space *mapping, pgoff_t start, pgoff_t end)
{
	struct delete_args d = { .only_clean = true };

	dax_walk_entries(mapping, start, end, delete_one, &d);
	unmap_mapping_pages(mapping, start, end - start + 1, false);
	/* mm/truncate.c: a dirty DAX entry that could not go is -EBUSY */
	return d.busy ? -EBUSY : 0;
}

static bool clear_dirty_one(struct address_space *mapping, pgoff_t index,
			    struct dax_slot *slot, void *arg)
{
	slot->marks &= ~(PAGECACHE_TAG_DIRTY | PAGECACHE_TAG_TOWRITE);
	return true;
}

void dax_clear_dirty_range(struct address_space *mapping, pgoff_t start,
			   pgoff_t end)
{
	sim_lock(xa_lock, mapping->id, LOCK_EXCL);
	dax_walk_entries(mapping, start, end, clear_dirty_one, NULL);
	sim_unlock(xa_lock, mapping->id);
}

static bool writeback_one(struct address_space *mapping, pgoff_t index,
			  struct dax_slot *slot, void *arg)
{
	uint64_t *count = arg;

	/* tag_pages_for_writeback(): DIRTY becomes TOWRITE; both are written */
	if (!(slot->marks & (PAGECACHE_TAG_DIRTY | PAGECACHE_TAG_TOWRITE)))
		return true;
	/* dax_writeback_one: lock, mkclean every vma, flush, clear DIRTY. */
	slot = dax_lock_index(mapping, index, "dax_writeback_one");
	if (!slot)
		return true;	/* punched out while we slept: nothing to pass on */
	if (!(slot->marks & (PAGECACHE_TAG_DIRTY | PAGECACHE_TAG_TOWRITE))) {
		/* written back by another task while we slept */
		dax_unlock_slot(mapping, index, WAKE_NEXT, "dax_writeback_one");
		return true;
	}
	slot->marks &= ~PAGECACHE_TAG_TOWRITE;
	mapping_mkclean(mapping, index, 1UL << dax_entry_order(slot->entry));
	slot->marks &= ~PAGECACHE_TAG_DIRTY;
	dax_unlock_slot(mapping, index, WAKE_NEXT, "dax_writeback_one");
	(*count)++;
	return true;
}

int dax_writeback_mapping_range(struct address_space *mapping, pgoff_t start,
				pgoff_t end)
{
	uint64_t count = 0;

	dax_walk_entries(mapping, start, end, writeback_one, &count);
	trace("ino %llu [%llu, %llu]: %llu entries written back",
	      (unsigned long long)mapping->id, (unsigned long long)start,
	      (unsigned long long)end, (unsigned long long)count);
	return 0;
}

/*
 * Replace the locked PMD entry at *base by a locked PTE entry at @index (the
 * caller already unmapped the PMD range); the entry lock moves with it.
 */
void dax_split_pmd_entry(struct address_space *mapping, pgoff_t *base,
			 pgoff_t index, unsigned long new_entry, bool shared)
{
	struct dax_slot *slot = slot_find(mapping, *base);

	unsigned long old;

	BUG_ON(!slot || !dax_is_pmd_entry(slot->entry));
	old = slot->entry;
	might_alloc(GFP_NOFS);		/* the design's preload, as in dax_replace_entry */
	sim_lock(xa_lock, mapping->id, LOCK_EXCL);
	dax_disassociate_entry(slot->entry, mapping, *base, false);
	slot_delete(mapping, *base);
	lock_release(&lc_dax_entry, entry_lock_inst(mapping, *base), __func__);
	slot_store(mapping, index, new_entry | DAX_LOCKED);
	dax_associate_entry(new_entry, mapping, index, shared);
	sim_unlock(xa_lock, mapping->id);
	lock_acquire(&lc_dax_entry, entry_lock_inst(mapping, index), LOCK_EXCL, 0, __func__);
	/* the PMD entry's waiters look again (their key is gone) */
	dax_wake_entry(mapping, *base, old, WAKE_ALL);
	trace("ino %llu index %llu: PMD entry at %llu replaced by a PTE entry",
	      (unsigned long long)mapping->id, (unsigned long long)index,
	      (unsigned long long)*base);
	*base = index;
}

struct collect_bases {
	GArray	*bases;
};

static bool collect_base(struct address_space *mapping, pgoff_t index, struct dax_slot *slot,
			 void *arg)
{
	g_array_append_val(((struct collect_bases *)arg)->bases, index);
	return true;
}

/*
 * dax_layout_busy_page_range(): after the caller unmapped the range, the
 * first page behind an entry that a pin keeps busy.  A locked entry is
 * waited for (get_unlocked_entry()), since its page may be the pinned one;
 * 6be3e21d25ca put back (DAXSIM_INJECT=layout-skip-locked) skips it, and
 * truncate frees a block under DMA.
 */
struct page *dax_layout_busy_page_range(struct address_space *mapping, pgoff_t start, pgoff_t end)
{
	struct collect_bases c = { g_array_new(FALSE, FALSE, sizeof(pgoff_t)) };
	struct page *busy = NULL;

	dax_walk_entries(mapping, start, end, collect_base, &c);
	for (guint i = 0; i < c.bases->len && !busy; i++) {
		pgoff_t base = g_array_index(c.bases, pgoff_t, i);

		for (;;) {
			struct dax_slot *slot;

			dax_entry_point(__func__);
			slot = slot_find(mapping, base);
			if (!slot)
				break;
			if (dax_is_locked(slot->entry)) {
				if (INJECT(LAYOUT_SKIP_LOCKED))
					break;
				dax_wait_entry(mapping, base, slot->entry, true, __func__);
				continue;
			}
			if (dax_is_real_entry(slot->entry))
				busy = entry_pinned_page(slot->entry);
			/* put_unlocked_entry(WAKE_NEXT): pass on a wakeup we may have taken */
			dax_wake_entry(mapping, base, slot->entry, WAKE_NEXT);
			break;
		}
	}
	g_array_free(c.bases, TRUE);
	return busy;
}
