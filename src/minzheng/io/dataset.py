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
import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from minzheng.errors import DatasetError, InputError, Problem
from minzheng.i18n import Msg, msg
from minzheng.io._atomic import replacing
from minzheng.io._builder import TOP_KEYS, DatasetBuilder
from minzheng.io.converter import structure
from minzheng.io.files import parse_json, parse_yaml, read_text
from minzheng.io.limits import check_file
from minzheng.model import (
    Indicator,
    Unit,
    Value,
)
from minzheng.model.dataset import Dataset
from minzheng.model.values import (
    ValueProblem,
    closest,
    dump_value,
    show,
)

__all__ = [
    "Dataset",
    "csv_cell",
    "dump_dataset",
    "load_dataset",
    "read_dataset",
    "unit_row",
    "write_dataset",
]

# --------------------------------------------------------------------------- loading


def indicators_installed() -> Mapping[str, Indicator]:
    from minzheng.packs.registry import Registry

    return Registry.discover().indicators


def load_dataset(path: str | Path, indicators: Mapping[str, Indicator] | None = None) -> Dataset:
    """Read and validate a dataset file (``.json``, ``.yaml``/``.yml``, CSV or ``.xlsx``).

    ``indicators`` are the indicators facts may name; by default those of every
    installed pack. Raises :class:`~minzheng.errors.DatasetError` listing every problem.
    """
    path = Path(path)
    known = indicators_installed() if indicators is None else indicators
    if path.is_dir() or path.suffix.lower() == ".csv":
        return _load_csv(path, known)
    if path.suffix.lower() == ".xlsx":
        check_file(path, "document", DatasetError)
        from minzheng.io.xlsx import read_workbook

        return read_workbook(path, known)
    if path.suffix.lower() not in (".json", ".yaml", ".yml"):
        raise DatasetError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    msg("expected.dataset_suffix"),
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
        data = (
            parse_json(text, label) if format == "json" else parse_yaml(text, label, aliases=False)
        )
    except InputError as exc:
        raise DatasetError(exc.problems) from None
    if not isinstance(data, Mapping) or not isinstance(data.get("units"), list):
        raise DatasetError(
            [
                Problem(
                    label,
                    None,
                    "units",
                    msg("expected.units_list"),
                    _kind_of(data),
                )
            ]
        )
    builder = DatasetBuilder(label, indicators)
    for key in set(data) - TOP_KEYS:
        builder.problem(
            (None, str(key)),
            msg("expected.top_field", fields=", ".join(sorted(TOP_KEYS))),
            repr(key),
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


def _meta(builder: DatasetBuilder, data: Mapping[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "", "note": "", "as_of": None}
    for key in ("name", "note"):
        value = data.get(key, "")
        if isinstance(value, str):
            meta[key] = value
        else:
            builder.problem((None, key), msg("expected.text"), repr(value))
    if data.get("as_of") is not None:
        try:
            meta["as_of"] = structure(data["as_of"], date)
        except ValueProblem as exc:
            builder.problem((None, "as_of"), exc.expected, show(exc.found))
    return meta


def csv_paths(path: Path) -> tuple[Path, Path]:
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
        check_file(path, "table", DatasetError)  # not a FIFO, not too large
        try:
            self._file = path.open(encoding="utf-8-sig", newline="")
            self._reader = csv.reader(self._file, strict=True)
            header = self.header = tuple(h.strip() for h in next(self._reader, ()))
        except FileNotFoundError:
            raise DatasetError([Problem.no_such_file(str(path))]) from None
        except IsADirectoryError:
            raise DatasetError(
                [Problem(str(path), None, None, msg("expected.a_file"), msg("found.directory"))]
            ) from None
        except UnicodeDecodeError:
            self._file.close()
            raise DatasetError([self._undecodable(1)]) from None
        missing = [c for c in required if c not in header]
        unknown = [c for c in header if columns is not None and c not in columns]
        if missing or unknown:
            self._file.close()
            expected = msg("expected.header", header=",".join(columns or required))
            raise DatasetError([self.bad_header(expected)])
        self.column = {name: i for i, name in enumerate(header)}
        self._first = 2  # the number of the first row after the header

    def bad_header(self, expected: str | Msg, hint: str | Msg = "") -> Problem:
        """The header is not what it should be: a problem naming row 1."""
        found = ",".join(self.header) or msg("found.no_header")
        return Problem(str(self.path), None, None, expected, found, hint, row=1)

    def _undecodable(self, row: int) -> Problem:
        # text is decoded a block at a time: the bad bytes are in this row or a later one
        return Problem(
            str(self.path),
            None,
            None,
            msg("expected.utf8"),
            msg("found.undecodable_below"),
            row=row,
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
                                    msg("expected.columns_count", count=width),
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
                [Problem(str(self.path), None, None, msg("expected.csv"), str(exc), row=number + 1)]
            ) from None

    def close(self) -> None:
        """Close the file without reading the rows."""
        self._file.close()


_UNIT_COLUMNS = ("code", "name", "level", "parent", "area", "type")
#: a level or an area by its name, as :class:`Level` and :class:`Area` take them
_FACT_COLUMNS = ("unit", "indicator", "period", "value")
#: A fact as a facts file gives it: row number, unit, indicator, period, value (``None``
#: for an empty period or value).
_FactRow = tuple[int, str, str, str | None, str | None]


class FactRows:
    """The values of a facts file, in either of its two forms, one by one.

    *Long* (header ``unit,indicator,period,value``, the period optional): a value a row.
    *Wide* (header ``unit``, optionally ``period``, then indicator ids): a unit (and
    period) a row, a value a column — the shape of a statistical table, and of the
    sheets of :mod:`minzheng.io.xlsx`. An empty cell is not known, as an empty ``value``
    is in the long form. A header in neither form, or naming an unknown indicator (with
    the closest known one), is a :class:`DatasetError` at once.

    Iterating gives ``_FactRow`` tuples, so a value is checked the same way, and its
    problem names the same row, unit and field, whichever form the file has.
    """

    EXPECTED = msg("expected.facts_header")

    def __init__(self, path: Path, indicators: Mapping[str, Indicator]) -> None:
        self._rows = rows = _CsvRows(path, None, ())
        header = rows.header
        self.wide = "indicator" not in header and "value" not in header
        if "unit" not in header or len(set(header)) != len(header):
            rows.close()
            twice = msg("hint.column_once") if "unit" in header else ""
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
                    Problem(
                        str(path),
                        None,
                        name,
                        msg("expected.known_indicator"),
                        repr(name),
                        hint,
                        row=1,
                    )
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


def read_units_csv(units_path: Path, builder: DatasetBuilder) -> None:
    """Add every row of ``units.csv`` to ``builder`` (problems collected, not raised)."""
    rows = _CsvRows(units_path, _UNIT_COLUMNS, ("code", "name", "level"))
    header = rows.header
    direct = header == _UNIT_COLUMNS  # else every row is read as a mapping
    for number, cells in rows:
        if not (direct and builder.add_unit_row(cells, number)):
            raw = {k: v for k, v in zip(header, cells, strict=True) if v != ""}
            builder.add_unit(raw, raw.get("code", f"row {number}"), row=number)
    builder.check_tree()


def unknown_unit(
    builder: DatasetBuilder, code: str, units: Mapping[str, Unit], units_name: str, row: int
) -> None:
    if builder.row_reported(code, row):
        return
    guess = closest(code, units)
    builder.problem(
        (code, "unit"),
        msg("expected.unit_listed", file=units_name),
        repr(code),
        msg("hint.did_you_mean", guess=guess) if guess else "",
        row=row,
    )


def _load_csv(path: Path, indicators: Mapping[str, Indicator]) -> Dataset:
    units_path, facts_path = csv_paths(path)
    units = DatasetBuilder(str(units_path), indicators)
    read_units_csv(units_path, units)
    facts = DatasetBuilder(str(facts_path), indicators)
    add_fact = facts.add_fact
    for number, code, indicator, period, value in FactRows(facts_path, indicators):
        if code not in units.units:
            unknown_unit(facts, code, units.units, units_path.name, number)
            continue
        add_fact(code, indicator, period, value, row=number)
    problems = units.problems + facts.problems
    if problems:
        raise DatasetError(problems)
    name, source = csv_name(facts_path)
    return Dataset(units=dict(units.units), facts=facts.facts, name=name, source=source)


def csv_name(facts_path: Path) -> tuple[str, str]:
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
        text = json.dumps(dump_dataset(dataset, indicators), ensure_ascii=False, indent=2) + "\n"
        with replacing(path) as partial:
            partial.write_text(text, "utf-8")
    elif path.suffix.lower() in (".yaml", ".yml"):
        text = yaml.safe_dump(
            dump_dataset(dataset, indicators), allow_unicode=True, sort_keys=False
        )
        with replacing(path) as partial:
            partial.write_text(text, "utf-8")
    else:
        units_path, facts_path = csv_paths(path)
        units_path.parent.mkdir(parents=True, exist_ok=True)
        with (
            replacing(units_path) as partial,
            partial.open("w", newline="", encoding="utf-8") as out,
        ):
            writer = csv.writer(out)
            writer.writerow(["code", "name", "level", "parent", "area", "type"])
            writer.writerows(unit_row(unit) for unit in dataset.units.values())
        with (
            replacing(facts_path) as partial,
            partial.open("w", newline="", encoding="utf-8") as out,
        ):
            writer = csv.writer(out)
            writer.writerow(["unit", "indicator", "period", "value"])
            # in unit code order: each county's facts together, as DatasetStream reads them
            for fact in sorted(dataset.iter_facts(), key=lambda f: f.unit):
                value = csv_cell(indicators[fact.indicator], fact.value)
                writer.writerow([fact.unit, fact.indicator, fact.period or "", value])
