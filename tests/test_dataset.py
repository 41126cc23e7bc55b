"""Loading datasets: every format, every kind of bad input, and round trips."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minzheng import Dataset, DatasetError, Level, Registry, Unit, load_dataset, write_dataset
from minzheng.io.dataset import dump_dataset, read_dataset


def _write_yaml(tmp_path: Path, data: Any, name: str = "data.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _error(path: Path, registry: Registry) -> DatasetError:
    with pytest.raises(DatasetError) as info:
        load_dataset(path, registry.indicators)
    return info.value


COUNTY = {"code": "990101", "name": "甲县", "level": "county"}


def _one_problem(tmp_path: Path, registry: Registry, units: list[Any], **top: Any) -> str:
    path = _write_yaml(tmp_path, {"units": units, **top})
    error = _error(path, registry)
    assert len(error.problems) == 1, error.problems
    message = str(error.problems[0])
    assert message.startswith(str(path)), message  # names the file
    return message


def test_demo_loads(demo: Dataset) -> None:
    assert len(demo) == 10
    assert demo.as_of == date(2022, 12, 31)
    assert demo.units["990101001"].parent == "990101"  # inferred from the code
    assert demo.units["990101001-HALL"].parent == "990101001"
    assert demo.facts["990101"]["county_budget"] == {
        "2017": Decimal(50000),
        "2018": Decimal("120000.50"),
    }
    assert demo.facts["990101"]["cremation_rate"] == {None: Decimal(100)}


def test_value_as_of(demo: Dataset) -> None:
    assert demo.value_as_of("990101", "county_budget", date(2017, 12, 31)) == (
        "2017",
        Decimal(50000),
    )
    assert demo.value_as_of("990101", "county_budget", date(2018, 6, 1)) == ("2017", Decimal(50000))
    assert demo.value_as_of("990101", "county_budget", date(2030, 1, 1)) == (
        "2018",
        Decimal("120000.50"),
    )
    assert demo.value_as_of("990101", "county_budget", date(2016, 1, 1)) is None
    assert demo.value_as_of("990101", "cremation_rate", date(1999, 1, 1)) == (None, Decimal(100))
    assert demo.value_as_of("990101", "office_staff", date(2020, 1, 1)) is None


def test_tree(demo: Dataset) -> None:
    assert [u.code for u in demo.children("990101")] == ["990101001", "990101002"]
    assert [u.code for u in demo.ancestors("990101001-NH1")] == [
        "990101001",
        "990101",
        "9901",
        "99",
    ]


def test_unquoted_codes_are_read_as_text(tmp_path: Path, registry: Registry) -> None:
    path = _write_yaml(tmp_path, {"units": [{"code": 990101, "name": "甲县", "level": "county"}]})
    assert list(load_dataset(path, registry.indicators).units) == ["990101"]


# ---------------------------------------------------------------- bad input, one by one


def test_malformed_yaml(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("units:\n  - code: '990101\n    name: x\n", "utf-8")
    message = str(_error(path, registry))
    assert str(path) in message
    assert "well-formed YAML" in message
    assert "line" in message


def test_malformed_json(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"units": [ {"code": "990101",} ]}', "utf-8")
    message = str(_error(path, registry))
    assert "well-formed JSON" in message
    assert "line 1 column" in message


def test_missing_file(tmp_path: Path, registry: Registry) -> None:
    assert "no such file" in str(_error(tmp_path / "nope.yaml", registry))


def test_unsupported_suffix(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "data.xls"
    path.write_bytes(b"PK")
    assert ".json, .yaml" in str(_error(path, registry))


def test_a_corrupt_workbook(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "data.xlsx"
    path.write_bytes(b"not a zip")
    assert "expected an Excel workbook (.xlsx)" in str(_error(path, registry))


def test_not_a_dataset(tmp_path: Path, registry: Registry) -> None:
    path = _write_yaml(tmp_path, ["just", "a", "list"])
    assert "a list of units under 'units'" in str(_error(path, registry))


def test_unknown_indicator_suggests_the_closest(tmp_path: Path, registry: Registry) -> None:
    message = _one_problem(tmp_path, registry, [{**COUNTY, "facts": {"resident_populaton": 5}}])
    assert "unit 990101" in message
    assert "field 'resident_populaton'" in message
    assert "did you mean 'resident_population'?" in message


def test_wrong_type(tmp_path: Path, registry: Registry) -> None:
    message = _one_problem(tmp_path, registry, [{**COUNTY, "facts": {"civil_window": 3}}])
    assert "unit 990101: field 'civil_window': expected yes or no" in message
    message = _one_problem(tmp_path, registry, [{**COUNTY, "name": 3}])
    assert "field 'name': expected text, found 3" in message


def test_wrong_level(tmp_path: Path, registry: Registry) -> None:
    message = _one_problem(tmp_path, registry, [{**COUNTY, "level": "town"}])
    assert (
        "field 'level': expected one of province, prefecture, county, township, village, facility"
        in message
    )


def test_unknown_unit_field(tmp_path: Path, registry: Registry) -> None:
    message = _one_problem(tmp_path, registry, [{**COUNTY, "nmae": "x"}])
    assert "unit 990101: field 'nmae': expected no such field" in message


def test_missing_required_field(tmp_path: Path, registry: Registry) -> None:
    message = _one_problem(tmp_path, registry, [{"code": "990101", "level": "county"}])
    assert "field 'name': expected a value (the field is required)" in message


def test_negative_count(tmp_path: Path, registry: Registry) -> None:
    message = _one_problem(tmp_path, registry, [{**COUNTY, "facts": {"resident_population": -5}}])
    assert (
        "unit 990101: field 'resident_population': expected a value of at least 0, found -5"
        in message
    )


def test_percentage_over_100(tmp_path: Path, registry: Registry) -> None:
    message = _one_problem(tmp_path, registry, [{**COUNTY, "facts": {"cremation_rate": "101%"}}])
    assert "field 'cremation_rate': expected a value of at most 100%, found '101%'" in message


def test_percentage_over_100_in_a_period(tmp_path: Path, registry: Registry) -> None:
    message = _one_problem(
        tmp_path, registry, [{**COUNTY, "facts": {"cremation_rate": {2021: "120%"}}}]
    )
    assert "field 'cremation_rate[2021]'" in message


def test_ambiguous_bare_number(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "data.yaml"
    path.write_text(
        "units:\n  - {code: '990101', name: 甲县, level: county, facts: {cremation_rate: 0.98}}\n",
        "utf-8",
    )
    error = _error(path, registry)
    message = str(error.problems[0])
    assert "field 'cremation_rate': expected a rate written with its sign, e.g. '98%'" in message
    assert "ambiguous" in message


def test_duplicate_unit_code(tmp_path: Path, registry: Registry) -> None:
    message = _one_problem(tmp_path, registry, [COUNTY, {**COUNTY, "name": "重复"}])
    assert (
        "unit 990101: field 'code': expected a code used by one unit only, found a duplicate"
        in message
    )


def test_unknown_parent(tmp_path: Path, registry: Registry) -> None:
    message = _one_problem(
        tmp_path,
        registry,
        [COUNTY, {"code": "990101001", "name": "镇", "level": "township", "parent": "990110"}],
    )
    assert (
        "unit 990101001: field 'parent': expected the code of a unit in this dataset, found '990110'"
        in message
    )
    assert "did you mean '990101'?" in message


def test_parent_cycle(tmp_path: Path, registry: Registry) -> None:
    units = [
        {"code": "990101", "name": "甲", "level": "county", "parent": "990102"},
        {"code": "990102", "name": "乙", "level": "county", "parent": "990101"},
    ]
    message = _one_problem(tmp_path, registry, units)
    assert (
        "field 'parent': expected a chain of parents that ends, found a cycle: 990101 → 990102 → 990101"
        in message
    )


@given(st.lists(st.integers(0, 7), min_size=1, max_size=8))
def test_every_cycle_of_parents_is_reported_once(parents: list[int]) -> None:
    """Counties whose parents are other counties (wrong, but it makes any graph): each
    cycle of parents is one problem, wherever the walk enters it."""
    from minzheng.io.dataset import DatasetBuilder

    codes = [f"9901{i:02d}" for i in range(len(parents))]
    builder = DatasetBuilder("units", {})
    for code, parent in zip(codes, parents, strict=True):
        builder.units[code] = Unit(code, code, Level.COUNTY, codes[parent % len(codes)])
    builder.check_tree()
    cycles = set()
    for start in range(len(codes)):  # follow each chain until a unit repeats
        seen: list[int] = []
        at = start
        while at not in seen:
            seen.append(at)
            at = parents[at] % len(codes)
        cycles.add(frozenset(seen[seen.index(at) :]))
    reported = [p for p in builder.problems if "a cycle" in str(p.found)]
    assert len(reported) == len(cycles)


def test_parent_below_its_child(tmp_path: Path, registry: Registry) -> None:
    units = [
        {"code": "990102", "name": "乙县", "level": "county"},
        {"code": "990102001", "name": "镇", "level": "township"},
        {**COUNTY, "parent": "990102001"},
    ]
    message = _one_problem(tmp_path, registry, units)
    assert "unit 990101: field 'parent': expected a unit above the county level" in message


def test_parent_whose_code_is_not_a_prefix(tmp_path: Path, registry: Registry) -> None:
    units = [COUNTY, {"code": "990201001", "name": "镇", "level": "township", "parent": "990101"}]
    message = _one_problem(tmp_path, registry, units)
    assert "unit 990201001: field 'parent'" in message
    assert "begins '990201001'" not in message or "starts with its parent's code" in message


def test_code_that_does_not_fit_its_level(tmp_path: Path, registry: Registry) -> None:
    message = _one_problem(
        tmp_path, registry, [{"code": "99010", "name": "甲县", "level": "county"}]
    )
    assert "unit 99010: field 'code': expected a county code of 6 digits, found '99010'" in message


def test_mixed_dated_and_undated_values(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "mixed"
    path.mkdir()
    (path / "units.csv").write_text("code,name,level\n990101,甲县,county\n", "utf-8")
    (path / "facts.csv").write_text(
        "unit,indicator,period,value\n990101,social_workers,,3\n990101,social_workers,2020,4\n",
        "utf-8",
    )
    error = _error(path, registry)
    assert "facts.csv row 3: unit 990101: field 'social_workers[2020]'" in str(error)


def test_bad_period(tmp_path: Path, registry: Registry) -> None:
    message = _one_problem(
        tmp_path, registry, [{**COUNTY, "facts": {"social_workers": {"2020Q1": 3}}}]
    )
    assert "field 'social_workers': expected a period" in message


def test_every_problem_is_reported_at_once(tmp_path: Path, registry: Registry) -> None:
    units = [
        {**COUNTY, "facts": {"social_workers": -1, "cremation_rate": "200%"}},
        {"code": "9901011", "name": "x", "level": "township"},
    ]
    error = _error(_write_yaml(tmp_path, {"units": units}), registry)
    assert len(error.problems) == 3


def test_csv_problems_name_the_row(tmp_path: Path, registry: Registry) -> None:
    (tmp_path / "units.csv").write_text(
        "code,name,level,parent,area,type\n990101,甲县,county,,,\n", "utf-8"
    )
    (tmp_path / "facts.csv").write_text(
        "unit,indicator,period,value\n990101,social_workers,2020,3\n990101,cremation_rate,2020,0.5\n990109,social_workers,,1\n",
        "utf-8",
    )
    error = _error(tmp_path / "facts.csv", registry)
    messages = [str(p) for p in error.problems]
    assert any(
        "facts.csv row 3: unit 990101: field 'cremation_rate[2020]'" in m for m in messages
    ), messages
    assert any(
        "facts.csv row 4: unit 990109: field 'unit'" in m and "did you mean '990101'" in m
        for m in messages
    )


def test_csv_bad_header(tmp_path: Path, registry: Registry) -> None:
    (tmp_path / "units.csv").write_text("code,nom,level\n", "utf-8")
    (tmp_path / "facts.csv").write_text("unit,indicator,period,value\n", "utf-8")
    message = str(_error(tmp_path, registry))
    assert (
        "units.csv row 1: expected the header code,name,level,parent,area,type, found code,nom,level"
        in message
    )


def test_null_values_are_unknown_not_errors(tmp_path: Path, registry: Registry) -> None:
    path = _write_yaml(tmp_path, {"units": [{**COUNTY, "facts": {"social_workers": None}}]})
    dataset = load_dataset(path, registry.indicators)
    assert dataset.facts.get("990101", {}) == {}


# ---------------------------------------------------------------- round trips


def test_demo_round_trips_through_every_format(
    tmp_path: Path, registry: Registry, demo: Dataset
) -> None:
    for target in ("demo.json", "demo.yaml", "csv"):
        write_dataset(demo, tmp_path / target, registry.indicators)
        back = load_dataset(tmp_path / target, registry.indicators)
        assert back.units == demo.units
        assert back.facts == demo.facts
        if target != "csv":  # CSV has no place for the dataset's name, note and date
            assert (back.name, back.note, back.as_of) == (demo.name, demo.note, demo.as_of)


_VALUES = {
    "resident_population": st.integers(0, 10**8),
    "social_workers": st.integers(0, 10**5),
    "cremation_rate": st.decimals(0, 100, places=2),
    "gov_bed_share": st.decimals(0, 100, places=1),
    "county_budget": st.decimals(0, 10**10, places=2),
    "civil_window": st.booleans(),
    "office_fixtures": st.frozensets(st.sampled_from(["phone", "computer", "printer"])),
}


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    units: dict[str, Unit] = {"99": Unit("99", "演示省", Level.PROVINCE)}
    units["9901"] = Unit("9901", "演示市", Level.PREFECTURE, "99")
    facts: dict[str, dict[str, dict[str | None, Any]]] = {}
    for c in range(1, draw(st.integers(1, 3)) + 1):
        county = f"9901{c:02d}"
        units[county] = Unit(
            county,
            draw(
                st.text(st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=8)
                .map(str.strip)
                .filter(bool)
            ),
            Level.COUNTY,
            "9901",
            draw(st.sampled_from([None, *list(__import__("minzheng").Area)])),
        )
        for t in range(1, draw(st.integers(0, 2)) + 1):
            town = f"{county}{t:03d}"
            units[town] = Unit(
                town,
                f"镇{t}",
                Level.TOWNSHIP,
                county,
                type=draw(st.sampled_from([None, "street", "town"])),
            )
    for code in units:
        chosen = draw(st.lists(st.sampled_from(sorted(_VALUES)), unique=True, max_size=4))
        for indicator in chosen:
            if draw(st.booleans()):
                facts.setdefault(code, {})[indicator] = {None: draw(_VALUES[indicator])}
            else:
                years = draw(st.lists(st.integers(2015, 2025), min_size=1, max_size=3, unique=True))
                facts.setdefault(code, {})[indicator] = {
                    str(y): draw(_VALUES[indicator]) for y in years
                }
    return Dataset(units=units, facts=facts, name="generated", as_of=draw(st.none() | st.dates()))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets())
def test_everything_the_loader_accepts_round_trips(dataset: Dataset) -> None:
    import demo_pack
    from minzheng.testing import make_registry

    indicators = make_registry(("demo", demo_pack)).indicators
    plain = dump_dataset(dataset, indicators)
    from_json = read_dataset(json.dumps(plain, ensure_ascii=False), "json", indicators)
    from_yaml = read_dataset(yaml.safe_dump(plain, allow_unicode=True), "yaml", indicators)
    for back in (from_json, from_yaml):
        assert back.units == dataset.units
        assert back.facts == dataset.facts
        assert back.as_of == dataset.as_of
    with tempfile.TemporaryDirectory() as folder:
        write_dataset(dataset, Path(folder), indicators)
        back = load_dataset(folder, indicators)
        assert back.units == dataset.units
        assert back.facts == dataset.facts


_CELLS = {
    "code": st.sampled_from(
        ["990101", "990101001", "990101001001", "990101001-NH1", "99010", "9901x1", "99", ""]
    ),
    "name": st.sampled_from(["甲县", "镇", "a\x07b", "x", ""]),
    "level": st.sampled_from(["county", "township", "village", "facility", "Village", "", "城"]),
    "parent": st.sampled_from(["", "990101", "990101001", "99", "990199"]),
    "area": st.sampled_from(["", "urban", "rural", "Rural", "city"]),
    "type": st.sampled_from(["", "street", "nursing_home"]),
}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.fixed_dictionaries(_CELLS), max_size=8))
def test_units_csv_reads_alike_by_the_direct_path_and_the_general_one(
    rows: list[dict[str, str]],
) -> None:
    """A ``units.csv`` with the usual header is read row by row on a direct path that
    hands any row it cannot take to the general one; with its columns in another order
    every row takes the general path. Both give the same units and the same problems."""
    from minzheng.io.dataset import _UNIT_COLUMNS, DatasetBuilder, read_units_csv

    builders = []
    for header in (_UNIT_COLUMNS, tuple(reversed(_UNIT_COLUMNS))):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "units.csv"
            lines = [",".join(header), *(",".join(row[c] for c in header) for row in rows)]
            path.write_text("\n".join(lines) + "\n", "utf-8")
            builder = DatasetBuilder("units.csv", {})
            read_units_csv(path, builder)
            builders.append(builder)
    direct, general = builders
    assert direct.units == general.units
    assert list(direct.units) == list(general.units)
    assert [str(p) for p in direct.problems] == [str(p) for p in general.problems]
