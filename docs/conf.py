"""Sphinx configuration for the minzheng documentation."""

from __future__ import annotations

import importlib.metadata

project = "minzheng"
author = "minzheng developers"
copyright = "2026, minzheng developers"
release = importlib.metadata.version("minzheng")
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.napoleon",
]
autodoc_typehints = "description"
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_type_aliases = {"Value": "minzheng.models.Value"}
nitpicky = False
html_theme = "furo"
html_title = "minzheng 民政"
exclude_patterns = ["_build"]
