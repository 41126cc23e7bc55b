"""The engine: apply rule packs to a dataset and report findings and targets.

:class:`Engine` evaluates every rule over whole columns (polars) where the rule has a
columnar form — every declarative kind of :mod:`minzheng.rules` — and checks the rest
(the packs' own kinds, until they are ported) unit by unit, then gives every finding
in one order: by unit (file order), pack and rule.

* :meth:`Engine.assess_table` returns the findings as one polars DataFrame
  (:data:`minzheng.findings.FINDINGS_SCHEMA`); it writes nothing.
* :meth:`Engine.assess` returns a :class:`~minzheng.models.Report`: iterating it, or
  its ``findings``, gives :class:`~minzheng.models.Finding` objects; ``table`` the
  DataFrame.
* :meth:`Engine.iter_assess` yields the findings one by one.

The statuses are those of the contract: a missing fact gives ``unknown`` naming it,
never ``met``; a rule not yet in force gives ``not_applicable``; a rule that raises
gives ``error`` findings naming the pack and the rule, and the run goes on; a rule whose
deadline has not come still reports its gap, with ``due`` false.

A :class:`~minzheng.DatasetStream` (a CSV dataset read county by county) is still
assessed unit by unit, as are targets (:meth:`Engine.iter_targets`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from ..dataset import Dataset
from ..models import Finding, Report
from ..stream import DatasetStream
from ._unitwise import Tally, UnitEngine, iter_targets, resolve_date

if TYPE_CHECKING:
    import polars as pl

    from ..models import Indicator
    from ..plugins import Registry
    from ..tables import Tables
    from ._columnar import Planned

__all__ = [
    "Engine",
    "Tally",
    "UnitEngine",
    "assess",
    "iter_assess",
    "iter_targets",
    "resolve_date",
]


class Engine(UnitEngine):
    """Applies the packs of one :class:`~minzheng.plugins.Registry` to datasets, over
    columns where a rule can be (see the module's docstring)."""

    def assess_table(
        self,
        data: Dataset | Tables,
        packs: Iterable[str] | None = None,
        on: date | None = None,
        *,
        what_if: bool = False,
        options: Mapping[str, object] | None = None,
        rules: Iterable[str] | None = None,
    ) -> pl.DataFrame:
        """Every finding as one DataFrame (:data:`~minzheng.findings.FINDINGS_SCHEMA`),
        ordered by unit, pack and rule. The arguments are those of :meth:`assess`;
        ``data`` may be a :class:`~minzheng.Dataset` or :class:`~minzheng.tables.Tables`
        (e.g. from :func:`~minzheng.tables.read_tables`, which reads CSV and Parquet by
        column)."""
        table, _ = self._run(
            data, packs, on, what_if=what_if, options=options, rules=rules, keep=False
        )
        return table.drop("_idx", "_pack", "_rule", "_kept")

    def _run(
        self,
        data: Dataset | Tables,
        packs: Iterable[str] | None,
        on: date | None,
        *,
        what_if: bool,
        options: Mapping[str, object] | None,
        rules: Iterable[str] | None,
        keep: bool = True,
    ) -> tuple[pl.DataFrame, list[Finding]]:
        """The ordered findings table, with its order columns and ``_kept``: with
        ``keep``, the place in the returned list of each finding made unit by unit (the
        objects themselves); without, those findings are only rows of the table, made a
        block at a time, so that national data never holds them all as objects."""
        import polars as pl

        from ..tables import tables_from_dataset
        from ._columnar import assess_columns, plan

        indicators = self.registry.indicators
        tables = tables_from_dataset(data, indicators) if isinstance(data, Dataset) else data
        day = resolve_date(data, on)
        planned = plan(self._chosen(packs), self._only(rules))
        table, unitwise = assess_columns(
            tables, planned, day, indicators, what_if=what_if, options=options
        )
        table = table.with_columns(pl.lit(None, pl.Int64).alias("_kept"))
        if not unitwise:
            return table, []
        dataset = data if isinstance(data, Dataset) else _dataset(tables, indicators, unitwise)
        findings = UnitEngine.iter_assess(
            self, dataset, sorted({p.pack.name for p in unitwise}), day, what_if=what_if,
            options=options, rules={p.rule.id for p in unitwise},
        )  # fmt: skip
        order = {(p.pack.name, p.rule.id): (p.pack_order, p.rule_order) for p in planned}
        index = dict(
            zip(tables.units["code"].to_list(), tables.units["idx"].to_list(), strict=True)
        )
        kept: list[Finding] = []
        blocks = [table]
        for block in _batched(findings):
            start = len(kept) if keep else None
            blocks.append(_keyed(block, index, order, start))
            if keep:
                kept.extend(block)
        merged = pl.concat(blocks, how="vertical").sort(
            ["_idx", "_pack", "_rule"], maintain_order=True
        )
        return merged, kept

    def iter_assess(
        self,
        dataset: Dataset | DatasetStream | Tables,
        packs: Iterable[str] | None = None,
        on: date | None = None,
        *,
        what_if: bool = False,
        tally: Tally | None = None,
        options: Mapping[str, object] | None = None,
        rules: Iterable[str] | None = None,
    ) -> Iterator[Finding]:
        """Every finding, unit by unit (see :meth:`UnitEngine.iter_assess
        <minzheng.engine.UnitEngine.iter_assess>` for the arguments). A
        :class:`~minzheng.DatasetStream` is assessed unit by unit, county by county."""
        if isinstance(dataset, DatasetStream):
            yield from super().iter_assess(
                dataset, packs, on, what_if=what_if, tally=tally, options=options, rules=rules
            )
            return
        from ..findings import finding_objects

        table, kept = self._run(dataset, packs, on, what_if=what_if, options=options, rules=rules)
        for finding in finding_objects(table, kept):
            if tally is not None:
                tally.add(finding)
            yield finding

    def assess(
        self,
        dataset: Dataset | DatasetStream | Tables,
        packs: Iterable[str] | None = None,
        on: date | None = None,
        *,
        what_if: bool = False,
        options: Mapping[str, object] | None = None,
        rules: Iterable[str] | None = None,
    ) -> Report:
        """Assess every unit and collect a :class:`~minzheng.models.Report`, whose
        ``table`` is the findings' DataFrame."""
        if isinstance(dataset, DatasetStream):
            return super().assess(dataset, packs, on, what_if=what_if, options=options, rules=rules)
        from ..findings import finding_objects

        packs = list(packs) if packs is not None else None
        table, kept = self._run(dataset, packs, on, what_if=what_if, options=options, rules=rules)
        tally = Tally(_as_dataset(dataset))
        findings = tuple(finding_objects(table, kept))
        for finding in findings:
            tally.add(finding)
        return Report(
            on=resolve_date(dataset, on),
            dataset=dataset.name or dataset.source,
            packs=tuple(p.name for p in self._chosen(packs)),
            findings=findings,
            rollups=tally.rollups(),
            summary=tally.summary,
            errors=tuple(str(e) for e in self.registry.errors),
            table=table.drop("_idx", "_pack", "_rule", "_kept"),
        )


#: Findings made unit by unit turned into table rows at a time.
_BLOCK = 50_000


def _batched(findings: Iterable[Finding]) -> Iterator[tuple[Finding, ...]]:
    """The findings in tuples of :data:`_BLOCK` (``itertools.batched``, from 3.12)."""
    it = iter(findings)
    while block := tuple(itertools.islice(it, _BLOCK)):
        yield block


def _keyed(
    block: Sequence[Finding],
    index: Mapping[str, int],
    order: Mapping[tuple[str, str], tuple[int, int]],
    start: int | None,
) -> pl.DataFrame:
    """Findings as table rows with their order columns (``_kept``: their place from
    ``start`` in the kept list, or null)."""
    import polars as pl

    from ..findings import findings_frame

    keys = [
        (index[f.unit], *order[(f.pack, f.rule)], None if start is None else start + i)
        for i, f in enumerate(block)
    ]
    schema = dict.fromkeys(("_idx", "_pack", "_rule", "_kept"), pl.Int64)
    return findings_frame(block).with_columns(pl.DataFrame(keys, schema=schema, orient="row"))


def _as_dataset(data: Dataset | Tables) -> Dataset:
    """A dataset of the units (without facts) for the roll-ups' tree."""
    if isinstance(data, Dataset):
        return data
    from ..tables import units_of

    return Dataset(units=units_of(data.units), facts={}, name=data.name, source=data.source)


def _dataset(
    tables: Tables, indicators: Mapping[str, Indicator], unitwise: Sequence[Planned]
) -> Dataset:
    """The dataset the per-unit engine needs for the rules left to it: every unit, and
    the facts those rules read."""
    from ..tables import dataset_from_tables

    reads = {i for p in unitwise for i in p.rule.reads()}
    return dataset_from_tables(tables, indicators, reads)


def assess(
    dataset: Dataset | DatasetStream | Tables,
    packs: Iterable[str] | None = None,
    on: date | None = None,
    *,
    what_if: bool = False,
    registry: Registry | None = None,
    options: Mapping[str, object] | None = None,
    rules: Iterable[str] | None = None,
) -> Report:
    """Assess ``dataset`` with the installed packs (see :meth:`Engine.assess`)."""
    return Engine(registry).assess(
        dataset, packs, on, what_if=what_if, options=options, rules=rules
    )


def iter_assess(
    dataset: Dataset | DatasetStream | Tables,
    packs: Iterable[str] | None = None,
    on: date | None = None,
    *,
    what_if: bool = False,
    registry: Registry | None = None,
    tally: Tally | None = None,
    options: Mapping[str, object] | None = None,
    rules: Iterable[str] | None = None,
) -> Iterator[Finding]:
    """Stream findings (see :meth:`Engine.iter_assess`)."""
    return Engine(registry).iter_assess(
        dataset, packs, on, what_if=what_if, tally=tally, options=options, rules=rules
    )
