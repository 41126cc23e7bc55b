"""The Songming rules that the core's declarative kinds do not cover.

Each class is a rule *kind*, registered under the name ``data/rules.yaml`` uses, whose
indicators and numbers are fields filled from that file. The clause each encodes is
cited there; the readings are in the pack's README. Every kind is checked over columns:
by expressions for the rules on every village (quarterly visits), through
:meth:`~minzheng.rules.columns.Frame.apply` for those whose judgement needs the values
(ratios of two years, pairs against provincial averages); eco-burial coverage is the
core ``coverage`` kind.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction

import polars as pl
from attrs import field, frozen

from minzheng import (
    FACT,
    Comparator,
    Indicator,
    Level,
    MissingFact,
    Outcome,
    Quantity,
    Rule,
    Status,
    compare,
    rule_kind,
)
from minzheng.model.values import format_decimal
from minzheng.rules import CoverageRule, combine
from minzheng.rules import columns as col

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


@rule_kind("songming_eco_burial")
@frozen(kw_only=True)
class EcoBurialRule(CoverageRule):
    """S-eco-burial-sites, on the unit each half speaks of.

    "每个镇(街道)建有节地生态安葬点,全县生态安葬行政村覆盖率达到100%": on a town or
    street, the ``site`` flag; on the county, the core ``coverage`` kind — the ``rate``
    it reports, or, when it reports none, the share of its rural villages
    (administrative villages: ``below_area: rural``, leaving out ``urban_community``)
    whose ``flag`` is yes. A village without the flag makes the computed share unknown.
    """

    site: str = field(metadata=FACT)

    def columns(self, frame: col.Frame) -> pl.DataFrame:
        site = frame.fact(self.site)
        has = site.flag()
        town = frame.column(pl.col("level") == Level.TOWNSHIP.value)
        out = {
            "status": pl.when(has).then(col.lit("met")).otherwise(col.lit("not_met")),
            "message_zh": pl.when(has).then(col.lit("已建节地生态安葬点"))
            .otherwise(col.lit("未建节地生态安葬点")),
            "message_en": pl.when(has).then(col.lit("has an eco-burial site"))
            .otherwise(col.lit("has no eco-burial site")),
            "actual_flag": has,
            "required_flag": pl.lit(True),
            "comparator": col.lit("=="),
            "period": site.period,
        }  # fmt: skip
        gone = col.unknown(frame.indicators, [(site.missing, self.site)])
        cases, default = self.cases(frame)
        return frame.outcome([(town & site.missing, gone), (town, out), *cases], default)


@rule_kind("songming_provincial_average")
@frozen(kw_only=True)
class ProvincialAverageRule(Rule):
    """S-relief-dynamic: each figure is at least the provincial average the user gives.

    ``pairs`` are ``(indicator, provincial average indicator)``. The average is looked up
    on the county and then on the units above it (a province unit may carry it). Pairs
    whose average is not given are not compared; with no average at all the finding is
    unknown, naming them. A pair whose average is given but whose own figure is missing
    makes the finding unknown, unless a known shortfall already makes it not met.
    """

    pairs: tuple[tuple[str, str], ...] = field(metadata=FACT)

    def judge(
        self,
        indicators: Callable[[str], Indicator],
        values: Sequence[tuple[object, str | None, object]],
    ) -> Outcome:
        """``values``: for each pair, the figure, its period and the average (or None)."""
        parts: list[Outcome] = []
        missing: list[str] = []
        no_average: list[str] = []
        for (indicator, average), (value, period, found) in zip(self.pairs, values, strict=True):
            if found is None:
                no_average.append(average)  # not supplied: this pair is not compared
                continue
            if value is None:
                missing.append(indicator)
                continue
            ind = indicators(indicator)
            parts.append(
                compare(
                    _number(value, indicator),
                    Comparator.GE,
                    _number(found, average),
                    Quantity(
                        f"{ind.name_zh}(对比全省平均)",
                        f"{ind.name_en} (against the provincial average)",
                        ind.measure,
                        measure_zh=ind.measure_zh,
                    ),
                    period=period,
                )
            )
        if not parts and not missing:
            raise MissingFact(*no_average)
        return combine(parts, missing)

    def columns(self, frame: col.Frame) -> pl.DataFrame:
        inputs: dict[str, col.Fact | pl.Expr] = {}
        for n, (indicator, average) in enumerate(self.pairs):
            fact = frame.fact(indicator)
            inputs |= {f"v{n}": fact, f"p{n}": fact.period, f"a{n}": frame.inherited(average)[0]}

        def judge(**kw: object) -> Outcome:
            values = [(kw[f"v{n}"], kw[f"p{n}"], kw[f"a{n}"]) for n in range(len(self.pairs))]
            return self.judge(frame.indicators.__getitem__, values)  # type: ignore[arg-type]

        return frame.outcome([], frame.apply(judge, **inputs))


@rule_kind("songming_quarterly_visits")
@frozen(kw_only=True)
class QuarterlyVisitsRule(Rule):
    """S-child-visits: every child in difficulty visited every quarter.

    For the assessment year Y, ``quarters`` (the number of quarters of Y in which every
    child in difficulty was visited, 0–4) must reach the number of quarters of Y that
    have ended by the assessment date. A village with no children in difficulty: not
    applicable. Checked over columns by expressions alone (it applies to every village).
    """

    children: str = field(metadata=FACT)
    quarters: str = field(metadata=FACT)

    def columns(self, frame: col.Frame) -> pl.DataFrame:
        year = frame.on.year
        children = frame.fact(self.children)
        visited = frame.fact_in(self.quarters, year)
        ended = _quarters_ended(frame.on)
        out = col.compare(
            visited.number(),
            Comparator.GE,
            col.Num.const(ended),
            Quantity(
                f"{year}年按季走访的季度数",
                f"quarters of {year} with every child visited",
                "quarter",
            ),
            period=col.lit(str(year)),
        )
        return frame.outcome(
            [
                (children.missing, col.unknown(frame.indicators, [(pl.lit(True), self.children)])),
                (children.number().value == 0, _columns_of(_NO_CHILDREN)),
                (pl.lit(ended == 0), _columns_of(_none_ended(year))),
                (visited.missing, col.unknown(frame.indicators, [(pl.lit(True), self.quarters)], str(year))),
            ],
            out,
        )  # fmt: skip


_NO_CHILDREN = Outcome(
    status=Status.NOT_APPLICABLE,
    message_zh="无困境儿童",
    message_en="no children in difficulty",
)


def _none_ended(year: int) -> Outcome:
    return Outcome(
        status=Status.NOT_APPLICABLE,
        message_zh=f"{year}年尚无已结束的季度",
        message_en=f"no quarter of {year} has ended yet",
    )


def _columns_of(outcome: Outcome) -> dict[str, pl.Expr]:
    """A fixed outcome's status and messages, as columns."""
    return {
        "status": col.lit(outcome.status.value),
        "message_zh": col.lit(outcome.message_zh),
        "message_en": col.lit(outcome.message_en),
    }


@rule_kind("songming_dibao_gap")
@frozen(kw_only=True)
class DibaoGapRule(Rule):
    """S-dibao-gap: the rural/urban dibao ratio does not fall from one year to the next.

    "逐步缩小城乡低保标准差距": 差距 is read two ways (a ratio, or an absolute
    difference in yuan). The rule takes the ratio: for the assessment year Y the ratio
    rural ÷ urban of Y is compared, exactly, with that of Y − 1; both standards are read
    for each year itself. The details state that reading and also give the absolute
    difference urban − rural of both years, for a reader who takes the other one.
    """

    rural: str = field(metadata=FACT)
    urban: str = field(metadata=FACT)

    def _standards(self, year: int, rural: object, urban: object) -> tuple[Decimal, Decimal]:
        if rural is None:
            raise MissingFact(self.rural, period=str(year))
        if urban is None:
            raise MissingFact(self.urban, period=str(year))
        r, u = _number(rural, self.rural), _number(urban, self.urban)
        if u == 0:
            raise ValueError(f"the urban dibao standard for {year} is 0")
        return r, u

    def judge(
        self, year: int, rural: object, urban: object, rural_0: object, urban_0: object
    ) -> Outcome:
        (r, u), (r0, u0) = (
            self._standards(year, rural, urban),
            self._standards(year - 1, rural_0, urban_0),
        )
        now, before = Fraction(r) / Fraction(u), Fraction(r0) / Fraction(u0)
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
                "(差距 read as a ratio)",
                f"absolute difference urban − rural: {format_decimal(u0 - r0)} yuan "
                f"in {year - 1}, {format_decimal(u - r)} yuan in {year}",
            ),
            details_zh=(
                "差距按农村与城市低保标准之比计,比值不得下降",
                f"城乡低保标准绝对差:{year - 1}年 {format_decimal(u0 - r0)} 元,"
                f"{year}年 {format_decimal(u - r)} 元",
            ),
        )

    def columns(self, frame: col.Frame) -> pl.DataFrame:
        year = frame.on.year
        return frame.outcome([], frame.apply(
            lambda r, u, r0, u0: self.judge(year, r, u, r0, u0),
            r=frame.fact_in(self.rural, year), u=frame.fact_in(self.urban, year),
            r0=frame.fact_in(self.rural, year - 1), u0=frame.fact_in(self.urban, year - 1),
        ))  # fmt: skip


def _four_places(ratio: Fraction) -> Decimal:
    """A ratio shown to four decimals (the comparison itself is exact)."""
    return (Decimal(ratio.numerator) / Decimal(ratio.denominator)).quantize(Decimal("0.0001"))
