// SPDX-License-Identifier: MIT
/* The simulated pmem device and its backing selection. */
#include "pmem.h"
#include "sim.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#ifndef MFD_HUGETLB
#define MFD_HUGETLB 0x0004U
#endif


const char *pmem_backing_name(enum pmem_backing b)
{
	switch (b) {
	case PMEM_BACKING_AUTO:		return "auto";
	case PMEM_BACKING_HUGETLBFS:	return "hugetlbfs";
	case PMEM_BACKING_MEMFD_HUGETLB: return "memfd-hugetlb";
	case PMEM_BACKING_MEMFD_THP:	return "memfd-thp";
	case PMEM_BACKING_MEMFD:	return "memfd";
	case PMEM_BACKING_FILE:		return "file";
	}
	return "?";
}

int pmem_parse_backing(const char *s, enum pmem_backing *b, char **path)
{
	*path = NULL;
	if (!strcmp(s, "auto"))
		*b = PMEM_BACKING_AUTO;
	else if (!strcmp(s, "hugetlbfs"))
		*b = PMEM_BACKING_HUGETLBFS;
	else if (!strcmp(s, "memfd"))
		*b = PMEM_BACKING_MEMFD;
	else if (!strncmp(s, "file:", 5) && s[5]) {
		*b = PMEM_BACKING_FILE;
		*path = g_strdup(s + 5);
	} else
		return -EINVAL;
	return 0;
}

static void why_add(struct pmem_device *pd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void why_add(struct pmem_device *pd, const char *fmt, ...)
{
	size_t n = strlen(pd->why);
	va_list ap;

	if (n && n < sizeof(pd->why) - 2) {
		pd->why[n++] = ';';
		pd->why[n++] = ' ';
		pd->why[n] = 0;
	}
	va_start(ap, fmt);
	vsnprintf(pd->why + n, sizeof(pd->why) - n, fmt, ap);
	va_end(ap);
}

static int map_fd(struct pmem_device *pd, int fd)
{
	void *p = mmap(NULL, pd->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	pd->kaddr = p;
	pd->fd = fd;
	return 0;
}

/*
 * The first hugetlbfs mount, looked up once per process: explore runs
 * thousands of devices in one worker, and /proc/mounts was a tenth of a
 * schedule.  "" when there is none.
 */
static const char *hugetlbfs_dir(void)
{
	static char dir[256];
	static bool looked;
	char line[256];
	FILE *f;

	if (looked)
		return dir;
	looked = true;
	f = fopen("/proc/mounts", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char dev[64], mnt[200], type[64];

		if (sscanf(line, "%63s %199s %63s", dev, mnt, type) == 3 &&
		    !strcmp(type, "hugetlbfs")) {
			g_strlcpy(dir, mnt, sizeof(dir));
			break;
		}
	}
	if (f)
		fclose(f);
	return dir;
}

/* A hugetlbfs mount with enough free huge pages for the whole device. */
static int try_hugetlbfs(struct pmem_device *pd)
{
	unsigned long free_pages = 0;
	const char *dir = hugetlbfs_dir();
	char line[256];
	FILE *f;
	int fd, ret;

	if (!dir[0]) {
		why_add(pd, "hugetlbfs: no hugetlbfs mount");
		return -ENOENT;
	}
	f = fopen("/proc/meminfo", "r");
	while (f && fgets(line, sizeof(line), f))
		sscanf(line, "HugePages_Free: %lu", &free_pages);
	if (f)
		fclose(f);
	if (free_pages * PMD_SIZE < pd->size) {
		why_add(pd, "hugetlbfs: %lu free huge pages, need %llu", free_pages,
			(unsigned long long)(pd->size / PMD_SIZE));
		return -ENOMEM;
	}
	{
		char *tmpl = g_strdup_printf("%s/daxsim.XXXXXX", dir);

		fd = mkstemp(tmpl);
		if (fd >= 0)
			unlink(tmpl);
		g_free(tmpl);
	}
	if (fd < 0 || ftruncate(fd, (off_t)pd->size) < 0 || (ret = map_fd(pd, fd)) < 0) {
		why_add(pd, "hugetlbfs: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	return 0;
}

static int try_memfd(struct pmem_device *pd, unsigned int flags, bool thp)
{
	int fd = memfd_create("daxsim-pmem", MFD_CLOEXEC | flags);
	int ret;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)pd->size) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	ret = map_fd(pd, fd);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	if (thp && madvise(pd->kaddr, pd->size, MADV_HUGEPAGE) < 0) {
		ret = -errno;
		munmap(pd->kaddr, pd->size);
		close(fd);
		pd->kaddr = NULL;
		return ret;
	}
	return 0;
}

/*
 * One memfd backing kept for the next device of the same size, asked for
 * the same way (`backing=memfd`, or the default when hugetlbfs has no room):
 * fuzz_ops makes a 16 MiB `backing=memfd` device per input, and explore's
 * worker a device per schedule.  A new memfd costs
 * memfd_create, the failed MFD_HUGETLB try, ftruncate, mmap, munmap and
 * close, and then a host page fault (allocate and clear a page, several
 * microseconds in a VM) for every page the input writes: half of a
 * fuzz_ops run.  The kept backing's pages stay resident; pmem_destroy()
 * zeroes the blocks the filesystem allocated (pmem_mark_written(): the only
 * blocks the simulated kernel writes; device DAX, which maps every block,
 * punches the whole backing instead), so the next device reads as zeros,
 * as a new memfd does.  Every SPARE_FULL_RESET-th reuse punches the whole
 * backing anyway, so that a stray write outside those blocks (a simulator
 * bug) cannot outlive a few inputs unseen.  Only the process that kept the
 * backing takes it again: a forked child (explore, shrink) that wrote into
 * the shared pages and exited would leave its data behind unmarked.
 */
#define SPARE_MAX_SIZE		(256ULL << 20)	/* the bitmap: 8 KiB */
#define SPARE_FULL_RESET	64

static struct pmem_device spare = { .fd = -1 };
static unsigned int spare_reuses;
static pid_t spare_pid;		/* who kept it: a forked child shares its pages */
static enum pmem_backing spare_want;	/* what its device asked for */

static bool spare_take(struct pmem_device *pd, enum pmem_backing want)
{
	if (spare.fd < 0 || spare.size != pd->size || spare_pid != getpid() || spare_want != want)
		return false;
	pd->fd = spare.fd;
	pd->kaddr = spare.kaddr;
	pd->backing = spare.backing;
	pd->written = spare.written;
	memcpy(pd->why, spare.why, sizeof(pd->why));
	spare.fd = -1;
	spare.kaddr = NULL;
	spare.written = NULL;
	return true;
}

/*
 * Zero the data of [bno, bno + nr): a hole of the memfd (a page allocated
 * but never written, or punched) reads as zeros already, and a store to it
 * would only fault it in.  SEEK_DATA counts a swapped-out page as data.
 */
static void zero_data(struct pmem_device *pd, uint64_t bno, uint64_t nr)
{
	off_t pos = (off_t)(bno << PAGE_SHIFT), end = (off_t)((bno + nr) << PAGE_SHIFT);

	while (pos < end) {
		off_t d = lseek(pd->fd, pos, SEEK_DATA), h;

		if (d < 0 && errno == ENXIO)
			return;			/* no data at or after pos */
		if (d < 0) {
			memset(pd->kaddr + pos, 0, (size_t)(end - pos));
			return;
		}
		if (d >= end)
			return;
		h = lseek(pd->fd, d, SEEK_HOLE);
		if (h < 0 || h > end)
			h = end;
		memset(pd->kaddr + d, 0, (size_t)(h - d));
		pos = h;
	}
}

/* Zero every block marked written (runs of set bits), and clear the marks. */
static void spare_zero_written(struct pmem_device *pd)
{
	uint64_t words = (pd->nr_pages + 63) / 64, b = 0;

	while (b < pd->nr_pages) {
		uint64_t start;

		if (!pd->written[b / 64]) {
			b = (b / 64 + 1) * 64;
			continue;
		}
		if (!(pd->written[b / 64] >> (b % 64) & 1)) {
			b++;
			continue;
		}
		start = b;
		while (b < pd->nr_pages && (pd->written[b / 64] >> (b % 64) & 1))
			b++;
		zero_data(pd, start, b - start);
	}
	memset(pd->written, 0, words * sizeof(uint64_t));
}

void pmem_zero_new_blocks(struct pmem_device *pd, uint64_t bno, uint64_t nr)
{
	uint64_t b = bno, end = MIN(bno + nr, pd->nr_pages);

	if (!pd->written) {
		memset(pmem_block_kaddr(pd, bno), 0, nr << PAGE_SHIFT);
		return;
	}
	while (b < end) {
		uint64_t start = b;
		bool marked = pd->written[b / 64] >> (b % 64) & 1;

		while (b < end && (bool)(pd->written[b / 64] >> (b % 64) & 1) == marked)
			b++;
		if (marked)
			memset(pmem_block_kaddr(pd, start), 0, (b - start) << PAGE_SHIFT);
	}
	pmem_mark_written(pd, bno, nr);
}

static bool spare_keep(struct pmem_device *pd)
{
	if (spare.fd >= 0 || !pd->reusable || pd->fd < 0 || !pd->kaddr || !pd->written)
		return false;
	if (pd->pgmap.type == MEMORY_DEVICE_GENERIC || ++spare_reuses % SPARE_FULL_RESET == 0) {
		if (fallocate(pd->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, (off_t)pd->size))
			return false;
		memset(pd->written, 0, (pd->nr_pages + 63) / 64 * sizeof(uint64_t));
	} else {
		spare_zero_written(pd);
	}
	spare.fd = pd->fd;
	spare_pid = getpid();
	spare_want = pd->want;
	spare.kaddr = pd->kaddr;
	spare.size = pd->size;
	spare.backing = pd->backing;
	spare.written = pd->written;
	memcpy(spare.why, pd->why, sizeof(spare.why));
	pd->written = NULL;
	return true;
}

/*
 * The header page of a file-backed device (file offset 0; the device's
 * bytes follow it at PMEM_FILE_HDR).  It identifies a daxsim device fully:
 * magic, format version, header size, device size, data offset, and a
 * SHA-256 of those fields, so a user file that merely starts with the
 * magic is never taken for a device (and never overwritten).  Fields are
 * little-endian.
 */
#define PMEM_FILE_MAGIC		"DAXSIMPMEM\n\0\0\0\0\0"	/* 16 bytes */
#define PMEM_FILE_VERSION	2
#define PMEM_FILE_HDR		PAGE_SIZE

struct pmem_file_hdr {
	char		magic[16];
	unsigned char	version[4];	/* PMEM_FILE_VERSION */
	unsigned char	hdr_size[4];	/* sizeof the fields the sum covers */
	unsigned char	size[8];	/* device bytes */
	unsigned char	data_off[8];	/* PMEM_FILE_HDR */
	char		sum[65];	/* SHA-256 of the bytes above, hex */
};

#define PMEM_FILE_SUMMED	offsetof(struct pmem_file_hdr, sum)

static void put_le(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void hdr_sum(const struct pmem_file_hdr *h, char out[65])
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);

	g_checksum_update(ck, (const guchar *)h, PMEM_FILE_SUMMED);
	g_strlcpy(out, g_checksum_get_string(ck), 65);
	g_checksum_free(ck);
}

static void hdr_make(struct pmem_file_hdr *h, uint64_t size)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, PMEM_FILE_MAGIC, sizeof(h->magic));
	put_le(h->version, PMEM_FILE_VERSION, 4);
	put_le(h->hdr_size, PMEM_FILE_SUMMED, 4);
	put_le(h->size, size, 8);
	put_le(h->data_off, PMEM_FILE_HDR, 8);
	hdr_sum(h, h->sum);
}

/* NULL if @h is the header of a device of @size, else why not. */
static const char *hdr_check(const struct pmem_file_hdr *h, uint64_t size)
{
	char sum[65];

	if (memcmp(h->magic, PMEM_FILE_MAGIC, sizeof(h->magic)))
		return "it is not a daxsim device (no daxsim header)";
	hdr_sum(h, sum);
	if (memcmp(sum, h->sum, sizeof(sum)))
		return "it has no valid daxsim header (checksum mismatch)";
	if (get_le(h->version, 4) != PMEM_FILE_VERSION || get_le(h->hdr_size, 4) != PMEM_FILE_SUMMED ||
	    get_le(h->data_off, 8) != PMEM_FILE_HDR)
		return "it is a daxsim device of another format version";
	if (get_le(h->size, 8) != size)
		return "it is a daxsim device of another size";
	return NULL;
}

/*
 * file:PATH — create only if absent.  The file is locked (flock, exclusive)
 * for the life of the device: a second run on the same PATH is refused
 * instead of writing over the first one's data.  An existing file is
 * reused only if its header says it is a daxsim device of this size and
 * the file's length matches; anything else is refused and left untouched.
 */
/*
 * A new device: made complete (locked, sized, header written) under a
 * temporary name in PATH's directory, then linked to PATH, so another run
 * never sees PATH without its header or its lock.  Returns the locked fd,
 * -EEXIST if PATH appeared meanwhile (the caller opens it as existing),
 * or another negative errno with @err set.
 */
static int create_file(struct pmem_device *pd, const char *path, char *err, size_t errlen)
{
	gchar *tmp = g_strdup_printf("%s.daxsim-XXXXXX", path);
	struct pmem_file_hdr hdr;
	int fd, ret = 0;

	fd = g_mkstemp_full(tmp, O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "pmem: %s: %s", path, strerror(errno));
		g_free(tmp);
		return ret;
	}
	hdr_make(&hdr, pd->size);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0 ||
	    ftruncate(fd, (off_t)(PMEM_FILE_HDR + pd->size)) < 0 ||
	    pwrite(fd, &hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
		ret = errno ? -errno : -EIO;
	else if (link(tmp, path) < 0)
		ret = -errno;
	unlink(tmp);
	g_free(tmp);
	if (ret) {
		if (ret != -EEXIST)
			snprintf(err, errlen, "pmem: %s: %s", path, strerror(-ret));
		close(fd);
		return ret;
	}
	return fd;
}

/*
 * file:PATH — create only if absent.  The file is locked (flock, exclusive)
 * for the life of the device: a second run on the same PATH is refused
 * instead of writing over the first one's data.  An existing file is
 * reused only if its header says it is a daxsim device of this size and
 * the file's length matches; anything else is refused and left untouched.
 */
static int try_file(struct pmem_device *pd, const char *path, char *err,
		    size_t errlen)
{
	struct pmem_file_hdr hdr;
	const char *why = NULL;
	struct stat st;
	int fd, ret;
	bool created = false;

	if (lstat(path, &st) < 0 && errno == ENOENT) {
		fd = create_file(pd, path, err, errlen);
		if (fd >= 0)
			created = true;
		else if (fd != -EEXIST)
			return fd;
	}
	if (!created) {
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 || fstat(fd, &st) < 0) {
			snprintf(err, errlen, "pmem: %s: %s", path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return -EINVAL;
		}
		/* Before reading anything: is another run using it? */
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			ret = -errno;
			if (errno == EWOULDBLOCK)
				snprintf(err, errlen, "pmem: %s is in use by another daxsim run (it holds the file's lock); "
					 "use another path or wait for that run to end", path);
			else
				snprintf(err, errlen, "pmem: %s: cannot lock it: %s", path, strerror(errno));
			close(fd);
			return ret;
		}
		if (!S_ISREG(st.st_mode))
			why = "it is not a regular file";
		else if (pread(fd, &hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
			why = "it is not a daxsim device (too short for a header)";
		else
			why = hdr_check(&hdr, pd->size);
		if (!why && (uint64_t)st.st_size != PMEM_FILE_HDR + pd->size)
			why = "its length does not match its header";
		if (why) {
			snprintf(err, errlen, "pmem: %s exists and %s; refusing to touch it", path, why);
			close(fd);
			return -EEXIST;
		}
	}
	pd->kaddr = mmap(NULL, pd->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PMEM_FILE_HDR);
	if (pd->kaddr == MAP_FAILED) {
		ret = -errno;
		pd->kaddr = NULL;
		snprintf(err, errlen, "pmem: %s: mmap: %s", path, strerror(-ret));
		close(fd);
		if (created)
			unlink(path);
		return ret;
	}
	pd->fd = fd;	/* holds the lock until pmem_destroy */
	pd->path = g_strdup(path);
	return 0;
}

/*
 * pmem_pagemap_memory_failure(): a failure on the device's pages goes to
 * whoever holds the dax_device (the filesystem), in device bytes.
 */
static int pmem_pagemap_memory_failure(struct dev_pagemap *pgmap, pfn_t pfn,
				       uint64_t nr_pages, unsigned int mf_flags)
{
	struct pmem_device *pd = pgmap->owner;

	return dax_holder_notify_failure(pd->dax_dev, (pfn - PMEM_PFN_BASE) << PAGE_SHIFT,
					 nr_pages << PAGE_SHIFT, mf_flags);
}

static const struct dev_pagemap_ops fsdax_pagemap_ops = {
	.memory_failure	= pmem_pagemap_memory_failure,
};

/*
 * The largest device this host may create (issue 15 item 7).  A device is
 * sparse: host memory goes only to the blocks a scenario writes, about
 * twice their size (the backing plus the reference model), plus 64 bytes
 * of struct page per touched page.  The cap is PMEM_SPARSE_RATIO times the
 * host's memory (RAM + swap): large enough for the sparse-device tests
 * (1 TiB on a 16 GiB host), small enough that a typo such as size=64t on
 * a laptop is refused before anything is allocated instead of running the
 * host out of memory later.  DAXSIM_MAX_PMEM=BYTES (k/m/g/t suffixes)
 * overrides it.
 */
#define PMEM_SPARSE_RATIO	64

static uint64_t parse_size(const char *s)
{
	char *end;
	uint64_t v = g_ascii_strtoull(s, &end, 0);
	int shift = 0;

	switch (*end | 0x20) {
	case 'k': shift = 10; break;
	case 'm': shift = 20; break;
	case 'g': shift = 30; break;
	case 't': shift = 40; break;
	case 'p': shift = 50; break;
	}
	if (end == s || (shift && end[1]) || (!shift && *end) || v > (UINT64_MAX >> shift))
		return 0;
	return v << shift;
}

/* "64.0 TiB": one decimal in the largest binary unit (ASCII only) */
static const char *human_size(uint64_t v, char *buf, size_t len)
{
	static const char *const unit[] = { "MiB", "GiB", "TiB", "PiB", "EiB" };
	double d = (double)v / (1 << 20);
	int u = 0;

	while (d >= 1024 && u < 4) {
		d /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", d, unit[u]);
	return buf;
}

uint64_t pmem_size_cap(char *why, size_t whylen)
{
	const char *env = getenv("DAXSIM_MAX_PMEM");
	struct sysinfo si;
	uint64_t mem, cap;

	if (env && parse_size(env)) {
		cap = ALIGN_DOWN(parse_size(env), PMD_SIZE);
		snprintf(why, whylen, "set by DAXSIM_MAX_PMEM=%s", env);
		return cap;
	}
	if (sysinfo(&si) < 0) {
		snprintf(why, whylen, "sysinfo: %s; no cap", strerror(errno));
		return UINT64_MAX;
	}
	mem = ((uint64_t)si.totalram + si.totalswap) * si.mem_unit;
	cap = mem > UINT64_MAX / PMEM_SPARSE_RATIO ? UINT64_MAX : ALIGN_DOWN(mem * PMEM_SPARSE_RATIO, PMD_SIZE);
	snprintf(why, whylen, "%d x the host's memory (RAM %llu MiB + swap %llu MiB): a sparse device "
		 "costs host memory for the blocks written, about twice their size; "
		 "DAXSIM_MAX_PMEM=SIZE overrides", PMEM_SPARSE_RATIO,
		 (unsigned long long)((uint64_t)si.totalram * si.mem_unit >> 20),
		 (unsigned long long)((uint64_t)si.totalswap * si.mem_unit >> 20));
	return cap;
}

int pmem_create(struct pmem_device *pd, uint64_t size, enum pmem_backing want,
		const char *path, char *err, size_t errlen)
{
	char why[256];
	uint64_t cap;
	int ret;

	memset(pd, 0, sizeof(*pd));
	pd->fd = -1;
	pd->size = size;
	pd->nr_pages = size >> PAGE_SHIFT;
	if (size == 0 || size % PMD_SIZE) {
		snprintf(err, errlen, "pmem: size must be a non-zero multiple of 2 MiB");
		return -EINVAL;
	}
	/* before anything is allocated: the memmap's section table, the backing */
	cap = pmem_size_cap(why, sizeof(why));
	if (size > cap) {
		char a[32], b[32];

		snprintf(err, errlen, "pmem: size %s is over this host's limit of %s (%s)",
			 human_size(size, a, sizeof(a)), human_size(cap, b, sizeof(b)), why);
		return -E2BIG;
	}
	if (want == PMEM_BACKING_FILE) {
		ret = try_file(pd, path, err, errlen);
		if (ret < 0)
			return ret;
		pd->backing = PMEM_BACKING_FILE;
		goto out;
	}
	if (want == PMEM_BACKING_AUTO || want == PMEM_BACKING_HUGETLBFS) {
		if (try_hugetlbfs(pd) == 0) {
			pd->backing = PMEM_BACKING_HUGETLBFS;
			goto out;
		}
		if (want == PMEM_BACKING_HUGETLBFS) {
			snprintf(err, errlen, "pmem: backing=hugetlbfs unavailable: %s", pd->why);
			return -ENOENT;
		}
	}
	pd->reusable = (want == PMEM_BACKING_MEMFD || want == PMEM_BACKING_AUTO) &&
		       size <= SPARE_MAX_SIZE;
	pd->want = want;
	if (pd->reusable && spare_take(pd, want))
		goto out;
	ret = try_memfd(pd, MFD_HUGETLB, false);
	if (ret == 0 && size > 0) {
		pd->backing = PMEM_BACKING_MEMFD_HUGETLB;
		goto out;
	}
	why_add(pd, "memfd-hugetlb: %s", strerror(-ret));
	ret = try_memfd(pd, 0, true);
	if (ret == 0) {
		pd->backing = PMEM_BACKING_MEMFD_THP;
		goto out;
	}
	why_add(pd, "memfd-thp: %s", strerror(-ret));
	ret = try_memfd(pd, 0, false);
	if (ret < 0) {
		snprintf(err, errlen, "pmem: cannot create a backing: %s", strerror(-ret));
		return ret;
	}
	pd->backing = PMEM_BACKING_MEMFD;
out:
	if (pd->reusable && !pd->written)
		pd->written = g_new0(uint64_t, (pd->nr_pages + 63) / 64);
	pd->bb = badblocks_create();
	pd->dax_dev = alloc_dax();
	pd->pgmap.ops = &fsdax_pagemap_ops;
	pd->pgmap.owner = pd;
	return 0;
}

void pmem_destroy(struct pmem_device *pd)
{
	if (!spare_keep(pd)) {
		if (pd->kaddr)
			munmap(pd->kaddr, pd->size);
		if (pd->fd >= 0)
			close(pd->fd);
		g_free(pd->written);
	}
	badblocks_destroy(pd->bb);
	put_dax(pd->dax_dev);
	g_free(pd->path);
	memset(pd, 0, sizeof(*pd));
	pd->fd = -1;
}

/*
 * dax_direct_access() (drivers/dax/super.c -> pmem_dax_direct_access): the
 * pfn of [bno, bno + nr); a range holding a bad block is refused (-EIO).
 */
int dax_direct_access(uint64_t bno, uint64_t nr, pfn_t *pfn)
{
	uint64_t bad;

	if (bno + nr > sim->pmem.nr_pages)
		return -ERANGE;
	*pfn = PMEM_PFN_BASE + bno;
	if (badblocks_check(sim->pmem.bb, bno, nr, &bad))
		return -EIO;
	return 0;
}
