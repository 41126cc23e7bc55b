"""Writing a kind: registration by decorator, the facts it reads from its fields, the
core ``coverage`` kind, and ``Frame.apply`` (a plain function of the values)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from attrs import field, frozen

from minzheng import (
    FACT,
    Citation,
    Dataset,
    Document,
    Engine,
    Indicator,
    Kind,
    Level,
    MissingFact,
    Outcome,
    PackInfo,
    RegionInfo,
    Registry,
    Rule,
    Status,
    Unit,
    hookimpl,
    rule_kind,
)
from minzheng.model import Area, Comparator
from minzheng.report.render import finding_to_json
from minzheng.rules import RULE_KINDS, Condition, CoverageRule, ThresholdsRule
from minzheng.rules.columns import Frame

CITE = Citation("t", "一", "测试")
COMMON: dict[str, Any] = {
    "citation": CITE,
    "reading": "test",
    "title_zh": "覆盖",
    "title_en": "covered",
}


@rule_kind("test_calls")
@frozen(kw_only=True)
class Calls(Rule):
    """Counts the calls of its check function, and raises for a negative value."""

    indicator: str = field(metadata=FACT)
    calls: list[int] = field(factory=list, eq=False)

    def judge(self, value: object) -> Outcome:
        self.calls.append(1)
        if value is None:
            raise MissingFact(self.indicator)
        if isinstance(value, int) and value < 0:
            raise ValueError("negative")
        return Outcome(status=Status.MET, message_zh=f"值 {value}", message_en=f"value {value}")

    def columns(self, frame: Frame) -> pl.DataFrame:
        return frame.outcome([], frame.apply(self.judge, value=frame.fact(self.indicator)))


def test_a_kind_is_registered_by_its_decorator_once() -> None:
    assert RULE_KINDS["test_calls"] is Calls
    assert Calls.kind == "test_calls"
    with pytest.raises(ValueError, match="already registered by"):

        @rule_kind("test_calls")
        @frozen(kw_only=True)
        class Other(Rule):
            pass


def test_the_facts_a_kind_reads_come_from_its_fields() -> None:
    rule = Calls(
        id="T-1", levels=(Level.VILLAGE,), indicator="t_count", inputs=("t_other",), **COMMON
    )
    assert rule.reads() == ("t_count", "t_other")
    both = ThresholdsRule(
        id="T-2", levels=(Level.VILLAGE,), **COMMON,
        conditions=(Condition("t_a", Comparator.GE, Decimal(1)), Condition("t_b", Comparator.LE, Decimal(2))),
    )  # fmt: skip
    assert both.reads() == ("t_a", "t_b")
    cover = CoverageRule(id="T-3", levels=(Level.COUNTY,), flag="t_flag", total="t_total",
                         covered="t_covered", **COMMON)  # fmt: skip
    assert cover.reads() == ("t_flag", "t_total", "t_covered")


class _Pack:
    def __init__(self, *rules: Rule) -> None:
        self.rules = rules

    @hookimpl
    def minzheng_pack(self) -> PackInfo:
        return PackInfo(name="t", title_zh="测试", title_en="Test",
                        region=RegionInfo("测试", "Test", ("99",)), documents=(Document("t", "测试"),))  # fmt: skip

    @hookimpl
    def minzheng_indicators(self) -> list[Indicator]:
        return [
            Indicator("t_count", "数", "count", Kind.COUNT),
            Indicator("t_flag", "有", "has it", Kind.FLAG),
            Indicator("t_rate", "率", "rate", Kind.RATE, measure="%"),
            Indicator("t_total", "总数", "total", Kind.COUNT),
            Indicator("t_covered", "覆盖数", "covered", Kind.COUNT),
        ]

    @hookimpl
    def minzheng_rules(self) -> tuple[Rule, ...]:
        return self.rules


def _registry(*rules: Rule) -> Registry:
    return Registry.discover(entry_points=False, builtin=False, extra=[("t", _Pack(*rules))])


def test_apply_calls_once_per_distinct_value_and_fails_one_unit_only() -> None:
    rule = Calls(id="T-calls", levels=(Level.VILLAGE,), indicator="t_count", **COMMON)
    units = {"99": Unit("99", "省", Level.PROVINCE)} | {
        f"9901{n:08d}": Unit(f"9901{n:08d}", f"村{n}", Level.VILLAGE, "99") for n in range(12)
    }
    values = [1, 1, 2, 2, 2, -1, None, 1, 2, 1, None, 2]
    facts = {
        f"9901{n:08d}": {"t_count": {"2020": v}} for n, v in enumerate(values) if v is not None
    }
    table = Engine(_registry(rule)).assess_table(
        Dataset(units=units, facts=facts), on=date(2020, 12, 31)
    )
    assert len(rule.calls) == 4  # 1, 2, -1 and missing
    statuses = table.get_column("status").to_list()
    assert statuses[5] == "error"
    assert "T-calls" in table.get_column("message_en")[5]
    assert statuses[6] == statuses[10] == "unknown"
    assert table.get_column("missing")[6].to_list() == ["t_count"]
    assert [s for i, s in enumerate(statuses) if i not in (5, 6, 10)] == ["met"] * 9


def _county(flags: dict[str, bool | None], own: dict[str, object] | None = None) -> Dataset:
    """A county (990101) with a township and villages ``flags`` (code suffix → flag;
    ``u…`` an urban community)."""
    units = {
        "9901": Unit("9901", "市", Level.PREFECTURE),
        "990101": Unit("990101", "县", Level.COUNTY, "9901"),
        "990101001": Unit("990101001", "镇", Level.TOWNSHIP, "990101"),
    }
    facts: dict[str, dict[str, dict[str | None, Any]]] = {
        "990101": {k: {"2020": v} for k, v in (own or {}).items()}
    }
    for n, (name, flag) in enumerate(flags.items()):
        code = f"990101001{n + 1:03d}"
        urban = name.startswith("u")
        units[code] = Unit(code, name, Level.VILLAGE, "990101001",
                           area=Area.URBAN if urban else Area.RURAL,
                           type="urban_community" if urban else "village")  # fmt: skip
        if flag is not None:
            facts[code] = {"t_flag": {"2020": flag}}
    return Dataset(units=units, facts=facts)


def _coverage(dataset: Dataset, **fields: Any) -> dict[str, Any]:
    rule = CoverageRule(id="T-cover", levels=(Level.COUNTY,), flag="t_flag", **COMMON, **fields)
    registry = _registry(rule)
    new = [finding_to_json(f) for f in Engine(registry).iter_assess(dataset, on=date(2020, 12, 31))]
    [finding] = new
    return finding


def test_coverage_counts_the_units_below_with_the_flag() -> None:
    found = _coverage(_county({"a": True, "b": False, "c": True, "u1": False}))
    assert (found["status"], found["actual"], found["gap"]) == ("not_met", "50.00", "50.00")
    assert found["message_zh"] == "覆盖:2/4(50.00%),要求不少于 100%,差 50.00%"
    assert found["details"] == ["990101001002", "990101001004"]  # file order
    kept = _coverage(_county({"a": True, "b": True, "u1": False}), below_area=Area.RURAL,
                     below_except=("urban_community",), value=Decimal(100))  # fmt: skip
    assert (kept["status"], kept["actual"], kept["details"]) == ("met", "100.00", [])
    # 2 of 3 is 66.67% shown, but compared exactly: not 66.67% or more of 3
    third = _coverage(_county({"a": True, "b": True, "c": False}), value=Decimal("66.67"))
    assert (third["status"], third["actual"]) == ("not_met", "66.67")


def test_coverage_prefers_the_units_own_figures() -> None:
    flags = {"a": True, "b": False}
    rate = _coverage(_county(flags, {"t_rate": Decimal("95.5")}), rate="t_rate")
    assert (rate["status"], rate["actual"], rate["period"]) == ("not_met", "95.5", "2020")
    counts = _coverage(
        _county(flags, {"t_total": 4, "t_covered": 4}), total="t_total", covered="t_covered"
    )
    assert (counts["status"], counts["actual"]) == ("met", "100.00")
    none = _coverage(
        _county(flags, {"t_total": 0, "t_covered": 0}), total="t_total", covered="t_covered"
    )
    assert none["status"] == "not_applicable"
    over = _coverage(
        _county(flags, {"t_total": 3, "t_covered": 4}), total="t_total", covered="t_covered"
    )
    assert over["status"] == "error"
    assert "exceeds" in over["message_en"]


def test_coverage_without_the_facts_is_unknown_naming_them() -> None:
    gap = _coverage(_county({"a": True, "b": None}), total="t_total", covered="t_covered")
    assert (gap["status"], gap["missing"]) == ("unknown", ["t_total", "t_covered", "t_flag"])
    empty = _coverage(_county({}), rate="t_rate")
    assert (empty["status"], empty["missing"]) == ("unknown", ["t_rate"])
