"""Continued stay: continue, step down, step up or discharge, with reasons, refused moves and overrides (issue 16, item 3)."""

from __future__ import annotations

import doctest
import pickle
import random
from datetime import timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.assessment import OverrideReason, assess_change
from iopcore.compliance import AttendanceStatus, TestResult
from iopcore.episodes import DischargeReason, change_level
from iopcore.errors import InvalidArgumentError, InvalidDataError, TransitionNotAllowedError, UnknownCodeError
from iopcore.levels import ASAM3, MOVE_POLICIES, USUAL_ROUTES_ONLY, MovePolicy, TransitionKind
from iopcore.plans import (
    ILLUSTRATIVE_STAY_POLICY,
    ContinuedStayPolicy,
    ProgressState,
    RuleBasedContinuedStayPolicy,
    Signal,
    StayDecision,
    _stay,
    recommend_continued_stay,
)
from iopcore.strategies import continued_stay_policies, progress_states
from tests.builders import MONDAY, TEST_SOURCE, session
from tests.plans.progress_builders import CRITERIA, PID, episode, ratings, reading, series, state, week_of_sessions


def change(instrument: str, *points: tuple[int, int]) -> Any:
    return assess_change(series(instrument, *points), criteria=CRITERIA[instrument])


def improving(**kw: Any) -> ProgressState:
    """Day 35 at 2.1: GAD-7 15 → 8 and PHQ-9 16 → 9 (both reliable), two negative tests, every session attended."""
    values: dict[str, Any] = {
        "as_of_day": 35,
        "changes": (change("gad7", (0, 15), (28, 8)), change("phq9", (0, 16), (28, 9))),
        "drug_tests": (reading(14), reading(28)),
        "attendance": tuple(week_of_sessions(MONDAY + timedelta(days=21)) + week_of_sessions(MONDAY + timedelta(28))),
        "ratings": ratings(1),
    }
    values.update(kw)
    return state(**values)


def policy(**kw: Any) -> RuleBasedContinuedStayPolicy:
    return RuleBasedContinuedStayPolicy(name="test", source=TEST_SOURCE, **kw)


# ----------------------------------------------------------------------------- worked examples


def test_worked_example_step_down_to_the_re_rated_level_and_apply_it() -> None:
    """Reliable improvement, clean tests, full attendance and ratings that need level 1: step down 2.1 → 1."""
    s = improving()
    rec = recommend_continued_stay(s, ASAM3)
    assert (rec.decision, rec.current.code, rec.to, rec.recommended) == (StayDecision.STEP_DOWN, "2.1", "1", "1")
    assert {r.signal for r in rec.reasons} == {
        Signal.RELIABLE_IMPROVEMENT,
        Signal.FLAGGED_TESTS,
        Signal.ATTENDANCE_RATE,
        Signal.RATINGS,
    }
    assert rec.placement is not None and rec.placement.level.code == "1"
    assert ASAM3.kind(rec.current, rec.level) is TransitionKind.STEP_DOWN  # type: ignore[arg-type]
    moved = rec.apply(s.episode, ASAM3, on=s.as_of + timedelta(days=1))
    assert moved.current.level_code == "1" and moved.current.recommended_code == "1"
    assert moved == change_level(s.episode, ASAM3, to=rec.to, on=s.as_of + timedelta(days=1), reason=rec.reason,  # type: ignore[arg-type]
                                 recommended=rec.recommended)  # fmt: skip
    assert PID not in rec.reason and "gad7 reliably improved: -7 points" in rec.reason


def test_a_step_down_outside_the_program_is_a_discharge_with_a_referral() -> None:
    """A program delivering 2.1 and 2.5 only discharges the patient, referred to level 1."""
    s = improving()
    rec = recommend_continued_stay(s, ASAM3, delivered={"2.1", "2.5"})
    assert (rec.decision, rec.to) == (StayDecision.DISCHARGE, "1")
    done = rec.apply(s.episode, ASAM3, on=s.as_of)
    assert done.discharge is not None
    assert (done.discharge.reason, done.discharge.referred_level_code) == (DischargeReason.COMPLETED, "1")


def test_the_least_intensive_step_level_discharges_without_a_referral() -> None:
    """At level 1 (0.5 is early intervention, not a step) progress leads to discharge, referred nowhere."""
    s = improving(ep=episode(level="1"), ratings=ratings(0))
    rec = recommend_continued_stay(s, ASAM3)
    assert (rec.decision, rec.level) == (StayDecision.DISCHARGE, None)


def test_without_ratings_the_next_level_down_is_the_step() -> None:
    """A policy that does not require re-rated dimensions steps down one level: 2.5 → 2.1 (never to 2-WM)."""
    s = improving(ep=episode(level="2.5"), ratings=None)
    assert recommend_continued_stay(s, ASAM3).decision is StayDecision.CONTINUE
    rec = recommend_continued_stay(s, ASAM3, policy=policy(step_down_needs_ratings=False))
    assert (rec.decision, rec.to) == (StayDecision.STEP_DOWN, "2.1")


def test_re_rated_dimensions_that_need_more_step_up_to_that_level() -> None:
    """Ratings with D5 at 4 need 3.5 under the illustrative placement policy: step up 2.1 → 3.5."""
    rec = recommend_continued_stay(improving(ratings=ratings(1, d5=4)), ASAM3)
    assert (rec.decision, rec.to) == (StayDecision.STEP_UP, "3.5")
    assert rec.reasons[0].signal is Signal.RATINGS and "3.5" in rec.reasons[0].explanation


def test_a_step_up_the_move_policy_refuses_is_continue_with_the_blocked_move() -> None:
    """Usual routes only: 2.1 may go to 1 and 2.5, not 3.5; the refusal is stated, nothing half-done."""
    rec = recommend_continued_stay(improving(ratings=ratings(1, d5=4)), ASAM3, moves=USUAL_ROUTES_ONLY)
    assert rec.decision is StayDecision.CONTINUE and rec.to == "2.1"
    (blocked,) = rec.blocked
    assert blocked.signal is Signal.MOVE_NOT_ALLOWED and USUAL_ROUTES_ONLY.name in blocked.explanation
    assert rec.move_policy == USUAL_ROUTES_ONLY.name


def test_reliable_deterioration_steps_up_one_step() -> None:
    """GAD-7 8 → 15 (beyond 5.59 points): step up from 2.1 to the next ladder level, 2.5."""
    rec = recommend_continued_stay(improving(changes=(change("gad7", (0, 8), (28, 15)),), ratings=None), ASAM3)
    assert (rec.decision, rec.to) == (StayDecision.STEP_UP, "2.5")
    assert rec.reasons[0].signal is Signal.RELIABLE_DETERIORATION and rec.reasons[0].value == 7


@pytest.mark.parametrize(("positives", "decision"), [(1, StayDecision.CONTINUE), (2, StayDecision.STEP_UP)])
def test_flagged_tests_step_up_at_the_policy_count(positives: int, decision: StayDecision) -> None:
    """Two flagged tests in the window step up (one blocks the step down only)."""
    tests = tuple(reading(20 + i, TestResult.POSITIVE) for i in range(positives))
    rec = recommend_continued_stay(improving(drug_tests=tests), ASAM3)
    assert rec.decision is decision
    if decision is StayDecision.CONTINUE:
        assert any(r.signal is Signal.FLAGGED_TESTS and r.value == 1 and r.threshold == 0 for r in rec.reasons)


# ----------------------------------------------------------------------------- conditions of a step down


def test_a_trajectory_not_evaluated_never_counts_as_improved() -> None:
    """The built-in PHQ-9 criteria have no reliable-change parameters: continue, saying why."""
    s = improving(changes=(assess_change(series("phq9", (0, 16), (28, 9))),))
    rec = recommend_continued_stay(s, ASAM3)
    assert rec.decision is StayDecision.CONTINUE
    assert [r.signal for r in rec.reasons] == [Signal.TRAJECTORY_NOT_EVALUATED]


def test_remission_counts_as_improvement() -> None:
    """PHQ-9 12 → 4 with the built-in criteria: trajectory not evaluated, but in remission (below 5): a step down."""
    s = improving(changes=(assess_change(series("phq9", (0, 12), (28, 4))),))
    rec = recommend_continued_stay(s, ASAM3)
    assert rec.decision is StayDecision.STEP_DOWN
    assert any(r.signal is Signal.REMISSION for r in rec.reasons)


@pytest.mark.parametrize(("attended", "decision"), [(3, StayDecision.CONTINUE), (4, StayDecision.STEP_DOWN)])
def test_attendance_rate_at_and_just_below_the_minimum(attended: int, decision: StayDecision) -> None:
    """80 %: 4 of 5 sessions is enough, 3 of 5 is not (excused sessions are not counted)."""
    week = MONDAY + timedelta(days=28)
    rows = [session(f"a{i}", week + timedelta(days=i % 5), 180) for i in range(attended)]
    rows += [session(f"m{i}", week, 180, status=AttendanceStatus.ABSENT) for i in range(5 - attended)]
    rows += [session("x", week, 180, status=AttendanceStatus.EXCUSED)]
    rec = recommend_continued_stay(improving(attendance=tuple(rows)), ASAM3)
    assert rec.decision is decision
    rate = next(r for r in [*rec.reasons] if r.signal is Signal.ATTENDANCE_RATE)
    assert (rate.value, rate.threshold) == (attended / 5, 0.8)


def test_no_test_and_no_attendance_in_the_window_block_a_step_down() -> None:
    """Evidence that is missing is not evidence of progress."""
    rec = recommend_continued_stay(improving(drug_tests=(reading(1),), attendance=()), ASAM3)
    assert rec.decision is StayDecision.CONTINUE
    assert {r.signal for r in rec.reasons} == {Signal.FLAGGED_TESTS, Signal.ATTENDANCE_NOT_EVALUATED}


@pytest.mark.parametrize(("days", "decision"), [(34, StayDecision.CONTINUE), (35, StayDecision.STEP_DOWN)])
def test_minimum_days_at_the_level(days: int, decision: StayDecision) -> None:
    """min_days_at_level=35: day 34 at 2.1 continues, day 35 steps down."""
    rec = recommend_continued_stay(improving(as_of_day=days), ASAM3, policy=policy(min_days_at_level=35))
    assert rec.decision is decision


# ----------------------------------------------------------------------------- overrides and values


def test_an_override_is_recorded_with_its_reason_and_applied() -> None:
    """A clinician keeps the patient at 2.1 for a payer reason: the recommendation stays, the episode does not move."""
    s = improving()
    rec = recommend_continued_stay(s, ASAM3).with_override(
        StayDecision.CONTINUE, None, OverrideReason.PAYER, "waiting on an insurer call"
    )
    assert rec.is_overridden and rec.decision is StayDecision.STEP_DOWN
    assert (rec.actual_decision, rec.to, rec.recommended) == (StayDecision.CONTINUE, "2.1", "1")
    assert "overridden to continue (payer)" in rec.reason and "insurer" not in repr(rec)
    assert rec.apply(s.episode, ASAM3, on=s.as_of) == s.episode


def test_an_override_to_the_same_decision_and_level_is_refused() -> None:
    """An override must differ from the recommendation (path $.override)."""
    rec = recommend_continued_stay(improving(), ASAM3)
    with pytest.raises(InvalidArgumentError) as info:
        rec.with_override(StayDecision.STEP_DOWN, ASAM3.level("1"), OverrideReason.OTHER)
    assert info.value.paths == ("$",)


def test_recommendations_keep_decision_and_level_consistent() -> None:
    """Continue keeps the current level; a step needs another level."""
    rec = recommend_continued_stay(improving(), ASAM3)
    with pytest.raises(InvalidDataError) as info:
        attrs.evolve(rec, decision=StayDecision.CONTINUE)
    assert info.value.paths == ("$.level",)
    with pytest.raises(InvalidDataError):
        attrs.evolve(rec, level=rec.current)


def test_apply_checks_the_move_again() -> None:
    """Applying a step up to a level the program's policy refuses raises TransitionNotAllowedError."""
    s = improving(ratings=ratings(1, d5=4))
    rec = recommend_continued_stay(s, ASAM3)
    with pytest.raises(TransitionNotAllowedError):
        rec.apply(s.episode, ASAM3, on=s.as_of + timedelta(days=1), policy=USUAL_ROUTES_ONLY)


def test_a_level_the_catalog_lacks_is_an_unknown_code_naming_the_path() -> None:
    """The state's level must be one of the catalog's."""
    from iopcore.levels import ASAM4

    with pytest.raises(UnknownCodeError):
        recommend_continued_stay(state(ep=episode(level="2-WM")), ASAM4)
    with pytest.raises(UnknownCodeError) as info:
        recommend_continued_stay(improving(), ASAM3, delivered=["2.1", "9.9"])
    assert info.value.paths == ("$.delivered[1]",)


def test_any_continued_stay_policy_plugs_in_and_bad_ones_are_refused() -> None:
    """The protocol admits a program's own policy; a wrong return type is refused at $.policy."""

    @attrs.frozen
    class Broken:
        name: str = "broken"

        def recommend(self, state: ProgressState, catalog: Any, *, moves: MovePolicy, delivered: Any) -> object:
            return "continue"

    assert isinstance(ILLUSTRATIVE_STAY_POLICY, ContinuedStayPolicy)
    with pytest.raises(InvalidDataError) as info:
        recommend_continued_stay(state(), ASAM3, policy=Broken())  # type: ignore[arg-type]
    assert info.value.paths == ("$.policy",)


def test_the_examples_in_the_docstrings_run() -> None:
    """The docstring examples of the continued-stay module are correct."""
    assert doctest.testmod(_stay).failed == 0


# ----------------------------------------------------------------------------- properties


def _shuffled(s: ProgressState, seed: int) -> ProgressState:
    rnd = random.Random(seed)
    parts = {n: list(getattr(s, n)) for n in ("changes", "attendance", "drug_tests")}
    for v in parts.values():
        rnd.shuffle(v)
    return attrs.evolve(s, **{k: tuple(v) for k, v in parts.items()})


_RANK = {lv.code: i for i, lv in enumerate(ASAM3.by_intensity())}


@settings(max_examples=30, deadline=None)
@given(progress_states(), continued_stay_policies(), st.sampled_from(MOVE_POLICIES), st.integers(0, 2**32))
def test_recommendations_are_deterministic_order_free_and_moves_are_allowed_steps(
    s: ProgressState, p: RuleBasedContinuedStayPolicy, moves: MovePolicy, seed: int
) -> None:
    """Same state in any order, same answer; a step is one the move policy allows, in its direction; it applies."""
    rec = recommend_continued_stay(s, ASAM3, policy=p, moves=moves)
    assert recommend_continued_stay(_shuffled(s, seed), ASAM3, policy=p, moves=moves) == rec
    assert pickle.loads(pickle.dumps(rec)) == rec and hash(rec) == hash(attrs.evolve(rec))
    if rec.decision in (StayDecision.STEP_UP, StayDecision.STEP_DOWN):
        assert rec.level is not None and moves.allows(ASAM3, rec.current, rec.level)
        up = _RANK[rec.level.code] > _RANK[rec.current.code]
        assert up is (rec.decision is StayDecision.STEP_UP)
        on = max(s.as_of, s.episode.current.end or s.as_of) + timedelta(days=1)  # change_level: after the period
        moved = rec.apply(s.episode, ASAM3, on=on, policy=moves)
        assert moved.current.level_code == rec.to
    if rec.decision is StayDecision.CONTINUE:
        assert rec.level == rec.current


_SEVERITY = {StayDecision.STEP_UP: 2, StayDecision.CONTINUE: 1, StayDecision.STEP_DOWN: 0, StayDecision.DISCHARGE: 0}


@settings(max_examples=30, deadline=None)
@given(progress_states(), st.integers(0, 20), st.integers(1, 4))
def test_more_positives_or_absences_never_point_to_less_care(s: ProgressState, back: int, extra: int) -> None:
    """Under the illustrative policy, adding positive tests or unexcused absences never lowers the decision."""
    day = max(s.as_of - timedelta(days=back), s.episode.admission.on)
    before = recommend_continued_stay(s, ASAM3)
    positives = tuple(attrs.evolve(reading(0, TestResult.POSITIVE, tid=f"z{i}"), on=day) for i in range(extra))
    absences = tuple(
        session(f"z{i}", day, 60, pid=s.episode.patient_id, status=AttendanceStatus.ABSENT) for i in range(extra)
    )
    for worse in (
        attrs.evolve(s, drug_tests=s.drug_tests + positives),
        attrs.evolve(s, attendance=s.attendance + absences),
    ):
        after = recommend_continued_stay(worse, ASAM3)
        assert _SEVERITY[after.decision] >= _SEVERITY[before.decision]
