// SPDX-License-Identifier: MIT
/*
 * The `shadow` design on the page cache (the seed: shadow pages "would form
 * the basis of single-copy read-only page cache pages for reflinked files").
 *
 * A shared, written block read through the page cache has one read-only
 * *master* folio, found by disk address in the filesystem's buffer cache
 * (sb->s_share_ops->buf_get: the buffer is held while the master lives,
 * and the design keeps the folio by daddr beside it, as an xfs_buf keeps
 * its pages).  Each (mapping, index) that reads the block gets a *shadow*
 * in its page-cache slot: a struct folio of its own (lock, mapping, index)
 * whose data is the master's; the PTE maps the master read-only.
 *
 * Life cycle:
 *  - read of a shared block with no slot: find or read in the master, add
 *    a shadow.  A block that is not shared is read into a private folio.
 *  - a write, page_mkwrite or unshare of the slot: the file gets a private
 *    copy (filemap_unshare_folio) and its shadow goes.
 *  - truncate, punch, invalidation, remount: the shadow goes.
 *  - the last shadow goes: the master goes (its buffer is released).
 *  - the block stops being shared while one shadow is left: the master is
 *    promoted to that file's own folio (same page, so its PTEs stay) and
 *    leaves the buffer cache.  A shadow locked at that moment (another
 *    task is in the middle of reading it), or made but not yet in its
 *    slot, is promoted when that task unlocks it.
 */
#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>

#include "bug.h"

#include "fs.h"
#include "inject.h"
#include "pagemap.h"
#include "pmem.h"
#include "share.h"
#include "sim.h"
#include "trace.h"

/* A master: the buffer that pins it in the buffer cache, and its folio. */
struct pc_master {
	struct share_buf	*bp;
	struct folio		*folio;
	uint64_t		nr_shadows;
	bool			promote;	/* unshared while its shadow was locked */
};

static GTree *masters;		/* daddr -> struct pc_master */
static uint64_t nr_masters;

/* ~48 bytes of tree node per entry as GTree allocates them */
#define TREE_NODE_BYTES	48

static uint64_t master_bytes(void)
{
	return (sim->sb ? sim->sb->s_share_ops->buf_bytes : 0) + sizeof(struct pc_master) +
	       TREE_NODE_BYTES;
}

static gint daddr_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static struct pc_master *master_lookup(int64_t daddr)
{
	return masters ? g_tree_lookup(masters, &daddr) : NULL;
}

static void master_free(struct pc_master *m)
{
	struct folio *folio = m->folio;

	trace("master daddr %lld goes (folio 0x%llx)", (long long)m->bp->b_daddr,
	      (unsigned long long)folio->pfn);
	g_tree_remove(masters, &m->bp->b_daddr);
	sim->sb->s_share_ops->buf_rele(sim->sb, m->bp);
	folio->private = NULL;
	nr_masters--;
	pagecache_note_bytes(-(int64_t)master_bytes());
	g_free(m);
	folio_put(folio);	/* the design's reference */
}

/* Read the shared block @bno into a new master folio held by a buffer. */
static int master_create(uint64_t bno, struct pc_master **mp)
{
	const struct share_fs_ops *fs = sim->sb->s_share_ops;
	struct share_buf *bp;
	struct folio *folio;
	struct pc_master *m;
	int err;

	err = fs->buf_get(sim->sb, SHARE_FSB_TO_DADDR(bno), 1U << (PAGE_SHIFT - 9), &bp);
	if (err)
		return err;
	folio = folio_alloc();
	err = pmem_submit_bio(bno, folio_address(folio), false);	/* xfs_buf_read */
	if (err) {
		folio_put(folio);
		fs->buf_rele(sim->sb, bp);
		return err;
	}
	folio->flags |= PG_FOLIO_UPTODATE | PG_FOLIO_SHARED;
	folio->index = bno;
	m = g_new0(struct pc_master, 1);
	m->bp = bp;
	m->folio = folio;
	folio->private = m;
	if (!masters)
		masters = g_tree_new_full(daddr_cmp, NULL, NULL, NULL);
	g_tree_insert(masters, &bp->b_daddr, m);
	nr_masters++;
	pagecache_note_bytes((int64_t)master_bytes());
	trace("master daddr %lld for block %llu read into folio 0x%llx", (long long)bp->b_daddr,
	      (unsigned long long)bno, (unsigned long long)folio->pfn);
	*mp = m;
	return 0;
}

static int shadow_read_shared(struct address_space *mapping, pgoff_t index, struct folio **slotp)
{
	const struct share_fs_ops *fs = sim->sb->s_share_ops;
	struct pc_master *m;
	uint64_t bno;
	int err;

	*slotp = NULL;
	if (!fs->file_block(mapping, index, &bno) || !fs->block_shared(sim->sb, bno))
		return 0;
	m = master_lookup(SHARE_FSB_TO_DADDR(bno));
	if (!m && (err = master_create(bno, &m)))
		return err;
	*slotp = folio_alloc_shadow(m->folio, mapping, index);
	m->nr_shadows++;
	trace("ino %llu index %llu: shadow of master daddr %lld", (unsigned long long)mapping->id,
	      (unsigned long long)index, (long long)m->bp->b_daddr);
	return 0;
}

static void shadow_release(struct address_space *mapping, pgoff_t index, struct folio *slot)
{
	struct pc_master *m;

	if (!(slot->flags & PG_FOLIO_SHADOW))
		return;
	m = slot->master->private;
	if (!m)
		return;		/* promoted meanwhile */
	if (--m->nr_shadows == 0)
		master_free(m);
}

/* The one shadow of @m: its slot is the only one whose master is m's folio. */
struct find_shadow {
	struct folio *master;
	struct address_space *mapping;
	pgoff_t index;
	struct folio *slot;
};

static bool find_in_mapping(struct address_space *mapping, pgoff_t index, struct folio *slot,
			    void *arg)
{
	struct find_shadow *f = arg;

	if ((slot->flags & PG_FOLIO_SHADOW) && slot->master == f->master) {
		f->mapping = mapping;
		f->index = index;
		f->slot = slot;
		return false;
	}
	return true;
}

static bool find_in_inode(struct inode *inode, void *arg)
{
	struct find_shadow *f = arg;

	filemap_walk(inode->i_mapping, 0, UINT64_MAX >> PAGE_SHIFT, find_in_mapping, f);
	return !f->slot;
}

/*
 * The block under @m is no longer shared and one shadow is left: the
 * master becomes that file's own folio in place of the shadow.
 */
static void master_promote(struct pc_master *m)
{
	struct find_shadow f = { m->folio, NULL, 0, NULL };
	struct folio *folio = m->folio;

	sb_for_each_inode(sim->sb, find_in_inode, &f);
	if (!f.slot || (f.slot->flags & PG_FOLIO_LOCKED)) {
		/*
		 * The shadow is being read (locked), or made and not yet in
		 * its slot (a reader between read_shared and the insert, found
		 * by `daxsim explore`): promote at its unlock (shadow_unlocked).
		 */
		m->promote = true;
		return;
	}
	trace("ino %llu index %llu: block %llu unshared, master folio 0x%llx promoted",
	      (unsigned long long)f.mapping->id, (unsigned long long)f.index,
	      (unsigned long long)folio->index, (unsigned long long)folio->pfn);
	folio_get(folio);		/* the slot's reference */
	filemap_replace_folio(f.mapping, f.index, f.slot, folio);
	folio->flags &= ~PG_FOLIO_SHARED;
	m->nr_shadows = 0;
	master_free(m);			/* drops the design's reference */
	folio_put(f.slot);		/* the shadow, and its reference on the master */
}

static void shadow_unlocked(struct address_space *mapping, pgoff_t index, struct folio *slot)
{
	struct pc_master *m = (slot->flags & PG_FOLIO_SHADOW) ? slot->master->private : NULL;

	if (m && m->promote && m->nr_shadows == 1 &&
	    filemap_get_entry(mapping, index) == slot && !(slot->flags & PG_FOLIO_LOCKED))
		master_promote(m);
}

static void shadow_unshared(uint64_t bno, uint64_t nr)
{
	const struct share_fs_ops *fs;

	if (!masters || !nr_masters || INJECT(SHADOW_PC_NO_PROMOTE))
		return;
	fs = sim->sb->s_share_ops;
	for (uint64_t b = bno; b < bno + nr; b++) {
		struct pc_master *m = master_lookup(SHARE_FSB_TO_DADDR(b));

		if (m && m->nr_shadows == 1 && !fs->block_shared(sim->sb, b))
			master_promote(m);
	}
}

/* P-shadow on the page cache --------------------------------------------- */
struct pc_check {
	void (*report)(const char *id, const char *msg, void *arg);
	void *arg;
	GHashTable *counted;	/* master -> shadows seen (lookups only; never iterated) */
};

static void preport(struct pc_check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void preport(struct pc_check *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->report("P-shadow", msg, c->arg);
}

static bool check_slot(struct address_space *mapping, pgoff_t index, struct folio *slot, void *arg)
{
	struct pc_check *c = arg;
	const struct share_fs_ops *fs = sim->sb->s_share_ops;
	struct pc_master *m;
	uint64_t bno;

	if (!(slot->flags & PG_FOLIO_SHADOW))
		return true;
	m = slot->master->private;
	if (!m) {
		preport(c, "page cache: shadow ino %llu index %llu points at a folio that is no master",
			(unsigned long long)mapping->id, (unsigned long long)index);
		return true;
	}
	g_hash_table_insert(c->counted, m,
			    GSIZE_TO_POINTER(GPOINTER_TO_SIZE(g_hash_table_lookup(c->counted, m)) + 1));
	if (!fs->file_block(mapping, index, &bno) || SHARE_FSB_TO_DADDR(bno) != m->bp->b_daddr)
		preport(c, "page cache: shadow ino %llu index %llu: its master is daddr %lld but the file maps %s%llu",
			(unsigned long long)mapping->id, (unsigned long long)index,
			(long long)m->bp->b_daddr, fs->file_block(mapping, index, &bno) ? "block " : "no block ",
			fs->file_block(mapping, index, &bno) ? (unsigned long long)bno : 0ULL);
	return true;
}

static bool check_inode_slots(struct inode *inode, void *arg)
{
	filemap_walk(inode->i_mapping, 0, UINT64_MAX >> PAGE_SHIFT, check_slot, arg);
	return true;
}

static gboolean check_master(gpointer k, gpointer v, gpointer d)
{
	struct pc_check *c = d;
	struct pc_master *m = v;
	const struct share_fs_ops *fs = sim->sb->s_share_ops;
	uint64_t seen = GPOINTER_TO_SIZE(g_hash_table_lookup(c->counted, m));
	uint64_t bno = SHARE_DADDR_TO_FSB(m->bp->b_daddr);

	if (fs->buf_incore(sim->sb, m->bp->b_daddr, m->bp->b_length) != m->bp)
		preport(c, "page cache: master daddr %lld is not in the buffer cache", (long long)m->bp->b_daddr);
	if (seen != m->nr_shadows)
		preport(c, "page cache: master daddr %lld counts %llu shadows but %llu slots point at it",
			(long long)m->bp->b_daddr, (unsigned long long)m->nr_shadows,
			(unsigned long long)seen);
	if (!m->nr_shadows)
		preport(c, "page cache: master daddr %lld has no shadows (orphan master)",
			(long long)m->bp->b_daddr);
	if (m->folio->flags & PG_FOLIO_DIRTY)
		preport(c, "page cache: master daddr %lld is dirty", (long long)m->bp->b_daddr);
	if (!fs->block_shared(sim->sb, bno) && m->nr_shadows == 1)
		preport(c, "page cache: block %llu is no longer shared but its master was not promoted",
			(unsigned long long)bno);
	return FALSE;
}

static void shadow_pc_check(void (*report)(const char *id, const char *msg, void *arg), void *arg)
{
	struct pc_check c = { report, arg, g_hash_table_new(g_direct_hash, g_direct_equal) };

	if (sim->sb) {
		sb_for_each_inode(sim->sb, check_inode_slots, &c);
		if (masters)
			g_tree_foreach(masters, check_master, &c);
	}
	g_hash_table_destroy(c.counted);
}

static uint64_t shadow_pc_bytes(void)
{
	return nr_masters * master_bytes();
}

static gboolean free_master(gpointer k, gpointer v, gpointer d)
{
	g_free(v);
	return FALSE;
}

/* After the machine is gone (its folios and buffers with it): only the records are left. */
static void shadow_pc_destroy(void)
{
	if (masters) {
		g_tree_foreach(masters, free_master, NULL);
		g_tree_destroy(masters);
	}
	masters = NULL;
	nr_masters = 0;
}

const struct filemap_share_ops shadow_pagecache_ops = {
	.read_shared	= shadow_read_shared,
	.release	= shadow_release,
	.unlocked	= shadow_unlocked,
	.unshared	= shadow_unshared,
	.check		= shadow_pc_check,
	.bytes		= shadow_pc_bytes,
	.destroy	= shadow_pc_destroy,
};
