"""`daxsim compare`: every scenario under every design, deterministic."""
import csv
import io
import json
import re
import shutil

import pytest

from conftest import ROOT, run

SCNS = ["scenarios/basic/seed-reflink-mmap.scn", "scenarios/cow/many-sharers.scn"]


def test_text_table_is_golden():
    r = run(["compare"] + SCNS)
    assert r.returncode == 0, r.stderr
    assert r.stdout == (ROOT / "harness/pytest/golden/compare-seed-many.txt").read_text()


def test_rfc_breaks_and_the_others_hold():
    r = run(["compare", "--format=csv"] + SCNS)
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 4 * len(SCNS)
    for row in rows:
        if row["design"] == "rfc":
            assert row["verdict"].startswith("failed P-rfc"), row
        else:
            assert row["verdict"] == "held" and row["data_errors"] == "0", row


def test_json_parses_and_matches_csv():
    j = json.loads(run(["compare", "--format=json"] + SCNS).stdout)
    c = list(csv.DictReader(io.StringIO(run(["compare", "--format=csv"] + SCNS).stdout)))
    assert [(x["design"], x["verdict"], x["peak_bytes"]) for x in j] == \
        [(x["design"], x["verdict"], int(x["peak_bytes"])) for x in c]


def test_shadow_holds_one_shadow_per_mapping_and_index():
    row = [x for x in json.loads(run(["compare", "--format=json", SCNS[0]]).stdout)
           if x["design"] == "shadow"][0]
    # a 64 KiB file and its clone, both mapped and read: 16 masters, 32 shadows
    assert (row["peak_masters"], row["peak_shadows"]) == (16, 32)


@pytest.mark.parametrize("args,word", [
    (["compare"], "usage"),
    (["compare", "--format=xml", SCNS[0]], "--format"),
    (["compare", "no/such.scn"], "no/such.scn"),
])
def test_compare_errors(args, word):
    r = run(args)
    assert r.returncode == 2 and word in r.stderr, r.stderr


@pytest.mark.skipif(not shutil.which("gnuplot"), reason="gnuplot-nox is not installed (make deps)")
def test_plot(tmp_path):
    svg = tmp_path / "growth.svg"
    r = run(["compare", f"--plot={svg}"])
    assert r.returncode == 0, r.stderr
    assert svg.read_text().startswith("<?xml")
    rows = [l.split() for l in (tmp_path / "growth.svg.dat").read_text().splitlines()[1:]]
    assert [int(r[0]) for r in rows] == [2 ** i for i in range(11)]
    shadow = [int(r[1]) for r in rows]
    assert shadow == sorted(shadow) and shadow[-1] > shadow[1]   # grows with sharers
    assert all(int(r[2]) == 0 for r in rows)                      # mainline: struct page only


def test_plot_never_overwrites(tmp_path):
    svg = tmp_path / "mine.svg"
    svg.write_text("user data")
    r = run(["compare", f"--plot={svg}"])
    assert r.returncode == 2 and "must not exist" in r.stderr
    assert svg.read_text() == "user data" and not (tmp_path / "mine.svg.dat").exists()


def test_pagecache_bytes_per_design():
    """Eight reflinked copies read in full: mainline caches every copy,
    shadow and maplist one page per block plus their metadata; rfc
    behaves as mainline for the page cache.  No page cache, no bytes."""
    r = run(["compare", "--format=csv", "scenarios/pagecache/reflink-copies-memory.scn",
             "scenarios/basic/seed-reflink-mmap.scn"])
    assert r.returncode == 0, r.stderr
    rows = {(row["scenario"].split("/")[1], row["design"]): row
            for row in csv.DictReader(io.StringIO(r.stdout))}
    peak = {d: int(rows[("pagecache", d)]["pagecache_peak_bytes"])
            for d in ("shadow", "mainline", "maplist", "rfc")}
    assert peak["rfc"] == peak["mainline"]
    assert peak["shadow"] * 3 < peak["mainline"] and peak["maplist"] * 3 < peak["mainline"], peak
    for d in ("shadow", "mainline", "maplist", "rfc"):
        assert rows[("basic", d)]["pagecache_peak_bytes"] == "0"
        assert rows[("pagecache", d)]["verdict"] == "held"


def verdicts(out):
    """design -> verdict, from a text table of one scenario."""
    rows = {}
    for line in out.splitlines()[2:]:
        if not line.strip():
            break
        design, rest = line.split(None, 1)
        rows[design] = re.split(r"\s{2,}", rest)[0]
    return rows


def test_verdicts_say_expected_failed_and_expectation(tmp_path):
    r = run(["compare", "scenarios/models/h3-refused-entry-goes.scn"])
    assert r.returncode == 0, r.stderr
    assert verdicts(r.stdout) == {
        "shadow": "held; P-shadow as expected (line 14)",
        "mainline": "held; P-mainline as expected (line 14)",
        "maplist": "expectation failed",
        "rfc": "failed P-rfc (first at line 14)",
    }
    scn = tmp_path / "ef.scn"
    scn.write_text("pmem size=64m\nmkfs\nxfs_io -f -c \"pwrite -q -S 0x61 0 4k\" a\nexpect data a 0 4k 0x62\n")
    r = run(["compare", str(scn)])
    assert set(verdicts(r.stdout).values()) == {"expectation failed"}, r.stdout
