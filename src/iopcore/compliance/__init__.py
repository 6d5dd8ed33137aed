"""Compliance: records, drug-test interpretation, rules, versioned rule sets and reports.

Every rule is data with a cited source; :func:`evaluate` is a pure function of
the records, the rule set and ``as_of``. The rule sets here (``*_RULES``) are *not*
re-exported by :mod:`iopcore` (``iopcore.GENERIC_IOP`` is the level catalog).
"""

from iopcore import _loaded
from iopcore.compliance._analytes import ANALYTES, Analyte, AnalyteCatalog, AnalyteInfo, SpecimenType
from iopcore.compliance._attendance_rules import (
    AttendanceRateRule,
    ConsecutiveAbsencesRule,
    DaysPerWeekRule,
    MissedSessionsRule,
    ServicesPerDayRule,
    WeeklyHoursRule,
)
from iopcore.compliance._authorization_rules import AuthorizationRule
from iopcore.compliance._drugtest_rules import DrugTestFrequencyRule, DrugTestResultRule, MissedTestRule
from iopcore.compliance._drugtests import AnalyteInterpretation, AnalyteOutcome, Interpretation, TestResult, interpret
from iopcore.compliance._findings import Finding, Rule, Severity, WeekPolicy, finding_sort_key
from iopcore.compliance._measurement_records import MeasurementRecord
from iopcore.compliance._measurement_rules import MeasurementScheduleRule, MeasurementSummary, measurement_summary
from iopcore.compliance._panels import (
    DOT_49_CFR_40_85,
    DOT_49_CFR_40_91_ORAL_FLUID,
    EXAMPLE_CLINICAL_URINE_PANEL,
    HHS_2025,
    HHS_2025_MORPHINE_2000,
    AnalyteCutoff,
    CutoffPanel,
)
from iopcore.compliance._plan_rules import CertificationRule, PlanReviewRule, PlanWrittenRule
from iopcore.compliance._records import (
    AdmissionRecord,
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
    SpecimenValidity,
    TestMethod,
)
from iopcore.compliance._report import ComplianceReport, WeekSummary, evaluate, merge_reports
from iopcore.compliance._rules import RULE_CLASSES, BuiltinRule
from iopcore.compliance._rulesets import (
    ASAM_2_1_ADOLESCENT_RULES,
    ASAM_2_1_ADULT_RULES,
    DISTRICT_OF_COLUMBIA_IOP_RULES,
    GENERIC_IOP_RULES,
    KANSAS_IOP_ADULT_RULES,
    MEDICARE_IOP_RULES,
    RULESETS,
    RuleSet,
)
from iopcore.compliance._stay_rules import LengthOfStayRule
from iopcore.compliance._validity import (
    DILUTE_DEFINITIONS,
    SPECIMEN_VALIDITY,
    VALIDITY_EDITIONS,
    NumericRange,
    SpecimenCategory,
    SpecimenValidityRules,
    ValidityCriterion,
    specimen_validity_rules,
)

__all__ = [
    "ANALYTES",
    "ASAM_2_1_ADOLESCENT_RULES",
    "ASAM_2_1_ADULT_RULES",
    "DILUTE_DEFINITIONS",
    "DISTRICT_OF_COLUMBIA_IOP_RULES",
    "DOT_49_CFR_40_85",
    "DOT_49_CFR_40_91_ORAL_FLUID",
    "EXAMPLE_CLINICAL_URINE_PANEL",
    "GENERIC_IOP_RULES",
    "HHS_2025",
    "HHS_2025_MORPHINE_2000",
    "KANSAS_IOP_ADULT_RULES",
    "MEDICARE_IOP_RULES",
    "RULESETS",
    "RULE_CLASSES",
    "SPECIMEN_VALIDITY",
    "VALIDITY_EDITIONS",
    "AdmissionRecord",
    "Analyte",
    "AnalyteCatalog",
    "AnalyteCutoff",
    "AnalyteInfo",
    "AnalyteInterpretation",
    "AnalyteOutcome",
    "AnalyteResult",
    "AttendanceRateRule",
    "AttendanceRecord",
    "AttendanceStatus",
    "AuthorizationRule",
    "BuiltinRule",
    "Certification",
    "CertificationKind",
    "CertificationRule",
    "ComplianceRecords",
    "ComplianceReport",
    "ConsecutiveAbsencesRule",
    "CutoffPanel",
    "DaysPerWeekRule",
    "DrugTest",
    "DrugTestFrequencyRule",
    "DrugTestResultRule",
    "DrugTestStatus",
    "Finding",
    "GroupAttendance",
    "Interpretation",
    "LengthOfStayRule",
    "MeasurementRecord",
    "MeasurementScheduleRule",
    "MeasurementSummary",
    "MedicationAdministration",
    "MissedSessionsRule",
    "MissedTestRule",
    "NumericRange",
    "PayerAuthorization",
    "PlanEvent",
    "PlanEventKind",
    "PlanReviewRule",
    "PlanWrittenRule",
    "Prescription",
    "RosterEntry",
    "Rule",
    "RuleSet",
    "ServicesPerDayRule",
    "Severity",
    "SpecimenCategory",
    "SpecimenType",
    "SpecimenValidity",
    "SpecimenValidityRules",
    "TestMethod",
    "TestResult",
    "ValidityCriterion",
    "WeekPolicy",
    "WeekSummary",
    "WeeklyHoursRule",
    "evaluate",
    "finding_sort_key",
    "interpret",
    "measurement_summary",
    "merge_reports",
    "specimen_validity_rules",
]

_loaded.loaded(__name__)  # after every definition: the Hypothesis entry point may register them now
