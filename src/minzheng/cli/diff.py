"""``minzheng diff OLD NEW``: what changed between two runs."""

from __future__ import annotations

import json

import click

from minzheng.cli._common import (
    Exit,
    complete_file,
    file_console,
    format_option,
    lang_option,
    main,
    not_an_input,
    output_option,
    stdout,
)
from minzheng.cli._exits import NOT_MET
from minzheng.report.diff import (
    diff_findings,
    diff_to_json,
    diff_to_markdown,
    diff_to_table,
    read_findings,
)


@main.command(help="cli.help.diff")
@click.argument("old")
@click.argument("new")
@format_option("table", "json", "markdown", help="cli.opt.diff_format")
@output_option
@lang_option
def diff(old: str, new: str, fmt: str, output: click.Path | None, lang: str) -> None:
    """Compare two runs' findings: files (JSON, JSON lines, Parquet) or database runs."""
    not_an_input(output, *(side for side in (old, new) if "://" not in side))  # type: ignore[arg-type]
    changes = diff_findings(read_findings(old), read_findings(new))
    with complete_file(output) as out:  # type: ignore[arg-type]
        if fmt == "json":
            json.dump(diff_to_json(changes), out, ensure_ascii=False, indent=2, default=str)
            out.write("\n")
        elif fmt == "markdown":
            out.write(diff_to_markdown(changes, lang))
        else:
            diff_to_table(changes, stdout() if output is None else file_console(out), lang)
    raise Exit(NOT_MET if changes.worse else 0)
