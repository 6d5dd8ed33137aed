"""Column generation: seat prices from the linear relaxation over the weeks found so far."""

from __future__ import annotations

from typing import final

import attrs

from iopcore.schedule._cohort_solver.bounds import PricedWeeks, lagrangian_bound, still_best
from iopcore.schedule._cohort_solver.master import MasterProblem, new_master, size_limits
from iopcore.schedule._cohort_solver.pricing import best_week
from iopcore.schedule._cohort_solver.state import (
    BudgetSpent,
    Context,
    Plan,
    groups_with_a_week,
    placement_order,
    plan_cost,
    within_seats,
)

__all__ = ["column_generation", "columns_first"]


def columns_first(ctx: Context) -> bool:
    """Whether column generation runs first (and the calmer second pass and the repair of the start are skipped)."""
    return groups_with_a_week(ctx) <= ctx.tuning.columns_first_groups


@final
@attrs.define
class _RestrictedMaster:
    """The restricted master problem of column generation (internal): every pooled week of every
    group, with a capacity row for each offering those weeks could overfill."""

    master: MasterProblem
    group_row: dict[int, int] = attrs.field(factory=dict)
    offering_row: dict[int, int] = attrs.field(factory=dict)
    column: dict[tuple[int, tuple[int, ...]], int] = attrs.field(factory=dict)
    """Per (group, week) in the master, its column."""
    using: dict[int, list[int]] = attrs.field(factory=dict)
    """Per offering, the columns of the weeks taking a seat on it."""
    users: dict[int, set[int]] = attrs.field(factory=dict)
    """Per offering, the groups with a week taking a seat on it."""

    def sync(self, ctx: Context, max_rows: int | None) -> bool:
        """Add the weeks pooled since, and the rows they need; ``False`` once the master has more than *max_rows*."""
        master = self.master
        for g, group in enumerate(ctx.groups):
            if group.own is None:
                continue
            row = self.group_row.get(g)
            if row is None:
                row = self.group_row[g] = master.add_group(len(group.members), group.unscheduled)
            for week, cost in group.pool.items():
                if cost >= group.unscheduled or (g, week) in self.column:
                    continue
                seats = [group.offering[i] for i in week if i not in group.pinned]
                j = master.add_week(cost, [row, *(self.offering_row[o] for o in seats if o in self.offering_row)])
                self.column[g, week] = j
                for o in seats:
                    self.using.setdefault(o, []).append(j)
                    self.users.setdefault(o, set()).add(g)
        for o in sorted(self.users):
            seats_left = max(ctx.residual[o], 0)
            if o not in self.offering_row and sum(len(ctx.groups[g].members) for g in self.users[o]) > seats_left:
                self.offering_row[o] = master.add_capacity(seats_left, self.using[o])
        return max_rows is None or master.rows <= max_rows

    def prices(self, ctx: Context) -> list[int]:
        """Seat prices in units of 1/``columns_price_scale``: the capacity rows' dual values (never negative)."""
        scale = ctx.tuning.columns_price_scale
        pi = self.master.duals()
        prices = [0] * len(ctx.residual)
        for o, row in self.offering_row.items():
            prices[o] = max(0, round(-pi[row] * scale))
        return prices

    def plan(self, ctx: Context, x: list[float] | None = None) -> Plan | None:
        """The master's solution (or *x*, per column) as a plan, if it is whole (``None`` otherwise)."""
        x = self.master.values() if x is None else x
        weeks: dict[int, list[tuple[int, ...]]] = {}
        for (g, week), j in self.column.items():
            v = x[j]
            if v > 1e-6:
                count = round(v)
                if abs(v - count) > 1e-6:
                    return None
                weeks.setdefault(g, []).extend([week] * count)
        plan: Plan = [None] * len(ctx.of_patient)
        for g, taken in weeks.items():
            for p, week in zip(ctx.groups[g].members, sorted(taken), strict=False):
                plan[p] = week
        return plan


def column_generation(
    ctx: Context, best: Plan, best_cost: int, bound: int
) -> tuple[Plan, int, int, list[int] | None, bool]:
    """Column generation (within the LP solver's size limits): seat prices from the linear relaxation.

    The restricted master problem (every week found so far, see :class:`_RestrictedMaster`) gives
    seat prices: its capacity rows' dual values. The groups are priced in turn, fewest
    usable offerings first, by the exact single-patient search at those prices; new
    weeks join the master, which is solved again (from its last basis) after each one,
    or after every (groups / ``columns_batch``) on larger cohorts, and a whole solution of it
    is a plan. Once every group in a row has been priced at the same prices
    without a new week, the prices are optimal for the linear relaxation, and the
    Lagrangian bound at them (computed exactly, in integers) equals its value. Returns the
    best plan, its cost, the bound, the last prices (in units of 1/``columns_price_scale``; ``None``
    if the master was never solved) and whether the budget ran out.
    """
    tuning = ctx.tuning
    prices: list[int] | None = None
    max_groups, max_rows = size_limits(ctx.lp_solver, tuning.columns_max_groups, tuning.columns_max_rows)
    if max_groups is not None and groups_with_a_week(ctx) > max_groups:
        return best, best_cost, bound, prices, False
    columns = _RestrictedMaster(new_master(ctx.lp_solver, float(plan_cost(ctx, [None] * len(ctx.of_patient)) + 1)))
    previous: PricedWeeks = {}
    # Groups with a week, in the order of their first patient (fewest usable offerings first).
    firsts = dict.fromkeys(ctx.of_patient[p] for p in placement_order(ctx, None))
    order = [g for g in firsts if ctx.groups[g].own is not None]

    def solved() -> bool:
        """Bring the master up to date and solve it; keep its solution if it is a cheaper plan."""
        nonlocal best, best_cost
        if not (
            columns.sync(ctx, max_rows) and columns.master.solve(tuning.columns_pivots, ctx.tick, ctx.seconds_left())
        ):
            return False
        plan = columns.plan(ctx)
        if plan is not None and within_seats(ctx, plan):
            cost = plan_cost(ctx, plan)
            if cost < best_cost:
                best, best_cost = plan, cost
        return True

    try:
        if not solved():
            return best, best_cost, bound, prices, False
        prices = columns.prices(ctx)
        streak = turn = pending = 0
        batch = max(1, len(order) // tuning.columns_batch)
        # Price the groups in turn. The master is solved again after every *batch* new weeks
        # (after each one on small cohorts), and before a turn would end with new weeks
        # unsolved. Once every group in a row has been priced at the same prices and the
        # master, solved with all their weeks, keeps those prices, the prices are optimal.
        while streak < len(order) or pending:
            if pending >= batch or (pending and streak >= len(order)):
                if not solved():
                    return best, best_cost, bound, prices, False
                pending = 0
                now = columns.prices(ctx)
                if now != prices:
                    prices, streak = now, 0
                continue
            g = order[turn % len(order)]
            group = ctx.groups[g]
            turn += 1
            streak += 1
            before = previous.get(g)
            if before is not None and before[1] is not None and still_best(group, before, prices):
                continue
            found = best_week(ctx, group, prices, frozenset(), tuning.columns_price_scale, master=True)
            previous[g] = ([prices[o] for o in group.offering], found)
            if found is not None and (g, found[0]) not in columns.column:
                pending += 1
        value, _ = lagrangian_bound(ctx, prices, previous, tuning.columns_price_scale)
        bound = max(bound, -(-value // tuning.columns_price_scale))
        if best_cost > bound and tuning.columns_integer_nodes:
            # The best whole solution over the weeks found (a plan: the master's rows are every seat at risk).
            left = ctx.seconds_left()
            whole = columns.master.solve_integer(
                tuning.columns_integer_nodes, None if left is None else left / 2, best_cost - 0.5
            )
            plan = None if whole is None else columns.plan(ctx, whole)
            if plan is not None and within_seats(ctx, plan) and plan_cost(ctx, plan) < best_cost:
                best, best_cost = plan, plan_cost(ctx, plan)
    except BudgetSpent:
        return best, best_cost, bound, prices, True
    return best, best_cost, bound, prices, False
