"""Findings carry the numbers that explain them: what was measured, the rule's threshold and the unit."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from hypothesis import given

from iopcore.compliance import ComplianceRecords, Finding, MissedSessionsRule, Severity, evaluate
from iopcore.errors import InvalidDataError
from iopcore.times import DateRange
from tests.builders import FULL, MONDAY, TEST_SOURCE, admission, bundle, episodes, nth_day, session
from tests.compliance.test_attendance_rules import HOURS, WEEK

# What each built-in finding code measures (its unit), and how the measured value compares with the threshold.
UNITS = {
    "hours_below_minimum": ("minutes", "<"),
    "hours_above_maximum": ("minutes", ">"),
    "days_below_minimum": ("days", "<"),
    "days_above_maximum": ("days", ">"),
    "services_below_minimum": ("services", "<"),
    "attendance_rate_below": ("ratio", "<"),
    "consecutive_absences": ("absences", ">="),
    "tests_below_weekly_minimum": ("tests", "<"),
    "test_interval_exceeded": ("days", ">"),
    "plan_late": ("days", ">"),
    "plan_missing": ("days", None),
    "review_overdue": ("days", ">"),
    "recertification_overdue": ("days", ">"),
    "stay_above_maximum": ("days", ">"),
    "stay_below_minimum": ("days", "<"),
    "measurement_missing_at_intake": ("days", None),
    "measurement_overdue": ("days", None),
    "sessions_missed": ("sessions", ">="),
}
WITHOUT_NUMBERS = {"week_not_assessed", "no_admission", "missed_test", "refused_test", "service_without_authorization"}


def test_hours_below_the_minimum_state_the_minutes_and_the_minimum() -> None:
    """539 attended minutes against a 540-minute minimum: measured 539, threshold 540, unit minutes."""
    short = bundle(admission(), session("a", MONDAY, 270), session("b", nth_day(2), 269))
    (finding,) = HOURS.evaluate(short, WEEK, nth_day(6))
    assert (finding.measured, finding.threshold, finding.unit) == (539, 540, "minutes")
    assert type(finding.measured) is int and "short by 1 min" in finding.message


def test_hours_above_the_maximum_state_the_maximum() -> None:
    """1,200 minutes against a 1,199-minute maximum: measured 1200, threshold 1199."""
    records = bundle(admission(day=nth_day(2)), *(session(f"s{i}", nth_day(2 + i), 300) for i in range(4)))
    above = [x for x in HOURS.evaluate(records, WEEK, nth_day(6)) if x.code == "hours_above_maximum"]
    assert [(x.measured, x.threshold, x.unit) for x in above] == [(1200, 1199, "minutes")]


@given(episodes())
def test_every_built_in_finding_states_its_numbers_consistently(case: tuple[ComplianceRecords, date]) -> None:
    """Each finding's numbers have the code's unit and compare with the threshold as the code says."""
    records, as_of = case
    missed = MissedSessionsRule(id="missed_sessions", partly_attended=True, source=TEST_SOURCE)
    for x in evaluate(FULL, records, as_of, extra_rules=(missed,)).findings:
        Finding(**{a.name: getattr(x, a.name) for a in attrs.fields(Finding)})  # the validated constructor agrees
        if x.code in WITHOUT_NUMBERS:
            assert (x.measured, x.threshold, x.unit) == (None, None, None), x.code
            continue
        if x.code.startswith("test_") and x.code != "test_interval_exceeded":
            assert x.unit in (None, "ng/mL"), x.code  # a single positive analyte: its concentration and cut-off
            if x.unit is not None:
                assert x.measured is not None and x.threshold is not None and x.measured >= x.threshold
            continue
        if x.code == "sessions_partly_attended":  # a count of sessions; no rule threshold
            assert (x.unit, x.threshold) == ("sessions", None) and x.measured == len(x.evidence), x.code
            continue
        if x.code not in UNITS:
            continue
        unit, relation = UNITS[x.code]
        assert x.unit == unit, x.code
        assert x.threshold is not None
        if relation is not None:
            assert x.measured is not None
            assert {"<": x.measured < x.threshold, ">": x.measured > x.threshold, ">=": x.measured >= x.threshold}[
                relation
            ], x.code


def test_a_unit_comes_exactly_with_a_number() -> None:
    """A unit without a number, or a number without a unit, is refused at $.unit."""
    base: dict[str, object] = {
        "rule_id": "r",
        "code": "c",
        "severity": Severity.INFO,
        "patient_id": "p",
        "period": DateRange(first=MONDAY, last=MONDAY),
        "message": "m",
        "evidence": ("e",),
        "citation": TEST_SOURCE,
    }
    for extra in ({"unit": "days"}, {"measured": 3}, {"threshold": 2.5}):
        with pytest.raises(InvalidDataError) as info:
            Finding(**base, **extra)  # type: ignore[arg-type]
        assert info.value.paths == ("$.unit",)
    assert Finding(**base, measured=3, unit="days").measured == 3  # type: ignore[arg-type]
    assert Finding(**base, threshold=2.5, unit="days").threshold == 2.5  # type: ignore[arg-type]
