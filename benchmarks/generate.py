"""Synthetic datasets at named scales, deterministic from a seed.

Every unit gets a value for every fact that the installed packs' rules at its level
read (the packs are applied outside their region, "what if", so every rule runs), plus
the population facts. Invented data: codes live under the unused GB/T 2260 prefix 99.

    python benchmarks/generate.py city --formats csv,json,yaml
"""

from __future__ import annotations

import argparse
import random
import sys
from decimal import Decimal
from pathlib import Path

from minzheng import Dataset, Indicator, Kind, Level, Registry, Scores, Unit, write_dataset

#: counties, townships per county, villages per township (facilities: one home per township)
SCALES = {
    "county": (1, 15, 15),
    "city": (10, 15, 17),
    "province": (100, 15, 17),
    "national": (2850, 14, 15),
}
DATA = Path(__file__).parent / "data"


def _value(indicator: Indicator, rng: random.Random) -> object:
    match indicator.kind:
        case Kind.COUNT:
            top = int(indicator.maximum) if indicator.maximum is not None else 60000
            return rng.randint(0, top)
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
        case Kind.SCORES:
            return Scores.of({})


def facts_by_level(registry: Registry) -> dict[Level, list[Indicator]]:
    """The indicators the rules at each level read (population everywhere)."""
    wanted: dict[Level, dict[str, Indicator]] = {}
    population = [registry.indicators[i] for i in ("registered_population", "resident_population")]
    for _, rule in registry.iter_rules():
        for level in rule.levels:
            chosen = wanted.setdefault(level, {p.id: p for p in population})
            for indicator in rule.reads():
                ind = registry.indicators.get(indicator)
                if ind is not None and ind.kind is not Kind.SCORES:
                    chosen[indicator] = ind
    return {level: list(found.values()) for level, found in wanted.items()}


def generate(scale: str, registry: Registry, seed: int = 2026) -> Dataset:
    """A province (99), its prefectures, counties, townships, villages and nursing homes."""
    counties, towns, villages = SCALES[scale]
    rng = random.Random(seed)
    per_level = facts_by_level(registry)
    units: dict[str, Unit] = {"99": Unit("99", "合成省", Level.PROVINCE)}
    facts: dict[str, dict[str, dict[str | None, object]]] = {}

    def add(unit: Unit) -> None:
        units[unit.code] = unit
        facts[unit.code] = {i.id: {"2020": _value(i, rng)} for i in per_level.get(unit.level, [])}

    for c in range(counties):
        prefecture = f"99{c // 99 + 1:02d}"
        if prefecture not in units:
            add(Unit(prefecture, f"市{c // 99 + 1}", Level.PREFECTURE, "99"))
        county = f"{prefecture}{c % 99 + 1:02d}"
        add(Unit(county, f"县{c + 1}", Level.COUNTY, prefecture))
        for t in range(1, towns + 1):
            town = f"{county}{t:03d}"
            add(Unit(town, f"镇{t}", Level.TOWNSHIP, county))
            add(Unit(f"{town}-NH1", f"镇{t}敬老院", Level.FACILITY, town, type="nursing_home"))
            for v in range(1, villages + 1):
                add(
                    Unit(
                        f"{town}{v:03d}",
                        f"村{v}",
                        Level.VILLAGE,
                        town,
                        type="urban_community" if v == 1 else None,
                    )
                )
    return Dataset(units=units, facts=facts, name=f"synthetic-{scale}")  # type: ignore[arg-type]


def write(scale: str, formats: list[str], registry: Registry | None = None) -> dict[str, Path]:
    """Write a scale's dataset in each format; return the paths."""
    registry = registry or Registry.discover()
    dataset = generate(scale, registry)
    DATA.mkdir(parents=True, exist_ok=True)
    paths = {}
    for fmt in formats:
        path = DATA / (f"{scale}-csv" if fmt == "csv" else f"{scale}.{fmt}")
        write_dataset(dataset, path, registry.indicators)
        paths[fmt] = path
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("scale", choices=sorted(SCALES))
    parser.add_argument("--formats", default="csv,json,yaml")
    args = parser.parse_args(argv)
    for fmt, path in write(args.scale, args.formats.split(",")).items():
        print(f"{args.scale} {fmt}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
