"""``converter.structure``: a quick converter first, the detailed one for the errors.

Whatever the data, :func:`minzheng.converter.structure` must give what the detailed
shared converter gives: the same object, or the same error described the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minzheng import Unit, converter
from minzheng._files import read_structured
from minzheng.converter import describe_error, get_converter, structure
from minzheng.rules import RULE_KINDS

DEMO_RULES: list[dict[str, Any]] = read_structured(
    Path(__file__).parent / "demo_pack" / "rules.yaml"
)["rules"]

#: Values a user might put in a field by mistake, or rightly.
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 60000),
    st.decimals(min_value=-100000, max_value=100000, places=3),
    st.sampled_from(["", ">=", "2018-12-31", "township", "x", "38%", "up"]),
    st.lists(st.sampled_from(["township", "village", "nope"]), max_size=3),
    st.fixed_dictionaries({"document": st.text(max_size=3)}),
)


def _outcome(raw: object, cls: type) -> tuple[str, object]:
    """What the detailed converter makes of ``raw``: the object, or the error described."""
    try:
        return "ok", get_converter().structure(raw, cls)
    except Exception as exc:
        return "error", (type(exc), describe_error(exc, raw))


def _quick(raw: object, cls: type) -> tuple[str, object]:
    try:
        return "ok", structure(raw, cls)
    except Exception as exc:
        return "error", (type(exc), describe_error(exc, raw))


# this shared VM stalls now and then: no deadline, and a slow draw is not a failure
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rule=st.sampled_from(DEMO_RULES),
    drop=st.sets(st.sampled_from(["id", "citation", "levels", "indicator", "comparator"])),
    changes=st.dictionaries(
        st.sampled_from(["value", "deadline", "levels", "comparator", "extra", "citation"]),
        _VALUES,
        max_size=3,
    ),
)
def test_a_rule_structures_as_the_detailed_converter_does(
    rule: dict[str, Any], drop: set[str], changes: dict[str, object]
) -> None:
    cls = RULE_KINDS[rule["kind"]]
    raw = {k: v for k, v in rule.items() if k != "kind" and k not in drop} | changes
    assert _quick(raw, cls) == _outcome(raw, cls)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    code=st.sampled_from(["3608", "360802", "36080210", "360802001", "x"]),
    level=st.one_of(st.sampled_from(["county", "township", "village", "town"]), _VALUES),
    name=st.one_of(st.just("城关镇"), _VALUES),
    extra=st.dictionaries(st.sampled_from(["area", "type", "colour"]), _VALUES, max_size=2),
)
def test_a_unit_structures_as_the_detailed_converter_does(
    code: str, level: object, name: object, extra: dict[str, object]
) -> None:
    raw = {"code": code, "level": level, "name": name} | extra
    assert _quick(raw, Unit) == _outcome(raw, Unit)


def test_valid_data_does_not_take_the_detailed_path(monkeypatch: pytest.MonkeyPatch) -> None:
    cases = [
        (RULE_KINDS[r["kind"]], {k: v for k, v in r.items() if k != "kind"}) for r in DEMO_RULES
    ]
    expected = [get_converter().structure(raw, cls) for cls, raw in cases]

    def detailed() -> None:
        raise AssertionError("valid data went through the detailed converter")

    monkeypatch.setattr(converter, "get_converter", detailed)
    assert [structure(raw, cls) for cls, raw in cases] == expected
