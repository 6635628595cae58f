// SPDX-License-Identifier: MIT
/*
 * The invariant checker's teeth on the mapping invariants (docs/invariants.md
 * M1-M6), on the designs' full sweeps (P-mainline, P-shadow, P-maplist and
 * their page caches) and on its own reporting (where, the touched set, at
 * most eight violations printed, at most four F3 ranges, the F2 first
 * difference): a file is mapped and faulted through the real kernel paths,
 * then one page-table leaf, DAX entry, folio, struct page or allocator/rmap
 * record is broken by hand the way a kernel bug would, a check must name
 * the right invariant with the right words, and the test puts the
 * structure back so that unmount sees a consistent world.  No input
 * reaches these states (the mutants break the paths above them).
 */
#include <check.h>
#include <glib.h>
#include <string.h>

#include "checker.h"
#include "dax.h"
#include "lock.h"
#include "memmap.h"
#include "mm.h"
#include "pagemap.h"
#include "share.h"
#include "share_registry.h"
#include "sim.h"
#include "xfs_alloc.h"
#include "xfs_mount.h"
#include "xfs_rmap.h"
#include "unit_check.h"
#include "unit_suites.h"
#include "unit_world.h"

#define SZ_4K	0x1000ULL

static GString *ids;
static char *text;
static size_t textlen;
static FILE *sink;

static void note(const char *id)
{
	g_string_append_printf(ids, "%s ", id);
}

static void setup(void)
{
	ut_world_setup();
	ids = g_string_new(NULL);
	sink = open_memstream(&text, &textlen);
	checker_set_sink(sink, note);
}

static void pc_setup(void)
{
	setup();
	XFS_M(ut_world.sb)->m_opts.dax = XFS_DAX_NEVER;	/* new inodes: page cache */
}

static void teardown(void)
{
	ck_assert_int_eq(checker_run(true, NULL, NULL), 0);	/* put back: consistent again */
	checker_set_sink(NULL, NULL);
	fclose(sink);
	free(text);
	g_string_free(ids, TRUE);
	ut_world_teardown();
}

/* A check (full or of @touched); the IDs it noted, in order.  text holds its output. */
static const char *check(bool full, const struct check_where *w, GTree *touched)
{
	g_string_truncate(ids, 0);
	fclose(sink);		/* a fresh stream: text holds this check's output only */
	free(text);
	sink = open_memstream(&text, &textlen);
	checker_set_sink(sink, note);
	checker_run(full, w, touched);
	fflush(sink);
	return ids->str;
}

static const char *full_check(void)
{
	return check(true, NULL, NULL);
}

static bool said(const char *s)
{
	return strstr(text, s) != NULL;
}

static int64_t write_file(struct xfs_inode *ip, uint64_t pos, uint64_t len, int c)
{
	struct file *f = alloc_file(VFS_I(ip), "w", false);
	unsigned char *buf = g_malloc(len);
	int64_t n;

	memset(buf, c, len);
	n = vfs_write(f, buf, len, pos);
	fput(f);
	g_free(buf);
	return n;
}

/* Map @ip shared (read-write) in p1 and read-fault pages [0, @npages). */
static struct vm_area_struct *map_and_read(struct xfs_inode *ip, uint64_t len, int npages)
{
	struct file *f = alloc_file(VFS_I(ip), ip->i_name, false);
	struct vm_area_struct *vma;
	unsigned char b;
	int err = 0;

	g_ptr_array_add(ut_tsk[0]->files, f);
	vma = do_mmap(ut_tsk[0], f, 0, len, VM_READ | VM_WRITE | VM_SHARED, 0, &err);
	ck_assert_msg(vma != NULL, "do_mmap: %d", err);
	for (int i = 0; i < npages; i++)
		ck_assert_int_eq(mm_access(ut_tsk[0], vma->vm_start + i * SZ_4K, &b, 1, false), 0);
	return vma;
}

static uint64_t *pte(struct vm_area_struct *vma, pgoff_t index)
{
	return pte_lookup(vma->vm_mm, vma->vm_start + index * SZ_4K, true);
}

static char want[512];

static const char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static const char *fmt(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(want, sizeof(want), f, ap);
	va_end(ap);
	return want;
}

/* --- DAX mappings ------------------------------------------------------- */

/* M2: a read fault on a hole maps the zero page read-only; made writable, it is caught. */
START_TEST(test_zero_page_writable)
{
	struct xfs_inode *ip = ut_create_file("f", 4 * SZ_4K);
	struct vm_area_struct *vma = map_and_read(ip, 4 * SZ_4K, 1);
	uint64_t *e = pte(vma, 0);

	ck_assert_uint_eq(PTE_PFN(*e), ZERO_PFN);
	ck_assert_str_eq(full_check(), "");
	*e |= _PAGE_RW;
	ck_assert_str_eq(full_check(), "M2 ");
	ck_assert(said(fmt("INVARIANT M2 violated at end of scenario: ino %llu index 0: "
			   "the zero page is mapped writable\n", (unsigned long long)ip->i_ino)));
	*e &= ~_PAGE_RW;
}
END_TEST

/*
 * M1: a PTE that maps the file's other block names the block the extent
 * list has there and the entry that references another page.
 */
START_TEST(test_pte_maps_the_wrong_block)
{
	struct xfs_inode *ip = ut_create_file("f", 0);
	struct vm_area_struct *vma;
	struct xfs_bmbt_irec irec;
	uint64_t *e0, *e1, save;

	ck_assert_int_eq(write_file(ip, 0, 2 * SZ_4K, 'a'), 2 * SZ_4K);
	vma = map_and_read(ip, 2 * SZ_4K, 2);
	ck_assert(xfs_iext_lookup_extent(ip->i_df, 0, &irec));
	e0 = pte(vma, 0);
	e1 = pte(vma, 1);
	ck_assert_uint_eq(PTE_PFN(*e0), PMEM_PFN_BASE + irec.br_startblock);
	save = *e0;
	*e0 = *e1;
	ck_assert_str_eq(full_check(), "M1 M1 ");
	ck_assert(said(fmt("ino %llu index 0: PTE maps block %llu but the file's block is %llu\n",
			   (unsigned long long)ip->i_ino, (unsigned long long)irec.br_startblock + 1,
			   (unsigned long long)irec.br_startblock)));
	ck_assert(said(fmt("ino %llu index 0: the page table maps pfn 0x%llx but the mapping's entry "
			   "references another page\n", (unsigned long long)ip->i_ino,
			   (unsigned long long)(PMEM_PFN_BASE + irec.br_startblock + 1))));
	*e0 = save;
}
END_TEST

/* M1: a PTE over a hole (no entry) and over an unwritten extent. */
START_TEST(test_pte_over_a_hole_and_unwritten)
{
	struct xfs_inode *ip = ut_create_file("f", 0);
	struct vm_area_struct *vma;
	uint64_t *e0, *e2, *e3;
	pfn_t pfn;

	ck_assert_int_eq(write_file(ip, 0, SZ_4K, 'a'), SZ_4K);
	ck_assert_int_eq(xfs_setattr_size(ip, 4 * SZ_4K), 0);
	ck_assert_int_eq(xfs_alloc_file_space(ip, 3 * SZ_4K, SZ_4K), 0);	/* index 3 unwritten */
	vma = map_and_read(ip, 4 * SZ_4K, 1);
	e0 = pte(vma, 0);
	e2 = pte(vma, 2);
	e3 = pte(vma, 3);
	ck_assert_uint_eq(*e2, 0);
	ck_assert_uint_eq(*e3, 0);
	pfn = PTE_PFN(*e0);
	*e2 = *e0 & ~_PAGE_RW;
	*e3 = *e0 & ~_PAGE_RW;
	ck_assert_str_eq(full_check(), "M1 M1 M1 M1 ");
	ck_assert(said(fmt("ino %llu index 2: PTE maps block %llu but the file's block is a hole 0\n",
			   (unsigned long long)ip->i_ino, (unsigned long long)(pfn - PMEM_PFN_BASE))));
	ck_assert(said(fmt("ino %llu index 2: the page table maps pfn 0x%llx but the mapping's entry is missing\n",
			   (unsigned long long)ip->i_ino, (unsigned long long)pfn)));
	ck_assert(said(fmt("ino %llu index 3: PTE maps block %llu but the file's block is unwritten ",
			   (unsigned long long)ip->i_ino, (unsigned long long)(pfn - PMEM_PFN_BASE))));
	*e2 = *e3 = 0;
}
END_TEST

/* M4: a DAX entry left locked between commands. */
START_TEST(test_entry_left_locked)
{
	struct xfs_inode *ip = ut_create_file("f", 0);
	struct dax_slot *slot;
	pgoff_t base;

	ck_assert_int_eq(write_file(ip, 0, SZ_4K, 'a'), SZ_4K);
	map_and_read(ip, SZ_4K, 1);
	slot = dax_lookup_slot(VFS_I(ip)->i_mapping, 0, &base);
	ck_assert_ptr_nonnull(slot);
	slot->entry |= DAX_LOCKED;
	ck_assert_str_eq(full_check(), "M4 ");
	ck_assert(said(fmt("ino %llu index 0: DAX entry still locked between commands\n",
			   (unsigned long long)ip->i_ino)));
	slot->entry &= ~DAX_LOCKED;
}
END_TEST

/* M3 (and F3): the block behind a PTE and an entry freed under them. */
START_TEST(test_mapped_block_freed)
{
	struct xfs_inode *ip = ut_create_file("f", 0);
	struct xfs_bmbt_irec irec;
	struct xfs_alloc *a = XFS_M(ut_world.sb)->m_alloc;
	unsigned long long b;

	ck_assert_int_eq(write_file(ip, 0, SZ_4K, 'a'), SZ_4K);
	map_and_read(ip, SZ_4K, 1);
	ck_assert(xfs_iext_lookup_extent(ip->i_df, 0, &irec));
	b = irec.br_startblock;
	xfs_alloc_free(a, b, 1);
	ck_assert_str_eq(full_check(), "M3 M3 F3 ");
	ck_assert(said(fmt("ino %llu index 0: PTE maps free block %llu\n", (unsigned long long)ip->i_ino, b)));
	ck_assert(said(fmt("ino %llu index 0: DAX entry references free block %llu\n",
			   (unsigned long long)ip->i_ino, b)));
	ck_assert(said(fmt("blocks [%llu, %llu) are referenced but free\n", b, b + 1)));
	xfs_alloc_mark_used(a, b, 1);
}
END_TEST

static gint u64_cmp(gconstpointer a, gconstpointer b, gpointer u)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void touch(GTree *t, uint64_t ino)
{
	uint64_t *k = g_new(uint64_t, 1);

	*k = ino;
	g_tree_insert(t, k, k);
}

/*
 * The incremental check looks at the touched inodes only, skips one no
 * longer in core, and names the command it follows.
 */
START_TEST(test_incremental_touched_only)
{
	struct xfs_inode *a = ut_create_file("a", 4 * SZ_4K), *b = ut_create_file("b", 4 * SZ_4K);
	struct vm_area_struct *va = map_and_read(a, 4 * SZ_4K, 1), *vb = map_and_read(b, 4 * SZ_4K, 1);
	struct check_where w = { "t.scn", 7, "mread" };
	GTree *touched = g_tree_new_full(u64_cmp, NULL, g_free, NULL);

	*pte(va, 0) |= _PAGE_RW;
	*pte(vb, 0) |= _PAGE_RW;
	touch(touched, b->i_ino);
	touch(touched, 999999);		/* not in core: nothing to look at */
	ck_assert_str_eq(check(false, &w, touched), "M2 ");
	ck_assert(said(fmt("INVARIANT M2 violated at t.scn:7 (mread): ino %llu index 0: "
			   "the zero page is mapped writable\n", (unsigned long long)b->i_ino)));
	ck_assert(!said(fmt(": ino %llu index 0: the zero page", (unsigned long long)a->i_ino)));
	*pte(va, 0) &= ~_PAGE_RW;
	*pte(vb, 0) &= ~_PAGE_RW;
	g_tree_destroy(touched);
}
END_TEST

/*
 * Eight violations are printed; the ninth and later are only counted, and
 * still pending, so that an `expect violation` claims them all.
 */
START_TEST(test_at_most_eight_printed)
{
	struct xfs_inode *ip = ut_create_file("f", 10 * SZ_4K);
	struct vm_area_struct *vma = map_and_read(ip, 10 * SZ_4K, 10);
	int lines = 0;

	for (int i = 0; i < 10; i++)
		*pte(vma, i) |= _PAGE_RW;
	ck_assert_str_eq(full_check(), "M2 M2 M2 M2 M2 M2 M2 M2 M2 M2 ");
	ck_assert_int_eq(checker_pending->len, 10);
	for (const char *p = text; (p = strstr(p, "INVARIANT M2")); p++)
		lines++;
	ck_assert_int_eq(lines, 8);
	ck_assert(said("index 7: the zero page"));
	ck_assert(!said("index 8: the zero page"));
	for (int i = 0; i < 10; i++)
		*pte(vma, i) &= ~_PAGE_RW;
}
END_TEST

/* M4: a lock still held between commands. */
START_TEST(test_lock_held_between_commands)
{
	struct xfs_inode *ip = ut_create_file("f", 0);

	xfs_ilock(ip, XFS_ILOCK_EXCL);
	ck_assert_str_eq(full_check(), "M4 ");
	ck_assert(said(fmt("INVARIANT M4 violated at end of scenario: %d locks still held between commands\n",
			   ut_held0 + 1)));
	xfs_iunlock(ip, XFS_ILOCK_EXCL);
}
END_TEST

/* F3: at most four ranges are reported (five files' blocks freed under them). */
START_TEST(test_at_most_four_ranges)
{
	struct xfs_alloc *a = XFS_M(ut_world.sb)->m_alloc;
	xfs_fsblock_t b[5];

	for (int i = 0; i < 5; i++) {
		char name[16];
		struct xfs_inode *ip;
		struct xfs_bmbt_irec e;

		snprintf(name, sizeof(name), "f%d", i);
		ip = ut_create_file(name, 0);
		ck_assert_int_eq(write_file(ip, 0, SZ_4K, 'a'), SZ_4K);
		ck_assert(xfs_iext_lookup_extent(ip->i_df, 0, &e));
		b[i] = e.br_startblock;
	}
	for (int i = 0; i < 5; i++)
		xfs_alloc_free(a, b[i], 1);
	for (int i = 1; i < 5; i++)	/* reported in block order */
		for (int j = i; j > 0 && b[j - 1] > b[j]; j--) {
			xfs_fsblock_t t = b[j];

			b[j] = b[j - 1];
			b[j - 1] = t;
		}
	ck_assert_str_eq(full_check(), "F3 F3 F3 F3 ");
	for (int i = 0; i < 4; i++)
		ck_assert(said(fmt("blocks [%llu, %llu) are referenced but free\n",
				   (unsigned long long)b[i], (unsigned long long)b[i] + 1)));
	ck_assert(!said(fmt("blocks [%llu, ", (unsigned long long)b[4])));
	for (int i = 0; i < 5; i++)
		xfs_alloc_mark_used(a, b[i], 1);
}
END_TEST

/* F2: the rmap records the extent one block short (same start, other length). */
START_TEST(test_rmap_record_too_short)
{
	struct xfs_inode *ip = ut_create_file("f", 0);
	struct xfs_rmap_tree *rm = XFS_M(ut_world.sb)->m_rmap;
	struct xfs_bmbt_irec e;
	unsigned long long b;

	ck_assert_int_eq(write_file(ip, 0, 4 * SZ_4K, 'a'), 4 * SZ_4K);
	ck_assert(xfs_iext_lookup_extent(ip->i_df, 0, &e));
	ck_assert_uint_eq(e.br_blockcount, 4);
	b = e.br_startblock;
	ck_assert_int_eq(xfs_rmap_unmap(rm, b + 3, 1, ip->i_ino, 3, 0), 0);
	ck_assert_str_eq(full_check(), "F2 ");
	ck_assert(said(fmt("the forks map ino %llu offset 0 blocks [%llu, +4) but the rmap btree records "
			   "ino %llu offset 0 blocks [%llu, +3)\n", (unsigned long long)ip->i_ino, b,
			   (unsigned long long)ip->i_ino, b)));
	xfs_rmap_map(rm, b + 3, 1, ip->i_ino, 3, 0);
}
END_TEST

/*
 * F2: a block recorded at another file offset.  The record is physically
 * next to its neighbours but not logically, so it stays a record of its
 * own, and the first difference is the offset.
 */
START_TEST(test_rmap_record_at_another_offset)
{
	struct xfs_inode *ip = ut_create_file("f", 0);
	struct xfs_rmap_tree *rm = XFS_M(ut_world.sb)->m_rmap;
	struct xfs_bmbt_irec e;
	unsigned long long b, ino = ip->i_ino;

	ck_assert_int_eq(write_file(ip, 0, 4 * SZ_4K, 'a'), 4 * SZ_4K);
	ck_assert(xfs_iext_lookup_extent(ip->i_df, 0, &e));
	b = e.br_startblock;
	ck_assert_int_eq(xfs_rmap_unmap(rm, b + 1, 1, ino, 1, 0), 0);
	xfs_rmap_map(rm, b + 1, 1, ino, 9, 0);
	ck_assert_str_eq(full_check(), "F2 ");
	ck_assert(said(fmt("the forks map ino %llu offset 0 blocks [%llu, +4) but the rmap btree records "
			   "ino %llu offset 0 blocks [%llu, +1)\n", ino, b, ino, b)));
	ck_assert_int_eq(xfs_rmap_unmap(rm, b + 1, 1, ino, 9, 0), 0);
	xfs_rmap_map(rm, b + 1, 1, ino, 1, 0);
}
END_TEST

/* --- page-cache mappings (dax=never) ------------------------------------ */

/*
 * A read fault maps the file's own uptodate, clean folio read-only.  Made
 * writable without page_mkwrite, not uptodate, or pointed at another
 * folio, the check says which.
 */
START_TEST(test_pagecache_leaf)
{
	struct xfs_inode *ip = ut_create_file("f", 0);
	struct vm_area_struct *vma;
	struct folio *f0, *f1;
	uint64_t *e0, *e1, save;

	ck_assert(!IS_DAX(VFS_I(ip)));
	ck_assert_int_eq(write_file(ip, 0, 3 * SZ_4K, 'a'), 3 * SZ_4K);
	vma = map_and_read(ip, 3 * SZ_4K, 2);
	f0 = filemap_get_entry(VFS_I(ip)->i_mapping, 0);
	f1 = filemap_get_entry(VFS_I(ip)->i_mapping, 1);
	e0 = pte(vma, 0);
	e1 = pte(vma, 1);
	ck_assert_uint_eq(PTE_PFN(*e0), f0->pfn);
	ck_assert_str_eq(full_check(), "");

	f0->flags &= ~PG_FOLIO_DIRTY;
	*e0 |= _PAGE_RW;
	ck_assert_str_eq(full_check(), "M2 ");
	ck_assert(said(fmt("ino %llu index 0: writable PTE maps clean folio 0x%llx (no page_mkwrite)\n",
			   (unsigned long long)ip->i_ino, (unsigned long long)f0->pfn)));
	*e0 &= ~_PAGE_RW;

	f1->flags &= ~PG_FOLIO_UPTODATE;
	ck_assert_str_eq(full_check(), "M1 ");
	ck_assert(said(fmt("ino %llu index 1: folio 0x%llx is mapped but not uptodate\n",
			   (unsigned long long)ip->i_ino, (unsigned long long)f1->pfn)));
	f1->flags |= PG_FOLIO_UPTODATE;

	save = *e1;
	*e1 = *e0;
	ck_assert_str_eq(full_check(), "M1 ");
	ck_assert(said(fmt("ino %llu index 1: the page table maps folio 0x%llx but the page cache holds another page\n",
			   (unsigned long long)ip->i_ino, (unsigned long long)f0->pfn)));
	*e1 = save;
}
END_TEST

/* M4/M6: a folio left locked, and one cached beyond the EOF page. */
START_TEST(test_pagecache_slots)
{
	struct xfs_inode *ip = ut_create_file("f", 0);
	struct folio *f1;
	uint64_t size;

	ck_assert_int_eq(write_file(ip, 0, 2 * SZ_4K, 'a'), 2 * SZ_4K);
	f1 = filemap_get_entry(VFS_I(ip)->i_mapping, 1);
	ck_assert_ptr_nonnull(f1);
	f1->flags |= PG_FOLIO_LOCKED;
	ck_assert_str_eq(full_check(), "M4 ");
	ck_assert(said(fmt("ino %llu index 1: folio still locked between commands\n",
			   (unsigned long long)ip->i_ino)));
	f1->flags &= ~PG_FOLIO_LOCKED;

	size = VFS_I(ip)->i_size;
	VFS_I(ip)->i_size = SZ_4K;
	ck_assert_str_eq(full_check(), "M6 ");
	ck_assert(said(fmt("ino %llu: the page cache holds index 1 beyond the EOF page (size 4096)\n",
			   (unsigned long long)ip->i_ino)));
	VFS_I(ip)->i_size = size;
}
END_TEST


/* --- the designs' full sweeps ------------------------------------------- */

static struct page *page_of(pfn_t pfn)
{
	return pfn_to_page(&ut_world.memmap, pfn);
}

/*
 * P-mainline: a page no entry references has no owner and no share
 * count; a page one entry references names exactly that entry; a shared
 * page counts its entries.
 */
START_TEST(test_mainline_page_encoding)
{
	struct xfs_inode *ip = ut_create_file("f", 0);
	struct xfs_bmbt_irec e;
	struct page *pg, *free_pg;
	pfn_t pfn;

	ck_assert_int_eq(write_file(ip, 0, SZ_4K, 'a'), SZ_4K);
	map_and_read(ip, SZ_4K, 1);
	ck_assert(xfs_iext_lookup_extent(ip->i_df, 0, &e));
	pfn = PMEM_PFN_BASE + e.br_startblock;
	pg = page_of(pfn);
	free_pg = page_of(pfn + 100);
	ck_assert_ptr_eq(pg->mapping, VFS_I(ip)->i_mapping);
	ck_assert_uint_eq(pg->index, 0);

	free_pg->mapping = VFS_I(ip)->i_mapping;
	ck_assert_str_eq(full_check(), "P-mainline ");
	ck_assert(said(fmt("pfn 0x%llx has no entry but mapping=set share=0\n", (unsigned long long)pfn + 100)));
	free_pg->mapping = NULL;
	free_pg->share = 3;
	ck_assert_str_eq(full_check(), "P-mainline ");
	ck_assert(said(fmt("pfn 0x%llx has no entry but mapping=NULL share=3\n", (unsigned long long)pfn + 100)));
	free_pg->share = 0;

	pg->index = 5;
	ck_assert_str_eq(full_check(), "P-mainline ");
	ck_assert(said(fmt("pfn 0x%llx: 1 entries reference it but it names a different single owner\n",
			   (unsigned long long)pfn)));
	pg->mapping = NULL;
	pg->share = 0;
	ck_assert_str_eq(full_check(), "P-mainline ");
	ck_assert(said(fmt("pfn 0x%llx: 1 entries reference it but it is unowned\n", (unsigned long long)pfn)));
	pg->share = 2;
	ck_assert_str_eq(full_check(), "P-mainline ");
	ck_assert(said(fmt("pfn 0x%llx: 1 entries reference it but share count differs\n", (unsigned long long)pfn)));
	pg->mapping = VFS_I(ip)->i_mapping;
	pg->index = 0;
}
END_TEST

static void shadow_setup(void)
{
	setup();
	share_ops = share_find("shadow");
}

/* Two files map one shared block: under shadow, a master with two shadows. */
static struct xfs_inode *sa, *sb;
static struct vm_area_struct *va, *vb;

static struct share_buf *shared_pair(void)
{
	struct page *pg;
	uint64_t len = SZ_4K;
	bool same = false;

	sa = ut_create_file("a", 0);
	ck_assert_int_eq(write_file(sa, 0, SZ_4K, 'a'), SZ_4K);
	sb = ut_create_file("b", 0);
	ck_assert_int_eq(xfs_reflink_remap_range(sa, 0, sb, 0, &len, false, &same), 0);
	va = map_and_read(sa, SZ_4K, 1);
	vb = map_and_read(sb, SZ_4K, 1);
	pg = page_of(PTE_PFN(*pte(va, 0)));
	ck_assert_uint_eq(PTE_PFN(*pte(va, 0)), PTE_PFN(*pte(vb, 0)));
	ck_assert_ptr_nonnull(pg->private);
	ck_assert_str_eq(full_check(), "");
	return pg->private;
}

/* P-shadow: a master's page points back at it; a shadowed index is never mapped writable. */
START_TEST(test_shadow_master_and_shadows)
{
	struct share_buf *bp = shared_pair();
	struct page *pg = page_of(bp->b_pfn);

	pg->private = NULL;
	ck_assert_str_eq(full_check(), "P-shadow P-shadow ");
	ck_assert(said(fmt("master daddr %lld: its page (pfn 0x%llx) does not point at it\n",
			   (long long)bp->b_daddr, (unsigned long long)bp->b_pfn)));
	ck_assert(said(fmt("pfn 0x%llx: 2 entries reference it but it has no master\n",
			   (unsigned long long)bp->b_pfn)));
	pg->private = bp;

	*pte(vb, 0) |= _PAGE_RW;
	ck_assert_str_eq(full_check(), "M2 P-shadow ");
	ck_assert(said(fmt("shadow ino %llu index 0 is mapped writable\n", (unsigned long long)sb->i_ino)));
	*pte(vb, 0) &= ~_PAGE_RW;
}
END_TEST

/*
 * dax=never: two clones of a written file, each read once through the page
 * cache, share the block's folio (the source keeps its own, written one).
 */
static struct folio *pc_shared_pair(void)
{
	struct xfs_inode *src, *c[2];
	uint64_t len;
	bool same = false;
	char ch;

	XFS_M(ut_world.sb)->m_opts.dax = XFS_DAX_NEVER;
	src = ut_create_file("src", 0);
	ck_assert_int_eq(write_file(src, 0, SZ_4K, 'a'), SZ_4K);
	for (int i = 0; i < 2; i++) {
		struct file *f;

		c[i] = ut_create_file(i ? "b" : "a", 0);
		len = SZ_4K;
		ck_assert_int_eq(xfs_reflink_remap_range(src, 0, c[i], 0, &len, false, &same), 0);
		f = alloc_file(VFS_I(c[i]), "c", true);
		ck_assert_int_eq(vfs_read(f, &ch, 1, 0), 1);
		ck_assert_int_eq(ch, 'a');
		fput(f);
	}
	sa = c[0];
	sb = c[1];
	ck_assert(folio_slot_shared(filemap_get_entry(VFS_I(sa)->i_mapping, 0)));
	ck_assert(folio_slot_shared(filemap_get_entry(VFS_I(sb)->i_mapping, 0)));
	ck_assert_str_eq(full_check(), "");
	return folio_resolve(filemap_get_entry(VFS_I(sb)->i_mapping, 0));
}

/* P-shadow page cache: a master (the shared folio) is never dirty. */
START_TEST(test_shadow_pagecache_dirty_master)
{
	struct folio *master = pc_shared_pair();

	master->flags |= PG_FOLIO_DIRTY;
	ck_assert_str_eq(full_check(), "M2 M2 P-shadow ");
	ck_assert(said(fmt("ino %llu index 0: shared folio 0x%llx is dirty\n",
			   (unsigned long long)sa->i_ino, (unsigned long long)master->pfn)));
	ck_assert(said("page cache: master daddr "));
	ck_assert(said(" is dirty\n"));
	master->flags &= ~PG_FOLIO_DIRTY;
}
END_TEST

static void maplist_setup(void)
{
	setup();
	share_ops = share_find("maplist");
}

/* P-maplist page cache: a shared folio is clean and has its owner list. */
START_TEST(test_maplist_pagecache)
{
	struct folio *shared = pc_shared_pair();
	void *list = shared->private;

	shared->flags |= PG_FOLIO_DIRTY;
	ck_assert_str_eq(full_check(), "M2 M2 P-maplist ");
	ck_assert(said("page cache: the shared folio of block "));
	shared->flags &= ~PG_FOLIO_DIRTY;
	shared->private = NULL;
	ck_assert_str_eq(full_check(), "P-maplist P-maplist P-maplist ");
	ck_assert(said(fmt("page cache: ino %llu index 0 holds a shared folio without an owner list\n",
			   (unsigned long long)sa->i_ino)));
	shared->private = list;
}
END_TEST

Suite *checker_mm_suite(void)
{
	Suite *s = suite_create("checker_mm");
	TCase *tc = tcase_create("dax");
	TCase *pc = tcase_create("pagecache");
	TCase *ds = tcase_create("mainline");
	TCase *sh = tcase_create("shadow");
	TCase *ml = tcase_create("maplist");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_zero_page_writable);
	tcase_add_test(tc, test_pte_maps_the_wrong_block);
	tcase_add_test(tc, test_pte_over_a_hole_and_unwritten);
	tcase_add_test(tc, test_entry_left_locked);
	tcase_add_test(tc, test_mapped_block_freed);
	tcase_add_test(tc, test_incremental_touched_only);
	tcase_add_test(tc, test_at_most_eight_printed);
	tcase_add_test(tc, test_lock_held_between_commands);
	tcase_add_test(tc, test_at_most_four_ranges);
	tcase_add_test(tc, test_rmap_record_too_short);
	tcase_add_test(tc, test_rmap_record_at_another_offset);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(pc, pc_setup, teardown);
	tcase_add_test(pc, test_pagecache_leaf);
	tcase_add_test(pc, test_pagecache_slots);
	suite_add_tcase(s, pc);
	tcase_add_checked_fixture(ds, setup, teardown);
	tcase_add_test(ds, test_mainline_page_encoding);
	suite_add_tcase(s, ds);
	tcase_add_checked_fixture(sh, shadow_setup, teardown);
	tcase_add_test(sh, test_shadow_master_and_shadows);
	tcase_add_test(sh, test_shadow_pagecache_dirty_master);
	suite_add_tcase(s, sh);
	tcase_add_checked_fixture(ml, maplist_setup, teardown);
	tcase_add_test(ml, test_maplist_pagecache);
	suite_add_tcase(s, ml);
	return s;
}
