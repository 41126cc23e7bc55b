"""The Songming rules that the core's declarative kinds do not cover.

Each class is a rule *kind* whose indicators and numbers are fields filled from
``data/rules.yaml``. The clause each encodes is cited there; the readings are in the
pack's README.
"""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import ClassVar

from attrs import frozen

from minzheng import (
    Area,
    Comparator,
    Level,
    MissingFact,
    Outcome,
    Rule,
    Status,
    UnitContext,
    combine,
    compare,
)
from minzheng.values import format_decimal

__all__ = ["DibaoGapRule", "EcoBurialRule", "ProvincialAverageRule", "QuarterlyVisitsRule"]


#: (month, day) on which each quarter ends
_QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))


@functools.lru_cache(maxsize=64)
def _quarters_ended(on: date) -> int:
    """How many quarters of ``on``'s year have ended by ``on`` (0–4)."""
    return sum(1 for month, day in _QUARTER_ENDS if date(on.year, month, day) <= on)


def _number(value: object, indicator: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"fact {indicator!r} is not a number: {value!r}")
    return Decimal(value)


@frozen(kw_only=True)
class EcoBurialRule(Rule):
    """S-eco-burial-sites, on the unit each half speaks of.

    "每个镇(街道)建有节地生态安葬点,全县生态安葬行政村覆盖率达到100%": on a town or
    street, the ``site`` flag; on the county, the ``coverage`` rate it reports, or — when
    it reports none — the share of its rural villages (administrative villages, not urban
    communities) whose ``covered`` flag is yes. A village without the flag makes the
    computed share unknown.
    """

    kind: ClassVar[str | None] = "songming_eco_burial"

    site: str
    coverage: str
    covered: str
    value: Decimal

    def reads(self) -> tuple[str, ...]:
        return (self.site, self.coverage, self.covered)

    def check(self, ctx: UnitContext) -> Outcome:
        if ctx.unit.level is Level.TOWNSHIP:
            has_site = ctx.value(self.site)
            return Outcome(
                status=Status.MET if has_site is True else Status.NOT_MET,
                message_zh="已建节地生态安葬点" if has_site else "未建节地生态安葬点",
                message_en="has an eco-burial site" if has_site else "has no eco-burial site",
                actual=has_site,
                required=True,
                comparator=Comparator.EQ,
                period=ctx.period(self.site),
            )
        reported = ctx.get(self.coverage)
        if reported is not None:
            return compare(
                _number(reported, self.coverage),
                Comparator.GE,
                self.value,
                what_zh="生态安葬行政村覆盖率",
                what_en="administrative villages covered by eco-burial",
                measure="%",
                period=ctx.period(self.coverage),
            )
        villages = [
            v
            for v in ctx.descendants(Level.VILLAGE)
            if v.unit.area is Area.RURAL and v.unit.type != "urban_community"
        ]
        if not villages:
            raise MissingFact(self.coverage)
        flags = [(v, v.get(self.covered)) for v in villages]
        if any(flag is None for _, flag in flags):
            raise MissingFact(self.coverage, self.covered)
        covered = sum(1 for _, flag in flags if flag is True)
        share = (Decimal(covered) * 100 / Decimal(len(villages))).quantize(Decimal("0.01"))
        met = Fraction(covered * 100, len(villages)) >= Fraction(self.value)
        uncovered = tuple(v.unit.code for v, flag in flags if flag is not True)
        return Outcome(
            status=Status.MET if met else Status.NOT_MET,
            message_zh=f"生态安葬行政村覆盖率:{share}%({covered}/{len(villages)}),要求达到 {format_decimal(self.value)}%",
            message_en=f"administrative villages covered by eco-burial: {share}% ({covered} of {len(villages)}), required {format_decimal(self.value)}%",
            actual=share,
            required=self.value,
            comparator=Comparator.GE,
            gap=Decimal(0) if met else self.value - share,
            measure="%",
            details=uncovered,
        )


@frozen(kw_only=True)
class ProvincialAverageRule(Rule):
    """S-relief-dynamic: each figure is at least the provincial average the user gives.

    ``pairs`` are ``(indicator, provincial average indicator)``. The average is looked up
    on the county and then on the units above it (a province unit may carry it). Pairs
    whose average is not given are not compared; with no average at all the finding is
    unknown, naming them. A pair whose average is given but whose own figure is missing
    makes the finding unknown, unless a known shortfall already makes it not met.
    """

    kind: ClassVar[str | None] = "songming_provincial_average"

    pairs: tuple[tuple[str, str], ...]

    def reads(self) -> tuple[str, ...]:
        return tuple(i for pair in self.pairs for i in pair)

    def check(self, ctx: UnitContext) -> Outcome:
        parts: list[Outcome] = []
        missing: list[str] = []
        no_average: list[str] = []
        for indicator, average in self.pairs:
            found = ctx.inherited(average)
            if found is None:
                no_average.append(average)  # not supplied: this pair is not compared
                continue
            value = ctx.get(indicator)
            if value is None:
                missing.append(indicator)
                continue
            ind = ctx.indicator(indicator)
            parts.append(
                compare(
                    _number(value, indicator),
                    Comparator.GE,
                    _number(found[1], average),
                    what_zh=f"{ind.name_zh}(对比全省平均)",
                    what_en=f"{ind.name_en} (against the provincial average)",
                    measure=ind.measure,
                    measure_zh=ind.measure_zh,
                    period=ctx.period(indicator),
                )
            )
        if not parts and not missing:
            raise MissingFact(*no_average)
        return combine(parts, missing)


@frozen(kw_only=True)
class QuarterlyVisitsRule(Rule):
    """S-child-visits: every child in difficulty visited every quarter.

    For the assessment year Y, ``quarters`` (the number of quarters of Y in which every
    child in difficulty was visited, 0–4) must reach the number of quarters of Y that
    have ended by the assessment date. A village with no children in difficulty: not
    applicable.
    """

    kind: ClassVar[str | None] = "songming_quarterly_visits"

    children: str
    quarters: str

    def reads(self) -> tuple[str, ...]:
        return (self.children, self.quarters)

    def check(self, ctx: UnitContext) -> Outcome:
        children = _number(ctx.value(self.children), self.children)
        if children == 0:
            return Outcome(
                status=Status.NOT_APPLICABLE,
                message_zh="无困境儿童",
                message_en="no children in difficulty",
            )
        year = ctx.on.year
        ended = _quarters_ended(ctx.on)
        if ended == 0:
            return Outcome(
                status=Status.NOT_APPLICABLE,
                message_zh=f"{year}年尚无已结束的季度",
                message_en=f"no quarter of {year} has ended yet",
            )
        visited = _number(ctx.value_in(self.quarters, year), self.quarters)
        return compare(
            visited,
            Comparator.GE,
            Decimal(ended),
            what_zh=f"{year}年按季走访的季度数",
            what_en=f"quarters of {year} with every child visited",
            measure="quarter",
            period=str(year),
        )


@frozen(kw_only=True)
class DibaoGapRule(Rule):
    """S-dibao-gap: the rural/urban dibao ratio does not fall from one year to the next.

    "逐步缩小城乡低保标准差距": 差距 is read two ways (a ratio, or an absolute
    difference in yuan). The rule takes the ratio: for the assessment year Y the ratio
    rural ÷ urban of Y is compared, exactly, with that of Y − 1; both standards are read
    for each year itself. The details state that reading and also give the absolute
    difference urban − rural of both years, for a reader who takes the other one.
    """

    kind: ClassVar[str | None] = "songming_dibao_gap"

    rural: str
    urban: str

    def reads(self) -> tuple[str, ...]:
        return (self.rural, self.urban)

    def _standards(self, ctx: UnitContext, year: int) -> tuple[Decimal, Decimal]:
        rural = _number(ctx.value_in(self.rural, year), self.rural)
        urban = _number(ctx.value_in(self.urban, year), self.urban)
        if urban == 0:
            raise ValueError(f"the urban dibao standard for {year} is 0")
        return rural, urban

    def check(self, ctx: UnitContext) -> Outcome:
        year = ctx.on.year
        (rural, urban), (rural_0, urban_0) = (
            self._standards(ctx, year),
            self._standards(ctx, year - 1),
        )
        now, before = Fraction(rural) / Fraction(urban), Fraction(rural_0) / Fraction(urban_0)
        shown_now, shown_before = _four_places(now), _four_places(before)
        met = now >= before
        return Outcome(
            status=Status.MET if met else Status.NOT_MET,
            message_zh=f"农村/城市低保标准之比:{year - 1}年 {shown_before},{year}年 {shown_now}"
            + ("" if met else ",差距扩大"),
            message_en=f"rural/urban dibao ratio: {shown_before} in {year - 1}, {shown_now} in {year}"
            + ("" if met else "; the gap widened"),
            actual=shown_now,
            required=shown_before,
            comparator=Comparator.GE,
            gap=Decimal(0) if met else shown_before - shown_now,
            measure="ratio",
            period=str(year),
            details=(
                "reading: the gap is the ratio rural ÷ urban standard, which must not fall "
                "(差距 read as a ratio) / 差距按农村与城市低保标准之比计,比值不得下降",
                f"absolute difference urban − rural: {format_decimal(urban_0 - rural_0)} yuan "
                f"in {year - 1}, {format_decimal(urban - rural)} yuan in {year} / "
                f"城乡低保标准绝对差:{year - 1}年 {format_decimal(urban_0 - rural_0)} 元,"
                f"{year}年 {format_decimal(urban - rural)} 元",
            ),
        )


def _four_places(ratio: Fraction) -> Decimal:
    """A ratio shown to four decimals (the comparison itself is exact)."""
    return (Decimal(ratio.numerator) / Decimal(ratio.denominator)).quantize(Decimal("0.0001"))
