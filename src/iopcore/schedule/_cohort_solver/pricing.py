"""Priced single-patient searches for a group: its best week at seat prices with offerings closed.

Every week found joins the group's pool (the columns of the bounds); a week at the group's
own optimum that avoids the closed offerings, a best week at fewer closed offerings, or the
pinned week alone answers without a search.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from iopcore.schedule._cohort_solver.state import Context, Group, week_cost
from iopcore.schedule._week_solver.day_patterns import DayCache
from iopcore.schedule._week_solver.search import search

__all__ = [
    "best_pooled_week",
    "best_week",
    "search_keeping_pins",
    "week_ignoring_seats",
    "wish_list",
]


def search_keeping_pins(
    ctx: Context,
    group: Group,
    costs: Sequence[int],
    day_cost: int,
    excluded: Sequence[int] = (),
    day_cache: DayCache | None = None,
    limit: int | None = None,
    *,
    priced: bool = False,
) -> tuple[tuple[int, ...], int] | None:
    """The group's cheapest week for candidate *costs* and *day_cost* that keeps its pinned sessions, with its
    value (``None``: no such week, or none below *limit*). One work unit.

    Pinned candidates get a reward larger than everything else a week can cost (costs are
    non-negative), so every week keeping the pins beats every week that does not, and the
    order among weeks keeping them is unchanged.
    """
    ctx.spend(priced)
    clock = ctx.budget.clock
    began = clock() if clock is not None else 0.0
    big = 0
    if group.pinned:
        costs = list(costs)
        big = 1 + 7 * day_cost + sum(costs)
        for i in group.pinned:
            costs[i] -= big
    below = None if limit is None else limit - big * len(group.pinned)
    found = search(
        group.cands, group.lim, cost=costs, day_cost=day_cost, excluded=excluded, day_cache=day_cache, limit=below
    )
    if clock is not None:
        ctx.budget.timed(clock() - began, priced)
    if not found or not group.pinned.issubset(found[0][2]):
        return None
    return tuple(sorted(found[0][2])), found[0][0][0] + big * len(group.pinned)


def _day_patterns_of(group: Group, size: int) -> DayCache:
    """The group's day-pattern cache, emptied when it holds more than *size* (bounds memory on long runs)."""
    if len(group.days) > size:
        group.days.clear()
    return group.days


def best_week(
    ctx: Context,
    group: Group,
    prices: Sequence[int] | None,
    closed: frozenset[int],
    scale: int | None = None,
    *,
    master: bool = False,
) -> tuple[tuple[int, ...], int] | None:
    """The group's best week with seat *prices* (per offering, in units of 1/*scale*) and *closed* offerings excluded.

    Returns the chosen candidates and the priced value times *scale* (``None``: no week);
    without prices (or without *scale*) the value is in units of 1/``price_scale`` (of the tuning).
    Pinned sessions are free of prices and never closed; a week must contain them.
    *master*: prices from the master problem of column generation. They change on a few
    offerings at a time, so the search shares the group's day patterns, and it looks
    only for weeks cheaper than the best pooled one (which is the answer if none is).
    """
    if prices is None or scale is None:
        scale = ctx.tuning.price_scale
    if group.pinned_week:
        week = tuple(sorted(group.pinned))
        return week, scale * group.pool.setdefault(week, week_cost(group, week))
    seen = group.memo.setdefault(None if prices is None else (scale, *(prices[o] for o in group.offering)), {})
    if closed in seen:
        return seen[closed]
    # With prices (never negative), no week is valued below its own optimum: a week at the
    # group's own optimum that avoids the closed offerings and pays no price is a best week.
    for week in group.cheapest:
        if not any(
            group.offering[i] in closed or (prices is not None and prices[group.offering[i]])
            for i in week
            if i not in group.pinned
        ):
            seen[closed] = (week, scale * group.own_cost)
            return seen[closed]
    # Closing more offerings only removes weeks: no week before means none now, and a best
    # week that avoids the offerings closed since is still the best.
    for before, known in seen.items():
        if before <= closed and (
            known is None or not any(group.offering[i] in closed for i in known[0] if i not in group.pinned)
        ):
            seen[closed] = known
            return known
    base = group.cands.cost
    n = len(base)
    costs = [
        scale * base[i] + (0 if prices is None or i in group.pinned else prices[group.offering[i]]) for i in range(n)
    ]
    excluded = [i for i in range(n) if group.offering[i] in closed and i not in group.pinned]
    # Subgradient prices change everywhere between rounds: their searches share no day patterns.
    cache = _day_patterns_of(group, ctx.tuning.day_cache_size) if prices is None or master else None
    upper = best_pooled_week(group, prices, closed, scale) if master and prices is not None else None
    out = search_keeping_pins(
        ctx,
        group,
        costs,
        scale * group.day_cost,
        excluded,
        cache,
        None if upper is None else upper[1],
        priced=prices is not None,
    )
    if out is None and upper is not None:
        out = upper
    elif out is not None:
        chosen = out[0]
        new = chosen not in group.pool
        cost = group.pool.setdefault(chosen, week_cost(group, chosen))
        if new and group.own is not None and cost == group.own_cost and len(group.cheapest) < ctx.tuning.cheapest_weeks:
            group.cheapest.append(chosen)
    seen[closed] = out
    return out


def best_pooled_week(
    group: Group, prices: Sequence[int], closed: Collection[int], scale: int
) -> tuple[tuple[int, ...], int] | None:
    """The best week found so far that avoids *closed*, by price (in units of 1/*scale*), with its
    value times *scale* (``None``: none)."""
    best: tuple[int, int, tuple[int, ...]] | None = None
    for week, cost in group.pool.items():
        total = scale * cost
        ok = True
        for i in week:
            if i in group.pinned:
                continue
            o = group.offering[i]
            if o in closed:
                ok = False
                break
            total += prices[o]
        if ok and (best is None or (total, cost, week) < best):
            best = (total, cost, week)
    return None if best is None else (best[2], best[0])


def week_ignoring_seats(ctx: Context, group: Group, closed: frozenset[int], *, fewest_first: bool) -> tuple[int, ...]:
    """A week of a group feasible alone (with its pins) by the fewest *closed* offerings, then cost
    (*fewest_first*), or by cost, then the fewest closed offerings."""
    n = len(group.cands.offerings)
    mark = [1 if group.offering[i] in closed and i not in group.pinned else 0 for i in range(n)]
    if fewest_first:
        heavy = 1 + 7 * group.day_cost + sum(group.cands.cost)  # one closed offering outweighs any week
        costs, day_cost = [c + heavy * m for c, m in zip(group.cands.cost, mark, strict=True)], group.day_cost
    else:
        weight = n + 1  # one cost unit outweighs every closed offering together
        costs, day_cost = [weight * c + m for c, m in zip(group.cands.cost, mark, strict=True)], weight * group.day_cost
    found = search_keeping_pins(
        ctx, group, costs, day_cost, day_cache=_day_patterns_of(group, ctx.tuning.day_cache_size)
    )
    assert found is not None  # the caller's group is feasible alone with its pins
    return found[0]


def wish_list(ctx: Context, group: Group, closed: frozenset[int]) -> list[int]:
    """The *closed* offerings of the group's cheapest week alone that needs the fewest of them (in order)."""
    week = week_ignoring_seats(ctx, group, closed, fewest_first=False)
    return sorted(group.offering[i] for i in week if group.offering[i] in closed and i not in group.pinned)
