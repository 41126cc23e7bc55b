"""The engine: apply rule packs to a dataset and report findings and targets.

:class:`Engine` evaluates every rule over whole columns (polars): for each chosen pack
and each of its rules, the units the rule speaks of at once, then every finding in one
order: by unit (file order), pack and rule. It writes nothing.

* :meth:`Engine.assess_table` returns the findings as one polars DataFrame
  (:data:`minzheng.engine.findings.FINDINGS_SCHEMA`).
* :meth:`Engine.assess` returns a :class:`~minzheng.model.Report`: iterating it, or
  its ``findings``, gives :class:`~minzheng.model.Finding` objects; ``table`` the
  DataFrame; ``summary`` and ``rollups`` the counts.
* :meth:`Engine.iter_assess` yields the findings one by one.
* :meth:`Engine.targets_table` returns the targets each rule derives (what each unit
  must reach, without assessing it) as one DataFrame; :meth:`Engine.iter_targets`
  yields them as :class:`~minzheng.model.TargetValue` objects.

The statuses are those of the contract: a missing fact gives ``unknown`` naming it,
never ``met``; a rule not yet in force gives ``not_applicable``; a rule that raises
gives ``error`` findings naming the pack and the rule, and the run goes on; a rule whose
deadline has not come still reports its gap, with ``due`` false.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, TypeAlias

from minzheng.engine._tally import Tally, resolve_date
from minzheng.io.dataset import Dataset
from minzheng.io.stream import DatasetStream
from minzheng.model import Finding, Report, TargetValue
from minzheng.packs._isolation import stdout_to_stderr
from minzheng.packs.registry import LoadedPack, Registry

if TYPE_CHECKING:
    import polars as pl

    from minzheng.engine._columnar import Planned
    from minzheng.io.tables import Tables
    from minzheng.rules.base import Rule
    from minzheng.rules.columns import Facts

#: What the engine reads, a dataset, a stream of files (read by column) or tables.
Data: TypeAlias = "Dataset | DatasetStream | Tables"

__all__ = ["Data", "Engine", "Tally", "assess", "iter_assess", "iter_targets", "resolve_date"]


class Engine:
    """Applies the packs of one :class:`~minzheng.packs.registry.Registry` (its own plugin
    manager) to datasets, over columns (see the module's docstring).

    ``options`` are handed to every rule (``Frame.options``), e.g.
    ``{"score_table": table}`` for the packs that score against an indicator table.
    """

    def __init__(
        self, registry: Registry | None = None, *, options: Mapping[str, object] | None = None
    ) -> None:
        self.registry = registry if registry is not None else Registry.discover()
        self.options: Mapping[str, object] = options or {}

    def _chosen(self, packs: Iterable[str] | None) -> list[LoadedPack]:
        if packs is None:
            return [p for p in self.registry.packs.values() if p.rules]
        return [self.registry.pack(name) for name in packs]

    def _only(self, rules: Iterable[str] | None) -> frozenset[tuple[str, str]] | None:
        """The rules asked for (ids, or ``PACK:RULE`` where two packs use an id) as
        ``(pack, rule id)`` pairs (``None``: every rule)."""
        if rules is None:
            return None
        found = (self.registry.rule(rule_id) for rule_id in rules)  # with a suggestion
        return frozenset((pack.name, rule.id) for pack, rule in found)

    def rules(
        self, packs: Iterable[str] | None = None, rules: Iterable[str] | None = None
    ) -> list[tuple[LoadedPack, Rule]]:
        """The rules a run with these ``packs`` and ``rules`` applies (the arguments of
        :meth:`assess_table`), each with its pack, in the order they run."""
        only = self._only(rules)
        return [
            (pack, rule)
            for pack in self._chosen(packs)
            for rule in pack.rules
            if only is None or (pack.name, rule.id) in only
        ]

    def assess_table(
        self,
        data: Data,
        packs: Iterable[str] | None = None,
        on: date | None = None,
        *,
        what_if: bool = False,
        rules: Iterable[str] | None = None,
    ) -> pl.DataFrame:
        """Every finding as one DataFrame (:data:`~minzheng.engine.findings.FINDINGS_SCHEMA`),
        ordered by unit, pack and rule.

        ``packs`` names the packs to apply (default: every installed pack with rules);
        ``what_if`` applies them to units outside their region too; ``on`` is the
        assessment date (default: the dataset's ``as_of``, else the end of its latest
        period); ``rules`` keeps only the rules with these ids. ``data`` may be a
        :class:`~minzheng.Dataset`, :class:`~minzheng.io.tables.Tables` or a
        :class:`~minzheng.DatasetStream` (whose files are read by column)."""
        from minzheng.engine._columnar import assess_columns

        tables, planned, facts = self._prepare(data, packs, on, rules)
        with stdout_to_stderr():  # the packs' code runs here: their prints are not output
            table = assess_columns(tables, planned, facts, what_if=what_if, options=self.options)
        return table.drop("_idx", "_pack", "_rule")

    def _prepare(
        self,
        data: Data,
        packs: Iterable[str] | None,
        on: date | None,
        rules: Iterable[str] | None,
    ) -> tuple[Tables, list[Planned], Facts]:
        """The tables to read, the rules to run in order, and the facts as of the date."""
        from minzheng.engine._columnar import plan
        from minzheng.io.tables import read_tables, tables_from_dataset
        from minzheng.rules.columns import Facts

        indicators = self.registry.indicators
        if isinstance(data, DatasetStream):
            tables = read_tables(data.facts_path, indicators)
        elif isinstance(data, Dataset):
            tables = tables_from_dataset(data, indicators)
        else:
            tables = data
        planned = plan(self._chosen(packs), self._only(rules), self.registry.withheld)
        day = resolve_date(tables, on)
        return tables, planned, Facts(tables.units, tables.facts, day, indicators)

    def iter_assess(
        self,
        data: Data,
        packs: Iterable[str] | None = None,
        on: date | None = None,
        *,
        what_if: bool = False,
        rules: Iterable[str] | None = None,
    ) -> Iterator[Finding]:
        """Every finding as a :class:`~minzheng.model.Finding`, in order (the
        arguments are those of :meth:`assess_table`)."""
        from minzheng.engine.findings import finding_objects

        return finding_objects(self.assess_table(data, packs, on, what_if=what_if, rules=rules))

    def assess(
        self,
        data: Data,
        packs: Iterable[str] | None = None,
        on: date | None = None,
        *,
        what_if: bool = False,
        rules: Iterable[str] | None = None,
    ) -> Report:
        """Assess every unit and collect a :class:`~minzheng.model.Report` (the
        arguments are those of :meth:`assess_table`), whose ``table`` is the findings'
        DataFrame."""
        from minzheng.engine.findings import finding_objects

        packs = list(packs) if packs is not None else None
        table = self.assess_table(data, packs, on, what_if=what_if, rules=rules)
        tally = Tally(_as_dataset(data))
        findings = tuple(finding_objects(table))
        for finding in findings:
            tally.add(finding)
        return Report(
            on=resolve_date(data, on),
            dataset=data.name or data.source,
            packs=tuple(p.name for p in self._chosen(packs)),
            findings=findings,
            rollups=tally.rollups(),
            summary=tally.summary,
            errors=tuple(str(e) for e in self.registry.errors),
            table=table,
        )

    def targets_table(
        self,
        data: Data,
        packs: Iterable[str] | None = None,
        on: date | None = None,
        *,
        what_if: bool = False,
        rules: Iterable[str] | None = None,
    ) -> pl.DataFrame:
        """The targets each applicable rule derives for each unit, as one DataFrame
        (:data:`~minzheng.engine.findings.TARGETS_SCHEMA`) ordered by unit, pack and
        rule; the arguments are those of :meth:`assess_table`.

        A target that cannot be derived because a fact is missing has ``required``
        null and names the missing facts."""
        from minzheng.engine._targets import derive_targets

        tables, planned, facts = self._prepare(data, packs, on, rules)
        with stdout_to_stderr():
            return derive_targets(tables, planned, facts, what_if=what_if, options=self.options)

    def iter_targets(
        self,
        data: Data,
        packs: Iterable[str] | None = None,
        on: date | None = None,
        *,
        what_if: bool = False,
        rules: Iterable[str] | None = None,
    ) -> Iterator[TargetValue]:
        """The rows of :meth:`targets_table` as :class:`~minzheng.model.TargetValue`
        objects (``required`` ``None`` when a fact it derives from is missing)."""
        from minzheng.engine.findings import target_objects

        return target_objects(self.targets_table(data, packs, on, what_if=what_if, rules=rules))


def _as_dataset(data: Data) -> Dataset:
    """A dataset of the units (without facts) for the roll-ups' tree."""
    if isinstance(data, Dataset):
        return data
    if isinstance(data, DatasetStream):
        return data.dataset
    from minzheng.io.tables import units_of

    return Dataset(units=units_of(data.units), facts={}, name=data.name, source=data.source)


def assess(
    data: Data,
    packs: Iterable[str] | None = None,
    on: date | None = None,
    *,
    what_if: bool = False,
    registry: Registry | None = None,
) -> Report:
    """Assess ``data`` with the installed packs (see :meth:`Engine.assess`; an
    :class:`Engine` also takes options for the packs and a choice of rules)."""
    return Engine(registry).assess(data, packs, on, what_if=what_if)


def iter_assess(
    data: Data,
    packs: Iterable[str] | None = None,
    on: date | None = None,
    *,
    what_if: bool = False,
    registry: Registry | None = None,
) -> Iterator[Finding]:
    """Every finding, one by one (see :meth:`Engine.iter_assess`)."""
    return Engine(registry).iter_assess(data, packs, on, what_if=what_if)


def iter_targets(
    data: Data,
    packs: Iterable[str] | None = None,
    on: date | None = None,
    *,
    what_if: bool = False,
    registry: Registry | None = None,
) -> Iterator[TargetValue]:
    """Every derived target, one by one (see :meth:`Engine.iter_targets`)."""
    return Engine(registry).iter_targets(data, packs, on, what_if=what_if)
