"""A disclosure being considered, and the authorities other than consent that may permit it.

Each authority is what the program has on file (an emergency it documented, a court order, an
approval for research, an audit arrangement, a qualified service organization agreement); whether it
permits a given disclosure under a rule version is decided by :func:`~iopcore.part2.decide`.
The keys of the people and organizations named here are identifiers (``phi_field``).
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Any, final

import attrs

from iopcore import _fields as f
from iopcore.errors import ErrorItem, InvalidDataError
from iopcore.part2._model import Party, Purpose, RecordClass

__all__ = [
    "AuditAuthorization",
    "AuthorityKind",
    "CourtOrder",
    "CourtOrderFinding",
    "CourtOrderKind",
    "DisclosureRequest",
    "MedicalEmergency",
    "QsoAgreement",
    "ResearchApproval",
    "ResearchBasis",
]


class AuthorityKind(enum.StrEnum):
    """What a disclosure may rest on; every reason in a decision names one."""

    NOT_PART2 = "not_part2"
    """The record is not a Part 2 record (§2.12(a)): Part 2 does not restrict it."""
    CONSENT = "consent"
    """The patient's written consent (§2.31, §2.33(a))."""
    REDISCLOSURE = "redisclosure"
    """A recipient's further disclosure of records it received with consent (§2.33(b))."""
    QSO_AGREEMENT = "qso_agreement"
    """Communication with a qualified service organization (§2.12(c)(4))."""
    MEDICAL_EMERGENCY = "medical_emergency"
    """A bona fide medical emergency (§2.51)."""
    RESEARCH = "research"
    """Research (§2.52)."""
    AUDIT_OR_EVALUATION = "audit_or_evaluation"
    """Management audit, financial audit or program evaluation (§2.53)."""
    PUBLIC_HEALTH = "public_health"
    """De-identified records to a public health authority (§2.54, 2024 rule)."""
    COURT_ORDER = "court_order"
    """A court order under subpart E (§§2.61–2.67)."""
    STATE_LAW = "state_law"
    """A state's stricter rule (composed with :meth:`~iopcore.part2.Part2Rules.with_state`); it only ever denies."""


class CourtOrderKind(enum.StrEnum):
    """The kinds of subpart E orders, each with its own criteria."""

    NONCRIMINAL = "noncriminal"
    """§2.64: for purposes other than criminal investigation or prosecution."""
    CRIMINAL_INVESTIGATION_OF_PATIENT = "criminal_investigation_of_patient"
    """§2.65: to investigate or prosecute a patient for a crime."""
    INVESTIGATION_OF_PROGRAM = "investigation_of_program"
    """§2.66: to investigate or prosecute a program or the person holding the records (criteria §2.66(c));
    what it yields may not be used against a patient (§2.66(d)(2))."""


class CourtOrderFinding(enum.StrEnum):
    """A finding a court makes before it enters a subpart E order (the criteria of §2.64(d), §2.65(d), §2.66(c)).

    Which findings each kind of order needs is data in the rule set
    (:attr:`~iopcore.part2.Part2Rules.court_order_findings`).
    """

    OTHER_WAYS_UNAVAILABLE = "other_ways_unavailable"
    """Other ways of obtaining the information are not available or would not be effective."""
    PUBLIC_INTEREST_OUTWEIGHS = "public_interest_outweighs"
    """The public interest and need for the disclosure outweigh the potential injury to the patient,
    the physician–patient relationship and the treatment services."""
    EXTREMELY_SERIOUS_CRIME = "extremely_serious_crime"
    """The crime involved is extremely serious (§2.65(d))."""
    SUBSTANTIAL_VALUE = "substantial_value"
    """There is a reasonable likelihood that the records will disclose information of substantial value
    in the investigation or prosecution (§2.65(d))."""
    PROGRAM_HEARD = "program_heard"
    """The person holding the records was afforded the opportunity to be represented by independent counsel
    (§2.65(d)(5); the text asks for it when the applicant is a law enforcement agency or official, which
    iopcore assumes of every order to investigate or prosecute a patient)."""


class ResearchBasis(enum.StrEnum):
    """The documented approval under which records are disclosed for research (§2.52)."""

    HIPAA_AUTHORIZATION_OR_WAIVER = "hipaa_authorization_or_waiver"
    """A covered entity or business associate with an authorization or an IRB/privacy board waiver (45 CFR 164.512(i))."""
    COMMON_RULE = "common_rule"
    """Research under the HHS protection of human subjects rules (45 CFR part 46), documented IRB approval or exemption."""
    FDA = "fda"
    """Research under the FDA rules (21 CFR parts 50 and 56)."""


def _day_order(inst: Any, first: str, last: str) -> list[ErrorItem]:
    a, b = getattr(inst, first), getattr(inst, last)
    if a is not None and b is not None and b < a:
        return [
            ErrorItem(
                path=f"$.{last}", message=f"expected a day on or after {first}, got an earlier date", rule="order"
            )
        ]
    return []


def _raise(items: list[ErrorItem], owner: object) -> None:
    if items:
        raise InvalidDataError(items, type_name=type(owner).__name__)


@final
@attrs.frozen(kw_only=True)
class DisclosureRequest:
    """One use or disclosure under consideration: which record, from whom, to whom, why and when.

    ``received_under`` and ``received_for`` describe a redisclosure: the discloser holds the records
    because they were disclosed to it under that consent (its ``id``) for that purpose; both are
    ``None`` when the discloser is the program that created the records.
    ``through_ehr`` says whether the disclosure is made through an electronic health record (§2.25(b)).
    """

    patient_id: str = f.phi_field(validator=f.text(max_length=128))
    record_class: RecordClass = attrs.field(validator=f.enum_member(RecordClass))
    discloser: Party = attrs.field(validator=f.instance(Party, "a Party"))
    recipient: Party = attrs.field(validator=f.instance(Party, "a Party"))
    purpose: Purpose = attrs.field(validator=f.enum_member(Purpose))
    on: date = attrs.field(validator=f.calendar_date())
    deidentified: bool = attrs.field(default=False, validator=f.boolean())
    """The content has been de-identified as 45 CFR 164.514(b) requires (§2.54(b))."""
    received_under: str | None = attrs.field(default=None, validator=f.optional(f.text(max_length=128)))
    received_for: Purpose | None = attrs.field(default=None, validator=f.optional(f.enum_member(Purpose)))
    through_ehr: bool = attrs.field(default=False, validator=f.boolean())

    def __attrs_post_init__(self) -> None:
        if (self.received_under is None) != (self.received_for is None):
            _raise(
                [
                    ErrorItem(
                        path="$.received_for" if self.received_for is None else "$.received_under",
                        message="expected received_under and received_for together (a redisclosure), got only one",
                        rule="together",
                    )
                ],
                self,
            )

    @property
    def is_redisclosure(self) -> bool:
        """Whether the discloser holds the records because they were disclosed to it with consent."""
        return self.received_under is not None


@final
@attrs.frozen(kw_only=True)
class MedicalEmergency:
    """A bona fide medical emergency the program documented (§2.51(a)).

    ``consent_obtainable``: the patient's prior written consent could have been obtained (then §2.51(a)(1)
    does not apply). ``declared_disaster``: the program is closed and unable to obtain consent during a
    state of emergency declared after a natural or major disaster (§2.51(a)(2)).
    """

    recipient_id: str = f.phi_field(validator=f.text(max_length=128))
    on: date = attrs.field(validator=f.calendar_date())
    consent_obtainable: bool = attrs.field(default=False, validator=f.boolean())
    declared_disaster: bool = attrs.field(default=False, validator=f.boolean())


@final
@attrs.frozen(kw_only=True)
class CourtOrder:
    """An order of a court of competent jurisdiction under subpart E, with the findings it states.

    An order authorizes a disclosure; it does not compel one (a subpoena does, §2.61).
    """

    recipient_id: str = f.phi_field(validator=f.text(max_length=128))
    kind: CourtOrderKind = attrs.field(validator=f.enum_member(CourtOrderKind))
    entered_on: date = attrs.field(validator=f.calendar_date())
    findings: frozenset[CourtOrderFinding] = attrs.field(
        repr=f.set_repr,
        default=frozenset(),
        converter=f.to_frozenset,
        validator=f.frozenset_of(CourtOrderFinding, "CourtOrderFinding members"),
    )
    expires_on: date | None = attrs.field(default=None, validator=f.optional(f.calendar_date()))

    def __attrs_post_init__(self) -> None:
        _raise(_day_order(self, "entered_on", "expires_on"), self)


@final
@attrs.frozen(kw_only=True)
class ResearchApproval:
    """The documented approval under which a researcher may receive records (§2.52(a))."""

    recipient_id: str = f.phi_field(validator=f.text(max_length=128))
    basis: ResearchBasis = attrs.field(validator=f.enum_member(ResearchBasis))
    approved_on: date = attrs.field(validator=f.calendar_date())
    expires_on: date | None = attrs.field(default=None, validator=f.optional(f.calendar_date()))

    def __attrs_post_init__(self) -> None:
        _raise(_day_order(self, "approved_on", "expires_on"), self)


@final
@attrs.frozen(kw_only=True)
class AuditAuthorization:
    """An audit or evaluation the program has agreed to, by the person or agency that performs it (§2.53)."""

    recipient_id: str = f.phi_field(validator=f.text(max_length=128))
    starts_on: date = attrs.field(validator=f.calendar_date())
    ends_on: date | None = attrs.field(default=None, validator=f.optional(f.calendar_date()))

    def __attrs_post_init__(self) -> None:
        _raise(_day_order(self, "starts_on", "ends_on"), self)


@final
@attrs.frozen(kw_only=True)
class QsoAgreement:
    """A qualified service organization agreement between the program and the organization (§2.11, §2.12(c)(4))."""

    recipient_id: str = f.phi_field(validator=f.text(max_length=128))
    signed_on: date = attrs.field(validator=f.calendar_date())
    ends_on: date | None = attrs.field(default=None, validator=f.optional(f.calendar_date()))

    def __attrs_post_init__(self) -> None:
        _raise(_day_order(self, "signed_on", "ends_on"), self)


Authority = MedicalEmergency | CourtOrder | ResearchApproval | AuditAuthorization | QsoAgreement
"""Any authority other than consent."""
