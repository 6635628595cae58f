"""Each mutant of the bug-injection table (docs/testing.md, "Mutants") is
caught by the scenario the table names, under every working design, and
the same scenario without it passes: the oracles fire on the bug and only on it.
`make mutants` also runs the whole suite and fuzz_ops per mutant; this is the
fast part that runs in every `make check`."""
import re

import pytest

from conftest import run

CASES = [
    # mutant, scenario, design -> the invariants (and failed expectations) it must report
    ("reflink-no-wrprotect", "reflink/reflink-under-writable-mapping", "shadow", {"M2"}),
    ("reflink-no-wrprotect", "reflink/reflink-under-writable-mapping", "mainline", {"M2"}),
    ("reflink-no-wrprotect", "reflink/reflink-under-writable-mapping", "maplist", {"M2"}),
    ("reflink-no-refcount", "basic/seed-reflink-mmap", "shadow", {"EXPECT", "P-shadow"}),
    ("reflink-no-refcount", "basic/seed-reflink-mmap", "mainline", {"EXPECT", "P-mainline"}),
    ("reflink-no-refcount", "basic/seed-reflink-mmap", "maplist", {"EXPECT", "D1", "F1"}),
    ("truncate-no-unmap", "truncate-mapped/shrink-under-writable-mapping", "shadow", {"M1", "M3", "M6"}),
    ("truncate-no-unmap", "truncate-mapped/shrink-under-writable-mapping", "mainline", {"M1", "M3", "M6"}),
    ("truncate-no-unmap", "truncate-mapped/shrink-under-writable-mapping", "maplist", {"M1", "M3", "M6"}),
    ("shadow-reuse", "basic/seed-reflink-mmap", "shadow", {"P-shadow"}),
    ("cow-no-copy", "cow/enospc-cow-fault", "shadow", {"D1"}),
    ("cow-no-copy", "cow/enospc-cow-fault", "mainline", {"D1"}),
    ("cow-no-copy", "cow/enospc-cow-fault", "maplist", {"D1"}),
    ("mf-skip-second-owner", "poison/four-owners-one-early", "shadow", {"H1"}),
    ("mf-skip-second-owner", "poison/four-owners-one-early", "mainline", {"H1"}),
    ("mf-skip-second-owner", "poison/four-owners-one-early", "maplist", {"H1"}),
    ("fault-mmaplock-inner", "basic/seed-reflink-mmap", "shadow", {"L-rule"}),
    ("fault-mmaplock-inner", "basic/seed-reflink-mmap", "mainline", {"L-rule"}),
    ("fault-mmaplock-inner", "basic/seed-reflink-mmap", "maplist", {"L-rule"}),
    ("flush-no-invalidate", "pagecache/reflink-dedupe-unshare", "shadow", {"D1"}),
    ("flush-no-invalidate", "pagecache/reflink-dedupe-unshare", "mainline", {"D1"}),
    ("flush-no-invalidate", "pagecache/reflink-dedupe-unshare", "maplist", {"D1"}),
    ("shadow-pc-no-promote", "pagecache/race-shadow-fault-vs-write", "shadow", {"P-shadow"}),
]


def reported(out):
    found = set(re.findall(r"^INVARIANT (\S+) violated at ", out, re.M))
    if re.search(r"^EXPECT FAILED ", out, re.M):
        found.add("EXPECT")
    return found


@pytest.mark.parametrize("mutant,scn,design,want", CASES, ids=lambda x: x if isinstance(x, str) else None)
def test_mutant_is_caught(mutant, scn, design, want):
    path = f"scenarios/{scn}.scn"
    clean = run(["run", f"--model={design}", path])
    assert clean.returncode == 0 and not reported(clean.stdout), clean.stdout[-2000:]
    bad = run(["run", f"--model={design}", f"--inject={mutant}", path])
    assert bad.returncode == 1, bad.stdout[-2000:] + bad.stderr
    assert reported(bad.stdout) == want, bad.stdout[-3000:]


def test_every_mutant_has_a_case():
    r = run(["run", "--inject=nosuch", "scenarios/basic/seed-reflink-mmap.scn"])
    names = re.search(r"unknown mutant 'nosuch' \(off, ([^)]*)\)", r.stderr).group(1).split(", ")
    assert sorted(names) == sorted({c[0] for c in CASES})
