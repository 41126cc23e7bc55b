"""Packaging like a library: the core needs only what the engine needs; reports and
PostgreSQL are extras, and a missing one is named in the message."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "jian-2018.yaml"

#: A program run as if no extra were installed (their modules cannot be imported).
WITHOUT_EXTRAS = """
import sys
for name in ("openpyxl", "matplotlib", "jinja2", "adbc_driver_postgresql"):
    sys.modules[name] = None
from minzheng.cli import main
sys.argv = ["minzheng", *sys.argv[1:]]
main()
"""


def test_the_core_depends_on_what_the_engine_needs() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    names = {d.split(">")[0].split("=")[0].lower() for d in project["dependencies"]}
    assert names == {"attrs", "polars", "cattrs", "pluggy", "click", "rich", "pyyaml"}
    extras = project["optional-dependencies"]
    assert {"xlsx", "html", "reports", "postgresql"} <= set(extras)
    assert set(extras["reports"]) == set(extras["xlsx"]) | set(extras["html"])


def _without_extras(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "no_extras.py"
    script.write_text(WITHOUT_EXTRAS)
    return subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, timeout=120,
        env={**os.environ, "MINZHENG_LANG": "en"}, cwd=tmp_path,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (("assess", str(EXAMPLE), "--format", "xlsx", "-o", "out.xlsx"), "xlsx"),
        (("assess", str(EXAMPLE), "--format", "html", "-o", "out.html"), "html"),
        (("template", "jian", "--format", "xlsx", "-o", "blank.xlsx"), "xlsx"),
        (("validate", "WORKBOOK"), "xlsx"),
        (("assess", "postgresql://nobody@127.0.0.1:1/none"), "postgresql"),
    ],
)
def test_a_missing_extra_is_named(tmp_path: Path, args: tuple[str, ...], extra: str) -> None:
    workbook = tmp_path.parent / f"{tmp_path.name}-blank.xlsx"  # a workbook to read
    if "WORKBOOK" in args:
        from click.testing import CliRunner

        from minzheng.cli import main

        made = CliRunner().invoke(
            main, ["template", "jian", "--format", "xlsx", "-o", str(workbook)]
        )
        assert made.exit_code == 0, made.output
        args = tuple(str(workbook) if a == "WORKBOOK" else a for a in args)
    done = _without_extras(tmp_path, *args)
    assert done.returncode == 2, done.stderr
    assert f"pip install 'minzheng[{extra}]'" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["no_extras.py"]  # nothing written


def test_the_core_alone_assesses(tmp_path: Path) -> None:
    done = _without_extras(tmp_path, "assess", str(EXAMPLE), "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    assert '"findings"' in done.stdout
