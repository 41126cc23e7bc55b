"""The declarative rule kinds a pack writes as data (``threshold``, ``bracket``, ``share``,
…, ``coverage``); each checks its units over columns (:mod:`minzheng.rules._kinds`)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from attrs import field, frozen

from minzheng.model import (
    FACT,
    Area,
    Bracket,
    Comparator,
    Derivation,
    Direction,
    Level,
)
from minzheng.model.values import format_decimal, period_end
from minzheng.model.values import format_quantity as _show

if TYPE_CHECKING:
    import polars as pl

    from minzheng.rules.columns import Frame

from minzheng.rules import _kinds
from minzheng.rules.base import Requirement, Rule, number_of, trajectory
from minzheng.rules.columns import indicator_words


@frozen(kw_only=True)
class ThresholdRule(Rule):
    """A fact compared with a fixed value: ``indicator comparator value``."""

    kind: ClassVar[str | None] = "threshold"

    indicator: str = field(metadata=FACT)
    comparator: Comparator
    value: Decimal

    def targets(self, frame: Frame) -> Iterable[pl.DataFrame]:
        fixed = Requirement(
            required=self.value,
            basis_zh="文件规定的固定值",
            basis_en="a fixed value set by the document",
        )
        yield frame.target(self.indicator, self.comparator, lambda: fixed)

    def columns(self, frame: Frame) -> pl.DataFrame:
        return _kinds.threshold(self, frame)


@frozen(kw_only=True)
class ShareRule(Rule):
    """A share of one count in another compared with a percentage.

    "政府运营的养老床位数占养老床位总数的比例不超过30%": ``numerator`` government-run
    beds, ``denominator`` all beds, ``comparator`` ``<=``, ``value`` 30. The comparison
    is exact (``numerator × 100 ≤ 30 × denominator``); the share reported is rounded to
    two decimal places of a per cent. A zero denominator has no share: not applicable.
    """

    kind: ClassVar[str | None] = "share"

    numerator: str = field(metadata=FACT)
    denominator: str = field(metadata=FACT)
    comparator: Comparator
    value: Decimal

    def targets(self, frame: Frame) -> Iterable[pl.DataFrame]:
        """The count of ``numerator`` the share asks for, given the denominator: at
        least ⌈value% × denominator⌉ (rounded up) or at most ⌊value% × denominator⌋."""
        dzh, den, dmeasure, dmzh = indicator_words(frame.indicators, self.denominator)
        lower = self.comparator in (Comparator.LE, Comparator.LT)
        pct = _show(self.value, "%")

        def derive(whole: object) -> Requirement:
            whole = number_of(self.denominator, whole)
            exact = whole * self.value / 100
            required = exact.to_integral_value(rounding="ROUND_FLOOR" if lower else "ROUND_CEILING")
            if required == exact and self.comparator in (Comparator.LT, Comparator.GT):
                required += -1 if lower else 1  # strictly below or above a whole count
            return Requirement(
                required=required,
                basis_zh=f"{dzh} {_show(whole, dmzh)} × {pct},{'向下' if lower else '向上'}取整",
                basis_en=f"{den} {_show(whole, dmeasure)} × {pct}, rounded {'down' if lower else 'up'}",
                inputs=((self.denominator, whole),),
            )

        yield frame.target(
            self.numerator, self.comparator, derive, whole=frame.fact(self.denominator)
        )

    def columns(self, frame: Frame) -> pl.DataFrame:
        return _kinds.share(self, frame)


@frozen
class Condition:
    """One condition of a :class:`ThresholdsRule`: ``indicator comparator value``."""

    indicator: str = field(metadata=FACT)
    comparator: Comparator
    value: Decimal


@frozen(kw_only=True)
class ThresholdsRule(Rule):
    """Several facts compared with fixed values; met when every condition holds.

    "救助对象经济状况核对率达100%,审核认定准确率达90%以上" is two conditions. A known
    shortfall is not met even when another fact is missing; with no shortfall, a
    missing fact makes the finding unknown.
    """

    kind: ClassVar[str | None] = "thresholds"

    conditions: tuple[Condition, ...] = field(metadata=FACT)

    def columns(self, frame: Frame) -> pl.DataFrame:
        return _kinds.thresholds(self, frame)


@frozen(kw_only=True)
class ObservedRule(Rule):
    """A plan indicator with no number to reach ("--"): report its value and trend.

    The finding is ``not_applicable`` — there is nothing to meet — and says so, with the
    latest value, the change from the value before it, and the plan's baseline when one
    is given. Without any value it is ``unknown``.
    """

    kind: ClassVar[str | None] = "observe"

    indicator: str = field(metadata=FACT)
    baseline_year: int | None = None
    baseline: Decimal | None = None

    def columns(self, frame: Frame) -> pl.DataFrame:
        return _kinds.observe(self, frame)


@frozen(kw_only=True)
class DerivedRule(Rule):
    """A fact compared with a value derived from another: ``factor × base``, rounded.

    A headcount derived from a ratio rounds up: declare ``rounding: up``.
    """

    kind: ClassVar[str | None] = "derived"

    indicator: str = field(metadata=FACT)
    comparator: Comparator
    derivation: Derivation = field(metadata=FACT)

    def targets(self, frame: Frame) -> Iterable[pl.DataFrame]:
        base_id = self.derivation.base
        bzh, ben, bmeasure, bmzh = indicator_words(frame.indicators, base_id)
        factor = format_decimal(self.derivation.factor)
        rounding = self.derivation.rounding
        zh_tail = {"up": "，向上取整", "down": "，向下取整", "none": ""}[rounding]
        en_tail = {"up": ", rounded up", "down": ", rounded down", "none": ""}[rounding]

        def derive(base: object) -> Requirement:
            base = number_of(base_id, base)
            return Requirement(
                required=self.derivation.apply(base),
                basis_zh=f"{bzh} {_show(base, bmzh)} × {factor}{zh_tail}",
                basis_en=f"{ben} {_show(base, bmeasure)} × {factor}{en_tail}",
                inputs=((base_id, base),),
            )

        yield frame.target(self.indicator, self.comparator, derive, base=frame.fact(base_id))

    def columns(self, frame: Frame) -> pl.DataFrame:
        return _kinds.derived(self, frame)


def _check_brackets(instance: BracketRule, attribute: Any, brackets: tuple[Bracket, ...]) -> None:
    """Bands must follow one another without gap or overlap, from nothing up."""
    if not brackets:
        raise ValueError("a bracket rule has at least one band")
    for previous, current in itertools.pairwise(brackets):
        if previous.upper is None or current.lower != previous.upper:
            raise ValueError(
                f"bands must meet: {previous.describe()} is followed by {current.describe()}"
            )
        if previous.upper_inclusive == current.lower_inclusive:
            raise ValueError(
                f"exactly one of two adjacent bands includes {format_decimal(previous.upper)}: "
                f"{previous.describe()} and {current.describe()}"
            )
    if brackets[-1].upper is not None:
        raise ValueError(f"the last band must be open above, found {brackets[-1].describe()}")


@frozen(kw_only=True)
class BracketRule(Rule):
    """A fact compared with a value that depends on which band another fact falls in.

    J-staff-by-pop: "2万人以下 … 不少于2名、2-5万人 … 不少于3名、5万人以上 … 不少于5名".
    """

    kind: ClassVar[str | None] = "bracket"

    indicator: str = field(metadata=FACT)
    base: str = field(metadata=FACT)
    comparator: Comparator
    brackets: tuple[Bracket, ...] = field(validator=_check_brackets)

    def band(self, base: Decimal) -> Bracket:
        """The band ``base`` falls in (below the first band: the first band)."""
        for bracket in self.brackets:
            if bracket.contains(base):
                return bracket
        return self.brackets[0]

    def targets(self, frame: Frame) -> Iterable[pl.DataFrame]:
        bzh, ben, bmeasure, bmzh = indicator_words(frame.indicators, self.base)

        def derive(base: object) -> Requirement:
            base = number_of(self.base, base)
            band = self.band(base)
            return Requirement(
                required=band.required,
                basis_zh=f"{bzh} {_show(base, bmzh)} 属于 {band.describe()}",
                basis_en=f"{ben} {_show(base, bmeasure)} falls in {band.describe()}",
                inputs=((self.base, base),),
            )

        yield frame.target(self.indicator, self.comparator, derive, base=frame.fact(self.base))

    def columns(self, frame: Frame) -> pl.DataFrame:
        return _kinds.bracket(self, frame)


@frozen(kw_only=True)
class ChecklistRule(Rule):
    """Every listed item of a checklist fact is present; the finding lists what is not.

    ``items`` empty means every item the indicator declares.
    """

    kind: ClassVar[str | None] = "checklist"

    indicator: str = field(metadata=FACT)
    items: tuple[str, ...] = ()

    def columns(self, frame: Frame) -> pl.DataFrame:
        return _kinds.checklist(self, frame)


@frozen(kw_only=True)
class FlagRule(Rule):
    """A yes/no fact that must be ``expected`` (yes by default); with ``annual``, the
    value of the assessment year itself."""

    kind: ClassVar[str | None] = "flag"

    indicator: str = field(metadata=FACT)
    expected: bool = True
    #: Read the value of the assessment year itself (a yearly requirement), not the
    #: latest value known.
    annual: bool = False

    def columns(self, frame: Frame) -> pl.DataFrame:
        return _kinds.flag(self, frame)


@frozen(kw_only=True)
class CoverageRule(Rule):
    """The share of the units below a unit that have a yes/no ``flag``, compared with
    ``value`` per cent (at least; 100 by default).

    "全县生态安葬行政村覆盖率达到100%", "已在全市村(居)设立的民生主任": the units
    below are those of level ``below`` (villages by default) at any depth, in
    ``below_area`` when given, leaving out the types in ``below_except``. Unit by unit,
    a unit's own figures come first: its reported share ``rate`` (per cent) when
    given, else its counts ``total`` and ``covered`` when both are given, else the
    share is computed from the units below — and a unit below without the flag makes
    it unknown. The comparison is exact; the share shown is rounded half to even to
    hundredths of a per cent; the details list the units below without the flag.
    ``what_zh``/``what_en`` name the share in messages (default: the rule's title).
    """

    kind: ClassVar[str | None] = "coverage"

    flag: str = field(metadata=FACT)
    below: Level = Level.VILLAGE
    below_area: Area | None = None
    below_except: tuple[str, ...] = ()
    rate: str | None = field(default=None, metadata=FACT)
    total: str | None = field(default=None, metadata=FACT)
    covered: str | None = field(default=None, metadata=FACT)
    value: Decimal = Decimal(100)
    what_zh: str = ""
    what_en: str = ""

    def cases(
        self, frame: Frame
    ) -> tuple[list[tuple[pl.Expr, Mapping[str, pl.Expr]]], dict[str, pl.Expr]]:
        """The cases and the default of :meth:`~Rule.columns`, for a kind built on this one
        to add its own cases before them (see :meth:`minzheng.rules.columns.Frame.outcome`)."""
        return _kinds.coverage_cases(self, frame)

    def own(self) -> tuple[str, ...]:
        """The unit's own facts that can stand for the share (named when unknown)."""
        return tuple(i for i in (self.rate, self.total, self.covered) if i)

    def columns(self, frame: Frame) -> pl.DataFrame:
        return _kinds.coverage(self, frame)


@frozen(kw_only=True)
class TrajectoryRule(Rule):
    """A fact on its way from a baseline to a target by the target year.

    The finding compares the latest actual value with the final ``target`` (so the gap
    is reported before the deadline, which is the end of ``target_year`` unless given)
    and carries the trajectory: the straight-line value expected in the actual's year
    and whether the actual is behind, on track or ahead.
    """

    kind: ClassVar[str | None] = "trajectory"

    indicator: str = field(metadata=FACT)
    comparator: Comparator
    baseline_year: int
    baseline: Decimal
    target_year: int
    target: Decimal
    direction: Direction = Direction.HIGHER

    def __attrs_post_init__(self) -> None:
        if self.target_year <= self.baseline_year:
            raise ValueError(
                f"target_year {self.target_year} must come after baseline_year {self.baseline_year}"
            )

    def targets(self, frame: Frame) -> Iterable[pl.DataFrame]:
        _, _, measure, mzh = indicator_words(frame.indicators, self.indicator)
        points = tuple(
            (year, self.expected(year)) for year in range(self.baseline_year, self.target_year + 1)
        )
        line = Requirement(
            required=self.target,
            basis_zh=f"{self.baseline_year}年基数 {_show(self.baseline, mzh)},"
            f"{self.target_year}年目标 {_show(self.target, mzh)}",
            basis_en=f"baseline {_show(self.baseline, measure)} in {self.baseline_year}, "
            f"target {_show(self.target, measure)} in {self.target_year}",
            deadline=self.deadline or period_end(str(self.target_year)),
            trajectory=points,
        )
        yield frame.target(self.indicator, self.comparator, lambda: line)

    def expected(self, year: int) -> Decimal:
        """The value the straight line expects in ``year``."""
        return trajectory(
            (self.baseline_year, self.baseline), (self.target_year, self.target), year, None
        ).expected

    def columns(self, frame: Frame) -> pl.DataFrame:
        return _kinds.trajectory_kind(self, frame)
