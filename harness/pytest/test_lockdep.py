"""The lock validator from the command line and the lockcheck gate.

- make lockcheck passes on the tree, and fails with the expected message
  when a path gains an edge (the test-only --lockdep-inject switch);
- a bad rules file is a usage error naming FILE:LINE and the word;
- --lockdep=off, --lockdep-graph, --lockdep-edges.
"""
import subprocess
import sys

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
