"""Sessions and attendance: an Appointment per patient and session, an Encounter for each attended one.

**Appointment, not Schedule/Slot.** R4's ``Schedule`` and ``Slot`` publish a resource's open
time for booking; a patient's week of IOP sessions is a set of booked meetings of that patient,
which is what ``Appointment`` is (``participant`` the patient, ``start``/``end``,
``minutesDuration``, ``serviceType`` the component). Attendance keeps R4's statuses:

* present (attended, late, left early) → Appointment ``fulfilled`` and an **Encounter**
  (US Core Encounter: ``finished``, class ``AMB``, ``type`` the component, ``period`` the session,
  ``length`` the attended minutes, ``appointment`` the Appointment; late or left early in the
  iopcore extension ``attendance-status``, since R4 has no element for it);
* absent without an excuse → Appointment ``noshow`` (R4 Encounter has no "absent" status);
* excused → Appointment ``cancelled`` with ``cancelationReason`` ``pat`` (patient) and iopcore's
  ``absence-reason#excused``.

Both carry the attendance record's id and the occurrence's id as business identifiers, so that
:func:`attendance_from_fhir` gives back the same :class:`~iopcore.compliance.AttendanceRecord`.

**The week's sessions** (:func:`sessions_to_fhir`): one ``booked`` Appointment per
:class:`~iopcore.schedule.Occurrence` for the patient, identified by the occurrence's id. An
Appointment's id is derived from the occurrence's id and the patient's reference, so the
attendance export of the same session is the same Appointment, updated (``booked`` →
``fulfilled``, ``noshow`` or ``cancelled``). :func:`session_from_fhir` reads the occurrence back.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from iopcore import _fields as f
from iopcore.compliance import AttendanceRecord, AttendanceStatus
from iopcore.errors import ErrorItem, InvalidArgumentError, InvalidDataError
from iopcore.fhir._common import (
    ReferenceKind,
    References,
    code_system,
    extension_url,
    identifier,
    identifier_system,
    key_of,
    meta,
    reference_to,
    resource_id,
)
from iopcore.fhir._json import check as check_r4
from iopcore.fhir._obs_shared import UCUM, Reader
from iopcore.fhir._obs_shared import practitioner as practitioner_ref
from iopcore.part2 import RecordClass
from iopcore.schedule import Occurrence
from iopcore.times import Minutes

__all__ = [
    "ENCOUNTER_PROFILE",
    "attendance_from_fhir",
    "attendance_to_fhir",
    "session_from_fhir",
    "sessions_to_fhir",
]

ENCOUNTER_PROFILE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-encounter"
COMPONENT_SYSTEM = code_system("component")
ABSENCE_SYSTEM = code_system("absence-reason")
ATTENDANCE_STATUS = extension_url("attendance-status")
_CANCEL_REASON = "http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason"
_AMB = {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB", "display": "ambulatory"}
_APPOINTMENT_STATUS = {
    AttendanceStatus.ATTENDED: "fulfilled",
    AttendanceStatus.LATE: "fulfilled",
    AttendanceStatus.LEFT_EARLY: "fulfilled",
    AttendanceStatus.ABSENT: "noshow",
    AttendanceStatus.EXCUSED: "cancelled",
}
_RECORD, _OCCURRENCE = "attendance-record", "occurrence"


def _component(component_id: str) -> dict[str, Any]:
    return {"coding": [{"system": COMPONENT_SYSTEM, "code": component_id}], "text": component_id.replace("_", " ")}


@attrs.frozen
class _EncounterContext:
    """What the application passes for every Encounter of a call: who, where, why, and the program."""

    practitioner: dict[str, str] | None
    location: dict[str, str] | None
    reasons: tuple[dict[str, Any], ...]
    provider: dict[str, str] | None


def _pair(
    record: AttendanceRecord, refs: References, labels: dict[str, Any] | None, context: _EncounterContext, path: str
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    practitioner = context.practitioner
    subject = reference_to(refs, ReferenceKind.PATIENT, record.patient_id, path + ".patient_id")
    appointment_id = resource_id("Appointment", record.occurrence_id, subject["reference"])
    ids = [identifier(refs, _RECORD, record.id), identifier(refs, _OCCURRENCE, record.occurrence_id)]
    start, end = record.start.isoformat(), record.end.isoformat()
    appointment: dict[str, Any] = {"resourceType": "Appointment", "id": appointment_id}
    if labels is not None:
        appointment["meta"] = labels
    appointment["identifier"] = ids
    appointment["status"] = _APPOINTMENT_STATUS[record.status]
    if record.status is AttendanceStatus.EXCUSED:
        appointment["cancelationReason"] = {
            "coding": [
                {"system": _CANCEL_REASON, "code": "pat", "display": "Patient"},
                {"system": ABSENCE_SYSTEM, "code": "excused", "display": "Excused absence"},
            ]
        }
    appointment["serviceType"] = [_component(record.component_id)]
    appointment["start"], appointment["end"] = start, end
    if record.scheduled_minutes.value > 0:
        appointment["minutesDuration"] = record.scheduled_minutes.value
    participants = [{"actor": subject, "status": "accepted"}]
    if practitioner is not None:
        participants.append({"actor": practitioner, "status": "accepted"})
    appointment["participant"] = participants
    if not record.present:
        return appointment, None
    encounter: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": resource_id("Encounter", record.id, subject["reference"]),
    }
    encounter["meta"] = {"profile": [ENCOUNTER_PROFILE], **(labels or {})}
    if record.status is not AttendanceStatus.ATTENDED:
        encounter["extension"] = [{"url": ATTENDANCE_STATUS, "valueCode": record.status.value}]
    encounter["identifier"] = [identifier(refs, _RECORD, record.id)]
    encounter["status"] = "finished"
    encounter["class"] = dict(_AMB)
    encounter["type"] = [_component(record.component_id)]
    encounter["subject"] = subject
    if practitioner is not None:
        encounter["participant"] = [{"individual": practitioner}]
    encounter["appointment"] = [{"reference": f"Appointment/{appointment_id}"}]
    encounter["period"] = {"start": start, "end": end}
    encounter["length"] = {"value": record.attended_minutes.value, "unit": "min", "system": UCUM, "code": "min"}
    if context.reasons:
        encounter["reasonCode"] = [copy.deepcopy(r) for r in context.reasons]
    if context.location is not None:
        encounter["location"] = [{"location": dict(context.location)}]
    if context.provider is not None:
        encounter["serviceProvider"] = dict(context.provider)
    return appointment, encounter


@f.guard
def attendance_to_fhir(
    records: Iterable[AttendanceRecord],
    references: References,
    *,
    practitioner_id: str | None = None,
    location_id: str | None = None,
    reasons: Sequence[Mapping[str, Any]] = (),
    record_class: RecordClass = RecordClass.SUD_TREATMENT_RECORD,
) -> tuple[dict[str, Any], ...]:
    """Per attendance record its Appointment, then (when the patient was there) its Encounter.

    ``practitioner_id`` (a key of ``references.practitioners``) is written as a participant of
    both; ``record_class`` sets the DS4P labels (a Part 2 SUD treatment record by default). Each
    Encounter (US Core Encounter) also gets what the application passes for its must-support
    elements, never anything iopcore would have to guess: ``location_id`` (a key of
    ``references.locations``, the site) as ``location.location``, ``reasons`` (R4
    CodeableConcepts, e.g. the diagnosis the program treats, checked as R4: errors name
    ``$.reasons[0].coding[0].system``) as ``reasonCode``, and ``references.managing_organization``
    as ``serviceProvider``. Import reads none of them back (an attendance record holds none).
    """
    labels = meta(record_class) or None
    practitioner = practitioner_ref(references, practitioner_id, "$.practitioner_id")
    location = (
        None if location_id is None else reference_to(references, ReferenceKind.LOCATION, location_id, "$.location_id")
    )
    if isinstance(reasons, str | bytes | Mapping) or not isinstance(reasons, Sequence):
        raise InvalidArgumentError(
            (ErrorItem(path="$.reasons", message="expected a sequence of CodeableConcepts", rule="type"),),
            callable="attendance_to_fhir",
        )
    checked = tuple(dict(check_r4(r, "CodeableConcept", f"$.reasons[{i}]")) for i, r in enumerate(reasons))
    provider = None
    if references.managing_organization is not None:
        provider = reference_to(
            references, ReferenceKind.ORGANIZATION, references.managing_organization, "$.references"
        )
    context = _EncounterContext(practitioner, location, checked, provider)
    out: list[dict[str, Any]] = []
    for i, record in enumerate(records):
        if not isinstance(record, AttendanceRecord):
            raise InvalidArgumentError(
                (ErrorItem(path=f"$.records[{i}]", message="expected an AttendanceRecord", rule="type"),),
                callable="attendance_to_fhir",
            )
        appointment, encounter = _pair(record, references, labels, context, f"$.records[{i}]")
        out.append(appointment)
        if encounter is not None:
            out.append(encounter)
    return tuple(out)


@f.guard
def sessions_to_fhir(
    occurrences: Iterable[Occurrence],
    references: References,
    *,
    patient_id: str,
    practitioner_id: str | None = None,
    record_class: RecordClass = RecordClass.SUD_TREATMENT_RECORD,
) -> tuple[dict[str, Any], ...]:
    """A ``booked`` Appointment of *patient_id* for each occurrence (a week's sessions), in order.

    ``practitioner_id`` (a key of ``references.practitioners``) is written as a participant;
    ``record_class`` sets the DS4P labels (a Part 2 SUD treatment record by default).
    """
    subject = reference_to(references, ReferenceKind.PATIENT, patient_id, "$.patient_id")
    practitioner = practitioner_ref(references, practitioner_id, "$.practitioner_id")
    labels = meta(record_class) or None
    out: list[dict[str, Any]] = []
    for i, occ in enumerate(occurrences):
        if not isinstance(occ, Occurrence):
            raise InvalidArgumentError(
                (ErrorItem(path=f"$.occurrences[{i}]", message="expected an Occurrence", rule="type"),),
                callable="sessions_to_fhir",
            )
        appointment: dict[str, Any] = {
            "resourceType": "Appointment",
            "id": resource_id("Appointment", occ.id, subject["reference"]),
        }
        if labels is not None:
            appointment["meta"] = labels
        appointment["identifier"] = [identifier(references, _OCCURRENCE, occ.id)]
        appointment["status"] = "booked"
        appointment["serviceType"] = [_component(occ.component_id)]
        appointment["start"], appointment["end"] = occ.start.isoformat(), occ.end.isoformat()
        if occ.minutes.value > 0:
            appointment["minutesDuration"] = occ.minutes.value
        participants = [{"actor": dict(subject), "status": "accepted"}]
        if practitioner is not None:
            participants.append({"actor": dict(practitioner), "status": "accepted"})
        appointment["participant"] = participants
        out.append(appointment)
    return tuple(out)


@f.guard
def session_from_fhir(appointment: Mapping[str, Any], references: References) -> Occurrence:
    """The :class:`~iopcore.schedule.Occurrence` an Appointment books (its occurrence identifier, times, component).

    The offering is the part of the occurrence id before its last ``@`` (the id's format); the
    id must be the one the offering and the start give. An ``entered-in-error`` Appointment is refused.
    """
    read = Reader("session_from_fhir", "$.appointment")
    read.resource(appointment, "Appointment")
    if appointment.get("status") == "entered-in-error":
        raise read.fail(".status", "this Appointment was entered in error", "entered_in_error")
    occurrence_id = _identifiers(read, appointment, references, "").get(_OCCURRENCE)
    if occurrence_id is None or "@" not in occurrence_id:
        raise read.fail(".identifier", "expected the occurrence identifier (<offering id>@<start>)", "missing")
    component = _coded(read, appointment, "serviceType", "", COMPONENT_SYSTEM)
    if component is None:
        raise read.fail(".serviceType", "expected the component coded in iopcore's component system", "missing")
    start, end = read.instant(appointment, "start", ""), read.instant(appointment, "end", "")
    try:
        return Occurrence(
            start=start,
            end=end,
            offering_id=occurrence_id.rsplit("@", 1)[0],
            component_id=component,
            id=occurrence_id,
        )
    except InvalidDataError as exc:  # the occurrence's own rules (reader errors are raised above)
        where = {"$.id": ".identifier", "$.offering_id": ".identifier", "$.component_id": ".serviceType"}
        raise InvalidArgumentError(
            [
                ErrorItem(path="$.appointment" + where.get(e.path, ""), message=e.message, rule=e.rule)
                for e in exc.errors
            ],
            callable="session_from_fhir",
        ) from None


def _identifiers(read: Reader, node: Mapping[str, Any], refs: References, path: str) -> dict[str, str]:
    wanted = {identifier_system(refs.identifier_base, k): k for k in (_RECORD, _OCCURRENCE)}
    found: dict[str, str] = {}
    for j, ident in enumerate(read.items(node, "identifier", path)):
        if isinstance(ident, Mapping) and ident.get("system") in wanted:
            found[wanted[ident["system"]]] = read.text(ident, "value", f"{path}.identifier[{j}]")
    return found


def _coded(read: Reader, node: Mapping[str, Any], key: str, path: str, system: str) -> str | None:
    for j, concept in enumerate(read.items(node, key, path)):
        if isinstance(concept, Mapping):
            found = read.coding(concept, f"{path}.{key}[{j}]", system)
            if found is not None:
                return found[0]
    return None


@f.guard
def attendance_from_fhir(
    appointment: Mapping[str, Any], references: References, *, encounter: Mapping[str, Any] | None = None
) -> AttendanceRecord:
    """The :class:`~iopcore.compliance.AttendanceRecord` of an Appointment (and its Encounter when attended).

    ``fulfilled`` needs the Encounter (its ``length`` is the attended minutes; the iopcore extension
    ``attendance-status`` says late or left early), ``noshow`` is absent, ``cancelled`` excused;
    other statuses are not attendance and are refused. Errors name ``$.appointment…`` or
    ``$.encounter…`` paths.
    """
    read = Reader("attendance_from_fhir", "$.appointment")
    read.resource(appointment, "Appointment")
    ids = _identifiers(read, appointment, references, "")
    if _RECORD not in ids or _OCCURRENCE not in ids:
        raise read.fail(".identifier", "expected the attendance-record and occurrence identifiers", "missing")
    status = appointment.get("status")
    participants = read.items(appointment, "participant", "")
    patient = None
    for j, p in enumerate(participants):
        actor = p.get("actor") if isinstance(p, Mapping) else None
        ref = actor.get("reference") if isinstance(actor, Mapping) else None
        if isinstance(ref, str) and ref in references.patients.values():
            patient = key_of(references, ReferenceKind.PATIENT, ref, f"$.appointment.participant[{j}].actor.reference")
            break
    if patient is None:
        raise read.fail(
            ".participant", "expected a participant whose actor is a patient of the reference map", "missing"
        )
    component = _coded(read, appointment, "serviceType", "", COMPONENT_SYSTEM)
    if component is None:
        raise read.fail(".serviceType", "expected the component coded in iopcore's component system", "missing")
    minutes: Any = appointment.get("minutesDuration", 0)
    if not f.is_integer(minutes) or minutes < 0:
        raise read.fail(".minutesDuration", "expected a whole number of minutes", "type")
    attended = 0
    if status == "fulfilled":
        attendance, attended = _encounter(encounter, references, patient, ids[_RECORD])
    elif status in ("noshow", "cancelled"):
        if encounter is not None:
            raise InvalidArgumentError(
                (
                    ErrorItem(
                        path="$.encounter", message=f"expected no Encounter for a {status} Appointment", rule="absent"
                    ),
                ),
                callable="attendance_from_fhir",
            )
        attendance = AttendanceStatus.ABSENT if status == "noshow" else AttendanceStatus.EXCUSED
    else:
        raise read.fail(".status", "expected fulfilled, noshow or cancelled (attendance)", "status")
    start, end = read.instant(appointment, "start", ""), read.instant(appointment, "end", "")
    try:
        return AttendanceRecord(
            id=ids[_RECORD],
            patient_id=patient,
            occurrence_id=ids[_OCCURRENCE],
            component_id=component,
            start=start,
            end=end,
            scheduled_minutes=Minutes(f.as_int(minutes)),
            attended_minutes=Minutes(attended),
            status=attendance,
        )
    except InvalidDataError as exc:  # the record's own rules (reader errors are raised above)
        raise exc.under("$.appointment") from None


_PRESENT = {s.value: s for s in (AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)}


def _encounter(
    encounter: Mapping[str, Any] | None, refs: References, patient: str, record_id: str
) -> tuple[AttendanceStatus, int]:
    read = Reader("attendance_from_fhir", "$.encounter")
    if encounter is None:
        raise read.fail("", "expected the Encounter of a fulfilled Appointment", "missing")
    read.resource(encounter, "Encounter")
    if encounter.get("status") != "finished":
        raise read.fail(".status", "expected a finished Encounter", "status")
    subject = read.reference_of(encounter, "subject", "")
    if key_of(refs, ReferenceKind.PATIENT, subject, "$.encounter.subject.reference") != patient:
        raise read.fail(".subject", "expected the Appointment's patient", "mismatch")
    if _identifiers(read, encounter, refs, "").get(_RECORD) != record_id:
        raise read.fail(".identifier", "expected the Appointment's attendance-record identifier", "mismatch")
    length = read.node(encounter, "length", "")
    if length.get("code") != "min":
        raise read.fail(".length.code", "expected minutes (UCUM min)", "unit")
    value: Any = length.get("value")
    if not f.is_integer(value) or value < 0:
        raise read.fail(".length.value", "expected a whole number of minutes >= 0", "type")
    status = AttendanceStatus.ATTENDED
    for j, ext in enumerate(read.items(encounter, "extension", "", required=False)):
        if isinstance(ext, Mapping) and ext.get("url") == ATTENDANCE_STATUS:
            code = ext.get("valueCode")
            if code not in _PRESENT:
                raise read.fail(f".extension[{j}].valueCode", "expected late or left_early", "unknown_code")
            status = _PRESENT[code]
    return status, f.as_int(value)
