"""A dataset: units (in file order) and their facts, as of any date. No I/O: reading
and writing datasets is :mod:`minzheng.io.dataset`'s."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date

from attrs import field, frozen

from minzheng.model import (
    Fact,
    Unit,
    Value,
)
from minzheng.model.values import (
    period_end,
    value_as_of,
)

__all__ = ["Dataset", "FactTable"]


#: unit code → indicator id → period (``None``: undated) → value
FactTable = Mapping[str, Mapping[str, Mapping[str | None, Value]]]


@frozen
class Dataset:
    """Units (in file order) and their facts.

    Use :func:`load_dataset` to read one from a file; building one directly skips the
    file checks but not the models' own validation.
    """

    units: Mapping[str, Unit]
    facts: FactTable
    name: str = ""
    note: str = ""
    as_of: date | None = None
    source: str = ""
    _children: dict[str, tuple[Unit, ...]] = field(init=False, eq=False, repr=False)
    #: unit code → the unit and the units above it (filled as ancestors are asked for)
    _above: dict[str, tuple[Unit, ...]] = field(init=False, eq=False, repr=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        children: dict[str, list[Unit]] = {}
        for unit in self.units.values():
            if unit.parent is not None:
                children.setdefault(unit.parent, []).append(unit)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})

    def __len__(self) -> int:
        return len(self.units)

    def children(self, code: str) -> tuple[Unit, ...]:
        """The units whose parent is ``code``, in file order."""
        return self._children.get(code, ())

    def ancestors(self, code: str) -> tuple[Unit, ...]:
        """The units above ``code``, nearest first, as far as the dataset holds them."""
        parent = self.units[code].parent
        if parent is None or parent not in self.units:
            return ()
        found = self._above.get(parent)  # remembered for the units that have children
        if found is None:
            found = self._above[parent] = (self.units[parent], *self.ancestors(parent))
        return found

    def value_as_of(self, code: str, indicator: str, on: date) -> tuple[str | None, Value] | None:
        """``(period, value)`` of the latest period ending on or before ``on``.

        An undated value is used when no dated value qualifies; ``None`` when there is
        nothing to use.
        """
        periods = self.facts.get(code, {}).get(indicator)
        return value_as_of(periods, on) if periods else None

    def series(self, code: str, indicator: str) -> dict[str, Value]:
        """Every dated value of one fact of one unit, oldest first."""
        periods = self.facts.get(code, {}).get(indicator, {})
        return {
            p: periods[p] for p in sorted((p for p in periods if p is not None), key=period_end)
        }

    def iter_facts(self) -> Iterator[Fact]:
        """Every fact, unit by unit in file order."""
        for code in self.units:
            for indicator, periods in self.facts.get(code, {}).items():
                for period, value in periods.items():
                    yield Fact(code, indicator, period, value)

    def latest_period_end(self) -> date | None:
        """The last day of the latest period any fact has (``None``: no dated fact)."""
        ends = [
            period_end(p) for table in self.facts.values() for ps in table.values() for p in ps if p
        ]
        return max(ends) if ends else None
