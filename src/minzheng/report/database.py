"""Findings written to PostgreSQL, and read back for ``minzheng diff``.

``minzheng assess … -o postgresql://…/DATABASE/TABLE`` writes one run into ``TABLE``
and three tables beside it (``TABLE`` may be ``schema.table``; the others take its
name with a suffix), created when missing::

    CREATE TABLE TABLE_runs (          -- one row per run: its record
        run_id text PRIMARY KEY,       -- a UUID
        written bigint GENERATED ALWAYS AS IDENTITY,  -- the order runs were written in
        started timestamptz NOT NULL,  -- when the run started
        assessed_on date NOT NULL,     -- the assessment date
        dataset text NOT NULL,         -- the dataset's name or source (no password)
        minzheng text NOT NULL,        -- minzheng's version
        packs jsonb NOT NULL,          -- {"pack": "version", …}
        rules_fingerprint text NOT NULL,
        input_fingerprint text NOT NULL,
        findings bigint NOT NULL       -- how many findings the run wrote
    );
    CREATE TABLE TABLE_rules (         -- each rule definition once, by its fingerprint
        fingerprint text PRIMARY KEY,  -- SHA-256 of the definition
        pack text NOT NULL, rule text NOT NULL, kind text,
        title_zh text, title_en text, reading text, reading_zh text,
        document text, title text, issuer text, year integer,
        locator text, quote text,      -- the clause: where, and its original words
        definition jsonb NOT NULL      -- the rule as data: thresholds, dates, levels, …
    );
    CREATE TABLE TABLE_run_rules (     -- which definition of each rule a run applied
        run_id text NOT NULL, pack text NOT NULL, rule text NOT NULL,
        fingerprint text NOT NULL,
        PRIMARY KEY (run_id, pack, rule)
    );
    CREATE TABLE TABLE (               -- the findings, one row each
        run_id text NOT NULL,
        pack text NOT NULL, rule text NOT NULL, unit text NOT NULL,
        status text NOT NULL,          -- met, not_met, unknown, not_applicable, error
        severity text,                 -- failure, warning, not_due (when not met)
        message_zh text, message_en text,
        actual numeric, actual_text text, actual_flag boolean, actual_items text[],
        required numeric, required_text text, required_flag boolean, required_items text[],
        comparator text, gap numeric, measure text,
        deadline date, attribute text, due boolean, period text,
        missing text[], details text[], details_zh text[],
        trajectory jsonb, parts jsonb
    );
    CREATE INDEX ON TABLE (run_id);

Numbers are exact ``numeric`` (a value that is text, such as an office's name, is in
``actual_text``); a finding's clause is found through its run's rules::

    SELECT f.unit, f.status, r.locator, r.quote
    FROM findings f
    JOIN findings_run_rules USING (run_id, pack, rule)
    JOIN findings_rules r USING (fingerprint);

Everything is written in one transaction: a run that fails or is stopped midway leaves
every table as it was. ``append`` (the default) adds the run; ``replace`` deletes every
earlier run's findings, records and links first, so that the table holds this run only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import polars as pl

from minzheng.engine.runs import fingerprint_rule
from minzheng.errors import MessageError
from minzheng.i18n import msg
from minzheng.io.converter import to_plain
from minzheng.io.postgres import connect, fetch, quote_name, redact, split_table, transaction
from minzheng.model.runs import RunRecord
from minzheng.rules.base import Rule

__all__ = ["MODES", "read_findings_database", "write_findings_database"]

#: How a run is written into a table that has runs already.
MODES = ("append", "replace")

_NUMBER = r"'^-?[0-9]+(\.[0-9]+)?$'"

_DDL = (
    """CREATE TABLE IF NOT EXISTS {runs} (
        run_id text PRIMARY KEY, written bigint GENERATED ALWAYS AS IDENTITY,
        started timestamptz NOT NULL, assessed_on date NOT NULL,
        dataset text NOT NULL, minzheng text NOT NULL, packs jsonb NOT NULL,
        rules_fingerprint text NOT NULL, input_fingerprint text NOT NULL,
        findings bigint NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS {rules} (
        fingerprint text PRIMARY KEY, pack text NOT NULL, rule text NOT NULL, kind text,
        title_zh text, title_en text, reading text, reading_zh text,
        document text, title text, issuer text, year integer, locator text, quote text,
        definition jsonb NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS {run_rules} (
        run_id text NOT NULL, pack text NOT NULL, rule text NOT NULL,
        fingerprint text NOT NULL, PRIMARY KEY (run_id, pack, rule))""",
    """CREATE TABLE IF NOT EXISTS {findings} (
        run_id text NOT NULL, pack text NOT NULL, rule text NOT NULL, unit text NOT NULL,
        status text NOT NULL, severity text, message_zh text, message_en text,
        actual numeric, actual_text text, actual_flag boolean, actual_items text[],
        required numeric, required_text text, required_flag boolean, required_items text[],
        comparator text, gap numeric, measure text, deadline date, attribute text,
        due boolean, period text, missing text[], details text[], details_zh text[],
        trajectory jsonb, parts jsonb)""",
    "CREATE INDEX IF NOT EXISTS {index} ON {findings} (run_id)",
)

#: The findings' columns as the staging table holds them (text), and as inserted.
_FINDINGS_INSERT = """INSERT INTO {findings} SELECT
    run_id, pack, rule, unit, status, severity, message_zh, message_en,
    CASE WHEN actual ~ {num} THEN actual::numeric END,
    CASE WHEN actual !~ {num} THEN actual END, actual_flag, actual_items,
    CASE WHEN required ~ {num} THEN required::numeric END,
    CASE WHEN required !~ {num} THEN required END, required_flag, required_items,
    comparator, gap::numeric, measure, deadline, attribute, due, period,
    missing, details, details_zh, trajectory::jsonb, parts::jsonb
    FROM {staging}"""


def _names(table: str) -> dict[str, str]:
    """The quoted names of the four tables and the index for ``table``."""
    schema, _, base = table.rpartition(".")
    prefix = f"{schema}." if schema else ""
    return {
        "findings": quote_name(table),
        "runs": quote_name(f"{prefix}{base}_runs"),
        "rules": quote_name(f"{prefix}{base}_rules"),
        "run_rules": quote_name(f"{prefix}{base}_run_rules"),
        "index": quote_name(f"{base}_run_id_idx"),
    }


def _staged(cursor: Any, frame: pl.DataFrame, name: str) -> str:
    """``frame`` copied into a temporary table (dropped at commit); its quoted name."""
    cursor.adbc_ingest(name, frame, mode="create", temporary=True)
    return quote_name(name)


def _rules_frame(rules: Iterable[tuple[str, Rule]]) -> pl.DataFrame:
    rows = []
    for pack, rule in rules:
        citation = rule.citation
        rows.append(
            {
                "fingerprint": fingerprint_rule(rule), "pack": pack, "rule": rule.id,
                "kind": rule.kind or type(rule).__name__, "title_zh": rule.title_zh,
                "title_en": rule.title_en, "reading": rule.reading, "reading_zh": rule.reading_zh,
                "document": citation.document, "title": citation.title, "issuer": citation.issuer,
                "year": None if citation.year is None else int(citation.year),
                "locator": citation.locator, "quote": citation.text,
                "definition": json.dumps(to_plain(rule), ensure_ascii=False, sort_keys=True),
            }
        )  # fmt: skip
    schema = dict.fromkeys(
        ("fingerprint", "pack", "rule", "kind", "title_zh", "title_en", "reading",
         "reading_zh", "document", "title", "issuer", "year", "locator", "quote",
         "definition"),
        pl.String(),
    )  # fmt: skip
    return pl.DataFrame(rows, schema={**schema, "year": pl.Int32()})


def _findings_frame(table: pl.DataFrame, run_id: str) -> pl.DataFrame:
    """The findings' columns as staged (the citation is in the rules table)."""
    return table.select(
        pl.lit(run_id).alias("run_id"),
        *("pack", "rule", "unit", "status", "severity", "message_zh", "message_en"),
        *("actual", "actual_flag", "actual_items", "required", "required_flag"),
        *("required_items", "comparator", "gap", "measure", "deadline", "attribute", "due"),
        *("period", "missing", "details", "details_zh"),
        pl.when(pl.col("trajectory").is_not_null())
        .then(pl.col("trajectory").struct.json_encode())
        .alias("trajectory"),
        "parts",
    )


def write_findings_database(
    table: pl.DataFrame,
    target: str,
    run: RunRecord,
    rules: Iterable[tuple[str, Rule]],
    mode: str = "append",
) -> int:
    """Write the findings ``table`` of ``run`` (whose ``rules`` are ``(pack, rule)``
    pairs) into the table ``target`` names (``postgresql://…/DATABASE/TABLE``), in one
    transaction (see the module's docstring); returns how many findings."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    uri, name = split_table(target)
    frames = {
        "runs": _run_frame(run, table.height),
        "rules": _rules_frame(rules).with_columns(pl.lit(run.run_id).alias("run_id")),
        "findings": _findings_frame(table, run.run_id),
    }
    with transaction(uri, target) as cursor:
        _write(cursor, _names(name), frames, replace=mode == "replace")
    return table.height


def _run_frame(run: RunRecord, findings: int) -> pl.DataFrame:
    """The run's row of ``TABLE_runs`` (``packs`` as JSON text)."""
    packs = json.dumps(dict(run.packs), ensure_ascii=False)
    return pl.DataFrame(
        [[run.run_id, run.started, run.on, run.dataset, run.minzheng, packs, run.rules,
          run.input, findings]],
        schema=["run_id", "started", "assessed_on", "dataset", "minzheng", "packs",
                "rules_fingerprint", "input_fingerprint", "findings"],
        orient="row",
    )  # fmt: skip


def _write(
    cursor: Any, names: dict[str, str], frames: dict[str, pl.DataFrame], *, replace: bool
) -> None:
    """The tables created when missing, earlier runs deleted (``replace``), this run's
    rows inserted (committed by the caller's transaction)."""
    for statement in _DDL:
        cursor.execute(statement.format(**names))
    if replace:
        for key in ("findings", "run_rules", "runs"):
            cursor.execute(f"DELETE FROM {names[key]}")
    staged = _staged(cursor, frames["runs"], "minzheng_run")
    cursor.execute(
        f"INSERT INTO {names['runs']} (run_id, started, assessed_on, dataset, minzheng,"
        f" packs, rules_fingerprint, input_fingerprint, findings)"
        f" SELECT run_id, started, assessed_on, dataset,"
        f" minzheng, packs::jsonb, rules_fingerprint, input_fingerprint, findings"
        f" FROM {staged}"
    )
    if frames["rules"].height:
        staged = _staged(cursor, frames["rules"], "minzheng_rules")
        cursor.execute(
            f"INSERT INTO {names['rules']} SELECT fingerprint, pack, rule, kind, title_zh,"
            f" title_en, reading, reading_zh, document, title, issuer, year, locator, quote,"
            f" definition::jsonb FROM {staged} ON CONFLICT (fingerprint) DO NOTHING"
        )
        cursor.execute(
            f"INSERT INTO {names['run_rules']} SELECT run_id, pack, rule, fingerprint FROM {staged}"
        )
    staged = _staged(cursor, frames["findings"], "minzheng_findings")
    cursor.execute(_FINDINGS_INSERT.format(num=_NUMBER, staging=staged, **names))


def read_findings_database(source: str) -> tuple[pl.DataFrame, RunRecord]:
    """The findings of one run (``pack, rule, unit, status, severity, message_zh,
    message_en``) and its record, from ``postgresql://…/DATABASE/TABLE``: the latest
    run written, or the one ``?run=ID`` names (``?run=previous``: the one written
    before the latest)."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(source)
    query = parse_qsl(parts.query, keep_blank_values=True)
    chosen = next((v for k, v in query if k == "run"), "latest")
    rest = urlencode([(k, v) for k, v in query if k != "run"])
    uri, name = split_table(urlunsplit(parts._replace(query=rest)))
    names = _names(name)
    with connect(uri) as connection:
        runs = fetch(
            connection,
            f"SELECT run_id, started, assessed_on, dataset, minzheng, packs::text AS packs,"
            f" rules_fingerprint, input_fingerprint FROM {names['runs']}"
            f" ORDER BY written DESC",
            source,
        )
        run_id = _pick(runs, chosen, source)
        row = runs.filter(pl.col("run_id") == run_id).row(0, named=True)
        findings = fetch(
            connection,
            f"SELECT pack, rule, unit, status, severity, message_zh, message_en"
            f" FROM {names['findings']} WHERE run_id = $1",
            source,
            (run_id,),
        )
        fingerprints = fetch(
            connection,
            f"SELECT pack || ':' || rule AS rule, fingerprint FROM {names['run_rules']}"
            f" WHERE run_id = $1",
            source,
            (run_id,),
        )
    record = RunRecord(
        run_id=row["run_id"], started=row["started"], on=row["assessed_on"],
        dataset=row["dataset"], minzheng=row["minzheng"], packs=json.loads(row["packs"]),
        rules=row["rules_fingerprint"], input=row["input_fingerprint"],
        rule_fingerprints=dict(fingerprints.iter_rows()),
    )  # fmt: skip
    return findings, record


def _pick(runs: pl.DataFrame, chosen: str, source: str) -> str:
    """The run id ``chosen`` names among ``runs`` (newest first)."""
    ids = runs.get_column("run_id").to_list()
    if chosen == "latest" and ids:
        return str(ids[0])
    if chosen == "previous" and len(ids) > 1:
        return str(ids[1])
    if chosen in ids:
        return chosen
    raise MessageError(msg("db.err.no_run", uri=redact(source), run=chosen, runs=len(ids)))
