"""What capacity planning works on: the cohort with everyone scheduled kept, and the cohorts a change makes.

The cohort is prepared once (:func:`prepare`): every patient the schedule places gets an
unscheduled cost above anything admitting others could save, so that no plan considered
ever drops one; every distinct patient's week alone is found. A change's context
(:func:`derive`) shares the prepared groups, with their searches; only the groups a change
concerns and that a move needs are rebuilt with the changed offering (:func:`rebuild`).
Plans cross contexts as offering ids per patient (:data:`Weeks`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import attrs

from iopcore.errors import ErrorItem, InvalidArgumentError
from iopcore.schedule._capacity import AddSeats, AddSession, CapacityChange, added_cost
from iopcore.schedule._check import violations
from iopcore.schedule._cohort import (
    CohortPatient,
    CohortProblem,
    CohortSchedule,
    _trusted_week_problem,
)
from iopcore.schedule._cohort_solver.bounds import capacity_free_optimum, solve_alone
from iopcore.schedule._cohort_solver.budget import Budget, BudgetSpent
from iopcore.schedule._cohort_solver.pricing import search_keeping_pins
from iopcore.schedule._cohort_solver.state import Context, Group, Plan, build_context, free_seats, week_cost
from iopcore.schedule._cohort_solver.tuning import CohortTuning
from iopcore.schedule._model import Offering, _offering_cost
from iopcore.schedule._week_solver.candidates import Candidates

__all__ = [
    "Cohort",
    "Own",
    "Result",
    "Target",
    "Weeks",
    "can_use",
    "derive",
    "enforce",
    "exact_applies",
    "extend_candidates",
    "feasible",
    "known_owns",
    "lexicographic",
    "plan_of",
    "prepare",
    "rebuild",
    "remember_owns",
    "result",
    "solve_alone_if_known",
    "solve_alone_with_hint",
    "target",
    "weeks_of",
    "within_time",
]

Weeks = list[tuple[str, ...] | None]
"""Per patient (in the contexts' canonical order, by id), the offering ids of their week, or ``None``."""

Own = tuple[tuple[str, ...] | None, int]
"""A week alone: its offering ids (``None``: no week) and its cost."""

Windows = dict[int, list[tuple[int, int]]]
"""A patient's availability as (start, end) minutes per weekday number."""


@attrs.define
class Cohort:
    """The prepared cohort (internal): the caller's problem, the context of the problem with everyone
    scheduled kept, the current plan of it, who waits, and every week alone found so far."""

    problem: CohortProblem
    ctx: Context
    plan: Plan
    """The schedule, then the re-plan without a change (every change starts from it)."""
    waiting: list[int]
    """Patients the schedule leaves out (indices in the canonical order, by id)."""
    pins: dict[str, frozenset[str]]
    owns: dict[tuple[object, frozenset[str]], dict[tuple[str, ...], Own]]
    """Per patient profile and pinned ids, per usable offering ids, the week alone."""
    true_cost: list[tuple[int, bool]]
    """Per patient, the unscheduled cost in the caller's problem and whether it is the default one."""
    windows: list[Windows]
    """Per group of ``ctx``, its patients' availability."""
    tuning: CohortTuning
    needs: dict[int, tuple[tuple[int, ...], tuple[int, ...]]] = attrs.field(factory=dict)
    """Per waiting group with a week alone: its week with the fewest full offerings after the re-plan, and those."""
    given: list[frozenset[str] | None] = attrs.field(factory=list)
    """Per patient, the offering ids of their week in the caller's schedule (checked when prepared)."""

    @property
    def prepared(self) -> bool:
        """Whether every group's week alone is known (the time limit may end the preparation first)."""
        return all(group.solved for group in self.ctx.groups)


@attrs.define
class Result:
    """A plan found for one change (internal): every patient's week by ids, how many it admits, its cost."""

    weeks: Weeks
    count: int
    cost: int
    """The plan's cost in the changed problem (the ranking's second key)."""
    proven: bool


def prepare(
    problem: CohortProblem,
    schedule: CohortSchedule,
    changes: Sequence[CapacityChange],
    budget: Budget,
    tuning: CohortTuning,
) -> Cohort:
    """The cohort with every scheduled patient kept, each distinct patient's week alone, the schedule as a plan.

    Refuses (at ``$.schedule``) a schedule whose weeks break their patients' rules, drop pinned
    sessions or overfill an offering: every plan found keeps those weeks. The weeks alone are searched
    within the budget's time limit (``prepared`` is false when it ends first).
    """
    weeks = {a.patient: a.sessions for a in schedule.assignments}
    out = [p for p in problem.patients if p.id not in weeks]
    # Dropping a kept patient saves at most their week and admits at most every waiting patient:
    # an unscheduled cost above both (with any change's dearer weeks) makes it never worth it.
    added = max((added_cost(problem, c) for c in changes), default=0)
    top = problem.default_unscheduled_cost + added
    kept_cost = 1 + top + sum(max(problem._unscheduled_cost(p), top) for p in out)
    forced = attrs.evolve(
        problem,
        patients=tuple(
            p if p.id not in weeks else attrs.evolve(p, unscheduled_cost=kept_cost) for p in problem.patients
        ),
    )
    enforce(budget, on=False)
    ctx = build_context(forced, budget, tuning)
    pins = {e.patient: e.offerings for e in problem.pinned}
    plan = plan_of(ctx, [weeks.get(p.id) for p in ctx.patients])
    if plan is None or not feasible(ctx, plan, pins, range(len(plan))):
        raise InvalidArgumentError(
            (
                ErrorItem(
                    path="$.schedule",
                    message="expected a feasible schedule of the problem, got one that breaks a patient's rules, "
                    "drops a pinned session or overfills an offering",
                    rule="infeasible",
                ),
            ),
            callable="suggest_capacity",
        )
    cohort = Cohort(
        problem=problem,
        ctx=ctx,
        plan=plan,
        waiting=[p for p, week in enumerate(plan) if week is None],
        pins=pins,
        owns={},
        true_cost=[
            (problem._unscheduled_cost(p), p.unscheduled_cost is None and problem.unscheduled_cost is None)
            for p in (problem.patients[i] for i in ctx.index)
        ],
        windows=[_windows_of(g.patient) for g in ctx.groups],
        tuning=tuning,
        given=[None if p.id not in weeks else frozenset(weeks[p.id]) for p in ctx.patients],
    )
    # Every distinct patient's week alone, within the time limit (not the work limit: that is the
    # improvement's); a stop here leaves the cohort unprepared, and no change is evaluated.
    within_time(budget, lambda: capacity_free_optimum(ctx))
    remember_owns(cohort, ctx, [group for group in ctx.groups if group.solved])
    return cohort


def _windows_of(patient: CohortPatient) -> Windows:
    out: Windows = {}
    for w in patient.availability.windows:
        out.setdefault(w.weekday.value, []).append((w.start.minute_of_day, w.end.minute_of_day))
    return out


def _usable(windows: Windows, offering: Offering) -> bool:
    """Whether a patient with *windows* can use *offering* (it has a seat and lies inside a window), as
    the single-patient search's candidates decide."""
    s, e = offering.start.minute_of_day, offering.end.minute_of_day
    return offering.seats > 0 and any(a <= s and e <= b for a, b in windows.get(offering.weekday.value, ()))


def _local(group: Group) -> dict[str, int]:
    return {o.id: i for i, o in enumerate(group.cands.offerings)}


def plan_of(ctx: Context, weeks: Weeks) -> Plan | None:
    """*weeks* (offering ids per patient) as candidate indices of *ctx*'s groups (``None``: a week names
    an offering its patient cannot use, or one twice)."""
    locals_: dict[int, dict[str, int]] = {}
    plan: Plan = []
    for p, week in enumerate(weeks):
        if week is None:
            plan.append(None)
            continue
        g = ctx.of_patient[p]
        local = locals_.get(g)
        if local is None:
            local = locals_[g] = _local(ctx.groups[g])
        if any(s not in local for s in week) or len(set(week)) != len(week):
            return None
        plan.append(tuple(sorted(local[s] for s in week)))
    return plan


def weeks_of(ctx: Context, plan: Plan) -> Weeks:
    """*plan* as offering ids per patient."""
    out: Weeks = []
    for p, chosen in enumerate(plan):
        group = ctx.groups[ctx.of_patient[p]]
        out.append(None if chosen is None else tuple(group.cands.offerings[i].id for i in chosen))
    return out


def feasible(ctx: Context, plan: Plan, pins: dict[str, frozenset[str]], patients: Iterable[int]) -> bool:
    """Whether *plan* keeps within the seats and the weeks of *patients* meet their rules and keep their pins
    (by the single-patient checker, not by the solver's own reasoning)."""
    if min(free_seats(ctx, plan), default=0) < 0:
        return False
    for p in patients:
        chosen = plan[p]
        if chosen is None:
            continue
        group = ctx.groups[ctx.of_patient[p]]
        ids = [group.cands.offerings[i].id for i in chosen]
        wp = group.week_problem(ctx.offerings)
        if violations(wp, ids) or not pins.get(ctx.patients[p].id, frozenset()) <= set(ids):
            return False
    return True


def known_owns(cohort: Cohort, ctx: Context, group: Group) -> dict[tuple[str, ...], Own]:
    """The weeks alone found so far for *group*'s patients, per usable offering ids."""
    return cohort.owns.setdefault((group.patient.profile(), group.pinned_ids), {})


def remember_owns(cohort: Cohort, ctx: Context, groups: Iterable[Group] | None = None) -> None:
    """Keep the weeks alone of *groups* (default: all of *ctx*'s, each solved) for later contexts."""
    for group in ctx.groups if groups is None else groups:
        week = None if group.own is None else tuple(group.cands.offerings[i].id for i in group.own)
        known_owns(cohort, ctx, group)[tuple(o.id for o in group.cands.offerings)] = (week, group.own_cost)


def solve_alone_with_hint(cohort: Cohort, ctx: Context, group: Group) -> None:
    """*group*'s week alone in a changed problem: known already, or, when a week alone found with fewer
    usable offerings is usable here, only a cheaper one is searched for (bounded by its cost)."""
    if not solve_alone_if_known(cohort, ctx, group):
        known = known_owns(cohort, ctx, group)
        usable = tuple(o.id for o in group.cands.offerings)
        local = _local(group)
        ids = set(usable)
        hint = next((own for key, own in known.items() if own[0] is not None and ids.issuperset(key)), None)
        if hint is None or hint[0] is None:
            solve_alone(ctx, group)
        else:
            better = search_keeping_pins(ctx, group, group.cands.cost, group.day_cost, limit=hint[1])
            week = better[0] if better is not None else tuple(sorted(local[s] for s in hint[0]))
            _set_own(group, week, week_cost(group, week))
        remember_owns(cohort, ctx, [group])


def solve_alone_if_known(cohort: Cohort, ctx: Context, group: Group) -> bool:
    """*group* solved from the weeks alone found so far, when its usable offerings were seen before
    (no search); returns whether it was."""
    found = known_owns(cohort, ctx, group).get(tuple(o.id for o in group.cands.offerings))
    if found is None:
        return False
    if found[0] is not None:
        local = _local(group)
        _set_own(group, tuple(sorted(local[s] for s in found[0])), found[1])
    group.solved = True
    return True


def _set_own(group: Group, week: tuple[int, ...], cost: int) -> None:
    """*group* solved, with *week* (costing *cost*) its week alone, as a search would leave it (in its pool)."""
    group.own, group.own_cost, group.solved = week, cost, True
    group.cheapest.append(week)
    group.pool.setdefault(week, cost)


def exact_applies(ctx: Context) -> bool:
    """Whether the exact small-cohort search applies: every group with a week alone has at most
    ``exact_max_offerings`` usable offerings."""
    most = ctx.tuning.exact_max_offerings
    return most >= 0 and all(len(g.cands.offerings) <= most for g in ctx.groups if g.own is not None)


def lexicographic(ctx: Context) -> Context:
    """*ctx* with costs scaled so that its least cost is the least true cost, then the most patients scheduled:
    every cost times *n* + 1 (*n* patients), and leaving a patient out one unit more."""
    scale = len(ctx.of_patient) + 1
    groups = [
        attrs.evolve(
            g,
            cands=g.cands._replace(cost=tuple(scale * c for c in g.cands.cost)),
            day_cost=scale * g.day_cost,
            unscheduled=scale * g.unscheduled + 1,
            weeks=None,
            memo={},
            pool={},
            cheapest=[],
            days={},
        )
        for g in ctx.groups
    ]
    return attrs.evolve(ctx, groups=groups)


def result(cohort: Cohort, ctx: Context, plan: Plan, proven: bool, added: int) -> Result:
    """*plan* found in *ctx*, with its cost in the changed problem: the weeks' costs, and the caller's
    unscheduled cost of each patient left out (the default one raised by *added*, see :func:`added_cost`)."""
    cost = 0
    for p, chosen in enumerate(plan):
        if chosen is None:
            u, default = cohort.true_cost[p]
            cost += u + (added if default else 0)
        else:
            cost += week_cost(ctx.groups[ctx.of_patient[p]], chosen)
    return Result(
        weeks=weeks_of(ctx, plan),
        count=sum(1 for p in cohort.waiting if plan[p] is not None),
        cost=cost,
        proven=proven,
    )


@attrs.frozen
class Target:
    """The offering a change concerns (internal)."""

    offering: Offering
    """The changed offering (with its new seats)."""
    position: int
    """Its index among the changed problem's offerings (a new session comes last)."""
    rebuild: bool
    """Whether the groups that can use it must be rebuilt to see it (a new session, or a closed one
    opened); otherwise only its seats change."""
    offerings: tuple[Offering, ...]
    """The offerings of the changed problem."""
    seats: int
    """Seats the change adds."""
    added: int
    """How much the change raises the default unscheduled cost (:func:`added_cost`)."""


T = TypeVar("T")


def within_time(budget: Budget, phase: Callable[[], T]) -> T | None:
    """*phase*'s answer, run under *budget*'s time limit alone (not its work limit); ``None`` when the
    time ran out first (what the phase did by then stays)."""
    budget.limited, budget.deadline = False, budget.end
    try:
        return phase()
    except BudgetSpent:
        return None
    finally:
        enforce(budget, on=False)


def enforce(budget: Budget, *, on: bool) -> None:
    """Enforce *budget*'s work limit and deadline from now on, or stop enforcing them (the phases the
    work limit never cuts: preparing, the re-plan of a small cohort, finishing the suggestions; the
    time limit cuts parts of them through :func:`within_time`)."""
    budget.limited = on
    budget.deadline = budget.end if on else None
    if not on:
        budget.stopped = None


def target(cohort: Cohort, change: CapacityChange) -> Target:
    """What *change* changes in the prepared cohort."""
    offerings = cohort.ctx.offerings
    added = added_cost(cohort.problem, change)
    if isinstance(change, AddSession):
        o = change.offering
        return Target(o, len(offerings), True, (*offerings, o), o.seats, added)
    assert isinstance(change, AddSeats)
    position = cohort.ctx.position[change.offering]
    before = offerings[position]
    after = attrs.evolve(before, seats=before.seats + change.seats)
    changed = (*offerings[:position], after, *offerings[position + 1 :])
    return Target(after, position, before.seats <= 0, changed, change.seats, added)


def can_use(cohort: Cohort, where: Target, g: int) -> bool:
    """Whether the patients of group *g* of the prepared cohort can use the changed offering."""
    if where.rebuild:
        return _usable(cohort.windows[g], where.offering)
    return where.position in cohort.ctx.groups[g].offering


def derive(cohort: Cohort, where: Target) -> Context:
    """The context of the cohort with the change made, sharing every group of the prepared one (none sees a
    new or opened offering until :func:`rebuild`); it continues the prepared context's budget, enforced."""
    base = cohort.ctx
    residual = list(base.residual)
    position = base.position
    if where.position == len(residual):
        residual.append(where.seats)
        position = {**position, where.offering.id: where.position}
    else:
        residual[where.position] += where.seats
    enforce(base.budget, on=True)
    return attrs.evolve(base, offerings=where.offerings, position=position, groups=list(base.groups), residual=residual)


def rebuild(cohort: Cohort, ctx: Context, where: Target, groups: Iterable[int]) -> None:
    """Rebuild the *groups* of *ctx* that can use the changed offering so that they see it.

    The changed offering becomes the group's last candidate, so the indices of the others, the
    plan's weeks and the group's day patterns of the other days stay valid. A rebuilt group keeps the
    week alone known before (still feasible, maybe no longer the cheapest, so never taken as a
    shortcut), and its week problem (without the changed offering: only the searches see it); a group
    with no week alone before is searched again (one search).
    Groups not rebuilt do not see the change: their weeks stay valid.
    """
    for g in sorted(set(groups)):
        old = ctx.groups[g]
        if old is not cohort.ctx.groups[g] or not _usable(cohort.windows[g], where.offering):
            continue
        wp = old.week_problem(cohort.ctx.offerings)
        cost = _offering_cost(wp, where.offering)
        day = where.offering.weekday.value - 1
        new = Group(
            members=old.members,
            patient=old.patient,
            pinned_ids=old.pinned_ids,
            usable=old.usable + 1,
            usable_at=(*old.usable_at, where.position),
            problem=wp,
            prepared=True,
            solved=old.own is not None,
            cands=(cands := extend_candidates(old.cands, where.offering, cost)),
            usable_problem=_trusted_week_problem(old.patient, cands.offerings),
            lim=old.lim,
            offering=(*old.offering, where.position),
            pinned=old.pinned,
            pinned_week=old.pinned_week,
            unscheduled=old.unscheduled,
            day_cost=old.day_cost,
            own=old.own,
            own_cost=old.own_cost,
            # A day's patterns are cached by its candidates' costs, not by which candidates they are: those
            # of the changed offering's day would be another change's, so only the other days are kept.
            days={key: pats for key, pats in old.days.items() if key[0] != day},
            pool={} if old.own is None else {old.own: old.own_cost},
        )
        if len(old.pinned) < len(old.pinned_ids):
            new.memo[None] = {frozenset(): None}  # a pinned session outside the availability: no week
        ctx.groups[g] = new
        if new.own is None:  # a waiting patient with no week alone before: the change may give them one
            solve_alone(ctx, new)
            remember_owns(cohort, ctx, [new])


def extend_candidates(cands: Candidates, offering: Offering, cost: int) -> Candidates:
    """*cands* with *offering* (costing *cost*) as the last candidate, as :func:`candidates` would list it
    for a problem whose offerings end with it."""
    i = len(cands.offerings)
    s, e = offering.start.minute_of_day, offering.end.minute_of_day
    start, end = (*cands.start, s), (*cands.end, e)
    offerings = (*cands.offerings, offering)
    d = offering.weekday.value - 1
    day = sorted((*cands.by_day[d], i), key=lambda j: (start[j], end[j], offerings[j].id))
    bounded = cands.bounded
    return Candidates(
        offerings=offerings,
        start=start,
        end=end,
        by_day=(*cands.by_day[:d], tuple(day), *cands.by_day[d + 1 :]),
        component=(*cands.component, bounded.index(offering.component) if offering.component in bounded else -1),
        bounded=bounded,
        cost=(*cands.cost, cost),
        ident=(*cands.ident, (s, e, offering.id)),
    )
