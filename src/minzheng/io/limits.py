"""What the loaders accept at most, checked before the costly step.

A platform runs minzheng unattended on files people edited by hand. A small file must
not be able to take the machine down, so every loader refuses, with an error naming the
file and the place:

* **anything but a regular file** (a folder of CSV or Parquet files is read file by
  file): a FIFO, a device such as ``/dev/zero`` or a socket would block or never end;
* **a file larger than the limit of its kind**: YAML, JSON and XLSX are read whole into
  memory, so their limit is :data:`DOCUMENT_SIZE` (and an XLSX workbook's unpacked
  parts count, not its zipped size); CSV and Parquet are read by column, so theirs is
  :data:`TABLE_SIZE`. Raise them with the environment variables
  ``MINZHENG_MAX_DOCUMENT_SIZE`` and ``MINZHENG_MAX_TABLE_SIZE`` (bytes, or a number
  with ``KB``, ``MB``, ``GB``, ``KiB``, ``MiB`` or ``GiB``);
* **a number of more than 30 digits** (``MAX_DIGITS``) written out (before and after
  the point together: ``1.0e+999999999`` has a billion), so no value can make exact
  arithmetic run for ever or overflow the engine's 38-digit decimals;
* **nesting deeper than** :data:`MAX_DEPTH` in YAML or JSON (a dataset needs six);
* **YAML aliases in a dataset** (``*name``: a few of them nested can stand for billions
  of values); in a pack's own files, where they save repeating a citation, their
  expansion is bounded by :data:`MAX_ALIAS_EXPANSION` values.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from minzheng.errors import InputError, MessageError, Problem
from minzheng.i18n import Msg, msg
from minzheng.model.values import MAX_DIGITS, too_many_digits

__all__ = [
    "DOCUMENT_SIZE",
    "DOCUMENT_SIZE_ENV",
    "MAX_ALIAS_EXPANSION",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "TABLE_SIZE",
    "TABLE_SIZE_ENV",
    "check_file",
    "check_size",
    "max_size",
    "too_many_digits",
]

#: The deepest nesting of lists and mappings a YAML or JSON file may have.
MAX_DEPTH = 32
#: The most values YAML aliases may add to a pack's file once expanded.
MAX_ALIAS_EXPANSION = 100_000
#: The default limit of a YAML, JSON or XLSX file (bytes; read whole into memory).
DOCUMENT_SIZE = 256 * 2**20
#: The default limit of one CSV or Parquet file (bytes; read by column).
TABLE_SIZE = 64 * 2**30
#: The environment variables that raise (or lower) the two limits.
DOCUMENT_SIZE_ENV = "MINZHENG_MAX_DOCUMENT_SIZE"
TABLE_SIZE_ENV = "MINZHENG_MAX_TABLE_SIZE"

_UNITS = {
    "": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
    "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40,
}  # fmt: skip
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)


def max_size(kind: str, environ: Mapping[str, str] | None = None) -> int:
    """The size limit in bytes of a ``"document"`` (YAML, JSON, XLSX) or a ``"table"``
    (CSV, Parquet): its environment variable when set, else the default."""
    name, default = (
        (DOCUMENT_SIZE_ENV, DOCUMENT_SIZE) if kind == "document" else (TABLE_SIZE_ENV, TABLE_SIZE)
    )
    raw = (os.environ if environ is None else environ).get(name, "").strip()
    if not raw:
        return default
    match = _SIZE.match(raw)
    if match is None or match.group(2).lower() not in _UNITS:
        raise MessageError(msg("cli.err.bad_size", name=name, value=raw))
    return int(Decimal(match.group(1)) * _UNITS[match.group(2).lower()])


def _kind_of_file(mode: int) -> Msg:
    if stat.S_ISDIR(mode):
        return msg("found.directory")
    if stat.S_ISFIFO(mode):
        return msg("found.fifo")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return msg("found.device")
    if stat.S_ISSOCK(mode):
        return msg("found.socket")
    return msg("found.special_file")


def check_file(path: Path, kind: str, error: type[InputError] = InputError) -> None:
    """Refuse ``path`` unless it is a regular file (symbolic links followed) within the
    size limit of its ``kind`` (``"document"`` or ``"table"``), raising ``error`` (a
    :class:`~minzheng.errors.DatasetError` for a dataset)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise error([Problem.no_such_file(str(path))]) from None
    except OSError as exc:
        raise error(
            [Problem(str(path), None, None, msg("expected.readable_file"), exc.strerror or "")]
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise error(
            [
                Problem(
                    str(path), None, None, msg("expected.regular_file"), _kind_of_file(info.st_mode)
                )
            ]
        )
    check_size(str(path), info.st_size, kind, error)


def check_size(label: str, size: int, kind: str, error: type[InputError] = InputError) -> None:
    """Refuse ``size`` bytes of ``label`` when over the limit of its ``kind``."""
    limit = max_size(kind)
    if size > limit:
        env = DOCUMENT_SIZE_ENV if kind == "document" else TABLE_SIZE_ENV
        raise error(
            [
                Problem(
                    label,
                    None,
                    None,
                    msg("expected.size_at_most", limit=limit),
                    msg("found.size", size=size),
                    msg("hint.raise_size", env=env),
                )
            ]
        )
