"""``minzheng explain RULE``: a rule's clause, reading and inputs."""

from __future__ import annotations

import click

from minzheng.cli._common import applies_to, escape, installed, lang_option, main, stdout


@main.command()
@click.argument("rule_id", metavar="RULE")
@lang_option
def explain(rule_id: str, lang: str) -> None:
    """Show a rule: its clause in Chinese, our reading, the inputs it needs."""
    registry = installed()
    pack, rule = registry.rule(rule_id)
    zh = lang == "zh"
    out = stdout()
    indicators = registry.indicators
    out.print(f"[bold]{escape(rule.id)}[/] — {escape(rule.title_zh)} / {escape(rule.title_en)}")
    out.print(
        f"{'规则包' if zh else 'Pack'}: {pack.name} ({pack.info.title_zh} / {pack.info.title_en})"
    )
    out.print(f"{'适用' if zh else 'Applies to'}: {applies_to(rule, zh)}")
    cite = rule.citation
    out.print(f"{'出处' if zh else 'Source'}: {escape(cite.name)} {escape(cite.locator)}")
    out.print(f"{'原文' if zh else 'Clause'}: {escape(cite.text)}")
    out.print(f"{'解读' if zh else 'Reading'}: {escape(rule.reading)}")
    out.print(
        f"{'属性' if zh else 'Attribute'}: {rule.attribute.zh if zh else rule.attribute.value}"
    )
    if rule.deadline:
        out.print(f"{'期限' if zh else 'Deadline'}: {rule.deadline.isoformat()}")
    if rule.effective:
        out.print(f"{'起始' if zh else 'In force from'}: {rule.effective.isoformat()}")
    out.print(f"{'所需数据' if zh else 'Inputs'}:")
    for indicator in rule.reads():
        ind = indicators.get(indicator)
        if ind is None:
            out.print(f"  {indicator}")
            continue
        shown = ind.measure_zh if zh else ind.measure
        measure = escape(f" [{shown}]") if shown else ""  # not rich markup: "[person]"
        out.print(f"  {indicator}: {ind.name_zh} / {ind.name_en}{measure} ({ind.kind.value})")
