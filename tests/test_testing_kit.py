"""The pack author's kit: conformance checks and fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from attrs import evolve

import demo_pack
from minzheng import (
    Citation,
    Engine,
    Indicator,
    Kind,
    PackInfo,
    RegionInfo,
    Registry,
    Status,
    hookimpl,
)
from minzheng.testing import assert_pack_conforms, check_pack

DEMO_FILES = [
    Path(demo_pack.__file__).parent / "rules.yaml",
    Path(demo_pack.__file__).parent / "indicators.yaml",
]


def test_the_demo_pack_conforms() -> None:
    assert check_pack(demo_pack, data_files=DEMO_FILES) == []
    assert_pack_conforms(demo_pack)


class _Sloppy:
    """A pack that breaks every convention the conformance check looks for."""

    @hookimpl
    def minzheng_pack(self) -> PackInfo:
        return PackInfo(
            name="sloppy", title_zh="马虎", title_en="Sloppy", region=RegionInfo("x", "x", ("123",))
        )

    @hookimpl
    def minzheng_rules(self):  # type: ignore[no-untyped-def]
        rule = demo_pack.CARERS
        return [
            evolve(
                rule,
                id="S-1",
                citation=Citation("other.txt", "", "no Chinese here"),
                reading=" ",
                title_zh="Carers",
            ),
            evolve(rule, id="S-2", inputs=("not_declared",), levels=()),
        ]

    @hookimpl
    def minzheng_indicators(self) -> list[Indicator]:
        return [
            Indicator(id="stations", name_zh="站点", name_en="stations", kind=Kind.COUNT,
                      measure="station"),  # no measure_zh for a measure the core does not know
            Indicator(id="beds_x", name_zh="床位", name_en="beds", kind=Kind.COUNT, measure="bed"),
        ]  # fmt: skip


def test_the_check_names_each_problem() -> None:
    problems = check_pack(_Sloppy())
    text = "\n".join(problems)
    for expected in (
        "region prefix '123'",
        "the pack lists no documents",
        "rule S-1: title_zh is not Chinese",
        "rule S-1: no reading",
        "rule S-1: the citation has no locator",
        "rule S-1: the citation does not carry the original Chinese words",
        "rule S-2: applies to no level",
        "rule S-2: reads 'not_declared', which no pack declares",
        "rule S-1: reads 'carers'",
        "indicator stations: Chinese text would write its measure 'station' as 'station'",
    ):
        assert expected in text, (expected, problems)
    assert "indicator beds_x" not in text  # "bed" has its Chinese in the core's table


def test_assert_pack_conforms_fails_the_test() -> None:
    with pytest.raises(pytest.fail.Exception, match="does not conform"):
        assert_pack_conforms(_Sloppy())


def test_a_broken_data_file_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text("rules:\n  - {id: X-1, kind: thresold}\n", "utf-8")
    [problem] = check_pack(demo_pack, data_files=[bad])
    assert "rule X-1: field 'kind'" in problem
    assert "did you mean 'threshold'?" in problem


@pytest.fixture
def minzheng_plugin() -> object:
    return demo_pack


def test_fixtures_give_a_fresh_registry_with_the_pack(
    minzheng_registry: Registry, minzheng_engine: Engine
) -> None:
    assert sorted(minzheng_registry.packs) == ["core", "demo"]
    assert minzheng_registry.pack("demo").plugin == "pack-under-test"
    assert minzheng_engine.registry is minzheng_registry


def test_make_dataset_fixture(make_dataset, minzheng_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    dataset = make_dataset(
        {
            "units": [
                {
                    "code": "990101",
                    "name": "县",
                    "level": "county",
                    "facts": {"cremation_rate": "100%"},
                }
            ]
        }
    )
    [finding] = [f for f in minzheng_engine.iter_assess(dataset) if f.rule == "D-cremation"]
    assert finding.status is Status.MET


def test_repeated_indicator_ids_in_a_data_file(tmp_path: Path) -> None:
    from minzheng import InputError
    from minzheng.rules import load_indicators

    path = tmp_path / "indicators.yaml"
    path.write_text(
        "indicators:\n  - {id: a, name_zh: 甲, name_en: a, kind: count}\n  - {id: a, name_zh: 乙, name_en: b, kind: flag}\n",
        "utf-8",
    )
    with pytest.raises(InputError, match="indicator a: field 'id': expected an id used once"):
        load_indicators(path)
