"""Every public value, constant and exception pickles, copies and hashes (issue 13, item 5).

Values cross process boundaries (multiprocessing, Dask, Spark, Celery, joblib, caches): each must
survive ``pickle`` with the standard library and ``copy.deepcopy`` equal to itself, and every
frozen value must hash (equal values, equal hashes).
"""

from __future__ import annotations

import copy
import enum
import inspect
import pickle
from collections.abc import Mapping
from typing import Any

import attrs
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from iopcore import errors
from iopcore.errors import IopcoreError
from iopcore.serialization._types import public_name
from tests.builders import sample_errors
from tests.public import expected_failures, public_attrs_classes, public_modules

CLASSES = public_attrs_classes()

# Classes whose values do not pickle yet, with the reason: strict expected failures (take a class off once
# it passes). Their runs are short and unshrunk: the failure is known.
PENDING_CLASSES: dict[str, str] = {}


@pytest.mark.parametrize("cls", expected_failures(CLASSES, PENDING_CLASSES, public_name))
def test_values_pickle_copy_and_hash(cls: type) -> None:
    """pickle, copy.copy and copy.deepcopy give an equal value with an equal hash, for every public class."""
    known = public_name(cls) in PENDING_CLASSES

    @settings(max_examples=3 if known else 15, phases=(Phase.generate,) if known else tuple(Phase))
    @given(st.from_type(cls))
    def check(value: Any) -> None:
        for protocol in (pickle.DEFAULT_PROTOCOL, pickle.HIGHEST_PROTOCOL):
            back = pickle.loads(pickle.dumps(value, protocol=protocol))
            assert back == value
            assert type(back) is type(value)
            assert hash(back) == hash(value)
        assert copy.deepcopy(value) == value
        assert copy.copy(value) == value
        assert hash(copy.deepcopy(value)) == hash(value)

    check()


# ----------------------------------------------------------------------------- constants


def _is_constant_name(name: str) -> bool:
    return name.isupper() or (name[0].isupper() and name.replace("_", "").isupper())


def public_constants() -> list[tuple[str, Any]]:
    """Every public UPPER_CASE export that is a value (not a number, string or class), once, by its first home."""
    found: dict[int, tuple[str, Any]] = {}
    for module in public_modules():
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            if not _is_constant_name(name) or isinstance(value, int | float | str | type | enum.Enum):
                continue
            found.setdefault(id(value), (f"{module.__name__}.{name}", value))
    return sorted(found.values(), key=lambda pair: pair[0])


CONSTANTS = public_constants()

# Module-level catalogs that are still a MappingProxyType (which neither pickles nor hashes); the package
# helpers replace them with iopcore.FrozenMap. Strict expected failures: take a name off once it passes.
PENDING_CONSTANTS: dict[str, str] = {}


@pytest.mark.parametrize("constant", expected_failures(CONSTANTS, PENDING_CONSTANTS, lambda pair: pair[0]))
def test_module_constants_pickle_copy_and_hash(constant: tuple[str, Any]) -> None:
    """Catalogs, rule sets, policies and tables exported as constants pickle, copy and hash like any value."""
    _, value = constant
    back = pickle.loads(pickle.dumps(value))
    assert back == value
    assert type(back) is type(value)
    assert hash(back) == hash(value)
    assert copy.deepcopy(value) == value


def test_the_constants_found_include_the_catalogs() -> None:
    """The inventory of constants is not vacuous: it holds level catalogs, rule sets, policies and instruments."""
    names = {name for name, _ in CONSTANTS}
    assert {"iopcore.ASAM3", "iopcore.compliance.MEDICARE_IOP_RULES", "iopcore.assessment.INSTRUMENTS"} <= names
    assert len(CONSTANTS) > 30
    assert set(PENDING_CONSTANTS) <= names
    assert set(PENDING_CLASSES) <= {public_name(c) for c in CLASSES}
    assert all(isinstance(v, Mapping | tuple) or attrs.has(type(v)) for _, v in CONSTANTS)


# ----------------------------------------------------------------------------- exceptions


def public_exception_classes() -> set[type]:
    """Every exception class exported by a public module (``iopcore.errors`` and the packages)."""
    return {
        obj
        for module in public_modules()
        for name in getattr(module, "__all__", ())
        if inspect.isclass(obj := getattr(module, name)) and issubclass(obj, BaseException)
    }


def test_sample_errors_hold_every_public_exception() -> None:
    """tests.builders.sample_errors() has an instance of every public exception class (except the base)."""
    sampled = {type(e) for e in sample_errors()}
    exported = public_exception_classes() - {IopcoreError}
    missing = {
        c
        for c in exported
        if not any(issubclass(s, c) and s.__name__.lstrip("_").endswith(c.__name__) for s in sampled)
    }
    assert missing == set()
    assert {getattr(errors, n) for n in errors.__all__ if inspect.isclass(getattr(errors, n))} - {
        errors.ErrorItem,
        IopcoreError,
    } <= {c for s in sampled for c in s.__mro__}


def _public_state(exc: BaseException) -> dict[str, Any]:
    """An exception's message and structured attributes (computed ones of a lazy error included)."""
    state = {"str": str(exc), "args": exc.args}
    for name in ("errors", "paths", "conflict", "reasons", "explanation", "version", "supported", "catalog"):
        if hasattr(exc, name):
            state[name] = getattr(exc, name)
    state.update({k: v for k, v in vars(exc).items() if not k.startswith("_")})
    return state


# Exceptions whose type changes on the way through pickle, with the reason (strict expected failures).
PENDING_EXCEPTIONS: dict[str, str] = {}


@pytest.mark.parametrize("exc", expected_failures(sample_errors(), PENDING_EXCEPTIONS, lambda e: type(e).__name__))
def test_exceptions_pickle_and_copy_with_their_attributes(exc: BaseException) -> None:
    """Every iopcore exception survives pickle and deepcopy with its type, message and structured attributes."""
    for back in (pickle.loads(pickle.dumps(exc)), copy.deepcopy(exc)):
        assert _public_state(back) == _public_state(exc)
        assert isinstance(back, IopcoreError)
        assert hash(back) != hash(exc) or back is exc  # exceptions hash by identity, as Python's do
        assert type(back) is type(exc)
