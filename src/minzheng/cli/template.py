"""``minzheng template PACK``: a dataset to fill in."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from minzheng.cli._common import format_option, installed, lang_option, main, output_option
from minzheng.cli._i18n import say
from minzheng.io._atomic import replacing
from minzheng.scaffold.template import template_yaml


@main.command(help="cli.help.template")
@click.argument("pack")
@output_option
@format_option("yaml", "xlsx", help="cli.opt.template_format")
@lang_option
def template(pack: str, output: Path | None, fmt: str, lang: str) -> None:
    """A blank dataset (YAML or an Excel workbook) listing every fact PACK's rules read,
    with units."""
    registry = installed()
    if fmt == "xlsx":
        from minzheng.report.xlsx import template_workbook

        if output is None:
            raise click.UsageError(say("cli.err.workbook_needs_output"))
        template_workbook(registry.pack(pack), registry.indicators, output, lang)
        return
    text = template_yaml(registry.pack(pack), registry.indicators, lang)
    if output is None:
        sys.stdout.write(text)
    else:
        with replacing(output) as partial:
            partial.write_text(text, encoding="utf-8")
