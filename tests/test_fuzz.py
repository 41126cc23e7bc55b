"""Fuzzing the loaders: whatever text or structure they are given, they either load it
or raise one of the project's documented errors (:class:`~minzheng.errors.InputError`
and its :class:`~minzheng.errors.DatasetError`) — never another exception, never a hang.

Bounded for CI: each property has a small example budget and a time limit of its own.
``nox -s fuzz`` runs the same properties far longer (``MINZHENG_FUZZ=long``).
"""

from __future__ import annotations

import functools
import json
import os
import string
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minzheng import Registry
from minzheng.errors import InputError
from minzheng.io.dataset import read_dataset
from minzheng.io.files import parse_json, parse_yaml
from minzheng.io.tables import read_tables

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=5000, deadline=None, suppress_health_check=list(HealthCheck)
)
FUZZ = settings.get_profile("long" if os.environ.get("MINZHENG_FUZZ") == "long" else "ci")

#: Pieces of YAML and JSON that have broken loaders before: aliases, tags, odd numbers,
#: dates, keys given twice, deep brackets, control characters, surrogate escapes.
_YAML_BITS = [
    "units:", "- ", "code: ", "'3608'", "name: ", "level: ", "county", "facts:", "as_of: ",
    "2018-02-30", "2018-12-31 10:00:00", "&a ", "*a", "<<: *a", "!!python/object:os.system",
    "1.0e+999999999", "9" * 60, "-.inf", ".nan", "0x1F", "0o17", "1_000", "[", "]", "{", "}",
    ": ", ", ", "\n", "  ", "\t", '"\\ud800"', "\x1b", "~", "null", "yes", "2018.5", "|",
    ">-", "#", "---", "...", "?", "%YAML 1.1",
]  # fmt: skip
_JSON_BITS = [
    "{", "}", "[", "]", ",", ":", '"units"', '"code"', '"3608"', '"level"', '"county"',
    '"facts"', "1e999999999", "9" * 60, "-0", "0.1", "NaN", "Infinity", "true", "null",
    '"\\ud800"', '"\\udc00\\ud800"', '"as_of"', '"2018-02-30"', " ", "\n", '"\\u001b"',
]  # fmt: skip


def _documented(call: object) -> None:
    """Call, letting only the documented input errors through; each of their problems
    names its file and is one line in either language."""
    try:
        call()  # type: ignore[operator]
    except InputError as exc:
        problems = exc.problems
    else:
        return
    for problem in problems:
        assert problem.file
        assert "\n" not in problem.render("en")
        assert "\n" not in problem.render("zh")


@FUZZ
@given(st.lists(st.sampled_from(_YAML_BITS) | st.text(max_size=8), max_size=40).map("".join))
def test_any_yaml_text_loads_or_is_a_documented_error(text: str) -> None:
    _documented(lambda: parse_yaml(text, "fuzz.yaml"))
    _documented(lambda: parse_yaml(text, "fuzz.yaml", aliases=False))


@FUZZ
@given(st.lists(st.sampled_from(_JSON_BITS) | st.text(max_size=6), max_size=40).map("".join))
def test_any_json_text_loads_or_is_a_documented_error(text: str) -> None:
    _documented(lambda: parse_json(text, "fuzz.json"))


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**40), 10**40)
    | st.decimals(allow_nan=True, allow_infinity=True, places=None)
    | st.text(max_size=12)
    | st.dates().map(str)
    | st.sampled_from(["2018", "2018.5", "2018-06-30", "none", "是", "38%", "0.5‰", "=1+1"])
)
_INDICATORS = ["office_staff", "registered_population", "cremation_rate", "nope", "code"]
_FACTS = st.dictionaries(
    st.sampled_from(_INDICATORS) | st.text(max_size=6),
    _SCALARS
    | st.dictionaries(st.sampled_from([2017, 2018, "2018-06-30", "2018.5", "x"]), _SCALARS)
    | st.lists(_SCALARS, max_size=3),
    max_size=4,
)
_UNITS = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "code": st.sampled_from(["3608", "360802", "36080201", "x", ""]) | st.text(max_size=9),
            "name": st.text(max_size=6),
            "level": st.sampled_from(["prefecture", "county", "township", "village", "x"]),
            "parent": st.sampled_from(["3608", "360802", "nope"]),
            "area": st.sampled_from(["urban", "rural", "城市", "x"]),
            "facts": _FACTS,
        },
    ),
    max_size=5,
)
_DATASETS = st.fixed_dictionaries(
    {"units": _UNITS},
    optional={"as_of": _SCALARS, "name": _SCALARS, "note": _SCALARS, "extra": _SCALARS},
)


def _json_text(data: object) -> str:
    def default(value: object) -> object:
        return str(value) if isinstance(value, Decimal) else repr(value)

    return json.dumps(data, default=default, ensure_ascii=False)


@functools.cache
def _indicators() -> dict[str, object]:
    """The installed indicators (not a fixture: Hypothesis would print them whole)."""
    return dict(Registry.discover().indicators)


@FUZZ
@given(_DATASETS)
def test_any_structured_dataset_loads_or_is_a_dataset_error(data: dict[str, object]) -> None:
    indicators = _indicators()
    text = _json_text(data)  # JSON is YAML too
    for fmt in ("json", "yaml"):
        _documented(lambda fmt=fmt: read_dataset(text, fmt, indicators, label=f"fuzz.{fmt}"))  # type: ignore[arg-type, misc]


_CELL = st.sampled_from(
    ["3608", "360802", "county", "office_staff", "2018", "2018.5", "3", "x", '"', '"a,b"',
     "", " ", "\x1b", "1e999", "9" * 50, "是"]
) | st.text(alphabet=string.printable, max_size=5)  # fmt: skip
_ROWS = st.lists(st.lists(_CELL, min_size=1, max_size=6), max_size=6)


@FUZZ
@given(units=_ROWS, facts=_ROWS)
def test_any_csv_folder_loads_or_is_a_dataset_error(
    tmp_path_factory: pytest.TempPathFactory,
    units: list[list[str]],
    facts: list[list[str]],
) -> None:
    folder: Path = tmp_path_factory.mktemp("csv")
    header_units = "code,name,level,parent\n"
    header_facts = "unit,indicator,period,value\n"
    (folder / "units.csv").write_text(header_units + "\n".join(",".join(r) for r in units), "utf-8")
    (folder / "facts.csv").write_text(header_facts + "\n".join(",".join(r) for r in facts), "utf-8")
    _documented(lambda: read_tables(folder, _indicators()))  # type: ignore[arg-type]
