"""Assessing a streamed CSV dataset in several processes (``minzheng assess --jobs N``).

Counties are independent: a county's block (the county with the townships, villages
and facilities below it) is assessed from its own facts and those of the units at
county level and above. So ``facts.csv`` is cut into as many stretches as there are
workers, each beginning where a block's rows begin, and each worker process reads its
own stretch and assesses the blocks in it. First each worker skims its own stretch for
what the stretches after it need — its rows of units at county level and above, and
which blocks have rows in it — and the parent passes each worker what the stretches
before it found, which is what one process would know on reaching it. It writes its
findings as JSON lines to a file of its own; the worker of the last stretch also
assesses the blocks without facts and the units above county level, as one process
does at the end. When all are done, the parent copies the workers' files to the output
one after the other, in the order of the stretches, which is the order one process
writes the lines in: the output is the same, byte for byte, whatever the number of
processes.

Cutting the file by bytes needs its lines to be its rows (quoted cells are fine unless
one holds a line break; a carriage return must come before a line feed). Each worker
checks this of its stretch as it skims it; if any finds otherwise, the workers stop
before assessing anything, and :meth:`Engine.write_jsonl <minzheng.Engine.write_jsonl>`
assesses the file in one process, with a :class:`~minzheng.JobWarning`.

A problem in the data is found by the worker whose rows have it. The parent then reads
the file once more in one process, as :meth:`DatasetStream.check
<minzheng.DatasetStream.check>` does, so that the :class:`~minzheng.DatasetError` it
raises (and nothing is written) names every problem just as one process names them.

Workers are started with ``fork``, so they share the parent's units and packs without
reading or loading them again; where ``fork`` is not available, :func:`fork_available`
is false, and the file is assessed in one process with a :class:`~minzheng.JobWarning`.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import gc
import io
import itertools
import mmap
import multiprocessing
import os
import re
import tempfile
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any

from attrs import evolve, frozen

from .dataset import _FactRows, _Slice
from .engine._unitwise import Tally, UnitEngine, _Counts
from .errors import DatasetError, JobError, JobWarning
from .render import write_jsonl
from .stream import DatasetStream, _chunks, _count, _Stretch

__all__ = ["assess_jsonl", "cpu_count", "fork_available"]

_COPY_PIECE = 1 << 22  # bytes copied from a worker's file at a time
#: seconds between two reports of progress while the workers work
_PROGRESS_EVERY = 0.2
#: bytes of its stretch a worker skims at a time (a piece takes about eight times as much
#: memory while it is skimmed)
_SKIM_PIECE = 1 << 20


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
    engine: UnitEngine
    on: date
    packs: tuple[str, ...] | None
    what_if: bool
    rules: tuple[str, ...] | None
    options: Mapping[str, object] | None
    folder: Path
    #: told the units assessed so far, in the parent (``None``: nobody asks)
    progress: Callable[[int], None] | None
    #: whether the workers' tallies keep roll-ups (the parent's does)
    rollups: bool = False
    cut: _Cut | None = None
    #: the units each worker has begun to assess (shared memory, a slot a worker)
    done: Any = None


@frozen
class _Done:
    """What a worker sends back when it has written its lines."""

    counts: _Counts  # Tally._counts()
    #: the values the worker read: of its own blocks, and of the units kept (county
    #: level and above: its own rows of them, and those of the stretches before it)
    facts: int
    kept: int


@frozen
class _Failed:
    """A worker found problems in the data of its stretch (the parent names them)."""


@frozen
class _Cut:
    """``facts.csv`` cut into stretches, one a worker."""

    #: the columns, and that of the unit's code
    width: int
    unit_at: int
    #: (start, end) in bytes, in the order of the file; the first begins after the header
    stretches: tuple[tuple[int, int], ...]


@frozen
class _Skimmed:
    """What one process would learn from a stretch that the stretches after it need."""

    lines: int
    #: the rows of units at county level and above: the line of each in the stretch
    #: (from 0) and its bytes
    kept_at: tuple[int, ...]
    kept: tuple[bytes, ...]
    #: the blocks with rows in it
    blocks: frozenset[str]


def cut(stream: DatasetStream, jobs: int) -> _Cut | None:
    """``stream``'s ``facts.csv`` cut into at most ``jobs`` stretches of about as many
    bytes, each beginning with the first row of a block (none: the file has no rows;
    ``None``: the header is not one line, so the file is not cut by bytes). Whether every
    later line is one row is for each worker to find in its stretch (:func:`_skim`).

    A bad header is the :class:`~minzheng.DatasetError` one process raises.
    """
    rows = _FactRows(stream.facts_path, stream.indicators)
    width, unit_at = rows.width, rows.unit_column
    rows.close()
    with stream.facts_path.open("rb") as source:
        size = os.fstat(source.fileno()).st_size
        if size == 0:
            return _Cut(width, unit_at, ())
        with mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ) as text:
            first = text.find(b"\n") + 1
            if first == 0:  # the header alone
                return _Cut(width, unit_at, ())
            if not _lines_are_rows(text[:first]):
                return None
            points = [first]
            for index in range(1, jobs):
                point = _block_start(stream, text, max(first, size * index // jobs), unit_at)
                if point is None:
                    break
                if point > points[-1]:
                    points.append(point)
    points.append(size)
    return _Cut(width, unit_at, tuple(itertools.pairwise(points)))


def _lines_are_rows(text: bytes) -> bool:
    """Whether every line of ``text`` (whole lines of a CSV file) is one row: a carriage
    return only before a line feed, and no quoted cell holding a line break."""
    if _lone_carriage_return(text):
        return False
    return b'"' not in text or _quoted_rows(text) is not None


def _lone_carriage_return(text: bytes) -> bool:
    """Whether ``text`` has a carriage return not followed by a line feed (which ends a
    row in the middle of a line)."""
    return text.count(b"\r") != text.count(b"\r\n")


def _quoted_rows(text: bytes) -> list[list[str]] | None:
    """The rows of ``text`` (whole lines of a CSV file with quotes) as the :mod:`csv`
    module reads them, if each is one line (``None``: a quoted cell holds a line break,
    or the text is not CSV the module reads)."""
    body = text.decode("utf-8", "replace")
    try:
        rows = list(csv.reader(io.StringIO(body, newline="")))
    except csv.Error:
        return None
    lines = text.count(b"\n") + (not text.endswith(b"\n"))
    return rows if len(rows) == lines else None


def _cells(line: bytes) -> list[str]:
    """The cells of one line of the facts file, stripped, as a row gives them."""
    if b'"' not in line:
        return [cell.strip() for cell in line.decode("utf-8", "replace").split(",")]
    return [cell.strip() for cell in next(csv.reader([line.decode("utf-8", "replace")]), [])]


def _code(line: bytes, unit_at: int) -> str | None:
    """The unit's code in a line of the facts file, as a row gives it (stripped)."""
    cells = _cells(line)
    return cells[unit_at] if len(cells) > unit_at else None


def _block_start(stream: DatasetStream, text: mmap.mmap, offset: int, unit_at: int) -> int | None:
    """Where the first block to begin at or after ``offset`` begins: the first row of a
    unit below county level whose block is not that of the row of such a unit before it
    (``None``: none does). The rows of units at county level and above between two
    blocks stay with the first, where one process reads them before the second."""
    if text[offset - 1 : offset] != b"\n":
        offset = text.find(b"\n", offset) + 1
        if offset == 0:
            return None
    block_of, kept = stream._block_of, stream._facts.kept_codes
    previous = None
    size = len(text)
    while offset < size:
        end = text.find(b"\n", offset)
        end = size if end < 0 else end
        code = _code(text[offset:end], unit_at)
        key = block_of.get(code) if code is not None else None
        if key is not None and code not in kept:  # a unit below county level
            if previous is None:
                previous = key
            elif key != previous:
                return offset
        offset = end + 1
    return None


def _skim(stream: DatasetStream, cut: _Cut, start: int, end: int) -> _Skimmed | None:
    """What the stretches after this one need of it: its rows of units at county level
    and above, the blocks with rows in it, and its number of lines (``None``: a line of
    it is not one row, so the file cannot be cut by bytes).

    Only the unit's code of each line is looked at, a large piece of the file at a time
    (a regular expression gives the codes; the :mod:`csv` module, for a piece with
    quotes); problems in the rows are the stretch's worker's to find when it reads them.
    """
    kept, block_of = stream._facts.kept_codes, stream._block_of
    # the unit's cell after every line break (empty if the line has too few cells)
    codes_of = re.compile(rb"\n(?:(?:[^,\n]*,){%d}([^,\n]*))?" % cut.unit_at)
    kept_at: list[int] = []
    lines: list[bytes] = []
    blocks: set[str] = set()
    number = 0
    with io.BufferedReader(_Slice(stream.facts_path, start, end)) as source:
        for piece in _chunks(source, _SKIM_PIECE):
            codes: list[Any]  # each line's unit: its bytes, or (with quotes) the row's cell
            if _lone_carriage_return(piece):
                return None
            if b'"' in piece:
                rows = _quoted_rows(piece)
                if rows is None:
                    return None
                codes = [row[cut.unit_at].strip() if len(row) > cut.unit_at else "" for row in rows]
                names = {code: code for code in set(codes)}
            else:
                codes = codes_of.findall(b"\n" + piece)
                codes.pop()  # the match after the piece's last line break
                names = {raw: raw.decode("utf-8", "replace").strip() for raw in set(codes)}
            found = {raw for raw, code in names.items() if code in kept}
            blocks.update(
                key
                for code in names.values()
                if code not in kept and (key := block_of.get(code)) is not None
            )
            if found:
                split = piece.split(b"\n")
                for at in itertools.compress(itertools.count(), map(found.__contains__, codes)):
                    kept_at.append(number + at)
                    lines.append(split[at])
            number += len(codes)
    return _Skimmed(number, tuple(kept_at), tuple(lines), frozenset(blocks))


def _stretch(cut: _Cut, index: int, before: list[_Skimmed]) -> _Stretch:
    """Stretch ``index``, with what one process knows on reaching it from the stretches
    ``before`` it."""
    rows: list[tuple[int, list[str]]] = []
    number = 2  # the row of the first line after the header
    for skimmed in before:
        for at, line in zip(skimmed.kept_at, skimmed.kept, strict=True):
            cells = _cells(line)
            if len(cells) == cut.width:  # else its stretch's worker reports the row
                rows.append((number + at, cells))
        number += skimmed.lines
    blocks = frozenset().union(*(skimmed.blocks for skimmed in before))
    start, end = cut.stretches[index]
    return _Stretch(start, end, number, tuple(rows), blocks, index == len(cut.stretches) - 1)


def _part(folder: Path, index: int) -> Path:
    return folder / f"part-{index}.jsonl"


def _work(job: _Job, index: int, conn: Connection) -> None:
    """A worker: assess stretch ``index`` of the file, writing the lines to its own file.

    It first skims the stretch and sends the parent what the stretches after it need
    (:class:`_Skimmed`), then waits for what those before it found (``None``: stop, the
    file cannot be cut by bytes).
    """
    assert job.cut is not None
    result: _Done | _Failed | str
    try:
        skimmed = _skim(job.stream, job.cut, *job.cut.stretches[index])
        conn.send(skimmed)
        before = conn.recv()
        if before is None:
            conn.close()
            return
        job.stream._stretch = _stretch(job.cut, index, before)
        result = _assess_share(job, index)
    except DatasetError:  # named by the parent, as one process names it
        result = _Failed()
    except BaseException:  # a bug: its traceback is the parent's to show
        result = traceback.format_exc()
    conn.send(result)
    conn.close()


def _assess_share(job: _Job, index: int) -> _Done:
    stream = job.stream

    def block_starts(key: str | None) -> None:  # the units begun, for the parent's progress
        job.done[index] += len(stream._blocks[key] if key is not None else stream._upper)

    stream._on_block = block_starts
    tally = Tally(stream, rollups=job.rollups)
    with _part(job.folder, index).open("w", encoding="utf-8", buffering=1 << 20) as out:
        findings = job.engine.iter_assess(
            stream, job.packs, job.on, what_if=job.what_if, tally=tally, options=job.options,
            rules=job.rules,
        )  # fmt: skip
        write_jsonl(findings, out)
    kept = _count(stream._facts.kept)
    return _Done(tally._counts(), stream.facts_read - kept, kept)


def assess_jsonl(
    stream: DatasetStream,
    engine: UnitEngine,
    out: IO[str],
    *,
    jobs: int,
    on: date,
    packs: Iterable[str] | None = None,
    what_if: bool = False,
    rules: Iterable[str] | None = None,
    options: Mapping[str, object] | None = None,
    tally: Tally | None = None,
    scratch: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> int | None:
    """Assess ``stream`` with ``jobs`` worker processes (0: one per CPU) and write the
    findings to ``out`` as JSON lines, the same lines in the same order as
    :func:`~minzheng.render.write_jsonl` over :meth:`Engine.iter_assess
    <minzheng.Engine.iter_assess>` would; returns the number of findings written.

    Returns ``None``, having written nothing, when the stream is this process's to
    assess: one process asked for (or one CPU), or, with a
    :class:`~minzheng.JobWarning`, no ``fork`` on this platform or a file whose lines
    are not its rows (which cannot be cut by bytes). Fewer workers than ``jobs`` work
    when the file has fewer blocks to share.

    ``tally`` gets the counts of the findings, and their roll-ups if it keeps them.
    ``progress``, if given, is called in this process about five times a second while
    the workers work, and once when they are done, with the number of units they have
    begun to assess (``len(stream)`` in the end). The workers' files are written in a
    temporary folder in ``scratch`` (default: the system's) and removed. Raises
    :class:`~minzheng.DatasetError` (nothing written) for problems in the data,
    :class:`~minzheng.JobError` if a worker ends without reporting.
    """
    jobs = jobs or cpu_count()
    if jobs == 1:
        return None
    if not fork_available():
        warnings.warn(
            JobWarning(
                "several processes need fork(), which this platform lacks: assessed in one process",
                "fork",
            ),
            stacklevel=3,
        )
        return None
    packs = tuple(packs) if packs is not None else None
    rules = tuple(rules) if rules is not None else None
    engine._chosen(packs)  # unknown names are errors here, before any worker starts
    engine._only(rules)
    stretches = cut(stream, jobs)
    if stretches is not None and not stretches.stretches:
        return None  # no rows to share
    with tempfile.TemporaryDirectory(prefix=".minzheng-jobs-", dir=scratch) as folder:
        job = _Job(
            stream, engine, on, packs, what_if, rules, options, Path(folder), progress,
            rollups=tally is not None and tally._keep, cut=stretches,
        )  # fmt: skip
        results = None if stretches is None else _run(job)
        if results is not None:
            _copy(job.folder, len(results), out)
    if results is None:
        name = stream.facts_path.name
        warnings.warn(
            JobWarning(
                f"{name} cannot be cut by bytes for several processes (a quoted cell holds a "
                "line break, or a carriage return has no line feed after it): assessed in "
                "one process",
                "cut",
                name,
            ),
            stacklevel=3,
        )
        return None
    if tally is not None:
        for result in results:
            tally._add_counts(result.counts)
    # read as one process reads it: every value once (the last worker has all the units
    # kept)
    stream._read = True
    stream.facts_read = sum(result.facts for result in results) + results[-1].kept
    return sum(sum(result.counts[0].values()) for result in results)


def _run(job: _Job) -> list[_Done] | None:
    """Start a worker per stretch, wait for each to report, and raise what they found
    (``None``: a stretch is not cut where its lines are its rows, and nothing was
    assessed)."""
    assert job.cut is not None
    count = len(job.cut.stretches)
    context = multiprocessing.get_context("fork")
    job = evolve(job, done=context.Array("q", count, lock=False))  # a slot a worker
    workers = []
    # the objects made so far (the units, the packs) out of the collector's reach, so
    # that a worker's collections do not write to, and so copy, the pages it shares
    gc.freeze()
    try:
        for index in range(count):
            mine, theirs = context.Pipe()
            process = context.Process(
                target=_work, args=(job, index, theirs), name=f"minzheng-job-{index}"
            )
            process.start()
            theirs.close()  # the worker's end: closed here, so a worker that dies ends recv
            workers.append((process, mine))
        skims = [_report(workers, index, job) for index in range(len(workers))]
        _raise_bug(skims)
        cuttable = all(isinstance(skimmed, _Skimmed) for skimmed in skims)
        for index, (_process, conn) in enumerate(workers):
            with contextlib.suppress(BrokenPipeError):  # a worker that died: its report
                conn.send(skims[:index] if cuttable else None)
        if not cuttable:
            return None
        reports = [_report(workers, index, job) for index in range(len(workers))]
        if job.progress is not None:
            job.progress(sum(job.done))
    finally:
        gc.unfreeze()
        for process, conn in workers:
            conn.close()
            process.join(timeout=5)  # at once, but for a worker left working by an error
            if process.is_alive():
                process.terminate()
                process.join()
    _raise_bug(reports)
    if any(isinstance(report, _Failed) for report in reports):
        # each worker saw its own stretch: one process names the problems of the whole
        job.stream.check()
        raise RuntimeError(  # pragma: no cover - a bug: the check above raises
            "the workers found problems in the data that one process does not find"
        )
    return reports


def _report(workers: list[tuple[Any, Connection]], index: int, job: _Job) -> Any:
    """What worker ``index`` sends next; :class:`JobError` if it ended without. While
    waiting, tell ``job.progress`` how far the workers have come."""
    process, conn = workers[index]
    try:
        if job.progress is not None:
            while not conn.poll(_PROGRESS_EVERY):  # true too when the worker has ended
                job.progress(sum(job.done))
        return conn.recv()
    except EOFError:
        process.join()
        raise JobError(
            f"worker {index + 1} of {len(workers)} ended with exit status "
            f"{process.exitcode} before reporting (killed, or out of memory?); "
            "nothing was written"
        ) from None


def _raise_bug(reports: Iterable[object]) -> None:
    for report in reports:
        if isinstance(report, str):
            raise RuntimeError(f"a worker process failed:\n{report}")


def _copy(folder: Path, parts: int, out: IO[str]) -> None:
    """Copy the lines of the workers' files to ``out``, one file after the other (by
    the kernel, without passing through Python, where ``out`` is a file or a pipe that
    allows it)."""
    sink = getattr(out, "buffer", None)
    out.flush()
    if sink is not None:
        sink.flush()
    fd = _fileno(sink)
    for index in range(parts):
        with _part(folder, index).open("rb") as source:
            end = os.fstat(source.fileno()).st_size
            if fd is not None and _sent(fd, source, 0, end):
                continue
            fd = None  # the kernel cannot copy to it: through Python from here on
            for piece in _pieces(source, 0, end):
                if sink is not None:
                    sink.write(piece)
                else:
                    out.write(piece.decode("utf-8"))
    if sink is not None:
        sink.flush()


def _fileno(sink: IO[bytes] | None) -> int | None:
    try:
        return sink.fileno() if sink is not None else None
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        return None


def _sent(fd: int, source: IO[bytes], start: int, end: int) -> bool:
    """Copy bytes ``start`` to ``end`` of ``source`` to ``fd`` with ``os.sendfile``;
    false, having copied nothing, if this platform cannot send to ``fd``."""
    at = start
    while at < end:
        try:
            sent = os.sendfile(fd, source.fileno(), at, min(end - at, 1 << 30))
        except OSError as exc:
            if at == start and exc.errno in _CANNOT_SEND:
                return False
            raise
        if sent == 0:  # pragma: no cover - the file was cut short under us
            raise JobError(f"a worker's file ended before byte {end}")
        at += sent
    return True


#: what ``sendfile`` says when it cannot send to a kind of file (macOS: only to sockets)
_CANNOT_SEND = {errno.EINVAL, errno.ENOSYS, errno.ENOTSOCK, errno.EOPNOTSUPP}


def _pieces(source: IO[bytes], start: int, end: int) -> Iterator[bytes]:
    source.seek(start)
    left = end - start
    while left > 0:
        piece = source.read(min(left, _COPY_PIECE))
        if not piece:  # pragma: no cover - the file was cut short under us
            raise JobError(f"a worker's file ended before byte {end}")
        left -= len(piece)
        yield piece
