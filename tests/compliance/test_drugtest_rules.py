"""Drug-test rules: weekly collection and the early interval, missed and refused tests, results and expected positives."""

from __future__ import annotations

import pytest

from iopcore.compliance import (
    ANALYTES,
    DOT_49_CFR_40_91_ORAL_FLUID,
    EXAMPLE_CLINICAL_URINE_PANEL,
    HHS_2025,
    Analyte,
    AnalyteCutoff,
    AnalyteInfo,
    CutoffPanel,
    DrugTestFrequencyRule,
    DrugTestResultRule,
    DrugTestStatus,
    MedicationAdministration,
    MissedTestRule,
    Prescription,
    Severity,
    SpecimenType,
    SpecimenValidity,
    TestResult,
)
from iopcore.errors import InvalidDataError
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
    """Positive, dilute and substituted results are reported; an expected buprenorphine never measured is not negative."""
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
        ("test_not_evaluated", Severity.WARNING, ("neg",)),
    ]
    assert "buprenorphine not evaluated (expected, not measured)" in findings[3].message
    assert "thca 20 ng/mL ≥ 15" in findings[0].message
    assert "40.88" in findings[2].message
    quiet = DrugTestResultRule(id="results", severities={TestResult.SUBSTITUTED: Severity.CRITICAL}, source=TEST_SOURCE)
    assert [(f.code, f.severity) for f in quiet.evaluate(records, WEEK, nth_day(6))] == [
        ("test_substituted", Severity.CRITICAL)
    ]


def _prescription(rid: str = "rx", days: int = 28) -> Prescription:
    return Prescription(
        id=rid,
        patient_id="p1",
        medication="buprenorphine/naloxone",
        dates=DateRange.of_days(MONDAY, days),
        expected_analytes=frozenset({Analyte.BUPRENORPHINE, Analyte.NORBUPRENORPHINE}),
    )


CLINICAL = DrugTestResultRule(id="results", panel=EXAMPLE_CLINICAL_URINE_PANEL, source=TEST_SOURCE)


def test_prescribed_medications_are_checked_by_default() -> None:
    """With a prescription, a negative buprenorphine is "expected medication not detected"; a positive is explained."""
    missing = (confirm(Analyte.BUPRENORPHINE, 1.99), confirm(Analyte.NORBUPRENORPHINE, 1))
    taking = (confirm(Analyte.BUPRENORPHINE, 2), confirm(Analyte.NORBUPRENORPHINE, 40))
    records = bundle(
        _prescription(),
        drug_test("miss", MONDAY, results=missing),
        drug_test("take", nth_day(1), results=taking),
        drug_test("also", nth_day(2), results=(*taking, confirm(Analyte.FENTANYL, 1))),
    )
    findings = CLINICAL.evaluate(records, WEEK, nth_day(6))
    assert [(f.code, f.severity, f.evidence) for f in findings] == [
        ("expected_medication_not_detected", Severity.WARNING, ("miss", "rx")),
        ("test_positive_explained", Severity.INFO, ("take", "rx")),
        ("test_positive", Severity.WARNING, ("also",)),
    ]
    assert "Expected medication not detected" in findings[0].message and "buprenorphine" in findings[0].message
    assert "explained by the patient's medications, not counted as use" in findings[1].message
    assert "fentanyl 1 ng/mL ≥ 1" in findings[2].message and "buprenorphine 2 ng/mL ≥ 2 (confirmation) explained" in (
        findings[2].message
    )
    after = bundle(_prescription(days=1), drug_test("later", nth_day(1), results=taking))
    assert codes(CLINICAL.evaluate(after, WEEK, nth_day(6))) == ["test_positive"]  # prescription ended: not expected


def test_a_not_evaluated_test_is_a_finding_of_configurable_severity() -> None:
    """EtG against the federal panel is not evaluated, reported as a warning by default and as set otherwise."""
    records = bundle(drug_test("etg", MONDAY, results=(confirm(Analyte.ETHYL_GLUCURONIDE, 5000),)))
    (finding,) = DrugTestResultRule(id="results", source=TEST_SOURCE).evaluate(records, WEEK, nth_day(6))
    assert (finding.code, finding.severity) == ("test_not_evaluated", Severity.WARNING)
    assert "ethyl_glucuronide not evaluated (confirmation: no cut-off)" in finding.message
    strict = DrugTestResultRule(
        id="results", severities={TestResult.NOT_EVALUATED: Severity.VIOLATION}, source=TEST_SOURCE
    )
    assert [f.severity for f in strict.evaluate(records, WEEK, nth_day(6))] == [Severity.VIOLATION]


def test_each_specimen_type_is_read_with_its_panel() -> None:
    """An oral-fluid test uses the oral-fluid panel; without one it is not evaluated."""
    oral = drug_test("oral", MONDAY, results=(confirm(Analyte.THC, 2),), specimen=SpecimenType.ORAL_FLUID)
    both = DrugTestResultRule(id="results", extra_panels=(DOT_49_CFR_40_91_ORAL_FLUID,), source=TEST_SOURCE)
    assert codes(both.evaluate(bundle(oral), WEEK, nth_day(6))) == ["test_positive"]
    urine_only = DrugTestResultRule(id="results", source=TEST_SOURCE)
    (finding,) = urine_only.evaluate(bundle(oral), WEEK, nth_day(6))
    assert finding.code == "test_not_evaluated" and "no oral_fluid panel" in finding.message


def test_result_rule_checks_its_panels_against_its_catalog() -> None:
    """Two panels for one specimen type, or a panel analyte the catalog lacks, are refused with paths."""
    with pytest.raises(InvalidDataError) as info:
        DrugTestResultRule(id="r", extra_panels=(HHS_2025,), source=TEST_SOURCE)
    assert info.value.paths == ("$.extra_panels[0].specimen",)
    own = CutoffPanel(
        id="own", name="own", cutoffs=(AnalyteCutoff(analyte="xylazine", confirm_ng_ml=10),), source=TEST_SOURCE
    )
    with pytest.raises(InvalidDataError) as info:
        DrugTestResultRule(id="r", panel=own, source=TEST_SOURCE)
    assert info.value.paths == ("$.panel.cutoffs[0].analyte",)
    catalog = ANALYTES.with_analytes(AnalyteInfo(code="xylazine", name="Xylazine"), id="lab")
    rule = DrugTestResultRule(id="r", panel=own, catalog=catalog, source=TEST_SOURCE)
    records = bundle(drug_test("x", MONDAY, results=(confirm("xylazine", 12),)))
    assert codes(rule.evaluate(records, WEEK, nth_day(6))) == ["test_positive"]
