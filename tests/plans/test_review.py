"""Review triggers: progress calls for a plan review, with reasons carrying their numbers (issue 16, item 3)."""

from __future__ import annotations

import doctest
import pickle
from datetime import timedelta

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.assessment import NHS_TALKING_THERAPIES_CHANGE_CRITERIA, assess_change
from iopcore.compliance import AttendanceStatus, DrugTestStatus, TestResult
from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.levels import HoursBand
from iopcore.plans import (
    DEFAULT_REVIEW_POLICY,
    ProgressState,
    ReviewDecision,
    ReviewTriggerPolicy,
    RuleBasedReviewPolicy,
    Signal,
    _review,
    review_due,
)
from iopcore.strategies import progress_states, review_policies
from tests.builders import MONDAY, TEST_SOURCE, session
from tests.plans.progress_builders import CRITERIA, PID, reading, series, state, week_of_sessions

ONLY = {  # every trigger off; each test turns one on
    "no_improvement_weeks": None,
    "deterioration": False,
    "min_flagged_tests": None,
    "min_weeks_below_band": None,
    "missed_sessions": None,
}


def policy(**kw: object) -> RuleBasedReviewPolicy:
    return RuleBasedReviewPolicy(name="test", source=TEST_SOURCE, **{**ONLY, **kw})  # type: ignore[arg-type]


def change(instrument: str, *points: tuple[int, int]):  # type: ignore[no-untyped-def]
    return assess_change(series(instrument, *points), criteria=CRITERIA[instrument])


# ----------------------------------------------------------------------------- trajectories


@pytest.mark.parametrize(("days", "due"), [(27, False), (28, True), (29, True)])
def test_no_reliable_improvement_is_due_at_n_weeks_not_a_day_before(days: int, due: bool) -> None:
    """GAD-7 from 12 to 10 (within 5.59 points): a review 4 weeks after the baseline, not at 27 days."""
    s = state(as_of_day=days, changes=(change("gad7", (0, 12), (21, 10)),))
    decision = review_due(s, policy=policy(no_improvement_weeks=4))
    assert decision.due is due
    if due:
        (reason,) = decision.reasons
        assert reason.signal is Signal.NO_RELIABLE_IMPROVEMENT
        assert (reason.instrument, reason.value, reason.threshold) == ("gad7", days / 7, 4)
        assert "change -2 points" in reason.explanation and "4 weeks" in reason.explanation


@pytest.mark.parametrize(("latest", "due"), [(6, True), (5, True), (4, False)])
def test_improvement_at_and_just_beyond_the_reliable_change_threshold(latest: int, due: bool) -> None:
    """PHQ-9 10 → 5 is exactly the 5-point threshold (reliable means more): due; 10 → 4 is reliable: not due."""
    s = state(as_of_day=35, changes=(change("phq9", (0, 10), (28, latest)),))
    assert review_due(s, policy=policy(no_improvement_weeks=4)).due is due


def test_reliable_deterioration_is_due_whenever_it_is_seen() -> None:
    """PHQ-9 8 → 14 (6 points beyond the test's 5-point threshold) after one week: a review, with the numbers."""
    s = state(as_of_day=8, changes=(change("phq9", (0, 8), (7, 14)),))
    decision = review_due(s, policy=policy(deterioration=True, no_improvement_weeks=4))
    (reason,) = decision.reasons
    assert (reason.signal, reason.value, reason.threshold) == (Signal.RELIABLE_DETERIORATION, 6, 5)


def test_deterioration_off_still_counts_as_no_reliable_improvement_after_n_weeks() -> None:
    """With the deterioration trigger off, a reliably worse series is not an improvement either."""
    s = state(as_of_day=30, changes=(change("phq9", (0, 8), (7, 14)),))
    decision = review_due(s, policy=policy(no_improvement_weeks=4))
    assert [r.signal for r in decision.reasons] == [Signal.NO_RELIABLE_IMPROVEMENT]


def test_a_trajectory_not_evaluated_is_reported_not_read_as_no_change() -> None:
    """The built-in PHQ-9 criteria carry no reliable-change parameters: not evaluated, so not due, but said."""
    s = state(as_of_day=35, changes=(assess_change(series("phq9", (0, 15), (28, 14))),))
    decision = review_due(s, policy=policy(no_improvement_weeks=4))
    assert not decision.due and not decision.complete
    assert [r.signal for r in decision.not_evaluated] == [Signal.TRAJECTORY_NOT_EVALUATED]
    due = review_due(s, policy=policy(no_improvement_weeks=4, not_evaluated_is_due=True))
    assert due.due and due.reasons == decision.not_evaluated


@pytest.mark.parametrize(("latest", "due"), [(10, True), (9, False), (8, False)])
def test_with_the_talking_therapies_criteria_a_phq9_trajectory_is_evaluated(latest: int, due: bool) -> None:
    """Selecting NHS Talking Therapies' rule (6 or more points): PHQ-9 15 → 10 is no reliable improvement, → 9 is."""
    got = assess_change(series("phq9", (0, 15), (28, latest)), catalog=NHS_TALKING_THERAPIES_CHANGE_CRITERIA)
    decision = review_due(state(as_of_day=35, changes=(got,)), policy=policy(no_improvement_weeks=4))
    assert decision.due is due and not decision.not_evaluated


def test_instruments_limit_the_trajectory_triggers() -> None:
    """A policy that watches the PHQ-9 only ignores a GAD-7 without improvement."""
    s = state(as_of_day=35, changes=(change("gad7", (0, 12), (28, 12)),))
    assert review_due(s, policy=policy(no_improvement_weeks=4)).due
    assert not review_due(s, policy=policy(no_improvement_weeks=4, instruments=frozenset({"phq9"}))).due


# ----------------------------------------------------------------------------- drug tests


@pytest.mark.parametrize("result", [TestResult.POSITIVE, TestResult.NOT_EVALUATED, TestResult.SUBSTITUTED])
def test_a_positive_or_not_evaluated_test_in_the_window_is_due(result: TestResult) -> None:
    """One flagged test in the last 28 days calls for a review; one on day 29 before does not."""
    inside = state(as_of_day=35, drug_tests=(reading(35 - 27, result),))
    outside = state(as_of_day=35, drug_tests=(reading(35 - 28, result),))
    p = policy(min_flagged_tests=1, window_days=28)
    (reason,) = review_due(inside, policy=p).reasons
    assert (reason.signal, reason.value, reason.threshold) == (Signal.FLAGGED_TESTS, 1, 1)
    assert result.value.replace("_", " ") in reason.explanation
    assert not review_due(outside, policy=p).due


def test_negative_and_explained_positive_tests_never_count() -> None:
    """A negative test and a positive explained by the patient's prescription are not flagged."""
    s = state(drug_tests=(reading(30), reading(31, TestResult.POSITIVE, explained=True)))
    assert not review_due(s, policy=policy(min_flagged_tests=1)).due


@pytest.mark.parametrize(("count", "due"), [(1, False), (2, True), (3, True)])
def test_flagged_tests_at_and_around_the_minimum(count: int, due: bool) -> None:
    """min_flagged_tests=2: one positive is not enough, two are."""
    s = state(drug_tests=tuple(reading(20 + i, TestResult.POSITIVE) for i in range(count)))
    assert review_due(s, policy=policy(min_flagged_tests=2)).due is due


def test_missed_tests_count_only_when_the_policy_says_so() -> None:
    """A missed test is flagged only with flagged_uncollected including it."""
    s = state(drug_tests=(reading(30, None),))
    assert not review_due(s, policy=policy(min_flagged_tests=1)).due
    counted = policy(min_flagged_tests=1, flagged_uncollected=frozenset({DrugTestStatus.MISSED}))
    assert review_due(s, policy=counted).due


def test_collected_is_not_an_uncollected_status() -> None:
    """flagged_uncollected refuses COLLECTED with the field's path."""
    with pytest.raises(InvalidDataError) as info:
        policy(flagged_uncollected=frozenset({DrugTestStatus.COLLECTED}))
    assert info.value.paths == ("$.flagged_uncollected",)


# ----------------------------------------------------------------------------- attendance


@pytest.mark.parametrize(("minutes", "due"), [(539, True), (540, False), (541, False)])
def test_a_week_below_the_band_at_and_around_its_minimum(minutes: int, due: bool) -> None:
    """The adult 2.1 band starts at 9 h (540 min): 539 minutes in a whole week calls for a review."""
    week = MONDAY + timedelta(days=21)
    records = [session("a", week, minutes - 2), session("b", week + timedelta(days=2), 1), session("c", week, 1)]
    s = state(as_of_day=30, attendance=tuple(records))
    decision = review_due(s, policy=policy(min_weeks_below_band=1))
    assert decision.due is due
    if due:
        (reason,) = decision.reasons
        assert (reason.signal, reason.value, reason.threshold) == (Signal.ATTENDANCE_BELOW_BAND, 1, 1)
        assert "540 min a week (week of 2026-01-26: 539 min)" in reason.explanation


def test_partial_weeks_and_weeks_without_records_are_not_assessed() -> None:
    """The current, unfinished week is not judged; with no whole week on record the trigger is not evaluated."""
    s = state(as_of_day=30, attendance=tuple(week_of_sessions(MONDAY + timedelta(days=28), minutes=10)))
    decision = review_due(s, policy=policy(min_weeks_below_band=1))
    assert not decision.due
    assert [r.signal for r in decision.not_evaluated] == [Signal.ATTENDANCE_NOT_EVALUATED]


def test_no_hours_band_is_not_evaluated_never_in_band() -> None:
    """A level without a band for the population: attendance against the band is not evaluated."""
    s = state(hours_band=None, attendance=tuple(week_of_sessions(MONDAY + timedelta(days=21), minutes=10)))
    decision = review_due(s, policy=policy(min_weeks_below_band=1))
    assert not decision.due and "no hours band" in decision.not_evaluated[0].explanation


@pytest.mark.parametrize(("absent", "due"), [(2, False), (3, True), (4, True)])
def test_missed_sessions_at_and_around_the_count(absent: int, due: bool) -> None:
    """Three unexcused absences in the window call for a review; excused ones never count."""
    week = MONDAY + timedelta(days=21)
    records = week_of_sessions(week, days=absent, status=AttendanceStatus.ABSENT)
    records += week_of_sessions(week + timedelta(days=3), days=3, status=AttendanceStatus.EXCUSED, tag="x")
    decision = review_due(state(as_of_day=30, attendance=tuple(records)), policy=policy(missed_sessions=3))
    assert decision.due is due
    if due:
        assert (decision.reasons[0].value, decision.reasons[0].threshold) == (absent, 3)


# ----------------------------------------------------------------------------- the default, the protocol, the boundary


def test_worked_example_three_missed_sessions_and_a_positive_test() -> None:
    """The issue's example under the illustrative defaults: both triggers fire, each with its numbers."""
    week = MONDAY + timedelta(days=21)
    records = [*week_of_sessions(week, days=3, status=AttendanceStatus.ABSENT), *week_of_sessions(week + timedelta(7))]
    s = state(as_of_day=30, attendance=tuple(records), drug_tests=(reading(23, TestResult.POSITIVE),))
    decision = review_due(s)
    assert decision.policy == DEFAULT_REVIEW_POLICY.name
    assert decision.signals == {Signal.FLAGGED_TESTS, Signal.ATTENDANCE_BELOW_BAND, Signal.MISSED_SESSIONS}
    text = " ".join(r.explanation for r in decision.reasons)
    assert PID not in text and "3 unexcused absence(s)" in text and "1 positive" in text


def test_the_default_policy_is_illustrative_program_policy() -> None:
    """The defaults cite what motivates them and say no source sets their numbers."""
    assert DEFAULT_REVIEW_POLICY.source.evidence.value == "illustrative"
    assert "CTS.03.01.09" in DEFAULT_REVIEW_POLICY.source.note and "TIP 47" in DEFAULT_REVIEW_POLICY.source.note


def test_any_review_trigger_policy_plugs_in() -> None:
    """A program's own policy implementing the protocol is used; a wrong return type is refused with $.policy."""

    @attrs.frozen
    class Always:
        name: str = "always"

        def evaluate(self, state: ProgressState) -> ReviewDecision:
            return ReviewDecision(as_of=state.as_of, policy=self.name, reasons=())

    assert isinstance(Always(), ReviewTriggerPolicy)
    assert review_due(state(), policy=Always()).policy == "always"

    @attrs.frozen
    class Broken:
        name: str = "broken"

        def evaluate(self, state: ProgressState) -> object:
            return True

    with pytest.raises(InvalidDataError) as info:
        review_due(state(), policy=Broken())  # type: ignore[arg-type]
    assert info.value.paths == ("$.policy",)


def test_review_due_refuses_a_non_state_naming_it() -> None:
    """The guard names the argument."""
    with pytest.raises(InvalidArgumentError) as info:
        review_due("state")  # type: ignore[arg-type]
    assert info.value.paths == ("$.state",)


def test_the_examples_in_the_docstrings_run() -> None:
    """The docstring examples of the review module are correct."""
    assert doctest.testmod(_review).failed == 0


# ----------------------------------------------------------------------------- properties


def _shuffled(s: ProgressState, seed: int) -> ProgressState:
    rnd = __import__("random").Random(seed)
    parts = {n: list(getattr(s, n)) for n in ("changes", "attendance", "drug_tests")}
    for v in parts.values():
        rnd.shuffle(v)
    return ProgressState(
        episode=s.episode,
        as_of=s.as_of,
        hours_band=s.hours_band,
        ratings=s.ratings,
        **{k: tuple(v) for k, v in parts.items()},
    )


@settings(max_examples=30, deadline=None)
@given(progress_states(), review_policies(), st.integers(0, 2**32))
def test_decisions_depend_on_neither_record_order_nor_repetition_of_the_call(
    s: ProgressState, p: RuleBasedReviewPolicy, seed: int
) -> None:
    """The same state in any order gives the same decision, every time; it pickles and hashes."""
    decision = review_due(s, policy=p)
    assert review_due(_shuffled(s, seed), policy=p) == decision == review_due(s, policy=p)
    assert pickle.loads(pickle.dumps(decision)) == decision and hash(decision) == hash(review_due(s, policy=p))
    assert decision.due == bool(decision.reasons)


@settings(max_examples=30, deadline=None)
@given(progress_states(), review_policies(), st.integers(0, 30), st.integers(1, 5))
def test_more_missed_sessions_or_flagged_tests_never_make_a_review_less_due(
    s: ProgressState, p: RuleBasedReviewPolicy, day_back: int, extra: int
) -> None:
    """Adding unexcused absences or positive tests keeps every trigger that fired (monotonicity).

    Not with ``not_evaluated_is_due``: there a trigger not evaluated counts as due, and records that make it
    evaluable (a first whole week on record) may show it is not, by design.
    """
    p = attrs.evolve(p, not_evaluated_is_due=False)
    before = review_due(s, policy=p)
    day = max(s.as_of - timedelta(days=day_back), s.episode.admission.on)
    absences = tuple(
        session(f"z{i}", day, 60, pid=s.episode.patient_id, status=AttendanceStatus.ABSENT) for i in range(extra)
    )
    positives = tuple(reading(0, TestResult.POSITIVE, tid=f"z{i}") for i in range(extra))
    positives = tuple(attrs.evolve(r, on=day) for r in positives)
    after = review_due(
        attrs.evolve(s, attendance=s.attendance + absences, drug_tests=s.drug_tests + positives), policy=p
    )
    assert before.signals <= after.signals
    assert before.due <= after.due


@settings(max_examples=25, deadline=None)
@given(progress_states(), st.integers(1, 6), st.integers(1, 5))
def test_a_lower_missed_session_threshold_never_makes_a_review_less_due(s: ProgressState, n: int, k: int) -> None:
    """Monotone in the policy: lowering the count that triggers keeps the review due."""
    strict = review_due(s, policy=policy(missed_sessions=n + k))
    lenient = review_due(s, policy=policy(missed_sessions=n))
    assert strict.due <= lenient.due


def test_a_band_without_upper_bound_still_has_a_minimum() -> None:
    """An open band [9, ∞) judges the minimum the same way."""
    week = MONDAY + timedelta(days=21)
    s = state(as_of_day=30, hours_band=HoursBand(min_hours=9), attendance=(session("a", week, 60),))
    assert review_due(s, policy=policy(min_weeks_below_band=1)).due
