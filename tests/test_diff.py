"""``minzheng diff OLD NEW`` on files: statuses matched by pack, rule and unit, every
output format read back, exit status 1 only when something got worse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import demo_pack
from minzheng import Registry
from minzheng.cli import main
from minzheng.report.diff import diff_findings, read_findings
from minzheng.testing import make_registry

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _demo(monkeypatch: pytest.MonkeyPatch) -> Registry:
    import minzheng.cli.settings

    registry = make_registry(("demo", demo_pack))
    monkeypatch.setattr(minzheng.cli.settings, "registry", registry)
    return registry


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assessed(dataset: Path, out: Path, fmt: str) -> Path:
    result = invoke("assess", str(dataset), "--format", fmt, "-o", str(out))
    assert result.exit_code in (0, 1), result.output
    return out


def test_the_same_run_in_every_format_has_no_change(tmp_path: Path) -> None:
    outputs = [
        assessed(DATA / "demo.yaml", tmp_path / f"run.{fmt}", fmt)
        for fmt in ("json", "jsonl", "parquet")
    ]
    sides = [read_findings(str(p)) for p in outputs]
    assert all(side[1] is not None for side in sides)  # each carries its run record
    assert sides[0][0].equals(sides[1][0])
    assert sides[1][0].equals(sides[2][0])
    for old in outputs:
        result = invoke("diff", str(old), str(outputs[-1]))
        assert result.exit_code == 0, result.output
        assert "0 worse, 0 changes in all" in result.output


def test_worse_better_new_and_vanished_are_told_apart(tmp_path: Path) -> None:
    old = assessed(DATA / "demo.yaml", tmp_path / "old.jsonl", "jsonl")
    lines = old.read_text("utf-8").splitlines()
    head, findings = lines[0], [json.loads(x) for x in lines[1:]]
    met = next(f for f in findings if f["status"] == "met")
    not_met = next(f for f in findings if f["status"] == "not_met")
    unknown = next(f for f in findings if f["status"] == "unknown")
    met["status"], not_met["status"] = "not_met", "met"  # worse, better
    gone = findings.pop(findings.index(unknown))  # vanished from the new run
    added = {**gone, "unit": "990199", "status": "error"}  # a new failing finding
    new = tmp_path / "new.jsonl"
    new.write_text("\n".join([head, *(json.dumps(f) for f in [*findings, added])]) + "\n")
    result = invoke("diff", str(old), str(new), "--format", "json")
    assert result.exit_code == 1, result.output  # something got worse
    data = json.loads(result.stdout)
    changes = {(c["unit"], c["rule"]): (c["change"], c["old"], c["new"]) for c in data["changes"]}
    assert changes == {
        (met["unit"], met["rule"]): ("worse", "met", "not_met"),
        (not_met["unit"], not_met["rule"]): ("better", "not_met", "met"),
        (gone["unit"], gone["rule"]): ("vanished", "unknown", None),
        ("990199", gone["rule"]): ("new_failing", None, "error"),
    }
    assert data["worse"] == 2
    assert sum(row["worse"] for row in data["counts"]) == 1
    back = invoke("diff", str(new), str(old), "--format", "markdown", "--lang", "zh")
    assert back.exit_code == 1  # met → not met, seen the other way round
    assert "变差" in back.stdout
    diff = diff_findings(read_findings(str(old)), read_findings(str(old)))
    assert diff.changes.is_empty()
    assert diff.worse == 0


def test_only_better_is_exit_status_0(tmp_path: Path) -> None:
    old = assessed(DATA / "demo.yaml", tmp_path / "old.jsonl", "jsonl")
    lines = old.read_text("utf-8").splitlines()
    findings = [json.loads(x) for x in lines[1:]]
    for f in findings:
        if f["status"] in ("not_met", "unknown"):
            f["status"] = "met"
    new = tmp_path / "new.jsonl"
    new.write_text("\n".join([lines[0], *(json.dumps(f) for f in findings)]) + "\n")
    result = invoke(
        "diff", str(old), str(new), "-o", str(tmp_path / "diff.md"), "--format", "markdown"
    )
    assert result.exit_code == 0, result.output
    assert "| better |" in (tmp_path / "diff.md").read_text("utf-8")


@pytest.mark.parametrize(
    ("content", "name"),
    [("not json at all\n", "bad.json"), ('{"format": "1"}\n', "doc.json"), ("", "empty.jsonl")],
)
def test_a_file_that_is_no_output_is_refused(tmp_path: Path, content: str, name: str) -> None:
    good = assessed(DATA / "demo.yaml", tmp_path / "good.json", "json")
    bad = tmp_path / name
    bad.write_text(content)
    result = invoke("diff", str(bad), str(good))
    assert result.exit_code == 2, result.output
    assert f"{bad}: expected an output of minzheng assess" in result.stderr
    assert "Traceback" not in result.output
    missing = invoke("diff", str(tmp_path / "none.json"), str(good))
    assert missing.exit_code == 2
    assert "no such file" in missing.stderr
