"""Synthetic datasets at named scales, deterministic from a seed.

Every unit gets a value for every fact that the installed packs' rules at its level
read (the packs are applied outside their region, "what if", so every rule runs), plus
the population facts. Invented data: codes live under GB/T 2260 province codes no real
province uses (90 to 99). Counts vary as real ones do: each prefecture has 5 to 15
counties, each county and each township between half and one and a half times its
scale's average of townships and villages.

Units and facts are generated one unit at a time and written as they come, in code
order (each county followed by its townships, villages and homes), so even the
national scale (about 640,000 units and 9 million facts) is written in little memory.

    python benchmarks/generate.py city --formats csv,json,yaml

A dataset already written by the same generator for the same packs is kept (a
fingerprint is written beside it once it is complete): the national scale takes over a
minute to write. ``--force`` writes it again.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import yaml

import minzheng.io.dataset
import minzheng.model.values
from minzheng import Indicator, Kind, Level, Registry, Scores, Unit
from minzheng.io.dataset import csv_cell, unit_row
from minzheng.model import Value
from minzheng.model.values import dump_value

#: counties, townships per county and villages per township on average (facilities: one
#: home per township). The counties are spread over prefectures of 5 to 15 (a scale of at
#: most 15 counties is one prefecture) and the prefectures over provinces of at most
#: PREFECTURES_PER_PROVINCE.
SCALES = {
    "county": (1, 15, 15),
    "city": (10, 15, 17),
    "province": (100, 15, 17),
    "national": (2850, 14, 15),
}
#: Counties in a prefecture, at least and at most.
COUNTIES_PER_PREFECTURE = (5, 15)
#: Prefectures in a province, at most (the national scale has nine or ten provinces).
PREFECTURES_PER_PROVINCE = 32
#: The province codes, in the order they are used: none is a real province's.
PROVINCES = tuple(str(code) for code in range(90, 100))
DATA = Path(__file__).parent / "data"
#: The seed every scale is generated from.
SEED = 2026
#: Counts that are part of another (a rule reports an error when the part is larger):
#: the generated part is cut down to the whole, as real data would be.
AT_MOST = {
    "new_hires_qualified": "new_hires",
    "villages_with_livelihood_officer": "villages_total",
}
NOTE = "Invented data for benchmarks (benchmarks/generate.py); not any region's figures."

Facts = dict[str, dict[str, Value]]


def _value(indicator: Indicator, rng: random.Random) -> Value:
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


def _around(average: int, rng: random.Random) -> int:
    """A count between half and one and a half times ``average`` (its mean is ``average``)."""
    return rng.randint(average - average // 2, average + average // 2)


def shape(scale: str, seed: int = SEED) -> Iterator[tuple[str, int, list[int]]]:
    """Each county of a scale in code order: its code, its number in the scale (from 1) and
    the number of villages of each of its townships. Drawn from ``seed`` alone, so the
    tree is the same whatever packs are installed."""
    counties, towns, villages = SCALES[scale]
    rng = random.Random(f"shape-{seed}")
    low, high = COUNTIES_PER_PREFECTURE
    number = index = 0  # counties so far, prefectures so far
    while number < counties:
        left = counties - number  # the last prefecture is never smaller than ``low``
        size = left if left <= high else min(rng.randint(low, high), left - low)
        province, prefecture = divmod(index, PREFECTURES_PER_PROVINCE)
        if province >= len(PROVINCES):
            raise ValueError(f"scale {scale!r} needs more than {len(PROVINCES)} provinces")
        for county in range(1, size + 1):
            number += 1
            code = f"{PROVINCES[province]}{prefecture + 1:02d}{county:02d}"
            yield code, number, [_around(villages, rng) for _ in range(_around(towns, rng))]
        index += 1


def iter_units(scale: str, registry: Registry, seed: int = SEED) -> Iterator[tuple[Unit, Facts]]:
    """The provinces, prefectures, counties, townships, villages and nursing homes of a
    scale, one at a time in code order, each with its facts (indicator → period →
    value). The tree is :func:`shape`'s."""
    rng = random.Random(seed)
    per_level = facts_by_level(registry)

    def made(unit: Unit) -> tuple[Unit, Facts]:
        facts = {i.id: {"2020": _value(i, rng)} for i in per_level.get(unit.level, [])}
        for part, whole in AT_MOST.items():
            have, of = facts.get(part, {}).get("2020"), facts.get(whole, {}).get("2020")
            if isinstance(have, int) and isinstance(of, int):
                facts[part]["2020"] = min(have, of)
        return unit, facts

    seen: set[str] = set()
    for county, number, townships in shape(scale, seed):
        province, prefecture = county[:2], county[:4]
        if province not in seen:
            seen.add(province)
            yield made(Unit(province, f"合成省{PROVINCES.index(province) + 1}", Level.PROVINCE))
        if prefecture not in seen:
            seen.add(prefecture)
            yield made(Unit(prefecture, f"市{prefecture}", Level.PREFECTURE, province))
        yield made(Unit(county, f"县{number}", Level.COUNTY, prefecture))
        for t, villages in enumerate(townships, start=1):
            town = f"{county}{t:03d}"
            yield made(Unit(town, f"镇{t}", Level.TOWNSHIP, county))
            for v in range(1, villages + 1):
                kind = "urban_community" if v == 1 else None
                yield made(Unit(f"{town}{v:03d}", f"村{v}", Level.VILLAGE, town, type=kind))
            yield made(
                Unit(f"{town}-NH1", f"镇{t}敬老院", Level.FACILITY, town, type="nursing_home")
            )


def _plain(unit: Unit, facts: Facts, registry: Registry) -> dict[str, object]:
    data: dict[str, object] = {"code": unit.code, "name": unit.name, "level": unit.level.value}
    for key in ("parent", "area", "type"):
        if getattr(unit, key) is not None:
            data[key] = str(getattr(unit, key))
    data["facts"] = {
        ind: {p: dump_value(registry.indicators[ind], v) for p, v in periods.items()}
        for ind, periods in facts.items()
    }
    return data


def fingerprint(scale: str, fmt: str, registry: Registry) -> str:
    """What a generated file depends on, and the data is deterministic from: this
    generator's code and the core's code that writes values and rows, the scale, the
    format, and each pack's version, rules (what they read, where) and indicators."""
    digest = hashlib.sha256()
    for source in (__file__, minzheng.io.dataset.__file__, minzheng.model.values.__file__):
        digest.update(Path(source).read_bytes())
    digest.update(f"{scale} {fmt} {SEED}".encode())
    for pack in sorted(registry.packs.values(), key=lambda p: p.name):
        digest.update(f"\n{pack.name} {pack.info.version}".encode())
        digest.update(repr([(r.id, r.reads(), r.levels, r.types) for r in pack.rules]).encode())
        digest.update(repr(sorted(pack.indicators, key=lambda i: i.id)).encode())
    return digest.hexdigest()


def _stamp(path: Path) -> Path:
    return path.with_name(f".{path.name}.generated")


def write(
    scale: str, formats: list[str], registry: Registry | None = None, *, force: bool = False
) -> dict[str, Path]:
    """Write a scale's dataset in each format (``csv``: a folder); return the paths.

    A dataset this generator already wrote for the same packs is kept unless ``force``.
    """
    registry = registry or Registry.discover()
    if next(registry.iter_rules(), None) is None:
        raise ValueError(
            "no installed pack has rules, so there is no fact to generate: install the "
            "packs first (pip install plugins/*/)"
        )
    for fmt in formats:
        if fmt not in ("csv", "json", "yaml"):
            raise ValueError(f"unknown format {fmt!r}: expected csv, json or yaml")
    DATA.mkdir(parents=True, exist_ok=True)
    paths = {}
    for fmt in formats:
        path = DATA / (f"{scale}-csv" if fmt == "csv" else f"{scale}.{fmt}")
        stamp, expected = _stamp(path), fingerprint(scale, fmt, registry)
        if not force and path.exists() and stamp.exists() and stamp.read_text() == expected:
            paths[fmt] = path
            continue
        stamp.unlink(missing_ok=True)  # a run stopped half way leaves no stamp
        units = iter_units(scale, registry)
        if fmt == "csv":
            paths[fmt] = _write_csv(path, units, registry)
        else:
            paths[fmt] = _write_mapping(path, fmt, scale, units, registry)
        stamp.write_text(expected)
    return paths


def _write_csv(folder: Path, units: Iterator[tuple[Unit, Facts]], registry: Registry) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.txt").write_text(NOTE + "\n", encoding="utf-8")
    with (
        (folder / "units.csv").open("w", newline="", encoding="utf-8") as unit_file,
        (folder / "facts.csv").open("w", newline="", encoding="utf-8") as fact_file,
    ):
        unit_rows, fact_rows = csv.writer(unit_file), csv.writer(fact_file)
        unit_rows.writerow(["code", "name", "level", "parent", "area", "type"])
        fact_rows.writerow(["unit", "indicator", "period", "value"])
        for unit, facts in units:
            unit_rows.writerow(unit_row(unit))
            for ind, periods in facts.items():
                indicator = registry.indicators[ind]
                for period, value in periods.items():
                    fact_rows.writerow([unit.code, ind, period, csv_cell(indicator, value)])
    return folder


def _write_mapping(
    path: Path, fmt: str, scale: str, units: Iterator[tuple[Unit, Facts]], registry: Registry
) -> Path:
    """JSON or YAML written unit by unit (the same mapping ``load_dataset`` reads)."""
    with path.open("w", encoding="utf-8") as out:
        if fmt == "json":
            out.write(f'{{"name": "synthetic-{scale}", "note": {json.dumps(NOTE)}, "units": [\n')
            for i, (unit, facts) in enumerate(units):
                out.write(
                    ("" if i == 0 else ",\n")
                    + json.dumps(_plain(unit, facts, registry), ensure_ascii=False)
                )
            out.write("\n]}\n")
        else:
            out.write(f"name: synthetic-{scale}\nnote: {NOTE}\nunits:\n")
            for unit, facts in units:
                out.write(
                    yaml.safe_dump(
                        [_plain(unit, facts, registry)], allow_unicode=True, sort_keys=False
                    )
                )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("scale", choices=sorted(SCALES))
    parser.add_argument("--formats", default="csv,json,yaml")
    parser.add_argument(
        "--force", action="store_true", help="write the data again even if it is up to date"
    )
    args = parser.parse_args(argv)
    try:
        paths = write(args.scale, args.formats.split(","), force=args.force)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for fmt, path in paths.items():
        print(f"{args.scale} {fmt}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
