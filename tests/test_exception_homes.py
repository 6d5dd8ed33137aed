"""Every exception lives in iopcore.errors, so tracebacks name a public module (issue 13, item 7)."""

from __future__ import annotations

import ast
import builtins
import inspect
from pathlib import Path

import iopcore.errors
from tests.public import public_modules

SRC = Path(__file__).resolve().parents[1] / "src" / "iopcore"

# Exception classes defined outside iopcore.errors, with the reason. Issue 14 moves the schedule's into
# iopcore.errors (or makes them no exceptions); the lead empties this list at merge.
KNOWN_ELSEWHERE: dict[str, str] = {}
# Private control-flow signals that are caught where they are raised and never reach a caller.
INTERNAL_SIGNALS: dict[str, str] = {
    "_fields/_guard.py:_Bad": "a failed argument check inside @guard, always turned into InvalidArgumentError",
    "schedule/_cohort_solver/budget.py:BudgetSpent": "the cohort solver's signal that its budget is spent (or its "
    "progress callback asked to stop), caught inside solve_cohort, which returns its best plan so far",
    "schedule/_cohort_solver/columns.py:_ShareSpent": "column generation's signal that it used its share of the "
    "time, caught inside column_generation, which returns its last prices",
}


def _base_names(node: ast.ClassDef) -> list[str]:
    names = []
    for base in node.bases:
        if isinstance(base, ast.Name):
            names.append(base.id)
        elif isinstance(base, ast.Attribute):
            names.append(base.attr)
    return names


def exception_classes_in_source() -> set[str]:
    """``relative/path.py:ClassName`` of every class in src/iopcore that derives from an exception (at any depth)."""
    classes: dict[str, tuple[str, list[str]]] = {}
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                classes[f"{relative}:{node.name}"] = (node.name, _base_names(node))
    exceptions = {
        name
        for name in dir(builtins)
        if inspect.isclass(getattr(builtins, name)) and issubclass(getattr(builtins, name), BaseException)
    }
    found: set[str] = set()
    changed = True
    while changed:  # a class is an exception if one of its bases is (builtin, or found in iopcore so far)
        changed = False
        for key, (name, bases) in classes.items():
            if key not in found and any(b in exceptions for b in bases):
                found.add(key)
                exceptions.add(name)
                changed = True
    return found


def test_every_exception_class_is_defined_in_iopcore_errors() -> None:
    """No module but iopcore/errors.py defines an exception class (known ones aside, each with its reason)."""
    elsewhere = {k for k in exception_classes_in_source() if not k.startswith("errors.py:")}
    assert elsewhere == set(KNOWN_ELSEWHERE) | set(INTERNAL_SIGNALS)


def test_the_scan_finds_the_exceptions_of_iopcore_errors() -> None:
    """The source scan is not vacuous: it finds errors.py's classes, subclasses of subclasses included."""
    found = exception_classes_in_source()
    assert {"errors.py:IopcoreError", "errors.py:InvalidDataError", "errors.py:UnknownCodeError"} <= found
    assert "errors.py:ErrorItem" not in found


# Public exceptions whose class is defined in a private module today (issue 14 moves them).
PENDING_MODULES: set[str] = set()


def test_every_public_exception_says_it_is_from_iopcore_errors() -> None:
    """Every exception exported by a public module has ``__module__ == "iopcore.errors"`` and is exported there."""

    exported = {
        obj
        for module in public_modules()
        for name in getattr(module, "__all__", ())
        if inspect.isclass(obj := getattr(module, name)) and issubclass(obj, BaseException)
    }
    wrong = {c.__name__: c.__module__ for c in exported if c.__module__ != "iopcore.errors"}
    assert set(wrong) == PENDING_MODULES
    for cls in exported:
        if cls.__name__ not in PENDING_MODULES:
            assert getattr(iopcore.errors, cls.__name__) is cls
            assert cls.__name__ in iopcore.errors.__all__
