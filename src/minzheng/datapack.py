"""A pack whose indicators, rules and programmes are data files in its own package.

Most packs need no hook code of their own: ``DataPack`` implements the hooks by reading
``data/indicators.yaml``, ``data/rules.yaml`` and, when present, ``data/programs.yaml``
from the pack's package. A pack module then reads::

    from minzheng import DataPack, Document, PackInfo, RegionInfo

    pack = DataPack(__name__, PackInfo(name="cityplan", title_zh="…", title_en="…",
                                       region=RegionInfo("…", "…", ()), documents=(…,)))

with the entry point ``cityplan = "minzheng_cityplan:pack"``. Rule kinds of the pack's
own (subclasses of :class:`~minzheng.rules.Rule`) are passed as ``kinds``.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files

from .hookspecs import hookimpl
from .models import Indicator, PackInfo, Program
from .rules import Rule, load_indicators, load_programs, load_rules

__all__ = ["DataPack"]


class DataPack:
    """The hooks of a pack whose content is data (see the module docstring)."""

    def __init__(
        self,
        package: str,
        info: PackInfo,
        *,
        kinds: Mapping[str, type[Rule]] | None = None,
        data: str = "data",
    ) -> None:
        self.package = package
        self.info = info
        self.kinds = dict(kinds or {})
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
        return load_rules(self._file("rules.yaml"), kinds=self.kinds)

    @hookimpl
    def minzheng_programs(self) -> tuple[Program, ...]:
        source = self._file("programs.yaml")
        return load_programs(source) if source.is_file() else ()
