// SPDX-License-Identifier: MIT
/*
 * The page cache of reflinked copies, per design: a file written through
 * the page cache and synced, N-1 whole-file reflinks of it, a remount (the
 * cache starts empty, as after a reboot), then every copy read in full with
 * read(2) in 1 MiB pieces.  Reported per design and N = 1, 16, 256: the
 * page-cache bytes with every copy read (folios, shadows and the design's
 * sharing metadata) and their peak, and ns per page of those cold reads.
 *
 * mainline (and rfc) cache a copy per file, so N copies of a 64 MiB file
 * need N x 64 MiB of host memory: a case that would need more than the cap
 * (bench --pc-cap-mib, 4096 by default) is run on a file scaled down to
 * fit, the same size for every design, and the table says so.
 *
 * Beside it, a read(2) of a cached page: daxsim's vfs_read of 4 KiB whose
 * folio is in the page cache, against the kernel's pread(2) of a cached
 * tmpfs page in the same run.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "pagemap.h"
#include "share.h"
#include "share_registry.h"

static const unsigned pc_ncopies[PC_NS] = { 1, 16, 256 };
#define PIECE	(1ULL << 20)

static void read_file(struct xfs_inode *ip, uint64_t bytes, unsigned char *buf)
{
	struct file *f = world_open(ip);

	for (uint64_t off = 0; off < bytes; off += PIECE) {
		int64_t n = vfs_read(f, buf, MIN(PIECE, bytes - off), off);

		if (n != (int64_t)MIN(PIECE, bytes - off))
			die("vfs_read at %llu: %lld", (unsigned long long)off, (long long)n);
	}
	world_close(f);
}

static void pc_one(struct pc_result *r, const struct dax_share_ops *d, unsigned ncopies,
		   uint64_t bytes)
{
	struct bench_world bw;
	struct xfs_inode **ip = g_new0(struct xfs_inode *, ncopies);
	unsigned char *buf = g_malloc(PIECE);
	struct pagecache_stats pc;
	struct file *f;
	uint64_t t0;
	char name[32];

	world_create_dax(&bw, 2 * bytes + (64ULL << 20), XFS_DAX_NEVER);
	share_ops = d;
	ip[0] = world_file("pc.0", bytes, PIECE, 0x5a);
	f = world_open(ip[0]);
	if (vfs_fsync_range(f, 0, bytes - 1, 0))
		die("fsync");
	world_close(f);
	for (unsigned i = 1; i < ncopies; i++) {
		uint64_t len = 0;
		bool same;
		int err;

		snprintf(name, sizeof(name), "pc.%u", i);
		err = xfs_create(XFS_M(sim->sb), name, &ip[i]);
		if (!err)
			err = xfs_reflink_remap_range(ip[0], 0, ip[i], 0, &len, false, &same);
		if (err)
			die("reflink %s: %d", name, err);
	}
	lock_current = &sim->kthread->lockctx;
	xfs_remount(XFS_M(sim->sb));	/* the cache starts empty */
	lock_current = &bw.task->lockctx;
	pagecache_reset_peak();

	t0 = bench_now_ns();
	for (unsigned i = 0; i < ncopies; i++)
		read_file(ip[i], bytes, buf);
	r->ns_per_page_cold = (double)(bench_now_ns() - t0) / (double)(ncopies * (bytes >> PAGE_SHIFT));
	pagecache_get_stats(&pc);
	r->ncopies = ncopies;
	r->file_bytes = bytes;
	r->bytes_end = pc.bytes;
	r->bytes_peak = pc.peak_bytes;
	r->folios = pc.folios;
	r->shadows = pc.shadows;
	world_destroy(&bw);
	g_free(buf);
	g_free(ip);
}

/* vfs_read of one cached 4 KiB page, over every page of a cached file. */
struct cached_arg {
	struct file	*f;
	uint64_t	npages;
	unsigned char	buf[PAGE_SIZE];
};

static uint64_t cached_pass(void *arg)
{
	struct cached_arg *ca = arg;

	for (uint64_t i = 0; i < ca->npages; i++)
		if (vfs_read(ca->f, ca->buf, PAGE_SIZE, i << PAGE_SHIFT) != PAGE_SIZE)
			die("cached vfs_read");
	return ca->npages;
}

static const struct bench_case cached_case = { NULL, cached_pass, NULL };

static struct bench_stat cached_read(uint64_t npages, int reps)
{
	static struct cached_arg ca;
	struct bench_world bw;
	struct xfs_inode *ip;
	unsigned char *buf = g_malloc(PIECE);
	struct bench_stat st;

	world_create_dax(&bw, npages * PAGE_SIZE + (64ULL << 20), XFS_DAX_NEVER);
	share_ops = share_find("mainline");
	ip = world_file("cached", npages * PAGE_SIZE, PIECE, 0x5a);
	read_file(ip, npages * PAGE_SIZE, buf);
	ca.f = world_open(ip);
	ca.npages = npages;
	st = bench_run(&cached_case, &ca, reps);
	world_close(ca.f);
	world_destroy(&bw);
	g_free(buf);
	return st;
}

void sim_pagecache_measure(struct sim_pagecache *sp, uint64_t file_bytes, uint64_t cap_bytes,
			   int reps)
{
	const struct dax_share_ops *const *d = share_designs();

	memset(sp, 0, sizeof(*sp));
	sp->cap_bytes = cap_bytes;
	for (int i = 0; d[i] && i < SHARE_DESIGNS; i++) {
		sp->design[i] = d[i]->name;
		sp->ndesigns = i + 1;
		for (int n = 0; n < PC_NS; n++) {
			uint64_t bytes = file_bytes;

			/* every design the same size: scaled so N copies fit the cap */
			while ((uint64_t)pc_ncopies[n] * bytes > cap_bytes && bytes > (2ULL << 20))
				bytes /= 2;
			fprintf(stderr, "bench: page cache %s, %u copies of %llu MiB...\n", d[i]->name,
				pc_ncopies[n], (unsigned long long)(bytes >> 20));
			pc_one(&sp->r[i][n], d[i], pc_ncopies[n], bytes);
		}
	}
	fprintf(stderr, "bench: cached page reads...\n");
	sp->cached_read = cached_read(file_bytes >> PAGE_SHIFT, reps);
	sp->host_cached_read = host_cached_read_measure(file_bytes >> PAGE_SHIFT, reps);
}
