"""Exit statuses, interrupts and internal errors: how a run ends, so that a
pipeline or a scheduler can tell.

====  ==========================================================================
 0    everything assessed is met (or nothing asked for it to be judged)
 1    something is not met (as ``--fail-on`` says)
 2    bad input or usage: one message per problem, nothing written
 3    a plugin failed to load, a rule raised, or minzheng itself failed
130   interrupted (Ctrl-C, ``SIGINT``)
141   standard output was closed by its reader (``| head``)
143   terminated (``SIGTERM``)
====  ==========================================================================
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterator
from types import FrameType

from minzheng import __version__
from minzheng.io.postgres import redact_text

NOT_MET = 1
BAD_INPUT = 2
FAILED = 3  #: a plugin or rule failed, or an internal error
# POSIX numbers, written out: Windows has no SIGPIPE, and the statuses are the same
INTERRUPTED = 128 + 2  # SIGINT
PIPE_CLOSED = 128 + 13  # SIGPIPE
TERMINATED = 128 + 15  # SIGTERM
#: Set to print an internal error's traceback (as ``minzheng --debug`` does).
DEBUG_ENV = "MINZHENG_DEBUG"

_received: list[int] = []  # the signal that stopped the run, if one did


@contextlib.contextmanager
def signals_as_interrupts() -> Iterator[None]:
    """Within the block, ``SIGTERM`` stops the run as Ctrl-C does (a
    ``KeyboardInterrupt``), so every ``finally`` runs and no partial output is left
    under its final name; :func:`interrupted` then tells which signal it was."""
    _received.clear()
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        _received.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def interrupted() -> int:
    """The exit status of an interrupted run: 143 for ``SIGTERM``, else 130."""
    return 128 + _received[0] if _received else INTERRUPTED


def pipe_closed() -> int:
    """The exit status when standard output's reader went away, with standard output
    pointed at nothing so that Python's last flush does not complain."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return PIPE_CLOSED


def debugging(argv: list[str]) -> bool:
    """Whether ``--debug`` is given (before the command) or ``MINZHENG_DEBUG`` is set."""
    return "--debug" in argv or os.environ.get(DEBUG_ENV, "") not in ("", "0")


def traceback_text(exc: BaseException) -> str:
    """``exc``'s traceback as Python prints it."""
    return "".join(traceback.format_exception(exc))


def log_traceback(exc: BaseException) -> str | None:
    """Write ``exc``'s traceback to a new log file; its path (``None`` if none could be
    written)."""
    try:
        fd, path = tempfile.mkstemp(prefix="minzheng-error-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as log:
            log.write(f"minzheng {__version__}, Python {sys.version.split()[0]}\n")
            command = redact_text(" ".join(sys.argv))  # a database URI without its password
            log.write(f"command: {command}\n\n")
            log.write(traceback_text(exc))
    except OSError:
        return None
    return path
