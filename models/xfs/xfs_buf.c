// SPDX-License-Identifier: MIT
/*
 * The buffer cache (see xfs_buf.h), per AG as XFS keeps it (xfs_buf_cache in
 * each xfs_perag, an rhashtable keyed by daddr):
 *
 *   - a hash table keyed by daddr answers xfs_buf_incore() and the hit path
 *     of xfs_buf_get() in O(1): open addressing, linear probing, power-of-two
 *     size, a multiplicative hash and deletion by backward shift (no
 *     tombstones).  A slot holds daddr and length beside the buffer
 *     pointer, so a lookup reads one slot and no buffer.  The table is
 *     allocated at the AG's first buffer and freed with its last.  It is
 *     never iterated: no hash order can reach output or a decision.
 *   - an ordered index (a GTree by daddr) serves the only iteration,
 *     xfs_buf_walk_range(), in daddr order: AG by AG, each AG's tree in
 *     order.  A buffer is at most a PMD (4096 sectors) long, so the buffers
 *     that can overlap a range start at most that far before it.
 *
 * A buffer belongs to the AG of its first block.
 */
#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "xfs_alloc.h"
#include "xfs_buf.h"
#include "xfs_mount.h"

#define XFS_BUF_MAX_SECTORS	((xfs_daddr_t)PMD_SIZE >> 9)
#define XFS_BUF_HASH_MIN	64		/* slots of an AG's first table */
#define XFS_BUF_EMPTY		((xfs_daddr_t)-1)

struct xfs_buf_slot {
	xfs_daddr_t	daddr;		/* XFS_BUF_EMPTY: free */
	uint32_t	length;		/* bp->b_share.b_length: a lookup reads no buffer */
	struct xfs_buf	*bp;
};

struct xfs_buf_ag {
	struct xfs_buf_slot *slots;	/* NULL until the AG caches a buffer */
	uint64_t	mask;		/* nslots - 1 */
	unsigned int	shift;		/* 64 - log2(nslots) */
	uint64_t	count;
	GTree		*order;		/* daddr -> xfs_buf: walks (owns the buffers) */
};

struct xfs_buf_cache {
	uint64_t	agblocks;	/* AG size in blocks (the allocator's) */
	uint32_t	agcount;
	uint64_t	count;
	struct xfs_buf_ag ag[];
};

static gint daddr_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
	xfs_daddr_t x = *(const xfs_daddr_t *)a, y = *(const xfs_daddr_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Fibonacci hashing of the block number: daddr rotated right by the sector
 * bits of a block (block-aligned keys lose no bits, others keep theirs),
 * times 2^64/phi; the top bits pick the slot.  Consecutive blocks land in
 * distinct slots, so the masters of a file's extents never collide.
 */
static inline uint64_t buf_hash(xfs_daddr_t daddr)
{
	const unsigned int r = PAGE_SHIFT - 9;
	uint64_t k = (uint64_t)daddr;

	return ((k >> r) | (k << (64 - r))) * 0x9e3779b97f4a7c15ULL;
}

static inline struct xfs_buf_ag *buf_ag(struct xfs_buf_cache *bc, xfs_daddr_t daddr)
{
	uint64_t agno = daddr < 0 ? 0 : XFS_DADDR_TO_FSB(daddr) / bc->agblocks;

	return &bc->ag[agno < bc->agcount ? agno : bc->agcount - 1];
}

static inline uint32_t buf_agno(struct xfs_buf_cache *bc, struct xfs_buf_ag *ag)
{
	return (uint32_t)(ag - bc->ag);
}

/* The hash's top log2(nslots) bits pick the home slot. */
static inline uint64_t slot_of(const struct xfs_buf_ag *ag, xfs_daddr_t daddr)
{
	return buf_hash(daddr) >> ag->shift;
}

/*
 * A table of 2 MiB or more is 2 MiB aligned and asks for huge pages: a random
 * probe then costs one cache miss, not a TLB miss and a page walk as well.
 */
#define SLOTS_HUGE	(2UL << 20)

static struct xfs_buf_slot *slots_new(uint64_t nslots)
{
	size_t bytes = nslots * sizeof(struct xfs_buf_slot);
	void *p;

	if (bytes < SLOTS_HUGE)
		p = malloc(bytes);
	else if (posix_memalign(&p, SLOTS_HUGE, bytes))
		p = NULL;
	if (!p)
		g_error("xfs_buf: out of memory for %zu bytes", bytes);
	if (bytes < SLOTS_HUGE)
		return p;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}

static void slots_alloc(struct xfs_buf_ag *ag, uint64_t nslots)
{
	unsigned int bits = 0;

	while ((1ULL << bits) < nslots)
		bits++;
	ag->shift = 64 - bits;
	ag->slots = slots_new(nslots);
	for (uint64_t i = 0; i < nslots; i++)
		ag->slots[i].daddr = XFS_BUF_EMPTY;
	ag->mask = nslots - 1;
}

static void hash_insert(struct xfs_buf_ag *ag, struct xfs_buf *bp)
{
	uint64_t i = slot_of(ag, bp->b_share.b_daddr);

	while (ag->slots[i].daddr != XFS_BUF_EMPTY)
		i = (i + 1) & ag->mask;
	ag->slots[i].daddr = bp->b_share.b_daddr;
	ag->slots[i].length = bp->b_share.b_length;
	ag->slots[i].bp = bp;
	ag->count++;
}

/* Double the table when it would pass 3/4 full (short probe runs). */
static void hash_grow(struct xfs_buf_ag *ag)
{
	struct xfs_buf_slot *old = ag->slots;
	uint64_t n = ag->mask + 1;

	slots_alloc(ag, n * 2);
	ag->count = 0;
	for (uint64_t i = 0; i < n; i++)
		if (old[i].daddr != XFS_BUF_EMPTY)
			hash_insert(ag, old[i].bp);
	free(old);
}

static struct xfs_buf_slot *hash_find(const struct xfs_buf_ag *ag, xfs_daddr_t daddr)
{
	uint64_t i;

	if (!ag->slots)
		return NULL;
	i = slot_of(ag, daddr);
	for (;;) {
		struct xfs_buf_slot *s = &ag->slots[i];

		if (s->daddr == daddr)
			return s;
		if (s->daddr == XFS_BUF_EMPTY)
			return NULL;
		i = (i + 1) & ag->mask;
	}
}

/* Linear probing's deletion: shift later members of the run back into the hole. */
static void hash_remove(struct xfs_buf_ag *ag, struct xfs_buf_slot *s)
{
	uint64_t hole = (uint64_t)(s - ag->slots), i = hole;

	for (;;) {
		uint64_t home;

		i = (i + 1) & ag->mask;
		if (ag->slots[i].daddr == XFS_BUF_EMPTY)
			break;
		home = slot_of(ag, ag->slots[i].daddr);
		/* move i to the hole unless its home lies cyclically in (hole, i] */
		if (((i - home) & ag->mask) >= ((i - hole) & ag->mask)) {
			ag->slots[hole] = ag->slots[i];
			hole = i;
		}
	}
	ag->slots[hole].daddr = XFS_BUF_EMPTY;
	ag->slots[hole].bp = NULL;
	ag->count--;
}

void xfs_buf_cache_init(struct xfs_mount *mp)
{
	uint32_t agcount = mp->m_opts.agcount ? mp->m_opts.agcount : 1;
	struct xfs_buf_cache *bc = g_malloc0(sizeof(*bc) + agcount * sizeof(bc->ag[0]));

	bc->agcount = agcount;
	bc->agblocks = xfs_alloc_agblocks(mp->m_alloc);
	if (!bc->agblocks)
		bc->agblocks = UINT64_MAX;
	for (uint32_t agno = 0; agno < agcount; agno++) {
		bc->ag[agno].order = g_tree_new_full(daddr_cmp, NULL, NULL, g_free);
	}
	mp->m_bufs = bc;
}

void xfs_buf_cache_destroy(struct xfs_mount *mp)
{
	struct xfs_buf_cache *bc = mp->m_bufs;

	for (uint32_t agno = 0; agno < bc->agcount; agno++) {
		g_tree_destroy(bc->ag[agno].order);
		free(bc->ag[agno].slots);
	}
	g_free(bc);
	mp->m_bufs = NULL;
}

struct xfs_buf *xfs_buf_incore(struct xfs_mount *mp, xfs_daddr_t daddr, uint32_t length)
{
	struct xfs_buf_slot *s;

	if (daddr == XFS_BUF_EMPTY)
		return NULL;
	s = hash_find(buf_ag(mp->m_bufs, daddr), daddr);
	return s && s->length == length ? s->bp : NULL;
}

void xfs_buf_walk_range(struct xfs_mount *mp, xfs_daddr_t daddr, uint64_t length,
			bool (*fn)(struct xfs_buf *bp, void *arg), void *arg)
{
	struct xfs_buf_cache *bc = mp->m_bufs;
	xfs_daddr_t from = daddr > XFS_BUF_MAX_SECTORS ? daddr - XFS_BUF_MAX_SECTORS + 1 : 0;
	xfs_daddr_t end = length > (uint64_t)(INT64_MAX - daddr) ? INT64_MAX :
			  daddr + (xfs_daddr_t)length;

	for (uint32_t agno = buf_agno(bc, buf_ag(bc, from)); agno < bc->agcount; agno++) {
		GTreeNode *n;

		/* an AG that starts at or after the end holds nothing in range */
		if (agno && bc->agblocks <= (uint64_t)INT64_MAX >> 12 &&
		    XFS_FSB_TO_DADDR((uint64_t)agno * bc->agblocks) >= end)
			return;
		n = g_tree_lower_bound(bc->ag[agno].order, &from);

		while (n) {
			struct xfs_buf *bp = g_tree_node_value(n);
			GTreeNode *next = g_tree_node_next(n);	/* fn may release bp */

			if (bp->b_share.b_daddr >= end)
				return;
			if (bp->b_share.b_daddr + bp->b_share.b_length > daddr && !fn(bp, arg))
				return;
			n = next;
		}
	}
}

static bool find_overlap(struct xfs_buf *bp, void *arg)
{
	*(struct xfs_buf **)arg = bp;
	return false;
}

int xfs_buf_get(struct xfs_mount *mp, xfs_daddr_t daddr, uint32_t length,
		struct xfs_buf **bpp)
{
	struct xfs_buf *bp = xfs_buf_incore(mp, daddr, length), *other = NULL;

	if (!bp) {
		struct xfs_buf_ag *ag;

		xfs_buf_walk_range(mp, daddr, length, find_overlap, &other);
		if (other || daddr == XFS_BUF_EMPTY)
			return -EUCLEAN;
		ag = buf_ag(mp->m_bufs, daddr);
		bp = g_new0(struct xfs_buf, 1);
		bp->b_share.b_daddr = daddr;
		bp->b_share.b_length = length;
		bp->b_share.b_pfn = PMEM_PFN_BASE + XFS_DADDR_TO_FSB(daddr);
		if (!ag->slots)
			slots_alloc(ag, XFS_BUF_HASH_MIN);
		else if ((ag->count + 1) * 4 > (ag->mask + 1) * 3)
			hash_grow(ag);
		hash_insert(ag, bp);
		g_tree_insert(ag->order, &bp->b_share.b_daddr, bp);
		mp->m_bufs->count++;
	}
	bp->b_hold++;
	*bpp = bp;
	return 0;
}

void xfs_buf_rele(struct xfs_mount *mp, struct xfs_buf *bp)
{
	struct xfs_buf_ag *ag;

	if (--bp->b_hold > 0)
		return;
	ag = buf_ag(mp->m_bufs, bp->b_share.b_daddr);
	hash_remove(ag, hash_find(ag, bp->b_share.b_daddr));
	if (!ag->count) {		/* the AG's last buffer: give the table back */
		free(ag->slots);
		ag->slots = NULL;
	}
	mp->m_bufs->count--;
	g_tree_remove(ag->order, &bp->b_share.b_daddr);	/* frees bp */
}

uint64_t xfs_buf_count(struct xfs_mount *mp)
{
	return mp->m_bufs->count;
}
