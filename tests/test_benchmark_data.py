"""The benchmark generator: deterministic, readable, and not written twice for nothing.

``benchmarks/generate.py`` is not part of the package; it is loaded from its file
(:mod:`benchmark_scripts`).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from benchmark_scripts import BENCHMARKS, load
from minzheng import DatasetStream, Engine, Level, Registry, load_dataset

GENERATE = BENCHMARKS / "generate.py"


@pytest.fixture(scope="module")
def registry() -> Registry:
    found = Registry.discover()
    if next(found.iter_rules(), None) is None:  # pragma: no cover - CI installs the packs
        pytest.skip("no pack with rules is installed")
    return found


@pytest.fixture
def generate(tmp_path: Path) -> ModuleType:
    module = load("bench_generate", GENERATE)
    module.DATA = tmp_path / "data"
    return module


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_county_scale_is_the_same_every_time_and_loads(
    generate: ModuleType, registry: Registry
) -> None:
    paths = generate.write("county", ["csv", "json"], registry)
    first = _files(paths["csv"]), paths["json"].read_bytes()
    again = generate.write("county", ["csv", "json"], registry, force=True)
    assert (_files(again["csv"]), again["json"].read_bytes()) == first
    loaded = load_dataset(paths["json"], registry.indicators)
    # the province, a prefecture, the county, and its townships each with villages and a home
    ((_, _, villages),) = generate.shape("county")
    assert len(loaded.units) == 3 + len(villages) * 2 + sum(villages)
    stream = DatasetStream(paths["csv"], registry.indicators)
    assert stream.check() == sum(
        len(periods) for facts in loaded.facts.values() for periods in facts.values()
    )  # the CSV and the JSON hold the same facts
    assert len(stream.dataset.units) == len(loaded.units)


def test_an_up_to_date_dataset_is_kept_and_a_stale_one_written_again(
    generate: ModuleType, registry: Registry
) -> None:
    path = generate.write("county", ["csv"], registry)["csv"]
    facts = path / "facts.csv"
    facts.write_text("unit,indicator,period,value\n", encoding="utf-8")  # marks it
    assert generate.write("county", ["csv"], registry)["csv"] == path
    assert facts.read_text(encoding="utf-8") == "unit,indicator,period,value\n"  # kept

    stamp = path.with_name(f".{path.name}.generated")
    stamp.write_text("another generator or other packs")
    generate.write("county", ["csv"], registry)
    assert facts.stat().st_size > 1000  # written again

    facts.write_text("unit,indicator,period,value\n", encoding="utf-8")
    stamp.unlink()  # as a run stopped half way leaves it
    generate.write("county", ["csv"], registry)
    assert facts.stat().st_size > 1000


@pytest.mark.parametrize("scale", ["city", "province", "national"])
def test_a_scale_has_about_its_named_size_with_counts_that_vary(
    generate: ModuleType, scale: str
) -> None:
    counties, towns, villages = generate.SCALES[scale]
    shape = list(generate.shape(scale))
    codes = [code for code, _, _ in shape]
    assert len(codes) == counties
    assert codes == sorted(codes)
    assert [number for _, number, _ in shape] == list(range(1, counties + 1))
    per_county = [len(v) for _, _, v in shape]
    per_town = [n for _, _, v in shape for n in v]
    # within 5 % of the named averages, and not the same everywhere
    assert abs(sum(per_county) / counties - towns) < towns * 0.05
    assert abs(sum(per_town) / len(per_town) - villages) < villages * 0.05
    assert min(per_county) < towns < max(per_county)
    assert min(per_town) < villages < max(per_town)
    prefectures = Counter(code[:4] for code in codes)
    low, high = generate.COUNTIES_PER_PREFECTURE
    assert all(low <= n <= high for n in prefectures.values()) or len(prefectures) == 1
    provinces = Counter(code[:2] for code in prefectures)
    assert set(provinces) <= set(generate.PROVINCES)
    assert max(provinces.values()) <= generate.PREFECTURES_PER_PROVINCE


def test_a_city_is_one_prefecture_and_the_tree_does_not_depend_on_the_packs(
    generate: ModuleType,
) -> None:
    assert len({code[:4] for code, _, _ in generate.shape("city")}) == 1
    assert list(generate.shape("city")) == list(generate.shape("city"))
    assert list(generate.shape("city", seed=1)) != list(generate.shape("city"))


def test_an_unknown_format_writes_nothing(generate: ModuleType, registry: Registry) -> None:
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        generate.write("county", ["csv", "xml"], registry)
    assert not generate.DATA.exists()


@pytest.mark.parametrize("counties", [2, 5])
def test_a_stream_holds_one_countys_facts_whatever_the_number_of_findings(
    generate: ModuleType, registry: Registry, counties: int
) -> None:
    # Deliverable "streaming end to end": memory must not grow with the findings. At
    # every finding the stream holds the facts of the units at county level and above
    # (kept for the rules that read them) and of one county's block, never more.
    generate.SCALES["test"] = (counties, 3, 4)
    path = generate.write("test", ["csv"], registry)["csv"]
    stream = DatasetStream(path, registry.indicators)
    units = stream.dataset.units.values()
    upper = sum(1 for u in units if u.level.rank <= Level.COUNTY.rank)
    # the largest county's townships, their villages and homes (their codes begin with it)
    block = max(Counter(u.code[:6] for u in units if u.level.rank > Level.COUNTY.rank).values())
    findings = held = 0
    for _finding in Engine(registry).iter_assess(stream, on=date(2020, 12, 31), what_if=True):
        findings += 1
        held = max(held, len(stream.dataset.facts))
    assert held <= upper + block
    assert block < len(units) / counties * 2  # the largest block is no outlier
    assert findings > counties * block  # far more findings than facts held
