"""A plugin with a misspelled hook name."""

from minzheng import PackInfo, hookimpl


@hookimpl
def minzheng_pack() -> PackInfo:
    return PackInfo(name="misspelled", title_zh="拼错包", title_en="Misspelled")


def minzheng_rule():  # type: ignore[no-untyped-def]  # should be minzheng_rules
    return ()
