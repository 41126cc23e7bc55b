"""The engine: findings for every rule kind, status rules, regions, roll-ups, streams."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import demo_pack
from broken_packs import bad_rule
from minzheng import Attribute, Dataset, Engine, Finding, Severity, Status, assess, iter_assess
from minzheng.engine import Tally
from minzheng.errors import UnknownNameError
from minzheng.io.dataset import read_dataset
from minzheng.model import Direction, Position
from minzheng.report.render import report_to_json
from minzheng.rules import trajectory
from minzheng.testing import make_registry

REGISTRY = make_registry(("demo", demo_pack))
ENGINE = Engine(REGISTRY)


def dataset(*units: dict[str, Any], as_of: str = "2022-12-31") -> Dataset:
    data = {"as_of": as_of, "units": list(units)}
    return read_dataset(json.dumps(data, ensure_ascii=False), "json", REGISTRY.indicators)


def township(code: str = "990101001", **facts: Any) -> dict[str, Any]:
    return {"code": code, "name": "镇", "level": "township", "facts": facts}


def county(code: str = "990101", **facts: Any) -> dict[str, Any]:
    return {"code": code, "name": "县", "level": "county", "facts": facts}


def only(ds: Dataset, rule: str, unit: str | None = None, **kwargs: Any) -> Finding:
    found = [
        f
        for f in ENGINE.iter_assess(ds, **kwargs)
        if f.rule == rule and (unit is None or f.unit == unit)
    ]
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------- each kind of rule


@pytest.mark.parametrize(
    ("population", "required"),
    [(0, 2), (19999, 2), (20000, 2), (20001, 3), (49999, 3), (50000, 5), (50001, 5), (10**7, 5)],
)
def test_bracket_boundaries_follow_yishang_yixia(population: int, required: int) -> None:
    # 2万人以下 includes 20,000; 5万人以上 includes 50,000
    f = only(dataset(township(registered_population=population, office_staff=required)), "D-staff")
    assert f.status is Status.MET
    assert f.required == required
    f = only(
        dataset(township(registered_population=population, office_staff=required - 1)), "D-staff"
    )
    assert f.status is Status.NOT_MET
    assert f.gap == 1


def test_bracket_unknown_names_the_missing_fact() -> None:
    f = only(dataset(township(office_staff=3)), "D-staff")
    assert f.status is Status.UNKNOWN
    assert f.missing == ("registered_population",)
    assert "registered population (registered_population)" in f.message_en
    assert "户籍人口" in f.message_zh
    both = only(dataset(township()), "D-staff")
    assert both.missing == ("office_staff", "registered_population")


def test_checklist_lists_what_is_missing() -> None:
    f = only(dataset(township(office_fixtures=["phone"])), "D-fixtures")
    assert f.status is Status.NOT_MET
    assert f.details == ("computer", "printer")
    assert f.gap == 2
    assert "missing: computer, printer" in f.message_en
    assert "缺少:电脑、打印机" in f.message_zh
    assert (
        only(
            dataset(township(office_fixtures=["printer", "phone", "computer"])), "D-fixtures"
        ).status
        is Status.MET
    )
    assert only(dataset(township()), "D-fixtures").status is Status.UNKNOWN


def test_derived_rounds_headcounts_up() -> None:
    # 1‰ of 123,001 is 123.001 → 124 social workers
    f = only(dataset(county(resident_population=123001, social_workers=123)), "D-social-workers")
    assert (f.status, f.required, f.gap) == (Status.NOT_MET, Decimal(124), Decimal(1))
    assert f.severity is Severity.WARNING  # an expected (预期性) indicator
    assert (
        only(
            dataset(county(resident_population=123000, social_workers=123)), "D-social-workers"
        ).status
        is Status.MET
    )


def test_threshold_binding_rate() -> None:
    f = only(dataset(county(cremation_rate="99.9%")), "D-cremation")
    assert (f.status, f.gap, f.measure) == (Status.NOT_MET, Decimal("0.1"), "%")
    assert f.severity is Severity.FAILURE
    assert only(dataset(county(cremation_rate="100%")), "D-cremation").status is Status.MET


def test_threshold_at_most() -> None:
    assert only(dataset(county(gov_bed_share="30%")), "D-gov-beds").status is Status.MET
    f = only(dataset(county(gov_bed_share="30.5%")), "D-gov-beds")
    assert (f.status, f.gap) == (Status.NOT_MET, Decimal("0.5"))


def test_flag() -> None:
    hall = {"code": "990101001-H", "name": "大厅", "level": "facility", "type": "service_hall"}
    assert only(dataset({**hall, "facts": {"civil_window": "是"}}), "D-window").status is Status.MET
    assert (
        only(dataset({**hall, "facts": {"civil_window": "否"}}), "D-window").status
        is Status.NOT_MET
    )
    assert only(dataset(hall), "D-window").status is Status.UNKNOWN


def test_rules_select_units_by_type() -> None:
    home = {"code": "990101001-N", "name": "敬老院", "level": "facility", "type": "nursing_home"}
    findings = list(ENGINE.iter_assess(dataset(home)))
    assert [f.rule for f in findings] == ["D-carers"]


def test_code_only_rule() -> None:
    home = {"code": "990101001-N", "name": "敬老院", "level": "facility", "type": "nursing_home"}
    f = only(dataset({**home, "facts": {"carers": 2, "disabled_residents": 9}}), "D-carers")
    assert (f.status, f.required, f.gap) == (Status.NOT_MET, Decimal(3), Decimal(1))


# ---------------------------------------------------------------- status rules


def test_a_deadline_not_yet_come_still_reports_the_gap() -> None:
    ds = dataset(township(registered_population=30000, office_staff=2), as_of="2017-06-30")
    f = only(ds, "D-staff")
    assert f.status is Status.NOT_MET
    assert f.due is False
    assert f.gap == 1
    assert f.severity is Severity.WARNING
    after = only(ds, "D-staff", on=date(2018, 12, 31))
    assert after.due is True
    assert after.severity is Severity.FAILURE


def test_a_rule_not_yet_in_force_is_not_applicable() -> None:
    ds = dataset(county(county_budget={2017: 1, 2018: 1}))
    assert only(ds, "D-budget", on=date(2017, 12, 31)).status is Status.NOT_APPLICABLE
    assert only(ds, "D-budget", on=date(2018, 12, 31)).status is Status.NOT_MET


def test_a_value_from_before_a_rule_is_in_force_is_not_judged_by_it() -> None:
    early = dataset(county(county_budget={2017: 1}))
    found = only(early, "D-budget", on=date(2018, 12, 31))
    assert (found.status, found.missing) == (Status.UNKNOWN, ("county_budget",))


def test_facts_are_read_as_of_the_assessment_date() -> None:
    ds = dataset(township(registered_population=10000, office_staff={2016: 1, 2018: 2}))
    assert only(ds, "D-staff", on=date(2017, 12, 31)).status is Status.NOT_MET
    f = only(ds, "D-staff", on=date(2018, 12, 31))
    assert (f.status, f.period) == (Status.MET, "2018")
    assert only(ds, "D-staff", on=date(2015, 12, 31)).status is Status.UNKNOWN


def test_a_rule_that_raises_becomes_an_error_finding_and_the_others_run() -> None:
    registry = make_registry(("demo", demo_pack), ("badrule", bad_rule))
    ds = read_dataset(
        json.dumps({"units": [county(cremation_rate="100%")]}), "json", registry.indicators
    )
    report = assess(ds, registry=registry)
    errors = [f for f in report.findings if f.status is Status.ERROR]
    assert [(f.pack, f.rule) for f in errors] == [("badrule", "B-explodes")]
    assert "ZeroDivisionError" in errors[0].message_en
    assert any(f.rule == "D-cremation" and f.status is Status.MET for f in report.findings)


def test_missing_data_is_never_met() -> None:
    report = ENGINE.assess(dataset(county(), township(code="990101001")))
    assert report.findings
    assert all(f.status is Status.UNKNOWN for f in report.findings)


# ---------------------------------------------------------------- regions and what-if


def test_packs_apply_only_inside_their_region() -> None:
    outside = {
        "code": "360821",
        "name": "吉安县",
        "level": "county",
        "facts": {"cremation_rate": "90%"},
    }
    ds = dataset(outside, county(cremation_rate="90%"))
    assert {f.unit for f in ENGINE.iter_assess(ds)} == {"990101"}
    assert {f.unit for f in ENGINE.iter_assess(ds, what_if=True)} == {"990101", "360821"}


def test_packs_can_be_chosen_by_name() -> None:
    ds = dataset(county(cremation_rate="90%"))
    assert list(ENGINE.iter_assess(ds, packs=["core"])) == []
    assert {f.pack for f in ENGINE.iter_assess(ds, packs=["demo"])} == {"demo"}
    with pytest.raises(UnknownNameError, match="did you mean 'demo'"):
        list(ENGINE.iter_assess(ds, packs=["deom"]))


# ---------------------------------------------------------------- report, roll-ups, streams


def test_streaming_gives_the_same_findings_and_tally(demo: Dataset, engine: Engine) -> None:
    report = engine.assess(demo)
    tally = Tally(demo)
    streamed = list(iter_assess(demo, registry=engine.registry))
    for finding in streamed:
        tally.add(finding)
    assert tuple(streamed) == report.findings
    assert tally.summary == report.summary
    assert tally.rollups() == report.rollups
    assert sum(report.summary.values()) == len(report.findings)


def test_iter_assess_is_lazy(demo: Dataset, engine: Engine) -> None:
    stream = engine.iter_assess(demo)
    first = next(stream)
    assert isinstance(first, Finding)


def test_rollups_give_the_share_of_units_that_meet(demo: Dataset, engine: Engine) -> None:
    report = engine.assess(demo)
    rollups = {(r.unit, r.rule, r.level.value): r for r in report.rollups}
    staff = rollups[("9901", "D-staff", "township")]
    # 甲镇 met, 乙镇 not met, 丙镇 unknown
    assert (staff.met, staff.not_met, staff.unknown, staff.assessed) == (1, 1, 1, 3)
    assert staff.share_met == Decimal("0.3333")
    county_level = rollups[("990101", "D-staff", "township")]
    assert (county_level.met, county_level.assessed) == (1, 2)
    assert ("990102", "D-cremation", "county") not in rollups  # nothing below a county is a county


def test_json_output_carries_the_design_contract(demo: Dataset, engine: Engine) -> None:
    data = json.loads(json.dumps(report_to_json(engine.assess(demo)), ensure_ascii=False))
    contract = {
        "pack",
        "rule",
        "unit",
        "status",
        "actual",
        "required",
        "comparator",
        "gap",
        "measure",
        "deadline",
        "citation",
        "message_zh",
        "message_en",
    }
    for finding in data["findings"]:
        assert contract <= set(finding)
        assert finding["status"] in {"met", "not_met", "unknown", "not_applicable", "error"}
        assert set(finding["citation"]) >= {"document", "locator", "text"}
        for key in ("actual", "required", "gap"):
            assert not isinstance(finding[key], int | float) or isinstance(finding[key], bool)
    budget = next(f for f in data["findings"] if f["rule"] == "D-budget" and f["unit"] == "990101")
    assert budget["actual"] == "120000.50"  # exact, as a string
    assert budget["required"] == "100000"
    staff = next(f for f in data["findings"] if f["rule"] == "D-staff" and f["unit"] == "990101001")
    assert staff["deadline"] == "2018-12-31"
    assert staff["citation"]["locator"] == "三1"
    assert data["summary"]["met"].isdigit()


# ---------------------------------------------------------------- trajectories


def test_trajectory_ends_and_middle() -> None:
    def line(year: int, actual: Decimal | None = None) -> Any:
        return trajectory((2020, Decimal(35)), (2025, Decimal(45)), year, actual)

    assert line(2020).expected == 35
    assert line(2021).expected == 37
    assert line(2022).expected == 39
    assert line(2025).expected == 45
    assert line(2019).expected == 35  # before the baseline: the baseline
    assert line(2030).expected == 45  # after the target year: the target
    assert line(2022, Decimal(39)).position is Position.ON_TRACK
    assert line(2022, Decimal("38.99")).position is Position.BEHIND
    assert line(2022, Decimal("39.01")).position is Position.AHEAD


def test_trajectory_that_does_not_divide_evenly() -> None:
    point = trajectory((2020, Decimal(0)), (2023, Decimal(1)), 2021, Decimal("0.333333"))
    assert point.expected == Decimal("0.333333")
    assert point.position is Position.BEHIND  # 1/3 exactly is more than 0.333333


def test_trajectory_lower_is_better() -> None:
    point = trajectory((2020, Decimal(40)), (2025, Decimal(30)), 2021, Decimal(37), Direction.LOWER)
    assert point.expected == 38
    assert point.position is Position.AHEAD


def test_trajectory_rule_in_a_finding() -> None:
    f = only(dataset(county(eco_burial_rate={2021: "36%"})), "D-burial")
    assert f.status is Status.NOT_MET
    assert f.due is False
    assert f.trajectory is not None
    assert (f.trajectory.year, f.trajectory.expected, f.trajectory.position) == (
        2021,
        37,
        Position.BEHIND,
    )
    assert f.gap == 9  # to the 2025 target


# ---------------------------------------------------------------- targets


def test_targets_without_assessing() -> None:
    ds = dataset(
        township(registered_population=20001),
        county(resident_population=412345),
        township(code="990101002"),
    )
    targets = {(t.unit, t.rule): t for t in ENGINE.iter_targets(ds)}
    assert targets[("990101001", "D-staff")].required == 3
    assert targets[("990101", "D-social-workers")].required == 413
    assert targets[("990101", "D-social-workers")].pack == "demo"
    missing = targets[("990101002", "D-staff")]
    assert missing.required is None
    assert missing.missing == ("registered_population",)
    burial = targets[("990101", "D-burial")]
    assert dict(burial.trajectory)[2023] == 41


# ---------------------------------------------------------------- properties


@given(st.integers(0, 200_000), st.integers(0, 20), st.integers(0, 20))
def test_more_staff_never_turns_met_into_not_met(population: int, staff: int, more: int) -> None:
    before = only(
        dataset(township(registered_population=population, office_staff=staff)), "D-staff"
    )
    after = only(
        dataset(township(registered_population=population, office_staff=staff + more)), "D-staff"
    )
    if before.status is Status.MET:
        assert after.status is Status.MET


@given(st.integers(0, 200_000), st.integers(0, 200_000))
def test_required_staff_never_decreases_as_population_grows(a: int, b: int) -> None:
    low, high = sorted((a, b))
    rule = REGISTRY.rule("D-staff")[1]
    assert rule.band(Decimal(low)).required <= rule.band(Decimal(high)).required  # type: ignore[attr-defined]


@given(st.decimals(0, 100, places=2), st.decimals(0, 100, places=2), st.integers(2015, 2030))
def test_a_larger_actual_is_never_worse_for_higher_is_better(
    a: Decimal, b: Decimal, year: int
) -> None:
    order = [Position.BEHIND, Position.ON_TRACK, Position.AHEAD]

    def pos(x: Decimal) -> Position:
        p = trajectory((2020, Decimal(35)), (2025, Decimal(45)), year, x).position
        assert p is not None
        return p

    low, high = sorted((a, b))
    assert order.index(pos(low)) <= order.index(pos(high))


def test_a_fact_for_one_period_and_a_standard_from_above() -> None:
    import polars as pl

    from minzheng.io.tables import tables_from_dataset
    from minzheng.rules.columns import Facts, Frame

    ds = dataset(county(county_budget={2017: 5, 2018: 6}), township(registered_population=3))
    tables = tables_from_dataset(ds, REGISTRY.indicators)
    facts = Facts(tables.units, tables.facts, date(2018, 12, 31), REGISTRY.indicators)
    frame = Frame(tables.units, facts)
    in_2017, in_2019 = (frame.fact_in("county_budget", y) for y in (2017, 2019))
    budget, source, _ = frame.inherited("county_budget")
    workers = frame.inherited("social_workers")[0]
    population, population_source, _ = frame.inherited("registered_population")
    got = frame.data.select(
        "code", in_2017.text, in_2019.text, budget.text, source, workers.text,
        population.text, population_source,
    )  # fmt: skip
    assert got.rows() == [
        ("990101", "5", None, "6", "990101", None, None, None),
        ("990101001", None, None, "6", "990101", None, "3", "990101001"),
    ]
    assert pl.Series(got.columns).is_unique().all()


def test_share_is_compared_exactly() -> None:
    f = only(dataset(county(gov_run_beds=30, elderly_care_beds=100)), "D-gov-bed-share")
    assert (f.status, f.actual) == (Status.MET, Decimal("30.00"))
    f = only(dataset(county(gov_run_beds=1, elderly_care_beds=3)), "D-gov-bed-share")
    assert (f.status, f.actual) == (Status.NOT_MET, Decimal("33.33"))
    # 3/10 is exactly 30%: met, though 0.3 is not exact in binary
    assert (
        only(dataset(county(gov_run_beds=3, elderly_care_beds=10)), "D-gov-bed-share").status
        is Status.MET
    )
    assert (
        only(dataset(county(gov_run_beds=0, elderly_care_beds=0)), "D-gov-bed-share").status
        is Status.NOT_APPLICABLE
    )
    assert only(dataset(county(gov_run_beds=3)), "D-gov-bed-share").status is Status.UNKNOWN


def test_thresholds_all_must_hold() -> None:
    assert (
        only(
            dataset(county(verification_rate="100%", accuracy_rate="90%")), "D-verification"
        ).status
        is Status.MET
    )
    f = only(dataset(county(verification_rate="99%", accuracy_rate="95%")), "D-verification")
    assert f.status is Status.NOT_MET
    assert f.details == ("verification rate: 99%, required exactly 100%; short by 1%",)
    # a known shortfall stays not met when the other fact is missing
    f = only(dataset(county(accuracy_rate="80%")), "D-verification")
    assert (f.status, f.missing) == (Status.NOT_MET, ("verification_rate",))
    f = only(dataset(county(accuracy_rate="95%")), "D-verification")
    assert (f.status, f.missing) == (Status.UNKNOWN, ("verification_rate",))


def test_observe_reports_value_and_trend() -> None:
    f = only(dataset(county(social_organisations={2021: 150, 2022: 148})), "D-organisations")
    assert f.status is Status.NOT_APPLICABLE
    assert f.actual == 148
    assert "down, -2 since 2021" in f.message_en
    assert "the plan sets no number" in f.message_en
    assert "规划未设定目标值" in f.message_zh
    first = only(dataset(county(social_organisations={2021: 150})), "D-organisations")
    assert "up, +9 since 2020" in first.message_en  # against the plan's baseline of 141
    assert only(dataset(county()), "D-organisations").status is Status.UNKNOWN


def test_fixed_thresholds_are_targets_too() -> None:
    targets = {(t.rule, t.indicator): t for t in ENGINE.iter_targets(dataset(county()))}
    assert targets[("D-cremation", "cremation_rate")].required == 100


def test_a_target_lacking_a_fact_names_its_indicator_and_the_fact() -> None:
    ds = dataset(county(gov_run_beds=3), county(code="990102", elderly_care_beds=201))
    found = {t.unit: t for t in ENGINE.iter_targets(ds, rules=["D-gov-bed-share"])}
    lacking, known = found["990101"], found["990102"]
    assert (lacking.indicator, lacking.required, lacking.missing) == (
        "gov_run_beds", None, ("elderly_care_beds",),
    )  # fmt: skip
    assert lacking.basis_en == "missing data: elderly-care beds (elderly_care_beds)"
    assert (known.required, known.inputs) == (Decimal(60), (("elderly_care_beds", Decimal(201)),))


def test_targets_table_is_ordered_by_unit_pack_and_rule() -> None:
    ds = dataset(county(resident_population=1000), township(registered_population=30000))
    table = ENGINE.targets_table(ds)
    assert table.columns[:4] == ["pack", "rule", "unit", "indicator"]
    units = table.get_column("unit").to_list()
    assert units == sorted(units, key=["990101", "990101001"].index)
    assert [t.rule for t in ENGINE.iter_targets(ds)] == table.get_column("rule").to_list()


def test_a_rule_whose_targets_raise_is_named_and_the_others_run() -> None:
    """A failing rule gives one target for each of its units, naming it."""
    registry = make_registry(("demo", demo_pack), ("badrule", bad_rule))
    ds = read_dataset(
        json.dumps({"units": [county(resident_population=1000)]}), "json", registry.indicators
    )
    targets = {t.rule: t for t in Engine(registry).iter_targets(ds)}
    assert targets["D-social-workers"].required == 1
    failed = targets["B-explodes"]
    assert failed.required is None
    assert "rule B-explodes of pack 'badrule' raised KeyError" in failed.basis_en


def test_only_the_rules_asked_for() -> None:
    ds = dataset(county(cremation_rate="90%", gov_bed_share="10%"), township(office_staff=1))
    assert {f.rule for f in ENGINE.iter_assess(ds, rules=["D-cremation"])} == {"D-cremation"}
    assert {t.rule for t in ENGINE.iter_targets(ds, rules=["D-staff"])} == {"D-staff"}
    with pytest.raises(UnknownNameError, match="did you mean 'D-cremation'"):
        list(ENGINE.iter_assess(ds, rules=["D-cremaiton"]))


@given(
    st.lists(
        st.builds(
            Finding,
            pack=st.just("demo"),
            rule=st.just("D-staff"),
            unit=st.sampled_from(["990101", "990101001", "nowhere"]),
            status=st.sampled_from(Status),
            message_zh=st.just(""),
            message_en=st.just(""),
            attribute=st.sampled_from(Attribute),
            due=st.none() | st.booleans(),
        ),
        max_size=20,
    )
)
def test_a_tally_counts_failures_and_warnings_by_each_findings_severity(
    found: list[Finding],
) -> None:
    """Tally.add looks at a finding's severity only when it is not met or in error;
    it must count what Finding.severity says, whatever the status, due and attribute."""
    tally = Tally(Dataset(units={}, facts={}), rollups=False)
    for finding in found:
        tally.add(finding)
    severities = [f.severity for f in found]
    assert tally.failures == severities.count(Severity.FAILURE)
    assert tally.warnings == severities.count(Severity.WARNING)
    assert sum(tally.summary.values()) == len(found)
