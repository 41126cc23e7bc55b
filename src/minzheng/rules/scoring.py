"""Scoring tables (指标体系表) and scorecards.

Some documents assess a unit by points: an indicator table with categories, indicators
and their maximum points, a threshold (e.g. 90 of 100), and bonus points on top. A
:class:`ScoreTable` holds such a table; :meth:`ScoreTable.score` turns a score sheet
(:class:`~minzheng.model.Scores`) into a :class:`Scorecard`.

A table file (YAML or JSON) has this form::

    table:
      title_zh: 现代民政示范县(市、区)指标体系表
      title_en: Modern civil-affairs demonstration county indicator table
      illustrative: true          # the points are not the official ones
      total: 100                  # what the points of the non-bonus categories add up to
      threshold: 90
      threshold_includes_bonus: true
      categories:
        - {id: business, name_zh: 民政业务类指标, name_en: civil-affairs business}
        - {id: bonus, name_zh: 附加类指标, name_en: bonus, bonus: true}
      indicators:
        - {id: social_assistance, category: business, name_zh: 城乡社会救助体系, name_en: social assistance, max: 8}

:func:`load_score_table` checks that every indicator belongs to a category, that ids are
used once, that every maximum is positive and that the non-bonus points add up to
``total``; every problem is reported at once, naming the file, the indicator and the
field.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from importlib.resources.abc import Traversable
from pathlib import Path

from attrs import evolve, field, frozen

from minzheng.errors import InputError, Problem
from minzheng.i18n import Msg, msg
from minzheng.io.converter import describe_error, structure
from minzheng.io.files import read_structured
from minzheng.model import InvalidField, Scores
from minzheng.model.values import closest, format_decimal

__all__ = ["Category", "ScoreTable", "Scorecard", "ScoredItem", "load_score_table"]


@frozen
class Category:
    """A category of a scoring table; a ``bonus`` category's points come on top."""

    id: str
    name_zh: str
    name_en: str
    bonus: bool = False


def _check_positive(instance: object, attribute: object, value: Decimal) -> None:
    if value <= 0:
        raise InvalidField("max", msg("expected.max_points"), value)


@frozen
class ScoredItem:
    """An indicator of a scoring table, in a category, with its maximum points."""

    id: str
    category: str
    name_zh: str
    name_en: str
    max: Decimal = field(validator=_check_positive)

    def name(self, lang: str = "en") -> str:
        return self.name_zh if lang == "zh" else self.name_en


@frozen
class Scorecard:
    """A score sheet scored against a table.

    ``base`` is the sum over the non-bonus categories, ``bonus`` over the bonus ones,
    ``total`` both. ``missing`` are the table's indicators the sheet does not score: they
    might still add points, so ``base_upper``/``total_upper`` give the most the sheet
    could reach. ``shortfalls`` lists ``(item, points, gap)`` for every scored
    non-bonus indicator below its maximum, largest gap first (table order on ties).
    ``over_max`` and ``unknown`` list items scored above their maximum or not in the
    table: such a sheet is not valid.
    """

    base: Decimal
    bonus: Decimal
    missing: tuple[ScoredItem, ...]
    shortfalls: tuple[tuple[ScoredItem, Decimal, Decimal], ...]
    by_category: tuple[tuple[Category, Decimal, Decimal], ...]
    over_max: tuple[tuple[ScoredItem, Decimal], ...] = ()
    unknown: tuple[tuple[str, str | None], ...] = ()  #: (item, closest known id)
    missing_max: Decimal = Decimal(0)
    missing_bonus_max: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.base + self.bonus

    @property
    def base_upper(self) -> Decimal:
        return self.base + self.missing_max

    @property
    def total_upper(self) -> Decimal:
        return self.total + self.missing_max + self.missing_bonus_max

    @property
    def valid(self) -> bool:
        return not self.over_max and not self.unknown


@frozen
class ScoreTable:
    """An indicator table with points (see the module docstring for its file form)."""

    title_zh: str
    title_en: str
    categories: tuple[Category, ...]
    indicators: tuple[ScoredItem, ...]
    total: Decimal = Decimal(100)
    threshold: Decimal = Decimal(90)
    threshold_includes_bonus: bool = True
    illustrative: bool = False
    note: str = ""
    source: str = field(default="", eq=False)

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def item(self, item_id: str) -> ScoredItem | None:
        return next((i for i in self.indicators if i.id == item_id), None)

    def is_bonus(self, item: ScoredItem) -> bool:
        category = self.category(item.category)
        return bool(category and category.bonus)

    def problems(self) -> list[tuple[str | None, str | None, Msg, str | Msg]]:
        """What is wrong with the table: ``(indicator, field, expected, found)`` each."""
        found: list[tuple[str | None, str | None, Msg, str | Msg]] = []
        cat_ids = [c.id for c in self.categories]
        for repeated in sorted({c for c in cat_ids if cat_ids.count(c) > 1}):
            found.append((repeated, "id", msg("expected.category_once"), msg("found.repeat")))
        ids = [i.id for i in self.indicators]
        for repeated in sorted({i for i in ids if ids.count(i) > 1}):
            found.append((repeated, "id", msg("expected.indicator_once"), msg("found.repeat")))
        for item in self.indicators:
            if item.category not in cat_ids:
                guess = closest(item.category, cat_ids)
                written = repr(item.category)
                hint = msg("problem.hint", text=written, hint=msg("hint.did_you_mean", guess=guess))
                found.append(
                    (
                        item.id,
                        "category",
                        msg("expected.one_category", categories=", ".join(cat_ids)),
                        hint if guess else written,
                    )
                )
        for category in self.categories:
            if not any(i.category == category.id for i in self.indicators):
                found.append(
                    (category.id, "indicators", msg("expected.category_filled"), msg("found.none"))
                )
        base = sum((i.max for i in self.indicators if not self.is_bonus(i)), Decimal(0))
        if base != self.total:
            found.append(
                (
                    None,
                    "max",
                    msg("expected.points_total", total=format_decimal(self.total)),
                    format_decimal(base),
                )
            )
        if not 0 < self.threshold <= self.total:
            found.append(
                (
                    None,
                    "threshold",
                    msg("expected.threshold_range", total=format_decimal(self.total)),
                    format_decimal(self.threshold),
                )
            )
        return found

    def score(self, sheet: Scores) -> Scorecard:
        """Score a sheet: totals, shortfalls, unscored, over-maximum and unknown items."""
        points = sheet.as_dict()
        known = {i.id for i in self.indicators}
        unknown = tuple((k, closest(k, known)) for k in points if k not in known)
        base = bonus = missing_max = missing_bonus = Decimal(0)
        missing: list[ScoredItem] = []
        shortfalls: list[tuple[ScoredItem, Decimal, Decimal]] = []
        over: list[tuple[ScoredItem, Decimal]] = []
        by_category: dict[str, list[Decimal]] = {
            c.id: [Decimal(0), Decimal(0)] for c in self.categories
        }
        for item in self.indicators:
            is_bonus = self.is_bonus(item)
            by_category[item.category][1] += item.max
            value = points.get(item.id)
            if value is None:
                missing.append(item)
                if is_bonus:
                    missing_bonus += item.max
                else:
                    missing_max += item.max
                continue
            if value > item.max:
                over.append((item, value))
            by_category[item.category][0] += value
            if is_bonus:
                bonus += value
            else:
                base += value
                if value < item.max:
                    shortfalls.append((item, value, item.max - value))
        order = {i.id: n for n, i in enumerate(self.indicators)}
        shortfalls.sort(key=lambda s: (-s[2], order[s[0].id]))
        return Scorecard(
            base=base,
            bonus=bonus,
            missing=tuple(missing),
            shortfalls=tuple(shortfalls),
            by_category=tuple((c, *by_category[c.id]) for c in self.categories),  # type: ignore[misc]
            over_max=tuple(over),
            unknown=unknown,
            missing_max=missing_max,
            missing_bonus_max=missing_bonus,
        )


def load_score_table(source: Path | Traversable | str) -> ScoreTable:
    """Read and validate a scoring table file (YAML or JSON)."""
    path = Path(source) if isinstance(source, str) else source
    label = str(path)
    data = read_structured(path)
    raw = data.get("table") if isinstance(data, Mapping) else None
    if not isinstance(raw, Mapping):
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    "table",
                    msg("expected.mapping_under", key="table"),
                    type(data).__name__,
                )
            ]
        )
    try:
        table = structure(dict(raw), ScoreTable)
    except Exception as exc:
        raise InputError(
            [
                Problem(label, None, fld, expected, found, subject="indicator")
                for fld, expected, found in describe_error(exc, raw)
            ]
        ) from None
    problems = [
        Problem(label, item, fld, expected, found, subject="indicator")
        for item, fld, expected, found in table.problems()
    ]
    if problems:
        raise InputError(problems)
    return evolve(table, source=label)
