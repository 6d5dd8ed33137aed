"""Plan policies: calendar spans, the first plan's deadline, review timing and the built-in policies."""

from __future__ import annotations

import pickle
from datetime import date, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore import strategies as ist
from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.plans import (
    DISTRICT_OF_COLUMBIA_IOP_POLICY,
    ILLINOIS_LEVEL_II_2060_423_POLICY,
    KANSAS_IOP_POLICY,
    MONTANA_LEVEL_2_5_POLICY,
    PENNSYLVANIA_709_123_POLICY,
    PLAN_POLICIES,
    WASHINGTON_IOP_POLICY,
    PlanPolicy,
    PlanStatus,
    Signer,
    Span,
    SpanUnit,
    TreatmentPlan,
    initial_plan_due,
    is_overdue,
    next_review_due,
)
from iopcore.sources import Evidence
from tests.plans.builders import D0, active, plan, signed


def test_span_applies_calendar_arithmetic() -> None:
    """Months clamp at month ends; days and weeks add exactly."""
    assert Span(count=1, unit=SpanUnit.MONTHS).after(date(2026, 1, 31)) == date(2026, 2, 28)
    assert Span(count=1, unit=SpanUnit.MONTHS).after(date(2028, 1, 31)) == date(2028, 2, 29)
    assert Span(count=2, unit=SpanUnit.WEEKS).after(D0) == D0 + timedelta(days=14)
    assert Span(count=7).after(D0) == date(2026, 3, 9)
    assert str(Span(count=7)) == "7 days"
    with pytest.raises(InvalidDataError):
        Span(count=7).after("2026-03-02")  # type: ignore[arg-type]


def test_initial_plan_due_follows_the_policy() -> None:
    """Kansas: plan within 7 days of admission; a policy without a deadline gives None."""
    assert initial_plan_due(D0, KANSAS_IOP_POLICY) == date(2026, 3, 9)
    assert initial_plan_due(D0, PENNSYLVANIA_709_123_POLICY) is None


def test_next_review_and_overdue() -> None:
    """An active plan is due for review one interval after its last review (else its effective date)."""
    p = active(signed(plan()))
    assert next_review_due(p, PENNSYLVANIA_709_123_POLICY) == D0 + timedelta(days=30)
    assert next_review_due(p, MONTANA_LEVEL_2_5_POLICY) == D0 + timedelta(days=14)
    assert next_review_due(p, WASHINGTON_IOP_POLICY) == date(2026, 4, 2)
    assert not is_overdue(p, PENNSYLVANIA_709_123_POLICY, D0 + timedelta(days=30))
    assert is_overdue(p, PENNSYLVANIA_709_123_POLICY, D0 + timedelta(days=31))
    reviewed = attrs.evolve(p, last_reviewed_on=D0 + timedelta(days=25))
    assert next_review_due(reviewed, PENNSYLVANIA_709_123_POLICY) == D0 + timedelta(days=55)
    assert next_review_due(p, KANSAS_IOP_POLICY) is None
    assert next_review_due(plan(), PENNSYLVANIA_709_123_POLICY) is None  # drafts are not reviewed
    assert not is_overdue(plan(), PENNSYLVANIA_709_123_POLICY, date(2030, 1, 1))
    with pytest.raises(InvalidDataError) as info:
        is_overdue(p, PENNSYLVANIA_709_123_POLICY, "today")  # type: ignore[arg-type]
    assert info.value.paths == ("$.today",)


@given(ist.treatment_plans(statuses=(PlanStatus.ACTIVE,)), ist.plan_policies(), st.integers(-400, 400))
def test_overdue_exactly_after_the_due_date(p: TreatmentPlan, policy: PlanPolicy, offset: int) -> None:
    """is_overdue(today) holds iff a review interval exists and today is after review_base + interval."""
    due = next_review_due(p, policy)
    if policy.review_every is None:
        assert due is None
        return
    assert due == policy.review_every.after(p.review_base)
    today = due + timedelta(days=offset)
    assert is_overdue(p, policy, today) is (offset > 0)


def test_built_in_policies_cite_sources_and_flag_unverified_ones() -> None:
    """Every built-in policy has a unique id and a source; DC's and Illinois's are marked unverified."""
    assert len({p.id for p in PLAN_POLICIES}) == len(PLAN_POLICIES)
    assert all(p.source.citation for p in PLAN_POLICIES)
    assert DISTRICT_OF_COLUMBIA_IOP_POLICY.source.evidence is Evidence.UNVERIFIED
    assert ILLINOIS_LEVEL_II_2060_423_POLICY.source.evidence is Evidence.UNVERIFIED
    assert KANSAS_IOP_POLICY.required_signers == frozenset({Signer.PATIENT, Signer.CLINICIAN})
    assert KANSAS_IOP_POLICY.initial_plan_within == Span(count=7)


# ----------------------------------------------------------------------------- the guarded boundary

AT_NINE = datetime(2026, 4, 1, 9)  # noqa: DTZ001 - a datetime passes isinstance(x, date): refused all the same


def test_review_timing_refuses_wrong_arguments_by_name() -> None:
    """A policy named by a string, a datetime for a date, and a non-plan are refused before any work."""
    p = active(signed(plan()))
    cases = [
        (lambda: next_review_due(p, policy="kansas"), "$.policy"),  # type: ignore[arg-type]
        (lambda: is_overdue(p, KANSAS_IOP_POLICY, AT_NINE), "$.today"),
        (lambda: is_overdue(p, KANSAS_IOP_POLICY, today="2026-04-01"), "$.today"),  # type: ignore[arg-type]
        (lambda: initial_plan_due(AT_NINE, KANSAS_IOP_POLICY), "$.admitted_on"),
        (lambda: next_review_due("plan", KANSAS_IOP_POLICY), "$.plan"),  # type: ignore[arg-type]
        (lambda: Span(count=7).after(AT_NINE), "$.day"),
    ]
    for call, path in cases:
        with pytest.raises(InvalidArgumentError) as info:
            call()
        assert info.value.paths == (path,)


def test_dates_past_the_end_of_the_calendar_are_errors_not_overflows() -> None:
    """A span that would run past 9999-12-31 names the argument it starts from; nothing is overdue after it."""
    late = date(9999, 12, 20)
    for span in (Span(count=30), Span(count=2, unit=SpanUnit.WEEKS), Span(count=1, unit=SpanUnit.MONTHS)):
        with pytest.raises(InvalidDataError) as info:
            span.after(late)
        assert info.value.paths == ("$.day",) and info.value.errors[0].rule == "range"
    assert Span(count=11).after(late) == date.max
    with pytest.raises(InvalidDataError) as info:
        initial_plan_due(date.max, KANSAS_IOP_POLICY)
    assert info.value.paths == ("$.admitted_on",)
    p = active(signed(plan(written_on=late, objectives=(), interventions=(), goals=()), late), on=late)
    with pytest.raises(InvalidDataError) as info:
        next_review_due(p, PENNSYLVANIA_709_123_POLICY)
    assert info.value.paths == ("$.plan.review_base",)
    assert not is_overdue(p, PENNSYLVANIA_709_123_POLICY, date.max)


def test_policies_pickle_and_hash() -> None:
    """Every built-in policy crosses a process boundary equal to itself and hashes."""
    for policy in PLAN_POLICIES:
        again = pickle.loads(pickle.dumps(policy))
        assert again == policy and hash(again) == hash(policy)
