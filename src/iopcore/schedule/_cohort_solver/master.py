"""The restricted master problem as column generation sees it: one interface, two LP solvers.

Column generation (:mod:`.columns`) builds the master row by row and column by column and
reads back its duals (the seat prices) and its primal values (a plan, when they are whole).
Either solver does:

* ``"python"`` — :class:`~.simplex.Master`, the pure-Python revised simplex with generalized
  upper bounds: no dependency; its pivots grow with the square of the capacity rows (the
  group rows cost nothing), so its own limit (400 capacity rows, unless the tuning's
  ``columns_max_rows`` says otherwise) stops column generation on masters with more; no
  branch and bound;
* ``"highs"`` — :class:`~.highs.HighsMaster`, HiGHS through ``highspy`` (the ``iopcore[highs]``
  extra): no size limit unless the tuning sets one, and a branch and bound over the master's
  weeks for a plan once column generation has converged.

``"auto"`` (the default of :func:`~iopcore.schedule.solve_cohort`) is HiGHS when ``highspy``
can be imported and the pure master otherwise. Nothing in the reported bound depends on
the LP solver's accuracy: column generation takes the duals as seat prices and computes the
Lagrangian bound at them exactly, in integers (see :mod:`.bounds`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, Protocol

from iopcore.errors import HighsNotInstalledError
from iopcore.schedule._cohort_solver.highs import HighsMaster, highs_available
from iopcore.schedule._cohort_solver.simplex import Master

__all__ = [
    "LP_SOLVERS",
    "PURE_MAX_ROWS",
    "LPSolver",
    "MasterProblem",
    "max_capacity_rows",
    "new_master",
    "resolve_lp_solver",
]

LPSolver = Literal["auto", "highs", "python"]
"""The choices of ``solve_cohort(..., lp_solver=...)``."""
LP_SOLVERS: tuple[LPSolver, ...] = ("auto", "highs", "python")


class MasterProblem(Protocol):
    """A restricted master problem (mutable, internal); see :mod:`.simplex` for the programme.

    Rows and columns are numbered from 0 in the order they are added (a group's row brings
    its leave-out column with it); :meth:`values` is indexed by column, :meth:`duals` by row.
    """

    @property
    def rows(self) -> int:
        """How many rows the master has."""
        ...

    @property
    def status(self) -> str:
        """How the last solve ended (``optimal`` when it reached an optimum)."""
        ...

    def add_group(self, members: int, unscheduled: float) -> int:
        """A group's row (its members) with its leave-out column (its unscheduled cost each); returns the row."""
        ...

    def add_capacity(self, seats: float, columns: Sequence[int]) -> int:
        """A capacity row of *seats* shared by *columns* (existing weeks); returns the row."""
        ...

    def add_week(self, cost: float, rows: Sequence[int]) -> int:
        """A week with coefficient 1 in each of *rows* (its group's and capacities'); returns the column."""
        ...

    def start_from(self, keys: dict[int, int]) -> None:
        """A hint before any capacity row: per group row (keys), the week (column) all its members share
        in a known plan; a solver may start from it or ignore it (the optimum is the same)."""
        ...

    def solve(self, max_pivots: int, tick: Callable[[], None] | None = None, seconds: float | None = None) -> bool:
        """Solve from the last basis; ``True`` when optimal within *max_pivots* pivots.

        *tick* is the caller's budget check (it raises to stop); *seconds* the time left of
        the budget, for a solver that measures time itself (``None``: no time limit).
        """
        ...

    def solve_integer(
        self, max_nodes: int, seconds: float | None = None, below: float | None = None
    ) -> list[float] | None:
        """A whole solution over the master's columns costing less than *below*, per column, found by
        branch and bound within *max_nodes* nodes and *seconds* (``None``: none found, or no branch and bound)."""
        ...

    def duals(self) -> list[float]:
        """Per row, its dual value at the last solve (a binding capacity row's is ≤ 0)."""
        ...

    def values(self) -> list[float]:
        """Per column, its value at the last solve."""
        ...

    def objective(self) -> float:
        """The objective value at the last solve."""
        ...


def resolve_lp_solver(choice: LPSolver) -> Literal["highs", "python"]:
    """The LP solver *choice* stands for: ``"auto"`` is HiGHS when ``highspy`` imports, else the pure master.

    Raises :class:`~iopcore.errors.HighsNotInstalledError` for ``"highs"`` without ``highspy``.
    """
    if choice == "python":
        return "python"
    if highs_available():
        return "highs"
    if choice == "highs":
        raise HighsNotInstalledError
    return "python"


def new_master(lp_solver: str, big: float) -> MasterProblem:
    """An empty master for *lp_solver* (``"highs"`` or ``"python"``); *big* is the cost of one unit of
    capacity excess in the pure master (more than any schedule costs)."""
    return HighsMaster() if lp_solver == "highs" else Master(big)


PURE_MAX_ROWS = 400
"""The pure master's own limit on capacity rows (``CohortTuning.columns_max_rows`` unset)."""


def max_capacity_rows(lp_solver: str, tuned: int | None) -> int | None:
    """The limit on the master's capacity rows (``None``: no limit): the tuning's (*tuned*) where it sets
    one, else *lp_solver*'s own (:data:`PURE_MAX_ROWS` for the pure master, none for HiGHS, whose solves
    stay fast)."""
    if tuned is not None or lp_solver == "highs":
        return tuned
    return PURE_MAX_ROWS
