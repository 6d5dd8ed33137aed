"""The parts every FHIR mapping shares: the reference map, resource ids, security labels, URLs."""

from __future__ import annotations

import pickle
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.errors import InvalidDataError
from iopcore.fhir import FHIR_BASE, IDENTIFIER_BASE, ReferenceKind, References
from iopcore.fhir._common import (
    code_system,
    extension_url,
    is_reference,
    key_of,
    meta,
    reference_to,
    resource_id,
    security,
)
from iopcore.part2 import PART2_POLICY_LABEL, RESTRICTED_LABEL, RecordClass
from iopcore.strategies import fhir_references, references


def test_resource_ids_are_rfc4122_name_based_uuids() -> None:
    """resource_id is uuid5 in iopcore's namespace (the uuid5 of FHIR_BASE among URLs): same parts, same id."""
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, FHIR_BASE)
    assert resource_id("Goal", "Patient/1", "plan", "g1") == str(uuid.uuid5(namespace, "Goal|Patient/1|plan|g1"))
    assert resource_id("Goal", "Patient/1", "plan", "g1") != resource_id("Goal", "Patient/2", "plan", "g1")


@given(st.lists(st.text(max_size=8), max_size=4))
@settings(max_examples=25)
def test_resource_ids_match_uuid5_for_any_parts(parts: list[str]) -> None:
    """The hand-made SHA-1 UUID agrees with the standard library's for any text."""
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, FHIR_BASE)
    assert resource_id("CarePlan", *parts) == str(uuid.uuid5(namespace, "|".join(("CarePlan", *parts))))


def test_part2_records_carry_ds4p_labels_from_part2() -> None:
    """meta.security holds confidentiality R (v3-Confidentiality) and 42CFRPart2 (v3-ActCode), from part2_labels."""
    labels = security(RecordClass.SUD_TREATMENT_RECORD)
    assert labels == [
        {"system": RESTRICTED_LABEL.system, "code": "R", "display": RESTRICTED_LABEL.display},
        {"system": PART2_POLICY_LABEL.system, "code": "42CFRPart2", "display": PART2_POLICY_LABEL.display},
    ]
    assert RESTRICTED_LABEL.system == "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
    assert PART2_POLICY_LABEL.system == "http://terminology.hl7.org/CodeSystem/v3-ActCode"
    assert meta(RecordClass.NOT_PART2) == {}


def test_urls_live_under_the_documented_base() -> None:
    """Extensions are StructureDefinitions and local codes CodeSystems under FHIR_BASE."""
    assert extension_url("episode-level") == "https://iopcore.readthedocs.io/fhir/StructureDefinition/episode-level"
    assert code_system("iop-phase") == "https://iopcore.readthedocs.io/fhir/CodeSystem/iop-phase"
    assert IDENTIFIER_BASE.startswith(FHIR_BASE)


@pytest.mark.parametrize(
    ("kind", "value", "ok"),
    [
        (ReferenceKind.PATIENT, "Patient/123", True),
        (ReferenceKind.PATIENT, "https://ehr.example/fhir/Patient/a.b-c", True),
        (ReferenceKind.PATIENT, "urn:uuid:0b7e1f7a-57f6-4b8a-9d4c-2a6b1f0c9e11", True),
        (ReferenceKind.PATIENT, "urn:oid:2.16.840.1.113883", True),
        (ReferenceKind.PATIENT, "Practitioner/1", False),
        (ReferenceKind.PATIENT, "Patient/", False),
        (ReferenceKind.PATIENT, "Patient/has space", False),
        (ReferenceKind.PATIENT, "Patient/" + "x" * 65, False),
        (ReferenceKind.PATIENT, "John Smith", False),
        (ReferenceKind.PRACTITIONER, "PractitionerRole/7", True),
        (ReferenceKind.ORGANIZATION, "Organization/7", True),
    ],
)
def test_references_are_r4_references_of_their_kind(kind: ReferenceKind, value: str, ok: bool) -> None:
    """A reference is relative (Type/id, R4 id rules), absolute, urn:uuid or urn:oid, to the right resource type."""
    assert is_reference(kind, value) is ok


def test_the_map_refuses_bad_references_without_naming_them() -> None:
    """A reference of the wrong kind, or one used twice, is refused; the error names the field, not the values."""
    with pytest.raises(InvalidDataError) as info:
        References(patients={"mrn-0042": "Practitioner/9"})
    assert info.value.paths == ("$.patients",)
    assert "mrn-0042" not in str(info.value) and "Practitioner/9" not in str(info.value)
    with pytest.raises(InvalidDataError, match="once"):
        References(patients={"a": "Patient/1", "b": "Patient/1"})
    with pytest.raises(InvalidDataError) as info:  # a urn: names no type: in two maps, import could not tell
        References(practitioners={"dr": "urn:oid:2.0"}, organizations={"clinic": "urn:oid:2.0"})
    assert info.value.paths == ("$.organizations",) and "urn:oid:2.0" not in str(info.value)
    References(practitioners={"dr": "urn:oid:2.0"}, locations={"site": "Location/1"})
    with pytest.raises(InvalidDataError) as info:
        References(locations={"site": "Organization/1"})
    assert info.value.paths == ("$.locations",)
    with pytest.raises(InvalidDataError) as info:
        References(organizations={"o": "Organization/1"}, managing_organization="other")
    assert info.value.paths == ("$.managing_organization",)
    with pytest.raises(InvalidDataError) as info:
        References(identifier_base="not a url")
    assert info.value.paths == ("$.identifier_base",)


def test_lookups_work_both_ways_and_name_no_key() -> None:
    """Export looks a key up, import the reference; unknown ones are errors at the path given."""
    refs = References(patients={"mrn-0042": "Patient/1"})
    assert reference_to(refs, ReferenceKind.PATIENT, "mrn-0042", "$.x") == {"reference": "Patient/1"}
    assert key_of(refs, ReferenceKind.PATIENT, "Patient/1", "$.x") == "mrn-0042"
    with pytest.raises(InvalidDataError) as info:
        reference_to(refs, ReferenceKind.PATIENT, "mrn-0043", "$.episode.patient_id")
    assert info.value.paths == ("$.episode.patient_id",) and "mrn-0043" not in str(info.value)
    with pytest.raises(InvalidDataError) as info:
        key_of(refs, ReferenceKind.PATIENT, "Patient/2", "$.resource.patient.reference")
    assert info.value.paths == ("$.resource.patient.reference",) and "Patient/2" not in str(info.value)


@given(references(patients=["p-1"], organizations=["org"], locations=["site"]))
@settings(max_examples=20)
def test_generated_maps_hold_the_keys_asked_for_and_pickle(refs: References) -> None:
    """The strategy's maps hold the requested keys, valid references, and pickle and hash."""
    assert "p-1" in refs.patients and "org" in refs.organizations and "site" in refs.locations
    assert all(is_reference(ReferenceKind.LOCATION, r) for r in refs.locations.values())
    assert all(is_reference(ReferenceKind.PATIENT, r) for r in refs.patients.values())
    assert pickle.loads(pickle.dumps(refs)) == refs
    assert hash(refs) == hash(pickle.loads(pickle.dumps(refs)))
    assert "p-1" not in repr(refs)


@given(fhir_references("Organization"))
@settings(max_examples=20)
def test_generated_references_are_references(value: str) -> None:
    """fhir_references draws references the map accepts."""
    assert is_reference(ReferenceKind.ORGANIZATION, value)


def test_keys_must_be_text_and_maps_mappings() -> None:
    """Keys are non-blank strings of at most 128 characters; a map is a mapping."""
    for bad in ({"": "Patient/1"}, {"k" * 129: "Patient/1"}, ["Patient/1"]):
        with pytest.raises(InvalidDataError) as info:
            References(patients=bad)
        assert info.value.paths[0] == "$.patients"
