"""Sphinx configuration. The build fetches nothing from the network (no intersphinx)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent / "src"))

import iopcore  # noqa: E402

project = "iopcore"
author = "The iopcore developers"
copyright = "2026, The iopcore developers"
release = iopcore.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "iopcore_docs",
]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
source_suffix = {".md": "markdown"}
# docs/gallery/ holds MyST-NB pages (``{code-cell}``), executed once the build uses myst-nb; until then
# tests/test_docs.py runs their cells.
exclude_patterns = ["_build", "gallery"]
templates_path: list[str] = []

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}
autodoc_preserve_defaults = True

html_theme = "furo"
html_title = f"iopcore {release}"
html_static_path: list[str] = []
