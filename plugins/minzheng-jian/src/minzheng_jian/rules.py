"""The Ji'an rules that the core's declarative kinds do not cover.

Each class is a rule *kind*, registered under the name ``data/rules.yaml`` uses: its
numbers (ratios, floors, shares) and the facts it reads are fields filled from that
file, so a revision of the document is a change of data. The clause each one encodes
is cited there; the readings are in the pack's README.

Every kind is checked over columns (:meth:`~minzheng.Rule.columns`): the facts are
looked up for all units at once, and a kind whose judgement needs the values
themselves (two staffing ratios, a year's budget line against last year's transfers)
calls a plain function of those values once per distinct combination
(:meth:`~minzheng.rules.columns.Frame.apply`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import attrs
import polars as pl
from attrs import field, frozen

from minzheng import (
    FACT,
    Comparator,
    MissingFact,
    Outcome,
    Part,
    Quantity,
    Rule,
    Status,
    compare,
    rule_kind,
)
from minzheng.model.values import format_decimal
from minzheng.rules import Requirement
from minzheng.rules import columns as col

__all__ = [
    "AnnualTrainingRule",
    "BudgetShareRule",
    "HiringRule",
    "HomeStaffRule",
    "OfficeNameRule",
    "PayFloorRule",
    "PerCapitaFundingRule",
]


def _number(value: object, indicator: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"fact {indicator!r} is not a number: {value!r}")
    return Decimal(value)


def _present(**values: object) -> None:
    """Raise :class:`MissingFact` naming every fact (by its indicator) that is ``None``."""
    missing = [indicator for indicator, value in values.items() if value is None]
    if missing:
        raise MissingFact(*missing)


_FEN = Decimal("0.01")


def _money(amount: Decimal) -> Decimal:
    """An amount of money, exact: trailing zeros past the fen dropped (3046800.00000 →
    3046800.00), never a significant digit (2469135.78024 stays as it is)."""
    trimmed = amount.normalize()
    return trimmed if trimmed.as_tuple().exponent < -2 else amount.quantize(_FEN)  # type: ignore[operator]


def _ceil_div(amount: Decimal, per: int) -> Decimal:
    """People needed at one per ``per``: a headcount from a ratio rounds up."""
    return (amount / per).to_integral_value(rounding="ROUND_CEILING")


@rule_kind("jian_office_name")
@frozen(kw_only=True)
class OfficeNameRule(Rule):
    """J-office-name: the township has an office named "<township name>民政所".

    The standard form "XX乡(镇)街道民政所" is read as the township's (or street's) own
    name followed by ``suffix``: 永和镇 → 永和镇民政所, 鹭洲街道 → 鹭洲街道民政所.
    ``has_office: no`` is not met outright; otherwise the name decides.
    """

    has_office: str = field(default="has_civil_affairs_office", metadata=FACT)
    office_name: str = field(default="office_name", metadata=FACT)
    suffix: str = "民政所"

    def judge(self, unit: str, has: object, name: object, period: str | None) -> Outcome:
        expected = f"{unit}{self.suffix}"
        if has is False:
            return Outcome(
                status=Status.NOT_MET,
                message_zh="未设立民政机构",
                message_en="no civil-affairs office has been set up",
                actual=False,
                required=expected,
                comparator=Comparator.EQ,
            )
        if name is None:
            raise MissingFact(self.office_name)
        met = name == expected
        return Outcome(
            status=Status.MET if met else Status.NOT_MET,
            message_zh=f"民政所名称:{name}" + ("" if met else f",应为:{expected}"),
            message_en=f"office name: {name}"
            + ("" if met else f"; the standard name is {expected}"),
            actual=str(name),
            required=expected,
            comparator=Comparator.EQ,
            period=period,
        )

    def columns(self, frame: col.Frame) -> pl.DataFrame:
        has, name = frame.fact(self.has_office), frame.fact(self.office_name)
        return frame.outcome(
            [],
            frame.apply(
                lambda unit, has, name, period: self.judge(unit, has, name, period),
                unit=pl.col("name"), has=has, name=name, period=name.period,
            ),
        )  # fmt: skip


@rule_kind("jian_home_staff")
@frozen(kw_only=True)
class HomeStaffRule(Rule):
    """J-home-staff: workers 1:10 supported residents and carers 1:4 disabled elderly.

    Read as two separate requirements on two separate counts ("分别配齐工作人员和护理
    人员"): workers ≥ ⌈supported residents ÷ 10⌉ and carers ≥ ⌈disabled elderly ÷ 4⌉.
    The two are reported separately, never summed: the finding is met only when both
    hold, its parts give each requirement (actual, required, gap) and its details name
    each shortfall.
    """

    workers: str = field(default="home_workers", metadata=FACT)
    residents: str = field(default="supported_residents", metadata=FACT)
    carers: str = field(default="home_carers", metadata=FACT)
    disabled: str = field(default="disabled_elderly", metadata=FACT)
    residents_per_worker: int
    disabled_per_carer: int

    def _required(self, residents: object, disabled: object) -> tuple[Decimal, Decimal]:
        _present(**{self.residents: residents, self.disabled: disabled})
        return (
            _ceil_div(_number(residents, self.residents), self.residents_per_worker),
            _ceil_div(_number(disabled, self.disabled), self.disabled_per_carer),
        )

    def judge(
        self, workers: object, carers: object, residents: object, disabled: object
    ) -> Outcome:
        _present(**{self.workers: workers, self.carers: carers})
        need_workers, need_carers = self._required(residents, disabled)
        w = compare(
            _number(workers, self.workers),
            Comparator.GE,
            need_workers,
            Quantity("工作人员", "workers", "person"),
        )
        c = compare(
            _number(carers, self.carers),
            Comparator.GE,
            need_carers,
            Quantity("护理人员", "carers", "person"),
        )
        short = [o for o in (w, c) if o.status is Status.NOT_MET]
        return Outcome(
            status=Status.NOT_MET if short else Status.MET,
            message_zh=f"{w.message_zh};{c.message_zh}",
            message_en=f"{w.message_en}; {c.message_en}",
            measure="person",
            details=tuple(o.message_en for o in short),
            details_zh=tuple(o.message_zh for o in short),
            parts=(
                _staff_part(self.workers, "工作人员", "workers", w),
                _staff_part(self.carers, "护理人员", "carers", c),
            ),
        )

    def columns(self, frame: col.Frame) -> pl.DataFrame:
        facts = [frame.fact(i) for i in (self.workers, self.carers, self.residents, self.disabled)]
        return frame.outcome([], frame.apply(self.judge, **dict(zip(
            ("workers", "carers", "residents", "disabled"), facts, strict=True))))  # fmt: skip

    def targets(self, frame: col.Frame) -> Iterable[pl.DataFrame]:
        """Two targets: workers from the supported residents, carers from the disabled
        elderly (each ÷ its ratio, rounded up)."""
        for staff, base, per, words in (
            (self.workers, self.residents, self.residents_per_worker, ("供养对象", "supported residents")),
            (self.carers, self.disabled, self.disabled_per_carer, ("失能老人", "disabled elderly")),
        ):  # fmt: skip
            derive = functools.partial(self._needed, base, per, words)
            yield frame.target(staff, Comparator.GE, derive, value=frame.fact(base))

    def _needed(self, base: str, per: int, words: tuple[str, str], value: object) -> Requirement:
        """The staff needed at one per ``per`` of the ``base`` count (named by ``words``,
        zh and en): rounded up."""
        if value is None:
            raise MissingFact(base)
        count = _number(value, base)
        return Requirement(
            required=_ceil_div(count, per),
            basis_zh=f"{words[0]} {count} 人 ÷ {per},向上取整",
            basis_en=f"{words[1]} {count} ÷ {per}, rounded up",
            inputs=((base, count),),
            measure="person",
        )


def _staff_part(indicator: str, name_zh: str, name_en: str, outcome: Outcome) -> Part:
    """One of the home's two staffing requirements, as a part of the finding."""
    return Part(
        indicator,
        name_zh,
        name_en,
        actual=outcome.actual,
        required=outcome.required,
        gap=outcome.gap,
        note=outcome.status.value,
    )


@rule_kind("jian_pay_floor")
@frozen(kw_only=True)
class PayFloorRule(Rule):
    """J-officer-pay: pay ≥ max(floor, a higher-level standard when one is given).

    "按不低于200元/月的标准落实工作报酬(如上级政策规定的工作报酬高于此待遇,则按上级
    政策标准执行)": the standard is looked up on the village and then on each unit
    above it; with none given the floor alone applies (the clause needs no other).
    Checked over columns by expressions alone (it applies to every village).
    """

    indicator: str = field(metadata=FACT)
    standard: str = field(metadata=FACT)
    floor: Decimal

    def requirement(self, standard: object, source: str | None, name: str | None) -> Requirement:
        """The pay required given the standard found on the unit or above it (``None``:
        none given) at ``source`` named ``name``."""
        if standard is not None:
            amount = _number(standard, self.standard)
            if amount > self.floor:
                return Requirement(
                    required=amount,
                    basis_zh=f"{name}规定的标准 {format_decimal(amount)} 元/月",
                    basis_en=f"the standard set at {name} ({source}), {format_decimal(amount)} yuan/month",
                    measure="yuan/month",
                )
        return Requirement(
            required=self.floor,
            basis_zh=f"不低于 {format_decimal(self.floor)} 元/月",
            basis_en=f"the floor of {format_decimal(self.floor)} yuan/month",
            measure="yuan/month",
        )

    def columns(self, frame: col.Frame) -> pl.DataFrame:
        pay = frame.fact(self.indicator)
        found, source, source_name = frame.inherited(self.standard)
        standard, floor = found.number(), col.Num.const(self.floor)
        higher = frame.column(~found.missing & standard.cmp(Comparator.GT, floor))
        scale = max(standard.scale, floor.scale)
        required = col.Num(
            pl.when(higher).then(standard.at(scale)).otherwise(floor.at(scale)),
            scale,
            pl.when(higher).then(standard.places).otherwise(floor.places),
            pl.when(higher).then(standard.text).otherwise(floor.text),
        )
        floor_text = format_decimal(self.floor)
        basis_zh = (
            pl.when(higher)
            .then(col.concat(source_name, "规定的标准 ", standard.text, " 元/月"))
            .otherwise(col.lit(f"不低于 {floor_text} 元/月"))
        )
        basis = (
            pl.when(higher)
            .then(col.concat("the standard set at ", source_name, " (", source, "), ",
                             standard.text, " yuan/month"))
            .otherwise(col.lit(f"the floor of {floor_text} yuan/month"))
        )  # fmt: skip
        out = col.compare(
            pay.number(),
            Comparator.GE,
            required,
            Quantity("民政专干工作报酬", "officer's pay", "yuan/month"),
            period=pay.period,
        ) | {"details": pl.concat_list(basis), "details_zh": pl.concat_list(basis_zh)}
        gone = col.unknown(frame.indicators, [(pay.missing, self.indicator)])
        return frame.outcome([(pay.missing, gone)], out)

    def targets(self, frame: col.Frame) -> Iterable[pl.DataFrame]:
        found, source, name = frame.inherited(self.standard)
        yield frame.target(
            self.indicator,
            Comparator.GE,
            self.requirement,
            standard=found,
            source=source,
            name=name,
        )


@rule_kind("jian_budget_share")
@frozen(kw_only=True)
class BudgetShareRule(Rule):
    """J-funding-city / J-funding-county: this year's budget line ≥ share × last year's
    central and provincial civil-affairs transfers.

    "从2018年起,每年按照上年度中央、省转移支付的…民政民生资金总额的2‰、2%的标准,分别
    由市、县两级财政列入本级预算": for the assessment year Y the budget for Y is compared
    with ``share`` × the transfers of Y − 1, exactly: the seed sets no rounding, so 2‰
    of 1,234,567,890.12 is 2,469,135.78024. The rule applies from its ``effective``
    date (2018-01-01); earlier it is not applicable.
    """

    indicator: str = field(metadata=FACT)
    base: str = field(metadata=FACT)
    share: Decimal

    def _required(self, year: int, transfers: object) -> tuple[Decimal, Decimal]:
        if transfers is None:
            raise MissingFact(self.base, period=str(year - 1))
        amount = _number(transfers, self.base)
        return amount, _money(amount * self.share)

    def _share_text(self) -> str:
        per_mille = self.share * 1000
        if per_mille == per_mille.to_integral_value() and per_mille < 10:
            return f"{format_decimal(per_mille.normalize())}‰"
        return f"{format_decimal((self.share * 100).normalize())}%"

    def judge(self, year: int, transfers: object, budget: object) -> Outcome:
        transfers, required = self._required(year, transfers)
        if budget is None:
            raise MissingFact(self.indicator, period=str(year))
        share = self._share_text()
        return attrs.evolve(
            compare(
                _number(budget, self.indicator),
                Comparator.GE,
                required,
                Quantity(
                    f"{year}年本级民政工作经费预算", f"{year} civil-affairs budget line", "yuan"
                ),
                period=str(year),
            ),
            details=(f"{year - 1} transfers {format_decimal(transfers)} yuan × {share}",),
            details_zh=(f"{year - 1}年转移支付 {format_decimal(transfers)} 元 × {share}",),
        )

    def columns(self, frame: col.Frame) -> pl.DataFrame:
        year = frame.on.year
        return frame.outcome([], frame.apply(
            lambda transfers, budget: self.judge(year, transfers, budget),
            transfers=frame.fact_in(self.base, year - 1), budget=frame.fact_in(self.indicator, year),
        ))  # fmt: skip

    def targets(self, frame: col.Frame) -> Iterable[pl.DataFrame]:
        year, share = frame.on.year, self._share_text()

        def derive(transfers: object) -> Requirement:
            amount, required = self._required(year, transfers)
            return Requirement(
                required=required,
                basis_zh=f"{year - 1}年中央、省转移支付 {format_decimal(amount)} 元 × {share}",
                basis_en=f"{year - 1} central and provincial transfers {format_decimal(amount)} yuan × {share}",
                inputs=((self.base, amount),),
                measure="yuan",
            )

        yield frame.target(
            self.indicator, Comparator.GE, derive, transfers=frame.fact_in(self.base, year - 1)
        )


@rule_kind("jian_per_capita_funding")
@frozen(kw_only=True)
class PerCapitaFundingRule(Rule):
    """J-township-funding: office funds ≥ per-capita standard × registered population.

    "按照乡镇(街道)辖区户籍人口数确定基层民政所工作经费": the seed does not print the
    amount per person (it refers to 赣财社〔2013〕35号), so the standard is a fact the
    user gives on the township or any unit above it; without it the finding is unknown.
    The funds compared are those of the assessment year; the amount required is exact.
    """

    indicator: str = field(metadata=FACT)
    standard: str = field(metadata=FACT)
    population: str = field(metadata=FACT)

    def _required(self, population: object, standard: object) -> tuple[Decimal, Decimal, Decimal]:
        if population is None:
            raise MissingFact(self.population)
        if standard is None:
            raise MissingFact(self.standard)
        people, amount = _number(population, self.population), _number(standard, self.standard)
        return people, amount, _money(people * amount)

    def judge(self, year: int, funds: object, population: object, standard: object) -> Outcome:
        if funds is None:
            raise MissingFact(self.indicator, period=str(year))
        people, amount, required = self._required(population, standard)
        return attrs.evolve(
            compare(
                _number(funds, self.indicator),
                Comparator.GE,
                required,
                Quantity(f"{year}年民政所工作经费", f"{year} office working funds", "yuan"),
                period=str(year),
            ),
            details=(f"registered population {people} × {format_decimal(amount)} yuan",),
            details_zh=(f"户籍人口 {people} × {format_decimal(amount)} 元",),
        )

    def columns(self, frame: col.Frame) -> pl.DataFrame:
        year = frame.on.year
        return frame.outcome([], frame.apply(
            lambda funds, population, standard: self.judge(year, funds, population, standard),
            funds=frame.fact_in(self.indicator, year), population=frame.fact(self.population),
            standard=frame.inherited(self.standard)[0],
        ))  # fmt: skip

    def targets(self, frame: col.Frame) -> Iterable[pl.DataFrame]:
        def derive(population: object, standard: object) -> Requirement:
            people, amount, required = self._required(population, standard)
            return Requirement(
                required=required,
                basis_zh=f"户籍人口 {people} × {format_decimal(amount)} 元/人",
                basis_en=f"registered population {people} × {format_decimal(amount)} yuan per person",
                inputs=((self.population, people), (self.standard, amount)),
                measure="yuan",
            )

        yield frame.target(
            self.indicator, Comparator.GE, derive,
            population=frame.fact(self.population), standard=frame.inherited(self.standard)[0],
        )  # fmt: skip


@rule_kind("jian_hiring")
@frozen(kw_only=True)
class HiringRule(Rule):
    """J-hiring: every new hire has a junior-college degree or an assistant social
    worker qualification or above.

    "一般应具备": as a rule, not always — so the rule's attribute is *expected* and a
    shortfall is a warning. With no new hires the rule is not applicable.
    """

    hires: str = field(default="new_hires", metadata=FACT)
    qualified: str = field(default="new_hires_qualified", metadata=FACT)

    def judge(self, hires: object, qualified: object, period: str | None) -> Outcome:
        _present(**{self.hires: hires, self.qualified: qualified})
        count, able = _number(hires, self.hires), _number(qualified, self.qualified)
        if count == 0:
            return Outcome(
                status=Status.NOT_APPLICABLE, message_zh="无新上岗人员", message_en="no new hires"
            )
        if able > count:
            raise ValueError(f"more qualified new hires ({able}) than new hires ({count})")
        return compare(
            able,
            Comparator.EQ,
            count,
            Quantity("具备学历或资格的新上岗人员", "qualified new hires", "person"),
            period=period,
        )

    def columns(self, frame: col.Frame) -> pl.DataFrame:
        hires = frame.fact(self.hires)
        return frame.outcome([], frame.apply(self.judge, hires=hires,
                                             qualified=frame.fact(self.qualified),
                                             period=hires.period))  # fmt: skip


@rule_kind("jian_annual_training")
@frozen(kw_only=True)
class AnnualTrainingRule(Rule):
    """J-training: rotation training every year, and pre-job training of new staff.

    "每年对县、乡民政工作人员进行轮训 … 及时组织新进人员进行岗前培训": both flags are
    read for the assessment year itself (last year's training does not count). Pre-job
    training is needed only in a year with new hires; when the number of new hires for
    the year is not given, it is needed.
    """

    rotation: str = field(default="rotation_training", metadata=FACT)
    pre_job: str = field(default="pre_job_training", metadata=FACT)
    hires: str = field(default="new_hires", metadata=FACT)

    def judge(self, on: date, rotation: object, hires: object, pre_job: object) -> Outcome:
        year = on.year
        short: list[tuple[str, str]] = []
        unknown: list[str] = []
        if rotation is None:
            unknown.append(self.rotation)
        elif rotation is not True:
            short.append(("年度轮训", "annual rotation training"))
        if hires != 0:
            if pre_job is None:
                unknown.append(self.pre_job)
            elif pre_job is not True:
                short.append(("新进人员岗前培训", "pre-job training of new staff"))
        if short:  # a known shortfall is not met, whatever else is unknown
            note = f" (not known: {', '.join(unknown)})" if unknown else ""
            return Outcome(
                status=Status.NOT_MET,
                message_zh=f"{year}年未开展:" + "、".join(m[0] for m in short),
                message_en=f"not held in {year}: " + ", ".join(m[1] for m in short) + note,
                period=str(year),
                details=tuple(m[1] for m in short),
                details_zh=tuple(m[0] for m in short),
                missing=tuple(unknown),
            )
        if unknown:
            raise MissingFact(*unknown, period=str(year))
        return Outcome(
            status=Status.MET,
            message_zh=f"{year}年培训均已开展",
            message_en=f"training held in {year}",
            period=str(year),
        )

    def columns(self, frame: col.Frame) -> pl.DataFrame:
        year = frame.on.year
        return frame.outcome([], frame.apply(
            lambda rotation, hires, pre_job: self.judge(frame.on, rotation, hires, pre_job),
            rotation=frame.fact_in(self.rotation, year), hires=frame.fact_in(self.hires, year),
            pre_job=frame.fact_in(self.pre_job, year),
        ))  # fmt: skip
