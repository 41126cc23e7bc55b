"""The Ji'an pack: every J-* rule of the digest, cited verbatim, loaded as data."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import minzheng_jian
import pytest
from click.testing import CliRunner

import minzheng.cli
from minzheng import Registry
from minzheng.testing import (
    assert_citations_verbatim,
    assert_pack_conforms,
    make_registry,
    sources_dir,
)

#: The J-* ids of ../shared/spec/rule-digest.md (Ji'an table), kept here too so that the
#: test holds where the digest is not beside the repository.
DIGEST_IDS = [
    "J-office-name", "J-office-fixtures", "J-service-window", "J-office-area", "J-not-in-home",
    "J-seven-haves", "J-staff-by-pop", "J-staff-established", "J-village-officer", "J-officer-pay",
    "J-home-leads", "J-home-staff", "J-funding-city", "J-funding-county", "J-township-funding",
    "J-hiring", "J-training", "J-assistance-8plus1", "J-vagrant-4-level", "J-green-community",
    "J-assessment",
]  # fmt: skip

_REPO = Path(__file__).resolve().parents[3]
_SHARED = _REPO.parent / "shared"
_DATA = files(minzheng_jian) / "data"


def test_conforms() -> None:
    assert_pack_conforms(
        minzheng_jian.pack,
        data_files=[Path(str(_DATA / "rules.yaml")), Path(str(_DATA / "indicators.yaml"))],
    )


def test_every_digest_rule_is_encoded(minzheng_registry: Registry) -> None:
    ids = [r.id for r in minzheng_registry.pack("jian").rules]
    assert sorted(ids) == sorted(DIGEST_IDS)


def test_the_list_matches_the_digest() -> None:
    digest = _SHARED / "spec" / "rule-digest.md"
    if not digest.exists():
        pytest.skip("the rule digest is not beside the repository")
    text = digest.read_text("utf-8")
    section = text[text.index("## Ji'an") : text.index("## Songming")]
    assert sorted(set(re.findall(r"^\| (J-[\w-]+) \|", section, re.M))) == sorted(DIGEST_IDS)


def test_citations_are_verbatim_passages_of_the_seed(minzheng_registry: Registry) -> None:
    pack = minzheng_registry.pack("jian")
    for rule in pack.rules:
        assert rule.citation.document == minzheng_jian.DOCUMENT.id
        assert rule.citation.title == "关于加强基层民政能力建设的实施意见"
        assert (rule.citation.issuer, rule.citation.year) == ("吉安市人民政府", 2017)
    assert_citations_verbatim(pack, sources_dir(_SHARED / "seeds"))


def test_the_pack_is_found_through_its_entry_point() -> None:
    registry = Registry.discover()
    assert "jian" in registry.packs, registry.errors
    assert registry.pack("jian").info.region is not None
    assert registry.pack("jian").info.region.prefixes == ("3608",)  # type: ignore[union-attr]


def test_cli_rules_lists_every_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        minzheng.cli.settings, "registry", make_registry(("jian", minzheng_jian.pack))
    )
    result = CliRunner().invoke(minzheng.cli.main, ["rules", "jian"])
    assert result.exit_code == 0
    for rule_id in DIGEST_IDS:
        assert rule_id in result.output


def test_explain_shows_the_chinese_clause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        minzheng.cli.settings, "registry", make_registry(("jian", minzheng_jian.pack))
    )
    result = CliRunner().invoke(minzheng.cli.main, ["explain", "J-staff-by-pop"])
    assert "2万人以下的乡镇(街道)不少于2名" in result.output
    assert "registered population" in result.output


def test_numbers_are_data(minzheng_registry: Registry) -> None:
    """The document's numbers come from rules.yaml, not from code."""
    source = (Path(minzheng_jian.__file__).parent / "rules.py").read_text("utf-8")
    for number in ("200", "0.002", "0.02", "2018", "20000", "50000"):
        assert number not in re.sub(r'""".*?"""|#.*', "", source, flags=re.S), number
    pay = minzheng_registry.rule("J-officer-pay")[1]
    assert pay.floor == 200  # type: ignore[attr-defined]
