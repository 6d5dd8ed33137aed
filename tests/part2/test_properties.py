"""Properties of the disclosure decision: monotone in consents, revocations and state rules; denied by default."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from iopcore import strategies as ist
from iopcore.part2 import (
    AuditAuthorization,
    AuthorityKind,
    Consent,
    ConsentSignature,
    ConsentSigner,
    ConsentStatement,
    CourtOrder,
    CourtOrderFinding,
    CourtOrderKind,
    DisclosureRequest,
    MedicalEmergency,
    Part2Rules,
    PartyClass,
    Purpose,
    QsoAgreement,
    RecordClass,
    ResearchApproval,
    ResearchBasis,
    Revocation,
    decide,
    validate_consent,
)

_SHIFT = st.integers(-3, 3).map(lambda n: timedelta(days=n))


@st.composite
def _matching_consent(draw: st.DrawFn, request: DisclosureRequest) -> Consent:
    """A complete consent built for *request*, then perhaps spoiled: revoked, expired, one element dropped."""
    tpo = draw(st.integers(0, 2)) == 2
    values: dict[str, Any] = {
        "id": draw(st.sampled_from(["m1", "m2", "m3"])),
        "patient_id": request.patient_id,
        "disclosers": {request.discloser.id},
        "information": "the record",
        "counseling_notes": request.record_class is RecordClass.SUD_COUNSELING_NOTES and draw(st.booleans()),
        "recipients": {request.recipient.id},
        "recipient_classes": draw(st.frozensets(st.sampled_from(PartyClass), max_size=2)) if tpo else frozenset(),
        "purposes": frozenset() if tpo else {request.purpose},
        "all_future_tpo": tpo,
        "statements": set(ConsentStatement),
        "expires_on": request.on + draw(_SHIFT) + timedelta(days=2),
        "signatures": (ConsentSignature(signer=ConsentSigner.PATIENT),),
        "signed_on": request.on - timedelta(days=30),
    }
    if draw(st.integers(0, 2)) == 2:
        values["revocation"] = Revocation(revoked_on=request.on + draw(_SHIFT))
    if draw(st.integers(0, 2)) == 2:
        dropped = draw(st.sampled_from(["information", "statements", "signatures", "disclosers", "purposes"]))
        values[dropped] = "" if dropped == "information" else type(values[dropped])()
    return Consent(**values)


@st.composite
def _matching_authority(draw: st.DrawFn, request: DisclosureRequest) -> Any:
    """An authority on file for the request's recipient, around its day."""
    day = request.on + draw(_SHIFT)
    key = request.recipient.id
    return draw(
        st.one_of(
            st.builds(MedicalEmergency, recipient_id=st.just(key), on=st.just(day), consent_obtainable=st.booleans()),
            st.builds(
                CourtOrder,
                recipient_id=st.just(key),
                kind=st.sampled_from(CourtOrderKind),
                entered_on=st.just(day),
                findings=st.frozensets(st.sampled_from(CourtOrderFinding)),
            ),
            st.builds(
                ResearchApproval,
                recipient_id=st.just(key),
                basis=st.sampled_from(ResearchBasis),
                approved_on=st.just(day),
            ),
            st.builds(AuditAuthorization, recipient_id=st.just(key), starts_on=st.just(day)),
            st.builds(QsoAgreement, recipient_id=st.just(key), signed_on=st.just(day)),
        )
    )


@st.composite
def _cases(draw: st.DrawFn) -> tuple[Part2Rules, DisclosureRequest, list[Consent], list[Any]]:
    rules, request = draw(ist.part2_rules()), draw(ist.disclosure_requests())
    if draw(st.integers(0, 3)):  # mostly a first disclosure of a Part 2 record, so that consents can matter
        record = draw(st.sampled_from([RecordClass.SUD_TREATMENT_RECORD, RecordClass.SUD_COUNSELING_NOTES]))
        request = attrs.evolve(request, record_class=record, received_under=None, received_for=None)
    consents = draw(
        st.lists(st.one_of(ist.consents(), _matching_consent(request)), max_size=3, unique_by=lambda c: c.id)
    )
    authorities = draw(st.lists(st.one_of(ist.part2_authorities(), _matching_authority(request)), max_size=2))
    return rules, request, consents, authorities


_CASES = _cases()


@given(ist.part2_rules(), ist.disclosure_requests())
def test_nothing_on_file_means_denied(rules: Part2Rules, request: DisclosureRequest) -> None:
    """A Part 2 record with no consent and no authority on file is denied (bar de-identified public health, §2.54)."""
    decision = decide(rules, request)
    exempt = request.record_class is RecordClass.NOT_PART2 or request.purpose is Purpose.PUBLIC_HEALTH
    assert decision.allowed is False or exempt
    if decision.allowed and request.record_class is not RecordClass.NOT_PART2:
        assert decision.basis is AuthorityKind.PUBLIC_HEALTH and request.deidentified


@given(_CASES, ist.consents())
def test_adding_a_consent_never_takes_an_allowance_away(case: Any, extra: Consent) -> None:
    """Whatever the consent, putting it on file can only add allowances."""
    rules, request, consents, authorities = case
    if any(c.id == extra.id for c in consents):
        extra = attrs.evolve(extra, id=extra.id + "-new")
    before = decide(rules, request, consents=consents, authorities=authorities)
    after = decide(rules, request, consents=[*consents, extra], authorities=authorities)
    assert after.allowed or not before.allowed


@given(_CASES, st.data())
def test_revoking_consents_never_turns_a_denial_into_an_allowance(case: Any, data: st.DataObject) -> None:
    """Revoking any consents (on any day from their signing) never allows what was denied."""
    rules, request, consents, authorities = case
    revoked = []
    for c in consents:
        if c.revocation is None and data.draw(st.booleans()):
            first = c.signed_on or request.on
            day = data.draw(st.sampled_from(sorted({first, max(first, request.on)})))
            c = attrs.evolve(c, revocation=Revocation(revoked_on=day))
        revoked.append(c)
    before = decide(rules, request, consents=consents, authorities=authorities)
    after = decide(rules, request, consents=revoked, authorities=authorities)
    assert before.allowed or not after.allowed


@given(_CASES, ist.state_restrictions())
def test_a_stricter_state_rule_only_removes_allowances(case: Any, state: Any) -> None:
    """Composing a state's rule never allows what the federal rule alone denies."""
    rules, request, consents, authorities = case
    strict = decide(rules.with_state(state), request, consents=consents, authorities=authorities)
    plain = decide(rules, request, consents=consents, authorities=authorities)
    assert plain.allowed or not strict.allowed


@given(_CASES)
def test_a_decision_is_the_same_whatever_the_order_of_its_inputs(case: Any) -> None:
    """Consents and authorities in reverse order give an equal decision."""
    rules, request, consents, authorities = case
    assert decide(rules, request, consents=consents, authorities=authorities) == decide(
        rules, request, consents=consents[::-1], authorities=authorities[::-1]
    )


@given(_CASES)
def test_an_allowance_names_its_basis_and_a_consent_allowance_carries_the_notice(case: Any) -> None:
    """Allowed exactly when a reason allows; a consent basis comes with the §2.32 notice and a complete consent."""
    rules, request, consents, authorities = case
    d = decide(rules, request, consents=consents, authorities=authorities)
    assert d.allowed == any(r.allows for r in d.reasons)
    assert all(r.section for r in d.reasons)
    if d.basis is AuthorityKind.CONSENT:
        assert d.notice is not None and d.notice.section == rules.notice_section
        consent = next(c for c in consents if c.id == d.consent_id)
        assert validate_consent(consent, rules) == ()
        assert consent.revocation is None or consent.revocation.revoked_on > request.on
