// SPDX-License-Identifier: MIT
/*
 * Unit tests for the DAX mapping-entry state machine (sim/kernel/fs/dax_entry.c,
 * dax.h; kernel-notes §3): grab_mapping_entry() with its PMD conflict
 * and downgrade rules, entry replacement and association, the PMD split,
 * delete / invalidate / writeback / clear-dirty, and the entry transitions
 * of the fault path as reached through a filesystem's vm_ops and user loads
 * and stores (hole read -> zero entry -> write; PMD fallback to PTE).
 *
 * The filesystem is stubfs (stub_fs.c), not XFS: files are given explicit
 * block maps, and this file sees only sim/kernel/include, the design
 * registry and harness/unit (the Makefile's INC_stubfs).
 *
 * Pictures show one column per page index of the file:
 *
 *	.	no entry
 *	E	empty entry (placeholder while a fault maps)
 *	Z	zero entry (hole or unwritten extent read)
 *	P Q R S	real PTE entries, by pfn
 *	[H PMD]	a PMD entry of 512 indexes (H real, Z zero, E empty)
 *	*	suffix: the entry is LOCKED
 *	d t	suffix: the DIRTY / TOWRITE marks
 *
 * Page tables, where they matter, are drawn per task as in check_pgtable.c:
 * r read-only PTE, w writable PTE, z zero-page PTE, a anon, {PMD ...} leaf.
 */
#include <check.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dax.h"
#include "lock.h"
#include "memmap.h"
#include "mm.h"
#include "share.h"
#include "sim.h"
#include "unit_check.h"
#include "stub_world.h"
#include "unit_suites.h"

#define SZ_4K		0x1000ULL
#define SZ_2M		0x200000ULL
#define PFN(bno)	(PMEM_PFN_BASE + (pfn_t)(bno))
#define ALL		((pgoff_t)-1)

/* Entry values, as stored (without LOCKED) */
#define E_EMPTY		((unsigned long)DAX_EMPTY)
#define E_PMD_EMPTY	((unsigned long)(DAX_EMPTY | DAX_PMD))
#define E_ZERO		dax_make_entry(ZERO_PFN, DAX_ZERO_PAGE)
#define E_PMD_ZERO	dax_make_entry(ZERO_PFN, DAX_ZERO_PAGE | DAX_PMD)
#define E_PTE(pfn)	dax_make_entry(pfn, 0)
#define E_PMD(pfn)	dax_make_entry(pfn, DAX_PMD)

#define DIRTY		PAGECACHE_TAG_DIRTY
#define TOWRITE		PAGECACHE_TAG_TOWRITE

/* pmem pfns used directly by the entry-level tests */
#define P		PFN(4000)
#define Q		PFN(4001)
#define R		PFN(4002)
#define S		PFN(4003)
#define H		PFN(1024)	/* 2M aligned */

/* The stub_world ---------------------------------------------------------- */

static struct page *pg(pfn_t pfn)
{
	return pfn_to_page(&stub_world.memmap, pfn);
}

static int held(void)
{
	return lock_total_held() - stub_held0;
}

/* Entry snapshots ----------------------------------------------------- */
#define ENTS_MAX	64

struct ent {
	pgoff_t		index;
	unsigned long	entry;
	unsigned int	marks;
};

struct ents {
	struct ent	e[ENTS_MAX];
	int		n;
};

static bool collect_ent(struct address_space *m, pgoff_t index,
			struct dax_slot *slot, void *arg)
{
	struct ents *es = arg;

	ut_assert_int_lt(es->n, ENTS_MAX);
	es->e[es->n++] = (struct ent){ index, slot->entry, slot->marks };
	return true;
}

/*
 * The whole of i_pages equals the expected list, and nrpages counts
 * 1 << order per entry, empty and zero entries included.
 */
#define ut_assert_entries(m, ...)					\
	do {								\
		const struct ent exp_[] = { __VA_ARGS__ };		\
		struct ents es_ = { .n = 0 };				\
		uint64_t nr_ = 0;					\
									\
		dax_walk_entries((m), 0, ALL, collect_ent, &es_);	\
		ut_assert_int_eq(es_.n, (int)ARRAY_SIZE(exp_));		\
		for (int i_ = 0; i_ < es_.n; i_++) {			\
			ut_assert_uint_eq(es_.e[i_].index, exp_[i_].index); \
			ut_assert_uint_eq(es_.e[i_].entry, exp_[i_].entry); \
			ut_assert_uint_eq(es_.e[i_].marks, exp_[i_].marks); \
			nr_ += 1UL << dax_entry_order(exp_[i_].entry);	\
		}							\
		ut_assert_uint_eq((m)->nrpages, nr_);			\
		ut_assert_uint_eq((m)->nrentries, ARRAY_SIZE(exp_));	\
	} while (0)

#define ut_assert_no_entries(m)						\
	do {								\
		ut_assert_uint_eq(g_tree_nnodes((m)->i_pages), 0);	\
		ut_assert_uint_eq((m)->nrpages, 0);			\
		ut_assert_uint_eq((m)->nrentries, 0);			\
	} while (0)

/* The page names (mapping, index) as its single owner. */
#define ut_assert_owned(pfn, m, idx, ord)				\
	do {								\
		struct page *p_ = pg(pfn);				\
		ut_assert(p_->mapping == (m));				\
		ut_assert_uint_eq(p_->index, (idx));			\
		ut_assert_uint_eq(p_->order, (ord));			\
		ut_assert_int_eq(!!(p_->flags & PG_head), (ord) != 0);	\
	} while (0)

#define ut_assert_unowned(pfn)						\
	do {								\
		struct page *p_ = pg(pfn);				\
		ut_assert(p_->mapping == NULL);				\
		ut_assert_uint_eq(p_->share, 0);			\
		ut_assert_uint_eq(p_->order, 0);			\
		ut_assert(!(p_->flags & PG_head));			\
	} while (0)

static struct dax_slot *slot_at(struct address_space *m, pgoff_t index)
{
	pgoff_t base;

	return dax_lookup_slot(m, index, &base);
}

/*
 * Install @entry at @index the way a fault does: grab (a locked empty
 * entry of the entry's order), replace, set the marks, unlock.
 */
static void set_entry(struct address_space *m, pgoff_t index,
		      unsigned long entry, unsigned int marks)
{
	unsigned long old;
	pgoff_t base;

	ut_assert_uint_eq(grab_mapping_entry(m, index, dax_entry_order(entry),
					     &base, &old), 0);
	ut_assert_uint_eq(base, index);
	ut_assert_uint_eq(old, dax_entry_order(entry) ? E_PMD_EMPTY | DAX_LOCKED :
							  E_EMPTY | DAX_LOCKED);
	dax_replace_entry(m, base, entry, false);
	slot_at(m, base)->marks = marks;
	dax_unlock_entry(m, base);
}

/* grab_mapping_entry() ----------------------------------------------- */

/*
 *   index   4   5   6            grab(5, 0)      unlock
 *           .   .   .      ->    .   E*  .  ->   .  E  .
 *
 *   with 3: P d   grab(3, 0) hands back P*, marks and association intact
 */
START_TEST(test_grab_pte)
{
	struct address_space m;
	unsigned long e;
	pgoff_t base = 99;

	mapping_init(&m, NULL, 1001);
	ut_assert_uint_eq(grab_mapping_entry(&m, 5, 0, &base, &e), 0);
	ut_assert_uint_eq(base, 5);
	ut_assert_uint_eq(e, E_EMPTY | DAX_LOCKED);
	ut_assert_int_eq(held(), 1);
	ut_assert(slot_at(&m, 4) == NULL);
	ut_assert(slot_at(&m, 6) == NULL);
	ut_assert_entries(&m, { 5, E_EMPTY | DAX_LOCKED, 0 });
	dax_unlock_entry(&m, 5);
	ut_assert_int_eq(held(), 0);
	ut_assert_entries(&m, { 5, E_EMPTY, 0 });

	set_entry(&m, 3, E_PTE(P), DIRTY);
	ut_assert_owned(P, &m, 3, 0);
	ut_assert_uint_eq(grab_mapping_entry(&m, 3, 0, &base, &e), 0);
	ut_assert_uint_eq(base, 3);
	ut_assert_uint_eq(e, E_PTE(P) | DAX_LOCKED);
	ut_assert_entries(&m, { 3, E_PTE(P) | DAX_LOCKED, DIRTY }, { 5, E_EMPTY, 0 });
	ut_assert_owned(P, &m, 3, 0);
	dax_unlock_entry(&m, 3);
	ut_assert_int_eq(held(), 0);
	mapping_destroy(&m);
}
END_TEST

/*
 *   index   511  512 ........ 1023  1024         grab(700, PMD_ORDER)
 *           .    .             .     .     ->    .  [E* PMD]  .
 *
 * The entry sits at the aligned index and covers all 512; a second PMD
 * grab anywhere inside returns it rather than making another.
 */
START_TEST(test_grab_pmd)
{
	struct address_space m;
	unsigned long e;
	pgoff_t base = 0, b;

	mapping_init(&m, NULL, 1002);
	ut_assert_uint_eq(grab_mapping_entry(&m, 700, PMD_ORDER, &base, &e), 0);
	ut_assert_uint_eq(base, 512);
	ut_assert_uint_eq(e, E_PMD_EMPTY | DAX_LOCKED);
	ut_assert(dax_lookup_slot(&m, 512, &b) != NULL && b == 512);
	ut_assert(dax_lookup_slot(&m, 1023, &b) != NULL && b == 512);
	ut_assert(slot_at(&m, 511) == NULL);
	ut_assert(slot_at(&m, 1024) == NULL);
	ut_assert_entries(&m, { 512, E_PMD_EMPTY | DAX_LOCKED, 0 });
	dax_unlock_entry(&m, 512);

	ut_assert_uint_eq(grab_mapping_entry(&m, 1023, PMD_ORDER, &base, &e), 0);
	ut_assert_uint_eq(base, 512);
	ut_assert_uint_eq(e, E_PMD_EMPTY | DAX_LOCKED);
	ut_assert_int_eq(held(), 1);
	dax_unlock_entry(&m, 512);
	ut_assert_entries(&m, { 512, E_PMD_EMPTY, 0 });
	ut_assert_int_eq(held(), 0);
	mapping_destroy(&m);
}
END_TEST

/*
 * A PMD request over [512, 1023] with one PTE entry already present:
 * any PTE entry inside the range is a conflict (VM_FAULT_FALLBACK, nothing
 * created, nothing locked); neighbours just outside are not.
 *
 *   PTE at   511   512   515   1023   1024
 *   result   PMD   FB    FB    FB     PMD
 */
START_TEST(test_grab_pmd_conflicts)
{
	const struct {
		pgoff_t		pte;
		unsigned long	kind;
		vm_fault_t	ret;
	} rows[] = {
		{ 511,	E_ZERO,		0 },
		{ 512,	E_ZERO,		VM_FAULT_FALLBACK },
		{ 515,	E_EMPTY,	VM_FAULT_FALLBACK },
		{ 1023,	E_ZERO,		VM_FAULT_FALLBACK },
		{ 1024,	E_EMPTY,	0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct address_space m;
		unsigned long e = 0;
		pgoff_t base = 0;

		mapping_init(&m, NULL, 1100 + i);
		set_entry(&m, rows[i].pte, rows[i].kind, 0);
		ut_assert_uint_eq(grab_mapping_entry(&m, 700, PMD_ORDER, &base, &e),
				  rows[i].ret);
		if (rows[i].ret) {
			ut_assert_int_eq(held(), 0);
			ut_assert_entries(&m, { rows[i].pte, rows[i].kind, 0 });
		} else {
			ut_assert_uint_eq(base, 512);
			ut_assert_uint_eq(e, E_PMD_EMPTY | DAX_LOCKED);
			dax_unlock_entry(&m, 512);
			if (rows[i].pte < 512)
				ut_assert_entries(&m, { rows[i].pte, rows[i].kind, 0 },
						  { 512, E_PMD_EMPTY, 0 });
			else
				ut_assert_entries(&m, { 512, E_PMD_EMPTY, 0 },
						  { rows[i].pte, rows[i].kind, 0 });
		}
		mapping_destroy(&m);
	}
}
END_TEST

/*
 * A PTE request inside an existing PMD entry ("always favour PTE over PMD",
 * but a real PMD entry is never downgraded):
 *
 *   PMD entry at 512     grab(idx, 0) with idx 512 or 1023
 *   [H PMD]          ->  [H* PMD], base 512; H still owned at order 9
 *   [Z PMD]          ->  E* at idx, the PMD entry gone (nrpages 512 -> 1)
 *   [E PMD]          ->  E* at idx, the PMD entry gone
 */
START_TEST(test_grab_pte_inside_pmd)
{
	const struct {
		unsigned long	pmd;
		pgoff_t		index;
		bool		downgrade;
	} rows[] = {
		{ E_PMD(H),	512,	false },
		{ E_PMD(H),	1023,	false },
		{ E_PMD_ZERO,	512,	true },
		{ E_PMD_ZERO,	1023,	true },
		{ E_PMD_EMPTY,	512,	true },
		{ E_PMD_EMPTY,	1023,	true },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct address_space m;
		unsigned long e = 0;
		pgoff_t base = 0;

		mapping_init(&m, NULL, 1200 + i);
		set_entry(&m, 512, rows[i].pmd, DIRTY);
		ut_assert_uint_eq(grab_mapping_entry(&m, rows[i].index, 0, &base, &e), 0);
		ut_assert_int_eq(held(), 1);
		if (rows[i].downgrade) {
			ut_assert_uint_eq(base, rows[i].index);
			ut_assert_uint_eq(e, E_EMPTY | DAX_LOCKED);
			ut_assert_entries(&m, { rows[i].index, E_EMPTY | DAX_LOCKED, 0 });
			ut_assert(slot_at(&m, rows[i].index == 512 ? 513 : 512) == NULL);
		} else {
			ut_assert_uint_eq(base, 512);
			ut_assert_uint_eq(e, rows[i].pmd | DAX_LOCKED);
			ut_assert_entries(&m, { 512, rows[i].pmd | DAX_LOCKED, DIRTY });
			ut_assert_owned(H, &m, 512, PMD_ORDER);
		}
		dax_unlock_entry(&m, base);
		ut_assert_int_eq(held(), 0);
		/* the association of H does not outlive this mapping */
		dax_delete_mapping_range(&m, 0, ALL);
		ut_assert_unowned(H);
		mapping_destroy(&m);
	}
}
END_TEST

/* Locking an already locked entry would sleep forever: a simulator bug. */
START_TEST(test_grab_locked_entry_is_sim_bug)
{
	struct address_space m;
	unsigned long e;
	pgoff_t base;

	ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr));
	mapping_init(&m, NULL, 1003);
	ut_assert_uint_eq(grab_mapping_entry(&m, 9, 0, &base, &e), 0);
	grab_mapping_entry(&m, 9, 0, &base, &e);	/* exits 3 */
	ck_abort_msg("grab of a locked entry returned");
}
END_TEST

/* Replacement, association, split ------------------------------------ */

/*
 *   3:   E* -> P*        P owned by (m, 3)
 *        P* -> Z*        P unowned again (the zero page itself is never
 *                        associated)
 *   512: [E* PMD] -> [H* PMD]   H head, order 9, owned by (m, 512)
 *
 * Shared (reflinked) extent: (m, 7) and (m2, 7) both map Q with shared set:
 * Q->mapping is cleared and share counts 2; each deletion drops one.
 */
START_TEST(test_replace_entry_association)
{
	struct address_space m, m2;
	unsigned long e;
	pgoff_t base;

	mapping_init(&m, NULL, 1004);
	mapping_init(&m2, NULL, 1005);

	ut_assert_uint_eq(grab_mapping_entry(&m, 3, 0, &base, &e), 0);
	dax_replace_entry(&m, 3, E_PTE(P), false);
	ut_assert_entries(&m, { 3, E_PTE(P) | DAX_LOCKED, 0 });
	ut_assert_owned(P, &m, 3, 0);
	dax_replace_entry(&m, 3, E_ZERO, false);
	ut_assert_entries(&m, { 3, E_ZERO | DAX_LOCKED, 0 });
	ut_assert_unowned(P);
	dax_unlock_entry(&m, 3);

	ut_assert_uint_eq(grab_mapping_entry(&m, 512, PMD_ORDER, &base, &e), 0);
	dax_replace_entry(&m, 512, E_PMD(H), false);
	dax_unlock_entry(&m, 512);
	ut_assert_entries(&m, { 3, E_ZERO, 0 }, { 512, E_PMD(H), 0 });
	ut_assert_owned(H, &m, 512, PMD_ORDER);

	ut_assert_uint_eq(grab_mapping_entry(&m, 7, 0, &base, &e), 0);
	dax_replace_entry(&m, 7, E_PTE(Q), true);
	dax_unlock_entry(&m, 7);
	ut_assert_owned(Q, &m, 7, 0);		/* first user: still 1:1 */
	ut_assert_uint_eq(grab_mapping_entry(&m2, 7, 0, &base, &e), 0);
	dax_replace_entry(&m2, 7, E_PTE(Q), true);
	dax_unlock_entry(&m2, 7);
	ut_assert(pg(Q)->mapping == NULL);
	ut_assert_uint_eq(pg(Q)->share, 2);

	dax_delete_mapping_range(&m2, 7, 7);
	ut_assert_no_entries(&m2);
	ut_assert(pg(Q)->mapping == NULL);
	ut_assert_uint_eq(pg(Q)->share, 1);
	dax_delete_mapping_range(&m, 0, ALL);
	ut_assert_no_entries(&m);
	ut_assert_unowned(Q);
	ut_assert_unowned(H);
	ut_assert_int_eq(held(), 0);
	mapping_destroy(&m);
	mapping_destroy(&m2);
}
END_TEST

/*
 * dax_split_pmd_entry(): the locked PMD entry gives way to one locked PTE
 * entry; the entry lock moves with it and *base follows.
 *
 *   index   512 ..... 600 ..... 1023          split(600, Q)
 *           [H* PMD             ]       ->    .  Q*(600)  .
 *
 * And at the PMD's own index: [H* PMD] -> Q* at 512.
 */
START_TEST(test_split_pmd_entry)
{
	static const pgoff_t at[] = { 600, 512 };

	for (size_t i = 0; i < ARRAY_SIZE(at); i++) {
		struct address_space m;
		unsigned long e;
		pgoff_t base;

		mapping_init(&m, NULL, 1300 + i);
		set_entry(&m, 512, E_PMD(H), 0);
		ut_assert_uint_eq(grab_mapping_entry(&m, at[i], 0, &base, &e), 0);
		ut_assert_uint_eq(base, 512);
		dax_split_pmd_entry(&m, &base, at[i], E_PTE(Q), false);
		ut_assert_uint_eq(base, at[i]);
		ut_assert_int_eq(held(), 1);
		ut_assert_entries(&m, { at[i], E_PTE(Q) | DAX_LOCKED, 0 });
		ut_assert_unowned(H);
		ut_assert_owned(Q, &m, at[i], 0);
		dax_unlock_entry(&m, base);
		ut_assert_int_eq(held(), 0);
		ut_assert_entries(&m, { at[i], E_PTE(Q), 0 });
		dax_delete_mapping_range(&m, 0, ALL);
		ut_assert_unowned(Q);
		mapping_destroy(&m);
	}
}
END_TEST

/* Delete, invalidate, writeback, clear dirty ------------------------- */

/*
 *   index   1    2    3    512 ...... 1023    1030
 *           Pd   Q    Z    [H PMD          ]   R
 */
static void build_layout(struct address_space *m)
{
	set_entry(m, 1, E_PTE(P), DIRTY);
	set_entry(m, 2, E_PTE(Q), 0);
	set_entry(m, 3, E_ZERO, 0);
	set_entry(m, 512, E_PMD(H), 0);
	set_entry(m, 1030, E_PTE(R), 0);
}

/*
 * dax_delete_mapping_range(start, end) removes every entry overlapping
 * [start, end], dirty or not (truncate), and drops the association.
 *
 *   range          left
 *   [2, 600]       1: Pd, 1030: R
 *   [700, 700]     everything but the PMD
 *   [4, 511]       everything
 *   [1024, 1029]   everything
 *   [0, ALL]       nothing
 */
START_TEST(test_delete_mapping_range)
{
	static const struct {
		pgoff_t	start, end;
		bool	keep[5];	/* 1, 2, 3, 512, 1030 */
	} rows[] = {
		{ 2,	600,	{ true, false, false, false, true } },
		{ 700,	700,	{ true, true, true, false, true } },
		{ 4,	511,	{ true, true, true, true, true } },
		{ 1024,	1029,	{ true, true, true, true, true } },
		{ 0,	ALL,	{ false, false, false, false, false } },
	};
	static const pgoff_t idx[5] = { 1, 2, 3, 512, 1030 };
	const pfn_t pfn[5] = { P, Q, 0, H, R };

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct address_space m;
		uint64_t nr = 0;
		int n = 0;

		mapping_init(&m, NULL, 1400 + i);
		build_layout(&m);
		dax_delete_mapping_range(&m, rows[i].start, rows[i].end);
		for (int k = 0; k < 5; k++) {
			struct dax_slot *slot = slot_at(&m, idx[k]);

			ut_assert_int_eq(slot != NULL, rows[i].keep[k]);
			if (!rows[i].keep[k]) {
				if (pfn[k])
					ut_assert_unowned(pfn[k]);
				continue;
			}
			n++;
			nr += k == 3 ? 512 : 1;
			ut_assert(!dax_is_locked(slot->entry));
			if (pfn[k])
				ut_assert_owned(pfn[k], &m, idx[k], k == 3 ? PMD_ORDER : 0);
		}
		ut_assert_uint_eq(m.nrentries, n);
		ut_assert_uint_eq(m.nrpages, nr);
		ut_assert_int_eq(held(), 0);
		dax_delete_mapping_range(&m, 0, ALL);
		mapping_destroy(&m);
	}
}
END_TEST

/*
 * invalidate_inode_pages2_range() (dax_invalidate_mapping_entry_sync):
 * clean entries go, DIRTY or TOWRITE ones are kept.
 *
 *   index   1    2    3    4    512 ...... 1023
 *           Pd   Qt   R    Z    [H PMD d      ]
 *   inval(0, 2000)  ->  1: Pd   2: Qt   512: [H PMD d]
 */
START_TEST(test_invalidate_keeps_dirty)
{
	struct address_space m;

	mapping_init(&m, NULL, 1005);
	set_entry(&m, 1, E_PTE(P), DIRTY);
	set_entry(&m, 2, E_PTE(Q), TOWRITE);
	set_entry(&m, 3, E_PTE(R), 0);
	set_entry(&m, 4, E_ZERO, 0);
	set_entry(&m, 512, E_PMD(H), DIRTY);
	dax_invalidate_mapping_range(&m, 0, 2000);
	ut_assert_entries(&m, { 1, E_PTE(P), DIRTY }, { 2, E_PTE(Q), TOWRITE },
			  { 512, E_PMD(H), DIRTY });
	ut_assert_unowned(R);
	ut_assert_owned(P, &m, 1, 0);
	ut_assert_owned(H, &m, 512, PMD_ORDER);
	ut_assert_int_eq(held(), 0);
	dax_delete_mapping_range(&m, 0, ALL);
	mapping_destroy(&m);
}
END_TEST

/*
 * BUG (sim/kernel/fs/dax_entry.c, dax_invalidate_mapping_range): in mm/truncate.c
 * a DAX entry that dax_invalidate_mapping_entry_sync() has to keep (DIRTY
 * or TOWRITE) makes the call return -EBUSY; the simulator returns 0.
 *
 *   index   1    2              inval(0, 10)  ->  -EBUSY, 1: Pd kept
 *           Pd   Q
 */
START_TEST(test_invalidate_dirty_returns_ebusy)
{
	struct address_space m;

	mapping_init(&m, NULL, 1006);
	set_entry(&m, 1, E_PTE(P), DIRTY);
	set_entry(&m, 2, E_PTE(Q), 0);
	ut_assert_int_eq(dax_invalidate_mapping_range(&m, 0, 10), -EBUSY);
	ut_assert_entries(&m, { 1, E_PTE(P), DIRTY });
	/* all clean: 0 */
	ut_assert_int_eq(dax_invalidate_mapping_range(&m, 2, 10), 0);
	dax_delete_mapping_range(&m, 0, ALL);
	mapping_destroy(&m);
}
END_TEST


/* A new stubfs file of @size bytes, all hole. */
static struct inode *create_file(const char *name, uint64_t size)
{
	return stub_create(stub_world.sb, name, size);
}

/* Open @inode in task @t and mmap [off, off + len) of it, as xfs_io would. */
static struct vm_area_struct *map(struct task_struct *t, struct inode *inode,
				  uint64_t off, uint64_t len, unsigned long flags)
{
	struct file *f = alloc_file(inode, STUB_I(inode)->name, false);
	struct vm_area_struct *vma;
	int err = 0;

	g_ptr_array_add(t->files, f);
	vma = do_mmap(t, f, off, len, flags, 0, &err);
	ck_assert_msg(vma != NULL, "do_mmap: %d", err);
	return vma;
}

static uint64_t addr_of(const struct vm_area_struct *vma, pgoff_t pgoff)
{
	return vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
}

static uint64_t leaf_at(struct vm_area_struct *vma, pgoff_t pgoff, bool pmd)
{
	uint64_t a = addr_of(vma, pgoff);
	uint64_t *slot = pmd ? pmd_lookup(vma->vm_mm, a, false) :
			       pte_lookup(vma->vm_mm, a, false);

	return slot ? *slot : 0;
}

static uint64_t leaf_val(pfn_t pfn, uint64_t bits)
{
	return (pfn << PAGE_SHIFT) | _PAGE_PRESENT | bits;
}

static void insert_at(struct vm_area_struct *vma, pgoff_t pgoff, pfn_t pfn,
		      bool write, bool pmd)
{
	struct vm_fault vmf = {
		.vma = vma, .address = addr_of(vma, pgoff), .pgoff = pgoff,
	};

	vmf_insert_pfn(&vmf, pfn, write, pmd);
}

/*
 * dax_writeback_mapping_range(): every DIRTY entry overlapping the range
 * is written back: locked, TOWRITE cleared, every PTE/PMD of it cleaned,
 * DIRTY cleared, unlocked.  Others are left alone.
 *
 *   index   1    2    3    512 ... 600 ... 1023    2000
 *           Pd   Q    Z    [H PMD dt          ]   Sd
 *   p1      w    w    z    {PMD w              }   w
 *   p2                            w (H + 88, a PTE inside the PMD entry)
 *   writeback(0, 1999)
 *           P    Q    Z    [H PMD             ]   Sd
 *   p1      r    w    z    {PMD r              }   w
 *   p2                            r
 */
START_TEST(test_writeback_cleans)
{
	struct inode *inode = create_file("f", 0);
	struct address_space *m = inode->i_mapping;
	struct vm_area_struct *v = map(stub_tsk[0], inode, 0, 4 * SZ_2M,
				       VM_READ | VM_WRITE | VM_SHARED);
	struct vm_area_struct *v2 = map(stub_tsk[1], inode, 600 * SZ_4K, SZ_4K,
					VM_READ | VM_WRITE | VM_SHARED);
	const uint64_t w = _PAGE_RW | _PAGE_DIRTY;

	set_entry(m, 1, E_PTE(P), DIRTY);
	set_entry(m, 2, E_PTE(Q), 0);
	set_entry(m, 3, E_ZERO, 0);
	set_entry(m, 512, E_PMD(H), DIRTY | TOWRITE);
	set_entry(m, 2000, E_PTE(S), DIRTY);
	insert_at(v, 1, P, true, false);
	insert_at(v, 2, Q, true, false);
	insert_at(v, 3, ZERO_PFN, false, false);
	insert_at(v, 512, H, true, true);
	insert_at(v, 2000, S, true, false);
	insert_at(v2, 600, H + 88, true, false);

	ut_assert_int_eq(dax_writeback_mapping_range(m, 0, 1999), 0);
	ut_assert_entries(m, { 1, E_PTE(P), 0 }, { 2, E_PTE(Q), 0 }, { 3, E_ZERO, 0 },
			  { 512, E_PMD(H), 0 }, { 2000, E_PTE(S), DIRTY });
	ut_assert_uint_eq(leaf_at(v, 1, false), leaf_val(P, 0));
	ut_assert_uint_eq(leaf_at(v, 2, false), leaf_val(Q, w));
	ut_assert_uint_eq(leaf_at(v, 3, false), leaf_val(ZERO_PFN, _PAGE_SPECIAL));
	ut_assert_uint_eq(leaf_at(v, 512, true), leaf_val(H, _PAGE_PSE));
	ut_assert_uint_eq(leaf_at(v, 2000, false), leaf_val(S, w));
	ut_assert_uint_eq(leaf_at(v2, 600, false), leaf_val(H + 88, 0));
	ut_assert_int_eq(held(), 0);

	/* a range starting inside the PMD entry still reaches it */
	slot_at(m, 512)->marks = DIRTY;
	ut_assert_int_eq(dax_writeback_mapping_range(m, 1000, 1000), 0);
	ut_assert_uint_eq(slot_at(m, 512)->marks, 0);
	ut_assert_uint_eq(slot_at(m, 2000)->marks, DIRTY);
}
END_TEST

/*
 * BUG (sim/kernel/fs/dax_entry.c, writeback_one): the kernel tags TOWRITE from DIRTY
 * and then writes back every TOWRITE entry (dax_writeback_one clears
 * TOWRITE and DIRTY).  An entry marked TOWRITE but not DIRTY - which
 * dax_insert_entry() leaves after a shared write fault on a MAP_SYNC
 * mapping, before dax_finish_sync_fault()'s fsync - is skipped by the
 * simulator and keeps its TOWRITE mark.
 *
 *   index   1               writeback(0, 10)  ->   1: P
 *           Pt
 */
START_TEST(test_writeback_towrite_only)
{
	struct address_space m;

	mapping_init(&m, NULL, 1007);
	set_entry(&m, 1, E_PTE(P), TOWRITE);
	ut_assert_int_eq(dax_writeback_mapping_range(&m, 0, 10), 0);
	ut_assert_entries(&m, { 1, E_PTE(P), 0 });
	dax_delete_mapping_range(&m, 0, ALL);
	mapping_destroy(&m);
}
END_TEST

/*
 * dax_clear_dirty_range() (__dax_clear_dirty_range before a CoW write):
 * DIRTY and TOWRITE go from every entry overlapping the range.
 *
 *   index   1     2     512 ...... 1023    1030
 *           Pdt   Qd    [H PMD dt     ]    Rdt
 *   clear(2, 600)
 *           Pdt   Q     [H PMD        ]    Rdt
 */
START_TEST(test_clear_dirty_range)
{
	struct address_space m;

	mapping_init(&m, NULL, 1008);
	set_entry(&m, 1, E_PTE(P), DIRTY | TOWRITE);
	set_entry(&m, 2, E_PTE(Q), DIRTY);
	set_entry(&m, 512, E_PMD(H), DIRTY | TOWRITE);
	set_entry(&m, 1030, E_PTE(R), DIRTY | TOWRITE);
	dax_clear_dirty_range(&m, 2, 600);
	ut_assert_entries(&m, { 1, E_PTE(P), DIRTY | TOWRITE }, { 2, E_PTE(Q), 0 },
			  { 512, E_PMD(H), 0 }, { 1030, E_PTE(R), DIRTY | TOWRITE });
	/*
	 * Now invalidation can drop what was cleared.  (end = ALL - 1: with
	 * ALL the unmap length wraps to 0, see check_pgtable.c known_bugs.)
	 */
	dax_invalidate_mapping_range(&m, 0, ALL - 1);
	ut_assert_entries(&m, { 1, E_PTE(P), DIRTY | TOWRITE },
			  { 1030, E_PTE(R), DIRTY | TOWRITE });
	ut_assert_int_eq(held(), 0);
	dax_delete_mapping_range(&m, 0, ALL);
	mapping_destroy(&m);
}
END_TEST

/* The fault path ------------------------------------------------------ */

static void mread(struct task_struct *t, uint64_t addr, void *buf, uint64_t len)
{
	lock_current = &t->lockctx;
	ut_assert_int_eq(mm_access(t, addr, buf, len, false), 0);
	ut_assert_int_eq(t->sig, SIG_NONE);
}

static void mwrite(struct task_struct *t, uint64_t addr, int c, uint64_t len)
{
	unsigned char buf[64];

	ut_assert_uint_le(len, sizeof(buf));
	memset(buf, c, len);
	lock_current = &t->lockctx;
	ut_assert_int_eq(mm_access(t, addr, buf, len, true), 0);
	ut_assert_int_eq(t->sig, SIG_NONE);
}

/* Enter the filesystem's fault handler directly, as handle_mm_fault does. */
static vm_fault_t fault(struct task_struct *t, struct vm_area_struct *vma,
			pgoff_t pgoff, bool write, unsigned int order)
{
	struct vm_fault vmf = {
		.vma = vma, .address = addr_of(vma, pgoff), .pgoff = pgoff,
		.flags = write ? FAULT_FLAG_WRITE : 0,
		.cow = write && !(vma->vm_flags & VM_SHARED),
	};
	vm_fault_t ret;

	lock_current = &t->lockctx;
	sim_lock(mmap_lock, (uint64_t)t->pid, LOCK_SHARED);
	/* the fs's vm_ops, as handle_mm_fault() reaches them */
	ret = order ? vma->vm_ops->huge_fault(&vmf, order) : vma->vm_ops->fault(&vmf);
	sim_unlock(mmap_lock, (uint64_t)t->pid);
	return ret;
}

static unsigned long entry_at(struct address_space *m, pgoff_t index)
{
	struct dax_slot *slot = slot_at(m, index);

	ut_assert(slot != NULL);
	return slot->entry;
}

/*
 * A hole read maps the zero page through a zero entry; a write replaces
 * the zero entry with a real one (zapping the zero-page PTE) and dirties it.
 *
 *   file f: 16K, all hole; p1 maps [0, 16K) shared (too small for a PMD)
 *
 *   index        0    1    2    3        p1 PTEs
 *   mread 4K     .    Z    .    .        . z . .
 *   mwrite 4K    .    Pd   .    .        . w . .
 *   mread 8K     .    Pd   Z    .        . w z .
 */
START_TEST(test_fault_hole_read_then_write)
{
	struct inode *inode = create_file("f", 4 * SZ_4K);
	struct address_space *m = inode->i_mapping;
	struct vm_area_struct *v = map(stub_tsk[0], inode, 0, 4 * SZ_4K,
				       VM_READ | VM_WRITE | VM_SHARED);
	unsigned char buf[16];
	unsigned long e;
	pfn_t pfn;

	mread(stub_tsk[0], addr_of(v, 1), buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		ut_assert_uint_eq(buf[i], 0);
	ut_assert_entries(m, { 1, E_ZERO, 0 });
	ut_assert_uint_eq(leaf_at(v, 1, false), leaf_val(ZERO_PFN, _PAGE_SPECIAL));
	ut_assert_uint_eq(stub_world.stats.zero_faults, 1);

	mwrite(stub_tsk[0], addr_of(v, 1) + 5, 0x5a, 3);
	e = entry_at(m, 1);
	pfn = dax_to_pfn(e);
	ut_assert(dax_is_real_entry(e) && dax_is_pte_entry(e));
	ut_assert(is_pmem_pfn(&stub_world.memmap, pfn));
	ut_assert_entries(m, { 1, E_PTE(pfn), DIRTY });
	ut_assert_uint_eq(leaf_at(v, 1, false), leaf_val(pfn, _PAGE_RW | _PAGE_DIRTY));
	ut_assert_owned(pfn, m, 1, 0);
	ut_assert_int_eq(pg(pfn)->_mapcount, 1);
	ut_assert_uint_eq(pfn_to_kaddr(pfn)[5], 0x5a);
	ut_assert_uint_eq(pfn_to_kaddr(pfn)[4], 0);

	mread(stub_tsk[0], addr_of(v, 2), buf, 1);
	ut_assert_entries(m, { 1, E_PTE(pfn), DIRTY }, { 2, E_ZERO, 0 });
	ut_assert_uint_eq(stub_world.stats.pmd_faults, 0);
	ut_assert_int_eq(held(), 0);
}
END_TEST

/*
 * An unwritten block reads as a hole (zero entry, zero page); a shared write
 * fault has the filesystem zero and convert it in place (IOMAP_F_NEW), and
 * the real entry replaces the zero entry on that very block.
 *
 *   file f: 16K; block 1 unwritten on device block 400 (stale bytes 0xee)
 *
 *   index        0    1    2    3        p1 PTEs     block 1
 *   mread 4K     .    Z    .    .        . z . .     400 unwritten
 *   mwrite 4K    .    Pd   .    .        . w . .     400 written, P = 400
 */
START_TEST(test_fault_unwritten_read_then_write)
{
	struct inode *inode = create_file("f", 4 * SZ_4K);
	struct address_space *m = inode->i_mapping;
	struct vm_area_struct *v = map(stub_tsk[0], inode, 0, 4 * SZ_4K,
				       VM_READ | VM_WRITE | VM_SHARED);
	unsigned char buf[16];

	stub_map(inode, 1, 400, 1, true);
	memset(pfn_to_kaddr(PFN(400)), 0xee, SZ_4K);
	mread(stub_tsk[0], addr_of(v, 1), buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		ut_assert_uint_eq(buf[i], 0);
	ut_assert_entries(m, { 1, E_ZERO, 0 });
	ut_assert_uint_eq(leaf_at(v, 1, false), leaf_val(ZERO_PFN, _PAGE_SPECIAL));
	ut_assert(stub_lookup(inode, 1)->unwritten);

	mwrite(stub_tsk[0], addr_of(v, 1) + 5, 0x5a, 3);
	ut_assert_entries(m, { 1, E_PTE(PFN(400)), DIRTY });
	ut_assert_uint_eq(leaf_at(v, 1, false), leaf_val(PFN(400), _PAGE_RW | _PAGE_DIRTY));
	ut_assert(!stub_lookup(inode, 1)->unwritten);
	ut_assert_owned(PFN(400), m, 1, 0);
	ut_assert_uint_eq(pfn_to_kaddr(PFN(400))[5], 0x5a);
	ut_assert_uint_eq(pfn_to_kaddr(PFN(400))[4], 0);	/* zeroed, not stale */
	ut_assert_uint_eq(pfn_to_kaddr(PFN(400))[SZ_4K - 1], 0);
	ut_assert_int_eq(held(), 0);
}
END_TEST

/*
 * The same at PMD size: the huge zero page, then a PMD write fault that
 * allocates a 2M-aligned extent and replaces the zero PMD entry.
 *
 *   file f: 4M hole; p1 maps [0, 4M) shared
 *
 *   index            512 ....... 1023      p1
 *   mread 2M+8K      [Z PMD        ]       {PMD zero page, r}
 *   mwrite 2M+8K     [H PMD d      ]       {PMD H, w}
 */
START_TEST(test_fault_pmd_hole_read_then_write)
{
	struct inode *inode = create_file("f", 2 * SZ_2M);
	struct address_space *m = inode->i_mapping;
	struct vm_area_struct *v = map(stub_tsk[0], inode, 0, 2 * SZ_2M,
				       VM_READ | VM_WRITE | VM_SHARED);
	unsigned char buf[8];
	unsigned long e;
	pfn_t h;

	mread(stub_tsk[0], addr_of(v, 514), buf, sizeof(buf));
	ut_assert_entries(m, { 512, E_PMD_ZERO, 0 });
	ut_assert_uint_eq(leaf_at(v, 512, true),
			  leaf_val(ZERO_PFN, _PAGE_PSE | _PAGE_SPECIAL));
	ut_assert(!pmd_has_pte_table(stub_tsk[0]->mm, addr_of(v, 512)));

	mwrite(stub_tsk[0], addr_of(v, 514), 0x77, 8);
	e = entry_at(m, 700);
	h = dax_to_pfn(e);
	ut_assert(dax_is_real_entry(e) && dax_is_pmd_entry(e));
	ut_assert_uint_eq((h - PMEM_PFN_BASE) & PG_PMD_COLOUR, 0);
	ut_assert_entries(m, { 512, E_PMD(h), DIRTY });
	ut_assert_uint_eq(leaf_at(v, 512, true),
			  leaf_val(h, _PAGE_PSE | _PAGE_RW | _PAGE_DIRTY));
	ut_assert_owned(h, m, 512, PMD_ORDER);
	ut_assert_int_eq(pg(h)->_mapcount, 1);
	ut_assert_uint_eq(pfn_to_kaddr(h + 2)[0], 0x77);
	ut_assert_uint_eq(pfn_to_kaddr(h + 2)[8], 0);
	ut_assert_uint_eq(stub_world.stats.pmd_faults, 2);
	ut_assert_uint_eq(stub_world.stats.fallbacks, 0);
	ut_assert_int_eq(held(), 0);
}
END_TEST

/*
 * PMD fault fallback (kernel-notes §3.4 rule 6, extent shorter than 2M):
 * the PMD attempt leaves an unlocked empty PMD entry behind; the PTE fault
 * downgrades it.
 *
 *   file f: 4M, block 0 written (device block 100), the rest hole;
 *   p1 maps [0, 4M) shared
 *
 *   index                  0   ...  5  ...  511     p1
 *   fault(0, PMD)  FB      [E PMD             ]
 *   fault(0, PTE)          P                         r
 *   mread 20K              P        Z                r . . . . z  (PTE table
 *                                                    present: no PMD attempt)
 */
START_TEST(test_fault_pmd_fallback_short_extent)
{
	struct inode *inode = create_file("f", 2 * SZ_2M);
	struct address_space *m = inode->i_mapping;
	struct vm_area_struct *v = map(stub_tsk[0], inode, 0, 2 * SZ_2M,
				       VM_READ | VM_WRITE | VM_SHARED);
	unsigned char data[SZ_4K];
	unsigned long e;

	stub_map(inode, 0, 100, 1, false);
	memset(data, 0x33, sizeof(data));
	ut_assert_int_eq(stub_pwrite(inode, data, SZ_4K, 0), (int64_t)SZ_4K);
	ut_assert_no_entries(m);

	ut_assert_uint_eq(fault(stub_tsk[0], v, 0, false, PMD_ORDER), VM_FAULT_FALLBACK);
	ut_assert_entries(m, { 0, E_PMD_EMPTY, 0 });
	ut_assert_uint_eq(stub_world.stats.fallbacks, 1);
	ut_assert_uint_eq(leaf_at(v, 0, true), 0);
	ut_assert_int_eq(held(), 0);

	ut_assert_uint_eq(fault(stub_tsk[0], v, 0, false, 0), VM_FAULT_NOPAGE);
	e = entry_at(m, 0);
	ut_assert(dax_is_real_entry(e) && dax_is_pte_entry(e));
	ut_assert_entries(m, { 0, E_PTE(dax_to_pfn(e)), 0 });
	ut_assert_uint_eq(dax_to_pfn(e), PFN(100));
	ut_assert_uint_eq(leaf_at(v, 0, false), leaf_val(dax_to_pfn(e), 0));
	ut_assert_uint_eq(pfn_to_kaddr(dax_to_pfn(e))[100], 0x33);

	mread(stub_tsk[0], addr_of(v, 5), data, 1);
	ut_assert_entries(m, { 0, E_PTE(dax_to_pfn(e)), 0 }, { 5, E_ZERO, 0 });
	ut_assert_uint_eq(stub_world.stats.fallbacks, 1);	/* no second PMD try */
	ut_assert_int_eq(held(), 0);
}
END_TEST

/*
 * A zero PMD entry mapped by one task is downgraded by a PTE write fault
 * from another task whose vma is too small for a PMD (rule 3): the huge
 * zero page is unmapped everywhere, and later PMD faults over the range
 * conflict with the PTE entry and fall back.
 *
 *   file f: 4M hole; p1 maps [0, 4M), p2 maps [0, 1M), both shared
 *
 *   index               0 ........ 3 ....... 7 ..... 511
 *   p1 mread 8K         [Z PMD                         ]   p1 {PMD zero}
 *   p2 mwrite 12K                  Pd                      p1 -   p2 w @3
 *   p1 mread 12K                   Pd                      p1 r @3 (FB)
 *   p1 mread 28K                   Pd        Z             p1 r @3, z @7
 */
START_TEST(test_fault_zero_pmd_downgraded_by_pte_write)
{
	struct inode *inode = create_file("f", 2 * SZ_2M);
	struct address_space *m = inode->i_mapping;
	struct vm_area_struct *v1 = map(stub_tsk[0], inode, 0, 2 * SZ_2M,
					VM_READ | VM_WRITE | VM_SHARED);
	struct vm_area_struct *v2 = map(stub_tsk[1], inode, 0, SZ_2M / 2,
					VM_READ | VM_WRITE | VM_SHARED);
	unsigned char buf[4];
	pfn_t p;

	mread(stub_tsk[0], addr_of(v1, 2), buf, sizeof(buf));
	ut_assert_entries(m, { 0, E_PMD_ZERO, 0 });
	ut_assert_uint_eq(leaf_at(v1, 0, true),
			  leaf_val(ZERO_PFN, _PAGE_PSE | _PAGE_SPECIAL));

	mwrite(stub_tsk[1], addr_of(v2, 3), 0x42, 4);
	p = dax_to_pfn(entry_at(m, 3));
	ut_assert_entries(m, { 3, E_PTE(p), DIRTY });
	ut_assert_uint_eq(leaf_at(v1, 0, true), 0);	/* huge zero page gone */
	ut_assert_uint_eq(leaf_at(v2, 3, false), leaf_val(p, _PAGE_RW | _PAGE_DIRTY));

	mread(stub_tsk[0], addr_of(v1, 3), buf, sizeof(buf));
	ut_assert_uint_eq(buf[0], 0x42);
	ut_assert_uint_eq(leaf_at(v1, 3, false), leaf_val(p, 0));
	ut_assert_int_eq(pg(p)->_mapcount, 2);
	ut_assert_uint_eq(leaf_at(v1, 0, true), 0);

	mread(stub_tsk[0], addr_of(v1, 7), buf, sizeof(buf));
	ut_assert_entries(m, { 3, E_PTE(p), DIRTY }, { 7, E_ZERO, 0 });
	ut_assert_uint_eq(leaf_at(v1, 7, false), leaf_val(ZERO_PFN, _PAGE_SPECIAL));
	/* p2's write (vma < 2M) and p1's read (PTE entry in range) fell back */
	ut_assert_uint_eq(stub_world.stats.fallbacks, 2);
	ut_assert_int_eq(held(), 0);
}
END_TEST

/*
 * A write to a private mapping never takes a PMD (rule 2: CoW to an anon
 * page); the PTE fault copies into an anonymous page and the entry it
 * grabbed stays empty.  The file is not written.
 *
 *   file f: 4M hole; p1 maps [0, 4M) private rw
 *   mwrite 8K      index 2: E        p1: a @2
 */
START_TEST(test_fault_private_write_stays_empty)
{
	struct inode *inode = create_file("f", 2 * SZ_2M);
	struct address_space *m = inode->i_mapping;
	struct vm_area_struct *v = map(stub_tsk[0], inode, 0, 2 * SZ_2M, VM_READ | VM_WRITE);
	unsigned char buf[4];
	uint64_t leaf;

	mwrite(stub_tsk[0], addr_of(v, 2) + 1, 0x99, 2);
	ut_assert_entries(m, { 2, E_EMPTY, 0 });
	leaf = leaf_at(v, 2, false);
	ut_assert_uint_eq(leaf & ~PAGE_MASK, _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ANON);
	ut_assert_uint_eq(anon_pages_in_use(), 1);
	ut_assert_uint_eq(stub_world.stats.fallbacks, 1);
	ut_assert_uint_eq(stub_world.stats.pmd_faults, 0);

	mread(stub_tsk[0], addr_of(v, 2), buf, 4);
	ut_assert_uint_eq(buf[0], 0);
	ut_assert_uint_eq(buf[1], 0x99);
	lock_current = &stub_tsk[0]->lockctx;
	ut_assert_int_eq(stub_pread(inode, buf, 4, 2 * SZ_4K), 4);
	ut_assert_uint_eq(buf[1], 0);			/* still a hole */
	ut_assert_int_eq(held(), 0);
}
END_TEST

/*
 * fsync write-protects and cleans; the next store takes a write-protect
 * fault that re-dirties the same entry and pfn.
 *
 *   file f: 16K written, on device blocks 200-203; p1 maps it shared
 *
 *   index         1      2       p1
 *   mwrite 4K     Pd     .       w @1
 *   mread 8K      Pd     Q       w @1, r @2
 *   fsync         P      Q       r @1, r @2
 *   mwrite 4K     Pd     Q       w @1, r @2
 */
START_TEST(test_fault_fsync_then_wp_fault)
{
	struct inode *inode = create_file("f", 0);
	struct address_space *m = inode->i_mapping;
	unsigned char data[4 * SZ_4K];
	struct vm_area_struct *v;
	pfn_t p, q;

	stub_map(inode, 0, 200, 4, false);
	memset(data, 0x11, sizeof(data));
	ut_assert_int_eq(stub_pwrite(inode, data, sizeof(data), 0), (int64_t)sizeof(data));
	v = map(stub_tsk[0], inode, 0, sizeof(data), VM_READ | VM_WRITE | VM_SHARED);

	mwrite(stub_tsk[0], addr_of(v, 1), 0x22, 1);
	mread(stub_tsk[0], addr_of(v, 2), data, 1);
	p = dax_to_pfn(entry_at(m, 1));
	q = dax_to_pfn(entry_at(m, 2));
	ut_assert_uint_eq(p, PFN(201));
	ut_assert_uint_eq(q, PFN(202));
	ut_assert_entries(m, { 1, E_PTE(p), DIRTY }, { 2, E_PTE(q), 0 });
	ut_assert_uint_eq(leaf_at(v, 1, false), leaf_val(p, _PAGE_RW | _PAGE_DIRTY));

	ut_assert_int_eq(stub_fsync(inode, 0, sizeof(data) - 1), 0);
	ut_assert_entries(m, { 1, E_PTE(p), 0 }, { 2, E_PTE(q), 0 });
	ut_assert_uint_eq(leaf_at(v, 1, false), leaf_val(p, 0));
	ut_assert_uint_eq(leaf_at(v, 2, false), leaf_val(q, 0));

	mwrite(stub_tsk[0], addr_of(v, 1) + 1, 0x23, 1);
	ut_assert_entries(m, { 1, E_PTE(p), DIRTY }, { 2, E_PTE(q), 0 });
	ut_assert_uint_eq(leaf_at(v, 1, false), leaf_val(p, _PAGE_RW | _PAGE_DIRTY));
	ut_assert_int_eq(pg(p)->_mapcount, 1);
	ut_assert_uint_eq(pfn_to_kaddr(p)[0], 0x22);
	ut_assert_uint_eq(pfn_to_kaddr(p)[1], 0x23);
	ut_assert_int_eq(held(), 0);
}
END_TEST

/*
 * Truncate breaks the layout: every PTE and entry goes, the pages are
 * disassociated; faults below the new EOF work again, beyond it SIGBUS.
 * stub_setattr_size() does what xfs_setattr_size() did for this test:
 * break the whole file's layout, i_size_write(), unmap and delete beyond
 * the EOF page (truncate_pagecache()), drop the blocks beyond EOF.
 *
 *   file f: 16K written, on device blocks 300-303; p1 maps it shared and
 *   reads all of it
 *   index         0  1  2  3          truncate 8K      0  1  2  3
 *                 P0 P1 P2 P3    ->                   .  .  .  .
 *   mread 4K                                          .  P1 .  .
 *   mread 8K      SIGBUS
 */
START_TEST(test_fault_truncate_drops_entries)
{
	struct inode *inode = create_file("f", 0);
	struct address_space *m = inode->i_mapping;
	unsigned char data[4 * SZ_4K];
	struct vm_area_struct *v;
	pfn_t pf[4];

	stub_map(inode, 0, 300, 4, false);
	memset(data, 0x44, sizeof(data));
	ut_assert_int_eq(stub_pwrite(inode, data, sizeof(data), 0), (int64_t)sizeof(data));
	v = map(stub_tsk[0], inode, 0, sizeof(data), VM_READ | VM_SHARED);
	mread(stub_tsk[0], addr_of(v, 0), data, sizeof(data));
	ut_assert_uint_eq(m->nrentries, 4);
	for (int i = 0; i < 4; i++) {
		pf[i] = dax_to_pfn(entry_at(m, i));
		ut_assert_uint_eq(pf[i], PFN(300 + i));
	}

	lock_current = &stub_tsk[0]->lockctx;
	ut_assert_int_eq(stub_setattr_size(inode, 2 * SZ_4K), 0);
	ut_assert_no_entries(m);
	ut_assert(stub_lookup(inode, 1) != NULL && stub_lookup(inode, 2) == NULL);
	for (int i = 0; i < 4; i++) {
		ut_assert_uint_eq(leaf_at(v, i, false), 0);
		ut_assert_unowned(pf[i]);
		ut_assert_int_eq(pg(pf[i])->_mapcount, 0);
	}

	mread(stub_tsk[0], addr_of(v, 1), data, 1);
	ut_assert_uint_eq(data[0], 0x44);
	ut_assert_entries(m, { 1, E_PTE(pf[1]), 0 });
	ut_assert_int_eq(mm_access(stub_tsk[0], addr_of(v, 2), data, 1, false), -1);
	ut_assert_int_eq(stub_tsk[0]->sig, SIG_BUS);
	ut_assert_int_eq(stub_tsk[0]->sicode, SIM_BUS_ADRERR);
	ut_assert_entries(m, { 1, E_PTE(pf[1]), 0 });
	ut_assert_int_eq(held(), 0);
}
END_TEST

Suite *dax_entry_suite(void)
{
	Suite *s = suite_create("dax_entry");
	TCase *tc = tcase_create("entry");
	const char *fork = getenv("CK_FORK");

	tcase_add_checked_fixture(tc, stub_world_setup, stub_world_teardown);
	tcase_add_test(tc, test_grab_pte);
	tcase_add_test(tc, test_grab_pmd);
	tcase_add_test(tc, test_grab_pmd_conflicts);
	tcase_add_test(tc, test_grab_pte_inside_pmd);
	/* a simulator bug exits the process: only with fork mode */
	if (!fork || strcmp(fork, "no"))
		tcase_add_exit_test(tc, test_grab_locked_entry_is_sim_bug, 3);
	tcase_add_test(tc, test_replace_entry_association);
	tcase_add_test(tc, test_split_pmd_entry);
	tcase_add_test(tc, test_delete_mapping_range);
	tcase_add_test(tc, test_invalidate_keeps_dirty);
	tcase_add_test(tc, test_writeback_cleans);
	tcase_add_test(tc, test_clear_dirty_range);
	suite_add_tcase(s, tc);

	tc = tcase_create("fault");
	tcase_add_checked_fixture(tc, stub_world_setup, stub_world_teardown);
	tcase_add_test(tc, test_fault_hole_read_then_write);
	tcase_add_test(tc, test_fault_unwritten_read_then_write);
	tcase_add_test(tc, test_fault_pmd_hole_read_then_write);
	tcase_add_test(tc, test_fault_pmd_fallback_short_extent);
	tcase_add_test(tc, test_fault_zero_pmd_downgraded_by_pte_write);
	tcase_add_test(tc, test_fault_private_write_stays_empty);
	tcase_add_test(tc, test_fault_fsync_then_wp_fault);
	tcase_add_test(tc, test_fault_truncate_drops_entries);
	tcase_add_test(tc, test_invalidate_dirty_returns_ebusy);
	tcase_add_test(tc, test_writeback_towrite_only);
	suite_add_tcase(s, tc);
	return s;
}
