"""Datasets as tables: CSV and Parquet read by column say what the row-by-row reader
says, lose nothing, and give the same facts.

The loader is fuzzed with Hypothesis: a facts file with any text in a value cell reads
either as the same tables as :func:`minzheng.load_dataset` gives, or fails with the same
problems.
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minzheng import DatasetError, Registry, load_dataset
from minzheng.io.tables import read_tables, tables_from_dataset

UNITS = [
    ["code", "name", "level", "parent", "area", "type"],
    ["3608", "吉安市", "prefecture", "", "", ""],
    ["360821", "吉安县", "county", "3608", "rural", ""],
    ["360821102", "永和镇", "township", "", "rural", ""],
]
#: an indicator of each kind (the installed packs')
KINDS = {
    "count": "registered_population",
    "amount": "office_funding",
    "rate": "urbanization_rate",
    "flag": "has_civil_affairs_office",
    "items": "office_fixtures",
}


@pytest.fixture(scope="module")
def registry() -> Registry:
    found = Registry.discover()
    if not set(KINDS.values()) <= set(found.indicators):
        pytest.skip("the region packs are not installed (nox -s tests installs them)")
    return found


def _write(folder: Path, facts: list[list[str]], units: list[list[str]] = UNITS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("units.csv", units), ("facts.csv", facts)):
        with (folder / name).open("w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows(rows)
    return folder


def _outcome(path: Path, registry: Registry) -> tuple[str, object]:
    """What each reader makes of ``path``: its tables' rows, or its problems."""
    try:
        tables = read_tables(path, registry.indicators)
        by_column = ("ok", _rows(tables.facts), tables.units.drop("idx").rows())
    except DatasetError as exc:
        by_column = ("error", str(exc), None)
    try:
        tables = tables_from_dataset(load_dataset(path, registry.indicators), registry.indicators)
        by_row = ("ok", _rows(tables.facts), tables.units.drop("idx").rows())
    except DatasetError as exc:
        by_row = ("error", str(exc), None)
    assert by_column == by_row
    return by_column[0], by_column[1]


def _rows(facts: pl.DataFrame) -> list[tuple[object, ...]]:
    return sorted(facts.rows(), key=repr)


VALUES = st.one_of(
    st.sampled_from(
        [
            "0",
            "1",
            "23000",
            "23,000",
            " 42 ",
            "+5",
            "007",
            "5.0",
            "5.",
            ".5",
            "-3",
            "1e3",
            "38%",
            "38％",
            "0.5‰",
            "0.5",
            "1",
            "1.0",
            "100.5",
            "101",
            "99.990",
            "是",
            "否",
            " Yes ",
            "no",
            "有",
            "y",
            "true",
            "maybe",
            "phone",
            "signboard;duties",
            "signboard、duties",
            "none",
            "无",
            "-",
            "signboard;nonsense",
            "",
            "1" * 30,
            "9" * 20 + ".5",
            "0.0000001",
        ]
    ),
    st.text(alphabet="0123456789.,%‰ -+eE是否有无;", max_size=8),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(sorted(KINDS)),
    value=VALUES,
    period=st.sampled_from(["2018", "", "2018-06-30", " 2019", "2018-6-30", "2018.5", "18"]),
)
def test_any_value_reads_as_the_row_reader_reads_it(
    registry: Registry, tmp_path_factory: pytest.TempPathFactory, kind: str, value: str, period: str
) -> None:
    folder = _write(
        tmp_path_factory.mktemp("fuzz"),
        [["unit", "indicator", "period", "value"], ["360821", KINDS[kind], period, value],
         ["360821102", "registered_population", "2018", "31000"]],
    )  # fmt: skip
    _outcome(folder, registry)


def test_plain_and_unusual_values_read_alike(registry: Registry, tmp_path: Path) -> None:
    rows = [
        ["unit", "indicator", "period", "value"],
        ["360821", "registered_population", "2018", "23,000"],
        ["360821", "office_funding", "2018", "86787.00"],
        ["360821", "urbanization_rate", "2018", "38%"],
        ["360821", "has_civil_affairs_office", "2018", " 是 "],
        ["360821", "office_fixtures", "2018", "signboard、duties"],
        ["360821102", "registered_population", "2018-06-30", "31000"],
    ]
    tables = read_tables(_write(tmp_path, rows), registry.indicators)
    assert tables.facts.get_column("value").to_list() == [
        "23000", "86787.00", "38", "true", "duties;signboard", "31000"
    ]  # fmt: skip
    _outcome(tmp_path, registry)


def test_an_unclosed_quote_is_an_error_naming_its_row(registry: Registry, tmp_path: Path) -> None:
    folder = _write(
        tmp_path,
        [["unit", "indicator", "period", "value"],
         ["360821", "registered_population", "2018", "31000"],
         ["360821", "office_funding", "2018", "5"],
         ["360821102", "registered_population", "2018", "31000"]],
    )  # fmt: skip
    text = (folder / "facts.csv").read_text("utf-8").replace(",2018,5", ',2018,"5')
    (folder / "facts.csv").write_text(text, "utf-8")
    with pytest.raises(DatasetError) as caught:
        read_tables(folder, registry.indicators)
    assert "facts.csv row 3: expected well-formed CSV, found unexpected end of data" in str(
        caught.value
    )


def test_a_misspelt_indicator_is_named_with_a_guess(registry: Registry, tmp_path: Path) -> None:
    folder = _write(
        tmp_path, [["unit", "indicator", "value"], ["360821", "registered_populaton", "5"]]
    )
    with pytest.raises(DatasetError, match="did you mean 'registered_population'"):
        read_tables(folder, registry.indicators)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("dup.yaml", "units:\n  - {code: '3608', name: 吉安市, level: prefecture}\nunits: []\n",
         "the key 'units' given twice in one object at line 3 column 1"),
        ("dup.json", '{"units": [], "name": "a", "name": "b"}',
         "field 'name': expected each key once in an object, found the key 'name' given twice"),
    ],
)  # fmt: skip
def test_a_key_given_twice_is_an_error(
    registry: Registry, tmp_path: Path, name: str, text: str, message: str
) -> None:
    (tmp_path / name).write_text(text, "utf-8")
    with pytest.raises(DatasetError, match=message):
        read_tables(tmp_path / name, registry.indicators)


def test_a_parquet_dataset_with_a_float_column_is_refused(
    registry: Registry, tmp_path: Path
) -> None:
    pl.DataFrame({"code": ["3608"], "name": ["吉安市"], "level": ["prefecture"]}).write_parquet(
        tmp_path / "units.parquet"
    )
    pl.DataFrame(
        {"unit": ["3608"], "indicator": ["office_funding"], "period": ["2018"], "value": [0.1]}
    ).write_parquet(tmp_path / "facts.parquet")
    with pytest.raises(
        DatasetError,
        match=r"field .value.: expected a column of text, integers, exact decimals, dates or yes/no \(not floats\), found Float64",
    ):
        read_tables(tmp_path, registry.indicators)


def test_a_parquet_dataset_names_a_bad_value_by_row(registry: Registry, tmp_path: Path) -> None:
    pl.DataFrame({"code": ["3608"], "name": ["吉安市"], "level": ["prefecture"]}).write_parquet(
        tmp_path / "units.parquet"
    )
    pl.DataFrame(
        {
            "unit": ["3608", "3608"],
            "indicator": ["office_funding", "office_area"],
            "value": ["5", "lots"],
        }
    ).write_parquet(tmp_path / "facts.parquet")
    with pytest.raises(
        DatasetError,
        match=r"facts.parquet row 3: unit 3608: field 'office_area': expected a number, found 'lots'",
    ):
        read_tables(tmp_path, registry.indicators)
