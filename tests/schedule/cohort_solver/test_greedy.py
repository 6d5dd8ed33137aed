"""First passes: patients worth placing get a week in the seats left; swap repairs in large cohorts."""

from __future__ import annotations

import attrs
from hypothesis import given, settings

from iopcore.schedule import CohortPatient, CohortProblem, check_cohort, solve_cohort
from iopcore.strategies import cohort_problems
from tests.schedule.builders import HEURISTIC, MON, ONE_SESSION, TUE, brute_force, contended, offering


def test_patients_cheaper_left_out_are_skipped_by_the_greedy_pass() -> None:
    """With a zero unscheduled cost nobody is worth placing, on the heuristic path too."""
    problem = attrs.evolve(contended(4), unscheduled_cost=0)
    schedule = solve_cohort(problem, tuning=HEURISTIC)
    assert schedule.scheduled == 0 and schedule.cost == 0 and schedule.optimal


def test_identical_patients_share_a_week_while_it_has_seats() -> None:
    """Identical patients reuse one search per pass while their week keeps seats; all fit."""
    offs = tuple(offering(f"g{d.value}", d, "09:00", "10:00", seats=3) for d in (MON, TUE))
    problem = CohortProblem(
        offerings=offs, patients=tuple(CohortPatient(id=f"p{i}", rules=ONE_SESSION) for i in range(3))
    )
    schedule = solve_cohort(problem, tuning=HEURISTIC)
    # One search for their week alone, which the three patients share (a cohort this small skips the
    # pass on the least crowded offerings: column generation follows instead).
    assert schedule.scheduled == 3 and schedule.optimal and schedule.work == 1


@settings(max_examples=25)
@given(cohort_problems(min_patients=2, max_patients=3, max_offerings=6))
def test_swap_repairs_in_large_cohort_mode_stay_valid_and_bounded(problem: CohortProblem) -> None:
    """With week repair by swaps (the large-cohort mode) answers stay valid and the bound proven."""
    schedule = solve_cohort(problem, work_limit=30, tuning=attrs.evolve(HEURISTIC, swap_from_patients=0))
    assert check_cohort(problem, schedule) == ()
    assert schedule.lower_bound <= brute_force(problem) <= schedule.cost


def test_swap_replaces_a_full_session_by_an_open_one_of_the_same_component() -> None:
    """In large-cohort mode a week on a full offering is repaired by swapping in an open twin."""
    problem = contended(6)
    schedule = solve_cohort(problem, work_limit=0, tuning=attrs.evolve(HEURISTIC, swap_from_patients=0))
    assert check_cohort(problem, schedule) == ()
    assert schedule.scheduled >= 3
