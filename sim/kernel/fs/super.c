// SPDX-License-Identifier: MIT
/* The superblock a filesystem embeds in its mount (fs/super.c). */
#include <glib.h>
#include <string.h>

#include "fs.h"

static gint ino_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void init_super(struct super_block *sb, const struct super_operations *ops, void *fs_info)
{
	memset(sb, 0, sizeof(*sb));
	sb->s_op = ops;
	sb->s_fs_info = fs_info;
	sb->s_maxbytes = MAX_LFS_FILESIZE;	/* XFS: xfs_fs_fill_super() */
	sb->s_inodes = g_tree_new_full(ino_cmp, NULL, NULL, NULL);
}

void generic_shutdown_super(struct super_block *sb)
{
	if (sb->s_inodes)
		g_tree_destroy(sb->s_inodes);
	sb->s_inodes = NULL;
}
