"""``minzheng packs``: the installed rule packs."""

from __future__ import annotations

from minzheng.cli._common import escape, installed, lang_option, main, stdout


@main.command()
@lang_option
def packs(lang: str) -> None:
    """List the installed rule packs (and any that failed to load)."""
    registry = installed(warn=False)  # the failures are part of this command's output
    from rich.table import Table

    zh = lang == "zh"
    table = Table(title="规则包" if zh else "Rule packs")
    for head in (
        ("名称", "name"),
        ("版本", "version"),
        ("地区", "region"),
        ("引用文件", "documents"),
        ("规则数", "rules"),
        ("实现的钩子", "hooks"),
    ):
        table.add_column(head[0] if zh else head[1], overflow="fold")
    for pack in registry.packs.values():
        region = pack.info.region
        where = (
            "—"
            if region is None
            else f"{region.name_zh if zh else region.name_en} ({', '.join(region.prefixes)})"
        )
        docs = "\n".join(d.name for d in pack.info.documents) or "—"
        table.add_row(
            pack.name,
            pack.info.version or "—",
            where,
            docs,
            str(len(pack.rules)),
            "\n".join(pack.hooks),
        )
    out = stdout()
    out.print(table)
    for error in registry.errors:
        out.print(f"[red]{'加载失败' if zh else 'failed'}:[/] {escape(str(error))}")
