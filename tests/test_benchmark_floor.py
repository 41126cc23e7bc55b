"""The floor of the OpenFisca comparison's job (``benchmarks/floor.py --peers``).

The floor evaluates J-staff-by-pop inline, without the engine; it is worth quoting only
if it computes what the Ji'an pack's rule computes.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmark_scripts import BENCHMARKS, load
from minzheng import Registry
from minzheng.rules import BracketRule

FLOOR = BENCHMARKS / "floor.py"


@pytest.fixture(scope="module")
def floor() -> ModuleType:
    return load("bench_floor", FLOOR)


@pytest.fixture(scope="module")
def staff_rule() -> BracketRule:
    registry = Registry.discover()
    if "jian" not in registry.packs:  # pragma: no cover - CI installs the packs
        pytest.skip("the Ji'an pack is not installed")
    _, rule = registry.rule("J-staff-by-pop")
    assert isinstance(rule, BracketRule)
    return rule


@given(population=st.one_of(st.sampled_from([0, 19999, 20000, 20001, 49999, 50000, 50001]),
                            st.integers(0, 10**7)))  # fmt: skip
def test_the_floor_requires_what_the_pack_requires(
    floor: ModuleType, staff_rule: BracketRule, population: int
) -> None:
    assert Decimal(floor._required(population)) == staff_rule.band(Decimal(population)).required


def test_the_floor_runs_and_leaves_no_findings_behind(
    floor: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    said = floor._peers(30, 937, repeats=1, into=tmp_path)
    assert said.startswith("30 townships, pure Python")
    # start-up split into its parts, each measured in a fresh process
    for part in ("interpreter", "libraries", "minzheng", "packs", "minzheng as it is"):
        assert f"{part} " in said.splitlines()[1]
    assert capsys.readouterr().out.strip() == said
    assert not (tmp_path / "floor-findings").exists()
    assert (tmp_path / "townships.csv").stat().st_size > 0
    sys.path.remove(str(FLOOR.parent / "peers"))
