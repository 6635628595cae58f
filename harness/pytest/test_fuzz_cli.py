"""The fuzzing CLI: fuzz-encode / fuzz-decode round trip, shrink, fuzz-dict."""
import pathlib

from conftest import ROOT

FAILING = """pmem size=16m
mkfs reflink=1 rmapbt=1 dax=always
open -f a
pwrite -q -S 0x61 0 64k
open -f b
pwrite -q -S 0x62 0 8k
fsync
echo noise
fiemap
expect data a 4k 4k 0x62
md5sum a b
"""


def test_encode_decode_runs_clean(daxsim, tmp_path):
    scn = ROOT / "scenarios/cow/enospc-cow-fault.scn"
    blob = tmp_path / "in"
    r = daxsim(["fuzz-encode", "--design", "1", str(scn), str(blob)])
    assert r.returncode == 0, r.stderr
    d = daxsim(["fuzz-decode", str(blob)])
    assert d.returncode == 0
    assert "model mainline" in d.stdout and "cp_reflink a b" in d.stdout
    text = tmp_path / "decoded.scn"
    text.write_text(d.stdout)
    r = daxsim(["run", str(text)])
    assert r.returncode == 0, r.stdout + r.stderr


def test_encode_refuses_existing_output(daxsim, tmp_path):
    out = tmp_path / "exists"
    out.write_bytes(b"x")
    r = daxsim(["fuzz-encode", str(ROOT / "scenarios/basic/seed-reflink-mmap.scn"), str(out)])
    assert r.returncode == 2 and "not overwritten" in r.stderr
    assert out.read_bytes() == b"x"


def test_decode_any_bytes_is_valid_text(daxsim, tmp_path):
    blob = tmp_path / "junk"
    blob.write_bytes(bytes(range(256)) * 3)
    d = daxsim(["fuzz-decode", str(blob)])
    assert d.returncode == 0
    r = daxsim(["run", "-"], stdin=d.stdout)
    assert r.returncode in (0, 1), r.stderr   # never a usage error


def test_shrink_keeps_the_failure(daxsim, tmp_path):
    scn = tmp_path / "f.scn"
    scn.write_text(FAILING)
    r = daxsim(["shrink", str(scn)])
    assert r.returncode == 0, r.stderr
    assert "still fails with: failed expectation" in r.stdout
    body = [l for l in r.stdout.splitlines() if not l.startswith("#")]
    assert len(body) < len(FAILING.splitlines())
    assert "echo" not in r.stdout and "fiemap" not in r.stdout
    small = tmp_path / "min.scn"
    small.write_text(r.stdout)
    assert daxsim(["run", str(small)]).returncode == 1


def test_shrink_refuses_a_passing_scenario(daxsim):
    r = daxsim(["shrink", "scenarios/basic/seed-reflink-mmap.scn"])
    assert r.returncode == 2 and "does not fail" in r.stderr


def test_dicts(daxsim):
    ops = daxsim(["fuzz-dict", "fuzz_ops"]).stdout
    assert 'op_pwrite_4="\\x04"' in ops and "off_2m=" in ops
    scn = daxsim(["fuzz-dict", "fuzz_scenario"]).stdout
    assert 'cmd_reflink="reflink "' in scn
    assert daxsim(["fuzz-dict", "nope"]).returncode == 2


def test_usage(daxsim):
    for args in (["fuzz-decode"], ["fuzz-encode", "x"], ["shrink"]):
        assert daxsim(args).returncode == 2


def test_encode_decode_keeps_the_dax_mode(daxsim, tmp_path):
    """fuzz_ops inputs carry the filesystem's DAX mode (byte 0's top bits):
    taken from the scenario's mkfs dax= or --dax, printed back by fuzz-decode,
    and the decoded scenario runs clean under it."""
    scn = ROOT / "scenarios/cow/enospc-cow-fault.scn"
    for mode in ("always", "never", "inode"):
        blob = tmp_path / f"in-{mode}"
        r = daxsim(["fuzz-encode", "--design", "1", "--dax", mode, str(scn), str(blob)])
        assert r.returncode == 0, r.stderr
        d = daxsim(["fuzz-decode", str(blob)])
        assert d.returncode == 0
        assert d.stdout.splitlines()[0].endswith(f"design mainline, dax={mode}"), d.stdout
        assert f"\nmkfs reflink=1 rmapbt=1 dax={mode}\n" in d.stdout
        text = tmp_path / f"decoded-{mode}.scn"
        text.write_text(d.stdout)
        r = daxsim(["run", str(text)])
        assert r.returncode == 0, r.stdout + r.stderr
    # the page-cache seeds in the shipped corpus decode as page-cache runs
    seed = ROOT / "fuzz/corpus/fuzz_ops/seed-pagecache-dedupe-never"
    d = daxsim(["fuzz-decode", str(seed)])
    assert "dax=never" in d.stdout.splitlines()[0]


def test_encode_refuses_a_bad_dax_mode(daxsim, tmp_path):
    r = daxsim(["fuzz-encode", "--dax", "sometimes", str(ROOT / "scenarios/basic/seed-reflink-mmap.scn"),
                str(tmp_path / "x")])
    assert r.returncode == 2
    assert "sometimes" in r.stderr
    assert not (tmp_path / "x").exists()


def test_table2_bit_adds_the_new_rows(daxsim, tmp_path):
    """Byte 0's FUZZ_TABLE2 (bit 5) decodes opcodes over the whole table; an
    input without it keeps the first table's 40 rows (saved corpora)."""
    ops = bytes(range(40, 46)) + bytes(64)   # opcodes, then zeros for their arguments
    old, new = tmp_path / "old", tmp_path / "new"
    old.write_bytes(bytes([0]) + ops)
    new.write_bytes(bytes([32]) + ops)
    a = daxsim(["fuzz-decode", str(old)])
    b = daxsim(["fuzz-decode", str(new)])
    assert a.returncode == 0 and b.returncode == 0
    assert "extsize" not in a.stdout and "bmap" not in a.stdout
    for cmd in ("extsize", "cowextsize", "fcollapse", "finsert", "bmap", "lsattr"):
        assert "\n" + cmd in b.stdout, b.stdout
    r = daxsim(["run", "-"], stdin=b.stdout)
    assert r.returncode in (0, 1), r.stderr


def test_encode_sets_table2_only_when_needed(daxsim, tmp_path):
    for scn, t2 in (("scenarios/io/bmap.scn", True), ("scenarios/cow/enospc-cow-fault.scn", False)):
        for design in ("0", "1", "2"):
            blob = tmp_path / ("in" + design + str(t2))
            r = daxsim(["fuzz-encode", "--design", design, str(ROOT / scn), str(blob)])
            assert r.returncode == 0, r.stderr
            assert bool(blob.read_bytes()[0] & 32) == t2
            d = daxsim(["fuzz-decode", str(blob)])
            want = daxsim(["help", "models"]).stdout.split()[0] if design == "0" else None
            assert d.returncode == 0 and ("bmap -v" in d.stdout) == t2
            assert want is None or "model %s\n" % want in d.stdout
