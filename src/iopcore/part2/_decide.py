"""The disclosure decision: may this record go to this recipient for this purpose on this day?

:func:`decide` weighs every consent and authority on file separately; each gives one
:class:`~iopcore.part2.DecisionReason` (it permits the disclosure, or why it does not). The disclosure
is allowed when at least one permits it after a state's stricter rules are applied, so adding a
valid consent never takes an allowance away and revoking one never adds one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, final

import attrs

from iopcore import _fields as f
from iopcore._fields import _html as h
from iopcore.errors import ErrorItem, InvalidArgumentError
from iopcore.part2._authorities import (
    AuditAuthorization,
    Authority,
    AuthorityKind,
    CourtOrder,
    CourtOrderKind,
    DisclosureRequest,
    MedicalEmergency,
    QsoAgreement,
    ResearchApproval,
    ResearchBasis,
)
from iopcore.part2._consents import DecisionReason, consent_reason
from iopcore.part2._model import TPO_PURPOSES, Consent, PartyKind, Purpose, RecordClass
from iopcore.part2._rules import Part2Rules, StateRestriction

__all__ = ["AccountingEntry", "DisclosureDecision", "DisclosureNotice", "decide"]

_A = AuthorityKind
_ORDER = {kind: i for i, kind in enumerate(AuthorityKind)}


@final
@attrs.frozen(kw_only=True)
class DisclosureNotice:
    """The written statement that must accompany a disclosure made with consent (§2.32)."""

    section: str = attrs.field(validator=f.text(max_length=64))
    statement: str = attrs.field(validator=f.text(max_length=2000))
    consent_copy_section: str | None = attrs.field(default=None, validator=f.optional(f.text(max_length=64)))
    """2024: the disclosure also carries a copy of the consent or a clear explanation of its scope (§2.32(b))."""


@final
@attrs.frozen(kw_only=True)
class AccountingEntry:
    """What to keep for the patient's accounting of disclosures (§2.25; the content of 45 CFR 164.528(b)).

    ``in_force`` copies ``Part2Rules.accounting_in_force`` (False in the built-in 2024 rules, an unverified
    reading that compliance is tolled): keep the entry anyway.
    """

    section: str = attrs.field(validator=f.text(max_length=64))
    in_force: bool = attrs.field(validator=f.boolean())
    disclosed_on: date = attrs.field(validator=f.calendar_date())
    patient_id: str = f.phi_field(validator=f.text(max_length=128))
    recipient_id: str = f.phi_field(validator=f.text(max_length=128))
    information: str = f.phi_field(validator=f.instance(str, "a string"))
    """A brief description of what was disclosed (the consent's description)."""
    purpose: Purpose = attrs.field(validator=f.enum_member(Purpose))
    consent_id: str = attrs.field(validator=f.text(max_length=128))


@final
@attrs.frozen(kw_only=True)
class DisclosureDecision:
    """Allowed or denied, why (each reason with its section), and what must go with an allowed disclosure.

    ``basis`` and ``consent_id`` name the authority relied on (the first that permits it, in
    :class:`~iopcore.part2.AuthorityKind` order); ``documentation`` lists what the program records
    right after an emergency disclosure (§2.51(c)).
    """

    allowed: bool = attrs.field(validator=f.boolean())
    rules_version: str = attrs.field(validator=f.text(max_length=64))
    reasons: tuple[DecisionReason, ...] = attrs.field(
        converter=f.to_tuple, validator=f.tuple_of(DecisionReason, description="DecisionReason items", min_length=1)
    )
    basis: AuthorityKind | None = attrs.field(default=None, validator=f.optional(f.enum_member(AuthorityKind)))
    consent_id: str | None = attrs.field(default=None, validator=f.optional(f.text(max_length=128)))
    notice: DisclosureNotice | None = attrs.field(
        default=None, validator=f.optional(f.instance(DisclosureNotice, "a DisclosureNotice"))
    )
    accounting_entry: AccountingEntry | None = attrs.field(
        default=None, validator=f.optional(f.instance(AccountingEntry, "an AccountingEntry"))
    )
    documentation: tuple[str, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(str, description="strings")
    )

    def _repr_html_(self) -> str:
        verdict = "allowed" if self.allowed else "not allowed"
        return h.fields_view(
            self,
            title=f"DisclosureDecision: {verdict} ({self.rules_version})",
            badges={"allowed": lambda a: "ok" if a else "critical"},
        )

    def __attrs_post_init__(self) -> None:
        if self.allowed != (self.basis is not None) or (not self.allowed and (self.notice or self.accounting_entry)):
            raise f.fail(
                "$.basis", "expected a basis exactly when allowed, and no notice or entry when denied", "together", self
            )

    @property
    def sections(self) -> tuple[str, ...]:
        """The sections of the reasons, in order, without repeats."""
        return tuple(dict.fromkeys(r.section for r in self.reasons))


@f.guard
def decide(
    rules: Part2Rules,
    request: DisclosureRequest,
    *,
    consents: Sequence[Consent] = (),
    authorities: Sequence[Authority] = (),
) -> DisclosureDecision:
    """Whether *request* is allowed under *rules* (the rule version is an input), with reasons and their sections.

    *consents* are the consents on file for the patient; *authorities* the other authorities on file
    (medical emergencies, court orders, research approvals, audits, QSO agreements). Their order does
    not matter. iopcore is not legal advice: the program's counsel sets its policies.
    """
    seen: dict[str, int] = {}
    for i, c in enumerate(consents):
        if c.id in seen:
            raise InvalidArgumentError(
                [
                    ErrorItem(
                        path=f"$.consents[{i}].id", message="expected unique consent ids, got a repeat", rule="unique"
                    )
                ],
                callable="decide",
            )
        seen[c.id] = i
    return _decide(rules, request, tuple(sorted(consents, key=lambda c: c.id)), authorities)


def _decide(
    r: Part2Rules, rq: DisclosureRequest, consents: tuple[Consent, ...], authorities: Sequence[Authority]
) -> DisclosureDecision:
    if rq.record_class is RecordClass.NOT_PART2:
        reason = DecisionReason(
            authority=_A.NOT_PART2,
            allows=True,
            section=r.authorities[_A.NOT_PART2],
            message="not a Part 2 record: Part 2 does not restrict it (other law, such as HIPAA or state law, may)",
        )
        return DisclosureDecision(allowed=True, rules_version=r.version, reasons=(reason,), basis=_A.NOT_PART2)
    found: list[DecisionReason | None] = [consent_reason(c, rq, r) for c in consents]
    if rq.is_redisclosure:
        found.extend(_redisclosure(r, rq, consents))
    found.extend(_authority_reason(r, rq, a) for a in authorities)
    if rq.purpose is Purpose.PUBLIC_HEALTH and _A.PUBLIC_HEALTH in r.authorities:
        found.append(_public_health(r, rq))
    reasons = [x for x in found if x is not None]
    for state in r.state_restrictions:
        reasons = _apply_state(state, rq, consents, reasons)
    if not reasons:
        reasons = [
            DecisionReason(
                authority=_A.CONSENT,
                allows=False,
                section=r.general_restriction,
                message="no consent or other authority on file covers this use or disclosure",
            )
        ]
    reasons = sorted(
        set(reasons), key=lambda x: (not x.allows, _ORDER[x.authority], x.consent_id or "", x.section, x.message)
    )
    allowing = [x for x in reasons if x.allows]
    if not allowing:
        return DisclosureDecision(allowed=False, rules_version=r.version, reasons=tuple(reasons))
    chosen = allowing[0]
    return DisclosureDecision(
        allowed=True,
        rules_version=r.version,
        reasons=tuple(reasons),
        basis=chosen.authority,
        consent_id=chosen.consent_id,
        notice=_notice(r, chosen),
        accounting_entry=_entry(r, rq, chosen, consents),
        documentation=r.emergency_documentation if chosen.authority is _A.MEDICAL_EMERGENCY else (),
    )


def _reason(
    kind: AuthorityKind, allows: bool, section: str, message: str, consent_id: str | None = None
) -> DecisionReason:
    return DecisionReason(authority=kind, allows=allows, section=section, message=message, consent_id=consent_id)


def _redisclosure(r: Part2Rules, rq: DisclosureRequest, consents: tuple[Consent, ...]) -> list[DecisionReason]:
    """A lawful holder's further disclosure of records it received with consent (§2.33(b))."""
    held = next((c for c in consents if c.id == rq.received_under), None)
    section = r.hipaa_redisclosure or r.contractor_redisclosure
    if held is None:
        return [_reason(_A.REDISCLOSURE, False, section, "the consent the records were received under is not on file")]
    original = attrs.evolve(
        rq, purpose=rq.received_for or rq.purpose, recipient=rq.discloser, received_under=None, received_for=None
    )
    received = consent_reason(held, original, r, as_redisclosure=True)
    if not received.allows:
        return [_reason(_A.REDISCLOSURE, False, received.section, f"redisclosure: {received.message}", held.id)]
    out: list[DecisionReason] = []
    hipaa = rq.discloser.is_hipaa_entity
    proceeding = rq.purpose is Purpose.PROCEEDING_AGAINST_PATIENT
    if r.hipaa_redisclosure is not None and hipaa and rq.received_for in TPO_PURPOSES:
        if proceeding:
            message = "a covered entity or business associate may not redisclose for proceedings against the patient"
            out.append(_reason(_A.REDISCLOSURE, False, r.hipaa_redisclosure, message, held.id))
        else:
            message = (
                "a covered entity or business associate that received records for TPO may redisclose as HIPAA permits"
            )
            out.append(_reason(_A.REDISCLOSURE, True, r.hipaa_redisclosure, message, held.id))
    if (
        r.consent_redisclosure is not None
        and held.all_future_tpo
        and not hipaa
        and rq.discloser.is_a(PartyKind.PART2_PROGRAM)
    ):
        further = consent_reason(held, rq, r, as_redisclosure=True)
        message = "a Part 2 program that received records under a TPO consent may redisclose consistent with it"
        out.append(
            _reason(
                _A.REDISCLOSURE,
                further.allows,
                r.consent_redisclosure,
                message if further.allows else further.message,
                held.id,
            )
        )
    payment_or_operations = rq.received_for in (Purpose.PAYMENT, Purpose.HEALTH_CARE_OPERATIONS)
    if payment_or_operations and not (hipaa and r.hipaa_redisclosure is not None):
        ok = rq.recipient.is_a(PartyKind.CONTRACTOR) and rq.purpose is rq.received_for
        message = (
            "a lawful holder may pass records received for payment or operations to its contractor for that work"
            if ok
            else "a lawful holder may pass such records only to its contractors, for the purpose they were received for"
        )
        out.append(_reason(_A.REDISCLOSURE, ok, r.contractor_redisclosure, message, held.id))
    if not out:
        message = "the consent the records were received under permits no further disclosure of this kind"
        out.append(_reason(_A.REDISCLOSURE, False, section, message, held.id))
    return out


def _within(day: date, start: date, end: date | None) -> bool:
    return start <= day and (end is None or day <= end)


def _authority_reason(r: Part2Rules, rq: DisclosureRequest, a: Authority) -> DecisionReason | None:
    kind = _KIND[type(a)]
    section = r.authorities.get(kind)
    if section is None:
        return _reason(kind, False, r.general_restriction, "this version of the rule has no such authority")
    if a.recipient_id != rq.recipient.id:
        return None  # on file for someone else: it says nothing about this recipient
    excepted = isinstance(a, CourtOrder) and a.kind in r.counseling_notes_orders
    notes = rq.record_class is RecordClass.SUD_COUNSELING_NOTES and r.counseling_notes_consent is not None
    if notes and not excepted:
        message = "SUD counseling notes need the patient's consent; this authority is not one of the exceptions"
        return _reason(kind, False, r.counseling_notes_consent or section, message)
    if (
        isinstance(a, CourtOrder)
        and a.kind is CourtOrderKind.INVESTIGATION_OF_PROGRAM
        and rq.purpose is Purpose.PROCEEDING_AGAINST_PATIENT
        and r.program_order_limit is not None
    ):
        message = "what an order to investigate a program yields may not be used against a patient"
        return _reason(kind, False, r.program_order_limit, message)
    ok, why = _CHECKS[type(a)](r, rq, a)
    if isinstance(a, CourtOrder):
        section = r.court_order_sections.get(a.kind, section)
    return _reason(kind, ok, section, why)


def _emergency(r: Part2Rules, rq: DisclosureRequest, a: MedicalEmergency) -> tuple[bool, str]:
    if not rq.recipient.is_a(PartyKind.MEDICAL_PERSONNEL) or rq.purpose is not Purpose.TREATMENT:
        return False, "an emergency disclosure goes to medical personnel, for treatment"
    if a.on != rq.on:
        return False, "the emergency on file is for another day"
    if a.consent_obtainable and not a.declared_disaster:
        return False, "the patient's prior written consent could have been obtained"
    return True, "a bona fide medical emergency; document the disclosure immediately (§2.51(c))"


def _court(r: Part2Rules, rq: DisclosureRequest, a: CourtOrder) -> tuple[bool, str]:
    if not _within(rq.on, a.entered_on, a.expires_on):
        return False, "the order is not in effect on the day of the disclosure"
    if (
        a.kind is CourtOrderKind.CRIMINAL_INVESTIGATION_OF_PATIENT
        and rq.purpose is not Purpose.PROCEEDING_AGAINST_PATIENT
    ):
        return False, "an order to investigate or prosecute the patient authorizes only that use"
    missing = sorted(x.value for x in r.court_order_findings.get(a.kind, frozenset()) - a.findings)
    if missing:
        return False, f"the order lacks the findings subpart E requires: {', '.join(missing)}"
    return True, "an order under subpart E with the required findings authorizes (a subpoena compels, §2.61)"


def _research(r: Part2Rules, rq: DisclosureRequest, a: ResearchApproval) -> tuple[bool, str]:
    if not rq.recipient.is_a(PartyKind.RESEARCHER) or rq.purpose is not Purpose.RESEARCH:
        return False, "a research disclosure goes to a researcher, for research"
    if not _within(rq.on, a.approved_on, a.expires_on):
        return False, "the research approval is not in effect on the day of the disclosure"
    if a.basis is ResearchBasis.HIPAA_AUTHORIZATION_OR_WAIVER and not rq.recipient.is_hipaa_entity:
        return False, "a HIPAA authorization or waiver is a basis only for a covered entity or business associate"
    return True, "research with documented approval"


def _audit(r: Part2Rules, rq: DisclosureRequest, a: AuditAuthorization) -> tuple[bool, str]:
    if not rq.recipient.is_a(PartyKind.AUDITOR) or rq.purpose is not Purpose.AUDIT_OR_EVALUATION:
        return False, "an audit disclosure goes to the auditor, for the audit or evaluation"
    if not _within(rq.on, a.starts_on, a.ends_on):
        return False, "the audit is not under way on the day of the disclosure"
    return True, "an audit or evaluation the program agreed to"


def _qso(r: Part2Rules, rq: DisclosureRequest, a: QsoAgreement) -> tuple[bool, str]:
    if not rq.discloser.is_a(PartyKind.PART2_PROGRAM) or rq.is_redisclosure:
        return False, "a QSO agreement covers the program's own communications with the organization"
    if not rq.recipient.is_a(PartyKind.QUALIFIED_SERVICE_ORGANIZATION) or rq.purpose is not Purpose.SERVICES_TO_PROGRAM:
        return False, "a QSO agreement covers information the organization needs to provide its services to the program"
    if not _within(rq.on, a.signed_on, a.ends_on):
        return False, "the QSO agreement is not in effect on the day of the disclosure"
    return True, "information a qualified service organization needs to provide services to the program"


_KIND: dict[type, AuthorityKind] = {
    MedicalEmergency: _A.MEDICAL_EMERGENCY,
    CourtOrder: _A.COURT_ORDER,
    ResearchApproval: _A.RESEARCH,
    AuditAuthorization: _A.AUDIT_OR_EVALUATION,
    QsoAgreement: _A.QSO_AGREEMENT,
}
_CHECKS: dict[type, Callable[[Part2Rules, DisclosureRequest, Any], tuple[bool, str]]] = {
    MedicalEmergency: _emergency,
    CourtOrder: _court,
    ResearchApproval: _research,
    AuditAuthorization: _audit,
    QsoAgreement: _qso,
}


def _public_health(r: Part2Rules, rq: DisclosureRequest) -> DecisionReason:
    section = r.authorities[_A.PUBLIC_HEALTH]
    if not rq.discloser.is_a(PartyKind.PART2_PROGRAM) or rq.is_redisclosure:
        return _reason(_A.PUBLIC_HEALTH, False, section, "§2.54 lets a Part 2 program disclose its own records")
    if not rq.recipient.is_a(PartyKind.PUBLIC_HEALTH_AUTHORITY):
        return _reason(_A.PUBLIC_HEALTH, False, section, "without consent, only to a public health authority")
    if not rq.deidentified:
        return _reason(
            _A.PUBLIC_HEALTH, False, section, "without consent, only records de-identified per 45 CFR 164.514(b)"
        )
    return _reason(_A.PUBLIC_HEALTH, True, section, "de-identified records to a public health authority")


def _apply_state(
    s: StateRestriction, rq: DisclosureRequest, consents: tuple[Consent, ...], reasons: list[DecisionReason]
) -> list[DecisionReason]:
    out: list[DecisionReason] = []
    by_id = {c.id: c for c in consents}
    for x in reasons:
        objection = _objection(s, rq, by_id.get(x.consent_id or ""), x) if x.allows else None
        if objection is None:
            out.append(x)
            continue
        out.append(attrs.evolve(x, allows=False, message=f"{x.message} — but state law forbids it"))
        out.append(_reason(_A.STATE_LAW, False, s.source.citation[:200], f"{s.name}: {objection}", x.consent_id))
    return out


def _objection(s: StateRestriction, rq: DisclosureRequest, c: Consent | None, x: DecisionReason) -> str | None:
    if x.authority in s.denied_authorities:
        return f"this state does not honor {x.authority.value} as an authority"
    if rq.purpose in s.denied_purposes:
        return f"this state forbids disclosure for {rq.purpose.value}"
    if rq.recipient.kinds & s.denied_recipient_kinds:
        return "this state forbids disclosure to this kind of recipient"
    if c is None:
        return None
    if s.consent_requires_expiry_date and c.expires_on is None:
        return "this state wants consents to end on a date"
    if s.consent_max_days is not None and c.signed_on is not None and (rq.on - c.signed_on).days > s.consent_max_days:
        return f"this state lets a consent last at most {s.consent_max_days} days after signing"
    return None


def _notice(r: Part2Rules, chosen: DecisionReason) -> DisclosureNotice | None:
    with_consent = chosen.authority is _A.CONSENT or (
        chosen.authority is _A.REDISCLOSURE and chosen.section != r.hipaa_redisclosure
    )
    if not with_consent:
        return None
    return DisclosureNotice(
        section=r.notice_section, statement=r.notice_statement, consent_copy_section=r.consent_copy_section
    )


def _entry(
    r: Part2Rules, rq: DisclosureRequest, chosen: DecisionReason, consents: tuple[Consent, ...]
) -> AccountingEntry | None:
    if r.accounting_section is None or chosen.authority is not _A.CONSENT or chosen.consent_id is None:
        return None
    if rq.purpose in TPO_PURPOSES and not rq.through_ehr:
        return None  # §2.25(b)(1): TPO disclosures are accounted for only when made through an EHR
    consent = next(c for c in consents if c.id == chosen.consent_id)
    return AccountingEntry(
        section=r.accounting_section,
        in_force=r.accounting_in_force,
        disclosed_on=rq.on,
        patient_id=rq.patient_id,
        recipient_id=rq.recipient.id,
        information=consent.information,
        purpose=rq.purpose,
        consent_id=consent.id,
    )
