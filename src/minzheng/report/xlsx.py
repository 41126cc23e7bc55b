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

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from minzheng.io.dataset import Dataset
from minzheng.io.xlsx import HEADER_ROWS, UNIT_COLUMNS, UNIT_NAMES, sheet_name
from minzheng.model import Indicator, Kind, Level, Report, Status
from minzheng.model.values import format_decimal
from minzheng.packs.registry import LoadedPack
from minzheng.report.render import label

__all__ = ["template_workbook", "write_findings_workbook"]

_BOLD = Font(bold=True)


def _validation(indicator: Indicator) -> DataValidation | None:
    match indicator.kind:
        case Kind.FLAG:
            return DataValidation(
                type="list",
                formula1='"是,否"',
                allow_blank=True,
                promptTitle=indicator.name_zh,
                prompt="是 / 否 (yes / no)",
            )
        case Kind.COUNT:
            return DataValidation(
                type="whole",
                operator="greaterThanOrEqual",
                formula1="0",
                allow_blank=True,
                error="a whole number ≥ 0 / 非负整数",
                showErrorMessage=True,
            )
        case Kind.RATE:
            top = format_decimal(indicator.maximum) if indicator.maximum is not None else "1000000"
            return DataValidation(
                type="decimal",
                operator="between",
                formula1="0",
                formula2=top,
                allow_blank=True,
                promptTitle=indicator.name_zh,
                prompt=f"in {indicator.measure}: 38 means 38{indicator.measure}",
                error=f"0 to {top} ({indicator.measure})",
                showErrorMessage=True,
            )
        case Kind.AMOUNT:
            return DataValidation(
                type="decimal",
                operator="greaterThanOrEqual",
                formula1="0",
                allow_blank=True,
                error="a number ≥ 0 / 非负数",
                showErrorMessage=True,
            )
        case Kind.ITEMS:
            items = "; ".join(i.id for i in indicator.items)
            return DataValidation(
                type="textLength",
                operator="greaterThanOrEqual",
                formula1="0",
                allow_blank=True,
                promptTitle=indicator.name_zh,
                prompt=f"items separated by ';': {items}"[:255],
            )
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


def template_workbook(pack: LoadedPack, indicators: Mapping[str, Indicator], path: Path) -> None:
    """Write the blank workbook of ``pack`` to ``path``."""
    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = "说明 README"
    lines = [
        f"{pack.info.title_zh} / {pack.info.title_en}",
        "每个层级一张表:第1行为字段代码(请勿修改),第2行为中文名称和计量单位,第3行为英文名称,从第4行起填写数据。",
        "One sheet per level of unit: row 1 holds the field ids (do not change them), row 2 the Chinese names "
        "and units, row 3 the English names; fill in the data from row 4.",
        "同一单位不同年份的数据可各占一行,并填写“年份”;留空的数据视为未知。",
        "A unit may take one row per year (fill in 'period'); a blank cell is not known.",
        "比率按声明的单位填写(38 表示 38%),是/否 填 是 或 否;清单项用分号分隔。",
        "Rates in the declared unit (38 means 38%), yes/no as 是 or 否, checklist items separated by ';'.",
    ]
    for row, text in enumerate(lines, start=1):
        readme.cell(row=row, column=1, value=text).font = _BOLD if row == 1 else Font()
    readme.column_dimensions["A"].width = 120
    for level, facts in _levels(pack).items():
        sheet = book.create_sheet(sheet_name(level))
        columns = [*UNIT_COLUMNS, *facts]
        for index, column in enumerate(columns, start=1):
            ind = indicators.get(column)
            if ind is not None:
                zh = ind.name_zh + (f"({ind.measure_zh})" if ind.measure_zh else "")
                en = ind.name_en
            else:
                zh, en = UNIT_NAMES[column]
            for row, text in enumerate((column, zh, en), start=1):
                cell = sheet.cell(row=row, column=index, value=text)
                cell.font = _BOLD if row == 1 else Font(italic=row == 3)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.column_dimensions[get_column_letter(index)].width = 18
            rule = _validation(ind) if ind is not None else None
            if rule is not None:
                sheet.add_data_validation(rule)
                letter = get_column_letter(index)
                rule.add(f"{letter}{HEADER_ROWS + 1}:{letter}2000")
        level_rule = DataValidation(type="list", formula1='"urban,rural"', allow_blank=True)
        sheet.add_data_validation(level_rule)
        level_rule.add(f"D{HEADER_ROWS + 1}:D2000")
        sheet.freeze_panes = sheet.cell(row=HEADER_ROWS + 1, column=3)
    book.save(path)


_FILLS = {
    Status.MET: "C6EFCE",
    Status.NOT_MET: "FFC7CE",
    Status.UNKNOWN: "FFEB9C",
    Status.NOT_APPLICABLE: "EDEDED",
    Status.ERROR: "FF8A80",
}


def write_findings_workbook(
    report: Report, path: Path, lang: str = "en", dataset: Dataset | None = None
) -> None:
    """The findings as a workbook, coloured by status, with the summary and roll-ups."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "findings 结果"
    heads = [
        "unit",
        "unit name",
        "pack",
        "rule",
        "status",
        "severity",
        "actual",
        "required",
        "comparator",
        "gap",
        "measure",
        "deadline",
        "due",
        "message",
        "document",
        "clause",
        "original words",
    ]
    sheet.append(heads)
    for cell in sheet[1]:
        cell.font = _BOLD
    for f in report.findings:
        unit = dataset.units.get(f.unit) if dataset is not None else None
        sheet.append([
            f.unit, unit.name if unit else "", f.pack, f.rule, f.status.value,
            f.severity.value if f.severity else "", _plain(f.actual), _plain(f.required),
            f.comparator.value if f.comparator else "", _plain(f.gap), f.measure,
            f.deadline.isoformat() if f.deadline else "", "" if f.due is None else ("yes" if f.due else "no"),
            f.message(lang), f.citation.name if f.citation else "", f.citation.locator if f.citation else "",
            f.citation.text if f.citation else "",
        ])  # fmt: skip
    last = max(sheet.max_row, 2)
    for status, colour in _FILLS.items():
        sheet.conditional_formatting.add(
            f"E2:E{last}",
            CellIsRule(  # type: ignore[no-untyped-call]
                operator="equal", formula=[f'"{status.value}"'], fill=PatternFill(bgColor=colour)
            ),
        )
    for index, width in enumerate(
        (14, 16, 10, 22, 14, 10, 12, 12, 8, 10, 10, 12, 6, 60, 26, 14, 60), start=1
    ):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(heads))}{last}"
    summary = book.create_sheet("summary 汇总")
    summary.append([label("on", lang), report.on.isoformat()])
    summary.append([label("pack", lang), ", ".join(report.packs)])
    for status in Status:
        summary.append([label(status.value, lang), report.summary.get(status, 0)])
    for error in report.errors:
        summary.append([label("errors", lang), error])
    rollups = book.create_sheet("roll-ups 汇总到上级")
    rollups.append(
        [
            "unit",
            "pack",
            "rule",
            "level",
            "met",
            "not_met",
            "unknown",
            "not_applicable",
            "error",
            "share_met",
        ]
    )
    for r in report.rollups:
        rollups.append([r.unit, r.pack, r.rule, r.level.value, r.met, r.not_met, r.unknown, r.not_applicable,
                        r.error, r.share_met])  # fmt: skip
    book.save(path)


def _plain(value: object) -> object:
    """A finding's value as a cell takes it (numbers stay numbers, sets become text)."""
    if value is None:
        return ""
    if isinstance(value, frozenset):
        return "; ".join(sorted(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | Decimal | str):
        return value
    return str(value)
