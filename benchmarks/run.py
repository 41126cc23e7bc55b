"""Benchmarks: read, assess and write findings on synthetic datasets, streamed.

Usage: ``nox -s bench`` or ``python benchmarks/run.py [--scales county,city] [--runs 3]``.

Each measurement runs in a fresh process, so its peak memory (max RSS) is its own:

(a) **read**: reading and validating the CSV dataset as ``minzheng assess`` does for
    JSON lines — ``units.csv`` whole, then ``facts.csv`` county by county
    (:class:`minzheng.DatasetStream`) — without assessing;
(b) **assess**: the same with every installed pack applied to every unit ("what if",
    so every rule runs); its time is what assessing adds to (a);
(c) **write**: the same, writing every finding as a JSON line to a file as it comes;
    its time is what writing adds to (b);
(d) **end to end**: the command ``minzheng assess DIR --what-if --format jsonl -o FILE``,
    timed as a whole process (start-up, reading, assessing, writing the findings).

The phases take turns (read, assess, write, end to end, then again), ``--runs`` times
(``--national-runs``, also 3 by default, for the national scale, whose runs take about
eight minutes each: ``--scales county,city,province`` for a quick look); times are the
medians of the runs, and what a phase adds to the one before is taken within each run.
Within its process a short phase (a)–(c) is repeated until it has taken a second of CPU
time (at most 20 times) and its fastest repetition is its time in that run, so that
the county scale's 20-millisecond phases are not lost in the machine's noise.
The last column is the CPU time assessing adds divided by the CPU time of reading
(median of the runs): the target "assessing costs no more than reading" is a ratio of
at most 1. On a shared machine the same phase can take half as long again from one
process to the next, so a single run can come out on either side of 1; the
instruction counts below are steady, but assessing does less in each cycle than
reading, so they put the ratio lower than time does (benchmarks/README.md).

``--jobs N`` also times end to end with ``minzheng assess --jobs N`` (the phases' turn
then includes it) and checks, by SHA-256, that its output is the one process's, byte
for byte; its memory is that of its largest process.

``--instructions SCALES`` (default ``county,city``; empty to skip) then counts, with
valgrind's callgrind, the instructions of start-up alone, of reading and of assessing,
once each, and prints what reading and assessing cost at each of those scales: the same
ratio without the machine's noise. Nothing here is asserted: speed is read, not tested.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
#: The assessment date of every run (the generated facts are for 2020), so that no run
#: spends time finding the latest period.
ON = date(2020, 12, 31)


#: A phase is repeated in its process until it has taken this much CPU time (or
#: ``MAX_REPEATS`` times), and its least disturbed repetition counts: at the county
#: scale one repetition takes 20 ms, which a busy machine disturbs by half.
REPEAT_FOR_SECONDS = 1.0
MAX_REPEATS = 20

#: Issue #7's targets for the national dataset on one core, end to end from CSV to a
#: findings file: its time and its peak memory.
NATIONAL_SECONDS = 30.0
NATIONAL_MIB = 1024.0


def _phase(phase: str, path: str, *, once: bool = False) -> dict[str, float]:
    """Run phase (a), (b) or (c) in this process — several times when it is short,
    unless ``once`` — and report its seconds and CPU seconds (the fastest
    repetition's), the number of repetitions and the process's peak memory (MiB).
    Phase ``start`` stops after start-up (imports, packs) and reports nothing."""
    import minzheng

    registry = minzheng.Registry.discover()
    engine = minzheng.Engine(registry)
    if phase == "start":  # start-up only, for counting instructions
        return {}
    times: list[tuple[float, float]] = []
    while not times or (
        not once and sum(cpu for _, cpu in times) < REPEAT_FOR_SECONDS and len(times) < MAX_REPEATS
    ):
        stream, count, seconds, cpu = _once(phase, path, engine)
        times.append((seconds, cpu))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {
        "seconds": min(s for s, _ in times),
        "cpu": min(c for _, c in times),
        "repeats": len(times),
        "peak_mib": peak,
        "units": len(stream),
        "findings": count,
    }


def _once(phase: str, path: str, engine: Any) -> tuple[Any, int, float, float]:
    """One repetition of a phase: the stream, the findings counted, seconds, CPU seconds."""
    import minzheng
    from minzheng.render import write_jsonl

    registry = engine.registry
    start, cpu = time.perf_counter(), time.process_time()
    stream = minzheng.DatasetStream(path, registry.indicators)
    count = 0
    tally = minzheng.Tally(stream, rollups=False)  # the summary, counted on the fly
    findings = engine.iter_assess(stream, on=ON, what_if=True, tally=tally)  # lazy
    if phase == "read":
        stream.check()  # read and validated; the findings are never asked for
    elif phase == "assess":
        count = sum(1 for _ in findings)
    else:
        out = Path(path).parent / f"{Path(path).name}-phase.jsonl"
        with out.open("w", encoding="utf-8", buffering=1 << 20) as sink:  # as the CLI does
            count = write_jsonl(findings, sink)
        out.unlink()
    return stream, count, time.perf_counter() - start, time.process_time() - cpu


def _end_to_end(path: Path, jobs: int = 1, digest: bool = False) -> dict[str, Any]:
    """Phase (d): the command line as a whole process, with its own peak memory (with
    ``jobs`` > 1, that of its largest process). ``digest``: also the output's SHA-256,
    to check that several processes write what one does."""
    out = path.parent / f"{path.name}-findings.jsonl"
    command = [sys.executable, "-m", "minzheng", "assess", str(path), "--what-if",
               "--format", "jsonl", "-o", str(out), "--on", ON.isoformat(), "--fail-on", "never",
               "--jobs", str(jobs)]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    size = out.stat().st_size
    found: dict[str, Any] = {"seconds": seconds, "peak_mib": peak, "bytes": size}
    if digest:
        sha = hashlib.sha256()
        with out.open("rb") as source:
            for piece in iter(lambda: source.read(1 << 22), b""):
                sha.update(piece)
        found["sha256"] = sha.hexdigest()
    out.unlink()
    return found


PHASES = ("read", "assess", "write", "end-to-end")


def _measure(path: Path, runs: int, jobs: int = 1) -> dict[str, list[dict[str, Any]]]:
    """Every phase ``runs`` times, the phases taking turns (read, assess, write, end to
    end, read, …) so that a machine slowing down or speeding up in the meantime weighs
    on each alike. Each in a fresh process (the end-to-end one starts the command as
    its only child, so RUSAGE_CHILDREN is that command's alone). With ``jobs`` > 1, end
    to end in that many processes too, and both outputs' digests."""
    phases = (*PHASES, "jobs") if jobs > 1 else PHASES
    results: dict[str, list[dict[str, Any]]] = {phase: [] for phase in phases}
    for _ in range(runs):
        for phase in phases:
            command = [sys.executable, str(HERE / "run.py"), "--phase", phase, str(path)]
            if jobs > 1 and phase in ("end-to-end", "jobs"):
                command += ["--jobs", str(jobs if phase == "jobs" else 1), "--digest"]
            out = subprocess.run(command, capture_output=True, text=True, check=True)
            results[phase].append(json.loads(out.stdout))
    return results


def _instructions(path: Path, phase: str) -> int:
    """Instructions a process spends on ``phase`` once, start-up included, counted by
    valgrind's callgrind (the same for the same code and data, however busy the machine;
    hash randomisation is turned off so that dictionaries do the same work)."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
               sys.executable, str(HERE / "run.py"), "--phase", phase, "--once", str(path)]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:  # pragma: no cover - valgrind changed its report
        raise RuntimeError(f"no instruction count in valgrind's report:\n{done.stderr}")
    return int(found.group(1))


def _count_instructions(scales: list[str]) -> dict[str, float]:
    """Print reading's and assessing's instruction counts at each scale, and their ratio:
    the target "assessing costs no more than reading" without the machine's noise.
    Returns the ratio at each scale (none without valgrind)."""
    ratios: dict[str, float] = {}
    if shutil.which("valgrind") is None:
        print("\n(valgrind not found: instructions not counted)", flush=True)
        return ratios
    sys.path.insert(0, str(HERE))
    from generate import write

    print(
        "\n| scale | read, M instructions | assessing adds | assess ÷ read |\n|---|---|---|---|",
        flush=True,
    )
    for scale in scales:
        path = write(scale, ["csv"])["csv"]
        with concurrent.futures.ThreadPoolExecutor(3) as pool:  # three processes at once
            start, read, assess = pool.map(_instructions, [path] * 3, ["start", "read", "assess"])
        reading, assessing = read - start, assess - read
        ratios[scale] = assessing / reading
        print(
            f"| {scale} | {reading / 1e6:,.0f} | {assessing / 1e6:,.0f} | {ratios[scale]:.2f} |",
            flush=True,
        )
    return ratios


def targets(
    cpu: dict[str, float],
    instructions: dict[str, float],
    national: tuple[float, float] | None,
) -> list[tuple[str, str, str]]:
    """Issue #7's one-core targets as rows ``(target, measured, holds?)`` from what was
    measured: assessing's cost over reading's at each scale, by CPU time (``cpu``) and
    by instructions; the national run end to end, ``(seconds, peak MiB)`` (``None``:
    not run). The comparison with OpenFisca is ``peers/compare.py``'s to judge."""

    def ratios(found: dict[str, float]) -> str:
        return ", ".join(f"{scale} {ratio:.2f}" for scale, ratio in found.items())

    def verdict(holds: bool) -> str:
        return "yes" if holds else "NO"

    rows = []
    if instructions:
        rows.append(
            (
                "assessing costs no more than reading, by instructions",
                ratios(instructions),
                verdict(all(ratio <= 1 for ratio in instructions.values())),
            )
        )
    rows.append(
        (
            "assessing costs no more than reading, by CPU time (noisy: see the README)",
            ratios(cpu),
            verdict(all(ratio <= 1 for ratio in cpu.values())),
        )
    )
    if national is None:
        rows.append(("national, end to end", "not run (--scales without national)", "—"))
    else:
        seconds, mib = national
        rows.append(
            (
                f"national, end to end, under {NATIONAL_SECONDS:.0f} s",
                f"{seconds:.1f} s",
                verdict(seconds < NATIONAL_SECONDS),
            )
        )
        rows.append(
            (
                f"national, peak memory under {NATIONAL_MIB / 1024:.0f} GiB",
                f"{mib:.0f} MiB",
                verdict(mib < NATIONAL_MIB),
            )
        )
    return rows


def _median(results: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", default="county,city,province,national")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--national-runs", type=int, default=3)
    parser.add_argument(
        "--instructions",
        default="county,city",
        help="scales at which to count instructions with valgrind (empty: none)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="also time end to end with minzheng assess --jobs N, and check that its "
        "output is the one process's, byte for byte",
    )
    parser.add_argument(
        "--phase",
        choices=["start", "read", "assess", "write", "end-to-end", "jobs"],
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--digest", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase in ("end-to-end", "jobs"):
        print(json.dumps(_end_to_end(Path(args.path), args.jobs, args.digest)))
        return 0
    if args.phase:
        print(json.dumps(_phase(args.phase, args.path, once=args.once)))
        return 0
    sys.path.insert(0, str(HERE))
    from generate import write

    print(
        "| scale | units | findings | read s | MiB | assess s | MiB | write s | MiB "
        "| end to end s | MiB | output | assess ÷ read (CPU) |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        flush=True,
    )
    several = []
    cpu: dict[str, float] = {}
    national = None
    for scale in args.scales.split(","):
        runs = args.national_runs if scale == "national" else args.runs
        path = write(scale, ["csv"])["csv"]
        got = _measure(path, runs, args.jobs)
        read, assessed, written, whole = (got[phase] for phase in PHASES)
        # what assessing adds to reading, and writing to assessing: within each run
        # (the phases of one run follow one another), then the median of the runs
        assessing = statistics.median(
            max(a["seconds"] - r["seconds"], 0.0) for r, a in zip(read, assessed, strict=True)
        )
        writing = statistics.median(
            max(w["seconds"] - a["seconds"], 0.0) for a, w in zip(assessed, written, strict=True)
        )
        ratio = statistics.median(
            (a["cpu"] - r["cpu"]) / r["cpu"] for r, a in zip(read, assessed, strict=True)
        )
        cpu[scale] = ratio
        if scale == "national":
            national = (_median(whole, "seconds"), _median(whole, "peak_mib"))
        print(
            f"| {scale} | {read[0]['units']:,.0f} | {assessed[0]['findings']:,.0f} "
            f"| {_median(read, 'seconds'):.2f} | {_median(read, 'peak_mib'):.0f} "
            f"| {assessing:.2f} | {_median(assessed, 'peak_mib'):.0f} "
            f"| {writing:.2f} | {_median(written, 'peak_mib'):.0f} "
            f"| {_median(whole, 'seconds'):.2f} | {_median(whole, 'peak_mib'):.0f} "
            f"| {whole[0]['bytes'] / 2**20:,.0f} MiB | {ratio:.2f} |",
            flush=True,
        )
        if args.jobs > 1:
            same = {r["sha256"] for r in whole} == {r["sha256"] for r in got["jobs"]}
            several.append(
                f"| {scale} | {_median(whole, 'seconds'):.2f} | {_median(whole, 'peak_mib'):.0f} "
                f"| {_median(got['jobs'], 'seconds'):.2f} "
                f"| {_median(got['jobs'], 'peak_mib'):.0f} | {'yes' if same else 'NO'} |"
            )
    if several:
        print(
            f"\nEnd to end in one process and with --jobs {args.jobs} (MiB: the largest "
            "process):\n\n| scale | 1 process s | MiB | "
            f"{args.jobs} processes s | MiB | the same output |\n|---|---|---|---|---|---|",
            *several,
            sep="\n",
            flush=True,
        )
    counted = _count_instructions(args.instructions.split(",")) if args.instructions else {}
    print(
        "\nIssue #7's targets, on one core (the comparison with OpenFisca: "
        "peers/compare.py):\n\n| target | measured | holds? |\n|---|---|---|",
        *(
            f"| {target} | {measured} | {holds} |"
            for target, measured, holds in targets(cpu, counted, national)
        ),
        sep="\n",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
