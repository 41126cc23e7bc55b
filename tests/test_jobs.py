"""Assessing in several processes (``--jobs``) writes what one process writes.

The datasets here are the invented demo dataset (``data/demo-csv``) with its counties
copied under new codes, so that there are enough blocks to share out.
"""

from __future__ import annotations

import collections
import io
import os
import random
from datetime import date
from pathlib import Path
from typing import Any

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
    DatasetError,
    DatasetStream,
    Engine,
    Level,
    OrderError,
    Outcome,
    PackInfo,
    Registry,
    Rule,
    Status,
    Tally,
    UnitContext,
    hookimpl,
)
from minzheng._jobs import JobError, assess_jsonl, share
from minzheng.cli import main
from minzheng.render import write_jsonl
from minzheng.testing import make_registry

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[1]
ON = date(2018, 12, 31)


def _counties(folder: Path, copies: int, seed: int = 0) -> Path:
    """The demo dataset with each county's block copied ``copies`` times (new county
    codes 9901xx), its facts' blocks and the rows within them shuffled by ``seed``."""
    folder.mkdir(parents=True, exist_ok=True)
    units_header, *units = _rows(DATA / "demo-csv" / "units.csv")
    facts_header, *facts = _rows(DATA / "demo-csv" / "facts.csv")
    upper_units = [u for u in units if len(u[0]) <= 4]
    upper_facts = [f for f in facts if len(f[0]) <= 4]
    new_units, blocks = list(upper_units), []
    for copy in range(copies):
        for old in ("990101", "990102"):
            new = f"9901{copy * 2 + (old == '990102') + 1:02d}"
            new_units += [
                [u[0].replace(old, new, 1), *u[1:3], u[3].replace(old, new, 1), *u[4:]]
                for u in units
                if u[0].startswith(old)
            ]
            blocks.append(
                [[f[0].replace(old, new, 1), *f[1:]] for f in facts if f[0].startswith(old)]
            )
    rng = random.Random(seed)
    rng.shuffle(blocks)
    for block in blocks:
        county = [f for f in block if len(f[0]) == 6]  # before its townships' facts
        below = [f for f in block if len(f[0]) > 6]
        rng.shuffle(below)
        block[:] = county + below
    _write_rows(folder / "units.csv", [units_header, *new_units])
    _write_rows(folder / "facts.csv", [facts_header, *upper_facts, *(f for b in blocks for f in b)])
    return folder


def _serial(engine: Engine, folder: Path, **options: Any) -> tuple[str, dict[Status, int]]:
    stream = DatasetStream(folder, engine.registry.indicators)
    tally = Tally(stream, rollups=False)
    out = io.StringIO()
    write_jsonl(engine.iter_assess(stream, on=ON, tally=tally, **options), out)
    return out.getvalue(), tally.summary


def _jobs(engine: Engine, folder: Path, jobs: int, **options: Any) -> tuple[str, dict[Status, int]]:
    stream = DatasetStream(folder, engine.registry.indicators)
    tally = Tally(stream, rollups=False)
    out = io.StringIO()
    assess_jsonl(stream, engine, out, jobs=jobs, on=ON, tally=tally, **options)
    return out.getvalue(), tally.summary


@given(
    copies=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
    jobs=st.integers(2, 5),
    what_if=st.booleans(),
)
@settings(max_examples=20, deadline=None)
def test_several_processes_write_the_lines_of_one(
    copies: int, seed: int, jobs: int, what_if: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    engine = Engine(make_registry(("demo", demo_pack)))
    folder = _counties(tmp_path_factory.mktemp("jobs"), copies, seed)
    lines, summary = _serial(engine, folder, what_if=what_if)
    assert _jobs(engine, folder, jobs, what_if=what_if) == (lines, summary)
    assert lines.count("\n") > 10 * copies


def test_blocks_are_shared_in_runs_of_about_as_many_units(
    registry: Registry, tmp_path: Path
) -> None:
    stream = DatasetStream(_counties(tmp_path / "d", 4), registry.indicators)
    shares = share(stream, 3)
    assert len(shares) == 3
    assert None in shares[0]  # the units above county level: the first worker's
    blocks = list(stream._blocks)
    runs = [sorted((k for k in s if k is not None), key=blocks.index) for s in shares]
    assert [k for run in runs for k in run] == blocks  # contiguous runs, in order
    sizes = [sum(len(stream._blocks[k]) for k in s if k is not None) for s in shares]
    assert max(sizes) - min(sizes) <= max(len(b) for b in stream._blocks.values())
    assert len(share(stream, 50)) == len(blocks)  # never more workers than blocks


def _both_raise(engine: Engine, folder: Path, jobs: int) -> tuple[DatasetError, DatasetError]:
    with pytest.raises(DatasetError) as one:
        _serial(engine, folder)
    with pytest.raises(DatasetError) as several:
        _jobs(engine, folder, jobs)
    return one.value, several.value


@given(seed=st.integers(0, 2**32 - 1), bad=st.integers(1, 3), jobs=st.integers(2, 4))
@settings(max_examples=15, deadline=None)
def test_problems_are_those_of_one_process_in_the_order_of_the_file(
    seed: int, bad: int, jobs: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    engine = Engine(make_registry(("demo", demo_pack)))
    folder = _counties(tmp_path_factory.mktemp("jobs"), 3, seed)
    header, *rows = _rows(folder / "facts.csv")
    rng = random.Random(seed)
    numeric = [r for r in rows if r[1] in ("office_staff", "carers", "resident_population")]
    spoilt = rng.sample(numeric, bad)
    for row in spoilt:
        row[3] = "many"
    last = rows[-1][0][:6]
    below = collections.Counter(r[0][:6] for r in rows if len(r[0]) > 6)
    # a fact moved out of its county's block (one of several), to the end of the file
    moved = rng.choice(
        [
            r
            for r in rows
            if len(r[0]) > 6 and below[r[0][:6]] > 1 and r[0][:6] != last and r not in spoilt
        ]
    )
    rows.remove(moved)
    rows.append(moved)
    _write_rows(folder / "facts.csv", [header, *rows])
    one, several = _both_raise(engine, folder, jobs)
    assert type(several) is type(one) is DatasetError
    assert str(several) == str(one)
    assert len(one.problems) == bad + 1  # the values, and the row out of order


def test_only_problems_of_order_are_an_order_error(registry: Registry, tmp_path: Path) -> None:
    engine = Engine(registry)
    folder = _counties(tmp_path / "d", 3)
    header, *rows = _rows(folder / "facts.csv")
    rows.append(rows.pop(len(rows) // 2))
    _write_rows(folder / "facts.csv", [header, *rows])
    one, several = _both_raise(engine, folder, 3)
    assert type(several) is type(one) is OrderError
    assert str(several) == str(one)


def test_a_malformed_row_is_named_as_one_process_names_it(
    registry: Registry, tmp_path: Path
) -> None:
    engine = Engine(registry)
    folder = _counties(tmp_path / "d", 3)
    with (folder / "facts.csv").open("a", encoding="utf-8") as out:
        out.write("990101,office_staff\n")
    one, several = _both_raise(engine, folder, 2)
    assert str(several) == str(one)
    assert "4 columns" in str(several)


@frozen(kw_only=True)
class _Townships(Rule):
    """A rule of cities and counties that reads their townships' facts (a city's cannot be
    streamed: an error finding), and ends its process, as if killed, on the county that
    ``MINZHENG_TEST_EXIT_AT`` names."""

    def check(self, ctx: UnitContext) -> Outcome:
        if ctx.unit.code == os.environ.get("MINZHENG_TEST_EXIT_AT"):
            os._exit(3)  # a worker killed mid-run
        staff = [t.get("office_staff") for t in ctx.descendants(Level.TOWNSHIP)]
        return Outcome(status=Status.MET, message_zh=str(staff), message_en=str(staff))


class _Pack:
    @hookimpl
    def minzheng_pack(self) -> PackInfo:
        return PackInfo(
            name="upper", title_zh="测试包", title_en="Test pack", documents=(demo_pack.DOCUMENT,)
        )

    @hookimpl
    def minzheng_rules(self) -> list[Rule]:
        return [
            _Townships(
                id="T-townships",
                title_zh="测试",
                title_en="T-townships",
                citation=Citation("demo.txt", "一", "全市"),
                reading="test only",
                levels=(Level.PREFECTURE, Level.COUNTY),
                inputs=("office_staff",),
            )
        ]


def test_rules_above_county_level_find_what_they_find_in_one_process(tmp_path: Path) -> None:
    engine = Engine(make_registry(("demo", demo_pack), ("upper", _Pack())))
    folder = _counties(tmp_path / "d", 3, seed=7)
    lines, summary = _serial(engine, folder, what_if=True)
    assert '"rule": "T-townships", "unit": "9901", "status": "error"' in lines
    assert _jobs(engine, folder, 3, what_if=True) == (lines, summary)


def test_a_worker_that_dies_is_an_error_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Engine(make_registry(("demo", demo_pack), ("upper", _Pack())))
    folder = _counties(tmp_path / "d", 3)
    monkeypatch.setenv("MINZHENG_TEST_EXIT_AT", "990105")
    stream = DatasetStream(folder, engine.registry.indicators)
    out = io.StringIO()
    with pytest.raises(JobError, match=r"worker \d of 3 ended with exit status 3"):
        assess_jsonl(stream, engine, out, jobs=3, on=ON, what_if=True, scratch=tmp_path)
    assert out.getvalue() == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]  # the workers' files are gone


def test_unknown_packs_and_rules_are_named_before_any_worker_starts(
    engine: Engine, tmp_path: Path
) -> None:
    stream = DatasetStream(_counties(tmp_path / "d", 2), engine.registry.indicators)
    with pytest.raises(Exception, match="no_such_pack"):
        assess_jsonl(stream, engine, io.StringIO(), jobs=2, on=ON, packs=["no_such_pack"])


# ------------------------------------------------------------------ the command line


def test_cli_jobs_write_the_file_one_process_writes(jian_csv: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    outputs, summaries = [], []
    for jobs in ("1", "3", "0"):
        out = tmp_path / f"findings-{jobs}.jsonl"
        run = runner.invoke(
            main,
            ["assess", str(jian_csv), "--what-if", "--format", "jsonl", "-o", str(out), "-j", jobs],
        )
        assert run.exit_code == 1, run.output
        outputs.append(out.read_bytes())
        summaries.append(run.stderr)
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0].count(b"\n") > 100
    assert summaries[0] == summaries[1] == summaries[2]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "findings-0.jsonl",
        "findings-1.jsonl",
        "findings-3.jsonl",
        "jian",
    ]


def test_cli_jobs_to_standard_output(jian_csv: Path) -> None:
    runner = CliRunner()
    one = runner.invoke(main, ["assess", str(jian_csv), "--format", "jsonl"])
    two = runner.invoke(main, ["assess", str(jian_csv), "--format", "jsonl", "-j", "2"])
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout
    assert one.stdout.count("\n") > 20


def test_cli_jobs_bad_data_exit_2_and_write_nothing(jian_csv: Path, tmp_path: Path) -> None:
    header, *rows = _rows(jian_csv / "facts.csv")
    rows[-1][3] = "many" if rows[-1][3] != "many" else "much"
    _write_rows(jian_csv / "facts.csv", [header, *rows])
    out = tmp_path / "findings.jsonl"
    run = CliRunner().invoke(
        main, ["assess", str(jian_csv), "--format", "jsonl", "-o", str(out), "--jobs", "2"]
    )
    assert run.exit_code == 2
    assert f"facts.csv row {len(rows) + 1}: unit {rows[-1][0]}" in run.stderr
    assert "Traceback" not in run.output
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jian"]  # no workers' files left


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "json"],
        ["--format", "jsonl", "--no-stream"],
        ["--format", "jsonl", "--jobs", "-1"],
    ],
)
def test_cli_jobs_only_where_they_can_run(tmp_path: Path, args: list[str]) -> None:
    folder = _counties(tmp_path / "d", 2)
    run = CliRunner().invoke(main, ["assess", str(folder), "--jobs", "2", *args])
    assert run.exit_code == 2
    assert "Traceback" not in run.output
    assert "--jobs" in run.stderr
