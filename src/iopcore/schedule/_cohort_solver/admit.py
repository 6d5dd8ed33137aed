"""Rolling admission: one new patient placed into a solved cohort without moving anyone.

Also the one-patient context that admission (and capacity planning) works in: a group made
straight from a patient's week problem, without building a cohort problem around it.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from iopcore import _fields as f
from iopcore.errors import ErrorItem, InvalidArgumentError, InvalidDataError
from iopcore.schedule._cohort import (
    Assignment,
    CohortPatient,
    CohortProblem,
    CohortSchedule,
    Unscheduled,
    _most_expensive_week,
    _trusted_week_problem,
    _week_problem,
    schedule_mismatch,
)
from iopcore.schedule._cohort_solver.bounds import capacity_free_optimum
from iopcore.schedule._cohort_solver.budget import Budget
from iopcore.schedule._cohort_solver.explanations import reason_for
from iopcore.schedule._cohort_solver.pricing import week_ignoring_seats
from iopcore.schedule._cohort_solver.state import Context, Group, week_cost
from iopcore.schedule._cohort_solver.tuning import DEFAULT_TUNING
from iopcore.schedule._model import WeekProblem
from iopcore.schedule._week_solver.candidates import candidates, limits

__all__ = ["admit_to_cohort", "lone_group", "seats_left"]


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
    wp = _check_admission(schedule, problem, new_patient)
    position = {o.id: i for i, o in enumerate(problem.offerings)}
    left = seats_left(problem, schedule, position)
    # The default unscheduled cost of the larger cohort, without building it (that is O(patients)).
    default = problem.default_unscheduled_cost + _most_expensive_week(problem.offerings, new_patient)

    def unscheduled_cost(p: CohortPatient) -> int:
        if p.unscheduled_cost is not None:
            return p.unscheduled_cost
        return problem.unscheduled_cost if problem.unscheduled_cost is not None else default

    ctx = lone_group(problem, new_patient, wp, unscheduled_cost(new_patient), position)
    own_bound = capacity_free_optimum(ctx)  # the new patient's bound alone in the program: one search
    group = ctx.groups[0]
    placed, reason = _place(ctx, group, new_patient, left)
    if placed is not None:
        assignments = (*schedule.assignments, placed)
        added = placed.cost
    else:
        assignments = schedule.assignments
        added = group.unscheduled
    # The default unscheduled cost grows with the cohort: patients left out at the default pay the rise,
    # and those infeasible alone raise both bounds by it (they are left out in every schedule).
    raised = 0
    conflicts = 0
    renewed: list[Unscheduled] = []
    by_id = {p.id: p for p in problem.patients}
    for u in schedule.unscheduled:
        now = unscheduled_cost(by_id[u.patient])
        if now == u.cost:
            renewed.append(u)
            continue
        raised += now - u.cost
        conflicts += (now - u.cost) if u.reason == "conflict" else 0
        renewed.append(_with_cost(u, now))
    if reason is not None:
        renewed.append(reason)
    cost = schedule.cost + added + raised
    lower = schedule.lower_bound + own_bound + conflicts
    return CohortSchedule(
        assignments=assignments,
        unscheduled=tuple(renewed),
        cost=cost,
        lower_bound=lower,
        capacity_free_bound=schedule.capacity_free_bound + own_bound + conflicts,
        optimal=lower == cost,
        backend=schedule.backend,
        work=schedule.work,
        alone_not_computed=schedule.alone_not_computed,
    )


_KEPT = tuple(a.name for a in attrs.fields(Unscheduled) if a.name != "cost")


def _with_cost(u: Unscheduled, cost: int) -> Unscheduled:
    """*u* with another *cost* (an int >= 0), made without running the validators again.

    Every other field is *u*'s, validated when *u* was made: ``attrs.evolve`` would check them
    all again, 13 µs a patient left out on every admission, against 1 µs here.
    """
    new = object.__new__(Unscheduled)
    for name in _KEPT:
        object.__setattr__(new, name, getattr(u, name))
    object.__setattr__(new, "cost", cost)
    return new


def _place(
    ctx: Context, group: Group, patient: CohortPatient, left: Sequence[int]
) -> tuple[Assignment | None, Unscheduled | None]:
    """The new patient's cheapest week in the seats *left*, or why there is none (at most one more search).

    When the week alone hits a full offering, one search finds a week with the fewest full
    offerings, the cheapest among those: with none it is the cheapest week in the seats
    left; otherwise its full offerings are the ones whose extra seats would admit the patient.
    """
    if group.own is None:
        return None, attrs.evolve(reason_for(ctx, group, left), patient=patient.id)
    closed = frozenset(o for o in group.offering if left[o] <= 0)
    week = group.own
    if any(group.offering[i] in closed for i in week):
        week = week_ignoring_seats(ctx, group, closed, fewest_first=True)
        blocking = sorted(ctx.offerings[group.offering[i]].id for i in week if group.offering[i] in closed)
        if blocking:
            reason = Unscheduled(
                patient=patient.id,
                reason="capacity",
                blocking=tuple(blocking),
                needed=dict.fromkeys(blocking, 1),
                cost=group.unscheduled,
            )
            return None, reason
    cost = week_cost(group, week)
    if cost >= group.unscheduled:
        return None, Unscheduled(patient=patient.id, reason="cost", cost=group.unscheduled)
    sessions = tuple(group.cands.offerings[i].id for i in week)
    return Assignment(patient=patient.id, sessions=sessions, cost=cost), None


def seats_left(problem: CohortProblem, schedule: CohortSchedule, position: dict[str, int]) -> list[int]:
    """Seats left per offering of *problem* (in its order) once every patient of *schedule* keeps their
    week and the pinned seats of patients left out stay held."""
    left = [o.seats for o in problem.offerings]
    scheduled = set()
    for a in schedule.assignments:
        scheduled.add(a.patient)
        for s in a.sessions:
            left[position[s]] -= 1
    for e in problem.pinned:
        if e.patient not in scheduled:
            for s in e.offerings:
                left[position[s]] -= 1
    return left


def lone_group(
    problem: CohortProblem,
    patient: CohortPatient,
    wp: WeekProblem,
    unscheduled: int,
    position: dict[str, int],
) -> Context:
    """A context holding one prepared group, of *patient* (no pinned sessions; its week problem *wp*,
    over *problem*'s offerings in their order, *position* their indices), without building a cohort
    problem for it.

    The context has no seats of its own (``residual`` is empty) and no budget: the caller passes
    the seats left to each search.
    """
    cands = candidates(wp)
    at = tuple(position[o.id] for o in cands.offerings)
    group = Group(
        members=[0],
        patient=patient,
        pinned_ids=frozenset(),
        unscheduled=unscheduled,
        day_cost=patient.day_cost,
        usable=len(cands.offerings),
        usable_at=at,
        cands=cands,
        lim=limits(wp),
        offering=at,
        prepared=True,
        problem=wp,
        usable_problem=_trusted_week_problem(patient, cands.offerings),
    )
    return Context(
        problem=problem,
        offerings=problem.offerings,
        position=position,
        patients=(patient,),
        index=[0],
        groups=[group],
        of_patient=[0],
        residual=[],
        budget=Budget(work_limit=0),
        tuning=DEFAULT_TUNING,
    )


def _check_admission(schedule: CohortSchedule, problem: CohortProblem, new_patient: CohortPatient) -> WeekProblem:
    """Refuse a schedule of another problem and a new patient the problem cannot take, each at its path;
    returns the new patient's week problem."""
    items = schedule_mismatch(schedule, problem, "$.schedule")
    if any(p.id == new_patient.id for p in problem.patients):
        items.append(
            ErrorItem(
                path="$.new_patient.id",
                message="expected a patient not yet in the cohort, got a known id",
                rule="unique",
            )
        )
    wp = None
    try:
        wp = _week_problem(new_patient, problem.offerings)
    except InvalidDataError as exc:  # the problem's offerings name components the new patient's catalog lacks, …
        items.extend(e.under("$.problem" if e.path.startswith("$.offerings") else "$.new_patient") for e in exc.errors)
    if items or wp is None:
        raise InvalidArgumentError(items, callable="admit_to_cohort")
    return wp
