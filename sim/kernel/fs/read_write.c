// SPDX-License-Identifier: MIT
/*
 * The file syscalls' way into a filesystem (fs/read_write.c, fs/sync.c,
 * fs/open.c): each goes through the file's f_op, and a file without the
 * method refuses as the kernel does.
 */
#include <errno.h>

#include "fs.h"

int64_t vfs_read(struct file *f, void *buf, uint64_t len, uint64_t pos)
{
	if (!f->f_op->read)
		return -EINVAL;
	return f->f_op->read(f, buf, len, pos);
}

int64_t vfs_write(struct file *f, const void *buf, uint64_t len, uint64_t pos)
{
	if (f->f_readonly)
		return -EBADF;
	if (!f->f_op->write)
		return -EINVAL;
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
	if (f->f_readonly)
		return -EBADF;
	if (!f->f_op->fallocate)
		return -EOPNOTSUPP;
	return f->f_op->fallocate(f, mode, offset, len);
}
