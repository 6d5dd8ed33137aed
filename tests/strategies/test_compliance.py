"""Compliance strategies: impossible arguments are refused, and the generated space reaches its corners."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from iopcore import strategies as ist
from iopcore.compliance import AttendanceStatus, DrugTestStatus


@pytest.mark.parametrize(
    "make",
    [
        lambda: ist.aware_datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2000, 1, 1)),  # noqa: DTZ001
        lambda: ist.aware_datetimes(min_value=datetime(2000, 1, 1, tzinfo=UTC)),
        lambda: ist.group_attendances(max_roster=-1),
        lambda: ist.compliance_records(max_size=-1),
        lambda: ist.rule_sets(max_rules=-1),
        lambda: ist.aware_datetimes(min_value="2000"),  # type: ignore[arg-type]
    ],
)
def test_impossible_arguments_raise_invalid_argument(make: Any) -> None:
    """Bad strategy arguments raise InvalidArgument at once."""
    with pytest.raises(InvalidArgument):
        make().validate()


def test_records_strategies_cover_every_status() -> None:
    """Attendance and drug-test strategies reach every status, and bundles hold several kinds of record."""
    seen: dict[str, set[Any]] = {"att": set(), "test": set()}

    @settings(max_examples=200)
    @given(ist.attendance_records(), ist.drug_tests())
    def collect(record: Any, test: Any) -> None:
        seen["att"].add(record.status)
        seen["test"].add(test.status)

    collect()
    assert seen == {"att": set(AttendanceStatus), "test": set(DrugTestStatus)}


@settings(max_examples=20)
@given(ist.compliance_records())
def test_generated_bundles_have_unique_ids(records: Any) -> None:
    """Generated bundles are valid: ids are unique across every kind of record."""
    total = sum(len(getattr(records, k)) for k in ("admissions", "attendance", "drug_tests", "medications"))
    assert len(records.ids) >= total
