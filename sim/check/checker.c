// SPDX-License-Identifier: MIT
/*
 * The invariant checker (design.md): after every command the mappings of
 * the inodes the command touched are checked (M1, M2, M3, M5, M6), plus M4;
 * a full sweep adds every inode, the filesystem invariants F1-F3 and the
 * sharing design's P-* invariants.  D1 is checked on every read, inline.
 */
#include <string.h>

#include <stdarg.h>

#include "checker.h"
#include "dev_dax.h"
#include "lock.h"
#include "lockdep.h"
#include "memmap.h"
#include "pagemap.h"
#include "scheduler.h"
#include "share.h"
#include "sim.h"
#include "trace.h"
#include "xfs_mount.h"

GPtrArray *checker_pending;
static GPtrArray *pending_msgs;	/* beside checker_pending: each one's message */
/*
 * "ID\tmessage" of every violation an `expect violation` claimed -> the
 * claiming line: the same violation found again later in the same words
 * (a broken state that lasts, to the end of the scenario) is reported, but
 * it is not an error.  A report in other words is a new violation, even of
 * the same invariant on the same page.
 */
static GHashTable *claimed;	/* lookups only */
static int nviol, nunclaimed;
static const struct check_where *cur;
static FILE *sink_out;
static void (*sink_note)(const char *id);

void checker_set_sink(FILE *out, void (*note_violation)(const char *id))
{
	sink_out = out;
	sink_note = note_violation;
	if (claimed)
		g_hash_table_remove_all(claimed);	/* a new run */
}

/* "ID\tmessage": a claimed violation is the same one when found again in the same words. */
static gchar *claim_key(const char *id, const char *msg)
{
	return g_strdup_printf("%s\t%s", id, msg);
}

void checker_claim_pending(guint i, int line)
{
	if (!pending_msgs || i >= pending_msgs->len || i >= checker_pending->len)
		return;
	if (!claimed)
		claimed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_hash_table_insert(claimed, claim_key(checker_pending->pdata[i], pending_msgs->pdata[i]),
			    GINT_TO_POINTER(line));
}

/* Both pending lists emptied (a new check, or an `expect violation` took them). */
void checker_pending_clear(void)
{
	if (!checker_pending)
		checker_pending = g_ptr_array_new_with_free_func(g_free);
	if (!pending_msgs)
		pending_msgs = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_set_size(checker_pending, 0);
	g_ptr_array_set_size(pending_msgs, 0);
}

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(sink_out ? sink_out : stdout, fmt, ap);
	va_end(ap);
}

/* The IDs reported by this check so far: the trace tail goes with the first of each. */
static bool first_of_id(const char *id)
{
	for (guint i = 0; i < checker_pending->len; i++)
		if (!strcmp(g_ptr_array_index(checker_pending, i), id))
			return false;
	return true;
}

/*
 * One line per violation (at most 8 a check); the first of each invariant
 * in a check is followed by the recent trace events about the objects its
 * message names (all of them when it names none).
 */
static void violation(const char *id, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void violation(const char *id, const char *fmt, ...)
{
	va_list ap;
	gchar *msg, *key;
	gpointer by = NULL;

	if (sink_note)
		sink_note(id);
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	key = claim_key(id, msg);
	if (!claimed || !g_hash_table_lookup_extended(claimed, key, NULL, &by))
		nunclaimed++;
	g_free(key);
	if (nviol++ >= 8) {	/* not printed, but an `expect violation` claims it too */
		g_ptr_array_add(checker_pending, g_strdup(id));
		g_ptr_array_add(pending_msgs, msg);
		return;
	}
	if (cur && cur->file)
		out("INVARIANT %s violated at %s:%d (%s): ", id, cur->file, cur->line, cur->cmd);
	else
		out("INVARIANT %s violated at end of scenario: ", id);
	if (by)
		out("%s (claimed at line %d: not an error)\n", msg, GPOINTER_TO_INT(by));
	else
		out("%s\n", msg);
	if (first_of_id(id))
		trace_dump_ring_about(sink_out ? sink_out : stdout, "  | ", msg);
	g_ptr_array_add(checker_pending, g_strdup(id));
	g_ptr_array_add(pending_msgs, msg);
}

static void design_report(const char *id, const char *msg, void *arg)
{
	violation(id, "%s", msg);
}

/* H1 reports taken when memory failures ended since the last check ("ID\tmsg"). */
static GHashTable *h1_snapshot;		/* lookups only */
static bool h1_snapped;

static void snapshot_report(const char *id, const char *msg, void *arg)
{
	g_hash_table_add(h1_snapshot, g_strdup_printf("%s\t%s", id, msg));
}

void checker_h1_now(void)
{
	if (!h1_snapshot)
		h1_snapshot = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	h1_snapped = true;
	check_h1(snapshot_report, NULL, false);
}

/* At quiescence: H1's report, unless a snapshot was taken and did not see it too. */
static void h1_report(const char *id, const char *msg, void *arg)
{
	if (h1_snapped) {
		char *key = g_strdup_printf("%s\t%s", id, msg);
		bool seen = g_hash_table_contains(h1_snapshot, key);

		g_free(key);
		if (!seen)
			return;
	}
	violation(id, "%s", msg);
}

/* M1/M2/M3/M5/M6 over one vma's page tables. */
struct vma_check {
	struct xfs_inode *ip;
	struct vm_area_struct *vma;
};

/*
 * A page-cache page in a page table (M1, M2 for the page cache): the PTE
 * maps the page the file's slot at that index resolves to (its own folio,
 * a shared folio, or a shadow's master), uptodate; only the file's own
 * folio may be writable, and a writable one is dirty (page_mkwrite ran),
 * so writeback cannot miss a store.
 */
static void check_pagecache_leaf(struct xfs_inode *ip, pgoff_t index, pfn_t pfn,
				 uint64_t entry, bool is_pmd)
{
	struct folio *slot = filemap_get_entry(VFS_I(ip)->i_mapping, index);
	struct folio *folio;

	if (is_pmd)
		violation("M5", "ino %llu index %llu: a page-cache page is mapped by a PMD",
			  (unsigned long long)ip->i_ino, (unsigned long long)index);
	if (!slot || folio_resolve(slot)->pfn != pfn) {
		violation("M1", "ino %llu index %llu: the page table maps folio 0x%llx but the page cache %s",
			  (unsigned long long)ip->i_ino, (unsigned long long)index,
			  (unsigned long long)pfn, slot ? "holds another page" : "has no page there");
		return;
	}
	folio = folio_resolve(slot);
	if (!(folio->flags & PG_FOLIO_UPTODATE))
		violation("M1", "ino %llu index %llu: folio 0x%llx is mapped but not uptodate",
			  (unsigned long long)ip->i_ino, (unsigned long long)index,
			  (unsigned long long)pfn);
	if ((entry & _PAGE_RW) && folio_slot_shared(slot))
		violation("M2", "ino %llu index %llu: writable PTE maps shared folio 0x%llx",
			  (unsigned long long)ip->i_ino, (unsigned long long)index,
			  (unsigned long long)pfn);
	else if ((entry & _PAGE_RW) && !(folio->flags & PG_FOLIO_DIRTY))
		violation("M2", "ino %llu index %llu: writable PTE maps clean folio 0x%llx (no page_mkwrite)",
			  (unsigned long long)ip->i_ino, (unsigned long long)index,
			  (unsigned long long)pfn);
}

static void check_leaf(uint64_t addr, uint64_t *entry, bool is_pmd, void *arg)
{
	struct vma_check *vc = arg;
	struct xfs_inode *ip = vc->ip;
	struct xfs_mount *mp = ip->i_mount;
	pgoff_t index = linear_page_index(vc->vma, addr);
	uint64_t eof_pages = (VFS_I(ip)->i_size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	pfn_t pfn = PTE_PFN(*entry);
	struct xfs_bmbt_irec irec;
	struct dax_slot *slot;
	pgoff_t base;
	bool mapped;

	if (*entry & _PAGE_ANON)
		return;		/* a private copy, not the file */
	if (index >= eof_pages)
		violation("M6", "ino %llu: %s maps index %llu beyond the EOF page (size %llu)",
			  (unsigned long long)ip->i_ino, is_pmd ? "PMD" : "PTE",
			  (unsigned long long)index, (unsigned long long)VFS_I(ip)->i_size);
	if (is_folio_pfn(pfn)) {
		check_pagecache_leaf(ip, index, pfn, *entry, is_pmd);
		return;
	}
	if (is_pmd && ((addr & ~PMD_MASK) || ((pfn - PMEM_PFN_BASE) & PG_PMD_COLOUR && pfn != ZERO_PFN)))
		violation("M5", "ino %llu: PMD at index %llu is not 2 MiB aligned",
			  (unsigned long long)ip->i_ino, (unsigned long long)index);
	mapped = xfs_iext_lookup_extent(ip->i_df, index, &irec);
	if (pfn == ZERO_PFN) {
		if (mapped && irec.br_state == XFS_EXT_NORM)
			violation("M1", "ino %llu index %llu: the zero page is mapped over written block %llu",
				  (unsigned long long)ip->i_ino, (unsigned long long)index,
				  (unsigned long long)(irec.br_startblock + index - irec.br_startoff));
		if (*entry & _PAGE_RW)
			violation("M2", "ino %llu index %llu: the zero page is mapped writable",
				  (unsigned long long)ip->i_ino, (unsigned long long)index);
	} else {
		uint64_t bno = pfn - PMEM_PFN_BASE;

		if (!mapped || irec.br_state != XFS_EXT_NORM ||
		    irec.br_startblock + (index - irec.br_startoff) != bno)
			violation("M1", "ino %llu index %llu: %s maps block %llu but the file's block is %s%llu",
				  (unsigned long long)ip->i_ino, (unsigned long long)index,
				  is_pmd ? "PMD" : "PTE", (unsigned long long)bno,
				  !mapped ? "a hole " : irec.br_state ? "unwritten " : "",
				  mapped ? (unsigned long long)(irec.br_startblock + index - irec.br_startoff) : 0ULL);
		if ((*entry & _PAGE_RW) && xfs_refcount_lookup(mp->m_refc, bno) > 1)
			violation("M2", "ino %llu index %llu: writable PTE maps block %llu with refcount %u",
				  (unsigned long long)ip->i_ino, (unsigned long long)index,
				  (unsigned long long)bno, xfs_refcount_lookup(mp->m_refc, bno));
		if (!xfs_alloc_is_used(mp->m_alloc, bno, 1))
			violation("M3", "ino %llu index %llu: PTE maps free block %llu",
				  (unsigned long long)ip->i_ino, (unsigned long long)index,
				  (unsigned long long)bno);
	}
	slot = dax_lookup_slot(VFS_I(ip)->i_mapping, index, &base);
	if (!slot || (pfn == ZERO_PFN ? !dax_is_zero_entry(slot->entry) :
		      !dax_is_real_entry(slot->entry) ||
		      dax_to_pfn(slot->entry) + (dax_is_pmd_entry(slot->entry) && !is_pmd ? index - base : 0) != pfn))
		violation("M1", "ino %llu index %llu: the page table maps pfn 0x%llx but the mapping's entry %s",
			  (unsigned long long)ip->i_ino, (unsigned long long)index,
			  (unsigned long long)pfn, slot ? "references another page" : "is missing");
}

static gboolean check_vma(gpointer k, gpointer v, gpointer d)
{
	struct vma_check vc = { d, v };

	pgtable_walk(vc.vma->vm_mm, vc.vma->vm_start, vc.vma->vm_end, check_leaf, &vc);
	return FALSE;
}

static bool check_entry(struct address_space *mapping, pgoff_t index, struct dax_slot *slot,
			void *arg)
{
	struct xfs_inode *ip = XFS_I(mapping->host);

	if (dax_is_locked(slot->entry))
		violation("M4", "ino %llu index %llu: DAX entry still locked between commands",
			  (unsigned long long)ip->i_ino, (unsigned long long)index);
	if (dax_is_pmd_entry(slot->entry) && (index & PG_PMD_COLOUR))
		violation("M5", "ino %llu: PMD entry at unaligned index %llu",
			  (unsigned long long)ip->i_ino, (unsigned long long)index);
	if (dax_is_real_entry(slot->entry)) {
		uint64_t bno = dax_to_pfn(slot->entry) - PMEM_PFN_BASE;

		if (!xfs_alloc_is_used(ip->i_mount->m_alloc, bno, 1U << dax_entry_order(slot->entry)))
			violation("M3", "ino %llu index %llu: DAX entry references free block %llu",
				  (unsigned long long)ip->i_ino, (unsigned long long)index,
				  (unsigned long long)bno);
	}
	return true;
}

/*
 * A page-cache slot between commands (M4: no folio lock held; M6: nothing
 * cached beyond the EOF page; a shared slot's page is never dirty).
 */
static bool check_folio(struct address_space *mapping, pgoff_t index, struct folio *slot,
			void *arg)
{
	struct xfs_inode *ip = XFS_I(mapping->host);
	uint64_t eof_pages = (VFS_I(ip)->i_size + PAGE_SIZE - 1) >> PAGE_SHIFT;

	if ((slot->flags | folio_resolve(slot)->flags) & PG_FOLIO_LOCKED)
		violation("M4", "ino %llu index %llu: folio still locked between commands",
			  (unsigned long long)ip->i_ino, (unsigned long long)index);
	if (index >= eof_pages)
		violation("M6", "ino %llu: the page cache holds index %llu beyond the EOF page (size %llu)",
			  (unsigned long long)ip->i_ino, (unsigned long long)index,
			  (unsigned long long)VFS_I(ip)->i_size);
	if (folio_slot_shared(slot) && (folio_resolve(slot)->flags & PG_FOLIO_DIRTY))
		violation("M2", "ino %llu index %llu: shared folio 0x%llx is dirty",
			  (unsigned long long)ip->i_ino, (unsigned long long)index,
			  (unsigned long long)folio_resolve(slot)->pfn);
	return true;
}

static void check_inode(struct xfs_inode *ip)
{
	g_tree_foreach(VFS_I(ip)->i_mapping->i_mmap, check_vma, ip);
	dax_walk_entries(VFS_I(ip)->i_mapping, 0, XFS_MAX_FILEOFF, check_entry, NULL);
	filemap_walk(VFS_I(ip)->i_mapping, 0, XFS_MAX_FILEOFF, check_folio, NULL);
}

static gboolean check_touched(gpointer k, gpointer v, gpointer d)
{
	struct xfs_inode *ip = g_tree_lookup(XFS_M(sim->sb)->m_inodes, k);

	if (ip)
		check_inode(ip);
	return FALSE;
}

static bool check_inode_cb(struct xfs_inode *ip, void *arg)
{
	check_inode(ip);
	return true;
}

/* F1/F3: sweep every data/CoW fork reference against refcount and free space. */
struct fsweep {
	GArray *ev;	/* (block, +1/-1) */
	uint64_t delalloc;	/* blocks of delayed allocations (no block yet) */
};

struct bev { uint64_t b; int d; };

static bool add_fork_ext(const struct xfs_bmbt_irec *irec, void *arg)
{
	struct fsweep *fs = arg;
	struct bev s = { irec->br_startblock, 1 }, e = { irec->br_startblock + irec->br_blockcount, -1 };

	if (xfs_bmap_is_delalloc(irec)) {	/* a reservation, counted below */
		fs->delalloc += irec->br_blockcount;
		return true;
	}
	g_array_append_val(fs->ev, s);
	g_array_append_val(fs->ev, e);
	return true;
}

static bool add_inode_forks(struct xfs_inode *ip, void *arg)
{
	struct fsweep *fs = arg;

	xfs_iext_walk(ip->i_df, 0, XFS_MAX_FILEOFF, add_fork_ext, fs);
	xfs_iext_walk(ip->i_cowfp, 0, XFS_MAX_FILEOFF, add_fork_ext, arg);
	return true;
}

static bool add_meta(const struct xfs_rmap_irec *r, void *arg)
{
	if (XFS_RMAP_NON_INODE_OWNER(r->rm_owner) && r->rm_owner != XFS_RMAP_OWN_COW) {
		struct xfs_bmbt_irec irec = { 0, r->rm_startblock, r->rm_blockcount, 0 };

		add_fork_ext(&irec, arg);
	}
	return true;
}

static gint bev_cmp(gconstpointer a, gconstpointer b)
{
	const struct bev *x = a, *y = b;

	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return x->d - y->d;
}

static void check_fs(struct xfs_mount *mp)
{
	struct fsweep fs = { g_array_new(FALSE, FALSE, sizeof(struct bev)), 0 };
	uint64_t used = 0, prev = 0;
	int depth = 0, reported = 0;

	xfs_inode_walk(mp, add_inode_forks, &fs);
	xfs_rmap_walk(mp->m_rmap, add_meta, &fs);
	g_array_sort(fs.ev, bev_cmp);
	for (guint i = 0; i <= fs.ev->len && reported < 4; i++) {
		uint64_t b = i < fs.ev->len ? g_array_index(fs.ev, struct bev, i).b : mp->m_dblocks;

		if (b > prev) {
			/* [prev, b) is referenced `depth` times */
			if (depth == 0 && !xfs_alloc_is_free(mp->m_alloc, prev, b - prev)) {
				violation("F3", "blocks [%llu, %llu) are allocated but nothing references them",
					  (unsigned long long)prev, (unsigned long long)b);
				reported++;
			} else if (depth > 0 && !xfs_alloc_is_used(mp->m_alloc, prev, b - prev)) {
				violation("F3", "blocks [%llu, %llu) are referenced but free", (unsigned long long)prev,
					  (unsigned long long)b);
				reported++;
			}
			if (depth > 0) {
				used += b - prev;
				for (uint64_t x = prev; x < b && reported < 4; x++) {
					uint32_t rc = xfs_refcount_lookup(mp->m_refc, x);

					if (rc != (uint32_t)depth && !(depth == 1 && rc == 1)) {
						violation("F1", "block %llu: refcount %u but %d references",
							  (unsigned long long)x, rc, depth);
						reported++;
					}
					/* every record is in the refcount tree at the right count */
					if (depth > 1 && rc != (uint32_t)depth)
						break;
				}
			}
		}
		if (i < fs.ev->len)
			depth += g_array_index(fs.ev, struct bev, i).d;
		prev = b;
	}
	if (!reported && used + xfs_alloc_freeblks(mp->m_alloc) != mp->m_dblocks)
		violation("F3", "free %llu + used %llu != total %llu",
			  (unsigned long long)xfs_alloc_freeblks(mp->m_alloc), (unsigned long long)used,
			  (unsigned long long)mp->m_dblocks);
	/* the free blocks set aside are exactly the delayed allocations' */
	if (fs.delalloc != xfs_alloc_resblks(mp->m_alloc) || fs.delalloc > xfs_alloc_freeblks(mp->m_alloc))
		violation("F3", "delalloc extents hold %llu blocks but %llu are reserved (%llu free)",
			  (unsigned long long)fs.delalloc,
			  (unsigned long long)xfs_alloc_resblks(mp->m_alloc),
			  (unsigned long long)xfs_alloc_freeblks(mp->m_alloc));
	g_array_free(fs.ev, TRUE);
}

/*
 * F2: the rmap btree equals the union of every fork's mappings (data fork:
 * owner = inode, at the file offset; CoW fork: XFS_RMAP_OWN_COW) plus the
 * metadata owners.  Both sides are put in canonical form -- sorted, and
 * records contiguous both physically and logically merged -- because the
 * rmap merges where an extent list may not, and the other way round.
 */
static unsigned int rmap_flags_of(const struct xfs_bmbt_irec *irec)
{
	return irec->br_state == XFS_EXT_UNWRITTEN ? XFS_RMAP_UNWRITTEN : 0;
}

struct rmap_expect {
	GArray		*recs;	/* struct xfs_rmap_irec */
	uint64_t	owner;
};

static bool expect_fork_ext(const struct xfs_bmbt_irec *irec, void *arg)
{
	struct rmap_expect *re = arg;
	struct xfs_rmap_irec r = {
		irec->br_startblock, irec->br_blockcount, re->owner,
		XFS_RMAP_NON_INODE_OWNER(re->owner) ? 0 : irec->br_startoff, rmap_flags_of(irec),
	};

	if (xfs_bmap_is_delalloc(irec))	/* no block: no rmap record */
		return true;
	g_array_append_val(re->recs, r);
	return true;
}

static bool expect_inode_forks(struct xfs_inode *ip, void *arg)
{
	struct rmap_expect *re = arg;

	re->owner = ip->i_ino;
	xfs_iext_walk(ip->i_df, 0, XFS_MAX_FILEOFF, expect_fork_ext, re);
	re->owner = XFS_RMAP_OWN_COW;
	xfs_iext_walk(ip->i_cowfp, 0, XFS_MAX_FILEOFF, expect_fork_ext, re);
	return true;
}

static bool collect_rmap(const struct xfs_rmap_irec *r, void *arg)
{
	struct rmap_expect *re = arg;

	/* metadata owners are not derived from forks: carry them across */
	if (re->owner == XFS_RMAP_OWN_NULL && XFS_RMAP_NON_INODE_OWNER(r->rm_owner) &&
	    r->rm_owner != XFS_RMAP_OWN_COW)
		g_array_append_val(re->recs, *r);
	else if (re->owner != XFS_RMAP_OWN_NULL)
		g_array_append_val(re->recs, *r);
	return true;
}

static gint rmap_rec_cmp(gconstpointer a, gconstpointer b)
{
	const struct xfs_rmap_irec *x = a, *y = b;

	if (x->rm_owner != y->rm_owner)
		return x->rm_owner < y->rm_owner ? -1 : 1;
	if (x->rm_startblock != y->rm_startblock)
		return x->rm_startblock < y->rm_startblock ? -1 : 1;
	if (x->rm_offset != y->rm_offset)
		return x->rm_offset < y->rm_offset ? -1 : 1;
	return (int)x->rm_flags - (int)y->rm_flags;
}

static void rmap_canonical(GArray *recs)
{
	guint out = 0;

	g_array_sort(recs, rmap_rec_cmp);
	for (guint i = 0; i < recs->len; i++) {
		struct xfs_rmap_irec *r = &g_array_index(recs, struct xfs_rmap_irec, i);
		struct xfs_rmap_irec *p = out ? &g_array_index(recs, struct xfs_rmap_irec, out - 1) : NULL;

		if (p && p->rm_owner == r->rm_owner && p->rm_flags == r->rm_flags &&
		    p->rm_startblock + p->rm_blockcount == r->rm_startblock &&
		    (XFS_RMAP_NON_INODE_OWNER(r->rm_owner) ||
		     p->rm_offset + p->rm_blockcount == r->rm_offset)) {
			p->rm_blockcount += r->rm_blockcount;
			continue;
		}
		g_array_index(recs, struct xfs_rmap_irec, out++) = *r;
	}
	g_array_set_size(recs, out);
}

static const char *rmap_owner_str(uint64_t owner, char *buf, size_t n)
{
	static const char *const names[] = {
		[2] = "unknown", [3] = "fs", [4] = "log", [5] = "ag", [6] = "inobt",
		[7] = "inodes", [8] = "refc", [9] = "cow",
	};
	uint64_t k = -owner;

	if (XFS_RMAP_NON_INODE_OWNER(owner) && k < G_N_ELEMENTS(names) && names[k])
		snprintf(buf, n, "OWN_%s", names[k]);
	else
		snprintf(buf, n, "ino %llu", (unsigned long long)owner);
	return buf;
}

static void rmap_rec_str(char *buf, size_t n, const struct xfs_rmap_irec *r)
{
	char o[32];

	if (!r) {
		snprintf(buf, n, "nothing");
		return;
	}
	snprintf(buf, n, "%s offset %llu blocks [%llu, +%llu)%s",
		 rmap_owner_str(r->rm_owner, o, sizeof(o)), (unsigned long long)r->rm_offset,
		 (unsigned long long)r->rm_startblock, (unsigned long long)r->rm_blockcount,
		 r->rm_flags & XFS_RMAP_UNWRITTEN ? " unwritten" : "");
}

static void check_rmap(struct xfs_mount *mp)
{
	struct rmap_expect want = { g_array_new(FALSE, FALSE, sizeof(struct xfs_rmap_irec)), 0 };
	struct rmap_expect have = { g_array_new(FALSE, FALSE, sizeof(struct xfs_rmap_irec)), 0 };

	xfs_inode_walk(mp, expect_inode_forks, &want);
	want.owner = XFS_RMAP_OWN_NULL;
	xfs_rmap_walk(mp->m_rmap, collect_rmap, &want);
	have.owner = XFS_RMAP_OWN_UNKNOWN;
	xfs_rmap_walk(mp->m_rmap, collect_rmap, &have);
	rmap_canonical(want.recs);
	rmap_canonical(have.recs);
	/* merge-walk the two sorted lists; report the first difference */
	for (guint i = 0, j = 0; i < want.recs->len || j < have.recs->len;) {
		const struct xfs_rmap_irec *w = i < want.recs->len ?
			&g_array_index(want.recs, struct xfs_rmap_irec, i) : NULL;
		const struct xfs_rmap_irec *h = j < have.recs->len ?
			&g_array_index(have.recs, struct xfs_rmap_irec, j) : NULL;
		char ws[128], hs[128];
		int cmp = !w ? 1 : !h ? -1 : rmap_rec_cmp(w, h);

		if (!cmp && w->rm_blockcount == h->rm_blockcount) {
			i++, j++;
			continue;
		}
		rmap_rec_str(ws, sizeof(ws), w);
		rmap_rec_str(hs, sizeof(hs), h);
		if (!cmp)
			violation("F2", "the forks map %s but the rmap btree records %s", ws, hs);
		else if (cmp < 0)
			violation("F2", "the forks map %s but the rmap btree has no such record", ws);
		else
			violation("F2", "the rmap btree records %s but no fork maps it", hs);
		break;
	}
	g_array_free(want.recs, TRUE);
	g_array_free(have.recs, TRUE);
}

/* A lock validator report: printed like an invariant violation, then the splat. */
static void lock_report(const struct lockdep_report *r, void *arg)
{
	if (r->known) {
		if (cur && cur->file)
			out("LOCKDEP known issue %s at %s:%d (%s): %s\n", r->id, cur->file,
			    cur->line, cur->cmd, r->summary);
		else
			out("LOCKDEP known issue %s at end of scenario: %s\n", r->id, r->summary);
		out("%s", r->block);
		return;
	}
	if (nviol >= 8) {
		violation(r->id, "%s", r->summary);
		return;
	}
	violation(r->id, "%s", r->summary);
	out("%s", r->block);
}

/* R-race: printed like an invariant violation, then both accesses. */
static void race_report(const char *summary, const char *block, void *arg)
{
	bool full = nviol < 8;

	violation("R-race", "%s", summary);
	if (full)
		out("%s", block);
}

int checker_drain_locks(void)
{
	int n;

	nviol = 0;
	if (!checker_pending)
		checker_pending = g_ptr_array_new_with_free_func(g_free);
	if (!pending_msgs)
		pending_msgs = g_ptr_array_new_with_free_func(g_free);
	n = lockdep_drain(lock_report, NULL);
	return n;
}

int checker_run(bool full, const struct check_where *where, GTree *touched)
{
	nviol = nunclaimed = 0;
	cur = where;
	checker_pending_clear();
	if (lock_total_held())
		violation("M4", "%d locks still held between commands", lock_total_held());
	lockdep_drain(lock_report, NULL);
	sched_drain_races(race_report, NULL);
	share_drain_warnings(design_report, NULL);
	check_h1(h1_report, NULL, true);
	if (h1_snapped) {
		g_hash_table_remove_all(h1_snapshot);
		h1_snapped = false;
	}
	if (sim->dev_dax) {
		uint64_t ino = DEV_DAX_INO;

		/* the device's mappings, when a fault changed them (or a full check) */
		if (full || (touched && g_tree_lookup(touched, &ino)))
			check_devdax(design_report, NULL);
	}
	if (full && XFS_M(sim->sb)) {
		xfs_inode_walk(XFS_M(sim->sb), check_inode_cb, NULL);
		check_fs(XFS_M(sim->sb));
		check_rmap(XFS_M(sim->sb));
		share_ops->check(design_report, NULL);
		if (share_ops->pagecache && share_ops->pagecache->check)
			share_ops->pagecache->check(design_report, NULL);
	} else if (touched && XFS_M(sim->sb)) {
		g_tree_foreach(touched, check_touched, NULL);
	}
	cur = NULL;
	return nunclaimed;
}
