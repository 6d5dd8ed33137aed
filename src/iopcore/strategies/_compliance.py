"""Strategies for compliance drug-test data, rules, rule sets, findings and reports (records: ``_compliance_records``)."""

from __future__ import annotations

import functools
from typing import Any

import attrs
from hypothesis import strategies as st

from iopcore.compliance import (
    ANALYTES,
    DOT_49_CFR_40_85,
    DOT_49_CFR_40_91_ORAL_FLUID,
    EXAMPLE_CLINICAL_URINE_PANEL,
    HHS_2025,
    RULE_CLASSES,
    SPECIMEN_VALIDITY,
    Analyte,
    AnalyteCatalog,
    AnalyteCutoff,
    AnalyteInfo,
    AnalyteInterpretation,
    AnalyteOutcome,
    AttendanceRateRule,
    AuthorizationRule,
    CertificationRule,
    ComplianceReport,
    ConsecutiveAbsencesRule,
    CutoffPanel,
    DaysPerWeekRule,
    DrugTestFrequencyRule,
    DrugTestResultRule,
    Finding,
    Interpretation,
    LengthOfStayRule,
    MeasurementScheduleRule,
    MissedSessionsRule,
    MissedTestRule,
    NumericRange,
    PlanEventKind,
    PlanReviewRule,
    PlanWrittenRule,
    RuleSet,
    ServicesPerDayRule,
    Severity,
    SpecimenCategory,
    SpecimenType,
    SpecimenValidityRules,
    TestMethod,
    TestResult,
    ValidityCriterion,
    WeeklyHoursRule,
    WeekPolicy,
    WeekSummary,
    specimen_validity_rules,
)
from iopcore.strategies._compliance_records import _check_int, _floats, _ids, _opt, _pids
from iopcore.strategies._core import date_ranges, identifiers, sources, texts
from iopcore.strategies._measurement import measurement_schedule_rules
from iopcore.times import Minutes

__all__ = [
    "analyte_catalogs",
    "analyte_cutoffs",
    "analyte_infos",
    "analyte_interpretations",
    "attendance_rate_rules",
    "authorization_rules",
    "builtin_rules",
    "certification_rules",
    "compliance_reports",
    "consecutive_absences_rules",
    "cutoff_panels",
    "days_per_week_rules",
    "drug_test_frequency_rules",
    "drug_test_result_rules",
    "findings",
    "interpretations",
    "length_of_stay_rules",
    "missed_sessions_rules",
    "missed_test_rules",
    "numeric_ranges",
    "plan_review_rules",
    "plan_written_rules",
    "rule_sets",
    "services_per_day_rules",
    "validity_criteria",
    "validity_rule_sets",
    "week_summaries",
    "weekly_hours_rules",
]


# ----------------------------------------------------------------------------- drug-test data

_LAB_CODES = ("xylazine", "gabapentin", "tramadol", "nitazenes", "lab_analyte")


@functools.lru_cache(maxsize=None, typed=True)
def analyte_infos() -> st.SearchStrategy[AnalyteInfo]:
    """Catalog entries: built-in ones and a lab's own analytes (xylazine, gabapentin, ...)."""
    own = st.builds(AnalyteInfo, code=st.sampled_from(_LAB_CODES), name=texts(), source=_opt(sources()))
    return st.one_of(st.sampled_from(ANALYTES.analytes), own)


@functools.lru_cache(maxsize=None, typed=True)
def analyte_catalogs() -> st.SearchStrategy[AnalyteCatalog]:
    """The built-in catalog, alone or extended with a lab's own analytes."""

    @st.composite
    def build(draw: st.DrawFn) -> AnalyteCatalog:
        extra = draw(st.lists(st.sampled_from(_LAB_CODES), unique=True, max_size=3))
        if not extra:
            return ANALYTES
        return ANALYTES.with_analytes(*(AnalyteInfo(code=c, name=c.title()) for c in extra), id=draw(identifiers()))

    return build()


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
    """Criteria of every non-valid category with at least one range, unmeasured measurement or the adulterant flag."""

    @st.composite
    def build(draw: st.DrawFn) -> ValidityCriterion:
        ranges = {
            m: draw(_opt(numeric_ranges())) for m in ("creatinine_mg_dl", "specific_gravity", "ph", "nitrite_mcg_ml")
        }
        free = [m for m, r in ranges.items() if r is None]
        unmeasured = tuple(draw(st.lists(st.sampled_from(free), unique=True, max_size=2))) if free else ()
        flag = draw(st.booleans()) or (all(v is None for v in ranges.values()) and not unmeasured)
        return ValidityCriterion(
            category=draw(st.sampled_from([c for c in SpecimenCategory if c is not SpecimenCategory.VALID])),
            adulterant_detected=flag,
            source=draw(sources()),
            unmeasured=unmeasured,
            **ranges,
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def validity_rule_sets() -> st.SearchStrategy[SpecimenValidityRules]:
    """The built-in specimen-validity rules (every edition, dilute wording and low-gravity switch) and generated ones."""
    built_in = st.builds(
        specimen_validity_rules,
        edition=st.sampled_from(["hhs_urine_2024", "nrc_samhsa_2004"]),
        dilute=st.sampled_from(["exclusive_range", "below_thresholds", "inclusive_range"]),
        low_gravity_invalid=st.sampled_from([None, True, False]),
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
            analyte=draw(st.sampled_from(Analyte)).value,
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
        specimen=st.sampled_from(SpecimenType),
    )
    builtin = [DOT_49_CFR_40_85, HHS_2025, DOT_49_CFR_40_91_ORAL_FLUID, EXAMPLE_CLINICAL_URINE_PANEL]
    return st.one_of(st.sampled_from(builtin), made)


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
        not_evaluated=st.frozensets(st.sampled_from(Analyte), max_size=2),
        explained=st.frozensets(st.sampled_from(Analyte), max_size=2),
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
def missed_sessions_rules() -> st.SearchStrategy[MissedSessionsRule]:
    """Missed-session rules reporting from 1 to 10 absences a week, with and without partial attendance."""
    return st.builds(MissedSessionsRule, min_missed=st.integers(1, 10), partly_attended=st.booleans(), **_rule_common())


@functools.lru_cache(maxsize=None, typed=True)
def missed_test_rules() -> st.SearchStrategy[MissedTestRule]:
    """Missed-test rules with either policy."""
    return st.builds(MissedTestRule, count_as_positive=st.booleans(), **_rule_common())


@functools.lru_cache(maxsize=None, typed=True)
def drug_test_result_rules() -> st.SearchStrategy[DrugTestResultRule]:
    """Result rules with built-in or generated panels (a second one for the other specimen type) and severities."""

    @st.composite
    def build(draw: st.DrawFn) -> DrugTestResultRule:
        panel = draw(st.one_of(st.just(HHS_2025), cutoff_panels()))
        other = draw(_opt(cutoff_panels().filter(lambda p: p.specimen is not panel.specimen)))
        return DrugTestResultRule(
            panel=panel,
            extra_panels=() if other is None else (other,),
            validity=draw(st.one_of(st.just(SPECIMEN_VALIDITY), validity_rule_sets())),
            severities=draw(st.dictionaries(st.sampled_from(TestResult), st.sampled_from(Severity))),
            expected_window_hours=draw(_opt(st.integers(1, 24 * 14))),
            missing_expected_severity=draw(st.sampled_from(Severity)),
            explained_positive_severity=draw(st.sampled_from(Severity)),
            id=draw(identifiers()),
            source=draw(sources()),
        )

    return build()


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
    MeasurementScheduleRule: measurement_schedule_rules,
    MissedSessionsRule: missed_sessions_rules,
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
    """Findings of every severity citing 1 to 3 records, with or without the numbers that explain them."""
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
    ).flatmap(_with_measure)


_NUMBERS = st.one_of(st.integers(-(10**6), 10**6), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))


def _with_measure(finding: Finding) -> st.SearchStrategy[Finding]:
    """*finding* as it is, or with a measured value and/or a threshold and their unit."""
    numbers = st.tuples(st.one_of(st.none(), _NUMBERS), st.one_of(st.none(), _NUMBERS)).filter(
        lambda pair: pair != (None, None)
    )
    units = st.sampled_from(("minutes", "days", "services", "tests", "ng/mL", "ratio"))
    measured = st.builds(
        lambda pair, unit: attrs.evolve(finding, measured=pair[0], threshold=pair[1], unit=unit), numbers, units
    )
    return st.one_of(st.just(finding), measured)


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
