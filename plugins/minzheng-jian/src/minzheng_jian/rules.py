"""The Ji'an rules that the core's declarative kinds do not cover.

Each class is a rule *kind*: its numbers (ratios, floors, shares) are fields filled
from ``data/rules.yaml``, so a revision of the document is a change of data. The clause
each one encodes is cited in that file; the readings are in the pack's README.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import ClassVar

from attrs import frozen

from minzheng import (
    Comparator,
    MissingFact,
    Outcome,
    Part,
    Rule,
    Status,
    TargetValue,
    UnitContext,
    compare,
)
from minzheng.values import format_decimal

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


_FEN = Decimal("0.01")


def _money(amount: Decimal) -> Decimal:
    """An amount of money, exact: trailing zeros past the fen dropped (3046800.00000 →
    3046800.00), never a significant digit (2469135.78024 stays as it is)."""
    trimmed = amount.normalize()
    return trimmed if trimmed.as_tuple().exponent < -2 else amount.quantize(_FEN)  # type: ignore[operator]


def _ceil_div(amount: Decimal, per: int) -> Decimal:
    """People needed at one per ``per``: a headcount from a ratio rounds up."""
    return (amount / per).to_integral_value(rounding="ROUND_CEILING")


@frozen(kw_only=True)
class OfficeNameRule(Rule):
    """J-office-name: the township has an office named "<township name>民政所".

    The standard form "XX乡(镇)街道民政所" is read as the township's (or street's) own
    name followed by ``suffix``: 永和镇 → 永和镇民政所, 鹭洲街道 → 鹭洲街道民政所.
    ``has_civil_affairs_office: no`` is not met outright; otherwise the name decides.
    """

    kind: ClassVar[str | None] = "jian_office_name"

    suffix: str = "民政所"

    def reads(self) -> tuple[str, ...]:
        return ("has_civil_affairs_office", "office_name", *self.inputs)

    def check(self, ctx: UnitContext) -> Outcome:
        expected = f"{ctx.unit.name}{self.suffix}"
        if ctx.get("has_civil_affairs_office") is False:
            return Outcome(
                status=Status.NOT_MET,
                message_zh="未设立民政机构",
                message_en="no civil-affairs office has been set up",
                actual=False,
                required=expected,
                comparator=Comparator.EQ,
            )
        name = ctx.value("office_name")
        met = name == expected
        return Outcome(
            status=Status.MET if met else Status.NOT_MET,
            message_zh=f"民政所名称:{name}" + ("" if met else f",应为:{expected}"),
            message_en=f"office name: {name}"
            + ("" if met else f"; the standard name is {expected}"),
            actual=name,
            required=expected,
            comparator=Comparator.EQ,
            period=ctx.period("office_name"),
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


@frozen(kw_only=True)
class HomeStaffRule(Rule):
    """J-home-staff: workers 1:10 supported residents and carers 1:4 disabled elderly.

    Read as two separate requirements on two separate counts ("分别配齐工作人员和护理
    人员"): workers ≥ ⌈supported residents ÷ 10⌉ and carers ≥ ⌈disabled elderly ÷ 4⌉.
    The two are reported separately, never summed: the finding is met only when both
    hold, its parts give each requirement (actual, required, gap) and its details name
    each shortfall.
    """

    kind: ClassVar[str | None] = "jian_home_staff"

    residents_per_worker: int
    disabled_per_carer: int

    def reads(self) -> tuple[str, ...]:
        return ("home_workers", "supported_residents", "home_carers", "disabled_elderly")

    def _required(self, ctx: UnitContext) -> tuple[Decimal, Decimal]:
        residents, disabled = ctx.values("supported_residents", "disabled_elderly")
        return (
            _ceil_div(_number(residents, "supported_residents"), self.residents_per_worker),
            _ceil_div(_number(disabled, "disabled_elderly"), self.disabled_per_carer),
        )

    def check(self, ctx: UnitContext) -> Outcome:
        workers, carers = ctx.values("home_workers", "home_carers")
        need_workers, need_carers = self._required(ctx)
        w = compare(
            _number(workers, "home_workers"),
            Comparator.GE,
            need_workers,
            what_zh="工作人员",
            what_en="workers",
            measure="person",
        )
        c = compare(
            _number(carers, "home_carers"),
            Comparator.GE,
            need_carers,
            what_zh="护理人员",
            what_en="carers",
            measure="person",
        )
        short = [o for o in (w, c) if o.status is Status.NOT_MET]
        return Outcome(
            status=Status.NOT_MET if short else Status.MET,
            message_zh=f"{w.message_zh};{c.message_zh}",
            message_en=f"{w.message_en}; {c.message_en}",
            measure="person",
            details=tuple(o.message_en for o in short),
            parts=(
                _staff_part("home_workers", "工作人员", "workers", w),
                _staff_part("home_carers", "护理人员", "carers", c),
            ),
        )

    def targets(self, ctx: UnitContext) -> Iterable[TargetValue]:
        residents, disabled = ctx.values("supported_residents", "disabled_elderly")
        need_workers, need_carers = self._required(ctx)
        yield TargetValue(
            pack="",
            rule=self.id,
            unit=ctx.unit.code,
            indicator="home_workers",
            comparator=Comparator.GE,
            required=need_workers,
            measure="person",
            basis_zh=f"供养对象 {residents} 人 ÷ {self.residents_per_worker},向上取整",
            basis_en=f"supported residents {residents} ÷ {self.residents_per_worker}, rounded up",
            deadline=self.deadline,
            inputs=(("supported_residents", _number(residents, "supported_residents")),),
        )
        yield TargetValue(
            pack="",
            rule=self.id,
            unit=ctx.unit.code,
            indicator="home_carers",
            comparator=Comparator.GE,
            required=need_carers,
            measure="person",
            basis_zh=f"失能老人 {disabled} 人 ÷ {self.disabled_per_carer},向上取整",
            basis_en=f"disabled elderly {disabled} ÷ {self.disabled_per_carer}, rounded up",
            deadline=self.deadline,
            inputs=(("disabled_elderly", _number(disabled, "disabled_elderly")),),
        )


@frozen(kw_only=True)
class PayFloorRule(Rule):
    """J-officer-pay: pay ≥ max(floor, a higher-level standard when one is given).

    "按不低于200元/月的标准落实工作报酬(如上级政策规定的工作报酬高于此待遇,则按上级
    政策标准执行)": the standard is looked up on the village and then on each unit
    above it; with none given the floor alone applies (the clause needs no other).
    """

    kind: ClassVar[str | None] = "jian_pay_floor"

    indicator: str
    standard: str
    floor: Decimal

    def reads(self) -> tuple[str, ...]:
        return (self.indicator, self.standard)

    def _required(self, ctx: UnitContext) -> tuple[Decimal, str, str]:
        found = ctx.inherited(self.standard)
        if found is not None:
            unit, value = found
            standard = _number(value, self.standard)
            if standard > self.floor:
                return (
                    standard,
                    f"{unit.name}规定的标准 {format_decimal(standard)} 元/月",
                    f"the standard set at {unit.name} ({unit.code}), {format_decimal(standard)} yuan/month",
                )
        return (
            self.floor,
            f"不低于 {format_decimal(self.floor)} 元/月",
            f"the floor of {format_decimal(self.floor)} yuan/month",
        )

    def check(self, ctx: UnitContext) -> Outcome:
        pay = _number(ctx.value(self.indicator), self.indicator)
        required, basis_zh, basis_en = self._required(ctx)
        return compare(
            pay,
            Comparator.GE,
            required,
            what_zh="民政专干工作报酬",
            what_en="officer's pay",
            measure="yuan/month",
            period=ctx.period(self.indicator),
            details=(f"{basis_zh} / {basis_en}",),
        )

    def targets(self, ctx: UnitContext) -> Iterable[TargetValue]:
        required, basis_zh, basis_en = self._required(ctx)
        yield TargetValue(
            pack="",
            rule=self.id,
            unit=ctx.unit.code,
            indicator=self.indicator,
            comparator=Comparator.GE,
            required=required,
            measure="yuan/month",
            basis_zh=basis_zh,
            basis_en=basis_en,
            deadline=self.deadline,
        )


@frozen(kw_only=True)
class BudgetShareRule(Rule):
    """J-funding-city / J-funding-county: this year's budget line ≥ share × last year's
    central and provincial civil-affairs transfers.

    "从2018年起,每年按照上年度中央、省转移支付的…民政民生资金总额的2‰、2%的标准,分别
    由市、县两级财政列入本级预算": for the assessment year Y the budget for Y is compared
    with ``share`` × the transfers of Y − 1, exactly: the
    seed sets no rounding, so 2‰ of 1,234,567,890.12 is 2,469,135.78024. The rule
    applies from its ``effective`` date (2018-01-01); earlier it is not applicable.
    """

    kind: ClassVar[str | None] = "jian_budget_share"

    indicator: str
    base: str
    share: Decimal

    def reads(self) -> tuple[str, ...]:
        return (self.indicator, self.base)

    def _required(self, ctx: UnitContext) -> tuple[int, Decimal, Decimal]:
        year = ctx.on.year
        transfers = _number(ctx.value_in(self.base, year - 1), self.base)
        return year, transfers, _money(transfers * self.share)

    def _share_text(self) -> str:
        per_mille = self.share * 1000
        if per_mille == per_mille.to_integral_value() and per_mille < 10:
            return f"{format_decimal(per_mille.normalize())}‰"
        return f"{format_decimal((self.share * 100).normalize())}%"

    def check(self, ctx: UnitContext) -> Outcome:
        year, transfers, required = self._required(ctx)
        budget = _number(ctx.value_in(self.indicator, year), self.indicator)
        share = self._share_text()
        return compare(
            budget,
            Comparator.GE,
            required,
            what_zh=f"{year}年本级民政工作经费预算",
            what_en=f"{year} civil-affairs budget line",
            measure="yuan",
            period=str(year),
            details=(
                f"{year - 1}年转移支付 {format_decimal(transfers)} 元 × {share} / "
                f"{year - 1} transfers {format_decimal(transfers)} yuan × {share}",
            ),
        )

    def targets(self, ctx: UnitContext) -> Iterable[TargetValue]:
        year, transfers, required = self._required(ctx)
        share = self._share_text()
        yield TargetValue(
            pack="",
            rule=self.id,
            unit=ctx.unit.code,
            indicator=self.indicator,
            comparator=Comparator.GE,
            required=required,
            measure="yuan",
            basis_zh=f"{year - 1}年中央、省转移支付 {format_decimal(transfers)} 元 × {share}",
            basis_en=f"{year - 1} central and provincial transfers {format_decimal(transfers)} yuan × {share}",
            inputs=((self.base, transfers),),
        )


@frozen(kw_only=True)
class PerCapitaFundingRule(Rule):
    """J-township-funding: office funds ≥ per-capita standard × registered population.

    "按照乡镇(街道)辖区户籍人口数确定基层民政所工作经费": the seed does not print the
    amount per person (it refers to 赣财社〔2013〕35号), so the standard is a fact the
    user gives on the township or any unit above it; without it the finding is unknown.
    The funds compared are those of the assessment year.
    """

    kind: ClassVar[str | None] = "jian_per_capita_funding"

    indicator: str
    standard: str
    population: str

    def reads(self) -> tuple[str, ...]:
        return (self.indicator, self.standard, self.population)

    def _required(self, ctx: UnitContext) -> tuple[Decimal, Decimal, Decimal]:
        population = _number(ctx.value(self.population), self.population)
        found = ctx.inherited(self.standard)
        if found is None:
            raise MissingFact(self.standard)
        standard = _number(found[1], self.standard)
        return population, standard, _money(population * standard)

    def check(self, ctx: UnitContext) -> Outcome:
        year = ctx.on.year
        funds = _number(ctx.value_in(self.indicator, year), self.indicator)
        population, standard, required = self._required(ctx)
        return compare(
            funds,
            Comparator.GE,
            required,
            what_zh=f"{year}年民政所工作经费",
            what_en=f"{year} office working funds",
            measure="yuan",
            period=str(year),
            details=(
                f"户籍人口 {population} × {format_decimal(standard)} 元 / "
                f"registered population {population} × {format_decimal(standard)} yuan",
            ),
        )

    def targets(self, ctx: UnitContext) -> Iterable[TargetValue]:
        population, standard, required = self._required(ctx)
        yield TargetValue(
            pack="",
            rule=self.id,
            unit=ctx.unit.code,
            indicator=self.indicator,
            comparator=Comparator.GE,
            required=required,
            measure="yuan",
            basis_zh=f"户籍人口 {population} × {format_decimal(standard)} 元/人",
            basis_en=f"registered population {population} × {format_decimal(standard)} yuan per person",
            inputs=((self.population, population), (self.standard, standard)),
        )


@frozen(kw_only=True)
class HiringRule(Rule):
    """J-hiring: every new hire has a junior-college degree or an assistant social
    worker qualification or above.

    "一般应具备": as a rule, not always — so the rule's attribute is *expected* and a
    shortfall is a warning. With no new hires the rule is not applicable.
    """

    kind: ClassVar[str | None] = "jian_hiring"

    def reads(self) -> tuple[str, ...]:
        return ("new_hires", "new_hires_qualified")

    def check(self, ctx: UnitContext) -> Outcome:
        hires, qualified = (
            _number(v, "new_hires") for v in ctx.values("new_hires", "new_hires_qualified")
        )
        if hires == 0:
            return Outcome(
                status=Status.NOT_APPLICABLE, message_zh="无新上岗人员", message_en="no new hires"
            )
        if qualified > hires:
            raise ValueError(f"more qualified new hires ({qualified}) than new hires ({hires})")
        return compare(
            qualified,
            Comparator.EQ,
            hires,
            what_zh="具备学历或资格的新上岗人员",
            what_en="qualified new hires",
            measure="person",
            period=ctx.period("new_hires"),
        )


@frozen(kw_only=True)
class AnnualTrainingRule(Rule):
    """J-training: rotation training every year, and pre-job training of new staff.

    "每年对县、乡民政工作人员进行轮训 … 及时组织新进人员进行岗前培训": both flags are
    read for the assessment year itself (last year's training does not count). Pre-job
    training is needed only in a year with new hires; when the number of new hires for
    the year is not given, it is needed.
    """

    kind: ClassVar[str | None] = "jian_annual_training"

    def reads(self) -> tuple[str, ...]:
        return ("rotation_training", "pre_job_training", "new_hires")

    def check(self, ctx: UnitContext) -> Outcome:
        year = ctx.on.year
        short: list[tuple[str, str]] = []
        unknown: list[str] = []
        rotation = ctx.get_in("rotation_training", year)
        if rotation is None:
            unknown.append("rotation_training")
        elif rotation is not True:
            short.append(("年度轮训", "annual rotation training"))
        if ctx.get_in("new_hires", year) != 0:
            pre_job = ctx.get_in("pre_job_training", year)
            if pre_job is None:
                unknown.append("pre_job_training")
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
