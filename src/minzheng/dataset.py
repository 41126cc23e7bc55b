"""Datasets: units and their facts, loaded from JSON, YAML or CSV and validated.

A dataset in JSON or YAML is a mapping::

    name: jian-2018                 # optional
    note: Figures are invented.     # optional: say where the figures come from
    as_of: 2018-12-31               # optional: the default assessment date
    units:
      - code: "360821101"
        name: 某某镇
        level: township             # province, prefecture, county, township, village, facility
        parent: "360821"            # optional when the code's own digits say it
        area: rural                 # optional: urban or rural
        type: town                  # optional: a finer kind that rules may select
        facts:
          registered_population: 23000          # an undated value
          office_staff: {2017: 2, 2018: 3}      # or a value per period

In CSV, a dataset is a folder with ``units.csv`` and ``facts.csv``, or a facts file of
any name with a ``units.csv`` beside it. ``units.csv`` has the columns
``code,name,level,parent,area,type``. The facts file is in long form,
``unit,indicator,period,value`` (a value a row), or in wide form, ``unit``, optionally
``period``, then one column per indicator id (a unit and period a row, as a statistical
table has them). An empty period is undated, an empty value or cell not known; a
checklist's items are separated by ``;``, and ``none`` means none of them.

Loading checks everything it can and reports every problem at once in a
:class:`~minzheng.errors.DatasetError`: malformed files, unknown indicators (with the
closest known one), values of the wrong type or out of range, ambiguous percentages,
duplicate codes, unknown parents, parent cycles, codes that do not fit their level or
their parent.
"""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from attrs import field, frozen

from ._files import parse_json, parse_yaml, read_text
from .converter import describe_error, structure
from .errors import DatasetError, InputError, Problem
from .models import (
    _RANK,
    Area,
    Fact,
    Indicator,
    InvalidField,
    Kind,
    Level,
    Unit,
    Value,
    check_code,
    natural_parent,
)
from .values import ValueProblem, closest, dump_value, parse_period, parse_value, period_end, show

__all__ = [
    "Dataset",
    "csv_cell",
    "dump_dataset",
    "load_dataset",
    "read_dataset",
    "unit_row",
    "write_dataset",
]

#: unit code → indicator id → period (``None``: undated) → value
FactTable = Mapping[str, Mapping[str, Mapping[str | None, Value]]]


@functools.lru_cache(maxsize=4096)
def _end(period: str) -> date:
    return period_end(period)


def _as_of(periods: Mapping[str | None, Value], on: date) -> tuple[str | None, Value] | None:
    """``(period, value)`` of one fact's values (period → value) as of ``on``: the
    latest period ending on or before it, else the undated value, else ``None``."""
    if len(periods) == 1:  # the common case
        [(period, value)] = periods.items()
        if period is None or _end(period) <= on:
            return period, value
        return None
    best: str | None = None
    best_end: date | None = None
    for period in periods:
        if period is None:
            continue
        end = _end(period)
        if end <= on and (best_end is None or end > best_end):
            best, best_end = period, end
    if best is not None:
        return best, periods[best]
    if None in periods:
        return None, periods[None]
    return None


@frozen
class Dataset:
    """Units (in file order) and their facts.

    Use :func:`load_dataset` to read one from a file; building one directly skips the
    file checks but not the models' own validation.
    """

    units: Mapping[str, Unit]
    facts: FactTable
    name: str = ""
    note: str = ""
    as_of: date | None = None
    source: str = ""
    _children: dict[str, tuple[Unit, ...]] = field(init=False, eq=False, repr=False)
    #: unit code → the unit and the units above it (filled as ancestors are asked for)
    _above: dict[str, tuple[Unit, ...]] = field(init=False, eq=False, repr=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        children: dict[str, list[Unit]] = {}
        for unit in self.units.values():
            if unit.parent is not None:
                children.setdefault(unit.parent, []).append(unit)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})

    def __len__(self) -> int:
        return len(self.units)

    def children(self, code: str) -> tuple[Unit, ...]:
        """The units whose parent is ``code``, in file order."""
        return self._children.get(code, ())

    def ancestors(self, code: str) -> tuple[Unit, ...]:
        """The units above ``code``, nearest first, as far as the dataset holds them."""
        parent = self.units[code].parent
        if parent is None or parent not in self.units:
            return ()
        found = self._above.get(parent)  # remembered for the units that have children
        if found is None:
            found = self._above[parent] = (self.units[parent], *self.ancestors(parent))
        return found

    def value_as_of(self, code: str, indicator: str, on: date) -> tuple[str | None, Value] | None:
        """``(period, value)`` of the latest period ending on or before ``on``.

        An undated value is used when no dated value qualifies; ``None`` when there is
        nothing to use.
        """
        periods = self.facts.get(code, {}).get(indicator)
        return _as_of(periods, on) if periods else None

    def series(self, code: str, indicator: str) -> dict[str, Value]:
        """Every dated value of one fact of one unit, oldest first."""
        periods = self.facts.get(code, {}).get(indicator, {})
        return {p: periods[p] for p in sorted((p for p in periods if p is not None), key=_end)}

    def iter_facts(self) -> Iterator[Fact]:
        """Every fact, unit by unit in file order."""
        for code in self.units:
            for indicator, periods in self.facts.get(code, {}).items():
                for period, value in periods.items():
                    yield Fact(code, indicator, period, value)

    def latest_period_end(self) -> date | None:
        """The last day of the latest period any fact has (``None``: no dated fact)."""
        ends = [_end(p) for table in self.facts.values() for ps in table.values() for p in ps if p]
        return max(ends) if ends else None


# --------------------------------------------------------------------------- loading

_UNIT_KEYS = {"code", "name", "level", "parent", "area", "type"}
_TOP_KEYS = {"name", "note", "as_of", "units"}


class _Builder:
    """Collects units and facts from any format, with every problem found on the way."""

    def __init__(self, label: str, indicators: Mapping[str, Indicator]) -> None:
        self.label = label
        self.indicators = indicators
        self.problems: list[Problem] = []
        self.units: dict[str, Unit] = {}
        self.facts: dict[str, dict[str, dict[str | None, Value]]] = {}
        #: period as written → canonical period, for the periods seen so far
        self._periods: dict[str, str] = {}
        #: Where in a workbook the values being read are (set by the Excel reader).
        self.sheet: str | None = None
        self.column: str | None = None

    def problem(
        self,
        unit: str | None,
        fld: str | None,
        expected: str,
        found: str,
        hint: str = "",
        row: int | None = None,
    ) -> None:
        self.problems.append(
            Problem(
                self.label,
                unit,
                fld,
                expected,
                found,
                hint,
                row=row,
                sheet=self.sheet,
                column=self.column,
            )
        )

    def row_reported(self, code: str, row: int, field: str = "unit") -> bool:
        """The last problem already says that this row's unit (or its period) is wrong:
        a wide row's other values need not say it again."""
        last = self.problems[-1] if self.problems else None
        return last is not None and last.row == row and last.unit == code and last.field == field

    def add_unit(self, raw: object, where: str, row: int | None = None) -> str | None:
        """Validate one unit's own fields; return its code when it is usable."""
        if not isinstance(raw, Mapping):
            self.problem(
                where, None, "a unit: a mapping with code, name and level", repr(raw), row=row
            )
            return None
        data = {k: v for k, v in raw.items() if k != "facts"}
        if isinstance(data.get("name"), str):
            data["name"] = data["name"].strip()
        for key in ("code", "parent"):  # YAML reads 360821 unquoted as a number
            if isinstance(data.get(key), int) and not isinstance(data.get(key), bool):
                data[key] = str(data[key])
        code = data.get("code")
        name = code if isinstance(code, str) and code else where
        try:
            level = structure(data.get("level"), Level) if "level" in data else None
        except ValueProblem:
            level = None  # reported with the other fields below
        if isinstance(code, str) and level is not None:
            problem = check_code(code, level)
            if problem:
                self.problem(name, "code", problem, repr(code), row=row)
                return None
        try:
            unit = structure(data, Unit)
        except Exception as exc:
            for fld, expected, found in describe_error(exc, data):
                self.problem(name, fld, expected, found, row=row)
            return None
        if unit.code in self.units:
            self.problem(unit.code, "code", "a code used by one unit only", "a duplicate", row=row)
            return None
        self.units[unit.code] = unit
        return unit.code

    def add_unit_row(self, cells: list[str], row: int) -> bool:
        """Add a well-formed ``units.csv`` row, its cells in the order of
        ``_UNIT_COLUMNS``, directly (the common case, fast); ``False``, having added
        nothing, when the row needs :meth:`add_unit`, which names its every problem."""
        code, name, level_text, parent, area_text, type_ = cells
        level = _LEVELS.get(level_text)
        area = _AREAS.get(area_text) if area_text else None
        if level is None or (area is None and area_text) or code in self.units:
            return False
        try:
            unit = Unit(code, name, level, parent or None, area, type_ or None)
        except (ValueError, InvalidField):
            return False
        self.units[code] = unit
        return True

    def known(self, code: str, indicator: str, row: int | None = None) -> Indicator | None:
        """The declared indicator, or ``None`` after reporting it unknown."""
        ind = self.indicators.get(indicator)
        if ind is None:
            guess = closest(indicator, self.indicators)
            hint = f"did you mean {guess!r}?" if guess else "no installed pack declares it"
            self.problem(code, indicator, "a known indicator", repr(indicator), hint, row=row)
        return ind

    def add_fact(
        self, code: str, indicator: str, period: object, raw: object, row: int | None = None
    ) -> None:
        """Validate and store one value (``period`` ``None``: undated)."""
        ind = self.indicators.get(indicator) or self.known(code, indicator, row)
        if ind is None:
            return
        key: str | None = None
        if period is not None:
            key = self._periods.get(period)  # type: ignore[call-overload]
            if key is None:
                key = self.period_key(code, indicator, period, row)
                if key is None:
                    return
        if raw is None:
            return  # not known: rules that need it report unknown
        try:
            value = parse_value(ind, raw)
        except ValueProblem as exc:
            fld = indicator if key is None else f"{indicator}[{key}]"
            self.problem(code, fld, exc.expected, show(exc.found), exc.hint, row=row)
            return
        periods = self.facts.setdefault(code, {}).setdefault(indicator, {})
        if periods and (key is None) != (None in periods):
            fld = indicator if key is None else f"{indicator}[{key}]"
            self.problem(
                code, fld, "values that all have a period, or one undated value", "a mix", row=row
            )
            return
        if key in periods:
            fld = indicator if key is None else f"{indicator}[{key}]"
            self.problem(code, fld, "one value per period", "a second value", row=row)
            return
        periods[key] = value

    def period_key(self, code: str, indicator: str, period: object, row: int | None) -> str | None:
        """The canonical form of a period (``2018``, ``2018-06``), or ``None`` once a
        period that is not one has been reported: under its indicator for a mapping's
        key, as the ``period`` column (once a row) for a table's."""
        try:
            key = parse_period(period)
        except ValueProblem as exc:
            if row is None:
                self.problem(code, indicator, exc.expected, show(exc.found))
            elif not self.row_reported(code, row, "period"):
                self.problem(code, "period", exc.expected, show(exc.found), row=row)
            return None
        if isinstance(period, str):
            self._periods[period] = key
        return key

    def add_facts(self, code: str, raw: object) -> None:
        if raw is None:
            return
        if not isinstance(raw, Mapping):
            self.problem(code, "facts", "a mapping from indicator to value", repr(raw))
            return
        for indicator, value in raw.items():
            if isinstance(value, Mapping) and self.known(code, str(indicator)) is None:
                continue  # reported once, not once per period
            if isinstance(value, Mapping) and not self._is_score_sheet(str(indicator), value):
                for period, item in value.items():
                    self.add_fact(code, str(indicator), period, item)
            else:
                self.add_fact(code, str(indicator), None, value)

    def _is_score_sheet(self, indicator: str, value: Mapping[Any, Any]) -> bool:
        """A mapping is a score sheet (one undated value) rather than values by period
        when the indicator takes scores and its keys are not all periods."""
        ind = self.indicators.get(indicator)
        if ind is None or ind.kind is not Kind.SCORES:
            return False
        return not all(_is_period(k) for k in value)

    def check_tree(self) -> None:
        """Parents exist, form no cycle, sit above their children and prefix their codes."""
        units = self.units
        for code, unit in units.items():  # a value replaced, none added: safe to go on
            if unit.parent is None:
                inferred = _infer_parent(code, unit.level, units)
                if inferred:
                    units[code] = Unit(code, unit.name, unit.level, inferred, unit.area, unit.type)
            elif unit.parent not in units:
                guess = closest(unit.parent, units)
                self.problem(
                    code,
                    "parent",
                    "the code of a unit in this dataset",
                    repr(unit.parent),
                    f"did you mean {guess!r}?" if guess else "",
                )
        reported: set[str] = set()
        ends: set[str] = set()  # units whose chain of parents is known to end
        for code, unit in units.items():
            parent = unit.parent
            if parent is None or parent in ends:  # the common case: a parent seen before
                ends.add(code)
                continue
            chain = [code]
            while (
                parent is not None
                and parent not in ends
                and parent in units
                and parent not in chain
            ):
                chain.append(parent)
                parent = units[parent].parent
            if parent is not None and parent in chain and not reported & set(chain):
                cycle = " → ".join([*chain[chain.index(parent) :], parent])
                self.problem(code, "parent", "a chain of parents that ends", f"a cycle: {cycle}")
                reported.update(chain)
            elif parent is None or parent in ends or parent not in units:
                ends.update(chain)
        for code, unit in units.items():
            parent = unit.parent
            above = units.get(parent) if parent is not None else None
            if above is None or code in reported:
                continue
            level = unit.level
            if _RANK[above.level] >= _RANK[level]:
                self.problem(
                    code,
                    "parent",
                    f"a unit above the {level.value} level",
                    f"{above.code} at the {above.level.value} level",
                )
            elif not _prefixed(code, level, above.code):
                self.problem(
                    code,
                    "parent",
                    f"a parent whose code is the start of {code!r}",
                    repr(above.code),
                    "a unit's code starts with its parent's code",
                )

    def build(self, *, name: str, note: str, as_of: date | None) -> Dataset:
        self.check_tree()
        if self.problems:
            raise DatasetError(self.problems)
        return Dataset(
            units=dict(self.units),
            facts=self.facts,
            name=name,
            note=note,
            as_of=as_of,
            source=self.label,
        )


def _is_period(key: object) -> bool:
    try:
        parse_period(key)
    except ValueProblem:
        return False
    return True


def _prefixed(code: str, level: Level, parent: str) -> bool:
    if level is Level.FACILITY:
        return code.split("-", 1)[0] == parent
    return code.startswith(parent)


def _infer_parent(code: str, level: Level, units: Mapping[str, Unit]) -> str | None:
    """The nearest unit present whose code the unit's code begins with."""
    candidate = natural_parent(code, level)
    while candidate:
        if candidate in units and candidate != code:
            return candidate
        candidate = {9: candidate[:6], 6: candidate[:4], 4: candidate[:2]}.get(len(candidate))
    return None


def _indicators_installed() -> Mapping[str, Indicator]:
    from .plugins import Registry

    return Registry.discover().indicators


def load_dataset(path: str | Path, indicators: Mapping[str, Indicator] | None = None) -> Dataset:
    """Read and validate a dataset file (``.json``, ``.yaml``/``.yml``, CSV or ``.xlsx``).

    ``indicators`` are the indicators facts may name; by default those of every
    installed pack. Raises :class:`~minzheng.errors.DatasetError` listing every problem.
    """
    path = Path(path)
    known = _indicators_installed() if indicators is None else indicators
    if path.is_dir() or path.suffix.lower() == ".csv":
        return _load_csv(path, known)
    if path.suffix.lower() == ".xlsx":
        if not path.exists():
            raise DatasetError([Problem(str(path), None, None, "an existing file", "no such file")])
        from .excel import read_workbook

        return read_workbook(path, known)
    if path.suffix.lower() not in (".json", ".yaml", ".yml"):
        raise DatasetError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    "a .json, .yaml, .yml, .csv or .xlsx file, or a CSV folder",
                    repr(path.suffix or path.name),
                )
            ]
        )
    try:
        text = read_text(path)
    except InputError as exc:
        raise DatasetError(exc.problems) from None
    return read_dataset(
        text, "json" if path.suffix.lower() == ".json" else "yaml", known, label=str(path)
    )


def read_dataset(
    text: str, format: str, indicators: Mapping[str, Indicator], *, label: str = "<string>"
) -> Dataset:
    """Read a dataset from JSON or YAML text (``format`` is ``"json"`` or ``"yaml"``)."""
    try:
        data = parse_json(text, label) if format == "json" else parse_yaml(text, label)
    except InputError as exc:
        raise DatasetError(exc.problems) from None
    if not isinstance(data, Mapping) or not isinstance(data.get("units"), list):
        raise DatasetError(
            [
                Problem(
                    label,
                    None,
                    "units",
                    "a mapping with a list of units under 'units'",
                    _kind_of(data),
                )
            ]
        )
    builder = _Builder(label, indicators)
    for key in set(data) - _TOP_KEYS:
        builder.problem(
            None, str(key), f"one of the top-level fields {', '.join(sorted(_TOP_KEYS))}", repr(key)
        )
    meta = _meta(builder, data)
    for index, raw in enumerate(data["units"]):
        code = builder.add_unit(raw, f"#{index + 1}")
        if code is not None and isinstance(raw, Mapping):
            builder.add_facts(code, raw.get("facts"))
    return builder.build(**meta)


def _kind_of(data: object) -> str:
    if isinstance(data, Mapping):
        return "a mapping without a 'units' list"
    return "nothing" if data is None else f"a {type(data).__name__}"


def _meta(builder: _Builder, data: Mapping[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "", "note": "", "as_of": None}
    for key in ("name", "note"):
        value = data.get(key, "")
        if isinstance(value, str):
            meta[key] = value
        else:
            builder.problem(None, key, "text", repr(value))
    if data.get("as_of") is not None:
        try:
            meta["as_of"] = structure(data["as_of"], date)
        except ValueProblem as exc:
            builder.problem(None, "as_of", exc.expected, show(exc.found))
    return meta


def _csv_paths(path: Path) -> tuple[Path, Path]:
    """``units.csv`` and the facts file of a CSV dataset given as ``path``.

    ``path`` is the folder (its ``units.csv`` and ``facts.csv``), its ``units.csv``, or
    a facts file of any name with ``units.csv`` beside it — so a sorted copy,
    ``sorted.csv``, is read as itself and not as the ``facts.csv`` next to it.
    """
    if path.is_dir() or path.suffix.lower() != ".csv":
        return path / "units.csv", path / "facts.csv"
    if path.name == "units.csv":
        return path, path.parent / "facts.csv"
    return path.parent / "units.csv", path


class _CsvRows:
    """The rows of one CSV file, read as they are needed (the header is checked at once).

    ``column[name]`` is the position of a column; iterating gives ``(row number, cells)``
    with each cell stripped and blank lines skipped. A row of the wrong width or bytes
    that are not UTF-8 raise :class:`DatasetError` naming the file and the row.
    """

    def __init__(
        self, path: Path, columns: tuple[str, ...] | None, required: tuple[str, ...]
    ) -> None:
        """``columns``: the columns the header may have (``None``: any, checked by the
        caller); ``required``: those it must have."""
        self.path = path
        try:
            self._file = path.open(encoding="utf-8-sig", newline="")
            self._reader = csv.reader(self._file, strict=True)
            header = self.header = tuple(h.strip() for h in next(self._reader, ()))
        except FileNotFoundError:
            raise DatasetError(
                [Problem(str(path), None, None, "an existing file", "no such file")]
            ) from None
        except IsADirectoryError:
            raise DatasetError([Problem(str(path), None, None, "a file", "a directory")]) from None
        except UnicodeDecodeError:
            self._file.close()
            raise DatasetError([self._undecodable(1)]) from None
        missing = [c for c in required if c not in header]
        unknown = [c for c in header if columns is not None and c not in columns]
        if missing or unknown:
            self._file.close()
            expected = f"the header {','.join(columns or required)}"
            raise DatasetError([self.bad_header(expected)])
        self.column = {name: i for i, name in enumerate(header)}
        self._first = 2  # the number of the first row after the header

    def bad_header(self, expected: str, hint: str = "") -> Problem:
        """The header is not what it should be: a problem naming row 1."""
        found = ",".join(self.header) or "no header"
        return Problem(str(self.path), None, None, expected, found, hint, row=1)

    def _undecodable(self, row: int) -> Problem:
        # text is decoded a block at a time: the bad bytes are in this row or a later one
        return Problem(
            str(self.path), None, None, "UTF-8 text", "undecodable bytes here or below", row=row
        )

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        width = len(self.header)
        number = self._first - 1
        strip = str.strip
        try:
            with self._file:
                for number, row in enumerate(self._reader, start=self._first):
                    if len(row) != width:
                        if not row:  # a blank line
                            continue
                        raise DatasetError(
                            [
                                Problem(
                                    str(self.path),
                                    None,
                                    None,
                                    f"{width} columns",
                                    str(len(row)),
                                    row=number,
                                )
                            ]
                        )
                    yield number, list(map(strip, row))
        except UnicodeDecodeError:
            raise DatasetError([self._undecodable(number + 1)]) from None
        except csv.Error as exc:
            raise DatasetError(
                [Problem(str(self.path), None, None, "well-formed CSV", str(exc), row=number + 1)]
            ) from None

    def close(self) -> None:
        """Close the file without reading the rows."""
        self._file.close()


_UNIT_COLUMNS = ("code", "name", "level", "parent", "area", "type")
#: a level or an area by its name, as :class:`Level` and :class:`Area` take them
_LEVELS: dict[str, Level] = {level.value: level for level in Level}
_AREAS: dict[str, Area] = {area.value: area for area in Area}
_FACT_COLUMNS = ("unit", "indicator", "period", "value")
#: A fact as a facts file gives it: row number, unit, indicator, period, value (``None``
#: for an empty period or value).
_FactRow = tuple[int, str, str, str | None, str | None]


class _FactRows:
    """The values of a facts file, in either of its two forms, one by one.

    *Long* (header ``unit,indicator,period,value``, the period optional): a value a row.
    *Wide* (header ``unit``, optionally ``period``, then indicator ids): a unit (and
    period) a row, a value a column — the shape of a statistical table, and of the
    sheets of :mod:`minzheng.excel`. An empty cell is not known, as an empty ``value``
    is in the long form. A header in neither form, or naming an unknown indicator (with
    the closest known one), is a :class:`DatasetError` at once.

    Iterating gives ``_FactRow`` tuples, so a value is checked the same way, and its
    problem names the same row, unit and field, whichever form the file has.
    """

    EXPECTED = (
        "the header unit,indicator,period,value (a value a row) "
        "or unit[,period] and indicator ids (a value a column)"
    )

    def __init__(self, path: Path, indicators: Mapping[str, Indicator]) -> None:
        self._rows = rows = _CsvRows(path, None, ())
        header = rows.header
        self.wide = "indicator" not in header and "value" not in header
        if "unit" not in header or len(set(header)) != len(header):
            rows.close()
            twice = "each column named once" if "unit" in header else ""
            raise DatasetError([rows.bad_header(self.EXPECTED, twice)])
        unit_at, period_at = rows.column["unit"], rows.column.get("period")
        if not self.wide:
            if not {"indicator", "value"} <= set(header) or not set(header) <= set(_FACT_COLUMNS):
                rows.close()
                raise DatasetError([rows.bad_header(self.EXPECTED)])
            self._long = (unit_at, rows.column["indicator"], period_at, rows.column["value"])
            return
        problems = []
        self._columns: list[tuple[int, str]] = []
        for at, name in enumerate(header):
            if name in ("unit", "period"):
                continue
            if name not in indicators:
                guess = closest(name, indicators)
                hint = f"did you mean {guess!r}?" if guess else self.EXPECTED
                problems.append(
                    Problem(str(path), None, name, "a known indicator", repr(name), hint, row=1)
                )
            self._columns.append((at, name))
        if problems or not self._columns:
            rows.close()
            raise DatasetError(problems or [rows.bad_header(self.EXPECTED)])
        self._unit_at, self._period_at = unit_at, period_at

    @property
    def period_column(self) -> int | None:
        """Where the period is in each row (``None``: every value is undated)."""
        return self._rows.column.get("period")

    @property
    def width(self) -> int:
        return len(self._rows.header)

    def close(self) -> None:
        self._rows.close()

    @property
    def unit_column(self) -> int:
        """Where the unit's code is in each row."""
        return self._rows.column["unit"]

    def __iter__(self) -> Iterator[_FactRow]:
        return self.values(self._rows)

    def values(self, rows: Iterable[tuple[int, list[str]]]) -> Iterator[_FactRow]:
        """The values in ``rows`` (row number and stripped cells, as :class:`_CsvRows`
        gives them) of a file with this one's header."""
        if not self.wide:
            unit_at, indicator_at, period_at, value_at = self._long
            if period_at is None:
                for number, row in rows:
                    yield number, row[unit_at], row[indicator_at], None, row[value_at] or None
            else:
                for number, row in rows:
                    yield (number, row[unit_at], row[indicator_at], row[period_at] or None,
                           row[value_at] or None)  # fmt: skip
            return
        unit_at, period_at, columns = self._unit_at, self._period_at, self._columns
        for number, row in rows:
            code = row[unit_at]
            period = (row[period_at] or None) if period_at is not None else None
            for at, indicator in columns:
                value = row[at]
                if value:
                    yield number, code, indicator, period, value


def _read_units_csv(units_path: Path, builder: _Builder) -> None:
    """Add every row of ``units.csv`` to ``builder`` (problems collected, not raised)."""
    rows = _CsvRows(units_path, _UNIT_COLUMNS, ("code", "name", "level"))
    header = rows.header
    direct = header == _UNIT_COLUMNS  # else every row is read as a mapping
    for number, cells in rows:
        if not (direct and builder.add_unit_row(cells, number)):
            raw = {k: v for k, v in zip(header, cells, strict=True) if v != ""}
            builder.add_unit(raw, raw.get("code", f"row {number}"), row=number)
    builder.check_tree()


def _unknown_unit(
    builder: _Builder, code: str, units: Mapping[str, Unit], units_name: str, row: int
) -> None:
    if builder.row_reported(code, row):
        return
    guess = closest(code, units)
    builder.problem(
        code,
        "unit",
        f"a unit listed in {units_name}",
        repr(code),
        f"did you mean {guess!r}?" if guess else "",
        row=row,
    )


def _load_csv(path: Path, indicators: Mapping[str, Indicator]) -> Dataset:
    units_path, facts_path = _csv_paths(path)
    units = _Builder(str(units_path), indicators)
    _read_units_csv(units_path, units)
    facts = _Builder(str(facts_path), indicators)
    add_fact = facts.add_fact
    for number, code, indicator, period, value in _FactRows(facts_path, indicators):
        if code not in units.units:
            _unknown_unit(facts, code, units.units, units_path.name, number)
            continue
        add_fact(code, indicator, period, value, row=number)
    problems = units.problems + facts.problems
    if problems:
        raise DatasetError(problems)
    name, source = _csv_name(facts_path)
    return Dataset(units=dict(units.units), facts=facts.facts, name=name, source=source)


def _csv_name(facts_path: Path) -> tuple[str, str]:
    """A CSV dataset's name and source: its folder's, or, for a facts file of its own
    name (``2018.csv``), that file's, so two tables side by side are told apart."""
    if facts_path.name == "facts.csv":
        return facts_path.parent.name, str(facts_path.parent)
    return facts_path.stem, str(facts_path)


# --------------------------------------------------------------------------- writing


def unit_row(unit: Unit) -> list[str]:
    """A unit as a row of ``units.csv`` (``code,name,level,parent,area,type``)."""
    return [
        unit.code,
        unit.name,
        unit.level.value,
        unit.parent or "",
        unit.area or "",
        unit.type or "",
    ]


def csv_cell(indicator: Indicator, value: Value) -> str:
    """A value as the ``value`` cell of ``facts.csv``, which loading reads back.

    Checklists are joined with ``;`` and scores written ``item=points; …`` (``none``
    for none: an empty cell means "not known"); flags are ``yes``/``no``.
    """
    plain = dump_value(indicator, value)
    if isinstance(plain, list):
        return ";".join(plain) or "none"
    if isinstance(plain, dict):
        return "; ".join(f"{k}={v}" for k, v in plain.items()) or "none"
    if isinstance(plain, bool):
        return "yes" if plain else "no"
    return str(plain)


def dump_dataset(dataset: Dataset, indicators: Mapping[str, Indicator]) -> dict[str, Any]:
    """The dataset as plain data that :func:`read_dataset` reads back to an equal one."""
    data: dict[str, Any] = {}
    if dataset.name:
        data["name"] = dataset.name
    if dataset.note:
        data["note"] = dataset.note
    if dataset.as_of:
        data["as_of"] = dataset.as_of.isoformat()
    units = []
    for code, unit in dataset.units.items():
        raw: dict[str, Any] = {"code": code, "name": unit.name, "level": unit.level.value}
        for key in ("parent", "area", "type"):
            value = getattr(unit, key)
            if value is not None:
                raw[key] = str(value)
        facts: dict[str, Any] = {}
        for indicator, periods in dataset.facts.get(code, {}).items():
            ind = indicators[indicator]
            if None in periods:  # the loader keeps an undated value alone
                facts[indicator] = dump_value(ind, periods[None])
            else:
                facts[indicator] = {p: dump_value(ind, v) for p, v in periods.items()}
        if facts:
            raw["facts"] = facts
        units.append(raw)
    data["units"] = units
    return data


def write_dataset(dataset: Dataset, path: str | Path, indicators: Mapping[str, Indicator]) -> None:
    """Write a dataset as JSON or YAML (by suffix), else as CSV: ``units.csv`` and
    ``facts.csv`` in the folder ``path``, or, for a ``.csv`` path, the facts in that file
    and ``units.csv`` beside it (what :func:`load_dataset` reads back from the same path).

    ``facts.csv`` is written in unit code order, each county's facts together, which
    is the order :class:`~minzheng.DatasetStream` reads.
    """
    path = Path(path)
    if path.suffix.lower() == ".json":
        path.write_text(
            json.dumps(dump_dataset(dataset, indicators), ensure_ascii=False, indent=2) + "\n",
            "utf-8",
        )
    elif path.suffix.lower() in (".yaml", ".yml"):
        text = yaml.safe_dump(
            dump_dataset(dataset, indicators), allow_unicode=True, sort_keys=False
        )
        path.write_text(text, "utf-8")
    else:
        units_path, facts_path = _csv_paths(path)
        units_path.parent.mkdir(parents=True, exist_ok=True)
        with units_path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["code", "name", "level", "parent", "area", "type"])
            writer.writerows(unit_row(unit) for unit in dataset.units.values())
        with facts_path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["unit", "indicator", "period", "value"])
            # in unit code order: each county's facts together, as DatasetStream reads them
            for fact in sorted(dataset.iter_facts(), key=lambda f: f.unit):
                value = csv_cell(indicators[fact.indicator], fact.value)
                writer.writerow([fact.unit, fact.indicator, fact.period or "", value])
