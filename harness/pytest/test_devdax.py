"""Device DAX (pmem mode=devdax, docs/devdax.md).

The page-sharing designs are filesystem machinery: a device-DAX scenario
must print the same bytes under every design.  So scenarios/devdax/ holds
one golden per scenario, NAME.out, and no NAME.<design>.out; every
scenario is run under every design against it.  The usage errors of
devdax mode (exit 2, FILE:LINE:COL naming the word) are cases here.
"""
import re

import pytest

from conftest import ROOT, run

DEVDAX = ROOT / "scenarios" / "devdax"
SCENARIOS = sorted(DEVDAX.glob("*.scn"))
DESIGNS = [line.split()[0] for line in run(["help", "models"]).stdout.splitlines()]


def test_there_are_devdax_scenarios():
    assert len(SCENARIOS) >= 8, SCENARIOS


def test_no_per_design_goldens():
    """One golden per scenario: the designs may not differ on device DAX."""
    per_design = [p.name for p in DEVDAX.glob("*.out") if p.name.count(".") > 1]
    assert not per_design, f"per-design goldens are not allowed under scenarios/devdax: {per_design}"
    orphans = [p.name for p in DEVDAX.glob("*.out") if not p.with_suffix(".scn").exists()]
    assert not orphans, orphans


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("scn", SCENARIOS, ids=lambda p: p.name)
def test_same_bytes_under_every_design(scn, design):
    golden = scn.with_suffix(".out")
    assert golden.exists(), f"{golden} is missing"
    r = run(["run", "--model", design, str(scn.relative_to(ROOT))])
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == golden.read_text(), f"--model {design} differs from {golden.name}"


DEV = "pmem size=64m mode=devdax\n"
USAGE = [
    # no filesystem: mkfs, and no implicit mkfs either
    (DEV + "mkfs\n", 2, 1, "mkfs: there is no filesystem"),
    (DEV + "mkfs reflink=1\n", 2, 1, "devdax mode"),
    # a path other than the device
    (DEV + "open -f a\n", 2, 9, "open: 'a'"),
    (DEV + "open /dev/dax1.0\n", 2, 6, "'/dev/dax1.0'"),
    (DEV + "xfs_io -f -c 'pwrite 0 4k' a\n", 2, 28, "xfs_io: 'a'"),
    (DEV + "poison a 0 4k\n", 2, 8, "poison -d DADDR len"),
    (DEV + "cp_reflink a b\n", 2, 1, "cp_reflink: there is no filesystem"),
    (DEV + "rm a\n", 2, 1, "rm: there is no filesystem"),
    (DEV + "remount\n", 2, 1, "remount: there is no filesystem"),
    (DEV + "repair\n", 2, 1, "repair: there is no filesystem"),
    (DEV + "expect md5 a 00\n", 2, 1, "expect: there is no filesystem"),
    # the device has no read(2): md5sum and od cannot read it
    (DEV + "md5sum /dev/dax0.0\n", 2, 1, "mmap + mread"),
    (DEV + "od /dev/dax0.0\n", 2, 1, "has no read(2)"),
    # filesystem operations on the device file
    (DEV + "open /dev/dax0.0\ntruncate 0\n", 3, 1, "truncate: there is no filesystem"),
    (DEV + "open /dev/dax0.0\nfalloc 0 4k\n", 3, 1, "falloc: there is no filesystem"),
    (DEV + "open /dev/dax0.0\nreflink /dev/dax0.0\n", 3, 1, "reflink: there is no filesystem"),
    (DEV + "open /dev/dax0.0\nfiemap\n", 3, 1, "fiemap: there is no filesystem"),
    (DEV + "open /dev/dax0.0\nchattr +x\n", 3, 1, "chattr: there is no filesystem"),
    (DEV + "xfs_io -c 'truncate 0' /dev/dax0.0\n", 2, 11, "truncate: there is no filesystem"),
    # the pmem line itself
    ("pmem size=64m mode=chardev\n", 1, 20, "mode must be fsdax or devdax"),
    ("pmem size=64m mode=devdax align=8k\n", 1, 33, "align must be 4k, 2m or 1g"),
    ("pmem size=1026m mode=devdax align=1g\n", 1, 11, "multiple of align"),
    ("pmem size=64m mode=devdax\npmem size=64m\n", 2, 1, "already exists"),
]


@pytest.mark.parametrize("text,line,col,word", USAGE)
def test_usage_errors(text, line, col, word):
    r = run(["run", "-"], stdin=text)
    assert r.returncode == 2, (r.stdout, r.stderr)
    m = re.match(r"<stdin>:(\d+):(\d+): (.*)", r.stderr)
    assert m, r.stderr
    assert (int(m.group(1)), int(m.group(2))) == (line, col), r.stderr
    assert word in m.group(3), r.stderr


def test_fsdax_is_the_default_mode():
    """No mode: the device is fsdax and the implicit mkfs still happens."""
    r = run(["run", "-"], stdin="pmem size=64m\nxfs_io -f -c 'pwrite -q 0 4k' a\nmd5sum a\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith("  a\n"), r.stdout


def test_devdax_is_deterministic():
    for scn in SCENARIOS:
        a = run(["run", str(scn.relative_to(ROOT))])
        b = run(["run", str(scn.relative_to(ROOT))])
        assert a.stdout == b.stdout and a.returncode == b.returncode, scn.name
