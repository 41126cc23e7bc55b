"""The Yancheng pack: the table, scorecards, review, timeline, and seed 002."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import minzheng_yancheng
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import minzheng.cli
from conftest import CITY, COUNTIES, REGISTRY, county, finding, full_marks, table, with_total
from minzheng import Attribute, Severity, Status
from minzheng.rules.scoring import load_score_table
from minzheng.testing import (
    assert_citations_verbatim,
    assert_pack_conforms,
    make_registry,
    sources_dir,
)

_SHARED = Path(__file__).resolve().parents[3].parent / "shared"
IDS = [
    "Y-categories", "Y-five-izations", "Y-six-systems", "Y-four-izations", "Y-apply-threshold", "Y-city-review",
    "Y-dual-assessment", "Y-timeline", "Y-annual-review", "Y-livelihood-officer", "Y-poverty-actions",
]  # fmt: skip
DATA = Path(minzheng_yancheng.__file__).parent / "data"


def test_conforms() -> None:
    assert_pack_conforms(
        minzheng_yancheng.pack, data_files=[DATA / "rules.yaml", DATA / "indicators.yaml"]
    )


def test_every_y_rule() -> None:
    assert sorted(r.id for r in REGISTRY.pack("yancheng").rules) == sorted(IDS)


def test_ids_and_citations_match_the_digest_and_seeds() -> None:
    digest = _SHARED / "spec" / "rule-digest.md"
    if not digest.exists():
        pytest.skip("the rule digest and seeds are not beside the repository")
    text = digest.read_text("utf-8")
    section = text[text.index("## Yancheng") : text.index("## A fourth")]
    assert sorted(set(re.findall(r"^\| (Y-[\w-]+) \|", section, re.M))) == sorted(IDS)
    assert_citations_verbatim(REGISTRY.pack("yancheng"), sources_dir(_SHARED / "seeds"))


def test_the_shipped_table_says_it_is_illustrative() -> None:
    shipped = table()
    assert shipped.illustrative
    assert "illustrative" in shipped.note
    assert "ILLUSTRATIVE" in (DATA / "table.yaml").read_text("utf-8")
    assert sum(i.max for i in shipped.indicators if not shipped.is_bonus(i)) == 100


# ---------------------------------------------------------------- self-assessment


@pytest.mark.parametrize(
    ("total", "status"),
    [
        (Decimal(100), Status.MET),
        (Decimal(90), Status.MET),
        (Decimal("89.5"), Status.NOT_MET),
        (Decimal(89), Status.NOT_MET),
    ],
)
def test_eligibility_at_90_and_just_below(total: Decimal, status: Status) -> None:
    evidence = dict.fromkeys(full_marks(), 1)
    f = finding(
        "Y-apply-threshold",
        county(self_scores={2017: with_total(total)}, self_evidence={2017: evidence}),
        unit="320902",
    )
    assert f.status is status
    assert f.actual == total
    assert f.required == 90
    assert f.severity is (None if status is Status.MET else Severity.WARNING)


def test_bonus_counts_only_on_top() -> None:
    evidence = dict.fromkeys(full_marks(), 1)
    sheet = with_total(Decimal(88), bonus=Decimal(3))
    f = finding(
        "Y-apply-threshold",
        county(self_scores={2017: sheet}, self_evidence={2017: evidence}),
        unit="320902",
    )
    assert f.actual == 91  # 88 base + 3 bonus reaches 90 with the shipped table's reading
    assert f.status is Status.MET
    perfect = finding(
        "Y-apply-threshold",
        county(self_scores={2017: full_marks(Decimal(5))}, self_evidence={2017: evidence}),
        unit="320902",
    )
    assert perfect.actual == 105  # bonus on top of a full base of 100
    # with an official table that leaves the bonus out of the threshold, 88 + 3 is not enough
    strict = pytest.importorskip("attrs").evolve(table(), threshold_includes_bonus=False)
    f = finding(
        "Y-apply-threshold",
        county(self_scores={2017: sheet}, self_evidence={2017: evidence}),
        unit="320902",
        options={"score_table": strict},
    )
    assert (f.status, f.actual) == (Status.NOT_MET, 88)


def test_scored_without_evidence_is_flagged() -> None:
    evidence = dict.fromkeys(full_marks(), 1)
    evidence["satisfaction"] = 0
    f = finding(
        "Y-apply-threshold",
        county(self_scores={2017: full_marks()}, self_evidence={2017: evidence}),
        unit="320902",
    )
    assert f.status is Status.NOT_MET
    assert f.details == ("no evidence: satisfaction",)
    missing = finding("Y-apply-threshold", county(self_scores={2017: full_marks()}), unit="320902")
    assert (missing.status, missing.missing) == (Status.UNKNOWN, ("self_evidence",))


def test_unscored_indicators_can_leave_eligibility_unknown() -> None:
    sheet = full_marks()
    del sheet["satisfaction"]  # 85 scored, satisfaction's 15 could carry it over 90
    assert (
        finding("Y-apply-threshold", county(self_scores={2017: sheet}), unit="320902").status
        is Status.UNKNOWN
    )
    low = {k: v for k, v in with_total(Decimal(70)).items() if k != "innovation"}
    del low["rule_of_law"]  # 65 scored + at most 5 + 5 bonus < 90
    assert (
        finding("Y-apply-threshold", county(self_scores={2017: low}), unit="320902").status
        is Status.NOT_MET
    )


def test_a_sheet_above_the_maximum_is_an_error_naming_the_item() -> None:
    sheet = full_marks()
    sheet["satisfaction"] = Decimal(16)
    f = finding("Y-city-review", county(city_scores={2017: sheet}), unit="320902")
    assert f.status is Status.ERROR
    assert "satisfaction: 16 > max 15" in f.message_en
    sheet = {**full_marks(), "satisfacton": Decimal(1)}
    f = finding("Y-city-review", county(city_scores={2017: sheet}), unit="320902")
    assert "did you mean 'satisfaction'" in f.message_en


# ---------------------------------------------------------------- city review


def test_city_review_recommends_or_gives_feedback_largest_shortfall_first() -> None:
    assert (
        finding(
            "Y-city-review", county(city_scores={2017: with_total(Decimal(90))}), unit="320902"
        ).status
        is Status.MET
    )
    sheet = full_marks()
    sheet["social_welfare"] -= 2
    sheet["rule_of_law"] -= 3
    sheet["satisfaction"] -= 6
    f = finding("Y-city-review", county(city_scores={2017: sheet}), unit="320902")
    assert (f.status, f.actual, f.gap) == (Status.NOT_MET, 89, 1)
    assert f.details == (
        "satisfaction: 9/15, short by 6",
        "rule_of_law: 2/5, short by 3",
        "social_welfare: 5/7, short by 2",
    )
    assert "recommended to the province" not in f.message_en
    assert "反馈审核结果" in f.message_zh


def test_dual_assessment_differences() -> None:
    own, city = full_marks(), full_marks()
    city["satisfaction"] -= 2
    f = finding(
        "Y-dual-assessment",
        county(self_scores={2017: own}, city_scores={2017: city}),
        unit="320902",
    )
    assert f.status is Status.MET
    assert f.gap == 2
    part = next(p for p in f.parts if p.id == "satisfaction")
    assert (part.actual, part.required, part.gap) == (15, 13, 2)
    assert (
        finding("Y-dual-assessment", county(self_scores={2017: own}), unit="320902").status
        is Status.UNKNOWN
    )


def test_an_official_table_from_a_file(tmp_path: Path) -> None:
    official = tmp_path / "official.yaml"
    official.write_text(
        (DATA / "table.yaml")
        .read_text("utf-8")
        .replace("illustrative: true", "illustrative: false")
        .replace(
            "name_en: satisfaction of those served, max: 15",
            "name_en: satisfaction of those served, max: 10",
        )
        .replace(
            "name_en: urban and rural social assistance system, max: 8",
            "name_en: urban and rural social assistance system, max: 13",
        ),
        "utf-8",
    )
    official_table = load_score_table(official)
    sheet = full_marks()
    sheet["social_assistance"] = Decimal(13)
    sheet["satisfaction"] = Decimal(6)  # 4 short of the official 10
    f = finding(
        "Y-city-review",
        county(city_scores={2017: sheet}),
        unit="320902",
        options={"score_table": official_table},
    )
    assert (f.status, f.actual) == (Status.MET, 96)
    assert f.details == ("satisfaction: 6/10, short by 4",)


# ---------------------------------------------------------------- the timeline


def _counties(passing_by_year: dict[str, int]) -> list[dict[str, object]]:
    units = []
    for code, _ in COUNTIES:
        year = passing_by_year.get(code)
        scores = {
            y: with_total(Decimal(92) if year is not None and y >= year else Decimal(80))
            for y in range(2014, 2021)
        }
        units.append(county(code, city_scores=scores))
    return units


_C = [c for c, _ in COUNTIES]
_ON_TRACK = {_C[0]: 2015, _C[1]: 2015} | dict.fromkeys(_C[2:8], 2017)


@pytest.mark.parametrize(
    ("on", "passing", "expected"),
    [
        (
            date(2015, 12, 31),
            {_C[0]: 2015, _C[1]: 2015},
            (Status.MET, True, 2, Attribute.EXPECTED),
        ),
        (
            date(2015, 12, 31),
            {_C[0]: 2015},
            (Status.NOT_MET, True, 2, Attribute.EXPECTED),
        ),
        (
            date(2015, 6, 30),
            {_C[0]: 2015},
            (Status.NOT_MET, False, 2, Attribute.EXPECTED),
        ),
        (
            date(2016, 6, 30),
            {_C[0]: 2015, _C[1]: 2015},
            (Status.MET, True, 2, Attribute.EXPECTED),
        ),
        (
            date(2017, 12, 31),
            _ON_TRACK,
            (Status.MET, True, 8, Attribute.EXPECTED),
        ),
        (
            date(2017, 12, 31),
            {_C[0]: 2015, _C[1]: 2015} | dict.fromkeys(_C[2:7], 2017),
            (Status.NOT_MET, True, 8, Attribute.EXPECTED),
        ),
        (
            date(2019, 12, 31),
            _ON_TRACK,
            (Status.MET, True, 8, Attribute.EXPECTED),
        ),
        (
            date(2020, 12, 31),
            _ON_TRACK | {_C[8]: 2019},
            (Status.MET, True, 9, Attribute.BINDING),
        ),
        (
            date(2020, 12, 31),
            _ON_TRACK,
            (Status.NOT_MET, True, 9, Attribute.BINDING),
        ),
    ],
)
def test_timeline_at_each_deadline(
    on: date, passing: dict[str, int], expected: tuple[Status, bool, int, Attribute]
) -> None:
    """``expected``: the status, whether due, the counties required, the attribute."""
    status, due, required, attribute = expected
    f = finding("Y-timeline", CITY, *_counties(passing), unit="3209", on=on)
    assert f.status is status
    assert f.due is due
    assert f.required == required
    assert f.attribute is attribute
    assert len(f.details) == 3
    if status is Status.NOT_MET:
        assert "missing" in f.message_en
    if (status, due, attribute) == (Status.NOT_MET, True, Attribute.BINDING):
        assert f.severity is Severity.FAILURE


def test_timeline_names_the_counties_still_missing() -> None:
    f = finding(
        "Y-timeline",
        CITY,
        *_counties({"320902": 2015, "320981": 2015}),
        unit="3209",
        on=date(2017, 12, 31),
    )
    assert f.actual == 2
    assert "盐都区" in f.message_en
    assert f.severity is Severity.WARNING  # 2017 is 力争: expected


def test_timeline_share_is_of_all_the_citys_counties() -> None:
    # two of the nine reviewed, both passing in 2015: 2 of 9, not 2 of 2
    two = _counties({_C[0]: 2015, _C[1]: 2015})[:2]
    f = finding("Y-timeline", CITY, *two, unit="3209", on=date(2017, 12, 31))
    assert (f.status, f.actual, f.required) == (Status.NOT_MET, 2, 8)
    assert "7 not in the dataset" in f.message_en
    assert "数据中未列的 7 个" in f.message_zh
    city = {**CITY, "facts": {"county_units": 2}}  # the city's own count wins
    f = finding("Y-timeline", city, *two, unit="3209", on=date(2017, 12, 31))
    assert (f.status, f.actual, f.required) == (Status.MET, 2, 2)


def test_timeline_more_counties_than_the_city_has_is_an_error() -> None:
    city = {**CITY, "facts": {"county_units": 1}}
    f = finding("Y-timeline", city, *_counties({}), unit="3209", on=date(2017, 12, 31))
    assert f.status is Status.ERROR
    assert "more than its 1" in f.message_en


# ---------------------------------------------------------------- the other rules


def test_table_structure_rules_on_the_city() -> None:
    for rule in ("Y-categories", "Y-six-systems", "Y-five-izations", "Y-four-izations"):
        assert finding(rule, CITY, unit="3209").status is Status.MET
    lacking = pytest.importorskip("attrs").evolve(
        table(), indicators=tuple(i for i in table().indicators if i.id != "socialisation")
    )
    f = finding("Y-five-izations", CITY, unit="3209", options={"score_table": lacking})
    assert (f.status, f.details) == (Status.NOT_MET, ("indicator socialisation in features",))


def test_annual_review_reads_each_year() -> None:
    city = {**CITY, "facts": {"in_annual_review": {2014: True, 2015: True}}}
    assert finding("Y-annual-review", city, unit="3209", on=date(2015, 12, 31)).status is Status.MET
    assert (
        finding("Y-annual-review", city, unit="3209", on=date(2016, 12, 31)).status
        is Status.UNKNOWN
    )
    assert (
        finding("Y-annual-review", city, unit="3209", on=date(2013, 12, 31)).status
        is Status.NOT_APPLICABLE
    )


def test_livelihood_officer_share_per_county() -> None:
    f = finding(
        "Y-livelihood-officer",
        county(villages_total=200, villages_with_livelihood_officer=190),
        unit="320902",
    )
    assert (f.status, f.actual) == (Status.NOT_MET, Decimal("95.00"))
    assert (f.attribute, f.severity) == (Attribute.EXPECTED, Severity.WARNING)
    villages = [
        {
            "code": f"320902001{i:03d}",
            "name": f"村{i}",
            "level": "village",
            "facts": {"livelihood_officer": True},
        }
        for i in range(1, 4)
    ]
    town = {"code": "320902001", "name": "镇", "level": "township"}
    assert (
        finding("Y-livelihood-officer", county(), town, *villages, unit="320902").status
        is Status.MET
    )
    assert finding("Y-livelihood-officer", county(), unit="320902").status is Status.UNKNOWN


def test_poverty_actions_2019() -> None:
    city = {**CITY, "facts": {"poverty_special_actions": {2019: 6}, "poverty_measures": {2019: 18}}}
    f = finding("Y-poverty-actions", city, unit="3209", on=date(2019, 12, 31))
    assert f.status is Status.NOT_MET
    assert (
        finding("Y-poverty-actions", city, unit="3209", on=date(2018, 12, 31)).status
        is Status.NOT_APPLICABLE
    )


# ---------------------------------------------------------------- the command line


def _cli(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(
        minzheng.cli.settings, "registry", make_registry(("yancheng", minzheng_yancheng.pack))
    )
    return CliRunner()


def test_cli_table_option(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    runner = _cli(monkeypatch)
    data = tmp_path / "d.json"
    data.write_text(
        json.dumps(
            {
                "units": [
                    county(
                        city_scores={2017: {k: str(v) for k, v in with_total(Decimal(90)).items()}}
                    )
                ]
            },
            ensure_ascii=False,
        ),
        "utf-8",
    )
    result = runner.invoke(
        minzheng.cli.main, ["assess", str(data), "--format", "json", "--on", "2017-12-31"]
    )
    review = next(f for f in json.loads(result.output)["findings"] if f["rule"] == "Y-city-review")
    assert review["status"] == "met"
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (DATA / "table.yaml").read_text("utf-8").replace("max: 15}", "max: 14}"), "utf-8"
    )
    result = runner.invoke(minzheng.cli.main, ["assess", str(data), "--table", str(bad)])
    assert result.exit_code == 2
    assert "points of the non-bonus indicators adding up to 100, found 99" in result.output
    assert "Traceback" not in result.output


def test_cli_rules_lists_every_id(monkeypatch: pytest.MonkeyPatch) -> None:
    output = _cli(monkeypatch).invoke(minzheng.cli.main, ["rules", "yancheng"]).output
    for rule_id in IDS:
        assert rule_id in output


# ---------------------------------------------------------------- properties

ITEMS = [i.id for i in table().indicators]


# each example assesses twice; this shared VM stalls now and then: no deadline
@settings(deadline=None)
@given(st.sampled_from(ITEMS), st.integers(0, 20), st.integers(0, 20), st.data())
def test_raising_one_score_never_lowers_the_total_or_eligibility(
    item: str, cut: int, raise_by: int, data: st.DataObject
) -> None:
    t = table()
    base = full_marks()
    for other in data.draw(st.lists(st.sampled_from(ITEMS), max_size=5)):
        base[other] = max(base[other] - Decimal(cut) / 2, Decimal(0))
    higher = dict(base)
    higher[item] = min(base[item] + Decimal(raise_by) / 2, t.item(item).max)  # type: ignore[union-attr]
    evidence = dict.fromkeys(ITEMS, 1)
    before = finding(
        "Y-apply-threshold",
        county(self_scores={2017: base}, self_evidence={2017: evidence}),
        unit="320902",
    )
    after = finding(
        "Y-apply-threshold",
        county(self_scores={2017: higher}, self_evidence={2017: evidence}),
        unit="320902",
    )
    assert after.actual >= before.actual  # type: ignore[operator]
    if before.status is Status.MET:
        assert after.status is Status.MET
