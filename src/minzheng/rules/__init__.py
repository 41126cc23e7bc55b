"""Rules: what a pack checks, and the common kinds a pack can declare as data.

A rule pack returns :class:`Rule` objects from its ``minzheng_rules`` hook. A rule knows
which units it applies to (levels, types, urban or rural), the clause it encodes
(:class:`~minzheng.model.Citation`), our reading of it, and how to check every unit it
applies to at once, over columns (:meth:`Rule.columns`, built from the primitives of
:mod:`minzheng.rules.columns`). The engine adds the pack, the unit, the citation, the
deadline and whether it is due to each finding.

A fact the dataset does not have gives an ``unknown`` finding that names it (a
judgement over values raises :class:`MissingFact` to say so). A rule therefore cannot
report ``met`` on missing data by accident. Targets (:meth:`Rule.targets`) are still
derived unit by unit, through a :class:`UnitContext`.

Most requirements fit one of the declarative kinds below, which a pack can write in a
YAML file and load with :func:`load_rules`:

``threshold``
    a fact compared with a fixed value (火化率 = 100%)
``derived``
    a fact compared with ``factor × another fact`` (社工 ≥ 1‰ × 常住人口)
``bracket``
    a fact compared with a value that depends on the band another fact falls in
    (民政所 staff by township population)
``checklist``
    every listed item present (the "七有"); reports the missing ones
``flag``
    a yes/no fact that must be yes (or no)
``trajectory``
    a fact on its way from a baseline to a target by a deadline
``share``
    one count as a share of another, compared with a percentage (政府运营床位 ≤ 30%)
``thresholds``
    several facts, each compared with a fixed value; all must hold
``observe``
    a plan indicator with no number ("--"): its value and trend are reported
``coverage``
    the share of the units below with a yes/no fact (villages with a 民生主任)

A requirement that fits none of them is a subclass of :class:`Rule` in the pack's code.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from attrs import field, frozen

from minzheng.errors import InputError, Problem
from minzheng.io.converter import describe_error, structure
from minzheng.io.files import read_structured
from minzheng.model import (
    FACT,
    HOLDS,
    Area,
    Attribute,
    Bracket,
    Citation,
    Comparator,
    Derivation,
    Direction,
    Indicator,
    Level,
    Part,
    Position,
    Program,
    Status,
    TargetValue,
    Trajectory,
    Unit,
    Value,
    named_facts,
)
from minzheng.model import measure_plural as _measure_plural
from minzheng.model import measure_zh as _measure_zh
from minzheng.model.values import after_number, closest, format_decimal, period_end, value_as_of
from minzheng.model.values import format_quantity as _show

if TYPE_CHECKING:
    import polars as pl

    from minzheng.io.dataset import Dataset
    from minzheng.rules.columns import Frame

__all__ = [
    "RULE_KINDS",
    "BracketRule",
    "ChecklistRule",
    "Condition",
    "CoverageRule",
    "DerivedRule",
    "FlagRule",
    "MissingFact",
    "ObservedRule",
    "Outcome",
    "Rule",
    "ShareRule",
    "ThresholdRule",
    "ThresholdsRule",
    "TrajectoryRule",
    "UnitContext",
    "combine",
    "compare",
    "load_indicators",
    "load_programs",
    "load_rules",
    "rule_kind",
    "trajectory",
]


class MissingFact(LookupError):
    """A rule asked for facts the dataset does not have (→ an ``unknown`` finding).

    ``period`` names the period a rule needed when it needed one in particular (an
    annual budget line for 2018, say).
    """

    def __init__(self, *indicators: str, period: str | None = None) -> None:
        self.indicators = indicators
        self.period = period
        suffix = f" for {period}" if period else ""
        super().__init__(f"missing fact(s): {', '.join(indicators)}{suffix}")


class UnitContext:
    """What a rule sees of one unit: its facts as of the assessment date.

    A fact's value *as of* a date is the value of the latest period that ends on or
    before that date; an undated value applies to any date when no dated value does.
    """

    __slots__ = ("_dataset", "_facts", "_indicators", "_seen", "on", "options", "unit")

    def __init__(
        self,
        unit: Unit,
        dataset: Dataset,
        on: date,
        indicators: Mapping[str, Indicator],
        options: Mapping[str, object] | None = None,
    ) -> None:
        self.unit = unit
        self.on = on
        #: What the caller passed to the engine for the packs (e.g. ``score_table``).
        self.options: Mapping[str, object] = options or {}
        self._dataset = dataset
        #: this unit's facts: indicator → period → value
        self._facts: Mapping[str, Mapping[str | None, Value]] = dataset.facts.get(unit.code) or {}
        self._indicators = indicators
        #: indicator → what _lookup found (rules of one unit often read the same facts)
        self._seen: dict[str, tuple[str | None, Value] | None] = {}

    def indicator(self, indicator: str) -> Indicator:
        """The declared indicator (raises :class:`KeyError` for an undeclared one)."""
        return self._indicators[indicator]

    def _lookup(self, indicator: str) -> tuple[str | None, Value] | None:
        seen = self._seen
        if indicator in seen:
            return seen[indicator]
        periods = self._facts.get(indicator)
        found = seen[indicator] = value_as_of(periods, self.on) if periods else None
        return found

    def value(self, indicator: str) -> Value:
        """The fact's value as of the assessment date; :class:`MissingFact` if none."""
        found = self._lookup(indicator)
        if found is None:
            raise MissingFact(indicator)
        return found[1]

    def _found(self, indicator: str) -> tuple[str | None, Value]:
        """``(period, value)`` as of the assessment date; :class:`MissingFact` if none."""
        found = self._lookup(indicator)
        if found is None:
            raise MissingFact(indicator)
        return found

    def values(self, *indicators: str) -> tuple[Value, ...]:
        """Several facts at once; :class:`MissingFact` names every one that is missing."""
        found = [self._lookup(i) for i in indicators]
        missing = [i for i, f in zip(indicators, found, strict=True) if f is None]
        if missing:
            raise MissingFact(*missing)
        return tuple(f[1] for f in found if f is not None)

    def number(self, indicator: str) -> Decimal:
        """A numeric fact (count, amount or rate) as an exact ``Decimal``."""
        value = self.value(indicator)
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise TypeError(f"fact {indicator!r} is not a number: {value!r}")
        return Decimal(value)

    def value_in(self, indicator: str, period: str | int) -> Value:
        """The fact's value for exactly ``period`` (a year or a day), for rules that
        speak of one year's figure; :class:`MissingFact` naming the period if none."""
        key = str(period)
        values = self._facts.get(indicator, {})
        if key not in values:
            raise MissingFact(indicator, period=key)
        return values[key]

    def get_in(
        self, indicator: str, period: str | int, default: Value | None = None
    ) -> Value | None:
        """The fact's value for exactly ``period``, or ``default`` when there is none."""
        return self._facts.get(indicator, {}).get(str(period), default)

    def inherited(self, indicator: str) -> tuple[Unit, Value] | None:
        """The fact from this unit or, failing that, the nearest unit above that has it.

        For standards a higher level sets (a county's or a province's pay standard).
        Returns the unit the value came from with the value, or ``None``.
        """
        for unit in (self.unit, *self._dataset.ancestors(self.unit.code)):
            found = self._dataset.value_as_of(unit.code, indicator, self.on)
            if found is not None:
                return unit, found[1]
        return None

    def get(self, indicator: str, default: Value | None = None) -> Value | None:
        """The fact's value, or ``default`` when the dataset does not have it."""
        found = self._lookup(indicator)
        return default if found is None else found[1]

    def period(self, indicator: str) -> str | None:
        """The period of the value :meth:`value` returns (``None``: undated or missing)."""
        found = self._lookup(indicator)
        return None if found is None else found[0]

    def series(self, indicator: str) -> dict[str, Value]:
        """Every dated value of a fact, oldest period first (undated values left out)."""
        return self._dataset.series(self.unit.code, indicator)

    def children(self, level: Level | None = None, type: str | None = None) -> list[UnitContext]:
        """The units directly below this one, optionally of one level or type."""
        return [
            UnitContext(u, self._dataset, self.on, self._indicators, self.options)
            for u in self._dataset.children(self.unit.code)
            if (level is None or u.level is level) and (type is None or u.type == type)
        ]

    def descendants(self, level: Level | None = None, type: str | None = None) -> list[UnitContext]:
        """Every unit below this one at any depth, optionally of one level or type."""
        found: list[UnitContext] = []
        stack = list(reversed(self._dataset.children(self.unit.code)))
        while stack:
            unit = stack.pop()
            if (level is None or unit.level is level) and (type is None or unit.type == type):
                found.append(
                    UnitContext(unit, self._dataset, self.on, self._indicators, self.options)
                )
            stack.extend(reversed(self._dataset.children(unit.code)))
        return found


@frozen(kw_only=True)
class Outcome:
    """What a rule found for one unit; the engine adds the rest of the finding."""

    status: Status
    message_zh: str
    message_en: str
    actual: Value | None = None
    required: Value | None = None
    comparator: Comparator | None = None
    gap: Decimal | None = None
    measure: str = ""
    period: str | None = None
    missing: tuple[str, ...] = ()
    details: tuple[str, ...] = ()
    trajectory: Trajectory | None = None
    parts: tuple[Part, ...] = ()
    #: The deadline this outcome is judged against when it is not the rule's own (a
    #: timeline with several milestones); ``due`` follows it.
    deadline: date | None = None
    #: The attribute when it is not the rule's own (力争 expected, 确保 binding).
    attribute: Attribute | None = None


COMPARATOR_ZH = {
    Comparator.GE: "不少于",
    Comparator.GT: "超过",
    Comparator.LE: "不超过",
    Comparator.LT: "低于",
    Comparator.EQ: "达到",
}
COMPARATOR_EN = {
    Comparator.GE: "at least",
    Comparator.GT: "more than",
    Comparator.LE: "at most",
    Comparator.LT: "less than",
    Comparator.EQ: "exactly",
}


@functools.cache
def _after(measure: str, measure_zh: str | None) -> tuple[str, str, str]:
    """What follows a number in English after 1 and after any other number, and in
    Chinese (``measure_zh`` ``None``: the table's word): ``(" person", " people",
    " 人")``. Cached: a pack has a handful of measures, and :func:`compare` runs once a
    finding."""
    return (
        after_number(measure),
        after_number(_measure_plural(measure)),
        after_number(_measure_zh(measure) if measure_zh is None else measure_zh),
    )


_ZERO = Decimal(0)


def compare(
    actual: Decimal | int,
    comparator: Comparator,
    required: Decimal | int,
    *,
    what_zh: str,
    what_en: str,
    measure: str = "",
    measure_zh: str | None = None,
    period: str | None = None,
    details: tuple[str, ...] = (),
) -> Outcome:
    """An outcome comparing ``actual`` with ``required``, with messages in both languages.

    ``gap`` is zero when the comparison holds, else the distance to ``required``.
    ``measure`` is the unit of measure (``"person"``) the English message and the
    finding carry; the English message writes its plural after any number but 1
    (:func:`~minzheng.model.measure_plural`: ``"2 people"``). ``measure_zh`` is how
    the Chinese message writes it, by default :func:`~minzheng.model.measure_zh` of
    ``measure`` (``"人"``).
    """
    one, many, zh_after = _after(measure, measure_zh)
    a, r = format_decimal(actual), format_decimal(required)
    a_en = f"{a}{one if a == '1' else many}, required {COMPARATOR_EN[comparator]} {r}{one if r == '1' else many}"
    if HOLDS[comparator](actual, required):  # Comparator.holds, without its fractions
        status, gap = Status.MET, _ZERO
        zh = f"{what_zh}:实际 {a}{zh_after},要求{COMPARATOR_ZH[comparator]} {r}{zh_after}"
        en = f"{what_en}: {a_en}"
    else:
        status, gap = Status.NOT_MET, abs(Decimal(required) - Decimal(actual))  # Comparator.gap
        short = format_decimal(gap)
        zh = f"{what_zh}:实际 {a}{zh_after},要求{COMPARATOR_ZH[comparator]} {r}{zh_after},差 {short}{zh_after}"
        en = f"{what_en}: {a_en}; short by {short}{one if short == '1' else many}"
    return Outcome(
        status=status,
        message_zh=zh,
        message_en=en,
        actual=actual,
        required=required,
        comparator=comparator,
        gap=gap,
        measure=measure,
        period=period,
        details=details,
    )


@frozen(kw_only=True)
class Rule:
    """A requirement of a document, checked on every unit it applies to at once.

    ``levels`` (and optionally ``types`` and ``area``) choose the units it applies to.
    ``deadline`` is the date by which it must hold: before it, a shortfall is still
    reported but as not yet due. ``effective`` is the date from which it applies at
    all (before it the finding is ``not_applicable``). ``attribute`` makes a missed
    requirement a failure (binding) or a warning (expected); a clause that says "一般"
    (as a rule) is expected.
    """

    #: The name of this kind in a pack's rules file; ``None`` for a code-only rule.
    kind: ClassVar[str | None] = None

    id: str
    title_zh: str
    title_en: str
    citation: Citation
    reading: str
    levels: tuple[Level, ...]
    types: tuple[str, ...] = ()
    area: Area | None = None
    inputs: tuple[str, ...] = ()
    attribute: Attribute = Attribute.BINDING
    deadline: date | None = None
    effective: date | None = None

    def applies_to(self, unit: Unit) -> bool:
        """Whether the rule speaks of this unit (level, type and area)."""
        if unit.level not in self.levels:
            return False
        if self.types and unit.type not in self.types:
            return False
        return self.area is None or unit.area is self.area

    def reads(self) -> tuple[str, ...]:
        """Every indicator the rule may read: those its kind's fields name (declared
        with :data:`~minzheng.model.FACT`), then ``inputs``."""
        return _unique((*named_facts(self), *self.inputs))

    def columns(self, frame: Frame) -> pl.DataFrame:
        """Check every unit of ``frame`` at once, over columns: one row per unit with
        the columns of :data:`minzheng.rules.columns.OUTCOME_SCHEMA` (see
        :mod:`minzheng.rules.columns` for the primitives a kind is built from, and
        :meth:`~minzheng.rules.columns.Frame.apply` for a judgement that needs the values).

        The declarative kinds of this module are found by their exact class; a kind of
        a pack's own overrides this method. An exception — including
        :class:`~minzheng.rules.columns.NoColumns` for a kind without a columnar form, or one
        reading a fact of a kind its columns cannot take — gives ``error`` findings
        naming the pack and the rule; the run goes on.
        """
        from minzheng.rules._kinds import columnar

        return columnar(self, frame)

    def targets(self, ctx: UnitContext) -> Iterable[TargetValue]:
        """The targets this rule derives for the unit, without assessing it.

        A rule whose required value is fixed derives nothing: the default yields no
        target. A derived requirement yields one :class:`TargetValue` per indicator.
        """
        return ()

    def title(self, lang: str = "en") -> str:
        return self.title_zh if lang == "zh" else self.title_en


def _indicator_name(ctx: UnitContext, indicator: str) -> tuple[str, str, str, str]:
    """(zh name, en name, measure, Chinese measure) of an indicator, tolerating an
    undeclared one."""
    ind = ctx._indicators.get(indicator)
    if ind is None:
        return indicator, indicator, "", ""
    return ind.name_zh, ind.name_en, ind.measure, ind.measure_zh


@frozen(kw_only=True)
class ThresholdRule(Rule):
    """A fact compared with a fixed value: ``indicator comparator value``."""

    kind: ClassVar[str | None] = "threshold"

    indicator: str = field(metadata=FACT)
    comparator: Comparator
    value: Decimal

    def targets(self, ctx: UnitContext) -> Iterable[TargetValue]:
        measure = _indicator_name(ctx, self.indicator)[2]
        yield TargetValue(
            rule=self.id,
            unit=ctx.unit.code,
            indicator=self.indicator,
            comparator=self.comparator,
            required=self.value,
            measure=measure,
            basis_zh="文件规定的固定值",
            basis_en="a fixed value set by the document",
            deadline=self.deadline,
        )


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

    def targets(self, ctx: UnitContext) -> Iterable[TargetValue]:
        """The count of ``numerator`` the share asks for, given the denominator: at
        least ⌈value% × denominator⌉ (rounded up) or at most ⌊value% × denominator⌋."""
        whole = ctx.number(self.denominator)
        exact = whole * self.value / 100
        lower = self.comparator in (Comparator.LE, Comparator.LT)
        required = exact.to_integral_value(rounding="ROUND_FLOOR" if lower else "ROUND_CEILING")
        if required == exact and self.comparator in (Comparator.LT, Comparator.GT):
            required += -1 if lower else 1  # strictly below or above a whole count
        measure = _indicator_name(ctx, self.numerator)[2]
        dzh, den, dmeasure, dmzh = _indicator_name(ctx, self.denominator)
        pct = _show(self.value, "%")
        yield TargetValue(
            rule=self.id,
            unit=ctx.unit.code,
            indicator=self.numerator,
            comparator=self.comparator,
            required=required,
            measure=measure,
            basis_zh=f"{dzh} {_show(whole, dmzh)} × {pct},{'向下' if lower else '向上'}取整",
            basis_en=f"{den} {_show(whole, dmeasure)} × {pct}, rounded {'down' if lower else 'up'}",
            deadline=self.deadline,
            inputs=((self.denominator, whole),),
        )


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


def combine(parts: Iterable[Outcome], missing: Iterable[str] = ()) -> Outcome:
    """One outcome from several checks of one requirement (all must hold).

    A known shortfall makes it not met even when other facts are ``missing``; with no
    shortfall, a missing fact makes it unknown (:class:`MissingFact`); otherwise met.
    The messages are joined; ``details`` lists the shortfalls.
    """
    parts, missing = list(parts), tuple(missing)
    short = [p for p in parts if p.status is Status.NOT_MET]
    if missing and not short:
        raise MissingFact(*missing)
    return Outcome(
        status=Status.NOT_MET if short else Status.MET,
        message_zh=";".join(p.message_zh for p in parts),
        message_en="; ".join(p.message_en for p in parts),
        details=tuple(p.message_en for p in short),
        missing=missing,
    )


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


@frozen(kw_only=True)
class DerivedRule(Rule):
    """A fact compared with a value derived from another: ``factor × base``, rounded.

    A headcount derived from a ratio rounds up: declare ``rounding: up``.
    """

    kind: ClassVar[str | None] = "derived"

    indicator: str = field(metadata=FACT)
    comparator: Comparator
    derivation: Derivation = field(metadata=FACT)

    def required(self, ctx: UnitContext) -> Decimal:
        return self.derivation.apply(ctx.number(self.derivation.base))

    def _basis(self, ctx: UnitContext, base: Decimal) -> tuple[str, str]:
        bzh, ben, bmeasure, bmzh = _indicator_name(ctx, self.derivation.base)
        factor = format_decimal(self.derivation.factor)
        rounding = {"up": "向上取整", "down": "向下取整", "none": ""}[self.derivation.rounding]
        rounding_en = {"up": ", rounded up", "down": ", rounded down", "none": ""}[
            self.derivation.rounding
        ]
        return (
            f"{bzh} {_show(base, bmzh)} × {factor}{('，' + rounding) if rounding else ''}",
            f"{ben} {_show(base, bmeasure)} × {factor}{rounding_en}",
        )

    def targets(self, ctx: UnitContext) -> Iterable[TargetValue]:
        base = ctx.number(self.derivation.base)
        measure = _indicator_name(ctx, self.indicator)[2]
        basis_zh, basis_en = self._basis(ctx, base)
        yield TargetValue(
            rule=self.id,
            unit=ctx.unit.code,
            indicator=self.indicator,
            comparator=self.comparator,
            required=self.derivation.apply(base),
            measure=measure,
            basis_zh=basis_zh,
            basis_en=basis_en,
            deadline=self.deadline,
            inputs=((self.derivation.base, base),),
        )


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

    def targets(self, ctx: UnitContext) -> Iterable[TargetValue]:
        base = ctx.number(self.base)
        band = self.band(base)
        measure = _indicator_name(ctx, self.indicator)[2]
        bzh, ben, bmeasure, bmzh = _indicator_name(ctx, self.base)
        yield TargetValue(
            rule=self.id,
            unit=ctx.unit.code,
            indicator=self.indicator,
            comparator=self.comparator,
            required=band.required,
            measure=measure,
            basis_zh=f"{bzh} {_show(base, bmzh)} 属于 {band.describe()}",
            basis_en=f"{ben} {_show(base, bmeasure)} falls in {band.describe()}",
            deadline=self.deadline,
            inputs=((self.base, base),),
        )


@frozen(kw_only=True)
class ChecklistRule(Rule):
    """Every listed item of a checklist fact is present; the finding lists what is not.

    ``items`` empty means every item the indicator declares.
    """

    kind: ClassVar[str | None] = "checklist"

    indicator: str = field(metadata=FACT)
    items: tuple[str, ...] = ()


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
        from minzheng.rules._kinds import coverage_cases

        return coverage_cases(self, frame)

    def own(self) -> tuple[str, ...]:
        """The unit's own facts that can stand for the share (named when unknown)."""
        return tuple(i for i in (self.rate, self.total, self.covered) if i)


def trajectory(
    *,
    baseline_year: int,
    baseline: Decimal,
    target_year: int,
    target: Decimal,
    year: int,
    actual: Decimal | None,
    direction: Direction = Direction.HIGHER,
) -> Trajectory:
    """Read the straight line from ``baseline`` to ``target`` at ``year``.

    The expected value is exact where the line allows and otherwise rounded to six
    decimal places (half even); the comparison with ``actual`` is exact. Before the
    baseline year the baseline is expected, after the target year the target. For a
    "lower is better" indicator a value below the line is ahead.
    """
    if target_year <= baseline_year:
        raise ValueError(
            f"the target year {target_year} must come after the baseline {baseline_year}"
        )
    span = target_year - baseline_year
    step = min(max(year - baseline_year, 0), span)
    line = Fraction(baseline) + (Fraction(target) - Fraction(baseline)) * Fraction(step, span)
    expected = Decimal(line.numerator) / Decimal(line.denominator)
    if Fraction(expected) != line:
        expected = expected.quantize(Decimal("0.000001"))
    position: Position | None = None
    if actual is not None:
        diff = Fraction(actual) - line
        if direction is Direction.LOWER:
            diff = -diff
        position = (
            Position.ON_TRACK if diff == 0 else Position.AHEAD if diff > 0 else Position.BEHIND
        )
    return Trajectory(
        baseline_year=baseline_year,
        baseline=baseline,
        target_year=target_year,
        target=target,
        year=year,
        expected=expected,
        actual=actual,
        position=position,
    )


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

    def targets(self, ctx: UnitContext) -> Iterable[TargetValue]:
        _, _, measure, mzh = _indicator_name(ctx, self.indicator)
        points = tuple(
            (
                year,
                trajectory(
                    baseline_year=self.baseline_year,
                    baseline=self.baseline,
                    target_year=self.target_year,
                    target=self.target,
                    year=year,
                    actual=None,
                ).expected,
            )
            for year in range(self.baseline_year, self.target_year + 1)
        )
        yield TargetValue(
            rule=self.id,
            unit=ctx.unit.code,
            indicator=self.indicator,
            comparator=self.comparator,
            required=self.target,
            measure=measure,
            basis_zh=f"{self.baseline_year}年基数 {_show(self.baseline, mzh)},{self.target_year}年目标 {_show(self.target, mzh)}",
            basis_en=f"baseline {_show(self.baseline, measure)} in {self.baseline_year}, target {_show(self.target, measure)} in {self.target_year}",
            deadline=self.deadline or period_end(str(self.target_year)),
            trajectory=points,
        )


def _as_number(indicator: str, value: Value) -> Decimal:
    if type(value) is Decimal:
        return value
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"fact {indicator!r} is not a number: {value!r}")
    return Decimal(value)


def _unique(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


#: The rule kinds, by the name a rules file uses in ``kind:``: the declarative kinds of
#: this module, and every kind a pack registers with :func:`rule_kind`.
RULE_KINDS: dict[str, type[Rule]] = {
    cls.kind: cls
    for cls in (
        ThresholdRule,
        ThresholdsRule,
        ShareRule,
        DerivedRule,
        BracketRule,
        ChecklistRule,
        FlagRule,
        TrajectoryRule,
        ObservedRule,
        CoverageRule,
    )
    if cls.kind
}


Source = Path | Traversable

R = TypeVar("R", bound=type[Rule])


def rule_kind(name: str) -> Callable[[R], R]:
    """Register a :class:`Rule` subclass as the kind ``name`` of rules files::

        @rule_kind("jian_office_name")
        @frozen(kw_only=True)
        class OfficeNameRule(Rule): ...

    A name is registered once; registering another class under it raises
    :class:`ValueError` (two packs would otherwise silently share it).
    """

    def register(cls: R) -> R:
        known = RULE_KINDS.get(name)
        if known is not None and (known.__module__, known.__qualname__) != (
            cls.__module__,
            cls.__qualname__,
        ):
            raise ValueError(
                f"rule kind {name!r} is already registered by {known.__module__}.{known.__qualname__}"
            )
        cls.kind = name
        RULE_KINDS[name] = cls
        return cls

    return register


def load_rules(source: Source) -> tuple[Rule, ...]:
    """Read a pack's rules file (YAML or JSON): ``rules:`` a list of rule mappings.

    Each mapping names its ``kind`` (one of :data:`RULE_KINDS`: a declarative kind, or
    a pack's own registered with :func:`rule_kind`) and gives the fields of that class. Every problem found
    is reported at once in an :class:`~minzheng.errors.InputError` naming the file, the
    rule and the field.
    """
    known = RULE_KINDS
    data = read_structured(source)
    label = str(source)
    items = _top_list(data, "rules", label)
    problems: list[Problem] = []
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(items):
        rule_id = (
            str(raw.get("id", f"#{index + 1}")) if isinstance(raw, Mapping) else f"#{index + 1}"
        )
        if not isinstance(raw, Mapping):
            problems.append(Problem(label, rule_id, None, "a mapping", repr(raw), subject="rule"))
            continue
        kind = raw.get("kind")
        cls = known.get(str(kind))
        if cls is None:
            guess = closest(str(kind), known)
            problems.append(
                Problem(
                    label,
                    rule_id,
                    "kind",
                    f"one of {', '.join(sorted(known))}",
                    repr(kind),
                    f"did you mean {guess!r}?" if guess else "",
                    subject="rule",
                )
            )
            continue
        fields = {k: v for k, v in raw.items() if k != "kind"}
        try:
            rule = structure(fields, cls)
        except Exception as exc:
            problems.extend(_problems(label, rule_id, exc, fields, "rule"))
            continue
        if rule.id in seen:
            problems.append(
                Problem(label, rule_id, "id", "a rule id used once", "a repeat", subject="rule")
            )
        seen.add(rule.id)
        rules.append(rule)
    if problems:
        raise InputError(problems)
    return tuple(rules)


def load_indicators(source: Source) -> tuple[Indicator, ...]:
    """Read a pack's indicators file: ``indicators:`` a list of indicator mappings."""
    return _load_list(source, "indicators", Indicator, "indicator")


def load_programs(source: Source) -> tuple[Program, ...]:
    """Read a pack's programmes file: ``programs:`` a list of programme mappings, each
    with its ``standards`` and their ``schedule`` of ``changes`` (``[date, value]``)."""
    return _load_list(source, "programs", Program, "programme")


T = TypeVar("T", Indicator, Program)


def _load_list(source: Source, key: str, cls: type[T], subject: str) -> tuple[T, ...]:
    """The list under ``key`` of a data file, each entry structured as ``cls``; ids
    used once; every problem reported at once."""
    data = read_structured(source)
    label = str(source)
    problems: list[Problem] = []
    items: list[T] = []
    for index, raw in enumerate(_top_list(data, key, label)):
        item_id = (
            str(raw.get("id", f"#{index + 1}")) if isinstance(raw, Mapping) else f"#{index + 1}"
        )
        try:
            items.append(structure(raw, cls))
        except Exception as exc:
            problems.extend(_problems(label, item_id, exc, raw, subject))
    ids = [i.id for i in items]
    for repeated in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(
            Problem(
                label,
                repeated,
                "id",
                "an id used once",
                "a repeat",
                subject=subject,
            )
        )
    if problems:
        raise InputError(problems)
    return tuple(items)


def _top_list(data: object, key: str, label: str) -> list[Any]:
    if not isinstance(data, Mapping) or not isinstance(data.get(key), list):
        raise InputError(
            [Problem(label, None, key, f"a mapping with a list under {key!r}", type(data).__name__)]
        )
    return list(data[key])


_SPLIT_HINT = (
    "an unquoted text with a comma inside a {…} mapping is split at the comma: quote the text"
)


def _problems(
    label: str, subject_id: str, exc: BaseException, raw: object, subject: str
) -> list[Problem]:
    problems = []
    for fld, expected, found in describe_error(exc, raw):
        hint = _SPLIT_HINT if expected == "no such field" and fld and not fld.isascii() else ""
        problems.append(Problem(label, subject_id, fld, expected, found, hint, subject=subject))
    return problems
