/* SPDX-License-Identifier: MIT */
/* struct iomap and the fs ->iomap_begin/->iomap_end contract (include/linux/iomap.h). */
#ifndef DAXSIM_IOMAP_H
#define DAXSIM_IOMAP_H

#include "types.h"

struct inode;

#define IOMAP_NULL_ADDR	((uint64_t)-1)

enum { IOMAP_HOLE, IOMAP_DELALLOC, IOMAP_MAPPED, IOMAP_UNWRITTEN };

/* iomap->flags */
#define IOMAP_F_NEW	(1U << 0)
#define IOMAP_F_DIRTY	(1U << 1)	/* inode metadata dirty: MAP_SYNC must fsync */
#define IOMAP_F_SHARED	(1U << 2)

/* iomap_begin flags */
#define IOMAP_WRITE	(1U << 0)
#define IOMAP_ZERO	(1U << 1)
#define IOMAP_REPORT	(1U << 2)
#define IOMAP_FAULT	(1U << 3)
#define IOMAP_DIRECT	(1U << 4)
#define IOMAP_UNSHARE	(1U << 5)
#define IOMAP_DAX	(1U << 6)

struct iomap {
	uint64_t	addr;		/* disk byte address, or IOMAP_NULL_ADDR */
	uint64_t	offset;		/* file byte offset of the mapping */
	uint64_t	length;		/* bytes */
	unsigned int	type;
	unsigned int	flags;
};

struct iomap_ops {
	int (*iomap_begin)(struct inode *ip, uint64_t pos, uint64_t length,
			   unsigned int flags, struct iomap *iomap,
			   struct iomap *srcmap);
	int (*iomap_end)(struct inode *ip, uint64_t pos, uint64_t length,
			 uint64_t written, unsigned int flags,
			 struct iomap *iomap);
};

/* The srcmap to copy from: the iomap itself when srcmap is a hole. */
static inline const struct iomap *iomap_srcmap(const struct iomap *iomap,
					       const struct iomap *srcmap)
{
	return srcmap->type != IOMAP_HOLE ? srcmap : iomap;
}

struct address_space;
/* SEEK_HOLE / SEEK_DATA over @ops (iomap_seek.c): an offset, or -ENXIO */
int64_t iomap_seek_hole(struct inode *inode, uint64_t pos, const struct iomap_ops *ops);
int64_t iomap_seek_data(struct inode *inode, uint64_t pos, const struct iomap_ops *ops);
int64_t mapping_seek_hole_data(struct address_space *mapping, uint64_t start, uint64_t end,
			       bool seek_data);

#endif
