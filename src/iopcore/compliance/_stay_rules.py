"""Episode rules: the length of stay (payer authorizations: :mod:`._authorization_rules`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import final

import attrs

from iopcore import _fields as f
from iopcore.compliance._findings import Finding, Severity, finish, found, span
from iopcore.compliance._periods import check_as_of, open_admissions
from iopcore.compliance._records import ComplianceRecords
from iopcore.compliance._rule_fields import (
    check_order,
    id_field,
    kind_field,
    opt_int_field,
    severity_field,
    source_field,
)
from iopcore.sources import Source
from iopcore.times import DateRange, StayCounting, count_stay_days

__all__ = ["LengthOfStayRule"]

_count_stay_days: Callable[..., int] = count_stay_days.__wrapped__  # type: ignore[attr-defined]
"""The one length-of-stay count, without its guard: evaluate checks its arguments once, not per admission."""


@final
@attrs.frozen(kw_only=True)
class LengthOfStayRule:
    """An episode lasts between ``min_days`` and ``max_days`` days, counted by ``counting``.

    The days run from the admission date to the discharge date (or to ``as_of`` while the
    episode is open) and are counted by :func:`~iopcore.times.count_stay_days`, the function
    :meth:`iopcore.episodes.Episode.days_of_stay` uses too: by default every calendar date of
    the stay, both ends included (:attr:`~iopcore.times.StayCounting.CALENDAR_DAYS`, iopcore's
    choice where the rule's source gives no convention); ``StayCounting.MIDNIGHTS`` counts as
    Medicare does. ``min_days`` and ``max_days`` are inclusive bounds. A rule read from a
    document written before ``counting`` existed (format 1 or 2, no ``counting``) keeps its old
    count, discharge minus admission, as ``MIDNIGHTS`` (the serialization format reference,
    version 3, says where the two differ).
    """

    kind: str = kind_field("length_of_stay")
    id: str = id_field()
    min_days: int | None = opt_int_field(0)
    max_days: int | None = opt_int_field(0)
    counting: StayCounting = attrs.field(default=StayCounting.CALENDAR_DAYS, validator=f.enum_member(StayCounting))
    severity: Severity = severity_field(Severity.WARNING)
    source: Source = source_field()

    def __attrs_post_init__(self) -> None:
        check_order(self, self.min_days, self.max_days, "max_days")

    @f.guard
    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Findings ``stay_above_maximum`` (open or closed episodes) and ``stay_below_minimum`` (discharged)."""
        check_as_of("LengthOfStayRule.evaluate", as_of)
        return self._evaluate(records, period, as_of)

    def _evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        out: list[Finding] = []
        self._collect(records, period, as_of, out)
        return finish(out)

    def _collect(self, records: ComplianceRecords, period: DateRange, as_of: date, out: list[Finding]) -> None:
        """Append the findings to *out*, unsorted (what :func:`~iopcore.compliance.evaluate` runs)."""
        for pid, recs in records._by_patient().items():
            for a in open_admissions(recs, period, as_of):
                start = a.admitted_at.date()
                discharged = a.discharged_at is not None and a.discharged_at.date() <= as_of
                end = a.discharged_at.date() if discharged and a.discharged_at is not None else as_of
                days = _count_stay_days(start, end, discharged=discharged, counting=self.counting)
                state = "discharged after" if discharged else "open for"
                if self.max_days is not None and days > self.max_days:
                    code, text, limit = "stay_above_maximum", f"above the maximum of {self.max_days}", self.max_days
                elif self.min_days is not None and discharged and days < self.min_days:
                    code, text, limit = "stay_below_minimum", f"below the minimum of {self.min_days}", self.min_days
                else:
                    continue
                message = f"Episode admitted {start.isoformat()} {state} {days} days, {text} days."
                out.append(
                    found(
                        self,
                        code,
                        pid,
                        span(start, end),
                        message,
                        (a.id,),
                        self.severity,
                        measured=days,
                        threshold=limit,
                        unit="days",
                    )
                )
