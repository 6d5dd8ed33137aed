"""Plan histories as compliance records: :func:`plan_events` turns versions into :class:`~iopcore.compliance.PlanEvent` s."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo

from iopcore import _fields as f
from iopcore.compliance import PlanEvent, PlanEventKind
from iopcore.plans._ops import PlanHistory

__all__ = ["plan_events"]


@f.guard
def plan_events(history: PlanHistory, *, tz: tzinfo, at: time = time(0)) -> tuple[PlanEvent, ...]:
    """The compliance events of every version in *history*, oldest first, for :func:`iopcore.compliance.evaluate`.

    ========================================  ==========  ===================================
    From                                      Kind        Id
    ========================================  ==========  ===================================
    version 1's ``written_on``                created     ``<plan>.v1.created``
    each signature's ``signed_on``            signed      ``<plan>.v<n>.signed.<signer>``
    ``effective_on`` of a later version, or   reviewed    ``<plan>.v<n>.effective``
    of version 1 when after ``written_on``
    ``last_reviewed_on``                      reviewed    ``<plan>.v<n>.reviewed``
    ========================================  ==========  ===================================

    A revision and a plan taking effect restart the review clock, as
    :func:`~iopcore.plans.next_review_due` counts from the effective date, so they
    become ``reviewed`` events. Only the last review of each version is kept by a
    plan history, so earlier reviews of a version cannot be reported. Each event
    happens at *at* (a naive time, midnight by default) in *tz* on its date. Events are sorted by
    date, then id.
    """
    marks: list[tuple[date, str, PlanEventKind]] = []
    for plan in history.versions:
        stem = f"{plan.id}.v{plan.version}"
        if plan.version == 1:
            marks.append((plan.written_on, f"{stem}.created", PlanEventKind.CREATED))
        marks.extend((s.signed_on, f"{stem}.signed.{s.signer.value}", PlanEventKind.SIGNED) for s in plan.signatures)
        if plan.effective_on is not None and (plan.version > 1 or plan.effective_on != plan.written_on):
            marks.append((plan.effective_on, f"{stem}.effective", PlanEventKind.REVIEWED))
        if plan.last_reviewed_on is not None:
            marks.append((plan.last_reviewed_on, f"{stem}.reviewed", PlanEventKind.REVIEWED))
    first = history.versions[0]
    return tuple(
        PlanEvent(
            id=event_id,
            patient_id=first.patient_id,
            plan_id=first.id,
            kind=kind,
            occurred_at=datetime.combine(day, at, tzinfo=tz),
        )
        for day, event_id, kind in sorted(marks, key=lambda m: (m[0], m[1]))
    )
