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
from iopcore.schedule._cohort_solver.bounds import capacity_free_optimum
from iopcore.schedule._cohort_solver.columns import column_generation
from iopcore.schedule._cohort_solver.greedy import greedy_pass
from iopcore.schedule._cohort_solver.master import PURE_MAX_GROUPS, LPSolver
from iopcore.schedule._cohort_solver.state import Context, Plan, build_context, placement_order, plan_cost
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


@pytest.mark.parametrize(
    ("tuning", "why"),
    [
        (CohortTuning(columns_pivots=0), "the first solve runs out of pivots"),
        (CohortTuning(columns_max_rows=12), "the master outgrows its rows once capacity rows join"),
    ],
)
def test_column_generation_gives_way_to_the_subgradient_steps(tuning: CohortTuning, why: str) -> None:
    """When the master cannot be solved, column generation returns what it was given."""
    problem = crowded(12, 1)
    ctx = prepared(problem, tuning)
    plan: Plan = [None] * len(problem.patients)
    cost = plan_cost(ctx, plan)
    assert column_generation(ctx, plan, cost, 0) == (plan, cost, 0, None, False), why


@pytest.mark.parametrize("pivots", [0, 1, 2, 3, 5, 8, 12, 20])
def test_without_a_solvable_master_the_solver_carries_on_valid_and_bounded(pivots: int) -> None:
    """Out of pivots at once or after some new weeks, the subgradient steps and subset moves take over."""
    problem = crowded(12, 1)
    best = proven_optimum(problem)
    schedule = solve_cohort(problem, work_limit=300, tuning=attrs.evolve(HEURISTIC, columns_pivots=pivots))
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

    ctx.clock, ctx.deadline, ctx.budgeted = clock, 1.0, True
    plan: Plan = [None] * len(problem.patients)
    cost, searches = plan_cost(ctx, plan), ctx.work
    # One pivot, then the stop: no search ran and the plan is the one given.
    assert column_generation(ctx, plan, cost, 0) == (plan, cost, 0, None, True)
    assert ctx.work == searches


def highs_context(problem: CohortProblem, tuning: CohortTuning = HEURISTIC) -> Context:
    """A solver context for *problem* with HiGHS as the LP solver and every group's week alone found."""
    ctx = build_context(problem, 10**9, None, None, tuning, "highs")
    capacity_free_optimum(ctx)
    return ctx


def test_with_highs_column_generation_runs_on_more_groups_than_the_pure_master_takes() -> None:
    """One more group than the pure master's limit (each patient their own unscheduled cost): the pure master
    gives way at once, HiGHS proves the optimum."""
    base = crowded(12, 1)
    patients = tuple(
        attrs.evolve(base.patients[i % 12], id=f"p{i}", unscheduled_cost=60 + i) for i in range(PURE_MAX_GROUPS + 1)
    )
    problem = attrs.evolve(base, patients=patients)
    pure = prepared(problem, HEURISTIC)
    plan: Plan = [None] * len(patients)
    cost = plan_cost(pure, plan)
    assert column_generation(pure, plan, cost, 0) == (plan, cost, 0, None, False)
    _, best_cost, bound, prices, stopped = column_generation(highs_context(problem), plan, cost, 0)
    assert prices is not None and not stopped
    assert best_cost == bound < cost


@pytest.mark.parametrize(("n", "shift"), [(10, 1), (11, 1), (13, 6), (14, 1)])
def test_with_highs_a_whole_solution_over_the_masters_weeks_closes_the_gap_column_generation_leaves(
    n: int, shift: int
) -> None:
    """On these cohorts the relaxation's optimum is not whole: HiGHS's branch and bound over the master's
    weeks finds a plan at the bound (the optimum), which column generation alone does not."""
    problem = crowded(n, shift)
    results = []
    for nodes in (0, 1000):
        ctx = highs_context(problem, attrs.evolve(HEURISTIC, columns_integer_nodes=nodes))
        start = greedy_pass(ctx, placement_order(ctx, None), None)
        best, best_cost, bound, _, _ = column_generation(ctx, start, plan_cost(ctx, start), 0)
        assert plan_cost(ctx, best) == best_cost
        results.append((best_cost, bound))
    (without, bound), (with_nodes, same_bound) = results
    assert bound == same_bound == with_nodes == proven_optimum(problem) < without
