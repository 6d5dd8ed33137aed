"""Rolling admission: one new patient placed into a solved cohort without moving anyone."""

from __future__ import annotations

import attrs

from iopcore import _fields as f
from iopcore.errors import ErrorItem, InvalidArgumentError, InvalidDataError
from iopcore.schedule._cohort import (
    Assignment,
    CohortPatient,
    CohortProblem,
    CohortSchedule,
    _most_expensive_week,
    _week_problem,
    schedule_mismatch,
)
from iopcore.schedule._cohort_solver.bounds import capacity_free_optimum
from iopcore.schedule._cohort_solver.explanations import reason_for
from iopcore.schedule._cohort_solver.pricing import best_week
from iopcore.schedule._cohort_solver.state import build_context, week_cost

__all__ = ["admit_to_cohort"]


@f.guard
def admit_to_cohort(schedule: CohortSchedule, problem: CohortProblem, new_patient: CohortPatient) -> CohortSchedule:
    """Place *new_patient* into *schedule* without moving anyone (rolling admission).

    The result is the schedule of *problem* with *new_patient* added: everyone keeps
    their week, and the new patient gets their cheapest week in the seats left, or is
    listed as unscheduled with a reason. The bounds grow by the new patient's own
    bound (valid: any assignment of the larger cohort restricted to the old patients
    is one of the old cohort).

    *schedule* must be a schedule of *problem* (the same patients, the problem's offerings)
    and *new_patient* a patient not yet in the cohort whose costs and preferences name the
    problem's offerings.
    """
    _check_admission(schedule, problem, new_patient)
    # The default unscheduled cost of the larger cohort, without building it (that is O(patients)).
    default = problem.default_unscheduled_cost + _most_expensive_week(problem.offerings, new_patient)

    def unscheduled_cost(p: CohortPatient) -> int:
        if p.unscheduled_cost is not None:
            return p.unscheduled_cost
        return problem.unscheduled_cost if problem.unscheduled_cost is not None else default

    alone = CohortProblem(
        offerings=problem.offerings, patients=(new_patient,), unscheduled_cost=unscheduled_cost(new_patient)
    )
    ctx = build_context(alone)
    own_bound = capacity_free_optimum(ctx)  # the new patient's bound alone in the program
    left = list(ctx.residual)  # seats left once everyone keeps their week and pinned seats stay held
    scheduled = {a.patient for a in schedule.assignments}
    for a in schedule.assignments:
        for s in a.sessions:
            left[ctx.position[s]] -= 1
    for e in problem.pinned:
        if e.patient not in scheduled:
            for s in e.offerings:
                left[ctx.position[s]] -= 1
    group = ctx.groups[0]
    found = None
    if group.own is not None:
        closed = frozenset(o for o in group.offering if left[o] <= 0)
        if any(group.offering[i] in closed for i in group.own):
            found = best_week(ctx, group, None, closed)
        else:  # the best week alone fits the seats left: it is the best there too
            found = (group.own, ctx.tuning.price_scale * group.own_cost)
    if found is not None and week_cost(group, found[0]) < group.unscheduled:
        placed = Assignment(
            patient=new_patient.id,
            sessions=tuple(group.cands.offerings[i].id for i in found[0]),
            cost=week_cost(group, found[0]),
        )
        assignments = (*schedule.assignments, placed)
        unscheduled = schedule.unscheduled
        added = placed.cost
    else:
        assignments = schedule.assignments
        unscheduled = (*schedule.unscheduled, attrs.evolve(reason_for(ctx, group, left), patient=new_patient.id))
        added = group.unscheduled
    # The default unscheduled cost grows with the cohort: patients left out at the default pay the rise,
    # and those infeasible alone raise both bounds by it (they are left out in every schedule).
    raised = 0
    conflicts = 0
    renewed = []
    by_id = {p.id: p for p in problem.patients}
    for u in unscheduled[: len(schedule.unscheduled)]:
        now = unscheduled_cost(by_id[u.patient])
        raised += now - u.cost
        conflicts += (now - u.cost) if u.reason == "conflict" else 0
        renewed.append(attrs.evolve(u, cost=now))
    unscheduled = (*renewed, *unscheduled[len(schedule.unscheduled) :])
    cost = schedule.cost + added + raised
    lower = schedule.lower_bound + own_bound + conflicts
    return CohortSchedule(
        assignments=assignments,
        unscheduled=unscheduled,
        cost=cost,
        lower_bound=lower,
        capacity_free_bound=schedule.capacity_free_bound + own_bound + conflicts,
        optimal=lower == cost,
        backend=schedule.backend,
        work=schedule.work,
    )


def _check_admission(schedule: CohortSchedule, problem: CohortProblem, new_patient: CohortPatient) -> None:
    """Refuse a schedule of another problem and a new patient the problem cannot take, each at its path."""
    items = schedule_mismatch(schedule, problem, "$.schedule")
    if any(p.id == new_patient.id for p in problem.patients):
        items.append(
            ErrorItem(
                path="$.new_patient.id",
                message="expected a patient not yet in the cohort, got a known id",
                rule="unique",
            )
        )
    try:
        _week_problem(new_patient, problem.offerings)
    except InvalidDataError as exc:  # the problem's offerings name components the new patient's catalog lacks, …
        items.extend(e.under("$.problem" if e.path.startswith("$.offerings") else "$.new_patient") for e in exc.errors)
    if items:
        raise InvalidArgumentError(items, callable="admit_to_cohort")
