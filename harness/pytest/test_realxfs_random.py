"""Random scenarios of buffered and O_DIRECT I/O, mappings, reflinks,
truncation and fallocate modes on three files and two tasks, each run by
daxsim (page cache, and DAX) and replayed on a loop-mounted real XFS: every
md5sum must match, and daxsim must find nothing wrong (its own checks run
on every command).  The generator is seeded: the same seed gives the same
scenario on every machine, so a failure names its seed and the scenario
is written beside the test's temporary directory.
"""
import random
import re

import pytest

import realxfs
from conftest import DAXSIM, run

SEEDS = range(24)
K = 4096
MD5_LINE = re.compile(r"^([0-9a-f]{32})  (\S+)$", re.M)


def scenario(seed, mkfs):
    """A scenario text for @seed: three files, tasks p and q, 8-25 commands."""
    rng = random.Random(seed)
    out = ["pmem size=256m", mkfs,
           'xfs_io -f -c "pwrite -q -S 0x61 0 64k" a',
           'xfs_io -f -c "pwrite -q -S 0x62 0 32k" b',
           'xfs_io -f -c "truncate 20k" c']
    files = ["a", "b", "c"]
    state = {}

    def pattern():
        return f"0x{rng.randrange(0x41, 0x7a):02x}"

    def open_line(t):
        f, direct = rng.choice(files), rng.random() < 0.6
        state[t] = [f, False]
        return f"@{t} open -f{' -d' if direct else ''} {f}"

    for t in ("p", "q"):
        out.append(open_line(t))
    for _ in range(rng.randint(8, 25)):
        t = rng.choice(("p", "q"))
        mapped = state[t][1]
        r = rng.random()
        if r < 0.35:	# sector- or block-aligned writes (O_DIRECT needs 512)
            align = rng.choice([512, K, K, 2 * K])
            out.append(f"@{t} pwrite -q -S {pattern()} {rng.randrange(0, 96 * K // align) * align} "
                       f"{rng.choice([512, 1024, K, 2 * K, 3 * K])}")
        elif r < 0.5:
            align = rng.choice([512, K])
            out.append(f"@{t} pread -q {rng.randrange(0, 96 * K // align) * align} "
                       f"{rng.choice([512, K, 2 * K])}")
        elif r < 0.6:
            src, dst = rng.sample(files, 2)
            out.append(f'xfs_io -f -c "reflink {src} {rng.randrange(8) * K} {rng.randrange(8) * K} '
                       f'{rng.randrange(1, 8) * K}" {dst}')
        elif r < 0.7:
            if not mapped:
                out.append(f"@{t} mmap -rw 0 64k")
                state[t][1] = True
            else:
                out.append(f"@{t} mwrite -S {pattern()} {rng.randrange(15) * K + rng.randrange(4000)} "
                           f"{rng.randrange(1, 5000)}")
        elif r < 0.75:
            out.append(f"@{t} fsync")
        elif r < 0.8:
            out.append(f"@{t} truncate {rng.randrange(100) * K // 2}")
            if mapped:
                out.append(f"@{t} munmap")
                state[t][1] = False
        elif r < 0.85:
            out.append(f"@{t} fpunch {rng.randrange(24) * K} {rng.randrange(1, 5) * K}")
        elif r < 0.9:
            if mapped:
                out.append(f"@{t} munmap")
            out.append(f"@{t} close")
            out.append(open_line(t))
        elif r < 0.95:
            out.append(f"@{t} falloc {rng.randrange(24) * K} {rng.randrange(1, 5) * K}")
        else:
            out.append(f"@{t} fzero {rng.randrange(192) * 512} {rng.randrange(1, 9) * 512}")
    for t in ("p", "q"):
        if state[t][1]:
            out.append(f"@{t} munmap")
    out.append("md5sum a b c")
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("mkfs", ["mkfs dax=never", "mkfs"], ids=["pagecache", "dax"])
@pytest.mark.parametrize("seed", SEEDS)
def test_random_io_matches_real_xfs(seed, mkfs, tmp_path, real_xfs):
    scn = tmp_path / f"random-{seed}.scn"
    scn.write_text(scenario(seed, mkfs))
    sim = run(["run", str(scn)])
    if sim.returncode == 2 and "was killed" in sim.stderr:
        pytest.skip("a store past EOF killed a task (SIGBUS): the generator's doing")
    assert sim.returncode == 0, f"{scn}\n{sim.stdout}{sim.stderr}"
    sim_sums = [(p, h) for h, p in MD5_LINE.findall(sim.stdout)]
    real_sums = real_xfs.run(realxfs.expand(DAXSIM, scn))
    assert sim_sums == real_sums, f"{scn}\n" + "\n".join(real_xfs.log[-40:])
