"""iopcore: Intensive Outpatient Programs as typed data and pure functions.

The public API is re-exported here; each name lives in a module named for its
domain (:mod:`iopcore.levels`, :mod:`iopcore.components`, …). Nothing in
iopcore does I/O, reads a clock or the environment, or draws unseeded random
numbers: the same input always gives the same output.
"""

from typing import TYPE_CHECKING, Any

from iopcore.components import (
    COMPONENTS,
    Component,
    ComponentCatalog,
    Curriculum,
    DeliveryMode,
    Role,
    Topic,
)
from iopcore.episodes import Episode
from iopcore.errors import ErrorItem, InvalidDataError, IopcoreError, UnknownCodeError
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
from iopcore.sources import Evidence, Source
from iopcore.times import ClockTime, DateRange, Minutes, Weekday, WeeklyAvailability, WeeklyInterval

if TYPE_CHECKING:
    from iopcore.serialization import from_dict, to_dict

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Serialization needs cattrs, which is the largest import; load it on first use.
    if name in ("from_dict", "to_dict"):
        from iopcore import serialization

        return getattr(serialization, name)
    raise AttributeError(f"module 'iopcore' has no attribute {name!r}")


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
    "HoursBand",
    "IntensityRules",
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
