"""Reading a CSV dataset county by county, for data too large to hold at once.

:class:`DatasetStream` reads ``units.csv`` whole, so the tree of units is checked first,
and then ``facts.csv`` block by block. A *block* is a county with the townships,
villages and facilities below it. When a block's facts are all in, its units are
yielded and its facts dropped; the facts of the units at county level and above stay,
because rules below them read standards set higher up and a city's rules read its
counties. The units above county level come last, when every county has been seen.

``minzheng validate`` checks a CSV dataset this way (:meth:`DatasetStream.check`):
memory then grows with the number of units (about 0.4 KiB each) and the largest block,
not with the facts. (The engine works by column: given a stream, it reads the stream's
files with :func:`minzheng.io.tables.read_tables`, in any order.)

What it needs of ``facts.csv``: the rows of one county's townships, villages and
facilities together, and the rows of a unit at county level or above before the
rows of the units below it have ended — which is how a file sorted by unit code, or
written by :func:`~minzheng.write_dataset`, is laid out. A file in another order is
an :class:`OrderError` (a :class:`~minzheng.DatasetError`) naming the row: sort it by
its first column, or load it whole (``validate`` then checks it whole).

A value that does not fit its indicator is found when its block is read; the stream
then yields nothing more, checks the rest of the file and raises one
:class:`~minzheng.DatasetError` with every problem.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Generator, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from minzheng.errors import DatasetError
from minzheng.io._builder import DatasetBuilder
from minzheng.io.dataset import (
    Dataset,
    FactRows,
    csv_name,
    csv_paths,
    indicators_installed,
    read_units_csv,
    unknown_unit,
)
from minzheng.io.limits import check_file
from minzheng.model import LEVEL_RANK, Indicator, Level, Unit, Value
from minzheng.model.values import period_end

__all__ = ["DatasetStream", "DroppedFactError", "OrderError"]

_COUNTY_RANK = Level.COUNTY.rank

#: unit code → indicator id → period → value
_Facts = dict[str, dict[str, dict[str | None, Value]]]


class OrderError(DatasetError):
    """``facts.csv`` is valid but not in the order a stream needs (its only problems):
    load it whole, or sort it by unit code."""


class DroppedFactError(LookupError):
    """A rule read the facts of a unit whose block the stream has already dropped.

    Only a rule above county level that reads below county level does this; the engine
    turns it into an ``error`` finding for that rule.
    """

    def __init__(self, code: str) -> None:
        super().__init__(
            f"the facts of unit {code} were dropped once its county was assessed: a rule "
            "above county level that reads below it needs the dataset loaded whole "
            "(minzheng.load_dataset, or by column with minzheng.io.tables.read_tables)"
        )
        self.code = code


class _StreamFacts(Mapping[str, Mapping[str, Mapping[str | None, Value]]]):
    """The facts a rule can see: those kept (county level and above) and the current
    block's. Asking for the facts of a unit in a block already dropped raises."""

    def __init__(self, block_of: Mapping[str, str | None], kept: set[str]) -> None:
        self.kept: _Facts = {}
        self.block: _Facts = {}
        self.done: set[str] = set()
        self._block_of = block_of
        #: the units whose facts are kept (county level and above): never dropped
        self.kept_codes = kept

    def get(self, code: str, default: Any = None) -> Any:
        found = self.block.get(code)
        if found is None:
            found = self.kept.get(code)
        if found is not None:
            return found
        key = self._block_of.get(code)
        if key is not None and key in self.done and code not in self.kept_codes:
            raise DroppedFactError(code)
        return default

    def __getitem__(self, code: str) -> Mapping[str, Mapping[str | None, Value]]:
        found = self.get(code)
        if found is None:
            raise KeyError(code)
        return found  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[str]:
        yield from self.kept
        yield from (code for code in self.block if code not in self.kept)

    def __len__(self) -> int:
        return len(self.kept) + sum(1 for code in self.block if code not in self.kept)


class DatasetStream:
    """A CSV dataset (a folder with ``units.csv`` and ``facts.csv``) read block by
    block as it is assessed. See the module documentation for what it needs of the
    file's order.

    Creating one reads and checks ``units.csv`` (raising
    :class:`~minzheng.DatasetError` with every problem); :meth:`blocks` reads
    ``facts.csv``. ``indicators`` are those facts may name (default: every installed
    pack's).
    """

    def __init__(self, path: str | Path, indicators: Mapping[str, Indicator] | None = None) -> None:
        path = Path(path)
        self.indicators = indicators_installed() if indicators is None else indicators
        self.units_path, self.facts_path = csv_paths(path)
        for file in (self.units_path, self.facts_path):
            check_file(file, "table", DatasetError)  # a regular file, not too large
        builder = DatasetBuilder(str(self.units_path), self.indicators)
        read_units_csv(self.units_path, builder)
        if builder.problems:
            raise DatasetError(builder.problems)
        units = builder.units
        #: unit code → its block (``None``: above county level, assessed last)
        self._block_of: dict[str, str | None] = {}
        self._blocks: dict[str, list[Unit]] = {}
        self._upper: list[Unit] = []
        block_of = self._block_of
        kept: set[str] = set()  # the units at county level and above
        for code, unit in units.items():
            below = LEVEL_RANK[unit.level] > _COUNTY_RANK
            if not below:
                kept.add(code)
            # the common case at once: a unit below county level whose parent, listed
            # before it, is in a block
            key = block_of.get(unit.parent, "") if below and unit.parent is not None else ""
            if key:
                block_of[code] = key
            else:
                key = self._key(unit, units)
            if key is None:
                self._upper.append(unit)
            else:
                self._blocks.setdefault(key, []).append(unit)
        self._facts = _StreamFacts(self._block_of, kept)
        name, source = csv_name(self.facts_path)
        #: The units, and the facts of the block being assessed (with those kept).
        self.dataset = Dataset(units=units, facts=self._facts, name=name, source=source)
        self._read = False
        #: How many values :meth:`blocks` has read (known once it has read them all).
        self.facts_read = 0
        #: Called with a block's key just before its units are yielded.
        self._order_problems = 0

    def _key(self, unit: Unit, units: Mapping[str, Unit]) -> str | None:
        """The block of a unit: its county (or, with no county above it, its highest
        ancestor below county level); ``None`` above county level."""
        found = self._block_of.get(unit.code, "")
        if found != "":
            return found
        rank = unit.level.rank
        if rank < _COUNTY_RANK:
            key = None
        elif rank == _COUNTY_RANK:
            key = unit.code
        else:
            parent = units.get(unit.parent) if unit.parent is not None else None
            above = self._key(parent, units) if parent is not None else None
            key = above if above is not None else unit.code
        self._block_of[unit.code] = key
        return key

    def __len__(self) -> int:
        return len(self.dataset.units)

    @property
    def name(self) -> str:
        return self.dataset.name

    @property
    def source(self) -> str:
        return self.dataset.source

    def latest_period_end(self) -> date | None:
        """The last day of the latest period in ``facts.csv`` (``None``: none dated).

        A quick pass over the file, for the default assessment date; give the date to
        the engine to skip it.
        """
        rows = FactRows(self.facts_path, self.indicators)
        period_at = rows.period_column
        rows.close()
        if period_at is None:
            return None
        periods = _periods(self.facts_path, period_at, rows.width)
        ends = []
        for period in periods:
            try:
                ends.append(period_end(period))
            except ValueError:
                continue  # reported when the facts are read
        return max(ends) if ends else None

    def blocks(self) -> Iterator[tuple[Unit, ...]]:
        """Read ``facts.csv`` and yield the units of each block once its facts are in
        (the units above county level last). Between two steps of the iteration,
        :attr:`dataset` holds the facts of the block just yielded and those kept."""
        if self._read:
            raise RuntimeError("a DatasetStream is read once; create another to read again")
        self._read = True
        facts = self._facts
        builder = DatasetBuilder(str(self.facts_path), self.indicators)
        #: the units (and their ancestors) whose blocks have been assessed
        settled: set[str] = set()
        current = yield from self._read_blocks(builder, settled)
        if builder.problems:
            only_order = len(builder.problems) == self._order_problems
            raise (OrderError if only_order else DatasetError)(builder.problems)
        self.facts_read += _count(facts.block) + _count(facts.kept)
        if current is not None:
            yield from self._end_block(current, settled)
        for key in self._blocks:
            if key not in facts.done:
                facts.block = {}
                yield from self._end_block(key, settled)
        facts.block = {}
        if self._upper:
            yield tuple(self._upper)

    def _read_blocks(
        self, builder: DatasetBuilder, settled: set[str]
    ) -> Generator[tuple[Unit, ...], None, str | None]:
        """Read every row, yielding each block as the next one begins; return the key
        of the last block (still open)."""
        facts, block_of, units = self._facts, self._block_of, self.dataset.units
        kept, add_fact = facts.kept_codes, builder.add_fact
        current: str | None = None
        failed = False
        for number, code, indicator, period, value in FactRows(self.facts_path, self.indicators):
            key = block_of.get(code, "")
            if key == "":
                unknown_unit(builder, code, units, self.units_path.name, number)
                continue
            if code in kept:
                if code in settled:
                    self._out_of_order(builder, code, number, "the units below it")
                    failed = True
                builder.facts = facts.kept
            else:
                if key != current:
                    failed = failed or bool(builder.problems)
                    if current is not None:  # only checking once failed: ends unassessed
                        yield from self._end_block(current, settled, skip=failed)
                    failed = self._begin_block(builder, key, code, number) or failed
                    current = key
                builder.facts = facts.block
            add_fact(code, indicator, period, value, row=number)
        return current

    def _begin_block(self, builder: DatasetBuilder, key: str | None, code: str, row: int) -> bool:
        """A new block's rows begin: whether it was already closed (out of order)."""
        facts = self._facts
        self.facts_read += _count(facts.block)
        facts.block = {}
        if key in facts.done:
            self._out_of_order(builder, code, row, f"county {key}")
            return True
        return False

    def check(self) -> int:
        """Read and check every fact without assessing anything (as ``minzheng validate``
        does); return how many values were read. Raises like :meth:`blocks`."""
        for _block in self.blocks():
            continue  # nothing to assess: reading the block is the check
        return self.facts_read

    def _end_block(
        self, key: str, settled: set[str], *, skip: bool = False
    ) -> Iterator[tuple[Unit, ...]]:
        """A block's facts are all in: yield its units to be assessed (unless ``skip``),
        then close it."""
        if not skip:
            yield tuple(self._blocks[key])
        self._close(key, settled)

    def _close(self, key: str, settled: set[str]) -> None:
        """A block is over: its facts are dropped, and later rows of it, or of the units
        above it, are out of order."""
        self._facts.done.add(key)
        for unit in (self.dataset.units[key], *self.dataset.ancestors(key)):
            settled.add(unit.code)

    def _out_of_order(self, builder: DatasetBuilder, code: str, row: int, what: str) -> None:
        if builder.row_reported(code, row):
            return
        self._order_problems += 1
        builder.problem(
            (code, "unit"),
            "the facts of each county's units together, and those of a unit at county "
            "level or above before the facts below it end (as in a file sorted by unit code)",
            f"a row after {what} had been assessed",
            "sort facts.csv by its first column, or load the dataset whole",
            row=row,
        )


def _count(table: _Facts) -> int:
    return sum(len(periods) for facts in table.values() for periods in facts.values())


def _chunks(source: BinaryIO, size: int = 1 << 22) -> Iterator[bytes]:
    """The rest of a binary file in pieces of whole lines, of about ``size`` bytes."""
    rest = b""
    for chunk in iter(functools.partial(source.read, size), b""):
        data = rest + chunk
        cut = data.rfind(b"\n") + 1
        if cut:
            yield data[:cut]
        rest = data[cut:]
    if rest:
        yield rest + b"\n"


def _periods(path: Path, column: int, width: int) -> set[str]:
    """The distinct cells of one column of a CSV file, read fast.

    Splits big pieces of the file at commas while every line has exactly ``width``
    cells and no quotes (the common case); otherwise reads it with :mod:`csv`.
    """
    found: set[bytes] = set()
    with path.open("rb") as source:
        source.readline()  # the header
        for body in _chunks(source):
            body = body.replace(b"\r\n", b"\n")
            if b'"' in body or body.count(b",") != (width - 1) * body.count(b"\n"):
                return _periods_csv(path, column)
            found.update(body.replace(b"\n", b",").split(b",")[column::width])
    return {c.decode("utf-8", "replace").strip() for c in found} - {""}


def _periods_csv(path: Path, column: int) -> set[str]:
    with path.open(encoding="utf-8-sig", newline="", errors="replace") as source:
        reader = csv.reader(source)
        next(reader, None)
        return {row[column].strip() for row in reader if len(row) > column} - {""}
