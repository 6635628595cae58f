// SPDX-License-Identifier: MIT
/*
 * The lock validator's reports and graph output (lockdep.c,
 * lockdep_report.c) in the cases the scenario goldens do not show: a
 * declared known issue met as a rank violation (not as a cycle), a
 * GFP_NOFS allocation under a spinlock (once per class), a report at the
 * end of a scenario (unmount: no command, no line), and the edge list and
 * Graphviz drawing of a graph with recursive-reader labels, a violation
 * and a known issue.  A lock-hooks table may leave methods out.
 */
#include <check.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "lock.h"
#include "lockdep.h"
#include "trace.h"
#include "unit_suites.h"

static struct lock_ctx t0, t1;
static GPtrArray *got;
static GString *blocks;

static void collect(const struct lockdep_report *r, void *arg)
{
	g_ptr_array_add(got, g_strdup_printf("%s%s: %s", r->id, r->known ? " known" : "", r->summary));
	g_string_append(blocks, r->block);
}

/* The reports so far, one per line. */
static const char *reports(void)
{
	static char buf[2048];

	lockdep_drain(collect, NULL);
	buf[0] = 0;
	for (guint i = 0; i < got->len; i++) {
		g_strlcat(buf, g_ptr_array_index(got, i), sizeof(buf));
		g_strlcat(buf, "\n", sizeof(buf));
	}
	g_ptr_array_set_size(got, 0);
	return buf;
}

static void setup(void)
{
	char err[512];

	memset(&t0, 0, sizeof(t0));
	memset(&t1, 0, sizeof(t1));
	t0.name = "T0";
	t1.name = "T1";
	ck_assert_msg(!lockdep_enable_text("test.rules", lockdep_builtin_rules, err, sizeof(err)), "%s", err);
	got = g_ptr_array_new_with_free_func(g_free);
	blocks = g_string_new(NULL);
	lockdep_here.file = NULL;	/* no scenario file, no design yet */
	lockdep_here.model = NULL;
	if (lockdep_here.files)
		g_ptr_array_set_size(lockdep_here.files, 0);
	lockdep_where(NULL, "cmd", NULL);
	sim_cur_line = 3;
	lock_current = &t0;
}

static void teardown(void)
{
	lockdep_drain(collect, NULL);
	lockdep_disable();
	lockdep_reports_reset();
	g_ptr_array_free(got, TRUE);
	g_string_free(blocks, TRUE);
	sim_cur_line = 0;
	lock_current = NULL;
}

#define TAKE(ctx, cls, inst, mode)	do { lock_current = &(ctx); \
	lock_acquire(&lc_##cls, inst, mode, 0, "f_" #cls); } while (0)
#define DROP(ctx, cls, inst)		do { lock_current = &(ctx); \
	lock_release(&lc_##cls, inst, "f_" #cls); } while (0)

/* K-H1 declares agf -> dax_entry (a rank R1 violation): met alone, it is the known issue. */
START_TEST(test_known_rank_violation)
{
	TAKE(t0, agf, 0, LOCK_EXCL);
	TAKE(t0, dax_entry, 1, LOCK_EXCL);
	ck_assert_str_eq(reports(), "K-H1 known: lock order violates rule R1: dax_entry (rank 6) taken while "
			 "holding agf (rank 8) [known issue K-H1]\n");
	ck_assert_ptr_nonnull(strstr(blocks->str, "WARNING: lock order violates a declared rule"));
	ck_assert_ptr_nonnull(strstr(blocks->str, "task T0 at -:3 (cmd) is trying to acquire lock"));
	ck_assert_ptr_nonnull(strstr(blocks->str, "\n\nknown issue K-H1: memory failure: "));
	ck_assert_ptr_nonnull(strstr(blocks->str, "  shown by scenarios/locking/h1-memory-failure-cow.scn"));
	ck_assert_ptr_nonnull(strstr(blocks->str, "reproduce: daxsim run\n"));
	DROP(t0, dax_entry, 1);
	DROP(t0, agf, 0);
}
END_TEST

/* GFP_NOFS never recurses into the fs, but sleeps: under a spinlock it is L-context, once per class. */
START_TEST(test_nofs_allocation_under_spinlock)
{
	TAKE(t0, i_rwsem, 1, LOCK_EXCL);
	TAKE(t0, ptl, 1, LOCK_EXCL);
	might_alloc_(GFP_NOFS, "pte_alloc");
	might_alloc_(GFP_NOFS, "pte_alloc");
	might_alloc_(GFP_NOWAIT, "pte_alloc");	/* never sleeps */
	ck_assert_str_eq(reports(), "L-context: invalid context, rule R8: a sleeping allocation (GFP_NOFS) in "
			 "pte_alloc while holding ptl, whose holders may not sleep\n");
	ck_assert_ptr_nonnull(strstr(blocks->str, "BUG: sleeping function called from invalid context"));
	DROP(t0, ptl, 1);
	DROP(t0, i_rwsem, 1);
}
END_TEST

/* At unmount (line 0, no command): the report and the edge say so. */
START_TEST(test_cycle_at_unmount)
{
	lockdep_where("u.scn", NULL, NULL);
	sim_cur_line = 0;
	t0.name = NULL;
	TAKE(t0, ilock, 1, LOCK_EXCL);
	TAKE(t0, agf, 0, LOCK_EXCL);
	DROP(t0, agf, 0);
	DROP(t0, ilock, 1);
	TAKE(t1, agf, 0, LOCK_EXCL);
	TAKE(t1, ilock, 2, LOCK_EXCL);
	ck_assert_str_eq(reports(), "L-cycle: possible circular locking dependency: agf -> ilock\n");
	ck_assert_ptr_nonnull(strstr(blocks->str, "task T1 is trying to acquire lock at u.scn, end of scenario (unmount):"));
	ck_assert_ptr_nonnull(strstr(blocks->str, "       first seen at u.scn:0 (unmount), task -\n"));
	DROP(t1, ilock, 2);
	DROP(t1, agf, 0);
}
END_TEST

static char *written(void (*fn)(FILE *))
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	fn(f);
	fclose(f);
	return text;
}

/*
 * lockdep_write_edges(): labels EN/ER/SN/SR (tasklist is a recursive
 * reader), "-" for an unknown file, task and model; then every report.
 * lockdep_write_dot(): violations red, known issues orange, both thick.
 */
START_TEST(test_edges_and_dot)
{
	char *edges, *dot;

	t0.name = NULL;
	/* tasklist(read, recursive) -> tasklist is a nesting; use i_mmap_rwsem -> tasklist and back */
	TAKE(t0, i_mmap_rwsem, 1, LOCK_SHARED);
	TAKE(t0, tasklist, 0, LOCK_SHARED);		/* EN -> R: ER */
	DROP(t0, tasklist, 0);
	DROP(t0, i_mmap_rwsem, 1);
	TAKE(t0, tasklist, 0, LOCK_SHARED);
	TAKE(t0, ptl, 1, LOCK_EXCL);			/* SN */
	DROP(t0, ptl, 1);
	DROP(t0, tasklist, 0);
	TAKE(t0, agf, 0, LOCK_EXCL);			/* known issue: orange */
	TAKE(t0, dax_entry, 1, LOCK_EXCL);
	DROP(t0, dax_entry, 1);
	DROP(t0, agf, 0);
	TAKE(t0, xa_lock, 1, LOCK_EXCL);		/* a rank violation: red */
	TAKE(t0, ptl, 1, LOCK_EXCL);
	DROP(t0, ptl, 1);
	DROP(t0, xa_lock, 1);
	reports();
	edges = written(lockdep_write_edges);
	ck_assert_ptr_nonnull(strstr(edges, "edge i_mmap_rwsem tasklist ER -:3 cmd f_tasklist f_i_mmap_rwsem - -\n"));
	ck_assert_ptr_nonnull(strstr(edges, "edge tasklist ptl SN -:3 cmd f_ptl f_tasklist - -\n"));
	ck_assert_ptr_nonnull(strstr(edges, "edge agf dax_entry EN -:3 cmd f_dax_entry f_agf - -\n"));
	ck_assert_ptr_nonnull(strstr(edges, "known K-H1 lock order violates rule R1: dax_entry (rank 6) taken "
				     "while holding agf (rank 8) [known issue K-H1] at -:3\n"));
	ck_assert_ptr_nonnull(strstr(edges, "report L-rule lock order violates rule R1: ptl (rank 11) taken "
				     "while holding xa_lock (rank 12) at -:3\n"));
	dot = written(lockdep_write_dot);
	ck_assert_ptr_nonnull(strstr(dot, "\t\"agf\" -> \"dax_entry\" [color=\"orange\", penwidth=2.5, "
				    "tooltip=\"-:3 f_dax_entry\"];\n"));
	ck_assert_ptr_nonnull(strstr(dot, "\t\"xa_lock\" -> \"ptl\" [color=\"red\", penwidth=2.5, "
				    "tooltip=\"-:3 f_ptl\"];\n"));
	free(edges);
	free(dot);
}
END_TEST

/* A hooks table may leave methods out: the lock API calls only what is there. */
static int acquired;

static void count_acquire(struct lock_ctx *ctx, const struct held_lock *hl)
{
	acquired++;
}

START_TEST(test_partial_hooks)
{
	static const struct lock_hooks only_acquire = { .acquire = count_acquire };
	const struct lock_hooks *saved = lock_hooks;

	lock_hooks = &only_acquire;
	acquired = 0;
	TAKE(t0, ilock, 9, LOCK_EXCL);
	might_alloc_(GFP_KERNEL, "kmalloc");
	lock_release_for_wait(&lc_ilock, 9, "wait");
	lock_reacquire_after_wait(&lc_ilock, 9, "wait");
	DROP(t0, ilock, 9);
	ck_assert_int_eq(acquired, 2);
	ck_assert_int_eq(t0.depth, 0);
	lock_hooks = saved;
}
END_TEST

Suite *lockdep_report_suite(void)
{
	Suite *s = suite_create("lockdep_report");
	TCase *tc = tcase_create("reports");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_known_rank_violation);
	tcase_add_test(tc, test_nofs_allocation_under_spinlock);
	tcase_add_test(tc, test_cycle_at_unmount);
	tcase_add_test(tc, test_edges_and_dot);
	tcase_add_test(tc, test_partial_hooks);
	suite_add_tcase(s, tc);
	return s;
}
