"""The record of one run: what produced a set of findings.

Every output of ``minzheng assess`` carries one (JSON, JSON lines, Parquet, the
database, HTML and XLSX), so that a finding can be traced to the exact rules and input
that produced it: :func:`minzheng.engine.runs.start_run` makes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import Any

from attrs import field, frozen

__all__ = ["RunRecord"]


def _frozen_map(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(sorted(value.items())))


@frozen
class RunRecord:
    """One run of the engine: who ran what on which input, and when.

    The fingerprints are SHA-256 digests (64 hexadecimal digits). ``rule_fingerprints``
    gives each rule's own (``"pack:rule"`` → digest of its definition: the kind, the
    thresholds, dates, reading and the citation's words), and ``rules`` the digest of
    them all; ``input`` is the digest of the input as read (the bytes of its files, or
    the rows a database returned). Two runs with the same ``rules`` and ``input``
    digests and the same versions give the same findings.
    """

    run_id: str  #: a UUID
    started: datetime  #: when the run started, UTC, to the second
    on: date  #: the assessment date
    dataset: str  #: the dataset's name or where it was read from (no password)
    minzheng: str  #: minzheng's version
    packs: Mapping[str, str] = field(converter=_frozen_map)  #: pack name → version
    rules: str = ""  #: digest of every rule of the run
    input: str = ""  #: digest of the input
    rule_fingerprints: Mapping[str, str] = field(factory=dict, converter=_frozen_map)

    def to_json(self) -> dict[str, Any]:
        """The record as JSON-ready data (dates and times as ISO 8601 text)."""
        return {
            "run_id": self.run_id,
            "started": self.started.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "on": self.on.isoformat(),
            "dataset": self.dataset,
            "minzheng": self.minzheng,
            "packs": dict(self.packs),
            "rules": self.rules,
            "input": self.input,
            "rule_fingerprints": dict(self.rule_fingerprints),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunRecord:
        """A record read back from :meth:`to_json`'s data; ``KeyError`` or
        ``ValueError`` when it is not one."""
        started = datetime.fromisoformat(str(data["started"]).replace("Z", "+00:00"))
        return cls(
            run_id=str(data["run_id"]),
            started=started,
            on=date.fromisoformat(str(data["on"])),
            dataset=str(data["dataset"]),
            minzheng=str(data["minzheng"]),
            packs={str(k): str(v) for k, v in dict(data["packs"]).items()},
            rules=str(data["rules"]),
            input=str(data["input"]),
            rule_fingerprints={
                str(k): str(v) for k, v in dict(data.get("rule_fingerprints") or {}).items()
            },
        )
