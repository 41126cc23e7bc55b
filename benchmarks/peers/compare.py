"""minzheng against OpenFisca on one rule, J-staff-by-pop, for 40,000 (or 500,000) townships.

Both read the same CSV, a table of the townships with a row each
(``unit,registered_population,office_staff``, generated deterministically into
``benchmarks/data/peers/``); minzheng also reads the ``units.csv`` beside it, which
gives each township its name, level and county (OpenFisca has no tree of units). Both
write their findings, and both are timed as whole processes. The script then checks that
they agree on every township — the staff required and met / not met — and prints the
time ratio. Each is also timed on a table of one township: its start-up (imports, and
for minzheng finding and loading the installed packs), so that what the 40,000
townships themselves cost shows apart. OpenFisca must be installed (``nox -s bench``
installs it in the benchmark session only).

    python benchmarks/peers/compare.py [--townships 40000] [--runs 3] [--format parquet]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
DATA = HERE.parent / "data" / "peers"


def _per_township(whole: float, start: float, townships: int) -> str:
    """What a township costs beyond start-up; "within noise" when the machine made the
    start-up alone take longer than the whole run."""
    cost = (whole - start) * 1e6 / townships
    return f"{cost:.1f} µs" if cost > 0 else "within noise"


def write_inputs(count: int, seed: int = 40000, into: Path = DATA) -> Path:
    """The townships as one table both programs read (returned), with the ``units.csv``
    minzheng reads beside it."""
    rng = random.Random(seed)
    into.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(count):  # 999 townships a county, 99 counties a prefecture: 3608, 3609 …
        county = f"36{i // 98901 + 8:02d}{i // 999 % 99 + 1:02d}"
        code = f"{county}{i % 999 + 1:03d}"
        population = rng.choice([20000, 20001, 49999, 50000, rng.randint(0, 120000)])
        rows.append((county, code, population, rng.randint(0, 7)))
    table = into / "townships.csv"
    with table.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["unit", "registered_population", "office_staff"])
        writer.writerows((code, p, s) for _, code, p, s in rows)
    with (into / "units.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "name", "level", "parent", "area", "type"])
        for county in sorted({r[0] for r in rows}):
            writer.writerow([county, f"县{county}", "county", "", "", ""])
        writer.writerows(
            (code, f"镇{code}", "township", county, "", "") for county, code, _, _ in rows
        )
    return table


def _findings(path: Path) -> list[tuple[str, str, str]]:
    """(unit, required, status) of each finding minzheng wrote."""
    if path.suffix == ".parquet":
        import polars as pl

        return pl.read_parquet(path, columns=["unit", "required", "status"]).rows()
    with path.open(encoding="utf-8") as source:
        return [(f["unit"], f["required"], f["status"]) for f in map(json.loads, source)]


def _timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--townships", type=int, default=40000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--format",
        choices=["parquet", "jsonl"],
        default="parquet",
        help="minzheng's output: its findings table as Parquet (compact: a rule's citation "
        "is stored once), or as JSON lines (every field of every finding written out)",
    )
    args = parser.parse_args(argv)
    table = write_inputs(args.townships)
    one = write_inputs(1, into=DATA / "one")
    peer_out, ours_out = DATA / "openfisca-findings.csv", DATA / f"minzheng-findings.{args.format}"

    def peer(source: Path, target: Path) -> list[str]:
        return [sys.executable, str(HERE / "openfisca_staff.py"), str(source), str(target)]

    def ours(source: Path, target: Path) -> list[str]:
        return [sys.executable, "-m", "minzheng", "assess", str(source), "--pack", "jian", "--rule", "J-staff-by-pop", "--what-if",
                "--format", args.format, "-o", str(target), "--fail-on", "never"]  # fmt: skip

    peer_s = statistics.median(_timed(peer(table, peer_out)) for _ in range(args.runs))
    ours_s = statistics.median(_timed(ours(table, ours_out)) for _ in range(args.runs))
    scratch = DATA / "one" / f"findings.{args.format}"
    peer_start = statistics.median(_timed(peer(one, scratch)) for _ in range(args.runs))
    ours_start = statistics.median(_timed(ours(one, scratch)) for _ in range(args.runs))
    with peer_out.open(encoding="utf-8") as source:
        theirs = {r["code"]: (int(r["required"]), r["status"]) for r in csv.DictReader(source)}
    mine = {code: (int(required), status) for code, required, status in _findings(ours_out)}
    disagree = [code for code in theirs if mine.get(code) != theirs[code]]
    print(f"townships: {args.townships}; OpenFisca {peer_s:.2f} s, minzheng ({args.format}) {ours_s:.2f} s, "
          f"ratio minzheng/OpenFisca {ours_s / peer_s:.2f}")  # fmt: skip
    print(f"start-up (one township): OpenFisca {peer_start:.2f} s, minzheng {ours_start:.2f} s; "
          f"the rest, a township: OpenFisca {_per_township(peer_s, peer_start, args.townships)}, "
          f"minzheng {_per_township(ours_s, ours_start, args.townships)}")  # fmt: skip
    print(
        f"agreement: {len(theirs) - len(disagree)} of {len(theirs)} townships"
        + (f"; first disagreements: {disagree[:5]}" if disagree else "")
    )
    faster, agree = ours_s <= peer_s, not disagree and len(mine) == len(theirs)
    print(
        "the target: minzheng no slower than OpenFisca, agreeing on every township: "
        f"faster {'yes' if faster else 'NO'} ({ours_s / peer_s:.2f} times its time), "
        f"agreeing {'yes' if agree else 'NO'}"
    )
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
