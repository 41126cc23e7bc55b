"""Reports people read: Excel in and out, and the HTML report with charts."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import demo_pack
import minzheng.cli
from minzheng import Dataset, DatasetError, Engine, Registry, Status, load_dataset
from minzheng.report.html import report_to_html
from minzheng.report.render import label
from minzheng.report.xlsx import template_workbook
from minzheng.testing import make_registry

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def demo_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(minzheng.cli.settings, "registry", make_registry(("demo", demo_pack)))


def _template(tmp_path: Path, registry: Registry) -> Path:
    path = tmp_path / "demo.xlsx"
    template_workbook(registry.pack("demo"), registry.indicators, path, "zh")
    return path


def test_the_template_has_a_sheet_per_level_with_names_units_and_validation(
    tmp_path: Path, registry: Registry
) -> None:
    book = load_workbook(_template(tmp_path, registry))
    assert book.sheetnames == ["说明", "county 县", "township 乡镇", "facility 机构"]
    county = book["county 县"]
    header = [c.value for c in county[1]]
    assert header[:6] == ["code", "name", "parent", "area", "type", "period"]
    assert {"social_workers", "resident_population", "cremation_rate", "county_budget"} <= set(
        header
    )
    names = {h: county.cell(row=2, column=i + 1).value for i, h in enumerate(header)}
    assert names["cremation_rate"] == "火化率(%)"
    assert names["county_budget"] == "县级民政预算(元)"
    kinds = {v.type for v in county.data_validations.dataValidation}
    assert {"whole", "decimal", "list"} <= kinds
    facility = book["facility 机构"]
    flags = [
        v
        for v in facility.data_validations.dataValidation
        if v.type == "list" and "是" in (v.formula1 or "")
    ]
    assert flags  # the yes/no column offers 是/否


def _fill(
    path: Path, rows: dict[str, list[list[object]]], percent_cells: tuple[str, ...] = ()
) -> Path:
    """Fill a template as a bureau would: rows from row 4, by header name."""
    book = load_workbook(path)
    for title, values in rows.items():
        sheet = book[title]
        header = [c.value for c in sheet[1]]
        for offset, row in enumerate(values):
            for name, value in zip(row[::2], row[1::2], strict=True):
                sheet.cell(row=4 + offset, column=header.index(name) + 1, value=value)
    for ref in percent_cells:
        title, cell = ref.split("!")
        book[title][cell].number_format = "0.0%"
    out = path.with_name("filled.xlsx")
    book.save(out)
    return out


def test_template_filled_in_and_assessed(tmp_path: Path, registry: Registry) -> None:
    filled = _fill(
        _template(tmp_path, registry),
        {
            "county 县": [
                ["code", 990101, "name", "甲县", "resident_population", 123456, "social_workers", 124, "cremation_rate", 0.995,
                 "period", 2022, "county_budget", 120000.5],
            ],
            "township 乡镇": [
                ["code", "990101001", "name", "甲镇", "registered_population", 20000, "office_staff", 1, "office_fixtures", "phone; computer"],
            ],
            "facility 机构": [
                ["code", "990101001-HALL", "name", "大厅", "type", "service_hall", "civil_window", "是"],
            ],
        },
        percent_cells=("county 县!I4",),
    )  # fmt: skip
    dataset = load_dataset(filled, registry.indicators)
    assert dataset.facts["990101"]["cremation_rate"] == {
        "2022": __import__("decimal").Decimal("99.5")
    }
    assert dataset.units["990101001"].parent == "990101"
    report = Engine(registry).assess(dataset, on=__import__("datetime").date(2022, 12, 31))
    status = {(f.unit, f.rule): f.status for f in report.findings}
    assert status[("990101", "D-cremation")] is Status.NOT_MET
    assert status[("990101", "D-social-workers")] is Status.MET
    assert status[("990101001", "D-staff")] is Status.NOT_MET
    assert status[("990101001", "D-fixtures")] is Status.NOT_MET
    assert status[("990101001-HALL", "D-window")] is Status.MET


def test_mistakes_in_a_workbook_name_sheet_row_and_column(
    tmp_path: Path, registry: Registry
) -> None:
    path = _template(tmp_path, registry)
    book = load_workbook(path)
    book["county 县"].cell(row=1, column=20, value="social_worker")  # a typo in a header
    book.save(path)
    filled = _fill(
        path,
        {"township 乡镇": [["code", "990101001", "name", "甲镇", "office_staff", "two"],
                          ["code", "99010100", "name", "乙镇"],
                          ["code", "990101002", "name", "丙镇", "period", "2022年",
                           "office_staff", 2, "registered_population", 30000]]},
    )  # fmt: skip
    with pytest.raises(DatasetError) as info:
        load_dataset(filled, registry.indicators)
    text = str(info.value)
    assert "sheet 'county 县' row 1 column T: unit (header): field 'social_worker'" in text
    assert "did you mean 'social_workers'" in text
    assert "sheet 'township 乡镇' row 4 column" in text
    assert "unit 990101001: field 'office_staff': expected a whole number, found 'two'" in text
    assert (
        "sheet 'township 乡镇' row 5 column A: unit 99010100: field 'code': expected a township code of 9 digits"
        in text
    )
    # a period that is not one: once for its row, in the period's own column
    periods = [p for p in info.value.problems if p.field == "period"]
    assert [(p.row, p.column, p.unit, p.found) for p in periods] == [
        (6, "F", "990101002", "'2022年'")
    ]


def test_a_bad_workbook_exits_2_from_the_cli(tmp_path: Path, registry: Registry) -> None:
    filled = _fill(
        _template(tmp_path, registry),
        {"county 县": [["code", "990101", "name", "甲县", "cremation_rate", 140]]},
    )
    result = CliRunner().invoke(minzheng.cli.main, ["assess", str(filled)])
    assert result.exit_code == 2
    assert "column" in result.output
    assert "Traceback" not in result.output


def test_template_xlsx_from_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    assert (
        CliRunner()
        .invoke(minzheng.cli.main, ["template", "demo", "--format", "xlsx", "-o", str(out)])
        .exit_code
        == 0
    )
    assert load_workbook(out).sheetnames[0] == "README"
    assert (
        CliRunner().invoke(minzheng.cli.main, ["template", "demo", "--format", "xlsx"]).exit_code
        == 2
    )


def test_findings_workbook_is_coloured_by_status(
    tmp_path: Path, demo: Dataset, engine: Engine
) -> None:
    out = tmp_path / "findings.xlsx"
    result = CliRunner().invoke(
        minzheng.cli.main, ["assess", str(DATA / "demo.yaml"), "--format", "xlsx", "-o", str(out)]
    )
    assert result.exit_code == 1
    book = load_workbook(out)
    assert book.sheetnames == ["findings", "summary", "roll-ups", "run"]
    run = {row[0]: row[1] for row in book["run"].iter_rows(values_only=True) if row[0]}
    assert run["assessed on"] == "2022-12-31"
    assert len(run["rules fingerprint (SHA-256)"]) == 64
    sheet = book["findings"]
    assert [c.value for c in sheet[1]][:5] == ["unit", "unit name", "pack", "rule", "status"]
    assert sheet.max_row == 1 + len(engine.assess(demo).findings)
    rules = [rule for rng in sheet.conditional_formatting for rule in rng.rules]
    assert {rule.formula[0] for rule in rules} == {f'"{label(s.value)}"' for s in Status}
    budget = next(
        row
        for row in sheet.iter_rows(min_row=2, values_only=True)
        if row[3] == "D-budget" and row[0] == "990101"
    )
    assert budget[6] == 120000.5  # a number the spreadsheet can compute with


def test_html_needs_an_output_file() -> None:
    result = CliRunner().invoke(
        minzheng.cli.main, ["assess", str(DATA / "demo.yaml"), "--format", "html"]
    )
    assert result.exit_code == 2
    assert "-o FILE.html" in result.output


def _html(demo: Dataset, engine: Engine, lang: str = "zh") -> str:
    return report_to_html(engine.assess(demo), demo, engine.registry, lang)


def test_html_is_self_contained_with_charts_and_clauses(demo: Dataset, engine: Engine) -> None:
    html = _html(demo, engine)
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing fetched from a network
    assert "<script" not in html
    assert 'id="summary-by-pack"' in html
    assert 'id="summary-by-unit"' in html
    assert html.count("<svg") >= 2
    assert 'data-kind="gap"' in html
    assert 'data-kind="trajectory"' in html
    assert "2万人以下的乡镇不少于2名" in html  # the cited clause
    assert "甲镇" in html
    assert "评估结果" in html


def test_html_in_english(demo: Dataset, engine: Engine) -> None:
    html = _html(demo, engine, "en")
    assert "Findings" in html
    assert 'lang="en"' in html


def _chromium() -> str | None:
    return (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )


@pytest.mark.skipif(_chromium() is None, reason="needs a Chromium (.ci/run installs Debian's)")
def test_html_renders_in_headless_chromium(tmp_path: Path, demo: Dataset, engine: Engine) -> None:
    page = tmp_path / "report.html"
    page.write_text(_html(demo, engine), encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        run = subprocess.run(
            [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    dom = run.stdout
    assert '<h1 id="report-title">' in dom
    assert dom.count("<svg") >= 2
    assert 'class="findings-group"' in dom
    assert "未达标" in dom
    rows = re.findall(r'<tr class="finding status-(\w+)"', dom)
    assert len(rows) == len(engine.assess(demo).findings)


def test_markdown_reads_as_is(demo: Dataset, engine: Engine) -> None:
    from minzheng.report.render import report_to_markdown

    text = report_to_markdown(engine.assess(demo), "zh")
    assert text.startswith("# 结果: demo")
    assert "| 单位 | 规则包 | 规则 |" in text
    json.dumps(text)
