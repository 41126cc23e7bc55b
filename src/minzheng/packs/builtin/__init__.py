"""The built-in core pack: indicators every region needs, declared like any pack's.

It has no rules and no region of its own. It registers through the same hooks a region
pack uses, so the core's own indicators obey the same checks (no pack may redeclare
them differently).
"""

from __future__ import annotations

from importlib.resources import files

from minzheng.model import Indicator, PackInfo
from minzheng.packs.hookspecs import hookimpl
from minzheng.rules import load_indicators

_DATA = files(__name__)


@hookimpl
def minzheng_pack() -> PackInfo:
    return PackInfo(name="core", title_zh="民政核心指标", title_en="minzheng core indicators")


@hookimpl
def minzheng_indicators() -> tuple[Indicator, ...]:
    return load_indicators(_DATA / "indicators.yaml")
