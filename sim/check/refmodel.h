/* SPDX-License-Identifier: MIT */
/*
 * The reference model: each file as a plain byte array with value semantics
 * (reflink = copy), kept in 4 KiB chunks (absent = zeros).  Bytes past EOF
 * inside the last page are kept too, since a store there lands in the page
 * (but never in the file), and a later extension zeroes them.
 */
#ifndef DAXSIM_REFMODEL_H
#define DAXSIM_REFMODEL_H

#include "types.h"

struct refmodel;

struct refmodel *refmodel_create(void);
void refmodel_destroy(struct refmodel *rm);

uint64_t ref_size(struct refmodel *rm, uint64_t ino);
/* Write bytes (no size change). */
void ref_store(struct refmodel *rm, uint64_t ino, uint64_t off, const void *buf, uint64_t len);
/* write(2): zero [size, off) if off > size, store, extend size. */
void ref_write(struct refmodel *rm, uint64_t ino, uint64_t off, const void *buf, uint64_t len);
void ref_read(struct refmodel *rm, uint64_t ino, uint64_t off, void *buf, uint64_t len);
void ref_zero(struct refmodel *rm, uint64_t ino, uint64_t off, uint64_t len);
/* ftruncate: up zeroes [old, new); down zeroes [new, page end) and drops the rest. */
void ref_truncate(struct refmodel *rm, uint64_t ino, uint64_t newsize);
void ref_set_size(struct refmodel *rm, uint64_t ino, uint64_t size);
void ref_copy(struct refmodel *rm, uint64_t src, uint64_t soff, uint64_t dst,
	      uint64_t doff, uint64_t len);
void ref_delete(struct refmodel *rm, uint64_t ino);
/* fcollapse (insert false) / finsert of page-aligned [off, off + len) */
void ref_shift(struct refmodel *rm, uint64_t ino, uint64_t off, uint64_t len, bool insert);
/* The md5 of [0, size) */
/* Segments (512 chunk references) and 4 KiB chunks allocated by every model of the process. */
struct ref_stats {
	uint64_t	segs;
	uint64_t	chunks;
};
void ref_get_stats(struct ref_stats *st);
void ref_md5(struct refmodel *rm, uint64_t ino, char out[33]);

#endif
