"""The internal week search (reused by the cohort solver): exclusions, any costs, caches and limits, exactly."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from iopcore.schedule import WeekProblem, WeekRules, check
from iopcore.schedule._week_solver.bounds import prepare_search
from iopcore.schedule._week_solver.candidates import NEVER, candidates, limits
from iopcore.schedule._week_solver.day_patterns import DayCache
from iopcore.schedule._week_solver.search import _best_first, _by_days, _every_week, feasible, search
from iopcore.strategies import week_problems
from iopcore.times import Weekday
from tests.schedule.builders import all_groups, exhaustive, offering, relax


@settings(max_examples=40)
@given(week_problems(max_offerings=9), st.data())
def test_search_with_exclusions_equals_solving_without_those_offerings(
    problem: WeekProblem, data: st.DataObject
) -> None:
    """Excluding candidates in the internal search is the same as removing those offerings (for cohort reuse)."""
    cands = candidates(problem)
    if not cands.offerings:
        return
    dropped = data.draw(st.sets(st.integers(0, len(cands.offerings) - 1)))
    found = search(cands, limits(problem), day_cost=problem.day_cost, excluded=dropped)
    removed = {cands.offerings[i].id for i in dropped}
    assume(not problem.preferences.keep & removed)  # removing a kept session would change other costs
    smaller = attrs.evolve(
        problem,
        offerings=tuple(o for o in problem.offerings if o.id not in removed),
        offering_costs={k: v for k, v in problem.offering_costs.items() if k not in removed},
        preferences=attrs.evolve(problem.preferences, keep=problem.preferences.keep - removed),
    )
    expected = exhaustive(smaller)
    if not expected:
        assert found == []
    else:
        assert found[0][0][0] == expected[0][0]


@settings(max_examples=60)
@given(week_problems(max_offerings=9), st.data())
def test_search_with_any_integer_costs_finds_the_exhaustive_minimum(problem: WeekProblem, data: st.DataObject) -> None:
    """The internal search with arbitrary (also negative) candidate and day costs finds the exact minimum."""
    cands = candidates(problem)
    costs = data.draw(st.lists(st.integers(-9, 9), min_size=len(cands.offerings), max_size=len(cands.offerings)))
    day_cost = data.draw(st.integers(-9, 9))
    found = search(cands, limits(problem), cost=costs, day_cost=day_cost)
    index = {o.id: i for i, o in enumerate(cands.offerings)}

    def objective(ids: tuple[str, ...]) -> int:
        days = {problem.offering(i).weekday for i in ids}
        return day_cost * len(days) + sum(costs[index[i]] for i in ids)

    feasible_sets = [ids for _, _, ids in exhaustive(problem)]
    if not feasible_sets:
        assert found == []
        return
    chosen = tuple(cands.offerings[i].id for i in found[0][2])
    assert check(problem, chosen) == ()
    assert found[0][0][0] == objective(chosen) == min(objective(ids) for ids in feasible_sets)


@pytest.mark.parametrize(
    "rules",
    [WeekRules(components={"group_therapy": (0, 1)}), WeekRules(hours_max=1.5)],
    ids=["component_max", "hours_max"],
)
def test_search_with_rewards_respects_a_weekly_maximum(rules: WeekRules) -> None:
    """Rewarding every session (negative costs) still keeps a component's weekly maximum and hours_max."""
    offs = (
        offering("mon", Weekday.MONDAY, "09:00", "10:00"),
        offering("tue", Weekday.TUESDAY, "09:00", "10:00"),
    )
    problem = WeekProblem(rules=rules, offerings=offs)
    cands = candidates(problem)
    found = search(cands, limits(problem), cost=[-5, -5])
    assert found[0][0][0] == -5 and len(found[0][2]) == 1


def test_search_with_rewards_keeps_a_component_minimum_on_the_last_day_offering_it() -> None:
    """With the only group on Monday and a group required, the drug test alone is no option for Monday."""
    offs = (
        offering("group", Weekday.MONDAY, "09:00", "12:00"),
        offering("test", Weekday.MONDAY, "08:00", "08:15", component="drug_testing"),
    )
    problem = WeekProblem(rules=WeekRules(components={"group_therapy": (1, None)}), offerings=offs)
    cands = candidates(problem)
    rewards = [-1 if o.id == "test" else 5 for o in cands.offerings]
    found = search(cands, limits(problem), cost=rewards)
    assert {cands.offerings[i].id for i in found[0][2]} == {"group", "test"} and found[0][0][0] == 4


def test_search_with_rewards_still_reaches_the_weekly_hours_minimum() -> None:
    """A rewarded short session alone on Monday cannot reach 2 hours with Tuesday: both groups are taken."""
    offs = (
        offering("mon", Weekday.MONDAY, "09:00", "10:00"),
        offering("test", Weekday.MONDAY, "08:00", "08:15", component="drug_testing"),
        offering("tue", Weekday.TUESDAY, "09:00", "10:00"),
    )
    problem = WeekProblem(rules=WeekRules(hours_min=2), offerings=offs)
    cands = candidates(problem)
    found = search(cands, limits(problem), cost=[-1 if o.id == "test" else 5 for o in cands.offerings])
    assert {cands.offerings[i].id for i in found[0][2]} == {"mon", "test", "tue"} and found[0][0][0] == 9


@settings(max_examples=60)
@given(week_problems(max_offerings=9), st.data())
def test_feasible_with_groups_relaxed_agrees_with_exhaustive_search(problem: WeekProblem, data: st.DataObject) -> None:
    """The internal feasibility test, with any groups relaxed, says yes exactly when some subset is feasible."""
    groups = data.draw(st.lists(st.sampled_from(all_groups(problem)), unique=True))
    assert feasible(problem, groups) == bool(exhaustive(relax(problem, groups)))


@settings(max_examples=40)
@given(week_problems(max_offerings=9), st.data())
def test_a_shared_day_cache_never_changes_a_search(problem: WeekProblem, data: st.DataObject) -> None:
    """Searches sharing a day-pattern cache (other exclusions, costs, k) answer exactly as fresh ones."""
    cands = candidates(problem)
    lim = limits(problem)
    n = len(cands.offerings)
    cache: DayCache = {}
    for _ in range(4):
        dropped = data.draw(st.sets(st.integers(0, max(n - 1, 0)), max_size=n))
        costs = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
        k = data.draw(st.integers(1, 3))
        fresh = search(cands, lim, cost=costs, day_cost=problem.day_cost, k=k, excluded=dropped)
        shared = search(cands, lim, cost=costs, day_cost=problem.day_cost, k=k, excluded=dropped, day_cache=cache)
        assert shared == fresh


@settings(max_examples=60)
@given(week_problems(max_offerings=9), st.data())
def test_a_limit_keeps_exactly_the_choices_below_it(problem: WeekProblem, data: st.DataObject) -> None:
    """``limit`` only drops choices costing that much or more, with negative costs too (the other search)."""
    cands, lim = candidates(problem), limits(problem)
    costs = data.draw(st.lists(st.integers(-2, 4), min_size=len(cands.cost), max_size=len(cands.cost)))
    k, limit = data.draw(st.integers(1, 4)), data.draw(st.integers(-10, 30))
    every = search(cands, lim, cost=costs, day_cost=problem.day_cost, k=k + 8)
    below = search(cands, lim, cost=costs, day_cost=problem.day_cost, k=k, limit=limit)
    assert below == [sol for sol in every if sol[0][0] < limit][:k]


@settings(max_examples=60)
@given(week_problems(max_offerings=14), st.data())
def test_going_through_every_week_equals_the_other_two_searches(problem: WeekProblem, data: st.DataObject) -> None:
    """The exhaustive path for few weeks answers exactly as the dynamic programme over days (any costs)
    and as the best-first search (non-negative costs): same weeks, ranks, keys and order, with any k and limit."""
    cands, lim = candidates(problem), limits(problem)
    n = len(cands.offerings)
    low = data.draw(st.integers(-3, 0))
    costs = data.draw(st.lists(st.integers(low, 5), min_size=n, max_size=n))
    day_cost = data.draw(st.integers(low, 5))
    k = data.draw(st.integers(1, 4))
    limit = data.draw(st.sampled_from([NEVER, *range(-5, 40)]))
    prep = prepare_search(cands, lim, costs, k, ())
    every = _every_week(prep, day_cost, k, limit)
    assert every == _by_days(prep, day_cost, k, limit)
    if low == 0:
        assert every == _best_first(prep, cands, costs, day_cost, k, limit)
