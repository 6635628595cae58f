// SPDX-License-Identifier: MIT
/*
 * The reference byte model: sparse 4 KiB chunks per file, indexed in
 * segments of 512 (2 MiB).  A clone shares what it copies whole: a
 * segment (a reference count on the segment, which is copied, as an array
 * of chunk references, on the next store into it through either file), or
 * else a chunk (a reference count, copied on the next store).  A thousand
 * snapshots of a 64 MiB file cost a thousand trees of 32 segment
 * references, not a thousand copies of its bytes nor of its 16,384 chunk
 * references (generic/333 makes thousands of them).
 */
#include <glib.h>
#include <string.h>

#include "refmodel.h"

#define SEG_SHIFT	9
#define SEG_CHUNKS	(1U << SEG_SHIFT)
#define SEG_BYTES	((uint64_t)SEG_CHUNKS << PAGE_SHIFT)

struct ref_chunk {
	guint		refs;
	unsigned char	data[PAGE_SIZE];
};

struct ref_seg {
	guint			refs;
	guint			nr;		/* chunks present */
	struct ref_chunk	*c[SEG_CHUNKS];
};

struct ref_file {
	uint64_t size;
	GTree *segs;		/* segment index -> ref_seg */
};

struct refmodel {
	GTree *files;		/* ino -> ref_file */
};

/* What the models of a process hold (every refmodel shares the chunks it copies). */
static struct ref_stats stats;

void ref_get_stats(struct ref_stats *st)
{
	*st = stats;
}

static gint u64_cmp(gconstpointer a, gconstpointer b, gpointer u)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void chunk_put(struct ref_chunk *c)
{
	if (c && !--c->refs) {
		g_free(c);
		stats.chunks--;
	}
}

static void seg_put(gpointer p)
{
	struct ref_seg *s = p;

	if (--s->refs)
		return;
	for (guint i = 0; i < SEG_CHUNKS && s->nr; i++)
		if (s->c[i]) {
			chunk_put(s->c[i]);
			s->nr--;
		}
	g_free(s);
	stats.segs--;
}

static void ref_file_free(gpointer p)
{
	struct ref_file *f = p;

	g_tree_destroy(f->segs);
	g_free(f);
}

struct refmodel *refmodel_create(void)
{
	struct refmodel *rm = g_new0(struct refmodel, 1);

	rm->files = g_tree_new_full(u64_cmp, NULL, g_free, ref_file_free);
	return rm;
}

void refmodel_destroy(struct refmodel *rm)
{
	if (!rm)
		return;
	g_tree_destroy(rm->files);
	g_free(rm);
}

static struct ref_file *get(struct refmodel *rm, uint64_t ino)
{
	struct ref_file *f = g_tree_lookup(rm->files, &ino);

	if (!f) {
		uint64_t *k = g_new(uint64_t, 1);

		*k = ino;
		f = g_new0(struct ref_file, 1);
		f->segs = g_tree_new_full(u64_cmp, NULL, g_free, seg_put);
		g_tree_insert(rm->files, k, f);
	}
	return f;
}

/* Put @seg (its reference is the caller's) at segment index @sidx of @f. */
static void seg_insert(struct ref_file *f, uint64_t sidx, struct ref_seg *seg)
{
	uint64_t *k = g_new(uint64_t, 1);

	*k = sidx;
	g_tree_insert(f->segs, k, seg);		/* drops the segment that was there */
}

/* Segment @sidx of @f to change: made (when @alloc) or unshared first. */
static struct ref_seg *seg_w(struct ref_file *f, uint64_t sidx, bool alloc)
{
	struct ref_seg *s = g_tree_lookup(f->segs, &sidx);

	if (!s && !alloc)
		return NULL;
	if (!s || s->refs > 1) {
		struct ref_seg *n = s ? g_memdup2(s, sizeof(*s)) : g_new0(struct ref_seg, 1);

		n->refs = 1;
		stats.segs++;
		for (guint i = 0; s && i < SEG_CHUNKS; i++)
			if (n->c[i])
				n->c[i]->refs++;
		seg_insert(f, sidx, n);
		s = n;
	}
	return s;
}

/* The chunk at @idx, or NULL (a hole). */
static struct ref_chunk *chunk_at(struct ref_file *f, uint64_t idx)
{
	uint64_t sidx = idx >> SEG_SHIFT;
	struct ref_seg *s = g_tree_lookup(f->segs, &sidx);

	return s ? s->c[idx & (SEG_CHUNKS - 1)] : NULL;
}

/* Put @c (its reference is the caller's; NULL: a hole) at @idx of @f. */
static void chunk_set(struct ref_file *f, uint64_t idx, struct ref_chunk *c)
{
	uint64_t sidx = idx >> SEG_SHIFT;
	struct ref_seg *s = seg_w(f, sidx, c != NULL);
	struct ref_chunk **slot;

	if (!s)
		return;
	slot = &s->c[idx & (SEG_CHUNKS - 1)];
	s->nr += (c != NULL) - (*slot != NULL);
	chunk_put(*slot);
	*slot = c;
	if (!s->nr)
		g_tree_remove(f->segs, &sidx);
}

/* The bytes of chunk @idx to read, or NULL (a hole). */
static const unsigned char *chunk(struct ref_file *f, uint64_t idx)
{
	struct ref_chunk *c = chunk_at(f, idx);

	return c ? c->data : NULL;
}

/*
 * The bytes of chunk @idx to write: made (when @alloc) or unshared first.
 * A new chunk is zeroed unless the caller writes all of it (@whole).
 */
static unsigned char *chunk_w(struct ref_file *f, uint64_t idx, bool alloc, bool whole)
{
	struct ref_chunk *c = chunk_at(f, idx), **slot;
	struct ref_seg *s;

	if (!c && !alloc)
		return NULL;
	/* a chunk of a shared segment is shared too: unshare the segment first */
	s = seg_w(f, idx >> SEG_SHIFT, true);
	slot = &s->c[idx & (SEG_CHUNKS - 1)];
	c = *slot;
	if (!c || c->refs > 1) {
		struct ref_chunk *n = c ? (whole ? g_new(struct ref_chunk, 1) : g_memdup2(c, sizeof(*c))) :
				      whole ? g_new(struct ref_chunk, 1) : g_new0(struct ref_chunk, 1);

		n->refs = 1;
		stats.chunks++;
		s->nr += !c;
		chunk_put(c);
		*slot = c = n;
	}
	return c->data;
}

/* Drop the whole chunks [first, last) of @f. */
static void chunks_clear(struct ref_file *f, uint64_t first, uint64_t last)
{
	uint64_t sfirst = first >> SEG_SHIFT;
	GArray *keys = g_array_new(FALSE, FALSE, sizeof(uint64_t));

	for (GTreeNode *n = g_tree_lower_bound(f->segs, &sfirst); n; n = g_tree_node_next(n)) {
		uint64_t k = *(uint64_t *)g_tree_node_key(n);

		if (k << SEG_SHIFT >= last)
			break;
		g_array_append_val(keys, k);
	}
	for (guint i = 0; i < keys->len; i++) {
		uint64_t k = g_array_index(keys, uint64_t, i);
		uint64_t s0 = MAX(k << SEG_SHIFT, first), s1 = MIN((k + 1) << SEG_SHIFT, last);

		if (s0 == k << SEG_SHIFT && s1 == (k + 1) << SEG_SHIFT) {
			g_tree_remove(f->segs, &k);
			continue;
		}
		for (uint64_t idx = s0; idx < s1; idx++)
			if (chunk_at(f, idx))
				chunk_set(f, idx, NULL);
	}
	g_array_free(keys, TRUE);
}

uint64_t ref_size(struct refmodel *rm, uint64_t ino)
{
	return get(rm, ino)->size;
}

void ref_set_size(struct refmodel *rm, uint64_t ino, uint64_t size)
{
	get(rm, ino)->size = size;
}

/* Zero [off, off + len): whole chunks are dropped, O(log n + chunks). */
static void store_zero(struct ref_file *f, uint64_t off, uint64_t len)
{
	uint64_t end = off + len, first = ALIGN_UP(off, PAGE_SIZE) >> PAGE_SHIFT;
	uint64_t last = end >> PAGE_SHIFT;	/* whole chunks are [first, last) */

	if (!len)
		return;
	if (first > last) {			/* inside one chunk */
		unsigned char *c = chunk_w(f, off >> PAGE_SHIFT, false, false);

		if (c)
			memset(c + (off & (PAGE_SIZE - 1)), 0, len);
		return;
	}
	if (off & (PAGE_SIZE - 1)) {
		unsigned char *c = chunk_w(f, off >> PAGE_SHIFT, false, false);

		if (c)
			memset(c + (off & (PAGE_SIZE - 1)), 0, PAGE_SIZE - (off & (PAGE_SIZE - 1)));
	}
	if (end & (PAGE_SIZE - 1)) {
		unsigned char *c = chunk_w(f, last, false, false);

		if (c)
			memset(c, 0, end & (PAGE_SIZE - 1));
	}
	chunks_clear(f, first, last);
}

/* buf NULL: store zeros. */
static void store(struct ref_file *f, uint64_t off, const unsigned char *buf, uint64_t len)
{
	uint64_t done = 0;

	if (!buf) {
		store_zero(f, off, len);
		return;
	}
	while (done < len) {
		uint64_t p = off + done, idx = p >> PAGE_SHIFT, o = p & (PAGE_SIZE - 1);
		uint64_t n = MIN(len - done, PAGE_SIZE - o);

		memcpy(chunk_w(f, idx, true, n == PAGE_SIZE) + o, buf + done, n);
		done += n;
	}
}

void ref_store(struct refmodel *rm, uint64_t ino, uint64_t off, const void *buf, uint64_t len)
{
	store(get(rm, ino), off, buf, len);
}

void ref_write(struct refmodel *rm, uint64_t ino, uint64_t off, const void *buf, uint64_t len)
{
	struct ref_file *f = get(rm, ino);

	if (off > f->size)
		store(f, f->size, NULL, off - f->size);
	store(f, off, buf, len);
	if (off + len > f->size)
		f->size = off + len;
}

void ref_read(struct refmodel *rm, uint64_t ino, uint64_t off, void *buf, uint64_t len)
{
	struct ref_file *f = get(rm, ino);
	unsigned char *out = buf;
	uint64_t done = 0;

	while (done < len) {
		uint64_t p = off + done, idx = p >> PAGE_SHIFT, o = p & (PAGE_SIZE - 1);
		uint64_t n = MIN(len - done, PAGE_SIZE - o);
		const unsigned char *c = chunk(f, idx);

		if (c)
			memcpy(out + done, c + o, n);
		else
			memset(out + done, 0, n);
		done += n;
	}
}

void ref_zero(struct refmodel *rm, uint64_t ino, uint64_t off, uint64_t len)
{
	store(get(rm, ino), off, NULL, len);
}

void ref_truncate(struct refmodel *rm, uint64_t ino, uint64_t newsize)
{
	struct ref_file *f = get(rm, ino);

	if (newsize > f->size) {
		store(f, f->size, NULL, newsize - f->size);
	} else if (newsize < f->size) {
		store(f, newsize, NULL, ALIGN_UP(newsize, PAGE_SIZE) - newsize);
		chunks_clear(f, (newsize + PAGE_SIZE - 1) >> PAGE_SHIFT, UINT64_MAX >> PAGE_SHIFT);
	}
	f->size = newsize;
}

/*
 * Value semantics of a clone: dst[doff..] = src[soff..], holes included.
 * Whole chunks at page-aligned offsets on both sides are shared.
 */
struct ref_piece {
	uint64_t	at;		/* source offset */
	int		kind;		/* PIECE_SEG, PIECE_CHUNK, PIECE_BYTES */
	void		*p;
};
enum { PIECE_SEG, PIECE_CHUNK, PIECE_BYTES };

void ref_copy(struct refmodel *rm, uint64_t src, uint64_t soff, uint64_t dst,
	      uint64_t doff, uint64_t len)
{
	struct ref_file *sf = get(rm, src), *df = get(rm, dst);
	uint64_t first = soff >> PAGE_SHIFT, endc = (soff + len + PAGE_SIZE - 1) >> PAGE_SHIFT;
	uint64_t sfirst = first >> SEG_SHIFT;
	bool aligned = !((soff | doff) & (PAGE_SIZE - 1));
	bool seg_aligned = !((soff | doff) & (SEG_BYTES - 1));
	GArray *pieces = g_array_new(FALSE, FALSE, sizeof(struct ref_piece));

	/* take references to the source's data first: src may be dst */
	for (GTreeNode *n = g_tree_lower_bound(sf->segs, &sfirst); n; n = g_tree_node_next(n)) {
		uint64_t sk = *(uint64_t *)g_tree_node_key(n);
		struct ref_seg *seg = g_tree_node_value(n);

		if (sk << SEG_SHIFT >= endc)
			break;
		if (seg_aligned && sk << SEG_SHIFT >= first && (sk + 1) * SEG_BYTES <= soff + len) {
			seg->refs++;
			g_array_append_val(pieces, ((struct ref_piece){ sk * SEG_BYTES, PIECE_SEG, seg }));
			continue;
		}
		for (uint64_t k = MAX(sk << SEG_SHIFT, first); k < MIN((sk + 1) << SEG_SHIFT, endc); k++) {
			struct ref_chunk *c = seg->c[k & (SEG_CHUNKS - 1)];
			uint64_t s0 = MAX(k << PAGE_SHIFT, soff), s1 = MIN((k + 1) << PAGE_SHIFT, soff + len);
			struct ref_piece pc = { s0, PIECE_CHUNK, c };

			if (!c || s0 >= s1)
				continue;
			if (aligned && s1 - s0 == PAGE_SIZE) {
				c->refs++;	/* held across store_zero, then dst's */
			} else {
				pc.kind = PIECE_BYTES;
				pc.p = g_memdup2(c->data + (s0 & (PAGE_SIZE - 1)), s1 - s0);
			}
			g_array_append_val(pieces, pc);
		}
	}
	store_zero(df, doff, len);
	for (guint i = 0; i < pieces->len; i++) {
		struct ref_piece *pc = &g_array_index(pieces, struct ref_piece, i);
		uint64_t to = doff + (pc->at - soff);

		if (pc->kind == PIECE_SEG) {
			seg_insert(df, to / SEG_BYTES, pc->p);	/* store_zero left none there */
		} else if (pc->kind == PIECE_CHUNK) {
			chunk_set(df, to >> PAGE_SHIFT, pc->p);
		} else {
			store(df, to, pc->p, MIN(ALIGN_DOWN(pc->at, PAGE_SIZE) + PAGE_SIZE, soff + len) - pc->at);
			g_free(pc->p);
		}
	}
	g_array_free(pieces, TRUE);
}

void ref_delete(struct refmodel *rm, uint64_t ino)
{
	g_tree_remove(rm->files, &ino);
}

void ref_md5(struct refmodel *rm, uint64_t ino, char out[33])
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_MD5);
	unsigned char *buf = g_malloc(PAGE_SIZE);
	uint64_t size = ref_size(rm, ino);

	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		uint64_t n = MIN(PAGE_SIZE, size - off);

		ref_read(rm, ino, off, buf, n);
		g_checksum_update(ck, buf, (gssize)n);
	}
	g_strlcpy(out, g_checksum_get_string(ck), 33);
	g_checksum_free(ck);
	g_free(buf);
}

/*
 * fcollapse (@insert false) / finsert over page-aligned @off and @len: the
 * bytes from off + len (collapse) or off (insert) move down or up by len.
 */
void ref_shift(struct refmodel *rm, uint64_t ino, uint64_t off, uint64_t len, bool insert)
{
	struct ref_file *f = get(rm, ino);
	uint64_t first = off >> PAGE_SHIFT, n = len >> PAGE_SHIFT, sfirst = first >> SEG_SHIFT;
	GArray *idx = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	GPtrArray *chunks = g_ptr_array_new();

	/* take every chunk from @first on, then put each back where it moves */
	for (GTreeNode *t = g_tree_lower_bound(f->segs, &sfirst); t; t = g_tree_node_next(t)) {
		uint64_t sk = *(uint64_t *)g_tree_node_key(t);
		struct ref_seg *seg = g_tree_node_value(t);

		for (uint64_t k = MAX(sk << SEG_SHIFT, first); k < (sk + 1) << SEG_SHIFT; k++) {
			struct ref_chunk *c = seg->c[k & (SEG_CHUNKS - 1)];

			if (!c || (!insert && k < first + n))	/* the collapsed range goes */
				continue;
			c->refs++;
			g_array_append_val(idx, k);
			g_ptr_array_add(chunks, c);
		}
	}
	chunks_clear(f, first, UINT64_MAX >> PAGE_SHIFT);
	for (guint i = 0; i < idx->len; i++) {
		uint64_t k = g_array_index(idx, uint64_t, i);

		chunk_set(f, insert ? k + n : k - n, g_ptr_array_index(chunks, i));
	}
	g_array_free(idx, TRUE);
	g_ptr_array_free(chunks, TRUE);
	f->size = insert ? f->size + len : f->size - len;
}
