"""The benchmark's own checker of a cohort plan, written from the definitions in the docs.

It shares no code with iopcore's ``check``/``check_cohort`` (nor with the benchmark's CP-SAT
model): it reads only the problem's public fields and recomputes everything — seats held,
each patient's rules, availability minute by minute, overlaps and gaps, and the cost with
the preference table of :class:`iopcore.schedule.Preferences` and the unscheduled cost of
:class:`iopcore.schedule.CohortProblem` — so it can judge either solver's answer.

A *plan* maps the ids of scheduled patients to the ids of their sessions; patients absent
from it are left out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from iopcore.schedule import (
    AVOIDED_DAY_COST,
    NOT_KEPT_COST,
    OFF_TRACK_COST,
    OTHER_DAY_COST,
    OTHER_TIME_COST,
    CohortPatient,
    CohortProblem,
    CohortSchedule,
    Offering,
)

Plan = Mapping[str, Iterable[str]]


def _part_of_day(minute: int) -> str:
    # Morning before 12:00, afternoon 12:00–16:59, evening from 17:00 (TimeOfDay's documented cut-offs).
    return "morning" if minute < 720 else ("afternoon" if minute < 1020 else "evening")


def session_cost(patient: CohortPatient, offering: Offering) -> int:
    """What choosing *offering* costs *patient*: the preference table plus the explicit cost."""
    prefs = patient.preferences
    extra = patient.offering_costs.get(offering.id, 0)
    if offering.id in prefs.keep:
        return extra
    cost = extra
    if offering.weekday in prefs.avoided_days:
        cost += AVOIDED_DAY_COST
    if prefs.preferred_days and offering.weekday not in prefs.preferred_days:
        cost += OTHER_DAY_COST
    if prefs.time_of_day is not None and _part_of_day(offering.start.minute_of_day) != prefs.time_of_day.value:
        cost += OTHER_TIME_COST
    if prefs.track is not None and offering.track is not None and offering.track != prefs.track:
        cost += OFF_TRACK_COST
    if prefs.keep:
        cost += NOT_KEPT_COST
    return cost


def week_cost(patient: CohortPatient, sessions: Iterable[Offering]) -> int:
    """Day cost × distinct days + Σ session costs."""
    chosen = {o.id: o for o in sessions}
    days = {o.weekday for o in chosen.values()}
    return patient.day_cost * len(days) + sum(session_cost(patient, o) for o in chosen.values())


def unscheduled_costs(problem: CohortProblem) -> dict[str, int]:
    """Per patient id, the cost of leaving the patient out.

    The patient's own unscheduled cost, else the problem's, else 1 + Σ over patients of a
    bound on their dearest week, 7 × day cost + the cost of every offering.
    """
    default = None
    out: dict[str, int] = {}
    for p in problem.patients:
        if p.unscheduled_cost is not None:
            out[p.id] = p.unscheduled_cost
        elif problem.unscheduled_cost is not None:
            out[p.id] = problem.unscheduled_cost
        else:
            if default is None:
                default = 1 + sum(
                    7 * q.day_cost + sum(session_cost(q, o) for o in problem.offerings) for q in problem.patients
                )
            out[p.id] = default
    return out


def plan_cost(problem: CohortProblem, plan: Plan) -> int:
    """The plan's cost: each scheduled week's cost plus each left-out patient's unscheduled cost."""
    by_id = {o.id: o for o in problem.offerings}
    left_out = unscheduled_costs(problem)
    total = 0
    for p in problem.patients:
        if p.id in plan:
            total += week_cost(p, [by_id[i] for i in plan[p.id] if i in by_id])
        else:
            total += left_out[p.id]
    return total


def _free_minutes(patient: CohortPatient) -> dict[int, set[int]]:
    """Per weekday number, the set of minutes the patient is available."""
    out: dict[int, set[int]] = {}
    for w in patient.availability.windows:
        out.setdefault(w.weekday.value, set()).update(range(w.start.minute_of_day, w.end.minute_of_day))
    return out


def _week_errors(problem: CohortProblem, patient: CohortPatient, ids: list[str]) -> list[str]:
    by_id = {o.id: o for o in problem.offerings}
    rules = patient.rules
    errors: list[str] = []
    if len(set(ids)) != len(ids):
        errors.append("a session chosen twice")
    unknown = sorted(i for i in set(ids) if i not in by_id)
    if unknown:
        errors.append(f"unknown offerings {unknown}")
    chosen = [by_id[i] for i in sorted(set(ids)) if i in by_id]
    free = _free_minutes(patient)
    for o in chosen:
        needed = set(range(o.start.minute_of_day, o.end.minute_of_day))
        if not needed <= free.get(o.weekday.value, set()):
            errors.append(f"{o.id} outside the availability")
    gap = rules.min_gap_minutes
    for i, a in enumerate(chosen):
        for b in chosen[i + 1 :]:
            if a.weekday != b.weekday:
                continue
            first, second = sorted((a, b), key=lambda o: o.start.minute_of_day)
            between = second.start.minute_of_day - first.end.minute_of_day
            if between < 0:
                errors.append(f"{a.id} and {b.id} overlap")
            elif between < gap:
                errors.append(f"{a.id} and {b.id} {between} min apart, the gap is {gap}")
    minutes = sum(o.end.minute_of_day - o.start.minute_of_day for o in chosen)
    # The rules are closed intervals in whole minutes: the minimum rounds up, the maximum down.
    low = math.ceil(round(rules.hours_min * 60, 9))
    if minutes < low:
        errors.append(f"{minutes} min a week, below {low}")
    if rules.hours_max is not None and minutes > math.floor(round(rules.hours_max * 60, 9)):
        errors.append(f"{minutes} min a week, above {math.floor(round(rules.hours_max * 60, 9))}")
    per_day: dict[int, int] = {}
    for o in chosen:
        per_day[o.weekday.value] = per_day.get(o.weekday.value, 0) + o.end.minute_of_day - o.start.minute_of_day
    if not rules.days_min <= len(per_day) <= rules.days_max:
        errors.append(f"{len(per_day)} days, outside {rules.days_min}–{rules.days_max}")
    for day, day_minutes in per_day.items():
        if rules.max_hours_per_day is not None and day_minutes > math.floor(round(rules.max_hours_per_day * 60, 9)):
            errors.append(f"{day_minutes} min on day {day}, above the daily maximum")
        if rules.min_hours_per_day is not None and day_minutes < math.ceil(round(rules.min_hours_per_day * 60, 9)):
            errors.append(f"{day_minutes} min on day {day}, below the daily minimum")
    for component, bound in rules.components.items():
        count = sum(o.component == component for o in chosen)
        if count < bound.min or (bound.max is not None and count > bound.max):
            errors.append(f"{count} sessions of {component}, outside [{bound.min}, {bound.max}]")
    return errors


def check_plan(problem: CohortProblem, plan: Plan) -> list[str]:
    """Everything wrong with *plan* for *problem* (empty: feasible).

    Checked: every planned patient belongs to the cohort; each week meets the patient's rules
    (hours band, days band, daily hours, component bounds), lies inside their availability,
    has no session twice, no two sessions overlapping or closer than the minimum gap, and
    keeps the patient's pinned sessions; no offering holds more patients than its capacity
    (pinned seats of patients left out still count).
    """
    patients = {p.id: p for p in problem.patients}
    errors = [f"{pid}: not a patient of the cohort" for pid in plan if pid not in patients]
    pinned = {e.patient: set(e.offerings) for e in problem.pinned}
    held: dict[str, int] = {}
    for pid, p in patients.items():
        if pid in plan:
            ids = list(plan[pid])
            errors.extend(f"{pid}: {e}" for e in _week_errors(problem, p, ids))
            missing = pinned.get(pid, set()) - set(ids)
            if missing:
                errors.append(f"{pid}: pinned sessions {sorted(missing)} dropped")
            taken = set(ids)
        else:
            taken = pinned.get(pid, set())
        for oid in taken:
            held[oid] = held.get(oid, 0) + 1
    errors.extend(
        f"{o.id}: {held[o.id]} patients for {o.seats} seats" for o in problem.offerings if held.get(o.id, 0) > o.seats
    )
    return errors


def plan_of(schedule: CohortSchedule) -> dict[str, tuple[str, ...]]:
    """The plan a :class:`~iopcore.schedule.CohortSchedule` makes."""
    return {a.patient: tuple(a.sessions) for a in schedule.assignments}


def check_schedule(problem: CohortProblem, schedule: CohortSchedule) -> list[str]:
    """:func:`check_plan` on the schedule's plan, and the schedule's own claims.

    Also checked: every patient is either assigned or listed unscheduled, never both; each
    assignment's cost, each listed patient's cost and the total are what the definitions give;
    ``lower_bound ≤ cost``.
    """
    plan = plan_of(schedule)
    errors = check_plan(problem, plan)
    listed = [u.patient for u in schedule.unscheduled]
    everyone = [a.patient for a in schedule.assignments] + listed
    if len(set(everyone)) != len(everyone):
        errors.append("a patient assigned twice, or both assigned and unscheduled")
    errors.extend(f"{p.id}: neither scheduled nor listed" for p in problem.patients if p.id not in set(everyone))
    patients = {p.id: p for p in problem.patients}
    by_id = {o.id: o for o in problem.offerings}
    for a in schedule.assignments:
        p = patients.get(a.patient)
        if p is not None:
            cost = week_cost(p, [by_id[i] for i in a.sessions if i in by_id])
            if cost != a.cost:
                errors.append(f"{a.patient}: the week costs {cost}, the assignment says {a.cost}")
    left_out = unscheduled_costs(problem)
    for u in schedule.unscheduled:
        if u.patient in left_out and u.cost != left_out[u.patient]:
            errors.append(f"{u.patient}: unscheduled cost {u.cost}, expected {left_out[u.patient]}")
    total = plan_cost(problem, plan)
    if total != schedule.cost:
        errors.append(f"the plan costs {total}, the schedule says {schedule.cost}")
    if schedule.lower_bound > schedule.cost:
        errors.append(f"lower bound {schedule.lower_bound} above the cost {schedule.cost}")
    return errors
