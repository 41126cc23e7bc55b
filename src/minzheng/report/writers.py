"""Writers that take the findings table (:data:`minzheng.engine.findings.FINDINGS_SCHEMA`).

* :func:`write_findings_jsonl` — one JSON object a line, the same text as
  :func:`minzheng.report.render.finding_to_json_line` gives for each finding (field order,
  separators, numbers as strings of exact decimals), built by polars a block of rows at
  a time.
* :func:`write_findings_parquet` — the table as Parquet: typed columns, the citation a
  struct; the fields that are the same for every finding of a rule (citation, measure,
  deadline) are dictionary-encoded, so they cost almost nothing.

Both write to a file only once it is complete (a temporary file in the same folder,
renamed at the end), or to an open text stream as they go. Given a run record
(:class:`~minzheng.model.RunRecord`), the JSON lines begin with it, as a line of
its own ``{"run": {...}}``, and the Parquet file keeps it, as JSON, in its key-value
metadata under ``minzheng.run``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import polars as pl
from polars.io.plugins import register_io_source

from minzheng.engine.findings import FINDINGS_SCHEMA
from minzheng.io._atomic import replacing
from minzheng.model.runs import RunRecord

__all__ = [
    "RUN_METADATA_KEY",
    "run_line",
    "status_counts",
    "write_findings_jsonl",
    "write_findings_parquet",
]

#: The key of the run record in a findings Parquet file's key-value metadata.
RUN_METADATA_KEY = "minzheng.run"

#: Rows turned into JSON lines at a time (bounds the memory the text takes).
_BLOCK = 100_000


def _js(expr: pl.Expr) -> pl.Expr:
    """A JSON value's text for each row (strings escaped as Python's ``json`` escapes
    them, without escaping non-ASCII; null as ``null``), by polars' JSON encoder."""
    encoded = pl.struct(expr.alias("v")).struct.json_encode()
    return encoded.str.slice(5).str.strip_suffix("}")


def _js_list(expr: pl.Expr) -> pl.Expr:
    """A list of strings as ``["a", "b"]`` (Python's separators)."""
    items = expr.list.eval(_js(pl.element())).list.join(", ")
    return pl.concat_str(pl.lit("["), items, pl.lit("]"))


def _js_value(name: str) -> pl.Expr:
    """``actual`` or ``required``: a yes/no, a checklist's items, or text."""
    flag, items = pl.col(f"{name}_flag"), pl.col(f"{name}_items")
    return (
        pl.when(flag.is_not_null())
        .then(_js(flag))
        .when(items.is_not_null())
        .then(_js_list(items))
        .otherwise(_js(pl.col(name)))
    )


def _js_struct(column: str, fields: Iterable[str]) -> pl.Expr:
    """A struct as a JSON object with Python's separators, every field as text."""
    col = pl.col(column)
    pieces: list[pl.Expr] = [pl.lit("{")]
    for i, field in enumerate(fields):
        value = col.struct.field(field).cast(pl.String)
        pieces += [pl.lit(f'{", " if i else ""}"{field}": '), _js(value)]
    pieces.append(pl.lit("}"))
    return pl.when(col.is_null()).then(pl.lit("null")).otherwise(pl.concat_str(pieces))


def _line() -> pl.Expr:
    """The JSON line of each finding (without its newline)."""
    citation, trajectory = FINDINGS_SCHEMA["citation"], FINDINGS_SCHEMA["trajectory"]
    assert isinstance(citation, pl.Struct)
    assert isinstance(trajectory, pl.Struct)
    fields: list[tuple[str, pl.Expr]] = [
        *((name, _js(pl.col(name))) for name in ("pack", "rule", "unit", "status", "message_zh", "message_en")),
        ("actual", _js_value("actual")),
        ("required", _js_value("required")),
        *((name, _js(pl.col(name))) for name in ("comparator", "gap", "measure")),
        ("deadline", _js(pl.col("deadline").cast(pl.String))),
        ("citation", _js_struct("citation", (f.name for f in citation.fields))),
        ("attribute", _js(pl.col("attribute"))),
        ("due", _js(pl.col("due"))),
        ("period", _js(pl.col("period"))),
        ("missing", _js_list(pl.col("missing"))),
        ("details", _js_list(pl.col("details"))),
        ("trajectory", _js_struct("trajectory", (f.name for f in trajectory.fields))),
        ("parts", pl.col("parts").fill_null("[]")),
        ("details_zh", _js_list(pl.col("details_zh"))),
        ("severity", _js(pl.col("severity"))),
    ]  # fmt: skip
    pieces: list[pl.Expr] = []
    for i, (name, value) in enumerate(fields):
        pieces += [pl.lit(f'{"{" if i == 0 else ", "}"{name}": '), value]
    pieces.append(pl.lit("}"))
    return pl.concat_str(pieces).alias("line")


def run_line(run: RunRecord) -> str:
    """The first line of a JSON lines output: ``{"run": {...}}`` and a newline."""
    return json.dumps({"run": run.to_json()}, ensure_ascii=False) + "\n"


def write_findings_jsonl(
    tables: pl.DataFrame | Iterable[pl.DataFrame], out: IO[str], run: RunRecord | None = None
) -> int:
    """Write each finding of ``tables`` (a findings table, or several one after
    another) as one line of JSON to ``out``, after ``run``'s line when given; returns
    how many findings."""
    line = _line()
    if run is not None:
        out.write(run_line(run))
    raw = getattr(out, "buffer", None)  # a text file's bytes: no decoding and encoding again
    if raw is not None and (getattr(out, "encoding", "") or "").lower().replace("-", "") == "utf8":
        out.flush()
    else:
        raw = None
    written = 0
    for table in [tables] if isinstance(tables, pl.DataFrame) else tables:
        for block in table.iter_slices(_BLOCK):
            buffer = io.BytesIO()
            block.select(line).write_csv(buffer, include_header=False, quote_style="never")
            if raw is not None:
                raw.write(buffer.getbuffer())
            else:
                out.write(buffer.getvalue().decode("utf-8"))
        written += table.height
    return written


def write_findings_parquet(
    tables: pl.DataFrame | Iterable[pl.DataFrame], path: str | Path, run: RunRecord | None = None
) -> int:
    """Write ``tables`` (a findings table, or several one after another, each written
    as it comes) as one Parquet file, which appears only when it is complete, with
    ``run`` in its metadata; returns how many findings it holds."""
    metadata = None if run is None else {RUN_METADATA_KEY: json.dumps(run.to_json())}
    with replacing(path) as name:
        if isinstance(tables, pl.DataFrame):
            tables.write_parquet(name, compression="zstd", statistics=True, metadata=metadata)
            written = tables.height
        else:
            counted = [0]

            def blocks(*_: object) -> Iterator[pl.DataFrame]:
                for table in tables:
                    counted[0] += table.height
                    yield table

            # a polars source of the tables as they come: one streaming write, no copies
            source = register_io_source(blocks, schema=FINDINGS_SCHEMA, validate_schema=True)
            source.sink_parquet(name, compression="zstd", statistics=True, metadata=metadata)
            written = counted[0]
    return written


def status_counts(table: pl.DataFrame) -> tuple[dict[str, int], int, int]:
    """Findings by status, and how many are failures and warnings (for the summary
    and the exit status)."""
    by_status = dict(table.group_by("status").len().iter_rows())
    severity = dict(table.group_by("severity").len().iter_rows())
    return by_status, severity.get("failure", 0), severity.get("warning", 0)
