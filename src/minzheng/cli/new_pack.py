"""``minzheng new-pack NAME``: a working rule-pack skeleton."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from minzheng.cli._common import escape, main, stdout
from minzheng.scaffold.newpack import PackSpec, new_pack


@main.command("new-pack")
@click.argument("name")
@click.option(
    "--title-zh", required=True, help="The pack's Chinese title, e.g. 某某市民政三年规划."
)
@click.option("--title-en", required=True, help="The pack's English title.")
@click.option(
    "--prefix",
    "prefixes",
    multiple=True,
    metavar="CODE",
    help="A GB/T 2260 prefix of the region the pack covers (repeatable).",
)
@click.option("--region-zh", default="", help="The region's Chinese name.")
@click.option("--region-en", default="", help="The region's English name.")
@click.option(
    "--document",
    default="document",
    show_default=True,
    help="A short id for the document the pack encodes (citations name it).",
)
@click.option(
    "--source",
    default="",
    help="The file the document's clauses are read from (recorded for traceability).",
)
@click.option(
    "-o",
    "--output",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The folder to create the pack in.",
)
def new_pack_command(directory: Path, **spec: Any) -> None:
    """Create a working rule-pack skeleton NAME: pyproject with the entry point, data
    files with one example rule, the hooks, and tests that pass as they are."""
    target = new_pack(PackSpec(**spec), directory)
    out = stdout()
    out.print(escape(f"created {target}"))
    out.print(
        escape(
            f"next: pip install -e '{target}[test]' && pytest {target / 'tests'} && minzheng packs"
        )
    )
