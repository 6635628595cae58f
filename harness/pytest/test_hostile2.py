"""Hostile input, part 2 (issue 15 items 2, 3, 4, 6, 7 back end, 9, 11):
shared device files, the address space, mkfs sizes, range commands,
device size against host memory, Linux's file-offset limits and the
fuzzers.  Each case failed before its fix.  docs/testing.md, "hostile
input", lists each check with its cap and message."""
import os
import re
import subprocess

import pytest

from conftest import DAXSIM, ROOT, run


def usage_error(r, line, col=None):
    """Exit 2, one FILE:LINE:COL message; returns the message."""
    assert r.returncode == 2, (r.returncode, r.stdout[-500:], r.stderr[-500:])
    m = re.match(r"[^:\n]+:(\d+):(\d+): (.*)\n\Z", r.stderr)
    assert m, r.stderr[-500:]
    assert int(m.group(1)) == line, r.stderr
    if col is not None:
        assert int(m.group(2)) == col, r.stderr
    return m.group(3)


def quick(args, stdin=None, timeout=20):
    """daxsim with a short timeout: a walk over 2^51 blocks fails the test."""
    return subprocess.run([DAXSIM] + args, input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout)


FILE8K = "pmem size=64m\nxfs_io -f -c 'pwrite -q 0 8k' f\ncp_reflink f g\n"

# --- 6: range commands ----------------------------------------------------------


def test_expect_shared_huge_range_is_extent_wise():
    # walked 2^51 blocks (hung); now one extent lookup per extent
    r = quick(["run", "-"], FILE8K + "expect shared f 0 0x7fffffffffffffff yes\n"
                                     "expect shared f 8k 0x7fffffffffffdfff no\n"
                                     "expect shared f 4k 1 yes\n"
                                     "expect shared nosuch 0 0x7fffffffffffffff no\n")
    assert r.returncode == 0 and r.stdout == "", r.stdout + r.stderr
    r = quick(["run", "-"], FILE8K + "expect shared f 0 0x7fffffffffffffff no\n")
    assert r.returncode == 1 and "is shared" in r.stdout


@pytest.mark.parametrize("line,col,word", [
    ("expect shared f 1 0x7fffffffffffffff no", 19, "ends past the largest file offset"),
    ("expect shared f -1 4k no", 17, "bad offset '-1'"),
    ("expect shared f 0 -4k no", 19, "bad length '-4k'"),
    ("expect shared f 0 0x8000000000000000 no", 19, "bad length"),
    ("expect data f 0x7fffffffffffffff 1 0xcd", 34, "ends past the largest file offset"),
    ("expect data f 0 -1 0xcd", 17, "bad length '-1'"),
    ("expect data f -4k 4k 0xcd", 15, "bad offset '-4k'"),
    ("expect data f 0 4k 256", 20, "bad byte '256'"),
    ("expect data f 0 4k -1", 20, "bad byte '-1'"),
    ("poison f 0x7fffffffffffffff 0x7fffffffffffffff", 29, "ends past the largest file offset"),
    ("poison -d -1 4k", 11, "bad offset '-1'"),
])
def test_range_checks(line, col, word):
    msg = usage_error(quick(["run", "-"], FILE8K + line + "\n"), 4, col)
    assert word in msg, msg


def test_expect_data_huge_range_reads_to_eof_only():
    r = quick(["run", "-"], FILE8K + "expect data f 4k 0x7fffffffffffefff 0xcd\n")
    assert r.returncode == 1 and "offset 8192: beyond EOF" in r.stdout, r.stdout + r.stderr
    # a range below EOF larger than the io limit is refused, not read
    text = FILE8K + "xfs_io -c 'truncate 2g' f\nexpect data f 0 2g 0\n"
    msg = usage_error(quick(["run", "-"], text), 5)
    assert "over the simulator's limit" in msg
