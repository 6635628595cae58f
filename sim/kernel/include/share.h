/* SPDX-License-Identifier: MIT */
/*
 * A page-sharing design is one file implementing this ops table and one
 * registration line in share_registry.c.  The DAX core calls associate /
 * disassociate where fs/dax.c calls dax_associate_entry() /
 * dax_disassociate_entry(); the checker calls ->check for the design's P-*
 * invariants; compare/bench call ->stats.
 */
#ifndef DAXSIM_SHARE_H
#define DAXSIM_SHARE_H

#include <glib.h>

#include "scheduler.h"
#include "types.h"

struct address_space;
struct filemap_share_ops;
struct page;
struct super_block;

/*
 * What a design sees of a filesystem buffer (the fs buffer cache indexed by
 * disk address, where Chinner's proposal keeps the master pages).  The
 * filesystem embeds it in its own buffer (XFS: struct xfs_buf).
 */
struct share_buf {
	int64_t		b_daddr;	/* first 512-byte sector */
	uint32_t	b_length;	/* sectors */
	pfn_t		b_pfn;		/* the pmem page at b_daddr */
	void		*b_private;	/* the design's data (a master's shadows) */
};

/*
 * The filesystem's side of the designs (sb->s_share_ops, set at mount): the
 * designs reach the filesystem only through this and a_ops->bmap.
 */
struct share_fs_ops {
	/* Is block @bno shared in the filesystem's refcount tree? */
	bool (*block_shared)(struct super_block *sb, uint64_t bno);
	/* The written block under (@mapping, @index), taking the fs's locks; false: none. */
	bool (*file_block)(struct address_space *mapping, pgoff_t index, uint64_t *bno);
	/* Find or insert the buffer at exactly (daddr, length), with a reference;
	 * -EUCLEAN when an overlapping buffer of another length is cached. */
	int (*buf_get)(struct super_block *sb, int64_t daddr, uint32_t length,
		       struct share_buf **bpp);
	/* The cached buffer at exactly (daddr, length), or NULL; no reference. */
	struct share_buf *(*buf_incore)(struct super_block *sb, int64_t daddr,
					uint32_t length);
	void (*buf_rele)(struct super_block *sb, struct share_buf *bp);
	/* Every cached buffer overlapping [daddr, daddr + length), in daddr order. */
	void (*buf_walk_range)(struct super_block *sb, int64_t daddr, uint64_t length,
			       bool (*fn)(struct share_buf *bp, void *arg), void *arg);
	size_t buf_bytes;	/* what one cached buffer costs the fs */
};

#define SHARE_FSB_TO_DADDR(fsb)	((int64_t)(fsb) << (PAGE_SHIFT - 9))
#define SHARE_DADDR_TO_FSB(d)	((uint64_t)(d) >> (PAGE_SHIFT - 9))

/* One (mapping, index) owner of a page, as a design reports it. */
struct share_owner {
	struct address_space	*mapping;
	pgoff_t			index;
};

/* What a design holds now, for `compare` and `bench` (peaks kept by the core). */
struct share_stats {
	uint64_t	masters;	/* shadow: master pages in the buffer cache */
	uint64_t	shadows;	/* shadow: shadow pages */
	uint64_t	list_nodes;	/* maplist: owner-list nodes */
	uint64_t	shared_pages;	/* pages associated with more than one owner */
	uint64_t	share_refs;	/* mainline: sum of page->share */
	uint64_t	bytes;		/* metadata attributable to sharing */
};

/* The design's invariant report: called once per violation found. */
typedef void (*share_report_fn)(const char *id, const char *msg, void *arg);

/* How memory failure finds the owners of a poisoned page (kernel-notes §2). */
enum share_mf_path {
	MF_PATH_FS_RMAP,	/* dax_holder_notify_failure -> the fs rmap */
	MF_PATH_DESIGN,		/* ->lookup_owners; the fs only for unowned blocks */
	MF_PATH_GENERIC,	/* mf_generic_kill_procs through page->mapping */
};

struct dax_share_ops {
	const char *name;
	const char *origin;	/* one line: who, when, where */
	enum share_mf_path mf_path;

	void (*init)(void);
	void (*destroy)(void);
	/*
	 * A DAX entry of @order now references @head (the pfn's page) at
	 * (@mapping, @index); @shared says the iomap was IOMAP_F_SHARED.
	 */
	void (*associate)(struct page *head, pfn_t pfn, unsigned int order,
			  struct address_space *mapping, pgoff_t index,
			  bool shared);
	/* That entry is going away (@trunc: truncate/break-layouts). */
	void (*disassociate)(struct page *head, pfn_t pfn, unsigned int order,
			     struct address_space *mapping, pgoff_t index,
			     bool trunc);
	/*
	 * Optional.  Write-fault CoW hook: @mapping's entry at @index moves
	 * from @old_pfn (shared) to a private copy.  Called by the fault path
	 * (dax_insert_entry) before the old entry is disassociated.
	 */
	void (*cow)(pfn_t old_pfn, struct address_space *mapping, pgoff_t index);
	/*
	 * Optional.  A write fault maps @pfn writable at (@mapping, @index)
	 * through an unshared iomap without replacing the entry (the
	 * write-protect fault after writeback, or the first write to a
	 * page that a sharer has since let go of).
	 */
	void (*mkwrite)(struct page *head, pfn_t pfn, struct address_space *mapping,
			pgoff_t index);
	/*
	 * Optional.  The filesystem's refcount for the blocks under
	 * [@pfn, @pfn + @nr) has just dropped: some may no longer be shared.
	 */
	void (*unshared)(pfn_t pfn, uint64_t nr);
	/*
	 * Owners of @pfn known to the design (memory failure through the
	 * page).  Returns the number written (at most @max), or -EOPNOTSUPP
	 * when the design answers through the filesystem rmap instead.
	 */
	int (*lookup_owners)(pfn_t pfn, struct share_owner *owners, int max);
	/* Full check of the design's P-* invariants. */
	void (*check)(share_report_fn report, void *arg);
	/* What the design holds now (bytes: metadata attributable to sharing). */
	void (*stats)(struct share_stats *st);
	/* The design's page cache side (pagemap.h); NULL: each file its own copy. */
	const struct filemap_share_ops *pagecache;
	const char *pagecache_note;	/* one line for `daxsim help models` */
};

extern const struct dax_share_ops *share_ops;	/* the selected design */


/* Hooks the core calls; each is a no-op for a design without the op. */
void share_mkwrite(pfn_t pfn, struct address_space *mapping, pgoff_t index);
/* A CoW write fault is replacing (mapping, index)'s entry on @old_pfn. */
void share_cow(pfn_t old_pfn, struct address_space *mapping, pgoff_t index);
void share_unshared(pfn_t pfn, uint64_t nr);

/*
 * For the P-* checks: every real DAX entry of every in-core inode, grouped
 * by the pfn it references (a GTree pfn_t* -> GArray of struct share_owner,
 * owners in inode-number then index order).  Free with g_tree_destroy().
 */
GTree *share_collect_entries(void);
/* The one owner page->mapping/index names, for ->lookup_owners: 0 or 1. */
int share_page_owner(const struct page *page, struct share_owner *owners, int max);
/* Whether @pfn's block is shared in the filesystem's refcount tree. */
bool share_block_is_shared(pfn_t pfn);

/*
 * A kernel WARN in a design (e.g. WARN_ON_ONCE(folio->mapping) in
 * dax_associate_entry): logged to dmesg and reported by the next check as a
 * violation of the design's P-* invariant.
 */
void share_warn(const char *id, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Pending warnings are drained by the checker. */
int share_drain_warnings(share_report_fn report, void *arg);

/*
 * A design touches a tracked field of the page at @pfn (docs/concurrency.md):
 * under the scheduler a scheduling point and the R-race check, else nothing.
 * A read-modify-write is a read access, then a write access.
 */
static inline void folio_access(pfn_t pfn, const char *field, bool write, const char *func)
{
	if (sched_active())
		sched_access(pfn, field, write, func);
}

#endif
