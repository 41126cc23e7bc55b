"""What every rule is built on: :class:`Rule`, its :class:`Outcome` and the
:class:`Requirement` it derives, :class:`MissingFact` and :func:`compare`."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar

from attrs import frozen

from minzheng.i18n import CATALOGUE, text
from minzheng.model import (
    HOLDS,
    Area,
    Attribute,
    Citation,
    Comparator,
    Direction,
    Level,
    Part,
    Position,
    Status,
    Trajectory,
    Unit,
    Value,
    named_facts,
)
from minzheng.model import measure_plural as _measure_plural
from minzheng.model import measure_zh as _measure_zh
from minzheng.model.values import after_number, format_decimal

if TYPE_CHECKING:
    import polars as pl

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


@frozen(kw_only=True)
class Requirement:
    """What one unit must reach on one indicator, as a rule derives it from the unit's
    facts without assessing it (see :meth:`~minzheng.rules.columns.Frame.target`).

    ``basis_zh``/``basis_en`` say how it was derived (“户籍人口 12000 × 2 元/人”);
    ``inputs`` the facts it was derived from; ``trajectory`` the value expected in each
    year on the way; ``deadline`` and ``measure``, when ``None``, are the rule's and the
    indicator's. The engine makes it a :class:`~minzheng.model.TargetValue` naming the
    pack, the rule and the unit.
    """

    required: Decimal
    basis_zh: str
    basis_en: str
    inputs: tuple[tuple[str, Decimal], ...] = ()
    trajectory: tuple[tuple[int, Decimal], ...] = ()
    deadline: date | None = None
    measure: str | None = None


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
    details: tuple[str, ...] = ()  #: what the message leaves out, in English
    details_zh: tuple[str, ...] = ()  #: the same in Chinese
    trajectory: Trajectory | None = None
    parts: tuple[Part, ...] = ()
    #: The deadline this outcome is judged against when it is not the rule's own (a
    #: timeline with several milestones); ``due`` follows it.
    deadline: date | None = None
    #: The attribute when it is not the rule's own (力争 expected, 确保 binding).
    attribute: Attribute | None = None


#: How Chinese and English messages say each comparator ("要求不少于 5 人", "required
#: at least 5 people"), from the message catalogue.
COMPARATOR_ZH = MappingProxyType(
    {c: text(f"comparator.{c.name.lower()}", "zh") for c in Comparator}
)
COMPARATOR_EN = MappingProxyType(
    {c: text(f"comparator.{c.name.lower()}", "en") for c in Comparator}
)


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


@frozen
class Quantity:
    """What a comparison is of, as its messages name it: ``zh`` and ``en`` (“工作人员”,
    “workers”), the unit of ``measure`` (``"person"``) the English message and the
    finding carry, and ``measure_zh``, how the Chinese message writes it (by default
    :func:`~minzheng.model.measure_zh` of ``measure``, ``"人"``)."""

    zh: str
    en: str
    measure: str = ""
    measure_zh: str | None = None


def compare(
    actual: Decimal | int,
    comparator: Comparator,
    required: Decimal | int,
    what: Quantity,
    period: str | None = None,
) -> Outcome:
    """An outcome comparing ``actual`` with ``required`` (of ``period``), with messages
    in both languages.

    ``gap`` is zero when the comparison holds, else the distance to ``required``. The
    English message writes the measure's plural after any number but 1
    (:func:`~minzheng.model.measure_plural`: ``"2 people"``). Details, when wanted, are
    added with ``attrs.evolve(outcome, details=…)``.
    """
    measure = what.measure
    one, many, zh_after = _after(measure, what.measure_zh)
    a, r = format_decimal(actual), format_decimal(required)

    said_zh, said_en = CATALOGUE["finding.compare"]  # the templates: this runs once a value
    zh = said_zh.format(what=what.zh, actual=a, actual_unit=zh_after,
                        comparator=COMPARATOR_ZH[comparator], required=r, required_unit=zh_after)  # fmt: skip
    en = said_en.format(what=what.en, actual=a, actual_unit=one if a == "1" else many,
                        comparator=COMPARATOR_EN[comparator], required=r,
                        required_unit=one if r == "1" else many)  # fmt: skip
    if HOLDS[comparator](actual, required):  # Comparator.holds, without its fractions
        status, gap = Status.MET, ZERO
    else:
        status, gap = Status.NOT_MET, abs(Decimal(required) - Decimal(actual))  # Comparator.gap
        short = format_decimal(gap)
        short_zh, short_en = CATALOGUE["finding.short"]
        zh = short_zh.format(text=zh, gap=short, gap_unit=zh_after)
        en = short_en.format(text=en, gap=short, gap_unit=one if short == "1" else many)
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
    reading: str  #: our reading of the clause, in English
    levels: tuple[Level, ...]
    reading_zh: str = ""  #: the same reading in Chinese (``explain --lang zh`` shows it)
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

    def targets(self, frame: Frame) -> Iterable[pl.DataFrame]:
        """The targets this rule derives for every unit of ``frame``, without assessing
        them: one table per indicator it sets a target on, each made by
        :meth:`~minzheng.rules.columns.Frame.target` (one row per unit).

        A rule that derives nothing (a checklist, a yes/no fact) yields nothing: the
        default.
        """
        return ()

    def title(self, lang: str = "en") -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def reading_in(self, lang: str = "en") -> str:
        """Our reading in ``lang``: ``reading_zh`` in Chinese (the English reading when a
        pack gives none)."""
        return self.reading_zh or self.reading if lang == "zh" else self.reading


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
        details_zh=tuple(p.message_zh for p in short),
        missing=missing,
    )


def trajectory(
    start: tuple[int, Decimal],
    end: tuple[int, Decimal],
    year: int,
    actual: Decimal | None,
    direction: Direction = Direction.HIGHER,
) -> Trajectory:
    """Read the straight line from ``start`` (the baseline year and value) to ``end``
    (the target year and value) at ``year``.

    The expected value is exact where the line allows and otherwise rounded to six
    decimal places (half even); the comparison with ``actual`` is exact. Before the
    baseline year the baseline is expected, after the target year the target. For a
    "lower is better" ``direction`` a value below the line is ahead.
    """
    (baseline_year, baseline), (target_year, target) = start, end
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


def number_of(indicator: str, value: object) -> Decimal:
    """A fact's value (as :meth:`~minzheng.rules.columns.Frame.apply` gives it) as an
    exact ``Decimal``: :class:`MissingFact` when it is ``None``, :class:`TypeError` when
    it is not a number."""
    if value is None:
        raise MissingFact(indicator)
    if type(value) is Decimal:
        return value
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"fact {indicator!r} is not a number: {value!r}")
    return Decimal(value)


def unique(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))
