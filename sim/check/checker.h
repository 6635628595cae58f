/* SPDX-License-Identifier: MIT */
/*
 * The invariant checker (docs/invariants.md): an observer of the kernel's
 * and the filesystem's state.  It reports to a sink the front end gives it
 * (the scenario's stdout and a counter of violations) and never changes
 * what it checks.
 */
#ifndef DAXSIM_CHECKER_H
#define DAXSIM_CHECKER_H

#include <glib.h>
#include <stdbool.h>
#include <stdio.h>

/* Where a check runs: a scenario line, or (file == NULL) the end of the scenario. */
struct check_where {
	const char	*file;
	int		line;
	const char	*cmd;
};

/* Where reports go: the stream, and a note of each violation's ID (compare counts them). */
void checker_set_sink(FILE *out, void (*note_violation)(const char *id));

/*
 * A check after a command at @where: M4, the lock validator's reports, the
 * design's WARNs and H1 always; the mappings of @touched inodes (a GTree
 * of inode numbers, may be NULL); with @full every inode, F1-F3 and the
 * design's P-* invariants.  Returns the number of violations reported that
 * no earlier `expect violation` claimed.
 */
int checker_run(bool full, const struct check_where *where, GTree *touched);
/* Print the lock validator's queued reports; the number of violations. */
int checker_drain_locks(void);
/* Violations of the last check awaiting `expect violation` (IDs). */
extern GPtrArray *checker_pending;
/*
 * `expect violation` at scenario line @line claimed checker_pending[@i]: the
 * same violation (ID and message) found again later is reported with
 * "(claimed at line N: not an error)" and not counted by checker_run().
 */
void checker_claim_pending(guint i, int line);
void checker_pending_clear(void);

/* H1 (h1.c): every memory failure handled since the last check (@drain: forget them). */
void check_h1(void (*report)(const char *id, const char *msg, void *arg), void *arg, bool drain);
/*
 * H1 when a memory failure ends, for runs with commands in flight: the
 * next checker_run() reports only what held both then and at quiescence.
 * A fault that maps the page after the failure ended was not there to be
 * reached, and an owner whose CoW fault was moving it off the block by then
 * is no owner at quiescence.
 */
void checker_h1_now(void);

/* Device DAX (devdax.c): M1, M2, M5 over every mapping of /dev/dax0.0. */
void check_devdax(void (*report)(const char *id, const char *msg, void *arg), void *arg);

#endif
