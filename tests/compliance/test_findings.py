"""Findings, severities and the Rule protocol; rules and findings that cannot exist are refused."""

from __future__ import annotations

import pytest

from iopcore.compliance import (
    DaysPerWeekRule,
    Finding,
    LengthOfStayRule,
    Rule,
    Severity,
    WeeklyHoursRule,
)
from iopcore.errors import InvalidDataError
from iopcore.times import DateRange, Minutes
from tests.builders import MONDAY, TEST_SOURCE

WEEK = DateRange.of_days(MONDAY, 7)


HOURS = WeeklyHoursRule(id="hours", min_minutes=Minutes(540), max_minutes=Minutes(1199), source=TEST_SOURCE)


def test_builtin_rules_satisfy_the_rule_protocol() -> None:
    """Every built-in rule is a Rule."""
    assert isinstance(HOURS, Rule)


@pytest.mark.parametrize(
    "make",
    [
        lambda: WeeklyHoursRule(id="h", source=TEST_SOURCE),
        lambda: WeeklyHoursRule(id="h", min_minutes=Minutes(10), max_minutes=Minutes(5), source=TEST_SOURCE),
        lambda: DaysPerWeekRule(id="d", min_days=8, source=TEST_SOURCE),
        lambda: LengthOfStayRule(id="l", min_days=60, max_days=30, source=TEST_SOURCE),
        lambda: WeeklyHoursRule(kind="other", id="h", min_minutes=Minutes(1), source=TEST_SOURCE),
        lambda: Finding(
            rule_id="r",
            code="c",
            severity=Severity.INFO,
            patient_id="p",
            period=WEEK,
            message="m",
            evidence=(),
            citation=TEST_SOURCE,
        ),
    ],
)
def test_impossible_rules_and_findings_are_rejected(make: object) -> None:
    """Rules without bounds, inverted bounds, a wrong kind and findings without evidence raise InvalidDataError."""
    with pytest.raises(InvalidDataError):
        make()  # type: ignore[operator]


def test_severity_ranks() -> None:
    """Severities rank info < warning < violation < critical."""
    assert [s.rank for s in Severity] == [0, 1, 2, 3]
