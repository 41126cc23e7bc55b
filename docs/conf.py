"""Sphinx configuration for the minzheng documentation."""

from __future__ import annotations

import importlib.metadata
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "minzheng"
author = "minzheng developers"
copyright = "2026, minzheng developers"
release = importlib.metadata.version("minzheng")
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.napoleon",
    "sphinx_click",
    "catalogue",
]
autodoc_typehints = "description"
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_type_aliases = {"Value": "minzheng.model.Value"}
# Every cross-reference must resolve (-W makes a broken one an error), except to the
# standard library, whose inventory would need the network (no intersphinx).
nitpicky = True
nitpick_ignore_regex = [
    (
        "py:class",
        r"(abc|enum|decimal|collections\.abc|datetime|pathlib|fractions|importlib\.[a-z.]+)\.\w+",
    ),
    # names in type hints that autodoc cannot link: standard library names imported
    # bare, rich's Console, a private TypeVar, and the Value alias (documented in prose)
    (
        "py:class",
        r"date|Path|Console|_F|minzheng\.rules\.(loading\.)?R|TypeAliasForwardRef|'minzheng\.model\.Value'",
    ),
    # polars' types (no network here for its inventory): named in the text instead
    ("py:class", r"(polars|pl)\.[\w.]+"),
]
html_theme = "furo"
html_title = "minzheng 民政"
html_static_path = ["_static"]
exclude_patterns = ["_build", "_ext"]

# Examples in the docs read the sample datasets by their paths from the repository's
# root, as a reader runs them: no names are defined for them behind the scenes.
# Sphinx is run there (``nox -s docs``); a build from elsewhere runs them from there too.
os.chdir(Path(__file__).resolve().parent.parent)


def _reexported(app, env, node, contnode):  # type: ignore[no-untyped-def]
    """Resolve a reference to a name minzheng re-exports (``minzheng.assess``, or a bare
    ``TargetValue`` from a type hint) to where it is documented (``minzheng.engine``)."""
    import minzheng

    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"]
    if "." in target and not target.startswith("minzheng."):
        return None
    head, _, rest = target.removeprefix("minzheng.").partition(".")
    module = getattr(getattr(minzheng, head, None), "__module__", "")
    if not module.startswith("minzheng."):
        return None
    domain = env.get_domain("py")
    where = ".".join(part for part in (module, head, rest) if part)
    return domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], where, node, contnode
    )


def setup(app):  # type: ignore[no-untyped-def]
    app.connect("missing-reference", _reexported)
