// SPDX-License-Identifier: MIT
/* xfs_io's per-process state for a simulated task (see io_task.h). */
#include "io_task.h"
#include "lock.h"
#include "mm.h"

struct io_task *io_task_create(struct task_struct *t)
{
	struct io_task *io = g_new0(struct io_task, 1);

	io->task = t;
	io->maps = g_ptr_array_new();
	io->map_lens = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	io->curfile = io->curmap = -1;
	return io;
}

void io_task_forget_map(struct io_task *io, void *vma)
{
	for (guint i = 0; i < io->maps->len; i++) {
		if (g_ptr_array_index(io->maps, i) == vma) {
			g_ptr_array_remove_index(io->maps, i);
			g_array_remove_index(io->map_lens, i);
			if (io->curmap >= (int)io->maps->len)
				io->curmap = (int)io->maps->len - 1;
			break;
		}
	}
}

void io_task_join(struct io_task *io, struct io_task *leader)
{
	task_join_group(io->task, leader->task);
	g_ptr_array_unref(io->maps);
	g_array_unref(io->map_lens);
	io->maps = g_ptr_array_ref(leader->maps);
	io->map_lens = g_array_ref(leader->map_lens);
	io->curfile = leader->curfile;
	io->curmap = leader->curmap;
}

void io_task_exit(struct io_task *io)
{
	struct lock_ctx *saved = lock_current;

	if (task_in_group(io->task)) {
		/* a thread leaves: the group keeps the maptable, the mm and the files */
		g_ptr_array_unref(io->maps);
		g_array_unref(io->map_lens);
		io->maps = g_ptr_array_new();
		io->map_lens = g_array_new(FALSE, FALSE, sizeof(uint64_t));
		task_exit(io->task);
		io->curfile = io->curmap = -1;
		return;
	}
	lock_current = &io->task->lockctx;
	while (io->maps->len) {
		struct vm_area_struct *vma = g_ptr_array_index(io->maps, io->maps->len - 1);

		g_ptr_array_set_size(io->maps, io->maps->len - 1);
		g_array_set_size(io->map_lens, io->maps->len);
		do_munmap(io->task, vma);
	}
	lock_current = saved;
	task_exit(io->task);	/* what is left: no mappings, the open files */
	io->curfile = io->curmap = -1;
}

void io_task_free(struct io_task *io)
{
	g_ptr_array_unref(io->maps);
	g_array_unref(io->map_lens);
	g_free(io);
}

void io_task_add_map(struct io_task *io, void *vma, uint64_t len)
{
	g_ptr_array_add(io->maps, vma);
	g_array_append_val(io->map_lens, len);
	io->curmap = (int)io->maps->len - 1;
}

uint64_t io_task_map_len(const struct io_task *io, const void *vma)
{
	for (guint i = 0; io && i < io->maps->len; i++)
		if (g_ptr_array_index(io->maps, i) == vma)
			return g_array_index(io->map_lens, uint64_t, i);
	return 0;
}
