"""Calendar expansion: a weekly schedule over real dates, with a facility's zone and closures.

Daylight-saving time, with the ``tzinfo`` the caller passes (iopcore never looks zones up):

* a session keeps its wall-clock start in the zone, so 18:00 stays 18:00 across a change;
* a start that falls in a **gap** (a wall time the zone skips, e.g. 02:30 on the night clocks
  spring forward) is read with the offset in force before the change and shown in the zone:
  it moves forward by the gap's length (02:30 becomes 03:30), as ``dateutil.tz.resolve_imaginary``
  does. A gap is detected by a round trip through UTC: the wall time read back differs;
* a start that falls in an **overlap** (a wall time the zone shows twice, e.g. 01:30 on the night
  clocks fall back) is its first occurrence (``fold=0``, the earlier instant);
* the end is the start plus the session's length in elapsed time, so every occurrence lasts
  exactly its offering's duration in real minutes (never 0), even when it spans the change; its
  wall-clock end then differs from the offering's by the change (and carries ``fold=1`` when it
  is the second reading of an overlapping wall time).

Occurrences compare by instant and UTC offset (their wall-clock reading), not by ``tzinfo``
object, so a calendar read back from :func:`~iopcore.serialization.from_dict` (fixed offsets)
equals the one written with the zone.

Each occurrence has an **id** derived from its offering and its local start, so the same
calendar expanded again (or read back) names its sessions the same way:
``<offering_id>@<local start in ISO 8601 with its UTC offset>``, the start written to the minute
(``YYYY-MM-DDTHH:MM±HH:MM``, e.g. ``evening_group@2026-03-02T18:00-05:00``) unless it has seconds,
which are then written as :meth:`datetime.isoformat` does (the offset too, in the rare zones whose
offset has seconds). The offset makes the id name one instant, so the second reading of an
overlapping wall time has an id of its own; the text after the last ``@`` is always the start, so
the id also names the offering. It holds no patient identifier: occurrences are sessions of the
facility's offerings, whoever attends them. At most :data:`MAX_OCCURRENCE_ID_LENGTH` characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Annotated, final

import attrs

from iopcore import _fields as f
from iopcore.errors import ErrorItem, InvalidArgumentError, InvalidDataError
from iopcore.schedule._model import WeekRules, WeekSchedule
from iopcore.times import Minutes

__all__ = ["MAX_OCCURRENCE_ID_LENGTH", "MAX_WEEKS", "CalendarSchedule", "Occurrence", "ShortWeek", "expand"]

MAX_WEEKS = 520
"""The longest period :func:`expand` covers, in weeks (ten years); expand longer periods in parts."""

_FIRST_DAY = date.min + timedelta(days=1)  # room for a UTC offset either side
_LAST_DAY = date.max - timedelta(days=1)


MAX_OFFERING_ID_LENGTH = 100

MAX_OCCURRENCE_ID_LENGTH = MAX_OFFERING_ID_LENGTH + 1 + len("2026-03-02T18:00:00.000000+05:30:00.000000")
"""The longest :attr:`Occurrence.id`: an offering id of 100 characters, ``@`` and the longest ISO start (143)."""


def _occurrence_id(offering_id: str, start: datetime) -> str:
    """The id of the occurrence of *offering_id* starting at *start* (see the module's documentation)."""
    whole = start.second == 0 and start.microsecond == 0
    offset = start.utcoffset()
    if whole and offset is not None and offset % timedelta(minutes=1) == timedelta():
        return f"{offering_id}@{start.isoformat(timespec='minutes')}"
    return f"{offering_id}@{start.isoformat()}"


def _aware(value: object) -> bool:
    return isinstance(value, datetime) and f.is_aware(value)


def _derived_id(self: Occurrence) -> str:
    start = self.start
    if not (isinstance(self.offering_id, str) and _aware(start)):
        return ""  # the validators of start and offering_id, which run next, report the problem
    return _occurrence_id(self.offering_id, start)


def _derived_minutes(self: Occurrence) -> Minutes:
    if not (_aware(self.start) and _aware(self.end)):
        return Minutes(0)  # the validators of start and end report the problem
    return Minutes(max(0, (_instant(self.end)[0] - _instant(self.start)[0]) // timedelta(minutes=1)))


def _instant(value: datetime) -> tuple[datetime, timedelta | None]:
    """What an occurrence's datetime means: its instant (naive UTC) and its UTC offset (its wall-clock reading)."""
    offset = value.utcoffset()
    return (value.replace(tzinfo=None) - (offset or timedelta()), offset)


@final
@attrs.frozen(kw_only=True, order=True)
class Occurrence:
    """One dated session: ``[start, end)`` as aware datetimes in the facility's zone.

    Equal (and ordered) by instant and UTC offset, whatever the ``tzinfo`` objects: the same
    session read back with a fixed offset equals the one expanded in a named zone.

    ``id`` and ``minutes`` follow from the other fields and may be left out (documents written
    before format version 3 have neither); given, they must be the derived ones.
    ``component_id`` is the program component, as in
    :class:`~iopcore.compliance.AttendanceRecord` (``component`` before format version 3).
    """

    start: datetime = attrs.field(validator=f.aware_datetime(), eq=_instant, order=_instant)
    end: datetime = attrs.field(validator=f.aware_datetime(), eq=_instant, order=_instant)
    offering_id: str = attrs.field(validator=f.text(max_length=MAX_OFFERING_ID_LENGTH))
    component_id: str = attrs.field(validator=f.identifier())
    """The program component, e.g. ``"group_therapy"``."""
    id: str = attrs.field(
        default=attrs.Factory(_derived_id, takes_self=True),
        validator=f.text(max_length=MAX_OCCURRENCE_ID_LENGTH),
        eq=False,
        order=False,
    )
    """``<offering_id>@<local start>``: stable when the same calendar is expanded again (the module says the format)."""
    minutes: Minutes = attrs.field(
        default=attrs.Factory(_derived_minutes, takes_self=True),
        validator=f.instance(Minutes, "a Minutes"),
        eq=False,
        order=False,
    )
    """The session's length in whole elapsed minutes (a part of a minute is not counted)."""

    def __attrs_post_init__(self) -> None:
        if _instant(self.end)[0] <= _instant(self.start)[0]:
            raise f.fail("$.end", "expected an end after the start, got an end at or before the start", "order", self)
        if self.id != _derived_id(self):
            raise f.fail("$.id", "expected the id derived from offering_id and start, got another str", "derived", self)
        if self.minutes != _derived_minutes(self):
            raise f.fail(
                "$.minutes",
                f"expected the session's {_derived_minutes(self).value} minutes, got {self.minutes.value}",
                "derived",
                self,
            )

    @property
    def duration(self) -> timedelta:
        """Elapsed time from start to end (across a DST change too)."""
        return _instant(self.end)[0] - _instant(self.start)[0]


@final
@attrs.frozen(kw_only=True)
class ShortWeek:
    """A week (starting Monday ``week_start``) that closures pushed below the rules' minimum.

    ``minutes`` and ``days`` are what is left; ``closed`` lists the closure dates
    that removed sessions; ``groups`` names the broken minimums (``hours_min``, ``days_min``).
    """

    week_start: date = attrs.field(validator=f.calendar_date())
    minutes: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))
    days: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0, max_value=7))
    closed: tuple[date, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(date))
    groups: tuple[str, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(str))

    def __attrs_post_init__(self) -> None:
        problems = [
            ErrorItem(path=f"$.closed[{i}]", message="expected a date, got datetime", rule="type")
            for i, d in enumerate(self.closed)
            if not f.is_date(d)
        ]
        if self.week_start.weekday() != 0:
            problems.append(
                ErrorItem(path="$.week_start", message="expected a Monday, got another day", rule="weekday")
            )
        if problems:
            raise InvalidDataError(problems, type_name="ShortWeek")


@final
@attrs.frozen(kw_only=True)
class CalendarSchedule:
    """Dated occurrences in time order (the order of :class:`Occurrence`), and the weeks closures made too short."""

    occurrences: tuple[Occurrence, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(Occurrence)
    )
    short_weeks: tuple[ShortWeek, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(ShortWeek))


@f.guard
def expand(
    schedule: WeekSchedule,
    *,
    start: date,
    tz: tzinfo,
    end: date | None = None,
    weeks: Annotated[int, f.Range(min_value=1, max_value=MAX_WEEKS)] | None = None,
    closures: Iterable[date] = (),
    rules: WeekRules | None = None,
) -> CalendarSchedule:
    """Dated occurrences of *schedule* from *start* to *end* inclusive (or for *weeks* weeks).

    Each occurrence keeps its wall-clock start in *tz* (a tzinfo the caller passes in,
    e.g. ``zoneinfo.ZoneInfo("America/New_York")``; iopcore never looks zones up), so 18:00
    stays 18:00 across a DST change; a start in a DST gap or overlap is resolved as the
    module documents (a gap moves it forward by the gap's length, an overlap takes the first
    occurrence), and every occurrence lasts its session's length in real minutes.
    Dates in *closures* are skipped. With *rules*, every Monday-based week whose
    sessions a closure pushes below ``hours_min`` or ``days_min`` (and which met it
    without the closures) is reported in ``short_weeks``.

    The period is at most :data:`MAX_WEEKS` weeks (ten years) and lies between 0001-01-02 and
    9999-12-30; *tz* must convert from UTC (``zoneinfo``, ``datetime.timezone`` and
    ``dateutil.tz`` zones do).
    """
    last = _check_period(start, end, weeks, tz)
    closed = frozenset(closures)
    planned: dict[date, list[tuple[date, int]]] = {}  # Monday -> [(date, minutes)] without closures
    kept: list[Occurrence] = []
    for session in schedule.sessions:
        length = timedelta(minutes=session.duration.value)
        day = start + timedelta(days=(session.weekday.value - 1 - start.weekday()) % 7)
        while day <= last:
            monday = day - timedelta(days=day.weekday())
            planned.setdefault(monday, []).append((day, session.duration.value))
            if day not in closed:
                begins = _resolve(datetime.combine(day, session.start.to_time()), tz)
                kept.append(
                    Occurrence(
                        start=begins,
                        end=(begins.astimezone(UTC) + length).astimezone(tz),
                        offering_id=session.id,
                        component_id=session.component,
                    )
                )
            day += timedelta(days=7)
    kept.sort()  # by instant of start, then of end, then offering id (the order of Occurrence)
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


def _resolve(wall: datetime, tz: tzinfo) -> datetime:
    """The instant a naive wall-clock time names in *tz*, shown in *tz* (gaps move forward, overlaps take the first)."""
    # fold=0 reads a time in a gap with the offset before the change, and an overlapping time as its first reading;
    # the round trip through UTC then shows the instant as the zone's clock does (02:30 in a one-hour gap: 03:30).
    return wall.replace(tzinfo=tz, fold=0).astimezone(UTC).astimezone(tz)


def _check_period(start: date, end: date | None, weeks: int | None, tz: tzinfo) -> date:
    """The last date of the period, after refusing a period that is missing, reversed, too long or off the calendar."""
    problems: list[ErrorItem] = []
    if type(tz).fromutc is tzinfo.fromutc and _dst_missing(tz):
        problems.append(
            ErrorItem(
                path="$.tz",
                message="expected a tzinfo that converts from UTC (with dst() or fromutc()), got one without",
                rule="tzinfo",
            )
        )
    if not _FIRST_DAY <= start <= _LAST_DAY:
        problems.append(
            ErrorItem(path="$.start", message="expected a date from 0001-01-02 to 9999-12-30", rule="range")
        )
    elif (end is None) == (weeks is None):
        problems.append(ErrorItem(path="$.end", message="expected exactly one of end and weeks", rule="exclusive"))
    elif weeks is not None and (_LAST_DAY - start).days < 7 * weeks - 1:
        problems.append(ErrorItem(path="$.weeks", message="expected a period that ends by 9999-12-30", rule="range"))
    elif end is not None and end < start:
        problems.append(
            ErrorItem(path="$.end", message="expected an end on or after the start, got an earlier date", rule="order")
        )
    elif end is not None and ((end - start).days >= 7 * MAX_WEEKS or end > _LAST_DAY):
        problems.append(
            ErrorItem(
                path="$.end",
                message=f"expected an end within {MAX_WEEKS} weeks of the start and by 9999-12-30",
                rule="range",
            )
        )
    if problems:
        raise InvalidArgumentError(problems, callable="expand")
    if weeks is not None:
        return start + timedelta(days=7 * weeks - 1)
    assert end is not None  # exactly one of them, checked above
    return end


def _dst_missing(tz: tzinfo) -> bool:
    """Whether *tz* relies on the default ``fromutc`` yet gives no ``dst()``, so that no time converts into it."""
    probe = datetime(2000, 1, 1, 12, tzinfo=tz)
    try:
        return tz.dst(probe) is None
    except NotImplementedError:  # the base class's dst(): the default fromutc cannot work either
        return True
