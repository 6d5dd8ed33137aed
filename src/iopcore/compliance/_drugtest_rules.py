"""Drug-test rules: how often tests are collected, missed or refused tests, and what the results show."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Any, final

import attrs

from iopcore import _fields as f
from iopcore.compliance._analytes import ANALYTES, AnalyteCatalog, SpecimenType
from iopcore.compliance._drugtests import AnalyteOutcome, Interpretation, TestResult, read
from iopcore.compliance._findings import Collector, Finding, Severity, WeekPolicy, finish, found, span
from iopcore.compliance._panels import HHS_2025, CutoffPanel
from iopcore.compliance._periods import (
    admission_ids,
    check_as_of,
    in_scope,
    monday_of,
    not_assessed,
    plus_days,
    skip_reason,
    weeks,
)
from iopcore.compliance._records import ComplianceRecords, DrugTest, DrugTestStatus
from iopcore.compliance._rule_fields import (
    id_field,
    int_field,
    kind_field,
    opt_int_field,
    policy_field,
    severity_field,
    source_field,
)
from iopcore.compliance._validity import SPECIMEN_VALIDITY, SpecimenValidityRules
from iopcore.errors import ErrorItem, InvalidDataError
from iopcore.sources import Evidence, Source
from iopcore.times import DateRange

__all__ = ["DrugTestFrequencyRule", "DrugTestResultRule", "MissedTestRule"]


@final
@attrs.frozen(kw_only=True)
class DrugTestFrequencyRule:
    """At least ``min_tests_per_week`` collected tests per ISO week; optionally a maximum gap early on.

    TIP 47: collection "not less than once a week", and "every 3 days in the
    first weeks of treatment". The early window has no published length:
    ``early_window_days`` is ``None`` (off) until a program sets it.
    """

    kind: str = kind_field("drug_test_frequency")
    id: str = id_field()
    min_tests_per_week: int = int_field(1, 7, default=1)
    early_window_days: int | None = opt_int_field(1)
    max_interval_days: int = int_field(1, default=3)
    severity: Severity = severity_field(Severity.WARNING)
    partial_weeks: WeekPolicy = policy_field()
    closure_weeks: WeekPolicy = policy_field()
    source: Source = source_field()

    @f.guard
    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Findings ``tests_below_weekly_minimum``, ``test_interval_exceeded`` and ``week_not_assessed``."""
        check_as_of("DrugTestFrequencyRule.evaluate", as_of)
        return self._evaluate(records, period, as_of)

    def _evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        out: list[Finding] = []
        self._collector()(records, period, as_of, out)
        return finish(out)

    def _collector(self) -> Collector:
        """Findings appended unsorted: each patient's collected tests grouped by week once, for every week."""
        least, window = self.min_tests_per_week, self.early_window_days
        status = DrugTestStatus.COLLECTED
        texts: dict[tuple[int, date], str] = {}  # weeks and counts repeat across patients: one message each

        def collect(records: ComplianceRecords, period: DateRange, as_of: date, out: list[Finding]) -> None:
            for pid, recs in records._by_patient().items():
                collected = sorted((t for t in recs.drug_tests if t.status is status), key=_by_time_and_id)
                by_week: dict[date, list[tuple[date, str]]] = {}
                for t in collected:
                    day = t.collected_at.date()
                    monday = monday_of(day)
                    tests = by_week.get(monday)
                    if tests is None:
                        by_week[monday] = [(day, t.id)]
                    else:
                        tests.append((day, t.id))
                for week in weeks(recs, period, as_of):
                    inside = week.inside
                    ids = [i for day, i in by_week.get(week.period.first, ()) if day in inside]
                    evidence = tuple(sorted(ids)) or admission_ids(recs, week.period)
                    if not evidence:
                        continue
                    reason = skip_reason(self, week)
                    if reason is not None:
                        out.append(not_assessed(self, pid, week, reason, evidence))
                    elif len(ids) < least:
                        message = texts.get((len(ids), week.period.first))
                        if message is None:
                            message = texts[len(ids), week.period.first] = (
                                f"{len(ids)} drug test(s) collected in the week of "
                                f"{week.period.first.isoformat()}, below the minimum of {least}."
                            )
                        out.append(
                            found(
                                self,
                                "tests_below_weekly_minimum",
                                pid,
                                week.period,
                                message,
                                evidence,
                                self.severity,
                                measured=len(ids),
                                threshold=least,
                                unit="tests",
                            )
                        )
                if window is not None:
                    out.extend(self._early(pid, recs, collected, period, as_of, window))

        return collect

    def _early(
        self, pid: str, recs: ComplianceRecords, collected: list[Any], period: DateRange, as_of: date, window: int
    ) -> Iterator[Finding]:
        for admission in sorted(recs.admissions, key=lambda a: (a.admitted_at, a.id)):
            start = admission.admitted_at.date()
            window_end = min(plus_days(start, window - 1), as_of, period.last)
            if admission.discharged_at is not None:
                window_end = min(window_end, admission.discharged_at.date())
            if window_end < max(start, period.first):
                continue
            marks: list[tuple[date, str]] = [(start, admission.id)]
            marks += [(d, t.id) for t in collected if start <= (d := t.collected_at.date()) <= window_end]
            marks.append((window_end + timedelta(days=1), ""))
            for (a_day, a_id), (b_day, b_id) in itertools.pairwise(marks):
                gap = (b_day - a_day).days
                if gap > self.max_interval_days:
                    message = (
                        f"{gap} days without a drug test in the first {window} days of "
                        f"treatment, more than the interval of {self.max_interval_days} days."
                    )
                    evidence = tuple(x for x in (a_id, b_id) if x)
                    when = span(a_day, b_day - timedelta(days=1))
                    yield found(
                        self,
                        "test_interval_exceeded",
                        pid,
                        when,
                        message,
                        evidence,
                        self.severity,
                        measured=gap,
                        threshold=self.max_interval_days,
                        unit="days",
                    )


@final
@attrs.frozen(kw_only=True)
class MissedTestRule:
    """Missed or refused drug tests; ``count_as_positive`` is the program's policy."""

    kind: str = kind_field("missed_tests")
    id: str = id_field()
    count_as_positive: bool = attrs.field(default=False, validator=f.boolean())
    severity: Severity = severity_field(Severity.WARNING)
    source: Source = source_field()

    @f.guard
    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Finding ``missed_test`` or ``refused_test`` per test not collected."""
        check_as_of("MissedTestRule.evaluate", as_of)
        return self._evaluate(records, period, as_of)

    def _evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        out: list[Finding] = []
        self._collect(records, period, as_of, out)
        return finish(out)

    def _collect(self, records: ComplianceRecords, period: DateRange, as_of: date, out: list[Finding]) -> None:
        """Append the findings to *out*, unsorted (what :func:`~iopcore.compliance.evaluate` runs)."""
        policy = " (counted as positive by program policy)" if self.count_as_positive else ""
        for t in records.drug_tests:
            day = t.collected_at.date()
            if t.status is DrugTestStatus.COLLECTED or not in_scope(day, period, as_of):
                continue
            message = f"Drug test due {day.isoformat()} was {t.status.value}{policy}."
            out.append(
                found(self, f"{t.status.value}_test", t.patient_id, span(day, day), message, (t.id,), self.severity)
            )


def _by_time_and_id(t: DrugTest) -> tuple[Any, str]:
    return (t.collected_at, t.id)


_DEFAULT_RESULT_SEVERITIES: f.FrozenMap[TestResult, Severity] = f.FrozenMap(
    {
        TestResult.POSITIVE: Severity.WARNING,
        TestResult.POSITIVE_DILUTE: Severity.WARNING,
        TestResult.NEGATIVE_DILUTE: Severity.INFO,
        TestResult.INVALID: Severity.WARNING,
        TestResult.ADULTERATED: Severity.VIOLATION,
        TestResult.SUBSTITUTED: Severity.VIOLATION,
        TestResult.NOT_EVALUATED: Severity.WARNING,
    }
)
_MAX_HOURS = 24 * (date.max - date.min).days + 48
_SPECIMEN_FAILURES = frozenset({TestResult.ADULTERATED, TestResult.SUBSTITUTED, TestResult.INVALID})
_POSITIVE_RESULTS = frozenset({TestResult.POSITIVE, TestResult.POSITIVE_DILUTE})
_LABELS = {TestResult.NOT_EVALUATED: "not evaluated"}
_TEXTS = {r: _LABELS.get(r, r.value.replace("_", "-")) for r in TestResult}
_CODES = {r: f"test_{r.value}" for r in TestResult}
_NOTHING: frozenset[str] = frozenset()
_Said = tuple[tuple[Any, ...] | None, str | None]
"""What a test's findings say: (code, severity, text after the date, explained, measured, threshold, unit) of the
result's finding or ``None``, and the analytes expected but not detected (``None``: none)."""
_NO_PANEL_SOURCE = Source(citation="iopcore: no panel for this specimen type", evidence=Evidence.ILLUSTRATIVE)


def _check_panels(inst: DrugTestResultRule) -> None:
    errors: list[ErrorItem] = []
    seen = {inst.panel.specimen}
    for i, panel in enumerate(inst.extra_panels):
        if panel.specimen in seen:
            errors.append(
                ErrorItem(
                    path=f"$.extra_panels[{i}].specimen", message="a second panel for this specimen", rule="unique"
                )
            )
        seen.add(panel.specimen)
    for name, panel in (("panel", inst.panel), *((f"extra_panels[{i}]", p) for i, p in enumerate(inst.extra_panels))):
        errors += inst.catalog._check(
            (c.analyte, f"$.{name}.cutoffs[{j}].analyte") for j, c in enumerate(panel.cutoffs)
        )
    if errors:
        raise InvalidDataError(errors, type_name="DrugTestResultRule")


@final
@attrs.frozen(kw_only=True)
class DrugTestResultRule:
    """Report non-negative results and medications: positive, dilute, adulterated, substituted, invalid, not evaluated.

    ``severities`` maps each result to a severity (results not in it are not
    reported); ``not_evaluated`` (a measured or expected analyte the panel
    cannot evaluate) is reported by default. ``panel`` reads tests of its
    specimen type and ``extra_panels`` those of other types (one panel per
    type; a test of a type without a panel is not evaluated). Every panel's
    analytes are codes of ``catalog``.

    Expected analytes: a :class:`~iopcore.compliance.Prescription` active on the
    collection day makes its ``expected_analytes`` expected (always checked);
    a :class:`~iopcore.compliance.MedicationAdministration` within
    ``expected_window_hours`` before collection does too, when that window is
    set (detection windows depend on drug and dose, so it is ``None`` by
    default). An expected analyte measured negative is reported as
    ``expected_medication_not_detected``; a positive test whose positives are
    all expected is reported as ``test_positive_explained`` at
    ``explained_positive_severity``, not as use.
    """

    kind: str = kind_field("drug_test_results")
    id: str = id_field()
    panel: CutoffPanel = attrs.field(default=HHS_2025, validator=f.instance(CutoffPanel, "a CutoffPanel"))
    validity: SpecimenValidityRules = attrs.field(
        default=SPECIMEN_VALIDITY, validator=f.instance(SpecimenValidityRules, "a SpecimenValidityRules")
    )
    severities: Mapping[TestResult, Severity] = attrs.field(
        default=_DEFAULT_RESULT_SEVERITIES,
        converter=f.to_mapping,
        validator=f.mapping_of(TestResult, Severity, description="TestResult to Severity"),
    )
    expected_window_hours: int | None = opt_int_field(1)
    missing_expected_severity: Severity = severity_field(Severity.WARNING)
    source: Source = source_field()
    extra_panels: tuple[CutoffPanel, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(CutoffPanel)
    )
    catalog: AnalyteCatalog = attrs.field(default=ANALYTES, validator=f.instance(AnalyteCatalog, "an AnalyteCatalog"))
    explained_positive_severity: Severity = severity_field(Severity.INFO)

    def __attrs_post_init__(self) -> None:
        _check_panels(self)

    @f.guard
    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Findings ``test_<result>``, ``test_positive_explained`` and ``expected_medication_not_detected``."""
        check_as_of("DrugTestResultRule.evaluate", as_of)
        return self._evaluate(records, period, as_of)

    def _evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        out: list[Finding] = []
        self._collector()(records, period, as_of, out)
        return finish(out)

    def _collector(self) -> Collector:
        """Append the findings of one evaluation's bundles to a list, unsorted; per-evaluation lookups made once.

        A test's findings depend on its specimen, validity, results and expected analytes only (besides its
        date, id and the medication records cited): what they say is worked out once per distinct combination
        of those values and remembered for the evaluation (speed only). Remembering is off for a panel with a
        cut-off of 0, where a concentration of -0.0 (equal to 0.0) would print differently.
        """
        hours = self.expected_window_hours
        # longer than any two datetimes are apart: no timedelta needed (nor possible)
        window = timedelta.max if hours is None or hours > _MAX_HOURS else timedelta(hours=hours)
        panels = {p.specimen: p for p in (*reversed(self.extra_panels), self.panel)}
        cacheable = all(c.screen_ng_ml != 0 and c.confirm_ng_ml != 0 for p in panels.values() for c in p.cutoffs)
        known: dict[tuple[Any, ...], _Said] = {}
        texts: dict[tuple[date, str], str] = {}  # "Drug test on <day><what it says>": one string each
        said = self._said
        collected = DrugTestStatus.COLLECTED

        def collect(records: ComplianceRecords, period: DateRange, as_of: date, out: list[Finding]) -> None:
            first, last = period.first, min(period.last, as_of)
            for pid, recs in records._by_patient().items():
                prescriptions, medications = recs.prescriptions, recs.medications if hours is not None else ()
                for t in recs.drug_tests:
                    if t.status is not collected:
                        continue
                    taken = t.collected_at
                    day = taken.date()
                    if not first <= day <= last:
                        continue
                    sources: list[Any] = (
                        [p for p in prescriptions if p.dates.first <= day <= p.dates.last] if prescriptions else []
                    )
                    if medications:
                        sources += [
                            m for m in medications if m.administered_at <= taken and taken - m.administered_at <= window
                        ]
                    if not sources:
                        expected = _NOTHING
                    elif len(sources) == 1:
                        expected = sources[0].expected_analytes
                    else:
                        expected = frozenset(a for m in sources for a in m.expected_analytes)
                    if cacheable:
                        key = (t.specimen, t.validity, t.results, expected)
                        what = known.get(key)
                        if what is None:
                            what = known[key] = said(t, panels, expected)
                    else:
                        what = said(t, panels, expected)
                    self._add_findings(out, pid, t, day, what, sources, texts)

        return collect

    def _said(self, t: DrugTest, panels: dict[SpecimenType, CutoffPanel], expected: frozenset[str]) -> _Said:
        """What the findings about test *t* say, apart from its date, id and the medications cited."""
        panel = panels.get(t.specimen) or _no_panel(t.specimen)
        reading = read(t, panel, self.validity, expected)
        result = reading.result
        severity = self.severities.get(result)
        positives = reading.positives
        explained = result in _POSITIVE_RESULTS and positives <= reading.explained
        if explained:
            severity, code = self.explained_positive_severity, "test_positive_explained"
        else:
            code = _CODES[result]
        main: tuple[Any, ...] | None = None
        if severity is not None:
            detail = self._detail(reading, positives, explained)
            reasons = "; ".join(reading.validity_reasons)
            extra = f"{detail}; {reasons}" if detail and reasons else detail or reasons
            text = f" is {_TEXTS[result]} under {panel.name}" + (f": {extra}." if extra else ".")
            # one positive analyte explains the finding by its concentration and cut-off; several are in the message
            single = [a for a in reading.analytes if a.analyte in positives]
            numbers = single[0] if len(single) == 1 and single[0].cutoff_ng_ml is not None else None
            main = (
                code,
                severity,
                text,
                explained,
                None if numbers is None else numbers.concentration_ng_ml,
                None if numbers is None else numbers.cutoff_ng_ml,
                None if numbers is None else "ng/mL",
            )
        missing = None
        if reading.missing_expected and result not in _SPECIMEN_FAILURES:
            missing = ", ".join(sorted(reading.missing_expected))
        return main, missing

    def _add_findings(
        self,
        out: list[Finding],
        pid: str,
        t: DrugTest,
        day: date,
        what: _Said,
        sources: list[Any],
        texts: dict[tuple[date, str], str],
    ) -> None:
        main, missing = what
        if main is None and missing is None:
            return  # most tests: nothing to report
        when = span(day, day)
        if main is not None:
            code, severity, text, explained, measured, threshold, unit = main
            message = texts.get((day, text))
            if message is None:
                message = texts[day, text] = f"Drug test on {day.isoformat()}{text}"
            out.append(
                found(
                    self,
                    code,
                    pid,
                    when,
                    message,
                    _cited(t, sources) if explained else (t.id,),
                    severity,
                    measured=measured,
                    threshold=threshold,
                    unit=unit,
                )
            )
        if missing is not None:
            message = (
                f"Expected medication not detected: the drug test on {day.isoformat()} is negative for {missing}, "
                f"expected from {len(sources)} medication record(s) (possible non-adherence or diversion)."
            )
            out.append(
                found(
                    self,
                    "expected_medication_not_detected",
                    pid,
                    when,
                    message,
                    _cited(t, sources),
                    self.missing_expected_severity,
                )
            )

    @staticmethod
    def _detail(reading: Interpretation, positives: frozenset[str], explained: bool) -> str:
        prescribed = reading.explained
        parts = [
            f"{a.analyte} {a.concentration_ng_ml:g} ng/mL ≥ {a.cutoff_ng_ml:g} ({a.method.value})"
            + (" explained by a medication" if a.analyte in prescribed else "")
            for a in reading.analytes
            if a.analyte in positives
        ]
        if explained:
            parts.append("every positive is explained by the patient's medications, not counted as use")
        unread = reading.not_evaluated
        if unread:
            measured = {a.analyte: a for a in reading.analytes}
            parts += [
                f"{code} not evaluated ({measured[code].method.value}: no cut-off)"
                if code in measured and measured[code].outcome is AnalyteOutcome.NOT_EVALUATED
                else f"{code} not evaluated (expected, not measured)"
                for code in sorted(unread)
            ]
        return "; ".join(parts)


def _cited(t: DrugTest, sources: list[Any]) -> tuple[str, ...]:
    """The evidence of a finding that rests on the test *t* and the medication records *sources*."""
    return (t.id, *sorted(m.id for m in sources)) if sources else (t.id,)


@functools.lru_cache(maxsize=8)
def _no_panel(specimen: SpecimenType) -> CutoffPanel:
    """An empty panel: every analyte of a test of this specimen type reads as not evaluated."""
    return CutoffPanel(
        id=f"no_{specimen.value}_panel",
        name=f"no {specimen.value} panel",
        cutoffs=(),
        source=_NO_PANEL_SOURCE,
        specimen=specimen,
    )
