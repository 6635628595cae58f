// SPDX-License-Identifier: MIT
/*
 * The real kernel on this machine, through the same harness as the
 * simulator: minor faults on a prepopulated tmpfs file and a bare 4 KiB
 * memcpy.
 *
 * Read faults on a file mapping normally "fault around": one fault maps up
 * to 16 page-cache pages (fault_around_bytes = 64 KiB), so touching every
 * page of one big VMA takes 1/16 fault per page.  To time one minor fault
 * that installs one PTE — what a simulated DAX fault does — read_fault maps
 * each page as its own single-page VMA (fault-around never crosses a VMA);
 * read_touch keeps the ordinary one-VMA figure for context.  Write faults on
 * MAP_SHARED shmem do not fault around.  A write fault on a MAP_PRIVATE
 * mapping (do_cow_fault: allocate an anonymous page, copy 4 KiB from the
 * page cache) is the kernel's own nearest "CoW fault", kept for context.  The rusage minor-fault count of the
 * timed pass is kept to show which is which.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

#define PG 4096UL

static volatile unsigned char sink;

struct tmpfs_file {
	int		fd;
	uint64_t	npages;
	unsigned char	*map;
	bool		write;
	bool		per_page_vma;
	bool		private;	/* MAP_PRIVATE: a write fault copies */
};

/*
 * Single-page VMAs per pass: the kernel's fault cost grows with the number
 * of VMAs (about +25% at 16384 here), so keep the count small; that makes
 * the kernel figure lower, i.e. the read-fault budget stricter.
 */
#define VMA_PASS_PAGES 512UL

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
	if (!buf[0])
		snprintf(buf, len, "?");
}

static int tmpfs_open(uint64_t npages, char *dir, size_t dirlen)
{
	char path[] = "/dev/shm/daxsim-bench.XXXXXX";
	unsigned char page[PG];
	int fd = mkstemp(path);

	if (fd >= 0) {
		unlink(path);
		snprintf(dir, dirlen, "/dev/shm");
	} else {
		fd = memfd_create("daxsim-bench", MFD_CLOEXEC);
		if (fd < 0)
			die("no tmpfs file: /dev/shm and memfd_create both failed");
		snprintf(dir, dirlen, "memfd (shmem)");
	}
	if (ftruncate(fd, (off_t)(npages * PG)) < 0)
		die("ftruncate tmpfs file: %m");
	/* prepopulate: every page in the page cache before any timing */
	for (uint64_t i = 0; i < npages; i++) {
		memset(page, (int)(i & 0xff), PG);
		if (pwrite(fd, page, PG, (off_t)(i * PG)) != (ssize_t)PG)
			die("prepopulate tmpfs file: %m");
	}
	return fd;
}

static uint64_t pass_pages(const struct tmpfs_file *tf)
{
	return tf->per_page_vma ? MIN(tf->npages, VMA_PASS_PAGES) : tf->npages;
}

static void tmpfs_setup(void *arg)
{
	struct tmpfs_file *tf = arg;
	int prot = PROT_READ | PROT_WRITE;

	if (!tf->per_page_vma) {
		tf->map = mmap(NULL, tf->npages * PG, prot,
			       tf->private ? MAP_PRIVATE : MAP_SHARED, tf->fd, 0);
		if (tf->map == MAP_FAILED)
			die("mmap tmpfs: %m");
		return;
	}
	/* one VMA per page, a hole between neighbours so none merge */
	tf->map = mmap(NULL, 2 * pass_pages(tf) * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (tf->map == MAP_FAILED)
		die("reserve address space: %m");
	for (uint64_t i = 0; i < pass_pages(tf); i++) {
		unsigned char *a = tf->map + 2 * i * PG;

		if (mmap(a, PG, prot, MAP_SHARED | MAP_FIXED, tf->fd, (off_t)(i * PG)) == MAP_FAILED)
			die("mmap page %llu: %m", (unsigned long long)i);
		if (munmap(a + PG, PG) < 0)
			die("munmap gap: %m");
	}
}

static uint64_t tmpfs_pass(void *arg)
{
	struct tmpfs_file *tf = arg;
	uint64_t stride = tf->per_page_vma ? 2 * PG : PG, n = pass_pages(tf);

	if (tf->write) {
		for (uint64_t i = 0; i < n; i++)
			((volatile unsigned char *)tf->map)[i * stride] = (unsigned char)i;
	} else {
		unsigned char s = 0;

		for (uint64_t i = 0; i < n; i++)
			s += ((volatile unsigned char *)tf->map)[i * stride];
		sink = s;
	}
	return n;
}

static void tmpfs_teardown(void *arg)
{
	struct tmpfs_file *tf = arg;

	munmap(tf->map, (tf->per_page_vma ? 2 : 1) * pass_pages(tf) * PG);
}

static const struct bench_case tmpfs_case = { tmpfs_setup, tmpfs_pass, tmpfs_teardown };

/* memcpy ------------------------------------------------------------------- */
struct copy_arg {
	unsigned char	*src, *dst;
	uint64_t	npages;
	bool		stream;		/* page i -> page i, all distinct */
};

static uint64_t copy_pass(void *arg)
{
	struct copy_arg *c = arg;

	for (uint64_t i = 0; i < c->npages; i++) {
		unsigned char *d = c->stream ? c->dst + i * PG : c->dst;
		const unsigned char *s = c->stream ? c->src + i * PG : c->src;

		memcpy(d, s, PG);
		/* the copy must happen, each time */
		__asm__ volatile("" : : "r"(d), "r"(s) : "memory");
	}
	return c->npages;
}

static const struct bench_case copy_case = { NULL, copy_pass, NULL };

void host_measure(struct host_baseline *hb, uint64_t npages, int reps)
{
	struct tmpfs_file tf = { .npages = npages };
	struct copy_arg ca = { .npages = npages };

	read_line("/sys/kernel/mm/transparent_hugepage/shmem_enabled", hb->shmem_thp,
		  sizeof(hb->shmem_thp));
	tf.fd = tmpfs_open(npages, hb->shm_dir, sizeof(hb->shm_dir));

	fprintf(stderr, "bench: kernel tmpfs faults...\n");
	tf.write = false;
	tf.per_page_vma = true;
	hb->read_fault = bench_run(&tmpfs_case, &tf, reps);
	tf.per_page_vma = false;
	hb->read_touch = bench_run(&tmpfs_case, &tf, reps);
	tf.write = true;
	hb->write_fault = bench_run(&tmpfs_case, &tf, reps);
	tf.private = true;
	hb->private_cow = bench_run(&tmpfs_case, &tf, reps);
	close(tf.fd);

	fprintf(stderr, "bench: memcpy...\n");
	ca.src = mmap(NULL, npages * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ca.dst = mmap(NULL, npages * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ca.src == MAP_FAILED || ca.dst == MAP_FAILED)
		die("memcpy buffers: %m");
	memset(ca.src, 0x5a, npages * PG);
	memset(ca.dst, 0xa5, npages * PG);
	ca.stream = false;
	hb->memcpy_hot = bench_run(&copy_case, &ca, reps);
	ca.stream = true;
	hb->memcpy_stream = bench_run(&copy_case, &ca, reps);
	munmap(ca.src, npages * PG);
	munmap(ca.dst, npages * PG);
}

/* pread of cached tmpfs pages: the kernel's read(2) from its page cache --- */
struct pread_arg {
	int		fd;
	uint64_t	npages;
	unsigned char	buf[PG];
};

static uint64_t pread_pass(void *arg)
{
	struct pread_arg *pa = arg;

	for (uint64_t i = 0; i < pa->npages; i++)
		if (pread(pa->fd, pa->buf, PG, (off_t)(i * PG)) != (ssize_t)PG)
			die("pread tmpfs: %m");
	return pa->npages;
}

static const struct bench_case pread_case = { NULL, pread_pass, NULL };

struct bench_stat host_cached_read_measure(uint64_t npages, int reps)
{
	static struct pread_arg pa;
	char dir[64];
	struct bench_stat st;

	pa.npages = npages;
	pa.fd = tmpfs_open(npages, dir, sizeof(dir));
	st = bench_run(&pread_case, &pa, reps);
	close(pa.fd);
	return st;
}
