"""The vocabulary of 42 CFR Part 2: record classes, parties, purposes, consents and their parts.

Values here describe what a program has on file; whether a consent is complete and what it
authorizes depends on the rule version (:mod:`iopcore.part2._rules`) and is decided by
:func:`~iopcore.part2.validate_consent` and :func:`~iopcore.part2.decide`. A consent that lacks a
required element can still be *built* (so that it can be checked and its problems listed); it
never authorizes anything.

Identifiers (the patient's key, the keys of the people and organizations named in a consent, the
signers' names, the description of the information) are declared with ``phi_field``: they are
redacted in reprs and never appear in error messages.
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Any, final

import attrs

from iopcore import _fields as f
from iopcore._fields import _html as h
from iopcore.errors import ErrorItem, InvalidDataError, child_path, type_name

__all__ = [
    "TPO_PURPOSES",
    "Consent",
    "ConsentSignature",
    "ConsentSigner",
    "ConsentStatement",
    "ExpiryEvent",
    "Party",
    "PartyClass",
    "PartyKind",
    "Proceeding",
    "Purpose",
    "RecordClass",
    "RepresentativeBasis",
    "Revocation",
]


class RecordClass(enum.StrEnum):
    """What kind of record a disclosure would carry."""

    SUD_TREATMENT_RECORD = "sud_treatment_record"
    """A record of a Part 2 program (or received from one) that identifies a patient as having a
    substance use disorder (§2.11 "records", §2.12(a))."""
    SUD_COUNSELING_NOTES = "sud_counseling_notes"
    """Notes of a Part 2 clinician on a counseling session, kept apart from the rest of the record
    (§2.11, 2024 rule). Under the 2024 rule their use or disclosure needs a consent given for them (§2.31(b)(1)),
    which may be combined only with another consent for counseling notes (§2.31(b)(2)); of the authorities
    without consent only the exceptions §2.31(b)(1) lists remain (iopcore models the §2.64 court order)."""
    NOT_PART2 = "not_part2"
    """A record Part 2 does not restrict (other law, such as HIPAA, still may)."""


class PartyKind(enum.StrEnum):
    """What a party to a disclosure is; a party is often several (a Part 2 program that is a covered entity)."""

    PART2_PROGRAM = "part2_program"
    COVERED_ENTITY = "covered_entity"
    """A HIPAA covered entity (45 CFR 160.103): a health plan, clearinghouse or provider that bills electronically."""
    BUSINESS_ASSOCIATE = "business_associate"
    """A HIPAA business associate (45 CFR 160.103)."""
    HEALTH_PLAN = "health_plan"
    """A health plan or other third-party payer."""
    TREATING_PROVIDER = "treating_provider"
    """Has a treating provider relationship with this patient (§2.11)."""
    INTERMEDIARY = "intermediary"
    """Receives records on behalf of member participants, such as a health information exchange (§2.11)."""
    QUALIFIED_SERVICE_ORGANIZATION = "qualified_service_organization"
    """Provides services to a Part 2 program under a qualified service organization agreement (§2.11, §2.12(c)(4))."""
    CONTRACTOR = "contractor"
    """A contractor, subcontractor or legal representative of a lawful holder (§2.33(b))."""
    MEDICAL_PERSONNEL = "medical_personnel"
    RESEARCHER = "researcher"
    AUDITOR = "auditor"
    """Performs an audit or evaluation (§2.53)."""
    PUBLIC_HEALTH_AUTHORITY = "public_health_authority"
    COURT = "court"
    LAW_ENFORCEMENT = "law_enforcement"
    OTHER_LAWFUL_HOLDER = "other_lawful_holder"
    """Holds Part 2 records it received lawfully and is none of the above."""
    OTHER_PERSON = "other_person"
    """Anyone else: a family member, an employer, an attorney …"""


class PartyClass(enum.StrEnum):
    """A class of persons a consent may name instead of (or besides) named parties (§2.31(a)(2), (a)(4)).

    Which parties belong to a class is iopcore's reading of the rule's example wording
    ("my treating providers, health plans, third-party payers, and people helping to operate this
    program"), see :meth:`Party.belongs_to`; the program's counsel confirms it for its forms.
    """

    TREATING_PROVIDERS = "treating_providers"
    HEALTH_PLANS_AND_PAYERS = "health_plans_and_payers"
    PROGRAM_OPERATIONS = "program_operations"
    """People helping to operate the program: its business associates, qualified service organizations, contractors."""
    COVERED_ENTITIES = "covered_entities"
    BUSINESS_ASSOCIATES = "business_associates"
    PART2_PROGRAMS = "part2_programs"


_CLASS_MEMBERS: dict[PartyClass, frozenset[PartyKind]] = {
    PartyClass.TREATING_PROVIDERS: frozenset({PartyKind.TREATING_PROVIDER}),
    PartyClass.HEALTH_PLANS_AND_PAYERS: frozenset({PartyKind.HEALTH_PLAN}),
    PartyClass.PROGRAM_OPERATIONS: frozenset(
        {PartyKind.BUSINESS_ASSOCIATE, PartyKind.QUALIFIED_SERVICE_ORGANIZATION, PartyKind.CONTRACTOR}
    ),
    PartyClass.COVERED_ENTITIES: frozenset({PartyKind.COVERED_ENTITY}),
    PartyClass.BUSINESS_ASSOCIATES: frozenset({PartyKind.BUSINESS_ASSOCIATE}),
    PartyClass.PART2_PROGRAMS: frozenset({PartyKind.PART2_PROGRAM}),
}


class Purpose(enum.StrEnum):
    """Why records are used or disclosed."""

    TREATMENT = "treatment"
    PAYMENT = "payment"
    HEALTH_CARE_OPERATIONS = "health_care_operations"
    SERVICES_TO_PROGRAM = "services_to_program"
    """Services a qualified service organization provides to the program (§2.12(c)(4))."""
    RESEARCH = "research"
    AUDIT_OR_EVALUATION = "audit_or_evaluation"
    PUBLIC_HEALTH = "public_health"
    PROCEEDING_AGAINST_PATIENT = "proceeding_against_patient"
    """Use in a civil, criminal, administrative or legislative proceeding against the patient (§2.12(d))."""
    PATIENT_REQUEST = "patient_request"
    """"At the request of the patient" (§2.31(a)(5))."""
    OTHER = "other"


TPO_PURPOSES = (Purpose.TREATMENT, Purpose.PAYMENT, Purpose.HEALTH_CARE_OPERATIONS)
"""Treatment, payment and health care operations, as HIPAA defines them (45 CFR 164.501)."""


class Proceeding(enum.StrEnum):
    """The kind of proceeding against a patient a record would be used in (§2.12(d))."""

    CIVIL = "civil"
    CRIMINAL = "criminal"
    ADMINISTRATIVE = "administrative"
    LEGISLATIVE = "legislative"


class ExpiryEvent(enum.StrEnum):
    """An event on which a consent expires (§2.31(a)(7)) when it gives no date."""

    END_OF_TREATMENT = "end_of_treatment"
    END_OF_RESEARCH_STUDY = "end_of_research_study"
    NONE = "none"
    """"None": no expiry, which the 2024 rule accepts for a consent for treatment, payment or health care
    operations (§2.31(a)(7)); ``Part2Rules.open_expiry_purposes`` holds those purposes."""
    OTHER = "other"
    """Another event or condition written on the form."""


class ConsentStatement(enum.StrEnum):
    """Statements a consent form must carry besides its named elements."""

    RIGHT_TO_REVOKE = "right_to_revoke"
    """The patient's right to revoke (in writing, 2024), the reliance exception and how to revoke (§2.31(a)(6))."""
    HIPAA_REDISCLOSURE = "hipaa_redisclosure"
    """Records given to a covered entity or business associate for TPO may be redisclosed as HIPAA permits,
    except for proceedings against the patient (§2.31(a)(4)(iii), 2024)."""
    REDISCLOSURE_POTENTIAL = "redisclosure_potential"
    """Records disclosed under the consent may be redisclosed by the recipient and no longer protected by Part 2
    (§2.31(a)(10)(i), 2024: every consent for treatment, payment or health care operations)."""
    REFUSAL_CONSEQUENCES = "refusal_consequences"
    """The consequences to the patient of refusing to sign the consent (§2.31(a)(10)(ii), 2024: every consent
    for treatment, payment or health care operations)."""


class ConsentSigner(enum.StrEnum):
    """Who signed a consent."""

    PATIENT = "patient"
    AUTHORIZED_PERSON = "authorized_person"
    """A person authorized to sign for a minor (§2.14), a patient who lacks capacity or a deceased patient (§2.15)."""


class RepresentativeBasis(enum.StrEnum):
    """Why an authorized person signs for the patient."""

    MINOR = "minor"
    """§2.14: where state law requires a parent's or guardian's consent for a minor's treatment."""
    LACKS_CAPACITY = "lacks_capacity"
    """§2.15(a)."""
    DECEASED = "deceased"
    """§2.15(b)."""


# ----------------------------------------------------------------------------- validators


def _text_ids(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A frozenset of non-blank strings of at most 128 characters (the keys of parties)."""
    if not isinstance(value, frozenset):
        raise f.fail(attribute, f"expected a set of party key strings, got {type_name(value)}", "type", inst)
    base = child_path(attribute.alias)
    items = [
        ErrorItem(path=base, message=f"expected party key strings, got an element of type {type_name(v)}", rule="type")
        for v in value
        if not isinstance(v, str)
    ]
    if not items and any(not v.strip() or len(v) > 128 for v in value):
        items.append(
            ErrorItem(path=base, message="expected non-blank party keys of at most 128 characters", rule="text")
        )
    if items:
        raise InvalidDataError(items[:1], type_name=type(inst).__name__ if inst is not None else None)


def _kinds(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    f.frozenset_of(PartyKind, "PartyKind members")(inst, attribute, value)
    if not value:
        raise f.fail(attribute, "expected at least one PartyKind, got an empty set", "min_length", inst)


def _ids_field(doc_default: frozenset[str] = frozenset()) -> Any:
    return f.phi_field(default=doc_default, converter=f.to_frozenset, validator=_text_ids)


# ----------------------------------------------------------------------------- parties


@final
@attrs.frozen(kw_only=True)
class Party:
    """A person or organization that discloses or receives records, as it stands in one disclosure.

    ``id`` is the application's opaque key for the party (redacted in reprs: a recipient may be a
    person close to the patient). ``kinds`` says what the party is *for this patient*:
    :attr:`PartyKind.TREATING_PROVIDER` describes its relationship with the patient.
    """

    id: str = f.phi_field(validator=f.text(max_length=128))
    kinds: frozenset[PartyKind] = attrs.field(repr=f.set_repr, converter=f.to_frozenset, validator=_kinds)

    @f.guard
    def is_a(self, kind: PartyKind) -> bool:
        """Whether the party is of *kind*."""
        return kind in self.kinds

    @f.guard
    def belongs_to(self, party_class: PartyClass) -> bool:
        """Whether the party is in *party_class* (iopcore's reading of the class wording; see :class:`PartyClass`)."""
        return _in_class(self, party_class)

    @property
    def is_hipaa_entity(self) -> bool:
        """Whether the party is a HIPAA covered entity or business associate."""
        return bool(self.kinds & _HIPAA)


_HIPAA = frozenset({PartyKind.COVERED_ENTITY, PartyKind.BUSINESS_ASSOCIATE})


def _in_class(party: Party, party_class: PartyClass) -> bool:
    return bool(party.kinds & _CLASS_MEMBERS[party_class])


# ----------------------------------------------------------------------------- consents


@final
@attrs.frozen(kw_only=True)
class ConsentSignature:
    """One signature on a consent (§2.31(a)(8)): the patient's, or an authorized person's with the basis."""

    signer: ConsentSigner = attrs.field(validator=f.enum_member(ConsentSigner))
    basis: RepresentativeBasis | None = attrs.field(
        default=None, validator=f.optional(f.enum_member(RepresentativeBasis))
    )
    """Why an authorized person signs (§2.14, §2.15); ``None`` for the patient's own signature."""
    name: str | None = f.phi_field(default=None, validator=f.optional(f.text(max_length=200)))

    def __attrs_post_init__(self) -> None:
        if self.signer is ConsentSigner.PATIENT and self.basis is not None:
            raise f.fail("$.basis", "expected no representative basis on the patient's own signature", "basis", self)


@final
@attrs.frozen(kw_only=True)
class Revocation:
    """A patient's revocation of a consent, effective from ``revoked_on`` (the day the holder received it).

    A revocation does not undo uses or disclosures made in reliance on the consent before it took
    effect (§2.31(a)(6)). The 2024 rule gives the patient the right to revoke "in writing" (§2.31(a)(6),
    §2.33(a)(2)); iopcore nevertheless honours an oral revocation the program knows of (a consent "known to
    have been revoked", §2.31(c)(3)) and says so in the decision's reasons — a conservative reading of
    iopcore's, not the rule's text; the program should have the revocation put in writing.
    """

    revoked_on: date = attrs.field(validator=f.calendar_date())
    in_writing: bool = attrs.field(default=True, validator=f.boolean())


def _statements(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    f.frozenset_of(ConsentStatement, "ConsentStatement members")(inst, attribute, value)


@final
@attrs.frozen(kw_only=True)
class Consent:
    """A patient's written consent to use or disclose records, as the program has it on file.

    Each field is one element of §2.31(a) (the section numbers in :func:`~iopcore.part2.validate_consent`'s
    problems follow the rule version). Empty or ``None`` fields stand for an element the form lacks:
    the consent can be built, and :func:`~iopcore.part2.validate_consent` names what is missing.

    * who may disclose: ``disclosers`` (party keys) and ``discloser_classes``;
    * recipients: ``recipients`` (party keys), ``recipient_classes`` and ``intermediaries`` (named
      intermediaries, with the participants named or designated as a class, §2.31(a)(4)(ii));
    * ``counseling_notes``: the consent is for SUD counseling notes (and covers nothing else);
    * ``all_future_tpo``: the single consent for all future uses and disclosures for treatment,
      payment and health care operations (2024 rule, §2.31(a)(4)(i), §2.33(a)(2));
    * expiry: a date (``expires_on``) or an event (``expiry_event``, with ``expiry_event_occurred_on``
      once the application knows it happened).
    """

    id: str = attrs.field(validator=f.text(max_length=128))
    """The application's key for the consent document (not an identifier of the patient)."""
    patient_id: str | None = f.phi_field(validator=f.optional(f.text(max_length=128)))
    """The patient the consent is about (§2.31(a)(1)); ``None`` when the form does not name one."""
    disclosers: frozenset[str] = _ids_field()
    discloser_classes: frozenset[PartyClass] = attrs.field(
        repr=f.set_repr,
        default=frozenset(),
        converter=f.to_frozenset,
        validator=f.frozenset_of(PartyClass, "PartyClass members"),
    )
    information: str = f.phi_field(default="", validator=f.instance(str, "a string"))
    """How much and what kind of information may be disclosed (§2.31(a)(3)); blank when missing."""
    counseling_notes: bool = attrs.field(default=False, validator=f.boolean())
    recipients: frozenset[str] = _ids_field()
    recipient_classes: frozenset[PartyClass] = attrs.field(
        repr=f.set_repr,
        default=frozenset(),
        converter=f.to_frozenset,
        validator=f.frozenset_of(PartyClass, "PartyClass members"),
    )
    intermediaries: frozenset[str] = _ids_field()
    purposes: frozenset[Purpose] = attrs.field(
        repr=f.set_repr,
        default=frozenset(),
        converter=f.to_frozenset,
        validator=f.frozenset_of(Purpose, "Purpose members"),
    )
    all_future_tpo: bool = attrs.field(default=False, validator=f.boolean())
    statements: frozenset[ConsentStatement] = attrs.field(
        repr=f.set_repr, default=frozenset(), converter=f.to_frozenset, validator=_statements
    )
    expires_on: date | None = attrs.field(default=None, validator=f.optional(f.calendar_date()))
    """The consent is not in effect after this day."""
    expiry_event: ExpiryEvent | None = attrs.field(default=None, validator=f.optional(f.enum_member(ExpiryEvent)))
    expiry_event_occurred_on: date | None = attrs.field(default=None, validator=f.optional(f.calendar_date()))
    """The day the expiry event happened (the consent is not in effect from that day on)."""
    signatures: tuple[ConsentSignature, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(ConsentSignature, description="ConsentSignature items")
    )
    signed_on: date | None = attrs.field(default=None, validator=f.optional(f.calendar_date()))
    """The date the consent was signed (§2.31(a)(9)); it is in effect from that day."""
    revocation: Revocation | None = attrs.field(
        default=None, validator=f.optional(f.instance(Revocation, "a Revocation"))
    )

    def _repr_html_(self) -> str:
        return h.fields_view(self, title=f"Consent {self.id}")

    def __attrs_post_init__(self) -> None:
        items: list[ErrorItem] = []
        if self.expiry_event_occurred_on is not None and self.expiry_event in (None, ExpiryEvent.NONE):
            items.append(
                ErrorItem(
                    path="$.expiry_event_occurred_on",
                    message="expected an expiry event (other than 'none') for the day it occurred, got none",
                    rule="together",
                )
            )
        if self.signed_on is not None:
            for path, day in (
                ("$.revocation.revoked_on", self.revocation.revoked_on if self.revocation else None),
                ("$.expiry_event_occurred_on", self.expiry_event_occurred_on),
            ):
                if day is not None and day < self.signed_on:
                    items.append(
                        ErrorItem(
                            path=path, message="expected a day on or after signed_on, got an earlier date", rule="order"
                        )
                    )
        if items:
            raise InvalidDataError(items, type_name="Consent")
