"""The lock validator from the command line and the lockcheck gate.

- make lockcheck passes on the tree, and fails with the expected message
  when a path gains an edge (the test-only --lockdep-inject switch);
- a bad rules file is a usage error naming FILE:LINE and the word;
- --lockdep=off, --lockdep-graph, --lockdep-edges.
"""
import subprocess
import sys

import pytest

from conftest import DAXSIM, ROOT, run

LOCKCHECK = [sys.executable, str(ROOT / "harness" / "lockcheck.py"), "--daxsim", DAXSIM]
SCN = "scenarios/locking/clean-paths.scn"


def lockcheck(*args):
    return subprocess.run(LOCKCHECK + list(args), cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


def test_lockcheck_passes_on_the_tree():
    r = lockcheck()
    assert r.returncode == 0, r.stdout + r.stderr
    assert "FAILED" not in r.stdout and r.stdout.rstrip().endswith(": ok")


def test_lockcheck_fails_on_a_new_edge():
    r = lockcheck("--inject", "read-extra-edge")
    assert r.returncode == 1, r.stdout + r.stderr
    out = r.stdout
    assert ("lockcheck: FAIL: new lock dependency i_rwsem -> tasklist "
            "(not in harness/lockdep/baseline.txt)") in out
    assert "took tasklist while holding i_rwsem (taken in xfs_file_read)" in out
    assert "first seen at scenarios/basic/seed-reflink-mmap.scn:18 (expect)" in out
    assert "to accept it:" in out and "make lockcheck-update" in out


def test_lockcheck_fails_on_a_cycle():
    r = lockcheck("--inject", "fault-ilock-outer")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "lockcheck: FAIL [--model shadow]: L-cycle possible circular locking dependency: " \
           "ilock -> invalidate_lock" in r.stdout


def test_lockcheck_removed_edge_is_only_a_note(tmp_path):
    base = (ROOT / "harness" / "lockdep" / "baseline.txt").read_text()
    extra = tmp_path / "baseline.txt"
    extra.write_text(base + "ptl -> sb_writers    # a stale edge\n")
    r = lockcheck("--baseline", str(extra))
    assert r.returncode == 0, r.stdout
    assert "lockcheck: note: ptl -> sb_writers is in" in r.stdout


def test_bad_rules_file(tmp_path):
    rules = tmp_path / "bad.rules"
    rules.write_text("# a comment\nclass ilock rank seven kind rwsem sleep yes\n")
    r = run(["run", f"--lockdep-rules={rules}", SCN])
    assert r.returncode == 2
    assert r.stderr == f"daxsim: {rules}:2: 'seven': rank must be a number from 0 to 1000 (one decimal)\n"
    assert r.stdout == ""


def test_lockdep_off_and_bad_value():
    on = run(["run", "scenarios/locking/lrule-fault-ilock-outer.scn"])
    off = run(["run", "--lockdep=off", "scenarios/locking/lrule-fault-ilock-outer.scn"])
    assert "INVARIANT L-rule" in on.stdout and on.returncode == 0
    assert "INVARIANT L-rule" not in off.stdout and off.returncode == 1
    assert run(["run", "--lockdep=maybe", SCN]).returncode == 2


def test_graph_and_edges(tmp_path):
    dot, edges = tmp_path / "g.dot", tmp_path / "e.txt"
    r = run(["run", f"--lockdep-graph={dot}", f"--lockdep-edges={edges}",
             "scenarios/locking/lrule-fault-ilock-outer.scn"])
    assert r.returncode == 0, r.stderr
    text = dot.read_text()
    assert text.startswith("digraph lockdep {")
    assert '"ilock" -> "invalidate_lock" [color="red"' in text
    assert '"fs_reclaim" -> "ilock"' in text and "style=dashed" in text
    lines = edges.read_text().splitlines()
    assert any(l.startswith("edge ilock invalidate_lock EN scenarios/locking/lrule-fault-ilock-outer.scn:11 mread")
               for l in lines)
    assert any(l.startswith("report L-rule") for l in lines)
    # never overwrites a file daxsim did not create
    again = run(["run", f"--lockdep-graph={dot}", SCN])
    assert again.returncode == 2 and "exists (not overwritten)" in again.stderr


# docs/locking.rules with one line appended (or one replaced): each mistake is
# FILE:LINE: 'WORD': why, exit 2, before anything runs
RULES = (ROOT / "docs" / "locking.rules").read_text()


@pytest.mark.parametrize("line,word,msg", [
    ("class ilock rank 7 kind rwsem", "ilock",
     "expected: class NAME rank N kind K sleep yes|no [reader recursive]"),
    ("class ilock rank 7 kind rwsem sleep yes", "ilock", "class declared twice"),
    ("rule R1x rank \"again\"", "rank", "only one rank rule"),
    ("rule R2x context \"again\"", "context", "only one context rule"),
    ("rule R3x nesting \"again\"", "nesting", "only one nesting rule"),
    ("rule R11 order ilock after inode \"x\"", "after", "expected: rule ID order CLASS by WHAT \"reason\""),
    ("rule R11 order ilock by inode \"x\"", "ilock", "a second order rule for this class"),
    ("rule R11 allow ilock to agf \"x\"", "to", "expected: rule ID allow FROM -> TO \"reason\""),
    ("rule R11 allow ilock -> nolock \"x\"", "nolock", "unknown lock class (sim/kernel/include/lock.h LOCK_CLASSES)"),
    ("rule R11 frob ilock \"x\"", "frob",
     "unknown rule kind (rank, order, nesting, single, context, reclaim, allow)"),
    ("rule R11 single ilock extra \"x\"", "x", "expected 5 words for a 'single' rule, got 6"),
    ("rule R11 single", "rule", "expected: rule ID KIND ... \"reason\""),
    ("rule X11 single ilock \"x\"", "X11", "a rule ID is R followed by up to 6 letters or digits"),
    ("rule R1_x single ilock \"x\"", "R1_x", "a rule ID is R followed by up to 6 letters or digits"),
    ("rule R1 single ilock \"x\"", "R1", "rule ID used twice"),
    ("known K-x breaks R1 agf dax_entry scenario s.scn \"x\"", "K-x",
     "expected: known ID breaks RULE FROM -> TO scenario PATH \"reason\""),
    ("known X-x breaks R1 agf -> dax_entry scenario s.scn \"x\"", "X-x",
     "a known-issue ID is K followed by letters, digits or '-'"),
    ("known K-x breaks R99 agf -> dax_entry scenario s.scn \"x\"", "R99",
     "no such rule (rules must come before the known issues)"),
    ("known K-x breaks R1 agf -> nolock scenario s.scn \"x\"", "nolock",
     "unknown lock class (sim/kernel/include/lock.h LOCK_CLASSES)"),
    ("known K-H1 breaks R1 agf -> dax_entry scenario s.scn \"x\"", "K-H1", "known-issue ID used twice"),
    # GLib's own message (its wording after the first sentence varies by version)
    ("rule R11 single ilock \"unterminated", "rule R11 single ilock \"unterminated   # appended",
     "Text ended before matching quote was found for \"."),
])
def test_rules_file_mistakes(tmp_path, line, word, msg):
    rules = tmp_path / "bad.rules"
    text = RULES.rstrip("\n") + "\n" + line + "   # appended\n"
    rules.write_text(text)
    r = run(["run", f"--lockdep-rules={rules}", SCN])
    assert r.returncode == 2, r.stderr
    want = f"daxsim: {rules}:{text.count(chr(10))}: '{word}': {msg}"
    assert r.stderr == want + "\n" or (msg.endswith(".") and r.stderr.startswith(want)), r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize("old,new,word,msg", [
    ("class ilock             rank 7 ", "class ilock             rank 1001 ", "1001",
     "rank must be a number from 0 to 1000 (one decimal)"),
    ("kind rwsem     sleep yes\nclass agf", "kind lock     sleep yes\nclass agf", "lock",
     "kind must be mutex, rwsem, spinlock, bitlock or pseudo"),
    ("class agf               rank 8    kind mutex     sleep yes", "class agf rank 8 kind mutex sleep maybe",
     "maybe", "sleep must be yes or no"),
    ("class agf               rank 8    kind mutex     sleep yes", "class agf rank 8 kind mutex sleep no",
     "no", "sim/kernel/include/lock.h says holders of agf may sleep"),
    ("class ptl               rank 11   kind spinlock  sleep no", "class ptl rank 11 kind spinlock sleep yes",
     "yes", "sim/kernel/include/lock.h says holders of ptl may not sleep"),
    ("class ptl               rank 11   kind spinlock  sleep no", "class ptl rank 11 kind spinlock sleep no x",
     "x", "expected nothing or 'reader recursive'"),
])
def test_class_line_mistakes(tmp_path, old, new, word, msg):
    assert old in RULES
    text = RULES.replace(old, new, 1)
    lineno = text[:text.index(new)].count("\n") + 1 + new[:new.index(word)].count("\n") \
        if word in new else None
    rules = tmp_path / "bad.rules"
    rules.write_text(text)
    r = run(["run", f"--lockdep-rules={rules}", SCN])
    assert r.returncode == 2, r.stderr
    assert r.stderr == f"daxsim: {rules}:{lineno}: '{word}': {msg}\n"


def test_rules_file_without_the_required_rules(tmp_path):
    rules = tmp_path / "bad.rules"
    rules.write_text("".join(line + "\n" for line in RULES.splitlines() if not line.startswith(("rule", "known"))))
    r = run(["run", f"--lockdep-rules={rules}", SCN])
    assert r.returncode == 2
    assert r.stderr == f"daxsim: {rules}: 'rule': the rank, context and nesting rules are required\n"
