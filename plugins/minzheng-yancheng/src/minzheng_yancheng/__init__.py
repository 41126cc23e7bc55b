"""Yancheng (盐城市) rule pack: creating modern civil-affairs demonstration counties.

Encodes seed ``000_7660ae977f44794f.txt`` (the city's guidance on creating
现代民政示范县(市、区), under 苏民发〔2014〕2号) and ``002_8ac52190ed35b63a.txt`` (a 2019
article on the system's high-quality development): every ``Y-*`` rule of the rule
digest. The indicator table ships with **illustrative** points (the seeds do not print
the official ones); a region passes its official table as the ``score_table`` option
(``--table FILE``). Region: 盐城市, GB/T 2260 prefix 3209.
"""

from __future__ import annotations

from minzheng import DataPack, Document, PackInfo, RegionInfo, Rule, hookimpl

from . import rules  # registers the pack's own rule kinds (yancheng_*)
from .rules import default_table, table_in_use

__all__ = ["DOCUMENTS", "default_table", "pack", "rules", "table_in_use"]

#: The seeds this pack encodes.
DOCUMENTS = (
    Document(
        "yancheng-2014-guidance",
        "关于推进“现代民政示范县(市、区)”创建工作的指导意见",
        "Guidance on creating modern civil-affairs demonstration counties",
        issuer="盐城市民政局",
        year=2014,
        source="000_7660ae977f44794f.txt",
        note="The source prints no date or number: it is addressed by the city bureau (市局) "
        "to 各县(市、区)民政局 and sets its first step for 2014年3月底前, so 2014.",
    ),
    Document(
        "yancheng-2019-article",
        "开启新时代民政高质量发展新征程",
        "Opening a new journey of high-quality civil-affairs development",
        issuer="中国社会报",
        year=2019,
        source="002_8ac52190ed35b63a.txt",
        note="An article on 盐城市's civil-affairs system, published 2019-05-20 "
        "(来源:中国社会报社).",
    ),
)


class _Pack(DataPack):
    """The data pack, which also checks the shipped table when it loads its rules."""

    @hookimpl
    def minzheng_rules(self) -> tuple[Rule, ...]:
        default_table()  # a broken shipped table is a load error of this pack, named
        return super().minzheng_rules()


#: The pack: its hooks read ``data/indicators.yaml`` and ``data/rules.yaml``.
pack = _Pack(
    __name__,
    PackInfo(
        name="yancheng",
        title_zh="盐城市现代民政示范县(市、区)创建",
        title_en="Yancheng: modern civil-affairs demonstration counties",
        region=RegionInfo("盐城市", "Yancheng City", ("3209",)),
        documents=DOCUMENTS,
    ),
)
