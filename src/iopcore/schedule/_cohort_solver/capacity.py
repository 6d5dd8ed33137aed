"""Capacity planning: which added seat or session would admit the most waiting patients.

:func:`suggest_capacity` ranks candidate changes by re-solving the cohort with each one, in
phases (``docs/explanation/cohort-scheduling.md``, "Capacity planning"):

1. **The cohort, with everyone kept** (:mod:`.capacity_state`): no plan considered drops a
   patient the schedule places; every distinct patient's week alone is found.
2. **Re-planning without a change** (unless the schedule is proven optimal): a plan that is
   not optimal may admit someone without new capacity; every change starts from this plan.
   Then each patient still waiting gets their week with the fewest full offerings (their
   *needs*).
3. **Screening**, without a search: a change can admit a waiting patient *directly* (they
   can use the changed offering, and, for more seats on an offering, need only it), or by a
   *chain* (holders of the seats they need, no more of those than the change adds seats, can
   use it and move). Changes that can do neither are not re-solved.
4. **Re-solving**, most promising first, from the re-plan: the direct patients' cheapest
   weeks in the seats left, the chains' holders moved; then, for the changes that may admit
   more, most admitted first, ejections and exact placements of each patient still waiting
   together with holders of the seats they need.
5. **Small cohorts exactly**: when the exact search applies (every patient with at most
   ``exact_max_offerings`` usable offerings), every change is solved exactly instead, on the
   objective (cost, then the most patients scheduled).
6. **Finishing** the best *k*: each change is made to the problem, the plan checked against
   it (weeks, pins, seats) and its schedule built, with bounds and reasons.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Annotated

from iopcore import _fields as f
from iopcore.errors import ClockRequiredError, ErrorItem, InvalidArgumentError
from iopcore.schedule._capacity import (
    AddSeats,
    AddSession,
    CapacityChange,
    CapacityReport,
    CapacitySuggestion,
    apply_change,
    change_problems,
)
from iopcore.schedule._cohort import Assignment, CohortProblem, CohortSchedule, schedule_mismatch
from iopcore.schedule._cohort_solver.bounds import alone_term, capacity_free_optimum, counting_bound
from iopcore.schedule._cohort_solver.budget import Budget, BudgetSpent
from iopcore.schedule._cohort_solver.capacity_state import (
    Cohort,
    Result,
    Target,
    can_use,
    derive,
    enforce,
    exact_applies,
    feasible,
    lexicographic,
    plan_of,
    prepare,
    rebuild,
    remember_owns,
    result,
    solve_alone_if_known,
    solve_alone_with_hint,
    target,
    within_time,
)
from iopcore.schedule._cohort_solver.exact import exact_plan
from iopcore.schedule._cohort_solver.explanations import reasons_for
from iopcore.schedule._cohort_solver.moves import best_subset_placement, eject_holders, ejection_repair
from iopcore.schedule._cohort_solver.pricing import best_week, week_ignoring_seats, wish_list
from iopcore.schedule._cohort_solver.state import (
    Context,
    Group,
    Plan,
    build_context,
    free_seats,
    plan_cost,
    seat_holders,
    take_seats,
    week_cost,
)
from iopcore.schedule._cohort_solver.tuning import DEFAULT_TUNING, CohortTuning

__all__ = ["DEFAULT_CAPACITY_WORK_LIMIT", "suggest_capacity"]

DEFAULT_CAPACITY_WORK_LIMIT = 5_000
"""Default effort of :func:`suggest_capacity`'s re-planning, screening and re-solving, in work units
(one unit is one single-patient search). Preparing the cohort and finishing the suggestions are not cut by it."""

Movers = Callable[[int], bool]
"""Whether a patient may be moved to make room (a holder who can use the changed offering)."""


@f.guard
def suggest_capacity(
    problem: CohortProblem,
    schedule: CohortSchedule,
    changes: Sequence[AddSeats | AddSession],
    *,
    k: Annotated[int, f.Range(min_value=1, max_value=10_000)] = 3,
    time_limit: Annotated[float, f.Range(min_value=0)] | None = None,
    clock: Callable[[], float] | None = None,
    work_limit: Annotated[int, f.Range(min_value=0, max_value=2**53)] = DEFAULT_CAPACITY_WORK_LIMIT,
    tuning: CohortTuning = DEFAULT_TUNING,
) -> CapacityReport:
    """The *k* changes among *changes* that admit the most waiting patients into *schedule*, best first.

    A waiting patient is one *schedule* leaves out. A change admits the waiting patients that a
    plan of the changed problem schedules while it keeps every patient *schedule* schedules
    (their weeks may move). Each :class:`~iopcore.schedule.CapacitySuggestion` holds that plan
    as a schedule of ``change.apply(problem)`` that :func:`~iopcore.schedule.check_cohort`
    accepts, the patients it admits and its cost. Changes are ranked by patients admitted,
    then cost, then their order in *changes* (a change given twice counts once); only those
    that admit more than re-planning without a change would (``CapacityReport.replan``) are
    suggested.

    On small cohorts (every patient with at most ``tuning.exact_max_offerings`` usable
    offerings) each change is solved exactly, on the cohort objective with ties broken
    towards more patients scheduled: the suggestions are then the true best *k* (``exact``).
    Otherwise the admissions found are real but not proven to be the most: the changes are
    screened and re-solved by moves (see ``docs/explanation/cohort-scheduling.md``).

    *work_limit* (work units: single-patient searches) and *time_limit* (seconds, measured by
    *clock*, which the core never reads itself) bound the re-planning, screening and
    re-solving; changes not reached are left out of the ranking (``complete`` false).
    Preparing the cohort (one search per distinct patient) counts against *time_limit* but not
    against *work_limit*; when the time is up before it is done, no change is evaluated (an empty,
    incomplete report). Finishing the *k* suggestions always runs (each changed problem built, its
    plan checked); in it, the weeks alone not known from before (patients who can use a new session)
    and the reasons of the patients left out are searched for while the time lasts: those not
    reached count 0 in that schedule's ``capacity_free_bound`` and are listed in its
    ``alone_not_computed``, or are left out ``not_computed``.
    The share of the budget left that re-planning without a change may take is the tuning's
    ``capacity_phase_share``.

    *schedule* must be a feasible schedule of *problem*; each change must fit *problem* (an
    :class:`~iopcore.schedule.AddSeats` on one of its offerings, an
    :class:`~iopcore.schedule.AddSession` with a new id and a component its patients know).
    """
    _check_arguments(problem, schedule, changes, time_limit, clock)
    budget = Budget(work_limit=work_limit, time_limit=time_limit, clock=clock, reasons_share=0.0)
    distinct = list(dict.fromkeys(changes))
    cohort = prepare(problem, schedule, distinct, budget, tuning)
    budget.work_limit += budget.work  # the work limit counts from here: preparing is cut by time only
    if not cohort.waiting:
        return CapacityReport(
            suggestions=(), waiting=0, changes=len(distinct), evaluated=0, exact=True, work=budget.work
        )
    if not cohort.prepared:  # the time limit ended before every patient's week alone was known
        return CapacityReport(
            suggestions=(),
            waiting=len(cohort.waiting),
            changes=len(distinct),
            evaluated=0,
            exact=False,
            complete=False,
            work=budget.work,
        )
    results: dict[int, Result] = {}
    exact = exact_applies(cohort.ctx)
    base = _solve_exactly(cohort, None) if exact else None
    stopped = False
    if base is None:
        exact = False
        base, stopped = _replan(cohort)
    else:  # every change starts from the exact re-plan, a plan of the same context
        replanned = plan_of(cohort.ctx, base.weeks)
        assert replanned is not None
        cohort.plan = replanned
    if not stopped:
        if exact:
            stopped, exact = _solve_each_exactly(cohort, distinct, results)
        else:
            stopped = _screen_and_resolve(cohort, distinct, results)
    enforce(budget, on=False)
    better = [i for i, r in results.items() if r.count > base.count]
    better.sort(key=lambda i: (-results[i].count, results[i].cost, i))
    suggestions = tuple(_finish(cohort, distinct[i], results[i]) for i in better[:k])
    return CapacityReport(
        suggestions=suggestions,
        replan=_finish(cohort, None, base) if base.count else None,
        waiting=len(cohort.waiting),
        changes=len(distinct),
        evaluated=len(results),
        exact=exact and not stopped,
        complete=not stopped,
        work=budget.work,
    )


def _check_arguments(
    problem: CohortProblem,
    schedule: CohortSchedule,
    changes: Sequence[CapacityChange],
    time_limit: float | None,
    clock: Callable[[], float] | None,
) -> None:
    """What the annotations cannot say: the schedule and the changes fit the problem; a time limit has a clock."""
    if time_limit is not None and clock is None:
        raise ClockRequiredError(callable="suggest_capacity")
    items = schedule_mismatch(schedule, problem, "$.schedule")
    for i, change in enumerate(changes):
        items.extend(change_problems(change, problem, f"$.changes[{i}]"))
    if time_limit is not None and clock is not None and not f.is_number(clock()):
        items.append(
            ErrorItem(
                path="$.clock",
                message="expected a clock returning seconds as a number, got one returning another type",
                rule="type",
            )
        )
    if items:
        raise InvalidArgumentError(items, callable="suggest_capacity")


def _solve_exactly(cohort: Cohort, change: CapacityChange | None) -> Result | None:
    """The exact plan of the cohort with *change* made (everyone scheduled kept), or ``None`` when the exact
    search does not apply to it or gives up. The re-plan (no change) runs outside the budget."""
    base = cohort.ctx
    if change is None:
        ctx = base
    else:
        enforce(base.budget, on=True)
        ctx = build_context(apply_change(base.problem, change), base.budget, cohort.tuning)
        capacity_free_optimum(ctx)
        remember_owns(cohort, ctx)
    if not exact_applies(ctx):
        return None
    plan = exact_plan(lexicographic(ctx))
    return (
        None if plan is None else result(cohort, ctx, plan, True, 0 if change is None else target(cohort, change).added)
    )


def _solve_each_exactly(
    cohort: Cohort, changes: Sequence[CapacityChange], results: dict[int, Result]
) -> tuple[bool, bool]:
    """Every change solved exactly (into *results*), or by moves where the exact search does not apply;
    returns whether the budget ended and whether every change was solved exactly."""
    exact = True
    for i, change in enumerate(changes):
        try:
            found = _solve_exactly(cohort, change)
        except BudgetSpent:
            return True, False
        if found is None:
            exact = False
            where = target(cohort, change)
            waiting = [w for w in cohort.waiting if cohort.plan[w] is None]
            ctx, plan, stopped = _quick(cohort, where, waiting, [])
            if not stopped:
                stopped = _deepen(cohort, ctx, plan, where, waiting, [])
            found = result(cohort, ctx, plan, False, where.added)
            if stopped:
                results[i] = found
                return True, False
        results[i] = found
    return False, exact


def _replan(cohort: Cohort) -> tuple[Result, bool]:
    """The schedule re-planned without a change, and whether the budget ended; a schedule proven optimal stays."""
    ctx = cohort.ctx
    budget = ctx.budget
    plan = list(cohort.plan)
    stopped = False
    if not _proven_optimal(cohort):

        def replan() -> None:
            _insert(ctx, plan, cohort.waiting)
            rest = [w for w in cohort.waiting if plan[w] is None and ctx.groups[ctx.of_patient[w]].own is not None]
            if rest:
                ejection_repair(ctx, plan, rest)
            for w in rest:
                if plan[w] is None:
                    _place_with_holders(ctx, plan, w, None)

        stopped = _within_share(
            budget, cohort.tuning.capacity_phase_share, replan
        )  # the plan is valid at every step: the changes start from it
    cohort.plan = plan
    return result(cohort, ctx, plan, False, 0), stopped


def _within_share(budget: Budget, share: float, phase: Callable[[], None]) -> bool:
    """Run *phase* with *share* (the tuning's ``capacity_phase_share``) of the work and time left (a stop
    there ends only the phase); returns whether the whole budget is spent afterwards."""
    work_limit = budget.work_limit
    enforce(budget, on=True)
    budget.work_limit = min(work_limit, budget.work + int(share * max(0, work_limit - budget.work)))
    if budget.end is not None and budget.clock is not None:
        now = budget.clock()
        budget.deadline = now + share * max(0.0, budget.end - now)
    with contextlib.suppress(BudgetSpent):
        phase()
    enforce(budget, on=False)
    enforce(budget, on=True)
    budget.work_limit = work_limit
    return budget.work >= work_limit or not budget.left()


def _proven_optimal(cohort: Cohort) -> bool:
    """Whether the schedule's plan meets the capacity-free bound (computed here, not taken from the schedule):
    then no plan admits anyone without a change."""
    ctx = cohort.ctx
    free = sum(
        (group.unscheduled if group.own is None else min(group.unscheduled, group.own_cost)) * len(group.members)
        for group in ctx.groups
    )
    return plan_cost(ctx, cohort.plan) <= free


def _insert(ctx: Context, plan: Plan, waiting: Sequence[int]) -> None:
    """Each of *waiting* left out by *plan* takes their cheapest week in the seats left, if worth it (in place).

    Patients with no week alone are skipped.
    """
    left = free_seats(ctx, plan)
    for w in waiting:
        group = ctx.groups[ctx.of_patient[w]]
        if plan[w] is not None or group.own is None:
            continue
        found = best_week(ctx, group, None, frozenset(o for o in group.offering if left[o] <= 0))
        if found is not None and week_cost(group, found[0]) < group.unscheduled:
            plan[w] = found[0]
            take_seats(ctx, w, found[0], left, 1)


def _place_with_holders(ctx: Context, plan: Plan, w: int, movers: Movers | None) -> None:
    """Place *w* together with one holder of each full offering of *w*'s cheapest week (*movers* first),
    exactly, when that costs less (in place)."""
    left = free_seats(ctx, plan)
    group = ctx.groups[ctx.of_patient[w]]
    closed = frozenset(o for o in group.offering if left[o] <= 0)
    members = [w]
    for o in wish_list(ctx, group, closed):
        holders = [h for h in seat_holders(ctx, plan, {o}) if h not in members]
        if holders and len(members) < ctx.tuning.subset_size_max:
            if movers is not None:
                holders.sort(key=lambda h: (not movers(h), h))
            members.append(holders[0])
    before = group.unscheduled
    for h in members[1:]:
        chosen = plan[h]
        assert chosen is not None
        before += week_cost(ctx.groups[ctx.of_patient[h]], chosen)
        take_seats(ctx, h, chosen, left, -1)
    found = best_subset_placement(ctx, members, left, ctx.tuning.subset_nodes * len(members), before)
    if found is not None and found[0] < before:
        for p, week in zip(members, found[1], strict=True):
            plan[p] = week


def _screen_and_resolve(cohort: Cohort, changes: Sequence[CapacityChange], results: dict[int, Result]) -> bool:
    """Screen every change, re-solve the promising ones quickly, then deepen those that may admit more,
    most admitted first (into *results*); returns whether the budget ended."""
    if _find_needs(cohort):
        return True
    work: dict[int, tuple[Context, Plan, Target, list[int], list[int]]] = {}
    for _, i, where, direct, chain in _screen(cohort, changes):
        ctx_c, plan, stopped = _quick(cohort, where, direct, chain)
        results[i] = result(cohort, ctx_c, plan, False, where.added)
        work[i] = (ctx_c, plan, where, direct, chain)
        if stopped:
            return True
    for i in sorted(work, key=lambda i: (-results[i].count, i)):
        ctx_c, plan, where, direct, chain = work[i]
        if results[i].count >= len(direct) + len(chain):
            continue  # every patient it could help is admitted
        stopped = _deepen(cohort, ctx_c, plan, where, direct, chain)
        results[i] = result(cohort, ctx_c, plan, False, where.added)
        if stopped:
            return True
    return False


def _find_needs(cohort: Cohort) -> bool:
    """Each waiting group's week with the fewest full offerings in the re-plan, and those; returns whether
    the budget is spent.

    First a known week (found so far: its week alone is one) for every group, with no search; then,
    while a share of the budget lasts, largest unscheduled cost first, a search for the week with the
    fewest for each group whose known week needs more than one (that search can take a hundred times
    longer than one for a week).
    """
    ctx, plan = cohort.ctx, cohort.plan
    closed = frozenset(o for o, r in enumerate(free_seats(ctx, plan)) if r <= 0)
    waiting = []
    for w in cohort.waiting:
        g = ctx.of_patient[w]
        group = ctx.groups[g]
        if plan[w] is None and group.own is not None and g not in cohort.needs:
            known = group.pool or {group.own: group.own_cost}
            week = min(known, key=lambda week: (len(_blocked(group, week, closed)), known[week], week))
            cohort.needs[g] = (week, _blocked(group, week, closed))
            if len(cohort.needs[g][1]) > 1:
                waiting.append(g)
    waiting.sort(key=lambda g: (-ctx.groups[g].unscheduled, g))

    def refine() -> None:
        for g in waiting:
            group = ctx.groups[g]
            week = week_ignoring_seats(ctx, group, closed, fewest_first=True)
            cohort.needs[g] = (week, _blocked(group, week, closed))

    return _within_share(ctx.budget, cohort.tuning.capacity_phase_share, refine) if waiting else not ctx.budget.left()


def _blocked(group: Group, week: tuple[int, ...], closed: frozenset[int]) -> tuple[int, ...]:
    """The *closed* offerings (context indices) of *week* that the group does not keep already."""
    return tuple(group.offering[i] for i in week if group.offering[i] in closed and i not in group.pinned)


def _screen(cohort: Cohort, changes: Sequence[CapacityChange]) -> list[tuple[int, int, Target, list[int], list[int]]]:
    """The changes that may admit someone, most patients helped first: (how many, index, target, the
    patients it may admit directly, those it may admit by moving holders)."""
    ctx, plan = cohort.ctx, cohort.plan
    left = free_seats(ctx, plan)
    holders: dict[int, list[int]] = {}
    for p, chosen in enumerate(plan):
        if chosen is not None:
            group = ctx.groups[ctx.of_patient[p]]
            for i in chosen:
                if i not in group.pinned:
                    holders.setdefault(group.offering[i], []).append(p)
    out = [w for w in cohort.waiting if plan[w] is None]
    queue = []
    for i, change in enumerate(changes):
        where = target(cohort, change)
        if not where.rebuild and left[where.position] > 0:
            continue  # a seat is free there already
        use: dict[int, bool] = {}

        def usable(p: int, where: Target = where, use: dict[int, bool] = use) -> bool:
            g = ctx.of_patient[p]
            if g not in use:
                use[g] = can_use(cohort, where, g)
            return use[g]

        direct, chain = [], []
        for w in out:
            g = ctx.of_patient[w]
            need = cohort.needs.get(g, ((), ()))[1]
            if usable(w) and (where.rebuild or len(need) == 1):
                direct.append(w)
            elif 1 <= len(need) <= where.seats and any(usable(h) for x in need for h in holders.get(x, ())):
                chain.append(w)
        if direct or chain:
            queue.append((len(direct) + len(chain), i, where, direct, chain))
    queue.sort(key=lambda item: (-item[0], item[1]))
    return queue


def _movers(cohort: Cohort, ctx: Context, where: Target) -> Movers:
    use: dict[int, bool] = {}

    def movers(p: int) -> bool:
        g = ctx.of_patient[p]
        if g not in use:
            use[g] = can_use(cohort, where, g)
        return use[g]

    return movers


def _quick(cohort: Cohort, where: Target, direct: Sequence[int], chain: Sequence[int]) -> tuple[Context, Plan, bool]:
    """The change's context and plan from the re-plan, with the *direct* patients' cheapest weeks in the
    seats left and the *chain* patients placed by moving holders who can use the changed offering;
    and whether the budget ended (the plan is valid either way)."""
    ctx = derive(cohort, where)
    plan = list(cohort.plan)
    movers = _movers(cohort, ctx, where)
    stopped = False
    try:
        if where.rebuild:
            helpers = {
                ctx.of_patient[h]
                for w in chain
                for x in cohort.needs[ctx.of_patient[w]][1]
                for h in seat_holders(ctx, plan, {x})
            }
            rebuild(cohort, ctx, where, {ctx.of_patient[w] for w in direct} | helpers)
        _insert(ctx, plan, direct)
        left = free_seats(ctx, plan)
        for w in chain:
            group = ctx.groups[ctx.of_patient[w]]
            week, need = cohort.needs[ctx.of_patient[w]]
            gain = group.unscheduled - week_cost(group, week)
            if plan[w] is None and gain > 0:
                eject_holders(ctx, plan, left, w, week, [x for x in need if left[x] <= 0], gain, movers)
    except BudgetSpent:
        stopped = True
    return ctx, plan, stopped


def _deepen(
    cohort: Cohort, ctx: Context, plan: Plan, where: Target, direct: Sequence[int], chain: Sequence[int]
) -> bool:
    """Ejections for the *direct* patients still waiting, then exact placements with holders for all of
    *direct* and *chain* still waiting (in place); returns whether the budget ended."""
    try:
        if where.rebuild:  # every group that can use the change sees it now: any holder may move to it
            rebuild(cohort, ctx, where, range(len(ctx.groups)))
        rest = [w for w in direct if plan[w] is None and ctx.groups[ctx.of_patient[w]].own is not None]
        if rest:
            ejection_repair(ctx, plan, rest)
        movers = _movers(cohort, ctx, where)
        for w in [*direct, *chain]:
            if plan[w] is None and ctx.groups[ctx.of_patient[w]].own is not None:
                _place_with_holders(ctx, plan, w, movers)
    except BudgetSpent:
        return True
    return False


def _finish(cohort: Cohort, change: CapacityChange | None, found: Result) -> CapacitySuggestion:
    """The suggestion of *change*: its plan checked against the changed problem, with bounds and reasons."""
    problem = apply_change(cohort.problem, change)
    budget = cohort.ctx.budget
    ctx = build_context(problem, budget, cohort.tuning)
    # Weeks alone known from before need no search; the others (a change's new usable offering) are
    # searched while the time limit lasts, and the rest stay unknown: their patients count 0 in the
    # capacity-free bound, as in a cut solve_cohort run, and are listed as not computed.
    unknown = [group for group in ctx.groups if not solve_alone_if_known(cohort, ctx, group)]

    def search_unknown() -> None:
        for group in unknown:
            solve_alone_with_hint(cohort, ctx, group)

    within_time(budget, search_unknown)
    plan = plan_of(ctx, found.weeks)
    # The seats of every offering, and by the single-patient checker the weeks that differ from the
    # caller's schedule (those were checked when preparing, and a change adds seats or an offering,
    # which cannot break a week that does not use it).
    moved = [p for p, week in enumerate(found.weeks) if week is not None and frozenset(week) != cohort.given[p]]
    assert plan is not None and feasible(ctx, plan, cohort.pins, moved), "a capacity plan failed its check"
    cost = plan_cost(ctx, plan)
    free = sum(alone_term(group) * len(group.members) for group in ctx.groups)
    lower = min(max(free, counting_bound(ctx, free)), cost)
    patients = ctx.patients
    out = [p for p, chosen in enumerate(plan) if chosen is None]
    assignments = []
    for p, chosen in enumerate(plan):
        if chosen is not None:
            group = ctx.groups[ctx.of_patient[p]]
            sessions = tuple(group.cands.offerings[i].id for i in chosen)
            assignments.append(Assignment(patient=patients[p].id, sessions=sessions, cost=week_cost(group, chosen)))
    rank = {patients[p].id: ctx.index[p] for p in range(len(plan))}  # in the problem's order, as solve_cohort lists
    # The reasons while the time limit lasts (those not reached are not computed, as solve_cohort lists them).
    unscheduled = within_time(budget, lambda: reasons_for(ctx, out, free_seats(ctx, plan)))
    assert unscheduled is not None  # reasons_for stops by itself, marking the rest not computed
    # Scheduled patients whose week alone in the changed problem the time limit left unknown.
    alone_unknown = [
        patients[p].id
        for p, chosen in enumerate(plan)
        if chosen is not None and not ctx.groups[ctx.of_patient[p]].solved
    ]
    schedule = CohortSchedule(
        assignments=tuple(sorted(assignments, key=lambda a: rank[a.patient])),
        unscheduled=tuple(sorted(unscheduled, key=lambda u: rank[u.patient])),
        cost=cost,
        lower_bound=lower,
        capacity_free_bound=min(free, lower),
        optimal=lower == cost,
        backend="iopcore",
        work=ctx.work,
        alone_not_computed=tuple(sorted(alone_unknown, key=rank.__getitem__)),
    )
    admitted = tuple(patients[p].id for p in sorted(cohort.waiting, key=lambda p: ctx.index[p]) if plan[p] is not None)
    return CapacitySuggestion(change=change, admitted=admitted, cost=cost, schedule=schedule, proven=found.proven)
