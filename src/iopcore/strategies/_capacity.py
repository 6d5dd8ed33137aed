"""Strategies for capacity planning: added seats and sessions, suggestions and reports."""

from __future__ import annotations

import functools

from hypothesis import strategies as st

from iopcore.schedule import AddSeats, AddSession, CapacityReport, CapacitySuggestion
from iopcore.strategies._cohort import cohort_schedules
from iopcore.strategies._core import identifiers
from iopcore.strategies._schedule import offerings

__all__ = ["capacity_reports", "capacity_suggestions", "seat_additions", "session_additions"]


@functools.lru_cache(maxsize=None, typed=True)
def seat_additions() -> st.SearchStrategy[AddSeats]:
    """More seats (1 to 5) on any offering id."""
    return st.builds(AddSeats, offering=identifiers(max_size=12), seats=st.integers(1, 5))


@functools.lru_cache(maxsize=None, typed=True)
def session_additions() -> st.SearchStrategy[AddSession]:
    """One more session: any offering."""
    return st.builds(AddSession, offering=offerings())


_CHANGES = st.one_of(seat_additions(), session_additions())


@functools.lru_cache(maxsize=None, typed=True)
def capacity_suggestions(*, with_change: bool | None = None) -> st.SearchStrategy[CapacitySuggestion]:
    """Suggestions: a schedule, some of its patients as the admitted ones, its cost; a change unless
    *with_change* is false (``None``: either; true: always one)."""

    @st.composite
    def build(draw: st.DrawFn) -> CapacitySuggestion:
        schedule = draw(cohort_schedules())
        placed = [a.patient for a in schedule.assignments]
        admitted = [p for p in placed if draw(st.booleans())]
        if with_change is None:
            change = draw(st.one_of(st.none(), _CHANGES))
        else:
            change = draw(_CHANGES) if with_change else None
        return CapacitySuggestion(
            change=change, admitted=tuple(admitted), cost=schedule.cost, schedule=schedule, proven=draw(st.booleans())
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def capacity_reports() -> st.SearchStrategy[CapacityReport]:
    """Reports: up to three suggestions with changes, most admitted first, maybe a re-plan."""

    @st.composite
    def build(draw: st.DrawFn) -> CapacityReport:
        found = draw(st.lists(capacity_suggestions(with_change=True), max_size=3))
        found.sort(key=lambda s: -s.count)
        changes = draw(st.integers(len(found), len(found) + 20))
        return CapacityReport(
            suggestions=found,
            replan=draw(st.one_of(st.none(), capacity_suggestions(with_change=False))),
            waiting=draw(st.integers(0, 50)),
            changes=changes,
            evaluated=draw(st.integers(0, changes)),
            exact=draw(st.booleans()),
            complete=draw(st.booleans()),
            work=draw(st.integers(0, 10_000)),
        )

    return build()
