"""Typed models of civil-affairs administration.

Every model is an immutable, slotted ``attrs`` class. Numbers that are money, rates or
ratios are :class:`decimal.Decimal`; headcounts are :class:`int`. Nothing here reads
files or knows about plugins: the models are the vocabulary the loader, the engine and
the region packs share.

Administrative units follow GB/T 2260 (province, prefecture, county) and the statistical
division codes that extend it to townships (9 digits) and villages (12 digits). A
*facility* — a rural nursing home, a service hall — is not an administrative division;
it is modelled as a unit of level ``Level.FACILITY`` whose code is its parent's
code, a hyphen and a local id (``360821101-NH1``).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Any, TypeAlias

import attrs
from attrs import field, frozen

from minzheng.i18n import Msg, msg, text
from minzheng.model.runs import RunRecord

__all__ = [
    "FACT",
    "MEASURES_PLURAL",
    "MEASURES_ZH",
    "Area",
    "Attribute",
    "Bracket",
    "Citation",
    "Comparator",
    "Derivation",
    "Direction",
    "Document",
    "Fact",
    "Finding",
    "Indicator",
    "InvalidField",
    "Item",
    "Kind",
    "Level",
    "PackInfo",
    "Part",
    "Position",
    "Program",
    "RegionInfo",
    "Report",
    "RollUp",
    "Rounding",
    "RunRecord",
    "Schedule",
    "Scores",
    "Severity",
    "Standard",
    "Status",
    "TargetValue",
    "Trajectory",
    "Unit",
    "Value",
    "check_code",
    "compound_growth",
    "measure_plural",
    "measure_zh",
    "named_facts",
    "natural_parent",
    "round_value",
]


#: The metadata of a rule's field that names an indicator it reads (a text, or texts in
#: tuples): ``office_name: str = field(default="office_name", metadata=FACT)``.
#: :meth:`minzheng.rules.Rule.reads` lists every such field's indicators, so a kind
#: declares what it reads once, in its fields.
FACT: Mapping[str, bool] = MappingProxyType({"fact": True})


def named_facts(obj: object) -> Iterator[str]:
    """The indicators named by ``obj``'s :data:`FACT` fields, in field order (looking
    into tuples, and into attrs objects such as a condition)."""
    for f in attrs.fields(type(obj)):  # type: ignore[arg-type]
        if f.metadata.get("fact"):
            yield from _texts(getattr(obj, f.name))


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _texts(item)
    elif attrs.has(type(value)):
        yield from named_facts(value)


@frozen
class Scores:
    """Points per scored item, e.g. a county's self-assessment sheet (自评得分).

    ``points`` pairs item ids with non-negative points, sorted by id so that equal
    sheets are equal. A value of :attr:`Kind.SCORES`.
    """

    points: tuple[tuple[str, Decimal], ...]

    @classmethod
    def of(cls, mapping: Mapping[str, Decimal]) -> Scores:
        return cls(tuple(sorted(mapping.items())))

    def get(self, item: str) -> Decimal | None:
        return next((p for i, p in self.points if i == item), None)

    def as_dict(self) -> dict[str, Decimal]:
        return dict(self.points)

    def __contains__(self, item: object) -> bool:
        return any(i == item for i, _ in self.points)


#: A fact's value. Its Python type follows the indicator's :class:`Kind`: ``int`` for a
#: count, ``Decimal`` for an amount or a rate, ``bool`` for a flag, ``frozenset[str]``
#: for the items present in a checklist, ``str`` for free text, :class:`Scores` for a
#: score sheet.
Value: TypeAlias = int | Decimal | bool | str | frozenset[str] | Scores


class InvalidField(ValueError):
    """A model's own check failed on one field: what was expected and what was found."""

    def __init__(self, field: str, expected: str | Msg, found: object) -> None:
        self.field, self.expected, self.found = field, expected, found
        super().__init__(f"{field}: expected {expected}, found {found!r}")


class Level(StrEnum):
    """The level of an administrative unit, highest first."""

    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    FACILITY = "facility"

    @property
    def rank(self) -> int:
        """The level's place from the top, 0 (province) to 5 (facility); a parent's is lower."""
        return LEVEL_RANK[self]

    @property
    def code_length(self) -> int | None:
        """Digits of a GB/T 2260 (extended) code at this level; ``None`` for facilities."""
        return _CODE_LENGTH.get(self)

    @property
    def zh(self) -> str:
        """Chinese for the level (省, 市, 县, 乡镇, 村居 for a village or community, 机构)."""
        return text(f"level.{self.value}", "zh")


_LEVEL_ORDER = list(Level)
LEVEL_RANK = {level: rank for rank, level in enumerate(_LEVEL_ORDER)}
#: The Unicode control characters (category Cc): C0, DEL and C1.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CODE_LENGTH = {
    Level.PROVINCE: 2,
    Level.PREFECTURE: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}
_FACILITY_CODE = re.compile(r"^(?P<parent>\d{6}|\d{9}|\d{12})-(?P<local>[A-Za-z0-9_]{1,32})$")


class Area(StrEnum):
    """Urban (城镇/城市) or rural (农村)."""

    URBAN = "urban"
    RURAL = "rural"

    @property
    def zh(self) -> str:
        """城市 or 农村."""
        return text(f"area.{self.value}", "zh")


class Kind(StrEnum):
    """What sort of value an indicator takes."""

    COUNT = "count"  #: a whole number of people, beds, sites … (``int`` ≥ 0)
    AMOUNT = "amount"  #: money, area or another measured quantity (``Decimal``)
    RATE = "rate"  #: a percentage or per-mille (``Decimal`` in the declared measure)
    FLAG = "flag"  #: yes / no (``bool``)
    ITEMS = "items"  #: which items of a checklist are present (``frozenset[str]``)
    TEXT = "text"  #: free text, e.g. an office's name (``str``)
    SCORES = "scores"  #: points per scored item (:class:`Scores`), e.g. a self-assessment


class Attribute(StrEnum):
    """A plan indicator's attribute: 预期性 (expected) or 约束性 (binding).

    A binding indicator that is missed is a failure; an expected one is a warning.
    """

    EXPECTED = "expected"
    BINDING = "binding"

    @property
    def zh(self) -> str:
        return text(f"attribute.{self.value}", "zh")


class Direction(StrEnum):
    """Which way is better for an indicator's value."""

    HIGHER = "higher"  #: more is better (beds, staff, coverage)
    LOWER = "lower"  #: less is better (share of government-run beds)
    NEUTRAL = "neutral"  #: a descriptive figure, neither way better (population)


class Comparator(StrEnum):
    """How an actual value is compared with a required one."""

    GE = ">="  #: 不少于 / 不低于 / 以上
    GT = ">"  #: 超过
    LE = "<="  #: 不超过 / 不高于 / 以下 / 以内
    LT = "<"  #: 不满 / 低于
    EQ = "=="  #: 达到 exactly (a 100% rate)

    def holds(self, actual: Decimal | int | Fraction, required: Decimal | int | Fraction) -> bool:
        """Whether ``actual <comparator> required`` holds (exactly: decimals and ints
        compare exactly; a fraction brings the others to fractions)."""
        if isinstance(actual, Fraction) or isinstance(required, Fraction):
            return HOLDS[self](Fraction(actual), Fraction(required))
        return HOLDS[self](actual, required)

    def gap(self, actual: Decimal | int, required: Decimal | int) -> Decimal:
        """How far ``actual`` is from meeting the requirement, in its own measure.

        Zero when the requirement holds; otherwise the distance to the boundary
        (for the strict comparators the boundary itself is still short of it).
        """
        a, r = Decimal(actual), Decimal(required)
        if self.holds(a, r):
            return Decimal(0)
        return abs(r - a)


HOLDS: dict[Comparator, Callable[[Any, Any], bool]] = {
    Comparator.GE: operator.ge,
    Comparator.GT: operator.gt,
    Comparator.LE: operator.le,
    Comparator.LT: operator.lt,
    Comparator.EQ: operator.eq,
}


class Rounding(StrEnum):
    """How a value derived from a ratio is rounded."""

    UP = "up"  #: round up, as headcounts are (1 to 10 with 23 residents needs 3 staff)
    DOWN = "down"
    NONE = "none"  #: keep the exact decimal (money to the fen, rates)


class Status(StrEnum):
    """The status of a finding (the DESIGN contract)."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


class Severity(StrEnum):
    """How much a finding that is not met matters."""

    FAILURE = "failure"
    WARNING = "warning"


class Position(StrEnum):
    """Where an actual value stands against its trajectory."""

    BEHIND = "behind"
    ON_TRACK = "on_track"
    AHEAD = "ahead"


def check_code(code: str, level: Level) -> Msg | None:
    """Why ``code`` is not a valid code for ``level``, or ``None`` when it is."""
    if level is Level.FACILITY:
        if _FACILITY_CODE.match(code):
            return None
        return msg("expected.code_pattern")
    expected = level.code_length
    if code.isascii() and code.isdigit() and len(code) == expected:
        return None
    return msg("expected.code_digits", level=msg(f"level.{level.value}"), digits=expected)


def _check_code(instance: Unit, attribute: attrs.Attribute[str], value: str) -> None:
    if value.isdigit() and value.isascii() and len(value) == _CODE_LENGTH.get(instance.level):
        return  # the common case, at once: what check_code passes for these levels
    problem = check_code(value, instance.level)
    if problem:
        raise InvalidField("code", problem, value)


def natural_parent(code: str, level: Level) -> str | None:
    """The code of the unit a code's own digits say is its parent, if any.

    A village's first 9 digits are its township; a township's first 6 its county; a
    county's first 4 its prefecture; a prefecture's first 2 its province; a facility's
    parent is the part before the hyphen.
    """
    if level is Level.FACILITY:
        return code.split("-", 1)[0]
    cut = {Level.PREFECTURE: 2, Level.COUNTY: 4, Level.TOWNSHIP: 6, Level.VILLAGE: 9}.get(level)
    return code[:cut] if cut else None


@frozen
class Unit:
    """An administrative unit (or a facility attached to one).

    ``code`` is the GB/T 2260 code (2/4/6 digits for province/prefecture/county, 9 for a
    township or street, 12 for a village or residents' committee). ``parent`` is the
    code of the unit above it. ``type`` refines the level where a rule needs it, e.g.
    ``"street"``, ``"urban_community"``, ``"nursing_home"``, ``"service_hall"``.
    """

    code: str = field(validator=_check_code)
    name: str = field()
    level: Level = field()

    parent: str | None = None
    area: Area | None = None
    type: str | None = None

    @name.validator
    def _check_name(self, attribute: attrs.Attribute[str], value: str) -> None:
        stripped = value.strip()
        if not stripped or value != stripped or _CONTROL.search(value) is not None:
            raise InvalidField(
                "name",
                msg("expected.name"),
                value,
            )


@frozen
class Item:
    """One item of a checklist indicator, e.g. ``phone`` (有电话) of the "七有"."""

    id: str
    name_zh: str
    name_en: str


_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _check_id(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not _ID.match(value):
        raise InvalidField(attribute.name, msg("expected.identifier"), value)


_MEASURES = (
    "%", "‰", "person", "child", "household", "yuan", "yuan/month", "yuan/year",
    "yuan/case", "yuan/person/month", "yuan/person/year", "m²", "bed", "quarter",
    "point", "item", "action", "activity", "measure", "document", "organisation",
    "community", "village", "county", "brand", "ratio",
)  # fmt: skip
#: The Chinese of the units of measure the core and the packs use, as the documents
#: write them (the Songming plan's "270元/人/月"). A measure not listed here is shown
#: as it is unless its indicator declares ``measure_zh``.
MEASURES_ZH: Mapping[str, str] = MappingProxyType(
    {m: text(f"measure.{m}", "zh") for m in _MEASURES}
)


def measure_zh(measure: str) -> str:
    """The Chinese for a unit of measure (:data:`MEASURES_ZH`), or ``measure`` itself
    when there is none: ``measure_zh("yuan/person/month")`` is ``"元/人/月"``."""
    return MEASURES_ZH.get(measure, measure)


#: The English plural of the units of measure in :data:`MEASURES_ZH` whose plural
#: differs ("2 people", "4 quarters"; "2 yuan" does not change). English text writes a
#: measure in the plural after any number but 1; a measure not listed here is written
#: as it is declared.
MEASURES_PLURAL: Mapping[str, str] = MappingProxyType(
    {
        "person": "people",
        "child": "children",
        "household": "households",
        "bed": "beds",
        "quarter": "quarters",
        "point": "points",
        "item": "items",
        "action": "actions",
        "activity": "activities",
        "measure": "measures",
        "document": "documents",
        "organisation": "organisations",
        "community": "communities",
        "village": "villages",
        "county": "counties",
        "brand": "brands",
    }
)


def measure_plural(measure: str) -> str:
    """The English plural of a unit of measure (:data:`MEASURES_PLURAL`), or ``measure``
    itself when it does not change or is not listed: ``measure_plural("person")`` is
    ``"people"``, ``measure_plural("yuan/month")`` is ``"yuan/month"``."""
    return MEASURES_PLURAL.get(measure, measure)


def _default_measure_zh(self: Indicator) -> str:
    return measure_zh(self.measure)


def _default_minimum(self: Indicator) -> Decimal | None:
    return Decimal(0) if self.kind in (Kind.COUNT, Kind.AMOUNT, Kind.RATE) else None


def _default_maximum(self: Indicator) -> Decimal | None:
    if self.kind is Kind.RATE:
        return Decimal(1000) if self.measure == "‰" else Decimal(100)
    return None


@frozen
class Indicator:
    """Something measured about a unit: a population, a staff count, a rate.

    ``measure`` is the unit of measure in which values are stored and compared:
    ``"person"``, ``"yuan"``, ``"yuan/month"``, ``"m²"``, ``"bed"``, and for a rate
    ``"%"`` or ``"‰"``. ``measure_zh`` is how Chinese text writes it (``"人"``,
    ``"元/月"``); by default the core's word for a common measure
    (:data:`MEASURES_ZH`), so only an unusual measure needs one declared. ``minimum``
    and ``maximum`` bound the values a dataset may give (by default ≥ 0 for counts and
    amounts, 0–100 % for rates); ``None`` lifts a bound.
    """

    id: str = field(validator=_check_id)
    name_zh: str
    name_en: str
    kind: Kind
    measure: str = field(default="")
    domain: str = ""
    attribute: Attribute = Attribute.EXPECTED
    direction: Direction = Direction.HIGHER
    items: tuple[Item, ...] = field(default=())
    minimum: Decimal | None = field(default=attrs.Factory(_default_minimum, takes_self=True))
    maximum: Decimal | None = field(default=attrs.Factory(_default_maximum, takes_self=True))
    description: str = ""
    measure_zh: str = field(default=attrs.Factory(_default_measure_zh, takes_self=True))

    @measure.validator
    def _check_measure(self, attribute: attrs.Attribute[str], value: str) -> None:
        if self.kind is Kind.RATE and value not in ("%", "‰"):
            raise InvalidField("measure", msg("expected.rate_measure"), value)

    @items.validator
    def _check_items(
        self, attribute: attrs.Attribute[tuple[Item, ...]], value: tuple[Item, ...]
    ) -> None:
        if self.kind is Kind.ITEMS and not value:
            raise InvalidField("items", msg("expected.checklist_items"), "none")
        ids = [i.id for i in value]
        if len(set(ids)) != len(ids):
            raise InvalidField("items", msg("expected.items_once"), ids)

    def item(self, item_id: str) -> Item | None:
        """The checklist item with this id, if the indicator has one."""
        return next((i for i in self.items if i.id == item_id), None)

    def name(self, lang: str = "en") -> str:
        return self.name_zh if lang == "zh" else self.name_en


@frozen
class Citation:
    """Where a rule comes from: the document, the clause and its original words.

    ``document`` is the id of one of the pack's :class:`Document`; ``title``, ``issuer``
    and ``year`` name it as a reader would search for it, and are filled from the pack's
    document when a rule file leaves them out.
    """

    document: str  #: the document's id, e.g. ``jian-capacity-opinions``
    locator: str  #: the document's own heading numbers, e.g. ``三(三)2``
    text: str  #: the original Chinese words of the clause
    title: str = ""  #: the document's official title, e.g. ``关于加强基层民政能力建设的实施意见``
    issuer: str = ""  #: who issued it, e.g. ``吉安市人民政府``
    year: int | None = None  #: the year it was issued or published

    @property
    def name(self) -> str:
        """《title》(issuer, year), as the document is named in text."""
        return document_name(self.title or self.document, self.issuer, self.year)


def document_name(title: str, issuer: str = "", year: int | None = None) -> str:
    """《title》 followed by the issuer and year that are known: ``《…》(吉安市人民政府,2017)``."""
    about = ",".join(x for x in (issuer, "" if year is None else str(year)) if x)
    return f"《{title}》" + (f"({about})" if about else "")


@frozen
class Document:
    """A source document a pack encodes, named as people name it.

    ``id`` is the short name citations use; ``title_zh``, ``issuer`` and ``year`` are
    what a reader would search for; ``source`` records the file the pack's clauses were
    read from (for traceability: the tests check each citation is verbatim in it), and
    ``note`` says how a title, issuer or year that the source does not print was
    established.
    """

    id: str  #: e.g. ``jian-capacity-opinions``
    title_zh: str  #: the official title, without 《》
    title_en: str = ""
    issuer: str = ""  #: the issuing body, in Chinese
    year: int | None = None
    source: str = ""  #: the file the clauses were read from, e.g. a seed file name
    note: str = ""

    @property
    def name(self) -> str:
        """《title》(issuer, year)."""
        return document_name(self.title_zh, self.issuer, self.year)

    def cite(self, citation: Citation) -> Citation:
        """``citation`` with this document's title, issuer and year where it has none."""
        return attrs.evolve(
            citation,
            title=citation.title or self.title_zh,
            issuer=citation.issuer or self.issuer,
            year=self.year if citation.year is None else citation.year,
        )


@frozen
class RegionInfo:
    """The region a pack speaks for: GB/T 2260 code prefixes and names.

    A pack with no prefixes covers no region of its own (the built-in core pack).
    """

    name_zh: str
    name_en: str
    prefixes: tuple[str, ...] = ()

    def covers(self, code: str) -> bool:
        return any(code.startswith(p) for p in self.prefixes)


@frozen
class PackInfo:
    """What a rule pack says about itself through ``minzheng_pack``.

    ``name`` is the short name used on the command line (``jian``); ``version`` is
    filled from the installed distribution when the pack leaves it empty.
    """

    name: str = field(validator=_check_id)
    title_zh: str
    title_en: str
    region: RegionInfo | None = None
    documents: tuple[Document, ...] = ()
    version: str = ""

    def title(self, lang: str = "en") -> str:
        return self.title_zh if lang == "zh" else self.title_en


@frozen
class Fact:
    """One value of one indicator for one unit, in one period (``None``: undated)."""

    unit: str
    indicator: str
    period: str | None
    value: Value


@frozen
class Derivation:
    """A requirement derived from another fact: ``factor × base``, rounded.

    "社工人才总数: 常住人口的千分之一" is ``Derivation("resident_population",
    Decimal("0.001"), Rounding.UP)``.
    """

    base: str = field(metadata=FACT)
    factor: Decimal
    rounding: Rounding = Rounding.NONE

    def apply(self, base_value: Decimal | int) -> Decimal:
        """The derived value for a base value, exact and rounded as declared."""
        raw = Decimal(base_value) * self.factor
        return round_value(raw, self.rounding)


def compound_growth(start: Decimal, end: Decimal, years: int) -> Decimal | None:
    """The compound annual growth rate from ``start`` to ``end`` over ``years`` years, as
    a fraction (0.087 = 8.7 % a year), to 28 significant digits.

    ``None`` when it is undefined: no years between, or a start that is not positive.
    """
    if years <= 0 or start <= 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 28
        return (end / start) ** (Decimal(1) / Decimal(years)) - 1


def _plain(value: Decimal) -> str:
    return format(value, "f")


def round_value(value: Decimal, rounding: Rounding) -> Decimal:
    """Round ``value`` to a whole number up or down, or leave it exact."""
    match rounding:
        case Rounding.UP:
            return value.to_integral_value(rounding="ROUND_CEILING")
        case Rounding.DOWN:
            return value.to_integral_value(rounding="ROUND_FLOOR")
        case Rounding.NONE:
            return value


@frozen
class Bracket:
    """One band of a :class:`~minzheng.rules.BracketRule`: the base's range and the value required in it.

    In a rules file a band is written with ``min`` (≥, 以上), ``above`` (>, 超过),
    ``max`` (≤, 以下) and ``below`` (<, 不满), e.g. ``{max: 20000, required: 2}``.
    """

    required: Decimal
    lower: Decimal | None = None
    lower_inclusive: bool = True
    upper: Decimal | None = None
    upper_inclusive: bool = True

    def contains(self, value: Decimal) -> bool:
        if self.lower is not None and (
            value < self.lower or (value == self.lower and not self.lower_inclusive)
        ):
            return False
        return not (
            self.upper is not None
            and (value > self.upper or (value == self.upper and not self.upper_inclusive))
        )

    def describe(self) -> str:
        lo = (
            ""
            if self.lower is None
            else f"{_plain(self.lower)} {'≤' if self.lower_inclusive else '<'} "
        )
        hi = (
            ""
            if self.upper is None
            else f" {'≤' if self.upper_inclusive else '<'} {_plain(self.upper)}"
        )
        return f"{lo}x{hi}"


def _check_changes(
    instance: Schedule,
    attribute: attrs.Attribute[tuple[tuple[date, Decimal], ...]],
    value: tuple[tuple[date, Decimal], ...],
) -> None:
    if not value:
        raise ValueError("a schedule has at least one value")
    dates = [d for d, _ in value]
    if dates != sorted(dates) or len(set(dates)) != len(dates):
        raise ValueError(f"a schedule's effective dates must be distinct and increasing: {dates}")


@frozen
class Schedule:
    """A value that changes on effective dates, e.g. a subsidy standard.

    ``changes`` pairs each effective date with the value in force from that day on.
    """

    changes: tuple[tuple[date, Decimal], ...] = field(validator=_check_changes)
    measure: str = ""

    def growth(self) -> Decimal | None:
        """Compound annual growth from the first value to the last, over the calendar
        years between their effective dates (``None`` with one value or a zero start).

        E.g. 农村低保标准 270 (2015) → 410 (2020): (410/270)^(1/5) − 1 ≈ 0.0870.
        """
        (start, first), (end, last) = self.changes[0], self.changes[-1]
        return compound_growth(first, last, end.year - start.year)

    def on(self, day: date) -> Decimal | None:
        """The value in force on ``day``; ``None`` before the first effective date."""
        current: Decimal | None = None
        for effective, value in self.changes:
            if effective > day:
                break
            current = value
        return current


@frozen
class Standard:
    """A programme's standard (e.g. 困难残疾人生活补贴 yuan/person/month) over time."""

    id: str = field(validator=_check_id)
    name_zh: str
    name_en: str
    schedule: Schedule
    citation: Citation | None = None


@frozen
class Program:
    """A civil-affairs programme (城乡低保, 特困供养, …) and its standards."""

    id: str = field(validator=_check_id)
    name_zh: str
    name_en: str
    standards: tuple[Standard, ...] = ()
    citation: Citation | None = None


@frozen
class Trajectory:
    """The straight line from a baseline to a target, read at one period.

    ``expected`` is the line's value at ``year``; ``position`` says whether ``actual``
    is behind, on or ahead of it, taking the indicator's direction into account.
    """

    baseline_year: int
    baseline: Decimal
    target_year: int
    target: Decimal
    year: int
    expected: Decimal
    actual: Decimal | None
    position: Position | None


@frozen
class Part:
    """One line of a finding's breakdown: an item with its actual and required values.

    E.g. one indicator of a scorecard (points scored, maximum points, shortfall), or
    one of two ratios a rule checks. ``note`` says anything else about the item.
    """

    id: str
    name_zh: str
    name_en: str
    actual: Value | None = None
    required: Value | None = None
    gap: Decimal | None = None
    note: str = ""
    group: str = ""  #: a grouping of parts, e.g. a scorecard's category


@frozen
class Finding:
    """What a rule says about one unit (the DESIGN contract).

    ``gap`` is how far ``actual`` is from ``required`` in ``measure`` — zero when met.
    ``due`` is ``False`` while the rule's deadline has not come (the gap is still
    reported), ``True`` once it has, ``None`` for a rule without deadline.
    """

    pack: str
    rule: str
    unit: str
    status: Status
    message_zh: str
    message_en: str
    actual: Value | None = None
    required: Value | None = None
    comparator: Comparator | None = None
    gap: Decimal | None = None
    measure: str = ""
    deadline: date | None = None
    citation: Citation | None = None
    attribute: Attribute = Attribute.BINDING
    due: bool | None = None
    period: str | None = None
    missing: tuple[str, ...] = ()
    details: tuple[str, ...] = ()  #: what the message leaves out, in English
    trajectory: Trajectory | None = None
    parts: tuple[Part, ...] = ()
    details_zh: tuple[str, ...] = ()  #: the details in Chinese

    @property
    def severity(self) -> Severity | None:
        """``failure`` or ``warning`` for a finding that is not met; else ``None``.

        An error is a failure. A missed requirement is a warning while its deadline has
        not come or when its attribute is expected (预期性); otherwise a failure.
        """
        if self.status is Status.ERROR:
            return Severity.FAILURE
        if self.status is not Status.NOT_MET:
            return None
        if self.due is False or self.attribute is Attribute.EXPECTED:
            return Severity.WARNING
        return Severity.FAILURE

    def message(self, lang: str = "en") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def details_in(self, lang: str = "en") -> tuple[str, ...]:
        """The details in ``lang`` (the English ones when a rule gives no Chinese)."""
        return self.details_zh or self.details if lang == "zh" else self.details


@frozen
class TargetValue:
    """A derived target for one unit, computed without assessing it.

    E.g. the staff a township office needs for its population (J-staff-by-pop), or the
    social workers a county needs (1‰ of its resident population). ``required`` is
    ``None`` when a fact it derives from is missing; ``missing`` names those facts.
    ``trajectory`` gives the value expected in each year from baseline to target.
    """

    rule: str
    unit: str
    indicator: str
    comparator: Comparator
    required: Decimal | None
    measure: str
    basis_zh: str
    basis_en: str
    deadline: date | None = None
    inputs: tuple[tuple[str, Decimal | int], ...] = ()
    trajectory: tuple[tuple[int, Decimal], ...] = ()
    missing: tuple[str, ...] = ()  #: facts needed to derive it that the dataset lacks
    pack: str = ""  #: the pack whose rule derives it (the engine fills it in)


@frozen
class RollUp:
    """How the units below one unit fare on one rule (share of units that meet it).

    ``share_met`` is met / (met + not met + unknown + error), as an exact fraction, or
    ``None`` when no unit below was assessed; units to which the rule does not apply are
    left out of the share.
    """

    pack: str
    rule: str
    unit: str
    level: Level
    met: int = 0
    not_met: int = 0
    unknown: int = 0
    not_applicable: int = 0
    error: int = 0

    @property
    def assessed(self) -> int:
        return self.met + self.not_met + self.unknown + self.error

    @property
    def share_met(self) -> Decimal | None:
        if not self.assessed:
            return None
        return (Decimal(self.met) / Decimal(self.assessed)).quantize(Decimal("0.0001"))


@frozen
class Report:
    """The result of an assessment: findings, roll-ups and a summary by status.

    Iterating a report gives its findings (:class:`Finding` objects); :attr:`table`
    gives them as one polars DataFrame (:data:`minzheng.engine.findings.FINDINGS_SCHEMA`).
    """

    on: date
    dataset: str
    packs: tuple[str, ...]
    findings: tuple[Finding, ...]
    rollups: tuple[RollUp, ...] = ()
    summary: Mapping[Status, int] = field(factory=dict)
    errors: tuple[str, ...] = ()
    #: The findings as a polars DataFrame, one row each, in order (as the engine made
    #: them; :func:`minzheng.engine.findings.findings_frame` makes one from findings).
    table: Any = field(default=None, eq=False, repr=False)
    #: The run's record (:class:`~minzheng.model.RunRecord`), which every output
    #: carries; ``None`` until :func:`minzheng.engine.runs.start_run` made one.
    run: RunRecord | None = field(default=None, eq=False)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)
