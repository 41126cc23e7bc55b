"""Ji'an (吉安市) rule pack: strengthening grassroots civil-affairs capacity.

Encodes seed ``001_6660e7514066a487.txt``, the 吉安市 implementation opinions on
strengthening grassroots civil-affairs capacity, whose goal is set "确保到2018年". Every
rule id is that of the rule digest (``J-*``); every number — thresholds, population
bands, ratios, the 2018 dates, 200 yuan/month, 8 m², 2‰ and 2% — lives in
``data/rules.yaml`` and is read through the core's converter, so a revision of the
document is a change of data. Region: 吉安市, GB/T 2260 prefix 3608.
"""

from __future__ import annotations

from minzheng import DataPack, Document, PackInfo, RegionInfo

from . import rules  # registers the pack's own rule kinds (jian_*)

__all__ = ["DOCUMENT", "pack", "rules"]

#: The seed this pack encodes.
DOCUMENT = Document(
    "jian-capacity-opinions",
    "关于加强基层民政能力建设的实施意见",
    "Implementation opinions on strengthening grassroots civil-affairs capacity",
    issuer="吉安市人民政府",
    year=2017,
    source="001_6660e7514066a487.txt",
    note="The source prints no title line, number or date. The title is the one the text "
    "gives itself (现提出如下实施意见, on 加强基层民政能力建设); the issuer is read from "
    "its addressees (各县(市、区)人民政府 and 市直有关单位: the city government); the year "
    "from its content (after 十八届六中全会 of October 2016, goals 确保到2018年).",
)

#: The pack: its hooks read ``data/indicators.yaml`` and ``data/rules.yaml``.
pack = DataPack(
    __name__,
    PackInfo(
        name="jian",
        title_zh="吉安市基层民政能力建设",
        title_en="Ji'an: grassroots civil-affairs capacity",
        region=RegionInfo("吉安市", "Ji'an City", ("3608",)),
        documents=(DOCUMENT,),
    ),
)
