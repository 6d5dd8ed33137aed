"""Records, findings and reports pickle compactly (field values, bundles column by column) and exactly."""

from __future__ import annotations

import copy
import pickle

import attrs
from hypothesis import given, settings

from iopcore import strategies as ist
from iopcore.compliance import AttendanceRecord, ComplianceRecords, ComplianceReport, Finding
from iopcore.times import DateRange, Minutes
from tests.builders import MONDAY, session

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
