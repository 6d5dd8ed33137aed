"""Strategies for the schedule module (week rules, offerings, problems, schedules, calendars)."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta, timezone

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from iopcore.components import COMPONENTS
from iopcore.schedule import (
    CalendarSchedule,
    ComponentBound,
    Occurrence,
    Offering,
    Preferences,
    Reason,
    ShortWeek,
    TimeOfDay,
    Violation,
    WeekProblem,
    WeekRules,
    WeekSchedule,
)
from iopcore.strategies._core import _check_int, identifiers, texts, weekly_availabilities
from iopcore.times import ClockTime, Weekday, WeeklyAvailability

__all__ = [
    "calendar_schedules",
    "component_bounds",
    "occurrences",
    "offerings",
    "preferences",
    "reasons",
    "short_weeks",
    "violations",
    "week_problems",
    "week_rules",
    "week_schedules",
]

_SMALL_COMPONENTS = ("group_therapy", "individual_counseling", "drug_testing", "life_skills", "family_counseling")
_DURATIONS = (15, 30, 50, 60, 90, 120, 180)


@functools.lru_cache(maxsize=None, typed=True)
def component_bounds(*, max_value: int = 10) -> st.SearchStrategy[ComponentBound]:
    """Bounds ``[min, max]`` with ``0 <= min <= max <= max_value`` or no maximum."""
    _check_int("max_value", max_value, 0, 10_000)

    @st.composite
    def build(draw: st.DrawFn) -> ComponentBound:
        lo = draw(st.integers(0, max_value))
        hi = draw(st.one_of(st.none(), st.integers(lo, max_value)))
        return ComponentBound(min=lo, max=hi)

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def week_rules(*, max_hours: float = 40.0) -> st.SearchStrategy[WeekRules]:
    """Week rules over the built-in component catalog, with hours up to *max_hours* a week."""
    if not isinstance(max_hours, int | float) or isinstance(max_hours, bool) or not 0 <= max_hours <= 168:
        raise InvalidArgument(f"max_hours={max_hours!r} must be a number between 0 and 168")

    @st.composite
    def build(draw: st.DrawFn) -> WeekRules:
        halves = int(max_hours * 2)
        lo = draw(st.integers(0, halves)) / 2
        hi = draw(st.one_of(st.none(), st.integers(int(lo * 2), halves).map(lambda x: x / 2)))
        dmin = draw(st.integers(0, 7))
        dmax = draw(st.integers(dmin, 7))
        day_lo = draw(st.one_of(st.none(), st.integers(0, 16).map(lambda x: x / 2)))
        day_hi = draw(st.one_of(st.none(), st.integers(int((day_lo or 0) * 2), 48).map(lambda x: x / 2)))
        ids = draw(st.lists(st.sampled_from(COMPONENTS.ids), unique=True, max_size=4))
        bounds = {i: draw(component_bounds(max_value=6)) for i in ids}
        return WeekRules(
            hours_min=lo,
            hours_max=hi,
            days_min=dmin,
            days_max=dmax,
            min_hours_per_day=day_lo,
            max_hours_per_day=day_hi,
            min_gap_minutes=draw(st.sampled_from((0, 0, 10, 15, 30))),
            components=bounds,
        )

    return build()


@st.composite
def _offering(draw: st.DrawFn, oid: str, components: tuple[str, ...], days: tuple[Weekday, ...]) -> Offering:
    length = draw(st.sampled_from(_DURATIONS))
    start = draw(st.integers(16, 44)) * 30  # 08:00 to 22:00 in half hours
    start = min(start, 1440 - length)
    return Offering(
        id=oid,
        component=draw(st.sampled_from(components)),
        weekday=draw(st.sampled_from(days)),
        start=ClockTime.from_minute_of_day(start),
        end=ClockTime.from_minute_of_day(start + length),
        seats=draw(st.integers(0, 3)),
        track=draw(st.sampled_from((None, "morning", "evening"))),
        facilitator=draw(st.one_of(st.none(), texts(max_size=12))),
        topic=draw(st.one_of(st.none(), texts(max_size=12))),
    )


@functools.lru_cache(maxsize=None, typed=True)
def offerings() -> st.SearchStrategy[Offering]:
    """Single offerings of any built-in component, on any day, 15 minutes to 3 hours long."""
    return identifiers(max_size=12).flatmap(lambda oid: _offering(oid, COMPONENTS.ids, tuple(Weekday)))


@functools.lru_cache(maxsize=None, typed=True)
def preferences(*, offering_ids: tuple[str, ...] = ()) -> st.SearchStrategy[Preferences]:
    """Preferences; ``keep`` is drawn from *offering_ids*."""
    days = st.frozensets(st.sampled_from(Weekday))
    keep = st.frozensets(st.sampled_from(offering_ids)) if offering_ids else st.just(frozenset[str]())
    return st.builds(
        Preferences,
        preferred_days=days,
        avoided_days=days,
        time_of_day=st.one_of(st.none(), st.sampled_from(TimeOfDay)),
        track=st.sampled_from((None, "morning", "evening")),
        keep=keep,
    )


@functools.lru_cache(maxsize=None, typed=True)
def week_problems(
    *, min_offerings: int = 0, max_offerings: int = 12, max_days: int = 5, feasible: bool = False
) -> st.SearchStrategy[WeekProblem]:
    """Small week problems (``max_offerings`` offerings on the first ``max_days`` weekdays).

    With ``feasible=True`` every problem has a schedule by construction: a set of
    non-overlapping offerings with seats inside the availability is drawn first
    and the rules are built around it.
    """
    _check_int("min_offerings", min_offerings, 0, 200)
    _check_int("max_offerings", max_offerings, max(min_offerings, 1 if feasible else 0), 200)
    _check_int("max_days", max_days, 1, 7)
    days = tuple(Weekday)[:max_days]

    @st.composite
    def build(draw: st.DrawFn) -> WeekProblem:
        n = draw(st.integers(max(min_offerings, 1 if feasible else 0), max_offerings))
        offs = [draw(_offering(f"o{i}", _SMALL_COMPONENTS, days)) for i in range(n)]
        availability = draw(
            st.one_of(
                st.just(WeeklyAvailability.whole_week()),
                weekly_availabilities(max_windows=6),
                st.just(WeeklyAvailability.daily("17:00", "22:00")),
            )
        )
        # A chosen set: non-overlapping, seated, inside availability (which is widened to contain it).
        picked: list[Offering] = []
        for i, o in enumerate(offs):
            if draw(st.booleans()) and all(not p.interval.overlaps(o.interval) for p in picked):
                if o.seats == 0:
                    o = Offering(id=o.id, component=o.component, weekday=o.weekday, start=o.start, end=o.end)
                    offs[i] = o
                picked.append(o)
        if feasible or draw(st.booleans()):
            availability = availability.union(WeeklyAvailability(windows=tuple(p.interval for p in picked)))
        total = sum(p.duration.value for p in picked)
        per_day: dict[Weekday, int] = {}
        gaps = [1440]
        for p in picked:
            per_day[p.weekday] = per_day.get(p.weekday, 0) + p.duration.value
            gaps.extend(
                q.start.minute_of_day - p.end.minute_of_day
                for q in picked
                if q.weekday == p.weekday and q.start >= p.end
            )
        counts = {c: sum(1 for p in picked if p.component == c) for c in _SMALL_COMPONENTS}
        lo = draw(st.integers(0, total)) / 60
        hi = draw(st.one_of(st.none(), st.integers(total, total + 600).map(lambda m: m / 60)))
        nd = len(per_day)
        day_lo = draw(st.one_of(st.none(), st.integers(0, min(per_day.values(), default=0))))
        day_hi = draw(st.one_of(st.none(), st.integers(max(per_day.values(), default=0), 1440)))
        bounds = {
            c: ComponentBound(
                min=draw(st.integers(0, counts[c])), max=draw(st.one_of(st.none(), st.integers(counts[c], 6)))
            )
            for c in draw(st.lists(st.sampled_from(_SMALL_COMPONENTS), unique=True, max_size=3))
        }
        rules = WeekRules(
            hours_min=lo,
            hours_max=hi,
            days_min=draw(st.integers(0, nd)),
            days_max=draw(st.integers(nd, 7)),
            min_hours_per_day=None if day_lo is None else day_lo / 60,
            max_hours_per_day=None if day_hi is None else day_hi / 60,
            min_gap_minutes=draw(st.sampled_from(sorted({0, min(gaps), min(min(gaps), 15)}))),
            components=bounds,
        )
        if not feasible:
            rules = draw(_tightened(rules))
        ids = tuple(o.id for o in offs)
        costs = draw(st.dictionaries(st.sampled_from(ids), st.integers(0, 30), max_size=4)) if ids else {}
        return WeekProblem(
            rules=rules,
            offerings=tuple(offs),
            availability=availability,
            day_cost=draw(st.integers(0, 20)),
            offering_costs=costs,
            preferences=draw(preferences(offering_ids=ids)),
        )

    return build()


@st.composite
def _tightened(draw: st.DrawFn, rules: WeekRules) -> WeekRules:
    """Rules tightened in 0-2 random ways, so that some problems become infeasible."""
    for _ in range(draw(st.integers(0, 2))):
        how = draw(st.sampled_from(("hours_min", "hours_max", "days_min", "days_max", "day", "gap", "cmin", "cmax")))
        if how == "hours_min":
            lo = rules.hours_min + draw(st.integers(1, 12)) / 2
            rules = attrs.evolve(
                rules, hours_min=lo, hours_max=None if rules.hours_max is None else max(lo, rules.hours_max)
            )
        elif how == "hours_max":
            rules = attrs.evolve(rules, hours_min=0, hours_max=draw(st.integers(0, 20)) / 2)
        elif how == "days_min":
            rules = attrs.evolve(rules, days_min=draw(st.integers(rules.days_min, rules.days_max)))
        elif how == "days_max":
            rules = attrs.evolve(rules, days_max=draw(st.integers(rules.days_min, rules.days_max)))
        elif how == "day":
            rules = attrs.evolve(
                rules,
                min_hours_per_day=draw(st.sampled_from((None, 1.0, 2.0, 3.0))),
                max_hours_per_day=draw(st.sampled_from((None, 3.0, 4.0))),
            )
        elif how == "gap":
            rules = attrs.evolve(rules, min_gap_minutes=draw(st.sampled_from((0, 10, 30, 60))))
        else:
            cid = draw(st.sampled_from(_SMALL_COMPONENTS))
            bound = draw(component_bounds(max_value=3))
            rules = attrs.evolve(rules, components={**rules.components, cid: bound})
    return rules


@functools.lru_cache(maxsize=None, typed=True)
def week_schedules() -> st.SearchStrategy[WeekSchedule]:
    """Schedules: any sessions with unique ids and a non-negative cost (not necessarily feasible)."""
    sessions = st.lists(offerings(), max_size=6, unique_by=lambda o: o.id).map(tuple)
    return st.builds(WeekSchedule, sessions=sessions, cost=st.integers(0, 10_000))


@functools.lru_cache(maxsize=None, typed=True)
def violations() -> st.SearchStrategy[Violation]:
    """Violations of any group with a message and offering ids."""
    return st.builds(
        Violation,
        group=st.sampled_from(("hours_min", "overlap", "seats", "component:drug_testing:min")),
        message=texts(),
        offering_ids=st.lists(identifiers(max_size=8), max_size=3).map(tuple),
    )


@functools.lru_cache(maxsize=None, typed=True)
def reasons() -> st.SearchStrategy[Reason]:
    """Reasons of a conflict with or without numbers."""
    numbers = st.one_of(st.none(), st.integers(0, 100).map(float), st.floats(0, 168, allow_nan=False))
    return st.builds(
        Reason,
        group=st.sampled_from(("hours_min", "days_max", "availability", "component:life_skills:max")),
        required=numbers,
        achievable=numbers,
        unit=st.sampled_from(("hours", "days", "sessions", "minutes", "offerings")),
    )


_ZONES = (UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30)))


@functools.lru_cache(maxsize=None, typed=True)
def occurrences() -> st.SearchStrategy[Occurrence]:
    """Dated occurrences with aware datetimes (fixed-offset zones)."""

    @st.composite
    def build(draw: st.DrawFn) -> Occurrence:
        day = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
        start = draw(st.integers(0, 1439))
        length = draw(st.integers(1, 1440 - start))
        tz = draw(st.sampled_from(_ZONES))
        begin = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(minutes=start)
        return Occurrence(
            offering_id=draw(identifiers(max_size=8)),
            component_id=draw(st.sampled_from(COMPONENTS.ids)),
            start=begin,
            end=begin + timedelta(minutes=length),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def short_weeks() -> st.SearchStrategy[ShortWeek]:
    """Weeks reported short by calendar expansion."""

    @st.composite
    def build(draw: st.DrawFn) -> ShortWeek:
        monday = draw(st.dates(min_value=date(2000, 1, 3), max_value=date(2100, 12, 27)))
        monday -= timedelta(days=monday.weekday())
        return ShortWeek(
            week_start=monday,
            minutes=draw(st.integers(0, 10_000)),
            days=draw(st.integers(0, 7)),
            closed=draw(st.lists(st.just(monday), max_size=1).map(tuple)),
            groups=draw(st.lists(st.sampled_from(("hours_min", "days_min")), unique=True, max_size=2).map(tuple)),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def calendar_schedules() -> st.SearchStrategy[CalendarSchedule]:
    """Calendar expansions (occurrences and short weeks, not necessarily from one schedule)."""
    return st.builds(
        CalendarSchedule,
        occurrences=st.lists(occurrences(), max_size=4).map(tuple),
        short_weeks=st.lists(short_weeks(), max_size=2).map(tuple),
    )
