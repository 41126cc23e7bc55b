"""Sphinx configuration for the minzheng documentation."""

from __future__ import annotations

import importlib.metadata
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
autodoc_type_aliases = {"Value": "minzheng.models.Value"}
nitpicky = False
html_theme = "furo"
html_title = "minzheng 民政"
html_static_path = ["_static"]
exclude_patterns = ["_build", "_ext"]

# Examples in the docs read the sample datasets shipped in the repository.
_ROOT = Path(__file__).resolve().parent.parent
doctest_global_setup = f"""
from pathlib import Path
EXAMPLES = Path({str(_ROOT / "examples")!r})
PLUGINS = Path({str(_ROOT / "plugins")!r})
"""
