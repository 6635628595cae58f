"""File data of every data-only scenario equals a real XFS's.

Each scenario's command sequence is replayed with xfs_io on a loop-mounted
XFS (mkfs.xfs -m reflink=1,rmapbt=1 on a sparse file) and every `md5sum` it
asks for is compared with daxsim's.  Scenarios that poison, kill a task or
are marked `# realxfs: skip REASON` are skipped with that reason.
"""
import re

import pytest

import realxfs
from conftest import DAXSIM, ROOT, run

SCENARIOS = sorted((ROOT / "scenarios").rglob("*.scn"))
MD5_LINE = re.compile(r"^([0-9a-f]{32})  (\S+)$", re.M)


@pytest.fixture
def real_xfs(tmp_path):
    why = realxfs.have_tools()
    if why:
        pytest.skip(why)
    fs = realxfs.RealXfs(str(tmp_path))
    try:
        yield fs
    finally:
        fs.teardown()


@pytest.mark.parametrize("scn", SCENARIOS, ids=lambda p: str(p.relative_to(ROOT)))
def test_md5_matches_real_xfs(scn, real_xfs):
    lines = realxfs.expand(DAXSIM, scn)
    why = realxfs.not_data_only(scn.read_text(), lines)
    if why:
        pytest.skip(f"not a data-only scenario: {why}")
    sim = run(["run", str(scn.relative_to(ROOT))])
    assert sim.returncode == 0, sim.stdout + sim.stderr
    sim_sums = [(p, h) for h, p in MD5_LINE.findall(sim.stdout)]
    assert sim_sums, f"{scn.name}: a data-only scenario must end with md5sum of its files"
    real_sums = real_xfs.run(lines)
    assert sim_sums == real_sums, "\n".join(real_xfs.log[-40:])
