// SPDX-License-Identifier: MIT
/*
 * Simulated page faults, one per 4 KiB page, through mm_access(): the user
 * load/store path of `mread` / `mwrite` (find_vma, the page-table walk,
 * handle_mm_fault -> vm_ops->fault (XFS) -> dax_iomap_fault, the sharing
 * design's associate, vmf_insert_pfn), with one byte copied per fault —
 * the same one-byte touch the kernel baseline does.
 *
 * Mappings are MAP_SHARED with VM_HUGEPAGE cleared (madvise(MADV_NOHUGEPAGE))
 * so every fault is a PTE fault; read_pmd keeps the DAX default and times
 * one 2 MiB PMD fault.  "warm": the DAX entry is already in the mapping
 * (it survives munmap, as in the kernel); "cold": the mapping's entries were
 * dropped first (inode eviction), so the fault also creates the entry.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "checker.h"
#include "costprobe.h"

struct fault_arg {
	struct xfs_inode	*ip;		/* the file faulted */
	struct xfs_inode	*src;		/* CoW: the reflink source */
	uint64_t		npages;
	bool			write, huge, cold, cow;
	bool			check;		/* time the checker after each pass (untimed) */
	uint64_t		check_ns, check_full_ns;
	struct file		*f;
	struct vm_area_struct	*vma;
};

static void drop_entries(struct xfs_inode *ip)
{
	dax_delete_mapping_range(VFS_I(ip)->i_mapping, 0, XFS_MAX_FILEOFF);
}

static void fault_setup(void *arg)
{
	struct fault_arg *a = arg;

	if (a->cow) {
		uint64_t len = a->npages * PAGE_SIZE;
		bool same;
		int err = xfs_create(XFS_M(sim->sb), "cow", &a->ip);

		if (err)
			die("xfs_create cow: %d", err);
		err = xfs_reflink_remap_range(a->src, 0, a->ip, 0, &len, false, &same);
		if (err)
			die("reflink: %d", err);
	}
	if (a->cold)
		drop_entries(a->ip);
	a->f = world_open(a->ip);
	a->vma = world_mmap(a->f, a->npages * PAGE_SIZE, a->huge);
}

static uint64_t fault_pass(void *arg)
{
	struct fault_arg *a = arg;
	uint64_t step = a->huge ? PMD_SIZE : PAGE_SIZE, n = 0;

	for (uint64_t off = 0; off < a->npages * PAGE_SIZE; off += step, n++)
		world_touch(a->vma->vm_start + off, a->write);
	return n;
}

static gint ino_cmp(gconstpointer x, gconstpointer y)
{
	uint64_t p = *(const uint64_t *)x, q = *(const uint64_t *)y;

	return p < q ? -1 : p > q;
}

/*
 * What a scenario pays after the pass as one `mwrite` command: the
 * incremental check of the inode it touched, then (for scale) a full sweep.
 */
static void time_checker(struct fault_arg *a)
{
	struct check_where where = { "bench", 1, "mwrite" };
	uint64_t ino = VFS_I(a->ip)->i_ino, t0, t1, t2;
	GTree *touched = g_tree_new(ino_cmp);

	g_tree_insert(touched, &ino, &ino);
	t0 = bench_now_ns();
	if (checker_run(false, &where, touched))
		die("cow: the incremental checker reported a violation");
	t1 = bench_now_ns();
	if (checker_run(true, &where, NULL))
		die("cow: the full checker reported a violation");
	t2 = bench_now_ns();
	a->check_ns += t1 - t0;
	a->check_full_ns += t2 - t1;
	g_tree_destroy(touched);
}

static void fault_teardown(void *arg)
{
	struct fault_arg *a = arg;

	if (a->check)
		time_checker(a);

	world_munmap(a->vma);
	world_close(a->f);
	if (a->cow)
		world_unlink("cow");
}

static const struct bench_case fault_case = { fault_setup, fault_pass, fault_teardown };

/* Run a case and check that each touch took exactly one fault of @kind. */
static struct bench_stat run_checked(struct fault_arg *a, int reps, const char *what,
				     const uint64_t *counter)
{
	uint64_t before = *counter, per = a->huge ? a->npages / PG_PMD_NR : a->npages;
	struct bench_stat st = bench_run(&fault_case, a, reps);

	if (*counter - before != (uint64_t)(reps + 1) * per)
		die("%s: expected %llu faults, counted %llu", what,
		    (unsigned long long)((uint64_t)(reps + 1) * per),
		    (unsigned long long)(*counter - before));
	return st;
}

void sim_faults_measure(struct sim_faults *sf, uint64_t npages, int reps, bool cow_only)
{
	struct fault_arg a = { .npages = npages };
	const struct sim_stats *ss = &sim->stats;

	a.ip = world_file("data", npages * PAGE_SIZE, PMD_SIZE, 0xcd);

	if (cow_only)
		goto cow;
	fprintf(stderr, "bench: simulated read/write faults...\n");
	a.cold = true;
	sf->read_cold = run_checked(&a, reps, "read_cold", &ss->faults);
	a.cold = false;
	sf->read_warm = run_checked(&a, reps, "read_warm", &ss->faults);

	drop_entries(a.ip);	/* PTE entries would make PMD faults fall back */
	a.huge = true;
	sf->read_pmd = run_checked(&a, reps, "read_pmd", &ss->pmd_faults);
	a.huge = false;

	a.write = true;
	a.cold = true;
	sf->write_cold = run_checked(&a, reps, "write_cold", &ss->faults);
	a.cold = false;
	sf->write_warm = run_checked(&a, reps, "write_warm", &ss->faults);

cow:
	fprintf(stderr, "bench: simulated CoW faults...\n");
	a.src = a.ip;
	a.cow = true;
	a.write = true;
	a.huge = a.cold = false;
	sf->cow = run_checked(&a, reps, "cow", &ss->cow_faults);

	/* the breakdown: the same passes with the probes, the design timer and the checker */
	fprintf(stderr, "bench: CoW fault breakdown...\n");
	{
		FILE *devnull = fopen("/dev/null", "w");
		double faults = (double)(reps + 1) * (double)npages;
		uint64_t design;

		if (!devnull)
			die("/dev/null: cannot open");
		checker_set_sink(devnull, NULL);
		memset(cost_probe_ns, 0, sizeof(cost_probe_ns));
		a.check = true;
		design_timer_install();
		cost_probe_on = true;
		sf->cow_probed = run_checked(&a, reps, "cow (probed)", &ss->cow_faults);
		cost_probe_on = false;
		design = design_timer_remove();
		a.check = false;
		checker_set_sink(NULL, NULL);
		fclose(devnull);
		sf->cow_alloc = cost_probe_ns[COST_COW_ALLOC] / faults;
		sf->cow_end = cost_probe_ns[COST_COW_END] / faults;
		sf->cow_copy = cost_probe_ns[COST_COW_COPY] / faults;
		sf->cow_design = design / faults;
		sf->cow_check = a.check_ns / faults;
		sf->cow_check_full = a.check_full_ns / faults;
	}
}
