"""Calendar plus check-ins → attendance records: every session once, every check-in accounted for, statuses at cut-offs."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.compliance import AttendanceStatus, ComplianceRecords
from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.schedule import (
    AttendanceMatch,
    CalendarSchedule,
    CheckIn,
    CheckInRules,
    Occurrence,
    SessionAttendance,
    UnmatchedReason,
    match_attendance,
)
from iopcore.serialization import from_dict, to_dict
from iopcore.strategies import calendar_schedules, check_in_rules, check_ins
from iopcore.times import Minutes
from tests import builders

EST = timezone(timedelta(hours=-5))
START = datetime(2026, 3, 2, 18, tzinfo=EST)
GROUP = Occurrence(start=START, end=START + timedelta(hours=3), offering_id="evening_mon", component_id="group_therapy")


def visit(cid: str, start: datetime, end: datetime, *, patient: str = "p1", hint: str | None = None) -> CheckIn:
    return CheckIn(id=cid, patient_id=patient, start=start, end=end, occurrence_id=hint)


def one(start: datetime, end: datetime, rules: CheckInRules | None = None) -> SessionAttendance:
    kwargs = {} if rules is None else {"rules": rules}
    match = match_attendance(
        CalendarSchedule(occurrences=(GROUP,)), [visit("c", start, end)], patient_id="p1", **kwargs
    )
    [session] = match.sessions
    return session


# ----------------------------------------------------------------------------- worked examples


def test_a_check_in_covering_the_session_attends_it_with_its_minutes() -> None:
    """Arriving before the start and leaving after the end: attended, 180 of 180 minutes, the record cites the session."""
    session = one(START - timedelta(minutes=10), GROUP.end + timedelta(minutes=5))
    r = session.record
    assert (r.status, r.attended_minutes, r.scheduled_minutes) == (
        AttendanceStatus.ATTENDED,
        Minutes(180),
        Minutes(180),
    )
    assert (r.occurrence_id, r.component_id, r.start, r.end) == (GROUP.id, "group_therapy", GROUP.start, GROUP.end)
    assert r.id == "p1/" + GROUP.id and r.patient_id == "p1"


@pytest.mark.parametrize(
    ("late_by", "status", "minutes"),
    [
        (timedelta(minutes=10), AttendanceStatus.ATTENDED, 170),  # at the cut-off: on time
        (timedelta(minutes=9, seconds=59), AttendanceStatus.ATTENDED, 170),  # just below (170 min 1 s: 170)
        (timedelta(minutes=10, seconds=1), AttendanceStatus.LATE, 169),  # just above
        (timedelta(minutes=11), AttendanceStatus.LATE, 169),
    ],
)
def test_late_is_arriving_more_than_the_grace_after_the_start(
    late_by: timedelta, status: AttendanceStatus, minutes: int
) -> None:
    """With a 10-minute grace, arriving 10 minutes after the start is on time; a second more is late."""
    rules = CheckInRules(late_after=Minutes(10))
    r = one(START + late_by, GROUP.end, rules).record
    assert (r.status, r.attended_minutes.value) == (status, minutes)


@pytest.mark.parametrize(
    ("early_by", "status"),
    [
        (timedelta(minutes=15), AttendanceStatus.ATTENDED),
        (timedelta(minutes=14, seconds=59), AttendanceStatus.ATTENDED),
        (timedelta(minutes=15, seconds=1), AttendanceStatus.LEFT_EARLY),
    ],
)
def test_left_early_is_leaving_more_than_the_grace_before_the_end(
    early_by: timedelta, status: AttendanceStatus
) -> None:
    """With a 15-minute grace, leaving 15 minutes before the end is attended; a second earlier is left early."""
    r = one(START, GROUP.end - early_by, CheckInRules(left_early_before=Minutes(15))).record
    assert r.status is status


def test_by_default_any_lateness_or_early_leaving_counts() -> None:
    """Without a grace period, one second late is late, one second early is left early; exactly on time is attended."""
    assert one(START, GROUP.end).record.status is AttendanceStatus.ATTENDED
    assert one(START + timedelta(seconds=1), GROUP.end).record.status is AttendanceStatus.LATE
    assert one(START, GROUP.end - timedelta(seconds=1)).record.status is AttendanceStatus.LEFT_EARLY


def test_late_and_gone_early_is_late_with_the_minutes_present() -> None:
    """A patient both late and gone early is ``late`` (one status per record); the minutes show the rest."""
    r = one(START + timedelta(minutes=30), GROUP.end - timedelta(minutes=30)).record
    assert (r.status, r.attended_minutes.value) == (AttendanceStatus.LATE, 120)


def test_stepping_out_and_back_counts_the_union_of_the_visits() -> None:
    """Two check-ins with a gap, and one inside another, count each covered minute once."""
    visits = [
        visit("a", START - timedelta(minutes=5), START + timedelta(minutes=60)),
        visit("b", START + timedelta(minutes=10), START + timedelta(minutes=40)),  # inside a
        visit("c", START + timedelta(minutes=90), GROUP.end + timedelta(minutes=1)),
    ]
    [s] = match_attendance(CalendarSchedule(occurrences=(GROUP,)), visits, patient_id="p1").sessions
    assert (s.record.status, s.record.attended_minutes.value) == (AttendanceStatus.ATTENDED, 150)
    assert [c.id for c in s.check_ins] == ["a", "b", "c"]


def test_no_check_in_is_absent_or_excused_and_a_check_in_beats_an_excuse() -> None:
    """Sessions without a check-in are absent, or excused when the app says so; an excused session attended is attended."""
    other = Occurrence(
        start=START + timedelta(days=1),
        end=GROUP.end + timedelta(days=1),
        offering_id="evening_tue",
        component_id="group_therapy",
    )
    third = Occurrence(
        start=START + timedelta(days=2),
        end=GROUP.end + timedelta(days=2),
        offering_id="evening_wed",
        component_id="group_therapy",
    )
    calendar = CalendarSchedule(occurrences=(GROUP, other, third))
    match = match_attendance(
        calendar,
        [visit("c", third.start, third.end)],
        patient_id="p1",
        excused=[other.id, third.id, "elsewhere@2026-03-02T09:00-05:00"],
    )
    assert [r.status for r in match.records] == [
        AttendanceStatus.ABSENT,
        AttendanceStatus.EXCUSED,
        AttendanceStatus.ATTENDED,
    ]
    assert all(r.attended_minutes.value == 0 for r in match.records[:2])
    assert match.unused_excuses == ("elsewhere@2026-03-02T09:00-05:00",)


def test_unmatched_check_ins_come_back_with_their_reason() -> None:
    """Another patient's, one at no session's time, one naming a session not expected, one naming a session it misses."""
    calendar = CalendarSchedule(occurrences=(GROUP,))
    visits = [
        visit("other", START, GROUP.end, patient="p2"),
        visit("nothing", START - timedelta(hours=3), START),  # ends as the session starts: no overlap
        visit("unknown", START, GROUP.end, hint="evening_tue@2026-03-03T18:00-05:00"),
        visit("wrong_time", START + timedelta(days=1), GROUP.end + timedelta(days=1), hint=GROUP.id),
    ]
    match = match_attendance(calendar, visits, patient_id="p1")
    assert match.records[0].status is AttendanceStatus.ABSENT
    assert {u.check_in.id: u.reason for u in match.unmatched} == {
        "other": UnmatchedReason.OTHER_PATIENT,
        "nothing": UnmatchedReason.NO_SESSION,
        "unknown": UnmatchedReason.HINT_NOT_EXPECTED,
        "wrong_time": UnmatchedReason.HINT_NOT_OVERLAPPING,
    }


def test_a_hinted_check_in_counts_for_its_session_only() -> None:
    """A check-in over two back-to-back sessions counts for both; naming one, it counts for that one."""
    after = Occurrence(
        start=GROUP.end, end=GROUP.end + timedelta(hours=1), offering_id="solo", component_id="individual_therapy"
    )
    calendar = CalendarSchedule(occurrences=(GROUP, after))
    both = match_attendance(calendar, [visit("c", START, after.end)], patient_id="p1")
    assert [r.status for r in both.records] == [AttendanceStatus.ATTENDED] * 2
    hinted = match_attendance(calendar, [visit("c", START, after.end, hint=after.id)], patient_id="p1")
    assert [r.status for r in hinted.records] == [AttendanceStatus.ABSENT, AttendanceStatus.ATTENDED]


def test_several_calendars_count_a_shared_occurrence_once() -> None:
    """The week's calendar before and after a schedule change may both hold an occurrence: one record for it."""
    cal = builders.document_calendar()
    first = CalendarSchedule(occurrences=cal.occurrences[:6])
    second = CalendarSchedule(occurrences=cal.occurrences[4:])
    match = match_attendance([first, second], [], patient_id="p1")
    assert [s.occurrence for s in match.sessions] == list(cal.occurrences)


def test_the_records_go_into_a_compliance_bundle() -> None:
    """Record ids are unique and the records are compliance's own, so a bundle takes them as they are."""
    cal = builders.document_calendar()
    visits = [visit(f"c{i}", o.start, o.end) for i, o in enumerate(cal.occurrences[::2])]
    records = match_attendance(cal, visits, patient_id="p1").records
    bundle = ComplianceRecords.of(records)
    assert bundle.attendance == records and len(bundle.ids) == len(cal.occurrences)


def test_conflicting_inputs_are_refused_with_paths() -> None:
    """Two different occurrences with one id, two check-ins with one id, record ids over 128 characters."""
    twin = Occurrence(
        start=GROUP.start,
        end=GROUP.end + timedelta(minutes=5),
        offering_id=GROUP.offering_id,
        component_id="group_therapy",
    )
    with pytest.raises(InvalidArgumentError) as info:
        match_attendance(CalendarSchedule(occurrences=(GROUP, twin)), [], patient_id="p1")
    assert [(e.path, e.rule) for e in info.value.errors] == [("$.calendar.occurrences[1]", "unique")]
    with pytest.raises(InvalidArgumentError) as info:
        match_attendance(
            GROUP_CALENDAR,
            [visit("c", START, GROUP.end), visit("c", START, START + timedelta(hours=1))],
            patient_id="p1",
        )
    assert [(e.path, e.rule) for e in info.value.errors] == [("$.check_ins[1].id", "unique")]
    with pytest.raises(InvalidArgumentError) as info:
        match_attendance(GROUP_CALENDAR, [], patient_id="p" * 100)
    assert [(e.path, e.rule) for e in info.value.errors] == [("$.patient_id", "max_length")]
    assert "p" * 10 not in str(info.value) and "135" in str(info.value)
    with pytest.raises(InvalidArgumentError) as info:
        match_attendance(GROUP_CALENDAR, [], patient_id="p1", record_id_prefix="x" * 100)
    assert [(e.path, e.rule) for e in info.value.errors] == [("$.record_id_prefix", "max_length")]
    same = visit("c", START, GROUP.end)
    assert match_attendance(GROUP_CALENDAR, [same, same], patient_id="p1").sessions[0].check_ins == (same,)


GROUP_CALENDAR = CalendarSchedule(occurrences=(GROUP,))


def test_values_are_refused_half_built() -> None:
    """A check-in ending before it starts, a session whose record is another's, check-ins on an absence: refused."""
    with pytest.raises(InvalidDataError) as info:
        visit("c", START, START)
    assert info.value.paths == ("$.end",)
    [s] = match_attendance(GROUP_CALENDAR, [visit("c", START, GROUP.end)], patient_id="p1").sessions
    absent = match_attendance(GROUP_CALENDAR, [], patient_id="p1").sessions[0]
    with pytest.raises(InvalidDataError):
        SessionAttendance(occurrence=s.occurrence, record=absent.record, check_ins=s.check_ins)
    later = Occurrence(
        start=START + timedelta(days=1),
        end=GROUP.end + timedelta(days=1),
        offering_id="x",
        component_id="group_therapy",
    )
    with pytest.raises(InvalidDataError) as info:
        SessionAttendance(occurrence=later, record=s.record, check_ins=s.check_ins)
    assert info.value.paths == ("$.record",)
    with pytest.raises(InvalidDataError):
        AttendanceMatch(sessions=(s, s))


def test_a_match_pickles_hashes_and_round_trips() -> None:
    """The result is a value: pickled, hashed, serialized and read back equal."""
    cal = builders.document_calendar()
    match = match_attendance(cal, [visit("c", cal.occurrences[0].start, cal.occurrences[0].end)], patient_id="p1")
    assert pickle.loads(pickle.dumps(match)) == match and hash(match) == hash(
        from_dict(AttendanceMatch, to_dict(match))
    )
    assert from_dict(AttendanceMatch, to_dict(match)) == match


# ----------------------------------------------------------------------------- properties


@st.composite
def calendars_and_check_ins(draw: st.DrawFn) -> tuple[CalendarSchedule, list[CheckIn], list[str]]:
    cal = draw(calendar_schedules())
    unique = {o.id: o for o in cal.occurrences}
    cal = CalendarSchedule(occurrences=tuple(unique.values()))
    visits = draw(st.lists(check_ins(sessions=cal.occurrences), max_size=8, unique_by=lambda c: c.id))
    excused = draw(st.lists(st.sampled_from([*unique, "x@2000-01-01T00:00+00:00"]), max_size=3))
    return cal, visits, excused


@given(calendars_and_check_ins(), check_in_rules(), st.randoms(use_true_random=False))
@settings(max_examples=150)
def test_every_session_once_every_check_in_accounted_for_in_any_order(
    case: tuple[CalendarSchedule, list[CheckIn], list[str]], rules: CheckInRules, rnd: object
) -> None:
    """One record per expected session; each check-in is in an attended session or unmatched; order does not matter."""
    cal, visits, excused = case
    match = match_attendance(cal, visits, patient_id="p1", excused=excused, rules=rules)
    assert sorted(s.occurrence.id for s in match.sessions) == sorted({o.id for o in cal.occurrences})
    assert len({r.id for r in match.records}) == len(match.records)
    in_sessions = {c.id for s in match.sessions for c in s.check_ins}
    unmatched = {u.check_in.id for u in match.unmatched}
    assert in_sessions | unmatched == {c.id for c in visits} and not in_sessions & unmatched
    for s in match.sessions:
        r = s.record
        assert r.attended_minutes.value <= r.scheduled_minutes.value == s.occurrence.minutes.value
        assert r.present == bool(s.check_ins)
        if not r.present:
            assert r.status is (AttendanceStatus.EXCUSED if s.occurrence.id in excused else AttendanceStatus.ABSENT)
    shuffled_cal = list(cal.occurrences)
    shuffled = list(visits)
    rnd.shuffle(shuffled_cal)  # type: ignore[attr-defined]
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    again = match_attendance(
        [CalendarSchedule(occurrences=tuple(shuffled_cal))],
        shuffled,
        patient_id="p1",
        excused=excused[::-1],
        rules=rules,
    )
    assert again == match


@given(calendar_schedules(), st.integers(0, 30), st.integers(0, 30), check_in_rules())
@settings(max_examples=100)
def test_a_check_in_covering_a_whole_session_attends_it_with_its_minutes(
    cal: CalendarSchedule, before: int, after: int, rules: CheckInRules
) -> None:
    """For every session, a check-in from before its start to after its end gives ``attended`` with its minutes."""
    unique = CalendarSchedule(occurrences=tuple({o.id: o for o in cal.occurrences}.values()))
    for occ in unique.occurrences:
        c = visit("c", occ.start - timedelta(minutes=before), occ.end + timedelta(minutes=after), hint=None)
        match = match_attendance(unique, [c], patient_id="p1", rules=rules)
        [s] = [s for s in match.sessions if s.occurrence == occ]
        assert (s.record.status, s.record.attended_minutes) == (AttendanceStatus.ATTENDED, occ.minutes)


def test_check_ins_in_other_zones_match_by_instant() -> None:
    """A check-in written in UTC matches the session written in New York time: instants are compared."""
    c = visit("c", START.astimezone(UTC), GROUP.end.astimezone(UTC))
    assert one(c.start, c.end).record.status is AttendanceStatus.ATTENDED
    assert date(2026, 3, 2) == one(c.start, c.end).record.day
