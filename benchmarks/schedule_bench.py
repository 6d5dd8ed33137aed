"""Benchmark: the weekly schedule solver against OR-Tools CP-SAT, side by side in one process.

Run after the test command (which installs the package into ``.venv``)::

    .venv/bin/python -m pip install -e '.[bench]'      # OR-Tools, for the reference
    .venv/bin/python benchmarks/run.py schedule

Instances are single-patient problems with 15, 30, 60 and 120 offerings from a
realistic catalog (morning and evening 3-hour group blocks, 50-minute individual
sessions, 15-minute drug tests, life skills, family sessions), feasible and
infeasible, generated from fixed seeds. Both solvers get the same problem and the
same objective; CP-SAT runs with one worker and its time includes building the model.
Times are the median of 5 runs per instance; the table gives their median and p95 over
the instances of a row. On infeasible instances ``solve`` raises at once: the error
computes its conflict, reasons and explanation on first access, timed separately in the
"explanation read" rows (solve plus reading them).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable

from iopcore.errors import InfeasibleScheduleError
from iopcore.schedule import Offering, Preferences, TimeOfDay, WeekProblem, WeekRules, check, solve
from iopcore.times import ClockTime, Weekday, WeeklyAvailability

SIZES = (15, 30, 60, 120)
FEASIBLE_PER_SIZE = 12
INFEASIBLE_PER_SIZE = 6
REPEATS = 5

DAYS = tuple(Weekday)[:6]  # Monday to Saturday


def _hm(minutes: int) -> ClockTime:
    return ClockTime.from_minute_of_day(minutes)


def catalog(n: int, rnd: random.Random) -> list[Offering]:
    """*n* offerings: group blocks, individual sessions, drug tests, life skills, family sessions."""
    out: list[Offering] = []
    kinds = [
        ("group_am", 0.22),
        ("group_pm", 0.22),
        ("individual", 0.22),
        ("drug_test", 0.16),
        ("life_skills", 0.1),
        ("family", 0.08),
    ]
    names = [k for k, _ in kinds]
    weights = [w for _, w in kinds]
    for i in range(n):
        kind = rnd.choices(names, weights)[0]
        day = rnd.choice(DAYS)
        if kind == "group_am":
            comp, start, length, track = rnd.choice(("group_therapy", "group_counseling")), 9 * 60, 180, "morning"
        elif kind == "group_pm":
            comp, start, length, track = rnd.choice(("group_therapy", "group_counseling")), 18 * 60, 180, "evening"
        elif kind == "individual":
            comp, start, length, track = "individual_counseling", rnd.choice((8, 12, 13, 16, 17, 21)) * 60, 50, None
        elif kind == "drug_test":
            comp, start, length, track = (
                "drug_testing",
                rnd.choice((8 * 60 + 45, 12 * 60, 17 * 60 + 30, 17 * 60 + 45)),
                15,
                None,
            )
        elif kind == "life_skills":
            comp, start, length, track = "life_skills", rnd.choice((13, 14, 16, 17)) * 60, 60, None
        else:
            comp, start, length, track = "family_counseling", rnd.choice((16, 17, 19)) * 60 + 30, 90, None
        out.append(
            Offering(
                id=f"o{i}",
                component=comp,
                weekday=day,
                start=_hm(start),
                end=_hm(start + length),
                seats=rnd.choice((0, 1, 2, 4, 8)),
                track=track,
            )
        )
    return out


def problem(n: int, seed: int, *, feasible: bool) -> WeekProblem:
    """A single-patient instance; infeasible ones ask for more than the week can hold."""
    rnd = random.Random(seed)
    offerings = catalog(n, rnd)
    weekdays = list(Weekday)[:5]
    availability = rnd.choice(
        (
            WeeklyAvailability.whole_week(),
            WeeklyAvailability.whole_week().difference(WeeklyAvailability.daily("08:00", "16:30", days=weekdays)),
            WeeklyAvailability.daily("08:00", "13:00"),
        )
    )
    components: dict[str, tuple[int, int | None]] = {
        "individual_counseling": (1, 2),
        "drug_testing": (1, None),
        "family_counseling": (0, 1),
    }
    groups = rnd.choice(("group_therapy", "group_counseling"))
    components[groups] = (2, None)
    rules = WeekRules(
        hours_min=9,
        hours_max=19 + 59 / 60,
        days_min=3,
        days_max=5,
        max_hours_per_day=rnd.choice((None, 4.5)),
        min_gap_minutes=rnd.choice((0, 0, 10)),
        components=components,
    )
    if not feasible:
        how = rnd.choice(("hours", "components", "days"))
        if how == "hours":
            rules = WeekRules(hours_min=40, days_min=3, days_max=5, components=components)
        elif how == "components":
            rules = WeekRules(
                hours_min=9, days_min=3, days_max=5, components={**components, "individual_counseling": (n, None)}
            )
        else:
            rules = WeekRules(hours_min=9, days_min=3, days_max=5, max_hours_per_day=1, components=components)
    ids = [o.id for o in offerings]
    return WeekProblem(
        rules=rules,
        offerings=offerings,
        availability=availability,
        day_cost=10,
        offering_costs={i: rnd.randint(0, 5) for i in rnd.sample(ids, k=min(len(ids), n // 3))},
        preferences=Preferences(
            time_of_day=rnd.choice((None, TimeOfDay.EVENING, TimeOfDay.MORNING)),
            avoided_days=frozenset(rnd.sample(DAYS, k=rnd.randint(0, 2))),
        ),
    )


def iopcore_cost(p: WeekProblem) -> int | None:
    """solve's optimal cost, or None when it raises (the explanation is not read: it is lazy)."""
    try:
        return solve(p).cost
    except InfeasibleScheduleError:
        return None


def iopcore_explained(p: WeekProblem) -> int | None:
    """solve, and on an infeasible problem read the explanation (conflict, reasons and text)."""
    try:
        return solve(p).cost
    except InfeasibleScheduleError as error:
        caught = error
    if not (caught.explanation and caught.conflict and len(caught.reasons) == len(caught.conflict)):
        raise RuntimeError("an infeasible problem without an explanation")
    return None


def cpsat_cost(p: WeekProblem) -> int | None:
    """The same problem and objective as a CP-SAT model (one worker, build included)."""
    from ortools.sat.python import cp_model

    r = p.rules
    model = cp_model.CpModel()
    usable = [o for o in p.offerings if o.seats > 0 and p.availability.contains(o.interval)]
    x = [model.NewBoolVar(o.id) for o in usable]
    dur = [o.duration.value for o in usable]
    by_day: dict[Weekday, list[int]] = {}
    for i, o in enumerate(usable):
        by_day.setdefault(o.weekday, []).append(i)
    y = {}
    gap = r.min_gap_minutes
    for day, idx in by_day.items():
        yd = model.NewBoolVar(f"day{day.value}")
        y[day] = yd
        for i in idx:
            model.AddImplication(x[i], yd)
        model.Add(sum(x[i] for i in idx) >= 1).OnlyEnforceIf(yd)
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                oa, ob = usable[idx[a]], usable[idx[b]]
                s0, e0 = oa.start.minute_of_day, oa.end.minute_of_day
                s1, e1 = ob.start.minute_of_day, ob.end.minute_of_day
                if s0 < e1 + gap and s1 < e0 + gap:
                    model.AddBoolOr([x[idx[a]].Not(), x[idx[b]].Not()])
        day_minutes = sum(dur[i] * x[i] for i in idx)
        if r.day_minutes_max is not None:
            model.Add(day_minutes <= r.day_minutes_max)
        if r.day_minutes_min:
            model.Add(day_minutes >= r.day_minutes_min).OnlyEnforceIf(yd)
    total = sum(dur[i] * x[i] for i in range(len(usable)))
    model.Add(total >= r.minutes_min)
    if r.minutes_max is not None:
        model.Add(total <= r.minutes_max)
    days = sum(y.values())
    model.Add(days >= r.days_min)
    model.Add(days <= r.days_max)
    for cid, bound in r.components.items():
        count = sum(x[i] for i, o in enumerate(usable) if o.component == cid)
        model.Add(count >= bound.min)
        if bound.max is not None:
            model.Add(count <= bound.max)
    model.Minimize(p.day_cost * days + sum(p.cost_of(o) * x[i] for i, o in enumerate(usable)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.Solve(model)
    if status == cp_model.OPTIMAL:
        return round(solver.ObjectiveValue())
    if status == cp_model.INFEASIBLE:
        return None
    raise RuntimeError(f"CP-SAT ended with status {solver.StatusName(status)}")


def _time(fn: Callable[[WeekProblem], int | None], p: WeekProblem) -> tuple[float, int | None]:
    best = float("inf")
    result: int | None = None
    samples = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        result = fn(p)
        samples.append(time.perf_counter() - t0)
    best = statistics.median(samples)
    return best, result


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    try:
        import ortools.sat.python.cp_model  # noqa: F401 - import time excluded from the comparison
    except ImportError:
        print("OR-Tools is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return 1
    print(
        "| Offerings | Kind | Instances | iopcore median | iopcore p95 | CP-SAT median | CP-SAT p95 "
        "| Ratio (median) | Ratio (p95) | Same optimum |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    all_same = True
    for n in SIZES:
        for kind, count in (("feasible", FEASIBLE_PER_SIZE), ("infeasible", INFEASIBLE_PER_SIZE)):
            ours, theirs, explained = [], [], []
            same = True
            seed = 1000 * n + (500 if kind == "infeasible" else 0)
            for _ in range(count):
                # Keep drawing until the instance is of the wanted kind (decided by the reference solver).
                while True:
                    p = problem(n, seed, feasible=kind == "feasible")
                    seed += 1
                    if (cpsat_cost(p) is not None) == (kind == "feasible"):
                        break
                t_ours, c_ours = _time(iopcore_cost, p)
                t_ref, c_ref = _time(cpsat_cost, p)
                ours.append(t_ours)
                theirs.append(t_ref)
                if kind == "infeasible":
                    explained.append(_time(iopcore_explained, p)[0])
                if c_ours != c_ref:
                    same = False
                if c_ours is not None:
                    assert check(p, solve(p).offering_ids) == ()
            all_same &= same
            m_ours, m_ref = statistics.median(ours), statistics.median(theirs)
            label = kind if kind == "feasible" else "infeasible (solve raises; detection)"
            print(
                f"| {n} | {label} | {count} | {m_ours * 1e3:.2f} ms | {_p95(ours) * 1e3:.2f} ms | "
                f"{m_ref * 1e3:.2f} ms | {_p95(theirs) * 1e3:.2f} ms | {m_ref / m_ours:.1f}× | "
                f"{_p95(theirs) / _p95(ours):.1f}× | {'yes' if same else 'NO'} |"
            )
            if kind == "infeasible":
                print(
                    f"| {n} | infeasible, explanation read (conflict, reasons, text) | {count} | "
                    f"{statistics.median(explained) * 1e3:.2f} ms | {_p95(explained) * 1e3:.2f} ms | — | — | — | — | — |"
                )
    print()
    print(
        "Both solvers found the same optimal cost (or both proved infeasibility) on every instance."
        if all_same
        else "MISMATCH between the solvers."
    )
    return 0 if all_same else 2


if __name__ == "__main__":
    sys.exit(main())
