"""How the rules see time: ISO weeks of a patient's admissions, the scope of a period, open admissions.

Weeks are ISO weeks (Monday to Sunday) in each record's own UTC offset. A
patient's *assessed days* are the dates of their admissions (admission to
discharge, or to ``as_of`` while open) that also lie in ``period``. The weeks
of one patient bundle are computed once per evaluation and shared by the rules
(:func:`memo`).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any, Protocol, TypeVar

import attrs

from iopcore.compliance._checks import refuse
from iopcore.compliance._findings import Finding, Severity, WeekPolicy, found, span
from iopcore.compliance._records import PRESENT_STATUSES, AdmissionRecord, ComplianceRecords
from iopcore.sources import Source
from iopcore.times import DateRange

T = TypeVar("T")

BY_ID = operator.attrgetter("id")
BACK_TO_MONDAY = tuple(timedelta(days=i) for i in range(7))


LAST_AS_OF = date.max - timedelta(days=date.max.weekday() + 1)
"""The last ``as_of`` the rules take: the Sunday of the calendar's last complete ISO week (9999-12-26)."""


def check_as_of(callable: str, as_of: date) -> None:
    """Refuse an ``as_of`` whose ISO week runs past the end of the calendar."""
    if as_of > LAST_AS_OF:
        raise refuse(
            callable,
            "$.as_of",
            f"expected a date on or before {LAST_AS_OF.isoformat()} (the calendar's last complete ISO week), "
            "got a later date",
            "range",
        )


def plus_days(day: date, days: int) -> date:
    """*day* plus *days* (>= 0), or the calendar's last date if that lies beyond it (a deadline never reached)."""
    return date.max if days > (date.max - day).days else day + timedelta(days=days)


def minus_days(day: date, days: int) -> date:
    """*day* minus *days* (>= 0), or the calendar's first date if that lies before it."""
    return date.min if days > (day - date.min).days else day - timedelta(days=days)


def monday_of(day: date) -> date:
    """The Monday of *day*'s ISO week."""
    return day - BACK_TO_MONDAY[day.weekday()]


def hours_text(minutes: int) -> str:
    """Minutes as hours for a message: ``"8.98333 h"``."""
    return f"{minutes / 60:g} h"


def days_text(range_: DateRange) -> str:
    """A period for a message: ``"2026-01-05..2026-02-01"``."""
    return f"{range_.first.isoformat()}..{range_.last.isoformat()}"


def in_scope(day: date, period: DateRange, as_of: date) -> bool:
    """Whether *day* lies in *period* and not after *as_of*."""
    return period.first <= day <= min(period.last, as_of)


def open_admissions(records: ComplianceRecords, period: DateRange, as_of: date) -> list[AdmissionRecord]:
    """The admissions that overlap *period* up to *as_of*, by admission time and id."""
    last = min(period.last, as_of)
    return sorted(
        (
            a
            for a in records.admissions
            if a.admitted_at.date() <= last and (a.discharged_at is None or a.discharged_at.date() >= period.first)
        ),
        key=lambda a: (a.admitted_at, a.id),
    )


def admission_ids(records: ComplianceRecords, week: DateRange) -> tuple[str, ...]:
    """Ids of the admissions that overlap *week* (as evidence for a finding about an empty week)."""
    return tuple(
        sorted(
            a.id
            for a in records.admissions
            if a.admitted_at.date() <= week.last and (a.discharged_at is None or a.discharged_at.date() >= week.first)
        )
    )


@attrs.frozen
class Week:
    """One ISO week of a patient: its period, the assessed days and the closure days among them."""

    period: DateRange
    assessed: tuple[date, ...]
    closed: tuple[date, ...]
    inside: frozenset[date]
    """The assessed days as a set."""

    @property
    def full(self) -> bool:
        return len(self.assessed) == 7


_MEMO: dict[str, tuple[ComplianceRecords, DateRange, date, Any]] = {}


def memo(name: str, records: ComplianceRecords, period: DateRange, as_of: date, compute: Callable[[], T]) -> T:
    """The last result of *compute* for these very records (the rules of a set share per-patient weeks).

    A cache of one entry per helper, keyed on the identity of the (immutable)
    records: it changes speed only, never results.
    """
    hit = _MEMO.get(name)
    if hit is not None and hit[0] is records and hit[1] == period and hit[2] == as_of:
        return hit[3]  # type: ignore[no-any-return]
    value = compute()
    _MEMO[name] = (records, period, as_of, value)
    return value


def weeks(records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Week, ...]:
    """The assessed weeks of *records* (one patient's) in *period* up to *as_of*."""
    return memo("weeks", records, period, as_of, lambda: _compute_weeks(records, period, as_of))


def _spans(records: ComplianceRecords, period: DateRange, as_of: date) -> list[tuple[date, date]]:
    """Each admission's assessed dates as an inclusive (first, last) pair, clipped to the period and as_of."""
    last = min(period.last, as_of)
    spans: list[tuple[date, date]] = []
    for a in records.admissions:
        end = last if a.discharged_at is None else min(last, a.discharged_at.date())
        first = max(a.admitted_at.date(), period.first)
        if first <= end:
            spans.append((first, end))
    return spans


def _compute_weeks(records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Week, ...]:
    spans = _spans(records, period, as_of)
    if not spans:
        return ()
    closed_days = records._closed_days()
    lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
    out: list[Week] = []
    monday = lo - timedelta(days=lo.weekday())
    one_day = timedelta(days=1)
    while monday <= hi:
        sunday = monday + _SIX_DAYS
        if len(spans) == 1:
            out.append(_week(monday, max(monday, lo), min(sunday, hi), closed_days))
        else:
            week = (monday + one_day * i for i in range(7))
            assessed = tuple(d for d in week if any(f <= d <= e for f, e in spans))
            if assessed:
                out.append(_week_of(monday, assessed, closed_days))
        monday += _SEVEN_DAYS
    return tuple(out)


_SIX_DAYS, _SEVEN_DAYS = timedelta(days=6), timedelta(days=7)


@functools.lru_cache(maxsize=4096)
def _week(monday: date, first: date, last: date, closed_days: frozenset[date]) -> Week:
    """The week of *monday* assessed from *first* to *last* (patients share weeks: one value each, speed only)."""
    return _week_of(monday, _days_between(first, last), closed_days)


def _week_of(monday: date, assessed: tuple[date, ...], closed_days: frozenset[date]) -> Week:
    return Week(
        period=span(monday, monday + _SIX_DAYS),
        assessed=assessed,
        closed=tuple(d for d in assessed if d in closed_days) if closed_days else (),
        inside=_day_set(assessed),
    )


@functools.lru_cache(maxsize=4096)
def _days_between(first: date, last: date) -> tuple[date, ...]:
    """The dates *first* to *last* (patients share weeks: cached, speed only)."""
    return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))


@functools.lru_cache(maxsize=4096)
def _day_set(days: tuple[date, ...]) -> frozenset[date]:
    return frozenset(days)


class WeeklyRule(Protocol):
    """What :func:`skip_reason` and :func:`not_assessed` need from a weekly rule."""

    @property
    def id(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def partial_weeks(self) -> WeekPolicy: ...
    @property
    def closure_weeks(self) -> WeekPolicy: ...
    @property
    def source(self) -> Source: ...


def skip_reason(rule: WeeklyRule, week: Week) -> str | None:
    """Why *rule* does not judge its minimum in *week* (a partial or closure week it skips), or ``None``."""
    return _skip_reason(len(week.assessed), len(week.closed), rule.partial_weeks, rule.closure_weeks)


@functools.lru_cache(maxsize=256)
def _skip_reason(assessed: int, closed: int, partial_weeks: WeekPolicy, closure_weeks: WeekPolicy) -> str | None:
    """:func:`skip_reason` from the week's numbers of assessed and closure days (few: one string each, speed only)."""
    if assessed != 7 and partial_weeks is WeekPolicy.SKIP:
        return f"partial week ({assessed} of 7 days in the episode and period)"
    if closed and closure_weeks is WeekPolicy.SKIP:
        return f"closure week ({closed} closure day(s))"
    return None


def not_assessed(rule: WeeklyRule, pid: str, week: Week, reason: str, evidence: tuple[str, ...]) -> Finding:
    """The ``info`` finding ``week_not_assessed`` for a skipped week."""
    message = _not_assessed_text(week.period.first, reason)
    return found(rule, "week_not_assessed", pid, week.period, message, evidence, Severity.INFO)


@functools.lru_cache(maxsize=4096)
def _not_assessed_text(monday: date, reason: str) -> str:
    """The message of :func:`not_assessed` (patients share weeks and reasons: one string each, speed only)."""
    return f"Minimum not assessed for the week of {monday.isoformat()}: {reason}."


WeekRows = tuple[Week, int, tuple[str, ...], int, int, int]
"""An assessed week with its number of attendance records, evidence (the ids of those present, sorted), attended
minutes, days attended and sessions attended (present)."""

TimedRow = tuple[datetime, str, date, date, Any]
"""An attendance record's start, id, date and the Monday of its week, then the record itself."""


def weekly_attendance(
    records: ComplianceRecords, period: DateRange, as_of: date
) -> Iterator[tuple[str, Week, tuple[str, ...], int, int]]:
    """Each patient's assessed weeks with their evidence, minutes and days attended."""
    for pid, recs in records._by_patient().items():
        for week, _, evidence, minutes, days, _ in patient_weeks(recs, period, as_of):
            yield pid, week, evidence, minutes, days


def attendance_by_time(records: ComplianceRecords, period: DateRange, as_of: date) -> list[TimedRow]:
    """One patient's attendance by start time and id, each with its date and Monday (computed once per bundle)."""
    return memo("attendance_by_time", records, period, as_of, lambda: _timed_rows(records))


def _timed_rows(records: ComplianceRecords) -> list[TimedRow]:
    back = BACK_TO_MONDAY
    rows: list[TimedRow] = []
    for r in records.attendance:
        start = r.start
        day = start.date()
        rows.append((start, r.id, day, day - back[day.weekday()], r))
    rows.sort(key=_TIME_AND_ID)
    return rows


_TIME_AND_ID = operator.itemgetter(0, 1)


def patient_weeks(records: ComplianceRecords, period: DateRange, as_of: date) -> list[WeekRows]:
    """Each assessed week of one patient with its number of attendance records, evidence and totals."""
    return memo("patient_weeks", records, period, as_of, lambda: _compute_patient_weeks(records, period, as_of))


def _compute_patient_weeks(records: ComplianceRecords, period: DateRange, as_of: date) -> list[WeekRows]:
    by_week: dict[date, list[TimedRow]] = {}
    for row in attendance_by_time(records, period, as_of):
        rows = by_week.get(row[3])
        if rows is None:
            by_week[row[3]] = [row]
        else:
            rows.append(row)
    out: list[WeekRows] = []
    present_statuses = PRESENT_STATUSES
    for week in weeks(records, period, as_of):
        inside = week.inside
        sessions = minutes = present = 0
        days: set[date] = set()
        evidence: list[str] = []
        for _, rid, day, _, r in by_week.get(week.period.first, ()):
            if day not in inside:
                continue
            sessions += 1
            value = r.attended_minutes.value
            if value:
                minutes += value
                days.add(day)
            if r.status in present_statuses:
                present += 1
                evidence.append(rid)
        evidence.sort()
        out.append(
            (week, sessions, tuple(evidence) or admission_ids(records, week.period), minutes, len(days), present)
        )
    return out
