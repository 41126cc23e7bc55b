"""Assessing in several processes (``--jobs``) writes what one process writes.

The datasets here are the invented demo dataset (``data/demo-csv``) with its counties
copied under new codes, so that there are enough blocks to share out.
"""

from __future__ import annotations

import collections
import contextlib
import csv
import errno
import io
import os
import random
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from attrs import frozen
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import demo_pack
import minzheng._jobs
import minzheng.cli
from csv_rows import read_rows as _rows
from csv_rows import write_rows as _write_rows
from minzheng import (
    Citation,
    Dataset,
    DatasetError,
    DatasetStream,
    Engine,
    JobError,
    JobWarning,
    Level,
    OrderError,
    Outcome,
    PackInfo,
    RegionInfo,
    Registry,
    Rule,
    Status,
    Tally,
    UnitContext,
    hookimpl,
)
from minzheng._jobs import _skim, _stretch, cut
from minzheng.cli import main
from minzheng.render import write_jsonl
from minzheng.testing import make_registry

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[1]
ON = date(2018, 12, 31)

# Earlier tests in this process ran polars, whose thread pool is then alive, so Python
# 3.12 and later warn at each fork here (recorded, and raised again, inside
# pytest.warns). The command forks before anything uses polars (--jobs reads a stream).
pytestmark = pytest.mark.filterwarnings(
    "ignore:This process .* is multi-threaded, use of fork:DeprecationWarning"
)


@frozen
class _Layout:
    """How a test writes ``facts.csv``: each a way the file may be that the byte-cut
    stretches must read as one process does."""

    wide: bool = False  # a row per unit and period, a column per indicator
    unit_last: bool = False  # the unit's column last, not first
    newline: str = "\r\n"
    quoted: bool = False  # every cell in quotes (none holds a line break)
    blank_lines: bool = False
    empty_county: bool = False  # a county (with a township) in units.csv without facts
    last_line_ended: bool = True  # the file ends with a line break


_LAYOUTS = st.builds(
    _Layout,
    wide=st.booleans(),
    unit_last=st.booleans(),
    newline=st.sampled_from(["\r\n", "\n"]),
    quoted=st.booleans(),
    blank_lines=st.booleans(),
    empty_county=st.booleans(),
    last_line_ended=st.booleans(),
)


def _counties(folder: Path, copies: int, seed: int = 0, layout: _Layout = _Layout()) -> Path:
    """The demo dataset with each county's block copied ``copies`` times (new county
    codes 9901xx), its facts' blocks and the rows within them shuffled by ``seed``, the
    facts file written as ``layout`` says."""
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
    if layout.empty_county:
        new_units += [["990199", "空县", "county", "9901", "", ""]]
        new_units += [["990199001", "空镇", "township", "990199", "", ""]]
    rng = random.Random(seed)
    rng.shuffle(blocks)
    for block in blocks:
        county = [f for f in block if len(f[0]) == 6]  # before its townships' facts
        below = [f for f in block if len(f[0]) > 6]
        rng.shuffle(below)
        block[:] = county + below
    _write_rows(folder / "units.csv", [units_header, *new_units])
    rows = [facts_header, *upper_facts, *(f for b in blocks for f in b)]
    if layout.wide:
        rows = _widened(rows)
    if layout.unit_last:
        rows = [[*row[1:], row[0]] for row in rows]
    if layout.blank_lines:
        for _ in range(3):
            rows.insert(rng.randrange(1, len(rows) + 1), [])
    path = folder / "facts.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        quoting = csv.QUOTE_ALL if layout.quoted else csv.QUOTE_MINIMAL
        csv.writer(out, lineterminator=layout.newline, quoting=quoting).writerows(rows)  # type: ignore[arg-type]
    if not layout.last_line_ended:
        path.write_bytes(path.read_bytes().rstrip(b"\r\n"))
    return folder


def _widened(rows: list[list[str]]) -> list[list[str]]:
    """Long rows (``unit,indicator,period,value``) as a wide table, a row per unit and
    period in the order they first appear."""
    indicators = sorted({row[1] for row in rows[1:]})
    cells: dict[tuple[str, str], dict[str, str]] = {}
    for unit, indicator, period, value in rows[1:]:
        cells.setdefault((unit, period), {})[indicator] = value
    return [
        ["unit", "period", *indicators],
        *(
            [unit, period, *(v.get(i, "") for i in indicators)]
            for (unit, period), v in cells.items()
        ),
    ]


@frozen
class _Run:
    """What a run wrote and counted, and how many values its stream read."""

    lines: str
    summary: dict[Status, int]
    facts_read: int


def _serial(engine: Engine, folder: Path, **options: Any) -> _Run:
    stream = DatasetStream(folder, engine.registry.indicators)
    tally = Tally(stream, rollups=False)
    out = io.StringIO()
    write_jsonl(engine.iter_assess(stream, on=ON, tally=tally, **options), out)
    return _Run(out.getvalue(), tally.summary, stream.facts_read)


def _jobs(engine: Engine, folder: Path, jobs: int, **options: Any) -> _Run:
    stream = DatasetStream(folder, engine.registry.indicators)
    tally = Tally(stream, rollups=False)
    out = io.StringIO()
    written = engine.write_jsonl(stream, out, on=ON, tally=tally, jobs=jobs, **options)
    assert written == out.getvalue().count("\n")
    with pytest.raises(RuntimeError, match="read once"):  # as after one process
        next(stream.blocks())
    return _Run(out.getvalue(), tally.summary, stream.facts_read)


@given(
    copies=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
    jobs=st.integers(2, 5),
    what_if=st.booleans(),
    layout=_LAYOUTS,
    piece=st.sampled_from([64, 1000, minzheng._jobs._SKIM_PIECE]),
)
@settings(max_examples=40, deadline=None)
def test_several_processes_write_the_lines_of_one(
    copies: int,
    seed: int,
    jobs: int,
    what_if: bool,
    layout: _Layout,
    piece: int,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    engine = Engine(make_registry(("demo", demo_pack), ("upper", _Pack())))
    folder = _counties(tmp_path_factory.mktemp("jobs"), copies, seed, layout)
    one = _serial(engine, folder, what_if=what_if)
    lines = one.lines
    assert one.facts_read > 10 * copies
    stream = DatasetStream(folder, engine.registry.indicators)
    found = cut(stream, jobs)
    assert found is not None
    tally, out = Tally(stream, rollups=False), io.StringIO()
    # every layout here is cut by bytes: a JobWarning (one process) would fail the test
    with mock.patch.object(minzheng._jobs, "_SKIM_PIECE", piece):  # skimmed in pieces
        written = engine.write_jsonl(stream, out, on=ON, tally=tally, what_if=what_if, jobs=jobs)
    assert _Run(out.getvalue(), tally.summary, stream.facts_read) == one
    assert written == lines.count("\n")
    assert lines.count("\n") > 10 * copies
    assert '"rule": "T-inherited"' in lines


@given(
    copies=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
    jobs=st.integers(2, 8),
    layout=_LAYOUTS,
)
@settings(max_examples=30, deadline=None)
def test_the_file_is_cut_where_blocks_begin(
    copies: int, seed: int, jobs: int, layout: _Layout, tmp_path_factory: pytest.TempPathFactory
) -> None:
    registry = make_registry(("demo", demo_pack))
    folder = _counties(tmp_path_factory.mktemp("cut"), copies, seed, layout)
    stream = DatasetStream(folder, registry.indicators)
    found = cut(stream, jobs)
    assert found is not None
    data = (folder / "facts.csv").read_bytes()
    starts = [start for start, _end in found.stretches]
    assert starts[0] == data.index(b"\n") + 1  # just after the header
    assert [end for _start, end in found.stretches] == [*starts[1:], len(data)]
    assert len(starts) == len(set(starts)) <= min(jobs, len(stream._blocks))
    # each later stretch begins with the first row of a block: the rows of units below
    # county level before it (the county's own rows among them) are of another block
    unit_at = -1 if layout.unit_last else 0
    for start in starts[1:]:
        assert data[start - 1 : start] == b"\n"
        code = data[start:].split(b"\n", 1)[0].split(b",")[unit_at].strip(b'\r"').decode()
        earlier = [
            line.split(b",")[unit_at].strip(b'\r"').decode()
            for line in data[:start].split(b"\n")[1:]
            if line.strip()
        ]
        below = [c for c in earlier if stream._block_of.get(c) and len(c) > 6]
        assert len(code) > 6  # a township, village or facility
        assert stream._block_of[code] not in {stream._block_of[c] for c in below}


def _spoilt(text: bytes, where: str) -> bytes:
    """``text`` with a line that is not a row: a quoted cell holding a line break (row
    10's last, whose value is the same once stripped) or a carriage return alone
    (which ends a row), in the header or in row 10."""
    lines = text.split(b"\r\n")
    if where == "quote":
        head, _comma, last = lines[9].rpartition(b",")
        lines[9] = head + b',"' + last + b'\r\n"'
        return b"\r\n".join(lines)
    at = 1 if where == "header" else 10
    return b"\r\n".join(lines[:at]) + b"\r" + b"\r\n".join(lines[at:])


@pytest.mark.parametrize("where", ["quote", "header", "row"])
def test_a_file_whose_lines_are_not_its_rows_is_assessed_in_one_process(
    where: str, tmp_path: Path
) -> None:
    registry = make_registry(("demo", demo_pack))
    folder = _counties(tmp_path / "d", 3)
    facts = folder / "facts.csv"
    facts.write_bytes(_spoilt(facts.read_bytes(), where))
    engine = Engine(registry)
    stream = DatasetStream(folder, registry.indicators)
    tally, out, told = Tally(stream, rollups=False), io.StringIO(), []
    with pytest.warns(
        JobWarning, match="facts.csv cannot be cut by bytes .*: assessed in one"
    ) as seen:
        written = engine.write_jsonl(stream, out, on=ON, tally=tally, jobs=3, progress=told.append)
    jobs = [w.message for w in seen if isinstance(w.message, JobWarning)]
    assert [(w.reason, w.file) for w in jobs] == [("cut", "facts.csv")]
    assert _Run(out.getvalue(), tally.summary, stream.facts_read) == _serial(engine, folder)
    assert written == out.getvalue().count("\n")
    assert told[-1] == len(stream)
    stream = DatasetStream(folder, registry.indicators)
    found = cut(stream, 3)
    if where == "header":
        assert found is None
    else:  # the header is one line, so the file is cut; a stretch then is not skimmed
        assert found is not None
        assert None in [_skim(stream, found, *s) for s in found.stretches]


def test_a_facts_file_without_rows(tmp_path: Path) -> None:
    engine = Engine(make_registry(("demo", demo_pack)))
    folder = _counties(tmp_path / "d", 2)
    facts = folder / "facts.csv"
    facts.write_text("unit,indicator,period,value\n", "utf-8")
    assert _jobs(engine, folder, 2) == _serial(engine, folder)
    facts.write_text("unit,indicator,period,value", "utf-8")  # no line break: not cut
    assert _jobs(engine, folder, 2) == _serial(engine, folder)
    facts.write_text("unit,indicator,when,value\n990101001,office_staff,,3\n", "utf-8")
    one, several = _both_raise(engine, folder, 2)  # a bad header, named before cutting
    assert str(several) == str(one)
    assert "row 1" in str(one)


def test_a_stretch_names_the_rows_one_process_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker's problems name the file's rows (not the stretch's), as one process's do,
    those of the rows before its stretch that it keeps too."""
    monkeypatch.setattr(minzheng._jobs, "_SKIM_PIECE", 100)  # stretches skimmed in pieces
    registry = make_registry(("demo", demo_pack))
    folder = _counties(tmp_path / "d", 3, seed=3, layout=_Layout(blank_lines=True))
    header, *rows = _rows(folder / "facts.csv")
    rows[-1][3] = "many"  # in the last stretch
    county = [r for r in rows[: len(rows) // 2] if len(r) == 4 and len(r[0]) == 6]
    county[-1][3] = "many"  # a county's row, in an earlier stretch
    _write_rows(folder / "facts.csv", [header, *rows])
    with pytest.raises(DatasetError) as one:
        DatasetStream(folder, registry.indicators).check()
    stream = DatasetStream(folder, registry.indicators)
    found = cut(stream, 3)
    assert found is not None
    assert len(found.stretches) == 3
    skims = [_skim(stream, found, *s) for s in found.stretches[:-1]]
    before = [skimmed for skimmed in skims if skimmed is not None]
    assert len(before) == len(skims)
    stream._stretch = _stretch(found, 2, before)
    with pytest.raises(DatasetError) as last:
        stream.check()
    assert str(last.value) == str(one.value)
    assert len(one.value.problems) == 2
    assert f"row {len(rows) + 1}" in str(one.value)


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


@frozen(kw_only=True)
class _Inherits(Rule):
    """A rule of townships and villages that shows the resident population of the
    nearest unit above (a county's: a fact kept, which a worker reading a stretch of the
    file must have from the rows before it) and where it came from."""

    def check(self, ctx: UnitContext) -> Outcome:
        found = ctx.inherited("resident_population")
        text = "none" if found is None else f"{found[0].code}: {found[1]}"
        return Outcome(status=Status.MET, message_zh=text, message_en=text)


class _Pack:
    @hookimpl
    def minzheng_pack(self) -> PackInfo:
        return PackInfo(
            name="upper",
            title_zh="测试包",
            title_en="Test pack",
            region=RegionInfo("演示市", "Demo City", ("99",)),
            documents=(demo_pack.DOCUMENT,),
        )

    @hookimpl
    def minzheng_rules(self) -> list[Rule]:
        return [
            _test_rule(_Townships, "T-townships", (Level.PREFECTURE, Level.COUNTY), "office_staff"),
            _test_rule(
                _Inherits, "T-inherited", (Level.TOWNSHIP, Level.VILLAGE), "resident_population"
            ),
        ]


def _test_rule(kind: type[Rule], rule_id: str, levels: tuple[Level, ...], reads: str) -> Rule:
    """A rule of the test pack, citing the demo document."""
    return kind(
        id=rule_id,
        title_zh="测试",
        title_en=rule_id,
        citation=Citation("demo.txt", "一", "全市"),
        reading="test only",
        levels=levels,
        inputs=(reads,),
    )


def test_rules_above_county_level_find_what_they_find_in_one_process(tmp_path: Path) -> None:
    engine = Engine(make_registry(("demo", demo_pack), ("upper", _Pack())))
    folder = _counties(tmp_path / "d", 3, seed=7)
    one = _serial(engine, folder, what_if=True)
    assert '"rule": "T-townships", "unit": "9901", "status": "error"' in one.lines
    assert _jobs(engine, folder, 3, what_if=True) == one


def test_a_worker_that_dies_is_an_error_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Engine(make_registry(("demo", demo_pack), ("upper", _Pack())))
    folder = _counties(tmp_path / "d", 3)
    monkeypatch.setenv("MINZHENG_TEST_EXIT_AT", "990105")
    stream = DatasetStream(folder, engine.registry.indicators)
    out = io.StringIO()
    with pytest.raises(JobError, match=r"worker \d of 3 ended with exit status 3"):
        engine.write_jsonl(stream, out, on=ON, jobs=3, what_if=True, scratch=tmp_path)
    assert out.getvalue() == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]  # the workers' files are gone


def test_unknown_packs_and_rules_are_named_before_any_worker_starts(
    engine: Engine, tmp_path: Path
) -> None:
    stream = DatasetStream(_counties(tmp_path / "d", 2), engine.registry.indicators)
    with pytest.raises(Exception, match="no_such_pack"):
        engine.write_jsonl(stream, io.StringIO(), on=ON, jobs=2, packs=["no_such_pack"])


def test_roll_ups_are_those_of_one_process(tmp_path: Path) -> None:
    """A tally that keeps roll-ups gets them from the workers, as one process makes them."""
    engine = Engine(make_registry(("demo", demo_pack), ("upper", _Pack())))
    folder = _counties(tmp_path / "d", 4, seed=3)
    tallies = []
    for jobs in (1, 3):
        stream = DatasetStream(folder, engine.registry.indicators)
        tally = Tally(stream)
        engine.write_jsonl(stream, io.StringIO(), on=ON, what_if=True, tally=tally, jobs=jobs)
        tallies.append((tally.rollups(), tally.summary, tally.failures, tally.warnings))
    assert tallies[0] == tallies[1]
    assert len(tallies[0][0]) > 20


def test_write_jsonl_writes_the_lines_of_iter_assess(engine: Engine, demo: Dataset) -> None:
    expected = io.StringIO()
    write_jsonl(engine.iter_assess(demo, on=ON, what_if=True), expected)
    out, told = io.StringIO(), []
    written = engine.write_jsonl(demo, out, on=ON, what_if=True, progress=told.append)
    assert out.getvalue() == expected.getvalue()
    assert written == expected.getvalue().count("\n") > 5
    assert told == sorted(told)
    assert told[-1] == len(demo)


def test_one_process_when_one_is_asked_for_or_there_is_one_cpu(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _counties(tmp_path / "d", 2)
    expected = _serial(engine, folder)

    def no_workers(job: object) -> None:
        raise AssertionError("no worker is started")

    monkeypatch.setattr(minzheng._jobs, "_run", no_workers)
    monkeypatch.setattr(minzheng._jobs, "cpu_count", lambda: 1)
    assert _jobs(engine, folder, 1) == expected
    assert _jobs(engine, folder, 0) == expected  # one a CPU, and there is one: no warning


def test_without_fork_one_process_does_the_work_with_a_warning(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _counties(tmp_path / "d", 2)
    expected = _serial(engine, folder)
    monkeypatch.setattr(minzheng._jobs, "fork_available", lambda: False)
    with pytest.warns(JobWarning, match=r"need fork\(\), which this platform lacks") as seen:
        assert _jobs(engine, folder, 2) == expected
    jobs = [w.message for w in seen if isinstance(w.message, JobWarning)]
    assert [(w.reason, w.file) for w in jobs] == [("fork", "")]


def test_several_processes_need_a_stream_and_a_count(engine: Engine, demo: Dataset) -> None:
    with pytest.raises(ValueError, match="share the counties of a DatasetStream, found a Dataset"):
        engine.write_jsonl(demo, io.StringIO(), on=ON, jobs=2)
    with pytest.raises(
        ValueError, match="jobs is a number of processes, 0 for one a CPU; found -1"
    ):
        engine.write_jsonl(demo, io.StringIO(), on=ON, jobs=-1)


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


@pytest.mark.parametrize("error", [errno.ENOTSOCK, errno.ENOSPC])
def test_lines_are_copied_by_python_where_the_kernel_cannot_copy_them(
    error: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where ``sendfile`` cannot write to the output (macOS: only to a socket), the lines
    are copied through Python; another error (a full disk) is raised."""
    engine = Engine(make_registry(("demo", demo_pack)))
    folder = _counties(tmp_path / "d", 3)
    lines = _serial(engine, folder).lines

    def cannot(*args: object) -> int:
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(os, "sendfile", cannot)
    stream = DatasetStream(folder, engine.registry.indicators)
    with (tmp_path / "out.jsonl").open("w", encoding="utf-8") as out:
        if error == errno.ENOSPC:
            with pytest.raises(OSError, match=os.strerror(error)):
                engine.write_jsonl(stream, out, on=ON, jobs=3)
            return
        engine.write_jsonl(stream, out, on=ON, jobs=3)
    assert (tmp_path / "out.jsonl").read_text("utf-8") == lines


@pytest.mark.parametrize("where", ["", "quote"])  # cut by bytes; assessed in one process
def test_progress_counts_each_unit_once(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Engine(make_registry(("demo", demo_pack)))
    folder = _counties(tmp_path / "d", 4)
    if where:
        facts = folder / "facts.csv"
        facts.write_bytes(_spoilt(facts.read_bytes(), where))
    monkeypatch.setattr(minzheng._jobs, "_PROGRESS_EVERY", 0.001)
    stream = DatasetStream(folder, engine.registry.indicators)
    told: list[int] = []
    with pytest.warns(JobWarning) if where else contextlib.nullcontext():
        engine.write_jsonl(stream, io.StringIO(), on=ON, jobs=3, progress=told.append)
    assert told == sorted(told)  # never back
    assert told[-1] == len(stream) > 20  # every unit, each once (the units above too)


def test_cli_shows_progress_with_jobs_as_in_one_process(
    jian_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bar (drawn only in a terminal) is told the units assessed, whatever the
    number of processes."""
    shown: list[tuple[int, list[int]]] = []

    @contextlib.contextmanager
    def bar(total: int) -> Iterator[Callable[[int], None]]:
        told: list[int] = []
        shown.append((total, told))
        yield told.append

    monkeypatch.setattr(minzheng.cli, "_progress_bar", bar)
    for jobs in ("1", "2"):
        run = CliRunner().invoke(main, ["assess", str(jian_csv), "--format", "jsonl", "-j", jobs])
        assert run.exit_code == 1, run.output
    units = len(DatasetStream(jian_csv))
    assert [(total, told[-1]) for total, told in shown] == [(units, units), (units, units)]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_has_no_thread_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--jobs`` forks its workers while the bar is shown: a thread then could hold a
    lock that stays locked in them (and Python 3.12 warns of it)."""
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    threads = threading.active_count()
    with minzheng.cli._progress_bar(5000) as show:
        assert show is not None
        assert threading.active_count() == threads
        for done in range(1, 5001):
            show(done)
    assert "5000/5000" in terminal.getvalue()


def test_cli_cuts_a_file_whose_text_values_are_quoted(jian_csv: Path) -> None:
    """Office names with a comma and a quote in them are written in quotes: the file is
    still cut by bytes, and the findings are one process's."""
    header, *rows = _rows(jian_csv / "facts.csv")
    named = [row for row in rows if row[1] == "office_name"]
    assert named
    for row in named:
        row[3] = f'{row[3]}, "第一"'
    _write_rows(jian_csv / "facts.csv", [header, *rows])
    assert b'"' in (jian_csv / "facts.csv").read_bytes()
    runner = CliRunner()
    args = ["assess", str(jian_csv), "--format", "jsonl", "--stream"]
    one, two = runner.invoke(main, args), runner.invoke(main, [*args, "-j", "2"])
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout
    assert "第一" in one.stdout  # the names are in the findings
    assert two.stderr == one.stderr  # no note: the file was cut


def test_cli_says_when_a_file_cannot_be_cut(jian_csv: Path) -> None:
    runner = CliRunner()
    args = ["assess", str(jian_csv), "--format", "jsonl", "-j", "2"]
    cut_up = runner.invoke(main, args)
    assert "cannot be cut" not in cut_up.stderr
    facts = jian_csv / "facts.csv"
    facts.write_bytes(_spoilt(facts.read_bytes(), "quote"))  # written with CRLF
    whole = runner.invoke(main, args)
    assert whole.exit_code == cut_up.exit_code == 1
    assert whole.stdout == cut_up.stdout  # the same findings
    assert whole.stderr.startswith(
        "note: facts.csv cannot be cut by bytes for several processes (a quoted cell holds a line"
    )
    in_zh = runner.invoke(main, [*args, "--lang", "zh"])
    assert in_zh.stdout == whole.stdout
    assert in_zh.stderr.startswith("注意:facts.csv 无法按字节切分给多个进程(带引号的单元格中有换行")


def test_cli_says_when_it_cannot_fork(jian_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    args = ["assess", str(jian_csv), "--format", "jsonl", "--stream"]
    one = runner.invoke(main, args)
    monkeypatch.setattr(minzheng._jobs, "fork_available", lambda: False)
    two = runner.invoke(main, [*args, "-j", "2"])
    assert two.exit_code == one.exit_code == 1
    assert two.stdout == one.stdout
    note = "note: several processes need fork(), which this platform lacks: assessed in one process"
    assert two.stderr == f"{note}\n{one.stderr}"
    in_zh = runner.invoke(main, [*args, "-j", "2", "--lang", "zh"])
    assert in_zh.stdout == one.stdout
    assert in_zh.stderr.startswith("注意:多进程需要 fork(),本平台不支持:已在一个进程中评估\n")


def test_cli_shows_other_warnings_as_warnings(
    jian_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write = Engine.write_jsonl

    def warning_too(self: Engine, *args: Any, **kwargs: Any) -> int:
        warnings.warn("something else", UserWarning, stacklevel=1)
        return write(self, *args, **kwargs)

    monkeypatch.setattr(Engine, "write_jsonl", warning_too)
    monkeypatch.setattr(minzheng._jobs, "fork_available", lambda: False)
    with pytest.warns(UserWarning, match="something else") as seen:  # passed on as a warning
        run = CliRunner().invoke(main, ["assess", str(jian_csv), "--format", "jsonl", "-j", "2"])
    assert run.exit_code == 1, run.output
    shown = [str(w.message) for w in seen if not isinstance(w.message, DeprecationWarning)]
    assert shown == ["something else"]  # once; the JobWarning a note
    assert run.stderr.startswith("note: several processes need fork()")


def test_cli_jobs_to_standard_output(jian_csv: Path) -> None:
    runner = CliRunner()
    one = runner.invoke(main, ["assess", str(jian_csv), "--format", "jsonl", "--stream"])
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
