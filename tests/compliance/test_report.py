"""Evaluation: the acceptance properties, stamping, summaries, extra rules, HTML, and arguments checked once."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore import compliance
from iopcore._fields import guard
from iopcore.compliance import (
    ASAM_2_1_ADULT_RULES,
    GENERIC_IOP_RULES,
    MEDICARE_IOP_RULES,
    Analyte,
    AttendanceRateRule,
    AttendanceStatus,
    Certification,
    CertificationKind,
    CertificationRule,
    ComplianceRecords,
    ComplianceReport,
    DrugTestFrequencyRule,
    DrugTestResultRule,
    Finding,
    MedicationAdministration,
    PayerAuthorization,
    PlanEvent,
    PlanEventKind,
    PlanWrittenRule,
    RuleSet,
    Severity,
    WeeklyHoursRule,
    evaluate,
)
from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.times import DateRange, Minutes
from tests.builders import (
    FULL,
    MONDAY,
    TEST_SOURCE,
    admission,
    at,
    confirm,
    drug_test,
    episodes,
    nth_day,
    session,
    unstyled,
)


@settings(max_examples=40, deadline=None)
@given(episodes(), st.integers(0, 6), st.sampled_from([30, 60, 180]), st.randoms(use_true_random=False))
def test_adding_an_attended_session_never_adds_an_hours_below_finding(
    data: tuple[ComplianceRecords, date], offset: int, minutes: int, rnd: object
) -> None:
    """An extra attended session never adds an "hours below minimum" finding for its week."""
    records, as_of = data
    day = nth_day(7 * 2 + offset)
    extra = session("extra_session", day, minutes, pid="p0")
    more = attrs.evolve(records, attendance=(*records.attendance, extra))
    week = day - timedelta(days=day.weekday())

    def below(bundle: ComplianceRecords) -> set[tuple[str, str]]:
        return {
            (f.rule_id, f.patient_id)
            for f in evaluate(FULL, bundle, as_of).findings
            if f.code == "hours_below_minimum" and f.period.first == week
        }

    assert below(more) <= below(records)


@settings(max_examples=40, deadline=None)
@given(episodes(), st.randoms(use_true_random=False))
def test_evaluation_is_deterministic_and_independent_of_record_order(
    data: tuple[ComplianceRecords, date], rnd: object
) -> None:
    """Shuffling every kind of record gives the same report."""
    records, as_of = data
    shuffled = {}
    for field in attrs.fields(ComplianceRecords):
        items = list(getattr(records, field.name))
        rnd.shuffle(items)  # type: ignore[attr-defined]
        shuffled[field.name] = tuple(items)
    assert evaluate(FULL, ComplianceRecords(**shuffled), as_of) == evaluate(FULL, records, as_of)


@settings(max_examples=40, deadline=None)
@given(episodes())
def test_every_finding_cites_existing_records(data: tuple[ComplianceRecords, date]) -> None:
    """Every finding cites at least one record and only records of the input; findings are sorted."""
    records, as_of = data
    report = evaluate(FULL, records, as_of)
    ids = records.ids
    for finding in report.findings:
        assert finding.evidence
        assert set(finding.evidence) <= ids
        assert attrs.evolve(finding) == finding  # re-validated: evaluation builds findings without checks
    for week in report.weeks:
        assert attrs.evolve(week) == week
    keys = [(f.period.first, -f.severity.rank) for f in report.findings]
    assert keys == sorted(keys)


@pytest.mark.parametrize("minutes", [539, 540])
def test_a_week_at_exactly_the_minimum_passes_and_one_minute_below_fails(minutes: int) -> None:
    """Under ASAM 2.1 adult, 540 minutes in a full week passes; 539 fails."""
    records = ComplianceRecords.of(
        [admission(), session("a", MONDAY, minutes - 300), session("b", nth_day(2), 300), drug_test("t", MONDAY)]
    )
    report = evaluate(ASAM_2_1_ADULT_RULES, records, nth_day(6))
    below = [f for f in report.findings if f.code == "hours_below_minimum"]
    assert len(below) == (1 if minutes == 539 else 0)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2000))
def test_hours_boundary_property(minutes: int) -> None:
    """For any weekly total, a finding appears exactly when the total is below 540 minutes."""
    records = ComplianceRecords.of([admission(), session("a", MONDAY, max(minutes, 1))] if minutes else [admission()])
    rule = WeeklyHoursRule(id="h", min_minutes=Minutes(540), source=TEST_SOURCE)
    findings = rule.evaluate(records, DateRange.of_days(MONDAY, 7), nth_day(6))
    assert bool(findings) == (max(minutes, 1) < 540 if minutes else True)


def test_report_is_stamped_and_summarised() -> None:
    """A report carries the rule set's name and version and a weekly summary of hours, days and tests."""
    records = ComplianceRecords.of(
        [admission(), session("a", MONDAY, 180), session("b", nth_day(1), 200), drug_test("t", nth_day(1))]
    )
    report = evaluate(MEDICARE_IOP_RULES, records, nth_day(6))
    assert (report.ruleset_name, report.ruleset_version) == ("MEDICARE_IOP_RULES", "2026.1")
    (week,) = report.weeks
    assert (week.attended_minutes, week.days_attended, week.tests_collected, week.assessed_days) == (
        Minutes(380),
        2,
        1,
        7,
    )
    assert report.period == DateRange(first=MONDAY, last=nth_day(6))
    assert not report.passed
    assert (
        report.counts()[Severity.VIOLATION]
        == len(report.with_severity(Severity.VIOLATION)) - report.counts()[Severity.CRITICAL]
    )
    html = report._repr_html_()
    assert "<table" in html and "MEDICARE_IOP_RULES" in html and "hours_below_minimum" in html


def test_records_without_admission_get_an_info_finding() -> None:
    """A patient with records but no admission is reported once, citing their records."""
    report = evaluate(GENERIC_IOP_RULES, ComplianceRecords.of([session("a", MONDAY, 30, pid="x")]), nth_day(6))
    no_adm = [f for f in report.findings if f.code == "no_admission"]
    assert [f.evidence for f in no_adm] == [("a",)]
    assert report.passed


def test_empty_records_give_an_empty_report() -> None:
    """No records, no findings; the period defaults to as_of."""
    report = evaluate(GENERIC_IOP_RULES, ComplianceRecords(), nth_day(6))
    assert report.findings == () and report.period == DateRange.of_days(nth_day(6), 1)


def test_evaluate_rejects_bad_arguments_with_paths() -> None:
    """Wrong argument types are all reported at once with their paths; nothing is returned."""
    with pytest.raises(InvalidDataError) as info:
        evaluate("set", [], "today", period="p", extra_rules=[1])  # type: ignore[arg-type]
    assert set(info.value.paths) == {"$.ruleset", "$.records", "$.as_of", "$.period", "$.extra_rules[0]"}


def test_extra_rules_run_and_must_not_reuse_an_id() -> None:
    """Extra rules are evaluated with the set; an extra rule reusing a set's rule id is rejected."""
    extra = WeeklyHoursRule(id="extra_hours", min_minutes=Minutes(6000), source=TEST_SOURCE)
    records = ComplianceRecords.of([admission(), session("a", MONDAY, 600), drug_test("t", MONDAY)])
    report = evaluate(ASAM_2_1_ADULT_RULES, records, nth_day(6), extra_rules=[extra])
    assert "extra_hours" in {f.rule_id for f in report.findings}
    with pytest.raises(InvalidDataError):
        evaluate(ASAM_2_1_ADULT_RULES, records, nth_day(6), extra_rules=[attrs.evolve(extra, id="weekly_hours")])


def test_findings_sort_by_time_then_severity() -> None:
    """A violation sorts before an info finding on the same day."""
    common = {"patient_id": "p", "message": "m", "evidence": ("a",), "citation": TEST_SOURCE}
    day = DateRange.of_days(MONDAY, 1)
    info = Finding(rule_id="a", code="x", severity=Severity.INFO, period=day, **common)  # type: ignore[arg-type]
    bad = Finding(rule_id="b", code="x", severity=Severity.VIOLATION, period=day, **common)  # type: ignore[arg-type]
    report = ComplianceReport(
        ruleset_name="r",
        ruleset_version="1",
        as_of=MONDAY,
        period=day,
        findings=tuple(sorted([info, bad], key=compliance.finding_sort_key)),
    )
    assert [f.severity for f in report.findings] == [Severity.VIOLATION, Severity.INFO]


def test_an_explicit_period_limits_the_report() -> None:
    """With a period of one week, later weeks are neither summarised nor judged."""
    records = ComplianceRecords.of([admission(), session("a", MONDAY, 600), drug_test("t", MONDAY)])
    report = evaluate(ASAM_2_1_ADULT_RULES, records, nth_day(27), period=DateRange.of_days(MONDAY, 7))
    assert [w.week.first for w in report.weeks] == [MONDAY]
    assert all(f.period.first == MONDAY for f in report.findings)


def test_extra_rule_ids_are_checked_at_their_own_position() -> None:
    """An extra rule reusing a set's id, or another extra rule's, is named by its index among the extras."""
    extra = WeeklyHoursRule(id="extra_hours", min_minutes=Minutes(6000), source=TEST_SOURCE)
    records = ComplianceRecords.of([admission(), session("a", MONDAY, 600)])
    reused = attrs.evolve(extra, id="weekly_hours")
    with pytest.raises(InvalidArgumentError) as info:
        evaluate(ASAM_2_1_ADULT_RULES, records, nth_day(6), extra_rules=[extra, reused, extra])
    assert info.value.paths == ("$.extra_rules[1]", "$.extra_rules[2]")


@attrs.frozen
class _CarelessRule:
    """A user rule whose evaluate returns what it should not."""

    id: str
    result: Any

    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> Any:
        return self.result


@pytest.mark.parametrize("result", [None, "finding", [1], ({"code": "x"},)])
def test_an_extra_rule_must_return_findings(result: Any) -> None:
    """A user rule returning anything but Finding values is named, not left to fail inside the sort."""
    records = ComplianceRecords.of([admission(), session("a", MONDAY, 600)])
    with pytest.raises(InvalidArgumentError) as info:
        evaluate(ASAM_2_1_ADULT_RULES, records, nth_day(6), extra_rules=[_CarelessRule("mine", result)])
    assert info.value.paths == ("$.extra_rules[0]",)


def test_an_extra_rule_may_return_a_list_of_findings() -> None:
    """A user rule's findings may come as a list; they join the report in order."""
    records = ComplianceRecords.of([admission(), session("a", MONDAY, 600)])
    mine = Finding(
        rule_id="mine",
        code="looked",
        severity=Severity.INFO,
        patient_id="p1",
        period=DateRange.of_days(MONDAY, 1),
        message="Looked.",
        evidence=("a",),
        citation=TEST_SOURCE,
    )
    report = evaluate(ASAM_2_1_ADULT_RULES, records, nth_day(6), extra_rules=[_CarelessRule("mine", [mine])])
    assert mine in report.findings


def test_a_datetime_is_not_an_as_of_date() -> None:
    """``as_of`` is a date; a datetime (a subclass of date) is refused."""
    with pytest.raises(InvalidArgumentError) as info:
        evaluate(ASAM_2_1_ADULT_RULES, ComplianceRecords(), datetime(2026, 1, 11, tzinfo=UTC))  # type: ignore[arg-type]
    assert info.value.paths == ("$.as_of",)


def test_report_html_shows_identifiers_only_when_asked() -> None:
    """The notebook view counts evidence records; ``to_html(show_identifiers=True)`` names patients and records."""
    records = ComplianceRecords.of(
        [admission("adm-MRN-77", pid="MRN-77"), session("att-MRN-77", MONDAY, 60, pid="MRN-77")]
    )
    report = evaluate(ASAM_2_1_ADULT_RULES, records, nth_day(6))
    assert report.findings
    for text in (report._repr_html_(), report.to_html(), repr(report), str(report)):
        assert "MRN-77" not in text
    assert "record(s)" in report._repr_html_()
    staff = unstyled(report.to_html(show_identifiers=True))
    assert "MRN-77" in staff and "att-MRN-77" in staff and "<th>Patient</th>" in staff
    with pytest.raises(InvalidArgumentError):
        report.to_html(show_identifiers="yes")  # type: ignore[arg-type]


def _guarded_calls(run: Callable[[], object]) -> int:
    """How many guarded public functions *run* calls (the guard's wrapper, counted by a profiler)."""
    home = guard.__code__.co_filename  # every wrapper guard makes is a function named "guarded" in its module
    calls = 0

    def profile(frame: types.FrameType, event: str, _arg: object) -> None:
        nonlocal calls
        code = frame.f_code
        if event == "call" and code.co_name == "guarded" and code.co_filename == home:
            calls += 1

    sys.setprofile(profile)
    try:
        run()
    finally:
        sys.setprofile(None)
    return calls


def _patients(n: int) -> ComplianceRecords:
    """*n* patients with every kind of record, so that every kind of rule has work."""
    items: list[object] = []
    for p in range(n):
        pid = f"p{p}"
        items += [admission(f"{pid}-adm", pid=pid, discharged=nth_day(40))]
        items += [session(f"{pid}-s{d}", nth_day(d), 120, pid=pid) for d in range(0, 42, 2)]
        items += [session(f"{pid}-x{d}", nth_day(d), pid=pid, status=AttendanceStatus.ABSENT) for d in (7, 9, 11)]
        items += [
            drug_test(f"{pid}-t{d}", nth_day(d), pid=pid, results=(confirm(Analyte.THCA, 20),)) for d in (1, 8, 30)
        ]
        items += [
            MedicationAdministration(
                id=f"{pid}-m",
                patient_id=pid,
                medication="buprenorphine",
                administered_at=at(nth_day(7)),
                expected_analytes=frozenset({Analyte.BUPRENORPHINE}),
            ),
            PlanEvent(
                id=f"{pid}-e", patient_id=pid, plan_id="plan", kind=PlanEventKind.CREATED, occurred_at=at(nth_day(9))
            ),
            PayerAuthorization(
                id=f"{pid}-z",
                patient_id=pid,
                payer="payer",
                dates=DateRange.of_days(MONDAY, 20),
                authorized_services=5,
            ),
            Certification(id=f"{pid}-c", patient_id=pid, kind=CertificationKind.CERTIFICATION, signed_on=nth_day(3)),
        ]
    return ComplianceRecords.of(items, closures=[DateRange.of_days(nth_day(15), 2)])


def test_evaluate_checks_its_arguments_once_not_per_record() -> None:
    """Evaluating 2 or 30 patients under every kind of rule calls the same number of guarded functions.

    The checks happen at the boundary; rules, drug-test readings and weekly summaries
    run on private implementations.
    """
    small, large = _patients(2), _patients(30)
    counts = {n: _guarded_calls(lambda r=r: evaluate(FULL, r, nth_day(50))) for n, r in ((2, small), (30, large))}
    assert evaluate(FULL, large, nth_day(50)).findings  # the rules had work to do
    assert counts[2] == counts[30] == 1  # evaluate itself


def test_the_last_as_of_is_the_calendars_last_complete_iso_week() -> None:
    """Weeks up to 9999-12-26 are judged; a later as_of (its week runs past 9999-12-31) is refused."""
    last = date(9999, 12, 26)
    records = ComplianceRecords.of([admission(day=last - timedelta(days=13)), session("a", last - timedelta(days=3))])
    assert evaluate(FULL, records, last).weeks
    for call in (
        lambda: evaluate(FULL, records, last + timedelta(days=1)),
        lambda: FULL.rule("weekly_hours").evaluate(records, DateRange.of_days(last, 1), date.max),
    ):
        with pytest.raises(InvalidArgumentError) as info:
            call()
        assert info.value.paths == ("$.as_of",)


@pytest.mark.parametrize("days", [10**6, 10**9, 10**12])
def test_thresholds_beyond_the_calendar_mean_deadlines_never_reached(days: int) -> None:
    """Windows and deadlines longer than the calendar never overflow: nothing is due, everything is in the window."""
    records = _patients(2)
    rules = (
        AttendanceRateRule(id="rate", window_days=days, min_rate=0.99, source=TEST_SOURCE),
        CertificationRule(id="cert", recertify_every_days=days, certify_within_days=days, source=TEST_SOURCE),
        DrugTestFrequencyRule(id="freq", early_window_days=days, max_interval_days=days, source=TEST_SOURCE),
        DrugTestResultRule(id="results", expected_window_hours=days, source=TEST_SOURCE),
        PlanWrittenRule(id="plan", within_days=days, source=TEST_SOURCE),
    )
    report = evaluate(RuleSet(name="long", version="1", rules=rules), records, nth_day(50))
    codes = {x.code for x in report.findings}
    assert "attendance_rate_below" in codes  # every absence is in the window
    # every earlier dose is expected (and, never measured, not evaluated)
    assert any("buprenorphine not evaluated (expected, not measured)" in x.message for x in report.findings)
    assert not codes & {"plan_missing", "plan_late", "certification_missing", "recertification_overdue"}
