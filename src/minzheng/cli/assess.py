"""``minzheng assess FILE``: findings in every format."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from minzheng.cli._common import (
    Exit,
    Run,
    assess_options,
    complete_file,
    exit_status,
    file_console,
    installed,
    lang_option,
    main,
    read_input,
    stdout,
    summary_counts,
)
from minzheng.engine import Engine, resolve_date
from minzheng.io.dataset import Dataset
from minzheng.io.tables import dataset_from_tables, read_tables
from minzheng.model import Report, Severity
from minzheng.report.render import (
    report_to_json,
    report_to_markdown,
    report_to_table,
)


@main.command()
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@assess_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl", "parquet", "markdown", "html", "xlsx"]),
    default="table",
    show_default=True,
    help="Output format. jsonl writes one finding per line; parquet (the findings table, "
    "typed columns), html (a self-contained report with charts) and xlsx (a workbook "
    "coloured by status) need -o FILE.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["not-met", "failure", "never"]),
    default="not-met",
    show_default=True,
    help="What makes the exit status 1: any finding not met, only failures (binding and due), or nothing.",
)
@lang_option
def assess(file: str, run: Run, fmt: str, fail_on: str, lang: str) -> None:
    """Assess the units of a dataset FILE against the installed packs.

    FILE is a .yaml, .yml, .json or .xlsx file, a CSV folder (units.csv and facts.csv)
    or facts file, or a Parquet folder (units.parquet and facts.parquet) or facts file.
    """
    if fmt in ("html", "xlsx", "parquet") and run.output is None:
        raise click.UsageError(f"--format {fmt} writes a file: give -o FILE.{fmt}")
    registry = installed()
    engine = run.engine(registry)
    if fmt in ("jsonl", "parquet"):
        by_status, failed = _findings_file(engine, file, run, fmt)
        click.echo(summary_counts(by_status, lang), err=True)
        raise Exit(exit_status(by_status, failed, fail_on, bool(registry.errors)))
    data = read_input(file, registry)  # a dataset loaded whole is kept for html and xlsx
    on = resolve_date(data, run.on)
    report = engine.assess(data, run.packs, on, what_if=run.what_if, rules=run.rules)
    if isinstance(data, Dataset) or fmt not in ("html", "xlsx"):
        dataset = data if isinstance(data, Dataset) else None
    else:
        dataset = dataset_from_tables(data, registry.indicators)
    _write_report(report, dataset, fmt, run.output, lang)
    failures = sum(1 for f in report if f.severity is Severity.FAILURE)
    summary = {s.value: n for s, n in report.summary.items()}
    raise Exit(exit_status(summary, failures, fail_on, bool(registry.errors)))


def _findings_file(engine: Engine, file: str, run: Run, fmt: str) -> tuple[dict[str, int], int]:
    """Assess ``file`` by column and write its findings as JSON lines or Parquet: a
    province at a time when it is a CSV dataset of several provinces (bounded memory),
    else whole. Returns the findings by status and the number of failures."""
    from minzheng.io.tables import Doubt, read_blocks
    from minzheng.report.writers import status_counts, write_findings_jsonl, write_findings_parquet

    registry, output = engine.registry, run.output
    args: dict[str, Any] = {"what_if": run.what_if, "rules": run.rules}
    scratch = None if output is None else output.absolute().parent
    with read_blocks(file, registry.indicators, scratch) as blocks:
        if blocks is not None:
            try:
                day = resolve_date(blocks, run.on)
                tables = (engine.assess_table(t, run.packs, day, **args) for t in blocks)
                if fmt == "parquet":
                    assert output is not None
                    return _counted(write_findings_parquet, tables, output)
                with complete_file(output) as out:
                    return _counted(write_findings_jsonl, tables, out)
            except Doubt:
                pass  # read whole: the row-by-row reader names what is wrong
    whole = read_tables(file, registry.indicators)
    found = engine.assess_table(whole, run.packs, resolve_date(whole, run.on), **args)
    if fmt == "parquet":
        assert output is not None
        write_findings_parquet(found, output)
    else:
        with complete_file(output) as out:
            write_findings_jsonl(found, out)
    by_status, failures, _ = status_counts(found)
    return by_status, failures


def _counted(
    write: Callable[[Any, Any], Any], tables: Iterator[Any], target: Any
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

    write(counting(), target)
    return by_status, failures


def _write_report(
    report: Report, dataset: Dataset | None, fmt: str, output: Path | None, lang: str
) -> None:
    """Write a whole report as ``fmt`` (the units of ``dataset`` for html and xlsx)."""
    if fmt == "xlsx":
        from minzheng.report.xlsx import (
            write_findings_workbook,  # openpyxl: loaded only when asked for
        )

        assert output is not None
        assert dataset is not None
        write_findings_workbook(report, output, lang, dataset)
    elif fmt == "html":
        from minzheng.report.html import (
            report_to_html,  # matplotlib and Jinja2: loaded only when asked for
        )

        assert output is not None
        assert dataset is not None
        output.write_text(
            report_to_html(report, dataset, installed(warn=False), lang), encoding="utf-8"
        )
    else:
        with complete_file(output) as out:
            if fmt == "json":
                json.dump(report_to_json(report), out, ensure_ascii=False, indent=2)
                out.write("\n")
            elif fmt == "markdown":
                out.write(report_to_markdown(report, lang))
            else:
                console = stdout() if output is None else file_console(out)
                report_to_table(report, console, lang)
