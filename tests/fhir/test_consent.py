"""Part 2 Consent ↔ R4 Consent: valid R4, the identity both ways, refusals by path."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iopcore.errors import InvalidDataError
from iopcore.fhir import References, consent_from_fhir, consent_to_fhir
from iopcore.part2 import (
    Consent,
    ConsentSignature,
    ConsentSigner,
    ConsentStatement,
    PartyClass,
    Purpose,
    Revocation,
)
from iopcore.strategies import consents, references
from tests.fhir.conformance import json_round_trip, validate_r4

EXAMPLES = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def without_names(c: Consent) -> Consent:
    """The consent as FHIR carries it: signers' names left out."""
    return attrs.evolve(c, signatures=tuple(attrs.evolve(s, name=None) for s in c.signatures))


def sample() -> Consent:
    return Consent(
        id="consent 7/2026",
        patient_id="mrn-0042",
        disclosers=frozenset({"program"}),
        information="attendance and drug-test results",
        recipients=frozenset({"probation", "dr-lee"}),
        recipient_classes=frozenset({PartyClass.TREATING_PROVIDERS}),
        purposes=frozenset({Purpose.TREATMENT, Purpose.OTHER}),
        statements=frozenset(ConsentStatement),
        expires_on=date(2027, 3, 1),
        signatures=(ConsentSignature(signer=ConsentSigner.PATIENT, name="Jo Bloggs"),),
        signed_on=date(2026, 3, 2),
    )


REFS = References(
    patients={"mrn-0042": "Patient/p42"},
    organizations={"program": "Organization/o1", "probation": "Organization/o2"},
    practitioners={"dr-lee": "Practitioner/pr9"},
    managing_organization="program",
)


def test_a_consent_exports_with_parties_purposes_and_part2_policy() -> None:
    """Scope patient-privacy, category IDSCL, policy 42CFRPart2, one permit provision with actors and purposes."""
    resource = consent_to_fhir(sample(), REFS)
    validate_r4(resource)
    assert resource["status"] == "active" and resource["dateTime"] == "2026-03-02"
    assert resource["scope"]["coding"][0]["code"] == "patient-privacy"
    assert resource["category"][0]["coding"][0]["code"] == "IDSCL"
    assert resource["policyRule"]["coding"][0]["code"] == "42CFRPart2"
    provision = resource["provision"]
    assert provision["type"] == "permit" and provision["period"] == {"start": "2026-03-02", "end": "2027-03-01"}
    assert [a["reference"]["reference"] for a in provision["actor"]] == [
        "Organization/o1", "Practitioner/pr9", "Organization/o2"
    ]  # fmt: skip
    assert [p["code"] for p in provision["purpose"]] == ["other", "treatment"]
    assert "Jo Bloggs" not in str(resource) and "mrn-0042" not in str(resource)
    assert consent_from_fhir(resource, REFS) == without_names(sample())


def test_a_revoked_consent_is_inactive_and_a_draft_unsigned() -> None:
    """Status follows the consent's life; the revocation comes back as it was."""
    revoked = attrs.evolve(sample(), revocation=Revocation(revoked_on=date(2026, 6, 1), in_writing=False))
    assert consent_to_fhir(revoked, REFS)["status"] == "inactive"
    assert consent_from_fhir(consent_to_fhir(revoked, REFS), REFS) == without_names(revoked)
    draft = attrs.evolve(sample(), signed_on=None)
    assert consent_to_fhir(draft, REFS)["status"] == "draft"


def test_a_consent_naming_no_patient_or_unknown_parties_is_refused() -> None:
    """No patient (R4 ppc-2), or a party the map lacks: errors at the field, naming no key."""
    with pytest.raises(InvalidDataError) as info:
        consent_to_fhir(attrs.evolve(sample(), patient_id=None), REFS)
    assert info.value.paths == ("$.consent.patient_id",)
    with pytest.raises(InvalidDataError) as info:
        consent_to_fhir(attrs.evolve(sample(), recipients=frozenset({"cousin"})), REFS)
    assert info.value.paths == ("$.consent.recipients",) and "cousin" not in str(info.value)


@st.composite
def consents_with_references(draw: st.DrawFn) -> tuple[Consent, References]:
    consent = draw(consents().filter(lambda c: c.patient_id is not None))
    parties = sorted(consent.disclosers | consent.recipients | consent.intermediaries)
    split = draw(st.integers(0, len(parties)))
    refs = draw(
        references(patients=[str(consent.patient_id)], organizations=parties[:split], practitioners=parties[split:])
    )
    return consent, refs


@given(consents_with_references())
@EXAMPLES
def test_every_generated_consent_exports_as_valid_r4_and_imports_back_as_itself(
    pair: tuple[Consent, References],
) -> None:
    """fhir.resources' R4 Consent accepts every export; import (from JSON) is the consent again, names aside."""
    consent, refs = pair
    resource = consent_to_fhir(consent, refs)
    validate_r4(resource)
    assert consent_from_fhir(json_round_trip(resource), refs) == without_names(consent)


def _broken(change: Any) -> dict[str, Any]:
    resource = copy.deepcopy(consent_to_fhir(sample(), REFS))
    change(resource)
    return resource


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda r: r.update(status="rejected"), "$.resource.status"),
        (lambda r: r.update(status="signed"), "$.resource.status"),
        (lambda r: r.pop("identifier"), "$.resource.identifier"),
        (lambda r: r["provision"].update(type="deny"), "$.resource.provision.type"),
        (
            lambda r: r["provision"]["actor"][0]["role"]["coding"][0].update(code="owner"),
            "$.resource.provision.actor[0].role.coding[0].code",
        ),
        (
            lambda r: r["provision"]["actor"][1]["reference"].update(reference="Practitioner/zz"),
            "$.resource.provision.actor[1].reference.reference",
        ),
        (
            lambda r: r["provision"]["purpose"][0].update(system="http://terminology.hl7.org/CodeSystem/v3-ActReason"),
            "$.resource.provision.purpose[0].system",
        ),
        (lambda r: r["provision"].update(actor=[]), "$.resource.provision.actor"),
        (lambda r: r.pop("extension"), "$.resource.extension"),
        (
            lambda r: r["extension"][0]["extension"].append({"url": "statement", "valueCode": "maybe"}),
            "$.resource.extension[0].extension[8].valueCode",
        ),
        (lambda r: r.update(dateTime="2026-13-01"), "$.resource.dateTime"),
        (
            lambda r: r["extension"][0]["extension"].append({"url": "revoked", "valueDate": "2026-05-01"}),
            "$.resource.extension[0]",
        ),
        (
            lambda r: r["provision"]["actor"][0]["role"]["coding"].append({"system": "x", "code": "y"}),
            "$.resource.provision.actor[0].role.coding",
        ),
    ],
)
def test_non_conformant_or_incomplete_input_is_refused_at_its_path(change: Any, path: str) -> None:
    """Each defect is an InvalidDataError at the element that holds it."""
    with pytest.raises(InvalidDataError) as info:
        consent_from_fhir(_broken(change), REFS)
    assert info.value.paths[0] == path, info.value
