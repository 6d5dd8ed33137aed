"""Evaluate a rule set over records: a :class:`ComplianceReport` with findings and a weekly summary."""

from __future__ import annotations

import functools
import html
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import final

import attrs

from iopcore import _fields as f
from iopcore.compliance._records import ComplianceRecords, DrugTestStatus, trusted
from iopcore.compliance._rules import Finding, Rule, Severity, _patient_weeks, monday_of, sorted_findings
from iopcore.compliance._rulesets import RuleSet
from iopcore.errors import ErrorItem, InvalidDataError, type_name
from iopcore.sources import Evidence, Source
from iopcore.times import DateRange, Minutes

__all__ = ["ComplianceReport", "WeekSummary", "evaluate"]

_NO_ADMISSION = Source(
    citation="iopcore: weekly rules assess the days of a patient's admissions",
    evidence=Evidence.ILLUSTRATIVE,
    note="Records without an admission record cannot be placed in an episode; add AdmissionRecord values.",
)


@final
@attrs.frozen(kw_only=True)
class WeekSummary:
    """One patient's ISO week: attended time, days, sessions and drug tests."""

    patient_id: str = f.phi_field(validator=f.text(max_length=128))
    week: DateRange = attrs.field(validator=f.instance(DateRange, "a DateRange"))
    """Monday to Sunday."""
    assessed_days: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0, max_value=7))
    """Days of the week inside the patient's episode and the report's period."""
    closure_days: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0, max_value=7))
    attended_minutes: Minutes = attrs.field(validator=f.instance(Minutes, "a Minutes"))
    days_attended: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0, max_value=7))
    sessions_attended: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))
    sessions_missed: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))
    """Absent or excused."""
    tests_collected: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))


@final
@attrs.frozen(kw_only=True)
class ComplianceReport:
    """Findings sorted by time and severity, stamped with the rule set's name and version."""

    ruleset_name: str = attrs.field(validator=f.text(max_length=200))
    ruleset_version: str = attrs.field(validator=f.text(max_length=64))
    as_of: date = attrs.field(validator=f.calendar_date())
    period: DateRange = attrs.field(validator=f.instance(DateRange, "a DateRange"))
    findings: tuple[Finding, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(Finding))
    weeks: tuple[WeekSummary, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(WeekSummary))

    def with_severity(self, minimum: Severity) -> tuple[Finding, ...]:
        """Findings at *minimum* severity or above."""
        return tuple(x for x in self.findings if x.severity.rank >= minimum.rank)

    def counts(self) -> dict[Severity, int]:
        """Number of findings per severity (every severity present, possibly 0)."""
        found = Counter(x.severity for x in self.findings)
        return {s: found.get(s, 0) for s in Severity}

    @property
    def passed(self) -> bool:
        """Whether there is no finding of severity ``violation`` or ``critical``."""
        return not self.with_severity(Severity.VIOLATION)

    def _repr_html_(self) -> str:
        e = html.escape
        head = (
            f"<p><b>{e(self.ruleset_name)}</b> v{e(self.ruleset_version)}, as of {self.as_of.isoformat()}, "
            f"period {e(str(self.period))}: {len(self.findings)} finding(s)</p>"
        )
        rows = "".join(
            f"<tr><td>{e(str(x.period))}</td><td>{e(x.severity.value)}</td><td>{e(x.rule_id)}</td>"
            f"<td>{e(x.code)}</td><td>{e(x.message)}</td><td>{e(', '.join(x.evidence))}</td>"
            f"<td>{e(x.citation.citation)} [{e(x.citation.evidence.value)}]</td></tr>"
            for x in self.findings
        )
        table = (
            "<table><thead><tr><th>Period</th><th>Severity</th><th>Rule</th><th>Code</th><th>Message</th>"
            f"<th>Evidence</th><th>Source</th></tr></thead><tbody>{rows}</tbody></table>"
        )
        weeks = "".join(
            f"<tr><td>{w.week.first.isoformat()}</td><td>{w.attended_minutes.hours:g}</td><td>{w.days_attended}</td>"
            f"<td>{w.tests_collected}</td><td>{w.assessed_days}</td></tr>"
            for w in self.weeks
        )
        summary = (
            "<table><thead><tr><th>Week of</th><th>Hours</th><th>Days</th><th>Tests</th><th>Days assessed</th>"
            f"</tr></thead><tbody>{weeks}</tbody></table>"
        )
        return head + table + summary


@functools.lru_cache(maxsize=4096)
def _minutes(value: int) -> Minutes:
    """One shared value per weekly total (fewer surviving objects, as for findings' periods)."""
    return trusted(Minutes, value=value)


def _summaries(records: ComplianceRecords, pid: str, period: DateRange, as_of: date) -> list[WeekSummary]:
    tests_by_week: dict[date, list[date]] = defaultdict(list)
    for t in records.drug_tests:
        if t.status is DrugTestStatus.COLLECTED:
            day = t.collected_at.date()
            tests_by_week[monday_of(day)].append(day)
    out: list[WeekSummary] = []
    for week, att, _evidence in _patient_weeks(records, period, as_of):
        minutes = attended = 0
        days: set[date] = set()
        for r in att:
            value = r.attended_minutes.value
            minutes += value
            if value > 0:
                days.add(r.start.date())
            if r.present:
                attended += 1
        tests = tests_by_week.get(week.period.first)
        if tests:
            inside = week.inside
            collected = sum(1 for d in tests if d in inside)
        else:
            collected = 0
        out.append(
            trusted(
                WeekSummary,
                patient_id=pid,
                week=week.period,
                assessed_days=len(week.assessed),
                closure_days=len(week.closed),
                attended_minutes=_minutes(minutes),
                days_attended=len(days),
                sessions_attended=attended,
                sessions_missed=len(att) - attended,
                tests_collected=collected,
            )
        )
    return out


def evaluate(
    ruleset: RuleSet,
    records: ComplianceRecords,
    as_of: date,
    *,
    period: DateRange | None = None,
    extra_rules: Iterable[Rule] = (),
) -> ComplianceReport:
    """Evaluate every rule of *ruleset* (and *extra_rules*) on *records*, knowing what happened by *as_of*.

    *period* defaults to the first record's date up to *as_of*. Records dated
    after *as_of* are ignored. Patients with records but no admission get an
    ``info`` finding ``no_admission`` (weekly rules assess admission days only).
    """
    errors: list[ErrorItem] = []
    if not isinstance(ruleset, RuleSet):
        errors.append(ErrorItem(path="$.ruleset", message=f"expected a RuleSet, got {type_name(ruleset)}", rule="type"))
    if not isinstance(records, ComplianceRecords):
        errors.append(
            ErrorItem(path="$.records", message=f"expected ComplianceRecords, got {type_name(records)}", rule="type")
        )
    if not isinstance(as_of, date) or isinstance(as_of, datetime):
        errors.append(ErrorItem(path="$.as_of", message=f"expected a date, got {type_name(as_of)}", rule="type"))
    if period is not None and not isinstance(period, DateRange):
        errors.append(ErrorItem(path="$.period", message=f"expected a DateRange, got {type_name(period)}", rule="type"))
    extras = tuple(extra_rules)
    for i, rule in enumerate(extras):
        if not isinstance(rule, Rule):
            errors.append(
                ErrorItem(path=f"$.extra_rules[{i}]", message=f"expected a Rule, got {type_name(rule)}", rule="type")
            )
    if errors:
        raise InvalidDataError(errors)
    rules: tuple[Rule, ...] = (*ruleset.rules, *extras)
    f.unique_by(rules, lambda r: r.id, path="$.extra_rules", what="rule id")
    if period is None:
        period = DateRange(first=min(_first_day(records), as_of), last=as_of)
    findings: list[Finding] = []
    weeks: list[WeekSummary] = []
    for pid, recs in records._parts():
        for rule in rules:
            findings.extend(rule.evaluate(recs, period, as_of))
        weeks.extend(_summaries(recs, pid, period, as_of))
        if not recs.admissions:
            findings.append(_no_admission(pid, recs, period, as_of))
    return ComplianceReport(
        ruleset_name=ruleset.name,
        ruleset_version=ruleset.version,
        as_of=as_of,
        period=period,
        findings=sorted_findings(findings),
        weeks=tuple(weeks),
    )


def _dates(records: ComplianceRecords) -> Iterable[date]:
    for a in records.admissions:
        yield a.admitted_at.date()
    for r in records.attendance:
        yield r.start.date()
    for t in records.drug_tests:
        yield t.collected_at.date()
    for m in records.medications:
        yield m.administered_at.date()
    for e in records.plan_events:
        yield e.occurred_at.date()
    for p in records.authorizations:
        yield p.dates.first
    for c in records.certifications:
        yield c.signed_on


def _first_day(records: ComplianceRecords) -> date:
    return min(_dates(records), default=date.max)


def _no_admission(pid: str, records: ComplianceRecords, period: DateRange, as_of: date) -> Finding:
    first = min(_first_day(records), as_of)
    return Finding(
        rule_id="records",
        code="no_admission",
        severity=Severity.INFO,
        patient_id=pid,
        period=DateRange(first=max(first, period.first) if first <= period.last else period.first, last=period.last),
        message="Records without an admission: weekly rules were not applied to this patient.",
        evidence=tuple(sorted(records.ids)),
        citation=_NO_ADMISSION,
    )
