"""Patient and record ids never appear in a compliance value's str, repr or HTML, nor in an error message."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore import compliance
from iopcore._fields import is_phi
from iopcore.compliance import (
    HHS_2025,
    Analyte,
    AttendanceStatus,
    ComplianceRecords,
    GroupAttendance,
    MedicationAdministration,
    PlanEvent,
    PlanEventKind,
    RosterEntry,
    evaluate,
    interpret,
)
from iopcore.errors import InvalidDataError
from iopcore.times import Minutes
from tests.builders import FULL, MONDAY, admission, at, confirm, drug_test, session

PATIENT = "PATIENT-SENTINEL-4711"
RECORD = "RECORD-SENTINEL-0815"


def _leaks(text: str) -> bool:
    return PATIENT in text or RECORD in text


def _records() -> ComplianceRecords:
    """A bundle whose every id carries a sentinel, with findings of many kinds."""
    return ComplianceRecords.of(
        [
            admission(f"{RECORD}-adm", pid=PATIENT),
            session(f"{RECORD}-s1", MONDAY, 60, pid=PATIENT),
            session(f"{RECORD}-s2", MONDAY + timedelta(days=1), pid=PATIENT, status=AttendanceStatus.ABSENT),
            drug_test(f"{RECORD}-t1", MONDAY, pid=PATIENT, results=(confirm(Analyte.THCA, 100),)),
            MedicationAdministration(
                id=f"{RECORD}-m1",
                patient_id=PATIENT,
                medication="buprenorphine",
                administered_at=at(MONDAY, 7),
                expected_analytes=frozenset({Analyte.BUPRENORPHINE}),
            ),
            PlanEvent(
                id=f"{RECORD}-e1",
                patient_id=PATIENT,
                plan_id=f"{RECORD}-plan",
                kind=PlanEventKind.CREATED,
                occurred_at=at(MONDAY + timedelta(days=20)),
            ),
        ]
    )


def test_no_identifier_in_the_repr_str_or_html_of_records_findings_and_reports() -> None:
    """Records, bundles, findings, summaries, readings and reports show no patient or record id."""
    records = _records()
    report = evaluate(FULL, records, MONDAY + timedelta(days=27))
    assert report.findings and report.weeks
    reading = interpret(records.drug_tests[0], HHS_2025)
    shown: list[Any] = [records, report, reading, *report.findings, *report.weeks, *records.by_patient().values()]
    for kind in ("admissions", "attendance", "drug_tests", "medications", "plan_events"):
        shown.extend(getattr(records, kind))
    for value in shown:
        assert not _leaks(repr(value)), type(value).__name__
        assert not _leaks(str(value)), type(value).__name__
    assert not _leaks(report._repr_html_())
    assert not _leaks(report.to_html())


def _group(*roster: RosterEntry) -> GroupAttendance:
    return GroupAttendance(
        occurrence_id=f"{RECORD}-g",
        component_id="group_therapy",
        start=at(MONDAY),
        end=at(MONDAY, 12),
        scheduled_minutes=Minutes(60),
        roster=roster,
    )


def test_no_identifier_in_error_messages() -> None:
    """Duplicate ids, bad roster entries and bad records are reported by path, never by their ids."""
    entry = RosterEntry(
        record_id=RECORD, patient_id=PATIENT, status=AttendanceStatus.ABSENT, attended_minutes=Minutes(0)
    )
    calls = (
        lambda: ComplianceRecords.of([session(RECORD, MONDAY, pid=PATIENT), drug_test(RECORD, MONDAY, pid=PATIENT)]),
        lambda: ComplianceRecords(attendance=(session(RECORD, MONDAY), session(RECORD, MONDAY))),
        lambda: _group(entry, attrs.evolve(entry, record_id="other")),
        lambda: _group(attrs.evolve(entry, attended_minutes=Minutes(30))),
        lambda: attrs.evolve(session(RECORD, MONDAY, pid=PATIENT), end=at(MONDAY, 8)),
        lambda: interpret(drug_test(RECORD, MONDAY, pid=PATIENT, status=compliance.DrugTestStatus.MISSED), HHS_2025),
    )
    for call in calls:
        with pytest.raises(InvalidDataError) as info:
            call()
        assert not _leaks(str(info.value)) and not _leaks(repr(info.value))


IDENTIFIED = sorted(
    (
        cls
        for name in compliance.__all__
        if isinstance(cls := getattr(compliance, name), type)
        and attrs.has(cls)
        and any(is_phi(a) and a.type in ("str", "tuple[str, ...]") for a in attrs.fields(cls))
    ),
    key=lambda c: c.__name__,
)


def test_identifier_fields_are_declared_as_such() -> None:
    """Every record id, patient id, evidence list and plan, test or session occurrence id is a PHI field."""
    names = {cls.__name__: {a.name for a in attrs.fields(cls) if is_phi(a)} for cls in IDENTIFIED}
    assert names["AttendanceRecord"] == {"id", "patient_id", "occurrence_id"}
    assert names["GroupAttendance"] == {"occurrence_id"}
    assert names["RosterEntry"] == {"record_id", "patient_id"}
    assert names["Finding"] == {"patient_id", "evidence"}
    assert names["PlanEvent"] == {"id", "patient_id", "plan_id"}
    assert names["Interpretation"] == {"test_id"}
    assert {"AdmissionRecord", "DrugTest", "Certification", "PayerAuthorization", "WeekSummary"} <= set(names)


@pytest.mark.parametrize("cls", IDENTIFIED, ids=lambda c: c.__name__)
def test_identifier_fields_never_reach_repr(cls: type) -> None:
    """With every identifier field set to a sentinel, the value's repr and str show none of them."""

    @given(st.from_type(cls))
    def check(value: Any) -> None:
        changes = {
            a.alias: (PATIENT if a.type == "str" else (RECORD,))
            for a in attrs.fields(cls)
            if is_phi(a) and a.type in ("str", "tuple[str, ...]")
        }
        marked = attrs.evolve(value, **changes)
        assert not _leaks(repr(marked)) and not _leaks(str(marked))

    check()
