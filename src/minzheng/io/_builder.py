"""Building a dataset from any format's rows, with every problem found on the way."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from minzheng.errors import DatasetError, Problem
from minzheng.i18n import Msg, msg
from minzheng.io.converter import describe_error, structure
from minzheng.model import (
    LEVEL_RANK,
    Area,
    Indicator,
    InvalidField,
    Kind,
    Level,
    Unit,
    Value,
    check_code,
    natural_parent,
)
from minzheng.model.dataset import Dataset
from minzheng.model.values import (
    ValueProblem,
    closest,
    parse_period,
    parse_value,
    show,
)

__all__ = ["TOP_KEYS", "DatasetBuilder"]


_UNIT_KEYS = {"code", "name", "level", "parent", "area", "type"}
#: The top-level fields of a dataset file.
TOP_KEYS = {"name", "note", "as_of", "units"}
_LEVELS: dict[str, Level] = {level.value: level for level in Level}
_AREAS: dict[str, Area] = {area.value: area for area in Area}


class DatasetBuilder:
    """Collects units and facts from any format, with every problem found on the way."""

    def __init__(self, label: str, indicators: Mapping[str, Indicator]) -> None:
        self.label = label
        self.indicators = indicators
        self.problems: list[Problem] = []
        self.units: dict[str, Unit] = {}
        self.facts: dict[str, dict[str, dict[str | None, Value]]] = {}
        #: period as written → canonical period, for the periods seen so far
        self._periods: dict[str, str] = {}
        #: Where in a workbook the values being read are (set by the Excel reader).
        self.sheet: str | None = None
        self.column: str | None = None

    def problem(
        self,
        at: tuple[str | None, str | None],
        expected: str | Msg,
        found: str | Msg,
        hint: str | Msg = "",
        row: int | None = None,
    ) -> None:
        """Record a problem ``at`` a unit and a field (either ``None`` when it is not
        of one), in ``row`` of the file when known."""
        unit, fld = at
        self.problems.append(
            Problem(
                self.label,
                unit,
                fld,
                expected,
                found,
                hint,
                row=row,
                sheet=self.sheet,
                column=self.column,
            )
        )

    def row_reported(self, code: str, row: int, field: str = "unit") -> bool:
        """The last problem already says that this row's unit (or its period) is wrong:
        a wide row's other values need not say it again."""
        last = self.problems[-1] if self.problems else None
        return last is not None and last.row == row and last.unit == code and last.field == field

    def add_unit(self, raw: object, where: str, row: int | None = None) -> str | None:
        """Validate one unit's own fields; return its code when it is usable."""
        if not isinstance(raw, Mapping):
            self.problem((where, None), msg("expected.unit_mapping"), repr(raw), row=row)
            return None
        data = {k: v for k, v in raw.items() if k != "facts"}
        if isinstance(data.get("name"), str):
            data["name"] = data["name"].strip()
        for key in ("code", "parent"):  # YAML reads 360821 unquoted as a number
            if isinstance(data.get(key), int) and not isinstance(data.get(key), bool):
                data[key] = str(data[key])
        code = data.get("code")
        name = code if isinstance(code, str) and code else where
        try:
            level = structure(data.get("level"), Level) if "level" in data else None
        except ValueProblem:
            level = None  # reported with the other fields below
        if isinstance(code, str) and level is not None:
            problem = check_code(code, level)
            if problem:
                self.problem((name, "code"), problem, repr(code), row=row)
                return None
        try:
            unit = structure(data, Unit)
        except Exception as exc:
            for fld, expected, found in describe_error(exc, data):
                self.problem((name, fld), expected, found, row=row)
            return None
        if unit.code in self.units:
            self.problem(
                (unit.code, "code"), msg("expected.code_once"), msg("found.duplicate"), row=row
            )
            return None
        self.units[unit.code] = unit
        return unit.code

    def add_unit_row(self, cells: list[str], row: int) -> bool:
        """Add a well-formed ``units.csv`` row, its cells in the order of
        ``_UNIT_COLUMNS``, directly (the common case, fast); ``False``, having added
        nothing, when the row needs :meth:`add_unit`, which names its every problem."""
        code, name, level_text, parent, area_text, type_ = cells
        level = _LEVELS.get(level_text)
        area = _AREAS.get(area_text) if area_text else None
        if level is None or (area is None and area_text) or code in self.units:
            return False
        try:
            unit = Unit(code, name, level, parent or None, area, type_ or None)
        except (ValueError, InvalidField):
            return False
        self.units[code] = unit
        return True

    def known(self, code: str, indicator: str, row: int | None = None) -> Indicator | None:
        """The declared indicator, or ``None`` after reporting it unknown."""
        ind = self.indicators.get(indicator)
        if ind is None:
            guess = closest(indicator, self.indicators)
            hint = msg("hint.did_you_mean", guess=guess) if guess else msg("hint.no_pack_declares")
            packs = getattr(self.indicators, "withheld", {}).get(indicator)
            if packs:  # two packs declare it differently (minzheng.packs.registry)
                hint = msg("hint.withheld", packs=", ".join(packs))
            expected = msg("expected.known_indicator")
            self.problem((code, indicator), expected, repr(indicator), hint, row=row)
        return ind

    def add_fact(
        self, code: str, indicator: str, period: object, raw: object, row: int | None = None
    ) -> None:
        """Validate and store one value (``period`` ``None``: undated)."""
        ind = self.indicators.get(indicator) or self.known(code, indicator, row)
        if ind is None:
            return
        key: str | None = None
        if period is not None:
            key = self._periods.get(period)  # type: ignore[call-overload]
            if key is None:
                key = self.period_key(code, indicator, period, row)
                if key is None:
                    return
        if raw is None:
            return  # not known: rules that need it report unknown
        try:
            value = parse_value(ind, raw)
        except ValueProblem as exc:
            fld = indicator if key is None else f"{indicator}[{key}]"
            self.problem((code, fld), exc.expected, show(exc.found), exc.hint, row=row)
            return
        periods = self.facts.setdefault(code, {}).setdefault(indicator, {})
        if periods and (key is None) != (None in periods):
            fld = indicator if key is None else f"{indicator}[{key}]"
            self.problem((code, fld), msg("expected.all_dated"), msg("found.mix"), row=row)
            return
        if key in periods:
            fld = indicator if key is None else f"{indicator}[{key}]"
            self.problem(
                (code, fld), msg("expected.value_per_period"), msg("found.second_value"), row=row
            )
            return
        periods[key] = value

    def period_key(self, code: str, indicator: str, period: object, row: int | None) -> str | None:
        """The canonical form of a period (``2018``, ``2018-06``), or ``None`` once a
        period that is not one has been reported: under its indicator for a mapping's
        key, as the ``period`` column (once a row) for a table's."""
        try:
            key = parse_period(period)
        except ValueProblem as exc:
            if row is None:
                self.problem((code, indicator), exc.expected, show(exc.found))
            elif not self.row_reported(code, row, "period"):
                self.problem((code, "period"), exc.expected, show(exc.found), row=row)
            return None
        if isinstance(period, str):
            self._periods[period] = key
        return key

    def add_facts(self, code: str, raw: object) -> None:
        if raw is None:
            return
        if not isinstance(raw, Mapping):
            self.problem((code, "facts"), msg("expected.indicator_mapping"), repr(raw))
            return
        for indicator, value in raw.items():
            if isinstance(value, Mapping) and self.known(code, str(indicator)) is None:
                continue  # reported once, not once per period
            if isinstance(value, Mapping) and not self._is_score_sheet(str(indicator), value):
                for period, item in value.items():
                    self.add_fact(code, str(indicator), period, item)
            else:
                self.add_fact(code, str(indicator), None, value)

    def _is_score_sheet(self, indicator: str, value: Mapping[Any, Any]) -> bool:
        """A mapping is a score sheet (one undated value) rather than values by period
        when the indicator takes scores and its keys are not all periods."""
        ind = self.indicators.get(indicator)
        if ind is None or ind.kind is not Kind.SCORES:
            return False
        return not all(_is_period(k) for k in value)

    def check_tree(self) -> None:
        """Parents exist, form no cycle, sit above their children and prefix their codes."""
        self._known_parents()
        reported = self._cycles()
        for code, unit in self.units.items():
            if code not in reported:
                self._placed(code, unit)

    def _known_parents(self) -> None:
        """A parent left out is inferred from the code; one given must be in the dataset."""
        units = self.units
        for code, unit in units.items():  # a value replaced, none added: safe to go on
            if unit.parent is None:
                inferred = _infer_parent(code, unit.level, units)
                if inferred:
                    units[code] = Unit(code, unit.name, unit.level, inferred, unit.area, unit.type)
            elif unit.parent not in units:
                guess = closest(unit.parent, units)
                self.problem(
                    (code, "parent"),
                    msg("expected.parent_in_dataset"),
                    repr(unit.parent),
                    msg("hint.did_you_mean", guess=guess) if guess else "",
                )

    def _cycles(self) -> set[str]:
        """Report each cycle of parents once; return the units in one."""
        units = self.units
        reported: set[str] = set()
        ends: set[str] = set()  # units whose chain of parents is known to end
        for code, unit in units.items():
            parent = unit.parent
            if parent is None or parent in ends:  # the common case: a parent seen before
                ends.add(code)
                continue
            chain = [code]
            while parent is not None and parent not in ends and parent in units:
                if parent in chain:
                    break
                chain.append(parent)
                parent = units[parent].parent
            if parent is not None and parent in chain and not reported & set(chain):
                cycle = " → ".join([*chain[chain.index(parent) :], parent])
                self.problem(
                    (code, "parent"), msg("expected.parent_chain"), msg("found.cycle", cycle=cycle)
                )
                reported.update(chain)
            elif parent is None or parent in ends or parent not in units:
                ends.update(chain)
        return reported

    def _placed(self, code: str, unit: Unit) -> None:
        """A unit's parent sits above it and its code begins the unit's code."""
        above = self.units.get(unit.parent) if unit.parent is not None else None
        if above is None:
            return
        level = unit.level
        if LEVEL_RANK[above.level] >= LEVEL_RANK[level]:
            self.problem(
                (code, "parent"),
                msg("expected.unit_above", level=msg(f"level.{level.value}")),
                msg("found.at_level", code=above.code, level=msg(f"level.{above.level.value}")),
            )
        elif not _prefixed(code, level, above.code):
            self.problem(
                (code, "parent"),
                msg("expected.parent_prefix", code=code),
                repr(above.code),
                msg("hint.parent_prefix"),
            )

    def build(self, *, name: str, note: str, as_of: date | None) -> Dataset:
        self.check_tree()
        if self.problems:
            raise DatasetError(self.problems)
        return Dataset(
            units=dict(self.units),
            facts=self.facts,
            name=name,
            note=note,
            as_of=as_of,
            source=self.label,
        )


def _is_period(key: object) -> bool:
    try:
        parse_period(key)
    except ValueProblem:
        return False
    return True


def _prefixed(code: str, level: Level, parent: str) -> bool:
    if level is Level.FACILITY:
        return code.split("-", 1)[0] == parent
    return code.startswith(parent)


def _infer_parent(code: str, level: Level, units: Mapping[str, Unit]) -> str | None:
    """The nearest unit present whose code the unit's code begins with."""
    candidate = natural_parent(code, level)
    while candidate:
        if candidate in units and candidate != code:
            return candidate
        candidate = {9: candidate[:6], 6: candidate[:4], 4: candidate[:2]}.get(len(candidate))
    return None
