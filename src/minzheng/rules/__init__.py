"""Rules: what a pack checks, and the common kinds a pack can declare as data.

A rule pack returns :class:`Rule` objects from its ``minzheng_rules`` hook. A rule knows
which units it applies to (levels, types, urban or rural), the clause it encodes
(:class:`~minzheng.model.Citation`), our reading of it, and how to check every unit it
applies to at once, over columns (:meth:`Rule.columns`, built from the primitives of
:mod:`minzheng.rules.columns`). The engine adds the pack, the unit, the citation, the
deadline and whether it is due to each finding.

A fact the dataset does not have gives an ``unknown`` finding that names it (a
judgement over values raises :class:`MissingFact` to say so). A rule therefore cannot
report ``met`` on missing data by accident. A rule may also derive what each unit
must reach without assessing it (:meth:`Rule.targets`, a :class:`Requirement` per unit
and indicator, over the same columns).

Most requirements fit one of the declarative kinds below, which a pack can write in a
YAML file and load with :func:`load_rules`:

``threshold``
    a fact compared with a fixed value (火化率 = 100%)
``derived``
    a fact compared with ``factor × another fact`` (社工 ≥ 1‰ × 常住人口)
``bracket``
    a fact compared with a value that depends on the band another fact falls in
    (民政所 staff by township population)
``checklist``
    every listed item present (the "七有"); reports the missing ones
``flag``
    a yes/no fact that must be yes (or no)
``trajectory``
    a fact on its way from a baseline to a target by a deadline
``share``
    one count as a share of another, compared with a percentage (政府运营床位 ≤ 30%)
``thresholds``
    several facts, each compared with a fixed value; all must hold
``observe``
    a plan indicator with no number ("--"): its value and trend are reported
``coverage``
    the share of the units below with a yes/no fact (villages with a 民生主任)

A requirement that fits none of them is a subclass of :class:`Rule` in the pack's code.
"""

from __future__ import annotations

from minzheng.rules.base import (
    MissingFact,
    Outcome,
    Quantity,
    Requirement,
    Rule,
    combine,
    compare,
    trajectory,
)
from minzheng.rules.kinds import (
    BracketRule,
    ChecklistRule,
    Condition,
    CoverageRule,
    DerivedRule,
    FlagRule,
    ObservedRule,
    ShareRule,
    ThresholdRule,
    ThresholdsRule,
    TrajectoryRule,
)
from minzheng.rules.loading import RULE_KINDS, load_indicators, load_programs, load_rules, rule_kind

__all__ = [
    "RULE_KINDS",
    "BracketRule",
    "ChecklistRule",
    "Condition",
    "CoverageRule",
    "DerivedRule",
    "FlagRule",
    "MissingFact",
    "ObservedRule",
    "Outcome",
    "Quantity",
    "Requirement",
    "Rule",
    "ShareRule",
    "ThresholdRule",
    "ThresholdsRule",
    "TrajectoryRule",
    "combine",
    "compare",
    "load_indicators",
    "load_programs",
    "load_rules",
    "rule_kind",
    "trajectory",
]
