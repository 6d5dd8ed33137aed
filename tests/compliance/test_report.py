"""Rule sets and evaluation: the acceptance properties, stamping, composition, summaries and HTML."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import iopcore
from iopcore import compliance
from iopcore.compliance import (
    ASAM_2_1_ADOLESCENT_RULES,
    ASAM_2_1_ADULT_RULES,
    GENERIC_IOP_RULES,
    MEDICARE_IOP_RULES,
    RULESETS,
    ComplianceRecords,
    ComplianceReport,
    Finding,
    RuleSet,
    Severity,
    WeeklyHoursRule,
    evaluate,
)
from iopcore.errors import InvalidDataError, UnknownCodeError
from iopcore.sources import Evidence
from iopcore.times import DateRange, Minutes
from tests.builders import FULL, MONDAY, TEST_SOURCE, admission, drug_test, episodes, session


def _days(n: int) -> date:
    return MONDAY + timedelta(days=n)


@settings(max_examples=40, deadline=None)
@given(episodes(), st.integers(0, 6), st.sampled_from([30, 60, 180]), st.randoms(use_true_random=False))
def test_adding_an_attended_session_never_adds_an_hours_below_finding(
    data: tuple[ComplianceRecords, date], offset: int, minutes: int, rnd: object
) -> None:
    """An extra attended session never adds an "hours below minimum" finding for its week."""
    records, as_of = data
    day = _days(7 * 2 + offset)
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
        [admission(), session("a", MONDAY, minutes - 300), session("b", _days(2), 300), drug_test("t", MONDAY)]
    )
    report = evaluate(ASAM_2_1_ADULT_RULES, records, _days(6))
    below = [f for f in report.findings if f.code == "hours_below_minimum"]
    assert len(below) == (1 if minutes == 539 else 0)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2000))
def test_hours_boundary_property(minutes: int) -> None:
    """For any weekly total, a finding appears exactly when the total is below 540 minutes."""
    records = ComplianceRecords.of([admission(), session("a", MONDAY, max(minutes, 1))] if minutes else [admission()])
    rule = WeeklyHoursRule(id="h", min_minutes=Minutes(540), source=TEST_SOURCE)
    findings = rule.evaluate(records, DateRange.of_days(MONDAY, 7), _days(6))
    assert bool(findings) == (max(minutes, 1) < 540 if minutes else True)


def test_report_is_stamped_and_summarised() -> None:
    """A report carries the rule set's name and version and a weekly summary of hours, days and tests."""
    records = ComplianceRecords.of(
        [admission(), session("a", MONDAY, 180), session("b", _days(1), 200), drug_test("t", _days(1))]
    )
    report = evaluate(MEDICARE_IOP_RULES, records, _days(6))
    assert (report.ruleset_name, report.ruleset_version) == ("MEDICARE_IOP_RULES", "2026.1")
    (week,) = report.weeks
    assert (week.attended_minutes, week.days_attended, week.tests_collected, week.assessed_days) == (
        Minutes(380),
        2,
        1,
        7,
    )
    assert report.period == DateRange(first=MONDAY, last=_days(6))
    assert not report.passed
    assert (
        report.counts()[Severity.VIOLATION]
        == len(report.with_severity(Severity.VIOLATION)) - report.counts()[Severity.CRITICAL]
    )
    html = report._repr_html_()
    assert "<table>" in html and "MEDICARE_IOP_RULES" in html and "hours_below_minimum" in html


def test_records_without_admission_get_an_info_finding() -> None:
    """A patient with records but no admission is reported once, citing their records."""
    report = evaluate(GENERIC_IOP_RULES, ComplianceRecords.of([session("a", MONDAY, 30, pid="x")]), _days(6))
    no_adm = [f for f in report.findings if f.code == "no_admission"]
    assert [f.evidence for f in no_adm] == [("a",)]
    assert report.passed


def test_empty_records_give_an_empty_report() -> None:
    """No records, no findings; the period defaults to as_of."""
    report = evaluate(GENERIC_IOP_RULES, ComplianceRecords(), _days(6))
    assert report.findings == () and report.period == DateRange.of_days(_days(6), 1)


def test_evaluate_rejects_bad_arguments_with_paths() -> None:
    """Wrong argument types are all reported at once with their paths; nothing is returned."""
    with pytest.raises(InvalidDataError) as info:
        evaluate("set", [], "today", period="p", extra_rules=[1])  # type: ignore[arg-type]
    assert set(info.value.paths) == {"$.ruleset", "$.records", "$.as_of", "$.period", "$.extra_rules[0]"}


def test_extra_rules_run_and_must_not_reuse_an_id() -> None:
    """Extra rules are evaluated with the set; an extra rule reusing a set's rule id is rejected."""
    extra = WeeklyHoursRule(id="extra_hours", min_minutes=Minutes(6000), source=TEST_SOURCE)
    records = ComplianceRecords.of([admission(), session("a", MONDAY, 600), drug_test("t", MONDAY)])
    report = evaluate(ASAM_2_1_ADULT_RULES, records, _days(6), extra_rules=[extra])
    assert "extra_hours" in {f.rule_id for f in report.findings}
    with pytest.raises(InvalidDataError):
        evaluate(ASAM_2_1_ADULT_RULES, records, _days(6), extra_rules=[attrs.evolve(extra, id="weekly_hours")])


def test_rule_sets_compose_and_override() -> None:
    """with_rules replaces by id, override changes one field, without drops a rule, compose merges in order."""
    changed = ASAM_2_1_ADULT_RULES.override("weekly_hours", min_minutes=Minutes(600), version="local-1")
    assert changed.rule("weekly_hours").min_minutes == Minutes(600)  # type: ignore[union-attr]
    assert changed.version == "local-1" and changed.name == "ASAM_2_1_ADULT_RULES"
    assert ASAM_2_1_ADULT_RULES.rule("weekly_hours").min_minutes == Minutes(540)  # type: ignore[union-attr]
    smaller = ASAM_2_1_ADULT_RULES.without("missed_tests")
    assert "missed_tests" not in smaller.rule_ids
    merged = RuleSet.compose(ASAM_2_1_ADULT_RULES, MEDICARE_IOP_RULES, name="both", version="1")
    assert merged.rule("weekly_hours") == MEDICARE_IOP_RULES.rule("weekly_hours")
    assert set(merged.rule_ids) == set(ASAM_2_1_ADULT_RULES.rule_ids) | set(MEDICARE_IOP_RULES.rule_ids)
    with pytest.raises(UnknownCodeError):
        ASAM_2_1_ADULT_RULES.rule("nope")
    with pytest.raises(InvalidDataError) as info:
        RuleSet(name="x", version="1", rules=(ASAM_2_1_ADULT_RULES.rules[0], ASAM_2_1_ADULT_RULES.rules[0]))
    assert info.value.paths == ("$.rules[1]",)


def test_builtin_rule_sets_cite_every_rule_and_flag_unverified_parts() -> None:
    """Every rule in every built-in set has a source; Medicare's certification rule notes what is unverified."""
    assert set(RULESETS) == {
        "GENERIC_IOP_RULES",
        "ASAM_2_1_ADULT_RULES",
        "ASAM_2_1_ADOLESCENT_RULES",
        "MEDICARE_IOP_RULES",
        "KANSAS_IOP_ADULT_RULES",
        "DISTRICT_OF_COLUMBIA_IOP_RULES",
    }
    for ruleset in RULESETS.values():
        for rule in ruleset.rules:
            assert rule.source.citation
    cert = MEDICARE_IOP_RULES.rule("certification")
    assert cert.source.evidence is Evidence.SECONDARY and "Unverified" in cert.source.note
    assert ASAM_2_1_ADOLESCENT_RULES.rule("weekly_hours").min_minutes == Minutes(360)  # type: ignore[union-attr]
    assert RULESETS["KANSAS_IOP_ADULT_RULES"].rule("plan_review").source.evidence is Evidence.UNVERIFIED
    assert RULESETS["DISTRICT_OF_COLUMBIA_IOP_RULES"].rule("length_of_stay").max_days == 60  # type: ignore[union-attr]


def test_rule_sets_are_not_exported_at_top_level() -> None:
    """iopcore.GENERIC_IOP is the level catalog; the rule set is compliance.GENERIC_IOP_RULES, a different name."""
    assert iopcore.GENERIC_IOP is not compliance.GENERIC_IOP_RULES
    assert not hasattr(compliance, "GENERIC_IOP") and "GENERIC_IOP_RULES" not in iopcore.__all__
    assert "RuleSet" not in iopcore.__all__ or iopcore.RuleSet is RuleSet  # type: ignore[attr-defined]


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
    report = evaluate(ASAM_2_1_ADULT_RULES, records, _days(27), period=DateRange.of_days(MONDAY, 7))
    assert [w.week.first for w in report.weeks] == [MONDAY]
    assert all(f.period.first == MONDAY for f in report.findings)
