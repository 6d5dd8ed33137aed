"""Episodes as compliance records: admission_record and authorization_records."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

import attrs
import pytest

from iopcore.compliance import AdmissionRecord
from iopcore.episodes import (
    Authorization,
    AuthorizationUnit,
    DischargeReason,
    admission_record,
    authorization_records,
    authorize,
    discharge,
)
from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.times import DateRange
from tests.episodes.builders import episode_from

EASTERN = timezone(timedelta(hours=-5))


def test_an_open_episode_becomes_an_open_admission_record() -> None:
    """The record keeps the episode id and patient, starts at midnight in *tz* and has no discharge."""
    record = admission_record(episode_from(date(2026, 3, 2)), tz=EASTERN)
    assert record == AdmissionRecord(
        id="ep_17", patient_id="p-17", admitted_at=datetime(2026, 3, 2, tzinfo=EASTERN), discharged_at=None
    )


def test_a_same_day_discharge_ends_after_the_admission() -> None:
    """Discharged on the admission day, the record still ends after it began (23:59 by default)."""
    ep = discharge(episode_from(date(2026, 3, 2)), on=date(2026, 3, 2), reason=DischargeReason.ADMINISTRATIVE)
    record = admission_record(ep, tz=UTC)
    assert record.discharged_at == datetime(2026, 3, 2, 23, 59, tzinfo=UTC)
    assert record.days(date(2026, 12, 31)) == DateRange(first=date(2026, 3, 2), last=date(2026, 3, 2))
    later = admission_record(ep, tz=UTC, admitted_at=time(8), discharged_at=time(17))
    assert (later.admitted_at.hour, later.discharged_at and later.discharged_at.hour) == (8, 17)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"episode": "nope", "tz": UTC}, "$.episode"),
        ({"tz": 0}, "$.tz"),
        ({"tz": UTC, "admitted_at": "08:00"}, "$.admitted_at"),
        ({"tz": UTC, "discharged_at": time(17, tzinfo=UTC)}, "$.discharged_at"),
    ],
)
def test_admission_record_rejects_bad_arguments(kwargs: dict[str, Any], path: str) -> None:
    """A non-episode, a non-tzinfo zone and bad times are rejected at their names."""
    episode = kwargs.pop("episode", episode_from(date(2026, 3, 2)))
    with pytest.raises(InvalidDataError) as info:
        admission_record(episode, **kwargs)
    assert info.value.paths == (path,)


def test_authorizations_become_payer_authorization_records() -> None:
    """Unit authorizations cap the services; day authorizations cover their dates without a cap."""
    ep = episode_from(date(2026, 3, 2))
    dates = DateRange(first=date(2026, 3, 2), last=date(2026, 3, 31))
    ep = authorize(
        ep, Authorization(id="a1", payer="Acme", level_code="2.1", amount=12, unit=AuthorizationUnit.UNITS, dates=dates)
    )
    ep = authorize(ep, Authorization(id="a2", payer="Acme", level_code="2.1", amount=20, dates=dates))
    records = authorization_records(ep)
    assert [(r.id, r.payer, r.dates, r.authorized_services) for r in records] == [
        ("ep_17.a1", "Acme", dates, 12),
        ("ep_17.a2", "Acme", dates, None),
    ]
    with pytest.raises(InvalidDataError):
        authorization_records("nope")  # type: ignore[arg-type]


def test_a_zone_without_an_offset_is_refused() -> None:
    """A bare ``tzinfo()`` gives no UTC offset: refused at ``$.tz`` (it raised NotImplementedError)."""
    with pytest.raises(InvalidArgumentError) as info:
        admission_record(episode_from(date(2026, 3, 2)), tz=tzinfo())
    assert info.value.paths == ("$.tz",)


def test_a_same_day_discharge_must_end_after_it_began() -> None:
    """Discharged on the admission day at or before the admission time: an order error at ``$.discharged_at``."""
    ep = discharge(episode_from(date(2026, 3, 2)), on=date(2026, 3, 2), reason=DischargeReason.ADMINISTRATIVE)
    for at in (time(8), time(7)):
        with pytest.raises(InvalidDataError) as info:
            admission_record(ep, tz=UTC, admitted_at=time(8), discharged_at=at)
        assert info.value.paths == ("$.discharged_at",)
    later = discharge(episode_from(date(2026, 3, 2)), on=date(2026, 3, 3), reason=DischargeReason.ADMINISTRATIVE)
    record = admission_record(later, tz=UTC, admitted_at=time(8), discharged_at=time(7))
    assert record.discharged_at == datetime(2026, 3, 3, 7, tzinfo=UTC)


def test_ids_too_long_for_a_compliance_record_name_the_episode() -> None:
    """The compliance records keep ids of at most 128 characters; a longer episode id is reported at ``$.episode.id``."""
    ep = attrs.evolve(episode_from(date(2026, 3, 2)), id="e" * 129)
    with pytest.raises(InvalidDataError) as info:
        admission_record(ep, tz=UTC)
    assert info.value.paths == ("$.episode.id",)
    auth = Authorization(
        id="a" * 100, payer="Acme", level_code="2.1", amount=3, dates=DateRange.of_days(ep.admission.on, 7)
    )
    with pytest.raises(InvalidDataError) as info:
        authorization_records(authorize(attrs.evolve(ep, id="e" * 40), auth))
    assert info.value.paths == ("$.episode.id",)
