// SPDX-License-Identifier: MIT
/*
 * Inode references and the per-superblock inode list (fs/inode.c).  A
 * filesystem initialises the struct inode embedded in its own inode with
 * inode_init_always(); ihold()/iput() count open files and mappings, and the
 * last iput() of an unlinked inode hands it to s_op->evict_inode.
 */
#include <glib.h>

#include "dax.h"
#include "fs.h"
#include "sim.h"
#include "types.h"

void inode_init_always(struct super_block *sb, struct inode *inode, uint64_t ino,
		       const struct file_operations *fop,
		       const struct address_space_operations *aops)
{
	inode->i_ino = ino;
	inode->i_sb = sb;
	inode->i_fop = fop;
	inode->i_mapping = &inode->i_data;
	mapping_init(&inode->i_data, inode, ino);
	inode->i_data.a_ops = aops;
	g_tree_insert(sb->s_inodes, &inode->i_ino, inode);
	inode->i_mtime_ns = inode->i_ctime_ns = current_time_ns();
}

int64_t current_time_ns(void)
{
	return (int64_t)sim->realtime_ns;
}

void inode_set_mtime_ctime_now(struct inode *inode)
{
	inode->i_mtime_ns = inode->i_ctime_ns = current_time_ns();
}

/* inode_set_ctime_current(): a change to the inode only (rename, link count) */
void inode_set_ctime_current(struct inode *inode)
{
	inode->i_ctime_ns = current_time_ns();
}

/* file_update_time(): both, when either differs from now */
void file_update_time(struct file *file)
{
	struct inode *inode = file_inode(file);
	int64_t now = current_time_ns();

	if (inode->i_mtime_ns != now || inode->i_ctime_ns != now)
		inode_set_mtime_ctime_now(inode);
}

void inode_sb_list_del(struct inode *inode)
{
	g_tree_remove(inode->i_sb->s_inodes, &inode->i_ino);
}

void ihold(struct inode *inode)
{
	inode->i_count++;
}

void iput(struct inode *inode)
{
	BUG_ON(!inode->i_count);
	/* iput_final(): generic_drop_inode() is true when unlinked or I_DONTCACHE */
	if (--inode->i_count == 0 && (inode->i_nlink == 0 || (inode->i_state & I_DONTCACHE)) &&
	    inode->i_sb->s_op->evict_inode)
		inode->i_sb->s_op->evict_inode(inode);
}

struct sb_walk {
	bool (*fn)(struct inode *inode, void *arg);
	void *arg;
};

static gboolean sb_walk_one(gpointer key, gpointer value, gpointer data)
{
	struct sb_walk *w = data;

	return !w->fn(value, w->arg);
}

void sb_for_each_inode(struct super_block *sb, bool (*fn)(struct inode *, void *), void *arg)
{
	struct sb_walk w = { fn, arg };

	g_tree_foreach(sb->s_inodes, sb_walk_one, &w);
}
