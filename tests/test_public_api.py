"""The public API: sorted exports, frozen final value classes, one name one meaning."""

from __future__ import annotations

import subprocess
import sys
import typing

import attrs
import pytest

import iopcore
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


# Names a submodule deliberately uses for something else than the top-level name, never re-exported at
# top level. None left: the compliance rule sets are ``*_RULES`` (issue 13), so ``iopcore.GENERIC_IOP`` (the
# level catalog) and ``iopcore.compliance.GENERIC_IOP_RULES`` (the rule set) no longer share a name.
DELIBERATE_HOMONYMS: set[tuple[str, str]] = set()


def test_no_name_means_two_things_across_modules_reexported_at_top_level() -> None:
    """A name exported by the top-level package is the same object wherever else it is exported."""
    for module in public_modules():
        for name in getattr(module, "__all__", ()):
            if (module.__name__, name) in DELIBERATE_HOMONYMS:
                assert getattr(module, name) is not getattr(iopcore, name)
                continue
            if name in iopcore.__all__ and name != "__version__":
                assert getattr(module, name) is getattr(iopcore, name), f"{module.__name__}.{name}"


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


def test_importing_iopcore_loads_only_the_foundation() -> None:
    """``import iopcore`` leaves cattrs and the domain packages unloaded until a name from them is used."""
    code = (
        "import sys, iopcore\n"
        "heavy = ['cattrs', 'iopcore.serialization', 'iopcore.assessment', 'iopcore.schedule',\n"
        "         'iopcore.compliance', 'iopcore.plans', 'iopcore.episodes']\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
        "iopcore.TreatmentPlan, iopcore.Episode, iopcore.to_dict\n"
        "print(','.join(m for m in heavy if m not in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["", ""]
    assert dir(iopcore) == sorted(iopcore.__all__)
