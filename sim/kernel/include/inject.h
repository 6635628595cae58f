/* SPDX-License-Identifier: MIT */
/*
 * Build-time bug injection for `make mutants` (harness/mutants.sh): each
 * mutant is one known bug, compiled in with -DDAXSIM_MUTANT=N.  A normal
 * build has DAXSIM_MUTANT 0 and every MUTANT() test folds to false.  The
 * table of what catches each is in docs/testing.md.
 */
#ifndef DAXSIM_MUTANT_H
#define DAXSIM_MUTANT_H

#ifndef DAXSIM_MUTANT
#define DAXSIM_MUTANT 0
#endif

#define MUTANT_REFLINK_NO_WRPROTECT	1	/* reflink leaves the files' PTEs writable */
#define MUTANT_REFLINK_NO_REFCOUNT	2	/* reflink does not bump the refcount */
#define MUTANT_TRUNCATE_NO_UNMAP	3	/* truncate leaves PTEs beyond EOF */
#define MUTANT_SHADOW_REUSE		4	/* shadow: the shadow survives its CoW */
#define MUTANT_COW_NO_COPY		5	/* a CoW fault does not copy the old data */
#define MUTANT_MF_SKIP_SECOND_OWNER	6	/* memory failure never reaches a 2nd owner */
#define MUTANT_FAULT_MMAPLOCK_INNER	7	/* the fault takes MMAPLOCK after the entry lock */

#define MUTANT(name)	(DAXSIM_MUTANT == MUTANT_##name)

#endif
