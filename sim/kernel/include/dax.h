/* SPDX-License-Identifier: MIT */
/*
 * address_space with DAX entries, after fs/dax.c.  Entries are value words:
 * pfn << DAX_SHIFT | flags, stored in an ordered tree keyed by page index.
 * A PMD entry is stored once, at its 512-aligned index, and covers the range.
 */
#ifndef DAXSIM_DAX_H
#define DAXSIM_DAX_H

#include <glib.h>

#include "iomap.h"
#include "types.h"

struct inode;
struct vm_area_struct;
struct page;
struct folio;

#define DAX_SHIFT	4
#define DAX_LOCKED	(1UL << 0)
#define DAX_PMD		(1UL << 1)
#define DAX_ZERO_PAGE	(1UL << 2)
#define DAX_EMPTY	(1UL << 3)

#define PAGECACHE_TAG_DIRTY	(1U << 0)
#define PAGECACHE_TAG_TOWRITE	(1U << 1)

#define PG_PMD_NR	(1UL << PMD_ORDER)
#define PG_PMD_COLOUR	(PG_PMD_NR - 1)

struct dax_slot {
	unsigned long	entry;
	unsigned int	marks;
};

struct address_space_operations;

struct address_space {
	struct inode		*host;
	const struct address_space_operations *a_ops;
	uint64_t		id;		/* = inode number */
	GTree			*i_pages;	/* pgoff -> struct dax_slot */
	GTree			*i_mmap;	/* vma seq -> vma */
	GTree			*i_folios;	/* pgoff -> struct folio (pagemap.h); NULL until used */
	uint64_t		nrpages;
	uint64_t		nrentries;
};

/* The lock instance of the entry at (mapping id, base index), and back. */
static inline uint64_t dax_entry_lock_inst(uint64_t id, pgoff_t base)
{
	return (id << 40) ^ base;
}
static inline void dax_entry_lock_decode(uint64_t inst, uint64_t *id, pgoff_t *base)
{
	*id = inst >> 40;
	*base = inst & ((1ULL << 40) - 1);
}

static inline unsigned long dax_make_entry(pfn_t pfn, unsigned long flags)
{
	return (unsigned long)(pfn << DAX_SHIFT) | flags;
}
static inline pfn_t dax_to_pfn(unsigned long e) { return e >> DAX_SHIFT; }
static inline bool dax_is_locked(unsigned long e) { return e & DAX_LOCKED; }
static inline bool dax_is_pmd_entry(unsigned long e) { return e & DAX_PMD; }
static inline bool dax_is_pte_entry(unsigned long e) { return !(e & DAX_PMD); }
static inline bool dax_is_zero_entry(unsigned long e) { return e & DAX_ZERO_PAGE; }
static inline bool dax_is_empty_entry(unsigned long e) { return e & DAX_EMPTY; }
static inline bool dax_is_real_entry(unsigned long e)
{
	return !(e & (DAX_ZERO_PAGE | DAX_EMPTY));
}
static inline unsigned int dax_entry_order(unsigned long e)
{
	return dax_is_pmd_entry(e) ? PMD_ORDER : 0;
}

void mapping_init(struct address_space *mapping, struct inode *host, uint64_t id);
void mapping_destroy(struct address_space *mapping);

/* The head pfn of the folio @pfn belongs to (a PMD folio's tail → its head). */
pfn_t dax_folio_pfn(pfn_t pfn);
/* The slot covering @index (a PTE entry at it, or a PMD entry over it). */
struct dax_slot *dax_lookup_slot(struct address_space *mapping, pgoff_t index,
				 pgoff_t *base);
/* Walk entries with base index in [start, end], in order. */
typedef bool (*dax_entry_fn)(struct address_space *mapping, pgoff_t index,
			     struct dax_slot *slot, void *arg);
void dax_walk_entries(struct address_space *mapping, pgoff_t start, pgoff_t end,
		      dax_entry_fn fn, void *arg);

/* The page fault (dax_iomap_fault) ------------------------------------- */
#define FAULT_FLAG_WRITE	(1U << 0)

struct vm_fault {
	struct vm_area_struct	*vma;
	uint64_t		address;
	pgoff_t			pgoff;
	unsigned int		flags;
	bool			cow;		/* private write: copy to anon */
	pfn_t			pfn;		/* result, for NEEDDSYNC */
	struct folio		*folio;		/* ->page_mkwrite's locked slot */
};

vm_fault_t dax_iomap_fault(struct vm_fault *vmf, unsigned int order,
			   pfn_t *pfnp, const struct iomap_ops *ops);
vm_fault_t dax_finish_sync_fault(struct vm_fault *vmf, unsigned int order,
				 pfn_t pfn);

/* Syscall-side DAX helpers ---------------------------------------------- */
int64_t dax_iomap_rw(struct inode *ip, uint64_t pos, uint64_t len,
		     void *buf, bool write, const struct iomap_ops *ops);
int dax_zero_range(struct inode *ip, uint64_t pos, uint64_t len,
		   const struct iomap_ops *ops);
int dax_file_unshare(struct inode *ip, uint64_t pos, uint64_t len,
		     const struct iomap_ops *ops);
int dax_dedupe_file_range_compare(struct inode *src, uint64_t srcoff,
				  struct inode *dst, uint64_t dstoff,
				  uint64_t len, bool *same,
				  const struct iomap_ops *ops);
int dax_writeback_mapping_range(struct address_space *mapping, pgoff_t start,
				pgoff_t end);
/*
 * Break layouts: unmap every PTE, wait while a page of the range is pinned
 * (@cb, the filesystem's, drops its lock around schedule(); NULL: just
 * schedule()), then delete every entry in [start, end].
 */
int dax_break_layout(struct inode *ip, pgoff_t start, pgoff_t end, void (*cb)(struct inode *));
/* The first pinned page behind an entry of [start, end] (waiting for locked entries), or NULL. */
struct page *dax_layout_busy_page_range(struct address_space *mapping, pgoff_t start, pgoff_t end);
/*
 * invalidate_inode_pages2_range()'s DAX side (invalidate_exceptional_entry2
 * -> dax_invalidate_mapping_entry_sync): drop clean entries, then unmap;
 * -EBUSY if a dirty one stays.
 */
int dax_invalidate_mapping_range(struct address_space *mapping, pgoff_t start, pgoff_t end);
void dax_clear_dirty_range(struct address_space *mapping, pgoff_t start,
			   pgoff_t end);
/* Remove every entry (remount / eviction). */
void dax_delete_mapping_range(struct address_space *mapping, pgoff_t start,
			      pgoff_t end);

/* pmem access: kernel address of a pmem/zero/anon pfn. */
unsigned char *pfn_to_kaddr(pfn_t pfn);
/* -EIO if any block of [bno, bno+nr) is poisoned. */
int dax_direct_access(uint64_t bno, uint64_t nr, pfn_t *pfn);

/* Internal to the DAX core (dax_entry.c, dax_fault.c), used by the fault and rw paths. */
/*
 * Fill the new block(s) at @dst from the srcmap around [pos, pos + len)
 * inside the @align-aligned range (zeroes where the source is a hole or
 * unwritten): the CoW copy of fs/dax.c.
 */
int dax_iomap_copy_around(uint64_t pos, uint64_t length, uint64_t align,
			  const struct iomap *iomap, const struct iomap *srcmap,
			  unsigned char *dst);
vm_fault_t grab_mapping_entry(struct address_space *mapping, pgoff_t index,
			      unsigned int order, pgoff_t *base,
			      unsigned long *entryp);
void dax_unlock_entry(struct address_space *mapping, pgoff_t base);
/* Entry waits (dax_wait.c): wake the waiters of the entry at @index. */
enum dax_wake_mode { WAKE_ALL, WAKE_NEXT };
void dax_wake_entry(struct address_space *mapping, pgoff_t index, unsigned long entry,
		    enum dax_wake_mode mode);
/*
 * Sleep until a wakeup for the entry covering @index (@entry: what was
 * found locked there); exclusive as get_unlocked_entry(), non-exclusive as
 * wait_entry_unlocked().  The caller looks the entry up again.
 */
void dax_wait_entry(struct address_space *mapping, pgoff_t index, unsigned long entry,
		    bool exclusive, const char *func);
/* Memory failure: lock the real entry covering @index (false: none). */
bool dax_lock_mapping_entry(struct address_space *mapping, pgoff_t index,
			    pgoff_t *base, unsigned long *entry);
void dax_replace_entry(struct address_space *mapping, pgoff_t base,
		       unsigned long new_entry, bool shared);
void dax_split_pmd_entry(struct address_space *mapping, pgoff_t *base,
			 pgoff_t index, unsigned long new_entry, bool shared);
void dax_associate_entry(unsigned long entry, struct address_space *mapping,
			 pgoff_t index, bool shared);
void dax_disassociate_entry(unsigned long entry, struct address_space *mapping,
			    pgoff_t index, bool trunc);

#endif
