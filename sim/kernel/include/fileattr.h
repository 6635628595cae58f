/* SPDX-License-Identifier: MIT */
/*
 * struct fileattr: what FS_IOC_FSGETXATTR / FS_IOC_FSSETXATTR carry between
 * the VFS and a filesystem's ->fileattr_get / ->fileattr_set
 * (include/linux/fileattr.h), with the FS_XFLAG_* bits the simulator
 * models (include/uapi/linux/fs.h).
 */
#ifndef DAXSIM_FILEATTR_H
#define DAXSIM_FILEATTR_H

#include <stdint.h>

#define FS_XFLAG_PREALLOC	0x00000002	/* preallocated file extents */
#define FS_XFLAG_EXTSIZE	0x00000800	/* extent size allocator hint */
#define FS_XFLAG_EXTSZINHERIT	0x00001000	/* inherit inode extent size */
#define FS_XFLAG_DAX		0x00008000	/* use DAX for IO */
#define FS_XFLAG_COWEXTSIZE	0x00010000	/* CoW extent size allocator hint */

struct fileattr {
	uint32_t	fsx_xflags;
	uint32_t	fsx_extsize;	/* bytes */
	uint32_t	fsx_nextents;	/* data fork extents (get only) */
	uint32_t	fsx_cowextsize;	/* bytes */
};

#endif
