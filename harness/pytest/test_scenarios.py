"""Every scenario against its golden .out under every sharing design;
every scenario deterministic.

A scenario's golden is NAME.out; where a design is expected to behave
differently (rfc breaking on shared mappings), NAME.<design>.out records
that design's output, so the breakage itself is regression-tested.
"""
import pathlib

import pytest

from conftest import ROOT, run

SCENARIOS = sorted((ROOT / "scenarios").rglob("*.scn"))
DESIGNS = [line.split()[0] for line in run(["help", "models"]).stdout.splitlines()]


def golden_for(scn, design):
    own = scn.with_suffix(f".{design}.out")
    return own if own.exists() else scn.with_suffix(".out")


def test_there_are_scenarios():
    assert SCENARIOS, "no scenarios found"


def test_every_design_is_listed():
    assert len(DESIGNS) >= 4 and DESIGNS[0] == "shadow", DESIGNS


@pytest.mark.parametrize("scn", SCENARIOS, ids=lambda p: str(p.relative_to(ROOT)))
def test_golden(scn):
    """The default design (no --model) against NAME.out."""
    golden = scn.with_suffix(".out")
    assert golden.exists(), f"{golden} is missing"
    r = run(["run", str(scn.relative_to(ROOT))])
    assert r.returncode in (0, 1), r.stderr
    assert r.stdout == golden.read_text()


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("scn", SCENARIOS, ids=lambda p: str(p.relative_to(ROOT)))
def test_golden_per_design(scn, design):
    golden = golden_for(scn, design)
    r = run(["run", "--model", design, str(scn.relative_to(ROOT))])
    assert r.returncode in (0, 1), r.stderr
    assert r.stdout == golden.read_text(), f"--model {design} differs from {golden.name}"


@pytest.mark.parametrize("scn", SCENARIOS, ids=lambda p: str(p.relative_to(ROOT)))
def test_deterministic(scn):
    a = run(["run", str(scn.relative_to(ROOT))])
    b = run(["run", str(scn.relative_to(ROOT))])
    assert a.stdout == b.stdout and a.returncode == b.returncode
