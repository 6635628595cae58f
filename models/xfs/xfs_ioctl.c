// SPDX-License-Identifier: MIT
/*
 * FS_IOC_FSGETXATTR / FS_IOC_FSSETXATTR (xfs_fileattr_get/_set) for the
 * extent size hints, the hints themselves as the allocator reads them
 * (xfs_get_extsz_hint, xfs_get_cowextsz_hint), and the directories that
 * carry hints for the files made in them.
 *
 * The namespace is flat (xfs_mount.c): a directory here is only an inode
 * with flags and hints, made when a hint is first read or set on its path,
 * found by the path's dirname when a file is created in it
 * (xfs_inode_inherit_flags / _flags2).
 */
#include <string.h>

#include "fileattr.h"
#include "sim.h"
#include "trace.h"
#include "xfs_mount.h"

xfs_extlen_t xfs_get_extsz_hint(const struct xfs_inode *ip)
{
	return ip->i_diflags & XFS_DIFLAG_EXTSIZE ? ip->i_extsize : 0;
}

/* The larger of the two hints; an inode with neither gets the default. */
xfs_extlen_t xfs_get_cowextsz_hint(const struct xfs_inode *ip)
{
	xfs_extlen_t a = ip->i_diflags & XFS_DIFLAG2_COWEXTSIZE ? ip->i_cowextsize : 0;
	xfs_extlen_t b = xfs_get_extsz_hint(ip);

	a = MAX(a, b);
	return a ? a : XFS_DEFAULT_COWEXTSZ_HINT;
}

/* xfs_fill_fsxattr() */
void xfs_fileattr_get(struct xfs_inode *ip, struct fileattr *fa)
{
	memset(fa, 0, sizeof(*fa));
	if (ip->i_diflags & XFS_DIFLAG_PREALLOC)
		fa->fsx_xflags |= FS_XFLAG_PREALLOC;
	if (ip->i_diflags & XFS_DIFLAG_EXTSIZE)
		fa->fsx_xflags |= FS_XFLAG_EXTSIZE;
	if (ip->i_diflags & XFS_DIFLAG_EXTSZINHERIT)
		fa->fsx_xflags |= FS_XFLAG_EXTSZINHERIT;
	if (ip->i_diflags & XFS_DIFLAG2_DAX)
		fa->fsx_xflags |= FS_XFLAG_DAX;
	if (ip->i_diflags & XFS_DIFLAG2_COWEXTSIZE)
		fa->fsx_xflags |= FS_XFLAG_COWEXTSIZE;
	fa->fsx_extsize = ip->i_extsize << PAGE_SHIFT;
	if (ip->i_diflags & XFS_DIFLAG2_COWEXTSIZE)
		fa->fsx_cowextsize = ip->i_cowextsize << PAGE_SHIFT;
	if (!ip->i_isdir)
		fa->fsx_nextents = (uint32_t)xfs_iext_count(ip->i_df);
}

/*
 * A hint in bytes: a whole number of blocks, at most MAXEXTLEN and half an
 * AG (xfs_inode_validate_extsize / _cowextsize).
 */
static int xfs_check_hint(struct xfs_mount *mp, uint32_t bytes)
{
	uint64_t fsb = bytes >> PAGE_SHIFT;

	if (bytes & (PAGE_SIZE - 1))
		return -EINVAL;
	if (fsb > XFS_MAX_BMBT_EXTLEN || fsb > xfs_alloc_agblocks(mp->m_alloc) / 2)
		return -EINVAL;
	return 0;
}

/*
 * xfs_fileattr_set(), the hint part: the extent size hint of a regular file
 * cannot change once it has data (xfs_ioctl_setattr_check_extsize); a flag
 * with a zero hint is a cleared hint (the flag goes too).
 */
int xfs_fileattr_set(struct xfs_inode *ip, const struct fileattr *fa)
{
	struct xfs_mount *mp = ip->i_mount;
	unsigned int want = ip->i_isdir ? FS_XFLAG_EXTSZINHERIT : FS_XFLAG_EXTSIZE;
	unsigned int flags = ip->i_diflags;
	int err;

	if (mp->m_shutdown)
		return -EIO;
	if ((fa->fsx_xflags & (FS_XFLAG_EXTSIZE | FS_XFLAG_EXTSZINHERIT)) & ~want)
		return -EINVAL;	/* EXTSIZE on a directory, EXTSZINHERIT on a file */
	if (!ip->i_isdir && xfs_iext_count(ip->i_df) &&
	    ((uint64_t)ip->i_extsize << PAGE_SHIFT) != fa->fsx_extsize)
		return -EINVAL;
	err = xfs_check_hint(mp, fa->fsx_extsize);
	if (!err && (fa->fsx_xflags & FS_XFLAG_COWEXTSIZE)) {
		if (!mp->m_opts.reflink)
			return -EINVAL;
		err = xfs_check_hint(mp, fa->fsx_cowextsize);
	}
	if (err)
		return err;
	flags &= ~(XFS_DIFLAG_EXTSIZE | XFS_DIFLAG_EXTSZINHERIT | XFS_DIFLAG2_COWEXTSIZE |
		   XFS_DIFLAG2_DAX | XFS_DIFLAG_PREALLOC);
	if (fa->fsx_xflags & FS_XFLAG_PREALLOC)
		flags |= XFS_DIFLAG_PREALLOC;
	if ((fa->fsx_xflags & want) && fa->fsx_extsize)
		flags |= ip->i_isdir ? XFS_DIFLAG_EXTSZINHERIT : XFS_DIFLAG_EXTSIZE;
	if ((fa->fsx_xflags & FS_XFLAG_COWEXTSIZE) && fa->fsx_cowextsize)
		flags |= XFS_DIFLAG2_COWEXTSIZE;
	if (fa->fsx_xflags & FS_XFLAG_DAX)
		flags |= XFS_DIFLAG2_DAX;	/* S_DAX follows at the next read-in */
	ip->i_diflags = flags;
	ip->i_extsize = flags & (XFS_DIFLAG_EXTSIZE | XFS_DIFLAG_EXTSZINHERIT) ?
			fa->fsx_extsize >> PAGE_SHIFT : 0;
	ip->i_cowextsize = flags & XFS_DIFLAG2_COWEXTSIZE ? fa->fsx_cowextsize >> PAGE_SHIFT : 0;
	ip->i_meta_dirty = true;
	trace("ino %llu extsize %u cowextsize %u", (unsigned long long)ip->i_ino,
	      (unsigned)ip->i_extsize, (unsigned)ip->i_cowextsize);
	return 0;
}

struct xfs_inode *xfs_dir_get(struct xfs_mount *mp, const char *path, bool create)
{
	struct xfs_inode *dp = g_tree_lookup(mp->m_dirs, path);

	if (dp || !create)
		return dp;
	dp = g_new0(struct xfs_inode, 1);
	dp->i_ino = mp->m_next_ino++;
	dp->i_mount = mp;
	dp->i_isdir = true;
	dp->i_name = g_strdup(path);
	g_tree_insert(mp->m_dirs, dp->i_name, dp);
	return dp;
}

/*
 * mkdir: a new directory inherits the inheritable flags and hints of its
 * parent, as a new file does (xfs_inode_inherit_flags for S_IFDIR).
 */
struct xfs_inode *xfs_mkdir(struct xfs_mount *mp, const char *path)
{
	gchar *parent = g_path_get_dirname(path);
	struct xfs_inode *pip = xfs_dir_get(mp, parent, false), *dp;

	g_free(parent);
	xfs_dir_forget(mp, path, true);
	dp = xfs_dir_get(mp, path, true);
	if (pip) {
		dp->i_diflags = pip->i_diflags &
				(XFS_DIFLAG_EXTSZINHERIT | XFS_DIFLAG2_COWEXTSIZE | XFS_DIFLAG2_DAX);
		dp->i_extsize = dp->i_diflags & XFS_DIFLAG_EXTSZINHERIT ? pip->i_extsize : 0;
		dp->i_cowextsize = dp->i_diflags & XFS_DIFLAG2_COWEXTSIZE ? pip->i_cowextsize : 0;
	}
	return dp;
}

/* rmdir: @path itself, and with @below every directory under it */
void xfs_dir_forget(struct xfs_mount *mp, const char *path, bool below)
{
	GPtrArray *gone = g_ptr_array_new();
	size_t n = strlen(path);

	for (GTreeNode *k = g_tree_lower_bound(mp->m_dirs, path); k; k = g_tree_node_next(k)) {
		const char *key = g_tree_node_key(k);

		if (strncmp(key, path, n))
			break;
		if (!key[n] || (below && key[n] == '/'))
			g_ptr_array_add(gone, g_tree_node_value(k));
	}
	for (guint i = 0; i < gone->len; i++)
		g_tree_remove(mp->m_dirs, ((struct xfs_inode *)g_ptr_array_index(gone, i))->i_name);
	g_ptr_array_free(gone, TRUE);
}
