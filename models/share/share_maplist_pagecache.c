// SPDX-License-Identifier: MIT
/*
 * The `maplist` design on the page cache: one folio per shared, written
 * block, in the page-cache slot of every (mapping, index) that reads it,
 * with the list of those owners hanging off it (LSFMM 2018's per-page
 * owner list).  The design finds the folio of a block by its block number
 * (an index of its own: the list design has no buffer cache to find it by).
 *
 * Life cycle:
 *  - read of a shared block with no slot: the block's folio (read in if
 *    there is none) goes into the slot, and the owner onto its list.
 *  - a write, page_mkwrite, unshare, truncate or invalidation of a slot:
 *    its owner leaves the list (a write gets a private copy first).
 *  - the last owner leaves: the folio goes.
 *  - the block stops being shared with one owner left: the folio becomes
 *    that owner's own folio (no copy, no slot change).
 */
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>

#include "bug.h"
#include "fs.h"
#include "pagemap.h"
#include "pmem.h"
#include "share.h"
#include "sim.h"
#include "trace.h"

struct ml_folio {
	uint64_t	bno;
	struct folio	*folio;
	GArray		*owners;	/* struct share_owner, in arrival order */
};

static GTree *by_block;		/* bno -> struct ml_folio */
static uint64_t nr_records, nr_owners;

#define TREE_NODE_BYTES	48

static gint bno_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int64_t record_bytes(void)
{
	return (int64_t)(sizeof(struct ml_folio) + sizeof(GArray) + TREE_NODE_BYTES);
}

static struct ml_folio *record_lookup(uint64_t bno)
{
	return by_block ? g_tree_lookup(by_block, &bno) : NULL;
}

static void record_free(struct ml_folio *r)
{
	struct folio *folio = r->folio;

	g_tree_remove(by_block, &r->bno);
	g_array_free(r->owners, TRUE);
	nr_records--;
	pagecache_note_bytes(-record_bytes());
	folio->private = NULL;
	g_free(r);
	folio_put(folio);	/* the design's reference */
}

static int maplist_read_shared(struct address_space *mapping, pgoff_t index, struct folio **slotp)
{
	const struct share_fs_ops *fs = sim->sb->s_share_ops;
	struct share_owner o = { mapping, index };
	struct ml_folio *r;
	uint64_t bno;

	*slotp = NULL;
	if (!fs->file_block(mapping, index, &bno) || !fs->block_shared(sim->sb, bno))
		return 0;
	r = record_lookup(bno);
	if (!r) {
		struct folio *folio = folio_alloc();
		int err = pmem_submit_bio(bno, folio_address(folio), false);

		if (err) {
			folio_put(folio);
			return err;
		}
		folio->flags |= PG_FOLIO_UPTODATE | PG_FOLIO_SHARED;
		folio->index = bno;
		r = g_new0(struct ml_folio, 1);
		r->bno = bno;
		r->folio = folio;
		r->owners = g_array_new(FALSE, FALSE, sizeof(struct share_owner));
		folio->private = r;
		if (!by_block)
			by_block = g_tree_new_full(bno_cmp, NULL, NULL, NULL);
		g_tree_insert(by_block, &r->bno, r);
		nr_records++;
		pagecache_note_bytes(record_bytes());
		trace("block %llu read into shared folio 0x%llx", (unsigned long long)bno,
		      (unsigned long long)folio->pfn);
	}
	g_array_append_val(r->owners, o);
	nr_owners++;
	pagecache_note_bytes(sizeof(struct share_owner));
	folio_get(r->folio);	/* the slot's reference */
	trace("ino %llu index %llu: owner %u of the folio of block %llu",
	      (unsigned long long)mapping->id, (unsigned long long)index, r->owners->len,
	      (unsigned long long)bno);
	*slotp = r->folio;
	return 0;
}

static void maplist_release(struct address_space *mapping, pgoff_t index, struct folio *slot)
{
	struct ml_folio *r = slot->private;

	if (!(slot->flags & PG_FOLIO_SHARED) || !r)
		return;
	for (guint i = 0; i < r->owners->len; i++) {
		struct share_owner *o = &g_array_index(r->owners, struct share_owner, i);

		if (o->mapping == mapping && o->index == index) {
			g_array_remove_index(r->owners, i);
			nr_owners--;
			pagecache_note_bytes(-(int64_t)sizeof(struct share_owner));
			break;
		}
	}
	if (!r->owners->len)
		record_free(r);
}

static void maplist_unshared(uint64_t bno, uint64_t nr)
{
	const struct share_fs_ops *fs;

	if (!nr_records)
		return;
	fs = sim->sb->s_share_ops;
	for (uint64_t b = bno; b < bno + nr; b++) {
		struct ml_folio *r = record_lookup(b);
		struct share_owner o;

		if (!r || r->owners->len != 1 || fs->block_shared(sim->sb, b))
			continue;
		/* the last owner keeps the folio as its own */
		o = g_array_index(r->owners, struct share_owner, 0);
		trace("ino %llu index %llu: block %llu unshared, folio 0x%llx is the file's own",
		      (unsigned long long)o.mapping->id, (unsigned long long)o.index,
		      (unsigned long long)b, (unsigned long long)r->folio->pfn);
		r->folio->flags &= ~PG_FOLIO_SHARED;
		r->folio->mapping = o.mapping;
		r->folio->index = o.index;
		g_array_set_size(r->owners, 0);
		nr_owners--;
		pagecache_note_bytes(-(int64_t)sizeof(struct share_owner));
		record_free(r);
	}
}

/* P-maplist on the page cache -------------------------------------------- */
struct pc_check {
	void (*report)(const char *id, const char *msg, void *arg);
	void *arg;
	GHashTable *seen;	/* record -> owners seen in slots (lookups only) */
};

static void preport(struct pc_check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void preport(struct pc_check *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->report("P-maplist", msg, c->arg);
}

static bool check_slot(struct address_space *mapping, pgoff_t index, struct folio *slot, void *arg)
{
	struct pc_check *c = arg;
	const struct share_fs_ops *fs = sim->sb->s_share_ops;
	struct ml_folio *r = slot->private;
	bool listed = false;
	uint64_t bno;

	if (!(slot->flags & PG_FOLIO_SHARED))
		return true;
	if (!r) {
		preport(c, "page cache: ino %llu index %llu holds a shared folio without an owner list",
			(unsigned long long)mapping->id, (unsigned long long)index);
		return true;
	}
	g_hash_table_insert(c->seen, r, GSIZE_TO_POINTER(GPOINTER_TO_SIZE(g_hash_table_lookup(c->seen, r)) + 1));
	for (guint i = 0; i < r->owners->len; i++) {
		struct share_owner *o = &g_array_index(r->owners, struct share_owner, i);

		listed |= o->mapping == mapping && o->index == index;
	}
	if (!listed)
		preport(c, "page cache: ino %llu index %llu holds the folio of block %llu but is not on its list",
			(unsigned long long)mapping->id, (unsigned long long)index,
			(unsigned long long)r->bno);
	if (!fs->file_block(mapping, index, &bno) || bno != r->bno)
		preport(c, "page cache: ino %llu index %llu holds the folio of block %llu but maps another block",
			(unsigned long long)mapping->id, (unsigned long long)index,
			(unsigned long long)r->bno);
	return true;
}

static bool check_inode_slots(struct inode *inode, void *arg)
{
	filemap_walk(inode->i_mapping, 0, UINT64_MAX >> PAGE_SHIFT, check_slot, arg);
	return true;
}

static gboolean check_record(gpointer k, gpointer v, gpointer d)
{
	struct pc_check *c = d;
	struct ml_folio *r = v;
	uint64_t seen = GPOINTER_TO_SIZE(g_hash_table_lookup(c->seen, r));

	if (seen != r->owners->len)
		preport(c, "page cache: the folio of block %llu lists %u owners but %llu slots hold it",
			(unsigned long long)r->bno, r->owners->len, (unsigned long long)seen);
	if (r->folio->flags & PG_FOLIO_DIRTY)
		preport(c, "page cache: the shared folio of block %llu is dirty", (unsigned long long)r->bno);
	if (r->owners->len == 1 && !sim->sb->s_share_ops->block_shared(sim->sb, r->bno))
		preport(c, "page cache: block %llu is no longer shared but its folio is still listed",
			(unsigned long long)r->bno);
	return FALSE;
}

static void maplist_pc_check(void (*report)(const char *id, const char *msg, void *arg), void *arg)
{
	struct pc_check c = { report, arg, g_hash_table_new(g_direct_hash, g_direct_equal) };

	if (sim->sb) {
		sb_for_each_inode(sim->sb, check_inode_slots, &c);
		if (by_block)
			g_tree_foreach(by_block, check_record, &c);
	}
	g_hash_table_destroy(c.seen);
}

static uint64_t maplist_pc_bytes(void)
{
	return nr_records * (uint64_t)record_bytes() + nr_owners * sizeof(struct share_owner);
}

static gboolean free_record(gpointer k, gpointer v, gpointer d)
{
	g_array_free(((struct ml_folio *)v)->owners, TRUE);
	g_free(v);
	return FALSE;
}

/* After the machine is gone (its folios with it): only the records are left to free. */
static void maplist_pc_destroy(void)
{
	if (by_block) {
		g_tree_foreach(by_block, free_record, NULL);
		g_tree_destroy(by_block);
	}
	by_block = NULL;
	nr_records = nr_owners = 0;
}

const struct filemap_share_ops maplist_pagecache_ops = {
	.read_shared	= maplist_read_shared,
	.release	= maplist_release,
	.unshared	= maplist_unshared,
	.check		= maplist_pc_check,
	.bytes		= maplist_pc_bytes,
	.destroy	= maplist_pc_destroy,
};
