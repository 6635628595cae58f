"""daxsim export: a scenario as an fstests test plus its .out (issue 12)."""
import subprocess

import pytest

from conftest import DAXSIM, ROOT


def run(args, cwd, stdin=None):
    return subprocess.run([DAXSIM] + [str(a) for a in args], capture_output=True, text=True,
                          cwd=cwd, input=stdin, timeout=300)


ROUND_TRIP = [
    "scenarios/io/odirect.scn",
    "scenarios/reflink/chain-fanout-cow.scn",
    "scenarios/reflink/dedupe.scn",
]


@pytest.mark.parametrize("scn", ROUND_TRIP)
def test_round_trip(tmp_path, scn):
    r = run(["export", "--name", "generic/900", "--dir", tmp_path, ROOT / scn], tmp_path)
    assert r.returncode == 0, r.stderr
    test = tmp_path / "tests" / "generic" / "900"
    assert r.stdout.splitlines() == [str(test), str(test) + ".out"]
    text = test.read_text()
    assert text.startswith("#! /bin/bash\n")
    assert "_require_scratch_dax_mountopt \"dax=always\"" in text
    assert (tmp_path / "tests" / "generic" / "900.out").read_text().startswith("QA output created by 900\n")
    # the round trip: daxsim fstests passes it, under every design
    for model in ["shadow", "mainline"]:
        r = run(["fstests", "--model", model, "--results", tmp_path / "res", test], tmp_path)
        assert r.returncode == 0, r.stdout
        assert "1 passed, 0 failed, 0 notrun" in r.stdout


def test_md5_lines_match_the_scenario_run(tmp_path):
    scn = ROOT / "scenarios/io/odirect.scn"
    r = run(["export", "--dir", tmp_path, scn], tmp_path)
    assert r.returncode == 0, r.stderr
    sim = run(["run", scn], tmp_path).stdout
    out = (tmp_path / "tests/generic/999.out").read_text()
    for line in sim.splitlines():
        if len(line) > 34 and line[32:34] == "  ":      # an md5sum line
            md5, path = line.split("  ")
            assert "%s  SCRATCH_MNT/%s" % (md5, path) in out


def test_mapping_across_processes_is_refused(tmp_path):
    text = ("pmem size=64m\nmkfs\nopen -f a\npwrite 0 64k\nmmap -rw 0 64k\n"
            "cp_reflink a b\nmwrite -S 0x62 0 4k\nmd5sum a b\n")
    scn = tmp_path / "s.scn"
    scn.write_text(text)
    r = run(["export", "--dir", tmp_path, scn], tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith("%s:7:1: export: 'mwrite' uses the mapping of line 5" % scn), r.stderr
    assert not (tmp_path / "tests").exists() or not any((tmp_path / "tests").rglob("999*"))


@pytest.mark.parametrize("text,line,col,word", [
    ("pmem size=64m mode=devdax\n", 1, 15, "device DAX"),
    ("pmem size=64m\nmkfs dax=never\n", 2, 6, "mkfs dax=never"),
    ("pmem size=64m\nmkfs\n@p open -f a\n@p pread 0 1 &\n", 4, 14, "background"),
    ("pmem size=64m\nmkfs\npoison a 0 4096\n", 3, 1, "'poison'"),
])
def test_refusals(tmp_path, text, line, col, word):
    scn = tmp_path / "s.scn"
    scn.write_text(text)
    r = run(["export", "--dir", tmp_path, scn], tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith("%s:%d:%d: export: " % (scn, line, col)), r.stderr
    assert word in r.stderr


def test_never_overwrites(tmp_path):
    scn = ROOT / "scenarios/io/odirect.scn"
    t = tmp_path / "tests" / "generic"
    t.mkdir(parents=True)
    (t / "999").write_text("mine\n")
    r = run(["export", "--dir", tmp_path, scn], tmp_path)
    assert r.returncode == 2
    assert "exists (not overwritten)" in r.stderr
    assert (t / "999").read_text() == "mine\n"
    assert not (t / "999.out").exists()


def test_a_failing_run_leaves_nothing(tmp_path):
    # a finding: the simulated run violates an invariant (the scenario
    # expects it; the exported test cannot), so nothing is written
    scn = ROOT / "scenarios/models/h3-refused-entry-goes.scn"
    r = run(["export", "--dir", tmp_path, scn], tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith("daxsim: export: the exported test does not pass `daxsim fstests` "
                               "against its own output (not written): [failed, exit status 1] "
                               "[failed, simulator invariant violated]"), r.stderr
    assert not list((tmp_path / "tests" / "generic").iterdir())


def test_bad_options(tmp_path):
    scn = ROOT / "scenarios/io/odirect.scn"
    r = run(["export", "--dir", tmp_path, "--model", "nosuch", scn], tmp_path)
    assert r.returncode == 2 and "unknown model" in r.stderr
    r = run(["export", "--dir", tmp_path, "--name", "bad", scn], tmp_path)
    assert r.returncode == 2 and "--name must be" in r.stderr
    r = run(["export"], tmp_path)
    assert r.returncode == 2 and r.stderr.startswith("usage: daxsim export")


def test_forms(tmp_path):
    # the forms export writes, each run through daxsim fstests by the round trip
    text = """pmem size=64m
mkfs reflink=1 rmapbt=1 dax=always
model mainline
echo start here
open -f -t d/a
pwrite -S 0x61 0 64k
fsync
close
open -r d/a
pread -q 0 4k
exit
@t open -f b
@t reflink d/a 0 0 64k
@t mmap -rw 0 64k
@t mwrite -S 0x62 0 4k
@t munmap
@t exit
xfs_io -f -c "reflink -q d/a 0 0 4k" -c "pwrite -S 0x63 4k 4k" c
xfs_io -fc "pread -q 0 4k" c
check
daxstat
remount
cp_reflink b e
rm e
md5sum d/a b c
"""
    scn = tmp_path / "s.scn"
    scn.write_text(text)
    r = run(["export", "--dir", tmp_path, scn], tmp_path)
    assert r.returncode == 0, r.stderr
    t = (tmp_path / "tests/generic/999").read_text()
    for want in ["mkdir -p $SCRATCH_MNT/d\n", "echo 'start here'\n",
                 '$XFS_IO_PROG -ft -c "pwrite -S 0x61 0 64k" -c "fsync" $SCRATCH_MNT/d/a',
                 '$XFS_IO_PROG -r -c "pread -q 0 4k" $SCRATCH_MNT/d/a',
                 '-c "reflink $SCRATCH_MNT/d/a 0 0 64k"',
                 '$XFS_IO_PROG -f -c "reflink -q $SCRATCH_MNT/d/a 0 0 4k" -c "pwrite -S 0x63 4k 4k" $SCRATCH_MNT/c',
                 '$XFS_IO_PROG -f -c "pread -q 0 4k" $SCRATCH_MNT/c',
                 "# model mainline", "# check  (", "_scratch_cycle_mount\n",
                 "_cp_reflink $SCRATCH_MNT/b $SCRATCH_MNT/e\n", "rm -f $SCRATCH_MNT/e\n"]:
        assert want in t, want


@pytest.mark.parametrize("text,col,word", [
    ("pwrite 0 4k\n", 1, "with no open file"),
    ("open -f 'a b'\n", 9, "needs quoting"),
    ("md5sum 'x y'\n", 8, "needs quoting"),
    ("xfs_io -f -c 'pwrite -S 0x61 0 4k' 'a b'\n", 36, "needs quoting"),
    ("echo \"it's\"\n", 6, "quote"),
    ("xfs_io -z -c 'pwrite 0 1' f\n", 8, "xfs_io: unknown option '-z'"),
    ("bogus\n", 1, "unknown command 'bogus'"),
    ("mkfs agcount=2\n", 6, "mkfs agcount=2"),
    ("od f\n", 1, "'od'"),
    ("@p open -f a\n@p mmap -r 0 4k\n@q open -f b\n@p mread 0 1\n", 4, "uses the mapping"),
])
def test_more_refusals(tmp_path, text, col, word):
    head = "pmem size=64m\n" + ("" if text.startswith("mkfs") else "mkfs\n")
    scn = tmp_path / "s.scn"
    scn.write_text(head + text)
    r = run(["export", "--dir", tmp_path, scn], tmp_path)
    assert r.returncode == 2, r.stdout
    assert word in r.stderr, r.stderr


@pytest.mark.parametrize("text,rc,want", [
    # the scenario is validated first
    ("xfs_io -c pwrite f\n", 2, "4:11: pwrite: missing arguments"),
    ("echo a 'b c'\n", 0, "echo 'a b c'\n"),
    ("xfs_io -f -c 'dedupe a 0 0 4k' b\n", 0, '-c "dedupe $SCRATCH_MNT/a 0 0 4k" $SCRATCH_MNT/b'),
    ("@p open -f a\n@p close\n@p exit\n@q exit\nmd5sum a\n", 0, "md5sum $SCRATCH_MNT/a | _filter_scratch"),
    # two tasks' processes in scenario order, each its own xfs_io; -f only
    # on a task's first process of the file
    ("@p open -f a\n@p fsync\n@q open -f b\n@q fsync\n@p fsync\n", 0,
     '$XFS_IO_PROG -f -c "fsync" $SCRATCH_MNT/a 2>&1 | _filter_xfs_io | _filter_scratch\n'
     '$XFS_IO_PROG -f -c "fsync" $SCRATCH_MNT/b 2>&1 | _filter_xfs_io | _filter_scratch\n'
     '$XFS_IO_PROG -c "fsync" $SCRATCH_MNT/a 2>&1'),
    # an unmapped mapping is no mapping: its later use prints xfs_io's message
    ("@p open -f a\n@p pwrite 0 4k\n@p mmap -r 0 4k\n@p munmap\nremount\n@p mread 0 1\n", 0,
     '-c "mread 0 1" $SCRATCH_MNT/a'),
])
def test_export_more_forms(tmp_path, text, rc, want):
    scn = tmp_path / "s.scn"
    scn.write_text("pmem size=64m\nmkfs\nxfs_io -f -c 'pwrite 0 4k' a\n" + text)
    r = run(["export", "--dir", tmp_path, scn], tmp_path)
    assert r.returncode == rc, r.stderr
    if rc:
        assert r.stderr.startswith("%s:%s" % (scn, want)), r.stderr
    else:
        assert want in (tmp_path / "tests/generic/999").read_text()
