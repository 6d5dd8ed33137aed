"""Plan histories as compliance records: plan_events, and the agreement with the compliance plan rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.compliance import (
    ComplianceRecords,
    PlanEventKind,
    PlanReviewRule,
    PlanWrittenRule,
    RuleSet,
    evaluate,
)
from iopcore.episodes import (
    admission_record,
)
from iopcore.errors import InvalidDataError
from iopcore.plans import (
    PlanHistory,
    PlanPolicy,
    PlanStatus,
    Signature,
    Signer,
    Span,
    SpanUnit,
    TreatmentPlan,
    initial_plan_due,
    is_overdue,
    next_review_due,
    plan_events,
    record_review,
    revise,
)
from iopcore.sources import Evidence, Source
from iopcore.times import DateRange
from tests.episodes.builders import episode_from

SRC = Source(citation="test", evidence=Evidence.ILLUSTRATIVE)


EASTERN = timezone(timedelta(hours=-5))


def active_plan(written: date, effective: date | None = None) -> TreatmentPlan:
    return TreatmentPlan(
        id="plan_17",
        patient_id="p-17",
        status=PlanStatus.ACTIVE,
        written_on=written,
        effective_on=effective or written,
        signatures=(
            Signature(signer=Signer.PATIENT, signed_on=written),
            Signature(signer=Signer.CLINICIAN, signed_on=written),
        ),
    )


def successor(plan: TreatmentPlan, on: date) -> TreatmentPlan:
    return attrs.evolve(
        plan,
        status=PlanStatus.DRAFT,
        effective_on=None,
        written_on=on,
        signatures=tuple(attrs.evolve(s, signed_on=on) for s in plan.signatures),
    )


def test_plan_events_list_creation_signatures_reviews_and_revisions_in_date_order() -> None:
    """A plan written, signed, reviewed and revised becomes created, signed and reviewed events, by date then id."""
    plan = active_plan(date(2026, 3, 5))
    history = record_review(PlanHistory.start(plan), on=date(2026, 4, 1))
    history = revise(history, successor(plan, date(2026, 4, 20)), on=date(2026, 4, 20))
    events = plan_events(history, tz=UTC)
    assert [(e.occurred_at.date().isoformat(), e.kind.value, e.id) for e in events] == [
        ("2026-03-05", "created", "plan_17.v1.created"),
        ("2026-03-05", "signed", "plan_17.v1.signed.clinician"),
        ("2026-03-05", "signed", "plan_17.v1.signed.patient"),
        ("2026-04-01", "reviewed", "plan_17.v1.reviewed"),
        ("2026-04-20", "reviewed", "plan_17.v2.effective"),
        ("2026-04-20", "signed", "plan_17.v2.signed.clinician"),
        ("2026-04-20", "signed", "plan_17.v2.signed.patient"),
    ]
    assert {(e.patient_id, e.plan_id) for e in events} == {("p-17", "plan_17")}


def test_a_first_version_taking_effect_later_starts_the_review_clock_then() -> None:
    """Version 1 effective after it was written gives a ``reviewed`` event on its effective date."""
    history = PlanHistory.start(active_plan(date(2026, 3, 5), effective=date(2026, 3, 9)))
    kinds = [(e.id, e.kind) for e in plan_events(history, tz=UTC) if e.kind is not PlanEventKind.SIGNED]
    assert kinds == [("plan_17.v1.created", PlanEventKind.CREATED), ("plan_17.v1.effective", PlanEventKind.REVIEWED)]


def test_events_happen_at_the_given_time_in_the_given_zone() -> None:
    """*at* and *tz* place each event; its date stays the plan's date in that zone."""
    (created, *_) = plan_events(PlanHistory.start(active_plan(date(2026, 3, 5))), tz=EASTERN, at=time(9, 30))
    assert created.occurred_at == datetime(2026, 3, 5, 9, 30, tzinfo=EASTERN)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"history": "nope", "tz": UTC}, "$.history"),
        ({"tz": "UTC"}, "$.tz"),
        ({"tz": UTC, "at": time(9, tzinfo=UTC)}, "$.at"),
        ({"tz": UTC, "at": "09:00"}, "$.at"),
    ],
)
def test_plan_events_reject_bad_arguments(kwargs: dict[str, Any], path: str) -> None:
    """A non-history, a non-tzinfo zone and an aware or non-time *at* are rejected at their names."""
    history = kwargs.pop("history", PlanHistory.start(active_plan(date(2026, 3, 5))))
    with pytest.raises(InvalidDataError) as info:
        plan_events(history, **kwargs)
    assert info.value.paths == (path,)


@st.composite
def timelines(draw: st.DrawFn) -> tuple[date, PlanHistory, date, PlanPolicy]:
    """An admission, a history built by start/record_review/revise in date order, an as-of date and a policy."""
    admitted = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)))
    written = admitted + timedelta(days=draw(st.integers(0, 20)))
    plan = active_plan(written, effective=written + timedelta(days=draw(st.integers(0, 5))))
    history = PlanHistory.start(plan)
    cursor = plan.effective_on
    assert cursor is not None
    for _ in range(draw(st.integers(0, 4))):
        cursor += timedelta(days=draw(st.integers(1, 60)))
        if draw(st.booleans()):
            history = record_review(history, on=cursor)
        else:
            history = revise(history, successor(plan, cursor), on=cursor)
    as_of = cursor + timedelta(days=draw(st.integers(0, 90)))
    unit = draw(st.sampled_from((SpanUnit.DAYS, SpanUnit.WEEKS)))
    policy = PlanPolicy(
        id="generated",
        name="Generated",
        initial_plan_within=Span(count=draw(st.integers(0, 15)), unit=unit),
        review_every=Span(count=draw(st.integers(1, 8 if unit is SpanUnit.WEEKS else 60)), unit=unit),
        source=SRC,
    )
    return admitted, history, as_of, policy


def _days(span: Span | None) -> int:
    assert span is not None
    return span.count * (7 if span.unit is SpanUnit.WEEKS else 1)


@settings(max_examples=60)
@given(timeline=timelines(), tz=st.sampled_from((UTC, EASTERN)))
def test_compliance_rules_agree_with_the_plans_own_timing(
    timeline: tuple[date, PlanHistory, date, PlanPolicy], tz: timezone
) -> None:
    """Adapted records evaluated by PlanReviewRule and PlanWrittenRule agree with is_overdue and initial_plan_due.

    The overlap: day or week spans, histories built in date order by the plan
    operations, an admission on or before the first plan, as-of on or after the
    latest review base. Overdue by the plan ⇔ a ``review_overdue`` finding that
    starts the day after ``next_review_due`` and runs to as-of; the first plan
    written after ``initial_plan_due`` ⇔ a ``plan_late`` finding.
    """
    admitted, history, as_of, policy = timeline
    records = ComplianceRecords(
        admissions=(admission_record(episode_from(admitted), tz=tz),),
        plan_events=plan_events(history, tz=tz),
    )
    period = DateRange(first=admitted, last=as_of)
    review = PlanReviewRule(id="review", interval_days=_days(policy.review_every), source=SRC)
    found = review.evaluate(records, period, as_of)
    due = next_review_due(history.latest, policy)
    assert due is not None
    by_rule = any(
        f.code == "review_overdue" and f.period.first == due + timedelta(days=1) and f.period.last == as_of
        for f in found
    )
    assert by_rule == is_overdue(history.latest, policy, as_of)

    written = PlanWrittenRule(id="written", within_days=_days(policy.initial_plan_within), source=SRC)
    late = [f.code for f in written.evaluate(records, period, as_of)]
    deadline = initial_plan_due(admitted, policy)
    assert deadline is not None
    assert late == (["plan_late"] if history.versions[0].written_on > deadline else [])


def test_histories_and_episodes_feed_straight_into_evaluate() -> None:
    """A rule set with plan rules evaluates adapted records: a 30-day review missed by 5 days is reported once."""
    ep = episode_from(date(2026, 3, 2))
    history = PlanHistory.start(active_plan(date(2026, 3, 5)))
    records = ComplianceRecords(admissions=(admission_record(ep, tz=UTC),), plan_events=plan_events(history, tz=UTC))
    rules = RuleSet(
        name="Test plans",
        version="1",
        rules=(
            PlanWrittenRule(id="written", within_days=7, source=SRC),
            PlanReviewRule(id="review", interval_days=30, source=SRC),
        ),
    )
    report = evaluate(rules, records, date(2026, 4, 9))
    assert [(f.rule_id, f.code, f.period.first) for f in report.findings] == [
        ("review", "review_overdue", date(2026, 4, 5))
    ]
