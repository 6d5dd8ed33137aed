"""The facade: :func:`solve_cohort` checks its arguments and runs the solver's phases in order, inside one budget."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Annotated, Literal

from iopcore import _fields as f
from iopcore.errors import ClockRequiredError, ErrorItem, InvalidArgumentError
from iopcore.schedule._cohort import Assignment, CohortProblem, CohortSchedule, Unscheduled
from iopcore.schedule._cohort_ortools import solve_cohort_ortools
from iopcore.schedule._cohort_solver.bounds import (
    PricedWeeks,
    alone_term,
    capacity_free_optimum,
    capacity_free_value,
    counting_bound,
    lagrangian_bound,
    solve_alone,
    subgradient_step,
)
from iopcore.schedule._cohort_solver.budget import Budget, BudgetSpent, ProgressCallback
from iopcore.schedule._cohort_solver.columns import column_generation, columns_first
from iopcore.schedule._cohort_solver.exact import exact_plan
from iopcore.schedule._cohort_solver.explanations import NOT_COMPUTED, reasons_for
from iopcore.schedule._cohort_solver.greedy import (
    Squeaky,
    borrow_weeks,
    crowding,
    finish_first_pass,
    greedy_pass,
    overdemanded,
)
from iopcore.schedule._cohort_solver.master import LPSolver, resolve_lp_solver
from iopcore.schedule._cohort_solver.moves import best_responses, ejection_repair, refill_full_offerings, subset_moves
from iopcore.schedule._cohort_solver.pricing import best_week
from iopcore.schedule._cohort_solver.state import (
    Context,
    Incumbent,
    Plan,
    SplitMix64,
    build_context,
    free_seats,
    placement_order,
    plan_cost,
    scheduled_count,
    take_seats,
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
    progress: ProgressCallback | None = None,
    lp_solver: LPSolver = "auto",
) -> CohortSchedule:
    """Place a cohort's patients into sessions within capacities, at least cost, with a proven lower bound.

    1. Patients with identical profiles form one group (solved once). A first pass takes
       the patients in order (fewest usable offerings first), finds each one's cheapest
       week alone (which gives the capacity-free bound) and gives them their cheapest week
       in the seats left. Small cohorts (every patient with at most 12 usable offerings)
       are solved exactly instead, by branch and bound over every patient's weeks.
    2. Counting the seats each component offers against what patients need gives how many
       must be left out (the counting bound).
    3. On cohorts of at most 48 groups column generation follows: a linear relaxation over
       the weeks found so far, solved by *lp_solver*, gives seat prices; each group's best
       week at those prices joins it, until none is new; its bound is then the
       relaxation's, and a whole solution of it is a plan (with HiGHS, a branch and bound
       over the relaxation's weeks looks for one at the bound). On larger cohorts a second
       pass steers the patients whose cheapest week uses an over-demanded offering (one the
       cheapest weeks alone ask more seats of than it holds) to their cheapest week avoiding
       those, when it costs at most twice their own optimum (the tuning's ``avoid_slack``), a
       third breaks ties among each patient's cheapest weeks towards the least crowded
       offerings, the start is repaired by ejection (moving holders of the seats a patient
       left out needs) and by best responses, and column generation runs after the first
       subset moves, within a share of the time. Then
       improvement: exact subset moves (a few patients placed again together at least cost
       by a conflict-directed branch and bound), and rounds of subgradient steps on the seat
       prices, which raise the lower bound, each with a greedy pass and repair under the
       prices and large neighbourhood moves; the cheapest plan is kept.
    4. Patients left out get a reason (:class:`~iopcore.schedule.Unscheduled`), cheapest
       first; a patient whose week fits the seats left by then is placed instead.

    **Budget.** It stops when the cost meets the bound (``optimal``), after *work_limit*
    work units of improvement (single-patient searches; the first pass and the reasons
    are not cut by it), when *time_limit* seconds by *clock* are up, or when *progress*
    asks to. The time budget covers every phase: the search ends at 95 % of it (the
    tuning's ``reasons_share``), the reasons at the whole; a patient the first pass did not
    reach, or whose reason was not reached, is left out ``not_computed``
    (:func:`~iopcore.schedule.explain_unscheduled` computes those reasons later). A first
    pass not done at half the search time (the tuning's ``first_pass_share``) first gives the
    patients it has not reached weeks borrowed from solved patients (no search), then goes
    on; those still in a borrowed week at the end are listed in the schedule's
    ``alone_not_computed``. At every
    moment there is a valid plan and a proven bound: a stop returns them. Under a work
    limit alone the answer depends only on the problem (not on the order of its patients
    or offerings), *seed*, *work_limit* and *tuning*.

    **Progress.** *progress*, when given, is called with a
    :class:`~iopcore.schedule.CohortProgress` (phase, work, seconds, best cost, bound,
    patients scheduled) at each phase, every ``progress_every`` work units (of the tuning)
    and at the end; a true return value stops the run at the next check (the reasons not
    yet computed are then ``not_computed``). Across the calls the cost never rises and the
    bound never falls.

    The numbers above are the defaults of *tuning* (a :class:`CohortTuning`), which sets
    how the pure-Python solver spends its effort.

    *lp_solver* solves column generation's linear relaxation: ``"python"``, the built-in
    revised simplex (no dependency; kept off masters of more than 400 capacity rows by
    *tuning*), ``"highs"``, HiGHS (the ``highs`` extra, ``pip install highspy``; no size limit; raises
    :class:`~iopcore.errors.HighsNotInstalledError` without it), or ``"auto"`` (the default):
    HiGHS when installed, the built-in simplex otherwise. Either gives a valid schedule and
    a valid bound within the same budget; under a *work_limit* the answer depends on the
    solver chosen (their optimal duals may differ), so pass one explicitly to get the same
    answer everywhere.

    ``backend="ortools"`` uses the optional OR-Tools CP-SAT model instead
    (the ``ortools`` extra, ``pip install ortools``); it has no tuning, no progress and no *lp_solver*.

    Arguments are checked on entry: ``time_limit`` >= 0 seconds and ``clock`` a callable
    returning seconds (required with ``time_limit`` on the default backend:
    :class:`~iopcore.errors.ClockRequiredError`); ``seed`` a 32-bit integer (-2**31 to
    2**31 - 1, the range CP-SAT accepts); ``work_limit`` from 0 to 2**53; ``lp_solver`` one
    of ``"auto"``, ``"highs"``, ``"python"``.
    """
    _check_clock(time_limit, clock, backend)
    if backend == "ortools":
        return solve_cohort_ortools(problem, time_limit=time_limit, seed=seed, work_limit=work_limit)
    budget = Budget(
        work_limit=work_limit,
        time_limit=time_limit,
        clock=clock,
        progress=progress,
        progress_every=tuning.progress_every,
        reasons_share=tuning.reasons_share,
        patients=len(problem.patients),
    )
    # HighsNotInstalledError before any work; the budget's clock already runs (the first call imports HiGHS).
    chosen = resolve_lp_solver(lp_solver)
    ctx = build_context(
        problem, budget, tuning, prepare_all=False, lp_solver=chosen
    )  # groups prepared when first solved
    run = Incumbent(ctx)
    with contextlib.suppress(BudgetSpent):
        _search(ctx, run, seed)
    run.settle()
    return _schedule_of(ctx, run)


def _search(ctx: Context, run: Incumbent, seed: int) -> None:
    """The phases up to the reasons; any of them may stop the run (:class:`BudgetSpent`)."""
    budget = ctx.budget
    if _exact_fits(ctx):
        budget.enter("exact")
        free = capacity_free_optimum(ctx)
        run.free = free
        run.bounded(free)
        exact = exact_plan(ctx)
        if exact is not None:
            run.keep(exact)
            run.bounded(run.best_cost)
            return
    budget.enter("first_pass")
    first: Plan = [None] * len(ctx.of_patient)
    try:
        _first_pass(ctx, first)
    finally:
        run.first, run.first_cost = first, plan_cost(ctx, first)
        run.keep(first, run.first_cost)
        run.free = capacity_free_value(ctx)
        run.bounded(run.free)
    budget.limited = True
    # The counting bound right away (a few milliseconds, 0.1 s at 1,000 groups): a stop in the repairs keeps it.
    run.bounded(counting_bound(ctx, run.free))
    # Small cohorts go straight to column generation, which needs neither a calmer nor a repaired start.
    small = columns_first(ctx)
    if not small:
        budget.enter("repair")
        # A pass steering the patients with alternatives off the over-demanded offerings (kept if it is cheaper).
        run.offer(greedy_pass(ctx, placement_order(ctx, None), None, avoid=overdemanded(ctx)))
        if ctx.tuning.calm_pass:
            # A pass choosing, among each patient's cheapest weeks, the one on the least crowded offerings.
            # It leaves more room to improve on: it is the start unless it is dearer by over 0.1 % or schedules
            # fewer (the first pass stays the fallback, so the answer is never dearer than the first pass).
            calm = greedy_pass(ctx, placement_order(ctx, None), None, ties=crowding(ctx))
            calm_cost = plan_cost(ctx, calm)
            if calm_cost < run.best_cost or (
                scheduled_count(calm) >= scheduled_count(run.best)
                and calm_cost <= run.best_cost + run.best_cost // 1000
            ):
                run.keep(calm, calm_cost)
        run.keep(list(run.best), run.best_cost)  # the first pass stays as it was: it is the fallback
        ejection_repair(ctx, run.best)  # each step leaves a valid plan, no dearer, when it stops
        best_responses(ctx, run.best)
        run.keep(run.best)
    if run.best_cost > run.bound:
        _improve(ctx, run, SplitMix64(seed))


def _first_pass(ctx: Context, plan: Plan) -> None:
    """The first pass into *plan* (in place): each patient in order gets their cheapest week in the seats left.

    With a time limit, at ``first_pass_share`` of the search time a pass not done yet first gives
    the patients it has not reached weeks borrowed from the solved ones (:func:`borrow_weeks`, no
    search), then goes on with their own searches (those still left out first), each keeping the
    borrowed week unless their best week in the seats left is cheaper. Without a time limit it is
    one plain pass, so the answer under a work limit does not depend on the machine.
    """
    budget = ctx.budget
    order = placement_order(ctx, None)
    hard, clock = budget.deadline, budget.clock
    share = ctx.tuning.first_pass_share
    if hard is None or clock is None or share >= 1.0 or not ctx.tuning.borrow_checks:
        greedy_pass(ctx, order, None, plan=plan)
        return
    began = clock()
    budget.deadline = began + share * max(0.0, hard - began)
    try:
        greedy_pass(ctx, order, None, plan=plan)
        return
    except BudgetSpent:
        if budget.stopped != "time" or clock() >= hard:
            raise
        budget.stopped = None
    finally:
        budget.deadline = hard
    rest = [p for p in order if not ctx.groups[ctx.of_patient[p]].solved]
    borrow_weeks(ctx, plan, rest)
    # Those still left out first: a week saves their unscheduled cost, a better week than the borrowed one far less.
    finish_first_pass(ctx, plan, [p for p in rest if plan[p] is None] + [p for p in rest if plan[p] is not None])


def _exact_fits(ctx: Context) -> bool:
    """Whether every group with a week alone has at most ``exact_max_offerings`` usable offerings
    (groups with more are solved first, until one has a week)."""
    most = ctx.tuning.exact_max_offerings
    for group in ctx.groups:
        if group.usable > most:
            solve_alone(ctx, group)
            if group.feasible:
                return False
    return True


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


def _improve(ctx: Context, run: Incumbent, rng: SplitMix64) -> None:
    """Subset moves, then rounds of subgradient steps on seat prices for the bound and repairs for the plan.

    Each round prices every group exactly (a valid bound, and new weeks for the pool),
    builds and repairs an assignment under the prices, tries large neighbourhood moves,
    then spends a share of the round's work on subset moves. ``run.best`` is changed in
    place only by steps that never make it dearer, so a stop anywhere leaves it valid.
    """
    budget = ctx.budget
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
        budget.enter("columns")
        start = column_generation(ctx, run)
        if run.best_cost <= run.bound:
            return
    budget.enter("improve")
    # Subset moves grow while they find nothing (up to a limit) and shrink back when they do.
    first, most = tuning.subset_size, tuning.subset_size_max
    try:
        better = subset_moves(ctx, run.best, rng, tuning.subset_moves_first, first)
    finally:
        run.keep(run.best)  # a stop inside leaves the plan valid and no dearer
    size = first if better else min(first + 1, most)
    if not small:
        budget.enter("columns")
        start = column_generation(ctx, run)
        budget.enter("improve")
        _polish(ctx, run)  # the master's rounded plans leave seats that patients left out can take
    # The subgradient steps start from the linear relaxation's prices, when there are some.
    prices = [0] * len(ctx.residual) if start is None else [p * scale // master_scale for p in start]
    best_scaled = scale * run.bound
    squeaky = Squeaky(ctx)
    rounds = idle = 0
    while run.best_cost > run.bound:
        rounds += 1
        spent, start_cost = ctx.work, run.best_cost
        round_start = spent
        # Squeaky-wheel passes: cheap, and they move the patients left out to the front.
        improved = False
        for _ in range(tuning.squeaky_passes):
            improved = run.offer(squeaky.place(rng)) or improved
        # A subgradient step (every round on small cohorts, else every few: it prices every group).
        lagrange = theta >= 1e-3 and (small or rounds % tuning.lagrangian_every == 1 % tuning.lagrangian_every)
        if lagrange:
            value, grad = lagrangian_bound(ctx, prices, previous, scale)
            if value > best_scaled:
                best_scaled, stall = value, 0
                run.bounded(-(-value // scale))
            else:
                stall += 1
                if stall >= tuning.step_patience:
                    theta, stall = theta / 2, 0
            if run.best_cost <= run.bound:
                break
            plan = greedy_pass(ctx, placement_order(ctx, rng), prices, pooled=tuning.pooled_weeks)
            ejection_repair(ctx, plan)
            improved = run.offer(plan) or improved
        candidate = list(run.best)
        try:
            refill_full_offerings(ctx, candidate, rng)  # a stop inside leaves *candidate* valid, no dearer
        finally:
            improved = run.offer(candidate) or improved
        if improved:
            _polish(ctx, run)
        # Subset moves get a share of the work the rest of the round took (at least a few moves' worth).
        # It doubles (up to all of it) when they gained more per unit of work than the rest of the
        # round, and halves (down to an eighth) when they gained less.
        rest_gain, rest_work = start_cost - run.best_cost, ctx.work - spent
        before, spent = run.best_cost, ctx.work
        spend = max(int(share * rest_work), tuning.subset_work_min)
        try:
            better = subset_moves(ctx, run.best, rng, tuning.subset_moves, size, spend)
        finally:
            run.keep(run.best)
        size = first if better else min(size + 1, most)
        gain, work = before - run.best_cost, ctx.work - spent
        if gain * rest_work > rest_gain * work:
            share = min(1.0, 2 * share)
        elif gain * rest_work < rest_gain * work:
            share = max(tuning.subset_share_min, share / 2)
        if lagrange:
            direction = [g + tuning.step_deflection * d for g, d in zip(grad, direction, strict=True)]
            prices = subgradient_step(prices, direction, value, scale * run.best_cost, theta, scale)
        # Once the step factor is spent, rounds go on while they gain (or until the budget ends).
        idle = 0 if run.best_cost < start_cost else idle + 1
        if theta < 1e-3 and (idle >= tuning.idle_rounds or ctx.work == round_start):
            break


def _polish(ctx: Context, run: Incumbent) -> None:
    """Ejection repair and best responses on a copy of the best plan, kept if cheaper."""
    polished = list(run.best)
    try:
        ejection_repair(ctx, polished)
        best_responses(ctx, polished)  # each move keeps the plan valid: a stop leaves it usable
    finally:
        run.keep(polished)


def _place_or_explain(ctx: Context, plan: Plan) -> tuple[Unscheduled, ...]:
    """Reasons for everyone *plan* leaves out, cheapest first, within the budget (the rest not computed).

    A patient with a week alone whose cheapest week in the seats left costs less than
    leaving them out (the search stopped before it got to them) is placed instead, in place.
    """
    left = free_seats(ctx, plan)
    try:
        for p, chosen in enumerate(plan):
            group = ctx.groups[ctx.of_patient[p]]
            if chosen is not None or not group.feasible:
                continue
            found = best_week(ctx, group, None, frozenset(o for o in group.offering if left[o] <= 0))
            if found is not None and week_cost(group, found[0]) < group.unscheduled:
                plan[p] = found[0]
                take_seats(ctx, p, found[0], left, 1)
    except BudgetSpent:
        pass
    out = [p for p, chosen in enumerate(plan) if chosen is None]
    return reasons_for(ctx, out, left)


def _schedule_of(ctx: Context, run: Incumbent) -> CohortSchedule:
    """The schedule of the run's plan, with reasons for everyone it leaves out (as far as the budget goes)."""
    budget = ctx.budget
    budget.enter("reasons")
    plan = list(run.best)
    unscheduled = _place_or_explain(ctx, plan)
    cost = plan_cost(ctx, plan)
    budget.found(cost, scheduled_count(plan))
    rank = ctx.index
    assignments: list[tuple[int, Assignment]] = []
    for p, chosen in enumerate(plan):
        if chosen is None:
            continue
        group = ctx.groups[ctx.of_patient[p]]
        assignments.append(
            (
                rank[p],
                Assignment(
                    patient=ctx.patients[p].id,
                    sessions=tuple(group.cands.offerings[i].id for i in chosen),
                    cost=week_cost(group, chosen),
                ),
            )
        )
    out_rank = {ctx.patients[p].id: rank[p] for p in range(len(plan)) if plan[p] is None}
    # The capacity-free bound of everyone but the patients left out not computed (nothing is claimed about them).
    missing = {u.patient for u in unscheduled if u.reason == NOT_COMPUTED}
    free = sum(
        alone_term(ctx.groups[ctx.of_patient[p]]) for p, patient in enumerate(ctx.patients) if patient.id not in missing
    )
    # Patients holding a week borrowed from another (a first pass stopped early) whose own was not computed.
    unknown = tuple(
        ctx.patients[p].id
        for _, p in sorted((rank[p], p) for p, chosen in enumerate(plan) if chosen is not None)
        if not ctx.groups[ctx.of_patient[p]].solved
    )
    bound = min(max(run.bound, free), cost)
    budget.bounded(bound)
    budget.enter("done")
    return CohortSchedule(
        assignments=tuple(a for _, a in sorted(assignments, key=lambda x: x[0])),
        unscheduled=tuple(sorted(unscheduled, key=lambda u: out_rank[u.patient])),
        cost=cost,
        lower_bound=bound,
        capacity_free_bound=min(free, bound),
        optimal=bound == cost,
        backend="iopcore",
        work=ctx.work,
        alone_not_computed=unknown,
    )
