"""The one cattrs converter: structured models from plain data, and back.

Plain data is what JSON and safe YAML give: dicts, lists, strings, ints, ``Decimal``
(never binary floats: the loaders read decimals exactly) and dates. Unstructuring goes
the other way for the JSON output, where **every number is a string of an exact
decimal** (``"12345.67"``) so that nothing is lost to binary floating point, dates are
ISO strings, and a checklist's items are a sorted list.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any, TypeVar

import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError
from cattrs.gen import make_dict_unstructure_fn

from minzheng.i18n import Msg, msg
from minzheng.model import Bracket, Finding, InvalidField, Scores, Status
from minzheng.model.values import ValueProblem, format_decimal, parse_decimal, show

T = TypeVar("T")

__all__ = ["describe_error", "get_converter", "make_converter", "structure", "to_plain"]


def _structure_decimal(raw: object, _: type) -> Decimal:
    return parse_decimal(raw)


def _structure_date(raw: object, _: type) -> date:
    if isinstance(raw, datetime):  # a day is asked for: a time of day would be dropped
        raise ValueProblem(msg("expected.date"), str(raw))
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise ValueProblem(msg("expected.date"), raw)


def _structure_str(raw: object, _: type) -> str:
    if isinstance(raw, str):
        return raw
    raise ValueProblem(msg("expected.text"), raw)


def _structure_int(raw: object, _: type) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    raise ValueProblem(msg("expected.whole_number"), raw)


def _structure_bool(raw: object, _: type) -> bool:
    if isinstance(raw, bool):
        return raw
    raise ValueProblem(msg("expected.true_false"), raw)


def _structure_enum(raw: object, cls: type[Enum]) -> Enum:
    try:
        return cls(raw)
    except ValueError:
        choices = ", ".join(str(m.value) for m in cls)
        raise ValueProblem(msg("expected.one_of", choices=choices), raw) from None


def _structure_bracket(raw: object, _: type) -> Bracket:
    """A band written as ``{max: 20000, required: 2}`` (min ≥, above >, max ≤, below <)."""
    if not isinstance(raw, Mapping) or "required" not in raw:
        raise ValueProblem(msg("expected.band"), raw)
    extra = set(raw) - {"min", "above", "max", "below", "required"}
    if extra or ("min" in raw and "above" in raw) or ("max" in raw and "below" in raw):
        raise ValueProblem(msg("expected.band_fields"), raw)
    lower = raw.get("min", raw.get("above"))
    upper = raw.get("max", raw.get("below"))
    return Bracket(
        required=parse_decimal(raw["required"]),
        lower=None if lower is None else parse_decimal(lower),
        lower_inclusive="above" not in raw,
        upper=None if upper is None else parse_decimal(upper),
        upper_inclusive="below" not in raw,
    )


def _unstructure_bracket(band: Bracket) -> dict[str, str]:
    data = {"required": format_decimal(band.required)}
    if band.lower is not None:
        data["min" if band.lower_inclusive else "above"] = format_decimal(band.lower)
    if band.upper is not None:
        data["max" if band.upper_inclusive else "below"] = format_decimal(band.upper)
    return data


def _unstructure_finding(converter: cattrs.Converter) -> Any:
    base = make_dict_unstructure_fn(Finding, converter)

    def unstructure(finding: Finding) -> dict[str, Any]:
        data: dict[str, Any] = base(finding)
        severity = finding.severity
        data["severity"] = severity.value if severity else None
        return data

    return unstructure


def make_converter() -> cattrs.Converter:
    """A new converter with minzheng's hooks (see the module docstring); a failure says
    which field it is in (cattrs' detailed validation)."""
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_structure_hook(date, _structure_date)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    # A StrEnum is also a str: register it by name so it does not fall to the str hook.
    converter.register_structure_hook(Enum, _structure_enum)
    converter.register_structure_hook(StrEnum, _structure_enum)
    converter.register_structure_hook(Bracket, _structure_bracket)
    converter.register_unstructure_hook(Bracket, _unstructure_bracket)
    converter.register_unstructure_hook(Decimal, format_decimal)
    converter.register_unstructure_hook(bool, lambda b: b)
    converter.register_unstructure_hook(int, str)
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_unstructure_hook(frozenset, lambda s: sorted(s))
    converter.register_unstructure_hook(
        Scores, lambda s: {k: format_decimal(v) for k, v in s.points}
    )
    converter.register_unstructure_hook(Finding, _unstructure_finding(converter))
    converter.register_unstructure_hook_func(
        lambda t: t is Mapping or getattr(t, "__origin__", None) is Mapping,
        lambda m: {
            (k.value if isinstance(k, Status) else str(k)): converter.unstructure(v)
            for k, v in m.items()
        },
    )
    return converter


@functools.cache
def get_converter() -> cattrs.Converter:
    """The shared converter (built once; converters are safe to share once configured)."""
    return make_converter()


def structure(raw: object, cls: type[T]) -> T:
    """``raw`` as a ``cls``; a failure is the shared converter's detailed error, which
    :func:`describe_error` points to the field with."""
    return get_converter().structure(raw, cls)


def to_plain(obj: object) -> Any:
    """``obj`` as JSON-ready plain data through the shared converter."""
    return get_converter().unstructure(obj)


def describe_error(
    exc: BaseException, raw: object
) -> list[tuple[str | None, str | Msg, str | Msg]]:
    """Turn a structuring error into ``(field, expected, found)`` triples.

    ``raw`` is the plain data that was being structured; the value found is looked up in
    it by the failing field's path.
    """
    if isinstance(exc, InvalidField):
        return [(exc.field, exc.expected, show(exc.found))]
    if not isinstance(exc, ClassValidationError):
        if isinstance(exc, ValueProblem):
            return [(None, exc.expected, show(exc.found))]
        return [(None, msg("expected.valid_data"), str(exc))]
    said: list[tuple[str | Msg, str | Msg, str | Msg]] = []  # what each failure says

    def saying(exc: BaseException, type_: Any) -> str:
        said.append(_said(exc, type_))
        return str(len(said) - 1)

    triples: list[tuple[str | None, str | Msg, str | Msg]] = []
    for message in cattrs.transform_error(exc, path="$", format_exception=saying):
        index, _, path = message.rpartition(" @ ")
        parts = [p for p in path.removeprefix("$").split(".") if p]
        field = ".".join(parts) or None
        name, expected, found = said[int(index)]
        if name:  # a field the failure names itself
            if found:  # a model's own validator
                triples.append((".".join([*parts, str(name)]), expected, found))
            else:  # a field that should not be there
                triples.append((str(name), expected, msg("found.field", field=str(name))))
        else:
            triples.append((field, expected, found or show(_lookup(raw, parts))))
    return triples


def _lookup(raw: object, parts: list[str]) -> object:
    for part in parts:
        if isinstance(raw, Mapping):
            raw = raw.get(part)
        elif isinstance(raw, list) and part.strip("[]").isdigit():
            index = int(part.strip("[]"))
            raw = raw[index] if index < len(raw) else None
        else:
            return None
    return raw


def _said(exc: BaseException, type_: Any) -> tuple[str | Msg, str | Msg, str | Msg]:
    """What a failure of structuring says: the field it names itself (or ``""``), what
    was expected, and what was found (``""``: the value at the failing path)."""
    if isinstance(exc, InvalidField):  # a model's own validator: it names its field
        return exc.field, exc.expected, show(exc.found)
    if isinstance(exc, ForbiddenExtraKeysError):
        return ", ".join(sorted(exc.extra_fields)), msg("expected.no_such_field"), ""
    if isinstance(exc, KeyError):
        return "", msg("expected.required_value"), msg("found.nothing")
    if isinstance(exc, ValueProblem):
        if exc.hint:
            return "", msg("problem.hint", text=exc.expected, hint=exc.hint), ""
        return "", exc.expected, ""
    if isinstance(exc, ValueError | TypeError):
        return "", str(exc), ""
    return "", msg("expected.valid_type", type=getattr(type_, "__name__", str(type_))), ""
