"""The command line's options of run, explore, compare and help: each bad
value is a one-line message and exit 2 before anything runs."""
import re

import pytest

from conftest import ROOT, run

KH1 = "scenarios/races/kh1-deadlock.scn"
BASIC = "scenarios/basic/seed-reflink-mmap.scn"


def test_help_for_one_command_and_its_alias():
    r = run(["help", "pwrite"])
    assert r.returncode == 0
    assert r.stdout.splitlines()[0].startswith("pwrite [-q] [-S seed] [-b bsize] [-R [-Z zeed]] off len")
    assert "  alias: w\n" in r.stdout
    r = run(["help", "nosuch"])
    assert r.returncode == 2 and r.stderr == "daxsim: help: unknown command 'nosuch'\n"


def test_help_models_lists_every_design():
    r = run(["help", "models"])
    assert r.returncode == 0
    assert [line.split()[0] for line in r.stdout.splitlines()] == ["shadow", "mainline", "maplist", "rfc"]


@pytest.mark.parametrize("args,msg", [
    (["--check=sometimes"], "daxsim: --check must be full, incremental or off"),
    (["--lockdep=maybe"], "daxsim: --lockdep must be on or off"),
    (["--lockdep=off", "--lockdep-graph=never.dot"],
     "daxsim: --lockdep-graph and --lockdep-edges need --lockdep=on"),
    (["--lockdep=off", "--lockdep-edges=never.txt"],
     "daxsim: --lockdep-graph and --lockdep-edges need --lockdep=on"),
    (["--inject=cow-no-copy", "--lockdep-inject=fault-ilock-outer"],
     "daxsim: --inject and --lockdep-inject: one injected bug at a time"),
    (["--inject=nosuch"], "daxsim: --inject: unknown mutant 'nosuch' (off, "),
    (["--lockdep-inject=nosuch"], "daxsim: --lockdep-inject: unknown path 'nosuch' (off, "),
    (["--lockdep-rules=/nonexistent/rules"], "daxsim: /nonexistent/rules: cannot read the lock rules file"),
    (["--bogus"], "daxsim: Unknown option --bogus"),
    (["--model=nope"], "daxsim: unknown model 'nope'"),
])
def test_run_option_errors(args, msg):
    r = run(["run"] + args + [BASIC])
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(msg), r.stderr
    assert r.stdout == ""
    assert not list(ROOT.glob("never.*"))


@pytest.mark.parametrize("check", ["full", "incremental", "off"])
def test_run_check_modes_agree_on_a_clean_scenario(check):
    r = run(["run", f"--check={check}", "--keep-going", "--stop-on-failure", BASIC])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "INVARIANT" not in r.stdout


@pytest.mark.parametrize("args", [["--preempt=-1"], ["--depth=0"], ["--runs=-1"]])
def test_explore_bounds(args):
    r = run(["explore"] + args + [KH1])
    assert r.returncode == 2
    assert r.stderr == "daxsim explore: --preempt >= 0, --depth >= 1, --runs >= 0\n"


def test_explore_unknown_option_and_missing_file():
    r = run(["explore", "--bogus", KH1])
    assert r.returncode == 2 and "Unknown option --bogus" in r.stderr
    r = run(["explore", "no/such.scn"])
    assert r.returncode == 2 and r.stderr == "daxsim: cannot read scenario 'no/such.scn': No such file or directory\n"


def test_explore_pct_with_a_model_names_it_in_the_replay_line():
    r = run(["explore", "--model=mainline", "--strategy=pct", "--depth=3", "--runs=200", KH1])
    assert r.returncode == 1, r.stdout + r.stderr
    m = re.search(r"^replay: daxsim run --schedule='([^']*)' --model mainline (\S+)$", r.stdout, re.M)
    assert m and m.group(2) == KH1, r.stdout
    assert re.search(r"explored \d+ schedules? \(sampled\): 1 failed\n$", r.stdout), r.stdout
    again = run(["run", f"--schedule={m.group(1)}", "--model", "mainline", KH1])
    assert again.returncode == 1 and "INVARIANT L-deadlock violated" in again.stdout


@pytest.mark.parametrize("text,where", [
    ("pmem size=64m\nbogus\n", ":2:1: unknown command 'bogus'"),
    ("pmem size=64m\nopen -f a &\nfrobnicate\n", ":3:1: unknown command 'frobnicate'"),
    ("pmem size=64m\nxfs_io -f -c 'pwrite 0 4k' a\nopen a\npwrite -b -1 0 1\n",
     ":4:11: pwrite: -b -1 is out of range"),
])
def test_explore_stops_at_a_usage_error(tmp_path, text, where):
    scn = tmp_path / "bad.scn"
    scn.write_text(text)
    r = run(["explore", str(scn)])
    assert r.returncode == 2, r.stdout + r.stderr
    assert (str(scn) + where) in r.stderr
    assert "daxsim explore: the run under schedule '' ended with status 2" in r.stderr


@pytest.mark.parametrize("args,msg", [
    (["-"], "daxsim: cannot read scenario '-': stdin is not supported by compare"),
    (["--format=xml", KH1], "daxsim: compare: --format must be text, csv or json"),
    (["no/such.scn"], "daxsim: cannot read scenario 'no/such.scn': No such file or directory"),
    (["--bogus", KH1], "daxsim: compare: Unknown option --bogus"),
])
def test_compare_option_errors(args, msg):
    r = run(["compare"] + args)
    assert r.returncode == 2
    assert r.stderr.startswith(msg), r.stderr


def test_compare_stops_at_a_usage_error(tmp_path):
    scn = tmp_path / "bad.scn"
    scn.write_text("pmem size=64m\nxfs_io -f -c 'pwrite 0 4k' a\nopen a\npwrite -b -1 0 1\n")
    r = run(["compare", str(scn)])
    assert r.returncode == 2
    assert f"{scn}:4:11: pwrite: -b -1 is out of range (1..1073741824)" in r.stderr


def test_model_flag_overrides_a_late_model_line(tmp_path):
    """`model NAME` after mkfs is a usage error, unless --model is given: the
    CLI flag overrides the line wherever it is (the contract's words)."""
    scn = tmp_path / "m.scn"
    scn.write_text("pmem size=64m\nmkfs\nmodel mainline\necho ran\n")
    r = run(["run", str(scn)])
    assert r.returncode == 2 and "model: must come before the filesystem is used" in r.stderr
    r = run(["run", "--model", "maplist", str(scn)])
    assert r.returncode == 0 and r.stdout == "ran\n", r.stderr
