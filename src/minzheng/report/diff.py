"""What changed between two runs: ``minzheng diff OLD NEW``.

Each side is a findings output of ``minzheng assess`` — JSON, JSON lines or Parquet —
or a run in a database table (``postgresql://…/DATABASE/TABLE``: the latest run;
``?run=previous`` the one before it, ``?run=ID`` any). Findings are matched by pack,
rule and unit. A matched finding whose status differs is:

``worse``
    its status moved down the order ``met``/``not_applicable`` → ``unknown`` →
    ``not_met`` → ``error`` (met → not met, unknown → not met, met → unknown, …);
``better``
    it moved up (not met → met, unknown → met, …);
``changed``
    it moved between two statuses of one rank (met ↔ not applicable).

A finding only in NEW is ``new`` (and counts as worse when it is ``not_met`` or
``error``); one only in OLD is ``vanished``. The exit status of ``minzheng diff`` is 1
when anything got worse.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from attrs import frozen

from minzheng.errors import InputError, Problem
from minzheng.i18n import msg, text
from minzheng.io.limits import check_file
from minzheng.io.postgres import is_database
from minzheng.model import Status
from minzheng.model.runs import RunRecord

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "CHANGES",
    "Diff",
    "diff_findings",
    "diff_to_json",
    "diff_to_markdown",
    "diff_to_table",
    "read_findings",
]

#: The kinds of change, in the order they are listed.
CHANGES = ("worse", "new_failing", "better", "changed", "new", "vanished")
_KEY = ("pack", "rule", "unit")
_COLUMNS = (*_KEY, "status", "message_zh", "message_en")
_RANK = {"met": 0, "not_applicable": 0, "unknown": 1, "not_met": 2, "error": 3}


@frozen
class Diff:
    """The changes between two runs.

    ``changes`` has one row per finding that differs: ``pack, rule, unit, change``
    (one of :data:`CHANGES`; ``new_failing`` is a new finding that is not met or an
    error), ``old`` and ``new`` (statuses, null where the finding is absent) and the
    new (else the old) finding's ``message_zh`` and ``message_en``. ``counts`` has one row per pack
    and rule with a column per kind of change; ``old_run`` and ``new_run`` are the
    runs' records when the outputs carried them.
    """

    changes: pl.DataFrame
    counts: pl.DataFrame
    old_run: RunRecord | None
    new_run: RunRecord | None

    @property
    def worse(self) -> int:
        """How many findings got worse (``worse`` and ``new_failing``)."""
        return self.changes.filter(pl.col("change").is_in(["worse", "new_failing"])).height


def _problem(source: str, found: str) -> InputError:
    return InputError([Problem(source, None, None, msg("expected.findings_output"), found)])


def read_findings(source: str) -> tuple[pl.DataFrame, RunRecord | None]:
    """The findings (``pack, rule, unit, status, message_zh, message_en``) and the
    run record of an output of ``minzheng assess`` or a database run (see the module's
    docstring); :class:`~minzheng.InputError` when it is none of these."""
    if is_database(source):
        from minzheng.report.database import read_findings_database

        return read_findings_database(source)
    path = Path(source)
    if not path.exists():
        raise InputError([Problem.no_such_file(source)])
    check_file(path, "table" if path.suffix.lower() == ".parquet" else "document")
    if path.suffix.lower() == ".parquet":
        return _parquet(path, source)
    with path.open(encoding="utf-8") as file:
        first = file.readline()
    try:
        head = json.loads(first) if first.strip() else None
    except json.JSONDecodeError:
        head = None  # the first line of an indented JSON document
    if isinstance(head, dict) and (set(head) == {"run"} or "rule" in head):
        return _jsonl(path, source, head)  # (a document's first line is "{")
    return _document(path, source)


def _checked(frame: pl.DataFrame, source: str) -> pl.DataFrame:
    """The columns a diff reads, each finding with its pack, rule, unit and status."""
    missing = [c for c in _COLUMNS if c not in frame.columns]
    if missing:
        raise _problem(source, ", ".join(missing))
    frame = frame.select(pl.col(c).cast(pl.String) for c in _COLUMNS)
    empty = [c for c in (*_KEY, "status") if frame.get_column(c).has_nulls()]
    if empty:
        raise _problem(source, ", ".join(empty))
    return frame


def _run(data: Any, source: str) -> RunRecord | None:
    if data is None:
        return None
    try:
        return RunRecord.from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise _problem(source, "run") from None


def _parquet(path: Path, source: str) -> tuple[pl.DataFrame, RunRecord | None]:
    from minzheng.report.writers import RUN_METADATA_KEY

    try:
        frame = pl.read_parquet(path, columns=list(_COLUMNS))
        metadata = pl.read_parquet_metadata(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise _problem(source, type(exc).__name__) from None
    record = metadata.get(RUN_METADATA_KEY)
    return _checked(frame, source), _run(None if record is None else json.loads(record), source)


def _jsonl(
    path: Path, source: str, head: Mapping[str, Any]
) -> tuple[pl.DataFrame, RunRecord | None]:
    skip = 1 if set(head) == {"run"} else 0
    try:
        frame = pl.read_ndjson(
            path, schema=dict.fromkeys(_COLUMNS, pl.String()), ignore_errors=False
        ).slice(skip)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise _problem(source, type(exc).__name__) from None
    return _checked(frame, source), _run(head.get("run") if skip else None, source)


def _document(path: Path, source: str) -> tuple[pl.DataFrame, RunRecord | None]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        findings = data["findings"]
        frame = pl.DataFrame(
            [{c: f.get(c) for c in _COLUMNS} for f in findings],
            schema=dict.fromkeys(_COLUMNS, pl.String()),
        )
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, AttributeError):
        raise _problem(source, path.suffix or path.name) from None
    return _checked(frame, source), _run(data.get("run"), source)


def _numbered(frame: pl.DataFrame) -> pl.DataFrame:
    """A key that is unique even where a pack gives one unit two findings of a rule."""
    return frame.with_columns(pl.int_range(pl.len()).over(_KEY).alias("_nth"))


def diff_findings(
    old: tuple[pl.DataFrame, RunRecord | None], new: tuple[pl.DataFrame, RunRecord | None]
) -> Diff:
    """The changes from ``old`` to ``new`` (each as :func:`read_findings` gives it)."""
    key = [*_KEY, "_nth"]
    joined = _numbered(old[0]).join(
        _numbered(new[0]), on=key, how="full", coalesce=True, suffix="_new"
    )
    before = pl.col("status").replace_strict(_RANK, default=None, return_dtype=pl.Int8)
    after = pl.col("status_new").replace_strict(_RANK, default=None, return_dtype=pl.Int8)
    change = (
        pl.when(pl.col("status").is_null() & pl.col("status_new").is_in(["not_met", "error"]))
        .then(pl.lit("new_failing"))
        .when(pl.col("status").is_null())
        .then(pl.lit("new"))
        .when(pl.col("status_new").is_null())
        .then(pl.lit("vanished"))
        .when(pl.col("status") == pl.col("status_new"))
        .then(None)
        .when(after > before)
        .then(pl.lit("worse"))
        .when(after < before)
        .then(pl.lit("better"))
        .otherwise(pl.lit("changed"))
    )
    changes = (
        joined.with_columns(change.alias("change"))
        .filter(pl.col("change").is_not_null())
        .select(
            *_KEY,
            "change",
            pl.col("status").alias("old"),
            pl.col("status_new").alias("new"),
            pl.coalesce("message_zh_new", "message_zh").alias("message_zh"),
            pl.coalesce("message_en_new", "message_en").alias("message_en"),
        )
        .sort(
            pl.col("change").replace_strict({c: i for i, c in enumerate(CHANGES)}),
            *_KEY,
            maintain_order=True,
        )
    )
    counts = (
        changes.group_by("pack", "rule")
        .agg(*(pl.col("change").eq(c).sum().alias(c) for c in CHANGES))
        .sort("pack", "rule")
    )
    return Diff(changes=changes, counts=counts, old_run=old[1], new_run=new[1])


def diff_to_json(diff: Diff) -> dict[str, Any]:
    """The diff as JSON-ready data: both runs' records, counts per pack and rule, and
    every change."""
    return {
        "old_run": None if diff.old_run is None else diff.old_run.to_json(),
        "new_run": None if diff.new_run is None else diff.new_run.to_json(),
        "worse": diff.worse,
        "counts": diff.counts.to_dicts(),
        "changes": diff.changes.to_dicts(),
    }


def _status_word(status: str | None, lang: str) -> str:
    """A status in ``lang``, or a dash where the finding is absent."""
    if status is None:
        return "—"
    return text(f"status.{status}", lang) if status in {s.value for s in Status} else status


def _change_rows(diff: Diff, lang: str) -> list[list[str]]:
    message = "message_zh" if lang == "zh" else "message_en"
    return [
        [row["unit"], row["pack"], row["rule"], text(f"diff.{row['change']}", lang),
         _status_word(row["old"], lang), _status_word(row["new"], lang), row[message] or ""]
        for row in diff.changes.iter_rows(named=True)
    ]  # fmt: skip


def _heads(lang: str) -> tuple[list[str], list[str]]:
    """The headings of the counts and of the changes."""
    counts = [text("word.pack", lang), text("word.rule", lang)]
    counts += [text(f"diff.{c}", lang) for c in CHANGES]
    changes = [text(f"word.{k}", lang) for k in ("unit", "pack", "rule")]
    changes += [text(f"diff.{k}", lang) for k in ("change", "before", "after")]
    return counts, [*changes, text("word.message", lang)]


def _run_lines(diff: Diff, lang: str) -> list[str]:
    return [
        text(f"diff.{side}_run", lang, run=run.run_id, on=run.on.isoformat())
        for side, run in (("old", diff.old_run), ("new", diff.new_run))
        if run is not None
    ]


def diff_to_table(diff: Diff, console: Console, lang: str = "en") -> None:
    """The diff on a terminal: the runs, counts per pack and rule, every change."""
    from rich.markup import escape
    from rich.table import Table

    from minzheng.report.render import printable

    for line in _run_lines(diff, lang):
        console.print(escape(printable(line)))
    count_heads, change_heads = _heads(lang)
    counts = Table(*count_heads, title=text("diff.counts", lang))
    for row in diff.counts.iter_rows():
        counts.add_row(*(escape(printable(str(v))) for v in row))
    console.print(counts)
    changes = Table(*change_heads, title=text("diff.changes", lang))
    for cells in _change_rows(diff, lang):
        changes.add_row(*(escape(printable(c)) for c in cells))
    console.print(changes)
    console.print(escape(text("diff.summary", lang, worse=diff.worse, changes=diff.changes.height)))


def diff_to_markdown(diff: Diff, lang: str = "en") -> str:
    """The diff as Markdown: the runs, counts per pack and rule, every change."""
    from minzheng.report.render import printable

    def row(cells: list[str]) -> str:
        return "| " + " | ".join(printable(c).replace("|", "\\|") for c in cells) + " |"

    count_heads, change_heads = _heads(lang)
    lines = [f"# {text('diff.title', lang)}", ""]
    lines += [f"- {printable(line)}" for line in _run_lines(diff, lang)]
    lines += ["", f"## {text('diff.counts', lang)}", "", row(count_heads)]
    lines.append("|" + "---|" * len(count_heads))
    lines += [row([str(v) for v in values]) for values in diff.counts.iter_rows()]
    lines += ["", f"## {text('diff.changes', lang)}", "", row(change_heads)]
    lines.append("|" + "---|" * len(change_heads))
    lines += [row(cells) for cells in _change_rows(diff, lang)]
    lines += ["", text("diff.summary", lang, worse=diff.worse, changes=diff.changes.height)]
    return "\n".join(lines) + "\n"
