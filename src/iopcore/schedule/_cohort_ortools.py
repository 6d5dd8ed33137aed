"""The optional exact cohort backend on Google OR-Tools CP-SAT (the ``iopcore[ortools]`` extra).

The same model as the pure-Python solver, stated as a 0-1 programme:

* per patient *p*: a literal ``x[p, o]`` for each offering *o* the patient may use
  (open and inside their availability, exactly :func:`~iopcore.schedule._week_solver.candidates.candidates`),
  ``y[p]`` (scheduled) and ``d[p, day]`` (attends that day);
* the patient's own rules, each only when ``y[p]`` holds: weekly minutes, days,
  per-day minutes, component counts, no two sessions overlapping or closer than the
  minimum gap on one day (one at-most-one constraint per maximal clique of the day's
  interval graph), and every pinned session taken;
* shared capacity: ``Σ_p x[p, o] ≤ seats(o) − pinned(o)`` over the patients who do not
  hold *o* pinned (pinned seats stay their holder's whatever happens);
* objective: ``Σ_p unscheduled_p · (1 − y[p]) + Σ day_cost_p · d[p, day] + Σ cost_p(o) · x[p, o]``.

CP-SAT runs with one worker, full linearization (``linearization_level=2``) and *seed* as
its random seed; ``time_limit`` is CP-SAT's own ``max_time_in_seconds`` and ``work_limit``
its ``max_deterministic_time`` (iopcore itself never reads a clock; through
:func:`~iopcore.schedule.solve_cohort` the default work limit, counted in CP-SAT's
deterministic seconds here, is a cap that seldom binds). Leaving everyone out is always feasible, so an answer always exists:
if CP-SAT stops before finding one, that trivial plan is returned with its bound.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, final

import attrs

from iopcore.errors import OrtoolsNotInstalledError
from iopcore.schedule._cohort import Assignment, CohortProblem, CohortSchedule, _week_problem
from iopcore.schedule._cohort_solver.explanations import capacity_free_bound_and_reasons
from iopcore.schedule._model import _schedule_cost
from iopcore.schedule._week_solver.candidates import candidates, limits

__all__ = ["solve_cohort_ortools"]


@final
@attrs.frozen
class _Raw:
    """What CP-SAT returned (internal; the benchmark reads it)."""

    chosen: Mapping[str, tuple[str, ...]] | None
    """Patient id to offering ids of the scheduled patients; ``None`` when CP-SAT found no assignment."""
    status: str
    """CP-SAT's status name: ``OPTIMAL``, ``FEASIBLE`` or ``UNKNOWN``."""
    bound: int
    """CP-SAT's proven lower bound on the cost (0 when it has none)."""
    seconds: float
    """CP-SAT's own wall time for the search, as it reports it (the model build is not included)."""


def _cliques(starts: Sequence[int], ends: Sequence[int], gap: int) -> list[list[int]]:
    """Maximal cliques of the conflict graph of one day's sessions (indices into *starts*).

    Two sessions conflict when ``[start, end + gap)`` intervals meet; an interval graph's
    maximal cliques are among the sets of intervals holding some start point.
    """
    order = sorted(range(len(starts)), key=lambda i: (starts[i], ends[i]))
    out: list[list[int]] = []
    previous: set[int] = set()
    for i in order:
        point = starts[i]
        clique = {j for j in order if starts[j] <= point < ends[j] + gap}
        if not clique <= previous and len(clique) > 1:
            out.append(sorted(clique))
        previous = clique
    return out


def _build(problem: CohortProblem, cp_model: Any) -> tuple[Any, list[tuple[Any, list[tuple[str, Any]]]]]:
    """The CP-SAT model and, per patient, ``(y, [(offering id, x), ...])``."""
    model = cp_model.CpModel()
    pinned = {e.patient: e.offerings for e in problem.pinned}
    held: dict[str, int] = {}
    for e in problem.pinned:
        for oid in e.offerings:
            held[oid] = held.get(oid, 0) + 1
    users: dict[str, list[Any]] = {}
    patients: list[tuple[Any, list[tuple[str, Any]]]] = []
    terms: list[Any] = []
    constant = 0
    for p_index, patient in enumerate(problem.patients):
        week = _week_problem(patient, problem.offerings)
        cands = candidates(week)
        lim = limits(week)
        y = model.NewBoolVar(f"y{p_index}")
        unscheduled = problem._unscheduled_cost(patient)
        constant += unscheduled
        terms.append(-unscheduled * y)
        own = pinned.get(patient.id, frozenset())
        xs = [model.NewBoolVar(f"x{p_index}_{i}") for i in range(len(cands.offerings))]
        usable = {o.id for o in cands.offerings}
        if not own <= usable:  # a pinned session the patient cannot attend: never scheduled
            model.Add(y == 0)
        for i, (o, x) in enumerate(zip(cands.offerings, xs, strict=True)):
            model.AddImplication(x, y)
            if o.id in own:
                model.Add(x == y)
            else:
                users.setdefault(o.id, []).append(x)
            if cands.cost[i]:
                terms.append(cands.cost[i] * x)
        duration = [e - s for s, e in zip(cands.start, cands.end, strict=True)]
        day_vars = []
        for d, day in enumerate(cands.by_day):
            if not day:
                continue
            dv = model.NewBoolVar(f"d{p_index}_{d}")
            day_vars.append(dv)
            for i in day:
                model.AddImplication(xs[i], dv)
            model.AddBoolOr([xs[i] for i in day]).OnlyEnforceIf(dv)
            if patient.day_cost:
                terms.append(patient.day_cost * dv)
            minutes = sum(duration[i] * xs[i] for i in day)
            if lim.day_max is not None:
                model.Add(minutes <= lim.day_max * dv)
            if lim.day_min:
                model.Add(minutes >= lim.day_min * dv)
            for clique in _cliques([cands.start[i] for i in day], [cands.end[i] for i in day], lim.gap):
                model.AddAtMostOne([xs[day[j]] for j in clique])
        total = sum(duration[i] * xs[i] for i in range(len(xs)))
        model.Add(total >= lim.minutes_min * y)
        if lim.minutes_max is not None:
            model.Add(total <= lim.minutes_max * y)
        model.Add(sum(day_vars) >= lim.days_min * y)
        model.Add(sum(day_vars) <= lim.days_max * y)
        for c in range(len(cands.bounded)):
            count = sum(xs[i] for i in range(len(xs)) if cands.component[i] == c)
            model.Add(count >= lim.comp_min[c] * y)
            top = lim.comp_max[c]
            if top is not None:
                model.Add(count <= top * y)
        patients.append((y, [(o.id, x) for o, x in zip(cands.offerings, xs, strict=True)]))
    for o in problem.offerings:
        room = o.seats - held.get(o.id, 0)
        takers = users.get(o.id, [])
        if len(takers) > room:
            model.Add(sum(takers) <= room)
    model.Minimize(sum(terms) + constant)
    return model, patients


def _solve(
    problem: CohortProblem, *, time_limit: float | None = None, seed: int = 0, work_limit: float | None = None
) -> _Raw:
    """Build and solve the model."""
    try:
        from ortools.sat.python import cp_model
    except ImportError as exc:
        raise OrtoolsNotInstalledError from exc
    model, patients = _build(problem, cp_model)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    # The LP relaxation with every constraint linearized (level 2): on this model it turns
    # bounds far below the optimum into proofs (20 patients: from no proof in 5 s to 0.4 s).
    solver.parameters.linearization_level = 2
    if time_limit is not None:
        solver.parameters.max_time_in_seconds = float(time_limit)
    if work_limit is not None:
        solver.parameters.max_deterministic_time = float(work_limit)
    status = solver.Solve(model)
    chosen: dict[str, tuple[str, ...]] | None = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = {}
        for patient, (y, xs) in zip(problem.patients, patients, strict=True):
            if solver.BooleanValue(y):
                chosen[patient.id] = tuple(oid for oid, x in xs if solver.BooleanValue(x))
    best = solver.BestObjectiveBound()
    # The objective is integral, so CP-SAT's bound rounds up (with a guard against float noise).
    bound = max(0, math.ceil(best - 1e-6)) if math.isfinite(best) else 0
    return _Raw(chosen=chosen, status=solver.StatusName(status), bound=bound, seconds=solver.WallTime())


def _schedule(problem: CohortProblem, raw: _Raw) -> CohortSchedule:
    """The cohort schedule of CP-SAT's answer, with bounds and reasons (everyone left out if it found none)."""
    chosen = raw.chosen or {}
    assignments = []
    for patient in problem.patients:
        if patient.id in chosen:
            ids = chosen[patient.id]
            cost = _schedule_cost(_week_problem(patient, problem.offerings), ids)
            assignments.append(Assignment(patient=patient.id, sessions=ids, cost=cost))
    free, unscheduled = capacity_free_bound_and_reasons(problem, chosen)
    cost = sum(a.cost for a in assignments) + sum(u.cost for u in unscheduled)
    lower = cost if raw.status == "OPTIMAL" else max(free, min(cost, raw.bound))
    return CohortSchedule(
        assignments=tuple(assignments),
        unscheduled=unscheduled,
        cost=cost,
        lower_bound=lower,
        capacity_free_bound=free,
        optimal=lower == cost,
        backend="ortools",
    )


def solve_cohort_ortools(
    problem: CohortProblem, *, time_limit: float | None = None, seed: int = 0, work_limit: float | None = None
) -> CohortSchedule:
    """Solve *problem* with OR-Tools CP-SAT (one worker): the same model and result type as the default backend.

    ``time_limit`` (seconds) and ``work_limit`` (CP-SAT deterministic time) stop it early;
    without them it runs until optimality is proven. ``lower_bound`` is the larger of
    CP-SAT's proven bound and the capacity-free bound; ``optimal`` is set when CP-SAT proves
    the cost minimal. If CP-SAT stops before finding any assignment, every patient is left
    out (always feasible: pinned seats stay held) and the bound still holds.

    Raises :class:`OrtoolsNotInstalledError` (an :class:`ImportError`) when OR-Tools is missing.
    """
    return _schedule(problem, _solve(problem, time_limit=time_limit, seed=seed, work_limit=work_limit))
