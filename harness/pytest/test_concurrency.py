"""Concurrency v2: background commands, the scheduler, replay and explore.

The race library is scenarios/races/: each .scn has its default-schedule
golden (.out, run by test_scenarios.py); a NAME.explore file is the golden
output of `daxsim explore` on it.
"""
import re

import pytest

from conftest import ROOT, run

RACES = ROOT / "scenarios" / "races"
EXPLORE_GOLDENS = sorted(RACES.glob("*.explore"))
CONTROLS = ["different-files", "truncate-vs-fault", "reflink-vs-read-faults", "kh1-shadow",
            "fault-vs-write", "lost-wakeup-pmd-key", "lost-wakeup-invalidate", "mf-waits-for-entry",
            "fault-vs-fault", "truncate-vs-pin", "falloc-vs-extending-write",
            "reflink-vs-write-fault", "reflink-vs-page-mkwrite", "reflink-vs-dio-write",
            "pmd-pte-collision"]
# upstream races put back (DAXSIM_INJECT), the scenario that shows each, and what explore reports
INJECTED_RACES = [
    ("pmd-wait-wrong-index", "lost-wakeup-pmd-key", "held by no task, a lost wakeup"),
    ("downgrade-wake-one", "lost-wakeup-pmd-downgrade", "held by no task, a lost wakeup"),
    ("invalidate-wake-one", "lost-wakeup-invalidate", "held by no task, a lost wakeup"),
    ("mf-sleep-under-xa-lock", "mf-waits-for-entry",
     "holds xa_lock/131 (exclusive), taken in dax_lock_mapping_entry"),
    ("fault-iomap-before-entry", "fault-vs-write", "INVARIANT M1 violated"),
    ("fault-no-entry-lock", "fault-vs-fault", "the zero page is mapped over written block"),
    ("layout-skip-locked", "truncate-vs-pin", "INVARIANT M7 violated"),
    ("reflink-src-shared", "reflink-vs-write-fault", "writable PTE maps block 272 with refcount 2"),
    ("reflink-src-shared", "reflink-vs-page-mkwrite", "INVARIANT D1 violated"),
    ("reflink-src-shared", "reflink-vs-dio-write", "b offset 12288: read 0x63, reference model has 0x61"),
    ("pmd-pte-collision", "pmd-pte-collision", "bad pmd at 0x7f0000000000: a PTE fault maps under a PMD leaf"),
]


@pytest.mark.parametrize("golden", EXPLORE_GOLDENS, ids=lambda p: p.stem)
def test_explore_golden(golden):
    scn = golden.with_suffix(".scn")
    r = run(["explore", str(scn.relative_to(ROOT))])
    assert r.returncode in (0, 1), r.stderr
    assert r.stdout == golden.read_text()


def test_kh1_is_a_deadlock_and_replays():
    r = run(["explore", "scenarios/races/kh1-deadlock.scn"])
    assert r.returncode == 1
    assert "INVARIANT L-deadlock violated" in r.stdout
    assert re.search(r"explored \d+ schedules \((complete|bounded)\): 1 failed\n$", r.stdout)
    replay = re.search(r"^replay: daxsim run --schedule='([^']*)' (\S+)$", r.stdout, re.M)
    assert replay, r.stdout
    again = run(["run", f"--schedule={replay.group(1)}", replay.group(2)])
    assert again.returncode == 1
    report = r.stdout[:r.stdout.index("replay:")]
    assert again.stdout == report


@pytest.mark.parametrize("name", CONTROLS)
def test_no_false_alarm(name):
    """Race-free controls explore to the end with nothing failed."""
    r = run(["explore", "--preempt=1", f"scenarios/races/{name}.scn"])
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.endswith(": 0 failed\n"), r.stdout


def test_explore_is_deterministic():
    a = run(["explore", "--strategy=random", "--runs=20", "--keep-going",
             "scenarios/races/kh1-deadlock.scn"])
    b = run(["explore", "--strategy=random", "--runs=20", "--keep-going",
             "scenarios/races/kh1-deadlock.scn"])
    assert a.stdout == b.stdout and a.returncode == b.returncode
    assert a.stdout.endswith("(sampled): %s failed\n" % a.stdout.count("replay:"))


@pytest.mark.parametrize("strategy", ["dfs", "random", "pct"])
def test_every_strategy_finds_kh1(strategy):
    r = run(["explore", f"--strategy={strategy}", "--runs=200", "scenarios/races/kh1-deadlock.scn"])
    assert r.returncode == 1, r.stdout
    assert "L-deadlock" in r.stdout


def test_same_seed_same_bytes():
    a = run(["run", "--seed", "7", "scenarios/races/different-files.scn"])
    b = run(["run", "--seed", "7", "scenarios/races/different-files.scn"])
    assert a.returncode == 0 and a.stdout == b.stdout


def test_diverged_replay_is_exit_2():
    r = run(["run", "--schedule=w:nowhere@nothing/1", "scenarios/races/kh1-deadlock.scn"])
    assert r.returncode == 2
    assert "schedule diverged at step 1: expected w at nowhere@nothing" in r.stderr


def test_unreached_replay_is_exit_2():
    r = run(["run", "--schedule=w:agf@x/999", "scenarios/races/kh1-deadlock.scn"])
    assert r.returncode == 2
    assert "found the end of the run" in r.stderr


def test_bad_schedule_string_is_exit_2():
    r = run(["run", "--schedule=garbage", "scenarios/races/kh1-deadlock.scn"])
    assert r.returncode == 2
    assert "cannot parse" in r.stderr


def test_expect_violation_l_deadlock(tmp_path):
    """A deadlock that the next line expects is not a failure."""
    text = (ROOT / "scenarios/races/kh1-deadlock.scn").read_text()
    text = text.replace("poison b 0 4k\n", "poison b 0 4k\nexpect violation L-deadlock\n")
    scn = tmp_path / "kh1-expected.scn"
    scn.write_text(text)
    found = run(["explore", "scenarios/races/kh1-deadlock.scn"])
    schedule = re.search(r"--schedule='([^']*)'", found.stdout).group(1)
    replay = run(["run", f"--schedule={schedule}", str(scn)])
    assert "INVARIANT L-deadlock violated" in replay.stdout
    assert replay.returncode == 0, replay.stdout + replay.stderr


def test_wait_usage_error():
    r = run(["run", "-"], stdin="pmem size=64m\nwait main\n")
    assert r.returncode == 2
    assert "wait: 'main' is not @TASK" in r.stderr


def test_explore_usage_errors():
    assert run(["explore"]).returncode == 2
    assert run(["explore", "--strategy=bogus", "scenarios/races/kh1-deadlock.scn"]).returncode == 2
    assert run(["explore", "--model", "nope", "scenarios/races/kh1-deadlock.scn"]).returncode == 2


def test_injected_upstream_race_is_found():
    """13e451fdc1af put back: the fault maps the extent before it locks the entry."""
    import os
    import subprocess
    from conftest import DAXSIM
    env = dict(os.environ, DAXSIM_INJECT="fault-iomap-before-entry")
    r = subprocess.run([DAXSIM, "explore", "scenarios/races/fault-vs-write.scn"], cwd=ROOT,
                       env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "INVARIANT M1 violated" in r.stdout or "INVARIANT D1 violated" in r.stdout
    assert "replay: daxsim run --schedule=" in r.stdout


@pytest.mark.parametrize("inject,name,report", INJECTED_RACES, ids=lambda v: v if isinstance(v, str) else "")
def test_injected_race_is_found(inject, name, report):
    """Each upstream race put back is found by dfs at 2 preemptions, and its replay fails the same way."""
    r = run(["explore", f"scenarios/races/{name}.scn"], env_extra={"DAXSIM_INJECT": inject})
    assert r.returncode == 1, r.stdout + r.stderr
    assert report in r.stdout, r.stdout
    assert r.stdout.endswith(": 1 failed\n"), r.stdout
    replay = re.search(r"^replay: daxsim run --schedule='([^']*)' (\S+)$", r.stdout, re.M)
    again = run(["run", f"--schedule={replay.group(1)}", replay.group(2)],
                env_extra={"DAXSIM_INJECT": inject})
    assert again.returncode == 1 and report in again.stdout



@pytest.mark.parametrize("golden", [g for g in EXPLORE_GOLDENS if "replay: " in g.read_text()],
                         ids=lambda p: p.stem)
def test_explore_replay_reproduces(golden):
    """Every failing schedule in the race library replays to the same report."""
    text = golden.read_text()
    replay = re.search(r"^replay: daxsim run --schedule='([^']*)' (\S+)$", text, re.M)
    assert replay.group(1), "an empty schedule would replay the default one"
    again = run(["run", f"--schedule={replay.group(1)}", replay.group(2)])
    assert again.returncode == 1
    assert again.stdout == text[:text.index("replay:")]


def test_task_expect_while_in_flight_is_not_quiescence():
    """`@T expect` / `wait @T` with a poison worker in flight: no checker run then (no M4)."""
    r = run(["explore", "--preempt=1", "--runs=400", "scenarios/races/expect-while-in-flight.scn"])
    assert r.returncode == 0, r.stdout
    assert r.stdout.endswith(": 0 failed\n")


def test_shrink_keeps_the_deadlock_and_its_schedule(tmp_path):
    """shrink --schedule: fewer lines, same violation ID, and the printed replay line works."""
    found = re.search(r"--schedule='([^']*)'", (RACES / "kh1-deadlock.explore").read_text()).group(1)
    r = run(["shrink", f"--schedule={found}", "scenarios/races/kh1-deadlock.scn"])
    assert r.returncode == 0, r.stderr
    assert "# still fails with: invariant L-deadlock\n" in r.stdout
    body = [l for l in r.stdout.splitlines() if not l.startswith("#")]
    src = [l for l in (RACES / "kh1-deadlock.scn").read_text().splitlines()
           if l and not l.startswith("#")]
    assert len(body) < len(src)
    assert any(l.endswith(" &") for l in body)
    sched = re.search(r"^# replay: daxsim run --schedule='([^']*)' FILE$", r.stdout, re.M).group(1)
    small = tmp_path / "min.scn"
    small.write_text(r.stdout)
    again = run(["run", f"--schedule={sched}", str(small)])
    assert again.returncode == 1 and "INVARIANT L-deadlock violated" in again.stdout


def test_shrink_refuses_a_schedule_that_passes():
    r = run(["shrink", "--schedule=", "scenarios/races/different-files.scn"])
    assert r.returncode == 2 and "does not fail under that schedule" in r.stderr


def test_wait_for_a_task_that_does_not_exist_is_a_usage_error():
    r = run(["run", "-"], stdin="pmem size=64m\nmkfs\n@a open -f f\nwait @a @nobody\n")
    assert r.returncode == 2
    assert r.stderr == "<stdin>:4:9: wait: no task '@nobody' (no line has used it yet)\n"


def test_shrink_names_a_malformed_schedule():
    r = run(["shrink", "--schedule=garbage", "scenarios/races/kh1-deadlock.scn"])
    assert r.returncode == 2 and "--schedule='garbage' is not a schedule" in r.stderr


def test_remount_refuses_while_a_task_holds_pins():
    r = run(["run", "-"], stdin="pmem size=64m\nmkfs\nxfs_io -f -c 'pwrite -q 0 4k' f\n"
                                "@d open f\n@d mmap -rw 0 4k\n@d pin 0 4k\n@d munmap\n@d close\nremount\n")
    assert r.returncode == 2
    assert "remount: task 'd' still holds open files, mappings or page pins (run `@d exit` first)" in r.stderr
    ok = run(["run", "-"], stdin="pmem size=64m\nmkfs\nxfs_io -f -c 'pwrite -q 0 4k' f\n"
                                 "@d open f\n@d mmap -rw 0 4k\n@d pin 0 4k\n@d exit\nremount\n")
    assert ok.returncode == 0, ok.stderr


def test_a_deadlock_ending_a_multi_file_run_says_so():
    r = run(["run", "scenarios/races/pin-never-released.scn", "scenarios/races/different-files.scn"])
    assert r.returncode == 1
    assert ("daxsim: scenarios/races/pin-never-released.scn ended the run (its commands cannot "
            "be unwound): the 1 file after it did not run\n") in r.stderr



# explore's worker runs schedule after schedule in one process and starts a
# new one when a run cannot be unwound (a deadlock); --isolate gives every
# schedule its own process.  The output must not tell them apart.
WORKER_CASES = [
    ("kh1-deadlock", "mainline", ["--keep-going", "--strategy=random", "--runs=30"]),
    ("kh1-deadlock", "mainline", ["--keep-going", "--runs=60"]),
    ("h2-stale-entry", "mainline", ["--keep-going", "--runs=60"]),
    ("mf-vs-fault", "shadow", ["--keep-going", "--strategy=pct", "--runs=40"]),
    ("mf-vs-fault", "maplist", ["--keep-going", "--runs=80"]),
    ("h4-share-counter", "rfc", ["--keep-going", "--runs=40"]),
    ("replay-after-expect-failed", "mainline", ["--keep-going", "--runs=40"]),
    ("expect-while-in-flight", "rfc", ["--preempt=1", "--runs=100"]),
    ("lost-wakeup-invalidate", "shadow", ["--runs=100"]),
]


@pytest.mark.parametrize("name,model,opts", WORKER_CASES,
                         ids=[f"{n}-{m}-{o[-1][2:]}" for n, m, o in WORKER_CASES])
def test_explore_worker_matches_isolated_runs(name, model, opts):
    args = ["explore", "--model", model, *opts, f"scenarios/races/{name}.scn"]
    worker = run(args)
    isolated = run([args[0], "--isolate", *args[1:]])
    assert (worker.returncode, worker.stdout, worker.stderr) == \
        (isolated.returncode, isolated.stdout, isolated.stderr)
    assert re.search(r"explored \d+ schedules? \((complete|bounded|sampled)\): \d+ failed\n$",
                     worker.stdout), worker.stdout


def test_explore_worker_goes_on_after_deadlocks():
    """Every failing schedule of a --keep-going exploration is a deadlock that
    ends its worker; the exploration still reaches its --runs."""
    r = run(["explore", "--keep-going", "--strategy=random", "--runs=25",
             "scenarios/races/kh1-deadlock.scn"])
    assert r.returncode == 1
    failed = int(re.search(r"explored 25 schedules \(sampled\): (\d+) failed\n$", r.stdout).group(1))
    assert failed >= 2
    assert r.stdout.count("INVARIANT L-deadlock violated") == failed
    assert r.stdout.count("replay: daxsim run --schedule=") == failed


def test_expect_violation_claims_whichever_command_ends_last():
    """The race is reported at the quiescence after the two faults, at the
    line of whichever ended last; the `expect violation` after both lines
    claims it under every schedule (it used to look at the line after the
    one that ended last: 211 of 422 schedules failed under shadow)."""
    r = run(["explore", "--keep-going", "scenarios/races/h4-share-counter.scn"])
    assert r.returncode == 0, r.stdout
    assert r.stdout.endswith(": 0 failed\n"), r.stdout[-300:]
    seed2 = run(["run", "--seed", "2", "scenarios/races/h4-share-counter.scn"])
    assert seed2.returncode == 0, seed2.stdout
    assert "h4-share-counter.scn:17 (mread)" in seed2.stdout


def test_task_expect_without_a_completed_command(tmp_path):
    """`@T expect` judges T's last completed command: with T's only command
    still in flight there is none (it used to pass as "succeeded")."""
    scn = tmp_path / "t.scn"
    scn.write_text("pmem size=64m\nmkfs\n@p open -f a &\n@p expect ok\nwait\n@p expect ok\n")
    r = run(["run", str(scn)])
    assert r.returncode == 1
    assert r.stdout == (f"EXPECT FAILED {scn}:4: expected success, but task p has completed "
                        "no command\n")


def test_one_schedule_is_still_schedules():
    """The summary line is the contract's words whatever N is."""
    r = run(["explore", "scenarios/basic/shell-quoted-operators.scn"])
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.endswith("explored 1 schedules (complete): 0 failed\n"), r.stdout


def test_default_schedule_replays():
    """What an L-deadlock report prints as its schedule replays."""
    r = run(["run", "scenarios/races/expect-claims-xfs-io.scn"])
    assert "  schedule: (default)\n" in r.stdout
    again = run(["run", "--schedule=(default)", "scenarios/races/expect-claims-xfs-io.scn"])
    assert again.returncode == r.returncode == 0
    assert again.stdout == r.stdout


def test_replay_line_quotes_the_file(tmp_path):
    """The replay line is a shell command: a file name with a space is quoted."""
    scn = tmp_path / "my kh1.scn"
    scn.write_text((ROOT / "scenarios/races/kh1-deadlock.scn").read_text())
    r = run(["explore", str(scn)])
    assert r.returncode == 1
    line = [ln for ln in r.stdout.splitlines() if ln.startswith("replay: ")][0]
    assert line.endswith(" '%s'" % scn), line


@pytest.mark.parametrize("schedule", ["d:_pincount@page_is_pinned/14", "t:_refcount@put_leaf/12"])
def test_atomic_page_state_is_a_scheduling_point(schedule):
    """The pin, reference and map counts are points (page_ref.h): the unpin can run just
    before truncate's busy-page scan reads the pin count, and a task can be switched out as
    the zap drops a page's reference.  Either schedule replays and holds (before these
    points existed, both diverged: exit 2)."""
    scn = "scenarios/races/truncate-vs-pin.scn"
    r = run(["run", f"--schedule={schedule}", scn])
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == (RACES / "truncate-vs-pin.out").read_text()
