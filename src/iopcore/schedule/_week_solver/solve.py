"""The facade: :func:`solve` (the cheapest week, or why none exists) and :func:`alternatives`."""

from __future__ import annotations

from typing import Annotated

from iopcore import _fields as f
from iopcore.errors import InfeasibleScheduleError
from iopcore.schedule._model import WeekProblem, WeekSchedule, _trusted_week_schedule
from iopcore.schedule._week_solver.candidates import Candidates, Solution, candidates, limits
from iopcore.schedule._week_solver.explain import infeasible_error
from iopcore.schedule._week_solver.search import search

__all__ = ["alternatives", "solve"]


@f.guard
def solve(problem: WeekProblem, *, explain: bool = True) -> WeekSchedule:
    """A feasible schedule of minimum cost, proven optimal.

    Ties between schedules of equal cost are broken deterministically, in order:
    fewer sessions; fewer minutes in total; then compare the days Monday first,
    each day as the list of its chosen sessions' ``(start, end, id)`` sorted
    ascending (a day without sessions comes first, and a list that is a prefix of
    another comes first). The smallest wins. The answer does not depend on the
    order of the offerings.

    Raises :class:`~iopcore.errors.InfeasibleScheduleError` when no feasible set exists,
    with its ``conflict``, ``reasons`` and ``explanation`` computed before it is raised
    (further searches: on the benchmark's infeasible instances about 15–30 times the time
    it takes to find that no week exists). With ``explain=False`` the error only says that
    no week exists (``explained`` false, the three fields ``None``): for callers that only
    need to know, such as feasibility checks over many patients.
    """
    cands = candidates(problem)
    found = search(cands, limits(problem), day_cost=problem.day_cost)
    if not found:
        raise infeasible_error(problem) if explain else InfeasibleScheduleError()
    return _schedule(cands, found[0])


@f.guard
def alternatives(problem: WeekProblem, k: Annotated[int, f.Range(min_value=1)]) -> tuple[WeekSchedule, ...]:
    """The *k* cheapest distinct feasible schedules, cheapest first (fewer when fewer exist).

    Order is (cost, the tie-break key of :func:`solve`); the first one is
    :func:`solve`'s answer. An infeasible problem gives an empty tuple.
    """
    cands = candidates(problem)
    return tuple(_schedule(cands, s) for s in search(cands, limits(problem), day_cost=problem.day_cost, k=k))


def _schedule(cands: Candidates, sol: Solution) -> WeekSchedule:
    """The week of a search's solution (chosen candidates come day by day, each day in (start, end, id)
    order: the schedule's order, so the week is built without re-sorting or re-checking)."""
    offerings = cands.offerings
    return _trusted_week_schedule(tuple([offerings[i] for i in sol[2]]), sol[0][0])
