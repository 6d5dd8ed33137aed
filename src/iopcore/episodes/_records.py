"""Episodes as compliance records: the admission and the payer authorizations."""

from __future__ import annotations

from datetime import datetime, time, tzinfo

from iopcore import _fields as f
from iopcore.compliance import AdmissionRecord, PayerAuthorization
from iopcore.episodes._model import AuthorizationUnit, Episode
from iopcore.errors import InvalidDataError

__all__ = ["admission_record", "authorization_records"]


@f.guard
def admission_record(
    episode: Episode, *, tz: tzinfo, admitted_at: time = time(0), discharged_at: time = time(23, 59)
) -> AdmissionRecord:
    """The episode as a compliance :class:`~iopcore.compliance.AdmissionRecord`, for :func:`iopcore.compliance.evaluate`.

    The record's id is the episode id; admission and discharge happen at
    *admitted_at* and *discharged_at* (naive times) in *tz* on their dates (by default
    the start and the end of the day, so that a same-day discharge is still after the
    admission). A same-day discharge at or before *admitted_at* is an error at
    ``$.discharged_at``; an episode whose id does not fit a compliance record, one at
    ``$.episode.id``.
    """
    last = episode.last_day
    if last == episode.admission.on and discharged_at <= admitted_at:
        raise InvalidDataError.single(
            "$.discharged_at",
            "expected a time after admitted_at for a discharge on the admission day, got an earlier or equal time",
            "order",
        )
    try:
        return AdmissionRecord(
            id=episode.id,
            patient_id=episode.patient_id,
            admitted_at=datetime.combine(episode.admission.on, admitted_at, tzinfo=tz),
            discharged_at=None if last is None else datetime.combine(last, discharged_at, tzinfo=tz),
        )
    except InvalidDataError as exc:
        raise exc.under("$.episode") from None


@f.guard
def authorization_records(episode: Episode) -> tuple[PayerAuthorization, ...]:
    """The episode's payer authorizations as compliance :class:`~iopcore.compliance.PayerAuthorization` records.

    Ids are ``"<episode>.<authorization>"``. An authorization counted in
    :attr:`~AuthorizationUnit.UNITS` caps the number of services; one counted in
    :attr:`~AuthorizationUnit.DAYS` becomes an uncapped authorization over its date
    range (the compliance record has no day count). An id too long for a compliance
    record is an error at ``$.episode.id``.
    """
    try:
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
    except InvalidDataError as exc:
        raise exc.under("$.episode") from None
