"""Sessions: tests, lint, typecheck, docs, bench, fuzz, build, and assess (the main job).

Run ``nox -s tests lint typecheck docs`` for every check CI runs, ``nox -s assess`` to
install the core with every pack under ``plugins/`` and assess the sample datasets.
"""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = False
nox.options.sessions = ["tests", "lint", "typecheck", "docs"]

ROOT = Path(__file__).parent
#: The Pythons the tests run on (pyproject.toml: requires-python >= 3.11). One that is not
#: found is skipped with a note, except where CI is set, where it is an error: nox's own
#: rule. .ci/run makes pyenv's versions of them visible.
PYTHONS = ("3.11", "3.12", "3.13")
PLUGINS = sorted(p for p in (ROOT / "plugins").glob("*/pyproject.toml"))
EXAMPLES = sorted(
    p for p in (ROOT / "examples").glob("*") if p.suffix in (".yaml", ".yml", ".json") or p.is_dir()
)


def _install_all(session: nox.Session, extra: str = "", *, editable: bool = True) -> None:
    """The core (with ``extra``) and every pack under plugins/, editable unless told."""
    flag = ["-e"] if editable else []
    session.install(*flag, f".{extra}")
    for pyproject in PLUGINS:
        session.install(*flag, f"{pyproject.parent}{extra}")


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The core's tests on each Python of ``PYTHONS``; each pack's own tests on the first.

    The core's tests run every installed pack (the golden files of the samples, the
    installed packs' checks) on every Python; the packs' own suites, a third of the time,
    run once, so that CI stays under its 15 minutes on the 2-core machine."""
    _install_all(session, "[test]")
    # a pack made by new-pack installed in a fresh environment from the core's wheel:
    # a minute of downloads, so on the first Python only
    env = {"MINZHENG_PACKAGING_TESTS": "1"} if session.python == PYTHONS[0] else {}
    session.run("pytest", "tests", *session.posargs, env=env)
    if session.python != PYTHONS[0]:  # the oldest, which every machine here has
        return
    for pyproject in PLUGINS:
        tests_dir = pyproject.parent / "tests"
        if tests_dir.is_dir():
            session.run(
                "pytest", str(tests_dir), "--rootdir", str(pyproject.parent), *session.posargs
            )


@nox.session
def fuzz(session: nox.Session) -> None:
    """The loaders fuzzed at length (``tests/test_fuzz.py`` with thousands of examples
    each; the test session runs the same properties briefly)."""
    _install_all(session, "[test]")
    session.run(
        "pytest", "tests/test_fuzz.py", "--hypothesis-show-statistics", *session.posargs,
        env={"MINZHENG_FUZZ": "long"},
    )  # fmt: skip


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint and formatting."""
    session.install("ruff>=0.4")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy, strict, on the core's src/ and each pack's src/."""
    _install_all(session, "[typecheck]")
    session.run("mypy")
    for pyproject in PLUGINS:
        src = pyproject.parent / "src"
        if src.is_dir():
            session.run("mypy", "--strict", str(src))


@nox.session
def docs(session: nox.Session) -> None:
    """Build the Sphinx site with warnings as errors, and run its examples (doctest)."""
    _install_all(session, "[docs]")
    session.run("sphinx-build", "-W", "--keep-going", "-b", "html", "docs", "docs/_build/html")
    session.run(
        "sphinx-build", "-W", "--keep-going", "-b", "doctest", "docs", "docs/_build/doctest"
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks (see benchmarks/README.md), and the comparison with OpenFisca, which is
    installed here only. minzheng is installed as a deployment would have it (not
    editable: pip compiles its modules once, as it does OpenFisca's)."""
    _install_all(session, editable=False)
    session.install("openfisca-core>=41")
    session.run("python", "benchmarks/run.py", *session.posargs)
    session.run("python", "benchmarks/peers/compare.py")
    session.run("python", "benchmarks/peers/compare.py", "--townships", "500000")
    # what any pure-Python program could reach on compare.py's job
    session.run("python", "benchmarks/floor.py", "--peers")


@nox.session
def build(session: nox.Session) -> None:
    """Wheels of the core and of every pack under plugins/, into dist/ (what a platform
    installs from, and what a pack made by ``minzheng new-pack`` installs beside)."""
    session.install("build>=1.0")
    dist = ROOT / "dist"
    for project in [ROOT, *(p.parent for p in PLUGINS)]:
        session.run("python", "-m", "build", "--wheel", "--outdir", str(dist), str(project))
    session.log(f"wheels in {dist}: " + ", ".join(sorted(p.name for p in dist.glob("*.whl"))))


@nox.session
def assess(session: nox.Session) -> None:
    """The main job: install the core and every pack, assess every sample dataset."""
    _install_all(session)
    session.run("minzheng", "packs")
    for example in EXAMPLES:
        session.log(f"assessing {example.relative_to(ROOT)}")
        # exit status 1 means "something is not met": a result, not a failure of the run
        session.run("minzheng", "assess", str(example), success_codes=[0, 1])
