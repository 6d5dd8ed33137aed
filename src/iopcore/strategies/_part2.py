"""Strategies for 42 CFR Part 2 values: parties, consents, authorities, requests, rules and decisions.

Keys come from small pools (two patients, a handful of parties) and days from a three-year window,
so that drawn consents, authorities and requests often meet: decisions then exercise every path.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from iopcore.part2 import (
    PART2_2024_RULES,
    PART2_PRE_2024_RULES,
    AccountingEntry,
    AuditAuthorization,
    AuthorityKind,
    Consent,
    ConsentElement,
    ConsentProblem,
    ConsentSignature,
    ConsentSigner,
    ConsentStatement,
    CourtOrder,
    CourtOrderFinding,
    CourtOrderKind,
    DecisionReason,
    DisclosureDecision,
    DisclosureNotice,
    DisclosureRequest,
    ExpiryEvent,
    MedicalEmergency,
    Part2Rules,
    Party,
    PartyClass,
    PartyKind,
    Purpose,
    QsoAgreement,
    RecordClass,
    RepresentativeBasis,
    ResearchApproval,
    ResearchBasis,
    Revocation,
    SecurityLabel,
    StateRestriction,
    decide,
)
from iopcore.strategies._core import identifiers, sources, texts

__all__ = [
    "accounting_entries",
    "audit_authorizations",
    "consent_problems",
    "consent_signatures",
    "consents",
    "court_orders",
    "decision_reasons",
    "disclosure_decisions",
    "disclosure_notices",
    "disclosure_requests",
    "medical_emergencies",
    "part2_authorities",
    "part2_rules",
    "parties",
    "qso_agreements",
    "research_approvals",
    "revocations",
    "security_labels",
    "state_restrictions",
]

_START = date(2024, 1, 1)
_DAYS = 3 * 366
PARTY_KEYS = ("clinic", "hospital", "plan", "lab", "hie", "court", "police", "uni", "health_dept", "auditor")
PATIENT_KEYS = ("patient-a", "patient-b")


def _days() -> st.SearchStrategy[date]:
    return st.integers(0, _DAYS).map(lambda n: _START + timedelta(days=n))


def _opt(s: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), s)


def _set(values: Any, *, min_size: int = 0, max_size: int = 4) -> st.SearchStrategy[frozenset[Any]]:
    return st.frozensets(st.sampled_from(values), min_size=min_size, max_size=max_size)


def _keys() -> st.SearchStrategy[str]:
    return st.sampled_from(PARTY_KEYS)


def _doc_ids() -> st.SearchStrategy[str]:
    return st.integers(0, 99).map(lambda n: f"doc-{n}")


def _words() -> st.SearchStrategy[str]:
    return st.sampled_from(["diagnosis", "medications and attendance", "drug test results", "the whole record"])


def _section() -> st.SearchStrategy[str]:
    return st.builds(lambda n, p: f"§2.{n}{p}", st.integers(1, 67), st.sampled_from(["", "(a)", "(b)(1)"]))


@functools.lru_cache(maxsize=None, typed=True)
def parties() -> st.SearchStrategy[Party]:
    """Parties with a key from a small pool and one to three kinds."""
    return st.builds(Party, id=_keys(), kinds=_set(list(PartyKind), min_size=1, max_size=3))


@functools.lru_cache(maxsize=None, typed=True)
def consent_signatures() -> st.SearchStrategy[ConsentSignature]:
    """The patient's signature, or an authorized person's with or without a basis."""
    patient = st.builds(
        ConsentSignature,
        signer=st.just(ConsentSigner.PATIENT),
        name=_opt(st.sampled_from(["A. Person", "B. Guardian"])),
    )
    other = st.builds(
        ConsentSignature,
        signer=st.just(ConsentSigner.AUTHORIZED_PERSON),
        basis=_opt(st.sampled_from(RepresentativeBasis)),
        name=_opt(st.sampled_from(["A. Person", "B. Guardian"])),
    )
    return st.one_of(patient, other)


@functools.lru_cache(maxsize=None, typed=True)
def revocations() -> st.SearchStrategy[Revocation]:
    """Revocations on a day of the window, in writing or not."""
    return st.builds(Revocation, revoked_on=_days(), in_writing=st.booleans())


@functools.lru_cache(maxsize=None, typed=True)
def consents() -> st.SearchStrategy[Consent]:
    """Consents complete and incomplete, for either patient, named or by class, revoked or not."""
    offsets = st.integers(0, 400)
    maybe_offset = _opt(offsets)
    fields = {
        "signed": _opt(_days()),
        "event": _opt(st.sampled_from(ExpiryEvent)),
        "patient_id": _opt(st.sampled_from(PATIENT_KEYS)),
        "disclosers": st.frozensets(_keys(), max_size=2),
        "discloser_classes": _set(list(PartyClass), max_size=2),
        "information": st.one_of(st.just(""), _words()),
        "counseling_notes": st.booleans(),
        "recipients": st.frozensets(_keys(), max_size=3),
        "recipient_classes": _set(list(PartyClass), max_size=2),
        "intermediaries": st.frozensets(_keys(), max_size=1),
        "purposes": _set(list(Purpose), max_size=3),
        "all_future_tpo": st.booleans(),
        "statements": _set(list(ConsentStatement)),
        "signatures": st.lists(consent_signatures(), max_size=2).map(tuple),
        "in_writing": st.booleans(),
        "id": _doc_ids(),
    }

    @st.composite
    def build(draw: st.DrawFn) -> Consent:
        v = {k: draw(s) for k, s in fields.items()}
        signed = v.pop("signed")
        base = signed or _START
        event = v.pop("event")
        occurred, expires, revoked = (draw(maybe_offset) for _ in range(3))
        in_writing = v.pop("in_writing")
        return Consent(
            **v,
            signed_on=signed,
            expiry_event=event,
            expiry_event_occurred_on=(
                base + timedelta(days=occurred)
                if occurred is not None and event not in (None, ExpiryEvent.NONE)
                else None
            ),
            expires_on=None if expires is None else base + timedelta(days=expires),
            revocation=None
            if revoked is None
            else Revocation(revoked_on=base + timedelta(days=revoked), in_writing=in_writing),
        )

    return build()


def _dated(cls: type, start: str, end: str, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    days, length, keys = _days(), _opt(st.integers(0, 400)), _keys()

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        first, span = draw(days), draw(length)
        values = {k: draw(v) for k, v in fields.items()}
        last = None if span is None else first + timedelta(days=span)
        return cls(recipient_id=draw(keys), **{start: first, end: last}, **values)

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def medical_emergencies() -> st.SearchStrategy[MedicalEmergency]:
    """Emergencies on a day of the window, consent obtainable or not, in a declared disaster or not."""
    return st.builds(
        MedicalEmergency,
        recipient_id=_keys(),
        on=_days(),
        consent_obtainable=st.booleans(),
        declared_disaster=st.booleans(),
    )


@functools.lru_cache(maxsize=None, typed=True)
def court_orders() -> st.SearchStrategy[CourtOrder]:
    """Orders of every kind with any findings."""
    return _dated(
        CourtOrder,
        "entered_on",
        "expires_on",
        kind=st.sampled_from(CourtOrderKind),
        findings=_set(list(CourtOrderFinding), max_size=5),
    )


@functools.lru_cache(maxsize=None, typed=True)
def research_approvals() -> st.SearchStrategy[ResearchApproval]:
    """Approvals of every basis."""
    return _dated(ResearchApproval, "approved_on", "expires_on", basis=st.sampled_from(ResearchBasis))


@functools.lru_cache(maxsize=None, typed=True)
def audit_authorizations() -> st.SearchStrategy[AuditAuthorization]:
    """Audits open-ended or with an end."""
    return _dated(AuditAuthorization, "starts_on", "ends_on")


@functools.lru_cache(maxsize=None, typed=True)
def qso_agreements() -> st.SearchStrategy[QsoAgreement]:
    """QSO agreements open-ended or with an end."""
    return _dated(QsoAgreement, "signed_on", "ends_on")


@functools.lru_cache(maxsize=None, typed=True)
def part2_authorities() -> st.SearchStrategy[Any]:
    """Any authority other than consent."""
    return st.one_of(
        medical_emergencies(), court_orders(), research_approvals(), audit_authorizations(), qso_agreements()
    )


@functools.lru_cache(maxsize=None, typed=True)
def disclosure_requests() -> st.SearchStrategy[DisclosureRequest]:
    """Requests for either patient, any record class, parties from the pool, first disclosures and redisclosures."""

    purposes, ids, days = st.sampled_from(Purpose), _doc_ids(), _days()
    patients, classes = st.sampled_from(PATIENT_KEYS), st.sampled_from(RecordClass)

    @st.composite
    def build(draw: st.DrawFn) -> DisclosureRequest:
        again = draw(st.booleans())
        return DisclosureRequest(
            patient_id=draw(patients),
            record_class=draw(classes),
            discloser=draw(parties()),
            recipient=draw(parties()),
            purpose=draw(purposes),
            on=draw(days),
            deidentified=draw(st.booleans()),
            received_under=draw(ids) if again else None,
            received_for=draw(purposes) if again else None,
            through_ehr=draw(st.booleans()),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def state_restrictions() -> st.SearchStrategy[StateRestriction]:
    """Stricter state rules of every shape (illustrative: no real state's rule)."""
    return st.builds(
        StateRestriction,
        name=texts(max_size=30),
        source=sources(),
        denied_authorities=_set([k for k in AuthorityKind if k is not AuthorityKind.STATE_LAW], max_size=3),
        denied_purposes=_set(list(Purpose), max_size=2),
        denied_recipient_kinds=_set(list(PartyKind), max_size=2),
        consent_max_days=_opt(st.integers(1, 1000)),
        consent_requires_expiry_date=st.booleans(),
    )


@functools.lru_cache(maxsize=None, typed=True)
def part2_rules() -> st.SearchStrategy[Part2Rules]:
    """The built-in versions, sometimes with a state's stricter rule composed in."""
    built_in = st.sampled_from([PART2_PRE_2024_RULES, PART2_2024_RULES])
    return st.one_of(built_in, st.builds(lambda r, s: r.with_state(s), built_in, state_restrictions()))


@functools.lru_cache(maxsize=None, typed=True)
def consent_problems() -> st.SearchStrategy[ConsentProblem]:
    """Problems with any element."""
    return st.builds(ConsentProblem, element=st.sampled_from(ConsentElement), section=_section(), message=texts())


@functools.lru_cache(maxsize=None, typed=True)
def decision_reasons() -> st.SearchStrategy[DecisionReason]:
    """Reasons for and against, about a consent or not."""
    return st.builds(
        DecisionReason,
        authority=st.sampled_from(AuthorityKind),
        allows=st.booleans(),
        section=_section(),
        message=texts(),
        consent_id=_opt(identifiers(max_size=10)),
    )


@functools.lru_cache(maxsize=None, typed=True)
def disclosure_notices() -> st.SearchStrategy[DisclosureNotice]:
    """Notices with and without the copy-of-consent requirement."""
    return st.builds(DisclosureNotice, section=_section(), statement=texts(), consent_copy_section=_opt(_section()))


@functools.lru_cache(maxsize=None, typed=True)
def accounting_entries() -> st.SearchStrategy[AccountingEntry]:
    """Entries in force or tolled."""
    return st.builds(
        AccountingEntry,
        section=_section(),
        in_force=st.booleans(),
        disclosed_on=_days(),
        patient_id=st.sampled_from(PATIENT_KEYS),
        recipient_id=_keys(),
        information=texts(max_size=30),
        purpose=st.sampled_from(Purpose),
        consent_id=identifiers(max_size=10),
    )


@functools.lru_cache(maxsize=None, typed=True)
def disclosure_decisions() -> st.SearchStrategy[DisclosureDecision]:
    """Decisions as :func:`~iopcore.part2.decide` makes them, allowed and denied."""

    def run(
        rules: Part2Rules, request: DisclosureRequest, on_file: list[Consent], other: list[Any]
    ) -> DisclosureDecision:
        unique = list({c.id: c for c in on_file}.values())
        return decide(rules, request, consents=unique, authorities=other)

    return st.builds(
        run,
        part2_rules(),
        disclosure_requests(),
        st.lists(consents(), max_size=3),
        st.lists(part2_authorities(), max_size=2),
    )


@functools.lru_cache(maxsize=None, typed=True)
def security_labels() -> st.SearchStrategy[SecurityLabel]:
    """Codings with any system, code and display."""
    return st.builds(
        SecurityLabel, system=texts(max_size=40), code=identifiers(max_size=12), display=texts(max_size=30)
    )
