"""Shared fixtures: the invented demo pack and its dataset."""

from __future__ import annotations

from pathlib import Path

import pytest

import demo_pack
from minzheng import Dataset, Engine, Registry, load_dataset, write_dataset
from minzheng.testing import make_registry

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _english_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands speak English unless a test asks for ``--lang zh``, whatever the
    locale of the machine running the tests."""
    monkeypatch.setenv("MINZHENG_LANG", "en")


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


@pytest.fixture
def jian_csv(tmp_path: Path) -> Path:
    """The Ji'an sample dataset (13 counties) as a CSV folder, for the installed packs."""
    installed = Registry.discover()
    if "jian" not in installed.packs:
        pytest.skip("the Ji'an pack is not installed (nox -s tests installs it)")
    root = Path(__file__).resolve().parents[1]
    dataset = load_dataset(root / "examples" / "jian-2018.yaml", installed.indicators)
    folder = tmp_path / "jian"
    write_dataset(dataset, folder, installed.indicators)
    return folder
