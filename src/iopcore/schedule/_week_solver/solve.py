"""The facade: :func:`solve` (the cheapest week, or why none exists) and :func:`alternatives`."""

from __future__ import annotations

from iopcore import _fields as f
from iopcore.schedule._model import WeekProblem, WeekSchedule
from iopcore.schedule._week_solver.candidates import Candidates, Solution, candidates, limits
from iopcore.schedule._week_solver.explain import infeasible_error
from iopcore.schedule._week_solver.search import search

__all__ = ["alternatives", "solve"]


def solve(problem: WeekProblem) -> WeekSchedule:
    """A feasible schedule of minimum cost, proven optimal.

    Ties between schedules of equal cost are broken deterministically, in order:
    fewer sessions; fewer minutes in total; then compare the days Monday first,
    each day as the list of its chosen sessions' ``(start, end, id)`` sorted
    ascending (a day without sessions comes first, and a list that is a prefix of
    another comes first). The smallest wins. The answer does not depend on the
    order of the offerings.

    Raises :class:`~iopcore.errors.InfeasibleScheduleError` when no feasible set exists.
    Its ``conflict``, ``reasons`` and ``explanation`` are computed on first access (and
    cached), so detecting infeasibility stays fast.
    """
    if not isinstance(problem, WeekProblem):
        raise f.fail("$.problem", "expected a WeekProblem", "type")
    cands = candidates(problem)
    found = search(cands, limits(problem), day_cost=problem.day_cost)
    if not found:
        raise infeasible_error(problem)
    return _schedule(cands, found[0])


def alternatives(problem: WeekProblem, k: int) -> tuple[WeekSchedule, ...]:
    """The *k* cheapest distinct feasible schedules, cheapest first (fewer when fewer exist).

    Order is (cost, the tie-break key of :func:`solve`); the first one is
    :func:`solve`'s answer. An infeasible problem gives an empty tuple.
    """
    if not isinstance(problem, WeekProblem):
        raise f.fail("$.problem", "expected a WeekProblem", "type")
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise f.fail("$.k", "expected an integer >= 1", "range")
    cands = candidates(problem)
    return tuple(_schedule(cands, s) for s in search(cands, limits(problem), day_cost=problem.day_cost, k=k))


def _schedule(cands: Candidates, sol: Solution) -> WeekSchedule:
    """The week of a search's solution."""
    return WeekSchedule(sessions=tuple(cands.offerings[i] for i in sol[2]), cost=sol[0][0])
