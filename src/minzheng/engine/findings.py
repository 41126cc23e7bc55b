"""Findings and targets as tables (polars DataFrames): their schemas, and the way from
their rows to :class:`~minzheng.model.Finding` and :class:`~minzheng.model.TargetValue`
objects (and, for findings, back).

The engine returns findings as a table; the writers take the table. A number is a
column of exact text (as Python's ``Decimal`` prints it), a date a ``Date``; a yes/no
value is in ``actual_flag``/``required_flag``, a checklist's items in
``actual_items``/``required_items``; ``citation`` and ``trajectory`` are structs;
``parts`` (the per-item results of a score sheet) is JSON text, null when there are none.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl

from minzheng.io.converter import to_plain
from minzheng.model import (
    Attribute,
    Citation,
    Comparator,
    Finding,
    Part,
    Position,
    Status,
    TargetValue,
    Trajectory,
)
from minzheng.model.values import format_decimal
from minzheng.rules.columns import (
    OUTCOME_SCHEMA,
    TARGET_SCHEMA,
    cell_value,
    trajectory_cell,
    value_cells,
)

__all__ = [
    "CITATION",
    "FINDINGS_SCHEMA",
    "TARGETS_SCHEMA",
    "finding_objects",
    "findings_frame",
    "target_objects",
]

CITATION = pl.Struct(
    {
        "document": pl.String,
        "locator": pl.String,
        "text": pl.String,
        "title": pl.String,
        "issuer": pl.String,
        "year": pl.Int32,
    }
)

#: The columns of the findings table, in the order of the JSON output's fields.
FINDINGS_SCHEMA: dict[str, pl.DataType] = {
    "pack": pl.String(),
    "rule": pl.String(),
    "unit": pl.String(),
    **{k: OUTCOME_SCHEMA[k] for k in ("status", "message_zh", "message_en")},
    **{k: OUTCOME_SCHEMA[k] for k in ("actual", "actual_flag", "actual_items")},
    **{k: OUTCOME_SCHEMA[k] for k in ("required", "required_flag", "required_items")},
    **{k: OUTCOME_SCHEMA[k] for k in ("comparator", "gap", "measure")},
    "deadline": pl.Date(),
    "citation": CITATION,
    "attribute": pl.String(),
    "due": pl.Boolean(),
    **{k: OUTCOME_SCHEMA[k] for k in ("period", "missing", "details", "trajectory")},
    "parts": pl.String(),
    "details_zh": OUTCOME_SCHEMA["details_zh"],
    "severity": pl.String(),
}


def findings_frame(findings: Iterable[Finding]) -> pl.DataFrame:
    """Finding objects as a findings table (:data:`FINDINGS_SCHEMA`)."""
    rows = []
    for f in findings:
        actual, required = value_cells(f.actual), value_cells(f.required)
        severity = f.severity
        rows.append(
            (
                f.pack, f.rule, f.unit, f.status.value, f.message_zh, f.message_en,
                *actual, *required,
                None if f.comparator is None else f.comparator.value,
                None if f.gap is None else format_decimal(f.gap),
                f.measure, f.deadline,
                None if f.citation is None else to_plain(f.citation),
                f.attribute.value, f.due, f.period, list(f.missing), list(f.details),
                trajectory_cell(f.trajectory),
                json.dumps(to_plain(f.parts), ensure_ascii=False) if f.parts else None,
                list(f.details_zh),
                None if severity is None else severity.value,
            )
        )  # fmt: skip
    return pl.DataFrame(rows, schema=FINDINGS_SCHEMA, orient="row")


def _trajectory(cell: dict[str, Any] | None) -> Trajectory | None:
    if cell is None:
        return None
    return Trajectory(
        baseline_year=cell["baseline_year"],
        baseline=Decimal(cell["baseline"]),
        target_year=cell["target_year"],
        target=Decimal(cell["target"]),
        year=cell["year"],
        expected=Decimal(cell["expected"]),
        actual=None if cell["actual"] is None else Decimal(cell["actual"]),
        position=None if cell["position"] is None else Position(cell["position"]),
    )


def finding_objects(table: pl.DataFrame) -> Iterator[Finding]:
    """The rows of a findings table as :class:`Finding` objects, in order, numbers as
    ``Decimal`` (the parts from their JSON)."""
    citations: dict[tuple[str, ...], Citation] = {}
    for row in table.iter_rows(named=True):
        cite = row["citation"]
        citation = None
        if cite is not None:
            key = tuple(cite.values())
            citation = citations.get(key) or citations.setdefault(key, Citation(**cite))
        deadline: date | None = row["deadline"]
        yield Finding(
            pack=row["pack"],
            rule=row["rule"],
            unit=row["unit"],
            status=Status(row["status"]),
            message_zh=row["message_zh"],
            message_en=row["message_en"],
            actual=cell_value(row["actual"], row["actual_flag"], row["actual_items"]),
            required=cell_value(row["required"], row["required_flag"], row["required_items"]),
            comparator=None if row["comparator"] is None else Comparator(row["comparator"]),
            gap=None if row["gap"] is None else Decimal(row["gap"]),
            measure=row["measure"],
            deadline=deadline,
            citation=citation,
            attribute=Attribute(row["attribute"]),
            due=row["due"],
            period=row["period"],
            missing=tuple(row["missing"]),
            details=tuple(row["details"]),
            trajectory=_trajectory(row["trajectory"]),
            parts=_parts(row["parts"]),
            details_zh=tuple(row["details_zh"]),
        )


def _parts(text: str | None) -> tuple[Part, ...]:
    """The parts of a finding from their JSON text (numbers as ``Decimal``)."""
    if not text:
        return ()
    return tuple(
        Part(
            id=p["id"],
            name_zh=p["name_zh"],
            name_en=p["name_en"],
            actual=cell_value(p["actual"], None, None),
            required=cell_value(p["required"], None, None),
            gap=None if p["gap"] is None else Decimal(p["gap"]),
            note=p["note"],
            group=p["group"],
        )
        for p in json.loads(text)
    )


#: The columns of the targets' table, the pack, the rule and the unit and then those of
#: a rule's targets (:data:`~minzheng.rules.columns.TARGET_SCHEMA`).
TARGETS_SCHEMA: dict[str, pl.DataType] = {
    "pack": pl.String(),
    "rule": pl.String(),
    "unit": pl.String(),
    **TARGET_SCHEMA,
}


def target_objects(table: pl.DataFrame) -> Iterator[TargetValue]:
    """The rows of a targets' table as :class:`~minzheng.model.TargetValue` objects."""
    for row in table.iter_rows(named=True):
        yield TargetValue(
            rule=row["rule"],
            unit=row["unit"],
            indicator=row["indicator"],
            comparator=Comparator(row["comparator"] or Comparator.GE.value),
            required=None if row["required"] is None else Decimal(row["required"]),
            measure=row["measure"],
            basis_zh=row["basis_zh"],
            basis_en=row["basis_en"],
            deadline=row["deadline"],
            inputs=tuple((i["indicator"], Decimal(i["value"])) for i in row["inputs"]),
            trajectory=tuple((p["year"], Decimal(p["expected"])) for p in row["trajectory"]),
            missing=tuple(row["missing"]),
            pack=row["pack"],
        )
