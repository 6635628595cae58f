/* SPDX-License-Identifier: MIT */
/*
 * The page cache of non-DAX files (include/linux/pagemap.h): folios in
 * simulated DRAM, one per (mapping, index) slot of mapping->i_folios, with
 * the uptodate, dirty, writeback and locked flags; the read, write, fault,
 * writeback and truncate paths over them; and the seam a sharing design
 * uses to put one folio behind the slots of several reflinked files
 * (struct filemap_share_ops).
 *
 * A slot holds either the file's own folio, a folio a design shares
 * between several (mapping, index) owners (PG_shared, maplist), or a
 * shadow (PG_shadow): a folio without data of its own that points at a
 * read-only master folio holding the shared block (shadow).  The kernel
 * reads and maps the folio a slot resolves to (folio_resolve); it never
 * names a design.
 */
#ifndef DAXSIM_PAGEMAP_H
#define DAXSIM_PAGEMAP_H
#include <glib.h>
#include "types.h"

struct address_space;
struct inode;
struct iomap_ops;
struct vm_fault;

/*
 * Page-cache folios have DRAM pfns of their own, far above any pmem pfn,
 * so a PTE tells them apart from pmem, the zero page and anon pages.
 */
#define FOLIO_PFN_BASE	((pfn_t)1 << 36)

static inline bool is_folio_pfn(pfn_t pfn)
{
	return pfn >= FOLIO_PFN_BASE;
}

/* folio->flags */
#define PG_FOLIO_LOCKED		(1U << 0)
#define PG_FOLIO_UPTODATE	(1U << 1)
#define PG_FOLIO_DIRTY		(1U << 2)
#define PG_FOLIO_WRITEBACK	(1U << 3)
#define PG_FOLIO_SHADOW		(1U << 4)	/* no data: ->master has it */
#define PG_FOLIO_SHARED		(1U << 5)	/* a design's folio behind several slots */

struct folio {
	uint32_t		flags;
	int32_t			_refcount;	/* slots + PTEs + users */
	int32_t			_mapcount;	/* PTEs, 0-based count */
	uint32_t		pad;
	pfn_t			pfn;		/* 0 for a shadow */
	struct address_space	*mapping;	/* NULL for a shared folio */
	pgoff_t			index;
	struct folio		*master;	/* a shadow's master */
	void			*private;	/* the design's record */
};

/* DRAM folios (sim/kernel/mm/folio.c) ---------------------------------- */
/* A new folio with its own zeroed page (pfn), refcount 1. */
struct folio *folio_alloc(void);
/* A shadow of @master (takes a reference on it), refcount 1. */
struct folio *folio_alloc_shadow(struct folio *master, struct address_space *mapping,
				 pgoff_t index);
void folio_get(struct folio *folio);
/* The last reference frees the folio (a shadow drops its master's). */
void folio_put(struct folio *folio);
struct folio *pfn_folio(pfn_t pfn);
unsigned char *folio_address(const struct folio *folio);
static inline struct folio *folio_resolve(struct folio *slot)
{
	return (slot->flags & PG_FOLIO_SHADOW) ? slot->master : slot;
}
/* A slot a design shares: a shadow, or a folio behind several slots. */
static inline bool folio_slot_shared(const struct folio *slot)
{
	return (slot->flags & (PG_FOLIO_SHADOW | PG_FOLIO_SHARED)) != 0;
}
/* What the page cache holds: bytes of folios (struct + data), now and peak. */
struct pagecache_stats {
	uint64_t	folios;		/* folios with a page of data */
	uint64_t	shadows;	/* shadow folios */
	uint64_t	bytes;		/* folios + shadows, struct and data */
	uint64_t	peak_bytes;
};
void pagecache_get_stats(struct pagecache_stats *st);
/* A design's metadata counts into the peak with the folios. */
void pagecache_note_bytes(int64_t delta);
void pagecache_reset(void);
/* Start a new peak from what is held now. */
void pagecache_reset_peak(void);

/* The folio lock (PG_locked): a sleeping bit lock through the lock API. */
void folio_lock(struct folio *folio, struct address_space *mapping, pgoff_t index);
void folio_unlock(struct folio *folio, struct address_space *mapping, pgoff_t index);

/* The page-cache tree (sim/kernel/mm/filemap.c) ------------------------ */
/* The slot at @index, or NULL. */
struct folio *filemap_get_entry(struct address_space *mapping, pgoff_t index);
/* Insert @folio at @index (the slot must be empty); takes the slot's reference. */
void filemap_add_folio(struct address_space *mapping, struct folio *folio, pgoff_t index);
/* Remove the slot at @index, unmapping nothing; drops the slot's reference. */
void filemap_remove_folio(struct address_space *mapping, pgoff_t index);
/* Walk slots with index in [start, end], in order; stop when @fn returns false. */
typedef bool (*filemap_slot_fn)(struct address_space *mapping, pgoff_t index,
				struct folio *slot, void *arg);
void filemap_walk(struct address_space *mapping, pgoff_t start, pgoff_t end,
		  filemap_slot_fn fn, void *arg);
uint64_t filemap_nr_slots(struct address_space *mapping);
/* The first cached index at or after @index (false: none). */
bool filemap_next_index(struct address_space *mapping, pgoff_t index, pgoff_t *next);
/*
 * __filemap_get_folio(FGP_LOCK|FGP_CREAT) for a read: the uptodate,
 * locked slot at @index with a reference, read in through a_ops->read_folio
 * (or handed to the design, for a shared block) if it was not cached;
 * with @private a shared slot is first replaced by a private copy
 * (filemap_unshare_folio).  filemap_put_folio unlocks and drops it.
 */
int filemap_grab_folio(struct address_space *mapping, pgoff_t index, bool private,
		       struct folio **slotp);
void filemap_put_folio(struct folio *slot, struct address_space *mapping, pgoff_t index);
/* A design swaps the slot at @index (xa_lock only; @folio takes the slot's reference). */
void filemap_replace_folio(struct address_space *mapping, pgoff_t index, struct folio *old,
			   struct folio *folio);
/* Give (mapping, index) a private copy of its shared slot (locked, referenced); returns it. */
struct folio *filemap_unshare_folio(struct address_space *mapping, pgoff_t index,
				    struct folio *slot);
/* read(2) through the page cache: bytes read (up to EOF), or -errno. */
int64_t filemap_read(struct inode *inode, uint64_t pos, uint64_t len, void *buf);
/* ->fault of a page-cache file, with do_read_fault/do_shared_fault/do_cow_fault's tail. */
unsigned int filemap_fault(struct vm_fault *vmf);
/* A write to a present read-only PTE of a shared mapping (wp_page_shared). */
unsigned int filemap_page_mkwrite_fault(struct vm_fault *vmf);

/* Writeback (sim/kernel/mm/page-writeback.c) ---------------------------- */
void folio_mark_dirty(struct folio *folio);
/* Write back every dirty folio in [start, end] (bytes) and wait: 0 or -EIO. */
int filemap_write_and_wait_range(struct address_space *mapping, uint64_t start,
				 uint64_t end);

/* Truncate and invalidate (sim/kernel/mm/truncate.c) -------------------- */
/* Unmap nothing; remove every slot over [lstart, lend] (bytes, inclusive). */
void truncate_inode_pages_range(struct address_space *mapping, uint64_t lstart,
				uint64_t lend);
/* Eviction and unmount: every slot goes; frees the tree. */
void truncate_inode_pages_final(struct address_space *mapping);
/* Unmap and drop the cache beyond @newsize (the partial page stays). */
void truncate_pagecache(struct inode *inode, uint64_t newsize);
/* Unmap and drop [lstart, lend] (bytes, inclusive; whole pages). */
void truncate_pagecache_range(struct inode *inode, uint64_t lstart, uint64_t lend);

/*
 * Unmap and drop the folios (or a DAX file's entries) over pages [start,
 * end], as direct I/O and DAX writes do around their I/O; one still dirty
 * stays: -EBUSY.
 */
int invalidate_inode_pages2_range(struct address_space *mapping, pgoff_t start, pgoff_t end);

/* The buffered iomap side (sim/kernel/fs/buffered_io.c) ----------------- */
/*
 * read(2) of a page-cache file: filemap_read over what is cached or
 * written; a hole or unwritten extent with nothing cached reads as zeroes
 * without caching a folio (daxsim's, so sparse files cost nothing).
 */
int64_t iomap_file_buffered_read(struct inode *inode, uint64_t pos, uint64_t len, void *buf,
				 const struct iomap_ops *ops);
int iomap_read_folio(struct folio *folio, struct address_space *mapping, pgoff_t index,
		     const struct iomap_ops *ops);
int64_t iomap_file_buffered_write(struct inode *inode, uint64_t pos, uint64_t len,
				  const void *buf, const struct iomap_ops *ops);
int iomap_zero_range(struct inode *inode, uint64_t pos, uint64_t len,
		     const struct iomap_ops *read_ops, const struct iomap_ops *write_ops);
int iomap_file_unshare(struct inode *inode, uint64_t pos, uint64_t len,
		       const struct iomap_ops *read_ops, const struct iomap_ops *write_ops);
/* page_mkwrite: reserve blocks for the locked folio, mark it dirty. */
unsigned int iomap_page_mkwrite(struct vm_fault *vmf, struct folio *folio,
				const struct iomap_ops *ops);
/* The filesystem's writeback callbacks (struct iomap_writeback_ops). */
struct iomap_writeback_ops {
	/*
	 * The disk block to write file block @index to; @cow says it is a
	 * CoW fork block whose completion must remap (end_io).
	 */
	int (*map_blocks)(struct inode *inode, pgoff_t index, uint64_t *bno, bool *cow);
	/* I/O completion of a CoW fork block (xfs_end_ioend -> end_cow). */
	int (*end_io)(struct inode *inode, pgoff_t index, bool cow);
};
int iomap_writepages(struct address_space *mapping, pgoff_t start, pgoff_t end,
		     const struct iomap_writeback_ops *ops);

/* The sharing designs' page-cache side ---------------------------------- */
struct filemap_share_ops {
	/*
	 * A read of (@mapping, @index) finds no slot.  If the design shares
	 * the block under it, return 0 with *@slotp a slot to insert (a
	 * shadow of a master, or the shared folio with this owner added),
	 * uptodate; *@slotp NULL means "read a private folio as usual".
	 */
	int (*read_shared)(struct address_space *mapping, pgoff_t index, struct folio **slotp);
	/* The slot at (@mapping, @index) leaves the page cache or goes private. */
	void (*release)(struct address_space *mapping, pgoff_t index, struct folio *slot);
	/* Optional: the lock of a shared slot was just dropped (a deferred change may run). */
	void (*unlocked)(struct address_space *mapping, pgoff_t index, struct folio *slot);
	/* The fs refcount of blocks [@bno, @bno + @nr) dropped: some may be unshared. */
	void (*unshared)(uint64_t bno, uint64_t nr);
	/* Full check of the design's page-cache P-* invariants. */
	void (*check)(void (*report)(const char *id, const char *msg, void *arg), void *arg);
	/* Sharing metadata bytes now (masters' records, owner lists, index). */
	uint64_t (*bytes)(void);
	/* Unmount: nothing shared remains (every slot was released). */
	void (*destroy)(void);
};
#endif
