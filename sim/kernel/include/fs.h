/* SPDX-License-Identifier: MIT */
/*
 * The VFS objects the simulated kernel knows a filesystem by (include/linux/fs.h):
 * super_block, inode, file and the ops tables a filesystem fills in.  The
 * kernel reaches a filesystem only through these: mmap through f_op->mmap,
 * faults through the vm_operations_struct that ->mmap installs, fsync through
 * f_op->fsync, the last reference through s_op->evict_inode, the block map
 * through a_ops->bmap.  A filesystem embeds struct inode in its own inode
 * (XFS: VFS_I()/XFS_I()) and struct super_block in its mount.
 */
#ifndef DAXSIM_FS_H
#define DAXSIM_FS_H

#include <glib.h>

#include "dax.h"
#include "types.h"

struct dax_device;
struct folio;
struct file;
struct inode;
struct super_block;
struct vm_area_struct;
struct vm_fault;

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#endif

#define MAX_LFS_FILESIZE	((uint64_t)INT64_MAX)

/* inode->i_flags */
#define S_DAX		(1U << 0)	/* file data is accessed directly (fsdax) */

/* inode->i_mode file types (a filesystem's inodes leave it 0: regular) */
#ifndef S_IFMT
#define S_IFMT		0170000
#endif
#ifndef S_IFCHR
#define S_IFCHR		0020000
#endif
#ifndef S_ISCHR
#define S_ISCHR(m)	(((m) & S_IFMT) == S_IFCHR)
#endif

struct super_operations {
	/* The last reference to an unlinked inode went (iput_final -> evict). */
	void (*evict_inode)(struct inode *inode);
	/* Unmount: every inode and the fs's own state go. */
	void (*put_super)(struct super_block *sb);
};

struct share_fs_ops;

struct super_block {
	const struct super_operations	*s_op;
	void				*s_fs_info;	/* the filesystem's mount */
	struct dax_device		*s_daxdev;	/* fs_dax_get() at mount */
	uint64_t			s_maxbytes;	/* max file size (XFS: MAX_LFS_FILESIZE) */
	GTree				*s_inodes;	/* ino -> inode, every inode */
	/* daxsim: what the page-sharing designs may ask the fs (share.h) */
	const struct share_fs_ops	*s_share_ops;
};

void init_super(struct super_block *sb, const struct super_operations *ops, void *fs_info);
void generic_shutdown_super(struct super_block *sb);

struct address_space_operations {
	/*
	 * bmap(): the disk block backing file block @index, or false for a
	 * hole (unwritten extents count as mapped).  Observers only: takes
	 * no locks and changes nothing.
	 */
	bool (*bmap)(struct address_space *mapping, pgoff_t index, uint64_t *bno);
	/* Fill the locked, new @folio at (@mapping, @index) from the disk: 0 or -EIO. */
	int (*read_folio)(struct folio *folio, struct address_space *mapping, pgoff_t index);
	/* Write back the dirty folios of [@start, @end] (pages) and wait. */
	int (*writepages)(struct address_space *mapping, pgoff_t start, pgoff_t end);
};

struct inode {
	uint64_t				i_ino;
	unsigned int				i_mode;		/* S_IFCHR: a character device */
	uint64_t				i_size;		/* i_size_read() */
	unsigned int				i_flags;	/* S_DAX */
	unsigned int				i_nlink;
	unsigned int				i_count;	/* open files + mappings */
	struct super_block			*i_sb;
	const struct file_operations		*i_fop;
	struct address_space			*i_mapping;	/* = &i_data */
	struct address_space			i_data;
	unsigned int				i_state;	/* I_DONTCACHE */
	int64_t					i_mtime_ns;	/* ns since the epoch */
	int64_t					i_ctime_ns;
};

/*
 * Timestamps (fs/inode.c): current_time() is the simulated wall clock,
 * which starts at a fixed time and moves only when the driver of the run
 * moves it (the fstests shell: by what each command costs, and `sleep`).
 */
int64_t current_time_ns(void);
void inode_set_mtime_ctime_now(struct inode *inode);	/* create, write, truncate, remap */
void inode_set_ctime_current(struct inode *inode);	/* rename */
void file_update_time(struct file *file);		/* file_modified(): mtime and ctime */

#define IS_DAX(inode)	(((inode)->i_flags & S_DAX) != 0)

/* inode->i_state: evict at the last reference, linked or not (d_mark_dontcache) */
#define I_DONTCACHE	(1U << 0)

static inline uint64_t i_size_read(const struct inode *inode)
{
	return inode->i_size;
}

static inline void i_size_write(struct inode *inode, uint64_t size)
{
	inode->i_size = size;
}

/* map_flags a file's ->mmap accepts beyond the legacy ones */
#define MAP_SYNC_	(1U << 0)

struct file_operations {
	/* Sets vma->vm_ops and the VM flags; refuses what it cannot map. */
	int (*mmap)(struct file *file, struct vm_area_struct *vma);
	unsigned long mmap_supported_flags;		/* MAP_SYNC_ */
	/* read(2)/write(2) at @pos: bytes, or a negative errno. */
	int64_t (*read)(struct file *file, void *buf, uint64_t len, uint64_t pos);
	int64_t (*write)(struct file *file, const void *buf, uint64_t len, uint64_t pos);
	int (*fsync)(struct file *file, uint64_t start, uint64_t end, int datasync);
	int (*fallocate)(struct file *file, int mode, uint64_t offset, uint64_t len);
	/* SEEK_DATA / SEEK_HOLE from @offset: an offset, or a negative errno */
	int64_t (*llseek)(struct file *file, uint64_t offset, int whence);
	/*
	 * Share @len bytes of @in at @pos_in into @out at @pos_out
	 * (REMAP_FILE_*): the bytes remapped (with REMAP_FILE_CAN_SHORTEN
	 * perhaps fewer, down to whole blocks, or 0), or a negative errno.
	 */
	int64_t (*remap_file_range)(struct file *in, uint64_t pos_in, struct file *out,
				    uint64_t pos_out, uint64_t len, unsigned int remap_flags);
	/*
	 * The start address for a new mapping of @len bytes at page @pgoff,
	 * at or above @addr (NULL: the default, PMD-coloured to the offset).
	 */
	uint64_t (*get_unmapped_area)(struct file *file, uint64_t addr, uint64_t len,
				      pgoff_t pgoff);
};

/* An open file description. */
struct file {
	struct inode			*f_inode;
	struct address_space		*f_mapping;
	const struct file_operations	*f_op;
	char				*f_path;	/* the name it was opened by */
	bool				f_readonly;	/* !FMODE_WRITE */
	bool				f_direct;	/* O_DIRECT */
	int				f_count;
	void				*private_data;	/* the driver's (device DAX: its dev_dax) */
};

static inline struct inode *file_inode(const struct file *f)
{
	return f->f_inode;
}

/* Inode references (fs/inode.c): the last iput of an unlinked inode evicts it. */
void ihold(struct inode *inode);
void iput(struct inode *inode);
/* The filesystem's side of the inode list (inode_sb_list_add / _del). */
void inode_init_always(struct super_block *sb, struct inode *inode, uint64_t ino,
		       const struct file_operations *fop,
		       const struct address_space_operations *aops);
void inode_sb_list_del(struct inode *inode);
/* Every inode of @sb in inode-number order; stops when @fn returns false. */
void sb_for_each_inode(struct super_block *sb, bool (*fn)(struct inode *, void *), void *arg);

/* Files (fs/file_table.c): a reference on the inode for each file. */
struct file *alloc_file(struct inode *inode, const char *path, bool readonly);
struct file *get_file(struct file *f);
void fput(struct file *f);

/* The syscall side (fs/read_write.c, fs/sync.c, fs/open.c) */
int64_t vfs_read(struct file *f, void *buf, uint64_t len, uint64_t pos);
int64_t vfs_write(struct file *f, const void *buf, uint64_t len, uint64_t pos);
int vfs_fsync_range(struct file *f, uint64_t start, uint64_t end, int datasync);
int vfs_fallocate(struct file *f, int mode, uint64_t offset, uint64_t len);
/* lseek(2) with SEEK_DATA / SEEK_HOLE: an offset, or a negative errno */
int64_t vfs_llseek(struct file *f, uint64_t offset, int whence);

/* remap_file_range flags (linux/fs.h) */
#define REMAP_FILE_DEDUP	(1U << 0)
#define REMAP_FILE_CAN_SHORTEN	(1U << 1)
/*
 * copy_file_range(2): up to @len bytes of @in at @pos_in to @out at
 * @pos_out, shortened to @in's EOF; shared where the filesystem can remap
 * them, copied (splice) where it cannot.  Bytes copied (0 at or past EOF),
 * or a negative errno.
 */
int64_t vfs_copy_file_range(struct file *in, uint64_t pos_in, struct file *out,
			    uint64_t pos_out, uint64_t len);
/* Dedupe's byte comparison through the page cache (fs/remap_range.c). */
int vfs_dedupe_file_range_compare(struct inode *src, uint64_t srcoff, struct inode *dst,
				  uint64_t dstoff, uint64_t len, bool *same);

/* fallocate modes (linux/falloc.h) */
#ifndef SEEK_DATA	/* lseek whence values, as <unistd.h> has them */
#define SEEK_DATA		3
#define SEEK_HOLE		4
#endif
#define FALLOC_FL_KEEP_SIZE	0x01
#define FALLOC_FL_PUNCH_HOLE	0x02
#define FALLOC_FL_COLLAPSE_RANGE 0x08
#define FALLOC_FL_ZERO_RANGE	0x10
#define FALLOC_FL_INSERT_RANGE	0x20
#define FALLOC_FL_UNSHARE_RANGE	0x40

#endif
