"""Run records (:class:`~minzheng.model.RunRecord`) and the fingerprints in them.

A rule's fingerprint is the SHA-256 digest of its definition as plain data (its kind's
class and every field: thresholds, dates, levels, reading and the citation's words),
written as canonical JSON; the rules' fingerprint is the digest of the sorted
``pack:rule digest`` lines. The input's fingerprint is the digest of its bytes as read:
each file's name, size and content (a folder's dataset files in name order), or the rows
a database returned, written as CSV.

Set ``SOURCE_DATE_EPOCH`` (seconds since 1970, the reproducible-builds convention) to fix
the run's time; its id is then derived from that time and the fingerprints, so the same
input gives the same bytes in every output.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from minzheng.io.converter import to_plain
from minzheng.model.runs import RunRecord
from minzheng.packs.registry import core_version

if TYPE_CHECKING:
    import polars as pl

    from minzheng.packs.registry import LoadedPack
    from minzheng.rules.base import Rule

__all__ = ["fingerprint_files", "fingerprint_frames", "fingerprint_rule", "start_run"]

_CHUNK = 1 << 20  # bytes hashed at a time


def fingerprint_rule(rule: Rule) -> str:
    """The SHA-256 digest of a rule's definition (see the module's docstring)."""
    kind = type(rule)
    plain = {"class": f"{kind.__module__}.{kind.__qualname__}", "rule": to_plain(rule)}
    text = json.dumps(plain, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint_files(paths: Iterable[Path]) -> str:
    """The SHA-256 digest of files: each one's name, size and bytes, in name order."""
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        digest.update(f"{path.name}\0{path.stat().st_size}\0".encode())
        with path.open("rb") as file:
            while chunk := file.read(_CHUNK):
                digest.update(chunk)
    return digest.hexdigest()


def fingerprint_frames(frames: Iterable[pl.DataFrame]) -> str:
    """The SHA-256 digest of tables as polars writes them as CSV (header included;
    columns of lists or structs, which are derived, left out)."""
    digest = hashlib.sha256()
    for frame in frames:
        flat = [name for name, dtype in frame.schema.items() if not dtype.is_nested()]
        digest.update(frame.select(flat).write_csv().encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _fixed_time() -> datetime | None:
    """The time ``SOURCE_DATE_EPOCH`` fixes, if it is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else None


def start_run(
    chosen: Sequence[tuple[LoadedPack, Rule]], *, on: date, dataset: str, input_fingerprint: str
) -> RunRecord:
    """The record of a run on ``on`` of the ``chosen`` rules, each with its pack (as
    :meth:`minzheng.engine.Engine.rules` lists them), over an input whose fingerprint
    is ``input_fingerprint`` (:func:`fingerprint_files`, :func:`fingerprint_frames`);
    ``dataset`` names the input (never with a password)."""
    by_rule = {f"{pack.name}:{rule.id}": fingerprint_rule(rule) for pack, rule in chosen}
    lines = "".join(f"{key} {value}\n" for key, value in sorted(by_rule.items()))
    rules_fingerprint = hashlib.sha256(lines.encode("utf-8")).hexdigest()
    started = _fixed_time()
    if started is None:
        started, run_id = datetime.now(UTC).replace(microsecond=0), str(uuid.uuid4())
    else:  # the same input gives the same record
        seed = f"{started.isoformat()} {rules_fingerprint} {input_fingerprint} {on}"
        run_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"minzheng:{seed}"))
    return RunRecord(
        run_id=run_id,
        started=started,
        on=on,
        dataset=dataset,
        minzheng=core_version(),
        packs={pack.name: pack.info.version for pack, _ in chosen},
        rules=rules_fingerprint,
        input=input_fingerprint,
        rule_fingerprints=by_rule,
    )
