"""The engine on generated data, end to end, interleaved with a baseline.

Usage: ``python benchmarks/run.py [--scale national] [--runs 3] [--baseline PYTHON]
[--only TEXT]`` (``nox -s bench`` runs it).

Each measurement is one ``minzheng assess DIR --what-if`` command, a process of its own
whose wall time and peak memory (max RSS) are taken. The variants — every rule, and the
declarative kinds' rules only, to Parquet and to JSON lines, with one thread
(``POLARS_MAX_THREADS=1``) and with all of them, and the interactive commands
(``minzheng assess examples/jian-2018.yaml``, ``minzheng --help``) — take turns, run
after run, so that the machine's noise falls on all of them alike. With ``--baseline``
(the Python of another installation, e.g. a virtual environment of the previous
release), each variant is also run by it, in the same turn. Each figure is the median
of the runs.

It prints one Markdown table. Nothing is asserted: speed is read, not tested.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
ON = "2020-12-31"

#: Runs one command and prints its wall time and peak RSS as JSON: a process of its own,
#: so that RUSAGE_CHILDREN is that command's alone.
_PROBE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True)
seconds = time.perf_counter() - start
if done.returncode not in (0, 1):
    sys.stderr.write(done.stderr.decode()); sys.exit(done.returncode)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mib": peak}))
"""

Variant = tuple[list[str], dict[str, str]]


def declarative() -> list[str]:
    """The ids of the installed rules of the core's declarative kinds."""
    from minzheng import Registry
    from minzheng.rules import RULE_KINDS

    core = {cls for name, cls in RULE_KINDS.items() if cls.__module__ == "minzheng.rules"}
    return [r.id for _, r in Registry.discover().iter_rules() if type(r) in core]


def variants(data: Path, out: Path) -> dict[str, Variant]:
    """The ``minzheng assess`` runs to time (arguments after the interpreter)."""
    rules = [arg for rule in declarative() for arg in ("--rule", rule)]
    base = ["-m", "minzheng", "assess", str(data), "--what-if", "--on", ON, "--fail-on", "never"]
    one: dict[str, str] = {"POLARS_MAX_THREADS": "1"}
    found: dict[str, Variant] = {}
    for which, chosen in (("all rules", []), ("declarative", rules)):
        for fmt in ("parquet", "jsonl"):
            target = ["--format", fmt, "-o", str(out / f"findings.{fmt}")]
            found[f"{which} → {fmt}, 1 thread"] = ([*base, *target, *chosen], one)
        found[f"{which} → parquet, all threads"] = (
            [*base, "--format", "parquet", "-o", str(out / "findings.parquet"), *chosen],
            {},
        )
    example = ROOT / "examples" / "jian-2018.yaml"
    found["minzheng assess examples/jian-2018.yaml"] = (
        ["-m", "minzheng", "assess", str(example)],
        {},
    )
    found["minzheng --help"] = (["-m", "minzheng", "--help"], {})
    return found


def measure(python: str, command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall time and peak memory of ``python command`` in a process of its own."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, python, *command],
        capture_output=True,
        check=True,
        env={**os.environ, **env},
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def table(got: dict[str, dict[str, list[dict[str, float]]]], baseline: bool) -> str:
    """The medians as one Markdown table (with the baseline's beside, when run)."""
    head = "| variant | seconds | peak MiB |"
    rule = "|---|---|---|"
    if baseline:
        head += " baseline s | baseline MiB |"
        rule += "---|---|"
    rows = [head, rule]
    for name, runs in got.items():
        row = f"| {name} "
        for side in ("this", "baseline") if baseline else ("this",):
            seconds = statistics.median(r["seconds"] for r in runs[side])
            peak = statistics.median(r["peak_mib"] for r in runs[side])
            row += f"| {seconds:.2f} | {peak:.0f} "
        rows.append(row + "|")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", default="national")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", help="the Python of the installation to compare with")
    parser.add_argument("--only", help="only the variants whose name contains this")
    args = parser.parse_args(argv)
    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), args.scale, "--formats", "csv"], check=True
    )
    data = HERE / "data" / f"{args.scale}-csv"
    out = HERE / "data" / "out"
    out.mkdir(parents=True, exist_ok=True)
    chosen = variants(data, out)
    if args.only:
        chosen = {k: v for k, v in chosen.items() if args.only in k}
    sides = {"this": sys.executable} | ({"baseline": args.baseline} if args.baseline else {})
    got = {name: {side: [] for side in sides} for name in chosen}
    for run in range(args.runs):
        for name, (command, env) in chosen.items():
            for side, python in sides.items():
                got[name][side].append(measure(python, command, env))
                print(f"run {run + 1}: {name} ({side}): {got[name][side][-1]}", file=sys.stderr)
    for name in (f"findings.{fmt}" for fmt in ("parquet", "jsonl")):
        (out / name).unlink(missing_ok=True)
    print(f"\n{args.scale}, medians of {args.runs} interleaved runs\n")
    print(table(got, "baseline" in sides))
    return 0


if __name__ == "__main__":
    sys.exit(main())
