"""The pmem device's back end: the size cap (DAXSIM_MAX_PMEM), the backings
(hugetlbfs, memfd, file:PATH) and their refusals, as `daxsim info` and a
scenario's `pmem` line see them."""
import os
import re
import subprocess

import pytest

from conftest import DAXSIM, ROOT


def daxsim_env(args, stdin=None, **env):
    return subprocess.run([DAXSIM] + args, input=stdin, capture_output=True, text=True, cwd=ROOT,
                          timeout=120, env=dict(os.environ, **env))


def cap_line(out):
    m = re.search(r"^device size cap: (.*)$", out, re.M)
    assert m, out
    return m.group(1)


@pytest.mark.parametrize("value,cap,rc", [
    ("32m", 32 << 20, 0),          # below info's 64 MiB probe: the probe shrinks to the cap
    ("1G", 1 << 30, 0),
    ("4096", 0, 1),                # below 2 MiB: no device at all, and info says why
])
def test_info_says_a_small_cap(value, cap, rc):
    """info used to probe with a 64 MiB device and, under a smaller cap, print
    only 'pmem backing: none' and no cap line."""
    r = daxsim_env(["info"], DAXSIM_MAX_PMEM=value)
    assert r.returncode == rc, r.stdout
    assert cap_line(r.stdout) == "%d bytes (set by DAXSIM_MAX_PMEM=%s)" % (cap, value)
    if rc:
        assert "pmem backing: none (the device size cap is below 2 MiB, the smallest device)" in r.stdout
    else:
        assert re.search(r"^pmem backing: (hugetlbfs|memfd-hugetlb|memfd-thp|memfd)$", r.stdout, re.M)


@pytest.mark.parametrize("value", ["bogus", "1x", "3mm", "20000000p", "0"])
def test_unparsable_cap_is_ignored(value):
    """A DAXSIM_MAX_PMEM that is not a size (or is 0) leaves the host's cap."""
    r = daxsim_env(["info"], DAXSIM_MAX_PMEM=value)
    assert r.returncode == 0, r.stdout
    assert "x the host's memory" in cap_line(r.stdout)


def usage_error(r):
    assert r.returncode == 2, (r.stdout, r.stderr)
    m = re.match(r"<stdin>:1:1: (.*)\n$", r.stderr)
    assert m, r.stderr
    return m.group(1)


def test_device_over_a_set_cap():
    r = daxsim_env(["run", "-"], stdin="pmem size=64m\n", DAXSIM_MAX_PMEM="32m")
    assert usage_error(r) == \
        "pmem: size 64.0 MiB is over this host's limit of 32.0 MiB (set by DAXSIM_MAX_PMEM=32m)"


def test_hugetlbfs_backing_is_used_or_refused_with_why():
    with open("/proc/mounts") as f:
        mounted = any(line.split()[2] == "hugetlbfs" for line in f if len(line.split()) > 2)
    r = daxsim_env(["run", "-"], stdin="pmem size=64m backing=hugetlbfs\nmkfs\n")
    if not mounted:
        assert usage_error(r) == "pmem: backing=hugetlbfs unavailable: hugetlbfs: no hugetlbfs mount"
    else:
        assert r.returncode == 0 or "pmem: backing=hugetlbfs unavailable: hugetlbfs:" in r.stderr


def test_memfd_backing():
    r = daxsim_env(["run", "-"], stdin="pmem size=64m backing=memfd\nxfs_io -f -c 'pwrite -q 0 4k' a\n"
                   "expect data a 0 4k 0xcd\n")
    assert r.returncode == 0, r.stdout + r.stderr


def test_file_backing_in_a_missing_directory(tmp_path):
    dev = tmp_path / "no" / "dev"
    r = daxsim_env(["run", "-"], stdin=f"pmem size=64m backing=file:{dev}\n")
    assert usage_error(r) == f"pmem: {dev}: No such file or directory"
    assert not dev.parent.exists()


def test_file_backing_on_a_directory(tmp_path):
    r = daxsim_env(["run", "-"], stdin=f"pmem size=64m backing=file:{tmp_path}\n")
    assert usage_error(r) == f"pmem: {tmp_path}: Is a directory"


def test_file_backing_on_a_fifo(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    r = daxsim_env(["run", "-"], stdin=f"pmem size=64m backing=file:{fifo}\n")
    assert usage_error(r) == f"pmem: {fifo} exists and it is not a regular file; refusing to touch it"


def test_file_backing_longer_than_its_header(tmp_path):
    """A device file whose length no longer matches its header is refused, untouched."""
    dev = tmp_path / "dev"
    assert daxsim_env(["run", "-"], stdin=f"pmem size=64m backing=file:{dev}\n").returncode == 0
    with open(dev, "ab") as f:
        f.write(b"x")
    before = dev.stat().st_size
    r = daxsim_env(["run", "-"], stdin=f"pmem size=64m backing=file:{dev}\n")
    assert usage_error(r) == \
        f"pmem: {dev} exists and its length does not match its header; refusing to touch it"
    assert dev.stat().st_size == before
