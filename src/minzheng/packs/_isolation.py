"""Keeping what a plugin prints out of the output on standard output."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Send standard output to standard error in the block: Python's ``sys.stdout``
    and, when it is the process's file descriptor 1, the descriptor itself (so a
    plugin's C code or subprocess cannot write there either).

    Plugins' code runs only inside such blocks (loading, and rules being evaluated), so
    JSON or a table on standard output never holds a plugin's prints. Process-wide
    while it lasts: another thread's prints go to standard error too."""
    saved = _divert_descriptor()
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        if saved is not None:
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.flush()
            os.dup2(saved, 1)
            os.close(saved)


def _divert_descriptor() -> int | None:
    """Point descriptor 1 at descriptor 2; a copy of the old 1 (``None`` when standard
    output is not descriptor 1, e.g. under a test runner's capture)."""
    try:
        if sys.stdout is None or sys.stdout.fileno() != 1 or sys.stderr.fileno() != 2:
            return None
        sys.stdout.flush()
        saved = os.dup(1)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None
    os.dup2(2, 1)
    return saved
