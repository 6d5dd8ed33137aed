"""Episode rules: services covered by payer authorizations, and the length of stay."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import final

import attrs

from iopcore import _fields as f
from iopcore.compliance._findings import Finding, Severity, finish, found, span
from iopcore.compliance._periods import check_as_of, in_scope, open_admissions
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

__all__ = ["AuthorizationRule", "LengthOfStayRule"]

_count_stay_days: Callable[..., int] = count_stay_days.__wrapped__  # type: ignore[attr-defined]
"""The one length-of-stay count, without its guard: evaluate checks its arguments once, not per admission."""


@final
@attrs.frozen(kw_only=True)
class AuthorizationRule:
    """Every attended service is covered by a payer authorization with units left."""

    kind: str = kind_field("authorization")
    id: str = id_field()
    severity: Severity = severity_field(Severity.VIOLATION)
    source: Source = source_field()

    @f.guard
    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """Findings ``service_without_authorization`` and ``services_beyond_authorization``."""
        check_as_of("AuthorizationRule.evaluate", as_of)
        return self._evaluate(records, period, as_of)

    def _evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        out: list[Finding] = []
        for pid, recs in records._by_patient().items():
            auths = sorted(recs.authorizations, key=lambda a: (a.dates.first, a.id))
            used = dict.fromkeys((a.id for a in auths), 0)
            services = sorted((r for r in recs.attendance if r.present), key=lambda r: (r.start, r.id))
            for r in services:
                day = r.start.date()
                covering = [a for a in auths if a.dates.first <= day <= a.dates.last]
                room = next(
                    (a for a in covering if a.authorized_services is None or used[a.id] < a.authorized_services), None
                )
                if room is not None:
                    used[room.id] += 1
                if not in_scope(day, period, as_of) or room is not None:
                    continue
                if covering:
                    code = "services_beyond_authorization"
                    caps = ", ".join(str(a.authorized_services) for a in covering)
                    text = f"Service on {day.isoformat()} exceeds the authorized number of services ({caps})."
                else:
                    code = "service_without_authorization"
                    text = f"Service on {day.isoformat()} is not covered by any payer authorization."
                out.append(
                    found(self, code, pid, span(day, day), text, (r.id, *(a.id for a in covering)), self.severity)
                )
        return finish(out)


@final
@attrs.frozen(kw_only=True)
class LengthOfStayRule:
    """An episode lasts between ``min_days`` and ``max_days`` days, counted by ``counting``.

    The days run from the admission date to the discharge date (or to ``as_of`` while the
    episode is open) and are counted by :func:`~iopcore.times.count_stay_days`, the function
    :meth:`iopcore.episodes.Episode.days_of_stay` uses too: by default every calendar date of
    the stay, both ends included (:attr:`~iopcore.times.StayCounting.CALENDAR_DAYS`, iopcore's
    choice where the rule's source gives no convention); ``StayCounting.MIDNIGHTS`` counts as
    Medicare does. ``min_days`` and ``max_days`` are inclusive bounds.
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
        for pid, recs in records._by_patient().items():
            for a in open_admissions(recs, period, as_of):
                start = a.admitted_at.date()
                discharged = a.discharged_at is not None and a.discharged_at.date() <= as_of
                end = a.discharged_at.date() if discharged and a.discharged_at is not None else as_of
                days = _count_stay_days(start, end, discharged=discharged, counting=self.counting)
                state = "discharged after" if discharged else "open for"
                if self.max_days is not None and days > self.max_days:
                    code, text = "stay_above_maximum", f"above the maximum of {self.max_days}"
                elif self.min_days is not None and discharged and days < self.min_days:
                    code, text = "stay_below_minimum", f"below the minimum of {self.min_days}"
                else:
                    continue
                message = f"Episode admitted {start.isoformat()} {state} {days} days, {text} days."
                out.append(found(self, code, pid, span(start, end), message, (a.id,), self.severity))
        return finish(out)
