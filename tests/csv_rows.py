"""Reading and writing the rows of a CSV file in tests that rearrange or spoil them."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path


def read_rows(path: Path) -> list[list[str]]:
    """Every row of a CSV file, the header first."""
    with path.open(encoding="utf-8", newline="") as source:
        return list(csv.reader(source))


def write_rows(path: Path, rows: Iterable[list[str]]) -> None:
    """Write rows to a CSV file (replacing it)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
