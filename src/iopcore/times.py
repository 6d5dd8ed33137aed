"""Time vocabulary: weekdays, clock times, minute durations, weekly intervals,
weekly availability, date ranges and how a stay's days are counted.

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
from datetime import date, time, timedelta
from typing import Annotated, final

import attrs

from iopcore import _fields as f
from iopcore import _loaded
from iopcore.errors import ErrorItem, InvalidArgumentError, InvalidDataError

__all__ = [
    "END_OF_DAY",
    "MIDNIGHT",
    "ClockTime",
    "DateRange",
    "Minutes",
    "StayCounting",
    "Weekday",
    "WeeklyAvailability",
    "WeeklyInterval",
    "count_stay_days",
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
    @f.guard
    def of(cls, day: date) -> Weekday:
        """The weekday of a calendar date."""
        return _WEEKDAYS[day.isoweekday() - 1]

    @classmethod
    @f.guard
    def parse(cls, text: str) -> Weekday:
        """Parse an English day name or its three-letter abbreviation, any case."""
        return _parse_weekday(text, "$.text", "Weekday.parse")

    @property
    def short(self) -> str:
        """Three-letter English abbreviation: ``"Mon"``."""
        return self.name[:3].title()

    def __str__(self) -> str:
        return self.name.lower()


_WEEKDAYS = tuple(Weekday)
_WEEKDAY_NAMES = {key: day for day in Weekday for key in (day.name.lower(), day.name.lower()[:3])}


def _bad_argument(path: str, message: str, rule: str, where: str) -> InvalidArgumentError:
    return InvalidArgumentError((ErrorItem(path=path, message=message, rule=rule),), callable=where)


def _parse_weekday(text: str, path: str, where: str) -> Weekday:
    day = _WEEKDAY_NAMES.get(text.strip().lower())
    if day is None:
        raise _bad_argument(
            path, "expected a weekday name such as 'monday' or 'mon', got a str that is not one", "weekday", where
        )
    return day


_HHMM = re.compile(r"^([0-9]{2}):([0-9]{2})$")


def _parse_clock(text: str, path: str, where: str) -> ClockTime:
    match = _HHMM.match(text)
    hour, minute = (int(match.group(1)), int(match.group(2))) if match else (-1, -1)
    if not (0 <= hour <= 23 and 0 <= minute <= 59) and (hour, minute) != (24, 0):
        raise _bad_argument(
            path,
            "expected a time as 'HH:MM' (24-hour clock, 00:00 to 24:00), got a str that is not one",
            "clock_time",
            where,
        )
    return _clock_at(hour * 60 + minute)


def _clock_at(minute_of_day: int) -> ClockTime:
    """The clock time *minute_of_day* (0-1440, already checked) minutes after midnight, without validators."""
    made = object.__new__(ClockTime)
    hour, minute = divmod(minute_of_day, 60)
    object.__setattr__(made, "hour", hour)
    object.__setattr__(made, "minute", minute)
    return made


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
    @f.guard
    def parse(cls, text: str) -> ClockTime:
        """Parse ``"HH:MM"`` (two digits each, 24-hour clock, ``"24:00"`` allowed)."""
        return _parse_clock(text, "$.text", "ClockTime.parse")

    @classmethod
    @f.guard
    def from_minute_of_day(
        cls, minute_of_day: Annotated[int, f.Range(min_value=0, max_value=MINUTES_PER_DAY)]
    ) -> ClockTime:
        """The clock time *minute_of_day* minutes after midnight (0–1440)."""
        return _clock_at(minute_of_day)

    @classmethod
    @f.guard
    def from_time(cls, value: time) -> ClockTime:
        """Convert a naive ``datetime.time`` with no seconds."""
        if value.second or value.microsecond:
            raise _bad_argument(
                "$.value",
                "expected a time on a whole minute, got a time with seconds",
                "clock_time",
                "ClockTime.from_time",
            )
        return _clock_at(value.hour * 60 + value.minute)

    @property
    def minute_of_day(self) -> int:
        """Minutes since midnight (0–1440)."""
        return self.hour * 60 + self.minute

    @f.guard
    def to_time(self) -> time:
        """As a ``datetime.time`` (``24:00`` cannot be represented and raises)."""
        if self.hour == 24:
            raise InvalidDataError.single("$", "24:00 has no datetime.time equivalent", "clock_time")
        return time(self.hour, self.minute)

    @f.guard
    def plus(self, duration: Minutes) -> ClockTime:
        """The clock time *duration* later on the same day (must not pass 24:00)."""
        end = self.hour * 60 + self.minute + duration.value
        if end > MINUTES_PER_DAY:
            raise _bad_argument(
                "$.duration", "expected a duration that ends by 24:00, got a longer Minutes", "range", "ClockTime.plus"
            )
        return _clock_at(end)

    @f.guard
    def minutes_until(self, later: ClockTime) -> Minutes:
        """The duration from this time to a *later* one on the same day."""
        if later < self:
            raise _bad_argument(
                "$.later", "expected a later clock time, got an earlier one", "order", "ClockTime.minutes_until"
            )
        return Minutes(later.minute_of_day - self.minute_of_day)

    def __str__(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


MIDNIGHT = ClockTime(0, 0)
"""00:00, the start of a day."""
END_OF_DAY = ClockTime(24, 0)
"""24:00, the end of a day."""


@final
@f.compact_pickle
@attrs.frozen(order=True)
class Minutes:
    """A non-negative duration in whole minutes. Serialized as an integer.

    Supports ``+``, ``-`` (never below zero), ``*`` by an integer and ``sum()``.
    """

    value: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))

    @classmethod
    @f.guard
    def from_hours(cls, hours: Annotated[float, f.Range(min_value=0)]) -> Minutes:
        """Whole minutes from a number of hours (``1.5`` → 90); fractions of a minute are rejected."""
        minutes = hours * 60
        if not math.isfinite(minutes) or not minutes.is_integer():
            raise _bad_argument(
                "$.hours",
                "expected a number of hours that is a whole number of minutes, got a float that is not",
                "whole_minutes",
                "Minutes.from_hours",
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
        if f.is_integer(other) and other == 0:  # lets sum() start from 0
            return self
        return NotImplemented

    def __sub__(self, other: Minutes) -> Minutes:
        if not isinstance(other, Minutes):
            return NotImplemented
        if other.value > self.value:
            raise InvalidDataError.single("$", "a duration cannot become negative", "range")
        return Minutes(self.value - other.value)

    def __mul__(self, factor: int) -> Minutes:
        if not f.is_integer(factor):
            return NotImplemented
        return Minutes(self.value * f.as_int(factor))

    __rmul__ = __mul__

    def __str__(self) -> str:
        hours, minutes = divmod(self.value, 60)
        if hours and minutes:
            return f"{hours} h {minutes} min"
        if hours:
            return f"{hours} h"
        return f"{minutes} min"


def _clock(value: ClockTime | str, path: str, where: str) -> ClockTime:
    return _parse_clock(value, path, where) if isinstance(value, str) else value


f.pickle_as_scalar(Minutes, "value")


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
    @f.guard
    def of(cls, weekday: Weekday | str, start: ClockTime | str, end: ClockTime | str) -> WeeklyInterval:
        """Build from a weekday (or its name) and ``"HH:MM"`` strings or clock times."""
        where = "WeeklyInterval.of"
        day = _parse_weekday(weekday, "$.weekday", where) if isinstance(weekday, str) else weekday
        first, last = _clock(start, "$.start", where), _clock(end, "$.end", where)
        _check_order(first, last, where)
        return cls(weekday=day, start=first, end=last)

    @property
    def duration(self) -> Minutes:
        """Length of the interval."""
        return Minutes(self.end.minute_of_day - self.start.minute_of_day)

    @f.guard
    def overlaps(self, other: WeeklyInterval) -> bool:
        """Whether the two intervals share at least one minute."""
        return _overlap(self, other)

    @f.guard
    def contains(self, other: WeeklyInterval) -> bool:
        """Whether *other* lies wholly inside this interval."""
        return _inside(other, self)

    @f.guard
    def gap_to(self, other: WeeklyInterval) -> Minutes | None:
        """Minutes between the two intervals on the same day; ``None`` if on different days or overlapping."""
        if self.weekday != other.weekday or _overlap(self, other):
            return None
        first, second = sorted((self, other))
        return Minutes(second.start.minute_of_day - first.end.minute_of_day)

    def __str__(self) -> str:
        return f"{self.weekday.short} {self.start}–{self.end}"


def _overlap(a: WeeklyInterval, b: WeeklyInterval) -> bool:
    return a.weekday == b.weekday and a.start < b.end and b.start < a.end


def _inside(inner: WeeklyInterval, outer: WeeklyInterval) -> bool:
    return inner.weekday == outer.weekday and outer.start <= inner.start and inner.end <= outer.end


def _check_order(start: ClockTime, end: ClockTime, where: str) -> None:
    if end <= start:
        raise _bad_argument(
            "$.end",
            "expected an end after the start on the same day, got an end at or before the start",
            "order",
            where,
        )


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
    @f.guard
    def of(cls, *windows: WeeklyInterval) -> WeeklyAvailability:
        """Availability made of the given windows."""
        return cls(windows=windows)

    @classmethod
    @f.guard
    def whole_week(cls) -> WeeklyAvailability:
        """Available at every minute of the week."""
        return _WHOLE_WEEK

    @classmethod
    @f.guard
    def daily(
        cls, start: ClockTime | str, end: ClockTime | str, *, days: Iterable[Weekday] = tuple(Weekday)
    ) -> WeeklyAvailability:
        """The same window on each of *days* (every day by default)."""
        where = "WeeklyAvailability.daily"
        s, e = _clock(start, "$.start", where), _clock(end, "$.end", where)
        _check_order(s, e, where)
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

    @f.guard
    def windows_on(self, weekday: Weekday) -> tuple[WeeklyInterval, ...]:
        """The windows on one weekday, in order."""
        return tuple(w for w in self.windows if w.weekday == weekday)

    @f.guard
    def contains(self, interval: WeeklyInterval) -> bool:
        """Whether *interval* fits wholly inside one window."""
        return any(_inside(interval, w) for w in self.windows)

    def __contains__(self, interval: object) -> bool:
        return isinstance(interval, WeeklyInterval) and any(_inside(interval, w) for w in self.windows)

    @f.guard
    def union(self, other: WeeklyAvailability) -> WeeklyAvailability:
        """Minutes available in either."""
        return WeeklyAvailability(windows=self.windows + other.windows)

    @f.guard
    def intersection(self, other: WeeklyAvailability) -> WeeklyAvailability:
        """Minutes available in both."""
        out: list[WeeklyInterval] = []
        for a in self.windows:
            for b in other.windows:
                if _overlap(a, b):
                    out.append(WeeklyInterval(weekday=a.weekday, start=max(a.start, b.start), end=min(a.end, b.end)))
        return WeeklyAvailability(windows=tuple(out))

    @f.guard
    def difference(self, other: WeeklyAvailability) -> WeeklyAvailability:
        """Minutes available here but not in *other* (e.g. the week minus working hours)."""
        out: list[WeeklyInterval] = []
        for a in self.windows:
            pieces = [(a.start.minute_of_day, a.end.minute_of_day)]
            for b in (w for w in other.windows if w.weekday == a.weekday):
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
            out.extend(WeeklyInterval(weekday=a.weekday, start=_clock_at(s), end=_clock_at(e)) for s, e in pieces)
        return WeeklyAvailability(windows=tuple(out))

    def __str__(self) -> str:
        return ", ".join(str(w) for w in self.windows) if self.windows else "(never available)"


@final
@f.compact_pickle
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
    @f.guard
    def of_days(cls, first: date, days: Annotated[int, f.Range(min_value=1)]) -> DateRange:
        """The *days* consecutive dates starting at *first* (``days >= 1``)."""
        return cls(first=first, last=_last_day(first, days, "$.days", "DateRange.of_days"))

    @classmethod
    @f.guard
    def of_weeks(cls, first: date, weeks: Annotated[int, f.Range(min_value=1)]) -> DateRange:
        """*weeks* whole weeks (7-day blocks) starting at *first*."""
        return cls(first=first, last=_last_day(first, 7 * weeks, "$.weeks", "DateRange.of_weeks"))

    @property
    def days(self) -> int:
        """Number of dates in the range (at least 1)."""
        return (self.last - self.first).days + 1

    @f.guard
    def dates(self) -> Iterator[date]:
        """Every date in the range, in order."""
        return _dates(self.first, self.days)

    def __contains__(self, day: object) -> bool:
        return f.is_date(day) and self.first <= day <= self.last  # type: ignore[operator]

    @f.guard
    def overlaps(self, other: DateRange) -> bool:
        """Whether the two ranges share a date."""
        return self.first <= other.last and other.first <= self.last

    @f.guard
    def intersection(self, other: DateRange) -> DateRange | None:
        """The shared dates, or ``None``."""
        if not (self.first <= other.last and other.first <= self.last):
            return None
        return DateRange(first=max(self.first, other.first), last=min(self.last, other.last))

    @f.guard
    def iso_weeks(self) -> tuple[tuple[int, int], ...]:
        """The ISO (year, week) pairs the range touches, in order."""
        seen: dict[tuple[int, int], None] = {}
        # Each week of the range, from its first date then every Monday (no date past the range is built,
        # so a range ending on date.max works too).
        day = self.first
        while True:
            iso = day.isocalendar()
            seen[(iso.year, iso.week)] = None
            step = 7 - day.weekday()
            if (self.last - day).days < step:
                break
            day += timedelta(days=step)
        return tuple(seen)

    def __str__(self) -> str:
        return f"{self.first.isoformat()}..{self.last.isoformat()}"


def _dates(first: date, days: int) -> Iterator[date]:
    for offset in range(days):
        yield first + timedelta(days=offset)


def _last_day(first: date, days: int, path: str, where: str) -> date:
    if days - 1 > (date.max - first).days:
        raise _bad_argument(
            path,
            "expected a range that ends by 9999-12-31 (the last date Python has), got a longer one",
            "range",
            where,
        )
    return first + timedelta(days=days - 1)


_WHOLE_WEEK = WeeklyAvailability(
    windows=tuple(WeeklyInterval(weekday=d, start=MIDNIGHT, end=END_OF_DAY) for d in Weekday)
)


# ----------------------------------------------------------------------------- length of stay


class StayCounting(enum.StrEnum):
    """How the days of a stay (admission to discharge) are counted: the one convention episodes and compliance share.

    No IOP payer or state rule that iopcore cites (e.g. 22-A DCMR §6329's "30–60 days") says
    how its days are counted, so the convention is a parameter everywhere a length of stay is
    computed (:meth:`iopcore.episodes.Episode.days_of_stay`,
    :class:`iopcore.compliance.LengthOfStayRule`), with :attr:`CALENDAR_DAYS` as iopcore's
    default; choose :attr:`MIDNIGHTS` where a payer counts as Medicare does.
    """

    CALENDAR_DAYS = "calendar_days"
    """Every calendar date from the admission date through the discharge date (or the date the
    stay is counted on, while it is open), both ends included: admitted 1 January and discharged
    30 January is 30 days; admitted and discharged on one date is 1 day. iopcore's default (no
    cited rule fixes a convention for IOP)."""
    MIDNIGHTS = "midnights"
    """Medicare's midnight-to-midnight count of days of care: the day of admission counts, the day
    of discharge does not, unless the patient is admitted and discharged on the same date (1 day).
    Admitted 1 January and discharged 30 January is 29 days; while the stay is open, the date it is
    counted on counts (the patient is still in care). Source: Medicare Benefit Policy Manual
    (Pub. 100-02), ch. 3, §20.1 "Counting Inpatient Days"; SSA POMS HI 00601.070. Written for
    inpatient and SNF days: a payer that applies it to IOP stays says so."""


@f.guard
def count_stay_days(
    admitted: date, last: date, *, discharged: bool, counting: StayCounting = StayCounting.CALENDAR_DAYS
) -> int:
    """The length in days of a stay from *admitted* to *last*, counted by *counting*.

    *last* is the discharge date when *discharged*, else the date the open stay is counted on;
    it may not precede *admitted* (:class:`~iopcore.errors.InvalidArgumentError` at ``$.last``).
    Episodes and compliance both count with this function, so one stay has one length.
    """
    if last < admitted:
        raise _bad_argument(
            "$.last", "expected a date on or after the admission date, got an earlier date", "order", "count_stay_days"
        )
    return _stay_days(admitted, last, discharged=discharged, counting=counting)


def _stay_days(admitted: date, last: date, *, discharged: bool, counting: StayCounting) -> int:
    """:func:`count_stay_days` without the guard (for per-record loops; *last* >= *admitted*)."""
    elapsed = (last - admitted).days
    if counting is StayCounting.MIDNIGHTS and discharged:
        return max(1, elapsed)
    return elapsed + 1


_loaded.loaded(__name__)  # after every definition: the Hypothesis entry point may register them now
