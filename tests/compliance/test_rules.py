"""Built-in rules: each finding with its numbers, evidence and citation; weeks, windows and deadlines."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from iopcore.compliance import (
    Analyte,
    AttendanceRateRule,
    AttendanceStatus,
    AuthorizationRule,
    Certification,
    CertificationKind,
    CertificationRule,
    ComplianceRecords,
    ConsecutiveAbsencesRule,
    DaysPerWeekRule,
    DrugTestFrequencyRule,
    DrugTestResultRule,
    DrugTestStatus,
    Finding,
    LengthOfStayRule,
    MedicationAdministration,
    MissedTestRule,
    PayerAuthorization,
    PlanEvent,
    PlanEventKind,
    PlanReviewRule,
    PlanWrittenRule,
    Rule,
    ServicesPerDayRule,
    Severity,
    SpecimenValidity,
    TestResult,
    WeeklyHoursRule,
    WeekPolicy,
)
from iopcore.errors import InvalidDataError
from iopcore.levels import HoursBand
from iopcore.times import DateRange, Minutes
from tests.builders import MONDAY, TEST_SOURCE, admission, at, confirm, drug_test, session

WEEK = DateRange.of_days(MONDAY, 7)
FOUR_WEEKS = DateRange.of_weeks(MONDAY, 4)
HOURS = WeeklyHoursRule(id="hours", min_minutes=Minutes(540), max_minutes=Minutes(1199), source=TEST_SOURCE)


def _bundle(*items: object, closures: tuple[DateRange, ...] = ()) -> ComplianceRecords:
    return ComplianceRecords.of(items, closures=closures)


def _codes(findings: tuple[Finding, ...]) -> list[str]:
    return [f.code for f in findings]


def _days(n: int) -> date:
    return MONDAY + timedelta(days=n)


def test_builtin_rules_satisfy_the_rule_protocol() -> None:
    """Every built-in rule is a Rule."""
    assert isinstance(HOURS, Rule)


def test_exactly_the_minimum_passes_and_one_minute_less_fails() -> None:
    """540 minutes in a full week passes a 9-hour minimum; 539 fails with the shortfall in the message."""
    full = _bundle(admission(), session("a", MONDAY, 270), session("b", _days(2), 270))
    assert HOURS.evaluate(full, WEEK, _days(6)) == ()
    short = _bundle(admission(), session("a", MONDAY, 270), session("b", _days(2), 269))
    (finding,) = HOURS.evaluate(short, WEEK, _days(6))
    assert finding.code == "hours_below_minimum"
    assert finding.evidence == ("a", "b")
    assert "8.98333 h" in finding.message and "short by 1 min" in finding.message
    assert finding.period == WEEK
    assert finding.citation == TEST_SOURCE


def test_hours_above_the_maximum_are_reported_even_in_partial_weeks() -> None:
    """1,200 minutes exceeds a 9–19 h band (max 1,199) even in a partial week."""
    records = _bundle(admission(day=_days(2)), *(session(f"s{i}", _days(2 + i), 300) for i in range(4)))
    findings = HOURS.evaluate(records, WEEK, _days(6))
    assert _codes(findings) == ["hours_above_maximum", "week_not_assessed"]


def test_from_band_uses_the_half_open_band() -> None:
    """A 9–19 h band becomes 540 to 1,199 minutes."""
    rule = WeeklyHoursRule.from_band(HoursBand(min_hours=9, max_hours=20), id="h", source=TEST_SOURCE)
    assert (rule.min_minutes, rule.max_minutes) == (Minutes(540), Minutes(1199))


def test_partial_first_week_is_skipped_with_an_info_finding_or_assessed_by_policy() -> None:
    """Admission on Wednesday: the week is reported as not assessed, or judged when the policy says assess."""
    records = _bundle(admission(day=_days(2)), session("a", _days(2), 60))
    (skipped,) = HOURS.evaluate(records, WEEK, _days(6))
    assert (skipped.code, skipped.severity) == ("week_not_assessed", Severity.INFO)
    assert "5 of 7 days" in skipped.message
    assessing = WeeklyHoursRule(
        id="hours", min_minutes=Minutes(540), partial_weeks=WeekPolicy.ASSESS, source=TEST_SOURCE
    )
    assert _codes(assessing.evaluate(records, WEEK, _days(6))) == ["hours_below_minimum"]


def test_current_week_is_partial_until_it_ends() -> None:
    """A week not over by as_of is partial, so its minimum is not yet judged."""
    records = _bundle(admission(), session("a", MONDAY, 60))
    assert _codes(HOURS.evaluate(records, WEEK, _days(3))) == ["week_not_assessed"]


def test_closure_week_is_handled_explicitly() -> None:
    """A week with a closure day is not assessed by default and judged under the assess policy."""
    records = _bundle(admission(), session("a", MONDAY, 60), closures=(DateRange.of_days(_days(3), 1),))
    (finding,) = HOURS.evaluate(records, WEEK, _days(6))
    assert finding.code == "week_not_assessed" and "closure" in finding.message
    assess = WeeklyHoursRule(id="h", min_minutes=Minutes(540), closure_weeks=WeekPolicy.ASSESS, source=TEST_SOURCE)
    assert _codes(assess.evaluate(records, WEEK, _days(6))) == ["hours_below_minimum"]


def test_a_week_without_sessions_cites_the_admission() -> None:
    """An empty full week is below the minimum and cites the admission record."""
    (finding,) = HOURS.evaluate(_bundle(admission()), WEEK, _days(6))
    assert finding.evidence == ("adm",)
    assert "0 h attended" in finding.message


def test_sessions_outside_the_episode_do_not_count() -> None:
    """Sessions after discharge are ignored by weekly rules."""
    records = _bundle(admission(discharged=_days(1)), session("a", _days(4), 600))
    assert _codes(HOURS.evaluate(records, WEEK, _days(6))) == ["week_not_assessed"]


def test_patients_without_admission_are_not_assessed_weekly() -> None:
    """Without an admission there are no assessed days, so weekly rules report nothing."""
    assert HOURS.evaluate(_bundle(session("a", MONDAY, 10)), WEEK, _days(6)) == ()


def test_days_per_week_band() -> None:
    """Two days in a full week are below a 3–5 days band; six are above it."""
    rule = DaysPerWeekRule(id="days", min_days=3, max_days=5, source=TEST_SOURCE)
    two = _bundle(admission(), session("a", MONDAY), session("b", _days(1)))
    assert _codes(rule.evaluate(two, WEEK, _days(6))) == ["days_below_minimum"]
    six = _bundle(admission(), *(session(f"s{i}", _days(i)) for i in range(6)))
    assert _codes(rule.evaluate(six, WEEK, _days(6))) == ["days_above_maximum"]
    assert _codes(rule.evaluate(_bundle(admission(day=_days(1)), session("a", _days(1))), WEEK, _days(6))) == [
        "week_not_assessed"
    ]


def test_weekly_drug_test_frequency() -> None:
    """A full week without a collected test is flagged; a missed test does not count as collected."""
    rule = DrugTestFrequencyRule(id="tests", source=TEST_SOURCE)
    missed = _bundle(admission(), drug_test("t", MONDAY, status=DrugTestStatus.MISSED))
    (finding,) = rule.evaluate(missed, WEEK, _days(6))
    assert finding.code == "tests_below_weekly_minimum" and finding.evidence == ("adm",)
    ok = _bundle(admission(), drug_test("t", MONDAY))
    assert rule.evaluate(ok, WEEK, _days(6)) == ()
    partial = _bundle(admission(day=_days(3)))
    assert _codes(rule.evaluate(partial, WEEK, _days(6))) == ["week_not_assessed"]


def test_early_window_interval() -> None:
    """In a 10-day early window with a 3-day interval, gaps longer than 3 days are flagged."""
    rule = DrugTestFrequencyRule(id="tests", early_window_days=10, max_interval_days=3, source=TEST_SOURCE)
    records = _bundle(admission(), drug_test("t1", _days(2)), drug_test("t2", _days(7)))
    findings = [f for f in rule.evaluate(records, FOUR_WEEKS, _days(27)) if f.code == "test_interval_exceeded"]
    assert [(f.evidence, f.period.first) for f in findings] == [(("t1", "t2"), _days(2))]
    assert "5 days without a drug test" in findings[0].message
    late = DrugTestFrequencyRule(id="tests", early_window_days=10, source=TEST_SOURCE)
    ending = late.evaluate(_bundle(admission(), drug_test("t1", _days(1))), FOUR_WEEKS, _days(27))
    assert [f.evidence for f in ending if f.code == "test_interval_exceeded"] == [("t1",)]
    before = _bundle(admission(day=_days(20)))
    assert [f for f in late.evaluate(before, WEEK, _days(27)) if f.code == "test_interval_exceeded"] == []
    discharged = _bundle(admission(discharged=_days(2)), drug_test("t1", _days(1)))
    assert [f for f in late.evaluate(discharged, FOUR_WEEKS, _days(27)) if f.code == "test_interval_exceeded"] == []


def test_attendance_rate_window() -> None:
    """Attending 1 of 3 non-excused sessions in the window is below 80 %; excused sessions are left out."""
    rule = AttendanceRateRule(id="rate", window_days=7, min_rate=0.8, source=TEST_SOURCE)
    records = _bundle(
        session("a", MONDAY),
        session("b", _days(1), status=AttendanceStatus.ABSENT),
        session("c", _days(2), status=AttendanceStatus.ABSENT),
        session("d", _days(3), status=AttendanceStatus.EXCUSED),
        session("old", _days(-10), status=AttendanceStatus.ABSENT),
    )
    (finding,) = rule.evaluate(records, DateRange(first=_days(-20), last=_days(6)), _days(6))
    assert finding.evidence == ("b", "c")
    assert "1 of 3" in finding.message and "33%" in finding.message
    assert rule.evaluate(_bundle(session("a", MONDAY)), WEEK, _days(6)) == ()
    assert rule.evaluate(records, DateRange.of_days(_days(10), 1), _days(6)) == ()
    assert rule.evaluate(_bundle(session("x", MONDAY, status=AttendanceStatus.EXCUSED)), WEEK, _days(6)) == ()


def test_consecutive_unexcused_absences() -> None:
    """Two absences in a row reach a limit of 2; an excused absence neither counts nor breaks the run."""
    rule = ConsecutiveAbsencesRule(id="abs", limit=2, source=TEST_SOURCE)
    records = _bundle(
        session("a", MONDAY, status=AttendanceStatus.ABSENT),
        session("b", _days(1), status=AttendanceStatus.EXCUSED),
        session("c", _days(2), status=AttendanceStatus.ABSENT),
        session("d", _days(3)),
        session("e", _days(4), status=AttendanceStatus.ABSENT),
    )
    (finding,) = rule.evaluate(records, WEEK, _days(6))
    assert finding.evidence == ("a", "c")
    assert finding.period == DateRange(first=MONDAY, last=_days(2))


@pytest.mark.parametrize("count_as_positive", [False, True])
def test_missed_and_refused_tests(count_as_positive: bool) -> None:
    """Missed and refused tests are findings; the policy shows in the message."""
    rule = MissedTestRule(id="missed", count_as_positive=count_as_positive, source=TEST_SOURCE)
    records = _bundle(
        drug_test("m", MONDAY, status=DrugTestStatus.MISSED),
        drug_test("r", _days(1), status=DrugTestStatus.REFUSED),
        drug_test("ok", _days(2)),
        drug_test("later", _days(9), status=DrugTestStatus.MISSED),
    )
    findings = rule.evaluate(records, WEEK, _days(6))
    assert _codes(findings) == ["missed_test", "refused_test"]
    assert ("counted as positive" in findings[0].message) is count_as_positive


def test_drug_test_results_and_expected_positives() -> None:
    """Positive, dilute and substituted results are reported; a missing expected buprenorphine is flagged."""
    rule = DrugTestResultRule(id="results", expected_window_hours=48, source=TEST_SOURCE)
    dilute = SpecimenValidity(creatinine_mg_dl=10, specific_gravity=1.002)
    records = _bundle(
        drug_test("pos", MONDAY, results=(confirm(Analyte.THCA, 20),)),
        drug_test("dil", _days(1), validity=dilute),
        drug_test("sub", _days(2), validity=SpecimenValidity(creatinine_mg_dl=1, specific_gravity=1.0)),
        drug_test("neg", _days(3)),
        MedicationAdministration(
            id="med",
            patient_id="p1",
            medication="buprenorphine",
            administered_at=at(_days(3), 8),
            expected_analytes=frozenset({Analyte.BUPRENORPHINE}),
        ),
    )
    findings = rule.evaluate(records, WEEK, _days(6))
    assert [(f.code, f.severity, f.evidence) for f in findings] == [
        ("test_positive", Severity.WARNING, ("pos",)),
        ("test_negative_dilute", Severity.INFO, ("dil",)),
        ("test_substituted", Severity.VIOLATION, ("sub",)),
        ("expected_positive_missing", Severity.WARNING, ("neg", "med")),
    ]
    assert "thca 20 ng/mL ≥ 15" in findings[0].message
    assert "40.88" in findings[2].message
    quiet = DrugTestResultRule(id="results", severities={TestResult.SUBSTITUTED: Severity.CRITICAL}, source=TEST_SOURCE)
    assert [(f.code, f.severity) for f in quiet.evaluate(records, WEEK, _days(6))] == [
        ("test_substituted", Severity.CRITICAL)
    ]


def test_plan_written_within_deadline() -> None:
    """Kansas-style 7 days: on day 7 passes, day 8 is late, none by day 8 is missing, day 5 with none is pending."""
    rule = PlanWrittenRule(id="plan", within_days=7, source=TEST_SOURCE)

    def plan(day: int, kind: PlanEventKind = PlanEventKind.CREATED) -> PlanEvent:
        return PlanEvent(id=f"e{day}", patient_id="p1", plan_id="x", kind=kind, occurred_at=at(_days(day), 12))

    period = DateRange(first=MONDAY, last=_days(30))
    assert rule.evaluate(_bundle(admission(), plan(7)), period, _days(30)) == ()
    (late,) = rule.evaluate(_bundle(admission(), plan(8)), period, _days(30))
    assert (late.code, late.evidence) == ("plan_late", ("adm", "e8"))
    assert "8 days after admission" in late.message
    (missing,) = rule.evaluate(_bundle(admission(), plan(3, PlanEventKind.SIGNED)), period, _days(8))
    assert (missing.code, missing.evidence) == ("plan_missing", ("adm",))
    assert rule.evaluate(_bundle(admission()), period, _days(5)) == ()


def test_plan_review_overdue() -> None:
    """With a 30-day interval, a review 31 days after the plan and a stretch to as_of are both flagged."""
    rule = PlanReviewRule(id="review", interval_days=30, source=TEST_SOURCE)
    events = [
        PlanEvent(id="c", patient_id="p1", plan_id="x", kind=PlanEventKind.CREATED, occurred_at=at(_days(1))),
        PlanEvent(id="r1", patient_id="p1", plan_id="x", kind=PlanEventKind.REVIEWED, occurred_at=at(_days(31))),
        PlanEvent(id="r2", patient_id="p1", plan_id="x", kind=PlanEventKind.REVIEWED, occurred_at=at(_days(62))),
    ]
    period = DateRange(first=MONDAY, last=_days(120))
    findings = rule.evaluate(_bundle(admission(), *events), period, _days(100))
    assert [(f.evidence, f.period.first) for f in findings] == [(("r1",), _days(62)), (("r2",), _days(93))]
    assert "31 days without a plan review" in findings[0].message
    assert rule.evaluate(_bundle(admission(), *events), DateRange.of_days(MONDAY, 10), _days(100)) == ()


def test_certification_and_recertification() -> None:
    """No certification is flagged; a 61-day gap with a 60-day interval is an overdue recertification."""
    rule = CertificationRule(id="cert", recertify_every_days=60, source=TEST_SOURCE)
    period = DateRange(first=MONDAY, last=_days(200))
    (missing,) = rule.evaluate(_bundle(admission()), period, _days(10))
    assert (missing.code, missing.evidence) == ("certification_missing", ("adm",))
    certs = (
        Certification(id="c0", patient_id="p1", kind=CertificationKind.CERTIFICATION, signed_on=MONDAY),
        Certification(id="c1", patient_id="p1", kind=CertificationKind.RECERTIFICATION, signed_on=_days(60)),
        Certification(id="c2", patient_id="p1", kind=CertificationKind.RECERTIFICATION, signed_on=_days(121)),
    )
    findings = rule.evaluate(_bundle(admission(), *certs), period, _days(130))
    assert [(f.code, f.evidence) for f in findings] == [("recertification_overdue", ("c1",))]
    timed = CertificationRule(id="cert", recertify_every_days=60, certify_within_days=5, source=TEST_SOURCE)
    assert timed.evaluate(_bundle(admission()), period, _days(5)) == ()
    assert _codes(timed.evaluate(_bundle(admission()), period, _days(6))) == ["certification_missing"]
    assert rule.evaluate(_bundle(admission(), *certs), DateRange.of_days(MONDAY, 5), _days(130)) == ()


def test_services_beyond_or_without_authorization() -> None:
    """Two authorized services: the third is beyond the authorization; a service outside its dates is uncovered."""
    rule = AuthorizationRule(id="auth", source=TEST_SOURCE)
    auth = PayerAuthorization(
        id="z", patient_id="p1", payer="Payer", dates=DateRange.of_days(MONDAY, 5), authorized_services=2
    )
    records = _bundle(auth, *(session(f"s{i}", _days(i)) for i in range(3)), session("s9", _days(6)))
    findings = rule.evaluate(records, WEEK, _days(6))
    assert [(f.code, f.evidence) for f in findings] == [
        ("services_beyond_authorization", ("s2", "z")),
        ("service_without_authorization", ("s9",)),
    ]


def test_length_of_stay_bounds() -> None:
    """DC-style 30–60 days: an open episode at 61 days is above; a discharge after 29 days is below."""
    rule = LengthOfStayRule(id="los", min_days=30, max_days=60, source=TEST_SOURCE)
    period = DateRange(first=MONDAY, last=_days(100))
    (above,) = rule.evaluate(_bundle(admission()), period, _days(61))
    assert above.code == "stay_above_maximum" and "open for 61 days" in above.message
    assert rule.evaluate(_bundle(admission()), period, _days(60)) == ()
    (below,) = rule.evaluate(_bundle(admission(discharged=_days(29))), period, _days(61))
    assert below.code == "stay_below_minimum"
    assert rule.evaluate(_bundle(admission(discharged=_days(30))), period, _days(61)) == ()


def test_services_per_treatment_day() -> None:
    """A day with 2 services is below Medicare's 3-service tier; a day with 3 passes."""
    rule = ServicesPerDayRule(id="spd", min_services=3, source=TEST_SOURCE)
    records = _bundle(
        session("a", MONDAY, hour=9),
        session("b", MONDAY, hour=11),
        *(session(f"t{i}", _days(1), hour=9 + i) for i in range(3)),
        session("x", _days(2), status=AttendanceStatus.ABSENT),
    )
    (finding,) = rule.evaluate(records, WEEK, _days(6))
    assert (finding.evidence, finding.period) == (("a", "b"), WEEK)
    assert "2026-01-05 (2)" in finding.message
    tiered = ServicesPerDayRule(id="spd", min_services=3, upper_tier_at=4, source=TEST_SOURCE)
    more = _bundle(*records.attendance, session("u", _days(1), hour=20))
    tiers = [f for f in tiered.evaluate(more, WEEK, _days(6)) if f.code == "service_day_tiers"]
    assert [(f.severity, f.message) for f in tiers] == [
        (Severity.INFO, "Week of 2026-01-05: 0 day(s) with 3 services, 1 day(s) with 4 or more.")
    ]
    wide = ServicesPerDayRule(id="spd", min_services=2, upper_tier_at=4, source=TEST_SOURCE)
    assert "2 day(s) with 2–3 services" in wide.evaluate(records, WEEK, _days(6))[0].message
    with pytest.raises(InvalidDataError):
        ServicesPerDayRule(id="spd", min_services=3, upper_tier_at=3, source=TEST_SOURCE)


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


def test_a_readmission_week_counts_only_episode_days() -> None:
    """Discharged Tuesday and readmitted Thursday: Wednesday is outside both episodes, so the week is partial."""
    records = _bundle(
        admission("a1", day=_days(-7), discharged=_days(1)),
        admission("a2", day=_days(3)),
        session("s", _days(2), 600),
    )
    (finding,) = HOURS.evaluate(records, WEEK, _days(6))
    assert finding.code == "week_not_assessed" and "6 of 7 days" in finding.message
    assert finding.evidence == ("a1", "a2")
