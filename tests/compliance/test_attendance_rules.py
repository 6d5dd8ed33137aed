"""Attendance rules: weekly hours and days (partial, closure and readmission weeks), services per day, attendance rate, absences."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore.compliance import (
    AttendanceRateRule,
    AttendanceStatus,
    ComplianceRecords,
    ConsecutiveAbsencesRule,
    DaysPerWeekRule,
    MissedSessionsRule,
    ServicesPerDayRule,
    Severity,
    WeeklyHoursRule,
    WeekPolicy,
)
from iopcore.errors import InvalidDataError
from iopcore.levels import HoursBand
from iopcore.times import DateRange, Minutes
from tests.builders import MONDAY, TEST_SOURCE, admission, bundle, codes, nth_day, session

WEEK = DateRange.of_days(MONDAY, 7)


HOURS = WeeklyHoursRule(id="hours", min_minutes=Minutes(540), max_minutes=Minutes(1199), source=TEST_SOURCE)


def test_exactly_the_minimum_passes_and_one_minute_less_fails() -> None:
    """540 minutes in a full week passes a 9-hour minimum; 539 fails with the shortfall in the message."""
    full = bundle(admission(), session("a", MONDAY, 270), session("b", nth_day(2), 270))
    assert HOURS.evaluate(full, WEEK, nth_day(6)) == ()
    short = bundle(admission(), session("a", MONDAY, 270), session("b", nth_day(2), 269))
    (finding,) = HOURS.evaluate(short, WEEK, nth_day(6))
    assert finding.code == "hours_below_minimum"
    assert finding.evidence == ("a", "b")
    assert "8.98333 h" in finding.message and "short by 1 min" in finding.message
    assert finding.period == WEEK
    assert finding.citation == TEST_SOURCE


def test_hours_above_the_maximum_are_reported_even_in_partial_weeks() -> None:
    """1,200 minutes exceeds a 9–19 h band (max 1,199) even in a partial week."""
    records = bundle(admission(day=nth_day(2)), *(session(f"s{i}", nth_day(2 + i), 300) for i in range(4)))
    findings = HOURS.evaluate(records, WEEK, nth_day(6))
    assert codes(findings) == ["hours_above_maximum", "week_not_assessed"]


def test_from_band_uses_the_half_open_band() -> None:
    """A 9–19 h band becomes 540 to 1,199 minutes."""
    rule = WeeklyHoursRule.from_band(HoursBand(min_hours=9, max_hours=20), id="h", source=TEST_SOURCE)
    assert (rule.min_minutes, rule.max_minutes) == (Minutes(540), Minutes(1199))


def test_partial_first_week_is_skipped_with_an_info_finding_or_assessed_by_policy() -> None:
    """Admission on Wednesday: the week is reported as not assessed, or judged when the policy says assess."""
    records = bundle(admission(day=nth_day(2)), session("a", nth_day(2), 60))
    (skipped,) = HOURS.evaluate(records, WEEK, nth_day(6))
    assert (skipped.code, skipped.severity) == ("week_not_assessed", Severity.INFO)
    assert "5 of 7 days" in skipped.message
    assessing = WeeklyHoursRule(
        id="hours", min_minutes=Minutes(540), partial_weeks=WeekPolicy.ASSESS, source=TEST_SOURCE
    )
    assert codes(assessing.evaluate(records, WEEK, nth_day(6))) == ["hours_below_minimum"]


def test_current_week_is_partial_until_it_ends() -> None:
    """A week not over by as_of is partial, so its minimum is not yet judged."""
    records = bundle(admission(), session("a", MONDAY, 60))
    assert codes(HOURS.evaluate(records, WEEK, nth_day(3))) == ["week_not_assessed"]


def test_closure_week_is_handled_explicitly() -> None:
    """A week with a closure day is not assessed by default and judged under the assess policy."""
    records = bundle(admission(), session("a", MONDAY, 60), closures=(DateRange.of_days(nth_day(3), 1),))
    (finding,) = HOURS.evaluate(records, WEEK, nth_day(6))
    assert finding.code == "week_not_assessed" and "closure" in finding.message
    assess = WeeklyHoursRule(id="h", min_minutes=Minutes(540), closure_weeks=WeekPolicy.ASSESS, source=TEST_SOURCE)
    assert codes(assess.evaluate(records, WEEK, nth_day(6))) == ["hours_below_minimum"]


def test_a_week_without_sessions_cites_the_admission() -> None:
    """An empty full week is below the minimum and cites the admission record."""
    (finding,) = HOURS.evaluate(bundle(admission()), WEEK, nth_day(6))
    assert finding.evidence == ("adm",)
    assert "0 h attended" in finding.message


def test_sessions_outside_the_episode_do_not_count() -> None:
    """Sessions after discharge are ignored by weekly rules."""
    records = bundle(admission(discharged=nth_day(1)), session("a", nth_day(4), 600))
    assert codes(HOURS.evaluate(records, WEEK, nth_day(6))) == ["week_not_assessed"]


def test_patients_without_admission_are_not_assessed_weekly() -> None:
    """Without an admission there are no assessed days, so weekly rules report nothing."""
    assert HOURS.evaluate(bundle(session("a", MONDAY, 10)), WEEK, nth_day(6)) == ()


def test_days_per_week_band() -> None:
    """Two days in a full week are below a 3–5 days band; six are above it."""
    rule = DaysPerWeekRule(id="days", min_days=3, max_days=5, source=TEST_SOURCE)
    two = bundle(admission(), session("a", MONDAY), session("b", nth_day(1)))
    assert codes(rule.evaluate(two, WEEK, nth_day(6))) == ["days_below_minimum"]
    six = bundle(admission(), *(session(f"s{i}", nth_day(i)) for i in range(6)))
    assert codes(rule.evaluate(six, WEEK, nth_day(6))) == ["days_above_maximum"]
    assert codes(rule.evaluate(bundle(admission(day=nth_day(1)), session("a", nth_day(1))), WEEK, nth_day(6))) == [
        "week_not_assessed"
    ]


def test_attendance_rate_window() -> None:
    """Attending 1 of 3 non-excused sessions in the window is below 80 %; excused sessions are left out."""
    rule = AttendanceRateRule(id="rate", window_days=7, min_rate=0.8, source=TEST_SOURCE)
    records = bundle(
        session("a", MONDAY),
        session("b", nth_day(1), status=AttendanceStatus.ABSENT),
        session("c", nth_day(2), status=AttendanceStatus.ABSENT),
        session("d", nth_day(3), status=AttendanceStatus.EXCUSED),
        session("old", nth_day(-10), status=AttendanceStatus.ABSENT),
    )
    (finding,) = rule.evaluate(records, DateRange(first=nth_day(-20), last=nth_day(6)), nth_day(6))
    assert finding.evidence == ("b", "c")
    assert "1 of 3" in finding.message and "33%" in finding.message
    assert rule.evaluate(bundle(session("a", MONDAY)), WEEK, nth_day(6)) == ()
    assert rule.evaluate(records, DateRange.of_days(nth_day(10), 1), nth_day(6)) == ()
    assert rule.evaluate(bundle(session("x", MONDAY, status=AttendanceStatus.EXCUSED)), WEEK, nth_day(6)) == ()


def test_consecutive_unexcused_absences() -> None:
    """Two absences in a row reach a limit of 2; an excused absence neither counts nor breaks the run."""
    rule = ConsecutiveAbsencesRule(id="abs", limit=2, source=TEST_SOURCE)
    records = bundle(
        session("a", MONDAY, status=AttendanceStatus.ABSENT),
        session("b", nth_day(1), status=AttendanceStatus.EXCUSED),
        session("c", nth_day(2), status=AttendanceStatus.ABSENT),
        session("d", nth_day(3)),
        session("e", nth_day(4), status=AttendanceStatus.ABSENT),
    )
    (finding,) = rule.evaluate(records, WEEK, nth_day(6))
    assert finding.evidence == ("a", "c")
    assert finding.period == DateRange(first=MONDAY, last=nth_day(2))


def test_services_per_treatment_day() -> None:
    """A day with 2 services is below Medicare's 3-service tier; a day with 3 passes."""
    rule = ServicesPerDayRule(id="spd", min_services=3, source=TEST_SOURCE)
    records = bundle(
        session("a", MONDAY, hour=9),
        session("b", MONDAY, hour=11),
        *(session(f"t{i}", nth_day(1), hour=9 + i) for i in range(3)),
        session("x", nth_day(2), status=AttendanceStatus.ABSENT),
    )
    (finding,) = rule.evaluate(records, WEEK, nth_day(6))
    assert (finding.evidence, finding.period) == (("a", "b"), WEEK)
    assert "2026-01-05 (2)" in finding.message
    tiered = ServicesPerDayRule(id="spd", min_services=3, upper_tier_at=4, source=TEST_SOURCE)
    more = bundle(*records.attendance, session("u", nth_day(1), hour=20))
    tiers = [f for f in tiered.evaluate(more, WEEK, nth_day(6)) if f.code == "service_day_tiers"]
    assert [(f.severity, f.message) for f in tiers] == [
        (Severity.INFO, "Week of 2026-01-05: 0 day(s) with 3 services, 1 day(s) with 4 or more.")
    ]
    wide = ServicesPerDayRule(id="spd", min_services=2, upper_tier_at=4, source=TEST_SOURCE)
    assert "2 day(s) with 2–3 services" in wide.evaluate(records, WEEK, nth_day(6))[0].message
    with pytest.raises(InvalidDataError):
        ServicesPerDayRule(id="spd", min_services=3, upper_tier_at=3, source=TEST_SOURCE)


def test_a_readmission_week_counts_only_episode_days() -> None:
    """Discharged Tuesday and readmitted Thursday: Wednesday is outside both episodes, so the week is partial."""
    records = bundle(
        admission("a1", day=nth_day(-7), discharged=nth_day(1)),
        admission("a2", day=nth_day(3)),
        session("s", nth_day(2), 600),
    )
    (finding,) = HOURS.evaluate(records, WEEK, nth_day(6))
    assert finding.code == "week_not_assessed" and "6 of 7 days" in finding.message
    assert finding.evidence == ("a1", "a2")


# ----------------------------------------------------------------------------- scheduled but not attended

MISSED = MissedSessionsRule(id="missed", source=TEST_SOURCE)


def test_each_week_with_unexcused_absences_lists_them_with_the_minutes() -> None:
    """Two absences and an excused one in a week: one finding citing the two, with scheduled and attended minutes."""
    records = bundle(
        admission(),
        session("a", MONDAY),
        session("b", nth_day(1), status=AttendanceStatus.ABSENT),
        session("c", nth_day(2), status=AttendanceStatus.EXCUSED),
        session("d", nth_day(3), status=AttendanceStatus.ABSENT),
        session("e", nth_day(8), status=AttendanceStatus.ABSENT),  # the next week
    )
    findings = MISSED.evaluate(records, DateRange.of_days(MONDAY, 14), nth_day(13))
    assert [(x.code, x.evidence, x.period.first) for x in findings] == [
        ("sessions_missed", ("b", "d"), MONDAY),
        ("sessions_missed", ("e",), nth_day(7)),
    ]
    assert "2 of 3 scheduled session(s) not attended" in findings[0].message
    assert "3 h attended of 9 h scheduled" in findings[0].message
    assert findings[0].severity is Severity.WARNING and findings[0].citation == TEST_SOURCE
    assert [(x.measured, x.threshold, x.unit) for x in findings] == [(2, 1, "sessions"), (1, 1, "sessions")]


@pytest.mark.parametrize(("absences", "reported"), [(1, False), (2, True), (3, True)])
def test_min_missed_is_the_least_number_of_absences_reported(absences: int, reported: bool) -> None:
    """With ``min_missed=2``, one absence in a week is not reported, two (at the cut-off) and three are."""
    rule = MissedSessionsRule(id="missed", min_missed=2, source=TEST_SOURCE)
    rows = [session(f"s{i}", nth_day(i), status=AttendanceStatus.ABSENT) for i in range(absences)]
    findings = rule.evaluate(bundle(admission(), *rows), WEEK, nth_day(6))
    assert bool(findings) is reported
    # measured: the week's unexcused absences, threshold: min_missed (measured >= threshold when reported)
    assert [(x.measured, x.threshold, x.unit) for x in findings] == ([(absences, 2, "sessions")] if reported else [])


def test_partly_attended_sessions_are_reported_on_request() -> None:
    """Late and left-early sessions give one info finding a week with ``partly_attended``; none without it."""
    late = attrs.evolve(session("a", MONDAY, status=AttendanceStatus.LATE), attended_minutes=Minutes(150))
    records = bundle(admission(), late, session("b", nth_day(1), status=AttendanceStatus.LEFT_EARLY))
    assert MISSED.evaluate(records, WEEK, nth_day(6)) == ()
    rule = MissedSessionsRule(id="missed", partly_attended=True, source=TEST_SOURCE)
    [finding] = rule.evaluate(records, WEEK, nth_day(6))
    assert (finding.code, finding.evidence, finding.severity) == ("sessions_partly_attended", ("a", "b"), Severity.INFO)
    assert (finding.measured, finding.threshold, finding.unit) == (2, None, "sessions")  # two sessions in part
    assert "late (150 of 180 min)" in finding.message and "left_early (180 of 180 min)" in finding.message
    within_grace = attrs.evolve(late, status=AttendanceStatus.ATTENDED)  # minutes short, but on time by the policy
    assert rule.evaluate(bundle(admission(), within_grace), WEEK, nth_day(6)) == ()


def test_records_after_as_of_or_outside_the_period_are_not_judged() -> None:
    """An absence after ``as_of`` is not reported yet."""
    records = bundle(admission(), session("a", nth_day(5), status=AttendanceStatus.ABSENT))
    assert MISSED.evaluate(records, WEEK, nth_day(4)) == ()
    assert codes(MISSED.evaluate(records, WEEK, nth_day(5))) == ["sessions_missed"]


def _services_oracle(records: ComplianceRecords, rule: ServicesPerDayRule, period: DateRange, as_of: date) -> set[Any]:
    """What ``services_per_day`` should find, worked out from the definition: present sessions counted per date
    (in each record's own offset), the dates below the minimum grouped by ISO week."""
    per_day: dict[date, list[str]] = {}
    for r in records.attendance:
        if r.present and period.first <= r.start.date() <= min(period.last, as_of):
            per_day.setdefault(r.start.date(), []).append(r.id)
    weeks: dict[date, list[date]] = {}
    for day, ids in per_day.items():
        if len(ids) < rule.min_services:
            weeks.setdefault(day - timedelta(days=day.weekday()), []).append(day)
    out = set()
    for monday, days in weeks.items():
        days.sort()
        listed = ", ".join(f"{d.isoformat()} ({len(per_day[d])})" for d in days)
        evidence = tuple(sorted(i for d in days for i in per_day[d]))
        fewest = min(len(per_day[d]) for d in days)
        out.add((monday, evidence, fewest, listed))
    return out


@given(
    st.lists(
        st.tuples(
            st.integers(0, 13),
            st.integers(0, 23),
            st.sampled_from([-12, -5, 0, 9, 14]),
            st.sampled_from([AttendanceStatus.ATTENDED, AttendanceStatus.LATE, AttendanceStatus.ABSENT]),
        ),
        max_size=30,
    ),
    st.integers(1, 4),
)
def test_services_per_day_counts_dates_in_each_records_own_offset_whatever_their_time_order(
    rows: list[tuple[int, int, int, AttendanceStatus]], least: int
) -> None:
    """Sessions in several UTC offsets (so that time order and date order differ) give the findings worked out
    from the definition: per date, per ISO week, the dates below the minimum, their counts and their records."""
    items = []
    for i, (n, hour, offset, status) in enumerate(rows):
        start = datetime.combine(nth_day(n), time(hour), tzinfo=timezone(timedelta(hours=offset)))
        present = status is not AttendanceStatus.ABSENT
        items.append(
            attrs.evolve(
                session(f"s{i:02}", nth_day(n), status=status),
                start=start,
                end=start + timedelta(minutes=60),
                scheduled_minutes=Minutes(60),
                attended_minutes=Minutes(60 if present else 0),
            )
        )
    records = bundle(admission(), *items)
    rule = ServicesPerDayRule(id="spd", min_services=least, source=TEST_SOURCE)
    period = DateRange.of_days(MONDAY, 14)
    found = rule.evaluate(records, period, nth_day(13))
    got = {(x.period.first, x.evidence, x.measured, x.message.split(": ", 1)[1][:-1]) for x in found}
    assert got == _services_oracle(records, rule, period, nth_day(13))
    assert all(x.period.last - x.period.first == timedelta(days=6) for x in found)
