"""Plugins isolated whatever their names: a plugin's failure (even ``SystemExit``), a
hang, its prints and its clashes with other packs never depend on the order the plugins
load in, never take another pack down and never reach standard output."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import attrs
import pytest

import demo_pack
import minzheng.cli.settings
from minzheng import DatasetError, Engine, Indicator, Kind, PackInfo, RegionInfo, load_dataset
from minzheng.packs.registry import Registry
from minzheng.testing import make_registry

DATA = Path(__file__).parent / "data"


def _pack(name: str, **hooks: Any) -> object:
    """A plugin object named ``name`` with the given hooks (callables of no argument)."""
    info = hooks.pop("info", PackInfo(name=name, title_zh=name, title_en=name))
    return type(name, (), {"minzheng_pack": staticmethod(lambda: info), **{
        f"minzheng_{hook}": staticmethod(call) for hook, call in hooks.items()
    }})()  # fmt: skip


def _raise(exc: BaseException) -> Any:
    def hook() -> Any:
        raise exc

    return hook


@pytest.mark.parametrize(
    "exc", [SystemExit(0), SystemExit(2), KeyboardInterrupt(), GeneratorExit(), MemoryError()]
)
def test_a_hook_raising_any_base_exception_refuses_only_its_plugin(exc: BaseException) -> None:
    bad = _pack("bad", rules=_raise(exc))
    for order in ((("bad", bad), ("demo", demo_pack)), (("demo", demo_pack), ("bad", bad))):
        registry = make_registry(*order)
        assert "demo" in registry.packs
        [error] = registry.errors
        assert (error.plugin, error.stage) == ("bad", "minzheng_rules")
        assert type(exc).__name__ in error.message


def test_a_hook_that_never_ends_is_refused_after_the_time_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MINZHENG_PLUGIN_TIMEOUT", "0.3")

    def forever() -> Any:
        while True:
            time.sleep(0.01)

    started = time.monotonic()
    registry = make_registry(("stuck", _pack("stuck", indicators=forever)), ("demo", demo_pack))
    assert time.monotonic() - started < 10
    [error] = registry.errors
    assert error.plugin == "stuck"
    assert "did not finish within 0.3 s" in error.message
    assert "demo" in registry.packs


def test_a_plugins_prints_go_to_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    def chatty() -> Any:
        print("hello from a plugin")
        return []

    registry = make_registry(("chatty", _pack("chatty", rules=chatty)))
    assert "chatty" in registry.packs
    out, err = capfd.readouterr()
    assert "hello from a plugin" not in out
    assert "hello from a plugin" in err


def test_a_pack_name_given_by_two_plugins_refuses_both_in_either_order() -> None:
    one = _pack("one", info=PackInfo(name="same", title_zh="甲", title_en="one"))
    two = _pack("two", info=PackInfo(name="same", title_zh="乙", title_en="two"))
    for order in ((("one", one), ("two", two)), (("two", two), ("one", one))):
        registry = make_registry(*order, ("demo", demo_pack))
        assert "same" not in registry.packs
        assert "demo" in registry.packs
        messages = {e.plugin: e.message for e in registry.errors}
        assert set(messages) == {"one", "two"}
        assert "'two'" in messages["one"]
        assert "'one'" in messages["two"]


def _redeclared(name: str) -> object:
    """A pack that declares the demo's office_staff as a rate."""
    staff = Indicator("office_staff", "工作人员", "office staff", Kind.RATE, measure="%")
    region = RegionInfo("演示", "demo", ("99",))
    info = PackInfo(name=name, title_zh=name, title_en=name, region=region)
    return _pack(name, info=info, indicators=lambda: [staff])


def test_an_indicator_two_packs_declare_differently_is_withheld_from_both() -> None:
    other = _redeclared("other")
    for order in ((("demo", demo_pack), ("other", other)), (("other", other), ("demo", demo_pack))):
        registry = make_registry(*order)
        assert {"demo", "other"} <= set(registry.packs)
        assert not registry.errors
        assert "office_staff" not in registry.indicators
        assert registry.withheld["office_staff"] in (("demo", "other"), ("other", "demo"))
        conflict = [w for w in registry.warnings if w.stage == "conflict"]
        assert len(conflict) == 1
        assert "'demo'" in conflict[0].message
        assert "'other'" in conflict[0].message


def test_a_rule_reading_a_withheld_indicator_is_an_error_the_others_run() -> None:
    registry = make_registry(("demo", demo_pack), ("other", _redeclared("other")))
    with pytest.raises(DatasetError, match="the packs demo, other declare it differently"):
        load_dataset(DATA / "demo.yaml", registry.indicators)
    data = load_dataset(DATA / "demo.yaml", make_registry(("demo", demo_pack)).indicators)
    table = Engine(registry).assess_table(data, ["demo"])
    staff = table.filter(table["rule"] == "D-staff")
    assert staff.height
    assert set(staff["status"]) == {"error"}
    assert "withheld" in staff["message_en"][0]
    assert (table.filter(table["rule"] != "D-staff")["status"] != "error").any()


def test_overlapping_regions_are_warned() -> None:
    registry = make_registry(("demo", demo_pack), ("other", _redeclared("other")))
    [overlap] = [w for w in registry.warnings if w.stage == "overlap"]
    assert "'demo'" in overlap.message
    assert "'other'" in overlap.message
    assert "99" in overlap.message


def test_the_core_indicators_win_over_a_plugins() -> None:
    population = Registry.discover(entry_points=False).indicators["registered_population"]
    changed = attrs.evolve(population, measure="10k persons")
    registry = make_registry(("odd", _pack("odd", indicators=lambda: [changed])))
    [error] = registry.errors
    assert error.plugin == "odd"
    assert registry.indicators["registered_population"] == population


def test_packs_lists_a_failing_plugin_and_exits_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from minzheng.cli import main

    bad = _pack("bad", rules=_raise(SystemExit(0)))
    monkeypatch.setattr(
        minzheng.cli.settings, "registry", make_registry(("bad", bad), ("demo", demo_pack))
    )
    assert main(["packs"], standalone_mode=False) == 3
    out = capsys.readouterr().out
    assert "demo" in out
    assert "bad" in out
    assert "SystemExit" in out


def test_json_on_stdout_holds_nothing_a_plugin_prints(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from minzheng.cli import main

    def chatty() -> Any:
        print("noise from a plugin's hook")
        sys.stdout.write("more noise\n")
        return []

    monkeypatch.setattr(
        minzheng.cli.settings,
        "registry",
        make_registry(("demo", demo_pack), ("chatty", _pack("chatty", programs=chatty))),
    )
    main(["assess", str(DATA / "demo.yaml"), "--format", "json"], standalone_mode=False)
    out, err = capsys.readouterr()
    assert json.loads(out)["findings"]
    assert "noise" in err


def test_a_plugin_cannot_take_the_cores_name() -> None:
    impostor = _pack("impostor", info=PackInfo(name="core", title_zh="核心", title_en="core"))
    registry = make_registry(("impostor", impostor), ("demo", demo_pack))
    assert registry.packs["core"].plugin == "core"
    [error] = registry.errors
    assert error.plugin == "impostor"
    assert "registered_population" in registry.indicators
