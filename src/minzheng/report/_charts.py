"""The charts of the HTML report, drawn by matplotlib as inline SVG.

Text stays text (``svg.fonttype = none``) so the browser shows the Chinese with its own
fonts; ids are salted and the metadata dropped, so the same findings draw the same
bytes. Every chart is laid out so that its labels cannot collide: bars are horizontal
with one row per unit (the figure grows with the rows), legends sit outside the axes,
and the axis leaves room for the value written at the end of each bar.

- **gap**: for each pack, the findings not met, each bar what is *missing* to reach
  the requirement as a share of it (99.8 % against 100 % is a sliver, not a full bar);
- **trajectory**: the straight line from baseline to target and the actual values;
- **scorecard**: a score in categories (e.g. Yancheng), stacked per unit, the total
  at the end of each bar and the threshold as a dashed line;
- **pair**: two scores of one thing side by side per unit, a rule comparing them rather
  than requiring one (Yancheng's self-assessment against the city review);
- **milestones**: the parts of one finding, required against actual (the city
  timeline's dates).
"""

from __future__ import annotations

import io
import re
import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal

from minzheng.errors import MissingExtra

try:
    from matplotlib import rcParams
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
except ImportError as missing:  # an extra: say which
    raise MissingExtra("html", "HTML") from missing

from minzheng.i18n import text
from minzheng.io.dataset import Dataset
from minzheng.model import Comparator, Finding, Report, Status, measure_zh
from minzheng.model.values import format_decimal, format_quantity
from minzheng.packs.registry import Registry

__all__ = ["charts"]

_CJK_FONTS = [
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei",
    "SimHei", "Microsoft YaHei", "PingFang SC", "DejaVu Sans",
]  # fmt: skip
#: The status colours (as in the page's styles) and the lines'.
_COLOURS = {"not_met": "#c62828", "line": "#1f4e79", "target": "#6b7280", "light": "#d1d5db"}
#: Colours of categories and series: blues, purples and greys, never a status's green,
#: red or amber.
_SERIES = ("#1f4e79", "#5b9bd5", "#7b68a6", "#9ecae1", "#4d4d4d", "#b4a7d6", "#a6a6a6")
_MAX_CHARTS = 12
_MAX_ROWS = 25
Chart = dict[str, str]


def charts(report: Report, dataset: Dataset, registry: Registry, lang: str) -> list[Chart]:
    """Every chart the findings have what they need for, in the order shown."""
    names = {code: unit.name for code, unit in dataset.units.items()}
    return [
        *_gap_charts(report, names, lang),
        *_trajectory_charts(report, (dataset, names), registry, lang),
        *_scorecard_charts(report, names, lang),
        *_pair_charts(report, names, lang),
        *_milestone_charts(report, names, lang),
    ]


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    with warnings.catch_warnings():  # without a CJK font, glyphs are missing for layout only
        warnings.filterwarnings("ignore", message=".*[Gg]lyph.*missing.*")
        figure.savefig(
            buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None}
        )
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML prologue and doctype
    return re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)


def _figure(rows: int, per_row: float = 0.42) -> tuple[Figure, Axes]:
    """A figure of one axes, tall enough for ``rows`` bars (``rows`` 0: a line chart)."""
    rcParams["svg.fonttype"] = "none"
    rcParams["svg.hashsalt"] = "minzheng"  # the same ids in every run
    rcParams["font.sans-serif"] = _CJK_FONTS
    rcParams["font.family"] = "sans-serif"
    rcParams["axes.unicode_minus"] = False
    figure = Figure(figsize=(9, per_row * rows + 1.4 if rows else 3.2), dpi=100)
    return figure, figure.subplots()


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return float(value)


def _numeric(value: object) -> bool:
    return _number(value) is not None


def _shown(value: float) -> str:
    """A bar's value as its label: ``94`` for 94.0, ``92.5``."""
    return str(int(value)) if value.is_integer() else format_decimal(Decimal(repr(value)))


def _measure(f: Finding, lang: str) -> str:
    return measure_zh(f.measure) if lang == "zh" else f.measure


def _label_bars(axes: Axes, container: object, labels: Sequence[str]) -> None:
    """Write ``labels`` just past the end of each bar, small enough for its row."""
    axes.bar_label(container, labels=list(labels), padding=3, fontsize=8)  # type: ignore[arg-type]


def _room(axes: Axes, largest: float) -> None:
    """An axis from 0 that holds the longest bar and the label after it."""
    axes.set_xlim(0, (largest or 1.0) * 1.3)


def _chart(kind: str, figure: Figure, caption: str) -> Chart:
    return {"kind": kind, "svg": _svg(figure), "caption": caption}


def _gap_charts(report: Report, names: Mapping[str, str], lang: str) -> list[Chart]:
    rows_by_pack: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
    for f in report.findings:
        actual, required = _number(f.actual), _number(f.required)
        wanted = f.comparator in (Comparator.GE, Comparator.GT, Comparator.EQ)
        if f.status is not Status.NOT_MET or not wanted or actual is None or not required:
            continue
        share = max(required - actual, 0.0) / required * 100
        gap = f.gap if f.gap is not None else Decimal(0)
        said = text("report.gap_label", lang, gap=format_quantity(gap, _measure(f, lang)))
        rows_by_pack[f.pack].append((share, f"{names.get(f.unit, f.unit)} · {f.rule}", said))
    found = []
    for pack, rows in sorted(rows_by_pack.items()):
        rows = sorted(rows, key=lambda r: -r[0])[:_MAX_ROWS]
        figure, axes = _figure(len(rows))
        bars = axes.barh([r[1] for r in rows], [r[0] for r in rows], color=_COLOURS["not_met"])
        _label_bars(axes, bars, [r[2] for r in rows])
        _room(axes, max(r[0] for r in rows))
        axes.invert_yaxis()
        axes.set_xlabel(text("report.gap_axis", lang))
        axes.set_title(text("report.gap_title", lang, pack=pack))
        found.append(_chart("gap", figure, text("report.gap_caption", lang)))
    return found


def _trajectory_charts(
    report: Report, units: tuple[Dataset, Mapping[str, str]], registry: Registry, lang: str
) -> list[Chart]:
    """``units``: the dataset (for the values of every year) and the units' names."""
    found: list[Chart] = []
    dataset, names = units
    rules = {r.id: r for _, r in registry.iter_rules()}
    for f in report.findings:
        line = f.trajectory
        if line is None or len(found) >= _MAX_CHARTS:
            continue
        indicator = getattr(rules.get(f.rule), "indicator", None)
        series = dataset.series(f.unit, indicator) if isinstance(indicator, str) else {}
        points = sorted((int(p[:4]), y) for p, v in series.items() if (y := _number(v)) is not None)
        figure, axes = _figure(0)
        axes.plot([line.baseline_year, line.target_year], [float(line.baseline), float(line.target)],
                  linestyle="--", color=_COLOURS["target"], label=text("report.planned", lang))  # fmt: skip
        if points:
            axes.plot([p[0] for p in points], [p[1] for p in points], marker="o",
                      color=_COLOURS["line"], label=text("report.actual", lang))  # fmt: skip
        axes.set_xticks(range(line.baseline_year, line.target_year + 1))
        declared = registry.indicators.get(indicator) if isinstance(indicator, str) else None
        shown = declared.measure_zh if declared and lang == "zh" else _measure(f, lang)
        axes.set_ylabel(shown)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        axes.set_title(f"{names.get(f.unit, f.unit)} · {f.rule}")
        position = text(f"position.{line.position.value}", lang) if line.position else ""
        found.append(_chart("trajectory", figure, f"{f.message(lang)} {position}".strip()))
    return found


def _scorecard_charts(report: Report, names: Mapping[str, str], lang: str) -> list[Chart]:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        if f.parts and any(p.group for p in f.parts) and _number(f.required) is not None:
            by_rule[f.rule].append(f)
    return [
        _scorecard(rule, findings, names, lang)
        for rule, findings in sorted(by_rule.items())[:_MAX_CHARTS]
    ]


def _scorecard(rule: str, findings: list[Finding], names: Mapping[str, str], lang: str) -> Chart:
    """Each unit's points stacked by category, the total after the bar."""
    groups = list(dict.fromkeys(p.group for f in findings for p in f.parts if p.group))
    figure, axes = _figure(len(findings))
    units = [names.get(f.unit, f.unit) for f in findings]
    left = [0.0] * len(findings)
    bars = None
    for colour, group in zip(_cycle(len(groups)), groups, strict=True):
        values = [
            sum(_number(p.actual) or 0.0 for p in f.parts if p.group == group) for f in findings
        ]
        shown = group.split(" / ")[0 if lang == "zh" else -1]
        bars = axes.barh(units, values, left=left, label=shown, color=colour)
        left = [a + b for a, b in zip(left, values, strict=True)]
    if bars is not None:
        _label_bars(axes, bars, [_shown(t) for t in left])
    threshold = _number(findings[0].required) or 0.0
    axes.axvline(threshold, color=_COLOURS["target"], linestyle="--",
                 label=text("report.threshold_at", lang, value=_shown(threshold)))  # fmt: skip
    _room(axes, max([*left, threshold]))
    axes.invert_yaxis()
    axes.set_xlabel(text("report.points", lang))
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    axes.set_title(text("report.scores_title", lang, rule=rule))
    return _chart("scorecard", figure, text("report.scores_caption", lang))


def _cycle(count: int) -> list[str]:
    return [_SERIES[i % len(_SERIES)] for i in range(count)]


def _pair_charts(report: Report, names: Mapping[str, str], lang: str) -> list[Chart]:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        paired = f.comparator is None and f.status is not Status.NOT_APPLICABLE
        if paired and _number(f.actual) is not None and _number(f.required) is not None:
            by_rule[f.rule].append(f)
    return [
        _pair(rule, findings, names, lang)
        for rule, findings in sorted(by_rule.items())[:_MAX_CHARTS]
    ]


def _pair(rule: str, findings: list[Finding], names: Mapping[str, str], lang: str) -> Chart:
    """Two values of each unit side by side: a score and its review (points), else the
    actual and the value compared with it."""
    scores = all(f.measure == "point" for f in findings)
    first, second = (
        ("report.self_score", "report.city_score")
        if scores
        else ("report.actual", "report.required")
    )
    figure, axes = _figure(len(findings), per_row=0.6)
    rows = range(len(findings))
    values = [
        [_number(f.actual) or 0.0 for f in findings],
        [_number(f.required) or 0.0 for f in findings],
    ]
    for offset, colour, key, series in (
        (-0.2, _SERIES[0], first, values[0]),
        (0.2, _SERIES[2], second, values[1]),
    ):
        bars = axes.barh(
            [r + offset for r in rows], series, height=0.4, color=colour, label=text(key, lang)
        )
        _label_bars(axes, bars, [_shown(v) for v in series])
    axes.set_yticks(list(rows), [names.get(f.unit, f.unit) for f in findings])
    _room(axes, max(max(values[0]), max(values[1])))
    axes.invert_yaxis()
    axes.set_xlabel(text("report.points" if scores else "report.value", lang))
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    axes.set_title(text("report.pair_title", lang, rule=rule))
    return _chart(
        "pair", figure, text("report.pair_caption" if scores else "report.value_caption", lang)
    )


def _milestone_charts(report: Report, names: Mapping[str, str], lang: str) -> list[Chart]:
    found: list[Chart] = []
    for f in report.findings:
        parts = [p for p in f.parts if not p.group and _numeric(p.actual) and _numeric(p.required)]
        if (
            f.comparator is None
            or not parts
            or len(parts) != len(f.parts)
            or len(found) >= _MAX_CHARTS
        ):
            continue
        figure, axes = _figure(len(parts), per_row=0.6)
        rows = range(len(parts))
        for offset, colour, key, attr in ((-0.2, _COLOURS["light"], "report.required", "required"),
                                          (0.2, _SERIES[0], "report.actual", "actual")):  # fmt: skip
            series = [_number(getattr(p, attr)) or 0.0 for p in parts]
            bars = axes.barh(
                [r + offset for r in rows], series, height=0.4, color=colour, label=text(key, lang)
            )
            _label_bars(axes, bars, [_shown(v) for v in series])
        axes.set_yticks(list(rows), [p.name_zh if lang == "zh" else p.name_en for p in parts])
        _room(axes, max(max(_number(p.actual) or 0.0, _number(p.required) or 0.0) for p in parts))
        axes.invert_yaxis()
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        axes.set_title(f"{names.get(f.unit, f.unit)} · {f.rule}")
        found.append(_chart("milestones", figure, f.message(lang)))
    return found
