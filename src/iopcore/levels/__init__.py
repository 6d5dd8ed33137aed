"""Levels of care and the continuum between them.

A :class:`LevelOfCare` is a value; a :class:`LevelCatalog` is a framework's
levels, their :class:`IntensityOrder` and the usual routes between them, all
data with a :class:`~iopcore.sources.Source` on every entry. Built-in catalogs:
:data:`ASAM3`, :data:`ASAM4`, :data:`MEDICARE` and :data:`GENERIC_IOP`. A
:class:`MovePolicy` says which steps up and down a program accepts; the
default, :data:`ANY_STEP`, accepts every one.

>>> from iopcore.levels import ASAM3, ANY_STEP, Population
>>> ASAM3.classify(19.5, Population.ADULT).code
'2.1'
>>> ASAM3.kind("2.1", "3.7-WM").value, ANY_STEP.allows(ASAM3, "2.1", "3.7-WM")
('step_up', True)
>>> [lv.code for lv in ASAM3.suggested_next("2.1")]
['1', '2.5']
"""

from typing import TYPE_CHECKING, Any

from iopcore import _loaded
from iopcore.levels._catalogs import ASAM3, ASAM4, DEFAULT_DAYS_PER_WEEK, GENERIC_IOP, MEDICARE
from iopcore.levels._model import (
    DaysBand,
    Framework,
    HoursBand,
    IntensityOrder,
    LevelCatalog,
    LevelCategory,
    LevelOfCare,
    Management,
    OrderChoice,
    Population,
    Setting,
    Transition,
    TransitionKind,
)

if TYPE_CHECKING:
    from iopcore.levels._continuum import ANY_STEP, MOVE_POLICIES, USUAL_ROUTES_ONLY, MovePolicy
    from iopcore.levels._editions import ASAM_EDITION_MAP, CodeMapping, asam3_to_asam4, asam4_to_asam3

CATALOGS: tuple[LevelCatalog, ...] = (ASAM3, ASAM4, MEDICARE, GENERIC_IOP)
"""Every built-in catalog."""

_CONTINUUM = frozenset(("ANY_STEP", "MOVE_POLICIES", "USUAL_ROUTES_ONLY", "MovePolicy"))
_EDITIONS = frozenset(("ASAM_EDITION_MAP", "CodeMapping", "asam3_to_asam4", "asam4_to_asam3"))

if not TYPE_CHECKING:  # type checkers see the names imported above

    def __getattr__(name: str) -> Any:
        # The move policies and the edition map load on first use of one of their names, so that the
        # foundation (``import iopcore`` and its names) builds only the catalogs.
        module: Any
        if name in _CONTINUUM:
            from iopcore.levels import _continuum as module
        elif name in _EDITIONS:
            from iopcore.levels import _editions as module
        else:
            raise AttributeError(f"module 'iopcore.levels' has no attribute {name!r}")
        value = getattr(module, name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "ANY_STEP",
    "ASAM3",
    "ASAM4",
    "ASAM_EDITION_MAP",
    "CATALOGS",
    "DEFAULT_DAYS_PER_WEEK",
    "GENERIC_IOP",
    "MEDICARE",
    "MOVE_POLICIES",
    "USUAL_ROUTES_ONLY",
    "CodeMapping",
    "DaysBand",
    "Framework",
    "HoursBand",
    "IntensityOrder",
    "LevelCatalog",
    "LevelCategory",
    "LevelOfCare",
    "Management",
    "MovePolicy",
    "OrderChoice",
    "Population",
    "Setting",
    "Transition",
    "TransitionKind",
    "asam3_to_asam4",
    "asam4_to_asam3",
]

_loaded.loaded(__name__)  # after every definition: the Hypothesis entry point may register them now
