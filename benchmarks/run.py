"""Benchmarks: load, assess and write findings on synthetic datasets.

Usage: ``nox -s bench`` or ``python benchmarks/run.py [--scales county,city] [--runs 3]``.

Each measurement runs in a fresh Python process, so its peak memory (max RSS) is its
own: (a) loading and validating the CSV dataset; (b) assessing it with every installed
pack ("what if", so every rule runs) — the time of (b) excludes the load, its peak
memory includes it; (c) writing the findings as JSON lines, streamed. Times are medians
of ``--runs`` runs. Nothing here is asserted: speed is read, not tested.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def _phase(phase: str, path: str) -> dict[str, float]:
    """Run one phase in this process; report seconds and peak memory (MiB)."""
    import minzheng
    from minzheng.render import write_jsonl

    registry = minzheng.Registry.discover()
    engine = minzheng.Engine(registry)
    start = time.perf_counter()
    dataset = minzheng.load_dataset(path, registry.indicators)
    loaded = time.perf_counter()
    count = 0
    if phase == "assess":
        count = sum(1 for _ in engine.iter_assess(dataset, what_if=True))
    elif phase == "write":
        count = write_jsonl(engine.iter_assess(dataset, what_if=True), io.StringIO())
    done = time.perf_counter()
    seconds = loaded - start if phase == "load" else done - loaded
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"seconds": seconds, "peak_mib": peak, "units": len(dataset), "findings": count}


def _measure(phase: str, path: Path, runs: int) -> dict[str, float]:
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, str(HERE / "run.py"), "--phase", phase, str(path)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        results.append(json.loads(out.stdout))
    return {
        "seconds": statistics.median(r["seconds"] for r in results),
        "peak_mib": statistics.median(r["peak_mib"] for r in results),
        "units": results[0]["units"],
        "findings": max(r["findings"] for r in results),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", default="county,city")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--phase", choices=["load", "assess", "write"], help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        print(json.dumps(_phase(args.phase, args.path)))
        return 0
    sys.path.insert(0, str(HERE))
    from generate import write

    print(
        f"{'scale':9} {'units':>8} {'findings':>9} | {'load s':>7} {'MiB':>6} | {'assess s':>8} {'MiB':>6} | {'write s':>7} {'MiB':>6}"
    )
    for scale in args.scales.split(","):
        path = write(scale, ["csv"])["csv"]
        load = _measure("load", path, args.runs)
        assess = _measure("assess", path, args.runs)
        out = _measure("write", path, args.runs)
        print(
            f"{scale:9} {load['units']:>8} {assess['findings']:>9} | {load['seconds']:>7.2f} {load['peak_mib']:>6.0f} | "
            f"{assess['seconds']:>8.2f} {assess['peak_mib']:>6.0f} | {out['seconds']:>7.2f} {out['peak_mib']:>6.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
