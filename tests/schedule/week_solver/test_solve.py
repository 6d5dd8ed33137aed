"""solve and alternatives against an exhaustive search: optimal, feasible, deterministic; worked examples."""

from __future__ import annotations

import pickle

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.errors import InfeasibleScheduleError, IopcoreError
from iopcore.schedule import Offering, WeekProblem, WeekRules, WeekSchedule, alternatives, check, solve
from iopcore.strategies import week_problems
from iopcore.times import ClockTime, Weekday, WeeklyAvailability
from tests.schedule.builders import EVENINGS, agrees_with_exhaustive, exhaustive, offering, tie_key


@settings(max_examples=150)
@given(week_problems(max_offerings=10))
def test_solve_is_optimal_or_raises_exactly_when_exhaustive_finds_nothing(problem: WeekProblem) -> None:
    """solve's cost and tie-break equal the exhaustive optimum; it raises iff no subset is feasible."""
    agrees_with_exhaustive(problem)


@settings(max_examples=100)
@given(week_problems(max_offerings=12, feasible=True))
def test_feasible_by_construction_problems_are_solved_and_pass_check(problem: WeekProblem) -> None:
    """A problem built around a feasible set always has a schedule, and it passes the checker."""
    schedule = solve(problem)
    assert check(problem, schedule.offering_ids) == ()
    assert schedule.cost == problem.schedule_cost(schedule.offering_ids)


@settings(max_examples=60)
@given(week_problems(max_offerings=10), st.randoms(use_true_random=False))
def test_output_is_deterministic_and_independent_of_offering_order(problem: WeekProblem, rnd: object) -> None:
    """Solving twice, or with the offerings shuffled, gives the same schedule (or the same conflict)."""
    shuffled_offerings = list(problem.offerings)
    rnd.shuffle(shuffled_offerings)  # type: ignore[attr-defined]
    shuffled = attrs.evolve(problem, offerings=tuple(shuffled_offerings))
    results = []
    for p in (problem, problem, shuffled):
        try:
            results.append(solve(p))
        except InfeasibleScheduleError as exc:
            results.append(exc.conflict)  # type: ignore[arg-type]
    assert results[0] == results[1] == results[2]


@settings(max_examples=60)
@given(week_problems(max_offerings=9), st.integers(1, 6))
def test_alternatives_are_the_k_cheapest_distinct_feasible_schedules(problem: WeekProblem, k: int) -> None:
    """alternatives gives min(k, #feasible) distinct feasible schedules in (cost, tie-break) order."""
    expected = exhaustive(problem)[:k]
    got = alternatives(problem, k)
    assert len(got) == len(expected)
    assert len({frozenset(s.offering_ids) for s in got}) == len(got)
    for s in got:
        assert check(problem, s.offering_ids) == ()
    assert [(s.cost, tie_key(problem, s.offering_ids)) for s in got] == [(c, key) for c, key, _ in expected]


@settings(max_examples=40)
@given(week_problems(min_offerings=8, max_offerings=12))
def test_solve_is_optimal_on_larger_instances(problem: WeekProblem) -> None:
    """With 8-12 offerings solve still matches the exhaustive optimum (or raises exactly when it is empty)."""
    agrees_with_exhaustive(problem)


def test_working_patient_gets_the_evening_track() -> None:
    """A patient working 08:00–16:30 on weekdays gets evening groups only."""
    work = WeeklyAvailability.daily("08:00", "16:30", days=list(Weekday)[:5])
    mornings = tuple(offering(f"am_{d.short.lower()}", d, "09:00", "12:00", track="morning") for d in list(Weekday)[:5])
    problem = WeekProblem(
        rules=WeekRules(hours_min=9, hours_max=19, days_min=3, days_max=5, components={"group_therapy": (3, None)}),
        offerings=mornings + EVENINGS,
        availability=WeeklyAvailability.whole_week().difference(work),
        day_cost=1,
    )
    schedule = solve(problem)
    assert {o.track for o in schedule.sessions} == {"evening"}
    assert schedule.hours == 9 and len(schedule.days) == 3 and schedule.cost == 3


def test_alternatives_rejects_bad_k_and_infeasible_gives_nothing() -> None:
    """k must be a positive integer; an infeasible problem has no alternatives."""
    problem = WeekProblem(rules=WeekRules(days_min=1), offerings=())
    assert alternatives(problem, 3) == ()
    with pytest.raises(IopcoreError):
        alternatives(problem, 0)
    with pytest.raises(IopcoreError):
        alternatives("nope", 1)  # type: ignore[arg-type]
    with pytest.raises(IopcoreError):
        solve("nope")  # type: ignore[arg-type]


def test_hours_that_round_to_an_empty_minute_range_are_infeasible() -> None:
    """hours_min 1.001 needs 61 minutes, hours_max 1.01 allows 60: no week, and the conflict names both."""
    problem = WeekProblem(
        rules=WeekRules(hours_min=1.001, hours_max=1.01),
        offerings=(
            Offering(id="a", component="life_skills", weekday=Weekday.MONDAY, start=ClockTime(9), end=ClockTime(10, 1)),
        ),
    )
    with pytest.raises(InfeasibleScheduleError) as info:
        solve(problem)
    assert info.value.conflict == ("hours_min", "hours_max")


def test_a_component_maximum_that_shortens_the_only_day_makes_the_week_infeasible() -> None:
    """Two 1-hour groups fit on Monday, but at most one group is allowed: 2 hours cannot be reached."""
    offs = (
        offering("a", Weekday.MONDAY, "09:00", "10:00"),
        offering("b", Weekday.MONDAY, "10:00", "11:00"),
    )
    problem = WeekProblem(rules=WeekRules(hours_min=2, components={"group_therapy": (0, 1)}), offerings=offs)
    agrees_with_exhaustive(problem)
    with pytest.raises(InfeasibleScheduleError):
        solve(problem)


def test_a_day_cap_that_fits_one_session_makes_a_component_minimum_of_two_infeasible() -> None:
    """Two 50-minute individual sessions fit on Monday, but the day is capped at one hour."""
    offs = (
        offering("a", Weekday.MONDAY, "09:00", "09:50", component="individual_counseling"),
        offering("b", Weekday.MONDAY, "10:00", "10:50", component="individual_counseling"),
    )
    rules = WeekRules(max_hours_per_day=1, components={"individual_counseling": (2, None)})
    problem = WeekProblem(rules=rules, offerings=offs)
    agrees_with_exhaustive(problem)
    with pytest.raises(InfeasibleScheduleError):
        solve(problem)


def test_skipping_the_long_day_leaves_too_few_days_allowed() -> None:
    """3 hours on at most 2 days need Monday's 2-hour session: the 1-hour days alone need 3 days."""
    offs = (
        offering("mon", Weekday.MONDAY, "09:00", "11:00"),
        offering("tue", Weekday.TUESDAY, "09:00", "10:00"),
        offering("wed", Weekday.WEDNESDAY, "09:00", "10:00"),
        offering("thu", Weekday.THURSDAY, "09:00", "10:00"),
    )
    problem = WeekProblem(rules=WeekRules(hours_min=3, days_max=2), offerings=offs, day_cost=1)
    agrees_with_exhaustive(problem)
    assert "mon" in solve(problem).offering_ids


def test_one_group_a_week_cannot_make_two_hours() -> None:
    """Three 1-hour groups exist but at most one is allowed: 2 hours conflict with that maximum."""
    offs = tuple(offering(d.short, d, "09:00", "10:00") for d in list(Weekday)[:3])
    problem = WeekProblem(rules=WeekRules(hours_min=2, components={"group_therapy": (0, 1)}), offerings=offs)
    agrees_with_exhaustive(problem)
    with pytest.raises(InfeasibleScheduleError) as info:
        solve(problem)
    assert info.value.conflict == ("hours_min", "component:group_therapy:max")


def test_a_cheaper_monday_group_is_not_doubled_past_the_maximum() -> None:
    """With at most one group and Tuesday's costing more, the week is Monday's group alone."""
    offs = (
        offering("mon", Weekday.MONDAY, "09:00", "10:00"),
        offering("tue", Weekday.TUESDAY, "09:00", "10:00"),
    )
    rules = WeekRules(days_min=1, components={"group_therapy": (1, 1)})
    problem = WeekProblem(rules=rules, offerings=offs, offering_costs={"tue": 1})
    agrees_with_exhaustive(problem)
    assert solve(problem).offering_ids == ("mon",)


@settings(max_examples=80)
@given(week_problems(max_offerings=14), st.integers(1, 4))
def test_answers_built_without_validators_equal_validated_schedules(problem: WeekProblem, k: int) -> None:
    """solve and alternatives build their weeks without the validators: each equals (and hashes and
    pickles as) the WeekSchedule the validated constructor makes from the same sessions and cost."""
    for got in alternatives(problem, k):
        validated = WeekSchedule(sessions=got.sessions, cost=got.cost)
        assert got == validated
        assert got.sessions == validated.sessions  # already in schedule order: nothing re-sorted
        assert type(got.cost) is int
        assert hash(got) == hash(validated)
        assert pickle.loads(pickle.dumps(got)) == validated
