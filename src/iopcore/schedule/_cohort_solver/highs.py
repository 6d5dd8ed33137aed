"""The restricted master problem solved by HiGHS (the optional ``iopcore[highs]`` extra, ``highspy``).

The same linear programme as :mod:`.simplex`, stated the way HiGHS takes it::

    minimise    Σ_j cost_j · x_j + Σ_g unscheduled_g · y_g
    subject to  Σ_{j of group g} x_j + y_g = n_g        (one row per group)
                Σ_{j using o}    x_j      ≤ r_o        (one row per offering that may run short)
                x, y ≥ 0

The capacity rows need no slack or artificial column of ours (HiGHS keeps a row's slack as
its logical variable), and leaving everyone out is always feasible. Rows and columns are
added between solves; HiGHS keeps its basis, so each solve starts from the last one
(HiGHS's simplex repairs what new rows and columns break). Its duals follow the same
sign as the pure master's: a binding capacity row has a dual value ≤ 0.

HiGHS runs single-threaded (``threads=1``, ``parallel="off"``, the primal simplex without presolve)
and silent (``output_flag=False``: it prints nothing). Single-threaded, HiGHS is
deterministic: the same rows and columns in the same order give the same solution, so a run
of :func:`~iopcore.schedule.solve_cohort` under a ``work_limit`` gives the same answer every
time. A solve gets the time left of the caller's budget as HiGHS's ``time_limit`` (HiGHS
counts it from the object's first run, so the limit passed is its run time so far plus the
time left) and ``columns_highs_iterations`` of the tuning as ``simplex_iteration_limit``.
:meth:`HighsMaster.solve_integer` runs HiGHS's branch and bound on a copy of the master (whole
week counts), within a node limit (deterministic too) and the time it is given.

``highspy`` is imported only here, inside one function called when HiGHS is asked for (an optional extra): the
package imports, and the pure master works, without it. The solver object is highspy's
compiled class (``highspy._core._Highs``), not its Python wrapper ``highspy.Highs``: the
wrapper installs its callbacks in its constructor, before any option can be set, and HiGHS
then writes its banner to standard output.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, final

from iopcore.errors import HighsNotInstalledError

if TYPE_CHECKING:
    from highspy._core import HighsModelStatus, _Highs

__all__ = ["HighsMaster", "highs_available"]

_OPTIONS: tuple[tuple[str, bool | int | float | str], ...] = (
    ("output_flag", False),
    ("threads", 1),
    ("parallel", "off"),
    ("random_seed", 0),
)
"""Silent, single-threaded, seeded: the options of every HiGHS instance here."""


def _highspy() -> ModuleType | None:
    """highspy's compiled module, or ``None`` when the extra is not installed (the one import of it)."""
    try:
        import highspy._core as core  # the optional extra: imported only when HiGHS is asked for
    except ImportError:
        return None
    return core


def highs_available() -> bool:
    """Whether ``highspy`` can be imported (the ``iopcore[highs]`` extra is installed)."""
    return _highspy() is not None


def _core() -> ModuleType:
    core = _highspy()
    if core is None:
        raise HighsNotInstalledError
    return core


@final
class HighsMaster:
    """A restricted master problem held by a HiGHS instance (mutable, internal).

    Implements :class:`~iopcore.schedule._cohort_solver.master.MasterProblem`.
    """

    def __init__(self) -> None:
        core = _core()
        self._status: type[HighsModelStatus] = core.HighsModelStatus
        self._highs: _Highs = core._Highs()
        # The primal simplex: new weeks keep the last basis primal feasible (and the first, everyone
        # left out, is), so it continues where HiGHS's default dual simplex starts again; the first
        # solve on 1,000 distinct patients took 0.22 s instead of over 0.54 s.
        for option, value in (*_OPTIONS, ("presolve", "off"), ("solver", "simplex"), ("simplex_strategy", 4)):
            self._highs.setOptionValue(option, value)
        self._inf: float = core.kHighsInf
        self._rows = 0
        self._columns = 0
        self._x: list[float] = []
        self._pi: list[float] = []
        self._objective = 0.0
        self.status = "not solved"
        """How the last solve ended: ``optimal``, ``pivot limit``, ``time limit`` or ``failed (…)``."""

    @property
    def rows(self) -> int:
        return self._rows

    def _add_column(self, cost: float, rows: Sequence[int]) -> int:
        counts = Counter(rows)  # a row named twice has coefficient 2, as in the pure master
        index = sorted(counts)
        self._highs.addCol(float(cost), 0.0, self._inf, len(index), index, [float(counts[r]) for r in index])
        self._columns += 1
        return self._columns - 1

    def add_group(self, members: int, unscheduled: float) -> int:
        """A group's row (``= members``) with its leave-out column; returns the row."""
        row = self._rows
        self._highs.addRow(float(members), float(members), 0, [], [])
        self._rows += 1
        self._pi.append(0.0)
        self._add_column(unscheduled, [row])
        return row

    def add_capacity(self, seats: float, columns: Sequence[int]) -> int:
        """A capacity row (``≤ seats``) shared by *columns* (existing weeks); returns the row."""
        index = sorted(set(columns))
        self._highs.addRow(-self._inf, float(seats), len(index), index, [1.0] * len(index))
        self._rows += 1
        self._pi.append(0.0)
        return self._rows - 1

    def add_week(self, cost: float, rows: Sequence[int]) -> int:
        """A week with coefficient 1 in each of *rows* (its group's and capacities'); returns the column."""
        return self._add_column(cost, rows)

    def start_from(self, keys: dict[int, int]) -> None:
        """Ignored: HiGHS finds its own start (the pure master's start from a plan saves it pivots
        that HiGHS does not need; the optimum is the same)."""

    def solve(self, max_pivots: int, tick: Callable[[], None] | None = None, seconds: float | None = None) -> bool:
        """Solve from the last basis; ``False`` unless HiGHS reports an optimum within *max_pivots* iterations.

        *tick* (the caller's budget check) runs before the solve and after one that ran out of
        time (HiGHS checks the time itself, against *seconds*, the time left): an exception it
        raises leaves the master as HiGHS left it, and a later solve continues from there.
        """
        if tick is not None:
            tick()
        highs, known = self._highs, self._status
        if self._rows == 0:
            self._x, self._objective, self.status = [0.0] * self._columns, 0.0, "optimal"
            return True
        highs.setOptionValue("simplex_iteration_limit", max_pivots)
        limit = self._inf if seconds is None else highs.getRunTime() + max(seconds, 0.0)
        highs.setOptionValue("time_limit", limit)
        highs.run()
        status = highs.getModelStatus()
        if status == known.kOptimal:
            solution = highs.getSolution()
            self._x = list(solution.col_value)
            self._pi = list(solution.row_dual)
            self._objective = highs.getObjectiveValue()
            self.status = "optimal"
            return True
        if status == known.kTimeLimit:
            self.status = "time limit"
            if tick is not None:
                tick()
        elif status == known.kIterationLimit:
            self.status = "pivot limit"
        else:
            self.status = f"failed ({highs.modelStatusToString(status)})"
        return False

    def solve_integer(
        self, max_nodes: int, seconds: float | None = None, below: float | None = None
    ) -> list[float] | None:
        """A whole solution over the master's columns costing less than *below*, per column (``None``: none found).

        HiGHS's branch and bound runs on a copy of the master (the master itself and its basis
        stay as they were), within *max_nodes* nodes and *seconds*; it stops at the restricted
        optimum (costs are whole, so a gap under 1 closes it) or at the first limit with the
        best solution found by then.
        """
        core = _core()
        mip = core._Highs()
        options: list[tuple[str, bool | int | float | str]] = [
            *_OPTIONS,
            ("mip_max_nodes", max_nodes),
            ("mip_rel_gap", 0.0),
            ("mip_abs_gap", 0.5),
            ("time_limit", self._inf if seconds is None else max(seconds, 0.0)),
        ]
        if below is not None:
            options.append(("objective_bound", float(below)))
        for option, value in options:
            mip.setOptionValue(option, value)
        mip.passModel(self._highs.getModel())
        for j in range(self._columns):
            mip.changeColIntegrality(j, core.HighsVarType.kInteger)
        mip.run()
        solution = mip.getSolution()
        if not solution.value_valid or (below is not None and mip.getObjectiveValue() >= below):
            return None
        return list(solution.col_value)

    def duals(self) -> list[float]:
        """Per row, its dual value at the last optimum (0 for rows added since)."""
        return list(self._pi)

    def values(self) -> list[float]:
        """Per column, its value at the last optimum (0 for columns added since)."""
        return self._x + [0.0] * (self._columns - len(self._x))

    def objective(self) -> float:
        """The objective at the last optimum."""
        return self._objective
