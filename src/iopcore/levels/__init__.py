"""Levels of care and the continuum between them.

A :class:`LevelOfCare` is a value; a :class:`LevelCatalog` is a framework's
levels plus the usual transitions between them, all data with a
:class:`~iopcore.sources.Source` on every entry. Built-in catalogs:
:data:`ASAM3`, :data:`ASAM4`, :data:`MEDICARE` and :data:`GENERIC_IOP`.

>>> from iopcore.levels import ASAM3, Population
>>> ASAM3.classify(19.5, Population.ADULT).code
'2.1'
"""

from iopcore.levels._catalogs import (
    ASAM3,
    ASAM4,
    ASAM_EDITION_MAP,
    DEFAULT_DAYS_PER_WEEK,
    GENERIC_IOP,
    MEDICARE,
    CodeMapping,
    asam3_to_asam4,
    asam4_to_asam3,
)
from iopcore.levels._model import (
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

CATALOGS: tuple[LevelCatalog, ...] = (ASAM3, ASAM4, MEDICARE, GENERIC_IOP)
"""Every built-in catalog."""

__all__ = [
    "ASAM3",
    "ASAM4",
    "ASAM_EDITION_MAP",
    "CATALOGS",
    "DEFAULT_DAYS_PER_WEEK",
    "GENERIC_IOP",
    "MEDICARE",
    "CodeMapping",
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
    "asam3_to_asam4",
    "asam4_to_asam3",
]
