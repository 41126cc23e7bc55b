"""A plugin whose rules hook raises."""

from minzheng import PackInfo, RegionInfo, hookimpl


@hookimpl
def minzheng_pack() -> PackInfo:
    return PackInfo(
        name="raises", title_zh="出错包", title_en="Raises", region=RegionInfo("x", "x", ("99",))
    )


@hookimpl
def minzheng_rules():  # type: ignore[no-untyped-def]
    raise RuntimeError("boom in minzheng_rules")
