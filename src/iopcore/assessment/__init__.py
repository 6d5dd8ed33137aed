"""Assessments: standardized instruments scored exactly, the intake evaluation, ASAM dimensions, placement.

>>> from iopcore.assessment import score
>>> result = score("phq9", [1, 1, 2, 1, 0, 1, 1, 0, 1])
>>> result.total, result.band, result.positive, sorted(result.flags)
(8, 'mild', False, ['suicidal_ideation'])
"""

from iopcore.assessment._instruments import INSTRUMENTS, instrument
from iopcore.assessment._model import (
    Band,
    BandScheme,
    Cluster,
    ClusterRule,
    Cutoff,
    Exclusion,
    FlagRule,
    Instrument,
    InstrumentScore,
    Item,
    Proration,
    ResponseKind,
    Sex,
    SkipRule,
)
from iopcore.assessment._scoring import InvalidResponseError, Response, score

__all__ = [
    "INSTRUMENTS",
    "Band",
    "BandScheme",
    "Cluster",
    "ClusterRule",
    "Cutoff",
    "Exclusion",
    "FlagRule",
    "Instrument",
    "InstrumentScore",
    "InvalidResponseError",
    "Item",
    "Proration",
    "Response",
    "ResponseKind",
    "Sex",
    "SkipRule",
    "instrument",
    "score",
]
