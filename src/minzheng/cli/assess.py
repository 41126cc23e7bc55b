"""``minzheng assess FILE``: findings in every format."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import click
import polars as pl

from minzheng.cli._common import (
    Exit,
    Run,
    assess_options,
    complete_file,
    exit_status,
    file_console,
    format_option,
    input_fingerprint,
    installed,
    is_csv_dataset,
    lang_option,
    main,
    not_an_input,
    option,
    read_input,
    source_options,
    stdout,
    summary_counts,
)
from minzheng.cli._i18n import say
from minzheng.engine import Engine, resolve_date
from minzheng.engine.runs import start_run
from minzheng.errors import MessageError
from minzheng.i18n import msg
from minzheng.io.dataset import Dataset
from minzheng.io.postgres import is_database, redact
from minzheng.io.tables import (
    Tables,
    dataset_from_tables,
    parquet_paths,
    tables_from_dataset,
)
from minzheng.model import Report, RunRecord, Severity
from minzheng.packs.registry import Registry
from minzheng.report.database import MODES
from minzheng.report.render import (
    report_to_json,
    report_to_markdown,
    report_to_table,
)


@main.command(help="cli.help.assess")
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@assess_options
@format_option(
    "table", "json", "jsonl", "parquet", "markdown", "html", "xlsx", help="cli.opt.assess_format"
)
@option(
    "--fail-on",
    type=click.Choice(["not-met", "failure", "never"]),
    default="not-met",
    show_default=True,
    help="cli.opt.fail_on",
)
@source_options
@option(
    "--if-exists",
    type=click.Choice(MODES),
    default="append",
    show_default=True,
    help="cli.opt.if_exists",
)
@lang_option
def assess(  # noqa: PLR0913 - one argument per option
    file: str,
    run: Run,
    fmt: str,
    fail_on: str,
    sources: tuple[str, str],
    if_exists: str,
    lang: str,
) -> None:
    """Assess the units of a dataset FILE against the installed packs.

    FILE is a .yaml, .yml, .json or .xlsx file, a CSV folder (units.csv and facts.csv)
    or facts file, a Parquet folder (units.parquet and facts.parquet) or facts file,
    or a PostgreSQL database (postgresql://…, with --units and --facts).
    """
    if run.database is not None and fmt != "table":
        raise click.UsageError(say("cli.err.database_format", fmt=fmt))
    if fmt in ("html", "xlsx", "parquet") and run.output is None:
        raise click.UsageError(say("cli.err.needs_output", fmt=fmt))
    not_an_input(run.output, *([] if is_database(file) else [file]), run.table)
    registry = installed()
    engine = run.engine(registry)
    if run.database is not None or fmt in ("jsonl", "parquet"):
        if not run.what_if and not is_database(file):  # before any work: unit codes only
            _check_covered(_unit_codes(file), run.packs, registry)
        by_status, failed = _findings_table(engine, file, run, (fmt, sources, if_exists))
        click.echo(summary_counts(by_status, lang), err=True)
        raise Exit(exit_status(by_status, failed, fail_on, bool(registry.errors)))
    data = read_input(file, registry, sources)  # a dataset loaded whole is kept for html and xlsx
    names = _unit_names(data)
    if not run.what_if:
        _check_covered(names, run.packs, registry)
    on = resolve_date(data, run.on)
    report = engine.assess(data, run.packs, on, what_if=run.what_if, rules=run.rules)
    report = attrs.evolve(report, run=_record(engine, run, file, data, on))
    if isinstance(data, Dataset) or fmt not in ("html", "xlsx"):
        dataset = data if isinstance(data, Dataset) else None
    else:
        dataset = dataset_from_tables(data, registry.indicators)
    _write_report(report, (dataset, names), fmt, run.output, lang)
    failures = sum(1 for f in report if f.severity is Severity.FAILURE)
    summary = {s.value: n for s, n in report.summary.items()}
    raise Exit(exit_status(summary, failures, fail_on, bool(registry.errors)))


def _record(
    engine: Engine, run: Run, file: str, data: Dataset | Tables | None, on: date
) -> RunRecord:
    """The record of this run (its input read from ``file``, or ``data`` for a
    database)."""
    return start_run(
        engine.rules(run.packs, run.rules),
        on=on,
        dataset=redact(file) if is_database(file) else file,
        input_fingerprint=input_fingerprint(file, data),
    )


def _unit_names(data: Dataset | Tables) -> dict[str, str]:
    """Each unit's name by its code."""
    if isinstance(data, Dataset):
        return {code: unit.name for code, unit in data.units.items()}
    codes, names = data.units.get_column("code"), data.units.get_column("name")
    return dict(zip(codes.to_list(), names.to_list(), strict=True))


def _unit_codes(file: str) -> list[str]:
    """The unit codes of a CSV or Parquet dataset, read alone (the facts are not read);
    none when the file is of another kind or cannot be read (the loader then says why)."""
    from minzheng.io.dataset import csv_paths

    path = Path(file)
    try:
        if is_csv_dataset(file):
            units = csv_paths(path)[0]
            if not units.is_file():  # a FIFO is not read here: the loader says what it is
                return []
            codes = pl.read_csv(units, columns=["code"], schema_overrides={"code": pl.String})
        elif path.is_dir() or path.suffix.lower() == ".parquet":
            units = parquet_paths(path)[0]
            if not units.is_file():
                return []
            codes = pl.read_parquet(units, columns=["code"]).cast(pl.String)
        else:
            return []
    except (pl.exceptions.PolarsError, OSError):
        return []
    return codes.get_column("code").drop_nulls().str.strip_chars().to_list()


def _check_covered(codes: Iterable[str], packs: list[str] | None, registry: Registry) -> None:
    """Refuse a run in which no chosen pack's region holds any unit of the dataset
    (``codes``: its units' codes): it would give no finding at all, which reads like
    "nothing wrong"."""
    chosen = [registry.pack(p) for p in packs] if packs else list(registry.packs.values())
    regions = [(p.name, p.info.region.prefixes) for p in chosen if p.info.region is not None]
    if len(regions) < len(chosen):  # a pack for every region
        return
    prefixes = tuple(prefix for _, pack_prefixes in regions for prefix in pack_prefixes)
    seen = False
    for code in codes:
        if code.startswith(prefixes):
            return
        seen = True
    if not seen:  # no units, or none could be read: nothing to say here
        return
    shown = ", ".join(f"{name} ({'/'.join(pack_prefixes)})" for name, pack_prefixes in regions)
    raise MessageError(msg("cli.no_unit_covered", regions=shown))


def _findings_table(
    engine: Engine, file: str, run: Run, how: tuple[str, tuple[str, str], str]
) -> tuple[dict[str, int], int]:
    """Assess ``file`` by column and write its findings as JSON lines, Parquet or into
    the database of ``-o`` (``how``: the format, the database sources to read, append or
    replace): a province at a time when it is a CSV dataset of several provinces
    written to a file (bounded memory), else whole. Returns the findings by status and
    the number of failures."""
    from minzheng.report.writers import status_counts, write_findings_jsonl, write_findings_parquet

    fmt, sources, mode = how
    if run.database is None and not is_database(file):
        streamed = _findings_blocks(engine, file, run, fmt)
        if streamed is not None:
            return streamed
    data = read_input(file, engine.registry, sources)
    whole = (
        data if isinstance(data, Tables) else tables_from_dataset(data, engine.registry.indicators)
    )
    if not run.what_if and is_database(file):  # (a file's unit codes were read first)
        _check_covered(whole.units.get_column("code").to_list(), run.packs, engine.registry)
    day = resolve_date(whole, run.on)
    found = engine.assess_table(whole, run.packs, day, what_if=run.what_if, rules=run.rules)
    record = _record(engine, run, file, whole, day)
    if run.database is not None:
        from minzheng.report.database import write_findings_database

        chosen = [(pack.name, rule) for pack, rule in engine.rules(run.packs, run.rules)]
        write_findings_database(found, run.database, record, chosen, mode)
    elif fmt == "parquet":
        assert run.output is not None
        write_findings_parquet(found, run.output, record)
    else:
        with complete_file(run.output) as out:
            write_findings_jsonl(found, out, record)
    by_status, failures, _ = status_counts(found)
    return by_status, failures


def _findings_blocks(
    engine: Engine, file: str, run: Run, fmt: str
) -> tuple[dict[str, int], int] | None:
    """The findings of a CSV dataset of several provinces written a province at a time
    as JSON lines or Parquet; ``None`` when it is not one, or is not valid (read whole:
    the row-by-row reader names what is wrong)."""
    from minzheng.io.tables import Doubt, read_blocks
    from minzheng.report.writers import write_findings_jsonl, write_findings_parquet

    output = run.output
    args: dict[str, Any] = {"what_if": run.what_if, "rules": run.rules}
    scratch = None if output is None else output.absolute().parent
    with read_blocks(file, engine.registry.indicators, scratch) as blocks:
        if blocks is None:
            return None
        try:
            day = resolve_date(blocks, run.on)
            record = _record(engine, run, file, None, day)
            tables = (engine.assess_table(t, run.packs, day, **args) for t in blocks)
            if fmt == "parquet":
                assert output is not None
                return _counted(write_findings_parquet, tables, output, record)
            with complete_file(output) as out:
                return _counted(write_findings_jsonl, tables, out, record)
        except Doubt:
            return None


def _counted(
    write: Callable[[Any, Any, RunRecord], Any],
    tables: Iterator[Any],
    target: Any,
    record: RunRecord,
) -> tuple[dict[str, int], int]:
    """Write the findings tables one after another; their counts by status and failures."""
    from minzheng.report.writers import status_counts

    by_status: dict[str, int] = {}
    failures = 0

    def counting() -> Iterator[Any]:
        nonlocal failures
        for table in tables:
            counts, failed, _ = status_counts(table)
            for status, n in counts.items():
                by_status[status] = by_status.get(status, 0) + n
            failures += failed
            yield table

    write(counting(), target, record)
    return by_status, failures


def _write_report(
    report: Report,
    units: tuple[Dataset | None, Mapping[str, str]],
    fmt: str,
    output: Path | None,
    lang: str,
) -> None:
    """Write a whole report as ``fmt``: ``units`` are the dataset (for html and xlsx)
    and the units' names (code → name)."""
    dataset, names = units
    if fmt == "xlsx":
        from minzheng.report.xlsx import (
            write_findings_workbook,  # openpyxl: loaded only when asked for
        )

        assert output is not None
        assert dataset is not None
        write_findings_workbook(report, output, lang, dataset, installed(warn=False).indicators)
    elif fmt == "html":
        from minzheng.report.html import (
            report_to_html,  # matplotlib and Jinja2: loaded only when asked for
        )

        assert output is not None
        assert dataset is not None
        with complete_file(output) as out:
            out.write(report_to_html(report, dataset, installed(warn=False), lang))
    else:
        with complete_file(output) as out:
            if fmt == "json":
                json.dump(report_to_json(report), out, ensure_ascii=False, indent=2)
                out.write("\n")
            elif fmt == "markdown":
                out.write(report_to_markdown(report, lang, names))
            else:
                console = stdout() if output is None else file_console(out)
                report_to_table(report, console, lang, names)
