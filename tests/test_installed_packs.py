"""Every installed pack's blank template loads back, in YAML and in Excel, and no rule
that reads facts finds anything met on it — the path a bureau takes first."""

from __future__ import annotations

from pathlib import Path

import pytest

from minzheng import DatasetError, Engine, Registry, Status, load_dataset
from minzheng.report.xlsx import template_workbook
from minzheng.scaffold.template import template_yaml


@pytest.fixture(scope="module")
def registry() -> Registry:
    found = Registry.discover()
    if not {"jian", "songming", "yancheng"} <= set(found.packs):
        pytest.skip("the region packs are not installed (nox -s tests installs them)")
    assert found.errors == []
    return found


def _packs() -> list[str]:
    return sorted(Registry.discover().packs)


@pytest.mark.parametrize("pack", _packs())
def test_blank_templates_load_and_are_all_unknown(
    registry: Registry, pack: str, tmp_path: Path
) -> None:
    loaded = registry.pack(pack)
    yaml_path = tmp_path / f"{pack}.yaml"
    yaml_path.write_text(template_yaml(loaded, registry.indicators), encoding="utf-8")
    xlsx_path = tmp_path / f"{pack}.xlsx"
    template_workbook(loaded, registry.indicators, xlsx_path)
    dataset = load_dataset(yaml_path, registry.indicators)
    findings = list(Engine(registry).iter_assess(dataset, packs=[pack], what_if=True))
    reads_facts = {r.id for r in loaded.rules if r.reads()}
    assert not [f for f in findings if f.status is Status.ERROR]
    assert not [f for f in findings if f.rule in reads_facts and f.status is Status.MET]
    if loaded.rules:
        workbook = load_dataset(xlsx_path, registry.indicators)  # a blank workbook is valid too
        assert len(workbook) == 0
    else:
        with pytest.raises(DatasetError, match="row 1 starts with 'code'"):
            load_dataset(xlsx_path, registry.indicators)
