"""Compliance records: valid values only, bad records rejected with paths, group fan-out."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import pytest

from iopcore.compliance import (
    AdmissionRecord,
    Analyte,
    AnalyteResult,
    AttendanceStatus,
    ComplianceRecords,
    DrugTest,
    DrugTestStatus,
    GroupAttendance,
    PayerAuthorization,
    RosterEntry,
    SpecimenValidity,
    TestMethod,
)
from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.serialization import from_dict, to_dict
from iopcore.times import DateRange, Minutes
from tests.builders import MONDAY, admission, at, confirm, drug_test, session


def _paths(exc: pytest.ExceptionInfo[InvalidDataError]) -> tuple[str, ...]:
    return exc.value.paths


def test_end_before_start_is_rejected_at_end() -> None:
    """An attendance record ending before it starts is rejected at `$.end`."""
    good = session("s1", MONDAY)
    with pytest.raises(InvalidDataError) as info:
        type(good)(**{**_fields(good), "end": good.start - timedelta(minutes=1)})
    assert _paths(info) == ("$.end",)


def _fields(value: object) -> dict[str, object]:
    import attrs

    return {a.alias: getattr(value, a.name) for a in attrs.fields(type(value))}


def test_negative_minutes_are_rejected_at_the_field() -> None:
    """Negative attended minutes are rejected at `$.attended_minutes`, naming the type, not the value."""
    good = session("s1", MONDAY)
    with pytest.raises(InvalidDataError) as info:
        type(good)(**{**_fields(good), "attended_minutes": -5})
    assert _paths(info) == ("$.attended_minutes",)
    assert "-5" not in str(info.value)


def test_negative_minutes_in_a_document_are_rejected_with_the_path() -> None:
    """from_dict reports negative minutes at their path."""
    data = to_dict(session("s1", MONDAY))
    data["scheduled_minutes"] = -1
    with pytest.raises(InvalidDataError) as info:
        from_dict(type(session("s1", MONDAY)), data)
    assert "$.scheduled_minutes" in _paths(info)


def test_naive_datetimes_are_rejected() -> None:
    """A naive start datetime is rejected at `$.start` with rule `aware`."""
    good = session("s1", MONDAY)
    with pytest.raises(InvalidDataError) as info:
        type(good)(**{**_fields(good), "start": datetime(2026, 1, 5, 9)})  # noqa: DTZ001 - the point of the test
    assert _paths(info) == ("$.start",)
    assert info.value.errors[0].rule == "aware"


def test_unknown_analyte_is_rejected() -> None:
    """An analyte outside the vocabulary is rejected at `$.analyte`, directly and from a document."""
    with pytest.raises(InvalidDataError) as info:
        AnalyteResult(analyte="kryptonite", concentration_ng_ml=1, method=TestMethod.SCREEN)  # type: ignore[arg-type]
    assert _paths(info) == ("$.analyte",)
    with pytest.raises(InvalidDataError) as info:
        from_dict(AnalyteResult, {"analyte": "kryptonite", "concentration_ng_ml": 1, "method": "screen"})
    assert _paths(info) == ("$.analyte",)


def test_duplicate_ids_are_rejected_with_the_later_path() -> None:
    """Two records with one id (even of different kinds) are rejected at the later one's id."""
    with pytest.raises(InvalidDataError) as info:
        ComplianceRecords(attendance=(session("x", MONDAY), session("y", MONDAY)), drug_tests=(drug_test("x", MONDAY),))
    assert _paths(info) == ("$.drug_tests[0].id",)


def test_absent_with_minutes_is_rejected() -> None:
    """An absent patient cannot have attended minutes."""
    good = session("s1", MONDAY, status=AttendanceStatus.ABSENT)
    with pytest.raises(InvalidDataError) as info:
        type(good)(**{**_fields(good), "attended_minutes": Minutes(10)})
    assert _paths(info) == ("$.attended_minutes",)


def test_patient_ids_are_redacted_in_repr() -> None:
    """Patient ids are PHI: they never appear in a record's repr."""
    record = session("s1", MONDAY, pid="MRN-12345")
    assert "MRN-12345" not in repr(record)


def _group(roster: tuple[RosterEntry, ...]) -> GroupAttendance:
    return GroupAttendance(
        occurrence_id="g1",
        component_id="group_therapy",
        start=at(MONDAY),
        end=at(MONDAY, 12),
        scheduled_minutes=Minutes(180),
        roster=roster,
    )


def test_group_attendance_fans_out_one_record_per_roster_entry() -> None:
    """A group session with a roster becomes one attendance record per patient, in roster order."""
    group = _group(
        (
            RosterEntry(
                record_id="r1", patient_id="a", status=AttendanceStatus.ATTENDED, attended_minutes=Minutes(180)
            ),
            RosterEntry(record_id="r2", patient_id="b", status=AttendanceStatus.EXCUSED, attended_minutes=Minutes(0)),
        )
    )
    records = group.fan_out()
    assert [(r.id, r.patient_id, r.attended_minutes.value, r.occurrence_id) for r in records] == [
        ("r1", "a", 180, "g1"),
        ("r2", "b", 0, "g1"),
    ]
    assert ComplianceRecords.of([group]).attendance == records


def test_group_roster_rejects_a_patient_twice() -> None:
    """A patient listed twice on a roster is rejected at the second entry."""
    entry = RosterEntry(record_id="r1", patient_id="a", status=AttendanceStatus.ATTENDED, attended_minutes=Minutes(180))
    with pytest.raises(InvalidDataError) as info:
        _group(
            (
                entry,
                RosterEntry(record_id="r2", patient_id="a", status=AttendanceStatus.LATE, attended_minutes=Minutes(1)),
            )
        )
    assert _paths(info) == ("$.roster[1]",)


def test_group_roster_entry_errors_carry_the_roster_path() -> None:
    """An absent roster entry with minutes is rejected under `$.roster[i]`."""
    entry = RosterEntry(record_id="r1", patient_id="a", status=AttendanceStatus.ABSENT, attended_minutes=Minutes(30))
    with pytest.raises(InvalidDataError) as info:
        _group((entry,))
    assert _paths(info) == ("$.roster[0].attended_minutes",)


def test_group_end_before_start_is_rejected() -> None:
    """A group session ending before it starts is rejected at `$.end`."""
    with pytest.raises(InvalidDataError) as info:
        GroupAttendance(
            occurrence_id="g",
            component_id="x",
            start=at(MONDAY, 10),
            end=at(MONDAY, 9),
            scheduled_minutes=Minutes(1),
            roster=(),
        )
    assert _paths(info) == ("$.end",)


def test_records_of_rejects_foreign_objects() -> None:
    """ComplianceRecords.of names the position of an object that is not a record."""
    with pytest.raises(InvalidArgumentError) as info:
        ComplianceRecords.of([session("s", MONDAY), "not a record"])
    assert _paths(info) == ("$.records[1]",)


def test_records_split_by_patient_and_share_closures() -> None:
    """by_patient gives each patient their own records and every patient the closures."""
    closure = DateRange.of_days(MONDAY, 1)
    bundle = ComplianceRecords.of(
        [admission(), session("a", MONDAY), session("b", MONDAY, pid="p2"), drug_test("t", MONDAY, pid="p2")],
        closures=[closure],
    )
    split = bundle.by_patient()
    assert sorted(split) == ["p1", "p2"]
    assert [r.id for r in split["p2"].attendance] == ["b"]
    assert [t.id for t in split["p2"].drug_tests] == ["t"]
    assert split["p1"].closures == (closure,)
    assert bundle.ids == frozenset({"adm", "a", "b", "t"})
    assert bundle.closed_days() == frozenset({MONDAY})


def test_missed_tests_have_no_results() -> None:
    """A missed test with results is rejected at `$.results`."""
    with pytest.raises(InvalidDataError) as info:
        DrugTest(
            id="t",
            patient_id="p",
            collected_at=at(MONDAY),
            status=DrugTestStatus.MISSED,
            results=(confirm(Analyte.THCA, 1),),
        )
    assert _paths(info) == ("$.results",)


def test_one_result_per_analyte_and_method() -> None:
    """Two confirmation results for one analyte are rejected at the second."""
    with pytest.raises(InvalidDataError) as info:
        DrugTest(
            id="t",
            patient_id="p",
            collected_at=at(MONDAY),
            results=(confirm(Analyte.THCA, 1), confirm(Analyte.THCA, 2)),
        )
    assert _paths(info) == ("$.results[1]",)


def test_discharge_before_admission_is_rejected() -> None:
    """An admission discharged before it began is rejected at `$.discharged_at`."""
    with pytest.raises(InvalidDataError) as info:
        AdmissionRecord(id="a", patient_id="p", admitted_at=at(MONDAY, 9), discharged_at=at(MONDAY, 8))
    assert _paths(info) == ("$.discharged_at",)


def test_admission_days_stop_at_discharge_or_as_of() -> None:
    """An episode's days run to discharge or as_of, and are None before admission."""
    open_episode = admission()
    assert open_episode.days(MONDAY + timedelta(days=3)) == DateRange.of_days(MONDAY, 4)
    assert open_episode.days(MONDAY - timedelta(days=1)) is None
    closed = admission(discharged=MONDAY + timedelta(days=1))
    assert closed.days(date(2027, 1, 1)) == DateRange.of_days(MONDAY, 2)


def test_record_properties() -> None:
    """A record's day is its local date; present covers attended, late and left early."""
    assert session("s", MONDAY).day == MONDAY
    assert session("s", MONDAY, status=AttendanceStatus.LEFT_EARLY).present
    assert not session("s", MONDAY, status=AttendanceStatus.EXCUSED).present
    assert drug_test("t", MONDAY).day == MONDAY


def test_records_of_names_duplicate_ids_by_input_position() -> None:
    """``of`` points at the input that repeats an id, a group's roster entries included."""
    roster = (
        RosterEntry(record_id="s1", patient_id="b", status=AttendanceStatus.ATTENDED, attended_minutes=Minutes(60)),
    )
    with pytest.raises(InvalidArgumentError) as info:
        ComplianceRecords.of([session("s1", MONDAY), drug_test("t1", MONDAY), drug_test("s1", MONDAY), _group(roster)])
    assert _paths(info) == ("$.records[2].id", "$.records[3].roster[0].record_id")


def test_records_of_names_closures_that_are_not_date_ranges() -> None:
    """Closures must be date ranges; a date or a datetime is named by position."""
    with pytest.raises(InvalidArgumentError) as info:
        ComplianceRecords.of([session("s1", MONDAY)], closures=[DateRange.of_days(MONDAY, 1), MONDAY])  # type: ignore[list-item]
    assert _paths(info) == ("$.closures[1]",)
    with pytest.raises(InvalidArgumentError) as info:
        ComplianceRecords.of(session("s1", MONDAY))  # type: ignore[arg-type]
    assert _paths(info) == ("$.records",)


def test_records_methods_refuse_arguments_they_do_not_take() -> None:
    """``days`` wants a date (not a datetime); the argument-less methods take nothing."""
    with pytest.raises(InvalidArgumentError) as info:
        admission().days(at(MONDAY))  # type: ignore[arg-type]
    assert _paths(info) == ("$.as_of",)
    with pytest.raises(InvalidArgumentError):
        ComplianceRecords().by_patient("p1")  # type: ignore[call-arg]


@pytest.mark.parametrize("wrong", [True, AttendanceStatus.ABSENT, 10**400, math.nan, "5"])
def test_bools_enums_and_non_numbers_are_not_numbers(wrong: object) -> None:
    """A bool, an enum member, NaN or a string is refused where a number is wanted (and 10**400 as a float)."""
    calls = (
        lambda: AnalyteResult(analyte=Analyte.THCA, concentration_ng_ml=wrong, method=TestMethod.SCREEN),
        lambda: SpecimenValidity(ph=wrong),
        lambda: PayerAuthorization(
            id="z", patient_id="p", payer="x", dates=DateRange.of_days(MONDAY, 7), authorized_services=wrong
        ),
    )
    for call, path in zip(calls, ("$.concentration_ng_ml", "$.ph", "$.authorized_services"), strict=True):
        if wrong == 10**400 and path == "$.authorized_services":
            continue  # a (very) large count is still an integer
        with pytest.raises(InvalidDataError) as info:
            call()  # type: ignore[arg-type]
        assert _paths(info) == (path,)


def test_numpy_numbers_are_numbers() -> None:
    """numpy integers and floats are accepted and stored as builtin numbers."""
    np = pytest.importorskip("numpy")
    result = AnalyteResult(analyte=Analyte.THCA, concentration_ng_ml=np.float32(12.5), method=TestMethod.SCREEN)
    assert type(result.concentration_ng_ml) is float and result.concentration_ng_ml == 12.5
    auth = PayerAuthorization(
        id="z", patient_id="p", payer="x", dates=DateRange.of_days(MONDAY, 7), authorized_services=np.int64(12)
    )
    assert type(auth.authorized_services) is int and auth.authorized_services == 12
