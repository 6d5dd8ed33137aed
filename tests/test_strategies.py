"""Strategies: registered through the entry point, valid by construction, covering the valid space."""

from __future__ import annotations

import importlib
import subprocess
import sys
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from iopcore import strategies as ist
from iopcore._fields import check_fields
from iopcore._hypothesis_plugin import STRATEGY_NAMES
from iopcore.levels import Population
from iopcore.times import ClockTime
from tests.public import public_attrs_classes


def registered_types() -> dict[type, str]:
    """The plugin's registry with the types themselves: type → name of its strategy function."""
    return {
        getattr(importlib.import_module(module), class_name): function_name
        for module, names in STRATEGY_NAMES.items()
        for class_name, function_name in names.items()
    }


def test_every_public_attrs_class_has_a_registered_strategy() -> None:
    """The plugin's registry names a strategy function for every public attrs class, and each exists."""
    registered = registered_types()
    assert set(public_attrs_classes()) <= set(registered)
    for function_name in registered.values():
        assert callable(getattr(ist, function_name))
        assert function_name in ist.__all__


def test_registry_names_each_class_where_it_is_exported() -> None:
    """Each class of the registry is in its module's ``__all__`` (the module that announces it when loaded)."""
    for module, names in STRATEGY_NAMES.items():
        exported = getattr(importlib.import_module(module), "__all__", ())
        assert [n for n in names if n not in exported] == []


def test_importing_strategies_first_does_not_break_the_entry_point() -> None:
    """Importing iopcore.strategies (or its private module) before Hypothesis works in a fresh interpreter."""
    for first in ("iopcore.strategies", "iopcore.strategies._core"):
        code = f"import {first}\nfrom hypothesis import strategies as st\nfrom iopcore import Program\nprint(st.from_type(Program))"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr


@pytest.mark.parametrize("cls", public_attrs_classes(), ids=lambda c: c.__qualname__)
def test_generated_objects_are_valid(cls: type) -> None:
    """Every generated object passes its own field validators again (nothing invalid slips through)."""

    @given(st.from_type(cls))
    def check(value: Any) -> None:
        assert isinstance(value, cls)
        values = {a.alias: getattr(value, a.name) for a in attrs.fields(cls) if a.init}
        assert check_fields(cls, values) == []
        assert cls(**values) == value

    check()


def test_levels_cover_both_populations_and_every_enum() -> None:
    """Over many draws, levels use both populations and every framework, category and setting."""
    seen: dict[str, set[Any]] = {"pop": set(), "fw": set(), "cat": set(), "set": set(), "mgmt": set()}

    @given(ist.levels_of_care())
    def collect(level: Any) -> None:
        seen["pop"].update(level.hours_per_week)
        seen["fw"].add(level.framework)
        seen["cat"].add(level.category)
        seen["set"].add(level.setting)
        seen["mgmt"].add(level.management)

    collect()
    assert seen["pop"] == set(Population)
    assert len(seen["fw"]) >= 4
    assert None in seen["mgmt"]


def test_availabilities_include_empty_and_whole_week() -> None:
    """Availability strategies produce empty weeks and the whole week, not only middling values."""
    found = {"empty": False, "full": False}

    @given(ist.weekly_availabilities())
    def collect(a: Any) -> None:
        found["empty"] |= a.is_empty
        found["full"] |= a.total.value == 7 * 1440

    collect()
    assert found == {"empty": True, "full": True}


def test_clock_times_reach_their_bounds() -> None:
    """Clock times reach 00:00 and 24:00."""
    seen: set[str] = set()

    @given(ist.clock_times())
    def collect(t: Any) -> None:
        seen.add(str(t))

    collect()
    assert {"00:00", "24:00"} <= seen


@pytest.mark.parametrize(
    "make",
    [
        lambda: ist.minutes(min_value=-1),
        lambda: ist.minutes(min_value=10, max_value=5),
        lambda: ist.weekly_intervals(min_duration=0),
        lambda: ist.weekly_intervals(min_duration=30, max_duration=10),
        lambda: ist.identifiers(max_size=0),
        lambda: ist.texts(max_size=0),
        lambda: ist.hours_bands(max_hours=0),
        lambda: ist.level_catalogs(max_levels=0),
        lambda: ist.weekly_availabilities(max_windows=-1),
        lambda: ist.component_catalogs(max_size=-1),
        lambda: ist.catalog_levels(catalogs=()),
        lambda: ist.levels_of_care(require_band_for="adult"),  # type: ignore[arg-type]
        lambda: ist.clock_times(min_value=ClockTime(10, 0), max_value=ClockTime(9, 0)),
    ],
)
def test_impossible_arguments_raise_invalid_argument(make: Any) -> None:
    """Bad strategy arguments raise InvalidArgument at once, never an empty strategy."""
    with pytest.raises(InvalidArgument):
        make().validate()


def test_register_strategies_is_idempotent() -> None:
    """Calling register_strategies twice is harmless."""
    ist.register_strategies()
    ist.register_strategies()
