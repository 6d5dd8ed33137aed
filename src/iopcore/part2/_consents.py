"""Whether a consent is complete under a rule version, and whether it covers a given disclosure."""

from __future__ import annotations

from datetime import date
from typing import final

import attrs

from iopcore import _fields as f
from iopcore.part2._authorities import AuthorityKind, DisclosureRequest
from iopcore.part2._model import (
    TPO_PURPOSES,
    Consent,
    ConsentSigner,
    ConsentStatement,
    ExpiryEvent,
    Party,
    PartyClass,
    Purpose,
    RecordClass,
    _in_class,
)
from iopcore.part2._rules import ConsentElement, Part2Rules

__all__ = ["ConsentProblem", "DecisionReason", "validate_consent"]

_E = ConsentElement
_S = ConsentStatement


@final
@attrs.frozen(kw_only=True)
class ConsentProblem:
    """One thing a consent lacks or gets wrong under a rule version, with the paragraph that requires it."""

    element: ConsentElement = attrs.field(validator=f.enum_member(ConsentElement))
    section: str = attrs.field(validator=f.text(max_length=64))
    message: str = attrs.field(validator=f.text(max_length=500))


@final
@attrs.frozen(kw_only=True)
class DecisionReason:
    """One reason in a disclosure decision: an authority that permits the disclosure, or why one does not.

    ``consent_id`` names the consent the reason is about (a document key, never the patient's).
    """

    authority: AuthorityKind = attrs.field(validator=f.enum_member(AuthorityKind))
    allows: bool = attrs.field(validator=f.boolean())
    section: str = attrs.field(validator=f.text(max_length=200))
    message: str = attrs.field(validator=f.text(max_length=500))
    consent_id: str | None = attrs.field(default=None, validator=f.optional(f.text(max_length=128)))


@f.guard
def validate_consent(consent: Consent, rules: Part2Rules) -> tuple[ConsentProblem, ...]:
    """Every required element *consent* lacks under *rules*, each with its section (empty: complete).

    A consent with any problem "on its face substantially fails to conform" and authorizes nothing
    (§2.31(c)). Whether it covers a particular disclosure is :func:`~iopcore.part2.decide`'s question.
    """
    return _problems(consent, rules)


def _problems(c: Consent, r: Part2Rules) -> tuple[ConsentProblem, ...]:
    out: list[ConsentProblem] = []

    def need(element: ConsentElement, ok: bool, message: str, section: str | None = None) -> None:
        where = section or r.consent_elements.get(element)
        if where is not None and not ok:
            out.append(ConsentProblem(element=element, section=where, message=message))

    tpo_ok = c.all_future_tpo and r.single_tpo_consent is not None
    need(_E.PATIENT_NAME, c.patient_id is not None, "the consent does not name the patient")
    need(_E.DISCLOSER, bool(c.disclosers or c.discloser_classes), "the consent does not say who may use or disclose")
    need(_E.INFORMATION, bool(c.information.strip()), "the consent does not describe the information")
    need(_E.RECIPIENT, bool(c.recipients or c.recipient_classes or c.intermediaries), "the consent names no recipient")
    if r.single_tpo_consent is None and c.recipient_classes and not c.intermediaries:
        need(
            _E.RECIPIENT,
            False,
            "this version wants recipients by name (a class may designate an intermediary's participants)",
        )
    if c.intermediaries:
        need(
            _E.INTERMEDIARY_PARTICIPANTS,
            bool(c.recipients or c.recipient_classes),
            "the consent names an intermediary but not its participants",
        )
        need(
            _E.INTERMEDIARY_PARTICIPANTS,
            c.recipient_classes <= {PartyClass.TREATING_PROVIDERS},
            "a general designation of an intermediary's participants must be limited to treating providers",
        )
    need(_E.PURPOSE, bool(c.purposes) or tpo_ok, "the consent states no purpose")
    if c.all_future_tpo and r.single_tpo_consent is None:
        need(_E.PURPOSE, False, "this version has no single consent for all future treatment, payment and operations")
    need(_E.REVOCATION_STATEMENT, _S.RIGHT_TO_REVOKE in c.statements, "the consent lacks the right-to-revoke statement")
    dated = c.expires_on is not None
    open_ok = tpo_ok or (bool(c.purposes) and c.purposes <= r.open_expiry_purposes)
    evented = c.expiry_event is not None and (c.expiry_event is not ExpiryEvent.NONE or open_ok)
    need(_E.EXPIRY, dated or evented, "the consent has no expiry date, event or condition it may have")
    need(_E.SIGNATURE, bool(c.signatures), "the consent is not signed")
    need(
        _E.SIGNATURE,
        all(s.signer is ConsentSigner.PATIENT or s.basis is not None for s in c.signatures),
        "an authorized person signed without the basis (a minor, §2.14; lack of capacity or death, §2.15)",
    )
    need(_E.DATE_SIGNED, c.signed_on is not None, "the consent does not give the date it was signed")
    if c.all_future_tpo or not c.purposes.isdisjoint(TPO_PURPOSES):
        need(
            _E.TPO_STATEMENTS,
            {_S.REDISCLOSURE_POTENTIAL, _S.REFUSAL_CONSEQUENCES} <= c.statements,
            "a consent for treatment, payment or operations lacks the redisclosure-potential or "
            "refusal-consequences statement",
        )
    if c.all_future_tpo:
        need(
            _E.HIPAA_REDISCLOSURE_STATEMENT,
            _S.HIPAA_REDISCLOSURE in c.statements,
            "a consent for all future TPO uses lacks the HIPAA redisclosure statement",
        )
    if r.proceedings_consent is not None and Purpose.PROCEEDING_AGAINST_PATIENT in c.purposes:
        need(
            _E.PURPOSE,
            c.purposes == {Purpose.PROCEEDING_AGAINST_PATIENT} and not c.all_future_tpo,
            "a consent for use in proceedings against the patient may not be combined with another purpose",
            r.proceedings_consent,
        )
    if r.counseling_notes_consent is not None and c.counseling_notes:
        need(
            _E.PURPOSE,
            not c.all_future_tpo,
            "a consent for SUD counseling notes may be combined only with another consent for counseling notes",
            r.counseling_notes_combination or r.counseling_notes_consent,
        )
    return tuple(out)


# ----------------------------------------------------------------------------- coverage


def in_effect(c: Consent, r: Part2Rules, day: date) -> DecisionReason | None:
    """Why *c* is not in effect on *day* (not yet signed, expired, revoked), or ``None`` when it is."""
    (ended, section) = _ended(c, r, day)
    if ended is None:
        return None
    return DecisionReason(
        authority=AuthorityKind.CONSENT, allows=False, section=section, message=ended, consent_id=c.id
    )


def _ended(c: Consent, r: Part2Rules, day: date) -> tuple[str | None, str]:
    if c.signed_on is not None and day < c.signed_on:
        return "the consent was signed after the day of the disclosure", r.consent_elements[_E.DATE_SIGNED]
    if c.expires_on is not None and day > c.expires_on:
        return "the consent had expired by the day of the disclosure", f"{r.deficient_consent}(1)"
    if c.expiry_event_occurred_on is not None and day >= c.expiry_event_occurred_on:
        return "the consent's expiry event had occurred by the day of the disclosure", f"{r.deficient_consent}(1)"
    if c.revocation is not None and day >= c.revocation.revoked_on:
        return "the consent had been revoked by the day of the disclosure", f"{r.deficient_consent}(3)"
    return None, ""


def names(keys: frozenset[str], classes: frozenset[PartyClass], party: Party) -> bool:
    """Whether a consent's named keys or classes include *party*."""
    return party.id in keys or any(_in_class(party, c) for c in classes)


def consent_reason(
    c: Consent, rq: DisclosureRequest, r: Part2Rules, *, as_redisclosure: bool = False
) -> DecisionReason:
    """Whether *c* permits *rq* directly (the discloser named in it), as one reason."""

    def no(message: str, section: str) -> DecisionReason:
        return DecisionReason(
            authority=AuthorityKind.CONSENT, allows=False, section=section, message=message, consent_id=c.id
        )

    problems = _problems(c, r)
    if problems:
        listed = ", ".join(f"{p.element.value} ({p.section})" for p in problems)
        return no(f"the consent fails to conform on its face: {listed}", f"{r.deficient_consent}(2)")
    ended = in_effect(c, r, rq.on)
    if ended is not None:
        return ended
    if c.patient_id != rq.patient_id:
        return no("the consent is about another patient", r.consent_elements[_E.PATIENT_NAME])
    notes = rq.record_class is RecordClass.SUD_COUNSELING_NOTES
    if r.counseling_notes_consent is not None and notes != c.counseling_notes:
        if notes:
            return no("SUD counseling notes need a consent given for them", r.counseling_notes_consent)
        return no(
            "a consent for SUD counseling notes covers nothing else",
            r.counseling_notes_combination or r.counseling_notes_consent,
        )
    if rq.purpose is Purpose.PROCEEDING_AGAINST_PATIENT and r.proceedings_consent is None:
        return no(
            "in this version a consent cannot authorize use in proceedings against the patient",
            r.proceedings_restriction,
        )
    if not as_redisclosure and not names(c.disclosers, c.discloser_classes, rq.discloser):
        return no("the consent does not name the discloser or a class it belongs to", r.consent_elements[_E.DISCLOSER])
    if not names(c.recipients | c.intermediaries, c.recipient_classes, rq.recipient):
        return no("the consent does not name the recipient or a class it belongs to", r.consent_elements[_E.RECIPIENT])
    tpo = c.all_future_tpo and rq.purpose in TPO_PURPOSES
    if not (rq.purpose in c.purposes or tpo):
        return no("the consent does not cover this purpose", r.consent_elements[_E.PURPOSE])
    hipaa_section = r.consent_elements.get(_E.HIPAA_REDISCLOSURE_STATEMENT)
    if (
        hipaa_section is not None
        and rq.recipient.is_hipaa_entity
        and rq.purpose in TPO_PURPOSES
        and _S.HIPAA_REDISCLOSURE not in c.statements
    ):
        return no(
            "for a covered entity or business associate receiving for TPO the consent needs the HIPAA redisclosure statement",
            hipaa_section,
        )
    section = (r.single_tpo_consent if tpo else None) or r.authorities[AuthorityKind.CONSENT]
    return DecisionReason(
        authority=AuthorityKind.CONSENT, allows=True, section=section, message=_allowed_text(c, r, tpo), consent_id=c.id
    )


def _allowed_text(c: Consent, r: Part2Rules, tpo: bool) -> str:
    text = "the consent covers the discloser, the recipient, the purpose and the record"
    if tpo:
        text = "the single consent for all future treatment, payment and operations covers this use until revoked in writing"
    if c.revocation is not None and not c.revocation.in_writing and r.written_revocation:
        text += "; a later revocation on file was not given in writing, as this version asks"
    return text
