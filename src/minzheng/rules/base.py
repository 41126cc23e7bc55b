"""What every rule is built on: :class:`Rule`, its :class:`Outcome`, :class:`MissingFact`,
:func:`compare`, and the :class:`UnitContext` targets are derived through."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, ClassVar

from attrs import frozen

from minzheng.model import (
    HOLDS,
    Area,
    Attribute,
    Citation,
    Comparator,
    Direction,
    Indicator,
    Level,
    Part,
    Position,
    Status,
    TargetValue,
    Trajectory,
    Unit,
    Value,
    named_facts,
)
from minzheng.model import measure_plural as _measure_plural
from minzheng.model import measure_zh as _measure_zh
from minzheng.model.values import after_number, format_decimal, value_as_of

if TYPE_CHECKING:
    import polars as pl

    from minzheng.io.dataset import Dataset
    from minzheng.rules.columns import Frame


class NoColumns(NotImplementedError):
    """A rule that columns cannot say — a kind without a columnar form, or one reading a
    fact of a kind its columns do not take (a number that is declared yes/no). Like any
    exception from a rule's columns, it gives ``error`` findings naming the rule, its
    pack and the reason."""


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


ZERO = Decimal(0)


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
        status, gap = Status.MET, ZERO
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
    all (before it the finding is ``not_applicable``; after it, a value of a period that
    ended before it is not judged by the rule). ``attribute`` makes a missed
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
        return unique((*named_facts(self), *self.inputs))

    def columns(self, frame: Frame) -> pl.DataFrame:
        """Check every unit of ``frame`` at once, over columns: one row per unit with
        the columns of :data:`minzheng.rules.columns.OUTCOME_SCHEMA` (see
        :mod:`minzheng.rules.columns` for the primitives a kind is built from, and
        :meth:`~minzheng.rules.columns.Frame.apply` for a judgement that needs the values).

        Every kind overrides it (the declarative kinds in ``minzheng.rules.kinds``).
        An exception — including :class:`~minzheng.rules.columns.NoColumns`, which this
        default raises, or one
        reading a fact of a kind its columns cannot take — gives ``error`` findings
        naming the pack and the rule; the run goes on.
        """
        raise NoColumns(f"{type(self).__name__} has no columnar form")

    def targets(self, ctx: UnitContext) -> Iterable[TargetValue]:
        """The targets this rule derives for the unit, without assessing it.

        A rule whose required value is fixed derives nothing: the default yields no
        target. A derived requirement yields one :class:`TargetValue` per indicator.
        """
        return ()

    def title(self, lang: str = "en") -> str:
        return self.title_zh if lang == "zh" else self.title_en


def indicator_name(ctx: UnitContext, indicator: str) -> tuple[str, str, str, str]:
    """(zh name, en name, measure, Chinese measure) of an indicator, tolerating an
    undeclared one."""
    ind = ctx._indicators.get(indicator)
    if ind is None:
        return indicator, indicator, "", ""
    return ind.name_zh, ind.name_en, ind.measure, ind.measure_zh


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


def as_number(indicator: str, value: Value) -> Decimal:
    if type(value) is Decimal:
        return value
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"fact {indicator!r} is not a number: {value!r}")
    return Decimal(value)


def unique(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))
