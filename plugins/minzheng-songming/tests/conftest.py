"""Fixtures for the Songming pack's tests."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import minzheng_songming
import pytest

from minzheng import Engine, Finding
from minzheng.io.dataset import read_dataset
from minzheng.testing import make_registry

REGISTRY = make_registry(("songming", minzheng_songming.pack))
ENGINE = Engine(REGISTRY)
COUNTY = {"code": "530127", "name": "嵩明县", "level": "county"}


@pytest.fixture
def minzheng_plugin() -> object:
    return minzheng_songming.pack


def dataset(*units: dict[str, Any]) -> Any:
    return read_dataset(
        json.dumps({"units": list(units)}, ensure_ascii=False), "json", REGISTRY.indicators
    )


def county(**facts: Any) -> dict[str, Any]:
    return {**COUNTY, "facts": facts}


def finding(
    rule: str, *units: dict[str, Any], unit: str = "530127", on: date = date(2023, 12, 31)
) -> Finding:
    found = [
        f for f in ENGINE.iter_assess(dataset(*units), on=on) if f.rule == rule and f.unit == unit
    ]
    assert len(found) == 1, found
    return found[0]
