// SPDX-License-Identifier: MIT
/* The simulated machine's lifetime: boot (sim_world_init) and power-off. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev_dax.h"
#include "fs.h"
#include "memory_failure.h"
#include "pagemap.h"
#include "sim.h"
#include "trace.h"

struct sim_world *sim;

static gint name_cmp(gconstpointer a, gconstpointer b, gpointer u)
{
	return strcmp(a, b);
}

void sim_world_init(struct sim_world *w)
{
	memset(w, 0, sizeof(*w));
	w->tasks = g_tree_new_full(name_cmp, NULL, g_free, NULL);
	w->next_pid = 100;
	w->dmesg = g_string_new(NULL);
	w->realtime_ns = SIM_EPOCH_NS;
	w->kthread = task_create("kworker", 2);
	sim = w;
	lock_current = &w->kthread->lockctx;
	trace_reset();
}

static gboolean free_task(gpointer k, gpointer v, gpointer d)
{
	task_free(v);
	return FALSE;
}

void sim_world_destroy(struct sim_world *w)
{
	g_tree_foreach(w->tasks, free_task, NULL);
	g_tree_destroy(w->tasks);
	lock_current = &w->kthread->lockctx;	/* unmount runs as the kworker */
	if (w->sb)
		w->sb->s_op->put_super(w->sb);	/* unmount */
	w->sb = NULL;
	mf_reset();
	task_free(w->kthread);
	dev_dax_remove(w->dev_dax);	/* every file and mapping went with the tasks */
	w->dev_dax = NULL;
	if (w->have_pmem) {
		memmap_destroy(&w->memmap);
		pmem_destroy(&w->pmem);
	}
	anon_pages_reset();
	pagecache_reset();
	g_string_free(w->dmesg, TRUE);
	lock_current = NULL;
	sim = NULL;
}
