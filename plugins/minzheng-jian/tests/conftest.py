"""Fixtures for the Ji'an pack's tests: the pack under test and a dataset builder."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import minzheng_jian
import pytest

from minzheng import Dataset, Engine, Finding, Registry
from minzheng.io.dataset import read_dataset


@pytest.fixture
def minzheng_plugin() -> object:
    """The pack under test, for minzheng.testing's fixtures."""
    return minzheng_jian.pack


Check = Callable[..., Finding]


@pytest.fixture
def check(minzheng_registry: Registry, minzheng_engine: Engine) -> Check:
    """``check(rule, unit_dict, *other_units, on=date)`` → the rule's one finding on the
    first unit."""

    def run(
        rule: str, unit: dict[str, Any], *others: dict[str, Any], on: date = date(2018, 12, 31)
    ) -> Finding:
        data = {"units": [*others, unit]}
        dataset = read_dataset(
            json.dumps(data, ensure_ascii=False), "json", minzheng_registry.indicators
        )
        found = [
            f
            for f in minzheng_engine.iter_assess(dataset, on=on)
            if f.rule == rule and f.unit == unit["code"]
        ]
        assert len(found) == 1, found
        return found[0]

    return run


def dataset_of(registry: Registry, *units: dict[str, Any]) -> Dataset:
    return read_dataset(
        json.dumps({"units": list(units)}, ensure_ascii=False), "json", registry.indicators
    )
