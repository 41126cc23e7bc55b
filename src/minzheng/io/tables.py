"""A dataset as two typed tables: units and facts (polars DataFrames).

The columnar engine (:mod:`minzheng.engine`) works on these tables, never on one Python
object per unit or fact. :func:`read_tables` reads any dataset the core reads — YAML,
JSON, XLSX, a CSV folder (long or wide facts) — and Parquet:

* CSV and Parquet are read by polars' own readers and checked by column. Whatever the
  column checks cannot settle at once — a value written in an unusual way (``"23,000"``,
  ``"0.5‰"`` for a ``%`` indicator), a period such as ``2018-6-30`` — is read by the
  same code as the other formats, for those rows only.
* When anything is wrong, the file is read again by :func:`minzheng.load_dataset`'s
  checks (for Parquet, by the same checks over its rows), so every problem is reported
  with the same message as in any other format: file, row, unit, field, what was
  expected and what was found, "did you mean" for a misspelt indicator. Nothing is
  skipped: an unclosed quote, a value that does not parse, a second value for one period
  are errors naming where they are.
* YAML, JSON and XLSX are read by :func:`minzheng.load_dataset` and turned into tables.

The tables (:class:`Tables`):

``units``
    one row per unit, in file order: ``idx`` (its position, ``UInt32``), ``code``,
    ``name``, ``level``, ``parent``, ``area``, ``type`` (text; empty ones null) and
    ``ancestors`` (the codes of the units above it in the dataset, nearest first).
``facts``
    one row per value: ``unit``, ``indicator``, ``period`` (``"2018"``,
    ``"2018-06-30"`` or null for an undated value), ``end`` (the period's last day, a
    ``Date``), ``value`` — the value in its one canonical text: a number exactly as
    Python's ``Decimal`` prints it (``"86787.00"``), a rate in its indicator's declared
    measure without its sign, ``"true"``/``"false"`` for a flag, a checklist's item ids
    sorted and joined by ``;``, a score sheet as ``item=points;…``, free text as is.
    The engine casts each indicator's values to their type (an exact ``Decimal``
    column for numbers) when a rule reads them.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import frozen

from minzheng.errors import DatasetError, Problem
from minzheng.i18n import msg
from minzheng.io.dataset import Dataset, csv_name, csv_paths, load_dataset
from minzheng.io.limits import check_file
from minzheng.model import Area, Indicator, Level, Unit, Value
from minzheng.model.values import (
    ValueProblem,
    parse_period,
    parse_value,
    period_end,
    value_of_text,
    value_text,
)

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "Blocks",
    "Doubt",
    "Origin",
    "Tables",
    "dataset_from_tables",
    "parquet_paths",
    "read_blocks",
    "read_tables",
    "tables_from_dataset",
    "tables_from_frames",
    "units_of",
]

_LEVELS = [level.value for level in Level]
_UNIT_TEXT = ("code", "name", "level", "parent", "area", "type")
_FACT_TEXT = ("unit", "indicator", "period", "value")

#: What Python's ``str.strip`` removes (the row reader's), which polars' default does
#: not all remove (the information separators U+001C to U+001F).
_SPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


@frozen
class Tables:
    """A dataset as a units table and a facts table (see the module's docstring)."""

    units: pl.DataFrame
    facts: pl.DataFrame
    name: str = ""
    source: str = ""
    as_of: date | None = None

    def __len__(self) -> int:
        return self.units.height

    def latest_period_end(self) -> date | None:
        """The last day of the latest period any fact has (``None``: no dated fact)."""
        end = self.facts.get_column("end").max()
        return end if isinstance(end, date) else None


def _units_frame(units: Iterable[Unit]) -> pl.DataFrame:
    import polars as pl

    rows = [
        (u.code, u.name, u.level.value, u.parent, u.area and u.area.value, u.type) for u in units
    ]
    frame = pl.DataFrame(rows, schema=dict.fromkeys(_UNIT_TEXT, pl.String), orient="row")
    return _with_ancestors(frame)


def _with_ancestors(units: pl.DataFrame) -> pl.DataFrame:
    """``idx`` and ``ancestors`` (nearest first, as far as the table holds them) added
    to units whose parents are in the table or null: the chain of parents followed by
    index, one gather a level."""
    import polars as pl

    units = units.with_row_index("idx")
    index = units.select(pl.col("code").alias("parent"), pl.col("idx").alias("_up"))
    up = units.join(index, on="parent", how="left", maintain_order="left").get_column("_up")
    chain = [up]
    while len(chain) <= len(_LEVELS) and chain[-1].null_count() < units.height:
        last = chain[-1]
        chain.append(up.gather(last.fill_null(0)).set(last.is_null(), None))
    codes = units.get_column("code")
    above = [codes.gather(step.fill_null(0)).set(step.is_null(), None) for step in chain]
    ancestors = pl.select(pl.concat_list(above).list.drop_nulls().alias("ancestors"))
    return units.with_columns(ancestors.to_series()).select("idx", *_UNIT_TEXT, "ancestors")


def _facts_frame(rows: list[tuple[str, str, str | None, str]]) -> pl.DataFrame:
    import polars as pl

    frame = pl.DataFrame(rows, schema=dict.fromkeys(_FACT_TEXT, pl.String), orient="row")
    return _with_end(frame)


def _with_end(facts: pl.DataFrame) -> pl.DataFrame:
    """``end``, the last day of each fact's period, after ``period``."""
    import polars as pl

    period = pl.col("period")
    end = (
        pl.when(period.str.len_bytes() == 4)
        .then(pl.concat_str(period, pl.lit("-12-31")))
        .otherwise(period)
        .str.to_date("%Y-%m-%d", strict=True)
    )
    return facts.with_columns(end.alias("end")).select(
        "unit", "indicator", "period", "end", "value"
    )


def tables_from_dataset(dataset: Dataset, indicators: Mapping[str, Indicator]) -> Tables:
    """The tables of a :class:`~minzheng.Dataset` read by :func:`minzheng.load_dataset`."""
    rows = [
        (code, indicator, period, value_text(indicators[indicator], value))
        if indicator in indicators
        else (code, indicator, period, str(value))
        for code, table in dataset.facts.items()
        for indicator, periods in table.items()
        for period, value in periods.items()
    ]
    return Tables(
        units=_units_frame(dataset.units.values()),
        facts=_facts_frame(rows),
        name=dataset.name,
        source=dataset.source,
        as_of=dataset.as_of,
    )


def units_of(units: pl.DataFrame) -> dict[str, Unit]:
    """The units of a units table as :class:`~minzheng.Unit` objects, by code."""
    return {
        code: Unit(code, name, Level(level), parent, area and Area(area), type_)
        for code, name, level, parent, area, type_ in units.select(_UNIT_TEXT).iter_rows()
    }


def dataset_from_tables(
    tables: Tables, indicators: Mapping[str, Indicator], only: Iterable[str] | None = None
) -> Dataset:
    """The tables as a :class:`~minzheng.Dataset` of Python values (every unit; the
    facts of ``only`` these indicators, or all): for the HTML and XLSX reports, which
    show the units, and for targets."""
    import polars as pl

    facts: dict[str, dict[str, dict[str | None, Value]]] = {}
    rows = tables.facts
    if only is not None:
        rows = rows.filter(pl.col("indicator").is_in(sorted(set(only))))
    for code, indicator, period, text in rows.select(_FACT_TEXT).iter_rows():
        value = value_of_text(indicators[indicator], text) if indicator in indicators else text
        facts.setdefault(code, {}).setdefault(indicator, {})[period] = value
    return Dataset(
        units=units_of(tables.units), facts=facts, name=tables.name, source=tables.source,
        as_of=tables.as_of,
    )  # fmt: skip


def read_tables(path: str | Path, indicators: Mapping[str, Indicator]) -> Tables:
    """Read and check a dataset as tables (see the module's docstring).

    ``path`` is a CSV folder or file, a Parquet folder (``units.parquet`` and
    ``facts.parquet``) or file, or a ``.yaml``, ``.yml``, ``.json`` or ``.xlsx`` file.
    Raises :class:`~minzheng.DatasetError` naming every problem.
    """
    path = Path(path)
    if _is_parquet(path):
        return _read_parquet(path, indicators)
    if path.is_dir() or path.suffix.lower() == ".csv":
        return _read_csv(path, indicators)
    return tables_from_dataset(load_dataset(path, indicators), indicators)


# --------------------------------------------------------------------------- CSV


def _read_csv(path: Path, indicators: Mapping[str, Indicator]) -> Tables:
    """CSV by polars, checked by column; the Python reader on any doubt, for messages."""
    units_path, facts_path = csv_paths(path)
    _check_files(units_path, facts_path)
    name, source = csv_name(facts_path)
    units = _read_csv_frame(units_path)
    facts = _read_csv_frame(facts_path)
    if units is None or facts is None or not _is_units_header(units):
        return _slow(path, indicators)
    facts = _long_facts(facts, indicators)
    if facts is None:
        return _slow(path, indicators)
    tables = _checked(units, facts, indicators, name=name, source=source)
    return tables if tables is not None else _slow(path, indicators)


def _check_files(*paths: Path) -> None:
    """Refuse a file of the dataset that is not a regular file or is too large, before
    polars reads it (a missing one is named by the row reader)."""
    for path in paths:
        if path.exists() or path.is_symlink():
            check_file(path, "table", DatasetError)


def _slow(path: Path, indicators: Mapping[str, Indicator]) -> Tables:
    """The dataset read by :func:`minzheng.load_dataset`, which names every problem."""
    return tables_from_dataset(load_dataset(path, indicators), indicators)


def _read_csv_frame(path: Path) -> pl.DataFrame | None:
    """Every cell of a CSV file as text (an empty cell null) with ``row``, the record's
    number (the header is row 1); ``None`` when polars cannot read it (an unclosed or
    stray quote, bytes that are not UTF-8: the row-by-row reader then says where).

    Cells are not stripped here: a code or an indicator with spaces around it is not
    found, and the file is read row by row; a value with spaces is parsed on its own."""
    import polars as pl

    if not path.is_file():
        return None
    try:
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8")
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError):
        return None
    return frame.rename(
        {c: c.strip().removeprefix("\ufeff") for c in frame.columns}
    ).with_row_index("row", offset=2)


def _is_units_header(units: pl.DataFrame) -> bool:
    columns = [c for c in units.columns if c != "row"]
    return {"code", "name", "level"} <= set(columns) <= set(_UNIT_TEXT) and len(
        set(columns)
    ) == len(columns)


def _long_facts(facts: pl.DataFrame, indicators: Mapping[str, Indicator]) -> pl.DataFrame | None:
    """Facts in the long layout (``unit, indicator, period, value, row``), from either
    layout; ``None`` for a header in neither (the Python reader says what is wrong)."""
    import polars as pl

    columns = [c for c in facts.columns if c != "row"]
    if len(set(columns)) != len(columns) or "unit" not in columns:
        return None
    if "indicator" in columns or "value" in columns:
        if not {"unit", "indicator", "value"} <= set(columns) <= set(_FACT_TEXT):
            return None
        if "period" not in columns:
            facts = facts.with_columns(pl.lit(None, pl.String).alias("period"))
        return facts.select(*_FACT_TEXT, "row")
    wide = [c for c in columns if c not in ("unit", "period")]
    if not wide or any(c not in indicators for c in wide):
        return None
    index = ["unit", "row"] + (["period"] if "period" in columns else [])
    long = facts.unpivot(wide, index=index, variable_name="indicator", value_name="value")
    if "period" not in columns:
        long = long.with_columns(pl.lit(None, pl.String).alias("period"))
    return long.sort("row", maintain_order=True).select(*_FACT_TEXT, "row")


# --------------------------------------------------------------------------- Parquet


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() == ".parquet" or (
        path.is_dir() and (path / "facts.parquet").is_file()
    )


def parquet_paths(path: Path) -> tuple[Path, Path]:
    """``units.parquet`` and ``facts.parquet`` of a Parquet dataset given as its folder
    or either file."""
    if path.is_dir():
        return path / "units.parquet", path / "facts.parquet"
    if path.name == "units.parquet":
        return path, path.parent / "facts.parquet"
    return path.parent / "units.parquet", path


def _read_parquet(path: Path, indicators: Mapping[str, Indicator]) -> Tables:
    """A Parquet dataset: the tables of a CSV folder as Parquet files (text columns;
    ``value`` may also be an integer or an exact decimal column, never a float)."""
    import polars as pl

    units_path, facts_path = parquet_paths(path)
    frames = []
    for file in (units_path, facts_path):
        check_file(file, "table", DatasetError)
        try:
            frames.append(pl.read_parquet(file))
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise DatasetError(
                [Problem(str(file), None, None, msg("expected.parquet"), type(exc).__name__)]
            ) from None
    name = facts_path.parent.name if facts_path.name == "facts.parquet" else facts_path.stem
    origin = Origin((str(units_path), str(facts_path)), name=name, source=str(path))
    return tables_from_frames(frames[0], frames[1], indicators, origin)


@frozen
class Origin:
    """Where two tables read by another reader came from: ``labels`` name the units'
    and the facts' table in messages, ``first_row`` is the number messages give the
    first row (2 in a file with a header line); ``name`` and ``source`` are the
    dataset's."""

    labels: tuple[str, str]
    name: str
    source: str
    first_row: int = 2


def tables_from_frames(
    units: pl.DataFrame, facts: pl.DataFrame, indicators: Mapping[str, Indicator], origin: Origin
) -> Tables:
    """Check typed tables read by another reader (Parquet, a database) and make them
    :class:`Tables`: the units' columns and the facts in the long or the wide layout,
    as in a CSV folder. Columns may be text, integers, exact decimals, dates or
    booleans, never floats."""
    import polars as pl

    labels, first_row, name = origin.labels, origin.first_row, origin.name
    units = _typed_text(labels[0], units, _UNIT_TEXT, first_row)
    facts = _typed_text(labels[1], facts, None, first_row)
    problems = _header_problems(labels[0], units, ("code", "name", "level"), _UNIT_TEXT)
    long = _long_facts(facts, indicators)
    if long is None:
        problems += _header_problems(labels[1], facts, ("unit", "indicator", "value"), _FACT_TEXT)
        if not problems:  # a wide header with a name that is no indicator: one by one
            problems = _wide_problems(labels[1], facts, indicators)
    if problems:
        raise DatasetError(problems)
    assert long is not None
    units = units.select(
        *(c if c in units.columns else pl.lit(None, pl.String).alias(c) for c in _UNIT_TEXT), "row"
    )
    tables = _checked(units, long, indicators, name=name, source=origin.source)
    if tables is not None:
        return tables
    return tables_from_dataset(_rows_dataset(units, long, indicators, labels, name), indicators)


def _wide_problems(
    label: str, facts: pl.DataFrame, indicators: Mapping[str, Indicator]
) -> list[Problem]:
    """The columns of a wide facts table that name no indicator (or a duplicate)."""
    columns = [c for c in facts.columns if c not in ("unit", "period", "row")]
    problems = [
        Problem(label, None, c, msg("expected.indicator_column"), c)
        for c in columns
        if c not in indicators
    ]
    return problems or [
        Problem(label, None, None, msg("expected.columns", columns=",".join(_FACT_TEXT)),
                ",".join(c for c in facts.columns if c != "row") or msg("found.no_columns"))
    ]  # fmt: skip


def _exact(dtype: pl.DataType) -> bool:
    """Whether a column of this type holds values exactly as text can say them."""
    import polars as pl

    return (
        dtype == pl.String
        or dtype.is_integer()
        or isinstance(dtype, pl.Decimal | pl.Date | pl.Boolean)
    )


def _typed_text(
    label: str, frame: pl.DataFrame, allowed: tuple[str, ...] | None, first_row: int
) -> pl.DataFrame:
    """Every column (of ``allowed``, or all) as stripped text (empty cells null, a
    boolean ``true``/``false``, a date ``YYYY-MM-DD``), with ``row`` numbered from
    ``first_row``; an inexact column (a float) is an error naming it."""
    import polars as pl

    keep = [c for c in frame.columns if allowed is None or c in allowed]
    problems = [
        Problem(label, None, c, msg("expected.exact_column"), str(frame.schema[c]))
        for c in keep
        if not _exact(frame.schema[c])
    ]
    if problems:
        raise DatasetError(problems)
    text = [pl.col(c).cast(pl.String).str.strip_chars(_SPACE) for c in keep]
    frame = frame.select(pl.when(e == "").then(None).otherwise(e).name.keep() for e in text)
    return frame.with_row_index("row", offset=first_row)


def _header_problems(
    file: str | Path, frame: pl.DataFrame, required: tuple[str, ...], allowed: tuple[str, ...]
) -> list[Problem]:
    missing = [c for c in required if c not in frame.columns]
    if not missing:
        return []
    return [
        Problem(
            str(file), None, None, msg("expected.columns", columns=",".join(allowed)),
            ",".join(c for c in frame.columns if c != "row") or msg("found.no_columns"),
        )
    ]  # fmt: skip


def _rows_dataset(
    units: pl.DataFrame,
    facts: pl.DataFrame,
    indicators: Mapping[str, Indicator],
    labels: tuple[str, str],
    name: str,
) -> Dataset:
    """The dataset checked row by row, as a CSV folder's would be: the problems named
    with ``labels``, those of the units' and the facts' files."""
    units_label, facts_label = labels
    from minzheng.io._builder import DatasetBuilder
    from minzheng.io.dataset import unknown_unit

    unit_builder = DatasetBuilder(units_label, indicators)
    for raw in units.iter_rows(named=True):
        row = raw.pop("row")
        cells = {k: v for k, v in raw.items() if v is not None}
        unit_builder.add_unit(cells, cells.get("code", f"row {row}"), row=row)
    unit_builder.check_tree()
    fact_builder = DatasetBuilder(facts_label, indicators)
    for code, indicator, period, value, row in facts.iter_rows():
        if code not in unit_builder.units:
            where = units_label if "://" in units_label else Path(units_label).name
            unknown_unit(fact_builder, code, unit_builder.units, where, row)
            continue
        fact_builder.add_fact(code, indicator, period, value, row=row)
    problems = unit_builder.problems + fact_builder.problems
    if problems:
        raise DatasetError(problems)
    return Dataset(
        units=dict(unit_builder.units), facts=fact_builder.facts, name=name, source=facts_label
    )


# --------------------------------------------------------------------------- checks

_CODE = {
    "province": r"^\d{2}$",
    "prefecture": r"^\d{4}$",
    "county": r"^\d{6}$",
    "township": r"^\d{9}$",
    "village": r"^\d{12}$",
    "facility": r"^(\d{6}|\d{9}|\d{12})-[A-Za-z0-9_]{1,32}$",
}
_NUMBER = r"^(0|[1-9]\d{0,27})(\.\d{1,10})?$"


def _checked(
    units: pl.DataFrame,
    facts: pl.DataFrame,
    indicators: Mapping[str, Indicator],
    *,
    name: str,
    source: str,
) -> Tables | None:
    """The tables when every check passes by column, else ``None`` (read again row by
    row, which names each problem)."""
    checked_units = _checked_units(units)
    if checked_units is None:
        return None
    checked_facts = _checked_facts(facts, checked_units, indicators)
    if checked_facts is None:
        return None
    return Tables(units=checked_units, facts=checked_facts, name=name, source=source)


def _checked_units(units: pl.DataFrame) -> pl.DataFrame | None:
    """Units whose every field is in its plain form, whose parents are given, above
    them and prefix their codes; ``None`` otherwise."""
    import polars as pl

    for column in _UNIT_TEXT:
        if column not in units.columns:
            units = units.with_columns(pl.lit(None, pl.String).alias(column))
    level, code, parent = pl.col("level"), pl.col("code"), pl.col("parent")
    code_ok = pl.lit(False)
    for lvl, pattern in _CODE.items():
        code_ok = pl.when(level == lvl).then(code.str.contains(pattern)).otherwise(code_ok)
    plain = [(pl.col(c) == pl.col(c).str.strip_chars(_SPACE)).fill_null(True) for c in _UNIT_TEXT]
    ok = (
        pl.all_horizontal(plain)
        & level.is_in(_LEVELS).fill_null(False)
        & code_ok.fill_null(False)
        & pl.col("name").is_not_null()
        & ~pl.col("name").str.contains(r"[\x00-\x1f\x7f-\x9f]").fill_null(True)
        & (pl.col("area").is_null() | pl.col("area").is_in(["urban", "rural"]))
    )
    if not units.select(ok.all()).item() or units.get_column("code").is_duplicated().any():
        return None
    orphans = units.with_row_index("_pos").filter(parent.is_null())
    if orphans.height:  # few: inferred where they are, not for every unit
        found = orphans.select("_pos", _inferred_parent(units["code"]).alias("parent"))
        inferred = units.get_column("parent").scatter(found["_pos"], found["parent"])
        units = units.with_columns(inferred)
    rank = {lvl: i for i, lvl in enumerate(_LEVELS)}
    ranked = units.select(
        "code", "parent", pl.col("level").replace_strict(rank, return_dtype=pl.Int8).alias("rank")
    )
    above = ranked.join(
        ranked.select(pl.col("code").alias("parent"), pl.col("rank").alias("parent_rank")),
        on="parent",
        how="left",
    )
    bad_parent = above.filter(
        pl.col("parent").is_not_null()
        & (
            pl.col("parent_rank").is_null()
            | (pl.col("parent_rank") >= pl.col("rank"))
            | ~pl.col("code").str.starts_with(pl.col("parent"))
        )
    )
    if bad_parent.height:
        return None
    return _with_ancestors(units.select(_UNIT_TEXT))


def _inferred_parent(codes: pl.Series) -> pl.Expr:
    """The parent of a unit that names none: the nearest unit present whose code its
    own begins with, as :func:`minzheng.load_dataset` infers it."""
    import polars as pl

    code = pl.col("code")
    natural: Any = pl.when(code.str.contains("-")).then(code.str.extract(r"^(\d+)-"))
    for length, cut in ((12, 9), (9, 6), (6, 4), (4, 2)):
        natural = natural.when(code.str.len_bytes() == length).then(code.str.head(cut))
    candidates: list[Any] = [natural]
    for length, cut in ((9, 6), (6, 4), (4, 2)):
        last = candidates[-1]
        candidates.append(pl.when(last.str.len_bytes() == length).then(last.str.head(cut)))
    return pl.coalesce(pl.when(c.is_in(codes.implode()) & (c != code)).then(c) for c in candidates)


def _checked_facts(
    facts: pl.DataFrame, units: pl.DataFrame, indicators: Mapping[str, Indicator]
) -> pl.DataFrame | None:
    """Facts with canonical periods and values; ``None`` when a check fails.

    Units and indicators become integer keys first (a join, an ``Enum``), so that the
    checks for a value given twice, or dated and undated at once, compare integers."""
    import polars as pl

    known = pl.Enum(sorted(indicators))
    facts = facts.with_columns(pl.col("indicator").cast(known, strict=False).alias("_ind"))
    if facts.get_column("_ind").null_count() != facts.get_column("indicator").null_count():
        return None  # an indicator no pack declares
    codes = units.select(pl.col("code").alias("unit"), pl.col("idx").alias("_idx"))
    facts = facts.join(codes, on="unit", how="left", maintain_order="left")
    if facts.get_column("_idx").null_count() or facts.get_column("_ind").null_count():
        return None  # a unit not in units.csv, a row without an indicator
    periods = _canonical_periods(facts)
    if periods is None:
        return None
    blank = pl.col("value").str.strip_chars(_SPACE) == ""  # no value, as in the row reader
    periods = periods.filter(pl.col("value").is_not_null() & ~blank)
    values = _canonical_values(periods, indicators)
    if values is None or _twice_or_mixed(values):
        return None
    return _with_end(values.drop("row", "_ind", "_idx"))


def _twice_or_mixed(facts: pl.DataFrame) -> bool:
    """Whether a unit's indicator has a period given twice, or dated and undated values."""
    import polars as pl

    periods = facts.get_column("period").drop_nulls().unique().sort().to_list()
    width, kinds = len(periods) + 1, facts.get_column("_ind").dtype
    assert isinstance(kinds, pl.Enum)
    fact = pl.col("_idx").cast(pl.UInt64) * len(kinds.categories) + pl.col("_ind").to_physical()
    period = pl.col("period").cast(pl.Enum(periods)).to_physical().cast(pl.UInt64) + 1
    keys = facts.select(
        fact.alias("fact"),
        (fact * width + period.fill_null(0)).alias("key"),
        period.is_null().alias("undated"),
    )
    if keys.get_column("key").is_duplicated().any():
        return True
    counts = keys.group_by("fact").agg(pl.len(), pl.col("undated").sum())
    return bool(
        counts.select(((pl.col("undated") > 0) & (pl.col("undated") < pl.col("len"))).any()).item()
    )


def _canonical_periods(facts: pl.DataFrame) -> pl.DataFrame | None:
    """Periods in their canonical text, each distinct one parsed once."""
    import polars as pl

    mapping: dict[str, str] = {}
    for raw in facts.get_column("period").drop_nulls().unique().to_list():
        try:
            mapping[raw] = parse_period(raw)
        except ValueProblem:
            return None
    if all(k == v for k, v in mapping.items()):
        return facts
    return facts.with_columns(pl.col("period").replace_strict(mapping, default=None))


def _canonical_values(
    facts: pl.DataFrame, indicators: Mapping[str, Indicator]
) -> pl.DataFrame | None:
    """Values in their canonical text; ``None`` when one does not fit.

    A plain count or amount (digits, a point, within its indicator's range: nearly every
    value) is its own canonical text, checked by column. Every other value — yes/no,
    checklists, rates, text, and numbers written otherwise — is read by
    :func:`~minzheng.model.values.parse_value` once for each distinct (indicator, text) pair,
    and put in its place.
    """
    import polars as pl

    dtype = facts.get_column("_ind").dtype
    assert isinstance(dtype, pl.Enum)
    kind_of = {n: indicators[i].kind.value for n, i in enumerate(dtype.categories)}
    kind = pl.col("_ind").to_physical().replace_strict(kind_of, return_dtype=pl.String)
    v = pl.col("value")
    plain: Any = pl.when(kind == "count").then(v.str.contains(r"^(0|[1-9]\d{0,17})$"))
    plain = plain.when(kind == "amount").then(v.str.contains(_NUMBER)).otherwise(False)
    facts = facts.with_columns(plain.alias("_plain"))
    outside = _out_of_range(facts.filter("_plain"), indicators)
    if outside.len():
        bad = pl.col("row").is_in(outside.implode())
        facts = facts.with_columns((pl.col("_plain") & ~bad).alias("_plain"))
    odd = (
        facts.with_row_index("_pos").filter(~pl.col("_plain")).select("_pos", "indicator", "value")
    )
    if not odd.height:
        return facts.drop("_plain")
    texts: dict[tuple[str, str], str] = {}
    for indicator, raw in odd.select("indicator", "value").unique().iter_rows():
        try:
            texts[(indicator, raw)] = value_text(
                indicators[indicator], parse_value(indicators[indicator], raw)
            )
        except ValueProblem:
            return None
    pairs = pl.DataFrame(
        [(i, r, t) for (i, r), t in texts.items()],
        schema={"indicator": pl.String, "value": pl.String, "_canon": pl.String},
        orient="row",
    )
    odd = odd.join(pairs, on=["indicator", "value"], how="left")
    values = facts.get_column("value").scatter(odd.get_column("_pos"), odd.get_column("_canon"))
    return facts.with_columns(values).drop("_plain")


def _out_of_range(part: pl.DataFrame, indicators: Mapping[str, Indicator]) -> pl.Series:
    """The ``row`` of each plain number outside its indicator's minimum or maximum (a
    minimum of 0 or less needs no check: the plain forms have no sign)."""
    import polars as pl

    present = part.get_column("_ind").unique().cast(pl.String).to_list()
    bounds = {
        i: (ind.minimum if ind.minimum is not None and ind.minimum > 0 else None, ind.maximum)
        for i in present
        for ind in (indicators[i],)
    }
    bounded = {i: b for i, b in bounds.items() if b != (None, None)}
    if not bounded:
        return pl.Series("row", [], pl.UInt32)
    limits = pl.DataFrame(
        {
            "indicator": list(bounded),
            "_lo": [lo for lo, _ in bounded.values()],
            "_hi": [hi for _, hi in bounded.values()],
        },
        schema={"indicator": pl.String, "_lo": pl.Decimal(38, 10), "_hi": pl.Decimal(38, 10)},
    )
    checked = part.filter(pl.col("_ind").is_in(list(bounded)))
    checked = checked.join(limits, on="indicator", how="left")
    number = pl.col("value").cast(pl.Decimal(38, 10), strict=False)
    bad = (
        number.is_null()
        | (number < pl.col("_lo")).fill_null(False)
        | (number > pl.col("_hi")).fill_null(False)
    )
    return checked.filter(bad).get_column("row")


# --------------------------------------------------------------------------- blocks


class Doubt(Exception):
    """A block of a :class:`Blocks` failed a column check: read the dataset whole (the
    row-by-row reader then names each problem)."""


@frozen
class Blocks:
    """A CSV dataset split by province (the first two digits of a unit's code), for
    assessing a national dataset a province at a time in bounded memory.

    ``units`` is every unit, checked; each block's facts lie in Parquet files in a
    scratch folder, written in one streaming pass over ``facts.csv``. Iterating gives
    each block as :class:`Tables` (its units and facts, checked by column), in the order
    of the units, so that findings come out in the order of the whole. A block that
    fails a check raises :class:`Doubt`.
    """

    units: pl.DataFrame
    parts: tuple[tuple[str, tuple[Path, ...]], ...]
    indicators: Mapping[str, Indicator]
    name: str = ""
    source: str = ""
    as_of: date | None = None

    def __len__(self) -> int:
        return self.units.height

    def latest_period_end(self) -> date | None:
        """The last day of the latest period any fact has (``None``: no dated fact)."""
        import polars as pl

        files = [f for _, group in self.parts for f in group]
        raw = pl.scan_parquet(files).select(pl.col("period").drop_nulls().unique()).collect()
        ends = []
        for period in raw.get_column("period").to_list():
            try:
                ends.append(period_end(parse_period(period)))
            except ValueProblem:
                raise Doubt(period) from None
        return max(ends, default=None)

    def __iter__(self) -> Iterator[Tables]:
        import polars as pl

        for key, files in self.parts:
            units = self.units.filter(pl.col("code").str.head(2) == key)
            facts = pl.read_parquet(list(files)).sort("row")
            checked = _checked_facts(facts, units, self.indicators)
            if checked is None:
                raise Doubt(key)
            yield Tables(units=units, facts=checked, name=self.name, source=self.source)


@contextlib.contextmanager
def read_blocks(
    path: str | Path, indicators: Mapping[str, Indicator], scratch: str | Path | None = None
) -> Iterator[Blocks | None]:
    """A CSV dataset (long ``facts.csv``) as :class:`Blocks`, its facts split in a
    temporary folder in ``scratch`` (removed on leaving); ``None`` when it cannot be
    split so (one province, units not grouped by province, a wide table, or anything
    the column checks doubt: read it whole then)."""

    path = Path(path)
    if _is_parquet(path) or not (path.is_dir() or path.suffix.lower() == ".csv"):
        yield None
        return
    units_path, facts_path = csv_paths(path)
    _check_files(units_path, facts_path)
    name, source = csv_name(facts_path)
    header = _csv_header(facts_path)
    long = header is not None and {"unit", "indicator", "value"} <= set(header) <= set(_FACT_TEXT)
    keys = _block_keys(units_path) if long else None  # the codes alone: cheap
    frame = _read_csv_frame(units_path) if keys is not None else None
    units = _checked_units(frame) if frame is not None and _is_units_header(frame) else None
    if units is None or keys is None:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix=".minzheng-blocks-", dir=scratch) as folder:
        parts = _split_facts(facts_path, Path(folder), keys)
        yield None if parts is None else Blocks(units, parts, indicators, name, source)


def _csv_header(path: Path) -> list[str] | None:
    import polars as pl

    try:
        return [c.strip() for c in pl.read_csv(path, n_rows=0, infer_schema=False).columns]
    except (pl.exceptions.PolarsError, OSError):
        return None


def _block_keys(units_path: Path) -> list[str] | None:
    """The provinces' two digits in the order of ``units.csv``, when each province's
    units are together and there are several; else ``None``."""
    import polars as pl

    try:
        codes = pl.read_csv(units_path, columns=["code"], infer_schema=False)
    except (pl.exceptions.PolarsError, OSError):
        return None
    spans = (
        codes.with_row_index("idx")
        .group_by(
            pl.col("code").str.strip_chars(_SPACE).str.head(2).alias("key"), maintain_order=True
        )
        .agg(pl.col("idx").min().alias("first"), pl.col("idx").max().alias("last"), pl.len())
        .sort("first")
    )
    together = spans.select((pl.col("last") - pl.col("first") + 1 == pl.col("len")).all()).item()
    keys = spans.get_column("key").to_list()
    return keys if together and len(keys) > 1 and None not in keys else None


def _split_facts(
    facts_path: Path, folder: Path, keys: list[str]
) -> tuple[tuple[str, tuple[Path, ...]], ...] | None:
    """``facts.csv`` written as Parquet files by province, in one streaming pass, each
    row with its number; ``None`` when polars cannot read it or a row's unit lies in no
    province of ``units.csv``."""
    import polars as pl

    unit = pl.col("unit")
    key = pl.when(unit.str.contains(r"^\d\d")).then(unit.str.head(2)).otherwise(pl.lit("other"))
    columns = dict.fromkeys(_FACT_TEXT, pl.String)
    try:
        scan = pl.scan_csv(facts_path, schema_overrides=columns, infer_schema=False)
        if "period" not in scan.collect_schema().names():
            scan = scan.with_columns(pl.lit(None, pl.String).alias("period"))
        scan = scan.select(*_FACT_TEXT).with_row_index("row", offset=2)
        scan.sink_parquet(
            pl.PartitionBy(folder, key=key.alias("block"), include_key=False), mkdir=True
        )
    except (pl.exceptions.PolarsError, OSError):
        return None
    found = {
        p.name.removeprefix("block="): tuple(sorted(p.glob("*.parquet"))) for p in folder.iterdir()
    }
    if set(found) - set(keys):
        return None  # facts of units in no province of units.csv
    return tuple((k, found[k]) for k in keys if k in found)
