"""Counting findings: by status, and rolled up the unit tree (the share of the units
below each unit that meet each rule), and the assessment date of a run."""

from __future__ import annotations

import collections
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from minzheng.io.dataset import Dataset
from minzheng.io.stream import DatasetStream
from minzheng.model import Finding, Level, RollUp, Severity, Status

if TYPE_CHECKING:
    from minzheng.io.tables import Blocks, Tables

__all__ = ["Tally", "resolve_date"]


def resolve_date(dataset: Dataset | DatasetStream | Tables | Blocks, on: date | None) -> date:
    """The assessment date: ``on``, else the dataset's ``as_of``, else the end of its
    latest period, else today."""
    if on is not None:
        return on
    as_of = dataset.dataset.as_of if isinstance(dataset, DatasetStream) else dataset.as_of
    return as_of or dataset.latest_period_end() or date.today()


class Tally:
    """Counts findings by status and rolls them up the unit tree as they stream past.

    Memory grows with the number of (rule, ancestor unit) pairs, not with the number of
    findings; with ``rollups=False`` it only counts (the summary and the exit status
    need no more).
    """

    def __init__(self, dataset: Dataset, *, rollups: bool = True) -> None:
        self._dataset = dataset
        self.by_status: collections.Counter[Status] = collections.Counter()
        self.failures = 0
        self.warnings = 0
        self._rollups: dict[tuple[str, str, str, Level], list[int]] = {}
        self._ancestors: dict[str, tuple[str, ...]] = {}
        self._keep = rollups

    _SLOT: ClassVar[dict[Status, int]] = {
        Status.MET: 0,
        Status.NOT_MET: 1,
        Status.UNKNOWN: 2,
        Status.NOT_APPLICABLE: 3,
        Status.ERROR: 4,
    }

    def _up(self, code: str) -> tuple[str, ...]:
        found = self._ancestors.get(code)
        if found is None:
            parent = self._dataset.units[code].parent
            found = (
                ()
                if parent is None or parent not in self._dataset.units
                else (parent, *self._up(parent))
            )
            self._ancestors[code] = found
        return found

    def add(self, finding: Finding) -> None:
        status = finding.status
        self.by_status[status] += 1
        if status is Status.NOT_MET or status is Status.ERROR:  # else no severity
            if finding.severity is Severity.FAILURE:
                self.failures += 1
            else:
                self.warnings += 1
        if not self._keep:
            return
        unit = self._dataset.units.get(finding.unit)
        if unit is None:
            return
        slot = self._SLOT[finding.status]
        for ancestor in self._up(finding.unit):
            key = (finding.pack, finding.rule, ancestor, unit.level)
            counts = self._rollups.get(key)
            if counts is None:
                counts = self._rollups[key] = [0, 0, 0, 0, 0]
            counts[slot] += 1

    def rollups(self) -> tuple[RollUp, ...]:
        """Roll-ups ordered by the unit above (file order), then pack, rule and level."""
        order = {code: i for i, code in enumerate(self._dataset.units)}
        keys = sorted(self._rollups, key=lambda k: (order.get(k[2], 0), k[0], k[1], k[3].rank))
        return tuple(
            RollUp(pack, rule, unit, level, *self._rollups[(pack, rule, unit, level)])
            for pack, rule, unit, level in keys
        )

    @property
    def summary(self) -> dict[Status, int]:
        return {status: self.by_status.get(status, 0) for status in Status}
