"""The built-in rules, one module per family, and their union :data:`BuiltinRule`.

Every rule is a frozen value with an ``id`` (unique within a rule set), a
``severity``, its thresholds and the ``source`` of those thresholds. Rules are
pure: ``rule.evaluate(records, period, as_of)`` looks only at records dated
within ``period`` and on or before ``as_of`` and returns findings sorted by
:func:`~iopcore.compliance.finding_sort_key`.

* attendance (:mod:`._attendance_rules`): weekly hours and days, services per
  treatment day, attendance rate, consecutive absences, sessions scheduled but not attended;
* drug tests (:mod:`._drugtest_rules`): collection frequency, missed tests, results;
* plans and certifications (:mod:`._plan_rules`): plan written, plan reviewed,
  certification and recertification;
* episodes: payer authorizations (:mod:`._authorization_rules`), length of stay (:mod:`._stay_rules`);
* measurement-based care (:mod:`._measurement_rules`): an instrument at intake and every N days.

Each family builds its findings with the one builder,
:func:`iopcore.compliance._findings.found`.
"""

from __future__ import annotations

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
from iopcore.compliance._measurement_rules import MeasurementScheduleRule
from iopcore.compliance._plan_rules import CertificationRule, PlanReviewRule, PlanWrittenRule
from iopcore.compliance._stay_rules import LengthOfStayRule

__all__ = ["RULE_CLASSES", "BuiltinRule"]

BuiltinRule = (
    WeeklyHoursRule
    | DaysPerWeekRule
    | DrugTestFrequencyRule
    | AttendanceRateRule
    | ConsecutiveAbsencesRule
    | MissedTestRule
    | DrugTestResultRule
    | PlanWrittenRule
    | PlanReviewRule
    | CertificationRule
    | AuthorizationRule
    | LengthOfStayRule
    | ServicesPerDayRule
    | MeasurementScheduleRule
    | MissedSessionsRule
)
"""The union of built-in rule classes (serializable, tagged by ``kind``)."""

RULE_CLASSES: tuple[type, ...] = (
    WeeklyHoursRule,
    DaysPerWeekRule,
    DrugTestFrequencyRule,
    AttendanceRateRule,
    ConsecutiveAbsencesRule,
    MissedTestRule,
    DrugTestResultRule,
    PlanWrittenRule,
    PlanReviewRule,
    CertificationRule,
    AuthorizationRule,
    LengthOfStayRule,
    ServicesPerDayRule,
    MeasurementScheduleRule,
    MissedSessionsRule,
)
"""Every built-in rule class (the members of :data:`~iopcore.compliance.BuiltinRule`)."""
