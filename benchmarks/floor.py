"""How fast could any program read the national facts and write the national findings?

Measures what no engine can go below on this machine, with nothing checked and nothing
assessed: going through ``facts.csv`` row by row, and writing as many lines of the same
size as the findings from one template. In pure Python (the ``csv`` module, ``%``
formatting) and, when pyarrow is importable (it is not a dependency of minzheng or of
the benchmarks: install it by hand to see), with a native columnar reader and text
kernels on one thread.

    python benchmarks/floor.py [--scale national] [--lines 3346652] [--line-bytes 808]
    python benchmarks/floor.py --peers [--townships 40000] [--line-bytes 937]

The defaults are the national scale's: 3,346,652 findings in 2,579 MiB of JSON lines
(about 808 bytes a line; see README.md). The dataset is generated if it is missing
(with the packs installed where this runs).

``--peers`` measures the same floor for the job of ``peers/compare.py``: reading its
40,000 townships (``units.csv`` and ``facts.csv``, split and gathered by township,
nothing checked), J-staff-by-pop's brackets evaluated inline, and the findings written
either as OpenFisca's peer writes them (``code,required,status``) or as lines of the
size minzheng writes them (937 bytes on average). Set against OpenFisca's whole process
(timed by compare.py), it says what any pure-Python engine could reach there. It then
splits minzheng's start-up into its parts, each in a fresh process: the interpreter,
the libraries minzheng's own modules import on the way to ``minzheng assess`` (attrs,
cattrs, PyYAML, click, pluggy, importlib.metadata), numpy (which a columnar engine would
import, as OpenFisca does; it is installed with matplotlib, which minzheng's HTML
reports use), minzheng's own modules, and finding and loading the installed packs.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent


TEMPLATE = '{"unit": "%s", "message_zh": "实际 %s,要求不少于 %s", "actual": "%s", "x": "%s"}\n'


def _python(facts: Path, out: Path, lines: int, filler: str) -> tuple[int, float, float]:
    start = time.perf_counter()
    with facts.open(newline="", encoding="utf-8") as rows:
        count = sum(1 for _ in csv.reader(rows))
    read = time.perf_counter() - start
    start = time.perf_counter()
    with out.open("w", encoding="utf-8", buffering=1 << 20) as sink:
        write = sink.write
        for i in range(lines):
            write(TEMPLATE % (i, i, 3, i, filler))
    return count, read, time.perf_counter() - start


def _arrow(facts: Path, out: Path, lines: int, filler: str) -> tuple[int, float, float]:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    start = time.perf_counter()
    table = pcsv.read_csv(
        facts,
        read_options=pcsv.ReadOptions(use_threads=False),
        convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(
            ["unit", "indicator", "period", "value"], pa.string())),
    )  # fmt: skip
    read = time.perf_counter() - start
    numbers = pc.cast(pa.array(range(lines), pa.int64()), pa.string())  # the input, not timed
    start = time.perf_counter()
    with out.open("wb") as sink:
        step = 500_000  # a string array holds at most 2 GiB
        for first in range(0, lines, step):
            part = numbers[first : first + step]
            text = pc.binary_join_element_wise(
                '{"unit": "', part, '", "message_zh": "实际 ', part, ',要求不少于 3", "actual": "',
                part, f'", "x": "{filler}"}}\n', "",
            )  # fmt: skip
            used = pc.sum(pc.binary_length(text)).as_py()  # a new array: its text from 0
            sink.write(memoryview(text.buffers()[2])[:used])
    return table.num_rows + 1, read, time.perf_counter() - start


def _required(population: int) -> int:
    """J-staff-by-pop's brackets (seed 001, 三(三)2), as the OpenFisca peer has them."""
    return 2 if population <= 20000 else 3 if population < 50000 else 5


#: Run in a fresh interpreter: the seconds each part of start-up takes, as JSON.
STARTUP = """
import json, time
took = {}
start = time.perf_counter()
import attrs, cattrs, click, importlib.metadata, pluggy, yaml
took["libraries"] = time.perf_counter() - start
start = time.perf_counter()
import numpy
took["numpy"] = time.perf_counter() - start
start = time.perf_counter()
import minzheng, minzheng.cli
took["minzheng"] = time.perf_counter() - start
start = time.perf_counter()
minzheng.Registry.discover()
took["packs"] = time.perf_counter() - start
print(json.dumps(took))
"""


def _startup(repeats: int) -> dict[str, float]:
    """The fastest of ``repeats`` fresh processes for each part of start-up (seconds):
    ``interpreter``, ``libraries``, ``numpy``, ``minzheng``, ``packs``."""
    parts: dict[str, list[float]] = {}
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        parts.setdefault("interpreter", []).append(time.perf_counter() - start)
        done = subprocess.run(
            [sys.executable, "-c", STARTUP], check=True, capture_output=True, text=True
        )
        for name, seconds in json.loads(done.stdout).items():
            parts.setdefault(name, []).append(seconds)
    return {name: min(times) for name, times in parts.items()}


def _peers(townships: int, line_bytes: int, repeats: int = 5, into: Path | None = None) -> str:
    """Measure and print the floor of compare.py's job (inputs written into ``into``,
    default compare.py's own folder); returns what it printed."""
    sys.path.insert(0, str(HERE / "peers"))
    from compare import DATA as PEERS
    from compare import write_inputs

    table = write_inputs(townships, into=into or PEERS)
    out = table.parent / "floor-findings"
    filler = "x" * max(line_bytes - len((TEMPLATE % (10**8, 2, 5, 2, "")).encode()), 0)

    def read() -> tuple[list[str], dict[str, dict[str, str]]]:
        with (table.parent / "units.csv").open(newline="", encoding="utf-8") as rows:
            codes = [row[0] for row in csv.reader(rows) if row[2] == "township"]
        facts: dict[str, dict[str, str]] = {}
        with table.open(newline="", encoding="utf-8") as rows:
            reader = csv.reader(rows)
            header = next(reader)[1:]
            for unit, *values in reader:
                facts[unit] = dict(zip(header, values, strict=True))
        return codes, facts

    def short(codes: list[str], facts: dict[str, dict[str, str]]) -> None:
        with out.open("w", encoding="utf-8", buffering=1 << 20) as sink:
            write = sink.write
            write("code,required,status\n")
            for code in codes:
                own = facts[code]
                required = _required(int(own["registered_population"]))
                met = int(own["office_staff"]) >= required
                write(f"{code},{required},{'met' if met else 'not_met'}\n")

    def long(codes: list[str], facts: dict[str, dict[str, str]]) -> None:
        with out.open("w", encoding="utf-8", buffering=1 << 20) as sink:
            write = sink.write
            for code in codes:
                own = facts[code]
                staff = int(own["office_staff"])
                required = _required(int(own["registered_population"]))
                write(TEMPLATE % (code, staff, required, staff, filler))

    def best(job: Callable[[], object]) -> float:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            job()
            times.append(time.perf_counter() - start)
        return min(times)

    data = read()
    reading = best(read)
    written = {"short": best(lambda: short(*data)), "long": best(lambda: long(*data))}
    size = out.stat().st_size / len(data[0])  # the long lines, written last
    os.remove(out)
    parts = _startup(repeats)
    started = parts["interpreter"]
    said = (
        f"{townships:,} townships, pure Python, nothing checked (fastest of {repeats}): "
        f"units and facts read in {reading:.2f} s; evaluated and written as "
        f"code,required,status in {written['short']:.2f} s, as {size:.0f}-byte lines in "
        f"{written['long']:.2f} s; the interpreter starts in {started:.2f} s. "
        f"Whole process at best: {started + reading + written['short']:.2f} s with "
        f"OpenFisca's three columns, {started + reading + written['long']:.2f} s with "
        "minzheng's findings.\n"
        f"Start-up, part by part (fastest of {repeats}): "
        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in parts.items())
        + f". Together: minzheng as it is {sum(parts.values()) - parts['numpy']:.2f} s, "
        f"a columnar minzheng with numpy {sum(parts.values()):.2f} s"
    )
    print(said)
    return said


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", default="national")
    parser.add_argument("--lines", type=int, default=3_346_652)
    parser.add_argument("--line-bytes", type=int, help="default: 808, with --peers 937")
    parser.add_argument("--peers", action="store_true", help="the floor of compare.py's job")
    parser.add_argument("--townships", type=int, default=40000, help="with --peers")
    args = parser.parse_args(argv)
    if args.peers:
        _peers(args.townships, args.line_bytes or 937)
        return 0
    args.line_bytes = args.line_bytes or 808
    sys.path.insert(0, str(HERE))
    from generate import DATA, write

    facts = DATA / f"{args.scale}-csv" / "facts.csv"
    if not facts.exists():  # any generated copy will do: only its rows are split
        facts = write(args.scale, ["csv"])["csv"] / "facts.csv"
    out = facts.parent.parent / f"{args.scale}-floor.jsonl"
    typical = len((TEMPLATE % (10**6, 10**6, 3, 10**6, "")).encode())  # the template's own
    filler = "x" * max(args.line_bytes - typical, 0)
    print(f"{facts} ({facts.stat().st_size / 2**20:,.0f} MiB); {args.lines:,} lines to write")
    ways = [("Python (csv, % formatting)", _python)]
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        print("(pyarrow not importable: only the pure-Python floor)")
    else:
        ways.append(("pyarrow, one thread", _arrow))
    for name, way in ways:
        rows, read, written = way(facts, out, args.lines, filler)
        size = out.stat().st_size
        os.remove(out)
        print(
            f"{name}: {rows:,} rows split in {read:.1f} s; "
            f"{size / 2**30:.2f} GiB of lines ({size / args.lines:.0f} bytes each) written "
            f"in {written:.1f} s; "
            f"together {read + written:.1f} s",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
