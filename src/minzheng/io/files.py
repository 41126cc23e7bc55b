"""Reading JSON and YAML exactly and safely, for datasets, rules and score tables.

JSON floats and YAML floats become :class:`~decimal.Decimal` so no value passes through
binary floating point; YAML is read with a subclass of the safe loader, never with
anything that can build arbitrary objects.
"""

from __future__ import annotations

import json
from decimal import Decimal
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from minzheng.errors import InputError, Problem
from minzheng.i18n import msg

#: libyaml's parser when PyYAML was built with it (its wheels are), else PyYAML's own.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ExactLoader(_SafeLoader):  # type: ignore[valid-type, misc]
    """The safe loader, reading floats as exact decimals and refusing a key given twice
    in one mapping (which would otherwise keep the last value silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # ``<<: *defaults`` merges on purpose
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, list | dict):
                continue  # not hashable: the safe constructor says so itself
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} given twice in one mapping", key_node.start_mark
                )
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def _decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    cleaned = text.replace("_", "")
    lowered = cleaned.lower()
    if lowered in (".inf", "+.inf", "-.inf", ".nan"):
        return Decimal("NaN")  # refused later with a clear message (not a finite number)
    return Decimal(cleaned)


_ExactLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def file_label(source: Path | Traversable | str) -> str:
    return str(source)


def read_text(source: Path | Traversable) -> str:
    label = file_label(source)
    try:
        return source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem.no_such_file(label)]) from None
    except IsADirectoryError:
        raise InputError(
            [Problem(label, None, None, msg("expected.a_file"), msg("found.directory"))]
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    None,
                    msg("expected.utf8"),
                    msg("found.undecodable_at", offset=exc.start),
                )
            ]
        ) from None


class _DuplicateKey(ValueError):
    """A JSON object names this key twice."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's members, refusing a key given twice (json keeps the last)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKey(key)
        found[key] = value
    return found


def parse_json(text: str, label: str) -> Any:
    try:
        return json.loads(text, parse_float=Decimal, object_pairs_hook=_unique_keys)
    except _DuplicateKey as exc:
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    str(exc),
                    msg("expected.key_once"),
                    msg("found.key_twice", key=str(exc)),
                )
            ]
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    None,
                    msg("expected.json"),
                    msg("found.json_error", error=exc.msg, line=exc.lineno, column=exc.colno),
                )
            ]
        ) from None


def parse_yaml(text: str, label: str) -> Any:
    try:
        return yaml.load(text, Loader=_ExactLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            [Problem(label, None, None, msg("expected.yaml"), f"{problem}{where}")]
        ) from None


def read_structured(source: Path | Traversable) -> Any:
    """The plain data of a JSON or YAML file (chosen by its suffix)."""
    text = read_text(source)
    label = file_label(source)
    if source.name.endswith(".json"):
        return parse_json(text, label)
    return parse_yaml(text, label)
