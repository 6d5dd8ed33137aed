"""Why each patient is left out: their own conflict, the seats that would admit them, or cost.

Reasons are computed per group (once for identical patients), cheapest first: a patient
with a week alone needs one or two searches (does a week fit the seats left; if not, the
fewest full offerings whose extra seats would admit them), a patient without one the
deletion filter of :func:`~iopcore.schedule.conflict` (dozens of feasibility searches), so those come
last. When the budget ends, the patients not reached are ``not_computed``;
:func:`explain_unscheduled` computes them later, on demand.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Annotated

import attrs

from iopcore import _fields as f
from iopcore.errors import ClockRequiredError, ErrorItem, InvalidArgumentError
from iopcore.schedule._cohort import CohortProblem, CohortSchedule, Unscheduled, schedule_mismatch
from iopcore.schedule._cohort_solver.bounds import alone_term, capacity_free_optimum, solve_alone
from iopcore.schedule._cohort_solver.budget import Budget, BudgetSpent
from iopcore.schedule._cohort_solver.pricing import best_week
from iopcore.schedule._cohort_solver.state import Context, Group, build_context, week_cost
from iopcore.schedule._week_solver.explain import _conflict

__all__ = [
    "NOT_COMPUTED",
    "capacity_free_bound_and_reasons",
    "explain_unscheduled",
    "reason_for",
    "reasons_for",
    "seats_left",
]

NOT_COMPUTED = "not_computed"


def capacity_free_bound_and_reasons(
    problem: CohortProblem, assignments: Mapping[str, Sequence[str]]
) -> tuple[int, tuple[Unscheduled, ...]]:
    """The capacity-free bound and the reasons of every patient not in *assignments* (patient id →
    offering ids), from one preparation of *problem*, with no budget (for other backends)."""
    ctx = build_context(problem)
    free = capacity_free_optimum(ctx)
    left = seats_left(ctx, assignments)
    out = [p for p, patient in enumerate(ctx.patients) if patient.id not in assignments]
    reasons = reasons_for(ctx, out, left, solve=True)
    # In the problem's order of patients.
    rank = {p.id: i for i, p in enumerate(problem.patients)}
    return free, tuple(sorted(reasons, key=lambda u: rank[u.patient]))


def seats_left(ctx: Context, assignments: Mapping[str, Collection[str]]) -> list[int]:
    """Seats left per offering (the context's order) once the patients of *assignments* take theirs
    (pinned seats are held already)."""
    left = list(ctx.residual)
    pins = {e.patient: e.offerings for e in ctx.problem.pinned}
    for patient_id, sessions in assignments.items():
        keep = pins.get(patient_id, frozenset())
        for s in sessions:
            if s not in keep:
                left[ctx.position[s]] -= 1
    return left


def reasons_for(
    ctx: Context, out: Sequence[int], left: Sequence[int], *, solve: bool = False
) -> tuple[Unscheduled, ...]:
    """The reasons of the patients *out* (indices) with the seats *left*, in that order, computed once
    per group, cheapest first, while the budget lasts; the rest are ``not_computed``.

    *solve*: a group whose week alone is not known is solved first (one more search); otherwise
    its patients are ``not_computed`` (the solver never reached them).
    """
    templates: dict[int, Unscheduled] = {}
    groups = list(dict.fromkeys(ctx.of_patient[p] for p in out))
    # Cheapest first: a group with a week alone needs a search or two, one without a conflict
    # search (a deletion filter over every constraint group), one not solved yet a search more.
    tiers = (
        [g for g in groups if ctx.groups[g].feasible],
        [g for g in groups if not ctx.groups[g].solved and solve],
        [g for g in groups if ctx.groups[g].infeasible],
    )
    try:
        for tier in tiers:
            for g in tier:
                ctx.tick()
                group = ctx.groups[g]
                if not group.solved:
                    solve_alone(ctx, group)
                templates[g] = reason_for(ctx, group, left)
    except BudgetSpent:
        pass
    reasons = []
    for p in out:
        patient = ctx.patients[p]
        template = templates.get(ctx.of_patient[p])
        if template is None:
            template = Unscheduled(
                patient=patient.id, reason=NOT_COMPUTED, cost=ctx.groups[ctx.of_patient[p]].unscheduled
            )
        reasons.append(attrs.evolve(template, patient=patient.id))
    return tuple(reasons)


def reason_for(ctx: Context, group: Group, left: Sequence[int]) -> Unscheduled:
    """Why a patient of *group* (solved) is left out with the seats *left*: conflict, capacity, cost or fits.

    ``capacity``: no week fits; ``blocking`` are the full offerings of the group's known week
    (found so far; its own optimum is one) that needs the fewest of them: one more seat on each
    admits the patient.

    The patient id is a placeholder (``"?"``): the caller puts each member's.
    """
    if group.own is None:
        budget = ctx.budget
        # A conflict search is a deletion filter of feasibility searches, each far quicker than a search
        # for a cheapest week (on the benchmark's cohorts 1.7 ms median and 9 ms at most, where a week
        # alone takes up to 75 ms): it is not started unless the slowest one seen (before the first one,
        # the slowest search seen) would end before the deadline.
        budget.tick(ahead=budget.slowest_conflict or budget.slowest)
        began = budget.clock() if budget.clock is not None else 0.0
        found = _conflict(group.week_problem(ctx.offerings))
        if budget.clock is not None:
            budget.slowest_conflict = max(budget.slowest_conflict, budget.clock() - began)
        if not found:
            found = ("pinned",)
        return Unscheduled(patient="?", reason="conflict", conflict=found, cost=group.unscheduled)
    closed = frozenset(o for o in group.offering if left[o] <= 0)
    fits = best_week(ctx, group, None, closed)
    if fits is not None:
        reason = "cost" if week_cost(group, fits[0]) >= group.unscheduled else "fits"
        return Unscheduled(patient="?", reason=reason, cost=group.unscheduled)

    # Seats that would admit them: the full offerings of the known week (their own optimum, or any
    # week found for them so far) that needs the fewest, then the cheapest. No search: the smallest
    # such set over every week is a search of its own, often hundreds of times slower than one for a week.
    def blocked(week: tuple[int, ...]) -> list[int]:
        return [i for i in week if group.offering[i] in closed and i not in group.pinned]

    chosen = min(group.pool, key=lambda week: (len(blocked(week)), group.pool[week], week))
    blocking = sorted(ctx.offerings[group.offering[i]].id for i in blocked(chosen))
    return Unscheduled(
        patient="?",
        reason="capacity",
        blocking=tuple(blocking),
        needed=dict.fromkeys(blocking, 1),
        cost=group.unscheduled,
    )


@f.guard
def explain_unscheduled(
    schedule: CohortSchedule,
    problem: CohortProblem,
    *,
    patient_ids: Iterable[str] | None = None,
    time_limit: Annotated[float, f.Range(min_value=0)] | None = None,
    clock: Callable[[], float] | None = None,
) -> CohortSchedule:
    """*schedule* with the reasons of its patients left out computed: those ``not_computed``, or those named.

    :func:`~iopcore.schedule.solve_cohort` computes reasons within its time budget, cheapest
    first, and marks the ones it did not reach ``not_computed``; this computes them on demand
    (the reasons of the patients in *patient_ids*, each a patient the schedule leaves out;
    by default every ``not_computed`` one), against the seats the schedule leaves. With
    *time_limit* seconds by *clock*, the ones not reached stay ``not_computed``. Everything
    else of the schedule is kept; a reason is one of :data:`~iopcore.schedule._cohort.REASONS`
    (``fits`` when a week fits the seats left and costs less than leaving the patient out).
    """
    _check_args(schedule, problem, patient_ids, time_limit, clock)
    wanted = (
        {u.patient for u in schedule.unscheduled if u.reason == NOT_COMPUTED}
        if patient_ids is None
        else set(patient_ids)
    )
    if not wanted:
        return schedule
    missing = {u.patient for u in schedule.unscheduled if u.reason == NOT_COMPUTED}
    budget = Budget(work_limit=0, time_limit=time_limit, clock=clock, reasons_share=0.0)
    ctx = build_context(problem, budget, prepare_all=False)
    budget.enter("reasons")
    left = seats_left(ctx, {a.patient: a.sessions for a in schedule.assignments})
    out = [p for p, patient in enumerate(ctx.patients) if patient.id in wanted]
    try:  # each patient's week alone first (one search each): it says which reasons are cheap
        for p in out:
            group = ctx.groups[ctx.of_patient[p]]
            ctx.tick()
            solve_alone(ctx, group)
    except BudgetSpent:
        pass
    found = {u.patient: u for u in reasons_for(ctx, out, left) if u.reason != NOT_COMPUTED}
    # A patient whose reason was not computed had no term in the capacity-free bound: now they do.
    added = sum(
        alone_term(ctx.groups[ctx.of_patient[p]])
        for p, patient in enumerate(ctx.patients)
        if patient.id in found and patient.id in missing
    )
    free = schedule.capacity_free_bound + added
    lower = max(schedule.lower_bound, free)
    return attrs.evolve(
        schedule,
        unscheduled=tuple(found.get(u.patient, u) for u in schedule.unscheduled),
        capacity_free_bound=free,
        lower_bound=lower,
        optimal=lower == schedule.cost,
    )


def _check_args(
    schedule: CohortSchedule,
    problem: CohortProblem,
    patient_ids: Iterable[str] | None,
    time_limit: float | None,
    clock: Callable[[], float] | None,
) -> None:
    """What the annotations cannot say: a schedule of this problem, patients it leaves out, a clock
    with a time limit."""
    items = schedule_mismatch(schedule, problem, "$.schedule")
    if patient_ids is not None:
        out = {u.patient for u in schedule.unscheduled}
        items.extend(
            ErrorItem(
                path=f"$.patient_ids[{i}]",
                message="expected a patient the schedule leaves out, got another id",
                rule="unknown_code",
            )
            for i, pid in enumerate(patient_ids)
            if pid not in out
        )
    if items:
        raise InvalidArgumentError(tuple(items), callable="explain_unscheduled")
    if time_limit is not None and clock is None:
        raise ClockRequiredError(callable="explain_unscheduled")
