"""A self-contained HTML report with charts, for the people who read the results.

``minzheng assess FILE --format html -o report.html`` writes one file that opens without
a network: a summary per pack and per unit, charts, and the findings grouped by status
with the clause each cites. Charts are drawn by matplotlib as inline SVG whose text stays
text (``svg.fonttype = none``), so the browser shows the Chinese with its own fonts; a
CJK font installed for matplotlib (e.g. Noto Sans CJK) only makes the layout exact.

The charts, where the findings have what they need:

- **gap to target**: for each pack, the units furthest from a target, as the share of
  the required value they reach;
- **trajectories**: the straight line from baseline to target, with the actual values of
  every year the dataset has;
- **scores by category**: for a scorecard (parts grouped by category, e.g. Yancheng),
  each unit's points per category against the threshold;
- **milestones**: for parts without groups (e.g. the city timeline), actual against
  required for each part.
"""

from __future__ import annotations

import functools
import io
import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Mapping
from decimal import Decimal

from jinja2 import Environment, PackageLoader, select_autoescape
from matplotlib import rcParams
from matplotlib.figure import Figure

from minzheng import __version__
from minzheng.io.dataset import Dataset
from minzheng.model import Comparator, Finding, Report, Status, measure_zh
from minzheng.packs.registry import Registry
from minzheng.report.render import label

__all__ = ["report_to_html"]

_CJK_FONTS = [
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei",
    "SimHei", "Microsoft YaHei", "PingFang SC", "DejaVu Sans",
]  # fmt: skip
_COLOURS = {"met": "#1b7f3b", "not_met": "#c62828", "line": "#1f77b4", "target": "#6b7280"}
_MAX_CHARTS = 12

_WORDS = {
    "title": ("民政评估报告", "Civil-affairs assessment"),
    "on": ("评估日期", "assessed on"),
    "packs": ("规则包", "packs"),
    "summary": ("汇总", "Summary"),
    "pack": ("规则包", "pack"),
    "unit": ("单位", "unit"),
    "name": ("名称", "name"),
    "charts": ("图表", "Charts"),
    "findings": ("评估结果", "Findings"),
    "rule": ("规则", "rule"),
    "message": ("说明", "message"),
    "clause": ("条款原文", "clause"),
    "errors": ("插件错误", "plugin error"),
}


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("minzheng.report", "_html"),
        autoescape=select_autoescape(["html", "j2"]),
    )


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    with warnings.catch_warnings():  # without a CJK font, glyphs are missing for layout only
        warnings.filterwarnings("ignore", message=".*[Gg]lyph.*missing.*")
        figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prologue and doctype


def _figure(height: float) -> Figure:
    rcParams["svg.fonttype"] = "none"
    rcParams["font.sans-serif"] = _CJK_FONTS
    rcParams["font.family"] = "sans-serif"
    rcParams["axes.unicode_minus"] = False
    return Figure(figsize=(9, height), dpi=100)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return float(value)


def _gap_charts(report: Report, names: Mapping[str, str], lang: str) -> list[dict[str, str]]:
    by_pack: dict[str, list[tuple[float, str, float, float]]] = defaultdict(list)
    for f in report.findings:
        actual, required = _number(f.actual), _number(f.required)
        if f.status is not Status.NOT_MET or f.comparator not in (
            Comparator.GE,
            Comparator.EQ,
            Comparator.GT,
        ):
            continue
        if actual is None or not required:
            continue
        share = max(min(actual / required, 1.0), 0.0)
        by_pack[f.pack].append((share, f"{names.get(f.unit, f.unit)} · {f.rule}", actual, required))
    charts: list[dict[str, str]] = []
    for pack, rows in sorted(by_pack.items()):
        rows = sorted(rows)[:25]
        figure = _figure(0.35 * len(rows) + 1.2)
        axes = figure.subplots()
        labels = [r[1] for r in rows]
        axes.barh(labels, [100.0] * len(rows), color="#f3f4f6", edgecolor=_COLOURS["target"])
        axes.barh(labels, [r[0] * 100 for r in rows], color=_COLOURS["not_met"])
        axes.invert_yaxis()
        axes.set_xlim(0, 100)
        axes.set_xlabel(
            "达到要求的比例 (%)" if lang == "zh" else "share of the required value reached (%)"
        )
        axes.set_title(f"{pack}: " + ("距目标差距" if lang == "zh" else "gap to target"))
        caption = (
            "未达标的单位,按达到要求的比例排列"
            if lang == "zh"
            else "units not meeting a target, by the share of the required value they reach"
        )
        charts.append({"kind": "gap", "svg": _svg(figure), "caption": caption})
    return charts


def _trajectory_charts(report: Report, dataset: Dataset, registry: Registry, names: Mapping[str, str],
                       lang: str) -> list[dict[str, str]]:  # fmt: skip
    charts: list[dict[str, str]] = []
    indicators = registry.indicators
    for f in report.findings:
        line = f.trajectory
        if line is None or len(charts) >= _MAX_CHARTS:
            continue
        rule = (
            registry.rule(f.rule)[1] if f.rule in {r.id for _, r in registry.iter_rules()} else None
        )
        indicator = getattr(rule, "indicator", None)
        series = dataset.series(f.unit, indicator) if isinstance(indicator, str) else {}
        points = sorted((int(p[:4]), y) for p, v in series.items() if (y := _number(v)) is not None)
        figure = _figure(3.2)
        axes = figure.subplots()
        axes.plot(
            [line.baseline_year, line.target_year],
            [float(line.baseline), float(line.target)],
            linestyle="--",
            color=_COLOURS["target"],
            label="规划进度" if lang == "zh" else "planned line",
        )
        if points:
            axes.plot(
                [p[0] for p in points],
                [p[1] for p in points],
                marker="o",
                color=_COLOURS["line"],
                label="实际值" if lang == "zh" else "actual",
            )
        axes.set_xticks(range(line.baseline_year, line.target_year + 1))
        declared = indicators.get(indicator) if isinstance(indicator, str) else None
        if lang != "zh":
            axes.set_ylabel(f.measure)
        else:
            axes.set_ylabel(declared.measure_zh if declared else measure_zh(f.measure))
        axes.legend(loc="best")
        axes.set_title(f"{names.get(f.unit, f.unit)} · {f.rule}")
        position = label(line.position.value, lang) if line.position else ""
        caption = f"{f.message(lang)} {position}".strip()
        charts.append({"kind": "trajectory", "svg": _svg(figure), "caption": caption})
    return charts


def _scorecard_charts(report: Report, names: Mapping[str, str], lang: str) -> list[dict[str, str]]:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        if f.parts and any(p.group for p in f.parts) and _number(f.required) is not None:
            by_rule[f.rule].append(f)
    charts: list[dict[str, str]] = []
    for rule, findings in sorted(by_rule.items())[:_MAX_CHARTS]:
        groups = list(dict.fromkeys(p.group for f in findings for p in f.parts if p.group))
        figure = _figure(0.4 * len(findings) + 1.6)
        axes = figure.subplots()
        units = [names.get(f.unit, f.unit) for f in findings]
        left = [0.0] * len(findings)
        for group in groups:
            values = [
                sum(_number(p.actual) or 0.0 for p in f.parts if p.group == group) for f in findings
            ]
            shown = group.split(" / ")[0 if lang == "zh" else -1]
            axes.barh(units, values, left=left, label=shown)
            left = [a + b for a, b in zip(left, values, strict=True)]
        threshold = _number(findings[0].required)
        if threshold is not None:
            axes.axvline(threshold, color=_COLOURS["not_met"], linestyle="--")
        axes.invert_yaxis()
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
        axes.set_title(f"{rule}: " + ("分类得分" if lang == "zh" else "score by category"))
        caption = (
            "各单位分类得分,虚线为门槛"
            if lang == "zh"
            else "points per category; the dashed line is the threshold"
        )
        charts.append({"kind": "scorecard", "svg": _svg(figure), "caption": caption})
    return charts


def _parts_charts(report: Report, names: Mapping[str, str], lang: str) -> list[dict[str, str]]:
    charts: list[dict[str, str]] = []
    for f in report.findings:
        parts = [
            p
            for p in f.parts
            if not p.group and _number(p.actual) is not None and _number(p.required) is not None
        ]
        if not parts or len(parts) != len(f.parts) or len(charts) >= _MAX_CHARTS:
            continue
        figure = _figure(3.0)
        axes = figure.subplots()
        labels = [p.name_zh if lang == "zh" else p.name_en for p in parts]
        positions = range(len(parts))
        axes.bar(
            [x - 0.2 for x in positions],
            [_number(p.required) or 0.0 for p in parts],
            width=0.4,
            color="#d1d5db",
            label="要求" if lang == "zh" else "required",
        )
        axes.bar(
            [x + 0.2 for x in positions],
            [_number(p.actual) or 0.0 for p in parts],
            width=0.4,
            color=_COLOURS["line"],
            label="实际" if lang == "zh" else "actual",
        )
        axes.set_xticks(list(positions), labels)
        axes.legend(loc="best")
        axes.set_title(f"{names.get(f.unit, f.unit)} · {f.rule}")
        charts.append({"kind": "milestones", "svg": _svg(figure), "caption": f.message(lang)})
    return charts


def report_to_html(report: Report, dataset: Dataset, registry: Registry, lang: str = "en") -> str:
    """The report as one self-contained HTML page (see the module docstring)."""
    names = {code: unit.name for code, unit in dataset.units.items()}
    statuses = list(Status)
    pack_counts: dict[str, Counter[Status]] = defaultdict(Counter)
    unit_counts: dict[str, Counter[Status]] = defaultdict(Counter)
    groups: dict[Status, list[tuple[Finding, str]]] = defaultdict(list)
    for f in report.findings:
        pack_counts[f.pack][f.status] += 1
        unit_counts[f.unit][f.status] += 1
        groups[f.status].append((f, names.get(f.unit, "")))
    order = (Status.ERROR, Status.NOT_MET, Status.UNKNOWN, Status.MET, Status.NOT_APPLICABLE)
    charts = (
        _gap_charts(report, names, lang)
        + _trajectory_charts(report, dataset, registry, names, lang)
        + _scorecard_charts(report, names, lang)
        + _parts_charts(report, names, lang)
    )
    template = _environment().get_template("report.html.j2")
    html = template.render(
        report=report,
        lang=lang,
        version=__version__,
        t={k: (zh if lang == "zh" else en) for k, (zh, en) in _WORDS.items()},
        label=lambda key: label(key, lang),
        statuses=statuses,
        by_pack=sorted(pack_counts.items()),
        packs_seen=sorted(pack_counts),
        by_unit=[
            (code, names.get(code, ""), unit_counts[code])
            for code in dataset.units
            if code in unit_counts
        ],
        groups=[(s, groups[s]) for s in order if groups.get(s)],
        charts=charts,
    )
    return re.sub(r"\n\s*\n", "\n", html)
