// SPDX-License-Identifier: MIT
/*
 * Media errors from outside any task, and the repair that follows a
 * metadata loss:
 *
 *   poison PATH off len   the blocks under that file range go bad
 *   poison -d DADDR len   the device bytes [DADDR, DADDR + len) go bad
 *   repair                xfs_repair: rewrite poisoned metadata, mount again
 *
 * A poison report is what the NVDIMM's address-range scrub delivers: each
 * bad page goes on the pmem badblocks list and to memory_failure() with no
 * current task and no MF_ACTION_REQUIRED (action optional), so only tasks
 * that asked for early kill are signalled.  Offsets and lengths are bytes
 * and are rounded out to whole pages, like the badblocks granularity the
 * memory-failure path works in.
 */
#include <errno.h>
#include <string.h>

#include "interp.h"
#include "checker.h"
#include "memory_failure.h"
#include "scheduler.h"
#include "pmem.h"
#include "xfs_iext.h"

/*
 * The arguments after the PATH (if any): @first is the offset's position;
 * they are checked, the filesystem made, and the byte range rounded out
 * to whole pages [*pg, *pg_end).  0, or -2 after a usage error.
 */
static int poison_args(struct cmdctx *c, int npos, const char *usage,
		       uint64_t *pg, uint64_t *pg_end, long long *off, long long *len)
{
	int first = npos - 2;

	if (c->npos != npos)
		return cmd_usage_error(c, c->ln->cols[c->word0], "usage: %s", usage);
	if (range_args(c, first, off, len))
		return -2;
	if (need_fs(c))
		return -2;
	*pg = (uint64_t)*off >> PAGE_SHIFT;
	*pg_end = ALIGN_UP((uint64_t)*off + (uint64_t)*len, PAGE_SIZE) >> PAGE_SHIFT;
	return 0;
}

/* The media error: the driver's badblocks first, then memory failure. */
static void poison_blocks(uint64_t bno, uint64_t nr)
{
	for (uint64_t b = bno; b < bno + nr; b++) {
		badblocks_set(sim->pmem.bb, b, 1);
		memory_failure(PMEM_PFN_BASE + b, 0, NULL);
		if (sched_active())
			checker_h1_now();	/* with commands in flight: H1 as it ends */
	}
}

int do_poison(struct cmdctx *c)
{
	long long off, len;
	uint64_t first, last;

	if (c->opt['d']) {
		if (poison_args(c, 2, "poison -d DADDR len", &first, &last, &off, &len))
			return -2;
		if (last > sim->pmem.nr_pages) {
			out("poison: [%lld, +%lld) is beyond the end of the device (%llu bytes)\n",
			    off, len, (unsigned long long)sim->pmem.size);
			return 0;
		}
		poison_blocks(first, last - first);
		return 0;
	}
	if (sim->dev_dax)
		return cmd_usage_error(c, c->poscol[0],
				       "poison: '%s': there is no filesystem in devdax mode: poison device bytes with poison -d DADDR len",
				       c->pos[0]);
	if (poison_args(c, 3, "poison PATH off len", &first, &last, &off, &len))
		return -2;
	{
		struct xfs_inode *ip = xfs_find_inode(XFS_M(sim->sb), c->pos[0]);	/* not read in */
		uint64_t b;

		if (!ip) {
			out("poison: %s: %s\n", c->pos[0], strerror(ENOENT));
			return 0;
		}
		/* the data fork's blocks under the range; holes hold no media */
		for (b = first; b < last;) {
			struct xfs_bmbt_irec irec;
			uint64_t end;

			if (!xfs_iext_lookup_extent(ip->i_df, b, &irec)) {
				b = irec.br_startoff + irec.br_blockcount;
				continue;
			}
			end = MIN(last, irec.br_startoff + irec.br_blockcount);
			poison_blocks(irec.br_startblock + (b - irec.br_startoff), end - b);
			b = end;
		}
	}
	return 0;
}

/*
 * xfs_repair on the unmounted filesystem: it rebuilds every metadata
 * structure it finds damaged, and writing a pmem block clears its poison.
 * File data is not read, so poisoned data blocks stay poisoned.
 */
int do_repair(struct cmdctx *c)
{
	struct io_task *busy;
	uint64_t n;

	if (need_fs(c))
		return -2;
	busy = task_holding_files();
	if (busy)
		return cmd_usage_error(c, c->ln->cols[c->word0],
				       "repair: task '%s' still holds open files, mappings or page pins (run `@%s exit` first)",
				       busy->task->name, busy->task->name);
	n = xfs_repair_poisoned_metadata(XFS_M(sim->sb));
	out("repair: %llu poisoned metadata block%s rewritten\n", (unsigned long long)n,
	    n == 1 ? "" : "s");
	xfs_remount(XFS_M(sim->sb));
	interp_note_errno(0);
	return 0;
}
