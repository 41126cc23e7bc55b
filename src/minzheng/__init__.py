"""minzheng (民政): civil-affairs policy as code.

Typed models of administrative units, indicators, programmes and standards; region rule
packs published as pluggy plugins; an engine that computes compliance findings and
targets. Everything a user or a pack author needs is importable from here::

    import minzheng

    dataset = minzheng.load_dataset("examples/core-sample.yaml")
    report = minzheng.assess(dataset)
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .datapack import DataPack
from .dataset import Dataset, dump_dataset, load_dataset, read_dataset, write_dataset
from .engine import Engine, Tally, assess, iter_assess, iter_targets, resolve_date
from .errors import (
    DatasetError,
    InputError,
    MinzhengError,
    Problem,
    UnknownNameError,
)
from .hookspecs import hookimpl
from .models import (
    FACT,
    MEASURES_PLURAL,
    MEASURES_ZH,
    Area,
    Attribute,
    Bracket,
    Citation,
    Comparator,
    Derivation,
    Direction,
    Document,
    Fact,
    Finding,
    Indicator,
    Item,
    Kind,
    Level,
    PackInfo,
    Part,
    Position,
    Program,
    RegionInfo,
    Report,
    RollUp,
    Rounding,
    Schedule,
    Scores,
    Severity,
    Standard,
    Status,
    TargetValue,
    Trajectory,
    Unit,
    Value,
    measure_plural,
    measure_zh,
)
from .plugins import LoadedPack, PluginError, Registry
from .render import report_to_json
from .rules import (
    BracketRule,
    ChecklistRule,
    Condition,
    CoverageRule,
    DerivedRule,
    FlagRule,
    MissingFact,
    ObservedRule,
    Outcome,
    Rule,
    ShareRule,
    ThresholdRule,
    ThresholdsRule,
    TrajectoryRule,
    UnitContext,
    combine,
    compare,
    load_indicators,
    load_programs,
    load_rules,
    rule_kind,
    trajectory,
)
from .scoring import Category, Scorecard, ScoredItem, ScoreTable, load_score_table
from .stream import DatasetStream, DroppedFactError, OrderError

try:
    __version__ = version("minzheng")
except PackageNotFoundError:  # pragma: no cover - running from a source checkout
    __version__ = "0.0.0"

__all__ = [
    "FACT",
    "MEASURES_PLURAL",
    "MEASURES_ZH",
    "Area",
    "Attribute",
    "Bracket",
    "BracketRule",
    "Category",
    "ChecklistRule",
    "Citation",
    "Comparator",
    "Condition",
    "CoverageRule",
    "DataPack",
    "Dataset",
    "DatasetError",
    "DatasetStream",
    "Derivation",
    "DerivedRule",
    "Direction",
    "Document",
    "DroppedFactError",
    "Engine",
    "Fact",
    "Finding",
    "FlagRule",
    "Indicator",
    "InputError",
    "Item",
    "Kind",
    "Level",
    "LoadedPack",
    "MinzhengError",
    "MissingFact",
    "ObservedRule",
    "OrderError",
    "Outcome",
    "PackInfo",
    "Part",
    "PluginError",
    "Position",
    "Problem",
    "Program",
    "RegionInfo",
    "Registry",
    "Report",
    "RollUp",
    "Rounding",
    "Rule",
    "Schedule",
    "ScoreTable",
    "Scorecard",
    "ScoredItem",
    "Scores",
    "Severity",
    "ShareRule",
    "Standard",
    "Status",
    "Tally",
    "TargetValue",
    "ThresholdRule",
    "ThresholdsRule",
    "Trajectory",
    "TrajectoryRule",
    "Unit",
    "UnitContext",
    "UnknownNameError",
    "Value",
    "__version__",
    "assess",
    "combine",
    "compare",
    "dump_dataset",
    "hookimpl",
    "iter_assess",
    "iter_targets",
    "load_dataset",
    "load_indicators",
    "load_programs",
    "load_rules",
    "load_score_table",
    "measure_plural",
    "measure_zh",
    "read_dataset",
    "report_to_json",
    "resolve_date",
    "rule_kind",
    "trajectory",
    "write_dataset",
]
