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

/*
 * Direct I/O (fs/iomap/direct-io.c).  The filesystem's completion
 * (struct iomap_dio_ops ->end_io) learns what the I/O wrote into: @flags
 * IOMAP_DIO_UNWRITTEN (unwritten extents to convert) and IOMAP_DIO_COW
 * (CoW fork blocks to remap); @error is the I/O's error, if any.
 */
#define IOMAP_DIO_UNWRITTEN	(1U << 0)
#define IOMAP_DIO_COW		(1U << 1)

struct iomap_dio_ops {
	int (*end_io)(struct inode *inode, uint64_t pos, uint64_t size, int error,
		      unsigned int flags);
};

/*
 * iomap_dio_rw(): read or write [pos, pos + len) between @buf and the
 * blocks @ops map, around the page cache: a read writes dirty cached
 * pages back first, a write also drops them before the I/O and after it.
 * Bytes done, or -errno; -ENOTBLK when the cache could not be dropped
 * (the caller falls back to buffered I/O, as XFS does).
 */
int64_t iomap_dio_rw(struct inode *inode, uint64_t pos, uint64_t len, void *buf, bool write,
		     const struct iomap_ops *ops, const struct iomap_dio_ops *dops);

struct address_space;
/* SEEK_HOLE / SEEK_DATA over @ops (iomap_seek.c): an offset, or -ENXIO */
int64_t iomap_seek_hole(struct inode *inode, uint64_t pos, const struct iomap_ops *ops);
int64_t iomap_seek_data(struct inode *inode, uint64_t pos, const struct iomap_ops *ops);
int64_t mapping_seek_hole_data(struct address_space *mapping, uint64_t start, uint64_t end,
			       bool seek_data);

#endif
