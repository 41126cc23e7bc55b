"""Writing a file whole or not at all."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


def final_path(path: str | Path) -> Path:
    """Where writing ``path`` really lands: a symbolic link's target (the link stays
    and points at the new file), as an absolute path."""
    return Path(os.path.realpath(path))


@contextlib.contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """A temporary path in the folder of ``path`` to write to; when the block ends
    without an error (or an interrupt) it is renamed to ``path`` in one step, else
    removed. Nothing appears under the final name unless complete.

    A symbolic link at ``path`` is followed: its target is replaced."""
    target = final_path(path)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        yield partial
        os.replace(partial, target)
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
