"""Every message in Chinese and English, from one catalogue, and outputs in Chinese
that hold no English word.

The catalogue test walks every id: both texts present, the same fields in both. The
source test finds every id the code names literally (``msg("…")``, ``text("…")``,
``help="cli.…"``) and every id made from an enum (``level.township``) and requires it
in the catalogue. The output test renders each format of ``assess`` with ``--lang zh``
on the samples and fails on an ASCII word that is not a code, an id or a number.
"""

from __future__ import annotations

import ast
import html
import io
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import minzheng
import minzheng.cli
from minzheng import Engine, Registry, load_dataset
from minzheng.i18n import CATALOGUE, LANGS, default_lang, msg, text
from minzheng.model import Area, Attribute, Comparator, Kind, Level, Position, Severity, Status
from minzheng.report.render import report_to_table

SRC = Path(minzheng.__file__).parent
EXAMPLES = Path(__file__).parents[1] / "examples"
#: The call names whose first argument is a message id.
_CALLS = {"msg", "text", "say", "Msg"}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_message_has_both_languages_with_the_same_fields(key: str) -> None:
    zh, en = CATALOGUE[key]
    assert zh, f"{key}: no Chinese"
    assert en, f"{key}: no English"
    assert _fields(zh) == _fields(en), key
    fields = dict.fromkeys(_fields(zh), "x")
    assert text(key, "zh", **fields)
    assert text(key, "en", **fields)


def _ids_in_source() -> Iterator[tuple[str, str]]:
    """``(file, id)`` for each message id the package's code names literally."""
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                first = node.args[0] if node.args else None
                if (
                    name in _CALLS
                    and isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                ):
                    yield path.name, first.value
                for kw in node.keywords:
                    value = kw.value
                    if (
                        kw.arg == "help"
                        and isinstance(value, ast.Constant)
                        and isinstance(value.value, str)
                    ):
                        yield path.name, value.value


def test_every_id_the_code_names_is_in_the_catalogue() -> None:
    named = list(_ids_in_source())
    assert len(named) > 100  # the walk finds the code's messages
    missing = sorted({(f, key) for f, key in named if key not in CATALOGUE})
    assert not missing


#: Families of ids the code makes from a value (``f"level.{level.value}"``).
_MADE = ("level.", "area.", "attribute.", "status.", "severity.", "kind.", "comparator.",
         "position.", "measure.", "what.", "word.", "xlsx.col.", "xlsx.hint.",
         "template.readme.", "diff.", "run.")  # fmt: skip


def test_every_message_of_the_catalogue_is_used() -> None:
    texts = {
        node.value
        for path in SRC.rglob("*.py")
        if path.name != "_catalogue.py"
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    unused = [k for k in CATALOGUE if k not in texts and not k.startswith(_MADE)]
    assert unused == []


def test_every_installed_rule_reads_in_chinese() -> None:
    registry = Registry.discover()
    assert [rule.id for _, rule in registry.iter_rules() if not rule.reading_zh] == []


@pytest.mark.parametrize(
    ("prefix", "values"),
    [
        ("level", [v.value for v in Level]),
        ("area", [v.value for v in Area]),
        ("attribute", [v.value for v in Attribute]),
        ("status", [v.value for v in Status]),
        ("severity", [*(v.value for v in Severity), "not_due"]),
        ("kind", [v.value for v in Kind]),
        ("position", [v.value for v in Position]),
        ("comparator", [v.name.lower() for v in Comparator]),
    ],
)
def test_every_word_made_from_an_enum_is_in_the_catalogue(prefix: str, values: list[str]) -> None:
    assert [v for v in values if f"{prefix}.{v}" not in CATALOGUE] == []


def test_a_message_id_not_in_the_catalogue_fails_where_it_is_written() -> None:
    with pytest.raises(KeyError, match="no message"):
        msg("word.no_such_word")


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"MINZHENG_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"MINZHENG_LANG": "zh"}, "zh"),
        ({}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
    ],
)
def test_the_default_language_follows_the_locale(environ: dict[str, str], lang: str) -> None:
    assert default_lang(environ) == lang


def test_every_command_takes_lang() -> None:
    for name, command in minzheng.cli.main.commands.items():
        options = {o for p in command.params for o in getattr(p, "opts", [])}
        assert "--lang" in options, name


def _run(*args: str) -> str:
    result = CliRunner().invoke(minzheng.cli.main, list(args))
    return result.output


def test_help_and_usage_errors_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("MINZHENG_LANG")
    assert "用法:" in _run("assess", "-h")
    assert "只应用此规则包" in _run("assess", "-h")
    assert "没有选项 --bogus" in _run("assess", "x.yaml", "--bogus")
    assert "--format 的值无效" in _run("assess", "x.yaml", "--format", "pdf")
    assert "Usage:" in _run("assess", "-h", "--lang", "en")


#: ASCII words a Chinese output may hold: rule ids (J-staff-by-pop), indicator and
#: item ids (registered_population), facility codes (360802-HALL), pack and dataset
#: names, and the few words Chinese text writes in Latin letters.
_ALLOWED = re.compile(
    r"^(?:[A-Z]-[A-Za-z0-9-]+|[a-z0-9]+(?:_[a-z0-9]+)+|[A-Z]+|x|GB|minzheng"
    r"|cityplan|jian|songming|yancheng|demo)$"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def _strip_codes(text: str) -> str:
    """Text without dataset names and paths, unit and facility codes, and a run
    record's ids, times and SHA-256 digests."""
    text = re.sub(r"\S*/\S*|\b[0-9a-f]{8}-[0-9a-f-]{27}\b|\b[0-9a-f]{64}\b", " ", text)
    text = re.sub(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\b|SHA-256", " ", text)
    text = re.sub(r"\b(?:jian|songming|yancheng)-\d{4}\b", " ", text)
    return re.sub(r"\b\d+(?:-[A-Za-z0-9_]+)?\b", " ", text)


def _english(text: str) -> list[str]:
    words = _WORD.findall(_strip_codes(text))
    return sorted({w for w in words if not _ALLOWED.match(w)})


def _html_text(page: str) -> str:
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]*>", " ", page))


@pytest.mark.parametrize("example", ["jian-2018", "songming-2023", "yancheng-2017"])
@pytest.mark.parametrize("fmt", ["table", "markdown", "html", "xlsx"])
def test_chinese_outputs_hold_no_english_word(tmp_path: Path, example: str, fmt: str) -> None:
    out = tmp_path / f"{example}.{fmt}"
    result = CliRunner().invoke(
        minzheng.cli.main,
        [
            "assess",
            str(EXAMPLES / f"{example}.yaml"),
            "--lang",
            "zh",
            "--format",
            fmt,
            "-o",
            str(out),
        ],
    )
    assert result.exit_code in (0, 1), result.output
    if fmt == "table":  # the words, not the layout: no cell folded inside an id
        said = _wide_table(example)
    elif fmt == "xlsx":
        book = load_workbook(out)
        said = (
            " ".join(book.sheetnames)
            + " "
            + " ".join(
                str(c.value)
                for sheet in book
                for row in sheet.iter_rows()
                for c in row
                if c.value is not None
            )
        )
    elif fmt == "html":
        said = _html_text(out.read_text("utf-8"))
    else:
        said = out.read_text("utf-8")
    assert _english(said) == []


def _wide_table(example: str) -> str:
    from rich.console import Console

    registry = Registry.discover()
    dataset = load_dataset(EXAMPLES / f"{example}.yaml", registry.indicators)
    console = Console(width=1000, record=True, file=io.StringIO())
    names = {code: unit.name for code, unit in dataset.units.items()}
    report_to_table(Engine(registry).assess(dataset), console, "zh", names)
    return console.export_text()


def test_the_check_finds_english() -> None:
    assert _english("未达标 (warning) 民生主任:no evidence") == ["evidence", "no", "warning"]
    assert _english("J-staff-by-pop 360802-HALL registered_population jian-2018") == []


@pytest.mark.parametrize("lang", LANGS)
def test_explain_speaks_the_language(lang: str) -> None:
    shown = _run("explain", "J-staff-by-pop", "--lang", lang)
    assert ("解读" in shown) == (lang == "zh")
