"""A small revised primal simplex for the cohort solver's restricted master problem (internal).

The problem, in floating point::

    minimise    Σ_j cost_j · x_j
    subject to  Σ_{j of group g} x_j + y_g  = n_g       (one row per group)
                Σ_{j using o}    x_j + s_o − t_o = r_o  (one row per offering that may run short)
                x, y, s, t ≥ 0

where *y_g* (cost: the group's unscheduled cost) leaves members out, *s_o* is the slack of a
capacity and *t_o* an artificial excess with a cost larger than any schedule's, so that
leaving everyone out is always a feasible start. Rows and columns can be added between
solves and the basis is kept, so each new solve starts where the last one ended.

Nothing here needs to be exact for the cohort solver's bound to be valid: the solver only
takes the capacity rows' dual values as seat prices, and the Lagrangian bound it reports is
then computed exactly, in integers, for those prices. A solve that does not converge (too
many pivots, or a basis that drifted numerically) says so, and the solver carries on without it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import final

_TOL = 1e-9
BLAND_AFTER = 20
"""Consecutive degenerate pivots before Bland's rule (which cannot cycle) takes over."""
REPRICE_EVERY = 64
"""Pivots between recomputations of the duals from the basis inverse (against drift)."""


@final
class Master:
    """A restricted master problem and its current basis (mutable, internal).

    *bland_after* and *reprice_every* are :data:`BLAND_AFTER` and :data:`REPRICE_EVERY`
    unless given (the tests exercise Bland's rule and fresh duals at every pivot).
    """

    def __init__(self, big: float, *, bland_after: int = BLAND_AFTER, reprice_every: int = REPRICE_EVERY) -> None:
        self.big = big
        """The cost of one unit of capacity excess (more than any schedule costs)."""
        self.bland_after = bland_after
        self.reprice_every = reprice_every
        self.cost: list[float] = []
        self.entries: list[list[tuple[int, float]]] = []
        """Per column: its (row, coefficient) pairs."""
        self.rhs: list[float] = []
        self.basic: list[int] = []
        """Per row: the column basic in it."""
        self.in_basis: list[bool] = []
        self.binv: list[list[float]] = []
        """The basis inverse, dense, row by row."""
        self.xb: list[float] = []
        """Per row: the value of its basic column."""
        self.pi: list[float] = []
        """Per row: its dual value, kept up to date through pivots and new rows."""
        self.stale = 0
        """Pivots since the duals were last computed afresh from the basis inverse."""
        self.status = "not solved"
        """How the last solve ended: ``optimal``, ``pivot limit``, ``drifted`` or ``unbounded``."""

    @property
    def rows(self) -> int:
        return len(self.rhs)

    def _column(self, cost: float, entries: list[tuple[int, float]]) -> int:
        self.cost.append(cost)
        self.entries.append(entries)
        self.in_basis.append(False)
        return len(self.cost) - 1

    def _new_row(self, rhs: float, below: list[float], column: int, value: float, sign: float) -> int:
        """Add a row whose basic column is *column* (coefficient *sign* in the row, and no other entry).

        *below* is the new row of the basis inverse left of its diagonal (``−(row of B) · B⁻¹ / sign``).
        """
        row = len(self.rhs)
        for line in self.binv:
            line.append(0.0)
        self.binv.append([*below, 1.0 / sign])
        # The duals of the old rows gain the new basic column's cost times its row of the inverse.
        c = self.cost[column]
        if c:
            for q in range(row):
                self.pi[q] += c * below[q]
        self.pi.append(c / sign)
        self.rhs.append(rhs)
        self.basic.append(column)
        self.in_basis[column] = True
        self.xb.append(value)
        return row

    def add_group(self, members: int, unscheduled: float) -> int:
        """A group's row, with its leave-out column basic; returns the row."""
        row = len(self.rhs)
        y = self._column(unscheduled, [(row, 1.0)])
        return self._new_row(float(members), [0.0] * row, y, float(members), 1.0)

    def add_capacity(self, seats: float, columns: Sequence[int]) -> int:
        """A capacity row of *seats* shared by *columns* (existing weeks); returns the row.

        The slack is basic when the current solution fits the seats, the artificial excess otherwise.
        """
        row = len(self.rhs)
        users = set(columns)
        for j in users:
            self.entries[j].append((row, 1.0))
        # The new row of the basis: 1 under each basic column using the offering.
        hits = [i for i, j in enumerate(self.basic) if j in users]
        usage = sum(self.xb[i] for i in hits)
        slack = self._column(0.0, [(row, 1.0)])
        excess = self._column(self.big, [(row, -1.0)])
        sign, column, value = (1.0, slack, seats - usage) if usage <= seats + _TOL else (-1.0, excess, usage - seats)
        below = [0.0] * row
        for i in hits:
            line = self.binv[i]
            for q in range(row):
                below[q] -= line[q] / sign
        return self._new_row(seats, below, column, max(value, 0.0), sign)

    def add_week(self, cost: float, rows: Sequence[int]) -> int:
        """A week (non-basic) with coefficient 1 in each of *rows* (its group's and capacities'); returns the column."""
        return self._column(cost, [(r, 1.0) for r in rows])

    def duals(self) -> list[float]:
        """Per row, its dual value (cost of the basis times the basis inverse)."""
        return list(self.pi)

    def _fresh_duals(self) -> list[float]:
        m = len(self.rhs)
        pi = [0.0] * m
        for i, j in enumerate(self.basic):
            c = self.cost[j]
            if c:
                line = self.binv[i]
                for q in range(m):
                    pi[q] += c * line[q]
        return pi

    def solve_integer(
        self, max_nodes: int, seconds: float | None = None, below: float | None = None
    ) -> list[float] | None:
        """Always ``None``: the pure master has no branch and bound (column generation keeps only whole LP optima)."""
        return None

    def values(self) -> list[float]:
        """Per column, its value in the current basic solution."""
        x = [0.0] * len(self.cost)
        for i, j in enumerate(self.basic):
            x[j] = self.xb[i]
        return x

    def objective(self) -> float:
        return sum(self.cost[j] * v for j, v in zip(self.basic, self.xb, strict=True))

    def solve(self, max_pivots: int, tick: Callable[[], None] | None = None, seconds: float | None = None) -> bool:
        """Pivot to an optimal basis; ``False`` if *max_pivots* pivots did not reach one (or it is unbounded).

        *tick* is called before each pivot (the caller's budget check: an exception it raises
        leaves the master as it was after the last whole pivot); *seconds* (the time left) is
        not needed, since *tick* checks the time.
        """
        m = len(self.rhs)
        pi = self.pi
        degenerate = pivots = 0
        while True:
            if tick is not None:
                tick()
            if self.stale >= self.reprice_every:
                pi = self.pi = self._fresh_duals()
                self.stale = 0
            bland = degenerate >= self.bland_after
            q, best = -1, -_TOL
            for j, entries in enumerate(self.entries):
                if self.in_basis[j]:
                    continue
                d = self.cost[j]
                for r, a in entries:
                    d -= pi[r] * a
                if d < best:
                    q, best = j, d
                    if bland:
                        break
            if q < 0:
                consistent = self._consistent()
                self.status = "optimal" if consistent else "drifted"
                return consistent
            if pivots == max_pivots:
                self.status = "pivot limit"
                return False
            pivots += 1
            u = [0.0] * m
            for r, a in self.entries[q]:
                for i in range(m):
                    v = self.binv[i][r]
                    if v:
                        u[i] += v * a
            leave, ratio = -1, 0.0
            for i in range(m):
                if u[i] > _TOL:
                    t = self.xb[i] / u[i]
                    if leave < 0 or t < ratio - _TOL or (t <= ratio + _TOL and self.basic[i] < self.basic[leave]):
                        leave, ratio = i, t
            if leave < 0:
                self.status = "unbounded"
                return False  # unbounded: cannot happen with a leave-out column per group
            degenerate = degenerate + 1 if ratio <= _TOL else 0
            pivot_row = self.binv[leave]
            scale = 1.0 / u[leave]
            pivot_row = [v * scale for v in pivot_row]
            step = best * scale
            for q2 in range(m):
                pi[q2] += step * self.binv[leave][q2]
            for i in range(m):
                if i != leave and u[i]:
                    f = u[i]
                    line = self.binv[i]
                    self.binv[i] = [a - f * b for a, b in zip(line, pivot_row, strict=True)]
                    self.xb[i] = max(0.0, self.xb[i] - f * ratio)  # no negative value from rounding
            self.binv[leave] = pivot_row
            self.xb[leave] = ratio
            self.stale += 1
            self.in_basis[self.basic[leave]] = False
            self.in_basis[q] = True
            self.basic[leave] = q

    def _consistent(self) -> bool:
        """Whether the basic solution still satisfies the rows (the basis inverse has not drifted)."""
        lhs = [0.0] * len(self.rhs)
        for j, v in zip(self.basic, self.xb, strict=True):
            if v:
                for r, a in self.entries[j]:
                    lhs[r] += a * v
        return all(abs(a - b) <= 1e-6 * (1.0 + abs(b)) for a, b in zip(lhs, self.rhs, strict=True))
