"""A revised primal simplex for the cohort solver's restricted master problem, with generalized upper bounds.

The problem, in floating point::

    minimise    Σ_j cost_j · x_j
    subject to  Σ_{j of group g} x_j + y_g  = n_g       (one row per group)
                Σ_{j using o}    x_j + s_o − t_o = r_o  (one row per offering that may run short)
                x, y, s, t ≥ 0

where *y_g* (cost: the group's unscheduled cost) leaves members out, *s_o* is the slack of a
capacity and *t_o* an artificial excess with a cost larger than any schedule's, so that
leaving everyone out is always a feasible start. Rows and columns can be added between
solves and the basis is kept, so each new solve starts where the last one ended.

The group rows are *generalized upper bounds* (Dantzig and Van Slyke, 1967): every column
but the slacks and excesses lies in exactly one of them. Each group has one basic **key**
column; the other basic columns (as many as there are capacity rows) form the working
basis *W*, whose columns are theirs minus their group's key on the capacity rows. Only
*W*'s inverse is kept (dense, capacity rows squared), so a master with a thousand groups
and a hundred capacity rows costs what a hundred-row master does: the groups cost nothing
until a member's week is split. Pivots that only change a group's key (the most common
ones: a group starts using a week) leave *W* as it is.

Nothing here needs to be exact for the cohort solver's bound to be valid: the solver only
takes the capacity rows' dual values as seat prices, and the Lagrangian bound it reports is
then computed exactly, in integers, for those prices. A solve that does not converge (too
many pivots, or a basis that drifted numerically) says so, and the solver carries on without it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import final

__all__ = ["BLAND_AFTER", "PRICE_CHUNK", "REPRICE_EVERY", "Master"]

_TOL = 1e-9
BLAND_AFTER = 20
"""Consecutive degenerate pivots before Bland's rule (which cannot cycle) takes over."""
REPRICE_EVERY = 64
"""Pivots between recomputations of the duals and values from the basis inverse (against drift)."""
PERTURBATION = 1e-6
"""The scale of the extra seat fraction each capacity row gets (against degeneracy, see :meth:`Master.add_capacity`)."""
PRICE_CHUNK = 256
"""Columns priced at least per pivot (partial pricing: the scan goes on from where the last one
stopped and takes the best column once it has seen this many and found one that improves)."""


@final
class Master:
    """A restricted master problem and its current basis (mutable, internal).

    Rows (group rows and capacity rows) are numbered in the order they were added; so are
    columns (weeks, each group's leave-out column, each capacity row's slack and excess).
    *bland_after*, *reprice_every* and *price_chunk* are :data:`BLAND_AFTER`,
    :data:`REPRICE_EVERY` and :data:`PRICE_CHUNK` unless given (the tests exercise Bland's
    rule, fresh duals at every pivot and full pricing).
    """

    def __init__(
        self,
        big: float,
        *,
        bland_after: int = BLAND_AFTER,
        reprice_every: int = REPRICE_EVERY,
        price_chunk: int = PRICE_CHUNK,
    ) -> None:
        self.big = big
        """The cost of one unit of capacity excess (more than any schedule costs)."""
        self.bland_after = bland_after
        self.reprice_every = reprice_every
        self.price_chunk = price_chunk
        # Columns.
        self.cost: list[float] = []
        self.entries: list[list[tuple[int, float]]] = []
        """Per column: its (row, coefficient) pairs (the group row first, for a group's column)."""
        self.group_of: list[int] = []
        """Per column: its group (-1 for a slack or an excess)."""
        self.capacity_of: list[list[tuple[int, float]]] = []
        """Per column: its (capacity index, coefficient) pairs."""
        self.basic_flag: list[bool] = []
        self.weeks_rows: list[list[int]] = []
        """Per column: its capacity rows (a group's columns have coefficient 1 in each)."""
        # Rows: group rows and capacity rows share one numbering.
        self.rhs: list[float] = []
        self.row_kind: list[tuple[bool, int]] = []
        """Per row: (whether it is a group row, its index among the group or the capacity rows)."""
        self.group_row: list[int] = []
        self.capacity_row: list[int] = []
        # Groups.
        self.size: list[float] = []
        self.key: list[int] = []
        """Per group: its key column (basic, not in the working basis)."""
        self.key_value: list[float] = []
        self.columns_of: list[list[int]] = []
        # Capacity rows and the working basis.
        self.seats: list[float] = []
        self.slack_of: list[int] = []
        """Per capacity row: its slack column (its excess is the next column)."""
        self.basic: list[int] = []
        """Per position of the working basis: its column."""
        self.position: dict[int, int] = {}
        self.winv: list[list[float]] = []
        """The working basis inverse, dense, row by row (one row per position, one column per capacity row)."""
        self.xw: list[float] = []
        self.pi: list[float] = []
        """Per capacity row: its dual value."""
        self.stale = 0
        self._cursor = 0

    # --- building ------------------------------------------------------------------------

    @property
    def rows(self) -> int:
        return len(self.rhs)

    def _column(self, cost: float, group: int, capacity: list[tuple[int, float]]) -> int:
        j = len(self.cost)
        self.cost.append(cost)
        self.group_of.append(group)
        self.capacity_of.append(capacity)
        entries = [(self.group_row[group], 1.0)] if group >= 0 else []
        entries.extend((self.capacity_row[k], a) for k, a in capacity)
        self.entries.append(entries)
        self.basic_flag.append(False)
        self.weeks_rows.append([k for k, _ in capacity])
        if group >= 0:
            self.columns_of[group].append(j)
        return j

    def add_group(self, members: int, unscheduled: float) -> int:
        """A group's row, with its leave-out column as key (all members left out); returns the row."""
        row = len(self.rhs)
        g = len(self.size)
        self.rhs.append(float(members))
        self.row_kind.append((True, g))
        self.group_row.append(row)
        self.size.append(float(members))
        self.columns_of.append([])
        y = self._column(float(unscheduled), g, [])
        self.key.append(y)
        self.key_value.append(float(members))
        self.basic_flag[y] = True
        return row

    def start_from(self, keys: dict[int, int]) -> None:
        """Start from a basis whose group rows (keys of *keys*) have all their members in one week
        (the column); only before any capacity row (which then finds the slack or excess it needs)."""
        assert not self.seats, "a start is set before the capacity rows"
        for row, column in keys.items():
            is_group, g = self.row_kind[row]
            assert is_group and self.group_of[column] == g
            self.basic_flag[self.key[g]] = False
            self.key[g] = column
            self.basic_flag[column] = True

    def add_week(self, cost: float, rows: Sequence[int]) -> int:
        """A week (non-basic) with coefficient 1 in each of *rows* (its group's first, then capacity rows)."""
        group_rows = [r for r in rows if self.row_kind[r][0]]
        assert len(group_rows) == 1, "a week lies in exactly one group"
        g = self.row_kind[group_rows[0]][1]
        capacity = sorted({self.row_kind[r][1] for r in rows if not self.row_kind[r][0]})
        return self._column(float(cost), g, [(k, 1.0) for k in capacity])

    def add_capacity(self, seats: float, columns: Sequence[int]) -> int:
        """A capacity row of *seats* shared by *columns* (existing weeks); returns the row.

        The slack is basic when the current solution fits the seats, the excess otherwise.
        """
        row = len(self.rhs)
        k = len(self.seats)
        # A tiny, distinct extra on each capacity breaks the ties of a degenerate basis (where many
        # rows are exactly full, the simplex would otherwise take thousands of steps of length 0).
        seats = float(seats) + PERTURBATION * (1.0 + (k * 0.6180339887498949) % 1.0)
        self.rhs.append(seats)
        self.row_kind.append((False, k))
        self.capacity_row.append(row)
        self.seats.append(seats)
        users = set(columns)
        for j in users:
            self.capacity_of[j].append((k, 1.0))
            self.weeks_rows[j].append(k)
            self.entries[j].append((row, 1.0))
        usage = sum(self.key_value[g] for g, key in enumerate(self.key) if key in users)
        usage += sum(self.xw[i] for i, j in enumerate(self.basic) if j in users)
        slack = self._column(0.0, -1, [(k, 1.0)])
        excess = self._column(self.big, -1, [(k, -1.0)])
        self.slack_of.append(slack)
        sign, column, value = (1.0, slack, seats - usage) if usage <= seats + _TOL else (-1.0, excess, usage - seats)
        # The working basis gains a row (each basic column's entry there, less its key's) and this column.
        entry = [self._transformed_entry(j, k) for j in self.basic]
        below = [0.0] * k
        for i, w in enumerate(entry):
            if w:
                line = self.winv[i]
                for q in range(k):
                    below[q] -= sign * w * line[q]
        for line in self.winv:
            line.append(0.0)
        self.winv.append([*below, sign])
        self.position[column] = len(self.basic)
        self.basic.append(column)
        self.basic_flag[column] = True
        self.xw.append(max(value, 0.0))
        self.pi.append(0.0)
        self._refresh()
        return row

    def _transformed_entry(self, j: int, k: int) -> float:
        """Column *j*'s entry on capacity row *k*, less its group key's (its column of the working basis)."""
        value = sum(a for r, a in self.capacity_of[j] if r == k)
        g = self.group_of[j]
        if g >= 0:
            value -= sum(a for r, a in self.capacity_of[self.key[g]] if r == k)
        return value

    def _transformed(self, j: int) -> dict[int, float]:
        """Column *j* less its group's key, on the capacity rows (sparse)."""
        out: dict[int, float] = {}
        for k, a in self.capacity_of[j]:
            out[k] = out.get(k, 0.0) + a
        g = self.group_of[j]
        if g >= 0 and self.key[g] != j:
            for k, a in self.capacity_of[self.key[g]]:
                out[k] = out.get(k, 0.0) - a
        return out

    # --- reading -------------------------------------------------------------------------

    def duals(self) -> list[float]:
        """Per row, its dual value (group rows: the value of a member's week; capacity rows: of a seat)."""
        out = [0.0] * len(self.rhs)
        for k, row in enumerate(self.capacity_row):
            out[row] = self.pi[k]
        for g, row in enumerate(self.group_row):
            out[row] = self._group_dual(g)
        return out

    def _group_dual(self, g: int) -> float:
        key = self.key[g]
        pi = self.pi
        return self.cost[key] - sum(pi[k] * a for k, a in self.capacity_of[key])

    def values(self) -> list[float]:
        """Per column, its value in the current basic solution."""
        x = [0.0] * len(self.cost)
        for g, key in enumerate(self.key):
            x[key] = self.key_value[g]
        for i, j in enumerate(self.basic):
            x[j] = self.xw[i]
        return x

    def objective(self) -> float:
        total = sum(self.cost[key] * v for key, v in zip(self.key, self.key_value, strict=True))
        return total + sum(self.cost[j] * v for j, v in zip(self.basic, self.xw, strict=True))

    # --- solving -------------------------------------------------------------------------

    def _refresh(self) -> None:
        """Duals and values afresh from the basis inverse."""
        m = len(self.seats)
        winv = self.winv
        pi = [0.0] * m
        for i, j in enumerate(self.basic):
            g = self.group_of[j]
            c = self.cost[j] - (self.cost[self.key[g]] if g >= 0 else 0.0)
            if c:
                line = winv[i]
                for q in range(m):
                    pi[q] += c * line[q]
        self.pi = pi
        rest = list(self.seats)
        for g, key in enumerate(self.key):
            n = self.size[g]
            for k, a in self.capacity_of[key]:
                rest[k] -= n * a
        xw = [0.0] * m
        for i in range(m):
            line = winv[i]
            xw[i] = max(0.0, sum(line[q] * rest[q] for q in range(m) if rest[q]))
        self.xw = xw
        values = list(self.size)
        for i, j in enumerate(self.basic):
            g = self.group_of[j]
            if g >= 0:
                values[g] -= xw[i]
        self.key_value = [max(0.0, v) for v in values]
        self.stale = 0

    def _alpha(self, column: dict[int, float]) -> list[float]:
        """The working basis inverse times a (sparse, transformed) column."""
        m = len(self.seats)
        out = [0.0] * m
        winv = self.winv
        for k, a in column.items():
            for i in range(m):
                v = winv[i][k]
                if v:
                    out[i] += v * a
        return out

    def _reduced(self, j: int, mu: float) -> float:
        pi = self.pi
        return self.cost[j] - mu - sum(pi[k] * a for k, a in self.capacity_of[j])

    def _entering(self, bland: bool) -> tuple[int, float]:
        """A column with a negative reduced cost and that cost (-1 if none): partial pricing, or the
        first one in column order under Bland's rule."""
        n = len(self.cost)
        if bland:
            mus = [self._group_dual(g) for g in range(len(self.size))]
            for j in range(n):
                if not self.basic_flag[j]:
                    g = self.group_of[j]
                    d = self._reduced(j, mus[g] if g >= 0 else 0.0)
                    if d < -_TOL:
                        return j, d
            return -1, 0.0
        best, best_d = -1, -_TOL
        groups = len(self.size)
        for slack in self.slack_of:  # slacks and excesses: cheap, always priced
            for j in (slack, slack + 1):
                if not self.basic_flag[j]:
                    d = self._reduced(j, 0.0)
                    if d < best_d:
                        best, best_d = j, d
        seen = 0
        pi_of = self.pi.__getitem__
        cost, flag, rows_of = self.cost, self.basic_flag, self.weeks_rows
        for step in range(groups):
            g = (self._cursor + step) % groups
            columns = self.columns_of[g]
            mu = self._group_dual(g)
            for j in columns:
                if not flag[j]:
                    # A group's columns have +1 entries only: its reduced cost needs no coefficients.
                    d = cost[j] - mu - sum(map(pi_of, rows_of[j]))
                    if d < best_d:
                        best, best_d = j, d
            seen += len(columns)
            if best >= 0 and seen >= self.price_chunk:
                self._cursor = (g + 1) % groups
                break
        return best, best_d

    def solve(self, max_pivots: int, tick: Callable[[], None] | None = None) -> bool:
        """Pivot to an optimal basis; ``False`` if *max_pivots* pivots did not reach one (or it is unbounded).

        *tick* is called before each pivot (the caller's budget check: an exception it raises
        leaves the master as it was after the last whole pivot).
        """
        degenerate = pivots = 0
        while True:
            if tick is not None:
                tick()
            if self.stale >= self.reprice_every:
                self._refresh()
            q, d = self._entering(degenerate >= self.bland_after)
            if q < 0:
                return self._consistent()
            if pivots == max_pivots:
                return False
            pivots += 1
            ratio = self._pivot(q, d)
            if ratio is None:
                return False  # unbounded: cannot happen with a leave-out column per group
            degenerate = degenerate + 1 if ratio <= _TOL else 0

    def _pivot(self, q: int, d: float) -> float | None:
        """Bring column *q* (reduced cost *d*) into the basis; the step length (``None``: unbounded)."""
        g = self.group_of[q]
        alpha = self._alpha(self._transformed(q))
        # How each key moves per unit of the entering column: its own group's key gives way,
        # and each group's key takes up what that group's working columns give back.
        beta: dict[int, float] = {} if g < 0 else {g: 1.0}
        for i, a in enumerate(alpha):
            if a:
                h = self.group_of[self.basic[i]]
                if h >= 0:
                    beta[h] = beta.get(h, 0.0) - a
        leave_pos, leave_group, ratio = -1, -1, 0.0
        best_column = -1
        for i, a in enumerate(alpha):
            if a > _TOL:
                t = self.xw[i] / a
                j = self.basic[i]
                if best_column < 0 or t < ratio - _TOL or (t <= ratio + _TOL and j < best_column):
                    leave_pos, leave_group, ratio, best_column = i, -1, t, j
        for h, b in sorted(beta.items()):
            if b > _TOL:
                t = self.key_value[h] / b
                j = self.key[h]
                if best_column < 0 or t < ratio - _TOL or (t <= ratio + _TOL and j < best_column):
                    leave_pos, leave_group, ratio, best_column = -1, h, t, j
        if best_column < 0:
            return None
        ratio = max(ratio, 0.0)
        for i, a in enumerate(alpha):
            if a:
                self.xw[i] = max(0.0, self.xw[i] - ratio * a)
        for h, b in beta.items():
            self.key_value[h] = max(0.0, self.key_value[h] - ratio * b)
        if leave_group >= 0 and leave_group == g and not any(self.group_of[j] == g for j in self.basic):
            # The entering column becomes its group's key: the working basis stays as it is.
            self.basic_flag[self.key[g]] = False
            self.key[g] = q
            self.key_value[g] = ratio
            self.basic_flag[q] = True
            self.stale += 1
            return ratio
        if leave_group >= 0:
            # The leaving key gives way to one of its group's working columns, which becomes the key;
            # the old key then leaves from that column's place.
            h = leave_group
            v = min(j for j in self.basic if self.group_of[j] == h)
            pv = self.position[v]
            old = self.key[h]
            old_value = self.key_value[h]
            self.key[h] = v
            self.key_value[h] = self.xw[pv]
            others = [self.position[u] for u in self.basic if self.group_of[u] == h and u != v]
            row = [-x for x in self.winv[pv]]
            for pu in others:
                line = self.winv[pu]
                row = [a - b for a, b in zip(row, line, strict=True)]
            self.winv[pv] = row
            del self.position[v]
            self.basic[pv] = old
            self.position[old] = pv
            self.xw[pv] = old_value
            alpha = self._alpha(self._transformed(q))
            leave_pos = pv
            self._replace(leave_pos, q, alpha, ratio)
            self._refresh()
            return ratio
        self._replace(leave_pos, q, alpha, ratio)
        # The duals move along the leaving row of the old inverse (kept in _replace).
        self.stale += 1
        return ratio

    def _replace(self, r: int, q: int, alpha: list[float], ratio: float) -> None:
        """Column *q* takes position *r* of the working basis (*alpha*: the inverse times its column)."""
        m = len(self.seats)
        leaving = self.basic[r]
        pivot = alpha[r]
        old_row = self.winv[r]
        new_row = [v / pivot for v in old_row]
        # Reduced cost of q against the working basis before the pivot, for the dual update.
        g = self.group_of[q]
        mu = self._group_dual(g) if g >= 0 else 0.0
        d = self._reduced(q, mu)
        for i in range(m):
            if i != r and alpha[i]:
                f = alpha[i]
                line = self.winv[i]
                self.winv[i] = [a - f * b for a, b in zip(line, new_row, strict=True)]
        self.winv[r] = new_row
        if d:
            pi = self.pi
            for k in range(m):
                pi[k] += d * new_row[k]
        self.basic_flag[leaving] = False
        del self.position[leaving]
        self.basic[r] = q
        self.position[q] = r
        self.basic_flag[q] = True
        self.xw[r] = ratio

    def _consistent(self) -> bool:
        """Whether the basic solution still satisfies the rows (the basis inverse has not drifted)."""
        lhs = [0.0] * len(self.rhs)
        for j, v in enumerate(self.values()):
            if v:
                for r, a in self.entries[j]:
                    lhs[r] += a * v
        return all(abs(a - b) <= 1e-6 * (1.0 + abs(b)) for a, b in zip(lhs, self.rhs, strict=True))
