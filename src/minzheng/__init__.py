"""minzheng (民政): civil-affairs policy as code.

Typed models of administrative units, indicators, programmes and standards; region rule
packs published as pluggy plugins; an engine that computes compliance findings and
targets. What a user or a pack author needs most is importable from here::

    import minzheng

    dataset = minzheng.load_dataset("examples/jian-2018.yaml")
    report = minzheng.assess(dataset)

The rest lives in the rooms whose names say what they hold: :mod:`minzheng.model`
(units, indicators, findings, programmes; no I/O), :mod:`minzheng.io` (reading and
writing datasets), :mod:`minzheng.rules` (the rule kinds and the columns they are
written with), :mod:`minzheng.packs` (hooks, registry, data packs), :mod:`minzheng.engine`
(assessing), :mod:`minzheng.report` (every output format), :mod:`minzheng.cli` and
:mod:`minzheng.scaffold` (new packs and data templates).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from minzheng.engine import Engine, assess, iter_assess, iter_targets
from minzheng.errors import DatasetError, InputError, MinzhengError, Problem
from minzheng.io.dataset import Dataset, dump_dataset, load_dataset, read_dataset, write_dataset
from minzheng.io.stream import DatasetStream
from minzheng.model import (
    FACT,
    Area,
    Attribute,
    Citation,
    Comparator,
    Document,
    Finding,
    Indicator,
    Item,
    Kind,
    Level,
    PackInfo,
    Part,
    RegionInfo,
    Report,
    Scores,
    Severity,
    Status,
    TargetValue,
    Unit,
)
from minzheng.packs.datapack import DataPack
from minzheng.packs.hookspecs import hookimpl
from minzheng.packs.registry import LoadedPack, Registry
from minzheng.rules import MissingFact, Outcome, Quantity, Rule, compare, rule_kind

try:
    __version__ = version("minzheng")
except PackageNotFoundError:  # pragma: no cover - running from a source checkout
    __version__ = "0.0.0"

__all__ = [
    "FACT",
    "Area",
    "Attribute",
    "Citation",
    "Comparator",
    "DataPack",
    "Dataset",
    "DatasetError",
    "DatasetStream",
    "Document",
    "Engine",
    "Finding",
    "Indicator",
    "InputError",
    "Item",
    "Kind",
    "Level",
    "LoadedPack",
    "MinzhengError",
    "MissingFact",
    "Outcome",
    "PackInfo",
    "Part",
    "Problem",
    "Quantity",
    "RegionInfo",
    "Registry",
    "Report",
    "Rule",
    "Scores",
    "Severity",
    "Status",
    "TargetValue",
    "Unit",
    "__version__",
    "assess",
    "compare",
    "dump_dataset",
    "hookimpl",
    "iter_assess",
    "iter_targets",
    "load_dataset",
    "read_dataset",
    "rule_kind",
    "write_dataset",
]
