/* SPDX-License-Identifier: MIT */
/*
 * A simulated machine with stubfs mounted, for unit tests of the DAX core
 * without XFS: a 16 MiB memfd pmem device and its memmap, stubfs over it
 * (stub_fs.h), the `mainline` design (the tests assert its folio encoding),
 * the lock validator on with the built-in rules, and two tasks, p1 and p2,
 * with p1 current.  Use as a checked fixture; teardown fails the test if
 * the validator reported anything.
 */
#ifndef DAXSIM_STUB_WORLD_H
#define DAXSIM_STUB_WORLD_H

#include "mm.h"
#include "sim.h"
#include "stub_fs.h"

#define STUB_WORLD_BLOCKS	4096	/* 16 MiB of pmem */

extern struct sim_world stub_world;
extern struct task_struct *stub_tsk[2];
extern int stub_held0;		/* locks held when the fixture finished */

void stub_world_setup(void);
void stub_world_teardown(void);
/* pwrite/pread/fsync as a task does them: through a file and its f_op. */
int64_t stub_pwrite(struct inode *inode, const void *buf, uint64_t len, uint64_t pos);
int64_t stub_pread(struct inode *inode, void *buf, uint64_t len, uint64_t pos);
int stub_fsync(struct inode *inode, uint64_t start, uint64_t end);

#endif
