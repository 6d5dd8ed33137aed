"""Records of administered instruments, for the measurement-schedule rule (issue 16, item 2).

A :class:`MeasurementRecord` says that a patient completed a standardized instrument on a
date. It is dated by day, as :class:`~iopcore.assessment.DatedScore` is (an instrument's
score belongs to the day it was taken, not to an instant); the score itself stays in the
assessment's series.
"""

from __future__ import annotations

from datetime import date
from typing import final

import attrs

from iopcore import _fields as f
from iopcore.assessment import DatedScore

__all__ = ["MeasurementRecord"]


@final
@f.compact_pickle
@attrs.frozen(kw_only=True)
class MeasurementRecord:
    """One administration of an instrument (``instrument`` is its id, e.g. ``"phq9"``) on ``on``."""

    id: str = f.phi_field(validator=f.text(max_length=128))
    patient_id: str = f.phi_field(validator=f.text(max_length=128))
    instrument: str = attrs.field(validator=f.identifier())
    on: date = attrs.field(validator=f.calendar_date())

    @classmethod
    @f.guard
    def from_score(cls, score: DatedScore, *, id: str) -> MeasurementRecord:
        """The record of a dated score, under the record id *id* (unique in its bundle)."""
        return cls(id=id, patient_id=score.patient_id, instrument=score.instrument, on=score.on)
