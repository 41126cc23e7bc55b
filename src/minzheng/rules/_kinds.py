"""The declarative rule kinds over whole columns.

Each function here is the columnar form of one kind of :mod:`minzheng.rules`: the same
statuses, numbers and messages as the kind's ``check``, for every unit of a
:class:`~minzheng.rules.columns.Frame` at once, built from the primitives of
:mod:`minzheng.rules.columns`. :meth:`minzheng.rules.Rule.columns` finds a rule's function by
its exact class, so a subclass with its own ``check`` is never given its parent's
columns by mistake.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import polars as pl

from minzheng.model import Comparator, Direction, Kind
from minzheng.model.values import after_number, format_decimal, format_quantity
from minzheng.rules.base import Quantity, trajectory
from minzheng.rules.columns import (
    COMPARATOR_EN,
    COMPARATOR_ZH,
    Fact,
    Frame,
    NoColumns,
    Num,
    after,
    compare,
    concat,
    holds,
    indicator_words,
    lit,
    message,
    text_list,
    unknown,
)

if TYPE_CHECKING:
    from minzheng.rules.kinds import (
        BracketRule,
        ChecklistRule,
        CoverageRule,
        DerivedRule,
        FlagRule,
        ObservedRule,
        ShareRule,
        ThresholdRule,
        ThresholdsRule,
        TrajectoryRule,
    )

__all__ = [
    "bracket",
    "checklist",
    "coverage",
    "coverage_cases",
    "derived",
    "flag",
    "observe",
    "share",
    "threshold",
    "thresholds",
    "trajectory_kind",
]


def threshold(rule: ThresholdRule, frame: Frame) -> pl.DataFrame:
    """``indicator comparator value``; unknown without the fact."""
    zh, en, measure, mzh = indicator_words(frame.indicators, rule.indicator)
    fact = frame.fact(rule.indicator)
    out = compare(
        fact.number(),
        rule.comparator,
        Num.const(rule.value),
        Quantity(zh, en, measure, measure_zh=mzh),
        period=fact.period,
    )
    return frame.outcome(
        [(fact.missing, unknown(frame.indicators, [(fact.missing, rule.indicator)]))], out
    )


def thresholds(rule: ThresholdsRule, frame: Frame) -> pl.DataFrame:
    """Every condition must hold: a known shortfall is not met even when another fact
    is missing; with no shortfall a missing fact is unknown."""
    facts = [frame.fact(c.indicator) for c in rule.conditions]
    parts = []
    for condition, fact in zip(rule.conditions, facts, strict=True):
        zh, en, measure, mzh = indicator_words(frame.indicators, condition.indicator)
        part = compare(
            fact.number(),
            condition.comparator,
            Num.const(condition.value),
            Quantity(zh, en, measure, measure_zh=mzh),
        )
        short = frame.column(~fact.missing & (part["status"] == "not_met"))
        parts.append((~fact.missing, short, part))
    missing = [(f.missing, c.indicator) for c, f in zip(rule.conditions, facts, strict=True)]
    any_short = pl.any_horizontal([short for _, short, _ in parts])
    any_missing = pl.any_horizontal([m for m, _ in missing])
    joined = {
        "status": pl.when(any_short).then(lit("not_met")).otherwise(lit("met")),
        "message_zh": text_list((p, part["message_zh"]) for p, _, part in parts).list.join(";"),
        "message_en": text_list((p, part["message_en"]) for p, _, part in parts).list.join("; "),
        "details": text_list((s, part["message_en"]) for _, s, part in parts),
        "details_zh": text_list((s, part["message_zh"]) for _, s, part in parts),
        "missing": text_list(missing),
    }
    return frame.outcome([(any_missing & ~any_short, unknown(frame.indicators, missing))], joined)


def _short_by(
    met: pl.Expr, said: tuple[pl.Expr, pl.Expr], gap: pl.Expr, unit: str
) -> dict[str, pl.Expr]:
    """The two messages (``said``: Chinese, English), with the shortfall where not met."""
    out = {}
    for key, lang, text_ in (("message_zh", "zh", said[0]), ("message_en", "en", said[1])):
        short = message("finding.short", lang, text=text_, gap=gap, gap_unit=unit)
        out[key] = pl.when(met).then(text_).otherwise(short)
    return out


def share(rule: ShareRule, frame: Frame) -> pl.DataFrame:
    """A share in per cent, compared exactly (``part × 100`` against ``value ×
    whole``), shown to two places rounded half to even; no share of nothing."""
    num, den = frame.fact(rule.numerator), frame.fact(rule.denominator)
    part, whole = num.number(), den.number()
    nzh, nen, _, _ = indicator_words(frame.indicators, rule.numerator)
    dzh, den_en, _, _ = indicator_words(frame.indicators, rule.denominator)
    value = Num.const(rule.value)
    lhs, rhs = part.times(Num.const(100)).value, value.times(whole).value
    met = frame.column(
        pl.when(whole.value > 0)
        .then(holds(rule.comparator, lhs, rhs))
        .otherwise(holds(rule.comparator, rhs, lhs))
    )
    shown = _hundredths(frame, part, whole)
    gap = value.minus(shown).abs().text
    pct = format_quantity(rule.value, "%")
    text = concat(shown.text, "%(", part.text, "/", whole.text, ")")
    text_en = concat(shown.text, "% (", part.text, "/", whole.text, ")")
    zh = concat(f"{nzh}占{dzh}的比例:", text, f",要求{COMPARATOR_ZH[rule.comparator]} {pct}")
    en = concat(
        f"share of {nen} in {den_en}: ",
        text_en,
        f", required {COMPARATOR_EN[rule.comparator]} {pct}",
    )
    out = {
        "status": pl.when(met).then(lit("met")).otherwise(lit("not_met")),
        **_short_by(met, (zh, en), gap, "%"),
        "actual": shown.text,
        "required": value.text,
        "comparator": lit(rule.comparator.value),
        "gap": pl.when(met).then(lit("0")).otherwise(gap),
        "measure": lit("%"),
        "period": num.period,
    }
    nothing = {
        "status": lit("not_applicable"),
        "message_zh": lit(f"{dzh}为0,无法计算比例"),
        "message_en": lit(f"{den_en} is 0: there is no share to compare"),
    }
    missing = [(num.missing, rule.numerator), (den.missing, rule.denominator)]
    absent = num.missing | den.missing
    return frame.outcome(
        [(absent, unknown(frame.indicators, missing)), (whole.value == 0, nothing)], out
    )


def _hundredths(frame: Frame, part: Num, whole: Num) -> Num:
    """``part × 100 / whole`` rounded half to even to two places (as ``Decimal``'s
    ``quantize`` rounds), from exact integer division; a zero ``whole`` gives 0."""
    scale = max(part.scale + 4, whole.scale)
    n = frame.column(part.times(Num.const(10000)).at(scale))
    w = frame.column(
        pl.when(whole.value == 0)
        .then(pl.lit(Decimal(1)))
        .otherwise(whole.value)
        .cast(pl.Decimal(38, scale))
    )
    sign = pl.when(w < 0).then(-1).otherwise(1)
    n, w = frame.column(n * sign), frame.column(w * sign)
    q = frame.column(n // w)
    r2 = (n - q * w) * 2
    odd = (q % 2) != 0
    rounded = pl.when(r2 > w).then(q + 1).when((r2 == w) & odd).then(q + 1).otherwise(q)
    whole_hundredths = Num(rounded.cast(pl.Decimal(38, 0)), 0, pl.lit(0, pl.Int32))
    return whole_hundredths.times(Num.const(Decimal("0.01")))


def derived(rule: DerivedRule, frame: Frame) -> pl.DataFrame:
    """``indicator comparator factor × base``, rounded as declared; the basis in the
    details."""
    derivation = rule.derivation
    fact, base_fact = frame.fact(rule.indicator), frame.fact(derivation.base)
    bzh, ben, bmeasure, bmzh = indicator_words(frame.indicators, derivation.base)
    base = base_fact.number()
    required = base.times(Num.const(derivation.factor)).rounded(derivation.rounding.value)
    factor = format_decimal(derivation.factor)
    rounding_zh = {"up": "，向上取整", "down": "，向下取整", "none": ""}[derivation.rounding.value]
    rounding_en = {"up": ", rounded up", "down": ", rounded down", "none": ""}[
        derivation.rounding.value
    ]
    basis = (
        concat(f"{bzh} ", base.text, after(bmzh, base.text), f" × {factor}{rounding_zh}"),
        concat(f"{ben} ", base.text, after(bmeasure, base.text), f" × {factor}{rounding_en}"),
    )
    return _against_base(frame, (fact, base_fact), rule.comparator, required, basis)


def bracket(rule: BracketRule, frame: Frame) -> pl.DataFrame:
    """The value required in the band the base falls in (below the first band: the
    first band's)."""
    fact, base_fact = frame.fact(rule.indicator), frame.fact(rule.base)
    bzh, ben, bmeasure, bmzh = indicator_words(frame.indicators, rule.base)
    base = base_fact.number()
    scale = max(Num.const(b.required).scale for b in rule.brackets)
    band = frame.column(_band(rule, base.value))
    first = len(rule.brackets) - 1

    def per_band(values: list[Any], dtype: pl.DataType) -> pl.Expr:
        expr: Any = None
        for i, v in enumerate(values):
            cond = band == i
            expr = (
                pl.when(cond).then(pl.lit(v, dtype))
                if expr is None
                else expr.when(cond).then(pl.lit(v, dtype))
            )
        return expr.otherwise(pl.lit(values[0], dtype)) if first else pl.lit(values[0], dtype)

    required = Num(
        per_band([b.required for b in rule.brackets], pl.Decimal(38, scale)),
        scale,
        per_band([Num.const(b.required).scale for b in rule.brackets], pl.Int32()),
        per_band([format_decimal(b.required) for b in rule.brackets], pl.String()),
    )
    describe = per_band([b.describe() for b in rule.brackets], pl.String())
    zh_after = after_number(bmzh)
    details = (
        concat(f"{bzh} ", base.text, f"{zh_after}:", describe),
        concat(f"{ben} ", base.text, after(bmeasure, base.text), ": ", describe),
    )
    return _against_base(frame, (fact, base_fact), rule.comparator, required, details)


def _against_base(
    frame: Frame,
    facts: tuple[Fact, Fact],
    comparator: Comparator,
    required: Num,
    detail: tuple[pl.Expr, pl.Expr],
) -> pl.DataFrame:
    """A fact compared with what is required of it given another fact (``facts``: the
    fact, then its base), the basis in the details (``detail``: Chinese, English);
    unknown, naming them, when either is missing."""
    fact, base_fact = facts
    zh, en, measure, mzh = indicator_words(frame.indicators, fact.indicator)
    out = compare(
        fact.number(),
        comparator,
        required,
        Quantity(zh, en, measure, measure_zh=mzh),
        period=fact.period,
    ) | {"details_zh": pl.concat_list(detail[0]), "details": pl.concat_list(detail[1])}
    missing = [(fact.missing, fact.indicator), (base_fact.missing, base_fact.indicator)]
    gone = fact.missing | base_fact.missing
    return frame.outcome([(gone, unknown(frame.indicators, missing))], out)


def _band(rule: BracketRule, base: pl.Expr) -> pl.Expr:
    """The index of the first band that holds ``base`` (0 when none does)."""
    expr: Any = None
    for i, b in enumerate(rule.brackets):
        inside = pl.lit(True)
        if b.lower is not None:
            low = pl.lit(b.lower)
            inside = inside & ((base >= low) if b.lower_inclusive else (base > low))
        if b.upper is not None:
            high = pl.lit(b.upper)
            inside = inside & ((base <= high) if b.upper_inclusive else (base < high))
        expr = pl.when(inside).then(i) if expr is None else expr.when(inside).then(i)
    band: pl.Expr = expr.otherwise(0)
    return band


def checklist(rule: ChecklistRule, frame: Frame) -> pl.DataFrame:
    """Every listed item present; the finding lists the missing ones."""
    ind = frame.indicators.get(rule.indicator)
    if ind is None or ind.kind is not Kind.ITEMS:
        raise NoColumns(f"fact {rule.indicator!r} is not a declared checklist")
    fact = frame.fact(rule.indicator)
    present = frame.column(fact.items())
    wanted = rule.items or tuple(i.id for i in ind.items)
    has = [(item, frame.column(present.list.contains(item))) for item in wanted]

    def name(item: str, lang: str) -> str:
        found = ind.item(item)
        return item if found is None else (found.name_zh if lang == "zh" else found.name_en)

    lacking = text_list((~h, item) for item, h in has)
    zh_list = text_list((~h, name(item, "zh")) for item, h in has).list.join("、")
    en_list = text_list((~h, name(item, "en")) for item, h in has).list.join(", ")
    short = pl.sum_horizontal([(~h).cast(pl.Int32) for _, h in has])
    have = (len(wanted) - short).cast(pl.String)
    total = len(wanted)
    out = {
        "status": pl.when(short > 0).then(lit("not_met")).otherwise(lit("met")),
        "message_zh": pl.when(short > 0)
        .then(concat(f"{ind.name_zh}:", have, f"/{total} 项具备,缺少:", zh_list))
        .otherwise(lit(f"{ind.name_zh}:{total} 项全部具备")),
        "message_en": pl.when(short > 0)
        .then(concat(f"{ind.name_en}: ", have, f" of {total} present; missing: ", en_list))
        .otherwise(lit(f"{ind.name_en}: all {total} present")),
        "actual_items": text_list((h, item) for item, h in sorted(has, key=lambda x: x[0])),
        "required_items": pl.lit(sorted(set(wanted)), dtype=pl.List(pl.String)),
        "gap": short.cast(pl.String),
        "measure": lit("item"),
        "period": fact.period,
        "details": lacking,
        "details_zh": text_list((~h, name(item, "zh")) for item, h in has),
    }
    return frame.outcome(
        [(fact.missing, unknown(frame.indicators, [(fact.missing, rule.indicator)]))], out
    )


def flag(rule: FlagRule, frame: Frame) -> pl.DataFrame:
    """A yes/no fact that must be as expected; ``annual``: the assessment year's own."""
    year = str(frame.on.year)
    fact = frame.fact_in(rule.indicator, year) if rule.annual else frame.fact(rule.indicator)
    value = fact.flag()
    zh, en, _, _ = indicator_words(frame.indicators, rule.indicator)
    met = value == rule.expected
    want_zh, want_en = ("是", "yes") if rule.expected else ("否", "no")
    said_zh = pl.when(value).then(lit("是")).otherwise(lit("否"))
    said_en = pl.when(value).then(lit("yes")).otherwise(lit("no"))
    out = {
        "status": pl.when(met).then(lit("met")).otherwise(lit("not_met")),
        "message_zh": pl.when(met)
        .then(concat(f"{zh}:", said_zh))
        .otherwise(concat(f"{zh}:", said_zh, f",要求:{want_zh}")),
        "message_en": pl.when(met)
        .then(concat(f"{en}: ", said_en))
        .otherwise(concat(f"{en}: ", said_en, f", required: {want_en}")),
        "actual_flag": value,
        "required_flag": pl.lit(rule.expected),
        "comparator": lit("=="),
        "period": lit(year) if rule.annual else fact.period,
    }
    gone = unknown(
        frame.indicators, [(fact.missing, rule.indicator)], year if rule.annual else None
    )
    return frame.outcome([(fact.missing, gone)], out)


_POSITION = {
    "behind": ("落后于进度", "behind the trajectory"),
    "on_track": ("符合进度", "on track"),
    "ahead": ("快于进度", "ahead of the trajectory"),
}


def trajectory_kind(rule: TrajectoryRule, frame: Frame) -> pl.DataFrame:
    """The latest value against the final target, and against the straight line from
    baseline to target in the value's year (behind, on track, ahead)."""
    fact = frame.fact(rule.indicator)
    actual = fact.number()
    zh, en, measure, mzh = indicator_words(frame.indicators, rule.indicator)
    year = frame.column(
        pl.when(fact.period.is_null())
        .then(pl.lit(frame.on.year))
        .otherwise(fact.period.str.head(4).cast(pl.Int32))
        .cast(pl.Int32)
    )
    span = rule.target_year - rule.baseline_year
    years = [y for y in frame.data.select(year.unique()).to_series().to_list() if y is not None]
    lines = {y: _line(rule, y, measure, mzh) for y in years}
    scale = max([0, *(Num.const(r).scale for _, _, _, r in lines.values())])
    table = pl.DataFrame(
        {
            "_year": pl.Series(years, dtype=pl.Int32),
            "expected": [e for e, _, _, _ in lines.values()],
            "shown_zh": [z for _, z, _, _ in lines.values()],
            "shown_en": [s for _, _, s, _ in lines.values()],
            "line": pl.Series([r for _, _, _, r in lines.values()], dtype=pl.Decimal(38, scale)),
        }
    )
    frame.data = frame.data.with_columns(year.alias("_year"))
    names = frame._join(table, on="_year")
    diff = actual.times(Num.const(span)).value - pl.col(names["line"])
    if rule.direction is Direction.LOWER:
        diff = -diff
    position = frame.column(
        pl.when(diff == 0)
        .then(lit("on_track"))
        .when(diff > 0)
        .then(lit("ahead"))
        .otherwise(lit("behind"))
    )
    words_zh = position.replace_strict(
        {k: v[0] for k, v in _POSITION.items()}, return_dtype=pl.String
    )
    words_en = position.replace_strict(
        {k: v[1] for k, v in _POSITION.items()}, return_dtype=pl.String
    )
    out = compare(
        actual,
        rule.comparator,
        Num.const(rule.target),
        Quantity(zh, en, measure, measure_zh=mzh),
        period=fact.period,
    )
    year_text = year.cast(pl.String)
    out["message_zh"] = concat(
        out["message_zh"], ";", year_text, "年进度值 ", pl.col(names["shown_zh"]), ",", words_zh
    )
    out["message_en"] = concat(
        out["message_en"],
        "; expected ",
        pl.col(names["shown_en"]),
        " in ",
        year_text,
        ", ",
        words_en,
    )
    out["trajectory"] = pl.struct(
        pl.lit(rule.baseline_year, pl.Int32).alias("baseline_year"),
        lit(format_decimal(rule.baseline)).alias("baseline"),
        pl.lit(rule.target_year, pl.Int32).alias("target_year"),
        lit(format_decimal(rule.target)).alias("target"),
        year.alias("year"),
        pl.col(names["expected"]).alias("expected"),
        actual.text.alias("actual"),
        position.alias("position"),
    )
    return frame.outcome(
        [(fact.missing, unknown(frame.indicators, [(fact.missing, rule.indicator)]))], out
    )


def _line(rule: TrajectoryRule, year: int, measure: str, mzh: str) -> tuple[str, str, str, Decimal]:
    """For ``year``: the expected value's text, as the messages show it in Chinese and
    in English, and ``span ×`` the line's exact value (to compare against)."""
    line = trajectory((rule.baseline_year, rule.baseline), (rule.target_year, rule.target), year, None, rule.direction)  # fmt: skip
    span = rule.target_year - rule.baseline_year
    step = min(max(year - rule.baseline_year, 0), span)
    exact = rule.baseline * span + (rule.target - rule.baseline) * step
    shown = format_quantity(line.expected, mzh), format_quantity(line.expected, measure)
    return format_decimal(line.expected), *shown, exact


def observe(rule: ObservedRule, frame: Frame) -> pl.DataFrame:
    """A plan indicator with no number: its value, and the change from the value
    before it (or the plan's baseline); not applicable."""
    fact = frame.fact(rule.indicator)
    value = fact.number()
    zh, en, measure, mzh = indicator_words(frame.indicators, rule.indicator)
    prior = frame.earlier(rule.indicator, fact)
    prior_value = prior.number()
    period = fact.period
    when_zh = (
        pl.when(period.is_null())
        .then(lit(""))
        .when(period.str.len_bytes() == 4)
        .then(concat(period, "年"))
        .otherwise(period)
    )
    text_zh = concat(f"{zh}:", when_zh, " ", value.text, after(mzh, value.text))
    text_en = concat(
        f"{en}: ",
        value.text,
        after(measure, value.text),
        pl.when(period.is_null()).then(lit("")).otherwise(concat(" in ", period)),
    )
    use_baseline = pl.lit(False)
    before_period, before = prior.period, prior_value
    if rule.baseline_year is not None and rule.baseline is not None:
        base = Num.const(rule.baseline)
        # the plan's own figure counts when it is later than every value given (a
        # value for the same day comes first, as in ObservedRule.check)
        later = pl.lit(date(rule.baseline_year, 12, 31)) > _end(prior.period)
        applies = period.is_null() | (
            pl.lit(rule.baseline_year) < period.str.head(4).cast(pl.Int32)
        )
        use_baseline = frame.column(applies & (prior.missing | later))
        scale = max(base.scale, prior_value.scale)
        before = Num(
            pl.when(use_baseline).then(base.at(scale)).otherwise(prior_value.at(scale)),
            scale,
            pl.when(use_baseline).then(base.places).otherwise(prior_value.places),
        )
        before_period = (
            pl.when(use_baseline).then(lit(str(rule.baseline_year))).otherwise(prior.period)
        )
    has_before = before_period.is_not_null()
    change = value.minus(before)
    sign = pl.when(change.value > 0).then(lit("+")).otherwise(lit(""))
    trend_zh = (
        pl.when(change.value > 0)
        .then(lit("上升"))
        .when(change.value < 0)
        .then(lit("下降"))
        .otherwise(lit("持平"))
    )
    trend_en = (
        pl.when(change.value > 0)
        .then(lit("up"))
        .when(change.value < 0)
        .then(lit("down"))
        .otherwise(lit("unchanged"))
    )
    with_zh = concat(text_zh, "(较", before_period, "年 ", sign, change.text, ",", trend_zh, ")")
    with_en = concat(
        text_en, " (", trend_en, ", ", sign, change.text, " since ", before_period, ")"
    )
    out = {
        "status": lit("not_applicable"),
        "message_zh": concat(
            pl.when(has_before).then(with_zh).otherwise(text_zh), ";规划未设定目标值"
        ),
        "message_en": concat(
            pl.when(has_before).then(with_en).otherwise(text_en), "; the plan sets no number"
        ),
        "actual": value.text,
        "measure": lit(measure),
        "period": period,
    }
    return frame.outcome(
        [(fact.missing, unknown(frame.indicators, [(fact.missing, rule.indicator)]))], out
    )


def _end(period: pl.Expr) -> pl.Expr:
    """The last day of a period column (a year's 31 December)."""
    day = pl.when(period.str.len_bytes() == 4).then(concat(period, "-12-31")).otherwise(period)
    return day.str.to_date("%Y-%m-%d")


def _whole(count: pl.Expr) -> Num:
    """A count column as an exact whole number."""
    return Num(count.cast(pl.Decimal(38, 0)), 0, pl.lit(0, pl.Int32))


def _covered(rule: CoverageRule, frame: Frame, have: Num, count: Num) -> dict[str, pl.Expr]:
    """The outcome of ``have`` units of ``count`` with the flag (:meth:`CoverageRule.counts`)."""
    value = Num.const(rule.value)
    shown = _hundredths(frame, have, count)
    met = frame.column(have.times(Num.const(100)).value >= value.times(count).value)
    gap = value.minus(shown).text
    pct = format_decimal(rule.value)
    what_zh, what_en = rule.what_zh or rule.title_zh, rule.what_en or rule.title_en
    zh = concat(f"{what_zh}:", have.text, "/", count.text, "(", shown.text, f"%),要求不少于 {pct}%")
    en = concat(
        f"{what_en}: ", have.text, " of ", count.text, " (", shown.text,
        f"%), required at least {pct}%",
    )  # fmt: skip
    return {
        "status": pl.when(met).then(lit("met")).otherwise(lit("not_met")),
        **_short_by(met, (zh, en), gap, "%"),
        "actual": shown.text,
        "required": value.text,
        "comparator": lit(">="),
        "gap": pl.when(met).then(lit("0")).otherwise(gap),
        "measure": lit("%"),
    }


def coverage_cases(
    rule: CoverageRule, frame: Frame
) -> tuple[list[tuple[pl.Expr, Mapping[str, pl.Expr]]], dict[str, pl.Expr]]:
    """The cases of :class:`~minzheng.rules.CoverageRule` (for kinds built on it): the
    unit's own share, its own counts, else the units below."""
    what_zh, what_en = rule.what_zh or rule.title_zh, rule.what_en or rule.title_en
    cases: list[tuple[pl.Expr, Mapping[str, pl.Expr]]] = []
    if rule.rate:
        rate = frame.fact(rule.rate)
        given = compare(
            rate.number(),
            Comparator.GE,
            Num.const(rule.value),
            Quantity(what_zh, what_en, "%"),
            period=rate.period,
        )
        cases.append((~rate.missing, given))
    if rule.total and rule.covered:
        total, covered = frame.fact(rule.total), frame.fact(rule.covered)
        both = ~total.missing & ~covered.missing
        t, c = total.number(), covered.number()
        what = concat(f"{rule.covered} (", c.text, f") exceeds {rule.total} (", t.text, ")")
        error = {
            "status": lit("error"),
            "message_zh": concat(f"规则 {frame.rule}(包 {frame.pack})出错:ValueError: ", what),
            "message_en": concat(f"rule {frame.rule} of pack {frame.pack!r} raised ValueError: ", what),
        }  # fmt: skip
        none = {
            "status": lit("not_applicable"),
            "message_zh": lit(f"{what_zh}:无{rule.below.zh}"),
            "message_en": lit(f"{what_en}: no units of level {rule.below.value}"),
        }
        cases += [
            (both & (c.value > t.value), error),
            (both & (t.value == 0), none),
            (both, _covered(rule, frame, c, t)),
        ]
    where = pl.lit(True)
    if rule.below_area is not None:
        where &= pl.col("area") == rule.below_area.value
    if rule.below_except:
        where &= ~pl.col("type").is_in(list(rule.below_except)).fill_null(False)
    below = frame.below(rule.flag, rule.below, where)
    if below.yes is None or below.lacking is None:
        raise NoColumns(f"fact {rule.flag!r} is not yes/no")
    own = rule.own()
    cases += [
        (below.units == 0, unknown(frame.indicators, [(pl.lit(True), i) for i in own])),
        (
            below.known < below.units,
            unknown(frame.indicators, [(pl.lit(True), i) for i in (*own, rule.flag)]),
        ),
    ]
    default = _covered(rule, frame, _whole(below.yes), _whole(below.units))
    default["details"] = default["details_zh"] = below.lacking  # unit codes
    return cases, default


def coverage(rule: CoverageRule, frame: Frame) -> pl.DataFrame:
    """The share of the units below with a flag (see :class:`~minzheng.rules.CoverageRule`)."""
    return frame.outcome(*coverage_cases(rule, frame))
