// SPDX-License-Identifier: MIT
/*
 * The lock validator's rules-file parser (sim/kernel/locking/lockdep_rules.c,
 * docs/locking.rules): every malformed statement is refused with exit
 * status 2 and a "FILE:LINE: 'WORD': message" naming the offending word,
 * and the parse stops at the first error.  Each case is the built-in
 * rules (a valid file) with one line appended or one line alone.
 */
#include <check.h>
#include <glib.h>
#include <string.h>

#include "lockdep.h"
#include "unit_suites.h"

/* The built-in classes only (no rules): a prefix the rule cases extend. */
static gchar *classes;
static int builtin_lines;

static void setup(void)
{
	GString *s = g_string_new(NULL);
	gchar **lines = g_strsplit(lockdep_builtin_rules, "\n", -1);

	for (int i = 0; lines[i]; i++) {
		const char *l = lines[i];

		while (*l == ' ' || *l == '\t')
			l++;
		if (!strncmp(l, "class ", 6))
			g_string_append_printf(s, "%s\n", l);
	}
	g_strfreev(lines);
	classes = g_string_free(s, FALSE);
	builtin_lines = 0;
	for (const char *c = lockdep_builtin_rules; *c; c++)
		builtin_lines += *c == '\n';
}

static void teardown(void)
{
	g_free(classes);
}

/* Parse @head + @extra; the error text ("" when the parse succeeded). */
static const char *parse2(const char *head, const char *extra)
{
	static char err[512];
	struct lockdep_rules r;
	gchar *text = g_strconcat(head, extra, NULL);
	int ret = lockdep_rules_parse("t.rules", text, &r, err, sizeof(err));

	g_free(text);
	if (ret == 0) {
		lockdep_rules_free(&r);
		return "";
	}
	ck_assert_int_eq(ret, 2);
	ck_assert_ptr_null(r.rules);	/* a failed parse leaves nothing behind */
	ck_assert_ptr_null(r.known);
	return err;
}

/* An error in line @extra appended to the whole built-in file. */
static const char *after_builtin(const char *extra)
{
	static char want[64];
	const char *e = parse2(lockdep_builtin_rules, extra);

	/* the error names the first appended line */
	snprintf(want, sizeof(want), "t.rules:%d: ", builtin_lines + 1);
	ck_assert_msg(!strncmp(e, want, strlen(want)), "%s does not start with %s", e, want);
	return e + strlen(want);
}

START_TEST(test_builtin_parses)
{
	ck_assert_str_eq(parse2(lockdep_builtin_rules, ""), "");
	/* comments: '#' starts one only at the start of a word and outside quotes */
	ck_assert_str_eq(parse2(lockdep_builtin_rules,
				"rule Rq1 allow agf -> ilock \"a # in quotes#and-a#in-a-word\" # c\n"), "");
}
END_TEST

START_TEST(test_class_errors)
{
	const char *shape = "expected: class NAME rank N kind K sleep yes|no [reader recursive]";
	char want[256];

	snprintf(want, sizeof(want), "t.rules:1: 'class': %s", shape);
	ck_assert_str_eq(parse2("class\n", ""), want);
	snprintf(want, sizeof(want), "t.rules:1: 'agf': %s", shape);
	ck_assert_str_eq(parse2("class agf rank 8 kind mutex\n", ""), want);
	ck_assert_str_eq(parse2("class agf rang 8 kind mutex sleep yes\n", ""), want);
	ck_assert_str_eq(parse2("class agf rank 8 kinds mutex sleep yes\n", ""), want);
	ck_assert_str_eq(parse2("class agf rank 8 kind mutex sleeps yes\n", ""), want);
	ck_assert_str_eq(after_builtin("class agf rank 8 kind mutex sleep yes\n"),
			 "'agf': class declared twice");
	ck_assert_str_eq(parse2("class agf rank x kind mutex sleep yes\n", ""),
			 "t.rules:1: 'x': rank must be a number from 0 to 1000 (one decimal)");
	ck_assert_str_eq(parse2("class agf rank 8x kind mutex sleep yes\n", ""),
			 "t.rules:1: '8x': rank must be a number from 0 to 1000 (one decimal)");
	ck_assert_str_eq(parse2("class agf rank -1 kind mutex sleep yes\n", ""),
			 "t.rules:1: '-1': rank must be a number from 0 to 1000 (one decimal)");
	ck_assert_str_eq(parse2("class agf rank 1000.5 kind mutex sleep yes\n", ""),
			 "t.rules:1: '1000.5': rank must be a number from 0 to 1000 (one decimal)");
	ck_assert_str_eq(parse2("class agf rank 8 kind futex sleep yes\n", ""),
			 "t.rules:1: 'futex': kind must be mutex, rwsem, spinlock, bitlock or pseudo");
	ck_assert_str_eq(parse2("class agf rank 8 kind mutex sleep maybe\n", ""),
			 "t.rules:1: 'maybe': sleep must be yes or no");
	ck_assert_str_eq(parse2("class agf rank 8 kind mutex sleep no\n", ""),
			 "t.rules:1: 'no': sim/kernel/include/lock.h says holders of agf may sleep");
	ck_assert_str_eq(parse2("class ptl rank 11 kind spinlock sleep yes\n", ""),
			 "t.rules:1: 'yes': sim/kernel/include/lock.h says holders of ptl may not sleep");
	ck_assert_str_eq(parse2("class agf rank 8 kind mutex sleep yes reader\n", ""),
			 "t.rules:1: 'reader': expected nothing or 'reader recursive'");
	ck_assert_str_eq(parse2("class agf rank 8 kind mutex sleep yes writer recursive\n", ""),
			 "t.rules:1: 'writer': expected nothing or 'reader recursive'");
	ck_assert_str_eq(parse2("class agf rank 8 kind mutex sleep yes reader nested\n", ""),
			 "t.rules:1: 'reader': expected nothing or 'reader recursive'");
	/* a quoting error: glib's message (its wording varies with the version) */
	ck_assert(g_str_has_prefix(parse2("class 'agf\n", ""), "t.rules:1: 'class 'agf': "));
}
END_TEST

START_TEST(test_rule_errors)
{
	ck_assert_str_eq(after_builtin("rule R99 rank\n"), "'rule': expected: rule ID KIND ... \"reason\"");
	ck_assert_str_eq(after_builtin("rule X1 allow agf -> ilock \"r\"\n"),
			 "'X1': a rule ID is R followed by up to 6 letters or digits");
	ck_assert_str_eq(after_builtin("rule R allow agf -> ilock \"r\"\n"),
			 "'R': a rule ID is R followed by up to 6 letters or digits");
	ck_assert_str_eq(after_builtin("rule R1234567 allow agf -> ilock \"r\"\n"),
			 "'R1234567': a rule ID is R followed by up to 6 letters or digits");
	ck_assert_str_eq(after_builtin("rule R1$ allow agf -> ilock \"r\"\n"),
			 "'R1$': a rule ID is R followed by up to 6 letters or digits");
	ck_assert_str_eq(after_builtin("rule R1 allow agf -> ilock \"r\"\n"), "'R1': rule ID used twice");
	ck_assert_str_eq(after_builtin("rule R90 rank \"r\"\n"), "'rank': only one rank rule");
	ck_assert_str_eq(after_builtin("rule R90 context \"r\"\n"), "'context': only one context rule");
	ck_assert_str_eq(after_builtin("rule R90 nesting \"r\"\n"), "'nesting': only one nesting rule");
	ck_assert_str_eq(after_builtin("rule R90 order agf via agno \"r\"\n"),
			 "'via': expected: rule ID order CLASS by WHAT \"reason\"");
	ck_assert_str_eq(after_builtin("rule R90 order agf by \"r\"\n"),
			 "'r': expected 7 words for a 'order' rule, got 6");
	ck_assert_str_eq(after_builtin("rule R90 order agf by agno \"r\"\n"),
			 "'agf': a second order rule for this class");
	ck_assert_str_eq(after_builtin("rule R90 order nosuch by agno \"r\"\n"),
			 "'nosuch': unknown lock class (sim/kernel/include/lock.h LOCK_CLASSES)");
	ck_assert_str_eq(after_builtin("rule R90 allow agf => ilock \"r\"\n"),
			 "'=>': expected: rule ID allow FROM -> TO \"reason\"");
	ck_assert_str_eq(after_builtin("rule R90 allow agf -> nosuch \"r\"\n"),
			 "'nosuch': unknown lock class (sim/kernel/include/lock.h LOCK_CLASSES)");
	ck_assert_str_eq(after_builtin("rule R90 single agf \"r\" extra\n"),
			 "'extra': expected 5 words for a 'single' rule, got 6");
	ck_assert_str_eq(after_builtin("rule R90 sometimes agf \"r\"\n"),
			 "'sometimes': unknown rule kind (rank, order, nesting, single, context, reclaim, allow)");
}
END_TEST

START_TEST(test_known_errors)
{
	const char *shape = "expected: known ID breaks RULE FROM -> TO scenario PATH \"reason\"";
	char want[256];

	snprintf(want, sizeof(want), "'known': %s", shape);
	ck_assert_str_eq(after_builtin("known\n"), want);
	snprintf(want, sizeof(want), "'K-X': %s", shape);
	ck_assert_str_eq(after_builtin("known K-X breaks R1 agf -> dax_entry scenario s.scn\n"), want);
	ck_assert_str_eq(after_builtin("known K-X fixes R1 agf -> dax_entry scenario s.scn \"r\"\n"), want);
	ck_assert_str_eq(after_builtin("known K-X breaks R1 agf => dax_entry scenario s.scn \"r\"\n"), want);
	ck_assert_str_eq(after_builtin("known K-X breaks R1 agf -> dax_entry test s.scn \"r\"\n"), want);
	ck_assert_str_eq(after_builtin("known H1 breaks R1 agf -> dax_entry scenario s.scn \"r\"\n"),
			 "'H1': a known-issue ID is K followed by letters, digits or '-'");
	ck_assert_str_eq(after_builtin("known K breaks R1 agf -> dax_entry scenario s.scn \"r\"\n"),
			 "'K': a known-issue ID is K followed by letters, digits or '-'");
	ck_assert_str_eq(after_builtin("known K-X breaks R77 agf -> dax_entry scenario s.scn \"r\"\n"),
			 "'R77': no such rule (rules must come before the known issues)");
	ck_assert_str_eq(after_builtin("known K-X breaks R1 agx -> dax_entry scenario s.scn \"r\"\n"),
			 "'agx': unknown lock class (sim/kernel/include/lock.h LOCK_CLASSES)");
	ck_assert_str_eq(after_builtin("known K-X breaks R1 agf -> dax_entri scenario s.scn \"r\"\n"),
			 "'dax_entri': unknown lock class (sim/kernel/include/lock.h LOCK_CLASSES)");
	ck_assert_str_eq(after_builtin("known K-H1 breaks R1 agf -> dax_entry scenario s.scn \"r\"\n"),
			 "'K-H1': known-issue ID used twice");
}
END_TEST

/* The file as a whole: every class declared, the three singleton rules present. */
START_TEST(test_required_rules)
{
	const char *msg = "t.rules: 'rule': the rank, context and nesting rules are required";
	gchar *rank = g_strconcat(classes, "rule R1 rank \"r\"\n", NULL);
	gchar *rank_ctx = g_strconcat(rank, "rule R2 context \"r\"\n", NULL);

	ck_assert_str_eq(parse2(classes, ""), msg);
	ck_assert_str_eq(parse2(rank, ""), msg);
	ck_assert_str_eq(parse2(rank_ctx, ""), msg);
	ck_assert_str_eq(parse2(rank_ctx, "rule R3 nesting \"r\"\n"), "");
	g_free(rank);
	g_free(rank_ctx);
}
END_TEST

/* lockdep_rules_free() of what a failed parse left (zeroed) does nothing. */
START_TEST(test_free_after_failure)
{
	struct lockdep_rules r;
	char err[256];

	ck_assert_int_eq(lockdep_rules_parse("t.rules", "nonsense\n", &r, err, sizeof(err)), 2);
	lockdep_rules_free(&r);
	ck_assert_ptr_null(r.file);
	ck_assert_ptr_null(r.rules);
}
END_TEST

Suite *lockdep_rules_suite(void)
{
	Suite *s = suite_create("lockdep_rules");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_builtin_parses);
	tcase_add_test(tc, test_class_errors);
	tcase_add_test(tc, test_rule_errors);
	tcase_add_test(tc, test_known_errors);
	tcase_add_test(tc, test_required_rules);
	tcase_add_test(tc, test_free_after_failure);
	suite_add_tcase(s, tc);
	return s;
}
