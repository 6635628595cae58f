/* SPDX-License-Identifier: MIT */
/*
 * What one xfs_io process keeps in the tool, not the kernel (xfs_io's
 * io/io.h: the current file of its filetable, its maptable with the
 * current mapping, the errno of its last command), for one simulated task.
 * The open files themselves are the kernel task's file table (t->files).
 */
#ifndef DAXSIM_IO_TASK_H
#define DAXSIM_IO_TASK_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct task_struct;

struct io_task {
	struct task_struct	*task;
	int			curfile;	/* index in task->files, or -1 */
	GPtrArray		*maps;		/* struct vm_area_struct *: the maptable */
	GArray			*map_lens;	/* uint64_t: each mapping's length as asked */
	int			curmap;		/* index in maps, or -1 */
	int			last_errno;	/* of the previous command (the one running sets it) */
	int			done_errno;	/* of the last command that completed */
	bool			done_any;	/* a command of it completed: `@T expect` has one */
	bool			transient;	/* an `xfs_io -c` line's task */
	bool			busy;		/* a command of it is in flight (conc.c) */
};

struct io_task *io_task_create(struct task_struct *t);
/*
 * `@T thread U`: T (no files, no mappings) joins U's thread group: the
 * kernel task shares U's mm and file table, and the xfs_io state shares
 * U's maptable; T's current file and mapping start as U's.  Each thread
 * keeps its own current file and mapping, indexes into the shared tables.
 */
void io_task_join(struct io_task *io, struct io_task *leader);
/*
 * `exit` / a kill: unmap the maptable (newest first), close every file; a
 * thread of a group that goes on only leaves it (task_exit()).
 */
void io_task_exit(struct io_task *io);
void io_task_free(struct io_task *io);
/* munmap: drop @vma from the maptable, keeping the current slot. */
void io_task_forget_map(struct io_task *io, void *vma);
/* mmap: a new mapping of @len bytes (as asked, not page-rounded) becomes current. */
void io_task_add_map(struct io_task *io, void *vma, uint64_t len);
/* The length xfs_io keeps for @vma (its maptable's), or 0. */
uint64_t io_task_map_len(const struct io_task *io, const void *vma);

#endif
