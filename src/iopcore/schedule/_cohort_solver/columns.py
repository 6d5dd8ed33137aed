"""Column generation: seat prices from the linear relaxation over the weeks found so far.

Anytime: after every solve of the master its prices give a proven bound at once (each
group's value at the prices it was last priced at, corrected for the prices that fell
since, see :func:`priced_bound`), and its solution, rounded, a plan.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from typing import final

import attrs

from iopcore.schedule._cohort_solver.bounds import PricedWeeks, still_best
from iopcore.schedule._cohort_solver.master import MasterProblem, max_capacity_rows, new_master
from iopcore.schedule._cohort_solver.pricing import best_pooled_week, best_week
from iopcore.schedule._cohort_solver.state import (
    Context,
    Group,
    Incumbent,
    Plan,
    groups_with_a_week,
    placement_order,
    plan_cost,
    take_seats,
    week_cost,
    within_seats,
)

__all__ = ["column_generation", "columns_first", "priced_bound"]


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
    weeks: list[tuple[int, tuple[int, ...]]] = attrs.field(factory=list)
    """Per column of a week, its (group, week)."""
    synced: dict[int, int] = attrs.field(factory=dict)
    """Per group, how many of its pooled weeks the master has seen."""
    using: dict[int, list[int]] = attrs.field(factory=dict)
    """Per offering, the columns of the weeks taking a seat on it."""
    users: dict[int, int] = attrs.field(factory=dict)
    """Per offering, how many patients have a week taking a seat on it."""
    counted: set[tuple[int, int]] = attrs.field(factory=set)
    last_prices: list[int] | None = None
    """The prices of the last solve (``None`` before the first)."""

    def sync(self, ctx: Context, start: Plan | None = None) -> bool:
        """Add the weeks pooled since, and the rows they need; ``False`` once the master has too many capacity rows.

        *start* (at the first sync): a plan whose weeks become the starting basis where all of
        a group's members share one (the simplex then need not bring them in one by one).
        """
        master = self.master
        for g, group in enumerate(ctx.groups):
            if group.own is None:
                continue
            row = self.group_row.get(g)
            if row is None:
                row = self.group_row[g] = master.add_group(len(group.members), group.unscheduled)
            done = self.synced.get(g, 0)
            if done == len(group.pool):
                continue
            self.synced[g] = len(group.pool)
            for week, cost in itertools.islice(group.pool.items(), done, None):
                if cost >= group.unscheduled or (g, week) in self.column:
                    continue
                seats = [group.offering[i] for i in week if i not in group.pinned]
                j = master.add_week(cost, [row, *(self.offering_row[o] for o in seats if o in self.offering_row)])
                self.column[g, week] = j
                while len(self.weeks) <= j:
                    self.weeks.append((-1, ()))
                self.weeks[j] = (g, week)
                for o in seats:
                    self.using.setdefault(o, []).append(j)
                    if (g, o) not in self.counted:
                        self.counted.add((g, o))
                        self.users[o] = self.users.get(o, 0) + len(group.members)
        if start is not None and not self.offering_row:
            keys: dict[int, int] = {}
            for g, row in self.group_row.items():
                taken = {start[p] for p in ctx.groups[g].members}
                if len(taken) == 1:
                    (only,) = taken
                    if only is not None and (g, only) in self.column:
                        keys[row] = self.column[g, only]
            master.start_from(keys)
        for o in sorted(self.users):
            if o not in self.offering_row and self.users[o] > max(ctx.residual[o], 0):
                self.offering_row[o] = master.add_capacity(max(ctx.residual[o], 0), self.using[o])
        most = max_capacity_rows(ctx.lp_solver, ctx.tuning.columns_max_rows)
        return most is None or len(self.offering_row) <= most

    def prices(self, ctx: Context) -> list[int]:
        """Seat prices in units of 1/``columns_price_scale``: the capacity rows' dual values (never negative)."""
        scale = ctx.tuning.columns_price_scale
        pi = self.master.duals()
        prices = [0] * len(ctx.residual)
        for o, row in self.offering_row.items():
            prices[o] = max(0, round(-pi[row] * scale))
        return prices

    def group_values(self, ctx: Context) -> dict[int, float]:
        """Per group in the master, its dual value: what a member's week is worth at the prices."""
        pi = self.master.duals()
        return {g: pi[row] for g, row in self.group_row.items()}

    def plan(self, ctx: Context, x: Sequence[float] | None = None) -> Plan | None:
        """The master's solution (or *x*, per column) as a plan, if it is whole (``None`` otherwise)."""
        x = self.master.values() if x is None else x
        weeks: dict[int, list[tuple[int, ...]]] = {}
        for (g, week), j in self.column.items():
            v = x[j]
            if v > 1e-4:
                count = round(v)
                if abs(v - count) > 1e-4:  # (capacities carry a perturbation of about 1e-6 a row)
                    return None
                weeks.setdefault(g, []).extend([week] * count)
        plan: Plan = [None] * len(ctx.of_patient)
        for g, taken in weeks.items():
            for p, week in zip(ctx.groups[g].members, sorted(taken), strict=False):
                plan[p] = week
        return plan

    def rounded(self, ctx: Context, prices: Sequence[int]) -> Plan:
        """The master's solution rounded to a plan (no search): members take the weeks the solution
        gives their group most of, in that order, while they fit the seats left; a member whose weeks
        of the solution do not fit takes the pooled week cheapest at the prices that fits, if worth it."""
        x = self.master.values()
        scale = ctx.tuning.columns_price_scale
        shares: dict[int, list[tuple[float, tuple[int, ...]]]] = {}
        for (g, week), j in self.column.items():
            if x[j] > 1e-6:
                shares.setdefault(g, []).append((x[j], week))
        for options in shares.values():
            options.sort(key=lambda t: (-t[0], t[1]))
        plan: Plan = [None] * len(ctx.of_patient)
        left = list(ctx.residual)
        # Members of the groups the solution places most wholly first.
        order = sorted(
            ((max(v for v, _ in shares.get(g, [(0.0, ())])), g) for g in self.group_row),
            key=lambda t: (-t[0], t[1]),
        )
        for _, g in order:
            group = ctx.groups[g]
            options = shares.get(g, [])
            for p in group.members:
                chosen = None
                for _, week in options:
                    if all(left[group.offering[i]] > 0 for i in week if i not in group.pinned):
                        chosen = week
                        break
                if chosen is None:
                    closed = {o for o in group.offering if left[o] <= 0}
                    known = best_pooled_week(group, prices, closed, scale)
                    if known is not None and group.pool[known[0]] < group.unscheduled:
                        chosen = known[0]
                if chosen is not None:
                    plan[p] = chosen
                    take_seats(ctx, p, chosen, left, 1)
        return plan


Lows = dict[int, tuple[list[int], int]]
"""Per group, the prices of its offerings when a lower bound of its value was found, and that bound."""


def priced_bound(ctx: Context, prices: Sequence[int], lows: Lows, scale: int) -> int:
    """A proven lower bound at *prices* (units of 1/*scale*) with no search: the Lagrangian bound in which
    each group's value is a lower bound it had at the prices it was last priced at, less what the prices
    of its offerings fell by since (a week takes each offering once), and never below its own optimum.

    Every week costs at least its value at the earlier prices less those falls, so each term is a
    lower bound of the group's value now; the Lagrangian bound with lower terms is lower.
    """
    value = -sum(p * r for p, r in zip(prices, ctx.residual, strict=True))
    for g, group in enumerate(ctx.groups):
        u = scale * group.unscheduled
        n = len(group.members)
        if not group.solved:
            continue
        if group.own is None:
            value += u * n
            continue
        low = scale * group.own_cost
        before = lows.get(g)
        if before is not None:
            old, bound = before
            fell = sum(
                max(0, was - prices[o])
                for i, (o, was) in enumerate(zip(group.offering, old, strict=True))
                if i not in group.pinned
            )
            low = max(low, bound - fell)
        value += min(u, low) * n
    return -(-value // scale)


def _price_cheaply(
    ctx: Context, group: Group, prices: Sequence[int], worth: int, scale: int
) -> tuple[tuple[int, ...] | None, int]:
    """A week of *group* worth less than *worth* (the best the pool offers it, at most its unscheduled
    cost) at *prices*, and a proven lower bound of the group's value, by a few searches at true costs
    (values in units of 1/*scale*).

    For a price level *t*, let *c(t)* be the cheapest true cost of a week avoiding every offering priced
    at *t* or more. A week using such an offering is worth at least ``own + t``; one avoiding them all at
    least *c(t)*. So the group's value is at least ``min(c(t), own + t)`` for every *t*; the best *t* is
    where the two meet (*c* only rises as *t* falls), found by bisection over the group's price levels.
    Each week found is a candidate: the first worth less than *worth* is returned.
    """
    levels = sorted({prices[group.offering[i]] for i in range(len(group.offering)) if i not in group.pinned} - {0})
    own = scale * group.own_cost
    best_low = own
    candidate: tuple[int, ...] | None = None

    def at(index: int) -> int:
        """c(levels[index]) (scaled), checking the week found as a candidate."""
        nonlocal candidate
        level = levels[index]
        dear = frozenset(
            group.offering[i]
            for i in range(len(group.offering))
            if i not in group.pinned and prices[group.offering[i]] >= level
        )
        found = best_week(ctx, group, None, dear)
        if found is None:
            return scale * group.unscheduled * 2 + 1  # no such week: more than anything
        week = found[0]
        cost = week_cost(group, week)
        value = scale * cost + sum(prices[group.offering[i]] for i in week if i not in group.pinned)
        if candidate is None and value < worth:
            candidate = week
        return scale * cost

    lo, hi = 0, len(levels) - 1
    tries = ctx.tuning.columns_cheap_searches
    while lo <= hi and tries > 0 and candidate is None:
        mid = (lo + hi) // 2
        tries -= 1
        c = at(mid)
        low = min(c, own + levels[mid])
        best_low = max(best_low, low)
        if best_low >= worth:
            break
        if c >= own + levels[mid]:
            lo = mid + 1  # a higher level (fewer offerings avoided) may do better
        else:
            hi = mid - 1
    return candidate, best_low


def column_generation(ctx: Context, run: Incumbent) -> list[int] | None:
    """Column generation: seat prices from the linear relaxation; the last prices (units of
    1/``columns_price_scale``), ``None`` if the master was never solved.

    The restricted master problem (every week found so far, see :class:`_RestrictedMaster`)
    gives seat prices: its capacity rows' dual values. The groups are priced in turn, fewest
    usable offerings first, by the exact single-patient search at those prices (a group whose
    value in the master is its own optimum cannot gain and is skipped); new weeks join the
    master, which is solved again (from its last basis) after each one, or after every
    (groups / ``columns_batch``) on larger cohorts. After each solve *run* gets the bound at the
    new prices (:func:`priced_bound`) and the solution, rounded or whole, as a plan. Once every
    group in a row has been priced at the same prices without a new week, the prices are
    optimal for the linear relaxation, and the Lagrangian bound at them (computed exactly, in
    integers) equals its value. The budget may stop it anywhere (:class:`BudgetSpent`): *run*
    holds the best plan and bound by then.
    """
    tuning = ctx.tuning
    most = tuning.columns_max_groups
    if (most is not None and groups_with_a_week(ctx) > most) or not all(group.solved for group in ctx.groups):
        return None
    columns = _RestrictedMaster(new_master(ctx.lp_solver, float(plan_cost(ctx, [None] * len(ctx.of_patient)) + 1)))
    previous: PricedWeeks = {}
    lows: Lows = {}
    # Groups with a week, in the order of their first patient (fewest usable offerings first).
    firsts = dict.fromkeys(ctx.of_patient[p] for p in placement_order(ctx, None))
    order = [g for g in firsts if ctx.groups[g].own is not None]

    start: Plan | None = run.best
    # With a time limit, column generation takes at most its share of the search time left.
    budget = ctx.budget
    until = None
    if budget.deadline is not None and budget.clock is not None:
        now = budget.clock()
        until = now + tuning.columns_share * max(0.0, budget.deadline - now)

    def tick() -> None:
        ctx.tick()
        if until is not None and budget.clock is not None and budget.clock() >= until:
            raise _ShareSpent

    def seconds_left() -> float | None:
        """The time left of the share (for an LP solver that keeps time itself; ``None``: no limit)."""
        if until is None or budget.clock is None:
            return None
        end = until if budget.deadline is None else min(until, budget.deadline)
        return max(0.0, end - budget.clock())

    try:
        return _generate(ctx, run, columns, start, (tick, seconds_left), previous, lows, order)
    except _ShareSpent:
        return columns.last_prices


class _ShareSpent(Exception):
    """Column generation used its share of the time (internal)."""


def _generate(
    ctx: Context,
    run: Incumbent,
    columns: _RestrictedMaster,
    start: Plan | None,
    limits: tuple[Callable[[], None], Callable[[], float | None]],
    previous: PricedWeeks,
    lows: Lows,
    order: list[int],
) -> list[int] | None:
    """The loop of :func:`column_generation` (which stops it at its share of the time: *limits* are
    its budget check and the seconds left of its share)."""
    tuning = ctx.tuning
    scale = tuning.columns_price_scale
    tick, seconds_left = limits
    pivots = tuning.columns_highs_iterations if ctx.lp_solver == "highs" else tuning.columns_pivots

    def solved() -> list[int] | None:
        """Bring the master up to date and solve it; its prices, after offering its plan and bound."""
        nonlocal start
        synced = columns.sync(ctx, start)
        start = None
        if not (synced and columns.master.solve(pivots, tick, seconds_left())):
            return None
        now = columns.prices(ctx)
        columns.last_prices = now
        plan = columns.plan(ctx)
        if plan is None or not within_seats(ctx, plan):
            plan = columns.rounded(ctx, now)
        run.offer(plan)
        run.bounded(priced_bound(ctx, now, lows, scale))
        return now

    prices = solved()
    if prices is None:
        return None
    # Prices are smoothed (Wentges): groups are priced at a point between the prices of the best
    # bound so far (the centre; at first zero, where the bound is the capacity-free one) and the
    # master's. Early masters' prices are wild (everyone left out is worth their unscheduled cost);
    # their mix with the centre finds weeks that matter, and every bound at the point is valid.
    smoothing = tuning.columns_smoothing
    constant = sum(group.unscheduled * len(group.members) for group in ctx.groups if group.infeasible)
    centre = [0] * len(ctx.residual)
    centre_value = priced_bound(ctx, centre, lows, scale)
    point = _mix(centre, prices, smoothing)
    streak = turn = pending = misses = 0
    batch = max(1, len(order) // tuning.columns_batch)
    # Price the groups in turn. The master is solved again after every *batch* new weeks
    # (after each one on small cohorts), and before a turn would end with new weeks
    # unsolved. A whole turn at one point without a new week makes the bound there exact
    # for every group: the point becomes the centre; once it meets the master's prices, they
    # are optimal for the linear relaxation and the bound is its value. After each such turn
    # (a mispricing) the smoothing weakens (Pessoa et al., 2018: the k-th in a row prices at
    # weight max(0, 1 - k (1 - smoothing)) on the centre), so the master's own prices are
    # tried after a few turns, not only once the rounded mix stops moving (that took a
    # dozen turns of pricing every group).
    while True:
        if run.proven:
            return prices
        if pending >= batch or (pending and streak >= len(order)):
            now = solved()
            if now is None:
                return prices
            pending = 0
            value = priced_bound(ctx, point, lows, scale)
            if value > centre_value:
                centre, centre_value = point, value
            if now != prices:
                prices, streak, misses = now, 0, 0
                point = _mix(centre, prices, smoothing)
            continue
        if streak >= len(order):
            value = priced_bound(ctx, point, lows, scale)
            run.bounded(value)
            if point == prices or value >= math.ceil(columns.master.objective() + constant - 1e-6):
                _whole_plan(ctx, run, columns, constant, seconds_left())
                return prices  # the relaxation's optimum, proven
            centre, centre_value = point, max(value, centre_value)
            misses += 1
            nearer = _mix(centre, prices, max(0.0, 1.0 - misses * (1.0 - smoothing)))
            point = prices if nearer == point else nearer
            streak = 0
            continue
        tick()
        g = order[turn % len(order)]
        group = ctx.groups[g]
        turn += 1
        streak += 1
        snapshot = [point[o] for o in group.offering]
        before = previous.get(g)
        if before is not None and (known := before[1]) is not None and still_best(group, before, point):
            lows[g] = (snapshot, known[1])
            continue
        pooled = best_pooled_week(group, point, (), scale)
        worth = scale * group.unscheduled if pooled is None else min(scale * group.unscheduled, pooled[1])
        if worth <= scale * group.own_cost:
            # Worth no more than its own optimum at these prices: no week can do better.
            lows[g] = (snapshot, scale * group.own_cost)
            continue
        # First one search at true costs, avoiding the offerings too dear to be in a better week: it
        # finds most new weeks and proves most values; the exact priced search only when it does neither.
        week, low = _price_cheaply(ctx, group, point, worth, scale)
        lows[g] = (snapshot, low)
        if week is not None:
            if (g, week) not in columns.column:
                pending += 1
            continue
        if low >= worth:
            continue
        found = best_week(ctx, group, point, frozenset(), scale, master=True)
        previous[g] = (snapshot, found)
        if found is not None:
            lows[g] = (snapshot, min(found[1], scale * group.unscheduled))
            if (g, found[0]) not in columns.column:
                pending += 1


def _whole_plan(ctx: Context, run: Incumbent, columns: _RestrictedMaster, constant: int, left: float | None) -> None:
    """Offer *run* the best whole solution over the master's weeks, if the LP solver has a branch and bound
    (HiGHS) and the plan is not proven yet: column generation has converged, so the relaxation's bound is
    in *run*, and a whole solution at it is optimal. It gets ``columns_integer_nodes`` nodes and half
    the time *left*; it only looks for solutions cheaper than the best plan (*constant*: the cost of the
    patients outside the master, who have no week)."""
    nodes = ctx.tuning.columns_integer_nodes
    if run.proven or not nodes:
        return
    whole = columns.master.solve_integer(nodes, None if left is None else left / 2, run.best_cost - constant - 0.5)
    plan = None if whole is None else columns.plan(ctx, whole)
    if plan is not None and within_seats(ctx, plan):
        run.offer(plan)


def _mix(centre: Sequence[int], prices: Sequence[int], smoothing: float) -> list[int]:
    """The point *smoothing* of the way from *prices* to *centre*."""
    return [round(smoothing * c + (1.0 - smoothing) * p) for c, p in zip(centre, prices, strict=True)]
