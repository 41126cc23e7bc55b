"""A self-contained HTML report with charts, for the people who read the results.

``minzheng assess FILE --format html -o report.html`` writes one file that opens without
a network: a summary per pack and per unit, charts (``minzheng.report._charts``),
and the findings grouped by status with the clause each cites, every word in the
chosen language, and the run's record (:class:`~minzheng.model.RunRecord`). The
same findings of the same run record give the same bytes.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict

from minzheng.errors import MissingExtra

try:
    from jinja2 import Environment, PackageLoader, select_autoescape
except ImportError as missing:  # an extra: say which
    raise MissingExtra("html", "HTML") from missing

from minzheng import __version__
from minzheng.i18n import text
from minzheng.io.dataset import Dataset
from minzheng.model import Finding, Report, Status
from minzheng.packs.registry import Registry
from minzheng.report._charts import charts
from minzheng.report.render import STATUS_ORDER, label, run_rows

__all__ = ["report_to_html"]

#: The page's words: template name → catalogue id.
_WORDS = {
    "title": "report.title", "on": "word.on", "packs": "word.packs", "summary": "report.summary",
    "pack": "word.pack", "unit": "word.unit", "name": "word.name", "charts": "report.charts",
    "findings": "report.findings", "rule": "word.rule", "message": "word.message",
    "clause": "word.clause_text", "errors": "word.errors", "run": "run.title",
    "rule_fingerprints": "run.rule_fingerprints",
}  # fmt: skip


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("minzheng.report", "_html"),
        autoescape=select_autoescape(["html", "j2"]),
    )


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
    template = _environment().get_template("report.html.j2")
    html = template.render(
        report=report,
        lang=lang,
        version=__version__,
        t={k: text(key, lang) for k, key in _WORDS.items()},
        label=lambda key: label(key, lang),
        statuses=statuses,
        by_pack=sorted(pack_counts.items()),
        packs_seen=sorted(pack_counts),
        by_unit=[
            (code, names.get(code, ""), unit_counts[code])
            for code in dataset.units
            if code in unit_counts
        ],
        groups=[(s, groups[s]) for s in STATUS_ORDER if groups.get(s)],
        charts=charts(report, dataset, registry, lang),
        run=[] if report.run is None else run_rows(report.run, lang),
        rule_fingerprints=[] if report.run is None else report.run.rule_fingerprints.items(),
    )
    return re.sub(r"\n\s*\n", "\n", html)
