"""A kit for testing rule packs: pytest fixtures and a conformance check.

Installed as a pytest plugin (entry point ``pytest11``), so a pack's tests can use the
fixtures without importing anything::

    import pytest
    import minzheng_jian

    @pytest.fixture
    def minzheng_plugin():
        return minzheng_jian.plugin          # the object the entry point names

    def test_conforms(minzheng_plugin):
        from minzheng.testing import assert_pack_conforms
        assert_pack_conforms(minzheng_plugin)

    def test_small_township(minzheng_engine, make_dataset):
        dataset = make_dataset({"units": [...]})
        report = minzheng_engine.assess(dataset)

Fixtures: ``minzheng_plugin`` (override it: the pack under test; by default none),
``minzheng_registry`` (a fresh registry — its own plugin manager — with the built-in
core pack and that plugin only, ignoring whatever else is installed),
``minzheng_engine`` (an engine over it), ``make_registry`` (a factory for registries of
any plugins) and ``make_dataset`` (a dataset from plain data, checked against the
registry's indicators).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from minzheng.engine import Engine
from minzheng.errors import InputError
from minzheng.io.dataset import Dataset, read_dataset
from minzheng.io.files import read_structured
from minzheng.model import Citation, Indicator
from minzheng.packs.registry import LoadedPack, Registry
from minzheng.rules import Rule, load_indicators, load_rules

__all__ = [
    "assert_citations_verbatim",
    "assert_pack_conforms",
    "check_pack",
    "make_registry",
    "sources_dir",
]

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def make_registry(*plugins: tuple[str, object], builtin: bool = True) -> Registry:
    """A fresh registry with the core pack and only the given ``(name, plugin)`` pairs."""
    return Registry.discover(builtin=builtin, entry_points=False, disabled=(), extra=plugins)


def check_pack(
    plugin: object, name: str = "pack-under-test", *, data_files: Iterable[str | Path] = ()
) -> list[str]:
    """Every way ``plugin`` falls short of what minzheng expects of a pack.

    Checks: it loads (no plugin error); rule ids are unique; every rule names the levels
    it applies to, has Chinese and English titles and our reading, and cites a document
    the pack lists, a locator and the original Chinese words; every fact a rule reads
    is declared as an indicator; every indicator has a Chinese name and a Chinese
    measure (``measure_zh``, needed for a measure :data:`~minzheng.model.MEASURES_ZH`
    does not know); the region's
    prefixes are GB/T 2260 prefixes; every data file given loads.
    """
    problems: list[str] = []
    registry = make_registry((name, plugin))
    problems += [str(e) for e in registry.errors]
    pack = next((p for p in registry.packs.values() if p.plugin == name), None)
    if pack is None:
        return problems or [f"plugin {name!r} did not load as a pack"]
    problems += _check_loaded(pack, registry)
    for path in data_files:
        problems += _check_data_file(Path(path))
    return problems


def _check_loaded(pack: LoadedPack, registry: Registry) -> list[str]:
    info = pack.info
    documents = {d.id for d in info.documents}
    prefixes = info.region.prefixes if info.region is not None else ()
    problems = [
        f"region prefix {prefix!r} is not a 2-, 4- or 6-digit GB/T 2260 prefix"
        for prefix in prefixes
        if not (prefix.isdigit() and len(prefix) in (2, 4, 6))
    ]
    if pack.rules and not documents:
        problems.append("the pack lists no documents in PackInfo.documents")
    for rule in pack.rules:
        problems += [f"rule {rule.id}: {p}" for p in _rule_problems(rule, documents, registry)]
    for ind in pack.indicators:
        problems += _indicator_problems(ind)
    return problems


def _rule_problems(rule: Rule, documents: set[str], registry: Registry) -> Iterator[str]:
    """What a rule lacks: levels, titles, reading, a citation of the pack's documents
    with the original words, declared indicators."""
    if not rule.levels:
        yield "applies to no level"
    if not rule.title_zh or not _CJK.search(rule.title_zh):
        yield f"title_zh is not Chinese: {rule.title_zh!r}"
    if not rule.title_en:
        yield "no English title"
    if not rule.reading.strip():
        yield "no reading"
    cite = rule.citation
    if not cite.document or (documents and cite.document not in documents):
        yield f"cites {cite.document!r}, not one of the pack's documents {sorted(documents)}"
    if not cite.locator.strip():
        yield "the citation has no locator"
    if not _CJK.search(cite.text):
        yield "the citation does not carry the original Chinese words"
    for indicator in rule.reads():
        if indicator not in registry.indicators:
            yield f"reads {indicator!r}, which no pack declares as an indicator"


def _indicator_problems(ind: Indicator) -> list[str]:
    problems = []
    if not _CJK.search(ind.name_zh):
        problems.append(f"indicator {ind.id}: name_zh is not Chinese: {ind.name_zh!r}")
    if _LATIN.search(ind.measure_zh):
        problems.append(
            f"indicator {ind.id}: Chinese text would write its measure {ind.measure!r}"
            f" as {ind.measure_zh!r}; declare measure_zh (e.g. 个, 人, 元)"
        )
    return problems


def _check_data_file(path: Path) -> list[str]:
    try:
        data = read_structured(path)
    except InputError as exc:
        return [str(exc)]
    try:
        if isinstance(data, Mapping) and "rules" in data:
            load_rules(path)
        elif isinstance(data, Mapping) and "indicators" in data:
            load_indicators(path)
    except InputError as exc:
        return [str(exc)]
    return []


def assert_pack_conforms(
    plugin: object, name: str = "pack-under-test", *, data_files: Iterable[str | Path] = ()
) -> None:
    """Fail the test with every problem :func:`check_pack` finds."""
    problems = check_pack(plugin, name, data_files=data_files)
    if problems:
        pytest.fail(
            "the pack does not conform:\n" + "\n".join(f"- {p}" for p in problems), pytrace=False
        )


@pytest.fixture
def minzheng_plugin() -> object | None:
    """The pack under test: override this fixture to return your plugin object."""
    return None


@pytest.fixture
def minzheng_registry(minzheng_plugin: object | None) -> Registry:
    """A fresh registry with the core pack and ``minzheng_plugin`` (if any) only."""
    plugins = () if minzheng_plugin is None else (("pack-under-test", minzheng_plugin),)
    return make_registry(*plugins)


@pytest.fixture
def minzheng_engine(minzheng_registry: Registry) -> Engine:
    """An engine over ``minzheng_registry``."""
    return Engine(minzheng_registry)


@pytest.fixture(name="make_registry")
def _make_registry_fixture() -> Callable[..., Registry]:
    """:func:`make_registry`, as a fixture."""
    return make_registry


@pytest.fixture
def make_dataset(minzheng_registry: Registry) -> Callable[[Mapping[str, Any]], Dataset]:
    """Build a dataset from plain data (as a YAML file would hold it), fully validated."""

    def make(data: Mapping[str, Any]) -> Dataset:
        return read_dataset(
            json.dumps(data, ensure_ascii=False, default=str),
            "json",
            minzheng_registry.indicators,
            label="<test data>",
        )

    return make


def sources_dir(default: str | Path) -> Path:
    """The folder of the documents' source files: ``$MINZHENG_SOURCES``, else ``default``.

    When it does not exist the test is skipped, saying so and where it looked — or,
    under CI (``$CI`` set), fails: there the sources must be checked.
    """
    found = Path(os.environ.get("MINZHENG_SOURCES") or default)
    if not found.is_dir():
        message = (
            f"the documents' source files are not at {found} (set MINZHENG_SOURCES): "
            "citations not checked against them"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def citations_not_verbatim(pack: LoadedPack, sources: Path) -> list[str]:
    """Each rule, programme and standard of ``pack`` whose citation is not word for word
    in its document's source file (``Document.source`` in ``sources``)."""
    documents = {d.id: d for d in pack.info.documents}
    cited: list[tuple[str, Citation | None]] = [(f"rule {r.id}", r.citation) for r in pack.rules]
    for program in pack.programs:
        cited.append((f"programme {program.id}", program.citation))
        cited += [(f"standard {s.id}", s.citation) for s in program.standards]
    problems: list[str] = []
    texts: dict[str, str] = {}
    for where, cite in cited:
        if cite is None:
            continue
        document = documents.get(cite.document)
        if document is None or not document.source:
            problems.append(f"{where}: document {cite.document!r} has no source file")
            continue
        if document.source not in texts:
            texts[document.source] = (sources / document.source).read_text("utf-8")
        if cite.text not in texts[document.source]:
            problems.append(f"{where}: {cite.text!r} is not in {document.source}")
    return problems


def assert_citations_verbatim(pack: LoadedPack, sources: Path) -> None:
    """Fail, listing them, if any citation of ``pack`` is not verbatim in its source."""
    problems = citations_not_verbatim(pack, sources)
    if problems:
        pytest.fail(
            "citations not found in their sources:\n- " + "\n- ".join(problems), pytrace=False
        )
