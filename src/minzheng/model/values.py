"""Reading and writing fact values and periods, exactly.

A dataset file says ``38%``, ``"1‰"``, ``23000`` or ``[phone, computer]``; this module
turns such raw values into the Python value an :class:`~minzheng.model.Indicator`
declares, or raises :class:`ValueProblem` saying what was expected and what was found.
It never goes through binary floating point.

Percentages and per-mille values (:attr:`Kind.RATE <minzheng.model.Kind.RATE>`) are
stored in the indicator's declared measure (``%`` or ``‰``). A value with its sign
(``"38%"``, ``"0.5‰"``) is always clear and is converted exactly. A bare number is read
in the declared measure only when it cannot be misread: ``0``, or a number greater than
1 (``38`` for a ``%`` indicator is 38 %). A bare number between 0 and 1 inclusive
could be a fraction (0.38 = 38 %) or a tiny rate (0.38 %), so it is refused with a hint.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from minzheng.errors import shorten
from minzheng.i18n import Msg, msg
from minzheng.model import Indicator, Kind, Scores, Value, measure_plural

__all__ = [
    "ValueProblem",
    "closest",
    "dump_value",
    "format_decimal",
    "format_quantity",
    "parse_decimal",
    "parse_period",
    "parse_value",
    "period_end",
    "period_year",
    "show",
    "tidy",
    "value_as_of",
    "value_of_text",
    "value_text",
]


def show(value: object) -> str:
    """A value as a message shows it: text quoted, numbers as written, no Python reprs."""
    if isinstance(value, Scores):
        return repr({k: format(v, "f") for k, v in value.points})
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return repr(sorted(value))
    return repr(value)


def tidy(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent (``98.00`` → ``98``)."""
    text = format(value.normalize(), "f")
    return text


class ValueProblem(ValueError):
    """A raw value that does not fit: what was expected and what was found."""

    def __init__(self, expected: str | Msg, found: object, hint: str | Msg = "") -> None:
        self.expected = expected
        self.found = found
        self.hint = hint
        text = f"expected {expected}, found {show(found)}"
        super().__init__(f"{text}; {hint}" if hint else text)


#: Beyond this many candidates "did you mean" looks only at those that begin as the
#: word does (a unit code among 600,000: those of its county), so that a file of
#: misspelt codes is reported in seconds, not hours.
_MANY = 2000


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``word`` (for "did you mean"), if one is close enough."""
    pool = list(candidates)
    if len(pool) > _MANY:
        start = word[: max(1, len(word) // 2)]
        pool = [c for c in pool if c.startswith(start)][:_MANY]
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    return matches[0] if matches else None


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_TRUE = {"true", "yes", "y", "是", "有"}
_FALSE = {"false", "no", "n", "否", "无"}
_ITEM_SEPARATORS = re.compile(r"[;；、,，]")
#: How a cell says "none of the items" (in CSV an empty cell means "not known").
_NO_ITEMS = {"none", "无", "-"}


#: The most digits a number may have written out (integer part and fraction): no value
#: can make exact arithmetic run for ever or overflow the engine's 38-digit decimals.
MAX_DIGITS = 30


def digits_of(number: str) -> int:
    """How many digits ``number`` (the text of an integer or a decimal, maybe with an
    exponent) has when written out without one: ``"1.5e3"`` → 4, ``"0.001"`` → 4.

    Counted on the text, without building the number: ``1e999999999`` is not made."""
    text = number.strip().lstrip("+-").replace("_", "").lower()
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    try:
        shift = int(exponent) if exponent else 0
    except ValueError:
        return len(text)  # not a number at all: the caller's parser says so
    whole = whole.lstrip("0")
    point = len(whole) + shift  # digits before the point, written out
    return max(point, 1) + max(len(whole) + len(fraction) - point, 0)


def too_many_digits(number: str) -> bool:
    """Whether ``number`` has more than ``MAX_DIGITS`` digits written out."""
    if len(number) <= MAX_DIGITS and "e" not in number.lower():
        return False
    return digits_of(number) > MAX_DIGITS


#: Integers of more bits than this have more than MAX_DIGITS digits.
_MAX_BITS = (10**MAX_DIGITS).bit_length()


def _check_size(raw: object) -> None:
    """Refuse a number of more than ``MAX_DIGITS`` digits, judged on its text (or
    an integer's bits) before any conversion: ``1e999999999`` is never made."""
    if isinstance(raw, int):  # str() of a huge integer is itself refused by Python
        big, shown = raw.bit_length() > _MAX_BITS, f"an integer of {raw.bit_length()} bits"
    elif isinstance(raw, Decimal | str):
        big, shown = too_many_digits(str(raw).strip()), shorten(str(raw))
    else:
        return
    if big:
        raise ValueProblem(msg("expected.digits_at_most", digits=MAX_DIGITS), shown)


def parse_decimal(raw: object) -> Decimal:
    """An exact decimal from an int, a Decimal or a plain decimal string.

    Floats are refused: they may already have lost the value the file meant.
    """
    if isinstance(raw, bool):
        raise ValueProblem(msg("expected.number"), raw)
    _check_size(raw)
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ValueProblem(msg("expected.finite_number"), raw)
        return raw.copy_abs() if raw.is_zero() else raw
    if isinstance(raw, str):
        text = raw.strip()
        if _THOUSANDS.match(text):  # "23,000" as spreadsheets write it
            text = text.replace(",", "")
        if _NUMBER.match(text):
            try:
                number = Decimal(text)
            except InvalidOperation:  # pragma: no cover - the pattern admits only valid text
                pass
            else:  # "-0" is zero: no sign to carry into a message or a product
                return number.copy_abs() if number.is_zero() else number
    raise ValueProblem(msg("expected.number"), raw)


def format_decimal(value: Decimal | int) -> str:
    """A decimal as plain text without exponent, keeping its exact digits."""
    text = str(value)  # the same as format(value, "f") unless it has an exponent
    return format(value, "f") if "E" in text else text


def format_quantity(value: Decimal | int, measure: str) -> str:
    """A number with its unit of measure, as messages write it, in either language:
    ``"2 people"``, ``"1 person"``, ``"2.5 yuan"``, ``"38%"``, ``"2 人"``.

    An English measure after any number but 1 is written in the plural
    (:func:`~minzheng.model.measure_plural`); ``%`` and ``‰`` follow the number
    without a space. A Chinese measure has no plural and is written as it is.
    """
    shown = format_decimal(value)
    return shown + after_number(measure if shown == "1" else measure_plural(measure))


def after_number(measure: str) -> str:
    """What follows a number for ``measure``: ``" person"``, ``" 人"``, ``"%"`` (no
    space), or nothing for no measure. (No plural: see :func:`format_quantity`.)"""
    return measure if measure in ("", "%", "‰") else f" {measure}"


def _check_range(indicator: Indicator, value: Decimal | int, shown: object) -> None:
    lo, hi = indicator.minimum, indicator.maximum
    measure = indicator.measure if indicator.kind is Kind.RATE else ""
    if lo is not None and value < lo:
        raise ValueProblem(
            msg("expected.at_least", value=format_decimal(lo), measure=measure), shown
        )
    if hi is not None and value > hi:
        raise ValueProblem(
            msg("expected.at_most", value=format_decimal(hi), measure=measure), shown
        )


def _parse_rate(indicator: Indicator, raw: object) -> Decimal:
    declared = indicator.measure
    if isinstance(raw, str) and raw.strip().endswith(("%", "‰", "％")):
        text = raw.strip()
        sign = "‰" if text.endswith("‰") else "%"
        number = parse_decimal(text[:-1])
        if sign == declared:
            value = number
        elif sign == "%":  # given in per cent, declared per mille
            value = number * 10
        else:  # given per mille, declared per cent
            value = number / 10
        _check_range(indicator, value, raw)
        return value
    try:
        number = parse_decimal(raw)
    except ValueProblem:
        raise ValueProblem(msg("expected.rate_like", measure=declared), raw) from None
    if 0 < number <= 1:
        raise ValueProblem(
            msg(
                "expected.rate_signed",
                percent=tidy(number * 100),
                value=tidy(number),
                measure=declared,
            ),
            raw,
            msg("hint.ambiguous_rate"),
        )
    _check_range(indicator, number, raw)
    return number


def _parse_count(indicator: Indicator, raw: object) -> int:
    if type(raw) is str and raw.isascii() and raw.isdigit() and len(raw) <= MAX_DIGITS:  # fast
        raw = int(raw)
    if (
        type(raw) is int
        and (indicator.maximum is None or raw <= indicator.maximum)
        and (indicator.minimum is None or raw >= indicator.minimum)
    ):
        return raw
    try:
        number = parse_decimal(raw)
    except ValueProblem:
        raise ValueProblem(msg("expected.whole_number"), raw) from None
    if number != number.to_integral_value():
        raise ValueProblem(msg("expected.whole_number"), raw)
    _check_range(indicator, number, raw)
    return int(number)


def _parse_flag(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        text = raw.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise ValueProblem(msg("expected.yes_no"), raw)


def _parse_items(indicator: Indicator, raw: object) -> frozenset[str]:
    if isinstance(raw, str):
        text = raw.strip()
        empty = not text or text.lower() in _NO_ITEMS
        parts = [] if empty else [p.strip() for p in _ITEM_SEPARATORS.split(text)]
    elif isinstance(raw, list | tuple | set | frozenset):
        parts = list(raw)
    else:
        raise ValueProblem(msg("expected.item_list"), raw)
    return frozenset(_item_id(indicator, part) for part in parts)


def _item_id(indicator: Indicator, written: object) -> str:
    """The id of the checklist item ``written`` names: its id (``document_camera``),
    its Chinese name (``高拍仪``) or its English name in any case (``Document camera``),
    as a bureau clerk may type any of them."""
    if isinstance(written, str):
        if indicator.item(written) is not None:
            return written
        found = _item_names(indicator).get(written.strip().casefold())
        if found is not None:
            return found
    known = [i.id for i in indicator.items]
    guess = closest(str(written), [*known, *(i.name_zh for i in indicator.items)])
    raise ValueProblem(
        msg("expected.one_item", items=", ".join(f"{i.id} ({i.name_zh})" for i in indicator.items)),
        written,
        msg("hint.did_you_mean", guess=guess) if guess else "",
    )


@functools.lru_cache(maxsize=256)
def _item_names(indicator: Indicator) -> dict[str, str]:
    """Each item's id, Chinese and English names (case-folded) → its id."""
    names: dict[str, str] = {}
    for item in indicator.items:
        for name in (item.id, item.name_zh, item.name_en):
            names.setdefault(name.strip().casefold(), item.id)
    return names


def _parse_scores(indicator: Indicator, raw: object) -> Scores:
    if isinstance(raw, str) and raw.strip().lower() in _NO_ITEMS:
        raw = {}
    if isinstance(raw, str):  # CSV: "assistance=12; welfare=10.5"
        pairs: dict[str, object] = {}
        for part in (p.strip() for p in re.split(r"[;；]", raw) if p.strip()):
            key, sep, number = part.partition("=")
            if not sep:
                raise ValueProblem(msg("expected.scores_text"), raw)
            pairs[key.strip()] = number.strip()
        raw = pairs
    if not isinstance(raw, dict):
        raise ValueProblem(msg("expected.scores_mapping"), raw)
    known = [i.id for i in indicator.items]
    points: dict[str, Decimal] = {}
    for key, value in raw.items():
        if not isinstance(key, str):
            raise ValueProblem(msg("expected.item_ids"), key)
        if known:
            key = _item_id(indicator, key)
        try:
            number = parse_decimal(value)
        except ValueProblem:
            raise ValueProblem(msg("expected.points_for", item=key), value) from None
        if number < 0:
            raise ValueProblem(msg("expected.points_nonnegative", item=key), value)
        points[key] = number
    return Scores.of(points)


def parse_value(indicator: Indicator, raw: object) -> Value:
    """Turn a raw value from a file into the value ``indicator`` declares.

    Raises :class:`ValueProblem` when the value does not fit its kind or range.
    """
    match indicator.kind:
        case Kind.COUNT:
            return _parse_count(indicator, raw)
        case Kind.AMOUNT:
            number = parse_decimal(raw)
            _check_range(indicator, number, raw)
            return number
        case Kind.RATE:
            return _parse_rate(indicator, raw)
        case Kind.FLAG:
            return _parse_flag(raw)
        case Kind.ITEMS:
            return _parse_items(indicator, raw)
        case Kind.TEXT:
            if isinstance(raw, str | int) and not isinstance(raw, bool):
                return str(raw)
            raise ValueProblem(msg("expected.text"), raw)
        case Kind.SCORES:
            return _parse_scores(indicator, raw)


def dump_value(indicator: Indicator, value: Value) -> Any:
    """The plain (JSON/YAML-ready) form of a value, which :func:`parse_value` reads back.

    Numbers become strings of exact decimals; rates carry their sign (``"38%"``).
    """
    match indicator.kind:
        case Kind.COUNT:
            return value
        case Kind.AMOUNT:
            assert isinstance(value, Decimal)
            return format_decimal(value)
        case Kind.RATE:
            assert isinstance(value, Decimal)
            return f"{format_decimal(value)}{indicator.measure}"
        case Kind.FLAG | Kind.TEXT:
            return value
        case Kind.ITEMS:
            assert isinstance(value, frozenset)
            return sorted(value)
        case Kind.SCORES:
            assert isinstance(value, Scores)
            return {k: format_decimal(v) for k, v in value.points}


_YEAR = re.compile(r"^\d{4}$")


def parse_period(raw: object) -> str:
    """A period as canonical text: a year (``"2018"``) or a day (``"2018-06-30"``)."""
    if isinstance(raw, str | int) and not isinstance(raw, bool):
        return _parse_period_cached(raw)
    return _parse_period(raw)


@functools.lru_cache(maxsize=1024)
def _parse_period_cached(raw: str | int) -> str:
    return _parse_period(raw)


def _parse_period(raw: object) -> str:
    if isinstance(raw, datetime):  # a period is a year or a day, not a moment
        return _bad_period(raw)
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if isinstance(raw, str):
        text = raw.strip()
        if _YEAR.match(text) and 1900 <= int(text) <= 2200:
            return text
        try:
            return date.fromisoformat(text).isoformat() if len(text) == 10 else _bad_period(raw)
        except ValueError:
            pass
    return _bad_period(raw)


def _bad_period(raw: object) -> str:
    raise ValueProblem(msg("expected.period"), raw)


def period_end(period: str) -> date:
    """The last day a period covers: 31 December for a year, the day itself otherwise."""
    if len(period) == 4:
        return date(int(period), 12, 31)
    return date.fromisoformat(period)


def period_year(period: str) -> int:
    """The calendar year a period falls in."""
    return int(period[:4])


def value_as_of(periods: Mapping[str | None, Value], on: date) -> tuple[str | None, Value] | None:
    """``(period, value)`` of one fact's values (period → value) as of ``on``: the
    latest period ending on or before it, else the undated value, else ``None``."""
    if len(periods) == 1:  # the common case
        [(period, value)] = periods.items()
        if period is None or period_end(period) <= on:
            return period, value
        return None
    best: str | None = None
    best_end: date | None = None
    for period in periods:
        if period is None:
            continue
        end = period_end(period)
        if end <= on and (best_end is None or end > best_end):
            best, best_end = period, end
    if best is not None:
        return best, periods[best]
    if None in periods:
        return None, periods[None]
    return None


def value_text(indicator: Indicator, value: Value) -> str:
    """A value in the facts table's canonical text (see the module's docstring)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return format_decimal(value)
    if isinstance(value, frozenset):
        return ";".join(sorted(value))
    if isinstance(value, Scores):
        return ";".join(f"{k}={format_decimal(v)}" for k, v in value.points)
    return value


def value_of_text(indicator: Indicator, text: str) -> Value:
    """The value a canonical text stands for (the inverse of :func:`value_text`)."""
    match indicator.kind:
        case Kind.COUNT:
            return int(text)
        case Kind.AMOUNT | Kind.RATE:
            return Decimal(text)
        case Kind.FLAG:
            return text == "true"
        case Kind.ITEMS:
            return frozenset(text.split(";")) if text else frozenset()
        case Kind.SCORES:
            pairs = (p.partition("=") for p in text.split(";") if p)
            return Scores.of({k: Decimal(v) for k, _, v in pairs})
        case _:
            return text
