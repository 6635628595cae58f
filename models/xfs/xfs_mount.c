// SPDX-License-Identifier: MIT
/* mkfs, mount/remount, inodes and the flat namespace, inode locks. */
#include <stdio.h>
#include <string.h>

#include "lock.h"
#include "pmem.h"
#include "sim.h"
#include "trace.h"
#include "xfs_buf.h"
#include "xfs_mount.h"

#define XFS_FIRST_INO	131	/* after root (128) and the rt inodes */

static gint ino_cmp(gconstpointer a, gconstpointer b, gpointer u)
{
	xfs_ino_t x = *(const xfs_ino_t *)a, y = *(const xfs_ino_t *)b;

	return x < y ? -1 : x > y;
}

static gint name_cmp(gconstpointer a, gconstpointer b, gpointer u)
{
	return strcmp(a, b);
}

/* a directory (xfs_ioctl.c): no forks, no mapping; its name is its key */
static void xfs_dir_free(gpointer v)
{
	struct xfs_inode *dp = v;

	g_free(dp->i_name);
	g_free(dp);
}

/* The log: 1/64 of the device, 32..2048 blocks, in AG 0 after the inodes. */
static uint64_t xfs_mkfs_logblocks(uint64_t dblocks)
{
	return MIN(MAX(dblocks / 64, 32), 2048);
}

#define XFS_AG_MIN_BLOCKS	64	/* every AG, the short last one too */
#define XFS_AG0_FIXED_BLOCKS	16	/* AG 0: headers (0..7), first inode chunk (8..15) */

/*
 * Can @dblocks hold @agcount AGs?  Every AG (the last one is the short
 * one) has at least XFS_AG_MIN_BLOCKS; AG 0 holds its headers, the first
 * inode chunk and the log with a block to spare.  Checked before anything
 * is marked used, so no input reaches the allocator's BUG_ON (issue 15
 * item 4: agcount=64 on a 64m device put the log across AG 1's headers).
 */
static bool xfs_mkfs_fits(uint64_t dblocks, xfs_agnumber_t agcount)
{
	uint64_t agblocks = (dblocks + agcount - 1) / agcount;

	if (dblocks < 512 || agblocks < XFS_AG_MIN_BLOCKS ||
	    (uint64_t)(agcount - 1) * agblocks >= dblocks)
		return false;
	return dblocks - (uint64_t)(agcount - 1) * agblocks >= XFS_AG_MIN_BLOCKS &&
	       XFS_AG0_FIXED_BLOCKS + xfs_mkfs_logblocks(dblocks) < agblocks;
}

/* Per-AG static metadata, recorded in the rmap with non-inode owners. */
static void xfs_mkfs_ag_metadata(struct xfs_mount *mp, xfs_agnumber_t agno,
				 uint64_t agblocks)
{
	static const struct { uint64_t off, len, owner; } hdr[] = {
		{ 0, 1, XFS_RMAP_OWN_FS },	/* sb, agf, agi, agfl sectors */
		{ 1, 2, XFS_RMAP_OWN_AG },	/* bnobt, cntbt roots */
		{ 3, 1, XFS_RMAP_OWN_INOBT },	/* inobt root */
		{ 4, 1, XFS_RMAP_OWN_AG },	/* rmapbt root */
		{ 5, 1, XFS_RMAP_OWN_REFC },	/* refcountbt root */
		{ 6, 2, XFS_RMAP_OWN_AG },	/* agfl blocks */
	};
	xfs_fsblock_t agstart = (xfs_fsblock_t)agno * agblocks;

	for (size_t i = 0; i < ARRAY_SIZE(hdr); i++) {
		xfs_alloc_mark_used(mp->m_alloc, agstart + hdr[i].off, hdr[i].len);
		xfs_rmap_map(mp->m_rmap, agstart + hdr[i].off, hdr[i].len,
			     hdr[i].owner, 0, 0);
	}
	if (agno == 0) {
		uint64_t logblocks = xfs_mkfs_logblocks(mp->m_dblocks);

		xfs_alloc_mark_used(mp->m_alloc, 8, 8);
		xfs_rmap_map(mp->m_rmap, 8, 8, XFS_RMAP_OWN_INODES, 0, 0);
		xfs_alloc_mark_used(mp->m_alloc, 16, logblocks);
		xfs_rmap_map(mp->m_rmap, 16, logblocks, XFS_RMAP_OWN_LOG, 0, 0);
	}
}

/*
 * The allocator never hands out a block on the pmem badblocks list: a
 * poisoned free block stays out of use until a write clears it.  (The
 * kernel has no such check; see docs/memory-failure.md.)
 */
static bool xfs_alloc_poisoned(void *arg, xfs_fsblock_t bno, xfs_filblks_t len,
			       xfs_fsblock_t *first_bad)
{
	const struct pmem_device *pd = arg;
	uint64_t bad;

	if (!badblocks_check(pd->bb, bno, len, &bad))
		return false;
	*first_bad = bad;
	return true;
}

static const struct super_operations xfs_super_operations;

int xfs_mkfs(struct pmem_device *pd, const struct xfs_mkfs_opts *opts,
	     struct xfs_mount **mpp, char *err, size_t errlen)
{
	struct xfs_mount *mp;
	uint64_t dblocks = pd->size >> PAGE_SHIFT, agblocks;

	if (opts->blocksize != PAGE_SIZE) {
		snprintf(err, errlen, "mkfs: blocksize=%u is not supported: DAX needs blocksize == page size (4096)",
			 opts->blocksize);
		return -EINVAL;
	}
	if (opts->agcount < 1 || opts->agcount > 64) {
		snprintf(err, errlen, "mkfs: agcount=%u out of range (1..64)", opts->agcount);
		return -EINVAL;
	}
	agblocks = (dblocks + opts->agcount - 1) / opts->agcount;
	if (!xfs_mkfs_fits(dblocks, opts->agcount)) {
		xfs_agnumber_t most = 0;

		for (xfs_agnumber_t n = 1; n <= 64; n++)
			if (xfs_mkfs_fits(dblocks, n))
				most = n;
		if (dblocks < 512 || !most)
			snprintf(err, errlen, "mkfs: device of %llu blocks is too small for a filesystem (at least 512 blocks, 2 MiB)",
				 (unsigned long long)dblocks);
		else if (agblocks < XFS_AG_MIN_BLOCKS ||
			 dblocks - (uint64_t)(opts->agcount - 1) * agblocks < XFS_AG_MIN_BLOCKS)
			snprintf(err, errlen, "mkfs: device of %llu blocks is too small for %u AGs: "
				 "every AG needs at least %u blocks (at most agcount=%u on this device)",
				 (unsigned long long)dblocks, opts->agcount, XFS_AG_MIN_BLOCKS, most);
		else
			snprintf(err, errlen, "mkfs: device of %llu blocks is too small for %u AGs: "
				 "AG 0 of %llu blocks cannot hold its headers, first inode chunk and the %llu-block log "
				 "(at most agcount=%u on this device)",
				 (unsigned long long)dblocks, opts->agcount, (unsigned long long)agblocks,
				 (unsigned long long)xfs_mkfs_logblocks(dblocks), most);
		return -EINVAL;
	}
	mp = g_new0(struct xfs_mount, 1);
	init_super(&mp->m_super, &xfs_super_operations, mp);
	mp->m_super.s_share_ops = &xfs_share_fs_ops;
	/* the mount holds the dax_device: memory failure finds it through the holder */
	if (fs_dax_get(pd->dax_dev, mp, &xfs_dax_holder_operations) == 0)
		mp->m_super.s_daxdev = pd->dax_dev;
	mp->m_opts = *opts;
	mp->m_pmem = pd;
	mp->m_dblocks = dblocks;
	mp->m_alloc = xfs_alloc_create(dblocks, opts->agcount);
	xfs_alloc_set_bad(mp->m_alloc, xfs_alloc_poisoned, pd);
	xfs_alloc_set_agf_lock(mp->m_alloc, xfs_alloc_read_agf);
	mp->m_refc = xfs_refcount_tree_alloc();
	mp->m_rmap = xfs_rmap_tree_alloc();
	mp->m_inodes = g_tree_new_full(ino_cmp, NULL, NULL, NULL);
	xfs_buf_cache_init(mp);
	mp->m_names = g_tree_new_full(name_cmp, NULL, g_free, g_free);
	mp->m_dirs = g_tree_new_full(name_cmp, NULL, NULL, xfs_dir_free);
	mp->m_next_ino = XFS_FIRST_INO;
	for (xfs_agnumber_t agno = 0; agno < opts->agcount; agno++)
		xfs_mkfs_ag_metadata(mp, agno, xfs_alloc_agblocks(mp->m_alloc));
	*mpp = mp;
	return 0;
}

static void xfs_inode_free(struct xfs_inode *ip)
{
	inode_sb_list_del(VFS_I(ip));
	mapping_destroy(VFS_I(ip)->i_mapping);
	xfs_ifork_free(ip->i_df);
	xfs_ifork_free(ip->i_cowfp);
	g_free(ip->i_name);
	g_free(ip);
}

static gboolean free_inode_cb(gpointer k, gpointer v, gpointer d)
{
	xfs_inode_free(v);
	return FALSE;
}

static bool drop_entries(struct xfs_inode *ip, void *arg)
{
	/* evict: the DAX entries go first, so sharing designs let go too */
	dax_delete_mapping_range(VFS_I(ip)->i_mapping, 0, XFS_MAX_FILEOFF);
	/* the page cache is written back at unmount, then goes */
	filemap_write_and_wait_range(VFS_I(ip)->i_mapping, 0, UINT64_MAX);
	unmap_mapping_pages(VFS_I(ip)->i_mapping, 0, 0, false);
	truncate_inode_pages_final(VFS_I(ip)->i_mapping);
	return true;
}

void xfs_unmount(struct xfs_mount *mp)
{
	if (!mp)
		return;
	xfs_inode_walk(mp, drop_entries, NULL);
	g_tree_foreach(mp->m_inodes, free_inode_cb, NULL);
	fs_put_dax(mp->m_super.s_daxdev, mp);
	generic_shutdown_super(&mp->m_super);
	g_tree_destroy(mp->m_inodes);
	xfs_buf_cache_destroy(mp);
	g_tree_destroy(mp->m_names);
	g_tree_destroy(mp->m_dirs);
	xfs_alloc_destroy(mp->m_alloc);
	xfs_refcount_tree_free(mp->m_refc);
	xfs_rmap_tree_free(mp->m_rmap);
	g_free(mp);
}

struct xfs_inode *xfs_iget_incore(struct xfs_mount *mp, xfs_ino_t ino)
{
	struct xfs_inode *ip = g_tree_lookup(mp->m_inodes, &ino);

	return ip && ip->i_incore ? ip : NULL;
}

struct xfs_inode *xfs_find_inode(struct xfs_mount *mp, const char *name)
{
	xfs_ino_t *ino = g_tree_lookup(mp->m_names, name);

	return ino ? g_tree_lookup(mp->m_inodes, ino) : NULL;
}

struct xfs_inode *xfs_lookup(struct xfs_mount *mp, const char *name)
{
	struct xfs_inode *ip = xfs_find_inode(mp, name);

	if (ip)
		ip->i_incore = true;	/* xfs_iget reads it in */
	return ip;
}

static bool xfs_inode_should_enable_dax(const struct xfs_mount *mp, const struct xfs_inode *ip)
{
	switch (mp->m_opts.dax) {
	case XFS_DAX_ALWAYS:	return true;
	case XFS_DAX_NEVER:	return false;
	case XFS_DAX_INODE:	return ip->i_diflags & XFS_DIFLAG2_DAX;
	}
	return false;
}

void xfs_diflags_to_iflags(struct xfs_inode *ip)
{
	if (xfs_inode_should_enable_dax(ip->i_mount, ip))
		VFS_I(ip)->i_flags |= S_DAX;
	else
		VFS_I(ip)->i_flags &= ~S_DAX;
}

/*
 * xfs_inode_inherit_flags / _flags2: a new file takes its directory's
 * inheritable extent size hint, CoW extent size hint and DAX flag.
 */
static void xfs_inode_inherit_flags(struct xfs_inode *ip)
{
	gchar *dir = g_path_get_dirname(ip->i_name);
	struct xfs_inode *pip = xfs_dir_get(ip->i_mount, dir, false);

	g_free(dir);
	if (!pip)
		return;
	if (pip->i_diflags & XFS_DIFLAG_EXTSZINHERIT) {
		ip->i_diflags |= XFS_DIFLAG_EXTSIZE;
		ip->i_extsize = pip->i_extsize;
	}
	if (pip->i_diflags & XFS_DIFLAG2_COWEXTSIZE) {
		ip->i_diflags |= XFS_DIFLAG2_COWEXTSIZE;
		ip->i_cowextsize = pip->i_cowextsize;
	}
	if (pip->i_diflags & XFS_DIFLAG2_DAX)
		ip->i_diflags |= XFS_DIFLAG2_DAX;
}

int xfs_create(struct xfs_mount *mp, const char *name, struct xfs_inode **ipp)
{
	struct xfs_inode *ip;
	xfs_ino_t *key;

	if (mp->m_shutdown)
		return -EIO;
	if (g_tree_lookup(mp->m_names, name))
		return -EEXIST;
	ip = g_new0(struct xfs_inode, 1);
	ip->i_ino = mp->m_next_ino++;
	ip->i_mount = mp;
	ip->i_df = xfs_ifork_alloc();
	ip->i_cowfp = xfs_ifork_alloc();
	inode_init_always(&mp->m_super, VFS_I(ip), ip->i_ino, &xfs_file_operations,
			  &xfs_address_space_operations);
	VFS_I(ip)->i_nlink = 1;
	ip->i_incore = true;
	ip->i_name = g_strdup(name);
	xfs_inode_inherit_flags(ip);
	xfs_diflags_to_iflags(ip);
	g_tree_insert(mp->m_inodes, &ip->i_ino, ip);
	key = g_new(xfs_ino_t, 1);
	*key = ip->i_ino;
	g_tree_insert(mp->m_names, g_strdup(name), key);
	trace("%s ino %llu", name, (unsigned long long)ip->i_ino);
	*ipp = ip;
	return 0;
}

/* xfs_inactive(): the last reference to an unlinked inode frees it. */
static void xfs_inactive(struct xfs_inode *ip)
{
	struct xfs_mount *mp = ip->i_mount;

	dax_break_layout(VFS_I(ip), 0, XFS_MAX_FILEOFF, NULL);
	truncate_inode_pages_final(VFS_I(ip)->i_mapping);	/* nothing to write back */
	xfs_ilock(ip, XFS_ILOCK_EXCL);
	xfs_bmap_unmap_range(ip, XFS_COW_FORK, 0, XFS_MAX_FILEOFF);
	xfs_bmap_unmap_range(ip, XFS_DATA_FORK, 0, XFS_MAX_FILEOFF);
	xfs_iunlock(ip, XFS_ILOCK_EXCL);
	trace("ino %llu freed", (unsigned long long)ip->i_ino);
	g_tree_remove(mp->m_inodes, &ip->i_ino);
	xfs_inode_free(ip);
}

int xfs_remove(struct xfs_mount *mp, const char *name)
{
	struct xfs_inode *ip = xfs_lookup(mp, name);

	if (!ip)
		return -ENOENT;
	if (mp->m_shutdown)
		return -EIO;
	g_tree_remove(mp->m_names, name);
	VFS_I(ip)->i_nlink = 0;
	g_free(ip->i_name);
	ip->i_name = NULL;
	if (!VFS_I(ip)->i_count)
		xfs_inactive(ip);
	return 0;
}

int xfs_rename(struct xfs_mount *mp, const char *from, const char *to)
{
	struct xfs_inode *ip = xfs_lookup(mp, from);
	xfs_ino_t *key;
	int error;

	if (!ip)
		return -ENOENT;
	if (mp->m_shutdown)
		return -EIO;
	if (!strcmp(from, to))
		return 0;
	if (g_tree_lookup(mp->m_names, to) && (error = xfs_remove(mp, to)))
		return error;
	g_tree_remove(mp->m_names, from);
	key = g_new(xfs_ino_t, 1);
	*key = ip->i_ino;
	g_tree_insert(mp->m_names, g_strdup(to), key);
	g_free(ip->i_name);
	ip->i_name = g_strdup(to);
	inode_set_ctime_current(VFS_I(ip));	/* xfs_trans_ichgtime(src_ip, XFS_ICHGTIME_CHG) */
	trace("%s -> %s ino %llu", from, to, (unsigned long long)ip->i_ino);
	return 0;
}

/*
 * Drop a linked inode from the cache (eviction at unmount, or at its last
 * reference when it was marked I_DONTCACHE): its DAX entries go, its page
 * cache is written back and dropped, its CoW staging is cancelled; when it
 * is read in again S_DAX follows the inode flag and the mount's mode.
 */
static void xfs_evict_cached(struct xfs_inode *ip)
{
	dax_delete_mapping_range(VFS_I(ip)->i_mapping, 0, XFS_MAX_FILEOFF);
	/* the page cache is written back (CoW completes), then dropped */
	filemap_write_and_wait_range(VFS_I(ip)->i_mapping, 0, UINT64_MAX);
	unmap_mapping_pages(VFS_I(ip)->i_mapping, 0, 0, false);
	truncate_inode_pages_final(VFS_I(ip)->i_mapping);
	xfs_ilock(ip, XFS_ILOCK_EXCL);
	xfs_bmap_unmap_range(ip, XFS_COW_FORK, 0, XFS_MAX_FILEOFF);
	xfs_iunlock(ip, XFS_ILOCK_EXCL);
	ip->i_incore = false;
	ip->i_remapping = false;
	VFS_I(ip)->i_state &= ~I_DONTCACHE;
	/* read back in: FS_XFLAG_DAX set by chattr takes effect now */
	xfs_diflags_to_iflags(ip);
}

/* ->evict_inode: the last iput() of an unlinked or I_DONTCACHE inode. */
static void xfs_fs_evict_inode(struct inode *inode)
{
	if (inode->i_nlink == 0)
		xfs_inactive(XFS_I(inode));
	else
		xfs_evict_cached(XFS_I(inode));
}

static void xfs_fs_put_super(struct super_block *sb)
{
	xfs_unmount(XFS_M(sb));
}

static const struct super_operations xfs_super_operations = {
	.evict_inode	= xfs_fs_evict_inode,
	.put_super	= xfs_fs_put_super,
};

struct walk_args {
	bool (*fn)(struct xfs_inode *, void *);
	void *arg;
};

static gboolean walk_one(gpointer k, gpointer v, gpointer d)
{
	struct walk_args *a = d;

	return !a->fn(v, a->arg);
}

void xfs_inode_walk(struct xfs_mount *mp, bool (*fn)(struct xfs_inode *, void *), void *arg)
{
	struct walk_args a = { fn, arg };

	g_tree_foreach(mp->m_inodes, walk_one, &a);
}

static bool remount_one(struct xfs_inode *ip, void *arg)
{
	/* Unmount: every inode leaves the cache; mount: nothing in core. */
	xfs_evict_cached(ip);
	return true;
}

void xfs_remount(struct xfs_mount *mp)
{
	mp->m_shutdown = false;	/* a fresh mount (the caller checked the metadata) */
	xfs_inode_walk(mp, remount_one, NULL);
	trace("cycle mount: %llu free blocks", (unsigned long long)xfs_alloc_freeblks(mp->m_alloc));
}

/* Inode locks ----------------------------------------------------------- */
void xfs_ilock_(struct xfs_inode *ip, unsigned int flags, int subclass, const char *func)
{
	if (flags & XFS_IOLOCK_EXCL)
		lock_acquire(&lc_i_rwsem, ip->i_ino, LOCK_EXCL, subclass, func);
	if (flags & XFS_IOLOCK_SHARED)
		lock_acquire(&lc_i_rwsem, ip->i_ino, LOCK_SHARED, subclass, func);
	if (flags & XFS_MMAPLOCK_EXCL)
		lock_acquire(&lc_invalidate_lock, ip->i_ino, LOCK_EXCL, subclass, func);
	if (flags & XFS_MMAPLOCK_SHARED)
		lock_acquire(&lc_invalidate_lock, ip->i_ino, LOCK_SHARED, subclass, func);
	if (flags & XFS_ILOCK_EXCL)
		lock_acquire(&lc_ilock, ip->i_ino, LOCK_EXCL, subclass, func);
	if (flags & XFS_ILOCK_SHARED)
		lock_acquire(&lc_ilock, ip->i_ino, LOCK_SHARED, subclass, func);
}

void xfs_iunlock_(struct xfs_inode *ip, unsigned int flags, const char *func)
{
	if (flags & (XFS_ILOCK_EXCL | XFS_ILOCK_SHARED))
		lock_release(&lc_ilock, ip->i_ino, func);
	if (flags & (XFS_MMAPLOCK_EXCL | XFS_MMAPLOCK_SHARED))
		lock_release(&lc_invalidate_lock, ip->i_ino, func);
	if (flags & (XFS_IOLOCK_EXCL | XFS_IOLOCK_SHARED))
		lock_release(&lc_i_rwsem, ip->i_ino, func);
}

void xfs_ilock_demote_(struct xfs_inode *ip, unsigned int flags, const char *func)
{
	if (flags & XFS_MMAPLOCK_EXCL)
		lock_downgrade(&lc_invalidate_lock, ip->i_ino, func);
	if (flags & XFS_IOLOCK_EXCL)
		lock_downgrade(&lc_i_rwsem, ip->i_ino, func);
}

/* The allocator's AGF lock: xfs_alloc_read_agf() / xfs_trans_brelse(). */
void xfs_alloc_read_agf(xfs_agnumber_t agno, bool lock)
{
	if (lock)
		lock_acquire(&lc_agf, agno, LOCK_EXCL, 0, "xfs_alloc_read_agf");
	else
		lock_release(&lc_agf, agno, "xfs_trans_brelse");
}

void xfs_trans_agf_lock(struct xfs_mount *mp, xfs_fsblock_t bno, const char *func)
{
	lock_acquire(&lc_agf, xfs_alloc_agno(mp->m_alloc, bno), LOCK_EXCL, 0, func);
}

void xfs_trans_agf_unlock(struct xfs_mount *mp, xfs_fsblock_t bno, const char *func)
{
	lock_release(&lc_agf, xfs_alloc_agno(mp->m_alloc, bno), func);
}
