"""Songming (嵩明县) rule pack: the 14th Five-Year Plan for civil affairs, 2021-2025.

Encodes seed ``003_f1592cf2329d5137.txt``, 嵩明县“十四五”民政事业发展规划: every row of
its indicator table (``S-table-NN``), every target stated in its text (``S-*`` ids of
the rule digest) and the 2015 and 2020 standards of its programmes, as values that
change on effective dates. Numbers, dates and citations live in ``data/``. Region:
嵩明县, GB/T 2260 code 530127.
"""

from __future__ import annotations

from minzheng import DataPack, Document, PackInfo, RegionInfo

from . import rules  # registers the pack's own rule kinds (songming_*)

__all__ = ["DOCUMENT", "pack", "rules"]

#: The seed this pack encodes.
DOCUMENT = Document(
    "songming-14th-plan",
    "嵩明县“十四五”民政事业发展规划",
    "Songming County 14th Five-Year Plan for civil affairs (2021-2025)",
    issuer="嵩明县",
    source="003_f1592cf2329d5137.txt",
    note="The source prints no issuing body or date beyond the county and the plan "
    "period 2021-2025 (十四五); no year of issue is given.",
)

#: The pack: its hooks read ``data/indicators.yaml``, ``data/rules.yaml`` and
#: ``data/programs.yaml``.
pack = DataPack(
    __name__,
    PackInfo(
        name="songming",
        title_zh="嵩明县“十四五”民政事业发展规划",
        title_en="Songming: 14th Five-Year Plan for civil affairs",
        region=RegionInfo("嵩明县", "Songming County", ("530127",)),
        documents=(DOCUMENT,),
    ),
)
