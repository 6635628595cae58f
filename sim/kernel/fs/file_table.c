// SPDX-License-Identifier: MIT
/*
 * Open file descriptions (fs/file_table.c): each holds a reference on its
 * inode until the last fput().  Mappings hold the file (get_file()).
 */
#include <glib.h>

#include "fs.h"

struct file *alloc_file(struct inode *inode, const char *path, bool readonly)
{
	struct file *f = g_new0(struct file, 1);

	f->f_inode = inode;
	f->f_mapping = inode->i_mapping;
	f->f_op = inode->i_fop;
	f->f_path = g_strdup(path);
	f->f_readonly = readonly;
	f->f_count = 1;
	ihold(inode);
	return f;
}

struct file *get_file(struct file *f)
{
	f->f_count++;
	return f;
}

void fput(struct file *f)
{
	if (--f->f_count)
		return;
	iput(f->f_inode);
	g_free(f->f_path);
	g_free(f);
}
