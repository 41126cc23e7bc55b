"""A facts file in wide form (a unit a row, an indicator a column) reads as its long form."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minzheng import (
    DatasetError,
    DatasetStream,
    Engine,
    Finding,
    Registry,
    load_dataset,
    write_dataset,
)
from minzheng.cli import main
from minzheng.report.render import finding_to_json

DATA = Path(__file__).parent / "data"
ON = date(2022, 12, 31)
UNITS = (DATA / "demo-csv" / "units.csv").read_text("utf-8")


def _long_rows() -> list[list[str]]:
    with (DATA / "demo-csv" / "facts.csv").open(newline="", encoding="utf-8") as source:
        return list(csv.reader(source))[1:]


def _write(folder: Path, name: str, rows: list[list[str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "units.csv").write_text(UNITS, "utf-8")
    with (folder / name).open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return folder / name


def _wide(
    long: list[list[str]], columns: list[str], blank: frozenset[tuple[str, str, str]]
) -> list[list[str]]:
    """The long rows as a wide table: a row per (unit, period), in unit order."""
    cells: dict[tuple[str, str], dict[str, str]] = {}
    for unit, indicator, period, value in long:
        if (unit, indicator, period) not in blank:
            cells.setdefault((unit, period), {})[indicator] = value
    rows = [["unit", "period", *columns]]
    for (unit, period), values in sorted(cells.items()):
        rows.append([unit, period, *(values.get(c, "") for c in columns)])
    return rows


def _json(finding: Finding) -> str:
    return json.dumps(finding_to_json(finding), ensure_ascii=False, sort_keys=True)


LONG = _long_rows()
INDICATORS = sorted({row[1] for row in LONG})


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    columns=st.permutations(INDICATORS),
    blank=st.frozensets(st.sampled_from([(r[0], r[1], r[2]) for r in LONG])),
)
def test_a_wide_table_reads_as_the_same_facts_in_long_form(
    tmp_path_factory: pytest.TempPathFactory,
    registry: Registry,
    columns: list[str],
    blank: frozenset[tuple[str, str, str]],
) -> None:
    folder = tmp_path_factory.mktemp("wide")
    kept = [r for r in LONG if (r[0], r[1], r[2]) not in blank]
    long = load_dataset(
        _write(folder / "long", "facts.csv", [["unit", "indicator", "period", "value"], *kept]),
        registry.indicators,
    )
    wide_path = _write(folder / "wide", "table.csv", _wide(LONG, columns, blank))
    wide = load_dataset(wide_path, registry.indicators)
    assert wide.facts == long.facts
    assert wide.units == long.units
    long_stream = DatasetStream(folder / "long", registry.indicators)
    assert DatasetStream(wide_path, registry.indicators).latest_period_end() == (
        long_stream.latest_period_end()
    )
    engine = Engine(registry)
    loaded = list(engine.iter_assess(long, on=ON))
    streamed = list(engine.iter_assess(DatasetStream(wide_path, registry.indicators), on=ON))
    # by their JSON, where a checklist's items are sorted (a set's repr has no fixed order)
    assert sorted(map(_json, streamed)) == sorted(map(_json, loaded))


def test_a_wide_table_without_a_period_column_is_undated(
    tmp_path: Path, registry: Registry
) -> None:
    path = _write(tmp_path, "facts.csv", [["unit", "office_staff", "registered_population"],
                                          ["990101001", "2", "20000"], ["990101002", "", "50000"]])  # fmt: skip
    dataset = load_dataset(tmp_path, registry.indicators)
    assert dataset.facts["990101001"] == {
        "office_staff": {None: 2},
        "registered_population": {None: 20000},
    }
    assert dataset.facts["990101002"] == {
        "registered_population": {None: 50000}
    }  # empty: not known
    assert DatasetStream(path, registry.indicators).latest_period_end() is None


def _problems(path: Path, registry: Registry) -> list[str]:
    with pytest.raises(DatasetError) as info:
        load_dataset(path, registry.indicators)
    return [str(p) for p in info.value.problems]


def test_a_wide_value_that_does_not_fit_names_row_unit_and_column(
    tmp_path: Path, registry: Registry
) -> None:
    path = _write(tmp_path, "facts.csv", [["unit", "period", "office_staff", "cremation_rate"],
                                          ["990101001", "2018", "-2", ""], ["990101", "", "", "0.5"]])  # fmt: skip
    problems = _problems(path, registry)
    assert len(problems) == 2, problems
    assert problems[0].startswith(
        f"{path} row 2: unit 990101001: field 'office_staff[2018]': expected"
    )
    assert problems[1].startswith(f"{path} row 3: unit 990101: field 'cremation_rate': expected")


def test_an_unknown_column_is_named_with_the_closest_indicator(
    tmp_path: Path, registry: Registry
) -> None:
    path = _write(
        tmp_path, "facts.csv", [["unit", "office_staf", "carrers"], ["990101001", "2", "1"]]
    )
    assert _problems(path, registry) == [
        f"{path} row 1: field 'office_staf': expected a known indicator, found 'office_staf' "
        "(did you mean 'office_staff'?)",
        f"{path} row 1: field 'carrers': expected a known indicator, found 'carrers' "
        "(did you mean 'carers'?)",
    ]


def test_an_unknown_unit_is_reported_once_for_its_row(tmp_path: Path, registry: Registry) -> None:
    path = _write(tmp_path, "facts.csv", [["unit", "office_staff", "registered_population"],
                                          ["990101009", "2", "20000"]])  # fmt: skip
    problems = _problems(path, registry)
    assert len(problems) == 1, problems
    assert "row 2: unit 990101009: field 'unit'" in problems[0]
    with pytest.raises(DatasetError) as info:
        list(DatasetStream(path, registry.indicators).blocks())
    assert [str(p) for p in info.value.problems] == problems


def test_a_bad_period_is_reported_once_for_its_row(tmp_path: Path, registry: Registry) -> None:
    wide = _write(tmp_path / "wide", "facts.csv", [["unit", "period", "office_staff", "carers", "registered_population"],
                                                   ["990101001", "2018x", "2", "1", "20000"],
                                                   ["990101001", "2019", "3", "1", "20000"],
                                                   ["990101002", "20l9", "", "", "1"]])  # fmt: skip
    problems = _problems(wide, registry)
    assert [p.split(": expected")[0] for p in problems] == [
        f"{wide} row 2: unit 990101001: field 'period'",
        f"{wide} row 4: unit 990101002: field 'period'",
    ]
    assert "found '2018x'" in problems[0]
    with pytest.raises(DatasetError) as info:
        list(DatasetStream(wide, registry.indicators).blocks())
    assert [str(p) for p in info.value.problems] == problems
    # in long form a row has one value, and the column is named the same way
    long = _write(tmp_path / "long", "facts.csv", [["unit", "indicator", "period", "value"],
                                                   ["990101001", "office_staff", "2018x", "2"]])  # fmt: skip
    assert _problems(long, registry)[0].startswith(f"{long} row 2: unit 990101001: field 'period'")


@pytest.mark.parametrize(
    ("header", "found"),
    [
        ("code,office_staff", "found code,office_staff"),  # no unit column
        (
            "unit,office_staff,office_staff",
            "found unit,office_staff,office_staff (each column named once)",
        ),
        ("unit,indicator,period", "found unit,indicator,period"),  # long, without values
        ("unit,indicator,value,note", "found unit,indicator,value,note"),
        ("unit,period", "found unit,period"),  # no indicator at all
    ],
)
def test_a_header_in_neither_form_is_named(
    tmp_path: Path, registry: Registry, header: str, found: str
) -> None:
    (tmp_path / "units.csv").write_text(UNITS, "utf-8")
    (tmp_path / "facts.csv").write_text(header + "\n", "utf-8")
    assert _problems(tmp_path, registry) == [
        f"{tmp_path / 'facts.csv'} row 1: expected the header unit,indicator,period,value (a value "
        f"a row) or unit[,period] and indicator ids (a value a column), {found}"
    ]


def test_a_facts_file_of_any_name_is_read_as_itself(tmp_path: Path, registry: Registry) -> None:
    """``sorted.csv`` beside ``facts.csv`` (as the large-data how-to makes it) is read, not
    the ``facts.csv`` next to it; writing to a ``.csv`` path and reading it back agree."""
    _write(tmp_path, "facts.csv", [["unit", "office_staff"], ["990101001", "1"]])
    _write(tmp_path, "sorted.csv", [["unit", "office_staff"], ["990101001", "2"]])
    assert load_dataset(tmp_path / "sorted.csv", registry.indicators).facts["990101001"] == {
        "office_staff": {None: 2}
    }
    assert load_dataset(tmp_path / "units.csv", registry.indicators).facts["990101001"] == {
        "office_staff": {None: 1}
    }
    stream = DatasetStream(tmp_path / "sorted.csv", registry.indicators)
    assert stream.facts_path.name == "sorted.csv"
    assert (stream.name, stream.source) == ("sorted", str(tmp_path / "sorted.csv"))
    assert load_dataset(tmp_path / "sorted.csv", registry.indicators).name == "sorted"
    assert load_dataset(tmp_path, registry.indicators).name == tmp_path.name
    dataset = load_dataset(tmp_path, registry.indicators)
    write_dataset(dataset, tmp_path / "copy" / "2018.csv", registry.indicators)
    assert sorted(p.name for p in (tmp_path / "copy").iterdir()) == ["2018.csv", "units.csv"]
    again = load_dataset(tmp_path / "copy" / "2018.csv", registry.indicators)
    assert (again.units, again.facts) == (dataset.units, dataset.facts)


def test_the_cli_assesses_a_wide_table_and_names_its_mistakes(jian_table: Path) -> None:
    """With the installed packs: the table OpenFisca's peer reads in the benchmark."""
    out = jian_table.parent / "findings.jsonl"
    result = CliRunner().invoke(main, ["assess", str(jian_table), "--pack", "jian", "--rule",
                                       "J-staff-by-pop", "--format", "jsonl", "-o", str(out)])  # fmt: skip
    assert result.exit_code == 1, result.output  # one township is short of staff
    found = {
        f["unit"]: (f["required"], f["status"])
        for f in map(json.loads, out.read_text("utf-8").splitlines()[1:])  # after the run
    }
    assert found == {
        "360821101": ("2", "met"),
        "360821102": ("3", "not_met"),
        "360821103": ("5", "met"),
    }
    jian_table.write_text("unit,registered_population,ofice_staff\n", "utf-8")
    result = CliRunner().invoke(main, ["assess", str(jian_table), "--pack", "jian"])
    assert result.exit_code == 2
    assert "field 'ofice_staff': expected a known indicator" in result.output
    assert "did you mean 'office_staff'?" in result.output
    assert "Traceback" not in result.output


@pytest.fixture
def jian_table(tmp_path: Path) -> Path:
    (tmp_path / "units.csv").write_text(
        "code,name,level,parent,area,type\n360821,吉安县,county,,,\n"
        + "".join(f"36082110{i},镇{i},township,360821,,\n" for i in (1, 2, 3)),
        "utf-8",
    )
    table = tmp_path / "townships.csv"
    table.write_text(
        "unit,registered_population,office_staff\n"
        "360821101,20000,2\n360821102,20001,2\n360821103,50000,5\n",
        "utf-8",
    )
    return table


def test_validate_checks_a_table_not_in_blocks_by_county_whole(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text(
        "code,name,level,parent,area,type\n360821,吉安县,county,,,\n360822,吉水县,county,,,\n"
        "360821101,甲镇,township,360821,,\n360822101,乙镇,township,360822,,\n",
        "utf-8",
    )
    table = tmp_path / "2018.csv"
    table.write_text(  # the second county's township between the first's
        "unit,office_staff\n360821101,2\n360822101,3\n360821,1\n", "utf-8"
    )
    result = CliRunner().invoke(main, ["validate", str(table)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # any order is fine: nothing to warn about
    assert "4 units, 3 facts" in result.stdout
