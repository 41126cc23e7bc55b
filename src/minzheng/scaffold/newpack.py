"""``minzheng new-pack``: a working skeleton of a rule pack.

The skeleton is a complete distribution — ``pyproject.toml`` with the entry point,
``data/indicators.yaml`` and ``data/rules.yaml`` with one example rule, the hooks in
``__init__.py``, and ``tests/test_pack.py`` using :mod:`minzheng.testing` — that passes
its own tests as soon as it is made. Its example rule and indicator say they are
placeholders, to be replaced by the document's clauses (see the how-to "Write your own
region's rule pack").
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from string import Template

import attrs

from minzheng import __version__
from minzheng.errors import MinzhengError
from minzheng.model import Level
from minzheng.scaffold.template import example_code

__all__ = ["PackSpec", "new_pack"]

_NAME = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
_PREFIX = re.compile(r"^(\d{2}|\d{4}|\d{6})$")


def _files(root: Traversable, relative: str = "") -> list[tuple[str, Traversable]]:
    found: list[tuple[str, Traversable]] = []
    for entry in root.iterdir():
        path = f"{relative}/{entry.name}" if relative else entry.name
        if entry.is_dir():
            found += _files(entry, path)
        elif not entry.name.endswith((".pyc", ".pyo")):
            found.append((path, entry))
    return sorted(found)


@attrs.frozen(kw_only=True)
class PackSpec:
    """What a new pack is called and covers: its ``name`` (the entry point, the module
    ``minzheng_<name>``), titles, the region (names and GB/T 2260 ``prefixes``), and the
    document it encodes (an id, its title, and the ``source`` file its clauses are read
    from). Empty region names and document titles default to the pack's titles.

    Raises :class:`~minzheng.errors.MinzhengError` for a name that is not a valid pack
    name or a prefix that is not a GB/T 2260 prefix.
    """

    name: str
    title_zh: str
    title_en: str
    region_zh: str = ""
    region_en: str = ""
    prefixes: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    document: str = "document"
    document_title_zh: str = ""
    document_title_en: str = ""
    source: str = ""

    def __attrs_post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise MinzhengError(
                "a pack name is 2 to 31 lower-case letters, digits or '_', starting with a "
                f"letter; found {self.name!r}"
            )
        for prefix in self.prefixes:
            if not _PREFIX.match(prefix):
                raise MinzhengError(
                    f"a region prefix is a 2-, 4- or 6-digit GB/T 2260 code; found {prefix!r}"
                )


def new_pack(spec: PackSpec, directory: Path) -> Path:
    """Write the skeleton of the pack ``spec`` describes into
    ``directory/minzheng-<name>``; return it.

    Raises :class:`~minzheng.errors.MinzhengError` when that folder already exists.
    """
    name, prefixes = spec.name, spec.prefixes
    target = directory / f"minzheng-{name.replace('_', '-')}"
    if target.exists():
        raise MinzhengError(f"{target} already exists; choose another name or folder")
    township = example_code(Level.TOWNSHIP, prefixes[0] if prefixes else "11")
    values = {
        "name": name,
        "dist": name.replace("_", "-"),
        "prefix": name[0].upper(),
        "title_zh": spec.title_zh,
        "title_en": spec.title_en,
        "region_zh": spec.region_zh or spec.title_zh,
        "region_en": spec.region_en or spec.title_en,
        "prefixes": "".join(f'"{p}", ' for p in prefixes).rstrip(" ") or "",
        "document": spec.document,
        "document_title_zh": spec.document_title_zh or spec.title_zh,
        "document_title_en": spec.document_title_en or spec.title_en,
        "source": spec.source,
        "township_code": township,
        "minzheng_version": __version__ if __version__ != "0.0.0" else "0.1",
    }
    root = files("minzheng.scaffold") / "_template" / "pack"
    # written in a hidden folder beside it, renamed when whole: an interrupted run
    # leaves no half a pack under the name
    partial = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=directory))
    try:
        for relative, template in _files(root):
            out = partial / relative.replace("minzheng_PACK", f"minzheng_{name}")
            out = out.with_name(out.name.removesuffix(".tmpl"))
            out.parent.mkdir(parents=True, exist_ok=True)
            text = template.read_text(encoding="utf-8")
            out.write_text(
                Template(text).substitute(values) if relative.endswith(".tmpl") else text,
                encoding="utf-8",
            )
        partial.chmod(0o777 & ~_umask())
        partial.rename(target)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target


def _umask() -> int:
    """The process's file-creation mask (read by setting it, then set back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
