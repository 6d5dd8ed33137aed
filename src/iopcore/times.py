"""Time vocabulary: weekdays, clock times, minute durations, weekly intervals,
weekly availability and date ranges.

Separate types for separate meanings: a :class:`ClockTime` is a wall-clock
reading, a :class:`Minutes` is a duration, a :class:`Weekday` is an ISO weekday.
Nothing here knows a time zone or reads a clock: weekly values are wall-clock
patterns, and turning them into instants needs a date and a ``tzinfo`` that the
caller passes in (see the schedule module's calendar expansion).
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import final

import attrs

from iopcore import _fields as f
from iopcore.errors import InvalidDataError, type_name

__all__ = [
    "END_OF_DAY",
    "MIDNIGHT",
    "ClockTime",
    "DateRange",
    "Minutes",
    "Weekday",
    "WeeklyAvailability",
    "WeeklyInterval",
]

MINUTES_PER_DAY = 24 * 60


class Weekday(enum.IntEnum):
    """An ISO weekday: Monday is 1, Sunday is 7 (as ``date.isoweekday()``).

    Serialized as its lowercase English name (``"monday"``).
    """

    MONDAY = 1
    TUESDAY = 2
    WEDNESDAY = 3
    THURSDAY = 4
    FRIDAY = 5
    SATURDAY = 6
    SUNDAY = 7

    @classmethod
    def of(cls, day: date) -> Weekday:
        """The weekday of a calendar date."""
        return cls(day.isoweekday())

    @classmethod
    def parse(cls, text: str) -> Weekday:
        """Parse an English day name or its three-letter abbreviation, any case."""
        if isinstance(text, str):
            key = text.strip().lower()
            for day in cls:
                if key in (day.name.lower(), day.name.lower()[:3]):
                    return day
        raise InvalidDataError.single(
            "$", f"expected a weekday name such as 'monday' or 'mon', got {_describe_str(text)}", "weekday"
        )

    @property
    def short(self) -> str:
        """Three-letter English abbreviation: ``"Mon"``."""
        return self.name[:3].title()

    def __str__(self) -> str:
        return self.name.lower()


def _describe_str(value: object) -> str:
    return "a str that is not one" if isinstance(value, str) else type_name(value)


_HHMM = re.compile(r"^([0-9]{2}):([0-9]{2})$")


@final
@attrs.frozen(order=True)
class ClockTime:
    """A wall-clock time of day to the minute, from ``00:00`` to ``24:00``.

    ``24:00`` is the end of the day: it is valid as the end of an interval.
    Serialized as ``"HH:MM"``.
    """

    hour: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0, max_value=24))
    minute: int = attrs.field(default=0, converter=f.to_int, validator=f.integer(min_value=0, max_value=59))

    def __attrs_post_init__(self) -> None:
        if self.hour == 24 and self.minute != 0:
            raise f.fail("$.minute", "expected 0 when hour is 24 (24:00 is the end of the day), got int", "range", self)

    @classmethod
    def parse(cls, text: str) -> ClockTime:
        """Parse ``"HH:MM"`` (two digits each, 24-hour clock, ``"24:00"`` allowed)."""
        match = _HHMM.match(text) if isinstance(text, str) else None
        if match is None:
            raise InvalidDataError.single(
                "$", f"expected a time as 'HH:MM' (24-hour clock), got {_describe_str(text)}", "clock_time"
            )
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def from_minute_of_day(cls, minute_of_day: int) -> ClockTime:
        """The clock time *minute_of_day* minutes after midnight (0–1440)."""
        if not isinstance(minute_of_day, int) or isinstance(minute_of_day, bool):
            raise InvalidDataError.single(
                "$", f"expected an integer between 0 and 1440, got {type_name(minute_of_day)}", "type"
            )
        if not 0 <= minute_of_day <= MINUTES_PER_DAY:
            raise InvalidDataError.single(
                "$", "expected an integer between 0 and 1440, got an int out of range", "range"
            )
        return cls(*divmod(minute_of_day, 60))

    @classmethod
    def from_time(cls, value: time) -> ClockTime:
        """Convert a naive ``datetime.time`` with no seconds."""
        if not isinstance(value, time):
            raise InvalidDataError.single("$", f"expected a datetime.time, got {type_name(value)}", "type")
        if value.tzinfo is not None or value.second or value.microsecond:
            raise InvalidDataError.single(
                "$", "expected a naive time on a whole minute, got a time with seconds or a tzinfo", "clock_time"
            )
        return cls(value.hour, value.minute)

    @property
    def minute_of_day(self) -> int:
        """Minutes since midnight (0–1440)."""
        return self.hour * 60 + self.minute

    def to_time(self) -> time:
        """As a ``datetime.time`` (``24:00`` cannot be represented and raises)."""
        if self.hour == 24:
            raise InvalidDataError.single("$", "24:00 has no datetime.time equivalent", "clock_time")
        return time(self.hour, self.minute)

    def plus(self, duration: Minutes) -> ClockTime:
        """The clock time *duration* later on the same day (must not pass 24:00)."""
        return ClockTime.from_minute_of_day(self.minute_of_day + duration.value)

    def minutes_until(self, later: ClockTime) -> Minutes:
        """The duration from this time to a *later* one on the same day."""
        if later < self:
            raise InvalidDataError.single("$", "expected a later clock time, got an earlier one", "order")
        return Minutes(later.minute_of_day - self.minute_of_day)

    def __str__(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


MIDNIGHT = ClockTime(0, 0)
"""00:00, the start of a day."""
END_OF_DAY = ClockTime(24, 0)
"""24:00, the end of a day."""


@final
@attrs.frozen(order=True)
class Minutes:
    """A non-negative duration in whole minutes. Serialized as an integer.

    Supports ``+``, ``-`` (never below zero), ``*`` by an integer and ``sum()``.
    """

    value: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))

    @classmethod
    def from_hours(cls, hours: float) -> Minutes:
        """Whole minutes from a number of hours (``1.5`` → 90); fractions of a minute are rejected."""
        if not isinstance(hours, int | float) or isinstance(hours, bool):
            raise InvalidDataError.single("$", f"expected a number of hours >= 0, got {type_name(hours)}", "type")
        minutes = hours * 60
        if hours < 0 or not math.isfinite(minutes) or not float(minutes).is_integer():
            raise InvalidDataError.single(
                "$", "expected a non-negative number of hours that is a whole number of minutes", "range"
            )
        return cls(int(minutes))

    @property
    def hours(self) -> float:
        """The duration in hours (``Minutes(90).hours == 1.5``)."""
        return self.value / 60

    def __add__(self, other: Minutes) -> Minutes:
        if not isinstance(other, Minutes):
            return NotImplemented
        return Minutes(self.value + other.value)

    def __radd__(self, other: object) -> Minutes:
        if other == 0 and not isinstance(other, bool):  # lets sum() start from 0
            return self
        return NotImplemented

    def __sub__(self, other: Minutes) -> Minutes:
        if not isinstance(other, Minutes):
            return NotImplemented
        if other.value > self.value:
            raise InvalidDataError.single("$", "a duration cannot become negative", "range")
        return Minutes(self.value - other.value)

    def __mul__(self, factor: int) -> Minutes:
        if not isinstance(factor, int) or isinstance(factor, bool):
            return NotImplemented
        return Minutes(self.value * factor)

    __rmul__ = __mul__

    def __str__(self) -> str:
        hours, minutes = divmod(self.value, 60)
        if hours and minutes:
            return f"{hours} h {minutes} min"
        if hours:
            return f"{hours} h"
        return f"{minutes} min"


def _clock(value: ClockTime | str) -> ClockTime:
    return ClockTime.parse(value) if isinstance(value, str) else value


@final
@attrs.frozen(kw_only=True, order=True)
class WeeklyInterval:
    """A wall-clock interval on one weekday, ``[start, end)``; *end* is after *start*.

    Intervals never wrap past midnight: a session from 22:00 to 01:00 is two
    intervals, ``22:00–24:00`` and ``00:00–01:00`` on the next day.
    """

    weekday: Weekday = attrs.field(validator=f.enum_member(Weekday))
    start: ClockTime = attrs.field(validator=f.instance(ClockTime, "a ClockTime"))
    end: ClockTime = attrs.field(validator=f.instance(ClockTime, "a ClockTime"))

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise f.fail(
                "$.end",
                "expected an end after the start on the same day, got an end at or before the start",
                "order",
                self,
            )

    @classmethod
    def of(cls, weekday: Weekday | str, start: ClockTime | str, end: ClockTime | str) -> WeeklyInterval:
        """Build from a weekday (or its name) and ``"HH:MM"`` strings or clock times."""
        day = Weekday.parse(weekday) if isinstance(weekday, str) else weekday
        return cls(weekday=day, start=_clock(start), end=_clock(end))

    @property
    def duration(self) -> Minutes:
        """Length of the interval."""
        return Minutes(self.end.minute_of_day - self.start.minute_of_day)

    def overlaps(self, other: WeeklyInterval) -> bool:
        """Whether the two intervals share at least one minute."""
        return self.weekday == other.weekday and self.start < other.end and other.start < self.end

    def contains(self, other: WeeklyInterval) -> bool:
        """Whether *other* lies wholly inside this interval."""
        return self.weekday == other.weekday and self.start <= other.start and other.end <= self.end

    def gap_to(self, other: WeeklyInterval) -> Minutes | None:
        """Minutes between the two intervals on the same day; ``None`` if on different days or overlapping."""
        if self.weekday != other.weekday or self.overlaps(other):
            return None
        first, second = sorted((self, other))
        return Minutes(second.start.minute_of_day - first.end.minute_of_day)

    def __str__(self) -> str:
        return f"{self.weekday.short} {self.start}–{self.end}"


def _normalize(windows: Iterable[WeeklyInterval]) -> tuple[WeeklyInterval, ...]:
    """Sort and merge overlapping or touching intervals."""
    merged: list[WeeklyInterval] = []
    for w in sorted(windows):
        if merged and merged[-1].weekday == w.weekday and w.start <= merged[-1].end:
            last = merged[-1]
            if w.end > last.end:
                merged[-1] = WeeklyInterval(weekday=last.weekday, start=last.start, end=w.end)
        else:
            merged.append(w)
    return tuple(merged)


def _to_windows(value: Iterable[WeeklyInterval]) -> tuple[WeeklyInterval, ...]:
    items = f.to_tuple(value)
    if isinstance(items, tuple) and all(isinstance(w, WeeklyInterval) for w in items):
        return _normalize(items)
    return items


@final
@attrs.frozen(kw_only=True)
class WeeklyAvailability:
    """The weekly windows in which someone is available, normalized.

    On construction the windows are sorted (Monday first, then by start) and
    overlapping or touching windows are merged, so two availabilities that
    cover the same minutes are equal.
    """

    windows: tuple[WeeklyInterval, ...] = attrs.field(
        default=(), converter=_to_windows, validator=f.tuple_of(WeeklyInterval)
    )

    @classmethod
    def of(cls, *windows: WeeklyInterval) -> WeeklyAvailability:
        """Availability made of the given windows."""
        return cls(windows=windows)

    @classmethod
    def whole_week(cls) -> WeeklyAvailability:
        """Available at every minute of the week."""
        return cls(windows=tuple(WeeklyInterval(weekday=d, start=MIDNIGHT, end=END_OF_DAY) for d in Weekday))

    @classmethod
    def daily(
        cls, start: ClockTime | str, end: ClockTime | str, *, days: Iterable[Weekday] = tuple(Weekday)
    ) -> WeeklyAvailability:
        """The same window on each of *days* (every day by default)."""
        s, e = _clock(start), _clock(end)
        return cls(windows=tuple(WeeklyInterval(weekday=d, start=s, end=e) for d in days))

    @property
    def is_empty(self) -> bool:
        """Whether no minute of the week is available."""
        return not self.windows

    @property
    def total(self) -> Minutes:
        """Total available time in the week."""
        return Minutes(sum(w.duration.value for w in self.windows))

    @property
    def days(self) -> frozenset[Weekday]:
        """The weekdays with at least one window."""
        return frozenset(w.weekday for w in self.windows)

    def windows_on(self, weekday: Weekday) -> tuple[WeeklyInterval, ...]:
        """The windows on one weekday, in order."""
        return tuple(w for w in self.windows if w.weekday == weekday)

    def contains(self, interval: WeeklyInterval) -> bool:
        """Whether *interval* fits wholly inside one window."""
        return any(w.contains(interval) for w in self.windows)

    def __contains__(self, interval: object) -> bool:
        return isinstance(interval, WeeklyInterval) and self.contains(interval)

    def union(self, other: WeeklyAvailability) -> WeeklyAvailability:
        """Minutes available in either."""
        return WeeklyAvailability(windows=self.windows + other.windows)

    def intersection(self, other: WeeklyAvailability) -> WeeklyAvailability:
        """Minutes available in both."""
        out: list[WeeklyInterval] = []
        for a in self.windows:
            for b in other.windows:
                if a.overlaps(b):
                    out.append(WeeklyInterval(weekday=a.weekday, start=max(a.start, b.start), end=min(a.end, b.end)))
        return WeeklyAvailability(windows=tuple(out))

    def difference(self, other: WeeklyAvailability) -> WeeklyAvailability:
        """Minutes available here but not in *other* (e.g. the week minus working hours)."""
        out: list[WeeklyInterval] = []
        for a in self.windows:
            pieces = [(a.start.minute_of_day, a.end.minute_of_day)]
            for b in other.windows_on(a.weekday):
                bs, be = b.start.minute_of_day, b.end.minute_of_day
                next_pieces: list[tuple[int, int]] = []
                for s, e in pieces:
                    if be <= s or e <= bs:
                        next_pieces.append((s, e))
                        continue
                    if s < bs:
                        next_pieces.append((s, bs))
                    if be < e:
                        next_pieces.append((be, e))
                pieces = next_pieces
            out.extend(
                WeeklyInterval(
                    weekday=a.weekday, start=ClockTime.from_minute_of_day(s), end=ClockTime.from_minute_of_day(e)
                )
                for s, e in pieces
            )
        return WeeklyAvailability(windows=tuple(out))

    def __str__(self) -> str:
        return ", ".join(str(w) for w in self.windows) if self.windows else "(never available)"


@final
@attrs.frozen(kw_only=True, order=True)
class DateRange:
    """An inclusive range of calendar dates, ``first`` to ``last`` (``first <= last``)."""

    first: date = attrs.field(validator=f.calendar_date())
    last: date = attrs.field(validator=f.calendar_date())

    def __attrs_post_init__(self) -> None:
        if self.last < self.first:
            raise f.fail(
                "$.last", "expected a last date on or after the first date, got an earlier date", "order", self
            )

    @classmethod
    def of_days(cls, first: date, days: int) -> DateRange:
        """The *days* consecutive dates starting at *first* (``days >= 1``)."""
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise InvalidDataError.single("$.days", f"expected an integer >= 1, got {type_name(days)}", "range")
        return cls(first=first, last=first + timedelta(days=days - 1))

    @classmethod
    def of_weeks(cls, first: date, weeks: int) -> DateRange:
        """*weeks* whole weeks (7-day blocks) starting at *first*."""
        if not isinstance(weeks, int) or isinstance(weeks, bool) or weeks < 1:
            raise InvalidDataError.single("$.weeks", f"expected an integer >= 1, got {type_name(weeks)}", "range")
        return cls.of_days(first, 7 * weeks)

    @property
    def days(self) -> int:
        """Number of dates in the range (at least 1)."""
        return (self.last - self.first).days + 1

    def dates(self) -> Iterator[date]:
        """Every date in the range, in order."""
        for offset in range(self.days):
            yield self.first + timedelta(days=offset)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and not isinstance(day, datetime) and self.first <= day <= self.last

    def overlaps(self, other: DateRange) -> bool:
        """Whether the two ranges share a date."""
        return self.first <= other.last and other.first <= self.last

    def intersection(self, other: DateRange) -> DateRange | None:
        """The shared dates, or ``None``."""
        if not self.overlaps(other):
            return None
        return DateRange(first=max(self.first, other.first), last=min(self.last, other.last))

    def iso_weeks(self) -> tuple[tuple[int, int], ...]:
        """The ISO (year, week) pairs the range touches, in order."""
        seen: dict[tuple[int, int], None] = {}
        day = self.first - timedelta(days=self.first.weekday())  # Monday of the first week
        while day <= self.last:
            iso = day.isocalendar()
            seen[(iso.year, iso.week)] = None
            day += timedelta(days=7)
        return tuple(seen)

    def __str__(self) -> str:
        return f"{self.first.isoformat()}..{self.last.isoformat()}"
