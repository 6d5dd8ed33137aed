"""What a run of the cohort solver works on: groups of identical patients, the context, plans.

Patients with the same profile, unscheduled cost and pins form one :class:`Group` (solved
once); a :class:`Context` holds the groups, the seats left after pinned enrollments, the
budget and the tuning. A :data:`Plan` gives each patient a week (candidate indices of their
group) or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import final

import attrs

from iopcore.schedule._check import violations
from iopcore.schedule._cohort import CohortProblem, _week_problem
from iopcore.schedule._cohort_solver.tuning import DEFAULT_TUNING, CohortTuning
from iopcore.schedule._model import WeekProblem
from iopcore.schedule._week_solver.candidates import Candidates, Limits, candidates, limits
from iopcore.schedule._week_solver.day_patterns import DayCache

__all__ = [
    "BudgetSpent",
    "Context",
    "Group",
    "Plan",
    "SplitMix64",
    "build_context",
    "free_seats",
    "groups_with_a_week",
    "placement_order",
    "plan_cost",
    "scheduled_count",
    "seat_holders",
    "take_seats",
    "waiting_patients",
    "week_cost",
    "within_seats",
]


class SplitMix64:
    """splitmix64: a tiny seeded deterministic generator (the core may not use :mod:`random`)."""

    def __init__(self, seed: int) -> None:
        self.state = seed & 0xFFFFFFFFFFFFFFFF

    def next(self) -> int:
        """The next 64-bit number."""
        self.state = (self.state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)


class BudgetSpent(Exception):
    """The effort or time budget ran out (internal)."""


@final
@attrs.define
class Group:
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
class Context:
    """One run of the solver (internal): the groups, the seats left, the budget and the tuning."""

    problem: CohortProblem
    groups: list[Group]
    of_patient: list[int]
    """Per patient, its group index."""
    residual: list[int]
    """Per offering, capacity left after pinned enrollments."""
    work_limit: int
    deadline: float | None
    clock: Callable[[], float] | None
    tuning: CohortTuning
    work: int = 0
    """Work units spent so far (single-patient searches)."""
    budgeted: bool = False
    """Whether the budget is enforced now (phases that must complete run unbudgeted)."""

    def spend(self) -> None:
        """Count one work unit; stop (raise :class:`BudgetSpent`) past the work limit or the deadline."""
        self.work += 1
        if not self.budgeted:
            return
        if self.work > self.work_limit:
            raise BudgetSpent
        self.tick()

    def tick(self) -> None:
        """Stop if the time budget ran out (work is only counted by :meth:`spend`)."""
        if self.budgeted and self.deadline is not None and self.clock is not None and self.clock() >= self.deadline:
            raise BudgetSpent


def build_context(
    problem: CohortProblem,
    work_limit: int,
    deadline: float | None,
    clock: Callable[[], float] | None,
    tuning: CohortTuning = DEFAULT_TUNING,
) -> Context:
    """The context of a run on *problem*: patients grouped by profile, unscheduled cost and pins."""
    position = {o.id: i for i, o in enumerate(problem.offerings)}
    residual = [o.seats for o in problem.offerings]
    for e in problem.pinned:
        for o in e.offerings:
            residual[position[o]] -= 1
    keyed: dict[object, int] = {}
    groups: list[Group] = []
    of_patient: list[int] = []
    pins = {e.patient: e.offerings for e in problem.pinned}
    for p_index, patient in enumerate(problem.patients):
        pinned = pins.get(patient.id, frozenset())
        u = problem._unscheduled_cost(patient)
        key = (patient.profile(), u, pinned)
        g = keyed.get(key)
        if g is None:
            g = len(groups)
            keyed[key] = g
            wp = _week_problem(patient, problem.offerings)
            cands = candidates(wp)
            offering = tuple(position[o.id] for o in cands.offerings)
            local = {o.id: i for i, o in enumerate(cands.offerings)}
            pin = frozenset(local[o] for o in pinned if o in local)
            groups.append(
                Group(
                    members=[],
                    problem=wp,
                    cands=cands,
                    lim=limits(wp),
                    offering=offering,
                    pinned=pin,
                    pinned_week=bool(pinned) and len(pin) == len(pinned) and not violations(wp, sorted(pinned)),
                    unscheduled=u,
                    day_cost=patient.day_cost,
                )
            )
            if len(pin) < len(pinned):  # a pinned session outside the patient's availability
                groups[g].memo[None] = {frozenset(): None}
        groups[g].members.append(p_index)
        of_patient.append(g)
    return Context(
        problem=problem,
        groups=groups,
        of_patient=of_patient,
        residual=residual,
        work_limit=work_limit,
        deadline=deadline,
        clock=clock,
        tuning=tuning,
    )


def week_cost(group: Group, chosen: Sequence[int]) -> int:
    """The true cost of a week of *group* (candidate indices): day cost per day attended plus session costs."""
    cost = group.cands.cost
    days = {group.cands.offerings[i].weekday for i in chosen}
    return group.day_cost * len(days) + sum(cost[i] for i in chosen)


Plan = list[tuple[int, ...] | None]  # per patient: candidate indices of its group, or None (unscheduled)


def scheduled_count(plan: Plan) -> int:
    """How many patients *plan* schedules."""
    return sum(1 for chosen in plan if chosen is not None)


def plan_cost(ctx: Context, plan: Plan) -> int:
    """The cohort cost of *plan*: each week's cost, or the unscheduled cost of each patient left out."""
    total = 0
    for p, chosen in enumerate(plan):
        group = ctx.groups[ctx.of_patient[p]]
        total += group.unscheduled if chosen is None else week_cost(group, chosen)
    return total


def within_seats(ctx: Context, plan: Plan) -> bool:
    """Whether *plan* keeps every offering within its seats."""
    return min(free_seats(ctx, plan), default=0) >= 0


def groups_with_a_week(ctx: Context) -> int:
    """How many groups have a week alone."""
    return sum(1 for group in ctx.groups if group.own is not None)


def free_seats(ctx: Context, plan: Plan) -> list[int]:
    """Seats left per offering under *plan*."""
    left = list(ctx.residual)
    for p, chosen in enumerate(plan):
        if chosen is not None:
            group = ctx.groups[ctx.of_patient[p]]
            for i in chosen:
                if i not in group.pinned:
                    left[group.offering[i]] -= 1
    return left


def take_seats(ctx: Context, p: int, chosen: tuple[int, ...], left: list[int], sign: int) -> None:
    """Patient *p* takes (*sign* 1) or gives back (*sign* -1) the non-pinned seats of week *chosen* in *left*."""
    group = ctx.groups[ctx.of_patient[p]]
    for i in chosen:
        if i not in group.pinned:
            left[group.offering[i]] -= sign


def waiting_patients(ctx: Context, plan: Plan) -> list[int]:
    """The patients *plan* leaves out who have a week alone (those who could be placed)."""
    return [p for p, chosen in enumerate(plan) if chosen is None and ctx.groups[ctx.of_patient[p]].own is not None]


def seat_holders(ctx: Context, plan: Plan, offerings: set[int]) -> list[int]:
    """The patients of *plan* holding a (non-pinned) seat on any of *offerings*."""
    out = []
    for p, chosen in enumerate(plan):
        if chosen is not None:
            group = ctx.groups[ctx.of_patient[p]]
            if any(group.offering[i] in offerings for i in chosen if i not in group.pinned):
                out.append(p)
    return out


def placement_order(ctx: Context, rng: SplitMix64 | None) -> list[int]:
    """Patients with the fewest usable offerings first, then by regret (unscheduled cost minus own cost).

    With *rng*, the counts are jittered so that each round tries another order.
    """

    def key(p: int) -> tuple[int, int, int]:
        group = ctx.groups[ctx.of_patient[p]]
        regret = group.unscheduled - group.own_cost if group.own is not None else 0
        jitter = 0 if rng is None else rng.next() % 16
        return (len(group.cands.offerings) + jitter, -regret, p)

    return sorted(range(len(ctx.of_patient)), key=key)
