"""Renderers: a report as JSON, JSON lines, Markdown or a terminal table.

The JSON form is the documented output contract (see ``docs/reference/output.rst``):
every number is a string of an exact decimal, dates are ISO strings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from minzheng.io.converter import to_plain
from minzheng.model import Finding, Report, RollUp, Status, TargetValue
from minzheng.model.values import format_decimal

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


def finding_to_json_line(finding: Finding) -> str:
    """One finding as one line of JSON (no newline): ``finding_to_json`` as text."""
    return json.dumps(finding_to_json(finding), ensure_ascii=False)


def write_jsonl(findings: Iterable[Finding], out: IO[str]) -> int:
    """Write one finding per line as they come; returns how many were written."""
    count = 0
    for finding in findings:
        out.write(finding_to_json_line(finding) + "\n")
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
