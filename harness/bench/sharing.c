// SPDX-License-Identifier: MIT
/*
 * Page sharing, per design: N files share one extent (a source file written
 * once, then N-1 whole-file reflinks of it), every file is mmapped and every
 * page of every file is read once (first touch, so each fault also creates
 * the DAX entry and calls the design's associate).  Reported per design and
 * N: read faults per second over all N files, ns per fault of the last file
 * mapped (the one whose faults find N-1 sharers already there), and the
 * design's own sharing metadata (->stats: st.bytes) with all N mapped.
 *
 * Two configurations:
 *  - PTE: VM_HUGEPAGE cleared (madvise(MADV_NOHUGEPAGE)), one 4 KiB fault
 *    per page.  The extent is scaled down (bench --share-mib, 32 MiB by
 *    default) so that 256 files x every page fits the bench's time and
 *    memory budget; the output says so.
 *  - PMD: the full 1 GiB extent with the DAX default (VM_HUGEPAGE), one
 *    2 MiB fault per 512 pages; every design takes shared PMD read faults.
 *
 * The shadow design's master lookup: xfs_buf_incore() by daddr with 1k,
 * 100k and 1M buffers in the buffer cache (inserted with xfs_buf_get(),
 * looked up at random with a fixed seed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "share_registry.h"
#include "bench.h"
#include "share.h"
#include "xfs_buf.h"

static const unsigned share_nfiles[SHARE_NS] = { 1, 16, 256 };
#define SHARE_REPS	5	/* passes for N <= 16 (the median is kept) */

static void count_warning(const char *id, const char *msg, void *arg)
{
	(*(uint64_t *)arg)++;
}

/* Everything the design holds that still counts: 0 after a clean teardown. */
static uint64_t stats_residue(const struct share_stats *st)
{
	return st->masters + st->shadows + st->list_nodes + st->shared_pages +
	       st->share_refs + st->bytes;
}

static void share_one(struct share_result *r, struct xfs_inode *src, unsigned nfiles,
		      uint64_t bytes, bool huge)
{
	struct xfs_inode **ip = g_new0(struct xfs_inode *, nfiles);
	struct file **f = g_new0(struct file *, nfiles);
	struct vm_area_struct **vma = g_new0(struct vm_area_struct *, nfiles);
	uint64_t step = huge ? PMD_SIZE : PAGE_SIZE, per_file = bytes / step;
	const uint64_t *counter = huge ? &sim->stats.pmd_faults : &sim->stats.faults;
	uint64_t before, fallbacks, total_ns = 0, last_ns = 0;
	struct share_stats st;
	char name[32];

	ip[0] = src;
	for (unsigned i = 1; i < nfiles; i++) {
		uint64_t len = 0;	/* FICLONE: to the source EOF */
		bool same;
		int err;

		snprintf(name, sizeof(name), "share.%u", i);
		err = xfs_create(XFS_M(sim->sb), name, &ip[i]);
		if (err)
			die("xfs_create %s: %d", name, err);
		err = xfs_reflink_remap_range(src, 0, ip[i], 0, &len, false, &same);
		if (err)
			die("reflink %s: %d", name, err);
	}
	for (unsigned i = 0; i < nfiles; i++) {
		f[i] = world_open(ip[i]);
		vma[i] = world_mmap(f[i], bytes, huge);
	}

	before = *counter;
	fallbacks = sim->stats.fallbacks;
	share_drain_warnings(count_warning, &r->warnings);	/* none expected */
	r->warnings = 0;
	for (unsigned i = 0; i < nfiles; i++) {
		uint64_t t0 = bench_now_ns(), t1;

		for (uint64_t off = 0; off < bytes; off += step)
			world_touch(vma[i]->vm_start + off, false);
		t1 = bench_now_ns();
		total_ns += t1 - t0;
		last_ns = t1 - t0;
		/* outside the timed region: rfc's WARNs must not pile up */
		share_drain_warnings(count_warning, &r->warnings);
	}
	r->faults = *counter - before;
	if (r->faults != nfiles * per_file || sim->stats.fallbacks != fallbacks)
		die("sharing %s N=%u %s: expected %llu faults, counted %llu (%llu fallbacks)",
		    share_ops->name, nfiles, huge ? "PMD" : "PTE",
		    (unsigned long long)(nfiles * per_file), (unsigned long long)r->faults,
		    (unsigned long long)(sim->stats.fallbacks - fallbacks));
	r->nfiles = nfiles;
	r->pages = bytes >> PAGE_SHIFT;
	r->ns_per_fault = (double)total_ns / (double)r->faults;
	r->faults_per_s = 1e9 / r->ns_per_fault;
	r->last_ns_per_fault = (double)last_ns / (double)per_file;
	share_ops->stats(&r->st);

	/*
	 * Teardown (untimed): every entry goes, so the next N faults cold
	 * again.  Newest sharer first: maplist pushes each association at the
	 * head of the page's list, so this order keeps its removals O(1).
	 */
	for (unsigned i = 0; i < nfiles; i++)
		world_munmap(vma[i]);
	for (unsigned i = nfiles - 1; i > 0; i--) {
		world_close(f[i]);
		snprintf(name, sizeof(name), "share.%u", i);
		world_unlink(name);
	}
	dax_delete_mapping_range(VFS_I(src)->i_mapping, 0, XFS_MAX_FILEOFF);
	world_close(f[0]);
	share_drain_warnings(count_warning, &r->warnings);
	share_ops->stats(&st);
	r->residue = stats_residue(&st);
	g_free(vma);
	g_free(f);
	g_free(ip);
}

/*
 * Untimed: fault the source in once and drop its entries, so the memmap
 * sections under the extent are allocated (and the host pages behind them
 * touched) before any timed pass.  Each design gets a fresh world.
 */
static void share_warmup(struct xfs_inode *src, uint64_t bytes, bool huge)
{
	struct file *f = world_open(src);
	struct vm_area_struct *vma = world_mmap(f, bytes, huge);

	for (uint64_t off = 0; off < bytes; off += huge ? PMD_SIZE : PAGE_SIZE)
		world_touch(vma->vm_start + off, false);
	world_munmap(vma);
	dax_delete_mapping_range(VFS_I(src)->i_mapping, 0, XFS_MAX_FILEOFF);
	world_close(f);
}

static void share_design(struct sim_sharing *ss, int d, const char *design,
			 uint64_t bytes, bool huge)
{
	struct bench_world bw;
	struct xfs_inode *src;
	uint64_t t0 = bench_now_ns();

	fprintf(stderr, "bench: sharing: %s, %llu MiB extent, %s faults...", design,
		(unsigned long long)(bytes >> 20), huge ? "PMD" : "PTE");
	/* big enough that the extent fits one AG (one extent); sparse backing */
	world_create(&bw, MAX(8 * bytes, 256ULL << 20));
	share_ops = share_find(design);
	if (!share_ops)
		die("no sharing design %s", design);
	src = world_file("share.0", bytes, PMD_SIZE, 0x5a);
	ss->extents[huge] = xfs_iext_count(src->i_df);
	share_warmup(src, bytes, huge);
	for (int n = 0; n < SHARE_NS; n++) {
		struct share_result runs[SHARE_REPS];
		int reps = share_nfiles[n] <= 16 ? SHARE_REPS : 1, med = 0;
		uint64_t residue = 0;

		for (int k = 0; k < reps; k++) {
			share_one(&runs[k], src, share_nfiles[n], bytes, huge);
			residue += runs[k].residue;
		}
		/* the run with the median ns per fault (a 256-file pass runs once) */
		for (int k = 0; k < reps; k++) {
			int below = 0;

			for (int m = 0; m < reps; m++)
				below += runs[m].ns_per_fault < runs[k].ns_per_fault ||
					 (runs[m].ns_per_fault == runs[k].ns_per_fault && m < k);
			if (below == reps / 2)
				med = k;
		}
		ss->r[d][n][huge] = runs[med];
		ss->r[d][n][huge].reps = reps;
		ss->r[d][n][huge].residue = residue;
	}
	world_destroy(&bw);
	share_ops = share_find(SHARE_DEFAULT);
	fprintf(stderr, " %.1f s\n", (double)(bench_now_ns() - t0) / 1e9);
}

void sim_sharing_measure(struct sim_sharing *ss, uint64_t pte_bytes)
{
	const struct dax_share_ops *const *designs = share_designs();
	int d;

	memset(ss, 0, sizeof(*ss));
	ss->bytes[0] = pte_bytes;
	ss->bytes[1] = 1ULL << 30;
	for (d = 0; designs[d] && d < SHARE_DESIGNS; d++) {
		ss->design[d] = designs[d]->name;
		share_design(ss, d, designs[d]->name, ss->bytes[0], false);
		share_design(ss, d, designs[d]->name, ss->bytes[1], true);
	}
	ss->ndesigns = d;
}

/* ---- xfs_buf_incore: the shadow design's master lookup by LBA ----------- */

struct lookup_arg {
	struct xfs_mount	*mp;
	const xfs_daddr_t	*keys;
	uint64_t		nkeys;
	uint64_t		found;
};

static uint64_t lookup_pass(void *arg)
{
	struct lookup_arg *a = arg;
	uint64_t found = 0;

	for (uint64_t i = 0; i < a->nkeys; i++)
		found += xfs_buf_incore(a->mp, a->keys[i], 8) != NULL;
	a->found += found;
	return a->nkeys;
}

#define HOT_KEYS	64

static const struct bench_case lookup_case = { NULL, lookup_pass, NULL };

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void sim_buflookup_measure(struct sim_buflookup *bl, uint64_t nlookups, int reps)
{
	static const uint64_t sizes[LOOKUP_SIZES] = { 1000, 100000, 1000000 };
	struct bench_world bw;
	struct lookup_arg a = { 0 };
	xfs_daddr_t *keys = g_new(xfs_daddr_t, nlookups);
	struct xfs_buf **bufs = g_new(struct xfs_buf *, sizes[LOOKUP_SIZES - 1]);
	uint64_t have = 0;

	fprintf(stderr, "bench: xfs_buf_incore lookups...\n");
	/* 1M 4 KiB blocks: a 4 GiB filesystem at least (sparse backing) */
	world_create(&bw, 8ULL << 30);
	a.mp = XFS_M(sim->sb);
	a.keys = keys;
	a.nkeys = nlookups;
	bl->nlookups = nlookups;
	for (int s = 0; s < LOOKUP_SIZES; s++) {
		uint64_t seed = 0x5eed0000ULL + (uint64_t)s;

		/* one master per 4 KiB block, blocks 0..n-1 */
		for (; have < sizes[s]; have++)
			if (xfs_buf_get(XFS_M(sim->sb), XFS_FSB_TO_DADDR(have), 8, &bufs[have]))
				die("xfs_buf_get block %llu", (unsigned long long)have);
		if (xfs_buf_count(XFS_M(sim->sb)) != sizes[s])
			die("buffer cache holds %llu buffers, wanted %llu",
			    (unsigned long long)xfs_buf_count(XFS_M(sim->sb)), (unsigned long long)sizes[s]);
		for (uint64_t i = 0; i < nlookups; i++)
			keys[i] = XFS_FSB_TO_DADDR(splitmix64(&seed) % sizes[s]);
		a.found = 0;
		bl->n[s] = sizes[s];
		bl->st[s] = bench_run(&lookup_case, &a, reps);
		if (a.found != (uint64_t)(reps + 1) * nlookups)
			die("xfs_buf_incore missed %llu lookups",
			    (unsigned long long)((uint64_t)(reps + 1) * nlookups - a.found));
		/*
		 * The first HOT_KEYS of those keys, cycled: their slots stay in
		 * the CPU caches, so the time is the hash and the compare.
		 */
		for (uint64_t i = HOT_KEYS; i < nlookups; i++)
			keys[i] = keys[i % HOT_KEYS];
		a.found = 0;
		bl->hot[s] = bench_run(&lookup_case, &a, reps);
		if (a.found != (uint64_t)(reps + 1) * nlookups)
			die("xfs_buf_incore missed hot lookups");
	}
	for (uint64_t i = 0; i < have; i++)
		xfs_buf_rele(XFS_M(sim->sb), bufs[i]);
	world_destroy(&bw);
	g_free(bufs);
	g_free(keys);
}
