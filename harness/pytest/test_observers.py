"""Expectations observe; they must not change simulator state."""
from conftest import run


SCN = """pmem size=64m
mkfs reflink=1 rmapbt=1 dax=always
xfs_io -f -c "pwrite -q -S 0x61 0 16k" f
remount
expect shared f 0 16k no
poison f 0 4k
"""


def test_expect_shared_does_not_read_the_inode_in(tmp_path):
    """(mainline asks the rmap.)  After remount no inode is in core; `expect shared` must leave it so,
    or the memory-failure handling (which skips inodes not in core) sees a
    different world than the scenario made."""
    trace = tmp_path / "t.trace"
    r = run(["run", "--model", "mainline", f"--trace={trace}", "-"], stdin=SCN)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ino 131 not in core: skipped" in trace.read_text()
