"""Calendar expansion: dated, aware occurrences; wall-clock across DST, gaps and overlaps resolved; closures skipped."""

from __future__ import annotations

import pickle
import zoneinfo
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

import pytest
from dateutil import tz as dtz
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.schedule import (
    MAX_WEEKS,
    CalendarSchedule,
    Occurrence,
    Offering,
    ShortWeek,
    WeekRules,
    WeekSchedule,
    expand,
)
from iopcore.serialization import from_dict, to_dict
from iopcore.strategies import calendar_schedules
from iopcore.times import ClockTime, Minutes, Weekday

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
        ({"start": date(2026, 1, 1), "weeks": 1, "tz": UTC, "closures": ["x"]}, "$.closures[0]"),
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
        Occurrence(start=at, end=at, offering_id="a", component_id="drug_testing")
    assert info.value.paths == ("$.end",)


# ----------------------------------------------------------------------------- daylight-saving time

NY = zoneinfo.ZoneInfo("America/New_York")  # tests only: the core never looks zones up
SPRING = date(2026, 3, 8)  # 02:00 EST becomes 03:00 EDT: 02:00–02:59 does not exist
FALL = date(2026, 11, 1)  # 02:00 EDT becomes 01:00 EST: 01:00–01:59 happens twice


def _sunday(oid: str, start: str, end: str) -> Offering:
    return Offering(
        id=oid,
        component="group_therapy",
        weekday=Weekday.SUNDAY,
        start=ClockTime.parse(start),
        end=ClockTime.parse(end),
    )


def _one(schedule: WeekSchedule, day: date, tz: tzinfo = NY) -> dict[str, Occurrence]:
    return {o.offering_id: o for o in expand(schedule, start=day, weeks=1, tz=tz).occurrences}


@pytest.mark.parametrize("tz", [NY, dtz.gettz("America/New_York")], ids=["zoneinfo", "dateutil"])
def test_a_start_in_the_spring_gap_moves_forward_by_the_gap(tz: tzinfo) -> None:
    """02:30–03:30 on the spring-forward night starts at 03:30 EDT and still lasts an hour of real time."""
    out = _one(WeekSchedule(sessions=(_sunday("gap", "02:30", "03:30"), _sunday("at", "02:00", "03:00"))), SPRING, tz)
    gap, at = out["gap"], out["at"]
    assert gap.start.isoformat() == "2026-03-08T03:30:00-04:00" and gap.end.isoformat() == "2026-03-08T04:30:00-04:00"
    assert at.start.isoformat() == "2026-03-08T03:00:00-04:00" and at.duration == timedelta(hours=1)
    assert gap.duration == timedelta(hours=1)


def test_a_session_spanning_the_spring_gap_keeps_its_real_length() -> None:
    """01:30–02:30 starts at 01:30 EST and ends an hour later, 03:30 EDT on the wall clock."""
    occ = _one(WeekSchedule(sessions=(_sunday("span", "01:30", "02:30"),)), SPRING)["span"]
    assert occ.start.isoformat() == "2026-03-08T01:30:00-05:00"
    assert occ.end.isoformat() == "2026-03-08T03:30:00-04:00"
    assert occ.duration == timedelta(hours=1)


@pytest.mark.parametrize("tz", [NY, dtz.gettz("America/New_York")], ids=["zoneinfo", "dateutil"])
def test_a_start_in_the_fall_overlap_is_its_first_occurrence(tz: tzinfo) -> None:
    """01:30 on the fall-back night is 01:30 EDT (fold=0); a session over the change ends at 01:30 EST, one hour later."""
    occ = _one(WeekSchedule(sessions=(_sunday("over", "01:30", "02:30"),)), FALL, tz)["over"]
    assert occ.start.isoformat() == "2026-11-01T01:30:00-04:00" and occ.start.fold == 0
    assert occ.end.isoformat() == "2026-11-01T01:30:00-05:00" and occ.end.fold == 1
    assert occ.duration == timedelta(hours=1)


def test_sessions_away_from_the_change_keep_their_wall_clock_times() -> None:
    """Evening sessions on both change days start and end at their offering's times, in the right offset."""
    evening = WeekSchedule(sessions=(_sunday("eve", "18:00", "21:00"),))
    spring, fall = _one(evening, SPRING)["eve"], _one(evening, FALL)["eve"]
    assert (spring.start.hour, spring.end.hour, spring.start.utcoffset()) == (18, 21, timedelta(hours=-4))
    assert (fall.start.hour, fall.end.hour, fall.start.utcoffset()) == (18, 21, timedelta(hours=-5))


_NIGHT_STARTS = st.integers(0, 23 * 60 + 45).map(lambda m: m - m % 15)


@st.composite
def _night_schedules(draw: st.DrawFn) -> WeekSchedule:
    """Sessions on Sundays and Mondays at any quarter hour, often in the small hours when clocks change."""
    sessions = []
    for i in range(draw(st.integers(1, 4))):
        start = draw(st.one_of(st.integers(0, 16).map(lambda q: q * 15), _NIGHT_STARTS))
        length = draw(st.integers(1, 12)) * 15
        end = min(start + length, 1440)
        sessions.append(
            Offering(
                id=f"s{i}",
                component="group_therapy",
                weekday=draw(st.sampled_from((Weekday.SUNDAY, Weekday.MONDAY))),
                start=ClockTime.from_minute_of_day(start),
                end=ClockTime.from_minute_of_day(end),
            )
        )
    return WeekSchedule(sessions=sessions)


@settings(max_examples=60)
@given(_night_schedules(), st.sampled_from([SPRING, FALL]), st.integers(0, 6))
def test_every_occurrence_lasts_its_sessions_length_and_round_trips(
    schedule: WeekSchedule, change: date, before: int
) -> None:
    """Across both 2026 changes in New York: real length = the offering's, starts resolved once, exact round trips."""
    start = change - timedelta(days=before)
    out = expand(schedule, start=start, weeks=2, tz=NY)
    by_id = {s.id: s for s in schedule.sessions}
    assert len(out.occurrences) == 2 * len(schedule.sessions)
    for occ in out.occurrences:
        session = by_id[occ.offering_id]
        assert occ.duration == timedelta(minutes=session.duration.value)  # never 0 real minutes
        wall = occ.start.replace(tzinfo=None)
        if wall.time() != session.start.to_time():  # only a start in the spring gap moves: forward by one hour
            assert wall.date() == SPRING
            assert wall.hour * 60 + wall.minute == session.start.minute_of_day + 60
        assert occ.start.fold == 0  # in an overlap: the first occurrence
        # the start is a real instant of the zone: read back from UTC it shows the same wall time
        assert occ.start.astimezone(UTC).astimezone(NY).replace(tzinfo=None) == wall
    assert list(out.occurrences) == sorted(out.occurrences)
    back = from_dict(CalendarSchedule, to_dict(out))
    assert back == out and hash(back) == hash(out)
    assert pickle.loads(pickle.dumps(out)) == out


def test_occurrences_compare_by_instant_and_offset_not_by_tzinfo() -> None:
    """The same instant and offset are equal whatever the tzinfo; the two 01:30s of the fall night are not."""
    first = datetime(2026, 11, 1, 1, 30, tzinfo=NY)
    second = datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NY)
    a = Occurrence(start=first, end=first + timedelta(hours=2), offering_id="a", component_id="group_therapy")
    b = Occurrence(start=second, end=second + timedelta(hours=2), offering_id="a", component_id="group_therapy")
    fixed = first.astimezone(timezone(timedelta(hours=-4)))
    c = Occurrence(
        start=fixed, end=a.end.astimezone(timezone(timedelta(hours=-5))), offering_id="a", component_id="group_therapy"
    )
    assert a != b and a < b
    assert a == c and hash(a) == hash(c)


def test_an_occurrence_over_the_fall_change_is_not_reversed() -> None:
    """01:45 EDT to 01:15 EST is 30 real minutes, though the wall clock goes back."""
    start = datetime(2026, 11, 1, 1, 45, tzinfo=NY)
    end = datetime(2026, 11, 1, 1, 15, fold=1, tzinfo=NY)
    assert Occurrence(start=start, end=end, offering_id="a", component_id="group_therapy").duration == timedelta(
        minutes=30
    )


@settings(max_examples=40)
@given(calendar_schedules())
def test_calendar_schedules_round_trip_pickle_and_hash(value: CalendarSchedule) -> None:
    """Every generated calendar survives to_dict/from_dict and pickling, equal and with an equal hash."""
    for again in (from_dict(CalendarSchedule, to_dict(value)), pickle.loads(pickle.dumps(value))):
        assert again == value and hash(again) == hash(value)


# ----------------------------------------------------------------------------- the period's bounds


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"start": date(2026, 1, 5), "weeks": 10**30}, "$.weeks"),
        ({"start": date(2026, 1, 5), "weeks": MAX_WEEKS + 1}, "$.weeks"),
        ({"start": date(2026, 1, 5), "weeks": True}, "$.weeks"),
        ({"start": date(2026, 1, 5), "end": date(2026, 1, 5) + timedelta(weeks=MAX_WEEKS)}, "$.end"),
        ({"start": date(9999, 12, 1), "weeks": 10}, "$.weeks"),
        ({"start": date(9999, 12, 1), "end": date.max}, "$.end"),
        ({"start": date.max, "weeks": 1}, "$.start"),
        ({"start": date.min, "weeks": 1}, "$.start"),
        ({"start": date(2026, 1, 5), "weeks": 1, "closures": None}, "$.closures"),
        ({"start": date(2026, 1, 5), "weeks": 1, "closures": [datetime(2026, 1, 5, tzinfo=UTC)]}, "$.closures[0]"),
        ({"start": datetime(2026, 1, 5, tzinfo=UTC), "weeks": 1}, "$.start"),
    ],
)
def test_periods_off_the_calendar_or_too_long_are_refused(kwargs: dict[str, object], path: str) -> None:
    """A period longer than MAX_WEEKS or past the calendar's ends is refused at its argument, never an OverflowError."""
    with pytest.raises(InvalidArgumentError) as info:
        expand(_schedule(), tz=UTC, **kwargs)  # type: ignore[arg-type]
    assert info.value.paths == (path,)


def test_the_longest_period_is_accepted() -> None:
    """MAX_WEEKS weeks, and an end MAX_WEEKS weeks less a day after the start, expand."""
    start = date(2026, 1, 5)
    out = expand(_schedule(), start=start, weeks=MAX_WEEKS, tz=UTC)
    assert len(out.occurrences) == 4 * MAX_WEEKS
    assert expand(_schedule(), start=start, end=start + timedelta(weeks=MAX_WEEKS, days=-1), tz=UTC) == out


class _OffsetOnly(tzinfo):
    """A tzinfo with an offset but neither dst() nor fromutc(): nothing can be converted into it."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(hours=2)


def test_a_tzinfo_that_cannot_convert_from_utc_is_refused() -> None:
    """A tzinfo without dst() relying on the default fromutc() is refused at `$.tz`, not by a ValueError inside."""
    with pytest.raises(InvalidArgumentError) as info:
        expand(_schedule(), start=date(2026, 1, 5), weeks=1, tz=_OffsetOnly())
    assert info.value.paths == ("$.tz",)
    with pytest.raises(InvalidArgumentError) as info:
        expand(_schedule(), start=date(2026, 1, 5), weeks=1, tz=tzinfo())
    assert info.value.paths == ("$.tz",)


def test_short_weeks_start_on_mondays_and_close_dates() -> None:
    """A short week starts on a Monday and its closures are dates, not datetimes."""
    with pytest.raises(InvalidDataError) as info:
        ShortWeek(week_start=date(2026, 1, 6), minutes=0, days=0)
    assert info.value.paths == ("$.week_start",)
    with pytest.raises(InvalidDataError) as info:
        ShortWeek(week_start=date(2026, 1, 5), minutes=0, days=0, closed=(datetime(2026, 1, 5, tzinfo=UTC),))
    assert info.value.paths == ("$.closed[0]",)


# ----------------------------------------------------------------------------- ids and minutes


def test_an_occurrence_id_is_the_offering_and_the_local_start_with_its_offset() -> None:
    """``<offering_id>@YYYY-MM-DDTHH:MM±HH:MM``; the spring-gap start and the fall overlap's readings included."""
    out = _one(WeekSchedule(sessions=(_sunday("gap", "02:30", "03:30"), _sunday("late", "18:00", "21:00"))), SPRING)
    assert out["gap"].id == "gap@2026-03-08T03:30-04:00" and out["gap"].minutes.value == 60
    assert out["late"].id == "late@2026-03-08T18:00-04:00" and out["late"].minutes.value == 180
    first = datetime(2026, 11, 1, 1, 30, tzinfo=NY)
    second = first.replace(fold=1)
    ids = [
        Occurrence(start=s, end=s + timedelta(hours=1), offering_id="a", component_id="x").id for s in (first, second)
    ]
    assert ids == ["a@2026-11-01T01:30-04:00", "a@2026-11-01T01:30-05:00"]


def test_an_id_writes_seconds_only_when_the_start_has_them() -> None:
    """A start with seconds (or an offset with seconds) is written in full, so ids stay distinct."""
    start = datetime(2026, 3, 2, 18, 0, 30, tzinfo=UTC)
    occ = Occurrence(start=start, end=start + timedelta(minutes=90, seconds=20), offering_id="a", component_id="x")
    assert occ.id == "a@2026-03-02T18:00:30+00:00"
    assert occ.minutes.value == 90  # a part of a minute is not counted
    odd = timezone(timedelta(minutes=19, seconds=32))  # Amsterdam's offset before 1937
    assert (
        Occurrence(
            start=datetime(1930, 1, 6, 9, tzinfo=odd),
            end=datetime(1930, 1, 6, 10, tzinfo=odd),
            offering_id="a",
            component_id="x",
        ).id
        == "a@1930-01-06T09:00:00+00:19:32"
    )


def test_ids_are_stable_when_a_calendar_is_expanded_again_or_read_back() -> None:
    """Expanding the same week twice, or in a dateutil zone, or reading it back, gives the same ids; ids are unique."""
    week = WeekSchedule(sessions=(_sunday("a", "01:30", "02:30"), _sunday("b", "02:30", "03:30")))
    first = expand(week, start=date(2026, 3, 1), weeks=40, tz=NY)
    again = expand(week, start=date(2026, 3, 1), weeks=40, tz=dtz.gettz("America/New_York"))
    back = from_dict(CalendarSchedule, to_dict(first))
    ids = [o.id for o in first.occurrences]
    assert ids == [o.id for o in again.occurrences] == [o.id for o in back.occurrences]
    assert len(set(ids)) == len(ids)
    assert all(o.minutes.value == 60 for o in first.occurrences)


@given(calendar_schedules())
@settings(max_examples=50)
def test_an_id_names_its_offering_and_start(calendar: CalendarSchedule) -> None:
    """The text before the last ``@`` is the offering id; after it, the start (it parses back to the same instant)."""
    for occ in calendar.occurrences:
        offering, _, start = occ.id.rpartition("@")
        assert offering == occ.offering_id
        parsed = datetime.fromisoformat(start)
        assert parsed == occ.start and parsed.utcoffset() == occ.start.utcoffset()
        assert occ.minutes.value == occ.duration // timedelta(minutes=1)


def test_a_given_id_or_minutes_must_be_the_derived_one() -> None:
    """``id`` and ``minutes`` may be given (documents carry them) but must follow from the other fields."""
    start = datetime(2026, 3, 2, 18, tzinfo=UTC)
    kwargs = {"start": start, "end": start + timedelta(hours=3), "offering_id": "a", "component_id": "x"}
    assert Occurrence(**kwargs, id="a@2026-03-02T18:00+00:00", minutes=Minutes(180)) == Occurrence(**kwargs)
    with pytest.raises(InvalidDataError) as info:
        Occurrence(**kwargs, id="b@2026-03-02T18:00+00:00")
    assert [(e.path, e.rule) for e in info.value.errors] == [("$.id", "derived")]
    with pytest.raises(InvalidDataError) as info:
        Occurrence(**kwargs, minutes=Minutes(179))
    assert [(e.path, e.rule) for e in info.value.errors] == [("$.minutes", "derived")]
    assert "180" in str(info.value)
