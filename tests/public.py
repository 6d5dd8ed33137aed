"""The inventory of iopcore's public API, used by the cross-cutting tests."""

from __future__ import annotations

import enum
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from types import ModuleType
from typing import Any, TypeVar

import attrs
import pytest

import iopcore
from iopcore import _fields as f

T = TypeVar("T")

PRIVATE_OR_OPTIONAL = ("iopcore.strategies", "iopcore._hypothesis_plugin", "iopcore.__main__")


def public_modules() -> list[ModuleType]:
    """Every public module of iopcore (no leading underscore anywhere in its dotted name)."""
    found = [iopcore]
    for info in pkgutil.walk_packages(iopcore.__path__, prefix="iopcore."):
        if any(part.startswith("_") for part in info.name.split(".")) or info.name.startswith(PRIVATE_OR_OPTIONAL):
            continue
        found.append(importlib.import_module(info.name))
    return found


def public_attrs_classes() -> list[type]:
    """Every attrs class exported by a public module's ``__all__``, once, sorted by name."""
    seen: dict[str, type] = {}
    for module in public_modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if isinstance(obj, type) and attrs.has(obj):
                seen[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [seen[k] for k in sorted(seen)]


def unguarded_callables(module: ModuleType) -> list[str]:
    """The public functions and methods of *module*'s ``__all__`` not wrapped by ``iopcore._fields.guard``.

    Constructors are left out (attrs validators check them); so are dunder methods and protocols'
    methods (declarations of an interface, never called: the boundary test skips them too).
    """
    found: list[str] = []
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isfunction(obj) and not f.is_guarded(obj):
            found.append(name)
        elif (
            isinstance(obj, type)
            and not issubclass(obj, BaseException | enum.Enum)
            and not getattr(obj, "_is_protocol", False)
        ):
            for attr, raw in vars(obj).items():
                fn = raw.__func__ if isinstance(raw, classmethod | staticmethod) else raw
                if not attr.startswith("_") and inspect.isfunction(fn) and not f.is_guarded(fn):
                    found.append(f"{name}.{attr}")
    return found


def expected_failures(items: Iterable[T], pending: Mapping[str, str], name: Callable[[T], str]) -> list[Any]:
    """*items* as pytest params named by *name*; those on *pending* are strict expected failures with the reason.

    Strict: once a pending item passes, the test fails until it is taken off the list.
    """
    return [
        pytest.param(i, id=name(i), marks=pytest.mark.xfail(reason=pending[name(i)], strict=True))
        if name(i) in pending
        else pytest.param(i, id=name(i))
        for i in items
    ]
