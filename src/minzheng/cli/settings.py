"""What a program embedding the commands may set before running them."""

from __future__ import annotations

from minzheng.packs.registry import Registry

__all__ = ["registry"]

#: The packs the commands use. ``None`` (the default) discovers the installed ones when
#: a command runs; a :class:`~minzheng.packs.registry.Registry` set here is used instead
#: (a platform embedding the commands with packs of its own, or a test).
registry: Registry | None = None
