"""The plugin registry: discovery, isolation of broken plugins, conflicts, blocking."""

from __future__ import annotations

import importlib.metadata
from typing import Any

import pytest

import demo_pack
import minzheng.packs.registry
from broken_packs import bad_rule, conflicting, misspelled, raises
from minzheng import Registry
from minzheng.errors import MessageError, UnknownNameError
from minzheng.packs.registry import disabled_from_env
from minzheng.testing import make_registry


def test_builtin_core_pack_registers_through_the_same_hooks() -> None:
    registry = make_registry()
    core = registry.pack("core")
    assert core.hooks == ("minzheng_pack", "minzheng_indicators")
    assert {"registered_population", "resident_population"} <= set(registry.indicators)
    assert registry.indicator_owner("resident_population") == "core"


def test_a_pack_loads_with_its_rules(registry: Registry) -> None:
    demo = registry.pack("demo")
    assert demo.info.version == "0.0.1"
    assert "D-staff" in [r.id for r in demo.rules]
    pack, rule = registry.rule("D-carers")
    assert (pack.name, rule.id) == ("demo", "D-carers")


def test_a_plugin_that_raises_in_a_hook_is_reported_and_the_others_load() -> None:
    registry = make_registry(("raises", raises), ("demo", demo_pack))
    assert "demo" in registry.packs
    assert "raises" not in registry.packs
    [error] = registry.errors
    assert error.plugin == "raises"
    assert error.stage == "minzheng_rules"
    assert "boom in minzheng_rules" in error.message
    assert "raises.py" in error.message  # where it happened


def test_a_misspelled_hook_is_an_error() -> None:
    registry = make_registry(("misspelled", misspelled), ("demo", demo_pack))
    assert "misspelled" not in registry.packs
    [error] = registry.errors
    assert (error.plugin, error.stage) == ("misspelled", "register")
    assert "minzheng_rule" in error.message
    # the good pack was not unregistered along with it
    assert registry.pm.get_plugin("demo") is demo_pack


def test_an_indicator_declared_differently_is_a_clear_error() -> None:
    registry = make_registry(("conflicting", conflicting))
    [error] = registry.errors
    assert error.stage == "conflict"
    assert (
        "declares indicator 'registered_population' differently from pack 'core'" in error.message
    )
    assert "kind" in error.message
    assert "measure" in error.message
    # the core's declaration stands
    assert registry.indicators["registered_population"].measure == "person"


def test_the_same_indicator_declared_equally_is_fine() -> None:
    class Again:
        minzheng_pack = staticmethod(
            lambda: minzheng.PackInfo(name="again", title_zh="再", title_en="again")
        )
        minzheng_indicators = staticmethod(
            lambda: [make_registry().indicators["resident_population"]]
        )

    import minzheng

    registry = make_registry(("again", Again()))
    assert not registry.errors
    assert "again" in registry.packs


def test_a_rule_id_used_by_two_packs_loads_both_named_by_pack() -> None:
    class Copy:
        minzheng_pack = staticmethod(
            lambda: minzheng.PackInfo(name="copy", title_zh="抄", title_en="copy")
        )
        minzheng_rules = staticmethod(
            lambda: [make_registry(("demo", demo_pack)).pack("demo").rules[0]]
        )

    import minzheng

    for order in ((("demo", demo_pack), ("copy", Copy())), (("copy", Copy()), ("demo", demo_pack))):
        registry = make_registry(*order)
        assert not registry.errors
        assert {"demo", "copy"} <= set(registry.packs)
        with pytest.raises(MessageError, match="copy:D-staff, demo:D-staff"):
            registry.rule("D-staff")
        assert registry.rule("copy:D-staff")[0].name == "copy"
        assert registry.rule("demo:D-staff")[0].name == "demo"
        assert registry.rule("D-carers")[0].name == "demo"  # unique: no pack needed


def test_a_hook_returning_the_wrong_type_is_refused() -> None:
    class Wrong:
        minzheng_pack = staticmethod(lambda: "not a PackInfo")

    registry = make_registry(("wrong", Wrong()))
    [error] = registry.errors
    assert "expected one PackInfo" in error.message


class _EntryPoint:
    """Stands in for an installed distribution's entry point."""

    def __init__(self, name: str, target: str) -> None:
        self.name = name
        self._ep = importlib.metadata.EntryPoint(name, target, "minzheng")
        self.dist = None

    def load(self) -> Any:
        return self._ep.load()


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A good pack, one that fails to import and one whose hook raises, 'installed'."""
    points = [
        _EntryPoint("demo", "demo_pack"),
        _EntryPoint("broken", "broken_packs.import_error"),
        _EntryPoint("raises", "broken_packs.raises"),
        _EntryPoint("badrule", "broken_packs.bad_rule"),
    ]

    def entry_points(*, group: str) -> list[_EntryPoint]:
        assert group == "minzheng"
        return points

    monkeypatch.setattr(minzheng.packs.registry.importlib.metadata, "entry_points", entry_points)
    monkeypatch.delenv("MINZHENG_DISABLE_PLUGINS", raising=False)


@pytest.mark.usefixtures("installed")
def test_discovery_isolates_broken_plugins() -> None:
    registry = Registry.discover()
    assert sorted(registry.packs) == ["badrule", "core", "demo"]
    errors = {e.plugin: e for e in registry.errors}
    assert errors["broken"].stage == "import"
    assert "dependency is missing (on purpose)" in errors["broken"].message
    assert errors["raises"].stage == "minzheng_rules"


@pytest.mark.usefixtures("installed")
def test_plugins_can_be_blocked_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINZHENG_DISABLE_PLUGINS", "broken, raises badrule")
    registry = Registry.discover()
    assert sorted(registry.packs) == ["core", "demo"]
    assert registry.errors == []


def test_disabled_from_env() -> None:
    assert disabled_from_env({"MINZHENG_DISABLE_PLUGINS": "a,b  c"}) == {"a", "b", "c"}
    assert disabled_from_env({}) == frozenset()


def test_each_registry_has_its_own_plugin_manager() -> None:
    one, two = make_registry(("demo", demo_pack)), make_registry()
    assert one.pm is not two.pm
    assert "demo" in one.packs
    assert "demo" not in two.packs


def test_unknown_names_suggest_the_closest(registry: Registry) -> None:
    with pytest.raises(UnknownNameError, match="no pack named 'dmo'; did you mean 'demo'"):
        registry.pack("dmo")
    with pytest.raises(UnknownNameError, match="did you mean 'D-staff'"):
        registry.rule("D-staf")


def test_bad_rule_pack_still_loads() -> None:
    registry = make_registry(("badrule", bad_rule))
    assert registry.errors == []
