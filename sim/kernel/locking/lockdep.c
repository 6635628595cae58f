// SPDX-License-Identifier: MIT
/*
 * The lock validator: the observed dependency graph over lock classes and
 * the checks made when it grows (docs/locking.md).
 *
 * Nodes are (class, subclass).  Taking B while A is held records A -> B,
 * labelled with lockdep's dependency type: the held end is S if A is held
 * as a recursive reader, else E; the new end is R if B is taken as a
 * recursive reader, else N.  An acquisition whose every (held, new, label)
 * is already known costs one byte test per held lock: nothing else runs.
 *
 * A new edge A -> B is checked for
 *  - a cycle: a path B ~> A in the graph (a bit test in the transitive
 *    closure first; only then a search that follows lockdep's reader rule:
 *    a path through a lock entered as a recursive reader (-(xR)->) and left
 *    while held as one (-(Sx)->) is not a dependency, so two readers make
 *    no false cycle);
 *  - the declared rules: the rank order, the context rule (nothing that
 *    sleeps under a lock whose holders may not sleep);
 * and every acquisition of a class already held is checked against the
 * instance rules (order by key, single instance, nesting via subclass).
 * Each report is made once per (rule, from, to).
 */
#include <string.h>

#include "lockdep.h"
#include "sim.h"


static struct {
	bool			on;
	struct lockdep_rules	rules;
	uint8_t			labels[LOCKDEP_MAX_NODES][LOCKDEP_MAX_NODES];
	uint64_t		reach[LOCKDEP_MAX_NODES][LOCKDEP_WORDS];
	struct lockdep_edge	*edge[LOCKDEP_MAX_NODES][LOCKDEP_MAX_NODES];
	/* the edges made, so that a reset frees them without a sweep of edge[][] */
	struct lockdep_edge	*made[LOCKDEP_MAX_NODES * LOCKDEP_MAX_NODES];
	int			nmade;
	uint64_t		has_out[LOCKDEP_WORDS];	/* nodes with an edge out */
	GTree			*reported;	/* "rule:from:to" keys made */
} ld;

struct lockdep_here lockdep_here;

static const struct lock_hooks lockdep_hooks;

static inline bool bit_test(const uint64_t *b, int n)
{
	return b[n / 64] >> (n % 64) & 1;
}

static inline void bit_set(uint64_t *b, int n)
{
	b[n / 64] |= 1ULL << (n % 64);
}

int lockdep_node(const struct lock_class *cls, int subclass)
{
	if (subclass < 0 || subclass >= LOCKDEP_MAX_SUBCLASS)
		panic("lock %s: subclass %d out of range", cls->name, subclass);
	return cls->id * LOCKDEP_MAX_SUBCLASS + subclass;
}

static const struct lock_class *node_class(int node)
{
	return lock_class_by_id(node / LOCKDEP_MAX_SUBCLASS);
}

const char *lockdep_node_name(int node, char *buf, size_t len)
{
	int sub = node % LOCKDEP_MAX_SUBCLASS;

	if (sub)
		snprintf(buf, len, "%s/%d", node_class(node)->name, sub);
	else
		snprintf(buf, len, "%s", node_class(node)->name);
	return buf;
}

const struct lockdep_edge *lockdep_edge_get(int from, int to)
{
	return ld.edge[from][to];
}

const struct lockdep_rules *lockdep_rules_get(void)
{
	return &ld.rules;
}

const struct lockdep_rule *lockdep_rule(int idx)
{
	return idx >= 0 ? g_ptr_array_index(ld.rules.rules, idx) : NULL;
}

bool lockdep_enabled(void)
{
	return ld.on;
}

void lockdep_where(const char *file, const char *cmd, const char *model)
{
	if (!lockdep_here.files)
		lockdep_here.files = g_ptr_array_new();
	if (file) {
		lockdep_here.file = g_intern_string(file);
		if (!lockdep_here.files->len ||
		    g_ptr_array_index(lockdep_here.files, lockdep_here.files->len - 1) !=
		    lockdep_here.file)
			g_ptr_array_add(lockdep_here.files, (gpointer)lockdep_here.file);
	}
	lockdep_here.cmd = cmd ? g_intern_string(cmd) : NULL;
	if (model)
		lockdep_here.model = g_intern_string(model);
}

static const struct lockdep_class_rules *crules(const struct lock_class *cls)
{
	return &ld.rules.cls[cls->id];
}

/* Record a dependency; closure updated.  Returns the edge. */
static struct lockdep_edge *add_edge(int from, int to, unsigned int label,
				     const char *func, const char *held_func,
				     const char *task, int line)
{
	struct lockdep_edge *e = ld.edge[from][to];

	if (!e) {
		e = g_new0(struct lockdep_edge, 1);
		e->from = from;
		e->to = to;
		e->file = lockdep_here.file;
		e->line = line;
		e->cmd = lockdep_here.cmd;
		e->model = lockdep_here.model;
		e->func = func;
		e->held_func = held_func;
		e->task = task ? g_intern_string(task) : NULL;
		ld.edge[from][to] = e;
		ld.made[ld.nmade++] = e;
	}
	e->labels |= label;
	ld.labels[from][to] |= (uint8_t)label;
	if (from == to)
		return e;
	/*
	 * every node reaching @from (and @from) now reaches @to and beyond;
	 * only a node with an edge out reaches anything, so only those are
	 * looked at (a fuzz input rebuilds the graph from nothing)
	 */
	bit_set(ld.has_out, from);
	for (int w0 = 0; w0 < LOCKDEP_WORDS; w0++) {
		for (uint64_t m = ld.has_out[w0]; m; m &= m - 1) {
			int x = w0 * 64 + __builtin_ctzll(m);

			if (x != from && !bit_test(ld.reach[x], from))
				continue;
			bit_set(ld.reach[x], to);
			for (int w = 0; w < LOCKDEP_WORDS; w++)
				ld.reach[x][w] |= ld.reach[to][w];
		}
	}
	return e;
}

static bool report_once(const char *rule, int from, int to)
{
	char key[64];

	snprintf(key, sizeof(key), "%s:%d:%d", rule, from, to);
	if (g_tree_lookup(ld.reported, key))
		return false;
	g_tree_insert(ld.reported, g_strdup(key), GINT_TO_POINTER(1));
	return true;
}

static const struct lockdep_known *known_issue(const char *rule, int from_cls, int to_cls)
{
	for (guint i = 0; i < ld.rules.known->len; i++) {
		const struct lockdep_known *k = g_ptr_array_index(ld.rules.known, i);

		if (k->from == from_cls && k->to == to_cls && (!rule || !strcmp(k->rule, rule)))
			return k;
	}
	return NULL;
}

static bool allowed(int from_cls, int to_cls)
{
	for (guint i = 0; i < ld.rules.rules->len; i++) {
		const struct lockdep_rule *r = g_ptr_array_index(ld.rules.rules, i);

		if (r->kind == RULE_ALLOW && r->cls == from_cls && r->to == to_cls)
			return true;
	}
	return false;
}

/*
 * A strong path @start ~> @target (lockdep's reader rule), entering @start
 * through a recursive-read end if @start_r; the path's nodes in @path.
 * The cycle closes with an edge out of @target whose held end is S if
 * @close_s.  Returns the node count, or 0.
 */
static int find_path(int start, bool start_r, int target, bool close_s, int *path)
{
	int prev[LOCKDEP_MAX_NODES * 2], queue[LOCKDEP_MAX_NODES * 2];
	int head = 0, tail = 0, found = -1, n = 0, st;

	for (int i = 0; i < LOCKDEP_MAX_NODES * 2; i++)
		prev[i] = -2;
	st = start * 2 + start_r;
	prev[st] = -1;
	queue[tail++] = st;
	while (head < tail && found < 0) {
		int s = queue[head++], x = s / 2;
		bool in_r = s & 1;

		if (x == target && !(in_r && close_s)) {
			found = s;
			break;
		}
		for (int y = 0; y < LOCKDEP_MAX_NODES; y++) {
			unsigned int l = ld.labels[x][y];

			if (!l || y == x)
				continue;
			/* an edge already reported as a violation closes no more cycles */
			if (ld.edge[x][y] && ld.edge[x][y]->status == 2)
				continue;
			if (in_r)	/* entered as a reader: may not leave as one */
				l &= DEP_EN | DEP_ER;
			for (int r = 0; r < 2; r++) {
				unsigned int want = r ? (DEP_ER | DEP_SR) : (DEP_EN | DEP_SN);
				int ns = y * 2 + r;

				if ((l & want) && prev[ns] == -2) {
					prev[ns] = s;
					queue[tail++] = ns;
				}
			}
		}
	}
	if (found < 0)
		return 0;
	for (int s = found; s >= 0; s = prev[s])
		n++;
	for (int s = found, i = n - 1; s >= 0; s = prev[s], i--)
		path[i] = s / 2;
	return n;
}

static unsigned int dep_label(const struct held_lock *held, const struct held_lock *next)
{
	bool s = held->mode == LOCK_SHARED && crules(held->cls)->recursive_reader;
	bool r = next->mode == LOCK_SHARED && crules(next->cls)->recursive_reader;

	return s ? (r ? DEP_SR : DEP_SN) : (r ? DEP_ER : DEP_EN);
}

static void rule_report(struct lock_ctx *ctx, const struct held_lock *held,
			const struct held_lock *next, int rule_idx, const char *what)
{
	const struct lockdep_rule *rule = lockdep_rule(rule_idx);
	const char *id = rule->kind == RULE_CONTEXT ? "L-context" : "L-rule";
	const struct lockdep_known *k = held ? known_issue(rule->id, held->cls->id, next->cls->id) : NULL;
	GString *body = g_string_new(NULL);
	char *summary;

	g_string_append_printf(body, "%s\n\nrule %s: %s\n  (%s:%d)", what, rule->id, rule->text,
			       ld.rules.file, rule->line);
	if (k)
		g_string_append_printf(body, "\n\nknown issue %s: %s\n  shown by %s", k->id, k->text,
				       k->scenario);
	summary = g_strdup_printf("%s rule %s: %s%s%s",
				  rule->kind == RULE_CONTEXT ? "invalid context," :
				  rule->kind == RULE_RANK ? "lock order violates" : "violates",
				  rule->id, what,
				  k ? " [known issue " : "", k ? k->id : "");
	if (k) {
		char *t = g_strconcat(summary, "]", NULL);

		g_free(summary);
		summary = t;
	}
	if (held) {
		struct lockdep_edge *e = ld.edge[lockdep_node(held->cls, held->subclass)]
					       [lockdep_node(next->cls, next->subclass)];

		if (e && e->status < 2)
			e->status = k ? 1 : 2;
	}
	lockdep_queue(k ? k->id : id, k != NULL, summary,
		      lockdep_format_simple(ctx, next, rule->kind == RULE_CONTEXT ?
					    "BUG: sleeping function called from invalid context" :
					    "WARNING: lock order violates a declared rule", body->str));
	g_string_free(body, TRUE);
}

static void check_new_edge(struct lock_ctx *ctx, const struct held_lock *held,
			   const struct held_lock *next, int hn, int nn, unsigned int label)
{
	const struct lockdep_class_rules *hr = crules(held->cls), *nr = crules(next->cls);
	bool cycle = false;

	if (hn != nn && bit_test(ld.reach[nn], hn)) {
		int path[LOCKDEP_MAX_NODES * 2];
		int n = find_path(nn, label & (DEP_ER | DEP_SR), hn,
				  label & (DEP_SN | DEP_SR), path);

		if (n && report_once("cycle", hn, nn)) {
			const struct lockdep_known *k = known_issue(NULL, held->cls->id, next->cls->id);

			for (int i = 0; !k && i + 1 < n; i++)
				k = known_issue(NULL, node_class(path[i])->id,
						node_class(path[i + 1])->id);
			ld.edge[hn][nn]->status = k ? 1 : 2;
			lockdep_queue(k ? k->id : "L-cycle", k != NULL,
				      g_strdup_printf("possible circular locking dependency: %s -> %s%s%s%s",
						      held->cls->name, next->cls->name,
						      k ? " [known issue " : "", k ? k->id : "",
						      k ? "]" : ""),
				      lockdep_format_cycle(ctx, held, next, path, n, k));
		}
		cycle = n > 0;
	}
	bool context = !held->cls->may_sleep && next->cls->may_sleep;

	/* sleeping under a spinlock: the context report says it all */
	if (held->cls != next->cls && !cycle && !context && hr->rank10 >= nr->rank10 &&
	    !allowed(held->cls->id, next->cls->id) && report_once("rank", hn, nn)) {
		char what[160];

		snprintf(what, sizeof(what), "%s (rank %g) taken while holding %s (rank %g)",
			 next->cls->name, nr->rank10 / 10.0, held->cls->name, hr->rank10 / 10.0);
		rule_report(ctx, held, next, ld.rules.rank_rule, what);
	}
	if (context && report_once("context", hn, nn)) {
		char what[160];

		snprintf(what, sizeof(what), "%s (%s) taken while holding %s, whose holders may not sleep",
			 next->cls->name, next->cls == &lc_fs_reclaim ? "a sleeping allocation" :
			 "may sleep", held->cls->name);
		rule_report(ctx, held, next, ld.rules.context_rule, what);
	}
}

/* Taking another instance of a class already held. */
static void check_instances(struct lock_ctx *ctx, const struct held_lock *held,
			    const struct held_lock *next, int hn, int nn)
{
	const struct lockdep_class_rules *cr = crules(next->cls);
	char what[200];

	if (cr->single_rule >= 0) {
		if (report_once("single", hn, nn)) {
			snprintf(what, sizeof(what), "a second %s (%llu) taken while holding %s (%llu)",
				 next->cls->name, (unsigned long long)next->inst, held->cls->name,
				 (unsigned long long)held->inst);
			rule_report(ctx, held, next, cr->single_rule, what);
		}
		return;
	}
	if (held->inst == next->inst) {
		/* lock.c refuses exclusive recursion; a non-recursive reader twice */
		if (!cr->recursive_reader && report_once("recursive", hn, nn)) {
			snprintf(what, sizeof(what),
				 "possible recursive locking: %s (%llu) taken shared twice (a waiting writer deadlocks it)",
				 next->cls->name, (unsigned long long)next->inst);
			rule_report(ctx, held, next, ld.rules.nesting_rule, what);
		}
		return;
	}
	if (cr->order_rule >= 0) {
		const struct lockdep_rule *r = lockdep_rule(cr->order_rule);

		if (next->inst < held->inst) {
			char key[24];

			snprintf(key, sizeof(key), "order-%s", r->id);
			if (report_once(key, hn, nn)) {
				snprintf(what, sizeof(what),
					 "%s %llu taken while holding %s %llu: instances nest in ascending order (by %s)",
					 next->cls->name, (unsigned long long)next->inst,
					 held->cls->name, (unsigned long long)held->inst, r->by);
				rule_report(ctx, held, next, cr->order_rule, what);
			}
		}
		return;
	}
	if (held->subclass == next->subclass && report_once("nesting", hn, nn)) {
		snprintf(what, sizeof(what),
			 "possible recursive locking: %s (%llu) taken while holding %s (%llu), same subclass %d and no instance-order rule",
			 next->cls->name, (unsigned long long)next->inst, held->cls->name,
			 (unsigned long long)held->inst, next->subclass);
		rule_report(ctx, held, next, ld.rules.nesting_rule, what);
	}
}

static void lockdep_acquire(struct lock_ctx *ctx, const struct held_lock *next)
{
	int nn = lockdep_node(next->cls, next->subclass);

	for (int i = 0; i < ctx->depth; i++) {
		const struct held_lock *held = &ctx->held[i];
		int hn;
		unsigned int label;

		if (held == next)
			continue;
		hn = lockdep_node(held->cls, held->subclass);
		if (held->cls == next->cls)
			check_instances(ctx, held, next, hn, nn);
		label = dep_label(held, next);
		if (ld.labels[hn][nn] & label)
			continue;	/* the fast path: a known dependency */
		add_edge(hn, nn, label, next->func, held->func, ctx->name, next->line);
		check_new_edge(ctx, held, next, hn, nn, label);
	}
}

static void lockdep_assert_failed(struct lock_ctx *ctx, const struct lock_class *cls,
				  uint64_t inst, enum lock_mode mode, const char *func)
{
	char what[200];
	struct held_lock want = { cls, inst, mode, 0, func, sim_cur_line };

	if (!report_once(func, cls->id, mode))
		return;
	snprintf(what, sizeof(what), "lockdep_assert_held%s(%s %llu) failed in %s",
		 mode == LOCK_EXCL ? "_write" : "", cls->name, (unsigned long long)inst, func);
	lockdep_queue("L-assert", false, g_strdup(what),
		      lockdep_format_simple(ctx, &want, "WARNING: lock held assertion failed",
					    "the kernel path requires this lock, which the task does not hold"));
}

static void lockdep_alloc(struct lock_ctx *ctx, unsigned int gfp, const char *func)
{
	if (!(gfp & __GFP_DIRECT_RECLAIM))
		return;		/* GFP_NOWAIT: never sleeps */
	if (gfp & __GFP_FS) {
		/* fs_reclaim_acquire/release: "allocate under X" is X -> fs_reclaim */
		lock_acquire(&lc_fs_reclaim, 0, LOCK_EXCL, 0, func);
		lock_release(&lc_fs_reclaim, 0, func);
		return;
	}
	/* GFP_NOFS: sleeps, but never enters the filesystem */
	for (int i = 0; i < ctx->depth; i++) {
		const struct held_lock *held = &ctx->held[i];
		struct held_lock alloc = { &lc_fs_reclaim, 0, LOCK_EXCL, 0, func, sim_cur_line };
		char what[200];

		if (held->cls->may_sleep || !report_once("context-nofs", held->cls->id, 0))
			continue;
		snprintf(what, sizeof(what), "a sleeping allocation (GFP_NOFS) in %s while holding %s, whose holders may not sleep",
			 func, held->cls->name);
		rule_report(ctx, held, &alloc, ld.rules.context_rule, what);
	}
}

static const struct lock_hooks lockdep_hooks = {
	.acquire	= lockdep_acquire,
	.assert_failed	= lockdep_assert_failed,
	.alloc		= lockdep_alloc,
};

static gint str_cmp(gconstpointer a, gconstpointer b, gpointer u)
{
	return strcmp(a, b);
}

/* The declared reclaim edges: fs_reclaim -> every class reclaim may take. */
static void add_reclaim_edges(void)
{
	int from = lockdep_node(&lc_fs_reclaim, 0);

	for (int c = 0; c < lock_nr_classes(); c++) {
		const struct lockdep_rule *r = lockdep_rule(ld.rules.cls[c].reclaim_rule);
		struct lockdep_edge *e;
		const char *saved = lockdep_here.file, *scmd = lockdep_here.cmd;

		if (!r)
			continue;
		lockdep_here.file = g_intern_string(ld.rules.file);
		lockdep_here.cmd = g_intern_string("reclaim");
		e = add_edge(from, lockdep_node(lock_class_by_id(c), 0), DEP_EN,
			     "shrink_node", "fs_reclaim_acquire", "kswapd", r->line);
		e->model = NULL;
		e->declared = true;
		lockdep_here.file = saved;
		lockdep_here.cmd = scmd;
	}
}

void lockdep_reset_graph(void)
{
	/* per fuzz input (fuzz_lockdep_fresh): only the edges made, not all 128 x 128 */
	for (int i = 0; i < ld.nmade; i++) {
		struct lockdep_edge *e = ld.made[i];

		ld.edge[e->from][e->to] = NULL;
		g_free(e);
	}
	ld.nmade = 0;
	memset(ld.labels, 0, sizeof(ld.labels));
	memset(ld.reach, 0, sizeof(ld.reach));
	memset(ld.has_out, 0, sizeof(ld.has_out));
	if (ld.reported)
		g_tree_destroy(ld.reported);
	ld.reported = g_tree_new_full(str_cmp, NULL, g_free, NULL);
	if (ld.on)
		add_reclaim_edges();
}

int lockdep_enable(const char *rules_file, char *err, size_t errlen)
{
	gchar *text = NULL;
	int ret;

	if (rules_file && !g_file_get_contents(rules_file, &text, NULL, NULL)) {
		snprintf(err, errlen, "%s: cannot read the lock rules file", rules_file);
		return 2;
	}
	ret = lockdep_enable_text(rules_file ? rules_file : "docs/locking.rules",
				  text ? text : lockdep_builtin_rules, err, errlen);
	g_free(text);
	return ret;
}

int lockdep_enable_text(const char *name, const char *text, char *err, size_t errlen)
{
	int ret;

	if (lock_nr_classes() * LOCKDEP_MAX_SUBCLASS > LOCKDEP_MAX_NODES)
		panic("LOCKDEP_MAX_NODES too small for %d classes", lock_nr_classes());
	lockdep_disable();
	lock_class_by_id(0);	/* ids assigned */
	ret = lockdep_rules_parse(name, text, &ld.rules, err, errlen);
	if (ret)
		return ret;
	ld.on = true;
	lockdep_reset_graph();
	lock_hooks = &lockdep_hooks;
	return 0;
}

void lockdep_disable(void)
{
	if (lock_hooks == &lockdep_hooks)
		lock_hooks = NULL;
	if (!ld.on)
		return;
	ld.on = false;
	lockdep_reset_graph();
	g_tree_destroy(ld.reported);
	ld.reported = NULL;
	lockdep_rules_free(&ld.rules);
}

