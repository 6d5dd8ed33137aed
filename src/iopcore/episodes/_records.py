"""Episodes as compliance records: the admission and the payer authorizations."""

from __future__ import annotations

from datetime import datetime, time, tzinfo

from iopcore.compliance import Admission as AdmissionRecord
from iopcore.compliance import PayerAuthorization
from iopcore.episodes._model import AuthorizationUnit, Episode
from iopcore.errors import InvalidDataError, type_name

__all__ = ["admission_record", "authorization_records"]


def _require_time(value: object, path: str) -> time:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise InvalidDataError.single(path, f"expected a naive time, got {type_name(value)}", "type")
    return value


def admission_record(
    episode: Episode, *, tz: tzinfo, admitted_at: time = time(0), discharged_at: time = time(23, 59)
) -> AdmissionRecord:
    """The episode as a compliance :class:`~iopcore.compliance.Admission` record, for :func:`iopcore.compliance.evaluate`.

    The record's id is the episode id; admission and discharge happen at
    *admitted_at* and *discharged_at* in *tz* on their dates (by default the start
    and the end of the day, so that a same-day discharge is still after the admission).
    """
    if not isinstance(episode, Episode):
        raise InvalidDataError.single("$.episode", f"expected an Episode, got {type_name(episode)}", "type")
    if not isinstance(tz, tzinfo):
        raise InvalidDataError.single("$.tz", f"expected a tzinfo, got {type_name(tz)}", "type")
    start = _require_time(admitted_at, "$.admitted_at")
    end = _require_time(discharged_at, "$.discharged_at")
    last = episode.last_day
    return AdmissionRecord(
        id=episode.id,
        patient_id=episode.patient_id,
        admitted_at=datetime.combine(episode.admission.on, start, tzinfo=tz),
        discharged_at=None if last is None else datetime.combine(last, end, tzinfo=tz),
    )


def authorization_records(episode: Episode) -> tuple[PayerAuthorization, ...]:
    """The episode's payer authorizations as compliance :class:`~iopcore.compliance.PayerAuthorization` records.

    Ids are ``"<episode>.<authorization>"``. An authorization counted in
    :attr:`~AuthorizationUnit.UNITS` caps the number of services; one counted in
    :attr:`~AuthorizationUnit.DAYS` becomes an uncapped authorization over its date
    range (the compliance record has no day count).
    """
    if not isinstance(episode, Episode):
        raise InvalidDataError.single("$.episode", f"expected an Episode, got {type_name(episode)}", "type")
    return tuple(
        PayerAuthorization(
            id=f"{episode.id}.{a.id}",
            patient_id=episode.patient_id,
            payer=a.payer,
            dates=a.dates,
            authorized_services=a.amount if a.unit is AuthorizationUnit.UNITS else None,
        )
        for a in episode.authorizations
    )
