"""Findings, the :class:`Rule` protocol and the built-in rules.

Every rule is a frozen value with an ``id`` (unique within a rule set), a
``severity``, its thresholds and the ``source`` of those thresholds. Rules are
pure: ``rule.evaluate(records, period, as_of)`` looks only at records dated
within ``period`` and on or before ``as_of`` and returns findings sorted by
:func:`finding_sort_key`.

Weeks are ISO weeks (Monday to Sunday) in each record's own UTC offset. A
patient's *assessed days* are the dates of their admissions (admission to
discharge, or to ``as_of`` while open) that also lie in ``period``. A week
whose seven days are not all assessed is *partial*; a week with a program
closure day is a *closure week*. What a weekly rule does with them is
explicit: :attr:`WeekPolicy.SKIP` (the default) reports an ``info`` finding
``week_not_assessed`` instead of judging the minimum; :attr:`WeekPolicy.ASSESS`
judges it like any other week. Maximums are judged in every week.
"""

from __future__ import annotations

import enum
import functools
import itertools
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any, Protocol, TypeVar, final, runtime_checkable

import attrs

from iopcore import _fields as f
from iopcore.compliance._drugtests import (
    HHS_2025,
    SPECIMEN_VALIDITY,
    CutoffPanel,
    SpecimenValidityRules,
    TestResult,
    _read,
)
from iopcore.compliance._records import (
    PRESENT_STATUSES,
    AdmissionRecord,
    AttendanceStatus,
    Certification,
    CertificationKind,
    ComplianceRecords,
    DrugTestStatus,
    PlanEventKind,
)
from iopcore.levels import HoursBand
from iopcore.sources import Source
from iopcore.times import DateRange, Minutes

__all__ = [
    "AttendanceRateRule",
    "AuthorizationRule",
    "BuiltinRule",
    "CertificationRule",
    "ConsecutiveAbsencesRule",
    "DaysPerWeekRule",
    "DrugTestFrequencyRule",
    "DrugTestResultRule",
    "Finding",
    "LengthOfStayRule",
    "MissedTestRule",
    "PlanReviewRule",
    "PlanWrittenRule",
    "Rule",
    "ServicesPerDayRule",
    "Severity",
    "WeekPolicy",
    "WeeklyHoursRule",
    "finding_sort_key",
]


class Severity(enum.StrEnum):
    """How serious a finding is, from ``info`` to ``critical``."""

    INFO = "info"
    WARNING = "warning"
    VIOLATION = "violation"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for info up to 3 for critical."""
        return _RANKS[self]


_RANKS = {s: i for i, s in enumerate(Severity)}
T = TypeVar("T")


class WeekPolicy(enum.StrEnum):
    """What a weekly rule does with a partial or closure week."""

    SKIP = "skip"
    """Do not judge the minimum; report an ``info`` finding ``week_not_assessed``."""
    ASSESS = "assess"
    """Judge the minimum as in a full week."""


@final
@attrs.frozen(kw_only=True)
class Finding:
    """One thing a rule found: which rule, how serious, when, why (with numbers), evidence and citation."""

    rule_id: str = attrs.field(validator=f.identifier())
    code: str = attrs.field(validator=f.identifier())
    """What was found, e.g. ``"hours_below_minimum"``."""
    severity: Severity = attrs.field(validator=f.enum_member(Severity))
    patient_id: str = f.phi_field(validator=f.text(max_length=128))
    period: DateRange = attrs.field(validator=f.instance(DateRange, "a DateRange"))
    message: str = attrs.field(validator=f.text())
    evidence: tuple[str, ...] = attrs.field(
        converter=f.to_tuple, validator=f.tuple_of(str, description="record id strings", min_length=1)
    )
    """Ids of the records the finding rests on (at least one)."""
    citation: Source = attrs.field(validator=f.instance(Source, "a Source"))


# Findings and their periods are derived from validated records, so rules build
# them without re-running validators (``trusted``). These two are the hottest
# constructors of an evaluation and are spelled out field by field; a test checks
# that they set exactly the classes' fields and build values equal to validated ones.
_new = object.__new__
_F_RULE, _F_CODE, _F_SEVERITY, _F_PATIENT, _F_PERIOD, _F_MESSAGE, _F_EVIDENCE, _F_CITATION = (
    getattr(Finding, a.name).__set__ for a in attrs.fields(Finding)
)
_D_FIRST, _D_LAST = (getattr(DateRange, a.name).__set__ for a in attrs.fields(DateRange))


def _found(
    *,
    rule_id: str,
    code: str,
    severity: Severity,
    patient_id: str,
    period: DateRange,
    message: str,
    evidence: tuple[str, ...],
    citation: Source,
) -> Finding:
    obj: Finding = _new(Finding)
    _F_RULE(obj, rule_id)
    _F_CODE(obj, code)
    _F_SEVERITY(obj, severity)
    _F_PATIENT(obj, patient_id)
    _F_PERIOD(obj, period)
    _F_MESSAGE(obj, message)
    _F_EVIDENCE(obj, evidence)
    _F_CITATION(obj, citation)
    return obj


def _span(*, first: date, last: date) -> DateRange:
    return _shared_span(first, last)


@functools.lru_cache(maxsize=4096)
def _shared_span(first: date, last: date) -> DateRange:
    """One shared value per period: findings mostly repeat a few hundred days and weeks.

    Sharing immutable periods keeps an evaluation's surviving objects few, which
    spares the interpreter's full garbage collections over the caller's records.
    """
    obj: DateRange = _new(DateRange)
    _D_FIRST(obj, first)
    _D_LAST(obj, last)
    return obj


def finding_sort_key(finding: Finding) -> tuple[Any, ...]:
    """Findings sort by time, then most severe first, then rule, code, patient and evidence."""
    return _leading_key(finding) + _trailing_key(finding)


def _leading_key(x: Finding) -> tuple[date, int, date, str, str]:
    return (x.period.first, -x.severity.rank, x.period.last, x.rule_id, x.code)


def _trailing_key(x: Finding) -> tuple[str, tuple[str, ...], str]:
    return (x.patient_id, x.evidence, x.message)


def sorted_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """*findings* in :func:`finding_sort_key` order, sorted in two steps for speed.

    Findings are grouped by the key's leading fields (period, severity, rule and
    code); groups are few, and within a group only patient, evidence and message
    remain to compare, which usually arrive in order already.
    """
    groups: dict[tuple[date, int, date, str, str], list[Finding]] = {}
    for x in findings:
        key = _leading_key(x)
        group = groups.get(key)
        if group is None:
            groups[key] = [x]
        else:
            group.append(x)
    out: list[Finding] = []
    for key in sorted(groups):
        group = groups[key]
        if len(group) > 1:
            group.sort(key=_trailing_key)
        out.extend(group)
    return tuple(out)


@runtime_checkable
class Rule(Protocol):
    """Anything that turns records into findings.

    ``evaluate`` must be pure and deterministic: the same records (in any
    order), period and ``as_of`` give the same findings.
    """

    @property
    def id(self) -> str:
        """The rule's id, unique within a rule set."""

    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """The findings for *records* in *period*, knowing only what happened by *as_of*."""


# ----------------------------------------------------------------------------- field helpers


def _kind(value: str) -> Any:
    def check(inst: Any, attribute: attrs.Attribute[Any], got: Any) -> None:
        if got != value:
            raise f.fail(attribute, f"expected the string {value!r}", "kind", inst)

    return attrs.field(default=value, validator=check)


def _id() -> Any:
    return attrs.field(validator=f.identifier())


def _severity(default: Severity) -> Any:
    return attrs.field(default=default, validator=f.enum_member(Severity))


def _source() -> Any:
    return attrs.field(validator=f.instance(Source, "a Source"))


def _policy() -> Any:
    return attrs.field(default=WeekPolicy.SKIP, validator=f.enum_member(WeekPolicy))


def _opt_int(lo: int, hi: int | None = None) -> Any:
    return attrs.field(
        default=None,
        converter=attrs.converters.optional(f.to_int),
        validator=f.optional(f.integer(min_value=lo, max_value=hi)),
    )


def _opt_minutes() -> Any:
    return attrs.field(default=None, validator=f.optional(f.instance(Minutes, "a Minutes")))


def _check_order(owner: object, lo: float | None, hi: float | None, hi_name: str, *, need_one: bool = True) -> None:
    if need_one and lo is None and hi is None:
        raise f.fail(f"$.{hi_name}", "expected a minimum or a maximum, got neither", "empty", owner)
    if lo is not None and hi is not None and hi < lo:
        raise f.fail(f"$.{hi_name}", "expected the maximum >= the minimum, got a smaller value", "order", owner)


# ----------------------------------------------------------------------------- per-patient helpers


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g} h"


_BY_ID = operator.attrgetter("id")
_BACK_TO_MONDAY = tuple(timedelta(days=i) for i in range(7))


def monday_of(day: date) -> date:
    """The Monday of *day*'s ISO week."""
    return day - _BACK_TO_MONDAY[day.weekday()]


def _days(range_: DateRange) -> str:
    return f"{range_.first.isoformat()}..{range_.last.isoformat()}"


@attrs.frozen
class _Week:
    period: DateRange
    assessed: tuple[date, ...]
    closed: tuple[date, ...]
    inside: frozenset[date]
    """The assessed days as a set."""

    @property
    def full(self) -> bool:
        return len(self.assessed) == 7


_MEMO: dict[str, tuple[ComplianceRecords, DateRange, date, Any]] = {}


def _memo(name: str, records: ComplianceRecords, period: DateRange, as_of: date, compute: Callable[[], T]) -> T:
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


def _weeks(records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[_Week, ...]:
    return _memo("weeks", records, period, as_of, lambda: _compute_weeks(records, period, as_of))


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


def _compute_weeks(records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[_Week, ...]:
    spans = _spans(records, period, as_of)
    if not spans:
        return ()
    closed_days = records.closed_days()
    lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
    out: list[_Week] = []
    monday = lo - timedelta(days=lo.weekday())
    one_day = timedelta(days=1)
    while monday <= hi:
        sunday = monday + timedelta(days=6)
        if len(spans) == 1:
            assessed = _days_between(max(monday, lo), min(sunday, hi))
        else:
            week = (monday + one_day * i for i in range(7))
            assessed = tuple(d for d in week if any(f <= d <= e for f, e in spans))
        if assessed:
            out.append(
                _Week(
                    period=_span(first=monday, last=sunday),
                    assessed=assessed,
                    closed=tuple(d for d in assessed if d in closed_days) if closed_days else (),
                    inside=_day_set(assessed),
                )
            )
        monday += timedelta(days=7)
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def _days_between(first: date, last: date) -> tuple[date, ...]:
    """The dates *first* to *last* (patients share weeks: cached, speed only)."""
    return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))


@functools.lru_cache(maxsize=4096)
def _day_set(days: tuple[date, ...]) -> frozenset[date]:
    return frozenset(days)


def _admission_ids(records: ComplianceRecords, week: DateRange) -> tuple[str, ...]:
    """Ids of the admissions that overlap *week* (as evidence for a finding about an empty week)."""
    return tuple(
        sorted(
            a.id
            for a in records.admissions
            if a.admitted_at.date() <= week.last and (a.discharged_at is None or a.discharged_at.date() >= week.first)
        )
    )


def _finish(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=finding_sort_key))


def _skip_reason(rule: _WeeklyRule, week: _Week) -> str | None:
    if not week.full and rule.partial_weeks is WeekPolicy.SKIP:
        return f"partial week ({len(week.assessed)} of 7 days in the episode and period)"
    if week.closed and rule.closure_weeks is WeekPolicy.SKIP:
        return f"closure week ({len(week.closed)} closure day(s))"
    return None


class _WeeklyRule(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def partial_weeks(self) -> WeekPolicy: ...
    @property
    def closure_weeks(self) -> WeekPolicy: ...
    @property
    def source(self) -> Source: ...


def _not_assessed(rule: _WeeklyRule, pid: str, week: _Week, reason: str, evidence: tuple[str, ...]) -> Finding:
    return _found(
        rule_id=rule.id,
        code="week_not_assessed",
        severity=Severity.INFO,
        patient_id=pid,
        period=week.period,
        message=f"Minimum not assessed for the week of {week.period.first.isoformat()}: {reason}.",
        evidence=evidence,
        citation=rule.source,
    )


_WeekRows = tuple[_Week, list[Any], tuple[str, ...]]


def _weekly_attendance(
    records: ComplianceRecords, period: DateRange, as_of: date
) -> Iterator[tuple[str, _Week, list[Any], tuple[str, ...]]]:
    for pid, recs in records.by_patient().items():
        for week, rows, evidence in _patient_weeks(recs, period, as_of):
            yield pid, week, rows, evidence


def _patient_weeks(records: ComplianceRecords, period: DateRange, as_of: date) -> list[_WeekRows]:
    """Each assessed week of one patient with its attendance rows (sorted by id) and evidence."""
    return _memo("patient_weeks", records, period, as_of, lambda: _compute_patient_weeks(records, period, as_of))


def _compute_patient_weeks(records: ComplianceRecords, period: DateRange, as_of: date) -> list[_WeekRows]:
    by_week: dict[date, list[tuple[date, Any]]] = defaultdict(list)
    for r in records.attendance:
        day = r.start.date()
        by_week[monday_of(day)].append((day, r))
    out: list[_WeekRows] = []
    for week in _weeks(records, period, as_of):
        inside = week.inside
        rows = sorted((r for day, r in by_week.get(week.period.first, ()) if day in inside), key=_BY_ID)
        evidence = tuple(r.id for r in rows if r.present) or _admission_ids(records, week.period)
        out.append((week, rows, evidence))
    return out


# ----------------------------------------------------------------------------- weekly rules


@final
@attrs.frozen(kw_only=True)
class WeeklyHoursRule:
    """Attended minutes per ISO week within ``[min_minutes, max_minutes]`` (both inclusive)."""

    kind: str = _kind("weekly_hours")
    id: str = _id()
    min_minutes: Minutes | None = _opt_minutes()
    max_minutes: Minutes | None = _opt_minutes()
    severity: Severity = _severity(Severity.VIOLATION)
    partial_weeks: WeekPolicy = _policy()
    closure_weeks: WeekPolicy = _policy()
    source: Source = _source()

    def __attrs_post_init__(self) -> None:
        lo = None if self.min_minutes is None else self.min_minutes.value
        hi = None if self.max_minutes is None else self.max_minutes.value
        _check_order(self, lo, hi, "max_minutes")

    @classmethod
    def from_band(cls, band: HoursBand, *, id: str, source: Source, **kwargs: Any) -> WeeklyHoursRule:
        """The rule for a level's half-open band ``[min_hours, max_hours)``: 9–19 h is 540 to 1199 minutes."""
        return cls(id=id, min_minutes=band.min_minutes, max_minutes=band.max_minutes, source=source, **kwargs)

    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Findings ``hours_below_minimum``, ``hours_above_maximum`` and ``week_not_assessed``."""
        out: list[Finding] = []
        for pid, week, rows, evidence in _weekly_attendance(records, period, as_of):
            minutes = sum(r.attended_minutes.value for r in rows)
            if self.max_minutes is not None and minutes > self.max_minutes.value:
                out.append(
                    _found(
                        rule_id=self.id,
                        code="hours_above_maximum",
                        severity=self.severity,
                        patient_id=pid,
                        period=week.period,
                        message=f"{_hours(minutes)} attended in the week of {week.period.first.isoformat()}, "
                        f"above the maximum of {_hours(self.max_minutes.value)}.",
                        evidence=evidence,
                        citation=self.source,
                    )
                )
            if self.min_minutes is None or not evidence:
                continue
            reason = _skip_reason(self, week)
            if reason is not None:
                out.append(_not_assessed(self, pid, week, reason, evidence))
            elif minutes < self.min_minutes.value:
                out.append(
                    _found(
                        rule_id=self.id,
                        code="hours_below_minimum",
                        severity=self.severity,
                        patient_id=pid,
                        period=week.period,
                        message=f"{_hours(minutes)} attended in the week of {week.period.first.isoformat()}, "
                        f"below the minimum of {_hours(self.min_minutes.value)} "
                        f"(short by {self.min_minutes.value - minutes} min).",
                        evidence=evidence,
                        citation=self.source,
                    )
                )
        return _finish(out)


@final
@attrs.frozen(kw_only=True)
class DaysPerWeekRule:
    """Days with attended minutes per ISO week within ``[min_days, max_days]``."""

    kind: str = _kind("days_per_week")
    id: str = _id()
    min_days: int | None = _opt_int(0, 7)
    max_days: int | None = _opt_int(0, 7)
    severity: Severity = _severity(Severity.WARNING)
    partial_weeks: WeekPolicy = _policy()
    closure_weeks: WeekPolicy = _policy()
    source: Source = _source()

    def __attrs_post_init__(self) -> None:
        _check_order(self, self.min_days, self.max_days, "max_days")

    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Findings ``days_below_minimum``, ``days_above_maximum`` and ``week_not_assessed``."""
        out: list[Finding] = []
        for pid, week, rows, evidence in _weekly_attendance(records, period, as_of):
            days = len({r.start.date() for r in rows if r.attended_minutes.value > 0})
            text = f"{days} day(s) attended in the week of {week.period.first.isoformat()}"
            if self.max_days is not None and days > self.max_days:
                out.append(
                    self._finding(
                        pid, week, "days_above_maximum", f"{text}, above the maximum of {self.max_days}.", evidence
                    )
                )
            if self.min_days is None or not evidence:
                continue
            reason = _skip_reason(self, week)
            if reason is not None:
                out.append(_not_assessed(self, pid, week, reason, evidence))
            elif days < self.min_days:
                out.append(
                    self._finding(
                        pid, week, "days_below_minimum", f"{text}, below the minimum of {self.min_days}.", evidence
                    )
                )
        return _finish(out)

    def _finding(self, pid: str, week: _Week, code: str, message: str, evidence: tuple[str, ...]) -> Finding:
        return _found(
            rule_id=self.id,
            code=code,
            severity=self.severity,
            patient_id=pid,
            period=week.period,
            message=message,
            evidence=evidence,
            citation=self.source,
        )


@final
@attrs.frozen(kw_only=True)
class DrugTestFrequencyRule:
    """At least ``min_tests_per_week`` collected tests per ISO week; optionally a maximum gap early on.

    TIP 47: collection "not less than once a week", and "every 3 days in the
    first weeks of treatment". The early window has no published length:
    ``early_window_days`` is ``None`` (off) until a program sets it.
    """

    kind: str = _kind("drug_test_frequency")
    id: str = _id()
    min_tests_per_week: int = attrs.field(default=1, converter=f.to_int, validator=f.integer(min_value=1, max_value=7))
    early_window_days: int | None = _opt_int(1)
    max_interval_days: int = attrs.field(default=3, converter=f.to_int, validator=f.integer(min_value=1))
    severity: Severity = _severity(Severity.WARNING)
    partial_weeks: WeekPolicy = _policy()
    closure_weeks: WeekPolicy = _policy()
    source: Source = _source()

    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Findings ``tests_below_weekly_minimum``, ``test_interval_exceeded`` and ``week_not_assessed``."""
        out: list[Finding] = []
        for pid, recs in records.by_patient().items():
            collected = sorted(
                (t for t in recs.drug_tests if t.status is DrugTestStatus.COLLECTED),
                key=lambda t: (t.collected_at, t.id),
            )
            by_week: dict[date, list[Any]] = defaultdict(list)
            for t in collected:
                day = t.collected_at.date()
                by_week[monday_of(day)].append((day, t))
            for week in _weeks(recs, period, as_of):
                inside = week.inside
                tests = [t for day, t in by_week.get(week.period.first, ()) if day in inside]
                evidence = tuple(sorted(t.id for t in tests)) or _admission_ids(recs, week.period)
                if not evidence:
                    continue
                reason = _skip_reason(self, week)
                if reason is not None:
                    out.append(_not_assessed(self, pid, week, reason, evidence))
                elif len(tests) < self.min_tests_per_week:
                    out.append(
                        _found(
                            rule_id=self.id,
                            code="tests_below_weekly_minimum",
                            severity=self.severity,
                            patient_id=pid,
                            period=week.period,
                            message=f"{len(tests)} drug test(s) collected in the week of "
                            f"{week.period.first.isoformat()}, below the minimum of {self.min_tests_per_week}.",
                            evidence=evidence,
                            citation=self.source,
                        )
                    )
            if self.early_window_days is not None:
                out.extend(self._early(pid, recs, collected, period, as_of))
        return _finish(out)

    def _early(
        self, pid: str, recs: ComplianceRecords, collected: list[Any], period: DateRange, as_of: date
    ) -> Iterator[Finding]:
        assert self.early_window_days is not None
        for admission in sorted(recs.admissions, key=lambda a: (a.admitted_at, a.id)):
            start = admission.admitted_at.date()
            window_end = min(start + timedelta(days=self.early_window_days - 1), as_of, period.last)
            if admission.discharged_at is not None:
                window_end = min(window_end, admission.discharged_at.date())
            if window_end < max(start, period.first):
                continue
            marks: list[tuple[date, str]] = [(start, admission.id)]
            marks += [(t.collected_at.date(), t.id) for t in collected if start <= t.collected_at.date() <= window_end]
            marks.append((window_end + timedelta(days=1), ""))
            for (a_day, a_id), (b_day, b_id) in itertools.pairwise(marks):
                gap = (b_day - a_day).days
                if gap > self.max_interval_days:
                    evidence = tuple(x for x in (a_id, b_id) if x)
                    yield _found(
                        rule_id=self.id,
                        code="test_interval_exceeded",
                        severity=self.severity,
                        patient_id=pid,
                        period=_span(first=a_day, last=b_day - timedelta(days=1)),
                        message=f"{gap} days without a drug test in the first {self.early_window_days} days of "
                        f"treatment, more than the interval of {self.max_interval_days} days.",
                        evidence=evidence,
                        citation=self.source,
                    )


# ----------------------------------------------------------------------------- attendance patterns


def _in_scope(day: date, period: DateRange, as_of: date) -> bool:
    return period.first <= day <= min(period.last, as_of)


@final
@attrs.frozen(kw_only=True)
class AttendanceRateRule:
    """Share of scheduled (non-excused) sessions attended over the last ``window_days`` up to ``as_of``."""

    kind: str = _kind("attendance_rate")
    id: str = _id()
    window_days: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=1))
    min_rate: float = attrs.field(converter=f.to_float, validator=f.number(min_value=0, max_value=1))
    severity: Severity = _severity(Severity.WARNING)
    source: Source = _source()

    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Finding ``attendance_rate_below`` when attended / (attended + absent) < ``min_rate``."""
        last = min(period.last, as_of)
        first = max(period.first, last - timedelta(days=self.window_days - 1))
        if first > last:
            return ()
        window = _span(first=first, last=last)
        out: list[Finding] = []
        for pid, recs in records.by_patient().items():
            rows = [r for r in recs.attendance if r.start.date() in window and r.status is not AttendanceStatus.EXCUSED]
            if not rows:
                continue
            present = sum(1 for r in rows if r.present)
            if present < self.min_rate * len(rows):
                out.append(
                    _found(
                        rule_id=self.id,
                        code="attendance_rate_below",
                        severity=self.severity,
                        patient_id=pid,
                        period=window,
                        message=f"Attended {present} of {len(rows)} scheduled sessions ({present / len(rows):.0%}) "
                        f"in {_days(window)}, below {self.min_rate:.0%}.",
                        evidence=tuple(sorted(r.id for r in rows if not r.present)),
                        citation=self.source,
                    )
                )
        return _finish(out)


@final
@attrs.frozen(kw_only=True)
class ConsecutiveAbsencesRule:
    """A run of ``limit`` or more unexcused absences in a row (excused absences neither count nor break a run)."""

    kind: str = _kind("consecutive_absences")
    id: str = _id()
    limit: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=1))
    severity: Severity = _severity(Severity.WARNING)
    source: Source = _source()

    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Finding ``consecutive_absences`` for each run of at least ``limit`` absences."""
        out: list[Finding] = []
        for pid, recs in records.by_patient().items():
            rows = sorted(
                (
                    r
                    for r in recs.attendance
                    if _in_scope(r.start.date(), period, as_of) and r.status is not AttendanceStatus.EXCUSED
                ),
                key=lambda r: (r.start, r.id),
            )
            run: list[Any] = []
            for r in [*rows, None]:
                if r is not None and r.status is AttendanceStatus.ABSENT:
                    run.append(r)
                    continue
                if len(run) >= self.limit:
                    out.append(
                        _found(
                            rule_id=self.id,
                            code="consecutive_absences",
                            severity=self.severity,
                            patient_id=pid,
                            period=DateRange(
                                first=run[0].start.date(), last=max(run[-1].start.date(), run[0].start.date())
                            ),
                            message=f"{len(run)} unexcused absences in a row (limit {self.limit}).",
                            evidence=tuple(x.id for x in run),
                            citation=self.source,
                        )
                    )
                run = []
        return _finish(out)


# ----------------------------------------------------------------------------- drug-test results


@final
@attrs.frozen(kw_only=True)
class MissedTestRule:
    """Missed or refused drug tests; ``count_as_positive`` is the program's policy."""

    kind: str = _kind("missed_tests")
    id: str = _id()
    count_as_positive: bool = attrs.field(default=False, validator=f.boolean())
    severity: Severity = _severity(Severity.WARNING)
    source: Source = _source()

    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Finding ``missed_test`` or ``refused_test`` per test not collected."""
        out: list[Finding] = []
        policy = " (counted as positive by program policy)" if self.count_as_positive else ""
        for t in records.drug_tests:
            day = t.collected_at.date()
            if t.status is DrugTestStatus.COLLECTED or not _in_scope(day, period, as_of):
                continue
            out.append(
                _found(
                    rule_id=self.id,
                    code=f"{t.status.value}_test",
                    severity=self.severity,
                    patient_id=t.patient_id,
                    period=_span(first=day, last=day),
                    message=f"Drug test due {day.isoformat()} was {t.status.value}{policy}.",
                    evidence=(t.id,),
                    citation=self.source,
                )
            )
        return _finish(out)


_DEFAULT_RESULT_SEVERITIES: Mapping[TestResult, Severity] = MappingProxyType(
    {
        TestResult.POSITIVE: Severity.WARNING,
        TestResult.POSITIVE_DILUTE: Severity.WARNING,
        TestResult.NEGATIVE_DILUTE: Severity.INFO,
        TestResult.INVALID: Severity.WARNING,
        TestResult.ADULTERATED: Severity.VIOLATION,
        TestResult.SUBSTITUTED: Severity.VIOLATION,
    }
)


@final
@attrs.frozen(kw_only=True)
class DrugTestResultRule:
    """Report non-negative results (positive, dilute, adulterated, substituted, invalid) and missing expected positives.

    ``severities`` maps each result to a severity (results not in it are not
    reported). ``expected_window_hours``: a medication administered within this
    many hours before collection makes its ``expected_analytes`` expected; the
    window is the program's (detection windows depend on drug and dose), so it
    is ``None`` (not checked) by default.
    """

    kind: str = _kind("drug_test_results")
    id: str = _id()
    panel: CutoffPanel = attrs.field(default=HHS_2025, validator=f.instance(CutoffPanel, "a CutoffPanel"))
    validity: SpecimenValidityRules = attrs.field(
        default=SPECIMEN_VALIDITY, validator=f.instance(SpecimenValidityRules, "a SpecimenValidityRules")
    )
    severities: Mapping[TestResult, Severity] = attrs.field(
        default=_DEFAULT_RESULT_SEVERITIES,
        converter=f.to_mapping,
        validator=f.mapping_of(TestResult, Severity, description="TestResult to Severity"),
    )
    expected_window_hours: int | None = _opt_int(1)
    missing_expected_severity: Severity = _severity(Severity.WARNING)
    source: Source = _source()

    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Finding ``test_<result>`` per reported result and ``expected_positive_missing``."""
        out: list[Finding] = []
        first, last = period.first, min(period.last, as_of)
        for pid, recs in records.by_patient().items():
            for t in recs.drug_tests:
                day = t.collected_at.date()
                if t.status is not DrugTestStatus.COLLECTED or not first <= day <= last:
                    continue
                meds: list[Any] = []
                if self.expected_window_hours is not None:
                    since = t.collected_at - timedelta(hours=self.expected_window_hours)
                    meds = [m for m in recs.medications if since <= m.administered_at <= t.collected_at]
                expected = frozenset(a for m in meds for a in m.expected_analytes)
                reading = _read(t, self.panel, self.validity, expected)
                severity = self.severities.get(reading.result)
                if severity is None and not reading.missing_expected:
                    continue
                when = _span(first=day, last=day)
                if severity is not None:
                    positives = reading.positives
                    detail = ", ".join(
                        f"{a.analyte.value} {a.concentration_ng_ml:g} ng/mL ≥ {a.cutoff_ng_ml:g} ({a.method.value})"
                        for a in reading.analytes
                        if a.analyte in positives
                    )
                    why = "; ".join(reading.validity_reasons)
                    extra = "; ".join(x for x in (detail, why) if x)
                    out.append(
                        _found(
                            rule_id=self.id,
                            code=f"test_{reading.result.value}",
                            severity=severity,
                            patient_id=pid,
                            period=when,
                            message=f"Drug test on {day.isoformat()} is {reading.result.value.replace('_', '-')} "
                            f"under {self.panel.name}" + (f": {extra}." if extra else "."),
                            evidence=(t.id,),
                            citation=self.source,
                        )
                    )
                if reading.missing_expected and reading.result not in _SPECIMEN_FAILURES:
                    missing = ", ".join(sorted(a.value for a in reading.missing_expected))
                    out.append(
                        _found(
                            rule_id=self.id,
                            code="expected_positive_missing",
                            severity=self.missing_expected_severity,
                            patient_id=pid,
                            period=when,
                            message=f"Drug test on {day.isoformat()} does not show {missing}, expected from "
                            f"{len(meds)} medication record(s) in the {self.expected_window_hours} h before "
                            "collection (possible non-adherence).",
                            evidence=(t.id, *sorted(m.id for m in meds)),
                            citation=self.source,
                        )
                    )
        return _finish(out)


_SPECIMEN_FAILURES = frozenset({TestResult.ADULTERATED, TestResult.SUBSTITUTED, TestResult.INVALID})


# ----------------------------------------------------------------------------- plans and certifications


def _open_admissions(records: ComplianceRecords, period: DateRange, as_of: date) -> list[AdmissionRecord]:
    last = min(period.last, as_of)
    return sorted(
        (
            a
            for a in records.admissions
            if a.admitted_at.date() <= last and (a.discharged_at is None or a.discharged_at.date() >= period.first)
        ),
        key=lambda a: (a.admitted_at, a.id),
    )


@final
@attrs.frozen(kw_only=True)
class PlanWrittenRule:
    """A plan event of ``event`` kind within ``within_days`` days of admission (e.g. Kansas: 7 days for IOP)."""

    kind: str = _kind("plan_written")
    id: str = _id()
    within_days: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))
    event: PlanEventKind = attrs.field(default=PlanEventKind.CREATED, validator=f.enum_member(PlanEventKind))
    severity: Severity = _severity(Severity.VIOLATION)
    source: Source = _source()

    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Finding ``plan_late`` (written late) or ``plan_missing`` (not written and the deadline has passed)."""
        out: list[Finding] = []
        for pid, recs in records.by_patient().items():
            events = sorted(
                (e for e in recs.plan_events if e.kind is self.event and e.occurred_at.date() <= as_of),
                key=lambda e: (e.occurred_at, e.id),
            )
            for admission in _open_admissions(recs, period, as_of):
                start = admission.admitted_at.date()
                deadline = start + timedelta(days=self.within_days)
                first = next((e for e in events if e.occurred_at.date() >= start), None)
                if first is not None and first.occurred_at.date() <= deadline:
                    continue
                if first is None and as_of <= deadline:
                    continue
                evidence: tuple[str, ...]
                if first is None:
                    code, text, evidence = (
                        "plan_missing",
                        f"no plan {self.event.value} by {as_of.isoformat()}",
                        (admission.id,),
                    )
                    until = as_of
                else:
                    late = (first.occurred_at.date() - start).days
                    code, text, evidence = (
                        "plan_late",
                        f"plan {self.event.value} {late} days after admission",
                        (admission.id, first.id),
                    )
                    until = first.occurred_at.date()
                out.append(
                    _found(
                        rule_id=self.id,
                        code=code,
                        severity=self.severity,
                        patient_id=pid,
                        period=_span(first=start, last=until),
                        message=f"Admitted {start.isoformat()}: {text}; required within {self.within_days} days.",
                        evidence=evidence,
                        citation=self.source,
                    )
                )
        return _finish(out)


def _gaps(
    marks: list[tuple[date, str]], interval: int, admission: AdmissionRecord, as_of: date
) -> Iterator[tuple[date, date, str, int]]:
    """(due date, until, record id, days) for each gap longer than *interval* days, to the next mark or the end."""
    end = as_of if admission.discharged_at is None else min(as_of, admission.discharged_at.date())
    for i, (day, rid) in enumerate(marks):
        nxt = marks[i + 1][0] if i + 1 < len(marks) else end
        if (nxt - day).days > interval:
            yield day + timedelta(days=interval + 1), nxt, rid, (nxt - day).days


@final
@attrs.frozen(kw_only=True)
class PlanReviewRule:
    """The plan reviewed at least every ``interval_days`` days after it was written, while the episode is open."""

    kind: str = _kind("plan_review")
    id: str = _id()
    interval_days: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=1))
    severity: Severity = _severity(Severity.VIOLATION)
    source: Source = _source()

    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Finding ``review_overdue`` for each stretch longer than ``interval_days`` without a review."""
        out: list[Finding] = []
        kinds = (PlanEventKind.CREATED, PlanEventKind.REVIEWED)
        for pid, recs in records.by_patient().items():
            for admission in _open_admissions(recs, period, as_of):
                start = admission.admitted_at.date()
                marks = sorted(
                    (e.occurred_at.date(), e.id)
                    for e in recs.plan_events
                    if e.kind in kinds and start <= e.occurred_at.date() <= as_of
                )
                for due, until, rid, days in _gaps(marks, self.interval_days, admission, as_of):
                    if until < period.first or due > period.last:
                        continue
                    out.append(
                        _found(
                            rule_id=self.id,
                            code="review_overdue",
                            severity=self.severity,
                            patient_id=pid,
                            period=_span(first=due, last=max(due, until)),
                            message=f"{days} days without a plan review after "
                            f"{(due - timedelta(days=self.interval_days + 1)).isoformat()}; "
                            f"required every {self.interval_days} days.",
                            evidence=(rid,),
                            citation=self.source,
                        )
                    )
        return _finish(out)


@final
@attrs.frozen(kw_only=True)
class CertificationRule:
    """A physician certification for each episode and a recertification at least every ``recertify_every_days``.

    Medicare IOP: summaries of the final rule say recertification "at least
    once every 60 days"; the statute's wording is "every other month". When
    the first certification is due is not verified: ``certify_within_days``
    defaults to ``None`` (a missing certification is reported from admission on).
    """

    kind: str = _kind("certification")
    id: str = _id()
    recertify_every_days: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=1))
    certify_within_days: int | None = _opt_int(0)
    severity: Severity = _severity(Severity.VIOLATION)
    source: Source = _source()

    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Findings ``certification_missing`` and ``recertification_overdue``."""
        out: list[Finding] = []
        for pid, recs in records.by_patient().items():
            certs = sorted((c for c in recs.certifications if c.signed_on <= as_of), key=lambda c: (c.signed_on, c.id))
            for admission in _open_admissions(recs, period, as_of):
                start = admission.admitted_at.date()
                mine: list[Certification] = [c for c in certs if c.signed_on >= start]
                initial = next((c for c in mine if c.kind is CertificationKind.CERTIFICATION), None)
                allowed = start + timedelta(days=self.certify_within_days or 0)
                if initial is None:
                    if as_of > allowed or self.certify_within_days is None:
                        out.append(
                            self._finding(
                                pid,
                                "certification_missing",
                                _span(first=start, last=max(start, as_of)),
                                f"No certification for the episode admitted {start.isoformat()} by {as_of.isoformat()}.",
                                (admission.id,),
                            )
                        )
                    continue
                marks = [(c.signed_on, c.id) for c in mine if c.signed_on >= initial.signed_on]
                for due, until, rid, days in _gaps(marks, self.recertify_every_days, admission, as_of):
                    if until < period.first or due > period.last:
                        continue
                    out.append(
                        self._finding(
                            pid,
                            "recertification_overdue",
                            _span(first=due, last=max(due, until)),
                            f"{days} days since the last certification; recertification required every "
                            f"{self.recertify_every_days} days.",
                            (rid,),
                        )
                    )
        return _finish(out)

    def _finding(self, pid: str, code: str, when: DateRange, message: str, evidence: tuple[str, ...]) -> Finding:
        return _found(
            rule_id=self.id,
            code=code,
            severity=self.severity,
            patient_id=pid,
            period=when,
            message=message,
            evidence=evidence,
            citation=self.source,
        )


# ----------------------------------------------------------------------------- payers, stays and services


@final
@attrs.frozen(kw_only=True)
class AuthorizationRule:
    """Every attended service is covered by a payer authorization with units left."""

    kind: str = _kind("authorization")
    id: str = _id()
    severity: Severity = _severity(Severity.VIOLATION)
    source: Source = _source()

    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Findings ``service_without_authorization`` and ``services_beyond_authorization``."""
        out: list[Finding] = []
        for pid, recs in records.by_patient().items():
            auths = sorted(recs.authorizations, key=lambda a: (a.dates.first, a.id))
            used = dict.fromkeys((a.id for a in auths), 0)
            services = sorted((r for r in recs.attendance if r.present), key=lambda r: (r.start, r.id))
            for r in services:
                day = r.start.date()
                covering = [a for a in auths if day in a.dates]
                room = next(
                    (a for a in covering if a.authorized_services is None or used[a.id] < a.authorized_services), None
                )
                if room is not None:
                    used[room.id] += 1
                if not _in_scope(day, period, as_of) or room is not None:
                    continue
                if covering:
                    code = "services_beyond_authorization"
                    text = f"Service on {day.isoformat()} exceeds the authorized number of services ({', '.join(str(a.authorized_services) for a in covering)})."
                else:
                    code, text = (
                        "service_without_authorization",
                        f"Service on {day.isoformat()} is not covered by any payer authorization.",
                    )
                out.append(
                    _found(
                        rule_id=self.id,
                        code=code,
                        severity=self.severity,
                        patient_id=pid,
                        period=_span(first=day, last=day),
                        message=text,
                        evidence=(r.id, *(a.id for a in covering)),
                        citation=self.source,
                    )
                )
        return _finish(out)


@final
@attrs.frozen(kw_only=True)
class LengthOfStayRule:
    """An episode lasts between ``min_days`` and ``max_days`` days (days from admission to discharge or ``as_of``)."""

    kind: str = _kind("length_of_stay")
    id: str = _id()
    min_days: int | None = _opt_int(0)
    max_days: int | None = _opt_int(0)
    severity: Severity = _severity(Severity.WARNING)
    source: Source = _source()

    def __attrs_post_init__(self) -> None:
        _check_order(self, self.min_days, self.max_days, "max_days")

    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Findings ``stay_above_maximum`` (open or closed episodes) and ``stay_below_minimum`` (discharged)."""
        out: list[Finding] = []
        for pid, recs in records.by_patient().items():
            for a in _open_admissions(recs, period, as_of):
                start = a.admitted_at.date()
                discharged = a.discharged_at is not None and a.discharged_at.date() <= as_of
                end = a.discharged_at.date() if discharged and a.discharged_at is not None else as_of
                days = (end - start).days
                state = "discharged after" if discharged else "open for"
                if self.max_days is not None and days > self.max_days:
                    code, text = "stay_above_maximum", f"above the maximum of {self.max_days}"
                elif self.min_days is not None and discharged and days < self.min_days:
                    code, text = "stay_below_minimum", f"below the minimum of {self.min_days}"
                else:
                    continue
                out.append(
                    _found(
                        rule_id=self.id,
                        code=code,
                        severity=self.severity,
                        patient_id=pid,
                        period=_span(first=start, last=end),
                        message=f"Episode admitted {start.isoformat()} {state} {days} days, {text} days.",
                        evidence=(a.id,),
                        citation=self.source,
                    )
                )
        return _finish(out)


@final
@attrs.frozen(kw_only=True)
class ServicesPerDayRule:
    """Each treatment day has at least ``min_services`` services (Medicare pays IOP days with 3 and with 4+ services).

    With ``upper_tier_at`` set (Medicare: 4), an ``info`` finding
    ``service_day_tiers`` per week counts the days in the lower tier
    (``min_services`` up to ``upper_tier_at - 1`` services) and in the upper tier.
    """

    kind: str = _kind("services_per_day")
    id: str = _id()
    min_services: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=1))
    upper_tier_at: int | None = _opt_int(1)
    severity: Severity = _severity(Severity.WARNING)
    source: Source = _source()

    def __attrs_post_init__(self) -> None:
        if self.upper_tier_at is not None and self.upper_tier_at <= self.min_services:
            raise f.fail("$.upper_tier_at", "expected upper_tier_at > min_services, got a smaller int", "order", self)

    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Finding ``services_below_minimum`` per ISO week that has treatment days with fewer services."""
        out: list[Finding] = []
        for pid, recs in records.by_patient().items():
            by_day: dict[date, list[str]] = defaultdict(list)
            first, last = period.first, min(period.last, as_of)
            for r in recs.attendance:
                if r.status in PRESENT_STATUSES:
                    day = r.start.date()
                    if first <= day <= last:
                        by_day[day].append(r.id)
            by_week: dict[date, list[date]] = defaultdict(list)
            tiers: dict[date, list[date]] = defaultdict(list)
            for day, ids in by_day.items():
                monday = monday_of(day)
                (by_week if len(ids) < self.min_services else tiers)[monday].append(day)
            if self.upper_tier_at is not None:
                out.extend(self._tiers(pid, tiers, by_day, self.upper_tier_at))
            for monday, days in by_week.items():
                days.sort()
                listed = ", ".join(f"{d.isoformat()} ({len(by_day[d])})" for d in days)
                out.append(
                    _found(
                        rule_id=self.id,
                        code="services_below_minimum",
                        severity=self.severity,
                        patient_id=pid,
                        period=_span(first=monday, last=monday + timedelta(days=6)),
                        message=f"{len(days)} treatment day(s) in the week of {monday.isoformat()} with fewer than "
                        f"{self.min_services} services: {listed}.",
                        evidence=tuple(sorted(i for d in days for i in by_day[d])),
                        citation=self.source,
                    )
                )
        return _finish(out)

    def _tiers(
        self, pid: str, tiers: dict[date, list[date]], by_day: dict[date, list[str]], upper: int
    ) -> Iterator[Finding]:
        for monday, days in tiers.items():
            high = sum(1 for d in days if len(by_day[d]) >= upper)
            low = str(self.min_services) if upper - 1 == self.min_services else f"{self.min_services}–{upper - 1}"
            yield _found(
                rule_id=self.id,
                code="service_day_tiers",
                severity=Severity.INFO,
                patient_id=pid,
                period=_span(first=monday, last=monday + timedelta(days=6)),
                message=f"Week of {monday.isoformat()}: {len(days) - high} day(s) with {low} services, "
                f"{high} day(s) with {upper} or more.",
                evidence=tuple(sorted(i for d in days for i in by_day[d])),
                citation=self.source,
            )


BuiltinRule = (
    WeeklyHoursRule
    | DaysPerWeekRule
    | DrugTestFrequencyRule
    | AttendanceRateRule
    | ConsecutiveAbsencesRule
    | MissedTestRule
    | DrugTestResultRule
    | PlanWrittenRule
    | PlanReviewRule
    | CertificationRule
    | AuthorizationRule
    | LengthOfStayRule
    | ServicesPerDayRule
)
"""The union of built-in rule classes (serializable, tagged by ``kind``)."""
