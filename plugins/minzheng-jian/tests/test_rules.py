"""Each J-* rule met, not met and unknown; the readings at their edges."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import minzheng_jian
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Check, dataset_of
from minzheng import Engine, Severity, Status
from minzheng.testing import make_registry

REGISTRY = make_registry(("jian", minzheng_jian.pack))
ENGINE = Engine(REGISTRY)

CITY = {"code": "3608", "name": "吉安市", "level": "prefecture"}
COUNTY = {"code": "360821", "name": "吉安县", "level": "county"}


def town(**facts: Any) -> dict[str, Any]:
    return {"code": "360821101", "name": "永和镇", "level": "township", "facts": facts}


def village(**facts: Any) -> dict[str, Any]:
    return {"code": "360821101001", "name": "某村", "level": "village", "facts": facts}


def community(**facts: Any) -> dict[str, Any]:
    return {
        "code": "360802001001",
        "name": "某社区",
        "level": "village",
        "type": "urban_community",
        "facts": facts,
    }


def home(**facts: Any) -> dict[str, Any]:
    return {
        "code": "360821101-NH1",
        "name": "敬老院",
        "level": "facility",
        "type": "nursing_home",
        "facts": facts,
    }


def hall(**facts: Any) -> dict[str, Any]:
    return {
        "code": "360821-HALL",
        "name": "大厅",
        "level": "facility",
        "type": "service_hall",
        "facts": facts,
    }


def county(**facts: Any) -> dict[str, Any]:
    return {**COUNTY, "facts": facts}


def city(**facts: Any) -> dict[str, Any]:
    return {**CITY, "facts": facts}


ALL_SIX = ["signboard", "work_rules", "duties", "workflow", "notice_board", "publicity_board"]
SEVEN = [
    "archive_room",
    "telephone",
    "computer",
    "printer",
    "desks_chairs",
    "emergency_kit",
    "document_camera",
]
EIGHT_PLUS_ONE = [
    "dibao",
    "tekun",
    "disaster",
    "medical",
    "education",
    "housing",
    "employment",
    "temporary",
    "social_forces",
]
GREEN = ["organisation", "platform", "services", "consultation", "activities", "environment"]

# rule, met unit, not-met unit, unknown unit (the unit the rule speaks of, with its facts)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    ("J-office-name", town(office_name="永和镇民政所"), town(office_name="永和镇民政办"), town()),
    ("J-office-fixtures", town(office_fixtures=ALL_SIX), town(office_fixtures=ALL_SIX[:5]), town()),
    ("J-service-window", hall(civil_affairs_window=True), hall(civil_affairs_window=False), hall()),
    ("J-office-area", town(office_staff=3, office_area=24), town(office_staff=3, office_area="23.9"), town(office_staff=3)),
    ("J-not-in-home", town(office_in_nursing_home=False), town(office_in_nursing_home=True), town()),
    ("J-seven-haves", town(seven_haves=SEVEN), town(seven_haves=SEVEN[1:]), town()),
    ("J-staff-by-pop", town(registered_population=30000, office_staff=3), town(registered_population=30000, office_staff=2), town(office_staff=2)),
    ("J-staff-established", town(office_established_staff=2), town(office_established_staff=1), town()),
    ("J-village-officer", village(village_officers=1), village(village_officers=0), village()),
    ("J-officer-pay", village(officer_pay=200), village(officer_pay="199.99"), village()),
    ("J-home-leads", home(home_posts=["director", "accountant"]), home(home_posts=["director"]), home()),
    ("J-home-staff", home(supported_residents=23, home_workers=3, disabled_elderly=9, home_carers=3),
     home(supported_residents=23, home_workers=3, disabled_elderly=9, home_carers=2), home(home_workers=3)),
    ("J-funding-city", city(transfers_received={2017: 1000000}, civil_affairs_budget={2018: 2000}),
     city(transfers_received={2017: 1000000}, civil_affairs_budget={2018: "1999.99"}), city(civil_affairs_budget={2018: 2000})),
    ("J-funding-county", county(transfers_received={2017: 1000000}, civil_affairs_budget={2018: 20000}),
     county(transfers_received={2017: 1000000}, civil_affairs_budget={2018: 19999}), county(transfers_received={2017: 1000000})),
    ("J-township-funding", town(registered_population=20000, office_funding_standard=2, office_funding={2018: 40000}),
     town(registered_population=20000, office_funding_standard=2, office_funding={2018: 39999}),
     town(registered_population=20000, office_funding={2018: 40000})),
    ("J-hiring", town(new_hires=2, new_hires_qualified=2), town(new_hires=2, new_hires_qualified=1), town(new_hires=2)),
    ("J-training", town(rotation_training={2018: True}, pre_job_training={2018: True}),
     town(rotation_training={2018: False}, pre_job_training={2018: True}), town(rotation_training={2017: True})),
    ("J-assistance-8plus1", county(assistance_components=EIGHT_PLUS_ONE), county(assistance_components=EIGHT_PLUS_ONE[:-1]), county()),
    ("J-vagrant-4-level", city(vagrant_mechanism_levels=["city", "county", "township", "village"]),
     city(vagrant_mechanism_levels=["city", "county"]), city()),
    ("J-green-community", community(green_community=GREEN), community(green_community=GREEN[1:]), community()),
    ("J-assessment", county(in_target_evaluation=True), county(in_target_evaluation=False), county()),
]  # fmt: skip


def test_every_rule_has_a_case() -> None:
    assert sorted(c[0] for c in CASES) == sorted(r.id for r in REGISTRY.pack("jian").rules)


@pytest.mark.parametrize(("rule", "met", "not_met", "unknown"), CASES, ids=[c[0] for c in CASES])
def test_met_not_met_unknown(
    check: Check, rule: str, met: dict[str, Any], not_met: dict[str, Any], unknown: dict[str, Any]
) -> None:
    assert check(rule, met).status is Status.MET
    finding = check(rule, not_met)
    assert finding.status is Status.NOT_MET
    assert finding.citation is not None
    assert finding.citation.document == "jian-capacity-opinions"
    assert finding.message_zh
    assert finding.message_en
    missing = check(rule, unknown)
    assert missing.status is Status.UNKNOWN
    assert missing.missing


# ---------------------------------------------------------------- readings at the edges


@pytest.mark.parametrize(
    ("population", "required"),
    [
        (1, 2),
        (19999, 2),
        (20000, 2),
        (20001, 3),
        (35000, 3),
        (49999, 3),
        (50000, 5),
        (50001, 5),
        (200000, 5),
    ],
)
def test_staff_by_population_boundaries(check: Check, population: int, required: int) -> None:
    finding = check("J-staff-by-pop", town(registered_population=population, office_staff=required))
    assert (finding.status, finding.required) == (Status.MET, required)
    short = check(
        "J-staff-by-pop", town(registered_population=population, office_staff=required - 1)
    )
    assert (short.status, short.gap) == (Status.NOT_MET, 1)


def test_staff_by_population_reads_registered_not_resident(check: Check) -> None:
    finding = check("J-staff-by-pop", town(resident_population=60000, office_staff=2))
    assert finding.status is Status.UNKNOWN
    assert finding.missing == ("registered_population",)


@pytest.mark.parametrize(
    ("residents", "workers", "disabled", "carers"),
    [
        (0, 0, 0, 0),
        (1, 1, 1, 1),
        (10, 1, 4, 1),
        (11, 2, 5, 2),
        (20, 2, 8, 2),
        (23, 3, 9, 3),
        (100, 10, 40, 10),
    ],
)
def test_home_staff_ratios_round_up(
    residents: int, workers: int, disabled: int, carers: int
) -> None:
    ds = dataset_of(REGISTRY, home(supported_residents=residents, disabled_elderly=disabled))
    targets = {t.indicator: t.required for t in ENGINE.iter_targets(ds) if t.rule == "J-home-staff"}
    assert targets == {"home_workers": workers, "home_carers": carers}


def test_home_staff_names_each_shortfall(check: Check) -> None:
    finding = check(
        "J-home-staff",
        home(supported_residents=23, home_workers=2, disabled_elderly=9, home_carers=2),
    )
    assert finding.status is Status.NOT_MET
    assert [(p.id, p.actual, p.required, p.gap) for p in finding.parts] == [
        ("home_workers", 2, 3, 1),
        ("home_carers", 2, 3, 1),
    ]
    assert len(finding.details) == 2
    assert "workers: 2 people, required at least 3" in finding.details[0]
    assert "carers: 2 people, required at least 3" in finding.details[1]


def test_home_staff_requirements_are_not_summed(check: Check) -> None:
    # 4 workers for 30 residents (3 needed) do not make up for 1 carer for 8 (2 needed)
    finding = check(
        "J-home-staff",
        home(supported_residents=30, home_workers=4, disabled_elderly=8, home_carers=1),
    )
    assert finding.status is Status.NOT_MET
    assert (finding.actual, finding.required, finding.gap) == (None, None, None)
    assert [(p.id, p.actual, p.required, p.note) for p in finding.parts] == [
        ("home_workers", 4, 3, "met"),
        ("home_carers", 1, 2, "not_met"),
    ]
    assert finding.details == ("carers: 1 person, required at least 2 people; short by 1 person",)


@pytest.mark.parametrize(
    ("standard", "pay", "status", "required"),
    [
        (None, 200, Status.MET, 200),  # no higher-level standard: the floor
        (None, 199, Status.NOT_MET, 200),
        (150, 199, Status.NOT_MET, 200),  # a lower standard does not lower the floor
        (300, 250, Status.NOT_MET, 300),  # a higher one raises it
        (300, 300, Status.MET, 300),
    ],
)
def test_officer_pay_floor(
    check: Check, standard: int | None, pay: int, status: Status, required: int
) -> None:
    above = county() if standard is None else county(officer_pay_standard=standard)
    finding = check("J-officer-pay", village(officer_pay=pay), above, town())
    assert (finding.status, finding.required) == (status, required)


def test_hiring_is_a_warning_not_a_failure(check: Check) -> None:
    finding = check("J-hiring", town(new_hires=3, new_hires_qualified=1))
    assert finding.status is Status.NOT_MET
    assert finding.severity is Severity.WARNING
    assert (
        check("J-hiring", town(new_hires=0, new_hires_qualified=0)).status is Status.NOT_APPLICABLE
    )
    staff = check("J-staff-established", town(office_established_staff=1))
    assert staff.severity is Severity.FAILURE


def test_county_budget_applies_only_from_2018(check: Check) -> None:
    facts = county(
        transfers_received={2016: 1000000, 2017: 1000000},
        civil_affairs_budget={2017: 1, 2018: 20000},
    )
    assert check("J-funding-county", facts, on=date(2017, 12, 31)).status is Status.NOT_APPLICABLE
    assert check("J-funding-county", facts, on=date(2018, 1, 1)).status is Status.MET


def test_budget_uses_the_previous_years_transfers_exactly(check: Check) -> None:
    facts = city(
        transfers_received={2017: "12345678.90", 2018: 1}, civil_affairs_budget={2018: "24691.36"}
    )
    finding = check("J-funding-city", facts)
    # 2‰ × 12,345,678.90 = 24,691.35780: money is kept exact, the seed sets no rounding
    assert finding.required == Decimal("24691.3578")
    assert finding.status is Status.MET
    short = check(
        "J-funding-city",
        city(transfers_received={2017: "12345678.90"}, civil_affairs_budget={2018: "24691.35"}),
    )
    assert (short.status, short.gap) == (Status.NOT_MET, Decimal("0.0078"))


def test_budget_share_is_not_rounded_to_the_fen(check: Check) -> None:
    finding = check(
        "J-funding-city",
        city(transfers_received={2017: "1234567890.12"}, civil_affairs_budget={2018: "2469135.78"}),
    )
    assert finding.required == Decimal("2469135.78024")
    assert (finding.status, finding.gap) == (Status.NOT_MET, Decimal("0.00024"))
    assert "2469135.78024" in finding.message_en


def test_no_budget_target_before_2018() -> None:
    ds = dataset_of(REGISTRY, county(transfers_received={2016: 1000000}))
    assert [
        t for t in ENGINE.iter_targets(ds, on=date(2017, 12, 31)) if t.rule == "J-funding-county"
    ] == []


def test_budget_of_another_year_is_not_used(check: Check) -> None:
    finding = check(
        "J-funding-county",
        county(transfers_received={2017: 1000000}, civil_affairs_budget={2017: 20000}),
    )
    assert finding.status is Status.UNKNOWN
    assert finding.period == "2018"


def test_township_funding_standard_from_above(check: Check) -> None:
    finding = check(
        "J-township-funding",
        town(registered_population=12345, office_funding={2018: 30000}),
        county(office_funding_standard="2.5"),
    )
    assert finding.required == Decimal("30862.5")
    assert finding.status is Status.NOT_MET


def test_office_area_is_exact(check: Check) -> None:
    assert check("J-office-area", town(office_staff=3, office_area="24.0")).status is Status.MET
    assert check("J-office-area", town(office_staff=3, office_area="23.99")).gap == Decimal("0.01")


def test_training_known_shortfall_is_not_met_even_with_an_unknown(check: Check) -> None:
    finding = check("J-training", town(rotation_training={2018: False}))
    assert finding.status is Status.NOT_MET
    assert finding.missing == ("pre_job_training",)
    no_hires = check("J-training", town(rotation_training={2018: True}, new_hires={2018: 0}))
    assert no_hires.status is Status.MET


def test_a_deadline_not_yet_due_is_a_warning(check: Check) -> None:
    finding = check("J-staff-established", town(office_established_staff=1), on=date(2017, 6, 30))
    assert (finding.status, finding.due, finding.severity) == (
        Status.NOT_MET,
        False,
        Severity.WARNING,
    )


def test_service_window_applies_to_urban_communities(check: Check) -> None:
    assert check("J-service-window", community(civil_affairs_window=False)).status is Status.NOT_MET


def test_office_name_without_an_office(check: Check) -> None:
    finding = check("J-office-name", town(has_civil_affairs_office=False))
    assert finding.status is Status.NOT_MET


# ---------------------------------------------------------------- targets


def test_targets_a_user_can_ask_for() -> None:
    ds = dataset_of(
        REGISTRY,
        city(transfers_received={2017: 1000000}),
        county(transfers_received={2017: 1000000}),
        town(registered_population=20001, office_staff=3),
        home(supported_residents=23, disabled_elderly=9),
    )
    targets = {
        (t.unit, t.indicator): t.required for t in ENGINE.iter_targets(ds, on=date(2018, 12, 31))
    }
    assert targets[("3608", "civil_affairs_budget")] == 2000
    assert targets[("360821", "civil_affairs_budget")] == 20000
    assert targets[("360821101", "office_staff")] == 3
    assert targets[("360821101", "office_area")] == 24
    assert targets[("360821101-NH1", "home_workers")] == 3
    assert targets[("360821101-NH1", "home_carers")] == 3


# ---------------------------------------------------------------- properties


@settings(deadline=None)  # each example runs the engine; the shared VM stalls
@given(st.integers(0, 120_000), st.integers(0, 10), st.integers(1, 5))
def test_more_staff_never_turns_met_into_not_met(population: int, staff: int, more: int) -> None:
    def status(n: int) -> Status:
        ds = dataset_of(REGISTRY, town(registered_population=population, office_staff=n))
        return next(
            f.status
            for f in ENGINE.iter_assess(ds, on=date(2018, 12, 31))
            if f.rule == "J-staff-by-pop"
        )

    if status(staff) is Status.MET:
        assert status(staff + more) is Status.MET


@settings(deadline=None)  # each example runs the engine; the shared VM stalls
@given(st.integers(0, 20), st.decimals(0, 500, places=1), st.decimals(0, 50, places=1))
def test_more_area_never_turns_met_into_not_met(staff: int, area: Decimal, more: Decimal) -> None:
    def status(a: Decimal) -> Status:
        ds = dataset_of(REGISTRY, town(office_staff=staff, office_area=str(a)))
        return next(
            f.status
            for f in ENGINE.iter_assess(ds, on=date(2018, 12, 31))
            if f.rule == "J-office-area"
        )

    if status(area) is Status.MET:
        assert status(area + more) is Status.MET


@settings(deadline=None)  # each example runs the engine; the shared VM stalls
@given(st.integers(0, 200_000), st.integers(0, 200_000))
def test_required_staff_never_decreases_as_population_grows(a: int, b: int) -> None:
    low, high = sorted((a, b))
    rule = REGISTRY.rule("J-staff-by-pop")[1]
    assert rule.band(Decimal(low)).required <= rule.band(Decimal(high)).required  # type: ignore[attr-defined]


@settings(deadline=None)  # each example runs the engine; the shared VM stalls
@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 5))
def test_more_workers_or_carers_never_turns_met_into_not_met(
    residents: int, disabled: int, more: int
) -> None:
    def status(workers: int, carers: int) -> Status:
        ds = dataset_of(
            REGISTRY,
            home(
                supported_residents=residents,
                disabled_elderly=disabled,
                home_workers=workers,
                home_carers=carers,
            ),
        )
        return next(
            f.status
            for f in ENGINE.iter_assess(ds, on=date(2018, 12, 31))
            if f.rule == "J-home-staff"
        )

    need_w, need_c = -(-residents // 10), -(-disabled // 4)
    assert status(need_w, need_c) is Status.MET
    assert status(need_w + more, need_c + more) is Status.MET
