"""Reading JSON and YAML exactly and safely, for datasets, rules and score tables.

JSON floats and YAML floats become :class:`~decimal.Decimal` so no value passes through
binary floating point; YAML is read with a subclass of the safe loader, never with
anything that can build arbitrary objects.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from minzheng.errors import InputError, Problem, shorten
from minzheng.i18n import Msg, msg
from minzheng.io.limits import (
    MAX_ALIAS_EXPANSION,
    MAX_DEPTH,
    MAX_DIGITS,
    check_file,
    too_many_digits,
)

#: libyaml's parser when PyYAML was built with it (its wheels are), else PyYAML's own.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Refused(yaml.constructor.ConstructorError):
    """A value the loader refuses, told by a catalogue message (found) at a place."""

    def __init__(self, expected: Msg, found: str | Msg, mark: yaml.Mark | None) -> None:
        super().__init__(None, None, str(found), mark)
        self.expected, self.found = expected, found


class _ExactLoader(_SafeLoader):  # type: ignore[valid-type, misc]
    """The safe loader, reading numbers exactly (floats as decimals, at most
    :data:`~minzheng.io.limits.MAX_DIGITS` digits), refusing a key given twice in one
    mapping (which would otherwise keep the last value silently), an impossible date,
    nesting deeper than :data:`~minzheng.io.limits.MAX_DEPTH`, and aliases expanding
    to more than :data:`~minzheng.io.limits.MAX_ALIAS_EXPANSION` values."""

    aliases = True  #: whether ``*name`` may refer to an anchor (else refused)

    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        _check_graph(node, aliases=self.aliases)  # before anything is built
        return self.construct_document(node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # ``<<: *defaults`` merges on purpose
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, list | dict):
                continue  # not hashable: the safe constructor says so itself
            if key in seen:
                raise _Refused(
                    msg("expected.key_once"), msg("found.key_twice", key=str(key)),
                    key_node.start_mark,
                )  # fmt: skip
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


class _DatasetLoader(_ExactLoader):
    """The loader of datasets: no aliases at all (data has nothing to repeat)."""

    aliases = False


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_graph(root: yaml.Node, *, aliases: bool) -> None:
    """Refuse a composed document nested too deep, with an alias where none is allowed,
    an alias to itself, or aliases that expand to too many values — on the node graph,
    before a value is built. (An alias is a node reached a second time.)"""
    size: dict[int, int] = {}  # node → values it stands for, aliases expanded
    entered: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, leaving = stack.pop()
        if leaving:
            size[id(node)] = 1 + sum(size[id(c)] for c in _children(node))
            continue
        if id(node) in entered:
            if not aliases:
                raise _Refused(msg("expected.no_alias"), msg("found.alias"), node.start_mark)
            if id(node) not in size:  # still being entered: the node holds itself
                raise _Refused(msg("expected.no_alias"), msg("found.alias_loop"), node.start_mark)
            continue
        if depth > MAX_DEPTH:
            raise _Refused(
                msg("expected.depth_at_most", depth=MAX_DEPTH), msg("found.deeper"),
                node.start_mark,
            )  # fmt: skip
        entered.add(id(node))
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in _children(node))
    if size[id(root)] - len(size) > MAX_ALIAS_EXPANSION:
        raise _Refused(
            msg("expected.alias_expansion", limit=MAX_ALIAS_EXPANSION),
            msg("found.values", count=size[id(root)]),
            root.start_mark,
        )


def _number_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    if too_many_digits(text):
        raise _Refused(
            msg("expected.digits_at_most", digits=MAX_DIGITS), repr(shorten(text)), node.start_mark
        )
    return text


def _decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    cleaned = _number_text(loader, node).replace("_", "")
    lowered = cleaned.lower()
    if lowered in (".inf", "+.inf", "-.inf", ".nan"):
        return Decimal("NaN")  # refused later with a clear message (not a finite number)
    return Decimal(cleaned)


def _int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    _number_text(loader, node)
    number: int = loader.construct_yaml_int(node)
    return number


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> date:
    try:
        stamp: date = loader.construct_yaml_timestamp(node)
    except ValueError:
        found = repr(loader.construct_scalar(node))
        raise _Refused(msg("expected.date"), found, node.start_mark) from None
    return stamp


_ExactLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
_ExactLoader.add_constructor("tag:yaml.org,2002:int", _int)
_ExactLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def file_label(source: Path | Traversable | str) -> str:
    return str(source)


def read_text(source: Path | Traversable) -> str:
    """The UTF-8 text of a file; a path on disk is first checked to be a regular file
    within :func:`~minzheng.io.limits.max_size` (``"document"``)."""
    label = file_label(source)
    if isinstance(source, Path):
        check_file(source, "document")
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


def _at(found: str | Msg, text: str, offset: int) -> Msg:
    """``found`` with its line and column in ``text`` (``offset`` from its start)."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return msg("found.at_place", found=found, line=line, column=column)


class _JsonRefused(ValueError):
    """A JSON value refused by a hook of the parser: what was expected and found, and
    the text to look for (the parser gives no position to its hooks)."""

    def __init__(
        self, expected: Msg, found: str | Msg, literal: str, field: str | None = None
    ) -> None:
        super().__init__(literal)
        self.expected, self.found, self.literal, self.field = expected, found, literal, field


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's members, refusing a key given twice (json keeps the last)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _JsonRefused(
                msg("expected.key_once"), msg("found.key_twice", key=key), json.dumps(key), key
            )
        found[key] = value
    return found


def _json_number(text: str) -> str:
    if too_many_digits(text):
        raise _JsonRefused(
            msg("expected.digits_at_most", digits=MAX_DIGITS), repr(shorten(text)), text
        )
    return text


def _check_tree(data: Any, strings: bool) -> tuple[Msg, str | Msg] | None:
    """What is wrong with parsed JSON: nesting deeper than :data:`MAX_DEPTH`, or (when
    ``strings``) a text with a lone surrogate, which no UTF-8 output can hold."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            items: list[Any] = [*value.keys(), *value.values()]
        elif isinstance(value, list):
            items = value
        else:
            if strings and isinstance(value, str) and not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    return msg("expected.unicode_text"), repr(value[:40])
            continue
        if depth > MAX_DEPTH:
            return msg("expected.depth_at_most", depth=MAX_DEPTH), msg("found.deeper")
        stack.extend((item, depth + 1) for item in items)
    return None


def parse_json(text: str, label: str) -> Any:
    """JSON text as plain data: numbers exact, keys unique, within the limits of
    :mod:`minzheng.io.limits`."""
    try:
        data = json.loads(
            text, parse_float=_json_float, parse_int=_json_int, object_pairs_hook=_unique_keys
        )
    except _JsonRefused as exc:
        found = _at(exc.found, text, max(text.find(exc.literal), 0))
        raise InputError([Problem(label, None, exc.field, exc.expected, found)]) from None
    except RecursionError:
        found = msg("found.deeper")
        raise InputError(
            [Problem(label, None, None, msg("expected.depth_at_most", depth=MAX_DEPTH), found)]
        ) from None
    except json.JSONDecodeError as exc:
        found = msg("found.json_error", error=exc.msg, line=exc.lineno, column=exc.colno)
        raise InputError([Problem(label, None, None, msg("expected.json"), found)]) from None
    wrong = _check_tree(data, strings="\\ud" in text.lower())
    if wrong is not None:
        raise InputError([Problem(label, None, None, *wrong)])
    return data


def _json_int(text: str) -> int:
    return int(_json_number(text))


def _json_float(text: str) -> Decimal:
    return Decimal(_json_number(text))


def parse_yaml(text: str, label: str, *, aliases: bool = True) -> Any:
    """YAML text as plain data, read by the exact safe loader; ``aliases=False`` (for
    datasets) refuses any alias."""
    try:
        return yaml.load(text, Loader=_ExactLoader if aliases else _DatasetLoader)
    except _Refused as exc:
        found = _yaml_at(exc.found, exc.problem_mark)
        raise InputError([Problem(label, None, None, exc.expected, found)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc)
        if mark is None and isinstance(exc, yaml.reader.ReaderError):
            found = _at(str(problem), text, exc.position)
        else:
            found = _yaml_at(str(problem), mark)
        raise InputError([Problem(label, None, None, msg("expected.yaml"), found)]) from None


def _yaml_at(found: str | Msg, mark: yaml.Mark | None) -> str | Msg:
    if mark is None:
        return found
    return msg("found.at_place", found=found, line=mark.line + 1, column=mark.column + 1)


def read_structured(source: Path | Traversable) -> Any:
    """The plain data of a JSON or YAML file (chosen by its suffix)."""
    text = read_text(source)
    label = file_label(source)
    if source.name.endswith(".json"):
        return parse_json(text, label)
    return parse_yaml(text, label)
