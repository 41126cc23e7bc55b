"""The rule catalogue, generated from the installed packs when the docs are built.

For each pack: its region and documents; for each rule: the id, the titles, the clause
(document, locator and original words), our reading, the units it applies to, its
attribute and deadline, and the facts it reads with their names and units of measure.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from minzheng import Registry


def _lines(registry: Registry) -> list[str]:
    lines: list[str] = []
    indicators = registry.indicators
    for pack in registry.packs.values():
        if not pack.rules:
            continue
        info = pack.info
        title = f"{info.name}: {info.title_zh}"
        lines += [title, "-" * (len(title) * 2), "", info.title_en + ".", ""]
        if info.region is not None:
            prefixes = ", ".join(info.region.prefixes) or "none of its own (use it as a what-if)"
            lines += [
                f"Region: {info.region.name_zh} ({info.region.name_en}), GB/T 2260 prefix {prefixes}.",
                "",
            ]
        for doc in info.documents:
            lines += [
                f"- Document ``{doc.id}``: {doc.name}"
                + (f" — {doc.title_en}" if doc.title_en else ""),
                "",
            ]
        for rule in pack.rules:
            head = f"{rule.id} — {rule.title_zh}"
            lines += [head, "~" * (len(head) * 2), "", f"*{rule.title_en}*", ""]
            cite = rule.citation
            lines += [f"Clause: {cite.name} {cite.locator}:", "", f"    {cite.text}", ""]
            lines += [f"解读: {rule.reading_zh}", ""] if rule.reading_zh else []
            lines += [f"Reading: {rule.reading}", ""]
            levels = ", ".join(f"{level.value} ({level.zh})" for level in rule.levels)
            if rule.types:
                levels += f" (type {', '.join(rule.types)})"
            facts = [
                f"Applies to: {levels}",
                f"Attribute: {rule.attribute.value} ({rule.attribute.zh})",
            ]
            if rule.deadline:
                facts.append(f"Deadline: {rule.deadline.isoformat()}")
            if rule.effective:
                facts.append(f"In force from: {rule.effective.isoformat()}")
            lines += [f"- {f}" for f in facts] + [""]
            if rule.reads():
                lines += ["Inputs:", ""]
                for indicator in rule.reads():
                    ind = indicators.get(indicator)
                    text = (
                        f"{ind.name_zh} / {ind.name_en}"
                        + (f" [{ind.measure}]" if ind.measure else "")
                        if ind
                        else ""
                    )
                    lines.append(f"- ``{indicator}``: {text}")
                lines.append("")
    return lines


#: Written when the build starts; ``reference/catalogue.rst`` includes it.
GENERATED = Path(__file__).resolve().parent.parent / "reference" / "_catalogue.rst.inc"


def write_catalogue(app: Sphinx) -> None:
    """Write the catalogue of the installed packs; a pack that fails stops the build."""
    registry = Registry.discover()
    if registry.errors:
        raise ExtensionError("packs failed to load: " + "; ".join(str(e) for e in registry.errors))
    GENERATED.write_text("\n".join(_lines(registry)) + "\n", encoding="utf-8")


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("builder-inited", write_catalogue)
    return {"parallel_read_safe": True}
