// SPDX-License-Identifier: MIT
/*
 * Fork mutations that keep the refcount btree, the rmap btree and free
 * space exact (F1-F3): allocate, map, unmap, convert unwritten.
 */
#include <string.h>

#include "lock.h"
#include "pmem.h"
#include "sim.h"
#include "trace.h"
#include "share.h"
#include "xfs_mount.h"

#define XFS_FIRST_INO 131

static uint64_t fork_owner(const struct xfs_inode *ip, int whichfork)
{
	return whichfork == XFS_COW_FORK ? XFS_RMAP_OWN_COW : ip->i_ino;
}

static struct xfs_ifork *xfs_ifork_ptr(struct xfs_inode *ip, int whichfork)
{
	return whichfork == XFS_COW_FORK ? ip->i_cowfp : ip->i_df;
}

void xfs_bmap_map_extent(struct xfs_inode *ip, int whichfork,
			 const struct xfs_bmbt_irec *irec)
{
	struct xfs_mount *mp = ip->i_mount;
	uint64_t owner = fork_owner(ip, whichfork);

	/* xfs_bmapi_write: ASSERT(xfs_isilocked(ip, XFS_ILOCK_EXCL)) */
	lock_assert_held(&lc_ilock, ip->i_ino, LOCK_EXCL, __func__);
	might_alloc(GFP_NOFS);	/* the iext tree node: transaction context is NOFS */
	xfs_trans_agf_lock(mp, irec->br_startblock, __func__);
	xfs_iext_insert(xfs_ifork_ptr(ip, whichfork), irec);
	xfs_rmap_map(mp->m_rmap, irec->br_startblock, irec->br_blockcount, owner,
		     XFS_RMAP_NON_INODE_OWNER(owner) ? 0 : irec->br_startoff,
		     irec->br_state == XFS_EXT_UNWRITTEN ? XFS_RMAP_UNWRITTEN : 0);
	if (whichfork == XFS_COW_FORK)
		mp->m_cow_blocks += irec->br_blockcount;
	xfs_trans_agf_unlock(mp, irec->br_startblock, __func__);
}

int xfs_bmap_alloc(struct xfs_inode *ip, int whichfork, xfs_fileoff_t off,
		   xfs_filblks_t len, xfs_exntst_t state, bool zero,
		   struct xfs_bmbt_irec *got)
{
	return xfs_bmap_alloc_hint(ip, whichfork, off, len, off, len, state, zero, got);
}

/*
 * Allocate for [off, off + len), asking for [aoff, aoff + alen) (the range
 * an extent size hint rounded it out to, xfs_bmap_extsize_align).  A
 * shorter extent than asked is placed as xfs_bmap_btalloc places it: at
 * @off when it is no longer than the request, else ending at or after the
 * request's end, so that it always covers @off.
 */
int xfs_bmap_alloc_hint(struct xfs_inode *ip, int whichfork, xfs_fileoff_t off,
			xfs_filblks_t len, xfs_fileoff_t aoff, xfs_filblks_t alen_want,
			xfs_exntst_t state, bool zero, struct xfs_bmbt_irec *got)
{
	struct xfs_mount *mp = ip->i_mount;
	struct xfs_bmbt_irec prev;
	xfs_fsblock_t goal, bno;
	xfs_filblks_t alen, align = 1;
	int error;

	if (off > 0 && xfs_iext_lookup_extent(ip->i_df, off - 1, &prev))
		goal = prev.br_startblock + (off - prev.br_startoff);
	else
		goal = ((ip->i_ino - XFS_FIRST_INO) % xfs_alloc_agcount(mp->m_alloc)) *
		       xfs_alloc_agblocks(mp->m_alloc);
	/* xfs_bmap_adjacent(): a goal off the end of the device is no goal */
	if (goal >= mp->m_dblocks)
		goal = NULLFSBLOCK;
	if (alen_want >= PG_PMD_NR && !(aoff & PG_PMD_COLOUR))
		align = PG_PMD_NR;	/* like a 2 MiB extent size hint for DAX */
	error = xfs_alloc_vextent(mp->m_alloc, goal, 1, alen_want, align, &bno, &alen);
	if (error)
		return error;
	if (alen <= len)
		aoff = off;
	else if (aoff + alen < off + len)
		aoff = off + len - alen;
	*got = (struct xfs_bmbt_irec){ aoff, bno, alen, state };
	if (zero)
		pmem_zero_new_blocks(mp->m_pmem, bno, alen);
	else
		pmem_mark_written(mp->m_pmem, bno, alen);
	xfs_bmap_map_extent(ip, whichfork, got);
	trace_event("xfs_bmap_alloc", "ino %llu %s fork [%llu, +%llu) -> block %llu%s",
	      (unsigned long long)ip->i_ino, whichfork == XFS_COW_FORK ? "cow" : "data",
	      (unsigned long long)aoff, (unsigned long long)alen, (unsigned long long)bno,
	      state == XFS_EXT_UNWRITTEN ? " unwritten" : "");
	return 0;
}

static bool end_before(const struct xfs_bmbt_irec *irec, void *arg)
{
	xfs_fileoff_t *start = arg;

	*start = MAX(*start, irec->br_startoff + irec->br_blockcount);
	return true;
}

static bool start_after(const struct xfs_bmbt_irec *irec, void *arg)
{
	xfs_fileoff_t *end = arg;

	*end = MIN(*end, irec->br_startoff);
	return false;	/* the first one bounds it */
}

/*
 * xfs_bmap_extsize_align(): [off, off + len) rounded out to @ext blocks
 * within the hole of @whichfork around it (the extents before and after it
 * bound the range), at most an extent's worth, keeping the request.
 */
void xfs_bmap_extsize_align(struct xfs_inode *ip, int whichfork, xfs_fileoff_t off,
			    xfs_filblks_t len, xfs_extlen_t ext, xfs_fileoff_t *aoffp,
			    xfs_fileoff_t *aendp)
{
	const struct xfs_ifork *ifp = xfs_ifork_ptr(ip, whichfork);
	xfs_fileoff_t aoff = off / ext * ext, aend = (off + len + ext - 1) / ext * ext;

	if (aoff < off)
		xfs_iext_walk(ifp, aoff, off - aoff, end_before, &aoff);
	if (aend > off + len)
		xfs_iext_walk(ifp, off + len, aend - (off + len), start_after, &aend);
	if (aend - aoff > XFS_MAX_BMBT_EXTLEN) {	/* keep the part with the request */
		aoff = MAX(aoff, off + len > XFS_MAX_BMBT_EXTLEN ? off + len - XFS_MAX_BMBT_EXTLEN : 0);
		aend = MIN(aend, aoff + XFS_MAX_BMBT_EXTLEN);
	}
	*aoffp = aoff;
	*aendp = aend;
}

struct unmap_ctx {
	struct xfs_inode *ip;
	int whichfork;
};

static void free_extent(xfs_fsblock_t bno, xfs_filblks_t len, void *arg)
{
	struct xfs_mount *mp = arg;

	xfs_alloc_free(mp->m_alloc, bno, len);
}

static void unmap_piece(const struct xfs_bmbt_irec *p, void *arg)
{
	struct unmap_ctx *c = arg;
	struct xfs_mount *mp = c->ip->i_mount;
	uint64_t owner = fork_owner(c->ip, c->whichfork);
	int err;

	if (xfs_bmap_is_delalloc(p)) {	/* a reservation: no block, no rmap */
		xfs_alloc_unreserve(mp->m_alloc, p->br_blockcount);
		return;
	}

	xfs_trans_agf_lock(mp, p->br_startblock, __func__);
	err = xfs_rmap_unmap(mp->m_rmap, p->br_startblock, p->br_blockcount, owner,
			     XFS_RMAP_NON_INODE_OWNER(owner) ? 0 : p->br_startoff,
			     p->br_state == XFS_EXT_UNWRITTEN ? XFS_RMAP_UNWRITTEN : 0);
	if (err)
		panic("rmap unmap of ino %llu [%llu,+%llu) failed: %d",
			(unsigned long long)c->ip->i_ino, (unsigned long long)p->br_startoff,
			(unsigned long long)p->br_blockcount, err);
	if (c->whichfork == XFS_COW_FORK) {
		xfs_alloc_free(mp->m_alloc, p->br_startblock, p->br_blockcount);
		mp->m_cow_blocks -= p->br_blockcount;
	} else {
		xfs_refcount_decrease(mp->m_refc, p->br_startblock, p->br_blockcount,
				      free_extent, mp);
		/* blocks left with one owner may have a sharing design's state */
		share_unshared(PMEM_PFN_BASE + p->br_startblock, p->br_blockcount);
	}
	xfs_trans_agf_unlock(mp, p->br_startblock, __func__);
}

void xfs_bmap_unmap_range(struct xfs_inode *ip, int whichfork,
			  xfs_fileoff_t off, xfs_filblks_t len)
{
	struct unmap_ctx c = { ip, whichfork };

	if (off >= XFS_MAX_FILEOFF)
		return;
	len = MIN(len, XFS_MAX_FILEOFF - off);
	xfs_iext_remove_range(xfs_ifork_ptr(ip, whichfork), off, len, unmap_piece, &c);
}

static void convert_piece(const struct xfs_bmbt_irec *p, void *arg)
{
	struct xfs_inode *ip = arg;
	struct xfs_mount *mp = ip->i_mount;

	xfs_trans_agf_lock(mp, p->br_startblock, __func__);
	if (xfs_rmap_unmap(mp->m_rmap, p->br_startblock, p->br_blockcount, ip->i_ino,
			   p->br_startoff, XFS_RMAP_UNWRITTEN))
		panic("rmap convert of ino %llu failed", (unsigned long long)ip->i_ino);
	xfs_rmap_map(mp->m_rmap, p->br_startblock, p->br_blockcount, ip->i_ino,
		     p->br_startoff, 0);
	xfs_trans_agf_unlock(mp, p->br_startblock, __func__);
}

void xfs_bmap_convert_written(struct xfs_inode *ip, xfs_fileoff_t off, xfs_filblks_t len)
{
	xfs_iext_set_state(ip->i_df, off, len, XFS_EXT_NORM, convert_piece, ip);
}

static void convert_cow_piece(const struct xfs_bmbt_irec *p, void *arg)
{
	struct xfs_inode *ip = arg;
	struct xfs_mount *mp = ip->i_mount;

	xfs_trans_agf_lock(mp, p->br_startblock, __func__);
	if (xfs_rmap_unmap(mp->m_rmap, p->br_startblock, p->br_blockcount, XFS_RMAP_OWN_COW, 0,
			   XFS_RMAP_UNWRITTEN))
		panic("rmap convert of ino %llu's CoW staging failed", (unsigned long long)ip->i_ino);
	xfs_rmap_map(mp->m_rmap, p->br_startblock, p->br_blockcount, XFS_RMAP_OWN_COW, 0, 0);
	xfs_trans_agf_unlock(mp, p->br_startblock, __func__);
}

int xfs_bmapi_reserve_delalloc(struct xfs_inode *ip, xfs_fileoff_t aoff, xfs_fileoff_t aend)
{
	struct xfs_mount *mp = ip->i_mount;
	struct xfs_bmbt_irec rec = { aoff, DELAYSTARTBLOCK + aoff, aend - aoff, XFS_EXT_NORM };
	int error;

	lock_assert_held(&lc_ilock, ip->i_ino, LOCK_EXCL, __func__);
	error = xfs_alloc_reserve(mp->m_alloc, rec.br_blockcount);
	if (error)
		return error;
	xfs_iext_insert(ip->i_cowfp, &rec);
	trace_event("xfs_bmapi_reserve_delalloc", "ino %llu cow fork [%llu, +%llu) delalloc",
		    (unsigned long long)ip->i_ino, (unsigned long long)aoff,
		    (unsigned long long)rec.br_blockcount);
	return 0;
}

int xfs_bmapi_convert_delalloc(struct xfs_inode *ip, xfs_fileoff_t off, struct xfs_bmbt_irec *got)
{
	struct xfs_mount *mp = ip->i_mount;
	struct xfs_bmbt_irec del;
	xfs_fileoff_t s, e;
	int error;

	lock_assert_held(&lc_ilock, ip->i_ino, LOCK_EXCL, __func__);
	BUG_ON(!xfs_iext_lookup_extent(ip->i_cowfp, off, &del) || !xfs_bmap_is_delalloc(&del));
	s = del.br_startoff;
	e = s + del.br_blockcount;
	xfs_iext_remove_range(ip->i_cowfp, s, e - s, NULL, NULL);
	xfs_alloc_unreserve(mp->m_alloc, e - s);
	error = xfs_bmap_alloc_hint(ip, XFS_COW_FORK, off, 1, s, e - s, XFS_EXT_UNWRITTEN, false, got);
	if (error) {	/* the reservation guaranteed the blocks: not reached */
		BUG_ON(xfs_bmapi_reserve_delalloc(ip, s, e));
		return error;
	}
	/* what the allocator did not give stays reserved */
	if (got->br_startoff > s)
		BUG_ON(xfs_bmapi_reserve_delalloc(ip, s, got->br_startoff));
	if (got->br_startoff + got->br_blockcount < e)
		BUG_ON(xfs_bmapi_reserve_delalloc(ip, got->br_startoff + got->br_blockcount, e));
	return 0;
}

/*
 * xfs_reflink_convert_cow_locked(): the CoW fork's preallocated (unwritten)
 * blocks under a write become written, so that end_cow remaps them.
 */
void xfs_bmap_convert_cow(struct xfs_inode *ip, xfs_fileoff_t off, xfs_filblks_t len)
{
	xfs_iext_set_state(ip->i_cowfp, off, len, XFS_EXT_NORM, convert_cow_piece, ip);
}

/* Preallocate unwritten extents over the holes of a byte range. */
int xfs_alloc_file_space(struct xfs_inode *ip, uint64_t offset, uint64_t len)
{
	xfs_fileoff_t off = XFS_B_TO_FSBT(offset), end = XFS_B_TO_FSB(offset + len);
	int error = 0;

	xfs_ilock(ip, XFS_ILOCK_EXCL);
	while (off < end) {
		struct xfs_bmbt_irec got;

		if (xfs_iext_lookup_extent(ip->i_df, off, &got)) {
			off = got.br_startoff + got.br_blockcount;
			continue;
		}
		error = xfs_bmap_alloc(ip, XFS_DATA_FORK, off,
				       MIN(end, got.br_startoff + got.br_blockcount) - off,
				       XFS_EXT_UNWRITTEN, false, &got);
		if (error)
			break;
		off += got.br_blockcount;
	}
	xfs_iunlock(ip, XFS_ILOCK_EXCL);
	return error;
}

static bool collect_ext(const struct xfs_bmbt_irec *irec, void *arg)
{
	g_array_append_val((GArray *)arg, *irec);
	return true;
}

/*
 * xfs_bmap_collapse_extents / xfs_bmap_insert_extents: move every data fork
 * mapping at or above file block @start by @delta blocks (down when
 * negative), splitting the one that straddles @start first
 * (xfs_bmap_split_extent).  The blocks stay where they are: only the file
 * offsets in the fork and in the rmap change.  The caller made room.
 */
void xfs_bmap_shift_extents(struct xfs_inode *ip, xfs_fileoff_t start, int64_t delta)
{
	struct xfs_mount *mp = ip->i_mount;
	GArray *ext = g_array_new(FALSE, FALSE, sizeof(struct xfs_bmbt_irec));

	lock_assert_held(&lc_ilock, ip->i_ino, LOCK_EXCL, __func__);
	xfs_iext_walk(ip->i_df, start, XFS_MAX_FILEOFF - start, collect_ext, ext);
	for (guint i = 0; i < ext->len; i++) {
		struct xfs_bmbt_irec *e = &g_array_index(ext, struct xfs_bmbt_irec, i);

		if (e->br_startoff < start) {
			e->br_blockcount -= start - e->br_startoff;
			e->br_startblock += start - e->br_startoff;
			e->br_startoff = start;
		}
		xfs_iext_remove_range(ip->i_df, e->br_startoff, e->br_blockcount, NULL, NULL);
		xfs_trans_agf_lock(mp, e->br_startblock, __func__);
		if (xfs_rmap_unmap(mp->m_rmap, e->br_startblock, e->br_blockcount, ip->i_ino,
				   e->br_startoff,
				   e->br_state == XFS_EXT_UNWRITTEN ? XFS_RMAP_UNWRITTEN : 0))
			panic("rmap of ino %llu [%llu,+%llu) missing in a shift",
			      (unsigned long long)ip->i_ino, (unsigned long long)e->br_startoff,
			      (unsigned long long)e->br_blockcount);
		xfs_trans_agf_unlock(mp, e->br_startblock, __func__);
	}
	for (guint i = 0; i < ext->len; i++) {
		struct xfs_bmbt_irec e = g_array_index(ext, struct xfs_bmbt_irec, i);

		e.br_startoff = (xfs_fileoff_t)((int64_t)e.br_startoff + delta);
		xfs_bmap_map_extent(ip, XFS_DATA_FORK, &e);
	}
	trace("ino %llu: %u mappings from block %llu moved by %lld", (unsigned long long)ip->i_ino,
	      ext->len, (unsigned long long)start, (long long)delta);
	g_array_free(ext, TRUE);
}
