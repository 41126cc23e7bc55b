"""Targets: what each unit must reach under each rule, derived without assessing it.

Targets are derived unit by unit: each rule's :meth:`~minzheng.rules.Rule.targets` reads
the unit's facts through a :class:`~minzheng.rules.UnitContext`. (Findings are computed
over columns; targets are the one per-unit path left, see the changelog.) A target
that cannot be derived because a fact is missing comes with ``required`` ``None`` and
the missing facts named; a rule that raises gives a target naming the error.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date

import attrs

from minzheng.io.dataset import Dataset
from minzheng.io.stream import DatasetStream
from minzheng.model import Comparator, Level, TargetValue, Unit
from minzheng.packs.registry import LoadedPack
from minzheng.rules import MissingFact, Rule, UnitContext

__all__ = ["derive_targets"]

_Plan = tuple[tuple[LoadedPack, tuple[Rule, ...]], ...]


def derive_targets(
    dataset: Dataset | DatasetStream,
    chosen: Iterable[LoadedPack],
    day: date,
    *,
    only: frozenset[str] | None,
    what_if: bool,
    indicators: Mapping[str, object],
    options: Mapping[str, object] | None,
) -> Iterator[TargetValue]:
    """The targets of every chosen rule in force on ``day``, unit by unit (a stream
    county by county), each with its pack filled in."""
    chosen = list(chosen)
    plans: dict[tuple[Level, str | None, str | None], _Plan] = {}
    for units, data in _groups(dataset):
        for unit in units:
            kind = (unit.level, unit.type, unit.area)
            plan = plans.get(kind)
            if plan is None:
                plan = plans[kind] = _plan(unit, chosen, only)
            ctx = UnitContext(unit, data, day, indicators, options)  # type: ignore[arg-type]
            for pack, rules in plan:
                region = pack.info.region
                if not what_if and (region is None or not region.covers(unit.code)):
                    continue
                for rule in rules:
                    if rule.effective is None or day >= rule.effective:
                        yield from _derived(pack, rule, ctx)


def _groups(dataset: Dataset | DatasetStream) -> Iterable[tuple[Iterable[Unit], Dataset]]:
    if isinstance(dataset, DatasetStream):
        return ((block, dataset.dataset) for block in dataset.blocks())
    return ((dataset.units.values(), dataset),)


def _plan(unit: Unit, chosen: list[LoadedPack], only: frozenset[str] | None) -> _Plan:
    """Each chosen pack with its rules that speak of units like this one."""
    return tuple(
        (
            pack,
            tuple(r for r in pack.rules if r.applies_to(unit) and (only is None or r.id in only)),
        )
        for pack in chosen
    )


def _derived(pack: LoadedPack, rule: Rule, ctx: UnitContext) -> Iterator[TargetValue]:
    try:
        found = list(rule.targets(ctx))
    except MissingFact as missing:
        found = [_undetermined(rule, ctx.unit, missing)]
    except Exception as exc:  # one failing rule must not stop the run
        what = f"{type(exc).__name__}: {exc}"
        found = [
            attrs.evolve(
                _undetermined(rule, ctx.unit, MissingFact()),
                basis_zh=f"规则 {rule.id}(包 {pack.name})出错:{what}",
                basis_en=f"rule {rule.id} of pack {pack.name!r} raised {what}",
            )
        ]
    for target in found:
        yield attrs.evolve(target, pack=pack.name)


def _undetermined(rule: Rule, unit: Unit, missing: MissingFact) -> TargetValue:
    names = ", ".join(missing.indicators)
    indicator = getattr(rule, "indicator", "")
    comparator = getattr(rule, "comparator", Comparator.GE)
    return TargetValue(
        rule=rule.id,
        unit=unit.code,
        indicator=indicator if isinstance(indicator, str) else "",
        comparator=comparator if isinstance(comparator, Comparator) else Comparator.GE,
        required=None,
        measure="",
        basis_zh=f"缺少数据:{names}",
        basis_en=f"missing data: {names}",
        deadline=rule.deadline,
        missing=missing.indicators,
    )
