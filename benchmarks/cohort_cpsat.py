"""The benchmark's own CP-SAT model of a cohort problem (OR-Tools, the ``bench`` extra).

Written here from the definitions in :class:`iopcore.schedule.CohortProblem`'s docs; it shares
no code with iopcore's solvers (its objective reads the public ``WeekProblem.cost_of`` and
``CohortProblem.unscheduled_cost_of``, which define the costs). A 0-1 programme:

* ``x[p, o]``: patient *p* takes offering *o*, for every offering with a seat that lies inside
  one of *p*'s availability windows; ``s[p]``: *p* is scheduled; ``d[p, day]``: *p* attends
  that day (``d ⇒`` some session that day, every session ``⇒ d``);
* when ``s[p]``: weekly minutes, days, each day's minutes and each component's sessions within
  the rules' bounds, every pinned session taken; ``x[p, o] ⇒ s[p]``; no two sessions on a day
  overlapping or closer than the minimum gap (one at-most-one per maximal clique of the day's
  sessions, each stretched by the gap);
* capacity: ``Σ_p x[p, o] ≤ seats(o) − pinned(o)`` over the patients not pinned to *o*
  (pinned seats are held whatever happens);
* minimise ``Σ_p unscheduled(p)·(1 − s[p]) + Σ day_cost(p)·d[p, day] + Σ cost_p(o)·x[p, o]``.

:func:`solve_cpsat` builds and solves it with one worker inside one wall-clock budget: the
time spent building the model is taken from the search's ``max_time_in_seconds``, and the build
stops when the budget runs out (the answer then says "not started").
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Mapping

import attrs

from iopcore.schedule import CohortPatient, CohortProblem, Offering


@attrs.frozen
class CpsatAnswer:
    """What CP-SAT returned within its budget."""

    plan: Mapping[str, tuple[str, ...]] | None
    """Scheduled patient id to offering ids; ``None``: no assignment found (or no time left to search)."""
    cost: int | None
    bound: int | None
    """CP-SAT's proven lower bound (``None`` when it did not search)."""
    status: str
    build_seconds: float
    wall_seconds: float
    """Build + search + reading the answer, measured around the whole call."""


def _usable(patient: CohortPatient, offerings: tuple[Offering, ...]) -> list[Offering]:
    windows = {}
    for w in patient.availability.windows:
        windows.setdefault(w.weekday, []).append((w.start.minute_of_day, w.end.minute_of_day))
    out = []
    for o in offerings:
        s, e = o.start.minute_of_day, o.end.minute_of_day
        if o.seats > 0 and any(ws <= s and e <= we for ws, we in windows.get(o.weekday, ())):
            out.append(o)
    return out


def _cliques(day: list[Offering], gap: int) -> list[list[int]]:
    """Maximal sets of pairwise conflicting sessions (indices into *day*): the ones covering a start.

    Two sessions conflict when they overlap or lie less than *gap* minutes apart, i.e. when
    ``[start, end + gap)`` intervals overlap; in an interval graph every maximal clique is the set
    of intervals containing some interval's start.
    """
    spans = [(o.start.minute_of_day, o.end.minute_of_day + gap) for o in day]
    found: list[frozenset[int]] = []
    for t, _ in spans:
        here = frozenset(i for i, (s, e) in enumerate(spans) if s <= t < e)
        if len(here) > 1:
            found.append(here)
    maximal = [c for c in set(found) if not any(c < other for other in found)]
    return [sorted(c) for c in sorted(maximal, key=sorted)]


class OutOfTime(Exception):
    """The budget ran out while the model was being built."""


def build(
    problem: CohortProblem, *, out_of_time: Callable[[], bool] = lambda: False
) -> tuple[object, dict[tuple[str, str], object], dict[str, object]]:
    """The model, its ``x`` literals by (patient id, offering id) and its ``s`` literals by patient id.

    *out_of_time* is asked before each patient; when it says yes, :class:`OutOfTime` is raised.
    """
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    pinned = {e.patient: e.offerings for e in problem.pinned}
    pinned_count = Counter(oid for e in problem.pinned for oid in e.offerings)
    x: dict[tuple[str, str], object] = {}
    s: dict[str, object] = {}
    takers: dict[str, list[object]] = {}
    objective = []
    constant = 0
    for p in problem.patients:
        if out_of_time():
            raise OutOfTime
        wp = p.week_problem(problem.offerings)
        rules = p.rules
        usable = _usable(p, problem.offerings)
        sp = model.NewBoolVar(f"s_{p.id}")
        s[p.id] = sp
        left_out = problem.unscheduled_cost_of(p)
        constant += left_out
        objective.append(-left_out * sp)
        own = pinned.get(p.id, frozenset())
        if not own <= {o.id for o in usable}:
            model.Add(sp == 0)  # a pinned session the patient cannot attend: no valid week
            continue
        xs = {}
        for o in usable:
            v = model.NewBoolVar(f"x_{p.id}_{o.id}")
            xs[o.id] = v
            x[p.id, o.id] = v
            model.AddImplication(v, sp)
            if o.id in own:
                model.Add(v == sp)
            else:
                takers.setdefault(o.id, []).append(v)
            cost = wp.cost_of(o)
            if cost:
                objective.append(cost * v)
        minutes = {o.id: o.end.minute_of_day - o.start.minute_of_day for o in usable}
        total = sum(minutes[i] * xs[i] for i in xs)
        model.Add(total >= rules.minutes_min).OnlyEnforceIf(sp)
        if rules.minutes_max is not None:
            model.Add(total <= rules.minutes_max)
        by_day: dict[int, list[Offering]] = {}
        for o in usable:
            by_day.setdefault(o.weekday.value, []).append(o)
        days = []
        for day, sessions in sorted(by_day.items()):
            d = model.NewBoolVar(f"d_{p.id}_{day}")
            days.append(d)
            lits = [xs[o.id] for o in sessions]
            for v in lits:
                model.AddImplication(v, d)
            model.AddBoolOr(lits).OnlyEnforceIf(d)
            if p.day_cost:
                objective.append(p.day_cost * d)
            day_total = sum(minutes[o.id] * xs[o.id] for o in sessions)
            if rules.day_minutes_max is not None:
                model.Add(day_total <= rules.day_minutes_max)
            if rules.day_minutes_min is not None:
                model.Add(day_total >= rules.day_minutes_min).OnlyEnforceIf(d)
            for clique in _cliques(sessions, rules.min_gap_minutes):
                model.AddAtMostOne([lits[i] for i in clique])
        model.Add(sum(days) >= rules.days_min).OnlyEnforceIf(sp)
        model.Add(sum(days) <= rules.days_max)
        for component, bound in rules.components.items():
            count = sum(xs[o.id] for o in usable if o.component == component)
            if bound.min:
                model.Add(count >= bound.min).OnlyEnforceIf(sp)
            if bound.max is not None:
                model.Add(count <= bound.max)
    for o in problem.offerings:
        lits = takers.get(o.id, [])
        room = o.seats - pinned_count.get(o.id, 0)
        if len(lits) > room:
            model.Add(sum(lits) <= room)
    model.Minimize(sum(objective) + constant)
    return model, x, s


def solve_cpsat(
    problem: CohortProblem,
    budget: float,
    *,
    clock: Callable[[], float] = time.perf_counter,
    linearization_level: int | None = None,
    seed: int = 0,
) -> CpsatAnswer:
    """Build and solve within *budget* seconds of wall time (one worker), measured by *clock*."""
    from ortools.sat.python import cp_model

    t0 = clock()
    try:
        model, x, s = build(problem, out_of_time=lambda: clock() - t0 >= budget)
    except OutOfTime:
        return CpsatAnswer(None, None, None, "NOT STARTED (the build took the budget)", clock() - t0, clock() - t0)
    built = clock() - t0
    left = budget - built
    if left <= 0.001:
        return CpsatAnswer(None, None, None, "NOT STARTED (the build took the budget)", built, clock() - t0)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = left
    solver.parameters.random_seed = seed
    if linearization_level is not None:
        solver.parameters.linearization_level = linearization_level
    status = solver.Solve(model)
    name = solver.StatusName(status)
    bound = math.ceil(solver.BestObjectiveBound() - 1e-6) if status != cp_model.MODEL_INVALID else None
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return CpsatAnswer(None, None, bound, name, built, clock() - t0)
    plan: dict[str, list[str]] = {}
    for (pid, oid), v in x.items():
        if solver.BooleanValue(v):
            plan.setdefault(pid, []).append(oid)
    for pid, v in s.items():
        if solver.BooleanValue(v):
            plan.setdefault(pid, [])
    answer = {pid: tuple(sorted(ids)) for pid, ids in plan.items()}
    cost = round(solver.ObjectiveValue())
    return CpsatAnswer(answer, cost, min(bound, cost) if bound is not None else None, name, built, clock() - t0)
