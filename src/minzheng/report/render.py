"""Renderers: a report as JSON, JSON lines, Markdown or a terminal table.

The JSON form is the documented output contract (see ``docs/reference/output.rst``):
every number is a string of an exact decimal, dates are ISO strings.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from minzheng.i18n import CATALOGUE, text
from minzheng.io.converter import to_plain
from minzheng.model import Finding, Report, RollUp, Status, TargetValue
from minzheng.model.runs import RunRecord
from minzheng.model.values import format_decimal

if TYPE_CHECKING:  # rich is imported when a table is drawn: start-up of the rest is quicker
    from rich.console import Console

__all__ = [
    "FORMAT_VERSION",
    "STATUS_ORDER",
    "TABLE_WIDTH",
    "finding_to_json",
    "finding_to_json_line",
    "label",
    "printable",
    "report_to_json",
    "report_to_markdown",
    "report_to_table",
    "run_rows",
    "targets_to_json",
    "write_jsonl",
    "write_targets_jsonl",
]

#: The version of the JSON output format; changes only with a changelog entry.
FORMAT_VERSION = "1"


#: Characters that would act on a terminal rather than be shown: C0 controls (but
#: newline and tab), DEL, C1 controls, and the bidirectional overrides that reorder text.
_CONTROLS = dict.fromkeys(
    [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), 0x200E, 0x200F,
     *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)  # fmt: skip
for _code in _CONTROLS:
    _CONTROLS[_code] = f"\\x{_code:02x}" if _code < 0x100 else f"\\u{_code:04x}"


def printable(value: str) -> str:
    """``value`` with every character that would act on a terminal (escape sequences,
    bells, carriage returns, bidirectional overrides) written as an escape
    (``\\x1b``): text from a dataset or a pack is shown, never obeyed."""
    return value.translate(_CONTROLS)


def _escape(value: str) -> str:
    """Text to print on a rich console as it is: controls escaped, markup too."""
    from rich.markup import escape

    return escape(printable(value))


def label(key: str, lang: str = "en") -> str:
    """A word of the reports in Chinese (``zh``) or English (``en``): a status
    (``not_met``), a severity (``failure``, ``not_due``) or a label (``unit``), from the
    message catalogue (:mod:`minzheng.i18n`)."""
    for group in ("status", "severity", "word"):
        if f"{group}.{key}" in CATALOGUE:
            return text(f"{group}.{key}", lang)
    return key


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


def run_rows(run: RunRecord, lang: str = "en") -> list[tuple[str, str]]:
    """A run record's fields as ``(label, value)`` rows in ``lang``, for the reports
    (without the fingerprint of each rule, which they list apart)."""
    data = run.to_json()
    packs = ", ".join(f"{name} {version}" for name, version in run.packs.items())
    keys = ("run_id", "started", "on", "dataset", "minzheng", "packs", "rules", "input")
    values = {**data, "packs": packs}
    return [
        (text("word.on" if key == "on" else f"run.{key}", lang), str(values[key])) for key in keys
    ]


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
        "run": None if report.run is None else report.run.to_json(),
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
    shown, severity = label(finding.status.value, lang), _severity_text(finding, lang)
    return f"{shown} ({severity})" if severity else shown


def _severity_text(finding: Finding, lang: str) -> str:
    """``failure``, ``warning, not yet due`` …: how grave a finding not met is."""
    severity = finding.severity
    if severity is None or finding.status is not Status.NOT_MET:
        return ""
    shown = label(severity.value, lang)
    if finding.due is False:
        shown += text("word.list_sep", lang) + label("not_due", lang)
    return shown


_STYLE = {
    Status.MET: "green",
    Status.NOT_MET: "red",
    Status.UNKNOWN: "yellow",
    Status.NOT_APPLICABLE: "dim",
    Status.ERROR: "bold red",
}
#: Statuses in the order people read findings, what is wrong first.
STATUS_ORDER = (Status.NOT_MET, Status.ERROR, Status.UNKNOWN, Status.MET, Status.NOT_APPLICABLE)
#: The width of the terminal table, on a terminal and in a file alike.
TABLE_WIDTH = 100


def _clause(finding: Finding) -> str:
    return finding.citation.locator if finding.citation else ""


def _counts(findings: Iterable[Finding], lang: str) -> str:
    """``未达标 3, 达标 12``: the statuses present, in reading order."""
    by_status = Counter(f.status for f in findings)
    return ", ".join(
        f"{label(s.value, lang)} {by_status[s]}" for s in STATUS_ORDER if by_status[s]
    ) or label("none", lang)


def report_to_table(
    report: Report, console: Console, lang: str = "en", names: Mapping[str, str] | None = None
) -> None:
    """Print a report for people: a line per pack, then the findings grouped by status
    (not met first), each unit by name and code (``names``: code → name), then the
    summary. Fits :data:`TABLE_WIDTH` columns."""
    from rich.table import Table

    escape = _escape
    names = names or {}
    console.print(
        escape(f"{label('findings', lang)} · {label('on', lang)} {report.on.isoformat()}")
    )
    for pack in report.packs:  # a pack that found nothing (no unit of its region) is left out
        found = [f for f in report.findings if f.pack == pack]
        if found:
            console.print(escape(f"  {pack}: {_counts(found, lang)}"))
    for status in STATUS_ORDER:
        found = [f for f in report.findings if f.status is status]
        if not found:
            continue
        console.print(f"[{_STYLE[status]}]{escape(label(status.value, lang))} ({len(found)})[/]")
        table = Table(expand=True)
        rule_width = min(max(len(f.rule) for f in found), 24)
        table.add_column(label("unit", lang), overflow="fold", max_width=18)
        table.add_column(label("rule", lang), overflow="fold", min_width=rule_width)
        table.add_column(label("message", lang), overflow="fold", ratio=1)
        table.add_column(label("clause", lang), overflow="fold", max_width=12)
        for f in found:
            unit = f"{names[f.unit]}\n{f.unit}" if f.unit in names else f.unit
            severity = _severity_text(f, lang)
            rule = f"{f.rule}\n{severity}" if severity else f.rule
            table.add_row(escape(unit), escape(rule), escape(f.message(lang)), escape(_clause(f)))
        console.print(table)
    console.print(escape(_summary_line(report, lang)))
    for error in report.errors:
        console.print(f"[bold red]{escape(label('errors', lang))}:[/] {escape(error)}")


def _summary_line(report: Report, lang: str) -> str:
    parts = [f"{label(s.value, lang)} {report.summary.get(s, 0)}" for s in Status]
    return f"{label('summary', lang)}: " + ", ".join(parts)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report_to_markdown(
    report: Report, lang: str = "en", names: Mapping[str, str] | None = None
) -> str:
    """A report as Markdown that reads well as plain text and renders as tables (each
    unit by name and code when ``names`` gives them)."""
    names = names or {}
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
    for status in STATUS_ORDER:
        found = by_status.get(status)
        if not found:
            continue
        lines += [f"## {label(status.value, lang)} ({len(found)})", ""]
        heads = [label(k, lang) for k in ("unit", "pack", "rule", "status", "message", "clause")]
        lines += ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        for f in found:
            unit = f"{names[f.unit]} ({f.unit})" if f.unit in names else f.unit
            cells = [unit, f.pack, f.rule, _status_text(f, lang), f.message(lang), _clause(f)]
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
                f"| {r.unit} | {r.pack} | {r.rule} | {text(f'level.{r.level.value}', lang)}"
                f" | {r.met}/{r.assessed} | {share} |"
            )
        lines.append("")
    return printable("\n".join(lines))
