"""Strategies for the loop from calendar to attendance: check-ins, their rules and matches."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import timedelta

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from iopcore.schedule import (
    AttendanceMatch,
    CalendarSchedule,
    CheckIn,
    CheckInRules,
    Occurrence,
    SessionAttendance,
    UnmatchedCheckIn,
    UnmatchedReason,
    match_attendance,
)
from iopcore.strategies._compliance_records import aware_datetimes
from iopcore.strategies._core import sources
from iopcore.strategies._schedule import calendar_schedules, occurrences
from iopcore.times import Minutes

__all__ = ["attendance_matches", "check_in_rules", "check_ins", "session_attendances", "unmatched_check_ins"]

_PATIENTS = ("p1", "p2")


def check_ins(
    *, sessions: Sequence[Occurrence] = (), patient_ids: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[CheckIn]:
    """Check-ins; with *sessions*, most fall around one of them (early, late, covering, inside, just outside).

    Ids are drawn from a small alphabet, so a list of check-ins may repeat one: make them unique
    (``st.lists(..., unique_by=lambda c: c.id)``) before matching.
    """
    if not isinstance(sessions, Sequence) or not all(isinstance(s, Occurrence) for s in sessions):
        raise InvalidArgument("sessions must be a sequence of Occurrence values")
    return _check_ins(tuple(sessions), patient_ids)


def _check_ins(
    sessions: tuple[Occurrence, ...], patient_ids: st.SearchStrategy[str] | None
) -> st.SearchStrategy[CheckIn]:
    pids = patient_ids if patient_ids is not None else st.sampled_from(_PATIENTS)
    offsets = st.one_of(
        st.integers(-90, 90), st.sampled_from((-1, 0, 1)), st.integers(-90 * 60, 90 * 60).map(lambda s: s / 60)
    )

    @st.composite
    def build(draw: st.DrawFn) -> CheckIn:
        hint = None
        if sessions and draw(st.integers(0, 4)) > 0:
            occ = draw(st.sampled_from(sessions))
            start = occ.start + timedelta(minutes=draw(offsets))
            end = occ.end + timedelta(minutes=draw(offsets))
            if end <= start:
                end = start + timedelta(minutes=draw(st.integers(1, 120)))
            if draw(st.integers(0, 5)) == 0:
                hint = draw(st.sampled_from([s.id for s in sessions] + ["elsewhere@2000-01-01T00:00+00:00"]))
        else:
            start = draw(aware_datetimes())
            end = start + timedelta(minutes=draw(st.integers(1, 8 * 60)))
        return CheckIn(
            id=draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz")) + str(draw(st.integers(0, 9))),
            patient_id=draw(pids),
            start=start,
            end=end,
            occurrence_id=hint,
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def check_in_rules() -> st.SearchStrategy[CheckInRules]:
    """Late and left-early grace periods from 0 to 60 minutes, with any source."""
    grace = st.integers(0, 60).map(Minutes)
    return st.builds(CheckInRules, late_after=grace, left_early_before=grace, source=sources())


@functools.lru_cache(maxsize=None, typed=True)
def attendance_matches() -> st.SearchStrategy[AttendanceMatch]:
    """Matches of a generated calendar with check-ins around its sessions (what :func:`match_attendance` returns)."""

    @st.composite
    def build(draw: st.DrawFn) -> AttendanceMatch:
        calendar: CalendarSchedule = draw(calendar_schedules())
        visits = draw(st.lists(_check_ins(calendar.occurrences, None), max_size=6, unique_by=lambda c: c.id))
        occurrence_ids = [o.id for o in calendar.occurrences]
        excused = draw(st.lists(st.sampled_from([*occurrence_ids, "other@2000-01-01T00:00+00:00"]), max_size=3))
        pid = draw(st.sampled_from(_PATIENTS))
        unique = {o.id: o for o in calendar.occurrences}
        if len(unique) != len(set(calendar.occurrences)):  # two different occurrences with one id: keep the first
            calendar = CalendarSchedule(occurrences=tuple(unique.values()))
        return match_attendance(calendar, visits, patient_id=pid, excused=excused, rules=draw(check_in_rules()))

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def session_attendances() -> st.SearchStrategy[SessionAttendance]:
    """One session matched with check-ins around it (every status)."""

    @st.composite
    def build(draw: st.DrawFn) -> SessionAttendance:
        occurrence: Occurrence = draw(occurrences())
        visits = draw(st.lists(_check_ins((occurrence,), None), max_size=3, unique_by=lambda c: c.id))
        excused = draw(st.lists(st.just(occurrence.id), max_size=1))
        calendar = CalendarSchedule(occurrences=(occurrence,))
        pid = draw(st.sampled_from(_PATIENTS))
        return match_attendance(
            calendar, visits, patient_id=pid, excused=excused, rules=draw(check_in_rules())
        ).sessions[0]

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def unmatched_check_ins() -> st.SearchStrategy[UnmatchedCheckIn]:
    """Check-ins with any reason for matching no session."""
    return st.builds(UnmatchedCheckIn, check_in=_check_ins((), None), reason=st.sampled_from(UnmatchedReason))
