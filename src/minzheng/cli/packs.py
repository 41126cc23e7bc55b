"""``minzheng packs``: the installed rule packs."""

from __future__ import annotations

from minzheng.cli._common import Exit, escape, installed, lang_option, main, stdout
from minzheng.cli._exits import FAILED
from minzheng.i18n import text


@main.command(help="cli.help.packs")
@lang_option
def packs(lang: str) -> None:
    """List the installed rule packs (and any that failed to load)."""
    registry = installed(warn=False)  # the failures are part of this command's output
    from rich.table import Table

    table = Table(title=text("word.rule_packs", lang))
    for head in ("name", "version", "region", "documents", "rules_count", "hooks"):
        table.add_column(text(f"word.{head}", lang), overflow="fold")
    for pack in registry.packs.values():
        region = pack.info.region
        where = (
            "—"
            if region is None
            else f"{region.name_zh if lang == 'zh' else region.name_en} ({', '.join(region.prefixes)})"
        )
        docs = "\n".join(d.name for d in pack.info.documents) or "—"
        table.add_row(
            escape(pack.name),
            escape(pack.info.version or "—"),
            escape(where),
            escape(docs),
            str(len(pack.rules)),
            "\n".join(pack.hooks),
        )
    out = stdout()
    out.print(table)
    for error in registry.errors:
        out.print(f"[red]{text('word.failed', lang)}:[/] {escape(error.render(lang))}")
    for warning in registry.warnings:
        out.print(f"[yellow]{text('word.warning_prefix', lang)}:[/] {escape(warning.render(lang))}")
    if registry.errors:
        raise Exit(FAILED)
