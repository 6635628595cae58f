// SPDX-License-Identifier: MIT
/*
 * The file syscalls' way into a filesystem (fs/read_write.c, fs/sync.c,
 * fs/open.c): each goes through the file's f_op, and a file without the
 * method refuses as the kernel does.
 */
#include <errno.h>

#include <glib.h>

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

/* MAX_RW_COUNT: one read(2), write(2) or copy moves at most this much */
#define MAX_RW_COUNT	(((uint64_t)INT32_MAX) & ~(uint64_t)(PAGE_SIZE - 1))

/*
 * do_splice_direct(): the bytes through a bounce buffer, read from @in and
 * written to @out a chunk at a time; bytes moved, or -errno if none.
 */
static int64_t splice_direct(struct file *in, uint64_t pos_in, struct file *out,
			     uint64_t pos_out, uint64_t len)
{
	uint64_t chunk = 64 * 1024, done = 0;
	unsigned char *buf = g_malloc(chunk);
	int64_t ret = 0;

	while (done < len) {
		int64_t n = in->f_op->read(in, buf, MIN(chunk, len - done), pos_in + done);

		if (n <= 0) {
			ret = n;
			break;
		}
		ret = vfs_write(out, buf, (uint64_t)n, pos_out + done);
		if (ret <= 0)
			break;
		done += (uint64_t)ret;
		if (ret < n)
			break;
	}
	g_free(buf);
	return done ? (int64_t)done : ret;
}

int64_t vfs_copy_file_range(struct file *in, uint64_t pos_in, struct file *out,
			    uint64_t pos_out, uint64_t len)
{
	struct inode *inode_in = file_inode(in), *inode_out = file_inode(out);
	uint64_t size_in = i_size_read(inode_in);
	int64_t ret;

	/* generic_file_rw_checks() */
	if (out->f_readonly)
		return -EBADF;
	if (!in->f_op->read || !out->f_op->write)
		return -EINVAL;
	if (rw_verify_area(pos_in, len) || rw_verify_area(pos_out, len))
		return -EINVAL;
	/* generic_copy_file_checks(): shortened to the source's EOF */
	len = pos_in >= size_in ? 0 : MIN(len, size_in - pos_in);
	if (len && pos_out >= file_maxbytes(out))
		return -EFBIG;
	len = MIN(len, file_maxbytes(out) - pos_out);
	if (inode_in == inode_out && pos_out + len > pos_in && pos_out < pos_in + len)
		return -EINVAL;		/* overlapping copy within one file */
	if (!len)
		return 0;
	len = MIN(len, MAX_RW_COUNT);
	/* a filesystem that can share blocks does, as far as it can; then splice */
	if (in->f_op->remap_file_range && inode_in->i_sb == inode_out->i_sb) {
		ret = in->f_op->remap_file_range(in, pos_in, out, pos_out, len,
						 REMAP_FILE_CAN_SHORTEN);
		if (ret > 0)
			return ret;
	}
	return splice_direct(in, pos_in, out, pos_out, len);
}
