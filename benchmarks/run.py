"""Benchmarks: load, assess and write findings on synthetic datasets.

Usage: ``nox -s bench`` or ``python benchmarks/run.py [--scales county,city] [--runs 3]``.

Datasets are generated on demand into ``benchmarks/data/`` (never committed),
deterministically from a seed: every unit gets a value for every indicator the installed
packs declare, and the packs are applied outside their region ("what if") so that every
rule runs. Times are medians of several runs; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path

import minzheng
from minzheng import Dataset, Indicator, Kind, Level, Registry, Unit
from minzheng.render import write_jsonl

#: counties, townships per county, villages per township
SCALES = {
    "county": (1, 15, 15),
    "city": (10, 15, 17),
    "province": (100, 15, 17),
    "national": (2850, 14, 16),
}


def _value(indicator: Indicator, rng: random.Random) -> object:
    match indicator.kind:
        case Kind.COUNT:
            return rng.randint(0, 60000)
        case Kind.AMOUNT:
            return Decimal(rng.randint(0, 10**8)) / 100
        case Kind.RATE:
            top = int(indicator.maximum or 100)
            return Decimal(rng.randint(0, top * 10)) / 10
        case Kind.FLAG:
            return rng.random() < 0.8
        case Kind.ITEMS:
            return frozenset(i.id for i in indicator.items if rng.random() < 0.8)
        case Kind.TEXT:
            return "示例"


def generate(scale: str, registry: Registry, seed: int = 2026) -> Dataset:
    """A synthetic dataset: a province, its prefectures, counties, townships and villages."""
    counties, towns, villages = SCALES[scale]
    rng = random.Random(seed)
    indicators = list(registry.indicators.values())
    units: dict[str, Unit] = {"99": Unit("99", "合成省", Level.PROVINCE)}
    for c in range(counties):
        prefecture = f"99{c // 99 + 1:02d}"
        if prefecture not in units:
            units[prefecture] = Unit(prefecture, f"市{c // 99 + 1}", Level.PREFECTURE, "99")
        county = f"{prefecture}{c % 99 + 1:02d}"
        units[county] = Unit(county, f"县{c + 1}", Level.COUNTY, prefecture)
        for t in range(1, towns + 1):
            town = f"{county}{t:03d}"
            units[town] = Unit(town, f"镇{t}", Level.TOWNSHIP, county)
            for v in range(1, villages + 1):
                village = f"{town}{v:03d}"
                units[village] = Unit(village, f"村{v}", Level.VILLAGE, town)
    facts = {code: {i.id: {"2020": _value(i, rng)} for i in indicators} for code in units}
    return Dataset(units=units, facts=facts, name=f"synthetic-{scale}")  # type: ignore[arg-type]


def _count(engine: minzheng.Engine, dataset: Dataset) -> int:
    return sum(1 for _ in engine.iter_assess(dataset, what_if=True))


def _median(func: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="county,city")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    registry = Registry.discover()
    engine = minzheng.Engine(registry)
    folder = Path(__file__).parent / "data"
    print(f"{'scale':10} {'units':>9} {'load s':>8} {'assess s':>9} {'write s':>8} {'findings':>9}")
    for scale in args.scales.split(","):
        dataset = generate(scale, registry)
        path = folder / scale
        minzheng.write_dataset(dataset, path, registry.indicators)
        load = _median(partial(minzheng.load_dataset, path, registry.indicators), args.runs)
        findings = list(engine.iter_assess(dataset, what_if=True))
        assess = _median(partial(_count, engine, dataset), args.runs)
        write = _median(partial(write_jsonl, findings, io.StringIO()), args.runs)
        print(
            f"{scale:10} {len(dataset):>9} {load:>8.2f} {assess:>9.2f} {write:>8.2f} {len(findings):>9}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
