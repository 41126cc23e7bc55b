"""A pack whose indicators, rules and programmes are data files in its own package.

Most packs need no hook code of their own: ``DataPack`` implements the hooks by reading
``data/indicators.yaml``, ``data/rules.yaml`` and, when present, ``data/programs.yaml``
from the pack's package. A pack module then reads::

    from minzheng import DataPack, Document, PackInfo, RegionInfo

    pack = DataPack(__name__, PackInfo(name="cityplan", title_zh="…", title_en="…",
                                       region=RegionInfo("…", "…", ()), documents=(…,)))

with the entry point ``cityplan = "minzheng_cityplan:pack"``. Rule kinds of the pack's
own are subclasses of :class:`~minzheng.rules.Rule` registered with
:func:`~minzheng.rules.rule_kind` in a module the pack imports.
"""

from __future__ import annotations

from importlib.resources import files

import attrs

from minzheng.model import Citation, Indicator, PackInfo, Program
from minzheng.packs.hookspecs import hookimpl
from minzheng.rules import Rule, load_indicators, load_programs, load_rules

__all__ = ["DataPack"]


class DataPack:
    """The hooks of a pack whose content is data (see the module docstring)."""

    def __init__(
        self,
        package: str,
        info: PackInfo,
        *,
        data: str = "data",
    ) -> None:
        self.package = package
        self.info = info
        self.data = data

    def __repr__(self) -> str:
        return f"DataPack({self.package!r}, {self.info.name!r})"

    def _file(self, name: str):  # type: ignore[no-untyped-def]
        return files(self.package) / self.data / name

    @hookimpl
    def minzheng_pack(self) -> PackInfo:
        return self.info

    @hookimpl
    def minzheng_indicators(self) -> tuple[Indicator, ...]:
        source = self._file("indicators.yaml")
        return load_indicators(source) if source.is_file() else ()

    @hookimpl
    def minzheng_rules(self) -> tuple[Rule, ...]:
        """The rules of ``data/rules.yaml``, each citation named by the pack's document
        it cites (title, issuer, year), so a rule file gives only the document's id."""
        documents = {d.id: d for d in self.info.documents}
        rules = load_rules(self._file("rules.yaml"))
        return tuple(
            attrs.evolve(rule, citation=documents[rule.citation.document].cite(rule.citation))
            if rule.citation.document in documents
            else rule
            for rule in rules
        )

    @hookimpl
    def minzheng_programs(self) -> tuple[Program, ...]:
        source = self._file("programs.yaml")
        if not source.is_file():
            return ()
        documents = {d.id: d for d in self.info.documents}

        def cite(citation: Citation | None) -> Citation | None:
            found = None if citation is None else documents.get(citation.document)
            return citation if found is None or citation is None else found.cite(citation)

        return tuple(
            attrs.evolve(
                program,
                citation=cite(program.citation),
                standards=tuple(
                    attrs.evolve(s, citation=cite(s.citation)) for s in program.standards
                ),
            )
            for program in load_programs(source)
        )
