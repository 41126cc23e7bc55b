"""The ``minzheng`` command line: one module per command (``assess``, ``diff``,
``validate``, ``targets``, ``rules``, ``explain``, ``packs``, ``template``, ``new_pack``), and what
they share in ``_common``; ``settings`` holds what an embedding program may set.

Exit status, like a linter: 0 when everything assessed is met, 1 when something is not
met, 2 for bad input or usage, 3 when a plugin or rule failed or minzheng itself did,
130 or 143 when interrupted (``_exits``). A user's mistake is reported in one message
per problem, naming the file, the unit and the field — never with a traceback — in the
language of ``--lang`` (``_i18n``).
"""

from __future__ import annotations

from minzheng.cli import (
    assess,
    diff,
    explain,
    new_pack,
    packs,
    rules,
    settings,
    targets,
    template,
    validate,
)
from minzheng.cli._common import main
from minzheng.i18n import LANG_ENV

__all__ = ["LANG_ENV", "main", "settings"]

# the command modules register themselves with ``main`` as they are imported
_COMMANDS = (assess, diff, explain, new_pack, packs, rules, targets, template, validate)
