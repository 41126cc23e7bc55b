"""Parsing and writing fact values: exact, unambiguous, range-checked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng import Indicator, Item, Kind
from minzheng.model.values import (
    ValueProblem,
    dump_value,
    format_decimal,
    parse_decimal,
    parse_period,
    parse_value,
    period_end,
)

COUNT = Indicator("staff", "人员", "staff", Kind.COUNT, measure="person")
AMOUNT = Indicator("budget", "预算", "budget", Kind.AMOUNT, measure="yuan")
PCT = Indicator("rate", "比率", "rate", Kind.RATE, measure="%")
PERMILLE = Indicator("pm", "千分率", "per mille", Kind.RATE, measure="‰")
FLAG = Indicator("window", "窗口", "window", Kind.FLAG)
ITEMS = Indicator(
    "kit",
    "设施",
    "kit",
    Kind.ITEMS,
    items=(Item("phone", "电话", "phone"), Item("pc", "电脑", "computer")),
)
TEXT = Indicator("office_name", "名称", "name", Kind.TEXT)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(3, 3), ("3", 3), (Decimal("3"), 3), ("23,000", 23000), (Decimal("3.0"), 3)],
)
def test_count_accepts_whole_numbers(raw: object, expected: int) -> None:
    assert parse_value(COUNT, raw) == expected


@pytest.mark.parametrize("raw", [-1, "-3", "2.5", Decimal("2.5"), "three", True, 2.0])
def test_count_refuses_negative_fractional_and_non_numbers(raw: object) -> None:
    with pytest.raises(ValueProblem):
        parse_value(COUNT, raw)


def test_negative_count_names_the_bound() -> None:
    with pytest.raises(ValueProblem, match="at least 0"):
        parse_value(COUNT, -3)


def test_amounts_are_exact_decimals() -> None:
    value = parse_value(AMOUNT, "12345678.90")
    assert value == Decimal("12345678.90")
    assert isinstance(value, Decimal)
    # 2‰ of it is exact to the fen
    assert value * Decimal("0.002") == Decimal("24691.35780")


@pytest.mark.parametrize(
    ("indicator", "raw", "expected"),
    [
        (PCT, "38%", Decimal("38")),
        (PCT, "38", Decimal("38")),
        (PCT, 38, Decimal("38")),
        (PCT, "100%", Decimal("100")),
        (PCT, 0, Decimal("0")),
        (PCT, "0.5%", Decimal("0.5")),
        (PCT, "5‰", Decimal("0.5")),
        (PCT, "38％", Decimal("38")),  # full-width sign
        (PERMILLE, "1‰", Decimal("1")),
        (PERMILLE, "2%", Decimal("20")),
        (PERMILLE, 2, Decimal("2")),
    ],
)
def test_rates_in_the_declared_measure(
    indicator: Indicator, raw: object, expected: Decimal
) -> None:
    assert parse_value(indicator, raw) == expected


@pytest.mark.parametrize("raw", [Decimal("0.38"), "0.38", 1, "1", Decimal("0.5")])
def test_a_bare_number_between_0_and_1_is_ambiguous(raw: object) -> None:
    with pytest.raises(ValueProblem, match="ambiguous"):
        parse_value(PCT, raw)


@pytest.mark.parametrize("raw", ["101%", 101, "1001‰", "-1%"])
def test_percentages_are_range_checked(raw: object) -> None:
    with pytest.raises(ValueProblem, match=r"at (most 100%|least 0%)"):
        parse_value(PCT, raw)


def test_per_mille_is_range_checked_in_its_measure() -> None:
    with pytest.raises(ValueProblem, match="at most 1000‰"):
        parse_value(PERMILLE, "101%")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(True, True), ("yes", True), ("是", True), ("no", False), ("否", False), ("FALSE", False)],
)
def test_flags(raw: object, expected: bool) -> None:
    assert parse_value(FLAG, raw) is expected


@pytest.mark.parametrize("raw", [1, 0, "maybe", None])
def test_flags_refuse_numbers_and_other_words(raw: object) -> None:
    with pytest.raises(ValueProblem, match="yes or no"):
        parse_value(FLAG, raw)


def test_items_from_a_list_or_separated_text() -> None:
    assert parse_value(ITEMS, ["phone"]) == frozenset({"phone"})
    assert parse_value(ITEMS, "phone; pc") == frozenset({"phone", "pc"})
    assert parse_value(ITEMS, "phone、pc") == frozenset({"phone", "pc"})
    assert parse_value(ITEMS, []) == frozenset()
    assert parse_value(ITEMS, "none") == frozenset()
    assert parse_value(ITEMS, "无") == frozenset()


def test_an_unknown_item_suggests_the_closest() -> None:
    with pytest.raises(ValueProblem, match="did you mean 'phone'"):
        parse_value(ITEMS, ["phnoe"])


def test_text() -> None:
    assert parse_value(TEXT, "甲镇民政所") == "甲镇民政所"
    with pytest.raises(ValueProblem):
        parse_value(TEXT, ["a"])


def test_floats_never_pass_as_numbers() -> None:
    with pytest.raises(ValueProblem):
        parse_decimal(0.1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (2018, "2018"),
        ("2018", "2018"),
        ("2018-06-30", "2018-06-30"),
        (date(2020, 5, 1), "2020-05-01"),
    ],
)
def test_periods(raw: object, expected: str) -> None:
    assert parse_period(raw) == expected


@pytest.mark.parametrize("raw", ["2018-13-01", "18", "2018Q1", 1800, True, "2018-6-1"])
def test_bad_periods(raw: object) -> None:
    with pytest.raises(ValueProblem, match="a period"):
        parse_period(raw)


def test_period_end() -> None:
    assert period_end("2018") == date(2018, 12, 31)
    assert period_end("2020-05-01") == date(2020, 5, 1)


decimals = st.decimals(
    min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False
)
rates = st.decimals(min_value=0, max_value=100, places=3, allow_nan=False, allow_infinity=False)


@given(st.integers(min_value=0, max_value=10**9))
def test_count_round_trip(value: int) -> None:
    assert parse_value(COUNT, dump_value(COUNT, value)) == value


@given(decimals)
def test_amount_round_trip(value: Decimal) -> None:
    assert parse_value(AMOUNT, dump_value(AMOUNT, value)) == value


@given(rates)
def test_rate_round_trip(value: Decimal) -> None:
    back = parse_value(PCT, dump_value(PCT, value))
    assert back == value
    assert str(back) == str(value)  # the digits themselves survive, not only the value


@given(st.frozensets(st.sampled_from(["phone", "pc"])))
def test_items_round_trip(value: frozenset[str]) -> None:
    assert parse_value(ITEMS, dump_value(ITEMS, value)) == value


@given(
    st.decimals(allow_nan=True, allow_infinity=True)
    | st.builds(
        Decimal,
        st.from_regex(r"-?[0-9]{1,12}(\.[0-9]{0,12})?([eE][-+]?[0-9]{1,3})?", fullmatch=True),
    )
    | st.integers()
)
def test_format_decimal_is_plain_notation_with_every_digit(value: Decimal | int) -> None:
    """format_decimal takes a shortcut through str(); it must agree with format "f"."""
    assert format_decimal(value) == format(value, "f" if isinstance(value, Decimal) else "d")
    assert "E" not in format_decimal(value) or not Decimal(value).is_finite()


def test_format_decimal_examples() -> None:
    assert [format_decimal(Decimal(s)) for s in ("1E+3", "1E-7", "0E-8", "-0", "12.30")] == [
        "1000",
        "0.0000001",
        "0.00000000",
        "-0",
        "12.30",
    ]
