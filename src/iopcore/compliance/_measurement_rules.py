"""Measurement-based care as a compliance rule: an instrument at intake and every N days in care.

The Joint Commission's standard CTS.03.01.09 (behavioral health care and human services)
asks a program to monitor each individual's progress with a standardized tool or instrument
and to use the results to inform care; it names **no instrument and no frequency**. So
:class:`MeasurementScheduleRule` has no default: the instrument, the days allowed at intake
and the interval are the program's policy, and its ``source`` should cite that policy. The
program-level :func:`measurement_summary` (share of patients measured on time, share reliably
improved) serves the standard's population-level use of the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import final

import attrs

from iopcore import _fields as f
from iopcore.assessment import ChangeAssessment, Trajectory
from iopcore.compliance._findings import Finding, Severity, finish, found, span
from iopcore.compliance._periods import check_as_of, open_admissions, plus_days
from iopcore.compliance._records import ComplianceRecords
from iopcore.compliance._rule_fields import id_field, int_field, kind_field, severity_field, source_field
from iopcore.sources import Source
from iopcore.times import DateRange

__all__ = ["MeasurementScheduleRule", "MeasurementSummary", "measurement_summary"]


@final
@attrs.frozen(kw_only=True)
class MeasurementScheduleRule:
    """``instrument`` is administered within ``intake_days`` of admission, then at most ``every_days`` apart.

    Both numbers are the program's policy (TJC CTS.03.01.09 sets none). An administration is
    due on the admission date plus ``intake_days``, then on the previous administration's date
    plus ``every_days``, for as long as the patient is in care (until discharge, or ``as_of``);
    administrations before the admission date or after discharge do not count. A due date is
    missed once it has passed (``as_of`` after it) with no administration on or before it since
    the previous one; each missed due date is one finding: ``measurement_missing_at_intake``
    or ``measurement_overdue``, whose period runs from the due date to the late administration
    (or to discharge or ``as_of``).
    """

    kind: str = kind_field("measurement_schedule")
    id: str = id_field()
    instrument: str = attrs.field(validator=f.identifier())
    intake_days: int = int_field(0, 366)
    """Days after the admission date by which the first administration is due (0: on the day)."""
    every_days: int = int_field(1, 366)
    """Days after one administration by which the next is due."""
    severity: Severity = severity_field(Severity.WARNING)
    source: Source = source_field()

    @f.guard
    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Findings ``measurement_missing_at_intake`` and ``measurement_overdue``, for due dates in *period*."""
        check_as_of("MeasurementScheduleRule.evaluate", as_of)
        return self._evaluate(records, period, as_of)

    def _evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        out: list[Finding] = []
        self._collect(records, period, as_of, out)
        return finish(out)

    def _collect(self, records: ComplianceRecords, period: DateRange, as_of: date, out: list[Finding]) -> None:
        """Append the findings to *out*, unsorted (what :func:`~iopcore.compliance.evaluate` runs)."""
        for pid, recs in records._by_patient().items():
            taken = sorted((m.on, m.id) for m in recs.measurements if m.instrument == self.instrument and m.on <= as_of)
            for a in open_admissions(recs, period, as_of):
                start = a.admitted_at.date()
                end = a.discharged_at.date() if a.discharged_at is not None else date.max
                mine = [t for t in taken if start <= t[0] <= end]
                due, code, anchor = plus_days(start, self.intake_days), "measurement_missing_at_intake", a.id
                i = 0
                while True:
                    if i == len(mine) or mine[i][0] > due:  # nothing since the last administration by the due date
                        if not (due <= end and due < as_of):  # missed only once passed, while in care
                            break
                        late = (mine[i][1],) if i < len(mine) else ()
                        if period.first <= due <= period.last:
                            until = mine[i][0] if late else min(end, as_of)
                            out.append(self._finding(pid, code, due, until, bool(late), (a.id, anchor, *late)))
                        if not late:
                            break
                    day = mine[i][0]  # the next administration (on time or late) restarts the interval
                    while i < len(mine) and mine[i][0] == day:
                        i += 1
                    due, code, anchor = plus_days(day, self.every_days), "measurement_overdue", mine[i - 1][1]

    def _finding(
        self, pid: str, code: str, due: date, until: date, taken_late: bool, evidence: tuple[str, ...]
    ) -> Finding:
        what = "at intake" if code == "measurement_missing_at_intake" else f"within {self.every_days} days"
        state = f"given late on {until.isoformat()}" if taken_late else f"not given by {until.isoformat()}"
        message = f"{self.instrument} due {what} by {due.isoformat()}: {state}."
        ids = tuple(dict.fromkeys(evidence))
        limit = self.intake_days if code == "measurement_missing_at_intake" else self.every_days
        return found(self, code, pid, span(due, until), message, ids, self.severity, threshold=limit, unit="days")


@final
@attrs.frozen(kw_only=True)
class MeasurementSummary:
    """A program's measurement-based care in numbers: who was measured on time, who reliably improved.

    ``patients`` are those in care during the period; ``measured_on_time`` those of them with
    no finding of the rule. ``assessed`` counts the patients whose change was evaluated
    (trajectory not ``not_evaluated``), ``reliably_improved`` those of them who reliably improved.
    A share is ``None`` when its denominator is 0 (not evaluated, never 0 %).
    """

    instrument: str = attrs.field(validator=f.identifier())
    period: DateRange = attrs.field(validator=f.instance(DateRange, "a DateRange"))
    patients: int = int_field(0)
    measured_on_time: int = int_field(0)
    assessed: int = int_field(0)
    reliably_improved: int = int_field(0)
    not_evaluated: int = int_field(0)
    """Patients in care with a change assessment whose trajectory was not evaluated."""

    def __attrs_post_init__(self) -> None:
        if self.measured_on_time > self.patients:
            raise f.fail("$.measured_on_time", "expected at most the number of patients", "range", self)
        if self.reliably_improved > self.assessed:
            raise f.fail("$.reliably_improved", "expected at most the number assessed", "range", self)

    @property
    def share_on_time(self) -> float | None:
        """``measured_on_time / patients`` (``None`` without patients)."""
        return self.measured_on_time / self.patients if self.patients else None

    @property
    def share_reliably_improved(self) -> float | None:
        """``reliably_improved / assessed`` (``None`` when nobody's change was evaluated)."""
        return self.reliably_improved / self.assessed if self.assessed else None


@f.guard
def measurement_summary(
    records: ComplianceRecords,
    rule: MeasurementScheduleRule,
    period: DateRange,
    as_of: date,
    *,
    assessments: Iterable[ChangeAssessment] = (),
) -> MeasurementSummary:
    """The program-level summary of *rule* over *period*, with the patients' change *assessments*.

    Patients in care are those with an admission overlapping *period* by *as_of*. Only the
    assessments of *rule*'s instrument count, one per patient (a patient with several is refused).
    """
    check_as_of("measurement_summary", as_of)
    in_care = sorted(pid for pid, recs in records._by_patient().items() if open_admissions(recs, period, as_of))
    late = {x.patient_id for x in rule._evaluate(records, period, as_of)}
    by_patient: dict[str, ChangeAssessment] = {}
    for i, a in enumerate(assessments):
        if a.instrument != rule.instrument:
            continue
        pid = a.baseline.patient_id
        if pid in by_patient:
            raise f.fail(f"$.assessments[{i}]", "expected one assessment per patient", "unique", None)
        by_patient[pid] = a
    cared = [by_patient[p] for p in in_care if p in by_patient]
    evaluated = [a for a in cared if a.trajectory is not Trajectory.NOT_EVALUATED]
    return MeasurementSummary(
        instrument=rule.instrument,
        period=period,
        patients=len(in_care),
        measured_on_time=sum(1 for p in in_care if p not in late),
        assessed=len(evaluated),
        reliably_improved=sum(1 for a in evaluated if a.trajectory is Trajectory.RELIABLY_IMPROVED),
        not_evaluated=len(cared) - len(evaluated),
    )
