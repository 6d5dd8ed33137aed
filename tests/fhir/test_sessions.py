"""Attendance as Appointments and Encounters: R4 statuses kept, US Core Encounter, read back exactly."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore.compliance import AttendanceRecord, AttendanceStatus
from iopcore.errors import InvalidDataError
from iopcore.fhir import (
    ENCOUNTER_PROFILE,
    References,
    attendance_from_fhir,
    attendance_to_fhir,
    session_from_fhir,
    sessions_to_fhir,
)
from iopcore.schedule import Occurrence
from iopcore.strategies import attendance_records, occurrences
from iopcore.times import Minutes
from tests.fhir.conformance import json_round_trip, validate_r4

PIDS = ("p1", "p2", "p3")
REFS = References(patients={p: f"Patient/{i}" for i, p in enumerate(PIDS)}, practitioners={"dr": "Practitioner/7"})
AT = datetime(2026, 2, 3, 9, tzinfo=timezone(timedelta(hours=-5)))


def _record(status: AttendanceStatus, attended: int = 0) -> AttendanceRecord:
    return AttendanceRecord(
        id="a1",
        patient_id="p1",
        occurrence_id="group@2026-02-03T09:00-05:00",
        component_id="group_therapy",
        start=AT,
        end=AT + timedelta(hours=3),
        scheduled_minutes=Minutes(180),
        attended_minutes=Minutes(attended),
        status=status,
    )


@given(attendance_records(patient_ids=st.sampled_from(PIDS)), st.booleans())
def test_export_then_import_is_the_identity(record: AttendanceRecord, with_practitioner: bool) -> None:
    """Every attendance record the strategies make gives valid R4 resources that read back equal."""
    out = json_round_trip(
        list(attendance_to_fhir([record], references=REFS, practitioner_id="dr" if with_practitioner else None))
    )
    for resource in out:
        validate_r4(resource)
    encounter = out[1] if len(out) == 2 else None
    assert (encounter is not None) == record.present
    assert attendance_from_fhir(out[0], encounter=encounter, references=REFS) == record


@pytest.mark.parametrize(
    ("status", "appointment"),
    [
        (AttendanceStatus.ATTENDED, "fulfilled"),
        (AttendanceStatus.LATE, "fulfilled"),
        (AttendanceStatus.LEFT_EARLY, "fulfilled"),
        (AttendanceStatus.ABSENT, "noshow"),
        (AttendanceStatus.EXCUSED, "cancelled"),
    ],
)
def test_statuses_map_to_r4(status: AttendanceStatus, appointment: str) -> None:
    """No-show is Appointment noshow, an excused absence a cancelled Appointment with a reason; R4 has no absent Encounter."""
    out = attendance_to_fhir([_record(status, 150 if status.present else 0)], references=REFS)
    assert out[0]["status"] == appointment
    assert ("cancelationReason" in out[0]) == (status is AttendanceStatus.EXCUSED)
    assert [r["resourceType"] for r in out] == (["Appointment", "Encounter"] if status.present else ["Appointment"])


def test_the_encounter_follows_us_core_encounter() -> None:
    """US Core Encounter: identifier with system and value, status, class, type (required), subject (required), period."""
    _, encounter = attendance_to_fhir([_record(AttendanceStatus.ATTENDED, 175)], references=REFS, practitioner_id="dr")
    assert encounter["meta"]["profile"] == [ENCOUNTER_PROFILE]
    assert all(i["system"] and i["value"] for i in encounter["identifier"])
    assert (encounter["status"], encounter["class"]["code"]) == ("finished", "AMB")
    assert encounter["type"][0]["coding"][0]["code"] == "group_therapy"
    assert encounter["subject"] == {"reference": "Patient/0"}
    assert encounter["participant"] == [{"individual": {"reference": "Practitioner/7"}}]
    assert encounter["length"] == {"value": 175, "unit": "min", "system": "http://unitsofmeasure.org", "code": "min"}
    assert datetime.fromisoformat(encounter["period"]["start"]) == AT


SITE_REFS = References(
    patients={p: f"Patient/{i}" for i, p in enumerate(PIDS)},
    practitioners={"dr": "Practitioner/7"},
    organizations={"program": "Organization/iop"},
    locations={"main_site": "Location/site-1"},
    managing_organization="program",
)
OUD = {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "F11.20"}], "text": "opioid use disorder"}


def test_the_encounter_writes_the_must_support_elements_the_application_passes() -> None:
    """US Core 7.0.0 Encounter must-support: location.location, reasonCode, serviceProvider (from the app only).

    Without them, none is written: iopcore knows no site, reason or provider of its own.
    """
    record = _record(AttendanceStatus.ATTENDED, 175)
    _, encounter = attendance_to_fhir([record], SITE_REFS, practitioner_id="dr", location_id="main_site", reasons=[OUD])
    validate_r4(encounter)
    assert encounter["location"] == [{"location": {"reference": "Location/site-1"}}]
    assert encounter["reasonCode"] == [OUD] and encounter["reasonCode"][0] is not OUD
    assert encounter["serviceProvider"] == {"reference": "Organization/iop"}
    appointment, with_site = json_round_trip(list(attendance_to_fhir([record], SITE_REFS, location_id="main_site",
                                                                      reasons=[OUD])))  # fmt: skip
    assert attendance_from_fhir(appointment, SITE_REFS, encounter=with_site) == record  # import reads none back
    _, bare = attendance_to_fhir([record], REFS)
    assert not {"location", "reasonCode", "serviceProvider", "reasonReference", "hospitalization"} & set(bare)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"location_id": "annex"}, "$.location_id"),
        ({"reasons": [{"coding": [{"system": "not a uri", "code": "F11.20"}]}]}, "$.reasons[0].coding[0].system"),
        ({"reasons": [{"codes": []}]}, "$.reasons[0].codes"),
        ({"reasons": OUD}, "$.reasons"),
        ({"reasons": ["F11.20"]}, "$.reasons[0]"),
    ],
)
def test_what_the_application_passes_for_the_encounter_is_checked(kwargs: dict[str, Any], path: str) -> None:
    with pytest.raises(InvalidDataError) as info:
        attendance_to_fhir([_record(AttendanceStatus.ATTENDED, 175)], SITE_REFS, **kwargs)
    assert info.value.errors[0].path == path


def test_a_us_core_encounter_without_its_appointment_is_refused() -> None:
    """US Core's office-visit Encounter is not an IOP attendance: without an Appointment it cannot be read."""
    encounter = json.loads((Path(__file__).parent / "fixtures" / "us-core" / "encounter-example-1.json").read_text())
    validate_r4(encounter)
    with pytest.raises(InvalidDataError) as info:
        attendance_from_fhir(encounter, references=References(patients={"example": "Patient/example"}))
    assert info.value.errors[0].path == "$.appointment.resourceType"


def test_bad_input_is_refused_with_paths() -> None:
    """A fulfilled Appointment without its Encounter, an unknown status, another patient's Encounter."""
    appointment, encounter = json_round_trip(
        list(attendance_to_fhir([_record(AttendanceStatus.LATE, 100)], references=REFS))
    )
    with pytest.raises(InvalidDataError) as info:
        attendance_from_fhir(appointment, references=REFS)
    assert info.value.errors[0].path == "$.encounter"
    with pytest.raises(InvalidDataError) as info:
        attendance_from_fhir({**appointment, "status": "booked"}, encounter=encounter, references=REFS)
    assert info.value.errors[0].path == "$.appointment.status"
    with pytest.raises(InvalidDataError) as info:
        attendance_from_fhir(
            appointment, encounter={**encounter, "subject": {"reference": "Patient/2"}}, references=REFS
        )
    assert info.value.errors[0].path == "$.encounter.subject"


@given(st.lists(occurrences(), max_size=5), st.sampled_from(PIDS))
def test_a_week_of_sessions_is_booked_appointments_that_read_back(week: list[Occurrence], patient: str) -> None:
    """Every occurrence the strategies make is a valid booked R4 Appointment of the patient that reads back equal."""
    out = json_round_trip(list(sessions_to_fhir(week, patient_id=patient, references=REFS, practitioner_id="dr")))
    for appointment in out:
        validate_r4(appointment)
        assert appointment["status"] == "booked"
        assert appointment["participant"][0]["actor"] == {"reference": REFS.patients[patient]}
    back = [session_from_fhir(a, references=REFS) for a in out]
    assert back == week
    assert [b.id for b in back] == [o.id for o in week]


def test_attendance_updates_the_booked_appointment() -> None:
    """The attendance export of a session has the id of the session's booked Appointment (one resource, updated)."""
    occ = Occurrence(start=AT, end=AT + timedelta(hours=3), offering_id="group", component_id="group_therapy")
    (booked,) = sessions_to_fhir([occ], patient_id="p1", references=REFS)
    record = AttendanceRecord(
        id="a9",
        patient_id="p1",
        occurrence_id=occ.id,
        component_id=occ.component_id,
        start=occ.start,
        end=occ.end,
        scheduled_minutes=occ.minutes,
        attended_minutes=Minutes(0),
        status=AttendanceStatus.ABSENT,
    )
    (noshow,) = attendance_to_fhir([record], references=REFS)
    assert (booked["id"], booked["minutesDuration"]) == (noshow["id"], 180)
    assert noshow["status"] == "noshow"


def test_an_occurrence_id_that_is_not_derived_is_refused() -> None:
    """The occurrence identifier must be the one its offering and start give; the error names the Appointment."""
    occ = Occurrence(start=AT, end=AT + timedelta(hours=1), offering_id="group", component_id="group_therapy")
    (appointment,) = json_round_trip(list(sessions_to_fhir([occ], patient_id="p1", references=REFS)))
    appointment["start"] = (AT + timedelta(minutes=5)).isoformat()
    with pytest.raises(InvalidDataError) as info:
        session_from_fhir(appointment, references=REFS)
    assert info.value.errors[0].path == "$.appointment.identifier"


def test_a_modifier_extension_is_refused() -> None:
    """A modifierExtension changes what a resource means: the readers refuse it at its path."""
    appointment, encounter = json_round_trip(list(attendance_to_fhir([_record(AttendanceStatus.ATTENDED, 9)], REFS)))
    odd = [{"url": "urn:example:x", "valueBoolean": True}]
    with pytest.raises(InvalidDataError) as info:
        attendance_from_fhir({**appointment, "modifierExtension": odd}, REFS, encounter=encounter)
    assert info.value.errors[0].path == "$.appointment.modifierExtension"
    with pytest.raises(InvalidDataError) as info:
        attendance_from_fhir(appointment, REFS, encounter={**encounter, "modifierExtension": odd})
    assert info.value.errors[0].path == "$.encounter.modifierExtension"
