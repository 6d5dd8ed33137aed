"""Part 2 Consent ↔ R4 Consent.

Standard elements: ``status`` (``draft`` before it is signed, ``inactive`` once revoked, else
``active``; derived, not read back), ``scope`` patient-privacy, ``category`` v3 ActCode ``IDSCL``
(information disclosure, ActConsentType), ``patient``, ``dateTime`` (the day it was signed),
``organization`` (the program's, from the map), ``policyRule`` v3 ActCode ``42CFRPart2`` and one
``permit`` provision whose ``period`` ends when the consent expires, whose ``actor`` s are the
disclosers, recipients and intermediaries (roles of the local code system ``consent-party-role``;
each party through the map's organizations or practitioners) and whose ``purpose`` s are the
purposes (local code system ``part2-purpose``: their v3 PurposeOfUse counterparts are not emitted,
not having been checked one by one). The rest of §2.31's elements travel in iopcore's
``part2-consent`` extension and, per signature, ``part2-consent-signature``. Signers' names are never
exported. Sets are written in sorted order, so equal consents give equal resources.

A consent that names no patient is refused on export (``$.consent.patient_id``): a privacy consent
is about a patient (the intent of R4's ppc-2).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iopcore import _fields as f
from iopcore.fhir import _json as j
from iopcore.fhir._common import (
    ReferenceKind,
    References,
    code_system,
    extension_url,
    identifier,
    identifier_system,
    key_of,
    meta,
    read_identifier,
    read_reference,
    reference_to,
    resource_id,
)
from iopcore.fhir._episode import build
from iopcore.fhir._extensions import Part, ValueType, complex_extension, read_complex, read_period, write_period
from iopcore.part2 import (
    PART2_POLICY_LABEL,
    Consent,
    ConsentSignature,
    ConsentSigner,
    ConsentStatement,
    ExpiryEvent,
    PartyClass,
    Purpose,
    RecordClass,
    RepresentativeBasis,
    Revocation,
)

__all__ = ["CONSENT_EXTENSIONS", "consent_from_fhir", "consent_to_fhir"]

CONSENT_URL = extension_url("part2-consent")
SIGNATURE_URL = extension_url("part2-consent-signature")
ROLE_SYSTEM = code_system("consent-party-role")
PURPOSE_SYSTEM = code_system("part2-purpose")
ROLES = ("discloser", "recipient", "intermediary")

CONSENT_EXTENSIONS: Mapping[str, tuple[Part, ...]] = f.FrozenMap(
    {
        CONSENT_URL: (
            Part("discloserClass", ValueType.CODE, codes=tuple(PartyClass), repeats=True),
            Part("recipientClass", ValueType.CODE, codes=tuple(PartyClass), repeats=True),
            Part("information", ValueType.STRING),
            Part("counselingNotes", ValueType.BOOLEAN, True),
            Part("allFutureTpo", ValueType.BOOLEAN, True),
            Part("statement", ValueType.CODE, codes=tuple(ConsentStatement), repeats=True),
            Part("expiryEvent", ValueType.CODE, codes=tuple(ExpiryEvent)),
            Part("expiryEventOccurred", ValueType.DATE),
            Part("revoked", ValueType.DATE),
            Part("revokedInWriting", ValueType.BOOLEAN),
        ),
        SIGNATURE_URL: (
            Part("signer", ValueType.CODE, True, tuple(ConsentSigner)),
            Part("basis", ValueType.CODE, codes=tuple(RepresentativeBasis)),
        ),
    }
)
"""iopcore's Consent extensions (URL → parts); the signature extension repeats, in the consent's order."""

CONSENT_STATUSES = ("draft", "proposed", "active", "rejected", "inactive", "entered-in-error")
SCOPE = {"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"}
CATEGORY = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
    "code": "IDSCL",
    "display": "information disclosure",
}


def _party(references: References, key: str, path: str) -> dict[str, str]:
    for kind in (ReferenceKind.ORGANIZATION, ReferenceKind.PRACTITIONER):
        table = references.organizations if kind is ReferenceKind.ORGANIZATION else references.practitioners
        if key in table:
            return reference_to(references, kind, key, path)
    raise j.fail(
        path,
        "expected party keys the map holds (organizations or practitioners), got one it does not",
        "unknown_reference",
    )


@f.guard
def consent_to_fhir(
    consent: Consent, references: References, *, record_class: RecordClass = RecordClass.SUD_TREATMENT_RECORD
) -> dict[str, Any]:
    """The consent as an R4 Consent (a JSON dict); the patient and parties by their references in *references*."""
    if consent.patient_id is None:
        raise j.fail(
            "$.consent.patient_id", "expected the patient the consent is about, got None (R4 ppc-2)", "missing"
        )
    patient = reference_to(references, ReferenceKind.PATIENT, consent.patient_id, "$.consent.patient_id")
    actors = [
        {"role": {"coding": [{"system": ROLE_SYSTEM, "code": role}]}, "reference": _party(references, key, f"$.consent.{field}")}
        for role, field, keys in (
            ("discloser", "disclosers", consent.disclosers),
            ("recipient", "recipients", consent.recipients),
            ("intermediary", "intermediaries", consent.intermediaries),
        )
        for key in sorted(keys)
    ]  # fmt: skip
    out: dict[str, Any] = {"resourceType": "Consent", "id": resource_id("Consent", patient["reference"], consent.id)}
    labels = meta(record_class)
    if labels:
        out["meta"] = labels
    revocation = consent.revocation
    out["extension"] = [
        complex_extension(
            CONSENT_URL,
            CONSENT_EXTENSIONS[CONSENT_URL],
            {
                "discloserClass": sorted(consent.discloser_classes),
                "recipientClass": sorted(consent.recipient_classes),
                "information": consent.information,
                "counselingNotes": consent.counseling_notes,
                "allFutureTpo": consent.all_future_tpo,
                "statement": sorted(consent.statements),
                "expiryEvent": consent.expiry_event,
                "expiryEventOccurred": consent.expiry_event_occurred_on,
                "revoked": None if revocation is None else revocation.revoked_on,
                "revokedInWriting": None if revocation is None else revocation.in_writing,
            },
        ),
        *(
            complex_extension(SIGNATURE_URL, CONSENT_EXTENSIONS[SIGNATURE_URL], {"signer": s.signer, "basis": s.basis})
            for s in consent.signatures
        ),
    ]
    out["identifier"] = [identifier(references, "consent", consent.id)]
    out["status"] = "draft" if consent.signed_on is None else "inactive" if revocation is not None else "active"
    out["scope"] = {"coding": [SCOPE]}
    out["category"] = [{"coding": [CATEGORY]}]
    out["patient"] = patient
    if consent.signed_on is not None:
        out["dateTime"] = j.fhir_date(consent.signed_on)
    if references.managing_organization is not None:
        out["organization"] = [
            reference_to(references, ReferenceKind.ORGANIZATION, references.managing_organization, "$.references")
        ]
    label = PART2_POLICY_LABEL
    out["policyRule"] = {"coding": [{"system": label.system, "code": label.code, "display": label.display}]}
    provision: dict[str, Any] = {"type": "permit"}
    if consent.signed_on is not None or consent.expires_on is not None:
        provision["period"] = write_period(consent.signed_on, consent.expires_on)
    if actors:
        provision["actor"] = actors
    if consent.purposes:
        provision["purpose"] = [{"system": PURPOSE_SYSTEM, "code": p.value} for p in sorted(consent.purposes)]
    out["provision"] = provision
    return out


ROOT = "$.resource"


@f.guard
def consent_from_fhir(resource: Mapping[str, Any], references: References) -> Consent:
    """The Part 2 :class:`~iopcore.part2.Consent` an R4 Consent written by :func:`consent_to_fhir` describes.

    Refused with the path of the element: not R4, a status of rejected or entered-in-error (no
    consent on file), a provision other than one ``permit`` without nested provisions (iopcore
    models no exceptions inside a consent), actors or purposes outside iopcore's code systems,
    parties or a patient the map does not hold, a missing ``part2-consent`` extension, and content
    that makes no valid consent.
    """
    node = j.resource(resource, "Consent", ROOT)
    status = j.code(node, "status", ROOT, CONSENT_STATUSES, required=True)
    if status in ("rejected", "entered-in-error"):
        raise j.fail(ROOT + ".status", "expected draft, proposed, active or inactive for a consent on file", "status")
    consent_id = read_identifier(node, identifier_system(references.identifier_base, "consent"), ROOT)
    patient = read_reference(node, "patient", ROOT, references, ReferenceKind.PATIENT, required=True)
    signed = None if "dateTime" not in node else j.read_date(node["dateTime"], ROOT + ".dateTime")
    here = ROOT + ".provision"
    provision = j.obj(node.get("provision"), here, "the consent's provision (a JSON object)")
    if provision.get("type") != "permit" or "provision" in provision:
        raise j.fail(here + ".type", "expected one permit provision without nested provisions", "provision")
    expires = (
        read_period(provision["period"], here + ".period", start_required=False)[1] if "period" in provision else None
    )
    parties: dict[str, set[str]] = {role: set() for role in ROLES}
    for item, at in j.array(provision, "actor", here):
        role, key = _actor(item, at, references)
        parties[role].add(key)
    purposes = [
        Purpose(_code(item, at, PURPOSE_SYSTEM, tuple(Purpose))) for item, at in j.array(provision, "purpose", here)
    ]
    found = j.extension(node, CONSENT_URL, ROOT)
    if found is None:
        raise j.fail(ROOT + ".extension", f"expected iopcore's extension {CONSENT_URL}, got none", "incomplete")
    v = read_complex(found[0], found[1], CONSENT_EXTENSIONS[CONSENT_URL])
    if (v["revoked"] is None) != (v["revokedInWriting"] is None):
        raise j.fail(found[1], "expected revoked and revokedInWriting together", "together")
    signatures = [
        build(ConsentSignature, at, signer=ConsentSigner(s["signer"]),
              basis=None if s["basis"] is None else RepresentativeBasis(s["basis"]))
        for s, at in (
            (read_complex(ext, at, CONSENT_EXTENSIONS[SIGNATURE_URL]), at)
            for ext, at in j.extensions(node, ROOT)
            if ext["url"] == SIGNATURE_URL
        )
    ]  # fmt: skip
    revocation = (
        None
        if v["revoked"] is None
        else build(Revocation, found[1], revoked_on=v["revoked"], in_writing=v["revokedInWriting"])
    )
    consent: Consent = build(
        Consent, ROOT, id=consent_id, patient_id=patient, disclosers=frozenset(parties["discloser"]),
        discloser_classes=frozenset(PartyClass(c) for c in v["discloserClass"]), information=v["information"] or "",
        counseling_notes=v["counselingNotes"], recipients=frozenset(parties["recipient"]),
        recipient_classes=frozenset(PartyClass(c) for c in v["recipientClass"]),
        intermediaries=frozenset(parties["intermediary"]), purposes=frozenset(purposes),
        all_future_tpo=v["allFutureTpo"], statements=frozenset(ConsentStatement(s) for s in v["statement"]),
        expires_on=expires, expiry_event=None if v["expiryEvent"] is None else ExpiryEvent(v["expiryEvent"]),
        expiry_event_occurred_on=v["expiryEventOccurred"], signatures=tuple(signatures), signed_on=signed,
        revocation=revocation,
    )  # fmt: skip
    return consent


def _code(value: Any, path: str, system: str, allowed: tuple[str, ...]) -> str:
    coding = j.obj(value, path, "a Coding")
    if coding.get("system") != system:
        raise j.fail(path + ".system", f"expected a code of {system}, got another system", "system")
    code = j.code(coding, "code", path, allowed, required=True)
    assert code is not None  # required
    return code


def _actor(value: Any, path: str, references: References) -> tuple[str, str]:
    actor = j.obj(value, path, "a provision actor")
    role = j.obj(actor.get("role"), path + ".role", "a CodeableConcept with the party's role")
    codings = j.array(role, "coding", path + ".role", required=True)
    if len(codings) != 1:
        raise j.fail(path + ".role.coding", "expected one coding of the party's role", "role")
    code = _code(codings[0][0], codings[0][1], ROLE_SYSTEM, ROLES)
    ref = j.obj(actor.get("reference"), path + ".reference", "a Reference to the party")
    target = j.required_string(ref, "reference", path + ".reference")
    kind = ReferenceKind.ORGANIZATION if target in references.organizations.values() else ReferenceKind.PRACTITIONER
    return code, key_of(references, kind, target, path + ".reference.reference")
