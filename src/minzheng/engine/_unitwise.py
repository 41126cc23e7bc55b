"""The per-unit engine: apply rule packs to a dataset one unit at a time.

It serves the rules that have no columnar form yet (the packs' own kinds), datasets
streamed county by county, and targets; :mod:`minzheng.engine` routes every other
rule to the columnar engine. How it works:

For each unit (in file order) the engine applies every chosen pack whose region covers
the unit's code — or every chosen pack, with ``what_if=True`` — and every rule of the
pack that speaks of the unit's level and type. It turns each rule's
:class:`~minzheng.rules.Outcome` into a :class:`~minzheng.models.Finding`:

* a missing fact gives ``unknown`` naming it, never ``met``;
* a rule not yet in force on the assessment date gives ``not_applicable``;
* a rule that raises gives ``error`` naming the pack and the rule, and the engine goes on;
* a rule whose deadline has not come still reports its gap, with ``due`` false.

:meth:`UnitEngine.iter_assess` streams findings one by one (memory does not grow with
the number of findings); :meth:`UnitEngine.assess` collects them into a
:class:`~minzheng.models.Report` with a summary and roll-ups (the share of units below
each unit that meet each rule).
"""

from __future__ import annotations

import collections
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar

import attrs

from ..dataset import Dataset
from ..models import (
    Comparator,
    Finding,
    Indicator,
    Level,
    Report,
    RollUp,
    Severity,
    Status,
    TargetValue,
    Unit,
)
from ..plugins import LoadedPack, Registry
from ..rules import MissingFact, Outcome, Rule, UnitContext
from ..stream import DatasetStream

if TYPE_CHECKING:
    from ..tables import Blocks, Tables

__all__ = ["Tally", "UnitEngine", "iter_targets", "resolve_date"]


#: Outcome's fields, which evaluate() copies into a Finding one by one; checked at import.
_OUTCOME_FIELDS = (
    "status", "message_zh", "message_en", "actual", "required", "comparator", "gap", "measure",
    "period", "missing", "details", "trajectory", "parts", "deadline", "attribute",
)  # fmt: skip
if tuple(f.name for f in attrs.fields(Outcome)) != _OUTCOME_FIELDS:  # pragma: no cover
    raise ImportError("Outcome's fields changed: update Engine.evaluate with them")


def _counting_units(
    findings: Iterable[Finding], progress: Callable[[int], None]
) -> Iterator[Finding]:
    """``findings``, telling ``progress`` the number of units reached as each is."""
    done, last = 0, None
    for finding in findings:
        if finding.unit != last:
            done += 1
            progress(done)
            last = finding.unit
        yield finding


def resolve_date(dataset: Dataset | DatasetStream | Tables | Blocks, on: date | None) -> date:
    """The assessment date: ``on``, else the dataset's ``as_of``, else the end of its
    latest period, else today."""
    if on is not None:
        return on
    as_of = dataset.dataset.as_of if isinstance(dataset, DatasetStream) else dataset.as_of
    return as_of or dataset.latest_period_end() or date.today()


#: What a :class:`Tally` counted: findings by status, failures, warnings, roll-ups.
_Counts = tuple[dict[Status, int], int, int, dict[tuple[str, str, str, Level], list[int]]]


class Tally:
    """Counts findings by status and rolls them up the unit tree as they stream past.

    Memory grows with the number of (rule, ancestor unit) pairs, not with the number of
    findings; with ``rollups=False`` it only counts (the summary and the exit status
    need no more).
    """

    def __init__(self, dataset: Dataset | DatasetStream, *, rollups: bool = True) -> None:
        if isinstance(dataset, DatasetStream):
            dataset = dataset.dataset
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

    def _counts(self) -> _Counts:
        """The counts and the roll-ups' counts, to be added to a tally in another
        process."""
        return dict(self.by_status), self.failures, self.warnings, self._rollups

    def _add_counts(self, counts: _Counts) -> None:
        """Add the :meth:`_counts` of a tally kept by another process to these (the
        roll-ups only if this tally keeps them)."""
        by_status, failures, warnings, rollups = counts
        self.by_status.update(by_status)
        self.failures += failures
        self.warnings += warnings
        if self._keep:
            for key, theirs in rollups.items():
                mine = self._rollups.setdefault(key, [0, 0, 0, 0, 0])
                mine[:] = map(operator.add, mine, theirs)

    @property
    def summary(self) -> dict[Status, int]:
        return {status: self.by_status.get(status, 0) for status in Status}


class UnitEngine:
    """Applies the packs of one :class:`~minzheng.plugins.Registry` (its own plugin
    manager) to datasets."""

    def __init__(self, registry: Registry | None = None) -> None:
        self.registry = registry if registry is not None else Registry.discover()
        #: (pack, level, type, area) → the pack's rules that apply to such a unit
        self._rules_for: dict[tuple[str, Level, str | None, str | None], tuple[Rule, ...]] = {}

    def _chosen(self, packs: Iterable[str] | None) -> list[LoadedPack]:
        if packs is None:
            return [p for p in self.registry.packs.values() if p.rules]
        return [self.registry.pack(name) for name in packs]

    def _only(self, rules: Iterable[str] | None) -> frozenset[str] | None:
        """The rule ids asked for, each checked to exist (``None``: every rule)."""
        if rules is None:
            return None
        wanted = frozenset(rules)
        for rule_id in wanted:
            self.registry.rule(rule_id)  # UnknownNameError, with a suggestion
        return wanted

    def _plan(
        self, unit: Unit, chosen: list[LoadedPack], only: frozenset[str] | None
    ) -> tuple[tuple[LoadedPack, tuple[Rule, ...]], ...]:
        """Each chosen pack with its rules that speak of units of this one's level, type
        and area (the same for every such unit, so the engine remembers it)."""
        plan = []
        for pack in chosen:
            key = (pack.name, unit.level, unit.type, unit.area)
            rules = self._rules_for.get(key)
            if rules is None:
                rules = self._rules_for[key] = tuple(r for r in pack.rules if r.applies_to(unit))
            plan.append((pack, tuple(r for r in rules if only is None or r.id in only)))
        return tuple(plan)

    def iter_assess(
        self,
        dataset: Dataset | DatasetStream,
        packs: Iterable[str] | None = None,
        on: date | None = None,
        *,
        what_if: bool = False,
        tally: Tally | None = None,
        options: Mapping[str, object] | None = None,
        rules: Iterable[str] | None = None,
    ) -> Iterator[Finding]:
        """Stream the findings of every applicable rule on every unit, unit by unit.

        ``packs`` names the packs to apply (default: every installed pack with rules);
        ``what_if`` applies them to units outside their region too. Pass a
        :class:`Tally` to count and roll up the findings as they pass. ``options`` are
        handed to every rule (``UnitContext.options``), e.g. ``{"score_table": table}``
        for the packs that score against an indicator table. ``rules`` keeps only the
        rules with these ids.

        ``dataset`` may be a :class:`~minzheng.DatasetStream`: the findings are then
        produced county by county as its facts are read (see :mod:`minzheng.stream`).
        """
        day = resolve_date(dataset, on)
        for ctx, pack, rule in self._work(dataset, day, packs, what_if, rules, options):
            finding = self.evaluate(pack, rule, ctx)
            if tally is not None:
                tally.add(finding)
            yield finding

    def write_jsonl(
        self,
        dataset: Dataset | DatasetStream,
        out: IO[str],
        packs: Iterable[str] | None = None,
        on: date | None = None,
        *,
        what_if: bool = False,
        tally: Tally | None = None,
        options: Mapping[str, object] | None = None,
        rules: Iterable[str] | None = None,
        jobs: int = 1,
        progress: Callable[[int], None] | None = None,
        scratch: str | Path | None = None,
    ) -> int:
        """Write the findings of :meth:`iter_assess` to ``out``, one JSON object a line
        (:func:`minzheng.render.write_jsonl`), and return how many were written —
        with ``jobs`` processes sharing the counties of a
        :class:`~minzheng.DatasetStream`. This is ``minzheng assess --format jsonl``.

        The other arguments are those of :meth:`iter_assess`. ``jobs`` is the number of
        processes (``0``: one for each CPU this process may run on; see "Several
        processes" in the how-to :doc:`/howto/large-data`). Whatever it is, the lines are
        the same and in the same order, ``tally`` counts (and rolls up, if it keeps
        roll-ups) the same findings, the stream is read (it counts its values in
        :attr:`~minzheng.DatasetStream.facts_read`, and is not read again), and a
        problem in the data is the same :class:`~minzheng.DatasetError`; with several
        processes, nothing is written then. Several processes need ``dataset`` to be a stream (:exc:`ValueError`
        otherwise) and the platform to ``fork`` (Linux, macOS); where it cannot, or
        where ``facts.csv`` cannot be cut by bytes (a quoted cell holds a line break),
        one process does the work, with a :class:`~minzheng.JobWarning`. A worker that
        dies (killed, out of memory) is a :class:`~minzheng.JobError`. The workers write
        their lines to files in a temporary folder in ``scratch`` (default: the
        system's), as much as the output until they are copied into it. They are forked
        from this process, so call it where no other thread runs: a lock another thread
        holds at the fork stays locked in the workers (Python 3.12 and later warn of it).

        ``progress``, if given, is called from time to time, in this process, with the
        number of units assessed so far, and at the end with ``len(dataset)``, e.g. to
        show a progress bar.
        """
        if jobs < 0:
            raise ValueError(f"jobs is a number of processes, 0 for one a CPU; found {jobs}")
        day = resolve_date(dataset, on)
        if jobs != 1:
            if not isinstance(dataset, DatasetStream):
                raise ValueError(
                    "several processes (jobs other than 1) share the counties of a "
                    f"DatasetStream, found a {type(dataset).__name__}"
                )
            from .._jobs import assess_jsonl  # multiprocessing: only when asked for

            written = assess_jsonl(
                dataset, self, out, jobs=jobs, on=day, packs=packs, what_if=what_if,
                rules=rules, options=options, tally=tally, scratch=scratch, progress=progress,
            )  # fmt: skip
            if written is not None:
                return written
        from ..render import write_jsonl  # the writer, only when asked to write

        findings = self.iter_assess(
            dataset, packs, day, what_if=what_if, tally=tally, options=options, rules=rules
        )
        if progress is None:
            return write_jsonl(findings, out)
        written = write_jsonl(_counting_units(findings, progress), out)
        progress(len(dataset))
        return written

    def _work(
        self,
        dataset: Dataset | DatasetStream,
        day: date,
        packs: Iterable[str] | None,
        what_if: bool,
        rules: Iterable[str] | None,
        options: Mapping[str, object] | None,
    ) -> Iterator[tuple[UnitContext, LoadedPack, Rule]]:
        """Every (unit, pack, rule) to apply, unit by unit — a stream block by block."""
        chosen = self._chosen(packs)
        only = self._only(rules)
        groups: Iterable[tuple[Iterable[Unit], Dataset]]
        if isinstance(dataset, DatasetStream):
            groups = ((block, dataset.dataset) for block in dataset.blocks())
        else:
            groups = ((dataset.units.values(), dataset),)
        indicators = self.registry.indicators
        plans: dict[
            tuple[Level, str | None, str | None], tuple[tuple[LoadedPack, tuple[Rule, ...]], ...]
        ] = {}
        for units, data in groups:
            for unit in units:
                kind = (unit.level, unit.type, unit.area)
                plan = plans.get(kind)
                if plan is None:
                    plan = plans[kind] = self._plan(unit, chosen, only)
                ctx = UnitContext(unit, data, day, indicators, options)
                for pack, pack_rules in plan:
                    region = pack.info.region
                    if not what_if and (region is None or not region.covers(unit.code)):
                        continue
                    for rule in pack_rules:
                        yield ctx, pack, rule

    def assess(
        self,
        dataset: Dataset | DatasetStream,
        packs: Iterable[str] | None = None,
        on: date | None = None,
        *,
        what_if: bool = False,
        options: Mapping[str, object] | None = None,
        rules: Iterable[str] | None = None,
    ) -> Report:
        """Assess every unit and collect a :class:`~minzheng.models.Report`."""
        packs = list(packs) if packs is not None else None
        tally = Tally(dataset)
        findings = tuple(
            self.iter_assess(
                dataset, packs, on, what_if=what_if, tally=tally, options=options, rules=rules
            )
        )
        return Report(
            on=resolve_date(dataset, on),
            dataset=dataset.name or dataset.source,
            packs=tuple(p.name for p in self._chosen(packs)),
            findings=findings,
            rollups=tally.rollups(),
            summary=tally.summary,
            errors=tuple(str(e) for e in self.registry.errors),
        )

    def evaluate(self, pack: LoadedPack, rule: Rule, ctx: UnitContext) -> Finding:
        """One rule on one unit, as a finding (never raises for a rule's own failure)."""
        on = ctx.on
        if rule.effective is not None and on < rule.effective:
            since = rule.effective.isoformat()
            return Finding(
                status=Status.NOT_APPLICABLE,
                message_zh=f"自 {since} 起适用",
                message_en=f"applies from {since}",
                **self._base(pack, rule, ctx),
            )
        try:
            o = rule.check(ctx)
        except MissingFact as missing:
            return _unknown(missing, self._base(pack, rule, ctx), ctx._indicators)
        except Exception as exc:
            return Finding(
                status=Status.ERROR,
                message_zh=f"规则 {rule.id}(包 {pack.name})出错:{type(exc).__name__}: {exc}",
                message_en=f"rule {rule.id} of pack {pack.name!r} raised {type(exc).__name__}: {exc}",
                **self._base(pack, rule, ctx),
            )
        if not isinstance(o, Outcome):
            return Finding(
                status=Status.ERROR,
                message_zh=f"规则 {rule.id}(包 {pack.name})返回了无效结果",
                message_en=f"rule {rule.id} of pack {pack.name!r} returned {type(o).__name__}, not an Outcome",
                **self._base(pack, rule, ctx),
            )
        deadline = rule.deadline if o.deadline is None else o.deadline  # a milestone's own
        return Finding(
            pack.name,
            rule.id,
            ctx.unit.code,
            o.status,
            o.message_zh,
            o.message_en,
            o.actual,
            o.required,
            o.comparator,
            o.gap,
            o.measure,
            deadline,
            rule.citation,
            rule.attribute if o.attribute is None else o.attribute,
            None if deadline is None else on >= deadline,
            o.period,
            o.missing,
            o.details,
            o.trajectory,
            o.parts,
        )

    @staticmethod
    def _base(pack: LoadedPack, rule: Rule, ctx: UnitContext) -> dict[str, Any]:
        """The fields of a finding that come from the rule, not from its outcome."""
        return {
            "pack": pack.name,
            "rule": rule.id,
            "unit": ctx.unit.code,
            "deadline": rule.deadline,
            "citation": rule.citation,
            "attribute": rule.attribute,
            "due": None if rule.deadline is None else ctx.on >= rule.deadline,
        }

    def iter_targets(
        self,
        dataset: Dataset | DatasetStream,
        packs: Iterable[str] | None = None,
        on: date | None = None,
        *,
        what_if: bool = False,
        options: Mapping[str, object] | None = None,
        rules: Iterable[str] | None = None,
    ) -> Iterator[TargetValue]:
        """Stream the targets each applicable rule derives for each unit.

        A target that cannot be derived because a fact is missing comes with
        ``required`` ``None`` and the missing facts named. ``rules`` keeps only the
        rules with these ids. ``dataset`` may be a :class:`~minzheng.DatasetStream`.
        """
        day = resolve_date(dataset, on)
        for ctx, pack, rule in self._work(dataset, day, packs, what_if, rules, options):
            if rule.effective is not None and day < rule.effective:
                continue  # not in force yet: nothing to reach
            try:
                derived = list(rule.targets(ctx))
            except MissingFact as missing:
                derived = [_undetermined(rule, ctx.unit, missing)]
            except Exception as exc:  # one failing rule must not stop the run
                derived = [_failed(rule, ctx.unit, pack, exc)]
            for target in derived:
                yield attrs.evolve(target, pack=pack.name)


def _undetermined(rule: Rule, unit: Unit, missing: MissingFact) -> TargetValue:
    names = ", ".join(missing.indicators)
    indicator = getattr(rule, "indicator", "")
    comparator = getattr(rule, "comparator", Comparator.GE)
    return TargetValue(
        pack="",
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


def _failed(rule: Rule, unit: Unit, pack: LoadedPack, exc: Exception) -> TargetValue:
    """A target the rule could not derive because it raised: named, not fatal."""
    what = f"{type(exc).__name__}: {exc}"
    return attrs.evolve(
        _undetermined(rule, unit, MissingFact()),
        basis_zh=f"规则 {rule.id}(包 {pack.name})出错:{what}",
        basis_en=f"rule {rule.id} of pack {pack.name!r} raised {what}",
    )


def iter_targets(
    dataset: Dataset | DatasetStream,
    packs: Iterable[str] | None = None,
    on: date | None = None,
    *,
    what_if: bool = False,
    registry: Registry | None = None,
    options: Mapping[str, object] | None = None,
) -> Iterator[TargetValue]:
    """Stream derived targets (see :meth:`Engine.iter_targets`)."""
    return UnitEngine(registry).iter_targets(dataset, packs, on, what_if=what_if, options=options)


def _unknown(
    missing: MissingFact, base: dict[str, Any], indicators: Mapping[str, Indicator]
) -> Finding:
    """The finding of a rule that lacks facts: which, named in both languages."""
    zh = "、".join(
        f"{indicators[i].name_zh}({i})" if i in indicators else i for i in missing.indicators
    )
    en = ", ".join(
        f"{indicators[i].name_en} ({i})" if i in indicators else i for i in missing.indicators
    )
    if missing.period:
        zh, en = (
            f"{zh}({missing.period}年)" if len(missing.period) == 4 else f"{zh}({missing.period})",
            f"{en} for {missing.period}",
        )
    return Finding(
        status=Status.UNKNOWN,
        message_zh=f"缺少数据:{zh}",
        message_en=f"missing data: {en}",
        period=missing.period,
        missing=missing.indicators,
        **base,
    )
