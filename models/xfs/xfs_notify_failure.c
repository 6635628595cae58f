// SPDX-License-Identifier: MIT
/*
 * xfs_dax_notify_failure() (fs/xfs/xfs_notify_failure.c, kernel-notes
 * §2.1 step 4-5): an rmap query over the failed range under the AGF buffer
 * lock; each inode owner in core gets mf_dax_kill_procs() at its own file
 * offset; metadata, attr-fork and bmbt owners make the filesystem shut down
 * after the whole scan ("only shut down fs after scanning all mappings").
 * Without rmapbt it returns -EOPNOTSUPP and the caller takes the generic
 * path.
 *
 * It is static: the kernel reaches it only as the ->notify_failure of
 * xfs_dax_holder_operations, which the mount registers on its dax_device
 * (memory failure -> pgmap->ops->memory_failure -> dax_holder_notify_failure),
 * and it finds its mount through dax_holder().  MF_META_ONLY: a design that
 * found the data owners itself (shadow, maplist) asks only "is this metadata?".
 */
#include <errno.h>

#include "memory_failure.h"
#include "pmem.h"
#include "sim.h"
#include "trace.h"
#include "xfs_mount.h"
#include "xfs_rmap.h"

struct failure_info {
	struct xfs_mount	*mp;
	uint64_t		start, end;	/* blocks, end exclusive */
	unsigned int		flags;
	bool			metadata_only;
	bool			want_shutdown;
};

static bool xfs_dax_failure_fn(const struct xfs_rmap_irec *rec, void *arg)
{
	struct failure_info *fi = arg;
	struct xfs_inode *ip;
	uint64_t s, e;

	if (XFS_RMAP_NON_INODE_OWNER(rec->rm_owner) ||
	    (rec->rm_flags & (XFS_RMAP_ATTR_FORK | XFS_RMAP_BMBT_BLOCK))) {
		fi->want_shutdown = true;
		return true;
	}
	if (fi->metadata_only)
		return true;
	ip = xfs_iget_incore(fi->mp, rec->rm_owner);
	if (!ip || !ip->i_incore) {
		/* -ENODATA: nobody can have it mapped; the poison stays */
		trace("ino %llu not in core: skipped", (unsigned long long)rec->rm_owner);
		return true;
	}
	s = MAX(fi->start, rec->rm_startblock);
	e = MIN(fi->end, rec->rm_startblock + rec->rm_blockcount);
	if (s < e)
		mf_dax_kill_procs(VFS_I(ip)->i_mapping, rec->rm_offset + (s - rec->rm_startblock),
				  e - s, fi->flags);
	return true;
}

static int xfs_dax_notify_failure(struct dax_device *dax_dev, uint64_t offset,
				  uint64_t length, unsigned int mf_flags)
{
	struct xfs_mount *mp = dax_holder(dax_dev);
	uint64_t bno = offset >> PAGE_SHIFT, len = length >> PAGE_SHIFT;
	struct failure_info fi = { mp, bno, bno + len, mf_flags & ~MF_META_ONLY,
				   (mf_flags & MF_META_ONLY) != 0, false };

	if (!mp->m_opts.rmapbt)
		return -EOPNOTSUPP;
	/* the empty transaction reads the AGF: its buffer lock is held throughout */
	xfs_trans_agf_lock(mp, bno, __func__);
	xfs_rmap_query_range(mp->m_rmap, bno, len, xfs_dax_failure_fn, &fi);
	xfs_trans_agf_unlock(mp, bno, __func__);
	if (fi.want_shutdown) {
		if (!mp->m_shutdown)
			printk("XFS (pmem0): Corruption of on-disk metadata detected.  Shutting down filesystem.\n"
			       "XFS (pmem0): Please unmount the filesystem and rectify the problem(s)\n");
		mp->m_shutdown = true;
		return -EUCLEAN;	/* -EFSCORRUPTED */
	}
	return 0;
}

const struct dax_holder_operations xfs_dax_holder_operations = {
	.notify_failure	= xfs_dax_notify_failure,
};

/* The first metadata block (a non-inode rmap owner) on the badblocks list. */
struct meta_bad {
	struct xfs_mount	*mp;
	uint64_t		bad;
	uint64_t		rewritten;
	bool			found, repair;
};

static bool meta_bad_fn(const struct xfs_rmap_irec *rec, void *arg)
{
	struct meta_bad *mb = arg;
	const struct badblocks *bb = mb->mp->m_pmem->bb;
	uint64_t bad;

	if (!XFS_RMAP_NON_INODE_OWNER(rec->rm_owner) || rec->rm_owner == XFS_RMAP_OWN_COW)
		return true;
	while (badblocks_check(bb, rec->rm_startblock, rec->rm_blockcount, &bad)) {
		if (!mb->found)
			mb->bad = bad;
		mb->found = true;
		if (!mb->repair)
			return false;
		/* xfs_repair rebuilds the structure; the pmem write clears the poison */
		badblocks_clear(mb->mp->m_pmem->bb, bad, 1);
		mb->rewritten++;
	}
	return true;
}

bool xfs_metadata_poisoned(struct xfs_mount *mp, uint64_t *bno)
{
	struct meta_bad mb = { mp, 0, 0, false, false };

	xfs_rmap_walk(mp->m_rmap, meta_bad_fn, &mb);
	*bno = mb.bad;
	return mb.found;
}

uint64_t xfs_repair_poisoned_metadata(struct xfs_mount *mp)
{
	struct meta_bad mb = { mp, 0, 0, false, true };

	xfs_rmap_walk(mp->m_rmap, meta_bad_fn, &mb);
	return mb.rewritten;
}
