"""``minzheng new-pack NAME``: a working rule-pack skeleton."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from minzheng.cli._common import escape, lang_option, main, option, stdout
from minzheng.i18n import text
from minzheng.scaffold.newpack import PackSpec, new_pack


@main.command("new-pack", help="cli.help.new_pack")
@click.argument("name")
@option("--title-zh", required=True, help="cli.opt.title_zh")
@option("--title-en", required=True, help="cli.opt.title_en")
@option(
    "--prefix",
    "prefixes",
    multiple=True,
    metavar="CODE",
    help="cli.opt.prefix",
)
@option("--region-zh", default="", help="cli.opt.region_zh")
@option("--region-en", default="", help="cli.opt.region_en")
@option(
    "--document",
    default="document",
    show_default=True,
    help="cli.opt.document",
)
@option(
    "--source",
    default="",
    help="cli.opt.source",
)
@option(
    "-o",
    "--output",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="cli.opt.directory",
)
@lang_option
def new_pack_command(directory: Path, lang: str, **spec: Any) -> None:
    """Create a working rule-pack skeleton NAME: pyproject with the entry point, data
    files with one example rule, the hooks, and tests that pass as they are."""
    target = new_pack(PackSpec(**spec), directory)
    out = stdout()
    out.print(escape(text("cli.new_pack.created", lang, path=target)))
    out.print(escape(text("cli.new_pack.next", lang, path=target, tests=target / "tests")))
