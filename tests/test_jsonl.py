"""JSON lines are written field by field for speed; they must stay the contract's JSON."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from minzheng import (
    Attribute,
    Citation,
    Comparator,
    Dataset,
    Engine,
    Finding,
    Part,
    Position,
    Scores,
    Status,
    Trajectory,
)
from minzheng.render import finding_to_json, finding_to_json_line, write_jsonl

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
decimals = st.decimals(allow_nan=False, allow_infinity=False, places=3)
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    decimals,
    text,
    st.frozensets(st.sampled_from(["phone", "desk", "sign"])),
    st.builds(
        Scores.of, st.dictionaries(st.sampled_from(["a", "b"]), st.decimals(0, 10, places=1))
    ),
)
citations = st.builds(Citation, text, text, text, text)
parts = st.builds(Part, text, text, text, values, values, st.none() | decimals, text, text)
trajectories = st.builds(
    Trajectory,
    st.integers(2000, 2030),
    decimals,
    st.integers(2000, 2030),
    decimals,
    st.integers(2000, 2030),
    decimals,
    st.none() | decimals,
    st.none() | st.sampled_from(Position),
)


def _findings(**fixed: st.SearchStrategy[Any]) -> st.SearchStrategy[Finding]:
    """Findings with every field drawn at random, but those ``fixed``."""
    fields: dict[str, st.SearchStrategy[Any]] = {
        "pack": text,
        "rule": text,
        "unit": text,
        "status": st.sampled_from(Status),
        "message_zh": text,
        "message_en": text,
        "actual": values,
        "required": values,
        "comparator": st.none() | st.sampled_from(Comparator),
        "gap": st.none() | decimals,
        "measure": text,
        "deadline": st.none() | st.dates(date(2000, 1, 1), date(2040, 12, 31)),
        "citation": st.none() | citations,
        "attribute": st.sampled_from(Attribute),
        "due": st.none() | st.booleans(),
        "period": st.none() | text,
        "missing": st.lists(text, max_size=3).map(tuple),
        "details": st.lists(text, max_size=3).map(tuple),
        "trajectory": st.none() | trajectories,
        "parts": st.lists(parts, max_size=2).map(tuple),
    }
    return st.builds(Finding, **{**fields, **fixed})


findings = _findings()


@given(findings)
def test_a_line_is_the_findings_json(finding: Finding) -> None:
    line = finding_to_json_line(finding)
    assert line == json.dumps(finding_to_json(finding), ensure_ascii=False)
    assert "\n" not in line


def test_jsonl_of_the_demo_is_the_json_of_its_findings(engine: Engine, demo: Dataset) -> None:
    found = list(engine.iter_assess(demo))
    out = io.StringIO()
    assert write_jsonl(found, out) == len(found)
    lines = out.getvalue().splitlines()
    assert lines == [json.dumps(finding_to_json(f), ensure_ascii=False) for f in found]
    assert {json.loads(line)["status"] for line in lines} >= {"met", "not_met"}
    citations = {line.split('"citation": ')[1].split(', "attribute"')[0] for line in lines}
    assert len(citations) > 1  # each rule's own, though each is encoded once


#: Findings that share packs, rules, citations and deadlines, as a run's do, so that the
#: writer's remembered pieces (a rule's head, its citation and deadline) are reused.
shared_findings = _findings(
    pack=st.sampled_from(["jian", "songming"]),
    rule=st.sampled_from(["J-a", "J-b"]),
    measure=st.sampled_from(["", "person", "%"]),
    deadline=st.sampled_from([None, date(2018, 12, 31), date(2020, 6, 30)]),
    citation=st.none()
    | st.shared(citations, key="the run's citation")
    | st.just(Citation("d", "一(一)", "原文", "题")),
)


@given(st.lists(shared_findings, max_size=12))
def test_lines_of_a_run_are_each_findings_json(found: list[Finding]) -> None:
    out = io.StringIO()
    assert write_jsonl(found, out) == len(found)
    assert out.getvalue() == "".join(
        json.dumps(finding_to_json(f), ensure_ascii=False) + "\n" for f in found
    )


def test_a_citation_is_remembered_by_identity_not_by_a_reused_id() -> None:
    """The writer keys a rule's citation by its id; an id can be reused once a citation
    is gone, so an entry left by another citation object must not be used."""
    from minzheng.render import _LineEncoder

    new = Citation("d", "二", "新原文", "题")
    finding = Finding("p", "r", "u", Status.MET, "好", "ok", citation=new)
    encoder = _LineEncoder()
    stale = Finding("p", "r", "u", Status.MET, "好", "ok", citation=Citation("d", "一", "旧", "题"))
    encoder.line(stale)
    [(key, entry)] = encoder._middles.items()
    encoder._middles = {(*key[:2], id(new), *key[3:]): entry}  # as if the id were reused
    assert encoder.line(finding) == json.dumps(finding_to_json(finding), ensure_ascii=False)
