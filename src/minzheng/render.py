"""Renderers: a report as JSON, JSON lines, Markdown or a terminal table.

The JSON form is the documented output contract (see ``docs/reference/output.rst``):
every number is a string of an exact decimal, dates are ISO strings.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from enum import Enum
from json.encoder import encode_basestring
from typing import IO, TYPE_CHECKING, Any

import attrs

from .converter import to_plain
from .models import Attribute, Comparator, Finding, Report, RollUp, Severity, Status, TargetValue
from .values import format_decimal

if TYPE_CHECKING:  # rich is imported when a table is drawn: start-up of the rest is quicker
    from rich.console import Console

__all__ = [
    "FORMAT_VERSION",
    "finding_to_json",
    "finding_to_json_line",
    "label",
    "report_to_json",
    "report_to_markdown",
    "report_to_table",
    "targets_to_json",
    "write_jsonl",
    "write_targets_jsonl",
]

#: The version of the JSON output format; changes only with a changelog entry.
FORMAT_VERSION = "1"

_LABELS = {
    "pack": ("规则包", "pack"),
    "rule": ("规则", "rule"),
    "unit": ("单位", "unit"),
    "status": ("状态", "status"),
    "message": ("说明", "message"),
    "deadline": ("期限", "deadline"),
    "clause": ("条款", "clause"),
    "summary": ("汇总", "summary"),
    "findings": ("结果", "findings"),
    "rollups": ("汇总到上级", "roll-ups"),
    "level": ("层级", "level"),
    "share_met": ("达标比例", "share met"),
    "on": ("评估日期", "assessed on"),
    "errors": ("插件错误", "plugin errors"),
    "indicator": ("指标", "indicator"),
    "required": ("要求", "required"),
    "basis": ("依据", "basis"),
    "met": ("达标", "met"),
    "not_met": ("未达标", "not met"),
    "unknown": ("数据不足", "unknown"),
    "not_applicable": ("不适用", "not applicable"),
    "error": ("出错", "error"),
    "failure": ("不合格", "failure"),
    "warning": ("警示", "warning"),
    "not_due": ("未到期", "not yet due"),
    "none": ("无", "none"),
}


def label(key: str, lang: str = "en") -> str:
    """A user-facing word in Chinese (``zh``) or English (``en``)."""
    zh, en = _LABELS.get(key, (key, key))
    return zh if lang == "zh" else en


def finding_to_json(finding: Finding) -> dict[str, Any]:
    """One finding as JSON-ready data (the DESIGN contract's fields and a few more)."""
    data: dict[str, Any] = to_plain(finding)
    return data


def _rollup_to_json(rollup: RollUp) -> dict[str, Any]:
    data: dict[str, Any] = to_plain(rollup)
    share = rollup.share_met
    data["assessed"] = str(rollup.assessed)
    data["share_met"] = None if share is None else format_decimal(share)
    return data


def report_to_json(report: Report) -> dict[str, Any]:
    """A whole report as JSON-ready data."""
    return {
        "format": FORMAT_VERSION,
        "on": report.on.isoformat(),
        "dataset": report.dataset,
        "packs": list(report.packs),
        "summary": {s.value: str(report.summary.get(s, 0)) for s in Status},
        "findings": [finding_to_json(f) for f in report.findings],
        "rollups": [_rollup_to_json(r) for r in report.rollups],
        "errors": list(report.errors),
    }


def targets_to_json(targets: Iterable[TargetValue]) -> list[dict[str, Any]]:
    """Targets as plain JSON objects, numbers as strings of exact decimals."""
    return [to_plain(t) for t in targets]


_JSON_LITERAL: dict[object, str] = {None: "null", True: "true", False: "false"}
#: The JSON of every value of the enums a finding holds (and of None).
_ENUM_JSON: dict[object, str] = {
    None: "null",
    **{m: f'"{m.value}"' for e in (Status, Comparator, Attribute, Severity) for m in e},
}


#: The JSON of the plain values a finding holds most, by their exact type.
_PLAIN: dict[type, Callable[[Any], str]] = {
    str: encode_basestring,
    type(None): lambda _: "null",
    bool: lambda b: "true" if b else "false",
    int: lambda i: f'"{i}"',
    Decimal: lambda d: f'"{format_decimal(d)}"',
    date: lambda d: f'"{d.isoformat()}"',
    frozenset: lambda items: (  # a checklist: its items sorted, as the converter writes it
        f"[{', '.join(map(encode_basestring, sorted(items)))}]"
        if all(type(i) is str for i in items)
        else json.dumps(to_plain(items), ensure_ascii=False)
    ),
}


class _LineEncoder:
    """Findings as JSON lines: the same text as ``json.dumps(finding_to_json(f),
    ensure_ascii=False)``, written field by field (several times faster). Each rule's
    citation is encoded once; values other than text, numbers, dates and enums go
    through the converter. ``tests/test_jsonl.py`` holds it to ``finding_to_json``."""

    #: Finding's fields in the order the converter writes them; checked at import.
    FIELDS = (
        "pack", "rule", "unit", "status", "message_zh", "message_en", "actual", "required",
        "comparator", "gap", "measure", "deadline", "citation", "attribute", "due", "period",
        "missing", "details", "trajectory", "parts",
    )  # fmt: skip

    def __init__(self) -> None:
        self._citations: dict[int, tuple[object, str]] = {}
        #: (pack, rule) → the line's text up to the unit's code
        self._heads: dict[tuple[str, str], str] = {}
        #: (measure, deadline, id(citation), attribute, due) → (the citation, their
        #: JSON, status → the severity's JSON): one per rule, mostly, so a rule's
        #: citation and deadline are encoded once per run. Keyed by the citation's
        #: identity (hashing it would run attrs' __hash__ for every line); the entry
        #: keeps the citation alive, so its id cannot be reused while it is cached.
        self._middles: dict[tuple[object, ...], tuple[object, str, dict[object, str]]] = {}

    @staticmethod
    def _any(value: object) -> str:
        plain = _PLAIN.get(type(value))
        if plain is not None:
            return plain(value)
        if isinstance(value, Enum):
            return encode_basestring(str(value.value))
        if isinstance(value, str):
            return encode_basestring(value)
        return json.dumps(to_plain(value), ensure_ascii=False)

    def _citation(self, citation: object) -> str:
        cached = self._citations.get(id(citation))
        if cached is None or cached[0] is not citation:
            cached = self._citations[id(citation)] = (citation, self._any(citation))
        return cached[1]

    def _head(self, f: Finding) -> str:
        head = self._heads[(f.pack, f.rule)] = (
            f'{{"pack": {encode_basestring(f.pack)}, "rule": {encode_basestring(f.rule)}, "unit": '
        )
        return head

    def _middle(self, key: tuple[object, ...], f: Finding) -> tuple[object, str, dict[object, str]]:
        deadline = f.deadline
        middle = self._middles[key] = (
            f.citation,
            f'"measure": {encode_basestring(f.measure)}, '
            f'"deadline": {"null" if deadline is None else chr(34) + deadline.isoformat() + chr(34)}, '
            f'"citation": {"null" if f.citation is None else self._citation(f.citation)}, '
            f'"attribute": {_ENUM_JSON[f.attribute]}, "due": {_JSON_LITERAL[f.due]}, ',
            {},  # a finding's severity follows from its status, due and attribute
        )
        return middle

    def line(self, f: Finding) -> str:
        text, any_, enum = encode_basestring, self._any, _ENUM_JSON
        head = self._heads.get((f.pack, f.rule)) or self._head(f)
        citation, status = f.citation, f.status
        key = (f.measure, f.deadline, id(citation), f.attribute, f.due)
        middle = self._middles.get(key)
        if middle is None or middle[0] is not citation:
            middle = self._middle(key, f)
        severities = middle[2]
        severity = severities.get(status) or severities.setdefault(status, enum[f.severity])
        gap, period, missing, details = f.gap, f.period, f.missing, f.details
        return (
            f"{head}{text(f.unit)}, "
            f'"status": {enum[status]}, "message_zh": {text(f.message_zh)}, '
            f'"message_en": {text(f.message_en)}, "actual": {any_(f.actual)}, '
            f'"required": {any_(f.required)}, "comparator": {enum[f.comparator]}, '
            f'"gap": {"null" if gap is None else chr(34) + format_decimal(gap) + chr(34)}, '
            f"{middle[1]}"
            f'"period": {"null" if period is None else text(period)}, '
            f'"missing": [{", ".join(map(text, missing)) if missing else ""}], '
            f'"details": [{", ".join(map(text, details)) if details else ""}], '
            f'"trajectory": {"null" if f.trajectory is None else any_(f.trajectory)}, '
            f'"parts": {any_(f.parts) if f.parts else "[]"}, '
            f'"severity": {severity}}}'
        )


if tuple(field.name for field in attrs.fields(Finding)) != _LineEncoder.FIELDS:  # pragma: no cover
    raise ImportError("Finding's fields changed: update render._LineEncoder with them")


def finding_to_json_line(finding: Finding) -> str:
    """One finding as one line of JSON (no newline): ``finding_to_json`` as text."""
    return _LineEncoder().line(finding)


def write_jsonl(findings: Iterable[Finding], out: IO[str]) -> int:
    """Write one finding per line as they come; returns how many were written."""
    count = 0
    line = _LineEncoder().line
    write = out.write
    for finding in findings:
        write(line(finding) + "\n")
        count += 1
    return count


def write_targets_jsonl(targets: Iterable[TargetValue], out: IO[str]) -> int:
    """Write one target per line (its :func:`targets_to_json` object) as they come;
    returns how many were written."""
    count = 0
    write = out.write
    for target in targets:
        write(json.dumps(to_plain(target), ensure_ascii=False) + "\n")
        count += 1
    return count


def _status_text(finding: Finding, lang: str) -> str:
    text = label(finding.status.value, lang)
    severity = finding.severity
    if severity is not None and finding.status is Status.NOT_MET:
        text += f" ({label(severity.value, lang)}"
        if finding.due is False:
            text += f", {label('not_due', lang)}"
        text += ")"
    return text


_STYLE = {
    Status.MET: "green",
    Status.NOT_MET: "red",
    Status.UNKNOWN: "yellow",
    Status.NOT_APPLICABLE: "dim",
    Status.ERROR: "bold red",
}


def _clause(finding: Finding) -> str:
    return finding.citation.locator if finding.citation else ""


def report_to_table(report: Report, console: Console, lang: str = "en") -> None:
    """Print a report as terminal tables: findings, then the summary."""
    from rich.table import Table

    table = Table(title=f"{label('findings', lang)} · {label('on', lang)} {report.on.isoformat()}")
    for key in ("unit", "pack", "rule", "status", "message", "clause"):
        table.add_column(label(key, lang), overflow="fold")
    for f in report.findings:
        table.add_row(
            f.unit,
            f.pack,
            f.rule,
            f"[{_STYLE[f.status]}]{_status_text(f, lang)}[/]",
            f.message(lang),
            _clause(f),
        )
    console.print(table)
    console.print(_summary_line(report, lang))
    for error in report.errors:
        console.print(f"[bold red]{label('errors', lang)}:[/] {error}")


def _summary_line(report: Report, lang: str) -> str:
    parts = [f"{label(s.value, lang)} {report.summary.get(s, 0)}" for s in Status]
    return f"{label('summary', lang)}: " + ", ".join(parts)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report_to_markdown(report: Report, lang: str = "en") -> str:
    """A report as Markdown that reads well as plain text and renders as tables."""
    lines = [
        f"# {label('findings', lang)}: {report.dataset}",
        "",
        f"- {label('on', lang)}: {report.on.isoformat()}",
        f"- {label('pack', lang)}: {', '.join(report.packs) or label('none', lang)}",
        f"- {_summary_line(report, lang)}",
        "",
    ]
    for error in report.errors:
        lines.append(f"> **{label('errors', lang)}:** {_md_cell(error)}")
        lines.append("")
    by_status: dict[Status, list[Finding]] = {}
    for finding in report.findings:
        by_status.setdefault(finding.status, []).append(finding)
    for status in (Status.ERROR, Status.NOT_MET, Status.UNKNOWN, Status.MET, Status.NOT_APPLICABLE):
        found = by_status.get(status)
        if not found:
            continue
        lines += [f"## {label(status.value, lang)} ({len(found)})", ""]
        heads = [label(k, lang) for k in ("unit", "pack", "rule", "status", "message", "clause")]
        lines += ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        for f in found:
            cells = [f.unit, f.pack, f.rule, _status_text(f, lang), f.message(lang), _clause(f)]
            lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
        lines.append("")
    if report.rollups:
        lines += [f"## {label('rollups', lang)}", ""]
        heads = [label(k, lang) for k in ("unit", "pack", "rule", "level", "met", "share_met")]
        lines += ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        for r in report.rollups:
            share = (
                "–"
                if r.share_met is None
                else f"{format_decimal((r.share_met * 100).quantize(Decimal('0.01')))}%"
            )
            lines.append(
                f"| {r.unit} | {r.pack} | {r.rule} | {r.level.zh if lang == 'zh' else r.level.value}"
                f" | {r.met}/{r.assessed} | {share} |"
            )
        lines.append("")
    return "\n".join(lines)
