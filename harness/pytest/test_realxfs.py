"""File data of every data-only scenario equals a real XFS's.

Each scenario's command sequence is replayed with xfs_io on a loop-mounted
XFS (mkfs.xfs -m reflink=1,rmapbt=1 on a sparse file) and every `md5sum` it
asks for is compared with daxsim's.  Scenarios that poison, kill a task or
are marked `# realxfs: skip REASON` are skipped with that reason.

The loop-mounted XFS is a page-cache filesystem, so each scenario runs in
daxsim twice: as written (DAX for dax=always) and with its filesystem made
`dax=never` (every file through daxsim's page cache); both must print the
real XFS's md5sums.
"""
import re

import pytest

import realxfs
from conftest import DAXSIM, ROOT, run

SCENARIOS = sorted((ROOT / "scenarios").rglob("*.scn"))
MD5_LINE = re.compile(r"^([0-9a-f]{32})  (\S+)$", re.M)


MKFS_LINE = re.compile(r"^mkfs\b.*$", re.M)
PMEM_LINE = re.compile(r"^pmem\b.*$", re.M)
EXPECT_LINE = re.compile(r"^(@\S+\s+)?expect\s+(?!violation\s+L-).*$", re.M)
MMAP_SYNC = re.compile(r"^((?:@\S+\s+)?mmap\b[^\n]*?)\s+-S\b", re.M)


def dax_never(text):
    """The scenario with its filesystem made `dax=never` (the page cache).

    Its expectations go: they state DAX facts (a block no longer shared
    right after a store, where the page cache CoWs at writeback; statx),
    and the replay on real XFS ignores them too; `expect violation L-*` (an
    injected lock bug, there whatever the file's kind) stays.  MAP_SYNC goes, as in the replay.  The
    md5sums and every invariant stay.
    """
    text = EXPECT_LINE.sub(lambda m: "# " + m.group(0), text)
    text = MMAP_SYNC.sub(lambda m: m.group(1), text)	# MAP_SYNC needs DAX; the replay drops it too
    if MKFS_LINE.search(text):
        return MKFS_LINE.sub(lambda m: re.sub(r"\s+dax=\S+", "", m.group(0)) + " dax=never", text)
    if PMEM_LINE.search(text):	# the implicit mkfs comes after the pmem line
        return PMEM_LINE.sub(lambda m: m.group(0) + "\nmkfs dax=never", text, count=1)
    return "mkfs dax=never\n" + text


@pytest.mark.parametrize("mode", ["as-written", "dax=never"])
@pytest.mark.parametrize("scn", SCENARIOS, ids=lambda p: str(p.relative_to(ROOT)))
def test_md5_matches_real_xfs(scn, mode, real_xfs):
    lines = realxfs.expand(DAXSIM, scn)
    text = scn.read_text()
    why = realxfs.not_data_only(text, lines)
    if why:
        pytest.skip(f"not a data-only scenario: {why}")
    if mode == "as-written":
        sim = run(["run", str(scn.relative_to(ROOT))])
    else:
        if "mode=devdax" in text:
            pytest.skip("device DAX has no filesystem to make dax=never")
        sim = run(["run", "-"], stdin=dax_never(text))
    assert sim.returncode == 0, sim.stdout + sim.stderr
    sim_sums = [(p, h) for h, p in MD5_LINE.findall(sim.stdout)]
    assert sim_sums, f"{scn.name}: a data-only scenario must end with md5sum of its files"
    real_sums = real_xfs.run(lines)
    assert sim_sums == real_sums, "\n".join(real_xfs.log[-40:])
