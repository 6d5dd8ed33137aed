"""The Hypothesis entry point: ``import hypothesis`` stays light, and ``st.from_type`` still finds every type.

Each test runs a fresh interpreter, since what is measured is what a fresh ``import hypothesis`` loads and
registers. What the plugin costs in time is measured by ``benchmarks/run.py plugin``, not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from iopcore._hypothesis_plugin import STRATEGY_NAMES


def run(code: str, **env: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **env})
    assert out.returncode == 0, out.stderr
    return out.stdout


LOADED_BY_IMPORT_HYPOTHESIS = """
import sys
before = set(sys.modules)
import hypothesis
print(__import__("json").dumps(sorted(set(sys.modules) - before)))
"""


def test_import_hypothesis_imports_no_domain_module_and_not_attrs() -> None:
    """A fresh ``import hypothesis`` loads iopcore's package, its entry point and the module list, nothing more:
    no domain module, not attrs (which Hypothesis itself does not import)."""
    loaded = json.loads(run(LOADED_BY_IMPORT_HYPOTHESIS))
    assert sorted(m for m in loaded if m.startswith("iopcore")) == [
        "iopcore",
        "iopcore._hypothesis_plugin",
        "iopcore._loaded",
    ]
    assert [m for m in loaded if m.split(".")[0] in ("attr", "attrs", "cattrs", "dateutil")] == []


LOADED_BY_IOPCORE_ENTRY_POINT = """
import importlib.metadata, json, sys
import hypothesis
before = set(sys.modules)
(point,) = [e for e in importlib.metadata.entry_points(group="hypothesis") if e.name == "iopcore"]
point.load()()
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_the_plugin_adds_three_modules_to_import_hypothesis() -> None:
    """Loading and calling iopcore's entry point, as Hypothesis does, loads exactly three modules.

    Measured with the other plugins off (``HYPOTHESIS_NO_PLUGINS``): the test environment has others
    (pydantic 1, a test dependency of tests/fhir, registers one that imports pydantic), whose cost is not
    iopcore's."""
    added = json.loads(run(LOADED_BY_IOPCORE_ENTRY_POINT, HYPOTHESIS_NO_PLUGINS="1"))
    assert sorted(added) == ["iopcore", "iopcore._hypothesis_plugin", "iopcore._loaded"]


DRAW_EVERY_REGISTERED_TYPE = """
import importlib, json, sys, warnings
import attrs
registry = json.loads(sys.argv[1])
order = sys.argv[2]
modules = sorted(registry)
before_hypothesis = {"hypothesis first": [], "iopcore first": modules, "interleaved": modules[::2]}[order]
for module in before_hypothesis:
    importlib.import_module(module)
import hypothesis
from hypothesis import given, settings, strategies as st
for module in modules:
    importlib.import_module(module)
from iopcore._fields import check_fields
warnings.simplefilter("error")
assert "iopcore.strategies" not in sys.modules, "registering must not import the strategies"
for module, names in registry.items():
    for class_name in names:
        cls = getattr(sys.modules[module], class_name)
        drawn = []
        @settings(max_examples=3, derandomize=True, database=None)
        @given(st.from_type(cls))
        def check(value):
            drawn.append(value)
        check()
        registered = {getattr(sys.modules[m], n) for m, ns in registry.items() for n in ns}
        for value in drawn:
            if getattr(cls, "_is_protocol", False):  # a protocol draws one of the types that implement it
                assert type(value) in registered, (class_name, value)
                continue
            assert isinstance(value, cls), (class_name, value)
            if attrs.has(cls):
                values = {a.alias: getattr(value, a.name) for a in attrs.fields(cls) if a.init}
                assert check_fields(cls, values) == [], (class_name, value)
print("iopcore.strategies" in sys.modules)
"""


@pytest.mark.parametrize("order", ["hypothesis first", "iopcore first", "interleaved"])
def test_from_type_draws_valid_values_for_every_registered_type(order: str) -> None:
    """Whichever is imported first, iopcore's modules or Hypothesis, ``st.from_type`` of every registered type
    (each public attrs class, and the two protocols) draws valid values through iopcore's strategy, without
    the test importing ``iopcore.strategies``; it is imported only when the first strategy is resolved."""
    out = subprocess.run(
        [sys.executable, "-c", DRAW_EVERY_REGISTERED_TYPE, json.dumps(STRATEGY_NAMES), order],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"


def test_registering_again_registers_each_module_once_more_only() -> None:
    """``register_strategies()`` (the entry point called by hand) may run again: the listener is added once,
    so a module loaded later is registered once, and from_type still resolves to iopcore's strategy."""
    code = """
import hypothesis
from hypothesis import strategies as st
import iopcore.strategies as ist
from iopcore import _loaded
ist.register_strategies(); ist.register_strategies()
print(_loaded._listeners.count(_loaded._listeners[0]), len(_loaded._listeners))
"""
    assert run(code).split() == ["1", "1"]
