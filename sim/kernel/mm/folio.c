// SPDX-License-Identifier: MIT
/*
 * Page-cache folios in simulated DRAM (filemap_alloc_folio, folio_put):
 * each data folio has a pfn of its own above FOLIO_PFN_BASE, handed out
 * lowest-free-index first so pfns are deterministic, and a 4 KiB page;
 * a shadow has neither and holds a reference on its master.  The byte
 * count (struct + data, and a design's metadata it reports) and its peak
 * are what daxstat, compare and bench print as page-cache memory.
 */
#include <string.h>

#include <glib.h>

#include "bug.h"
#include "lock.h"
#include "dax.h"
#include "pagemap.h"
#include "page_ref.h"

struct folio_frame {
	struct folio	*folio;
	unsigned char	*data;
};

static GArray *frames;		/* index -> struct folio_frame, folio NULL when free */
static GArray *frames_free;	/* free indexes, reused last-freed first */
static struct pagecache_stats pcs;
static int64_t design_bytes;

static void note(int64_t delta)
{
	pcs.bytes += (uint64_t)delta;
	if (pcs.bytes + (uint64_t)design_bytes > pcs.peak_bytes)
		pcs.peak_bytes = pcs.bytes + (uint64_t)design_bytes;
}

void pagecache_note_bytes(int64_t delta)
{
	design_bytes += delta;
	note(0);
}

void pagecache_get_stats(struct pagecache_stats *st)
{
	*st = pcs;
	st->bytes += (uint64_t)design_bytes;
}

void pagecache_reset_peak(void)
{
	pcs.peak_bytes = pcs.bytes + (uint64_t)design_bytes;
}

void pagecache_reset(void)
{
	if (frames) {
		for (guint i = 0; i < frames->len; i++) {
			struct folio_frame *f = &g_array_index(frames, struct folio_frame, i);

			g_free(f->folio);
			g_free(f->data);
		}
		g_array_free(frames, TRUE);
		g_array_free(frames_free, TRUE);
	}
	frames = frames_free = NULL;
	pcs = (struct pagecache_stats){ 0 };
	design_bytes = 0;
}

struct folio *folio_alloc(void)
{
	struct folio *folio = g_new0(struct folio, 1);
	struct folio_frame fr = { folio, g_malloc0(PAGE_SIZE) };
	guint idx;

	might_alloc(GFP_NOFS);	/* mapping_gfp_mask of an XFS mapping */
	if (!frames) {
		frames = g_array_new(FALSE, FALSE, sizeof(struct folio_frame));
		frames_free = g_array_new(FALSE, FALSE, sizeof(guint));
	}
	if (frames_free->len) {
		idx = g_array_index(frames_free, guint, frames_free->len - 1);
		g_array_set_size(frames_free, frames_free->len - 1);
		g_array_index(frames, struct folio_frame, idx) = fr;
	} else {
		idx = frames->len;
		g_array_append_val(frames, fr);
	}
	folio->pfn = FOLIO_PFN_BASE + idx;
	folio->_refcount = 1;
	folio->_mapcount = -1;
	pcs.folios++;
	note(sizeof(struct folio) + PAGE_SIZE);
	return folio;
}

struct folio *folio_alloc_shadow(struct folio *master, struct address_space *mapping,
				 pgoff_t index)
{
	struct folio *s = g_new0(struct folio, 1);

	might_alloc(GFP_NOFS);
	s->flags = PG_FOLIO_SHADOW | PG_FOLIO_UPTODATE;
	s->_refcount = 1;
	s->_mapcount = -1;
	s->mapping = mapping;
	s->index = index;
	s->master = master;
	folio_get(master);
	pcs.shadows++;
	note(sizeof(struct folio));
	return s;
}

void folio_get(struct folio *folio)
{
	page_ref_inc(folio);
}

void folio_put(struct folio *folio)
{
	BUG_ON(folio->_refcount <= 0);
	if (!page_ref_dec_and_test(folio))
		return;
	BUG_ON(folio->_mapcount >= 0 || (folio->flags & PG_FOLIO_LOCKED));
	if (folio->flags & PG_FOLIO_SHADOW) {
		struct folio *master = folio->master;

		pcs.shadows--;
		note(-(int64_t)sizeof(struct folio));
		g_free(folio);
		folio_put(master);
		return;
	}
	guint idx = (guint)(folio->pfn - FOLIO_PFN_BASE);
	struct folio_frame *fr = &g_array_index(frames, struct folio_frame, idx);

	g_free(fr->data);
	fr->data = NULL;
	fr->folio = NULL;
	g_array_append_val(frames_free, idx);
	pcs.folios--;
	note(-(int64_t)(sizeof(struct folio) + PAGE_SIZE));
	g_free(folio);
}

static struct folio_frame *frame_of(pfn_t pfn)
{
	guint idx = (guint)(pfn - FOLIO_PFN_BASE);

	BUG_ON(!frames || pfn < FOLIO_PFN_BASE || idx >= frames->len);
	BUG_ON(!g_array_index(frames, struct folio_frame, idx).folio);
	return &g_array_index(frames, struct folio_frame, idx);
}

struct folio *pfn_folio(pfn_t pfn)
{
	return frame_of(pfn)->folio;
}

unsigned char *folio_address(const struct folio *folio)
{
	return frame_of(folio_resolve((struct folio *)folio)->pfn)->data;
}

/*
 * The folio lock: one instance per folio (its pfn); a shadow is a
 * struct page of its own, so it is locked where it sits, by (mapping, index).
 */
static uint64_t folio_lock_inst(struct folio *folio, struct address_space *mapping,
				pgoff_t index)
{
	if (folio->flags & PG_FOLIO_SHADOW)
		return dax_entry_lock_inst(mapping->id, index);
	return folio->pfn;
}

void folio_lock(struct folio *folio, struct address_space *mapping, pgoff_t index)
{
	lock_acquire(&lc_folio_lock, folio_lock_inst(folio, mapping, index), LOCK_EXCL, 0,
		     __func__);
	BUG_ON(folio->flags & PG_FOLIO_LOCKED);
	folio->flags |= PG_FOLIO_LOCKED;
}

void folio_unlock(struct folio *folio, struct address_space *mapping, pgoff_t index)
{
	BUG_ON(!(folio->flags & PG_FOLIO_LOCKED));
	folio->flags &= ~PG_FOLIO_LOCKED;
	lock_release(&lc_folio_lock, folio_lock_inst(folio, mapping, index), __func__);
}
