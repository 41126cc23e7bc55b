"""The hooks a rule pack implements.

A rule pack is a pluggy plugin registered under the entry-point group ``minzheng``.
Each hook takes no arguments and returns data; minzheng calls every hook **once per
plugin**, separately, so that a plugin that raises is reported by name and the other
packs still load. For each hook the calling rule below says what minzheng does with the
results. Mark implementations with :data:`~minzheng.packs.hookspecs.hookimpl`; a function whose name
starts with ``minzheng_`` but matches no hook here is an error, so a misspelled hook
cannot go unnoticed.

Example (a pack module)::

    from minzheng import hookimpl, PackInfo, RegionInfo

    @hookimpl
    def minzheng_pack() -> PackInfo:
        return PackInfo(name="jian", title_zh="吉安市", title_en="Ji'an",
                        region=RegionInfo("吉安市", "Ji'an", ("3608",)))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pluggy

from minzheng.model import Indicator, PackInfo, Program

if TYPE_CHECKING:
    from minzheng.rules import Rule

#: The project name pluggy uses for the markers and the entry-point group.
PROJECT = "minzheng"

_hookspec = pluggy.HookspecMarker(PROJECT)

#: Marks a function of a rule pack as the implementation of one of the hooks below.
hookimpl = pluggy.HookimplMarker(PROJECT)


@_hookspec
def minzheng_pack() -> PackInfo:  # type: ignore[empty-body]
    """Describe the pack: its name, titles, region and the documents it encodes.

    **Calling rule:** collecting. Called once for each plugin; every plugin that
    provides rules or indicators must implement it and return one
    :class:`~minzheng.model.PackInfo`. The pack's ``region`` decides which units its
    rules apply to (by GB/T 2260 code prefix) unless the user asks for a "what if".
    """


@_hookspec
def minzheng_indicators() -> Sequence[Indicator]:  # type: ignore[empty-body]
    """Declare the indicators (facts) the pack's rules read.

    **Calling rule:** collecting. Called once for each plugin; the results of all packs
    are merged into one catalogue that the dataset loader checks facts against. Two
    packs may declare the same indicator only if the declarations are equal; a pack
    that declares an indicator differently from one loaded before it is refused and
    reported by name.
    """


@_hookspec
def minzheng_rules() -> Sequence[Rule]:  # type: ignore[empty-body]
    """Return the pack's rules (:class:`~minzheng.rules.Rule` objects).

    **Calling rule:** collecting. Called once for each plugin; each rule belongs to the
    pack of the plugin that returned it. Rule ids are unique across all installed
    packs: a pack that repeats another's id is refused and reported by name.
    """


@_hookspec
def minzheng_programs() -> Sequence[Program]:  # type: ignore[empty-body]
    """Return the programmes (城乡低保, 特困供养, …) and their dated standards.

    **Calling rule:** collecting. Called once for each plugin; the programmes are
    listed by ``minzheng targets`` and available to the pack's own rules.
    """


#: Every hook, in the order minzheng calls them when it loads a plugin.
HOOKS: tuple[str, ...] = (
    "minzheng_pack",
    "minzheng_indicators",
    "minzheng_rules",
    "minzheng_programs",
)
