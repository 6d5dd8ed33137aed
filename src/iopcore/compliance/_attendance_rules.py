"""Attendance rules: weekly hours and days, services per treatment day, attendance rate, absences in a row,
sessions scheduled but not attended.

A week whose seven days are not all assessed is *partial*; a week with a
program closure day is a *closure week*. What a weekly rule does with them is
explicit: :attr:`WeekPolicy.SKIP` (the default) reports an ``info`` finding
``week_not_assessed`` instead of judging the minimum; :attr:`WeekPolicy.ASSESS`
judges it like any other week. Maximums are judged in every week.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any, final

import attrs

from iopcore import _fields as f
from iopcore.compliance._checks import check_as_fields
from iopcore.compliance._findings import Collector, Finding, Severity, WeekPolicy, finish, found, span
from iopcore.compliance._periods import (
    BACK_TO_MONDAY,
    Week,
    attendance_by_time,
    check_as_of,
    days_text,
    hours_text,
    in_scope,
    minus_days,
    not_assessed,
    skip_reason,
    weekly_attendance,
)
from iopcore.compliance._records import PRESENT_STATUSES, AttendanceStatus, ComplianceRecords
from iopcore.compliance._rule_fields import (
    check_order,
    id_field,
    int_field,
    kind_field,
    opt_int_field,
    opt_minutes_field,
    policy_field,
    severity_field,
    source_field,
)
from iopcore.levels import HoursBand
from iopcore.sources import Source
from iopcore.times import DateRange, Minutes

__all__ = [
    "AttendanceRateRule",
    "ConsecutiveAbsencesRule",
    "DaysPerWeekRule",
    "MissedSessionsRule",
    "ServicesPerDayRule",
    "WeeklyHoursRule",
]


@final
@attrs.frozen(kw_only=True)
class WeeklyHoursRule:
    """Attended minutes per ISO week within ``[min_minutes, max_minutes]`` (both inclusive)."""

    kind: str = kind_field("weekly_hours")
    id: str = id_field()
    min_minutes: Minutes | None = opt_minutes_field()
    max_minutes: Minutes | None = opt_minutes_field()
    severity: Severity = severity_field(Severity.VIOLATION)
    partial_weeks: WeekPolicy = policy_field()
    closure_weeks: WeekPolicy = policy_field()
    source: Source = source_field()

    def __attrs_post_init__(self) -> None:
        lo = None if self.min_minutes is None else self.min_minutes.value
        hi = None if self.max_minutes is None else self.max_minutes.value
        check_order(self, lo, hi, "max_minutes")

    @classmethod
    @f.guard
    def from_band(
        cls,
        band: HoursBand,
        *,
        id: str,
        source: Source,
        severity: Severity = Severity.VIOLATION,
        partial_weeks: WeekPolicy = WeekPolicy.SKIP,
        closure_weeks: WeekPolicy = WeekPolicy.SKIP,
    ) -> WeeklyHoursRule:
        """The rule for a level's half-open band ``[min_hours, max_hours)``: 9–19 h is 540 to 1199 minutes."""
        check_as_fields("WeeklyHoursRule.from_band", WeeklyHoursRule, id=id)
        return cls(
            id=id,
            min_minutes=band.min_minutes,
            max_minutes=band.max_minutes,
            severity=severity,
            partial_weeks=partial_weeks,
            closure_weeks=closure_weeks,
            source=source,
        )

    @f.guard
    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Findings ``hours_below_minimum``, ``hours_above_maximum`` and ``week_not_assessed``."""
        check_as_of("WeeklyHoursRule.evaluate", as_of)
        return self._evaluate(records, period, as_of)

    def _evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        out: list[Finding] = []
        self._collect(records, period, as_of, out)
        return finish(out)

    def _collect(self, records: ComplianceRecords, period: DateRange, as_of: date, out: list[Finding]) -> None:
        """Append the findings to *out*, unsorted (what :func:`~iopcore.compliance.evaluate` runs)."""
        high = None if self.max_minutes is None else self.max_minutes.value
        low = None if self.min_minutes is None else self.min_minutes.value
        for pid, week, evidence, minutes, _days in weekly_attendance(records, period, as_of):
            if high is not None and minutes > high:
                message = (
                    f"{hours_text(minutes)} attended in the week of {week.period.first.isoformat()}, "
                    f"above the maximum of {hours_text(high)}."
                )
                out.append(
                    found(
                        self,
                        "hours_above_maximum",
                        pid,
                        week.period,
                        message,
                        evidence,
                        self.severity,
                        measured=minutes,
                        threshold=high,
                        unit="minutes",
                    )
                )
            if low is None or not evidence:
                continue
            reason = skip_reason(self, week)
            if reason is not None:
                out.append(not_assessed(self, pid, week, reason, evidence))
            elif minutes < low:
                message = (
                    f"{hours_text(minutes)} attended in the week of {week.period.first.isoformat()}, "
                    f"below the minimum of {hours_text(low)} (short by {low - minutes} min)."
                )
                out.append(
                    found(
                        self,
                        "hours_below_minimum",
                        pid,
                        week.period,
                        message,
                        evidence,
                        self.severity,
                        measured=minutes,
                        threshold=low,
                        unit="minutes",
                    )
                )


@final
@attrs.frozen(kw_only=True)
class DaysPerWeekRule:
    """Days with attended minutes per ISO week within ``[min_days, max_days]``."""

    kind: str = kind_field("days_per_week")
    id: str = id_field()
    min_days: int | None = opt_int_field(0, 7)
    max_days: int | None = opt_int_field(0, 7)
    severity: Severity = severity_field(Severity.WARNING)
    partial_weeks: WeekPolicy = policy_field()
    closure_weeks: WeekPolicy = policy_field()
    source: Source = source_field()

    def __attrs_post_init__(self) -> None:
        check_order(self, self.min_days, self.max_days, "max_days")

    @f.guard
    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Findings ``days_below_minimum``, ``days_above_maximum`` and ``week_not_assessed``."""
        check_as_of("DaysPerWeekRule.evaluate", as_of)
        return self._evaluate(records, period, as_of)

    def _evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        out: list[Finding] = []
        self._collect(records, period, as_of, out)
        return finish(out)

    def _collect(self, records: ComplianceRecords, period: DateRange, as_of: date, out: list[Finding]) -> None:
        """Append the findings to *out*, unsorted (what :func:`~iopcore.compliance.evaluate` runs)."""
        for pid, week, evidence, _minutes, days in weekly_attendance(records, period, as_of):
            if self.max_days is not None and days > self.max_days:
                message = f"{_days_text(days, week)}, above the maximum of {self.max_days}."
                out.append(
                    found(
                        self,
                        "days_above_maximum",
                        pid,
                        week.period,
                        message,
                        evidence,
                        self.severity,
                        measured=days,
                        threshold=self.max_days,
                        unit="days",
                    )
                )
            if self.min_days is None or not evidence:
                continue
            reason = skip_reason(self, week)
            if reason is not None:
                out.append(not_assessed(self, pid, week, reason, evidence))
            elif days < self.min_days:
                message = f"{_days_text(days, week)}, below the minimum of {self.min_days}."
                out.append(
                    found(
                        self,
                        "days_below_minimum",
                        pid,
                        week.period,
                        message,
                        evidence,
                        self.severity,
                        measured=days,
                        threshold=self.min_days,
                        unit="days",
                    )
                )


@final
@attrs.frozen(kw_only=True)
class ServicesPerDayRule:
    """Each treatment day has at least ``min_services`` services (Medicare pays IOP days with 3 and with 4+ services).

    With ``upper_tier_at`` set (Medicare: 4), an ``info`` finding
    ``service_day_tiers`` per week counts the days in the lower tier
    (``min_services`` up to ``upper_tier_at - 1`` services) and in the upper tier.
    """

    kind: str = kind_field("services_per_day")
    id: str = id_field()
    min_services: int = int_field(1)
    upper_tier_at: int | None = opt_int_field(1)
    severity: Severity = severity_field(Severity.WARNING)
    source: Source = source_field()

    def __attrs_post_init__(self) -> None:
        if self.upper_tier_at is not None and self.upper_tier_at <= self.min_services:
            raise f.fail("$.upper_tier_at", "expected upper_tier_at > min_services, got a smaller int", "order", self)

    @f.guard
    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Finding ``services_below_minimum`` per ISO week that has treatment days with fewer services."""
        check_as_of("ServicesPerDayRule.evaluate", as_of)
        return self._evaluate(records, period, as_of)

    def _evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        out: list[Finding] = []
        self._collector()(records, period, as_of, out)
        return finish(out)

    def _collector(self) -> Collector:
        """Findings appended unsorted, a week at a time: attendance comes by time, so a week's days are together."""
        least, upper = self.min_services, self.upper_tier_at
        needed = f"{least} services: "
        texts: dict[tuple[date, int], str] = {}  # "2026-01-05 (2)": days and counts repeat across patients
        heads: dict[tuple[int, date], str] = {}  # "2 treatment day(s) in the week of 2026-01-05 with fewer than …"

        def week_findings(pid: str, monday: date, days: list[tuple[date, list[str]]], out: list[Finding]) -> None:
            low = [(d, ids) for d, ids in days if len(ids) < least]
            if upper is not None and len(low) < len(days):
                tiers = [(d, ids) for d, ids in days if len(ids) >= least]
                out.append(self._tiers(pid, monday, tiers, upper))
            if not low:
                return
            parts = []
            evidence: list[str] = []
            fewest = least
            for d, ids in low:
                n = len(ids)
                text = texts.get((d, n))
                if text is None:
                    text = texts[d, n] = f"{d.isoformat()} ({n})"
                parts.append(text)
                evidence += ids
                if n < fewest:
                    fewest = n
            head = heads.get((len(low), monday))
            if head is None:
                head = heads[len(low), monday] = (
                    f"{len(low)} treatment day(s) in the week of {monday.isoformat()} with fewer than {needed}"
                )
            evidence.sort()
            out.append(
                found(
                    self,
                    "services_below_minimum",
                    pid,
                    span(monday, monday + _SIX_DAYS),
                    f"{head}{', '.join(parts)}.",
                    tuple(evidence),
                    self.severity,
                    measured=fewest,  # the day furthest below the minimum
                    threshold=least,
                    unit="services",
                )
            )

        def collect(records: ComplianceRecords, period: DateRange, as_of: date, out: list[Finding]) -> None:
            first, last = period.first, min(period.last, as_of)
            present = PRESENT_STATUSES
            for pid, recs in records._by_patient().items():
                by_day: dict[date, list[str]] = {}
                for _, rid, day, _, r in attendance_by_time(recs, period, as_of):
                    if first <= day <= last and r.status in present:
                        ids = by_day.get(day)
                        if ids is None:
                            by_day[day] = [rid]
                        else:
                            ids.append(rid)
                # Days in date order (each record's day is in its own offset: not always in time order), by week.
                week: list[tuple[date, list[str]]] = []
                this_monday = None
                for day in sorted(by_day):
                    monday = day - BACK_TO_MONDAY[day.weekday()]
                    if monday != this_monday:
                        if week:
                            week_findings(pid, this_monday, week, out)  # type: ignore[arg-type]
                        week, this_monday = [], monday
                    week.append((day, by_day[day]))
                if week:
                    week_findings(pid, this_monday, week, out)  # type: ignore[arg-type]

        return collect

    def _tiers(self, pid: str, monday: date, days: list[tuple[date, list[str]]], upper: int) -> Finding:
        high = sum(1 for _, ids in days if len(ids) >= upper)
        low = str(self.min_services) if upper - 1 == self.min_services else f"{self.min_services}–{upper - 1}"
        message = (
            f"Week of {monday.isoformat()}: {len(days) - high} day(s) with {low} services, "
            f"{high} day(s) with {upper} or more."
        )
        evidence = tuple(sorted(i for _, ids in days for i in ids))
        week = span(monday, monday + _SIX_DAYS)
        return found(self, "service_day_tiers", pid, week, message, evidence, Severity.INFO)


@final
@attrs.frozen(kw_only=True)
class AttendanceRateRule:
    """Share of scheduled (non-excused) sessions attended over the last ``window_days`` up to ``as_of``."""

    kind: str = kind_field("attendance_rate")
    id: str = id_field()
    window_days: int = int_field(1)
    min_rate: float = attrs.field(converter=f.to_float, validator=f.number(min_value=0, max_value=1))
    severity: Severity = severity_field(Severity.WARNING)
    source: Source = source_field()

    @f.guard
    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Finding ``attendance_rate_below`` when attended / (attended + absent) < ``min_rate``."""
        check_as_of("AttendanceRateRule.evaluate", as_of)
        return self._evaluate(records, period, as_of)

    def _evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        out: list[Finding] = []
        self._collect(records, period, as_of, out)
        return finish(out)

    def _collect(self, records: ComplianceRecords, period: DateRange, as_of: date, out: list[Finding]) -> None:
        """Append the findings to *out*, unsorted (what :func:`~iopcore.compliance.evaluate` runs)."""
        last = min(period.last, as_of)
        first = max(period.first, minus_days(last, self.window_days - 1))
        if first > last:
            return
        window = span(first, last)
        excused = AttendanceStatus.EXCUSED
        for pid, recs in records._by_patient().items():
            scheduled = 0
            absent: list[str] = []
            for _, rid, day, _, r in attendance_by_time(recs, period, as_of):
                status = r.status
                if status is not excused and first <= day <= last:
                    scheduled += 1
                    if status not in PRESENT_STATUSES:
                        absent.append(rid)
            if not scheduled:
                continue
            present = scheduled - len(absent)
            if present < self.min_rate * scheduled:
                message = (
                    f"Attended {present} of {scheduled} scheduled sessions ({present / scheduled:.0%}) "
                    f"in {days_text(window)}, below {self.min_rate:.0%}."
                )
                evidence = tuple(sorted(absent))
                out.append(
                    found(
                        self,
                        "attendance_rate_below",
                        pid,
                        window,
                        message,
                        evidence,
                        self.severity,
                        measured=present / scheduled,
                        threshold=self.min_rate,
                        unit="ratio",
                    )
                )


@final
@attrs.frozen(kw_only=True)
class ConsecutiveAbsencesRule:
    """A run of ``limit`` or more unexcused absences in a row (excused absences neither count nor break a run)."""

    kind: str = kind_field("consecutive_absences")
    id: str = id_field()
    limit: int = int_field(1)
    severity: Severity = severity_field(Severity.WARNING)
    source: Source = source_field()

    @f.guard
    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Finding ``consecutive_absences`` for each run of at least ``limit`` absences."""
        check_as_of("ConsecutiveAbsencesRule.evaluate", as_of)
        return self._evaluate(records, period, as_of)

    def _evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        out: list[Finding] = []
        self._collect(records, period, as_of, out)
        return finish(out)

    def _collect(self, records: ComplianceRecords, period: DateRange, as_of: date, out: list[Finding]) -> None:
        """Append the findings to *out*, unsorted (what :func:`~iopcore.compliance.evaluate` runs)."""
        for pid, recs in records._by_patient().items():
            first, last = period.first, min(period.last, as_of)
            rows = [
                r
                for _, _, day, _, r in attendance_by_time(recs, period, as_of)
                if r.status is not AttendanceStatus.EXCUSED and first <= day <= last
            ]
            run: list[Any] = []
            for r in [*rows, None]:
                if r is not None and r.status is AttendanceStatus.ABSENT:
                    run.append(r)
                    continue
                if len(run) >= self.limit:
                    first = run[0].start.date()
                    when = span(first, max(run[-1].start.date(), first))
                    message = f"{len(run)} unexcused absences in a row (limit {self.limit})."
                    out.append(
                        found(
                            self,
                            "consecutive_absences",
                            pid,
                            when,
                            message,
                            tuple(x.id for x in run),
                            self.severity,
                            measured=len(run),
                            threshold=self.limit,
                            unit="absences",
                        )
                    )
                run = []


_SIX_DAYS = timedelta(days=6)


def _days_text(days: int, week: Week) -> str:
    """The start of a days-per-week message: "3 day(s) attended in the week of 2026-01-05"."""
    return f"{days} day(s) attended in the week of {week.period.first.isoformat()}"


_PARTLY = frozenset({AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY})


@final
@attrs.frozen(kw_only=True)
class MissedSessionsRule:
    """Scheduled sessions not attended, per ISO week: what compares the calendar with the attendance.

    Each attendance record stands for one scheduled session (as
    :func:`iopcore.schedule.match_attendance` makes them: one per expected session, absent where no
    check-in came). A week with at least ``min_missed`` unexcused absences gets a finding
    ``sessions_missed`` listing them, with the scheduled and attended minutes of the week; with
    ``partly_attended``, a week with late or left-early sessions gets an ``info`` finding
    ``sessions_partly_attended`` (a session attended within the program's grace period is
    ``attended``, not reported). Excused absences are never reported. No cited rule sets
    how many missed sessions matter: ``min_missed`` is the program's policy (1 reports every one).
    """

    kind: str = kind_field("missed_sessions")
    id: str = id_field()
    min_missed: int = int_field(1, default=1)
    partly_attended: bool = attrs.field(default=False, validator=f.boolean())
    severity: Severity = severity_field(Severity.WARNING)
    source: Source = source_field()

    @f.guard
    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Findings ``sessions_missed`` and (with ``partly_attended``) ``sessions_partly_attended``, per week."""
        check_as_of("MissedSessionsRule.evaluate", as_of)
        return self._evaluate(records, period, as_of)

    def _evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        out: list[Finding] = []
        self._collect(records, period, as_of, out)
        return finish(out)

    def _collect(self, records: ComplianceRecords, period: DateRange, as_of: date, out: list[Finding]) -> None:
        """Append the findings to *out*, unsorted (what :func:`~iopcore.compliance.evaluate` runs)."""
        for pid, recs in records._by_patient().items():
            weeks: dict[date, list[Any]] = defaultdict(list)
            for _, _, day, monday, r in attendance_by_time(recs, period, as_of):  # by start and id
                if in_scope(day, period, as_of):
                    weeks[monday].append(r)
            for monday, rows in weeks.items():
                week = span(monday, monday + timedelta(days=6))
                counted = [r for r in rows if r.status is not AttendanceStatus.EXCUSED]
                missed = [r for r in counted if r.status is AttendanceStatus.ABSENT]
                scheduled = sum(r.scheduled_minutes.value for r in counted)
                attended = sum(r.attended_minutes.value for r in counted)
                when = f"in the week of {monday.isoformat()}"
                if missed and len(missed) >= self.min_missed:
                    listed = ", ".join(r.start.date().isoformat() for r in missed)
                    message = (
                        f"{len(missed)} of {len(counted)} scheduled session(s) not attended {when}: {listed} "
                        f"({hours_text(attended)} attended of {hours_text(scheduled)} scheduled)."
                    )
                    evidence = tuple(r.id for r in missed)
                    out.append(
                        found(
                            self,
                            "sessions_missed",
                            pid,
                            week,
                            message,
                            evidence,
                            self.severity,
                            measured=len(missed),
                            threshold=self.min_missed,
                            unit="sessions",
                        )
                    )
                partial = [r for r in counted if r.status in _PARTLY]
                if self.partly_attended and partial:
                    listed = ", ".join(
                        f"{r.start.date().isoformat()} {r.status.value} "
                        f"({r.attended_minutes.value} of {r.scheduled_minutes.value} min)"
                        for r in partial
                    )
                    message = f"{len(partial)} session(s) attended in part {when}: {listed}."
                    evidence = tuple(r.id for r in partial)
                    out.append(
                        found(
                            self,
                            "sessions_partly_attended",
                            pid,
                            week,
                            message,
                            evidence,
                            Severity.INFO,
                            measured=len(partial),
                            unit="sessions",
                        )
                    )
