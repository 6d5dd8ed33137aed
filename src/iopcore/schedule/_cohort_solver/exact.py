"""The exact search on small cohorts: every week of every patient, branch and bound over patients."""

from __future__ import annotations

from iopcore.schedule._cohort_solver.budget import BudgetSpent
from iopcore.schedule._cohort_solver.state import Context, Plan, plan_cost, week_cost
from iopcore.schedule._week_solver.search import search

__all__ = ["exact_plan"]


def exact_plan(ctx: Context) -> Plan | None:
    """Exhaustive branch and bound over every patient's enumerated weeks (small cohorts only)."""
    most = ctx.tuning.exact_max_offerings
    if any(group.own is not None and len(group.cands.offerings) > most for group in ctx.groups):
        return None  # checked first: no group is enumerated in vain
    for group in ctx.groups:
        if group.own is None:
            group.weeks = []
            continue
        ctx.spend()
        every = (1 << most) + 1  # every week: more than the 2**most subsets of the offerings
        found = search(group.cands, group.lim, day_cost=group.day_cost, k=every)
        weeks = [(week_cost(group, sol[2]), tuple(sorted(sol[2]))) for sol in found if group.pinned.issubset(sol[2])]
        group.weeks = sorted(w for w in weeks if w[0] < group.unscheduled)
    # Members of a group are interchangeable: they take weeks in non-decreasing list order.
    patients = sorted(range(len(ctx.of_patient)), key=lambda p: (ctx.of_patient[p], p))
    n = len(patients)
    floor = [0] * (n + 1)
    for k in range(n - 1, -1, -1):
        group = ctx.groups[ctx.of_patient[patients[k]]]
        cheapest = group.weeks[0][0] if group.weeks else group.unscheduled
        floor[k] = floor[k + 1] + min(cheapest, group.unscheduled)
    used = {
        g: [[group.offering[i] for i in week if i not in group.pinned] for _, week in group.weeks or ()]
        for g, group in enumerate(ctx.groups)
    }
    left = list(ctx.residual)
    best_cost = plan_cost(ctx, [None] * n) + 1
    best: Plan = [None] * n
    plan: Plan = [None] * n
    nodes = 0
    node_limit = ctx.tuning.exact_max_nodes

    def dfs(k: int, cost: int, first: int) -> None:
        nonlocal best_cost, best, nodes
        nodes += 1
        if nodes > node_limit:
            raise BudgetSpent
        if not nodes & 1023:
            ctx.tick()
        if cost + floor[k] >= best_cost:
            return
        if k == n:
            best_cost, best = cost, list(plan)
            return
        p = patients[k]
        g = ctx.of_patient[p]
        group = ctx.groups[g]
        same = k + 1 < n and ctx.of_patient[patients[k + 1]] == g
        weeks = group.weeks or []
        for j in range(first, len(weeks)):
            offs = used[g][j]
            if all(left[o] > 0 for o in offs):
                for o in offs:
                    left[o] -= 1
                plan[p] = weeks[j][1]
                dfs(k + 1, cost + weeks[j][0], j if same else 0)
                plan[p] = None
                for o in offs:
                    left[o] += 1
        dfs(k + 1, cost + group.unscheduled, len(weeks) if same else 0)

    try:
        dfs(0, 0, 0)
    except BudgetSpent:
        return None  # out of nodes (or of time: the run's next check stops it too)
    return best
