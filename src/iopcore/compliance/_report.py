"""Evaluate a rule set over records: a :class:`ComplianceReport` with findings and a weekly summary."""

from __future__ import annotations

import functools
import operator
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, cast, final

import attrs

from iopcore import _fields as f
from iopcore._fields import _html as h
from iopcore.compliance._checks import check_unique_ids, refuse
from iopcore.compliance._findings import Collector, Finding, Rule, Severity, share_messages, sorted_findings, span
from iopcore.compliance._periods import BACK_TO_MONDAY, check_as_of, patient_weeks
from iopcore.compliance._records import ComplianceRecords, DrugTestStatus, trusted
from iopcore.compliance._rules import RULE_CLASSES
from iopcore.compliance._rulesets import RuleSet
from iopcore.errors import ErrorItem, InvalidArgumentError, type_name
from iopcore.sources import Evidence, Source
from iopcore.times import DateRange, Minutes

__all__ = ["ComplianceReport", "WeekSummary", "evaluate", "merge_reports"]

_NO_ADMISSION = Source(
    citation="iopcore: weekly rules assess the days of a patient's admissions",
    evidence=Evidence.ILLUSTRATIVE,
    note="Records without an admission record cannot be placed in an episode; add AdmissionRecord values.",
)


@final
@f.compact_pickle
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

    def __reduce__(self) -> tuple[Any, ...]:
        # Findings and weeks column by column (see iopcore._fields._pickle): smaller and faster than one by one.
        head = (self.ruleset_name, self.ruleset_version, self.as_of, self.period)
        return _report_from_columns, (head, f.columns_of(Finding, self.findings), f.columns_of(WeekSummary, self.weeks))

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


def _summaries(records: ComplianceRecords, pid: str, period: DateRange, as_of: date, out: list[WeekSummary]) -> None:
    """Append the weekly summaries of one patient's bundle to *out*."""
    tests_by_week: dict[date, list[date]] = {}
    collected = DrugTestStatus.COLLECTED
    for t in records.drug_tests:
        if t.status is collected:
            day = t.collected_at.date()
            monday = day - BACK_TO_MONDAY[day.weekday()]
            days = tests_by_week.get(monday)
            if days is None:
                tests_by_week[monday] = [day]
            else:
                days.append(day)
    new = _new
    for week, sessions, _evidence, minutes, days_attended, attended in patient_weeks(records, period, as_of):
        period_ = week.period
        tests = tests_by_week.get(period_.first)
        if tests:
            inside = week.inside
            tests_collected = sum(1 for d in tests if d in inside)
        else:
            tests_collected = 0
        obj = new(WeekSummary)
        _W_PATIENT(obj, pid)
        _W_WEEK(obj, period_)
        _W_ASSESSED(obj, len(week.assessed))
        _W_CLOSURE(obj, len(week.closed))
        _W_MINUTES(obj, _minutes(minutes))
        _W_DAYS(obj, days_attended)
        _W_SESSIONS(obj, attended)
        _W_MISSED(obj, sessions - attended)
        _W_TESTS(obj, tests_collected)
        out.append(obj)


# Weekly summaries are derived from validated records: built field by field without validators, as findings are
# (a test checks that these setters cover exactly the class's fields and build values equal to validated ones).
_new = object.__new__
_W_PATIENT, _W_WEEK, _W_ASSESSED, _W_CLOSURE, _W_MINUTES, _W_DAYS, _W_SESSIONS, _W_MISSED, _W_TESTS = (
    getattr(WeekSummary, a.name).__set__ for a in attrs.fields(WeekSummary)
)


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

    Without a *period*, each patient is evaluated from their own first record's
    date up to *as_of*, and the report's period runs from the first record's date
    of the bundle: a patient's findings depend only on that patient's records, so
    evaluating partitions by patient and :func:`merge_reports` gives this very
    report. Records dated after *as_of* are ignored. Patients with records but no
    admission get an ``info`` finding ``no_admission`` (weekly rules assess
    admission days only). Rule ids are unique across *ruleset* and
    *extra_rules*; an extra rule must return :class:`Finding` values.
    """
    check_as_of("evaluate", as_of)
    check_unique_ids("evaluate", extra_rules, "$.extra_rules", taken=ruleset.rule_ids)
    # Built-in rules run without their argument checks (done once here); extra rules through their own evaluate.
    runs = [_collector(rule) for rule in ruleset.rules]
    extras = [_extra(rule, i) for i, rule in enumerate(extra_rules)]
    findings: list[Finding] = []
    weeks: list[WeekSummary] = []
    messages: dict[str, str] = {}
    first = as_of
    for pid, recs in records._parts():
        if period is None:
            own = span(min(_first_day(recs), as_of), as_of)
            first = min(first, own.first)
        else:
            own = period
        start = len(findings)
        for run in runs:
            run(recs, own, as_of, findings)
        share_messages(findings, start, messages)
        for run in extras:
            run(recs, own, as_of, findings)
        _summaries(recs, pid, own, as_of, weeks)
        if not recs.admissions:
            findings.append(_no_admission(pid, recs, own, as_of))
    period = period or span(first, as_of)
    return _report(ruleset.name, ruleset.version, as_of, period, sorted_findings(findings), tuple(weeks))


def _report(
    name: str,
    version: str,
    as_of: date,
    period: DateRange,
    findings: tuple[Finding, ...],
    weeks: tuple[WeekSummary, ...],
) -> ComplianceReport:
    """A report of values iopcore evaluated or unpickled (findings sorted, weeks by patient), not re-validated."""
    return trusted(
        ComplianceReport,
        ruleset_name=name,
        ruleset_version=version,
        as_of=as_of,
        period=period,
        findings=findings,
        weeks=weeks,
    )


@f.guard
def merge_reports(reports: Iterable[ComplianceReport]) -> ComplianceReport:
    """One report from reports of partitions of the records by patient: equal to evaluating all the records at once.

    Every report must come from the same rule set (name and version) and ``as_of`` and end its period on the
    same day (evaluate the partitions without a period, or all with the same one); each patient's findings and
    weeks must come from one report only. The merged period starts at the earliest partition's first day.
    Findings come out in :func:`finding_sort_key` order and weeks by patient, as :func:`evaluate` gives them.
    """
    given = tuple(reports)
    if not given:
        raise refuse("merge_reports", "$.reports", "expected at least one report, got none", "min_length")
    head = given[0]
    owner: dict[str, int] = {}
    for i, report in enumerate(given):
        for name in ("ruleset_name", "ruleset_version", "as_of"):
            if getattr(report, name) != getattr(head, name):
                raise refuse(
                    "merge_reports",
                    f"$.reports[{i}].{name}",
                    f"expected the {name} of the first report, got another",
                    "same_evaluation",
                )
        if report.period.last != head.period.last:
            raise refuse(
                "merge_reports",
                f"$.reports[{i}].period.last",
                f"expected a period ending {head.period.last.isoformat()} as the first report's, "
                f"got {report.period.last.isoformat()}",
                "same_evaluation",
            )
        for pid in {x.patient_id for x in report.findings} | {w.patient_id for w in report.weeks}:
            if owner.setdefault(pid, i) != i:
                raise refuse(
                    "merge_reports",
                    f"$.reports[{i}]",
                    f"expected partitions by patient, got a patient also found in reports[{owner[pid]}]",
                    "partition",
                )
    weeks = sorted((w for r in given for w in r.weeks), key=_BY_PATIENT)  # stable: each patient's weeks in order
    first = min(r.period.first for r in given)
    findings = [x for r in given for x in r.findings]
    period = head.period if first == head.period.first else span(first, head.period.last)
    return _report(head.ruleset_name, head.ruleset_version, head.as_of, period, sorted_findings(findings), tuple(weeks))


_BY_PATIENT = operator.attrgetter("patient_id")


def _report_from_columns(head: tuple[str, str, date, DateRange], findings: Any, weeks: Any) -> ComplianceReport:
    """A report from :meth:`ComplianceReport.__reduce__`'s columns (it was valid when pickled: no checks)."""
    return _report(*head, f.rows_of(Finding, findings), f.rows_of(WeekSummary, weeks))


def _collector(rule: Rule) -> Collector:
    """A built-in rule's evaluation without its argument checks (done once by :func:`evaluate`), appending its
    findings unsorted: its ``_collector()`` (lookups made once per evaluation) where it has one, else ``_collect``."""
    make = getattr(type(rule), "_collector", None)
    return cast(Collector, make(rule) if make is not None else cast(Any, rule)._collect)


def _extra(rule: Rule, index: int) -> Collector:
    """An extra rule: a built-in one as in a rule set, any other through its own ``evaluate``, its result checked."""
    if isinstance(rule, RULE_CLASSES):
        return _collector(rule)
    run = rule.evaluate

    def collect(records: ComplianceRecords, period: DateRange, as_of: date, out: list[Finding]) -> None:
        found = run(records, period, as_of)
        _check_extra(found, index)
        out.extend(found)

    return collect


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


def _first_day(records: ComplianceRecords) -> date:
    """The earliest date of any record of *records* (``date.max`` for none)."""
    first = date.max
    for a in records.admissions:
        if (day := a.admitted_at.date()) < first:
            first = day
    for r in records.attendance:
        if (day := r.start.date()) < first:
            first = day
    for t in records.drug_tests:
        if (day := t.collected_at.date()) < first:
            first = day
    for m in records.medications:
        if (day := m.administered_at.date()) < first:
            first = day
    for e in records.plan_events:
        if (day := e.occurred_at.date()) < first:
            first = day
    for p in records.authorizations:
        first = min(first, p.dates.first)
    for c in records.certifications:
        first = min(first, c.signed_on)
    return first


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
