/* SPDX-License-Identifier: MIT */
/*
 * A whole simulated world for unit tests that need one: a 64 MiB memfd pmem
 * device, its memmap, a fresh XFS (reflink, rmapbt, dax=always), the
 * `mainline` design (the tests assert its folio encoding) and two tasks,
 * p1 and p2, with p1 current.  Use as a checked fixture.  Tests of the
 * kernel alone use stub_world.h (stubfs, no XFS) instead.
 */
#ifndef DAXSIM_UNIT_WORLD_H
#define DAXSIM_UNIT_WORLD_H

#include "mm.h"
#include "sim.h"

extern struct sim_world ut_world;
extern struct task_struct *ut_tsk[2];
extern int ut_held0;		/* locks held when the fixture finished */

void ut_world_setup(void);
void ut_world_teardown(void);
/* A new file of @size bytes in the world, all hole. */
struct xfs_inode *ut_create_file(const char *name, uint64_t size);

#endif
