"""The models: codes by level, dated values, derivations, comparators, severity."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng import Attribute, Comparator, Finding, Indicator, Kind, Level, Severity, Status, Unit
from minzheng.model import Derivation, Rounding, Schedule, check_code, natural_parent


@pytest.mark.parametrize(
    ("level", "code"),
    [
        (Level.PROVINCE, "36"),
        (Level.PREFECTURE, "3608"),
        (Level.COUNTY, "360821"),
        (Level.TOWNSHIP, "360821101"),
        (Level.VILLAGE, "360821101001"),
        (Level.FACILITY, "360821101-NH1"),
    ],
)
def test_codes_that_fit_their_level(level: Level, code: str) -> None:
    assert check_code(code, level) is None
    assert Unit(code, "x", level).code == code


@pytest.mark.parametrize(
    ("level", "code"),
    [
        (Level.COUNTY, "3608"),
        (Level.TOWNSHIP, "360821"),
        (Level.VILLAGE, "36082110100"),
        (Level.PROVINCE, "3a"),
        (Level.PREFECTURE, "３６０８"),  # full-width digits
        (Level.FACILITY, "360821101"),
        (Level.FACILITY, "3608-NH1"),
    ],
)
def test_codes_that_do_not_fit_their_level(level: Level, code: str) -> None:
    assert check_code(code, level) is not None
    with pytest.raises(ValueError, match="expected"):
        Unit(code, "x", level)


def test_natural_parent() -> None:
    assert natural_parent("360821101001", Level.VILLAGE) == "360821101"
    assert natural_parent("360821101", Level.TOWNSHIP) == "360821"
    assert natural_parent("360821", Level.COUNTY) == "3608"
    assert natural_parent("3608", Level.PREFECTURE) == "36"
    assert natural_parent("36", Level.PROVINCE) is None
    assert natural_parent("360821101-NH1", Level.FACILITY) == "360821101"


def test_rate_indicator_needs_a_rate_measure() -> None:
    with pytest.raises(ValueError, match="'%' or '‰'"):
        Indicator("x", "x", "x", Kind.RATE, measure="percent")


def test_rate_bounds_follow_the_measure() -> None:
    assert Indicator("x", "x", "x", Kind.RATE, measure="%").maximum == 100
    assert Indicator("x", "x", "x", Kind.RATE, measure="‰").maximum == 1000
    assert Indicator("x", "x", "x", Kind.COUNT).minimum == 0
    assert Indicator("x", "x", "x", Kind.TEXT).minimum is None


def test_indicator_ids_are_checked() -> None:
    with pytest.raises(ValueError, match="lower-case"):
        Indicator("Office Staff", "x", "x", Kind.COUNT)


def test_schedule_value_on_effective_dates() -> None:
    # 困难残疾人生活补贴 rose from 50 to 70 yuan/month on 2020-05-01 (seed 003, 一(一)1)
    subsidy = Schedule(
        ((date(2015, 1, 1), Decimal(50)), (date(2020, 5, 1), Decimal(70))), "yuan/month"
    )
    assert subsidy.on(date(2014, 12, 31)) is None
    assert subsidy.on(date(2015, 1, 1)) == 50
    assert subsidy.on(date(2020, 4, 30)) == 50
    assert subsidy.on(date(2020, 5, 1)) == 70
    assert subsidy.on(date(2030, 1, 1)) == 70


def test_schedule_dates_must_increase() -> None:
    with pytest.raises(ValueError, match="increasing"):
        Schedule(((date(2020, 1, 1), Decimal(1)), (date(2019, 1, 1), Decimal(2))))
    with pytest.raises(ValueError, match="at least one"):
        Schedule(())


@pytest.mark.parametrize(
    ("base", "factor", "rounding", "expected"),
    [
        (23, "0.1", Rounding.UP, 3),  # 1:10 with 23 residents needs 3 staff
        (20, "0.1", Rounding.UP, 2),
        (9, "0.25", Rounding.UP, 3),  # 1:4 with 9 disabled elderly needs 3 carers
        (23, "0.1", Rounding.DOWN, 2),
        (Decimal("12345678.90"), "0.002", Rounding.NONE, Decimal("24691.35780")),
    ],
)
def test_derivation(
    base: int | Decimal, factor: str, rounding: Rounding, expected: Decimal
) -> None:
    assert Derivation("x", Decimal(factor), rounding).apply(base) == expected


@pytest.mark.parametrize(
    ("comparator", "actual", "required", "holds", "gap"),
    [
        (Comparator.GE, 2, 3, False, 1),
        (Comparator.GE, 3, 3, True, 0),
        (Comparator.LE, Decimal("31"), 30, False, 1),
        (Comparator.LE, 30, 30, True, 0),
        (Comparator.EQ, Decimal("99.5"), 100, False, Decimal("0.5")),
        (Comparator.GT, 3, 3, False, 0),  # the boundary itself is still short
        (Comparator.LT, 2, 3, True, 0),
    ],
)
def test_comparators(
    comparator: Comparator, actual: Decimal, required: Decimal, holds: bool, gap: Decimal
) -> None:
    assert comparator.holds(actual, required) is holds
    assert comparator.gap(actual, required) == gap


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_gap_is_zero_exactly_when_ge_holds(actual: int, required: int) -> None:
    assert (Comparator.GE.gap(actual, required) == 0) is Comparator.GE.holds(actual, required)


def _finding(status: Status, attribute: Attribute, due: bool | None) -> Finding:
    return Finding("p", "r", "36", status, "", "", attribute=attribute, due=due)


def test_severity() -> None:
    assert _finding(Status.NOT_MET, Attribute.BINDING, True).severity is Severity.FAILURE
    assert _finding(Status.NOT_MET, Attribute.BINDING, None).severity is Severity.FAILURE
    assert _finding(Status.NOT_MET, Attribute.BINDING, False).severity is Severity.WARNING
    assert _finding(Status.NOT_MET, Attribute.EXPECTED, True).severity is Severity.WARNING
    assert _finding(Status.ERROR, Attribute.EXPECTED, None).severity is Severity.FAILURE
    assert _finding(Status.MET, Attribute.BINDING, True).severity is None
    assert _finding(Status.UNKNOWN, Attribute.BINDING, True).severity is None


def test_compound_growth_against_the_seed() -> None:
    from minzheng.model import compound_growth

    # 农村低保标准 270 (2015) → 410 (2020): 8.7 % a year to one decimal (seed 003, 一(一)1)
    rate = compound_growth(Decimal(270), Decimal(410), 5)
    assert rate is not None
    assert (rate * 100).quantize(Decimal("0.1")) == Decimal("8.7")
    assert compound_growth(Decimal(0), Decimal(1), 5) is None
    assert compound_growth(Decimal(1), Decimal(1), 0) is None
    assert compound_growth(Decimal(100), Decimal(100), 3) == 0
    schedule = Schedule(((date(2015, 1, 1), Decimal(50)), (date(2020, 5, 1), Decimal(70))))
    growth = schedule.growth()
    assert growth is not None
    assert (growth * 100).quantize(Decimal("0.1")) == Decimal("7.0")


def test_every_level_and_area_has_its_chinese() -> None:
    from minzheng import Area, Level

    assert [level.zh for level in Level] == ["省", "市", "县", "乡镇", "村居", "机构"]
    assert (Area.URBAN.zh, Area.RURAL.zh) == ("城市", "农村")
