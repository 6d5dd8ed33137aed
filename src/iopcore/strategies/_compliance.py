"""Strategies for :mod:`iopcore.compliance` (records, drug-test panels, rules, rule sets and reports)."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from iopcore.compliance import (
    DOT_49_CFR_40_85,
    HHS_2025,
    RULE_CLASSES,
    SPECIMEN_VALIDITY,
    AdmissionRecord,
    Analyte,
    AnalyteCutoff,
    AnalyteInterpretation,
    AnalyteOutcome,
    AnalyteResult,
    AttendanceRateRule,
    AttendanceRecord,
    AttendanceStatus,
    AuthorizationRule,
    Certification,
    CertificationKind,
    CertificationRule,
    ComplianceRecords,
    ComplianceReport,
    ConsecutiveAbsencesRule,
    CutoffPanel,
    DaysPerWeekRule,
    DrugTest,
    DrugTestFrequencyRule,
    DrugTestResultRule,
    DrugTestStatus,
    Finding,
    GroupAttendance,
    Interpretation,
    LengthOfStayRule,
    MedicationAdministration,
    MissedTestRule,
    NumericRange,
    PayerAuthorization,
    PlanEvent,
    PlanEventKind,
    PlanReviewRule,
    PlanWrittenRule,
    RosterEntry,
    RuleSet,
    ServicesPerDayRule,
    Severity,
    SpecimenCategory,
    SpecimenValidity,
    SpecimenValidityRules,
    TestMethod,
    TestResult,
    ValidityCriterion,
    WeeklyHoursRule,
    WeekPolicy,
    WeekSummary,
    specimen_validity_rules,
)
from iopcore.strategies._core import date_ranges, identifiers, sources, texts
from iopcore.times import Minutes

__all__ = [
    "admission_records",
    "analyte_cutoffs",
    "analyte_interpretations",
    "analyte_results",
    "attendance_rate_rules",
    "attendance_records",
    "authorization_rules",
    "aware_datetimes",
    "builtin_rules",
    "certification_rules",
    "certifications",
    "compliance_records",
    "compliance_reports",
    "consecutive_absences_rules",
    "cutoff_panels",
    "days_per_week_rules",
    "drug_test_frequency_rules",
    "drug_test_result_rules",
    "drug_tests",
    "findings",
    "group_attendances",
    "interpretations",
    "length_of_stay_rules",
    "medication_administrations",
    "missed_test_rules",
    "numeric_ranges",
    "payer_authorizations",
    "plan_events",
    "plan_review_rules",
    "plan_written_rules",
    "roster_entries",
    "rule_sets",
    "services_per_day_rules",
    "specimen_validities",
    "validity_criteria",
    "validity_rule_sets",
    "week_summaries",
    "weekly_hours_rules",
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
    """Authorizations with and without a cap on services."""
    return st.builds(
        PayerAuthorization,
        id=_ids(),
        patient_id=_pids(),
        payer=texts(),
        dates=date_ranges(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31), max_days=400),
        authorized_services=_opt(st.integers(0, 500)),
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
            "plan_events": draw(st.lists(plan_events(), max_size=max_size)),
            "authorizations": draw(st.lists(payer_authorizations(), max_size=max_size)),
            "certifications": draw(st.lists(certifications(), max_size=max_size)),
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


# ----------------------------------------------------------------------------- drug-test data


@functools.lru_cache(maxsize=None, typed=True)
def numeric_ranges() -> st.SearchStrategy[NumericRange]:
    """Ranges bounded below, above or both, with open and closed ends."""

    @st.composite
    def build(draw: st.DrawFn) -> NumericRange:
        a, b = draw(_opt(_floats(0, 1e4))), draw(_opt(_floats(0, 1e4)))
        if a is None and b is None:
            a = draw(_floats(0, 1e4))
        if a is not None and b is not None and b < a:
            a, b = b, a
        return NumericRange(low=a, low_inclusive=draw(st.booleans()), high=b, high_inclusive=draw(st.booleans()))

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def validity_criteria() -> st.SearchStrategy[ValidityCriterion]:
    """Criteria of every non-valid category with at least one range or the adulterant flag."""

    @st.composite
    def build(draw: st.DrawFn) -> ValidityCriterion:
        ranges = {
            m: draw(_opt(numeric_ranges())) for m in ("creatinine_mg_dl", "specific_gravity", "ph", "nitrite_mcg_ml")
        }
        flag = draw(st.booleans()) or all(v is None for v in ranges.values())
        return ValidityCriterion(
            category=draw(st.sampled_from([c for c in SpecimenCategory if c is not SpecimenCategory.VALID])),
            adulterant_detected=flag,
            source=draw(sources()),
            **ranges,
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def validity_rule_sets() -> st.SearchStrategy[SpecimenValidityRules]:
    """The built-in specimen-validity rules (every dilute wording) and generated ones."""
    built_in = st.sampled_from(["exclusive_range", "below_thresholds", "inclusive_range"]).map(
        lambda d: specimen_validity_rules(dilute=d)
    )
    made = st.builds(
        SpecimenValidityRules, id=identifiers(), criteria=st.lists(validity_criteria(), max_size=3).map(tuple)
    )
    return st.one_of(built_in, made)


@functools.lru_cache(maxsize=None, typed=True)
def analyte_cutoffs() -> st.SearchStrategy[AnalyteCutoff]:
    """Cut-offs with a screening value, a confirmatory value or both."""

    @st.composite
    def build(draw: st.DrawFn) -> AnalyteCutoff:
        screen, confirm = draw(_opt(_floats(0, 1e5))), draw(_opt(_floats(0, 1e5)))
        if screen is None and confirm is None:
            confirm = draw(_floats(0, 1e5))
        return AnalyteCutoff(
            analyte=draw(st.sampled_from(Analyte)),
            screen_ng_ml=screen,
            confirm_ng_ml=confirm,
            source=draw(_opt(sources())),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def cutoff_panels() -> st.SearchStrategy[CutoffPanel]:
    """The federal panels and generated panels (one cut-off per analyte)."""
    made = st.builds(
        CutoffPanel,
        id=identifiers(),
        name=texts(),
        cutoffs=st.lists(analyte_cutoffs(), max_size=5, unique_by=lambda c: c.analyte).map(tuple),
        source=sources(),
    )
    return st.one_of(st.sampled_from([DOT_49_CFR_40_85, HHS_2025]), made)


@functools.lru_cache(maxsize=None, typed=True)
def analyte_interpretations() -> st.SearchStrategy[AnalyteInterpretation]:
    """Per-analyte readings of every outcome."""
    return st.builds(
        AnalyteInterpretation,
        analyte=st.sampled_from(Analyte),
        outcome=st.sampled_from(AnalyteOutcome),
        method=st.sampled_from(TestMethod),
        concentration_ng_ml=_floats(),
        cutoff_ng_ml=_opt(_floats()),
    )


@functools.lru_cache(maxsize=None, typed=True)
def interpretations() -> st.SearchStrategy[Interpretation]:
    """Interpretations of every result and specimen category."""
    return st.builds(
        Interpretation,
        test_id=_ids(),
        panel_id=identifiers(),
        result=st.sampled_from(TestResult),
        specimen=st.sampled_from(SpecimenCategory),
        validity_reasons=st.lists(texts(), max_size=2).map(tuple),
        analytes=st.lists(analyte_interpretations(), max_size=3).map(tuple),
        missing_expected=st.frozensets(st.sampled_from(Analyte), max_size=2),
    )


# ----------------------------------------------------------------------------- rules


def _rule_common() -> dict[str, st.SearchStrategy[Any]]:
    return {"id": identifiers(), "severity": st.sampled_from(Severity), "source": sources()}


def _min_max(lo: int, hi: int) -> st.SearchStrategy[tuple[int | None, int | None]]:
    pair = st.tuples(_opt(st.integers(lo, hi)), _opt(st.integers(lo, hi))).filter(lambda p: p != (None, None))
    return pair.map(lambda p: (p[0], p[1]) if p[0] is None or p[1] is None else (min(p), max(p)))


@functools.lru_cache(maxsize=None, typed=True)
def weekly_hours_rules() -> st.SearchStrategy[WeeklyHoursRule]:
    """Weekly hours rules with a minimum, a maximum or both, and every week policy."""

    @st.composite
    def build(draw: st.DrawFn) -> WeeklyHoursRule:
        lo, hi = draw(_min_max(0, 7 * 1440))
        return WeeklyHoursRule(
            min_minutes=None if lo is None else Minutes(lo),
            max_minutes=None if hi is None else Minutes(hi),
            partial_weeks=draw(st.sampled_from(WeekPolicy)),
            closure_weeks=draw(st.sampled_from(WeekPolicy)),
            **{k: draw(v) for k, v in _rule_common().items()},
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def days_per_week_rules() -> st.SearchStrategy[DaysPerWeekRule]:
    """Days-per-week rules with a minimum, a maximum or both."""

    @st.composite
    def build(draw: st.DrawFn) -> DaysPerWeekRule:
        lo, hi = draw(_min_max(0, 7))
        return DaysPerWeekRule(
            min_days=lo,
            max_days=hi,
            partial_weeks=draw(st.sampled_from(WeekPolicy)),
            closure_weeks=draw(st.sampled_from(WeekPolicy)),
            **{k: draw(v) for k, v in _rule_common().items()},
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def drug_test_frequency_rules() -> st.SearchStrategy[DrugTestFrequencyRule]:
    """Drug-test frequency rules with and without an early window."""
    return st.builds(
        DrugTestFrequencyRule,
        min_tests_per_week=st.integers(1, 7),
        early_window_days=_opt(st.integers(1, 120)),
        max_interval_days=st.integers(1, 30),
        partial_weeks=st.sampled_from(WeekPolicy),
        closure_weeks=st.sampled_from(WeekPolicy),
        **_rule_common(),
    )


@functools.lru_cache(maxsize=None, typed=True)
def attendance_rate_rules() -> st.SearchStrategy[AttendanceRateRule]:
    """Attendance-rate rules over windows of 1 to 365 days."""
    return st.builds(AttendanceRateRule, window_days=st.integers(1, 365), min_rate=_floats(0, 1), **_rule_common())


@functools.lru_cache(maxsize=None, typed=True)
def consecutive_absences_rules() -> st.SearchStrategy[ConsecutiveAbsencesRule]:
    """Consecutive-absence rules with limits of 1 to 20."""
    return st.builds(ConsecutiveAbsencesRule, limit=st.integers(1, 20), **_rule_common())


@functools.lru_cache(maxsize=None, typed=True)
def missed_test_rules() -> st.SearchStrategy[MissedTestRule]:
    """Missed-test rules with either policy."""
    return st.builds(MissedTestRule, count_as_positive=st.booleans(), **_rule_common())


@functools.lru_cache(maxsize=None, typed=True)
def drug_test_result_rules() -> st.SearchStrategy[DrugTestResultRule]:
    """Result rules with built-in or generated panels and severities."""
    return st.builds(
        DrugTestResultRule,
        panel=st.one_of(st.just(HHS_2025), cutoff_panels()),
        validity=st.one_of(st.just(SPECIMEN_VALIDITY), validity_rule_sets()),
        severities=st.dictionaries(st.sampled_from(TestResult), st.sampled_from(Severity)),
        expected_window_hours=_opt(st.integers(1, 24 * 14)),
        missing_expected_severity=st.sampled_from(Severity),
        id=identifiers(),
        source=sources(),
    )


@functools.lru_cache(maxsize=None, typed=True)
def plan_written_rules() -> st.SearchStrategy[PlanWrittenRule]:
    """Plan deadlines of 0 to 90 days for any plan event."""
    return st.builds(
        PlanWrittenRule, within_days=st.integers(0, 90), event=st.sampled_from(PlanEventKind), **_rule_common()
    )


@functools.lru_cache(maxsize=None, typed=True)
def plan_review_rules() -> st.SearchStrategy[PlanReviewRule]:
    """Review intervals of 1 to 365 days."""
    return st.builds(PlanReviewRule, interval_days=st.integers(1, 365), **_rule_common())


@functools.lru_cache(maxsize=None, typed=True)
def certification_rules() -> st.SearchStrategy[CertificationRule]:
    """Certification rules with and without an initial deadline."""
    return st.builds(
        CertificationRule,
        recertify_every_days=st.integers(1, 365),
        certify_within_days=_opt(st.integers(0, 60)),
        **_rule_common(),
    )


@functools.lru_cache(maxsize=None, typed=True)
def authorization_rules() -> st.SearchStrategy[AuthorizationRule]:
    """Authorization rules."""
    return st.builds(AuthorizationRule, **_rule_common())


@functools.lru_cache(maxsize=None, typed=True)
def length_of_stay_rules() -> st.SearchStrategy[LengthOfStayRule]:
    """Length-of-stay rules with a minimum, a maximum or both."""

    @st.composite
    def build(draw: st.DrawFn) -> LengthOfStayRule:
        lo, hi = draw(_min_max(0, 730))
        return LengthOfStayRule(min_days=lo, max_days=hi, **{k: draw(v) for k, v in _rule_common().items()})

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def services_per_day_rules() -> st.SearchStrategy[ServicesPerDayRule]:
    """Services-per-day rules with minimums of 1 to 10."""

    @st.composite
    def build(draw: st.DrawFn) -> ServicesPerDayRule:
        low = draw(st.integers(1, 10))
        upper = draw(_opt(st.integers(low + 1, 12)))
        return ServicesPerDayRule(
            min_services=low, upper_tier_at=upper, **{k: draw(v) for k, v in _rule_common().items()}
        )

    return build()


_RULE_STRATEGIES = {
    WeeklyHoursRule: weekly_hours_rules,
    DaysPerWeekRule: days_per_week_rules,
    DrugTestFrequencyRule: drug_test_frequency_rules,
    AttendanceRateRule: attendance_rate_rules,
    ConsecutiveAbsencesRule: consecutive_absences_rules,
    MissedTestRule: missed_test_rules,
    DrugTestResultRule: drug_test_result_rules,
    PlanWrittenRule: plan_written_rules,
    PlanReviewRule: plan_review_rules,
    CertificationRule: certification_rules,
    AuthorizationRule: authorization_rules,
    LengthOfStayRule: length_of_stay_rules,
    ServicesPerDayRule: services_per_day_rules,
}
assert set(_RULE_STRATEGIES) == set(RULE_CLASSES)


@functools.lru_cache(maxsize=None, typed=True)
def builtin_rules() -> st.SearchStrategy[Any]:
    """Any built-in rule."""
    return st.one_of([make() for make in _RULE_STRATEGIES.values()])


@functools.lru_cache(maxsize=None, typed=True)
def rule_sets(*, max_rules: int = 4) -> st.SearchStrategy[RuleSet]:
    """Rule sets of 0 to *max_rules* rules with distinct ids."""
    _check_int("max_rules", max_rules, 0, 50)
    return st.builds(
        RuleSet,
        name=texts(),
        version=texts(max_size=10),
        rules=st.lists(builtin_rules(), max_size=max_rules, unique_by=lambda r: r.id).map(tuple),
        description=st.one_of(st.just(""), texts()),
    )


# ----------------------------------------------------------------------------- findings and reports


@functools.lru_cache(maxsize=None, typed=True)
def findings() -> st.SearchStrategy[Finding]:
    """Findings of every severity citing 1 to 3 records."""
    return st.builds(
        Finding,
        rule_id=identifiers(),
        code=identifiers(),
        severity=st.sampled_from(Severity),
        patient_id=_pids(),
        period=date_ranges(max_days=60),
        message=texts(),
        evidence=st.lists(_ids(), min_size=1, max_size=3).map(tuple),
        citation=sources(),
    )


@functools.lru_cache(maxsize=None, typed=True)
def week_summaries() -> st.SearchStrategy[WeekSummary]:
    """Weekly summaries."""
    return st.builds(
        WeekSummary,
        patient_id=_pids(),
        week=date_ranges(max_days=7),
        assessed_days=st.integers(0, 7),
        closure_days=st.integers(0, 7),
        attended_minutes=st.integers(0, 7 * 1440).map(Minutes),
        days_attended=st.integers(0, 7),
        sessions_attended=st.integers(0, 50),
        sessions_missed=st.integers(0, 50),
        tests_collected=st.integers(0, 7),
    )


@functools.lru_cache(maxsize=None, typed=True)
def compliance_reports() -> st.SearchStrategy[ComplianceReport]:
    """Reports with up to 3 findings and 3 weeks."""
    return st.builds(
        ComplianceReport,
        ruleset_name=texts(),
        ruleset_version=texts(max_size=10),
        as_of=st.dates(),
        period=date_ranges(),
        findings=st.lists(findings(), max_size=3).map(tuple),
        weeks=st.lists(week_summaries(), max_size=3).map(tuple),
    )
