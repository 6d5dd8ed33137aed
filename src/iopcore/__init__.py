"""iopcore: Intensive Outpatient Programs as typed data and pure functions.

The public API is re-exported here; each name lives in a module named for its
domain (:mod:`iopcore.levels`, :mod:`iopcore.components`, …). Nothing in
iopcore does I/O, reads a clock or the environment, or draws unseeded random
numbers: the same input always gives the same output.
"""

from typing import TYPE_CHECKING, Any

from iopcore._fields import FrozenMap
from iopcore.components import (
    COMPONENTS,
    Component,
    ComponentCatalog,
    Curriculum,
    DeliveryMode,
    Role,
    Topic,
)
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
from iopcore.programs import IntensityRules, Program, Track
from iopcore.sources import Evidence, Source
from iopcore.times import ClockTime, DateRange, Minutes, Weekday, WeeklyAvailability, WeeklyInterval

if TYPE_CHECKING:
    from iopcore.episodes import Episode
    from iopcore.plans import PlanHistory, PlanPolicy, TreatmentPlan
    from iopcore.serialization import from_dict, to_dict

__version__ = "0.1.0"


# Names loaded on first use, so that ``import iopcore`` stays light: serialization
# needs cattrs (the largest import), and plans and episodes bring in the
# assessment, schedule and compliance packages they connect.
def __getattr__(name: str) -> Any:
    module: Any
    if name in ("from_dict", "to_dict"):
        from iopcore import serialization as module
    elif name == "Episode":
        from iopcore import episodes as module
    elif name in ("PlanHistory", "PlanPolicy", "TreatmentPlan"):
        from iopcore import plans as module
    else:
        raise AttributeError(f"module 'iopcore' has no attribute {name!r}")
    return getattr(module, name)


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
