"""solve_cohort end to end: valid schedules, proven bounds against exhaustive search, budgets, arguments."""

from __future__ import annotations

from unittest import mock

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import iopcore.schedule._cohort_solver.solve as solve_module
from iopcore.errors import InvalidDataError
from iopcore.schedule import (
    DEFAULT_WORK_LIMIT,
    Assignment,
    ClockRequiredError,
    CohortPatient,
    CohortProblem,
    CohortTuning,
    ComponentBound,
    Enrollment,
    WeekRules,
    check_cohort,
    solve_cohort,
)
from iopcore.strategies import cohort_problems, cohort_tunings
from iopcore.times import WeeklyAvailability
from tests.schedule.builders import (
    HEURISTIC,
    MON,
    NO_COLUMNS,
    TUE,
    WED,
    brute_force,
    contended,
    crowded,
    offering,
    small_cohort,
)


@settings(max_examples=40)
@given(cohort_problems(max_patients=3, max_offerings=5), st.integers(0, 30), st.booleans())
def test_the_heuristic_path_is_valid_and_its_bound_is_proven(problem: CohortProblem, work: int, columns: bool) -> None:
    """Without the exact search, with or without column generation: valid schedule,
    capacity-free bound <= lower bound <= optimum <= cost."""
    schedule = solve_cohort(problem, work_limit=work, tuning=HEURISTIC if columns else NO_COLUMNS)
    assert check_cohort(problem, schedule) == ()
    best = brute_force(problem)
    assert schedule.capacity_free_bound <= schedule.lower_bound <= best <= schedule.cost
    assert schedule.optimal == (schedule.cost == schedule.lower_bound)


@settings(max_examples=20)
@given(cohort_problems(max_patients=3, max_offerings=6), st.integers(0, 5))
def test_same_seed_same_answer(problem: CohortProblem, seed: int) -> None:
    """The answer is a function of the problem, the seed and the work limit."""
    first = solve_cohort(problem, seed=seed, work_limit=20, tuning=HEURISTIC)
    assert first == solve_cohort(problem, seed=seed, work_limit=20, tuning=HEURISTIC)


@settings(max_examples=30)
@given(cohort_problems(max_patients=3, max_offerings=5), cohort_tunings(), st.integers(0, 40))
def test_any_tuning_gives_a_valid_schedule_with_a_proven_bound(
    problem: CohortProblem, tuning: CohortTuning, work: int
) -> None:
    """Whatever the tuning, the schedule passes the checker and its bounds hold against exhaustive search."""
    schedule = solve_cohort(problem, work_limit=work, tuning=tuning)
    assert check_cohort(problem, schedule) == ()
    assert schedule.capacity_free_bound <= schedule.lower_bound <= brute_force(problem) <= schedule.cost


@settings(max_examples=40)
@given(cohort_problems(min_patients=2, max_patients=3, max_offerings=6, pinned=False), st.integers(0, 3))
def test_heuristic_with_own_unscheduled_costs_never_leaves_out_a_patient_worth_a_fitting_week(
    problem: CohortProblem, seed: int
) -> None:
    """A patient left out for capacity has no week in the seats left; for cost, every fitting week is dearer."""
    schedule = solve_cohort(problem, seed=seed, work_limit=40, tuning=HEURISTIC)
    assert check_cohort(problem, schedule) == ()
    assert schedule.lower_bound <= brute_force(problem) <= schedule.cost


def test_pinned_sessions_are_kept_and_their_seats_held() -> None:
    """Bob keeps ``a`` (pinned): Ann, who can only use ``a`` here, waits."""
    base = small_cohort()
    problem = CohortProblem(
        offerings=base.offerings,
        patients=(
            attrs.evolve(base.patients[0], availability=WeeklyAvailability.daily("08:00", "12:00", days=[MON])),
            base.patients[1],
        ),
        pinned=(Enrollment(patient="bob", offerings=frozenset({"a"})),),
    )
    schedule = solve_cohort(problem)
    assert schedule.assignment("bob") == Assignment(patient="bob", sessions=("a",), cost=0)
    assert schedule.assignment("ann") is None
    assert check_cohort(problem, schedule) == ()


def test_time_limit_needs_a_clock() -> None:
    """The core never reads the clock: ``time_limit`` without ``clock`` is refused, saying why."""
    with pytest.raises(ClockRequiredError, match="clock"):
        solve_cohort(small_cohort(), time_limit=1.0)


def test_an_expired_clock_stops_the_improvement_but_the_answer_is_complete() -> None:
    """A clock past the deadline stops the search early; every patient is still placed or explained."""
    ticks = iter(range(1000))
    problem = contended(6)
    schedule = solve_cohort(problem, time_limit=0.5, clock=lambda: float(next(ticks)), tuning=HEURISTIC)
    assert check_cohort(problem, schedule) == ()
    assert len(schedule.assignments) + len(schedule.unscheduled) == 6


@pytest.mark.parametrize("columns", [True, False])
def test_contended_cohort_is_valid_bounded_and_improves_with_work(columns: bool) -> None:
    """More work never gives a worse answer or a weaker bound, and both are valid."""
    problem = contended(8)
    tuning = HEURISTIC if columns else NO_COLUMNS
    quick = solve_cohort(problem, work_limit=0, tuning=tuning)
    long = solve_cohort(problem, work_limit=400, seed=3, tuning=tuning)
    for s in (quick, long):
        assert check_cohort(problem, s) == ()
    assert long.cost <= quick.cost and long.lower_bound >= quick.lower_bound
    assert long.lower_bound >= long.capacity_free_bound


def test_backend_ortools_dispatches_to_the_optional_module() -> None:
    """``backend="ortools"`` calls the CP-SAT module's solver with the same arguments."""
    sentinel = solve_cohort(small_cohort())
    with mock.patch.object(solve_module, "solve_cohort_ortools", return_value=sentinel) as called:
        assert solve_cohort(small_cohort(), backend="ortools", time_limit=2.0, seed=4, work_limit=9) is sentinel
    called.assert_called_once_with(small_cohort(), time_limit=2.0, seed=4, work_limit=9)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"time_limit": -1.0, "clock": lambda: 0.0}, "$.time_limit"),
        ({"time_limit": True, "clock": lambda: 0.0}, "$.time_limit"),
        ({"clock": 3}, "$.clock"),
        ({"seed": True}, "$.seed"),
        ({"work_limit": -1}, "$.work_limit"),
        ({"backend": "gurobi"}, "$.backend"),
        ({"tuning": {"price_scale": 8}}, "$.tuning"),
        ({"time_limit": 10**400, "clock": lambda: 0.0}, "$.time_limit"),
        ({"time_limit": 1.0, "clock": lambda: "now"}, "$.clock"),
        ({"seed": 10**400}, "$.seed"),
        ({"seed": 2**31}, "$.seed"),
        ({"work_limit": 2**53 + 1}, "$.work_limit"),
        ({"colour": "red"}, "$.colour"),
    ],
)
def test_bad_arguments_are_rejected_with_their_path(kwargs: dict[str, object], path: str) -> None:
    """Each bad keyword argument raises InvalidDataError naming it."""
    with pytest.raises(InvalidDataError) as info:
        solve_cohort(small_cohort(), **kwargs)  # type: ignore[arg-type]
    assert info.value.paths == (path,)


def test_default_work_limit_is_documented() -> None:
    """The default effort is a positive number of work units."""
    assert DEFAULT_WORK_LIMIT > 0


def test_identical_patients_crowding_one_week_leave_the_rest_waiting_on_three_offerings() -> None:
    """Four identical patients need all three single seats: one is placed, three wait on all three."""
    offs = tuple(offering(f"g{d.value}", d, "09:00", "10:00") for d in (MON, TUE, WED))
    rules = WeekRules(days_min=3, components={"group_therapy": ComponentBound(min=3, max=3)})
    problem = CohortProblem(offerings=offs, patients=tuple(CohortPatient(id=f"p{i}", rules=rules) for i in range(4)))
    schedule = solve_cohort(problem, tuning=HEURISTIC)
    assert check_cohort(problem, schedule) == ()
    assert schedule.scheduled == 1 and schedule.lower_bound > schedule.capacity_free_bound
    assert {u.blocking for u in schedule.unscheduled} == {("g1", "g2", "g3")}


@pytest.mark.parametrize("columns", [True, False])
def test_an_integrality_gap_leaves_the_bound_below_the_cost_and_the_search_ends(columns: bool) -> None:
    """Three patients each need a different pair of three single seats: one fits; the bound cannot prove it."""
    offs = tuple(offering(x, d, "09:00", "10:00") for x, d in (("a", MON), ("b", TUE), ("c", WED)))
    two = WeekRules(components={"group_therapy": ComponentBound(min=2, max=2)})
    pairs = {"p": (MON, TUE), "q": (TUE, WED), "r": (MON, WED)}
    problem = CohortProblem(
        offerings=offs,
        patients=tuple(
            CohortPatient(id=k, rules=two, availability=WeeklyAvailability.daily("08:00", "12:00", days=days))
            for k, days in pairs.items()
        ),
        unscheduled_cost=10,
    )
    schedule = solve_cohort(problem, tuning=HEURISTIC if columns else NO_COLUMNS)
    assert check_cohort(problem, schedule) == ()
    assert schedule.scheduled == 1 and schedule.cost == brute_force(problem)
    assert schedule.capacity_free_bound < schedule.lower_bound < schedule.cost and not schedule.optimal


@settings(max_examples=25)
@given(cohort_problems(max_patients=3, max_offerings=5), st.integers(0, 30))
def test_without_subset_moves_the_lagrangian_path_is_valid_and_bounded(problem: CohortProblem, work: int) -> None:
    """The Lagrangian rounds alone (no subset moves, no counting bound) keep plans valid and bounds proven."""
    tuning = attrs.evolve(NO_COLUMNS, subset_moves_first=0, subset_moves=0)
    with mock.patch.object(solve_module, "counting_bound", lambda ctx, free: free):  # a phase off, not a constant
        schedule = solve_cohort(problem, work_limit=work, tuning=tuning)
    assert check_cohort(problem, schedule) == ()
    assert schedule.capacity_free_bound <= schedule.lower_bound <= brute_force(problem) <= schedule.cost


@pytest.mark.parametrize(("n", "shift"), [(10, 1), (8, 2), (10, 3), (12, 1), (10, 4), (12, 5)])
@pytest.mark.parametrize("subset_moves", [True, False])
def test_crowded_cohorts_stay_valid_and_bounded_with_or_without_subset_moves(
    n: int, shift: int, subset_moves: bool
) -> None:
    """On crowded cohorts where the first plan is not the last, every step keeps the plan valid and the bound proven
    (without column generation, which would prove most of them optimal at once)."""
    problem = crowded(n, shift)
    tuning = NO_COLUMNS if subset_moves else attrs.evolve(NO_COLUMNS, subset_moves_first=0, subset_moves=0)
    quick = solve_cohort(problem, work_limit=50, seed=3, tuning=tuning)
    long = solve_cohort(problem, work_limit=400, seed=3, tuning=tuning)
    for schedule in (quick, long):
        assert check_cohort(problem, schedule, deep=True) == ()
        assert schedule.capacity_free_bound <= schedule.lower_bound <= schedule.cost
    assert long.lower_bound >= quick.lower_bound
