"""The benchmark harness (``benchmarks/run.py``) and the OpenFisca comparison's inputs
(``benchmarks/peers/compare.py``), which are not part of the package and are loaded from
their files.

``nox -s bench`` takes about 40 minutes: these tests make sure it does not fail at its
end, and that what it prints is what the engine gives. OpenFisca itself is installed in
the benchmark session only, so the comparison's other side is not run here; its inputs
are, and the rule they are compared on.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmark_scripts import BENCHMARKS, load
from minzheng import Engine, Registry, load_dataset


@pytest.fixture(scope="module")
def registry() -> Registry:
    found = Registry.discover()
    if "jian" not in found.packs:  # pragma: no cover - CI installs the packs
        pytest.skip("the Ji'an pack is not installed")
    return found


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``benchmarks/run.py``, generating and writing into ``tmp_path``."""
    module = load("bench_run", BENCHMARKS / "run.py")
    monkeypatch.setattr(module, "HERE", tmp_path)
    generate = tmp_path / "generate.py"
    generate.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(BENCHMARKS)!r})\n"
        "import generate\n"
        f"generate.DATA = __import__('pathlib').Path({str(tmp_path / 'data')!r})\n"
        "sys.exit(generate.main())\n",
        encoding="utf-8",
    )
    return module


def test_the_benchmark_prints_one_table_with_the_baseline_beside(
    registry: Registry, run: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--scale", "county", "--runs", "1", "--only", "declarative → jsonl"]
    assert run.main([*args, "--baseline", sys.executable]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "county, medians of 1 interleaved runs"
    names = [c.strip() for c in lines[2].strip("|").split("|")]
    assert names == ["variant", "seconds", "peak MiB", "baseline s", "baseline MiB"]
    cells = [c.strip() for c in lines[4].strip("|").split("|")]
    assert cells[0] == "declarative → jsonl, 1 thread"
    assert all(float(c) > 0 for c in cells[1:])
    assert not list((tmp_path / "data" / "out").glob("findings*"))  # the findings are removed


def test_the_declarative_variant_runs_only_the_core_kinds(registry: Registry, run: Any) -> None:
    ids = run.declarative()
    assert "J-staff-by-pop" in ids  # a bracket
    assert "J-office-name" not in ids  # a kind of the Ji'an pack's own


def test_the_comparison_feeds_both_sides_the_same_file_and_minzheng_agrees_with_the_peer(
    registry: Registry, tmp_path: Path
) -> None:
    compare = load("bench_compare", BENCHMARKS / "peers" / "compare.py")
    floor = load("bench_floor", BENCHMARKS / "floor.py")
    table = compare.write_inputs(300, into=tmp_path)
    with table.open(encoding="utf-8") as source:  # as openfisca_staff.py reads it
        peer = {
            r["unit"]: (int(r["registered_population"]), int(r["office_staff"]))
            for r in csv.DictReader(source)
        }
    assert len(peer) == 300
    # the bracket boundaries are in the data (以下 includes 20,000; 50,000 is the top band)
    assert {20000, 20001, 49999, 50000} <= {population for population, _ in peer.values()}
    dataset = load_dataset(table, registry.indicators)  # the same file
    ours = {
        f.unit: f for f in Engine(registry).iter_assess(dataset, ["jian"], rules=["J-staff-by-pop"])
    }
    assert set(ours) == set(peer)
    for code, (population, staff) in peer.items():
        required = floor._required(population)  # as openfisca_staff.py's formula has it
        assert ours[code].required == required
        assert ours[code].status.value == ("met" if staff >= required else "not_met")


def test_the_comparison_says_noise_rather_than_a_negative_cost() -> None:
    compare = load("bench_compare", BENCHMARKS / "peers" / "compare.py")
    assert compare._per_township(2.3, 0.3, 40000) == "50.0 µs"
    assert compare._per_township(0.40, 0.42, 40000) == "within noise"
