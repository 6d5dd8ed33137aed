"""Lower bounds on a cohort's cost: capacity-free, counting and Lagrangian (with its subgradient steps)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from iopcore.schedule._cohort import CohortProblem
from iopcore.schedule._cohort_solver.pricing import best_week
from iopcore.schedule._cohort_solver.state import Context, Group, build_context, prepare, week_cost

__all__ = [
    "PricedWeeks",
    "alone_term",
    "capacity_free_bound",
    "capacity_free_optimum",
    "capacity_free_value",
    "counting_bound",
    "lagrangian_bound",
    "solve_alone",
    "still_best",
    "subgradient_step",
]

PricedWeeks = dict[int, tuple[list[int], tuple[tuple[int, ...], int] | None]]
"""Per group, the prices of its offerings when it was last priced and the best week found then."""


def solve_alone(ctx: Context, group: Group) -> None:
    """The group's cheapest week alone, by one search (nothing if known): the group is then solved."""
    if group.solved:
        return
    if not group.prepared:
        ctx.tick()  # preparing is not a search, but it takes time
        prepare(ctx, group)
    found = best_week(ctx, group, None, frozenset())
    if found is not None:
        group.own = found[0]
        group.own_cost = week_cost(group, found[0])
        group.cheapest.append(found[0])
    group.solved = True


def alone_term(group: Group) -> int:
    """One patient's term of the capacity-free bound: min(unscheduled cost, own optimum), the
    unscheduled cost if infeasible alone, 0 while not solved (never more than the term)."""
    if group.feasible:
        return min(group.unscheduled, group.own_cost)
    return group.unscheduled if group.solved else 0


def capacity_free_value(ctx: Context) -> int:
    """Σ over patients of min(unscheduled cost, own optimum), each group not solved yet counted at 0.

    A lower bound on every schedule's cost at any moment (a patient's term is never below 0);
    the capacity-free bound once every group is solved.
    """
    return sum(alone_term(group) * len(group.members) for group in ctx.groups)


def capacity_free_optimum(ctx: Context) -> int:
    """Each group's cheapest week alone (the budget may stop it); returns the capacity-free bound."""
    for group in ctx.groups:
        solve_alone(ctx, group)
    return capacity_free_value(ctx)


def capacity_free_bound(problem: CohortProblem) -> int:
    """Σ over patients of min(unscheduled cost, own optimum alone): a lower bound on any cohort's cost."""
    return capacity_free_optimum(build_context(problem))


def counting_bound(ctx: Context, free: int) -> int:
    """The capacity-free bound plus the cheapest way to leave out the patients that seats cannot hold.

    A scheduled patient needs at least their component minimum of sessions of a component
    (less the pinned ones), each on a distinct offering of that component they can use,
    each taking a seat. For a set *T* of such offerings, the patients who can use only
    offerings in *T* share the seats of *T*: if the smallest needs of *s* of them exceed
    those seats, at least all but *s* − 1 of them are left out, and each pays at least
    their unscheduled cost minus their own optimum on top of the capacity-free bound: the
    cheapest of them are taken. Sets *T* with no offering in common concern different
    patients, so their costs add up (a greedy packing of the patients' own sets, dearest
    first); the best component counts.
    """
    residual = ctx.residual
    if not all(group.solved for group in ctx.groups):
        return free  # a group not solved might use any seat
    # Per component: (usable offerings, need, patients, extra cost of leaving one out) per group.
    classes: dict[str, list[tuple[frozenset[int], int, int, int]]] = {}
    for group in ctx.groups:
        if group.own is None:
            continue
        extra = max(0, group.unscheduled - group.own_cost)
        for c, low in zip(group.cands.bounded, group.lim.comp_min, strict=True):
            usable = frozenset(
                group.offering[i]
                for i, o in enumerate(group.cands.offerings)
                if o.component == c and i not in group.pinned
            )
            need = low - sum(1 for i in group.pinned if group.cands.offerings[i].component == c)
            if need > 0:
                classes.setdefault(c, []).append((usable, need, len(group.members), extra))
    out = 0
    for groups in classes.values():
        costs = []
        for seats_of in {usable for usable, _, _, _ in groups}:
            inside = sorted((need, n) for usable, need, n, _ in groups if usable <= seats_of)
            room = sum(max(residual[o], 0) for o in seats_of)
            fit = 0
            for need, n in inside:
                take = min(n, room // need)
                fit += take
                room -= take * need
                if take < n:
                    break
            count = sum(n for _, n in inside) - fit
            if count:
                extras = sorted(e for usable, _, n, e in groups if usable <= seats_of for _ in range(n))
                costs.append((sum(extras[:count]), sorted(seats_of)))
        used: set[int] = set()
        total = 0
        for cost, seats_list in sorted(costs, key=lambda x: (-x[0], x[1])):
            if used.isdisjoint(seats_list):
                used.update(seats_list)
                total += cost
        out = max(out, total)
    return free + out


def lagrangian_bound(
    ctx: Context,
    prices: Sequence[int],
    previous: PricedWeeks,
    scale: int,
) -> tuple[int, list[int]]:
    """The Lagrangian bound at *prices* (in units of 1/*scale*), times *scale*, and the subgradient
    (seat use minus capacity).

    A group's best week at earlier prices stays best when no price of an offering
    it uses changed and no other price fell: it is reused (*previous* keeps them, at one scale).
    A group not solved yet counts 0 (its term is never below) and uses no seat.
    """
    use = [0] * len(ctx.residual)
    value = -sum(p * r for p, r in zip(prices, ctx.residual, strict=True))
    for g, group in enumerate(ctx.groups):
        if not group.solved:
            continue
        u = scale * group.unscheduled
        found = None
        if group.own is not None:
            before = previous.get(g)
            if before is not None and before[1] is not None and still_best(group, before, prices):
                found = before[1]
            else:
                found = best_week(ctx, group, prices, frozenset(), scale)
                previous[g] = ([prices[o] for o in group.offering], found)
        if found is None or found[1] >= u:
            value += u * len(group.members)
            continue
        value += found[1] * len(group.members)
        for i in found[0]:
            if i not in group.pinned:
                use[group.offering[i]] += len(group.members)
    return value, [u - r for u, r in zip(use, ctx.residual, strict=True)]


def subgradient_step(
    prices: list[int], grad: Sequence[float], value: int, target: int, theta: float, scale: int
) -> list[int]:
    """A subgradient step of Polyak length towards *target* (no move when the direction is zero), at
    least as long as one price unit (1/*scale*) would make it."""
    # Seats that are free with no price tell nothing: drop them from the step.
    step = [0 if (g < 0 and p == 0) else g for g, p in zip(grad, prices, strict=True)]
    norm = sum(g * g for g in step) or 1.0
    t = theta * max(target - value, scale) / norm
    return [max(0, p + math.floor(t * g + 0.5)) for p, g in zip(prices, step, strict=True)]


def still_best(
    group: Group, before: tuple[list[int], tuple[tuple[int, ...], int] | None], prices: Sequence[int]
) -> bool:
    """Whether the group's best week at earlier prices (*before*) is still best at *prices*: no price
    of an offering it uses changed and no other price fell."""
    old, found = before
    assert found is not None
    used = set(found[0])
    for i, o in enumerate(group.offering):
        if i in group.pinned:
            continue
        if i in used:
            if prices[o] != old[i]:
                return False
        elif prices[o] < old[i]:
            return False
    return True
