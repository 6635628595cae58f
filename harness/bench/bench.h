/* SPDX-License-Identifier: MIT */
/*
 * `make bench`: the simulator's cost next to the real kernel's, measured by
 * one harness (same clock, same repetition and median logic) in one run.
 * Benchmarks report; they never gate (the exit status ignores budgets).
 *
 *   harness.c   the timer, the repetition loop, the median, RSS/malloc probes
 *   report.c    the side-by-side table and the budget verdicts
 *   host.c      the kernel baselines: tmpfs minor faults, bare 4 KiB memcpy
 *   world.c     a simulated world driven through the public sim/ and xfs API
 *   faults.c    simulated read / write / CoW faults
 *   bulk.c      reflink and truncate of a 1 GiB file
 *   memory.c    metadata bytes per pmem page / per mapped page, sparse 1 TiB
 *   sharing.c   N files sharing one extent, per design; xfs_buf_incore lookups
 */
#ifndef DAXSIM_BENCH_H
#define DAXSIM_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "sim.h"
#include "share.h"
#include "xfs_mount.h"

/* ---- harness.c ---------------------------------------------------------- */

/*
 * One benchmark case.  setup/teardown run outside the timed region; pass()
 * runs timed and returns how many operations it did (pages faulted, bytes
 * copied / 4096, ...).  The harness runs one untimed warm-up repetition and
 * then @reps timed ones, and reports per-operation nanoseconds.
 */
struct bench_case {
	void		(*setup)(void *arg);
	uint64_t	(*pass)(void *arg);
	void		(*teardown)(void *arg);
};

struct bench_stat {
	double		median_ns;	/* per operation */
	double		min_ns, max_ns;	/* per operation, over the reps */
	uint64_t	ops;		/* per pass */
	int		reps;
	double		minflt_per_op;	/* kernel minor faults per op (rusage) */
};

uint64_t bench_now_ns(void);		/* CLOCK_MONOTONIC */
struct bench_stat bench_run(const struct bench_case *bc, void *arg, int reps);
double median_of(double *v, int n);	/* sorts @v */
uint64_t rss_bytes(void);		/* /proc/self/statm resident */
uint64_t malloc_bytes(void);		/* mallinfo2().uordblks */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* ---- report.c ----------------------------------------------------------- */

void report_header(const char *title);
void report_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * One line: the sim figure, its baseline, the ratio and (if @budget > 0)
 * the budget ratio with MET / MISSED.  Units are printed as given.
 */
void report_row(const char *what, double value, const char *unit,
		const char *base_what, double base, double budget);
void report_value(const char *what, double v, const char *unit,
		  const char *detail);
/*
 * One line: a measurement against an absolute target (v <= target: met),
 * also counted in the closing summary.  @detail may be NULL.
 */
void report_target(const char *what, double v, const char *unit, double target,
		   const char *detail);
/* The closing summary of budgets met / missed. */
void report_budgets_summary(void);

/* ---- host.c: the real kernel on this machine ---------------------------- */

struct host_baseline {
	struct bench_stat read_fault;		/* tmpfs, one single-page VMA per page */
	struct bench_stat read_touch;		/* tmpfs, one VMA, fault-around on */
	struct bench_stat write_fault;		/* tmpfs MAP_SHARED store */
	struct bench_stat private_cow;		/* tmpfs MAP_PRIVATE store: copy */
	struct bench_stat memcpy_hot;		/* same 4 KiB src/dst each time */
	struct bench_stat memcpy_stream;	/* distinct 4 KiB pages, like a pass */
	char		shm_dir[64];
	char		shmem_thp[64];
};

void host_measure(struct host_baseline *hb, uint64_t npages, int reps);
/* ns per 4 KiB pread(2) of a tmpfs file whose pages are all cached. */
struct bench_stat host_cached_read_measure(uint64_t npages, int reps);

/* ---- world.c: a simulated world through the public API ------------------ */

struct bench_world {
	struct sim_world	world;
	struct task_struct	*task;
};

void world_create(struct bench_world *bw, uint64_t pmem_bytes);
/* The same with `mkfs dax=...` (XFS_DAX_NEVER: every file through the page cache). */
void world_create_dax(struct bench_world *bw, uint64_t pmem_bytes, enum xfs_dax_mode dax);
void world_destroy(struct bench_world *bw);
/* A new file of @bytes written through vfs_write in @chunk pieces. */
struct xfs_inode *world_file(const char *name, uint64_t bytes, uint64_t chunk,
			     unsigned char fill);
void world_fill(struct xfs_inode *ip, uint64_t bytes, uint64_t chunk,
		unsigned char fill);
/* An open file description holding @ip (as xfs_io's open). */
struct file *world_open(struct xfs_inode *ip);
void world_close(struct file *f);
void world_unlink(const char *name);
/*
 * MAP_SHARED read-write mapping of [0, len).  @huge false clears VM_HUGEPAGE
 * after do_mmap, the effect of madvise(MADV_NOHUGEPAGE): 4 KiB PTE faults.
 */
struct vm_area_struct *world_mmap(struct file *f, uint64_t len, bool huge);
void world_munmap(struct vm_area_struct *vma);
/* One user load/store of one byte at @addr (faults if unmapped). */
void world_touch(uint64_t addr, bool write);
/*
 * Fault in the host backing of the whole pmem device (MADV_POPULATE_WRITE)
 * so host first-touch faults on never-written blocks stay out of timings:
 * real pmem has none.
 */
void world_populate_backing(void);

/* ---- design_timer.c: the design's fault-path hooks, timed --------------- */

void design_timer_install(void);
uint64_t design_timer_remove(void);	/* ns spent in the hooks since install */
const char *world_backing(void);

/* ---- faults.c ----------------------------------------------------------- */

struct sim_faults {
	struct bench_stat read_warm;	/* DAX entry already in the mapping */
	struct bench_stat read_cold;	/* first touch: creates the entry */
	struct bench_stat write_warm;
	struct bench_stat write_cold;
	struct bench_stat cow;		/* write to a reflinked block */
	struct bench_stat read_pmd;	/* per 2 MiB PMD fault */
	/*
	 * The CoW fault's parts (ns per fault): the same case run again with
	 * the cost probes (costprobe.h) and the design timer on, means over its
	 * passes; cow_probed is that run's median, probes included.
	 */
	struct bench_stat cow_probed;
	double		cow_alloc, cow_end, cow_copy, cow_design;
	/* the incremental checker after one `mwrite` over the whole file, and a full sweep, per fault */
	double		cow_check, cow_check_full;
};

/* @cow_only: only the CoW case (--only-cow, for profiling it alone) */
void sim_faults_measure(struct sim_faults *sf, uint64_t npages, int reps, bool cow_only);

/* ---- lockdep.c: the lock validator on vs off ---------------------------- */

struct sim_lockdep {
	unsigned int	nscenarios;
	int		reps;
	double		run_off_ms, run_on_ms;		/* every scenario, once */
	double		acquire_off_ns, acquire_on_ns;	/* one acquire+release, 4 held */
};

void sim_lockdep_measure(struct sim_lockdep *sl, int reps);

/* ---- bulk.c ------------------------------------------------------------- */

struct sim_bulk {
	struct bench_stat reflink_1g;		/* ns per reflink call */
	uint64_t reflink_1g_extents;
#define FRAG_SIZES 2					/* 1024, 4096 extents */
	struct bench_stat reflink_frag[FRAG_SIZES];	/* fragmented files */
	uint64_t reflink_frag_extents[FRAG_SIZES], reflink_frag_bytes[FRAG_SIZES];
	struct bench_stat truncate_pmd;		/* 1 GiB mapped with PMDs */
	struct bench_stat truncate_pte;		/* 1 GiB mapped with PTEs */
	uint64_t truncate_pmd_entries, truncate_pte_entries;
};

void sim_bulk_measure(struct sim_bulk *sb, int reps);

/* ---- memory.c ----------------------------------------------------------- */

struct sim_memory {
	double page_struct;		/* sizeof(struct page) */
	double page_section;		/* section table + malloc, per page */
	double page_design;		/* share_ops->mem_bytes() per page */
	double page_total;
	double mapped_pte_total;	/* per 4 KiB PTE-mapped page */
	double mapped_pte_pgtable;	/* of which: page tables (nominal) */
	double mapped_pte_entry;	/* of which: the rest (DAX entry) */
	double mapped_pmd_total;	/* per 4 KiB of a PMD-mapped range */
	uint64_t sparse_rss, sparse_malloc, sparse_memmap;
	uint64_t sparse_mkfs_rss, sparse_mkfs_malloc;
	char sparse_backing[32];
	bool exact;			/* G_SLICE=always-malloc was in force */
};

/* ---- sharing.c ---------------------------------------------------------- */

#define SHARE_DESIGNS	4	/* shadow, mainline, maplist, rfc */
#define SHARE_NS	3	/* 1, 16, 256 files sharing one extent */

struct share_result {
	unsigned	nfiles;
	uint64_t	pages;			/* 4 KiB pages in the extent */
	uint64_t	faults;			/* over all files (PTE or PMD) */
	double		ns_per_fault;		/* all files */
	double		faults_per_s;
	double		last_ns_per_fault;	/* the last file: N-1 sharers present */
	struct share_stats st;			/* ->stats with all N files mapped */
	uint64_t	warnings;		/* share_warn()s drained (rfc: P-rfc) */
	uint64_t	residue;		/* ->stats left after teardown (0 = clean) */
	int		reps;			/* timed passes; this is the median one */
};

struct sim_sharing {
	int		ndesigns;
	const char	*design[SHARE_DESIGNS];
	uint64_t	bytes[2];		/* [0] PTE extent, [1] PMD extent */
	uint64_t	extents[2];		/* extents in the shared source file */
	struct share_result r[SHARE_DESIGNS][SHARE_NS][2];	/* [..][..][huge] */
};

void sim_sharing_measure(struct sim_sharing *ss, uint64_t pte_bytes);

/* ---- pagecache.c: reflinked copies through the page cache, per design --- */
#define PC_NS	3	/* 1, 16, 256 copies */

struct pc_result {
	unsigned	ncopies;
	uint64_t	file_bytes;		/* each copy (scaled down to fit the cap) */
	uint64_t	bytes_end;		/* page cache with every copy read: folios + metadata */
	uint64_t	bytes_peak;
	uint64_t	folios, shadows;	/* at the end */
	double		ns_per_page_cold;	/* first read of every page of every copy */
};

struct sim_pagecache {
	int		ndesigns;
	const char	*design[SHARE_DESIGNS];
	uint64_t	cap_bytes;		/* host memory the largest case may use */
	struct pc_result r[SHARE_DESIGNS][PC_NS];
	struct bench_stat cached_read;		/* sim: vfs_read of a cached 4 KiB page */
	struct bench_stat host_cached_read;	/* kernel: pread of a cached tmpfs page */
};

void sim_pagecache_measure(struct sim_pagecache *sp, uint64_t file_bytes, uint64_t cap_bytes,
			   int reps);

#define LOOKUP_SIZES	3	/* 1k, 100k, 1M buffers */

struct sim_buflookup {
	uint64_t	n[LOOKUP_SIZES];
	struct bench_stat st[LOOKUP_SIZES];	/* ns per xfs_buf_incore, random keys */
	struct bench_stat hot[LOOKUP_SIZES];	/* 64 of those keys, cycled (cache-warm) */
	uint64_t	nlookups;
};

void sim_buflookup_measure(struct sim_buflookup *bl, uint64_t nlookups, int reps);

/* ---- explore.c: schedule exploration (issue 13) -------------------------- */

struct sim_explore {
	const char	*file;
	double		explore_us;	/* per schedule, `daxsim explore` (its worker) */
	double		isolate_us;	/* per schedule, `daxsim explore --isolate` */
	int		schedules, iso_schedules, passes;
	double		run_us;		/* one in-process run of the scenario (its default schedule) */
	double		plain_us;	/* the same lines without `&`, no scheduler */
	double		forced_us;	/* those lines under the scheduler */
};

void sim_explore_measure(struct sim_explore *se, const char *daxsim, const char *file, int reps);

void sim_memory_measure(struct sim_memory *sm, uint64_t npages);
/* Run sim_memory_measure in a re-executed child with G_SLICE=always-malloc
 * so that glib slice allocations are visible to mallinfo2(). */
void sim_memory_measure_exact(struct sim_memory *sm, uint64_t npages,
			      const char *self);
int sim_memory_child(int fd, uint64_t npages);

#endif
