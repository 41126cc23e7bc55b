"""`minzheng new-pack`: the skeleton is a working pack that passes its own tests."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import minzheng.cli
from minzheng import MinzhengError
from minzheng.scaffold.newpack import PackSpec, new_pack
from minzheng.testing import check_pack


def _make(tmp_path: Path) -> Path:
    result = CliRunner().invoke(
        minzheng.cli.main,
        ["new-pack", "examplecity", "--title-zh", "示例市民政规划", "--title-en", "Example city plan",
         "--prefix", "3710", "-o", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "pip install -e" in result.output
    assert "[test]" in result.output
    return tmp_path / "minzheng-examplecity"


def test_the_skeleton_passes_its_own_tests(tmp_path: Path) -> None:
    pack = _make(tmp_path)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(pack / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    run = subprocess.run(
        [sys.executable, "-m", "pytest", str(pack / "tests"), "-q", "-p", "no:cacheprovider"],
        cwd=pack, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed" in run.stdout


def test_the_skeleton_declares_its_entry_point_and_conforms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = _make(tmp_path)
    meta = tomllib.loads((pack / "pyproject.toml").read_text("utf-8"))
    assert meta["project"]["entry-points"]["minzheng"] == {
        "examplecity": "minzheng_examplecity:pack"
    }
    assert meta["project"]["name"] == "minzheng-examplecity"
    monkeypatch.syspath_prepend(str(pack / "src"))
    module = importlib.import_module("minzheng_examplecity")
    assert check_pack(module.pack, "examplecity") == []
    assert module.pack.info.region.prefixes == ("3710",)
    rules = (pack / "src" / "minzheng_examplecity" / "data" / "rules.yaml").read_text("utf-8")
    assert "EXAMPLE" in rules  # the placeholder says it is one


@pytest.mark.parametrize(
    ("name", "prefixes", "message"),
    [("Bad Name", (), "a pack name is"), ("ok", ("371",), "a region prefix is")],
)
def test_bad_names_and_prefixes(
    tmp_path: Path, name: str, prefixes: tuple[str, ...], message: str
) -> None:
    with pytest.raises(MinzhengError, match=message):
        new_pack(PackSpec(name=name, title_zh="示例", title_en="x", prefixes=prefixes), tmp_path)


def test_an_existing_folder_is_not_overwritten(tmp_path: Path) -> None:
    _make(tmp_path)
    result = CliRunner().invoke(
        minzheng.cli.main,
        ["new-pack", "examplecity", "--title-zh", "示例", "--title-en", "x", "-o", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert "already exists" in result.output
