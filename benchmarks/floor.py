"""How fast could any program read the national facts and write the national findings?

Measures what no engine can go below on this machine, with nothing checked and nothing
assessed: going through ``facts.csv`` row by row, and writing as many lines of the same
size as the findings from one template. In pure Python (the ``csv`` module, ``%``
formatting) and, when pyarrow is importable (it is not a dependency of minzheng or of
the benchmarks: install it by hand to see), with a native columnar reader and text
kernels on one thread.

    python benchmarks/floor.py [--scale national] [--lines 3326414] [--line-bytes 808]

The defaults are the national scale's: 3,326,414 findings in 2,563 MiB of JSON lines
(about 808 bytes a line; see README.md). The dataset is generated if it is missing
(with the packs installed where this runs).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", default="national")
    parser.add_argument("--lines", type=int, default=3_326_414)
    parser.add_argument("--line-bytes", type=int, default=808)
    args = parser.parse_args(argv)
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
