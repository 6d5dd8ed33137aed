"""The library core does no I/O, reads no clock or environment and uses no unseeded randomness."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "iopcore"

# Modules whose import alone would let the core do I/O, read clocks or env, log or draw random numbers.
FORBIDDEN_MODULES = {
    "os",
    "sys",
    "io",
    "socket",
    "subprocess",
    "requests",
    "urllib",
    "http",
    "logging",
    "random",
    "secrets",
    "time",
    "pathlib",
    "shutil",
    "tempfile",
    "glob",
    "sqlite3",
    "zoneinfo",
    "importlib",
    "warnings",
    "threading",
    "multiprocessing",
    "asyncio",
    "ssl",
    "select",
    "signal",
    "uuid",
    "platform",
    "dateutil.tz",
    "dateutil.zoneinfo",
    "dateutil.parser",
    "pickle",
    "shelve",
    "csv",
}
FORBIDDEN_CALLS = {"open", "print", "input", "breakpoint", "exec", "eval", "compile", "__import__"}
FORBIDDEN_ATTR_CALLS = {"now", "utcnow", "today", "fromtimestamp", "utcfromtimestamp", "getenv", "urandom"}
# Optional-dependency boundaries: only these files may import these packages.
FENCED = {
    "hypothesis": ("strategies", "_hypothesis_plugin.py"),
    "cattrs": ("serialization",),
    "highspy": ("schedule/_cohort_solver/highs.py",),
    "matplotlib": ("plot.py",),
}
DEMO_FILES = {"__main__.py", "_demo.py"}
# The one exception to the forbidden modules (issue 18, item 6): the Hypothesis entry point may import
# `sys` to look a module up in `sys.modules`, and may use nothing else of it.
SYS_MODULES_LOOKUP = "_hypothesis_plugin.py"


def violations(source: str, relative: str) -> list[str]:
    """Return a description of every forbidden construct in *source*."""
    found: list[str] = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            prefixes = {".".join(parts[: i + 1]) for i in range(len(parts))}
            if relative == SYS_MODULES_LOOKUP and isinstance(node, ast.Import) and name == "sys":
                continue
            if prefixes & FORBIDDEN_MODULES:
                found.append(f"{relative}:{node.lineno}: imports {name}")
            for package, allowed in FENCED.items():
                if parts[0] == package and not relative.startswith(allowed):
                    found.append(f"{relative}:{node.lineno}: imports {package} outside {allowed}")
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
                found.append(f"{relative}:{node.lineno}: calls {func.id}()")
            if isinstance(func, ast.Attribute) and func.attr in FORBIDDEN_ATTR_CALLS:
                found.append(f"{relative}:{node.lineno}: calls .{func.attr}()")
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "stdout", "stderr", "stdin"}:
            found.append(f"{relative}:{node.lineno}: touches .{node.attr}")
        if isinstance(node, ast.Name) and node.id == "sys" and relative == SYS_MODULES_LOOKUP:
            uses = [a for a in ast.walk(tree) if isinstance(a, ast.Attribute) and a.value is node]
            if not (isinstance(node.ctx, ast.Load) and [a.attr for a in uses] == ["modules"]):
                found.append(f"{relative}:{node.lineno}: uses sys for more than a sys.modules lookup")
    return found


def core_files() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if p.name not in DEMO_FILES)


def test_core_has_no_io_clock_env_logging_or_randomness() -> None:
    """No file of the core (outside the demo entry point) uses a forbidden construct."""
    problems = [v for p in core_files() for v in violations(p.read_text(encoding="utf-8"), str(p.relative_to(SRC)))]
    assert problems == []


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("print('x')", "calls print()"),
        ("open('f')", "calls open()"),
        ("import os", "imports os"),
        ("from os import environ", "imports os"),
        ("import random", "imports random"),
        ("from datetime import datetime\ndatetime.now()", "calls .now()"),
        ("import datetime\ndatetime.date.today()", "calls .today()"),
        ("import logging", "imports logging"),
        ("from dateutil import tz", "imports dateutil.tz"),
        ("from zoneinfo import ZoneInfo", "imports zoneinfo"),
        ("import hypothesis", "imports hypothesis outside"),
        ("import cattrs", "imports cattrs outside"),
        ("import highspy", "imports highspy outside"),
        ("from highspy._core import _Highs", "imports highspy outside"),
        ("x.environ", "touches .environ"),
    ],
)
def test_scanner_catches_each_forbidden_construct(snippet: str, expected: str) -> None:
    """The scanner itself finds each kind of violation (so a silent scanner cannot pass the suite)."""
    assert any(expected in v for v in violations(snippet, "levels/_model.py"))


def test_scanner_allows_only_a_sys_modules_lookup_in_the_entry_point() -> None:
    """The Hypothesis entry point may read ``sys.modules``; any other use of sys, or sys elsewhere, is caught."""
    assert violations("import sys\nm = sys.modules['x']", SYS_MODULES_LOOKUP) == []
    assert violations("import sys\nsys.path", SYS_MODULES_LOOKUP) != []
    assert violations("import sys\nsys.stdout", SYS_MODULES_LOOKUP) != []
    assert violations("import sys\nf(sys)", SYS_MODULES_LOOKUP) != []
    assert violations("from sys import modules", SYS_MODULES_LOOKUP) != []
    assert violations("import sys\nm = sys.modules['x']", "levels/_model.py") != []


def test_scanner_allows_the_fenced_imports_where_they_belong() -> None:
    """Hypothesis may be imported in the strategies package, cattrs in the serialization module and
    highspy in the HiGHS master."""
    assert violations("import hypothesis", "strategies/_core.py") == []
    assert violations("import cattrs", "serialization.py") == []
    assert violations("import highspy._core", "schedule/_cohort_solver/highs.py") == []


def test_import_iopcore_does_not_import_hypothesis_or_highspy() -> None:
    """`import iopcore`, and importing every core module, leaves Hypothesis and highspy unimported
    (highspy is imported only when HiGHS is asked for)."""
    modules = sorted(
        "iopcore." + ".".join(p.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
        for p in core_files()
        if p.relative_to(SRC).parts[0] not in ("strategies", "_hypothesis_plugin.py")
    )
    code = "import sys, importlib\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    code += "print('hypothesis' in sys.modules, 'highspy' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
