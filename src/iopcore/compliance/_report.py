"""Evaluate a rule set over records: a :class:`ComplianceReport` with findings and a weekly summary."""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Annotated, Any, cast, final

import attrs

from iopcore import _fields as f
from iopcore._fields import _html as h
from iopcore.compliance._checks import check_unique_ids
from iopcore.compliance._findings import Finding, Rule, Severity, sorted_findings
from iopcore.compliance._periods import check_as_of, monday_of, patient_weeks
from iopcore.compliance._records import ComplianceRecords, DrugTestStatus, trusted
from iopcore.compliance._rules import RULE_CLASSES
from iopcore.compliance._rulesets import RuleSet
from iopcore.errors import ErrorItem, InvalidArgumentError, type_name
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

    def _repr_html_(self) -> str:
        return h.fields_view(self, title=f"WeekSummary: week of {self.week.first.isoformat()}")


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

    @f.guard
    def with_severity(self, minimum: Severity) -> tuple[Finding, ...]:
        """Findings at *minimum* severity or above."""
        return self._with_severity(minimum)

    def _with_severity(self, minimum: Severity) -> tuple[Finding, ...]:
        return tuple(x for x in self.findings if x.severity.rank >= minimum.rank)

    @f.guard
    def counts(self) -> dict[Severity, int]:
        """Number of findings per severity (every severity present, possibly 0)."""
        found = Counter(x.severity for x in self.findings)
        return {s: found.get(s, 0) for s in Severity}

    @property
    def passed(self) -> bool:
        """Whether there is no finding of severity ``violation`` or ``critical``."""
        return not self._with_severity(Severity.VIOLATION)

    @f.guard
    def to_html(
        self, *, show_identifiers: bool = False, max_rows: Annotated[int, f.Range(min_value=1)] = h.MAX_ROWS
    ) -> str:
        """The report as HTML: the summary first, then findings (most severe first) and weeks, *max_rows* of each.

        The summary gives the rule set, the result, the findings per severity and per rule and code.
        Each table shows at most *max_rows* rows, then a "… N more" line, so the view of a large
        program stays small. Patient and record ids are identifiers: they appear (as the patient
        and evidence columns, and one weekly row per patient) only with ``show_identifiers=True``,
        for staff views; the default, also what a notebook shows (``_repr_html_``), counts the
        evidence records and sums the weeks over patients instead.
        """
        return _report_html(self, show_identifiers, max_rows)

    def _repr_html_(self) -> str:
        return _report_html(self, False, h.MAX_ROWS)


def _most_severe(findings: tuple[Finding, ...], counts: Counter[Severity], limit: int) -> list[Finding]:
    """The first *limit* findings, most severe first (report order within a severity).

    One pass per severity that is present, each stopping once it has what it needs.
    """
    out: list[Finding] = []
    for severity in reversed(Severity):
        wanted = min(limit - len(out), counts[severity])
        if wanted <= 0:
            continue
        taken = 0
        for x in findings:
            if x.severity is severity:
                out.append(x)
                taken += 1
                if taken == wanted:
                    break
    return out


def _report_html(report: ComplianceReport, show_identifiers: bool, max_rows: int) -> str:
    by_rule = Counter((x.severity, x.rule_id, x.code) for x in report.findings)  # the one pass over every finding
    counts: Counter[Severity] = Counter()
    for (severity, _, _), n in by_rule.items():
        counts[severity] += n
    passed = not (counts[Severity.VIOLATION] or counts[Severity.CRITICAL])
    patients = {x.patient_id for x in report.findings} | {w.patient_id for w in report.weeks}
    summary = h.pairs(
        [
            ("Rule set", f"{report.ruleset_name} v{report.ruleset_version}"),
            ("As of", report.as_of.isoformat()),
            ("Period", str(report.period)),
            ("Result", h.badge("passed" if passed else "not passed", "ok" if passed else "violation")),
            ("Findings", h.Markup(" ".join(h.badge(f"{counts[s]} {s.value}", s.value) for s in Severity))),
            ("Patients", len(patients)),
            ("Patient-weeks", len(report.weeks)),
        ]
    )
    rules = h.table(
        ["Severity", "Rule", "Code", "Findings"],
        sorted(by_rule.items(), key=lambda kv: (-kv[0][0].rank, kv[0][1], kv[0][2])),
        lambda kv: [h.badge(kv[0][0].value, kv[0][0].value), kv[0][1], kv[0][2], kv[1]],
        max_rows=max_rows,
        what="rules and codes",
        caption="Findings by rule",
    )
    shown = _most_severe(report.findings, counts, max_rows)
    who = ["Patient"] if show_identifiers else []

    def finding_row(x: Finding) -> list[object]:
        evidence = ", ".join(x.evidence) if show_identifiers else f"{len(x.evidence)} record(s)"
        return [
            h.badge(x.severity.value, x.severity.value),
            str(x.period),
            x.rule_id,
            x.code,
            *([x.patient_id] if show_identifiers else []),
            x.message,
            evidence,
            f"{x.citation.citation} [{x.citation.evidence.value}]",
        ]

    findings = h.table(
        ["Severity", "Period", "Rule", "Code", *who, "Message", "Evidence", "Source"],
        shown,
        finding_row,
        max_rows=max_rows,
        tone=lambda x: x.severity.value,
        caption="Findings, most severe first",
    )
    if len(report.findings) > len(shown):
        findings = h.Markup(findings + h.more(len(report.findings) - len(shown), "findings"))
    return h.view(
        f"ComplianceReport: {len(report.findings)} finding(s)",
        summary,
        rules,
        findings,
        _weeks_html(report, show_identifiers, max_rows),
    )


def _weeks_html(report: ComplianceReport, show_identifiers: bool, max_rows: int) -> str:
    if show_identifiers:
        return h.table(
            ["Week of", "Patient", "Hours", "Days", "Sessions missed", "Tests", "Days assessed"],
            report.weeks,
            lambda w: [
                w.week.first.isoformat(),
                w.patient_id,
                f"{w.attended_minutes.hours:g}",
                w.days_attended,
                w.sessions_missed,
                w.tests_collected,
                w.assessed_days,
            ],
            max_rows=max_rows,
            what="patient-weeks",
            caption="Weeks",
        )
    weeks: dict[date, list[WeekSummary]] = defaultdict(list)
    for w in report.weeks:
        weeks[w.week.first].append(w)

    def week_row(item: tuple[date, list[WeekSummary]]) -> list[object]:
        first, rows = item
        hours = [w.attended_minutes.hours for w in rows]
        return [
            first.isoformat(),
            len(rows),
            f"{sum(hours) / len(hours):.1f}",
            f"{min(hours):g}–{max(hours):g}",
            f"{sum(w.days_attended for w in rows) / len(rows):.1f}",
            sum(w.sessions_missed for w in rows),
            sum(w.tests_collected for w in rows),
            sum(1 for w in rows if w.assessed_days < 7),
        ]

    return h.table(
        [
            "Week of",
            "Patients",
            "Hours (mean)",
            "Hours (range)",
            "Days (mean)",
            "Sessions missed",
            "Tests",
            "Partial weeks",
        ],
        sorted(weeks.items()),
        week_row,
        max_rows=max_rows,
        what="weeks",
        caption="Weeks, over patients",
    )


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
    for week, att, _evidence in patient_weeks(records, period, as_of):
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


@f.guard
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
    Rule ids are unique across *ruleset* and *extra_rules*; an extra rule must
    return :class:`Finding` values.
    """
    check_as_of("evaluate", as_of)
    check_unique_ids("evaluate", extra_rules, "$.extra_rules", taken=ruleset.rule_ids)
    # Built-in rules run without their argument checks (done once here); extra rules through their own evaluate.
    runs = [(-1, _unchecked(rule)) for rule in ruleset.rules]
    runs += [(i, _unchecked(rule)) for i, rule in enumerate(extra_rules)]
    if period is None:
        period = DateRange(first=min(_first_day(records), as_of), last=as_of)
    findings: list[Finding] = []
    weeks: list[WeekSummary] = []
    for pid, recs in records._parts():
        for index, run in runs:
            found = run(recs, period, as_of)
            if index >= 0:
                _check_extra(found, index)
            findings.extend(found)
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


def _unchecked(rule: Rule) -> Callable[[ComplianceRecords, DateRange, date], tuple[Finding, ...]]:
    """A built-in rule's evaluation without its argument checks (done once by :func:`evaluate`)."""
    if isinstance(rule, RULE_CLASSES):
        return cast(Callable[[ComplianceRecords, DateRange, date], tuple[Finding, ...]], cast(Any, rule)._evaluate)
    return rule.evaluate


def _check_extra(found: object, index: int) -> None:
    """An extra rule's findings must be a tuple (or list) of :class:`Finding`."""
    if isinstance(found, tuple | list) and all(type(x) is Finding for x in found):
        return
    got = type_name(found) if not isinstance(found, tuple | list) else "an item that is not a Finding"
    raise InvalidArgumentError(
        (
            ErrorItem(
                path=f"$.extra_rules[{index}]",
                message=f"expected a rule whose evaluate returns Finding values, got {got}",
                rule="rule_result",
            ),
        ),
        callable="evaluate",
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
