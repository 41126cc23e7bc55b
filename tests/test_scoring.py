"""Scoring tables and score sheets."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minzheng import Indicator, InputError, Kind, Scores
from minzheng.model.values import ValueProblem, dump_value, parse_value
from minzheng.rules.scoring import load_score_table

TABLE = """
table:
  title_zh: 测试表
  title_en: test table
  total: 100
  threshold: 90
  categories:
    - {id: a, name_zh: 甲类, name_en: A}
    - {id: b, name_zh: 乙类, name_en: B}
    - {id: plus, name_zh: 附加类, name_en: bonus, bonus: true}
  indicators:
    - {id: x, category: a, name_zh: 甲, name_en: x, max: 60}
    - {id: y, category: b, name_zh: 乙, name_en: y, max: 25}
    - {id: z, category: b, name_zh: 丙, name_en: z, max: 15}
    - {id: extra, category: plus, name_zh: 创新, name_en: extra, max: 5}
"""


def _table(tmp_path: Path, text: str = TABLE) -> Path:
    path = tmp_path / "table.yaml"
    path.write_text(text, "utf-8")
    return path


def test_a_table_loads_and_scores(tmp_path: Path) -> None:
    table = load_score_table(_table(tmp_path))
    card = table.score(
        Scores.of({"x": Decimal(55), "y": Decimal(20), "z": Decimal(15), "extra": Decimal(3)})
    )
    assert (card.base, card.bonus, card.total) == (90, 3, 93)
    assert [(i.id, gap) for i, _, gap in card.shortfalls] == [
        ("x", 5),
        ("y", 5),
    ]  # largest first, table order on ties
    assert card.valid


def test_unscored_items_bound_the_total(tmp_path: Path) -> None:
    card = load_score_table(_table(tmp_path)).score(Scores.of({"x": Decimal(50)}))
    assert [i.id for i in card.missing] == ["y", "z", "extra"]
    assert (card.base_upper, card.total_upper) == (90, 95)


def test_a_sheet_above_the_maximum_or_with_unknown_items_is_invalid(tmp_path: Path) -> None:
    card = load_score_table(_table(tmp_path)).score(Scores.of({"x": Decimal(61), "yy": Decimal(1)}))
    assert not card.valid
    assert [(i.id, p) for i, p in card.over_max] == [("x", 61)]
    assert card.unknown == (("yy", "y"),)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("max: 15}", "max: 14}"), "points of the non-bonus indicators adding up to 100, found 99"),
        (
            ("category: b, name_zh: 丙", "category: c, name_zh: 丙"),
            "indicator z: field 'category': expected one of the categories a, b, plus",
        ),
        (
            ("{id: y, category", "{id: x, category"),
            "indicator x: field 'id': expected an indicator id used once",
        ),
        (("max: 25}", "max: 0}"), "expected maximum points above 0"),
        (("threshold: 90", "threshold: 120"), "expected a threshold between 0 and 100"),
    ],
)
def test_a_bad_table_is_rejected_with_a_clear_error(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    path = _table(tmp_path, TABLE.replace(*change))
    with pytest.raises(InputError) as info:
        load_score_table(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


SCORES = Indicator("sheet", "得分", "scores", Kind.SCORES, measure="point")


def test_score_sheets_parse_from_mappings_and_csv_text() -> None:
    assert parse_value(SCORES, {"x": 7, "y": "2.5"}) == Scores.of(
        {"x": Decimal(7), "y": Decimal("2.5")}
    )
    assert parse_value(SCORES, "x=7; y=2.5") == Scores.of({"x": Decimal(7), "y": Decimal("2.5")})
    assert parse_value(SCORES, "none") == Scores.of({})
    with pytest.raises(ValueProblem, match="at least 0"):
        parse_value(SCORES, {"x": -1})
    with pytest.raises(ValueProblem, match="item=points"):
        parse_value(SCORES, "x 7")


@given(st.dictionaries(st.sampled_from(["x", "y", "z", "extra"]), st.decimals(0, 100, places=1)))
def test_score_sheets_round_trip(points: dict[str, Decimal]) -> None:
    sheet = Scores.of(points)
    assert parse_value(SCORES, dump_value(SCORES, sheet)) == sheet


@given(st.decimals(0, 60, places=1), st.decimals(0, 25, places=1), st.decimals(0, 60, places=1))
def test_raising_one_score_never_lowers_the_total(x: Decimal, y: Decimal, more: Decimal) -> None:
    from minzheng.rules.scoring import Category, ScoredItem, ScoreTable

    table = ScoreTable(
        "表",
        "t",
        (Category("a", "甲", "A"),),
        (
            ScoredItem("x", "a", "甲", "x", Decimal(60)),
            ScoredItem("y", "a", "乙", "y", Decimal(40)),
        ),
    )
    low = table.score(Scores.of({"x": x, "y": y}))
    high = table.score(Scores.of({"x": min(x + more, Decimal(60)), "y": y}))
    assert high.total >= low.total
