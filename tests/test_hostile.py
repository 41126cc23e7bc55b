"""Hostile and clumsy input against the command line: every case ends with its
documented exit status and one clear message naming the place, no traceback, no hang,
no output file left under its final name, and nothing read lost or overwritten.

The inputs are the demo dataset (``data/demo.yaml``, invented) broken on purpose.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

import demo_pack
import minzheng.cli
from minzheng import Registry, load_dataset, write_dataset
from minzheng.testing import make_registry

DATA = Path(__file__).parent / "data"
DEMO = (DATA / "demo.yaml").read_text("utf-8")
TESTS = Path(__file__).parent


@pytest.fixture(autouse=True)
def demo_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(minzheng.cli.settings, "registry", make_registry(("demo", demo_pack)))


def run(*args: str) -> Result:
    return CliRunner().invoke(minzheng.cli.main, list(args), catch_exceptions=False)


def _yaml(text: str) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        (folder / "data.yaml").write_text(text, "utf-8")
        return folder / "data.yaml"

    return write


def _json(text: str) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        (folder / "data.json").write_text(text, "utf-8")
        return folder / "data.json"

    return write


def _laughs(folder: Path) -> Path:
    lines = ["as_of: 2022-12-31", 'a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    lines.append("units: [{code: '99', name: x, level: province, facts: {office_staff: *a11}}]")
    (folder / "laughs.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    return folder / "laughs.yaml"


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "data.yaml")
    return folder / "data.yaml"


def _device(folder: Path) -> Path:
    (folder / "zero.yaml").symlink_to("/dev/zero")
    return folder / "zero.yaml"


def _folder(folder: Path) -> Path:
    (folder / "data.yaml").mkdir()
    return folder / "data.yaml"


def _csv(edit: Callable[[list[str]], None]) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        registry = make_registry(("demo", demo_pack))
        write_dataset(load_dataset(DATA / "demo.yaml", registry.indicators), folder / "csv",
                      registry.indicators)  # fmt: skip
        facts = folder / "csv" / "facts.csv"
        lines = facts.read_text("utf-8").splitlines()
        edit(lines)
        facts.write_text("\n".join(lines) + "\n", "utf-8")
        return folder / "csv"

    return write


def _unclosed(lines: list[str]) -> None:
    lines[2] = lines[2].replace(",", ',"', 3)[::1]


def _huge_field(lines: list[str]) -> None:
    lines.insert(2, '99,office_staff,,"' + "9" * 200_000 + '"')


def _half_year(lines: list[str]) -> None:
    lines.append("990101001,office_staff,2018.5,3")


def _deep(depth: int) -> str:
    return "units: " + "[" * depth + "]" * depth + "\n"


#: name → (what to write, words the message must hold)
CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "billion laughs": (_laughs, "aliases are not accepted"),
    "an alias": (_yaml(DEMO.replace("social_workers: 124", "social_workers: &n 124\n      carers: *n")), "aliases are not accepted"),
    "huge exponent": (_yaml(DEMO.replace("social_workers: 124", "social_workers: 1.0e+999999999")), "at most 30 digits"),
    "5,000 digits": (_yaml(DEMO.replace("social_workers: 124", f"social_workers: {'9' * 5000}")), "at most 30 digits"),
    "JSON 100,000 deep": (_json('{"units": ' + "[" * 100_000 + "]" * 100_000 + "}"), "nesting"),
    "JSON 40 deep": (_json('{"units": ' + "[" * 40 + "]" * 40 + "}"), "nesting at most 32 deep"),
    "YAML 40 deep": (_yaml(_deep(40)), "nesting at most 32 deep"),
    "YAML 100,000 deep": (_yaml(_deep(100_000)), "line 1"),
    "impossible date": (_yaml(DEMO.replace("as_of: 2022-12-31", "as_of: 2022-02-30")), "'2022-02-30' at line"),
    "time of day": (_yaml(DEMO.replace("as_of: 2022-12-31", "as_of: 2022-12-31 10:00:00")), "field 'as_of'"),
    "a second units key": (_yaml(DEMO + "units: []\n"), "the key 'units' given twice"),
    "a key twice": (_yaml(DEMO.replace("social_workers: 124", "social_workers: 124\n      social_workers: 5")), "given twice"),
    "a half year": (_yaml(DEMO.replace("{2017: 3, 2018: 4}", "{2017: 3, 2018.5: 4}")), "2018.5"),
    "a period as a moment": (_yaml(DEMO.replace("{2017: 3, 2018: 4}", "{2017: 3, 2018-06-30 10:00:00: 4}")), "expected a period"),
    "a lone surrogate": (_json('{"units": [{"code": "99", "name": "\\ud800", "level": "province"}]}'), "valid Unicode"),
    "a JSON key twice": (_json('{"units": [], "units": []}'), "given twice"),
    "a FIFO": (_fifo, "FIFO"),
    "a device": (_device, "device"),
    "a folder": (_folder, "units.csv: expected an existing file"),  # read as a CSV folder
    "an unclosed quote": (_csv(_unclosed), "facts.csv row"),
    "a field over the csv limit": (_csv(_huge_field), "field larger than field limit"),
    "a half year in CSV": (_csv(_half_year), "'2018.5'"),
    "controls in a name": (_yaml(DEMO.replace("name: 甲县", 'name: "甲\\x1b[2J县"')), "control characters"),
}  # fmt: skip


@pytest.mark.parametrize("command", ["validate", "assess"])
@pytest.mark.parametrize("case", CASES)
def test_hostile_input_is_exit_2_one_clear_message_nothing_written(
    tmp_path: Path, case: str, command: str
) -> None:
    make, words = CASES[case]
    path = make(tmp_path)
    out = tmp_path / "out.json"
    args = ["-o", str(out), "--format", "json"] if command == "assess" else []
    started = time.monotonic()
    result = run(command, str(path), *args)
    assert time.monotonic() - started < 30
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert lines
    assert all(line.startswith("error: ") for line in lines), lines
    assert all(path.name in line or "csv" in line for line in lines), lines
    assert words in result.stderr
    assert "\x1b" not in result.stderr
    assert not out.exists()
    assert not list(tmp_path.glob(".out.json*"))


def test_a_file_over_the_size_limit_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "d.yaml").write_text(DEMO, "utf-8")
    monkeypatch.setenv("MINZHENG_MAX_DOCUMENT_SIZE", "1KB")
    result = run("validate", str(tmp_path / "d.yaml"))
    assert result.exit_code == 2
    assert "at most 1000 bytes" in result.stderr
    assert "MINZHENG_MAX_DOCUMENT_SIZE" in result.stderr
    monkeypatch.setenv("MINZHENG_MAX_DOCUMENT_SIZE", "1 GiB")
    assert run("validate", str(tmp_path / "d.yaml")).exit_code == 0
    monkeypatch.setenv("MINZHENG_MAX_DOCUMENT_SIZE", "lots")
    result = run("validate", str(tmp_path / "d.yaml"))
    assert result.exit_code == 2
    assert "MINZHENG_MAX_DOCUMENT_SIZE='lots' is not a size" in result.stderr


def _filled_template(tmp_path: Path, cell: str, cached: str | None) -> Path:
    """The demo pack's workbook template with one unit, ``office_staff`` typed as a
    formula; ``cached`` is the value a spreadsheet would have stored for it."""
    book_path = tmp_path / "t.xlsx"
    assert run("template", "demo", "--format", "xlsx", "-o", str(book_path)).exit_code == 0
    book = openpyxl.load_workbook(book_path)
    sheet = book["township 乡镇"]
    header = [c.value for c in sheet[1]]
    sheet.cell(4, 1, "990101001")
    sheet.cell(4, header.index("name") + 1, "甲镇")
    staff = sheet.cell(4, header.index("office_staff") + 1, cell)
    coordinate = staff.coordinate
    book.save(book_path)
    if cached is not None:  # what Excel writes: the formula and its computed value
        import zipfile

        with zipfile.ZipFile(book_path) as archive:
            parts = {i.filename: archive.read(i) for i in archive.infolist()}
        name = next(n for n, data in parts.items() if b"<f>" in data)
        parts[name] = parts[name].replace(
            f"<f>{cell[1:]}</f><v />".encode(), f"<f>{cell[1:]}</f><v>{cached}</v>".encode()
        )
        with zipfile.ZipFile(book_path, "w") as archive:
            for part, data in parts.items():
                archive.writestr(part, data)
    assert coordinate
    return book_path


def test_a_formula_never_computed_is_refused_not_read_as_empty(tmp_path: Path) -> None:
    book = _filled_template(tmp_path, "=1+2", cached=None)
    result = run("validate", str(book))
    assert result.exit_code == 2
    assert "the formula =1+2" in result.stderr
    assert "row 4" in result.stderr


def test_a_formula_is_read_from_its_computed_value_with_a_note(tmp_path: Path) -> None:
    book = _filled_template(tmp_path, "=1+2", cached="3")
    registry = make_registry(("demo", demo_pack))
    dataset = load_dataset(book, registry.indicators)
    assert dataset.facts["990101001"]["office_staff"][None] == 3
    assert "read as last computed" in dataset.note


def test_markup_and_controls_in_text_are_shown_not_obeyed(tmp_path: Path) -> None:
    text = DEMO.replace("name: 甲县", 'name: "[/red][bold]甲县"').replace(
        "name: demo", 'name: "demo\\x1b[2J\\a"'
    )
    (tmp_path / "d.yaml").write_text(text, "utf-8")
    result = run("assess", str(tmp_path / "d.yaml"))
    assert result.exit_code in (0, 1), result.output
    assert "[/red][bold]甲县" in result.stdout
    markdown = run("assess", str(tmp_path / "d.yaml"), "--format", "markdown")
    assert "\x1b" not in markdown.stdout
    assert "\x07" not in markdown.stdout
    assert "demo\\x1b[2J\\x07" in markdown.stdout


def test_output_equal_to_an_input_is_refused_and_the_input_kept(tmp_path: Path) -> None:
    data = tmp_path / "d.yaml"
    data.write_text(DEMO, "utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(data)
    for output in (data, link):
        result = run("assess", str(data), "-o", str(output), "--format", "json")
        assert result.exit_code == 2
        assert "is a file this command reads" in result.stderr
        assert data.read_text("utf-8") == DEMO
    folder = _csv(lambda lines: None)(tmp_path)
    facts = (folder / "facts.csv").read_bytes()
    result = run("assess", str(folder), "-o", str(folder / "facts.csv"), "--format", "json")
    assert result.exit_code == 2
    assert (folder / "facts.csv").read_bytes() == facts


def test_output_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "d.yaml").write_text(DEMO, "utf-8")
    (tmp_path / "real.json").write_text("old", "utf-8")
    (tmp_path / "out.json").symlink_to("real.json")
    result = run(
        "assess", str(tmp_path / "d.yaml"), "-o", str(tmp_path / "out.json"), "--format", "json"
    )
    assert result.exit_code in (0, 1)
    assert (tmp_path / "out.json").is_symlink()
    assert json.loads((tmp_path / "real.json").read_text("utf-8"))["findings"]


def test_text_that_looks_like_a_formula_is_text_in_the_workbook(tmp_path: Path) -> None:
    (tmp_path / "d.yaml").write_text(DEMO.replace("name: 甲县", 'name: "=1+1"'), "utf-8")
    out = tmp_path / "f.xlsx"
    result = run("assess", str(tmp_path / "d.yaml"), "--format", "xlsx", "-o", str(out))
    assert result.exit_code in (0, 1)
    sheet = openpyxl.load_workbook(out).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "=1+1"]
    assert cells
    assert all(c.data_type == "s" for c in cells)
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate


def test_an_internal_error_is_one_line_exit_3_and_a_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something minzheng did not expect")

    monkeypatch.setattr(minzheng.cli.assess, "resolve_date", broken)
    result = run("assess", str(DATA / "demo.yaml"))
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    [line] = result.stderr.strip().splitlines()
    assert "internal error" in line
    assert "RuntimeError: something minzheng did not expect" in line
    log = Path(line.split("the traceback is in ")[1].split(" ")[0])
    assert "Traceback" in log.read_text("utf-8")
    log.unlink()
    debug = run("--debug", "assess", str(DATA / "demo.yaml"))
    assert debug.exit_code == 3
    assert "Traceback" in debug.stderr


_SLOW_RUN = """
import sys, time
sys.path.insert(0, {tests!r})
import polars as pl
from attrs import frozen
import demo_pack
import minzheng.cli.settings
from minzheng import PackInfo, RegionInfo, Rule, Citation
from minzheng.model import Level
from minzheng.testing import make_registry
from minzheng.cli import main

@frozen(kw_only=True)
class Slow(Rule):
    def columns(self, frame):
        print("ready", file=sys.stderr, flush=True)
        time.sleep(60)

class Plugin:
    @staticmethod
    def minzheng_pack():
        return PackInfo(name="slow", title_zh="慢", title_en="slow", region=RegionInfo("x", "x", ("99",)))
    @staticmethod
    def minzheng_rules():
        import os
        os.write(1, b"noise written to descriptor 1 by a plugin\\n")
        return [Slow(id="S-slow", title_zh="慢", title_en="slow", levels=(Level.COUNTY,),
                     citation=Citation("demo.txt", "一", "慢"), reading="slow")]

minzheng.cli.settings.registry = make_registry(("demo", demo_pack), ("slow", Plugin()))
main()
"""


def _slow_run(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    script = tmp_path / "slow.py"
    script.write_text(textwrap.dedent(_SLOW_RUN.format(tests=str(TESTS))), "utf-8")
    return subprocess.Popen(
        [sys.executable, str(script), "assess", str(DATA / "demo.yaml"), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "MINZHENG_LANG": "en"},
    )  # fmt: skip


def _wait_ready(process: subprocess.Popen[str]) -> None:
    assert process.stderr is not None
    for line in process.stderr:
        if line.strip() == "ready":
            return
    pytest.fail("the slow rule never started")


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_an_interrupted_run_leaves_no_file_and_says_how_it_ended(
    tmp_path: Path, signum: int, status: int
) -> None:
    out = tmp_path / "out.json"
    process = _slow_run(tmp_path, "-o", str(out), "--format", "json")
    _wait_ready(process)
    process.send_signal(signum)
    process.communicate(timeout=30)  # its pipes read to the end and closed
    assert process.returncode == status
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["slow.py"]


def test_a_plugin_writing_to_descriptor_1_never_reaches_stdout(tmp_path: Path) -> None:
    process = _slow_run(tmp_path, "--format", "json", "--rule", "D-staff")
    out, err = process.communicate(timeout=120)
    assert process.returncode in (0, 1), err
    assert json.loads(out)["findings"]
    assert "noise written to descriptor 1" in err


def test_a_reader_that_goes_away_ends_the_run_with_141() -> None:
    if "jian" not in Registry.discover().packs:
        pytest.skip("the Ji'an pack is not installed (nox -s tests installs it)")
    process = subprocess.Popen(
        [sys.executable, "-m", "minzheng", "explain", "J-staff-by-pop"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    process.stdout.close()  # before the first line is written
    _, err = process.communicate(timeout=120)
    assert process.returncode == 141, err
    assert "Traceback" not in err


def test_output_onto_a_device_is_refused(tmp_path: Path) -> None:
    (tmp_path / "d.yaml").write_text(DEMO, "utf-8")
    (tmp_path / "out.json").symlink_to("/dev/null")
    result = run("assess", str(tmp_path / "d.yaml"), "-o", str(tmp_path / "out.json"))
    assert result.exit_code == 2
    assert "is not a regular file" in result.stderr
    assert Path("/dev/null").is_char_device()


def test_a_name_of_thousands_of_characters_is_cut_in_the_message(tmp_path: Path) -> None:
    code = "9" * 10_000
    (tmp_path / "d.yaml").write_text(f"units: [{{code: '{code}', name: x, level: county}}]\n")
    result = run("validate", str(tmp_path / "d.yaml"))
    assert result.exit_code == 2
    assert "(10000 characters)" in result.stderr
    assert len(result.stderr) < 600
