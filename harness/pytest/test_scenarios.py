"""Every scenario against its golden .out; every scenario deterministic."""
import pathlib

import pytest

from conftest import ROOT, run

SCENARIOS = sorted((ROOT / "scenarios").rglob("*.scn"))


def test_there_are_scenarios():
    assert SCENARIOS, "no scenarios found"


@pytest.mark.parametrize("scn", SCENARIOS, ids=lambda p: str(p.relative_to(ROOT)))
def test_golden(scn):
    golden = scn.with_suffix(".out")
    assert golden.exists(), f"{golden} is missing"
    r = run(["run", str(scn.relative_to(ROOT))])
    assert r.returncode in (0, 1), r.stderr
    assert r.stdout == golden.read_text()


@pytest.mark.parametrize("scn", SCENARIOS, ids=lambda p: str(p.relative_to(ROOT)))
def test_deterministic(scn):
    a = run(["run", str(scn.relative_to(ROOT))])
    b = run(["run", str(scn.relative_to(ROOT))])
    assert a.stdout == b.stdout and a.returncode == b.returncode
