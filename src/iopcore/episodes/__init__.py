"""Episodes of care: admission, level history, payer authorizations, IOP phases and discharge.

An :class:`Episode` is a value whose construction checks its dates: level
periods and phases never overlap, start at or after admission and end by
discharge. Moves between levels are checked against a
:class:`~iopcore.levels.LevelCatalog`'s continuum by :func:`change_level` and
:func:`validate_episode`; a move the catalog does not list raises
:class:`TransitionNotAllowedError`. Build episodes with :func:`admit`,
:func:`change_level`, :func:`enter_phase`, :func:`authorize` and
:func:`discharge`; each returns a new episode. :func:`admission_record` and
:func:`authorization_records` turn an episode into compliance records.

>>> from datetime import date
>>> from iopcore.levels import ASAM3
>>> ep = admit(id="ep1", patient_id="p-1", on=date(2026, 3, 2), level="2.1", catalog=ASAM3,
...            entry_route=EntryRoute.PRIMARY, referral_source="self")
>>> ep = change_level(ep, ASAM3, to="1", on=date(2026, 4, 13), reason="met IOP goals")
>>> [p.level_code for p in ep.levels]
['2.1', '1']
"""

from iopcore import _loaded
from iopcore.episodes._model import (
    ENTRY_ROUTES_SOURCE,
    PHASES_SOURCE,
    Admission,
    Authorization,
    AuthorizationUnit,
    Discharge,
    DischargeReason,
    EntryRoute,
    Episode,
    IopPhase,
    LevelPeriod,
    PhasePeriod,
)
from iopcore.episodes._ops import admit, authorize, change_level, discharge, enter_phase, validate_episode
from iopcore.episodes._records import admission_record, authorization_records
from iopcore.errors import TransitionNotAllowedError

__all__ = [
    "ENTRY_ROUTES_SOURCE",
    "PHASES_SOURCE",
    "Admission",
    "Authorization",
    "AuthorizationUnit",
    "Discharge",
    "DischargeReason",
    "EntryRoute",
    "Episode",
    "IopPhase",
    "LevelPeriod",
    "PhasePeriod",
    "TransitionNotAllowedError",
    "admission_record",
    "admit",
    "authorization_records",
    "authorize",
    "change_level",
    "discharge",
    "enter_phase",
    "validate_episode",
]

_loaded.loaded(__name__)  # after every definition: the Hypothesis entry point may register them now
