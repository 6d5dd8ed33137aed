"""The public API: sorted exports, frozen final value classes, one name one meaning."""

from __future__ import annotations

import subprocess
import sys
import typing

import attrs
import pytest

import iopcore
from iopcore.compliance import RuleSet
from iopcore.plans import PlanPolicy
from tests.public import public_attrs_classes, public_modules


def isort_key(name: str) -> tuple[int, str]:
    """Ruff's RUF022 order: CONSTANTS, then Classes, then everything else."""
    if name.isupper() or (name[0].isupper() and name.replace("_", "").isupper()):
        return (0, name)
    return (1 if name[0].isupper() else 2, name)


def test_top_level_all_is_sorted_and_resolvable() -> None:
    """`iopcore.__all__` is sorted and every name in it exists."""
    assert list(iopcore.__all__) == sorted(iopcore.__all__, key=isort_key)
    for name in iopcore.__all__:
        assert hasattr(iopcore, name)


def test_every_public_module_all_is_sorted() -> None:
    """Each public module lists its exports in sorted order."""
    for module in public_modules():
        exported = list(getattr(module, "__all__", []))
        assert exported == sorted(exported, key=isort_key), module.__name__


# Public names that mean two things today, with the rename decided in notes/ISSUE13.md that removes
# the second meaning. None left: compliance renamed its GENERIC_IOP (GENERIC_IOP_RULES), Admission
# (AdmissionRecord) and Cutoff (AnalyteCutoff) in issue 13.
PENDING_HOMONYMS: dict[str, str] = {}


def exports() -> dict[str, list[tuple[str, object]]]:
    """Every public name with the (module, object) pairs that export it."""
    found: dict[str, list[tuple[str, object]]] = {}
    for module in public_modules():
        for name in getattr(module, "__all__", ()):
            found.setdefault(name, []).append((module.__name__, getattr(module, name)))
    return found


def test_one_meaning_per_public_name_across_every_module() -> None:
    """A name exported by two public modules is the same object in both (pending renames aside)."""
    clashes = {
        name: sorted(module for module, _ in homes)
        for name, homes in exports().items()
        if len({id(obj) for _, obj in homes}) > 1
    }
    assert set(clashes) == set(PENDING_HOMONYMS), clashes


def test_top_level_names_are_the_same_objects_as_in_their_packages() -> None:
    """Every name re-exported at the top level is the package's own object (the top level never has the odd one)."""
    for name in iopcore.__all__:
        for module, obj in exports()[name]:
            if name not in PENDING_HOMONYMS and name != "__version__":
                assert obj is getattr(iopcore, name), f"{module}.{name}"


# One spelling per jurisdiction: the spelt-out name, never an abbreviation, in every public name.
JURISDICTIONS = {
    "DISTRICT_OF_COLUMBIA": ("DC",),
    "KANSAS": ("KS",),
    "PENNSYLVANIA": ("PA",),
    "ILLINOIS": ("IL",),
    "MONTANA": ("MT",),
    "WASHINGTON": ("WA",),
}
# Names decided in notes/ISSUE13.md and not made yet (the lead empties this at merge). None left.
PENDING_NAMES: dict[str, str] = {}


def test_rule_sets_and_plan_policies_are_named_by_kind_and_jurisdiction() -> None:
    """Rule-set constants end in _RULES, plan policies in _POLICY, and no name abbreviates a jurisdiction."""
    wrong = set()
    for name, homes in exports().items():
        for module, obj in homes:
            where = f"{module}.{name}"
            words = name.split("_")
            if isinstance(obj, RuleSet) and not name.endswith("_RULES"):
                wrong.add(where)
            if isinstance(obj, PlanPolicy) and not name.endswith("_POLICY"):
                wrong.add(where)
            if name.isupper() and any(a in words for abbreviations in JURISDICTIONS.values() for a in abbreviations):
                wrong.add(where)
    assert wrong == set(PENDING_NAMES)


@pytest.mark.parametrize("cls", public_attrs_classes(), ids=lambda c: c.__qualname__)
def test_public_classes_are_frozen_slotted_and_final(cls: type) -> None:
    """Every public attrs class is frozen, slotted and marked @final."""
    assert attrs.has(cls)
    assert cls.__setattr__.__name__ == "_frozen_setattrs"
    assert "__slots__" in cls.__dict__
    assert getattr(cls, "__final__", False) is True


@pytest.mark.parametrize("cls", public_attrs_classes(), ids=lambda c: c.__qualname__)
def test_field_types_resolve_at_runtime(cls: type) -> None:
    """Annotations of public classes resolve with typing.get_type_hints (needed by serialization)."""
    hints = typing.get_type_hints(cls)
    for field in attrs.fields(cls):
        assert field.name in hints


def _loaded_then_missing(first: str, watched: list[str], then: str) -> tuple[list[str], list[str]]:
    """In a fresh interpreter: the *watched* modules loaded after running *first*, and those not loaded after *then*."""
    code = (
        f"import sys\n{first}\n"
        f"print(','.join(m for m in {watched!r} if m in sys.modules))\n"
        f"{then}\n"
        f"print(','.join(m for m in {watched!r} if m not in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded, missing = out.splitlines()
    return [m for m in loaded.split(",") if m], [m for m in missing.split(",") if m]


def test_importing_iopcore_loads_nothing_until_a_name_is_used() -> None:
    """``import iopcore`` leaves attrs, cattrs and every domain module unloaded until a name from them is used
    (so the Hypothesis entry point, whose import runs ``iopcore/__init__``, stays cheap)."""
    heavy = ["attr", "cattrs", "dateutil", "iopcore._fields", "iopcore.errors", "iopcore.times", "iopcore.levels"]
    heavy += ["iopcore.components", "iopcore.programs", "iopcore.serialization", "iopcore.assessment"]
    heavy += ["iopcore.schedule", "iopcore.compliance", "iopcore.plans", "iopcore.episodes"]
    then = (
        "iopcore.TreatmentPlan, iopcore.Episode, iopcore.to_dict, iopcore.FrozenMap, iopcore.ASAM3, iopcore.Program\n"
        "iopcore.errors, iopcore.times, iopcore.compliance, iopcore.assessment, iopcore.schedule"
    )
    assert _loaded_then_missing("import iopcore", heavy, then) == ([], [])
    assert dir(iopcore) == sorted(iopcore.__all__)


def test_the_foundations_names_load_only_the_foundation() -> None:
    """Every name ``import iopcore`` re-exports from the foundation loads no more than the foundation needs:
    not cattrs, dateutil or the HTML views, nor the move policies and edition map until one of them is used."""
    first = (
        "import iopcore\n"
        "iopcore.FrozenMap, iopcore.COMPONENTS, iopcore.ErrorItem, iopcore.ASAM3, iopcore.Patient, iopcore.Program\n"
        "iopcore.Source, iopcore.ClockTime, iopcore.WeeklyAvailability, iopcore.Population, iopcore.IntensityRules"
    )
    later = ["iopcore._fields._html", "iopcore.levels._continuum", "iopcore.levels._editions"]
    then = (
        "from iopcore.levels import ANY_STEP, asam3_to_asam4\n"
        "iopcore.ASAM3._repr_html_(), iopcore.levels.MovePolicy, iopcore.levels.CodeMapping"
    )
    assert _loaded_then_missing(first, later, then) == ([], [])
    not_yet = ["cattrs", "dateutil", "html", "iopcore.serialization", "iopcore.plans", "iopcore.episodes"]
    assert _loaded_then_missing(first, not_yet, "")[0] == []
    assert set(iopcore.levels.__all__) <= set(dir(iopcore.levels))
