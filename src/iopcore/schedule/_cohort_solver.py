"""The pure-Python cohort solver: Lagrangian bound on capacities, greedy repair and exact small cases.

Every patient's week is found by the single-patient solver's :func:`search` with the
patient's costs plus a price per seat (the Lagrange multipliers of the capacity
constraints). See ``docs/explanation/cohort-scheduling.md`` for the algorithm and
why its bound is valid.
"""

from __future__ import annotations

import contextlib
import heapq
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import final

import attrs

from iopcore import _fields as f
from iopcore.errors import InvalidDataError
from iopcore.schedule._check import check
from iopcore.schedule._cohort import (
    BACKENDS,
    Assignment,
    CohortPatient,
    CohortProblem,
    CohortSchedule,
    Unscheduled,
)
from iopcore.schedule._explain import conflict
from iopcore.schedule._lp import Master
from iopcore.schedule._model import WeekProblem
from iopcore.schedule._solver import Candidates, DayCache, Limits, candidates, limits, search

__all__ = [
    "DEFAULT_TUNING",
    "DEFAULT_WORK_LIMIT",
    "ClockRequiredError",
    "CohortTuning",
    "admit",
    "capacity_free_bound",
    "explain_unscheduled",
    "solve_cohort",
]

DEFAULT_WORK_LIMIT = 20_000
"""Default effort of :func:`solve_cohort`'s improvement phase, in work units (one unit is
one single-patient search). The first complete assignment is always built, whatever the limit."""


@final
@attrs.frozen(kw_only=True)
class CohortTuning:
    """How :func:`~iopcore.schedule.solve_cohort`'s pure-Python solver spends its effort.

    Every field has a default (the values the documentation's figures were measured with);
    any valid value gives a valid schedule with a proven bound, only speed and the answer found
    within a work limit change. Pass one to ``solve_cohort(..., tuning=...)``; make a variant
    with :func:`attrs.evolve`. See ``docs/explanation/cohort-scheduling.md`` for the phases.
    """

    price_scale: int = attrs.field(default=8, validator=f.integer(min_value=1))
    """Seat prices of the subgradient steps are in units of 1/``price_scale`` of a cost unit
    (so that multipliers need not be whole numbers)."""
    exact_max_offerings: int = attrs.field(default=12, validator=f.integer(min_value=-1, max_value=20))
    """The exact small-cohort search runs when every patient with a week alone has at most this
    many usable offerings (it enumerates all 2**n weeks of each); -1 turns it off."""
    exact_max_nodes: int = attrs.field(default=50_000, validator=f.integer(min_value=0))
    """Nodes the exact small-cohort branch and bound may visit before it gives way to the heuristic."""
    step_factor: float = attrs.field(default=1.0, converter=f.to_float, validator=f.number(min_value=0))
    """The subgradient steps' initial Polyak factor θ; the rounds run while θ is at least 0.001."""
    step_patience: int = attrs.field(default=5, validator=f.integer(min_value=1))
    """Subgradient rounds without a better bound before θ halves."""
    step_deflection: float = attrs.field(
        default=0.7, converter=f.to_float, validator=f.number(min_value=0, max_value=1, max_exclusive=True)
    )
    """Share of the previous direction kept in each subgradient step (deflection damps zig-zags)."""
    pooled_weeks: bool = attrs.field(default=True, validator=f.boolean())
    """Whether the priced greedy passes first try the best week found so far (by price) before a new search."""
    swap_options: int = attrs.field(default=8, validator=f.integer(min_value=0))
    """Replacements tried per session on a full offering when a week is repaired by swaps."""
    swap_from_patients: int = attrs.field(default=200, validator=f.integer(min_value=0))
    """Cohorts with at least this many patients repair a week that hits a full offering by swaps
    before a new search, in the first pass (faster, a little dearer)."""
    lns_moves: int = attrs.field(default=4, validator=f.integer(min_value=0))
    """Large neighbourhood moves (refilling a full offering in a random order) per improvement round."""
    subset_size: int = attrs.field(default=3, validator=f.integer(min_value=1))
    """Patients re-placed together, exactly, by one subset move (at first, and after a round that gains)."""
    subset_size_max: int = attrs.field(default=6, validator=f.integer(min_value=1))
    """The largest subset move: sets grow by one patient per round without a cheaper plan, up to this."""
    subset_wish_every: int = attrs.field(default=2, validator=f.integer(min_value=1))
    """Of every this many subset moves, all but one start from a patient's wish list (the offerings
    their cheapest week needs), the other from a full offering; 1: none start from a wish list."""
    subset_moves: int = attrs.field(default=64, validator=f.integer(min_value=0))
    """Subset moves per improvement round (at most: they also stop at their share of the work)."""
    subset_moves_first: int = attrs.field(default=64, validator=f.integer(min_value=0))
    """Subset moves before the first improvement round."""
    subset_share_min: float = attrs.field(
        default=0.125, converter=f.to_float, validator=f.number(min_value=0, max_value=1)
    )
    """The least share of a round's other work that its subset moves get (the share starts at 1,
    doubles when the moves gain more per unit of work than the rest of the round, halves when less)."""
    subset_work_min: int = attrs.field(default=50, validator=f.integer(min_value=0))
    """The least work units a round's subset moves may spend, whatever their share."""
    subset_nodes: int = attrs.field(default=100, validator=f.integer(min_value=0))
    """Nodes one subset move's branch and bound may create, per patient of the set."""
    crowding_max: int = attrs.field(default=20, validator=f.integer(min_value=0))
    """The largest crowding of an offering in the second first pass (reached at twice its seats):
    the tie-break that steers patients among their cheapest weeks to the least crowded offerings."""
    cheapest_weeks: int = attrs.field(default=32, validator=f.integer(min_value=0))
    """Weeks at a group's own optimum kept besides the first: one avoiding the closed offerings is
    a best week there without a search."""
    day_cache_size: int = attrs.field(default=2048, validator=f.integer(min_value=0))
    """Day patterns a group keeps between searches (the cache is emptied when it holds more:
    this bounds memory on long runs)."""
    columns_price_scale: int = attrs.field(default=1 << 16, validator=f.integer(min_value=1))
    """Seat prices from the master problem's duals are in units of 1/``columns_price_scale`` of a cost unit."""
    columns_first_groups: int = attrs.field(default=48, validator=f.integer(min_value=0))
    """Cohorts with at most this many groups (patients with identical profiles, with a week alone)
    start the improvement with column generation, skipping the second first pass and the repair."""
    columns_max_groups: int = attrs.field(default=128, validator=f.integer(min_value=0))
    """Cohorts with more groups never run column generation (each solve of the dense master grows
    with the square of its rows); between the two limits it runs after the first subset moves."""
    columns_max_rows: int = attrs.field(default=400, validator=f.integer(min_value=0))
    """Column generation stops when the master problem outgrows this many rows."""
    columns_batch: int = attrs.field(default=20, validator=f.integer(min_value=1))
    """Column generation solves the master again after every (groups / ``columns_batch``) new weeks
    (after each one on cohorts of fewer groups)."""
    columns_pivots: int = attrs.field(default=4000, validator=f.integer(min_value=0))
    """Pivots one solve of the master problem may take before column generation gives up on it."""

    def __attrs_post_init__(self) -> None:
        if self.subset_size_max < self.subset_size:
            raise f.fail(
                "$.subset_size_max", "expected subset_size_max >= subset_size, got a smaller int", "order", self
            )


DEFAULT_TUNING = CohortTuning()
"""The tuning :func:`solve_cohort` uses unless told otherwise."""


class ClockRequiredError(InvalidDataError):
    """``time_limit`` was given without a ``clock``: the core never reads the system clock."""


class _Rng:
    """splitmix64: a tiny seeded deterministic generator (the core may not use :mod:`random`)."""

    def __init__(self, seed: int) -> None:
        self.state = seed & 0xFFFFFFFFFFFFFFFF

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)


class _Stop(Exception):
    """The effort or time budget ran out (internal)."""


@final
@attrs.define
class _Group:
    """Patients with the same profile, unscheduled cost and pinned sessions (internal)."""

    members: list[int]
    problem: WeekProblem
    cands: Candidates
    lim: Limits
    offering: tuple[int, ...]
    """Per candidate, the index of its offering in the cohort problem."""
    pinned: frozenset[int]
    """Candidate indices the group's patients keep."""
    pinned_week: bool
    """Whether the pinned sessions alone are a feasible week: then, costs being non-negative,
    they are the group's best week at any prices (a superset only adds costs)."""
    unscheduled: int
    day_cost: int
    own: tuple[int, ...] | None = None
    """The cheapest week alone (candidate indices) or ``None`` if infeasible alone."""
    own_cost: int = 0
    weeks: list[tuple[int, tuple[int, ...]]] | None = None
    """Every feasible week with its cost, when few enough to enumerate (exact search)."""
    memo: dict[object, dict[frozenset[int], tuple[tuple[int, ...], int] | None]] = attrs.field(factory=dict)
    """Per price vector, the best week found for each set of closed offerings."""
    pool: dict[tuple[int, ...], int] = attrs.field(factory=dict)
    """Every week found so far, with its cost (the columns of the Lagrangian steps)."""
    cheapest: list[tuple[int, ...]] = attrs.field(factory=list)
    """Weeks found that cost the group's own optimum (a few): any of them avoiding the
    closed offerings is a best week there, with no search."""
    days: DayCache = attrs.field(factory=dict)
    """Day patterns of the group's searches at true costs (see :func:`search`)."""


@final
@attrs.define
class _Context:
    problem: CohortProblem
    groups: list[_Group]
    of_patient: list[int]
    """Per patient, its group index."""
    residual: list[int]
    """Per offering, capacity left after pinned enrollments."""
    work_limit: int
    deadline: float | None
    clock: Callable[[], float] | None
    tuning: CohortTuning
    work: int = 0
    budgeted: bool = False

    def spend(self) -> None:
        self.work += 1
        if not self.budgeted:
            return
        if self.work > self.work_limit:
            raise _Stop
        self.tick()

    def tick(self) -> None:
        """Stop if the time budget ran out (work is only counted by :meth:`spend`)."""
        if self.budgeted and self.deadline is not None and self.clock is not None and self.clock() >= self.deadline:
            raise _Stop


def _week_cost(group: _Group, chosen: Sequence[int]) -> int:
    cost = group.cands.cost
    days = {group.cands.offerings[i].weekday for i in chosen}
    return group.day_cost * len(days) + sum(cost[i] for i in chosen)


def _search_pinned(
    ctx: _Context,
    group: _Group,
    costs: Sequence[int],
    day_cost: int,
    excluded: Sequence[int] = (),
    day_cache: DayCache | None = None,
    limit: int | None = None,
) -> tuple[tuple[int, ...], int] | None:
    """The group's cheapest week for candidate *costs* and *day_cost* that keeps its pinned sessions, with its
    value (``None``: no such week, or none below *limit*). One work unit.

    Pinned candidates get a reward larger than everything else a week can cost (costs are
    non-negative), so every week keeping the pins beats every week that does not, and the
    order among weeks keeping them is unchanged.
    """
    ctx.spend()
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
    if not found or not group.pinned.issubset(found[0][2]):
        return None
    return tuple(sorted(found[0][2])), found[0][0][0] + big * len(group.pinned)


def _days(group: _Group, size: int) -> DayCache:
    """The group's day-pattern cache, emptied when it holds more than *size* (bounds memory on long runs)."""
    if len(group.days) > size:
        group.days.clear()
    return group.days


def _price(
    ctx: _Context,
    group: _Group,
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
        return week, scale * group.pool.setdefault(week, _week_cost(group, week))
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
    cache = _days(group, ctx.tuning.day_cache_size) if prices is None or master else None
    upper = _pooled(group, prices, closed, scale) if master and prices is not None else None
    out = _search_pinned(
        ctx, group, costs, scale * group.day_cost, excluded, cache, None if upper is None else upper[1]
    )
    if out is None and upper is not None:
        out = upper
    elif out is not None:
        chosen = out[0]
        new = chosen not in group.pool
        cost = group.pool.setdefault(chosen, _week_cost(group, chosen))
        if new and group.own is not None and cost == group.own_cost and len(group.cheapest) < ctx.tuning.cheapest_weeks:
            group.cheapest.append(chosen)
    seen[closed] = out
    return out


def _prepare(
    problem: CohortProblem,
    work_limit: int,
    deadline: float | None,
    clock: Callable[[], float] | None,
    tuning: CohortTuning = DEFAULT_TUNING,
) -> _Context:
    position = {o.id: i for i, o in enumerate(problem.offerings)}
    residual = [o.seats for o in problem.offerings]
    for e in problem.pinned:
        for o in e.offerings:
            residual[position[o]] -= 1
    keyed: dict[object, int] = {}
    groups: list[_Group] = []
    of_patient: list[int] = []
    pins = {e.patient: e.offerings for e in problem.pinned}
    for p_index, patient in enumerate(problem.patients):
        pinned = pins.get(patient.id, frozenset())
        u = problem.unscheduled_cost_of(patient)
        key = (patient.profile(), u, pinned)
        g = keyed.get(key)
        if g is None:
            g = len(groups)
            keyed[key] = g
            wp = patient.week_problem(problem.offerings)
            cands = candidates(wp)
            offering = tuple(position[o.id] for o in cands.offerings)
            local = {o.id: i for i, o in enumerate(cands.offerings)}
            pin = frozenset(local[o] for o in pinned if o in local)
            groups.append(
                _Group(
                    members=[],
                    problem=wp,
                    cands=cands,
                    lim=limits(wp),
                    offering=offering,
                    pinned=pin,
                    pinned_week=bool(pinned) and len(pin) == len(pinned) and not check(wp, sorted(pinned)),
                    unscheduled=u,
                    day_cost=patient.day_cost,
                )
            )
            if len(pin) < len(pinned):  # a pinned session outside the patient's availability
                groups[g].memo[None] = {frozenset(): None}
        groups[g].members.append(p_index)
        of_patient.append(g)
    return _Context(
        problem=problem,
        groups=groups,
        of_patient=of_patient,
        residual=residual,
        work_limit=work_limit,
        deadline=deadline,
        clock=clock,
        tuning=tuning,
    )


def _own(ctx: _Context) -> int:
    """Each group's cheapest week alone; returns the capacity-free bound."""
    total = 0
    for group in ctx.groups:
        found = _price(ctx, group, None, frozenset())
        if found is not None:
            group.own = found[0]
            group.own_cost = _week_cost(group, found[0])
            group.cheapest.append(found[0])
            total += min(group.unscheduled, group.own_cost) * len(group.members)
        else:
            total += group.unscheduled * len(group.members)
    return total


def _counting_bound(ctx: _Context, free: int) -> int:
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


Plan = list[tuple[int, ...] | None]  # per patient: candidate indices of its group, or None (unscheduled)


def _scheduled(plan: Plan) -> int:
    return sum(1 for chosen in plan if chosen is not None)


def _plan_cost(ctx: _Context, plan: Plan) -> int:
    total = 0
    for p, chosen in enumerate(plan):
        group = ctx.groups[ctx.of_patient[p]]
        total += group.unscheduled if chosen is None else _week_cost(group, chosen)
    return total


def _pooled(
    group: _Group, prices: Sequence[int], closed: Collection[int], scale: int
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


def _swap(group: _Group, week: tuple[int, ...], closed: set[int], options: int) -> tuple[int, ...] | None:
    """*week* with each session on a closed offering replaced by the cheapest open one of the same
    component that keeps the week feasible (checked by :func:`check`, the *options* cheapest
    tried); ``None`` if one has none.

    A cheap repair before a new search: feasible by construction, not necessarily the best week.
    """
    cands = group.cands
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
        for j in choices[:options]:
            trial = [*current[:pos], j, *current[pos + 1 :]]
            if not check(group.problem, [cands.offerings[x].id for x in trial]):
                current = trial
                break
        else:
            return None
    return tuple(sorted(current))


def _pressure(ctx: _Context) -> list[int]:
    """Per offering, how crowded the patients' cheapest weeks alone make it, from 0 to ``crowding_max`` (of the tuning) at twice its seats."""
    top = ctx.tuning.crowding_max
    demand = [0] * len(ctx.residual)
    for group in ctx.groups:
        if group.own is not None:
            for i in group.own:
                if i not in group.pinned:
                    demand[group.offering[i]] += len(group.members)
    return [min(top, top * d // (2 * max(r, 1))) for d, r in zip(demand, ctx.residual, strict=True)]


def _greedy(
    ctx: _Context,
    order: Sequence[int],
    prices: Sequence[int] | None,
    pooled: bool = False,
    ties: Sequence[int] | None = None,
) -> Plan:
    """Patients in *order*, each given their best week (by *prices*) in the seats left, if worth it.

    Without *prices*, *ties* (per offering, at most ``crowding_max``) choose among the
    cheapest weeks the one on the least crowded offerings: a week's ties add up to less
    than one cost unit, so they never make a week dearer.
    Offerings only close during a pass, so a group's best week stays best while it
    avoids every offering closed since: it is reused without a new search.
    """
    left = list(ctx.residual)
    closed: set[int] = {o for o, r in enumerate(left) if r <= 0}
    plan: Plan = [None] * len(ctx.of_patient)
    last: dict[int, tuple[int, ...] | None] = {}
    swaps = len(plan) >= ctx.tuning.swap_from_patients
    crowd = ties if prices is None else None
    for p in order:
        g = ctx.of_patient[p]
        group = ctx.groups[g]
        if group.own is None:
            continue
        own: tuple[int, ...] | None = group.own
        if crowd is not None and any(crowd[group.offering[i]] for i in group.own if i not in group.pinned):
            own = None  # a cheapest week on crowded offerings: look for a calmer one
        chosen = last.get(g, own if prices is None else None)
        if g in last and chosen is None:
            continue  # no week with fewer offerings closed: none now either
        if chosen is not None and any(group.offering[i] in closed for i in chosen if i not in group.pinned):
            chosen = _swap(group, chosen, closed, ctx.tuning.swap_options) if prices is None and swaps else None
            if chosen is not None:
                last[g] = chosen
        if chosen is None and pooled and prices is not None:
            known = _pooled(group, prices, closed, ctx.tuning.price_scale)
            chosen = None if known is None else known[0]
        if chosen is None:
            shut = frozenset(closed.intersection(group.offering))
            if crowd is not None:
                # A scale above the most any week's ties can add keeps the true cost first.
                found = _price(ctx, group, crowd, shut, 1 + ctx.tuning.crowding_max * len(group.offering))
            else:
                found = _price(ctx, group, prices, shut)
            last[g] = None if found is None else found[0]
            if found is None:
                continue
            chosen = found[0]
        if _week_cost(group, chosen) >= group.unscheduled and prices is not None:
            # Dear at the prices: the cheapest week at true costs may still be worth it.
            found = _price(ctx, group, None, frozenset(closed.intersection(group.offering)))
            chosen = found[0] if found is not None else chosen
        if _week_cost(group, chosen) >= group.unscheduled:
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


def _lagrangian(
    ctx: _Context,
    prices: Sequence[int],
    previous: dict[int, tuple[list[int], tuple[tuple[int, ...], int] | None]],
    scale: int,
) -> tuple[int, list[int]]:
    """The Lagrangian bound at *prices* (in units of 1/*scale*), times *scale*, and the subgradient
    (seat use minus capacity).

    A group's best week at earlier prices stays best when no price of an offering
    it uses changed and no other price fell: it is reused (*previous* keeps them, at one scale).
    """
    use = [0] * len(ctx.residual)
    value = -sum(p * r for p, r in zip(prices, ctx.residual, strict=True))
    for g, group in enumerate(ctx.groups):
        u = scale * group.unscheduled
        found = None
        if group.own is not None:
            before = previous.get(g)
            if before is not None and before[1] is not None and _still_best(group, before, prices):
                found = before[1]
            else:
                found = _price(ctx, group, prices, frozenset(), scale)
                previous[g] = ([prices[o] for o in group.offering], found)
        if found is None or found[1] >= u:
            value += u * len(group.members)
            continue
        value += found[1] * len(group.members)
        for i in found[0]:
            if i not in group.pinned:
                use[group.offering[i]] += len(group.members)
    return value, [u - r for u, r in zip(use, ctx.residual, strict=True)]


def _step(prices: list[int], grad: Sequence[float], value: int, target: int, theta: float, scale: int) -> list[int]:
    """A subgradient step of Polyak length towards *target* (no move when the direction is zero), at
    least as long as one price unit (1/*scale*) would make it."""
    # Seats that are free with no price tell nothing: drop them from the step.
    step = [0 if (g < 0 and p == 0) else g for g, p in zip(grad, prices, strict=True)]
    norm = sum(g * g for g in step) or 1.0
    t = theta * max(target - value, scale) / norm
    return [max(0, p + math.floor(t * g + 0.5)) for p, g in zip(prices, step, strict=True)]


def _still_best(
    group: _Group, before: tuple[list[int], tuple[tuple[int, ...], int] | None], prices: Sequence[int]
) -> bool:
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


@final
@attrs.define
class _Columns:
    """The restricted master problem of column generation (internal): every pooled week of every
    group, with a capacity row for each offering those weeks could overfill."""

    master: Master
    group_row: dict[int, int] = attrs.field(factory=dict)
    offering_row: dict[int, int] = attrs.field(factory=dict)
    column: dict[tuple[int, tuple[int, ...]], int] = attrs.field(factory=dict)
    """Per (group, week) in the master, its column."""
    using: dict[int, list[int]] = attrs.field(factory=dict)
    """Per offering, the columns of the weeks taking a seat on it."""
    users: dict[int, set[int]] = attrs.field(factory=dict)
    """Per offering, the groups with a week taking a seat on it."""

    def sync(self, ctx: _Context) -> bool:
        """Add the weeks pooled since, and the rows they need; ``False`` once the master is too large."""
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
        return master.rows <= ctx.tuning.columns_max_rows

    def prices(self, ctx: _Context) -> list[int]:
        """Seat prices in units of 1/``columns_price_scale``: the capacity rows' dual values (never negative)."""
        scale = ctx.tuning.columns_price_scale
        pi = self.master.duals()
        prices = [0] * len(ctx.residual)
        for o, row in self.offering_row.items():
            prices[o] = max(0, round(-pi[row] * scale))
        return prices

    def plan(self, ctx: _Context) -> Plan | None:
        """The master's solution as a plan, if it is whole (``None`` otherwise)."""
        x = self.master.values()
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


def _fits(ctx: _Context, plan: Plan) -> bool:
    """Whether *plan* keeps every offering within its seats."""
    return min(_usage(ctx, plan), default=0) >= 0


def _feasible_groups(ctx: _Context) -> int:
    return sum(1 for group in ctx.groups if group.own is not None)


def _small(ctx: _Context) -> bool:
    """Whether column generation runs first (and the calmer second pass and the repair of the start are skipped)."""
    return _feasible_groups(ctx) <= ctx.tuning.columns_first_groups


def _generate(ctx: _Context, best: Plan, best_cost: int, bound: int) -> tuple[Plan, int, int, list[int] | None, bool]:
    """Column generation (cohorts of at most ``columns_max_groups`` groups): seat prices from the linear relaxation.

    The restricted master problem (every week found so far, see :class:`_Columns`) gives
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
    if _feasible_groups(ctx) > tuning.columns_max_groups:
        return best, best_cost, bound, prices, False
    columns = _Columns(Master(float(_plan_cost(ctx, [None] * len(ctx.of_patient)) + 1)))
    previous: dict[int, tuple[list[int], tuple[tuple[int, ...], int] | None]] = {}
    # Groups with a week, in the order of their first patient (fewest usable offerings first).
    firsts = dict.fromkeys(ctx.of_patient[p] for p in _order(ctx, None))
    order = [g for g in firsts if ctx.groups[g].own is not None]

    def solved() -> bool:
        """Bring the master up to date and solve it; keep its solution if it is a cheaper plan."""
        nonlocal best, best_cost
        if not (columns.sync(ctx) and columns.master.solve(tuning.columns_pivots, ctx.tick)):
            return False
        plan = columns.plan(ctx)
        if plan is not None and _fits(ctx, plan):
            cost = _plan_cost(ctx, plan)
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
            if before is not None and before[1] is not None and _still_best(group, before, prices):
                continue
            found = _price(ctx, group, prices, frozenset(), tuning.columns_price_scale, master=True)
            previous[g] = ([prices[o] for o in group.offering], found)
            if found is not None and (g, found[0]) not in columns.column:
                pending += 1
        value, _ = _lagrangian(ctx, prices, previous, tuning.columns_price_scale)
        bound = max(bound, -(-value // tuning.columns_price_scale))
    except _Stop:
        return best, best_cost, bound, prices, True
    return best, best_cost, bound, prices, False


def _exact(ctx: _Context) -> Plan | None:
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
        weeks = [(_week_cost(group, sol[2]), tuple(sorted(sol[2]))) for sol in found if group.pinned.issubset(sol[2])]
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
    best_cost = _plan_cost(ctx, [None] * n) + 1
    best: Plan = [None] * n
    plan: Plan = [None] * n
    nodes = 0
    node_limit = ctx.tuning.exact_max_nodes

    def dfs(k: int, cost: int, first: int) -> None:
        nonlocal best_cost, best, nodes
        nodes += 1
        if nodes > node_limit:
            raise _Stop
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
    except _Stop:
        return None
    return best


def _polish(ctx: _Context, plan: Plan) -> None:
    """Best responses: each scheduled patient in turn takes their cheapest week in the seats left by the others."""
    left = _usage(ctx, plan)
    for p, chosen in enumerate(plan):
        if chosen is None:
            continue
        group = ctx.groups[ctx.of_patient[p]]
        _take(ctx, p, chosen, left, -1)
        found = _price(ctx, group, None, frozenset(o for o in group.offering if left[o] <= 0))
        if found is not None and _week_cost(group, found[0]) < _week_cost(group, chosen):
            chosen = found[0]
            plan[p] = chosen
        _take(ctx, p, chosen, left, 1)


def _lns(ctx: _Context, plan: Plan, rng: _Rng) -> None:
    """Large neighbourhood moves: free the seats of full offerings and refill them in a random order.

    For each full offering, in an order drawn from *rng*: its holders are taken out and,
    with every patient left out, placed again one by one (random order) in their
    cheapest week in the seats left. Kept when the total cost falls, else undone.
    """
    left = _usage(ctx, plan)
    full = [o for o, r in enumerate(left) if r <= 0 and ctx.residual[o] > 0]
    full.sort(key=lambda o: (rng.next() % 1024, o))
    for o in full[: ctx.tuning.lns_moves]:
        holders = _holders(ctx, plan, {o})
        waiting = _waiting(ctx, plan)
        before = list(plan)
        cost = _plan_cost(ctx, plan)
        for p in holders:
            chosen = plan[p]
            assert chosen is not None
            _take(ctx, p, chosen, left, -1)
            plan[p] = None
        again = holders + waiting
        again.sort(key=lambda p: (rng.next() % 1024, p))
        for p in again:
            group = ctx.groups[ctx.of_patient[p]]
            found = _price(ctx, group, None, frozenset(x for x in group.offering if left[x] <= 0))
            if found is not None and _week_cost(group, found[0]) < group.unscheduled:
                plan[p] = found[0]
                _take(ctx, p, found[0], left, 1)
        if _plan_cost(ctx, plan) >= cost:
            plan[:] = before
            left = _usage(ctx, plan)


Member = tuple[frozenset[int], int, tuple[int, ...] | None]  # excluded offerings, cost, week (None: left out)


def _subset_best(
    ctx: _Context, patients: Sequence[int], left: Sequence[int], node_limit: int, limit: int
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

    def best(k: int, excluded: frozenset[int]) -> Member:
        group = groups[k]
        found = _price(ctx, group, None, excluded)
        if found is None or _week_cost(group, found[0]) >= group.unscheduled:
            return excluded, group.unscheduled, None
        return excluded, _week_cost(group, found[0]), found[0]

    full = {o for o, r in enumerate(left) if r <= 0}
    root = [best(k, frozenset(full.intersection(g.offering))) for k, g in enumerate(groups)]
    heap: list[tuple[int, int, list[Member]]] = [(sum(m[1] for m in root), 0, root)]
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


def _waiting(ctx: _Context, plan: Plan) -> list[int]:
    """The patients *plan* leaves out who have a week alone (those who could be placed)."""
    return [p for p, chosen in enumerate(plan) if chosen is None and ctx.groups[ctx.of_patient[p]].own is not None]


def _holders(ctx: _Context, plan: Plan, offerings: set[int]) -> list[int]:
    """The patients of *plan* holding a (non-pinned) seat on any of *offerings*."""
    out = []
    for p, chosen in enumerate(plan):
        if chosen is not None:
            group = ctx.groups[ctx.of_patient[p]]
            if any(group.offering[i] in offerings for i in chosen if i not in group.pinned):
                out.append(p)
    return out


def _closed_week(ctx: _Context, group: _Group, closed: frozenset[int], *, fewest_first: bool) -> tuple[int, ...]:
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
    found = _search_pinned(ctx, group, costs, day_cost, day_cache=_days(group, ctx.tuning.day_cache_size))
    assert found is not None  # the caller's group is feasible alone with its pins
    return found[0]


def _wanted(ctx: _Context, group: _Group, closed: frozenset[int]) -> list[int]:
    """The *closed* offerings of the group's cheapest week alone that needs the fewest of them (in order)."""
    week = _closed_week(ctx, group, closed, fewest_first=False)
    return sorted(group.offering[i] for i in week if group.offering[i] in closed and i not in group.pinned)


def _subset_moves(ctx: _Context, plan: Plan, rng: _Rng, moves: int, size: int, work: int | None = None) -> bool:
    """Re-place small sets of patients together, exactly, in the seats the others leave (in place).

    A set is either a patient who pays more than their cheapest week alone (or is left out)
    with holders of the full offerings that week needs, or the holders of one full offering
    with the patients left out; :func:`_subset_best` places them again at least cost. A
    move is applied only when it costs no more, so a stop leaves a valid, no dearer plan.
    Sets hold up to *size* patients; at most *moves* moves, ending early once they have
    spent *work* units. Returns whether the plan became cheaper.
    """
    improved = False
    stop = None if work is None else ctx.work + work
    for move in range(moves):
        if stop is not None and ctx.work >= stop:
            break
        left = _usage(ctx, plan)
        full = [o for o, r in enumerate(left) if r <= 0 and ctx.residual[o] > 0]
        if not full:
            return improved
        # Who pays more than their cheapest week alone, and by how much (left out: unscheduled cost).
        regret: list[tuple[int, int]] = []
        total = 0
        for p, chosen in enumerate(plan):
            group = ctx.groups[ctx.of_patient[p]]
            if group.own is not None:
                extra = (group.unscheduled if chosen is None else _week_cost(group, chosen)) - group.own_cost
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
            for o in _wanted(ctx, group, closed):
                pool = [p for p in _holders(ctx, plan, {o}) if p not in chosen_set]
                if pool and len(chosen_set) < size:
                    chosen_set.append(pool[rng.next() % len(pool)])
        else:
            pool = _holders(ctx, plan, {full[rng.next() % len(full)]}) + _waiting(ctx, plan)
            while pool and len(chosen_set) < size:
                chosen_set.append(pool.pop(rng.next() % len(pool)))
        before = 0
        for p in chosen_set:
            chosen = plan[p]
            group = ctx.groups[ctx.of_patient[p]]
            before += group.unscheduled if chosen is None else _week_cost(group, chosen)
            if chosen is not None:
                _take(ctx, p, chosen, left, -1)
        found = _subset_best(ctx, chosen_set, left, ctx.tuning.subset_nodes * len(chosen_set), before)
        if found is not None:
            improved = improved or found[0] < before
            for p, week in zip(chosen_set, found[1], strict=True):
                plan[p] = week
    return improved


def _order(ctx: _Context, rng: _Rng | None) -> list[int]:
    """Patients with the fewest usable offerings first, then by regret (unscheduled cost minus own cost).

    With *rng*, the counts are jittered so that each round tries another order.
    """

    def key(p: int) -> tuple[int, int, int]:
        group = ctx.groups[ctx.of_patient[p]]
        regret = group.unscheduled - group.own_cost if group.own is not None else 0
        jitter = 0 if rng is None else rng.next() % 16
        return (len(group.cands.offerings) + jitter, -regret, p)

    return sorted(range(len(ctx.of_patient)), key=key)


def _usage(ctx: _Context, plan: Plan) -> list[int]:
    """Seats left per offering under *plan*."""
    left = list(ctx.residual)
    for p, chosen in enumerate(plan):
        if chosen is not None:
            group = ctx.groups[ctx.of_patient[p]]
            for i in chosen:
                if i not in group.pinned:
                    left[group.offering[i]] -= 1
    return left


def _take(ctx: _Context, p: int, chosen: tuple[int, ...], left: list[int], sign: int) -> None:
    group = ctx.groups[ctx.of_patient[p]]
    for i in chosen:
        if i not in group.pinned:
            left[group.offering[i]] -= sign


def _repair(ctx: _Context, plan: Plan) -> None:
    """Ejection moves: admit a patient left out by moving holders of the seats they need elsewhere.

    For each patient left out (feasible alone, largest unscheduled cost first), take a
    week needing the fewest full offerings; for each of those, move one holder to
    their best week without it in the seats left. Kept only when the total cost falls;
    a stop in the middle of an ejection undoes it, so the plan is never dearer.
    """
    left = _usage(ctx, plan)
    out = _waiting(ctx, plan)
    out.sort(key=lambda p: (-ctx.groups[ctx.of_patient[p]].unscheduled, p))
    for q in out:
        gq = ctx.groups[ctx.of_patient[q]]
        closed = frozenset(o for o, r in enumerate(left) if r <= 0)
        week = _closed_week(ctx, gq, closed, fewest_first=True)
        need = [gq.offering[i] for i in week if gq.offering[i] in closed and i not in gq.pinned]
        if len(need) > 2:
            continue
        gain = gq.unscheduled - _week_cost(gq, week)
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
                    _take(ctx, p, chosen, left, -1)
                    shut = frozenset({*need, *(x for x, r in enumerate(left) if r <= 0)}.intersection(gp.offering))
                    found = _price(ctx, gp, None, shut)
                    if found is not None and _week_cost(gp, found[0]) - _week_cost(gp, chosen) < gain:
                        gain -= _week_cost(gp, found[0]) - _week_cost(gp, chosen)
                        _take(ctx, p, found[0], left, 1)
                        plan[p] = found[0]
                        moves.append((p, chosen, found[0]))
                        moved = True
                        break
                    _take(ctx, p, chosen, left, 1)
                if not moved:
                    break
        except _Stop:
            for p, before, _ in moves:  # stopped half-way: the holders moved so far go back
                plan[p] = before
            raise
        if all(left[gq.offering[i]] > 0 for i in week if i not in gq.pinned):
            plan[q] = week
            _take(ctx, q, week, left, 1)
            continue
        for p, before, after in reversed(moves):
            _take(ctx, p, after, left, -1)
            _take(ctx, p, before, left, 1)
            plan[p] = before
        _exchange(ctx, plan, left, q, week, need)


def _exchange(ctx: _Context, plan: Plan, left: list[int], q: int, week: tuple[int, ...], need: list[int]) -> None:
    """Leave out one patient holding every seat *q*'s *week* needs, when that lowers the total cost."""
    gq = ctx.groups[ctx.of_patient[q]]
    worth = gq.unscheduled - _week_cost(gq, week)  # saved by placing q
    for p, chosen in enumerate(plan):
        if chosen is None:
            continue
        gp = ctx.groups[ctx.of_patient[p]]
        held = {gp.offering[i] for i in chosen if i not in gp.pinned}
        if all(o in held for o in need) and gp.unscheduled - _week_cost(gp, chosen) < worth:
            _take(ctx, p, chosen, left, -1)
            plan[p] = None
            plan[q] = week
            _take(ctx, q, week, left, 1)
            return


def explain_unscheduled(problem: CohortProblem, assignments: Mapping[str, Sequence[str]]) -> tuple[Unscheduled, ...]:
    """Reasons for every patient of *problem* not in *assignments* (patient id → offering ids).

    Own conflict when infeasible alone; otherwise the fewest extra seats on full offerings
    that would admit the patient (``capacity``), or ``cost`` when a week fits the seats
    left but costs at least the patient's unscheduled cost.
    """
    return capacity_free_bound_and_reasons(problem, assignments)[1]


def capacity_free_bound_and_reasons(
    problem: CohortProblem, assignments: Mapping[str, Sequence[str]]
) -> tuple[int, tuple[Unscheduled, ...]]:
    """:func:`capacity_free_bound` and :func:`explain_unscheduled` from one preparation of *problem*."""
    ctx = _prepare(problem, 0, None, None)
    free = _own(ctx)
    left = list(ctx.residual)
    position = {o.id: i for i, o in enumerate(problem.offerings)}
    pins = {e.patient: e.offerings for e in problem.pinned}
    for patient_id, sessions in assignments.items():
        keep = pins.get(patient_id, frozenset())
        for s in sessions:
            if s not in keep:
                left[position[s]] -= 1
    out = [p for p, patient in enumerate(problem.patients) if patient.id not in assignments]
    return free, _reasons(ctx, out, left)


def _reasons(ctx: _Context, out: Sequence[int], left: Sequence[int]) -> tuple[Unscheduled, ...]:
    problem = ctx.problem
    reasons: list[Unscheduled] = []
    cache: dict[int, Unscheduled] = {}
    for p in out:
        patient = problem.patients[p]
        g = ctx.of_patient[p]
        group = ctx.groups[g]
        template = cache.get(g)
        if template is None:
            template = _reason(ctx, patient, group, left)
            cache[g] = template
        reasons.append(attrs.evolve(template, patient=patient.id))
    return tuple(reasons)


def _reason(ctx: _Context, patient: CohortPatient, group: _Group, left: Sequence[int]) -> Unscheduled:
    problem = ctx.problem
    if group.own is None:
        found = conflict(group.problem)
        if not found:
            found = ("pinned",)
        return Unscheduled(patient=patient.id, reason="conflict", conflict=found, cost=group.unscheduled)
    closed = frozenset(o for o in group.offering if left[o] <= 0)
    fits = _price(ctx, group, None, closed)
    if fits is not None:
        return Unscheduled(patient=patient.id, reason="cost", cost=group.unscheduled)
    # The fewest seats to add: each full offering costs one, everything else nothing.
    n = len(group.cands.offerings)
    costs = [1 if group.offering[i] in closed and i not in group.pinned else 0 for i in range(n)]
    week = _search_pinned(ctx, group, costs, 0)
    assert week is not None  # feasible alone with its pins, so a week exists
    chosen = week[0]
    blocking = sorted(
        problem.offerings[group.offering[i]].id for i in chosen if group.offering[i] in closed and i not in group.pinned
    )
    return Unscheduled(
        patient=patient.id,
        reason="capacity",
        blocking=tuple(blocking),
        needed=dict.fromkeys(blocking, 1),
        cost=group.unscheduled,
    )


def capacity_free_bound(problem: CohortProblem) -> int:
    """Σ over patients of min(unscheduled cost, own optimum alone): a lower bound on any cohort's cost."""
    return _own(_prepare(problem, 0, None, None))


def _result(ctx: _Context, plan: Plan, cost: int, bound: int, free: int, optimal: bool) -> CohortSchedule:
    """The schedule of *plan* (which costs *cost*), with reasons for everyone it leaves out."""
    problem = ctx.problem
    assignments: list[Assignment] = []
    out: list[int] = []
    for p, chosen in enumerate(plan):
        if chosen is None:
            out.append(p)
            continue
        group = ctx.groups[ctx.of_patient[p]]
        assignments.append(
            Assignment(
                patient=problem.patients[p].id,
                sessions=tuple(group.cands.offerings[i].id for i in chosen),
                cost=_week_cost(group, chosen),
            )
        )
    assert not ctx.budgeted  # explanations are always completed
    unscheduled = _reasons(ctx, out, _usage(ctx, plan))
    bound = min(max(bound, free), cost)
    return CohortSchedule(
        assignments=tuple(assignments),
        unscheduled=unscheduled,
        cost=cost,
        lower_bound=bound,
        capacity_free_bound=free,
        optimal=optimal or bound == cost,
        backend="iopcore",
        work=ctx.work,
    )


def _check_args(
    problem: object,
    time_limit: object,
    seed: object,
    work_limit: object,
    clock: object,
    backend: object,
    tuning: object,
) -> None:
    if not isinstance(problem, CohortProblem):
        raise f.fail("$.problem", "expected a CohortProblem", "type")
    if time_limit is not None and (
        not isinstance(time_limit, int | float) or isinstance(time_limit, bool) or not time_limit >= 0
    ):
        raise f.fail("$.time_limit", "expected a number of seconds >= 0 or None", "range")
    if time_limit is not None and clock is None and backend == "iopcore":
        raise ClockRequiredError.single(
            "$.clock",
            "expected a clock (e.g. time.perf_counter) with time_limit: the core never reads the system clock",
            "missing",
            type_name="solve_cohort",
        )
    if clock is not None and not callable(clock):
        raise f.fail("$.clock", "expected a callable returning seconds", "type")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise f.fail("$.seed", "expected an int", "type")
    if not isinstance(work_limit, int) or isinstance(work_limit, bool) or work_limit < 0:
        raise f.fail("$.work_limit", "expected an integer >= 0", "range")
    if backend not in BACKENDS:
        raise f.fail("$.backend", "expected iopcore or ortools", "one_of")
    if not isinstance(tuning, CohortTuning):
        raise f.fail("$.tuning", "expected a CohortTuning", "type")


def solve_cohort(
    problem: CohortProblem,
    *,
    time_limit: float | None = None,
    seed: int = 0,
    work_limit: int = DEFAULT_WORK_LIMIT,
    clock: Callable[[], float] | None = None,
    backend: str = "iopcore",
    tuning: CohortTuning = DEFAULT_TUNING,
) -> CohortSchedule:
    """Place a cohort's patients into sessions within capacities, at least cost, with a proven lower bound.

    1. Each patient's cheapest week alone gives the capacity-free bound (patients with
       identical profiles are solved once); counting the seats each component offers
       against what patients need gives how many must be left out (the counting bound).
    2. Small cohorts (every patient with at most 12 usable offerings) are solved exactly
       by branch and bound over every patient's weeks.
    3. Otherwise a first assignment is built greedily (fewest usable offerings first,
       each patient given their cheapest week in the seats left). On cohorts of at most
       48 groups (patients with identical profiles form one), column generation follows:
       a linear relaxation over the weeks found so far, solved by a small simplex, gives
       seat prices; each group's best week at those prices joins it, until none is new;
       its bound is then the relaxation's, and a whole solution of it is a plan. On larger
       cohorts the first assignment is repaired by ejection (moving holders of the seats a
       patient left out needs) and by best responses, and a second pass breaks ties among
       each patient's cheapest weeks towards the least crowded offerings; up to 128
       groups, column generation runs after the first subset moves. Then improvement:
       exact subset moves (a few patients, such as one paying more than their cheapest
       week and holders of the seats that week needs, placed again together at least
       cost by a conflict-directed branch and bound),
       and rounds of subgradient steps on the seat prices (Lagrange multipliers of the
       capacities), which raise the lower bound, each with a greedy pass and repair
       under the prices and large neighbourhood moves (refilling a full offering in a
       random order); the cheapest assignment is kept.
       It stops when the cost meets the bound (``optimal``) or after *work_limit* work
       units (single-patient searches); *time_limit* seconds, measured by *clock*, can
       only stop it earlier. The same *seed*, *work_limit* and *tuning* always give the same answer.
    4. Patients left out get a reason (:class:`~iopcore.schedule.Unscheduled`).

    The numbers above are the defaults of *tuning* (a :class:`CohortTuning`), which sets
    how the pure-Python solver spends its effort.

    ``backend="ortools"`` uses the optional OR-Tools CP-SAT model instead
    (``pip install iopcore[ortools]``); it has no tuning.
    """
    _check_args(problem, time_limit, seed, work_limit, clock, backend, tuning)
    if backend == "ortools":
        from iopcore.schedule._cohort_ortools import solve_cohort_ortools  # type: ignore[import-not-found,unused-ignore]

        result: CohortSchedule = solve_cohort_ortools(problem, time_limit=time_limit, seed=seed, work_limit=work_limit)
        return result
    deadline = None if time_limit is None or clock is None else clock() + time_limit
    ctx = _prepare(problem, work_limit, deadline, clock, tuning)
    free = _own(ctx)
    exact = _exact(ctx)
    if exact is not None:
        cost = _plan_cost(ctx, exact)
        return _result(ctx, exact, cost, cost, free, True)
    order = _order(ctx, None)
    first = _greedy(ctx, order, None)
    first_cost = _plan_cost(ctx, first)
    best, best_cost = first, first_cost
    ctx.budgeted = True
    # Small cohorts go straight to column generation, which needs neither a calmer nor a repaired start.
    small = _small(ctx)
    if not small:
        with contextlib.suppress(_Stop):
            # A second pass choosing, among each patient's cheapest weeks, the one on the least crowded offerings.
            # It leaves more room to improve on: it is the start unless it is dearer by over 0.1 % or schedules
            # fewer (the first pass stays the fallback, so the answer is never dearer than the first pass).
            calm = _greedy(ctx, order, None, ties=_pressure(ctx))
            calm_cost = _plan_cost(ctx, calm)
            if calm_cost < best_cost or (
                _scheduled(calm) >= _scheduled(best) and calm_cost <= best_cost + best_cost // 1000
            ):
                best, best_cost = calm, calm_cost
    best = list(best)  # the first pass stays as it was: it is the fallback
    if not small:
        with contextlib.suppress(_Stop):
            _repair(ctx, best)  # each step leaves a valid plan, no dearer, when it stops
            _polish(ctx, best)
    ctx.budgeted = False
    best_cost = _plan_cost(ctx, best)
    bound = _counting_bound(ctx, free)
    if best_cost > bound:
        best, best_cost, bound = _improve(ctx, best, best_cost, bound, _Rng(seed))
    if first_cost < best_cost:
        best, best_cost = first, first_cost
    return _result(ctx, best, best_cost, bound, free, best_cost <= bound)


def _improve(ctx: _Context, best: Plan, best_cost: int, bound: int, rng: _Rng) -> tuple[Plan, int, int]:
    """Subset moves, then rounds of subgradient steps on seat prices for the bound and repairs for the assignment.

    Each round prices every group exactly (a valid bound, and new weeks for the pool),
    builds and repairs an assignment under the prices, tries large neighbourhood moves,
    then spends a share of the round's work on subset moves. *best* is changed in place
    only by steps that never make it dearer.
    """
    ctx.budgeted = True
    tuning = ctx.tuning
    scale, master_scale = tuning.price_scale, tuning.columns_price_scale
    theta = tuning.step_factor
    stall = 0
    previous: dict[int, tuple[list[int], tuple[tuple[int, ...], int] | None]] = {}
    direction = [0.0] * len(ctx.residual)
    share = 1.0
    # Column generation: first on small cohorts; on larger ones after a first burst of subset
    # moves, which improve the plan faster than the master's solves do.
    small = _small(ctx)
    start: list[int] | None = None
    if small:
        best, best_cost, bound, start, stopped = _generate(ctx, best, best_cost, bound)
        if stopped or best_cost <= bound:
            ctx.budgeted = False
            return best, best_cost, bound
    try:
        # Subset moves grow while they find nothing (up to a limit) and shrink back when they do.
        first, most = tuning.subset_size, tuning.subset_size_max
        size = first if _subset_moves(ctx, best, rng, tuning.subset_moves_first, first) else min(first + 1, most)
        best_cost = _plan_cost(ctx, best)  # a stop inside leaves *best* valid and no dearer
        if not small:
            best, best_cost, bound, start, stopped = _generate(ctx, best, best_cost, bound)
            if stopped:
                raise _Stop  # the budget ran out inside: *best* is its best plan
        # The subgradient steps start from the linear relaxation's prices, when there are some.
        prices = [0] * len(ctx.residual) if start is None else [p * scale // master_scale for p in start]
        best_scaled = scale * bound
        while theta >= 1e-3 and best_cost > bound:
            spent, start_cost = ctx.work, best_cost
            value, grad = _lagrangian(ctx, prices, previous, scale)
            if value > best_scaled:
                best_scaled, stall = value, 0
                bound = max(bound, -(-value // scale))
            else:
                stall += 1
                if stall >= tuning.step_patience:
                    theta, stall = theta / 2, 0
            if best_cost <= bound:
                break
            plan = _greedy(ctx, _order(ctx, rng), prices, pooled=tuning.pooled_weeks)
            _repair(ctx, plan)
            cost = _plan_cost(ctx, plan)
            improved = cost < best_cost
            if improved:
                best, best_cost = plan, cost
            candidate = list(best)
            _lns(ctx, candidate, rng)  # a stop inside leaves *best* untouched
            candidate_cost = _plan_cost(ctx, candidate)
            if candidate_cost < best_cost:
                best, best_cost, improved = candidate, candidate_cost, True
            if improved:
                polished = list(best)
                _polish(ctx, polished)  # each move keeps the plan valid: a stop leaves it usable
                best, best_cost = polished, _plan_cost(ctx, polished)
            # Subset moves get a share of the work the rest of the round took (at least a few moves' worth).
            # It doubles (up to all of it) when they gained more per unit of work than the rest of the
            # round, and halves (down to an eighth) when they gained less.
            rest_gain, rest_work = start_cost - best_cost, ctx.work - spent
            before, spent = best_cost, ctx.work
            spend = max(int(share * rest_work), tuning.subset_work_min)
            better = _subset_moves(ctx, best, rng, tuning.subset_moves, size, spend)
            size = first if better else min(size + 1, most)
            best_cost = _plan_cost(ctx, best)
            gain, work = before - best_cost, ctx.work - spent
            if gain * rest_work > rest_gain * work:
                share = min(1.0, 2 * share)
            elif gain * rest_work < rest_gain * work:
                share = max(tuning.subset_share_min, share / 2)
            direction = [g + tuning.step_deflection * d for g, d in zip(grad, direction, strict=True)]
            prices = _step(prices, direction, value, scale * best_cost, theta, scale)
    except _Stop:
        best_cost = _plan_cost(ctx, best)
    ctx.budgeted = False
    return best, best_cost, bound


def admit(schedule: CohortSchedule, problem: CohortProblem, new_patient: CohortPatient) -> CohortSchedule:
    """Place *new_patient* into *schedule* without moving anyone (rolling admission).

    The result is the schedule of *problem* with *new_patient* added: everyone keeps
    their week, and the new patient gets their cheapest week in the seats left, or is
    listed as unscheduled with a reason. The bounds grow by the new patient's own
    bound (valid: any assignment of the larger cohort restricted to the old patients
    is one of the old cohort).
    """
    if not isinstance(schedule, CohortSchedule):
        raise f.fail("$.schedule", "expected a CohortSchedule", "type")
    if not isinstance(problem, CohortProblem):
        raise f.fail("$.problem", "expected a CohortProblem", "type")
    if not isinstance(new_patient, CohortPatient):
        raise f.fail("$.new_patient", "expected a CohortPatient", "type")
    if any(p.id == new_patient.id for p in problem.patients):
        raise f.fail("$.new_patient.id", "expected a patient not yet in the cohort, got a known id", "unique")
    position = {o.id: i for i, o in enumerate(problem.offerings)}
    left = [o.seats for o in problem.offerings]
    scheduled = {a.patient for a in schedule.assignments}
    for a in schedule.assignments:
        for s in a.sessions:
            left[position[s]] -= 1
    for e in problem.pinned:
        if e.patient not in scheduled:
            for s in e.offerings:
                left[position[s]] -= 1
    # The default unscheduled cost of the larger cohort, without building it (that is O(patients)).
    default = problem.default_unscheduled_cost + problem.most_expensive_week(new_patient)

    def unscheduled_cost(p: CohortPatient) -> int:
        if p.unscheduled_cost is not None:
            return p.unscheduled_cost
        return problem.unscheduled_cost if problem.unscheduled_cost is not None else default

    alone = CohortProblem(
        offerings=problem.offerings, patients=(new_patient,), unscheduled_cost=unscheduled_cost(new_patient)
    )
    ctx = _prepare(alone, 0, None, None)
    own_bound = _own(ctx)  # the new patient's bound alone in the program
    group = ctx.groups[0]
    found = None
    if group.own is not None:
        closed = frozenset(o for o in group.offering if left[o] <= 0)
        if any(group.offering[i] in closed for i in group.own):
            found = _price(ctx, group, None, closed)
        else:  # the best week alone fits the seats left: it is the best there too
            found = (group.own, ctx.tuning.price_scale * group.own_cost)
    if found is not None and _week_cost(group, found[0]) < group.unscheduled:
        placed = Assignment(
            patient=new_patient.id,
            sessions=tuple(group.cands.offerings[i].id for i in found[0]),
            cost=_week_cost(group, found[0]),
        )
        assignments = (*schedule.assignments, placed)
        unscheduled = schedule.unscheduled
        added = placed.cost
    else:
        assignments = schedule.assignments
        unscheduled = (*schedule.unscheduled, _reason(ctx, new_patient, group, left))
        added = group.unscheduled
    # The default unscheduled cost grows with the cohort: patients left out at the default pay the rise,
    # and those infeasible alone raise both bounds by it (they are left out in every schedule).
    raised = 0
    conflicts = 0
    renewed = []
    by_id = {p.id: p for p in problem.patients}
    for u in unscheduled[: len(schedule.unscheduled)]:
        now = unscheduled_cost(by_id[u.patient])
        raised += now - u.cost
        conflicts += (now - u.cost) if u.reason == "conflict" else 0
        renewed.append(attrs.evolve(u, cost=now))
    unscheduled = (*renewed, *unscheduled[len(schedule.unscheduled) :])
    cost = schedule.cost + added + raised
    lower = schedule.lower_bound + own_bound + conflicts
    return CohortSchedule(
        assignments=assignments,
        unscheduled=unscheduled,
        cost=cost,
        lower_bound=lower,
        capacity_free_bound=schedule.capacity_free_bound + own_bound + conflicts,
        optimal=lower == cost,
        backend=schedule.backend,
        work=schedule.work,
    )
