"""The loop closes: a calendar of expected sessions and a patient's check-ins become attendance records.

:func:`match_attendance` takes the occurrences a patient is expected at (one or more
:class:`~iopcore.schedule.CalendarSchedule` s, e.g. the old week's calendar up to a change and the
new one after it) and the patient's :class:`CheckIn` s (arrival and departure, as a kiosk or a
front desk records them), and returns one :class:`~iopcore.compliance.AttendanceRecord` per
expected session, exactly once:

* a session that one or more of the patient's check-ins **overlap** (share a positive length of
  time with) was attended; its ``attended_minutes`` are the whole minutes of the union of the
  overlaps (a patient who steps out and back is not counted twice), at most the session's
  ``minutes``. Its status is ``late`` when the first arrival is more than
  :attr:`CheckInRules.late_after` after the start, else ``left_early`` when the last departure is
  more than :attr:`CheckInRules.left_early_before` before the end, else ``attended``
  (:class:`~iopcore.compliance.AttendanceStatus` has one status per record, so a patient both late
  and gone early is ``late``; the minutes show the rest). Both are zero by default: the statuses'
  plain meaning, arriving after the start and leaving before the end. A grace period is the
  program's policy (no cited rule sets one), so it is a parameter with its ``source``;
* a session no check-in overlaps is ``absent``, or ``excused`` when its occurrence id is in
  *excused* (the application says which absences it excuses; a check-in beats an excuse);
* a check-in that overlaps none of the patient's expected sessions is returned in
  :attr:`AttendanceMatch.unmatched` with the reason (another patient's, no session at that time,
  a hinted session that is not expected or not at that time), never dropped. A check-in that
  names a session (:attr:`CheckIn.occurrence_id`) counts for that session only.

A check-in may cover several sessions (09:00 to 15:00 over a morning and an afternoon group): it
counts for each. The result is the same for inputs in any order: sessions come in the order of
:class:`~iopcore.schedule.Occurrence`, check-ins by start, end and id. Record ids are
``<record_id_prefix><occurrence id>`` (the prefix defaults to the patient id and ``/``), so they
are unique within the patient and stable when the same calendar is matched again.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, final

import attrs

from iopcore import _fields as f
from iopcore.compliance import AttendanceRecord, AttendanceStatus
from iopcore.errors import ErrorItem, InvalidArgumentError, InvalidDataError
from iopcore.schedule._calendar import CalendarSchedule, Occurrence
from iopcore.sources import Evidence, Source
from iopcore.times import Minutes

__all__ = [
    "DEFAULT_CHECK_IN_RULES",
    "AttendanceMatch",
    "CheckIn",
    "CheckInRules",
    "SessionAttendance",
    "UnmatchedCheckIn",
    "UnmatchedReason",
    "match_attendance",
]

_RECORD_ID_LENGTH = 128  # AttendanceRecord.id's limit
_MINUTE = timedelta(minutes=1)


def _utc(value: datetime) -> datetime:
    """The naive UTC instant of an aware datetime (whatever its tzinfo)."""
    offset = value.utcoffset() or timedelta()
    return value.replace(tzinfo=None) - offset


@final
@attrs.frozen(kw_only=True)
class CheckIn:
    """A patient present from ``start`` to ``end`` (aware datetimes), as the application recorded it.

    ``occurrence_id`` optionally names the session the check-in was for (an
    :attr:`~iopcore.schedule.Occurrence.id`); without it the check-in counts for every expected
    session it overlaps. ``id`` is the application's record id.
    """

    id: str = f.phi_field(validator=f.text(max_length=128))
    patient_id: str = f.phi_field(validator=f.text(max_length=128))
    start: datetime = attrs.field(validator=f.aware_datetime())
    end: datetime = attrs.field(validator=f.aware_datetime())
    occurrence_id: str | None = f.phi_field(default=None, validator=f.optional(f.text(max_length=160)))
    """The session the check-in names, if any (an identifier like the records' own: ``repr`` redacts it)."""

    def __attrs_post_init__(self) -> None:
        if _utc(self.end) <= _utc(self.start):
            raise f.fail("$.end", "expected an end after the start, got an end at or before the start", "order", self)


def _check_in_key(c: CheckIn) -> tuple[Any, ...]:
    return (_utc(c.start), _utc(c.end), c.id, c.patient_id, c.occurrence_id or "")


_POLICY = Source(
    citation="iopcore default: no grace period (late means arriving after the start, left early leaving before the end)",
    evidence=Evidence.ILLUSTRATIVE,
    note="No cited rule defines when a patient is late or left early; a grace period is the program's policy.",
)


@final
@attrs.frozen(kw_only=True)
class CheckInRules:
    """When a present patient counts as late or as having left early (the program's policy).

    Late: the first arrival is *more than* ``late_after`` after the session's start (arriving
    exactly ``late_after`` after it is on time). Left early: the last departure is *more than*
    ``left_early_before`` before its end.
    """

    late_after: Minutes = attrs.field(factory=lambda: Minutes(0), validator=f.instance(Minutes, "a Minutes"))
    left_early_before: Minutes = attrs.field(factory=lambda: Minutes(0), validator=f.instance(Minutes, "a Minutes"))
    source: Source = attrs.field(default=_POLICY, validator=f.instance(Source, "a Source"))


DEFAULT_CHECK_IN_RULES = CheckInRules()
"""No grace period: late after the start, left early before the end (illustrative; set the program's)."""


class UnmatchedReason(enum.StrEnum):
    """Why a check-in made no session attended."""

    OTHER_PATIENT = "other_patient"
    """The check-in is another patient's."""
    NO_SESSION = "no_session"
    """It overlaps none of the patient's expected sessions."""
    HINT_NOT_EXPECTED = "hint_not_expected"
    """It names a session that is not among the expected ones."""
    HINT_NOT_OVERLAPPING = "hint_not_overlapping"
    """It names an expected session it does not overlap."""


@final
@attrs.frozen(kw_only=True)
class UnmatchedCheckIn:
    """A check-in that made no session attended, and why."""

    check_in: CheckIn = attrs.field(validator=f.instance(CheckIn, "a CheckIn"))
    reason: UnmatchedReason = attrs.field(validator=f.enum_member(UnmatchedReason))


@final
@attrs.frozen(kw_only=True)
class SessionAttendance:
    """One expected session, its attendance record, and the check-ins that made it attended (by start)."""

    occurrence: Occurrence = attrs.field(validator=f.instance(Occurrence, "an Occurrence"))
    record: AttendanceRecord = attrs.field(validator=f.instance(AttendanceRecord, "an AttendanceRecord"))
    check_ins: tuple[CheckIn, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(CheckIn))

    def __attrs_post_init__(self) -> None:
        occ, record = self.occurrence, self.record
        same = (record.start, record.end, record.scheduled_minutes) == (occ.start, occ.end, occ.minutes)
        if not same or record.component_id != occ.component_id:
            raise f.fail(
                "$.record",
                "expected the occurrence's start, end, minutes and component, got a record of another session",
                "occurrence",
                self,
            )
        if bool(self.check_ins) != self.record.present:
            raise f.fail(
                "$.check_ins",
                "expected check-ins exactly when the record is present (attended, late or left early)",
                "check_ins",
                self,
            )
        if any(c.patient_id != self.record.patient_id for c in self.check_ins):
            raise f.fail("$.check_ins", "expected the record's patient's check-ins only", "patient", self)


@final
@attrs.frozen(kw_only=True)
class AttendanceMatch:
    """Every expected session's attendance (in occurrence order) and the check-ins that matched none."""

    sessions: tuple[SessionAttendance, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(SessionAttendance)
    )
    unmatched: tuple[UnmatchedCheckIn, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(UnmatchedCheckIn)
    )
    unused_excuses: tuple[str, ...] = f.phi_field(default=(), converter=f.to_tuple, validator=f.tuple_of(str))
    """Excused occurrence ids that name no expected session (sorted): perhaps another calendar's, perhaps a typo."""

    def __attrs_post_init__(self) -> None:
        try:
            f.unique_by(self.sessions, lambda s: s.occurrence.id, path="$.sessions", what="occurrence id")
        except InvalidDataError as exc:
            raise InvalidDataError(exc.errors, type_name="AttendanceMatch") from None

    @property
    def records(self) -> tuple[AttendanceRecord, ...]:
        """The attendance records, one per expected session, in occurrence order."""
        return tuple(s.record for s in self.sessions)


@f.guard
def match_attendance(
    calendar: CalendarSchedule | Sequence[CalendarSchedule],
    check_ins: Iterable[CheckIn],
    *,
    patient_id: str,
    excused: Iterable[str] = (),
    rules: CheckInRules = DEFAULT_CHECK_IN_RULES,
    record_id_prefix: str | None = None,
) -> AttendanceMatch:
    """Attendance records for *patient_id*'s expected sessions in *calendar*, from *check_ins*.

    *calendar* is the patient's expected sessions (one calendar or several; an occurrence in two of
    them counts once). The module documents the matching; every expected session gets one record
    and every check-in is in an attended session's ``check_ins`` or in ``unmatched``. Two different
    occurrences with one id, two different check-ins with one id, or a record id longer than 128
    characters are refused.
    """
    calendars = (calendar,) if isinstance(calendar, CalendarSchedule) else tuple(calendar)
    prefix = f"{patient_id}/" if record_id_prefix is None else record_id_prefix
    sessions = _expected(calendars, prefix, record_id_prefix is None)
    visits = _distinct_check_ins(check_ins)
    excuses = frozenset(excused)
    return _match(sessions, visits, patient_id, excuses, rules, prefix)


def _expected(calendars: Sequence[CalendarSchedule], prefix: str, default_prefix: bool) -> list[Occurrence]:
    by_id: dict[str, Occurrence] = {}
    errors: list[ErrorItem] = []
    for i, cal in enumerate(calendars):
        for j, occ in enumerate(cal.occurrences):
            seen = by_id.setdefault(occ.id, occ)
            if seen != occ:
                path = f"$.calendar[{i}].occurrences[{j}]" if len(calendars) > 1 else f"$.calendar.occurrences[{j}]"
                errors.append(
                    ErrorItem(
                        path=path, message="expected one occurrence per id, got two different ones", rule="unique"
                    )
                )
    longest = max((len(i) for i in by_id), default=0)
    if by_id and len(prefix) + longest > _RECORD_ID_LENGTH:
        errors.append(
            ErrorItem(
                path="$.patient_id" if default_prefix else "$.record_id_prefix",
                message=f"expected record ids of at most {_RECORD_ID_LENGTH} characters, got "
                f"{len(prefix) + longest} (a prefix of {len(prefix)} and an occurrence id of {longest})",
                rule="max_length",
            )
        )
    if errors:
        raise InvalidArgumentError(errors, callable="match_attendance")
    return sorted(by_id.values())


def _distinct_check_ins(check_ins: Iterable[CheckIn]) -> list[CheckIn]:
    by_id: dict[str, CheckIn] = {}
    errors: list[ErrorItem] = []
    for i, c in enumerate(check_ins):
        seen = by_id.setdefault(c.id, c)
        if seen != c:
            errors.append(
                ErrorItem(path=f"$.check_ins[{i}].id", message="expected one check-in per id, got two", rule="unique")
            )
    if errors:
        raise InvalidArgumentError(errors, callable="match_attendance")
    return sorted(by_id.values(), key=_check_in_key)


def _overlaps(occ: Occurrence, c: CheckIn) -> bool:
    return _utc(c.start) < _utc(occ.end) and _utc(occ.start) < _utc(c.end)


def _match(
    sessions: list[Occurrence],
    visits: list[CheckIn],
    patient_id: str,
    excused: frozenset[str],
    rules: CheckInRules,
    prefix: str,
) -> AttendanceMatch:
    ids = {occ.id for occ in sessions}
    present: dict[str, list[CheckIn]] = {occ.id: [] for occ in sessions}
    unmatched: list[UnmatchedCheckIn] = []
    by_id = {occ.id: occ for occ in sessions}
    for c in visits:  # sorted: each session's check-ins come in order
        reason = None
        if c.patient_id != patient_id:
            reason = UnmatchedReason.OTHER_PATIENT
        elif c.occurrence_id is not None:
            hinted = by_id.get(c.occurrence_id)
            if hinted is None:
                reason = UnmatchedReason.HINT_NOT_EXPECTED
            elif not _overlaps(hinted, c):
                reason = UnmatchedReason.HINT_NOT_OVERLAPPING
            else:
                present[hinted.id].append(c)
        else:
            hits = [occ for occ in sessions if _overlaps(occ, c)]
            for occ in hits:
                present[occ.id].append(c)
            if not hits:
                reason = UnmatchedReason.NO_SESSION
        if reason is not None:
            unmatched.append(UnmatchedCheckIn(check_in=c, reason=reason))
    out = [
        SessionAttendance(
            occurrence=occ,
            record=_record(occ, present[occ.id], patient_id, occ.id in excused, rules, prefix),
            check_ins=tuple(present[occ.id]),
        )
        for occ in sessions
    ]
    return AttendanceMatch(sessions=out, unmatched=unmatched, unused_excuses=tuple(sorted(excused - ids)))


def _record(
    occ: Occurrence, visits: list[CheckIn], patient_id: str, excused: bool, rules: CheckInRules, prefix: str
) -> AttendanceRecord:
    begin, end = _utc(occ.start), _utc(occ.end)
    if not visits:
        status = AttendanceStatus.EXCUSED if excused else AttendanceStatus.ABSENT
        attended = Minutes(0)
    else:
        attended = Minutes(_covered(begin, end, visits) // _MINUTE)
        arrival = min(_utc(c.start) for c in visits)
        departure = max(_utc(c.end) for c in visits)
        if arrival - begin > timedelta(minutes=rules.late_after.value):
            status = AttendanceStatus.LATE
        elif end - departure > timedelta(minutes=rules.left_early_before.value):
            status = AttendanceStatus.LEFT_EARLY
        else:
            status = AttendanceStatus.ATTENDED
    return AttendanceRecord(
        id=f"{prefix}{occ.id}",
        patient_id=patient_id,
        occurrence_id=occ.id,
        component_id=occ.component_id,
        start=occ.start,
        end=occ.end,
        scheduled_minutes=occ.minutes,
        attended_minutes=attended,
        status=status,
    )


def _covered(begin: datetime, end: datetime, visits: list[CheckIn]) -> timedelta:
    """The length of ``[begin, end)`` covered by the union of the check-ins (sorted by start)."""
    total = timedelta()
    reach = begin
    for c in visits:
        lo, hi = max(_utc(c.start), reach), min(_utc(c.end), end)
        if hi > lo:
            total += hi - lo
            reach = hi
    return total
