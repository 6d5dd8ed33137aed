"""Entry point for Hypothesis: registers iopcore's strategies when Hypothesis is imported.

Hypothesis runs this hook while it is itself still being imported, so the hook
must not import :mod:`iopcore.strategies` (which imports Hypothesis). It
registers *deferred* strategies instead; each looks up its strategy function
in :mod:`iopcore.strategies` the first time it is drawn from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iopcore.assessment import (
    Band,
    BandScheme,
    Cluster,
    ClusterRule,
    Cutoff,
    Dimension,
    DimensionRating,
    DimensionRatings,
    DimensionSet,
    Evaluation,
    Exclusion,
    FlagRule,
    Instrument,
    InstrumentScore,
    IntakeAssessment,
    Item,
    PlacementOverride,
    PlacementReason,
    PlacementRecommendation,
    Proration,
    RatingAnchor,
    RatingRule,
    RuleBasedPlacementPolicy,
    RuledOutLevel,
    ScoreRule,
    SkipRule,
    Subdimension,
    SubstanceUse,
)
from iopcore.compliance import (
    Admission as AdmissionRecord,
)
from iopcore.compliance import (
    AnalyteInterpretation,
    AnalyteResult,
    AttendanceRateRule,
    AttendanceRecord,
    AuthorizationRule,
    Certification,
    CertificationRule,
    ComplianceRecords,
    ComplianceReport,
    ConsecutiveAbsencesRule,
    CutoffPanel,
    DaysPerWeekRule,
    DrugTest,
    DrugTestFrequencyRule,
    DrugTestResultRule,
    Finding,
    GroupAttendance,
    Interpretation,
    LengthOfStayRule,
    MedicationAdministration,
    MissedTestRule,
    NumericRange,
    PayerAuthorization,
    PlanEvent,
    PlanReviewRule,
    PlanWrittenRule,
    RosterEntry,
    RuleSet,
    ServicesPerDayRule,
    SpecimenValidity,
    SpecimenValidityRules,
    ValidityCriterion,
    WeeklyHoursRule,
    WeekSummary,
)
from iopcore.compliance import (
    Cutoff as AnalyteCutoff,
)
from iopcore.components import Component, ComponentCatalog, Curriculum, Topic
from iopcore.episodes import Admission, Authorization, Discharge, Episode, LevelPeriod, PhasePeriod
from iopcore.errors import ErrorItem
from iopcore.levels import CodeMapping, DaysBand, HoursBand, LevelCatalog, LevelOfCare, Transition
from iopcore.patients import Patient
from iopcore.plans import (
    ComponentRequirement,
    DraftRules,
    FamilyInvolvement,
    FindingRule,
    Frequency,
    Goal,
    Intervention,
    InterventionDefault,
    Objective,
    PlanChange,
    PlanHistory,
    PlanPolicy,
    Problem,
    ProblemSource,
    Signature,
    Span,
    TreatmentPlan,
    WeeklyRequirements,
)
from iopcore.programs import IntensityRules, Program, Track
from iopcore.schedule import (
    CalendarSchedule,
    ComponentBound,
    Occurrence,
    Offering,
    Preferences,
    Reason,
    ShortWeek,
    Violation,
    WeekProblem,
    WeekRules,
    WeekSchedule,
)
from iopcore.sources import Source
from iopcore.times import ClockTime, DateRange, Minutes, WeeklyAvailability, WeeklyInterval

STRATEGY_NAMES: dict[type, str] = {
    CalendarSchedule: "calendar_schedules",
    ComponentBound: "component_bounds",
    Occurrence: "occurrences",
    Offering: "offerings",
    Preferences: "preferences",
    Reason: "reasons",
    ShortWeek: "short_weeks",
    Violation: "violations",
    WeekProblem: "week_problems",
    WeekRules: "week_rules",
    WeekSchedule: "week_schedules",
    Band: "bands",
    BandScheme: "band_schemes",
    Cluster: "clusters",
    ClusterRule: "cluster_rules",
    Cutoff: "cutoffs",
    Exclusion: "exclusions",
    FlagRule: "flag_rules",
    Instrument: "instruments",
    InstrumentScore: "instrument_scores",
    Item: "instrument_items",
    Proration: "prorations",
    SkipRule: "skip_rules",
    Dimension: "dimensions",
    DimensionRating: "dimension_ratings",
    DimensionRatings: "dimension_rating_sets",
    DimensionSet: "dimension_sets",
    Evaluation: "evaluations",
    IntakeAssessment: "intake_assessments",
    PlacementOverride: "placement_overrides",
    PlacementReason: "placement_reasons",
    PlacementRecommendation: "placement_recommendations",
    RatingAnchor: "rating_anchors",
    RatingRule: "rating_rules",
    RuleBasedPlacementPolicy: "placement_policies",
    RuledOutLevel: "ruled_out_levels",
    ScoreRule: "score_rules",
    Subdimension: "subdimensions",
    SubstanceUse: "substance_uses",
    AdmissionRecord: "admission_records",
    AnalyteInterpretation: "analyte_interpretations",
    AnalyteResult: "analyte_results",
    AttendanceRateRule: "attendance_rate_rules",
    AttendanceRecord: "attendance_records",
    AuthorizationRule: "authorization_rules",
    CertificationRule: "certification_rules",
    Certification: "certifications",
    ComplianceRecords: "compliance_records",
    ComplianceReport: "compliance_reports",
    ConsecutiveAbsencesRule: "consecutive_absences_rules",
    AnalyteCutoff: "analyte_cutoffs",
    CutoffPanel: "cutoff_panels",
    DaysPerWeekRule: "days_per_week_rules",
    DrugTestFrequencyRule: "drug_test_frequency_rules",
    DrugTestResultRule: "drug_test_result_rules",
    DrugTest: "drug_tests",
    Finding: "findings",
    GroupAttendance: "group_attendances",
    Interpretation: "interpretations",
    LengthOfStayRule: "length_of_stay_rules",
    MedicationAdministration: "medication_administrations",
    MissedTestRule: "missed_test_rules",
    NumericRange: "numeric_ranges",
    PayerAuthorization: "payer_authorizations",
    PlanEvent: "plan_events",
    PlanReviewRule: "plan_review_rules",
    PlanWrittenRule: "plan_written_rules",
    RosterEntry: "roster_entries",
    RuleSet: "rule_sets",
    ServicesPerDayRule: "services_per_day_rules",
    SpecimenValidity: "specimen_validities",
    ValidityCriterion: "validity_criteria",
    SpecimenValidityRules: "validity_rule_sets",
    WeekSummary: "week_summaries",
    WeeklyHoursRule: "weekly_hours_rules",
    ClockTime: "clock_times",
    CodeMapping: "code_mappings",
    Component: "components",
    ComponentCatalog: "component_catalogs",
    Curriculum: "curricula",
    DateRange: "date_ranges",
    DaysBand: "days_bands",
    ErrorItem: "error_items",
    HoursBand: "hours_bands",
    IntensityRules: "intensity_rules",
    LevelCatalog: "level_catalogs",
    LevelOfCare: "levels_of_care",
    Minutes: "minutes",
    Patient: "patients",
    Program: "programs",
    Source: "sources",
    Topic: "topics",
    Track: "tracks",
    Transition: "transitions",
    WeeklyAvailability: "weekly_availabilities",
    WeeklyInterval: "weekly_intervals",
    # plans (issue 5)
    ComponentRequirement: "component_requirements",
    DraftRules: "draft_rules",
    FindingRule: "finding_rules",
    InterventionDefault: "intervention_defaults",
    FamilyInvolvement: "family_involvements",
    Frequency: "frequencies",
    Goal: "goals",
    Intervention: "interventions",
    Objective: "objectives",
    PlanChange: "plan_changes",
    PlanHistory: "plan_histories",
    PlanPolicy: "plan_policies",
    Problem: "problems",
    ProblemSource: "problem_sources",
    Signature: "signatures",
    Span: "spans",
    TreatmentPlan: "treatment_plans",
    WeeklyRequirements: "weekly_requirements",
    # episodes (issue 5)
    Admission: "admissions",
    Authorization: "authorizations",
    Discharge: "discharges",
    Episode: "episodes",
    LevelPeriod: "level_periods",
    PhasePeriod: "phase_periods",
}
"""Every public attrs class → the name of its strategy function in :mod:`iopcore.strategies`."""


def _lazy(function_name: str) -> Callable[[], Any]:
    def definition() -> Any:
        from iopcore import strategies

        return getattr(strategies, function_name)()

    return definition


def _hypothesis_setup_hook() -> None:
    from hypothesis import strategies as st

    for cls, function_name in STRATEGY_NAMES.items():
        st.register_type_strategy(cls, st.deferred(_lazy(function_name)))
