"""Strategies for compliance records: admissions, attendance and group rosters, drug tests, bundles and the rest."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from iopcore.compliance import (
    AdmissionRecord,
    Analyte,
    AnalyteResult,
    AttendanceRecord,
    AttendanceStatus,
    Certification,
    CertificationKind,
    ComplianceRecords,
    DrugTest,
    DrugTestStatus,
    GroupAttendance,
    MedicationAdministration,
    PayerAuthorization,
    PlanEvent,
    PlanEventKind,
    Prescription,
    RosterEntry,
    SpecimenType,
    SpecimenValidity,
    TestMethod,
)
from iopcore.strategies._core import date_ranges, identifiers, texts
from iopcore.strategies._measurement import measurement_records
from iopcore.times import Minutes

__all__ = [
    "admission_records",
    "analyte_results",
    "attendance_records",
    "aware_datetimes",
    "certifications",
    "compliance_records",
    "drug_tests",
    "group_attendances",
    "medication_administrations",
    "payer_authorizations",
    "plan_events",
    "prescriptions",
    "roster_entries",
    "specimen_validities",
]

_MIN_DT = datetime(2000, 1, 1)  # noqa: DTZ001 - hypothesis wants naive bounds
_MAX_DT = datetime(2100, 12, 31)  # noqa: DTZ001


def _check_int(name: str, value: object, lo: int, hi: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise InvalidArgument(f"{name}={value!r} must be an integer between {lo} and {hi}")
    return value


@functools.lru_cache(maxsize=None, typed=True)
def _offsets() -> st.SearchStrategy[timezone]:
    whole = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
    return st.one_of(st.just(UTC), st.sampled_from([timezone(timedelta(hours=h)) for h in (-8, -5, 1, 9)]), whole)


@functools.lru_cache(maxsize=None, typed=True)
def aware_datetimes(*, min_value: datetime = _MIN_DT, max_value: datetime = _MAX_DT) -> st.SearchStrategy[datetime]:
    """Aware datetimes with fixed UTC offsets (from −14:00 to +14:00), naive bounds in local time."""
    if not isinstance(min_value, datetime) or not isinstance(max_value, datetime):
        raise InvalidArgument("need naive datetimes for min_value and max_value")
    if min_value.tzinfo is not None or max_value.tzinfo is not None:
        raise InvalidArgument("min_value and max_value must be naive (local wall-clock bounds)")
    if max_value < min_value:
        raise InvalidArgument("need min_value <= max_value")
    return st.datetimes(min_value=min_value, max_value=max_value, timezones=_offsets())


def _pids() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(["p1", "p2", "p3"]), texts(max_size=20))


def _ids() -> st.SearchStrategy[str]:
    return texts(max_size=24)


def _floats(lo: float = 0.0, hi: float = 1e6) -> st.SearchStrategy[float]:
    return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False)


def _opt(s: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), s)


# ----------------------------------------------------------------------------- records


@functools.lru_cache(maxsize=None, typed=True)
def admission_records() -> st.SearchStrategy[AdmissionRecord]:
    """Admissions, open or discharged (discharge after admission)."""

    @st.composite
    def build(draw: st.DrawFn) -> AdmissionRecord:
        start = draw(aware_datetimes())
        stay = draw(_opt(st.integers(1, 400 * 24 * 60)))
        end = None if stay is None else start + timedelta(minutes=stay)
        return AdmissionRecord(id=draw(_ids()), patient_id=draw(_pids()), admitted_at=start, discharged_at=end)

    return build()


def _attended(status: AttendanceStatus) -> st.SearchStrategy[int]:
    return st.integers(0, 24 * 60) if status.present else st.just(0)


@functools.lru_cache(maxsize=None, typed=True)
def attendance_records(*, patient_ids: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[AttendanceRecord]:
    """Attendance records of every status; absences have 0 attended minutes."""
    pids = patient_ids if patient_ids is not None else _pids()

    @st.composite
    def build(draw: st.DrawFn) -> AttendanceRecord:
        start = draw(aware_datetimes())
        length = draw(st.integers(1, 12 * 60))
        status = draw(st.sampled_from(AttendanceStatus))
        return AttendanceRecord(
            id=draw(_ids()),
            patient_id=draw(pids),
            occurrence_id=draw(_ids()),
            component_id=draw(identifiers()),
            start=start,
            end=start + timedelta(minutes=length),
            scheduled_minutes=Minutes(draw(st.integers(0, 12 * 60))),
            attended_minutes=Minutes(draw(_attended(status))),
            status=status,
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def roster_entries() -> st.SearchStrategy[RosterEntry]:
    """Roster entries of every status; absences have 0 attended minutes."""

    @st.composite
    def build(draw: st.DrawFn) -> RosterEntry:
        status = draw(st.sampled_from(AttendanceStatus))
        return RosterEntry(
            record_id=draw(_ids()),
            patient_id=draw(_pids()),
            status=status,
            attended_minutes=Minutes(draw(_attended(status))),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def group_attendances(*, max_roster: int = 6) -> st.SearchStrategy[GroupAttendance]:
    """Group sessions with rosters of 0 to *max_roster* distinct patients and record ids."""
    _check_int("max_roster", max_roster, 0, 100)

    @st.composite
    def build(draw: st.DrawFn) -> GroupAttendance:
        start = draw(aware_datetimes())
        roster = draw(
            st.lists(roster_entries(), max_size=max_roster, unique_by=(lambda e: e.patient_id, lambda e: e.record_id))
        )
        return GroupAttendance(
            occurrence_id=draw(_ids()),
            component_id=draw(identifiers()),
            start=start,
            end=start + timedelta(minutes=draw(st.integers(1, 12 * 60))),
            scheduled_minutes=Minutes(draw(st.integers(0, 12 * 60))),
            roster=tuple(roster),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def analyte_results() -> st.SearchStrategy[AnalyteResult]:
    """Any analyte, concentration (ng/mL) and method."""
    return st.builds(
        AnalyteResult,
        analyte=st.sampled_from(Analyte),
        concentration_ng_ml=_floats(0, 1e6),
        method=st.sampled_from(TestMethod),
    )


@functools.lru_cache(maxsize=None, typed=True)
def specimen_validities() -> st.SearchStrategy[SpecimenValidity]:
    """Validity measurements, each measured or not, around the published thresholds."""
    return st.builds(
        SpecimenValidity,
        creatinine_mg_dl=_opt(st.one_of(_floats(0, 400), st.sampled_from([0.0, 1.9, 2.0, 19.9, 20.0]))),
        specific_gravity=_opt(st.one_of(_floats(0.9, 1.1), st.sampled_from([1.001, 1.002, 1.003, 1.02]))),
        ph=_opt(_floats(0, 14)),
        nitrite_mcg_ml=_opt(_floats(0, 5000)),
        temperature_c=_opt(_floats(0, 100)),
        adulterant_detected=st.booleans(),
    )


@functools.lru_cache(maxsize=None, typed=True)
def drug_tests(*, patient_ids: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[DrugTest]:
    """Collected tests with results (unique analyte and method), and missed or refused tests without."""
    pids = patient_ids if patient_ids is not None else _pids()

    @st.composite
    def build(draw: st.DrawFn) -> DrugTest:
        status = draw(st.sampled_from(DrugTestStatus))
        results = (
            draw(st.lists(analyte_results(), max_size=5, unique_by=lambda r: (r.analyte, r.method)))
            if status is DrugTestStatus.COLLECTED
            else []
        )
        return DrugTest(
            id=draw(_ids()),
            patient_id=draw(pids),
            collected_at=draw(aware_datetimes()),
            status=status,
            observed=draw(st.booleans()),
            specimen=draw(st.sampled_from(SpecimenType)),
            validity=draw(specimen_validities()),
            results=tuple(results),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def medication_administrations() -> st.SearchStrategy[MedicationAdministration]:
    """Administrations with 0 to 3 expected analytes."""
    return st.builds(
        MedicationAdministration,
        id=_ids(),
        patient_id=_pids(),
        medication=texts(),
        administered_at=aware_datetimes(),
        expected_analytes=st.frozensets(st.sampled_from(Analyte), max_size=3),
    )


@functools.lru_cache(maxsize=None, typed=True)
def prescriptions() -> st.SearchStrategy[Prescription]:
    """Prescriptions over up to 120 days with 1 to 3 expected analytes."""
    return st.builds(
        Prescription,
        id=_ids(),
        patient_id=_pids(),
        medication=texts(),
        dates=date_ranges(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31), max_days=120),
        expected_analytes=st.frozensets(st.sampled_from(Analyte), min_size=1, max_size=3),
    )


@functools.lru_cache(maxsize=None, typed=True)
def plan_events() -> st.SearchStrategy[PlanEvent]:
    """Plan events of every kind."""
    return st.builds(
        PlanEvent,
        id=_ids(),
        patient_id=_pids(),
        plan_id=_ids(),
        kind=st.sampled_from(PlanEventKind),
        occurred_at=aware_datetimes(),
    )


@functools.lru_cache(maxsize=None, typed=True)
def payer_authorizations() -> st.SearchStrategy[PayerAuthorization]:
    """Authorizations with and without caps on services, service days and calendar days."""
    return st.builds(
        PayerAuthorization,
        id=_ids(),
        patient_id=_pids(),
        payer=texts(),
        dates=date_ranges(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31), max_days=400),
        authorized_services=_opt(st.integers(0, 500)),
        authorized_service_days=_opt(st.integers(0, 200)),
        authorized_calendar_days=_opt(st.integers(0, 400)),
    )


@functools.lru_cache(maxsize=None, typed=True)
def certifications() -> st.SearchStrategy[Certification]:
    """Certifications and recertifications."""
    return st.builds(
        Certification,
        id=_ids(),
        patient_id=_pids(),
        kind=st.sampled_from(CertificationKind),
        signed_on=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    )


@functools.lru_cache(maxsize=None, typed=True)
def compliance_records(*, max_size: int = 4) -> st.SearchStrategy[ComplianceRecords]:
    """Bundles with up to *max_size* records of each kind; ids are made unique across the bundle."""
    _check_int("max_size", max_size, 0, 1000)

    @st.composite
    def build(draw: st.DrawFn) -> ComplianceRecords:
        parts: dict[str, Any] = {
            "admissions": draw(st.lists(admission_records(), max_size=max_size)),
            "attendance": draw(st.lists(attendance_records(), max_size=max_size)),
            "drug_tests": draw(st.lists(drug_tests(), max_size=max_size)),
            "medications": draw(st.lists(medication_administrations(), max_size=max_size)),
            "prescriptions": draw(st.lists(prescriptions(), max_size=max_size)),
            "plan_events": draw(st.lists(plan_events(), max_size=max_size)),
            "authorizations": draw(st.lists(payer_authorizations(), max_size=max_size)),
            "certifications": draw(st.lists(certifications(), max_size=max_size)),
            "measurements": draw(st.lists(measurement_records(), max_size=max_size)),
        }
        counter = 0
        for kind, items in parts.items():
            renamed = []
            for item in items:
                counter += 1
                renamed.append(attrs.evolve(item, id=f"{kind}_{counter}"))
            parts[kind] = tuple(renamed)
        closures = draw(
            st.lists(date_ranges(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31), max_days=14), max_size=2)
        )
        return ComplianceRecords(closures=tuple(closures), **parts)

    return build()
