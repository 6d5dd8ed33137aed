"""Every Python code block in the docs and README, every docstring example and every example script, runs.

Blocks of one page run in order in one namespace, so a page reads as a script.
Fences tagged ``python`` (or ``{code-block} python``) run, and so do the ``{code-cell}``s of
the pages that are MyST-NB text notebooks (which the docs build executes too, showing their
outputs), except hidden ``remove-cell`` set-up cells of the build (the test suite has its own
Hypothesis profile); ``bash``, ``text`` and other fences are not Python and are skipped.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import re
import runpy
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^(?P<fence>```+|~~~+)\s*(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=fence)\s*$", re.M | re.S)
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
PAGES = [p for p in PAGES if "_build" not in p.parts]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
SRC = ROOT / "src"
DOCTESTED = sorted(p for p in (SRC / "iopcore").rglob("*.py") if ">>> " in p.read_text(encoding="utf-8"))


def python_blocks(text: str) -> list[str]:
    """The bodies of the Python fences of a Markdown page, in order."""
    blocks = []
    for m in FENCE.finditer(text):
        info = m.group("info").strip()
        if info in ("python", "py", "{code-block} python", "{code-block} py") or info.startswith("{code-cell}"):
            body = m.group("body")
            if re.search(r"^:tags:.*remove-cell", body, re.M):
                continue  # a hidden set-up cell of the docs build (its Hypothesis profile), not an example
            # MyST directive options (":caption: …") at the top of a code-block, IPython magics ("%matplotlib inline")
            lines = [
                ln
                for ln in body.splitlines()
                if not (info.startswith("{") and (re.match(r"^:\w[\w-]*:", ln) or ln.startswith("%")))
            ]
            blocks.append("\n".join(lines))
    return blocks


def test_fence_parser_finds_python_blocks_only() -> None:
    """The parser takes python fences and skips others."""
    page = "```python\nx = 1\n```\n\n```bash\nls\n```\n\n```{code-block} python\n:caption: c\ny = 2\n```\n"
    page += "```{code-cell} ipython3\n:tags: [hide-input]\nz = 3\n```\n"
    page += "```{code-cell} ipython3\n:tags: [remove-cell]\nhidden = 4\n```\n"
    assert python_blocks(page) == ["x = 1", "y = 2", "z = 3"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_docs_code_blocks_run(page: Path) -> None:
    """Each page's Python blocks run without error, in order, in a shared namespace."""
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for i, block in enumerate(python_blocks(page.read_text(encoding="utf-8"))):
        code = compile(block, f"{page.relative_to(ROOT)}[block {i + 1}]", "exec")
        exec(code, namespace)


@pytest.mark.parametrize(
    "page",
    [p for p in PAGES if "file_format: mystnb" in p.read_text(encoding="utf-8")],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_executed_pages_have_no_plain_python_fences(page: Path) -> None:
    """On a MyST-NB page the build runs only ``{code-cell}``s, while this suite runs ``python`` fences too: a
    plain fence there would run here but not in the build, and the cells after it would miss its names."""
    text = page.read_text(encoding="utf-8")
    assert "\n```python\n" not in text and "\n```py\n" not in text


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_examples_run(script: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Each example script runs as __main__ and prints something."""
    monkeypatch.setattr(sys, "argv", [str(script)])
    runpy.run_path(str(script), run_name="__main__")
    assert capsys.readouterr().out.strip() != ""


def test_benchmark_runner_lists_its_groups() -> None:
    """The documented benchmark command knows the foundation group."""
    import subprocess

    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--list"], capture_output=True, text=True, check=True
    )
    assert "foundation" in out.stdout.split()


@pytest.mark.parametrize("path", DOCTESTED, ids=lambda p: str(p.relative_to(SRC)))
def test_docstring_examples_run(path: Path) -> None:
    """The ``>>>`` examples in the library's docstrings give the output they show (they are what the API
    reference prints, so a stale one misleads, e.g. a document's format version)."""
    name = ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
    module = importlib.import_module(name)
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    # the module's own objects, also those re-exported under a public __module__ (module=False: no origin filter)
    tests = finder.find(module, name, module=False, globs=vars(module))
    for obj_name, obj in vars(module).items():
        defined_here = (inspect.isclass(obj) or inspect.isfunction(obj)) and inspect.getsourcefile(obj) == str(path)
        if defined_here and obj.__module__ != name:
            tests += finder.find(obj, f"{name}.{obj_name}", module=False, globs=vars(module))
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0 and result.failed == 0, f"{result.failed} of {result.attempted} examples failed"
