"""``minzheng rules``: the rules of the installed packs."""

from __future__ import annotations

import click

from minzheng.cli._common import applies_to, escape, installed, lang_option, main, stdout
from minzheng.i18n import text


@main.command(help="cli.help.rules")
@click.argument("pack", required=False)
@lang_option
def rules(pack: str | None, lang: str) -> None:
    """List the rules of every pack, or of PACK."""
    registry = installed()
    names = [pack] if pack else None
    from rich.table import Table

    table = Table(title=text("word.rules", lang))
    listed = list(registry.iter_rules(names))
    for head in ("rule", "pack", "title", "applies_to", "clause", "attribute"):
        table.add_column(text(f"word.{head}", lang), overflow="fold")
    table.columns[0].no_wrap = True  # a rule id is copied from here: never cut
    for loaded, rule in listed:
        table.add_row(
            escape(rule.id),
            escape(loaded.name),
            escape(rule.title(lang)),
            escape(applies_to(rule, lang)),
            escape(rule.citation.locator),
            text(f"attribute.{rule.attribute.value}", lang),
        )
    stdout().print(table)
