import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DAXSIM = os.environ.get("DAXSIM", str(ROOT / "daxsim"))


def run(args, stdin=None, env_extra=None):
    env = dict(os.environ, **env_extra) if env_extra else None
    return subprocess.run([DAXSIM] + args, input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=300, env=env)


@pytest.fixture
def daxsim():
    return run


@pytest.fixture
def real_xfs(tmp_path):
    """A loop-mounted real XFS for one test (harness/pytest/realxfs.py), torn down after."""
    import realxfs

    why = realxfs.have_tools()
    if why:
        pytest.skip(why)
    fs = realxfs.RealXfs(str(tmp_path))
    try:
        yield fs
    finally:
        fs.teardown()
