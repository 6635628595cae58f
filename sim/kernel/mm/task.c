// SPDX-License-Identifier: MIT
/*
 * Tasks (kernel/fork.c, kernel/exit.c, kernel/signal.c): a task is its mm
 * and its open files; exit unmaps the mm (newest mapping first) and closes
 * the files; a signal is posted for the front end to deliver.
 */
#include <string.h>

#include <glib.h>

#include "bug.h"
#include "fs.h"
#include "lock.h"
#include "internal.h"
#include "sim.h"
#include "mm.h"

static gint u64_cmp(gconstpointer a, gconstpointer b, gpointer u)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static struct mm_struct *mm_alloc(struct task_struct *t)
{
	struct mm_struct *mm = g_new0(struct mm_struct, 1);

	mm->owner = t;
	mm->id = (uint64_t)t->pid;
	mm->users = g_ptr_array_new();
	g_ptr_array_add(mm->users, t);
	mm->vmas = g_tree_new_full(u64_cmp, NULL, NULL, NULL);
	mm->next_va = MMAP_BASE;
	return mm;
}

static void mm_free(struct mm_struct *mm)
{
	pgtable_free(mm);
	g_tree_destroy(mm->vmas);
	g_ptr_array_free(mm->users, TRUE);
	g_free(mm);
}

struct task_struct *task_create(const char *name, int pid)
{
	struct task_struct *t = g_new0(struct task_struct, 1);

	t->name = g_strdup(name);
	t->pid = pid;
	t->lockctx.name = t->name;
	t->mm = mm_alloc(t);
	t->files = g_ptr_array_new();
	return t;
}

void task_join_group(struct task_struct *t, struct task_struct *leader)
{
	BUG_ON(g_tree_nnodes(t->mm->vmas) || t->files->len || (t->pins && t->pins->len) ||
	       task_in_group(t));
	mm_free(t->mm);
	g_ptr_array_unref(t->files);
	t->mm = leader->mm;
	g_ptr_array_add(t->mm->users, t);
	t->files = g_ptr_array_ref(leader->files);
}

void task_exit(struct task_struct *t)
{
	struct lock_ctx *saved = lock_current;

	lock_current = &t->lockctx;
	unpin_user_pages(t);	/* the DMA ends with the process */
	if (task_in_group(t)) {
		/* a thread leaves; the others go on with the mm and the files */
		g_ptr_array_remove(t->mm->users, t);
		if (t->mm->owner == t)		/* mm_update_next_owner() */
			t->mm->owner = g_ptr_array_index(t->mm->users, 0);
		t->mm = mm_alloc(t);
		g_ptr_array_unref(t->files);
		t->files = g_ptr_array_new();
		lock_current = saved;
		return;
	}
	/* exit_mmap(): the newest mapping first */
	while (g_tree_nnodes(t->mm->vmas))
		do_munmap(t, g_tree_node_value(g_tree_node_last(t->mm->vmas)));
	/* exit_files() */
	for (guint i = 0; i < t->files->len; i++)
		fput(g_ptr_array_index(t->files, i));
	g_ptr_array_set_size(t->files, 0);
	lock_current = saved;
}

void task_free(struct task_struct *t)
{
	task_exit(t);
	if (t->pins)
		g_array_free(t->pins, TRUE);
	mm_free(t->mm);
	g_ptr_array_unref(t->files);
	g_free(t->name);
	g_free(t);
}

/* A fatal signal takes the whole thread group (complete_signal() -> zap_other_threads()). */
void task_signal(struct task_struct *t, enum sim_signal sig, enum sim_sicode code)
{
	for (guint i = 0; i < t->mm->users->len; i++) {
		struct task_struct *u = g_ptr_array_index(t->mm->users, i);

		if (u->sig == SIG_NONE) {
			u->sig = sig;
			u->sicode = code;
			sim->signals_sent++;
		}
	}
}
