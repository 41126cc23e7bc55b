"""An invented pack for the core's own tests. It encodes no real document.

Region prefix ``99`` is not used by GB/T 2260, so it can never cover a real unit. Its
citations point at ``demo.txt``, a made-up document; the Chinese clause texts are
written for the tests in the style of the real seeds.
"""

from __future__ import annotations

from decimal import Decimal
from importlib.resources import files

import polars as pl
from attrs import frozen

from minzheng import (
    Citation,
    Document,
    MissingFact,
    Outcome,
    PackInfo,
    Quantity,
    RegionInfo,
    Rule,
    compare,
    hookimpl,
)
from minzheng.model import Comparator, Level
from minzheng.rules import load_indicators, load_rules
from minzheng.rules.columns import Frame

_DATA = files(__name__)
DOCUMENT = Document("demo.txt", "演示文件(虚构)", "demo document (invented)")


@frozen(kw_only=True)
class CarersRule(Rule):
    """A code-only rule: carers ≥ ⌈disabled residents / 4⌉ (like J-home-staff)."""

    def columns(self, frame: Frame) -> pl.DataFrame:
        return frame.outcome([], frame.apply(self.judge, carers=frame.fact("carers"),
                                             disabled=frame.fact("disabled_residents")))  # fmt: skip

    def judge(self, carers: object, disabled: object) -> Outcome:
        missing = [
            i for i, v in (("carers", carers), ("disabled_residents", disabled)) if v is None
        ]
        if missing:
            raise MissingFact(*missing)
        required = (Decimal(disabled) / 4).to_integral_value(rounding="ROUND_CEILING")  # type: ignore[arg-type]
        return compare(
            Decimal(carers), Comparator.GE, required, Quantity("护理人员", "carers", "person")
        )


CARERS = CarersRule(
    id="D-carers",
    title_zh="护理人员配比",
    title_en="Carers per disabled resident",
    citation=Citation("demo.txt", "三2", "工作人员与失能老人1:4的比例配齐护理人员"),
    reading="carers ≥ ⌈disabled residents / 4⌉",
    levels=(Level.FACILITY,),
    types=("nursing_home",),
    inputs=("carers", "disabled_residents"),
)


@hookimpl
def minzheng_pack() -> PackInfo:
    return PackInfo(
        name="demo",
        title_zh="演示包",
        title_en="Demo pack",
        region=RegionInfo("演示市", "Demo City", ("99",)),
        documents=(DOCUMENT,),
        version="0.0.1",
    )


@hookimpl
def minzheng_indicators():  # type: ignore[no-untyped-def]
    return load_indicators(_DATA / "indicators.yaml")


@hookimpl
def minzheng_rules():  # type: ignore[no-untyped-def]
    return (*load_rules(_DATA / "rules.yaml"), CARERS)
