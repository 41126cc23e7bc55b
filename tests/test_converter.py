"""``converter.structure`` and ``describe_error``: whatever the data, either the object
or an error that names what was expected and what was found (never a crash).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minzheng import Unit
from minzheng.i18n import Msg, render
from minzheng.io.converter import describe_error, structure
from minzheng.io.files import read_structured
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


def _described(raw: object, cls: type) -> None:
    """Structure ``raw``; a failure must be described field by field, in words."""
    try:
        structure(raw, cls)
    except Exception as exc:  # what a user's file can cause: explained, not crashed on
        triples = describe_error(exc, raw)
        assert triples
        for field, expected, found in triples:
            assert field is None or isinstance(field, str)
            for said in (expected, found):  # words in both languages
                assert isinstance(said, str | Msg)
                assert render(said, "zh")
                assert render(said, "en")


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
def test_a_rule_structures_or_is_described(
    rule: dict[str, Any], drop: set[str], changes: dict[str, object]
) -> None:
    cls = RULE_KINDS[rule["kind"]]
    _described({k: v for k, v in rule.items() if k != "kind" and k not in drop} | changes, cls)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    code=st.sampled_from(["3608", "360802", "36080210", "360802001", "x"]),
    level=st.one_of(st.sampled_from(["county", "township", "village", "town"]), _VALUES),
    name=st.one_of(st.just("城关镇"), _VALUES),
    extra=st.dictionaries(st.sampled_from(["area", "type", "colour"]), _VALUES, max_size=2),
)
def test_a_unit_structures_or_is_described(
    code: str, level: object, name: object, extra: dict[str, object]
) -> None:
    _described({"code": code, "level": level, "name": name} | extra, Unit)
