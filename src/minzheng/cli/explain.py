"""``minzheng explain RULE``: a rule's clause, reading and inputs."""

from __future__ import annotations

import click

from minzheng.cli._common import applies_to, escape, installed, lang_option, main, stdout
from minzheng.i18n import text


@main.command(help="cli.help.explain")
@click.argument("rule_id", metavar="RULE")
@lang_option
def explain(rule_id: str, lang: str) -> None:
    """Show a rule: its clause in Chinese, our reading, the inputs it needs."""
    registry = installed()
    pack, rule = registry.rule(rule_id)
    out = stdout()
    cite = rule.citation
    head = rule.title_zh if lang == "zh" else f"{rule.title_zh} / {rule.title_en}"
    out.print(f"[bold]{escape(rule.id)}[/] — {escape(head)}")
    lines = [
        ("explain.pack", f"{pack.name} ({pack.info.title(lang)})"),
        ("explain.applies", applies_to(rule, lang)),
        ("explain.source", f"{cite.name} {cite.locator}"),
        ("explain.clause", cite.text),
        ("explain.reading", rule.reading_in(lang)),
        ("explain.attribute", text(f"attribute.{rule.attribute.value}", lang)),
    ]
    if rule.deadline:
        lines.append(("explain.deadline", rule.deadline.isoformat()))
    if rule.effective:
        lines.append(("explain.effective", rule.effective.isoformat()))
    for key, value in lines:
        out.print(escape(f"{text(key, lang)}: {value}"), soft_wrap=True)
    out.print(f"{text('explain.inputs', lang)}:")
    indicators = registry.indicators
    for indicator in rule.reads():
        ind = indicators.get(indicator)
        if ind is None:
            out.print(escape(f"  {indicator}: {text('explain.undeclared', lang)}"))
            continue
        shown = ind.measure_zh if lang == "zh" else ind.measure
        measure = f" [{shown}]" if shown else ""
        name = ind.name_zh if lang == "zh" else f"{ind.name_zh} / {ind.name_en}"
        kind = text(f"kind.{ind.kind.value}", lang)
        out.print(escape(f"  {indicator}: {name}{measure} ({kind})"))
