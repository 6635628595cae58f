// SPDX-License-Identifier: MIT
/*
 * The declared locking rules (docs/locking.rules; the format is described
 * at the top of that file and in docs/locking.md).  One statement a line,
 * words split like a shell (quotes for the reasons), `#` comments:
 *
 *   class NAME rank N kind K sleep yes|no [reader recursive]
 *   rule ID rank "reason"
 *   rule ID order CLASS by WHAT "reason"
 *   rule ID nesting "reason"
 *   rule ID single CLASS "reason"
 *   rule ID context "reason"
 *   rule ID reclaim CLASS "reason"
 *   rule ID allow FROM -> TO "reason"
 *   known ID breaks RULE FROM -> TO scenario PATH "reason"
 *
 * Every class of sim/kernel/include/lock.h must be declared, with the kind and sleep of
 * sim/kernel/include/lock.h.  Errors name FILE:LINE and the offending word (exit 2).
 */
#include <glib.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lockdep.h"

/* The rules file, built in (see the Makefile: docs/locking.rules). */
__asm__(".section .rodata\n"
	".global lockdep_builtin_rules\n"
	".type lockdep_builtin_rules, @object\n"
	"lockdep_builtin_rules:\n"
	".incbin \"docs/locking.rules\"\n"
	".byte 0\n"
	".previous\n");

struct parse {
	const char		*file;
	int			line;
	char			*err;
	size_t			errlen;
	struct lockdep_rules	*r;
};

static int perr(struct parse *p, const char *word, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int perr(struct parse *p, const char *word, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!p->line)		/* about the whole file */
		snprintf(p->err, p->errlen, "%s: '%s': %s", p->file, word ? word : "", msg);
	else if (word)
		snprintf(p->err, p->errlen, "%s:%d: '%s': %s", p->file, p->line, word, msg);
	else
		snprintf(p->err, p->errlen, "%s:%d: %s", p->file, p->line, msg);
	return 2;
}

static int class_id(const char *name)
{
	for (int i = 0; i < lock_nr_classes(); i++)
		if (!strcmp(lock_class_by_id(i)->name, name))
			return i;
	return -1;
}

static int need_class(struct parse *p, const char *name, int *id)
{
	*id = class_id(name);
	if (*id < 0)
		return perr(p, name, "unknown lock class (sim/kernel/include/lock.h LOCK_CLASSES)");
	return 0;
}

static const char *const kind_names[] = { "mutex", "rwsem", "spinlock", "bitlock", "pseudo" };

static int parse_class(struct parse *p, char **w, int n)
{
	const struct lock_class *lc;
	struct lockdep_class_rules *cr;
	int id, i;
	char *end;
	double rank;

	if (n < 8 || strcmp(w[2], "rank") || strcmp(w[4], "kind") || strcmp(w[6], "sleep"))
		return perr(p, n > 1 ? w[1] : w[0],
			    "expected: class NAME rank N kind K sleep yes|no [reader recursive]");
	if (need_class(p, w[1], &id))
		return 2;
	lc = lock_class_by_id(id);
	cr = &p->r->cls[id];
	if (cr->declared)
		return perr(p, w[1], "class declared twice");
	rank = strtod(w[3], &end);
	if (*end || end == w[3] || rank < 0 || rank > 1000)
		return perr(p, w[3], "rank must be a number from 0 to 1000 (one decimal)");
	for (i = 0; i < (int)G_N_ELEMENTS(kind_names); i++)
		if (!strcmp(w[5], kind_names[i]))
			break;
	if (i == (int)G_N_ELEMENTS(kind_names))
		return perr(p, w[5], "kind must be mutex, rwsem, spinlock, bitlock or pseudo");
	if ((int)lc->kind != i)
		return perr(p, w[5], "sim/kernel/include/lock.h declares %s a %s", lc->name, kind_names[lc->kind]);
	if (strcmp(w[7], "yes") && strcmp(w[7], "no"))
		return perr(p, w[7], "sleep must be yes or no");
	if (lc->may_sleep != !strcmp(w[7], "yes"))
		return perr(p, w[7], "sim/kernel/include/lock.h says holders of %s %s", lc->name,
			    lc->may_sleep ? "may sleep" : "may not sleep");
	if (n == 10 && !strcmp(w[8], "reader") && !strcmp(w[9], "recursive"))
		cr->recursive_reader = true;
	else if (n != 8)
		return perr(p, w[8], "expected nothing or 'reader recursive'");
	cr->declared = true;
	cr->rank10 = (int)(rank * 10 + 0.5);
	return 0;
}

static bool valid_id(const char *id, char prefix)
{
	if (id[0] != prefix || strlen(id) < 2 || strlen(id) > 7)
		return false;
	for (const char *c = id + 1; *c; c++)
		if (!g_ascii_isalnum(*c) && *c != '-')
			return false;
	return true;
}

static int find_rule(struct lockdep_rules *r, const char *id)
{
	for (guint i = 0; i < r->rules->len; i++)
		if (!strcmp(((struct lockdep_rule *)g_ptr_array_index(r->rules, i))->id, id))
			return (int)i;
	return -1;
}

static int parse_rule(struct parse *p, char **w, int n)
{
	struct lockdep_rules *r = p->r;
	struct lockdep_rule rule = { .cls = -1, .to = -1, .line = p->line };
	int want, idx = (int)r->rules->len;

	if (n < 4)
		return perr(p, w[0], "expected: rule ID KIND ... \"reason\"");
	if (!valid_id(w[1], 'R'))
		return perr(p, w[1], "a rule ID is R followed by up to 6 letters or digits");
	if (find_rule(r, w[1]) >= 0)
		return perr(p, w[1], "rule ID used twice");
	g_strlcpy(rule.id, w[1], sizeof(rule.id));
	if (!strcmp(w[2], "rank")) {
		rule.kind = RULE_RANK;
		want = 4;
		if (r->rank_rule >= 0)
			return perr(p, w[2], "only one rank rule");
		r->rank_rule = idx;
	} else if (!strcmp(w[2], "context")) {
		rule.kind = RULE_CONTEXT;
		want = 4;
		if (r->context_rule >= 0)
			return perr(p, w[2], "only one context rule");
		r->context_rule = idx;
	} else if (!strcmp(w[2], "nesting")) {
		rule.kind = RULE_NESTING;
		want = 4;
		if (r->nesting_rule >= 0)
			return perr(p, w[2], "only one nesting rule");
		r->nesting_rule = idx;
	} else if (!strcmp(w[2], "order")) {
		rule.kind = RULE_ORDER;
		want = 7;
		if (n == want && strcmp(w[4], "by"))
			return perr(p, w[4], "expected: rule ID order CLASS by WHAT \"reason\"");
	} else if (!strcmp(w[2], "single") || !strcmp(w[2], "reclaim")) {
		rule.kind = w[2][0] == 's' ? RULE_SINGLE : RULE_RECLAIM;
		want = 5;
	} else if (!strcmp(w[2], "allow")) {
		rule.kind = RULE_ALLOW;
		want = 7;
		if (n == want && strcmp(w[4], "->"))
			return perr(p, w[4], "expected: rule ID allow FROM -> TO \"reason\"");
	} else {
		return perr(p, w[2], "unknown rule kind (rank, order, nesting, single, context, reclaim, allow)");
	}
	if (n != want)
		return perr(p, n > want ? w[want] : w[n - 1], "expected %d words for a '%s' rule, got %d",
			    want, w[2], n);
	if (rule.kind == RULE_ORDER || rule.kind == RULE_SINGLE || rule.kind == RULE_RECLAIM ||
	    rule.kind == RULE_ALLOW) {
		if (need_class(p, w[3], &rule.cls))
			return 2;
	}
	if (rule.kind == RULE_ALLOW && need_class(p, w[5], &rule.to))
		return 2;
	if (rule.kind == RULE_ORDER) {
		g_strlcpy(rule.by, w[5], sizeof(rule.by));
		if (r->cls[rule.cls].order_rule >= 0)
			return perr(p, w[3], "a second order rule for this class");
		r->cls[rule.cls].order_rule = idx;
	}
	if (rule.kind == RULE_SINGLE)
		r->cls[rule.cls].single_rule = idx;
	if (rule.kind == RULE_RECLAIM)
		r->cls[rule.cls].reclaim_rule = idx;
	rule.text = g_strdup(w[n - 1]);
	g_ptr_array_add(r->rules, g_memdup2(&rule, sizeof(rule)));
	return 0;
}

static int parse_known(struct parse *p, char **w, int n)
{
	struct lockdep_known k = { .line = p->line };

	if (n != 10 || strcmp(w[2], "breaks") || strcmp(w[5], "->") || strcmp(w[7], "scenario"))
		return perr(p, n > 1 ? w[1] : w[0],
			    "expected: known ID breaks RULE FROM -> TO scenario PATH \"reason\"");
	if (!valid_id(w[1], 'K') || strlen(w[1]) >= sizeof(k.id))
		return perr(p, w[1], "a known-issue ID is K followed by letters, digits or '-'");
	if (find_rule(p->r, w[3]) < 0)
		return perr(p, w[3], "no such rule (rules must come before the known issues)");
	if (need_class(p, w[4], &k.from) || need_class(p, w[6], &k.to))
		return 2;
	for (guint i = 0; i < p->r->known->len; i++)
		if (!strcmp(((struct lockdep_known *)g_ptr_array_index(p->r->known, i))->id, w[1]))
			return perr(p, w[1], "known-issue ID used twice");
	g_strlcpy(k.id, w[1], sizeof(k.id));
	g_strlcpy(k.rule, w[3], sizeof(k.rule));
	k.scenario = g_strdup(w[8]);
	k.text = g_strdup(w[9]);
	g_ptr_array_add(p->r->known, g_memdup2(&k, sizeof(k)));
	return 0;
}

static void free_rule(gpointer x)
{
	struct lockdep_rule *r = x;

	g_free(r->text);
	g_free(r);
}

static void free_known(gpointer x)
{
	struct lockdep_known *k = x;

	g_free(k->text);
	g_free(k->scenario);
	g_free(k);
}

int lockdep_rules_parse(const char *file, const char *text, struct lockdep_rules *r,
			char *err, size_t errlen)
{
	struct parse p = { file, 0, err, errlen, r };
	gchar **lines = g_strsplit(text, "\n", -1);
	int ret = 0;

	memset(r, 0, sizeof(*r));
	r->file = g_strdup(file);
	r->rules = g_ptr_array_new_with_free_func(free_rule);
	r->known = g_ptr_array_new_with_free_func(free_known);
	r->rank_rule = r->context_rule = r->nesting_rule = -1;
	for (int i = 0; i < (int)G_N_ELEMENTS(r->cls); i++)
		r->cls[i].order_rule = r->cls[i].single_rule = r->cls[i].reclaim_rule = -1;
	for (int i = 0; lines[i] && !ret; i++) {
		gchar **w = NULL;
		gint n = 0;
		GError *gerr = NULL;
		char *hash, *line = lines[i];

		p.line = i + 1;
		/* a comment: '#' at the start of a word, outside quotes */
		hash = line;
		for (bool q = false; *hash; hash++) {
			if (*hash == '"')
				q = !q;
			if (*hash == '#' && !q && (hash == line || g_ascii_isspace(hash[-1])))
				break;
		}
		*hash = 0;
		g_strstrip(line);
		if (!*line)
			continue;
		if (!g_shell_parse_argv(line, &n, &w, &gerr)) {
			ret = perr(&p, line, "%s", gerr->message);
			g_error_free(gerr);
			break;
		}
		if (!strcmp(w[0], "class"))
			ret = parse_class(&p, w, n);
		else if (!strcmp(w[0], "rule"))
			ret = parse_rule(&p, w, n);
		else if (!strcmp(w[0], "known"))
			ret = parse_known(&p, w, n);
		else
			ret = perr(&p, w[0], "unknown statement (class, rule, known)");
		g_strfreev(w);
	}
	g_strfreev(lines);
	if (!ret) {
		p.line = 0;
		for (int i = 0; i < lock_nr_classes() && !ret; i++)
			if (!r->cls[i].declared)
				ret = perr(&p, lock_class_by_id(i)->name,
					   "class not declared (every class of sim/kernel/include/lock.h needs a rank)");
		if (!ret && (r->rank_rule < 0 || r->context_rule < 0 || r->nesting_rule < 0))
			ret = perr(&p, "rule", "the rank, context and nesting rules are required");
	}
	if (ret)
		lockdep_rules_free(r);
	return ret;
}

void lockdep_rules_free(struct lockdep_rules *r)
{
	if (r->rules)
		g_ptr_array_free(r->rules, TRUE);
	if (r->known)
		g_ptr_array_free(r->known, TRUE);
	g_free(r->file);
	memset(r, 0, sizeof(*r));
}
