"""Disclosure scenarios written from the rule text; each asserts the outcome and the section it rests on."""

from __future__ import annotations

from datetime import date, timedelta

from iopcore.part2 import (
    PART2_2024_RULES,
    PART2_PRE_2024_RULES,
    AuditAuthorization,
    AuthorityKind,
    ConsentStatement,
    CourtOrder,
    CourtOrderFinding,
    CourtOrderKind,
    ExpiryEvent,
    MedicalEmergency,
    PartyClass,
    Purpose,
    QsoAgreement,
    RecordClass,
    ResearchApproval,
    ResearchBasis,
    Revocation,
    StateRestriction,
    decide,
)
from iopcore.sources import Evidence, Source
from tests.builders import (
    ATTORNEY,
    BILLING,
    CLINIC_2,
    COURT,
    ER,
    HEALTH_DEPT,
    HOSPITAL,
    HOSPITAL_RESEARCH,
    LAB,
    PART2_DAY,
    PAYER,
    PLAN,
    POLICE,
    STATE_AUDITOR,
    UNIVERSITY,
    part2_consent,
    part2_request,
    tpo_consent,
)

A = AuthorityKind
R24 = PART2_2024_RULES
PRE = PART2_PRE_2024_RULES
F = CourtOrderFinding
DAY = timedelta(days=1)


def _sections_against(decision: object) -> set[str]:
    return {r.section for r in decision.reasons if not r.allows}  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------- with consent


def test_a_named_consent_allows_the_disclosure_with_notice_and_copy() -> None:
    """§2.33(a)(1): a complete consent naming discloser, recipient and purpose allows; §2.32 notice goes with it."""
    d = decide(R24, part2_request(), consents=[part2_consent()])
    assert (d.allowed, d.basis, d.consent_id) == (True, A.CONSENT, "consent-1")
    assert d.reasons[0].section == "§2.33(a)(1)"
    assert d.notice is not None and (d.notice.section, d.notice.consent_copy_section) == ("§2.32(a)", "§2.32(b)")
    assert d.accounting_entry is None  # §2.25(b)(1): TPO disclosures outside an EHR are not accounted for


def test_a_tpo_disclosure_through_an_ehr_gets_an_accounting_entry_while_tolled() -> None:
    """§2.25(b)(1): a TPO disclosure through an EHR is accounted for; the 2024 rule's accounting is not yet in force."""
    d = decide(R24, part2_request(through_ehr=True), consents=[part2_consent()])
    entry = d.accounting_entry
    assert entry is not None
    assert (entry.section, entry.in_force, entry.disclosed_on, entry.purpose) == (
        "§2.25",
        False,
        PART2_DAY,
        Purpose.TREATMENT,
    )


def test_a_disclosure_at_the_patients_request_is_accounted_for() -> None:
    """§2.25(a), §2.31(a)(5): "at the request of the patient" to the patient's attorney; every consent disclosure is listed."""
    consent = part2_consent(recipients={"attorney"}, purposes={Purpose.PATIENT_REQUEST})
    d = decide(R24, part2_request(recipient=ATTORNEY, purpose=Purpose.PATIENT_REQUEST), consents=[consent])
    assert d.allowed and d.accounting_entry is not None and d.accounting_entry.consent_id == "consent-1"


def test_the_pre_2024_rule_has_no_accounting_and_the_short_notice() -> None:
    """Before 2024 there is no §2.25 accounting; the §2.32(a)(2) statement goes without a copy of the consent."""
    d = decide(PRE, part2_request(through_ehr=True), consents=[part2_consent()])
    assert d.allowed and d.accounting_entry is None
    assert d.notice is not None and d.notice.consent_copy_section is None
    assert d.notice.statement == "42 CFR part 2 prohibits unauthorized disclosure of these records."


def test_a_consent_missing_an_element_authorizes_nothing() -> None:
    """§2.31(c)(2): a consent that on its face fails to conform (unsigned) does not allow the disclosure."""
    d = decide(R24, part2_request(), consents=[part2_consent(signatures=())])
    assert not d.allowed and d.notice is None
    assert d.sections == ("§2.31(c)(2)",)
    assert "§2.31(a)(8)" in d.reasons[0].message


def test_no_consent_and_no_authority_is_denied() -> None:
    """§2.13(a): records are disclosed only as Part 2 permits; nothing on file permits this."""
    d = decide(R24, part2_request())
    assert (d.allowed, d.sections) == (False, ("§2.13(a)",))


def test_a_consent_for_another_patient_does_not_cover() -> None:
    """§2.31(a)(1): the consent names its patient; another patient's consent says nothing about this one."""
    d = decide(R24, part2_request(patient_id="patient-b"), consents=[part2_consent()])
    assert not d.allowed and d.sections == ("§2.31(a)(1)",)


def test_a_consent_naming_a_class_of_recipients_covers_a_member() -> None:
    """§2.31(a)(4)(i) (2024): recipients may be named by class, "my treating providers"."""
    consent = part2_consent(recipients=frozenset(), recipient_classes={PartyClass.TREATING_PROVIDERS})
    d = decide(R24, part2_request(recipient=CLINIC_2), consents=[consent])
    assert d.allowed and d.reasons[0].section == "§2.33(a)(1)"


def test_a_class_of_recipients_does_not_cover_a_non_member() -> None:
    """§2.31(a)(4)(i): a health plan is not one of "my treating providers"."""
    consent = part2_consent(recipients=frozenset(), recipient_classes={PartyClass.TREATING_PROVIDERS})
    d = decide(R24, part2_request(recipient=PLAN, purpose=Purpose.TREATMENT), consents=[consent])
    assert not d.allowed and "§2.31(a)(4)(i)" in d.sections


def test_before_2024_a_class_of_recipients_made_a_deficient_consent() -> None:
    """Pre-2024 §2.31(a)(4): recipients are named (a class only for an intermediary's participants)."""
    consent = part2_consent(recipients=frozenset(), recipient_classes={PartyClass.TREATING_PROVIDERS})
    d = decide(PRE, part2_request(recipient=CLINIC_2), consents=[consent])
    assert not d.allowed and d.sections == ("§2.31(c)(2)",)


def test_an_intermediarys_participant_with_a_treating_relationship_may_receive() -> None:
    """§2.31(a)(4)(ii)(B): a named intermediary with its participants designated as treating providers."""
    consent = part2_consent(
        recipients=frozenset(), intermediaries={"hie"}, recipient_classes={PartyClass.TREATING_PROVIDERS}
    )
    assert decide(R24, part2_request(recipient=CLINIC_2), consents=[consent]).allowed


def test_the_hipaa_statement_is_needed_for_a_covered_entity_receiving_for_tpo() -> None:
    """§2.31(a)(4)(iii) (2024): a covered entity receiving for treatment needs the redisclosure statement; pre-2024 not."""
    consent = part2_consent(statements=set(ConsentStatement) - {ConsentStatement.HIPAA_REDISCLOSURE})
    d = decide(R24, part2_request(), consents=[consent])
    assert not d.allowed and d.sections == ("§2.31(a)(4)(iii)",)
    assert decide(PRE, part2_request(), consents=[consent]).allowed


def test_a_tpo_consent_allows_payment_to_a_health_plan() -> None:
    """§2.33(a)(2) (2024): the single consent covers all future payment disclosures to health plans."""
    d = decide(R24, part2_request(recipient=PLAN, purpose=Purpose.PAYMENT), consents=[tpo_consent()])
    assert (d.allowed, d.reasons[0].section, d.consent_id) == (True, "§2.33(a)(2)", "consent-tpo")


def test_a_tpo_consent_does_not_cover_research() -> None:
    """§2.33(a)(2): the single consent is for treatment, payment and health care operations only."""
    d = decide(R24, part2_request(recipient=HOSPITAL, purpose=Purpose.RESEARCH), consents=[tpo_consent()])
    assert not d.allowed and d.sections == ("§2.31(a)(5)",)


# ----------------------------------------------------------------------------- redisclosure


def _held(**changes: object) -> dict[str, object]:
    return {"discloser": HOSPITAL, "received_under": "consent-tpo", "received_for": Purpose.TREATMENT, **changes}


def test_a_covered_entity_may_redisclose_tpo_records_under_hipaa() -> None:
    """§2.33(b)(1): a covered entity that received records for TPO may redisclose them as HIPAA permits."""
    d = decide(R24, part2_request(**_held(recipient=CLINIC_2)), consents=[tpo_consent()])
    assert (d.allowed, d.basis, d.reasons[0].section) == (True, A.REDISCLOSURE, "§2.33(b)(1)")
    assert d.notice is None  # HIPAA, not §2.32, governs the redisclosure


def test_a_covered_entity_may_not_redisclose_for_a_proceeding_against_the_patient() -> None:
    """§2.33(b)(1), §2.12(d): the HIPAA permission stops at civil, criminal, administrative and legislative proceedings."""
    request = part2_request(**_held(recipient=COURT, purpose=Purpose.PROCEEDING_AGAINST_PATIENT))
    d = decide(R24, request, consents=[tpo_consent()])
    assert not d.allowed and "§2.33(b)(1)" in d.sections


def test_before_2024_a_covered_entity_could_not_redisclose_for_treatment() -> None:
    """Pre-2024 §2.33(b): a lawful holder passes records on only to contractors for payment or operations."""
    request = part2_request(**_held(recipient=CLINIC_2, received_under="consent-1"))
    d = decide(PRE, request, consents=[part2_consent()])
    assert not d.allowed and "§2.33(b)" in d.sections


def test_a_payer_may_pass_payment_records_to_its_contractor() -> None:
    """§2.33(b)(3): a lawful holder that is not a HIPAA entity, received for payment, to its contractor for payment."""
    consent = part2_consent(recipients={"payer"}, purposes={Purpose.PAYMENT})
    request = part2_request(
        discloser=PAYER,
        recipient=BILLING,
        purpose=Purpose.PAYMENT,
        received_under="consent-1",
        received_for=Purpose.PAYMENT,
    )
    d = decide(R24, request, consents=[consent])
    assert (d.allowed, d.reasons[0].section) == (True, "§2.33(b)(3)")
    assert d.notice is not None


def test_a_redisclosure_under_a_revoked_consent_is_denied() -> None:
    """§2.31(c)(3): once revoked, the consent the records were received under supports no further disclosure."""
    revoked = tpo_consent(revocation=Revocation(revoked_on=PART2_DAY - DAY))
    d = decide(R24, part2_request(**_held(recipient=CLINIC_2)), consents=[revoked])
    assert not d.allowed and "§2.31(c)(3)" in d.sections


# ----------------------------------------------------------------------------- counseling notes, revocation, expiry


def test_counseling_notes_are_not_covered_by_a_general_consent() -> None:
    """§2.31(b)(1) (2024): SUD counseling notes need a consent given for them; the TPO consent does not cover them."""
    request = part2_request(record_class=RecordClass.SUD_COUNSELING_NOTES)
    d = decide(R24, request, consents=[tpo_consent(), part2_consent()])
    assert not d.allowed and _sections_against(d) == {"§2.31(b)(1)"}


def test_counseling_notes_under_their_own_consent_are_allowed() -> None:
    """§2.31(b)(1): a consent for the counseling notes alone covers them."""
    request = part2_request(record_class=RecordClass.SUD_COUNSELING_NOTES)
    assert decide(R24, request, consents=[part2_consent(counseling_notes=True)]).allowed


def test_a_counseling_notes_consent_covers_nothing_else() -> None:
    """§2.31(b)(2): a consent for counseling notes is combined with no other, so it does not cover the rest of the record."""
    d = decide(R24, part2_request(), consents=[part2_consent(counseling_notes=True)])
    assert not d.allowed and d.sections == ("§2.31(b)(2)",)


def test_before_2024_counseling_notes_were_part_of_the_record() -> None:
    """The pre-2024 rule has no class of counseling notes: a general consent covers them."""
    request = part2_request(record_class=RecordClass.SUD_COUNSELING_NOTES)
    assert decide(PRE, request, consents=[part2_consent()]).allowed


def test_a_consent_revoked_before_the_disclosure_is_denied() -> None:
    """§2.31(c)(3): no disclosure on a consent known to have been revoked (the day before)."""
    consent = part2_consent(revocation=Revocation(revoked_on=PART2_DAY - DAY))
    d = decide(R24, part2_request(), consents=[consent])
    assert not d.allowed and d.sections == ("§2.31(c)(3)",)


def test_a_consent_revoked_on_the_day_is_denied() -> None:
    """§2.31(c)(3): a revocation takes effect on the day the holder received it."""
    consent = part2_consent(revocation=Revocation(revoked_on=PART2_DAY))
    assert not decide(R24, part2_request(), consents=[consent]).allowed


def test_a_consent_revoked_after_the_disclosure_allowed_it() -> None:
    """§2.31(a)(6): a revocation does not reach disclosures made in reliance on the consent before it."""
    consent = part2_consent(revocation=Revocation(revoked_on=PART2_DAY + DAY))
    assert decide(R24, part2_request(), consents=[consent]).allowed


def test_an_oral_revocation_is_honored() -> None:
    """§2.31(a)(6), §2.33(a)(2) (2024): the right is to revoke "in writing"; iopcore still honors an oral revocation it
    knows of (§2.31(c)(3), "known to have been revoked") rather than disclose — iopcore's conservative reading."""
    consent = part2_consent(revocation=Revocation(revoked_on=PART2_DAY - DAY, in_writing=False))
    assert not decide(R24, part2_request(), consents=[consent]).allowed


def test_an_expired_consent_is_denied_and_the_last_day_still_counts() -> None:
    """§2.31(c)(1): no disclosure after the expiry date; on the day itself the consent is in effect."""
    assert decide(R24, part2_request(), consents=[part2_consent(expires_on=PART2_DAY)]).allowed
    d = decide(R24, part2_request(), consents=[part2_consent(expires_on=PART2_DAY - DAY)])
    assert not d.allowed and d.sections == ("§2.31(c)(1)",)


def test_a_consent_whose_expiry_event_happened_is_denied() -> None:
    """§2.31(a)(7), (c)(1): a consent that ends with treatment ends when treatment ends."""
    consent = part2_consent(
        expires_on=None, expiry_event=ExpiryEvent.END_OF_TREATMENT, expiry_event_occurred_on=PART2_DAY
    )
    assert not decide(R24, part2_request(), consents=[consent]).allowed


def test_a_consent_signed_after_the_disclosure_does_not_cover_it() -> None:
    """§2.31(a)(9): the consent is in effect from the day it was signed."""
    d = decide(R24, part2_request(), consents=[part2_consent(signed_on=PART2_DAY + DAY)])
    assert not d.allowed and d.sections == ("§2.31(a)(9)",)


# ----------------------------------------------------------------------------- proceedings against the patient


def test_a_proceedings_consent_allows_use_in_a_proceeding_in_2024() -> None:
    """§2.31(d), §2.12(d) (2024): the patient may consent, in a consent of its own, to use in a proceeding."""
    consent = part2_consent(recipients={"court"}, purposes={Purpose.PROCEEDING_AGAINST_PATIENT})
    request = part2_request(recipient=COURT, purpose=Purpose.PROCEEDING_AGAINST_PATIENT)
    assert decide(R24, request, consents=[consent]).allowed


def test_before_2024_only_a_court_order_allowed_use_in_a_proceeding() -> None:
    """Pre-2024 §2.12(d)(1): consent cannot authorize use against the patient; a subpart E order is needed."""
    consent = part2_consent(recipients={"court"}, purposes={Purpose.PROCEEDING_AGAINST_PATIENT})
    request = part2_request(recipient=COURT, purpose=Purpose.PROCEEDING_AGAINST_PATIENT)
    d = decide(PRE, request, consents=[consent])
    assert not d.allowed and d.sections == ("§2.12(d)(1)",)


def test_a_court_order_with_the_findings_allows_a_civil_proceeding() -> None:
    """§2.64(d): an order for a noncriminal purpose with both good-cause findings authorizes the disclosure."""
    order = CourtOrder(
        recipient_id="court",
        kind=CourtOrderKind.NONCRIMINAL,
        entered_on=PART2_DAY - DAY,
        findings={F.OTHER_WAYS_UNAVAILABLE, F.PUBLIC_INTEREST_OUTWEIGHS},
    )
    request = part2_request(recipient=COURT, purpose=Purpose.PROCEEDING_AGAINST_PATIENT)
    d = decide(R24, request, authorities=[order])
    assert (d.allowed, d.basis, d.reasons[0].section, d.notice) == (True, A.COURT_ORDER, "§2.64(d)", None)


def test_a_court_order_without_the_findings_is_denied() -> None:
    """§2.64(d): an order that does not state the findings of subpart E does not authorize."""
    order = CourtOrder(
        recipient_id="court", kind=CourtOrderKind.NONCRIMINAL, entered_on=PART2_DAY, findings={F.OTHER_WAYS_UNAVAILABLE}
    )
    d = decide(R24, part2_request(recipient=COURT, purpose=Purpose.OTHER), authorities=[order])
    assert not d.allowed and d.sections == ("§2.64(d)",)
    assert "public_interest_outweighs" in d.reasons[0].message


def test_a_criminal_order_needs_all_five_findings() -> None:
    """§2.65(d): to investigate or prosecute the patient the order states all five criteria."""
    findings = {
        F.EXTREMELY_SERIOUS_CRIME,
        F.SUBSTANTIAL_VALUE,
        F.OTHER_WAYS_UNAVAILABLE,
        F.PUBLIC_INTEREST_OUTWEIGHS,
        F.PROGRAM_HEARD,
    }
    order = CourtOrder(
        recipient_id="police",
        kind=CourtOrderKind.CRIMINAL_INVESTIGATION_OF_PATIENT,
        entered_on=PART2_DAY,
        findings=findings,
    )
    request = part2_request(recipient=POLICE, purpose=Purpose.PROCEEDING_AGAINST_PATIENT)
    assert decide(R24, request, authorities=[order]).allowed
    short = CourtOrder(
        recipient_id="police",
        kind=CourtOrderKind.CRIMINAL_INVESTIGATION_OF_PATIENT,
        entered_on=PART2_DAY,
        findings=findings - {F.PROGRAM_HEARD},
    )
    d = decide(R24, request, authorities=[short])
    assert not d.allowed and d.sections == ("§2.65(d)",)


# ----------------------------------------------------------------------------- without consent


def test_a_medical_emergency_allows_disclosure_to_medical_personnel() -> None:
    """§2.51(a)(1): a bona fide emergency in which consent cannot be obtained; §2.51(c) documentation follows."""
    d = decide(R24, part2_request(recipient=ER), authorities=[MedicalEmergency(recipient_id="er", on=PART2_DAY)])
    assert (d.allowed, d.basis, d.reasons[0].section) == (True, A.MEDICAL_EMERGENCY, "§2.51(a)")
    assert len(d.documentation) == 4 and d.notice is None


def test_no_emergency_disclosure_when_consent_could_be_obtained() -> None:
    """§2.51(a)(1): the emergency exception is for when the patient's prior written consent cannot be obtained."""
    emergency = MedicalEmergency(recipient_id="er", on=PART2_DAY, consent_obtainable=True)
    assert not decide(R24, part2_request(recipient=ER), authorities=[emergency]).allowed


def test_a_declared_disaster_closing_the_program_allows_emergency_disclosure() -> None:
    """§2.51(a)(2): the program closed during a declared state of emergency cannot obtain consent."""
    emergency = MedicalEmergency(recipient_id="er", on=PART2_DAY, consent_obtainable=True, declared_disaster=True)
    assert decide(PRE, part2_request(recipient=ER), authorities=[emergency]).allowed


def test_research_with_an_irb_approval_is_allowed() -> None:
    """§2.52(a): disclosure to a researcher with documented approval under the Common Rule."""
    approval = ResearchApproval(recipient_id="uni", basis=ResearchBasis.COMMON_RULE, approved_on=date(2025, 1, 1))
    d = decide(R24, part2_request(recipient=UNIVERSITY, purpose=Purpose.RESEARCH), authorities=[approval])
    assert (d.allowed, d.reasons[0].section) == (True, "§2.52(a)")


def test_a_hipaa_waiver_is_a_research_basis_only_for_a_hipaa_entity() -> None:
    """§2.52(a): the HIPAA authorization-or-waiver basis belongs to covered entities and business associates."""
    waiver = ResearchApproval(
        recipient_id="uni", basis=ResearchBasis.HIPAA_AUTHORIZATION_OR_WAIVER, approved_on=PART2_DAY
    )
    assert not decide(R24, part2_request(recipient=UNIVERSITY, purpose=Purpose.RESEARCH), authorities=[waiver]).allowed
    ce = ResearchApproval(
        recipient_id="hospital-research", basis=ResearchBasis.HIPAA_AUTHORIZATION_OR_WAIVER, approved_on=PART2_DAY
    )
    assert decide(R24, part2_request(recipient=HOSPITAL_RESEARCH, purpose=Purpose.RESEARCH), authorities=[ce]).allowed


def test_an_audit_is_allowed_while_it_runs() -> None:
    """§2.53: records go to the auditor for an audit or evaluation during it, not after."""
    audit = AuditAuthorization(recipient_id="auditor", starts_on=date(2025, 2, 1), ends_on=PART2_DAY)
    request = part2_request(recipient=STATE_AUDITOR, purpose=Purpose.AUDIT_OR_EVALUATION)
    assert decide(R24, request, authorities=[audit]).reasons[0].section == "§2.53"
    assert decide(R24, request, authorities=[audit]).allowed
    assert not decide(
        R24,
        part2_request(recipient=STATE_AUDITOR, purpose=Purpose.AUDIT_OR_EVALUATION, on=PART2_DAY + DAY),
        authorities=[audit],
    ).allowed


def test_a_qso_agreement_allows_what_the_organization_needs_for_its_services() -> None:
    """§2.12(c)(4): communication with a qualified service organization of what it needs to serve the program."""
    qso = QsoAgreement(recipient_id="lab", signed_on=date(2024, 6, 1))
    d = decide(R24, part2_request(recipient=LAB, purpose=Purpose.SERVICES_TO_PROGRAM), authorities=[qso])
    assert (d.allowed, d.reasons[0].section) == (True, "§2.12(c)(4)")
    assert not decide(R24, part2_request(recipient=LAB, purpose=Purpose.RESEARCH), authorities=[qso]).allowed


def test_deidentified_records_may_go_to_a_public_health_authority_in_2024() -> None:
    """§2.54 (2024): without consent, de-identified records to a public health authority; not identified ones."""
    request = part2_request(recipient=HEALTH_DEPT, purpose=Purpose.PUBLIC_HEALTH, deidentified=True)
    assert decide(R24, request).allowed
    assert not decide(R24, part2_request(recipient=HEALTH_DEPT, purpose=Purpose.PUBLIC_HEALTH)).allowed
    assert not decide(PRE, request).allowed


def test_only_a_part2_program_discloses_for_public_health() -> None:
    """§2.54 (2024): "A part 2 program may disclose" — a payer holding the records may not rely on it."""
    request = part2_request(discloser=PAYER, recipient=HEALTH_DEPT, purpose=Purpose.PUBLIC_HEALTH, deidentified=True)
    d = decide(R24, request)
    assert not d.allowed and d.sections == ("§2.54",)


def test_a_record_that_is_not_part2_is_not_restricted_by_it() -> None:
    """§2.12(a): Part 2 restricts only records it covers; other law may still apply."""
    d = decide(R24, part2_request(record_class=RecordClass.NOT_PART2, recipient=ATTORNEY))
    assert (d.allowed, d.basis, d.sections) == (True, A.NOT_PART2, ("§2.12(a)",))


# ----------------------------------------------------------------------------- a state's stricter rules

ILLUSTRATIVE = Source(citation="an illustrative state rule", evidence=Evidence.ILLUSTRATIVE)


def test_a_state_limit_on_a_consents_life_denies_an_old_consent() -> None:
    """§2.20 lets a state be stricter: a consent older than the state's limit no longer allows."""
    state = StateRestriction(name="example state", source=ILLUSTRATIVE, consent_max_days=30)
    d = decide(R24.with_state(state), part2_request(), consents=[part2_consent()])
    assert not d.allowed and {r.authority for r in d.reasons} == {A.CONSENT, A.STATE_LAW}
    assert decide(R24.with_state(state), part2_request(on=date(2025, 2, 9)), consents=[part2_consent()]).allowed


def test_a_state_that_honors_no_emergency_exception_denies_it() -> None:
    """A state may refuse a federal authority; the decision names the state rule."""
    state = StateRestriction(name="example state", source=ILLUSTRATIVE, denied_authorities={A.MEDICAL_EMERGENCY})
    emergency = MedicalEmergency(recipient_id="er", on=PART2_DAY)
    d = decide(R24.with_state(state), part2_request(recipient=ER), authorities=[emergency])
    assert not d.allowed and "an illustrative state rule" in d.sections


def test_the_order_of_consents_and_authorities_does_not_matter() -> None:
    """Same input in another order, same decision."""
    consents = [part2_consent(id="b", signatures=()), part2_consent(id="a"), tpo_consent()]
    authorities = [
        MedicalEmergency(recipient_id="hospital", on=PART2_DAY),
        QsoAgreement(recipient_id="hospital", signed_on=PART2_DAY),
    ]
    first = decide(R24, part2_request(), consents=consents, authorities=authorities)
    assert first == decide(R24, part2_request(), consents=consents[::-1], authorities=authorities[::-1])
    assert first.consent_id == "a"


# ----------------------------------------------------------------------------- readings corrected against the eCFR text


def _findings_64() -> frozenset[CourtOrderFinding]:
    return frozenset({F.OTHER_WAYS_UNAVAILABLE, F.PUBLIC_INTEREST_OUTWEIGHS})


def test_counseling_notes_in_an_emergency_need_consent_in_2024() -> None:
    """§2.31(b)(1) (2024): the exceptions to the counseling-notes consent do not include §2.51; before 2024 they were
    part of the record and the emergency exception covered them."""
    request = part2_request(record_class=RecordClass.SUD_COUNSELING_NOTES, recipient=ER)
    emergency = MedicalEmergency(recipient_id="er", on=PART2_DAY)
    d = decide(R24, request, authorities=[emergency])
    assert not d.allowed and d.sections == ("§2.31(b)(1)",)
    assert decide(PRE, request, authorities=[emergency]).allowed


def test_counseling_notes_under_a_noncriminal_court_order_are_allowed() -> None:
    """§2.31(b)(1)(ii) (2024): a §2.64 order with its findings is an exception to the counseling-notes consent."""
    order = CourtOrder(
        recipient_id="court", kind=CourtOrderKind.NONCRIMINAL, entered_on=PART2_DAY, findings=_findings_64()
    )
    request = part2_request(
        record_class=RecordClass.SUD_COUNSELING_NOTES, recipient=COURT, purpose=Purpose.PROCEEDING_AGAINST_PATIENT
    )
    d = decide(R24, request, authorities=[order])
    assert (d.allowed, d.basis, d.reasons[0].section) == (True, A.COURT_ORDER, "§2.64(d)")


def test_counseling_notes_under_a_criminal_order_need_consent_in_2024() -> None:
    """§2.31(b)(1)(ii) (2024): §2.65 is not among the exceptions, so an order against the patient does not reach them."""
    order = CourtOrder(
        recipient_id="police",
        kind=CourtOrderKind.CRIMINAL_INVESTIGATION_OF_PATIENT,
        entered_on=PART2_DAY,
        findings=set(CourtOrderFinding),
    )
    request = part2_request(
        record_class=RecordClass.SUD_COUNSELING_NOTES, recipient=POLICE, purpose=Purpose.PROCEEDING_AGAINST_PATIENT
    )
    d = decide(R24, request, authorities=[order])
    assert not d.allowed and d.sections == ("§2.31(b)(1)",)


def test_counseling_notes_to_an_auditor_need_consent_in_2024() -> None:
    """§2.31(b)(1)(ii) (2024): §2.53 is an exception only for oversight of the notes' originator, which iopcore cannot
    tell from an audit on file, so it denies."""
    audit = AuditAuthorization(recipient_id="auditor", starts_on=PART2_DAY)
    request = part2_request(
        record_class=RecordClass.SUD_COUNSELING_NOTES, recipient=STATE_AUDITOR, purpose=Purpose.AUDIT_OR_EVALUATION
    )
    d = decide(R24, request, authorities=[audit])
    assert not d.allowed and d.sections == ("§2.31(b)(1)",)


def test_a_program_investigation_order_allows_its_own_use() -> None:
    """§2.66(c): an order to investigate the program, with its good-cause findings, authorizes the disclosure."""
    order = CourtOrder(
        recipient_id="auditor",
        kind=CourtOrderKind.INVESTIGATION_OF_PROGRAM,
        entered_on=PART2_DAY,
        findings=_findings_64(),
    )
    d = decide(R24, part2_request(recipient=STATE_AUDITOR, purpose=Purpose.OTHER), authorities=[order])
    assert (d.allowed, d.basis, d.reasons[0].section) == (True, A.COURT_ORDER, "§2.66(c)")


def test_a_program_investigation_order_is_not_used_against_the_patient() -> None:
    """§2.66(d)(2): what an order to investigate the program yields may not be used to prosecute a patient."""
    order = CourtOrder(
        recipient_id="police",
        kind=CourtOrderKind.INVESTIGATION_OF_PROGRAM,
        entered_on=PART2_DAY,
        findings=_findings_64(),
    )
    request = part2_request(recipient=POLICE, purpose=Purpose.PROCEEDING_AGAINST_PATIENT)
    d = decide(R24, request, authorities=[order])
    assert not d.allowed and d.sections == ("§2.66(d)(2)",)


def test_a_2024_treatment_consent_without_the_tpo_statements_authorizes_nothing() -> None:
    """§2.31(a)(10), §2.31(c)(2) (2024): a consent for treatment lacking the two statements is deficient on its face;
    the pre-2024 rule did not ask for them."""
    consent = part2_consent(statements={ConsentStatement.RIGHT_TO_REVOKE, ConsentStatement.HIPAA_REDISCLOSURE})
    d = decide(R24, part2_request(), consents=[consent])
    assert not d.allowed and d.sections == ("§2.31(c)(2)",)
    assert "§2.31(a)(10)" in d.reasons[0].message
    assert decide(PRE, part2_request(), consents=[consent]).allowed


def test_a_2024_treatment_consent_may_say_none_as_its_expiry() -> None:
    """§2.31(a)(7) (2024): "none" suffices as the expiry of a consent for treatment, so the disclosure is allowed."""
    consent = part2_consent(expires_on=None, expiry_event=ExpiryEvent.NONE)
    d = decide(R24, part2_request(), consents=[consent])
    assert (d.allowed, d.reasons[0].section) == (True, "§2.33(a)(1)")
