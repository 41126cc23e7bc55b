"""Findings on the sample datasets are pinned: a speed-up must not change any of them.

The golden files hold every finding of ``minzheng assess --format jsonl`` on each sample
dataset, with every installed pack. After an intended change of findings, regenerate
them with ``MINZHENG_UPDATE_GOLDEN=1 pytest tests/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from minzheng import DatasetStream, Engine, Registry, load_dataset, write_dataset
from minzheng.engine import resolve_date
from minzheng.report.render import finding_to_json

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
PACKS = {"jian", "songming", "yancheng"}


@pytest.fixture(scope="module")
def engine() -> Engine:
    registry = Registry.discover()
    if not set(registry.packs) >= PACKS:
        pytest.skip("the region packs are not installed (nox -s tests installs them)")
    return Engine(registry)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_findings_are_unchanged(engine: Engine, example: Path) -> None:
    dataset = load_dataset(example, engine.registry.indicators)
    lines = [
        json.dumps(finding_to_json(f), ensure_ascii=False, sort_keys=True)
        for f in engine.iter_assess(dataset)
    ]
    golden = GOLDEN / f"{example.stem}.jsonl"
    if os.environ.get("MINZHENG_UPDATE_GOLDEN"):
        golden.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = golden.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(expected)
    for got, want in zip(lines, expected, strict=True):
        assert json.loads(got) == json.loads(want)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_streamed_csv_gives_the_same_findings(
    engine: Engine, example: Path, tmp_path: Path
) -> None:
    """The sample written as CSV and streamed county by county: the same findings."""
    dataset = load_dataset(example, engine.registry.indicators)
    write_dataset(dataset, tmp_path, engine.registry.indicators)
    stream = DatasetStream(tmp_path, engine.registry.indicators)
    on = resolve_date(dataset, None)  # the sample's as_of (CSV carries none)
    lines = sorted(
        json.dumps(finding_to_json(f), ensure_ascii=False, sort_keys=True)
        for f in engine.iter_assess(stream, on=on)
    )
    expected = sorted(
        json.dumps(json.loads(line), ensure_ascii=False, sort_keys=True)
        for line in (GOLDEN / f"{example.stem}.jsonl").read_text(encoding="utf-8").splitlines()
    )
    assert lines == expected
