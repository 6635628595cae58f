// SPDX-License-Identifier: MIT
/*
 * XFS's side of the page-sharing designs (share.h: struct share_fs_ops),
 * registered on the superblock at mount: whether a block is shared (the
 * refcount btree) and the buffer cache by disk address, where the shadow
 * design keeps its master pages, and the written block under a file page
 * (what a page-cache design shares by).  The designs never name XFS.
 */
#include "share.h"
#include "xfs_buf.h"
#include "xfs_mount.h"

static struct xfs_buf *xfs_buf_of(struct share_buf *sbp)
{
	return container_of(sbp, struct xfs_buf, b_share);
}

static bool xfs_share_block_shared(struct super_block *sb, uint64_t bno)
{
	return xfs_refcount_lookup(XFS_M(sb)->m_refc, bno) > 1;
}

static int xfs_share_buf_get(struct super_block *sb, int64_t daddr, uint32_t length,
			     struct share_buf **bpp)
{
	struct xfs_buf *bp;
	int error = xfs_buf_get(XFS_M(sb), daddr, length, &bp);

	if (error)
		return error;
	*bpp = &bp->b_share;
	return 0;
}

static struct share_buf *xfs_share_buf_incore(struct super_block *sb, int64_t daddr,
					      uint32_t length)
{
	struct xfs_buf *bp = xfs_buf_incore(XFS_M(sb), daddr, length);

	return bp ? &bp->b_share : NULL;
}

static void xfs_share_buf_rele(struct super_block *sb, struct share_buf *sbp)
{
	xfs_buf_rele(XFS_M(sb), xfs_buf_of(sbp));
}

struct share_walk {
	bool (*fn)(struct share_buf *bp, void *arg);
	void *arg;
};

static bool xfs_share_walk_one(struct xfs_buf *bp, void *arg)
{
	struct share_walk *w = arg;

	return w->fn(&bp->b_share, w->arg);
}

static void xfs_share_buf_walk_range(struct super_block *sb, int64_t daddr, uint64_t length,
				     bool (*fn)(struct share_buf *bp, void *arg), void *arg)
{
	struct share_walk w = { fn, arg };

	xfs_buf_walk_range(XFS_M(sb), daddr, length, xfs_share_walk_one, &w);
}

/*
 * The written block under file block @index (ILOCK_SHARED, as a read's
 * iomap_begin takes it); false for a hole or an unwritten extent, which
 * read as zeroes and are never shared through the page cache.
 */
static bool xfs_share_file_block(struct address_space *mapping, pgoff_t index, uint64_t *bno)
{
	struct xfs_inode *ip = XFS_I(mapping->host);
	struct xfs_bmbt_irec irec;
	bool found;

	xfs_ilock(ip, XFS_ILOCK_SHARED);
	found = xfs_iext_lookup_extent(ip->i_df, index, &irec) && !xfs_bmap_is_hole(&irec) &&
		index >= irec.br_startoff && irec.br_state == XFS_EXT_NORM;
	if (found)
		*bno = irec.br_startblock + (index - irec.br_startoff);
	xfs_iunlock(ip, XFS_ILOCK_SHARED);
	return found;
}

const struct share_fs_ops xfs_share_fs_ops = {
	.block_shared	= xfs_share_block_shared,
	.file_block	= xfs_share_file_block,
	.buf_get	= xfs_share_buf_get,
	.buf_incore	= xfs_share_buf_incore,
	.buf_rele	= xfs_share_buf_rele,
	.buf_walk_range	= xfs_share_buf_walk_range,
	.buf_bytes	= sizeof(struct xfs_buf),
};
