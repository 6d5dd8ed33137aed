"""The facade: :func:`solve_cohort` checks its arguments and runs the solver's phases in order."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Annotated, Literal

from iopcore import _fields as f
from iopcore.errors import ClockRequiredError, ErrorItem, InvalidArgumentError
from iopcore.schedule._cohort import Assignment, CohortProblem, CohortSchedule
from iopcore.schedule._cohort_ortools import solve_cohort_ortools
from iopcore.schedule._cohort_solver.bounds import (
    PricedWeeks,
    capacity_free_optimum,
    counting_bound,
    lagrangian_bound,
    subgradient_step,
)
from iopcore.schedule._cohort_solver.columns import column_generation, columns_first
from iopcore.schedule._cohort_solver.exact import exact_plan
from iopcore.schedule._cohort_solver.explanations import reasons_for
from iopcore.schedule._cohort_solver.greedy import crowding, greedy_pass
from iopcore.schedule._cohort_solver.moves import best_responses, ejection_repair, refill_full_offerings, subset_moves
from iopcore.schedule._cohort_solver.state import (
    BudgetSpent,
    Context,
    Plan,
    SplitMix64,
    build_context,
    free_seats,
    placement_order,
    plan_cost,
    scheduled_count,
    week_cost,
)
from iopcore.schedule._cohort_solver.tuning import DEFAULT_TUNING, CohortTuning

__all__ = ["DEFAULT_WORK_LIMIT", "solve_cohort"]


DEFAULT_WORK_LIMIT = 20_000
"""Default effort of :func:`solve_cohort`'s improvement phase, in work units (one unit is
one single-patient search). The first complete assignment is always built, whatever the limit."""


_MAX_WORK_LIMIT = 2**53  # every smaller integer is exact as a float (CP-SAT's deterministic time is one)
_MAX_SEED = 2**31 - 1  # CP-SAT's random seed is a 32-bit integer


@f.guard
def solve_cohort(
    problem: CohortProblem,
    *,
    time_limit: Annotated[float, f.Range(min_value=0)] | None = None,
    seed: Annotated[int, f.Range(min_value=-_MAX_SEED - 1, max_value=_MAX_SEED)] = 0,
    work_limit: Annotated[int, f.Range(min_value=0, max_value=_MAX_WORK_LIMIT)] = DEFAULT_WORK_LIMIT,
    clock: Callable[[], float] | None = None,
    backend: Literal["iopcore", "ortools"] = "iopcore",
    tuning: CohortTuning = DEFAULT_TUNING,
) -> CohortSchedule:
    """Place a cohort's patients into sessions within capacities, at least cost, with a proven lower bound.

    1. Each patient's cheapest week alone gives the capacity-free bound (patients with
       identical profiles are solved once); counting the seats each component offers
       against what patients need gives how many must be left out (the counting bound).
    2. Small cohorts (every patient with at most 12 usable offerings) are solved exactly
       by branch and bound over every patient's weeks.
    3. Otherwise a first assignment is built greedily (fewest usable offerings first,
       each patient given their cheapest week in the seats left). On cohorts of at most
       48 groups (patients with identical profiles form one), column generation follows:
       a linear relaxation over the weeks found so far, solved by a small simplex, gives
       seat prices; each group's best week at those prices joins it, until none is new;
       its bound is then the relaxation's, and a whole solution of it is a plan. On larger
       cohorts the first assignment is repaired by ejection (moving holders of the seats a
       patient left out needs) and by best responses, and a second pass breaks ties among
       each patient's cheapest weeks towards the least crowded offerings; up to 128
       groups, column generation runs after the first subset moves. Then improvement:
       exact subset moves (a few patients, such as one paying more than their cheapest
       week and holders of the seats that week needs, placed again together at least
       cost by a conflict-directed branch and bound),
       and rounds of subgradient steps on the seat prices (Lagrange multipliers of the
       capacities), which raise the lower bound, each with a greedy pass and repair
       under the prices and large neighbourhood moves (refilling a full offering in a
       random order); the cheapest assignment is kept.
       It stops when the cost meets the bound (``optimal``) or after *work_limit* work
       units (single-patient searches); *time_limit* seconds, measured by *clock*, can
       only stop it earlier. The same *seed*, *work_limit* and *tuning* always give the same answer.
    4. Patients left out get a reason (:class:`~iopcore.schedule.Unscheduled`).

    The numbers above are the defaults of *tuning* (a :class:`CohortTuning`), which sets
    how the pure-Python solver spends its effort.

    ``backend="ortools"`` uses the optional OR-Tools CP-SAT model instead
    (``pip install iopcore[ortools]``); it has no tuning.

    Arguments are checked on entry: ``time_limit`` >= 0 seconds and ``clock`` a callable
    returning seconds (required with ``time_limit`` on the default backend:
    :class:`~iopcore.errors.ClockRequiredError`); ``seed`` a 32-bit integer (-2**31 to
    2**31 - 1, the range CP-SAT accepts); ``work_limit`` from 0 to 2**53.
    """
    _check_clock(time_limit, clock, backend)
    if backend == "ortools":
        return solve_cohort_ortools(problem, time_limit=time_limit, seed=seed, work_limit=work_limit)
    deadline = None if time_limit is None or clock is None else clock() + time_limit
    ctx = build_context(problem, work_limit, deadline, clock, tuning)
    free = capacity_free_optimum(ctx)
    exact = exact_plan(ctx)
    if exact is not None:
        cost = plan_cost(ctx, exact)
        return _schedule_of(ctx, exact, cost, cost, free, True)
    order = placement_order(ctx, None)
    first = greedy_pass(ctx, order, None)
    first_cost = plan_cost(ctx, first)
    best, best_cost = first, first_cost
    ctx.budgeted = True
    # Small cohorts go straight to column generation, which needs neither a calmer nor a repaired start.
    small = columns_first(ctx)
    if not small:
        with contextlib.suppress(BudgetSpent):
            # A second pass choosing, among each patient's cheapest weeks, the one on the least crowded offerings.
            # It leaves more room to improve on: it is the start unless it is dearer by over 0.1 % or schedules
            # fewer (the first pass stays the fallback, so the answer is never dearer than the first pass).
            calm = greedy_pass(ctx, order, None, ties=crowding(ctx))
            calm_cost = plan_cost(ctx, calm)
            if calm_cost < best_cost or (
                scheduled_count(calm) >= scheduled_count(best) and calm_cost <= best_cost + best_cost // 1000
            ):
                best, best_cost = calm, calm_cost
    best = list(best)  # the first pass stays as it was: it is the fallback
    if not small:
        with contextlib.suppress(BudgetSpent):
            ejection_repair(ctx, best)  # each step leaves a valid plan, no dearer, when it stops
            best_responses(ctx, best)
    ctx.budgeted = False
    best_cost = plan_cost(ctx, best)
    bound = counting_bound(ctx, free)
    if best_cost > bound:
        best, best_cost, bound = _improve(ctx, best, best_cost, bound, SplitMix64(seed))
    if first_cost < best_cost:
        best, best_cost = first, first_cost
    return _schedule_of(ctx, best, best_cost, bound, free, best_cost <= bound)


def _check_clock(time_limit: float | None, clock: Callable[[], float] | None, backend: str) -> None:
    """What the annotations cannot say: a time limit needs a clock (the core never reads one), which returns numbers."""
    if time_limit is None:
        return
    if clock is None:
        if backend == "iopcore":
            raise ClockRequiredError(callable="solve_cohort")
        return
    if not f.is_number(clock()):
        raise InvalidArgumentError(
            (
                ErrorItem(
                    path="$.clock",
                    message="expected a clock returning seconds as a number, got one returning another type",
                    rule="type",
                ),
            ),
            callable="solve_cohort",
        )


def _improve(ctx: Context, best: Plan, best_cost: int, bound: int, rng: SplitMix64) -> tuple[Plan, int, int]:
    """Subset moves, then rounds of subgradient steps on seat prices for the bound and repairs for the assignment.

    Each round prices every group exactly (a valid bound, and new weeks for the pool),
    builds and repairs an assignment under the prices, tries large neighbourhood moves,
    then spends a share of the round's work on subset moves. *best* is changed in place
    only by steps that never make it dearer.
    """
    ctx.budgeted = True
    tuning = ctx.tuning
    scale, master_scale = tuning.price_scale, tuning.columns_price_scale
    theta = tuning.step_factor
    stall = 0
    previous: PricedWeeks = {}
    direction = [0.0] * len(ctx.residual)
    share = 1.0
    # Column generation: first on small cohorts; on larger ones after a first burst of subset
    # moves, which improve the plan faster than the master's solves do.
    small = columns_first(ctx)
    start: list[int] | None = None
    if small:
        best, best_cost, bound, start, stopped = column_generation(ctx, best, best_cost, bound)
        if stopped or best_cost <= bound:
            ctx.budgeted = False
            return best, best_cost, bound
    try:
        # Subset moves grow while they find nothing (up to a limit) and shrink back when they do.
        first, most = tuning.subset_size, tuning.subset_size_max
        size = first if subset_moves(ctx, best, rng, tuning.subset_moves_first, first) else min(first + 1, most)
        best_cost = plan_cost(ctx, best)  # a stop inside leaves *best* valid and no dearer
        if not small:
            best, best_cost, bound, start, stopped = column_generation(ctx, best, best_cost, bound)
            if stopped:
                raise BudgetSpent  # the budget ran out inside: *best* is its best plan
        # The subgradient steps start from the linear relaxation's prices, when there are some.
        prices = [0] * len(ctx.residual) if start is None else [p * scale // master_scale for p in start]
        best_scaled = scale * bound
        while theta >= 1e-3 and best_cost > bound:
            spent, start_cost = ctx.work, best_cost
            value, grad = lagrangian_bound(ctx, prices, previous, scale)
            if value > best_scaled:
                best_scaled, stall = value, 0
                bound = max(bound, -(-value // scale))
            else:
                stall += 1
                if stall >= tuning.step_patience:
                    theta, stall = theta / 2, 0
            if best_cost <= bound:
                break
            plan = greedy_pass(ctx, placement_order(ctx, rng), prices, pooled=tuning.pooled_weeks)
            ejection_repair(ctx, plan)
            cost = plan_cost(ctx, plan)
            improved = cost < best_cost
            if improved:
                best, best_cost = plan, cost
            candidate = list(best)
            refill_full_offerings(ctx, candidate, rng)  # a stop inside leaves *best* untouched
            candidate_cost = plan_cost(ctx, candidate)
            if candidate_cost < best_cost:
                best, best_cost, improved = candidate, candidate_cost, True
            if improved:
                polished = list(best)
                best_responses(ctx, polished)  # each move keeps the plan valid: a stop leaves it usable
                best, best_cost = polished, plan_cost(ctx, polished)
            # Subset moves get a share of the work the rest of the round took (at least a few moves' worth).
            # It doubles (up to all of it) when they gained more per unit of work than the rest of the
            # round, and halves (down to an eighth) when they gained less.
            rest_gain, rest_work = start_cost - best_cost, ctx.work - spent
            before, spent = best_cost, ctx.work
            spend = max(int(share * rest_work), tuning.subset_work_min)
            better = subset_moves(ctx, best, rng, tuning.subset_moves, size, spend)
            size = first if better else min(size + 1, most)
            best_cost = plan_cost(ctx, best)
            gain, work = before - best_cost, ctx.work - spent
            if gain * rest_work > rest_gain * work:
                share = min(1.0, 2 * share)
            elif gain * rest_work < rest_gain * work:
                share = max(tuning.subset_share_min, share / 2)
            direction = [g + tuning.step_deflection * d for g, d in zip(grad, direction, strict=True)]
            prices = subgradient_step(prices, direction, value, scale * best_cost, theta, scale)
    except BudgetSpent:
        best_cost = plan_cost(ctx, best)
    ctx.budgeted = False
    return best, best_cost, bound


def _schedule_of(ctx: Context, plan: Plan, cost: int, bound: int, free: int, optimal: bool) -> CohortSchedule:
    """The schedule of *plan* (which costs *cost*), with reasons for everyone it leaves out."""
    problem = ctx.problem
    assignments: list[Assignment] = []
    out: list[int] = []
    for p, chosen in enumerate(plan):
        if chosen is None:
            out.append(p)
            continue
        group = ctx.groups[ctx.of_patient[p]]
        assignments.append(
            Assignment(
                patient=problem.patients[p].id,
                sessions=tuple(group.cands.offerings[i].id for i in chosen),
                cost=week_cost(group, chosen),
            )
        )
    assert not ctx.budgeted  # explanations are always completed
    unscheduled = reasons_for(ctx, out, free_seats(ctx, plan))
    bound = min(max(bound, free), cost)
    return CohortSchedule(
        assignments=tuple(assignments),
        unscheduled=unscheduled,
        cost=cost,
        lower_bound=bound,
        capacity_free_bound=free,
        optimal=optimal or bound == cost,
        backend="iopcore",
        work=ctx.work,
    )
