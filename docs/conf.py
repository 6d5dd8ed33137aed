"""Sphinx configuration. The build fetches nothing from the network (no intersphinx).

Pages with a ``file_format: mystnb`` header are text notebooks: MyST-NB runs their ``{code-cell}``s at build
time in a fresh kernel and shows the outputs (values, HTML views, plots). A cell that raises fails the build.
Results are cached in ``docs/_build/.jupyter_cache`` by the cells' source, so a rebuild executes only the
pages whose code changed; a clean build executes all (iopcore is pure, so the outputs are the same).
"""

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
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "iopcore_docs",
]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "cache"
nb_execution_cache_path = str(HERE / "_build" / ".jupyter_cache")
nb_execution_raise_on_error = True  # an example that fails fails the build (with -W, so does a warning)
nb_execution_show_tb = True
nb_execution_timeout = 120
nb_merge_streams = True
exclude_patterns = ["_build"]
templates_path: list[str] = []

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}
autodoc_preserve_defaults = True

html_theme = "furo"
html_title = f"iopcore {release}"
html_static_path: list[str] = []
