/* SPDX-License-Identifier: MIT */
/*
 * The lock validator (a lockdep for the simulated kernel; docs/locking.md).
 *
 *   lockdep.c         the observed class graph: nodes are (class, subclass),
 *                     an edge A -> B for every lock A held when B is taken,
 *                     labelled with the modes at both ends (lockdep's
 *                     E/S -> N/R); transitive closure for the fast path,
 *                     cycle search with lockdep's reader rules, the
 *                     declared-rule, instance-order and context checks
 *   lockdep_rules.c   the rules file (docs/locking.rules): classes, ranks,
 *                     instance orders, context rules, reclaim edges and the
 *                     known-issues list
 *   lockdep_report.c  the reports, in lockdep's shape, queued until the
 *                     checker drains them; the observed graph as text
 *                     (for make lockcheck) and as Graphviz dot
 *
 * Report IDs (docs/invariants.md): L-cycle, L-rule, L-context, L-assert.
 */
#ifndef DAXSIM_LOCKDEP_H
#define DAXSIM_LOCKDEP_H

#include <glib.h>
#include <stdio.h>

#include "lock.h"

#define LOCKDEP_MAX_SUBCLASS	4
#define LOCKDEP_MAX_NODES	128	/* classes x subclasses */
#define LOCKDEP_WORDS		(LOCKDEP_MAX_NODES / 64)

/* Edge labels, as lockdep's dependency types: held end x acquired end. */
enum {
	DEP_EN = 1 << 0,	/* held exclusive (or non-recursive reader)... */
	DEP_ER = 1 << 1,	/* ... -> acquired as a recursive reader */
	DEP_SN = 1 << 2,	/* held as a recursive reader -> ... */
	DEP_SR = 1 << 3,
};

/* ---- rules (lockdep_rules.c) -------------------------------------------- */

enum rule_kind { RULE_RANK, RULE_ORDER, RULE_NESTING, RULE_SINGLE, RULE_CONTEXT, RULE_RECLAIM,
		 RULE_ALLOW };

struct lockdep_rule {
	char		id[8];		/* R1, R2 ... */
	enum rule_kind	kind;
	int		cls;		/* ORDER/SINGLE/RECLAIM: the class; ALLOW: from */
	int		to;		/* ALLOW: to */
	char		by[16];		/* ORDER: what the instance key stands for */
	char		*text;		/* the reason, quoted in reports */
	int		line;
};

struct lockdep_known {
	char		id[16];		/* K-H1 ... */
	char		rule[8];	/* the rule it breaks */
	int		from, to;	/* classes */
	char		*text;
	char		*scenario;
	int		line;
};

struct lockdep_class_rules {
	bool		declared;
	int		rank10;		/* rank x 10 (ranks may be 6.5) */
	bool		recursive_reader;	/* shared acquisitions are recursive reads */
	int		order_rule;	/* index into rules, or -1 */
	int		single_rule;	/* -1 or index */
	int		reclaim_rule;	/* -1 or index: reclaim takes this class */
};

struct lockdep_rules {
	char				*file;
	struct lockdep_class_rules	cls[LOCKDEP_MAX_NODES / LOCKDEP_MAX_SUBCLASS];
	GPtrArray			*rules;		/* struct lockdep_rule * */
	GPtrArray			*known;		/* struct lockdep_known * */
	int				rank_rule, context_rule, nesting_rule;	/* -1: absent */
};

/* Parse @text (from @file); 0, or 2 with "FILE:LINE: ... 'WORD'" in @err. */
int lockdep_rules_parse(const char *file, const char *text, struct lockdep_rules *r,
			char *err, size_t errlen);
void lockdep_rules_free(struct lockdep_rules *r);
/* The rules file built into daxsim (docs/locking.rules at build time). */
extern const char lockdep_builtin_rules[];
const struct lockdep_rule *lockdep_rule(int idx);
const struct lockdep_rules *lockdep_rules_get(void);

/* ---- the validator (lockdep.c) ------------------------------------------ */

/* Turn the validator on (NULL rules file: the built-in one); 0 or 2 + err. */
int lockdep_enable(const char *rules_file, char *err, size_t errlen);
/* The same with the rules given as text (unit tests); @name for messages. */
int lockdep_enable_text(const char *name, const char *text, char *err, size_t errlen);
void lockdep_disable(void);
bool lockdep_enabled(void);
/* Forget the observed graph (unit tests). */
void lockdep_reset_graph(void);
/* Where the current command comes from (the interpreter sets it). */
void lockdep_where(const char *file, const char *cmd, const char *model);

/* One observed edge, with where it was first seen. */
struct lockdep_edge {
	int		from, to;	/* nodes */
	unsigned int	labels;		/* DEP_* seen */
	const char	*file;		/* interned */
	int		line;
	const char	*cmd, *func, *held_func, *model;
	const char	*task;		/* interned */
	int		status;		/* 0 fine, 1 known issue, 2 violation */
	bool		declared;	/* a rule's edge (reclaim), not observed */
};

/* Where the current acquisition comes from (lockdep_where()). */
struct lockdep_here {
	const char	*file, *cmd, *model;	/* interned */
	GPtrArray	*files;			/* scenario files, in run order */
};
extern struct lockdep_here lockdep_here;

int lockdep_node(const struct lock_class *cls, int subclass);
const char *lockdep_node_name(int node, char *buf, size_t len);
/* The observed edges in node order, or NULL. */
const struct lockdep_edge *lockdep_edge_get(int from, int to);


/* ---- reports (lockdep_report.c) ----------------------------------------- */

/* A report waiting for the checker: ID, one-line summary, the full block. */
struct lockdep_report {
	char		id[12];		/* L-cycle ... or K-... for a known issue */
	bool		known;
	char		*summary;
	char		*block;
};

void lockdep_queue(const char *id, bool known, char *summary, char *block);
/*
 * Hand the queued reports to @fn (the checker prints them like invariant
 * violations); returns how many were not known issues.
 */
typedef void (*lockdep_report_fn)(const struct lockdep_report *rep, void *arg);
int lockdep_drain(lockdep_report_fn fn, void *arg);
/* Counts over the whole process (for lockcheck's summary). */
extern unsigned long lockdep_nr_reports, lockdep_nr_known;

/* The merged graph for make lockcheck; the Graphviz drawing. */
void lockdep_write_edges(FILE *f);
void lockdep_write_dot(FILE *f);

/* lockdep_report.c helpers used by lockdep.c */
char *lockdep_format_cycle(struct lock_ctx *ctx, const struct held_lock *held,
			   const struct held_lock *next, const int *path, int n,
			   const struct lockdep_known *known);
char *lockdep_format_simple(struct lock_ctx *ctx, const struct held_lock *next,
			    const char *title, const char *body);
void lockdep_reports_reset(void);

#endif
