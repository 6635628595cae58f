// SPDX-License-Identifier: MIT
/*
 * Lock validator reports, in the shape of the kernel's lockdep splats, and
 * the observed graph as text (make lockcheck) and Graphviz dot (make
 * lockgraph).  Everything printed is deterministic: class names, instance
 * keys, scenario file:line, command and kernel function; never an address.
 */
#include <string.h>

#include "lockdep.h"
#include "sim.h"

static GPtrArray *queue;		/* struct lockdep_report * */
static GPtrArray *all_reports;		/* summaries of the whole process */
unsigned long lockdep_nr_reports, lockdep_nr_known;

static void free_report(gpointer p)
{
	struct lockdep_report *r = p;

	g_free(r->summary);
	g_free(r->block);
	g_free(r);
}

void lockdep_queue(const char *id, bool known, char *summary, char *block)
{
	struct lockdep_report *r = g_new0(struct lockdep_report, 1);

	if (!queue) {
		queue = g_ptr_array_new_with_free_func(free_report);
		all_reports = g_ptr_array_new_with_free_func(g_free);
	}
	g_strlcpy(r->id, id, sizeof(r->id));
	r->known = known;
	r->summary = summary;
	r->block = block;
	g_ptr_array_add(queue, r);
	g_ptr_array_add(all_reports, g_strdup_printf("%s %s %s at %s:%d", known ? "known" : "report",
						     id, summary,
						     lockdep_here.file ? lockdep_here.file : "-",
						     sim_cur_line));
	if (known)
		lockdep_nr_known++;
	else
		lockdep_nr_reports++;
}

int lockdep_drain(lockdep_report_fn fn, void *arg)
{
	int n = 0;

	if (!queue)
		return 0;
	for (guint i = 0; i < queue->len; i++) {
		const struct lockdep_report *r = g_ptr_array_index(queue, i);

		fn(r, arg);
		n += !r->known;
	}
	g_ptr_array_set_size(queue, 0);
	return n;
}

void lockdep_reports_reset(void)
{
	if (queue)
		g_ptr_array_free(queue, TRUE);
	if (all_reports)
		g_ptr_array_free(all_reports, TRUE);
	queue = all_reports = NULL;
	lockdep_nr_reports = lockdep_nr_known = 0;
}

/* ---- formatting ----------------------------------------------------------- */

static void inst_str(char *buf, size_t len, const struct lock_class *cls, uint64_t inst)
{
	if (cls == &lc_dax_entry)
		snprintf(buf, len, "{ino %llu index %llu}", (unsigned long long)(inst >> 40),
			 (unsigned long long)(inst & ((1ULL << 40) - 1)));
	else if (cls == &lc_agf)
		snprintf(buf, len, "{ag %llu}", (unsigned long long)inst);
	else if (cls == &lc_ptl || cls == &lc_mmap_lock)
		snprintf(buf, len, "{pid %llu}", (unsigned long long)inst);
	else if (cls == &lc_i_rwsem || cls == &lc_invalidate_lock || cls == &lc_ilock ||
		 cls == &lc_i_mmap_rwsem || cls == &lc_xa_lock)
		snprintf(buf, len, "{ino %llu}", (unsigned long long)inst);
	else
		snprintf(buf, len, "{%llu}", (unsigned long long)inst);
}

static void lock_line(GString *s, const struct held_lock *hl)
{
	char inst[64], name[48];

	inst_str(inst, sizeof(inst), hl->cls, hl->inst);
	lockdep_node_name(lockdep_node(hl->cls, hl->subclass), name, sizeof(name));
	g_string_append_printf(s, "%s %s%s, at: %s", name, inst,
			       hl->mode == LOCK_SHARED ? " (shared)" : "", hl->func);
	if (hl->line)
		g_string_append_printf(s, " (line %d)", hl->line);
	g_string_append_c(s, '\n');
}

static void held_locks(GString *s, struct lock_ctx *ctx, const struct held_lock *skip)
{
	int n = 0;

	for (int i = 0; i < ctx->depth; i++)
		n += &ctx->held[i] != skip;
	g_string_append_printf(s, "%d lock%s held by %s:\n", n, n == 1 ? "" : "s", ctx->name);
	for (int i = 0, k = 0; i < ctx->depth; i++) {
		if (&ctx->held[i] == skip)
			continue;
		g_string_append_printf(s, " #%d: ", k++);
		lock_line(s, &ctx->held[i]);
	}
}

static void header(GString *s, const char *title)
{
	size_t n = strlen(title);
	char *eq = g_strnfill(n, '='), *dash = g_strnfill(n, '-');

	g_string_append_printf(s, "%s\n%s\n%s\n", eq, title, dash);
	g_free(eq);
	g_free(dash);
}

static void where_now(GString *s)
{
	if (sim_cur_line)
		g_string_append_printf(s, "%s:%d (%s)", lockdep_here.file ? lockdep_here.file : "-",
				       sim_cur_line, lockdep_here.cmd ? lockdep_here.cmd : "-");
	else
		g_string_append_printf(s, "%s, end of scenario (unmount)",
				       lockdep_here.file ? lockdep_here.file : "-");
}

/* The daxsim command line that reproduces it: the files involved, in run order. */
static void repro(GString *s, const char *const *files, int nfiles)
{
	g_string_append_printf(s, "reproduce: daxsim run");
	if (lockdep_here.model)
		g_string_append_printf(s, " --model %s", lockdep_here.model);
	for (guint i = 0; lockdep_here.files && i < lockdep_here.files->len; i++) {
		const char *f = g_ptr_array_index(lockdep_here.files, i);
		bool used = f == lockdep_here.file;

		for (int j = 0; j < nfiles && !used; j++)
			used = files[j] == f;
		if (used)
			g_string_append_printf(s, " %s", f);
	}
	g_string_append_c(s, '\n');
}

char *lockdep_format_simple(struct lock_ctx *ctx, const struct held_lock *next,
			    const char *title, const char *body)
{
	GString *s = g_string_new(NULL);

	header(s, title);
	g_string_append_printf(s, "task %s at ", ctx->name);
	where_now(s);
	g_string_append_printf(s, " %s:\n  ", strstr(title, "assertion") ? "requires lock" :
			       "is trying to acquire lock");
	lock_line(s, next);
	g_string_append_printf(s, "\n%s\n\n", body);
	held_locks(s, ctx, next);
	g_string_append_c(s, '\n');
	repro(s, NULL, 0);
	return g_string_free(s, FALSE);
}

static const char *nname(int node, char *buf, size_t len)
{
	return lockdep_node_name(node, buf, len);
}

char *lockdep_format_cycle(struct lock_ctx *ctx, const struct held_lock *held,
			   const struct held_lock *next, const int *path, int n,
			   const struct lockdep_known *known)
{
	GString *s = g_string_new(NULL);
	const char *files[LOCKDEP_MAX_NODES * 2];
	int nfiles = 0;
	char a[48], b[48], c[48];
	int hn = lockdep_node(held->cls, held->subclass), nn = lockdep_node(next->cls, next->subclass);

	header(s, "WARNING: possible circular locking dependency detected");
	g_string_append_printf(s, "task %s is trying to acquire lock at ", ctx->name);
	where_now(s);
	g_string_append(s, ":\n  ");
	lock_line(s, next);
	g_string_append(s, "\nbut task is already holding lock:\n  ");
	lock_line(s, held);
	g_string_append(s, "\nwhich lock already depends on the new lock.\n\n");
	g_string_append(s, "the existing dependency chain (in reverse order) is:\n");
	/* path[0] = the new lock ... path[n-1] = the held lock */
	for (int i = n - 1; i >= 1; i--) {
		const struct lockdep_edge *e = lockdep_edge_get(path[i - 1], path[i]);

		g_string_append_printf(s, "\n-> #%d (%s):\n", i, nname(path[i], a, sizeof(a)));
		g_string_append_printf(s, "       taken in %s while holding %s (taken in %s)\n",
				       e->func, nname(path[i - 1], b, sizeof(b)), e->held_func);
		if (e->declared)
			g_string_append_printf(s, "       declared at %s:%d (%s)\n", e->file, e->line,
					       e->cmd);
		else
			g_string_append_printf(s, "       first seen at %s:%d (%s), task %s%s%s\n",
					       e->file ? e->file : "-", e->line, e->cmd ? e->cmd : "unmount",
					       e->task ? e->task : "-", e->model ? ", model " : "",
					       e->model ? e->model : "");
		if (!e->declared)
			files[nfiles++] = e->file;
	}
	g_string_append_printf(s, "\n-> #0 (%s):\n", nname(nn, a, sizeof(a)));
	g_string_append_printf(s, "       taken in %s while holding %s (taken in %s)\n       now at ",
			       next->func, nname(hn, b, sizeof(b)), held->func);
	where_now(s);
	g_string_append_printf(s, ", task %s\n", ctx->name);

	g_string_append(s, "\nother info that might help us debug this:\n\n");
	if (n > 2) {
		g_string_append(s, "Chain exists of:\n  ");
		for (int i = 0; i < n; i++)
			g_string_append_printf(s, "%s%s", i ? " --> " : "", nname(path[i], a, sizeof(a)));
		g_string_append_printf(s, " --> %s\n\n", nname(path[0], a, sizeof(a)));
	}
	g_string_append(s, " Possible unsafe locking scenario:\n\n");
	{
		char t0[64];

		snprintf(t0, sizeof(t0), "T0 (%s)", ctx->name);
		g_string_append_printf(s, "       %-24sT1\n       %-24s----\n", t0, "----");
	}
	g_string_append_printf(s, "  %slock(%s);\n", held->mode == LOCK_SHARED ? "r" : "",
			       nname(hn, a, sizeof(a)));
	for (int i = 0; i < n; i++) {
		const struct lockdep_edge *e = i ? lockdep_edge_get(path[i - 1], path[i]) : NULL;
		bool r = e && !(e->labels & (DEP_EN | DEP_SN));

		g_string_append_printf(s, "  %-29s%slock(%s);\n", "", r ? "r" : "",
				       nname(path[i], c, sizeof(c)));
	}
	g_string_append_printf(s, "  %slock(%s);\n", next->mode == LOCK_SHARED ? "r" : "",
			       nname(nn, a, sizeof(a)));
	g_string_append(s, "\n *** DEADLOCK ***\n\n");
	if (known)
		g_string_append_printf(s, "known issue %s (rule %s, %s:%d): %s\n  shown by %s\n\n",
				       known->id, known->rule, lockdep_rules_get()->file, known->line,
				       known->text, known->scenario);
	held_locks(s, ctx, next);
	g_string_append_c(s, '\n');
	repro(s, files, nfiles);
	return g_string_free(s, FALSE);
}

/* ---- the graph ------------------------------------------------------------ */

static const char *label_str(unsigned int l, char *buf)
{
	char *p = buf;

	if (l & DEP_EN)
		p += sprintf(p, "%sEN", p == buf ? "" : ",");
	if (l & DEP_ER)
		p += sprintf(p, "%sER", p == buf ? "" : ",");
	if (l & DEP_SN)
		p += sprintf(p, "%sSN", p == buf ? "" : ",");
	if (l & DEP_SR)
		p += sprintf(p, "%sSR", p == buf ? "" : ",");
	return buf;
}

/*
 * One line per edge, in node order:
 *   edge FROM TO LABELS FILE:LINE CMD FUNC HELD_FUNC TASK MODEL
 *   declared FROM TO RULE-FILE:LINE
 *   report|known ID SUMMARY at FILE:LINE
 */
void lockdep_write_edges(FILE *f)
{
	char a[48], b[48], l[16];

	for (int i = 0; i < LOCKDEP_MAX_NODES; i++)
		for (int j = 0; j < LOCKDEP_MAX_NODES; j++) {
			const struct lockdep_edge *e = lockdep_edge_get(i, j);

			if (!e)
				continue;
			nname(i, a, sizeof(a));
			nname(j, b, sizeof(b));
			if (e->declared)
				fprintf(f, "declared %s %s %s:%d\n", a, b, e->file, e->line);
			else
				fprintf(f, "edge %s %s %s %s:%d %s %s %s %s %s\n", a, b,
					label_str(e->labels, l), e->file ? e->file : "-", e->line,
					e->cmd ? e->cmd : "unmount", e->func, e->held_func,
					e->task ? e->task : "-", e->model ? e->model : "-");
		}
	for (guint i = 0; all_reports && i < all_reports->len; i++)
		fprintf(f, "%s\n", (const char *)g_ptr_array_index(all_reports, i));
}

/* Nodes coloured by rank (outer = light), edges by the rank of their source; red: violations. */
void lockdep_write_dot(FILE *f)
{
	static const char *const palette[] = {
		"#fff5eb", "#fee6ce", "#fdd0a2", "#fdae6b", "#fd8d3c", "#f16913",
		"#d94801", "#a63603", "#7f2704", "#54278f", "#3f007d", "#08519c", "#08306b",
	};
	static const char *const edge_palette[] = {
		"#636363", "#3182bd", "#31a354", "#756bb1", "#e6550d", "#6baed6",
		"#74c476", "#9e9ac8", "#fd8d3c", "#2171b5", "#238b45", "#6a51a3", "#525252",
	};
	const struct lockdep_rules *r = lockdep_rules_get();
	bool used[LOCKDEP_MAX_NODES] = { false };
	char a[48], b[48];

	for (int i = 0; i < LOCKDEP_MAX_NODES; i++)
		for (int j = 0; j < LOCKDEP_MAX_NODES; j++)
			if (lockdep_edge_get(i, j))
				used[i] = used[j] = true;
	fprintf(f, "digraph lockdep {\n\trankdir=TB;\n\tnode [shape=box, style=filled, fontname=\"monospace\"];\n");
	for (int i = 0; i < LOCKDEP_MAX_NODES; i++) {
		const struct lock_class *cls = lock_class_by_id(i / LOCKDEP_MAX_SUBCLASS);
		int rank10, idx;

		if (!used[i] && (i % LOCKDEP_MAX_SUBCLASS || !cls))
			continue;
		if (!cls)
			continue;
		rank10 = r->cls[cls->id].rank10;
		idx = MIN(rank10 / 10, (int)G_N_ELEMENTS(palette) - 1);
		fprintf(f, "\t\"%s\" [label=\"%s\\nrank %g\", fillcolor=\"%s\", fontcolor=\"%s\"];\n",
			nname(i, a, sizeof(a)), a, rank10 / 10.0, palette[idx],
			idx >= 7 ? "white" : "black");
	}
	for (int i = 0; i < LOCKDEP_MAX_NODES; i++)
		for (int j = 0; j < LOCKDEP_MAX_NODES; j++) {
			const struct lockdep_edge *e = lockdep_edge_get(i, j);
			int idx;

			if (!e)
				continue;
			idx = MIN(r->cls[i / LOCKDEP_MAX_SUBCLASS].rank10 / 10,
				  (int)G_N_ELEMENTS(edge_palette) - 1);
			nname(i, a, sizeof(a));
			nname(j, b, sizeof(b));
			fprintf(f, "\t\"%s\" -> \"%s\" [color=\"%s\"%s%s, tooltip=\"%s:%d %s\"];\n", a, b,
				e->status == 2 ? "red" : e->status == 1 ? "orange" : edge_palette[idx],
				e->status ? ", penwidth=2.5" : "",
				e->declared ? ", style=dashed" : "",
				e->file ? e->file : "-", e->line, e->func ? e->func : "");
		}
	fprintf(f, "}\n");
}
