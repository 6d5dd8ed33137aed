"""Builders shared by the tests (and the benchmarks): records, episodes and the FULL rule set."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from iopcore.compliance import (
    ASAM_2_1_ADULT,
    DISTRICT_OF_COLUMBIA_IOP,
    KANSAS_IOP_ADULT,
    MEDICARE_IOP,
    Admission,
    Analyte,
    AnalyteResult,
    AttendanceRateRule,
    AttendanceRecord,
    AttendanceStatus,
    AuthorizationRule,
    Certification,
    CertificationKind,
    ComplianceRecords,
    ConsecutiveAbsencesRule,
    DaysPerWeekRule,
    DrugTest,
    DrugTestFrequencyRule,
    DrugTestResultRule,
    DrugTestStatus,
    MedicationAdministration,
    PayerAuthorization,
    PlanEvent,
    PlanEventKind,
    RuleSet,
    SpecimenValidity,
    TestMethod,
)
from iopcore.sources import Evidence, Source
from iopcore.times import DateRange, Minutes

EST = timezone(timedelta(hours=-5))
MONDAY = date(2026, 1, 5)  # an ISO week starts here
TEST_SOURCE = Source(citation="test policy", evidence=Evidence.ILLUSTRATIVE)


def at(day: date, hour: int = 9, minute: int = 0, tz: timezone = EST) -> datetime:
    """An aware datetime on *day*."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def session(
    rid: str,
    day: date,
    minutes: int = 180,
    *,
    pid: str = "p1",
    status: AttendanceStatus = AttendanceStatus.ATTENDED,
    hour: int = 9,
) -> AttendanceRecord:
    """A session of *minutes* on *day* (0 attended minutes for absences)."""
    present = status in (AttendanceStatus.ATTENDED, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)
    return AttendanceRecord(
        id=rid,
        patient_id=pid,
        occurrence_id=f"occ_{rid}",
        component_id="group_therapy",
        start=at(day, hour),
        end=at(day, hour) + timedelta(minutes=max(minutes, 1)),
        scheduled_minutes=Minutes(minutes),
        attended_minutes=Minutes(minutes if present else 0),
        status=status,
    )


def admission(rid: str = "adm", day: date = MONDAY, *, pid: str = "p1", discharged: date | None = None) -> Admission:
    """An admission at 08:00 on *day*."""
    return Admission(
        id=rid, patient_id=pid, admitted_at=at(day, 8), discharged_at=None if discharged is None else at(discharged, 17)
    )


def drug_test(
    rid: str,
    day: date,
    *,
    pid: str = "p1",
    results: tuple[AnalyteResult, ...] = (),
    validity: SpecimenValidity | None = None,
    status: DrugTestStatus = DrugTestStatus.COLLECTED,
) -> DrugTest:
    """A drug test on *day* at 10:00."""
    return DrugTest(
        id=rid,
        patient_id=pid,
        collected_at=at(day, 10),
        status=status,
        validity=validity or SpecimenValidity(creatinine_mg_dl=80, specific_gravity=1.015, ph=6.5),
        results=results,
    )


def confirm(analyte: Analyte, ng: float) -> AnalyteResult:
    """A confirmation result."""
    return AnalyteResult(analyte=analyte, concentration_ng_ml=ng, method=TestMethod.CONFIRMATION)


def screen(analyte: Analyte, ng: float) -> AnalyteResult:
    """A screening result."""
    return AnalyteResult(analyte=analyte, concentration_ng_ml=ng, method=TestMethod.SCREEN)


FULL = RuleSet.compose(
    ASAM_2_1_ADULT,
    MEDICARE_IOP,
    KANSAS_IOP_ADULT,
    DISTRICT_OF_COLUMBIA_IOP,
    RuleSet(
        name="extras",
        version="1",
        rules=(
            DaysPerWeekRule(id="days_per_week", min_days=3, max_days=5, source=TEST_SOURCE),
            AttendanceRateRule(id="attendance_rate", window_days=28, min_rate=0.8, source=TEST_SOURCE),
            ConsecutiveAbsencesRule(id="absences", limit=2, source=TEST_SOURCE),
            AuthorizationRule(id="authorization", source=TEST_SOURCE),
            DrugTestFrequencyRule(id="drug_test_frequency", early_window_days=14, source=TEST_SOURCE),
            DrugTestResultRule(id="drug_test_results", expected_window_hours=72, source=TEST_SOURCE),
        ),
    ),
    name="FULL_TEST",
    version="1",
)
"""Every kind of built-in rule, for property tests and the benchmark-like scenarios."""


@st.composite
def episodes(draw: st.DrawFn, *, max_sessions: int = 25, patients: int = 2) -> tuple[ComplianceRecords, date]:
    """A small realistic bundle (1–*patients* patients over ~6 weeks) and an as_of date."""
    items: list[Any] = []
    n = 0

    def rid(kind: str) -> str:
        nonlocal n
        n += 1
        return f"{kind}{n}"

    tz = draw(st.sampled_from([EST, UTC]))
    for p in range(draw(st.integers(1, patients))):
        pid = f"p{p}"
        start = MONDAY + timedelta(days=draw(st.integers(0, 6)))
        if draw(st.booleans()) or p == 0:
            end = draw(st.one_of(st.none(), st.integers(1, 70)))
            items.append(
                Admission(
                    id=rid("a"),
                    patient_id=pid,
                    admitted_at=at(start, 8, tz=tz),
                    discharged_at=None if end is None else at(start + timedelta(days=end), 17, tz=tz),
                )
            )
        for _ in range(draw(st.integers(0, max_sessions))):
            day = start + timedelta(days=draw(st.integers(-3, 50)))
            status = draw(st.sampled_from(AttendanceStatus))
            minutes = draw(st.sampled_from([60, 90, 120, 180, 240]))
            r = session(rid("s"), day, minutes, pid=pid, status=status, hour=draw(st.integers(6, 20)))
            items.append(r)
        for _ in range(draw(st.integers(0, 8))):
            day = start + timedelta(days=draw(st.integers(0, 50)))
            status = draw(st.sampled_from(DrugTestStatus))
            results = (
                (confirm(Analyte.THCA, draw(st.sampled_from([0.0, 14.9, 15.0, 100.0]))),)
                if status is DrugTestStatus.COLLECTED
                else ()
            )
            validity = SpecimenValidity(
                creatinine_mg_dl=draw(st.sampled_from([1.0, 10.0, 80.0])),
                specific_gravity=draw(st.sampled_from([1.0005, 1.002, 1.015])),
                ph=draw(st.sampled_from([2.0, 6.0, 9.5])),
            )
            items.append(drug_test(rid("t"), day, pid=pid, results=results, validity=validity, status=status))
        if draw(st.booleans()):
            items.append(
                MedicationAdministration(
                    id=rid("m"),
                    patient_id=pid,
                    medication="buprenorphine",
                    administered_at=at(start + timedelta(days=draw(st.integers(0, 40))), 8, tz=tz),
                    expected_analytes=frozenset({Analyte.BUPRENORPHINE}),
                )
            )
        for _ in range(draw(st.integers(0, 3))):
            items.append(
                PlanEvent(
                    id=rid("e"),
                    patient_id=pid,
                    plan_id="plan",
                    kind=draw(st.sampled_from(PlanEventKind)),
                    occurred_at=at(start + timedelta(days=draw(st.integers(0, 60))), 12, tz=tz),
                )
            )
        for _ in range(draw(st.integers(0, 2))):
            first = start + timedelta(days=draw(st.integers(0, 30)))
            items.append(
                PayerAuthorization(
                    id=rid("z"),
                    patient_id=pid,
                    payer="payer",
                    dates=DateRange(first=first, last=first + timedelta(days=draw(st.integers(0, 30)))),
                    authorized_services=draw(st.one_of(st.none(), st.integers(0, 12))),
                )
            )
        for _ in range(draw(st.integers(0, 2))):
            items.append(
                Certification(
                    id=rid("c"),
                    patient_id=pid,
                    kind=draw(st.sampled_from(CertificationKind)),
                    signed_on=start + timedelta(days=draw(st.integers(0, 70))),
                )
            )
    closures = draw(
        st.lists(st.integers(0, 50).map(lambda d: DateRange.of_days(MONDAY + timedelta(days=d), 1)), max_size=2)
    )
    as_of = MONDAY + timedelta(days=draw(st.integers(0, 80)))
    return ComplianceRecords.of(items, closures=closures), as_of


def sample_errors() -> list[BaseException]:
    """One instance of every public iopcore exception (for pickling and careless-caller tests)."""
    from iopcore import errors as e
    from iopcore.plans import BandFit

    item = e.ErrorItem(path="$.on", message="expected a date, got datetime", rule="type")
    return [
        e.InvalidDataError([item], type_name="Episode"),
        e.InvalidArgumentError([item], callable="change_level"),
        e.UnknownCodeError(what="level", catalog="ASAM 3rd edition", known=("1", "2.1"), path="$.to"),
        e.InfeasibleScheduleError(conflict=("hours",), reasons=(), explanation="too few hours"),
        e.InfeasibleScheduleError(),
        e.ClockRequiredError(),
        e.OrtoolsNotInstalledError(),
        e.UnknownIdError(what="patient", where="the cohort", path="$.patient_id", callable="CohortProblem.patient"),
        e.TransitionNotAllowedError(from_code="2.1", to_code="3.5", allowed=("1",), catalog="ASAM3"),
        e.PlanDoesNotFitError(BandFit.BELOW_MINIMUM),
        e.InvalidResponseError("phq9", 3, "expected 0-3", "range"),
        e.NoSafeLevelError("ASAM3", ("withdrawal",)),
    ]
