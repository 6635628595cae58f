"""fuzz_sched: background commands and scheduler choices from bytes (fuzz/sched_decode.c)."""
import re

from conftest import ROOT, run


def encode(tmp_path, scn):
    out = tmp_path / "in.sched"
    r = run(["fuzz-encode", "--sched", scn, str(out)])
    assert r.returncode == 0, r.stderr
    return out


def test_decode_prints_background_lines_and_a_replayable_schedule(tmp_path):
    blob = encode(tmp_path, "scenarios/basic/seed-reflink-mmap.scn")
    d = run(["fuzz-decode", "--sched", str(blob)])
    assert d.returncode == 0, d.stderr
    head = d.stdout.splitlines()[:4]
    assert head[0].startswith(f"# {blob}: a fuzz_sched input of ")
    nbg = int(re.search(r"(\d+) background lines", head[0]).group(1))
    assert nbg == sum(l.endswith(" &") for l in d.stdout.splitlines()) and nbg > 0
    sched = re.match(r"# replay: daxsim run --schedule='([^']*)' FILE$", head[3]).group(1)
    assert sched, "the seed's choices switch tasks"
    saved = tmp_path / "decoded.scn"
    saved.write_text(d.stdout)
    again = run(["run", f"--schedule={sched}", str(saved)])
    assert again.returncode in (0, 1), again.stderr      # replays: never a divergence
    assert run(["run", f"--schedule={sched}", str(saved)]).stdout == again.stdout


def test_memory_failure_lines_are_left_out(tmp_path):
    blob = encode(tmp_path, "scenarios/poison/sw-injection-second-run.scn")
    d = run(["fuzz-decode", "--sched", str(blob)])
    body = [l for l in d.stdout.splitlines() if not l.startswith("#")]
    assert body and not any(l.startswith("poison") or " madvise " in l and "-P" in l
                            for l in body)


def test_fuzz_sched_in_the_layout():
    mk = (ROOT / "fuzz/fuzz.mk").read_text()
    build = (ROOT / "fuzz/build.sh").read_text()
    seeds = (ROOT / "fuzz/make_seeds.sh").read_text()
    assert re.search(r"^FUZZ_TARGETS\s*:=.*\bfuzz_sched\b", mk, re.M)
    assert "replay_fuzz_sched build/seeds/fuzz_sched" in mk
    assert "fuzz/run.sh fuzz_sched 30 1 smoke" in mk
    assert "fuzz_sched.o" in build and "fuzz_lex fuzz_sched; do" in build
    assert "fuzz-encode --sched" in seeds
    assert run(["fuzz-dict", "fuzz_sched"]).stdout == run(["fuzz-dict", "fuzz_ops"]).stdout
