"""Excel in: a workbook a bureau filled in (``minzheng template PACK --format xlsx``),
read back with the same checks as any dataset.

Every sheet whose row 1 starts with ``code`` is read (row 1 holds the field and
indicator ids, rows 2 and 3 their names and what to type; data starts on row 4); a
unit may take several rows, one per ``period``. Every problem names the file, the
sheet, the row, the column, the unit and the field. A cell formatted as a percentage
(Excel stores 38 % as 0.38) is read as that percentage.

A cell holding a formula is read from the value the spreadsheet last computed for it
(Excel and WPS store it in the file), and the dataset's ``note`` says which cells
those were; a formula without a computed value (a file written by a program that does
not compute, never opened and saved in a spreadsheet) is an error naming the cell —
never read as empty. The workbook's unpacked size counts against the document limit
(:mod:`minzheng.io.limits`), so a small zip cannot unpack into gigabytes.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from minzheng.errors import DatasetError, MissingExtra, Problem

try:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet
except ImportError as missing:  # an extra: say which
    raise MissingExtra("xlsx", "XLSX") from missing

from minzheng.i18n import msg
from minzheng.io._builder import DatasetBuilder
from minzheng.io.limits import check_size
from minzheng.model import Indicator, Kind, Level
from minzheng.model.dataset import Dataset
from minzheng.model.values import format_decimal

__all__ = ["HEADER_ROWS", "UNIT_COLUMNS", "read_workbook", "sheet_name"]

#: The unit's own columns of a sheet, before the indicators'.
UNIT_COLUMNS = ("code", "name", "parent", "area", "type", "period")
#: Urban or rural as a clerk may type it in Chinese.
_AREAS = {"城市": "urban", "城镇": "urban", "农村": "rural"}
#: Rows of headers above the data (ids, names, what to type).
HEADER_ROWS = 3


def sheet_name(level: Level) -> str:
    """The sheet of a level's units (its id, then its Chinese name)."""
    return f"{level.value} {level.zh}"


def _cell_value(cell: Any, indicator: Indicator | None) -> object:
    """A cell's value as the dataset reader expects it: exact, percentages resolved."""
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float):
        number = Decimal(repr(value))
        if (
            indicator is not None
            and indicator.kind is Kind.RATE
            and "%" in (cell.number_format or "")
        ):
            scaled = number * 100
            return f"{format_decimal(scaled.normalize() if scaled == scaled.to_integral_value() else scaled)}%"
        return number
    if isinstance(value, bool | int | Decimal):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def read_workbook(path: Path, indicators: Mapping[str, Indicator]) -> Dataset:
    """Read a filled-in workbook into a dataset, with every problem named."""
    label = str(path)
    try:
        has_formulas = _unpacked(path)
        book = load_workbook(path, data_only=True)
        formulas = _formulas(path) if has_formulas else {}
    except DatasetError:
        raise
    except Exception as exc:
        raise DatasetError(
            [Problem(label, None, None, msg("expected.xlsx"), f"{type(exc).__name__}: {exc}")]
        ) from None
    builder = DatasetBuilder(label, indicators)
    read_any = False
    cached: list[str] = []
    for sheet in book.worksheets:
        header = [c.value for c in sheet[1]] if sheet.max_row >= 1 else []
        if not header or header[0] != "code":
            continue
        read_any = True
        names = [str(h).strip() if h is not None else "" for h in header]
        cached += _read_sheet(sheet, names, builder, formulas)
    if not read_any:
        raise DatasetError(
            [Problem(label, None, None, msg("expected.code_sheet"), msg("found.none"))]
        )
    builder.sheet = builder.column = None
    return builder.build(name=path.stem, note=_formula_note(cached), as_of=None)


def _unpacked(path: Path) -> bool:
    """Check the workbook's unpacked size against the document limit; whether any of
    its sheets holds a formula (an ``<f>`` element)."""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
        check_size(str(path), sum(p.file_size for p in parts), "document", DatasetError)
        sheets = [p for p in parts if p.filename.startswith("xl/worksheets/")]
        return any(_FORMULA.search(archive.read(p)) for p in sheets)


#: A formula element in a sheet's XML, with or without a namespace prefix.
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def _formulas(path: Path) -> dict[tuple[str, str], str]:
    """The formula of every cell that has one, by sheet and cell (``("village 村", "H5")``)."""
    book = load_workbook(path, data_only=False)
    return {
        (sheet.title, cell.coordinate): str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    }


def _formula_note(cells: list[str]) -> str:
    """The dataset's note on cells read from their last computed value."""
    if not cells:
        return ""
    shown = ", ".join(cells[:10]) + (", …" if len(cells) > 10 else "")
    return f"{len(cells)} cell(s) held formulas, read as last computed: {shown}"


def _read_sheet(
    sheet: Worksheet,
    header: list[str],
    builder: DatasetBuilder,
    formulas: Mapping[tuple[str, str], str],
) -> list[str]:
    """Read a level's sheet; the cells it read from a formula's computed value."""
    builder.sheet = sheet.title
    cached: list[str] = []
    for column, name in enumerate(header, start=1):
        if name and name not in UNIT_COLUMNS and name not in builder.indicators:
            builder.column = get_column_letter(column)
            builder.known("(header)", name, row=1)
    for row in sheet.iter_rows(min_row=HEADER_ROWS + 1):
        cells = {header[i]: c for i, c in enumerate(row) if i < len(header) and header[i]}
        for name, cell in cells.items():
            formula = formulas.get((sheet.title, cell.coordinate))
            if formula is None:
                continue
            if cell.value is None:  # never computed: refused, not read as empty
                builder.column = _letter(cell)
                builder.problem(
                    (None, name), msg("expected.cached_value"),
                    msg("found.formula", formula=formula), msg("hint.save_formulas"),
                    row=cell.row,
                )  # fmt: skip
            else:
                cached.append(f"{sheet.title}!{cell.coordinate}")
        if any(c.value is not None for c in cells.values()):
            _read_row(sheet.title, row[0].row or 0, cells, builder)
    return cached


def _read_row(title: str, number: int, cells: Mapping[str, Any], builder: DatasetBuilder) -> None:
    """One row of a level's sheet: the unit, then its facts for the row's period."""
    code = _row_unit(title, number, cells, builder)
    if code is None:
        return
    period_cell = cells.get("period")
    period = _cell_value(period_cell, None) if period_cell is not None else None
    if isinstance(period, Decimal) and period == period.to_integral_value():
        period = int(period)  # a year typed as a number; 2018.5 stays, and is refused
    if period is not None and period_cell is not None:  # checked once a row, in its column
        builder.column = _letter(period_cell)
        if builder.period_key(code, "period", period, number) is None:
            return
    for name, cell in cells.items():
        indicator = builder.indicators.get(name)
        value = None if indicator is None else _cell_value(cell, indicator)
        if value is not None:
            builder.column = _letter(cell)
            builder.add_fact(code, name, period, value, row=number)


def _row_unit(
    title: str, number: int, cells: Mapping[str, Any], builder: DatasetBuilder
) -> str | None:
    """The code of the row's unit, added when first seen (``None``: not a valid unit)."""
    builder.column = "A"
    unit: dict[str, object] = {"level": title.split(" ")[0]}
    for key in ("code", "name", "parent", "area", "type"):
        value = _cell_value(cells[key], None) if key in cells else None
        if value is not None:
            unit[key] = _AREAS.get(str(value).strip(), value) if key == "area" else value
    code = unit.get("code")
    if code is None:
        builder.add_unit(unit, f"row {number}", row=number)
        return None
    found: str | None = str(code)
    if found not in builder.units:
        found = builder.add_unit(unit, str(code), row=number)
    return found if found is not None and found in builder.units else None


def _letter(cell: Any) -> str | None:
    """A cell's column letter."""
    return get_column_letter(cell.column) if isinstance(cell.column, int) else None
