"""The columnar engine gives the same findings as the per-unit engine, field by field.

Both engines run on every sample dataset and on generated county and city datasets
with holes (missing facts, standards set only above a unit, zero denominators, a second
period, undated values, bracket edges, rates with trailing zeros), with and without
"what if", on several dates. The JSON lines the table writer builds are compared with
those of the per-unit writer, byte for byte.
"""

from __future__ import annotations

import io
import json
import random
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from benchmark_scripts import BENCHMARKS, load
from minzheng import Dataset, Engine, Level, Registry, Status, load_dataset
from minzheng.engine import resolve_date
from minzheng.io.tables import read_tables, tables_from_dataset
from minzheng.model import Kind, Value
from minzheng.report.render import finding_to_json, finding_to_json_line
from minzheng.report.writers import write_findings_jsonl, write_findings_parquet

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
DATES = (None, date(2016, 6, 30), date(2019, 12, 31), date(2021, 3, 31), date(2030, 1, 1))
PACKS = {"jian", "songming", "yancheng"}


@pytest.fixture(scope="module")
def registry() -> Registry:
    found = Registry.discover()
    if not set(found.packs) >= PACKS:
        pytest.skip("the region packs are not installed (nox -s tests installs them)")
    return found


def _same(registry: Registry, dataset: Dataset, on: date | None, what_if: bool) -> None:
    """The findings of a dataset and of its CSV written and read back by column agree,
    and every unit a rule applies to has exactly one finding of it. (Until the per-unit
    engine was removed, this compared the two engines, field by field, on every rule of
    every pack; since then the golden files pin the findings.)"""
    import tempfile

    from minzheng import write_dataset

    engine = Engine(registry)
    day = resolve_date(dataset, on)
    whole = [finding_to_json(f) for f in engine.iter_assess(dataset, on=day, what_if=what_if)]
    with tempfile.TemporaryDirectory() as folder:
        write_dataset(dataset, folder, registry.indicators)
        tables = read_tables(folder, registry.indicators)
        by_column = [
            finding_to_json(f) for f in engine.iter_assess(tables, on=day, what_if=what_if)
        ]
    key = lambda f: (f["unit"], f["pack"], f["rule"])  # noqa: E731 - file order may differ
    assert sorted(by_column, key=key) == sorted(whole, key=key)
    assert len({key(f) for f in whole}) == len(whole)


@pytest.mark.parametrize("on", DATES, ids=str)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_same_findings_on_the_samples(registry: Registry, example: Path, on: date | None) -> None:
    dataset = load_dataset(example, registry.indicators)
    _same(registry, dataset, on, what_if=True)
    _same(registry, dataset, on, what_if=False)


def _odd_value(rng: random.Random, indicator: str, kind: Kind, value: Value) -> Value:
    """A value as generated data never has it: zero, a bracket's edge, odd decimals."""
    if kind is Kind.COUNT and rng.random() < 0.06:
        value = 0  # zero denominators, zero counts
    if indicator == "registered_population" and rng.random() < 0.3:
        value = rng.choice([0, 20000, 20001, 49999, 50000, 50001])
    if kind is Kind.RATE and rng.random() < 0.2:
        value = Decimal(f"{rng.randint(0, 99)}.{rng.choice(['0', '50', '25'])}")
    if kind is Kind.AMOUNT and rng.random() < 0.2:
        value = Decimal(f"{rng.randint(0, 10**6)}.00")
    return value


def _odd_periods(rng: random.Random, value: Value, last: Value) -> dict[str | None, Value]:
    """Undated, or 2020 with last year's value and a later day now and then."""
    if rng.random() < 0.1:
        return {None: value}
    periods: dict[str | None, Value] = {"2020": value}
    if rng.random() < 0.3:
        periods["2019"] = last  # last year's: as of 2019
    if rng.random() < 0.05:
        periods["2021-06-30"] = value  # a later day
    return periods


def _holes(dataset: Dataset, registry: Registry, seed: int) -> Dataset:
    """A copy of a generated dataset with what generated data never has."""
    rng = random.Random(seed)
    facts: dict[str, dict[str, dict[str | None, Value]]] = {}
    for code, table in dataset.facts.items():
        unit = dataset.units[code]
        mine = facts.setdefault(code, {})
        for indicator, periods in table.items():
            if rng.random() < 0.08:
                continue  # missing: unknown
            kind = registry.indicators[indicator].kind
            value = _odd_value(rng, indicator, kind, periods["2020"])
            mine[indicator] = _odd_periods(rng, value, periods["2020"])
        if unit.parent and rng.random() < 0.2:  # a standard given above, not here
            for indicator in ("officer_pay_standard", "office_funding_standard"):
                found = mine.pop(indicator, None)
                if found:
                    facts.setdefault(unit.parent, {})[indicator] = found
    return Dataset(units=dataset.units, facts=facts, name=f"holes-{seed}")


@pytest.fixture(scope="module")
def generated(registry: Registry) -> dict[str, Dataset]:
    generate = load("generate", BENCHMARKS / "generate.py")
    made = {}
    for scale in ("county", "city"):
        units, facts = {}, {}
        for unit, unit_facts in generate.iter_units(scale, registry):
            units[unit.code] = unit
            facts[unit.code] = unit_facts
        made[scale] = Dataset(units=units, facts=facts, name=scale)
    return made


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_findings_on_a_county_with_holes(
    registry: Registry, generated: dict[str, Dataset], seed: int
) -> None:
    dataset = _holes(generated["county"], registry, seed)
    for on in (date(2019, 12, 31), date(2020, 12, 31), date(2021, 12, 31)):
        _same(registry, dataset, on, what_if=True)


def test_tables_give_back_the_dataset(registry: Registry, generated: dict[str, Dataset]) -> None:
    """Tables from a dataset, and a dataset from those tables (for the rules left to the
    per-unit engine): the same facts, of the same types (a rate of 0.8 % included)."""
    from minzheng.io.tables import dataset_from_tables

    dataset = _holes(generated["county"], registry, 5)
    back = dataset_from_tables(
        tables_from_dataset(dataset, registry.indicators), registry.indicators
    )
    assert back.units == dataset.units
    assert back.facts == {code: table for code, table in dataset.facts.items() if table}
    for code, table in dataset.facts.items():
        for indicator, periods in table.items():
            for period, value in periods.items():
                assert type(back.facts[code][indicator][period]) is type(value)


def test_same_findings_from_tables(registry: Registry, generated: dict[str, Dataset]) -> None:
    """Tables in, every rule (the packs' own kinds through a dataset made from them)."""
    dataset = _holes(generated["county"], registry, 6)
    tables = tables_from_dataset(dataset, registry.indicators)
    on = date(2020, 12, 31)
    old = [finding_to_json(f) for f in Engine(registry).iter_assess(dataset, on=on, what_if=True)]
    new = [finding_to_json(f) for f in Engine(registry).iter_assess(tables, on=on, what_if=True)]
    assert new == old


def test_same_findings_on_a_city(registry: Registry, generated: dict[str, Dataset]) -> None:
    _same(registry, generated["city"], date(2020, 12, 31), what_if=True)
    _same(registry, _holes(generated["city"], registry, 9), date(2020, 12, 31), what_if=True)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_jsonl_lines_are_those_of_the_per_unit_writer(registry: Registry, example: Path) -> None:
    dataset = load_dataset(example, registry.indicators)
    report = Engine(registry).assess(dataset, what_if=True)
    want = "".join(finding_to_json_line(f) + "\n" for f in report)
    out = io.StringIO()
    assert write_findings_jsonl(report.table, out) == len(report.findings)
    assert out.getvalue() == want


def test_a_report_is_its_findings_and_its_table(registry: Registry) -> None:
    dataset = load_dataset(EXAMPLES[0], registry.indicators)
    report = Engine(registry).assess(dataset, what_if=True)
    assert list(report) == list(report.findings)
    assert report.table.height == len(report)
    assert report.table.get_column("unit").to_list() == [f.unit for f in report]
    from minzheng.engine.findings import findings_frame

    assert findings_frame(report.findings).equals(report.table)  # the same, from objects


def test_parquet_holds_the_table(registry: Registry, tmp_path: Path) -> None:
    dataset = load_dataset(EXAMPLES[0], registry.indicators)
    table = Engine(registry).assess_table(dataset, what_if=True)
    path = tmp_path / "findings.parquet"
    write_findings_parquet(table, path)
    assert pl.read_parquet(path).equals(table)
    assert [p.name for p in tmp_path.iterdir()] == ["findings.parquet"]  # no partial left


def test_tables_from_csv_and_parquet_are_those_of_the_dataset(
    registry: Registry, generated: dict[str, Dataset], tmp_path: Path
) -> None:
    from minzheng import write_dataset

    dataset = _holes(generated["county"], registry, 4)
    write_dataset(dataset, tmp_path / "csv", registry.indicators)
    want = tables_from_dataset(dataset, registry.indicators)
    got = read_tables(tmp_path / "csv", registry.indicators)
    key = ["unit", "indicator", "period"]
    assert got.facts.sort(key).equals(want.facts.sort(key))
    assert got.units.equals(want.units)
    (tmp_path / "pq").mkdir()
    got.units.drop("idx", "ancestors").write_parquet(tmp_path / "pq" / "units.parquet")
    got.facts.drop("end").write_parquet(tmp_path / "pq" / "facts.parquet")
    parquet = read_tables(tmp_path / "pq", registry.indicators)
    assert parquet.facts.sort(key).equals(want.facts.sort(key))
    engine = Engine(registry)
    on = date(2020, 12, 31)
    assert engine.assess_table(parquet, what_if=True, on=on).equals(
        engine.assess_table(dataset, what_if=True, on=on)
    )


def test_a_rule_not_yet_in_force_and_a_rule_that_raises(registry: Registry) -> None:
    import attrs

    from minzheng.packs.registry import LoadedPack
    from minzheng.rules import ThresholdRule

    dataset = load_dataset(EXAMPLES[0], registry.indicators)
    engine = Engine(registry)
    pack, rule = registry.rule("J-village-officer")
    assert isinstance(rule, ThresholdRule)
    later = attrs.evolve(rule, effective=date(2030, 1, 1))

    class Broken(ThresholdRule):
        def columns(self, frame):  # type: ignore[no-untyped-def]
            raise ArithmeticError("overflow")

    broken = Broken(**{f.name: getattr(rule, f.name) for f in attrs.fields(ThresholdRule)})
    for changed, status in ((later, Status.NOT_APPLICABLE), (broken, Status.ERROR)):
        swapped = attrs.evolve(pack, rules=tuple(changed if r is rule else r for r in pack.rules))
        assert isinstance(swapped, LoadedPack)
        engine.registry.packs[pack.name] = swapped
        try:
            found = [f for f in engine.iter_assess(dataset) if f.rule == rule.id]
        finally:
            engine.registry.packs[pack.name] = pack
        assert found
        assert {f.status for f in found} == {status}
    assert (
        "rule J-village-officer of pack 'jian' raised ArithmeticError: overflow"
        in found[0].message_en
    )


def test_a_bug_in_a_kinds_columns_is_an_error_not_a_quiet_fallback(registry: Registry) -> None:
    """A TypeError from a rule's columns is a bug: error findings naming it."""
    import attrs

    from minzheng.packs.registry import LoadedPack
    from minzheng.rules import ThresholdRule

    dataset = load_dataset(EXAMPLES[0], registry.indicators)
    pack, rule = registry.rule("J-village-officer")

    class Buggy(ThresholdRule):
        def columns(self, frame):  # type: ignore[no-untyped-def]
            raise TypeError("a bug")

    buggy = Buggy(**{f.name: getattr(rule, f.name) for f in attrs.fields(ThresholdRule)})
    swapped = attrs.evolve(pack, rules=tuple(buggy if r is rule else r for r in pack.rules))
    assert isinstance(swapped, LoadedPack)
    registry.packs[pack.name] = swapped
    try:
        found = [f for f in Engine(registry).iter_assess(dataset) if f.rule == rule.id]
    finally:
        registry.packs[pack.name] = pack
    assert found
    assert {f.status for f in found} == {Status.ERROR}
    assert found[0].message_en.endswith("raised TypeError: a bug")


def test_a_kind_reading_a_fact_its_columns_cannot_take_is_an_error(
    registry: Registry,
) -> None:
    """A threshold on a yes/no fact: error findings saying so (NoColumns), not a guess."""
    import attrs

    from minzheng.packs.registry import LoadedPack

    dataset = load_dataset(EXAMPLES[0], registry.indicators)
    pack, rule = registry.rule("J-village-officer")
    indicator, level = min(
        (i, dataset.units[code].level)
        for code, table in dataset.facts.items()
        for i in table
        if registry.indicators[i].kind is Kind.FLAG
    )
    wrong = attrs.evolve(rule, indicator=indicator, levels=(level,))
    swapped = attrs.evolve(pack, rules=tuple(wrong if r is rule else r for r in pack.rules))
    assert isinstance(swapped, LoadedPack)
    registry.packs[pack.name] = swapped
    try:
        found = [
            f for f in Engine(registry).iter_assess(dataset, what_if=True) if f.rule == rule.id
        ]
    finally:
        registry.packs[pack.name] = pack
    assert {f.status for f in found} == {Status.ERROR}
    assert f"NoColumns: fact {indicator!r} is not a number" in found[0].message_en


# ------------------------------------------------------------ a pack's own kind


def _own_kinds() -> tuple[Registry, type, type]:
    """A pack with two kinds written over columns only: a standard inherited from above,
    and the villages below a county that say yes."""
    import attrs

    from minzheng import (
        Citation,
        Comparator,
        Document,
        Indicator,
        Kind,
        Level,
        PackInfo,
        RegionInfo,
        Rule,
        hookimpl,
    )
    from minzheng.rules import Quantity
    from minzheng.rules.columns import Frame, Num, compare, lit, unknown

    @attrs.frozen(kw_only=True)
    class PayFloor(Rule):
        def columns(self, frame: Frame) -> pl.DataFrame:
            pay = frame.fact("t_pay")
            standard, source, name = frame.inherited("t_standard")
            out = compare(
                pay.number(), Comparator.GE, standard.number(), Quantity("报酬", "pay", "yuan")
            ) | {"details": pl.concat_list(pl.concat_str(source, lit(" "), name))}
            missing = [(pay.missing, "t_pay"), (standard.missing, "t_standard")]
            return frame.outcome(
                [(pay.missing | standard.missing, unknown(frame.indicators, missing))], out
            )

    @attrs.frozen(kw_only=True)
    class OfficerShare(Rule):
        def columns(self, frame: Frame) -> pl.DataFrame:
            below = frame.below("t_officer", Level.VILLAGE)
            assert below.yes is not None
            yes = Num(below.yes.cast(pl.Decimal(38, 0)), 0, pl.lit(0, pl.Int32))
            units = Num(below.units.cast(pl.Decimal(38, 0)), 0, pl.lit(0, pl.Int32))
            out = compare(yes, Comparator.GE, units, Quantity("专干", "officers", "village"))
            gone = below.known < below.units
            return frame.outcome([(gone, unknown(frame.indicators, [(gone, "t_officer")]))], out)

    cite = Citation("t.txt", "一", "测试")

    class Pack:
        @hookimpl
        def minzheng_pack(self):  # type: ignore[no-untyped-def]
            return PackInfo(name="own", title_zh="测试", title_en="Test",
                            region=RegionInfo("测试", "Test", ("99",)), documents=(Document("t.txt", "测试"),))  # fmt: skip

        @hookimpl
        def minzheng_indicators(self):  # type: ignore[no-untyped-def]
            return [Indicator("t_pay", "报酬", "pay", Kind.AMOUNT, measure="yuan"),
                    Indicator("t_standard", "标准", "standard", Kind.AMOUNT, measure="yuan"),
                    Indicator("t_officer", "专干", "officer", Kind.FLAG)]  # fmt: skip

        @hookimpl
        def minzheng_rules(self):  # type: ignore[no-untyped-def]
            common = {"citation": cite, "reading": "test", "title_zh": "测试", "title_en": "test"}
            return [PayFloor(id="T-pay", levels=(Level.VILLAGE,), **common),
                    OfficerShare(id="T-officers", levels=(Level.COUNTY, Level.PREFECTURE), **common)]  # fmt: skip

    registry = Registry.discover(entry_points=False, builtin=False, extra=[("own", Pack())])
    return registry, PayFloor, OfficerShare


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_kind_of_its_own_over_columns(seed: int) -> None:
    """inherited() and below() against the same computed by hand on the units."""
    from minzheng import Level, Unit

    registry, _, _ = _own_kinds()
    rng = random.Random(seed)
    units: dict[str, Unit] = {"9901": Unit("9901", "市", Level.PREFECTURE)}
    facts: dict[str, dict[str, dict[str | None, Value]]] = {}
    for c in range(1, 4):
        county = f"9901{c:02d}"
        units[county] = Unit(county, f"县{c}", Level.COUNTY, "9901")
        for t in range(1, 3):
            town = f"{county}{t:03d}"
            units[town] = Unit(town, f"镇{t}", Level.TOWNSHIP, county)
            for v in range(1, 4):
                village = f"{town}{v:03d}"
                units[village] = Unit(village, f"村{v}", Level.VILLAGE, town)
    for code, unit in units.items():
        mine: dict[str, dict[str | None, Value]] = {}
        if rng.random() < 0.4:
            mine["t_standard"] = {"2020": Decimal(rng.randint(100, 900)) / 2}
        if unit.level is Level.VILLAGE:
            if rng.random() < 0.9:
                mine["t_pay"] = {"2020": Decimal(rng.randint(100, 900))}
            if rng.random() < 0.9:
                mine["t_officer"] = {"2020": rng.random() < 0.8}
        facts[code] = mine
    dataset = Dataset(units=units, facts=facts)
    table = Engine(registry).assess_table(dataset, on=date(2020, 12, 31))
    got = {(r["rule"], r["unit"]): r for r in table.iter_rows(named=True)}
    assert {r["status"] for r in got.values()} >= {"met", "unknown"}
    for code, unit in units.items():
        if unit.level is Level.VILLAGE:
            _check_pay(got[("T-pay", code)], code, units, facts)
        if unit.level in (Level.COUNTY, Level.PREFECTURE):
            _check_officers(got[("T-officers", code)], code, units, facts)


def _check_pay(
    row: dict[str, Any], code: str, units: dict[str, Any], facts: dict[str, Any]
) -> None:
    """The village's pay against the standard of the nearest unit that sets one."""
    parent = units[code].parent
    chain = [code, parent, units[parent].parent, "9901"]
    source = next((c for c in chain if "t_standard" in facts[c]), None)
    if source is None or "t_pay" not in facts[code]:
        assert row["status"] == "unknown"
        return
    standard = facts[source]["t_standard"]["2020"]
    pay = facts[code]["t_pay"]["2020"]
    assert row["required"] == str(standard)
    assert row["details"] == [f"{source} {units[source].name}"]
    assert row["status"] == ("met" if pay >= standard else "not_met")


def _check_officers(
    row: dict[str, Any], code: str, units: dict[str, Any], facts: dict[str, Any]
) -> None:
    """The villages below with an officer, counted by hand."""
    villages = [u for u in units if units[u].level is Level.VILLAGE and u.startswith(code)]
    said = [facts[v]["t_officer"]["2020"] for v in villages if "t_officer" in facts[v]]
    if len(said) < len(villages):
        assert row["status"] == "unknown"
    else:
        assert row["actual"] == str(sum(said))
        assert row["required"] == str(len(villages))


def test_cli_writes_and_reads_parquet(registry: Registry, tmp_path: Path) -> None:
    """``--format parquet`` writes the findings table; a Parquet dataset is read and
    validated as its CSV twin is, with the same findings."""
    from click.testing import CliRunner

    from minzheng import write_dataset
    from minzheng.cli import main

    dataset = load_dataset(EXAMPLES[0], registry.indicators)
    write_dataset(dataset, tmp_path / "csv", registry.indicators)
    tables = read_tables(tmp_path / "csv", registry.indicators)
    (tmp_path / "pq").mkdir()
    tables.units.drop("idx", "ancestors").write_parquet(tmp_path / "pq" / "units.parquet")
    tables.facts.drop("end").write_parquet(tmp_path / "pq" / "facts.parquet")
    runner = CliRunner()
    on = ["--on", "2018-12-31"]
    for source in ("csv", "pq"):
        out = tmp_path / f"{source}.parquet"
        run = runner.invoke(
            main, ["assess", str(tmp_path / source), *on, "--format", "parquet", "-o", str(out)]
        )
        assert run.exit_code == 1, run.output  # something is not met
        assert "summary: met" in run.stderr
    assert pl.read_parquet(tmp_path / "csv.parquet").equals(
        pl.read_parquet(tmp_path / "pq.parquet")
    )
    lines = runner.invoke(main, ["assess", str(tmp_path / "pq"), *on, "--format", "jsonl"]).stdout
    assert lines.count("\n") == pl.read_parquet(tmp_path / "pq.parquet").height + 1  # the run
    valid = runner.invoke(main, ["validate", str(tmp_path / "pq")])
    assert valid.exit_code == 0
    assert f"{tables.units.height} units, {tables.facts.height} facts" in valid.stdout
    usage = runner.invoke(main, ["assess", str(tmp_path / "pq"), "--format", "parquet"])
    assert usage.exit_code == 2
    assert "--format parquet writes a file: give -o FILE.parquet" in usage.stderr


def test_a_dataset_of_several_provinces_is_assessed_a_province_at_a_time(
    registry: Registry, tmp_path: Path
) -> None:
    """The samples of three provinces as one CSV dataset: JSON lines and Parquet
    written a province at a time are those of the whole, byte for byte; a bad value in
    the last province is reported as the row-by-row reader reports it, nothing written."""
    from click.testing import CliRunner

    from minzheng import write_dataset
    from minzheng.cli import main
    from minzheng.io.tables import read_blocks

    units: dict[str, object] = {}
    facts: dict[str, object] = {}
    for example in EXAMPLES:
        dataset = load_dataset(example, registry.indicators)
        units.update(dataset.units)
        facts.update(dataset.facts)
    merged = Dataset(units=units, facts=facts)  # type: ignore[arg-type]
    write_dataset(merged, tmp_path / "csv", registry.indicators)
    with read_blocks(tmp_path / "csv", registry.indicators) as blocks:
        assert blocks is not None
        assert [t.units.get_column("code")[0][:2] for t in blocks] == ["36", "53", "32"]
    whole = Engine(registry).assess_table(
        read_tables(tmp_path / "csv", registry.indicators), on=date(2020, 12, 31), what_if=True
    )
    want = io.StringIO()
    write_findings_jsonl(whole, want)
    args = ["assess", str(tmp_path / "csv"), "--what-if", "--on", "2020-12-31"]
    runner = CliRunner()
    lines = runner.invoke(main, [*args, "--format", "jsonl"])
    record, _, findings = lines.stdout.partition("\n")  # the run's record, then findings
    assert json.loads(record)["run"]["on"] == "2020-12-31"
    assert findings == want.getvalue()
    run = runner.invoke(main, [*args, "--format", "parquet", "-o", str(tmp_path / "f.parquet")])
    assert run.exit_code == 3  # what-if: Y-timeline raises on Ji'an's 13 counties (error)
    assert pl.read_parquet(tmp_path / "f.parquet").equals(whole)
    facts_csv = tmp_path / "csv" / "facts.csv"
    rows = facts_csv.read_text("utf-8").splitlines()
    last = next(
        i for i in range(len(rows) - 1, 0, -1) if rows[i].split(",")[1] == "registered_population"
    )
    rows[last] = ",".join([*rows[last].split(",")[:3], "many"])
    facts_csv.write_text("\n".join(rows) + "\n", "utf-8")
    bad = runner.invoke(main, [*args, "--format", "jsonl", "-o", str(tmp_path / "f.jsonl")])
    assert bad.exit_code == 2
    assert f"facts.csv row {last + 1}: unit " in bad.stderr
    assert "expected a whole number, found 'many'" in bad.stderr
    assert not (tmp_path / "f.jsonl").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csv", "f.parquet"]
