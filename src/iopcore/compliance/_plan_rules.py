"""Plan and certification rules: the plan written in time, reviewed regularly, the episode certified."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import final

import attrs

from iopcore import _fields as f
from iopcore.compliance._findings import Finding, Severity, finish, found, span
from iopcore.compliance._periods import check_as_of, open_admissions, plus_days
from iopcore.compliance._records import (
    AdmissionRecord,
    Certification,
    CertificationKind,
    ComplianceRecords,
    PlanEventKind,
)
from iopcore.compliance._rule_fields import (
    id_field,
    int_field,
    kind_field,
    opt_int_field,
    severity_field,
    source_field,
)
from iopcore.sources import Source
from iopcore.times import DateRange

__all__ = ["CertificationRule", "PlanReviewRule", "PlanWrittenRule"]


@final
@attrs.frozen(kw_only=True)
class PlanWrittenRule:
    """A plan event of ``event`` kind within ``within_days`` days of admission (e.g. Kansas: 7 days for IOP)."""

    kind: str = kind_field("plan_written")
    id: str = id_field()
    within_days: int = int_field(0)
    event: PlanEventKind = attrs.field(default=PlanEventKind.CREATED, validator=f.enum_member(PlanEventKind))
    severity: Severity = severity_field(Severity.VIOLATION)
    source: Source = source_field()

    @f.guard
    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Finding ``plan_late`` (written late) or ``plan_missing`` (not written and the deadline has passed)."""
        check_as_of("PlanWrittenRule.evaluate", as_of)
        return self._evaluate(records, period, as_of)

    def _evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        out: list[Finding] = []
        self._collect(records, period, as_of, out)
        return finish(out)

    def _collect(self, records: ComplianceRecords, period: DateRange, as_of: date, out: list[Finding]) -> None:
        """Append the findings to *out*, unsorted (what :func:`~iopcore.compliance.evaluate` runs)."""
        for pid, recs in records._by_patient().items():
            events = sorted(
                (e for e in recs.plan_events if e.kind is self.event and e.occurred_at.date() <= as_of),
                key=lambda e: (e.occurred_at, e.id),
            )
            for admission in open_admissions(recs, period, as_of):
                start = admission.admitted_at.date()
                deadline = plus_days(start, self.within_days)
                first = next((e for e in events if e.occurred_at.date() >= start), None)
                if first is not None and first.occurred_at.date() <= deadline:
                    continue
                if first is None and as_of <= deadline:
                    continue
                evidence: tuple[str, ...]
                late: int | None = None
                if first is None:
                    code, text, evidence = (
                        "plan_missing",
                        f"no plan {self.event.value} by {as_of.isoformat()}",
                        (admission.id,),
                    )
                    until = as_of
                else:
                    late = (first.occurred_at.date() - start).days
                    code, text = "plan_late", f"plan {self.event.value} {late} days after admission"
                    evidence, until = (admission.id, first.id), first.occurred_at.date()
                message = f"Admitted {start.isoformat()}: {text}; required within {self.within_days} days."
                out.append(
                    found(
                        self,
                        code,
                        pid,
                        span(start, until),
                        message,
                        evidence,
                        self.severity,
                        measured=late,
                        threshold=self.within_days,
                        unit="days",
                    )
                )


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

    kind: str = kind_field("plan_review")
    id: str = id_field()
    interval_days: int = int_field(1)
    severity: Severity = severity_field(Severity.VIOLATION)
    source: Source = source_field()

    @f.guard
    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Finding ``review_overdue`` for each stretch longer than ``interval_days`` without a review."""
        check_as_of("PlanReviewRule.evaluate", as_of)
        return self._evaluate(records, period, as_of)

    def _evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        out: list[Finding] = []
        self._collect(records, period, as_of, out)
        return finish(out)

    def _collect(self, records: ComplianceRecords, period: DateRange, as_of: date, out: list[Finding]) -> None:
        """Append the findings to *out*, unsorted (what :func:`~iopcore.compliance.evaluate` runs)."""
        kinds = (PlanEventKind.CREATED, PlanEventKind.REVIEWED)
        for pid, recs in records._by_patient().items():
            for admission in open_admissions(recs, period, as_of):
                start = admission.admitted_at.date()
                marks = sorted(
                    (e.occurred_at.date(), e.id)
                    for e in recs.plan_events
                    if e.kind in kinds and start <= e.occurred_at.date() <= as_of
                )
                for due, until, rid, days in _gaps(marks, self.interval_days, admission, as_of):
                    if until < period.first or due > period.last:
                        continue
                    message = (
                        f"{days} days without a plan review after "
                        f"{(due - timedelta(days=self.interval_days + 1)).isoformat()}; "
                        f"required every {self.interval_days} days."
                    )
                    out.append(
                        found(
                            self,
                            "review_overdue",
                            pid,
                            span(due, max(due, until)),
                            message,
                            (rid,),
                            self.severity,
                            measured=days,
                            threshold=self.interval_days,
                            unit="days",
                        )
                    )


@final
@attrs.frozen(kw_only=True)
class CertificationRule:
    """A physician certification for each episode and a recertification at least every ``recertify_every_days``.

    Medicare IOP: summaries of the final rule say recertification "at least
    once every 60 days"; the statute's wording is "every other month". When
    the first certification is due is not verified: ``certify_within_days``
    defaults to ``None`` (a missing certification is reported from admission on).
    """

    kind: str = kind_field("certification")
    id: str = id_field()
    recertify_every_days: int = int_field(1)
    certify_within_days: int | None = opt_int_field(0)
    severity: Severity = severity_field(Severity.VIOLATION)
    source: Source = source_field()

    @f.guard
    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Findings ``certification_missing`` and ``recertification_overdue``."""
        check_as_of("CertificationRule.evaluate", as_of)
        return self._evaluate(records, period, as_of)

    def _evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        out: list[Finding] = []
        self._collect(records, period, as_of, out)
        return finish(out)

    def _collect(self, records: ComplianceRecords, period: DateRange, as_of: date, out: list[Finding]) -> None:
        """Append the findings to *out*, unsorted (what :func:`~iopcore.compliance.evaluate` runs)."""
        for pid, recs in records._by_patient().items():
            certs = sorted((c for c in recs.certifications if c.signed_on <= as_of), key=lambda c: (c.signed_on, c.id))
            for admission in open_admissions(recs, period, as_of):
                start = admission.admitted_at.date()
                mine: list[Certification] = [c for c in certs if c.signed_on >= start]
                initial = next((c for c in mine if c.kind is CertificationKind.CERTIFICATION), None)
                allowed = plus_days(start, self.certify_within_days or 0)
                if initial is None:
                    if as_of > allowed or self.certify_within_days is None:
                        message = (
                            f"No certification for the episode admitted {start.isoformat()} by {as_of.isoformat()}."
                        )
                        when = span(start, max(start, as_of))
                        out.append(
                            found(
                                self,
                                "certification_missing",
                                pid,
                                when,
                                message,
                                (admission.id,),
                                self.severity,
                                threshold=self.certify_within_days,
                                unit=None if self.certify_within_days is None else "days",
                            )
                        )
                    continue
                marks = [(c.signed_on, c.id) for c in mine if c.signed_on >= initial.signed_on]
                for due, until, rid, days in _gaps(marks, self.recertify_every_days, admission, as_of):
                    if until < period.first or due > period.last:
                        continue
                    message = (
                        f"{days} days since the last certification; recertification required every "
                        f"{self.recertify_every_days} days."
                    )
                    out.append(
                        found(
                            self,
                            "recertification_overdue",
                            pid,
                            span(due, max(due, until)),
                            message,
                            (rid,),
                            self.severity,
                            measured=days,
                            threshold=self.recertify_every_days,
                            unit="days",
                        )
                    )
