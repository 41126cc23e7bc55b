"""Tests of the cityplan pack, with the fixtures of minzheng.testing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import minzheng_cityplan
import pytest

from minzheng import Status, load_dataset
from minzheng.testing import assert_citations_verbatim, assert_pack_conforms, sources_dir

DATA = Path(minzheng_cityplan.__file__).parent / "data"
SAMPLE = Path(__file__).parents[1] / "examples" / "sample.yaml"
CITY = {"code": "9901", "name": "示例市", "level": "prefecture"}
COMMUNITY = {
    "code": "990101001001",
    "name": "示例社区",
    "level": "village",
    "type": "urban_community",
}


@pytest.fixture
def minzheng_plugin() -> object:
    """The pack under test (minzheng.testing builds a fresh registry around it)."""
    return minzheng_cityplan.pack


def test_conforms() -> None:
    assert_pack_conforms(
        minzheng_cityplan.pack, data_files=[DATA / "rules.yaml", DATA / "indicators.yaml"]
    )


def test_the_pack_covers_no_region_of_its_own(minzheng_registry: Any) -> None:
    pack = minzheng_registry.pack("cityplan")
    assert pack.info.region.prefixes == ()


CASES = [
    ("C-dibao-publicity", CITY, {"dibao_two_publicity_rounds": True}, {"dibao_two_publicity_rounds": False}),
    ("C-info-officers", CITY, {"village_info_officers": 850, "info_officers_newly_certified": 170},
     {"village_info_officers": 850, "info_officers_newly_certified": 169}),
    ("C-disaster-demo-communities", CITY, {"new_disaster_demo_communities": 2}, {"new_disaster_demo_communities": 1}),
    ("C-new-care-home", CITY, {"new_care_home_area": 30000, "new_care_home_beds": 800},
     {"new_care_home_area": 30000, "new_care_home_beds": 799}),
    ("C-marriage-registration", CITY, {"marriage_registration_pass_rate": "100%"}, {"marriage_registration_pass_rate": "99.9%"}),
    ("C-veterans", CITY, {"veteran_placement_rate": "100%", "veteran_self_employment_rate": "80%"},
     {"veteran_placement_rate": "100%", "veteran_self_employment_rate": "79%"}),
    ("C-rural-service-centres", CITY, {"rural_service_centre_coverage": "100%"}, {"rural_service_centre_coverage": "74%"}),
    ("C-community-brand", COMMUNITY, {"community_brands": 1}, {"community_brands": 0}),
    ("C-community-activities", COMMUNITY, {"community_activities": 5}, {"community_activities": 4}),
    ("C-community-organisations", COMMUNITY, {"new_social_organisations": 10}, {"new_social_organisations": 9}),
]  # fmt: skip


def test_every_rule_has_a_case(minzheng_registry: Any) -> None:
    assert sorted(c[0] for c in CASES) == sorted(
        r.id for r in minzheng_registry.pack("cityplan").rules
    )


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_met_not_met_unknown(
    make_dataset: Any, minzheng_engine: Any, case: tuple[Any, ...]
) -> None:
    """Each rule on its unit: met with the first facts, not met with the second,
    unknown with none."""
    rule, unit, met, not_met = case

    def status(facts: dict[str, Any]) -> Status:
        dataset = make_dataset({"units": [{**unit, "facts": facts}]})
        [finding] = [
            f for f in minzheng_engine.iter_assess(dataset, what_if=True) if f.rule == rule
        ]
        return finding.status

    assert status(met) is Status.MET
    assert status(not_met) is Status.NOT_MET
    assert status({}) is Status.UNKNOWN


def test_the_sample_dataset(minzheng_registry: Any, minzheng_engine: Any) -> None:
    dataset = load_dataset(SAMPLE, minzheng_registry.indicators)
    assert list(minzheng_engine.iter_assess(dataset)) == []  # no region of its own
    report = minzheng_engine.assess(dataset, what_if=True)
    statuses = {f.rule: f.status.value for f in report.findings}
    assert statuses["C-new-care-home"] == "not_met"  # 760 beds < 800
    assert statuses["C-info-officers"] == "not_met"  # 160 / 850 = 18.82% < 20%
    assert statuses["C-community-organisations"] == "not_met"
    assert statuses["C-veterans"] == "met"


def test_citations_are_verbatim(minzheng_registry: Any) -> None:
    sources = sources_dir(Path(__file__).resolve().parents[3].parent / "shared" / "seeds")
    assert_citations_verbatim(minzheng_registry.pack("cityplan"), sources)
