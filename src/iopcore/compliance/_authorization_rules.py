"""Authorization rule: every attended service is covered by a payer authorization within each cap it states."""

from __future__ import annotations

from datetime import date
from typing import final

import attrs

from iopcore import _fields as f
from iopcore.compliance._findings import Collector, Finding, Severity, finish, found, span
from iopcore.compliance._periods import attendance_by_time, check_as_of
from iopcore.compliance._records import PRESENT_STATUSES as PRESENT
from iopcore.compliance._records import ComplianceRecords, PayerAuthorization
from iopcore.compliance._rule_fields import id_field, kind_field, severity_field, source_field
from iopcore.sources import Source
from iopcore.times import DateRange

__all__ = ["AuthorizationRule"]


@final
@attrs.frozen(kw_only=True)
class AuthorizationRule:
    """Every attended service is covered by a payer authorization with room left under each cap it states.

    Caps (see :class:`~iopcore.compliance.PayerAuthorization`): units (services),
    service days (dates with a service under the authorization) and calendar
    days from the authorization's first date. Services are assigned in time
    order to the earliest covering authorization with room; a service no
    covering authorization has room for is ``services_beyond_authorization``
    (the message says which caps are reached), one outside every
    authorization's dates is ``service_without_authorization``.
    """

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
        self._collector()(records, period, as_of, out)
        return finish(out)

    def _collector(self) -> Collector:
        """Findings appended unsorted; each authorization's caps read once per bundle, not once per service."""
        severity = self.severity
        uncovered: dict[date, str] = {}  # days repeat across patients: one message each

        def collect(records: ComplianceRecords, period: DateRange, as_of: date, out: list[Finding]) -> None:
            first, last = period.first, min(period.last, as_of)
            for pid, recs in records._by_patient().items():
                auths = sorted(recs.authorizations, key=lambda a: (a.dates.first, a.id))
                caps = [
                    (
                        i,
                        a.dates.first,
                        a.dates.last,
                        a.authorized_calendar_days,
                        a.authorized_services,
                        a.authorized_service_days,
                    )
                    for i, a in enumerate(auths)
                ]
                units = [0] * len(auths)
                days: list[set[date]] = [set() for _ in auths]
                for _, rid, day, _, r in attendance_by_time(recs, period, as_of):
                    if r.status not in PRESENT:
                        continue
                    # The first authorization that covers the day with room left takes the service (what
                    # _cap_reached says, inlined: most services fit their first authorization).
                    room = -1
                    for i, lo, hi, calendar, services, service_days in caps:
                        if (
                            lo <= day <= hi
                            and (calendar is None or (day - lo).days < calendar)
                            and (services is None or units[i] < services)
                            and (service_days is None or day in days[i] or len(days[i]) < service_days)
                        ):
                            room = i
                            break
                    if room >= 0:
                        units[room] += 1
                        days[room].add(day)
                        continue
                    if not first <= day <= last:
                        continue
                    covering = [i for i, a in enumerate(auths) if a.dates.first <= day <= a.dates.last]
                    if covering:
                        reached = [
                            why for i in covering if (why := _cap_reached(auths[i], day, units[i], days[i])) is not None
                        ]
                        code = "services_beyond_authorization"
                        text = f"Service on {day.isoformat()} exceeds its authorization: {'; '.join(reached)}."
                    else:
                        code = "service_without_authorization"
                        text = uncovered.get(day) or uncovered.setdefault(
                            day, f"Service on {day.isoformat()} is not covered by any payer authorization."
                        )
                    evidence = (rid, *(auths[i].id for i in covering))
                    out.append(found(self, code, pid, span(day, day), text, evidence, severity))

        return collect


def _cap_reached(auth: PayerAuthorization, day: date, units: int, days: set[date]) -> str | None:
    """Which of *auth*'s caps a service on *day* would exceed (``None``: it fits), given what is used already."""
    calendar = auth.authorized_calendar_days
    if calendar is not None and (day - auth.dates.first).days >= calendar:
        return f"day {(day - auth.dates.first).days + 1} of {calendar} authorized calendar day(s)"
    if auth.authorized_services is not None and units >= auth.authorized_services:
        return f"all {auth.authorized_services} authorized service(s) used"
    service_days = auth.authorized_service_days
    if service_days is not None and day not in days and len(days) >= service_days:
        return f"all {service_days} authorized service day(s) used"
    return None
