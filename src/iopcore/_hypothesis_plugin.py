"""Entry point for Hypothesis: registers iopcore's strategies for ``st.from_type``, at almost no cost.

Hypothesis calls :func:`_hypothesis_setup_hook` while importing itself, in every process of an
environment where iopcore is installed, including the many that never use iopcore. So neither the
hook nor this module imports iopcore's domain (nor attrs): ``import iopcore`` loads names lazily, and
this module imports only :mod:`iopcore._loaded`, which imports nothing.

Registration is per public module, as soon as both that module and Hypothesis are loaded, whichever
comes second: the hook registers the modules already imported, and each public module imported
later announces itself through :func:`iopcore._loaded.loaded`. A type object exists only once its
module has run, so ``st.from_type`` finds every iopcore type registered. What is registered is a
function of the type, not a strategy: Hypothesis checks a registered strategy for emptiness at once,
which would build it and import :mod:`iopcore.strategies`; a function is called only when
``st.from_type`` first resolves the type.
"""

from __future__ import annotations

import sys
from typing import Any

from iopcore import _loaded

STRATEGY_NAMES: dict[str, dict[str, str]] = {
    "iopcore._fields": {
        "FrozenMap": "frozen_maps",
    },
    "iopcore.assessment": {
        "Band": "bands",
        "BandScheme": "band_schemes",
        "ChangeAssessment": "change_assessments",
        "ChangeCriteria": "change_criteria",
        "Cluster": "clusters",
        "ClusterRule": "cluster_rules",
        "Cutoff": "cutoffs",
        "DatedScore": "dated_scores",
        "Dimension": "dimensions",
        "DimensionRating": "dimension_ratings",
        "DimensionRatings": "dimension_rating_sets",
        "DimensionSet": "dimension_sets",
        "Evaluation": "evaluations",
        "Exclusion": "exclusions",
        "FlagRule": "flag_rules",
        "Instrument": "instruments",
        "InstrumentScore": "instrument_scores",
        "IntakeAssessment": "intake_assessments",
        "Item": "instrument_items",
        "PlacementOverride": "placement_overrides",
        "PlacementPolicy": "placement_policies",  # the protocol: from_type draws the rule-based policies
        "PlacementReason": "placement_reasons",
        "PlacementRecommendation": "placement_recommendations",
        "Proration": "prorations",
        "RatingAnchor": "rating_anchors",
        "RatingRule": "rating_rules",
        "ReliableChange": "reliable_changes",
        "RuleBasedPlacementPolicy": "placement_policies",
        "RuleReading": "rule_readings",
        "RuledOutLevel": "ruled_out_levels",
        "ScoreRule": "score_rules",
        "ScoreSeries": "score_series_values",
        "ScoreThreshold": "score_thresholds",
        "SkipRule": "skip_rules",
        "Subdimension": "subdimensions",
        "SubstanceUse": "substance_uses",
    },
    "iopcore.compliance": {
        "AdmissionRecord": "admission_records",
        "AnalyteCatalog": "analyte_catalogs",
        "AnalyteCutoff": "analyte_cutoffs",
        "AnalyteInfo": "analyte_infos",
        "AnalyteInterpretation": "analyte_interpretations",
        "AnalyteResult": "analyte_results",
        "AttendanceRateRule": "attendance_rate_rules",
        "AttendanceRecord": "attendance_records",
        "AuthorizationRule": "authorization_rules",
        "Certification": "certifications",
        "CertificationRule": "certification_rules",
        "ComplianceRecords": "compliance_records",
        "ComplianceReport": "compliance_reports",
        "ConsecutiveAbsencesRule": "consecutive_absences_rules",
        "CutoffPanel": "cutoff_panels",
        "DaysPerWeekRule": "days_per_week_rules",
        "DrugTest": "drug_tests",
        "DrugTestFrequencyRule": "drug_test_frequency_rules",
        "DrugTestResultRule": "drug_test_result_rules",
        "Finding": "findings",
        "GroupAttendance": "group_attendances",
        "Interpretation": "interpretations",
        "LengthOfStayRule": "length_of_stay_rules",
        "MeasurementRecord": "measurement_records",
        "MeasurementScheduleRule": "measurement_schedule_rules",
        "MeasurementSummary": "measurement_summaries",
        "MedicationAdministration": "medication_administrations",
        "MissedSessionsRule": "missed_sessions_rules",
        "MissedTestRule": "missed_test_rules",
        "NumericRange": "numeric_ranges",
        "PayerAuthorization": "payer_authorizations",
        "PlanEvent": "plan_events",
        "PlanReviewRule": "plan_review_rules",
        "PlanWrittenRule": "plan_written_rules",
        "Prescription": "prescriptions",
        "RosterEntry": "roster_entries",
        "Rule": "builtin_rules",  # the protocol: any built-in rule is one
        "RuleSet": "rule_sets",
        "ServicesPerDayRule": "services_per_day_rules",
        "SpecimenValidity": "specimen_validities",
        "SpecimenValidityRules": "validity_rule_sets",
        "ValidityCriterion": "validity_criteria",
        "WeekSummary": "week_summaries",
        "WeeklyHoursRule": "weekly_hours_rules",
    },
    "iopcore.components": {
        "Component": "components",
        "ComponentCatalog": "component_catalogs",
        "Curriculum": "curricula",
        "Topic": "topics",
    },
    "iopcore.episodes": {
        "Admission": "admissions",
        "Authorization": "authorizations",
        "Discharge": "discharges",
        "Episode": "episodes",
        "LevelPeriod": "level_periods",
        "PhasePeriod": "phase_periods",
    },
    "iopcore.errors": {
        "ErrorItem": "error_items",
    },
    "iopcore.fhir": {
        "PatientRecords": "patient_records",
        "References": "references",
    },
    "iopcore.levels": {
        "CodeMapping": "code_mappings",
        "DaysBand": "days_bands",
        "HoursBand": "hours_bands",
        "IntensityOrder": "intensity_orders",
        "LevelCatalog": "level_catalogs",
        "LevelOfCare": "levels_of_care",
        "MovePolicy": "move_policies",
        "OrderChoice": "order_choices",
        "Transition": "transitions",
    },
    "iopcore.part2": {
        "AccountingEntry": "accounting_entries",
        "AuditAuthorization": "audit_authorizations",
        "Consent": "consents",
        "ConsentProblem": "consent_problems",
        "ConsentSignature": "consent_signatures",
        "CourtOrder": "court_orders",
        "DecisionReason": "decision_reasons",
        "DisclosureDecision": "disclosure_decisions",
        "DisclosureNotice": "disclosure_notices",
        "DisclosureRequest": "disclosure_requests",
        "MedicalEmergency": "medical_emergencies",
        "Part2Rules": "part2_rules",
        "Party": "parties",
        "QsoAgreement": "qso_agreements",
        "ResearchApproval": "research_approvals",
        "Revocation": "revocations",
        "SecurityLabel": "security_labels",
        "StateRestriction": "state_restrictions",
    },
    "iopcore.patients": {
        "Patient": "patients",
    },
    "iopcore.plans": {
        "ComponentRequirement": "component_requirements",
        "ContinuedStayOverride": "continued_stay_overrides",
        "ContinuedStayPolicy": "continued_stay_policies",  # the protocol: from_type draws the rule-based policies
        "ContinuedStayRecommendation": "continued_stay_recommendations",
        "DraftRules": "draft_rules",
        "DrugTestReading": "drug_test_readings",
        "FamilyInvolvement": "family_involvements",
        "FindingRule": "finding_rules",
        "Frequency": "frequencies",
        "Goal": "goals",
        "Intervention": "interventions",
        "InterventionDefault": "intervention_defaults",
        "Objective": "objectives",
        "PlanChange": "plan_changes",
        "PlanHistory": "plan_histories",
        "PlanPolicy": "plan_policies",
        "Problem": "problems",
        "ProblemSource": "problem_sources",
        "ProgressReason": "progress_reasons",
        "ProgressState": "progress_states",
        "ReviewDecision": "review_decisions",
        "ReviewTriggerPolicy": "review_policies",  # the protocol: from_type draws the rule-based policies
        "RuleBasedContinuedStayPolicy": "continued_stay_policies",
        "RuleBasedReviewPolicy": "review_policies",
        "Signature": "signatures",
        "Span": "spans",
        "TreatmentPlan": "treatment_plans",
        "WeeklyRequirements": "weekly_requirements",
    },
    "iopcore.programs": {
        "IntensityRules": "intensity_rules",
        "Program": "programs",
        "Track": "tracks",
    },
    "iopcore.schedule": {
        "AddSeats": "seat_additions",
        "AddSession": "session_additions",
        "Assignment": "assignments",
        "AttendanceMatch": "attendance_matches",
        "CalendarSchedule": "calendar_schedules",
        "CapacityReport": "capacity_reports",
        "CapacitySuggestion": "capacity_suggestions",
        "CheckIn": "check_ins",
        "CheckInRules": "check_in_rules",
        "CohortPatient": "cohort_patients",
        "CohortProblem": "cohort_problems",
        "CohortProgress": "cohort_progress_reports",
        "CohortSchedule": "cohort_schedules",
        "CohortTuning": "cohort_tunings",
        "CohortViolation": "cohort_violations",
        "ComponentBound": "component_bounds",
        "Enrollment": "enrollments",
        "Occupancy": "occupancies",
        "Occurrence": "occurrences",
        "Offering": "offerings",
        "OfferingOccupancy": "offering_occupancies",
        "Preferences": "preferences",
        "Reason": "reasons",
        "SessionAttendance": "session_attendances",
        "ShortWeek": "short_weeks",
        "UnmatchedCheckIn": "unmatched_check_ins",
        "Unscheduled": "unscheduled_patients",
        "Violation": "violations",
        "WeekProblem": "week_problems",
        "WeekRules": "week_rules",
        "WeekSchedule": "week_schedules",
    },
    "iopcore.sources": {
        "Source": "sources",
    },
    "iopcore.tables": {
        "Column": "table_columns",
    },
    "iopcore.times": {
        "ClockTime": "clock_times",
        "DateRange": "date_ranges",
        "Minutes": "minutes",
        "WeeklyAvailability": "weekly_availabilities",
        "WeeklyInterval": "weekly_intervals",
    },
}
"""Each public module → its attrs classes (and two protocols) → the name of the strategy function in
:mod:`iopcore.strategies` that ``st.from_type`` uses for them."""


def _resolver(function_name: str) -> Any:
    def resolve(_type: type) -> Any:
        from iopcore import strategies

        return getattr(strategies, function_name)()

    return resolve


def _register(module_name: str) -> None:
    names = STRATEGY_NAMES.get(module_name)
    if names is None:
        return
    from hypothesis import strategies as st

    module = sys.modules[module_name]  # the one lookup of sys.modules: the module has just announced itself
    for class_name, function_name in names.items():
        st.register_type_strategy(getattr(module, class_name), _resolver(function_name))


def _hypothesis_setup_hook() -> None:
    _loaded.when_loaded(_register)
