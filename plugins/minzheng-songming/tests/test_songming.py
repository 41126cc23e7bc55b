"""The Songming pack: the indicator table, the text targets, standards, trajectories."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import minzheng_songming
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import minzheng.cli
from conftest import ENGINE, REGISTRY, county, dataset, finding
from minzheng import Attribute, Severity, Status, load_dataset
from minzheng.model import Position
from minzheng.testing import (
    assert_citations_verbatim,
    assert_pack_conforms,
    make_registry,
    sources_dir,
)

_SHARED = Path(__file__).resolve().parents[3].parent / "shared"
TABLE_IDS = (
    [f"S-table-{n:02d}" for n in range(1, 6)]
    + ["S-table-06a", "S-table-06b"]
    + [f"S-table-{n:02d}" for n in range(7, 16)]
)
TEXT_IDS = [
    "S-gov-beds", "S-nursing-beds", "S-social-work-stations", "S-social-worker-per-community",
    "S-eco-burial-sites", "S-cremation", "S-basic-funeral-services", "S-relief-verification",
    "S-relief-dynamic", "S-relief-station", "S-emergency-fund", "S-child-visits", "S-dibao-gap",
]  # fmt: skip


def test_conforms() -> None:
    data = Path(minzheng_songming.__file__).parent / "data"
    assert_pack_conforms(
        minzheng_songming.pack, data_files=[data / "rules.yaml", data / "indicators.yaml"]
    )


def test_every_row_and_text_target() -> None:
    ids = [r.id for r in REGISTRY.pack("songming").rules]
    assert sorted(ids) == sorted(TABLE_IDS + TEXT_IDS)


def test_text_ids_match_the_digest() -> None:
    digest = _SHARED / "spec" / "rule-digest.md"
    if not digest.exists():
        pytest.skip("the rule digest is not beside the repository")
    text = digest.read_text("utf-8")
    section = text[text.index("## Songming") : text.index("## Yancheng")]
    assert sorted(set(re.findall(r"^\| (S-[\w-]+) \|", section, re.M))) == sorted(TEXT_IDS)
    assert len(
        re.findall(r"^\| (?:\d+) \| (?:基本民生保障|基层社会治理|基本社会服务) \|", section, re.M)
    ) == len(TABLE_IDS)


def test_citations_are_verbatim() -> None:
    pack = REGISTRY.pack("songming")
    for program in pack.programs:
        for standard in program.standards:
            assert standard.citation is not None
            assert standard.citation.title == "嵩明县“十四五”民政事业发展规划"
    assert_citations_verbatim(pack, sources_dir(_SHARED / "seeds"))


@pytest.mark.parametrize(
    ("rule", "attribute"),
    [("S-table-13", Attribute.BINDING), ("S-table-14", Attribute.EXPECTED), ("S-table-01", Attribute.EXPECTED),
     ("S-table-09", Attribute.EXPECTED), ("S-cremation", Attribute.BINDING)],
)  # fmt: skip
def test_attributes_follow_the_table(rule: str, attribute: Attribute) -> None:
    assert REGISTRY.rule(rule)[1].attribute is attribute


def test_cli_lists_every_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        minzheng.cli.settings, "registry", make_registry(("songming", minzheng_songming.pack))
    )
    output = CliRunner().invoke(minzheng.cli.main, ["rules", "songming"]).output
    for rule_id in TABLE_IDS + TEXT_IDS:
        assert rule_id in output


# ---------------------------------------------------------------- met / not met / unknown

TOWN = {"code": "530127102", "name": "小街镇", "level": "township", "area": "rural"}
VILLAGE = {"code": "530127102001", "name": "村", "level": "village", "area": "rural"}
ALL_FIVE = ["body_transport", "body_storage", "cremation", "urn", "ash_storage_or_eco_burial"]

CASES: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    ("S-table-06b", county(urban_community_consultation_rate="100%"), county(urban_community_consultation_rate="99%"), county()),
    ("S-table-07", county(rural_community_consultation_rate="100%"), county(rural_community_consultation_rate="90%"), county()),
    ("S-table-09", county(resident_population=412345, social_workers=413), county(resident_population=412345, social_workers=412), county(social_workers=1)),
    ("S-table-10", county(resident_population=412345, registered_volunteers=74223), county(resident_population=412345, registered_volunteers=74222), county()),
    ("S-table-11", county(nursing_care_beds=60, elderly_care_beds=100), county(nursing_care_beds=59, elderly_care_beds=100), county(nursing_care_beds=1)),
    ("S-table-12", county(children_welfare_beds=65), county(children_welfare_beds=64), county()),
    ("S-table-13", county(cremation_rate="100%"), county(cremation_rate="99.9%"), county()),
    ("S-table-14", county(eco_burial_rate={2023: "45%"}), county(eco_burial_rate={2023: "40%"}), county()),
    ("S-table-15", county(marriage_app_booking_rate="100%"), county(marriage_app_booking_rate="80%"), county()),
    ("S-gov-beds", county(gov_run_beds=30, elderly_care_beds=100), county(gov_run_beds=31, elderly_care_beds=100), county(elderly_care_beds=100)),
    ("S-nursing-beds", county(nursing_care_beds=3, elderly_care_beds=5), county(nursing_care_beds=2, elderly_care_beds=5), county()),
    ("S-social-work-stations", {**TOWN, "facts": {"social_work_station": True}}, {**TOWN, "facts": {"social_work_station": False}}, TOWN),
    ("S-social-worker-per-community", {**VILLAGE, "facts": {"professional_social_workers": 1}}, {**VILLAGE, "facts": {"professional_social_workers": 0}}, VILLAGE),
    ("S-eco-burial-sites", {**TOWN, "facts": {"eco_burial_site": True}}, {**TOWN, "facts": {"eco_burial_site": False}}, TOWN),
    ("S-cremation", county(cremation_rate="100%"), county(cremation_rate="99%"), county()),
    ("S-basic-funeral-services", county(basic_funeral_services=ALL_FIVE), county(basic_funeral_services=ALL_FIVE[:4]), county()),
    ("S-relief-verification", county(verification_rate="100%", accuracy_rate="90%"), county(verification_rate="100%", accuracy_rate="89.9%"), county(accuracy_rate="95%")),
    ("S-relief-dynamic", county(dynamic_management_rate="98%", provincial_avg_dynamic_management_rate="98%"),
     county(dynamic_management_rate="97%", provincial_avg_dynamic_management_rate="98%"), county(dynamic_management_rate="97%")),
    ("S-relief-station", county(relief_station_operating=True), county(relief_station_operating=False), county()),
    ("S-emergency-fund", {**TOWN, "facts": {"temporary_assistance_reserve_fund": True}}, {**TOWN, "facts": {"temporary_assistance_reserve_fund": False}}, TOWN),
    ("S-child-visits", {**VILLAGE, "facts": {"children_in_difficulty": 2, "child_visit_quarters": {2023: 4}}},
     {**VILLAGE, "facts": {"children_in_difficulty": 2, "child_visit_quarters": {2023: 3}}}, {**VILLAGE, "facts": {"children_in_difficulty": 2}}),
    ("S-dibao-gap", county(rural_dibao_standard={2022: 450, 2023: 470}, urban_dibao_standard={2022: 720, 2023: 730}),
     county(rural_dibao_standard={2022: 450, 2023: 450}, urban_dibao_standard={2022: 720, 2023: 760}), county(rural_dibao_standard={2023: 470})),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "met", "not_met", "unknown"), CASES, ids=[c[0] for c in CASES])
def test_met_not_met_unknown(
    rule: str, met: dict[str, Any], not_met: dict[str, Any], unknown: dict[str, Any]
) -> None:
    code = met["code"]
    assert finding(rule, met, unit=code).status is Status.MET
    assert finding(rule, not_met, unit=code).status is Status.NOT_MET
    missing = finding(rule, unknown, unit=code)
    assert missing.status is Status.UNKNOWN
    assert missing.missing


def test_rows_with_no_number_report_value_and_trend() -> None:
    f = finding("S-table-02", county(rural_dibao_standard={2021: 430, 2022: 450}))
    assert f.status is Status.NOT_APPLICABLE
    assert f.actual == 450
    assert "up, +20 since 2021" in f.message_en
    assert "the plan sets no number" in f.message_en
    first = finding("S-table-08", county(social_organisations={2021: 139}))
    assert "down, -2 since 2020" in first.message_en  # against the seed's 141 in December 2020
    assert finding("S-table-01", county()).status is Status.UNKNOWN


# ---------------------------------------------------------------- readings


def test_cremation_missed_in_any_year_is_a_failure() -> None:
    for year in (2021, 2022, 2023):
        f = finding("S-table-13", county(cremation_rate={year: "99.5%"}), on=date(year, 12, 31))
        assert (f.status, f.severity) == (Status.NOT_MET, Severity.FAILURE)
    expected = finding("S-table-15", county(marriage_app_booking_rate="50%"), on=date(2026, 1, 1))
    assert expected.severity is Severity.WARNING


def test_social_workers_and_volunteers_round_up() -> None:
    targets = {
        t.rule: t.required for t in ENGINE.iter_targets(dataset(county(resident_population=412345)))
    }
    assert targets["S-table-09"] == 413  # 412.345 → 413
    assert targets["S-table-10"] == 74223  # 74,222.1 → 74,223
    assert targets["S-table-12"] == 65


@pytest.mark.parametrize(
    ("year", "expected", "actual", "position"),
    [
        (2021, Decimal(37), "36%", Position.BEHIND),
        (2022, Decimal(39), "39%", Position.ON_TRACK),
        (2023, Decimal(41), "41.5%", Position.AHEAD),
        (2024, Decimal(43), "42.9%", Position.BEHIND),
        (2025, Decimal(45), "45%", Position.ON_TRACK),
    ],
)
def test_eco_burial_trajectory(
    year: int, expected: Decimal, actual: str, position: Position
) -> None:
    f = finding("S-table-14", county(eco_burial_rate={year: actual}), on=date(year, 12, 31))
    assert f.trajectory is not None
    assert (f.trajectory.expected, f.trajectory.position) == (expected, position)
    assert f.due is (year >= 2025)


def test_trajectory_in_targets() -> None:
    [target] = [t for t in ENGINE.iter_targets(dataset(county())) if t.rule == "S-table-14"]
    assert dict(target.trajectory) == {2020: 35, 2021: 37, 2022: 39, 2023: 41, 2024: 43, 2025: 45}


def test_standards_change_on_effective_dates() -> None:
    standards = {s.id: s for p in REGISTRY.pack("songming").programs for s in p.standards}
    subsidy = standards["disability_living_subsidy"].schedule
    assert subsidy.on(date(2020, 4, 30)) == 50
    assert subsidy.on(date(2020, 5, 1)) == 70
    assert standards["severe_disability_care_level1"].schedule.on(date(2020, 5, 1)) == 110
    assert standards["severe_disability_care_level2"].schedule.on(date(2020, 4, 30)) == 50


@pytest.mark.parametrize(
    ("standard", "percent"),
    [("rural_dibao_standard", "8.7"), ("tekun_centralized_standard", "9.4"), ("orphan_allowance", "8.8"),
     ("temporary_assistance_average", "22.1"), ("longevity_100_plus", "10.8")],
)  # fmt: skip
def test_growth_against_the_seed(standard: str, percent: str) -> None:
    standards = {s.id: s for p in REGISTRY.pack("songming").programs for s in p.standards}
    growth = standards[standard].schedule.growth()
    assert growth is not None
    assert (growth * 100).quantize(Decimal("0.1")) == Decimal(percent)


def test_targets_cli_prints_growth(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(
        minzheng.cli.settings, "registry", make_registry(("songming", minzheng_songming.pack))
    )
    path = tmp_path / "c.yaml"
    path.write_text(
        "units:\n  - {code: '530127', name: 嵩明县, level: county, facts: {resident_population: 412345}}\n",
        "utf-8",
    )
    table = (
        CliRunner().invoke(minzheng.cli.main, ["targets", str(path), "--on", "2023-12-31"]).output
    )
    assert "8.7% (2015→2020)" in table
    assert "413" in table
    data = CliRunner().invoke(minzheng.cli.main, ["targets", str(path), "--format", "json"]).output
    assert '"growth": "0.08' in data


def test_eco_burial_coverage_computed_from_villages() -> None:
    villages = [
        {
            "code": f"5301271020{i:02d}",
            "name": f"村{i}",
            "level": "village",
            "area": "rural",
            "facts": {"eco_burial_covered": i != 3},
        }
        for i in range(1, 4)
    ]
    community = {
        "code": "530127001001",
        "name": "社区",
        "level": "village",
        "area": "urban",
        "type": "urban_community",
    }
    f = finding(
        "S-eco-burial-sites",
        county(),
        TOWN,
        {**TOWN, "code": "530127001", "name": "嵩阳街道"},
        community,
        *villages,
    )
    assert (f.status, f.actual) == (Status.NOT_MET, Decimal("66.67"))
    assert f.details == ("530127102003",)
    reported = finding("S-eco-burial-sites", county(eco_burial_village_coverage="100%"), *villages)
    assert reported.status is Status.MET


def test_relief_dynamic_reads_averages_from_the_province() -> None:
    province = {
        "code": "53",
        "name": "云南省",
        "level": "province",
        "facts": {"provincial_avg_rural_dibao_standard": 460},
    }
    f = finding("S-relief-dynamic", province, county(rural_dibao_standard=450))
    assert (f.status, f.missing) == (Status.NOT_MET, ())
    # only the pair whose provincial average is given is compared
    met = finding("S-relief-dynamic", province, county(rural_dibao_standard=460))
    assert met.status is Status.MET
    # an average given, the county's own figure missing: unknown
    missing = finding("S-relief-dynamic", province, county(urban_dibao_standard=800))
    assert (missing.status, missing.missing) == (Status.UNKNOWN, ("rural_dibao_standard",))
    # no average at all: unknown, naming them
    none = finding("S-relief-dynamic", county(rural_dibao_standard=460))
    assert none.status is Status.UNKNOWN
    assert "provincial_avg_rural_dibao_standard" in none.missing


def test_child_visits_count_quarters_ended() -> None:
    village = {**VILLAGE, "facts": {"children_in_difficulty": 1, "child_visit_quarters": {2023: 2}}}
    assert (
        finding("S-child-visits", village, unit=VILLAGE["code"], on=date(2023, 6, 30)).status
        is Status.MET
    )
    assert (
        finding("S-child-visits", village, unit=VILLAGE["code"], on=date(2023, 9, 30)).status
        is Status.NOT_MET
    )
    none = {**VILLAGE, "facts": {"children_in_difficulty": 0}}
    assert finding("S-child-visits", none, unit=VILLAGE["code"]).status is Status.NOT_APPLICABLE


# ---------------------------------------------------------------- properties


# Each example runs the whole engine twice, whose first run in a process builds polars'
# plans: no deadline per example, and 40 examples (80 runs) keep CI under its limit.
@settings(deadline=None, max_examples=40)
@given(st.decimals(0, 100, places=1), st.decimals(0, 100, places=1), st.integers(2021, 2025))
def test_a_larger_actual_is_never_worse(a: Decimal, b: Decimal, year: int) -> None:
    order = [Position.BEHIND, Position.ON_TRACK, Position.AHEAD]
    low, high = sorted((a, b))

    def look(value: Decimal) -> tuple[int, Status]:
        f = finding(
            "S-table-14", county(eco_burial_rate={year: f"{value}%"}), on=date(year, 12, 31)
        )
        assert f.trajectory is not None
        assert f.trajectory.position is not None
        return order.index(f.trajectory.position), f.status

    (low_pos, low_status), (high_pos, high_status) = look(low), look(high)
    assert low_pos <= high_pos
    assert not (low_status is Status.MET and high_status is not Status.MET)


@given(st.integers(0, 2_000_000), st.integers(0, 2_000_000))
def test_required_social_workers_never_fall_as_population_grows(a: int, b: int) -> None:
    low, high = sorted((a, b))

    def required(population: int) -> Decimal:
        [t] = [
            t
            for t in ENGINE.iter_targets(dataset(county(resident_population=population)))
            if t.rule == "S-table-09"
        ]
        assert t.required is not None
        return t.required

    assert required(low) <= required(high)


def test_bed_ratios_as_targets() -> None:
    ds = dataset(county(elderly_care_beds=1001))
    targets = {t.rule: t for t in ENGINE.iter_targets(ds)}
    assert targets["S-nursing-beds"].required == 601  # 60% of 1,001 = 600.6, at least 601
    assert targets["S-nursing-beds"].indicator == "nursing_care_beds"
    assert targets["S-gov-beds"].required == 300  # 30% of 1,001 = 300.3, at most 300
    assert "rounded down" in targets["S-gov-beds"].basis_en


def test_dibao_gap_states_its_reading_and_the_difference() -> None:
    # the ratio rises (0.625 → 0.6410) while the difference in yuan grows (270 → 280)
    standards = county(
        rural_dibao_standard={2022: 450, 2023: 500}, urban_dibao_standard={2022: 720, 2023: 780}
    )
    f = finding("S-dibao-gap", standards, unit="530127")
    assert (f.status, f.actual, f.required) == (Status.MET, Decimal("0.6410"), Decimal("0.6250"))
    assert "ratio" in f.details[0]
    assert "270 yuan in 2022, 280 yuan in 2023" in f.details[1]
    assert "2022年 270 元,2023年 280 元" in f.details_zh[1]


def test_the_plan_does_not_judge_values_before_its_period() -> None:
    sample = Path(__file__).resolve().parents[3] / "examples" / "songming-2023.yaml"
    findings = list(ENGINE.iter_assess(load_dataset(sample), on=date(2020, 12, 31)))
    assert {f.rule for f in findings} == set(TABLE_IDS + TEXT_IDS)
    assert {f.status for f in findings} == {Status.NOT_APPLICABLE}
    later = list(ENGINE.iter_assess(load_dataset(sample), on=date(2021, 1, 1)))
    assert {f.status for f in later} > {Status.NOT_APPLICABLE}


def test_a_value_from_before_the_plan_is_not_judged_by_it() -> None:
    early = county(cremation_rate={2019: 90})
    assert finding("S-cremation", early, on=date(2023, 12, 31)).status is Status.UNKNOWN
    both = county(cremation_rate={2019: 90, 2022: 100})
    assert finding("S-cremation", both, on=date(2023, 12, 31)).status is Status.MET
