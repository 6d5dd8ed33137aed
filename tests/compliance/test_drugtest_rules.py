"""Drug-test rules: weekly collection and the early interval, missed and refused tests, results and expected positives."""

from __future__ import annotations

import pytest

from iopcore.compliance import (
    Analyte,
    DrugTestFrequencyRule,
    DrugTestResultRule,
    DrugTestStatus,
    MedicationAdministration,
    MissedTestRule,
    Severity,
    SpecimenValidity,
    TestResult,
)
from iopcore.times import DateRange
from tests.builders import MONDAY, TEST_SOURCE, admission, at, bundle, codes, confirm, drug_test, nth_day

WEEK = DateRange.of_days(MONDAY, 7)


FOUR_WEEKS = DateRange.of_weeks(MONDAY, 4)


def test_weekly_drug_test_frequency() -> None:
    """A full week without a collected test is flagged; a missed test does not count as collected."""
    rule = DrugTestFrequencyRule(id="tests", source=TEST_SOURCE)
    missed = bundle(admission(), drug_test("t", MONDAY, status=DrugTestStatus.MISSED))
    (finding,) = rule.evaluate(missed, WEEK, nth_day(6))
    assert finding.code == "tests_below_weekly_minimum" and finding.evidence == ("adm",)
    ok = bundle(admission(), drug_test("t", MONDAY))
    assert rule.evaluate(ok, WEEK, nth_day(6)) == ()
    partial = bundle(admission(day=nth_day(3)))
    assert codes(rule.evaluate(partial, WEEK, nth_day(6))) == ["week_not_assessed"]


def test_early_window_interval() -> None:
    """In a 10-day early window with a 3-day interval, gaps longer than 3 days are flagged."""
    rule = DrugTestFrequencyRule(id="tests", early_window_days=10, max_interval_days=3, source=TEST_SOURCE)
    records = bundle(admission(), drug_test("t1", nth_day(2)), drug_test("t2", nth_day(7)))
    findings = [f for f in rule.evaluate(records, FOUR_WEEKS, nth_day(27)) if f.code == "test_interval_exceeded"]
    assert [(f.evidence, f.period.first) for f in findings] == [(("t1", "t2"), nth_day(2))]
    assert "5 days without a drug test" in findings[0].message
    late = DrugTestFrequencyRule(id="tests", early_window_days=10, source=TEST_SOURCE)
    ending = late.evaluate(bundle(admission(), drug_test("t1", nth_day(1))), FOUR_WEEKS, nth_day(27))
    assert [f.evidence for f in ending if f.code == "test_interval_exceeded"] == [("t1",)]
    before = bundle(admission(day=nth_day(20)))
    assert [f for f in late.evaluate(before, WEEK, nth_day(27)) if f.code == "test_interval_exceeded"] == []
    discharged = bundle(admission(discharged=nth_day(2)), drug_test("t1", nth_day(1)))
    assert [f for f in late.evaluate(discharged, FOUR_WEEKS, nth_day(27)) if f.code == "test_interval_exceeded"] == []


@pytest.mark.parametrize("count_as_positive", [False, True])
def test_missed_and_refused_tests(count_as_positive: bool) -> None:
    """Missed and refused tests are findings; the policy shows in the message."""
    rule = MissedTestRule(id="missed", count_as_positive=count_as_positive, source=TEST_SOURCE)
    records = bundle(
        drug_test("m", MONDAY, status=DrugTestStatus.MISSED),
        drug_test("r", nth_day(1), status=DrugTestStatus.REFUSED),
        drug_test("ok", nth_day(2)),
        drug_test("later", nth_day(9), status=DrugTestStatus.MISSED),
    )
    findings = rule.evaluate(records, WEEK, nth_day(6))
    assert codes(findings) == ["missed_test", "refused_test"]
    assert ("counted as positive" in findings[0].message) is count_as_positive


def test_drug_test_results_and_expected_positives() -> None:
    """Positive, dilute and substituted results are reported; a missing expected buprenorphine is flagged."""
    rule = DrugTestResultRule(id="results", expected_window_hours=48, source=TEST_SOURCE)
    dilute = SpecimenValidity(creatinine_mg_dl=10, specific_gravity=1.002)
    records = bundle(
        drug_test("pos", MONDAY, results=(confirm(Analyte.THCA, 20),)),
        drug_test("dil", nth_day(1), validity=dilute),
        drug_test("sub", nth_day(2), validity=SpecimenValidity(creatinine_mg_dl=1, specific_gravity=1.0)),
        drug_test("neg", nth_day(3)),
        MedicationAdministration(
            id="med",
            patient_id="p1",
            medication="buprenorphine",
            administered_at=at(nth_day(3), 8),
            expected_analytes=frozenset({Analyte.BUPRENORPHINE}),
        ),
    )
    findings = rule.evaluate(records, WEEK, nth_day(6))
    assert [(f.code, f.severity, f.evidence) for f in findings] == [
        ("test_positive", Severity.WARNING, ("pos",)),
        ("test_negative_dilute", Severity.INFO, ("dil",)),
        ("test_substituted", Severity.VIOLATION, ("sub",)),
        ("expected_positive_missing", Severity.WARNING, ("neg", "med")),
    ]
    assert "thca 20 ng/mL ≥ 15" in findings[0].message
    assert "40.88" in findings[2].message
    quiet = DrugTestResultRule(id="results", severities={TestResult.SUBSTITUTED: Severity.CRITICAL}, source=TEST_SOURCE)
    assert [(f.code, f.severity) for f in quiet.evaluate(records, WEEK, nth_day(6))] == [
        ("test_substituted", Severity.CRITICAL)
    ]
