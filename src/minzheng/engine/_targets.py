"""Targets: what each unit must reach under each rule, derived without assessing it.

Like the findings (:mod:`minzheng.engine._columnar`), targets are derived rule by rule
over every unit the rule applies to at once: each rule's
:meth:`~minzheng.rules.Rule.targets` gives one table per indicator it sets a target on
(:meth:`~minzheng.rules.columns.Frame.target`). A rule not yet in force derives nothing.
A target that cannot be derived because a fact is missing comes with ``required`` null
and the missing facts named; a rule that raises gives, for each of its units, a target
whose basis names the error. Targets are ordered by unit (file order), pack and rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from minzheng.engine._columnar import ORDER, Planned, applies
from minzheng.engine.findings import TARGETS_SCHEMA
from minzheng.io.tables import Tables
from minzheng.rules.columns import TARGET_SCHEMA, Facts, Frame

__all__ = ["derive_targets"]


def derive_targets(
    tables: Tables,
    planned: Sequence[Planned],
    facts: Facts,
    *,
    what_if: bool,
    options: Mapping[str, object],
) -> pl.DataFrame:
    """The targets of every planned rule in force on ``facts.on``, ordered
    (:data:`TARGETS_SCHEMA`)."""
    parts: list[pl.DataFrame] = []
    for item in planned:
        rule = item.rule
        if rule.effective is not None and facts.on < rule.effective:
            continue
        rows = tables.units.filter(applies(item, what_if))
        if rows.height:
            parts.append(_with_rule(item, rows, _targets(item, rows, facts, options)))
    if not parts:
        return pl.DataFrame(schema=TARGETS_SCHEMA)
    return pl.concat(parts).sort(list(ORDER), maintain_order=True).drop(*ORDER)


def _targets(
    item: Planned, rows: pl.DataFrame, facts: Facts, options: Mapping[str, object]
) -> pl.DataFrame:
    """One rule's targets over ``rows`` (``idx`` and :data:`TARGET_SCHEMA`)."""
    rule, pack = item.rule, item.pack
    frame = Frame(rows, facts, options=options, rule=rule, pack=pack.name)
    empty = pl.DataFrame(schema={"idx": pl.UInt32, **TARGET_SCHEMA})
    try:
        return pl.concat([empty, *rule.targets(frame)], how="vertical_relaxed")
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # one failing rule (even its SystemExit) must not stop the run
        zh, en = frame.raised(exc)
        return rows.select(
            "idx",
            *(pl.lit(None, dtype).alias(name) for name, dtype in TARGET_SCHEMA.items()),
        ).with_columns(
            pl.lit("").alias("indicator"),
            pl.lit("").alias("measure"),
            pl.lit(zh).alias("basis_zh"),
            pl.lit(en).alias("basis_en"),
            pl.lit([], TARGET_SCHEMA["inputs"]).alias("inputs"),
            pl.lit([], TARGET_SCHEMA["trajectory"]).alias("trajectory"),
            pl.lit([], TARGET_SCHEMA["missing"]).alias("missing"),
        )


def _with_rule(item: Planned, rows: pl.DataFrame, out: pl.DataFrame) -> pl.DataFrame:
    """The pack, the rule and the unit added; a null deadline is the rule's own."""
    codes = rows.select("idx", pl.col("code").alias("unit"))
    return (
        out.join(codes, on="idx", how="left", maintain_order="left")
        .select(
            pl.lit(item.pack.name).alias("pack"),
            pl.lit(item.rule.id).alias("rule"),
            "unit",
            *(c for c in TARGET_SCHEMA if c != "deadline"),
            pl.col("deadline").fill_null(pl.lit(item.rule.deadline, pl.Date)),
            pl.col("idx").cast(pl.Int64).alias("_idx"),
            pl.lit(item.pack_order, pl.Int64).alias("_pack"),
            pl.lit(item.rule_order, pl.Int64).alias("_rule"),
        )
        .select(*TARGETS_SCHEMA, *ORDER)
    )
