"""Why each patient is left out: their own conflict, the seats that would admit them, or cost."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from iopcore.schedule._cohort import CohortPatient, CohortProblem, Unscheduled
from iopcore.schedule._cohort_solver.bounds import capacity_free_optimum
from iopcore.schedule._cohort_solver.pricing import best_week, search_keeping_pins
from iopcore.schedule._cohort_solver.state import Context, Group, build_context
from iopcore.schedule._week_solver.explain import conflict

__all__ = ["capacity_free_bound_and_reasons", "explain_unscheduled", "reason_for", "reasons_for"]


def capacity_free_bound_and_reasons(
    problem: CohortProblem, assignments: Mapping[str, Sequence[str]]
) -> tuple[int, tuple[Unscheduled, ...]]:
    """:func:`capacity_free_bound` and :func:`explain_unscheduled` from one preparation of *problem*."""
    ctx = build_context(problem, 0, None, None)
    free = capacity_free_optimum(ctx)
    left = list(ctx.residual)
    position = {o.id: i for i, o in enumerate(problem.offerings)}
    pins = {e.patient: e.offerings for e in problem.pinned}
    for patient_id, sessions in assignments.items():
        keep = pins.get(patient_id, frozenset())
        for s in sessions:
            if s not in keep:
                left[position[s]] -= 1
    out = [p for p, patient in enumerate(problem.patients) if patient.id not in assignments]
    return free, reasons_for(ctx, out, left)


def explain_unscheduled(problem: CohortProblem, assignments: Mapping[str, Sequence[str]]) -> tuple[Unscheduled, ...]:
    """Reasons for every patient of *problem* not in *assignments* (patient id → offering ids).

    Own conflict when infeasible alone; otherwise the fewest extra seats on full offerings
    that would admit the patient (``capacity``), or ``cost`` when a week fits the seats
    left but costs at least the patient's unscheduled cost.
    """
    return capacity_free_bound_and_reasons(problem, assignments)[1]


def reasons_for(ctx: Context, out: Sequence[int], left: Sequence[int]) -> tuple[Unscheduled, ...]:
    """The reasons of the patients *out* (indices) with the seats *left*, computed once per group."""
    problem = ctx.problem
    reasons: list[Unscheduled] = []
    cache: dict[int, Unscheduled] = {}
    for p in out:
        patient = problem.patients[p]
        g = ctx.of_patient[p]
        group = ctx.groups[g]
        template = cache.get(g)
        if template is None:
            template = reason_for(ctx, patient, group, left)
            cache[g] = template
        reasons.append(attrs.evolve(template, patient=patient.id))
    return tuple(reasons)


def reason_for(ctx: Context, patient: CohortPatient, group: Group, left: Sequence[int]) -> Unscheduled:
    """Why *patient* of *group* is left out with the seats *left*: conflict, capacity or cost."""
    problem = ctx.problem
    if group.own is None:
        found = conflict(group.problem)
        if not found:
            found = ("pinned",)
        return Unscheduled(patient=patient.id, reason="conflict", conflict=found, cost=group.unscheduled)
    closed = frozenset(o for o in group.offering if left[o] <= 0)
    fits = best_week(ctx, group, None, closed)
    if fits is not None:
        return Unscheduled(patient=patient.id, reason="cost", cost=group.unscheduled)
    # The fewest seats to add: each full offering costs one, everything else nothing.
    n = len(group.cands.offerings)
    costs = [1 if group.offering[i] in closed and i not in group.pinned else 0 for i in range(n)]
    week = search_keeping_pins(ctx, group, costs, 0)
    assert week is not None  # feasible alone with its pins, so a week exists
    chosen = week[0]
    blocking = sorted(
        problem.offerings[group.offering[i]].id for i in chosen if group.offering[i] in closed and i not in group.pinned
    )
    return Unscheduled(
        patient=patient.id,
        reason="capacity",
        blocking=tuple(blocking),
        needed=dict.fromkeys(blocking, 1),
        cost=group.unscheduled,
    )
