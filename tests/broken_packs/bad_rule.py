"""A plugin whose one rule raises while checking a unit."""

from attrs import frozen

from minzheng import Citation, PackInfo, RegionInfo, Rule, hookimpl
from minzheng.model import Level


@frozen(kw_only=True)
class Exploding(Rule):
    def columns(self, frame: object) -> object:
        raise ZeroDivisionError("division by zero in a pack's rule")

    def targets(self, frame: object):  # type: ignore[no-untyped-def]
        raise KeyError("a pack's targets() that raises")


@hookimpl
def minzheng_pack() -> PackInfo:
    return PackInfo(
        name="badrule",
        title_zh="坏规则包",
        title_en="Bad rule",
        region=RegionInfo("x", "x", ("99",)),
    )


@hookimpl
def minzheng_rules():  # type: ignore[no-untyped-def]
    return [
        Exploding(
            id="B-explodes",
            title_zh="出错规则",
            title_en="Explodes",
            citation=Citation("x.txt", "一", "某条款"),
            reading="raises",
            levels=(Level.COUNTY,),
        )
    ]
