"""An independent checker for cohort schedules, written from the definition.

It shares no code with the cohort solver: each patient's week is checked by the
single-patient :func:`~iopcore.schedule.check`, capacities and pinned sessions are
counted here, and (with ``deep=True``) the bounds and reasons are re-derived with the
public single-patient :func:`~iopcore.schedule.solve`.
"""

from __future__ import annotations

from typing import final

import attrs

from iopcore import _fields as f
from iopcore.errors import InfeasibleScheduleError
from iopcore.schedule._check import violations
from iopcore.schedule._cohort import CohortProblem, CohortSchedule, _week_problem
from iopcore.schedule._model import _schedule_cost
from iopcore.schedule._week_solver.solve import solve

__all__ = ["CohortViolation", "check_cohort"]


@final
@attrs.frozen(kw_only=True)
class CohortViolation:
    """One way a cohort schedule breaks the cohort problem's definition.

    ``group`` is a single-patient constraint group (``hours_min``, …, from
    :func:`~iopcore.schedule.check`) or one of ``unknown_patient``, ``duplicate_patient``,
    ``missing_patient``, ``capacity``, ``pinned``, ``cost``, ``bound``, ``reason``.
    ``patient`` names the patient concerned (``None`` for cohort-wide rules).
    """

    group: str = attrs.field(validator=f.text(max_length=200))
    message: str = attrs.field(validator=f.text())
    patient: str | None = f.phi_field(default=None, validator=f.optional(f.text(max_length=128)))
    offering_ids: tuple[str, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(str, description="offering id strings")
    )

    def __str__(self) -> str:
        return f"{self.group}: {self.message}"


@f.guard
def check_cohort(problem: CohortProblem, schedule: CohortSchedule, *, deep: bool = True) -> tuple[CohortViolation, ...]:
    """Every violation of *problem* by *schedule*; empty means valid.

    Always checked: each patient appears exactly once; each assigned week passes the
    patient's single-patient :func:`~iopcore.schedule.check` (capacity 0 offerings
    count as having no seat); pinned sessions are in the week of a scheduled pinned
    patient; no offering holds more than its capacity (pinned seats of patients left
    out still count); the assignment, unscheduled and total costs add up; ``capacity_free_bound
    <= lower_bound <= cost``. With *deep*, also (one single-patient solve per patient):
    ``capacity_free_bound`` equals Σ min(unscheduled cost, own optimum) over the patients not
    left out ``not_computed`` nor listed in ``alone_not_computed``, patients left out for a ``conflict`` are infeasible alone, the
    others are feasible alone.

    A schedule made for another problem is not an error here: its differences are violations.
    """
    out: list[CohortViolation] = []
    patients = {p.id: p for p in problem.patients}
    seen: set[str] = set()
    for pid in [a.patient for a in schedule.assignments] + [u.patient for u in schedule.unscheduled]:
        if pid not in patients:
            out.append(
                CohortViolation(group="unknown_patient", message="the patient is not in the cohort", patient=pid)
            )
        elif pid in seen:
            out.append(CohortViolation(group="duplicate_patient", message="the patient appears twice", patient=pid))
        seen.add(pid)
    out.extend(
        CohortViolation(group="missing_patient", message="the patient is neither scheduled nor unscheduled", patient=p)
        for p in patients
        if p not in seen
    )
    held = {o.id: 0 for o in problem.offerings}
    pins = {e.patient: e.offerings for e in problem.pinned}
    total = 0
    scheduled: set[str] = set()
    for a in schedule.assignments:
        scheduled.add(a.patient)
        for s in set(a.sessions):
            if s in held:
                held[s] += 1
        patient = patients.get(a.patient)
        if patient is None:
            continue
        wp = _week_problem(patient, problem.offerings)
        out.extend(
            CohortViolation(group=v.group, message=v.message, patient=a.patient, offering_ids=v.offering_ids)
            for v in violations(wp, a.sessions)
        )
        missing = sorted(pins.get(a.patient, frozenset()) - set(a.sessions))
        if missing:
            out.append(
                CohortViolation(
                    group="pinned", message="pinned sessions are not kept", patient=a.patient, offering_ids=missing
                )
            )
        known = [s for s in set(a.sessions) if s in held]
        cost = _schedule_cost(wp, known)
        if cost != a.cost:
            out.append(
                CohortViolation(
                    group="cost", message=f"the week costs {cost}, the assignment says {a.cost}", patient=a.patient
                )
            )
        total += cost
    for e in problem.pinned:
        if e.patient not in scheduled:
            for s in e.offerings:
                held[s] += 1
    for o in problem.offerings:
        if held[o.id] > o.seats:
            out.append(
                CohortViolation(
                    group="capacity",
                    message=f"{held[o.id]} patients hold a seat; the capacity is {o.seats}",
                    offering_ids=(o.id,),
                )
            )
    for u in schedule.unscheduled:
        if u.patient not in patients:
            continue
        expected = problem._unscheduled_cost(patients[u.patient])
        if u.cost != expected:
            out.append(
                CohortViolation(
                    group="cost", message=f"unscheduled cost {u.cost}, expected {expected}", patient=u.patient
                )
            )
        total += expected
    if total != schedule.cost:
        out.append(CohortViolation(group="cost", message=f"the costs add up to {total}, not {schedule.cost}"))
    if not schedule.capacity_free_bound <= schedule.lower_bound <= schedule.cost:
        out.append(CohortViolation(group="bound", message="expected capacity_free_bound <= lower_bound <= cost"))
    if deep:
        out.extend(_deep(problem, schedule))
    return tuple(out)


def _deep(problem: CohortProblem, schedule: CohortSchedule) -> list[CohortViolation]:
    """Bounds and reasons re-derived by single-patient solves (patients with pinned sessions are skipped)."""
    out: list[CohortViolation] = []
    reasons = {u.patient: u.reason for u in schedule.unscheduled}
    pinned = {e.patient for e in problem.pinned if e.offerings}
    unknown = set(schedule.alone_not_computed)
    free = 0
    for p in problem.patients:
        if p.id in pinned or p.id in unknown:
            continue  # (a scheduled patient's week is checked above; nothing is claimed about their week alone)
        reason = reasons.get(p.id)
        if reason == "not_computed":
            continue
        try:
            alone: int | None = solve(_week_problem(p, problem.offerings), explain=False).cost
        except InfeasibleScheduleError:
            alone = None
        u = problem._unscheduled_cost(p)
        free += u if alone is None else min(u, alone)
        if reason == "conflict" and alone is not None:
            out.append(
                CohortViolation(group="reason", message="left out for a conflict but feasible alone", patient=p.id)
            )
        if reason is not None and reason != "conflict" and alone is None:
            out.append(
                CohortViolation(
                    group="reason", message="infeasible alone but not left out for a conflict", patient=p.id
                )
            )
    if not problem.pinned and free != schedule.capacity_free_bound:
        out.append(
            CohortViolation(
                group="bound", message=f"capacity-free bound {schedule.capacity_free_bound}, expected {free}"
            )
        )
    return out
