// SPDX-License-Identifier: MIT
/*
 * The buffer cache (see xfs_buf.h): one GTree keyed by daddr.  A buffer is
 * at most a PMD (4096 sectors) long, so the buffers that can overlap a
 * range start at most that far before it.
 */
#include <errno.h>
#include <glib.h>

#include "xfs_buf.h"
#include "xfs_mount.h"

#define XFS_BUF_MAX_SECTORS	((xfs_daddr_t)PMD_SIZE >> 9)

static gint daddr_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
	xfs_daddr_t x = *(const xfs_daddr_t *)a, y = *(const xfs_daddr_t *)b;

	return x < y ? -1 : x > y;
}

void xfs_buf_cache_init(struct xfs_mount *mp)
{
	mp->m_bufs = g_tree_new_full(daddr_cmp, NULL, NULL, g_free);
}

void xfs_buf_cache_destroy(struct xfs_mount *mp)
{
	g_tree_destroy(mp->m_bufs);
	mp->m_bufs = NULL;
}

struct xfs_buf *xfs_buf_incore(struct xfs_mount *mp, xfs_daddr_t daddr, uint32_t length)
{
	struct xfs_buf *bp = g_tree_lookup(mp->m_bufs, &daddr);

	return bp && bp->b_share.b_length == length ? bp : NULL;
}

void xfs_buf_walk_range(struct xfs_mount *mp, xfs_daddr_t daddr, uint64_t length,
			bool (*fn)(struct xfs_buf *bp, void *arg), void *arg)
{
	xfs_daddr_t from = daddr > XFS_BUF_MAX_SECTORS ? daddr - XFS_BUF_MAX_SECTORS + 1 : 0;
	GTreeNode *n = g_tree_lower_bound(mp->m_bufs, &from);

	while (n) {
		struct xfs_buf *bp = g_tree_node_value(n);
		GTreeNode *next = g_tree_node_next(n);	/* fn may release bp */

		if (bp->b_share.b_daddr >= daddr + (xfs_daddr_t)length)
			break;
		if (bp->b_share.b_daddr + bp->b_share.b_length > daddr && !fn(bp, arg))
			break;
		n = next;
	}
}

static bool find_overlap(struct xfs_buf *bp, void *arg)
{
	*(struct xfs_buf **)arg = bp;
	return false;
}

int xfs_buf_get(struct xfs_mount *mp, xfs_daddr_t daddr, uint32_t length,
		struct xfs_buf **bpp)
{
	struct xfs_buf *bp = xfs_buf_incore(mp, daddr, length), *other = NULL;

	if (!bp) {
		xfs_buf_walk_range(mp, daddr, length, find_overlap, &other);
		if (other)
			return -EUCLEAN;
		bp = g_new0(struct xfs_buf, 1);
		bp->b_share.b_daddr = daddr;
		bp->b_share.b_length = length;
		bp->b_share.b_pfn = PMEM_PFN_BASE + XFS_DADDR_TO_FSB(daddr);
		g_tree_insert(mp->m_bufs, &bp->b_share.b_daddr, bp);
	}
	bp->b_hold++;
	*bpp = bp;
	return 0;
}

void xfs_buf_rele(struct xfs_mount *mp, struct xfs_buf *bp)
{
	if (--bp->b_hold > 0)
		return;
	g_tree_remove(mp->m_bufs, &bp->b_share.b_daddr);
}

uint64_t xfs_buf_count(struct xfs_mount *mp)
{
	return (uint64_t)g_tree_nnodes(mp->m_bufs);
}
