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
