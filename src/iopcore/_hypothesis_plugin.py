"""Entry point for Hypothesis: registers iopcore's strategies when Hypothesis is imported.

Hypothesis runs this hook while it is itself still being imported, so the hook
must not import :mod:`iopcore.strategies` (which imports Hypothesis). It
registers *deferred* strategies instead; each looks up its strategy function
in :mod:`iopcore.strategies` the first time it is drawn from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iopcore.compliance import (
    Admission,
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
    Cutoff,
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
from iopcore.components import Component, ComponentCatalog, Curriculum, Topic
from iopcore.errors import ErrorItem
from iopcore.levels import CodeMapping, DaysBand, HoursBand, LevelCatalog, LevelOfCare, Transition
from iopcore.patients import Patient
from iopcore.programs import IntensityRules, Program, Track
from iopcore.sources import Source
from iopcore.times import ClockTime, DateRange, Minutes, WeeklyAvailability, WeeklyInterval

STRATEGY_NAMES: dict[type, str] = {
    Admission: "admissions",
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
    CutoffPanel: "cutoff_panels",
    Cutoff: "cutoffs",
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
