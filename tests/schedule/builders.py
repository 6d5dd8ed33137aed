"""Shared builders and oracles of the schedule tests: problems, offerings, tunings and exhaustive searches.

The oracles (:func:`exhaustive`, :func:`patient_weeks`, :func:`brute_force`) are written from the
definitions with :func:`~iopcore.schedule.check` and share no code with the solvers.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import attrs
import pytest

from iopcore.errors import InfeasibleScheduleError
from iopcore.schedule import (
    DEFAULT_TUNING,
    CohortPatient,
    CohortProblem,
    CohortTuning,
    ComponentBound,
    Offering,
    WeekProblem,
    WeekRules,
    check,
    solve,
    solve_cohort,
)
from iopcore.schedule._cohort_solver.bounds import capacity_free_optimum
from iopcore.schedule._cohort_solver.state import Context, build_context
from iopcore.times import ClockTime, Weekday, WeeklyAvailability


def patient_weeks(problem: CohortProblem, patient: CohortPatient) -> list[tuple[int, frozenset[str]]]:
    """Every feasible week of *patient* alone keeping their pinned sessions, by brute force over subsets."""
    wp = patient.week_problem(problem.offerings)
    keep = problem.pinned_for(patient.id)
    ids = [o.id for o in problem.offerings if o.seats > 0]
    out = []
    for r in range(len(ids) + 1):
        for subset in itertools.combinations(ids, r):
            if keep <= set(subset) and not check(wp, subset):
                out.append((wp.schedule_cost(subset), frozenset(subset)))
    return sorted(out, key=lambda w: (w[0], sorted(w[1])))


def brute_force(problem: CohortProblem) -> int:
    """The least cohort cost by exhaustive search over every patient's weeks (or leaving them out)."""
    options = []
    for p in problem.patients:
        u = problem.unscheduled_cost_for(p.id)
        keep = problem.pinned_for(p.id)
        options.append([(u, frozenset[str]())] + [(c, w - keep) for c, w in patient_weeks(problem, p) if c < u])
    free = {o.id: o.seats for o in problem.offerings}
    for e in problem.pinned:
        for o in e.offerings:
            free[o] -= 1
    best = sum(opts[0][0] for opts in options)
    for combo in itertools.product(*options):
        cost = sum(c for c, _ in combo)
        if cost >= best:
            continue
        used: dict[str, int] = {}
        for _, w in combo:
            for o in w:
                used[o] = used.get(o, 0) + 1
        if all(used[o] <= free[o] for o in used):
            best = cost
    return best


HEURISTIC = CohortTuning(exact_max_offerings=-1)
"""No exact small-cohort search, so the greedy, repair and Lagrangian steps run."""


NO_COLUMNS = attrs.evolve(HEURISTIC, columns_first_groups=0, columns_max_groups=0)
"""As :data:`HEURISTIC`, and every cohort treated as large: no column generation, so the calmer second pass,
the repair of the start and the subgradient steps from zero prices run (as on cohorts of more than 128 groups)."""


def hm(text: str) -> ClockTime:
    """``"9:30"`` as a clock time."""
    h, m = text.split(":")
    return ClockTime(int(h), int(m))


def offering(
    oid: str,
    day: Weekday,
    start: str,
    end: str,
    seats: int = 1,
    component: str = "group_therapy",
    track: str | None = None,
) -> Offering:
    """An offering from ``"HH:MM"`` times (a group session with one seat unless told otherwise)."""
    return Offering(id=oid, component=component, weekday=day, start=hm(start), end=hm(end), seats=seats, track=track)


MON, TUE, WED = Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY
ONE_SESSION = WeekRules(hours_min=1, components={"group_therapy": ComponentBound(min=1, max=1)})
"""One group session a week, at least an hour."""


def small_cohort() -> CohortProblem:
    """Two patients who both want the single seat of ``a``; ``b`` is a dearer alternative for one of them."""
    offs = (offering("a", MON, "09:00", "10:00"), offering("b", TUE, "09:00", "10:00"))
    return CohortProblem(
        offerings=offs,
        patients=(
            CohortPatient(id="ann", rules=ONE_SESSION, offering_costs={"b": 5}),
            CohortPatient(
                id="bob", rules=ONE_SESSION, availability=WeeklyAvailability.daily("08:00", "12:00", days=[MON])
            ),
        ),
    )


def contended(n: int) -> CohortProblem:
    """*n* patients, each wanting two group sessions out of offerings with one or two seats."""
    offs = tuple(
        offering(f"g{d.value}{s}", d, f"{9 + 2 * s}:00", f"{10 + 2 * s}:00", seats=1 + (s + d.value) % 2)
        for d in (MON, TUE, WED)
        for s in range(3)
    )
    rules = WeekRules(days_min=2, components={"group_therapy": ComponentBound(min=2, max=2)})
    patients = tuple(
        CohortPatient(id=f"p{i}", rules=rules, day_cost=i % 3, offering_costs={offs[i % 9].id: 7}) for i in range(n)
    )
    return CohortProblem(offerings=offs, patients=patients)


def crowded(n: int, shift: int) -> CohortProblem:
    """*n* patients wanting two of nine group sessions with one to three seats, costs and seats varied by *shift*."""
    offs = tuple(
        offering(
            f"g{d.value}{s}", d, f"{9 + 2 * s}:00", f"{10 + 2 * s}:00", seats=1 + (7 * s + 3 * d.value + shift) % 3
        )
        for d in (MON, TUE, WED)
        for s in range(3)
    )
    rules = WeekRules(days_min=2, components={"group_therapy": ComponentBound(min=2, max=2)})
    patients = tuple(
        CohortPatient(
            id=f"p{i}",
            rules=rules,
            day_cost=(i * shift) % 4,
            offering_costs={offs[(5 * i + shift) % 9].id: 7, offs[(i + shift) % 9].id: 3},
        )
        for i in range(n)
    )
    return CohortProblem(offerings=offs, patients=patients)


def prepared(problem: CohortProblem, tuning: CohortTuning = DEFAULT_TUNING) -> Context:
    """A solver context for *problem* with every group's week alone found (no budget)."""
    ctx = build_context(problem, None, tuning)
    capacity_free_optimum(ctx)
    return ctx


def proven_optimum(problem: CohortProblem) -> int:
    """The optimum, as column generation proves it on the crowded cohorts (its bound is checked against
    exhaustive search on small cohorts in the tests)."""
    schedule = solve_cohort(problem, tuning=HEURISTIC)
    assert schedule.optimal
    return schedule.cost


Key = tuple[int, int, tuple[tuple[tuple[int, int, str], ...], ...]]


def tie_key(problem: WeekProblem, ids: Iterable[str]) -> Key:
    """The documented tie-break key: sessions, minutes, then per weekday from Monday, sorted (start, end, id)."""
    chosen = [problem.offering(i) for i in ids]
    return len(chosen), sum(o.duration.value for o in chosen), tuple(
        tuple(sorted((o.start.minute_of_day, o.end.minute_of_day, o.id) for o in chosen if o.weekday == d))
        for d in Weekday
    )  # fmt: skip


def exhaustive(problem: WeekProblem) -> list[tuple[int, Key, tuple[str, ...]]]:
    """Every feasible subset by brute force over the seated, available offerings, best first."""
    base = [o.id for o in problem.offerings if o.seats > 0 and o.interval in problem.availability]
    found = []
    for r in range(len(base) + 1):
        for subset in itertools.combinations(base, r):
            if not check(problem, subset):
                found.append((problem.schedule_cost(subset), tie_key(problem, subset), tuple(sorted(subset))))
    found.sort()
    return found


def relax(problem: WeekProblem, groups: Iterable[str]) -> WeekProblem:
    """The problem with *groups* relaxed, built directly from the documented vocabulary."""
    r = problem.rules
    changes: dict[str, object] = {}
    bounds = dict(r.components)
    for g in groups:
        if g == "hours_min":
            changes["hours_min"] = 0.0
        elif g == "hours_max":
            changes["hours_max"] = None
        elif g == "days_min":
            changes["days_min"] = 0
        elif g == "days_max":
            changes["days_max"] = 7
        elif g == "max_hours_per_day":
            changes["max_hours_per_day"] = None
        elif g == "min_hours_per_day":
            changes["min_hours_per_day"] = None
        elif g == "min_gap":
            changes["min_gap_minutes"] = 0
        elif g.startswith("component:"):
            _, cid, side = g.split(":")
            b = bounds[cid]
            bounds[cid] = ComponentBound(min=0, max=b.max) if side == "min" else ComponentBound(min=b.min, max=None)
        else:
            assert g == "availability"
    changes["components"] = bounds
    rules = attrs.evolve(r, **changes)  # type: ignore[arg-type]
    availability = WeeklyAvailability.whole_week() if "availability" in groups else problem.availability
    return attrs.evolve(problem, rules=rules, availability=availability)


def all_groups(problem: WeekProblem) -> list[str]:
    """Every group of the vocabulary for this problem's bounded components."""
    fixed = ["hours_min", "hours_max", "days_min", "days_max", "max_hours_per_day", "min_hours_per_day", "min_gap"]
    bounded = [f"component:{c}:{side}" for c in problem.rules.components for side in ("min", "max")]
    return [*fixed, *bounded, "availability"]


EVENINGS = tuple(offering(f"eve_{d.short.lower()}", d, "18:00", "21:00", track="evening") for d in list(Weekday)[:5])
"""Five evening group sessions, Monday to Friday, 18:00–21:00."""


def agrees_with_exhaustive(problem: WeekProblem) -> None:
    """Assert that solve gives a week that passes the checker, at the exhaustive optimum and tie-break, or raises
    exactly when nothing is feasible."""
    best = exhaustive(problem)
    if not best:
        with pytest.raises(InfeasibleScheduleError):
            solve(problem)
        return
    schedule = solve(problem)
    assert check(problem, schedule.offering_ids) == ()
    assert schedule.cost == problem.schedule_cost(schedule.offering_ids)
    assert (schedule.cost, tie_key(problem, schedule.offering_ids)) == best[0][:2]
