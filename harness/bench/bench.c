// SPDX-License-Identifier: MIT
/*
 * daxsim bench: run by `make bench` (harness/bench.sh).  Prints the
 * simulator's per-fault cost, metadata bytes and bulk-operation times next
 * to the real kernel's on this machine, with the design.md budget ratios.
 * Output is not deterministic (it is a measurement) and is not a test.
 *
 *   bench [--reps N] [--pages N] [--share-mib N] [--only-sharing] [--only-faults]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench.h"

static void cpu_model(char *buf, size_t len)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, len, "?");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && colon) {
			snprintf(buf, len, "%s", colon + 2);
			buf[strcspn(buf, "\n")] = 0;
			break;
		}
	}
	if (f)
		fclose(f);
}

static char loadavg_start[64];

static void read_loadavg(char *buf, size_t len)
{
	FILE *f = fopen("/proc/loadavg", "r");

	snprintf(buf, len, "?");
	if (f) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
}

/* design.md "Performance budgets" */
#define READ_BUDGET_X	0.5	/* a read fault vs the kernel's minor fault on tmpfs */
#define COW_BUDGET_X	0.5	/* a CoW fault vs the kernel's MAP_PRIVATE write fault */

static char d_buf[200];

static void print_host(const struct host_baseline *hb, const char *backing,
		       uint64_t npages, int reps)
{
	struct utsname u;
	char cpu[128], load[64];

	uname(&u);
	cpu_model(cpu, sizeof(cpu));
	report_header("machine");
	report_note("%ld CPUs (nproc), %s, Linux %s %s", sysconf(_SC_NPROCESSORS_ONLN), cpu,
		    u.release, u.machine);
	read_loadavg(load, sizeof(load));
	report_note("loadavg at start: %s, at end: %s (other load skews both sides)",
		    loadavg_start, load);
	report_note("sim pmem backing: %s; kernel baseline file: %s (shmem THP: %s)", backing,
		    hb->shm_dir, hb->shmem_thp);
	report_note("timer CLOCK_MONOTONIC; per case: 1 warm-up + median of %d passes of %llu pages (%llu MiB)",
		    reps, (unsigned long long)npages, (unsigned long long)(npages >> 8));
}

static void print_faults(const struct host_baseline *hb, const struct sim_faults *sf)
{
	char d[128];

	report_header("page faults: ns per 4 KiB fault (sim: mm_access -> handle_mm_fault; kernel: one-byte touch)");
	report_row("sim read fault, DAX entry present", sf->read_warm.median_ns, "ns",
		   "kernel tmpfs minor read fault (1 PTE)", hb->read_fault.median_ns, READ_BUDGET_X);
	report_row("sim read fault, first touch (new entry)", sf->read_cold.median_ns, "ns",
		   "kernel tmpfs minor read fault (1 PTE)", hb->read_fault.median_ns, READ_BUDGET_X);
	report_row("sim read fault, DAX entry present", sf->read_warm.median_ns, "ns",
		   "kernel tmpfs read, per page touched*", hb->read_touch.median_ns, 0);
	report_row("sim write fault, unshared, entry present", sf->write_warm.median_ns, "ns",
		   "kernel tmpfs minor write fault", hb->write_fault.median_ns, 0);
	report_row("sim write fault, unshared, first touch", sf->write_cold.median_ns, "ns",
		   "kernel tmpfs minor write fault", hb->write_fault.median_ns, 0);
	report_row("sim CoW fault (write to reflinked block)", sf->cow.median_ns, "ns",
		   "kernel tmpfs MAP_PRIVATE write (copies)", hb->private_cow.median_ns, COW_BUDGET_X);
	report_row("sim CoW fault (write to reflinked block)", sf->cow.median_ns, "ns",
		   "bare memcpy 4 KiB (same buffers)", hb->memcpy_hot.median_ns, 0);
	report_row("sim CoW fault (write to reflinked block)", sf->cow.median_ns, "ns",
		   "memcpy 4 KiB, distinct pages per copy", hb->memcpy_stream.median_ns, 0);
	snprintf(d, sizeof(d), "one fault maps 512 pages (%.1f ns per 4 KiB)",
		 sf->read_pmd.median_ns / 512);
	report_value("sim read fault, PMD (2 MiB, DAX default)", sf->read_pmd.median_ns, "ns", d);
	report_note("kernel minor faults per page touched (rusage): read 1-PTE VMAs %.2f, read one VMA %.3f*, write %.2f, private write %.2f",
		    hb->read_fault.minflt_per_op, hb->read_touch.minflt_per_op,
		    hb->write_fault.minflt_per_op, hb->private_cow.minflt_per_op);
	report_note("kernel 1-PTE read faults: %llu single-page VMAs per pass; sim pmem backing pre-faulted (no host first-touch faults)",
		    (unsigned long long)hb->read_fault.ops);
	report_note("* one VMA: the kernel faults around (maps up to 16 cached pages per read fault)");
	report_note("spread (min..max ns): sim read %.0f..%.0f, kernel read %.0f..%.0f, sim CoW %.0f..%.0f, memcpy %.0f..%.0f",
		    sf->read_warm.min_ns, sf->read_warm.max_ns, hb->read_fault.min_ns,
		    hb->read_fault.max_ns, sf->cow.min_ns, sf->cow.max_ns,
		    hb->memcpy_hot.min_ns, hb->memcpy_hot.max_ns);
}

/* One part of the CoW fault: ns per fault and its share of the probed total. */
static void cow_part(const char *what, double ns, double total, const char *detail)
{
	char d[160];

	snprintf(d, sizeof(d), "%5.1f%%  %s", total > 0 ? 100 * ns / total : 0, detail);
	report_value(what, ns, "ns", d);
}

static void print_cow_parts(const struct host_baseline *hb, const struct sim_faults *sf)
{
	double total = sf->cow_probed.median_ns;
	double parts = sf->cow_alloc + sf->cow_end + sf->cow_copy + sf->cow_design;
	double budget = COW_BUDGET_X * hb->private_cow.median_ns;

	report_header("CoW fault: where the time goes (ns per fault; the case run again with the cost probes on)");
	report_note("parts: means over the probed run's passes; the probed run's median is %.0f ns against %.0f ns unprobed",
		    total, sf->cow.median_ns);
	report_note("(the probes' clock reads add the difference).  Budget: %.2fx the kernel's MAP_PRIVATE write fault = %.0f ns",
		    COW_BUDGET_X, budget);
	cow_part("allocation (xfs_reflink_allocate_cow)", sf->cow_alloc, total,
		 "CoW fork block: allocator, rmap of the staging extent, CoW fork insert");
	cow_part("refcount + rmap + extents (end_cow)", sf->cow_end, total,
		 "xfs_reflink_end_cow: CoW fork remove, refcount -1, rmap unmap/map, data fork");
	cow_part("design hook (share_ops)", sf->cow_design, total,
		 "associate/disassociate/cow of the default design");
	cow_part("copy 4 KiB (dax_iomap_copy_around)", sf->cow_copy, total,
		 "pmem to pmem, a different block each fault");
	cow_part("the rest of the fault", total - parts, total,
		 "mm_access, page walk, iomap_begin lookup, DAX entry, locks, PTE, probes");
	snprintf(d_buf, sizeof(d_buf), "after one mwrite over the file (incremental, O(its entries)); full sweep %.0f ns/fault",
		 sf->cow_check_full);
	report_value("checker, per fault", sf->cow_check, "ns", d_buf);
	report_note("a scenario pays the checker once per command: one mwrite of one page checks the whole inode's entries");
}

static void print_memory(const struct sim_memory *sm)
{
	char d[200];

	report_header("metadata bytes");
	report_row("sim metadata per pmem page", sm->page_total, "B",
		   "kernel struct page", 64, 1.0);
	snprintf(d, sizeof(d), "struct page %.0f B + section malloc/table %.4f B + design %.2f B",
		 sm->page_struct, sm->page_section - sm->page_struct, sm->page_design);
	report_note("%s (memmap allocated per 128 MiB section on first use)", d);
	snprintf(d, sizeof(d), "page tables %.1f B + DAX entry and the rest %.1f B",
		 sm->mapped_pte_pgtable, sm->mapped_pte_entry);
	report_value("sim metadata per mapped 4 KiB (PTE)", sm->mapped_pte_total, "B", d);
	report_value("sim metadata per mapped 4 KiB (PMD)", sm->mapped_pmd_total, "B",
		     "one entry and one PMD leaf per 2 MiB");
	report_note("kernel, for comparison (computed, not measured): 8 B PTE + 8 B page-table share + ~9 B xarray slot per 4 KiB");
	if (!sm->exact)
		report_note("WARNING: G_SLICE=always-malloc not in force; GTree nodes not counted");
	report_header("sparse 1 TiB device, before anything is touched");
	snprintf(d, sizeof(d), "(%s backing; the section pointer table)", sm->sparse_backing);
	report_value("memmap allocated", (double)sm->sparse_memmap / 1024, "KiB", d);
	report_value("malloc growth: pmem_create + memmap_init", (double)sm->sparse_malloc / 1024, "KiB", NULL);
	report_value("RSS growth: pmem_create + memmap_init", (double)sm->sparse_rss / 1024, "KiB", NULL);
	report_value("malloc growth: xfs_mkfs (4 AGs)", (double)sm->sparse_mkfs_malloc / 1024, "KiB", NULL);
	report_value("RSS growth: xfs_mkfs", (double)sm->sparse_mkfs_rss / 1024, "KiB", NULL);
}

static void print_bulk(const struct sim_bulk *sb)
{
	char d[160];

	report_header("whole-file operations: wall time of one call");
	snprintf(d, sizeof(d), "source has %llu extent(s)", (unsigned long long)sb->reflink_1g_extents);
	report_value("sim reflink 1 GiB file", sb->reflink_1g.median_ns / 1e3, "us", d);
	for (int i = 0; i < FRAG_SIZES; i++) {
		snprintf(d, sizeof(d), "%llu MiB sparse, %llu extents: %.0f ns per extent",
			 (unsigned long long)(sb->reflink_frag_bytes[i] >> 20),
			 (unsigned long long)sb->reflink_frag_extents[i],
			 sb->reflink_frag[i].median_ns / (double)sb->reflink_frag_extents[i]);
		report_value("sim reflink fragmented file", sb->reflink_frag[i].median_ns / 1e6, "ms", d);
	}
	/* O(log n): 4x the extents may cost log(4096)/log(1024) = 1.2x per extent; 1.5x allows noise */
	report_row("sim reflink per extent, 4096 extents",
		   sb->reflink_frag[1].median_ns / (double)sb->reflink_frag_extents[1], "ns",
		   "sim reflink per extent, 1024 extents",
		   sb->reflink_frag[0].median_ns / (double)sb->reflink_frag_extents[0], 1.5);
	report_note("budget: O(log n) per extent (4x the extents -> at most ~1.2x per extent; 1.5x allowed)");
	snprintf(d, sizeof(d), "%llu PMD entries mapped", (unsigned long long)sb->truncate_pmd_entries);
	report_value("sim truncate 1 GiB mapped file to 0", sb->truncate_pmd.median_ns / 1e6, "ms", d);
	snprintf(d, sizeof(d), "%llu PTE entries mapped: %.0f ns per entry",
		 (unsigned long long)sb->truncate_pte_entries,
		 sb->truncate_pte.median_ns / (double)sb->truncate_pte_entries);
	report_value("sim truncate 1 GiB mapped file to 0", sb->truncate_pte.median_ns / 1e6, "ms", d);
}

static void fmt_bytes(char *buf, size_t len, double b)
{
	if (b >= 10 * 1048576.0)
		snprintf(buf, len, "%.1f MiB", b / 1048576);
	else if (b >= 10 * 1024.0)
		snprintf(buf, len, "%.1f KiB", b / 1024);
	else
		snprintf(buf, len, "%.0f B", b);
}

static void print_sharing_table(const struct sim_sharing *ss, int huge)
{
	printf("   %-9s %5s %9s %10s %9s %9s %11s %11s %9s %8s %8s %8s %8s %8s %7s\n",
	       "design", "files", "faults", "faults/s", "ns/fault", "last-file", "st.bytes",
	       "B/sharer", "B/shr/pg", "masters", "shadows", "nodes", "shared", "refs", "WARNs");
	for (int d = 0; d < ss->ndesigns; d++)
		for (int n = 0; n < SHARE_NS; n++) {
			const struct share_result *r = &ss->r[d][n][huge];
			char tot[32], per[32];

			fmt_bytes(tot, sizeof(tot), (double)r->st.bytes);
			fmt_bytes(per, sizeof(per), (double)r->st.bytes / r->nfiles);
			printf("   %-9s %5u %9llu %10.0f %9.0f %9.0f %11s %11s %9.1f %8llu %8llu %8llu %8llu %8llu %7llu%s\n",
			       ss->design[d], r->nfiles, (unsigned long long)r->faults,
			       r->faults_per_s, r->ns_per_fault, r->last_ns_per_fault, tot, per,
			       (double)r->st.bytes / ((double)r->nfiles * (double)r->pages),
			       (unsigned long long)r->st.masters, (unsigned long long)r->st.shadows,
			       (unsigned long long)r->st.list_nodes,
			       (unsigned long long)r->st.shared_pages,
			       (unsigned long long)r->st.share_refs,
			       (unsigned long long)r->warnings,
			       r->residue ? "  LEAK: ->stats not 0 after teardown" : "");
		}
}

static void print_sharing(const struct sim_sharing *ss)
{
	const uint64_t full = 1ULL << 30;
	uint64_t pte_pages = ss->bytes[0] >> PAGE_SHIFT;

	report_header("page sharing per design: N files share one extent, every file mapped and every page read once");
	report_note("the source file is written once and reflinked (FICLONE) into N-1 new files; all N are mmapped");
	report_note("MAP_SHARED, then read front to back file by file; every fault is a first touch (creates the DAX");
	report_note("entry, calls the design's associate).  N = 1 and 16: the median of 5 passes (set up and torn down");
	report_note("each time); N = 256: one pass.  faults/s and ns/fault over all N files; last-file: ns per fault of the Nth file,");
	report_note("which finds N-1 sharers already associated.  st.bytes: the design's ->stats() with all N mapped");
	report_note("(its own accounting: sizeof of its records + nominal tree nodes; page tables and DAX entries");
	report_note("excluded); B/sharer = st.bytes / N files; B/shr/pg = st.bytes / (N x pages in the extent).");
	if (ss->bytes[0] != full)
		report_note("PTE (4 KiB faults, VM_HUGEPAGE cleared): the extent is SCALED DOWN to %llu MiB (%llu pages), not 1 GiB:",
			    (unsigned long long)(ss->bytes[0] >> 20), (unsigned long long)pte_pages);
	else
		report_note("PTE (4 KiB faults, VM_HUGEPAGE cleared): a 1 GiB extent (%llu pages):",
			    (unsigned long long)pte_pages);
	if (ss->bytes[0] != full)
		report_note("256 files x 1 GiB x 4 KiB is 67M faults per design (maplist ~15 min; shadow ~10 GiB of shadows + 7 GiB of entries)");
	report_note("source file: %llu extent(s)", (unsigned long long)ss->extents[0]);
	print_sharing_table(ss, 0);
	report_note("PMD (2 MiB faults, the DAX default; every design allows a shared PMD read fault): the full 1 GiB extent,");
	report_note("one touch per 2 MiB (the fault maps all 512 pages; later loads in it take no fault); source: %llu extent(s)",
		    (unsigned long long)ss->extents[1]);
	print_sharing_table(ss, 1);
	report_note("WARNs: share_warn()s drained after each file, untimed.  The registry keeps at most 32 pending, so");
	report_note("this is min(32, fired) per file.  rfc's are its P-rfc WARN_ON_ONCE(page->mapping), expected for N > 1:");
	report_note("it fires on every association of an already-owned page, (N-1) x pages in all; the fault still maps.");
}

/* issue 14: reflinked copies through the page cache, per design */
static void print_pagecache(const struct sim_pagecache *sp)
{
	report_header("page cache per design: N reflinked copies of one file, each read in full (mkfs dax=never)");
	report_note("a file written and synced, N-1 whole-file reflinks, remount (cold cache), then every copy read with");
	report_note("read(2) in 1 MiB pieces.  pc bytes: folios (struct + 4 KiB) + shadows + the design's sharing metadata");
	report_note("with every copy cached; peak: the most at any time during the reads.  A case that would need more than");
	report_note("%llu MiB of host memory for N private copies runs on a smaller file, the same for every design.",
		    (unsigned long long)(sp->cap_bytes >> 20));
	printf("   %-9s %6s %8s %9s %9s %12s %12s %10s %9s\n", "design", "copies", "file", "folios",
	       "shadows", "pc bytes", "peak", "x 1 copy", "ns/page");
	for (int n = 0; n < PC_NS; n++)
		for (int d = 0; d < sp->ndesigns; d++) {
			const struct pc_result *r = &sp->r[d][n];
			char e[32], p[32];

			fmt_bytes(e, sizeof(e), (double)r->bytes_end);
			fmt_bytes(p, sizeof(p), (double)r->bytes_peak);
			printf("   %-9s %6u %6lluMi %9llu %9llu %12s %12s %10.2f %9.0f\n", sp->design[d],
			       r->ncopies, (unsigned long long)(r->file_bytes >> 20),
			       (unsigned long long)r->folios, (unsigned long long)r->shadows, e, p,
			       (double)r->bytes_end / (double)r->file_bytes, r->ns_per_page_cold);
		}
	for (int d = 0; d < sp->ndesigns; d++) {
		const struct pc_result *m = NULL, *r = &sp->r[d][PC_NS - 1];
		char what[64], base[64];

		for (int e = 0; e < sp->ndesigns; e++)
			if (!strcmp(sp->design[e], "mainline"))
				m = &sp->r[e][PC_NS - 1];
		if (!m || m == r)
			continue;
		snprintf(what, sizeof(what), "%s pc bytes, %u copies", sp->design[d], r->ncopies);
		snprintf(base, sizeof(base), "mainline's");
		report_row(what, (double)r->bytes_end / 1048576.0, "MiB", base,
			   (double)m->bytes_end / 1048576.0, 0);
	}
	report_row("read(2) of a cached 4 KiB page (sim)", sp->cached_read.median_ns, "ns",
		   "kernel pread of a cached tmpfs page", sp->host_cached_read.median_ns, 0);
}

/* issue 16 / design.md: the shadow design's master lookup by disk address */
#define LOOKUP_TARGET_NS	200.0
#define LOOKUP_FLAT_X		2.0

static void print_buflookup(const struct sim_buflookup *bl)
{
	const int last = LOOKUP_SIZES - 1;
	char what[64], base[64], d[160];
	double r = bl->st[last].median_ns / bl->st[0].median_ns;
	double rs = bl->hot[last].median_ns / bl->hot[0].median_ns;

	report_header("shadow design: master lookup by LBA (xfs_buf_incore: the per-AG buffer cache hash keyed by daddr)");
	report_note("n masters inserted with xfs_buf_get (one 8-sector buffer per 4 KiB block 0..n-1), then %llu lookups",
		    (unsigned long long)bl->nlookups);
	report_note("per pass of existing daddrs drawn at random (splitmix64, fixed seed); 1 warm-up + median of %d passes",
		    bl->st[0].reps);
	for (int s = 0; s < LOOKUP_SIZES; s++) {
		snprintf(what, sizeof(what), "xfs_buf_incore, %llu masters", (unsigned long long)bl->n[s]);
		snprintf(d, sizeof(d), "random keys; spread %.0f..%.0f", bl->st[s].min_ns, bl->st[s].max_ns);
		report_value(what, bl->st[s].median_ns, "ns", d);
	}
	for (int s = 0; s < LOOKUP_SIZES; s++) {
		snprintf(what, sizeof(what), "xfs_buf_incore, %llu masters", (unsigned long long)bl->n[s]);
		report_value(what, bl->hot[s].median_ns, "ns", "64 of the keys, cycled (their slots stay cached)");
	}
	snprintf(what, sizeof(what), "lookup, %llu masters, random", (unsigned long long)bl->n[last]);
	snprintf(base, sizeof(base), "lookup, %llu masters, random", (unsigned long long)bl->n[0]);
	report_row(what, bl->st[last].median_ns, "ns", base, bl->st[0].median_ns, 0);
	snprintf(what, sizeof(what), "lookup, %llu masters, 64 hot keys", (unsigned long long)bl->n[last]);
	snprintf(base, sizeof(base), "lookup, %llu masters, 64 hot keys", (unsigned long long)bl->n[0]);
	report_row(what, bl->hot[last].median_ns, "ns", base, bl->hot[0].median_ns, 0);
	report_note("O(1) expects 1M/1k = 1x in work: %.2fx with random keys, %.2fx with cached slots.  A random key in",
		    r, rs);
	report_note("1M masters misses the caches once (its slot holds daddr, length and buffer pointer: no buffer is");
	report_note("read); at 1k every slot is in L1.  The lookups of a pass are independent, so their misses overlap");
	report_target("lookup, 1M masters, random keys", bl->st[last].median_ns, "ns",
		      LOOKUP_TARGET_NS, "(design.md: XFS hashes its buffer cache)");
	report_target("lookup flatness, 1M / 1k masters, random", r, "x", LOOKUP_FLAT_X,
		      "(issue 16: flat from 1k to 1M within 2x)");
}

static void print_lockdep(const struct sim_lockdep *sl)
{
	char d[160];

	report_header("lock validator: every bundled scenario run in-process, validator off vs on (interleaved)");
	report_note("%u scenarios, default design, incremental checks; median of %d passes each", sl->nscenarios,
		    sl->reps);
	report_row("all scenarios, --lockdep=on", sl->run_on_ms, "ms", "--lockdep=off", sl->run_off_ms, 0);
	snprintf(d, sizeof(d), "off: %.1f ns; +%.1f ns for the known-edge check of 4 held locks",
		 sl->acquire_off_ns, sl->acquire_on_ns - sl->acquire_off_ns);
	report_value("lock_acquire+release, 4 held, known edges, on", sl->acquire_on_ns, "ns", d);
}

#define EXPLORE_TARGET_US	200.0	/* issue 13: >= 5,000 schedules/s */
#define NOAMP_BUDGET_X		1.05	/* issue 13: no `&`, at most 5% over sequential */

static void print_explore(const struct sim_explore *se)
{
	char d[200];

	report_header("schedule exploration (issue 13): a two-task, ten-command scenario");
	report_note("%s; explore's DFS at --preempt=2: %d schedules, every one within the bound",
		    se->file, se->schedules);
	snprintf(d, sizeof(d), "%.0f schedules/s; median of %d runs of the whole exploration",
		 1e6 / se->explore_us, se->passes);
	report_target("daxsim explore, us per schedule", se->explore_us, "us", EXPLORE_TARGET_US, d);
	snprintf(d, sizeof(d), "%.0f schedules/s (a process per schedule, as before the worker)",
		 1e6 / se->isolate_us);
	report_value("daxsim explore --isolate, per schedule", se->isolate_us, "us", d);
	snprintf(d, sizeof(d), "%.0f runs/s: the same scenario, its default schedule, in this process",
		 1e6 / se->run_us);
	report_value("sequential run of the same scenario", se->run_us, "us", d);
	report_row("the lines without `&`, under the scheduler", se->forced_us, "us",
		   "the same, no scheduler", se->plain_us, 0);
	report_note("a scenario without `&` never starts the scheduler; the row above is what it would cost if it did.");
	report_note("The %.0f%% budget for it is against the sequential interpreter before the scheduler existed, which",
		    (NOAMP_BUDGET_X - 1) * 100);
	report_note("is not in this binary: docs/performance.md has the comparison with that commit.");
}

int main(int argc, char **argv)
{
	uint64_t npages = 16384;	/* 64 MiB per pass */
	int reps = 21, bulk_reps = 5;
	struct host_baseline hb;
	struct sim_faults sf;
	struct sim_memory sm;
	struct sim_bulk sb;
	struct sim_sharing ss;
	struct sim_buflookup bl;
	struct sim_lockdep sl;
	bool only_lockdep = false, only_explore = false;
	struct sim_explore se;
	const char *explore_scn = "harness/bench/explore-two-tasks.scn";
	char daxsim[4096];
	uint64_t share_mib = 32;	/* the PTE case's extent: see print_sharing */
	bool only_sharing = false;
	bool only_buflookup = false;
	bool only_pagecache = false;
	uint64_t pc_mib = 64, pc_cap_mib = 4096;
	struct sim_pagecache sp;
	bool only_faults = false, only_cow = false;
	struct bench_world bw;
	char backing[32];
	uint64_t t0 = bench_now_ns();

	if (argc == 4 && !strcmp(argv[1], "--memory-child"))
		return sim_memory_child(atoi(argv[2]), strtoull(argv[3], NULL, 10));
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--pages") && i + 1 < argc)
			npages = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--share-mib") && i + 1 < argc)
			share_mib = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--only-sharing"))
			only_sharing = true;
		else if (!strcmp(argv[i], "--only-lockdep"))
			only_lockdep = true;
		else if (!strcmp(argv[i], "--only-explore"))
			only_explore = true;
		else if (!strcmp(argv[i], "--explore-scn") && i + 1 < argc)
			explore_scn = argv[++i];
		else if (!strcmp(argv[i], "--only-buflookup"))
			only_buflookup = true;
		else if (!strcmp(argv[i], "--only-pagecache"))
			only_pagecache = true;
		else if (!strcmp(argv[i], "--pc-mib") && i + 1 < argc)
			pc_mib = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--pc-cap-mib") && i + 1 < argc)
			pc_cap_mib = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--only-faults"))
			only_faults = true;
		else if (!strcmp(argv[i], "--only-cow"))
			only_faults = only_cow = true;
		else {
			fprintf(stderr, "usage: bench [--reps N] [--pages N] [--share-mib N] [--pc-mib N] [--pc-cap-mib N] [--only-sharing] [--only-lockdep] [--only-explore] [--explore-scn FILE] [--only-buflookup] [--only-pagecache] [--only-faults] [--only-cow]\n");
			return 2;
		}
	}
	if (reps < 1 || npages < PG_PMD_NR || npages % PG_PMD_NR || share_mib < 2 ||
	    share_mib > 1024 || share_mib % 2) {
		fprintf(stderr, "bench: --reps >= 1, --pages a multiple of 512, --share-mib even, 2..1024\n");
		return 2;
	}
	if (pc_mib < 2 || pc_mib > 1024 || pc_cap_mib < pc_mib) {
		fprintf(stderr, "bench: --pc-mib 2..1024, --pc-cap-mib >= --pc-mib\n");
		return 2;
	}
	bulk_reps = reps < bulk_reps ? reps : bulk_reps;
	if (only_pagecache) {
		sim_pagecache_measure(&sp, pc_mib << 20, pc_cap_mib << 20, reps);
		printf("daxsim bench (not deterministic; a measurement, never a test)\n");
		print_pagecache(&sp);
		return 0;
	}
	read_loadavg(loadavg_start, sizeof(loadavg_start));
	{
		/* daxsim beside this binary (build/B/daxsim) */
		ssize_t n = readlink("/proc/self/exe", daxsim, sizeof(daxsim) - 16);

		if (n <= 0)
			die("bench: /proc/self/exe");
		daxsim[n] = 0;
		snprintf(strrchr(daxsim, '/') + 1, 16, "daxsim");
	}
	if (only_explore) {
		sim_explore_measure(&se, daxsim, explore_scn, reps < 7 ? reps : 7);
		printf("daxsim bench (not deterministic; a measurement, never a test)\n");
		print_explore(&se);
		report_budgets_summary();
		return 0;
	}

	if (only_buflookup) {
		sim_buflookup_measure(&bl, 1ULL << 16, reps < 7 ? reps : 7);
		printf("daxsim bench (not deterministic; a measurement, never a test)\n");
		print_buflookup(&bl);
		report_budgets_summary();
		return 0;
	}
	if (!only_faults)
		sim_lockdep_measure(&sl, reps < 7 ? reps : 7);
	if (only_lockdep) {
		print_lockdep(&sl);
		return 0;
	}
	if (only_sharing)
		goto sharing;
	if (!only_cow)
		host_measure(&hb, npages, reps);

	/* faults: a device small enough to pre-fault its host backing */
	world_create(&bw, MAX(512ULL << 20, 8 * npages * PAGE_SIZE));
	snprintf(backing, sizeof(backing), "%s", world_backing());
	world_populate_backing();
	sim_faults_measure(&sf, npages, reps, only_cow);
	world_destroy(&bw);
	if (only_cow) {
		printf("sim CoW fault: %.0f ns (median of %d passes; spread %.0f..%.0f)\n", sf.cow.median_ns,
		       reps, sf.cow.min_ns, sf.cow.max_ns);
		return 0;
	}
	if (only_faults) {
		printf("daxsim bench (not deterministic; a measurement, never a test)\n");
		print_host(&hb, backing, npages, reps);
		print_faults(&hb, &sf);
		print_cow_parts(&hb, &sf);
		report_budgets_summary();
		return 0;
	}

	world_create(&bw, 2ULL << 30);
	sim_bulk_measure(&sb, bulk_reps);
	world_destroy(&bw);

	fprintf(stderr, "bench: metadata...\n");
	sim_memory_measure_exact(&sm, npages, "/proc/self/exe");

sharing:
	sim_sharing_measure(&ss, share_mib << 20);
	if (!only_sharing)
		sim_pagecache_measure(&sp, pc_mib << 20, pc_cap_mib << 20, reps);
	sim_buflookup_measure(&bl, 1ULL << 16, reps < 7 ? reps : 7);
	sim_explore_measure(&se, daxsim, explore_scn, reps < 7 ? reps : 7);

	printf("daxsim bench (not deterministic; a measurement, never a test)\n");
	if (!only_sharing) {
		print_host(&hb, backing, npages, reps);
		print_faults(&hb, &sf);
		print_cow_parts(&hb, &sf);
		print_memory(&sm);
		print_bulk(&sb);
	}
	print_lockdep(&sl);
	print_sharing(&ss);
	if (!only_sharing)
		print_pagecache(&sp);
	print_buflookup(&bl);
	print_explore(&se);
	report_budgets_summary();
	printf("\n   total bench time %.1f s\n", (double)(bench_now_ns() - t0) / 1e9);
	return 0;
}
