"""Songming (嵩明县) rule pack: the 14th Five-Year Plan for civil affairs, 2021-2025.

Encodes seed ``003_f1592cf2329d5137.txt``, 嵩明县“十四五”民政事业发展规划: every row of
its indicator table (``S-table-NN``), every target stated in its text (``S-*`` ids of
the rule digest) and the 2015 and 2020 standards of its programmes, as values that
change on effective dates. Numbers, dates and citations live in ``data/``. Region:
嵩明县, GB/T 2260 code 530127.
"""

from __future__ import annotations

from importlib.resources import files

from minzheng import (
    Document,
    Indicator,
    PackInfo,
    Program,
    RegionInfo,
    Rule,
    hookimpl,
    load_indicators,
    load_programs,
    load_rules,
)

from .rules import DibaoGapRule, EcoBurialRule, ProvincialAverageRule, QuarterlyVisitsRule

__all__ = [
    "DOCUMENT",
    "KINDS",
    "minzheng_indicators",
    "minzheng_pack",
    "minzheng_programs",
    "minzheng_rules",
]

_DATA = files(__name__) / "data"

#: The seed this pack encodes.
DOCUMENT = Document(
    "003_f1592cf2329d5137.txt",
    "嵩明县“十四五”民政事业发展规划",
    "Songming County 14th Five-Year Plan for civil affairs",
)

#: The pack's own rule kinds, by the name ``data/rules.yaml`` uses.
KINDS: dict[str, type[Rule]] = {
    cls.kind: cls
    for cls in (EcoBurialRule, ProvincialAverageRule, QuarterlyVisitsRule, DibaoGapRule)
    if cls.kind
}


@hookimpl
def minzheng_pack() -> PackInfo:
    return PackInfo(
        name="songming",
        title_zh="嵩明县“十四五”民政事业发展规划",
        title_en="Songming: 14th Five-Year Plan for civil affairs",
        region=RegionInfo("嵩明县", "Songming County", ("530127",)),
        documents=(DOCUMENT,),
    )


@hookimpl
def minzheng_indicators() -> tuple[Indicator, ...]:
    return load_indicators(_DATA / "indicators.yaml")


@hookimpl
def minzheng_rules() -> tuple[Rule, ...]:
    return load_rules(_DATA / "rules.yaml", kinds=KINDS)


@hookimpl
def minzheng_programs() -> tuple[Program, ...]:
    return load_programs(_DATA / "programs.yaml")
