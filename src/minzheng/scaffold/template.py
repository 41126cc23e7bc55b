"""Blank datasets for a pack: every fact its rules read, with its unit of measure.

``minzheng template PACK`` writes one example unit for each level (and unit type) the
pack's rules speak of, with every fact those rules read set to ``~`` (not known yet).
The file loads as it is — every finding is then ``unknown`` — and a bureau fills in
codes, names and values.
"""

from __future__ import annotations

from collections.abc import Mapping

import yaml

from minzheng.i18n import text
from minzheng.model import Indicator, Kind, Level
from minzheng.packs.registry import LoadedPack

__all__ = ["example_code", "template_yaml"]


def example_code(level: Level, prefix: str) -> str:
    """A code of the right shape for ``level`` inside the region ``prefix``.

    Placeholder only: replace it with the unit's real GB/T 2260 code.
    """
    digits = (prefix + "0000")[:4] if len(prefix) < 6 else prefix[:6]
    county = digits + "01" if len(digits) == 4 else digits
    township = county + "001"
    return {
        Level.PROVINCE: digits[:2],
        Level.PREFECTURE: digits[:4],
        Level.COUNTY: county,
        Level.TOWNSHIP: township,
        Level.VILLAGE: township + "001",
        Level.FACILITY: township + "-F1",
    }[level]


def _line(indicator: Indicator, lang: str) -> str:
    """The comment on a fact: its name, the kind of value and its unit of measure."""
    zh = lang == "zh"
    if indicator.kind is Kind.RATE:
        hint = text("template.rate_hint", lang)
    elif indicator.kind is Kind.SCORES:
        hint = text("template.scores_hint", lang)
    else:
        hint = text(f"kind.{indicator.kind.value}", lang)
    if indicator.kind is Kind.ITEMS:
        names = [i.name_zh if zh else i.id for i in indicator.items]
        hint += (":" if zh else ": ") + text("word.list_sep", lang).join(names)
    measure = indicator.measure_zh if zh else indicator.measure
    if measure and indicator.kind is not Kind.RATE:
        hint += f"{text('word.list_sep', lang)}{measure}"
    name = indicator.name_zh if zh else f"{indicator.name_zh} {indicator.name_en}"
    return f"{name} ({hint})"


def _header(pack: LoadedPack, lang: str) -> list[str]:
    """The comment lines that open a template."""
    keys = ("template.replace", "template.unknown", "template.per_year")
    title = text("template.title", lang, pack=pack.name, title=pack.info.title(lang))
    return [f"# {title}", *(f"# {text(key, lang)}" for key in keys)]


def template_yaml(pack: LoadedPack, indicators: Mapping[str, Indicator], lang: str = "en") -> str:
    """The blank dataset for ``pack`` as YAML text with a comment on every fact, the
    comments in ``lang``."""
    prefix = (
        pack.info.region.prefixes[0] if pack.info.region and pack.info.region.prefixes else "11"
    )
    groups: dict[tuple[Level, str | None], dict[str, list[str]]] = {}
    for rule in pack.rules:
        for level in rule.levels:
            kinds = rule.types or (None,)
            for unit_type in kinds:
                facts = groups.setdefault((level, unit_type), {})
                for indicator in rule.reads():
                    facts.setdefault(indicator, []).append(rule.id)
    lines = [
        *_header(pack, lang),
        yaml.safe_dump({"name": f"{pack.name}-template"}, allow_unicode=True).strip(),
        "units:",
    ]
    ordered = sorted(groups, key=lambda k: (k[0].rank, k[1] or ""))
    present: set[Level] = {level for level, _ in groups if level is not Level.FACILITY}
    used: dict[Level, int] = {}
    if not ordered:
        lines[-1] = f"units: []  # {text('template.no_facts', lang)}"
    for level, unit_type in ordered:
        used[level] = used.get(level, 0) + 1
        parent = _template_parent(level, prefix, present)
        if level is Level.FACILITY:
            code = f"{parent or example_code(Level.TOWNSHIP, prefix)}-F{used[level]}"
        else:  # a second type at one level gets its own code under the same parent
            first = example_code(level, prefix)
            code = first[:-1] + str(used[level]) if used[level] > 1 else first
        lines.append(f"  - code: {code!r}")
        name = text("template.example_unit", lang, level=text(f"level.{level.value}", lang))
        lines.append(f"    name: {name!r}  # {text('template.unit_name', lang)}")
        lines.append(f"    level: {level.value}")
        if parent:
            lines.append(f"    parent: {parent!r}")
        if unit_type:
            lines.append(f"    type: {unit_type}")
        lines.append("    facts:")
        for indicator, rule_ids in groups[(level, unit_type)].items():
            ind = indicators.get(indicator)
            comment = _line(ind, lang) if ind else text("explain.undeclared", lang)
            rules = ", ".join(dict.fromkeys(rule_ids))
            said = text("template.read_by", lang, fact=comment, rules=rules)
            lines.append(f"      {indicator}: ~  # {said}")
    return "\n".join(lines) + "\n"


def _template_parent(level: Level, prefix: str, present: set[Level]) -> str | None:
    """The example unit the template lists above ``level``, if any.

    A facility hangs under the township (or else the county, or else the village) the
    template lists: its code is that unit's code, a hyphen and a local id.
    """
    above: list[Level]
    if level is Level.FACILITY:
        above = [lv for lv in (Level.TOWNSHIP, Level.COUNTY, Level.VILLAGE) if lv in present]
    else:
        above = [lv for lv in reversed(list(Level)[: level.rank]) if lv in present]
    return example_code(above[0], prefix) if above else None
