"""A week problem as integer arrays: its usable offerings (candidates) and its rules as limits in minutes."""

from __future__ import annotations

from collections.abc import Collection
from typing import NamedTuple

from iopcore.schedule._model import Offering, WeekProblem, _offering_costs

__all__ = [
    "GROUP_AVAILABILITY",
    "NEVER",
    "Candidates",
    "Key",
    "Limits",
    "Rank",
    "Solution",
    "State",
    "active_groups",
    "candidates",
    "limits",
]


GROUP_AVAILABILITY = "availability"
"""The constraint group of the patient's availability (relaxed: the whole week)."""


NEVER = 1 << 62  # a bound meaning "this state cannot reach a feasible week"

# A solution inside the search: ((cost, sessions, minutes), tie-break key, chosen candidate indices).
Key = tuple[tuple[tuple[int, int, str], ...], ...]
Rank = tuple[int, int, int]
Solution = tuple[Rank, Key, tuple[int, ...]]
State = tuple[int, int, tuple[int, ...]]
"""A search state after a day: (days used, minutes (capped), component counts (capped))."""


class Candidates(NamedTuple):
    """The offerings a problem may use, precomputed as integer arrays (internal).

    The internal records of the solver are named tuples, not attrs classes: they are built
    on every solve, and a named tuple is built several times faster.
    """

    offerings: tuple[Offering, ...]
    """Usable offerings (a seat left; inside availability unless relaxed), in input order."""
    start: tuple[int, ...]
    end: tuple[int, ...]
    by_day: tuple[tuple[int, ...], ...]
    """Per weekday (index 0 = Monday) the candidate indices sorted by (start, end, id)."""
    component: tuple[int, ...]
    """Index of each candidate's component in ``bounded`` or -1."""
    bounded: tuple[str, ...]
    """Component ids with bounds, sorted."""
    cost: tuple[int, ...]
    """Each candidate's cost in the problem."""
    ident: tuple[tuple[int, int, str], ...]
    """Each candidate's (start, end, id): its part of the tie-break key."""


def candidates(problem: WeekProblem, *, relax_availability: bool = False) -> Candidates:
    """Precompute the usable offerings of *problem*."""
    # Weekdays are int enums: they index lists directly (an enum's hash and value are slow).
    windows: list[list[tuple[int, int]]] = [[], [], [], [], [], [], [], []]
    if not relax_availability:
        for w in problem.availability.windows:
            a, b = w.start, w.end
            windows[w.weekday].append((a.hour * 60 + a.minute, b.hour * 60 + b.minute))
    rows = []
    for o in problem.offerings:
        if o.seats <= 0:
            continue
        a, b, day = o.start, o.end, o.weekday
        s, e = a.hour * 60 + a.minute, b.hour * 60 + b.minute
        if not relax_availability:
            for low, high in windows[day]:
                if low <= s and e <= high:
                    break
            else:
                continue
        rows.append((day - 1, s, e, o.id, o))
    # One sort gives both each day's candidates in (start, end, id) order and the input order's
    # positions: candidates are numbered in input order (ids are unique: offerings are never compared).
    by_day: list[list[int]] = [[], [], [], [], [], [], []]
    for i in sorted(range(len(rows)), key=rows.__getitem__):
        by_day[rows[i][0]].append(i)
    components = problem.rules.components
    bounded = tuple(sorted(components)) if components else ()
    _, start, end, ids, usable = zip(*rows, strict=True) if rows else ((), (), (), (), ())
    if bounded:
        position = {c: i for i, c in enumerate(bounded)}.get
        component = tuple([position(o.component, -1) for o in usable])
    else:
        component = (-1,) * len(usable)
    return Candidates(
        usable,
        start,
        end,
        tuple([tuple(d) for d in by_day]),
        component,
        bounded,
        _offering_costs(problem, usable),
        tuple(zip(start, end, ids, strict=True)),
    )


class Limits(NamedTuple):
    """The rules as integer limits in minutes (internal); ``None`` means unbounded."""

    minutes_min: int
    minutes_max: int | None
    days_min: int
    days_max: int
    day_min: int | None
    day_max: int | None
    gap: int
    comp_min: tuple[int, ...]
    comp_max: tuple[int | None, ...]


def limits(problem: WeekProblem, relaxed: Collection[str] = ()) -> Limits:
    """The problem's rules with the constraint groups in *relaxed* removed."""
    r = problem.rules
    bounds = r.components
    bounded = sorted(bounds)
    if not relaxed:
        return Limits(
            r.minutes_min,
            r.minutes_max,
            r.days_min,
            r.days_max,
            r.day_minutes_min,
            r.day_minutes_max,
            r.min_gap_minutes,
            tuple([bounds[c].min for c in bounded]),
            tuple([bounds[c].max for c in bounded]),
        )
    return Limits(
        minutes_min=0 if "hours_min" in relaxed else r.minutes_min,
        minutes_max=None if "hours_max" in relaxed else r.minutes_max,
        days_min=0 if "days_min" in relaxed else r.days_min,
        days_max=7 if "days_max" in relaxed else r.days_max,
        day_min=None if "min_hours_per_day" in relaxed else r.day_minutes_min,
        day_max=None if "max_hours_per_day" in relaxed else r.day_minutes_max,
        gap=0 if "min_gap" in relaxed else r.min_gap_minutes,
        comp_min=tuple(0 if f"component:{c}:min" in relaxed else bounds[c].min for c in bounded),
        comp_max=tuple(None if f"component:{c}:max" in relaxed else bounds[c].max for c in bounded),
    )


def active_groups(problem: WeekProblem) -> tuple[str, ...]:
    """The constraint groups that actually restrict *problem*, in vocabulary order."""
    r = problem.rules
    groups: list[str] = []
    if r.minutes_min > 0:
        groups.append("hours_min")
    if r.minutes_max is not None:
        groups.append("hours_max")
    if r.days_min > 0:
        groups.append("days_min")
    if r.days_max < 7:
        groups.append("days_max")
    if r.day_minutes_max is not None:
        groups.append("max_hours_per_day")
    if r.day_minutes_min:
        groups.append("min_hours_per_day")
    if r.min_gap_minutes > 0:
        groups.append("min_gap")
    for c in sorted(r.components):
        if r.components[c].min > 0:
            groups.append(f"component:{c}:min")
        if r.components[c].max is not None:
            groups.append(f"component:{c}:max")
    if any(o.seats > 0 and not problem.availability.contains(o.interval) for o in problem.offerings):
        groups.append(GROUP_AVAILABILITY)
    return tuple(groups)
