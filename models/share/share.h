/* SPDX-License-Identifier: MIT */
/*
 * A page-sharing design is one file implementing this ops table and one
 * registration line in share_registry.c.  The DAX core calls associate /
 * disassociate where fs/dax.c calls dax_associate_entry() /
 * dax_disassociate_entry(); the checker calls ->check for the design's P-*
 * invariants; compare/bench call ->mem_bytes.
 */
#ifndef DAXSIM_SHARE_H
#define DAXSIM_SHARE_H

#include "types.h"

struct address_space;
struct page;

/* One (mapping, index) owner of a page, as a design reports it. */
struct share_owner {
	struct address_space	*mapping;
	pgoff_t			index;
};

/* The design's invariant report: called once per violation found. */
typedef void (*share_report_fn)(const char *id, const char *msg, void *arg);

struct dax_share_ops {
	const char *name;
	const char *origin;	/* one line: who, when, where */

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
	 * Write-fault CoW hook: @mapping's entry at @index moves from @old_pfn
	 * (shared) to a private copy.  Called before disassociate of the old.
	 */
	void (*cow)(pfn_t old_pfn, struct address_space *mapping, pgoff_t index);
	/*
	 * Owners of @pfn known to the design (memory failure through the
	 * page).  Returns the number written (at most @max), or -EOPNOTSUPP
	 * when the design answers through the filesystem rmap instead.
	 */
	int (*lookup_owners)(pfn_t pfn, struct share_owner *owners, int max);
	/* Full check of the design's P-* invariants. */
	void (*check)(share_report_fn report, void *arg);
	/* Bytes of metadata attributable to sharing, now. */
	uint64_t (*mem_bytes)(void);
};

extern const struct dax_share_ops *share_ops;	/* the selected design */

const struct dax_share_ops *share_find(const char *name);
/* Every registered design, NULL-terminated, in registration order. */
const struct dax_share_ops *const *share_designs(void);
#define SHARE_DEFAULT "mainline"

/*
 * A kernel WARN in a design (e.g. WARN_ON_ONCE(folio->mapping) in
 * dax_associate_entry): logged to dmesg and reported by the next check as a
 * violation of the design's P-* invariant.
 */
void share_warn(const char *id, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Pending warnings are drained by the checker. */
int share_drain_warnings(share_report_fn report, void *arg);

#endif
