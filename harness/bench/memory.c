// SPDX-License-Identifier: MIT
/*
 * Metadata bytes: per pmem page (struct page in its lazily allocated
 * 128 MiB section, plus the section table, plus the sharing design's own
 * records), per mapped 4 KiB page (the DAX entry in i_pages, the page
 * tables, anything else the fault allocates), and what a sparse 1 TiB
 * device costs before anything is touched.
 *
 * Bytes are measured as the growth of malloc's in-use total (mallinfo2:
 * arena + mmapped chunks, chunk headers included).  glib 2.74's GTree nodes
 * come from g_slice, which malloc does not see unless G_SLICE=always-malloc
 * is set before glib initialises; so these figures are taken in a
 * re-executed child process with that variable set, and the timing
 * figures in the parent keep glib's default allocator.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "lock.h"
#include "share.h"

#define TIB	(1ULL << 40)

static void sparse_device(struct sim_memory *sm)
{
	struct sim_world w;
	struct xfs_mount *mp;
	struct xfs_mkfs_opts o = { 4096, true, true, XFS_DAX_ALWAYS, 4 };
	uint64_t rss0, m0, rss1, m1;
	char err[600];

	sim_world_init(&w);
	rss0 = rss_bytes();
	m0 = malloc_bytes();
	if (pmem_create(&sim->pmem, TIB, PMEM_BACKING_AUTO, NULL, err, sizeof(err)))
		die("1 TiB device: %s", err);
	memmap_init(&sim->memmap, sim->pmem.nr_pages);
	sim->have_pmem = true;
	rss1 = rss_bytes();
	m1 = malloc_bytes();
	sm->sparse_rss = rss1 - rss0;
	sm->sparse_malloc = m1 - m0;
	sm->sparse_memmap = memmap_bytes(&sim->memmap);
	snprintf(sm->sparse_backing, sizeof(sm->sparse_backing), "%s",
		 pmem_backing_name(sim->pmem.backing));
	if (xfs_mkfs(&sim->pmem, &o, &mp, err, sizeof(err)))
		die("1 TiB mkfs: %s", err);
	sim->sb = &mp->m_super;
	sm->sparse_mkfs_rss = rss_bytes() - rss1;
	sm->sparse_mkfs_malloc = malloc_bytes() - m1;
	if (sim->memmap.sections_populated)
		die("mkfs populated %llu memmap sections",
		    (unsigned long long)sim->memmap.sections_populated);
	sim_world_destroy(&w);
}

void sim_memory_measure(struct sim_memory *sm, uint64_t npages)
{
	struct bench_world bw;
	struct xfs_inode *ip;
	struct file *f;
	struct vm_area_struct *vma;
	struct mm_struct *mm;
	uint64_t m0, pg0, used0, pages;
	struct share_stats st;
	const char *gs = getenv("G_SLICE");

	memset(sm, 0, sizeof(*sm));
	sm->exact = gs && strstr(gs, "always-malloc");
	sparse_device(sm);

	world_create(&bw, 4 * npages * PAGE_SIZE);
	mm = bw.task->mm;

	/*
	 * per pmem page: populate one section and see what it cost.  Sections
	 * are mmap()ed, not malloc()ed (memmap.c), so malloc's counters do not
	 * see them: memmap_bytes() counts what the memmap holds.
	 */
	m0 = malloc_bytes();
	{
		uint64_t mm0 = memmap_bytes(&sim->memmap);

		pfn_to_page(&sim->memmap, PMEM_PFN_BASE);
		sm->page_struct = sizeof(struct page);
		sm->page_section = (double)(memmap_bytes(&sim->memmap) - mm0 + malloc_bytes() - m0) /
				   PAGES_PER_SECTION + (double)sizeof(struct page *) / PAGES_PER_SECTION;
	}
	/* every section, so the mapped-page figures below exclude the memmap */
	for (uint64_t s = 0; s < sim->memmap.nr_sections; s++)
		pfn_to_page(&sim->memmap, PMEM_PFN_BASE + s * PAGES_PER_SECTION);

	/* per mapped page, 4 KiB PTEs */
	ip = world_file("data", npages * PAGE_SIZE, PMD_SIZE, 0xcd);
	f = world_open(ip);
	vma = world_mmap(f, npages * PAGE_SIZE, false);
	m0 = malloc_bytes();
	pg0 = mm->pgtable_bytes;
	share_ops->stats(&st);
	used0 = st.bytes;
	for (uint64_t i = 0; i < npages; i++)
		world_touch(vma->vm_start + i * PAGE_SIZE, false);
	pages = npages;
	if (VFS_I(ip)->i_mapping->nrentries != npages)
		die("expected %llu PTE entries, have %llu", (unsigned long long)npages,
		    (unsigned long long)VFS_I(ip)->i_mapping->nrentries);
	sm->mapped_pte_total = (double)(malloc_bytes() - m0) / (double)pages;
	sm->mapped_pte_pgtable = (double)(mm->pgtable_bytes - pg0) / (double)pages;
	share_ops->stats(&st);
	sm->page_design = (double)(st.bytes - used0) / (double)pages;
	sm->mapped_pte_entry = sm->mapped_pte_total - sm->mapped_pte_pgtable;
	sm->page_total = sm->page_section + sm->page_design;
	world_munmap(vma);

	/* per mapped page, 2 MiB PMDs */
	dax_delete_mapping_range(VFS_I(ip)->i_mapping, 0, XFS_MAX_FILEOFF);
	vma = world_mmap(f, npages * PAGE_SIZE, true);
	m0 = malloc_bytes();
	for (uint64_t off = 0; off < npages * PAGE_SIZE; off += PMD_SIZE)
		world_touch(vma->vm_start + off, false);
	sm->mapped_pmd_total = (double)(malloc_bytes() - m0) / (double)npages;
	world_munmap(vma);
	world_close(f);
	world_destroy(&bw);
}

int sim_memory_child(int fd, uint64_t npages)
{
	struct sim_memory sm;
	const char *p = (const char *)&sm;
	size_t left = sizeof(sm);

	sim_memory_measure(&sm, npages);
	while (left) {
		ssize_t n = write(fd, p, left);

		if (n <= 0)
			return 1;
		p += n;
		left -= (size_t)n;
	}
	close(fd);
	return 0;
}

void sim_memory_measure_exact(struct sim_memory *sm, uint64_t npages, const char *self)
{
	int fds[2], status;
	pid_t pid;
	size_t got = 0;

	fflush(stdout);
	fflush(stderr);
	if (pipe(fds) < 0)
		die("pipe: %m");
	pid = fork();
	if (pid < 0)
		die("fork: %m");
	if (pid == 0) {
		char fdarg[16], narg[32];

		close(fds[0]);
		snprintf(fdarg, sizeof(fdarg), "%d", fds[1]);
		snprintf(narg, sizeof(narg), "%llu", (unsigned long long)npages);
		setenv("G_SLICE", "always-malloc", 1);
		execl(self, self, "--memory-child", fdarg, narg, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while (got < sizeof(*sm)) {
		ssize_t n = read(fds[0], (char *)sm + got, sizeof(*sm) - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (got == sizeof(*sm) && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	fprintf(stderr, "bench: memory child failed; measuring in-process (g_slice not counted)\n");
	sim_memory_measure(sm, npages);
}
