"""The command line: every command, exit statuses, languages, and no tracebacks."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import demo_pack
import minzheng.cli
from broken_packs import bad_rule
from minzheng import Registry, load_dataset
from minzheng.testing import make_registry

DATA = Path(__file__).parent / "data"
DEMO = str(DATA / "demo.yaml")


@pytest.fixture(autouse=True)
def demo_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI sees the core and the demo pack, whatever else is installed."""
    monkeypatch.setattr(minzheng.cli.settings, "registry", make_registry(("demo", demo_pack)))


def run(*args: str) -> Result:
    return CliRunner().invoke(minzheng.cli.main, list(args), catch_exceptions=False)


def test_packs_lists_name_version_region_documents_hooks() -> None:
    result = run("packs")
    assert result.exit_code == 0
    for text in (
        "demo",
        "0.0.1",
        "Demo City",
        "99",
        "《演示文件(虚构)》",
        "minzheng_rules",
        "core",
    ):
        assert text in result.output


def test_packs_in_chinese() -> None:
    assert "演示市" in run("packs", "--lang", "zh").output


def test_packs_reports_a_broken_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    from broken_packs import raises

    monkeypatch.setattr(
        minzheng.cli.settings,
        "registry",
        make_registry(("demo", demo_pack), ("raises", raises)),
    )
    result = run("packs")
    assert result.exit_code == 3  # a plugin failed: listed, and told by the status
    assert "raises" in result.output
    assert "boom" in result.output


def test_rules() -> None:
    result = run("rules", "demo")
    assert result.exit_code == 0
    for rule_id in ("D-staff", "D-fixtures", "D-social-workers", "D-cremation", "D-carers"):
        assert rule_id in result.output


def test_rules_and_explain_name_the_levels_in_the_language_asked() -> None:
    assert "township" in run("rules", "demo").output
    chinese = run("rules", "demo", "--lang", "zh").output
    assert "乡镇" in chinese
    assert "township" not in chinese
    assert "Applies to: township" in run("explain", "D-staff").output
    assert "适用: 乡镇" in run("explain", "D-staff", "--lang", "zh").output


def test_rules_of_an_unknown_pack_is_a_usage_error() -> None:
    result = run("rules", "dmeo")
    assert result.exit_code == 2
    assert "did you mean 'demo'" in result.output
    assert "Traceback" not in result.output


def test_explain_shows_clause_reading_and_inputs() -> None:
    result = run("explain", "D-staff")
    assert result.exit_code == 0
    for text in (
        "2万人以下的乡镇不少于2名",
        "三1",
        "demo.txt",
        "population ≤ 20,000",
        "office_staff",
        "registered_population",
        "户籍人口",
        "2018-12-31",
    ):
        assert text in result.output, text
    assert "原文" in run("explain", "D-staff", "--lang", "zh").output


def test_validate_ok() -> None:
    result = run("validate", DEMO)
    assert result.exit_code == 0
    assert "OK" in result.output
    assert "10 units" in result.output


BAD_FILES: dict[str, tuple[str, str]] = {
    "malformed.yaml": ("units: [ {code: '990101'", "well-formed YAML"),
    "malformed.json": ('{"units": [}', "well-formed JSON"),
    "unknown_indicator.yaml": (
        "units:\n  - {code: '990101', name: 县, level: county, facts: {social_worker: 3}}\n",
        "unit 990101: field 'social_worker': expected a known indicator, found 'social_worker' (did you mean 'social_workers'?)",
    ),
    "wrong_type.yaml": (
        "units:\n  - {code: '990101', name: 县, level: county, facts: {civil_window: 2}}\n",
        "unit 990101: field 'civil_window': expected yes or no",
    ),
    "negative.yaml": (
        "units:\n  - {code: '990101', name: 县, level: county, facts: {social_workers: -2}}\n",
        "unit 990101: field 'social_workers': expected a value of at least 0, found -2",
    ),
    "over100.yaml": (
        "units:\n  - {code: '990101', name: 县, level: county, facts: {cremation_rate: 101%}}\n",
        "unit 990101: field 'cremation_rate': expected a value of at most 100%",
    ),
    "ambiguous.yaml": (
        "units:\n  - {code: '990101', name: 县, level: county, facts: {cremation_rate: 0.9}}\n",
        "unit 990101: field 'cremation_rate': expected a rate written with its sign, e.g. '90%'",
    ),
    "duplicate.yaml": (
        "units:\n  - {code: '990101', name: 县, level: county}\n  - {code: '990101', name: 县二, level: county}\n",
        "unit 990101: field 'code': expected a code used by one unit only, found a duplicate",
    ),
    "unknown_parent.yaml": (
        "units:\n  - {code: '990101001', name: 镇, level: township, parent: '990109'}\n",
        "unit 990101001: field 'parent': expected the code of a unit in this dataset, found '990109'",
    ),
    "cycle.yaml": (
        "units:\n  - {code: '990101', name: 甲, level: county, parent: '990102'}\n"
        "  - {code: '990102', name: 乙, level: county, parent: '990101'}\n",
        "field 'parent': expected a chain of parents that ends, found a cycle",
    ),
    "code_length.yaml": (
        "units:\n  - {code: '9901011', name: 镇, level: township}\n",
        "unit 9901011: field 'code': expected a township code of 9 digits, found '9901011'",
    ),
}


@pytest.mark.parametrize("command", ["validate", "assess"])
@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_input_exits_2_with_one_clear_message(tmp_path: Path, command: str, name: str) -> None:
    text, expected = BAD_FILES[name]
    path = tmp_path / name
    path.write_text(text, "utf-8")
    result = run(command, str(path))
    assert result.exit_code == 2, result.output
    assert str(path) in result.output
    assert expected in result.output
    assert "Traceback" not in result.output


def test_missing_file_exits_2() -> None:
    result = run("validate", "no/such/file.yaml")
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_assess_table_exits_1_when_something_is_not_met() -> None:
    result = run("assess", DEMO)
    assert result.exit_code == 1
    assert "D-staff" in result.output
    assert "summary" in result.output


def test_assess_fail_on() -> None:
    assert run("assess", DEMO, "--fail-on", "never").exit_code == 0
    assert (
        run("assess", DEMO, "--fail-on", "failure").exit_code == 1
    )  # the cremation rate is binding


def test_assess_exits_0_when_all_met(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(
        "units:\n  - {code: '990101', name: 县, level: county, facts: {cremation_rate: 100%, gov_bed_share: 10%,"
        " resident_population: 1000, social_workers: 1, county_budget: 100000, eco_burial_rate: {2025: 45%}}}\n",
        "utf-8",
    )
    result = run("assess", str(path), "--on", "2025-12-31")
    assert result.exit_code == 0, result.output


def test_assess_json_is_the_report(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run("assess", DEMO, "--format", "json", "-o", str(out))
    assert result.exit_code == 1
    data = json.loads(out.read_text("utf-8"))
    assert data["format"] == "1"
    assert data["on"] == "2022-12-31"
    assert len(data["findings"]) == 24
    assert all(isinstance(f["status"], str) for f in data["findings"])


def test_assess_jsonl_streams_findings() -> None:
    result = run("assess", DEMO, "--format", "jsonl")
    head, *lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 24
    assert {"rule", "unit", "status"} <= set(lines[0])
    assert set(head) == {"run"}  # the run's record comes first
    assert head["run"]["on"] == "2022-12-31"
    assert {f"{f['pack']}:{f['rule']}" for f in lines} <= set(head["run"]["rule_fingerprints"])


def test_assess_markdown_in_chinese() -> None:
    result = run("assess", DEMO, "--format", "markdown", "--lang", "zh")
    assert "## 未达标" in result.output
    assert "缺少:电脑、打印机" in result.output
    assert "| 990101 | demo | D-staff | 乡镇 | 1/2 | 50.00% |" in result.output  # a roll-up


def test_assess_on_date_and_what_if(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere.yaml"
    path.write_text(
        "units:\n  - {code: '360821', name: 吉安县, level: county, facts: {cremation_rate: 100%}}\n",
        "utf-8",
    )
    assert json.loads(run("assess", str(path), "--format", "json").output)["findings"] == []
    data = json.loads(
        run("assess", str(path), "--format", "json", "--what-if", "--on", "2019-01-01").output
    )
    assert data["on"] == "2019-01-01"
    assert any(f["rule"] == "D-cremation" and f["status"] == "met" for f in data["findings"])


def test_assess_bad_date_is_a_usage_error() -> None:
    result = run("assess", DEMO, "--on", "yesterday")
    assert result.exit_code == 2
    assert "expected a date such as 2018-12-31" in result.output


def test_assess_with_a_failing_rule_exits_3(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(
        minzheng.cli.settings,
        "registry",
        make_registry(("demo", demo_pack), ("badrule", bad_rule)),
    )
    path = tmp_path / "c.yaml"
    path.write_text("units:\n  - {code: '990101', name: 县, level: county}\n", "utf-8")
    result = run("assess", str(path), "--format", "json", "--pack", "badrule")
    assert result.exit_code == 3  # a rule that raised is a plugin's failure, not "not met"
    assert json.loads(result.stdout)["findings"][0]["status"] == "error"


def test_targets(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "units:\n  - {code: '990101', name: 县, level: county, facts: {resident_population: 412345}}\n",
        "utf-8",
    )
    result = run("targets", str(path), "--format", "json")
    assert result.exit_code == 0
    data: dict[str, Any] = json.loads(result.output)
    social = next(t for t in data["targets"] if t["rule"] == "D-social-workers")
    assert social["required"] == "413"
    assert "resident population 412345" in social["basis_en"]
    table = run("targets", str(path))
    assert "413" in table.output


def test_template_loads_back_and_lists_every_fact(tmp_path: Path) -> None:
    out = tmp_path / "blank.yaml"
    assert run("template", "demo", "-o", str(out)).exit_code == 0
    text = out.read_text("utf-8")
    registry: Registry = make_registry(("demo", demo_pack))
    for rule in registry.pack("demo").rules:
        for indicator in rule.reads():
            assert f"{indicator}: ~" in text
    assert "yuan" in text  # the unit of measure is named
    dataset = load_dataset(out, registry.indicators)  # a blank template is a valid dataset
    assert {u.level.value for u in dataset.units.values()} == {"county", "township", "facility"}
    assert {u.name for u in dataset.units.values()} == {
        "example county",
        "example township",
        "example facility",
    }
    zh = tmp_path / "blank-zh.yaml"
    assert run("template", "demo", "--lang", "zh", "-o", str(zh)).exit_code == 0
    dataset = load_dataset(zh, registry.indicators)
    assert {u.name for u in dataset.units.values()} == {"示例县", "示例乡镇", "示例机构"}
    result = run("assess", str(out), "--format", "json")
    assert {f["status"] for f in json.loads(result.output)["findings"]} == {"unknown"}


def test_version_and_help() -> None:
    assert run("--version").exit_code == 0
    assert "assess" in run("--help").output


def test_assess_one_rule() -> None:
    data = json.loads(run("assess", DEMO, "--format", "json", "--rule", "D-staff").output)
    assert {f["rule"] for f in data["findings"]} == {"D-staff"}
    result = run("assess", DEMO, "--rule", "D-staf")
    assert result.exit_code == 2
    assert "did you mean 'D-staff'" in result.output


@pytest.mark.parametrize("command", [("assess", DEMO, "--format", "json"), ("template", "demo")])
def test_output_to_a_missing_folder_is_a_usage_error(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    out = tmp_path / "no-such-folder" / "out.json"
    result = run(*command, "-o", str(out))
    assert result.exit_code == 2
    assert "no folder" in result.stderr
    assert "Traceback" not in result.output
    assert not out.parent.exists()


def test_output_that_cannot_be_written_is_a_usage_error(tmp_path: Path) -> None:
    blocked = tmp_path / "report.json"
    (tmp_path / f".report.json.{os.getpid()}.partial").mkdir()  # the file written first
    result = run("assess", DEMO, "--format", "json", "-o", str(blocked))
    assert result.exit_code == 2
    assert "cannot write" in result.stderr
    assert not blocked.exists()


def _outside(tmp_path: Path) -> tuple[Path, Path]:
    """A dataset of one unit outside the demo pack's region (99), as YAML and as CSV."""
    yaml_file = tmp_path / "jiangxi.yaml"
    yaml_file.write_text("units:\n  - {code: '36', name: 江西省, level: province}\n", "utf-8")
    folder = tmp_path / "jiangxi-csv"
    folder.mkdir()
    (folder / "units.csv").write_text("code,name,level\n36,江西省,province\n", "utf-8")
    (folder / "facts.csv").write_text("unit,indicator,period,value\n", "utf-8")
    return yaml_file, folder


@pytest.mark.parametrize(("lang", "said"), [("en", "No unit of this dataset"), ("zh", "未覆盖")])
def test_no_pack_covering_any_unit_is_said_not_silent(tmp_path: Path, lang: str, said: str) -> None:
    yaml_file, folder = _outside(tmp_path)
    result = run("assess", str(yaml_file), "--pack", "demo", "--lang", lang)
    assert result.exit_code == 2
    assert said in result.output
    assert "--what-if" in result.output
    out = tmp_path / "findings.jsonl"  # by column, a province at a time: nothing written
    result = run("assess", str(folder), "--pack", "demo", "--format", "jsonl", "-o", str(out))
    assert result.exit_code == 2
    assert not out.exists()
    assert run("assess", str(folder), "--pack", "demo", "--what-if", "--format", "jsonl",
               "-o", str(out)).exit_code in (0, 1)  # fmt: skip
    assert out.exists()
