"""The weekly schedule problem: rules, offerings, preferences, problems and schedules."""

from __future__ import annotations

import contextlib
import enum
import math
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, final

import attrs

from iopcore import _fields as f
from iopcore._fields import _html as h
from iopcore.components import COMPONENTS, ComponentCatalog
from iopcore.errors import ErrorItem, InvalidArgumentError, InvalidDataError, UnknownCodeError, child_path, type_name
from iopcore.programs import Program
from iopcore.times import ClockTime, Minutes, Weekday, WeeklyAvailability, WeeklyInterval

__all__ = [
    "AVOIDED_DAY_COST",
    "NOT_KEPT_COST",
    "OFF_TRACK_COST",
    "OTHER_DAY_COST",
    "OTHER_TIME_COST",
    "ComponentBound",
    "Offering",
    "Preferences",
    "TimeOfDay",
    "WeekProblem",
    "WeekRules",
    "WeekSchedule",
]


def _ceil_minutes(hours: float) -> int:
    minutes = hours * 60
    whole = round(minutes)
    if -4e-10 < minutes - whole < 4e-10:  # then round(minutes, 9) is whole: skip its slow decimal rounding
        return whole
    return math.ceil(round(minutes, 9))


def _floor_minutes(hours: float) -> int:
    minutes = hours * 60
    whole = round(minutes)
    if -4e-10 < minutes - whole < 4e-10:  # (as in _ceil_minutes)
        return whole
    return math.floor(round(minutes, 9))


@final
@attrs.frozen(kw_only=True)
class ComponentBound:
    """Sessions of one component per week, closed ``[min, max]`` (``max=None``: no upper bound)."""

    min: int = attrs.field(default=0, converter=f.to_int, validator=f.integer(min_value=0, max_value=10_000))
    max: int | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(f.to_int),
        validator=f.optional(f.integer(min_value=0, max_value=10_000)),
    )

    def __attrs_post_init__(self) -> None:
        if self.max is not None and self.max < self.min:
            raise f.fail("$.max", f"expected max >= min = {self.min}, got {self.max}", "order", self)

    @f.guard
    def contains(self, count: int) -> bool:
        """Whether *count* sessions a week lie inside the bound."""
        return self.min <= count and (self.max is None or count <= self.max)

    def __str__(self) -> str:
        upper = "∞" if self.max is None else str(self.max)
        return f"[{self.min}, {upper}]"


def _to_bounds(value: Any) -> Any:
    """Accept ``{id: (min, max)}`` pairs as well as ``{id: ComponentBound}``; leave bad input to the validator."""
    if isinstance(value, Mapping):
        out: dict[Any, Any] = {}
        for k, v in value.items():
            if isinstance(v, tuple | list) and len(v) == 2:
                with contextlib.suppress(InvalidDataError):  # else reported by the validator as a wrong type
                    v = ComponentBound(min=v[0], max=v[1])
            out[k] = v
        return f.to_mapping(out)
    return value


@final
@attrs.frozen(kw_only=True)
class WeekRules:
    """What a week of treatment must hold.

    * ``hours_min``/``hours_max``: hours a week, a **closed** interval
      ``[hours_min, hours_max]`` (``None``: no maximum). The solver works in whole
      minutes: ``hours_min`` is rounded up, ``hours_max`` down.
    * ``days_min``/``days_max``: distinct days attended a week, closed.
    * ``min_hours_per_day``/``max_hours_per_day``: bounds on each day attended.
    * ``min_gap_minutes``: least time between two sessions on the same day
      (0: back to back allowed; overlap is never allowed).
    * ``components``: sessions a week per component id (ids not named are unbounded).
      Ids must be in ``catalog`` (the foundation's :data:`~iopcore.components.COMPONENTS`
      by default).
    """

    hours_min: float = attrs.field(default=0.0, converter=f.to_float, validator=f.number(min_value=0, max_value=168))
    hours_max: float | None = attrs.field(
        default=None, converter=attrs.converters.optional(f.to_float), validator=f.optional(f.number(min_value=0))
    )
    days_min: int = attrs.field(default=0, converter=f.to_int, validator=f.integer(min_value=0, max_value=7))
    days_max: int = attrs.field(default=7, converter=f.to_int, validator=f.integer(min_value=0, max_value=7))
    min_hours_per_day: float | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(f.to_float),
        validator=f.optional(f.number(min_value=0, max_value=24)),
    )
    max_hours_per_day: float | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(f.to_float),
        validator=f.optional(f.number(min_value=0, max_value=24)),
    )
    min_gap_minutes: int = attrs.field(default=0, converter=f.to_int, validator=f.integer(min_value=0, max_value=1440))
    components: Mapping[str, ComponentBound] = attrs.field(
        factory=dict,
        converter=_to_bounds,
        validator=f.mapping_of(str, ComponentBound, description="component id to ComponentBound"),
    )
    catalog: ComponentCatalog = attrs.field(
        default=COMPONENTS, validator=f.instance(ComponentCatalog, "a ComponentCatalog"), repr=False
    )
    """The components that ids refer to."""

    def __attrs_post_init__(self) -> None:
        problems: list[ErrorItem] = []
        if self.hours_max is not None and self.hours_max < self.hours_min:
            problems.append(
                ErrorItem(
                    path="$.hours_max",
                    message=f"expected hours_max >= hours_min = {f.number_text(self.hours_min)}, got {f.number_text(self.hours_max)}",
                    rule="order",
                )
            )
        if self.days_max < self.days_min:
            problems.append(
                ErrorItem(
                    path="$.days_max",
                    message=f"expected days_max >= days_min = {self.days_min}, got {self.days_max}",
                    rule="order",
                )
            )
        lo, hi = self.min_hours_per_day, self.max_hours_per_day
        if lo is not None and hi is not None and hi < lo:
            problems.append(
                ErrorItem(
                    path="$.max_hours_per_day",
                    message=f"expected max_hours_per_day >= min_hours_per_day = {f.number_text(lo)}, got {f.number_text(hi)}",
                    rule="order",
                )
            )
        known = set(self.catalog.ids)
        problems.extend(
            ErrorItem(
                path="$.components" + _key_path(key),
                message="expected a component id from the catalog, got an unknown str",
                rule="unknown_code",
            )
            for key in self.components
            if key not in known
        )
        if problems:
            raise InvalidDataError(problems, type_name="WeekRules")

    @classmethod
    @f.guard
    def from_program(
        cls,
        program: Program,
        *,
        components: Mapping[str, ComponentBound | tuple[int, int | None]] | None = None,
        min_gap_minutes: Annotated[int, f.Range(min_value=0, max_value=1440)] = 0,
    ) -> WeekRules:
        """Rules from a program's intensity: its hours band, days band and per-day bounds.

        The program's hours band is half-open ``[min, max)``; the rules are closed,
        so ``hours_max`` becomes the largest whole number of minutes inside the band
        (:attr:`~iopcore.levels.HoursBand.max_minutes`): "9–19 hours" stored as
        ``[9, 20)`` gives ``hours_max = 19 h 59 min``. The catalog is the program's
        components, which *components* must name.
        """
        rules = program.intensity
        band = rules.hours_per_week
        top = band.max_minutes
        return cls(
            hours_min=band.min_hours,
            hours_max=None if top is None else top.value / 60,
            days_min=rules.days_per_week.min_days,
            days_max=rules.days_per_week.max_days,
            min_hours_per_day=rules.min_hours_per_day,
            max_hours_per_day=rules.max_hours_per_day,
            min_gap_minutes=min_gap_minutes,
            components=dict(components or {}),
            catalog=ComponentCatalog(components=program.components),
        )

    @property
    def minutes_min(self) -> int:
        """``hours_min`` in whole minutes, rounded up."""
        return _ceil_minutes(self.hours_min)

    @property
    def minutes_max(self) -> int | None:
        """``hours_max`` in whole minutes, rounded down (``None``: no maximum)."""
        return None if self.hours_max is None else _floor_minutes(self.hours_max)

    @property
    def day_minutes_min(self) -> int | None:
        """``min_hours_per_day`` in whole minutes, rounded up."""
        return None if self.min_hours_per_day is None else _ceil_minutes(self.min_hours_per_day)

    @property
    def day_minutes_max(self) -> int | None:
        """``max_hours_per_day`` in whole minutes, rounded down."""
        return None if self.max_hours_per_day is None else _floor_minutes(self.max_hours_per_day)


def _key_path(key: object) -> str:
    return child_path(key)[1:]


class TimeOfDay(enum.StrEnum):
    """Part of the day a session starts in: morning before 12:00, afternoon 12:00–16:59, evening from 17:00."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"

    @classmethod
    @f.guard
    def of(cls, start: ClockTime) -> TimeOfDay:
        """The part of the day a session starting at *start* belongs to."""
        return _time_of_day(start.minute_of_day)


def _time_of_day(minute_of_day: int) -> TimeOfDay:
    if minute_of_day < 12 * 60:
        return TimeOfDay.MORNING
    if minute_of_day < 17 * 60:
        return TimeOfDay.AFTERNOON
    return TimeOfDay.EVENING


def _opt_text() -> f.Validator:
    return f.optional(f.text(max_length=200))


@final
@attrs.frozen(kw_only=True)
class Offering:
    """One weekly session a facility offers, ``[start, end)`` on *weekday*.

    ``seats`` is the number of places still available (0: full).
    """

    id: str = attrs.field(validator=f.text(max_length=100))
    component: str = attrs.field(validator=f.identifier())
    """The id of the component the session delivers."""
    weekday: Weekday = attrs.field(validator=f.enum_member(Weekday))
    start: ClockTime = attrs.field(validator=f.instance(ClockTime, "a ClockTime"))
    end: ClockTime = attrs.field(validator=f.instance(ClockTime, "a ClockTime"))
    seats: int = attrs.field(default=1, converter=f.to_int, validator=f.integer(min_value=0))
    track: str | None = attrs.field(default=None, validator=_opt_text())
    facilitator: str | None = attrs.field(default=None, validator=_opt_text())
    topic: str | None = attrs.field(default=None, validator=_opt_text())

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise f.fail("$.end", "expected an end after the start, got an end at or before the start", "order", self)

    @property
    def interval(self) -> WeeklyInterval:
        """When the session takes place."""
        return WeeklyInterval(weekday=self.weekday, start=self.start, end=self.end)

    @property
    def duration(self) -> Minutes:
        """Length of the session."""
        return Minutes(self.end.minute_of_day - self.start.minute_of_day)

    @property
    def time_of_day(self) -> TimeOfDay:
        """The part of the day the session starts in."""
        return _time_of_day(self.start.minute_of_day)

    def __str__(self) -> str:
        return f"{self.id} ({self.component}, {self.weekday.short} {self.start}–{self.end})"


AVOIDED_DAY_COST = 20
"""Cost added to an offering on a day the patient wants to avoid."""
OTHER_DAY_COST = 10
"""Cost added to an offering on a day that is not among the preferred days (when some are given)."""
OTHER_TIME_COST = 5
"""Cost added to an offering outside the preferred time of day (when one is given)."""
OFF_TRACK_COST = 5
"""Cost added to an offering of another track than the preferred one (offerings without a track add nothing)."""
NOT_KEPT_COST = 10
"""Cost added to an offering the patient does not already attend, when some sessions are to be kept."""


@final
@attrs.frozen(kw_only=True)
class Preferences:
    """What the patient prefers; turned into offering costs by :meth:`cost_of`.

    The table (each row adds to an offering's cost; kept offerings cost 0 whatever the other rows say):

    ======================================================  =========================
    Condition                                               Cost added
    ======================================================  =========================
    offering's weekday in ``avoided_days``                  :data:`AVOIDED_DAY_COST` (20)
    ``preferred_days`` non-empty and weekday not in it      :data:`OTHER_DAY_COST` (10)
    ``time_of_day`` set and the offering starts in another  :data:`OTHER_TIME_COST` (5)
    ``track`` set and the offering has another track        :data:`OFF_TRACK_COST` (5)
    ``keep`` non-empty and the offering is not in it        :data:`NOT_KEPT_COST` (10)
    ======================================================  =========================
    """

    preferred_days: frozenset[Weekday] = attrs.field(
        default=frozenset(), converter=f.to_frozenset, validator=f.frozenset_of(Weekday, "weekdays"), repr=f.set_repr
    )
    avoided_days: frozenset[Weekday] = attrs.field(
        default=frozenset(), converter=f.to_frozenset, validator=f.frozenset_of(Weekday, "weekdays"), repr=f.set_repr
    )
    time_of_day: TimeOfDay | None = attrs.field(default=None, validator=f.optional(f.enum_member(TimeOfDay)))
    track: str | None = attrs.field(default=None, validator=_opt_text())
    keep: frozenset[str] = attrs.field(
        default=frozenset(), converter=f.to_frozenset, validator=f.frozenset_of(str, "offering ids"), repr=f.set_repr
    )
    """Ids of offerings the patient already attends and should keep."""

    @f.guard
    def cost_of(self, offering: Offering) -> int:
        """The preference cost of *offering* by the table above."""
        return _preference_cost(self, offering)


def _preference_cost(prefs: Preferences, offering: Offering) -> int:
    """:meth:`Preferences.cost_of` without the argument check (for inner loops)."""
    if offering.id in prefs.keep:
        return 0
    cost = 0
    if offering.weekday in prefs.avoided_days:
        cost += AVOIDED_DAY_COST
    if prefs.preferred_days and offering.weekday not in prefs.preferred_days:
        cost += OTHER_DAY_COST
    if prefs.time_of_day is not None and _time_of_day(offering.start.minute_of_day) is not prefs.time_of_day:
        cost += OTHER_TIME_COST
    if prefs.track is not None and offering.track is not None and offering.track != prefs.track:
        cost += OFF_TRACK_COST
    if prefs.keep:
        cost += NOT_KEPT_COST
    return cost


def _to_int_values(value: Any) -> Any:
    """A mapping's integer values (numpy's too) as builtin ints, in a FrozenMap; bad input left to the validator."""
    if isinstance(value, Mapping) and not isinstance(value, f.FrozenMap):
        try:
            value = {k: f.to_int(v) for k, v in value.items()}
        except TypeError:  # an unhashable key: the validator reports the type
            return value
    return f.to_mapping(value)


def _int_values_validator(minimum: int, description: str) -> f.Validator:
    """A mapping of str keys to builtin ints >= *minimum* (never bool or enum members); paths name each key."""
    expected = f"an integer >= {minimum}"

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        f.mapping_of(str, object, description=description)(inst, attribute, value)
        bad = [
            ErrorItem(
                path=f"$.{attribute.alias}" + _key_path(k),
                message=f"expected {expected}, got {'a smaller int' if type(v) is int else type_name(v)}",
                rule="range" if type(v) is int else "type",
            )
            for k, v in value.items()
            if type(v) is not int or v < minimum
        ]
        if bad:
            raise InvalidDataError(bad, type_name=type(inst).__name__)

    return check


_costs_validator = _int_values_validator(0, "offering id to cost")


@final
@attrs.frozen(kw_only=True)
class WeekProblem:
    """One patient's week to schedule.

    Cost of a schedule = ``day_cost`` × days attended + Σ (offering cost), where an
    offering's cost is its :class:`Preferences` cost plus its explicit
    ``offering_costs`` entry (0 if absent).
    """

    rules: WeekRules = attrs.field(validator=f.instance(WeekRules, "a WeekRules"))
    offerings: tuple[Offering, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(Offering))
    availability: WeeklyAvailability = attrs.field(
        factory=WeeklyAvailability.whole_week, validator=f.instance(WeeklyAvailability, "a WeeklyAvailability")
    )
    day_cost: int = attrs.field(default=0, converter=f.to_int, validator=f.integer(min_value=0))
    offering_costs: Mapping[str, int] = attrs.field(factory=dict, converter=_to_int_values, validator=_costs_validator)
    preferences: Preferences = attrs.field(factory=Preferences, validator=f.instance(Preferences, "a Preferences"))

    def _repr_html_(self) -> str:
        r = self.rules
        hours = f"{r.hours_min:g}–{'' if r.hours_max is None else f'{r.hours_max:g}'} h"
        return h.fields_view(
            self, title=f"WeekProblem: {len(self.offerings)} offerings, {hours}, {r.days_min}–{r.days_max} days"
        )

    def __attrs_post_init__(self) -> None:
        problems: list[ErrorItem] = []
        seen: set[str] = set()
        known = set(self.rules.catalog.ids)
        for i, o in enumerate(self.offerings):
            if o.id in seen:
                problems.append(ErrorItem(path=f"$.offerings[{i}].id", message="duplicate offering id", rule="unique"))
            seen.add(o.id)
            if o.component not in known:
                problems.append(
                    ErrorItem(
                        path=f"$.offerings[{i}].component",
                        message="expected a component id from the rules' catalog, got an unknown str",
                        rule="unknown_code",
                    )
                )
        problems.extend(
            ErrorItem(
                path="$.offering_costs" + _key_path(k),
                message="expected the id of an offering, got an unknown str",
                rule="unknown_code",
            )
            for k in self.offering_costs
            if k not in seen
        )
        if any(k not in seen for k in self.preferences.keep):
            problems.append(
                ErrorItem(
                    path="$.preferences.keep",
                    message="expected ids of offerings, got a str that is not one",
                    rule="unknown_code",
                )
            )
        if problems:
            raise InvalidDataError(problems, type_name="WeekProblem")

    @f.guard
    def offering(self, offering_id: str) -> Offering:
        """The offering with *offering_id* (:class:`~iopcore.errors.UnknownCodeError`, a ``KeyError``, if absent)."""
        return _find_offering(self.offerings, offering_id, "the problem's offerings")

    @f.guard
    def cost_of(self, offering: Offering) -> int:
        """The cost of choosing *offering*: preference cost plus explicit cost (it need not be one of the offerings)."""
        return _offering_cost(self, offering)

    @f.guard
    def schedule_cost(self, offering_ids: Iterable[str]) -> int:
        """Cost of choosing the offerings *offering_ids* (each an offering's id; one named twice counts once)."""
        known = {o.id for o in self.offerings}
        unknown = [
            ErrorItem(
                path=f"$.offering_ids[{i}]",
                message="expected the id of one of the problem's offerings, got a str that is not one",
                rule="unknown_code",
            )
            for i, oid in enumerate(offering_ids)
            if oid not in known
        ]
        if unknown:
            raise InvalidArgumentError(unknown, callable="WeekProblem.schedule_cost")
        return _schedule_cost(self, offering_ids)


def _find_offering(offerings: tuple[Offering, ...], offering_id: str, where: str) -> Offering:
    """The offering with *offering_id*, or :class:`~iopcore.errors.UnknownCodeError` at ``$.offering_id``."""
    for o in offerings:
        if o.id == offering_id:
            return o
    raise UnknownCodeError(what="offering", catalog=where, known=tuple(o.id for o in offerings), path="$.offering_id")


def _offering_cost(problem: WeekProblem, offering: Offering) -> int:
    """:meth:`WeekProblem.cost_of` without the argument check (for inner loops)."""
    return _preference_cost(problem.preferences, offering) + problem.offering_costs.get(offering.id, 0)


def _offering_costs(problem: WeekProblem, offerings: tuple[Offering, ...]) -> tuple[int, ...]:
    """:func:`_offering_cost` of each of *offerings* (the solver's candidates: once per solve).

    Without preferences, each cost is its explicit entry, looked up without building the
    preference cost (0) of every offering.
    """
    prefs = problem.preferences
    extra = problem.offering_costs
    get = extra.get
    if (
        prefs.keep
        or prefs.avoided_days
        or prefs.preferred_days
        or prefs.time_of_day is not None
        or prefs.track is not None
    ):
        return tuple([_preference_cost(prefs, o) + get(o.id, 0) for o in offerings])
    if not extra:
        return (0,) * len(offerings)
    return tuple([get(o.id, 0) for o in offerings])


def _schedule_cost(problem: WeekProblem, offering_ids: Iterable[str]) -> int:
    """:meth:`WeekProblem.schedule_cost` without the checks: ids that name no offering are ignored."""
    wanted = set(offering_ids)
    chosen = [o for o in problem.offerings if o.id in wanted]
    days = {o.weekday for o in chosen}
    return problem.day_cost * len(days) + sum(_offering_cost(problem, o) for o in chosen)


def _sort_key(o: Offering) -> tuple[int, int, int, str]:
    return (o.weekday.value, o.start.minute_of_day, o.end.minute_of_day, o.id)


def _sorted_sessions(value: Any) -> Any:
    items = f.to_tuple(value)
    if isinstance(items, tuple) and all(isinstance(o, Offering) for o in items):
        return tuple(sorted(items, key=_sort_key))
    return items


def _check_sessions(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    f.tuple_of(Offering)(inst, attribute, value)
    f.unique_by(value, lambda o: o.id, path="$.sessions", what="offering id")


def _on(sessions: tuple[Offering, ...], weekday: Weekday) -> tuple[Offering, ...]:
    return tuple(o for o in sessions if o.weekday is weekday)


@final
@attrs.frozen(kw_only=True)
class WeekSchedule:
    """A chosen week: its sessions (sorted by weekday, start, end, id; ids unique) and its cost."""

    sessions: tuple[Offering, ...] = attrs.field(converter=_sorted_sessions, validator=_check_sessions)
    cost: int = attrs.field(default=0, converter=f.to_int, validator=f.integer(min_value=0))

    @property
    def offering_ids(self) -> tuple[str, ...]:
        """Ids of the chosen sessions, in schedule order."""
        return tuple(o.id for o in self.sessions)

    @property
    def minutes(self) -> Minutes:
        """Total time a week."""
        return Minutes(sum(o.duration.value for o in self.sessions))

    @property
    def hours(self) -> float:
        """Total hours a week."""
        return self.minutes.hours

    @property
    def days(self) -> tuple[Weekday, ...]:
        """The days attended, Monday first."""
        return tuple(sorted({o.weekday for o in self.sessions}))

    @property
    def component_counts(self) -> Mapping[str, int]:
        """Sessions per component id."""
        counts: dict[str, int] = {}
        for o in self.sessions:
            counts[o.component] = counts.get(o.component, 0) + 1
        return f.FrozenMap(dict(sorted(counts.items())))

    @f.guard
    def on(self, weekday: Weekday) -> tuple[Offering, ...]:
        """The sessions on *weekday*."""
        return _on(self.sessions, weekday)

    def __str__(self) -> str:
        head = f"{'Day':<4} {'Time':<12} {'Component':<24} {'Track':<10} Id"
        lines = [head, "-" * len(head)]
        lines.extend(
            f"{o.weekday.short:<4} {f'{o.start}–{o.end}':<12} {o.component:<24} {o.track or '':<10} {o.id}"
            for o in self.sessions
        )
        lines.append(
            f"{len(self.sessions)} sessions, {_hours_text(self.minutes.value)} h on {len(self.days)} days, cost {self.cost}"
        )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cell = "padding:.2em .5em;vertical-align:top;border-left:1px solid rgba(127,127,127,.35);min-width:6em"
        box = "margin:0 0 .3em 0;padding:.1em .3em;border-radius:.25em;background:rgba(127,127,127,.14)"
        cells = []
        for day in Weekday:
            items = "".join(
                f"<div style='{box}'>{h.esc(f'{o.start}–{o.end}')}<br><b>{h.esc(o.component)}</b>"
                f"{'<br>' + h.esc(o.track) if o.track else ''}</div>"
                for o in _on(self.sessions, day)
            )
            cells.append(f"<td style='{cell}'>{items}</td>")
        header = "".join(f"<th style='{cell};border-bottom:1px solid currentColor'>{d.short}</th>" for d in Weekday)
        grid = f"<table style='border-collapse:collapse'><tr>{header}</tr><tr>{''.join(cells)}</tr></table>"
        return h.view(
            f"WeekSchedule: {len(self.sessions)} sessions, {_hours_text(self.minutes.value)} h on "
            f"{len(self.days)} days, cost {self.cost}",
            grid,
        )


def _trusted_week_schedule(sessions: tuple[Offering, ...], cost: int) -> WeekSchedule:
    """A :class:`WeekSchedule` made without its converter and validators.

    Only for the single-patient solver, whose answers are valid by construction: *sessions*
    distinct offerings of one problem already in schedule order (weekday, start, end, id) and
    *cost* a builtin ``int`` >= 0 (a week is built per solve, and re-sorting and re-checking it
    cost about 4 % of a solve at 15 offerings). A test checks that the validated constructor
    gives an equal schedule for every answer.
    """
    made = object.__new__(WeekSchedule)
    object.__setattr__(made, "sessions", sessions)
    object.__setattr__(made, "cost", cost)
    return made


def _hours_text(minutes: int) -> str:
    hours = minutes / 60
    return str(int(hours)) if hours.is_integer() else f"{hours:.2f}".rstrip("0")
