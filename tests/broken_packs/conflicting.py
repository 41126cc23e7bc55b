"""A plugin that redeclares the core's registered_population differently."""

from minzheng import Indicator, Kind, PackInfo, hookimpl


@hookimpl
def minzheng_pack() -> PackInfo:
    return PackInfo(name="conflicting", title_zh="冲突包", title_en="Conflicting")


@hookimpl
def minzheng_indicators():  # type: ignore[no-untyped-def]
    return [
        Indicator(
            "registered_population",
            "户籍人口",
            "registered population",
            Kind.AMOUNT,
            measure="10k persons",
        )
    ]
