"""Fixtures for the Yancheng pack's tests."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import minzheng_yancheng
import pytest

from minzheng import Engine, Finding
from minzheng.io.dataset import read_dataset
from minzheng.rules.scoring import ScoreTable
from minzheng.testing import make_registry

REGISTRY = make_registry(("yancheng", minzheng_yancheng.pack))
ENGINE = Engine(REGISTRY)
CITY = {"code": "3209", "name": "盐城市", "level": "prefecture"}
COUNTIES = [
    ("320902", "亭湖区"), ("320903", "盐都区"), ("320904", "大丰区"), ("320921", "响水县"), ("320922", "滨海县"),
    ("320923", "阜宁县"), ("320924", "射阳县"), ("320925", "建湖县"), ("320981", "东台市"),
]  # fmt: skip


@pytest.fixture
def minzheng_plugin() -> object:
    return minzheng_yancheng.pack


def table() -> ScoreTable:
    return minzheng_yancheng.default_table()


def full_marks(bonus: Decimal = Decimal(0)) -> dict[str, Decimal]:
    t = table()
    sheet = {i.id: i.max for i in t.indicators if not t.is_bonus(i)}
    sheet["innovation"] = bonus
    return sheet


def with_total(total: Decimal, bonus: Decimal = Decimal(0)) -> dict[str, Decimal]:
    """A sheet whose base points add up to ``total``: the shortfall is taken from
    satisfaction first, then from the other indicators in table order."""
    sheet = full_marks(bonus)
    short = Decimal(100) - total
    for item in ["satisfaction", *(i for i in sheet if i not in ("satisfaction", "innovation"))]:
        cut = min(short, sheet[item])
        sheet[item] -= cut
        short -= cut
    return sheet


def county(code: str = "320902", **facts: Any) -> dict[str, Any]:
    name = dict(COUNTIES)[code]
    return {"code": code, "name": name, "level": "county", "facts": facts}


def dataset(*units: dict[str, Any]) -> Any:
    text = json.dumps({"units": list(units)}, ensure_ascii=False, default=str)
    return read_dataset(text, "json", REGISTRY.indicators)


def finding(
    rule: str, *units: dict[str, Any], unit: str, on: date = date(2017, 12, 31), options: Any = None
) -> Finding:
    found = [
        f
        for f in Engine(REGISTRY, options=options).iter_assess(dataset(*units), on=on)
        if f.rule == rule and f.unit == unit
    ]
    assert len(found) == 1, found
    return found[0]
