"""Assessing a streamed CSV dataset in several processes (``minzheng assess --jobs N``).

Counties are independent: a county's block (the county with the townships, villages
and facilities below it) is assessed from its own facts and those of the units at
county level and above. So the blocks of a :class:`~minzheng.DatasetStream` are shared
out among worker processes, each a contiguous run of them in ``units.csv`` order with
about as many units as the others. Every worker reads the whole ``facts.csv`` — so it
knows the order of the blocks, keeps the facts of every unit at county level and above,
and finds the same problems of order and of unknown units as one process would — but
checks and assesses the values of its own blocks only. It writes its findings as JSON
lines to a file of its own, noting where each block's lines start and end; the first
worker also assesses the units above county level. When all are done, the parent copies
the blocks' lines to the output in the order one process would have written them, so
the output is the same, byte for byte, whatever the number of processes.

A problem in the data is found by the worker that checks that block (or by every
worker, for a problem every one of them sees, and then reported once); the parent
raises one :class:`~minzheng.DatasetError` with every problem, in the order of the
file, as one process would, and writes nothing.

Workers are started with ``fork``, so they share the parent's units and packs without
reading or loading them again; where ``fork`` is not available, :func:`fork_available`
is false and the command line assesses in one process.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import tempfile
import traceback
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any

from attrs import frozen

from .engine import Engine, Tally
from .errors import DatasetError, MinzhengError, Problem
from .render import write_jsonl
from .stream import DatasetStream, OrderError

__all__ = ["JobError", "assess_jsonl", "cpu_count", "fork_available"]

_COPY_PIECE = 1 << 22  # bytes copied from a worker's file at a time


class JobError(MinzhengError):
    """A worker process ended without reporting (killed, out of memory, or a bug in
    minzheng); nothing was written."""


def fork_available() -> bool:
    """Whether this platform can start workers that share the parent's memory."""
    return "fork" in multiprocessing.get_all_start_methods()


def cpu_count() -> int:
    """The CPUs this process may run on (``--jobs 0`` starts one worker for each)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


@frozen
class _Job:
    """What every worker is given (inherited through ``fork``, never pickled)."""

    stream: DatasetStream
    engine: Engine
    on: date
    packs: tuple[str, ...] | None
    what_if: bool
    rules: tuple[str, ...] | None
    options: Mapping[str, object] | None
    folder: Path


@frozen
class _Done:
    """What a worker that read the whole file sends back."""

    #: (block, start, end): where each block it assessed lies in its file of lines
    segments: tuple[tuple[str | None, int, int], ...]
    #: every block in the order one process would have assessed it
    order: tuple[str | None, ...]
    counts: tuple[dict[Any, int], int, int]


@frozen
class _Failed:
    """A worker found problems in the data (``order_only``: only problems of order)."""

    problems: tuple[Problem, ...]
    order_only: bool


def share(stream: DatasetStream, jobs: int) -> list[frozenset[str | None]]:
    """The blocks of each worker: contiguous runs in ``units.csv`` order with about as
    many units each (``None``, the units above county level, goes to the first)."""
    blocks = stream._blocks
    total = sum(len(units) for units in blocks.values())
    jobs = max(1, min(jobs, len(blocks)))
    shares: list[set[str | None]] = [set() for _ in range(jobs)]
    shares[0].add(None)
    seen = 0
    for key, units in blocks.items():
        # the share whose run of units this block's middle falls in
        index = min(jobs - 1, (seen + len(units) // 2) * jobs // max(total, 1))
        shares[index].add(key)
        seen += len(units)
    return [frozenset(s) for s in shares]


def _part(folder: Path, index: int) -> Path:
    return folder / f"part-{index}.jsonl"


def _work(job: _Job, index: int, mine: frozenset[str | None], send: Connection) -> None:
    """A worker: assess the blocks in ``mine``, writing their lines to its own file."""
    result: _Done | _Failed | str
    try:
        result = _assess_share(job, index, mine)
    except OrderError as exc:
        result = _Failed(tuple(exc.problems), True)
    except DatasetError as exc:
        result = _Failed(tuple(exc.problems), False)
    except BaseException:  # a bug: its traceback is the parent's to show
        result = traceback.format_exc()
    send.send(result)
    send.close()


def _assess_share(job: _Job, index: int, mine: frozenset[str | None]) -> _Done:
    stream, engine = job.stream, job.engine
    tally = Tally(stream, rollups=False)
    segments: list[tuple[str | None, int, int]] = []
    with _part(job.folder, index).open("w", encoding="utf-8", buffering=1 << 20) as out:
        started: list[tuple[str | None, int]] = []

        def block_starts(key: str | None) -> None:
            """The findings of the block before are all written: note where it ends."""
            here = out.tell()
            if started:
                segments.append((*started.pop(), here))
            started.append((key, here))

        stream._mine, stream._on_block = mine, block_starts
        findings = engine.iter_assess(
            stream,
            job.packs,
            job.on,
            what_if=job.what_if,
            tally=tally,
            options=job.options,
            rules=job.rules,
        )
        write_jsonl(findings, out)
        if started:
            segments.append((*started.pop(), out.tell()))
    return _Done(tuple(segments), tuple(stream._order), tally._counts())


def assess_jsonl(
    stream: DatasetStream,
    engine: Engine,
    out: IO[str],
    *,
    jobs: int,
    on: date,
    packs: Iterable[str] | None = None,
    what_if: bool = False,
    rules: Iterable[str] | None = None,
    options: Mapping[str, object] | None = None,
    tally: Tally | None = None,
    scratch: Path | None = None,
) -> int:
    """Assess ``stream`` with ``jobs`` worker processes and write the findings to
    ``out`` as JSON lines, the same lines in the same order as
    :func:`~minzheng.render.write_jsonl` over :meth:`Engine.iter_assess
    <minzheng.Engine.iter_assess>` would; returns the number of workers used.

    ``tally`` gets the counts of the findings (not their roll-ups). The workers' files
    are written in a temporary folder in ``scratch`` (default: the system's) and
    removed. Raises :class:`~minzheng.DatasetError` (nothing written) for problems in
    the data, :class:`JobError` if a worker ends without reporting.
    """
    if not fork_available():  # pragma: no cover - Linux and macOS have fork
        raise RuntimeError("several processes need fork(), which this platform lacks")
    packs = tuple(packs) if packs is not None else None
    rules = tuple(rules) if rules is not None else None
    engine._chosen(packs)  # unknown names are errors here, before any worker starts
    engine._only(rules)
    shares = share(stream, jobs)
    context = multiprocessing.get_context("fork")
    with tempfile.TemporaryDirectory(prefix=".minzheng-jobs-", dir=scratch) as folder:
        job = _Job(stream, engine, on, packs, what_if, rules, options, Path(folder))
        results = _run(context, job, shares)
        _copy(job.folder, results, out)
    if tally is not None:
        for result in results:
            tally._add_counts(result.counts)
    return len(shares)


def _run(context: Any, job: _Job, shares: list[frozenset[str | None]]) -> list[_Done]:
    """Start a worker per share, wait for each to report, and raise what they found."""
    workers = []
    # the objects made so far (the units, the packs) out of the collector's reach, so
    # that a worker's collections do not write to, and so copy, the pages it shares
    gc.freeze()
    try:
        for index, mine in enumerate(shares):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(
                target=_work, args=(job, index, mine, send), name=f"minzheng-job-{index}"
            )
            process.start()
            send.close()  # the worker's end: closed here, so a worker that dies ends recv
            workers.append((process, receive))
        reports: list[_Done | _Failed | str] = []
        for index, (process, receive) in enumerate(workers):
            try:
                reports.append(receive.recv())
            except EOFError:
                process.join()
                raise JobError(
                    f"worker {index + 1} of {len(workers)} ended with exit status "
                    f"{process.exitcode} before reporting (killed, or out of memory?); "
                    "nothing was written"
                ) from None
            finally:
                receive.close()
    finally:
        gc.unfreeze()
        for process, _receive in workers:
            process.join(timeout=5)  # at once, but for a worker left working by an error
            if process.is_alive():
                process.terminate()
                process.join()
    for report in reports:
        if isinstance(report, str):
            raise RuntimeError(f"a worker process failed:\n{report}")
    failed = [r for r in reports if isinstance(r, _Failed)]
    if failed:
        raise (OrderError if all(f.order_only for f in failed) else DatasetError)(
            _merged(f.problems for f in failed)
        )
    return [r for r in reports if isinstance(r, _Done)]


def _merged(lists: Iterable[Iterable[Problem]]) -> list[Problem]:
    """The workers' problems as one process lists them: in the order of the rows, each
    once (a problem every worker sees, such as a row out of order, is in every list)."""
    every = [p for problems in lists for p in problems]
    every.sort(key=lambda p: p.row or 0)  # stable: a row's problems keep their order
    return list(dict.fromkeys(every))


def _copy(folder: Path, results: list[_Done], out: IO[str]) -> None:
    """Copy each block's lines from its worker's file to ``out``, in the order one
    process would have written them."""
    where = {
        key: (index, start, end)
        for index, result in enumerate(results)
        for key, start, end in result.segments
    }
    order = results[0].order
    sink = getattr(out, "buffer", None)
    out.flush()
    with contextlib.ExitStack() as stack:
        parts = [stack.enter_context(_part(folder, i).open("rb")) for i in range(len(results))]
        for key in order:
            index, start, end = where[key]  # every block is some worker's
            for piece in _pieces(parts[index], start, end):
                if sink is not None:
                    sink.write(piece)
                else:
                    out.write(piece.decode("utf-8"))
    if sink is not None:
        sink.flush()


def _pieces(source: IO[bytes], start: int, end: int) -> Iterator[bytes]:
    source.seek(start)
    left = end - start
    while left > 0:
        piece = source.read(min(left, _COPY_PIECE))
        if not piece:  # pragma: no cover - the file was cut short under us
            raise JobError(f"a worker's file ended before byte {end}")
        left -= len(piece)
        yield piece
