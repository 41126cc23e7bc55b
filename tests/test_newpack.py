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


@pytest.mark.skipif(
    not os.environ.get("MINZHENG_PACKAGING_TESTS"),
    reason="downloads minzheng's dependencies into a fresh environment: set "
    "MINZHENG_PACKAGING_TESTS=1 (nox -s tests does, on its first Python)",
)
def test_the_skeleton_installs_in_a_fresh_environment_from_the_wheel(tmp_path: Path) -> None:
    """As the skeleton's README says: minzheng's wheel in a folder, the pack installed
    with pip looking there, its tests passing, and ``minzheng packs`` listing it."""
    root = Path(__file__).resolve().parents[1]
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(root)],
        check=True, timeout=600,
    )  # fmt: skip
    (wheel,) = dist.glob("minzheng-*.whl")
    pack = _make(tmp_path)
    readme = (pack / "README.md").read_text("utf-8")
    assert '--find-links /path/to/minzheng/dist ".[test]"' in readme
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--find-links", str(dist), f"{pack}[test]"],
        check=True, timeout=900, cwd=pack,
    )  # fmt: skip
    tests = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", str(pack / "tests")],
        capture_output=True, text=True, timeout=300, cwd=pack,
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout + tests.stderr
    listed = subprocess.run(
        [str(venv / "bin" / "minzheng"), "packs", "--lang", "en"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert "examplecity" in listed.stdout
    freeze = subprocess.run(
        [str(python), "-m", "pip", "freeze"], capture_output=True, text=True, check=True
    ).stdout.lower()
    assert "minzheng @ file" in freeze or wheel.name.split("-")[1] in freeze
    assert "openpyxl" not in freeze  # the core alone: reports are extras
