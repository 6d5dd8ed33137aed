"""First passes: patients in order, each given their best week in the seats left."""

from __future__ import annotations

from collections.abc import Sequence

from iopcore.schedule._check import violations
from iopcore.schedule._cohort_solver.bounds import solve_alone
from iopcore.schedule._cohort_solver.pricing import best_pooled_week, best_week
from iopcore.schedule._cohort_solver.state import (
    Context,
    Group,
    Plan,
    SplitMix64,
    free_seats,
    placement_order,
    prepare,
    take_seats,
    week_cost,
)

__all__ = ["Squeaky", "borrow_weeks", "crowding", "finish_first_pass", "greedy_pass", "overdemanded"]


def _own_demand(ctx: Context) -> list[int]:
    """Per offering, the seats the patients' cheapest weeks alone take of it (pinned seats aside)."""
    demand = [0] * len(ctx.residual)
    for group in ctx.groups:
        if group.own is not None:
            for i in group.own:
                if i not in group.pinned:
                    demand[group.offering[i]] += len(group.members)
    return demand


def overdemanded(ctx: Context) -> frozenset[int]:
    """The offerings the patients' cheapest weeks alone ask more seats of than they hold."""
    return frozenset(o for o, (d, r) in enumerate(zip(_own_demand(ctx), ctx.residual, strict=True)) if d > max(r, 0))


def crowding(ctx: Context) -> list[int]:
    """Per offering, how crowded the patients' cheapest weeks alone make it, from 0 to ``crowding_max`` (of the tuning) at twice its seats."""
    top = ctx.tuning.crowding_max
    return [min(top, top * d // (2 * max(r, 1))) for d, r in zip(_own_demand(ctx), ctx.residual, strict=True)]


class Squeaky:
    """Squeaky-wheel first passes (internal): a patient the pass leaves out goes earlier in the next.

    Each pass places the patients in order of how often earlier passes left them out (most first),
    then as :func:`placement_order` jittered by the run's generator. Passes after the first are
    cheap (a group's weeks are remembered per set of full offerings), and the patients whom
    every order so far has left out find the seats taken by those who had alternatives.
    """

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.left_out = [0] * len(ctx.of_patient)
        self.passes = 0
        self.avoid = overdemanded(ctx)

    def order(self, rng: SplitMix64) -> list[int]:
        """The order of the next pass."""
        base = {p: i for i, p in enumerate(placement_order(self.ctx, rng))}
        return sorted(base, key=lambda p: (-self.left_out[p], base[p]))

    def place(self, rng: SplitMix64) -> Plan:
        """One pass in the squeaky order (every other one steering patients with alternatives off the
        over-demanded offerings); the patients it leaves out (with a week alone) rise."""
        self.passes += 1
        plan = greedy_pass(self.ctx, self.order(rng), None, avoid=self.avoid if self.passes % 2 == 0 else frozenset())
        for p, chosen in enumerate(plan):
            if chosen is None and self.ctx.groups[self.ctx.of_patient[p]].feasible:
                self.left_out[p] += 1
        return plan


def greedy_pass(
    ctx: Context,
    order: Sequence[int],
    prices: Sequence[int] | None,
    pooled: bool = False,
    ties: Sequence[int] | None = None,
    plan: Plan | None = None,
    avoid: frozenset[int] = frozenset(),
) -> Plan:
    """Patients in *order*, each given their best week (by *prices*) in the seats left, if worth it.

    Without *prices*, *ties* (per offering, at most ``crowding_max``) choose among the
    cheapest weeks the one on the least crowded offerings: a week's ties add up to less
    than one cost unit, so they never make a week dearer.
    Offerings only close during a pass, so a group's best week stays best while it
    avoids every offering closed since: it is reused without a new search.
    A group not solved yet is solved on the way (its week alone: one search), so the first
    pass and the capacity-free optima go together. *plan* (all left out) is filled in place
    when given: a stop of the budget leaves the patients placed so far, a valid plan.

    *avoid* (offerings, without *prices*): a patient whose cheapest week alone uses one of them
    first looks for their cheapest week avoiding them all, and takes it if it costs at most
    ``1 + avoid_slack`` times their own optimum (of the tuning), so that patients with
    alternatives leave those seats to the ones without.
    """
    left = list(ctx.residual)
    closed: set[int] = {o for o, r in enumerate(left) if r <= 0}
    if plan is None:
        plan = [None] * len(ctx.of_patient)
    last: dict[int, tuple[int, ...] | None] = {}
    swaps = len(plan) >= ctx.tuning.swap_from_patients
    crowd = ties if prices is None else None
    for p in order:
        g = ctx.of_patient[p]
        group = ctx.groups[g]
        if not group.solved:
            solve_alone(ctx, group)
        if group.own is None:
            continue
        own: tuple[int, ...] | None = group.own
        if crowd is not None and any(crowd[group.offering[i]] for i in group.own if i not in group.pinned):
            own = None  # a cheapest week on crowded offerings: look for a calmer one
        chosen = last.get(g, own if prices is None else None)
        if g in last and chosen is None:
            continue  # no week with fewer offerings closed: none now either
        if avoid and prices is None and any(group.offering[i] in avoid for i in group.own if i not in group.pinned):
            away = best_week(ctx, group, None, frozenset((closed | avoid).intersection(group.offering)))
            if away is not None and week_cost(group, away[0]) <= group.own_cost * (1 + ctx.tuning.avoid_slack):
                chosen = away[0]
        if chosen is not None and any(group.offering[i] in closed for i in chosen if i not in group.pinned):
            chosen = (
                _swap_closed_sessions(ctx, group, chosen, closed, ctx.tuning.swap_options)
                if prices is None and swaps
                else None
            )
            if chosen is not None:
                last[g] = chosen
        if chosen is None and pooled and prices is not None:
            known = best_pooled_week(group, prices, closed, ctx.tuning.price_scale)
            chosen = None if known is None else known[0]
        if chosen is None:
            shut = frozenset(closed.intersection(group.offering))
            if crowd is not None:
                # A scale above the most any week's ties can add keeps the true cost first.
                found = best_week(ctx, group, crowd, shut, 1 + ctx.tuning.crowding_max * len(group.offering))
            else:
                found = best_week(ctx, group, prices, shut)
            last[g] = None if found is None else found[0]
            if found is None:
                continue
            chosen = found[0]
        if week_cost(group, chosen) >= group.unscheduled and prices is not None:
            # Dear at the prices: the cheapest week at true costs may still be worth it.
            found = best_week(ctx, group, None, frozenset(closed.intersection(group.offering)))
            chosen = found[0] if found is not None else chosen
        if week_cost(group, chosen) >= group.unscheduled:
            continue
        plan[p] = chosen
        for i in chosen:
            if i in group.pinned:
                continue
            o = group.offering[i]
            left[o] -= 1
            if left[o] <= 0:
                closed.add(o)
    return plan


def _swap_closed_sessions(
    ctx: Context, group: Group, week: tuple[int, ...], closed: set[int], options: int
) -> tuple[int, ...] | None:
    """*week* with each session on a closed offering replaced by the cheapest open one of the same
    component that keeps the week feasible (checked by :func:`check`, the *options* cheapest
    tried); ``None`` if one has none.

    A cheap repair before a new search: feasible by construction, not necessarily the best week.
    """
    cands = group.cands
    problem = group.usable_problem  # the candidates' offerings judge a week of candidates as all do
    assert problem is not None  # the group is prepared
    current = list(week)
    for pos, i in enumerate(week):
        if i in group.pinned or group.offering[i] not in closed:
            continue
        choices = sorted(
            (
                j
                for j in range(len(cands.offerings))
                if cands.component[j] == cands.component[i] and group.offering[j] not in closed and j not in current
            ),
            key=lambda j: (cands.cost[j], j),
        )
        # Two quick necessary conditions first (a full check costs far more): no clash with the
        # week's other sessions on that day (overlap or less than the gap), no day beyond the most.
        others = current[:pos] + current[pos + 1 :]
        days = {cands.offerings[x].weekday for x in others}
        for j in choices[:options]:
            day, begin, end = cands.offerings[j].weekday, cands.start[j], cands.end[j]
            if day not in days and len(days) >= group.lim.days_max:
                continue
            if any(
                cands.offerings[x].weekday is day
                and max(begin, cands.start[x]) - min(end, cands.end[x]) < group.lim.gap
                for x in others
            ):
                continue
            trial = [*current[:pos], j, *current[pos + 1 :]]
            if not violations(problem, [cands.offerings[x].id for x in trial]):
                current = trial
                break
        else:
            return None
    return tuple(sorted(current))


def borrow_weeks(ctx: Context, plan: Plan, patients: Sequence[int]) -> None:
    """Give each of *patients* (left out, their groups not solved yet) a week another patient found, without a search.

    A week is a set of sessions; for another patient it is a week when every session lies in
    their availability (among their usable offerings) and it keeps their rules, which the
    single-patient checker confirms. Each patient takes the cheapest for them, by their own
    costs, of the solved patients' cheapest weeks alone that fit the seats left and their
    hours and days (if it costs less than leaving them out; at most ``borrow_checks`` of the
    tuning are checked). Not a search, so a fraction of one: the first pass does this for the
    patients it has not reached when the time runs short. *plan* changes in place, one
    patient at a time (a stop leaves it valid).
    """
    offerings = ctx.offerings
    donors: dict[tuple[int, ...], tuple[int, int, int]] = {}
    for group in ctx.groups:
        if group.own is not None and not group.pinned_ids:
            week = tuple(group.offering[i] for i in group.own)
            if week not in donors:
                minutes = sum(offerings[o].end.minute_of_day - offerings[o].start.minute_of_day for o in week)
                days = len({offerings[o].weekday for o in week})
                donors[week] = (sum(1 << o for o in week), minutes, days)
    left = free_seats(ctx, plan)
    shut = sum(1 << o for o, r in enumerate(left) if r <= 0)
    checks = ctx.tuning.borrow_checks
    for p in patients:
        group = ctx.groups[ctx.of_patient[p]]
        if plan[p] is not None or group.solved or group.pinned_ids or not donors:
            continue
        ctx.tick()
        prepare(ctx, group)
        lim = group.lim
        outside = ~(sum(1 << o for o in group.offering) & ~shut)
        local = {o: i for i, o in enumerate(group.offering)}
        fitting = sorted(
            (week_cost(group, chosen), chosen)
            for chosen in (
                tuple(sorted(local[o] for o in week))
                for week, (mask, minutes, days) in donors.items()
                if not mask & outside
                and lim.minutes_min <= minutes
                and (lim.minutes_max is None or minutes <= lim.minutes_max)
                and lim.days_min <= days <= lim.days_max
            )
        )
        problem = group.usable_problem
        assert problem is not None  # prepared
        for cost, chosen in fitting[:checks]:
            if cost >= group.unscheduled:
                break
            if not violations(problem, [group.cands.offerings[i].id for i in chosen]):
                plan[p] = chosen
                for i in chosen:
                    o = group.offering[i]
                    left[o] -= 1
                    if left[o] <= 0:
                        shut |= 1 << o
                break


def finish_first_pass(ctx: Context, plan: Plan, patients: Sequence[int]) -> None:
    """The first pass for *patients* (in order) on a plan that may already hold weeks for them (borrowed).

    Each patient's group is solved (its week alone: one search); the patient then takes their
    best week in the seats the others leave, if it is cheaper than the week they hold (or than
    leaving them out). *plan* changes in place, one patient at a time (a stop leaves it valid).
    """
    left = free_seats(ctx, plan)
    for p in patients:
        group = ctx.groups[ctx.of_patient[p]]
        solve_alone(ctx, group)
        if group.own is None:
            continue
        held = plan[p]
        if held is not None:
            take_seats(ctx, p, held, left, -1)
        worth = group.unscheduled if held is None else week_cost(group, held)
        try:
            closed = frozenset(o for o in group.offering if left[o] <= 0)
            found = best_week(ctx, group, None, closed)
        finally:
            if held is not None:
                take_seats(ctx, p, held, left, 1)
        if found is not None and week_cost(group, found[0]) < worth:
            if held is not None:
                take_seats(ctx, p, held, left, -1)
            plan[p] = found[0]
            take_seats(ctx, p, found[0], left, 1)
