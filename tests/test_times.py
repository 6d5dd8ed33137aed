"""Time vocabulary: clock times, durations, weekly intervals, availability and date ranges."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore import strategies as ist
from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.times import (
    END_OF_DAY,
    MIDNIGHT,
    ClockTime,
    DateRange,
    Minutes,
    Weekday,
    WeeklyAvailability,
    WeeklyInterval,
)


def minute_set(windows: WeeklyAvailability | tuple[WeeklyInterval, ...]) -> set[tuple[int, int]]:
    """The (weekday, minute) pairs covered: a brute-force model of availability."""
    items = windows.windows if isinstance(windows, WeeklyAvailability) else windows
    return {(w.weekday, m) for w in items for m in range(w.start.minute_of_day, w.end.minute_of_day)}


class TestWeekday:
    def test_iso_numbering_monday_first(self) -> None:
        """Weekdays follow ISO numbering, Monday = 1 … Sunday = 7."""
        assert [d.value for d in Weekday] == [1, 2, 3, 4, 5, 6, 7]
        assert Weekday.of(date(2026, 11, 23)) is Weekday.MONDAY
        assert Weekday.of(date(2026, 11, 29)) is Weekday.SUNDAY

    @pytest.mark.parametrize("text", ["monday", "Mon", " MONDAY ", "mon"])
    def test_parse_names_and_abbreviations(self, text: str) -> None:
        """Full names and three-letter abbreviations parse in any case."""
        assert Weekday.parse(text) is Weekday.MONDAY

    @pytest.mark.parametrize("text", ["mo", "funday", "", 1])
    def test_parse_rejects_other_text(self, text: object) -> None:
        """Anything else is an InvalidDataError."""
        with pytest.raises(InvalidDataError):
            Weekday.parse(text)  # type: ignore[arg-type]

    def test_str_and_short(self) -> None:
        """str() is the lowercase name, .short the abbreviation."""
        assert str(Weekday.FRIDAY) == "friday"
        assert Weekday.FRIDAY.short == "Fri"


class TestClockTime:
    @given(ist.clock_times())
    def test_parse_inverts_str(self, t: ClockTime) -> None:
        """ClockTime.parse(str(t)) == t for every clock time."""
        assert ClockTime.parse(str(t)) == t

    @given(st.integers(0, 1440))
    def test_minute_of_day_round_trip(self, m: int) -> None:
        """from_minute_of_day and minute_of_day are inverse."""
        assert ClockTime.from_minute_of_day(m).minute_of_day == m

    @pytest.mark.parametrize("text", ["8:30", "08:60", "25:00", "24:01", "0830", "08:30:00", ""])
    def test_parse_rejects_malformed(self, text: str) -> None:
        """Only HH:MM from 00:00 to 24:00 parses."""
        with pytest.raises(InvalidDataError):
            ClockTime.parse(text)

    @pytest.mark.parametrize(("h", "m"), [(-1, 0), (25, 0), (24, 30), (12, 60), (True, 0)])
    def test_constructor_rejects_out_of_range(self, h: int, m: int) -> None:
        """Hours 0–24, minutes 0–59, and 24 only with 0 minutes."""
        with pytest.raises(InvalidDataError):
            ClockTime(h, m)

    def test_ordering_and_constants(self) -> None:
        """Clock times order chronologically; 00:00 and 24:00 are the day's ends."""
        assert MIDNIGHT < ClockTime(8, 30) < ClockTime(13, 0) < END_OF_DAY
        assert str(END_OF_DAY) == "24:00"

    def test_time_conversions(self) -> None:
        """Conversion to and from datetime.time; 24:00 and seconds are refused."""
        assert ClockTime.from_time(time(9, 15)) == ClockTime(9, 15)
        assert ClockTime(9, 15).to_time() == time(9, 15)
        with pytest.raises(InvalidDataError):
            END_OF_DAY.to_time()
        with pytest.raises(InvalidDataError):
            ClockTime.from_time(time(9, 15, 30))
        with pytest.raises(InvalidDataError):
            ClockTime.from_time("09:15")  # type: ignore[arg-type]
        with pytest.raises(InvalidDataError):
            ClockTime.from_minute_of_day(1441)
        with pytest.raises(InvalidDataError):
            ClockTime.from_minute_of_day("1")  # type: ignore[arg-type]

    def test_arithmetic_with_minutes(self) -> None:
        """plus() moves forward within the day; minutes_until() measures forward."""
        assert ClockTime(8, 0).plus(Minutes(90)) == ClockTime(9, 30)
        assert ClockTime(8, 0).minutes_until(ClockTime(9, 30)) == Minutes(90)
        with pytest.raises(InvalidDataError):
            ClockTime(9, 0).minutes_until(ClockTime(8, 0))
        with pytest.raises(InvalidDataError):
            ClockTime(23, 0).plus(Minutes(120))


class TestMinutes:
    @given(ist.minutes(), ist.minutes())
    def test_addition_and_subtraction(self, a: Minutes, b: Minutes) -> None:
        """(a + b) - b == a and sum() works from 0."""
        assert (a + b) - b == a
        assert sum([a, b]) == a + b

    def test_cannot_go_negative(self) -> None:
        """Subtracting a longer duration raises."""
        with pytest.raises(InvalidDataError):
            Minutes(10) - Minutes(20)
        with pytest.raises(InvalidDataError):
            Minutes(-1)

    def test_hours_and_from_hours(self) -> None:
        """Hours convert exactly; fractions of a minute are refused."""
        assert Minutes(90).hours == 1.5
        assert Minutes.from_hours(19.5) == Minutes(1170)
        for bad in (-1, 1 / 7, float("nan"), float("inf"), "2", True):
            with pytest.raises(InvalidDataError):
                Minutes.from_hours(bad)  # type: ignore[arg-type]

    def test_multiplication_and_str(self) -> None:
        """Integer scaling and a readable str()."""
        assert Minutes(50) * 3 == Minutes(150) == 3 * Minutes(50)
        assert [str(Minutes(v)) for v in (45, 60, 150)] == ["45 min", "1 h", "2 h 30 min"]

    def test_mixed_operands_are_refused(self) -> None:
        """Minutes do not add to bare numbers (separate types for separate meanings)."""
        with pytest.raises(TypeError):
            Minutes(5) + 5  # type: ignore[operator]
        with pytest.raises(TypeError):
            Minutes(5) - 5  # type: ignore[operator]
        with pytest.raises(TypeError):
            Minutes(5) * 1.5  # type: ignore[operator]
        with pytest.raises(TypeError):
            "x" + Minutes(5)  # type: ignore[operator]


class TestWeeklyInterval:
    def test_end_must_follow_start(self) -> None:
        """An interval ends after it starts, on the same day."""
        with pytest.raises(InvalidDataError) as info:
            WeeklyInterval.of("monday", "10:00", "10:00")
        assert info.value.paths == ("$.end",)

    @given(ist.weekly_intervals(), ist.weekly_intervals())
    def test_overlap_matches_minute_sets(self, a: WeeklyInterval, b: WeeklyInterval) -> None:
        """overlaps() and contains() agree with the brute-force minute sets."""
        sa, sb = minute_set((a,)), minute_set((b,))
        assert a.overlaps(b) == bool(sa & sb)
        assert a.contains(b) == (sb <= sa)

    def test_gap_and_duration(self) -> None:
        """Gaps between same-day intervals; None across days or when they overlap."""
        a = WeeklyInterval.of("monday", "09:00", "10:00")
        b = WeeklyInterval.of("monday", "10:15", "11:00")
        assert a.duration == Minutes(60)
        assert a.gap_to(b) == b.gap_to(a) == Minutes(15)
        assert a.gap_to(WeeklyInterval.of("tuesday", "10:15", "11:00")) is None
        assert a.gap_to(WeeklyInterval.of("monday", "09:30", "11:00")) is None
        assert str(a) == "Mon 09:00–10:00"


class TestWeeklyAvailability:
    @given(st.lists(ist.weekly_intervals(), max_size=8))
    def test_normalized_sorted_disjoint_and_same_minutes(self, raw: list[WeeklyInterval]) -> None:
        """Windows are sorted, pairwise separated (not even touching) and cover exactly the input minutes."""
        a = WeeklyAvailability(windows=raw)
        assert list(a.windows) == sorted(a.windows)
        for x, y in zip(a.windows, a.windows[1:], strict=False):
            assert x.weekday != y.weekday or x.end < y.start
        assert minute_set(a) == minute_set(tuple(raw))
        assert a.total.value == len(minute_set(a))

    @given(ist.weekly_availabilities(), ist.weekly_availabilities())
    def test_set_operations_match_minute_sets(self, a: WeeklyAvailability, b: WeeklyAvailability) -> None:
        """union, intersection and difference behave as on sets of minutes."""
        assert minute_set(a.union(b)) == minute_set(a) | minute_set(b)
        assert minute_set(a.intersection(b)) == minute_set(a) & minute_set(b)
        assert minute_set(a.difference(b)) == minute_set(a) - minute_set(b)

    @given(ist.weekly_availabilities(), ist.weekly_intervals())
    def test_contains_means_inside_one_window(self, a: WeeklyAvailability, w: WeeklyInterval) -> None:
        """An interval is contained iff all its minutes are available (windows are merged)."""
        assert (w in a) == (minute_set((w,)) <= minute_set(a))

    def test_working_patient_example(self) -> None:
        """The week minus Mon–Fri 08:00–16:30 leaves evenings and the weekend."""
        work = WeeklyAvailability.daily("08:00", "16:30", days=[Weekday(i) for i in range(1, 6)])
        free = WeeklyAvailability.whole_week().difference(work)
        evening = WeeklyInterval.of("wednesday", "18:00", "21:00")
        assert evening in free
        assert WeeklyInterval.of("wednesday", "09:00", "12:00") not in free
        assert free.days == frozenset(Weekday)
        assert free.total == Minutes(7 * 1440 - 5 * 510)
        assert free.windows_on(Weekday.SATURDAY) == (WeeklyInterval.of("saturday", "00:00", "24:00"),)

    def test_empty_and_str(self) -> None:
        """The empty availability is empty and says so."""
        assert WeeklyAvailability().is_empty
        assert str(WeeklyAvailability()) == "(never available)"
        assert "Mon 18:00–21:00" in str(WeeklyAvailability.of(WeeklyInterval.of("mon", "18:00", "21:00")))
        assert "x" not in WeeklyAvailability.whole_week()

    def test_rejects_non_intervals(self) -> None:
        """Windows must be WeeklyInterval values; the bad index is named."""
        with pytest.raises(InvalidDataError) as info:
            WeeklyAvailability(windows=(WeeklyInterval.of("mon", "08:00", "09:00"), "tue 08:00"))  # type: ignore[arg-type]
        assert info.value.paths == ("$.windows[1]",)
        with pytest.raises(InvalidDataError):
            WeeklyAvailability(windows="mon")  # type: ignore[arg-type]


class TestDateRange:
    def test_inclusive_days_and_iteration(self) -> None:
        """Both ends are included."""
        r = DateRange(first=date(2026, 1, 1), last=date(2026, 1, 3))
        assert r.days == 3
        assert list(r.dates()) == [date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)]
        assert date(2026, 1, 3) in r
        assert date(2026, 1, 4) not in r
        assert datetime(2026, 1, 2, tzinfo=UTC) not in r
        assert str(r) == "2026-01-01..2026-01-03"

    def test_last_before_first_is_rejected(self) -> None:
        """first <= last."""
        with pytest.raises(InvalidDataError) as info:
            DateRange(first=date(2026, 1, 2), last=date(2026, 1, 1))
        assert info.value.paths == ("$.last",)

    def test_datetimes_are_not_dates(self) -> None:
        """A datetime is refused where a calendar date is expected."""
        with pytest.raises(InvalidDataError):
            DateRange(first=datetime(2026, 1, 1, tzinfo=UTC), last=date(2026, 1, 2))

    @given(ist.date_ranges(max_days=400), ist.date_ranges(max_days=400))
    def test_overlap_and_intersection(self, a: DateRange, b: DateRange) -> None:
        """intersection() is exactly the shared dates."""
        shared = set(a.dates()) & set(b.dates())
        assert a.overlaps(b) == bool(shared)
        inter = a.intersection(b)
        assert (set(inter.dates()) if inter else set()) == shared

    @given(ist.date_ranges(max_days=100))
    def test_iso_weeks_cover_every_date(self, r: DateRange) -> None:
        """iso_weeks() lists each ISO week touched, once, in order."""
        expected = list(dict.fromkeys((d.isocalendar().year, d.isocalendar().week) for d in r.dates()))
        assert list(r.iso_weeks()) == expected

    def test_constructors(self) -> None:
        """of_days and of_weeks build ranges of the given length."""
        assert DateRange.of_days(date(2026, 1, 1), 1).last == date(2026, 1, 1)
        assert DateRange.of_weeks(date(2026, 1, 5), 2).last == date(2026, 1, 18)
        for bad in (0, -1, True):
            with pytest.raises(InvalidDataError):
                DateRange.of_days(date(2026, 1, 1), bad)
            with pytest.raises(InvalidDataError):
                DateRange.of_weeks(date(2026, 1, 1), bad)
        assert (
            DateRange.of_days(date(2026, 1, 1), 10).intersection(
                DateRange.of_days(date(2026, 1, 1) + timedelta(days=20), 1)
            )
            is None
        )


class TestBoundary:
    """Careless callers get iopcore errors that name the argument, never builtin exceptions."""

    def test_a_date_given_as_a_string_is_refused_by_name(self) -> None:
        """DateRange.of_weeks("2026-03-02", 4) names $.first."""
        with pytest.raises(InvalidArgumentError) as info:
            DateRange.of_weeks("2026-03-02", 4)  # type: ignore[arg-type]
        assert info.value.paths == ("$.first",) and info.value.callable == "DateRange.of_weeks"
        with pytest.raises(InvalidArgumentError) as info:
            DateRange.of_days(datetime(2026, 3, 2, tzinfo=UTC), 4)
        assert info.value.paths == ("$.first",)

    @pytest.mark.parametrize(("first", "weeks"), [(date(2026, 3, 2), 10**30), (date(9999, 12, 20), 2)])
    def test_ranges_past_the_last_date_are_refused_not_overflowed(self, first: date, weeks: int) -> None:
        """A range that would end after 9999-12-31 is an error on $.weeks, not an OverflowError."""
        with pytest.raises(InvalidArgumentError) as info:
            DateRange.of_weeks(first, weeks)
        assert info.value.paths == ("$.weeks",)
        with pytest.raises(InvalidArgumentError) as info:
            DateRange.of_days(first, 7 * weeks)
        assert info.value.paths == ("$.days",)
        assert DateRange.of_days(date(9999, 12, 25), 7).last == date.max

    def test_numpy_integers_count_and_bools_do_not(self) -> None:
        """numpy integers are integers; bools and weekdays are not numbers."""
        np = pytest.importorskip("numpy")
        assert DateRange.of_days(date(2026, 1, 1), np.int64(3)).days == 3
        assert ClockTime.from_minute_of_day(np.int16(90)) == ClockTime(1, 30)
        assert Minutes.from_hours(np.float32(1.5)) == Minutes(90)
        assert Minutes(10) * np.int64(3) == Minutes(30)
        with pytest.raises(TypeError):
            Minutes(10) * Weekday.TUESDAY  # type: ignore[operator]
        for bad in (True, Weekday.MONDAY, 10**400):
            with pytest.raises(InvalidArgumentError) as info:
                Minutes.from_hours(bad)  # type: ignore[arg-type]
            assert info.value.paths == ("$.hours",)

    def test_iso_weeks_reach_the_last_date(self) -> None:
        """A range ending on date.max lists its weeks without overflowing."""
        r = DateRange(first=date(9999, 12, 15), last=date.max)
        assert r.iso_weeks() == ((9999, 50), (9999, 51), (9999, 52))
        assert list(r.dates())[-1] == date.max

    @pytest.mark.parametrize(
        ("call", "path"),
        [
            (lambda: Weekday.parse("funday"), "$.text"),
            (lambda: Weekday.of(datetime(2026, 1, 1, tzinfo=UTC)), "$.day"),
            (lambda: ClockTime.parse("25:00"), "$.text"),
            (lambda: ClockTime.parse(930), "$.text"),
            (lambda: ClockTime.from_time(time(9, 0, tzinfo=UTC)), "$.value"),
            (lambda: ClockTime.from_time(time(9, 0, 1)), "$.value"),
            (lambda: ClockTime.from_minute_of_day(1441), "$.minute_of_day"),
            (lambda: ClockTime(23, 0).plus(Minutes(61)), "$.duration"),
            (lambda: ClockTime(23, 0).plus(90), "$.duration"),
            (lambda: ClockTime(9, 0).minutes_until(ClockTime(8, 0)), "$.later"),
            (lambda: WeeklyInterval.of("someday", "09:00", "10:00"), "$.weekday"),
            (lambda: WeeklyInterval.of("mon", "9:00", "10:00"), "$.start"),
            (lambda: WeeklyInterval.of("mon", "09:00", "08:00"), "$.end"),
            (lambda: WeeklyInterval.of(1, "09:00", "10:00"), "$.weekday"),
            (lambda: WeeklyAvailability.daily("09:00", "08:00"), "$.end"),
            (lambda: WeeklyAvailability.daily("09:00", "10:00", days=[Weekday.MONDAY, 2]), "$.days[1]"),
            (lambda: WeeklyAvailability.of(WeeklyInterval.of("mon", "09:00", "10:00"), None), "$.windows[1]"),
            (lambda: WeeklyAvailability().windows_on("monday"), "$.weekday"),
            (lambda: WeeklyAvailability().union(None), "$.other"),
            (lambda: WeeklyAvailability().contains(ClockTime(9, 0)), "$.interval"),
            (lambda: DateRange.of_days(date(2026, 1, 1), 1).overlaps("2026"), "$.other"),
            (lambda: DateRange.of_days(date(2026, 1, 1), 1).dates(3), "$"),
        ],
    )
    def test_bad_arguments_name_their_parameter(self, call: Any, path: str) -> None:
        """Each refusal is an InvalidArgumentError whose path names the parameter and echoes no value."""
        with pytest.raises(InvalidArgumentError) as info:
            call()
        assert info.value.paths == (path,)
        assert "funday" not in str(info.value) and "25:00" not in str(info.value)

    @pytest.mark.parametrize(
        "strategy",
        [
            ist.clock_times(),
            ist.minutes(),
            ist.weekly_intervals(),
            ist.weekly_availabilities(),
            ist.date_ranges(),
            st.sampled_from(Weekday),
        ],
        ids=["ClockTime", "Minutes", "WeeklyInterval", "WeeklyAvailability", "DateRange", "Weekday"],
    )
    @given(data=st.data())
    def test_values_pickle_to_equal_values_and_hash(
        self, strategy: st.SearchStrategy[Any], data: st.DataObject
    ) -> None:
        """Every time value survives a pickle round trip equal, with the same hash."""
        value = data.draw(strategy)
        copy = pickle.loads(pickle.dumps(value))
        assert copy == value and hash(copy) == hash(value)
