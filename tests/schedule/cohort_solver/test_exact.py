"""The exact small-cohort search: optimal and proven on small cohorts, a fallback when out of nodes."""

from __future__ import annotations

from hypothesis import given, settings

from iopcore.schedule import CohortProblem, CohortTuning, check_cohort, solve_cohort
from iopcore.strategies import cohort_problems
from tests.schedule.builders import brute_force, contended


@settings(max_examples=40)
@given(cohort_problems(max_patients=3, max_offerings=6))
def test_small_cohorts_are_solved_optimally_and_pass_the_checker(problem: CohortProblem) -> None:
    """On small cohorts the cost equals exhaustive search, is proven optimal, and the schedule is valid."""
    schedule = solve_cohort(problem)
    assert check_cohort(problem, schedule) == ()
    assert schedule.cost == brute_force(problem)
    assert schedule.optimal and schedule.lower_bound == schedule.cost


def test_an_exact_search_out_of_nodes_falls_back_to_the_heuristic() -> None:
    """When the small-cohort search runs out of nodes the answer still comes, valid."""
    problem = contended(4)
    schedule = solve_cohort(problem, tuning=CohortTuning(exact_max_nodes=1))
    assert check_cohort(problem, schedule) == ()
