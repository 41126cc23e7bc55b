"""Shared fixtures: the invented demo pack and its dataset."""

from __future__ import annotations

from pathlib import Path

import pytest

import demo_pack
from minzheng import Dataset, Engine, Registry, load_dataset
from minzheng.testing import make_registry

DATA = Path(__file__).parent / "data"


@pytest.fixture
def registry() -> Registry:
    """The core pack and the demo pack, nothing installed."""
    return make_registry(("demo", demo_pack))


@pytest.fixture
def engine(registry: Registry) -> Engine:
    return Engine(registry)


@pytest.fixture
def demo(registry: Registry) -> Dataset:
    return load_dataset(DATA / "demo.yaml", registry.indicators)
