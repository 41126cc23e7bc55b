"""``minzheng template PACK``: a dataset to fill in."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from minzheng.cli._common import installed, main, output_path
from minzheng.scaffold.template import template_yaml


@main.command()
@click.argument("pack")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    callback=output_path,
    help="Write to this file instead of standard output.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "xlsx"]),
    default="yaml",
    show_default=True,
    help="YAML, or an Excel workbook to fill in (one sheet per level, with data validation).",
)
def template(pack: str, output: Path | None, fmt: str) -> None:
    """A blank dataset (YAML or an Excel workbook) listing every fact PACK's rules read,
    with units."""
    registry = installed()
    if fmt == "xlsx":
        from minzheng.report.xlsx import template_workbook

        if output is None:
            raise click.UsageError("an Excel workbook needs -o FILE.xlsx")
        template_workbook(registry.pack(pack), registry.indicators, output)
        return
    text = template_yaml(registry.pack(pack), registry.indicators)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
