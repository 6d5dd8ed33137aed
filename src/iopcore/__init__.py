"""iopcore: Intensive Outpatient Programs as typed data and pure functions.

The public API is re-exported here; each name lives in a module named for its
domain (:mod:`iopcore.levels`, :mod:`iopcore.components`, …). Nothing in
iopcore does I/O, reads a clock or the environment, or draws unseeded random
numbers: the same input always gives the same output.

Every name is loaded on first use (``iopcore.ASAM3``, ``from iopcore import Program``),
so ``import iopcore`` itself imports nothing of the domain, nor attrs. That keeps the
Hypothesis entry point (:mod:`iopcore._hypothesis_plugin`, whose import runs this
file) cheap for every ``import hypothesis`` in an environment where iopcore is installed.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from iopcore._fields import FrozenMap
    from iopcore.components import COMPONENTS, Component, ComponentCatalog, Curriculum, DeliveryMode, Role, Topic
    from iopcore.episodes import Episode
    from iopcore.errors import ErrorItem, InvalidArgumentError, InvalidDataError, IopcoreError, UnknownCodeError
    from iopcore.levels import (
        ASAM3,
        ASAM4,
        GENERIC_IOP,
        MEDICARE,
        DaysBand,
        Framework,
        HoursBand,
        LevelCatalog,
        LevelCategory,
        LevelOfCare,
        Management,
        Population,
        Setting,
        Transition,
        TransitionKind,
    )
    from iopcore.patients import Patient
    from iopcore.plans import PlanHistory, PlanPolicy, TreatmentPlan
    from iopcore.programs import IntensityRules, Program, Track
    from iopcore.serialization import from_dict, to_dict
    from iopcore.sources import Evidence, Source
    from iopcore.times import ClockTime, DateRange, Minutes, Weekday, WeeklyAvailability, WeeklyInterval

__version__ = "0.1.0"

_EXPORTS: dict[str, tuple[str, ...]] = {
    "_fields": ("FrozenMap",),
    "components": ("COMPONENTS", "Component", "ComponentCatalog", "Curriculum", "DeliveryMode", "Role", "Topic"),
    "episodes": ("Episode",),
    "errors": ("ErrorItem", "InvalidArgumentError", "InvalidDataError", "IopcoreError", "UnknownCodeError"),
    "levels": (
        "ASAM3",
        "ASAM4",
        "GENERIC_IOP",
        "MEDICARE",
        "DaysBand",
        "Framework",
        "HoursBand",
        "LevelCatalog",
        "LevelCategory",
        "LevelOfCare",
        "Management",
        "Population",
        "Setting",
        "Transition",
        "TransitionKind",
    ),
    "patients": ("Patient",),
    "plans": ("PlanHistory", "PlanPolicy", "TreatmentPlan"),
    "programs": ("IntensityRules", "Program", "Track"),
    "serialization": ("from_dict", "to_dict"),
    "sources": ("Evidence", "Source"),
    "times": ("ClockTime", "DateRange", "Minutes", "Weekday", "WeeklyAvailability", "WeeklyInterval"),
}
"""Each module iopcore re-exports from → the names it re-exports (as imported for type checkers above)."""

_HOMES: dict[str, str] = {name: module for module, names in _EXPORTS.items() for name in names}

_SUBMODULES = frozenset(
    (
        "assessment",
        "compliance",
        "components",
        "episodes",
        "errors",
        "levels",
        "part2",
        "patients",
        "plans",
        "programs",
        "schedule",
        "serialization",
        "sources",
        "times",
    )
)
"""Public modules reachable as attributes after a bare ``import iopcore`` (as when some were imported eagerly)."""

_loading: set[str] = set()


def _load(home: str) -> Any:
    module: Any
    if home == "_fields":
        import iopcore._fields as module
    elif home == "components":
        import iopcore.components as module
    elif home == "errors":
        import iopcore.errors as module
    elif home == "levels":
        import iopcore.levels as module
    elif home == "patients":
        import iopcore.patients as module
    elif home == "programs":
        import iopcore.programs as module
    elif home == "sources":
        import iopcore.sources as module
    elif home == "times":
        import iopcore.times as module
    elif home == "episodes":
        import iopcore.episodes as module
    elif home == "plans":
        import iopcore.plans as module
    elif home == "serialization":
        import iopcore.serialization as module
    elif home == "assessment":
        import iopcore.assessment as module
    elif home == "compliance":
        import iopcore.compliance as module
    elif home == "part2":
        import iopcore.part2 as module
    elif home == "schedule":
        import iopcore.schedule as module
    else:  # pragma: no cover - _HOMES and _SUBMODULES name only the modules above
        raise AssertionError(home)
    return module


def __getattr__(name: str) -> Any:
    home = name if name in _SUBMODULES else _HOMES.get(name)
    # A name asked for while its own module is importing (an import cycle) is not there yet: say so,
    # and the import system falls back to the half-imported module instead of recursing.
    if home is None or name in _loading:
        raise AttributeError(f"module 'iopcore' has no attribute {name!r}")
    _loading.add(name)
    try:
        module = _load(home)
    finally:
        _loading.discard(name)
    value = module if name == home else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "ASAM3",
    "ASAM4",
    "COMPONENTS",
    "GENERIC_IOP",
    "MEDICARE",
    "ClockTime",
    "Component",
    "ComponentCatalog",
    "Curriculum",
    "DateRange",
    "DaysBand",
    "DeliveryMode",
    "Episode",
    "ErrorItem",
    "Evidence",
    "Framework",
    "FrozenMap",
    "HoursBand",
    "IntensityRules",
    "InvalidArgumentError",
    "InvalidDataError",
    "IopcoreError",
    "LevelCatalog",
    "LevelCategory",
    "LevelOfCare",
    "Management",
    "Minutes",
    "Patient",
    "PlanHistory",
    "PlanPolicy",
    "Population",
    "Program",
    "Role",
    "Setting",
    "Source",
    "Topic",
    "Track",
    "Transition",
    "TransitionKind",
    "TreatmentPlan",
    "UnknownCodeError",
    "Weekday",
    "WeeklyAvailability",
    "WeeklyInterval",
    "__version__",
    "from_dict",
    "to_dict",
]
