// SPDX-License-Identifier: MIT
/*
 * The `shadow` design: Dave Chinner, "Re: [RFC PATCH 0/7] xfs: add reflink &
 * dedupe support for fsdax", linux-xfs, Oct 2019.
 *
 * The physical page of a shared extent belongs to the filesystem: its
 * *master* is an xfs_buf in the buffer cache, indexed by disk address, and
 * the master's struct page points back at it (page->private).  Each
 * (mapping, index) that maps the shared block gets a *shadow page* carrying
 * that (mapping, index) and a pointer to the master, inserted beside the
 * file's DAX entry; the PTE maps the master pfn, read-only.  A write fault
 * tosses the shadow and CoWs as usual.
 *
 * Life cycle (daxsim's definition of what the 2019 mail left open):
 *  - read fault of a shared block: find or insert the master by LBA, add a
 *    shadow.  If the page still had a direct owner from before the block
 *    became shared (page->mapping), that owner is converted to a shadow.
 *  - an entry goes (CoW, truncate, punch, invalidate): its shadow goes.
 *    The last shadow frees the master.
 *  - the extent stops being shared (refcount back to 1, e.g. the other
 *    file CoW'd or was truncated) while one shadow remains: the shadow is
 *    promoted -- its (mapping, index) becomes the page's direct owner again
 *    and the master leaves the buffer cache.  The remaining mapping's PTE
 *    stays read-only until its next write fault, which needs no CoW.
 *  - a PMD entry of a shared extent has one master covering 2 MiB.  A
 *    PTE-sized master over blocks a PMD master covers (kernel-notes H3) is
 *    an overlapping buffer of a different length: XFS's buffer cache
 *    refuses it (-EFSCORRUPTED), so the design reports P-shadow and maps
 *    the page without a shadow.
 * Memory failure finds the owners through the master's shadows.
 */
#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>

#include "dax.h"
#include "memmap.h"
#include "share.h"
#include "sim.h"
#include "trace.h"
#include "inject.h"

struct shadow_page {
	struct address_space	*mapping;
	pgoff_t			index;
	unsigned int		order;
	struct share_buf		*master;
};

/* A master: the xfs_buf's private data. */
struct shadow_master {
	GTree		*shadows;	/* (ino, index) -> struct shadow_page */
	uint64_t	nr_shadows;	/* kept by hand; P-shadow compares */
};

/* The shadows by (mapping, index): the slots beside the DAX entries. */
static GTree *shadow_slots;
static struct share_stats sh;

struct slot_key {
	uint64_t	ino;
	pgoff_t		index;
};

static gint slot_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
	const struct slot_key *x = a, *y = b;

	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static void shadow_init(void)
{
	shadow_slots = g_tree_new_full(slot_cmp, NULL, g_free, NULL);
	sh = (struct share_stats){ 0 };
}

static void shadow_destroy(void)
{
	if (shadow_slots)
		g_tree_destroy(shadow_slots);
	shadow_slots = NULL;
}

static struct slot_key *slot_key_new(struct address_space *mapping, pgoff_t index)
{
	struct slot_key *k = g_new(struct slot_key, 1);

	k->ino = mapping->id;
	k->index = index;
	return k;
}

static struct shadow_page *shadow_lookup(struct address_space *mapping, pgoff_t index)
{
	struct slot_key k = { mapping->id, index };

	return shadow_slots ? g_tree_lookup(shadow_slots, &k) : NULL;
}

static struct shadow_master *master_of(struct share_buf *bp)
{
	return bp->b_private;
}

static void master_free(struct page *page, struct share_buf *bp)
{
	struct shadow_master *m = master_of(bp);

	g_tree_destroy(m->shadows);
	g_free(m);
	bp->b_private = NULL;
	page->private = NULL;
	sim->sb->s_share_ops->buf_rele(sim->sb, bp);
	sh.masters--;
}

static void shadow_add(struct share_buf *bp, struct address_space *mapping, pgoff_t index,
		       unsigned int order)
{
	struct shadow_master *m = master_of(bp);
	struct shadow_page *s = g_new0(struct shadow_page, 1);

	s->mapping = mapping;
	s->index = index;
	s->order = order;
	s->master = bp;
	g_tree_insert(m->shadows, slot_key_new(mapping, index), s);
	g_tree_insert(shadow_slots, slot_key_new(mapping, index), s);
	m->nr_shadows++;
	sh.shadows++;
}

static void shadow_remove(struct shadow_page *s)
{
	struct shadow_master *m = master_of(s->master);
	struct slot_key k = { s->mapping->id, s->index };

	g_tree_remove(shadow_slots, &k);
	g_tree_remove(m->shadows, &k);	/* frees s */
	m->nr_shadows--;
	sh.shadows--;
}

static gboolean first_shadow(gpointer k, gpointer v, gpointer data)
{
	*(struct shadow_page **)data = v;
	return TRUE;
}

/* The block stopped being shared with one shadow left: it owns the page. */
static void shadow_promote(struct page *page, struct share_buf *bp)
{
	struct shadow_master *m = master_of(bp);
	struct shadow_page *s = NULL;

	g_tree_foreach(m->shadows, first_shadow, &s);
	page->mapping = s->mapping;
	page->index = s->index;
	trace("pfn 0x%llx: last shadow ino %llu index %llu promoted to owner",
	      (unsigned long long)bp->b_pfn, (unsigned long long)s->mapping->id,
	      (unsigned long long)s->index);
	shadow_remove(s);
	master_free(page, bp);
}

static void shadow_associate(struct page *page, pfn_t pfn, unsigned int order,
			     struct address_space *mapping, pgoff_t index, bool shared)
{
	struct share_buf *bp;
	int err;

	/*
	 * The master link and the owner fields change here; nothing serialises
	 * two files' faults of one block (the proposal's master buffer lock is
	 * not modelled: docs/concurrency.md).
	 */
	folio_access(pfn, "private", true, "dax_associate_entry");
	bp = page->private;
	page->order = (uint8_t)order;
	/*
	 * IOMAP_F_SHARED is also set for the fresh block of a CoW (the
	 * source was shared): only a block the refcount tree calls shared
	 * gets a master.
	 */
	shared = shared && share_block_is_shared(pfn);
	if (!bp && !shared) {
		if (page->mapping)
			share_warn("P-shadow",
				   "dax_associate_entry: pfn 0x%llx: WARN_ON_ONCE(page->mapping) (owner ino %llu, new ino %llu index %llu)",
				   (unsigned long long)pfn, (unsigned long long)page->mapping->id,
				   (unsigned long long)mapping->id, (unsigned long long)index);
		page->mapping = mapping;
		page->index = index;
		return;
	}
	if (!bp) {
		/* find or insert the master by LBA */
		err = sim->sb->s_share_ops->buf_get(sim->sb, SHARE_FSB_TO_DADDR(pfn - PMEM_PFN_BASE),
				  (uint32_t)((PAGE_SIZE << order) >> 9), &bp);
		if (err) {
			share_warn("P-shadow",
				   "xfs_buf_get: pfn 0x%llx order %u: an overlapping master of another size is cached (-EFSCORRUPTED); ino %llu index %llu mapped without a shadow",
				   (unsigned long long)pfn, order, (unsigned long long)mapping->id,
				   (unsigned long long)index);
			return;
		}
		bp->b_private = g_new0(struct shadow_master, 1);
		master_of(bp)->shadows = g_tree_new_full(slot_cmp, NULL, g_free, g_free);
		page->private = bp;
		sh.masters++;
		if (page->mapping) {
			/* the owner from before the block was shared becomes a shadow */
			shadow_add(bp, page->mapping, page->index, order);
			page->mapping = NULL;
			page->index = 0;
		}
	}
	if (bp->b_length != (PAGE_SIZE << order) >> 9) {
		/* kernel-notes H3: one block, masters of two sizes */
		share_warn("P-shadow",
			   "dax_associate_entry: pfn 0x%llx: an order-%u entry of ino %llu index %llu needs a %u-sector master but the buffer cache holds %u sectors at daddr %lld (-EFSCORRUPTED); mapped without a shadow",
			   (unsigned long long)pfn, order, (unsigned long long)mapping->id,
			   (unsigned long long)index, (unsigned)((PAGE_SIZE << order) >> 9),
			   bp->b_length, (long long)bp->b_daddr);
		return;
	}
	if (shadow_lookup(mapping, index)) {
		share_warn("P-shadow", "associate: ino %llu index %llu already has a shadow",
			   (unsigned long long)mapping->id, (unsigned long long)index);
		return;
	}
	shadow_add(bp, mapping, index, order);
}

static void shadow_disassociate(struct page *page, pfn_t pfn, unsigned int order,
				struct address_space *mapping, pgoff_t index, bool trunc)
{
	struct share_buf *bp;
	struct shadow_page *s;

	folio_access(pfn, "private", true, "dax_disassociate_entry");
	bp = page->private;
	if (!bp) {
		if (page->mapping == mapping && page->index == index) {
			page->mapping = NULL;
			page->index = 0;
			page->order = 0;
		}
		return;
	}
	s = shadow_lookup(mapping, index);
	if (INJECT(SHADOW_REUSE) && !trunc)
		return;		/* the bug: an entry replaced (CoW) leaves its shadow on the master */
	if (!s && bp->b_length != (PAGE_SIZE << order) >> 9)
		return;		/* associate refused it (H3, reported then) */
	if (!s || s->master != bp) {
		share_warn("P-shadow", "disassociate: pfn 0x%llx: ino %llu index %llu has no shadow on its master",
			   (unsigned long long)pfn, (unsigned long long)mapping->id,
			   (unsigned long long)index);
		return;
	}
	shadow_remove(s);
	if (!master_of(bp)->nr_shadows)
		master_free(page, bp);
	else if (master_of(bp)->nr_shadows == 1 && !share_block_is_shared(pfn))
		shadow_promote(page, bp);
}

/* A CoW tosses the shadow: disassociate of the old entry follows. */
static void shadow_cow(pfn_t old_pfn, struct address_space *mapping, pgoff_t index)
{
	trace("ino %llu index %llu: shadow of pfn 0x%llx tossed by CoW",
	      (unsigned long long)mapping->id, (unsigned long long)index,
	      (unsigned long long)old_pfn);
}

/* A write through an unshared iomap: a lingering shadow is promoted first. */
static void shadow_mkwrite(struct page *page, pfn_t pfn, struct address_space *mapping,
			   pgoff_t index)
{
	struct share_buf *bp = page->private;
	struct shadow_page *s = shadow_lookup(mapping, index);

	if (!bp || !s)
		return;
	if (master_of(bp)->nr_shadows != 1)
		share_warn("P-shadow",
			   "mkwrite: pfn 0x%llx: unshared write fault but the master has %llu shadows",
			   (unsigned long long)pfn, (unsigned long long)master_of(bp)->nr_shadows);
	else
		shadow_promote(page, bp);
}

/* The refcount of [pfn, pfn + nr) dropped: promote masters no longer shared. */
struct unshare_args {
	GPtrArray *bufs;
};

static bool collect_master(struct share_buf *bp, void *arg)
{
	if (bp->b_private)
		g_ptr_array_add(((struct unshare_args *)arg)->bufs, bp);
	return true;
}

static void shadow_unshared(pfn_t pfn, uint64_t nr)
{
	struct unshare_args a;

	/* called after every refcount decrease (each CoW): no masters, no work */
	if (!sim->sb || !sh.masters)
		return;
	a.bufs = g_ptr_array_new();
	sim->sb->s_share_ops->buf_walk_range(sim->sb, SHARE_FSB_TO_DADDR(pfn - PMEM_PFN_BASE),
					     (uint64_t)SHARE_FSB_TO_DADDR(nr), collect_master, &a);
	for (guint i = 0; i < a.bufs->len; i++) {
		struct share_buf *bp = g_ptr_array_index(a.bufs, i);

		if (master_of(bp)->nr_shadows == 1 && !share_block_is_shared(bp->b_pfn))
			shadow_promote(pfn_to_page(&sim->memmap, bp->b_pfn), bp);
	}
	g_ptr_array_free(a.bufs, TRUE);
}

static gboolean list_owner(gpointer k, gpointer v, gpointer data)
{
	struct shadow_page *s = v;
	struct { struct share_owner *o; int max, nr; } *a = data;

	if (a->nr < a->max) {
		a->o[a->nr].mapping = s->mapping;
		a->o[a->nr].index = s->index;
	}
	a->nr++;
	return FALSE;
}

static int shadow_lookup_owners(pfn_t pfn, struct share_owner *owners, int max)
{
	struct page *page = pfn_to_page_noalloc(&sim->memmap, pfn);
	struct { struct share_owner *o; int max, nr; } a = { owners, max, 0 };

	if (!page)
		return 0;
	if (page->private) {
		g_tree_foreach(master_of(page->private)->shadows, list_owner, &a);
		return a.nr;
	}
	return share_page_owner(page, owners, max);
}

/* P-shadow ------------------------------------------------------------ */
struct check_ctx {
	share_report_fn	report;
	void		*arg;
	GTree		*refs;
	int		nr;
};

static void preport(struct check_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void preport(struct check_ctx *c, const char *fmt, ...)
{
	char msg[240];
	va_list ap;

	if (c->nr++ >= 4)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->report("P-shadow", msg, c->arg);
}

static bool pte_writable_at(struct address_space *mapping, pgoff_t index)
{
	GTreeNode *n = g_tree_node_first(mapping->i_mmap);

	for (; n; n = g_tree_node_next(n)) {
		struct vm_area_struct *vma = g_tree_node_value(n);
		uint64_t start = vma->vm_pgoff, end = start + ((vma->vm_end - vma->vm_start) >> PAGE_SHIFT);
		uint64_t va, *pte, *pmd;

		if (index < start || index >= end)
			continue;
		va = vma->vm_start + ((index - start) << PAGE_SHIFT);
		pmd = pmd_lookup(vma->vm_mm, va, false);
		if (pmd && (*pmd & _PAGE_PSE) && (*pmd & _PAGE_PRESENT)) {
			if (*pmd & _PAGE_RW)
				return true;
			continue;
		}
		pte = pte_lookup(vma->vm_mm, va, false);
		if (pte && (*pte & _PAGE_PRESENT) && (*pte & _PAGE_RW) && !(*pte & _PAGE_ANON))
			return true;
	}
	return false;
}

static gboolean check_shadow(gpointer k, gpointer v, gpointer data)
{
	struct check_ctx *c = data;
	struct shadow_page *s = v;
	const struct share_fs_ops *fs = sim->sb->s_share_ops;
	struct dax_slot *slot;
	pgoff_t base;
	uint64_t want = SHARE_DADDR_TO_FSB(s->master->b_daddr), bno;

	if (fs->buf_incore(sim->sb, s->master->b_daddr, s->master->b_length) != s->master)
		preport(c, "shadow ino %llu index %llu: its master (daddr %lld) is not in the buffer cache",
			(unsigned long long)s->mapping->id, (unsigned long long)s->index,
			(long long)s->master->b_daddr);
	if (!s->mapping->a_ops->bmap(s->mapping, s->index, &bno) || bno != want)
		preport(c, "shadow ino %llu index %llu: the file no longer maps block %llu (its master)",
			(unsigned long long)s->mapping->id, (unsigned long long)s->index,
			(unsigned long long)want);
	slot = dax_lookup_slot(s->mapping, s->index, &base);
	if (!slot || !dax_is_real_entry(slot->entry) || dax_to_pfn(slot->entry) != s->master->b_pfn)
		preport(c, "shadow ino %llu index %llu: no DAX entry for the master pfn 0x%llx (orphan shadow)",
			(unsigned long long)s->mapping->id, (unsigned long long)s->index,
			(unsigned long long)s->master->b_pfn);
	for (pgoff_t i = 0; i < (1UL << s->order); i++)
		if (pte_writable_at(s->mapping, s->index + i)) {
			preport(c, "shadow ino %llu index %llu is mapped writable",
				(unsigned long long)s->mapping->id, (unsigned long long)(s->index + i));
			break;
		}
	return FALSE;
}

static bool check_master(struct share_buf *bp, void *arg)
{
	struct check_ctx *c = arg;
	struct shadow_master *m = bp->b_private;
	struct page *page;

	if (!m)
		return true;
	page = pfn_to_page(&sim->memmap, bp->b_pfn);
	if (page->private != bp)
		preport(c, "master daddr %lld: its page (pfn 0x%llx) does not point at it",
			(long long)bp->b_daddr, (unsigned long long)bp->b_pfn);
	if (m->nr_shadows != (uint64_t)g_tree_nnodes(m->shadows))
		preport(c, "master daddr %lld: shadow count %llu but %d shadows",
			(long long)bp->b_daddr, (unsigned long long)m->nr_shadows,
			g_tree_nnodes(m->shadows));
	if (!m->nr_shadows)
		preport(c, "master daddr %lld has no shadows (orphan master)", (long long)bp->b_daddr);
	return true;
}

/* Every entry of a master's pfn has a shadow on that master. */
static gboolean check_entries(gpointer key, gpointer value, gpointer data)
{
	struct check_ctx *c = data;
	pfn_t pfn = *(pfn_t *)key;
	GArray *owners = value;
	struct page *page = pfn_to_page(&sim->memmap, pfn);

	if (!page->private) {
		if (owners->len > 1)
			preport(c, "pfn 0x%llx: %u entries reference it but it has no master",
				(unsigned long long)pfn, owners->len);
		return FALSE;
	}
	for (guint i = 0; i < owners->len; i++) {
		struct share_owner *o = &g_array_index(owners, struct share_owner, i);
		struct shadow_page *s = shadow_lookup(o->mapping, o->index);
		struct share_buf *bp = page->private;
		pgoff_t base;
		struct dax_slot *slot = dax_lookup_slot(o->mapping, o->index, &base);

		/* an entry of the other size was refused at associate (H3), reported then */
		if (!s && slot && bp->b_length != (PAGE_SIZE << dax_entry_order(slot->entry)) >> 9)
			continue;
		if (!s || s->master != page->private)
			preport(c, "pfn 0x%llx: the entry of ino %llu index %llu has no shadow on the master",
				(unsigned long long)pfn, (unsigned long long)o->mapping->id,
				(unsigned long long)o->index);
	}
	return FALSE;
}

static void shadow_check(share_report_fn report, void *arg)
{
	struct check_ctx c = { report, arg, NULL, 0 };

	if (!sim->sb)
		return;
	g_tree_foreach(shadow_slots, check_shadow, &c);
	sim->sb->s_share_ops->buf_walk_range(sim->sb, 0, INT64_MAX, check_master, &c);
	c.refs = share_collect_entries();
	g_tree_foreach(c.refs, check_entries, &c);
	g_tree_destroy(c.refs);
}

/* ~48 bytes of tree node per slot as GTree allocates them */
#define TREE_NODE_BYTES	48

static void shadow_stats(struct share_stats *st)
{
	*st = sh;
	st->shared_pages = sh.masters;
	st->bytes = sh.masters * ((sim->sb ? sim->sb->s_share_ops->buf_bytes : 0) +
				  sizeof(struct shadow_master) + TREE_NODE_BYTES) +
		    sh.shadows * (sizeof(struct shadow_page) + 2 * (sizeof(struct slot_key) + TREE_NODE_BYTES));
}

extern const struct filemap_share_ops shadow_pagecache_ops;

const struct dax_share_ops share_shadow_ops = {
	.name = "shadow",
	.origin = "Dave Chinner, linux-xfs, Oct 2019: master page in the buffer cache by LBA, a read-only shadow per (mapping, index)",
	.mf_path = MF_PATH_DESIGN,
	.init = shadow_init,
	.destroy = shadow_destroy,
	.associate = shadow_associate,
	.disassociate = shadow_disassociate,
	.cow = shadow_cow,
	.mkwrite = shadow_mkwrite,
	.unshared = shadow_unshared,
	.lookup_owners = shadow_lookup_owners,
	.check = shadow_check,
	.stats = shadow_stats,
	.pagecache = &shadow_pagecache_ops,	/* share_shadow_pagecache.c */
	.pagecache_note = "one read-only master folio per shared block in the buffer cache, a shadow per file page",
};
