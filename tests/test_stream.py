"""Streaming a CSV dataset county by county gives the findings of the loaded dataset."""

from __future__ import annotations

import csv
import json
import random
import re
import shutil
import subprocess
import textwrap
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from attrs import frozen
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import demo_pack
from csv_rows import read_rows as _rows
from csv_rows import write_rows as _write_rows
from minzheng import (
    Citation,
    Dataset,
    DatasetError,
    DatasetStream,
    Engine,
    Finding,
    Level,
    PackInfo,
    Registry,
    Rule,
    Status,
    hookimpl,
    load_dataset,
    write_dataset,
)
from minzheng.cli import main
from minzheng.engine import Tally
from minzheng.io.stream import OrderError, _periods, _periods_csv
from minzheng.model import RollUp
from minzheng.rules.columns import Frame, lit, unknown
from minzheng.testing import make_registry

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[1]


def _key(finding: Finding) -> tuple[str, str, str]:
    return finding.pack, finding.rule, finding.unit


def _csv(dataset: Dataset, registry: Registry, folder: Path) -> Path:
    write_dataset(dataset, folder, registry.indicators)
    return folder


@pytest.mark.parametrize("method", ["iter_assess", "iter_targets"])
def test_streamed_findings_and_targets_are_the_loaded_ones(
    engine: Engine, demo: Dataset, tmp_path: Path, method: str
) -> None:
    folder = _csv(demo, engine.registry, tmp_path / "demo")
    run = getattr(engine, method)
    loaded = list(run(demo, on=date(2018, 12, 31)))
    streamed = list(run(DatasetStream(folder, engine.registry.indicators), on=date(2018, 12, 31)))
    key = lambda x: (x.pack, x.rule, x.unit, getattr(x, "indicator", ""))  # noqa: E731
    assert sorted(streamed, key=key) == sorted(loaded, key=key)  # sets: equal, not same repr
    assert len(loaded) > 10


def test_blocks_come_county_by_county_then_the_units_above(
    registry: Registry, demo: Dataset, tmp_path: Path
) -> None:
    stream = DatasetStream(_csv(demo, registry, tmp_path / "demo"), registry.indicators)
    blocks = [[u.code for u in block] for block in stream.blocks()]
    assert blocks[0][0] == "990101"
    assert all(code.startswith("990101") for code in blocks[0])
    assert blocks[-1] == ["99", "9901"]
    assert sorted(c for b in blocks for c in b) == sorted(demo.units)


def test_default_date_is_the_end_of_the_latest_period(
    registry: Registry, demo: Dataset, tmp_path: Path
) -> None:
    stream = DatasetStream(_csv(demo, registry, tmp_path / "demo"), registry.indicators)
    assert stream.latest_period_end() == demo.latest_period_end()


def test_facts_out_of_order_are_named_by_row(
    registry: Registry, demo: Dataset, tmp_path: Path
) -> None:
    folder = _csv(demo, registry, tmp_path / "demo")
    rows = _rows(folder / "facts.csv")
    township = next(i for i, r in enumerate(rows) if r[0] == "990101001")
    rows.append(rows.pop(township))  # a fact of county 990101's block at the very end
    _write_rows(folder / "facts.csv", rows)
    with pytest.raises(DatasetError) as caught:
        DatasetStream(folder, registry.indicators).check()
    message = str(caught.value)
    assert f"facts.csv row {len(rows)}: unit 990101001:" in message
    assert "sort facts.csv by its first column" in message


def test_a_bad_value_stops_assessing_and_every_problem_is_reported(
    registry: Registry, demo: Dataset, tmp_path: Path
) -> None:
    folder = _csv(demo, registry, tmp_path / "demo")
    rows = _rows(folder / "facts.csv")
    bad = [i for i, r in enumerate(rows) if r[0].startswith("990102001")]
    rows[bad[0]][3] = "many"
    _write_rows(folder / "facts.csv", [*rows, ["990102001", "no_such_fact", "", "1"]])
    with pytest.raises(DatasetError) as caught:  # found while reading, all of them
        DatasetStream(folder, registry.indicators).check()
    with pytest.raises(DatasetError):  # and nothing is assessed from such a file
        list(Engine(registry).iter_assess(DatasetStream(folder, registry.indicators)))
    problems = caught.value.problems
    assert [p.row for p in problems] == [bad[0] + 1, len(rows) + 1]
    assert problems[0].unit == rows[bad[0]][0]


@given(seed=st.integers(0, 2**32 - 1))
@settings(max_examples=15, deadline=None)
def test_any_order_of_blocks_and_rows_within_them_gives_the_same_findings(
    seed: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    registry = make_registry(("demo", demo_pack))
    folder = tmp_path_factory.mktemp("demo")
    stream = DatasetStream(DATA / "demo-csv", registry.indicators)
    reference = sorted(Engine(registry).iter_assess(stream, on=date(2018, 12, 31)), key=_key)
    header, *rows = _rows(DATA / "demo-csv" / "facts.csv")
    rng = random.Random(seed)
    kept = [r for r in rows if len(r[0]) <= 6]  # county and above: first, in any order
    blocks: dict[str, list[list[str]]] = {}
    for row in rows:
        if len(row[0]) > 6:
            blocks.setdefault(row[0][:6], []).append(row)
    rng.shuffle(kept)
    order = list(blocks.values())
    rng.shuffle(order)
    for block in order:
        rng.shuffle(block)
    _write_rows(folder / "facts.csv", [header, *kept, *(r for b in order for r in b)])
    (folder / "units.csv").write_bytes((DATA / "demo-csv" / "units.csv").read_bytes())
    shuffled = DatasetStream(folder, registry.indicators)
    found = sorted(Engine(registry).iter_assess(shuffled, on=date(2018, 12, 31)), key=_key)
    assert found == reference


@given(seed=st.integers(0, 2**32 - 1))
@settings(max_examples=15, deadline=None)
def test_any_order_of_units_gives_the_same_blocks(
    seed: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A unit's block is found at once from its parent's when the parent is listed first,
    and by walking up the tree when it is not: in any order, each unit is in the same
    block."""
    registry = make_registry(("demo", demo_pack))
    folder = tmp_path_factory.mktemp("demo")
    header, *rows = _rows(DATA / "demo-csv" / "units.csv")
    random.Random(seed).shuffle(rows)
    _write_rows(folder / "units.csv", [header, *rows])
    (folder / "facts.csv").write_bytes((DATA / "demo-csv" / "facts.csv").read_bytes())

    def blocks(path: Path) -> set[frozenset[str]]:
        stream = DatasetStream(path, registry.indicators)
        return {frozenset(unit.code for unit in block) for block in stream.blocks()}

    assert blocks(folder) == blocks(DATA / "demo-csv")


class _CityPack:
    """A test pack with one city-level rule (by default the one reading townships)."""

    def __init__(self, rule: type[Rule], reads: str) -> None:
        self.rule, self.reads = rule, reads

    @hookimpl
    def minzheng_pack(self) -> PackInfo:
        return PackInfo(
            name="city", title_zh="测试包", title_en="Test pack", documents=(demo_pack.DOCUMENT,)
        )

    @hookimpl
    def minzheng_rules(self) -> list[Rule]:
        name = "T-counties"
        return [
            self.rule(
                id=name,
                title_zh="测试",
                title_en=name,
                citation=Citation("demo.txt", "一", "全市"),
                reading="test only",
                levels=(Level.PREFECTURE,),
                inputs=(self.reads,),
            )
        ]


@frozen(kw_only=True)
class _CountyStaffRule(Rule):
    """A city rule that reads its counties' facts: streamed like any other."""

    def columns(self, frame: Frame) -> pl.DataFrame:
        below = frame.below("resident_population", Level.COUNTY)
        gone = below.known < below.units
        met = {"status": lit("met"), "message_zh": lit("有"), "message_en": lit("all there")}
        missing = unknown(frame.indicators, [(gone, "resident_population")])
        return frame.outcome([(gone, missing)], met)


def test_a_city_rule_sees_its_counties_even_one_without_facts(tmp_path: Path) -> None:
    pack = _CityPack(_CountyStaffRule, "resident_population")
    registry = make_registry(("demo", demo_pack), ("city", pack))
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "facts.csv").write_bytes((DATA / "demo-csv" / "facts.csv").read_bytes())
    units = (DATA / "demo-csv" / "units.csv").read_text(encoding="utf-8")
    (folder / "units.csv").write_text(units + "990103,丙县,county,9901,,\n", encoding="utf-8")
    engine = Engine(registry)
    for dataset in (
        load_dataset(folder, registry.indicators),
        DatasetStream(folder, registry.indicators),
    ):
        found = [f for f in engine.iter_assess(dataset, what_if=True) if f.rule == "T-counties"]
        assert [(f.status, f.missing) for f in found] == [
            (Status.UNKNOWN, ("resident_population",))
        ]


def _demo(registry: Registry) -> Dataset:
    from minzheng import load_dataset

    return load_dataset(DATA / "demo-csv", registry.indicators)


@given(
    periods=st.lists(st.sampled_from(["2017", "2018", "2018-06-30", ""]), min_size=1),
    quoted=st.booleans(),
    crlf=st.booleans(),
)
@settings(max_examples=50, deadline=None)
def test_the_quick_period_scan_agrees_with_the_csv_module(
    periods: list[str], quoted: bool, crlf: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("scan") / "facts.csv"
    rows = [["unit", "indicator", "period", "value"]]
    rows += [["990101", "office_staff", p, "1,000" if quoted else "3"] for p in periods]
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\r\n" if crlf else "\n").writerows(rows)
    assert _periods(path, 2, 4) == _periods_csv(path, 2) == set(periods) - {""}


def test_cli_streams_jsonl_and_writes_the_file_only_on_success(
    jian_csv: Path, tmp_path: Path
) -> None:
    out = tmp_path / "findings.jsonl"
    runner = CliRunner()
    streamed = runner.invoke(main, ["assess", str(jian_csv), "--format", "jsonl", "-o", str(out)])
    assert streamed.exit_code in (0, 1), streamed.output
    loaded = runner.invoke(main, ["assess", str(jian_csv), "--format", "json"])
    record, *lines = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(record)["run"]["run_id"]
    assert len(lines) > 10
    assert [json.loads(line) for line in lines] == json.loads(loaded.stdout)["findings"]

    header, *rows = _rows(jian_csv / "facts.csv")
    rows[-1][3] = "many" if rows[-1][3] != "many" else "much"
    _write_rows(jian_csv / "facts.csv", [header, *rows])
    failed = runner.invoke(main, ["assess", str(jian_csv), "--format", "jsonl", "-o", str(out)])
    assert failed.exit_code == 2
    assert f"facts.csv row {len(rows) + 1}" in failed.stderr
    assert "Traceback" not in failed.output
    assert out.read_text(encoding="utf-8").splitlines() == [record, *lines]  # the old file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["findings.jsonl", "jian"]


def test_cli_writes_targets_as_json_lines(jian_csv: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "targets.jsonl"
    streamed = runner.invoke(main, ["targets", str(jian_csv), "--format", "jsonl", "-o", str(out)])
    assert streamed.exit_code == 0, streamed.output
    whole = runner.invoke(main, ["targets", str(jian_csv), "--format", "json"])
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    key = lambda t: (t["pack"], t["rule"], t["unit"], t["indicator"])  # noqa: E731
    assert sorted(lines, key=key) == sorted(json.loads(whole.stdout)["targets"], key=key)
    assert any(t["rule"] == "J-staff-by-pop" for t in lines)
    loaded = runner.invoke(
        main, ["targets", str(ROOT / "examples" / "jian-2018.yaml"), "--format", "jsonl"]
    )
    assert sorted(loaded.stdout.splitlines()) == sorted(out.read_text("utf-8").splitlines())


def test_only_order_problems_are_an_order_error(
    registry: Registry, demo: Dataset, tmp_path: Path
) -> None:
    folder = _csv(demo, registry, tmp_path / "demo")
    header, *rows = _rows(folder / "facts.csv")
    township = next(i for i, r in enumerate(rows) if r[0] == "990101001")
    rows.append(rows.pop(township))
    _write_rows(folder / "facts.csv", [header, *rows])
    with pytest.raises(OrderError):
        list(DatasetStream(folder, registry.indicators).blocks())
    rows[0][3] = "many"  # and a bad value: a plain DatasetError with both problems
    _write_rows(folder / "facts.csv", [header, *rows])
    with pytest.raises(DatasetError) as caught:
        list(DatasetStream(folder, registry.indicators).blocks())
    assert not isinstance(caught.value, OrderError)
    assert len(caught.value.problems) == 2


def test_cli_validate_streams_csv_and_accepts_any_order(jian_csv: Path) -> None:
    runner = CliRunner()
    streamed = runner.invoke(main, ["validate", str(jian_csv)])
    assert streamed.exit_code == 0, streamed.output
    loaded = load_dataset(jian_csv)
    facts = sum(1 for _ in loaded.iter_facts())
    assert f"{len(loaded)} units, {facts} facts" in streamed.stdout
    header, *rows = _rows(jian_csv / "facts.csv")
    _write_rows(jian_csv / "facts.csv", [header, *reversed(rows)])
    unordered = runner.invoke(main, ["validate", str(jian_csv)])
    assert unordered.exit_code == 0, unordered.output
    assert f"{len(loaded)} units, {facts} facts" in unordered.stdout
    assert unordered.stderr == ""


@pytest.mark.parametrize("read", ["load", "stream"])
def test_bytes_that_are_not_utf8_are_named_by_file(
    registry: Registry, tmp_path: Path, read: str
) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "units.csv").write_bytes((DATA / "demo-csv" / "units.csv").read_bytes())
    facts = (DATA / "demo-csv" / "facts.csv").read_bytes()
    (folder / "facts.csv").write_bytes(facts + b"990101,office_staff,2018,\xff\xfe\n")

    def read_all() -> object:
        if read == "load":
            return load_dataset(folder, registry.indicators)
        return list(DatasetStream(folder, registry.indicators).blocks())

    with pytest.raises(DatasetError) as caught:
        read_all()
    [problem] = caught.value.problems
    assert problem.file == str(folder / "facts.csv")
    assert str(problem.expected) == "UTF-8 text"
    assert problem.row is not None


def test_a_stream_is_read_once(registry: Registry) -> None:
    stream = DatasetStream(DATA / "demo-csv", registry.indicators)
    assert len(stream) == 10
    assert stream.name == "demo-csv"
    assert stream.check() == sum(
        1 for _ in load_dataset(DATA / "demo-csv", registry.indicators).iter_facts()
    )
    with pytest.raises(RuntimeError, match="read once"):
        list(stream.blocks())


def _split_by_province() -> str:
    """The shell commands docs/howto/large-data.rst gives to split a folder by province."""
    text = (Path(__file__).parent.parent / "docs" / "howto" / "large-data.rst").read_text("utf-8")
    block = re.search(r"splits the folder ``national``.*?::\n\n((?:    [^\n]*\n|\n)+)", text, re.S)
    assert block is not None, "the how-to no longer shows how to split a folder by province"
    return textwrap.dedent(block.group(1))


@pytest.mark.skipif(shutil.which("bash") is None, reason="the how-to's commands are for a shell")
def test_provinces_split_as_the_howto_says_give_the_findings_and_rollups_of_the_whole(
    engine: Engine, tmp_path: Path
) -> None:
    """No unit refers to another province's, so a national dataset can be split by
    province and the parts assessed side by side (docs/howto/large-data.rst, whose
    commands do the split here)."""
    units, facts = _rows(DATA / "demo-csv" / "units.csv"), _rows(DATA / "demo-csv" / "facts.csv")

    def moved(rows: list[list[str]], columns: tuple[int, ...]) -> list[list[str]]:
        return [[f"98{v[2:]}" if i in columns and v else v for i, v in enumerate(r)] for r in rows]

    (tmp_path / "national").mkdir()
    _write_rows(tmp_path / "national" / "units.csv", units + moved(units[1:], (0, 3)))
    _write_rows(tmp_path / "national" / "facts.csv", facts + moved(facts[1:], (0,)))
    subprocess.run(["bash", "-c", _split_by_province()], cwd=tmp_path, check=True)
    folders = sorted((tmp_path / "by-province").iterdir())
    assert [f.name for f in folders] == ["98", "99"]
    found: dict[str, tuple[list[Finding], set[RollUp]]] = {}
    for folder in [tmp_path / "national", *folders]:
        stream = DatasetStream(folder, engine.registry.indicators)
        tally = Tally(stream.dataset)
        findings = list(engine.iter_assess(stream, on=date(2018, 12, 31), what_if=True))
        for finding in findings:
            tally.add(finding)
        found[folder.name] = findings, set(tally.rollups())
    whole, apart = found.pop("national"), list(found.values())
    assert sorted(whole[0], key=_key) == sorted(apart[0][0] + apart[1][0], key=_key)
    assert whole[1] == apart[0][1] | apart[1][1] != set()
    assert len(apart[0][0]) == len(apart[1][0]) > 10
    assert {f.unit[:2] for f in apart[0][0]} == {"98"}
    for name in ("units.csv", "facts.csv"):  # every row in one part, the header in each
        rows = [_rows(folder / name) for folder in folders]
        assert all(part[0] == _rows(tmp_path / "national" / name)[0] for part in rows)
        assert sum(len(part) - 1 for part in rows) == len(_rows(tmp_path / "national" / name)) - 1
