"""Records, findings and reports pickle compactly (field values, bundles column by column) and exactly."""

from __future__ import annotations

import copy
import pickle
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import attrs
from hypothesis import given, settings

from iopcore import strategies as ist
from iopcore.compliance import (
    AttendanceRecord,
    Certification,
    CertificationKind,
    ComplianceRecords,
    ComplianceReport,
    Finding,
    PayerAuthorization,
)
from iopcore.times import DateRange, Minutes
from tests.builders import MONDAY, confirm, drug_test, screen, session

_PROTOCOLS = range(2, pickle.HIGHEST_PROTOCOL + 1)


def _same(back: object, value: object) -> None:
    assert back == value
    assert type(back) is type(value)
    assert hash(back) == hash(value)


@settings(max_examples=30, deadline=None)
@given(ist.compliance_records())
def test_record_bundles_round_trip_exactly_in_every_protocol(records: ComplianceRecords) -> None:
    """A bundle comes back equal, with equal hashes, and every record is valid (re-validation changes nothing)."""
    for protocol in _PROTOCOLS:
        back = pickle.loads(pickle.dumps(records, protocol=protocol))
        _same(back, records)
        for field in attrs.fields(ComplianceRecords):
            for item, original in zip(getattr(back, field.name), getattr(records, field.name), strict=True):
                _same(item, original)
                assert attrs.evolve(item) == item
    _same(copy.deepcopy(records), records)


@settings(max_examples=30, deadline=None)
@given(ist.compliance_reports())
def test_reports_round_trip_exactly(report: ComplianceReport) -> None:
    """A report, its findings and its weeks come back equal and valid."""
    for protocol in _PROTOCOLS:
        back = pickle.loads(pickle.dumps(report, protocol=protocol))
        _same(back, report)
        assert all(attrs.evolve(x) == x for x in back.findings)
        assert all(attrs.evolve(w) == w for w in back.weeks)
    _same(copy.copy(report), report)


@given(ist.findings())
def test_a_finding_pickles_as_its_field_values(finding: Finding) -> None:
    """A finding's pickle holds its values, not its field names (which attrs' default pickle repeats)."""
    data = pickle.dumps(finding, protocol=pickle.HIGHEST_PROTOCOL)
    _same(pickle.loads(data), finding)
    assert b"rule_id" not in data


def test_minutes_columns_come_back_as_shared_equal_values() -> None:
    """A column of Minutes is stored as integers; the values restored are equal Minutes, one per duration."""
    records = ComplianceRecords.of([session(f"s{i}", MONDAY, 60) for i in range(3)])
    back = pickle.loads(pickle.dumps(records))
    assert [r.scheduled_minutes for r in back.attendance] == [Minutes(60)] * 3
    assert back.attendance[0].scheduled_minutes is back.attendance[1].scheduled_minutes
    assert b"Minutes" in pickle.dumps(records)  # the column says what its integers are
    assert isinstance(back.attendance[0], AttendanceRecord)


@given(ist.date_ranges())
def test_date_ranges_keep_their_order_and_hash_after_a_round_trip(value: DateRange) -> None:
    """Compact pickles keep ordering and hashing of small values (DateRange is ordered)."""
    back = pickle.loads(pickle.dumps(value))
    _same(back, value)
    assert not back < value and not value < back


def _stored_tags(records: ComplianceRecords, kind: str) -> list[int]:
    """The storage tag of each column of one kind of record in the bundle's pickle (see iopcore._fields._pickle)."""
    _, (kinds, _) = records.__reduce__()
    return [tag for name, _, columns in kinds if name == kind for tag, _ in columns]


def test_datetimes_of_one_zone_travel_as_integers_and_come_back_in_that_zone() -> None:
    """A column of datetimes sharing one tzinfo object is stored as microseconds; each comes back exactly."""
    zone = ZoneInfo("America/New_York")
    items = [
        attrs.evolve(
            session(f"s{i}", MONDAY + timedelta(days=i)),
            start=datetime(2026, 1, 5 + i, 9, 0, i, 17 * i, tzinfo=zone),
            end=datetime(2026, 1, 5 + i, 12, 30, tzinfo=zone),
        )
        for i in range(5)
    ]
    records = ComplianceRecords.of(items)
    assert _stored_tags(records, "attendance")[4:6] == [2, 2]  # start and end: microseconds after the first
    back = pickle.loads(pickle.dumps(records))
    for item, original in zip(back.attendance, records.attendance, strict=True):
        assert (item.start, item.end) == (original.start, original.end)
        assert item.start.tzinfo is zone and item.start.utcoffset() == original.start.utcoffset()
        assert item.start.fold == 0 and item.start.isoformat() == original.start.isoformat()


def test_datetimes_of_several_zone_objects_or_a_fold_are_stored_as_they_are() -> None:
    """Equal offsets under different tzinfo objects (another name), or a repeated hour's fold, are kept exactly."""
    est, plain = timezone(timedelta(hours=-5), "EST"), timezone(timedelta(hours=-5))
    first = session("s1", MONDAY)
    other = attrs.evolve(
        session("s2", MONDAY), start=first.start.replace(tzinfo=plain), end=first.end.replace(tzinfo=plain)
    )
    mixed = ComplianceRecords.of([attrs.evolve(first, start=first.start.replace(tzinfo=est)), other])
    assert _stored_tags(mixed, "attendance")[4] == 0
    back = pickle.loads(pickle.dumps(mixed))
    assert [r.start.tzname() for r in back.attendance] == ["EST", "UTC-05:00"]
    zone = ZoneInfo("America/New_York")
    repeated = datetime(2026, 11, 1, 1, 30, tzinfo=zone, fold=1)  # the second 1:30 of the night clocks go back
    folded = ComplianceRecords.of([attrs.evolve(first, start=repeated, end=repeated + timedelta(hours=3))])
    assert _stored_tags(folded, "attendance")[4] == 0
    again = pickle.loads(pickle.dumps(folded)).attendance[0]
    assert again.start.fold == 1 and again.start.utcoffset() == repeated.utcoffset()


def test_dates_nested_values_and_tuples_of_them_travel_as_columns() -> None:
    """Certifications' dates as ordinals, authorizations' ranges and drug tests' results as their own columns."""
    records = ComplianceRecords.of(
        [
            *(
                Certification(
                    id=f"c{i}",
                    patient_id="p1",
                    kind=CertificationKind.CERTIFICATION,
                    signed_on=MONDAY + timedelta(days=i),
                )
                for i in range(3)
            ),
            *(
                PayerAuthorization(
                    id=f"a{i}",
                    patient_id="p1",
                    payer="payer",
                    dates=DateRange(first=MONDAY, last=MONDAY + timedelta(days=i)),
                    authorized_services=10,
                )
                for i in range(3)
            ),
            drug_test("t1", MONDAY, results=(confirm("cocaine", 300.0), screen("opiates", 2000.0))),
            drug_test("t2", MONDAY + timedelta(days=1)),
            drug_test("t3", MONDAY + timedelta(days=2), results=(screen("opiates", 10.0),)),
        ]
    )
    assert _stored_tags(records, "certifications")[-1] == 3
    assert 4 in _stored_tags(records, "authorizations")
    assert 5 in _stored_tags(records, "drug_tests")
    back = pickle.loads(pickle.dumps(records))
    _same(back, records)
    assert [len(t.results) for t in back.drug_tests] == [2, 0, 1]
    assert all(attrs.evolve(t) == t for t in back.drug_tests)
