"""Priced searches: a patient's wish list, and caches that only save time."""

from __future__ import annotations

import attrs

from iopcore.schedule import CohortPatient, CohortProblem, ComponentBound, Enrollment, WeekRules, solve_cohort
from iopcore.schedule._cohort_solver.pricing import wish_list
from tests.schedule.builders import HEURISTIC, MON, TUE, WED, crowded, offering, prepared, small_cohort


def test_the_wish_list_names_the_full_offerings_of_the_cheapest_week() -> None:
    """A patient's wish list: the closed offerings their cheapest week alone needs, none when nothing is closed."""
    ctx = prepared(small_cohort())
    ann = ctx.groups[ctx.of_patient[0]]
    assert wish_list(ctx, ann, frozenset()) == []
    assert wish_list(ctx, ann, frozenset({0})) == [0]  # a (index 0) is cheaper than b, even closed


def test_the_wish_list_keeps_a_patients_pinned_sessions() -> None:
    """With a pinned session, the wish list names only the closed offerings besides it."""
    offs = (
        offering("a", MON, "09:00", "10:00", seats=2),
        offering("b", TUE, "09:00", "10:00", seats=2),
        offering("c", WED, "09:00", "10:00", seats=2),
    )
    rules = WeekRules(hours_min=2, components={"group_therapy": ComponentBound(min=2, max=2)})
    problem = CohortProblem(
        offerings=offs,
        patients=(CohortPatient(id="kim", rules=rules, offering_costs={"c": 5}),),
        pinned=(Enrollment(patient="kim", offerings=frozenset({"a"})),),
    )
    ctx = prepared(problem)
    group = ctx.groups[0]
    assert group.pinned and not group.pinned_week
    assert wish_list(ctx, group, frozenset()) == []
    assert wish_list(ctx, group, frozenset({0, 1})) == [1]  # a is held by the pin; b is cheaper than c


def test_a_tiny_day_pattern_cache_gives_the_same_answers() -> None:
    """The per-patient day-pattern cache only saves time: emptied at every search, the answers are the same."""
    problem = crowded(10, 1)
    usual = solve_cohort(problem, work_limit=300, seed=2, tuning=HEURISTIC)
    tiny = solve_cohort(problem, work_limit=300, seed=2, tuning=attrs.evolve(HEURISTIC, day_cache_size=0))
    assert tiny == usual
