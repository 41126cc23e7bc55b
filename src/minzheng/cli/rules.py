"""``minzheng rules``: the rules of the installed packs."""

from __future__ import annotations

import click

from minzheng.cli._common import applies_to, installed, lang_option, main, stdout


@main.command()
@click.argument("pack", required=False)
@lang_option
def rules(pack: str | None, lang: str) -> None:
    """List the rules of every pack, or of PACK."""
    registry = installed()
    names = [pack] if pack else None
    from rich.table import Table

    zh = lang == "zh"
    table = Table(title="规则" if zh else "Rules")
    for head in (
        ("规则", "rule"),
        ("规则包", "pack"),
        ("名称", "title"),
        ("适用层级", "applies to"),
        ("条款", "clause"),
        ("属性", "attribute"),
    ):
        table.add_column(head[0] if zh else head[1], overflow="fold")
    for loaded, rule in registry.iter_rules(names):
        attribute = rule.attribute.zh if zh else rule.attribute.value
        table.add_row(
            rule.id,
            loaded.name,
            rule.title(lang),
            applies_to(rule, zh),
            rule.citation.locator,
            attribute,
        )
    stdout().print(table)
