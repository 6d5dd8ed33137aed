"""Moves that improve a plan in place, each leaving it valid and no dearer when the budget stops it.

Ejection repair (admit a patient left out by moving holders of the seats they need), best
responses, large neighbourhood moves (refill a full offering in a random order) and exact
subset moves (a few patients placed again together by branch and bound).
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from iopcore.schedule._cohort_solver.budget import BudgetSpent
from iopcore.schedule._cohort_solver.pricing import best_week, week_ignoring_seats, wish_list
from iopcore.schedule._cohort_solver.state import (
    Context,
    Plan,
    SplitMix64,
    free_seats,
    plan_cost,
    seat_holders,
    take_seats,
    waiting_patients,
    week_cost,
)

__all__ = [
    "best_responses",
    "best_subset_placement",
    "ejection_repair",
    "refill_full_offerings",
    "subset_moves",
]


def ejection_repair(ctx: Context, plan: Plan) -> None:
    """Ejection moves: admit a patient left out by moving holders of the seats they need elsewhere.

    For each patient left out (feasible alone, largest unscheduled cost first), take a
    week needing the fewest full offerings; for each of those, move one holder to
    their best week without it in the seats left. Kept only when the total cost falls;
    a stop in the middle of an ejection undoes it, so the plan is never dearer.
    """
    left = free_seats(ctx, plan)
    out = waiting_patients(ctx, plan)
    out.sort(key=lambda p: (-ctx.groups[ctx.of_patient[p]].unscheduled, p))
    for q in out:
        gq = ctx.groups[ctx.of_patient[q]]
        closed = frozenset(o for o, r in enumerate(left) if r <= 0)
        week = week_ignoring_seats(ctx, gq, closed, fewest_first=True)
        need = [gq.offering[i] for i in week if gq.offering[i] in closed and i not in gq.pinned]
        if len(need) > ctx.tuning.ejection_needs:
            continue
        gain = gq.unscheduled - week_cost(gq, week)
        if gain <= 0:
            continue
        moves: list[tuple[int, tuple[int, ...], tuple[int, ...]]] = []
        try:
            for o in need:
                moved = False
                for p, chosen in enumerate(plan):
                    if chosen is None or p == q:
                        continue
                    gp = ctx.groups[ctx.of_patient[p]]
                    if not any(gp.offering[i] == o and i not in gp.pinned for i in chosen):
                        continue
                    take_seats(ctx, p, chosen, left, -1)
                    shut = frozenset({*need, *(x for x, r in enumerate(left) if r <= 0)}.intersection(gp.offering))
                    found = best_week(ctx, gp, None, shut)
                    if found is not None and week_cost(gp, found[0]) - week_cost(gp, chosen) < gain:
                        gain -= week_cost(gp, found[0]) - week_cost(gp, chosen)
                        take_seats(ctx, p, found[0], left, 1)
                        plan[p] = found[0]
                        moves.append((p, chosen, found[0]))
                        moved = True
                        break
                    take_seats(ctx, p, chosen, left, 1)
                if not moved:
                    break
        except BudgetSpent:
            for p, before, _ in moves:  # stopped half-way: the holders moved so far go back
                plan[p] = before
            raise
        if all(left[gq.offering[i]] > 0 for i in week if i not in gq.pinned):
            plan[q] = week
            take_seats(ctx, q, week, left, 1)
            continue
        for p, before, after in reversed(moves):
            take_seats(ctx, p, after, left, -1)
            take_seats(ctx, p, before, left, 1)
            plan[p] = before
        _exchange_holder(ctx, plan, left, q, week, need)


def _exchange_holder(ctx: Context, plan: Plan, left: list[int], q: int, week: tuple[int, ...], need: list[int]) -> None:
    """Leave out one patient holding every seat *q*'s *week* needs, when that lowers the total cost."""
    gq = ctx.groups[ctx.of_patient[q]]
    worth = gq.unscheduled - week_cost(gq, week)  # saved by placing q
    for p, chosen in enumerate(plan):
        if chosen is None:
            continue
        gp = ctx.groups[ctx.of_patient[p]]
        held = {gp.offering[i] for i in chosen if i not in gp.pinned}
        if all(o in held for o in need) and gp.unscheduled - week_cost(gp, chosen) < worth:
            take_seats(ctx, p, chosen, left, -1)
            plan[p] = None
            plan[q] = week
            take_seats(ctx, q, week, left, 1)
            return


def best_responses(ctx: Context, plan: Plan) -> None:
    """Best responses: each scheduled patient in turn takes their cheapest week in the seats left by the others."""
    left = free_seats(ctx, plan)
    for p, chosen in enumerate(plan):
        if chosen is None:
            continue
        group = ctx.groups[ctx.of_patient[p]]
        take_seats(ctx, p, chosen, left, -1)
        found = best_week(ctx, group, None, frozenset(o for o in group.offering if left[o] <= 0))
        if found is not None and week_cost(group, found[0]) < week_cost(group, chosen):
            chosen = found[0]
            plan[p] = chosen
        take_seats(ctx, p, chosen, left, 1)


def refill_full_offerings(ctx: Context, plan: Plan, rng: SplitMix64) -> None:
    """Large neighbourhood moves: free the seats of full offerings and refill them in a random order.

    For each full offering, in an order drawn from *rng*: its holders are taken out and,
    with every patient left out, placed again one by one (random order) in their
    cheapest week in the seats left. Kept when the total cost falls, else undone.
    """
    left = free_seats(ctx, plan)
    full = [o for o, r in enumerate(left) if r <= 0 and ctx.residual[o] > 0]
    full.sort(key=lambda o: (rng.next() % 1024, o))
    for o in full[: ctx.tuning.lns_moves]:
        holders = seat_holders(ctx, plan, {o})
        waiting = waiting_patients(ctx, plan)
        before = list(plan)
        cost = plan_cost(ctx, plan)
        for p in holders:
            chosen = plan[p]
            assert chosen is not None
            take_seats(ctx, p, chosen, left, -1)
            plan[p] = None
        again = holders + waiting
        again.sort(key=lambda p: (rng.next() % 1024, p))
        for p in again:
            group = ctx.groups[ctx.of_patient[p]]
            found = best_week(ctx, group, None, frozenset(x for x in group.offering if left[x] <= 0))
            if found is not None and week_cost(group, found[0]) < group.unscheduled:
                plan[p] = found[0]
                take_seats(ctx, p, found[0], left, 1)
        if plan_cost(ctx, plan) >= cost:
            plan[:] = before
            left = free_seats(ctx, plan)


def subset_moves(ctx: Context, plan: Plan, rng: SplitMix64, moves: int, size: int, work: int | None = None) -> bool:
    """Re-place small sets of patients together, exactly, in the seats the others leave (in place).

    A set is either a patient who pays more than their cheapest week alone (or is left out)
    with holders of the full offerings that week needs, or the holders of one full offering
    with the patients left out; :func:`best_subset_placement` places them again at least cost. A
    move is applied only when it costs no more, so a stop leaves a valid, no dearer plan.
    Sets hold up to *size* patients; at most *moves* moves, ending early once they have
    spent *work* units. Returns whether the plan became cheaper.
    """
    improved = False
    stop = None if work is None else ctx.work + work
    for move in range(moves):
        if stop is not None and ctx.work >= stop:
            break
        left = free_seats(ctx, plan)
        full = [o for o, r in enumerate(left) if r <= 0 and ctx.residual[o] > 0]
        if not full:
            return improved
        # Who pays more than their cheapest week alone, and by how much (left out: unscheduled cost).
        regret: list[tuple[int, int]] = []
        total = 0
        for p, chosen in enumerate(plan):
            group = ctx.groups[ctx.of_patient[p]]
            if group.own is not None:
                extra = (group.unscheduled if chosen is None else week_cost(group, chosen)) - group.own_cost
                extra = min(extra, max(group.own_cost, 1))  # leaving out counts as no more than a second week
                if extra > 0:
                    total += extra
                    regret.append((total, p))
        chosen_set: list[int] = []
        if move % ctx.tuning.subset_wish_every and regret:
            # A patient drawn in proportion to their regret.
            draw = rng.next() % total
            q = next(p for upto, p in regret if draw < upto)
            chosen_set = [q]
            group = ctx.groups[ctx.of_patient[q]]
            mine = plan[q]
            own_seats = set() if mine is None else {group.offering[i] for i in mine if i not in group.pinned}
            # Full offerings, q's own seats aside (an offering whose last seat is q's is not in the way).
            closed = frozenset(o for o in group.offering if left[o] <= 0 and o not in own_seats)
            # One holder of each full offering of q's cheapest week (the one needing the fewest).
            for o in wish_list(ctx, group, closed):
                pool = [p for p in seat_holders(ctx, plan, {o}) if p not in chosen_set]
                if pool and len(chosen_set) < size:
                    chosen_set.append(pool[rng.next() % len(pool)])
        else:
            pool = seat_holders(ctx, plan, {full[rng.next() % len(full)]}) + waiting_patients(ctx, plan)
            while pool and len(chosen_set) < size:
                chosen_set.append(pool.pop(rng.next() % len(pool)))
        before = 0
        for p in chosen_set:
            chosen = plan[p]
            group = ctx.groups[ctx.of_patient[p]]
            before += group.unscheduled if chosen is None else week_cost(group, chosen)
            if chosen is not None:
                take_seats(ctx, p, chosen, left, -1)
        found = best_subset_placement(ctx, chosen_set, left, ctx.tuning.subset_nodes * len(chosen_set), before)
        if found is not None:
            improved = improved or found[0] < before
            for p, week in zip(chosen_set, found[1], strict=True):
                plan[p] = week
    return improved


_Member = tuple[frozenset[int], int, tuple[int, ...] | None]  # excluded offerings, cost, week (None: left out)


def best_subset_placement(
    ctx: Context, patients: Sequence[int], left: Sequence[int], node_limit: int, limit: int
) -> tuple[int, list[tuple[int, ...] | None]] | None:
    """The cheapest weeks for *patients* together in the seats *left* by everyone else, if they cost at most *limit*.

    Conflict-directed best-first branch and bound: each patient takes their cheapest week
    alone, closed offerings excluded; where the patients want more seats of an offering
    than are left (*s*), any *s* + 1 of its users include one who does not use it in any
    solution, so each child excludes it for one of them. A node's bound is the sum of its
    patients' costs, each a lower bound under its exclusions, so the first node without a
    conflict is optimal; nodes bound above *limit* are dropped. ``None``: nothing costs at
    most *limit*, or the search gave up after creating *node_limit* nodes.
    """
    groups = [ctx.groups[ctx.of_patient[p]] for p in patients]

    def best(k: int, excluded: frozenset[int]) -> _Member:
        group = groups[k]
        found = best_week(ctx, group, None, excluded)
        if found is None or week_cost(group, found[0]) >= group.unscheduled:
            return excluded, group.unscheduled, None
        return excluded, week_cost(group, found[0]), found[0]

    full = {o for o, r in enumerate(left) if r <= 0}
    root = [best(k, frozenset(full.intersection(g.offering))) for k, g in enumerate(groups)]
    heap: list[tuple[int, int, list[_Member]]] = [(sum(m[1] for m in root), 0, root)]
    count = 1
    while heap and heap[0][0] <= limit and count <= node_limit:
        bound, _, node = heapq.heappop(heap)
        users: dict[int, list[int]] = {}
        for k, (_, _, week) in enumerate(node):
            if week is not None:
                for i in week:
                    if i not in groups[k].pinned:
                        users.setdefault(groups[k].offering[i], []).append(k)
        over = [o for o, ks in users.items() if len(ks) > left[o]]
        if not over:
            return bound, [m[2] for m in node]
        o = min(over, key=lambda x: (left[x], left[x] - len(users[x]), x))
        children = []
        for k in users[o]:
            excluded, cost, _ = node[k]
            moved = best(k, excluded | {o})
            children.append((moved[1] - cost, k, moved))
        children.sort(key=lambda c: (c[0], c[1]))
        for rise, k, moved in children[: left[o] + 1]:
            if bound + rise <= limit:
                child = list(node)
                child[k] = moved
                heapq.heappush(heap, (bound + rise, count, child))
                count += 1
    return None
