"""Builders shared by the tests (and the benchmarks): records, episodes and the FULL rule set."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from iopcore import errors
from iopcore.compliance import (
    ASAM_2_1_ADULT_RULES,
    DISTRICT_OF_COLUMBIA_IOP_RULES,
    KANSAS_IOP_ADULT_RULES,
    MEDICARE_IOP_RULES,
    AdmissionRecord,
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
    Finding,
    MedicationAdministration,
    PayerAuthorization,
    PlanEvent,
    PlanEventKind,
    RuleSet,
    SpecimenType,
    SpecimenValidity,
    TestMethod,
)
from iopcore.components import Component, ComponentCatalog, DeliveryMode, Role
from iopcore.episodes import Admission as EpisodeAdmission
from iopcore.episodes import (
    Authorization,
    Discharge,
    DischargeReason,
    EntryRoute,
    Episode,
    IopPhase,
    LevelPeriod,
    PhasePeriod,
)
from iopcore.levels import DaysBand, Framework, HoursBand, LevelCategory, LevelOfCare, Population, Setting
from iopcore.part2 import (
    Consent,
    ConsentSignature,
    ConsentSigner,
    ConsentStatement,
    DisclosureRequest,
    ExpiryEvent,
    Party,
    PartyClass,
    PartyKind,
    Purpose,
    RecordClass,
)
from iopcore.plans import (
    BandFit,
    FamilyInvolvement,
    FindingKind,
    Frequency,
    Goal,
    Intervention,
    Objective,
    Per,
    PlanStatus,
    Problem,
    ProblemSource,
    Signature,
    Signer,
    TreatmentPlan,
)
from iopcore.programs import IntensityRules, Program, Track
from iopcore.schedule import (
    CalendarSchedule,
    CohortPatient,
    CohortProblem,
    ComponentBound,
    Enrollment,
    Offering,
    Preferences,
    TimeOfDay,
    WeekProblem,
    WeekRules,
    WeekSchedule,
    expand,
    solve,
)
from iopcore.sources import Evidence, Source
from iopcore.times import ClockTime, DateRange, Minutes, Weekday, WeeklyAvailability, WeeklyInterval

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


def admission(
    rid: str = "adm", day: date = MONDAY, *, pid: str = "p1", discharged: date | None = None
) -> AdmissionRecord:
    """An admission at 08:00 on *day*."""
    return AdmissionRecord(
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
    specimen: SpecimenType = SpecimenType.URINE,
) -> DrugTest:
    """A drug test on *day* at 10:00."""
    return DrugTest(
        id=rid,
        patient_id=pid,
        collected_at=at(day, 10),
        status=status,
        specimen=specimen,
        validity=validity or SpecimenValidity(creatinine_mg_dl=80, specific_gravity=1.015, ph=6.5),
        results=results,
    )


def confirm(analyte: str, ng: float) -> AnalyteResult:
    """A confirmation result."""
    return AnalyteResult(analyte=analyte, concentration_ng_ml=ng, method=TestMethod.CONFIRMATION)


def screen(analyte: str, ng: float) -> AnalyteResult:
    """A screening result."""
    return AnalyteResult(analyte=analyte, concentration_ng_ml=ng, method=TestMethod.SCREEN)


def nth_day(n: int) -> date:
    """The date *n* days after :data:`MONDAY` (negative: before)."""
    return MONDAY + timedelta(days=n)


def bundle(*items: object, closures: tuple[DateRange, ...] = ()) -> ComplianceRecords:
    """A bundle of *items* (records and group sessions, in any order)."""
    return ComplianceRecords.of(items, closures=closures)


def codes(findings: tuple[Finding, ...]) -> list[str]:
    """The findings' codes, in order."""
    return [f.code for f in findings]


FULL = RuleSet.compose(
    ASAM_2_1_ADULT_RULES,
    MEDICARE_IOP_RULES,
    KANSAS_IOP_ADULT_RULES,
    DISTRICT_OF_COLUMBIA_IOP_RULES,
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
                AdmissionRecord(
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
    """One instance of every public iopcore exception (for pickling and careless-caller tests).

    The last one is what ``solve`` itself raises for an infeasible week.
    """
    item = errors.ErrorItem(path="$.on", message="expected a date, got datetime", rule="type")
    return [
        errors.InvalidDataError([item], type_name="Episode"),
        errors.InvalidArgumentError([item], callable="change_level"),
        errors.UnknownCodeError(what="level", catalog="ASAM 3rd edition", known=("1", "2.1"), path="$.to"),
        errors.InfeasibleScheduleError(conflict=("hours",), reasons=(), explanation="too few hours"),
        errors.InfeasibleScheduleError(),
        errors.ClockRequiredError(),
        errors.OrtoolsNotInstalledError(),
        errors.HighsNotInstalledError(),
        errors.MatplotlibNotInstalledError(),
        errors.ExtraNotInstalledError(extra="pandas", package="pandas"),
        errors.UnknownIdError(
            what="patient", where="the cohort", path="$.patient_id", callable="CohortProblem.patient"
        ),
        errors.TransitionNotAllowedError(
            from_code="2.1", to_code="3.5", allowed=("1",), catalog="ASAM3", policy="usual routes only"
        ),
        errors.PlanDoesNotFitError(
            BandFit.BELOW_MINIMUM,
            min_minutes=275,
            max_minutes=335,
            min_hours=9,
            max_hours=20,
            components=(("group_counseling", 180, 180), ("individual_counseling", 95, 155)),
        ),
        errors.InvalidResponseError("phq9", 3, "expected 0-3", "range"),
        errors.NoSafeLevelError("ASAM3", ("withdrawal",)),
        errors.ReadOnlyElementError("object"),
        errors.UnsupportedFormatError(version=3, supported=2, path="$.iopcore_format"),
        infeasible_week_error(),
    ]


def infeasible_week_error() -> errors.InfeasibleScheduleError:
    """What ``solve`` raises for a week that cannot reach its hours."""
    offering = Offering(
        id="only", component="group_therapy", weekday=Weekday.MONDAY, start=ClockTime(9), end=ClockTime(10)
    )
    try:
        solve(WeekProblem(rules=WeekRules(hours_min=9), offerings=(offering,)))
    except errors.InfeasibleScheduleError as exc:
        return exc
    raise AssertionError("a one-hour week cannot hold nine hours")


# ----------------------------------------------------------------------------- documents
# Values whose documents (``to_dict``) are kept as fixtures in tests/serialization/fixtures/: built by hand
# from constructors only (no catalog, no default that reads a catalog), so that a change to a catalog's
# data does not change them; a change to a class's fields shows up as a fixture that no longer reads.

DOC_SOURCE = Source(citation="fixture policy", urls=("https://example.org/policy",), evidence=Evidence.ILLUSTRATIVE)


def _window(day: Weekday, start: int, end: int) -> WeeklyInterval:
    return WeeklyInterval(weekday=day, start=ClockTime(start), end=ClockTime(end))


def document_components() -> tuple[Component, ...]:
    """Three components, built by hand (not from ``COMPONENTS``)."""
    return (
        Component(
            id="group_therapy",
            name="Group therapy",
            delivery=DeliveryMode.GROUP,
            typical_duration=Minutes(90),
            lead_role=Role.ADDICTION_COUNSELOR,
            description="Process group",
            source=DOC_SOURCE,
        ),
        Component(
            id="individual_therapy",
            name="Individual therapy",
            delivery=DeliveryMode.INDIVIDUAL,
            typical_duration=Minutes(50),
            lead_role=Role.THERAPIST,
            source=DOC_SOURCE,
        ),
        Component(
            id="family_session",
            name="Family session",
            delivery=DeliveryMode.FAMILY,
            lead_role=Role.FAMILY_THERAPIST,
            source=DOC_SOURCE,
        ),
    )


def document_program() -> Program:
    """An adult IOP at a hand-built level 2.1 with two tracks and three components."""
    band = HoursBand(min_hours=9, max_hours=20, source=DOC_SOURCE)
    level = LevelOfCare(
        code="2.1",
        name="Intensive outpatient",
        framework=Framework.CUSTOM,
        category=LevelCategory.INTENSIVE_OUTPATIENT,
        setting=Setting.OUTPATIENT,
        intensity=2.1,
        hours_per_week={Population.ADULT: band, Population.ADOLESCENT: HoursBand(min_hours=6, max_hours=20)},
        days_per_week=DaysBand(min_days=3, max_days=5),
        source=DOC_SOURCE,
        notes="built for a fixture",
    )
    weekdays = list(Weekday)[:5]
    return Program(
        id="adult_iop",
        name="Adult IOP",
        level=level,
        population=Population.ADULT,
        intensity=IntensityRules(
            hours_per_week=band, days_per_week=DaysBand(min_days=3, max_days=5), min_hours_per_day=2.5
        ),
        tracks=(
            Track(
                id="morning",
                name="Morning",
                windows=WeeklyAvailability(windows=tuple(_window(d, 9, 12) for d in weekdays)),
            ),
            Track(
                id="evening",
                name="Evening",
                windows=WeeklyAvailability(windows=tuple(_window(d, 18, 21) for d in weekdays)),
            ),
        ),
        components=document_components(),
    )


def document_episode() -> Episode:
    """An episode admitted at 2.1, stepped down to 1, authorized and discharged."""
    return Episode(
        id="ep1",
        patient_id="p1",
        admission=EpisodeAdmission(
            on=date(2026, 1, 5),
            level_code="2.1",
            entry_route=EntryRoute.STEP_DOWN_FROM_RESIDENTIAL,
            referral_source="residential program",
            from_level_code="3.5",
        ),
        levels=(
            LevelPeriod(level_code="2.1", start=date(2026, 1, 5), end=date(2026, 2, 15), recommended_code="2.1"),
            LevelPeriod(
                level_code="1", start=date(2026, 2, 16), end=date(2026, 3, 20), authorized_code="1", reason="stable"
            ),
        ),
        phases=(
            PhasePeriod(phase=IopPhase.ENGAGEMENT, start=date(2026, 1, 5), end=date(2026, 1, 18), days_per_week=5),
            PhasePeriod(
                phase=IopPhase.EARLY_RECOVERY, start=date(2026, 1, 19), end=date(2026, 3, 20), hours_per_week=9.5
            ),
        ),
        authorizations=(
            Authorization(
                id="auth1",
                payer="payer",
                level_code="2.1",
                amount=30,
                dates=DateRange(first=date(2026, 1, 5), last=date(2026, 2, 15)),
                next_review_on=date(2026, 1, 26),
            ),
        ),
        discharge=Discharge(
            on=date(2026, 3, 20),
            reason=DischargeReason.COMPLETED,
            continuing_care="outpatient",
            referred_level_code="1",
        ),
    )


def document_plan() -> TreatmentPlan:
    """An active, signed plan with a problem, a goal, an objective and two interventions."""
    return TreatmentPlan(
        id="plan1",
        patient_id="p1",
        version=2,
        status=PlanStatus.ACTIVE,
        written_on=date(2026, 1, 6),
        effective_on=date(2026, 1, 7),
        last_reviewed_on=date(2026, 2, 3),
        problems=(
            Problem(
                id="use",
                description="Alcohol use",
                source=ProblemSource(kind=FindingKind.CLINICAL_JUDGEMENT, ref="intake"),
            ),
        ),
        goals=(Goal(id="sober", statement="I want to stay sober", problems=("use",)),),
        objectives=(
            Objective(
                id="meetings",
                goal="sober",
                description="Attend mutual-help meetings",
                measure="meetings per week",
                unit="meetings",
                baseline=0,
                target=3,
                due=date(2026, 3, 1),
            ),
        ),
        interventions=(
            Intervention(
                id="groups",
                component="group_therapy",
                frequency=Frequency(sessions=3, per=Per.WEEK),
                minutes=Minutes(180),
                responsible=Role.ADDICTION_COUNSELOR,
                objectives=("meetings",),
            ),
            Intervention(
                id="one_to_one",
                component="individual_therapy",
                frequency=Frequency(sessions=1),
                minutes=Minutes(50),
                responsible=Role.THERAPIST,
            ),
        ),
        strengths=("motivated",),
        needs=("transport",),
        preferences=("evenings",),
        family_involvement=FamilyInvolvement(participates=True, relationships=("spouse",), notes="weekly"),
        signatures=(
            Signature(signer=Signer.PATIENT, signed_on=date(2026, 1, 6)),
            Signature(signer=Signer.CLINICIAN, signed_on=date(2026, 1, 6), role=Role.THERAPIST),
        ),
    )


def document_records() -> ComplianceRecords:
    """Two weeks of one patient's records of every kind (built directly, not through ``of``)."""
    return ComplianceRecords(
        admissions=(admission("adm1"),),
        attendance=(
            session("s1", MONDAY),
            session("s2", MONDAY + timedelta(days=2), 90, status=AttendanceStatus.LATE),
            session("s3", MONDAY + timedelta(days=7), status=AttendanceStatus.EXCUSED),
        ),
        drug_tests=(
            drug_test("t1", MONDAY, results=(screen(Analyte.THCA, 60.0), confirm(Analyte.THCA, 15.0))),
            drug_test("t2", MONDAY + timedelta(days=7), status=DrugTestStatus.MISSED),
        ),
        medications=(
            MedicationAdministration(
                id="m1",
                patient_id="p1",
                medication="buprenorphine",
                administered_at=at(MONDAY, 8),
                expected_analytes=frozenset({Analyte.BUPRENORPHINE}),
            ),
        ),
        plan_events=(
            PlanEvent(
                id="e1", patient_id="p1", plan_id="plan1", kind=PlanEventKind.CREATED, occurred_at=at(MONDAY, 12)
            ),
        ),
        authorizations=(
            PayerAuthorization(
                id="z1",
                patient_id="p1",
                payer="payer",
                dates=DateRange(first=MONDAY, last=MONDAY + timedelta(days=27)),
                authorized_services=12,
            ),
        ),
        certifications=(
            Certification(id="c1", patient_id="p1", kind=CertificationKind.CERTIFICATION, signed_on=MONDAY),
        ),
        closures=(DateRange(first=MONDAY + timedelta(days=4), last=MONDAY + timedelta(days=4)),),
    )


def document_rules() -> WeekRules:
    """IOP week rules with a hand-built component catalog (not the default ``COMPONENTS``)."""
    return WeekRules(
        hours_min=9,
        hours_max=19.5,
        days_min=3,
        days_max=5,
        min_hours_per_day=1.5,
        min_gap_minutes=15,
        components={"group_therapy": ComponentBound(min=2, max=4), "individual_therapy": ComponentBound(min=1)},
        catalog=ComponentCatalog(components=document_components()),
    )


def document_offerings() -> tuple[Offering, ...]:
    """Group sessions Monday to Friday morning and evening, and two individual slots."""
    days = list(Weekday)[:5]
    groups = [
        Offering(
            id=f"{track}_{d.short.lower()}",
            component="group_therapy",
            weekday=d,
            start=ClockTime(start),
            end=ClockTime(start + 3),
            seats=8,
            track=track,
            topic="relapse prevention" if d is Weekday.MONDAY else None,
        )
        for track, start in (("morning", 9), ("evening", 18))
        for d in days
    ]
    solo = [
        Offering(
            id=f"solo_{d.short.lower()}",
            component="individual_therapy",
            weekday=d,
            start=ClockTime(13),
            end=ClockTime(13, 50),
            facilitator="therapist_a",
        )
        for d in (Weekday.TUESDAY, Weekday.THURSDAY)
    ]
    return (*groups, *solo)


def document_week_problem() -> WeekProblem:
    """One patient's week: rules, offerings, evening availability, costs and preferences."""
    return WeekProblem(
        rules=document_rules(),
        offerings=document_offerings(),
        availability=WeeklyAvailability(windows=tuple(_window(d, 12, 22) for d in list(Weekday)[:5])),
        day_cost=2,
        offering_costs={"evening_fri": 5},
        preferences=Preferences(
            preferred_days=frozenset({Weekday.MONDAY, Weekday.WEDNESDAY}),
            avoided_days=frozenset({Weekday.FRIDAY}),
            time_of_day=TimeOfDay.EVENING,
            track="evening",
            keep=frozenset({"solo_tue"}),
        ),
    )


def document_cohort_problem() -> CohortProblem:
    """Three patients sharing the offerings, one pinned enrollment, a cost for leaving a patient out."""
    rules = document_rules()
    return CohortProblem(
        offerings=document_offerings(),
        patients=(
            CohortPatient(id="ann", rules=rules, day_cost=1),
            CohortPatient(
                id="bob",
                rules=rules,
                availability=WeeklyAvailability(windows=tuple(_window(d, 17, 22) for d in list(Weekday)[:5])),
                offering_costs={"evening_mon": 3},
                preferences=Preferences(track="evening"),
                unscheduled_cost=500,
            ),
            CohortPatient(id="cy", rules=rules),
        ),
        pinned=(Enrollment(patient="cy", offerings=frozenset({"morning_mon", "solo_tue"})),),
        unscheduled_cost=1000,
    )


# ----------------------------------------------------------------------------- 42 CFR Part 2

PART2_DAY = date(2025, 3, 3)
"""The day of the scenarios' disclosures (a Monday; both rule versions may apply then)."""
_K = PartyKind
PROGRAM = Party(id="clinic", kinds={_K.PART2_PROGRAM})
"""A Part 2 program that is not a HIPAA entity."""
HOSPITAL = Party(id="hospital", kinds={_K.COVERED_ENTITY, _K.TREATING_PROVIDER})
CLINIC_2 = Party(id="clinic-2", kinds={_K.COVERED_ENTITY, _K.TREATING_PROVIDER})
PLAN = Party(id="plan", kinds={_K.COVERED_ENTITY, _K.HEALTH_PLAN})
PAYER = Party(id="payer", kinds={_K.HEALTH_PLAN})
"""A third-party payer that is not a HIPAA entity."""
BILLING = Party(id="billing", kinds={_K.CONTRACTOR})
ER = Party(id="er", kinds={_K.MEDICAL_PERSONNEL, _K.COVERED_ENTITY})
COURT = Party(id="court", kinds={_K.COURT})
POLICE = Party(id="police", kinds={_K.LAW_ENFORCEMENT})
UNIVERSITY = Party(id="uni", kinds={_K.RESEARCHER})
HOSPITAL_RESEARCH = Party(id="hospital-research", kinds={_K.RESEARCHER, _K.COVERED_ENTITY})
STATE_AUDITOR = Party(id="auditor", kinds={_K.AUDITOR})
LAB = Party(id="lab", kinds={_K.QUALIFIED_SERVICE_ORGANIZATION})
HEALTH_DEPT = Party(id="health-dept", kinds={_K.PUBLIC_HEALTH_AUTHORITY})
HIE = Party(id="hie", kinds={_K.INTERMEDIARY})
ATTORNEY = Party(id="attorney", kinds={_K.OTHER_PERSON})


def part2_consent(**changes: Any) -> Consent:
    """A complete consent of patient-a: the clinic may disclose to the hospital for treatment until the end of 2026."""
    values: dict[str, Any] = {
        "id": "consent-1",
        "patient_id": "patient-a",
        "disclosers": {"clinic"},
        "information": "diagnosis, medications and attendance",
        "recipients": {"hospital"},
        "purposes": {Purpose.TREATMENT},
        "statements": {
            ConsentStatement.RIGHT_TO_REVOKE,
            ConsentStatement.HIPAA_REDISCLOSURE,
            ConsentStatement.REDISCLOSURE_POTENTIAL,  # §2.31(a)(10)(i): any 2024 consent for TPO
            ConsentStatement.REFUSAL_CONSEQUENCES,  # §2.31(a)(10)(ii)
        },
        "expires_on": date(2026, 12, 31),
        "signatures": (ConsentSignature(signer=ConsentSigner.PATIENT),),
        "signed_on": date(2025, 1, 10),
    }
    values.update(changes)
    return Consent(**values)


def tpo_consent(**changes: Any) -> Consent:
    """A complete 2024 single consent for all future treatment, payment and operations, with the example recipients."""
    values: dict[str, Any] = {
        "id": "consent-tpo",
        "recipients": frozenset(),
        "recipient_classes": {
            PartyClass.TREATING_PROVIDERS,
            PartyClass.HEALTH_PLANS_AND_PAYERS,
            PartyClass.PROGRAM_OPERATIONS,
        },
        "purposes": frozenset(),
        "all_future_tpo": True,
        "statements": set(ConsentStatement),
        "expires_on": None,
        "expiry_event": ExpiryEvent.NONE,
    }
    values.update(changes)
    return part2_consent(**values)


def part2_request(**changes: Any) -> DisclosureRequest:
    """The clinic discloses patient-a's SUD treatment record to the hospital for treatment on PART2_DAY."""
    values: dict[str, Any] = {
        "patient_id": "patient-a",
        "record_class": RecordClass.SUD_TREATMENT_RECORD,
        "discloser": PROGRAM,
        "recipient": HOSPITAL,
        "purpose": Purpose.TREATMENT,
        "on": PART2_DAY,
    }
    values.update(changes)
    return DisclosureRequest(**values)


def unstyled(markup: str) -> str:
    """*markup* without its inline ``style`` attributes (the views style every cell), to compare tags and text."""
    return re.sub(r" style='[^']*'", "", markup)


def document_calendar() -> CalendarSchedule:
    """Three weeks of the evening group and an individual slot in New York, over the spring DST change.

    A closure on the Monday of the second week makes that week short under :func:`document_rules`.
    """
    import zoneinfo

    offerings = {o.id: o for o in document_offerings()}
    week = WeekSchedule(sessions=[offerings[i] for i in ("evening_mon", "evening_wed", "evening_thu", "solo_tue")])
    return expand(
        week,
        start=date(2026, 3, 2),
        weeks=3,
        tz=zoneinfo.ZoneInfo("America/New_York"),
        closures=[date(2026, 3, 9)],
        rules=document_rules(),
    )
