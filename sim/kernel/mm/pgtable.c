// SPDX-License-Identifier: MIT
/* 4-level page tables with PTE and PMD leaves, allocated lazily. */
#include <glib.h>

#include "mm.h"

#define IDX(addr, shift) (((addr) >> (shift)) & (PTRS_PER_PTE - 1))

/* The PUD table covering @addr (allocated with @alloc), or NULL. */
static struct pud_table *pud_table_of(struct mm_struct *mm, uint64_t addr, bool alloc)
{
	struct pud_table *pud;

	if (!mm->pgd) {
		if (!alloc)
			return NULL;
		mm->pgd = g_new0(struct pgd_table, 1);
		mm->pgtable_bytes += sizeof(struct pgd_table);
	}
	pud = mm->pgd->pu[IDX(addr, 39)];
	if (!pud && alloc) {
		pud = mm->pgd->pu[IDX(addr, 39)] = g_new0(struct pud_table, 1);
		mm->pgtable_bytes += sizeof(struct pud_table);
	}
	return pud;
}

static struct pmd_table *pmd_table_of(struct mm_struct *mm, uint64_t addr, bool alloc)
{
	struct pud_table *pud = pud_table_of(mm, addr, alloc);
	struct pmd_table *pmd;

	if (!pud)
		return NULL;
	if (pud->pud[IDX(addr, 30)] & _PAGE_PRESENT) {
		BUG_ON(alloc);	/* a PMD table under a PUD leaf: zap the leaf first */
		return NULL;
	}
	pmd = pud->pm[IDX(addr, 30)];
	if (!pmd) {
		if (!alloc)
			return NULL;
		pmd = pud->pm[IDX(addr, 30)] = g_new0(struct pmd_table, 1);
		mm->pgtable_bytes += sizeof(struct pmd_table);
	}
	return pmd;
}

uint64_t *pud_lookup(struct mm_struct *mm, uint64_t addr, bool alloc)
{
	struct pud_table *pud = pud_table_of(mm, addr, alloc);

	return pud ? &pud->pud[IDX(addr, 30)] : NULL;
}

bool pud_has_pmd_table(struct mm_struct *mm, uint64_t addr)
{
	struct pud_table *pud = mm->pgd ? mm->pgd->pu[IDX(addr, 39)] : NULL;

	return pud && pud->pm[IDX(addr, 30)];
}

uint64_t *pmd_lookup(struct mm_struct *mm, uint64_t addr, bool alloc)
{
	struct pmd_table *pmd = pmd_table_of(mm, addr, alloc);

	return pmd ? &pmd->pmd[IDX(addr, PMD_SHIFT)] : NULL;
}

bool pmd_has_pte_table(struct mm_struct *mm, uint64_t addr)
{
	struct pmd_table *pmd = pmd_table_of(mm, addr, false);

	return pmd && pmd->pt[IDX(addr, PMD_SHIFT)];
}

uint64_t *pte_lookup(struct mm_struct *mm, uint64_t addr, bool alloc)
{
	struct pmd_table *pmd = pmd_table_of(mm, addr, alloc);
	struct pte_table **pt;

	if (!pmd)
		return NULL;
	pt = &pmd->pt[IDX(addr, PMD_SHIFT)];
	if (!*pt) {
		if (!alloc)
			return NULL;
		*pt = g_new0(struct pte_table, 1);
		mm->pgtable_bytes += sizeof(struct pte_table);
	}
	return &(*pt)->pte[IDX(addr, PAGE_SHIFT)];
}

void pgtable_walk(struct mm_struct *mm, uint64_t start, uint64_t end,
		  pgtable_leaf_fn fn, void *arg)
{
	uint64_t addr = start;

	end = MIN(end, 1ULL << 48);	/* 4 levels: above this the indices alias */
	while (addr < end) {
		struct pmd_table *pmd = pmd_table_of(mm, addr, false);
		uint64_t next_pmd = (addr & PMD_MASK) + PMD_SIZE;
		unsigned int i;

		if (!pmd) {
			/* skip the absent level: the PGD slot if it has no PUD table */
			struct pud_table *pud = mm->pgd ? mm->pgd->pu[IDX(addr, 39)] : NULL;
			uint64_t span = pud ? 1ULL << 30 : 1ULL << 39;
			uint64_t next = (addr & ~(span - 1)) + span;

			/* a PUD leaf: one huge leaf for the whole GiB */
			if (pud && (pud->pud[IDX(addr, 30)] & _PAGE_PRESENT))
				fn(addr & PUD_MASK, &pud->pud[IDX(addr, 30)], true, arg);

			if (!mm->pgd || next <= addr)	/* no tables, or wrapped */
				break;
			addr = next;
			continue;
		}
		i = IDX(addr, PMD_SHIFT);
		if (pmd->pmd[i] & _PAGE_PRESENT) {
			fn(addr & PMD_MASK, &pmd->pmd[i], true, arg);
		} else if (pmd->pt[i]) {
			for (uint64_t a = addr; a < MIN(end, next_pmd); a += PAGE_SIZE) {
				uint64_t *pte = &pmd->pt[i]->pte[IDX(a, PAGE_SHIFT)];

				if (*pte & _PAGE_PRESENT)
					fn(a, pte, false, arg);
			}
		}
		if (next_pmd <= addr)
			break;
		addr = next_pmd;
	}
}

void pgtable_free(struct mm_struct *mm)
{
	if (!mm->pgd)
		return;
	for (int i = 0; i < PTRS_PER_PTE; i++) {
		struct pud_table *pud = mm->pgd->pu[i];

		if (!pud)
			continue;
		for (int j = 0; j < PTRS_PER_PTE; j++) {
			struct pmd_table *pmd = pud->pm[j];

			if (!pmd)
				continue;
			for (int k = 0; k < PTRS_PER_PTE; k++)
				g_free(pmd->pt[k]);
			g_free(pmd);
		}
		g_free(pud);
	}
	g_free(mm->pgd);
	mm->pgd = NULL;
	mm->pgtable_bytes = 0;
}
