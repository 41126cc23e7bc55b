"""The columnar rule API: what a rule sees of the units it applies to, as columns.

A rule kind written for the columnar engine is a short function from a :class:`Frame`
(one row per unit the rule applies to) to the columns of its findings. The frame gives
the primitives such a function is built from:

* :meth:`Frame.fact` — a fact's value as of the assessment date (the latest period
  ending on or before it; an undated value when no dated one qualifies);
* :meth:`Frame.fact_in` — a fact's value for exactly one period (a year's budget line);
* :meth:`Frame.inherited` — the value from the unit itself or the nearest unit above it
  that has one (a standard a county or province sets);
* :meth:`Frame.below` — how the units of one level below each unit stand on a fact
  (how many there are, how many have a value, the sum, how many say yes);
* :meth:`Frame.earlier` — the latest dated value before the one :meth:`Frame.fact`
  gives (for a trend);
* :func:`compare` — actual against required, with the status, the gap and both
  messages, exactly as :func:`minzheng.rules.compare` words them;
* :func:`unknown` — the finding of a rule that lacks facts, naming them.

Numbers are exact: a fact's value is a polars ``Decimal`` column (:class:`Num`) with,
for each row, the number of decimals Python's :class:`~decimal.Decimal` would print, so
``86787.00`` stays ``86787.00``. Products are taken at the sum of the operands' scales
and an overflow raises (polars' own check); nothing is rounded unless a rule says so.

A rule returns :meth:`Frame.outcome` — a table with one row per unit and the columns of
:data:`OUTCOME_SCHEMA`; the engine adds the pack, the rule, the unit, the citation, the
deadline and the severity.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import polars as pl

from minzheng.i18n import CATALOGUE, text
from minzheng.io.converter import to_plain
from minzheng.model import (
    Comparator,
    Indicator,
    Kind,
    Level,
    Status,
    Trajectory,
    Value,
    measure_plural,
)
from minzheng.model import measure_zh as _measure_zh
from minzheng.model.values import after_number, format_decimal
from minzheng.rules.base import (
    COMPARATOR_EN,
    COMPARATOR_ZH,
    MissingFact,
    NoColumns,
    Outcome,
    Quantity,
    Requirement,
    Rule,
)

__all__ = [
    "COMPARATOR_EN",
    "COMPARATOR_ZH",
    "OUTCOME_SCHEMA",
    "TARGET_SCHEMA",
    "Below",
    "Fact",
    "Facts",
    "Frame",
    "NoColumns",
    "Num",
    "after",
    "compare",
    "concat",
    "holds",
    "indicator_words",
    "lit",
    "message",
    "outcome",
    "text_list",
    "unknown",
]


_T = TypeVar("_T")

TRAJECTORY = pl.Struct(
    {
        "baseline_year": pl.Int32,
        "baseline": pl.String,
        "target_year": pl.Int32,
        "target": pl.String,
        "year": pl.Int32,
        "expected": pl.String,
        "actual": pl.String,
        "position": pl.String,
    }
)

#: The columns a rule gives for each unit (a missing one is null, or empty for lists).
#: ``actual`` and ``required`` hold a number's exact text (or free text); a yes/no value
#: is in ``*_flag``, a checklist's items in ``*_items``.
OUTCOME_SCHEMA: dict[str, pl.DataType] = {
    "status": pl.String(),
    "message_zh": pl.String(),
    "message_en": pl.String(),
    "actual": pl.String(),
    "actual_flag": pl.Boolean(),
    "actual_items": pl.List(pl.String),
    "required": pl.String(),
    "required_flag": pl.Boolean(),
    "required_items": pl.List(pl.String),
    "comparator": pl.String(),
    "gap": pl.String(),
    "measure": pl.String(),
    "period": pl.String(),
    "missing": pl.List(pl.String),
    "details": pl.List(pl.String),
    "details_zh": pl.List(pl.String),
    "trajectory": TRAJECTORY,
    "parts": pl.String(),  # the parts as JSON text (null: none)
    "deadline": pl.Date(),  # null: the rule's own
    "attribute": pl.String(),  # null: the rule's own
}


#: The columns of a rule's targets (:meth:`Frame.target`), after the unit's ``idx``.
#: ``required`` is a number's exact text, null when it cannot be derived (``missing``
#: then names the facts lacking); ``deadline`` null is the rule's own.
TARGET_SCHEMA: dict[str, pl.DataType] = {
    "indicator": pl.String(),
    "comparator": pl.String(),
    "required": pl.String(),
    "measure": pl.String(),
    "basis_zh": pl.String(),
    "basis_en": pl.String(),
    "deadline": pl.Date(),
    "inputs": pl.List(pl.Struct({"indicator": pl.String, "value": pl.String})),
    "trajectory": pl.List(pl.Struct({"year": pl.Int32, "expected": pl.String})),
    "missing": pl.List(pl.String),
}


def lit(text: str | None) -> pl.Expr:
    """A text constant (null for ``None``)."""
    return pl.lit(text, dtype=pl.String)


def concat(*parts: pl.Expr | str) -> pl.Expr:
    """Texts and text columns joined (null if any column is null)."""
    return pl.concat_str([lit(p) if isinstance(p, str) else p for p in parts])


def text_list(items: Iterable[tuple[pl.Expr, pl.Expr | str]]) -> pl.Expr:
    """A list column of the texts whose condition holds, in order."""
    cases = [pl.when(cond).then(lit(t) if isinstance(t, str) else t) for cond, t in items]
    if not cases:
        return pl.lit([], dtype=pl.List(pl.String))
    return pl.concat_list(cases).list.drop_nulls()


def indicator_words(
    indicators: Mapping[str, Indicator], indicator: str
) -> tuple[str, str, str, str]:
    """(zh name, en name, measure, Chinese measure) of an indicator; an undeclared one
    is named by its id, without measure (as :mod:`minzheng.rules` does)."""
    ind = indicators.get(indicator)
    if ind is None:
        return indicator, indicator, "", ""
    return ind.name_zh, ind.name_en, ind.measure, ind.measure_zh


def after(measure: str, number: pl.Expr) -> pl.Expr:
    """What follows a number's text in English: the measure, in the plural after any
    number but 1 (``" person"`` / ``" people"``; ``"%"`` without a space)."""
    one, many = after_number(measure), after_number(measure_plural(measure))
    if one == many:
        return lit(one)
    return pl.when(number == "1").then(lit(one)).otherwise(lit(many))


# ----------------------------------------------------------------------------- numbers


@attrs.frozen
class Num:
    """An exact number column: ``value`` a polars ``Decimal(38, scale)``, ``places``
    the decimals each row prints (Python's ``Decimal`` exponent), ``text`` when known
    (a fact's own text)."""

    value: pl.Expr
    scale: int
    places: pl.Expr
    given: pl.Expr | None = None

    @classmethod
    def const(cls, number: Decimal | int) -> Num:
        d = Decimal(number)
        exponent = d.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return cls(
            pl.lit(d, pl.Decimal(38, places)),
            places,
            pl.lit(places, pl.Int32),
            lit(format_decimal(d)),
        )

    @property
    def text(self) -> pl.Expr:
        """The number as Python's ``Decimal`` prints it (no exponent)."""
        if self.given is not None:
            return self.given
        full = self.value.cast(pl.String)
        if self.scale == 0:
            return full
        cut = (
            pl.lit(self.scale, pl.Int32)
            - self.places
            + pl.when(self.places == 0).then(1).otherwise(0)
        )
        return full.str.slice(0, full.str.len_bytes() - cut)

    def at(self, scale: int) -> pl.Expr:
        """The value cast to a larger column scale (exactly)."""
        return self.value if scale == self.scale else self.value.cast(pl.Decimal(38, scale))

    def minus(self, other: Num) -> Num:
        """``self - other``, exactly (Python's rule: the larger number of places)."""
        scale = max(self.scale, other.scale)
        return Num(
            self.at(scale) - other.at(scale), scale, pl.max_horizontal(self.places, other.places)
        )

    def abs(self) -> Num:
        return Num(self.value.abs(), self.scale, self.places)

    def times(self, other: Num) -> Num:
        """``self × other``, exactly: taken at the sum of the scales (polars keeps only
        the larger operand scale), and an overflow raises. (A zero product is written
        ``0``: a column has no negative zero, which Python's ``Decimal`` writes ``-0``
        for a negative number times zero.)"""
        scale = self.scale + other.scale
        return Num(self.at(scale) * other.value, scale, self.places + other.places)

    def rounded(self, how: str) -> Num:
        """To a whole number, ``"up"`` or ``"down"`` (``"none"``: as it is)."""
        if how == "none":
            return self
        value = self.value.ceil() if how == "up" else self.value.floor()
        return Num(value, self.scale, pl.lit(0, pl.Int32))

    def cmp(self, comparator: Comparator, other: Num) -> pl.Expr:
        return holds(comparator, self.value, other.value)


def holds(comparator: Comparator, a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """``a <comparator> b`` as a boolean column."""
    match comparator:
        case Comparator.GE:
            return a >= b
        case Comparator.GT:
            return a > b
        case Comparator.LE:
            return a <= b
        case Comparator.LT:
            return a < b
        case Comparator.EQ:
            return a == b


def _places(text: pl.Expr) -> pl.Expr:
    """Decimals written in a canonical number's text."""
    dot = text.str.find(".", literal=True)
    return pl.when(dot.is_null()).then(0).otherwise(text.str.len_bytes() - dot - 1).cast(pl.Int32)


# ----------------------------------------------------------------------------- facts


@attrs.frozen
class Fact:
    """A fact's value for each row: ``text`` (its canonical text, null when missing)
    and ``period`` (null when undated or missing)."""

    indicator: str
    kind: Kind | None
    text: pl.Expr
    period: pl.Expr
    scale: int

    @property
    def missing(self) -> pl.Expr:
        return self.text.is_null()

    def number(self) -> Num:
        """The value as an exact number (a count, an amount or a rate)."""
        if self.kind not in (Kind.COUNT, Kind.AMOUNT, Kind.RATE):
            raise NoColumns(f"fact {self.indicator!r} is not a number: it is of kind {self.kind}")
        value = self.text.cast(pl.Decimal(38, self.scale), strict=True)
        return Num(value, self.scale, _places(self.text), self.text)

    def flag(self) -> pl.Expr:
        """The value as a boolean (a yes/no fact)."""
        if self.kind is not Kind.FLAG:
            raise NoColumns(f"fact {self.indicator!r} is not yes/no: it is of kind {self.kind}")
        return self.text == "true"

    def items(self) -> pl.Expr:
        """The checklist items present, as a list of ids."""
        if self.kind is not Kind.ITEMS:
            raise NoColumns(
                f"fact {self.indicator!r} is not a checklist: it is of kind {self.kind}"
            )
        return (
            pl.when(self.text == "")
            .then(pl.lit([], pl.List(pl.String)))
            .otherwise(self.text.str.split(";"))
        )


@attrs.frozen
class Below:
    """How the units of one level below each row stand on a fact: ``units`` (how many
    there are), ``known`` (how many have a value), ``total`` (the sum of the numbers)
    and ``yes`` (how many say yes)."""

    units: pl.Expr
    known: pl.Expr
    total: pl.Expr | None
    yes: pl.Expr | None
    #: the codes of the units whose flag is not yes (file order); for a yes/no fact
    lacking: pl.Expr | None = None


class Facts:
    """The facts of one run, as of one date: each indicator's values, found once."""

    def __init__(
        self,
        units: pl.DataFrame,
        facts: pl.DataFrame,
        on: date,
        indicators: Mapping[str, Indicator],
    ) -> None:
        self.units = units
        self.on = on
        self.indicators = indicators
        self._facts: pl.DataFrame | None = facts
        self._by_indicator: dict[str, pl.DataFrame] = {}
        self._empty = pl.DataFrame(
            schema={
                "period": pl.String,
                "end": pl.Date,
                "value": pl.String,
                "idx": pl.UInt32,
                "_row": pl.UInt32,
            }
        )
        self._asof: dict[str, pl.DataFrame] = {}
        self._scales: dict[str, int] = {}

    def of(self, indicator: str) -> pl.DataFrame:
        """Every value of one indicator: ``period, end, value, idx, _row`` (its place in
        the facts table, which breaks ties as the order of a file does)."""
        if self._facts is not None:  # split by indicator once, keyed by unit index
            codes = self.units.select(pl.col("code").alias("unit"), "idx")
            keyed = (
                self._facts.with_row_index("_row")
                .join(codes, on="unit", how="inner", maintain_order="left")
                .select("indicator", "period", "end", "value", "idx", "_row")
            )
            parts = keyed.partition_by("indicator", as_dict=True, include_key=False)
            self._by_indicator = {str(k[0]): v for k, v in parts.items()}
            self._facts = None
        return self._by_indicator.get(indicator, self._empty)

    def scale(self, indicator: str) -> int:
        """The most decimals any value of a numeric indicator has (its column scale)."""
        found = self._scales.get(indicator)
        if found is None:
            ind = self.indicators.get(indicator)
            numeric = ind is not None and ind.kind in (Kind.COUNT, Kind.AMOUNT, Kind.RATE)
            values = self.of(indicator)
            found = (
                int(values.select(_places(pl.col("value")).max()).item() or 0)
                if numeric and values.height
                else 0
            )
            if found > 30:
                raise OverflowError(
                    f"fact {indicator!r} has a value with {found} decimals, more than 30"
                )
            self._scales[indicator] = found
        return found

    def as_of(self, indicator: str, since: date | None = None) -> pl.DataFrame:
        """``idx, value, period`` of each unit's value as of the date; with ``since``,
        only values of periods ending on or after it (and undated ones) count."""
        key = indicator if since is None else f"{indicator}@{since.isoformat()}"
        found = self._asof.get(key)
        if found is None:
            end = pl.col("end")
            kept = end.is_null() | (end <= self.on)
            if since is not None:
                kept &= end.is_null() | (end >= since)
            values = self.of(indicator).filter(kept)
            if not values.get_column("idx").is_duplicated().any():  # one value a unit: as is
                self._asof[key] = values.select("idx", "value", "period", "end")
                return self._asof[key]
            found = (
                values.sort(
                    ["idx", "end", "_row"], descending=[False, False, True], nulls_last=False
                )
                .group_by("idx", maintain_order=True)
                .last()
                .select("idx", "value", "period", "end")
            )
            self._asof[key] = found
        return found


_FACT_SOURCES = ("value", "period")


class Frame:
    """The units a rule applies to, one row each, and the facts the rule reads.

    ``data`` holds the units' columns (``idx``, ``code``, ``name``, ``level``,
    ``parent``, ``area``, ``type``, ``ancestors``); each primitive joins the columns it
    needs and returns expressions over them. ``on`` is the assessment date.
    """

    def __init__(
        self,
        data: pl.DataFrame,
        facts: Facts,
        *,
        options: Mapping[str, object] | None = None,
        rule: Rule | None = None,
        pack: str = "",
    ) -> None:
        self.data = data
        self._facts = facts
        self.on = facts.on
        self.indicators = facts.indicators
        #: What the caller passed to the engine for the packs (e.g. ``score_table``).
        self.options: Mapping[str, object] = options or {}
        #: The id of the rule and the pack being checked (named in an ``error``
        #: finding's message).
        self.rule, self.pack = ("" if rule is None else rule.id), pack
        #: The date the rule is in force from. A value of a period that ended before it
        #: is not judged by the rule (:meth:`fact`, :meth:`inherited`, :meth:`below`).
        self.since = None if rule is None else rule.effective
        self._count = 0

    def _name(self, what: str) -> str:
        self._count += 1
        return f"_{self._count}_{what}"

    def _join(self, found: pl.DataFrame, on: str = "idx") -> dict[str, str]:
        """Join ``found`` (keyed by ``on``) to the rows; its other columns' new names."""
        names = {c: self._name(c) for c in found.columns if c != on}
        self.data = self.data.join(found.rename(names), on=on, how="left", maintain_order="left")
        return names

    def _kind(self, indicator: str) -> Kind | None:
        ind = self.indicators.get(indicator)
        return None if ind is None else ind.kind

    def fact(self, indicator: str) -> Fact:
        """The fact's value as of the assessment date."""
        names = self._join(self._facts.as_of(indicator, self.since).select("idx", *_FACT_SOURCES))
        return Fact(
            indicator, self._kind(indicator), pl.col(names["value"]), pl.col(names["period"]),
            self._facts.scale(indicator),
        )  # fmt: skip

    def fact_in(self, indicator: str, period: str | int) -> Fact:
        """The fact's value for exactly ``period`` (a year or a day)."""
        key = str(period)
        values = self._facts.of(indicator).filter(pl.col("period") == key).select("idx", "value")
        names = self._join(values)
        return Fact(
            indicator,
            self._kind(indicator),
            pl.col(names["value"]),
            lit(key),
            self._facts.scale(indicator),
        )

    def inherited(self, indicator: str) -> tuple[Fact, pl.Expr, pl.Expr]:
        """The fact from the unit itself or the nearest unit above it that has one, and
        that unit's code and name (null where none has it)."""
        found = self._facts.as_of(indicator, self.since).select("idx", "value", "period")
        units = self._facts.units.select("idx", "code", "name")
        with_code = found.join(units, on="idx").drop("idx")
        chain = (
            self.data.select(
                "idx", pl.concat_list(pl.col("code"), pl.col("ancestors")).alias("_up")
            )
            .with_columns(pl.int_ranges(pl.col("_up").list.len()).alias("_depth"))
            .explode("_up", "_depth")
        )
        nearest = (
            chain.join(with_code, left_on="_up", right_on="code", how="inner")
            .sort("idx", "_depth")
            .group_by("idx", maintain_order=True)
            .first()
            .select(
                "idx",
                "value",
                "period",
                pl.col("_up").alias("source"),
                pl.col("name").alias("source_name"),
            )
        )
        names = self._join(nearest)
        fact = Fact(
            indicator,
            self._kind(indicator),
            pl.col(names["value"]),
            pl.col(names["period"]),
            self._facts.scale(indicator),
        )
        return fact, pl.col(names["source"]), pl.col(names["source_name"])

    def below(self, indicator: str, level: Level, where: pl.Expr | None = None) -> Below:
        """How the units of ``level`` below each row (at any depth) stand on a fact;
        ``where`` keeps only some of them (an expression over the units' ``area`` and
        ``type``, e.g. rural villages that are not urban communities)."""
        units = self._facts.units
        chosen = pl.col("level") == level.value
        if where is not None:
            chosen &= where.fill_null(False)
        under = (
            units.filter(chosen)
            .sort("idx")
            .select("idx", "code", pl.col("ancestors").alias("above"))
            .explode("above")
            .drop_nulls("above")
        )
        values = self._facts.as_of(indicator, self.since).select("idx", "value")
        kind = self._kind(indicator)
        numeric = kind in (Kind.COUNT, Kind.AMOUNT, Kind.RATE)
        scale = self._facts.scale(indicator)
        aggs = [pl.len().alias("units"), pl.col("value").is_not_null().sum().alias("known")]
        if numeric:
            aggs.append(pl.col("value").cast(pl.Decimal(38, scale)).sum().alias("total"))
        if kind is Kind.FLAG:
            aggs.append((pl.col("value") == "true").sum().alias("yes"))
            aggs.append(pl.col("code").filter(pl.col("value") != "true").alias("lacking"))
        table = (
            under.join(values, on="idx", how="left", maintain_order="left")
            .group_by("above", maintain_order=True)
            .agg(aggs)
            .rename({"above": "code"})
        )
        names = self._join(table, on="code")
        count = pl.col(names["units"]).fill_null(0)
        return Below(
            units=count,
            known=pl.col(names["known"]).fill_null(0),
            total=pl.col(names["total"]) if numeric else None,
            yes=pl.col(names["yes"]).fill_null(0) if kind is Kind.FLAG else None,
            lacking=(
                pl.col(names["lacking"]).fill_null(pl.lit([], pl.List(pl.String)))
                if kind is Kind.FLAG
                else None
            ),
        )

    def earlier(self, indicator: str, fact: Fact) -> Fact:
        """The latest dated value that ends before the period of ``fact`` (any dated
        value when ``fact`` is undated); ties keep the first given."""
        values = (
            self._facts.of(indicator)
            .filter(pl.col("end").is_not_null())
            .select("idx", "value", "period", "end", "_row")
        )
        names = self._join(
            self._facts.as_of(indicator, self.since).select("idx", pl.col("end").alias("_asof_end"))
        )
        current = self.data.select("idx", pl.col(names["_asof_end"]).alias("_now"))
        before = (
            values.join(current, on="idx", how="inner")
            .filter(pl.col("_now").is_null() | (pl.col("end") < pl.col("_now")))
            .sort(["idx", "end", "_row"], descending=[False, False, True])
            .group_by("idx", maintain_order=True)
            .last()
            .select("idx", "value", "period", "end")
        )
        found = self._join(before)
        self.data = self.data.with_columns(pl.col(found["end"]).alias(found["end"]))
        return Fact(
            indicator,
            self._kind(indicator),
            pl.col(found["value"]),
            pl.col(found["period"]),
            self._facts.scale(indicator),
        )

    def column(self, expr: pl.Expr) -> pl.Expr:
        """``expr`` computed once into a column of its own (for a value used often)."""
        name = self._name("c")
        self.data = self.data.with_columns(expr.alias(name))
        return pl.col(name)

    def units_below(self, level: Level) -> pl.Expr:
        """The units of ``level`` below each row, at any depth, in file order: a list
        of ``{code, name, area, type}``."""
        units = self._facts.units
        under = (
            units.filter(pl.col("level") == level.value)
            .select("idx", "code", "name", "area", "type", pl.col("ancestors").alias("above"))
            .explode("above")
            .drop_nulls("above")
            .sort("idx")
            .group_by("above", maintain_order=True)
            .agg(pl.struct("code", "name", "area", "type").alias("units"))
            .rename({"above": "code"})
        )
        names = self._join(under, on="code")
        return pl.col(names["units"]).fill_null(pl.lit([], under.schema["units"]))

    def history_below(self, indicator: str, level: Level) -> pl.Expr:
        """Every dated value of a fact on the units of ``level`` below each row: a list
        of ``{code, period, value}`` (value as its canonical text), oldest first."""
        units = self._facts.units.filter(pl.col("level") == level.value)
        values = (
            self._facts.of(indicator)
            .filter(pl.col("end").is_not_null())
            .join(units.select("idx", "code", "ancestors"), on="idx")
            .sort("end", "_row")
            .explode("ancestors")
            .drop_nulls("ancestors")
            .group_by("ancestors", maintain_order=True)
            .agg(pl.struct("code", "period", "value").alias("history"))
            .rename({"ancestors": "code"})
        )
        names = self._join(values, on="code")
        dtype = pl.List(pl.Struct({"code": pl.String, "period": pl.String, "value": pl.String}))
        return pl.col(names["history"]).fill_null(pl.lit([], dtype))

    def apply(self, check: Callable[..., Outcome], **inputs: Fact | pl.Expr) -> dict[str, pl.Expr]:
        """The outcome columns of ``check`` called with the Python values of
        ``inputs`` — once for each distinct combination, not once per unit.

        A :class:`Fact` is given as its typed value (``int``, ``Decimal``, ``bool``,
        a ``frozenset`` of items, :class:`~minzheng.model.Scores`, text), or ``None``
        when missing; any other expression as its Python value. This is the columnar
        form of a requirement whose logic needs the values themselves (a score sheet
        against a table, a name against a unit's name): the lookups stay columns, the
        check is a plain function of values. It returns an
        :class:`~minzheng.rules.Outcome`; raising :class:`~minzheng.rules.MissingFact`
        gives ``unknown``, any other exception ``error`` — for those units only.
        """
        rows = [
            (idx, *cells) for idx, cells in self._each(inputs, lambda kw: self._cells(check, kw))
        ]
        out = pl.DataFrame(rows, schema={"idx": pl.UInt32, **OUTCOME_SCHEMA}, orient="row")
        names = self._join(out)
        return {c: pl.col(names[c]) for c in OUTCOME_SCHEMA}

    def target(
        self,
        indicator: str,
        comparator: Comparator,
        derive: Callable[..., Requirement],
        **inputs: Fact | pl.Expr,
    ) -> pl.DataFrame:
        """The target on ``indicator`` of every row: ``idx`` and the columns of
        :data:`TARGET_SCHEMA`, from ``derive`` called with the Python values of
        ``inputs`` (as :meth:`apply` gives them), once for each distinct combination.

        ``derive`` returns a :class:`~minzheng.rules.base.Requirement`. Raising
        :class:`~minzheng.rules.MissingFact` gives a target without ``required`` that
        names the missing facts; any other exception one whose basis names the error.
        """
        measure = indicator_words(self.indicators, indicator)[2]
        rows = [
            (idx, indicator, comparator.value, *cells)
            for idx, cells in self._each(inputs, lambda kw: self._target_cells(derive, kw, measure))
        ]
        return pl.DataFrame(rows, schema={"idx": pl.UInt32, **TARGET_SCHEMA}, orient="row")

    def _each(
        self, inputs: Mapping[str, Fact | pl.Expr], call: Callable[[dict[str, Any]], _T]
    ) -> list[tuple[int, _T]]:
        """``call`` of each row's input values (by name), once per distinct combination."""
        converters = [self._converter(v) for v in inputs.values()]
        exprs = [
            (v.text if isinstance(v, Fact) else v).alias(f"_in{i}")
            for i, v in enumerate(inputs.values())
        ]
        cache: dict[object, _T] = {}
        found = []
        for idx, *values in self.data.select("idx", *exprs).iter_rows():
            key = _frozen(values)
            if key not in cache:
                cache[key] = call(
                    {n: c(v) for n, c, v in zip(inputs, converters, values, strict=True)}
                )
            found.append((idx, cache[key]))
        return found

    def _converter(self, value: Fact | pl.Expr) -> Callable[[Any], Any]:
        if not isinstance(value, Fact):
            return lambda v: v
        indicator = self.indicators.get(value.indicator)
        if indicator is None:
            return lambda v: v
        from minzheng.model.values import value_of_text

        return lambda v: None if v is None else value_of_text(indicator, v)

    def _cells(
        self, check: Callable[..., Outcome], kwargs: Mapping[str, Any]
    ) -> tuple[object, ...]:
        try:
            found = check(**kwargs)
        except MissingFact as missing:
            zh, en = missing_words(self.indicators, missing.indicators, missing.period)
            return outcome_cells(
                Outcome(
                    status=Status.UNKNOWN,
                    message_zh=zh,
                    message_en=en,
                    period=missing.period,
                    missing=missing.indicators,
                )
            )
        except Exception as exc:  # one unit's failure is that unit's error finding
            zh, en = self.raised(exc)
            return outcome_cells(Outcome(status=Status.ERROR, message_zh=zh, message_en=en))
        if not isinstance(found, Outcome):
            return outcome_cells(
                Outcome(
                    status=Status.ERROR,
                    message_zh=f"规则 {self.rule}(包 {self.pack})返回了无效结果",
                    message_en=f"rule {self.rule} of pack {self.pack!r} returned "
                    f"{type(found).__name__}, not an Outcome",
                )
            )
        return outcome_cells(found)

    def _target_cells(
        self, derive: Callable[..., Requirement], kwargs: Mapping[str, Any], measure: str
    ) -> tuple[object, ...]:
        """A row of :data:`TARGET_SCHEMA` after the indicator and the comparator."""
        try:
            found = derive(**kwargs)
        except MissingFact as missing:
            zh, en = missing_words(self.indicators, missing.indicators, missing.period)
            return None, measure, zh, en, None, [], [], list(missing.indicators)
        except Exception as exc:  # one unit's failure is named in that unit's target
            zh, en = self.raised(exc)
            return None, measure, zh, en, None, [], [], []
        return (
            format_decimal(found.required),
            measure if found.measure is None else found.measure,
            found.basis_zh,
            found.basis_en,
            found.deadline,
            [{"indicator": i, "value": format_decimal(v)} for i, v in found.inputs],
            [{"year": y, "expected": format_decimal(v)} for y, v in found.trajectory],
            [],
        )

    def raised(self, exc: BaseException) -> tuple[str, str]:
        """The two messages that name an exception the rule raised, with rule and pack."""
        what = f"{type(exc).__name__}: {exc}"
        return (
            f"规则 {self.rule}(包 {self.pack})出错:{what}",
            f"rule {self.rule} of pack {self.pack!r} raised {what}",
        )

    def outcome(
        self, cases: Sequence[tuple[pl.Expr, Mapping[str, pl.Expr]]], default: Mapping[str, pl.Expr]
    ) -> pl.DataFrame:
        """The findings' columns (:data:`OUTCOME_SCHEMA`) for every row: the first case
        whose condition holds, else ``default``."""
        return outcome(self.data, cases, default)


def outcome(
    data: pl.DataFrame,
    cases: Sequence[tuple[pl.Expr, Mapping[str, pl.Expr]]],
    default: Mapping[str, pl.Expr],
) -> pl.DataFrame:
    """``idx`` and the findings' columns (:data:`OUTCOME_SCHEMA`) of every row of
    ``data``: those of the first case whose condition holds, else ``default``'s; a
    column a case does not give is null (an empty list, or ``""`` for ``measure``)."""
    columns = []
    for name, dtype in OUTCOME_SCHEMA.items():
        fallback = default.get(name)
        expr: Any = None
        for condition, values in cases:
            value = values.get(name, _empty(name, dtype))
            expr = (
                pl.when(condition).then(value) if expr is None else expr.when(condition).then(value)
            )
        base = _empty(name, dtype) if fallback is None else fallback
        expr = base if expr is None else expr.otherwise(base)
        columns.append(expr.cast(dtype).alias(name))
    return data.select("idx", *columns)


def _empty(name: str, dtype: pl.DataType) -> pl.Expr:
    """The value of a column a case does not give: an empty list, ``""`` for the
    measure, else null."""
    if name in ("missing", "details", "details_zh"):
        return pl.lit([], dtype=dtype)
    if name == "measure":
        return lit("")
    return pl.lit(None, dtype=dtype)


# ----------------------------------------------------------------------------- outcomes


def compare(
    actual: Num,
    comparator: Comparator,
    required: Num,
    what: Quantity,
    period: pl.Expr | None = None,
) -> dict[str, pl.Expr]:
    """The columns of :func:`minzheng.rules.compare`: status, messages, actual,
    required, comparator and gap (zero when met, else the distance), and ``period``
    when given. Other columns are added to the dict (``compare(…) | {"details": …}``)."""
    measure, measure_zh = what.measure, what.measure_zh
    zh_after = lit(after_number(_measure_zh(measure) if measure_zh is None else measure_zh))
    a, r = actual.text, required.text
    met = actual.cmp(comparator, required)
    gap = required.minus(actual).abs().text
    base_zh = message("finding.compare", "zh", what=what.zh, actual=a, actual_unit=zh_after,
                      comparator=COMPARATOR_ZH[comparator], required=r, required_unit=zh_after)  # fmt: skip
    base_en = message("finding.compare", "en", what=what.en, actual=a, actual_unit=after(measure, a),
                      comparator=COMPARATOR_EN[comparator], required=r, required_unit=after(measure, r))  # fmt: skip
    short_zh = message("finding.short", "zh", text=base_zh, gap=gap, gap_unit=zh_after)
    short_en = message("finding.short", "en", text=base_en, gap=gap, gap_unit=after(measure, gap))
    out = {
        "status": pl.when(met).then(lit("met")).otherwise(lit("not_met")),
        "message_zh": pl.when(met).then(base_zh).otherwise(short_zh),
        "message_en": pl.when(met).then(base_en).otherwise(short_en),
        "actual": a,
        "required": r,
        "comparator": lit(comparator.value),
        "gap": pl.when(met).then(lit("0")).otherwise(gap),
        "measure": lit(measure),
    }
    if period is not None:
        out["period"] = period
    return out


def unknown(
    indicators: Mapping[str, Indicator],
    missing: Sequence[tuple[pl.Expr, str]],
    period: str | None = None,
) -> dict[str, pl.Expr]:
    """The columns of an ``unknown`` finding naming the facts that are missing (each
    ``(is missing, indicator)``), worded as ``missing_words`` words them."""

    said = {}
    for lang in ("zh", "en"):
        names = text_list((m, _fact_name(indicators, i, lang)) for m, i in missing)
        said[lang] = _missing_words(names.list.join(text("word.list_sep", lang)), period, lang)
    return {
        "status": lit("unknown"),
        "message_zh": said["zh"],
        "message_en": said["en"],
        "period": lit(period),
        "missing": text_list((m, i) for m, i in missing),
    }


def _frozen(value: object) -> object:
    """``value`` made hashable (lists and structs of a row as tuples)."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _frozen(v)) for k, v in value.items())
    return value


def missing_words(
    indicators: Mapping[str, Indicator], missing: Sequence[str], period: str | None = None
) -> tuple[str, str]:
    """The messages of an ``unknown`` finding naming the facts that are missing."""
    said = []
    for lang in ("zh", "en"):
        names = text("word.list_sep", lang).join(_fact_name(indicators, i, lang) for i in missing)
        if period:
            key = "finding.missing_year" if len(period) == 4 else "finding.missing_day"
            names = text(key, lang, names=names, period=period)
        said.append(text("finding.missing", lang, names=names))
    return said[0], said[1]


def _fact_name(indicators: Mapping[str, Indicator], indicator: str, lang: str) -> str:
    """An indicator as an unknown finding names it: ``户籍人口(registered_population)``."""
    found = indicators.get(indicator)
    if found is None:
        return indicator
    return text("finding.missing_name", lang, name=found.name(lang), id=indicator)


def _missing_words(names: pl.Expr, period: str | None, lang: str) -> pl.Expr:
    """``missing data: …`` over the names' column, with the period when there is one."""
    if period:
        key = "finding.missing_year" if len(period) == 4 else "finding.missing_day"
        names = message(key, lang, names=names, period=period)
    return message("finding.missing", lang, names=names)


def message(key: str, lang: str, /, **fields: pl.Expr | str) -> pl.Expr:
    """Catalogue message ``key`` in ``lang`` as a text column: :func:`minzheng.i18n.text`
    over columns, each field a column or a text (null where a column is null)."""
    zh, en = CATALOGUE[key]
    parts: list[pl.Expr | str] = []
    for literal, name, _, _ in string.Formatter().parse(zh if lang == "zh" else en):
        if literal:
            parts.append(literal)
        if name is not None:
            parts.append(fields[name])
    return concat(*parts)


_NUMBER_TEXT = re.compile(r"-?\d+(\.\d+)?")


def value_cells(value: Value | None) -> tuple[str | None, bool | None, list[str] | None]:
    """A finding's actual or required value as (text, flag, items) cells."""
    if value is None:
        return None, None, None
    if isinstance(value, bool):
        return None, value, None
    if isinstance(value, frozenset):
        return None, None, sorted(value)
    if isinstance(value, int | Decimal):
        return format_decimal(value), None, None
    if isinstance(value, str):
        return value, None, None
    return json.dumps(to_plain(value), ensure_ascii=False), None, None


def cell_value(text: str | None, flag: bool | None, items: list[str] | None) -> Value | None:
    """The value of (text, flag, items) cells: a number's text as ``Decimal``."""
    if flag is not None:
        return flag
    if items is not None:
        return frozenset(items)
    if not isinstance(text, str):  # null, or a JSON value of a part that is not text
        return text
    return Decimal(text) if _NUMBER_TEXT.fullmatch(text) else text


def trajectory_cell(t: Trajectory | None) -> dict[str, Any] | None:
    """A trajectory as the ``trajectory`` struct's fields."""
    if t is None:
        return None
    return {
        "baseline_year": t.baseline_year,
        "baseline": format_decimal(t.baseline),
        "target_year": t.target_year,
        "target": format_decimal(t.target),
        "year": t.year,
        "expected": format_decimal(t.expected),
        "actual": None if t.actual is None else format_decimal(t.actual),
        "position": None if t.position is None else t.position.value,
    }


def outcome_cells(o: Outcome) -> tuple[object, ...]:
    """An :class:`~minzheng.rules.Outcome` as a row of :data:`OUTCOME_SCHEMA`."""
    return (
        o.status.value, o.message_zh, o.message_en,
        *value_cells(o.actual), *value_cells(o.required),
        None if o.comparator is None else o.comparator.value,
        None if o.gap is None else format_decimal(o.gap),
        o.measure, o.period, list(o.missing), list(o.details), list(o.details_zh),
        trajectory_cell(o.trajectory),
        json.dumps(to_plain(o.parts), ensure_ascii=False) if o.parts else None,
        o.deadline, None if o.attribute is None else o.attribute.value,
    )  # fmt: skip
