// SPDX-License-Identifier: MIT
/*
 * The file syscalls' way into a filesystem (fs/read_write.c, fs/sync.c,
 * fs/open.c): each goes through the file's f_op, and a file without the
 * method refuses as the kernel does.
 */
#include <errno.h>

#include "fs.h"

/* rw_verify_area(): pos and pos + count must be valid loff_t values */
static int rw_verify_area(uint64_t pos, uint64_t count)
{
	if (count > (uint64_t)INT64_MAX || pos > (uint64_t)INT64_MAX ||
	    count > (uint64_t)INT64_MAX - pos)
		return -EINVAL;
	return 0;
}

/* The file's size limit: its superblock's, or the loff_t's (a device node). */
static uint64_t file_maxbytes(const struct file *f)
{
	const struct super_block *sb = file_inode(f)->i_sb;

	return sb && sb->s_maxbytes ? sb->s_maxbytes : MAX_LFS_FILESIZE;
}

int64_t vfs_read(struct file *f, void *buf, uint64_t len, uint64_t pos)
{
	if (!f->f_op->read)
		return -EINVAL;
	if (rw_verify_area(pos, len))
		return -EINVAL;
	return f->f_op->read(f, buf, len, pos);
}

int64_t vfs_write(struct file *f, const void *buf, uint64_t len, uint64_t pos)
{
	uint64_t max = file_maxbytes(f);

	if (f->f_readonly)
		return -EBADF;
	if (!f->f_op->write)
		return -EINVAL;
	if (rw_verify_area(pos, len))
		return -EINVAL;
	/* generic_write_checks() -> generic_write_check_limits(): s_maxbytes */
	if (len && pos >= max)
		return -EFBIG;
	len = MIN(len, max - pos);
	return f->f_op->write(f, buf, len, pos);
}

int vfs_fsync_range(struct file *f, uint64_t start, uint64_t end, int datasync)
{
	if (!f->f_op->fsync)
		return -EINVAL;
	return f->f_op->fsync(f, start, end, datasync);
}

int vfs_fallocate(struct file *f, int mode, uint64_t offset, uint64_t len)
{
	/* fs/open.c vfs_fallocate(): loff_t offset and len */
	if (offset > (uint64_t)INT64_MAX || !len || len > (uint64_t)INT64_MAX)
		return -EINVAL;
	/* collapse and insert range are used alone */
	if (((mode & FALLOC_FL_COLLAPSE_RANGE) && (mode & ~FALLOC_FL_COLLAPSE_RANGE)) ||
	    ((mode & FALLOC_FL_INSERT_RANGE) && (mode & ~FALLOC_FL_INSERT_RANGE)))
		return -EINVAL;
	if (f->f_readonly)
		return -EBADF;
	/* the end past s_maxbytes, or wrapping the loff_t: EFBIG */
	if (len > (uint64_t)INT64_MAX - offset || offset + len > file_maxbytes(f))
		return -EFBIG;
	if (!f->f_op->fallocate)
		return -EOPNOTSUPP;
	return f->f_op->fallocate(f, mode, offset, len);
}

int64_t vfs_llseek(struct file *f, uint64_t offset, int whence)
{
	if (offset > (uint64_t)INT64_MAX)
		return -EINVAL;
	if (!f->f_op->llseek)
		return 0;	/* noop_llseek (device DAX): the position, which stays 0 */
	return f->f_op->llseek(f, offset, whence);
}
