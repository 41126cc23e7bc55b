"""Units of measure in text: ``实际 4 人`` in Chinese, never ``实际 4 person``; ``4 people``
and ``1 person`` in English."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import minzheng.cli
from minzheng import (
    Citation,
    Comparator,
    Engine,
    Indicator,
    Kind,
    Level,
    PackInfo,
    Quantity,
    Registry,
    Rule,
    compare,
    hookimpl,
    read_dataset,
)
from minzheng.io.tables import tables_from_dataset
from minzheng.model import MEASURES_PLURAL, MEASURES_ZH, Bracket, measure_plural, measure_zh
from minzheng.model.values import format_quantity
from minzheng.report.html import report_to_html
from minzheng.rules import BracketRule, ThresholdRule, TrajectoryRule, load_indicators
from minzheng.rules.columns import Facts, Frame
from minzheng.testing import make_registry

EXAMPLES = Path(__file__).parent.parent / "examples"
_LATIN = re.compile(r"[A-Za-z]")


def test_an_indicator_takes_the_chinese_of_a_common_measure() -> None:
    staff = Indicator(
        id="staff", name_zh="工作人员", name_en="staff", kind=Kind.COUNT, measure="person"
    )
    pay = Indicator(id="pay", name_zh="报酬", name_en="pay", kind=Kind.AMOUNT, measure="yuan/month")
    flag = Indicator(id="done", name_zh="已开展", name_en="done", kind=Kind.FLAG)
    assert (staff.measure_zh, pay.measure_zh, flag.measure_zh) == ("人", "元/月", "")


def test_an_unusual_measure_is_shown_as_it_is_unless_declared() -> None:
    assert measure_zh("station") == "station"
    declared = Indicator(
        id="stations", name_zh="站点", name_en="stations", kind=Kind.COUNT,
        measure="station", measure_zh="个站点",
    )  # fmt: skip
    assert (declared.measure, declared.measure_zh) == ("station", "个站点")


def test_the_table_cannot_be_changed_by_accident() -> None:
    with pytest.raises(TypeError):
        MEASURES_ZH["person"] = "名"  # type: ignore[index]


def test_a_measure_declared_in_a_packs_indicators_file(tmp_path: Path) -> None:
    path = tmp_path / "indicators.yaml"
    path.write_text(
        "indicators:\n"
        "  - {id: stations, name_zh: 站点, name_en: stations, kind: count,"
        " measure: station, measure_zh: 个站点}\n"
        "  - {id: beds, name_zh: 床位, name_en: beds, kind: count, measure: bed}\n",
        encoding="utf-8",
    )
    stations, beds = load_indicators(path)
    assert (stations.measure_zh, beds.measure_zh) == ("个站点", "张")


@pytest.mark.parametrize(
    ("value", "measure", "shown"),
    [
        (1, "person", "1 person"),
        (2, "person", "2 people"),
        (0, "person", "0 people"),
        (Decimal("1.5"), "person", "1.5 people"),
        (1, "child", "1 child"),
        (3, "child", "3 children"),
        (4, "quarter", "4 quarters"),
        (2, "community", "2 communities"),
        (Decimal("2.50"), "yuan", "2.50 yuan"),
        (730, "yuan/person/month", "730 yuan/person/month"),
        (2, "m²", "2 m²"),
        (Decimal("38"), "%", "38%"),
        (2, "station", "2 station"),  # not in the table: as declared
        (2, "人", "2 人"),
        (7, "", "7"),
    ],
)
def test_a_quantity_is_written_in_the_plural_after_any_number_but_one(
    value: Decimal | int, measure: str, shown: str
) -> None:
    assert format_quantity(value, measure) == shown


def test_every_plural_is_of_a_measure_the_core_knows() -> None:
    assert set(MEASURES_PLURAL) <= set(MEASURES_ZH)
    assert measure_plural("yuan/month") == "yuan/month"
    with pytest.raises(TypeError):
        MEASURES_PLURAL["person"] = "persons"  # type: ignore[index]


def test_an_english_message_agrees_in_number() -> None:
    outcome = compare(1, Comparator.GE, 3, Quantity("工作人员", "staff", "person"))
    assert outcome.message_en == "staff: 1 person, required at least 3 people; short by 2 people"
    assert outcome.message_zh == "工作人员:实际 1 人,要求不少于 3 人,差 2 人"


_MEASURES = st.sampled_from(sorted(MEASURES_ZH))
_NUMBERS = st.decimals(0, 10**9, places=2)


@given(_NUMBERS, _NUMBERS, _MEASURES, st.sampled_from(list(Comparator)))
def test_compare_writes_each_language_in_its_own_measure(
    actual: Decimal, required: Decimal, measure: str, comparator: Comparator
) -> None:
    outcome = compare(actual, comparator, required, Quantity("某项", "a thing", measure))
    zh = MEASURES_ZH[measure]
    assert outcome.measure == measure  # the finding's field stays the declared measure
    assert f"{actual}{'' if measure in '%‰' else ' '}{zh}" in outcome.message_zh
    english = measure if str(actual) == "1" else MEASURES_PLURAL.get(measure, measure)
    assert f"{actual}{'' if measure in '%‰' else ' '}{english}" in outcome.message_en
    if _LATIN.search(measure):
        assert not _LATIN.search(outcome.message_zh)


def test_compare_takes_a_chinese_measure_given() -> None:
    outcome = compare(
        Decimal(3),
        Comparator.GE,
        Decimal(4),
        Quantity("站点", "stations", "station", measure_zh="个站点"),
    )
    assert outcome.message_zh == "站点:实际 3 个站点,要求不少于 4 个站点,差 1 个站点"
    assert (
        outcome.message_en == "stations: 3 station, required at least 4 station; short by 1 station"
    )


def test_the_core_kinds_use_the_indicators_chinese_measure() -> None:
    indicators = {
        i.id: i
        for i in (
            Indicator(
                id="stations", name_zh="站点", name_en="stations", kind=Kind.COUNT,
                measure="station", measure_zh="个站点",
            ),
            Indicator(id="people", name_zh="人口", name_en="people", kind=Kind.COUNT, measure="person"),
        )
    }  # fmt: skip
    data = {
        "as_of": "2022-12-31",
        "units": [
            {"code": "990101", "name": "县", "level": "county", "facts": {"stations": 3, "people": 50000}}
        ],
    }  # fmt: skip
    ds = read_dataset(json.dumps(data, ensure_ascii=False), "json", indicators)
    tables = tables_from_dataset(ds, indicators)
    facts = Facts(tables.units, tables.facts, date(2022, 12, 31), indicators)

    def outcome(rule: Rule) -> dict[str, Any]:
        [row] = rule.columns(Frame(tables.units, facts)).to_dicts()
        return row

    head = {
        "title_zh": "站点",
        "title_en": "stations",
        "citation": Citation(document="demo.txt", locator="一", text="站点不少于4个"),
        "reading": "at least 4 stations",
        "levels": (Level.COUNTY,),
    }
    threshold = ThresholdRule(
        id="T", indicator="stations", comparator=Comparator.GE, value=Decimal(4), **head
    )
    assert outcome(threshold)["message_zh"] == "站点:实际 3 个站点,要求不少于 4 个站点,差 1 个站点"
    bracket = BracketRule(
        id="B", indicator="stations", base="people", comparator=Comparator.GE, **head,
        brackets=(Bracket(upper=Decimal(50000), upper_inclusive=False, required=Decimal(2)),
                  Bracket(lower=Decimal(50000), upper=None, required=Decimal(4))),
    )  # fmt: skip
    found = outcome(bracket)
    assert found["message_zh"] == "站点:实际 3 个站点,要求不少于 4 个站点,差 1 个站点"
    assert found["details_zh"][0].startswith("人口 50000 人:")
    assert found["details"][0].startswith("people 50000 people:")


@pytest.fixture(scope="module")
def installed() -> Registry:
    found = Registry.discover()
    if not {"jian", "songming", "yancheng"} <= set(found.packs):
        pytest.skip("the region packs are not installed (nox -s tests installs them)")
    return found


def test_every_installed_measure_has_its_chinese(installed: Registry) -> None:
    """A pack that brings a new measure declares its Chinese, or the table grows."""
    measures = {i.measure: i.measure_zh for i in installed.indicators.values()}
    for pack in installed.packs.values():
        for program in pack.programs:
            for standard in program.standards:
                measures[standard.schedule.measure] = measure_zh(standard.schedule.measure)
    english = sorted(m for m, zh in measures.items() if _LATIN.search(zh))
    assert english == []


def _run(*args: str) -> str:
    result = CliRunner().invoke(minzheng.cli.main, list(args), catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.output


@pytest.mark.usefixtures("installed")
def test_a_chinese_report_has_no_english_measure() -> None:
    text = _run("assess", str(EXAMPLES / "jian-2018.yaml"), "--lang", "zh", "--format", "markdown")
    assert "实际 3046800.00 元" in text
    assert not re.search(r"\d (yuan|person)\b", text)
    english = _run("assess", str(EXAMPLES / "jian-2018.yaml"), "--format", "markdown")
    assert "3046800.00 yuan" in english


@pytest.mark.usefixtures("installed")
def test_explain_and_targets_speak_the_measure_of_their_language() -> None:
    assert "[人]" in _run("explain", "J-staff-by-pop", "--lang", "zh")
    assert "[person]" in _run("explain", "J-staff-by-pop")
    targets = _run("targets", str(EXAMPLES / "songming-2023.yaml"), "--lang", "zh")
    assert "元/人/月" in targets
    assert "yuan/person/month" not in targets
    assert "yuan/person" in _run("targets", str(EXAMPLES / "songming-2023.yaml"))


class _StationsPack:
    """An invented pack (no real document): one trajectory in a measure of its own."""

    @hookimpl
    def minzheng_pack(self) -> PackInfo:
        return PackInfo(name="stations", title_zh="站点", title_en="Stations")

    @hookimpl
    def minzheng_indicators(self) -> tuple[Indicator, ...]:
        return (
            Indicator(
                id="stations", name_zh="站点", name_en="stations", kind=Kind.COUNT,
                measure="station", measure_zh="个站点",
            ),
        )  # fmt: skip

    @hookimpl
    def minzheng_rules(self) -> tuple[TrajectoryRule, ...]:
        return (
            TrajectoryRule(
                id="X-stations", title_zh="站点", title_en="stations",
                citation=Citation(document="demo.txt", locator="一", text="到2025年站点达到10个"),
                reading="10 stations by 2025", levels=(Level.COUNTY,), indicator="stations",
                comparator=Comparator.GE, baseline_year=2020, baseline=Decimal(4),
                target_year=2025, target=Decimal(10),
            ),
        )  # fmt: skip


@pytest.mark.parametrize(("lang", "shown"), [("zh", "个站点"), ("en", "station")])
def test_the_html_charts_axis_speaks_the_reports_language(lang: str, shown: str) -> None:
    registry = make_registry(("stations", _StationsPack()))
    data = {"as_of": "2023-12-31", "units": [{"code": "990101", "name": "县", "level": "county",
                                               "facts": {"stations": {2022: 6, 2023: 7}}}]}  # fmt: skip
    ds = read_dataset(json.dumps(data, ensure_ascii=False), "json", registry.indicators)
    report = Engine(registry).assess(ds, on=date(2023, 12, 31), what_if=True)
    html = report_to_html(report, ds, registry, lang)
    assert re.findall(r'rotate\(-90[^"]*\)">([^<]*)<', html) == [shown]
