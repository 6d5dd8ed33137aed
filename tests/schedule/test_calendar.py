"""Calendar expansion: dated, aware occurrences; wall-clock across DST; closures skipped and short weeks reported."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from dateutil import tz as dtz

from iopcore.errors import InvalidDataError
from iopcore.schedule import CalendarSchedule, Occurrence, Offering, WeekRules, WeekSchedule, expand
from iopcore.times import ClockTime, Weekday

NEW_YORK = dtz.gettz("America/New_York")  # tests only: the core never looks zones up


def _schedule() -> WeekSchedule:
    sessions = tuple(
        Offering(
            id=f"eve_{d.short.lower()}",
            component="group_therapy",
            weekday=d,
            start=ClockTime(18),
            end=ClockTime(21),
        )
        for d in (Weekday.MONDAY, Weekday.WEDNESDAY, Weekday.SATURDAY)
    )
    late = Offering(
        id="late", component="drug_testing", weekday=Weekday.SATURDAY, start=ClockTime(23), end=ClockTime(24)
    )
    return WeekSchedule(sessions=(*sessions, late))


def test_weeks_give_every_session_each_week_with_aware_datetimes() -> None:
    """Two weeks from a Monday give each session twice, in time order, aware in the given zone."""
    out = expand(_schedule(), start=date(2026, 1, 5), weeks=2, tz=UTC)
    assert len(out.occurrences) == 8
    assert [o.start for o in out.occurrences] == sorted(o.start for o in out.occurrences)
    first = out.occurrences[0]
    assert first.start == datetime(2026, 1, 5, 18, tzinfo=UTC) and first.end == datetime(2026, 1, 5, 21, tzinfo=UTC)
    late = next(o for o in out.occurrences if o.offering_id == "late")
    assert late.end == datetime(2026, 1, 11, 0, tzinfo=UTC)
    assert out.short_weeks == ()


def test_wall_clock_survives_dst() -> None:
    """Across the US spring-forward change, 18:00 stays 18:00 local and the UTC offset changes."""
    out = expand(_schedule(), start=date(2026, 3, 2), end=date(2026, 3, 15), tz=NEW_YORK)
    mondays = [o for o in out.occurrences if o.offering_id == "eve_mon"]
    assert [o.start.hour for o in mondays] == [18, 18]
    assert mondays[0].start.utcoffset() == timedelta(hours=-5)
    assert mondays[1].start.utcoffset() == timedelta(hours=-4)


def test_closures_are_skipped_and_short_weeks_reported() -> None:
    """A closed Monday removes that session; the week falls below 9 hours and is reported."""
    rules = WeekRules(hours_min=9, days_min=3)
    closed = date(2026, 1, 19)
    out = expand(
        _schedule(), start=date(2026, 1, 12), weeks=2, tz=timezone(timedelta(hours=-5)), closures=[closed], rules=rules
    )
    assert all(o.start.date() != closed for o in out.occurrences)
    assert len(out.occurrences) == 7
    (week,) = out.short_weeks
    assert week.week_start == closed and week.closed == (closed,)
    assert (week.minutes, week.days, week.groups) == (7 * 60, 2, ("hours_min", "days_min"))


def test_closure_that_keeps_the_minimum_is_not_reported() -> None:
    """A closure that leaves the week at or above the minimums is not a short week."""
    out = expand(
        _schedule(),
        start=date(2026, 1, 12),
        weeks=1,
        tz=UTC,
        closures=[date(2026, 1, 12)],
        rules=WeekRules(hours_min=6),
    )
    assert out.short_weeks == ()
    assert isinstance(out, CalendarSchedule) and all(isinstance(o, Occurrence) for o in out.occurrences)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"start": "2026-01-01", "weeks": 1, "tz": UTC}, "$.start"),
        ({"start": date(2026, 1, 1), "weeks": 1, "tz": "UTC"}, "$.tz"),
        ({"start": date(2026, 1, 1), "tz": UTC}, "$.end"),
        ({"start": date(2026, 1, 1), "weeks": 1, "end": date(2026, 2, 1), "tz": UTC}, "$.end"),
        ({"start": date(2026, 1, 1), "weeks": 0, "tz": UTC}, "$.weeks"),
        ({"start": date(2026, 1, 1), "end": "x", "tz": UTC}, "$.end"),
        ({"start": date(2026, 1, 2), "end": date(2026, 1, 1), "tz": UTC}, "$.end"),
        ({"start": date(2026, 1, 1), "weeks": 1, "tz": UTC, "closures": ["x"]}, "$.closures"),
        ({"start": date(2026, 1, 1), "weeks": 1, "tz": UTC, "rules": 3}, "$.rules"),
    ],
)
def test_bad_arguments_are_rejected_with_paths(kwargs: dict[str, object], path: str) -> None:
    """Each malformed argument raises InvalidDataError at its own path."""
    with pytest.raises(InvalidDataError) as info:
        expand(_schedule(), **kwargs)  # type: ignore[arg-type]
    assert info.value.paths == (path,)


def test_schedule_must_be_a_week_schedule() -> None:
    """Anything but a WeekSchedule is rejected."""
    with pytest.raises(InvalidDataError):
        expand("x", start=date(2026, 1, 1), weeks=1, tz=UTC)  # type: ignore[arg-type]


def test_occurrence_end_must_follow_start() -> None:
    """An occurrence ending at its start is rejected at `$.end`."""
    at = datetime(2026, 1, 1, 9, tzinfo=UTC)
    with pytest.raises(InvalidDataError) as info:
        Occurrence(start=at, end=at, offering_id="a", component="drug_testing")
    assert info.value.paths == ("$.end",)
