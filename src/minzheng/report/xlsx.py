"""Excel out: the workbook a bureau fills in (read back by :mod:`minzheng.io.xlsx`), and
findings as a workbook.

**The template** (``minzheng template PACK --format xlsx``) has a sheet of instructions
and one sheet per level of unit the pack's rules speak of. Row 1 holds the field and
indicator ids (what the reader goes by), row 2 the Chinese names with the unit of
measure, row 3 the English names; data starts on row 4. Yes/no columns offer 是/否,
rates and counts are checked by Excel's data validation as the bureau types.

**Findings** (``minzheng assess FILE --format xlsx -o findings.xlsx``): a sheet of
findings coloured by status (conditional formatting), the summary and the roll-ups.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from minzheng.errors import MissingExtra

try:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet
    from openpyxl.writer.excel import ExcelWriter
except ImportError as missing:  # an extra: say which
    raise MissingExtra("xlsx", "XLSX") from missing

from minzheng.i18n import text
from minzheng.io._atomic import replacing
from minzheng.io.dataset import Dataset
from minzheng.io.xlsx import HEADER_ROWS, UNIT_COLUMNS, sheet_name
from minzheng.model import Area, Finding, Indicator, Kind, Level, Report, Status, measure_zh
from minzheng.model.runs import RunRecord
from minzheng.model.values import format_decimal
from minzheng.packs.registry import LoadedPack
from minzheng.report.render import run_rows

StrPath = str | os.PathLike[str]

__all__ = ["template_workbook", "write_findings_workbook"]

_BOLD = Font(bold=True)
#: The time stamped on every part of a workbook: the zip format's earliest, so that the
#: same findings give the same bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class _SteadyZip(ZipFile):
    """A zip archive whose members all carry :data:`_ZIP_TIME`, not the time of writing
    (openpyxl writes some parts from temporary files, whose time would be taken)."""

    def write(
        self,
        filename: StrPath,
        arcname: StrPath | None = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        name = os.fspath(arcname if arcname is not None else filename)
        self.writestr(name, Path(filename).read_bytes(), compress_type, compresslevel)

    def writestr(
        self,
        zinfo_or_arcname: str | ZipInfo,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        member = zinfo_or_arcname
        if isinstance(member, str):
            member = ZipInfo(member, date_time=_ZIP_TIME)
            member.compress_type = ZIP_DEFLATED
        super().writestr(member, data, compress_type, compresslevel)


#: What makes a spreadsheet read a cell as a formula (CWE-1236): such text stays text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _as_text(book: Workbook) -> None:
    """Mark every text cell that a spreadsheet would take for a formula (a unit named
    ``=1+1``, a message starting with ``-``) as text, shown as typed: never evaluated."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def _append(sheet: Worksheet, row: list[object]) -> None:
    """Append a row of values; characters a workbook cannot hold (control characters)
    are written as escapes (``\\x1b``) rather than refused."""
    sheet.append([ILLEGAL_CHARACTERS_RE.sub(_escape, v) if isinstance(v, str) else v for v in row])


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def _save_workbook(book: Workbook, path: Path, on: date | None = None) -> None:
    """Write ``book`` to ``path`` whole or not at all (a temporary file in the same
    folder, renamed), with the same bytes for the same content: the document's dates
    are ``on`` (the assessment date) or none, and the parts carry no time of writing."""
    when = datetime.combine(on, time()) if on is not None else datetime(1980, 1, 1)
    _as_text(book)
    book.properties.created = book.properties.modified = when
    with (
        replacing(path) as partial,
        _SteadyZip(partial, "w", ZIP_DEFLATED, allowZip64=True) as archive,
    ):
        ExcelWriter(book, archive).save()


def _validation(indicator: Indicator, lang: str) -> DataValidation | None:
    """Excel's check of what is typed in an indicator's column, its prompt in ``lang``."""
    title = indicator.name(lang)
    match indicator.kind:
        case Kind.FLAG:
            yes, no = text("word.yes", lang), text("word.no", lang)
            return DataValidation(
                type="list", formula1=f'"{yes},{no}"', allow_blank=True,
                promptTitle=title, prompt=text("template.prompt.flag", lang),
            )  # fmt: skip
        case Kind.COUNT | Kind.AMOUNT:
            whole = indicator.kind is Kind.COUNT
            return DataValidation(
                type="whole" if whole else "decimal", operator="greaterThanOrEqual",
                formula1="0", allow_blank=True, showErrorMessage=True,
                error=text("template.prompt.count" if whole else "template.prompt.amount", lang),
            )  # fmt: skip
        case Kind.RATE:
            top = format_decimal(indicator.maximum) if indicator.maximum is not None else "1000000"
            measure = indicator.measure
            return DataValidation(
                type="decimal", operator="between", formula1="0", formula2=top,
                allow_blank=True, promptTitle=title, showErrorMessage=True,
                prompt=text("template.prompt.rate", lang, measure=measure),
                error=text("template.prompt.rate_error", lang, top=top, measure=measure),
            )  # fmt: skip
        case Kind.ITEMS:
            items = "; ".join(i.name_zh if lang == "zh" else i.id for i in indicator.items)
            return DataValidation(
                type="textLength", operator="greaterThanOrEqual", formula1="0",
                allow_blank=True, promptTitle=title,
                prompt=text("template.prompt.items", lang, items=items)[:255],
            )  # fmt: skip
        case _:
            return None


def _levels(pack: LoadedPack) -> dict[Level, list[str]]:
    """The facts each level's rules read, in rule order."""
    levels: dict[Level, list[str]] = {}
    for rule in pack.rules:
        for level in rule.levels:
            facts = levels.setdefault(level, [])
            facts.extend(i for i in rule.reads() if i not in facts)
    return dict(sorted(levels.items(), key=lambda kv: kv[0].rank))


def template_workbook(
    pack: LoadedPack, indicators: Mapping[str, Indicator], path: Path, lang: str = "en"
) -> None:
    """Write the blank workbook of ``pack`` to ``path``, its words in ``lang``."""
    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = text("template.readme", lang)
    lines = [
        f"{pack.info.title(lang)}",
        *(text(f"template.readme.{k}", lang) for k in ("sheets", "years", "values")),
    ]
    for row, line in enumerate(lines, start=1):
        readme.cell(row=row, column=1, value=line).font = _BOLD if row == 1 else Font()
    readme.column_dimensions["A"].width = 120
    for level, facts in _levels(pack).items():
        _level_sheet(
            book.create_sheet(sheet_name(level)), [*UNIT_COLUMNS, *facts], indicators, lang
        )
    _save_workbook(book, path)


def _level_sheet(
    sheet: Worksheet, columns: list[str], indicators: Mapping[str, Indicator], lang: str
) -> None:
    """One level's sheet: ids in row 1, names in row 2, what to type in row 3."""
    for index, column in enumerate(columns, start=1):
        ind = indicators.get(column)
        name, hint = _heads(column, ind, lang)
        for row, said in enumerate((column, name, hint), start=1):
            head = sheet.cell(row=row, column=index, value=said)
            head.font = _BOLD if row == 1 else Font(italic=row == 3)
            head.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 18
        rule = _validation(ind, lang) if ind is not None else None
        if column == "area":
            areas = ",".join(text(f"area.{a.value}", lang) for a in Area)
            rule = DataValidation(type="list", formula1=f'"{areas}"', allow_blank=True)
        if rule is not None:
            sheet.add_data_validation(rule)
            rule.add(f"{letter}{HEADER_ROWS + 1}:{letter}2000")
    sheet.freeze_panes = f"C{HEADER_ROWS + 1}"


def _heads(column: str, indicator: Indicator | None, lang: str) -> tuple[str, str]:
    """A column's name (with its unit of measure) and a hint of what to type."""
    if indicator is None:
        return text(f"xlsx.col.{column}", lang), text(f"xlsx.hint.{column}", lang)
    measure = indicator.measure_zh if lang == "zh" else indicator.measure
    name = indicator.name(lang) + (f"({measure})" if measure else "")
    return name, text(f"kind.{indicator.kind.value}", lang)


_FILLS = {
    Status.MET: "C6EFCE",
    Status.NOT_MET: "FFC7CE",
    Status.UNKNOWN: "FFEB9C",
    Status.NOT_APPLICABLE: "EDEDED",
    Status.ERROR: "FF8A80",
}


#: The columns of the findings sheet (catalogue ids ``word.*``) and their widths.
_FINDING_COLUMNS = (
    ("unit", 14), ("unit_name", 16), ("pack", 10), ("rule", 22), ("status", 14),
    ("severity", 10), ("actual", 12), ("required", 12), ("comparator", 8), ("gap", 10),
    ("measure", 10), ("deadline", 12), ("due", 6), ("message", 60), ("document", 26),
    ("clause", 14), ("clause_text", 60),
)  # fmt: skip


def write_findings_workbook(
    report: Report,
    path: Path,
    lang: str = "en",
    dataset: Dataset | None = None,
    indicators: Mapping[str, Indicator] | None = None,
) -> None:
    """The findings as a workbook in ``lang``, coloured by status, with the summary and
    roll-ups; the same report gives the same bytes. Units are named from ``dataset``,
    checklist items from ``indicators`` (their Chinese names in Chinese)."""
    items = _item_names(indicators or {}, lang)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = text("report.sheet.findings", lang)
    sheet.append([text(f"word.{key}", lang) for key, _ in _FINDING_COLUMNS])
    for cell in sheet[1]:
        cell.font = _BOLD
    for f in report.findings:
        _append(sheet, _finding_row(f, (dataset, items), lang))
    last = max(sheet.max_row, 2)
    for status, colour in _FILLS.items():
        shown = text(f"status.{status.value}", lang)
        sheet.conditional_formatting.add(
            f"E2:E{last}",
            CellIsRule(  # type: ignore[no-untyped-call]
                operator="equal", formula=[f'"{shown}"'], fill=PatternFill(bgColor=colour)
            ),
        )
    for index, (_, width) in enumerate(_FINDING_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(_FINDING_COLUMNS))}{last}"
    _summary_sheet(book, report, lang)
    _rollup_sheet(book, report, lang)
    if report.run is not None:
        _run_sheet(book, report.run, lang)
    _save_workbook(book, path, report.on)


def _item_names(indicators: Mapping[str, Indicator], lang: str) -> dict[str, str]:
    """Each checklist item's name in ``lang`` by its id."""
    names: dict[str, str] = {}
    for indicator in indicators.values():
        for item in indicator.items:
            names.setdefault(item.id, item.name_zh if lang == "zh" else item.name_en)
    return names


def _finding_row(
    f: Finding, named: tuple[Dataset | None, Mapping[str, str]], lang: str
) -> list[object]:
    """One finding as a row of the findings sheet, its words in ``lang`` (``named``:
    the dataset, for the unit's name, and the checklist items' names)."""
    dataset, items = named
    unit = dataset.units.get(f.unit) if dataset is not None else None
    cite = f.citation
    measure = (measure_zh(f.measure) if lang == "zh" else f.measure) if f.measure else ""
    return [
        f.unit, unit.name if unit else "", f.pack, f.rule, text(f"status.{f.status.value}", lang),
        text(f"severity.{f.severity.value}", lang) if f.severity else "",
        _plain(f.actual, lang, items), _plain(f.required, lang, items),
        f.comparator.value if f.comparator else "", _plain(f.gap, lang), measure,
        f.deadline.isoformat() if f.deadline else "", _plain(f.due, lang), f.message(lang),
        cite.name if cite else "", cite.locator if cite else "", cite.text if cite else "",
    ]  # fmt: skip


def _summary_sheet(book: Workbook, report: Report, lang: str) -> None:
    summary = book.create_sheet(text("report.sheet.summary", lang))
    summary.append([text("word.on", lang), report.on.isoformat()])
    summary.append([text("word.pack", lang), ", ".join(report.packs)])
    for status in Status:
        summary.append([text(f"status.{status.value}", lang), report.summary.get(status, 0)])
    for error in report.errors:
        _append(summary, [text("word.errors", lang), error])


def _run_sheet(book: Workbook, run: RunRecord, lang: str) -> None:
    """The run record, then the fingerprint of each rule."""
    sheet = book.create_sheet(text("report.sheet.run", lang))
    for key, value in run_rows(run, lang):
        _append(sheet, [key, value])
    sheet.append([])
    _append(sheet, [text("run.rule_fingerprints", lang)])
    for rule, digest in run.rule_fingerprints.items():
        _append(sheet, [rule, digest])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 70


def _rollup_sheet(book: Workbook, report: Report, lang: str) -> None:
    rollups = book.create_sheet(text("report.sheet.rollups", lang))
    heads = [text(f"word.{k}", lang) for k in ("unit", "pack", "rule", "level")]
    heads += [text(f"status.{s.value}", lang) for s in Status]
    rollups.append([*heads, text("word.share_met", lang)])
    for r in report.rollups:
        _append(rollups, [r.unit, r.pack, r.rule, text(f"level.{r.level.value}", lang), r.met,
                        r.not_met, r.unknown, r.not_applicable, r.error, r.share_met])  # fmt: skip


def _plain(value: object, lang: str, items: Mapping[str, str] | None = None) -> object:
    """A finding's value as a cell takes it: numbers stay numbers, a checklist is its
    items' names (``items``: id → name), yes and no are words in ``lang``."""
    if value is None:
        return ""
    if isinstance(value, frozenset):
        names = items or {}
        return text("word.list_sep", lang).join(names.get(i, i) for i in sorted(value))
    if isinstance(value, bool):
        return text("word.yes" if value else "word.no", lang)
    if isinstance(value, int | Decimal | str):
        return value
    return str(value)
