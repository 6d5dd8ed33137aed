"""What a run of the cohort solver works on: groups of identical patients, the context, plans.

Patients with the same profile, unscheduled cost and pins form one :class:`Group` (solved
once); a :class:`Context` holds the cohort in a canonical order (offerings and patients by
id), the groups, the seats left after pinned enrollments, the budget and the tuning. A :data:`Plan` gives each patient a week (candidate indices of their
group) or ``None``.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import final

import attrs

from iopcore.schedule._check import violations
from iopcore.schedule._cohort import CohortPatient, CohortProblem, _trusted_week_problem
from iopcore.schedule._cohort_solver.budget import Budget
from iopcore.schedule._cohort_solver.tuning import DEFAULT_TUNING, CohortTuning
from iopcore.schedule._model import Offering, WeekProblem
from iopcore.schedule._week_solver.candidates import Candidates, Limits, candidates, limits
from iopcore.schedule._week_solver.day_patterns import DayCache

__all__ = [
    "Context",
    "Group",
    "Incumbent",
    "Plan",
    "SplitMix64",
    "build_context",
    "free_seats",
    "groups_with_a_week",
    "placement_order",
    "plan_cost",
    "prepare",
    "prepare_groups",
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


# What a group holds before it is prepared: no candidates, so no week (it is never searched).
NO_CANDIDATES = Candidates(
    offerings=(), start=(), end=(), by_day=((),) * 7, component=(), bounded=(), cost=(), ident=()
)
NO_LIMITS = Limits(
    minutes_min=0, minutes_max=None, days_min=0, days_max=7, day_min=None, day_max=None, gap=0, comp_min=(), comp_max=()
)


@final
@attrs.define
class Group:
    """Patients with the same profile, unscheduled cost and pinned sessions (internal).

    A group is made cheaply (its members, costs and patient) and *prepared* later
    (:func:`prepare`: its candidates, limits and pins), inside the budget; it is *solved* once
    its week alone is known (``own``) or proven not to exist. A group that is not solved has
    no candidates: it is never searched, and its patients are left out with no reason computed.
    """

    members: list[int]
    patient: CohortPatient
    """The first member (every member has the same profile)."""
    pinned_ids: frozenset[str]
    unscheduled: int
    day_cost: int
    usable: int
    """How many offerings with a seat lie inside the patient's availability (its candidates, once prepared)."""
    usable_at: tuple[int, ...]
    """Those offerings' indices in the context's offerings, in order (its candidates' offerings, once prepared)."""
    cands: Candidates = NO_CANDIDATES
    lim: Limits = NO_LIMITS
    offering: tuple[int, ...] = ()
    """Per candidate, the index of its offering in the context's offerings."""
    pinned: frozenset[int] = frozenset()
    """Candidate indices the group's patients keep."""
    pinned_week: bool = False
    """Whether the pinned sessions alone are a feasible week: then, costs being non-negative,
    they are the group's best week at any prices (a superset only adds costs)."""
    prepared: bool = False
    solved: bool = False
    """Whether ``own`` is known: the cheapest week alone, or ``None`` when none exists."""
    own: tuple[int, ...] | None = None
    """The cheapest week alone (candidate indices) or ``None`` if infeasible alone (or not solved)."""
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
    usable_problem: WeekProblem | None = None
    """The group's single-patient problem over its candidates' offerings alone (once prepared): it
    judges a week of candidates as the whole problem does, and checks it faster."""
    _problem: WeekProblem | None = None

    def week_problem(self, offerings: tuple[Offering, ...]) -> WeekProblem:
        """The group's single-patient problem over *offerings*, the context's (made once, without
        re-validating: the cohort problem validated it)."""
        if self._problem is None:
            self._problem = _trusted_week_problem(self.patient, offerings)
        return self._problem

    @property
    def feasible(self) -> bool:
        """Whether the group is solved and has a week alone."""
        return self.own is not None

    @property
    def infeasible(self) -> bool:
        """Whether the group is solved and has no week alone (with its pins)."""
        return self.solved and self.own is None


@final
@attrs.define
class Context:
    """One run of the solver (internal): the cohort in a canonical order, its groups, the seats left,
    the budget and the tuning.

    Offerings are sorted by id and patients by id, whatever order the problem gives them in:
    the answer does not depend on that order. Indices of patients and offerings are in the
    canonical order; ``index`` maps a patient back to its place in the problem.
    """

    problem: CohortProblem
    offerings: tuple[Offering, ...]
    position: dict[str, int]
    """Per offering id, its index in ``offerings``."""
    patients: tuple[CohortPatient, ...]
    index: list[int]
    """Per patient (canonical), its index in ``problem.patients``."""
    groups: list[Group]
    of_patient: list[int]
    """Per patient, its group index."""
    residual: list[int]
    """Per offering, capacity left after pinned enrollments."""
    budget: Budget
    tuning: CohortTuning
    lp_solver: str = "python"
    """The master problem's LP solver: ``"python"`` or ``"highs"`` (see :mod:`.master`)."""

    @property
    def work(self) -> int:
        """Work units spent so far (single-patient searches)."""
        return self.budget.work

    def spend(self, priced: bool = False) -> None:
        """Count one work unit; stop (raise :class:`BudgetSpent`) past the budget (see :meth:`Budget.spend`)."""
        self.budget.spend(priced)

    def tick(self) -> None:
        """Stop if the time budget ran out or a stop was asked for (work is only counted by :meth:`spend`)."""
        self.budget.tick()


def build_context(
    problem: CohortProblem,
    budget: Budget | None = None,
    tuning: CohortTuning = DEFAULT_TUNING,
    *,
    prepare_all: bool = True,
    lp_solver: str = "python",
) -> Context:
    """The context of a run on *problem*: patients grouped by profile, unscheduled cost and pins.

    With *prepare_all* every group is prepared at once (with no time limit); otherwise
    :func:`prepare_groups` does it inside the budget. *lp_solver* is column generation's
    (``"python"`` or ``"highs"``).
    """
    offerings = tuple(sorted(problem.offerings, key=lambda o: o.id))
    position = {o.id: i for i, o in enumerate(offerings)}
    residual = [o.seats for o in offerings]
    for e in problem.pinned:
        for oid in e.offerings:
            residual[position[oid]] -= 1
    index = sorted(range(len(problem.patients)), key=lambda i: problem.patients[i].id)
    patients = tuple(problem.patients[i] for i in index)
    keyed: dict[object, int] = {}
    groups: list[Group] = []
    of_patient: list[int] = []
    pins = {e.patient: e.offerings for e in problem.pinned}
    by_day: dict[int, list[tuple[int, int, int]]] = {}
    for i, o in enumerate(offerings):
        if o.seats > 0:
            by_day.setdefault(o.weekday.value, []).append((o.start.minute_of_day, o.end.minute_of_day, i))
    for day in by_day.values():
        day.sort()
    for p_index, patient in enumerate(patients):
        pinned = pins.get(patient.id, frozenset())
        u = problem._unscheduled_cost(patient)
        key = (patient.profile(), u, pinned)
        g = keyed.get(key)
        if g is None:
            g = len(groups)
            keyed[key] = g
            usable = _usable_offerings(patient, by_day)
            groups.append(
                Group(
                    members=[],
                    patient=patient,
                    pinned_ids=pinned,
                    unscheduled=u,
                    day_cost=patient.day_cost,
                    usable=len(usable),
                    usable_at=usable,
                )
            )
        groups[g].members.append(p_index)
        of_patient.append(g)
    ctx = Context(
        problem=problem,
        offerings=offerings,
        position=position,
        patients=patients,
        index=index,
        groups=groups,
        of_patient=of_patient,
        residual=residual,
        budget=Budget(work_limit=0) if budget is None else budget,
        tuning=tuning,
        lp_solver=lp_solver,
    )
    if prepare_all:
        for group in groups:
            prepare(ctx, group)
    return ctx


def _usable_offerings(patient: CohortPatient, by_day: dict[int, list[tuple[int, int, int]]]) -> tuple[int, ...]:
    """The offerings with a seat (per weekday: start and end minutes and index, by start) that lie
    inside one of the patient's windows, by index: the offerings of the candidates :func:`candidates`
    gives, found without scanning every offering."""
    found: set[int] = set()
    for w in patient.availability.windows:
        a, b = w.start.minute_of_day, w.end.minute_of_day
        day = by_day.get(w.weekday.value, ())
        for j in range(bisect.bisect_left(day, (a, -1, -1)), len(day)):
            s, e, i = day[j]
            if s >= b:
                break
            if e <= b:
                found.add(i)
    return tuple(sorted(found))


def prepare(ctx: Context, group: Group) -> None:
    """Fill in *group*'s candidates, limits and pins (its single-patient problem over the offerings)."""
    if group.prepared:
        return
    # The problem over the usable offerings alone: the same candidates, in the same order, as over all.
    usable = group.usable_at
    wp = _trusted_week_problem(group.patient, tuple(ctx.offerings[i] for i in usable))
    cands = candidates(wp)
    assert len(cands.offerings) == len(usable)
    group.usable_problem = wp
    pinned = group.pinned_ids
    pin: frozenset[int] = frozenset()
    if pinned:
        local = {o.id: i for i, o in enumerate(cands.offerings)}
        pin = frozenset(local[o] for o in pinned if o in local)
    group.cands = cands
    group.lim = limits(wp)
    group.offering = usable
    group.pinned = pin
    # (Checked over the usable offerings: every pinned one is among them.)
    group.pinned_week = bool(pinned) and len(pin) == len(pinned) and not violations(wp, sorted(pinned))
    if len(pin) < len(pinned):  # a pinned session outside the patient's availability
        group.memo[None] = {frozenset(): None}
    group.prepared = True


def prepare_groups(ctx: Context) -> None:
    """Prepare every group, in order, checking the time before each (a stop leaves the rest unprepared)."""
    for group in ctx.groups:
        if not group.prepared:
            ctx.tick()
            prepare(ctx, group)


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


@final
@attrs.define
class Incumbent:
    """What a run holds at every moment (internal): the plan being improved, the first pass's plan
    (the fallback: the answer never costs more) and the best proven bound; the budget hears of both."""

    ctx: Context
    best: Plan = attrs.field(init=False)
    best_cost: int = attrs.field(init=False)
    first: Plan | None = None
    first_cost: int = 0
    bound: int = 0
    free: int = 0
    """The capacity-free bound (of the groups solved)."""

    def __attrs_post_init__(self) -> None:
        self.best = [None] * len(self.ctx.of_patient)
        self.best_cost = plan_cost(self.ctx, self.best)
        self.ctx.budget.found(self.best_cost, 0)

    def keep(self, plan: Plan, cost: int | None = None) -> None:
        """Make *plan* (valid) the plan being improved."""
        self.best = plan
        self.best_cost = plan_cost(self.ctx, plan) if cost is None else cost
        self.ctx.budget.found(self.best_cost, scheduled_count(plan))

    def offer(self, plan: Plan) -> bool:
        """Keep *plan* (valid) if it is cheaper than the plan being improved; whether it was."""
        cost = plan_cost(self.ctx, plan)
        if cost < self.best_cost:
            self.keep(plan, cost)
            return True
        return False

    def bounded(self, bound: int) -> None:
        """A proven lower bound."""
        if bound > self.bound:
            self.bound = bound
            self.ctx.budget.bounded(bound)

    @property
    def proven(self) -> bool:
        """Whether the plan's cost meets the bound."""
        return self.best_cost <= self.bound

    def settle(self) -> None:
        """The plan's cost again (moves change it in place), and the first pass's plan if cheaper."""
        self.best_cost = plan_cost(self.ctx, self.best)
        if self.first is not None and self.first_cost < self.best_cost:
            self.best, self.best_cost = self.first, self.first_cost
        self.ctx.budget.found(self.best_cost, scheduled_count(self.best))


def placement_order(ctx: Context, rng: SplitMix64 | None) -> list[int]:
    """Patients with the fewest usable offerings first, then by regret (unscheduled cost minus own cost).

    With *rng*, the counts are jittered so that each round tries another order.
    """

    def key(p: int) -> tuple[int, int, int]:
        group = ctx.groups[ctx.of_patient[p]]
        regret = group.unscheduled - group.own_cost if group.own is not None else 0
        jitter = 0 if rng is None else rng.next() % 16
        return (group.usable + jitter, -regret, p)

    return sorted(range(len(ctx.of_patient)), key=key)
