"""Run records: every output carries one, and its fingerprints change exactly when the
rules or the input do."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import attrs
import polars as pl
import pytest
from click.testing import CliRunner

import demo_pack
from minzheng import Engine, Registry
from minzheng.cli import main
from minzheng.engine.runs import fingerprint_files, fingerprint_rule, start_run
from minzheng.model.runs import RunRecord
from minzheng.report.writers import RUN_METADATA_KEY
from minzheng.testing import make_registry

DATA = Path(__file__).parent / "data"
DEMO = str(DATA / "demo.yaml")


def test_a_rule_fingerprint_follows_its_definition(registry: Registry) -> None:
    pack = registry.pack("demo")
    rule = pack.rules[0]
    assert fingerprint_rule(rule) == fingerprint_rule(attrs.evolve(rule))
    assert fingerprint_rule(rule) != fingerprint_rule(attrs.evolve(rule, reading="other"))
    quote = attrs.evolve(rule.citation, text=rule.citation.text + "。")
    assert fingerprint_rule(rule) != fingerprint_rule(attrs.evolve(rule, citation=quote))
    assert len(fingerprint_rule(rule)) == 64


def test_a_record_names_every_rule_and_reads_back(registry: Registry) -> None:
    engine = Engine(registry)
    chosen = engine.rules()
    record = start_run(chosen, on=date(2022, 12, 31), dataset="demo", input_fingerprint="0" * 64)
    assert set(record.rule_fingerprints) == {f"{p.name}:{r.id}" for p, r in chosen}
    assert record.packs == {"demo": registry.pack("demo").info.version}
    assert RunRecord.from_json(json.loads(json.dumps(record.to_json()))) == record
    only = start_run(
        engine.rules(rules=[chosen[0][1].id]), on=record.on, dataset="demo",
        input_fingerprint="0" * 64,
    )  # fmt: skip
    assert list(only.rule_fingerprints) == [f"demo:{chosen[0][1].id}"]
    assert only.rules != record.rules


def test_the_input_fingerprint_is_of_the_bytes(tmp_path: Path) -> None:
    first = tmp_path / "a.yaml"
    first.write_text("x: 1\n")
    before = fingerprint_files([first])
    assert fingerprint_files([first]) == before
    first.write_text("x: 2\n")
    assert fingerprint_files([first]) != before


@pytest.fixture
def cli_registry(monkeypatch: pytest.MonkeyPatch) -> Registry:
    import minzheng.cli.settings

    registry = make_registry(("demo", demo_pack))
    monkeypatch.setattr(minzheng.cli.settings, "registry", registry)
    return registry


@pytest.mark.parametrize("fmt", ["json", "jsonl", "parquet", "html", "xlsx"])
def test_every_output_carries_the_run(cli_registry: Registry, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"findings.{fmt}"
    result = CliRunner().invoke(main, ["assess", DEMO, "--format", fmt, "-o", str(out)])
    assert result.exit_code == 1, result.output
    if fmt == "json":
        record = json.loads(out.read_text("utf-8"))["run"]
    elif fmt == "jsonl":
        record = json.loads(out.read_text("utf-8").splitlines()[0])["run"]
    elif fmt == "parquet":
        record = json.loads(pl.read_parquet_metadata(out)[RUN_METADATA_KEY])
    elif fmt == "html":
        page = out.read_text("utf-8")
        assert 'id="run-record"' in page
        record = {"run_id": page.split("run id</th><td><code>")[1].split("<")[0]}
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(out)["run"]
        record = {
            "run_id": next(r[1] for r in sheet.iter_rows(values_only=True) if r[0] == "run id")
        }
    assert len(record["run_id"]) == 36
    if fmt != "html" and fmt != "xlsx":
        assert record["on"] == "2022-12-31"
        assert record["input"] == fingerprint_files([Path(DEMO)])
        assert set(record["rule_fingerprints"]) == {
            f"demo:{r.id}" for r in cli_registry.pack("demo").rules
        }


def test_runs_differ_unless_the_time_is_fixed(
    cli_registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    def record() -> dict[str, object]:
        result = CliRunner().invoke(main, ["assess", DEMO, "--format", "json"])
        data: dict[str, object] = json.loads(result.stdout)["run"]
        return data

    assert record()["run_id"] != record()["run_id"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first, second = record(), record()
    assert first == second
    assert first["started"] == "2023-11-14T22:13:20Z"
