"""The documentation keeps up with the code: every hook and command is documented,
and every file the how-tos include exists with the lines they quote."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import minzheng.cli
from minzheng.packs import hookspecs

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_hookspec_is_documented_with_its_calling_rule() -> None:
    text = (DOCS / "reference" / "hooks.rst").read_text("utf-8")
    members = re.search(r":members: (.+)", text)
    assert members is not None
    documented = {m.strip() for m in members.group(1).split(",")}
    for hook in hookspecs.HOOKS:
        assert hook in documented, f"{hook} is not in docs/reference/hooks.rst"
        doc = getattr(hookspecs, hook).__doc__ or ""
        assert "Calling rule" in doc, f"{hook}'s docstring does not state its calling rule"
    declared = {n for n in dir(hookspecs) if n.startswith("minzheng_")}
    assert declared == set(hookspecs.HOOKS), "hookspecs.HOOKS does not list every hook"


def test_every_cli_command_is_documented() -> None:
    text = (DOCS / "reference" / "cli.rst").read_text("utf-8")
    assert ".. click:: minzheng.cli:main" in text
    assert ":nested: full" in text  # the reference is generated from every command
    group = minzheng.cli.main
    assert isinstance(group, click.Group)
    for name, command in group.commands.items():
        assert (command.help or "").strip(), f"'minzheng {name}' has no help text"
        for param in command.params:
            if isinstance(param, click.Option) and param.name not in ("help",):
                assert param.help, f"'minzheng {name} {param.opts[0]}' has no help text"


@pytest.mark.parametrize(
    "page", sorted(DOCS.rglob("*.rst")), ids=lambda p: str(p.relative_to(DOCS))
)
def test_literalincludes_point_at_real_lines(page: Path) -> None:
    text = page.read_text("utf-8")
    for match in re.finditer(r"\.\. literalinclude:: (\S+)((?:\n   :[^\n]+)*)", text):
        source = (page.parent / match.group(1)).resolve()
        assert source.exists(), f"{page.name} includes a missing file {match.group(1)}"
        content = source.read_text("utf-8")
        for option in ("start-at", "end-before"):
            quoted = re.search(rf":{option}: (.+)", match.group(2))
            if quoted:
                assert quoted.group(1).strip() in content, (
                    f"{page.name}: {option} {quoted.group(1)!r} not in {source.name}"
                )


def test_the_readme_points_to_the_docs_and_has_the_two_commands() -> None:
    readme = (DOCS.parent / "README.md").read_text("utf-8")
    assert "nox -s assess" in readme
    assert "nox -s tests lint typecheck docs" in readme
    assert "docs/" in readme
    ci = (DOCS.parent / ".ci" / "run").read_text("utf-8")
    assert 'nox" -s tests lint typecheck docs' in ci


def test_the_readme_shows_a_finding_as_the_program_prints_it() -> None:
    readme = (DOCS.parent / "README.md").read_text("utf-8")
    block = re.search(r"```console\n\$ minzheng (assess [^\n]+)\n(.*?)```", readme, re.DOTALL)
    assert block is not None, "the README shows no assess run"
    args = block.group(1).split()
    root = DOCS.parent
    args = [str(root / a) if a.startswith("examples/") else a for a in args]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.txt"
        CliRunner().invoke(minzheng.cli.main, [*args, "-o", str(out)])
        assert out.read_text("utf-8") == block.group(2)
