"""The columnar engine: each rule over all the units it applies to at once.

For each chosen pack (in the registry's order) and each of its rules (in the pack's
order), the engine picks the units the rule speaks of — level, type, urban or rural,
and the pack's region unless ``what_if`` — as one :class:`~minzheng.rules.columns.Frame`,
and asks the rule for its findings' columns (:meth:`~minzheng.rules.Rule.columns`).
It then adds what comes from the rule itself (pack, rule, unit, citation, deadline,
attribute, whether it is due, severity) and orders every finding by unit (file order),
pack and rule.

A rule not yet in force gives ``not_applicable``; a rule that raises — including one
without a columnar form (:class:`~minzheng.rules.base.NoColumns`) — gives ``error``
findings naming the pack and the rule, and the run goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import attrs
import polars as pl

from minzheng.engine.findings import CITATION, FINDINGS_SCHEMA
from minzheng.i18n import text
from minzheng.io.tables import Tables
from minzheng.model import Attribute
from minzheng.packs.registry import LoadedPack
from minzheng.rules import Rule
from minzheng.rules.columns import Facts, Frame, lit, outcome

__all__ = ["ORDER", "Planned", "applies", "assess_columns", "plan"]

#: The columns that order the findings: unit, pack, rule (dropped before they leave).
ORDER = ("_idx", "_pack", "_rule")


@attrs.frozen
class Planned:
    """A rule of a pack, with the places of both in the run's order."""

    pack_order: int
    pack: LoadedPack
    rule_order: int
    rule: Rule
    #: indicators the rule reads that two packs declare differently (withheld)
    withheld: tuple[str, ...] = ()


def assess_columns(
    tables: Tables,
    planned: Sequence[Planned],
    facts: Facts,
    *,
    what_if: bool,
    options: Mapping[str, object],
) -> pl.DataFrame:
    """The findings of every planned rule as of ``facts.on``, ordered, with the
    :data:`ORDER` columns."""
    parts: list[pl.DataFrame] = []
    for item in planned:
        rows = tables.units.filter(applies(item, what_if))
        if rows.height:
            parts.append(_findings(item, rows, facts, options))
    if not parts:
        return pl.DataFrame(schema={**FINDINGS_SCHEMA, **dict.fromkeys(ORDER, pl.Int64)})
    return pl.concat(parts, how="vertical").sort(list(ORDER), maintain_order=True)


def applies(item: Planned, what_if: bool) -> pl.Expr:
    """Which units the rule speaks of (and which the pack covers, unless ``what_if``)."""
    rule, region = item.rule, item.pack.info.region
    keep = pl.col("level").is_in([level.value for level in rule.levels])
    if rule.types:
        keep &= pl.col("type").is_in(list(rule.types)).fill_null(False)
    if rule.area is not None:
        keep &= (pl.col("area") == rule.area.value).fill_null(False)
    if not what_if:
        prefixes = () if region is None else region.prefixes
        keep &= pl.any_horizontal(
            [pl.lit(False), *(pl.col("code").str.starts_with(p) for p in prefixes)]
        )
    return keep


def _findings(
    item: Planned, rows: pl.DataFrame, facts: Facts, options: Mapping[str, object]
) -> pl.DataFrame:
    """One rule's findings over ``rows``."""
    rule, pack, on = item.rule, item.pack, facts.on
    if rule.effective is not None and on < rule.effective:
        since = rule.effective.isoformat()
        zh, en = (text("finding.applies_from", lang, since=since) for lang in ("zh", "en"))
        out = _plain(rows, "not_applicable", zh, en)
    else:
        frame = Frame(rows, facts, options=options, rule=rule, pack=pack.name)
        try:
            if item.withheld:
                raise LookupError(
                    f"indicator {', '.join(item.withheld)} is declared differently by two "
                    "packs and withheld from both"
                )
            out = rule.columns(frame)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # one failing rule (even its SystemExit) must not stop the run
            out = _plain(rows, "error", *frame.raised(exc))
    return _with_rule(item, rows, out, on)


def _plain(rows: pl.DataFrame, status: str, zh: str, en: str) -> pl.DataFrame:
    """Findings with a status and two fixed messages, nothing else."""
    return outcome(rows, [], {"status": lit(status), "message_zh": lit(zh), "message_en": lit(en)})


def _with_rule(item: Planned, rows: pl.DataFrame, out: pl.DataFrame, on: date) -> pl.DataFrame:
    """The rule's own fields added to its outcome columns, in the schema's order."""
    rule = item.rule
    citation = {
        "document": rule.citation.document,
        "locator": rule.citation.locator,
        "text": rule.citation.text,
        "title": rule.citation.title,
        "issuer": rule.citation.issuer,
        "year": rule.citation.year,
    }
    status = pl.col("status")
    # an outcome's own deadline and attribute (a timeline's milestone), else the rule's
    out = out.with_columns(
        pl.col("deadline").fill_null(pl.lit(rule.deadline, pl.Date)),
        pl.col("attribute").fill_null(lit(rule.attribute.value)),
    ).with_columns(  # column first: polars 2.1 fails to broadcast `literal op scalar column`
        (pl.col("deadline") <= pl.lit(on, pl.Date)).alias("due")
    )
    deadline, attribute, due = pl.col("deadline"), pl.col("attribute"), pl.col("due")
    lenient = due.not_().fill_null(False) | (attribute == Attribute.EXPECTED.value)
    severity = (
        pl.when(status == "error")
        .then(lit("failure"))
        .when(status == "not_met")
        .then(pl.when(lenient).then(lit("warning")).otherwise(lit("failure")))
        .otherwise(lit(None))
    )
    codes = rows.select("idx", pl.col("code").alias("unit"))
    out = out.join(codes, on="idx", how="left", maintain_order="left")
    return out.select(
        pl.lit(item.pack.name).alias("pack"),
        pl.lit(rule.id).alias("rule"),
        "unit",
        *[pl.col(c) for c in ("status", "message_zh", "message_en", "actual", "actual_flag",
                              "actual_items", "required", "required_flag", "required_items",
                              "comparator", "gap", "measure")],
        deadline.alias("deadline"),
        pl.lit(citation, CITATION).alias("citation"),
        attribute.alias("attribute"),
        due.alias("due"),
        *[pl.col(c) for c in ("period", "missing", "details", "trajectory", "parts")],
        pl.col("details_zh"),
        severity.alias("severity"),
        pl.col("idx").cast(pl.Int64).alias("_idx"),
        pl.lit(item.pack_order, pl.Int64).alias("_pack"),
        pl.lit(item.rule_order, pl.Int64).alias("_rule"),
    )  # fmt: skip


def plan(
    chosen: Iterable[LoadedPack],
    only: frozenset[tuple[str, str]] | None,
    withheld: Iterable[str] = (),
) -> list[Planned]:
    """Every rule to run, pack by pack, in order (``only``: just these ``(pack, rule
    id)`` pairs; ``withheld``: the indicators two packs declare differently)."""
    refused = frozenset(withheld)
    return [
        Planned(p, pack, r, rule, tuple(i for i in rule.reads() if i in refused) if refused else ())
        for p, pack in enumerate(chosen)
        for r, rule in enumerate(pack.rules)
        if only is None or (pack.name, rule.id) in only
    ]
