"""Rule sets, state restrictions, labels and the values' own checks."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from iopcore.errors import InvalidDataError
from iopcore.part2 import (
    PART2_2024_RULES,
    PART2_POLICY_LABEL,
    PART2_PRE_2024_RULES,
    PART2_RULES,
    RESTRICTED_LABEL,
    AuthorityKind,
    ConsentElement,
    ConsentSignature,
    ConsentSigner,
    CourtOrder,
    CourtOrderKind,
    DisclosureDecision,
    DisclosureRequest,
    ExpiryEvent,
    MedicalEmergency,
    Purpose,
    QsoAgreement,
    RecordClass,
    RepresentativeBasis,
    ResearchApproval,
    ResearchBasis,
    Revocation,
    StateRestriction,
    decide,
    part2_labels,
)
from iopcore.sources import Evidence, Source
from tests.builders import ER, LAB, PART2_DAY, UNIVERSITY, part2_consent, part2_request

ILLUSTRATIVE = Source(citation="an illustrative state rule", evidence=Evidence.ILLUSTRATIVE)


def test_the_versions_are_keyed_by_version_and_cite_their_federal_register_text() -> None:
    """PART2_RULES holds both versions; each cites its Federal Register pages."""
    assert dict(PART2_RULES) == {"2020": PART2_PRE_2024_RULES, "2024": PART2_2024_RULES}
    assert "89 FR 12472" in PART2_2024_RULES.source.citation
    assert "82 FR 6115" in PART2_PRE_2024_RULES.source.citation


def test_what_the_2024_rule_added_is_absent_before() -> None:
    """The single TPO consent, HIPAA redisclosure, counseling notes, proceedings consent, §2.54 and §2.25 are 2024's."""
    for field in (
        "single_tpo_consent",
        "hipaa_redisclosure",
        "counseling_notes_consent",
        "proceedings_consent",
        "accounting_section",
    ):
        assert getattr(PART2_PRE_2024_RULES, field) is None
        assert getattr(PART2_2024_RULES, field) is not None
    assert AuthorityKind.PUBLIC_HEALTH not in PART2_PRE_2024_RULES.authorities
    assert PART2_2024_RULES.authorities[AuthorityKind.PUBLIC_HEALTH] == "§2.54"
    assert PART2_PRE_2024_RULES.section(ConsentElement.HIPAA_REDISCLOSURE_STATEMENT) is None
    assert PART2_2024_RULES.court_order_section(CourtOrderKind.NONCRIMINAL) == "§2.64(d)"
    assert (PART2_PRE_2024_RULES.counseling_notes_orders, PART2_PRE_2024_RULES.open_expiry_purposes) == (
        frozenset(),
        frozenset(),
    )


def test_the_2024_sections_are_those_of_the_ecfr_text() -> None:
    """Every 2024 paragraph as the eCFR prints it (read for this test's author; see docs/reference/part2-rules.md)."""
    r = PART2_2024_RULES
    assert r.source.evidence is Evidence.VERIFIED
    assert PART2_PRE_2024_RULES.source.evidence is Evidence.SECONDARY  # pre-2024 §2.31(a)(5)-(9) not re-read
    assert {e.value: s for e, s in r.consent_elements.items()} == {
        "patient_name": "§2.31(a)(1)",
        "discloser": "§2.31(a)(2)",
        "information": "§2.31(a)(3)",
        "recipient": "§2.31(a)(4)(i)",
        "intermediary_participants": "§2.31(a)(4)(ii)",
        "hipaa_redisclosure_statement": "§2.31(a)(4)(iii)",
        "purpose": "§2.31(a)(5)",
        "revocation_statement": "§2.31(a)(6)",
        "expiry": "§2.31(a)(7)",
        "signature": "§2.31(a)(8)",
        "date_signed": "§2.31(a)(9)",
        "tpo_statements": "§2.31(a)(10)",
    }
    assert (r.counseling_notes_consent, r.counseling_notes_combination, r.proceedings_consent) == (
        "§2.31(b)(1)",
        "§2.31(b)(2)",
        "§2.31(d)",
    )
    assert (r.single_tpo_consent, r.hipaa_redisclosure, r.consent_redisclosure, r.contractor_redisclosure) == (
        "§2.33(a)(2)",
        "§2.33(b)(1)",
        "§2.33(b)(2)",
        "§2.33(b)(3)",
    )
    assert dict(r.court_order_sections) == {
        CourtOrderKind.NONCRIMINAL: "§2.64(d)",
        CourtOrderKind.CRIMINAL_INVESTIGATION_OF_PATIENT: "§2.65(d)",
        CourtOrderKind.INVESTIGATION_OF_PROGRAM: "§2.66(c)",
    }
    assert (
        r.court_order_findings[CourtOrderKind.INVESTIGATION_OF_PROGRAM]
        == r.court_order_findings[CourtOrderKind.NONCRIMINAL]
    )
    assert len(r.court_order_findings[CourtOrderKind.CRIMINAL_INVESTIGATION_OF_PATIENT]) == 5  # §2.65(d)(1)-(5)
    assert (r.program_order_limit, r.notice_section, r.consent_copy_section) == ("§2.66(d)(2)", "§2.32(a)", "§2.32(b)")
    assert r.notice_statement == "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
    assert PART2_PRE_2024_RULES.notice_statement == "42 CFR part 2 prohibits unauthorized disclosure of these records."
    assert r.counseling_notes_orders == {CourtOrderKind.NONCRIMINAL}
    pre = PART2_PRE_2024_RULES  # the 2020 text numbers recipients as 2024 does (2017's (a)(4)(iii)(B) is gone)
    assert pre.section(ConsentElement.RECIPIENT) == "§2.31(a)(4)(i)"
    assert pre.section(ConsentElement.INTERMEDIARY_PARTICIPANTS) == "§2.31(a)(4)(ii)"
    assert len(r.emergency_documentation) == 4  # §2.51(c)(1)-(4)


def test_with_state_adds_a_restriction_and_keeps_the_version() -> None:
    """Composing returns new rules with the state's restriction appended; the federal value is unchanged."""
    state = StateRestriction(name="example state", source=ILLUSTRATIVE, denied_purposes={Purpose.RESEARCH})
    strict = PART2_2024_RULES.with_state(state)
    assert strict.state_restrictions == (state,) and strict.version == "2024"
    assert PART2_2024_RULES.state_restrictions == ()


def test_a_state_forbidding_a_purpose_or_recipient_kind_denies_even_with_consent() -> None:
    """A state's forbidden purpose or kind of recipient overrides a federal allowance, and names the state."""
    by_purpose = StateRestriction(name="s", source=ILLUSTRATIVE, denied_purposes={Purpose.TREATMENT})
    d = decide(PART2_2024_RULES.with_state(by_purpose), part2_request(), consents=[part2_consent()])
    assert not d.allowed and AuthorityKind.STATE_LAW in {r.authority for r in d.reasons}
    dated = StateRestriction(name="s", source=ILLUSTRATIVE, consent_requires_expiry_date=True)
    event_only = part2_consent(expires_on=None, expiry_event=ExpiryEvent.END_OF_TREATMENT)
    assert not decide(PART2_2024_RULES.with_state(dated), part2_request(), consents=[event_only]).allowed
    assert decide(PART2_2024_RULES.with_state(dated), part2_request(), consents=[part2_consent()]).allowed


def test_rules_refuse_a_state_law_authority_and_need_consent_and_not_part2() -> None:
    """The federal authorities map names NOT_PART2 and CONSENT and never STATE_LAW."""
    with pytest.raises(InvalidDataError, match="STATE_LAW"):
        attrs.evolve(PART2_2024_RULES, authorities={**PART2_2024_RULES.authorities, AuthorityKind.STATE_LAW: "x"})
    without = {k: v for k, v in PART2_2024_RULES.authorities.items() if k is not AuthorityKind.CONSENT}
    with pytest.raises(InvalidDataError, match="CONSENT"):
        attrs.evolve(PART2_2024_RULES, authorities=without)


def test_labels_mark_part2_records_only() -> None:
    """SUD records and counseling notes carry R and 42CFRPart2 (v3 ActCode); other records none."""
    assert PART2_POLICY_LABEL.system == "http://terminology.hl7.org/CodeSystem/v3-ActCode"
    assert PART2_POLICY_LABEL.code == "42CFRPart2"
    for record in (RecordClass.SUD_TREATMENT_RECORD, RecordClass.SUD_COUNSELING_NOTES):
        assert part2_labels(record) == (RESTRICTED_LABEL, PART2_POLICY_LABEL)
    assert part2_labels(RecordClass.NOT_PART2) == ()


def test_a_consent_refuses_days_before_its_signing() -> None:
    """A revocation or an expiry event before the consent was signed is an error naming the field."""
    with pytest.raises(InvalidDataError, match=r"\$\.revocation\.revoked_on"):
        part2_consent(revocation=Revocation(revoked_on=date(2024, 1, 1)))
    with pytest.raises(InvalidDataError, match=r"\$\.expiry_event_occurred_on"):
        part2_consent(expiry_event_occurred_on=PART2_DAY)  # an occurrence without an event


def test_the_patients_own_signature_has_no_representative_basis() -> None:
    """§2.14/§2.15 bases belong to an authorized person's signature."""
    with pytest.raises(InvalidDataError, match=r"\$\.basis"):
        ConsentSignature(signer=ConsentSigner.PATIENT, basis=RepresentativeBasis.MINOR)


def test_a_redisclosure_names_both_the_consent_and_the_purpose() -> None:
    """received_under and received_for go together."""
    with pytest.raises(InvalidDataError, match=r"\$\.received_for"):
        part2_request(received_under="consent-1")
    assert isinstance(part2_request(received_under="c", received_for=Purpose.PAYMENT), DisclosureRequest)


def test_an_order_cannot_expire_before_it_is_entered() -> None:
    """A court order's expiry is on or after its entry."""
    with pytest.raises(InvalidDataError, match=r"\$\.expires_on"):
        CourtOrder(
            recipient_id="court", kind=CourtOrderKind.NONCRIMINAL, entered_on=PART2_DAY, expires_on=date(2024, 1, 1)
        )


def test_decide_refuses_two_consents_with_one_id() -> None:
    """Consent ids are unique on file; a repeat is named by its path."""
    with pytest.raises(InvalidDataError, match=r"\$\.consents\[1\]\.id"):
        decide(PART2_2024_RULES, part2_request(), consents=[part2_consent(), part2_consent()])


def test_reprs_and_errors_show_no_identifiers() -> None:
    """Party keys, the patient and the consent's description are redacted in reprs."""
    text = repr(part2_request()) + repr(part2_consent())
    assert "patient-a" not in text and "hospital" not in text and "diagnosis" not in text


def test_authorities_out_of_their_days_do_not_allow() -> None:
    """An emergency of another day, an approval not yet given, an agreement already ended: each denies with its section."""

    day_before = date(2025, 3, 2)
    cases = [
        (part2_request(recipient=ER), MedicalEmergency(recipient_id="er", on=day_before), "§2.51(a)"),
        (
            part2_request(recipient=UNIVERSITY, purpose=Purpose.RESEARCH),
            ResearchApproval(recipient_id="uni", basis=ResearchBasis.FDA, approved_on=date(2025, 3, 4)),
            "§2.52(a)",
        ),
        (
            part2_request(recipient=LAB, purpose=Purpose.SERVICES_TO_PROGRAM),
            QsoAgreement(recipient_id="lab", signed_on=date(2024, 1, 1), ends_on=day_before),
            "§2.12(c)(4)",
        ),
    ]
    for request, authority, section in cases:
        d = decide(PART2_2024_RULES, request, authorities=[authority])
        assert (d.allowed, d.sections) == (False, (section,))


def test_a_rule_set_without_an_authority_says_so() -> None:
    """Rules built without research deny a research disclosure under §2.13(a)."""

    rules = attrs.evolve(
        PART2_2024_RULES,
        authorities={k: v for k, v in PART2_2024_RULES.authorities.items() if k is not AuthorityKind.RESEARCH},
    )
    approval = ResearchApproval(recipient_id="uni", basis=ResearchBasis.COMMON_RULE, approved_on=PART2_DAY)
    d = decide(rules, part2_request(recipient=UNIVERSITY, purpose=Purpose.RESEARCH), authorities=[approval])
    assert (d.allowed, d.sections) == (False, ("§2.13(a)",))


def test_a_later_oral_revocation_is_flagged_in_the_allowance() -> None:
    """The 2024 rule asks for written revocations: an allowance before an oral one says so."""
    consent = part2_consent(revocation=Revocation(revoked_on=date(2025, 4, 1), in_writing=False))
    d = decide(PART2_2024_RULES, part2_request(), consents=[consent])
    assert d.allowed and "not given in writing" in d.reasons[0].message


def test_a_decision_is_allowed_exactly_when_it_has_a_basis() -> None:
    """A DisclosureDecision cannot be built allowed without a basis."""
    reason = decide(PART2_2024_RULES, part2_request()).reasons[0]

    with pytest.raises(InvalidDataError, match=r"\$\.basis"):
        DisclosureDecision(allowed=True, rules_version="2024", reasons=(reason,))
