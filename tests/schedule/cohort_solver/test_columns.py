"""Column generation: the linear relaxation's prices prove optima; a master that cannot be solved gives way."""

from __future__ import annotations

import attrs
import pytest

from iopcore.schedule import (
    CohortPatient,
    CohortProblem,
    CohortTuning,
    ComponentBound,
    WeekRules,
    check_cohort,
    solve_cohort,
)
from iopcore.schedule._cohort_solver.budget import BudgetSpent
from iopcore.schedule._cohort_solver.columns import column_generation
from iopcore.schedule._cohort_solver.greedy import greedy_pass
from iopcore.schedule._cohort_solver.master import LPSolver
from iopcore.schedule._cohort_solver.state import Incumbent, placement_order
from iopcore.times import WeeklyAvailability
from tests.schedule.builders import (
    HEURISTIC,
    MON,
    NO_COLUMNS,
    TUE,
    brute_force,
    crowded,
    offering,
    prepared,
    proven_optimum,
)

LP: tuple[LPSolver, ...] = ("python", "highs")


@pytest.mark.parametrize("lp_solver", LP)
@pytest.mark.parametrize(("n", "shift"), [(10, 1), (8, 2), (10, 3), (12, 1), (10, 4), (12, 5)])
def test_column_generation_proves_crowded_cohorts_optimal(n: int, shift: int, lp_solver: LPSolver) -> None:
    """The linear relaxation's prices prove these cohorts optimal (one more patient, infeasible alone, stays out),
    with either LP solver."""
    problem = crowded(n, shift)
    four = WeekRules(components={"group_therapy": ComponentBound(min=4, max=4)})  # Monday has three sessions
    alone = CohortPatient(id="x", rules=four, availability=WeeklyAvailability.daily("08:00", "17:00", days=[MON]))
    problem = attrs.evolve(problem, patients=(*problem.patients, alone))
    schedule = solve_cohort(problem, tuning=HEURISTIC, lp_solver=lp_solver)
    without = solve_cohort(problem, work_limit=400, seed=3, tuning=NO_COLUMNS, lp_solver=lp_solver)
    assert check_cohort(problem, schedule, deep=True) == ()
    assert schedule.optimal and schedule.cost == schedule.lower_bound
    assert without.lower_bound <= schedule.cost <= without.cost


def test_identical_patients_share_one_row_of_the_master() -> None:
    """A group of identical patients is one row with its size as right-hand side: a whole solution seats each member."""
    offs = tuple(
        offering(f"g{d.value}{s}", d, f"{9 + 2 * s}:00", f"{10 + 2 * s}:00") for d in (MON, TUE) for s in (0, 1)
    )
    rules = WeekRules(components={"group_therapy": ComponentBound(min=2, max=2)})
    problem = CohortProblem(
        offerings=offs,
        patients=(
            *(CohortPatient(id=f"p{i}", rules=rules) for i in range(3)),
            CohortPatient(id="q", rules=rules, offering_costs={"g10": 1}),
            # Five sessions of four: infeasible alone, so r has no row in the master and is left out.
            CohortPatient(id="r", rules=WeekRules(components={"group_therapy": ComponentBound(min=5, max=5)})),
        ),
    )
    schedule = solve_cohort(problem, tuning=HEURISTIC)
    assert check_cohort(problem, schedule) == ()
    # Four single seats, two sessions each: two patients fit, the cheapest two are p's.
    assert schedule.optimal and schedule.scheduled == 2 and schedule.cost == brute_force(problem)
    assert {u.patient: u.reason for u in schedule.unscheduled}["r"] == "conflict"


@pytest.mark.parametrize("lp_solver", LP)
@pytest.mark.parametrize(
    ("tuning", "why"),
    [
        (CohortTuning(columns_pivots=0, columns_highs_iterations=0), "the first solve runs out of pivots"),
        (CohortTuning(columns_max_rows=0), "the master has more capacity rows than it may"),
    ],
)
def test_column_generation_gives_way_to_the_subgradient_steps(tuning: CohortTuning, why: str, lp_solver: str) -> None:
    """When the master cannot be solved, column generation returns no prices and leaves the run as it was
    (HiGHS too: its iteration limit is the tuning's ``columns_highs_iterations``, and a row limit set by
    the tuning holds for it)."""
    problem = crowded(12, 1)
    ctx = prepared(problem, tuning, lp_solver)
    run = Incumbent(ctx)
    plan, cost = list(run.best), run.best_cost
    assert column_generation(ctx, run) is None, why
    assert (run.best, run.best_cost, run.bound) == (plan, cost, 0)


@pytest.mark.parametrize("pivots", [0, 1, 2, 3, 5, 8, 12, 20])
def test_without_a_solvable_master_the_solver_carries_on_valid_and_bounded(pivots: int) -> None:
    """Out of pivots at once or after some new weeks, the subgradient steps and subset moves take over."""
    problem = crowded(12, 1)
    best = proven_optimum(problem)
    schedule = solve_cohort(
        problem, work_limit=300, tuning=attrs.evolve(HEURISTIC, columns_pivots=pivots, columns_highs_iterations=pivots)
    )
    assert check_cohort(problem, schedule) == ()
    assert schedule.capacity_free_bound <= schedule.lower_bound <= best <= schedule.cost


@pytest.mark.parametrize(
    ("first", "works"),
    [
        (48, (0, 10, 20, 40, 80, 160, 320)),  # small: column generation first, optimal by 320 units
        # mid-sized (first above none): the first subset moves take about 206 units, column generation 13 more
        (0, (0, 100, *range(204, 222, 2), 320)),
    ],
)
def test_a_stop_during_column_generation_keeps_the_best_plan_so_far(first: int, works: tuple[int, ...]) -> None:
    """Stopped by the work limit before, during or after column generation, the plan is valid and bounded."""
    problem = crowded(12, 1)
    best = proven_optimum(problem)
    tuning = attrs.evolve(HEURISTIC, columns_first_groups=first)
    schedules = [solve_cohort(problem, work_limit=w, tuning=tuning) for w in works]
    for schedule in schedules:
        assert check_cohort(problem, schedule) == ()
        assert schedule.lower_bound <= best <= schedule.cost
    assert schedules[-1].optimal


@pytest.mark.parametrize("lp_solver", LP)
@pytest.mark.parametrize(("n", "shift"), [(10, 1), (12, 1), (12, 5)])
def test_mid_sized_cohorts_run_column_generation_after_the_first_subset_moves(
    n: int, shift: int, lp_solver: LPSolver
) -> None:
    """Above 48 groups (here: above none), the start is repaired, subset moves run first, then the master."""
    problem = crowded(n, shift)
    schedule = solve_cohort(problem, tuning=attrs.evolve(HEURISTIC, columns_first_groups=0), lp_solver=lp_solver)
    assert check_cohort(problem, schedule) == ()
    assert schedule.optimal and schedule.cost == proven_optimum(problem)


def test_a_deadline_during_a_solve_of_the_master_stops_it_between_pivots() -> None:
    """The master's solve checks the clock before each pivot (searches are not the only thing that takes time)."""
    problem = crowded(12, 1)
    ctx = prepared(problem)
    readings = iter([0.0])  # the first reading is before the deadline, every later one after it

    def clock() -> float:
        return next(readings, 2.0)

    budget = ctx.budget
    budget.clock, budget.deadline, budget.limited = clock, 1.0, True
    run = Incumbent(ctx)
    plan, cost, searches = list(run.best), run.best_cost, ctx.work
    # One pivot, then the stop: no search ran and the plan is the one given.
    with pytest.raises(BudgetSpent):
        column_generation(ctx, run)
    assert (run.best, run.best_cost, ctx.work) == (plan, cost, searches)


@pytest.mark.parametrize(("n", "shift"), [(8, 4), (9, 1), (10, 5), (13, 6)])
def test_with_highs_a_whole_solution_over_the_masters_weeks_closes_the_gap_column_generation_leaves(
    n: int, shift: int
) -> None:
    """On these cohorts the relaxation's optimum is not whole: HiGHS's branch and bound over the master's
    weeks finds a plan at the bound (the optimum), which column generation alone does not."""
    problem = crowded(n, shift)
    results = []
    for nodes in (0, 1000):
        ctx = prepared(problem, attrs.evolve(HEURISTIC, columns_integer_nodes=nodes), "highs")
        run = Incumbent(ctx)
        run.keep(greedy_pass(ctx, placement_order(ctx, None), None))
        assert column_generation(ctx, run) is not None
        results.append((run.best_cost, run.bound))
    (without, bound), (with_nodes, same_bound) = results
    assert bound == same_bound == with_nodes == proven_optimum(problem) < without


@pytest.mark.parametrize("lp_solver", LP)
@pytest.mark.parametrize(("n", "shift"), [(10, 1), (12, 5)])
def test_at_any_smoothing_column_generation_converges_to_the_relaxations_bound(
    n: int, shift: int, lp_solver: LPSolver
) -> None:
    """Smoothing only changes the path: after the mispricings (turns without a new week) the master's own
    prices are tried, so column generation ends with the same bound at every weight, with fewer searches
    the fewer turns it spends away from the master's prices."""
    problem = crowded(n, shift)
    bounds, works = [], []
    for smoothing in (0.0, 0.5, 0.9):
        ctx = prepared(problem, attrs.evolve(HEURISTIC, columns_smoothing=smoothing), lp_solver)
        run = Incumbent(ctx)
        start = ctx.work
        assert column_generation(ctx, run) is not None
        bounds.append(run.bound)
        works.append(ctx.work - start)
    assert bounds == [proven_optimum(problem)] * 3
    assert works[0] <= works[2]
