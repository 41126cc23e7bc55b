"""The Yancheng rule kinds: the indicator table, scorecards, the city timeline, coverage.

Every rule that scores reads the table in use: the one the caller passes as the
``score_table`` option (``--table FILE`` on the command line) or else the illustrative
table the pack ships (``data/table.yaml``). Nothing here depends on the table's points:
totals, the bonus, the ≥ 90 threshold, the shortfall list and the timeline work the same
on the official table.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from importlib.resources import files

import polars as pl
from attrs import field, frozen

from minzheng import (
    FACT,
    Attribute,
    Comparator,
    Level,
    MissingFact,
    Outcome,
    Part,
    Rule,
    Scores,
    Status,
    rule_kind,
)
from minzheng.model.values import format_decimal
from minzheng.rules import columns as col
from minzheng.rules.scoring import Scorecard, ScoreTable, load_score_table

__all__ = [
    "CityReviewRule",
    "DualAssessmentRule",
    "Milestone",
    "SelfAssessmentRule",
    "TableStructureRule",
    "TimelineRule",
    "default_table",
    "table_in_use",
]


@functools.cache
def default_table() -> ScoreTable:
    """The table the pack ships (illustrative points; see ``data/table.yaml``)."""
    return load_score_table(files(__package__) / "data" / "table.yaml")


def table_in_use(options: Mapping[str, object]) -> ScoreTable:
    """The ``score_table`` option when given, else the shipped table."""
    table = options.get("score_table")
    return table if isinstance(table, ScoreTable) else default_table()


def _sheet(value: object, indicator: str, year: int) -> Scores:
    """A score sheet of ``year``; :class:`MissingFact` naming the year when there is none."""
    if value is None:
        raise MissingFact(indicator, period=str(year))
    if not isinstance(value, Scores):
        raise TypeError(f"fact {indicator!r} is not a score sheet: {value!r}")
    return value


def _invalid(card: Scorecard, what_zh: str, what_en: str) -> Outcome | None:
    """An ``error`` outcome for a sheet that does not fit the table (bad input)."""
    if card.valid:
        return None
    problems = [
        f"{item.id}: {format_decimal(points)} > max {format_decimal(item.max)}"
        for item, points in card.over_max
    ]
    problems += [
        f"{item!r} is not in the table" + (f" (did you mean {guess!r}?)" if guess else "")
        for item, guess in card.unknown
    ]
    problems_zh = [
        f"{item.id}:{format_decimal(points)} 超过满分 {format_decimal(item.max)}"
        for item, points in card.over_max
    ]
    problems_zh += [
        f"“{item}”不在指标体系表中" + (f"(是否应为“{guess}”?)" if guess else "")
        for item, guess in card.unknown
    ]
    return Outcome(
        status=Status.ERROR,
        message_zh=f"{what_zh}与指标体系表不符:" + ";".join(problems_zh),
        message_en=f"the {what_en} do not fit the indicator table: " + "; ".join(problems),
        details=tuple(problems),
        details_zh=tuple(problems_zh),
    )


def _category_name(table: ScoreTable, category_id: str) -> str:
    category = table.category(category_id)
    return f"{category.name_zh} / {category.name_en}" if category else category_id


def _parts(table: ScoreTable, card: Scorecard, sheet: Scores) -> tuple[Part, ...]:
    """One part per indicator: points, maximum and shortfall (bonus noted)."""
    parts = []
    for item in table.indicators:
        points = sheet.get(item.id)
        parts.append(
            Part(
                id=item.id,
                name_zh=item.name_zh,
                name_en=item.name_en,
                actual=points,
                required=item.max,
                gap=None if points is None else max(item.max - points, Decimal(0)),
                note="bonus" if table.is_bonus(item) else ("not scored" if points is None else ""),
                group=_category_name(table, item.category),
            )
        )
    return tuple(parts)


def _decide(table: ScoreTable, card: Scorecard) -> tuple[Decimal, bool | None]:
    """(score counted, whether it reaches the threshold — ``None`` while unscored
    indicators could still carry it over)."""
    counted = card.total if table.threshold_includes_bonus else card.base
    upper = card.total_upper if table.threshold_includes_bonus else card.base_upper
    if counted >= table.threshold:
        return counted, True
    if upper < table.threshold:
        return counted, False
    return counted, None


def _category_text(card: Scorecard) -> tuple[str, str]:
    zh = ",".join(
        f"{c.name_zh} {format_decimal(p)}/{format_decimal(m)}" for c, p, m in card.by_category
    )
    en = ", ".join(
        f"{c.name_en} {format_decimal(p)}/{format_decimal(m)}" for c, p, m in card.by_category
    )
    return zh, en


@rule_kind("yancheng_table_structure")
@frozen(kw_only=True)
class TableStructureRule(Rule):
    """Y-categories, Y-six-systems, Y-five-izations, Y-four-izations: the table in use
    has the categories and indicators the seed names.

    ``categories`` must exist (and ``bonus_category`` be a bonus one); ``items`` must
    be indicators of the table — in ``category`` when one is given. Assessed on the
    city, which runs the creation work.
    """

    categories: tuple[str, ...] = ()
    bonus_category: str | None = None
    category: str | None = None
    items: tuple[str, ...] = ()

    def columns(self, frame: col.Frame) -> pl.DataFrame:
        table = table_in_use(frame.options)
        return frame.outcome([], frame.apply(lambda: self.judge(table)))

    def judge(self, table: ScoreTable) -> Outcome:
        missing: list[str] = [f"category {c}" for c in self.categories if table.category(c) is None]
        if self.bonus_category:
            bonus = table.category(self.bonus_category)
            if bonus is not None and not bonus.bonus:
                missing.append(f"category {self.bonus_category} as bonus")
        for item_id in self.items:
            item = table.item(item_id)
            if item is None or (self.category and item.category != self.category):
                missing.append(
                    f"indicator {item_id}" + (f" in {self.category}" if self.category else "")
                )
        where = f"《{table.title_zh}》" + (
            "(示意分值)" if table.illustrative and "示意" not in table.title_zh else ""
        )
        if missing:
            return Outcome(
                status=Status.NOT_MET,
                message_zh=f"{where}缺少:" + "、".join(missing),
                message_en=f"the table in use lacks: {', '.join(missing)}",
                details=tuple(missing),
            )
        found = [table.item(i) for i in self.items]
        names_zh = "、".join(i.name_zh for i in found if i) or "、".join(
            c.name_zh for c in table.categories if c.id in self.categories
        )
        return Outcome(
            status=Status.MET,
            message_zh=f"{where}包含:{names_zh}",
            message_en=f"the table in use ({table.title_en}) has them all",
        )


@rule_kind("yancheng_self_assessment")
@frozen(kw_only=True)
class SelfAssessmentRule(Rule):
    """Y-apply-threshold: the self-assessed score reaches the threshold (90) and every
    scored indicator has evidence, so the county may apply at year end.

    The score counted includes the bonus when the table says so (default), never
    replacing base points: the base total is out of the table's total, the bonus comes
    on top. Indicators the sheet does not score could still add points: the finding is
    unknown while they could carry the score over the threshold. Below it, not met;
    at or above it, met only when every indicator scored above 0 has evidence (a
    document count above 0 in ``evidence``); those without are listed.
    """

    scores: str = field(metadata=FACT)
    evidence: str = field(metadata=FACT)

    def columns(self, frame: col.Frame) -> pl.DataFrame:
        table, year = table_in_use(frame.options), frame.on.year
        return frame.outcome([], frame.apply(
            lambda sheet, evidence: self.judge(table, year, sheet, evidence),
            sheet=frame.fact_in(self.scores, year), evidence=frame.fact_in(self.evidence, year),
        ))  # fmt: skip

    def judge(self, table: ScoreTable, year: int, scores: object, evidence: object) -> Outcome:
        sheet = _sheet(scores, self.scores, year)
        card = table.score(sheet)
        invalid = _invalid(card, "自评得分", "self-assessment scores")
        if invalid:
            return invalid
        counted, reaches = _decide(table, card)
        cats_zh, cats_en = _category_text(card)
        head_zh = (
            f"{year}年自评:基础分 {format_decimal(card.base)},附加分 {format_decimal(card.bonus)},"
            f"合计 {format_decimal(card.total)}(门槛 {format_decimal(table.threshold)})"
        )
        head_en = (
            f"{year} self-assessment: {format_decimal(card.base)} base + {format_decimal(card.bonus)} bonus "
            f"= {format_decimal(card.total)} (threshold {format_decimal(table.threshold)})"
        )
        common = {
            "actual": counted,
            "required": table.threshold,
            "comparator": Comparator.GE,
            "measure": "point",
            "period": str(year),
            "parts": _parts(table, card, sheet),
        }
        if reaches is None:
            raise MissingFact(self.scores, period=str(year))
        if reaches is False:
            return Outcome(
                status=Status.NOT_MET,
                message_zh=f"{head_zh},未达到申报条件;{cats_zh}",
                message_en=f"{head_en}: may not apply; {cats_en}",
                gap=table.threshold - counted,
                details=tuple(f"not scored: {i.id}" for i in card.missing),
                details_zh=tuple(f"未评分:{i.name_zh}" for i in card.missing),
                **common,  # type: ignore[arg-type]
            )
        if evidence is None:
            raise MissingFact(self.evidence, period=str(year))
        if not isinstance(evidence, Scores):
            raise TypeError(
                f"fact {self.evidence!r} is not a sheet of document counts: {evidence!r}"
            )
        unsupported = [
            item
            for item in table.indicators
            if (sheet.get(item.id) or 0) > 0 and not (evidence.get(item.id) or 0) > 0
        ]
        if unsupported:
            return Outcome(
                status=Status.NOT_MET,
                message_zh=f"{head_zh};以下指标缺少佐证材料:"
                + "、".join(i.name_zh for i in unsupported),
                message_en=f"{head_en}; scored without evidence: "
                + ", ".join(i.id for i in unsupported),
                gap=Decimal(0),
                details=tuple(f"no evidence: {i.id}" for i in unsupported),
                details_zh=tuple(f"缺少佐证材料:{i.name_zh}" for i in unsupported),
                **common,  # type: ignore[arg-type]
            )
        return Outcome(
            status=Status.MET,
            message_zh=f"{head_zh},可于年底申报;{cats_zh}",
            message_en=f"{head_en}: may apply at year end; {cats_en}",
            gap=Decimal(0),
            **common,  # type: ignore[arg-type]
        )


@rule_kind("yancheng_city_review")
@frozen(kw_only=True)
class CityReviewRule(Rule):
    """Y-city-review: the city's review score decides.

    At or above the threshold the county is recommended to the province. Below it the
    finding is the feedback: every indicator below its maximum, largest shortfall first
    (in table order on ties), in ``details`` and ``parts``.
    """

    scores: str = field(metadata=FACT)

    def columns(self, frame: col.Frame) -> pl.DataFrame:
        table, year = table_in_use(frame.options), frame.on.year
        return frame.outcome([], frame.apply(
            lambda sheet: self.judge(table, year, sheet), sheet=frame.fact_in(self.scores, year)
        ))  # fmt: skip

    def judge(self, table: ScoreTable, year: int, scores: object) -> Outcome:
        sheet = _sheet(scores, self.scores, year)
        card = table.score(sheet)
        invalid = _invalid(card, "市局审核得分", "city review scores")
        if invalid:
            return invalid
        counted, reaches = _decide(table, card)
        if reaches is None:
            raise MissingFact(self.scores, period=str(year))
        feedback = tuple(
            f"{item.id}: {format_decimal(points)}/{format_decimal(item.max)}, short by {format_decimal(gap)}"
            for item, points, gap in card.shortfalls
        ) + tuple(f"{item.id}: not scored" for item in card.missing)
        feedback_zh = tuple(
            f"{item.name_zh}:{format_decimal(points)}/{format_decimal(item.max)},差 {format_decimal(gap)} 分"
            for item, points, gap in card.shortfalls
        ) + tuple(f"{item.name_zh}:未评分" for item in card.missing)
        head_zh = f"{year}年市局审核得分 {format_decimal(counted)}(门槛 {format_decimal(table.threshold)})"
        head_en = f"{year} city review score {format_decimal(counted)} (threshold {format_decimal(table.threshold)})"
        if reaches:
            zh, en = f"{head_zh},向省厅推荐审定", f"{head_en}: recommended to the province"
        else:
            names = "、".join(
                f"{i.name_zh}(差{format_decimal(g)}分)" for i, _, g in card.shortfalls
            )
            zh = f"{head_zh},反馈审核结果;不达标项目:{names}"
            en = f"{head_en}: feedback to the county; items short, largest first: " + ", ".join(
                f"{i.id} (-{format_decimal(g)})" for i, _, g in card.shortfalls
            )
        return Outcome(
            status=Status.MET if reaches else Status.NOT_MET,
            message_zh=zh,
            message_en=en,
            actual=counted,
            required=table.threshold,
            comparator=Comparator.GE,
            gap=max(table.threshold - counted, Decimal(0)),
            measure="point",
            period=str(year),
            details=feedback,
            details_zh=feedback_zh,
            parts=_parts(table, card, sheet),
        )


@rule_kind("yancheng_dual_assessment")
@frozen(kw_only=True)
class DualAssessmentRule(Rule):
    """Y-dual-assessment: the self score and the city's score, side by side.

    Met when both sheets exist for the year; the parts give, per indicator, the self
    score (``actual``), the city score (``required``) and self − city (``gap``, negative
    when the city scored higher).
    """

    self_scores: str = field(metadata=FACT)
    city_scores: str = field(metadata=FACT)

    def columns(self, frame: col.Frame) -> pl.DataFrame:
        table, year = table_in_use(frame.options), frame.on.year
        return frame.outcome([], frame.apply(
            lambda own, city: self.judge(table, year, own, city),
            own=frame.fact_in(self.self_scores, year), city=frame.fact_in(self.city_scores, year),
        ))  # fmt: skip

    def judge(self, table: ScoreTable, year: int, own_sheet: object, city_sheet: object) -> Outcome:
        sheets = ((self.self_scores, own_sheet), (self.city_scores, city_sheet))
        missing = [i for i, sheet in sheets if sheet is None]
        if missing:
            raise MissingFact(*missing, period=str(year))
        own, city = (
            _sheet(own_sheet, self.self_scores, year),
            _sheet(city_sheet, self.city_scores, year),
        )
        own_card, city_card = table.score(own), table.score(city)
        for card, zh, en in (
            (own_card, "自评得分", "self-assessment scores"),
            (city_card, "市局审核得分", "city review scores"),
        ):
            invalid = _invalid(card, zh, en)
            if invalid:
                return invalid
        parts = []
        for item in table.indicators:
            a, b = own.get(item.id), city.get(item.id)
            parts.append(
                Part(
                    item.id,
                    item.name_zh,
                    item.name_en,
                    actual=a,
                    required=b,
                    gap=None if a is None or b is None else a - b,
                    note="self − city",
                )
            )
        differ = [p for p in parts if p.gap]
        total_gap = own_card.total - city_card.total
        return Outcome(
            status=Status.MET,
            message_zh=f"{year}年自评 {format_decimal(own_card.total)} 分,市局评分 {format_decimal(city_card.total)} 分,"
            f"相差 {format_decimal(total_gap)} 分({len(differ)} 项指标不一致)",
            message_en=f"{year}: self {format_decimal(own_card.total)}, city {format_decimal(city_card.total)}, "
            f"difference {format_decimal(total_gap)} ({len(differ)} indicators differ)",
            actual=own_card.total,
            required=city_card.total,
            gap=total_gap,
            measure="point",
            period=str(year),
            details=tuple(f"{p.id}: self {p.actual} − city {p.required} = {p.gap}" for p in differ),
            details_zh=tuple(
                f"{p.name_zh}:自评 {p.actual} − 市局 {p.required} = {p.gap}" for p in differ
            ),
            parts=tuple(parts),
        )


@frozen
class Milestone:
    """A share of counties that must meet the standard by a date; ``attribute``
    expected for 力争 (strive to), binding for 确保 (ensure)."""

    by: date
    share: Decimal
    attribute: Attribute = Attribute.BINDING


@frozen
class _County:
    """A county under the city, with its dated score sheets (oldest first)."""

    code: str
    name: str
    sheets: tuple[tuple[str, object], ...]


@rule_kind("yancheng_timeline")
@frozen(kw_only=True)
class TimelineRule(Rule):
    """Y-timeline: the share of the city's counties that meet the standard by each date.

    A county meets the standard by a milestone when the city's review score of some year
    up to the milestone's year reaches the threshold (达到创建标准 is established through
    the city's review; a county never reviewed has not reached it). The share is of
    *all* the city's county-level units: the city's ``count`` fact when given, else the
    pack's ``declared_count`` — not of those the dataset happens to hold, so a county
    left out of the data counts as not reaching the standard. The number needed is
    rounded up (20 % of 9 counties is 2). Each milestone is reported met, not met or not
    yet due, with the counties still missing; the finding is not met when a due
    milestone is missed, and compares with the next milestone before any is due.
    """

    scores: str = field(metadata=FACT)
    milestones: tuple[Milestone, ...]
    count: str = field(metadata=FACT)
    declared_count: int | None = None

    def _met_by(self, sheets: Sequence[tuple[str, object]], table: ScoreTable, year: int) -> bool:
        for period, sheet in sheets:
            if int(period[:4]) > year or not isinstance(sheet, Scores):
                continue
            card = table.score(sheet)
            if card.valid and _decide(table, card)[1]:
                return True
        return False

    def columns(self, frame: col.Frame) -> pl.DataFrame:
        table, on = table_in_use(frame.options), frame.on
        indicator = frame.indicators.get(self.scores)
        from minzheng.model.values import value_of_text

        def judge(
            units: list[dict[str, str]], history: list[dict[str, str]], count: object
        ) -> Outcome:
            sheets: dict[str, list[tuple[str, object]]] = {}
            for h in history:
                value = h["value"] if indicator is None else value_of_text(indicator, h["value"])
                sheets.setdefault(h["code"], []).append((h["period"], value))
            counties = [
                _County(u["code"], u["name"], tuple(sheets.get(u["code"], ()))) for u in units
            ]
            return self.judge(table, on, counties, count)

        return frame.outcome([], frame.apply(
            judge, units=frame.units_below(Level.COUNTY),
            history=frame.history_below(self.scores, Level.COUNTY), count=frame.fact(self.count),
        ))  # fmt: skip

    def _total(self, given: object, present: int) -> int:
        """The city's number of county-level units (its fact, else the declared one)."""
        total = given if isinstance(given, int) else self.declared_count
        if total is None:
            raise MissingFact(self.count)
        if present > total:
            raise ValueError(
                f"the dataset has {present} county-level units under the city, "
                f"more than its {total} ({self.count})"
            )
        return total

    def _milestone(
        self, milestone: Milestone, counties: list[_County], total: int, table: ScoreTable, on: date
    ) -> tuple[int, int, list[str], Part, tuple[str, str]]:
        met = [c for c in counties if self._met_by(c.sheets, table, milestone.by.year)]
        needed = int(
            (Decimal(total) * milestone.share / 100).to_integral_value(rounding="ROUND_CEILING")
        )
        missing = [c.name for c in counties if c not in met]
        absent = total - len(counties)
        missing_zh = missing + ([f"数据中未列的 {absent} 个"] if absent > 0 else [])
        missing += [f"{absent} not in the dataset"] if absent > 0 else []
        ok = len(met) >= needed
        state = ("met" if ok else "not met") if on >= milestone.by else "not yet due"
        note = state + (f"; missing: {', '.join(missing)}" if missing and not ok else "")
        line = (
            f"by {milestone.by.isoformat()}: {len(met)}/{total} counties, {needed} needed "
            f"({format_decimal(milestone.share)}%): {note}"
        )
        state_zh = ("达标" if ok else "未达标") if on >= milestone.by else "未到期"
        line_zh = (
            f"{milestone.by.year}年底前:{len(met)}/{total} 个县(市、区),要求 {needed} 个"
            f"({format_decimal(milestone.share)}%):{state_zh}"
            + (f";尚缺:{'、'.join(missing_zh)}" if missing and not ok else "")
        )
        part = Part(
            milestone.by.isoformat(),
            f"{milestone.by.year}年底",
            f"by {milestone.by.isoformat()}",
            actual=len(met),
            required=needed,
            gap=Decimal(max(needed - len(met), 0)),
            note=note,
        )
        return len(met), needed, missing, part, (line, line_zh)

    def judge(self, table: ScoreTable, on: date, counties: list[_County], count: object) -> Outcome:
        total = self._total(count, len(counties))
        results = {m: self._milestone(m, counties, total, table, on) for m in self.milestones}
        # judged against the first missed milestone, else the latest one due, else the next
        due = [m for m in self.milestones if on >= m.by]
        missed = [m for m in due if results[m][0] < results[m][1]]
        milestone = missed[0] if missed else due[-1] if due else self.milestones[0]
        count, needed, missing, _, _ = results[milestone]
        short = count < needed
        absent = total - len(counties)
        missing_zh = [n for n in missing if not n.endswith("not in the dataset")]
        missing_zh += [f"数据中未列的 {absent} 个"] if absent else []
        return Outcome(
            status=Status.NOT_MET if short else Status.MET,
            message_zh=f"达到创建标准的县(市、区):{count}/{total};{milestone.by.year}年底要求 {needed} 个"
            + (f",尚缺:{'、'.join(missing_zh)}" if short else ""),
            message_en=f"counties meeting the standard: {count} of {total}; {needed} needed by {milestone.by.isoformat()}"
            + (f"; still missing: {', '.join(missing)}" if short else ""),
            actual=count,
            required=needed,
            comparator=Comparator.GE,
            gap=Decimal(max(needed - count, 0)),
            measure="county",
            details=tuple(r[4][0] for r in results.values()),
            details_zh=tuple(r[4][1] for r in results.values()),
            parts=tuple(r[3] for r in results.values()),
            deadline=milestone.by,
            attribute=milestone.attribute,
        )
