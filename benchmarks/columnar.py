"""The columnar engine against the per-unit engine, on the national scale, interleaved.

Usage: ``python benchmarks/columnar.py [--scale national] [--runs 3]`` (``nox -s bench``
runs it after ``run.py``).

Each measurement is one ``minzheng assess DIR --what-if`` command, a process of its own
whose wall time and peak memory (max RSS) are taken; the variants take turns, run after
run, so that the machine's noise falls on all of them alike, and each figure is the
median of the runs:

* columnar, CSV folder → Parquet, and → JSON lines, for the rules the columnar engine
  covers (the declarative kinds; ``--rule`` each) and for every rule (the packs' own
  kinds are then checked unit by unit), with one thread (``POLARS_MAX_THREADS=1``) and
  with all of them;
* the per-unit engine (``--stream``, county by county) on the same rules, to JSON lines;
* the interactive commands: ``minzheng assess examples/jian-2018.yaml`` and
  ``minzheng --help``.

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


def _covered() -> list[str]:
    """The ids of the installed rules that have a columnar form."""
    from minzheng import Registry
    from minzheng._kinds import _KINDS

    return [r.id for _, r in Registry.discover().iter_rules() if type(r) in _KINDS]


def _variants(data: Path, out: Path) -> dict[str, tuple[list[str], dict[str, str]]]:
    rules = [arg for rule in _covered() for arg in ("--rule", rule)]
    base = [sys.executable, "-m", "minzheng", "assess", str(data), "--what-if", "--on", ON,
            "--fail-on", "never"]  # fmt: skip
    one, every = {"POLARS_MAX_THREADS": "1"}, {}
    variants: dict[str, tuple[list[str], dict[str, str]]] = {}
    for which, chosen in (("covered", rules), ("all", [])):
        for fmt in ("parquet", "jsonl"):
            target = ["--format", fmt, "-o", str(out / f"findings.{fmt}")]
            variants[f"columnar {which} → {fmt}, 1 thread"] = ([*base, *target, *chosen], one)
        variants[f"columnar {which} → parquet, all threads"] = (
            [*base, "--format", "parquet", "-o", str(out / "findings.parquet"), *chosen],
            every,
        )
        variants[f"per-unit {which} → jsonl (--stream)"] = (
            [*base, "--stream", "--format", "jsonl", "-o", str(out / "old.jsonl"), *chosen],
            one,
        )
    return variants


def _interactive() -> dict[str, tuple[list[str], dict[str, str]]]:
    example = ROOT / "examples" / "jian-2018.yaml"
    return {
        "minzheng assess examples/jian-2018.yaml": (
            [sys.executable, "-m", "minzheng", "assess", str(example)],
            {},
        ),
        "minzheng --help": ([sys.executable, "-m", "minzheng", "--help"], {}),
    }


def _measure(command: list[str], env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *command],
        capture_output=True,
        check=True,
        env={**os.environ, **env},
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", default="national")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", help="only the variants whose name contains this")
    args = parser.parse_args(argv)
    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), args.scale, "--formats", "csv"], check=True
    )
    data = HERE / "data" / f"{args.scale}-csv"
    out = HERE / "data" / "columnar-out"
    out.mkdir(parents=True, exist_ok=True)
    variants = {**_variants(data, out), **_interactive()}
    if args.only:
        variants = {k: v for k, v in variants.items() if args.only in k}
    got: dict[str, list[dict[str, float]]] = {name: [] for name in variants}
    for run in range(args.runs):
        for name, (command, env) in variants.items():
            got[name].append(_measure(command, env))
            print(f"run {run + 1}: {name}: {got[name][-1]}", file=sys.stderr, flush=True)
    print(f"\n{args.scale}, medians of {args.runs} interleaved runs\n")
    print("| variant | seconds | peak MiB |\n|---|---|---|")
    for name, runs in got.items():
        seconds = statistics.median(r["seconds"] for r in runs)
        peak = statistics.median(r["peak_mib"] for r in runs)
        print(f"| {name} | {seconds:.2f} | {peak:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
