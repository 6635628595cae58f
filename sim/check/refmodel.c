// SPDX-License-Identifier: MIT
/*
 * The reference byte model: sparse 4 KiB chunks per file.  A clone shares
 * the whole chunks it copies (a reference count, copied on the next store
 * into either file), so a thousand snapshots of a file cost a thousand
 * trees, not a thousand copies of its bytes.
 */
#include <glib.h>
#include <string.h>

#include "refmodel.h"

struct ref_file {
	uint64_t size;
	GTree *chunks;		/* chunk index -> PAGE_SIZE bytes */
};

struct ref_chunk {
	guint		refs;
	unsigned char	data[PAGE_SIZE];
};

struct refmodel {
	GTree *files;		/* ino -> ref_file */
};

static gint u64_cmp(gconstpointer a, gconstpointer b, gpointer u)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void chunk_put(gpointer p)
{
	struct ref_chunk *c = p;

	if (!--c->refs)
		g_free(c);
}

static void ref_file_free(gpointer p)
{
	struct ref_file *f = p;

	g_tree_destroy(f->chunks);
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
		f->chunks = g_tree_new_full(u64_cmp, NULL, g_free, chunk_put);
		g_tree_insert(rm->files, k, f);
	}
	return f;
}

static void chunk_insert(struct ref_file *f, uint64_t idx, struct ref_chunk *c)
{
	uint64_t *k = g_new(uint64_t, 1);

	*k = idx;
	g_tree_insert(f->chunks, k, c);
}

/* The bytes of chunk @idx to read, or NULL (a hole). */
static const unsigned char *chunk(struct ref_file *f, uint64_t idx)
{
	struct ref_chunk *c = g_tree_lookup(f->chunks, &idx);

	return c ? c->data : NULL;
}

/*
 * The bytes of chunk @idx to write: made (when @alloc) or unshared first.
 * A new chunk is zeroed unless the caller writes all of it (@whole).
 */
static unsigned char *chunk_w(struct ref_file *f, uint64_t idx, bool alloc, bool whole)
{
	struct ref_chunk *c = g_tree_lookup(f->chunks, &idx);

	if (!c && !alloc)
		return NULL;
	if (!c || c->refs > 1) {
		struct ref_chunk *n = c ? (whole ? g_new(struct ref_chunk, 1) : g_memdup2(c, sizeof(*c))) :
				      whole ? g_new(struct ref_chunk, 1) : g_new0(struct ref_chunk, 1);

		n->refs = 1;
		chunk_insert(f, idx, n);	/* drops this file's reference to c */
		c = n;
	}
	return c->data;
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
	GArray *keys;
	GTreeNode *n;

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
	keys = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	for (n = g_tree_lower_bound(f->chunks, &first); n; n = g_tree_node_next(n)) {
		uint64_t k = *(uint64_t *)g_tree_node_key(n);

		if (k >= last)
			break;
		g_array_append_val(keys, k);
	}
	for (guint i = 0; i < keys->len; i++)
		g_tree_remove(f->chunks, &g_array_index(keys, uint64_t, i));
	g_array_free(keys, TRUE);
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

static gboolean collect_beyond(gpointer k, gpointer v, gpointer d)
{
	GArray *a = d;

	g_array_append_val(a, *(uint64_t *)k);
	return FALSE;
}

void ref_truncate(struct refmodel *rm, uint64_t ino, uint64_t newsize)
{
	struct ref_file *f = get(rm, ino);

	if (newsize > f->size) {
		store(f, f->size, NULL, newsize - f->size);
	} else if (newsize < f->size) {
		uint64_t first = (newsize + PAGE_SIZE - 1) >> PAGE_SHIFT;
		GArray *keys = g_array_new(FALSE, FALSE, sizeof(uint64_t));

		store(f, newsize, NULL, ALIGN_UP(newsize, PAGE_SIZE) - newsize);
		g_tree_foreach(f->chunks, collect_beyond, keys);
		for (guint i = 0; i < keys->len; i++)
			if (g_array_index(keys, uint64_t, i) >= first)
				g_tree_remove(f->chunks, &g_array_index(keys, uint64_t, i));
		g_array_free(keys, TRUE);
	}
	f->size = newsize;
}

/*
 * Value semantics of a clone: dst[doff..] = src[soff..], holes included.
 * Whole chunks at page-aligned offsets on both sides are shared.
 */
void ref_copy(struct refmodel *rm, uint64_t src, uint64_t soff, uint64_t dst,
	      uint64_t doff, uint64_t len)
{
	struct ref_file *sf = get(rm, src), *df = get(rm, dst);
	uint64_t first = soff >> PAGE_SHIFT, endc = (soff + len + PAGE_SIZE - 1) >> PAGE_SHIFT;
	bool aligned = !((soff | doff) & (PAGE_SIZE - 1));
	GPtrArray *pieces = g_ptr_array_new();
	GArray *at = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	GArray *whole = g_array_new(FALSE, FALSE, sizeof(bool));

	/* snapshot the source's data chunks first: src may be dst */
	for (GTreeNode *n = g_tree_lower_bound(sf->chunks, &first); n; n = g_tree_node_next(n)) {
		uint64_t k = *(uint64_t *)g_tree_node_key(n);
		uint64_t s0 = MAX(k << PAGE_SHIFT, soff), s1 = MIN((k + 1) << PAGE_SHIFT, soff + len);
		struct ref_chunk *c = g_tree_node_value(n);
		bool w = aligned && s1 - s0 == PAGE_SIZE;

		if (k >= endc)
			break;
		if (s0 >= s1)
			continue;
		if (w)
			c->refs++;	/* held across store_zero, then dst's */
		g_ptr_array_add(pieces, w ? (void *)c : g_memdup2(c->data + (s0 & (PAGE_SIZE - 1)), s1 - s0));
		g_array_append_val(at, s0);
		g_array_append_val(whole, w);
	}
	store_zero(df, doff, len);
	for (guint i = 0; i < pieces->len; i++) {
		uint64_t s0 = g_array_index(at, uint64_t, i);
		uint64_t s1 = MIN(ALIGN_DOWN(s0, PAGE_SIZE) + PAGE_SIZE, soff + len);

		if (g_array_index(whole, bool, i)) {
			chunk_insert(df, (doff + (s0 - soff)) >> PAGE_SHIFT, g_ptr_array_index(pieces, i));
			continue;
		}
		store(df, doff + (s0 - soff), g_ptr_array_index(pieces, i), s1 - s0);
		g_free(g_ptr_array_index(pieces, i));
	}
	g_ptr_array_free(pieces, TRUE);
	g_array_free(at, TRUE);
	g_array_free(whole, TRUE);
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
	uint64_t first = off >> PAGE_SHIFT, n = len >> PAGE_SHIFT;
	GPtrArray *keys = g_ptr_array_new(), *vals = g_ptr_array_new();

	for (GTreeNode *k = g_tree_lower_bound(f->chunks, &first); k; k = g_tree_node_next(k)) {
		g_ptr_array_add(keys, g_tree_node_key(k));
		g_ptr_array_add(vals, g_tree_node_value(k));
	}
	for (guint i = 0; i < keys->len; i++)
		g_tree_steal(f->chunks, g_ptr_array_index(keys, i));
	for (guint i = 0; i < keys->len; i++) {
		uint64_t *k = g_ptr_array_index(keys, i);

		if (!insert && *k < first + n) {	/* the collapsed range */
			chunk_put(g_ptr_array_index(vals, i));
			g_free(k);
			continue;
		}
		*k = insert ? *k + n : *k - n;
		g_tree_insert(f->chunks, k, g_ptr_array_index(vals, i));
	}
	g_ptr_array_free(keys, TRUE);
	g_ptr_array_free(vals, TRUE);
	f->size = insert ? f->size + len : f->size - len;
}
