// SPDX-License-Identifier: MIT
/*
 * Unit tests for sim/kernel/mm/pgtable.c and the page-table side of sim/kernel/include/mm.h: lazy
 * 4-level tables, the leaf walk, vmf_insert_pfn() leaf bits and struct
 * page accounting, unmap_mapping_pages() and mapping_mkclean() by file
 * offset across several tasks.
 *
 * Pictures give one line per leaf, addresses relative to A = MMAP_BASE
 * (which is 512 GiB aligned):
 *
 *	A + off     PTE|PMD  pfn     bits
 *
 * and, for files, one column per page offset (pgoff) with
 *	.  no leaf     r  read-only PTE     w  writable PTE
 *	a  anonymous (private CoW) PTE      [===== PMD =====]  a PMD leaf
 */
#include <check.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "mm.h"
#include "share.h"
#include "sim.h"
#include "xfs_mount.h"
#include "unit_check.h"
#include "unit_world.h"
#include "unit_suites.h"

#define A		MMAP_BASE
#define SZ_4K		0x1000ULL
#define SZ_2M		0x200000ULL
#define SZ_1G		(1ULL << 30)
#define SZ_512G		(1ULL << 39)
#define PFN(bno)	(PMEM_PFN_BASE + (pfn_t)(bno))

#define PTE_BYTES	sizeof(struct pte_table)
#define PMD_BYTES	sizeof(struct pmd_table)
#define PUD_BYTES	sizeof(struct pud_table)
#define PGD_BYTES	sizeof(struct pgd_table)

/* Leaves seen by pgtable_walk(), in walk order. ----------------------- */
#define LEAVES_MAX	64

struct leaf {
	uint64_t	addr;
	uint64_t	entry;
	bool		pmd;
};

struct leaves {
	struct leaf	l[LEAVES_MAX];
	int		n;
};

static void collect_leaf(uint64_t addr, uint64_t *entry, bool is_pmd, void *arg)
{
	struct leaves *ls = arg;

	ut_assert_int_lt(ls->n, LEAVES_MAX);
	ls->l[ls->n++] = (struct leaf){ addr, *entry, is_pmd };
}

static void walk(struct mm_struct *mm, uint64_t start, uint64_t end,
		 struct leaves *ls)
{
	memset(ls, 0, sizeof(*ls));
	pgtable_walk(mm, start, end, collect_leaf, ls);
}

/* Compare a walk with an expected table of leaves (addr, entry, pmd). */
#define ut_assert_leaves(ls, exp, nexp)					\
	do {								\
		ut_assert_int_eq((ls)->n, (nexp));			\
		for (int i_ = 0; i_ < (nexp); i_++) {			\
			ut_assert_uint_eq((ls)->l[i_].addr, (exp)[i_].addr); \
			ut_assert_uint_eq((ls)->l[i_].entry, (exp)[i_].entry); \
			ut_assert_int_eq((ls)->l[i_].pmd, (exp)[i_].pmd); \
		}							\
	} while (0)

static uint64_t leaf_val(pfn_t pfn, uint64_t bits)
{
	return (pfn << PAGE_SHIFT) | _PAGE_PRESENT | bits;
}

static void set_pte(struct mm_struct *mm, uint64_t addr, uint64_t val)
{
	*pte_lookup(mm, addr, true) = val;
}

static void set_pmd(struct mm_struct *mm, uint64_t addr, uint64_t val)
{
	*pmd_lookup(mm, addr, true) = val | _PAGE_PSE;
}

/* Bare page tables (no ut_world needed) ---------------------------------- */

START_TEST(test_pgtable_empty)
{
	struct mm_struct mm = { 0 };
	struct leaves ls;

	ut_assert(pte_lookup(&mm, A, false) == NULL);
	ut_assert(pmd_lookup(&mm, A, false) == NULL);
	ut_assert(!pmd_has_pte_table(&mm, A));
	ut_assert(mm.pgd == NULL);
	ut_assert_uint_eq(mm.pgtable_bytes, 0);
	walk(&mm, 0, A + SZ_512G, &ls);
	ut_assert_int_eq(ls.n, 0);
	pgtable_free(&mm);		/* no-op on an empty mm */
	ut_assert(mm.pgd == NULL);
}
END_TEST

/*
 * Tables are allocated on first use only, and accounted.  Each row is one
 * lookup with alloc=true and the bytes it must add:
 *
 *	A             pgd + pud + pmd + pte     (first touch)
 *	A + 4K        -                         (same PTE table)
 *	A + 2M - 4K   -                         (last slot of that table)
 *	A + 2M        pte                       (next PMD slot)
 *	A + 4M (pmd)  -                         (pmd_lookup never adds a PTE table)
 *	A + 1G        pmd + pte                 (next PUD slot)
 *	A + 512G      pud + pmd + pte           (next PGD slot)
 */
START_TEST(test_pgtable_lazy_alloc)
{
	static const struct {
		uint64_t	addr;
		bool		pmd;
		uint64_t	added;
	} rows[] = {
		{ A,			false, PGD_BYTES + PUD_BYTES + PMD_BYTES + PTE_BYTES },
		{ A + SZ_4K,		false, 0 },
		{ A + SZ_2M - SZ_4K,	false, 0 },
		{ A + SZ_2M,		false, PTE_BYTES },
		{ A + 2 * SZ_2M,	true,  0 },
		{ A + SZ_1G,		false, PMD_BYTES + PTE_BYTES },
		{ A + SZ_512G,		false, PUD_BYTES + PMD_BYTES + PTE_BYTES },
	};
	struct mm_struct mm = { 0 };
	uint64_t bytes = 0;

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		uint64_t *slot = rows[i].pmd ? pmd_lookup(&mm, rows[i].addr, true) :
					      pte_lookup(&mm, rows[i].addr, true);

		ut_assert(slot != NULL);
		ut_assert_uint_eq(*slot, 0);	/* new tables are zeroed */
		bytes += rows[i].added;
		ut_assert_uint_eq(mm.pgtable_bytes, bytes);
		/* now visible without allocating */
		ut_assert(rows[i].pmd ? pmd_lookup(&mm, rows[i].addr, false) == slot :
					pte_lookup(&mm, rows[i].addr, false) == slot);
	}
	ut_assert(pmd_has_pte_table(&mm, A));
	ut_assert(pmd_has_pte_table(&mm, A + SZ_2M + 0x1234));
	ut_assert(!pmd_has_pte_table(&mm, A + 2 * SZ_2M));
	ut_assert(pte_lookup(&mm, A + 2 * SZ_2M, false) == NULL);
	ut_assert_uint_eq(mm.pgtable_bytes, bytes);
	pgtable_free(&mm);
	ut_assert(mm.pgd == NULL);
	ut_assert_uint_eq(mm.pgtable_bytes, 0);
	ut_assert(pte_lookup(&mm, A, false) == NULL);
	/* the mm is reusable after pgtable_free() */
	ut_assert(pte_lookup(&mm, A, true) != NULL);
	ut_assert_uint_eq(mm.pgtable_bytes, PGD_BYTES + PUD_BYTES + PMD_BYTES + PTE_BYTES);
	pgtable_free(&mm);
}
END_TEST

/*
 * The address decomposes into 9-bit indexes: neighbouring pages are
 * neighbouring slots of one table, neighbouring 2M ranges neighbouring
 * PMD slots, and every address inside a 2M range shares its PMD slot.
 */
START_TEST(test_pgtable_index_decomposition)
{
	struct mm_struct mm = { 0 };
	uint64_t *pte0 = pte_lookup(&mm, A, true);
	uint64_t *pmd0 = pmd_lookup(&mm, A, true);

	ut_assert(pte_lookup(&mm, A + SZ_4K, true) == pte0 + 1);
	ut_assert(pte_lookup(&mm, A + 0x1fffff, true) == pte0 + 511);
	ut_assert(pte_lookup(&mm, A + 0x1234, true) == pte0 + 1);
	ut_assert(pmd_lookup(&mm, A + 0x1fffff, true) == pmd0);
	ut_assert(pmd_lookup(&mm, A + SZ_2M, true) == pmd0 + 1);
	ut_assert(pmd_lookup(&mm, A + SZ_1G - SZ_2M, true) == pmd0 + 511);

	/* a PTE of the next 2M range lands in another table, not pte0[512] */
	*pte_lookup(&mm, A + SZ_2M, true) = leaf_val(PFN(7), 0);
	for (int i = 0; i < PTRS_PER_PTE; i++)
		ut_assert_uint_eq(pte0[i], 0);
	ut_assert_uint_eq(*pte_lookup(&mm, A + SZ_2M + 0xfff, false), leaf_val(PFN(7), 0));
	/* and the same offset 1G / 512G higher is a different slot again */
	ut_assert_uint_eq(*pte_lookup(&mm, A + SZ_1G + SZ_2M, true), 0);
	ut_assert_uint_eq(*pte_lookup(&mm, A + SZ_512G + SZ_2M, true), 0);
	pgtable_free(&mm);
}
END_TEST

/*
 *	A                     PMD  0x100200   (huge leaf)
 *	A + 2M                PTE  0x100010
 *	A + 2M + 0x3000       PTE  0x100011
 *	A + 2M + 0x4000       --   garbage without _PAGE_PRESENT: not a leaf
 *	A + 2M + 0x1ff000     PTE  0x100012
 *	A + 4M                --   an allocated but empty PTE table
 *	A + 1G + 0x2000       PTE  0x100013
 *	A + 512G              PMD  0x100400
 */
static void build_walk_layout(struct mm_struct *mm)
{
	set_pmd(mm, A, leaf_val(0x100200, 0));
	set_pte(mm, A + SZ_2M, leaf_val(0x100010, 0));
	set_pte(mm, A + SZ_2M + 0x3000, leaf_val(0x100011, _PAGE_RW));
	set_pte(mm, A + SZ_2M + 0x4000, 0xf00);
	set_pte(mm, A + SZ_2M + 0x1ff000, leaf_val(0x100012, 0));
	set_pte(mm, A + 2 * SZ_2M, 0);
	set_pte(mm, A + SZ_1G + 0x2000, leaf_val(0x100013, 0));
	set_pmd(mm, A + SZ_512G, leaf_val(0x100400, 0));
}

START_TEST(test_pgtable_walk_all)
{
	const struct leaf exp[] = {
		{ A,			leaf_val(0x100200, _PAGE_PSE), true },
		{ A + SZ_2M,		leaf_val(0x100010, 0), false },
		{ A + SZ_2M + 0x3000,	leaf_val(0x100011, _PAGE_RW), false },
		{ A + SZ_2M + 0x1ff000,	leaf_val(0x100012, 0), false },
		{ A + SZ_1G + 0x2000,	leaf_val(0x100013, 0), false },
		{ A + SZ_512G,		leaf_val(0x100400, _PAGE_PSE), true },
	};
	struct mm_struct mm = { 0 };
	struct leaves ls;

	build_walk_layout(&mm);
	walk(&mm, A, A + SZ_512G + SZ_2M, &ls);
	ut_assert_leaves(&ls, exp, (int)ARRAY_SIZE(exp));
	/* from address 0: the empty PGD slots below A are skipped */
	walk(&mm, 0, ~0ULL >> 16, &ls);
	ut_assert_leaves(&ls, exp, (int)ARRAY_SIZE(exp));
	/*
	 * To the top of the address space (H1's first version): the skip
	 * past the last absent slot wraps to 0 and must end the walk, not
	 * restart it.
	 */
	walk(&mm, 0, ~0ULL, &ls);
	ut_assert_leaves(&ls, exp, (int)ARRAY_SIZE(exp));
	walk(&mm, ~0ULL - SZ_1G, ~0ULL, &ls);
	ut_assert_int_eq(ls.n, 0);
	pgtable_free(&mm);
}
END_TEST

/*
 * PUD leaves (device DAX, align=1g): a 1 GiB leaf in the PUD level.  The
 * walk reports it once, at its base, as huge with _PAGE_PUD; there is no
 * PMD level under it.
 *
 *	A            PTE  0x100010
 *	A + 1G       PUD  0x140000   (covers [A + 1G, A + 2G))
 *	A + 2G + 2M  PMD  0x100200
 */
START_TEST(test_pgtable_pud_leaf)
{
	const struct leaf exp[] = {
		{ A,			leaf_val(0x100010, 0), false },
		{ A + SZ_1G,		leaf_val(0x140000, _PAGE_PSE | _PAGE_PUD), true },
		{ A + 2 * SZ_1G + SZ_2M, leaf_val(0x100200, _PAGE_PSE), true },
	};
	struct mm_struct mm = { 0 };
	struct leaves ls;

	set_pte(&mm, A, exp[0].entry);
	*pud_lookup(&mm, A + SZ_1G, true) = exp[1].entry;
	set_pmd(&mm, A + 2 * SZ_1G + SZ_2M, exp[2].entry);
	ut_assert(pmd_lookup(&mm, A + SZ_1G + SZ_2M, false) == NULL);
	ut_assert(pte_lookup(&mm, A + SZ_1G + SZ_4K, false) == NULL);
	ut_assert(!pud_has_pmd_table(&mm, A + SZ_1G));
	ut_assert(pud_has_pmd_table(&mm, A));
	ut_assert_uint_eq(pgtable_leaf_pages(exp[1].entry, true), 1ULL << PUD_ORDER);
	ut_assert_uint_eq(pgtable_leaf_pages(exp[2].entry, true), 1ULL << PMD_ORDER);
	ut_assert_uint_eq(pgtable_leaf_pages(exp[0].entry, false), 1);
	walk(&mm, A, A + 4 * SZ_1G, &ls);
	ut_assert_leaves(&ls, exp, (int)ARRAY_SIZE(exp));
	/* a range inside the GiB: the leaf, at its base */
	walk(&mm, A + SZ_1G + 4 * SZ_2M, A + SZ_1G + 8 * SZ_2M, &ls);
	ut_assert_leaves(&ls, &exp[1], 1);
	/* zapping through the walk clears it */
	*pud_lookup(&mm, A + SZ_1G, false) = 0;
	walk(&mm, A + SZ_1G, A + 2 * SZ_1G, &ls);
	ut_assert_int_eq(ls.n, 0);
	pgtable_free(&mm);
}
END_TEST

/* Sub-ranges: [start, end) is half-open; a PMD leaf is reported at its base. */
START_TEST(test_pgtable_walk_ranges)
{
	static const struct {
		uint64_t	start, end;
		int		n;
		uint64_t	addr[3];
	} rows[] = {
		{ A + 0x1000, A + 0x2000, 1, { A } },
		{ A + SZ_2M + 0x1000, A + SZ_2M + 0x1ff000, 1, { A + SZ_2M + 0x3000 } },
		{ A + SZ_2M + 0x3000, A + SZ_2M + 0x3001, 1, { A + SZ_2M + 0x3000 } },
		{ A + SZ_2M, A + SZ_2M, 0, { 0 } },
		{ A + 2 * SZ_2M, A + SZ_1G + 0x2000, 0, { 0 } },
		{ A + 2 * SZ_2M, A + SZ_1G + 0x2001, 1, { A + SZ_1G + 0x2000 } },
		{ A + SZ_1G + 0x3000, A + SZ_512G + 0x1000, 1, { A + SZ_512G } },
		{ A + SZ_2M - 0x1000, A + SZ_2M + 0x4000, 3,
		  { A, A + SZ_2M, A + SZ_2M + 0x3000 } },
	};
	struct mm_struct mm = { 0 };
	struct leaves ls;

	build_walk_layout(&mm);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		walk(&mm, rows[i].start, rows[i].end, &ls);
		ut_assert_int_eq(ls.n, rows[i].n);
		for (int j = 0; j < rows[i].n; j++)
			ut_assert_uint_eq(ls.l[j].addr, rows[i].addr[j]);
	}
	pgtable_free(&mm);
}
END_TEST

static void clear_leaf(uint64_t addr, uint64_t *entry, bool is_pmd, void *arg)
{
	int *n = arg;

	*entry = 0;
	(*n)++;
}

/* A walk callback may clear leaves (zap); the tables themselves stay. */
START_TEST(test_pgtable_walk_zap_keeps_tables)
{
	struct mm_struct mm = { 0 };
	struct leaves ls;
	uint64_t bytes;
	int n = 0;

	build_walk_layout(&mm);
	bytes = mm.pgtable_bytes;
	pgtable_walk(&mm, A, A + SZ_1G, clear_leaf, &n);
	ut_assert_int_eq(n, 4);
	walk(&mm, A, A + SZ_512G + SZ_2M, &ls);
	ut_assert_int_eq(ls.n, 2);
	ut_assert_uint_eq(ls.l[0].addr, A + SZ_1G + 0x2000);
	ut_assert_uint_eq(ls.l[1].addr, A + SZ_512G);
	ut_assert(pmd_has_pte_table(&mm, A + SZ_2M));
	ut_assert_uint_eq(mm.pgtable_bytes, bytes);
	/* the non-present garbage word was not passed to the callback */
	ut_assert_uint_eq(*pte_lookup(&mm, A + SZ_2M + 0x4000, false), 0xf00);
	pgtable_free(&mm);
}
END_TEST

/* With a world: mmap layout, leaf insertion and reverse unmapping ------ */


static struct file *open_file(struct task_struct *t, struct xfs_inode *ip)
{
	struct file *f = alloc_file(VFS_I(ip), ip->i_name, false);

	g_ptr_array_add(t->files, f);
	return f;
}

static struct vm_area_struct *map(struct task_struct *t, struct file *f,
				  uint64_t off, uint64_t len, unsigned long flags)
{
	int err = 0;
	struct vm_area_struct *vma = do_mmap(t, f, off, len, flags, 0, &err);

	ck_assert_msg(vma != NULL, "do_mmap: %d", err);
	return vma;
}

/* vmf_insert_pfn() at file offset @pgoff of @vma. */
static void insert_at(struct vm_area_struct *vma, pgoff_t pgoff, pfn_t pfn,
		      bool write, bool pmd)
{
	struct vm_fault vmf = {
		.vma = vma,
		.address = vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT),
		.pgoff = pgoff,
		.flags = write ? FAULT_FLAG_WRITE : 0,
	};

	vmf_insert_pfn(&vmf, pfn, write, pmd);
}

static uint64_t leaf_at(struct vm_area_struct *vma, pgoff_t pgoff, bool pmd)
{
	uint64_t addr = vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
	uint64_t *slot = pmd ? pmd_lookup(vma->vm_mm, addr, false) :
			       pte_lookup(vma->vm_mm, addr, false);

	return slot ? *slot : 0;
}

static struct page *pg(pfn_t pfn)
{
	return pfn_to_page(&ut_world.memmap, pfn);
}

/*
 * do_mmap() lays mappings out upward from MMAP_BASE with the PMD colour
 * of the file offset (thp_get_unmapped_area), a PMD-sized guard gap, and
 * VM_HUGEPAGE on S_DAX files.
 */
START_TEST(test_mmap_layout_and_find_vma)
{
	struct xfs_inode *ip = ut_create_file("f", 8 * SZ_2M);
	struct file *f = open_file(ut_tsk[0], ip);
	struct vm_area_struct *v1, *v2, *v3;
	int err = 0;

	v1 = map(ut_tsk[0], f, 0, 2 * SZ_2M, VM_READ | VM_WRITE | VM_SHARED);
	v2 = map(ut_tsk[0], f, SZ_2M + 0x3000, 0x2000, VM_READ);
	v3 = map(ut_tsk[0], f, 0, 5000, VM_READ);

	ut_assert_uint_eq(v1->vm_start, A);
	ut_assert_uint_eq(v1->vm_end - v1->vm_start, 2 * SZ_2M);
	ut_assert_uint_eq(v1->vm_pgoff, 0);
	ut_assert_uint_eq(v1->vm_flags, VM_READ | VM_WRITE | VM_SHARED | VM_HUGEPAGE);
	ut_assert_uint_eq(v2->vm_start & (SZ_2M - 1), 0x3000);
	ut_assert_uint_ge(v2->vm_start, v1->vm_end + SZ_2M);
	ut_assert_uint_eq(v2->vm_pgoff, 512 + 3);
	ut_assert_uint_eq(v3->vm_end - v3->vm_start, 0x2000);	/* page-rounded */
	ut_assert_uint_ge(v3->vm_start, v2->vm_end + SZ_2M);
	ut_assert_uint_eq(linear_page_index(v2, v2->vm_start + 0x1000), 516);
	ut_assert_int_eq(g_tree_nnodes(VFS_I(ip)->i_mapping->i_mmap), 3);

	ut_assert(find_vma(ut_tsk[0]->mm, v1->vm_start) == v1);
	ut_assert(find_vma(ut_tsk[0]->mm, v1->vm_end - 1) == v1);
	ut_assert(find_vma(ut_tsk[0]->mm, v1->vm_end) == NULL);
	ut_assert(find_vma(ut_tsk[0]->mm, v2->vm_start - 1) == NULL);
	ut_assert(find_vma(ut_tsk[0]->mm, v2->vm_start + 0x1fff) == v2);
	ut_assert(find_vma(ut_tsk[0]->mm, v3->vm_end) == NULL);
	ut_assert(find_vma(ut_tsk[0]->mm, A - 1) == NULL);
	ut_assert(find_vma(ut_tsk[1]->mm, v1->vm_start) == NULL);

	ut_assert(do_mmap(ut_tsk[0], f, 0x800, SZ_4K, VM_READ, 0, &err) == NULL);
	ut_assert_int_eq(err, -EINVAL);
	ut_assert(do_mmap(ut_tsk[0], f, 0, 0, VM_READ, 0, &err) == NULL);
	ut_assert_int_eq(err, -EINVAL);
	ut_assert(do_mmap(ut_tsk[0], f, 0, SZ_4K, VM_READ, MAP_SYNC_, &err) == NULL);
	ut_assert_int_eq(err, -EOPNOTSUPP);
	ut_assert_int_eq(g_tree_nnodes(VFS_I(ip)->i_mapping->i_mmap), 3);
	ut_assert_int_eq(lock_total_held(), ut_held0);
}
END_TEST

/*
 * vmf_insert_pfn(): the leaf bits per kind of pfn, the write-protect fault
 * upgrade on the same pfn, replacement of a different pfn, and the struct
 * page map/ref counts that munmap must give back.
 *
 *	step  pgoff  pfn      write  level  expected leaf
 *	 0    0      zero     no     PTE    P|SPECIAL
 *	 1    1      P        no     PTE    P                  P: map 1
 *	 2    1      P        yes    PTE    P|RW|DIRTY         P: map 1 (upgrade)
 *	 3    1      Q        no     PTE    P                  P: map 0, Q: map 1
 *	 4    512    zero     no     PMD    P|PSE|SPECIAL
 *	 5    512    H        yes    PMD    P|PSE|RW|DIRTY     H: map 1
 *	 6    2      anon     yes    PTE    P|RW|DIRTY|ANON
 */
START_TEST(test_vmf_insert_pfn_leaves)
{
	const pfn_t P = PFN(4000), Q = PFN(4001), H = PFN(1024);
	const pfn_t anon = anon_page_alloc();
	const struct {
		pgoff_t	pgoff;
		pfn_t	pfn;
		bool	write, pmd;
		uint64_t bits;
	} rows[] = {
		{ 0, ZERO_PFN, false, false, _PAGE_SPECIAL },
		{ 1, P, false, false, 0 },
		{ 1, P, true, false, _PAGE_RW | _PAGE_DIRTY },
		{ 1, Q, false, false, 0 },
		{ 512, ZERO_PFN, false, true, _PAGE_PSE | _PAGE_SPECIAL },
		{ 512, H, true, true, _PAGE_PSE | _PAGE_RW | _PAGE_DIRTY },
		{ 2, anon, true, false, _PAGE_RW | _PAGE_DIRTY | _PAGE_ANON },
	};
	const struct { pfn_t pfn; int32_t map[ARRAY_SIZE(rows)]; } counts[] = {
		{ P, { 0, 1, 1, 0, 0, 0, 0 } },
		{ Q, { 0, 0, 0, 1, 1, 1, 1 } },
		{ H, { 0, 0, 0, 0, 0, 1, 1 } },
	};
	struct xfs_inode *ip = ut_create_file("f", 4 * SZ_2M);
	struct file *f = open_file(ut_tsk[0], ip);
	struct vm_area_struct *v = map(ut_tsk[0], f, 0, 2 * SZ_2M,
				       VM_READ | VM_WRITE | VM_SHARED);

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		insert_at(v, rows[i].pgoff, rows[i].pfn, rows[i].write, rows[i].pmd);
		ut_assert_uint_eq(leaf_at(v, rows[i].pgoff, rows[i].pmd),
				  leaf_val(rows[i].pfn, rows[i].bits));
		for (size_t c = 0; c < ARRAY_SIZE(counts); c++) {
			ut_assert_int_eq(pg(counts[c].pfn)->_mapcount, counts[c].map[i]);
			ut_assert_int_eq(pg(counts[c].pfn)->_refcount, counts[c].map[i]);
		}
	}
	ut_assert_uint_eq(anon_pages_in_use(), 1);
	ut_assert(!pmd_has_pte_table(ut_tsk[0]->mm, v->vm_start + SZ_2M));

	/* munmap zaps every leaf and gives back every count and anon page */
	do_munmap(ut_tsk[0], v);
	ut_assert_int_eq(pg(Q)->_mapcount, 0);
	ut_assert_int_eq(pg(H)->_mapcount, 0);
	ut_assert_int_eq(pg(H)->_refcount, 0);
	ut_assert_uint_eq(anon_pages_in_use(), 0);
	ut_assert_int_eq(g_tree_nnodes(VFS_I(ip)->i_mapping->i_mmap), 0);
	ut_assert_int_eq(lock_total_held(), ut_held0);
}
END_TEST

/*
 * unmap_mapping_pages() reaches every task's vma of the file, by file
 * offset; a PMD leaf overlapping the range goes whole; private CoW (anon)
 * PTEs survive unless even_cows.
 *
 *   pgoff      0  1  2  3  4  ...  512 ............ 1023
 *   p1 (shared, [0, 4M))
 *              w  w  w  w  .       [======= PMD H =======]
 *   p2 (private, [4K, 20K))
 *                 r  a  r  r
 *
 *   unmap(2, 1, !even_cows)  ->  p1: w w . w    p2: r a r r
 *   unmap(2, 1, even_cows)   ->  p1: w w . w    p2: r . r r
 *   unmap(600, 1)            ->  p1 PMD gone (it overlaps 600)
 *   unmap(0, 4)              ->  p1: . . . .    p2: . . . r  (pgoff 4 kept)
 */
START_TEST(test_unmap_mapping_pages)
{
	const pfn_t H = PFN(1024), anon = anon_page_alloc();
	struct xfs_inode *ip = ut_create_file("f", 4 * SZ_2M);
	struct file *f1 = open_file(ut_tsk[0], ip), *f2 = open_file(ut_tsk[1], ip);
	struct vm_area_struct *v1 = map(ut_tsk[0], f1, 0, 2 * SZ_2M,
					VM_READ | VM_WRITE | VM_SHARED);
	struct vm_area_struct *v2 = map(ut_tsk[1], f2, SZ_4K, 4 * SZ_4K,
					VM_READ | VM_WRITE);
	struct address_space *m = VFS_I(ip)->i_mapping;

	for (pgoff_t i = 0; i < 4; i++)
		insert_at(v1, i, PFN(4000 + i), true, false);
	insert_at(v1, 512, H, true, true);
	insert_at(v2, 1, PFN(4001), false, false);
	insert_at(v2, 2, anon, true, false);
	insert_at(v2, 3, PFN(4003), false, false);
	insert_at(v2, 4, PFN(4004), false, false);
	ut_assert_int_eq(pg(PFN(4001))->_mapcount, 2);

	unmap_mapping_pages(m, 2, 1, false);
	ut_assert_uint_eq(leaf_at(v1, 2, false), 0);
	ut_assert_uint_eq(leaf_at(v1, 1, false), leaf_val(PFN(4001), _PAGE_RW | _PAGE_DIRTY));
	ut_assert_uint_eq(leaf_at(v1, 3, false), leaf_val(PFN(4003), _PAGE_RW | _PAGE_DIRTY));
	ut_assert_uint_eq(leaf_at(v2, 2, false),
			  leaf_val(anon, _PAGE_RW | _PAGE_DIRTY | _PAGE_ANON));
	ut_assert_int_eq(pg(PFN(4002))->_mapcount, 0);
	ut_assert_uint_eq(anon_pages_in_use(), 1);

	unmap_mapping_pages(m, 2, 1, true);
	ut_assert_uint_eq(leaf_at(v2, 2, false), 0);
	ut_assert_uint_eq(anon_pages_in_use(), 0);
	ut_assert_uint_eq(leaf_at(v2, 1, false), leaf_val(PFN(4001), 0));

	unmap_mapping_pages(m, 600, 1, false);
	ut_assert_uint_eq(leaf_at(v1, 512, true), 0);
	ut_assert_int_eq(pg(H)->_mapcount, 0);

	unmap_mapping_pages(m, 0, 4, false);
	for (pgoff_t i = 0; i < 4; i++)
		ut_assert_uint_eq(leaf_at(v1, i, false), 0);
	ut_assert_uint_eq(leaf_at(v2, 1, false), 0);
	ut_assert_uint_eq(leaf_at(v2, 3, false), 0);
	ut_assert_uint_eq(leaf_at(v2, 4, false), leaf_val(PFN(4004), 0));
	ut_assert_int_eq(pg(PFN(4001))->_mapcount, 0);
	ut_assert_int_eq(pg(PFN(4004))->_mapcount, 1);
	ut_assert_int_eq(lock_total_held(), ut_held0);
}
END_TEST

/*
 * BUG (sim/kernel/mm/memory.c, unmap_mapping_pages -> for_each_mapping_vma): the kernel
 * documents "@nr: Number of pages to be unmapped.  0 to unmap to end of
 * file" (last_index = start + nr - 1 wraps, so it becomes ULONG_MAX).  The
 * simulator returns without unmapping anything when nr == 0.
 *
 *   pgoff   0  1  2  3            unmap(2, 0)
 *   p1      r  r  r  r     ->     r  r  .  .
 */
START_TEST(test_unmap_mapping_pages_nr0_to_eof)
{
	struct xfs_inode *ip = ut_create_file("f", 4 * SZ_4K);
	struct file *f = open_file(ut_tsk[0], ip);
	struct vm_area_struct *v = map(ut_tsk[0], f, 0, 4 * SZ_4K, VM_READ | VM_SHARED);

	for (pgoff_t i = 0; i < 4; i++)
		insert_at(v, i, PFN(4000 + i), false, false);
	unmap_mapping_pages(VFS_I(ip)->i_mapping, 2, 0, false);
	ut_assert_uint_eq(leaf_at(v, 0, false), leaf_val(PFN(4000), 0));
	ut_assert_uint_eq(leaf_at(v, 1, false), leaf_val(PFN(4001), 0));
	ut_assert_uint_eq(leaf_at(v, 2, false), 0);
	ut_assert_uint_eq(leaf_at(v, 3, false), 0);
}
END_TEST

/*
 * mapping_mkclean() (pfn_mkclean_range for every vma): file leaves in the
 * range lose RW and DIRTY, a PMD leaf overlapping the range included;
 * anonymous CoW pages are not the file's and keep theirs.
 *
 *   pgoff      0  1  2 ...  512 ....... 1023          mkclean(1, 600)
 *   p1         w  w  .      [== PMD w ==]      ->     w  r  .  [== PMD r ==]
 *   p2            a                            ->        a
 */
START_TEST(test_mapping_mkclean)
{
	const pfn_t H = PFN(1024), anon = anon_page_alloc();
	const uint64_t wbits = _PAGE_RW | _PAGE_DIRTY;
	struct xfs_inode *ip = ut_create_file("f", 4 * SZ_2M);
	struct file *f1 = open_file(ut_tsk[0], ip), *f2 = open_file(ut_tsk[1], ip);
	struct vm_area_struct *v1 = map(ut_tsk[0], f1, 0, 2 * SZ_2M,
					VM_READ | VM_WRITE | VM_SHARED);
	struct vm_area_struct *v2 = map(ut_tsk[1], f2, 0, SZ_2M, VM_READ | VM_WRITE);

	insert_at(v1, 0, PFN(4000), true, false);
	insert_at(v1, 1, PFN(4001), true, false);
	insert_at(v1, 512, H, true, true);
	insert_at(v2, 1, anon, true, false);

	mapping_mkclean(VFS_I(ip)->i_mapping, 1, 600);
	ut_assert_uint_eq(leaf_at(v1, 0, false), leaf_val(PFN(4000), wbits));
	ut_assert_uint_eq(leaf_at(v1, 1, false), leaf_val(PFN(4001), 0));
	ut_assert_uint_eq(leaf_at(v1, 512, true), leaf_val(H, _PAGE_PSE));
	ut_assert_uint_eq(leaf_at(v2, 1, false), leaf_val(anon, wbits | _PAGE_ANON));
	/* still mapped: cleaning is not unmapping */
	ut_assert_int_eq(pg(PFN(4001))->_mapcount, 1);
	ut_assert_int_eq(pg(H)->_mapcount, 1);
	ut_assert_int_eq(lock_total_held(), ut_held0);
}
END_TEST

Suite *pgtable_suite(void)
{
	Suite *s = suite_create("pgtable");
	TCase *tc = tcase_create("pgtable");

	tcase_add_test(tc, test_pgtable_empty);
	tcase_add_test(tc, test_pgtable_lazy_alloc);
	tcase_add_test(tc, test_pgtable_index_decomposition);
	tcase_add_test(tc, test_pgtable_walk_all);
	tcase_add_test(tc, test_pgtable_walk_ranges);
	tcase_add_test(tc, test_pgtable_pud_leaf);
	tcase_add_test(tc, test_pgtable_walk_zap_keeps_tables);
	suite_add_tcase(s, tc);

	tc = tcase_create("mm");
	tcase_add_checked_fixture(tc, ut_world_setup, ut_world_teardown);
	tcase_add_test(tc, test_mmap_layout_and_find_vma);
	tcase_add_test(tc, test_vmf_insert_pfn_leaves);
	tcase_add_test(tc, test_unmap_mapping_pages);
	tcase_add_test(tc, test_mapping_mkclean);
	tcase_add_test(tc, test_unmap_mapping_pages_nr0_to_eof);
	suite_add_tcase(s, tc);
	return s;
}
