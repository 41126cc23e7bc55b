"""The reports people read, with the installed packs on the samples: chart labels in
a real browser, what the gap chart draws, the same bytes from two runs, and a workbook
filled in Chinese read back."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import minzheng.cli
from minzheng import Engine, Registry, load_dataset
from minzheng.report.html import report_to_html
from minzheng.report.xlsx import template_workbook


def _chromium() -> str | None:
    return (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )


# -- charts read in a real browser ---------------------------------------------------

#: Run in the page: for every chart, the text labels whose boxes intersect (by more
#: than half a pixel each way) and those outside the chart's SVG.
_LABEL_CHECK = """<script>
window.addEventListener('load', () => document.fonts.ready.then(() => {
  const found = [];
  document.querySelectorAll('figure.chart').forEach((figure, n) => {
    const svg = figure.querySelector('svg'), box = svg.getBoundingClientRect();
    const labels = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
      .map(t => ({text: t.textContent.trim(), at: t.getBoundingClientRect()}));
    for (const a of labels) {
      if (a.at.left < box.left - 0.5 || a.at.right > box.right + 0.5 ||
          a.at.top < box.top - 0.5 || a.at.bottom > box.bottom + 0.5)
        found.push(`chart ${n}: ${a.text} outside`);
    }
    labels.forEach((a, i) => labels.slice(i + 1).forEach(b => {
      const w = Math.min(a.at.right, b.at.right) - Math.max(a.at.left, b.at.left);
      const h = Math.min(a.at.bottom, b.at.bottom) - Math.max(a.at.top, b.at.top);
      if (w > 0.5 && h > 0.5) found.push(`chart ${n}: ${a.text} over ${b.text}`);
    }));
  });
  const out = document.createElement('pre');
  out.id = 'label-check';
  out.textContent = JSON.stringify({charts: document.querySelectorAll('figure.chart').length, found});
  document.body.appendChild(out);
}));
</script>"""
EXAMPLES = Path(__file__).parents[1] / "examples"


def _in_chromium(page: Path, profile: str) -> str:
    run = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--window-size=1200,900", "--virtual-time-budget=5000",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


@pytest.mark.skipif(_chromium() is None, reason="needs a Chromium (.ci/run installs Debian's)")
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("example", ["jian-2018", "songming-2023", "yancheng-2017"])
def test_chart_labels_never_overlap_and_stay_inside(
    tmp_path: Path, example: str, lang: str
) -> None:
    page = tmp_path / "report.html"
    result = CliRunner().invoke(
        minzheng.cli.main,
        [
            "assess",
            str(EXAMPLES / f"{example}.yaml"),
            "--format",
            "html",
            "-o",
            str(page),
            "--lang",
            lang,
        ],
    )
    assert result.exit_code in (0, 1), result.output
    page.write_text(page.read_text("utf-8").replace("</body>", _LABEL_CHECK + "</body>"), "utf-8")
    with tempfile.TemporaryDirectory() as profile:
        dom = _in_chromium(page, profile)
    found = re.search(r'<pre id="label-check">(.*?)</pre>', dom, re.DOTALL)
    assert found is not None, dom[-2000:]
    checked = json.loads(
        found.group(1).replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")
    )
    assert checked["charts"] >= 1
    assert checked["found"] == []


def test_gap_chart_draws_what_is_missing() -> None:
    """A 99.8 % rate against 100 % is a sliver of a bar labelled with its shortfall."""
    installed = Registry.discover()
    dataset = load_dataset(EXAMPLES / "songming-2023.yaml", installed.indicators)
    html = report_to_html(Engine(installed).assess(dataset), dataset, installed, "zh")
    gap = html[html.index('data-kind="gap"') :]
    gap = gap[: gap.index("</figure>")]
    assert "未达标项距要求的差距" in gap
    assert "差 0.2%" in gap  # S-cremation: 99.8 % of 100 %


# -- the same input gives the same bytes ----------------------------------------------


@pytest.mark.parametrize("fmt", ["html", "xlsx"])
def test_two_runs_give_the_same_bytes(
    tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the run's time fixed (``SOURCE_DATE_EPOCH``), the run record is the same
    too, and so is every byte."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    outputs = []
    for run in ("first", "second"):
        out = tmp_path / f"{run}.{fmt}"
        result = CliRunner().invoke(
            minzheng.cli.main,
            [
                "assess",
                str(EXAMPLES / "yancheng-2017.yaml"),
                "--format",
                fmt,
                "-o",
                str(out),
                "--lang",
                "zh",
            ],
        )
        assert result.exit_code in (0, 1), result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert b"2023-11-14" in outputs[0] or fmt == "xlsx"  # the run's time, from the variable
    if fmt == "xlsx":  # no part carries the time it was written (runs a second apart would differ)
        with zipfile.ZipFile(io.BytesIO(outputs[0])) as book:
            assert {part.date_time for part in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_template_filled_in_chinese_is_read_back(tmp_path: Path) -> None:
    """A clerk types 是/否, 城市/农村 and checklist items by their Chinese names."""
    installed = Registry.discover()
    path = tmp_path / "jian.xlsx"
    template_workbook(installed.pack("jian"), installed.indicators, path, "zh")
    book = load_workbook(path)
    sheet = book["township 乡镇"]
    header = [c.value for c in sheet[1]]
    row = {"code": "360821101", "name": "永和镇", "area": "农村", "office_fixtures": "民政标识牌、工作制度",
           "seven_haves": "电话;电脑;高拍仪", "office_in_nursing_home": "否"}  # fmt: skip
    for name, value in row.items():
        sheet.cell(row=4, column=header.index(name) + 1, value=value)
    book.save(path)
    dataset = load_dataset(path, installed.indicators)
    facts = dataset.facts["360821101"]
    assert dataset.units["360821101"].area is not None
    assert dataset.units["360821101"].area.value == "rural"
    assert facts["seven_haves"][None] == frozenset({"telephone", "computer", "document_camera"})
    assert facts["office_fixtures"][None] == frozenset({"signboard", "work_rules"})
    assert facts["office_in_nursing_home"][None] is False
