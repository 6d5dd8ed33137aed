"""Calendar expansion: a weekly schedule over real dates, with a facility's zone and closures."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from typing import final

import attrs
from dateutil import rrule

from iopcore import _fields as f
from iopcore.errors import InvalidDataError, type_name
from iopcore.schedule._model import WeekRules, WeekSchedule

__all__ = ["CalendarSchedule", "Occurrence", "ShortWeek", "expand"]


@final
@attrs.frozen(kw_only=True, order=True)
class Occurrence:
    """One dated session: ``[start, end)`` as aware datetimes in the facility's zone."""

    start: datetime = attrs.field(validator=f.aware_datetime())
    end: datetime = attrs.field(validator=f.aware_datetime())
    offering_id: str = attrs.field(validator=f.text(max_length=100))
    component: str = attrs.field(validator=f.identifier())

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise f.fail("$.end", "expected an end after the start, got an end at or before the start", "order", self)


@final
@attrs.frozen(kw_only=True)
class ShortWeek:
    """A week (starting Monday ``week_start``) that closures pushed below the rules' minimum.

    ``minutes`` and ``days`` are what is left; ``closed`` lists the closure dates
    that removed sessions; ``groups`` names the broken minimums (``hours_min``, ``days_min``).
    """

    week_start: date = attrs.field(validator=f.calendar_date())
    minutes: int = attrs.field(validator=f.integer(min_value=0))
    days: int = attrs.field(validator=f.integer(min_value=0, max_value=7))
    closed: tuple[date, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(date))
    groups: tuple[str, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(str))


@final
@attrs.frozen(kw_only=True)
class CalendarSchedule:
    """Dated occurrences in time order, and the weeks closures made too short."""

    occurrences: tuple[Occurrence, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(Occurrence)
    )
    short_weeks: tuple[ShortWeek, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(ShortWeek))


def expand(
    schedule: WeekSchedule,
    *,
    start: date,
    tz: tzinfo,
    end: date | None = None,
    weeks: int | None = None,
    closures: Iterable[date] = (),
    rules: WeekRules | None = None,
) -> CalendarSchedule:
    """Dated occurrences of *schedule* from *start* to *end* inclusive (or for *weeks* weeks).

    Each occurrence keeps its wall-clock time in *tz* (a tzinfo the caller passes
    in; iopcore never looks zones up), so 18:00 stays 18:00 across a DST change.
    Dates in *closures* are skipped. With *rules*, every Monday-based week whose
    sessions a closure pushes below ``hours_min`` or ``days_min`` (and which met it
    without the closures) is reported in ``short_weeks``.
    """
    if not isinstance(schedule, WeekSchedule):
        raise f.fail("$.schedule", f"expected a WeekSchedule, got {type_name(schedule)}", "type")
    if not isinstance(start, date) or isinstance(start, datetime):
        raise f.fail("$.start", f"expected a date, got {type_name(start)}", "type")
    if not isinstance(tz, tzinfo):
        raise f.fail("$.tz", f"expected a tzinfo, got {type_name(tz)}", "type")
    if (end is None) == (weeks is None):
        raise InvalidDataError.single("$.end", "expected exactly one of end and weeks", "exclusive")
    if weeks is not None:
        if not isinstance(weeks, int) or isinstance(weeks, bool) or weeks < 1:
            raise f.fail("$.weeks", f"expected an integer >= 1, got {type_name(weeks)}", "range")
        last = start + timedelta(days=7 * weeks - 1)
    else:
        if not isinstance(end, date) or isinstance(end, datetime):
            raise f.fail("$.end", f"expected a date, got {type_name(end)}", "type")
        if end < start:
            raise f.fail("$.end", "expected an end on or after the start, got an earlier date", "order")
        last = end
    closed = frozenset(closures)
    if any(not isinstance(d, date) or isinstance(d, datetime) for d in closed):
        raise f.fail("$.closures", "expected dates", "type")
    if rules is not None and not isinstance(rules, WeekRules):
        raise f.fail("$.rules", f"expected a WeekRules, got {type_name(rules)}", "type")

    planned: dict[date, list[tuple[date, int]]] = {}  # Monday -> [(date, minutes)] without closures
    kept: list[Occurrence] = []
    until = datetime.combine(last, time(23, 59))
    for session in schedule.sessions:
        rule = rrule.rrule(
            rrule.WEEKLY,
            byweekday=session.weekday.value - 1,
            dtstart=datetime.combine(start, session.start.to_time()),
            until=until,
        )
        for naive in rule:
            day = naive.date()
            monday = day - timedelta(days=day.weekday())
            planned.setdefault(monday, []).append((day, session.duration.value))
            if day in closed:
                continue
            finish = datetime.combine(day, time()) + timedelta(minutes=session.end.minute_of_day)
            kept.append(
                Occurrence(
                    start=naive.replace(tzinfo=tz),
                    end=finish.replace(tzinfo=tz),
                    offering_id=session.id,
                    component=session.component,
                )
            )
    kept.sort(key=lambda o: (o.start.replace(tzinfo=None), o.offering_id))
    short: list[ShortWeek] = []
    if rules is not None:
        for monday in sorted(planned):
            items = planned[monday]
            removed = sorted({d for d, _ in items if d in closed})
            if not removed:
                continue
            before_m = sum(m for _, m in items)
            before_d = len({d for d, _ in items})
            after_m = sum(m for d, m in items if d not in closed)
            after_d = len({d for d, _ in items if d not in closed})
            groups = []
            if after_m < rules.minutes_min <= before_m:
                groups.append("hours_min")
            if after_d < rules.days_min <= before_d:
                groups.append("days_min")
            if groups:
                short.append(ShortWeek(week_start=monday, minutes=after_m, days=after_d, closed=removed, groups=groups))
    return CalendarSchedule(occurrences=tuple(kept), short_weeks=tuple(short))
