"""An unnamed city's three-year civil-affairs plan: the worked example rule pack.

Encodes seed ``004_b74d4717138e34ac.txt`` (市民政系统年度工作规划, "今后三年"), the
worked example of the how-to "Write your own region's rule pack". The document does not
name its city (it mentions borders with 莱阳 and 莱州, which is not enough to say which
city wrote it), so the pack covers no region of its own: apply it to a city's data with
``--what-if`` (``what_if=True`` in Python). Its rules and numbers are data in ``data/``.
"""

from __future__ import annotations

from minzheng import DataPack, Document, PackInfo, RegionInfo

__all__ = ["DOCUMENT", "pack"]

#: The document the pack encodes.
DOCUMENT = Document(
    "cityplan-work-plan",
    "市民政系统年度工作规划",
    "An unnamed city's civil-affairs work plan for the next three years",
    source="004_b74d4717138e34ac.txt",
    note="The source names neither its city nor its issuer, and prints no date.",
)

#: The pack: its hooks read ``data/indicators.yaml`` and ``data/rules.yaml``.
pack = DataPack(
    __name__,
    PackInfo(
        name="cityplan",
        title_zh="某市民政系统三年工作规划(未署名城市)",
        title_en="An unnamed city's three-year civil-affairs plan",
        # The document names no city: no region of its own, so use it with --what-if.
        region=RegionInfo("未署名城市", "unnamed city", ()),
        documents=(DOCUMENT,),
    ),
)
