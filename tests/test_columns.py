"""The column arithmetic is Python's ``Decimal`` arithmetic, exactly, or it raises.

Hypothesis draws decimals up to the largest the loaders accept (28 digits before the
point, 10 after) and checks every operation the rule kinds use — the text of a number,
difference, distance, product, rounding to a whole number, comparison, a share in
hundredths of a per cent — against Python's ``Decimal`` (with enough precision to be
exact) and ``Fraction``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng.model import Comparator
from minzheng.model.values import format_decimal
from minzheng.rules._kinds import _hundredths
from minzheng.rules.columns import Facts, Frame, Num, _places, holds

LARGEST = Decimal("9" * 28 + "." + "9" * 10)


def decimals(largest: Decimal = LARGEST, places: int = 10) -> st.SearchStrategy[Decimal]:
    return (
        st.decimals(
            min_value=-largest,
            max_value=largest,
            places=None,
            allow_nan=False,
            allow_infinity=False,
        )
        .map(lambda d: _tidy(d, places))
        .filter(lambda d: abs(d) <= largest)
    )


def _tidy(d: Decimal, places: int) -> Decimal:
    """At most ``places`` decimals, and zero without a sign (as the loaders read it)."""
    exponent = d.as_tuple().exponent
    assert isinstance(exponent, int)
    with localcontext() as ctx:
        ctx.prec = 80
        d = d.quantize(Decimal(1).scaleb(-min(places, max(0, -exponent))))
    return d.copy_abs() if d.is_zero() else d


def column(values: list[Decimal]) -> tuple[pl.DataFrame, Num]:
    """A frame of the values' texts and the exact number column over them."""
    texts = [format_decimal(v) for v in values]
    frame = pl.DataFrame({"t": texts})
    scale = max(frame.select(_places(pl.col("t")).max()).item(), 0)
    t = pl.col("t")
    return frame, Num(t.cast(pl.Decimal(38, scale)), scale, _places(t), t)


def values_of(frame: pl.DataFrame, expr: pl.Expr) -> list[object]:
    return frame.select(expr.alias("x")).get_column("x").to_list()


@given(st.lists(decimals(), min_size=1, max_size=8))
def test_a_number_prints_as_python_prints_it(values: list[Decimal]) -> None:
    frame, num = column(values)
    computed = Num(num.value, num.scale, num.places)  # printed from the column, not the text
    assert values_of(frame, computed.text) == [format_decimal(v) for v in values]


@given(st.lists(st.tuples(decimals(), decimals()), min_size=1, max_size=8))
def test_difference_and_distance(pairs: list[tuple[Decimal, Decimal]]) -> None:
    a_frame, a = column([x for x, _ in pairs])
    b_frame, b = column([y for _, y in pairs])
    frame = pl.concat([a_frame, b_frame.rename({"t": "u"})], how="horizontal")
    u = pl.col("u")
    b = Num(u.cast(pl.Decimal(38, b.scale)), b.scale, _places(u), u)
    with localcontext() as ctx:
        ctx.prec = 80
        want = [format_decimal(abs(x - y)) for x, y in pairs]
    assert values_of(frame, a.minus(b).abs().text) == want
    for comparator in Comparator:
        got = values_of(frame, holds(comparator, a.value, b.value))
        assert got == [comparator.holds(Fraction(x), Fraction(y)) for x, y in pairs]


# Ratios and the values they apply to are not negative (the loaders' default minimum):
# Python's -0 from a negative product has no column form.
@given(
    st.lists(decimals(Decimal("9" * 15), 6).map(abs), min_size=1, max_size=8),
    decimals(Decimal(1000), 6).map(abs),
)
def test_product_and_rounding(values: list[Decimal], factor: Decimal) -> None:
    frame, num = column(values)
    product = num.times(Num.const(factor))
    with localcontext() as ctx:
        ctx.prec = 80
        exact = [v * factor for v in values]
        assert values_of(frame, product.text) == [format_decimal(p) for p in exact]
        up = [p.to_integral_value(rounding="ROUND_CEILING") for p in exact]
        down = [p.to_integral_value(rounding="ROUND_FLOOR") for p in exact]
    assert values_of(frame, product.rounded("up").text) == [format_decimal(p) for p in up]
    assert values_of(frame, product.rounded("down").text) == [format_decimal(p) for p in down]


def test_money_by_a_ratio_keeps_every_digit() -> None:
    frame, num = column([Decimal("1234567890.12"), Decimal("0.01")])
    assert values_of(frame, num.times(Num.const(Decimal("0.002"))).text) == [
        "2469135.78024",
        "0.00002",
    ]


def test_an_overflow_raises_rather_than_rounds() -> None:
    frame, num = column([LARGEST])
    with pytest.raises(pl.exceptions.PolarsError):  # the cast to the product's scale
        values_of(frame, num.times(Num.const(Decimal("100000000000.5"))).value)


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(decimals(Decimal("9" * 12), 4), decimals(Decimal("9" * 12), 4)),
        min_size=1,
        max_size=8,
    )
)
def test_a_share_in_hundredths_rounds_half_to_even(pairs: list[tuple[Decimal, Decimal]]) -> None:
    pairs = [(p, w) for p, w in pairs if w != 0]
    if not pairs:
        return
    parts, wholes = zip(*pairs, strict=True)
    p_frame, part = column(list(parts))
    w_frame, _ = column(list(wholes))
    data = pl.concat([p_frame, w_frame.rename({"t": "u"})], how="horizontal").with_row_index("idx")
    u = pl.col("u")
    scale = max(data.select(_places(u).max()).item(), 0)
    whole = Num(u.cast(pl.Decimal(38, scale)), scale, _places(u), u)
    frame = Frame(data, _no_facts())
    shown = _hundredths(frame, part, whole)
    got = frame.data.select(shown.text).to_series().to_list()
    assert got == [format_decimal(_half_even(p, w)) for p, w in pairs]


def _half_even(part: Decimal, whole: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 80
        shown = (part * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return shown.copy_abs() if shown.is_zero() else shown  # no negative zero in a column


def _no_facts() -> Facts:
    from datetime import date

    units = pl.DataFrame({"idx": [0], "code": ["1"]}, schema={"idx": pl.UInt32, "code": pl.String})
    facts = pl.DataFrame(
        schema={
            "unit": pl.String,
            "indicator": pl.String,
            "period": pl.String,
            "end": pl.Date,
            "value": pl.String,
        }
    )
    return Facts(units, facts, date(2020, 12, 31), {})
