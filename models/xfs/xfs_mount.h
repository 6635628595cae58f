/* SPDX-License-Identifier: MIT */
/*
 * The XFS filesystem model: mount, inodes, forks, the data-fork mutations
 * that keep refcount / rmap / free space consistent, and the file operations
 * the syscall layer calls.  Function names follow fs/xfs.
 */
#ifndef DAXSIM_XFS_MOUNT_H
#define DAXSIM_XFS_MOUNT_H

#include <glib.h>

#include "dax.h"
#include "fs.h"
#include "iomap.h"
#include "mm.h"
#include "pagemap.h"
#include "xfs_alloc.h"
#include "xfs_iext.h"
#include "xfs_refcount.h"
#include "xfs_rmap.h"

struct pmem_device;
struct memmap;

enum xfs_dax_mode { XFS_DAX_ALWAYS, XFS_DAX_INODE, XFS_DAX_NEVER };

struct xfs_mkfs_opts {
	unsigned int	blocksize;
	bool		reflink;
	bool		rmapbt;
	enum xfs_dax_mode dax;
	xfs_agnumber_t	agcount;
};

/* Inode flags */
#define XFS_DIFLAG2_REFLINK	(1U << 0)	/* may have shared extents */
#define XFS_DIFLAG2_DAX		(1U << 1)	/* FS_XFLAG_DAX */
#define XFS_DIFLAG2_COWEXTSIZE	(1U << 2)	/* i_cowextsize is the CoW hint */
/* di_flags bits share the field, above the di_flags2 ones */
#define XFS_DIFLAG_EXTSIZE	(1U << 11)	/* i_extsize is the hint */
#define XFS_DIFLAG_EXTSZINHERIT	(1U << 12)	/* a directory's new files inherit it */
#define XFS_DIFLAG_PREALLOC	(1U << 13)	/* fallocate preallocated (xfs_update_prealloc_flags) */
/* XFS_DEFAULT_COWEXTSZ_HINT: the CoW hint of an inode without one, in blocks */
#define XFS_DEFAULT_COWEXTSZ_HINT 32

#define XFS_DATA_FORK	0
#define XFS_COW_FORK	1

struct xfs_inode {
	xfs_ino_t		i_ino;
	struct xfs_mount	*i_mount;
	struct xfs_ifork	*i_df;
	struct xfs_ifork	*i_cowfp;
	unsigned int		i_diflags;
	xfs_extlen_t		i_extsize;	/* extent size hint, blocks */
	xfs_extlen_t		i_cowextsize;	/* CoW extent size hint, blocks */
	bool			i_isdir;	/* a directory: hints only, no data */
	bool			i_remapping;	/* XFS_IREMAPPING */
	bool			i_meta_dirty;	/* unsynced metadata (MAP_SYNC) */
	bool			i_incore;
	char			*i_name;	/* for messages; NULL once unlinked */
	struct inode		i_vnode;	/* the VFS inode: size, S_DAX, mapping */
};

static inline struct inode *VFS_I(struct xfs_inode *ip)
{
	return &ip->i_vnode;
}

static inline struct xfs_inode *XFS_I(struct inode *inode)
{
	return container_of(inode, struct xfs_inode, i_vnode);
}

struct xfs_mount {
	struct super_block	m_super;	/* s_fs_info = this mount */
	struct xfs_mkfs_opts	m_opts;
	struct pmem_device	*m_pmem;
	uint64_t		m_dblocks;
	struct xfs_alloc	*m_alloc;
	struct xfs_refcount_tree *m_refc;
	struct xfs_rmap_tree	*m_rmap;
	GTree			*m_inodes;	/* ino -> struct xfs_inode */
	GTree			*m_names;	/* name -> ino (a flat namespace) */
	GTree			*m_dirs;	/* path -> directory inode (its hints) */
	xfs_ino_t		m_next_ino;
	bool			m_shutdown;
	uint64_t		m_cow_blocks;	/* blocks staged in CoW forks */
	struct xfs_buf_cache	*m_bufs;	/* the buffer cache: per-AG daddr hash (xfs_buf.c) */
};

static inline struct xfs_mount *XFS_M(struct super_block *sb)
{
	return sb ? sb->s_fs_info : NULL;
}

int xfs_mkfs(struct pmem_device *pd, const struct xfs_mkfs_opts *opts,
	     struct xfs_mount **mpp, char *err, size_t errlen);
void xfs_unmount(struct xfs_mount *mp);
/* Cycle mount: drop DAX entries, leftover CoW staging (as mount-time recovery frees it) and in-core state. */
void xfs_remount(struct xfs_mount *mp);
/* Poisoned metadata (xfs_notify_failure.c): the first bad block, if any. */
bool xfs_metadata_poisoned(struct xfs_mount *mp, uint64_t *bno);
/* xfs_repair: rewrite every poisoned metadata block; returns how many. */
uint64_t xfs_repair_poisoned_metadata(struct xfs_mount *mp);

/* Namespace */
struct xfs_inode *xfs_lookup(struct xfs_mount *mp, const char *name);
/*
 * The inode by name without reading it in (an observer's view, like
 * xfs_db): for media errors and expectations, which must not change
 * whether an inode is in core.
 */
struct xfs_inode *xfs_find_inode(struct xfs_mount *mp, const char *name);
int xfs_create(struct xfs_mount *mp, const char *name, struct xfs_inode **ipp);
int xfs_remove(struct xfs_mount *mp, const char *name);
/*
 * xfs_rename(): @from's inode takes the name @to; an inode @to named
 * loses that link first (xfs_dir_replace + xfs_droplink).
 */
int xfs_rename(struct xfs_mount *mp, const char *from, const char *to);
struct xfs_inode *xfs_iget_incore(struct xfs_mount *mp, xfs_ino_t ino);
void xfs_inode_walk(struct xfs_mount *mp, bool (*fn)(struct xfs_inode *, void *), void *arg);

/* Locks: IOLOCK (i_rwsem), MMAPLOCK (invalidate_lock), ILOCK */
#define XFS_IOLOCK_EXCL		(1U << 0)
#define XFS_IOLOCK_SHARED	(1U << 1)
#define XFS_MMAPLOCK_EXCL	(1U << 2)
#define XFS_MMAPLOCK_SHARED	(1U << 3)
#define XFS_ILOCK_EXCL		(1U << 4)
#define XFS_ILOCK_SHARED	(1U << 5)
void xfs_ilock_(struct xfs_inode *ip, unsigned int flags, int subclass, const char *func);
void xfs_iunlock_(struct xfs_inode *ip, unsigned int flags, const char *func);
/* xfs_ilock_demote(): IOLOCK_EXCL / MMAPLOCK_EXCL become shared */
void xfs_ilock_demote_(struct xfs_inode *ip, unsigned int flags, const char *func);
#define xfs_ilock_demote(ip, f)		xfs_ilock_demote_(ip, f, __func__)
#define xfs_ilock(ip, f)		xfs_ilock_(ip, f, 0, __func__)
#define xfs_ilock_nested(ip, f, s)	xfs_ilock_(ip, f, s, __func__)
#define xfs_iunlock(ip, f)		xfs_iunlock_(ip, f, __func__)

static inline bool xfs_is_reflink_inode(const struct xfs_inode *ip)
{
	return ip->i_diflags & XFS_DIFLAG2_REFLINK;
}

/* a basic block: the device's logical sector, direct I/O's alignment */
#define BBSHIFT		9
#define BBSIZE		(1U << BBSHIFT)
static inline xfs_fileoff_t XFS_B_TO_FSBT(uint64_t b) { return b >> PAGE_SHIFT; }
static inline xfs_fileoff_t XFS_B_TO_FSB(uint64_t b) { return (b + PAGE_SIZE - 1) >> PAGE_SHIFT; }
static inline uint64_t XFS_FSB_TO_B(xfs_fileoff_t f) { return f << PAGE_SHIFT; }

/* Transactions: take / release the AGF of the AG holding @bno. */
void xfs_trans_agf_lock(struct xfs_mount *mp, xfs_fsblock_t bno, const char *func);
void xfs_alloc_read_agf(xfs_agnumber_t agno, bool lock);
/* xfs_break_dax_layouts' wait callback: drops and retakes MMAPLOCK_EXCL. */
void xfs_wait_dax_page(struct xfs_inode *ip);
/* The same as dax_break_layout()'s callback, for a VFS inode. */
void xfs_break_layouts_wait(struct inode *inode);
void xfs_trans_agf_unlock(struct xfs_mount *mp, xfs_fsblock_t bno, const char *func);

/* Fork mutations (xfs_bmap.c) — keep refcount, rmap and free space exact. */
int xfs_bmap_alloc(struct xfs_inode *ip, int whichfork, xfs_fileoff_t off,
		   xfs_filblks_t len, xfs_exntst_t state, bool zero,
		   struct xfs_bmbt_irec *got);
int xfs_bmap_alloc_hint(struct xfs_inode *ip, int whichfork, xfs_fileoff_t off,
			xfs_filblks_t len, xfs_fileoff_t aoff, xfs_filblks_t alen_want,
			xfs_exntst_t state, bool zero, struct xfs_bmbt_irec *got);
void xfs_bmap_extsize_align(struct xfs_inode *ip, int whichfork, xfs_fileoff_t off,
			    xfs_filblks_t len, xfs_extlen_t ext, xfs_fileoff_t *aoff,
			    xfs_fileoff_t *aend);
void xfs_bmap_map_extent(struct xfs_inode *ip, int whichfork,
			 const struct xfs_bmbt_irec *irec);
void xfs_bmap_convert_cow(struct xfs_inode *ip, xfs_fileoff_t off, xfs_filblks_t len);
/*
 * Delayed allocation in the CoW fork (buffered writes over shared blocks):
 * xfs_bmapi_reserve_delalloc() reserves [aoff, aend) in the CoW fork hole
 * (free blocks set aside, no block; -ENOSPC when they are not there);
 * xfs_bmapi_convert_delalloc() allocates the delalloc extent holding
 * file block @off (writeback, or a direct or DAX write meeting one): real
 * unwritten CoW staging blocks covering @off, as long a run of the
 * reservation as the allocator gives, the rest staying reserved.
 */
int xfs_bmapi_reserve_delalloc(struct xfs_inode *ip, xfs_fileoff_t aoff, xfs_fileoff_t aend);
int xfs_bmapi_convert_delalloc(struct xfs_inode *ip, xfs_fileoff_t off,
			       struct xfs_bmbt_irec *got);
void xfs_bmap_shift_extents(struct xfs_inode *ip, xfs_fileoff_t start, int64_t delta);
void xfs_bmap_unmap_range(struct xfs_inode *ip, int whichfork,
			  xfs_fileoff_t off, xfs_filblks_t len);
void xfs_bmap_convert_written(struct xfs_inode *ip, xfs_fileoff_t off,
			      xfs_filblks_t len);
int xfs_alloc_file_space(struct xfs_inode *ip, uint64_t offset, uint64_t len);

/* Reflink (xfs_reflink.c) */
bool xfs_reflink_trim_around_shared(struct xfs_inode *ip,
				    struct xfs_bmbt_irec *irec);
/*
 * @convert_now: DAX and direct I/O write the CoW blocks at once, so a
 * reservation is allocated and the blocks under the write made written; a
 * buffered write only reserves (delayed allocation, for writeback).
 */
int xfs_reflink_allocate_cow(struct xfs_inode *ip, struct xfs_bmbt_irec *imap,
			     struct xfs_bmbt_irec *cmap, bool *shared, bool convert_now);
int xfs_reflink_end_cow(struct xfs_inode *ip, uint64_t offset, uint64_t count);
void xfs_reflink_cancel_cow_range(struct xfs_inode *ip, uint64_t offset,
				  uint64_t count);
/* @remap_flags: REMAP_FILE_DEDUP, REMAP_FILE_CAN_SHORTEN; *@len: bytes remapped */
int xfs_reflink_remap_range(struct xfs_inode *src, uint64_t pos_in,
			    struct xfs_inode *dest, uint64_t pos_out,
			    uint64_t *len, unsigned int remap_flags, bool *same);
int xfs_reflink_unshare(struct xfs_inode *ip, uint64_t offset, uint64_t len);

/* iomap ops (xfs_iomap.c) */
extern const struct iomap_ops xfs_read_iomap_ops;
extern const struct iomap_ops xfs_seek_iomap_ops;
extern const struct iomap_ops xfs_dax_write_iomap_ops;
extern const struct iomap_ops xfs_direct_write_iomap_ops;
/*
 * Buffered writes (the page cache): blocks are reserved when the folio is
 * dirtied -- a hole allocated, a shared block given its CoW fork block --
 * and the CoW remap waits for writeback (xfs_aops.c).
 */
extern const struct iomap_ops xfs_buffered_write_iomap_ops;
/* Writeback (xfs_aops.c): xfs_map_blocks and the CoW completion. */
extern const struct iomap_writeback_ops xfs_writeback_ops;
/* xfs_flush_unmap_range(): write back, unmap and drop the page cache over a range. */
int xfs_flush_unmap_range(struct xfs_inode *ip, uint64_t offset, uint64_t len);

/*
 * File operations (xfs_file.c): the kernel calls them through
 * xfs_file_operations / xfs_file_vm_ops; the scenario front end calls the
 * ones with no VFS entry here (truncate, the DAX flag).
 */
extern const struct file_operations xfs_file_operations;
extern const struct address_space_operations xfs_address_space_operations;
int xfs_setattr_size(struct xfs_inode *ip, uint64_t newsize);
int xfs_fileattr_set_dax(struct xfs_inode *ip, bool on);
/* xfs_ioctl.c: FS_IOC_FSGETXATTR / FS_IOC_FSSETXATTR, the allocation hints */
struct fileattr;
void xfs_fileattr_get(struct xfs_inode *ip, struct fileattr *fa);
int xfs_fileattr_set(struct xfs_inode *ip, const struct fileattr *fa);
xfs_extlen_t xfs_get_extsz_hint(const struct xfs_inode *ip);
xfs_extlen_t xfs_get_cowextsz_hint(const struct xfs_inode *ip);
/* directories: made on demand, they carry the hints new files inherit */
struct xfs_inode *xfs_dir_get(struct xfs_mount *mp, const char *path, bool create);
void xfs_dir_forget(struct xfs_mount *mp, const char *path, bool below);
struct xfs_inode *xfs_mkdir(struct xfs_mount *mp, const char *path);
/* S_DAX from the mount option and FS_XFLAG_DAX (xfs_inode_should_enable_dax) */
void xfs_diflags_to_iflags(struct xfs_inode *ip);

/* The sharing designs' view of the fs (xfs_share.c), set at mount. */
extern const struct share_fs_ops xfs_share_fs_ops;
/* Memory failure's way in (xfs_notify_failure.c), claimed at mount. */
extern const struct dax_holder_operations xfs_dax_holder_operations;

#endif
