"""Reading a pack's rules, indicators and programmes from its data files, and the
registry of rule kinds by name (:data:`RULE_KINDS`, :func:`rule_kind`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

from minzheng.errors import InputError, Problem
from minzheng.i18n import Msg, msg
from minzheng.io.converter import describe_error, structure
from minzheng.io.files import read_structured
from minzheng.model import (
    Indicator,
    Program,
)
from minzheng.model.values import closest
from minzheng.rules.base import Rule
from minzheng.rules.kinds import (
    BracketRule,
    ChecklistRule,
    CoverageRule,
    DerivedRule,
    FlagRule,
    ObservedRule,
    ShareRule,
    ThresholdRule,
    ThresholdsRule,
    TrajectoryRule,
)

#: The rule kinds, by the name a rules file uses in ``kind:``: the declarative kinds of
#: :mod:`minzheng.rules`, and every kind a pack registers with :func:`rule_kind`.
RULE_KINDS: dict[str, type[Rule]] = {
    cls.kind: cls
    for cls in (
        ThresholdRule,
        ThresholdsRule,
        ShareRule,
        DerivedRule,
        BracketRule,
        ChecklistRule,
        FlagRule,
        TrajectoryRule,
        ObservedRule,
        CoverageRule,
    )
    if cls.kind
}


Source = Path | Traversable


R = TypeVar("R", bound=type[Rule])


def rule_kind(name: str) -> Callable[[R], R]:
    """Register a :class:`Rule` subclass as the kind ``name`` of rules files::

        @rule_kind("jian_office_name")
        @frozen(kw_only=True)
        class OfficeNameRule(Rule): ...

    A name is registered once; registering another class under it raises
    :class:`ValueError` (two packs would otherwise silently share it).
    """

    def register(cls: R) -> R:
        known = RULE_KINDS.get(name)
        if known is not None and (known.__module__, known.__qualname__) != (
            cls.__module__,
            cls.__qualname__,
        ):
            raise ValueError(
                f"rule kind {name!r} is already registered by {known.__module__}.{known.__qualname__}"
            )
        cls.kind = name
        RULE_KINDS[name] = cls
        return cls

    return register


def load_rules(source: Source) -> tuple[Rule, ...]:
    """Read a pack's rules file (YAML or JSON): ``rules:`` a list of rule mappings.

    Each mapping names its ``kind`` (one of :data:`~minzheng.rules.loading.RULE_KINDS`: a declarative kind, or
    a pack's own registered with :func:`rule_kind`) and gives the fields of that class. Every problem found
    is reported at once in an :class:`~minzheng.errors.InputError` naming the file, the
    rule and the field.
    """
    known = RULE_KINDS
    data = read_structured(source)
    label = str(source)
    items = _top_list(data, "rules", label)
    problems: list[Problem] = []
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(items):
        rule_id = (
            str(raw.get("id", f"#{index + 1}")) if isinstance(raw, Mapping) else f"#{index + 1}"
        )
        if not isinstance(raw, Mapping):
            problems.append(
                Problem(label, rule_id, None, msg("expected.mapping"), repr(raw), subject="rule")
            )
            continue
        kind = raw.get("kind")
        cls = known.get(str(kind))
        if cls is None:
            guess = closest(str(kind), known)
            problems.append(
                Problem(
                    label,
                    rule_id,
                    "kind",
                    msg("expected.one_of", choices=", ".join(sorted(known))),
                    repr(kind),
                    f"did you mean {guess!r}?" if guess else "",
                    subject="rule",
                )
            )
            continue
        fields = {k: v for k, v in raw.items() if k != "kind"}
        try:
            rule = structure(fields, cls)
        except Exception as exc:
            problems.extend(_problems(label, rule_id, exc, fields, "rule"))
            continue
        if rule.id in seen:
            problems.append(
                Problem(
                    label,
                    rule_id,
                    "id",
                    msg("expected.rule_once"),
                    msg("found.repeat"),
                    subject="rule",
                )
            )
        seen.add(rule.id)
        rules.append(rule)
    if problems:
        raise InputError(problems)
    return tuple(rules)


def load_indicators(source: Source) -> tuple[Indicator, ...]:
    """Read a pack's indicators file: ``indicators:`` a list of indicator mappings."""
    return _load_list(source, "indicators", Indicator, "indicator")


def load_programs(source: Source) -> tuple[Program, ...]:
    """Read a pack's programmes file: ``programs:`` a list of programme mappings, each
    with its ``standards`` and their ``schedule`` of ``changes`` (``[date, value]``)."""
    return _load_list(source, "programs", Program, "programme")


T = TypeVar("T", Indicator, Program)


def _load_list(source: Source, key: str, cls: type[T], subject: str) -> tuple[T, ...]:
    """The list under ``key`` of a data file, each entry structured as ``cls``; ids
    used once; every problem reported at once."""
    data = read_structured(source)
    label = str(source)
    problems: list[Problem] = []
    items: list[T] = []
    for index, raw in enumerate(_top_list(data, key, label)):
        item_id = (
            str(raw.get("id", f"#{index + 1}")) if isinstance(raw, Mapping) else f"#{index + 1}"
        )
        try:
            items.append(structure(raw, cls))
        except Exception as exc:
            problems.extend(_problems(label, item_id, exc, raw, subject))
    ids = [i.id for i in items]
    for repeated in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(
            Problem(
                label,
                repeated,
                "id",
                msg("expected.id_once"),
                msg("found.repeat"),
                subject=subject,
            )
        )
    if problems:
        raise InputError(problems)
    return tuple(items)


def _top_list(data: object, key: str, label: str) -> list[Any]:
    if not isinstance(data, Mapping) or not isinstance(data.get(key), list):
        raise InputError(
            [Problem(label, None, key, msg("expected.list_under", key=key), type(data).__name__)]
        )
    return list(data[key])


def _problems(
    label: str, subject_id: str, exc: BaseException, raw: object, subject: str
) -> list[Problem]:
    problems = []
    for fld, expected, found in describe_error(exc, raw):
        extra = isinstance(expected, Msg) and expected.key == "expected.no_such_field"
        hint = msg("hint.split_text") if extra and fld and not fld.isascii() else ""
        problems.append(Problem(label, subject_id, fld, expected, found, hint, subject=subject))
    return problems
