/* SPDX-License-Identifier: MIT */
/*
 * stubfs: the smallest filesystem the DAX core can run against, for unit
 * tests of sim/kernel without XFS (see the picture in stub_fs.c).  Files
 * have an explicit block map the test sets up:
 *
 *	struct inode *f = stub_create(sb, "f", 4 * 4096);	4 blocks, all hole
 *	stub_map(f, 0, 200, 2, false);		blocks 0-1 -> device 200-201, written
 *	stub_map(f, 3, 300, 1, true);		block 3 -> device 300, unwritten
 *
 *	file block   0     1     2     3
 *	             200   201   hole  300u
 *
 * A write (syscall or shared write fault) over a hole allocates from a bump
 * allocator above every block mapped so far; one over an unwritten block
 * zeroes and converts it.  Built against sim/kernel/include only.
 */
#ifndef DAXSIM_STUB_FS_H
#define DAXSIM_STUB_FS_H

#include <glib.h>

#include "fs.h"
#include "iomap.h"
#include "types.h"

/* Beyond any file block (XFS_MAX_FILEOFF's role): "to the end of the file". */
#define STUB_MAX_FILEOFF	((pgoff_t)1 << 52)

struct stub_inode {
	struct inode	vfs_inode;
	char		*name;
	GTree		*blocks;	/* file block -> struct stub_block */
};

/* One mapped file block; a file block absent from the map is a hole. */
struct stub_block {
	uint64_t	bno;		/* device block */
	bool		unwritten;
};

static inline struct stub_inode *STUB_I(struct inode *inode)
{
	return container_of(inode, struct stub_inode, vfs_inode);
}

extern const struct file_operations stub_file_operations;
extern const struct iomap_ops stub_iomap_ops;

/* A mounted stubfs over @nr_blocks device blocks; sim_world_destroy() unmounts. */
struct super_block *stub_fs_mount(uint64_t nr_blocks);
/* A new S_DAX file of @size bytes, all hole. */
struct inode *stub_create(struct super_block *sb, const char *name, uint64_t size);
/* Map file blocks [index, index + nr) to device blocks [bno, bno + nr). */
void stub_map(struct inode *inode, pgoff_t index, uint64_t bno, uint64_t nr,
	      bool unwritten);
/* The block backing file block @index, or NULL for a hole. */
const struct stub_block *stub_lookup(struct inode *inode, pgoff_t index);
/*
 * truncate(2) as the kernel and a DAX filesystem do it: break the file's
 * layout, set i_size, drop what lies beyond the new EOF (see stub_fs.c).
 */
int stub_setattr_size(struct inode *inode, uint64_t newsize);

#endif
